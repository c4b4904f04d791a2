#!/usr/bin/env python3
"""Prints the vectors tests/unit/measure.c checks, derived with ref.py.

The unit tests build the same inputs in C: pattern-filled images laid out
as mkfw.py lays them out (--pattern), a kernel whose byte i is 31 i + 7,
an initrd whose byte i is 17 i + 1, and the fixed keys, IV and measure
below.  Re-run after changing any of those and paste the output.
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkfw  # noqa: E402
import ref  # noqa: E402

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402


def image(argv):
    return ref.Firmware(mkfw.build(mkfw.parser().parse_args(["-", "--pattern"] + argv)))


SEV_IMAGE = ["--size", "0x10000", "--reset", "0xffff1000", "--hashes", "0x80c00:0x400",
             "--secret", "0x80000:0x1000"]
SNP_IMAGE = SEV_IMAGE + ["--section", "0x800000:0x2000:1", "--section", "0x802000:0x1000:2",
                         "--section", "0x803000:0x1000:3", "--section", "0x804000:0x1000:4",
                         "--section", "0x80c000:0x1000:0x10"]
KERNEL = bytes((i * 31 + 7) & 0xFF for i in range(5000))
INITRD = bytes((i * 17 + 1) & 0xFF for i in range(3000))
CMDLINE = "console=ttyS0"
MILAN = ref.signature(25, 1, 1)
GENOA = ref.signature(25, 17, 0)


def show(name, value):
    print('#define %s "%s"' % (name, value.hex() if isinstance(value, bytes) else value))


def main():
    sev, snp = image(SEV_IMAGE), image(SNP_IMAGE)
    table = ref.hash_table(KERNEL, INITRD, ref.cmdline_bytes(CMDLINE))
    show("V_HASH_TABLE_SHA256", hashlib.sha256(table).digest())
    show("V_VMSA_BSP_SHA256", hashlib.sha256(ref.vmsa(0xFFFFFFF0, MILAN, 0, True)).digest())
    show("V_VMSA_AP_SHA256", hashlib.sha256(ref.vmsa(0xFFFF1000, GENOA, 1, False)).digest())
    show("V_SEV_IMAGE", ref.sev_digest(sev))
    show("V_SEV_KERNEL", ref.sev_digest(sev, table))
    show("V_ES_INIT2", ref.sev_digest(sev, table, (3, MILAN, 0, True)))
    show("V_ES_LEGACY", ref.sev_digest(sev, table, (3, MILAN, 0, False)))
    show("V_SNP_KERNEL", ref.snp_digest(snp, table, 2, GENOA, 1, True))
    show("V_SNP_PLAIN", ref.snp_digest(snp, None, 1, GENOA, 0x21, True))
    c = ref.Chain()
    c.add(1, 0xFFFF0000, hashlib.sha384(bytes(4096)).digest())
    show("V_SNP_ONE_LINK", c.ld)
    tik, tek = bytes(range(16)), bytes(range(16, 32))
    iv, measure = bytes(range(0xA0, 0xB0)), bytes(range(0x40, 0x60))
    plain = ref.secret_table([(ref.LUKS_KEY, b"hunter2"), (ref.guid("0b5dbaf2-d7ae-4d9b-9ff9-6a2c5c4c2a0e"), b"\0\1\2")])
    enc = Cipher(algorithms.AES(tek), modes.CTR(iv)).encryptor()
    cipher = enc.update(plain) + enc.finalize()
    show("V_SECRET_TABLE", plain)
    show("V_SECRET_CIPHER", cipher)
    show("V_SECRET_MAC", ref.secret_header_mac(tik, iv, cipher, measure))
    show("V_LAUNCH_MAC", ref.launch_mac(tik, 1, 51, 3, 0x5, bytes(range(32)), bytes(range(16))))


if __name__ == "__main__":
    main()
