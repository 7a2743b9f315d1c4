// The protocol state machine against a scripted in-process WebSocket: every frame is chosen by the test, so the
// orderings the gateway may produce (replays older than live events, replies behind replays) are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayClient, GatewayError } from '../event-gateway.js';
import { FakeServer, waitFor } from './helpers.js';

function setup(t, options = {}) {
  const server = new FakeServer();
  const client = new GatewayClient('ws://gw.test/ws', {
    WebSocket: server.WebSocket, backoff: { initialMs: 1, maxMs: 5 }, ...options,
  });
  t.after(() => client.close());
  const seen = [];
  const errors = [];
  const states = [];
  const lost = [];
  client.on('event', (e) => seen.push(e.seq));
  client.on('error', (e) => errors.push(e));
  client.on('state', (s) => states.push(s.state));
  client.on('lost', (l) => lost.push(l));
  return { server, client, seen, errors, states, lost };
}

async function live(server, client, headSeq = 0) {
  const connected = client.connect();
  await waitFor(() => server.sockets.length === 1, 'the socket');
  server.accept(headSeq);
  await connected;
  return server.last;
}

/** The last request of `type` the socket received. */
function lastSent(socket, type) {
  const list = socket.sent.filter((m) => m.type === type);
  return list[list.length - 1];
}

function reply(server, socket, request, type, payload) {
  server.frame(socket, { type, id: request.id, payload });
}

test('answers the server ping with pong, echoing its id', async (t) => {
  const { server, client } = setup(t);
  const ws = await live(server, client);
  server.frame(ws, { type: 'ping', payload: {} });
  server.frame(ws, { type: 'ping', id: 'hb-7', payload: {} });
  assert.deepEqual(ws.sent.filter((m) => m.type === 'pong'), [{ type: 'pong' }, { type: 'pong', id: 'hb-7' }]);
  await client.close();
});

test('subscribe resolves on subscribed; events arrive once, in order; seq <= lastSeq is dropped', async (t) => {
  const { server, client, seen } = setup(t);
  const ws = await live(server, client, 5);
  const sub = client.subscribe(['task:*'], { filters: { status: 'blocked' }, events: ['task.*'] });
  const req = lastSent(ws, 'subscribe');
  assert.deepEqual(req.payload, { topics: ['task:*'], filters: { status: 'blocked' }, events: ['task.*'] });
  reply(server, ws, req, 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 5 });
  assert.deepEqual(await sub, { topics: ['task:*'], activeSubscriptions: 1, headSeq: 5 });
  assert.equal(client.lastSeq, 5);
  for (const seq of [5, 6, 8, 8, 7, 9]) server.event(ws, seq);
  assert.deepEqual(seen, [6, 8, 9]);
  assert.equal(client.lastSeq, 9);
  await client.close();
});

test('a since replay older than live events of other patterns is merged in seq order behind a barrier', async (t) => {
  const { server, client, seen } = setup(t);
  const ws = await live(server, client, 10);
  const a = client.subscribe(['a:*']);
  reply(server, ws, lastSent(ws, 'subscribe'), 'subscribed', { topics: ['a:*'], activeSubscriptions: 1, headSeq: 10 });
  await a;
  server.event(ws, 11, 'a:1');
  assert.deepEqual(seen, [11]);
  const b = client.subscribe(['b:*'], { since: 11 });
  const [subB, barrier] = ws.sent.filter((m) => m.type === 'subscribe').slice(-2);
  assert.deepEqual(subB.payload, { topics: ['b:*'], since: 11 });
  assert.deepEqual(barrier.payload, { topics: ['b:*'] }, 'the barrier repeats the patterns without since');
  server.event(ws, 13, 'a:1'); // queued before the reply
  reply(server, ws, subB, 'subscribed', { topics: ['b:*'], activeSubscriptions: 2, headSeq: 13, recovered: true });
  assert.deepEqual(await b, { topics: ['b:*'], activeSubscriptions: 2, headSeq: 13, recovered: true });
  server.event(ws, 12, 'b:1'); // the replay
  server.event(ws, 14, 'a:1'); // live, behind the replay block
  assert.deepEqual(seen, [11], 'held until the replay is known complete');
  reply(server, ws, barrier, 'subscribed', { topics: ['b:*'], activeSubscriptions: 2, headSeq: 14 });
  assert.deepEqual(seen, [11, 12, 13, 14]);
  server.event(ws, 15, 'b:1');
  assert.deepEqual(seen, [11, 12, 13, 14, 15]);
  await assert.rejects(client.subscribe(['c:*'], { since: 3 }), (e) => e.code === 'INVALID_ARGUMENT' && /behind the last seq/.test(e.message));
  await client.close();
});

