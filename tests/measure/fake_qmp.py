#!/usr/bin/env python3
"""A stand-in for QEMU's QMP socket in the attestation tests.

It answers as a paused SEV guest would: query-sev, query-sev-launch-measure
(an HMAC under the TIK of the digest it is given, with a fresh nonce),
sev-inject-launch-secret and cont.  An injected secret is checked the way
the AMD secure processor would: the header's MAC under the TIK, then the
table decrypted with AES-128-CTR under the TEK (python3-cryptography) and
compared with the expected entries.

It serves one client per scenario, in turn, and after each writes what
happened as JSON to LOGDIR/N.json (N from 1).  SCENARIOS is a JSON list of
objects: "digest" (hex, what the firmware measured), and optionally
"policy" (default 1), "api" ("MAJOR.MINOR.BUILD"), "state" (default
"launch-secret"), "sev_type", "expect" (["GUID=FILE" or "luks-key=FILE"]).

    fake_qmp.py --socket PATH --tik FILE --tek FILE --scenarios FILE --logdir DIR
"""
import argparse
import base64
import json
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref  # noqa: E402

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402


def decrypt(tek, iv, data):
    d = Cipher(algorithms.AES(tek), modes.CTR(iv)).decryptor()
    return d.update(data) + d.finalize()


def parse_table(plain):
    """[(guid text, data)] of an OVMF secret table; raises on a bad one."""
    if plain[:16] != ref.SECRET_HEADER:
        raise ValueError("secret table header GUID is wrong")
    (total,) = struct.unpack_from("<I", plain, 16)
    if total > len(plain) or len(plain) % 16 or len(plain) - total >= 16:
        raise ValueError("table length %d does not fit %d padded bytes" % (total, len(plain)))
    if any(plain[total:]):
        raise ValueError("padding is not zero")
    out, off = [], 20
    while off < total:
        g = plain[off:off + 16]
        (n,) = struct.unpack_from("<I", plain, off + 16)
        if n < 20 or off + n > total:
            raise ValueError("entry length %d runs out of the table" % n)
        out.append((str(ref.uuid.UUID(bytes_le=g)), plain[off + 20:off + n]))
        off += n
    return out


class Guest:
    def __init__(self, keys, scenario):
        self.a = argparse.Namespace(policy=1, api="1.51.3", state="launch-secret",
                                    sev_type=None, expect=[])
        vars(self.a).update(scenario)
        self.tik, self.tek = keys
        self.major, self.minor, self.build = (int(x) for x in self.a.api.split("."))
        self.measure = None
        self.log = {"commands": [], "injected": False, "resumed": False,
                    "secret_ok": None, "entries": [], "error": None}

    def query_sev(self):
        r = {"enabled": True, "api-major": self.major, "api-minor": self.minor,
             "build-id": self.build, "policy": self.a.policy, "state": self.a.state,
             "handle": 1}
        if self.a.sev_type:
            r["sev-type"] = self.a.sev_type
        return r

    def launch_measure(self):
        nonce = os.urandom(16)
        self.measure = ref.launch_mac(self.tik, self.major, self.minor, self.build,
                                      self.a.policy, bytes.fromhex(self.a.digest), nonce)
        return {"data": base64.b64encode(self.measure + nonce).decode()}

    def inject(self, args):
        header = base64.b64decode(args["packet-header"], validate=True)
        data = base64.b64decode(args["secret"], validate=True)
        flags, iv, mac = struct.unpack("<I16s32s", header)
        if len(header) != 52 or flags != 0:
            raise ValueError("packet header is not 52 bytes with flags 0")
        if mac != ref.secret_header_mac(self.tik, iv, data, self.measure):
            raise ValueError("packet header MAC does not verify with the TIK")
        entries = parse_table(decrypt(self.tek, iv, data))
        want = []
        for spec in self.a.expect or []:
            g, path = spec.split("=", 1)
            g = "736869e5-84f0-4973-92ec-06879ce3da0b" if g == "luks-key" else g.lower()
            want.append((g, open(path, "rb").read()))
        self.log["entries"] = [[g, d.hex()] for g, d in entries]
        self.log["secret_ok"] = entries == want
        self.log["injected"] = True
        if entries != want:
            raise ValueError("decrypted secrets differ from the expected ones")
        return {}

    def answer(self, msg):
        cmd, args = msg.get("execute"), msg.get("arguments", {})
        self.log["commands"].append(cmd)
        if cmd == "qmp_capabilities":
            return {}
        if cmd == "query-sev":
            return self.query_sev()
        if cmd == "query-sev-launch-measure":
            return self.launch_measure()
        if cmd == "sev-inject-launch-secret":
            return self.inject(args)
        if cmd == "cont":
            self.log["resumed"] = True
            return {}
        raise ValueError("The command %s has not been found" % cmd)


def serve(conn, guest):
    out = conn.makefile("wb")
    inp = conn.makefile("rb")

    def send(obj):
        out.write(json.dumps(obj).encode() + b"\r\n")
        out.flush()

    send({"QMP": {"version": {"qemu": {"major": 9, "minor": 1, "micro": 0}}, "capabilities": []}})
    for line in inp:
        msg = json.loads(line)
        # An event first, as QEMU may send one at any time.
        send({"event": "RTC_CHANGE", "data": {"offset": 0}, "timestamp": {"seconds": 0, "microseconds": 0}})
        try:
            send({"return": guest.answer(msg)})
        except (ValueError, KeyError, struct.error) as e:
            guest.log["error"] = str(e)
            send({"error": {"class": "GenericError", "desc": str(e)}})


def main():
    ap = argparse.ArgumentParser()
    for name in ("--socket", "--tik", "--tek", "--scenarios", "--logdir"):
        ap.add_argument(name, required=True)
    a = ap.parse_args()
    keys = (open(a.tik, "rb").read(), open(a.tek, "rb").read())
    scenarios = json.load(open(a.scenarios))
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(a.socket + ".tmp")
    srv.listen(1)
    os.rename(a.socket + ".tmp", a.socket)  # there only once listening
    srv.settimeout(60)
    try:
        for n, scenario in enumerate(scenarios, 1):
            guest = Guest(keys, scenario)
            conn, _ = srv.accept()
            conn.settimeout(30)
            try:
                serve(conn, guest)
            finally:
                conn.close()
                with open(os.path.join(a.logdir, "%d.json.tmp" % n), "w") as f:
                    json.dump(guest.log, f)
                os.rename(os.path.join(a.logdir, "%d.json.tmp" % n),
                          os.path.join(a.logdir, "%d.json" % n))
    finally:
        srv.close()
        os.unlink(a.socket)


if __name__ == "__main__":
    main()
