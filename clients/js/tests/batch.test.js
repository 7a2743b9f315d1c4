// Batch frames against the real gateway (scripts/gateway with ws.write-delay=20ms, so that events published together
// are waiting when the connection is written to, and are packed into `batch` frames): with batchFrames on, every
// event arrives once and in order, as without; a client that does not ask gets single frames only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { GatewayClient } from '../event-gateway.js';
import { startGateway, tempDir, removeDir, waitFor, restPublish } from './helpers.js';

let gateway;
let dir;

before(async () => {
  dir = tempDir();
  gateway = await startGateway({ db: join(dir, 'gateway.db'), args: ['--ws.write-delay=20ms'] });
});

after(async () => {
  await gateway?.kill('SIGTERM');
  removeDir(dir);
});

/** A client whose socket counts the frames it receives by type, and keeps the `connected` payload. */
function countingClient(t, options = {}) {
  const frames = { count: 0, types: new Map(), messages: 0, connected: null };
  class CountingWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        const m = JSON.parse(e.data);
        frames.count++;
        frames.types.set(m.type, (frames.types.get(m.type) ?? 0) + 1);
        frames.messages += m.type === 'batch' ? m.payload.messages.length : 1;
        if (m.type === 'connected') frames.connected = m.payload;
      });
    }
  }
  const client = new GatewayClient(gateway.wsUrl, { WebSocket: CountingWebSocket, backoff: { initialMs: 20, maxMs: 200 }, ...options });
  t.after(() => client.close());
  const seen = [];
  const errors = [];
  const overflows = [];
  client.on('event', (e) => seen.push(e));
  client.on('error', (e) => errors.push(e));
  client.on('overflow', (o) => overflows.push(o));
  return { client, frames, seen, errors, overflows };
}

/** Publishes `rounds` arrays of 100 events on `topic`s of `entity`, one POST each; answers their seqs and bodies. */
async function publishRounds(entity, rounds) {
  const seqs = [];
  const bodies = [];
  for (let r = 0; r < rounds; r++) {
    const body = [];
    for (let k = 0; k < 100; k++) {
      const i = r * 100 + k;
      body.push({ topic: `${entity}:${'ABC'[i % 3]}`, eventType: 'batch.tick', data: { i } });
    }
    seqs.push(...(await restPublish(gateway.httpUrl, body)).seqs);
    bodies.push(...body);
  }
  return { seqs, bodies };
}

function assertExactly(seen, { seqs, bodies }, who) {
  assert.deepEqual(seen.map((e) => e.seq), seqs, `${who}: every event once, in publish order`);
  seen.forEach((e, k) => assert.deepEqual([e.topic, e.eventType, e.data], [bodies[k].topic, bodies[k].eventType, bodies[k].data], who));
}

test('batchFrames: 500 events published 100 at a time arrive once each, in order, packed into batch frames', async (t) => {
  const batched = countingClient(t, { batchFrames: true });
  const single = countingClient(t);
  await Promise.all([batched.client.connect(), single.client.connect()]);
  assert.equal(batched.client.url, `${gateway.wsUrl}?batch=true`);
  assert.equal(batched.frames.connected.batch, true, 'the gateway says this connection gets batch frames');
  assert.equal(single.frames.connected.batch, false);
  await Promise.all([batched.client.subscribe('bat:*'), single.client.subscribe('bat:*')]);
  const published = await publishRounds('bat', 5);
  await waitFor(() => batched.seen.length >= 500 && single.seen.length >= 500, 'both clients to get 500 events', 30000);
  assertExactly(batched.seen, published, 'batchFrames');
  assertExactly(single.seen, published, 'single frames');
  const batches = batched.frames.types.get('batch') ?? 0;
  assert.ok(batches >= 1, `at least one batch frame (frames by type: ${JSON.stringify([...batched.frames.types])})`);
  assert.ok(batched.frames.count < batched.frames.messages, `fewer frames (${batched.frames.count}) than messages (${batched.frames.messages})`);
  assert.equal(single.frames.types.get('batch') ?? 0, 0, 'no batch frame for a client that did not ask');
  assert.deepEqual(batched.errors, []);
  assert.deepEqual([batched.overflows, single.overflows], [[], []]);
  assert.equal(batched.client.state, 'live');
  // Requests and their replies go on in batch mode.
  assert.ok((await batched.client.ping()) >= 0);
  const seq = await batched.client.publish('bat:A', 'batch.last', { i: 500 });
  await waitFor(() => batched.seen.at(-1)?.seq === seq, 'the event published over WebSocket');
  assert.equal(batched.seen.length, 501);
});

test('batchFrames: a since replay of 300 retained events, then live ones, arrives once each and in order', async (t) => {
  const published = await publishRounds('rep', 3);
  const { client, seen, errors, frames } = countingClient(t, { batchFrames: true });
  await client.connect();
  const reply = await client.subscribe('rep:*', { since: published.seqs[0] - 1 });
  assert.equal(reply.recovered, true);
  const live = await publishRounds('rep', 1);
  await waitFor(() => seen.length >= 400, '300 replayed and 100 live events', 30000);
  assert.deepEqual(seen.map((e) => e.seq), [...published.seqs, ...live.seqs], 'every event once, in order');
  assert.ok((frames.types.get('batch') ?? 0) >= 1, `batch frames: ${JSON.stringify([...frames.types])}`);
  assert.deepEqual(errors, []);
});
