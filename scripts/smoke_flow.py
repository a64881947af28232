#!/usr/bin/env python3
"""The guest flow, end to end, against a running box on loopback (used to
check a cross-built binary under qemu): health, guests, room, join, search,
add (the first song starts by itself), vote, queue order, advance, now
playing, and a refused advance."""
import pathlib
import sys
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from box_client import Box  # noqa: E402

box = Box(sys.argv[1])
call = box.call
BASE = box.base

assert call("GET", "/health") == {"ok": True}
host = box.guest("Host")
guest = box.guest("Guest")
code = box.room(host, "Smoke")
call("POST", "/rooms/join", guest, {"code": code.lower()})
hits = box.search(guest, "bad bun")
assert hits and "Bad Bunny" in hits[0]["artist"], hits[:1]
# The room is quiet: the first song starts at once; the next two wait.
first = call("POST", f"/tracks/rooms/{code}/tracks", guest, {"track_id": hits[0]["id"]})
assert first == [], first
assert call("GET", f"/rooms/{code}/now-playing", guest)["track_id"] == hits[0]["id"]
call("POST", f"/tracks/rooms/{code}/tracks", guest, {"track_id": hits[1]["id"]})
third = call("POST", f"/tracks/rooms/{code}/tracks", guest, {"track_id": hits[2]["id"]})
assert len(third) == 2, third
later = third[1]["room_track_id"]
# A guest's vote counts at once (the seed's semantics, the box's default)
# and reorders the queue; the host's adds to it.
queue = call("POST", f"/votes/rooms/{code}/votes", guest, {"room_track_id": later, "value": 1})
assert queue[0]["room_track_id"] == later and queue[0]["votes"] == 1, queue
queue = call("POST", f"/votes/rooms/{code}/votes", host, {"room_track_id": later, "value": 1})
assert queue[0]["room_track_id"] == later and queue[0]["votes"] == 2, queue
call("POST", f"/rooms/{code}/advance", guest, expect=403)
advanced = call("POST", f"/rooms/{code}/advance", host)
assert advanced["now_playing"]["room_track_id"] == later
assert call("GET", f"/rooms/{code}/now-playing", guest)["room_track_id"] == later
page = urllib.request.urlopen(BASE + "/", timeout=30).read().decode()
assert '<div id="root">' in page, "the web app is embedded"
print(f"smoke: the guest flow works ({len(hits)} search hits, room {code})")
