#!/usr/bin/env python3
"""Generate the benchmark inputs in build/bench/ (see bench/run.sh).

  typical.xml     testdata/demo.xml, byte for byte
  disks1000.xml   demo.xml with its one virtio disk replaced by 1,000 qcow2
  disks2000.xml   ... and by 2,000 qcow2 disks on bus='scsi' (sda, sdb, ...,
                  sdz, sdaa, ...), each with its own file.  No <controller>
                  element: sevqemu adds the virtio-scsi controller itself.
                  The SEV block, firmware and everything else stay as in
                  demo.xml.

Usage: python3 bench/gen.py [OUTDIR] [COUNT...]   (default build/bench 1000 2000)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "testdata", "demo.xml")


def disk_name(i):
    """0 -> sda, 25 -> sdz, 26 -> sdaa, 701 -> sdzz, 702 -> sdaaa (libvirt's scheme)."""
    s = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        s = chr(ord("a") + r) + s
    return "sd" + s


DISK = """    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/sevqemu/bench-sev/{name}.qcow2'/>
      <target dev='{name}' bus='scsi'/>
    </disk>
"""


def many_disks(demo, count):
    disk_re = re.compile(r"[ \t]*<disk\b.*?</disk>\n", re.S)
    if len(disk_re.findall(demo)) != 1:
        sys.exit("gen.py: expected exactly one <disk> in testdata/demo.xml")
    disks = "".join(DISK.format(name=disk_name(i)) for i in range(count))
    out = disk_re.sub(lambda m: disks, demo, count=1)
    # A distinct guest name so its files never collide with the demo's.
    out = out.replace("<name>demo-sev</name>", "<name>bench-sev-%d</name>" % count, 1)
    out = out.replace("demo-sev_VARS.fd", "bench-sev-%d_VARS.fd" % count, 1)
    return out


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.join(ROOT, "build", "bench")
    counts = [int(a) for a in argv[2:]] or [1000, 2000]
    os.makedirs(outdir, exist_ok=True)
    with open(DEMO, encoding="utf-8") as f:
        demo = f.read()
    made = [os.path.join(outdir, "typical.xml")]
    write(made[0], demo)
    for n in counts:
        p = os.path.join(outdir, "disks%d.xml" % n)
        write(p, many_disks(demo, n))
        made.append(p)
    for p in made:
        print(p)


if __name__ == "__main__":
    main(sys.argv)
