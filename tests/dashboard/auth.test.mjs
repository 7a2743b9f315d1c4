// The dashboard in real headless Chromium against a gateway with auth.mode=jwt (PROTOCOL.md section 11): it asks
// for a token, keeps it in sessionStorage, goes live with it, shows events published over REST (with a token), asks
// again with the gateway's reason when a token is refused, forgets it on sign out, and works with what a token
// without the admin grant may read. The only console errors allowed are the browser's own lines for the 401 (and,
// for the non-admin token, the 403 of /api/status) answers the page expects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startGateway } from './gateway.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = path.join(here, 'screenshots');
mkdirSync(shots, { recursive: true });

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SECRET = 'dashboard-test-secret-of-at-least-32-bytes';

let browser;
let gateway;
let dir;

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT for `sub` with the gateway's grant claims. */
function jwt(sub, { subscribe = ['*'], publish = [], admin = false, ttlS = 600, secret = SECRET } = {}) {
  const body = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, exp: Math.floor(Date.now() / 1000) + ttlS,
    subscribe, publish, admin })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

before(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS });
  dir = mkdtempSync(path.join(tmpdir(), 'dashboard-auth-test-'));
  gateway = await startGateway({ port: await freePort(), db: path.join(dir, 'gateway.db'),
    flags: ['--auth.mode=jwt', `--auth.jwt.secret=${SECRET}`] });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The console lines Chromium writes for answers the page expects: a 401 of a REST call ("Failed to load resource")
 * or of the upgrade ("WebSocket connection to ... failed"), and, when `forbidden`, the 403 of /api/status.
 */
function expected(text, { forbidden = false } = {}) {
  return /^Failed to load resource: the server responded with a status of 401 \(Unauthorized\)$/.test(text)
    // Chromium's words for an upgrade answered 401 with WWW-Authenticate: Bearer.
    || /^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed: HTTP Authentication failed; no valid credentials available$/.test(text)
    || (forbidden && /^Failed to load resource: the server responded with a status of 403 \(Forbidden\)$/.test(text));
}

/** Opens the dashboard in a fresh context (its own sessionStorage) and collects console and page errors. */
async function open() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push({ text: message.text(), url: message.location()?.url ?? '' });
    }
  });
  page.on('pageerror', (error) => errors.push({ text: String(error), url: '' }));
  await page.goto(gateway.url + '/');
  return { page, errors, context };
}

