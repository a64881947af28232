// The box's clock, as this page reckons it. Every `started_at` is written
// by the box's clock; a phone's or a TV's may differ (a Raspberry Pi with no
// internet keeps its own time, minutes or days off), and lyrics highlighted
// a second late are wrong. So the page asks the box the time, and counts
// positions by it.
import { api } from '../api/client';

let offsetMs = 0;
let bestRoundTripMs = Infinity;

/** Now by the box's clock (ms since the epoch). */
export function boxNow(): number {
  return Date.now() + offsetMs;
}

/**
 * What one exchange says of the box's clock: asked at `sentMs`, answered
 * `boxText` (the box's time), heard at `heardMs` (this page's clock). The
 * box read its clock about halfway; the quickest exchange is the one
 * trusted (the least room for a delay one way only).
 */
export function learn(sentMs: number, boxText: string, heardMs: number): void {
  const box = Date.parse(boxText);
  const roundTrip = heardMs - sentMs;
  if (Number.isNaN(box) || roundTrip < 0 || roundTrip >= bestRoundTripMs) return;
  bestRoundTripMs = roundTrip;
  offsetMs = Math.round(box + roundTrip / 2 - heardMs);
}

/** Forgets what was learnt (tests). */
export function resetClock(): void {
  offsetMs = 0;
  bestRoundTripMs = Infinity;
}

/** Asks the box's time a few times, keeping the quickest answer. */
export async function syncClock(tries = 3): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const sent = Date.now();
    try {
      const box = await api.box();
      learn(sent, box.now, Date.now());
    } catch {
      return;
    }
  }
}