test('reconnect: every group resubscribed with since = lastSeq; replays merged; duplicates dropped', async (t) => {
  const { server, client, seen, states } = setup(t);
  const ws1 = await live(server, client, 0);
  const a = client.subscribe(['a:*']);
  const b = client.subscribe(['b:*'], { events: ['x'] });
  const [ra, rb] = ws1.sent.filter((m) => m.type === 'subscribe');
  reply(server, ws1, ra, 'subscribed', { topics: ['a:*'], activeSubscriptions: 1, headSeq: 0 });
  reply(server, ws1, rb, 'subscribed', { topics: ['b:*'], activeSubscriptions: 2, headSeq: 0 });
  await Promise.all([a, b]);
  server.event(ws1, 1, 'a:1');
  server.event(ws1, 2, 'b:1', 'x');
  server.event(ws1, 3, 'a:1');
  server.drop(ws1, 1001, 'going away');
  assert.equal(client.state, 'reconnecting');
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  const ws2 = server.last;
  server.accept(8, ws2);
  const subs = ws2.sent.filter((m) => m.type === 'subscribe');
  assert.deepEqual(subs.map((m) => m.payload), [
    { topics: ['a:*'], since: 3 },
    { topics: ['b:*'], events: ['x'], since: 3 },
    { topics: ['b:*'], events: ['x'] },
  ]);
  reply(server, ws2, subs[0], 'subscribed', { topics: ['a:*'], activeSubscriptions: 1, headSeq: 8, recovered: true });
  server.event(ws2, 3, 'a:1');
  server.event(ws2, 4, 'a:1');
  server.event(ws2, 6, 'a:1');
  reply(server, ws2, subs[1], 'subscribed', { topics: ['b:*'], activeSubscriptions: 2, headSeq: 8, recovered: true });
  assert.equal(client.state, 'live');
  server.event(ws2, 5, 'b:1', 'x');
  server.event(ws2, 7, 'b:1', 'x');
  server.event(ws2, 9, 'a:1');
  assert.deepEqual(seen, [1, 2, 3]);
  reply(server, ws2, subs[2], 'subscribed', { topics: ['b:*'], activeSubscriptions: 2, headSeq: 9 });
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 9]);
  assert.deepEqual(states, ['connecting', 'live', 'reconnecting', 'live']);
  await client.close();
  assert.deepEqual(states.at(-1), 'closed');
});

test('subscribe made while disconnected is sent on reconnect and resolves then', async (t) => {
  const { server, client } = setup(t);
  const ws1 = await live(server, client, 0);
  server.drop(ws1);
  const sub = client.subscribe(['task:*'], { since: 2 });
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  server.accept(4);
  const req = lastSent(server.last, 'subscribe');
  assert.deepEqual(req.payload, { topics: ['task:*'], since: 2 });
  reply(server, server.last, req, 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 4, recovered: false });
  assert.deepEqual(await sub, { topics: ['task:*'], activeSubscriptions: 1, headSeq: 4, recovered: false });
  await client.close();
});

test('recovered: false and a reset log are announced as lost', async (t) => {
  const { server, client, lost, seen } = setup(t);
  const ws1 = await live(server, client, 50);
  const sub = client.subscribe(['task:*'], { since: 10 });
  reply(server, ws1, lastSent(ws1, 'subscribe'), 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 50, recovered: false });
  await sub;
  assert.deepEqual(lost, [{ reason: 'purged', afterSeq: 10, patterns: ['task:*'], headSeq: 50 }]);
  server.event(ws1, 40);
  server.drop(ws1);
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  server.accept(3); // a new, empty log
  assert.deepEqual(lost[1], { reason: 'reset', afterSeq: 3, lastSeq: 40, headSeq: 3 });
  assert.deepEqual(lastSent(server.last, 'subscribe').payload, { topics: ['task:*'], since: 3 });
  reply(server, server.last, lastSent(server.last, 'subscribe'), 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 3, recovered: true });
  server.event(server.last, 4);
  assert.deepEqual(seen, [40, 4]);
  await client.close();
});

