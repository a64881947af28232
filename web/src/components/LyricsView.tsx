import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Lyrics, QueueItem } from '../api/types';
import { useNow } from '../hooks/useNow';
import { t } from '../i18n';
import { LINES_SHOWN, firstShown, lineAt } from '../lib/lyrics';
import { playbackProgress } from '../lib/format';
import { roomPosition } from '../lib/player';

/** The playing song's lyrics, when this screen shows them: `undefined`
 * while asked, `null` when the song has none. */
export function useLyrics(trackId: string | null, enabled: boolean): Lyrics | null | undefined {
  const [found, setFound] = useState<{ trackId: string; lyrics: Lyrics | null } | null>(null);
  useEffect(() => {
    if (!enabled || trackId === null) return;
    let current = true;
    api.lyrics(trackId).then(
      (lyrics) => current && setFound({ trackId, lyrics }),
      () => current && setFound({ trackId, lyrics: null }),
    );
    return () => {
      current = false;
    };
  }, [trackId, enabled]);
  if (!enabled || trackId === null) return null;
  return found?.trackId === trackId ? found.lyrics : undefined;
}

/** Synced lyrics as karaoke: the line playing now lit, the one before and
 * the next few around it, following the room's position (pauses and seeks
 * included). Plain lyrics scroll through as the song goes. */
export function LyricsView({ lyrics, item }: { lyrics: Lyrics; item: QueueItem }) {
  const now = useNow(lyrics.synced ? 100 : 1000);
  if (!lyrics.synced) return <PlainLyrics lyrics={lyrics} item={item} now={now} />;
  const current = lineAt(lyrics.lines, roomPosition(item, now));
  const from = firstShown(current, lyrics.lines.length);
  return (
    <ol className="lyrics" aria-label={t('tv.lyrics')}>
      {lyrics.lines.slice(from, from + LINES_SHOWN).map((line, i) => {
        const index = from + i;
        const state = index === current ? 'current' : index < (current ?? -1) ? 'sung' : 'next';
        return (
          <li key={index} className={`lyric lyric-${state}`} aria-current={state === 'current' ? 'true' : undefined}>
            {line.text || '♪'}
          </li>
        );
      })}
    </ol>
  );
}

function PlainLyrics({ lyrics, item, now }: { lyrics: Lyrics; item: QueueItem; now: number }) {
  const box = useRef<HTMLDivElement>(null);
  const { fraction } = playbackProgress(item.started_at, item.duration_ms, now, item.paused_ms);
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = fraction * (el.scrollHeight - el.clientHeight);
  }, [fraction]);
  return (
    <div ref={box} className="lyrics lyrics-plain" aria-label={t('tv.lyrics')}>
      {lyrics.lines.map((line, i) => (
        <p key={i} className="lyric">
          {line.text || '\u00a0'}
        </p>
      ))}
    </div>
  );
}
