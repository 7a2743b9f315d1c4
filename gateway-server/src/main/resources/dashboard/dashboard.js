// The Event Gateway dashboard: the orchestration at a glance and the live event stream, on the public protocol
// only (PROTOCOL.md). The WebSocket side is the project's JavaScript client (clients/js, served here as
// /dashboard/event-gateway.js): it reconnects with backoff, resumes with `since`, and resyncs after an overflow.
// This file adds what a person watching needs: a REST snapshot of the domain, polling while the WebSocket is
// down, and rendering that never runs more than once per animation frame, however fast events arrive.
//
// Auth (PROTOCOL.md section 11): the page itself loads without a credential. When the gateway answers 401 (REST or
// the upgrade) it asks for a token, keeps it in sessionStorage (this tab only, gone when it closes), sends it as
// `Authorization: Bearer` on its REST calls and hands it to the client (the `bearer.<token>` subprotocol). What the
// token may not read (403) is left out and named in one quiet line.

import { GatewayClient } from './event-gateway.js';
import { RateWindow, STATUSES, applyEvent, applySnapshot, createModel, entityOf, tasksByStatus } from './domain.js';

const MAX_ROWS = 500;          // rows in the live table
const MAX_KEPT = 2000;         // events kept for filtering
const POLL_AFTER_MS = 4000;    // poll REST after the WebSocket has been down this long
const POLL_EVERY_MS = 1000;
const STATUS_EVERY_MS = 5000;
const TOKEN_KEY = 'event-gateway.token';
// What a WebSocket subprotocol entry may carry (RFC 7230 token characters): JWTs and generated API keys.
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COLORS = ['#61afef', '#3fb68b', '#e0a458', '#c678dd', '#e06c75', '#56b6c2', '#d19a66', '#98c379'];

const $ = (id) => document.getElementById(id);
const base = window.location.origin;

const model = createModel();
const rates = new RateWindow(60);
const kept = [];               // newest last
let pending = [];              // events received since the last frame
let frameRequested = false;
let paused = false;
let filter = '';
let patterns = readPatterns();
let lastSeq = 0;               // the newest seq the page has taken in, from any source
let client = null;
let pollTimer = null;
let downSince = null;
let everLive = false;          // a reconnect notice only after the page was live once
let arrivals = [];             // receive times of the last second, for the rate in the header
let token = readToken();       // the credential, when the gateway asked for one
let generation = 0;            // each start (and each sign-in) is a generation; answers of older ones are ignored
let statusTimer = null;
const unreadable = new Set();  // what this token may not read (403), named in the access line
let followingGrant = false;    // the default '*' was narrowed to what the token may subscribe to
const explicitPatterns = new URLSearchParams(window.location.search).has('patterns');

/** An HTTP answer that is not 2xx (nor 404), with the gateway's error code and message. */
class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function readToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

function storeToken(value) {
  try {
    if (value) {
      window.sessionStorage.setItem(TOKEN_KEY, value);
    } else {
      window.sessionStorage.removeItem(TOKEN_KEY);
    }
  } catch {
    // Storage disabled: the token lives in this page only.
  }
}

function readPatterns() {
  const fromUrl = new URLSearchParams(window.location.search).get('patterns');
  const text = fromUrl ?? $('patterns').value;
  const list = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  $('patterns').value = list.join(', ');
  return list.length > 0 ? list : ['*'];
}

function notice(text) {
  const el = $('notice');
  el.textContent = text;
  el.hidden = !text;
}

function setState(state) {
  const el = $('state');
  el.dataset.state = state;
  el.textContent = state;
}

/** Takes in events from any source (WebSocket, polling), once each, in seq order. */
function receive(events) {
  const now = performance.now();
  for (const event of events) {
    if (event.seq <= lastSeq) {
      continue;
    }
    lastSeq = event.seq;
    pending.push(event);
    arrivals.push(now);
  }
  requestRender();
}

function requestRender() {
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(render);
  }
}

async function getJson(path) {
  const headers = { Accept: 'application/json' };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  const response = await fetch(base + path, { headers });
  if (response.status === 404) {
    return null;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new HttpError(response.status, body?.error?.code ?? null,
      body?.error?.message ?? `${path} answered ${response.status}`);
  }
  return response.json();
}