test('a replay that fails part way (WS_INTERNAL_ERROR with lastReplayedSeq) resumes on a new connection', async (t) => {
  const { server, client, seen, errors } = setup(t);
  const ws1 = await live(server, client, 20);
  const sub = client.subscribe(['task:*'], { since: 0 });
  const req = lastSent(ws1, 'subscribe');
  reply(server, ws1, req, 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 20, recovered: true });
  await sub;
  server.event(ws1, 3);
  server.event(ws1, 7);
  server.frame(ws1, { type: 'error', id: req.id, payload: { code: 'WS_INTERNAL_ERROR', message: 'replay failed after seq 7', details: { lastReplayedSeq: 7 } } });
  assert.equal(errors.at(-1).code, 'WS_INTERNAL_ERROR');
  assert.equal(errors.at(-1).id, req.id);
  assert.deepEqual(errors.at(-1).details, { lastReplayedSeq: 7 });
  assert.ok(ws1.closedByClient, 'the client closed the connection');
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  server.accept(20);
  assert.deepEqual(lastSent(server.last, 'subscribe').payload, { topics: ['task:*'], since: 7 });
  assert.deepEqual(seen, [3, 7]);
  await client.close();
});

test('gateway errors reject with GatewayError(code, details, id); a rejected subscribe changes nothing', async (t) => {
  const { server, client, errors } = setup(t);
  const ws = await live(server, client, 0);
  const a = client.subscribe(['a:*'], { events: ['x'] });
  reply(server, ws, lastSent(ws, 'subscribe'), 'subscribed', { topics: ['a:*'], activeSubscriptions: 1, headSeq: 0 });
  await a;
  const b = client.subscribe(['a:*', 'b:*']);
  const req = lastSent(ws, 'subscribe');
  server.frame(ws, { type: 'error', id: req.id, payload: { code: 'WS_SUBSCRIPTION_LIMIT', message: 'at most 1', details: { active: 1, requested: 1, max: 1 } } });
  await assert.rejects(b, (e) => {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.code, 'WS_SUBSCRIPTION_LIMIT');
    assert.equal(e.message, 'at most 1');
    assert.deepEqual(e.details, { active: 1, requested: 1, max: 1 });
    assert.equal(e.id, req.id);
    return true;
  });
  assert.deepEqual(client.subscriptions, [{ pattern: 'a:*', events: ['x'] }]);
  const p = client.publish('bot:B-1', 'bot.log', { n: 1 });
  const preq = lastSent(ws, 'publish');
  server.frame(ws, { type: 'error', id: preq.id, payload: { code: 'WS_FORBIDDEN', message: 'no', details: {} } });
  await assert.rejects(p, (e) => e.code === 'WS_FORBIDDEN' && e.id === preq.id);
  server.frame(ws, { type: 'error', payload: { code: 'WS_RATE_LIMITED', message: 'slow down', details: {} } });
  assert.equal(errors.at(-1).code, 'WS_RATE_LIMITED');
  assert.equal(errors.at(-1).id, null);
  server.drop(ws);
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  server.accept(0);
  assert.deepEqual(server.last.sent.filter((m) => m.type === 'subscribe').map((m) => m.payload), [{ topics: ['a:*'], events: ['x'], since: 0 }]);
  await client.close();
});

test('publish: keyed ones are sent again after a reconnect, unkeyed ones fail CONNECTION_LOST, queued ones wait', async (t) => {
  const { server, client } = setup(t);
  const early = client.publish('task:T-1', 'task.created', { a: 1 });
  const ws1 = await live(server, client, 0);
  const first = lastSent(ws1, 'publish');
  assert.deepEqual(first.payload, { topic: 'task:T-1', eventType: 'task.created', data: { a: 1 } });
  reply(server, ws1, first, 'published', { seq: 1 });
  assert.equal(await early, 1);
  const keyed = client.publish('task:T-1', 'task.progress', {}, { idempotencyKey: 'orch-1' });
  const unkeyed = client.publish('task:T-1', 'task.progress');
  server.drop(ws1);
  await assert.rejects(unkeyed, (e) => e.code === 'CONNECTION_LOST' && /may or may not have been published/.test(e.message));
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  server.accept(2);
  const again = lastSent(server.last, 'publish');
  assert.deepEqual(again.payload, { topic: 'task:T-1', eventType: 'task.progress', data: {}, idempotencyKey: 'orch-1' });
  reply(server, server.last, again, 'published', { seq: 2 });
  assert.equal(await keyed, 2);
  await client.close();
});

