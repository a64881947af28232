// The whole party in real browsers against the real box: a host on a laptop
// and two guests on phones, in separate browser contexts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addSong,
  axeViolations,
  eventually,
  launchBrowser,
  laptop,
  phone,
  playOpener,
  queueTitles,
  screenshotDir,
  smallPhone,
  startBox,
  tv,
} from './box.mjs';

let box;
let chromium;
before(async () => {
  // Guests here vote right after joining; the delay has its own API tests.
  box = await startBox(['--new-guest-vote-delay', '0']);
  chromium = await launchBrowser();
  console.log(`screenshots: ${screenshotDir}`);
});
after(async () => {
  await chromium?.close();
  await box?.stop();
});

async function assertAccessible(page, view) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${view}: axe found serious or critical problems`);
}

async function joinAs(page, code, name) {
  await page.goto(`${box.url}/r/${code}`);
  await page.getByRole('heading', { name: /Join/ }).waitFor();
  await assertAccessible(page, 'join page');
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join the party' }).click();
  await page.getByRole('heading', { name: 'Add a song' }).waitFor();
}

test('a party: host, two guests, search, add, vote, advance, refresh', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const bea = await (await chromium.browser.newContext(phone)).newPage();
  const cy = await (await chromium.browser.newContext(smallPhone)).newPage();

  // The host starts a party from the start page.
  await host.goto(box.url);
  await assertAccessible(host, 'start page');
  await host.getByRole('textbox', { name: 'Your name' }).fill('Anto');
  await host.getByRole('button', { name: 'Start a party' }).click();
  const codeText = await host.locator('.room-code').textContent({ timeout: 10_000 });
  const code = codeText.trim();
  assert.match(code, /^[A-HJ-NP-Z2-9]{6}$/);
  assert.equal(new URL(host.url()).pathname, `/r/${code}`);
  await host.getByRole('img', { name: `QR code to join room ${code}` }).waitFor();

  // The idle room says what to do; the host's opener starts at once.
  await host.locator('.now-artist', { hasText: 'Add a song: it starts right away' }).waitFor();
  await playOpener(host);

  // Guests join through the join link, in two taps.
  await joinAs(bea, code, 'Bea');
  await joinAs(cy, code, 'Cy');

  // Search and add.
  await addSong(bea, 'bohemian', 'Bohemian Rhapsody');
  await addSong(bea, 'dancing que', 'Dancing Queen');
  await addSong(cy, 'superstition', 'Superstition');
  // Fair turns: Cy's first pick goes before Bea's second.
  assert.deepEqual(await queueTitles(cy), ['Bohemian Rhapsody', 'Superstition', 'Dancing Queen']);

  // Already-queued tracks say so; own additions are marked.
  await bea.getByLabel('Search by artist or title').fill('superstition');
  await bea.locator('.result-row', { hasText: 'Superstition' }).getByText('In the queue').waitFor();
  await eventually(async () => (await queueTitles(bea)).length === 3, { what: 'Bea sees three songs' });
  const beaRow = bea.locator('[data-testid="queue-row"]', { hasText: 'Bohemian Rhapsody' });
  await beaRow.getByText('Yours').waitFor();
  await bea.locator('[data-testid="queue-row"]', { hasText: 'Superstition' }).getByText('Added by Cy').waitFor();

  // Votes reorder the queue: the box answers the voter, and pushes it to the others.
  await cy.getByRole('button', { name: 'Vote up Superstition' }).click();
  await eventually(async () => (await queueTitles(cy))[0] === 'Superstition', { what: 'Cy sees the new order' });
  assert.equal(await cy.getByRole('button', { name: 'Vote up Superstition' }).getAttribute('aria-pressed'), 'true');
  await eventually(async () => (await queueTitles(bea))[0] === 'Superstition', { what: 'Bea sees the new order' });

  await assertAccessible(bea, 'guest room');
  await bea.screenshot({ path: join(screenshotDir, 'guest.png') });

  // A guest has no skip button (only the room's vote to skip, once
  // something plays).
  assert.equal(await bea.getByRole('button', { name: 'Skip', exact: true }).count(), 0);

  // The host advances: now playing changes for everyone.
  await host.getByRole('button', { name: 'Skip', exact: true }).click();
  await host.locator('.now-title', { hasText: 'Superstition' }).waitFor();
  await bea.locator('.now-title', { hasText: 'Superstition' }).waitFor({ timeout: 8000 });
  await cy.locator('.now-title', { hasText: 'Superstition' }).waitFor({ timeout: 8000 });
  // Search tells the song that plays from the ones that wait.
  await cy.getByLabel('Search by artist or title').fill('superstition');
  await cy.locator('.result-row', { hasText: 'Superstition' }).getByText('Playing now').waitFor();
  // One progress bar on the host's page: the player's.
  await host.getByRole('slider', { name: 'Seek' }).waitFor();
  assert.equal(await host.locator('.progress-track').count(), 0);
  await assertAccessible(host, 'host room');
  await host.screenshot({ path: join(screenshotDir, 'host.png') });

  // A refresh keeps everyone in the room.
  await bea.reload();
  await bea.getByRole('heading', { name: 'Add a song' }).waitFor();
  await bea.getByText(/you’re Bea/).waitFor();
  await bea.locator('.now-title', { hasText: 'Superstition' }).waitFor();
  await host.reload();
  await host.locator('.room-code', { hasText: code }).waitFor();

  // The TV view: now playing, what's next, how to join; no controls but
  // its lyrics switch.
  const screen = await (await chromium.browser.newContext(tv)).newPage();
  await screen.goto(`${box.url}/r/${code}/tv`);
  await screen.locator('.tv-title', { hasText: 'Superstition' }).waitFor();
  await screen.getByRole('img', { name: `QR code to join room ${code}` }).waitFor();
  assert.deepEqual(await screen.getByRole('button').allTextContents(), ['Lyrics'], 'the TV view has no controls but its lyrics switch');
  await eventually(async () => (await screen.locator('.tv-list li').count()) === 2, { what: 'two songs up next on TV' });
  await assertAccessible(screen, 'TV view');
  await screen.screenshot({ path: join(screenshotDir, 'tv.png') });

  // Party Wrapped: the night so far, and a card to share as an image. From
  // the host's page (the party's player) it opens beside it.
  const [wrapped] = await Promise.all([
    host.context().waitForEvent('page'),
    host.getByRole('link', { name: 'Wrapped' }).click(),
  ]);
  await wrapped.getByRole('heading', { name: 'Top tracks' }).waitFor();
  await wrapped.getByText('2 tracks played').waitFor();
  await wrapped.locator('.wrapped-bars li', { hasText: 'Superstition' }).waitFor();
  await wrapped.getByText(/Best taste: Cy/).waitFor();
  // The set list: every song that played, in order (Superstition plays).
  await wrapped.getByText('All 2 songs, in order').click();
  const setList = await wrapped.locator('.set-list li .track-title').allTextContents();
  assert.equal(setList.length, 2);
  assert.equal(setList[1], 'Superstition');
  await assertAccessible(wrapped, 'Wrapped');
  await wrapped.screenshot({ path: join(screenshotDir, 'wrapped.png'), fullPage: true });
  // ...and the night as files to take home: a playlist and a spreadsheet.
  for (const [name, ext, check] of [
    ['Playlist (M3U8)', 'm3u8', (text) => text.startsWith('#EXTM3U\n') && text.includes(` - ${setList[0]}\n`)],
    ['Playlist (XSPF)', 'xspf', (text) => text.includes('<title>Superstition</title>')],
    ['Spreadsheet (CSV)', 'csv', (text) => text.trim().split('\n').length === 3 && text.includes(',Superstition,')],
  ]) {
    const [file] = await Promise.all([wrapped.waitForEvent('download'), wrapped.getByRole('link', { name }).click()]);
    assert.equal(file.suggestedFilename(), `democratic-tunes-${code}.${ext}`);
    const text = readFileSync(await file.path(), 'utf8');
    assert.ok(check(text), `${ext}: ${text}`);
  }
  const [download] = await Promise.all([
    wrapped.waitForEvent('download'),
    wrapped.getByRole('button', { name: 'Save as image' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'party-wrapped.png');
  const png = readFileSync(await download.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.ok(png.length > 20_000, `${png.length} bytes`);
});

test('a refused vote rolls back with a message', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const guest = await (await chromium.browser.newContext(phone)).newPage();
  await host.goto(box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill('Host');
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent()).trim();
  // Cut the guest's live cable (the socket opens but never reaches the
  // box), so its screen still shows Imagine queued after the host plays it.
  await guest.routeWebSocket(/\/ws/, () => {});
  await playOpener(host);
  await joinAs(guest, code, 'Dee');
  await addSong(guest, 'imagine', 'Imagine');
  await host.getByRole('button', { name: 'Skip', exact: true }).click();
  await host.locator('.now-title', { hasText: 'Imagine' }).waitFor();

  // The box refuses the vote (the track is playing); the vote rolls back.
  const up = guest.getByRole('button', { name: 'Vote up Imagine' });
  await up.click();
  await guest.getByText(/has left the queue/).waitFor();
  assert.equal(await up.getAttribute('aria-pressed'), 'false');
  assert.equal(await guest.locator('.vote-count').first().textContent(), '0');
});

test('live: a vote reorders another phone within a second, with no polling', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const ana = await (await chromium.browser.newContext(phone)).newPage();
  const ben = await (await chromium.browser.newContext(smallPhone)).newPage();
  await host.goto(box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill('Host');
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent()).trim();
  await playOpener(host);
  await joinAs(ana, code, 'Ana');
  await joinAs(ben, code, 'Ben');
  await addSong(ana, 'africa', 'Africa');
  await addSong(ana, 'rosanna', 'Rosanna');
  await eventually(async () => (await queueTitles(ben)).join() === 'Africa,Rosanna', { what: 'Ben sees both songs' });
  await ben.getByText('3 people here').waitFor();

  // Watch Ben's layout: live updates must not shift it.
  await ben.evaluate(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
    }).observe({ type: 'layout-shift' });
  });

  // From here Ben's phone cannot poll: only the socket can move his screen.
  let polled = 0;
  await ben.route(/\/(tracks\/rooms\/[^/]+\/queue|rooms\/[^/]+\/now-playing)$/, (route) => {
    polled += 1;
    return route.abort();
  });
  const started = Date.now();
  await ana.getByRole('button', { name: 'Vote up Rosanna' }).click();
  await eventually(async () => (await queueTitles(ben))[0] === 'Rosanna', {
    timeout: 1000,
    interval: 20,
    what: "Ben's screen to reorder within 1 s",
  });
  console.log(`vote to Ben's screen: ${Date.now() - started} ms`);
  assert.equal(polled, 0, 'Ben never polled');
  const shift = await ben.evaluate(() => window.__shift);
  assert.ok(shift < 0.01, `the update shifted Ben's layout (CLS ${shift})`);

  // Presence goes down when a phone leaves.
  await ana.close();
  await ben.getByText('2 people here').waitFor({ timeout: 5000 });
});

