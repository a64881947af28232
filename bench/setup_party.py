#!/usr/bin/env python3
"""Sets up a party for the HTTP benchmark: a host, a room, 20 queued tracks
and 200 joined guests. Prints a Lua table of guest ids and item ids for wrk.
Talks only to the box on loopback given as argv[1]."""
import json
import sys
import urllib.parse
import urllib.request

BASE = sys.argv[1]
assert BASE.startswith("http://127.0.0.1:"), "the bench only talks to loopback"


def call(method, path, uid=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if uid:
        req.add_header("X-User-ID", uid)
    with urllib.request.urlopen(req) as res:
        return json.load(res)


host = call("POST", "/auth/guest", body={"display_name": "Host"})["user_id"]
code = call("POST", "/rooms", host, {"name": "Bench party"})["code"]
queries = ["queen", "abba", "bad bunny", "prince", "madonna", "daft punk", "beyonce"]
added = set()
for q in queries:
    hits = call("GET", "/tracks/search?" + urllib.parse.urlencode({"artist_or_title": q}), host)
    for t in hits:
        if len(added) >= 20:
            break
        if t["id"] not in added:
            call("POST", f"/tracks/rooms/{code}/tracks", host, {"track_id": t["id"]})
            added.add(t["id"])
queue = call("GET", f"/tracks/rooms/{code}/queue", host)
assert len(queue) == 20, len(queue)
guests = []
for i in range(200):
    uid = call("POST", "/auth/guest", body={"display_name": f"Guest {i}"})["user_id"]
    call("POST", "/rooms/join", uid, {"code": code})
    guests.append(uid)

lua = lambda xs: "{" + ",".join(f'"{x}"' for x in xs) + "}"
print(f'code = "{code}"')
print(f"host = \"{host}\"")
print(f"guests = {lua(guests)}")
print(f"items = {lua([i['room_track_id'] for i in queue])}")
