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
  const started = startedAt ? Date.parse(startedAt) : NaN;
  if (Number.isNaN(started) || durationMs <= 0) return { elapsedMs: 0, fraction: 0 };
  // Paused, the position stands still where the host stopped it.
  const raw = pausedMs ?? nowMs - started;
  const elapsedMs = Math.min(Math.max(0, raw), durationMs);
  return { elapsedMs, fraction: elapsedMs / durationMs };
}

/** "1 vote", "-2 votes". */
export function formatVotes(votes: number): string {
  return `${votes} ${Math.abs(votes) === 1 ? 'vote' : 'votes'}`;
}

/** A stored UTC time as the phone's local clock time: "21:18". */
export function formatClock(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
