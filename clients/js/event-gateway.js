// Event Gateway JavaScript client: one ES module for browsers and Node 20, no build step, no runtime dependency.
// The wire contract is docs/PROTOCOL.md; section numbers below refer to it.
//
// Delivery model. The client hands the application one stream of events in strictly increasing `seq`, each seq at
// most once, across reconnects and overflows:
// - `lastSeq` is the position: every event of the subscriptions up to it was delivered (or announced lost through
//   a `lost` event); an event with seq <= lastSeq is a duplicate and is dropped.
// - After a reconnect every subscription is sent again with `since` = lastSeq (section 7).
// - The server's stream is in increasing seq except around a `since` replay, which may be older than live events
//   of other patterns already queued. While such a replay is in flight (and while an overflow's gap is fetched
//   over REST) events are held, then delivered in seq order once the replay is known complete: a second request
//   on the same patterns (the "barrier") is handled by the gateway's single dispatcher after the first, so its
//   reply is queued behind the first's replay block.

/** Protocol version this client speaks. */
export const PROTOCOL_VERSION = 1;

const WS_OPEN = 1;
const MAX_ID_LENGTH = 192;
const MAX_PREFIX_LENGTH = 192;
const ENTITY = /^[a-z][a-z0-9_.-]{0,63}$/;
const ID_CHARS = /^[A-Za-z0-9._:/@-]*$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const EVENT_NAMES = new Set(['event', 'state', 'error', 'overflow', 'resync', 'lost', 'authenticated', 'expiring',
  'unsubscribed']);
/** The gateway's own subprotocol, offered beside `bearer.<token>` (PROTOCOL.md section 11.1, clarification 18). */
export const SUBPROTOCOL = 'eventgateway.v1';
// RFC 7230 token characters: what a `Sec-WebSocket-Protocol` entry may hold (JWTs and generated API keys are).
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_FILTER_KEYS = 32;
const MAX_FILTER_VALUES = 100;
const MAX_EVENT_TYPES = 100;
const MAX_EVENT_TYPE_LENGTH = 128;
const MAX_KEY_LENGTH = 128;

/**
 * Every error this client reports: rejected promises and `error` events.
 *
 * `code` is the protocol's code (`WS_INVALID_TOPIC`, `WS_SUBSCRIPTION_LIMIT`, ... section 5) when the gateway
 * answered an error, or one of the client's own codes:
 * `INVALID_ARGUMENT` (a wrong argument or option; thrown synchronously by the constructor, returned as a rejected
 * promise by the methods), `CONNECTION_FAILED` (the WebSocket could not be opened, or closed before `connected`),
 * `CONNECTION_LOST` (an open connection closed; a publish without idempotencyKey that was sent but not answered is
 * rejected with it, since it may or may not have been applied), `UNAUTHORIZED` (the gateway answered the upgrade
 * 401: no credential, or a refused one; `details.credentials` is `missing` or `invalid`; the client stops unless
 * its `token` function gives a new token), `CREDENTIALS_REVOKED` (close 4003: the connection's credentials
 * expired; the client stops unless its `token` function gives a new one), `TOKEN_FAILED` (the `token` function
 * threw, rejected or gave something that is not a token; retried with backoff), `PROTOCOL_ERROR` (the server sent something this protocol does not allow; the client drops the
 * connection and reconnects), `TIMEOUT` (no answer in time), `HEARTBEAT_TIMEOUT` (the server went silent),
 * `RESYNC_FAILED` (the REST request for an overflow's gap failed; the client reconnects and recovers the gap with
 * `since`), `MESSAGE_TOO_LARGE` (a message above `maxMessageBytes`, not sent), `CLOSED` (the client was closed),
 * `LISTENER_FAILED` (an application listener threw; the event still counts as delivered).
 */
export class GatewayError extends Error {
  /**
   * @param {string} code the protocol code or one of the client's codes
   * @param {string} message what went wrong, for a person
   * @param {{details?: Record<string, unknown>, id?: string|null, cause?: unknown}} [extra]
   */
  constructor(code, message, extra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'GatewayError';
    /** @type {string} */
    this.code = code;
    /** @type {Record<string, unknown>} the error's `details` (always an object) */
    this.details = extra.details ?? {};
    /** @type {string|null} the `id` of the request it answers, when it answers one */
    this.id = extra.id ?? null;
  }
}

/**
 * @typedef {object} GatewayEvent
 * @property {number} seq the event's position in the gateway's log
 * @property {string} topic a concrete topic, `entity:id`
 * @property {string} eventType
 * @property {Record<string, unknown>} data
 * @property {string} timestamp ISO-8601 UTC, when it was published
 */

/**
 * @typedef {object} SubscribeOptions
 * @property {Record<string, string|number|boolean|null|Array<string|number|boolean|null>>} [filters]
 *   top-level fields of `data` that must match (a scalar, or an array meaning any of them)
 * @property {string[]} [events] event types to keep; an entry may end in `*` (`task.*`)
 * @property {number} [since] also deliver the retained events after this seq first (a replay); it may not be
 *   lower than {@link GatewayClient#lastSeq}, since events are delivered in seq order
 */

/**
 * @typedef {object} Subscribed
 * @property {string[]} topics
 * @property {number|null} activeSubscriptions patterns active on the connection
 * @property {number|null} headSeq the gateway's dispatched head when it applied the request
 * @property {boolean} [recovered] present with `since`: false when events after it were already purged
 */

/**
 * @typedef {object} BackoffOptions
 * @property {number} [initialMs=250] cap of the first retry's delay
 * @property {number} [maxMs=30000] largest cap
 * @property {number} [factor=2] the cap grows by this factor per failed attempt in a row
 * @property {number} [resetAfterMs=5000] a connection live at least this long resets the attempt count
 */

/**
 * @typedef {object} Clock
 * @property {() => number} now milliseconds
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: unknown) => void} clearTimeout
 */

/**
 * @typedef {object} ClientOptions
 * @property {new (url: string) => any} [WebSocket] the WebSocket class (default `globalThis.WebSocket`; in Node 20
 *   pass the `ws` package's class, or run with `--experimental-websocket`)
 * @property {typeof fetch} [fetch] used for the overflow resync (default `globalThis.fetch`)
 * @property {string} [httpUrl] base URL of the REST API (default: the WebSocket URL's directory over http/https)
 * @property {BackoffOptions} [backoff]
 * @property {number} [maxAttempts=Infinity] connection attempts in a row that may fail before the client gives
 *   up and closes (1 = never retry)
 * @property {number} [connectTimeoutMs=10000] from opening the socket to the `connected` frame
 * @property {number} [requestTimeoutMs=10000] from sending a request to its answer
 * @property {number} [heartbeatTimeoutMs] silence from the server before the connection is dropped (default:
 *   twice the server's heartbeat interval plus 5 s)
 * @property {number} [maxMessageBytes=65536] largest message sent (the gateway closes 1009 above its limit)
 * @property {number} [resyncPageSize=1000] `limit` of each REST page of an overflow resync
 * @property {() => number} [random] uniform in [0, 1), for the jitter (default `Math.random`)
 * @property {Clock} [clock] time source and timers (default: `Date.now`, `setTimeout`, `clearTimeout`)
 * @property {string | (() => string | null | undefined | Promise<string | null | undefined>)} [token] the
 *   credential (a JWT or an API key, PROTOCOL.md section 11), when the gateway's `auth.mode` is not `none`. It is
 *   offered on the upgrade as the subprotocol `bearer.<token>` beside `eventgateway.v1` (a browser cannot set
 *   headers on a WebSocket) and sent as `Authorization: Bearer` on REST calls. A function is called before each
 *   connection attempt and on `auth_expiring`, when the client sends its new token in an `auth` message, so the
 *   connection lives on; it may return a promise, and null for "no token".
 * @property {boolean} [batchFrames=false] ask the gateway for `batch` frames (`/ws?batch=true`, PROTOCOL.md section
 *   5): it may then pack several messages into one frame, which the client unpacks and handles in order, each as if
 *   it had come alone (fewer frames for a busy reader). Nothing the application sees changes. The URL may then not
 *   carry a `batch` parameter of its own.
 */

/**
 * @typedef {object} Grant what the connection's credential allows (`connected.payload.auth`, `authenticated`)
 * @property {string} subject
 * @property {string|null} expiresAt ISO-8601, or null for a credential that does not expire
 * @property {string[]} subscribe patterns it may subscribe to and read
 * @property {string[]} publish patterns of the topics it may publish to
 * @property {boolean} admin
 * @property {boolean} refreshed true when an `auth` message brought it, false at the connection's start
 */

/**
 * @typedef {'idle'|'connecting'|'live'|'reconnecting'|'closed'} ConnectionState
 * @typedef {object} StateChange
 * @property {ConnectionState} state
 * @property {ConnectionState} previous
 * @property {number} [attempt] failed attempts in a row so far, while connecting or reconnecting
 * @property {number} [delayMs] when the next attempt starts, while connecting or reconnecting
 * @property {GatewayError} [error] why the last connection ended
 * @property {string} [connectionId] when live
 */

// ---------------------------------------------------------------------------------------------------------------
// Topics, patterns, selectors (sections 2 and 4)

/**
 * Whether a string is a concrete topic `entity:id` (section 2).
 * @param {unknown} value
 * @returns {boolean}
 */
export function isTopic(value) {
  if (typeof value !== 'string') return false;
  const colon = value.indexOf(':');
  if (colon < 0) return false;
  const id = value.slice(colon + 1);
  return ENTITY.test(value.slice(0, colon)) && id.length >= 1 && id.length <= MAX_ID_LENGTH && ID_CHARS.test(id);
}

/**
 * Parses a subscription pattern (section 2), or returns null when it is not one.
 * @param {unknown} value
 * @returns {{kind: 'all'} | {kind: 'exact', topic: string} | {kind: 'prefix', entity: string, prefix: string} | null}
 */
