// Every view fits its screen, with what a party really has: phones from
// 320 to 412 px wide (and turned sideways), 40-character names, the
// catalog's longest titles, a 500-song queue, text at 200 %; TVs from
// 1280×720 to 3840×2160. Nothing reaches past the right edge: not the
// document, not one button, link or line of text. Screenshots at 360 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addSong, boxAndBrowser, screenshotDir } from './box.mjs';

const party = boxAndBrowser(['--new-guest-vote-delay', '0']);

const phones = [
  { width: 320, height: 640 },
  { width: 360, height: 780 },
  { width: 390, height: 844 },
  { width: 412, height: 915 },
  // Turned sideways.
  { width: 740, height: 360 },
  { width: 915, height: 412 },
];
const phoneAt = (viewport) => ({ viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const hostName = 'Maximiliana Featherstonehaugh-Worthington';
const guestName = 'Bartholomew Alexander Quincy-Livingstone';
const cohostName = 'Wilhelmina Constance Abernathy-Fairbanks';

/** What reaches past the screen's right edge: how far the document does
 * (0 fits), and every button, link and piece of text that does. */
const overflow = (page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return (
        r.width > 1 &&
        r.height > 1 &&
        el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true }) &&
        style.position !== 'fixed'
      );
    };
    const leaves = [...document.querySelectorAll('body *')].filter(
      (el) =>
        el.matches('button, a, input, select, [role="button"]') ||
        [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim()),
    );
    // Text is measured as laid out (a word can overflow its box), up to
    // the box that clips it (a title that ends in "…").
    const clipRight = (el) => {
      for (let a = el; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return a.getBoundingClientRect().right;
      }
      return Infinity;
    };
    const textRight = (el) => {
      let right = el.getBoundingClientRect().right;
      for (const n of el.childNodes) {
        if (n.nodeType !== Node.TEXT_NODE || !n.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        right = Math.max(right, Math.min(range.getBoundingClientRect().right, clipRight(el)));
      }
      return right;
    };
    const out = leaves
      .filter((el) => visible(el))
      .filter((el) => textRight(el) > width + 1 || el.getBoundingClientRect().left < -1)
      .slice(0, 6)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" (${Math.round(el.getBoundingClientRect().right)} px)`);
    if (document.documentElement.scrollWidth > width && out.length === 0) {
      // Nothing visible sticks out: name the widest boxes, to say what does.
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 1 && out.length < 6) out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class')} (${Math.round(r.right)} px)`);
      }
    }
    return { past: document.documentElement.scrollWidth - width, out };
  });

async function assertFits(page, what) {
  const { past, out } = await overflow(page);
  assert.equal(past, 0, `${what} is ${past} px too wide: ${out.join(', ')}`);
  assert.deepEqual(out, [], `${what}: past the edge`);
}

/** The box's API as a phone of its own (for the long queue). */
async function api(path, { method = 'GET', user, body } = {}) {
  const res = await fetch(`${party.box.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(user ? { 'x-user-id': user } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.status === 204 ? null : res.json();
}

/** Fills the room's queue to about 500 songs: fifty guests, ten each (a
 * phone's burst of adds). */
async function longQueue(code, hostId) {
  await api(`/rooms/${code}/settings`, { method: 'PATCH', user: hostId, body: { max_queued_per_guest: 10 } });
  const ids = new Set();
  for (const q of ['a', 'e', 'i', 'o', 'u', 'the', 'love', 's', 'm', 'b', 'c', 'd', 'n', 'r', 't', 'y', 'l', 'g', 'p', 'h', 'w', 'f', 'k', 'j']) {
    for (const hit of await api(`/tracks/search?artist_or_title=${q}`, { user: hostId })) ids.add(hit.id);
    if (ids.size >= 560) break;
  }
  const tracks = [...ids];
  for (let g = 0; g < 50; g++) {
    const { user_id } = await api('/auth/guest', { method: 'POST', body: { display_name: `Guest ${g} ${'x'.repeat(30)}` } });
    await api('/rooms/join', { method: 'POST', user: user_id, body: { code } });
    for (const track_id of tracks.slice(g * 10, g * 10 + 10)) {
      const res = await fetch(`${party.box.url}/tracks/rooms/${code}/tracks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': user_id },
        body: JSON.stringify({ track_id }),
      });
      // Another version of a queued song: next.
      if (res.status === 409) continue;
      assert.ok(res.ok, `add: ${res.status}`);
    }
  }
  const queue = await api(`/tracks/rooms/${code}/queue`, { user: hostId });
  assert.ok(queue.length >= 450, `only ${queue.length} songs queued`);
  return queue.length;
}

