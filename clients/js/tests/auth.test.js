// Against a real gateway with auth.mode=jwt (PROTOCOL.md section 11): HS256 tokens signed here with node:crypto.
// A token travels as the `bearer.<token>` subprotocol on the upgrade and as `Authorization: Bearer` on REST; a
// refused upgrade is UNAUTHORIZED and is not retried with the same credential; a token function refreshes the
// connection on auth_expiring, and after close 4003 it reconnects with a new token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { GatewayClient, GatewayError } from '../event-gateway.js';
import { startGateway, tempDir, removeDir, waitFor, nextEmitted, runWithBuiltinWebSocket } from './helpers.js';

const SECRET = 'js-client-test-secret-of-at-least-32-bytes';
// auth_expiring comes this long before a token's exp: with tokens of a few seconds the tests stay short.
const REFRESH_WINDOW_S = 2;

let gateway;
let dir;

before(async () => {
  dir = tempDir();
  gateway = await startGateway({
    db: join(dir, 'gateway.db'),
    args: ['--auth.mode=jwt', `--auth.jwt.secret=${SECRET}`, `--auth.refresh-window=${REFRESH_WINDOW_S}s`,
      '--ws.buffer-size=10', '--ws.write-delay=5ms'],
  });
});

after(async () => {
  await gateway?.kill('SIGTERM');
  removeDir(dir);
});

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An HS256 JWT (RFC 7519) for `sub`, expiring `ttlS` seconds from now, with the gateway's grant claims. */
function jwt(sub, { ttlS = 300, subscribe = ['auth:*'], publish = ['auth:*'], secret = SECRET } = {}) {
  const body = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, exp: Math.floor(Date.now() / 1000) + ttlS, subscribe, publish })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

