// Curated and vote-only parties in real browsers, on a box with no music
// folder (its built-in catalog): the host loads a warm-up playlist into the
// queue and a wedding's list for guests to pick from, guests add only
// from it, then only vote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { boxAndBrowser, eventually, joinAs, laptop, queueTitles, screenshotDir, smallPhone, startParty } from './box.mjs';

const party = boxAndBrowser();

const LONG_NAME = 'Maximiliana Featherstonehaugh-Wolfeschle';
const WARM_UP = '#EXTM3U\n#EXTINF:0,Kraftwerk - Autobahn\nAutobahn.mp3\n#EXTINF:0,Toto - Africa\nAfrica.mp3\n';
const WEDDING = `<?xml version="1.0" encoding="UTF-8"?>
<playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList>
  <track><title>Dancing Queen</title><creator>ABBA</creator></track>
  <track><title>Superstition</title><creator>Stevie Wonder</creator></track>
  <track><title>September</title><creator>Earth, Wind &amp; Fire</creator></track>
  <track><title>Our First Dance (Live)</title><creator>The Cousins' Band</creator></track>
</trackList></playlist>`;

/** Closes the page's toasts (for a screenshot of what is under them). */
async function closeToasts(page) {
  await eventually(
    async () => {
      const close = page.locator('.toast-close');
      if ((await close.count()) === 0) return true;
      await close.first().click({ timeout: 1000 });
      return false;
    },
    { what: 'the toasts closed' },
  );
}

/** The host loads a playlist file from the Playlists panel. */
async function upload(host, name, text, { queue }) {
  const panel = host.getByRole('region', { name: 'Playlists' });
  const queueToo = panel.getByRole('checkbox', { name: 'Also queue its songs' });
  if ((await queueToo.isChecked()) !== queue) await queueToo.click();
  await panel.getByLabel('Load a playlist file…').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

test('a curated party: the host loads playlists, guests add from them, then only vote', async () => {
  const host = await (await party.chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, party.box.url, 'Host');

  // Before guests arrive: the warm-up fills the queue (the first starts).
  await upload(host, 'Warm Up.m3u8', WARM_UP, { queue: true });
  await host.getByRole('region', { name: 'Playlists' }).getByRole('status').getByText('Warm Up: 2 of 2 songs found, 2 queued.').waitFor();
  await host.locator('.now-title', { hasText: 'Autobahn' }).waitFor();
  // The wedding's list, for guests to pick from; one song is not here.
  await upload(host, 'Wedding.xspf', WEDDING, { queue: false });
  await host.getByRole('region', { name: 'Playlists' }).getByRole('status').getByText('Wedding: 3 of 4 songs found, 0 queued.').waitFor();
  await host.getByRole('region', { name: 'Playlists' }).getByRole('status').getByText('Not found (1)').click();
  await host.getByText("The Cousins' Band - Our First Dance (Live)").waitFor();
  await host.getByRole('combobox', { name: 'Guests may add' }).selectOption('playlists');
  await eventually(async () => (await host.getByRole('combobox', { name: 'Guests may add' }).inputValue()) === 'playlists', { what: 'the setting saved' });
  await closeToasts(host);
  await host.getByRole('region', { name: 'Playlists' }).screenshot({ path: join(screenshotDir, 'host-playlists.png') });

  // A guest on a 360-px phone: search finds only the playlists' songs.
  const guest = await (await party.chromium.browser.newContext(smallPhone)).newPage();
  await joinAs(guest, party.box.url, code, LONG_NAME);
  await guest.getByText('Tonight’s songs come from the host’s playlists: search them, or open one below.').waitFor();
  await guest.getByLabel('Search by artist or title').fill('bohemian');
  await guest.getByText('No songs match “bohemian”').waitFor();
  await guest.getByLabel('Search by artist or title').fill('');
  const wedding = guest.getByRole('region', { name: 'Playlists' }).locator('summary', { hasText: 'Wedding' });
  await wedding.click();
  await guest.getByRole('button', { name: /^Add September by Earth, Wind & Fire/ }).click();
  await guest.getByText('Added “September” to the queue.').waitFor();
  await eventually(async () => (await queueTitles(guest)).includes('September'), { what: 'September queued' });
  assert.ok(await guest.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll at 360 px');
  await guest.getByRole('region', { name: 'Playlists' }).scrollIntoViewIfNeeded();
  await closeToasts(guest);
  await guest.screenshot({ path: join(screenshotDir, 'phone-playlists.png') });

  // Vote only: no search, a word why, and votes still count.
  await host.getByRole('combobox', { name: 'Guests may add' }).selectOption('nothing');
  await guest.getByText('The host picks the music tonight: vote for what plays next.').waitFor();
  assert.equal(await guest.getByLabel('Search by artist or title').count(), 0);
  assert.equal(await guest.getByRole('region', { name: 'Playlists' }).count(), 0);
  // The guest's own song leads (fewer of theirs played); their vote on the
  // host's puts it first.
  assert.deepEqual(await queueTitles(host), ['September', 'Africa']);
  await guest.getByRole('button', { name: 'Vote up Africa' }).click();
  await eventually(async () => (await queueTitles(host))[0] === 'Africa', { what: "the guest's vote to count" });
});
