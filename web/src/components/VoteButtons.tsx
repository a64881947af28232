import type { VoteValue } from '../api/types';

interface Props {
  title: string;
  votes: number;
  myVote: VoteValue | 0;
  onVote: (value: VoteValue) => void;
}

/** Up and down, showing the guest's own vote (aria-pressed). */
export function VoteButtons({ title, votes, myVote, onVote }: Props) {
  return (
    <div className="votes">
      <button
        type="button"
        className="vote vote-up"
        aria-pressed={myVote === 1}
        aria-label={`Vote up ${title}`}
        onClick={() => onVote(1)}
      >
        ▲
      </button>
      <span className="vote-count" aria-label={`${votes} votes`}>
        {votes}
      </span>
      <button
        type="button"
        className="vote vote-down"
        aria-pressed={myVote === -1}
        aria-label={`Vote down ${title}`}
        onClick={() => onVote(-1)}
      >
        ▼
      </button>
    </div>
  );
}
