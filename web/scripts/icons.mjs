// Renders the PNG icons (home screen, iOS) from public/favicon.svg with
// Debian's Chromium. A developer tool: the PNGs are committed.
//   node scripts/icons.mjs
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync(new URL('../public/favicon.svg', import.meta.url), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
for (const size of [192, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  // Full-bleed square (maskable-safe: the note sits in the middle 60%).
  const art = svg.replace('rx="14"', 'rx="0"');
  await page.setContent(`<style>html,body{margin:0;background:#14111f}svg{width:${size}px;height:${size}px;display:block}</style>${art}`);
  await page.screenshot({ path: new URL(`../public/icon-${size}.png`, import.meta.url).pathname });
  await page.close();
}
await browser.close();
