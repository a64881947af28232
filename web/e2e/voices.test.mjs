// A guest whose vote does not count yet is told why, on a 360-px phone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addSong, launchBrowser, laptop, playOpener, screenshotDir, smallPhone, startBox } from './box.mjs';

let box;
let chromium;
before(async () => {
  // A room where a just-joined guest's vote waits a minute.
  box = await startBox(['--new-guest-vote-delay', '60']);
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await box?.stop();
});

test('a just-joined guest votes: the vote shows, the note says why it does not count yet', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const guest = await (await chromium.browser.newContext(smallPhone)).newPage();
  await host.goto(box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill('Anto');
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent()).trim();
  await playOpener(host);
  await addSong(host, 'dancing queen', 'Dancing Queen');

  await guest.goto(`${box.url}/r/${code}`);
  await guest.getByLabel('Your name').fill('Sunny Panda 33 with a very long name');
  await guest.getByRole('button', { name: 'Join the party' }).click();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
  await guest.getByRole('button', { name: 'Vote up Dancing Queen' }).click();
  const note = guest.getByRole('note');
  await note.getByText('You just joined: your vote counts in a moment.').waitFor();
  const row = guest.locator('[data-testid="queue-row"]', { hasText: 'Dancing Queen' });
  assert.equal((await row.locator('.vote-count').textContent())?.trim(), '0', 'it does not count yet');
  // The note fits the phone.
  const width = await guest.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page is ${width} px wide on a 360-px phone`);
  await guest.screenshot({ path: join(screenshotDir, 'guest-vote-waits.png') });
});
