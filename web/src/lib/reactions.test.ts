import { describe, expect, it } from 'vitest';
import { EMOJI, RISE_MS, ReactionFeed, rise } from './reactions';

describe('rise', () => {
  it('adds one, somewhere across, and lets the risen ones go', () => {
    const one = rise([], '🔥', 1000, 5, () => 0.5, 1);
    expect(one).toEqual([{ id: 1, emoji: '🔥', x: 0.5, born: 1000 }]);
    const two = rise(one, '🎉', 1000 + RISE_MS - 1, 5, () => 0, 2);
    expect(two.map((r) => r.emoji)).toEqual(['🔥', '🎉']);
    const later = rise(two, '👏', 1000 + RISE_MS, 5, () => 1, 3);
    expect(later.map((r) => r.emoji)).toEqual(['🎉', '👏']);
    expect(later[1]?.x).toBeCloseTo(0.95);
  });
  it('shows no more than the cap at once', () => {
    let shown = [] as ReturnType<typeof rise>;
    for (let i = 0; i < 100; i++) shown = rise(shown, EMOJI[i % EMOJI.length] ?? '🔥', 5000 + i, 12, Math.random, i);
    expect(shown).toHaveLength(12);
    expect(shown.map((r) => r.id)).toEqual([...Array(12).keys()]);
  });
});

describe('ReactionFeed', () => {
  it('tells every subscriber until it unsubscribes', () => {
    const feed = new ReactionFeed();
    const seen: string[] = [];
    const stop = feed.subscribe((f) => seen.push(f.emoji));
    feed.emit({ type: 'reaction', emoji: '🔥', room_track_id: 'a' });
    stop();
    feed.emit({ type: 'reaction', emoji: '🎉', room_track_id: 'a' });
    expect(seen).toEqual(['🔥']);
  });
});