async function publishWith(token, body) {
  const res = await fetch(`${gateway.httpUrl}/api/events`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(res.status, 202, JSON.stringify(json));
  return json;
}

function newClient(t, options = {}) {
  const c = new GatewayClient(gateway.wsUrl, { WebSocket, backoff: { initialMs: 20, maxMs: 200 }, ...options });
  const errors = [];
  c.on('error', (e) => errors.push(e));
  t.after(() => c.close());
  return { c, errors };
}

test('without a token the upgrade is refused: connect rejects UNAUTHORIZED once, and the client stops', async (t) => {
  const { c, errors } = newClient(t);
  await assert.rejects(c.connect(), (e) => e instanceof GatewayError && e.code === 'UNAUTHORIZED'
    && e.details.status === 401 && e.details.credentials === 'missing' && /HTTP 401/.test(e.message));
  assert.equal(c.state, 'closed');
  assert.deepEqual(errors.map((e) => e.code), ['UNAUTHORIZED'], 'one error, no silent retries');
});

test('a token signed with another secret is UNAUTHORIZED (credentials invalid) and is not retried', async (t) => {
  const { c, errors } = newClient(t, { token: jwt('alice', { secret: 'another-secret-that-is-32-bytes-long!!' }) });
  await assert.rejects(c.connect(), (e) => e.code === 'UNAUTHORIZED' && e.details.credentials === 'invalid'
    && /not retrying the same token/.test(e.message));
  assert.equal(errors.length, 1);
});

test('with a token: live, the grant is surfaced, events flow; a pattern outside the grant is WS_FORBIDDEN', async (t) => {
  const token = jwt('alice', { subscribe: ['auth:*'], publish: ['auth:*'] });
  const { c, errors } = newClient(t, { token });
  const grants = [];
  c.on('authenticated', (g) => grants.push(g));
  const seen = [];
  c.on('event', (e) => seen.push(e));
  await c.connect();
  assert.equal(c.state, 'live');
  assert.equal(grants.length, 1);
  assert.deepEqual({ ...grants[0], expiresAt: typeof grants[0].expiresAt },
    { subject: 'alice', expiresAt: 'string', subscribe: ['auth:*'], publish: ['auth:*'], admin: false, refreshed: false });
  assert.deepEqual(c.grant, grants[0]);
  await c.subscribe('auth:live-*');
  await assert.rejects(c.subscribe(['auth:live-*', 'secret:*']), (e) => e instanceof GatewayError
    && e.code === 'WS_FORBIDDEN' && e.details.topic === 'secret:*' && typeof e.id === 'string');
  assert.deepEqual(c.subscriptions.map((s) => s.pattern), ['auth:live-*'], 'the refused request changed nothing');
  await assert.rejects(c.publish('secret:S-1', 'x'), (e) => e.code === 'WS_FORBIDDEN' && e.details.topic === 'secret:S-1');
  const seq = await c.publish('auth:live-1', 'auth.hello', { n: 1 });
  const rest = await publishWith(token, { topic: 'auth:live-2', eventType: 'auth.hello', data: { n: 2 } });
  await waitFor(() => seen.length >= 2, 'both events');
  assert.deepEqual(seen.map((e) => e.seq), [seq, rest.seq]);
  assert.deepEqual(errors, []);
});

test('an overflow resync reads the gap over REST with Authorization: Bearer', async (t) => {
  const token = jwt('alice');
  const { c, errors } = newClient(t, { token });
  const seen = [];
  c.on('event', (e) => seen.push(e.seq));
  const resyncs = [];
  c.on('resync', (r) => resyncs.push(r));
  await c.connect();
  await c.subscribe('auth:ovf-*');
  // One commit of 300 events into a 10-event buffer whose writes wait 5 ms each: the connection overflows.
  const { seqs } = await publishWith(token, Array.from({ length: 300 }, (_, i) => ({ topic: 'auth:ovf-1', eventType: 'tick', data: { i } })));
  await waitFor(() => seen.length >= seqs.length, `${seqs.length} events`, 20000);
  assert.ok(resyncs.length >= 1, 'an overflow happened and was resynced');
  assert.ok(resyncs.every((r) => r.recovered > 0));
  assert.deepEqual(seen, seqs, 'every event once, in order');
  assert.deepEqual(errors, [], 'no RESYNC_FAILED: the REST calls carried the token');
});

test('a token function refreshes on auth_expiring: the connection outlives its first token', async (t) => {
  const issued = [];
  const token = async () => {
    const next = jwt('alice', { ttlS: REFRESH_WINDOW_S + 2 });
    issued.push(next);
    return next;
  };
  const { c, errors } = newClient(t, { token });
  const expiring = [];
  c.on('expiring', (e) => expiring.push(e));
  const refreshed = [];
  c.on('authenticated', (g) => { if (g.refreshed) refreshed.push(g); });
  const seen = [];
  c.on('event', (e) => seen.push(e.seq));
  await c.connect();
  const connectionId = c.connectionId;
  const firstExpiry = Date.parse(c.grant.expiresAt);
  await c.subscribe('auth:refresh-*');
  await waitFor(() => refreshed.length >= 1, 'a refresh', 10000);
  assert.ok(expiring.length >= 1 && expiring[0].refreshWindowMs === REFRESH_WINDOW_S * 1000, JSON.stringify(expiring));
  assert.ok(issued.length >= 2, 'the function was asked again');
  assert.ok(Date.parse(refreshed[0].expiresAt) > firstExpiry, 'the new grant expires later');
  // Past the first token's expiry (the gateway would have closed 4003), the same connection still delivers.
  await waitFor(() => Date.now() > firstExpiry + 500, 'the first token to expire', 10000);
  const { seq } = await publishWith(jwt('bob'), { topic: 'auth:refresh-1', eventType: 'after', data: {} });
  await waitFor(() => seen.includes(seq), 'the event after the first expiry');
  assert.equal(c.connectionId, connectionId, 'no reconnect');
  assert.equal(c.state, 'live');
  assert.deepEqual(errors, []);
});

test('a static token: close 4003 at expiry is CREDENTIALS_REVOKED, after an expiring event, and the client stops', async (t) => {
  const { c } = newClient(t, { token: jwt('alice', { ttlS: REFRESH_WINDOW_S + 1 }) });
  const expiring = nextEmitted(c, 'expiring', () => true, 10000);
  const closed = nextEmitted(c, 'state', (s) => s.state === 'closed', 10000);
  await c.connect();
  assert.match((await expiring).expiresAt, /^\d{4}-/);
  const { error } = await closed;
  assert.equal(error.code, 'CREDENTIALS_REVOKED');
  assert.equal(error.details.closeCode, 4003);
  assert.match(error.message, /not reconnecting/);
});

test('a refused refresh is WS_UNAUTHORIZED; after close 4003 a token function reconnects and resumes with since', async (t) => {
  let calls = 0;
  // 1: alice, short-lived; 2 (the refresh): another subject, refused; 3 (after 4003): alice again.
  const token = () => {
    calls += 1;
    return calls === 2 ? jwt('mallory') : jwt('alice', { ttlS: calls === 1 ? REFRESH_WINDOW_S + 1 : 300 });
  };
  const { c, errors } = newClient(t, { token });
  const seen = [];
  c.on('event', (e) => seen.push(e.seq));
  await c.connect();
  const first = c.connectionId;
  await c.subscribe('auth:again-*');
  const before = await c.publish('auth:again-1', 'before');
  await waitFor(() => errors.some((e) => e.code === 'CREDENTIALS_REVOKED'), 'close 4003', 10000);
  const refused = errors.find((e) => e.code === 'WS_UNAUTHORIZED');
  assert.ok(refused, `errors: ${errors.map((e) => e.code)}`);
  assert.equal(refused.details.subject, 'mallory');
  const revoked = errors.find((e) => e.code === 'CREDENTIALS_REVOKED');
  assert.match(revoked.message, /reconnecting with a new token/);
  // Published while the client is away: it comes back through since.
  const away = await publishWith(jwt('bob'), { topic: 'auth:again-1', eventType: 'away', data: {} });
  await waitFor(() => c.state === 'live' && c.connectionId !== first, 'a new connection', 10000);
  await waitFor(() => seen.includes(away.seq), 'the event published while away');
  assert.deepEqual(seen, [before, away.seq], 'each once, in order');
  assert.equal(calls, 3);
});

test('after a 401, a token function is asked again: a new token connects, the refused one again stops', async (t) => {
  const good = jwt('alice');
  const bad = jwt('alice', { secret: 'another-secret-that-is-32-bytes-long!!' });
  const answers = [bad, good];
  const { c, errors } = newClient(t, { token: () => Promise.resolve(answers.shift() ?? good) });
  await c.connect();
  assert.equal(c.state, 'live');
  assert.deepEqual(errors.map((e) => e.code), ['UNAUTHORIZED']);
  assert.match(errors[0].message, /asking the token function for a new token/);

  const stuck = newClient(t, { token: () => bad });
  await assert.rejects(stuck.c.connect(), (e) => e.code === 'UNAUTHORIZED' && /gave the same token again/.test(e.message));
  assert.equal(stuck.c.state, 'closed');
  assert.deepEqual(stuck.errors.map((e) => e.code), ['UNAUTHORIZED', 'UNAUTHORIZED']);
});

test('a token with characters a subprotocol cannot carry is refused at once', () => {
  assert.throws(() => new GatewayClient(gateway.wsUrl, { WebSocket, token: 'has space' }),
    (e) => e.code === 'INVALID_ARGUMENT' && e.details.argument === 'token');
});

test('on the standard WebSocket (no HTTP status, as in browsers) a 401 is still UNAUTHORIZED, with the reason', async () => {
  // The client asks GET /api/events with the same credential to learn why the upgrade failed. Node 20's WebSocket
  // (undici) does not even close a refused upgrade: the connect timeout (1 s here) is the failure it sees.
  const module = new URL('../event-gateway.js', import.meta.url).href;
  const script = `
    import { GatewayClient } from ${JSON.stringify(module)};
    const out = {};
    for (const [name, token] of [['none', undefined], ['expired', process.argv[2]], ['good', process.argv[3]]]) {
      const client = new GatewayClient(process.argv[1], { token, backoff: { initialMs: 20, maxMs: 50 }, connectTimeoutMs: 1000 });
      const errors = [];
      client.on('error', (e) => errors.push(e.code));
      try {
        await client.connect();
        out[name] = { state: client.state, subprotocol: client.grant?.subject };
      } catch (e) {
        out[name] = { code: e.code, credentials: e.details.credentials, message: e.message, state: client.state };
      }
      out[name].errors = errors;
      await client.close();
    }
    console.log(JSON.stringify({ implementation: globalThis.WebSocket.name, ...out }));`;
  const r = await runWithBuiltinWebSocket(script, [gateway.wsUrl, jwt('alice', { ttlS: -10 }), jwt('alice')], 20000);
  assert.equal(r.implementation, 'WebSocket');
  assert.equal(r.none.code, 'UNAUTHORIZED');
  assert.equal(r.none.credentials, 'missing');
  assert.equal(r.none.state, 'closed');
  assert.equal(r.expired.code, 'UNAUTHORIZED');
  assert.equal(r.expired.credentials, 'invalid');
  assert.match(r.expired.message, /expired/i, 'the gateway\'s reason');
  // The first failure is what the WebSocket said (TIMEOUT here, CONNECTION_FAILED in a browser); then the probe's
  // verdict stops the client.
  assert.deepEqual(r.expired.errors.slice(-1), ['UNAUTHORIZED']);
  assert.deepEqual(r.good, { state: 'live', subprotocol: 'alice', errors: [] });
});