async function publish(body, token) {
  const response = await fetch(gateway.url + '/api/events', { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const json = await response.json();
  assert.equal(response.status, 202, JSON.stringify(json));
  return json;
}

async function signIn(page, token) {
  await page.fill('#token', token);
  await page.click('#auth-form button[type="submit"]');
}

describe('the dashboard with auth.mode=jwt', () => {
  test('asks for a token; a valid one goes live and shows REST events; a wrong one asks again with the error',
    async () => {
      const { page, errors, context } = await open();
      try {
        await page.waitForSelector('#auth:not([hidden])', { timeout: 10_000 });
        assert.match(await page.textContent('#auth'), /This gateway requires a token/);
        assert.equal(await page.isHidden('#board'), true, 'the board gives way to the prompt');
        assert.equal(await page.isHidden('#auth-error'), true, 'no error before a token was tried');
        assert.equal(await page.textContent('#state'), 'token needed');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'token');
        await page.screenshot({ path: path.join(shots, 'token-prompt.png') });

        // A wrong token (another secret): the prompt again, with the gateway's reason, and nothing stored.
        await signIn(page, jwt('alice', { secret: 'not-the-gateway-secret-but-32-bytes!!' }));
        await page.waitForSelector('#auth-error:not([hidden])', { timeout: 10_000 });
        assert.match(await page.textContent('#auth-error'), /^The gateway refused this token: .*signature/i);
        assert.equal(await page.isVisible('#auth'), true);
        assert.equal(await page.evaluate(() => sessionStorage.getItem('event-gateway.token')), null);

        // Something that is not a token at all is refused by the form itself.
        await signIn(page, 'two words');
        assert.match(await page.textContent('#auth-error'), /no spaces, quotes or commas/);

        const token = jwt('alice', { subscribe: ['*'], admin: true });
        await signIn(page, token);
        await page.waitForSelector('#state[data-state="live"]', { timeout: 10_000 });
        assert.equal(await page.isHidden('#auth'), true);
        assert.equal(await page.evaluate(() => sessionStorage.getItem('event-gateway.token')), token);
        assert.equal(await page.evaluate(() => localStorage.length), 0, 'never in localStorage');
        await page.waitForFunction(() => /^alice \(admin\)/.test(document.querySelector('#subject').textContent));
        await page.waitForFunction(() => /connection/.test(document.querySelector('#gateway-status').textContent));

        const started = Date.now();
        const { seq } = await publish({ topic: 'bot:BOT-1', eventType: 'bot.hello', data: { greeting: 'hi' } },
          jwt('publisher', { subscribe: [], publish: ['bot:*'] }));
        await page.waitForSelector(`#events tr[data-seq="${seq}"]`, { timeout: 2000 });
        assert.ok(Date.now() - started < 2000);
        const cells = await page.$$eval(`#events tr[data-seq="${seq}"] td`, (tds) => tds.map((td) => td.textContent));
        assert.deepEqual(cells.slice(2), ['bot:BOT-1', 'bot.hello', '{"greeting":"hi"}']);

        // A reload keeps the token (same tab), and goes live without asking.
        await page.reload();
        await page.waitForSelector('#state[data-state="live"]', { timeout: 10_000 });
        assert.equal(await page.isHidden('#auth'), true);

        // Sign out forgets it: the prompt comes back, without an error.
        await page.click('#signout');
        await page.waitForSelector('#auth:not([hidden])', { timeout: 10_000 });
        assert.equal(await page.isHidden('#auth-error'), true);
        assert.equal(await page.evaluate(() => sessionStorage.getItem('event-gateway.token')), null);

        const unexpected = errors.filter((e) => !expected(e.text));
        assert.deepEqual(unexpected, []);
        assert.ok(errors.length > 0, 'the 401s were seen (so the filter above was exercised)');
      } finally {
        await context.close();
      }
    });

  test('a token that expires while the page watches (close 4003) brings the prompt back, with the reason', async () => {
    const { page, errors, context } = await open();
    try {
      await page.waitForSelector('#auth:not([hidden])', { timeout: 10_000 });
      await signIn(page, jwt('alice', { ttlS: 3, admin: true }));
      await page.waitForSelector('#state[data-state="live"]', { timeout: 10_000 });
      await page.waitForSelector('#auth:not([hidden])', { timeout: 10_000 });
      assert.match(await page.textContent('#auth-error'), /expired or was revoked/);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('event-gateway.token')), null);
      assert.deepEqual(errors.filter((e) => !expected(e.text)), []);
    } finally {
      await context.close();
    }
  });

  test('in the browser, the client tells a 401 upgrade (no status on a WebSocket) by asking REST', async () => {
    const { page, errors, context } = await open();
    try {
      const result = await page.evaluate(async (badToken) => {
        const { GatewayClient } = await import('/dashboard/event-gateway.js');
        const out = {};
        for (const [name, token] of [['none', undefined], ['bad', badToken]]) {
          const client = new GatewayClient(window.location.origin, { token, backoff: { initialMs: 20, maxMs: 50 } });
          const seen = [];
          client.on('error', (e) => seen.push(e.code));
          try {
            await client.connect();
            out[name] = { state: client.state };
          } catch (e) {
            out[name] = { code: e.code, credentials: e.details.credentials, state: client.state, errors: seen };
          }
        }
        return out;
      }, jwt('alice', { secret: 'not-the-gateway-secret-but-32-bytes!!' }));
      assert.equal(result.none.code, 'UNAUTHORIZED');
      assert.equal(result.none.credentials, 'missing');
      assert.equal(result.none.state, 'closed');
      assert.equal(result.bad.code, 'UNAUTHORIZED');
      assert.equal(result.bad.credentials, 'invalid');
      // What the WebSocket said (CONNECTION_FAILED), then the verdict; retries in between are bounded by the probe.
      assert.equal(result.bad.errors.at(-1), 'UNAUTHORIZED');
      assert.ok(result.bad.errors.length <= 4, JSON.stringify(result.bad.errors));
      assert.deepEqual(errors.filter((e) => !expected(e.text)), []);
    } finally {
      await context.close();
    }
  });

  test('a token without the admin grant and with narrow patterns: the page works with what it may read, and says so',
    async () => {
      const { page, errors, context } = await open();
      try {
        await page.waitForSelector('#auth:not([hidden])', { timeout: 10_000 });
        await signIn(page, jwt('viewer', { subscribe: ['bot:*'] }));
        await page.waitForSelector('#state[data-state="live"]', { timeout: 10_000 });
        await page.waitForFunction(() => /admin only/.test(document.querySelector('#gateway-status').textContent));
        const access = await page.textContent('#access');
        assert.match(access, /may not read tasks, streams, checkpoints, the gateway status \(admin only\)|may not read/);
        for (const what of ['tasks', 'streams', 'checkpoints', 'gateway status']) {
          assert.ok(access.includes(what), `${what} in '${access}'`);
        }
        assert.match(access, /Following what it may subscribe to: bot:\*/);
        assert.equal(await page.inputValue('#patterns'), 'bot:*');
        assert.equal(await page.isHidden('#notice'), true, 'no alarm, only the quiet line');

        const admin = jwt('publisher', { subscribe: [], publish: ['*'] });
        const hidden = await publish({ topic: 'task:T-1', eventType: 'secret', data: {} }, admin);
        const shown = await publish({ topic: 'bot:B-1', eventType: 'visible', data: {} }, admin);
        await page.waitForSelector(`#events tr[data-seq="${shown.seq}"]`, { timeout: 2000 });
        assert.equal(await page.$(`#events tr[data-seq="${hidden.seq}"]`), null);

        assert.deepEqual(errors.filter((e) => !expected(e.text, { forbidden: true })), []);
        const forbidden = errors.filter((e) => /403/.test(e.text));
        assert.ok(forbidden.every((e) => /\/api\/(status|tasks|streams|checkpoints)/.test(e.url)), JSON.stringify(forbidden));
      } finally {
        await context.close();
      }
    });
});
