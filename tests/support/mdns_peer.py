#!/usr/bin/python3
"""The other side of the mDNS tests, with python-zeroconf (Debian's
python3-zeroconf): an independent mDNS stack, run by tests/mdns.rs inside a
network namespace the test made (never on a real network).

  listen SECONDS         print every mDNS response heard, one record a line:
                         `<ms since start> <name> <type> <ttl> <data>`
  resolve NAME SECONDS   ask for NAME's A records until one answers; print
                         `ADDR <address>` for each, exit 1 if none
  ask NAME SECONDS       ask for NAME's A record once with the QU bit (a
                         unicast answer, please) from a socket that hears
                         unicast only, as a phone's one-shot lookup does:
                         print `ANSWER <ms> <address>` or `NONE`
  claim HOST ADDR SECONDS  register a service on HOST.local at ADDR, as a
                         python-zeroconf device does: it announces the host's
                         address and answers for it, without probing the
                         host name
"""
import socket
import struct
import sys
import time

import zeroconf
from zeroconf import DNSIncoming, DNSOutgoing, DNSQuestion, const

GROUP, PORT = "224.0.0.251", 5353


def port_socket(join_group=True):
    """A socket on the mDNS port; with `join_group`, it hears multicast
    too, else unicast only (as a phone's one-shot lookup does)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("", PORT))
    if join_group:
        mreq = struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton("0.0.0.0"))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    return sock


def responses(sock, seconds):
    """(sender, message) for each mDNS response heard within `seconds`; a
    probe's proposed records (in a query) are no answer."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data, (sender, _) = sock.recvfrom(9000)
        except socket.timeout:
            return
        message = DNSIncoming(data)
        if message.is_response():
            yield sender, message


def send_question(sock, name, unicast=False):
    query = DNSOutgoing(const._FLAGS_QR_QUERY)  # multicast: it writes the QU bit
    question = DNSQuestion(name, const._TYPE_A, const._CLASS_IN)
    question.unicast = unicast
    query.add_question(question)
    for packet in query.packets():
        sock.sendto(packet, (GROUP, PORT))


def a_records(message, name):
    return [r for r in message.answers if r.type == const._TYPE_A and r.name.lower() == name.lower()]


def record_data(record):
    for attribute in ("address", "alias", "server", "text"):
        value = getattr(record, attribute, None)
        if value is None:
            continue
        if attribute == "address":
            family = socket.AF_INET if len(value) == 4 else socket.AF_INET6
            return socket.inet_ntop(family, value)
        if attribute == "server":
            return f"{value}:{record.port}"
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return "?"


def listen(seconds):
    start = time.monotonic()
    for sender, message in responses(port_socket(), seconds):
        ms = int((time.monotonic() - start) * 1000)
        for record in message.answers:
            kind = const._TYPES.get(record.type, str(record.type))
            print(f"{ms} {record.name} {kind} {record.ttl} {record_data(record)} from {sender}", flush=True)


def resolve(name, seconds):
    sock = port_socket()
    start = time.monotonic()
    found = set()
    while not found and time.monotonic() - start < seconds:
        send_question(sock, name)
        for _, message in responses(sock, 0.5):
            found.update(record_data(r) for r in a_records(message, name) if r.ttl > 0)
    for address in sorted(found):
        print(f"ADDR {address}", flush=True)
    sys.exit(0 if found else 1)


def ask(name, seconds):
    sock = port_socket(join_group=False)
    start = time.monotonic()
    send_question(sock, name, unicast=True)
    for _, message in responses(sock, seconds):
        for record in a_records(message, name):
            ms = int((time.monotonic() - start) * 1000)
            print(f"ANSWER {ms} {record_data(record)}", flush=True)
            return
    print("NONE", flush=True)


def claim(host, address, seconds):
    zc = zeroconf.Zeroconf(interfaces=[address])
    info = zeroconf.ServiceInfo(
        "_http._tcp.local.",
        "Someone Else's Speaker._http._tcp.local.",
        addresses=[socket.inet_aton(address)],
        port=80,
        server=f"{host}.local.",
    )
    zc.register_service(info, allow_name_change=True)
    print("CLAIMED", flush=True)
    time.sleep(seconds)
    zc.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "listen":
        listen(float(args[0]))
    elif command == "resolve":
        resolve(args[0], float(args[1]))
    elif command == "ask":
        ask(args[0], float(args[1]))
    elif command == "claim":
        claim(args[0], args[1], float(args[2]))
    else:
        sys.exit(f"unknown command {command}")
