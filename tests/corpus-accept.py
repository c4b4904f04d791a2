#!/usr/bin/env python3
"""QEMU 7.2 judges every libvirt corpus guest that sevqemu translates.

tests/corpus.py compares what sevqemu writes for libvirt's own test XMLs with
libvirt's .args; this runner starts it.  Each guest is translated as
corpus.py translates it (strict, --trust-xml, a fixed state dir; here
--format=args) and, when it translates, run by tests/qemu-accept.py's
machinery (TCG, -S, QMP quit, files made in a scratch directory, -cpu host as
max).  Whatever translates is judged: no fixed list of guests.

Per guest one verdict:
  accepted        QEMU reached prelaunch (or the SEV abort past every device)
  host resource   QEMU needs a part of a host this machine lacks, with the
                  reason: qemu-accept.py's host_backed() (not started: a tap, a
                  vhost-user peer, ...) or one of HOST_ERRORS below (QEMU's own
                  message, e.g. a host block device or libvirt's test firmware);
                  a tap, network disk, huge pages or usb-host gets a stand-in
                  (stand_in()) so that QEMU still judges the rest
  known           rejected, one of KNOWN below (each with its reason)
  REJECTED        anything else: QEMU's message; the run fails

    python3 tests/corpus-accept.py [-j N] [-v] [GUEST...]
        (-v: every guest's verdict, not only the rejections; GUEST: only those)
"""
import argparse, contextlib, importlib.util, os, re, shlex, shutil, subprocess, sys, tempfile, threading, time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus  # noqa: E402  (tests/corpus.py: the corpus, the test build, run())

_spec = importlib.util.spec_from_file_location('qemu_accept', os.path.join(HERE, 'qemu-accept.py'))
qa = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qa)

# QEMU's message -> the host resource it needs: a part of libvirt's test
# host (or any real one) this machine lacks.  A message not here is a
# rejection.
HOST_ERRORS = [
    (r"-(blockdev|drive) [^\n]*: Could not open '/dev/[^']*': No such file or directory",
     'a host block device'),
    (r"-device vfio-[^\n]*: ", 'a host device bound to vfio-pci'),
    (r"Could not open '/(usr/share|var/lib)/[^']*': No such file or directory",
     "a file of libvirt's test host (firmware, nvram)"),
    (r"/dev/dri/", 'a host GPU render node'),
    (r"-object memory-backend-file,[^\n]*/dev/hugepages", 'huge pages (a hugetlbfs with pages reserved)'),
    (r"Could not load certificates from /etc/pki/", "TLS certificates of libvirt's test host"),
    (r"Unable to access credentials /etc/pki/", "TLS certificates of libvirt's test host"),
    (r"(Failed to bind socket|can't bind ip=[^ ]* to socket): Cannot assign requested address",
     'an IP address of the host (a listening socket)'),
    (r"cannot bind memory to host NUMA nodes", 'host NUMA nodes the guest memory is bound to'),
    (r"-chardev socket,[^ ]*server=off[^ ]*: Failed to connect to '[^']*': "
     r"(No such file or directory|Connection refused)", 'a peer listening on a client socket'),
    (r"-fw_cfg [^ ]*: can't load /[^:]*: Failed to open file", 'a host file the XML gives the guest'),
    (r"audio: Could not init `[a-z]+' audio driver", "the audio backend's sound server"),
]

# Rejections QEMU 7.2 gives libvirt's own command line too, recognised by
# QEMU's message whatever the guest (the hidden twin corpus is judged the
# same way).
KNOWN_ERRORS = [
    (r'Failed to get "write" lock',
     "read-write disks sharing one image of libvirt's test: QEMU locks it, as it would on "
     "libvirt's own command line"),
    (r'phys-bits too low',
     "<maxMemory> past qemu64's 40 physical address bits (libvirt's test asks 1 PiB): QEMU 7.2 "
     "refuses libvirt's own command line too"),
    (r'unsupported machine type',
     "a machine type newer than QEMU 7.2 (libvirt's test names its own QEMU's): libvirt's "
     "command line names it too"),
]
# Rejections by guest, each with its reason.  Keep it short (README names
# them); a guest that no longer fails this way must leave the list.
KNOWN = {}
for _g in ('qemu-ns-alt', 'qemu-ns-no-env', 'qemu-ns-commandline', 'qemu-ns-commandline-ns1',
           'qemu-ns-domain-ns0'):
    KNOWN[_g] = ("<qemu:commandline> passes the test's placeholder arguments (-unknown, "
                 'ARGUMENT) verbatim, as libvirt does')

