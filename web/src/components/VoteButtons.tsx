import type { VoteValue } from '../api/types';
import { t } from '../i18n';

interface Props {
  title: string;
  votes: number;
  myVote: VoteValue | 0;
  /** Down-votes are on in this room (else only the up button shows). */
  downvotes?: boolean;
  onVote: (value: VoteValue) => void;
}

/** Up and down, showing the guest's own vote (aria-pressed). */
export function VoteButtons({ title, votes, myVote, downvotes = true, onVote }: Props) {
  return (
    <div className="votes">
      <button
        type="button"
        className="vote vote-up"
        aria-pressed={myVote === 1}
        aria-label={t('vote.up', { title })}
        onClick={() => onVote(1)}
      >
        ▲
      </button>
      <span className="vote-count" aria-label={t('vote.count', { n: votes })}>
        {votes}
      </span>
      {downvotes ? (
        <button
          type="button"
          className="vote vote-down"
          aria-pressed={myVote === -1}
          aria-label={t('vote.down', { title })}
          onClick={() => onVote(-1)}
        >
          ▼
        </button>
      ) : (
        // Keeps the row's width when down-votes are off.
        <span className="vote vote-placeholder" aria-hidden="true" />
      )}
    </div>
  );
}