test('timeouts: an unanswered request rejects TIMEOUT; a silent server is dropped (HEARTBEAT_TIMEOUT)', async (t) => {
  const { server, client, errors } = setup(t, { requestTimeoutMs: 50, heartbeatTimeoutMs: 80 });
  const ws = await live(server, client, 0);
  const p = client.publish('task:T-1', 'x');
  const req = lastSent(ws, 'publish');
  await assert.rejects(p, (e) => e.code === 'TIMEOUT' && e.id === req.id && /no answer to 'publish'/.test(e.message));
  await waitFor(() => errors.some((e) => e.code === 'HEARTBEAT_TIMEOUT'), 'the heartbeat timeout');
  assert.ok(ws.closedByClient);
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  await client.close();
});

test('a listener that throws is reported (LISTENER_FAILED) and delivery goes on', async (t) => {
  const { server, client, seen, errors } = setup(t);
  client.on('event', (e) => { if (e.seq === 2) throw new Error('boom'); });
  const ws = await live(server, client, 0);
  const sub = client.subscribe('task:*');
  reply(server, ws, lastSent(ws, 'subscribe'), 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 0 });
  await sub;
  for (const seq of [1, 2, 3]) server.event(ws, seq);
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'LISTENER_FAILED');
  assert.match(errors[0].message, /'event' listener threw: boom/);
  await client.close();
});

test('unsubscribe: resolves on unsubscribed, and the pattern is not resubscribed', async (t) => {
  const { server, client } = setup(t);
  const ws = await live(server, client, 0);
  const s = client.subscribe(['a:*', 'b:*']);
  reply(server, ws, lastSent(ws, 'subscribe'), 'subscribed', { topics: ['a:*', 'b:*'], activeSubscriptions: 2, headSeq: 0 });
  await s;
  const u = client.unsubscribe('a:*');
  const req = lastSent(ws, 'unsubscribe');
  assert.deepEqual(req.payload, { topics: ['a:*'] });
  reply(server, ws, req, 'unsubscribed', { topics: ['a:*'], activeSubscriptions: 1 });
  assert.deepEqual(await u, { topics: ['a:*'], activeSubscriptions: 1 });
  server.drop(ws);
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  server.accept(0);
  assert.deepEqual(lastSent(server.last, 'subscribe').payload, { topics: ['b:*'], since: 0 });
  await client.close();
});

test('overflow: the gap is read over REST page by page, selected like the subscription, delivered before later events', async (t) => {
  const requests = [];
  const all = [];
  for (let seq = 101; seq <= 130; seq++) {
    all.push({ seq, topic: seq % 2 ? 'task:A' : 'task:B', eventType: seq % 3 ? 'task.x' : 'other', data: { n: seq }, timestamp: 't' });
  }
  const fetch = async (url) => {
    requests.push(url);
    const u = new URL(url);
    const since = Number(u.searchParams.get('since'));
    const until = Number(u.searchParams.get('until'));
    const limit = Number(u.searchParams.get('limit'));
    const range = all.filter((e) => e.seq > since && e.seq <= until);
    const events = range.slice(0, limit);
    return new Response(JSON.stringify({ events, headSeq: 200, oldestSeq: 1, hasMore: range.length > limit, truncated: false }), { status: 200 });
  };
  const { server, client, seen } = setup(t, { fetch, resyncPageSize: 4 });
  const overflows = [];
  const resyncs = [];
  client.on('overflow', (o) => overflows.push(o));
  client.on('resync', (r) => resyncs.push(r));
  const ws = await live(server, client, 100);
  const s = client.subscribe(['task:*'], { events: ['task.*'] });
  reply(server, ws, lastSent(ws, 'subscribe'), 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 100 });
  await s;
  server.event(ws, 101, 'task:A', 'task.x');
  server.frame(ws, { type: 'overflow', payload: { dropped: 18, firstDroppedSeq: 102, lastDroppedSeq: 129, resync: '/api/events?since=101&until=129' } });
  server.event(ws, 131, 'task:A', 'task.x');
  await waitFor(() => resyncs.length === 1, 'the resync');
  const expected = [101, ...all.filter((e) => e.seq >= 102 && e.seq <= 129 && e.eventType === 'task.x').map((e) => e.seq), 131];
  assert.deepEqual(seen, expected);
  assert.equal(resyncs[0].recovered, 18);
  assert.deepEqual(overflows, [{ dropped: 18, firstDroppedSeq: 102, lastDroppedSeq: 129, resync: '/api/events?since=101&until=129' }]);
  assert.ok(requests.length >= 7, `paged: ${requests.length} requests`);
  const firstUrl = new URL(requests[0]);
  assert.equal(firstUrl.origin + firstUrl.pathname, 'http://gw.test/api/events');
  assert.equal(firstUrl.searchParams.get('topics'), 'task:*');
  assert.equal(firstUrl.searchParams.get('since'), '101');
  assert.equal(firstUrl.searchParams.get('until'), '129');
  await client.close();
});

