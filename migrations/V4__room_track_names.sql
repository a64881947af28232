-- What a queue item shows is kept on the item itself, so reading a room's
-- queue (after every write batch) needs no join. Track edits (a library
-- rescan fixing a tag) still reach items that are queued or playing.
ALTER TABLE room_tracks ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE room_tracks ADD COLUMN artist TEXT NOT NULL DEFAULT '';
ALTER TABLE room_tracks ADD COLUMN album TEXT;
ALTER TABLE room_tracks ADD COLUMN duration_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_tracks ADD COLUMN added_by_name TEXT NOT NULL DEFAULT '';

UPDATE room_tracks SET
    title = (SELECT title FROM tracks WHERE tracks.id = room_tracks.track_id),
    artist = (SELECT artist FROM tracks WHERE tracks.id = room_tracks.track_id),
    album = (SELECT album FROM tracks WHERE tracks.id = room_tracks.track_id),
    duration_ms = (SELECT duration_ms FROM tracks WHERE tracks.id = room_tracks.track_id),
    added_by_name = (SELECT display_name FROM users WHERE users.id = room_tracks.added_by);

CREATE TRIGGER tracks_to_live_items AFTER UPDATE OF title, artist, album, duration_ms ON tracks BEGIN
    UPDATE room_tracks
    SET title = new.title, artist = new.artist, album = new.album, duration_ms = new.duration_ms
    WHERE track_id = new.id AND status IN ('queued', 'playing');
END;
