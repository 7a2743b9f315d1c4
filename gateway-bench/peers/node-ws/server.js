'use strict';
// The design the seed documents propose (seeds/000: a `ws` server with in-memory `entity:*` topic patterns and a
// JSON envelope), kept small, as a peer the bench measures the gateway against (issue 5 part 3).
//
//   node server.js --port 9091        (0 picks a free port; binds 127.0.0.1; prints one ready line)
//
// It speaks the gateway's frames (docs/PROTOCOL.md sections 3 to 5) for what it has: subscribe, unsubscribe,
// publish, ping, and `event` frames of the same envelope. What it lacks, on purpose, as the seeds' design does:
// no event log (a `since` is answered `recovered: false` and nothing is replayed), no `published` acknowledgement,
// no per-connection bound (ws buffers whatever a slow client does not read) and so no `overflow` announcement,
// no auth, no limits.

const { WebSocketServer } = require('ws');

const PATTERN = /^(\*|[a-z][a-z0-9_.-]{0,63}:([A-Za-z0-9._:/@-]{0,192}\*|[A-Za-z0-9._:/@-]{1,192}))$/;

function parsePort(argv) {
  const i = argv.indexOf('--port');
  const value = i >= 0 ? Number(argv[i + 1]) : 9091;
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got ${argv[i + 1]}`);
  }
  return value;
}

// Subscribers by pattern: exact topics in one map (a lookup per event), prefix patterns (`task:*`,
// `stream:Stream-*`, `*`) in another, checked one by one as the seeds' `_topic_matches` does.
const exact = new Map();
const prefixes = new Map();
let seq = 0;

function index(pattern) {
  return pattern.endsWith('*') ? [prefixes, pattern.slice(0, -1)] : [exact, pattern];
}

function add(ws, pattern) {
  const [map, key] = index(pattern);
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(ws);
  ws.patterns.add(pattern);
}

function remove(ws, pattern) {
  const [map, key] = index(pattern);
  const set = map.get(key);
  if (set) {
    set.delete(ws);
    if (set.size === 0) {
      map.delete(key);
    }
  }
  ws.patterns.delete(pattern);
}

function reply(ws, type, id, payload) {
  ws.send(JSON.stringify({ type, id, timestamp: new Date().toISOString(), payload }));
}

function error(ws, id, code, message) {
  reply(ws, 'error', id, { code, message, details: {} });
}

// Encodes the event once and sends the same bytes to every matching connection, each once even when several of
// its patterns match.
function publish(topic, eventType, data) {
  const frame = Buffer.from(JSON.stringify({
    type: 'event',
    timestamp: new Date().toISOString(),
    payload: { seq: ++seq, topic, eventType, data },
  }));
  const sets = [];
  const direct = exact.get(topic);
  if (direct) {
    sets.push(direct);
  }
  for (const [prefix, set] of prefixes) {
    if (topic.startsWith(prefix)) {
      sets.push(set);
    }
  }
  const targets = sets.length === 1 ? sets[0] : new Set(sets.flatMap((s) => [...s]));
  for (const ws of targets) {
    ws.send(frame, { binary: false });
  }
}

function onMessage(ws, raw) {
  let msg;
  try {
    msg = JSON.parse(raw);
  } catch (e) {
    return error(ws, undefined, 'WS_INVALID_MESSAGE', 'not JSON');
  }
  const id = msg && typeof msg.id === 'string' ? msg.id : undefined;
  const payload = (msg && msg.payload) || {};
  switch (msg && msg.type) {
    case 'subscribe':
    case 'unsubscribe': {
      const topics = payload.topics;
      if (!Array.isArray(topics) || topics.length === 0) {
        return error(ws, id, 'WS_INVALID_MESSAGE', 'payload.topics must be a non-empty array');
      }
      const bad = topics.find((t) => typeof t !== 'string' || !PATTERN.test(t));
      if (bad !== undefined) {
        return error(ws, id, 'WS_INVALID_TOPIC', `invalid pattern '${bad}'`);
      }
      if (msg.type === 'unsubscribe') {
        const inactive = topics.find((t) => !ws.patterns.has(t));
        if (inactive !== undefined) {
          return error(ws, id, 'WS_NOT_SUBSCRIBED', `not subscribed to '${inactive}'`);
        }
        topics.forEach((t) => remove(ws, t));
        return reply(ws, 'unsubscribed', id, { topics, activeSubscriptions: ws.patterns.size });
      }
      topics.forEach((t) => add(ws, t));
      const answer = { topics, activeSubscriptions: ws.patterns.size, headSeq: seq };
      if (payload.since !== undefined) {
        answer.recovered = false; // no event log: nothing to replay
      }
      return reply(ws, 'subscribed', id, answer);
    }
    case 'publish':
      if (typeof payload.topic !== 'string' || !PATTERN.test(payload.topic) || payload.topic.endsWith('*')) {
        return error(ws, id, 'WS_INVALID_TOPIC', `invalid topic '${payload.topic}'`);
      }
      return publish(payload.topic, String(payload.eventType), payload.data || {});
    case 'ping':
      return reply(ws, 'pong', id, {});
    case 'pong':
      return undefined;
    default:
      return error(ws, id, 'WS_UNKNOWN_TYPE', 'use subscribe, unsubscribe, publish, ping or pong');
  }
}

const server = new WebSocketServer({ host: '127.0.0.1', port: parsePort(process.argv), path: '/ws' });
server.on('connection', (ws) => {
  ws.patterns = new Set();
  reply(ws, 'connected', undefined, { serverVersion: 'node-ws-peer', headSeq: seq });
  ws.on('message', (raw) => onMessage(ws, raw));
  ws.on('close', () => [...ws.patterns].forEach((p) => remove(ws, p)));
  ws.on('error', () => ws.terminate());
});
server.on('listening', () => {
  const { address, port } = server.address();
  console.log(`node-ws peer listening on ${address}:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
