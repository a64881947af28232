// A party on top of a real MPD server (`--mpd`), in real browsers: a guest
// on a 360-px phone finds the server's songs (tagged) and adds one, the
// host's page shows the server playing it (and does not play it itself),
// a lost server is shown while the box reconnects, and Wrapped saves the
// night as a playlist on the server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { axeViolations, boxAndBrowser, eventually, joinAs, laptop, screenshotDir, smallPhone, startParty } from './box.mjs';

const LONG_NAME = 'Maximiliana Featherstonehaugh-Wolfeschle';
const fixtures = resolve(import.meta.dirname, '../../tests/fixtures/music');

/** A free port on loopback. */
async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** One MPD command; answers the response's lines. */
function mpdCommand(port, command) {
  return new Promise((resolveLines, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let seen = '';
    let sent = false;
    socket.setTimeout(5000, () => socket.destroy(new Error(`mpd: no answer to ${command}`)));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      seen += chunk;
      if (!sent && seen.includes('\n')) {
        sent = true;
        seen = '';
        socket.write(`${command}\n`);
      } else if (sent && /(^|\n)(OK|ACK[^\n]*)\n$/.test(seen)) {
        socket.end();
        resolveLines(seen);
      }
    });
  });
}

/** Debian's mpd on loopback, a music folder of the fixtures and a long
 * tone with a long title (sox), a null output that keeps real time. */
async function startMpd() {
  const dir = mkdtempSync(join(tmpdir(), 'dt-mpd-'));
  const music = join(dir, 'music');
  mkdirSync(music);
  mkdirSync(join(dir, 'playlists'));
  for (const name of readdirSync(fixtures)) copyFileSync(join(fixtures, name), join(music, name));
  const made = spawnSync('sox', [
    '-n', '-r', '22050', '-c', '1',
    '--comment', 'TITLE=A Very Long Night Under The Disco Ball (Extended Club Mix)',
    '--add-comment', 'ARTIST=The Forty Character Band Name Goes Here',
    join(music, 'night.flac'), 'synth', '120', 'sine', '330', 'vol', '0.2',
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  const port = await freePort();
  const conf = join(dir, 'mpd.conf');
  writeFileSync(
    conf,
    `music_directory "${music}"\nplaylist_directory "${join(dir, 'playlists')}"\ndb_file "${join(dir, 'db')}"\n` +
      `bind_to_address "127.0.0.1"\nport "${port}"\nlog_file "${join(dir, 'log')}"\n` +
      'audio_output {\n  type "null"\n  name "null"\n}\n',
  );
  const server = { port, dir, child: null };
  server.start = async () => {
    server.child = spawn('mpd', ['--no-daemon', conf], { stdio: 'ignore' });
    await eventually(() => mpdCommand(port, 'ping').then(() => true), { what: 'mpd to listen' });
  };
  server.kill = async () => {
    const child = server.child;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  };
  await server.start();
  await mpdCommand(port, 'update');
  const files = String(readdirSync(music).length);
  await eventually(async () => (await mpdCommand(port, 'stats')).includes(`songs: ${files}\n`), { what: 'the database read' });
  return server;
}

const mpd = await startMpd();
after(async () => {
  await mpd.kill().catch(() => undefined);
  rmSync(mpd.dir, { recursive: true, force: true });
});
const party = boxAndBrowser(['--mpd', `127.0.0.1:${mpd.port}`]);

test('a party on an MPD server: guests add its songs, the host sees it play, a lost server comes back', async () => {
  const host = await (await party.chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, party.box.url, 'Host');
  const outputs = host.getByRole('list', { name: 'Where the sound goes' });
  await outputs.getByText('MPD server').waitFor();
  await outputs.getByText('ready').waitFor();

  // A guest on a small phone finds the server's song, tagged, and adds it.
  const guest = await (await party.chromium.browser.newContext(smallPhone)).newPage();
  await joinAs(guest, party.box.url, code, LONG_NAME);
  await guest.getByLabel('Search by artist or title').fill('disco ball');
  const row = guest.locator('.result-row', { hasText: 'A Very Long Night Under The Disco Ball' });
  await row.getByText('MPD', { exact: true }).waitFor();
  const overflow = await guest.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the phone's page is ${overflow}px wider than the screen`);
  await guest.screenshot({ path: join(screenshotDir, 'phone-mpd-search.png') });
  await row.getByRole('button', { name: /^Add A Very Long Night/ }).click();

  // The server plays it; the host's page says so and plays nothing itself.
  await host.locator('.now-title', { hasText: 'A Very Long Night' }).waitFor();
  await eventually(async () => (await mpdCommand(mpd.port, 'currentsong')).includes('file: night.flac'), {
    what: 'mpd to play the song',
  });
  await outputs.getByText('playing').waitFor();
  await host.getByText('The MPD server plays this song; this page follows.').waitFor();
  const pagePlays = await host.evaluate(() => [...document.querySelectorAll('audio')].some((a) => !a.paused));
  assert.equal(pagePlays, false, 'the host page must not play the server\'s song');
  assert.deepEqual(await axeViolations(host), []);
  await host.locator('.player').screenshot({ path: join(screenshotDir, 'host-mpd.png') });

  // The host pauses from the page: the server pauses.
  await host.locator('.player').getByRole('button', { name: 'Pause' }).click();
  await eventually(async () => (await mpdCommand(mpd.port, 'status')).includes('state: pause'), { what: 'mpd paused' });
  await host.locator('.player').getByRole('button', { name: 'Resume' }).click();
  await eventually(async () => (await mpdCommand(mpd.port, 'status')).includes('state: play'), { what: 'mpd playing' });

  // The server dies: the host's page says the box keeps trying; the party
  // goes on (the song stays). Back, it plays the song again.
  await mpd.kill();
  await host.getByRole('alert').getByText(/Not reached \(.+\); the box keeps trying, and the party goes on\./).waitFor({ timeout: 10_000 });
  await host.locator('.now-title', { hasText: 'A Very Long Night' }).waitFor();
  await mpd.start();
  await outputs.getByText('playing').waitFor({ timeout: 20_000 });
  await eventually(async () => (await mpdCommand(mpd.port, 'currentsong')).includes('file: night.flac'), {
    what: 'mpd to play the song again',
    timeout: 20_000,
  });

  // Wrapped saves the night on the server.
  await host.goto(`${party.box.url}/r/${code}/wrapped`);
  await host.getByRole('button', { name: 'Save tonight as a playlist on the MPD server' }).click();
  const saved = await host.getByRole('status').getByText(/^Saved as “.+”: 1 songs\.$/).textContent();
  const name = /“(.+)”/.exec(saved)[1];
  assert.ok((await mpdCommand(mpd.port, 'listplaylists')).includes(`playlist: ${name}\n`));
  assert.match(await mpdCommand(mpd.port, `listplaylist "${name}"`), /^file: night\.flac\n/);
  // A guest has no such button.
  await guest.goto(`${party.box.url}/r/${code}/wrapped`);
  await guest.getByText('Take the night home').waitFor();
  assert.equal(await guest.getByRole('button', { name: 'Save tonight as a playlist on the MPD server' }).count(), 0);
});
