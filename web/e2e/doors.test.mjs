// The way in, as a stranger finds it: a code typed as the TV spells it,
// a party that asks for its PIN before the first try, a wrong PIN told
// apart from a missing one, a full party; and the whole page in Spanish
// for a phone set to Spanish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSong, axeViolations, boxAndBrowser, phone, smallPhone } from './box.mjs';

const party = boxAndBrowser(['--new-guest-vote-delay', '0']);

async function hostParty(name = 'Anto') {
  const host = await (await party.chromium.browser.newContext(phone)).newPage();
  await host.goto(party.box.url);
  await host.getByRole('textbox', { name: 'Your name' }).fill(name);
  await host.getByRole('button', { name: 'Start a party' }).click();
  const code = (await host.locator('.room-code').textContent()).trim();
  const hostId = await host.evaluate(() => localStorage.getItem('dt.uid'));
  const settings = (patch) =>
    fetch(`${party.box.url}/rooms/${code}/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-user-id': hostId },
      body: JSON.stringify(patch),
    }).then((r) => assert.ok(r.ok, `settings ${r.status}`));
  const joinToken = () =>
    fetch(`${party.box.url}/rooms/${code}/join-token`, { headers: { 'x-user-id': hostId } }).then(async (r) => {
      assert.ok(r.ok, `join-token ${r.status}`);
      return (await r.json()).token;
    });
  return { host, code, settings, joinToken };
}

test('a code typed with spaces and in lower case finds the party; a PIN is asked for before the first try', async () => {
  const { host, code, settings } = await hostParty();
  await settings({ join_pin: '2468' });
  const guest = await (await party.chromium.browser.newContext(smallPhone)).newPage();
  await guest.goto(party.box.url);
  await guest.getByRole('textbox', { name: 'Room code' }).fill(` ${code.toLowerCase().split('').join(' ')} `);
  await guest.getByRole('button', { name: 'Join', exact: true }).click();
  await guest.getByRole('heading', { name: /^Join Anto's party$/ }).waitFor();
  // The PIN field is there before any try.
  const pin = guest.getByLabel('Party PIN (ask the host)');
  await pin.waitFor();
  await guest.getByLabel('Your name').fill('Bea');
  await guest.getByRole('button', { name: 'Join the party' }).click();
  await guest.getByRole('alert').getByText('This party needs its PIN to join: ask the host.').waitFor();
  await pin.fill('1111');
  await guest.getByRole('button', { name: 'Join the party' }).click();
  await guest.getByRole('alert').getByText(/That PIN is not right.*4 tries left/).waitFor();
  assert.deepEqual(await axeViolations(guest), []);
  await pin.fill('2468');
  await guest.getByRole('button', { name: 'Join the party' }).click();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();

  // The start page offers the way back, by the party's name.
  await guest.goto(party.box.url);
  await guest.getByRole('link', { name: "Back to Anto's party" }).click();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();

  // A full party and an unknown code each say so at the door.
  await settings({ max_guests: 2 });
  const late = await (await party.chromium.browser.newContext(smallPhone)).newPage();
  await late.goto(`${party.box.url}/r/${code}`);
  await late.getByRole('alert').getByText(/This party is full/).waitFor();
  await late.goto(`${party.box.url}/r/ZZZZZZ`);
  await late.getByText('There is no party with the code ZZZZZZ.', { exact: false }).waitFor();
  for (const page of [host, guest, late]) await page.context().close();
});

test('the QR code on the TV lets a guest in without the PIN; the link without it does not', async () => {
  const { host, code, settings, joinToken } = await hostParty('Cleo');
  await settings({ join_pin: '1357' });
  // The TV's QR code carries the party screen's join token (?t=).
  const token = await joinToken();
  const guest = await (await party.chromium.browser.newContext(smallPhone)).newPage();
  await guest.goto(`${party.box.url}/r/${code}?t=${encodeURIComponent(token)}`);
  await guest.getByRole('heading', { name: /^Join Cleo's party$/ }).waitFor();
  assert.equal(await guest.getByLabel('Party PIN (ask the host)').count(), 0, 'no PIN asked with the QR token');
  await guest.getByLabel('Your name').fill('Dani');
  await guest.getByRole('button', { name: 'Join the party' }).click();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
  // A stale or made-up token is no way in: the PIN is asked for.
  const other = await (await party.chromium.browser.newContext(smallPhone)).newPage();
  await other.goto(`${party.box.url}/r/${code}?t=NOTATOKEN`);
  await other.getByLabel('Your name').fill('Eli');
  await other.getByRole('button', { name: 'Join the party' }).click();
  await other.getByRole('alert').getByText(/PIN/).waitFor();
  assert.equal(await other.getByRole('heading', { name: 'Add a song' }).count(), 0);
  for (const page of [host, guest, other]) await page.context().close();
});

test('a phone set to Spanish gets the party in Spanish, refusals included, and can switch', async () => {
  const { host, code, settings } = await hostParty('Ana');
  await addSong(host, 'autobahn', 'Autobahn');
  await settings({ join_pin: '1357' });
  const context = await party.chromium.browser.newContext({ ...smallPhone, locale: 'es-ES' });
  const guest = await context.newPage();
  await guest.goto(`${party.box.url}/r/${code}`);
  await guest.getByRole('heading', { name: "Únete a Ana's party" }).waitFor();
  assert.equal(await guest.evaluate(() => document.documentElement.lang), 'es');
  await guest.getByLabel('Tu nombre').fill('Lucía');
  await guest.getByLabel('PIN de la fiesta (pídeselo al anfitrión)').fill('0000');
  await guest.getByRole('button', { name: 'Entrar a la fiesta' }).click();
  // The box's refusal, by its code, in Spanish.
  await guest.getByRole('alert').getByText('Ese PIN no es correcto: compruébalo con el anfitrión (te quedan 4 intentos).').waitFor();
  await guest.getByLabel('PIN de la fiesta (pídeselo al anfitrión)').fill('1357');
  await guest.getByRole('button', { name: 'Entrar a la fiesta' }).click();
  await guest.getByRole('heading', { name: 'Añade una canción' }).waitFor();
  await guest.getByRole('heading', { name: 'Sonando ahora' }).waitFor();
  // Search forgives, in Spanish too.
  await guest.getByLabel('Buscar por artista o título').fill('beyounce');
  await guest.getByRole('button', { name: '¿Quisiste decir Beyoncé?' }).waitFor();
  await guest.getByLabel('Buscar por artista o título').fill('autobahn');
  await guest.locator('.result-row', { hasText: 'Autobahn' }).getByText('Sonando ahora').waitFor();
  assert.deepEqual(await axeViolations(guest), []);
  // The switch in the page: English, and it stays on this phone.
  await guest.getByLabel('Idioma').selectOption('en');
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
  await guest.reload();
  await guest.getByRole('heading', { name: 'Add a song' }).waitFor();
  await host.context().close();
  await context.close();
});
