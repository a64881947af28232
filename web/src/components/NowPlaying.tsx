import { useState } from 'react';
import type { QueueItem, SkipProgress } from '../api/types';
import { media } from '../api/client';
import { t } from '../i18n';
import type { Transport } from '../api/types';
import type { ReactionFeed } from '../lib/reactions';
import { ProgressBar } from './ProgressBar';
import { ReactionBar, RisingReactions } from './Reactions';

interface Props {
  nowPlaying: QueueItem | null;
  upNext: QueueItem | null;
  /** Host and co-hosts: skip at once. */
  onSkip?: () => void;
  /** Guests: ask the room to skip; resolves whether the box took it. */
  onAskToSkip?: () => Promise<boolean>;
  /** Co-hosts: pause and resume for the whole room. */
  onTransport?: (t: Transport) => void;
  skip: SkipProgress | null;
  loaded: boolean;
  /** Off where the player shows the progress (the host's page: one bar). */
  showProgress?: boolean;
  /** Members: an emoji on the playing song. */
  onReact?: (roomTrackId: string, emoji: string) => void;
  /** The room's reactions, rising over the card. */
  reactions?: ReactionFeed;
}

/** Rising over the card at once: a phone's screen is small. */
const RISING_ON_PHONE = 12;

/** What plays now, how far along, what comes next, and the room's vote to
 * skip it. Fixed height. */
export function NowPlaying({
  nowPlaying,
  upNext,
  onSkip,
  onAskToSkip,
  onTransport,
  skip,
  loaded,
  showProgress = true,
  onReact,
  reactions,
}: Props) {
  // The playing item this phone asked to skip (asking twice counts once).
  const [asked, setAsked] = useState<string | null>(null);
  const askedThis = nowPlaying !== null && asked === nowPlaying.room_track_id;
  const ask = async () => {
    if (!nowPlaying || !onAskToSkip) return;
    if (await onAskToSkip()) setAsked(nowPlaying.room_track_id);
  };
  const votes = skip?.votes ?? 0;
  const needed = skip?.needed ?? 1;
  const paused = nowPlaying?.paused_ms != null;
  return (
    <section className="panel now-playing" aria-labelledby="now-playing-heading">
      {reactions && <RisingReactions feed={reactions} max={RISING_ON_PHONE} className="rising-card" />}
      <div className="panel-head">
        <h2 id="now-playing-heading">{t('now.heading')}</h2>
        <div className="row now-actions">
          {nowPlaying && onSkip && skip && skip.votes > 0 && (
            <span className="muted">{t('now.wantSkip', { votes: skip.votes, needed: skip.needed })}</span>
          )}
          {nowPlaying && onAskToSkip && !onSkip && (
            <button
              type="button"
              className="button button-quiet button-small"
              disabled={askedThis}
              onClick={() => void ask()}
            >
              {t(askedThis ? 'now.askedSkip' : 'now.voteSkip')}
              {/* A flex item drops a leading space: a no-break space keeps it. */}
              <span aria-hidden="true">{`\u00a0· ${votes}/${needed}`}</span>
              <span className="visually-hidden"> {t('now.skipNeeded', { votes, needed })}</span>
            </button>
          )}
          {nowPlaying && onTransport && (
            <button
              type="button"
              className="button button-quiet button-small"
              onClick={() => onTransport({ action: paused ? 'resume' : 'pause' })}
            >
              {t(paused ? 'now.resume' : 'now.pause')}
            </button>
          )}
          {onSkip && (
            <button type="button" className="button button-quiet button-small" onClick={onSkip}>
              {t('now.skip')}
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
              {nowPlaying.auto_dj && <span className="badge">{t('now.autoDj')}</span>}
              {paused && <span className="badge">{t('now.paused')}</span>}
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
            <p className="now-title muted">{loaded ? t('now.nothing') : '\u00a0'}</p>
            <p className="now-artist muted">{loaded ? t('now.addOne') : '\u00a0'}</p>
            {showProgress && <ProgressBar startedAt={null} durationMs={0} />}
          </div>
        </div>
      )}
      {nowPlaying && onReact && <ReactionBar onReact={(emoji) => onReact(nowPlaying.room_track_id, emoji)} />}
      <p className="up-next">
        <span className="label">{t('now.upNext')}</span>{' '}
        {upNext ? `${upNext.title} · ${upNext.artist}` : loaded ? t('now.queueEmpty') : '\u00a0'}
      </p>
    </section>
  );
}