test('offline shows a banner that clears by itself', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const context = await chromium.browser.newContext(phone);
  const guest = await context.newPage();
  await host.goto(box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill('Host');
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent()).trim();
  await joinAs(guest, code, 'Eve');

  await context.setOffline(true);
  await guest.getByRole('alert').filter({ hasText: /Can’t reach the box/ }).waitFor({ timeout: 8000 });
  await context.setOffline(false);
  await guest.getByRole('alert').waitFor({ state: 'detached', timeout: 8000 });
});

test('the guest page is light: first load under 150 KB compressed', async () => {
  const context = await chromium.browser.newContext(phone);
  const page = await context.newPage();
  let bytes = 0;
  const files = [];
  page.on('response', async (response) => {
    const length = Number((await response.headerValue('content-length')) ?? 0);
    const url = new URL(response.url());
    if (url.origin === box.url && !/^\/(tracks|rooms|votes|auth|box)/.test(url.pathname)) {
      bytes += length;
      files.push(`${url.pathname} ${length} B (${(await response.headerValue('content-encoding')) ?? 'identity'})`);
    }
  });
  await page.goto(`${box.url}/r/ABCDEF`, { waitUntil: 'networkidle' });
  console.log(`guest page first load: ${(bytes / 1024).toFixed(1)} KB compressed\n  ${files.join('\n  ')}`);
  assert.ok(bytes > 10_000, 'the app was served');
  assert.ok(bytes < 150 * 1024, `${bytes} bytes`);
});

