// A Wi-Fi of the test's own: the box in one network namespace, a phone's
// Chromium in another, and a relay between them that delays and loses
// frames (and cuts the link). Nothing reaches a real network. Needs root,
// iproute2 and ethtool; `lanUnavailable()` says why not, elsewhere.
import { execFileSync, spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumFlags } from './box.mjs';

const root = resolve(import.meta.dirname, '../..');
const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** A test that cannot run on this machine: fails under CI, else is skipped
 * and listed in target/skipped-tests (as tests/support/skip.rs does for the
 * Rust tests). */
export function cannotRun(t, name, why) {
  if (process.env.CI) assert.fail(`${name} cannot run here (${why}); under CI a test that cannot run fails`);
  mkdirSync(join(root, 'target'), { recursive: true });
  appendFileSync(join(root, 'target', 'skipped-tests'), `e2e ${name}: ${why}\n`);
  t.skip(why);
}

/** Why this machine cannot make namespaces, or null. */
export function lanUnavailable() {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    execFileSync('ethtool', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'needs iproute2 and ethtool';
  }
  return null;
}

/** The box's side and the phone's side of a link, 10.79.0.1 and .2, with
 * a bad Wi-Fi between them: this kernel has no `netem`, so a relay in a
 * middle namespace (tests/support/wifi_relay.py) carries every frame, late
 * and lossy as told. */
export function makeLink() {
  const id = `${process.pid % 100000}`;
  const ns = { box: `dtwbox${id}`, phone: `dtwphone${id}`, air: `dtwair${id}` };
  const dir = mkdtempSync(join(tmpdir(), 'dt-wifi-'));
  const modeFile = join(dir, 'mode.json');
  const setMode = (mode) => {
    writeFileSync(`${modeFile}.new`, JSON.stringify(mode));
    renameSync(`${modeFile}.new`, modeFile);
  };
  setMode({});
  for (const name of Object.values(ns)) ip('netns', 'add', name);
  const ends = { box: `wa${id}`, phone: `wb${id}` };
  for (const side of ['box', 'phone']) {
    ip('link', 'add', 'eth0', 'netns', ns[side], 'type', 'veth', 'peer', 'name', ends[side], 'netns', ns.air);
    ip('-n', ns[side], 'addr', 'add', side === 'box' ? '10.79.0.1/24' : '10.79.0.2/24', 'dev', 'eth0');
    ip('-n', ns[side], 'link', 'set', 'eth0', 'up');
    ip('-n', ns[side], 'link', 'set', 'lo', 'up');
    ip('-n', ns.air, 'link', 'set', ends[side], 'up', 'promisc', 'on');
    // Frames as the air carries them: whole, checksummed, one MTU each.
    for (const [where, dev] of [
      [ns[side], 'eth0'],
      [ns.air, ends[side]],
    ]) {
      execFileSync('ip', ['netns', 'exec', where, 'ethtool', '-K', dev, 'tx', 'off', 'tso', 'off', 'gso', 'off', 'gro', 'off'], {
        stdio: 'ignore',
      });
    }
  }
  const relay = spawn(
    'ip',
    ['netns', 'exec', ns.air, '/usr/bin/python3', join(root, 'tests', 'support', 'wifi_relay.py'), ends.box, ends.phone, modeFile],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return {
    ns,
    boxAddress: '10.79.0.1',
    address: { box: '10.79.0.1', phone: '10.79.0.2' },
    /** Each way: `delay` ms ± `jitter`, `loss` percent. */
    impair({ delay = 0, jitter = 0, loss = 0 }) {
      setMode({ delay, jitter, loss });
    },
    /** Out of range: every frame lost, both ways. */
    cut() {
      setMode({ loss: 100 });
    },
    remove() {
      relay.kill();
      for (const name of Object.values(ns)) {
        try {
          ip('netns', 'del', name);
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The box (the binary cargo built) inside one side of the link (`side`:
 * 'box' unless said), mDNS off unless `mdns` (only ever inside the test's
 * own namespaces). */
export async function startBoxIn(link, args = [], { side = 'box', mdns = false } = {}) {
  const bin = process.env.DT_BIN ?? join(root, 'target', 'debug', 'democratic-tunes');
  const dir = mkdtempSync(join(tmpdir(), 'dt-netns-'));
  const child = spawn(
    'ip',
    ['netns', 'exec', link.ns[side], bin, '--bind', '0.0.0.0:8000', '--db', join(dir, 'party.db'), ...args],
    { env: { ...process.env, RUST_LOG: 'info', ...(mdns ? {} : { DT_NO_MDNS: '1' }) }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const url = `http://${link.address[side]}:8000`;
  /** A JSON call from the box's own side of the link (the host's laptop on
   * a good connection), with the seed's X-User-ID. */
  const call = (method, path, { uid, body } = {}) => {
    const args = ['netns', 'exec', link.ns[side], 'curl', '-s', '-X', method, '-w', '\n%{http_code}'];
    if (uid) args.push('-H', `X-User-ID: ${uid}`);
    if (body !== undefined) args.push('-H', 'content-type: application/json', '--data', JSON.stringify(body));
    const out = execFileSync('ip', [...args, `${url}${path}`], { encoding: 'utf8' });
    const at = out.lastIndexOf('\n');
    const status = Number(out.slice(at + 1));
    const text = out.slice(0, at);
    if (status < 200 || status >= 300) throw new Error(`${method} ${path}: ${status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      call('GET', '/health');
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the box did not start: ${error}\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    call,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, run inside the link's phone side (playwright talks to
 * it over a pipe, which crosses namespaces). */
export async function launchPhoneBrowser(link, side = 'phone') {
  const dir = mkdtempSync(join(tmpdir(), 'dt-netns-chromium-'));
  const wrapper = join(dir, 'chromium-in-netns');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ip netns exec ${link.ns[side]} ${process.env.CHROMIUM ?? '/usr/bin/chromium'} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const browser = await chromium.launch({ executablePath: wrapper, args: chromiumFlags });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
