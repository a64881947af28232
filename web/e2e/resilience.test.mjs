// When the network or the box lets a phone down: a browser without
// WebSockets keeps up by polling, a phone rides out the box restarting (a
// pulled plug, a reboot) and reconnects by itself to the same party, and a
// vote tapped before a slow page knows the guest still counts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSong, eventually, joinAs, laptop, launchBrowser, phone, playOpener, queueTitles, startBox, startParty } from './box.mjs';

let box;
let chromium;
before(async () => {
  box = await startBox(['--new-guest-vote-delay', '0']);
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await box?.stop();
});

/** Waits until `page` shows `votes` counted for `title`. */
async function counted(page, title, votes) {
  const count = page.locator('[data-testid="queue-row"]', { hasText: title }).locator('.vote-count');
  await eventually(async () => (await count.textContent())?.trim() === String(votes), { what: `${votes} vote for ${title}` });
}

/** Counts the live sockets a page tries (`count`), and those the box
 * really served: they brought a frame (`live`). */
function socketsOf(page) {
  const opened = { count: 0, live: 0 };
  page.on('websocket', (ws) => {
    opened.count++;
    let served = false;
    ws.on('framereceived', () => {
      if (!served) opened.live++;
      served = true;
    });
  });
  return opened;
}

test('a browser without WebSockets keeps up by polling', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, box.url, 'Anto');
  await playOpener(host);
  const context = await chromium.browser.newContext(phone);
  await context.addInitScript(() => {
    // An old browser, or a proxy that drops upgrades.
    Object.defineProperty(window, 'WebSocket', { value: undefined });
  });
  const guest = await context.newPage();
  const sockets = socketsOf(guest);
  await joinAs(guest, box.url, code, 'Bea');
  // The host adds; the guest's page shows it by polling (every 2.5 s).
  const added = Date.now();
  await addSong(host, 'take on me', 'Take On Me');
  await guest.locator('[data-testid="queue-row"]', { hasText: 'Take On Me' }).waitFor({ timeout: 6000 });
  console.log(`polling: the song showed after ${Date.now() - added} ms`);
  // ...and votes from it reach the box.
  await guest.getByRole('button', { name: 'Vote up Take On Me' }).click();
  await counted(host, 'Take On Me', 1);
  assert.equal(sockets.count, 0, 'no socket was tried');
  await host.context().close();
  await context.close();
});

test('a phone rides out the box restarting and reconnects to the same party by itself', async () => {
  const own = await startBox(['--new-guest-vote-delay', '0']);
  let restarted = null;
  try {
    const host = await (await chromium.browser.newContext(laptop)).newPage();
    const code = await startParty(host, own.url, 'Anto');
    await playOpener(host);
    const guest = await (await chromium.browser.newContext(phone)).newPage();
    const sockets = socketsOf(guest);
    await joinAs(guest, own.url, code, 'Bea');
    await addSong(guest, 'take on me', 'Take On Me');
    await eventually(async () => sockets.live >= 1, { what: 'live before the restart' });

    // The box goes away (its database stays)...
    await own.stop({ keep: true });
    const liveWhenItWent = sockets.live;
    await guest.getByRole('alert').filter({ hasText: /Can’t reach the box/ }).waitFor({ timeout: 15_000 });
    // ...and comes back on the same address.
    restarted = await startBox(['--new-guest-vote-delay', '0'], own);
    await guest.getByRole('alert').filter({ hasText: /Can’t reach the box/ }).waitFor({ state: 'detached', timeout: 15_000 });
    // The same party, the same guest, live again (a new socket, not just
    // polling): a song the host adds now reaches the phone without a reload.
    assert.deepEqual(await queueTitles(guest), ['Take On Me']);
    await eventually(async () => sockets.live > liveWhenItWent, { timeout: 15_000, what: 'the live socket reopened' });
    await host.reload();
    await addSong(host, 'superstition', 'Superstition');
    await guest.locator('[data-testid="queue-row"]', { hasText: 'Superstition' }).waitFor({ timeout: 6000 });
    await guest.getByRole('button', { name: 'Vote up Superstition' }).click();
    await counted(host, 'Superstition', 1);
    await host.context().close();
    await guest.context().close();
  } finally {
    await (restarted ?? own).stop();
  }
});

test('a vote tapped before the page knows the guest counts (a slow link just after joining)', async () => {
  const host = await (await chromium.browser.newContext(laptop)).newPage();
  const code = await startParty(host, box.url, 'Anto');
  await playOpener(host);
  await addSong(host, 'take on me', 'Take On Me');

  const context = await chromium.browser.newContext(phone);
  const guest = await context.newPage();
  // The guest's own side (`/me`) is slow to come: 3 s each time.
  let meAnswered = 0;
  await guest.route(/\/rooms\/[^/]+\/me$/, async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue();
  });
  guest.on('response', (r) => {
    if (/\/rooms\/[^/]+\/me$/.test(new URL(r.url()).pathname)) meAnswered += 1;
  });
  await guest.goto(`${box.url}/r/${code}`);
  await guest.getByLabel('Your name').fill('Quick Thumb');
  await guest.getByRole('button', { name: 'Join the party' }).click();
  const up = guest.getByRole('button', { name: 'Vote up Take On Me' });
  await up.click();
  assert.equal(meAnswered, 0, 'tapped before the page knew the guest');
  assert.equal(await up.getAttribute('aria-pressed'), 'true');
  await counted(host, 'Take On Me', 1);
  // Still the guest's own once the box has said who they are.
  await eventually(async () => meAnswered > 0, { what: '/me answered' });
  await counted(guest, 'Take On Me', 1);
  assert.equal(await up.getAttribute('aria-pressed'), 'true');
  await host.context().close();
  await context.close();
});