/** Presses Tab until `target` has focus (at most 60 times: it may be back round the page). */
async function tabTo(page, target) {
  for (let i = 0; i < 60; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail('Tab never reached the control');
}

test('every control works from the keyboard', async () => {
  const page = await (await chromium.browser.newContext(laptop)).newPage();
  await page.goto(box.url);
  // Start a party with the keyboard alone: Tab to the name field, type, Enter.
  const name = page.getByRole('textbox', { name: 'Your name' });
  await tabTo(page, name);
  await page.keyboard.type('Keys');
  await page.keyboard.press('Enter');
  await page.locator('.room-code').waitFor();
  await playOpener(page);

  // Search, add, and vote, moving only with Tab.
  const search = page.getByLabel('Search by artist or title');
  await tabTo(page, search);
  await page.keyboard.type('take on me');
  const add = page.getByRole('button', { name: /^Add Take On Me by/ });
  await add.waitFor();
  await tabTo(page, add);
  await page.keyboard.press('Enter');
  const up = page.getByRole('button', { name: 'Vote up Take On Me' });
  await up.waitFor();
  await tabTo(page, up);
  // An up-vote pressed again changes nothing, so a press that landed while
  // the page was still taking in the new song (seen once in CI) is simply
  // repeated; the vote must then show.
  await eventually(
    async () => {
      if ((await up.getAttribute('aria-pressed')) === 'true') return true;
      await page.keyboard.press('Enter');
      await page.waitForTimeout(500);
      return (await up.getAttribute('aria-pressed')) === 'true';
    },
    { what: 'the vote by keyboard' },
  );
  // Focus is visible.
  const outline = await up.evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.notEqual(outline, 'none');
});

test('home screen: a manifest, and a service worker that keeps the app shell offline', async () => {
  const context = await chromium.browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(`${box.url}/`);
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await page.request.get(`${box.url}${manifestHref}`)).json();
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '/');
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512'));
  for (const icon of manifest.icons) {
    assert.equal((await page.request.get(`${box.url}${icon.src}`)).status(), 200, icon.src);
  }

  // The worker takes over (127.0.0.1 is a secure context, as HTTPS is).
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await eventually(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
    what: 'the service worker to control the page',
  });

  // Offline, a room link still opens the app at once...
  await context.setOffline(true);
  await page.goto(`${box.url}/r/ABCDEF`);
  await page.getByRole('heading', { name: /Join/ }).waitFor();
  // ...and what it shows about the room comes from nowhere stale: the API
  // was never cached.
  const cached = await page.evaluate(async () => {
    const urls = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  assert.ok(cached.includes('/'), cached.join());
  assert.ok(
    cached.every((path) => !/^\/(rooms|tracks|votes|auth|box)/.test(path)),
    `API answers were cached: ${cached.join()}`,
  );
  await context.setOffline(false);
});
