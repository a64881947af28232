import { describe, expect, it } from 'vitest';
import type { Wrapped } from '../api/types';
import { activityBars, headlines } from './wrapped';

const night: Wrapped = {
  room_name: 'Roof',
  guests: 4,
  tracks_played: 2,
  played_ms: 125_000,
  tracks_skipped: 0,
  top_tracks: [{ title: 'Africa', artist: 'Toto', added_by: 'Bea', votes: 3, ups: 3, downs: 0, played: true }],
  top_contributors: [],
  most_divisive: { title: 'Roar', artist: 'Katy Perry', added_by: 'Cy', votes: 0, ups: 2, downs: 2, played: false },
  best_backer: { display_name: 'Dee', winners: 1 },
  most_loved: { title: 'Africa', artist: 'Toto', added_by: 'Bea', reactions: 12, emoji: '💃' },
  loved_moment: { title: 'Africa', artist: 'Toto', position_ms: 130_000, reactions: 7, emoji: '🔥' },
  busiest_hour: { hour: '2026-11-24T21:00:00Z', adds: 4, votes: 9 },
  activity: [
    { hour: '2026-11-24T20:00:00Z', adds: 1, votes: 2 },
    { hour: '2026-11-24T21:00:00Z', adds: 4, votes: 9 },
  ],
};

describe('headlines', () => {
  it('tells the night in a few lines', () => {
    expect(headlines(night)).toEqual([
      '2 tracks played · 2:05 of music · 4 guests',
      'Song of the night: Africa by Toto (3 votes)',
      'Most divisive: Roar (2 up, 2 down)',
      'Best taste: Dee, who backed 1 winner',
      'Most loved: Africa by Toto (💃 × 12)',
      'The moment: 2:10 into Africa, 7 reactions in 15 seconds 🔥',
    ]);
  });
  it('leaves out what did not happen', () => {
    const quiet = { ...night, top_tracks: [], most_divisive: null, best_backer: null, most_loved: null, loved_moment: null, tracks_played: 1, guests: 1 };
    expect(headlines(quiet)).toEqual(['1 track played · 2:05 of music · 1 guest']);
  });
});

describe('activityBars', () => {
  it('scales every hour to the busiest', () => {
    const bars = activityBars(night.activity);
    expect(bars.map((b) => [b.value, b.share])).toEqual([
      [3, 3 / 13],
      [13, 1],
    ]);
  });
  it('copes with a night without activity', () => {
    expect(activityBars([])).toEqual([]);
  });
});
