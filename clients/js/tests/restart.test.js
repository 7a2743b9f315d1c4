// The gateway is killed with SIGKILL during a steady publish and started again on the same port and database.
// The publisher retries with idempotency keys; the subscriber must see every acknowledged seq exactly once, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { GatewayClient } from '../event-gateway.js';
import { startGateway, tempDir, removeDir, waitFor } from './helpers.js';

const TOTAL = 400;
const KILL_AFTER = 150;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('SIGKILL and restart during a steady publish: the subscriber sees every seq exactly once, in order', async (t) => {
  const dir = tempDir();
  const db = join(dir, 'gateway.db');
  const gateways = [];
  t.after(async () => {
    for (const g of gateways) await g.kill('SIGKILL');
    removeDir(dir);
  });
  const first = await startGateway({ db });
  gateways.push(first);
  const options = { WebSocket, backoff: { initialMs: 50, maxMs: 400 }, requestTimeoutMs: 3000 };

  // The subscriber's reconnects are refused until the test opens this gate, so that events are surely published
  // while it is away and reach it only through the resubscribe's since replay.
  let gateOpen = true;
  class GatedWebSocket extends WebSocket {
    constructor(url) {
      super(gateOpen ? url : 'ws://127.0.0.1:1/refused');
    }
  }
  const sub = new GatewayClient(first.wsUrl, { ...options, WebSocket: GatedWebSocket });
  const pub = new GatewayClient(first.wsUrl, options);
  t.after(() => Promise.all([sub.close(), pub.close()]));
  const seen = [];
  const states = [];
  sub.on('event', (e) => seen.push(e.seq));
  sub.on('state', (s) => states.push(s.state));
  sub.on('error', () => {});
  pub.on('error', () => {});
  await sub.connect();
  // Two sets of patterns with different selectors: after the restart they are resubscribed in two requests
  // whose replays the client merges in seq order.
  await sub.subscribe(['load:A']);
  await sub.subscribe(['load:B'], { events: ['tick'] });
  await pub.connect();

  const acked = new Map();
  let retries = 0;
  const publishing = (async () => {
    for (let i = 0; i < TOTAL; i++) {
      for (;;) {
        try {
          acked.set(i, await pub.publish(i % 2 ? 'load:B' : 'load:A', 'tick', { i }, { idempotencyKey: `load-${i}` }));
          break;
        } catch (error) {
          if (error.code === 'CLOSED') throw error;
          retries++;
          await sleep(20);
        }
      }
      await sleep(2);
    }
  })();
  publishing.catch(() => {}); // awaited below; this keeps an early failure of the test from leaving it unhandled

  await waitFor(() => acked.size >= KILL_AFTER, `${KILL_AFTER} acknowledged publishes`, 20000);
  gateOpen = false;
  await first.kill('SIGKILL');
  const killedAt = acked.size;
  const second = await startGateway({ db, port: first.port });
  gateways.push(second);
  await waitFor(() => acked.size >= killedAt + 50, '50 publishes acknowledged by the restarted gateway', 20000);
  // Not seen yet: the events published while away (a publish in flight at the kill may have been delivered before
  // it, its answer lost; the retry with its key got the same seq).
  const whileAway = [...acked.values()].filter((seq) => !seen.includes(seq));
  assert.ok(whileAway.length >= 49, `${whileAway.length} events published while the subscriber was away`);
  gateOpen = true;
  await publishing;

  const seqs = [...acked.values()];
  assert.equal(new Set(seqs).size, TOTAL, 'every publish has its own seq (no duplicate from a retry)');
  const last = Math.max(...seqs);
  await waitFor(() => seen.includes(last), `the subscriber to reach seq ${last}`, 20000);
  for (let k = 1; k < seen.length; k++) assert.ok(seen[k] > seen[k - 1], `out of order or repeated at ${k}: ${seen[k - 1]} then ${seen[k]}`);
  assert.deepEqual(seen, [...seqs].sort((a, b) => a - b), 'exactly the acknowledged seqs');
  assert.ok(killedAt < TOTAL, 'the kill happened during the publishing');
  assert.notEqual(sub.connectionId, null);
  assert.deepEqual(states.slice(0, 2), ['connecting', 'live']);
  assert.ok(states.includes('reconnecting'), 'the subscriber lost its connection');
  assert.equal(states.at(-1), 'live');
  assert.ok(whileAway.every((seq) => seen.includes(seq)), 'the events published while away came through the replay');
  // The log itself holds each event once.
  const res = await fetch(`${second.httpUrl}/api/events?since=0&topics=load:*&limit=10000`);
  const history = await res.json();
  assert.equal(history.events.length, TOTAL);
  await Promise.all([sub.close(), pub.close()]);
  t.diagnostic(`killed after ${killedAt} acknowledged; ${retries} publish retries`);
});
