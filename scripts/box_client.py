"""The Python client of the box, shared by the smoke flow and the HTTP
benchmark's set-up: JSON calls with the seed's `X-User-ID` header, against
a box on loopback only."""
import json
import pathlib
import time
import urllib.error
import urllib.request


class Box:
    def __init__(self, base):
        assert base.startswith("http://127.0.0.1:"), f"loopback only: {base}"
        self.base = base

    def call(self, method, path, uid=None, body=None, expect=None):
        """The answer's JSON (None when empty); fails unless its status is
        `expect` (any 2xx when not given)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("content-type", "application/json")
        if uid:
            req.add_header("X-User-ID", uid)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                status, text = res.status, res.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        ok = status == expect if expect is not None else 200 <= status < 300
        assert ok, f"{method} {path}: {status} {text[:200]!r}"
        return json.loads(text) if text else None

    def guest(self, name):
        return self.call("POST", "/auth/guest", body={"display_name": name}, expect=201)["user_id"]

    def room(self, host, name):
        return self.call("POST", "/rooms", host, {"name": name}, expect=201)["code"]

    def search(self, uid, query):
        from urllib.parse import urlencode

        return self.call("GET", "/tracks/search?" + urlencode({"artist_or_title": query}), uid)


def address_from(port_file, timeout=30):
    """The base URL of a box started with `--port-file PORT_FILE`, once it
    accepts connections."""
    path = pathlib.Path(port_file)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().endswith("\n"):
            return "http://" + path.read_text().strip()
        time.sleep(0.05)
    raise TimeoutError(f"no box wrote {port_file} within {timeout} s")
