-- Bans bind the device and the network, not just one account: logging out
-- and joining as a new guest does not get a banned guest back in. The host
-- sees the bans and can lift one.
CREATE TABLE room_bans (
    id         TEXT PRIMARY KEY,          -- public id, for lifting it
    room_id    TEXT NOT NULL REFERENCES rooms (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,             -- display name at the time
    device_id  TEXT,
    network    TEXT,
    reason     TEXT,
    banned_at  TEXT NOT NULL,
    lifted_at  TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX room_bans_active ON room_bans (room_id) WHERE lifted_at IS NULL;

-- Bans from before: the account, with the device and network it had.
INSERT INTO room_bans (id, room_id, user_id, name, device_id, network, banned_at)
SELECT lower(hex(randomblob(8))), m.room_id, m.user_id, u.display_name, u.device_id, m.network, m.banned_at
FROM room_members m JOIN users u ON u.id = m.user_id
WHERE m.banned_at IS NOT NULL;