/** A resource the token may not read (403) is left out (null) and named in the access line. */
async function readable(path, name) {
  try {
    return await getJson(path);
  } catch (error) {
    if (error.status === 403) {
      unreadable.add(name);
      updateAccess();
      return null;
    }
    throw error;
  }
}

/** The domain state from REST; its lowest seq is where the WebSocket resumes, so nothing falls between. */
async function loadSnapshot() {
  const [tasks, streams, checkpoints] = await Promise.all([
    readable('/api/tasks', 'tasks'), readable('/api/streams', 'streams'),
    readable('/api/checkpoints', 'checkpoints'),
  ]);
  const seqs = [tasks, streams, checkpoints].filter((a) => a && typeof a.seq === 'number').map((a) => a.seq);
  applySnapshot(model, {
    tasks: tasks?.tasks ?? [],
    streams: streams?.streams ?? [],
    checkpoints: checkpoints?.checkpoints ?? [],
  });
  return seqs.length > 0 ? Math.min(...seqs) : null;
}

async function start() {
  const current = ++generation;
  let since = null;
  try {
    since = await loadSnapshot();
  } catch (error) {
    if (current !== generation) {
      return;
    }
    if (error.status === 401) {
      askForToken(error.message);
      return;
    }
    notice(`Could not load the task state: ${error.message}`);
  }
  if (current !== generation) {
    return;
  }
  if (since !== null) {
    lastSeq = since;
  }
  connect(since);
  loadStatus();
  requestRender();
}

/** The gateway wants a token (none, or a refused one): the board gives way to the prompt. */
function askForToken(reason) {
  generation++;
  const refused = token !== null;
  const old = client;
  client = null;
  old?.close();
  stopPolling();
  clearTimeout(statusTimer);
  downSince = null;
  token = null;
  storeToken(null);
  setState('token');
  $('state').textContent = 'token needed';
  notice('');
  $('identity').hidden = true;
  $('board').hidden = true;
  $('access').hidden = true;
  $('patterns-form').hidden = true;
  $('rate').hidden = true;
  $('gateway-status').hidden = true;
  $('auth').hidden = false;
  const error = $('auth-error');
  error.textContent = refused ? `The gateway refused this token: ${reason}` : '';
  error.hidden = !refused;
  $('token').value = '';
  $('token').focus();
}

function signIn(value) {
  token = value;
  storeToken(value);
  $('auth').hidden = true;
  $('board').hidden = false;
  $('patterns-form').hidden = false;
  $('rate').hidden = false;
  showIdentity(null);
  setState('connecting');
  unreadable.clear();
  updateAccess();
  start();
}

function showIdentity(grant) {
  $('identity').hidden = !token;
  if (grant) {
    const until = grant.expiresAt ? ` · until ${new Date(grant.expiresAt).toLocaleTimeString()}` : '';
    $('subject').textContent = `${grant.subject}${grant.admin ? ' (admin)' : ''}${until}`;
  } else {
    $('subject').textContent = 'token set';
  }
}

/** The default '*' becomes what the token may subscribe to, unless the person chose patterns. */
function patternsFor(grant) {
  if (!grant || explicitPatterns || grant.subscribe.includes('*') || grant.subscribe.length === 0
    || patterns.length !== 1 || patterns[0] !== '*') {
    return patterns;
  }
  patterns = [...grant.subscribe];
  $('patterns').value = patterns.join(', ');
  followingGrant = true;
  updateAccess();
  return patterns;
}

function updateAccess() {
  const parts = [];
  if (unreadable.size > 0) {
    parts.push(`This token may not read ${[...unreadable].join(', ')}; the page shows what it may read.`);
  }
  if (followingGrant) {
    parts.push(`Following what it may subscribe to: ${patterns.join(', ')}.`);
  }
  $('access').textContent = parts.join(' ');
  $('access').hidden = parts.length === 0;
}

