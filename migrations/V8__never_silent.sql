-- Loudness: the gain (dB) that brings a file track to the ReplayGain 2
-- reference (-18 LUFS), from its ReplayGain or R128 tags or measured
-- (EBU R128) after the scan. `gain_source`: 'tag', 'measured' or
-- 'unmeasurable'; NULL means not measured yet (the loudness pass's work).
ALTER TABLE tracks ADD COLUMN gain_db REAL;
ALTER TABLE tracks ADD COLUMN gain_source TEXT;
CREATE INDEX tracks_to_measure ON tracks (seq) WHERE gain_source IS NULL AND source = 'file';

-- Items carry their track's gain, like its title: players read it from the
-- room's snapshot, which joins nothing.
ALTER TABLE room_tracks ADD COLUMN gain_db REAL;
UPDATE room_tracks SET gain_db = (SELECT gain_db FROM tracks WHERE tracks.id = room_tracks.track_id);

-- A track's gain measured later, or its file gone or back, reaches the
-- items still queued or playing.
CREATE TRIGGER tracks_audio_to_live_items AFTER UPDATE OF gain_db, available ON tracks BEGIN
    UPDATE room_tracks
    SET gain_db = new.gain_db, has_audio = (new.source = 'file' AND new.available = 1)
    WHERE track_id = new.id AND status IN ('queued', 'playing');
END;

-- A played item whose audio could not be played (file gone, decode
-- error): the room moved on without it.
ALTER TABLE room_tracks ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;

-- The auto-DJ passes over what the room turned down tonight.
CREATE INDEX room_tracks_turned_down ON room_tracks (room_id, track_id)
    WHERE status = 'removed' OR skipped = 1 OR failed = 1;

-- The room clock looks for what plays, four times a second.
CREATE INDEX room_tracks_playing ON room_tracks (room_id) WHERE status = 'playing';
