import { describe, expect, it } from 'vitest';
import { backoffMs } from './live';

describe('backoffMs', () => {
  it('doubles from half a second up to ten', () => {
    const top = () => 1; // no jitter: the ceiling itself
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, top))).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });
  it('jitters each wait to between half and all of it', () => {
    expect(backoffMs(3, () => 0)).toBe(1000);
    for (let i = 0; i < 100; i++) {
      const wait = backoffMs(4);
      expect(wait).toBeGreaterThanOrEqual(2000);
      expect(wait).toBeLessThanOrEqual(4000);
    }
  });
});
