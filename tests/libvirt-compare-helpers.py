#!/usr/bin/env python3
"""The TPM, shared-folder and vhost-user GPU options sevqemu writes are the
ones libvirt writes for the same XML: libvirt's own test inputs and expected args
(../shared/reference/libvirt-corpus, read here, never copied) are
translated by sevqemu, and every -fsdev, -tpmdev, the TPM's and shares'
-chardev and -device compared key by key.  Left out: bus= and addr= (PCI
placement is sevqemu's own), and the socket path of a helper sevqemu starts
itself (its state dir, where libvirt's test has a placeholder, or for
vhost-user-gpu the fd= of a socketpair libvirt makes).
"""
import json, os, shlex, subprocess, sys, tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(TOP, '..', 'shared', 'reference', 'libvirt-corpus')
SEVQEMU = os.environ.get('SEVQEMU', os.path.join(TOP, 'sevqemu'))
CASES = [  # (name, extra sevqemu options, libvirt's ids that sevqemu drops)
    ('tpm-emulator', [], ()),
    # Its file-backed memory and NUMA cell are other families' (dropped).
    ('vhost-user-fs-sock', ['--ignore-unsupported'], ()),
    # Its third share is the 'handle' driver QEMU 7.2 no longer has: dropped.
    ('fs9p', ['--ignore-unsupported'], ('fsdev-fs2', 'fs2')),
    ('vhost-user-gpu-secondary', [], ()),
]
WANTED = ('-fsdev', '-tpmdev', '-chardev', '-device')
DEVICES = ('vhost-user-fs-pci', 'virtio-9p-pci', 'tpm-tis', 'tpm-crb', 'vhost-user-vga',
           'vhost-user-gpu-pci')


def kv_split(s):
    items, cur, i = [], '', 0
    while i <= len(s):
        if i == len(s) or (s[i] == ',' and s[i + 1:i + 2] != ','):
            items.append(cur)
            cur, i = '', i + 1
        elif s[i] == ',':
            cur, i = cur + ',', i + 2
        else:
            cur, i = cur + s[i], i + 1
    return items


def as_dict(option, value):
    """One option as {key: value}; the implied first key is 'type'."""
    if value.startswith('{'):
        d = {k: str(v).lower() if isinstance(v, bool) else str(v)
             for k, v in json.loads(value).items()}
        d['type'] = d.pop('driver', d.pop('qom-type', ''))
    else:
        d = {}
        for n, item in enumerate(kv_split(value)):
            k, eq, v = item.partition('=')
            if n == 0 and not eq:
                d['type'] = k
            else:
                d[k] = v
    for k in ('bus', 'addr'):
        d.pop(k, None)
    d = {k: {'on': 'true', 'off': 'false'}.get(v, v) for k, v in d.items()}
    return option, d


def relevant(opts):
    """The options of the TPM and the shares, in order."""
    ids = set()
    for o, d in opts:
        if o == '-tpmdev' or (o == '-device' and d['type'] in DEVICES):
            ids.add(d.get('chardev'))
    return [(o, d) for o, d in opts
            if o in ('-fsdev', '-tpmdev') or
            (o == '-chardev' and d.get('id') in ids) or
            (o == '-device' and d['type'] in DEVICES)]


def libvirt_opts(path):
    words = shlex.split(open(path).read().replace('\\\n', ' '))
    return [as_dict(w, words[i + 1]) for i, w in enumerate(words[:-1]) if w in WANTED]


def sevqemu_opts(xml, extra, state):
    r = subprocess.run([SEVQEMU, '-n', '-q', '-f', 'args', '-d', state] + extra + [xml],
                       capture_output=True, text=True)
    if r.returncode:
        raise SystemExit('%s: sevqemu exit %d: %s' % (xml, r.returncode, r.stderr))
    words = r.stdout.split('\n')[:-1]
    return [as_dict(w, words[i + 1]) for i, w in enumerate(words[:-1]) if w in WANTED]


def main():
    if not os.path.isdir(CORPUS):
        print('libvirt-compare-helpers: skipped, no %s' % CORPUS)
        return 0
    passed = failed = 0
    state = tempfile.mkdtemp(prefix='lvch-')
    for name, extra, dropped in CASES:
        want = [(o, d) for o, d in relevant(libvirt_opts(os.path.join(CORPUS, 'args', name + '.args')))
                if d.get('id') not in dropped]
        got = relevant(sevqemu_opts(os.path.join(CORPUS, 'xml', name + '.xml'), extra, state))
        for (wo, wd), (go, gd) in zip(want, got):
            if go == '-chardev' and gd.get('path', '').startswith(state + '/'):
                # a helper sevqemu starts: its state dir (libvirt: a placeholder, or
                # vhost-user-gpu's end of a socketpair)
                del gd['path']
                gd.update({k: wd[k] for k in ('path', 'fd') if k in wd})
        if want == got:
            passed += 1
            print('ok %s: %d options as libvirt writes them' % (name, len(want)))
        else:
            failed += 1
            print('FAIL %s\n  libvirt: %s\n  sevqemu: %s' % (name, want, got))
    print('libvirt-compare-helpers: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
