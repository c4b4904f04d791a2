#!/usr/bin/env python3
"""sevqemu --dry-run against the floor (xmllint --noout), side by side.

For each input (build/bench/typical.xml = testdata/demo.xml, and the
generated disks1000.xml / disks2000.xml, see bench/gen.py) it measures, for
both commands:
  * instructions: valgrind --tool=callgrind --callgrind-out-file=/dev/null,
    the "Collected :" figure (repeatable on a noisy machine);
  * wall time: median over --rounds interleaved rounds (each round runs all
    six commands once, both tools on all inputs, in a rotating order), after
    one warm-up round;
  * peak RSS: GNU time's %M (KiB), the largest of 3 interleaved runs (not
    measured, "n/a", when /usr/bin/time is not GNU time).
Then the growth from 1,000 to 2,000 disks and the goals of issue 6.

Not pass/fail: exits 0 whatever the goals say; 1 when a command fails.
Run as `sh bench/run.sh` (make bench) from anywhere.
"""
import argparse
import datetime
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join("build", "bench")
STATE = os.path.join(OUT, "state")
INPUTS = [("typical", "typical.xml"),
          ("1,000 disks", "disks1000.xml"),
          ("2,000 disks", "disks2000.xml")]

# Goals from issue 6.
GOAL_TYPICAL_INSTR = 1.25
GOAL_TYPICAL_WALL = 1.3
GOAL_2000_INSTR = 2.0
GOAL_GROWTH = 2.2
GOAL_RSS = 1.5

GNU_TIME = "/usr/bin/time"


class Failed(Exception):
    pass


def sevqemu_cmd(args, path):
    return [args.sevqemu, "--dry-run", "-q", "-d", STATE, path]


def xmllint_cmd(args, path):
    return [args.xmllint, "--noout", path]


def check(cmd):
    """Run once; the benchmark is meaningless if the command fails."""
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise Failed("%s: exit status %d\n%s" % (shlex.join(cmd), r.returncode,
                                                 r.stderr.decode(errors="replace")))


COLLECTED = re.compile(rb"==\d+==\s+Collected\s*:\s*([\d,]+)")
REFS = re.compile(rb"==\d+==\s+I\s+refs\s*:\s*([\d,]+)")


