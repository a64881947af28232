-- Every committed change to a room's queue bumps its version, so clients
-- (and the live updates built on it) can tell newer state from older, also
-- across restarts.
ALTER TABLE rooms ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