/** The gateway's own figures (an admin route): shown when the token may read them, else said once, quietly. */
async function loadStatus() {
  clearTimeout(statusTimer);
  const current = generation;
  const el = $('gateway-status');
  try {
    const status = await getJson('/api/status');
    if (current !== generation || !status) {
      return;
    }
    const active = status.connections?.active;
    el.textContent = `${active} connection${active === 1 ? '' : 's'} · v${status.version}`;
    delete el.dataset.limited;
    el.hidden = false;
  } catch (error) {
    if (current !== generation) {
      return;
    }
    if (error.status === 403) {
      // Not an admin token: no more asking; everything else works.
      el.textContent = 'gateway status: admin only';
      el.title = error.message;
      el.dataset.limited = '';
      el.hidden = false;
      unreadable.add('the gateway status (admin only)');
      updateAccess();
      return;
    }
    if (error.status === 401) {
      askForToken(error.message);
      return;
    }
  }
  statusTimer = setTimeout(loadStatus, STATUS_EVERY_MS);
}

function connect(since) {
  client?.close();
  const c = new GatewayClient(base, token ? { token } : {});
  client = c;
  c.on('state', ({ state }) => {
    if (client === c) {
      onState(state);
    }
  });
  c.on('authenticated', (grant) => showIdentity(grant));
  c.on('event', (event) => receive([event]));
  c.on('resync', (info) => {
    notice(`Resynced: ${info.recovered} of ${info.dropped} events this slow connection dropped (seq `
      + `${info.firstDroppedSeq}–${info.lastDroppedSeq}) were fetched again over REST.`);
  });
  c.on('lost', (info) => {
    notice(`Events after seq ${info.afterSeq} were purged before the dashboard could read them; `
      + 'the task state was reloaded.');
    loadSnapshot().then(requestRender).catch(() => {});
  });
  c.on('error', (error) => {
    if (client !== c) {
      return;
    }
    if (error.code === 'UNAUTHORIZED') {
      askForToken(error.message);
    } else if (error.code === 'CREDENTIALS_REVOKED') {
      askForToken('it expired or was revoked; paste a new one.');
    } else if (error.code !== 'CONNECTION_FAILED' && error.code !== 'CONNECTION_LOST' && error.code !== 'TIMEOUT') {
      notice(`Gateway error ${error.code}: ${error.message}`);
    }
  });
  // Subscribed once live, when the grant (auth on) says what this token may follow; later reconnects resubscribe
  // by themselves, with since.
  c.connect().then(() => (client === c ? c.subscribe(patternsFor(c.grant), since !== null ? { since } : {}) : null))
    .catch((error) => {
      if (client === c && !['CLOSED', 'UNAUTHORIZED', 'CREDENTIALS_REVOKED'].includes(error.code)) {
        notice(`Subscribe failed: ${error.code} ${error.message}`);
      }
    });
}

function onState(state) {
  if (state === 'live') {
    const wasDown = downSince !== null && everLive;
    everLive = true;
    downSince = null;
    stopPolling();
    setState('live');
    if (wasDown) {
      notice('Reconnected: events published meanwhile were replayed from the gateway (since).');
    }
  } else if (state === 'reconnecting' || state === 'connecting') {
    if (downSince === null) {
      downSince = Date.now();
      setTimeout(maybePoll, POLL_AFTER_MS);
    }
    if (!pollTimer) {
      setState(state);
    }
  } else if (state === 'closed') {
    stopPolling();
    setState('closed');
  }
}

function maybePoll() {
  if (downSince !== null && Date.now() - downSince >= POLL_AFTER_MS - 50 && !pollTimer) {
    setState('polling');
    notice('The WebSocket is down; polling GET /api/events until it is back.');
    pollTimer = setInterval(poll, POLL_EVERY_MS);
    poll();
  }
}

function stopPolling() {
  if (pollTimer) {
    clearInterval(pollTimer);
    pollTimer = null;
  }
}

async function poll() {
  try {
    let more = true;
    while (more && pollTimer) {
      const page = await getJson(`/api/events?since=${lastSeq}&topics=${encodeURIComponent(patterns.join(','))}`
        + '&limit=1000');
      if (!page) {
        return;
      }
      receive(page.events);
      more = page.hasMore;
      if (page.truncated) {
        notice('Some events were purged by retention before the dashboard could fetch them.');
      }
    }
  } catch (error) {
    if (error.status === 401) {
      askForToken(error.message);
    }
    // Otherwise the gateway itself is down: keep polling, the state pill says so.
  }
}

function matches(event) {
  if (!filter) {
    return true;
  }
  return event.topic.includes(filter) || event.eventType.includes(filter)
    || JSON.stringify(event.data).includes(filter);
}

