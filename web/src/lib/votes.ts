import type { QueueItem, VoteValue, WaitingVote } from '../api/types';
import { t } from '../i18n';
import { formatWait } from './format';

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
