import { useId, useState } from 'react';
import type { QueueItem } from '../api/types';
import { useSearch } from '../hooks/useSearch';
import { formatDuration } from '../lib/format';

interface Props {
  queue: QueueItem[];
  nowPlaying: QueueItem | null;
  onAdd: (trackId: string, title: string) => void;
}

/** Search as you type; one tap adds; tracks already queued say so. */
export function SearchPanel({ queue, nowPlaying, onAdd }: Props) {
  const [query, setQuery] = useState('');
  const { results, answered, error } = useSearch(query);
  const inputId = useId();
  const queued = new Set(queue.map((i) => i.track_id));
  const playing = nowPlaying?.track_id ?? null;

  return (
    <section className="panel search" aria-labelledby="search-heading">
      <div className="panel-head">
        <h2 id="search-heading">Add a song</h2>
      </div>
      <label htmlFor={inputId} className="visually-hidden">
        Search by artist or title
      </label>
      <input
        id={inputId}
        className="input"
        type="search"
        placeholder="Search artist or title…"
        autoComplete="off"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul className={`scroll results${query.trim() ? ' results-open' : ''}`} aria-label="Search results">
        {results.map((track) => {
          const state = track.id === playing ? 'Playing now' : queued.has(track.id) ? 'In the queue' : null;
          return (
            <li key={track.id} className="result-row">
              <div className="queue-meta">
                <p className="track-title">{track.title}</p>
                <p className="track-sub">
                  {track.artist} · {formatDuration(track.duration_ms)}
                </p>
              </div>
              {state ? (
                <span className="badge badge-queued">{state}</span>
              ) : (
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`Add ${track.title} by ${track.artist}`}
                  onClick={() => onAdd(track.id, track.title)}
                >
                  Add
                </button>
              )}
            </li>
          );
        })}
        {error && <li className="empty">{error}</li>}
        {!error && answered && results.length === 0 && <li className="empty">No songs match “{answered}”.</li>}
        {!query.trim() && <li className="empty">Type an artist or a title, like “bad bunny”.</li>}
      </ul>
    </section>
  );
}
