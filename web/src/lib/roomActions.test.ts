import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { connection } from './connection';
import { RETRY_FOR_MS, deliver } from './roomActions';
import { toastStore } from './toasts';

const offline = () => new ApiError(null, 'network', 'votes');
const refused = () => new ApiError(409, 'That song has already played.', 'votes');

/** A clock that moves only when `deliver` sleeps. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: (ms: number) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

afterEach(() => {
  for (const toast of toastStore.snapshot()) toastStore.dismiss(toast.id);
  connection.report(true);
});

describe('deliver', () => {
  it('tries again while the box cannot be reached, then answers quietly', async () => {
    const time = fakeTime();
    let tries = 0;
    const answer = await deliver(
      () => (++tries < 4 ? Promise.reject(offline()) : Promise.resolve('counted')),
      () => true,
      time.sleep,
      time.now,
    );
    expect(answer).toBe('counted');
    expect(tries).toBe(4);
    // About a second apart, jittered so phones do not retry in step.
    for (const ms of time.sleeps) {
      expect(ms).toBeGreaterThanOrEqual(750);
      expect(ms).toBeLessThanOrEqual(1250);
    }
    expect(toastStore.snapshot()).toEqual([]);
    expect(connection.reachable()).toBe(true);
  });

  it('says the box is out of reach while it tries', async () => {
    const time = fakeTime();
    let seen = true;
    await deliver(
      () => Promise.reject(offline()),
      () => {
        seen = connection.reachable();
        return time.now() < 3000;
      },
      time.sleep,
      time.now,
    );
    expect(seen).toBe(false);
  });

  it('does not repeat a refusal: it is shown once', async () => {
    const time = fakeTime();
    let tries = 0;
    const answer = await deliver(
      () => {
        tries += 1;
        return Promise.reject(refused());
      },
      () => true,
      time.sleep,
      time.now,
    );
    expect(answer).toBeUndefined();
    expect(tries).toBe(1);
    expect(toastStore.snapshot().map((t) => t.message)).toEqual(['That song has already played.']);
  });

  it('stops, silently, once a later press replaces it', async () => {
    const time = fakeTime();
    let tries = 0;
    const answer = await deliver(
      () => {
        tries += 1;
        return Promise.reject(offline());
      },
      () => tries < 2,
      time.sleep,
      time.now,
    );
    expect(answer).toBeUndefined();
    expect(tries).toBe(2);
    expect(toastStore.snapshot()).toEqual([]);
  });

  it('gives up after a minute, and says so', async () => {
    const time = fakeTime();
    const answer = await deliver(() => Promise.reject(offline()), () => true, time.sleep, time.now);
    expect(answer).toBeUndefined();
    expect(time.now()).toBeGreaterThanOrEqual(RETRY_FOR_MS);
    expect(time.now()).toBeLessThan(RETRY_FOR_MS + 2000);
    expect(toastStore.snapshot()).toHaveLength(1);
  });
});
