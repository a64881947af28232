// Lyrics on the TV: which line plays now, and which lines to show around
// it (the box's rules for reading them are `domain::lyrics`).
import type { LyricLine } from '../api/types';

/** The line playing at `positionMs`: the last one started, or null before
 * the first (lines come in time order). */
export function lineAt(lines: LyricLine[], positionMs: number): number | null {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const at = lines[mid]?.at_ms;
    if (at != null && at <= positionMs) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? null : lo - 1;
}

/** Lines shown at once: the one before, the current, and what follows. */
export const LINES_SHOWN = 5;

/** Where the shown lines start, for the line playing (`null`: none yet). */
export function firstShown(current: number | null, count: number): number {
  const start = current === null ? 0 : current - 1;
  return Math.max(0, Math.min(start, count - LINES_SHOWN));
}
