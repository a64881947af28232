// Every view fits its screen, with the names and titles a party really
// has: phones from 320 to 412 px wide, 40-character names, the longest
// titles in the catalog; the TV at 1280×720 and 1920×1080.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSong, launchBrowser, startBox } from './box.mjs';

let box;
let chromium;
before(async () => {
  box = await startBox(['--new-guest-vote-delay', '0']);
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await box?.stop();
});

const widths = [320, 360, 390, 412];
const phoneAt = (width) => ({ viewport: { width, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const hostName = 'Maximiliana Featherstonehaugh-Worthington';
const guestName = 'Bartholomew Alexander Quincy-Livingstone';

/** How far the page reaches past the screen's right edge (px; 0 fits),
 * and the elements that stick out. */
const overflow = (page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('body *')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > width + 1 && getComputedStyle(el).position !== 'fixed';
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
    return { past: document.documentElement.scrollWidth - width, out };
  });

test('the host and guest views fit phones from 320 to 412 px, with long names and titles', async () => {
  const host = await (await chromium.browser.newContext(phoneAt(390))).newPage();
  await host.goto(box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill(hostName);
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent({ timeout: 10_000 })).trim();
  const guest = await (await chromium.browser.newContext(phoneAt(390))).newPage();
  await guest.goto(`${box.url}/r/${code}`);
  await guest.getByLabel('Your name').fill(guestName);
  await guest.getByRole('button', { name: 'Join the party' }).click();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
  await addSong(guest, 'give up the funk', 'Give Up the Funk \\(Tear the Roof off the Sucker\\)');
  await addSong(guest, 'sunflower spider', 'Sunflower \\(Spider-Man: Into the Spider-Verse\\)');
  await addSong(guest, 'fight for your right', '\\(You Gotta\\) Fight for Your Right \\(To Party!\\)');
  await guest.locator('[data-testid="queue-row"]').first().waitFor();
  await host.locator('[data-testid="queue-row"]').first().waitFor();

  for (const width of widths) {
    for (const [who, page] of [
      ['guest', guest],
      ['host', host],
    ]) {
      await page.setViewportSize({ width, height: 780 });
      await page.getByLabel('Search by artist or title').fill('gimme gimme');
      await page.locator('.result-row').first().waitFor();
      const { past, out } = await overflow(page);
      assert.equal(past, 0, `the ${who}'s room at ${width} px is ${past} px too wide: ${out.join(', ')}`);
      // The controls a guest needs are on the screen.
      for (const name of ['Leave', /^Vote down/, /^Vote to skip|^Skip$/]) {
        const control = page.getByRole('button', { name }).first();
        const box = await control.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= width, `${who} at ${width} px: ${name} off the screen`);
      }
    }
  }
  await host.context().close();
  await guest.context().close();
});

test('the TV shows its whole code and QR code whatever comes up next', async () => {
  const host = await (await chromium.browser.newContext(phoneAt(412))).newPage();
  await host.goto(box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill(hostName);
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent({ timeout: 10_000 })).trim();
  await addSong(host, 'give up the funk', 'Give Up the Funk \\(Tear the Roof off the Sucker\\)');
  await addSong(host, 'sunflower spider', 'Sunflower \\(Spider-Man: Into the Spider-Verse\\)');
  await addSong(host, 'i wanna dance with somebody', 'I Wanna Dance with Somebody \\(Who Loves Me\\)');
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    const tv = await (await chromium.browser.newContext({ viewport })).newPage();
    await tv.goto(`${box.url}/r/${code}/tv`);
    await tv.locator('.tv-list li').first().waitFor();
    const { past, out } = await overflow(tv);
    assert.equal(past, 0, `the TV at ${viewport.width} px is too wide: ${out.join(', ')}`);
    for (const selector of ['.tv-join .room-code', '.tv-join .qr']) {
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
