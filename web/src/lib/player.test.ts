import { describe, expect, it } from 'vitest';
import type { QueueItem, Settings } from '../api/types';
import { queueItem } from '../test/fixtures';
import {
  crossfadeMs,
  mediaErrorReason,
  needsSeek,
  parseClock,
  reportEndAtMs,
  roomPosition,
  trackGain,
  volumeCeiling,
} from './player';

const start = '2026-11-30T21:00:00.000000Z';
const t0 = Date.parse(start);
const item = (patch: Partial<QueueItem> = {}): QueueItem =>
  queueItem({ artist: 'Band', duration_ms: 180_000, score: 1, status: 'playing', created_at: start, started_at: start, ...patch });
const settings = (patch: Partial<Settings> = {}): Settings => ({
  max_queued_per_guest: 5,
  skip_threshold_percent: 50,
  allow_downvotes: true,
  fairness: true,
  no_artist_twice: true,
  dj_rotation: false,
  guest_adds: 'anything',
  readd_cooldown_minutes: 60,
  hide_explicit: false,
  new_guest_vote_delay_seconds: 10,
  open: true,
  guests_must_be_here: false,
  join_pin: null,
  crossfade_seconds: 0,
  normalize_loudness: true,
  quiet_from: null,
  quiet_until: null,
  quiet_volume_percent: 30,
  volume_percent: 100,
  voters_per_network: 2,
  shared_networks: [],
  max_guests: null,
  wifi_name: null,
  wifi_password: null,
  ...patch,
});

describe('roomPosition', () => {
  it('runs with the clock while playing', () => {
    expect(roomPosition(item(), t0 + 42_000)).toBe(42_000);
  });
  it('stands still while paused', () => {
    expect(roomPosition(item({ paused_ms: 5_000 }), t0 + 99_000)).toBe(5_000);
  });
});

describe('needsSeek', () => {
  it('ignores small drift and follows real jumps', () => {
    expect(needsSeek(10_000, 10_900)).toBe(false);
    expect(needsSeek(10_000, 60_000)).toBe(true);
    expect(needsSeek(60_000, 0)).toBe(true);
    expect(needsSeek(10_000, 10_200, 120)).toBe(true);
  });
});

describe('crossfade', () => {
  it('reports the end when the fade should begin, never past half a track', () => {
    expect(reportEndAtMs(item(), settings())).toBeNull();
    expect(reportEndAtMs(item(), settings({ crossfade_seconds: 5 }))).toBe(175_000);
    expect(crossfadeMs(item({ duration_ms: 4_000 }), settings({ crossfade_seconds: 12 }))).toBe(2_000);
    expect(crossfadeMs(item(), null)).toBe(0);
  });
});

describe('trackGain', () => {
  it('applies the gain while normalising, else plays the file as it is', () => {
    expect(trackGain(item({ gain_db: -20 }), settings())).toBeCloseTo(0.1);
    expect(trackGain(item({ gain_db: 6 }), settings())).toBeCloseTo(1.995, 2);
    expect(trackGain(item({ gain_db: -20 }), settings({ normalize_loudness: false }))).toBe(1);
    expect(trackGain(item(), settings())).toBe(1);
  });
});

describe('volumeCeiling', () => {
  const at = (h: number, m: number) => new Date(2026, 11, 1, h, m);
  const quiet = settings({ quiet_from: '22:30', quiet_until: '07:00', quiet_volume_percent: 25 });
  it('caps the volume in quiet hours, across midnight', () => {
    expect(volumeCeiling(quiet, at(23, 0))).toBe(0.25);
    expect(volumeCeiling(quiet, at(3, 15))).toBe(0.25);
    expect(volumeCeiling(quiet, at(7, 0))).toBe(1);
    expect(volumeCeiling(quiet, at(22, 29))).toBe(1);
    expect(volumeCeiling(settings(), at(23, 0))).toBe(1);
  });
  it('reads clock times strictly', () => {
    expect(parseClock('7:05')).toBe(425);
    expect(parseClock('24:00')).toBeNull();
    expect(parseClock('12:5')).toBeNull();
    expect(parseClock(null)).toBeNull();
  });
});

describe('mediaErrorReason', () => {
  it('names what went wrong', () => {
    expect(mediaErrorReason({ code: 3 } as MediaError)).toBe('the file does not decode');
    expect(mediaErrorReason(null)).toBe('the player gave up on it');
  });
});
