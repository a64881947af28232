// Reactions in real browsers: guests tap emoji on the song that plays, the
// TV shows them rising, a phone that taps on and on is told to slow down
// (and the TV gets no more from it), and Wrapped names the most-loved song.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { axeViolations, boxAndBrowser, eventually, joinAs, laptop, phone, playOpener, screenshotDir, smallPhone, startParty, tv } from './box.mjs';

const party = boxAndBrowser();

const LONG_NAME = 'Maximiliana Featherstonehaugh-Wolfeschle';

/** Taps `emoji` on the page's reaction bar; answers the box's status. */
async function tap(page, emoji) {
  const answer = page.waitForResponse((r) => r.url().endsWith('/now-playing/reactions'));
  await page.getByRole('group', { name: 'React to this song' }).getByRole('button', { name: emoji, exact: true }).click();
  return (await answer).status();
}

test('guests react, the TV shows it rising, a flood is refused', async () => {
  const host = await (await party.chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, party.box.url, 'Host');
  await playOpener(host);

  // The TV, every reaction frame it gets counted.
  const screen = await (await party.chromium.browser.newContext(tv)).newPage();
  const tvReactions = [];
  screen.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      const frame = JSON.parse(String(f.payload));
      if (frame.type === 'reaction') tvReactions.push(frame.emoji);
    }),
  );
  await screen.goto(`${party.box.url}/r/${code}/tv`);
  await screen.locator('.tv-title', { hasText: 'Autobahn' }).waitFor();
  await screen.locator('.live-badge, .tv-presence').first().waitFor();

  const ana = await (await party.chromium.browser.newContext(smallPhone)).newPage();
  const bea = await (await party.chromium.browser.newContext(phone)).newPage();
  await joinAs(ana, party.box.url, code, LONG_NAME);
  await joinAs(bea, party.box.url, code, 'Bea');

  // The bar fits a 360-px phone, every emoji a tap target of its own.
  const bar = ana.getByRole('group', { name: 'React to this song' });
  await bar.waitFor();
  assert.equal(await bar.getByRole('button').count(), 8);
  assert.ok(await ana.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll at 360 px');
  for (const rect of await Promise.all((await bar.getByRole('button').all()).map((b) => b.boundingBox()))) {
    assert.ok(rect.width >= 32 && rect.height >= 44, `a tap target of ${rect.width}×${rect.height}`);
  }

  // A tap rises on the TV and on the other phone.
  assert.equal(await tap(ana, '🔥'), 201);
  await screen.locator('.rising-tv .rising-emoji', { hasText: '🔥' }).first().waitFor();
  await bea.locator('.rising-card .rising-emoji', { hasText: '🔥' }).first().waitFor();
  for (const emoji of ['💃', '🎉', '❤️']) assert.equal(await tap(bea, emoji), 201);
  for (const emoji of ['🙌', '😂']) assert.equal(await tap(ana, emoji), 201);
  await eventually(async () => (await screen.locator('.rising-tv .rising-emoji').count()) >= 4, { what: 'reactions rising on the TV' });
  await screen.screenshot({ path: join(screenshotDir, 'tv-reactions.png') });
  await ana.screenshot({ path: join(screenshotDir, 'phone-reactions.png') });
  assert.deepEqual(await axeViolations(ana), []);

  // Ana taps on and on: five in ten seconds, then a clear word, and the TV
  // gets no more from her.
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push(await tap(ana, '🤯'));
  assert.deepEqual(statuses, [201, 201, 429, 429, 429]);
  await ana.getByText('Easy there: 5 reactions every 10 s, so everyone shows on the screen.').first().waitFor();
  await eventually(() => tvReactions.length === 8, { what: 'eight reactions on the TV' });
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual([...tvReactions].sort(), ['🔥', '💃', '🎉', '❤️', '🙌', '😂', '🤯', '🤯'].sort());

  // Wrapped names the most-loved song, and its moment.
  await bea.goto(`${party.box.url}/r/${code}/wrapped`);
  await bea.getByText('Most loved: Autobahn by Kraftwerk (🤯 × 8)').waitFor();
  await bea.getByText(/^The moment: \d+:\d\d into Autobahn, \d reactions in 15 seconds .+$/).waitFor();
});
