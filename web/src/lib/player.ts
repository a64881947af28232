// The host's player follows the room: pure rules, unit-tested. The box
// decides what plays and when it moves on (its room clock); the page plays
// it at the room's position, its loudness, within the quiet hours.
import type { QueueItem, Settings } from '../api/types';

/** How far the audio may drift from the room's position while it plays
 * before the player jumps (ms): small drifts are buffering, not a seek. */
export const DRIFT_MS = 1500;

/** Once audio starts (a new track, a reload, a tap to start), it is put
 * within this of the room's position (ms), so the speakers and the phones
 * agree. */
export const START_SYNC_MS = 120;

/** Audio that should play but has had no data this long is given up on:
 * the room moves on rather than sit in silence (ms). */
export const STALL_MS = 10_000;

/** The next track is loaded this long before the current one ends, so it
 * follows without a gap (ms). */
export const PRELOAD_MS = 20_000;

/** Where the room is in the item (ms since its start; unclamped): where
 * the host paused it, else the time since it started. The one place the
 * page works this out (the box's is `domain::player::position_ms`). */
export function roomPosition(item: Pick<QueueItem, 'started_at' | 'paused_ms'>, nowMs: number): number {
  if (item.paused_ms !== null) return item.paused_ms;
  const started = item.started_at ? Date.parse(item.started_at) : NaN;
  return Number.isNaN(started) ? 0 : nowMs - started;
}

/** Whether the audio element should jump to the room's position. */
export function needsSeek(audioMs: number, roomMs: number, toleranceMs = DRIFT_MS): boolean {
  return Math.abs(audioMs - roomMs) > toleranceMs;
}

/** The room's crossfade for this item (ms): never more than half of it. */
export function crossfadeMs(item: QueueItem, settings: Settings | null): number {
  const fade = (settings?.crossfade_seconds ?? 0) * 1000;
  return Math.max(0, Math.min(fade, Math.floor(item.duration_ms / 2)));
}

/** When (ms into the item) the player says it is over: at its end, or
 * with a crossfade when the next should start fading in. `null`: the audio
 * element's own end says so. */
export function reportEndAtMs(item: QueueItem, settings: Settings | null): number | null {
  const fade = crossfadeMs(item, settings);
  return fade > 0 ? item.duration_ms - fade : null;
}

/** The track's own gain (linear) while the room normalises loudness. */
export function trackGain(item: QueueItem, settings: Settings | null): number {
  if (settings && !settings.normalize_loudness) return 1;
  return item.gain_db === null ? 1 : 10 ** (item.gain_db / 20);
}

/** "22:30" as minutes after midnight, or null. */
export function parseClock(text: string | null): number | null {
  const match = text ? /^(\d{1,2}):(\d{2})$/.exec(text.trim()) : null;
  if (!match) return null;
  const [h, m] = [Number(match[1]), Number(match[2])];
  return h < 24 && m < 60 ? h * 60 + m : null;
}

/** The volume ceiling (0 to 1) at local time `now`: the quiet hours'
 * setting inside them (they may run past midnight), else full. */
export function volumeCeiling(settings: Settings | null, now: Date): number {
  const from = parseClock(settings?.quiet_from ?? null);
  const until = parseClock(settings?.quiet_until ?? null);
  if (!settings || from === null || until === null) return 1;
  const minute = now.getHours() * 60 + now.getMinutes();
  const inside = from <= until ? minute >= from && minute < until : minute >= from || minute < until;
  return inside ? Math.min(100, settings.quiet_volume_percent) / 100 : 1;
}

/** Why an audio element gave up, in a few words (for the log and the host). */
export function mediaErrorReason(error: MediaError | null): string {
  switch (error?.code) {
    case 1:
      return 'loading was stopped';
    case 2:
      return 'the network failed';
    case 3:
      return 'the file does not decode';
    case 4:
      return 'the file is gone or cannot be played here';
    default:
      return 'the player gave up on it';
  }
}
