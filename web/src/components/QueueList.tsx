import type { Me, QueueItem, VoteValue } from '../api/types';
import { formatDuration } from '../lib/format';
import { VoteButtons } from './VoteButtons';

interface Props {
  queue: QueueItem[];
  me: Me | null;
  loaded: boolean;
  onVote: (roomTrackId: string, value: VoteValue) => void;
}

/** The queue, best first; each row with its votes, its adder and the vote buttons. */
export function QueueList({ queue, me, loaded, onVote }: Props) {
  const mine = new Set(me?.added ?? []);
  return (
    <section className="panel queue" aria-labelledby="queue-heading">
      <div className="panel-head">
        <h2 id="queue-heading">Queue</h2>
        <span className="muted">{loaded ? `${queue.length} ${queue.length === 1 ? 'song' : 'songs'}` : ''}</span>
      </div>
      <ol className="scroll queue-list">
        {queue.map((item, index) => (
          <li key={item.room_track_id} className="queue-row" data-testid="queue-row">
            <span className="queue-pos" aria-hidden="true">
              {index + 1}
            </span>
            <div className="queue-meta">
              <p className="track-title">{item.title}</p>
              <p className="track-sub">
                {item.artist} · {formatDuration(item.duration_ms)}
              </p>
              <p className="track-by">
                {mine.has(item.room_track_id) ? <span className="badge">You added this</span> : `Added by ${item.added_by}`}
              </p>
            </div>
            <VoteButtons
              title={item.title}
              votes={item.votes}
              myVote={me?.votes[item.room_track_id] ?? 0}
              onVote={(value) => onVote(item.room_track_id, value)}
            />
          </li>
        ))}
        {loaded && queue.length === 0 && <li className="empty">The queue is empty. Search for a song to get things going.</li>}
      </ol>
    </section>
  );
}