// Batch frames (batchFrames: true, PROTOCOL.md section 5 "batch"): one frame, several messages, each handled in order
// exactly as if it had come alone.

const at = (type, payload, extra = {}) => ({ type, timestamp: '2026-01-01T00:00:00.000Z', ...extra, payload });
const eventMessage = (seq, topic = 'task:A') => at('event', { seq, topic, eventType: 'task.x', data: { n: seq } });

test('batch frames: events, a reply, a ping, an overflow and an error in one frame are handled in order, as if alone', async (t) => {
  const gap = [102, 103, 104].map((seq) => ({ seq, topic: 'task:A', eventType: 'task.x', data: { n: seq }, timestamp: 't' }));
  let answerGap;
  const gapAsked = new Promise((resolve) => { answerGap = resolve; });
  const requests = [];
  const fetch = async (url) => {
    requests.push(url);
    await gapAsked;
    return new Response(JSON.stringify({ events: gap, headSeq: 110, oldestSeq: 1, hasMore: false, truncated: false }), { status: 200 });
  };
  const { server, client, seen, errors, states } = setup(t, { fetch, batchFrames: true });
  // One log of everything the application sees and the client sends, in the order it happens.
  const log = [];
  client.on('event', (e) => log.push(`event ${e.seq}`));
  client.on('overflow', (o) => log.push(`overflow ${o.firstDroppedSeq}-${o.lastDroppedSeq}`));
  client.on('resync', (r) => log.push(`resync ${r.recovered}`));
  client.on('error', (e) => log.push(`error ${e.code}`));
  const ws = await live(server, client, 100);
  assert.equal(ws.url, 'ws://gw.test/ws?batch=true', 'the connection asks for batch frames');
  const send = ws.send.bind(ws);
  ws.send = (text) => { log.push(`sent ${JSON.parse(text).type}`); send(text); };
  const sub = client.subscribe('task:*');
  const subReq = lastSent(ws, 'subscribe');
  const ping = client.ping();
  const pingReq = lastSent(ws, 'ping');
  log.length = 0;
  server.frame(ws, at('batch', { messages: [
    at('subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 100 }, { id: subReq.id }),
    eventMessage(101),
    at('ping', {}, { id: 'hb-1' }),
    at('overflow', { dropped: 3, firstDroppedSeq: 102, lastDroppedSeq: 104, resync: '/api/events?since=101&until=104' }),
    eventMessage(105),
    at('pong', {}, { id: pingReq.id }),
    at('error', { code: 'WS_RATE_LIMITED', message: 'slow down', details: {} }),
    eventMessage(106),
  ] }));
  assert.deepEqual(log, ['event 101', 'sent pong', 'overflow 102-104', 'error WS_RATE_LIMITED'],
    'handled in array order; the events after the overflow wait for its gap, as after single frames');
  assert.deepEqual(ws.sent.filter((m) => m.type === 'pong'), [{ type: 'pong', id: 'hb-1' }], 'the ping is answered with its id');
  assert.deepEqual(await sub, { topics: ['task:*'], activeSubscriptions: 1, headSeq: 100 });
  assert.ok((await ping) >= 0, 'the pong in the batch answers the client ping');
  assert.equal(errors.at(-1).message, 'slow down');
  answerGap();
  await waitFor(() => seen.length === 6, 'the gap and the held events');
  assert.deepEqual(seen, [101, 102, 103, 104, 105, 106]);
  assert.deepEqual(log.slice(4), ['event 102', 'event 103', 'event 104', 'event 105', 'event 106', 'resync 3']);
  assert.equal(new URL(requests[0]).searchParams.get('until'), '104');
  // Single frames are still accepted beside batches, and a batch's duplicates are dropped like any.
  server.event(ws, 107);
  server.frame(ws, at('batch', { messages: [eventMessage(106), eventMessage(108), eventMessage(108), eventMessage(109)] }));
  assert.deepEqual(seen, [101, 102, 103, 104, 105, 106, 107, 108, 109]);
  assert.equal(client.lastSeq, 109);
  assert.deepEqual(states, ['connecting', 'live'], 'the connection was never dropped');
  assert.equal(ws.closedByClient, null);
  await client.close();
});

test('batch frames: a bad message ends the connection after the messages before it were handled; later ones are not', async (t) => {
  const { server, client, seen, errors } = setup(t, { batchFrames: true });
  const ws1 = await live(server, client, 0);
  const sub = client.subscribe('task:*');
  reply(server, ws1, lastSent(ws1, 'subscribe'), 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 0 });
  await sub;
  server.frame(ws1, at('batch', { messages: [
    eventMessage(1),
    at('ping', {}, { id: 'hb-2' }),
    eventMessage(2),
    at('event', { seq: 'three', topic: 'task:A', eventType: 'task.x', data: {} }),
    eventMessage(4),
    at('ping', {}, { id: 'hb-3' }),
  ] }));
  assert.deepEqual(seen, [1, 2], 'the events before the bad one were delivered, none after it');
  assert.deepEqual(ws1.sent.filter((m) => m.type === 'pong'), [{ type: 'pong', id: 'hb-2' }]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'PROTOCOL_ERROR');
  assert.match(errors[0].message, /event \(message 4 of 6 of a batch\) without an integer seq.*"three"/);
  assert.ok(ws1.closedByClient, 'the client dropped the connection');
  await waitFor(() => server.sockets.length === 2, 'the reconnect');
  assert.equal(server.last.url, 'ws://gw.test/ws?batch=true', 'the reconnect asks for batches again');
  server.accept(4);
  assert.deepEqual(lastSent(server.last, 'subscribe').payload, { topics: ['task:*'], since: 2 });
  await client.close();
});

