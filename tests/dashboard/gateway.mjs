// Starts and stops a real gateway for the dashboard tests: scripts/gateway (which builds what is missing) on a
// chosen port with its own SQLite file, ready when it prints its ready line.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the gateway and waits for its ready line.
 *
 * @param {{port: number, db: string, flags?: string[], timeoutMs?: number}} options
 * @returns {Promise<{url: string, stop: (signal?: string) => Promise<void>, output: () => string}>}
 */
export function startGateway({ port, db, flags = [], timeoutMs = 120_000 }) {
  const child = spawn(path.join(root, 'scripts/gateway'),
    [`--server.port=${port}`, `--store.url=r2dbc:sqlite:${db}`, ...flags],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the gateway did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const ready = /Event Gateway ready on (http:\/\/\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({
          url: ready[1],
          output: () => output,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill(signal);
            }
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk.toString(); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** Sends JSON with a method and returns the parsed answer; throws on a non-2xx status. */
async function send(method, url, body) {
  const response = await fetch(url, { method, headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

/** POSTs JSON and returns the parsed answer. */
export const post = (url, body) => send('POST', url, body);

/** PATCHes JSON and returns the parsed answer. */
export const patch = (url, body) => send('PATCH', url, body);
