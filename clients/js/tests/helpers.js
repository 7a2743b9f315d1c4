// Shared by the tests: a real gateway process, condition waits, a scripted in-process WebSocket.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');

/**
 * Runs an ES module `script` in a child Node with its built-in WebSocket (`--experimental-websocket`), from this
 * folder, and answers the one JSON line it prints; fails with its stderr when it exits non-zero, and kills it after
 * `timeoutMs`.
 * @param {string} script the module's source
 * @param {string[]} args its `process.argv` from index 1
 * @returns {Promise<any>} the parsed output
 */
export async function runWithBuiltinWebSocket(script, args, timeoutMs) {
  const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', '--input-type=module', '-e', script,
    ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: here });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: ${out}${err}`)); }, timeoutMs);
    child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  if (code !== 0) throw new Error(`the script exited with ${code}: ${err}`);
  return JSON.parse(out);
}

/**
 * Waits until `condition()` is truthy, checking every 5 ms; fails with `what` after `timeoutMs`.
 * @returns {Promise<any>} the truthy value
 */
export async function waitFor(condition, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The next value a client emits under `name` that satisfies `predicate`, within `timeoutMs`. */
export function nextEmitted(client, name, predicate = () => true, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no '${name}' within ${timeoutMs} ms`)); }, timeoutMs);
    const off = client.on(name, (value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

export function tempDir(prefix = 'eg-js-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Starts the gateway (scripts/gateway, or $EVENT_GATEWAY_CMD) and waits for its ready line.
 * @param {{port?: number, db: string, args?: string[], timeoutMs?: number}} options
 * @returns {Promise<{port: number, wsUrl: string, httpUrl: string, proc: import('node:child_process').ChildProcess,
 *   output: () => string, kill: (signal?: string) => Promise<void>}>}
 */
export async function startGateway({ port = 0, db, args = [], timeoutMs = 120000 }) {
  const cmd = process.env.EVENT_GATEWAY_CMD || join(repoRoot, 'scripts', 'gateway');
  const argv = [`--server.port=${port}`, `--store.url=r2dbc:sqlite:${db}`, ...args];
  const proc = spawn(cmd, argv, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); };
  process.once('exit', stop);
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`the gateway did not print its ready line within ${timeoutMs} ms:\n${stdout}\n${stderr}`)); }, timeoutMs);
    proc.stdout.on('data', (chunk) => {
      stdout += chunk;
      const m = /Event Gateway ready on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.stderr.on('data', (chunk) => { stderr += chunk; });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${code ?? signal}) before it was ready:\n${stdout}\n${stderr}`));
    });
  });
  return {
    port: ready,
    wsUrl: `ws://127.0.0.1:${ready}/ws`,
    httpUrl: `http://127.0.0.1:${ready}`,
    proc,
    output: () => stdout + stderr,
    async kill(signal = 'SIGTERM') {
      process.removeListener('exit', stop);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** Publishes over REST; answers the parsed body. */
export async function restPublish(httpUrl, body) {
  const res = await fetch(`${httpUrl}/api/events`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 202) throw new Error(`POST /api/events answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * An in-process WebSocket whose "server" side the test drives frame by frame.
 * `FakeServer.WebSocket` is the class to inject; `sockets` are the client's sockets in creation order.
 */
export class FakeServer {
  constructor() {
    /** @type {any[]} */
    this.sockets = [];
    const server = this;
    this.WebSocket = class FakeWebSocket {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        this.sent = [];
        this.closedByClient = null;
        server.sockets.push(this);
      }

      send(text) {
        if (this.readyState !== 1) throw new Error('not open');
        this.sent.push(JSON.parse(text));
      }

      close(code, reason) {
        if (this.readyState >= 2) return;
        this.readyState = 3;
        this.closedByClient = { code, reason };
        queueMicrotask(() => this.onclose?.({ code: 1000, reason }));
      }
    };
  }

  get last() {
    return this.sockets[this.sockets.length - 1];
  }

  /** Opens the newest socket and sends `connected`. */
  accept(headSeq = 0, socket = this.last, extra = {}) {
    socket.readyState = 1;
    socket.onopen?.({});
    this.frame(socket, { type: 'connected', payload: { connectionId: `c-${this.sockets.length}`, headSeq, heartbeatIntervalMs: 30000, ...extra } });
  }

  frame(socket, message) {
    socket.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify({ timestamp: '2026-01-01T00:00:00.000Z', ...message }) });
  }

  event(socket, seq, topic = 'task:T-1', eventType = 'task.x', data = {}) {
    this.frame(socket, { type: 'event', payload: { seq, topic, eventType, data } });
  }

  /** The server closes the socket. */
  drop(socket = this.last, code = 1006, reason = '') {
    socket.readyState = 3;
    socket.onclose?.({ code, reason });
  }

  /** The requests of `type` the socket received so far. */
  sent(socket, type) {
    return socket.sent.filter((m) => m.type === type);
  }
}
