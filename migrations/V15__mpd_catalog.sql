-- Songs an MPD or Mopidy server offers (`--mpd`): source 'mpd', played by
-- their URI on that server. They enter the catalog as search, playlists
-- and the queue meet them (a streaming backend's catalog has no end), with
-- an id derived from the URI, so the same song keeps its id.
ALTER TABLE tracks ADD COLUMN uri TEXT;
CREATE UNIQUE INDEX tracks_by_uri ON tracks (uri) WHERE uri IS NOT NULL;

-- Items say where their audio comes from, so each player plays its own:
-- the host's page and the box's speaker a file, the MPD server a URI.
ALTER TABLE room_tracks ADD COLUMN source TEXT NOT NULL DEFAULT 'builtin';
UPDATE room_tracks SET source = (SELECT source FROM tracks WHERE tracks.id = room_tracks.track_id);

-- An MPD song has audio as a file does (while the server is configured:
-- `available`).
DROP TRIGGER tracks_audio_to_live_items;
CREATE TRIGGER tracks_audio_to_live_items AFTER UPDATE OF gain_db, available ON tracks BEGIN
    UPDATE room_tracks
    SET gain_db = new.gain_db, has_audio = (new.source IN ('file', 'mpd') AND new.available = 1)
    WHERE track_id = new.id AND status IN ('queued', 'playing');
END;
