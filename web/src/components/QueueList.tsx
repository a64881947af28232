import { useId, useState } from 'react';
import type { Me, QueueItem, VoteValue, WaitingVote } from '../api/types';
import { useNow } from '../hooks/useNow';
import { t } from '../i18n';
import { formatDuration, formatEta, startsIn } from '../lib/format';
import { waitingVoteText } from '../lib/votes';
import { VoteButtons } from './VoteButtons';

interface Props {
  queue: QueueItem[];
  nowPlaying: QueueItem | null;
  me: Me | null;
  /** The guest's own votes as shown (presses in flight included). */
  myVotes: Record<string, VoteValue>;
  loaded: boolean;
  /** Down-votes are on in this room. */
  downvotes: boolean;
  onVote: (roomTrackId: string, value: VoteValue) => void;
  onRemove: (roomTrackId: string, reason?: string) => void;
}

/** The queue, best first; each row with its votes, its adder, when it
 * should start, the vote buttons, and on tap why it is where it is. Your
 * own songs stand out; the host and co-hosts remove any song from its row. */
export function QueueList({ queue, nowPlaying, me, myVotes, loaded, downvotes, onVote, onRemove }: Props) {
  const countsAt = me?.votes_count_at ? Date.parse(me.votes_count_at) : null;
  // A just-joined guest's countdown ticks by the second; the times by the minute.
  const now = useNow(countsAt === null ? 15_000 : 1_000);
  const mine = new Set(me?.added ?? []);
  const moderator = me?.can.moderate ?? false;
  const starts = startsIn(queue, nowPlaying, now);
  const myFirst = queue.findIndex((item) => mine.has(item.room_track_id));
  return (
    <section className="panel queue" aria-labelledby="queue-heading">
      <div className="panel-head">
        <h2 id="queue-heading">{t('queue.heading')}</h2>
        <span className="muted">{loaded ? t('queue.songs', { n: queue.length }) : ''}</span>
      </div>
      {myFirst >= 0 && queue[myFirst] && (
        <p className="your-next" role="status">
          {t('queue.yourNext', { title: queue[myFirst].title, eta: formatEta(starts[myFirst] ?? 0, myFirst + 1) })}
        </p>
      )}
      <ol className="scroll queue-list">
        {queue.map((item, index) => (
          <QueueRow
            key={item.room_track_id}
            item={item}
            position={index + 1}
            startsInMs={starts[index] ?? 0}
            mine={mine.has(item.room_track_id)}
            moderator={moderator}
            myVote={myVotes[item.room_track_id] ?? 0}
            waiting={me?.waiting_votes?.[item.room_track_id]}
            waitMs={countsAt === null ? null : countsAt - now}
            downvotes={downvotes}
            onVote={(value) => onVote(item.room_track_id, value)}
            onRemove={(reason) => onRemove(item.room_track_id, reason)}
          />
        ))}
        {loaded && queue.length === 0 && <li className="empty">{t('queue.empty')}</li>}
      </ol>
    </section>
  );
}

interface RowProps {
  item: QueueItem;
  position: number;
  startsInMs: number;
  mine: boolean;
  moderator: boolean;
  myVote: VoteValue | 0;
  /** Why my vote on it does not count yet, if so. */
  waiting?: WaitingVote;
  /** How long until a just-joined guest's votes count. */
  waitMs: number | null;
  downvotes: boolean;
  onVote: (value: VoteValue) => void;
  onRemove: (reason?: string) => void;
}

function QueueRow({
  item,
  position,
  startsInMs,
  mine,
  moderator,
  myVote,
  waiting,
  waitMs,
  downvotes,
  onVote,
  onRemove,
}: RowProps) {
  const [open, setOpen] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [reason, setReason] = useState('');
  const whyId = useId();
  const reasonId = useId();
  return (
    <li className={`queue-row${mine ? ' queue-row-mine' : ''}`} data-testid="queue-row">
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
            {mine ? <span className="badge badge-mine">{t('queue.yours')}</span> : t('queue.addedBy', { name: item.added_by })}
            {' · '}
            <span className="eta">{formatEta(startsInMs, position)}</span>{' '}
            <button
              type="button"
              className="link-button"
              aria-expanded={open}
              aria-controls={whyId}
              onClick={() => setOpen((o) => !o)}
            >
              {t('queue.why', { n: position })}
              <span className="visually-hidden"> {item.title}</span>
            </button>
          </p>
        </div>
        <VoteButtons title={item.title} votes={item.votes} myVote={myVote} downvotes={downvotes} onVote={onVote} />
      </div>
      {waiting && myVote !== 0 && !(waiting === 'new' && waitMs !== null && waitMs <= 0) && (
        <p className="vote-waiting muted" role="note">
          {waitingVoteText(waiting, waiting === 'new' ? waitMs : null)}
        </p>
      )}
      {open && (
        <div className="queue-why" id={whyId}>
          <p className="reason">{item.reason}</p>
          {mine && (
            <button type="button" className="button button-quiet button-small" onClick={() => onRemove()}>
              {t('queue.withdraw')}
            </button>
          )}
        </div>
      )}
      {moderator && !mine && !removing && (
        <div className="queue-mod">
          <button
            type="button"
            className="link-button link-danger"
            onClick={() => setRemoving(true)}
          >
            {t('queue.remove')}
            <span className="visually-hidden"> {item.title}</span>
          </button>
        </div>
      )}
      {moderator && !mine && removing && (
        <form
          className="queue-mod row"
          onSubmit={(event) => {
            event.preventDefault();
            setRemoving(false);
            onRemove(reason.trim() || undefined);
          }}
        >
          <label htmlFor={reasonId} className="visually-hidden">
            {t('queue.reasonLabel', { title: item.title })}
          </label>
          <input
            id={reasonId}
            className="input input-small"
            placeholder={t('queue.reasonPlaceholder')}
            maxLength={200}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <button type="submit" className="button button-danger button-small">
            {t('queue.remove')}
            <span className="visually-hidden"> {item.title}</span>
          </button>
          <button type="button" className="button button-quiet button-small" onClick={() => setRemoving(false)}>
            {t('cancel')}
          </button>
        </form>
      )}
    </li>
  );
}
