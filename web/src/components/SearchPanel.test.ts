import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../api/types';
import { standingOf } from './SearchPanel';

const hit = (in_room: SearchHit['in_room']): SearchHit => ({
  id: 't1',
  title: 'Halo',
  artist: 'Beyoncé',
  album: null,
  year: null,
  duration_ms: 200_000,
  playable: true,
  source: 'file',
  did_you_mean: null,
  in_room,
});

describe('standingOf', () => {
  const now = Date.parse('2026-12-06T21:00:00Z');
  it('says where a song stands instead of Add', () => {
    expect(standingOf(hit({ state: 'playing' }), now).badge).toBe('Playing now');
    expect(standingOf(hit({ state: 'queued', position: 3 }), now).badge).toBe('In the queue · #3');
    const cooling = standingOf(
      hit({ state: 'played', played_at: '2026-12-06T20:55:00Z', back_at: '2026-12-06T21:55:00Z' }),
      now,
    );
    expect(cooling.badge).toBe('Played 5 min ago · back in 55 min');
  });
  it('lets a song that may come back be added, with a note', () => {
    const free = standingOf(hit({ state: 'played', played_at: '2026-12-06T19:00:00Z', back_at: null }), now);
    expect(free).toEqual({ badge: null, note: 'Played 2 h ago' });
    expect(standingOf(hit(null), now)).toEqual({ badge: null, note: null });
  });
});
