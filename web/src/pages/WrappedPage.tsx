import { useEffect, useState } from 'react';
import { ApiError, api, media } from '../api/client';
import type { PlayedSong, Wrapped } from '../api/types';
import { humanMessage } from '../lib/errors';
import { formatClock, formatDuration, formatVotes } from '../lib/format';
import { toastStore } from '../lib/toasts';
import { activityBars, drawWrappedCard, formatHour, headlines } from '../lib/wrapped';
import { t } from '../i18n';

/** The night in numbers, and a card to share. */
export function WrappedPage({ code }: { code: string }) {
  const [wrapped, setWrapped] = useState<Wrapped | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [played, setPlayed] = useState<PlayedSong[] | null>(null);

  useEffect(() => {
    // The set list is extra: without it the page still tells the night.
    api
      .played(code)
      .then(setPlayed)
      .catch(() => undefined);
    api
      .wrapped(code)
      .then(setWrapped)
      .catch((error: unknown) =>
        setProblem(
          error instanceof ApiError && (error.status === 401 || error.status === 403)
            ? t('wrapped.joinFirst')
            : humanMessage(error),
        ),
      );
  }, [code]);

  if (problem) {
    return (
      <main className="start">
        <h1 className="brand">{t('wrapped.title')}</h1>
        <p>{problem}</p>
        <a className="button" href={`/r/${code}`}>
          {t('wrapped.goToParty')}
        </a>
      </main>
    );
  }
  if (!wrapped) {
    return (
      <main className="wrapped">
        <h1 className="label">{t('wrapped.title')}</h1>
      </main>
    );
  }

  const bars = activityBars(wrapped.activity);
  const maxVotes = Math.max(1, ...wrapped.top_tracks.map((track) => track.votes));
  return (
    <main className="wrapped">
      <p className="label">{t('wrapped.title')}</p>
      <h1 className="wrapped-title">{wrapped.room_name}</h1>
      <section className="wrapped-stats" aria-label={t('wrapped.numbers')}>
        <Stat value={String(wrapped.tracks_played)} label={t('wrapped.tracksPlayed', { n: wrapped.tracks_played })} />
        <Stat value={formatDuration(wrapped.played_ms)} label={t('wrapped.ofMusic')} />
        <Stat value={String(wrapped.guests)} label={t('wrapped.guests', { n: wrapped.guests })} />
      </section>

      <section className="panel" aria-labelledby="top-tracks">
        <h2 id="top-tracks">{t('wrapped.topTracks')}</h2>
        <ol className="wrapped-bars">
          {wrapped.top_tracks.map((track) => (
            <li key={`${track.title}-${track.artist}`}>
              <span className="wrapped-bar" style={{ width: `${(100 * track.votes) / maxVotes}%` }} aria-hidden="true" />
              <span className="track-title">{track.title}</span>
              <span className="muted">
                {' '}
                · {track.artist} · {formatVotes(track.votes)} · {t('wrapped.addedBy', { name: track.added_by })}
              </span>
            </li>
          ))}
          {wrapped.top_tracks.length === 0 && <li className="muted">{t('wrapped.noVotes')}</li>}
        </ol>
      </section>

      <section className="panel" aria-labelledby="highlights">
        <h2 id="highlights">{t('wrapped.highlights')}</h2>
        <ul className="wrapped-lines">
          {headlines(wrapped)
            .slice(1)
            .map((line) => (
              <li key={line}>{line}</li>
            ))}
          {wrapped.busiest_hour && <li>{t('wrapped.busiest', { hour: formatHour(wrapped.busiest_hour.hour) })}</li>}
        </ul>
        {wrapped.top_contributors.length > 0 && (
          <>
            <h3>{t('wrapped.contributors')}</h3>
            <ol className="wrapped-lines">
              {wrapped.top_contributors.map((c) => (
                <li key={c.display_name}>
                  {t('wrapped.contributor', { name: c.display_name, added: c.added, played: c.played })}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>

      {bars.length > 0 && (
        <section className="panel" aria-labelledby="activity">
          <h2 id="activity">{t('wrapped.activity')}</h2>
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

      <SetList code={code} played={played} />

      <div className="row">
        <button type="button" className="button" onClick={() => void shareImage(wrapped)}>
          {t('wrapped.save')}
        </button>
        <a className="button button-quiet" href={`/r/${code}`}>
          {t('wrapped.back')}
        </a>
      </div>
    </main>
  );
}

/** Every song that played, in order, and the night as files to take home. */
function SetList({ code, played }: { code: string; played: PlayedSong[] | null }) {
  return (
    <section className="panel" aria-labelledby="set-list">
      <h2 id="set-list">{t('wrapped.setList')}</h2>
      <p className="muted">{t('wrapped.setListHint')}</p>
      <SaveToMpd code={code} />
      <div className="row downloads">
        <a className="button button-quiet" href={media.played(code, 'm3u8')} download>
          {t('wrapped.asM3u8')}
        </a>
        <a className="button button-quiet" href={media.played(code, 'xspf')} download>
          {t('wrapped.asXspf')}
        </a>
        <a className="button button-quiet" href={media.played(code, 'csv')} download>
          {t('wrapped.asCsv')}
        </a>
      </div>
      {played && played.length > 0 && (
        <details className="set-list">
          <summary>{t('wrapped.allSongs', { n: played.length })}</summary>
          <ol className="wrapped-lines">
            {played.map((song) => (
              <li key={`${song.played_at}-${song.title}`}>
                <span className="muted">{formatClock(song.played_at)}</span> <span className="track-title">{song.title}</span>
                <span className="muted">
                  {' '}
                  · {song.artist} · {song.added_by ? t('wrapped.addedBy', { name: song.added_by }) : t('wrapped.autoDj')}
                </span>
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}

/** The host's button to keep tonight on the box's MPD server (shown when
 * the box plays through one, to those who may save it). */
function SaveToMpd({ code }: { code: string }) {
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([api.box(), api.me(code)])
      .then(([box, me]) => setShown(box.outputs.some((o) => o.kind === 'mpd') && me.can.moderate))
      .catch(() => undefined);
  }, [code]);
  if (!shown) return null;
  const save = () => {
    setBusy(true);
    api
      .saveToMpd(code)
      .then((result) => setSaved(t('wrapped.savedOnMpd', { name: result.name, n: result.saved })))
      .catch((error: unknown) => toastStore.show(humanMessage(error), 'error'))
      .finally(() => setBusy(false));
  };
  return (
    <div className="row save-to-mpd">
      <button type="button" className="button" disabled={busy} onClick={save}>
        {t('wrapped.saveOnMpd')}
      </button>
      {saved && (
        <p className="muted" role="status">
          {saved}
        </p>
      )}
    </div>
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
      await navigator.share({ files: [file], title: `${wrapped.room_name}: ${t('wrapped.title')}` });
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
  toastStore.show(t('wrapped.saved'));
}
