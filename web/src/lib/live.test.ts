import { describe, expect, it } from 'vitest';
import type { LiveFrame, QueueItem } from '../api/types';
import { applyDelta, backoffMs } from './live';

const item = (id: string, votes = 0): QueueItem =>
  ({ room_track_id: id, title: `Song ${id}`, votes }) as unknown as QueueItem;
const room = (ids: string[], version = 1): LiveFrame =>
  ({
    type: 'snapshot',
    version,
    queue: ids.map((id) => item(id)),
    now_playing: null,
    presence: { count: 1, names: ['Bea'] },
    skip: { votes: 0, needed: 1 },
    settings: {},
  }) as unknown as LiveFrame;

describe('applyDelta', () => {
  it('moves, replaces, adds and removes as the box says', () => {
    const before = room(['a', 'b', 'c', 'd']);
    const after = applyDelta(before, {
      type: 'delta',
      base: 1,
      version: 2,
      queue: {
        remove: ['b'],
        upsert: [item('d', 3), item('e')],
        place: [
          ['d', null],
          ['e', 'c'],
        ],
      },
      presence: { count: 2, names: ['Bea', 'Cy'] },
    });
    expect(after?.version).toBe(2);
    expect(after?.queue.map((i) => i.room_track_id)).toEqual(['d', 'a', 'c', 'e']);
    expect(after?.queue[0]?.votes).toBe(3);
    expect(after?.presence.count).toBe(2);
    expect(after?.skip).toEqual(before.skip);
  });
  it('keeps the queue when only who is here changed', () => {
    const before = room(['a', 'b']);
    const after = applyDelta(before, { type: 'delta', base: 1, version: 1, presence: { count: 3, names: [] } });
    expect(after?.queue).toBe(before.queue);
  });
  it('refuses a delta meant for another version', () => {
    expect(applyDelta(room(['a']), { type: 'delta', base: 7, version: 8 })).toBeNull();
  });
});

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