export function parsePattern(value) {
  if (typeof value !== 'string' || value.length === 0) return null;
  if (value === '*') return { kind: 'all' };
  if (!value.endsWith('*')) return isTopic(value) ? { kind: 'exact', topic: value } : null;
  const colon = value.indexOf(':');
  if (colon < 0 || !ENTITY.test(value.slice(0, colon))) return null;
  const prefix = value.slice(colon + 1, -1);
  if (prefix.length > MAX_PREFIX_LENGTH || !ID_CHARS.test(prefix)) return null;
  return { kind: 'prefix', entity: value.slice(0, colon), prefix };
}

/**
 * Whether a pattern selects a topic, as the gateway decides it.
 * @param {string} pattern a valid pattern
 * @param {string} topic a concrete topic
 * @returns {boolean}
 */
export function patternMatches(pattern, topic) {
  const p = parsePattern(pattern);
  if (p === null) throw new GatewayError('WS_INVALID_TOPIC', `invalid pattern ${show(pattern)}`, { details: { topic: pattern } });
  return matchParsed(p, topic);
}

function matchParsed(p, topic) {
  if (p.kind === 'all') return true;
  if (p.kind === 'exact') return p.topic === topic;
  const colon = topic.indexOf(':');
  return colon >= 0 && topic.slice(0, colon) === p.entity && topic.slice(colon + 1).startsWith(p.prefix);
}

function isScalar(v) {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function isPlainObject(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Validates `filters` and `events` like the gateway does and returns the predicate it applies (section 4), used
 * on events fetched over REST during an overflow resync.
 * @param {unknown} filters
 * @param {unknown} events
 * @returns {(event: {eventType: string, data: Record<string, unknown>}) => boolean}
 */
export function compileSelector(filters, events) {
  /** @type {Array<[string, Array<unknown>]>} */
  const filterList = [];
  if (filters !== undefined && filters !== null) {
    if (!isPlainObject(filters)) {
      throw invalid("'filters' must be an object of field: value or field: [values]", 'filters');
    }
    const keys = Object.keys(filters);
    if (keys.length > MAX_FILTER_KEYS) throw invalid(`'filters' has ${keys.length} keys; at most ${MAX_FILTER_KEYS} are allowed`, 'filters');
    for (const key of keys) {
      const value = filters[key];
      if (Array.isArray(value)) {
        if (value.length === 0 || value.length > MAX_FILTER_VALUES) {
          throw invalid(`filter '${key}' must list 1 to ${MAX_FILTER_VALUES} values`, 'filters');
        }
        if (!value.every(isScalar)) throw invalid(`filter '${key}' may only list scalars (string, finite number, boolean, null)`, 'filters');
        filterList.push([key, value]);
      } else if (isScalar(value)) {
        filterList.push([key, [value]]);
      } else {
        throw invalid(`filter '${key}' must be a scalar or an array of scalars`, 'filters');
      }
    }
  }
  const exact = new Set();
  const prefixes = [];
  let allTypes = true;
  if (events !== undefined && events !== null) {
    if (!Array.isArray(events)) throw invalid("'events' must be an array of event types, e.g. [\"task.status_changed\", \"stream.*\"]", 'events');
    if (events.length > MAX_EVENT_TYPES) throw invalid(`'events' has ${events.length} entries; at most ${MAX_EVENT_TYPES} are allowed`, 'events');
    let star = false;
    for (const entry of events) {
      if (typeof entry !== 'string' || entry.length === 0 || entry.length > MAX_EVENT_TYPE_LENGTH) {
        throw invalid(`every entry of 'events' must be a non-empty string of at most ${MAX_EVENT_TYPE_LENGTH} characters`, 'events');
      }
      const at = entry.indexOf('*');
      if (at >= 0 && at !== entry.length - 1) throw invalid(`'events' entry '${entry}' may only end in '*'`, 'events');
      if (at < 0) exact.add(entry);
      else if (at === 0) star = true;
      else prefixes.push(entry.slice(0, -1));
    }
    allTypes = star || (exact.size === 0 && prefixes.length === 0);
  }
  return (event) => {
    if (!allTypes && !exact.has(event.eventType) && !prefixes.some((p) => event.eventType.startsWith(p))) return false;
    const data = event.data;
    for (const [key, wanted] of filterList) {
      if (!Object.prototype.hasOwnProperty.call(data, key)) return false;
      const actual = data[key];
      if (!wanted.some((w) => w === actual)) return false;
    }
    return true;
  };
}

function selectorKey(filters, events) {
  const f = filters ? Object.keys(filters).sort().map((k) => [k, filters[k]]) : [];
  return JSON.stringify([f, events ?? []]);
}

// ---------------------------------------------------------------------------------------------------------------
// Backoff

/**
 * The delay before reconnect attempt `attempt` (1 for the first retry): exponential backoff with full jitter,
 * `random() * min(maxMs, initialMs * factor^(attempt-1))`.
 * @param {number} attempt failed attempts in a row, >= 1
 * @param {{initialMs: number, maxMs: number, factor: number}} backoff
 * @param {() => number} random uniform in [0, 1)
 * @returns {number} milliseconds, in [0, min(maxMs, initialMs * factor^(attempt-1))]
 */
export function backoffDelay(attempt, backoff, random = Math.random) {
  const cap = Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.factor, Math.max(0, attempt - 1)));
  const r = random();
  if (typeof r !== 'number' || !(r >= 0 && r <= 1)) {
    throw new GatewayError('INVALID_ARGUMENT', `random() must return a number in [0, 1), got ${show(r)}`, { details: { argument: 'random' } });
  }
  return Math.floor(r * cap);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function invalid(message, argument) {
  return new GatewayError('INVALID_ARGUMENT', message, { details: { argument } });
}

function show(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 80) + '...' : value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const s = JSON.stringify(value);
    if (s === undefined) return String(value);
    return s.length > 80 ? s.slice(0, 80) + '...' : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function excerpt(text, max = 120) {
  const s = String(text).replace(/\s+/g, ' ').trim();
  return s.length > max ? JSON.stringify(s.slice(0, max)) + '...' : JSON.stringify(s);
}

function isSeq(v) {
  return Number.isSafeInteger(v) && v >= 0;
}

function checkSince(since) {
  if (since !== undefined && since !== null && !isSeq(since)) {
    throw invalid(`'since' must be an integer >= 0 (the last seq processed), got ${show(since)}`, 'since');
  }
}

function checkPatterns(patterns, argument) {
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid(`'${argument}' must be a pattern or a non-empty array of patterns, got ${show(patterns)}`, argument);
  }
  for (const p of list) {
    if (parsePattern(p) === null) {
      throw new GatewayError('WS_INVALID_TOPIC',
        `invalid pattern ${show(p)}: use *, a topic entity:id, or entity:* or entity:prefix*`, { details: { topic: p } });
    }
  }
  return [...new Set(list)];
}

function checkKeys(object, allowed, argument) {
  if (object === undefined) return {};
  if (!isPlainObject(object)) throw invalid(`'${argument}' must be an object, got ${show(object)}`, argument);
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw invalid(`unknown ${argument} key '${key}'; known: ${allowed.join(', ')}`, argument);
    }
  }
  return object;
}

function positiveNumber(value, name, fallback, { allowInfinity = false, allowZero = false } = {}) {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && !Number.isNaN(value) && (allowZero ? value >= 0 : value > 0)
    && (allowInfinity || Number.isFinite(value));
  if (!ok) throw invalid(`option '${name}' must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${show(value)}`, name);
  return value;
}

function describeClose(event) {
  const code = typeof event?.code === 'number' ? event.code : 1006;
  const reason = typeof event?.reason === 'string' && event.reason ? ` ${JSON.stringify(event.reason)}` : '';
  return `code ${code}${reason}`;
}

function errorText(event) {
  if (!event) return '';
  if (typeof event.message === 'string' && event.message) return event.message;
  if (event.error && typeof event.error.message === 'string') return event.error.message;
  return '';
}

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------------
// The client

/**
 * A connection to the Event Gateway that survives gateway restarts and slow reading.
 *
 * ```js
 * const client = new GatewayClient('ws://127.0.0.1:9090/ws', { WebSocket });
 * client.on('event', (e) => console.log(e.seq, e.topic, e.eventType, e.data));
 * await client.connect();
 * await client.subscribe(['task:*']);
 * ```
 *
 * Listeners (`on(name, fn)`, which returns a function that removes it):
 * - `event` ({@link GatewayEvent}): each event once, in increasing `seq`;
 * - `state` ({@link StateChange}): `connecting`, `live`, `reconnecting`, `closed`, also on every scheduled retry;
 * - `error` ({@link GatewayError}): failures not tied to a request's promise (a lost connection, a bad frame, ...);
 *   without an `error` listener they are printed with `console.warn`;
 * - `overflow` ({dropped, firstDroppedSeq, lastDroppedSeq}): the gateway dropped events for this slow client; the
 *   client fetches them over REST and delivers them before any later event;
 * - `resync` ({reason: 'overflow', dropped, firstDroppedSeq, lastDroppedSeq, recovered}): after that gap's
 *   events were delivered (`recovered` of them);
 * - `lost` ({reason, afterSeq, ...}): events are gone for good (purged by retention, or the gateway's log was
 *   reset): rebuild state over REST;
 * - `authenticated` ({@link Grant}): the connection's grant, when auth is on: at each connection, and after each
 *   accepted token refresh;
 * - `expiring` ({expiresAt, refreshWindowMs}): the gateway's `auth_expiring`; with a `token` function the client
 *   refreshes by itself, else call {@link GatewayClient#authenticate} before `expiresAt` (close 4003 follows);
 * - `unsubscribed` ({topics, activeSubscriptions, reason: 'credentials'}): new credentials no longer allow these
 *   patterns; the gateway removed them, and so does the client.
 */
