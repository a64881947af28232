// Two boxes with one name on one LAN (network namespaces of the test's own,
// mDNS on only there): the second becomes `qrparty-2.local`, and its host's
// page, join link and QR code send guests to it, not to the first box.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, laptop, qrText } from './box.mjs';
import { cannotRun, lanUnavailable, launchPhoneBrowser, makeLink, startBoxIn } from './netns.mjs';

test('a box renamed by a clash shows its own name in the join link and the QR code', async (t) => {
  const why = lanUnavailable();
  if (why) return cannotRun(t, 'lan names', why);
  const link = makeLink();
  const boxes = [];
  let browser = null;
  try {
    const args = ['--hostname', 'qrparty', '--name', 'QR Party'];
    const first = await startBoxIn(link, args, { side: 'box', mdns: true });
    boxes.push(first);
    // The first box holds the name (probing and announcing take ~1 s).
    await new Promise((r) => setTimeout(r, 3000));
    const second = await startBoxIn(link, args, { side: 'phone', mdns: true });
    boxes.push(second);
    const renamed = 'http://qrparty-2.local:8000';
    await eventually(() => second.call('GET', '/box').join_url === renamed, {
      timeout: 20_000,
      what: `the second box to say ${renamed}`,
    });
    assert.equal(first.call('GET', '/box').join_url, 'http://qrparty.local:8000');

    // The second box's host, on the second box's own machine.
    browser = await launchPhoneBrowser(link, 'phone');
    const host = await (await browser.browser.newContext(laptop)).newPage();
    await host.goto(second.url);
    await host.getByRole('textbox', { name: 'Your name' }).fill('Host');
    await host.getByRole('button', { name: 'Start a party' }).click();
    const code = (await host.locator('.room-code').textContent()).trim();
    await host.locator('.join-url', { hasText: `${renamed}/r/${code}` }).waitFor();
    const scanned = await eventually(async () => {
      const text = await qrText(host);
      return text?.startsWith(`${renamed}/r/${code}?t=`) ? text : null;
    }, { what: 'the QR code to carry the renamed link' });
    assert.ok(scanned.startsWith(`${renamed}/r/${code}?t=`), scanned);
  } finally {
    await browser?.close();
    for (const box of boxes) await box.stop();
    link.remove();
  }
});
