import type { QueueItem, VoteValue } from '../api/types';

export interface VoteState {
  queue: QueueItem[];
  myVotes: Record<string, VoteValue>;
}

/**
 * The queue as it will look once the box accepts the vote: the item's tally
 * moves by the change, and the queue re-sorts (most votes first; equal
 * tallies keep the box's order). `null` when the vote changes nothing.
 */
export function applyVote(state: VoteState, roomTrackId: string, value: VoteValue): VoteState | null {
  const previous = state.myVotes[roomTrackId] ?? 0;
  if (previous === value) return null;
  const index = state.queue.findIndex((item) => item.room_track_id === roomTrackId);
  if (index < 0) return null;
  const queue = state.queue.map((item) =>
    item.room_track_id === roomTrackId
      ? { ...item, votes: item.votes - previous + value, score: item.score - previous + value }
      : item,
  );
  // Array.prototype.sort is stable, so ties keep the box's order.
  queue.sort((a, b) => b.score - a.score);
  return { queue, myVotes: { ...state.myVotes, [roomTrackId]: value } };
}