test('batch frames: a listener that closes the client mid-batch stops the rest of the batch', async (t) => {
  const { server, client, seen } = setup(t, { batchFrames: true });
  client.on('event', (e) => { if (e.seq === 2) client.close(); });
  const ws = await live(server, client, 0);
  const sub = client.subscribe('task:*');
  reply(server, ws, lastSent(ws, 'subscribe'), 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 0 });
  await sub;
  server.frame(ws, at('batch', { messages: [eventMessage(1), eventMessage(2), eventMessage(3), at('ping', {}, { id: 'hb-4' })] }));
  assert.deepEqual(seen, [1, 2]);
  assert.deepEqual(ws.sent.filter((m) => m.type === 'pong'), [], 'nothing after the close is handled');
  assert.equal(client.state, 'closed');
});

test('without batchFrames a batch frame is a PROTOCOL_ERROR, and none of its messages is handled', async (t) => {
  const { server, client, seen, errors } = setup(t);
  const ws = await live(server, client, 0);
  assert.equal(ws.url, 'ws://gw.test/ws', 'no batch parameter by default');
  const sub = client.subscribe('task:*');
  reply(server, ws, lastSent(ws, 'subscribe'), 'subscribed', { topics: ['task:*'], activeSubscriptions: 1, headSeq: 0 });
  await sub;
  server.frame(ws, at('batch', { messages: [eventMessage(1), eventMessage(2)] }));
  assert.deepEqual(seen, []);
  assert.equal(errors[0].code, 'PROTOCOL_ERROR');
  assert.match(errors[0].message, /sent a 'batch' frame, which this client did not ask for.*batchFrames/);
  assert.ok(ws.closedByClient);
  await client.close();
});
