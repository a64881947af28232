// Running the party from the browser: the host makes a co-host, who removes
// a guest's song and kicks the guest; the guest's phone shows what happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addSong, axeViolations, boxAndBrowser, eventually, joinAs, laptop, phone, queueTitles, screenshotDir, startParty } from './box.mjs';

const party = boxAndBrowser(['--new-guest-vote-delay', '0']);

test('a co-host removes a song and kicks a guest; the guest sees it happen', async () => {
  const host = await (await party.chromium.browser.newContext(laptop)).newPage();
  const cy = await (await party.chromium.browser.newContext(phone)).newPage();
  const bea = await (await party.chromium.browser.newContext(phone)).newPage();
  const code = await startParty(host, party.box.url);
  await joinAs(cy, party.box.url, code, 'Cy');
  await joinAs(bea, party.box.url, code, 'Bea');

  // Guests see no moderation: no people panel, no skip, no remove.
  assert.equal(await bea.getByRole('heading', { name: 'People' }).count(), 0);
  assert.equal(await bea.getByRole('button', { name: 'Skip', exact: true }).count(), 0);

  // The room votes to skip: two of the three people here. (The first
  // song starts by itself.)
  await addSong(host, 'africa', 'Africa');
  await addSong(host, 'rosanna', 'Rosanna');
  await bea.locator('.now-title', { hasText: 'Africa' }).waitFor({ timeout: 8000 });
  await bea.getByRole('button', { name: /^Vote to skip/ }).click();
  await bea.getByRole('button', { name: 'Asked to skip (1 of 2 needed)' }).waitFor();
  await cy.getByRole('button', { name: /^Vote to skip/ }).click();
  await bea.locator('.now-title', { hasText: 'Rosanna' }).waitFor({ timeout: 8000 });

  // The host makes Cy a co-host; Cy's phone is told and gains the powers.
  const cyRow = host.locator('[data-testid="member-row"]', { hasText: 'Cy' });
  await cyRow.getByRole('button', { name: 'Make co-host' }).click();
  await cyRow.getByText('Co-host').waitFor();
  await cy.getByText('Anto made you a co-host: you can skip and moderate now.').waitFor();
  await cy.getByRole('heading', { name: 'People' }).waitFor();
  await cy.getByText(/you’re Cy \(co-host\)/).waitFor();

  // A co-host pauses and resumes the room from Now playing; guests see it.
  const nowPlaying = cy.getByRole('region', { name: 'Now playing' });
  await nowPlaying.getByRole('button', { name: 'Pause' }).click();
  await bea.locator('.now-artist .badge', { hasText: 'Paused' }).waitFor({ timeout: 8000 });
  await nowPlaying.getByRole('button', { name: 'Resume' }).click();
  await eventually(async () => (await bea.locator('.now-artist .badge', { hasText: 'Paused' }).count()) === 0, {
    what: 'the room plays on',
  });
  assert.equal(await bea.getByRole('region', { name: 'Now playing' }).getByRole('button', { name: 'Pause' }).count(), 0);

  // Bea renames herself; the host's People list and presence follow.
  await bea.getByRole('button', { name: 'Change your name' }).click();
  await bea.getByRole('textbox', { name: 'Your name' }).fill('Beatriz');
  await bea.getByRole('button', { name: 'Save' }).click();
  await bea.getByText(/you’re Beatriz/).waitFor();
  await host.locator('[data-testid="member-row"]', { hasText: 'Beatriz' }).waitFor({ timeout: 8000 });
  await bea.getByRole('button', { name: 'Change your name' }).click();
  await bea.getByRole('textbox', { name: 'Your name' }).fill('Bea');
  await bea.getByRole('button', { name: 'Save' }).click();
  await bea.getByText(/you’re Bea\b/).waitFor();

  // Bea adds a song; anyone can see why it sits where it does.
  await addSong(bea, 'superstition', 'Superstition');
  await eventually(async () => (await queueTitles(cy)).includes('Superstition'), { what: 'Cy sees the song' });
  await bea.getByRole('button', { name: 'why #1? Superstition' }).click();
  await bea.getByText('no votes yet · Bea’s first pick tonight'.replace('’', "'")).waitFor();

  // Cy removes it from its row, with a reason; Bea's phone hears why, and
  // the song goes. Bea's own row has no Remove for others' songs.
  assert.equal(await bea.getByRole('button', { name: 'Remove Superstition' }).count(), 0);
  await cy.getByRole('button', { name: 'Remove Superstition' }).click();
  await cy.getByLabel('Reason for removing Superstition (optional)').fill('not tonight');
  await assertNoViolations(cy, 'co-host room');
  await cy.screenshot({ path: join(screenshotDir, 'cohost.png') });
  await cy.getByRole('button', { name: 'Remove Superstition' }).click();
  await bea.getByText('Cy removed your song “Superstition”: not tonight').waitFor();
  await eventually(async () => !(await queueTitles(bea)).includes('Superstition'), { what: 'the song leaves Bea’s queue' });

  // Cy kicks Bea; Bea's phone says so and stops.
  await cy.getByRole('button', { name: 'Kick Bea' }).click();
  await cy.getByRole('group', { name: 'Kick Bea out? They may join again.' }).waitFor();
  await cy.getByRole('button', { name: 'Yes, kick' }).click();
  await bea.getByRole('heading', { name: 'You’re out of this party' }).waitFor({ timeout: 8000 });
  await bea.getByText('Cy removed you from the party.').waitFor();
  await eventually(async () => (await host.locator('[data-testid="member-row"]').count()) === 2, {
    what: 'the host’s list loses Bea',
  });

  // A ban asks once more, then binds; the host can lift it.
  const dee = await (await party.chromium.browser.newContext(phone)).newPage();
  await joinAs(dee, party.box.url, code, 'Dee');
  await host.getByRole('button', { name: 'Ban Dee' }).click();
  await host.getByRole('group', { name: 'Ban Dee for good?' }).waitFor();
  await host.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await dee.getByRole('heading', { name: 'You’re out of this party' }).count(), 0, 'Cancel bans nobody');
  await host.getByRole('button', { name: 'Ban Dee' }).click();
  await host.getByRole('button', { name: 'Yes, ban' }).click();
  await dee.getByRole('heading', { name: 'You’re out of this party' }).waitFor({ timeout: 8000 });
  const banned = host.getByRole('list', { name: 'Banned' });
  await banned.getByText('Dee').waitFor();
  // At the door, Dee is told before typing anything: no form to fill.
  await dee.goto(`${party.box.url}/r/${code}`);
  await dee.getByRole('alert').getByText('The host has removed you from this party.').waitFor();
  assert.equal(await dee.getByRole('button', { name: 'Join the party' }).count(), 0);
  await host.screenshot({ path: join(screenshotDir, 'host-bans.png') });
  await host.getByRole('button', { name: 'Lift the ban on Dee' }).click();
  await host.getByText('Dee may join again.').waitFor();
  await eventually(async () => (await host.locator('[data-testid="ban-row"]').count()) === 0, {
    what: 'the ban list empties',
  });

  // The log tells the host what happened, newest first.
  const log = host.getByRole('region', { name: 'Moderation log' });
  await log.getByText(/Anto lifted the ban on “Dee”/).waitFor();
  await log.getByText(/Cy kicked “Bea”/).waitFor();
  await log.getByText(/Cy removed a song “Superstition”/).waitFor();
  await log.getByText(/Anto made a co-host “Cy”/).waitFor();
});

async function assertNoViolations(page, view) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${view}: axe found serious or critical problems`);
}
