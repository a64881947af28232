import { useEffect, useRef, useState } from 'react';
import { media } from '../api/client';
import type { QueueItem } from '../api/types';
import { useNow } from '../hooks/useNow';
import { formatDuration } from '../lib/format';
import { endedByClock, needsSeek, roomPosition } from '../lib/player';
import { storage } from '../lib/storage';

export type Transport = { action: 'pause' } | { action: 'resume' } | { action: 'seek'; positionMs: number };

interface Props {
  nowPlaying: QueueItem | null;
  /** This item played to its end (the box moves on once, whoever reports). */
  onEnded: (roomTrackId: string) => void;
  onTransport: (t: Transport) => void;
}

/** The host's page as the party's player: plays the room's track from the
 * box (or follows the clock when the box has no audio for it), reports its
 * end, and pauses, resumes and seeks for the whole room. Fixed height. */
export function Player({ nowPlaying, onEnded, onTransport }: Props) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playsHere, setPlaysHere] = useState(storage.playsHere);
  const [blocked, setBlocked] = useState(false);
  // Dragging the seek bar: its value until let go.
  const [dragging, setDragging] = useState<number | null>(null);
  const reported = useRef<string | null>(null);
  const now = useNow(500);
  const item = nowPlaying;
  const audible = item !== null && item.has_audio && playsHere;

  const reportEnd = (roomTrackId: string) => {
    if (reported.current === roomTrackId) return;
    reported.current = roomTrackId;
    onEnded(roomTrackId);
  };

  // The audio element follows the room: its track, its position, paused or not.
  const trackId = item?.track_id;
  const startedAt = item?.started_at;
  const pausedMs = item?.paused_ms ?? null;
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    if (!audible || !item || !trackId) {
      el.pause();
      return;
    }
    const src = media.audio(trackId);
    if (el.getAttribute('src') !== src) el.setAttribute('src', src);
    const target = roomPosition(item, Date.now());
    if (needsSeek(el.currentTime * 1000, target)) el.currentTime = Math.max(0, target / 1000);
    if (pausedMs !== null) {
      el.pause();
      return;
    }
    el.play().then(
      () => setBlocked(false),
      (error: unknown) => {
        // Browsers refuse sound until someone touches the page.
        if (error instanceof DOMException && error.name === 'NotAllowedError') setBlocked(true);
      },
    );
    // `item` is read for its position only; these are what change it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [audible, trackId, startedAt, pausedMs]);

  // No audio on this device: the clock says when the track is over.
  useEffect(() => {
    if (item && !audible && endedByClock(item, now)) reportEnd(item.room_track_id);
  });

  const durationMs = item?.duration_ms ?? 0;
  const position = item ? Math.min(Math.max(0, roomPosition(item, now)), durationMs) : 0;
  const shown = dragging ?? position;
  const commitSeek = () => {
    // The bar counts whole seconds; the track may end before the last one.
    if (dragging !== null) onTransport({ action: 'seek', positionMs: Math.min(Math.round(dragging), durationMs) });
    setDragging(null);
  };
  const togglePlaysHere = (on: boolean) => {
    storage.setPlaysHere(on);
    setPlaysHere(on);
  };

  return (
    <section className="panel player" aria-labelledby="player-heading">
      <div className="panel-head">
        <h2 id="player-heading">Player</h2>
        <label className="row">
          <input type="checkbox" checked={playsHere} onChange={(e) => togglePlaysHere(e.target.checked)} />
          Play the music on this device
        </label>
      </div>
      {/* Music has no words to caption; the page shows what plays. */}
      {/* eslint-disable-next-line jsx-a11y/media-has-caption */}
      <audio
        ref={audio}
        preload="auto"
        onEnded={() => item && reportEnd(item.room_track_id)}
        aria-hidden="true"
      />
      <div className="player-controls">
        <button
          type="button"
          className="button button-small"
          disabled={!item}
          onClick={() => onTransport({ action: item?.paused_ms !== null ? 'resume' : 'pause' })}
        >
          {item?.paused_ms !== null && item ? 'Resume' : 'Pause'}
        </button>
        <input
          type="range"
          aria-label="Seek"
          min={0}
          max={Math.max(1, Math.round(durationMs / 1000))}
          step={1}
          disabled={!item}
          value={Math.round(shown / 1000)}
          aria-valuetext={`${formatDuration(shown)} of ${formatDuration(durationMs)}`}
          onChange={(e) => setDragging(Number(e.target.value) * 1000)}
          onPointerUp={commitSeek}
          onKeyUp={commitSeek}
          onBlur={commitSeek}
        />
        <span className="muted" aria-hidden="true">
          {formatDuration(shown)} / {formatDuration(durationMs)}
        </span>
      </div>
      <p className="muted player-note" role="status">
        {blocked && audible ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => void audio.current?.play().then(() => setBlocked(false))}
          >
            Start the music here
          </button>
        ) : !item ? (
          'Nothing playing: skip to start the queue.'
        ) : item.has_audio ? (
          playsHere ? 'Playing from the box.' : 'Another device plays the music; this page follows.'
        ) : (
          'This song has no audio on the box: the queue moves on when its time is up.'
        )}
      </p>
    </section>
  );
}
