// Bad server answers over real sockets: a tiny Node HTTP server (with the ws package for the upgrade) that
// refuses, closes, or sends what the protocol does not allow. Each gives a GatewayError that says what happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { GatewayClient, GatewayError } from '../event-gateway.js';
import { waitFor, nextEmitted } from './helpers.js';

/**
 * A scripted server. `onUpgrade(req, socket, head, accept)`: the upgrade (call `accept` for a WebSocket);
 * `onRest(req, res)`: any other HTTP request.
 */
async function fakeServer(t, { onUpgrade, onRest = (req, res) => { res.writeHead(404); res.end(); } }) {
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer((req, res) => onRest(req, res));
  const sockets = new Set();
  http.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  let upgrades = 0;
  http.on('upgrade', (req, socket, head) => {
    upgrades++;
    onUpgrade(req, socket, head, (onSocket) => wss.handleUpgrade(req, socket, head, onSocket));
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const c of wss.clients) c.terminate();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => http.close(resolve));
  });
  const port = http.address().port;
  return { url: `ws://127.0.0.1:${port}/ws`, upgrades: () => upgrades };
}

function client(t, url, options = {}) {
  const c = new GatewayClient(url, { WebSocket, backoff: { initialMs: 10, maxMs: 50 }, requestTimeoutMs: 2000, ...options });
  t.after(() => c.close());
  c.on('error', () => {}); // each test listens for the errors it checks; this keeps the others off the console
  return c;
}

const connected = (headSeq = 0) => JSON.stringify({ type: 'connected', timestamp: new Date().toISOString(),
  payload: { connectionId: 'c-1', serverVersion: 'fake', headSeq, heartbeatIntervalMs: 30000, idleTimeoutMs: 60000, maxSubscriptions: 50, bufferSize: 1000 } });

