#!/usr/bin/python3
"""A bad Wi-Fi between two network namespaces, in user space: this kernel
has no `netem`, so the tests put this relay in a middle namespace joined to
the box's side and the phone's side by two veth pairs, and it carries every
Ethernet frame across (AF_PACKET), late and lossy as told.

  wifi_relay.py IFACE_A IFACE_B MODE_FILE

MODE_FILE holds JSON, re-read when it changes: `{"delay": 300, "jitter":
100, "loss": 10}` (ms each way, ms either side, percent), or `{"loss":
100}` (out of range). A frame is held `delay ± jitter` ms but never passes
one sent before it the same way (Wi-Fi delays, it does not reorder).
Runs until killed; only ever started inside a namespace the test made.
"""
import heapq
import json
import os
import random
import select
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def open_raw(iface):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    sock.setblocking(False)
    return sock


def main(iface_a, iface_b, mode_file):
    socks = {iface_a: open_raw(iface_a), iface_b: open_raw(iface_b)}
    other = {iface_a: iface_b, iface_b: iface_a}
    mode, stamp = {}, None
    held = []  # (due, seq, out_iface, frame)
    last_due = {iface_a: 0.0, iface_b: 0.0}
    seq = 0
    print("RELAYING", flush=True)
    while True:
        try:
            now_stamp = os.stat(mode_file).st_mtime_ns
            if now_stamp != stamp:
                stamp = now_stamp
                with open(mode_file) as f:
                    mode = json.load(f)
        except (OSError, ValueError):
            pass
        now = time.monotonic()
        wait = 0.05 if not held else max(0.0, min(0.05, held[0][0] - now))
        readable, _, _ = select.select(list(socks.values()), [], [], wait)
        for iface, sock in socks.items():
            if sock not in readable:
                continue
            while True:
                try:
                    frame, address = sock.recvfrom(65535)
                except BlockingIOError:
                    break
                if address[2] == PACKET_OUTGOING:
                    continue  # what this relay itself sent
                if random.uniform(0, 100) < mode.get("loss", 0):
                    continue
                delay = mode.get("delay", 0) + random.uniform(-1, 1) * mode.get("jitter", 0)
                out = other[iface]
                due = max(time.monotonic() + max(0, delay) / 1000, last_due[out])
                last_due[out] = due
                seq += 1
                heapq.heappush(held, (due, seq, out, frame))
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, out, frame = heapq.heappop(held)
            try:
                socks[out].send(frame)
            except OSError:
                pass


if __name__ == "__main__":
    main(*sys.argv[1:4])
