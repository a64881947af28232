-- Reactions: a guest's emoji on the song that is playing. The party's
-- screen shows them as they come; kept for Wrapped (the most-loved song
-- and moment) and for the budget each device and network gets.
CREATE TABLE reactions (
    seq           INTEGER PRIMARY KEY,
    room_id       TEXT NOT NULL REFERENCES rooms (id),
    room_track_id TEXT NOT NULL REFERENCES room_tracks (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    device_id     TEXT NOT NULL,             -- the device cookie, else the account
    network       TEXT NOT NULL,             -- domain::voices::network_of
    emoji         TEXT NOT NULL,
    position_ms   INTEGER NOT NULL,          -- how far into the song
    created_at    TEXT NOT NULL
);
CREATE INDEX reactions_by_device ON reactions (room_id, device_id, created_at);
CREATE INDEX reactions_by_network ON reactions (room_id, network, created_at);
CREATE INDEX reactions_by_item ON reactions (room_track_id);
