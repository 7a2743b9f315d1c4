// No network: backoff bounds with an injected random and clock, argument checking, URLs, patterns, selectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GatewayClient, GatewayError, backoffDelay, compileSelector, isTopic, parsePattern, patternMatches,
} from '../event-gateway.js';
import { FakeServer } from './helpers.js';

class FakeClock {
  constructor() {
    this.t = 1_000_000;
    this.timers = [];
    this.now = () => this.t;
    this.setTimeout = (fn, ms) => {
      const handle = { fn, at: this.t + ms, ms };
      this.timers.push(handle);
      return handle;
    };
    this.clearTimeout = (handle) => { this.timers = this.timers.filter((h) => h !== handle); };
  }

  /** Moves time forward, running the timers that fall due, in order. */
  advance(ms) {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((h) => h.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((h) => h !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = target;
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test('backoffDelay: full jitter within [0, min(maxMs, initialMs * factor^(n-1))]', () => {
  const b = { initialMs: 100, maxMs: 5000, factor: 2 };
  for (let attempt = 1; attempt <= 30; attempt++) {
    const cap = Math.min(5000, 100 * 2 ** (attempt - 1));
    assert.equal(backoffDelay(attempt, b, () => 0), 0);
    const high = backoffDelay(attempt, b, () => 0.999999);
    assert.ok(high <= cap && high >= cap * 0.999 - 1, `attempt ${attempt}: ${high} vs cap ${cap}`);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(attempt, b);
      assert.ok(d >= 0 && d <= cap, `attempt ${attempt}: ${d} outside [0, ${cap}]`);
    }
  }
  assert.equal(backoffDelay(1, b, () => 0.5), 50);
  assert.equal(backoffDelay(3, b, () => 0.5), 200);
  assert.equal(backoffDelay(40, b, () => 0.5), 2500, 'the cap stops at maxMs');
  assert.throws(() => backoffDelay(1, b, () => 7), (e) => e.code === 'INVALID_ARGUMENT');
});

test('reconnect delays follow the backoff with the injected random and clock, and maxAttempts gives up', async () => {
  const clock = new FakeClock();
  const server = new FakeServer();
  const randoms = [0.9, 0.1, 0.999, 0.5, 0.0, 0.75, 0.999, 0.999];
  let r = 0;
  const client = new GatewayClient('ws://gw.test/ws', {
    WebSocket: server.WebSocket, clock, random: () => randoms[r++ % randoms.length],
    backoff: { initialMs: 100, maxMs: 1000, factor: 2 }, maxAttempts: 8,
  });
  const states = [];
  const errors = [];
  client.on('state', (s) => states.push(s));
  client.on('error', (e) => errors.push(e));
  const connected = client.connect();
  let rejection;
  connected.catch((e) => { rejection = e; });
  assert.equal(client.state, 'connecting');
  for (let attempt = 1; attempt <= 7; attempt++) {
    assert.equal(server.sockets.length, attempt);
    server.drop(server.last, 1006);
    const s = states.at(-1);
    const cap = Math.min(1000, 100 * 2 ** (attempt - 1));
    assert.equal(s.state, 'connecting');
    assert.equal(s.attempt, attempt);
    assert.equal(s.delayMs, Math.floor(randoms[attempt - 1] * cap), `attempt ${attempt}`);
    assert.ok(s.delayMs >= 0 && s.delayMs <= cap);
    assert.equal(s.error.code, 'CONNECTION_FAILED');
    // The next attempt starts exactly when the delay has passed, not before.
    if (s.delayMs > 0) {
      clock.advance(s.delayMs - 1);
      assert.equal(server.sockets.length, attempt, `attempt ${attempt} retried early`);
    }
    clock.advance(1);
    assert.equal(server.sockets.length, attempt + 1, `attempt ${attempt} not retried after ${s.delayMs} ms`);
  }
  server.drop(server.last, 1006);
  await flush();
  assert.ok(rejection instanceof GatewayError);
  assert.equal(rejection.code, 'CONNECTION_FAILED');
  assert.match(rejection.message, /ws:\/\/gw\.test\/ws.*giving up after 8 failed attempts/);
  assert.equal(rejection.details.attempts, 8);
  assert.equal(client.state, 'closed');
  assert.equal(errors.length, 8);
  assert.equal(clock.timers.length, 0, 'no timer left behind');
  clock.advance(60000);
  assert.equal(server.sockets.length, 8, 'no attempt after giving up');
});

test('the attempt count resets only after a connection stayed live for resetAfterMs', async () => {
  const clock = new FakeClock();
  const server = new FakeServer();
  const client = new GatewayClient('ws://gw.test/ws', {
    WebSocket: server.WebSocket, clock, random: () => 0.999999,
    backoff: { initialMs: 100, maxMs: 100000, factor: 10, resetAfterMs: 5000 },
  });
  const states = [];
  client.on('state', (s) => states.push(s));
  client.on('error', () => {});
  client.connect();
  server.drop(server.last);
  server.drop(server.sockets[0]); // ignored: that socket is no longer the client's
  assert.equal(states.at(-1).attempt, 1);
  clock.advance(states.at(-1).delayMs);
  server.accept(0);
  assert.equal(client.state, 'live');
  clock.advance(1000);
  server.drop(server.last); // live for 1 s only: counts as another failure in a row
  assert.equal(states.at(-1).state, 'reconnecting');
  assert.equal(states.at(-1).attempt, 2);
  assert.ok(states.at(-1).delayMs > 900, 'the second attempt has the larger cap');
  clock.advance(states.at(-1).delayMs);
  server.accept(0);
  clock.advance(5000);
  server.drop(server.last); // live for 5 s: the count starts again
  assert.equal(states.at(-1).attempt, 1);
  assert.ok(states.at(-1).delayMs < 100);
  await client.close();
  assert.equal(client.state, 'closed');
});

test('constructor: clear errors for bad URLs and options', () => {
  const WS = new FakeServer().WebSocket;
  const bad = (fn, pattern, code = 'INVALID_ARGUMENT') => assert.throws(fn, (e) => {
    assert.ok(e instanceof GatewayError, `not a GatewayError: ${e}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
  bad(() => new GatewayClient(42, { WebSocket: WS }), /must be a string/);
  bad(() => new GatewayClient('not a url', { WebSocket: WS }), /is not a URL/);
  bad(() => new GatewayClient('ftp://h/ws', { WebSocket: WS }), /ws:, wss:, http: or https:/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, reconnect: true }), /unknown options key 'reconnect'/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, backoff: { initialMs: 0 } }), /backoff.initialMs/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, backoff: { initialMs: 500, maxMs: 100 } }), /maxMs \(100\) must be >= backoff.initialMs/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, backoff: { factor: 0.5 } }), /factor must be >= 1/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, backoff: { jitter: 1 } }), /unknown backoff key 'jitter'/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, maxAttempts: 1.5 }), /maxAttempts/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, requestTimeoutMs: -1 }), /requestTimeoutMs/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, httpUrl: 'ws://h/' }), /httpUrl' must be http/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, clock: { now: 5 } }), /clock.now must be a function/);
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, resyncPageSize: 20000 }), /resyncPageSize/);
  const saved = globalThis.WebSocket;
  try {
    delete globalThis.WebSocket;
    bad(() => new GatewayClient('ws://h/ws'), /no WebSocket implementation.*--experimental-websocket/);
  } finally {
    if (saved) globalThis.WebSocket = saved;
  }
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS }).on('message', () => {}), /unknown listener name/);
});

test('URLs: http base becomes the ws endpoint; REST base follows the WebSocket URL', () => {
  const WS = new FakeServer().WebSocket;
  const a = new GatewayClient('http://127.0.0.1:9090', { WebSocket: WS });
  assert.equal(a.url, 'ws://127.0.0.1:9090/ws');
  assert.equal(a.httpUrl, 'http://127.0.0.1:9090/');
  const b = new GatewayClient('wss://example.test/gateway/ws?token=x', { WebSocket: WS });
  assert.equal(b.url, 'wss://example.test/gateway/ws?token=x');
  assert.equal(b.httpUrl, 'https://example.test/gateway/');
  const c = new GatewayClient('ws://h:1/ws', { WebSocket: WS, httpUrl: 'http://rest.test:2/base' });
  assert.equal(c.httpUrl, 'http://rest.test:2/base/');
});

test('methods reject wrong arguments with GatewayError before sending anything', async () => {
  const server = new FakeServer();
  const client = new GatewayClient('ws://h/ws', { WebSocket: server.WebSocket, maxMessageBytes: 1000 });
  const rejects = (promise, code, pattern) => assert.rejects(promise, (e) => {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
  await rejects(client.subscribe([]), 'INVALID_ARGUMENT', /non-empty array of patterns/);
  await rejects(client.subscribe('task:*:x'), 'WS_INVALID_TOPIC', /invalid pattern "task:\*:x"/);
  await rejects(client.subscribe(['ta*']), 'WS_INVALID_TOPIC', /ta\*/);
  await rejects(client.subscribe(['task:*'], { filter: {} }), 'INVALID_ARGUMENT', /unknown subscribe options key 'filter'/);
  await rejects(client.subscribe(['task:*'], { since: -1 }), 'INVALID_ARGUMENT', /'since' must be an integer >= 0/);
  await rejects(client.subscribe(['task:*'], { since: 1.5 }), 'INVALID_ARGUMENT', /since/);
  await rejects(client.subscribe(['task:*'], { filters: { status: [] } }), 'INVALID_ARGUMENT', /filter 'status' must list 1 to 100 values/);
  await rejects(client.subscribe(['task:*'], { filters: { status: { a: 1 } } }), 'INVALID_ARGUMENT', /scalar or an array of scalars/);
  await rejects(client.subscribe(['task:*'], { events: 'task.*' }), 'INVALID_ARGUMENT', /'events' must be an array/);
  await rejects(client.subscribe(['task:*'], { events: ['ta*sk'] }), 'INVALID_ARGUMENT', /may only end in '\*'/);
  await rejects(client.publish('task:*', 'x', {}), 'WS_INVALID_TOPIC', /concrete topic/);
  await rejects(client.publish('task:T-1', '', {}), 'INVALID_ARGUMENT', /eventType/);
  await rejects(client.publish('task:T-1', 'a\nb', {}), 'INVALID_ARGUMENT', /control characters/);
  await rejects(client.publish('task:T-1', 'x', [1, 2]), 'INVALID_ARGUMENT', /'data' must be a plain JSON object/);
  await rejects(client.publish('task:T-1', 'x', { n: 1n }), 'INVALID_ARGUMENT', /cannot be sent as JSON/);
  await rejects(client.publish('task:T-1', 'x', {}, { idempotencyKey: 'k'.repeat(129) }), 'INVALID_ARGUMENT', /idempotencyKey/);
  await rejects(client.publish('task:T-1', 'x', { blob: 'y'.repeat(2000) }), 'MESSAGE_TOO_LARGE', /at most 1000/);
  await rejects(client.unsubscribe(['task:*']), 'WS_NOT_SUBSCRIBED', /not a pattern this client subscribed/);
  assert.equal(server.sockets.length, 0, 'nothing was opened');
  await client.close();
  await rejects(client.publish('task:T-1', 'x', {}), 'CLOSED', /closed/);
  await rejects(client.connect(), 'CLOSED', /closed/);
});

test('patterns and topics follow PROTOCOL section 2', () => {
  for (const t of ['task:TASK-123', 'stream:Stream-A', 'bot:BOT-002', 'a:b:c', 'x.y_z-1:A/b@c', `e:${'i'.repeat(192)}`]) {
    assert.ok(isTopic(t), t);
    assert.ok(parsePattern(t), t);
  }
  for (const t of ['task', 'task:', 'Task:x', ':x', 'task:a b', `e:${'i'.repeat(193)}`, 'task:*', 7]) assert.ok(!isTopic(t), String(t));
  for (const p of ['*', 'task:*', 'stream:Stream-*', `stream:${'S'.repeat(192)}*`]) assert.ok(parsePattern(p), p);
  for (const p of ['ta*', '*task', 'task:*:x', 'task:A*B', '', 'task:A**', `stream:${'S'.repeat(193)}*`]) assert.equal(parsePattern(p), null, p);
  assert.ok(patternMatches('*', 'a:b'));
  assert.ok(patternMatches('task:*', 'task:T-1'));
  assert.ok(!patternMatches('task:*', 'tasks:T-1'));
  assert.ok(patternMatches('stream:Stream-*', 'stream:Stream-'));
  assert.ok(patternMatches('stream:Stream-*', 'stream:Stream-A'));
  assert.ok(!patternMatches('stream:Stream-*', 'stream:stream-A'), 'case-sensitive');
  assert.ok(patternMatches('task:T-1', 'task:T-1'));
  assert.ok(!patternMatches('task:T-1', 'task:T-10'));
  assert.throws(() => patternMatches('bad', 'task:x'), (e) => e.code === 'WS_INVALID_TOPIC');
});

test('selectors: filters (and of keys, any of values, missing field fails) and event types (exact or prefix*)', () => {
  const ev = (eventType, data) => ({ eventType, data });
  const s = compileSelector({ status: ['blocked', 'in_progress'], source: 'file' }, ['task.status_changed', 'stream.*']);
  assert.ok(s(ev('task.status_changed', { status: 'blocked', source: 'file' })));
  assert.ok(s(ev('stream.progress', { status: 'in_progress', source: 'file', x: 1 })));
  assert.ok(!s(ev('task.created', { status: 'blocked', source: 'file' })));
  assert.ok(!s(ev('stream.progress', { status: 'done', source: 'file' })));
  assert.ok(!s(ev('stream.progress', { status: 'blocked' })), 'a missing field does not match');
  const n = compileSelector({ n: 1, flag: true, none: null }, undefined);
  assert.ok(n(ev('x', { n: 1.0, flag: true, none: null })), 'numbers compare by value');
  assert.ok(!n(ev('x', { n: '1', flag: true, none: null })));
  assert.ok(!n(ev('x', { n: 1, flag: true })), 'null must be present');
  assert.ok(compileSelector(undefined, ['*'])(ev('anything', {})));
  assert.ok(compileSelector(undefined, [])(ev('anything', {})), 'empty events = every type');
  assert.ok(!compileSelector({ a: 1 }, undefined)(ev('x', { a: [1] })), 'arrays in data never equal a scalar');
});

test('batchFrames: adds batch=true to the WebSocket URL only, keeping its query as given; bad values are refused', () => {
  const WS = new FakeServer().WebSocket;
  const bad = (fn, pattern) => assert.throws(fn, (e) => {
    assert.ok(e instanceof GatewayError, `not a GatewayError: ${e}`);
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.match(e.message, pattern);
    return true;
  });
  assert.equal(new GatewayClient('ws://h:1/ws', { WebSocket: WS }).url, 'ws://h:1/ws');
  assert.equal(new GatewayClient('ws://h:1/ws', { WebSocket: WS, batchFrames: false }).url, 'ws://h:1/ws');
  const a = new GatewayClient('http://127.0.0.1:9090', { WebSocket: WS, batchFrames: true });
  assert.equal(a.url, 'ws://127.0.0.1:9090/ws?batch=true');
  assert.equal(a.httpUrl, 'http://127.0.0.1:9090/', 'REST calls carry no batch parameter');
  const b = new GatewayClient('wss://example.test/gateway/ws?access_token=a%20b~c&x=1#frag', { WebSocket: WS, batchFrames: true });
  assert.equal(b.url, 'wss://example.test/gateway/ws?access_token=a%20b~c&x=1&batch=true', 'the existing query stays byte for byte');
  assert.equal(b.httpUrl, 'https://example.test/gateway/');
  assert.equal(new GatewayClient('ws://h:1/ws?', { WebSocket: WS, batchFrames: true }).url, 'ws://h:1/ws?batch=true');
  bad(() => new GatewayClient('ws://h/ws', { WebSocket: WS, batchFrames: 'true' }), /option 'batchFrames' must be true or false, got "true"/);
  bad(() => new GatewayClient('ws://h/ws?batch=true', { WebSocket: WS }), /has a 'batch' query parameter: use the option batchFrames: true/);
  bad(() => new GatewayClient('ws://h/ws?a=1&batch=false', { WebSocket: WS, batchFrames: true }), /'batch' query parameter/);
});
