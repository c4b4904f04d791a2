"""An independent model of the launch measurement, for cross-checking sevqemu.

Written apart from measure/*.c, in Python's own terms (struct, hashlib,
hmac), from the published descriptions: the AMD SEV API (LAUNCH_UPDATE_DATA,
LAUNCH_UPDATE_VMSA, LAUNCH_MEASURE, LAUNCH_SECRET), the SNP ABI (PAGE_INFO of
SNP_LAUNCH_UPDATE), OVMF's GUID table and SEV metadata, QEMU's SEV hash
table and Linux's struct sev_es_save_area.  Used by tests/measure.sh and by
the fake QMP server; runs with python3's standard library only.
"""
import hashlib
import hmac
import struct
import uuid

PAGE = 4096


def guid(text):
    """A GUID's 16 bytes as firmware stores them."""
    return uuid.UUID(text).bytes_le


FOOTER = guid("96b582de-1fb2-45f7-baea-a366c55a082d")
HASH_TABLE_RV = guid("7255371f-3a3b-4b04-927b-1da6efa8d454")
RESET_BLOCK = guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e")
METADATA = guid("dc886566-984a-4798-a75e-5585a7bf67cc")
SECRET_AREA = guid("4c2eb361-7d9b-4cc3-8081-127c90d3d294")
HT_HEADER = guid("9438d606-4f22-4cc9-b479-a793d411fd21")
HT_CMDLINE = guid("97d02dd8-bd20-4c94-aa78-e7714d36ab2a")
HT_INITRD = guid("44baf731-3a2f-4bd7-9af1-41e29169781d")
HT_KERNEL = guid("4de79437-abd2-427f-b835-d5b172d2045b")
SECRET_HEADER = guid("1e74f542-71dd-4d66-963e-ef4287ff173b")
LUKS_KEY = guid("736869e5-84f0-4973-92ec-06879ce3da0b")


class Firmware:
    """The GUID table entries and SEV metadata of an image."""

    def __init__(self, data):
        self.data = data
        self.entries = {}
        self.sections = []
        n = len(data)
        if n < 50 or data[n - 48:n - 32] != FOOTER:
            return
        (total,) = struct.unpack_from("<H", data, n - 50)
        lo, hi = n - 32 - total, n - 50
        if total < 18 or lo < 0:
            raise ValueError("bad footer length")
        while hi - lo >= 18:
            (size,) = struct.unpack_from("<H", data, hi - 18)
            if size < 18 or size > hi - lo:
                raise ValueError("bad entry length")
            self.entries[data[hi - 16:hi]] = data[hi - size:hi - 18]
            hi -= size
        if METADATA in self.entries:
            (off,) = struct.unpack_from("<I", self.entries[METADATA])
            start = n - off
            sig, length, version, count = struct.unpack_from("<4sIII", data, start)
            if sig != b"ASEV" or version != 1:
                raise ValueError("bad metadata")
            for i in range(count):
                self.sections.append(struct.unpack_from("<III", data, start + 16 + 12 * i))

    def u32(self, key, index=0):
        return struct.unpack_from("<I", self.entries[key], 4 * index)[0]


def hash_table(kernel, initrd, cmdline):
    """QEMU's padded SEV hash table (bytes of the three inputs)."""
    body = b""
    for g, blob in ((HT_CMDLINE, cmdline), (HT_INITRD, initrd), (HT_KERNEL, kernel)):
        body += g + struct.pack("<H", 50) + hashlib.sha256(blob).digest()
    table = HT_HEADER + struct.pack("<H", 18 + len(body)) + body
    return table + bytes(-len(table) % 16)


def cmdline_bytes(text):
    return (text or "").encode() + b"\0"


def signature(family, model, stepping):
    fam_lo, fam_hi = (0xF, family - 0xF) if family > 0xF else (family, 0)
    return (fam_hi << 20) | ((model >> 4) << 16) | (fam_lo << 8) | ((model & 0xF) << 4) | stepping


def vmsa(eip, sig, features, init2):
    page = bytearray(PAGE)

    def seg(i, sel, attr, limit, base):
        struct.pack_into("<HHIQ", page, 16 * i, sel, attr, limit, base)

    for i, attr in enumerate((0x93, 0x9B, 0x93, 0x93, 0x93, 0x93, 0, 0x82, 0, 0x8B)):
        seg(i, 0xF000 if i == 1 else 0, attr, 0xFFFF, eip & 0xFFFF0000 if i == 1 else 0)
    for off, val in ((0xD0, 0x1000), (0x148, 0x40), (0x158, 0x10), (0x160, 0x400),
                     (0x168, 0xFFFF0FF0), (0x170, 2), (0x178, eip & 0xFFFF),
                     (0x268, 0x0007040600070406), (0x310, sig), (0x3B0, features),
                     (0x3E8, 1)):
        struct.pack_into("<Q", page, off, val)
    if init2:
        struct.pack_into("<I", page, 0x408, 0x1F80)
        struct.pack_into("<H", page, 0x410, 0x37F)
    return bytes(page)


