// Against the real gateway (scripts/gateway): subscribe, receive, publish, filters, replay with since, gateway
// errors, heartbeats, an overflow recovered through the resync request, and the default globalThis.WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { GatewayClient, GatewayError, connect } from '../event-gateway.js';
import { startGateway, tempDir, removeDir, waitFor, nextEmitted, restPublish, runWithBuiltinWebSocket } from './helpers.js';

let gateway;
let dir;

before(async () => {
  dir = tempDir();
  gateway = await startGateway({
    db: join(dir, 'gateway.db'),
    args: ['--ws.heartbeat-interval=200ms', '--ws.idle-timeout=700ms', '--ws.max-subscriptions=3',
      '--ws.buffer-size=20', '--ws.write-delay=50ms'],
  });
});

after(async () => {
  await gateway?.kill('SIGTERM');
  removeDir(dir);
});

function newClient(t, options = {}) {
  const c = new GatewayClient(gateway.wsUrl, { WebSocket, backoff: { initialMs: 20, maxMs: 200 }, ...options });
  t.after(() => c.close());
  return c;
}

test('subscribe, receive, publish: over WebSocket and REST, once each, in order, with the seq answered', async (t) => {
  const sub = newClient(t);
  const seen = [];
  sub.on('event', (e) => seen.push(e));
  const states = [];
  sub.on('state', (s) => states.push(s.state));
  await sub.connect();
  assert.equal(sub.state, 'live');
  assert.match(sub.connectionId, /\S/);
  const reply = await sub.subscribe(['basic:*']);
  assert.deepEqual(reply.topics, ['basic:*']);
  assert.equal(reply.activeSubscriptions, 1);
  const pub = await connect(gateway.httpUrl, { WebSocket });
  t.after(() => pub.close());
  const s1 = await pub.publish('basic:A', 'basic.one', { n: 1 });
  const s2 = (await restPublish(gateway.httpUrl, { topic: 'basic:B', eventType: 'basic.two', data: { n: 2 } })).seq;
  const s3 = await pub.publish('basic:A', 'basic.three');
  await pub.publish('other:A', 'other.x', {}); // not subscribed
  assert.ok(s1 < s2 && s2 < s3);
  await waitFor(() => seen.length >= 3, 'three events');
  assert.deepEqual(seen.map((e) => [e.seq, e.topic, e.eventType, e.data]),
    [[s1, 'basic:A', 'basic.one', { n: 1 }], [s2, 'basic:B', 'basic.two', { n: 2 }], [s3, 'basic:A', 'basic.three', {}]]);
  assert.match(seen[0].timestamp, /^\d{4}-\d\d-\d\dT/);
  assert.equal(sub.lastSeq, s3);
  // An idempotency key makes a second publish answer the first seq.
  const k1 = await pub.publish('basic:A', 'basic.keyed', {}, { idempotencyKey: 'basic-k1' });
  assert.equal(await pub.publish('basic:A', 'basic.keyed', {}, { idempotencyKey: 'basic-k1' }), k1);
  await waitFor(() => seen.some((e) => e.seq === k1), 'the keyed event');
  const unsub = await sub.unsubscribe('basic:*');
  assert.deepEqual(unsub, { topics: ['basic:*'], activeSubscriptions: 0 });
  assert.ok((await sub.ping()) >= 0);
  assert.deepEqual(states, ['connecting', 'live']);
  assert.equal(seen.filter((e) => e.seq === k1).length, 1);
});

test('filters and events select on the gateway; since replays retained events before live ones', async (t) => {
  const published = await restPublish(gateway.httpUrl, [
    { topic: 'sel:T-1', eventType: 'task.status_changed', data: { status: 'blocked' } },
    { topic: 'sel:T-2', eventType: 'task.status_changed', data: { status: 'done' } },
    { topic: 'sel:T-3', eventType: 'task.created', data: { status: 'blocked' } },
    { topic: 'sel:T-4', eventType: 'task.status_changed', data: { status: 'in_progress' } },
  ]);
  const [a, , , d] = published.seqs;
  const c = newClient(t);
  const seen = [];
  c.on('event', (e) => seen.push(e.seq));
  await c.connect();
  const r = await c.subscribe(['sel:*'], { filters: { status: ['blocked', 'in_progress'] }, events: ['task.status_*'], since: a - 1 });
  assert.equal(r.recovered, true);
  const live = (await restPublish(gateway.httpUrl, [
    { topic: 'sel:T-5', eventType: 'task.status_changed', data: { status: 'blocked' } },
    { topic: 'sel:T-6', eventType: 'task.status_changed', data: { status: 'completed' } },
  ])).seqs;
  await waitFor(() => seen.includes(live[0]), 'the live event');
  assert.deepEqual(seen, [a, d, live[0]]);
});

test('gateway errors come back as GatewayError with the protocol code, details and request id', async (t) => {
  const c = newClient(t);
  await c.connect();
  await c.subscribe(['lim:a', 'lim:b']);
  const error = await c.subscribe(['lim:c', 'lim:d']).then(() => null, (e) => e);
  assert.ok(error instanceof GatewayError);
  assert.equal(error.code, 'WS_SUBSCRIPTION_LIMIT');
  assert.match(error.message, /4 active patterns; at most 3/);
  assert.deepEqual(error.details, { active: 2, requested: 2, max: 3 });
  assert.match(error.id, /^r\d+$/);
  assert.deepEqual(c.subscriptions.map((s) => s.pattern), ['lim:a', 'lim:b'], 'a refused subscribe changes nothing');
  await c.subscribe('lim:c');
});

