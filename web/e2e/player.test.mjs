// The host's page as the party's player, against the real box with a real
// music folder: the test fixtures (1.5-second tracks) and tones sox makes
// here (long enough to reload, crossfade and compare loudness). It plays
// each track to its end and the room moves on by itself; a guest's phone
// follows live; autoplay, reloads, Wrapped, crossfades, loudness and a
// file gone mid-party are each what a host would expect.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addSong, axeViolations, eventually, joinAs, laptop, launchBrowser, phone, screenshotDir, startBox, startParty } from './box.mjs';

const fixtures = resolve(import.meta.dirname, '../../tests/fixtures/music');

/** A sine tone as a WAV file, "Artist - Title.wav" (the box reads both
 * from the name): `seconds` long, `gainDb` below full scale. */
function tone(dir, name, hz, seconds, gainDb) {
  execFileSync('sox', ['-n', '-r', '44100', '-c', '2', join(dir, `${name}.wav`), 'synth', String(seconds), 'sine', String(hz), 'gain', String(gainDb)]);
}

let music;
let box;
let chromium;
before(async () => {
  music = mkdtempSync(join(tmpdir(), 'dt-e2e-music-'));
  for (const f of readdirSync(fixtures)) cpSync(join(fixtures, f), join(music, f));
  tone(music, 'Tone Band - Long Walk', 440, 60, -12);
  tone(music, 'Tone Band - Slow Drive', 523, 60, -12);
  tone(music, 'Tone Band - Fade Away', 587, 8, -12);
  tone(music, 'Tone Band - Fade In', 659, 8, -12);
  tone(music, 'Level Band - Loud One', 440, 5, -6);
  tone(music, 'Level Band - Quiet One', 880, 5, -16);
  tone(music, 'Level Band - Doomed Song', 330, 30, -12);
  box = await startBox(['--new-guest-vote-delay', '0', '--music', music]);
  chromium = await launchBrowser(['--autoplay-policy=no-user-gesture-required', '--mute-audio']);
});
after(async () => {
  await chromium?.close();
  await box?.stop();
  rmSync(music, { recursive: true, force: true });
});

const nowTitle = (page) => page.locator('.now-playing .now-title').textContent();

/** The decks of the host's page: which item each holds, whether it plays,
 * where, and at what gain. */
const decks = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('audio')].map((a) => ({
      item: a.dataset.roomTrackId ?? null,
      playing: !a.paused && !a.ended,
      at: a.currentTime,
      gain: Number(a.dataset.gain ?? 'NaN'),
    })),
  );

/** How far the host's sounding deck is from the room's position (ms), as
 * a phone computes it from the room's `started_at`. */
async function offsetFromRoom(page, code) {
  return page.evaluate(async (code) => {
    const res = await fetch(`/rooms/${code}/now-playing`, { credentials: 'same-origin' });
    const item = await res.json();
    const deck = [...document.querySelectorAll('audio')].find((a) => a.dataset.roomTrackId === item.room_track_id && !a.paused);
    if (!deck) return null;
    return deck.currentTime * 1000 - (Date.now() - Date.parse(item.started_at));
  }, code);
}

/** PATCHes the room's settings from the host's page (its cookie). */
async function settings(page, code, patch) {
  const status = await page.evaluate(
    async ([code, patch]) =>
      (
        await fetch(`/rooms/${code}/settings`, {
          method: 'PATCH',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(patch),
        })
      ).status,
    [code, patch],
  );
  assert.equal(status, 200);
}

