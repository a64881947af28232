-- A user id is a credential: logging out revokes it, and one unused for 30
-- days expires. `last_seen_at` is stamped at most once a day per user.
ALTER TABLE users ADD COLUMN last_seen_at TEXT;
ALTER TABLE users ADD COLUMN revoked_at TEXT;
UPDATE users SET last_seen_at = created_at;
