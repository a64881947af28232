-- A fair party: roles and public member ids, kicks and bans, room settings
-- and join tokens, soft-deleted queue items, votes that count only when
-- they should, and a moderation log.

-- Members: a public id (the user id is a credential), the co-host role, and
-- kicks and bans kept on the row so the log can still name them.
CREATE TABLE room_members_v5 (
    room_id   TEXT NOT NULL REFERENCES rooms (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    member_id TEXT NOT NULL UNIQUE,
    role      TEXT NOT NULL CHECK (role IN ('host', 'cohost', 'guest')),
    joined_at TEXT NOT NULL,
    left_at   TEXT,                       -- kicked: out until they join again
    banned_at TEXT,                       -- banned: out for good
    PRIMARY KEY (room_id, user_id)
) STRICT, WITHOUT ROWID;
INSERT INTO room_members_v5 (room_id, user_id, member_id, role, joined_at)
SELECT room_id, user_id, lower(hex(randomblob(8))), role, joined_at FROM room_members;
DROP TABLE room_members;
ALTER TABLE room_members_v5 RENAME TO room_members;

-- The device a guest account was made on (a long-lived cookie): accounts
-- from one device vote as one.
ALTER TABLE users ADD COLUMN device_id TEXT;

-- Settings (JSON, defaults in the code) and the secret join tokens derive from.
ALTER TABLE rooms ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE rooms ADD COLUMN secret TEXT NOT NULL DEFAULT '';
UPDATE rooms SET secret = lower(hex(randomblob(16)));

-- Queue items gain the 'removed' status (soft delete, with who and why),
-- and the keys that tell one song from another version of it.
DROP TRIGGER tracks_to_live_items;
DROP TRIGGER votes_tally_insert;
DROP TRIGGER votes_tally_update;
DROP TRIGGER votes_tally_delete;
CREATE TABLE room_tracks_v5 (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    room_id        TEXT NOT NULL REFERENCES rooms (id),
    track_id       TEXT NOT NULL REFERENCES tracks (id),
    added_by       TEXT NOT NULL REFERENCES users (id),
    status         TEXT NOT NULL CHECK (status IN ('queued', 'playing', 'played', 'removed')),
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    ended_at       TEXT,
    votes          INTEGER NOT NULL DEFAULT 0,
    title          TEXT NOT NULL DEFAULT '',
    artist         TEXT NOT NULL DEFAULT '',
    album          TEXT,
    duration_ms    INTEGER NOT NULL DEFAULT 0,
    added_by_name  TEXT NOT NULL DEFAULT '',
    song_key       TEXT NOT NULL DEFAULT '',
    artist_key     TEXT NOT NULL DEFAULT '',
    skipped        INTEGER NOT NULL DEFAULT 0,  -- ended by the room's vote to skip
    removed_at     TEXT,
    removed_by     TEXT REFERENCES users (id),
    removed_reason TEXT
) STRICT;
INSERT INTO room_tracks_v5 (seq, id, room_id, track_id, added_by, status, created_at, started_at,
                            ended_at, votes, title, artist, album, duration_ms, added_by_name)
SELECT seq, id, room_id, track_id, added_by, status, created_at, started_at,
       ended_at, votes, title, artist, album, duration_ms, added_by_name
FROM room_tracks;
DROP TABLE room_tracks;
ALTER TABLE room_tracks_v5 RENAME TO room_tracks;
CREATE INDEX room_tracks_by_room_status ON room_tracks (room_id, status);
CREATE INDEX room_tracks_by_song ON room_tracks (room_id, song_key, started_at);
CREATE UNIQUE INDEX room_tracks_live_once ON room_tracks (room_id, track_id)
    WHERE status IN ('queued', 'playing');
CREATE UNIQUE INDEX room_tracks_one_playing ON room_tracks (room_id)
    WHERE status = 'playing';

CREATE TRIGGER tracks_to_live_items AFTER UPDATE OF title, artist, album, duration_ms ON tracks BEGIN
    UPDATE room_tracks
    SET title = new.title, artist = new.artist, album = new.album, duration_ms = new.duration_ms
    WHERE track_id = new.id AND status IN ('queued', 'playing');
END;

-- Votes: whether the vote counts at all (not a second account on the same
-- device, not from a kicked or banned member) and from when (a member who
-- just joined waits a moment). The tally holds counted votes; the store
-- subtracts those not yet due when it orders the queue.
ALTER TABLE votes ADD COLUMN room_id TEXT NOT NULL DEFAULT '';
ALTER TABLE votes ADD COLUMN device_id TEXT;
ALTER TABLE votes ADD COLUMN counted INTEGER NOT NULL DEFAULT 1 CHECK (counted IN (0, 1));
ALTER TABLE votes ADD COLUMN counts_from TEXT NOT NULL DEFAULT '';
UPDATE votes SET
    room_id = (SELECT room_id FROM room_tracks WHERE room_tracks.id = votes.room_track_id),
    counts_from = created_at;
CREATE INDEX votes_due ON votes (room_id, counts_from);

UPDATE room_tracks SET votes = COALESCE(
    (SELECT SUM(value * counted) FROM votes v WHERE v.room_track_id = room_tracks.id), 0);

CREATE TRIGGER votes_tally_insert AFTER INSERT ON votes BEGIN
    UPDATE room_tracks SET votes = votes + new.value * new.counted WHERE id = new.room_track_id;
END;
CREATE TRIGGER votes_tally_update AFTER UPDATE OF value, counted ON votes BEGIN
    UPDATE room_tracks SET votes = votes - old.value * old.counted + new.value * new.counted
    WHERE id = new.room_track_id;
END;
CREATE TRIGGER votes_tally_delete AFTER DELETE ON votes BEGIN
    UPDATE room_tracks SET votes = votes - old.value * old.counted WHERE id = old.room_track_id;
END;

-- Asking to skip what is playing.
CREATE TABLE skip_votes (
    room_track_id TEXT NOT NULL REFERENCES room_tracks (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (room_track_id, user_id)
) STRICT, WITHOUT ROWID;

-- The moderation log.
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES rooms (id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,             -- display name at the time (ids are credentials)
    action     TEXT NOT NULL,
    target     TEXT,                      -- a member's name or a song
    detail     TEXT
) STRICT;
CREATE INDEX audit_by_room ON audit (room_id, seq);

-- The catalog may know a track is explicit (NULL: it does not know).
ALTER TABLE tracks ADD COLUMN explicit INTEGER CHECK (explicit IN (0, 1));
