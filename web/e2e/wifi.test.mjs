// The guest Wi-Fi on the TV: the host types it in once, and the party's
// screen shows a QR code that joins the Wi-Fi, then the party's own. Its
// password never reaches a guest's phone: every answer and socket frame the
// guest's page gets is checked for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addSong, boxAndBrowser, eventually, joinAs, laptop, phone, qrText, screenshotDir, startParty, tv } from './box.mjs';

const party = boxAndBrowser();

// 26 bytes in UTF-8 (an SSID takes 32): the QR code carries UTF-8, as
// phones read it.
const NAME = 'Café Featherstonehaugh 5G';
const PASSWORD = 'correct;horse:battery';

test('the TV offers the Wi-Fi, then the party; a guest never gets the password', async () => {
  const host = await (await party.chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, party.box.url);
  await addSong(host, 'superstition', 'Superstition');

  // The host sets the guest Wi-Fi in the settings.
  const wifi = host.getByRole('group', { name: 'Guest Wi-Fi (a QR code on the TV)' });
  await wifi.getByRole('textbox', { name: 'Network name' }).fill(NAME);
  await wifi.getByRole('textbox', { name: 'Password (none: open)' }).fill(PASSWORD);
  const saved = host.waitForResponse((r) => r.url().endsWith(`/rooms/${code}/settings`) && r.request().method() === 'PATCH');
  await host.locator('form', { has: wifi }).getByRole('button', { name: 'Set' }).click();
  assert.equal((await saved).status(), 200);

  // A guest's phone, every answer and frame recorded.
  const guest = await (await party.chromium.browser.newContext(phone)).newPage();
  const received = [];
  guest.on('response', (r) => {
    r.text().then(
      (text) => received.push([r.url(), text]),
      () => undefined,
    );
  });
  guest.on('websocket', (ws) => ws.on('framereceived', (f) => received.push([ws.url(), String(f.payload)])));
  await joinAs(guest, party.box.url, code, 'Bea');

  // The TV: first the Wi-Fi (its QR code joins it), then the party.
  const screen = await (await party.chromium.browser.newContext(tv)).newPage();
  await screen.goto(`${party.box.url}/r/${code}/tv`);
  await screen.getByText('1 · Join the Wi-Fi').waitFor();
  await screen.getByRole('img', { name: `QR code to join the Wi-Fi ${NAME}` }).waitFor();
  await screen.getByRole('img', { name: `QR code to join room ${code}` }).waitFor();
  await screen.getByText(PASSWORD).waitFor();
  assert.equal(await qrText(screen, 0), `WIFI:T:WPA;S:${NAME};P:correct\\;horse\\:battery;;`);
  assert.match(await qrText(screen, 1), new RegExp(`/r/${code}$`));
  await screen.screenshot({ path: join(screenshotDir, 'tv-wifi.png') });
  // On a 720p TV too, both codes and the party's code show whole.
  await screen.setViewportSize({ width: 1280, height: 720 });
  for (const what of [screen.locator('svg.qr').nth(0), screen.locator('svg.qr').nth(1), screen.locator('.tv-join .room-code'), screen.locator('.tv-address')]) {
    const box = await what.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 720 && box.width > 100, JSON.stringify(box));
  }

  // A new network name reaches the TV by itself.
  await wifi.getByRole('textbox', { name: 'Network name' }).fill('Backyard');
  await host.locator('form', { has: wifi }).getByRole('button', { name: 'Set' }).click();
  await screen.getByRole('img', { name: 'QR code to join the Wi-Fi Backyard' }).waitFor();

  // The guest's phone never got the password, in any answer or frame.
  await guest.reload();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
  await eventually(() => received.some(([url]) => url.includes('/ws')), { what: 'socket frames on the phone' });
  assert.ok(received.length > 10, `${received.length} answers and frames`);
  for (const [url, text] of received) assert.ok(!text.includes('correct;horse'), `${url}: ${text}`);
  assert.ok(!(await guest.content()).includes('correct;horse'));
});
