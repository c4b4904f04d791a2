#!/usr/bin/env python3
"""`make demo` works on a fresh Debian 12: every file the demo touches comes
from a package that `make demo` installs.

usage: demo-files.py PACKAGE... -- DEMO-COMMAND...

Runs DEMO-COMMAND (the Makefile passes its demo command) under strace -f,
collects every file it opened, stat'ed, checked with access() or executed
successfully, and for each one outside the checkout asks dpkg -S which
package holds it (trying the merged-/usr twin, /lib for /usr/lib, and the
symlink's target too).  That package must be in the closure of PACKAGE...
(the Makefile's DEPS_BUILD and DEPS_DEMO) and of the packages Debian installs
everywhere (Essential or priority required) under Depends and Pre-Depends, as
installed here; /etc/ld.so.cache, which ldconfig writes and no package holds,
counts as libc-bin's.  Prints each file with its package, then
"demo-files: N passed, N failed, N skipped".  Skipped, and said so, where
dpkg is missing (not Debian); strace is a test dependency (make deps-test).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSCALLS = 'openat,open,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,execve'
# Written by ldconfig, held by no package.
UNOWNED = {'/etc/ld.so.cache': 'libc-bin'}
CALL = re.compile(r'^(?:\[pid\s+)?\d*\]?\s*(\w+)\((.*)\)\s+=\s+(-?\d+)')
FIRST_PATH = re.compile(r'"((?:[^"\\]|\\.)*)"')


def installed():
    """{package: (provides, depends groups, essential or required)} of the
    installed packages."""
    fmt = '${Package}\t${Status}\t${Provides}\t${Pre-Depends}, ${Depends}\t${Essential}\t${Priority}\n'
    out = subprocess.run(['dpkg-query', '-W', '-f=' + fmt], capture_output=True,
                         text=True, check=True).stdout
    pkgs = {}
    for line in out.splitlines():
        name, status, provides, depends, essential, priority = line.split('\t')
        if not status.endswith(' installed'):
            continue
        groups = [[re.split(r'[\s(:]', alt.strip())[0] for alt in group.split('|')]
                  for group in depends.split(',') if group.strip()]
        pkgs[name] = ([re.split(r'[\s(]', p.strip())[0] for p in provides.split(',') if p.strip()],
                      groups, essential == 'yes' or priority == 'required')
    return pkgs


def closure(roots, pkgs):
    """Packages reached from roots by Depends/Pre-Depends, as installed."""
    provider = {}
    for name, (provides, _, _) in pkgs.items():
        for p in provides:
            provider.setdefault(p, name)
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        name = name if name in pkgs else provider.get(name)
        if name is None or name in seen:
            continue
        seen.add(name)
        for group in pkgs[name][1]:
            # Of "a | b", the first that is here, as apt would have it.
            todo.extend([alt for alt in group if alt in pkgs or alt in provider][:1])
    return seen


def traced_files(cmd):
    """(exit status, sorted absolute paths outside the checkout that the
    command touched successfully)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, 'strace')
        r = subprocess.run(['strace', '-f', '-qq', '-e', 'trace=' + SYSCALLS, '-o', log] + cmd,
                           cwd=TOP, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        with open(log) as f:
            lines = f.read().splitlines()
    paths = set()
    for line in lines:
        m = CALL.match(line)
        if not m or int(m.group(3)) < 0:
            continue
        p = FIRST_PATH.search(m.group(2))
        if not p or not p.group(1):
            continue      # fstat of an open descriptor
        path = os.path.normpath(os.path.join(TOP, p.group(1).encode().decode('unicode_escape')))
        if path != TOP and not path.startswith(TOP + os.sep):
            paths.add(path)
    return r.returncode, r.stderr, sorted(paths)


def twins(path):
    """The names dpkg may know this path by."""
    names = [path]
    for a, b in (('/usr/lib/', '/lib/'), ('/usr/bin/', '/bin/'), ('/usr/sbin/', '/sbin/')):
        if path.startswith(a):
            names.append(b + path[len(a):])
        elif path.startswith(b):
            names.append(a + path[len(b):])
    real = os.path.realpath(path)
    if real != path:
        names += twins(real)
    return names


def owners(paths):
    """{path: [packages holding it]}, from one dpkg -S over every twin."""
    names = {}
    for p in paths:
        for n in twins(p):
            names.setdefault(n, set()).add(p)
    r = subprocess.run(['dpkg', '-S'] + sorted(names), capture_output=True, text=True)
    held = {p: [] for p in paths}
    for line in r.stdout.splitlines():
        if line.startswith('diversion ') or ': ' not in line:
            continue
        pkgs, _, name = line.partition(': ')
        for path in names.get(name, ()):
            held[path] += [p.strip().split(':')[0] for p in pkgs.split(',')]
    for path, pkg in UNOWNED.items():
        if path in held:
            held[path].append(pkg)
    return held


def main():
    if '--' not in sys.argv:
        sys.exit(__doc__.split('\n\n')[1])
    split = sys.argv.index('--')
    demo_pkgs, cmd = sys.argv[1:split], sys.argv[split + 1:]
    counts = [0, 0, 0]
    if not shutil.which('dpkg') or not shutil.which('dpkg-query'):
        print('skip demo files: no dpkg (not Debian): which package holds a file is unknown')
        print('demo-files: 0 passed, 0 failed, 1 skipped')
        return 0
    if not shutil.which('strace'):
        print('FAIL demo files: strace is not installed (make deps-test)')
        print('demo-files: 0 passed, 1 failed, 0 skipped')
        return 1
    pkgs = installed()
    missing = [p for p in demo_pkgs if p not in pkgs]
    for p in missing:
        print('FAIL %s: a demo dependency that is not installed here' % p)
        counts[1] += 1
    everywhere = [name for name, (_, _, base) in pkgs.items() if base]
    allowed = closure(demo_pkgs, pkgs) | closure(everywhere, pkgs)
    listed = closure(demo_pkgs, pkgs)

    status, err, paths = traced_files(cmd)
    if status != 0:
        print('FAIL the demo exits %d under strace: %s' % (status, err.strip()))
        counts[1] += 1
    print('the demo (%s) touches %d files outside the checkout; the packages allowed: '
          '%d from %s, and what every Debian has'
          % (' '.join(cmd), len(paths), len(listed), ' '.join(demo_pkgs)))
    holders = owners(paths)
    for path in paths:
        held = holders[path]
        good = sorted((p for p in held if p in allowed), key=lambda p: p not in listed)
        if good:
            why = 'demo dependencies' if any(p in listed for p in good) else 'on every Debian'
            print('ok %s: %s (%s)' % (path, good[0], why))
            counts[0] += 1
        else:
            print('FAIL %s: %s, not among the demo\'s packages (Makefile: DEPS_DEMO)'
                  % (path, ', '.join(held) if held else 'held by no package'))
            counts[1] += 1
    print('demo-files: %d passed, %d failed, %d skipped' % tuple(counts))
    return 1 if counts[1] else 0


if __name__ == '__main__':
    sys.exit(main())
