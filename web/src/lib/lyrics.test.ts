import { describe, expect, it } from 'vitest';
import { LINES_SHOWN, firstShown, lineAt } from './lyrics';

const lines = [1_000, 3_000, 3_000, 5_000].map((at, i) => ({ at_ms: at, text: `line ${i}` }));

describe('lineAt', () => {
  it('is the last line started', () => {
    expect(lineAt(lines, 0)).toBeNull();
    expect(lineAt(lines, 999)).toBeNull();
    expect(lineAt(lines, 1_000)).toBe(0);
    expect(lineAt(lines, 2_999)).toBe(0);
    expect(lineAt(lines, 3_000)).toBe(2);
    expect(lineAt(lines, 99_000)).toBe(3);
    expect(lineAt([], 5_000)).toBeNull();
  });
  it('matches a walk through the lines for any position', () => {
    for (let p = -500; p < 7_000; p += 250) {
      const walked = lines.reduce<number | null>((last, l, i) => (l.at_ms <= p ? i : last), null);
      expect(lineAt(lines, p)).toBe(walked);
    }
  });
});

describe('firstShown', () => {
  it('keeps one line before the current, and the window inside the song', () => {
    expect(firstShown(null, 20)).toBe(0);
    expect(firstShown(0, 20)).toBe(0);
    expect(firstShown(7, 20)).toBe(6);
    expect(firstShown(19, 20)).toBe(20 - LINES_SHOWN);
    expect(firstShown(2, 3)).toBe(0);
  });
});