# More guest RAM than this is preallocated or locked: not started.  Writing
# 14 GiB of memory-backend-file into a scratch directory is no test of the
# command line and outlasts RUN_TIMEOUT.
PREALLOC_MAX = 2 << 30


def prealloc_bytes(argv):
    """How much guest RAM the command line preallocates or locks."""
    pairs = list(zip(argv, argv[1:]))
    ram = sum(int(qa.kv_get(kv, 'size', '0'))
              for kv in (qa.kv_split(v) for o, v in pairs if o == '-object')
              if kv[0][1].startswith('memory-backend-') and
              qa.kv_get(kv, 'prealloc') in qa.ON and qa.kv_get(kv, 'size', '').isdigit())
    m = next((qa.kv_split(v) for o, v in pairs if o == '-m'), None)
    if m and ('-mem-prealloc' in argv or ('-overcommit', 'mem-lock=on') in pairs):
        size = qa.kv_get(m, 'size', m[0][1] if m[0][0] is None else '0')
        unit = {'M': 20, 'G': 30, 'k': 10, 'K': 10}.get(size[-1:], 20)
        ram = max(ram, int(size.rstrip('MGkK') or 0) << unit)
    return ram


def first_message(err):
    lines = [l.strip() for l in err.splitlines() if l.strip()]
    return next((l for l in lines if 'warning:' not in l), lines[0] if lines else '')


def classify(verdict, why, err, name):
    """-> (kind, reason): kind one of accepted, host, known, rejected."""
    if verdict == 'ok':
        return 'accepted', ''
    if verdict == 'skip':
        return 'host', why.replace('not judged: ', '')
    for pattern, reason in HOST_ERRORS:
        if re.search(pattern, err):
            return 'host', reason
    msg = first_message(err) or why
    for pattern, reason in KNOWN_ERRORS:
        if re.search(pattern, err):
            return 'known', '%s (%s)' % (reason, msg[:100])
    if name in KNOWN:
        return 'known', '%s (%s)' % (KNOWN[name], msg[:100])
    return 'rejected', msg


# Host-backed options qemu-accept.py would not start, and what stands in for
# them so that QEMU still judges the rest of the command line: a user
# network for a tap, a scratch image for a network disk, plain memory for
# huge pages (not preallocated), a usb-host that names no host device, a
# scsi-hd on a scratch image for a passed-through SCSI device.  The guest still counts
# as needing that host resource; a rejection of the rest fails the run.
KEEP_BLOCK = ('node-name', 'read-only', 'auto-read-only', 'discard', 'cache.direct',
              'cache.no-flush')


