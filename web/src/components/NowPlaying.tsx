import type { QueueItem } from '../api/types';
import { ProgressBar } from './ProgressBar';

interface Props {
  nowPlaying: QueueItem | null;
  upNext: QueueItem | null;
  onSkip?: () => void;
  loaded: boolean;
}

/** What plays now, how far along, and what comes next. Fixed height. */
export function NowPlaying({ nowPlaying, upNext, onSkip, loaded }: Props) {
  return (
    <section className="panel now-playing" aria-labelledby="now-playing-heading">
      <div className="panel-head">
        <h2 id="now-playing-heading">Now playing</h2>
        {onSkip && (
          <button type="button" className="button button-quiet" onClick={onSkip}>
            Skip
          </button>
        )}
      </div>
      {nowPlaying ? (
        <div className="now-track">
          <p className="now-title">{nowPlaying.title}</p>
          <p className="now-artist">{nowPlaying.artist}</p>
          <ProgressBar startedAt={nowPlaying.started_at} durationMs={nowPlaying.duration_ms} />
        </div>
      ) : (
        <div className="now-track">
          <p className="now-title muted">{loaded ? 'Nothing playing yet' : '\u00a0'}</p>
          <p className="now-artist muted">{loaded ? 'Add a song and vote it up!' : '\u00a0'}</p>
          <ProgressBar startedAt={null} durationMs={0} />
        </div>
      )}
      <p className="up-next">
        <span className="label">Up next:</span>{' '}
        {upNext ? `${upNext.title} · ${upNext.artist}` : loaded ? 'the queue is empty' : '\u00a0'}
      </p>
    </section>
  );
}