export class GatewayClient {
  #url;
  #httpUrl;
  #WebSocket;
  #fetch;
  #backoff;
  #maxAttempts;
  #connectTimeoutMs;
  #requestTimeoutMs;
  #heartbeatTimeoutMs;
  #maxMessageBytes;
  #resyncPageSize;
  /** Whether the connection asks for `batch` frames (`?batch=true`). */
  #batchFrames;
  #random;
  #clock;
  /** @type {string | Function | undefined} the `token` option */
  #tokenOption;
  /** The last token obtained (sent on REST calls), or null. */
  #token = null;
  /** The token the gateway refused with 401, while a token function is asked for a new one. */
  #refused;
  #refusedWhy = '';
  #probing = false;
  /** @type {Grant|null} */
  #grant = null;

  /** @type {Map<string, Set<Function>>} */
  #listeners = new Map();
  /** The wanted subscriptions: pattern -> {pattern, key, filters, events, since, match}. */
  #subs = new Map();
  /** Subscribe calls waiting for a connection: {patterns, resolve, reject, remaining, done}. */
  #subWaiters = [];
  /** Publishes and pings waiting for a connection, in call order. */
  #outbox = [];
  /** @type {Array<{resolve: Function, reject: Function}>} */
  #connectWaiters = [];

  /** @type {ConnectionState} */
  #state = 'idle';
  #closed = false;
  #attempt = 0;
  #retryTimer = null;
  #conn = null;
  #nextId = 0;

  #position = null;
  #holds = 0;
  #held = [];
  #floors = [];

  /**
   * @param {string|URL} url the WebSocket endpoint (`ws://127.0.0.1:9090/ws`), or the gateway's http(s) base URL:
   *   http becomes ws, https becomes wss, and a URL without path gets `/ws`. Relative URLs resolve against the
   *   page's location in a browser.
   * @param {ClientOptions} [options]
   * @throws {GatewayError} `INVALID_ARGUMENT` for a bad URL or option, or when no WebSocket class is available
   */
  constructor(url, options = {}) {
    const o = checkKeys(options, ['WebSocket', 'fetch', 'httpUrl', 'backoff', 'maxAttempts', 'connectTimeoutMs',
      'requestTimeoutMs', 'heartbeatTimeoutMs', 'maxMessageBytes', 'resyncPageSize', 'random', 'clock', 'token',
      'batchFrames'], 'options');
    if (o.batchFrames !== undefined && typeof o.batchFrames !== 'boolean') {
      throw invalid(`option 'batchFrames' must be true or false, got ${show(o.batchFrames)}`, 'batchFrames');
    }
    this.#batchFrames = o.batchFrames === true;
    const { ws, http } = resolveUrls(url, o.httpUrl, this.#batchFrames);
    this.#url = ws;
    this.#httpUrl = http;
    this.#WebSocket = o.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw invalid('no WebSocket implementation: this runtime has no globalThis.WebSocket; pass options.WebSocket '
        + "(in Node 20: `import { WebSocket } from 'ws'`) or run Node with --experimental-websocket", 'WebSocket');
    }
    this.#fetch = o.fetch ?? globalThis.fetch?.bind(globalThis);
    if (typeof this.#fetch !== 'function') throw invalid('no fetch implementation: pass options.fetch', 'fetch');
    const b = checkKeys(o.backoff, ['initialMs', 'maxMs', 'factor', 'resetAfterMs'], 'backoff');
    this.#backoff = {
      initialMs: positiveNumber(b.initialMs, 'backoff.initialMs', 250),
      maxMs: positiveNumber(b.maxMs, 'backoff.maxMs', 30000),
      factor: positiveNumber(b.factor, 'backoff.factor', 2),
      resetAfterMs: positiveNumber(b.resetAfterMs, 'backoff.resetAfterMs', 5000, { allowZero: true }),
    };
    if (this.#backoff.maxMs < this.#backoff.initialMs) {
      throw invalid(`backoff.maxMs (${this.#backoff.maxMs}) must be >= backoff.initialMs (${this.#backoff.initialMs})`, 'backoff.maxMs');
    }
    if (this.#backoff.factor < 1) throw invalid(`backoff.factor must be >= 1, got ${this.#backoff.factor}`, 'backoff.factor');
    this.#maxAttempts = positiveNumber(o.maxAttempts, 'maxAttempts', Infinity, { allowInfinity: true });
    if (this.#maxAttempts !== Infinity && !Number.isInteger(this.#maxAttempts)) {
      throw invalid(`option 'maxAttempts' must be a positive integer or Infinity, got ${this.#maxAttempts}`, 'maxAttempts');
    }
    this.#connectTimeoutMs = positiveNumber(o.connectTimeoutMs, 'connectTimeoutMs', 10000);
    this.#requestTimeoutMs = positiveNumber(o.requestTimeoutMs, 'requestTimeoutMs', 10000);
    this.#heartbeatTimeoutMs = positiveNumber(o.heartbeatTimeoutMs, 'heartbeatTimeoutMs', undefined);
    this.#maxMessageBytes = positiveNumber(o.maxMessageBytes, 'maxMessageBytes', 65536);
    this.#resyncPageSize = positiveNumber(o.resyncPageSize, 'resyncPageSize', 1000);
    if (!Number.isInteger(this.#resyncPageSize) || this.#resyncPageSize > 10000) {
      throw invalid(`option 'resyncPageSize' must be an integer from 1 to 10000, got ${this.#resyncPageSize}`, 'resyncPageSize');
    }
    if (o.random !== undefined && typeof o.random !== 'function') throw invalid("option 'random' must be a function", 'random');
    this.#random = o.random ?? Math.random;
    if (o.clock !== undefined && (o.clock === null || typeof o.clock !== 'object')) {
      throw invalid(`option 'clock' must be an object with now, setTimeout and clearTimeout, got ${show(o.clock)}`, 'clock');
    }
    const c = o.clock ?? {};
    for (const k of ['now', 'setTimeout', 'clearTimeout']) {
      if (c[k] !== undefined && typeof c[k] !== 'function') throw invalid(`clock.${k} must be a function`, 'clock');
    }
    this.#clock = {
      now: c.now ?? (() => Date.now()),
      setTimeout: c.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
      clearTimeout: c.clearTimeout ?? ((h) => globalThis.clearTimeout(h)),
    };
    if (o.token !== undefined && o.token !== null) {
      if (typeof o.token === 'string') {
        this.#token = checkToken(o.token, (m) => invalid(m, 'token'));
      } else if (typeof o.token !== 'function') {
        throw invalid(`option 'token' must be a string or a function returning one (or a promise of one), got ${show(o.token)}`, 'token');
      }
      this.#tokenOption = o.token;
    }
  }

