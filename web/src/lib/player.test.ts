import { describe, expect, it } from 'vitest';
import type { QueueItem } from '../api/types';
import { endedByClock, needsSeek, roomPosition } from './player';

const start = '2026-11-30T21:00:00.000000Z';
const t0 = Date.parse(start);
const item = (patch: Partial<QueueItem> = {}): QueueItem => ({
  room_track_id: 'rt',
  track_id: 't',
  title: 'Song',
  artist: 'Band',
  album: null,
  duration_ms: 180_000,
  votes: 0,
  score: 1,
  reason: '',
  status: 'playing',
  created_at: start,
  started_at: start,
  added_by: 'Bea',
  has_audio: true,
  auto_dj: false,
  paused_ms: null,
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
  });
});

describe('endedByClock', () => {
  it('ends a moment after the duration, never while paused', () => {
    expect(endedByClock(item(), t0 + 180_000)).toBe(false);
    expect(endedByClock(item(), t0 + 181_000)).toBe(true);
    expect(endedByClock(item({ paused_ms: 180_000 }), t0 + 999_000)).toBe(false);
  });
});
