import { useState } from 'react';
import type { Me, QueueItem, VoteValue, WaitingVote } from '../api/types';
import { formatDuration } from '../lib/format';
import { waitingVoteText } from '../lib/votes';
import { VoteButtons } from './VoteButtons';

interface Props {
  queue: QueueItem[];
  me: Me | null;
  loaded: boolean;
  /** Down-votes are on in this room. */
  downvotes: boolean;
  onVote: (roomTrackId: string, value: VoteValue) => void;
  onRemove: (roomTrackId: string, reason?: string) => void;
}

/** The queue, best first; each row with its votes, its adder, the vote
 * buttons, and on tap why it is where it is (and, for whoever may, a way to
 * take it out). */
export function QueueList({ queue, me, loaded, downvotes, onVote, onRemove }: Props) {
  const mine = new Set(me?.added ?? []);
  const moderator = me?.role === 'host' || me?.role === 'cohost';
  return (
    <section className="panel queue" aria-labelledby="queue-heading">
      <div className="panel-head">
        <h2 id="queue-heading">Queue</h2>
        <span className="muted">{loaded ? `${queue.length} ${queue.length === 1 ? 'song' : 'songs'}` : ''}</span>
      </div>
      <ol className="scroll queue-list">
        {queue.map((item, index) => (
          <QueueRow
            key={item.room_track_id}
            item={item}
            position={index + 1}
            mine={mine.has(item.room_track_id)}
            moderator={moderator}
            myVote={me?.votes[item.room_track_id] ?? 0}
            waiting={me?.waiting_votes?.[item.room_track_id]}
            downvotes={downvotes}
            onVote={(value) => onVote(item.room_track_id, value)}
            onRemove={(reason) => onRemove(item.room_track_id, reason)}
          />
        ))}
        {loaded && queue.length === 0 && <li className="empty">The queue is empty. Search for a song to get things going.</li>}
      </ol>
    </section>
  );
}

interface RowProps {
  item: QueueItem;
  position: number;
  mine: boolean;
  moderator: boolean;
  myVote: VoteValue | 0;
  /** Why my vote on it does not count yet, if so. */
  waiting?: WaitingVote;
  downvotes: boolean;
  onVote: (value: VoteValue) => void;
  onRemove: (reason?: string) => void;
}

function QueueRow({ item, position, mine, moderator, myVote, waiting, downvotes, onVote, onRemove }: RowProps) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const whyId = `why-${item.room_track_id}`;
  return (
    <li className="queue-row" data-testid="queue-row">
      <div className="queue-main">
        <span className="queue-pos" aria-hidden="true">
          {position}
        </span>
        <div className="queue-meta">
          <p className="track-title">{item.title}</p>
          <p className="track-sub">
            {item.artist} · {formatDuration(item.duration_ms)}
          </p>
          <p className="track-by">
            {mine ? <span className="badge">You added this</span> : `Added by ${item.added_by}`}{' '}
            <button
              type="button"
              className="link-button"
              aria-expanded={open}
              aria-controls={whyId}
              onClick={() => setOpen((o) => !o)}
            >
              why <span className="visually-hidden">is {item.title} </span>#{position}?
            </button>
          </p>
        </div>
        <VoteButtons title={item.title} votes={item.votes} myVote={myVote} downvotes={downvotes} onVote={onVote} />
      </div>
      {waiting && myVote !== 0 && (
        <p className="vote-waiting muted" role="note">
          {waitingVoteText(waiting)}
        </p>
      )}
      {open && (
        <div className="queue-why" id={whyId}>
          <p className="reason">{item.reason}</p>
          {mine && (
            <button type="button" className="button button-quiet button-small" onClick={() => onRemove()}>
              Withdraw my song
            </button>
          )}
          {!mine && moderator && (
            <form
              className="row"
              onSubmit={(event) => {
                event.preventDefault();
                onRemove(reason.trim() || undefined);
              }}
            >
              <input
                className="input input-small"
                aria-label={`Reason for removing ${item.title} (optional)`}
                placeholder="Reason (optional)"
                maxLength={200}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
              />
              <button type="submit" className="button button-danger button-small" aria-label={`Remove ${item.title}`}>
                Remove
              </button>
            </form>
          )}
        </div>
      )}
    </li>
  );
}
