// Synced lyrics on the TV, against the real box with a music folder: a
// song with a .lrc beside it, the TV's lyrics switched on, the current line
// lit in time with the room (pause and seek included), on a TV whose clock
// is an hour off the box's; plain lyrics and a song without any.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSong, boxAndBrowser, eventually, laptop, screenshotDir, startParty, tv } from './box.mjs';

/** A quiet tone as "Artist - Title.wav", `seconds` long. */
function tone(dir, name, seconds) {
  execFileSync('sox', ['-n', '-r', '22050', '-c', '1', join(dir, `${name}.wav`), 'synth', String(seconds), 'sine', '440', 'gain', '-30']);
}

let music;
before(() => {
  music = mkdtempSync(join(tmpdir(), 'dt-e2e-lyrics-'));
  tone(music, 'Karaoke Band - Sing Along', 90);
  // A line every three seconds: "Line 0" at 0:00, "Line 1" at 0:03...
  const lrc = ['[ar:Karaoke Band]', '[ti:Sing Along]'];
  for (let k = 0; k < 30; k++) lrc.push(`[${String(Math.floor((k * 3) / 60)).padStart(2, '0')}:${String((k * 3) % 60).padStart(2, '0')}.00]Line ${k}`);
  writeFileSync(join(music, 'Karaoke Band - Sing Along.lrc'), lrc.join('\n'));
  tone(music, 'Karaoke Band - Plain Words', 30);
  writeFileSync(join(music, 'Karaoke Band - Plain Words.lrc'), 'Words without times\nshown as they are\n');
  tone(music, 'Karaoke Band - Hum Only', 30);
});
const party = boxAndBrowser(() => ['--music', music], ['--autoplay-policy=no-user-gesture-required', '--mute-audio']);
after(() => rmSync(music, { recursive: true, force: true }));

const currentLine = (page) => page.locator('.lyric-current').textContent({ timeout: 5000 });
const lineNumber = async (page) => Number((await currentLine(page)).replace('Line ', ''));

/** The host's page asks the box (as its own buttons do). */
const hostAsks = (host, code, what, body = undefined) =>
  host.evaluate(
    async ([code, what, body]) => (await fetch(`/rooms/${code}/${what}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) })).status,
    [code, what, body],
  );

test('the TV sings along with the room: the line lit follows play, pause and seek', async () => {
  const host = await (await party.chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, party.box.url, 'Host');
  await addSong(host, 'sing along', 'Sing Along');
  await addSong(host, 'plain words', 'Plain Words');
  await addSong(host, 'hum only', 'Hum Only');

  // A TV whose clock runs an hour ahead of the box's.
  const tvContext = await party.chromium.browser.newContext(tv);
  await tvContext.addInitScript(() => {
    const real = Date.now;
    Date.now = () => real() + 3_600_000;
  });
  const screen = await tvContext.newPage();
  await screen.goto(`${party.box.url}/r/${code}/tv`);
  await screen.locator('.tv-title', { hasText: 'Sing Along' }).waitFor();
  const toggle = screen.getByRole('button', { name: 'Lyrics' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');

  // The line lit is the room's, not the TV clock's (an hour on would be
  // the last line), and it moves on every three seconds.
  const first = await lineNumber(screen);
  assert.ok(first < 10, `line ${first} lit, a few seconds into the song`);
  await eventually(async () => (await lineNumber(screen)) >= first + 1, { what: 'the next line lit', timeout: 5000 });
  assert.equal(await screen.locator('.lyrics li').count(), 5);
  await screen.screenshot({ path: join(screenshotDir, 'tv-lyrics.png') });

  // Paused: the line stays. Sought to 0:30 (paused): "Line 10" is lit.
  assert.equal(await hostAsks(host, code, 'now-playing/pause'), 200);
  const paused = await eventually(async () => {
    const a = await lineNumber(screen);
    await new Promise((r) => setTimeout(r, 400));
    return a === (await lineNumber(screen)) ? a + 1 : 0;
  }, { what: 'the TV to see the pause' });
  await new Promise((r) => setTimeout(r, 3500));
  assert.equal(await lineNumber(screen), paused - 1, 'paused, the line stays');
  assert.equal(await hostAsks(host, code, 'now-playing/seek', { position_ms: 30_000 }), 200);
  await eventually(async () => (await lineNumber(screen)) === 10, { what: 'line 10 after the seek' });
  assert.equal(await hostAsks(host, code, 'now-playing/resume'), 200);
  await eventually(async () => (await lineNumber(screen)) === 11, { what: 'line 11 once resumed', timeout: 6000 });
  // The choice stays with this screen.
  await screen.reload();
  await screen.locator('.lyric-current').waitFor();

  // Plain lyrics: shown, none lit. A song without lyrics says so, and the
  // queue shows again.
  assert.equal(await hostAsks(host, code, 'advance'), 200);
  await screen.locator('.tv-title', { hasText: 'Plain Words' }).waitFor();
  await screen.getByText('Words without times').waitFor();
  assert.equal(await screen.locator('.lyric-current').count(), 0);
  assert.equal(await hostAsks(host, code, 'advance'), 200);
  await screen.locator('.tv-title', { hasText: 'Hum Only' }).waitFor();
  await screen.getByText('No lyrics for this song').waitFor();

  // Off again: no lyrics asked for.
  await screen.getByRole('button', { name: 'Lyrics' }).click();
  await screen.getByText('No lyrics for this song').waitFor({ state: 'detached' });
});
