import { describe, expect, it } from 'vitest';
import type { QueueItem } from '../api/types';
import { queueItem } from '../test/fixtures';
import { applyVote, waitingVoteText } from './votes';

function item(id: string, votes: number): QueueItem {
  return queueItem({ room_track_id: id, track_id: `t-${id}`, title: id, votes, score: votes, has_audio: false, playable: false });
}

const ids = (queue: QueueItem[]) => queue.map((i) => i.room_track_id);

describe('applyVote', () => {
  const queue = [item('a', 2), item('b', 1), item('c', 1)];

  it('moves the tally, records the vote, and leaves the order to the box', () => {
    const next = applyVote({ queue, myVotes: {} }, 'c', 1)!;
    expect(ids(next.queue)).toEqual(['a', 'b', 'c']);
    expect(next.queue[2]!.votes).toBe(2);
    expect(next.myVotes).toEqual({ c: 1 });
  });

  it('replaces an earlier vote instead of adding to it', () => {
    const next = applyVote({ queue, myVotes: { a: 1 } }, 'a', -1)!;
    expect(next.queue.find((i) => i.room_track_id === 'a')!.votes).toBe(0);
    expect(next.myVotes).toEqual({ a: -1 });
  });

  it('does nothing for a repeated vote or an unknown item', () => {
    expect(applyVote({ queue, myVotes: { b: 1 } }, 'b', 1)).toBeNull();
    expect(applyVote({ queue, myVotes: {} }, 'zzz', 1)).toBeNull();
  });

  it('leaves the input untouched, so a rollback can restore it', () => {
    const before = structuredClone(queue);
    applyVote({ queue, myVotes: {} }, 'c', 1);
    expect(queue).toEqual(before);
  });
});

describe('waitingVoteText', () => {
  it('tells a guest why their vote does not count yet', () => {
    expect(waitingVoteText('network')).toContain('The host can let them all count');
    expect(waitingVoteText('device')).toContain('one phone, one vote');
    expect(waitingVoteText('new')).toContain('counts in a moment');
  });
});
