#!/usr/bin/env python3
"""sevqemu measure against the floor: hashing the same bytes with coreutils.

The guest (issue 13): SEV-SNP, 64 vCPUs, a 4 MiB firmware with OVMF's SEV
metadata, a 16 MiB kernel and a 64 MiB initrd, kernelHashes='yes'
(generated in build/bench/measure/ by tests/measure/mkfw.py and os.urandom).
sevqemu hashes the firmware page by page with SHA-384 and the kernel and
initrd with SHA-256; the floor is `sha384sum FIRMWARE` plus
`sha256sum KERNEL INITRD`, each timed on its own.

Wall time: median of --rounds interleaved rounds after one warm-up (the
files stay in the page cache); peak RSS from GNU time when it is there.
Prints a table and appends it to build/bench/table.md.  Not pass/fail:
exits 0 whatever the goal says, 1 when a command fails.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join("build", "bench", "measure")
GOAL = 1.3
MiB = 1 << 20


def make_inputs():
    os.makedirs(OUT, exist_ok=True)
    fw = os.path.join(OUT, "OVMF.fd")
    kernel, initrd = os.path.join(OUT, "vmlinuz"), os.path.join(OUT, "initrd.img")
    sections = ["--section", "0x800000:0x9000:1", "--section", "0x809000:0x1000:2",
                "--section", "0x80a000:0x1000:3", "--section", "0x80b000:0x1000:0x10",
                "--section", "0x80c000:0x74000:1"]
    subprocess.run([sys.executable, "tests/measure/mkfw.py", fw, "--size", str(4 * MiB),
                    "--reset", "0xffffe000", "--hashes", "0x80bc00:0x400",
                    "--secret", "0x80a000:0x1000"] + sections, check=True)
    for path, size in ((kernel, 16 * MiB), (initrd, 64 * MiB)):
        if not os.path.exists(path) or os.path.getsize(path) != size:
            with open(path, "wb") as f:
                f.write(os.urandom(size))
    xml = os.path.join(OUT, "snp.xml")
    with open(xml, "w") as f:
        f.write("""<domain type='kvm'>
  <name>bench-snp</name>
  <memory unit='GiB'>16</memory>
  <vcpu>64</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader type='rom'>%s</loader>
    <kernel>%s</kernel>
    <initrd>%s</initrd>
    <cmdline>console=ttyS0 root=/dev/vda1 ro</cmdline>
  </os>
  <features><acpi/></features>
  <cpu mode='custom'><model>EPYC-Genoa</model></cpu>
  <launchSecurity type='sev-snp' kernelHashes='yes'>
    <cbitpos>51</cbitpos><reducedPhysBits>1</reducedPhysBits>
    <policy>0x30000</policy>
  </launchSecurity>
</domain>
""" % (os.path.abspath(fw), os.path.abspath(kernel), os.path.abspath(initrd)))
    return xml, fw, kernel, initrd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 31)))
    ap.add_argument("--sevqemu", default=os.environ.get("SEVQEMU", "./sevqemu"))
    args = ap.parse_args()
    os.chdir(ROOT)
    xml, fw, kernel, initrd = make_inputs()
    cmds = [[args.sevqemu, "measure", xml], ["sha384sum", fw], ["sha256sum", kernel, initrd]]
    for c in cmds:
        bench.check(c)
    print("bench: measure: wall time, %d interleaved rounds ..." % args.rounds,
          file=sys.stderr, flush=True)
    ms = bench.wall(cmds, args.rounds)
    rss = ["n/a"] * 3
    if bench.gnu_time():
        rss = [bench.fmt_int(max(bench.peak_rss(c) for _ in range(3))) for c in cmds]
    floor = ms[1] + ms[2]
    ratio = bench.ratio(ms[0], floor)
    header = ["command", "ms", "peak RSS KiB"]
    rows = [[shlex.join(c).replace(ROOT + "/", ""), "%.1f" % t, r]
            for c, t, r in zip(cmds, ms, rss)]
    rows.append(["floor: sha384sum + sha256sum", "%.1f" % floor, ""])
    goal = "%s measure ≤ %.1f× the floor (%s)" % (
        "PASS" if ratio <= GOAL else "MISS", GOAL, bench.fmt_ratio(ratio))
    print(bench.render_text(header, rows))
    print()
    print("goal (issue 13): " + goal)
    md = ["", "## sevqemu measure (issue 13)", "",
          "SEV-SNP guest: 64 vCPUs, 4 MiB firmware, 16 MiB kernel, 64 MiB initrd, kernelHashes='yes'.",
          "Wall time: median of %d interleaved rounds, files in the page cache." % args.rounds, "",
          bench.render_md(header, rows), "", "- " + goal, ""]
    path = os.path.join("build", "bench", "table.md")
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n".join(md))
    print("\nappended to %s" % path)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (bench.Failed, OSError, subprocess.CalledProcessError) as e:
        print("bench: measure: %s" % e, file=sys.stderr)
        sys.exit(1)
