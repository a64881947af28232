-- The host's own music: tracks read from files, beside the built-in
-- catalog. A file track knows its path and the size and modification time
-- it had when read (an unchanged file is not read again). `available` = 0
-- hides a track from search and adding (its file is gone, or the built-in
-- catalog is switched off) while rooms that played it keep their history.
ALTER TABLE tracks ADD COLUMN path TEXT;
ALTER TABLE tracks ADD COLUMN file_size INTEGER;
ALTER TABLE tracks ADD COLUMN file_mtime_ms INTEGER;
ALTER TABLE tracks ADD COLUMN track_no INTEGER;
ALTER TABLE tracks ADD COLUMN has_cover INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tracks ADD COLUMN available INTEGER NOT NULL DEFAULT 1;
CREATE INDEX tracks_by_source ON tracks (source, available);

-- What the room plays: whether the box has the item's audio, whether the
-- auto-DJ picked it, and, while the host has paused it, the position
-- (milliseconds) it stopped at. Resuming moves `started_at` so that
-- `now - started_at` is the position again.
ALTER TABLE room_tracks ADD COLUMN has_audio INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_tracks ADD COLUMN auto_dj INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_tracks ADD COLUMN paused_ms INTEGER;
