// DJ rotation in real browsers: the host turns it on, and the guests' songs
// go round the room whatever the votes, each place saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addSong, boxAndBrowser, eventually, joinAs, laptop, phone, playOpener, queueTitles, screenshotDir, startParty } from './box.mjs';

const party = boxAndBrowser(['--new-guest-vote-delay', '0']);

test('DJ rotation: guests take turns, whatever the votes', async () => {
  const host = await (await party.chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, party.box.url, 'Host');
  await playOpener(host);
  const rotation = host.getByRole('checkbox', { name: 'DJ rotation: guests take turns, whatever the votes' });
  // The box's answer sets the box (a controlled checkbox): click, then wait.
  await rotation.click();
  await eventually(() => rotation.isChecked(), { what: 'DJ rotation on' });

  const ana = await (await party.chromium.browser.newContext(phone)).newPage();
  const bea = await (await party.chromium.browser.newContext(phone)).newPage();
  await joinAs(ana, party.box.url, code, 'Ana');
  await joinAs(bea, party.box.url, code, 'Bea');
  await addSong(ana, 'bohemian rhapsody', 'Bohemian Rhapsody');
  await addSong(ana, 'superstition', 'Superstition');
  await addSong(bea, 'dancing queen', 'Dancing Queen');
  // The room prefers Bea's song; Ana waited longest, so her turn is first.
  await host.getByRole('button', { name: 'Vote up Dancing Queen' }).click();
  await ana.getByRole('button', { name: 'Vote up Dancing Queen' }).click();
  await bea.getByRole('button', { name: 'Vote up Superstition' }).click();
  await eventually(async () => (await queueTitles(bea)).join(' | ') === 'Superstition | Dancing Queen | Bohemian Rhapsody', {
    what: 'the rotation order on the phone',
  });
  await bea.getByRole('button', { name: 'why #1? Superstition' }).click();
  await bea.getByText("1 vote · Ana's turn in the DJ rotation").waitFor();
  await bea.getByRole('button', { name: 'why #2? Dancing Queen' }).click();
  await bea.getByText("2 votes · waiting for Bea's turn in the DJ rotation").waitFor();
  await bea.screenshot({ path: join(screenshotDir, 'dj-rotation.png'), fullPage: true });

  // Off: votes lead again.
  await rotation.click();
  await eventually(async () => !(await rotation.isChecked()), { what: 'DJ rotation off' });
  await eventually(async () => (await queueTitles(bea))[0] === 'Dancing Queen', { what: 'votes order again' });
  assert.deepEqual(await queueTitles(bea), ['Dancing Queen', 'Superstition', 'Bohemian Rhapsody']);
});
