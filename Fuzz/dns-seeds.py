#!/usr/bin/env python3
"""Writes seed DNS messages for Fuzz/run-dns.sh into the directory given: queries with and without EDNS(0),
answers of every record type the resolver reads (A, AAAA, CNAME, NS, PTR, MX, SRV, TXT, SOA, OPT), with and
without name compression, NXDOMAIN with SOA, a truncated answer, and a few hostile shapes."""
import os
import struct
import sys


def name(n, table=None, offset=0):
    out = b""
    labels = [l for l in n.split(".") if l]
    for i in range(len(labels)):
        suffix = ".".join(labels[i:]).lower()
        if table is not None and suffix in table:
            return out + struct.pack(">H", 0xC000 | table[suffix])
        if table is not None and offset + len(out) < 0x3FFF:
            table[suffix] = offset + len(out)
        out += bytes([len(labels[i])]) + labels[i].encode()
    return out + b"\0"


def message(qname, qtype, records, flags=0x8180, compress=True, qid=0x1234, extra=()):
    table = {} if compress else None
    body = b""
    header_len = 12
    q = name(qname, table, header_len) + struct.pack(">HH", qtype, 1)
    body += q
    counts = [0, 0, 0]
    for section, owner, rtype, rdata_fn in records:
        rr = name(owner, table, header_len + len(body))
        start = header_len + len(body) + len(rr) + 10
        rdata = rdata_fn(table, start)
        rr += struct.pack(">HHIH", rtype, 1 if rtype != 41 else 1232, 300, len(rdata)) + rdata
        body += rr
        counts[section] += 1
    return struct.pack(">HHHHHH", qid, flags, 1, *counts) + body + b"".join(extra)


def n(target):
    return lambda table, start: name(target, table, start)


def main():
    directory = sys.argv[1]
    os.makedirs(directory, exist_ok=True)
    seeds = []
    for compress in (True, False):
        seeds.append(message("host.example.test", 1, [
            (0, "www.example.test", 5, n("host.example.test")),
            (0, "host.example.test", 1, lambda t, s: bytes([192, 0, 2, 1])),
            (0, "host.example.test", 28, lambda t, s: bytes(15) + b"\x01"),
        ], compress=compress))
        seeds.append(message("example.test", 15, [
            (0, "example.test", 15, lambda t, s: b"\x00\x0a" + name("mail.example.test", t, s + 2)),
            (1, "example.test", 2, n("ns1.example.test")),
            (2, "", 41, lambda t, s: b""),
        ], compress=compress))
        seeds.append(message("_sip._udp.example.test", 33, [
            (0, "_sip._udp.example.test", 33, lambda t, s: struct.pack(">HHH", 10, 60, 5060) + name("sip.example.test", t, s + 6)),
        ], compress=compress))
        seeds.append(message("txt.example.test", 16, [
            (0, "txt.example.test", 16, lambda t, s: b"\x06v=spf1\x05 -all"),
        ], compress=compress))
        seeds.append(message("1.2.0.192.in-addr.arpa", 12, [
            (0, "1.2.0.192.in-addr.arpa", 12, n("host.example.test")),
        ], compress=compress))
        seeds.append(message("nope.example.test", 1, [
            (1, "example.test", 6, lambda t, s: name("ns1.example.test", t, s) + name("hostmaster.example.test", t, s + 18) + struct.pack(">IIIII", 1, 2, 3, 4, 5)),
        ], flags=0x8183, compress=compress))
    seeds.append(message("big.example.test", 1, [], flags=0x8380))
    seeds.append(struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 1) + name("example.com") + struct.pack(">HH", 1, 1) + b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0))
    seeds.append(struct.pack(">HHHHHH", 1, 0x8180, 1, 0, 0, 0) + b"\xc0\x0c" + struct.pack(">HH", 1, 1))  # pointer loop
    seeds.append(struct.pack(">HHHHHH", 1, 0x8180, 0, 0xFFFF, 0, 0))  # oversized count
    for i, seed in enumerate(seeds):
        with open(os.path.join(directory, "seed-%02d" % i), "wb") as f:
            f.write(seed)


main()
