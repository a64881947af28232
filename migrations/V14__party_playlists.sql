-- Playlists the host loaded into a party: for curated parties (guests add
-- only their songs) and to fill the queue before guests arrive. Each entry
-- keeps what the file said, and the catalog track it was matched to (none
-- when nothing matched: the host sees which).
CREATE TABLE room_playlists (
    id         TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES rooms (id),
    name       TEXT NOT NULL,
    source     TEXT NOT NULL,            -- the file's path in a music folder, or 'upload'
    added_by   TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX room_playlists_room ON room_playlists (room_id);

CREATE TABLE room_playlist_entries (
    playlist_id TEXT NOT NULL REFERENCES room_playlists (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    entry       TEXT NOT NULL,           -- "Artist - Title", else the location
    track_id    TEXT,                    -- the matched track, if any
    PRIMARY KEY (playlist_id, position)
);
CREATE INDEX room_playlist_entries_track ON room_playlist_entries (track_id);
