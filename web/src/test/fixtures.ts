// What unit tests build their data from: one queued song with plain
// defaults, changed by `patch`.
import type { QueueItem } from '../api/types';

export const queueItem = (patch: Partial<QueueItem> = {}): QueueItem => ({
  room_track_id: 'rt',
  track_id: 't',
  title: 'Song',
  artist: 'A',
  album: null,
  duration_ms: 1000,
  votes: 0,
  score: 0,
  reason: '',
  status: 'queued',
  created_at: '2026-11-24T21:00:00.000000Z',
  started_at: null,
  added_by: 'Bea',
  has_audio: true,
  playable: true,
  gain_db: null,
  auto_dj: false,
  paused_ms: null,
  source: 'file',
  ...patch,
});