test('heartbeats: the client answers pings, so the gateway (idle timeout 700 ms) keeps it; a silent socket is closed 4001', async (t) => {
  let pings = 0;
  class CountingWebSocket extends WebSocket {
    constructor(url) {
      super(url);
      this.addEventListener('message', (e) => { if (JSON.parse(e.data).type === 'ping') pings++; });
    }
  }
  const c = newClient(t, { WebSocket: CountingWebSocket });
  const states = [];
  c.on('state', (s) => states.push(s.state));
  await c.connect();
  const id = c.connectionId;
  await waitFor(() => pings >= 8, '8 server pings (1.6 s, over twice the idle timeout)');
  assert.equal(c.connectionId, id);
  assert.deepEqual(states, ['connecting', 'live']);
  // The control: a socket that never answers is closed by the same gateway.
  const raw = new WebSocket(gateway.wsUrl);
  const closed = await new Promise((resolve) => raw.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  assert.equal(closed.code, 4001);
});

test('overflow: the gateway drops events of a slow connection; the resync request delivers exactly them, in order', async (t) => {
  const c = newClient(t);
  const seen = [];
  const overflows = [];
  const resyncs = [];
  c.on('event', (e) => seen.push(e));
  c.on('overflow', (o) => overflows.push(o));
  c.on('resync', (r) => resyncs.push(r));
  await c.connect();
  await c.subscribe(['ovf:*'], { filters: { keep: true }, events: ['tick.*'] });
  const batch = [];
  for (let i = 1; i <= 600; i++) {
    batch.push({ topic: `ovf:${i % 2 ? 'A' : 'B'}`, eventType: i % 3 ? 'tick.n' : 'tock', data: { i, keep: i % 5 !== 0 } });
  }
  // One request: one commit, dispatched at once into a 20-event buffer whose writes wait 50 ms.
  const { seqs } = await restPublish(gateway.httpUrl, batch);
  const expected = seqs.filter((seq, k) => batch[k].eventType === 'tick.n' && batch[k].data.keep);
  await waitFor(() => seen.length >= expected.length && resyncs.length === overflows.length, `${expected.length} events`, 15000);
  assert.ok(overflows.length >= 1, 'the gateway announced an overflow');
  const dropped = overflows.reduce((n, o) => n + o.dropped, 0);
  assert.ok(dropped > 0 && dropped < expected.length, `dropped ${dropped} of ${expected.length}`);
  assert.equal(resyncs.reduce((n, r) => n + r.recovered, 0), dropped, 'the resyncs recovered exactly the dropped events');
  assert.deepEqual(seen.map((e) => e.seq), expected, 'every selected event once, in order');
  for (const e of seen) {
    const k = seqs.indexOf(e.seq);
    assert.deepEqual([e.topic, e.eventType, e.data], [batch[k].topic, batch[k].eventType, batch[k].data]);
  }
  // The live stream goes on after the gap.
  const next = await restPublish(gateway.httpUrl, { topic: 'ovf:A', eventType: 'tick.n', data: { keep: true } });
  await waitFor(() => seen.at(-1).seq === next.seq, 'the event after the overflow');
});

test('the module runs unchanged on the standard WebSocket (globalThis.WebSocket, node --experimental-websocket)', async () => {
  const module = new URL('../event-gateway.js', import.meta.url).href;
  const script = `
    import { connect } from ${JSON.stringify(module)};
    const client = await connect(process.argv[1]);
    const seen = new Promise((resolve) => client.on('event', resolve));
    await client.subscribe(['std:*']);
    const seq = await client.publish('std:A', 'std.hello', { from: 'standard WebSocket' });
    const event = await seen;
    console.log(JSON.stringify({ seq, event, implementation: globalThis.WebSocket.name }));
    await client.close();`;
  const result = await runWithBuiltinWebSocket(script, [gateway.wsUrl], 15000);
  assert.equal(result.implementation, 'WebSocket');
  assert.equal(result.event.seq, result.seq);
  assert.deepEqual(result.event.data, { from: 'standard WebSocket' });
});

test('a subscribe before connect() is sent on connect and resolves then', async (t) => {
  const c = newClient(t);
  const seen = nextEmitted(c, 'event');
  const sub = c.subscribe('early:*');
  await c.connect();
  assert.equal((await sub).activeSubscriptions, 1);
  const { seq } = await restPublish(gateway.httpUrl, { topic: 'early:A', eventType: 'x' });
  assert.equal((await seen).seq, seq);
});

test("the README's ten-line example works as written (with this gateway's port)", async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)[1];
  assert.ok(code.trim().split('\n').length <= 10, 'ten lines at most');
  const dir = fileURLToPath(new URL('..', import.meta.url));
  const file = join(dir, `.readme-example-${process.pid}.mjs`);
  writeFileSync(file, code.replace('ws://127.0.0.1:9090/ws', gateway.wsUrl));
  const child = spawn(process.execPath, [file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  try {
    const published = await waitFor(() => /published as seq (\d+)/.exec(out), `the example's publish:\n${out}`, 15000);
    const seq = published[1];
    await waitFor(() => out.includes(`${seq} task:TASK-123 task.progress {"percent":50}`), `the example's event:\n${out}`, 15000);
    assert.match(out, /^state: live$/m);
  } finally {
    child.kill('SIGKILL');
    unlinkSync(file);
  }
});
