import { useCallback, useEffect, useState } from 'react';
import { JoinQr } from '../components/JoinQr';
import { LyricsView, useLyrics } from '../components/LyricsView';
import { Qr } from '../components/Qr';
import { ProgressBar } from '../components/ProgressBar';
import { RisingReactions } from '../components/Reactions';
import { useJoinToken, useJoinUrl } from '../hooks/useJoinUrl';
import { useRoom } from '../hooks/useRoom';
import { api } from '../api/client';
import type { WifiCard } from '../api/types';
import { t } from '../i18n';
import { ensureGuest, forgetGuest } from '../lib/identity';
import { storage } from '../lib/storage';

const NEXT_ON_TV = 6;
/** Reactions rising at once across the screen: a whole room tapping
 * still leaves the song's title readable. */
const RISING_ON_TV = 40;
/** The guest Wi-Fi is asked again this often (a new password changes no
 * setting a screen is sent). */
const WIFI_EVERY_MS = 60_000;

/** Full screen, across the room: now playing, what's next, and in a column
 * of its own how to join (QR code, room code, the box's address). No
 * controls but one switch: lyrics in place of the queue (a karaoke view). */
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
  const { data, reactions } = useRoom(code, { enabled: ready, onUnauthorized });
  // The host's screen shows the minute's join code in the QR link (guests
  // who must be here prove it by scanning); other screens the plain link.
  const moderator = data.me?.can.moderate ?? false;
  const token = useJoinToken(code, ready && moderator);
  const joinUrl = useJoinUrl(code, token);
  const address = useJoinUrl(code).replace(/^https?:\/\//, '');
  const playing = data.nowPlaying;
  const wifi = useWifi(code, ready, data.settings?.wifi_name ?? null);
  // Karaoke: this screen's choice (a `?lyrics=1` link sets it, for a TV
  // without a pointer).
  const [showLyrics, setShowLyrics] = useState(() => {
    const asked = new URLSearchParams(location.search).get('lyrics');
    if (asked !== null) storage.setLyrics(asked === '1');
    return storage.lyrics();
  });
  const toggleLyrics = () => {
    storage.setLyrics(!showLyrics);
    setShowLyrics(!showLyrics);
  };
  const lyrics = useLyrics(playing?.track_id ?? null, ready && showLyrics);
  const singing = showLyrics && playing !== null && lyrics;

  return (
    <main className="tv">
      <RisingReactions feed={reactions} max={RISING_ON_TV} className="rising-tv" />
      <section className="tv-now" aria-labelledby="tv-now-heading">
        <div className="tv-now-head">
          <h1 id="tv-now-heading" className="label">
            {t('tv.nowPlaying', { name: data.info?.name ?? t('brand') })}
          </h1>
          <button type="button" className="button button-quiet button-small" aria-pressed={showLyrics} onClick={toggleLyrics}>
            {t('tv.lyrics')}
          </button>
        </div>
        <p className="tv-title">{playing?.title ?? (data.loaded ? t('now.nothing') : '\u00a0')}</p>
        <p className="tv-artist">{playing?.artist ?? (data.loaded ? t('tv.scanToAdd') : '\u00a0')}</p>
        <ProgressBar
          startedAt={playing?.started_at ?? null}
          durationMs={playing?.duration_ms ?? 0}
          pausedMs={playing?.paused_ms ?? null}
        />
      </section>
      <section className="tv-next" aria-labelledby="tv-next-heading">
        {singing && playing && <LyricsView lyrics={singing} item={playing} />}
        {showLyrics && playing && lyrics === null && <p className="muted tv-no-lyrics">{t('tv.noLyrics')}</p>}
        <h2 id="tv-next-heading" className="label">
          {t('tv.upNext')}
        </h2>
        <ol className="tv-list">
          {data.queue.slice(0, singing ? 2 : NEXT_ON_TV).map((item) => (
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
      <aside className={wifi ? 'tv-join with-wifi' : 'tv-join'} aria-label={t('tv.joinHow')}>
        {wifi ? (
          <div className="tv-steps">
            <div className="tv-step">
              <p className="label">{t('tv.wifiStep')}</p>
              <Qr text={wifi.qr} label={t('tv.wifiQr', { name: wifi.name })} />
              <p className="tv-wifi">
                <span className="tv-url">{wifi.name}</span>
                {wifi.password && (
                  <>
                    <br />
                    <span className="muted">{t('tv.password')}</span> <span className="tv-url">{wifi.password}</span>
                  </>
                )}
              </p>
            </div>
            <div className="tv-step">
              <p className="label">{t('tv.partyStep')}</p>
              <JoinQr url={joinUrl} code={code} />
            </div>
          </div>
        ) : (
          <JoinQr url={joinUrl} code={code} />
        )}
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

/** The guest Wi-Fi the host set, for the screen to show (the box answers
 * the host and the party's screens only); asked again when its name
 * changes, and every minute. */
function useWifi(code: string, ready: boolean, name: string | null): WifiCard | null {
  const [wifi, setWifi] = useState<WifiCard | null>(null);
  useEffect(() => {
    if (!ready) return;
    const ask = () =>
      void api
        .wifi(code)
        .then(setWifi)
        .catch(() => setWifi(null));
    ask();
    const timer = setInterval(ask, WIFI_EVERY_MS);
    return () => clearInterval(timer);
  }, [code, ready, name]);
  return wifi;
}