def sev_digest(fw, table=None, es=None):
    """SEV / SEV-ES: es = (vcpus, sig, features, init2) or None."""
    h = hashlib.sha256(fw.data)
    if table:
        h.update(table)
    if es:
        vcpus, sig, features, init2 = es
        reset = fw.u32(RESET_BLOCK)
        for i in range(vcpus):
            h.update(vmsa(0xFFFFFFF0 if i == 0 else reset, sig, features, init2))
    return h.digest()


class Chain:
    """The SNP launch digest, PAGE_INFO by PAGE_INFO."""

    def __init__(self):
        self.ld = bytes(48)

    def add(self, kind, gpa, contents=bytes(48)):
        info = self.ld + contents + struct.pack("<HBBBBBBQ", 0x70, kind, 0, 0, 0, 0, 0, gpa)
        self.ld = hashlib.sha384(info).digest()

    def pages(self, kind, gpa, data=None, size=0):
        for off in range(0, len(data) if data is not None else size, PAGE):
            c = hashlib.sha384(data[off:off + PAGE]).digest() if data is not None else bytes(48)
            self.add(kind, gpa + off, c)


def snp_digest(fw, table, vcpus, sig, features, init2):
    c = Chain()
    c.pages(1, (1 << 32) - len(fw.data), fw.data)
    for base, size, kind in fw.sections:
        if kind == 2:
            c.pages(5, base, size=size)
        elif kind == 3:
            c.pages(6, base, size=size)
        elif kind == 0x10 and table:
            off = fw.u32(HASH_TABLE_RV) & (PAGE - 1)
            page = bytearray(size)
            page[off:off + len(table)] = table
            c.pages(1, base, bytes(page))
        else:
            c.pages(3, base, size=size)
    reset = fw.u32(RESET_BLOCK)
    for i in range(vcpus):
        page = vmsa(0xFFFFFFF0 if i == 0 else reset, sig, features, init2)
        c.add(2, 0xFFFFFFFFF000, hashlib.sha384(page).digest())
    return c.ld


def launch_mac(tik, major, minor, build, policy, digest, nonce):
    msg = bytes([4, major, minor, build]) + struct.pack("<I", policy) + digest + nonce
    return hmac.new(tik, msg, hashlib.sha256).digest()


def secret_table(entries):
    """entries: [(guid bytes, data bytes)]."""
    body = b"".join(g + struct.pack("<I", 20 + len(d)) + d for g, d in entries)
    table = SECRET_HEADER + struct.pack("<I", 20 + len(body)) + body
    return table + bytes(-len(table) % 16)


def secret_header_mac(tik, iv, ciphertext, measure, flags=0):
    msg = (b"\x01" + struct.pack("<I", flags) + iv +
           struct.pack("<II", len(ciphertext), len(ciphertext)) + ciphertext + measure)
    return hmac.new(tik, msg, hashlib.sha256).digest()


def run(argv):
    """One reference value: argv is `digest ...` or `launch ...`."""
    import argparse
    import base64
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("digest")
    d.add_argument("--fw", required=True)
    d.add_argument("--mode", choices=["sev", "sev-es", "sev-snp"], required=True)
    d.add_argument("--vcpus", type=int, default=1)
    d.add_argument("--fms", default="23,1,2")
    d.add_argument("--features", type=lambda s: int(s, 0))
    d.add_argument("--legacy", action="store_true")
    d.add_argument("--kernel")
    d.add_argument("--initrd")
    d.add_argument("--cmdline")
    m = sub.add_parser("launch")
    m.add_argument("--tik", required=True)
    m.add_argument("--api", required=True)
    m.add_argument("--policy", type=lambda s: int(s, 0), required=True)
    m.add_argument("--digest", required=True)
    m.add_argument("--nonce", required=True)
    a = ap.parse_args(argv)
    if a.cmd == "launch":
        major, minor, build = (int(x) for x in a.api.split("."))
        nonce = bytes.fromhex(a.nonce)
        mac = launch_mac(open(a.tik, "rb").read(), major, minor, build, a.policy,
                         bytes.fromhex(a.digest), nonce)
        return base64.b64encode(mac + nonce).decode()
    fw = Firmware(open(a.fw, "rb").read())
    table = None
    if a.kernel:
        initrd = open(a.initrd, "rb").read() if a.initrd else b""
        table = hash_table(open(a.kernel, "rb").read(), initrd, cmdline_bytes(a.cmdline))
    sig = signature(*(int(x) for x in a.fms.split(",")))
    if a.mode == "sev-snp":
        features = 1 if a.features is None else a.features
        return snp_digest(fw, table, a.vcpus, sig, features, not a.legacy).hex()
    es = None
    if a.mode == "sev-es":
        es = (a.vcpus, sig, a.features or 0, not a.legacy)
    return sev_digest(fw, table, es).hex()


def _main():
    """ref.py digest|launch ARGS: one value; ref.py batch FILE: for each
    line "KEY digest|launch ARGS", prints "KEY VALUE" (one start-up)."""
    import shlex
    import sys
    if sys.argv[1:2] == ["batch"]:
        for line in open(sys.argv[2]):
            if line.strip():
                key, *argv = shlex.split(line)
                print(key, run(argv))
    else:
        print(run(sys.argv[1:]))


if __name__ == "__main__":
    _main()
