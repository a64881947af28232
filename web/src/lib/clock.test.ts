import { afterEach, describe, expect, it, vi } from 'vitest';
import { boxNow, learn, resetClock } from './clock';

afterEach(() => {
  resetClock();
  vi.useRealTimers();
});

describe('the box clock', () => {
  it('is this clock until the box says otherwise', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    expect(boxNow()).toBe(1_000_000);
  });
  it('follows the box, halfway through the quickest exchange', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-07T10:00:01.000Z') });
    // The box is an hour behind; asked at 0.0 s, heard at 1.0 s (page time).
    learn(Date.parse('2026-12-07T10:00:00.000Z'), '2026-12-07T09:00:00.500000Z', Date.parse('2026-12-07T10:00:01.000Z'));
    expect(boxNow()).toBe(Date.parse('2026-12-07T09:00:01.000Z'));
    // A quicker exchange corrects it; a slower one is not trusted.
    learn(Date.parse('2026-12-07T10:00:00.900Z'), '2026-12-07T09:00:00.950000Z', Date.parse('2026-12-07T10:00:01.000Z'));
    expect(boxNow()).toBe(Date.parse('2026-12-07T09:00:01.000Z'));
    learn(Date.parse('2026-12-07T10:00:00.000Z'), '2026-12-07T08:00:00.000000Z', Date.parse('2026-12-07T10:00:01.000Z'));
    expect(boxNow()).toBe(Date.parse('2026-12-07T09:00:01.000Z'));
  });
  it('ignores what it cannot read', () => {
    vi.useFakeTimers({ now: 5_000 });
    learn(4_000, 'not a time', 5_000);
    learn(6_000, '2026-12-07T09:00:00Z', 5_000);
    expect(boxNow()).toBe(5_000);
  });
});
