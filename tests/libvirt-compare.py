#!/usr/bin/env python3
"""The launch object sevqemu writes has the properties libvirt writes for the
same XML: libvirt's own test inputs and outputs (../shared/reference/
libvirt-testdata, read here, never copied) are translated by sevqemu and the
-object compared property by property.  libvirt's JSON numbers and booleans
are compared as values (policy 196608 is 0x30000, true is on); the id and
the blob files' directory are sevqemu's own.  libvirt's test blobs are
placeholders of the wrong size, so real-sized ones are put in their place.
Without ../shared (a clone outside the project's folder) every case is
reported skipped.
"""
import base64, json, os, re, shlex, subprocess, sys, tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(TOP, '..', 'shared', 'reference', 'libvirt-testdata', 'libvirt-10.7.0')
SEVQEMU = os.environ.get('SEVQEMU', os.path.join(TOP, 'sevqemu'))
CASES = [  # (input xml, expected args, extra sevqemu options)
    ('launch-security-sev.xml', 'launch-security-sev.x86_64-6.0.0.args', []),
    ('launch-security-sev-direct.xml', 'launch-security-sev-direct.x86_64-latest.args', []),
    ('launch-security-sev-missing-platform-info.xml',
     'launch-security-sev-missing-platform-info.x86_64-6.0.0.args',
     ['--domcaps', os.path.join(DATA, 'domaincaps-qemu_6.0.0.x86_64.xml')]),
    ('launch-security-sev-snp.xml', 'launch-security-sev-snp.x86_64-latest.args', []),
]


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


def normal(key, value):
    """A property value as one comparable string."""
    if isinstance(value, bool):
        return 'on' if value else 'off'
    if key == 'policy':
        return int(value, 0) if isinstance(value, str) else value
    if key.endswith('-file'):
        return os.path.basename(value)
    return str(value)


def libvirt_object(args_path):
    text = open(args_path).read()
    for word in shlex.split(text.replace('\\\n', ' ')):
        if word.startswith('{') and '"sev' in word and '-guest"' in word:
            obj = json.loads(word)
            return {k: normal(k, v) for k, v in obj.items() if k not in ('id',)}
    raise SystemExit('no sev object in ' + args_path)


def sevqemu_object(xml_path, opts):
    xml = open(xml_path).read()
    # libvirt's placeholders would be refused by sevqemu's size checks.
    sizes = {'dhCert': 2084, 'session': 128}
    for tag, size in sizes.items():
        blob = base64.b64encode(bytes(range(256)) * (size // 256) + bytes(size % 256)).decode()
        xml = re.sub(r'<%s>[^<]*</%s>' % (tag, tag), '<%s>%s</%s>' % (tag, blob, tag), xml)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'guest.xml')
        open(path, 'w').write(xml)
        r = subprocess.run([SEVQEMU, '-n', '-q', '-f', 'args', '-d', tmp] + opts + [path],
                           capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError('sevqemu exit %d: %s' % (r.returncode, r.stderr.strip()))
    argv = r.stdout.split('\n')
    for i, a in enumerate(argv):
        if a == '-object' and argv[i + 1].startswith(('sev-guest,', 'sev-snp-guest,')):
            items = kv_split(argv[i + 1])
            obj = {'qom-type': items[0]}
            for it in items[1:]:
                k, _, v = it.partition('=')
                if k != 'id':
                    obj[k] = normal(k, v)
            return obj
    raise RuntimeError('no sev object in sevqemu output')


def main():
    passed = failed = skipped = 0
    for xml, args, opts in CASES:
        if not os.path.isdir(DATA):
            # A clone outside the project's folder has no ../shared: the
            # case says it did not run, and is counted so.
            print('skip %s: no %s' % (xml, os.path.normpath(DATA)))
            skipped += 1
            continue
        try:
            ours = sevqemu_object(os.path.join(DATA, 'qemuxmlconfdata', xml), opts)
            theirs = libvirt_object(os.path.join(DATA, 'qemuxmlconfdata', args))
        except (RuntimeError, OSError) as e:
            print('FAIL %s: %s' % (xml, e))
            failed += 1
            continue
        if ours == theirs:
            print('ok %s: %d properties as libvirt writes them' % (xml, len(ours)))
            passed += 1
        else:
            failed += 1
            print('FAIL %s' % xml)
            for k in sorted(set(ours) | set(theirs)):
                if ours.get(k) != theirs.get(k):
                    print('  %s: sevqemu %r, libvirt %r' % (k, ours.get(k), theirs.get(k)))
    print('libvirt-compare: %d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
