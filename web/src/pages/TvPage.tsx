import { useCallback, useEffect, useState } from 'react';
import { JoinQr } from '../components/JoinQr';
import { ProgressBar } from '../components/ProgressBar';
import { useJoinToken, useJoinUrl } from '../hooks/useJoinUrl';
import { useRoom } from '../hooks/useRoom';
import { api } from '../api/client';
import { t } from '../i18n';
import { ensureGuest, forgetGuest } from '../lib/identity';

const NEXT_ON_TV = 6;

/** Full screen, across the room: now playing, what's next, and in a column
 * of its own how to join (QR code, room code, the box's address). No controls. */
export function TvPage({ code }: { code: string }) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    // The live room is for members: a TV without an identity gets its own
    // ("TV screen") and joins as a screen, which is not a person (joining
    // again changes nothing, and the host stays the host).
    void ensureGuest('TV screen')
      .then(() => api.joinRoom(code, { screen: true }))
      .then(() => setReady(true))
      .catch(() => setTimeout(() => setReady(false), 2000));
  }, [code, ready]);
  const onUnauthorized = useCallback(() => {
    forgetGuest();
    setReady(false);
  }, []);
  const { data } = useRoom(code, { enabled: ready, onUnauthorized });
  // The host's screen shows the minute's join code in the QR link (guests
  // who must be here prove it by scanning); other screens the plain link.
  const moderator = data.me?.can.moderate ?? false;
  const token = useJoinToken(code, ready && moderator);
  const joinUrl = useJoinUrl(code, token);
  const address = useJoinUrl(code).replace(/^https?:\/\//, '');
  const playing = data.nowPlaying;

  return (
    <main className="tv">
      <section className="tv-now" aria-labelledby="tv-now-heading">
        <h1 id="tv-now-heading" className="label">
          {t('tv.nowPlaying', { name: data.info?.name ?? t('brand') })}
        </h1>
        <p className="tv-title">{playing?.title ?? (data.loaded ? t('now.nothing') : '\u00a0')}</p>
        <p className="tv-artist">{playing?.artist ?? (data.loaded ? t('tv.scanToAdd') : '\u00a0')}</p>
        <ProgressBar
          startedAt={playing?.started_at ?? null}
          durationMs={playing?.duration_ms ?? 0}
          pausedMs={playing?.paused_ms ?? null}
        />
      </section>
      <section className="tv-next" aria-labelledby="tv-next-heading">
        <h2 id="tv-next-heading" className="label">
          {t('tv.upNext')}
        </h2>
        <ol className="tv-list">
          {data.queue.slice(0, NEXT_ON_TV).map((item) => (
            <li key={item.room_track_id}>
              <span className="tv-votes">{item.votes}</span>
              <span className="tv-item">
                {item.title} <span className="muted">· {item.artist}</span>
              </span>
            </li>
          ))}
          {data.loaded && data.queue.length === 0 && <li className="muted">{t('tv.queueEmpty')}</li>}
        </ol>
      </section>
      <aside className="tv-join" aria-label={t('tv.joinHow')}>
        <JoinQr url={joinUrl} code={code} />
        <p className="label">{t('tv.joinWith')}</p>
        <p className="room-code">{code}</p>
        <p className="tv-address">
          <span className="muted">{t('tv.orOpen')}</span> <span className="tv-url">{address}</span>
        </p>
        {data.presence && <p className="tv-presence">{t('presence.here', { n: data.presence.count })}</p>}
      </aside>
    </main>
  );
}
