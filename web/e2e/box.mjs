// Starts the real box (the binary cargo built) on 127.0.0.1 with a fresh
// SQLite file, and a headless Debian Chromium to drive it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
// The README's screenshots change only when asked (UPDATE_SCREENSHOTS=1), so a
// test run leaves the tree clean; otherwise they go to a scratch folder, to look at.
export const screenshotDir =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs', 'screenshots') : join(tmpdir(), 'dt-screenshots');
mkdirSync(screenshotDir, { recursive: true });

/** A box (started with `args`, or with what `args()` answers once the
 * file's earlier `before` hooks have run) and a browser for one test file:
 * both started before its tests and stopped after them. */
export function boxAndBrowser(args = [], browserArgs = []) {
  const party = { box: null, chromium: null };
  before(async () => {
    party.box = await startBox(typeof args === 'function' ? args() : args);
    party.chromium = await launchBrowser(browserArgs);
  });
  after(async () => {
    await party.chromium?.close();
    await party.box?.stop();
  });
  return party;
}

/** Starts the real binary on a fresh database; `args` are extra flags.
 * `restart`: a box stopped with `keep` (the same database, on the same
 * address, as after a power cut and a reboot). */
export async function startBox(args = [], restart = null) {
  const bin = process.env.DT_BIN ?? join(root, 'target', 'debug', 'democratic-tunes');
  if (!existsSync(bin)) throw new Error(`no box binary at ${bin}: run cargo build first`);
  const dir = restart?.dir ?? mkdtempSync(join(tmpdir(), 'dt-e2e-'));
  const bind = restart ? new URL(restart.url).host : '127.0.0.1:0';
  const child = spawn(bin, ['--bind', bind, '--db', join(dir, 'party.db'), ...args], {
    env: { ...process.env, DT_NO_MDNS: '1', RUST_LOG: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise((resolveUrl, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the box did not start:\n${seen}`)), 20_000);
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const match = /open (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the box exited (${code}):\n${seen}`)));
  });
  return {
    url,
    dir,
    /** `keep`: leave the database for a restart. */
    async stop({ keep = false } = {}) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How every test runs Debian's Chromium: headless, quiet on the network. */
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Playwright gives every launch a fresh, temporary profile (user data dir).
 * `extraArgs`: more Chromium flags (the player's test lets pages play sound
 * without a click, as a host's click would). */
export async function launchBrowser(extraArgs = []) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [...extraArgs, ...chromiumFlags],
  });
  // Every page records what the Content-Security-Policy blocked, so the
  // accessibility check can fail on it too.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`),
      );
    });
    return context;
  };
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const smallPhone = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const laptop = { viewport: { width: 1280, height: 800 } };
export const tv = { viewport: { width: 1920, height: 1080 } };

const axeSource = readFileSync(join(root, 'web', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Serious and critical axe-core violations on the page, and anything its
 * Content-Security-Policy blocked, as readable lines. */
export async function axeViolations(page) {
  // Evaluated by the test, not a script tag: the page's policy rightly
  // refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const csp = await page.evaluate(() => window.__cspViolations ?? []);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    .concat(csp.map((line) => `content security policy: ${line}`));
}

/** Polls `check` until it returns truthy or the time is up. */
export async function eventually(check, { timeout = 8000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The titles of the queue's rows, top first, as `page` shows them. */
export const queueTitles = (page) => page.locator('[data-testid="queue-row"] .track-title').allTextContents();

/** Adds the first search hit titled `title` from `page`, and waits for the
 * box's word: queued, or (the room being quiet) playing at once. */
export async function addSong(page, query, title) {
  await page.getByLabel('Search by artist or title').fill(query);
  await page.getByRole('button', { name: new RegExp(`^Add ${title} by`) }).click();
  await page.getByText(new RegExp(`^(Added “${title}” to the queue\\.|“${title}” is playing now\\.)$`)).waitFor();
}

/** The host starts a party from the start page; answers its code. */
export async function startParty(page, url, name = 'Anto') {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  await page.getByRole('button', { name: 'Start a party' }).click();
  return (await page.locator('.room-code').textContent({ timeout: 10_000 })).trim();
}

/** A guest joins a party by its link, with their name. */
export async function joinAs(page, url, code, name) {
  await page.goto(`${url}/r/${code}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join the party' }).click();
  await page.getByRole('heading', { name: 'Add a song' }).waitFor();
}

/** The host puts on an opener (Kraftwerk's 22-minute "Autobahn", from the
 * built-in catalog): a quiet room starts it at once, so the songs guests
 * add next wait in the queue. */
export async function playOpener(host) {
  await addSong(host, 'autobahn', 'Autobahn');
  await host.locator('.now-title', { hasText: 'Autobahn' }).waitFor();
}

const jsQrSource = readFileSync(join(root, 'web', 'node_modules', 'jsqr', 'dist', 'jsQR.js'), 'utf8');

/** What one of the page's QR codes says (the first by default), decoded
 * from its drawing (jsQR): the SVG's modules painted onto a canvas, as a
 * camera would see them. */
export async function qrText(page, index = 0) {
  if (!(await page.evaluate(() => 'jsQR' in window))) await page.evaluate(jsQrSource);
  return page.evaluate((index) => {
    const svg = document.querySelectorAll('svg.qr')[index];
    const size = Number(svg.getAttribute('viewBox').split(' ')[2]);
    const scale = 8;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size * scale;
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = '#000';
    // One dark module per `M{x},{y}h1v1h-1z`.
    for (const [, x, y] of svg.querySelector('path').getAttribute('d').matchAll(/M(\d+),(\d+)/g)) {
      g.fillRect(Number(x) * scale, Number(y) * scale, scale, scale);
    }
    const image = g.getImageData(0, 0, canvas.width, canvas.height);
    return window.jsQR(image.data, image.width, image.height)?.data ?? null;
  }, index);
}
