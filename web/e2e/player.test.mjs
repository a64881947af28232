// The host's page as the party's player, against the real box with a real
// music folder (the test fixtures: 1.5-second tracks): it plays the track
// to its end and the room moves on by itself; a guest's phone follows live.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { axeViolations, eventually, launchBrowser, laptop, phone, screenshotDir, startBox } from './box.mjs';

const music = resolve(import.meta.dirname, '../../tests/fixtures/music');

let box;
let chromium;
before(async () => {
  box = await startBox(['--new-guest-vote-delay', '0', '--music', music]);
  chromium = await launchBrowser(['--autoplay-policy=no-user-gesture-required', '--mute-audio']);
});
after(async () => {
  await chromium?.close();
  await box?.stop();
});

async function addSong(page, query, title) {
  await page.getByLabel('Search by artist or title').fill(query);
  await page.getByRole('button', { name: new RegExp(`^Add ${title} by`) }).click();
  await page.getByText(`Added “${title}” to the queue.`).waitFor();
}

const nowTitle = (page) => page.locator('.now-playing .now-title').textContent();

test('the host page plays each track to its end and the room moves on by itself', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const bea = await (await chromium.browser.newContext(phone)).newPage();

  await host.goto(box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill('Anto');
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent({ timeout: 10_000 })).trim();
  await bea.goto(`${box.url}/r/${code}`);
  await bea.getByLabel('Your name').fill('Bea');
  await bea.getByRole('button', { name: 'Join the party' }).click();
  await bea.getByRole('heading', { name: 'Add a song' }).waitFor();

  await addSong(bea, 'sunrise', 'Sunrise Test');
  await addSong(bea, 'flac attack', 'Flac Attack');
  await host.getByRole('heading', { name: 'Player' }).waitFor();
  // The first track starts when the host starts the queue.
  await host.getByRole('button', { name: 'Skip' }).click();
  await eventually(async () => (await nowTitle(bea)) === 'Sunrise Test', { what: 'Sunrise on the phone' });

  // The host's page really plays it: its audio element has the box's file
  // and its clock runs.
  await eventually(
    () =>
      host.evaluate(() => {
        const a = document.querySelector('audio');
        return a.getAttribute('src').endsWith('/audio') && a.currentTime > 0.2;
      }),
    { what: 'the audio playing on the host page' },
  );
  await host.locator('.now-playing img.cover').evaluate((img) => img.decode());

  // It ends; the room moves on by itself, and the phone follows live.
  await eventually(async () => (await nowTitle(bea)) === 'Flac Attack', { what: 'the next track, on the phone' });
  // Then the queue is dry: the auto-DJ keeps the music going.
  await eventually(async () => (await bea.locator('.now-playing').textContent()).includes('Auto-DJ pick'), {
    timeout: 10_000,
    what: 'an auto-DJ pick',
  });
  assert.deepEqual(await axeViolations(host), [], 'the host page with its player: axe');
  await host.screenshot({ path: join(screenshotDir, 'player.png') });

  // A guest's song takes over at the next track: here one from the built-in
  // catalog, which the box has no audio for, so the clock runs it.
  await addSong(bea, 'bohemian', 'Bohemian Rhapsody');
  await eventually(async () => (await nowTitle(bea)) === 'Bohemian Rhapsody', { what: 'the guest song next' });
  await host.getByText('This song has no audio on the box').waitFor();

  // Pause is the room's: the phone shows it.
  await host.getByRole('button', { name: 'Pause' }).click();
  await bea.locator('.now-playing').getByText('Paused').waitFor();
  assert.equal(await host.evaluate(() => document.querySelector('audio').paused), true);
  await host.getByRole('button', { name: 'Resume' }).click();
  await eventually(async () => !(await bea.locator('.now-playing').textContent()).includes('Paused'), {
    what: 'resume on the phone',
  });

  // With no audio, the clock runs the song: the host seeks to its end (the
  // keyboard's End on the seek bar), and when its time is up the room
  // moves on by itself.
  await addSong(bea, 'dancing que', 'Dancing Queen');
  const seek = host.getByRole('slider', { name: 'Seek' });
  await seek.focus();
  await host.keyboard.press('End');
  await eventually(async () => (await nowTitle(bea)) === 'Dancing Queen', {
    timeout: 10_000,
    what: 'the clock moving the room on',
  });
});
