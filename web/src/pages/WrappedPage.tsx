import { useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Wrapped } from '../api/types';
import { humanMessage } from '../lib/errors';
import { formatDuration, formatVotes } from '../lib/format';
import { toastStore } from '../lib/toasts';
import { activityBars, drawWrappedCard, formatHour, headlines } from '../lib/wrapped';

/** The night in numbers, and a card to share. */
export function WrappedPage({ code }: { code: string }) {
  const [wrapped, setWrapped] = useState<Wrapped | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    api
      .wrapped(code)
      .then(setWrapped)
      .catch((error: unknown) =>
        setProblem(
          error instanceof ApiError && (error.status === 401 || error.status === 403)
            ? 'Join the party to see its Wrapped.'
            : humanMessage(error),
        ),
      );
  }, [code]);

  if (problem) {
    return (
      <main className="start">
        <h1 className="brand">Party Wrapped</h1>
        <p>{problem}</p>
        <a className="button" href={`/r/${code}`}>
          Go to the party
        </a>
      </main>
    );
  }
  if (!wrapped) {
    return (
      <main className="wrapped">
        <h1 className="label">Party Wrapped</h1>
      </main>
    );
  }

  const bars = activityBars(wrapped.activity);
  const maxVotes = Math.max(1, ...wrapped.top_tracks.map((t) => t.votes));
  return (
    <main className="wrapped">
      <p className="label">Party Wrapped</p>
      <h1 className="wrapped-title">{wrapped.room_name}</h1>
      <section className="wrapped-stats" aria-label="The night in numbers">
        <Stat value={String(wrapped.tracks_played)} label={wrapped.tracks_played === 1 ? 'track played' : 'tracks played'} />
        <Stat value={formatDuration(wrapped.played_ms)} label="of music" />
        <Stat value={String(wrapped.guests)} label={wrapped.guests === 1 ? 'guest' : 'guests'} />
      </section>

      <section className="panel" aria-labelledby="top-tracks">
        <h2 id="top-tracks">Top tracks</h2>
        <ol className="wrapped-bars">
          {wrapped.top_tracks.map((t) => (
            <li key={`${t.title}-${t.artist}`}>
              <span className="wrapped-bar" style={{ width: `${(100 * t.votes) / maxVotes}%` }} aria-hidden="true" />
              <span className="track-title">{t.title}</span>
              <span className="muted">
                {' '}
                · {t.artist} · {formatVotes(t.votes)} · added by {t.added_by}
              </span>
            </li>
          ))}
          {wrapped.top_tracks.length === 0 && <li className="muted">No track got a vote (yet).</li>}
        </ol>
      </section>

      <section className="panel" aria-labelledby="highlights">
        <h2 id="highlights">Highlights</h2>
        <ul className="wrapped-lines">
          {headlines(wrapped)
            .slice(1)
            .map((line) => (
              <li key={line}>{line}</li>
            ))}
          {wrapped.busiest_hour && <li>Busiest hour: {formatHour(wrapped.busiest_hour.hour)}</li>}
        </ul>
        {wrapped.top_contributors.length > 0 && (
          <>
            <h3>Top contributors</h3>
            <ol className="wrapped-lines">
              {wrapped.top_contributors.map((c) => (
                <li key={c.display_name}>
                  {c.display_name}: {c.added} added, {c.played} played
                </li>
              ))}
            </ol>
          </>
        )}
      </section>

      {bars.length > 0 && (
        <section className="panel" aria-labelledby="activity">
          <h2 id="activity">Adds and votes by hour</h2>
          <div className="hour-chart" role="img" aria-label={bars.map((b) => `${b.label}: ${b.value}`).join(', ')}>
            {bars.map((b) => (
              <div key={b.label} className="hour-bar">
                <span style={{ height: `${Math.max(4, b.share * 100)}%` }} />
                <small>{b.label}</small>
              </div>
            ))}
          </div>
        </section>
      )}

      <div className="row">
        <button type="button" className="button" onClick={() => void shareImage(wrapped)}>
          Save as image
        </button>
        <a className="button button-quiet" href={`/r/${code}`}>
          Back to the party
        </a>
      </div>
    </main>
  );
}

function Stat({ value, label }: { value: string; label: string }) {
  return (
    <p className="wrapped-stat">
      <strong>{value}</strong> <span className="muted">{label}</span>
    </p>
  );
}

/** Renders the card to PNG; shares it where the phone can, else downloads it. */
async function shareImage(wrapped: Wrapped) {
  const canvas = document.createElement('canvas');
  canvas.width = 1080;
  canvas.height = 1350;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  drawWrappedCard(ctx, wrapped);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) return;
  const file = new File([blob], 'party-wrapped.png', { type: 'image/png' });
  try {
    if (navigator.canShare?.({ files: [file] })) {
      await navigator.share({ files: [file], title: `${wrapped.room_name}: Party Wrapped` });
      return;
    }
  } catch {
    // Share cancelled or refused: fall back to a download.
  }
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = 'party-wrapped.png';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  toastStore.show('Saved your Party Wrapped image.');
}
