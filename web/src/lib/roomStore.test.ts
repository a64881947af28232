import { describe, expect, it } from 'vitest';
import type { Me } from '../api/types';
import { queueItem } from '../test/fixtures';
import { RoomStore } from './roomStore';

const me = (votes: Me['votes'] = {}): Me => ({
  display_name: 'Bea',
  member_id: 'm1',
  role: 'guest',
  votes,
  waiting_votes: {},
  votes_count_at: null,
  added: [],
  can: { moderate: false, run_the_room: false },
});

const room = (votes: Record<string, number>) =>
  Object.entries(votes).map(([id, v]) => queueItem({ room_track_id: id, track_id: `t-${id}`, votes: v }));

function joined() {
  const store = new RoomStore();
  store.setMe(me());
  store.apply(1, { queue: room({ a: 2, b: 1, c: 0 }) });
  return store;
}

const tallies = (store: RoomStore) =>
  Object.fromEntries(store.snapshot().queue.map((i) => [i.room_track_id, i.votes]));

describe('RoomStore', () => {
  it('lays what changed since the queue shown on it, and only on it', () => {
    const store = joined();
    expect(store.queueVersion()).toBe(1);
    // From version 1: "b" gets a vote and goes first, "c" leaves, "d" comes.
    const lifted = queueItem({ room_track_id: 'b', track_id: 't-b', votes: 3 });
    const added = queueItem({ room_track_id: 'd', track_id: 't-d', votes: 0 });
    const changes = { remove: ['c'], upsert: [lifted, added], place: [['b', null], ['d', 'a']] as [string, string | null][] };
    expect(store.applyChanges({ type: 'delta', base: 1, version: 4, queue: changes })).toBe(true);
    expect(tallies(store)).toEqual({ b: 3, a: 2, d: 0 });
    expect(store.snapshot().queue.map((i) => [i.room_track_id, i.score])).toEqual([
      ['b', 3],
      ['a', 2],
      ['d', 1],
    ]);
    expect(store.queueVersion()).toBe(4);
    // What plays comes with a catch-up's changes.
    const playing = queueItem({ room_track_id: 'p', status: 'playing' });
    const none = { remove: [], upsert: [], place: [] };
    expect(store.applyChanges({ type: 'delta', base: 4, version: 5, queue: none, now_playing: playing })).toBe(true);
    expect(store.snapshot().nowPlaying?.room_track_id).toBe('p');
    // Older than what is shown: nothing to do.
    expect(store.applyChanges({ type: 'delta', base: 1, version: 3, queue: changes })).toBe(true);
    expect(store.snapshot().version).toBe(5);
    // From a queue the page does not show (it has a newer one): refused,
    // unchanged, so the caller asks for the whole.
    expect(store.applyChanges({ type: 'delta', base: 2, version: 9, queue: none })).toBe(false);
    // Changes that name an item the queue lacks: refused too.
    const stray = { remove: [], upsert: [], place: [['zz', null]] as [string, string | null][] };
    expect(store.applyChanges({ type: 'delta', base: 5, version: 6, queue: stray })).toBe(false);
    expect(store.snapshot().version).toBe(5);
    expect(tallies(store)).toEqual({ b: 3, a: 2, d: 0 });
  });

  it('knows which version its queue is at: what plays alone does not move it', () => {
    const store = joined();
    store.apply(2, { nowPlaying: queueItem({ room_track_id: 'p', status: 'playing' }) });
    expect(store.snapshot().version).toBe(2);
    expect(store.queueVersion()).toBe(1);
    expect(store.applyChanges({ type: 'delta', base: 2, version: 3, queue: { remove: [], upsert: [], place: [] } })).toBe(false);
  });

  it('drops what is older than what it shows', () => {
    const store = joined();
    store.apply(3, { queue: room({ a: 5 }) });
    store.apply(2, { queue: room({ a: 1 }) });
    expect(tallies(store)).toEqual({ a: 5 });
    expect(store.snapshot().version).toBe(3);
  });

  it('takes a press before the box says who the guest is (a slow link just after joining)', () => {
    const store = new RoomStore();
    store.apply(1, { queue: room({ a: 2, b: 1 }) });
    const press = store.press('b', 1)!;
    expect(press).not.toBeNull();
    expect(tallies(store)).toEqual({ a: 2, b: 2 });
    expect(store.snapshot().myVotes).toEqual({ b: 1 });
    expect(store.snapshot().me).toBeNull();
    // Accepted before `me` arrives: still shown as the guest's own.
    store.settle('b', press, 1, true);
    store.apply(2, { queue: room({ a: 2, b: 2 }) });
    expect(store.snapshot().myVotes).toEqual({ b: 1 });
    // The box's word on the guest replaces it.
    store.setMe(me({ b: 1 }));
    expect(store.snapshot().myVotes).toEqual({ b: 1 });
    expect(store.snapshot().me?.votes).toEqual({ b: 1 });
  });

  it('shows a press at once and keeps following the box on other items', () => {
    const store = joined();
    store.press('c', 1);
    expect(tallies(store)).toEqual({ a: 2, b: 1, c: 1 });
    expect(store.snapshot().me?.votes).toEqual({ c: 1 });
    // Others voted meanwhile: their items follow the frame, c holds.
    store.apply(2, { queue: room({ b: 4, a: 2, c: 0 }) });
    expect(tallies(store)).toEqual({ b: 4, a: 2, c: 1 });
  });

  it('a refused vote goes back alone: a second vote in flight stays', () => {
    const store = joined();
    const first = store.press('a', -1)!;
    const second = store.press('b', 1)!;
    store.settle('a', first, -1, false);
    expect(tallies(store)).toEqual({ a: 2, b: 2, c: 0 });
    expect(store.snapshot().me?.votes).toEqual({ b: 1 });
    store.settle('b', second, 1, true);
    store.apply(2, { queue: room({ b: 2, a: 2, c: 0 }) });
    expect(tallies(store)).toEqual({ b: 2, a: 2, c: 0 });
    expect(store.snapshot().me?.votes).toEqual({ b: 1 });
  });

  it("an earlier press's answer does not take a later press on the same item away", () => {
    const store = joined();
    const up = store.press('c', 1)!;
    const down = store.press('c', -1)!;
    expect(tallies(store).c).toBe(-1);
    store.settle('c', up, 1, true);
    store.apply(2, { queue: room({ a: 2, b: 1, c: 1 }) });
    expect(tallies(store).c).toBe(-1);
    store.settle('c', down, -1, true);
    store.apply(3, { queue: room({ a: 2, b: 1, c: -1 }) });
    expect(tallies(store).c).toBe(-1);
    expect(store.snapshot().me?.votes).toEqual({ c: -1 });
  });

  it('a repeated press changes nothing and sends nothing', () => {
    const store = joined();
    store.press('a', 1);
    expect(store.press('a', 1)).toBeNull();
    expect(store.press('zzz', 1)).toBeNull();
  });

  it('keeps its snapshot stable between changes', () => {
    const store = joined();
    expect(store.snapshot()).toBe(store.snapshot());
    let calls = 0;
    const stop = store.subscribe(() => calls++);
    store.press('a', 1);
    stop();
    store.press('b', 1);
    expect(calls).toBe(1);
  });
});
