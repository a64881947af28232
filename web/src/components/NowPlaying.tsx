import { useState } from 'react';
import type { QueueItem, SkipProgress } from '../api/types';
import { media } from '../api/client';
import { ProgressBar } from './ProgressBar';

interface Props {
  nowPlaying: QueueItem | null;
  upNext: QueueItem | null;
  /** Host and co-hosts: skip at once. */
  onSkip?: () => void;
  /** Guests: ask the room to skip; resolves whether the box took it. */
  onAskToSkip?: () => Promise<boolean>;
  skip: SkipProgress | null;
  loaded: boolean;
  /** Off where the player shows the progress (the host's page: one bar). */
  showProgress?: boolean;
}

/** What plays now, how far along, what comes next, and the room's vote to
 * skip it. Fixed height. */
export function NowPlaying({ nowPlaying, upNext, onSkip, onAskToSkip, skip, loaded, showProgress = true }: Props) {
  // The playing item this phone asked to skip (asking twice counts once).
  const [asked, setAsked] = useState<string | null>(null);
  const askedThis = nowPlaying !== null && asked === nowPlaying.room_track_id;
  const ask = async () => {
    if (!nowPlaying || !onAskToSkip) return;
    if (await onAskToSkip()) setAsked(nowPlaying.room_track_id);
  };
  return (
    <section className="panel now-playing" aria-labelledby="now-playing-heading">
      <div className="panel-head">
        <h2 id="now-playing-heading">Now playing</h2>
        <div className="row">
          {nowPlaying && onSkip && skip && skip.votes > 0 && (
            <span className="muted">
              {skip.votes} of {skip.needed} want a skip
            </span>
          )}
          {nowPlaying && onAskToSkip && !onSkip && (
            <button
              type="button"
              className="button button-quiet button-small"
              disabled={askedThis}
              onClick={() => void ask()}
            >
              {askedThis ? 'Asked to skip' : 'Vote to skip'}
              {/* A flex item drops a leading space: a no-break space keeps it. */}
              <span aria-hidden="true">{`\u00a0· ${skip?.votes ?? 0}/${skip?.needed ?? 1}`}</span>
              <span className="visually-hidden">
                ({skip?.votes ?? 0} of {skip?.needed ?? 1} needed)
              </span>
            </button>
          )}
          {onSkip && (
            <button type="button" className="button button-quiet button-small" onClick={onSkip}>
              Skip
            </button>
          )}
        </div>
      </div>
      {nowPlaying ? (
        <div className="now-track now-with-cover">
          <img className="cover" src={media.cover(nowPlaying.track_id)} alt="" width={64} height={64} />
          <div className="now-text">
            <p className="now-title">{nowPlaying.title}</p>
            <p className="now-artist">
              {nowPlaying.artist}
              {nowPlaying.auto_dj && <span className="badge">Auto-DJ pick</span>}
              {nowPlaying.paused_ms !== null && <span className="badge">Paused</span>}
            </p>
            {showProgress && (
              <ProgressBar
                startedAt={nowPlaying.started_at}
                durationMs={nowPlaying.duration_ms}
                pausedMs={nowPlaying.paused_ms}
              />
            )}
          </div>
        </div>
      ) : (
        <div className="now-track now-with-cover">
          <div className="cover" aria-hidden="true" />
          <div className="now-text">
            <p className="now-title muted">{loaded ? 'Nothing playing yet' : '\u00a0'}</p>
            <p className="now-artist muted">{loaded ? 'Add a song: it starts right away' : '\u00a0'}</p>
            {showProgress && <ProgressBar startedAt={null} durationMs={0} />}
          </div>
        </div>
      )}
      <p className="up-next">
        <span className="label">Up next:</span>{' '}
        {upNext ? `${upNext.title} · ${upNext.artist}` : loaded ? 'the queue is empty' : '\u00a0'}
      </p>
    </section>
  );
}
