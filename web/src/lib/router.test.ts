import { describe, expect, it } from 'vitest';
import { parseRoute } from './router';

describe('parseRoute', () => {
  it('knows the join link and the TV view, in any case', () => {
    expect(parseRoute('/r/abc234')).toEqual({ page: 'room', code: 'ABC234' });
    expect(parseRoute('/r/ABC234/')).toEqual({ page: 'room', code: 'ABC234' });
    expect(parseRoute('/r/ABC234/tv')).toEqual({ page: 'tv', code: 'ABC234' });
    expect(parseRoute('/r/abc234/wrapped')).toEqual({ page: 'wrapped', code: 'ABC234' });
  });
  it('sends anything else to the start page', () => {
    for (const path of ['/', '/r/', '/r/ab-cd', '/r/ABC/tv/extra', '/r/ABC/other', '/elsewhere']) {
      expect(parseRoute(path)).toEqual({ page: 'start' });
    }
  });
});
