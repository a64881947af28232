-- Whether another account on the same device already voted on an item is
-- asked on every vote from a device the box knows: an index answers it
-- without scanning the item's votes.
CREATE INDEX votes_by_device ON votes (room_track_id, device_id) WHERE device_id IS NOT NULL;

-- Only votes that wait to count (cast by a guest who just joined) need
-- finding by when they come due; every other vote stays out of the index,
-- which keeps the common vote to one index fewer.
DROP INDEX votes_due;
CREATE INDEX votes_due ON votes (room_id, counts_from) WHERE counts_from > created_at;
