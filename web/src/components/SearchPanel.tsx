import { useId, useState } from 'react';
import type { QueueItem, SearchHit } from '../api/types';
import { useNow } from '../hooks/useNow';
import { useSearch } from '../hooks/useSearch';
import { t } from '../i18n';
import { formatDuration, formatWait } from '../lib/format';

interface Props {
  code: string;
  queue: QueueItem[];
  nowPlaying: QueueItem | null;
  onAdd: (trackId: string, title: string) => void;
  /** What to say before anything is typed (the usual hint by default). */
  hint?: string;
}

/** Search as you type, forgiving typos ("did you mean Beyoncé?"); one tap
 * adds; each result says where it stands in the party. */
export function SearchPanel({ code, queue, nowPlaying, onAdd, hint }: Props) {
  const [query, setQuery] = useState('');
  // The party's queue and playing song change what each result says.
  const version = `${nowPlaying?.room_track_id ?? ''}|${queue.map((i) => i.room_track_id).join(',')}`;
  const { results, answered, error, hasMore, more } = useSearch(query, code, version);
  const inputId = useId();
  const now = useNow(30_000);
  const meant = results[0]?.did_you_mean ?? null;

  return (
    <section className="panel search" aria-labelledby="search-heading">
      <div className="panel-head">
        <h2 id="search-heading">{t('search.heading')}</h2>
      </div>
      <label htmlFor={inputId} className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        id={inputId}
        className="input"
        type="search"
        placeholder={t('search.placeholder')}
        autoComplete="off"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {meant && answered && (
        <p className="did-you-mean">
          <button type="button" className="link-button" onClick={() => setQuery(meant)}>
            {t('search.didYouMean', { words: meant })}
          </button>
        </p>
      )}
      <ul className={`scroll results${query.trim() ? ' results-open' : ''}`} aria-label={t('search.results')}>
        {results.map((hit) => (
          <TrackRow key={hit.id} hit={hit} now={now} onAdd={onAdd} />
        ))}
        {error && <li className="empty">{error}</li>}
        {!error && answered && results.length === 0 && <li className="empty">{t('search.none', { query: answered })}</li>}
        {!query.trim() && <li className="empty">{hint ?? t('search.hint')}</li>}
        {hasMore && (
          <li className="more-results">
            <button type="button" className="button button-quiet button-small" onClick={more}>
              {t('search.more')}
            </button>
          </li>
        )}
      </ul>
    </section>
  );
}

/** A song to add: its title, artist and length, and Add, or where it
 * stands in the party instead. */
export function TrackRow({ hit, now, onAdd }: { hit: SearchHit; now: number; onAdd: (trackId: string, title: string) => void }) {
  const standing = standingOf(hit, now);
  return (
    <li className="result-row">
      <div className="queue-meta">
        <p className="track-title">{hit.title}</p>
        <p className="track-sub">
          {/* First, so a long artist's ellipsis never hides it. */}
          {hit.source === 'mpd' && (
            <>
              <span className="badge badge-source" title={t('search.fromMpdTitle')}>
                {t('search.fromMpd')}
              </span>{' '}
            </>
          )}
          {hit.artist} · {formatDuration(hit.duration_ms)}
        </p>
        {standing.note && <p className="track-by">{standing.note}</p>}
      </div>
      {standing.badge ? (
        <span className="badge badge-queued">{standing.badge}</span>
      ) : (
        <button
          type="button"
          className="button button-small"
          aria-label={t('search.addLabel', { title: hit.title, artist: hit.artist })}
          onClick={() => onAdd(hit.id, hit.title)}
        >
          {t('search.add')}
        </button>
      )}
    </li>
  );
}

/** What a result says about its place in the party: a badge instead of
 * Add (playing, queued, waiting out the cooldown), or a note beside Add
 * (played earlier, free to come back). */
export function standingOf(hit: SearchHit, nowMs: number): { badge: string | null; note: string | null } {
  const where = hit.in_room;
  if (!where) return { badge: null, note: null };
  if (where.state === 'playing') return { badge: t('search.playing'), note: null };
  if (where.state === 'queued') return { badge: t('search.queued', { n: where.position }), note: null };
  const played = t('search.played', { ago: formatWait(nowMs - Date.parse(where.played_at)) });
  const back = where.back_at ? Date.parse(where.back_at) - nowMs : 0;
  if (back > 0) return { badge: `${played} · ${t('search.back', { wait: formatWait(back) })}`, note: null };
  return { badge: null, note: played };
}
