-- One device, one voice: votes and members remember the network they came
-- from (see domain::voices), so one network carries at most a few voices.

-- The network a vote came from, and whether it is held back only because
-- its network already had its share of voices (the host can let that
-- network count in full, and then it counts).
ALTER TABLE votes ADD COLUMN network TEXT;
ALTER TABLE votes ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
-- "How many voices from this network already count on this item" is asked
-- on every vote.
CREATE INDEX votes_by_network ON votes (room_track_id, network) WHERE network IS NOT NULL;

-- A party screen (the TV) joins the room to follow it, but is not a person:
-- not in presence, the people list, Wrapped or the skip threshold.
ALTER TABLE room_members ADD COLUMN screen INTEGER NOT NULL DEFAULT 0 CHECK (screen IN (0, 1));
-- Where the member last joined from.
ALTER TABLE room_members ADD COLUMN network TEXT;