test('the host page plays each track to its end and the room moves on by itself', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const bea = await (await chromium.browser.newContext(phone)).newPage();
  const code = await startParty(host, box.url);
  await joinAs(bea, box.url, code, 'Bea');

  // Never silent: with music, the built-in catalog's songs are not offered.
  await bea.getByLabel('Search by artist or title').fill('bohemian rhapsody');
  await bea.getByText(/No songs match/).waitFor();

  // The first song starts by itself; the others wait.
  await addSong(bea, 'long walk', 'Long Walk');
  await addSong(bea, 'sunrise', 'Sunrise Test');
  await addSong(bea, 'flac attack', 'Flac Attack');
  await host.getByRole('heading', { name: 'Player' }).waitFor();
  await eventually(
    async () => (await decks(host)).some((d) => d.playing && d.at > 0.2) && (await nowTitle(bea)) === 'Long Walk',
    { what: 'Long Walk playing on the host page' },
  );
  await host.locator('.now-playing img.cover').evaluate((img) => img.decode());
  await host.screenshot({ path: join(screenshotDir, 'player.png') });

  // Pause is the room's: the phone shows it, and the page falls silent.
  await host.getByRole('button', { name: 'Pause' }).click();
  await bea.locator('.now-playing').getByText('Paused').waitFor();
  await eventually(async () => (await decks(host)).every((d) => !d.playing), { what: 'the page silent' });
  await host.getByRole('button', { name: 'Resume' }).click();
  await eventually(async () => !(await bea.locator('.now-playing').textContent()).includes('Paused'), {
    what: 'resume on the phone',
  });

  // The host seeks to the end (the keyboard's End on the seek bar): the
  // audio plays out and the room moves on.
  const seek = host.getByRole('slider', { name: 'Seek' });
  await seek.focus();
  await host.keyboard.press('End');
  await eventually(async () => (await nowTitle(bea)) === 'Sunrise Test', { timeout: 10_000, what: 'the end of Long Walk' });

  // Each track ends; the room moves on by itself, and the phone follows live.
  await eventually(async () => (await nowTitle(bea)) === 'Flac Attack', { what: 'the next track, on the phone' });
  // Then the queue is dry: the auto-DJ keeps the music going.
  await eventually(async () => (await bea.locator('.now-playing').textContent()).includes('Auto-DJ pick'), {
    timeout: 10_000,
    what: 'an auto-DJ pick',
  });
  assert.deepEqual(await axeViolations(host), [], 'the host page with its player: axe');
  await host.context().close();
  await bea.context().close();
});

test('a reload mid-song resumes at the room position, within 250 ms of the phones', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, box.url);
  await addSong(host, 'long walk', 'Long Walk');
  await eventually(async () => (await decks(host)).some((d) => d.playing && d.at > 2), { what: 'Long Walk playing' });
  await host.reload();
  await host.getByRole('heading', { name: 'Player' }).waitFor();
  await eventually(async () => (await decks(host)).some((d) => d.playing), { what: 'playing again after the reload' });
  // Let it settle (start-up, one correction), then compare, several times.
  await new Promise((r) => setTimeout(r, 1500));
  const offsets = [];
  for (let i = 0; i < 5; i++) {
    offsets.push(await offsetFromRoom(host, code));
    await new Promise((r) => setTimeout(r, 300));
  }
  console.log(`after a reload, the host's audio vs the room (ms): ${offsets.map((o) => Math.round(o)).join(', ')}`);
  for (const o of offsets) assert.ok(o !== null && Math.abs(o) < 250, `offsets ${offsets.join(', ')}`);
  await host.context().close();
});

test('opening Wrapped from the host page keeps the music playing', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, box.url);
  await addSong(host, 'long walk', 'Long Walk');
  await eventually(async () => (await decks(host)).some((d) => d.playing && d.at > 0.5), { what: 'Long Walk playing' });
  const [wrapped] = await Promise.all([host.context().waitForEvent('page'), host.getByRole('link', { name: 'Wrapped' }).click()]);
  await wrapped.getByRole('heading', { name: 'Top tracks' }).waitFor();
  const before = (await decks(host)).find((d) => d.playing)?.at;
  await new Promise((r) => setTimeout(r, 1500));
  const after = (await decks(host)).find((d) => d.playing)?.at;
  assert.ok(before !== undefined && after !== undefined && after - before > 1, `currentTime ${before} → ${after}`);
  assert.equal(new URL(host.url()).pathname, `/r/${code}`, 'the host page stayed where it was');
  await host.context().close();
});

