import { describe, expect, it } from 'vitest';
import type { QueueItem } from '../api/types';
import { queueItem } from '../test/fixtures';
import { type PendingVote, pressVote, waitingVoteText, withPending } from './votes';

function item(id: string, votes: number): QueueItem {
  return queueItem({ room_track_id: id, track_id: `t-${id}`, title: id, votes, score: votes, has_audio: false, playable: false });
}

const ids = (queue: QueueItem[]) => queue.map((i) => i.room_track_id);

describe('pressVote and withPending', () => {
  const queue = [item('a', 2), item('b', 1), item('c', 1)];
  const shown = (myVotes: Record<string, 1 | -1>, pending: Map<string, PendingVote>) =>
    withPending({ queue, myVotes }, pending);

  it('moves the tally, shows the vote, and leaves the order to the box', () => {
    const press = pressVote({ queue, myVotes: {} }, 'c', 1, 1)!;
    const view = shown({}, new Map([['c', press]]));
    expect(ids(view.queue)).toEqual(['a', 'b', 'c']);
    expect(view.queue[2]!.votes).toBe(2);
    expect(view.myVotes).toEqual({ c: 1 });
  });

  it('replaces an earlier vote instead of adding to it', () => {
    const press = pressVote({ queue, myVotes: { a: 1 } }, 'a', -1, 1)!;
    expect(press.votes).toBe(0);
    expect(shown({ a: 1 }, new Map([['a', press]])).myVotes).toEqual({ a: -1 });
  });

  it('does nothing for a repeated vote or an unknown item', () => {
    expect(pressVote({ queue, myVotes: { b: 1 } }, 'b', 1, 1)).toBeNull();
    expect(pressVote({ queue, myVotes: {} }, 'zzz', 1, 1)).toBeNull();
  });

  it('holds only the items with a vote in flight: the others follow the box', () => {
    const press = pressVote({ queue, myVotes: {} }, 'a', 1, 1)!;
    // A frame from the box: b gained two votes from others meanwhile.
    const fresh = [item('b', 3), item('a', 2), item('c', 1)];
    const view = withPending({ queue: fresh, myVotes: {} }, new Map([['a', press]]));
    expect(ids(view.queue)).toEqual(['b', 'a', 'c']);
    expect(view.queue.map((i) => i.votes)).toEqual([3, 3, 1]);
  });

  it('a second tap builds on the first one still in flight', () => {
    const first = pressVote({ queue, myVotes: {} }, 'c', 1, 1)!;
    const view = shown({}, new Map([['c', first]]));
    const second = pressVote(view, 'c', -1, 2)!;
    expect(second.votes).toBe(0);
    expect(pressVote(view, 'c', 1, 3)).toBeNull();
  });
});

describe('waitingVoteText', () => {
  it('tells a guest why their vote does not count yet', () => {
    expect(waitingVoteText('network')).toContain('The host can let them all count');
    expect(waitingVoteText('device')).toContain('one phone, one vote');
    expect(waitingVoteText('new')).toContain('counts in a moment');
  });
});