test('every view fits phones from 320 to 412 px, upright and sideways, with long names, titles and queues', async () => {
  const host = await (await party.chromium.browser.newContext(phoneAt(phones[1]))).newPage();
  await host.goto(party.box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill(hostName);
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent({ timeout: 10_000 })).trim();
  const hostId = await host.evaluate(() => localStorage.getItem('dt.uid'));

  const guest = await (await party.chromium.browser.newContext(phoneAt(phones[1]))).newPage();
  await guest.goto(`${party.box.url}/r/${code}`);
  await guest.getByLabel('Your name').fill(guestName);
  await guest.getByRole('button', { name: 'Join the party' }).click();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
  await addSong(guest, 'give up the funk', 'Give Up the Funk \\(Tear the Roof off the Sucker\\)');
  await addSong(guest, 'sunflower spider', 'Sunflower \\(Spider-Man: Into the Spider-Verse\\)');
  await addSong(guest, 'fight for your right', '\\(You Gotta\\) Fight for Your Right \\(To Party!\\)');

  const cohost = await (await party.chromium.browser.newContext(phoneAt(phones[1]))).newPage();
  await cohost.goto(`${party.box.url}/r/${code}`);
  await cohost.getByLabel('Your name').fill(cohostName);
  await cohost.getByRole('button', { name: 'Join the party' }).click();
  await cohost.getByRole('heading', { name: 'Add a song' }).waitFor();
  const members = await api(`/rooms/${code}/members`, { user: hostId });
  const cohostMember = members.find((m) => m.display_name === cohostName).member_id;
  await api(`/rooms/${code}/members/${cohostMember}/role`, { method: 'PUT', user: hostId, body: { role: 'cohost' } });
  await cohost.getByRole('heading', { name: 'People' }).waitFor();

  const queued = await longQueue(code, hostId);
  for (const page of [guest, host, cohost]) {
    await page.getByText(`${queued} songs`).waitFor({ timeout: 15_000 });
  }

  // A newcomer at the door of a party with a PIN; the start page with the
  // way back to a long-named party; the night's Wrapped.
  await api(`/rooms/${code}/settings`, { method: 'PATCH', user: hostId, body: { join_pin: '2468' } });
  const door = await (await party.chromium.browser.newContext(phoneAt(phones[1]))).newPage();
  await door.goto(`${party.box.url}/r/${code}`);
  await door.getByLabel('Party PIN (ask the host)').waitFor();
  const start = await (await party.chromium.browser.newContext(phoneAt(phones[1]))).newPage();
  await start.goto(party.box.url);
  await start.evaluate((c) => localStorage.setItem('dt.room', c), code);
  await start.reload();
  await start.getByRole('link', { name: /^Back to / }).waitFor();
  const wrapped = await guest.context().newPage();
  await wrapped.goto(`${party.box.url}/r/${code}/wrapped`);
  await wrapped.getByRole('heading', { name: 'Top tracks' }).waitFor();

  const rooms = [
    ['guest', guest],
    ['co-host', cohost],
    ['host', host],
  ];
  for (const viewport of phones) {
    for (const [who, page] of rooms) {
      await page.setViewportSize(viewport);
      await page.getByLabel('Search by artist or title').fill('gimme gimme');
      await page.locator('.result-row').first().waitFor();
      await assertFits(page, `the ${who}'s room at ${viewport.width}×${viewport.height}`);
      // The controls a guest needs are on the screen.
      for (const name of ['Leave', /^Vote down/, /^Vote to skip|^Skip$/]) {
        const control = page.getByRole('button', { name }).first();
        const at = await control.boundingBox();
        assert.ok(at && at.x >= 0 && at.x + at.width <= viewport.width, `${who} at ${viewport.width} px: ${name} off the screen`);
      }
      // The 500 songs (and fifty people) scroll inside their panels: the
      // page itself stays a few screens tall.
      const tall = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(tall < 4500, `the ${who}'s room at ${viewport.width} px is ${tall} px tall`);
      if (viewport.width === 360) await page.screenshot({ path: join(screenshotDir, `phone-${who.replace('-', '')}.png`), fullPage: true });
    }
    for (const [what, page, shot] of [
      ['the start page', start, 'start'],
      ['the door', door, 'door'],
      ['Wrapped', wrapped, 'wrapped'],
    ]) {
      await page.setViewportSize(viewport);
      await assertFits(page, `${what} at ${viewport.width}×${viewport.height}`);
      if (viewport.width === 360) await page.screenshot({ path: join(screenshotDir, `phone-${shot}.png`), fullPage: true });
    }
  }

  // Text at 200 % (the phone's larger text setting): still fits.
  for (const [who, page] of [...rooms, ['door', door], ['start', start]]) {
    await page.setViewportSize(phones[0]);
    await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
    await assertFits(page, `the ${who} view at 320 px with 200 % text`);
    await page.evaluate(() => (document.documentElement.style.fontSize = ''));
  }
  for (const page of [host, guest, cohost, door, start]) await page.context().close();
});