test('autoplay blocked: one "Tap to start the music", never a Pause over silence; the tap starts at the room position', async () => {
  // The party runs (the song started by itself when the guest added it).
  const guest = await (await chromium.browser.newContext(phone)).newPage();
  const setup = await (await chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(setup, box.url, 'Tam');
  const hostCookies = await setup.context().cookies();
  await joinAs(guest, box.url, code, 'Gus');
  await addSong(guest, 'slow drive', 'Slow Drive');
  await setup.context().close();

  // The host opens the page some seconds into the song, in a browser that
  // refuses sound until a tap. (Headless Chromium lets every page play
  // whatever its --autoplay-policy, so the page gets the policy a desktop
  // browser applies: play() is refused until a real tap or key press.)
  const context = await chromium.browser.newContext(laptop);
  await context.addCookies(hostCookies);
  const uid = hostCookies.find((c) => c.name === 'uid').value;
  await context.addInitScript((uid) => {
    localStorage.setItem('dt.uid', uid);
    let tapped = false;
    for (const kind of ['pointerdown', 'keydown']) {
      addEventListener(kind, (e) => (tapped ||= e.isTrusted), { capture: true });
    }
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function () {
      if (!tapped) return Promise.reject(new DOMException('play() needs a tap first', 'NotAllowedError'));
      return play.call(this);
    };
  }, uid);
  const host = await context.newPage();
  await host.goto(`${box.url}/r/${code}`);
  const tap = host.getByRole('button', { name: 'Tap to start the music' });
  await tap.waitFor();
  assert.equal(await host.getByRole('button', { name: 'Pause', exact: true }).count(), 0, 'no Pause over silence');
  assert.ok((await decks(host)).every((d) => !d.playing), 'silent until the tap');
  await host.getByText('The browser waits for a tap before it plays sound.').waitFor();
  await new Promise((r) => setTimeout(r, 2000));
  await tap.click();
  await eventually(async () => (await decks(host)).some((d) => d.playing), { what: 'playing after the tap' });
  await host.getByRole('button', { name: 'Pause', exact: true }).waitFor();
  await new Promise((r) => setTimeout(r, 1000));
  const offset = await offsetFromRoom(host, code);
  console.log(`after the tap, the host's audio vs the room: ${Math.round(offset)} ms`);
  assert.ok(offset !== null && Math.abs(offset) < 250, `${offset} ms from the room`);
  await context.close();
  await guest.context().close();
});

test('a crossfade overlaps the two songs by the setting', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, box.url);
  await settings(host, code, { crossfade_seconds: 3 });
  await addSong(host, 'fade away', 'Fade Away');
  await addSong(host, 'fade in', 'Fade In');
  // Watch both decks: the time both sound at once is the crossfade.
  const overlap = await host.evaluate(
    () =>
      new Promise((resolve) => {
        let both = 0;
        let seenBoth = false;
        let last = performance.now();
        const timer = setInterval(() => {
          const now = performance.now();
          const sounding = [...document.querySelectorAll('audio')].filter((a) => !a.paused && !a.ended).length;
          if (sounding === 2) {
            both += now - last;
            seenBoth = true;
          } else if (seenBoth) {
            clearInterval(timer);
            resolve(both);
          }
          last = now;
        }, 50);
        setTimeout(() => {
          clearInterval(timer);
          resolve(both);
        }, 20_000);
      }),
  );
  console.log(`crossfade of 3 s: both songs sounded together for ${Math.round(overlap)} ms`);
  assert.ok(overlap > 2500 && overlap < 3600, `${overlap} ms`);
  await eventually(async () => (await nowTitle(host)) === 'Fade In', { what: 'Fade In playing' });
  await host.context().close();
});

