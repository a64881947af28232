import type { QueueItem, VoteValue, WaitingVote } from '../api/types';

export interface VoteState {
  queue: QueueItem[];
  myVotes: Record<string, VoteValue>;
}

/**
 * The queue once the box accepts the vote: the item's tally moves by the
 * change and the guest's own vote shows at once. The order stays as the box
 * gave it: the box orders by fair turns and tonight's history as well as
 * votes, and its answer (milliseconds away) brings the new order. `null`
 * when the vote changes nothing.
 */
export function applyVote(state: VoteState, roomTrackId: string, value: VoteValue): VoteState | null {
  const previous = state.myVotes[roomTrackId] ?? 0;
  if (previous === value) return null;
  if (!state.queue.some((item) => item.room_track_id === roomTrackId)) return null;
  const queue = state.queue.map((item) =>
    item.room_track_id === roomTrackId ? { ...item, votes: item.votes - previous + value } : item,
  );
  return { queue, myVotes: { ...state.myVotes, [roomTrackId]: value } };
}

/** What a guest is told about a vote that does not count (yet). */
export function waitingVoteText(why: WaitingVote): string {
  switch (why) {
    case 'network':
      return 'Your vote is held: several guests share your network. The host can let them all count.';
    case 'device':
      return 'Another account on this phone already voted on it: one phone, one vote.';
    case 'new':
      return 'You just joined: your vote counts in a moment.';
  }
}