function render() {
  frameRequested = false;
  const batch = pending;
  pending = [];
  let domainChanged = false;
  const now = Date.now();
  for (const event of batch) {
    domainChanged = applyEvent(model, event) || domainChanged;
    rates.add(entityOf(event.topic), now);
    kept.push(event);
  }
  if (kept.length > MAX_KEPT) {
    kept.splice(0, kept.length - MAX_KEPT);
  }
  if (!paused && batch.length > 0) {
    renderEvents(batch);
  }
  if (domainChanged || batch.length === 0) {
    renderDomain();
  }
  renderRates(now);
}

function row(event) {
  const tr = document.createElement('tr');
  const time = event.timestamp ? event.timestamp.slice(11, 23) : '';
  for (const [text, cls] of [[event.seq, ''], [time, ''], [event.topic, ''], [event.eventType, ''],
    [JSON.stringify(event.data), 'data']]) {
    const td = document.createElement('td');
    td.textContent = String(text);
    if (cls) {
      td.className = cls;
    }
    tr.appendChild(td);
  }
  tr.dataset.seq = event.seq;
  return tr;
}

function renderEvents(batch) {
  const body = $('events');
  const fragment = document.createDocumentFragment();
  const shown = batch.filter(matches).slice(-MAX_ROWS);
  for (let i = shown.length - 1; i >= 0; i--) {
    fragment.appendChild(row(shown[i]));
  }
  body.insertBefore(fragment, body.firstChild);
  while (body.childElementCount > MAX_ROWS) {
    body.removeChild(body.lastChild);
  }
  updateEventStats();
}

function rebuildEvents() {
  const body = $('events');
  body.replaceChildren();
  const shown = kept.filter(matches).slice(-MAX_ROWS);
  const fragment = document.createDocumentFragment();
  for (let i = shown.length - 1; i >= 0; i--) {
    fragment.appendChild(row(shown[i]));
  }
  body.appendChild(fragment);
  updateEventStats();
}

function updateEventStats() {
  const body = $('events');
  $('events-empty').hidden = body.childElementCount > 0;
  $('events-stats').textContent = `${body.childElementCount} shown${paused ? ' (paused)' : ''}`
    + ` · ${kept.length} kept · head seq ${lastSeq}`;
}

function renderDomain() {
  const streams = [...model.streams.values()].sort((a, b) => a.streamId.localeCompare(b.streamId));
  const streamBox = $('streams');
  if (streams.length === 0) {
    streamBox.innerHTML = '<p class="empty">No streams yet. Create one with <code>POST /api/streams</code>.</p>';
  } else {
    streamBox.replaceChildren(...streams.map(streamView));
  }
  const counts = tasksByStatus(model);
  $('task-status').replaceChildren(...STATUSES.map((status) => {
    const div = document.createElement('div');
    div.className = `status ${status}`;
    div.dataset.status = status;
    div.innerHTML = '<span class="n"></span><span class="label"></span>';
    div.querySelector('.n').textContent = counts[status];
    div.querySelector('.label').textContent = status.replace('_', ' ');
    return div;
  }));
  const tasks = [...model.tasks.values()].sort((a, b) => String(b.updatedAt ?? '').localeCompare(
    String(a.updatedAt ?? ''))).slice(0, 100);
  $('tasks').replaceChildren(...tasks.map((task) => {
    const div = document.createElement('div');
    div.className = 'task';
    div.dataset.task = task.id;
    div.innerHTML = '<span class="title"></span><span class="pill"></span>';
    div.querySelector('.title').textContent = `${task.id} · ${task.title}`;
    div.querySelector('.pill').textContent = task.status.replace('_', ' ');
    div.querySelector('.pill').classList.add(task.status);
    return div;
  }));
  listInto($('agents'), model.agents.slice(0, 30), (a) => [a.agentId, a.kind, a.text], 'No agent activity yet.');
  const checkpoints = [...model.checkpoints.values()].reverse();
  listInto($('checkpoints'), checkpoints, (c) => [`${c.taskId} #${c.sequence}`, c.state, c.trigger],
    'No checkpoints yet.');
}