test('loudness: two songs 10 dB apart get gains that bring them within 1 dB', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  await startParty(host, box.url);
  // The loudness pass is done.
  await eventually(
    () => host.evaluate(async () => (await (await fetch('/library')).json()).loudness_pending === 0),
    { timeout: 20_000, what: 'the loudness pass' },
  );
  await addSong(host, 'loud one', 'Loud One');
  await addSong(host, 'quiet one', 'Quiet One');
  const gainOf = async (title) => {
    let gain;
    await eventually(
      async () => {
        const d = (await decks(host)).find((x) => x.playing);
        if (!d || (await nowTitle(host)) !== title) return false;
        gain = d.gain;
        return Number.isFinite(gain);
      },
      { timeout: 15_000, what: `${title} playing` },
    );
    return gain;
  };
  const loud = await gainOf('Loud One');
  const quiet = await gainOf('Quiet One');
  // The files are 10 dB apart; their gains make up the difference.
  const levelLoud = -6 + 20 * Math.log10(loud);
  const levelQuiet = -16 + 20 * Math.log10(quiet);
  console.log(`loudness on the host page: gains ${loud.toFixed(3)} and ${quiet.toFixed(3)}: ${levelLoud.toFixed(2)} vs ${levelQuiet.toFixed(2)} dB`);
  assert.ok(Math.abs(levelLoud - levelQuiet) < 1, `${levelLoud} vs ${levelQuiet} dB`);
  await host.context().close();
});

test('a file gone mid-party is skipped with a notice, never a stuck room', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  await startParty(host, box.url);
  await addSong(host, 'long walk', 'Long Walk');
  await addSong(host, 'doomed song', 'Doomed Song');
  await eventually(async () => (await decks(host)).some((d) => d.playing), { what: 'Long Walk playing' });
  // The file of the next song disappears (and the page has not loaded it
  // yet); the host skips to it.
  rmSync(join(music, 'Level Band - Doomed Song.wav'));
  await host.getByRole('button', { name: 'Skip', exact: true }).click();
  await host.getByText(/Could not play “Doomed Song”/).waitFor({ timeout: 15_000 });
  await eventually(async () => (await nowTitle(host)) !== 'Doomed Song', { what: 'the room moving on' });
  await host.getByRole('region', { name: 'Moderation log' }).getByText(/could not play “Doomed Song”/).waitFor();
  await host.context().close();
});

test('"Play the music on this device" off: the page is silent, the room plays on; on again, it joins at the room position', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, box.url, 'Host Off');
  await addSong(host, 'long walk', 'Long Walk');
  await eventually(async () => (await decks(host)).some((d) => d.playing), { what: 'a deck playing' });
  const playsHere = host.getByRole('checkbox', { name: 'Play the music on this device' });
  await playsHere.uncheck();
  await eventually(async () => (await decks(host)).every((d) => !d.playing), { what: 'every deck silent' });
  // The room's clock goes on: the song is still the one playing, further in.
  const at = async () => {
    const item = await host.evaluate(async (code) => (await fetch(`/rooms/${code}/now-playing`)).json(), code);
    return { title: item.title, ms: Date.now() - Date.parse(item.started_at) };
  };
  const before = await at();
  await host.waitForTimeout(1500);
  const later = await at();
  assert.equal(later.title, 'Long Walk');
  assert.ok(later.ms >= before.ms + 1000, `the room moved on from ${before.ms} to ${later.ms} ms`);
  // The choice sticks across a reload.
  await host.reload();
  await host.getByRole('checkbox', { name: 'Play the music on this device' }).waitFor();
  assert.equal(await host.getByRole('checkbox', { name: 'Play the music on this device' }).isChecked(), false);
  await host.waitForTimeout(500);
  assert.ok((await decks(host)).every((d) => !d.playing), 'silent after a reload');
  // On again: it plays where the room is, not from the start.
  await host.getByRole('checkbox', { name: 'Play the music on this device' }).check();
  await eventually(async () => (await decks(host)).some((d) => d.playing), { what: 'a deck playing again' });
  const offset = await offsetFromRoom(host, code);
  assert.ok(offset !== null && Math.abs(offset) < 500, `${offset} ms from the room`);
  await host.context().close();
});
