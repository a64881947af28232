-- The seed's model on SQLite. Timestamps are UTC text with a fixed width
-- ("2026-11-24T21:18:06.123456Z"), so text order is time order.

CREATE TABLE users (
    id           TEXT PRIMARY KEY,          -- UUIDv4: the guest's credential, never shown to others
    display_name TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE rooms (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,      -- what guests type; upper-case, unambiguous alphabet
    name         TEXT NOT NULL,
    host_user_id TEXT NOT NULL REFERENCES users (id),
    is_active    INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE room_members (
    room_id   TEXT NOT NULL REFERENCES rooms (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    role      TEXT NOT NULL CHECK (role IN ('host', 'guest')),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
) STRICT, WITHOUT ROWID;

-- The catalog. `seq` is the rowid the full-text index points at: an explicit
-- INTEGER PRIMARY KEY keeps it stable across VACUUM.
CREATE TABLE tracks (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    artist      TEXT NOT NULL,
    album       TEXT,
    year        INTEGER,
    duration_ms INTEGER NOT NULL CHECK (duration_ms > 0),
    source      TEXT NOT NULL               -- 'builtin' now; the host's music folder later
) STRICT;

-- Case- and accent-insensitive word search over the catalog.
CREATE VIRTUAL TABLE tracks_fts USING fts5 (
    title, artist, album,
    content = 'tracks', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN
    INSERT INTO tracks_fts (rowid, title, artist, album) VALUES (new.seq, new.title, new.artist, new.album);
END;
CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
    INSERT INTO tracks_fts (tracks_fts, rowid, title, artist, album) VALUES ('delete', old.seq, old.title, old.artist, old.album);
END;
CREATE TRIGGER tracks_fts_update AFTER UPDATE ON tracks BEGIN
    INSERT INTO tracks_fts (tracks_fts, rowid, title, artist, album) VALUES ('delete', old.seq, old.title, old.artist, old.album);
    INSERT INTO tracks_fts (rowid, title, artist, album) VALUES (new.seq, new.title, new.artist, new.album);
END;

-- A track in a room's queue. `seq` is insertion order: the final tie-breaker.
CREATE TABLE room_tracks (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    room_id    TEXT NOT NULL REFERENCES rooms (id),
    track_id   TEXT NOT NULL REFERENCES tracks (id),
    added_by   TEXT NOT NULL REFERENCES users (id),
    status     TEXT NOT NULL CHECK (status IN ('queued', 'playing', 'played')),
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at   TEXT
) STRICT;

CREATE INDEX room_tracks_by_room_status ON room_tracks (room_id, status);
-- A track is queued or playing at most once per room...
CREATE UNIQUE INDEX room_tracks_live_once ON room_tracks (room_id, track_id)
    WHERE status IN ('queued', 'playing');
-- ...and a room plays one thing at a time.
CREATE UNIQUE INDEX room_tracks_one_playing ON room_tracks (room_id)
    WHERE status = 'playing';

CREATE TABLE votes (
    room_track_id TEXT NOT NULL REFERENCES room_tracks (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    value         INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (room_track_id, user_id)
) STRICT, WITHOUT ROWID;