function streamView(stream) {
  const div = document.createElement('div');
  const blocked = stream.blockedTasks > 0 || stream.blockedTaskIds.length > 0;
  div.className = `stream${stream.completed ? ' completed' : ''}${blocked ? ' blocked' : ''}`;
  div.dataset.stream = stream.streamId;
  div.innerHTML = '<div class="stream-head"><span class="name"></span><span class="pct"></span></div>'
    + '<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100"><span></span></div>'
    + '<div class="detail"></div>';
  const pct = Math.max(0, Math.min(100, Number(stream.progressPercentage) || 0));
  div.querySelector('.name').textContent = stream.streamName || stream.streamId;
  div.querySelector('.pct').textContent = `${Math.round(pct)}%`;
  div.querySelector('.bar').setAttribute('aria-valuenow', String(Math.round(pct)));
  div.querySelector('.bar > span').style.width = `${pct}%`;
  const parts = [`${stream.completedTasks}/${stream.totalTasks} done`, `${stream.inProgressTasks} in progress`];
  if (blocked) {
    parts.push(`blocked: ${stream.blockedTaskIds.join(', ') || stream.blockedTasks}`);
  }
  if (stream.completed && stream.duration !== null) {
    parts.push(`completed in ${(stream.duration / 1000).toFixed(1)} s`);
  }
  div.querySelector('.detail').textContent = parts.join(' · ');
  return div;
}

function listInto(list, items, fields, emptyText) {
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = emptyText;
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement('li');
    const [who, kind, text] = fields(item);
    li.innerHTML = '<span class="who"></span><span class="pill"></span><span class="text muted"></span>';
    li.querySelector('.who').textContent = who;
    li.querySelector('.pill').textContent = kind;
    li.querySelector('.pill').classList.add(kind);
    li.querySelector('.text').textContent = text ?? '';
    return li;
  }));
}

function renderRates(now) {
  rates.advance(now);
  const cutoff = performance.now() - 1000;
  while (arrivals.length > 0 && arrivals[0] < cutoff) {
    arrivals.shift();
  }
  $('rate').textContent = `${arrivals.length} events/s`;
  const canvas = $('rates');
  const ctx = canvas.getContext('2d');
  const width = canvas.width;
  const height = canvas.height;
  ctx.clearRect(0, 0, width, height);
  const series = rates.series().slice(0, COLORS.length);
  const max = Math.max(1, ...series.flatMap(([, counts]) => counts));
  series.forEach(([, counts], i) => {
    ctx.strokeStyle = COLORS[i];
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    counts.forEach((n, x) => {
      const px = (x / (counts.length - 1)) * (width - 2) + 1;
      const py = height - 2 - (n / max) * (height - 6);
      if (x === 0) {
        ctx.moveTo(px, py);
      } else {
        ctx.lineTo(px, py);
      }
    });
    ctx.stroke();
  });
  $('rate-legend').replaceChildren(...series.map(([entity, counts], i) => {
    const li = document.createElement('li');
    li.innerHTML = `<i style="background:${COLORS[i]}"></i>`;
    li.append(`${entity} ${counts[counts.length - 1]}/s`);
    return li;
  }));
}

$('patterns-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const next = readPatterns();
  const url = new URL(window.location.href);
  url.searchParams.set('patterns', next.join(','));
  window.history.replaceState(null, '', url);
  patterns = next;
  notice(`Following ${patterns.join(', ')}`);
  connect(lastSeq);
});
$('auth-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = $('token').value.trim().replace(/^Bearer\s+/i, '');
  const error = $('auth-error');
  if (!TOKEN_CHARS.test(value)) {
    error.textContent = value ? 'A token has no spaces, quotes or commas: paste it exactly as it was given.'
      : 'Paste a token first.';
    error.hidden = false;
    return;
  }
  signIn(value);
});
$('signout').addEventListener('click', () => {
  // Forget the token, and everything it showed: a fresh page asks again.
  storeToken(null);
  window.location.reload();
});
$('filter').addEventListener('input', (e) => {
  filter = e.target.value.trim();
  rebuildEvents();
});
$('pause').addEventListener('click', (e) => {
  paused = !paused;
  e.target.setAttribute('aria-pressed', String(paused));
  e.target.textContent = paused ? 'Resume' : 'Pause';
  if (!paused) {
    rebuildEvents();
  }
  updateEventStats();
});
$('clear').addEventListener('click', () => {
  kept.length = 0;
  rebuildEvents();
});
setInterval(() => requestRender(), 1000);
showIdentity(null);
start();
