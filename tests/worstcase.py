#!/usr/bin/env python3
"""Bounded work: adversarial inputs of up to 16 MiB, each aimed at work
that could grow faster than the input (libxml2's duplicate-attribute check,
its tree and its dictionary of names, our own checks across many devices),
must each be accepted or refused within LIMIT seconds of CPU time (user +
system: the machine running the tests may be shared, so wall time is shown
but not judged), with only sevqemu's own lines on stderr.

Usage: python3 tests/worstcase.py [--keep] [OUTDIR]   (default build/worstcase)
SEVQEMU=path runs another build.  Prints "ok NAME (...)" or "FAIL NAME: ...",
then "worstcase: N passed, M failed".
"""
import os
import re
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAP = 16 * 1024 * 1024          # sevqemu reads at most this much
NODES = 100000                  # XML_MAX_NODES (parse/xml.h)


def skeleton():
    """demo.xml without its nvram (nothing on the host is looked at) and with
    an empty <devices> whose end is the insertion point."""
    demo = open(os.path.join(ROOT, 'testdata', 'demo.xml')).read()
    demo = re.sub(r'\s*<nvram [^>]*>[^<]*</nvram>', '', demo)
    return re.sub(r'(<devices>).*?(</devices>)', r'\1@@\2', demo, flags=re.S)


def disk_name(i):
    """0 -> a, 25 -> z, 26 -> aa: libvirt's disk names after the prefix."""
    s = ''
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        s = chr(ord('a') + r) + s
    return s


def fill(unit, budget, most=None):
    """UNIT repeated to at most BUDGET bytes (and MOST times); UNIT may hold
    {i} (0, 1, ...), {j} (1, 2, ...) and {d} (a, b, ..., aa, ...)."""
    out, size, i = [], 0, 0
    while most is None or i < most:
        s = unit.format(i=i, j=i + 1, d=disk_name(i))
        if size + len(s) > budget:
            break
        out.append(s)
        size += len(s)
        i += 1
    return ''.join(out)


def nodes(unit):
    """The nodes the pre-scan counts in UNIT: start tags and attributes."""
    return len(re.findall(r'<[^/!?]', unit)) + unit.count('=')


def devices(unit, base=None):
    """As many UNITs in <devices> as the node cap lets through, each padded
    ({p} in UNIT, a run of x) so that they make up almost 16 MiB."""
    base = base or skeleton()
    most = (NODES - nodes(base) - 8) // nodes(unit)
    room = CAP - len(base) - 64
    plain = len(unit.replace('{p}', '').format(i=most, j=most, d=disk_name(most)))
    unit = unit.replace('{p}', 'x' * max(0, room // most - plain))
    return base.replace('@@', fill(unit, room, most))


def shapes():
    base = skeleton()
    room = CAP - len(base) - 64
    yield 'attrs-one-element', base.replace(
        "<domain type='kvm'>", "<domain type='kvm'" + fill(' a{i:x}=""', room) + '>')
    yield 'nsdecls-one-element', base.replace(
        "<domain type='kvm'>", "<domain type='kvm'" + fill(' xmlns:n{i:x}="u"', room) + '>')
    # 64 attributes each: the most the pre-scan lets through, on every element.
    many = ''.join(' a%d=""' % k for k in range(64))
    yield 'attrs-64-everywhere', base.replace(
        '</name>', '</name><metadata>' + fill('<m' + many + '/>', room - 32) + '</metadata>')
    yield 'empty-elements', base.replace('@@', fill('<a/>', room))
    yield 'comments', base.replace('@@', fill('<!---->', room))
    yield 'processing-instructions', base.replace('@@', fill('<?p?>', room))
    yield 'deep-nesting', base.replace(
        '</name>', '</name><metadata>' + '<a>' * (room // 8) + '</a>' * (room // 8) + '</metadata>')
    yield 'long-attribute-value', base.replace(
        "<domain type='kvm'>", "<domain type='kvm' x='" + 'v' * room + "'>")
    yield 'long-element-name', base.replace('@@', '<' + 'n' * room + '/>')
    yield 'distinct-names', base.replace(
        '</name>', '</name><metadata>' + fill('<n{i}/>', room - 32, NODES - nodes(base) - 8) +
        '</metadata>')
    # Devices, as many as the node cap allows: our own checks across them.
    yield 'disks', devices(
        "<disk type='file' device='disk'><source file='/d/{i}{p}'/>"
        "<target dev='sd{d}' bus='scsi'/></disk>")
    yield 'disks-same-target', devices(
        "<disk type='file' device='disk'><source file='/d/{i}{p}'/>"
        "<target dev='vda' bus='virtio'/></disk>")
    yield 'interfaces', devices("<interface type='user'><model type='virtio'/><alias name='{p}'/></interface>")
    yield 'serials', devices("<serial type='pty'><alias name='{p}'/></serial>")
    yield 'channels', devices(
        "<channel type='unix'><target type='virtio' name='org.n.{i}{p}'/></channel>")
    yield 'controllers', devices("<controller type='scsi' index='{i}' model='virtio-scsi'><alias name='{p}'/></controller>")
    yield 'inputs', devices("<input type='keyboard' bus='virtio'><alias name='{p}'/></input>")
    yield 'boot-order', devices(
        "<disk type='file' device='disk'><source file='/d/{i}{p}'/>"
        "<target dev='sd{d}' bus='scsi'/><boot order='{j}'/></disk>",
        skeleton().replace("<boot dev='hd'/>", ''))
    yield 'qemu-args', base.replace(
        "<domain type='kvm'>",
        "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>").replace(
        '</devices>', '</devices><qemu:commandline>' +
        fill("<qemu:arg value='-x{i}'/>", room - 64, (NODES - nodes(base) - 16) // 2) +
        '</qemu:commandline>')


LIMIT = 2.0


def run(binary, path):
    """Exit status, CPU seconds, wall seconds and stderr of one dry run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    r = subprocess.run([binary, '-n', '-q', '-d', '/nonexistent/sevqemu-worstcase', path],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return r.returncode, cpu, wall, r.stderr


def main(argv):
    keep = '--keep' in argv
    args = [a for a in argv[1:] if a != '--keep']
    out = args[0] if args else os.path.join(ROOT, 'build', 'worstcase')
    binary = os.environ.get('SEVQEMU', os.path.join(ROOT, 'sevqemu'))
    os.makedirs(out, exist_ok=True)
    passed = failed = 0
    for name, text in shapes():
        data = text.encode()
        path = os.path.join(out, name + '.xml')
        with open(path, 'wb') as f:
            f.write(data)
        status, cpu, wall, err = run(binary, path)
        lines = err.decode('utf-8', 'replace').splitlines()
        why = []
        if len(data) > CAP:
            why.append('input is %d bytes, over the cap' % len(data))
        if status < 0 or status > 128:
            why.append('killed (%d)' % status)
        if cpu > LIMIT:
            why.append('%.2f s of CPU, more than %.1f' % (cpu, LIMIT))
        stray = [l for l in lines if not l.startswith('sevqemu: ')]
        if stray:
            why.append('stderr line not sevqemu\'s own: %r' % stray[0][:100])
        said = next((l for l in lines if 'would write' not in l), 'accepted')
        if why:
            print('FAIL %s: %s' % (name, '; '.join(why)))
            failed += 1
        else:
            print('ok %s (%.1f MiB, exit %d, %.2f s CPU, %.2f s wall): %s' %
                  (name, len(data) / 1048576, status, cpu, wall, said[:100]))
            passed += 1
        if not keep:
            os.unlink(path)
    print('worstcase: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