def instructions(cmd):
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd
    r = subprocess.run(vg, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise Failed("%s: exit status %d\n%s" % (shlex.join(vg), r.returncode,
                                                 r.stderr.decode(errors="replace")))
    m = COLLECTED.search(r.stderr) or REFS.search(r.stderr)
    if not m:
        raise Failed("%s: no instruction count in valgrind's summary\n%s"
                     % (shlex.join(vg), r.stderr.decode(errors="replace")))
    return int(m.group(1).replace(b",", b""))


def timed_run(cmd):
    """One run, wall seconds (the child's exit status checked)."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    t1 = time.perf_counter()
    if r.returncode != 0:
        raise Failed("%s: exit status %d" % (shlex.join(cmd), r.returncode))
    return t1 - t0


def wall(cmds, rounds):
    """Median ms of each command.  Interleaved: every round runs all of
    them (both tools on every input, so that a change in the machine's
    load hits all alike), in an order that rotates and reverses from round
    to round; one warm-up round first (page cache, dynamic loader)."""
    times = [[] for _ in cmds]
    for c in cmds:
        timed_run(c)
    n = len(cmds)
    for r in range(rounds):
        order = [(i + r) % n for i in range(n)]
        if r % 2:
            order.reverse()
        for i in order:
            times[i].append(timed_run(cmds[i]))
    return [statistics.median(t) * 1000 for t in times]


def gnu_time():
    """/usr/bin/time if it is GNU time (it has -f %M), else None."""
    try:
        r = subprocess.run([GNU_TIME, "-f", "%M", "true"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    except OSError:
        return None
    return GNU_TIME if r.returncode == 0 and r.stderr.strip().isdigit() else None


def peak_rss(cmd):
    """Peak RSS in KiB of one run, from GNU time's %M.

    Not os.wait4's ru_maxrss of a child of this script: Linux carries the
    RSS of the pre-exec image (a copy of this ~16 MB Python, or Python's
    own mm with vfork) into the child's maxrss, which hides the real figure.
    GNU time's own image is small (~1 MB) and forks the command itself."""
    r = subprocess.run([GNU_TIME, "-f", "maxrss=%M"] + cmd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    m = re.findall(rb"^maxrss=(\d+)$", r.stderr, re.M)
    if r.returncode != 0 or not m:
        raise Failed("%s: exit status %d\n%s" % (shlex.join(cmd), r.returncode,
                                                 r.stderr.decode(errors="replace")))
    return int(m[-1])


def ratio(a, b):
    return a / b if b else float("inf")


def fmt_int(n):
    return "{:,}".format(n)


def fmt_ratio(x):
    return "%.2f×" % x


def render_text(header, rows):
    cols = list(zip(header, *rows))
    widths = [max(len(c) for c in col) for col in cols]
    lines = []
    for k, row in enumerate([header] + rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_md(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def tool_version(cmd):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return r.stdout.decode(errors="replace").strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 31)),
                    help="interleaved wall-time rounds (default 31, env BENCH_ROUNDS)")
    ap.add_argument("--sevqemu", default=os.environ.get("SEVQEMU", "./sevqemu"))
    ap.add_argument("--xmllint", default=os.environ.get("XMLLINT", "xmllint"))
    args = ap.parse_args()
    os.chdir(ROOT)
    if not os.access(args.sevqemu, os.X_OK):
        raise Failed("%s: not built (run make)" % args.sevqemu)

    subprocess.run([sys.executable, "bench/gen.py", OUT], check=True,
                   stdout=subprocess.DEVNULL)
    os.makedirs(STATE, exist_ok=True)

    have_time = gnu_time() is not None
    if not have_time:
        print("bench: no GNU time at %s (Debian package 'time'): peak RSS not measured"
              % GNU_TIME, file=sys.stderr)

    results = {}
    cmds = []
    for label, name in INPUTS:
        path = os.path.join(OUT, name)
        s, x = sevqemu_cmd(args, path), xmllint_cmd(args, path)
        check(s)
        check(x)
        cmds += [s, x]
        print("bench: %s: callgrind ..." % label, file=sys.stderr, flush=True)
        si, xi = instructions(s), instructions(x)
        srss = xrss = None
        if have_time:
            print("bench: %s: peak RSS ..." % label, file=sys.stderr, flush=True)
            srss = xrss = 0
            for _ in range(3):  # interleaved as well
                srss, xrss = max(srss, peak_rss(s)), max(xrss, peak_rss(x))
        results[label] = dict(si=si, xi=xi, srss=srss, xrss=xrss)
    print("bench: wall time, %d interleaved rounds of all %d commands ..."
          % (args.rounds, len(cmds)), file=sys.stderr, flush=True)
    ms = wall(cmds, args.rounds)
    for k, (label, _) in enumerate(INPUTS):
        results[label]["sms"], results[label]["xms"] = ms[2 * k], ms[2 * k + 1]

    header = ["input", "sevqemu instr", "xmllint instr", "ratio",
              "sevqemu ms", "xmllint ms", "ratio",
              "sevqemu RSS KiB", "xmllint RSS KiB", "ratio"]
    rows = []
    for label, _ in INPUTS:
        r = results[label]
        rows.append([label, fmt_int(r["si"]), fmt_int(r["xi"]), fmt_ratio(ratio(r["si"], r["xi"])),
                     "%.2f" % r["sms"], "%.2f" % r["xms"], fmt_ratio(ratio(r["sms"], r["xms"])),
                     fmt_int(r["srss"]), fmt_int(r["xrss"]), fmt_ratio(ratio(r["srss"], r["xrss"]))]
                    if have_time else ["n/a", "n/a", "n/a"])

    a, b = results["1,000 disks"], results["2,000 disks"]
    g_si, g_sms = ratio(b["si"], a["si"]), ratio(b["sms"], a["sms"])
    g_xi, g_xms = ratio(b["xi"], a["xi"]), ratio(b["xms"], a["xms"])
    growth = [
        "growth 1,000 → 2,000 disks: sevqemu instructions %s, time %s"
        " (xmllint: instructions %s, time %s)"
        % (fmt_ratio(g_si), fmt_ratio(g_sms), fmt_ratio(g_xi), fmt_ratio(g_xms)),
    ]

    t = results["typical"]
    worst_rss = (max((ratio(r["srss"], r["xrss"]), label) for label, r in results.items())
                 if have_time else (None, "not measured"))
    goals = [
        ("typical guest: instructions ≤ %.2f× xmllint" % GOAL_TYPICAL_INSTR,
         ratio(t["si"], t["xi"]), GOAL_TYPICAL_INSTR),
        ("typical guest: wall time ≤ %.1f× xmllint" % GOAL_TYPICAL_WALL,
         ratio(t["sms"], t["xms"]), GOAL_TYPICAL_WALL),
        ("2,000 disks: instructions ≤ %.0f× xmllint" % GOAL_2000_INSTR,
         ratio(b["si"], b["xi"]), GOAL_2000_INSTR),
        ("growth 1,000 → 2,000 disks: instructions ≤ %.1f×" % GOAL_GROWTH, g_si, GOAL_GROWTH),
        ("growth 1,000 → 2,000 disks: wall time ≤ %.1f×" % GOAL_GROWTH, g_sms, GOAL_GROWTH),
        ("peak RSS ≤ %.1f× xmllint (worst: %s)" % (GOAL_RSS, worst_rss[1]),
         worst_rss[0], GOAL_RSS),
    ]
    goal_lines = ["%s %s (%s)" % ("n/a " if v is None else "PASS" if v <= lim else "MISS",
                                  name, "n/a" if v is None else fmt_ratio(v))
                  for name, v, lim in goals]

    print(render_text(header, rows))
    print()
    print("\n".join(growth))
    print()
    print("goals (issue 6):")
    print("\n".join("  " + g for g in goal_lines))

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = "make bench  (sh bench/run.sh%s)" % (
        "" if args.rounds == 31 else " --rounds %d" % args.rounds)
    sev_ver = tool_version([args.sevqemu, "--version"])
    md = [
        "# sevqemu benchmark",
        "",
        "Produced by `%s` on %s." % (command, now),
        "",
        "Machine: %s, %d CPUs, %s %s; %s; xmllint %s." % (
            cpu_model(), os.cpu_count() or 0, platform.system(), platform.release(),
            tool_version(["valgrind", "--version"]),
            tool_version([args.xmllint, "--version"]).replace("xmllint: ", "")),
        "sevqemu: `%s`, commands: `%s` and `%s`." % (
            sev_ver, shlex.join(sevqemu_cmd(args, "FILE")), shlex.join(xmllint_cmd(args, "FILE"))),
        "Instructions: callgrind's `Collected`; time: median of %d interleaved rounds;"
        " RSS: GNU time's `%%M`, largest of 3 runs." % args.rounds,
        "",
        render_md(header, rows),
        "",
        "Growth 1,000 → 2,000 disks: sevqemu instructions %s, wall time %s"
        " (xmllint: %s, %s)." % (fmt_ratio(g_si), fmt_ratio(g_sms), fmt_ratio(g_xi), fmt_ratio(g_xms)),
        "",
        "Goals (issue 6):",
        "",
    ] + ["- " + g for g in goal_lines] + [""]
    path = os.path.join(OUT, "table.md")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    os.replace(path + ".tmp", path)
    print("\nwrote %s" % path)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failed as e:
        print("bench: %s" % e, file=sys.stderr)
        sys.exit(1)
    except (OSError, subprocess.CalledProcessError) as e:
        print("bench: %s" % e, file=sys.stderr)
        sys.exit(1)