  /** The WebSocket URL this client connects to. */
  get url() { return this.#url; }

  /** The REST base URL (used for overflow resyncs). */
  get httpUrl() { return this.#httpUrl; }

  /** @returns {ConnectionState} the connection state */
  get state() { return this.#state; }

  /** @returns {number|null} the last seq delivered (or skipped as announced), the `since` of the next reconnect */
  get lastSeq() { return this.#position; }

  /** @returns {Grant|null} what the current credential allows (auth on), from the gateway; null otherwise */
  get grant() { return this.#grant; }

  /** @returns {string|null} the current connection's id from its `connected` frame */
  get connectionId() { return this.#conn?.info?.connectionId ?? null; }

  /** @returns {Array<{pattern: string, filters?: object, events?: string[]}>} the wanted subscriptions */
  get subscriptions() {
    return [...this.#subs.values()].map((s) => ({
      pattern: s.pattern, ...(s.filters ? { filters: s.filters } : {}), ...(s.events ? { events: s.events } : {}),
    }));
  }

  /**
   * Adds a listener. See the class description for the names and what each receives.
   * @param {'event'|'state'|'error'|'overflow'|'resync'|'lost'|'authenticated'|'expiring'|'unsubscribed'} name
   * @param {(value: any) => void} listener
   * @returns {() => void} removes the listener
   */
  on(name, listener) {
    if (!EVENT_NAMES.has(name)) throw invalid(`unknown listener name ${show(name)}; known: ${[...EVENT_NAMES].join(', ')}`, 'name');
    if (typeof listener !== 'function') throw invalid('the listener must be a function', 'listener');
    if (!this.#listeners.has(name)) this.#listeners.set(name, new Set());
    this.#listeners.get(name).add(listener);
    return () => this.off(name, listener);
  }

  /**
   * Removes a listener added with {@link GatewayClient#on}.
   * @param {string} name
   * @param {Function} listener
   */
  off(name, listener) {
    this.#listeners.get(name)?.delete(listener);
  }

  /**
   * Opens the connection (once; later calls wait for the same one). Resolves when the client is live: connected,
   * and its subscriptions (if any were made before) confirmed. Failed attempts are retried with backoff until
   * `maxAttempts` failed in a row; each failure is also an `error` event.
   * @returns {Promise<GatewayClient>} this client
   * @rejects {GatewayError} the last attempt's error when the client gives up, or `CLOSED`
   */
  connect() {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (this.#state === 'live') return Promise.resolve(this);
    const promise = new Promise((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (this.#state === 'idle') {
      this.#setState('connecting', {});
      this.#open();
    }
    return promise;
  }

  /**
   * Subscribes to patterns (section 4). Subscribing again to an active pattern replaces its filters and events.
   * The subscriptions are kept across reconnects. Made while disconnected, it is sent once connected.
   * @param {string|string[]} patterns `*`, `entity:id`, `entity:*` or `entity:prefix*`
   * @param {SubscribeOptions} [options]
   * @returns {Promise<Subscribed>} resolves on the gateway's `subscribed` reply
   * @rejects {GatewayError} the gateway's error (`WS_SUBSCRIPTION_LIMIT`, ...), `INVALID_ARGUMENT`,
   *   `WS_INVALID_TOPIC`, `TIMEOUT`, `CLOSED`
   */
  subscribe(patterns, options = {}) {
    try {
      if (this.#closed) throw this.#closedError();
      const list = checkPatterns(patterns, 'patterns');
      const o = checkKeys(options, ['filters', 'events', 'since'], 'subscribe options');
      checkSince(o.since);
      const since = o.since ?? undefined;
      if (since !== undefined && this.#position !== null && since < this.#position) {
        throw invalid(`'since' ${since} is behind the last seq this client delivered (${this.#position}): events `
          + 'are delivered in seq order, so older ones cannot follow; subscribe with since before events flow, '
          + 'or read history with GET /api/events', 'since');
      }
      const match = compileSelector(o.filters, o.events);
      const filters = o.filters && Object.keys(o.filters).length ? structuredClone(o.filters) : undefined;
      const events = o.events && o.events.length ? [...o.events] : undefined;
      const key = selectorKey(filters, events);
      const previous = new Map();
      for (const pattern of list) {
        previous.set(pattern, this.#subs.get(pattern));
        this.#subs.set(pattern, { pattern, key, filters, events, since, match });
      }
      return new Promise((resolve, reject) => {
        const waiter = { patterns: list, previous, resolve, reject, remaining: 0, done: false };
        const conn = this.#conn;
        if (conn?.connected) {
          this.#sendSubscribe(conn, { patterns: list, key, filters, events, since, match }, [waiter], false);
        } else {
          this.#subWaiters.push(waiter);
        }
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Unsubscribes patterns, exactly as subscribed. Resolves at once when disconnected (they will not be sent again).
   * @param {string|string[]} patterns
   * @returns {Promise<{topics: string[], activeSubscriptions: number|null}>}
   * @rejects {GatewayError} `WS_NOT_SUBSCRIBED` for a pattern this client did not subscribe, `WS_INVALID_TOPIC`,
   *   `TIMEOUT`, `CLOSED`
   */
  unsubscribe(patterns) {
    try {
      if (this.#closed) throw this.#closedError();
      const list = checkPatterns(patterns, 'patterns');
      const unknown = list.find((p) => !this.#subs.has(p));
      if (unknown !== undefined) {
        throw new GatewayError('WS_NOT_SUBSCRIBED', `'${unknown}' is not a pattern this client subscribed; `
          + `active: ${[...this.#subs.keys()].join(', ') || 'none'}`, { details: { topic: unknown } });
      }
      for (const p of list) this.#subs.delete(p);
      const conn = this.#conn;
      if (!conn?.connected) return Promise.resolve({ topics: list, activeSubscriptions: null });
      for (const p of list) conn.serverPatterns.delete(p);
      return new Promise((resolve, reject) => {
        this.#request(conn, {
          kind: 'unsubscribe', type: 'unsubscribe', payload: { topics: list }, reply: 'unsubscribed',
          onReply: (p) => resolve({ topics: list, activeSubscriptions: isSeq(p.activeSubscriptions) ? p.activeSubscriptions : null }),
          onError: (e) => (e.code === 'WS_NOT_SUBSCRIBED' ? resolve({ topics: list, activeSubscriptions: null }) : reject(e)),
          onLost: () => resolve({ topics: list, activeSubscriptions: null }),
        });
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Publishes one event (section 4 publish). Made while disconnected, it is sent once connected. With an
   * `idempotencyKey` a publish whose answer was lost with the connection is sent again after the reconnect (the
   * gateway answers a repeated key with the original seq); without one it is rejected with `CONNECTION_LOST`.
   * @param {string} topic a concrete topic `entity:id`
   * @param {string} eventType 1 to 128 characters, no control characters
   * @param {Record<string, unknown>} [data] a JSON object (default `{}`)
   * @param {{idempotencyKey?: string}} [options] a key of 1 to 128 characters makes retries safe
   * @returns {Promise<number>} the event's seq once it is durable
   * @rejects {GatewayError} the gateway's error, `INVALID_ARGUMENT`, `WS_INVALID_TOPIC`, `MESSAGE_TOO_LARGE`,
   *   `CONNECTION_LOST`, `TIMEOUT`, `CLOSED`
   */
  publish(topic, eventType, data, options = {}) {
    try {
      if (this.#closed) throw this.#closedError();
      if (!isTopic(topic)) {
        throw new GatewayError('WS_INVALID_TOPIC', `invalid topic ${show(topic)}: publish to a concrete topic `
          + 'entity:id (entity [a-z][a-z0-9_.-]{0,63}, id 1..192 of [A-Za-z0-9._:/@-])', { details: { topic } });
      }
      if (typeof eventType !== 'string' || eventType.length === 0 || eventType.length > MAX_EVENT_TYPE_LENGTH
        || CONTROL_CHARS.test(eventType)) {
        throw invalid(`'eventType' must be a string of 1 to 128 characters without control characters, got ${show(eventType)}`, 'eventType');
      }
      if (data !== undefined && data !== null && !isPlainObject(data)) {
        throw invalid(`'data' must be a plain JSON object, got ${show(data)}`, 'data');
      }
      const o = checkKeys(options, ['idempotencyKey'], 'publish options');
      const key = o.idempotencyKey;
      if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH)) {
        throw invalid(`'idempotencyKey' must be a string of 1 to 128 characters, got ${show(key)}`, 'idempotencyKey');
      }
      const payload = { topic, eventType, data: data ?? {} };
      if (key !== undefined) payload.idempotencyKey = key;
      let text;
      try {
        text = JSON.stringify({ type: 'publish', id: 'x'.repeat(24), payload });
      } catch (error) {
        throw new GatewayError('INVALID_ARGUMENT', `'data' cannot be sent as JSON: ${error.message}`, { details: { argument: 'data' }, cause: error });
      }
      const size = utf8.encode(text).length;
      if (size > this.#maxMessageBytes) {
        throw new GatewayError('MESSAGE_TOO_LARGE', `the publish message is ${size} bytes; the gateway accepts at most `
          + `${this.#maxMessageBytes} (ws.max-message-bytes): publish a smaller event, or POST /api/events`,
        { details: { bytes: size, max: this.#maxMessageBytes } });
      }
      return new Promise((resolve, reject) => {
        const req = {
          kind: 'publish', type: 'publish', payload, reply: 'published', retryOnLoss: key !== undefined,
          onReply: (p, id) => {
            if (!isSeq(p.seq)) throw new GatewayError('PROTOCOL_ERROR', `'published' reply ${id} without an integer seq: ${show(p)}`);
            resolve(p.seq);
          },
          onError: reject,
          onLost: reject,
        };
        this.#enqueue(req);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Measures the round trip to the gateway with a protocol `ping`.
   * @returns {Promise<number>} milliseconds
   */
  ping() {
    if (this.#closed) return Promise.reject(this.#closedError());
    return new Promise((resolve, reject) => {
      let sentAt = 0;
      this.#enqueue({
        kind: 'ping', type: 'ping', payload: {}, reply: 'pong', retryOnLoss: true,
        onSend: () => { sentAt = this.#clock.now(); },
        onReply: () => resolve(this.#clock.now() - sentAt),
        onError: reject,
        onLost: reject,
      });
    });
  }

  /**
   * Gives the open connection a new credential (an `auth` message, PROTOCOL.md section 11.4), before the current
   * one expires. With a `token` function the client does this by itself on `auth_expiring`. The token is also
   * used for later REST calls; a reconnect uses the `token` option again.
   * @param {string} token a JWT or API key of the connection's subject
   * @returns {Promise<Grant>} the new grant; patterns it no longer allows were removed (`unsubscribed` event)
   * @rejects {GatewayError} `WS_UNAUTHORIZED` (refused, expired, another subject: the old credential stands),
   *   `WS_INVALID_MESSAGE` (auth is off), `INVALID_ARGUMENT`, `CONNECTION_LOST` (not connected), `TIMEOUT`, `CLOSED`
   */
  authenticate(token) {
    try {
      if (this.#closed) throw this.#closedError();
      checkToken(token, (m) => invalid(m, 'token'));
      const conn = this.#conn;
      if (!conn?.connected) {
        throw new GatewayError('CONNECTION_LOST', 'not connected: a new credential is sent on an open connection; '
          + 'a reconnect uses the token option');
      }
      return this.#sendAuth(conn, token);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Closes the connection for good: pending promises reject with `CLOSED`, state becomes `closed`.
   * @returns {Promise<void>} resolves once the socket is closed (at most 2 s)
   */
  close() {
    if (this.#closed) return Promise.resolve();
    return this.#shutdown(this.#closedError(), { userClose: true });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Listeners and state

  #emit(name, value) {
    const set = this.#listeners.get(name);
    if (!set || set.size === 0) {
      if (name === 'error') console.warn(`[event-gateway] ${value.code}: ${value.message}`);
      return;
    }
    for (const fn of [...set]) {
      try {
        fn(value);
      } catch (error) {
        if (name === 'error') {
          console.error('[event-gateway] an error listener threw:', error);
        } else {
          this.#emit('error', new GatewayError('LISTENER_FAILED', `a '${name}' listener threw: ${error?.message ?? error}`,
            { details: { listener: name }, cause: error }));
        }
      }
    }
  }

  #setState(state, extra) {
    const previous = this.#state;
    this.#state = state;
    this.#emit('state', { state, previous, ...extra });
  }

  #closedError() {
    return new GatewayError('CLOSED', 'the client was closed');
  }

  // ------------------------------------------------------------------------------------------------------------
  // Connection

  #open() {
    const conn = {
      ws: null, connected: false, live: false, info: null, liveSince: 0, lastError: '',
      serverPatterns: new Map(), pending: new Map(), resubscribing: 0, resyncs: new Set(),
      lastFrameAt: this.#clock.now(), connectTimer: null, watchdog: null, closeSent: false,
    };
    this.#conn = conn;
    if (typeof this.#tokenOption !== 'function') {
      this.#openSocket(conn, this.#token);
      return;
    }
    // A token function: asked before each attempt, bounded like the rest of the connection by connectTimeoutMs.
    conn.connectTimer = this.#clock.setTimeout(() => {
      this.#ended(conn, new GatewayError('TOKEN_FAILED', `the token function gave no token within ${this.#connectTimeoutMs} ms`));
    }, this.#connectTimeoutMs);
    this.#fetchToken().then((token) => {
      if (this.#conn !== conn || this.#closed) return;
      this.#clock.clearTimeout(conn.connectTimer);
      if (this.#refused !== undefined && token === this.#refused) {
        // The gateway refused this token: asking again with it would loop; the application must act.
        this.#ended(conn, new GatewayError('UNAUTHORIZED', 'the gateway refused the credential, and the token function '
          + `gave ${token === null ? 'no token' : 'the same token'} again: ${this.#refusedWhy}`,
        { details: { url: this.#url, status: 401, credentials: token === null ? 'missing' : 'invalid' } }), true);
        return;
      }
      this.#refused = undefined;
      this.#token = token;
      this.#openSocket(conn, token);
    }, (error) => {
      if (this.#conn !== conn || this.#closed) return;
      this.#ended(conn, error);
    });
  }

  /** Calls the token function; a token, null for none, or a TOKEN_FAILED rejection. */
  async #fetchToken() {
    let value;
    try {
      value = await this.#tokenOption();
    } catch (error) {
      throw new GatewayError('TOKEN_FAILED', `the token function failed: ${error?.message ?? error}`, { cause: error });
    }
    if (value === null || value === undefined || value === '') return null;
    return checkToken(value, (m) => new GatewayError('TOKEN_FAILED', `the token function gave ${m.replace(/^the token /, 'a token that ')}`));
  }

  #openSocket(conn, token) {
    let ws;
    try {
      // Browsers cannot set headers on a WebSocket: the token travels as a subprotocol, beside the gateway's own,
      // which the gateway selects (it never echoes the token; PROTOCOL.md section 11.1).
      ws = token === null ? new this.#WebSocket(this.#url) : new this.#WebSocket(this.#url, [SUBPROTOCOL, `bearer.${token}`]);
    } catch (error) {
      this.#ended(conn, new GatewayError('CONNECTION_FAILED', `could not open a WebSocket to ${this.#url}: ${error?.message ?? error}`,
        { details: { url: this.#url }, cause: error }));
      return;
    }
    conn.ws = ws;
    conn.token = token;
    ws.onopen = () => { conn.opened = true; };
    ws.onmessage = (event) => this.#onMessage(conn, event);
    ws.onerror = (event) => { conn.lastError = errorText(event); };
    ws.onclose = (event) => this.#onClose(conn, event);
    conn.connectTimer = this.#clock.setTimeout(() => {
      if (this.#conn !== conn) return;
      // Node 20's own WebSocket (undici) reports a refused upgrade with no event at all: ask, as after a failure.
      if (!conn.opened) this.#probeCredential(conn.token);
      this.#drop(conn, new GatewayError('TIMEOUT', `no 'connected' frame from ${this.#url} within ${this.#connectTimeoutMs} ms`,
        { details: { url: this.#url } }));
    }, this.#connectTimeoutMs);
  }

  #onClose(conn, event) {
    if (this.#conn !== conn) return;
    const how = describeClose(event);
    let error;
    let fatal = false;
    const refreshable = typeof this.#tokenOption === 'function';
    if (!conn.connected) {
      const why = conn.lastError ? `${conn.lastError} (${how})` : how;
      error = new GatewayError('CONNECTION_FAILED', `could not connect to ${this.#url}: ${why}`,
        { details: { url: this.#url, closeCode: event?.code ?? 1006, reason: event?.reason ?? '' } });
      if (!conn.opened) {
        const status = /Unexpected server response: (\d{3})/.exec(conn.lastError);
        if (status && status[1] === '401') {
          // Node's ws package names the status: no need to ask.
          error = this.#unauthorized(conn.token, 'credentials missing or refused');
          this.#ended(conn, error, typeof this.#tokenOption !== 'function');
          return;
        }
        // A browser's WebSocket reports a refused upgrade like any other failure (no status): the same credential
        // on a REST request says whether it was a 401; the answer may come after the retry was scheduled.
        if (!status) this.#probeCredential(conn.token);
      }
    } else if (event?.code === 4003) {
      fatal = !refreshable;
      error = new GatewayError('CREDENTIALS_REVOKED', `the gateway closed the connection: credentials expired or revoked (${how}); `
        + (fatal ? 'not reconnecting: give the client a token function, or create one with a new token'
          : 'reconnecting with a new token from the token function'),
      { details: { closeCode: 4003, reason: event?.reason ?? '' } });
    } else {
      error = new GatewayError('CONNECTION_LOST', `the connection to ${this.#url} closed (${how})`,
        { details: { url: this.#url, closeCode: event?.code ?? 1006, reason: event?.reason ?? '' } });
    }
    this.#ended(conn, error, fatal);
  }

  /**
   * After an upgrade failed before the WebSocket opened: `GET /api/events` of an empty range with the same
   * credential (cheap, and it needs a credential whenever the upgrade does). A 401 is `UNAUTHORIZED`, with the
   * gateway's reason: the client stops, unless a token function may give a new token. Anything else changes
   * nothing. One probe at a time; its own timeout is not on the injected clock (it delays no delivery).
   */
  #probeCredential(token) {
    if (this.#probing || this.#closed) return;
    this.#probing = true;
    const url = new URL('api/events?since=0&until=0&limit=1', this.#httpUrl).href;
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(this.#requestTimeoutMs) : undefined;
    Promise.resolve().then(() => this.#fetch(url, { headers, signal })).then(async (response) => {
      if (response.status !== 401) return;
      let e = null;
      try {
        const body = JSON.parse(await response.text());
        if (isPlainObject(body?.error)) e = body.error;
      } catch {
        // A 401 without the protocol's body: still a refused credential.
      }
      if (this.#closed) return;
      const error = this.#unauthorized(token, typeof e?.message === 'string' && e.message ? e.message : 'credentials missing or refused',
        e?.details?.credentials);
      this.#emit('error', error);
      if (typeof this.#tokenOption !== 'function') this.#shutdown(error);
    }).catch(() => {
      // No answer: the failure stays what the WebSocket said.
    }).finally(() => { this.#probing = false; });
  }

  /** The error of a 401 on the upgrade; with a token function, the token is remembered as refused. */
  #unauthorized(token, why, credentials) {
    if (typeof this.#tokenOption === 'function') {
      this.#refused = token ?? null;
      this.#refusedWhy = why;
    }
    return new GatewayError('UNAUTHORIZED', `the gateway refused the WebSocket at ${this.#url} with HTTP 401: ${why}`
      + (typeof this.#tokenOption === 'function' ? '; asking the token function for a new token'
        : token ? '; not retrying the same token: create the client with a valid one' : '; pass the token option'),
    { details: { url: this.#url, status: 401, credentials: typeof credentials === 'string' ? credentials : (token ? 'invalid' : 'missing') } });
  }

  /** Abandons a connection the client no longer trusts, then reconnects (or gives up). */
  #drop(conn, error) {
    if (this.#conn !== conn) return;
    this.#closeSocket(conn, 'client: ' + error.code);
    this.#ended(conn, error);
  }

  /** Closes the socket without listening to it any more; resolves when it is closed (at most 2 s). */
  #closeSocket(conn, reason) {
    const ws = conn.ws;
    if (!ws || conn.closeSent) return Promise.resolve();
    conn.closeSent = true;
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(resolve, 2000);
      const done = () => { this.#clock.clearTimeout(timer); resolve(); };
      ws.onmessage = () => {};
      // Kept as a no-op: some implementations (the ws package) throw on an error event nobody listens to.
      ws.onerror = () => {};
      ws.onclose = done;
      if (ws.readyState === 3) {
        done();
        return;
      }
      try {
        ws.close(1000, reason.slice(0, 120));
      } catch {
        done();
      }
    });
  }

  /** Cleans up after a connection ended; requests wait for the next one, or fail when they cannot. */
  #ended(conn, error, fatal = false) {
    if (this.#conn !== conn) return;
    this.#conn = null;
    this.#clock.clearTimeout(conn.connectTimer);
    this.#clock.clearTimeout(conn.watchdog);
    for (const controller of conn.resyncs) controller.abort();
    this.#holds = 0;
    this.#held = [];
    this.#floors = [];
    const requeue = [];
    for (const req of conn.pending.values()) {
      this.#clock.clearTimeout(req.timer);
      if (req.kind === 'subscribe') {
        req.waiters.forEach((w) => this.#waitAgain(w));
      } else if (req.kind === 'barrier') {
        // The hold it ended was reset above.
      } else if (req.retryOnLoss) {
        requeue.push(req);
      } else {
        req.onLost(new GatewayError('CONNECTION_LOST', `the connection closed before the '${req.type}' was answered; `
          + (req.kind === 'publish' ? 'it may or may not have been published: retry with an idempotencyKey to be safe' : 'retry it'),
        { id: req.id, details: { cause: error.message } }));
      }
    }
    conn.pending.clear();
    this.#outbox.unshift(...requeue);
    const now = this.#clock.now();
    if (conn.live && now - conn.liveSince >= this.#backoff.resetAfterMs) this.#attempt = 0;
    if (this.#closed) return;
    this.#emit('error', error);
    if (this.#closed) return;
    if (fatal) {
      this.#shutdown(error);
      return;
    }
    this.#attempt += 1;
    if (this.#attempt >= this.#maxAttempts) {
      const final = new GatewayError(error.code, `${error.message}; giving up after ${this.#attempt} failed attempt`
        + `${this.#attempt === 1 ? '' : 's'} in a row (maxAttempts)`, { details: { ...error.details, attempts: this.#attempt }, cause: error });
      this.#shutdown(final);
      return;
    }
    const delayMs = backoffDelay(this.#attempt, this.#backoff, this.#random);
    const state = this.#state === 'connecting' ? 'connecting' : 'reconnecting';
    this.#setState(state, { attempt: this.#attempt, delayMs, error });
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#closed) this.#open();
    }, delayMs);
  }

  #shutdown(error, { userClose = false } = {}) {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#clock.clearTimeout(this.#retryTimer);
    const conn = this.#conn;
    let socketClosed = Promise.resolve();
    if (conn) {
      socketClosed = this.#closeSocket(conn, userClose ? 'client closed' : error.code);
      this.#clock.clearTimeout(conn.connectTimer);
      this.#clock.clearTimeout(conn.watchdog);
      for (const controller of conn.resyncs) controller.abort();
      for (const req of conn.pending.values()) {
        this.#clock.clearTimeout(req.timer);
        if (req.kind === 'subscribe') req.waiters.forEach((w) => this.#settle(w, error));
        else if (req.kind !== 'barrier') req.onLost(error);
      }
      conn.pending.clear();
      this.#conn = null;
    }
    this.#holds = 0;
    this.#held = [];
    for (const w of this.#subWaiters.splice(0)) this.#settle(w, error);
    for (const req of this.#outbox.splice(0)) req.onLost(error);
    for (const w of this.#connectWaiters.splice(0)) w.reject(error);
    this.#setState('closed', userClose ? {} : { error });
    return socketClosed;
  }

  #onMessage(conn, event) {
    if (this.#conn !== conn) return;
    conn.lastFrameAt = this.#clock.now();
    const text = event?.data;
    if (typeof text !== 'string') {
      this.#protocolError(conn, 'the gateway sent a binary frame; the protocol has JSON text frames only');
      return;
    }
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      this.#protocolError(conn, `the gateway sent a frame that is not JSON: ${excerpt(text)}`);
      return;
    }
    if (!isPlainObject(msg) || typeof msg.type !== 'string') {
      this.#protocolError(conn, `the gateway sent a frame that is not a message object with a string 'type': ${excerpt(text)}`);
      return;
    }
    try {
      if (msg.type === 'batch' && conn.connected) this.#onBatch(conn, msg, text);
      else this.#handle(conn, msg, text, 'frame');
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'PROTOCOL_ERROR') {
        this.#protocolError(conn, error.message);
      } else {
        throw error;
      }
    }
  }

  /**
   * A `batch` frame (PROTOCOL.md section 5): its messages are handled in array order, each exactly as a frame of its
   * own. Each is checked when its turn comes, so the messages before a bad one are handled first, as their own
   * frames would have been; then the bad one drops the connection. Messages after one that ended the connection
   * (a listener closed the client, a failed replay, ...) are not handled, as later frames would not be.
   */
  #onBatch(conn, msg, text) {
    if (!this.#batchFrames) {
      throw new GatewayError('PROTOCOL_ERROR', `the gateway sent a 'batch' frame, which this client did not ask for (it `
        + `connected without batch=true; see the batchFrames option): ${excerpt(text)}`);
    }
    const messages = isPlainObject(msg.payload) ? msg.payload.messages : undefined;
    if (!Array.isArray(messages)) {
      throw new GatewayError('PROTOCOL_ERROR', `the gateway sent a batch without a 'payload.messages' array: ${excerpt(text)}`);
    }
    for (let i = 0; i < messages.length; i++) {
      if (this.#conn !== conn) return;
      const m = messages[i];
      const where = `message ${i + 1} of ${messages.length} of a batch`;
      if (!isPlainObject(m) || typeof m.type !== 'string') {
        throw new GatewayError('PROTOCOL_ERROR', `the gateway sent a batch holding a message that is not an object with a `
          + `string 'type' (${where}): ${excerpt(JSON.stringify(m) ?? String(m))}`);
      }
      if (m.type === 'connected' || m.type === 'batch') {
        throw new GatewayError('PROTOCOL_ERROR', `the gateway sent '${m.type}' inside a batch, where it may never be `
          + `(${where}): ${excerpt(JSON.stringify(m))}`);
      }
      this.#handle(conn, m, null, where);
    }
  }

  /**
   * Handles one message: a frame of its own, or one message of a batch (`what` says which, for errors; `text` is the
   * frame's text, or null for a message of a batch, which is serialized only if an error needs it).
   * @throws {GatewayError} `PROTOCOL_ERROR` for a message the protocol does not allow
   */
  #handle(conn, msg, text, what) {
    const payload = msg.payload;
    if (!isPlainObject(payload)) {
      throw new GatewayError('PROTOCOL_ERROR', `the gateway sent a '${msg.type}' ${what} without a payload object: ${excerpt(text ?? JSON.stringify(msg))}`);
    }
    if (!conn.connected) {
      if (msg.type !== 'connected') {
        throw new GatewayError('PROTOCOL_ERROR', `the gateway's first frame must be 'connected', got '${msg.type}': ${excerpt(text)}`);
      }
      this.#onConnected(conn, payload);
      return;
    }
    switch (msg.type) {
      case 'event':
        this.#accept(toEvent(payload, msg.timestamp, what === 'frame' ? 'event frame' : `event (${what})`));
        break;
      case 'unsubscribed':
        if (msg.id === undefined) this.#onRevoked(conn, payload);
        else this.#onReply(conn, msg);
        break;
      case 'subscribed':
      case 'published':
      case 'pong':
      case 'authenticated':
        this.#onReply(conn, msg);
        break;
      case 'auth_expiring':
        this.#onExpiring(conn, payload);
        break;
      case 'error':
        this.#onErrorFrame(conn, msg);
        break;
      case 'overflow':
        this.#onOverflow(conn, payload);
        break;
      case 'ping':
        this.#sendFrame(conn, msg.id === undefined ? { type: 'pong' } : { type: 'pong', id: msg.id });
        break;
      case 'connected':
        throw new GatewayError('PROTOCOL_ERROR', "the gateway sent a second 'connected' frame on one connection");
      default:
        // A newer gateway's message type: ignored, as a v1 client does not know what to do with it.
        break;
    }
  }

  #protocolError(conn, message) {
    this.#drop(conn, new GatewayError('PROTOCOL_ERROR', `${message}; dropping the connection to ${this.#url}`, { details: { url: this.#url } }));
  }

  #onConnected(conn, p) {
    if (typeof p.connectionId !== 'string' || !isSeq(p.headSeq)) {
      throw new GatewayError('PROTOCOL_ERROR', `'connected' frame without a string connectionId and an integer headSeq: ${show(p)}`);
    }
    if (p.heartbeatIntervalMs !== undefined && !(typeof p.heartbeatIntervalMs === 'number' && p.heartbeatIntervalMs > 0)) {
      throw new GatewayError('PROTOCOL_ERROR', `'connected' frame with a bad heartbeatIntervalMs: ${show(p.heartbeatIntervalMs)}`);
    }
    conn.connected = true;
    conn.info = p;
    this.#clock.clearTimeout(conn.connectTimer);
    if (isPlainObject(p.auth)) {
      this.#grant = toGrant(p.auth, false);
      this.#emit('authenticated', this.#grant);
      if (this.#conn !== conn) return;
    }
    const silence = this.#heartbeatTimeoutMs ?? (p.heartbeatIntervalMs ?? 30000) * 2 + 5000;
    const check = () => {
      if (this.#conn !== conn) return;
      const quiet = this.#clock.now() - conn.lastFrameAt;
      if (quiet >= silence) {
        this.#drop(conn, new GatewayError('HEARTBEAT_TIMEOUT', `no frame from the gateway for ${quiet} ms (limit ${silence} ms)`,
          { details: { silentMs: quiet } }));
      } else {
        conn.watchdog = this.#clock.setTimeout(check, silence - quiet);
      }
    };
    conn.watchdog = this.#clock.setTimeout(check, silence);
    if (this.#position !== null && p.headSeq < this.#position) {
      // The log is behind what this client already delivered: it was reset (an in-memory store restarted, a new
      // database). Resuming with since would suppress the new log's events up to the old position.
      const lastSeq = this.#position;
      this.#position = p.headSeq;
      for (const entry of this.#subs.values()) entry.since = undefined;
      this.#emit('lost', { reason: 'reset', afterSeq: p.headSeq, lastSeq, headSeq: p.headSeq });
      if (this.#conn !== conn) return;
    }
    // Resubscribe: one request per set of patterns sharing filters and events.
    const groups = new Map();
    for (const s of this.#subs.values()) {
      let g = groups.get(s.key);
      if (!g) {
        g = { patterns: [], key: s.key, filters: s.filters, events: s.events, match: s.match, since: undefined, waiters: [] };
        groups.set(s.key, g);
      }
      g.patterns.push(s.pattern);
      if (s.since !== undefined) g.since = g.since === undefined ? s.since : Math.min(g.since, s.since);
    }
    for (const g of groups.values()) {
      if (this.#position !== null) g.since = Math.max(this.#position, g.since ?? this.#position);
    }
    const waiters = this.#subWaiters.splice(0);
    for (const w of waiters) {
      const keys = new Set(w.patterns.filter((pt) => this.#subs.has(pt)).map((pt) => this.#subs.get(pt).key));
      if (keys.size === 0) {
        this.#settle(w, null, { topics: w.patterns, activeSubscriptions: null, headSeq: null });
        continue;
      }
      w.remaining = keys.size;
      for (const k of keys) groups.get(k).waiters.push(w);
    }
    const list = [...groups.values()];
    conn.resubscribing = list.length;
    const merge = list.length > 1 && list.some((g) => g.since !== undefined);
    if (merge) this.#hold();
    list.forEach((g, i) => {
      this.#sendSubscribe(conn, g, g.waiters, true);
      if (merge && i === list.length - 1) this.#sendBarrier(conn, g);
    });
    for (const req of this.#outbox.splice(0)) this.#request(conn, req);
    if (list.length === 0) this.#goLive(conn);
  }

  /** `auth_expiring`: with a token function, a new token goes in an `auth` message; else the application is told. */
  #onExpiring(conn, p) {
    this.#emit('expiring', { expiresAt: typeof p.expiresAt === 'string' ? p.expiresAt : null,
      refreshWindowMs: isSeq(p.refreshWindowMs) ? p.refreshWindowMs : null });
    if (typeof this.#tokenOption !== 'function' || this.#conn !== conn || conn.refreshing) return;
    conn.refreshing = true;
    this.#fetchToken().then((token) => {
      if (this.#conn !== conn || this.#closed) return null;
      if (token === null) throw new GatewayError('TOKEN_FAILED', 'the token function gave no token to refresh with');
      return this.#sendAuth(conn, token);
    }).catch((error) => {
      // The old credential stands until expiresAt; then close 4003 and a reconnect asks the function again.
      if (this.#conn === conn && !this.#closed && error?.code !== 'CONNECTION_LOST') {
        this.#emit('error', error instanceof GatewayError ? error
          : new GatewayError('TOKEN_FAILED', String(error?.message ?? error), { cause: error }));
      }
    }).finally(() => { conn.refreshing = false; });
  }

  #sendAuth(conn, token) {
    return new Promise((resolve, reject) => {
      this.#request(conn, {
        kind: 'auth', type: 'auth', payload: { token }, reply: 'authenticated',
        onReply: (p) => {
          if (typeof p.subject !== 'string') {
            throw new GatewayError('PROTOCOL_ERROR', `'authenticated' reply without a string subject: ${show(p)}`);
          }
          this.#token = token;
          conn.token = token;
          this.#grant = toGrant(p, true);
          resolve(this.#grant);
          this.#emit('authenticated', this.#grant);
        },
        onError: reject,
        onLost: reject,
      });
    });
  }

  /** An `unsubscribed` without id: new credentials no longer cover these patterns (PROTOCOL.md section 11.4). */
  #onRevoked(conn, p) {
    const topics = Array.isArray(p.topics) ? p.topics.filter((t) => typeof t === 'string') : [];
    for (const t of topics) {
      conn.serverPatterns.delete(t);
      this.#subs.delete(t);
    }
    this.#emit('unsubscribed', { topics, activeSubscriptions: isSeq(p.activeSubscriptions) ? p.activeSubscriptions : null,
      reason: 'credentials' });
  }

  #goLive(conn) {
    if (conn.live || this.#conn !== conn) return;
    conn.live = true;
    conn.liveSince = this.#clock.now();
    this.#setState('live', { connectionId: conn.info.connectionId });
    for (const w of this.#connectWaiters.splice(0)) w.resolve(this);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Requests

  #enqueue(req) {
    const conn = this.#conn;
    if (conn?.connected) this.#request(conn, req);
    else this.#outbox.push(req);
  }

  #request(conn, req) {
    req.id = `r${++this.#nextId}`;
    const frame = { type: req.type, id: req.id, payload: req.payload };
    conn.pending.set(req.id, req);
    req.timer = this.#clock.setTimeout(() => this.#timedOut(conn, req), this.#requestTimeoutMs);
    req.onSend?.();
    this.#sendFrame(conn, frame);
  }

  #sendFrame(conn, frame) {
    if (conn.ws.readyState !== WS_OPEN) return;
    try {
      conn.ws.send(JSON.stringify(frame));
    } catch {
      // The socket is closing: its close event follows and the request is handled there.
    }
  }

  #timedOut(conn, req) {
    if (conn.pending.get(req.id) !== req) return;
    conn.pending.delete(req.id);
    const error = new GatewayError('TIMEOUT', `no answer to '${req.type}' ${req.id} within ${this.#requestTimeoutMs} ms`,
      { id: req.id, details: { timeoutMs: this.#requestTimeoutMs } });
    if (req.kind === 'subscribe' && !req.user || req.kind === 'barrier') {
      // The client's own requests (resubscribe, barrier): without their answers delivery cannot go on safely.
      if (req.kind === 'subscribe') req.waiters.forEach((w) => this.#waitAgain(w));
      this.#drop(conn, error);
      return;
    }
    if (req.kind === 'subscribe') req.waiters.forEach((w) => this.#settle(w, error));
    else req.onError(error);
  }

  #onReply(conn, msg) {
    const req = typeof msg.id === 'string' ? conn.pending.get(msg.id) : undefined;
    if (!req) return; // Answered after its timeout, or not ours.
    if (req.reply !== msg.type) {
      throw new GatewayError('PROTOCOL_ERROR', `'${req.type}' ${req.id} was answered with '${msg.type}'`);
    }
    conn.pending.delete(msg.id);
    this.#clock.clearTimeout(req.timer);
    try {
      req.onReply(msg.payload, msg.id);
    } catch (error) {
      // A malformed reply: the request goes back to pending, so the connection's end handles it like the others.
      conn.pending.set(msg.id, req);
      throw error;
    }
  }

  #onErrorFrame(conn, msg) {
    const p = msg.payload;
    const code = typeof p.code === 'string' && p.code ? p.code : 'UNKNOWN';
    const message = typeof p.message === 'string' && p.message ? p.message : `the gateway answered ${code}`;
    const details = isPlainObject(p.details) ? p.details : {};
    const id = typeof msg.id === 'string' ? msg.id : null;
    const error = new GatewayError(code, message, { details, id });
    if (isSeq(details.lastReplayedSeq)) {
      // Section 10.5: a replay failed part way; resubscribing with since = the last delivered seq resumes it.
      this.#drop(conn, error);
      return;
    }
    const req = id !== null ? conn.pending.get(id) : undefined;
    if (!req) {
      this.#emit('error', error);
      return;
    }
    conn.pending.delete(id);
    this.#clock.clearTimeout(req.timer);
    req.onError(error);
  }

  /**
   * Sends one subscribe request. `group` = {patterns, key, filters, events, since, match}. With `since` while
   * other patterns are active, events are held until a barrier request proves the replay complete.
   */
  #sendSubscribe(conn, group, waiters, resubscribe) {
    const { patterns, filters, events, since, match } = group;
    const merge = !resubscribe && since !== undefined && (conn.serverPatterns.size > 0 || this.#holds > 0);
    const previous = new Map(patterns.map((p) => [p, conn.serverPatterns.get(p)]));
    for (const p of patterns) conn.serverPatterns.set(p, { pattern: p, parsed: parsePattern(p), match });
    for (const w of waiters) if (w.remaining === 0) w.remaining = 1;
    const payload = { topics: patterns };
    if (filters) payload.filters = filters;
    if (events) payload.events = events;
    if (since !== undefined) payload.since = since;
    if (merge) this.#hold();
    this.#request(conn, {
      kind: 'subscribe', type: 'subscribe', payload, reply: 'subscribed', user: !resubscribe, waiters,
      onReply: (p, id) => {
        if (!isSeq(p.headSeq)) throw new GatewayError('PROTOCOL_ERROR', `'subscribed' reply ${id} without an integer headSeq: ${show(p)}`);
        const result = {
          topics: Array.isArray(p.topics) ? p.topics : patterns,
          activeSubscriptions: isSeq(p.activeSubscriptions) ? p.activeSubscriptions : null,
          headSeq: p.headSeq,
        };
        if (since !== undefined) result.recovered = p.recovered !== false;
        // Everything up to the floor is delivered or queued before this reply (see the top of this file).
        this.#addFloor(since !== undefined ? since : p.headSeq);
        // From now on lastSeq carries the position: a later resubscribe must not go back to the call's since.
        for (const pattern of patterns) {
          const entry = this.#subs.get(pattern);
          if (entry?.key === group.key) entry.since = undefined;
        }
        if (since !== undefined && p.recovered === false) {
          this.#emit('lost', { reason: 'purged', afterSeq: since, patterns, headSeq: p.headSeq });
        }
        for (const w of waiters) {
          w.remaining -= 1;
          if (w.remaining <= 0) this.#settle(w, null, result);
        }
        if (resubscribe) this.#resubscribed(conn);
      },
      onError: (error) => {
        // The request was atomic: nothing changed on the gateway.
        for (const p of patterns) {
          if (previous.get(p)) conn.serverPatterns.set(p, previous.get(p));
          else conn.serverPatterns.delete(p);
        }
        if (!resubscribe) {
          // The wanted subscriptions go back to what they were before the call.
          for (const w of waiters) {
            for (const p of w.patterns) {
              if (this.#subs.get(p)?.key !== group.key) continue;
              const before = w.previous.get(p);
              if (before) this.#subs.set(p, before);
              else this.#subs.delete(p);
            }
          }
        }
        for (const w of waiters) this.#settle(w, error);
        if (resubscribe) {
          for (const p of patterns) if (this.#subs.get(p)?.key === group.key) this.#subs.delete(p);
          this.#emit('error', new GatewayError(error.code, `resubscribing ${patterns.join(', ')} after a reconnect failed: `
            + `${error.message}; those patterns were dropped`, { details: error.details, id: error.id }));
          if (this.#conn === conn) this.#resubscribed(conn);
        }
      },
    });
    if (merge) this.#sendBarrier(conn, group);
  }

  /** The same patterns and selector again, without since: its reply is queued behind the replay. */
  #sendBarrier(conn, group) {
    const payload = { topics: group.patterns };
    if (group.filters) payload.filters = group.filters;
    if (group.events) payload.events = group.events;
    const release = () => this.#release();
    this.#request(conn, {
      kind: 'barrier', type: 'subscribe', payload, reply: 'subscribed',
      onReply: release,
      onError: release,
    });
  }

  #resubscribed(conn) {
    conn.resubscribing -= 1;
    if (conn.resubscribing === 0) this.#goLive(conn);
  }

  /** A subscribe call whose request was lost with its connection: it is answered by the next resubscribe. */
  #waitAgain(waiter) {
    if (waiter.done || this.#subWaiters.includes(waiter)) return;
    waiter.remaining = 0;
    this.#subWaiters.push(waiter);
  }

  #settle(waiter, error, result) {
    if (waiter.done) return;
    waiter.done = true;
    if (error) waiter.reject(error);
    else waiter.resolve(result);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Delivery

  #accept(event) {
    if (this.#holds > 0) this.#held.push(event);
    else this.#deliver(event);
  }

  #deliver(event) {
    if (this.#position !== null && event.seq <= this.#position) return;
    this.#position = event.seq;
    this.#emit('event', event);
  }

  #addFloor(seq) {
    if (this.#holds > 0) this.#floors.push(seq);
    else if (this.#position === null || seq > this.#position) this.#position = seq;
  }

  #hold() {
    this.#holds += 1;
  }

  #release() {
    if (this.#holds === 0) return;
    this.#holds -= 1;
    if (this.#holds > 0) return;
    const batch = this.#held.sort((a, b) => a.seq - b.seq);
    this.#held = [];
    const conn = this.#conn;
    for (let i = 0; i < batch.length; i++) {
      if (this.#conn !== conn || this.#closed) return;
      if (this.#holds > 0) {
        // A listener started another hold (a subscribe with since): the rest waits with it.
        this.#held.push(...batch.slice(i));
        return;
      }
      this.#deliver(batch[i]);
    }
    if (this.#holds > 0) return;
    for (const floor of this.#floors.splice(0)) this.#addFloor(floor);
  }

  #onOverflow(conn, p) {
    if (!isSeq(p.dropped) || !isSeq(p.firstDroppedSeq) || !isSeq(p.lastDroppedSeq) || typeof p.resync !== 'string'
      || p.firstDroppedSeq < 1 || p.lastDroppedSeq < p.firstDroppedSeq) {
      throw new GatewayError('PROTOCOL_ERROR', `'overflow' frame without dropped, firstDroppedSeq <= lastDroppedSeq and resync: ${show(p)}`);
    }
    const info = { dropped: p.dropped, firstDroppedSeq: p.firstDroppedSeq, lastDroppedSeq: p.lastDroppedSeq };
    this.#emit('overflow', { ...info, resync: p.resync });
    if (this.#conn !== conn) return;
    this.#hold();
    const selectors = [...conn.serverPatterns.values()];
    const controller = new AbortController();
    conn.resyncs.add(controller);
    this.#fetchGap(p, selectors, controller).then((result) => {
      conn.resyncs.delete(controller);
      if (this.#conn !== conn || this.#closed) return;
      if (result.truncated) {
        this.#emit('lost', { reason: 'purged', afterSeq: p.firstDroppedSeq - 1, untilSeq: p.lastDroppedSeq, oldestSeq: result.oldestSeq });
        if (this.#conn !== conn) return;
      }
      this.#held.push(...result.events);
      this.#release();
      this.#emit('resync', { reason: 'overflow', ...info, recovered: result.events.length });
    }, (error) => {
      conn.resyncs.delete(controller);
      if (this.#conn !== conn || this.#closed) return;
      // The durable log still has the gap: a reconnect resubscribes with since = the last delivered seq.
      this.#drop(conn, error);
    });
  }

  /** Reads the overflow's gap over REST, page by page; the events of it that these subscriptions select. */
  async #fetchGap(p, selectors, controller) {
    const base = new URL(p.resync.replace(/^\/+/, ''), this.#httpUrl);
    const since0 = base.searchParams.has('since') ? Number(base.searchParams.get('since')) : p.firstDroppedSeq - 1;
    const until = base.searchParams.has('until') ? Number(base.searchParams.get('until')) : p.lastDroppedSeq;
    if (!isSeq(since0) || !isSeq(until)) {
      throw new GatewayError('RESYNC_FAILED', `the overflow's resync request ${show(p.resync)} has a bad since or until`);
    }
    const topics = selectors.some((s) => s.parsed.kind === 'all') ? [] : selectors.map((s) => s.pattern);
    const joined = topics.join(',');
    base.searchParams.set('until', String(until));
    base.searchParams.set('limit', String(this.#resyncPageSize));
    // A long pattern list could exceed the gateway's request line limit: then every topic is read and selected here.
    if (joined && joined.length <= 2000) base.searchParams.set('topics', joined);
    else base.searchParams.delete('topics');
    const out = [];
    let truncated = false;
    let oldestSeq = null;
    let since = since0;
    for (;;) {
      base.searchParams.set('since', String(since));
      const page = await this.#getJson(base.href, controller);
      if (!Array.isArray(page.events) || typeof page.hasMore !== 'boolean') {
        throw new GatewayError('RESYNC_FAILED', `GET ${base.href} answered JSON that is not an events page `
          + `{events: [...], hasMore}: ${excerpt(JSON.stringify(page))}`, { details: { url: base.href } });
      }
      if (page.truncated === true) truncated = true;
      if (isSeq(page.oldestSeq)) oldestSeq = page.oldestSeq;
      let last = since;
      for (const raw of page.events) {
        let event;
        try {
          event = toEvent(raw, raw?.timestamp, 'resync event');
        } catch (error) {
          throw new GatewayError('RESYNC_FAILED', `GET ${base.href}: ${error.message}`, { details: { url: base.href } });
        }
        if (event.seq <= last || event.seq > until) {
          throw new GatewayError('RESYNC_FAILED', `GET ${base.href} answered seq ${event.seq} out of order or outside `
            + `(${since}, ${until}]`, { details: { url: base.href } });
        }
        last = event.seq;
        if (selectors.some((s) => matchParsed(s.parsed, event.topic) && s.match(event))) out.push(event);
      }
      if (!page.hasMore || last >= until) break;
      if (page.events.length === 0) {
        throw new GatewayError('RESYNC_FAILED', `GET ${base.href} answered hasMore: true with no events`, { details: { url: base.href } });
      }
      since = last;
    }
    return { events: out, truncated, oldestSeq };
  }

  async #getJson(url, outer) {
    const controller = new AbortController();
    const abort = () => controller.abort();
    outer.signal.addEventListener('abort', abort);
    const timer = this.#clock.setTimeout(abort, this.#requestTimeoutMs);
    try {
      let response;
      let text;
      try {
        const headers = { accept: 'application/json' };
        if (this.#token) headers.authorization = `Bearer ${this.#token}`;
        response = await this.#fetch(url, { headers, signal: controller.signal });
        text = await response.text();
      } catch (error) {
        const why = controller.signal.aborted && !outer.signal.aborted ? `no answer within ${this.#requestTimeoutMs} ms` : (error?.message ?? String(error));
        throw new GatewayError('RESYNC_FAILED', `GET ${url} failed: ${why}`, { details: { url }, cause: error });
      }
      let body;
      let parsed = true;
      try {
        body = JSON.parse(text);
      } catch {
        parsed = false;
      }
      if (!response.ok) {
        const e = parsed && isPlainObject(body?.error) ? body.error : null;
        const what = e ? `${e.code}: ${e.message}` : excerpt(text);
        throw new GatewayError('RESYNC_FAILED', `GET ${url} answered HTTP ${response.status}: ${what}`,
          { details: { url, status: response.status, ...(e && typeof e.code === 'string' ? { code: e.code } : {}) } });
      }
      if (!parsed || !isPlainObject(body)) {
        throw new GatewayError('RESYNC_FAILED', `GET ${url} answered HTTP ${response.status} with a body that is not a JSON object: ${excerpt(text)}`,
          { details: { url, status: response.status } });
      }
      return body;
    } finally {
      this.#clock.clearTimeout(timer);
      outer.signal.removeEventListener('abort', abort);
    }
  }
}

function toEvent(p, timestamp, what) {
  if (!isPlainObject(p) || !isSeq(p.seq) || typeof p.topic !== 'string' || typeof p.eventType !== 'string'
    || !isPlainObject(p.data)) {
    throw new GatewayError('PROTOCOL_ERROR', `${what} without an integer seq, a string topic and eventType and an object data: ${show(p)}`);
  }
  return { seq: p.seq, topic: p.topic, eventType: p.eventType, data: p.data, timestamp: typeof timestamp === 'string' ? timestamp : null };
}

/** A token usable as `bearer.<token>`, or the error `fail(message)` makes. */
function checkToken(token, fail) {
  if (typeof token !== 'string' || token.length === 0) throw fail(`the token must be a non-empty string, got ${show(token)}`);
  if (!TOKEN_CHARS.test(token)) {
    throw fail('the token has characters a WebSocket subprotocol cannot carry (spaces, quotes, commas, ...); '
      + 'JWTs and the gateway\'s generated API keys have none');
  }
  return token;
}

function toGrant(p, refreshed) {
  const list = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
  return { subject: typeof p.subject === 'string' ? p.subject : '', expiresAt: typeof p.expiresAt === 'string' ? p.expiresAt : null,
    subscribe: list(p.subscribe), publish: list(p.publish), admin: p.admin === true, refreshed };
}

function resolveUrls(url, httpUrl, batchFrames = false) {
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw invalid(`the gateway URL must be a string such as 'ws://127.0.0.1:9090/ws', got ${show(url)}`, 'url');
  }
  let u;
  try {
    u = new URL(String(url), globalThis.location?.href);
  } catch {
    throw invalid(`${show(String(url))} is not a URL; use e.g. 'ws://127.0.0.1:9090/ws'`, 'url');
  }
  const schemes = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };
  if (!schemes[u.protocol]) throw invalid(`the gateway URL must be ws:, wss:, http: or https:, got ${show(u.href)}`, 'url');
  u.protocol = schemes[u.protocol];
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/ws';
  u.hash = '';
  if (u.searchParams.has('batch')) {
    // The gateway refuses the parameter twice (HTTP 400), and a batch frame the client did not ask for is an error.
    throw invalid(`the gateway URL ${show(u.href)} has a 'batch' query parameter: use the option batchFrames: true instead`, 'url');
  }
  let http;
  if (httpUrl !== undefined) {
    try {
      http = new URL(String(httpUrl), globalThis.location?.href);
    } catch {
      throw invalid(`option 'httpUrl' ${show(httpUrl)} is not a URL`, 'httpUrl');
    }
    if (http.protocol !== 'http:' && http.protocol !== 'https:') throw invalid(`option 'httpUrl' must be http: or https:, got ${show(http.href)}`, 'httpUrl');
    if (!http.pathname.endsWith('/')) http.pathname += '/';
  } else {
    http = new URL('.', u);
    http.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  }
  http.search = '';
  http.hash = '';
  // Appended, not set through searchParams, so the rest of the query stays exactly as given.
  if (batchFrames) u.search = u.search.length > 1 ? `${u.search}&batch=true` : '?batch=true';
  return { ws: u.href, http: http.href };
}

/**
 * Creates a client and connects it.
 * @param {string|URL} url see {@link GatewayClient}
 * @param {ClientOptions} [options]
 * @returns {Promise<GatewayClient>} the client, live
 */
export async function connect(url, options) {
  const client = new GatewayClient(url, options);
  await client.connect();
  return client;
}
