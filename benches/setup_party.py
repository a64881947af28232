#!/usr/bin/env python3
"""Sets up a party for the HTTP benchmark: a host, a room, a song playing, 20 queued tracks
and 200 joined guests. Prints a Lua table of guest ids and item ids for wrk.
Talks only to the box on loopback given as argv[1]."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
from box_client import Box  # noqa: E402

box = Box(sys.argv[1])
call = box.call

host = box.guest("Host")
code = box.room(host, "Bench party")
queries = ["queen", "abba", "bad bunny", "prince", "madonna", "daft punk", "beyonce"]
added = set()
for q in queries:
    hits = box.search(host, q)
    for t in hits:
        # The first song starts at once: 21 adds leave 20 waiting.
        if len(added) >= 21:
            break
        if t["id"] not in added:
            call("POST", f"/tracks/rooms/{code}/tracks", host, {"track_id": t["id"]})
            added.add(t["id"])
queue = call("GET", f"/tracks/rooms/{code}/queue", host)
assert len(queue) == 20, len(queue)
guests = []
for i in range(200):
    uid = box.guest(f"Guest {i}")
    call("POST", "/rooms/join", uid, {"code": code})
    guests.append(uid)

lua = lambda xs: "{" + ",".join(f'"{x}"' for x in xs) + "}"
print(f'code = "{code}"')
print(f"host = \"{host}\"")
print(f"guests = {lua(guests)}")
print(f"items = {lua([i['room_track_id'] for i in queue])}")
