// The host's player follows the room: pure rules, unit-tested.
import type { QueueItem } from '../api/types';

/** How far the audio may drift from the room's position before the player
 * jumps (ms): small drifts are buffering, not a seek. */
export const DRIFT_MS = 1500;

/** A track without audio here ends by the clock, a moment after its
 * duration (ms), so a player that has the audio reports first. */
export const CLOCK_END_GRACE_MS = 1000;

/** Where the room is in the item (ms since its start; unclamped). */
export function roomPosition(item: QueueItem, nowMs: number): number {
  if (item.paused_ms !== null) return item.paused_ms;
  const started = item.started_at ? Date.parse(item.started_at) : NaN;
  return Number.isNaN(started) ? 0 : nowMs - started;
}

/** Whether the audio element should jump to the room's position. */
export function needsSeek(audioMs: number, roomMs: number): boolean {
  return Math.abs(audioMs - roomMs) > DRIFT_MS;
}

/** Whether a track played by the clock (no audio on this device) is over. */
export function endedByClock(item: QueueItem, nowMs: number): boolean {
  return item.paused_ms === null && roomPosition(item, nowMs) >= item.duration_ms + CLOCK_END_GRACE_MS;
}
