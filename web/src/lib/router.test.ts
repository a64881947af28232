import { describe, expect, it } from 'vitest';
import { cleanCode, parseRoute } from './router';

describe('parseRoute', () => {
  it('knows the join link and the TV view, in any case', () => {
    expect(parseRoute('/r/abc234')).toEqual({ page: 'room', code: 'ABC234' });
    expect(parseRoute('/r/ABC234/')).toEqual({ page: 'room', code: 'ABC234' });
    expect(parseRoute('/r/ABC234/tv')).toEqual({ page: 'tv', code: 'ABC234' });
    expect(parseRoute('/r/abc234/wrapped')).toEqual({ page: 'wrapped', code: 'ABC234' });
    expect(parseRoute('/r/abc-234')).toEqual({ page: 'room', code: 'ABC234' });
  });
  it('sends anything else to the start page', () => {
    for (const path of ['/', '/r/', '/r/--', '/r/ABC/tv/extra', '/r/ABC/other', '/elsewhere', `/r/${'A'.repeat(17)}`]) {
      expect(parseRoute(path)).toEqual({ page: 'start' });
    }
  });
});

describe('cleanCode', () => {
  it('reads a code as typed off the TV', () => {
    expect(cleanCode(' u z 8 2 9 3 ')).toBe('UZ8293');
    expect(cleanCode('UZ-8293')).toBe('UZ8293');
    expect(cleanCode('uz8293')).toBe('UZ8293');
  });
});
