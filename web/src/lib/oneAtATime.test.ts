import { describe, expect, it } from 'vitest';
import { oneAtATime } from './oneAtATime';

describe('oneAtATime', () => {
  it('runs once more after the current run, however many calls came meanwhile', async () => {
    let runs = 0;
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const refresh = oneAtATime(async () => {
      runs += 1;
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((open) => gates.push(open));
      running -= 1;
    });
    const first = refresh();
    await refresh();
    await refresh();
    await refresh();
    expect(runs).toBe(1);
    gates[0]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
    gates[1]!();
    await first;
    expect([runs, most]).toEqual([2, 1]);
    // Idle again: the next call runs at once.
    const next = refresh();
    expect(runs).toBe(3);
    gates[2]!();
    await next;
  });

  it('keeps working after a run fails', async () => {
    let runs = 0;
    const refresh = oneAtATime(async () => {
      runs += 1;
      if (runs === 1) throw new Error('lost');
    });
    await expect(refresh()).rejects.toThrow('lost');
    await refresh();
    expect(runs).toBe(2);
  });
});
