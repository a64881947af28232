import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, formatVotes, playbackProgress } from './format';

describe('formatDuration', () => {
  it('formats minutes and seconds', () => {
    expect(formatDuration(185_000)).toBe('3:05');
    expect(formatDuration(59_999)).toBe('0:59');
    expect(formatDuration(0)).toBe('0:00');
  });
  it('adds hours for long tracks', () => {
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
  it('never shows negative time', () => {
    expect(formatDuration(-5000)).toBe('0:00');
  });
});

describe('playbackProgress', () => {
  const start = '2026-11-24T21:00:00.000000Z';
  const t0 = Date.parse(start);
  it('measures from the start time', () => {
    expect(playbackProgress(start, 200_000, t0 + 50_000)).toEqual({ elapsedMs: 50_000, fraction: 0.25 });
  });
  it('clamps before the start and after the end', () => {
    expect(playbackProgress(start, 200_000, t0 - 1000).fraction).toBe(0);
    expect(playbackProgress(start, 200_000, t0 + 999_000)).toEqual({ elapsedMs: 200_000, fraction: 1 });
  });
  it('stands still where the host paused', () => {
    expect(playbackProgress(start, 200_000, t0 + 150_000, 50_000)).toEqual({ elapsedMs: 50_000, fraction: 0.25 });
    expect(playbackProgress(start, 200_000, t0, 999_999).fraction).toBe(1);
  });
  it('is empty without a start or a duration', () => {
    expect(playbackProgress(null, 200_000, t0)).toEqual({ elapsedMs: 0, fraction: 0 });
    expect(playbackProgress(start, 0, t0 + 10)).toEqual({ elapsedMs: 0, fraction: 0 });
    expect(playbackProgress('not a date', 1000, t0)).toEqual({ elapsedMs: 0, fraction: 0 });
  });
});

describe('formatVotes', () => {
  it('pluralises', () => {
    expect(formatVotes(1)).toBe('1 vote');
    expect(formatVotes(-1)).toBe('-1 vote');
    expect(formatVotes(0)).toBe('0 votes');
    expect(formatVotes(12)).toBe('12 votes');
  });
});

describe('formatClock', () => {
  it('shows a stored time as hours and minutes, and nothing for junk', () => {
    expect(formatClock('2026-11-24T21:18:06.123456Z')).toMatch(/^\d{1,2}[:.]\d{2}/);
    expect(formatClock('not a time')).toBe('');
  });
});