def stand_in(option, arg):
    """-> (argument, reason): a stand-in for a host-backed option, or (ARG, None)."""
    why = qa.host_backed(option, arg)
    kv = qa.kv_split(arg) if arg and not arg.startswith('{') else []
    kind = kv[0][1] if kv and kv[0][0] is None else qa.kv_get(kv, 'driver')
    if not why:
        return arg, None
    if option == '-netdev' and kind in ('tap', 'bridge'):
        return qa.kv_join([[None, 'user'], ['id', qa.kv_get(kv, 'id')]]), why
    if option == '-device' and kind in qa.VHOST_USER_GPU:
        # QEMU's own GPU; stand_ins() turns its socket into a null chardev
        return qa.kv_join([[None, qa.VHOST_USER_GPU[kind]]] +
                          [it for it in kv[1:] if it[0] != 'chardev']), why
    if option == '-device' and kind == 'usb-host':
        return qa.kv_join([it for it in kv if it[0] != 'hostdevice']), why
    if option == '-device' and kind == 'scsi-generic':
        # scsi-hd takes the same place on the bus from its node (a scratch
        # image instead of the sg node or the iSCSI LUN); share-rw=on, as
        # libvirt's test names /dev/sg0 for every host SCSI device, and one
        # scratch image stands for it
        return qa.kv_join([[None, 'scsi-hd']] + kv[1:] + [['share-rw', 'on']]), why
    if option == '-blockdev' and kind in qa.NETWORK_DRIVERS:
        node = qa.kv_get(kv, 'node-name')
        return qa.kv_join([['driver', 'file'], ['filename', '/stand-in/' + node]] +
                          [it for it in kv if it[0] in KEEP_BLOCK]), why
    if option == '-object' and qa.kv_get(kv, 'mem-path') == '/dev/hugepages':
        qa.kv_set(kv, 'mem-path', '/stand-in/hugepages')
        qa.kv_set(kv, 'prealloc', 'off')    # not 1 GiB written to a scratch disk file
        return qa.kv_join(kv), why
    if option == '-object' and qa.kv_get(kv, 'hugetlb') == 'on':
        return qa.kv_join([it for it in kv if it[0] not in ('hugetlb', 'hugetlbsize')]), why
    return arg, None


def stand_ins(argv):
    """-> (ARGV with stand-ins, the host resources they stand in for)."""
    out, whys, unused = list(argv), [], set()
    for i in range(1, len(out) - 1):
        kv = qa.kv_split(out[i + 1])
        if out[i] == '-object' and kv[0] == [None, 'secret'] and qa.kv_get(kv, 'file'):
            # a disk's secret, written to the state dir by a real run, never by --dry-run
            out[i + 1] = qa.kv_join([it for it in kv if it[0] != 'file'] + [['data', 'c2VjcmV0']])
        elif out[i] in ('-netdev', '-device', '-blockdev', '-object'):
            out[i + 1], why = stand_in(out[i], out[i + 1])
            if why and why not in whys:
                whys.append(why)
            if why and qa.kv_get(kv, 'chardev') and not qa.kv_get(qa.kv_split(out[i + 1]), 'chardev'):
                unused.add(qa.kv_get(kv, 'chardev'))
    # A stood-in device's backend socket: nothing listens there, nothing uses it.
    for i in range(1, len(out) - 1):
        if out[i] == '-chardev' and qa.kv_get(qa.kv_split(out[i + 1]), 'id') in unused:
            out[i + 1] = 'null,id=' + qa.kv_get(qa.kv_split(out[i + 1]), 'id')
    return out, whys


TIMES = {}
# Guests that listen on a fixed TCP port (-vnc :3, -spice port=5903, a TCP
# server chardev) start one at a time: two at once would fight for the port.
PORTS = threading.Lock()


def listens(argv):
    for o, v in zip(argv, argv[1:]):
        if o == '-vnc' and not v.startswith(('unix:', 'vnc=unix:', 'none')):
            return True
        if o in ('-spice', '-chardev', '-netdev', '-incoming') and re.search(r'(^|,)(port|listen)=', v):
            return True
    return False


