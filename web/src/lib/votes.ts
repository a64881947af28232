import type { QueueItem, VoteValue, WaitingVote } from '../api/types';
import { t } from '../i18n';
import { formatWait } from './format';

export interface VoteState {
  queue: QueueItem[];
  myVotes: Record<string, VoteValue>;
}

/** A vote pressed and not answered yet: what its item shows meanwhile. */
export interface PendingVote {
  value: VoteValue;
  /** The item's tally as shown while the box answers. */
  votes: number;
  /** Which press this is: only its own answer takes it away. */
  press: number;
}

export type PendingVotes = ReadonlyMap<string, PendingVote>;

/**
 * The room as shown: the box's latest state, with each item that has a vote
 * in flight showing that vote and its tally. Only those items are held;
 * every other item follows the box live. The order stays as the box gave
 * it (fair turns and tonight's history count as well as votes), and its
 * answer, milliseconds away, brings the new order.
 */
export function withPending(state: VoteState, pending: PendingVotes): VoteState {
  if (pending.size === 0) return state;
  const myVotes = { ...state.myVotes };
  for (const [id, vote] of pending) myVotes[id] = vote.value;
  const queue = state.queue.map((item) => {
    const vote = pending.get(item.room_track_id);
    return vote ? { ...item, votes: vote.votes } : item;
  });
  return { queue, myVotes };
}

/**
 * What a press shows until the box answers: from the room as shown (so a
 * second tap sees the first), the item's tally moves by the change. `null`
 * when the vote changes nothing.
 */
export function pressVote(shown: VoteState, roomTrackId: string, value: VoteValue, press: number): PendingVote | null {
  const previous = shown.myVotes[roomTrackId] ?? 0;
  if (previous === value) return null;
  const item = shown.queue.find((i) => i.room_track_id === roomTrackId);
  if (!item) return null;
  return { value, votes: item.votes - previous + value, press };
}

/** What a guest is told about a vote that does not count (yet); for a
 * just-joined guest, with the time left when the box said when. */
export function waitingVoteText(why: WaitingVote, msLeft: number | null = null): string {
  switch (why) {
    case 'network':
      return t('vote.network');
    case 'device':
      return t('vote.device');
    case 'new':
      return msLeft !== null && msLeft > 0 ? t('vote.newIn', { time: formatWait(msLeft) }) : t('vote.new');
  }
}
