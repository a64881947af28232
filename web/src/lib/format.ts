import type { QueueItem } from '../api/types';
import { currentLanguage, t } from '../i18n';
import { roomPosition } from './player';

/** 185000 → "3:05"; 3725000 → "1:02:05". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** How far a track is, from when it started and how long it is. */
export function playbackProgress(
  startedAt: string | null,
  durationMs: number,
  nowMs: number,
  pausedMs: number | null = null,
): { elapsedMs: number; fraction: number } {
  if (durationMs <= 0) return { elapsedMs: 0, fraction: 0 };
  const at = roomPosition({ started_at: startedAt, paused_ms: pausedMs }, nowMs);
  const elapsedMs = Math.min(Math.max(0, at), durationMs);
  return { elapsedMs, fraction: elapsedMs / durationMs };
}

/** "1 vote", "-2 votes". */
export function formatVotes(votes: number): string {
  return t('vote.count', { n: votes });
}

/** A stored UTC time as the phone's local clock time: "21:18". */
export function formatClock(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  return new Date(at).toLocaleTimeString(currentLanguage(), { hour: '2-digit', minute: '2-digit' });
}

/** A wait in words: "45 s" under a minute, "12 min", "1 h 20 min". */
export function formatWait(ms: number): string {
  // Clocks differ by a little: never "0 s".
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return t('time.seconds', { n: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('time.minutes', { n: minutes });
  if (minutes % 60 === 0) return t('time.wholeHours', { h: minutes / 60 });
  return t('time.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** When each queued item should start, in ms from `nowMs`: what is left of
 * the playing song, then each song before it in the queue's order. A
 * paused song holds everything back by what is left of it. */
export function startsIn(queue: QueueItem[], nowPlaying: QueueItem | null, nowMs: number): number[] {
  let at = 0;
  if (nowPlaying) {
    const { elapsedMs } = playbackProgress(nowPlaying.started_at, nowPlaying.duration_ms, nowMs, nowPlaying.paused_ms);
    at = Math.max(0, nowPlaying.duration_ms - elapsedMs);
  }
  return queue.map((item) => {
    const start = at;
    at += Math.max(0, item.duration_ms);
    return start;
  });
}

/** A queue row's start in words: "next", "in ~12 min". */
export function formatEta(ms: number, position: number): string {
  if (position === 1 && ms < 60_000) return t('queue.next');
  return t('queue.eta', { time: formatWait(Math.max(ms, 60_000)) });
}