def judge(name, xmldir, state, opts, argsdir):
    xml = os.path.join(xmldir, name + '.xml')
    code, out, err = corpus.run(xml, state, fmt='args')
    if opts.dropped:    # only what strict mode refuses, translated without it
        if code != 69:
            return None
        code, out, err = corpus.run(xml, state, fmt='args', extra=['--ignore-unsupported'])
    if code != 0:
        return None
    path = os.path.join(argsdir, name + '.args')
    with open(path, 'w') as fh:
        fh.write(out)
    argv, env = qa.read_args(path)
    ram = prealloc_bytes(argv)
    if ram > PREALLOC_MAX:
        return 'host', 'more than 2 GiB of guest RAM preallocated or locked', '%d GiB' % (ram >> 30)
    argv, needs = stand_ins(argv)
    with PORTS if listens(argv) else contextlib.nullcontext():
        run, start = qa.Run(opts), time.monotonic()
        try:
            verdict, why, cmd, qerr = run.execute(argv, env)
        except (OSError, subprocess.CalledProcessError) as e:   # the runner's own failure
            verdict, why, cmd, qerr = 'fail', 'not run: %s' % e, argv, ''
    TIMES[name] = time.monotonic() - start
    kind, reason = classify(verdict, why, qerr, name)
    note = ' (the rest accepted, with a stand-in)' if needs and kind == 'accepted' else ''
    if needs and kind == 'host':    # QEMU stopped at another host resource
        note = ' (also: %s)' % reason
    if needs and kind in ('accepted', 'host'):
        kind, reason = 'host', needs[0]
    elif needs and kind == 'rejected':
        reason += ' (with stand-ins for: %s)' % '; '.join(needs)
    if kind != 'rejected':
        shutil.rmtree(run.scratch, ignore_errors=True)
        return kind, reason, first_message(qerr) + note
    return kind, reason, ('  command (cwd %s):\n    %s\n  args: %s\n  stderr:\n%s  scratch kept: %s'
                          % (run.scratch, shlex.join(cmd), path,
                             ''.join('    %s\n' % l for l in qerr.splitlines()), run.scratch))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 1)
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('--ignore-unsupported', action='store_true',
                    help='judge instead the guests sevqemu refuses, as --ignore-unsupported '
                         'translates them: what is left after dropping must still start')
    ap.add_argument('guests', nargs='*')
    args = ap.parse_args()
    xmldir = os.path.join(corpus.CORPUS, 'xml')
    if not os.path.isdir(xmldir):
        print('corpus-accept: skipped, no %s' % os.path.normpath(xmldir))
        print('corpus-accept: 0 passed, 0 failed, 1 skipped')
        return 0
    if not shutil.which('qemu-system-x86_64'):
        sys.exit('corpus-accept: qemu-system-x86_64 not found in PATH')
    qa.resource.setrlimit(qa.resource.RLIMIT_CORE, (0, 0))
    names = args.guests or sorted(n[:-4] for n in os.listdir(xmldir) if n.endswith('.xml'))
    opts = argparse.Namespace(cpu_host_as_max=True, expect_running=None,
                              dropped=args.ignore_unsupported)
    argsdir = os.path.join(corpus.TOP, 'build', 'corpus-accept')
    shutil.rmtree(argsdir, ignore_errors=True)
    os.makedirs(argsdir)
    kinds, reasons, stale = Counter(), Counter(), []
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        state = os.path.join(tmp, 'state')
        results = pool.map(lambda n: judge(n, xmldir, state, opts, argsdir), names)
        for name, res in zip(names, results):
            if res is None:
                if name in KNOWN and not args.ignore_unsupported:
                    print('note: %s is in KNOWN but no longer translates' % name)
                continue
            kind, reason, detail = res
            kinds[kind] += 1
            if kind == 'host':
                reasons[reason] += 1
            if kind == 'rejected':
                print('REJECTED %s: %s\n%s' % (name, reason, detail))
            elif args.verbose or kind == 'known':
                print('%s %s%s' % (kind, name, ': ' + reason if reason else ''))
                if args.verbose and detail:
                    print('  ' + detail)
            if kind != 'known' and name in KNOWN:
                stale.append(name)
    judged = sum(kinds.values())
    print('corpus-accept: %d translated guests judged by QEMU: %d accepted, %d need a host '
          'resource, %d known rejections, %d rejected'
          % (judged, kinds['accepted'], kinds['host'], kinds['known'], kinds['rejected']))
    for reason, n in reasons.most_common():
        print('  %4d  %s' % (n, reason))
    if args.verbose:
        print('slowest: ' + ', '.join('%s %.1f s' % (n, t) for n, t in
                                      sorted(TIMES.items(), key=lambda x: -x[1])[:8]))
    for name in stale:  # a known rejection that no longer happens: take it off the list
        print('FAIL %s is in KNOWN but QEMU no longer rejects it' % name)
    failed = kinds['rejected'] + len(stale)
    print('corpus-accept: %d passed, %d failed, 0 skipped' % (judged - kinds['rejected'], failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
