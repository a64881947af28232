// One device, one voice in the browser: a guest whose vote does not count
// yet is told why, on a 360-px phone; phones behind one network address
// (a trusted proxy names it in X-Forwarded-For, as Caddy would) count two,
// until the host lets them all count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addSong, eventually, launchBrowser, laptop, phone, playOpener, screenshotDir, smallPhone, startBox } from './box.mjs';

let box;
let chromium;
before(async () => {
  // A room where a just-joined guest's vote waits a minute; the box trusts
  // a proxy on this machine.
  box = await startBox(['--new-guest-vote-delay', '60', '--trust-proxy']);
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await box?.stop();
});

async function startParty(host) {
  await host.goto(box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill('Anto');
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent()).trim();
  await playOpener(host);
  return code;
}

test('three phones behind one address count two until the host lets them all count', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host);
  // Votes count at once in this room.
  await host.getByLabel('Seconds before a new guest’s votes count').fill('0');
  await host.getByLabel('Seconds before a new guest’s votes count').blur();
  await host.getByText('Settings saved.').first().waitFor();
  await addSong(host, 'dancing queen', 'Dancing Queen');
  const phones = [];
  for (const name of ['Ana', 'Ben', 'Cat']) {
    const context = await chromium.browser.newContext({ ...phone, extraHTTPHeaders: { 'X-Forwarded-For': '192.168.1.50' } });
    const page = await context.newPage();
    await page.goto(`${box.url}/r/${code}`);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join the party' }).click();
    await page.getByRole('heading', { name: 'Add a song' }).waitFor();
    await page.getByRole('button', { name: 'Vote up Dancing Queen' }).click();
    phones.push(page);
  }
  const count = host.locator('[data-testid="queue-row"]', { hasText: 'Dancing Queen' }).locator('.vote-count');
  await eventually(async () => (await count.textContent())?.trim() === '2', { what: 'two of three votes counting' });
  await phones[2].getByText('Your vote is held: several guests share your network.', { exact: false }).waitFor();
  const note = host.getByTestId('shared-network');
  await note.getByText(/192\.168\.1\.50.*1 vote held back\. Let them all count\?/).waitFor({ timeout: 20_000 });
  await host.screenshot({ path: join(screenshotDir, 'host-shared-network.png') });
  await note.getByRole('button', { name: 'Let them all count' }).click();
  await eventually(async () => (await count.textContent())?.trim() === '3', { what: 'all three votes counting' });
  await note.getByText('Everyone on 192.168.1.50 counts', { exact: false }).waitFor();
});

test('a just-joined guest votes: the vote shows, the note says why it does not count yet', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const guest = await (await chromium.browser.newContext(smallPhone)).newPage();
  const code = await startParty(host);
  await addSong(host, 'dancing queen', 'Dancing Queen');

  await guest.goto(`${box.url}/r/${code}`);
  await guest.getByLabel('Your name').fill('Sunny Panda 33 with a very long name');
  await guest.getByRole('button', { name: 'Join the party' }).click();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
  await guest.getByRole('button', { name: 'Vote up Dancing Queen' }).click();
  const note = guest.getByRole('note');
  // It says when: a countdown from the room's delay.
  const countdown = note.getByText(/^You just joined: your vote counts in (\d+) (s|min)\.$/);
  await countdown.waitFor();
  const first = await countdown.textContent();
  await eventually(async () => (await countdown.textContent()) !== first, { what: 'the countdown ticks' });
  const row = guest.locator('[data-testid="queue-row"]', { hasText: 'Dancing Queen' });
  assert.equal((await row.locator('.vote-count').textContent())?.trim(), '0', 'it does not count yet');
  // The note fits the phone.
  const width = await guest.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page is ${width} px wide on a 360-px phone`);
  await guest.screenshot({ path: join(screenshotDir, 'guest-vote-waits.png') });
});
