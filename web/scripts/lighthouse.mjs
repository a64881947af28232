// Lighthouse on the guest room at mobile size: a real box, a guest who has
// joined (in the same Chromium profile), then lighthouse on /r/CODE.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import lighthouse from 'lighthouse';
// Run by scripts/lighthouse, from a throwaway folder with lighthouse in it.
const { startBox, addSong } = await import(`${process.env.DT_ROOT}/web/e2e/box.mjs`);

const box = await startBox(['--new-guest-vote-delay', '0']);
const profile = mkdtempSync(join(tmpdir(), 'lh-'));
const port = 9333;
const chrome = spawn('/usr/bin/chromium', [`--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', 'about:blank'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 1500));
const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
const context = browser.contexts()[0];
// The host, in a context of its own, starts the party with songs.
const hostCtx = await browser.newContext();
const host = await hostCtx.newPage();
await host.goto(box.url);
await host.getByRole('textbox', { name: 'Your name' }).fill('Anto');
await host.getByRole('button', { name: 'Start a party' }).click();
const code = (await host.locator('.room-code').textContent()).trim();
for (const [q, t] of [['africa', 'Africa'], ['rosanna', 'Rosanna'], ['superstition', 'Superstition'], ['dancing queen', 'Dancing Queen']]) await addSong(host, q, t);
// The guest joins in the default profile (the one lighthouse uses).
const guest = await context.newPage();
await guest.goto(`${box.url}/r/${code}`);
await guest.getByLabel('Your name').fill('Bea');
await guest.getByRole('button', { name: 'Join the party' }).click();
await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
await guest.close();
const result = await lighthouse(`${box.url}/r/${code}`, { port, output: 'json', logLevel: 'error', disableStorageReset: true, formFactor: 'mobile', screenEmulation: { mobile: true, width: 360, height: 640, deviceScaleFactor: 2, disabled: false } });
const cats = result.lhr.categories;
console.log('| category | score |\n|---|---:|');
for (const k of ['performance', 'accessibility', 'best-practices', 'seo']) console.log(`| ${cats[k].title} | ${Math.round(cats[k].score * 100)} |`);
for (const a of Object.values(result.lhr.audits).filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative').slice(0, 12)) console.log('-', a.id, a.score, a.displayValue ?? '');
await browser.close();
chrome.kill();
await box.stop();
