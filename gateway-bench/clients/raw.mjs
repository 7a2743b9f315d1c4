// The baseline of scripts/bench-clients (see run.py): the bare `ws` package, parsing each frame with JSON.parse
// and counting, with none of a client's work (no reconnect, no resync, no listeners). The clients' rates are
// reported against it.
import { createRequire } from 'node:module';

// `ws` is clients/js's dependency (scripts/bench-clients runs npm ci there).
const { WebSocket } = createRequire(new URL('../../clients/js/package.json', import.meta.url))('ws');

const [url, pattern, countArg, sinceArg] = process.argv.slice(2);
const count = Number(countArg);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let received = 0; let duplicates = 0; let gaps = 0; let last = -1; let firstAt = 0; let lastAt = 0;
const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
ws.on('open', () => {
  ws.send(JSON.stringify({ type: 'subscribe', id: 's', payload: { topics: [pattern], since: Number(sinceArg) } }));
});
ws.on('message', (raw) => {
  const frame = JSON.parse(raw);
  if (frame.type === 'subscribed') { out({ kind: 'ready', atMs: Date.now() }); return; }
  if (frame.type === 'ping') { ws.send(JSON.stringify({ type: 'pong' })); return; }
  if (frame.type !== 'event') return;
  const seq = frame.payload.seq;
  const now = Date.now();
  if (last >= 0 && seq <= last) { duplicates++; return; }
  if (last >= 0 && seq !== last + 1) gaps += seq - last - 1;
  if (received === 0) firstAt = now;
  received++; last = seq; lastAt = now;
  if (count > 0 && received === count) {
    out({ kind: 'done', received, firstAtMs: firstAt, lastAtMs: lastAt, duplicates, gaps, lastSeq: last });
    ws.close();
    process.exit(0);
  }
});
ws.on('error', (e) => { console.error('raw consumer: ' + e.message); process.exit(1); });
