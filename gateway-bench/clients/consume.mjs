// One JS-client consumer for scripts/bench-clients (see run.py): subscribes to PATTERN after SINCE and reports on
// stdout, as JSON lines, when it is subscribed, every event that ends a pause of PAUSE_MS or more, and a summary
// once COUNT events arrived (COUNT 0: never). It does nothing per event beyond the checks, so the rate it reaches
// is the client library's.
import { createRequire } from 'node:module';
import { GatewayClient } from '../../clients/js/event-gateway.js';

// `ws` is clients/js's dependency (scripts/bench-clients runs npm ci there).
const { WebSocket } = createRequire(new URL('../../clients/js/package.json', import.meta.url))('ws');

const [url, pattern, countArg, sinceArg, pauseArg] = process.argv.slice(2);
const count = Number(countArg);
const pauseMs = Number(pauseArg ?? 300);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

let received = 0; let duplicates = 0; let gaps = 0; let last = -1; let firstAt = 0; let lastAt = 0;
const client = new GatewayClient(url, { WebSocket });
client.on('error', () => {});
client.on('event', (e) => {
  const now = Date.now();
  if (last >= 0 && e.seq <= last) { duplicates++; return; }
  if (last >= 0 && e.seq !== last + 1) gaps += e.seq - last - 1;
  if (received > 0 && now - lastAt >= pauseMs) out({ kind: 'resumed', seq: e.seq, atMs: now, pauseMs: now - lastAt });
  if (received === 0) firstAt = now;
  received++; last = e.seq; lastAt = now;
  if (count > 0 && received === count) {
    out({ kind: 'done', received, firstAtMs: firstAt, lastAtMs: lastAt, duplicates, gaps, lastSeq: last });
    client.close().finally(() => process.exit(0));
  }
});
await client.connect();
await client.subscribe([pattern], { since: Number(sinceArg) });
out({ kind: 'ready', atMs: Date.now() });
process.on('SIGTERM', () => {
  out({ kind: 'done', received, firstAtMs: firstAt, lastAtMs: lastAt, duplicates, gaps, lastSeq: last });
  process.exit(0);
});
