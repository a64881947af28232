import { useCallback, useEffect, useState } from 'react';
import { JoinQr } from '../components/JoinQr';
import { ProgressBar } from '../components/ProgressBar';
import { useJoinUrl } from '../hooks/useJoinUrl';
import { useRoom } from '../hooks/useRoom';
import { ensureGuest, forgetGuest } from '../lib/identity';
import { storage } from '../lib/storage';

const NEXT_ON_TV = 6;

/** Full screen, across the room: now playing, what's next, how to join. No controls. */
export function TvPage({ code }: { code: string }) {
  const [ready, setReady] = useState(storage.userId() !== null);
  useEffect(() => {
    // Reading a room needs an identity; a TV gets its own quiet one.
    if (!ready) void ensureGuest('TV screen').then(() => setReady(true));
  }, [ready]);
  const onUnauthorized = useCallback(() => {
    forgetGuest();
    setReady(false);
  }, []);
  const { data } = useRoom(code, { enabled: ready, onUnauthorized });
  const joinUrl = useJoinUrl(code);
  const playing = data.nowPlaying;

  return (
    <main className="tv">
      <section className="tv-now" aria-labelledby="tv-now-heading">
        <h1 id="tv-now-heading" className="label">
          {data.info?.name ?? 'Democratic Tunes'} · now playing
        </h1>
        <p className="tv-title">{playing?.title ?? (data.loaded ? 'Nothing playing yet' : '\u00a0')}</p>
        <p className="tv-artist">{playing?.artist ?? (data.loaded ? 'Scan the code and add a song!' : '\u00a0')}</p>
        <ProgressBar startedAt={playing?.started_at ?? null} durationMs={playing?.duration_ms ?? 0} />
      </section>
      <section className="tv-next" aria-labelledby="tv-next-heading">
        <h2 id="tv-next-heading" className="label">
          Up next
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
          {data.loaded && data.queue.length === 0 && <li className="muted">The queue is empty</li>}
        </ol>
      </section>
      <aside className="tv-join" aria-label="How to join">
        <JoinQr url={joinUrl} code={code} />
        <p className="label">Join with code</p>
        <p className="room-code">{code}</p>
      </aside>
    </main>
  );
}
