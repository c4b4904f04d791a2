#!/usr/bin/env python3
"""Writes a small synthetic OVMF-like firmware image for the measure tests.

The image is pseudo-random bytes (from --seed) ending in OVMF's GUID table:
entries of DATA, a 16-bit length and a GUID, growing backwards from the
footer (a 16-bit length and the footer GUID, 32 bytes before the end); the
SEV metadata ("ASEV", length, version 1, count, then 12-byte descriptors)
sits 4 KiB before the end, its offset in the metadata entry.

    mkfw.py OUT [--size BYTES] [--seed N | --pattern] [--reset ADDR]
            [--hashes BASE:SIZE] [--secret BASE:SIZE]
            [--section BASE:SIZE:TYPE ...] [--no-table]
            [--corrupt footer|entry|asev|version]
    mkfw.py --batch FILE     (one such command line per line of FILE)
"""
import argparse
import random
import struct
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import ref  # noqa: E402


def pair(text):
    return tuple(int(x, 0) for x in text.split(":"))


def build(args):
    if args.pattern:
        # The fill tests/unit/measure.c builds too: byte i is 131 i + 17.
        data = bytearray((i * 131 + 17) & 0xFF for i in range(args.size))
    else:
        data = bytearray(random.Random(args.seed).randbytes(args.size))
    if args.no_table:
        return bytes(data)
    entries = []
    if args.reset is not None:
        entries.append((ref.RESET_BLOCK, struct.pack("<I", args.reset)))
    if args.hashes:
        entries.append((ref.HASH_TABLE_RV, struct.pack("<II", *args.hashes)))
    if args.secret:
        entries.append((ref.SECRET_AREA, struct.pack("<II", *args.secret)))
    if args.section:
        meta_off = 4096
        start = args.size - meta_off
        body = b"".join(struct.pack("<III", *s) for s in args.section)
        version = 2 if args.corrupt == "version" else 1
        sig = b"XSEV" if args.corrupt == "asev" else b"ASEV"
        head = struct.pack("<4sIII", sig, 16 + len(body), version, len(args.section))
        data[start:start + len(head) + len(body)] = head + body
        entries.append((ref.METADATA, struct.pack("<I", meta_off)))
    table = b""
    for g, payload in entries:
        length = len(payload) + 18
        if args.corrupt == "entry" and not table:
            length = 0xFFF0
        table += payload + struct.pack("<H", length) + g
    total = len(table) + 18
    if args.corrupt == "footer":
        total = 0xFFFF
    table += struct.pack("<H", total) + ref.FOOTER
    end = args.size - 32
    data[end - len(table):end] = table
    return bytes(data)


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--size", type=lambda s: int(s, 0), default=64 * 1024)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pattern", action="store_true")
    ap.add_argument("--reset", type=lambda s: int(s, 0))
    ap.add_argument("--hashes", type=pair)
    ap.add_argument("--secret", type=pair)
    ap.add_argument("--section", type=pair, action="append")
    ap.add_argument("--no-table", action="store_true")
    ap.add_argument("--corrupt", choices=["footer", "entry", "asev", "version"])
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    with open(args.out, "wb") as f:
        f.write(build(args))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--batch"]:
        import shlex
        for line in open(sys.argv[2]):
            if line.strip():
                main(shlex.split(line))
    else:
        main()
