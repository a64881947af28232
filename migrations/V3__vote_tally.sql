-- Each item's net votes, kept by triggers in the same transaction as the
-- vote itself, so reading a room's queue needs no aggregation.
ALTER TABLE room_tracks ADD COLUMN votes INTEGER NOT NULL DEFAULT 0;

UPDATE room_tracks
SET votes = COALESCE((SELECT SUM(value) FROM votes v WHERE v.room_track_id = room_tracks.id), 0);

CREATE TRIGGER votes_tally_insert AFTER INSERT ON votes BEGIN
    UPDATE room_tracks SET votes = votes + new.value WHERE id = new.room_track_id;
END;
CREATE TRIGGER votes_tally_update AFTER UPDATE OF value ON votes BEGIN
    UPDATE room_tracks SET votes = votes - old.value + new.value WHERE id = new.room_track_id;
END;
CREATE TRIGGER votes_tally_delete AFTER DELETE ON votes BEGIN
    UPDATE room_tracks SET votes = votes - old.value WHERE id = old.room_track_id;
END;