function isError(code, pattern) {
  return (e) => {
    assert.ok(e instanceof GatewayError, `not a GatewayError: ${e?.stack ?? e}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test('an upgrade answered 404 fails CONNECTION_FAILED, naming the URL and the status', async (t) => {
  const server = await fakeServer(t, {
    onUpgrade: (req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nnot here!'),
  });
  const c = client(t, server.url, { maxAttempts: 1 });
  await assert.rejects(c.connect(), isError('CONNECTION_FAILED',
    /^could not connect to ws:\/\/127\.0\.0\.1:\d+\/ws: Unexpected server response: 404 .*giving up after 1 failed attempt/));
  assert.equal(c.state, 'closed');
});

test('a server that drops the TCP connection at the upgrade fails CONNECTION_FAILED; the client retries', async (t) => {
  const server = await fakeServer(t, { onUpgrade: (req, socket) => socket.destroy() });
  const c = client(t, server.url, { maxAttempts: 3 });
  const errors = [];
  c.on('error', (e) => errors.push(e));
  await assert.rejects(c.connect(), isError('CONNECTION_FAILED', /could not connect to ws:.*socket hang up.*giving up after 3/));
  assert.equal(server.upgrades(), 3);
  assert.equal(errors.length, 3);
  assert.ok(errors.every((e) => e.code === 'CONNECTION_FAILED' && e.details.url === server.url));
});

test('frames the protocol does not allow are PROTOCOL_ERROR; the client drops the connection and reconnects', async (t) => {
  const cases = [
    { frames: ['<html>oops</html>'], pattern: /frame that is not JSON: "<html>oops<\/html>"/ },
    { frames: ['[1,2]'], pattern: /not a message object with a string 'type'/ },
    { frames: [JSON.stringify({ type: 'event', payload: { seq: 1, topic: 'a:b', eventType: 'x', data: {} } })], pattern: /first frame must be 'connected', got 'event'/ },
    { frames: [connected(), JSON.stringify({ type: 'event', payload: { seq: '7', topic: 'a:b', eventType: 'x', data: {} } })], pattern: /event frame without an integer seq/ },
    { frames: [connected(), JSON.stringify({ type: 'overflow', payload: { dropped: 3 } })], pattern: /'overflow' frame without/ },
    { frames: [connected(), JSON.stringify({ type: 'connected', payload: {} })], pattern: /second 'connected'/ },
    { frames: [JSON.stringify({ type: 'connected', payload: { connectionId: 5 } })], pattern: /'connected' frame without a string connectionId/ },
  ];
  for (const { frames, pattern } of cases) {
    const server = await fakeServer(t, { onUpgrade: (req, socket, head, accept) => accept((ws) => frames.forEach((f) => ws.send(f))) });
    const c = client(t, server.url);
    const error = nextEmitted(c, 'error');
    c.connect().catch(() => {});
    isError('PROTOCOL_ERROR', pattern)(await error);
    await waitFor(() => server.upgrades() >= 2, 'a reconnect after the protocol error');
    await c.close();
  }
});

test('a binary frame is a PROTOCOL_ERROR', async (t) => {
  const server = await fakeServer(t, { onUpgrade: (req, socket, head, accept) => accept((ws) => { ws.send(connected()); ws.send(Buffer.from([1, 2, 3])); }) });
  const c = client(t, server.url);
  const error = nextEmitted(c, 'error');
  await c.connect();
  isError('PROTOCOL_ERROR', /binary frame/)(await error);
});

test('close 4003 is CREDENTIALS_REVOKED: the client closes and does not reconnect', async (t) => {
  const server = await fakeServer(t, { onUpgrade: (req, socket, head, accept) => accept((ws) => { ws.send(connected()); setImmediate(() => ws.close(4003, 'token revoked')); }) });
  const c = client(t, server.url);
  const closed = nextEmitted(c, 'state', (s) => s.state === 'closed');
  await c.connect();
  const state = await closed;
  isError('CREDENTIALS_REVOKED', /credentials expired or revoked \(code 4003 "token revoked"\)/)(state.error);
  await assert.rejects(c.subscribe('a:*'), isError('CLOSED', /closed/));
  assert.equal(server.upgrades(), 1);
});

test('a request the server never answers rejects TIMEOUT with its id', async (t) => {
  const server = await fakeServer(t, { onUpgrade: (req, socket, head, accept) => accept((ws) => ws.send(connected())) });
  const c = client(t, server.url, { requestTimeoutMs: 200 });
  await c.connect();
  await assert.rejects(c.subscribe('task:*'), (e) => isError('TIMEOUT', /no answer to 'subscribe' r\d+ within 200 ms/)(e) && /^r\d+$/.test(e.id));
});

test('a resync answered badly is RESYNC_FAILED; the gap is then recovered through since on a new connection', async (t) => {
  const cases = [
    { name: 'HTML', rest: (req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html><body>proxy login</body></html>'); }, pattern: /answered HTTP 200 with a body that is not a JSON object: "<html><body>proxy login/ },
    { name: '500', rest: (req, res) => { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"error":{"code":"INTERNAL_ERROR","message":"disk on fire","details":{}}}'); }, pattern: /answered HTTP 500: INTERNAL_ERROR: disk on fire/, status: 500 },
    { name: 'closed', rest: (req, res) => res.socket.destroy(), pattern: /GET http:\/\/127\.0\.0\.1:\d+\/api\/events\?.* failed: fetch failed/ },
    { name: 'wrong shape', rest: (req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"items":[]}'); }, pattern: /not an events page/ },
    { name: 'out of range', rest: (req, res) => { res.writeHead(200); res.end(JSON.stringify({ events: [{ seq: 99, topic: 'task:A', eventType: 'x', data: {}, timestamp: 't' }], hasMore: false })); }, pattern: /seq 99 out of order or outside \(1, 4\]/ },
  ];
  for (const { name, rest, pattern, status } of cases) {
    const restUrls = [];
    const subscribes = [];
    const server = await fakeServer(t, {
      onRest: (req, res) => { restUrls.push(req.url); rest(req, res); },
      onUpgrade: (req, socket, head, accept) => accept((ws) => {
        const n = subscribes.length;
        ws.send(connected(n === 0 ? 0 : 6));
        const event = (seq) => ws.send(JSON.stringify({ type: 'event', timestamp: 't', payload: { seq, topic: 'task:A', eventType: 'x', data: {} } }));
        ws.on('message', (text) => {
          const m = JSON.parse(text);
          if (m.type !== 'subscribe') return;
          subscribes.push(m.payload);
          ws.send(JSON.stringify({ type: 'subscribed', id: m.id, payload: { topics: m.payload.topics, activeSubscriptions: 1, headSeq: n === 0 ? 0 : 6, recovered: true } }));
          if (n === 0) {
            event(1);
            ws.send(JSON.stringify({ type: 'overflow', payload: { dropped: 3, firstDroppedSeq: 2, lastDroppedSeq: 4, resync: '/api/events?since=1&until=4' } }));
            event(5);
          } else {
            for (const seq of [2, 3, 4, 5, 6]) event(seq); // the replay after since=1
            event(7);
          }
        });
      }),
    });
    const c = client(t, server.url);
    const seen = [];
    c.on('event', (e) => seen.push(e.seq));
    const error = nextEmitted(c, 'error');
    await c.connect();
    await c.subscribe('task:*');
    const e = await error;
    isError('RESYNC_FAILED', pattern)(e);
    if (status) assert.equal(e.details.status, status, name);
    assert.ok(restUrls.length >= 1 && restUrls[0].startsWith('/api/events?since=1&until=4'), `${name}: ${restUrls[0]}`);
    assert.deepEqual(seen, [1], `${name}: nothing after the gap is delivered before the gap`);
    await waitFor(() => seen.length === 7, `${name}: the recovery`);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7], name);
    assert.deepEqual(subscribes, [{ topics: ['task:*'] }, { topics: ['task:*'], since: 1 }], name);
    await c.close();
  }
});

test('batch frames the protocol does not allow are PROTOCOL_ERROR, after the messages before the bad one were handled', async (t) => {
  const ev = (seq) => ({ type: 'event', timestamp: 't', payload: { seq, topic: 'a:b', eventType: 'x', data: {} } });
  const batch = (payload) => JSON.stringify({ type: 'batch', timestamp: 't', payload });
  const cases = [
    { frames: [connected(), batch({})], pattern: /sent a batch without a 'payload.messages' array/ },
    { frames: [connected(), batch({ messages: { 0: ev(1) } })], pattern: /sent a batch without a 'payload.messages' array/ },
    { frames: [connected(), JSON.stringify({ type: 'batch', messages: [ev(1)] })], pattern: /sent a batch without a 'payload.messages' array/ },
    { frames: [connected(), batch({ messages: [ev(1), 5] })], pattern: /a batch holding a message that is not an object with a string 'type' \(message 2 of 2 of a batch\): "5"/, seen: [1] },
    { frames: [connected(), batch({ messages: [ev(1), ev(2), { type: 7, payload: {} }] })], pattern: /not an object with a string 'type' \(message 3 of 3/, seen: [1, 2] },
    { frames: [connected(), batch({ messages: [ev(1), JSON.parse(connected())] })], pattern: /sent 'connected' inside a batch, where it may never be \(message 2 of 2/, seen: [1] },
    { frames: [connected(), batch({ messages: [ev(1), { type: 'batch', payload: { messages: [ev(2)] } }] })], pattern: /sent 'batch' inside a batch/, seen: [1] },
    { frames: [connected(), batch({ messages: [{ type: 'event', seq: 1 }] })], pattern: /sent a 'event' message 1 of 1 of a batch without a payload object/ },
    { frames: [batch({ messages: [JSON.parse(connected()), ev(1)] })], pattern: /first frame must be 'connected', got 'batch'/ },
  ];
  for (const { frames, pattern, seen: expected = [] } of cases) {
    const urls = [];
    const server = await fakeServer(t, { onUpgrade: (req, socket, head, accept) => { urls.push(req.url); accept((ws) => frames.forEach((f) => ws.send(f))); } });
    const c = client(t, server.url, { batchFrames: true });
    const seen = [];
    c.on('event', (e) => seen.push(e.seq));
    const error = nextEmitted(c, 'error');
    c.connect().catch(() => {});
    isError('PROTOCOL_ERROR', pattern)(await error);
    assert.deepEqual(seen, expected, `${pattern}: the messages before the bad one were handled`);
    await waitFor(() => server.upgrades() >= 2, 'a reconnect after the protocol error');
    assert.deepEqual(urls.slice(0, 2), ['/ws?batch=true', '/ws?batch=true']);
    await c.close();
  }
});

test('a batch frame a client did not ask for is a PROTOCOL_ERROR that names the batchFrames option', async (t) => {
  const urls = [];
  const frame = JSON.stringify({ type: 'batch', timestamp: 't', payload: { messages: [
    { type: 'event', timestamp: 't', payload: { seq: 1, topic: 'a:b', eventType: 'x', data: {} } },
    { type: 'event', timestamp: 't', payload: { seq: 2, topic: 'a:b', eventType: 'x', data: {} } }] } });
  const server = await fakeServer(t, { onUpgrade: (req, socket, head, accept) => { urls.push(req.url); accept((ws) => { ws.send(connected()); ws.send(frame); }); } });
  const c = client(t, server.url);
  const seen = [];
  c.on('event', (e) => seen.push(e.seq));
  const error = nextEmitted(c, 'error');
  await c.connect();
  isError('PROTOCOL_ERROR', /sent a 'batch' frame, which this client did not ask for \(it connected without batch=true; see the batchFrames option\)/)(await error);
  assert.equal(urls[0], '/ws');
  assert.deepEqual(seen, []);
});
