import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { connection } from './connection';
import { FIRST_TRIES, FIRST_TRY_TIMEOUT_MS, RETRY_EVERY_MS, RETRY_FOR_MS, RETRY_TIMEOUT_MS, deliver, tryTimeoutMs } from './roomActions';
import { toastStore } from './toasts';
import { TryBudget } from './tries';

const offline = () => new ApiError(null, 'network', 'votes');
const refused = () => new ApiError(409, 'That song has already played.', 'votes');

/** Time that moves only when the test says: `tick()` is the next retry. */
function fakeClock() {
  let t = 0;
  let tick: (() => void) | null = null;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    every(ms: () => number, fn: () => void) {
      tick = fn;
      waits.push(ms());
      return () => {
        tick = null;
      };
    },
    /** The next retry, `ms` later; false once `deliver` stopped asking. */
    advance(ms = 1000) {
      t += ms;
      if (!tick) return false;
      tick();
      return true;
    },
  };
}

/** Tries that the test answers one by one. */
function tries() {
  const pending: { resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
  return {
    pending,
    work: () => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })),
  };
}

const settled = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  for (const toast of toastStore.snapshot()) toastStore.dismiss(toast.id);
  connection.report(true);
});

describe('deliver', () => {
  it('numbers its tries: the first ones (on connections an outage may have killed) are cut short, the later ones given long', async () => {
    const clock = fakeClock();
    const numbers: number[] = [];
    const answer = deliver(
      (n) => {
        numbers.push(n);
        return n < 3 ? Promise.reject(offline()) : Promise.resolve('counted');
      },
      () => true,
      clock,
      new TryBudget(5),
    );
    await settled();
    for (let i = 0; i < 3; i += 1) {
      clock.advance(RETRY_EVERY_MS);
      await settled();
    }
    expect(await answer).toBe('counted');
    expect(numbers).toEqual([0, 1, 2, 3]);
    const first = Array.from({ length: FIRST_TRIES }, () => FIRST_TRY_TIMEOUT_MS);
    expect([0, 1, 2, 3].map(tryTimeoutMs)).toEqual([...first, RETRY_TIMEOUT_MS, RETRY_TIMEOUT_MS].slice(0, 4));
    expect(FIRST_TRY_TIMEOUT_MS).toBeLessThan(RETRY_TIMEOUT_MS);
  });

  it('answers at once when the box does', async () => {
    const clock = fakeClock();
    expect(await deliver(() => Promise.resolve('counted'), () => true, clock, new TryBudget(5))).toBe('counted');
  });

  it('starts another try every so often while none answered, as many at once as the budget allows; the first answer wins', async () => {
    const clock = fakeClock();
    const t = tries();
    const budget = new TryBudget(3);
    const answer = deliver(t.work, () => true, clock, budget);
    expect(t.pending).toHaveLength(1);
    expect(budget.delivering()).toBe(true);
    clock.advance();
    clock.advance();
    clock.advance();
    expect(t.pending).toHaveLength(3);
    // The oldest try is lost; the next retry takes its place.
    t.pending[0]!.reject(offline());
    await settled();
    expect(connection.reachable()).toBe(false);
    clock.advance();
    expect(t.pending).toHaveLength(4);
    t.pending[2]!.resolve('counted');
    expect(await answer).toBe('counted');
    expect(budget.delivering()).toBe(false);
    expect(connection.reachable()).toBe(true);
    expect(clock.advance()).toBe(false);
    expect(toastStore.snapshot()).toEqual([]);
    // Waits are jittered around a second, so phones do not retry in step.
    for (const ms of clock.waits) {
      expect(ms).toBeGreaterThanOrEqual(RETRY_EVERY_MS * 0.75);
      expect(ms).toBeLessThanOrEqual(RETRY_EVERY_MS * 1.25);
    }
  });

  it('shares the budget with other deliveries: slots come back as tries end', async () => {
    const clock = fakeClock();
    const first = tries();
    const second = tries();
    const budget = new TryBudget(2);
    void deliver(first.work, () => true, clock, budget);
    clock.advance();
    void deliver(second.work, () => true, clock, budget);
    expect([first.pending.length, second.pending.length]).toEqual([2, 0]);
    first.pending[0]!.reject(offline());
    await settled();
    clock.advance();
    expect([first.pending.length, second.pending.length]).toEqual([2, 1]);
    expect(budget.take()).toBe(false);
  });

  it('does not repeat a refusal: it is shown once', async () => {
    const clock = fakeClock();
    let n = 0;
    const answer = await deliver(
      () => {
        n += 1;
        return Promise.reject(refused());
      },
      () => true,
      clock,
      new TryBudget(5),
    );
    expect(answer).toBeUndefined();
    expect(n).toBe(1);
    expect(toastStore.snapshot().map((x) => x.message)).toEqual(['That song has already played.']);
  });

  it('stops, silently, once a later press replaces it', async () => {
    const clock = fakeClock();
    const t = tries();
    let wanted = true;
    const answer = deliver(t.work, () => wanted, clock, new TryBudget(5));
    wanted = false;
    clock.advance();
    expect(await answer).toBeUndefined();
    expect(t.pending).toHaveLength(1);
    expect(toastStore.snapshot()).toEqual([]);
  });

  it('gives up after a minute, and says so', async () => {
    const clock = fakeClock();
    const answer = deliver(() => Promise.reject(offline()), () => true, clock, new TryBudget(5));
    await settled();
    let rounds = 0;
    while (clock.advance()) {
      rounds += 1;
      await settled();
    }
    expect(await answer).toBeUndefined();
    expect(clock.now()).toBeGreaterThanOrEqual(RETRY_FOR_MS);
    expect(rounds).toBeLessThanOrEqual(RETRY_FOR_MS / (RETRY_EVERY_MS * 0.75) + 1);
    expect(toastStore.snapshot()).toHaveLength(1);
  });
});