test('the TV keeps its whole code, QR code and address from 1280×720 to 3840×2160', async () => {
  const host = await (await party.chromium.browser.newContext(phoneAt(phones[3]))).newPage();
  await host.goto(party.box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill(hostName);
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent({ timeout: 10_000 })).trim();
  await addSong(host, 'give up the funk', 'Give Up the Funk \\(Tear the Roof off the Sucker\\)');
  await addSong(host, 'sunflower spider', 'Sunflower \\(Spider-Man: Into the Spider-Verse\\)');
  await addSong(host, 'i wanna dance with somebody', 'I Wanna Dance with Somebody \\(Who Loves Me\\)');
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1366, height: 768 },
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ]) {
    const tv = await (await party.chromium.browser.newContext({ viewport })).newPage();
    await tv.goto(`${party.box.url}/r/${code}/tv`);
    await tv.locator('.tv-list li').first().waitFor();
    await assertFits(tv, `the TV at ${viewport.width}×${viewport.height}`);
    for (const selector of ['.tv-join .room-code', '.tv-join .qr', '.tv-address']) {
      const fits = await tv.locator(selector).evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.left >= 0 && r.right <= innerWidth && r.bottom <= innerHeight && el.scrollWidth <= el.clientWidth + 1;
      });
      assert.ok(fits, `${selector} is cut at ${viewport.width}×${viewport.height}`);
    }
    await tv.context().close();
  }
  await host.context().close();
});

test('search pages through a big catalog: 50 at a time, "More results" for the next', async () => {
  const page = await (await party.chromium.browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true })).newPage();
  await page.goto(party.box.url);
  await page.getByRole('textbox', { name: 'Your name' }).fill('Pager');
  await page.getByRole('button', { name: 'Start a party' }).click();
  await page.getByLabel('Search by artist or title').fill('the');
  const rows = page.locator('.results .result-row');
  await page.getByRole('button', { name: 'More results' }).waitFor();
  assert.equal(await rows.count(), 50);
  await page.getByRole('button', { name: 'More results' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.results .result-row').length === 100);
  const titles = await rows.locator('.track-title').allTextContents();
  const ids = await rows.getByRole('button', { name: /^Add / }).evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
  assert.equal(new Set(ids).size, ids.length, 'no song twice');
  assert.equal(titles.length, 100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
});
