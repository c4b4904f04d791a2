#!/bin/sh
# End to end: the command line sevqemu makes for the demo guest, with only
# the SEV object and the machine's link to it taken out (SEV cannot start
# here), runs under TCG for a few seconds, and QMP says the guest is
# running: the firmware executes.
set -u
SEVQEMU=${SEVQEMU:-./sevqemu}
t=build/e2e
rm -rf "$t"
mkdir -p "$t"
"$SEVQEMU" -q -n -f args -d "$t/state" testdata/demo.xml >"$t/demo.args" 2>/dev/null || {
	echo "FAIL e2e: sevqemu refused the demo guest"
	echo "e2e: 0 passed, 1 failed"
	exit 1
}
python3 - "$t/demo.args" "$t/demo-nosev.args" <<'PY'
import sys
args = open(sys.argv[1]).read().split('\n')[:-1]
out, i = [], 0
while i < len(args):
    if args[i] == '-object' and args[i + 1].startswith('sev-guest,'):
        i += 2
        continue
    if args[i] == '-machine':
        keep = [kv for kv in args[i + 1].split(',') if not kv.startswith('memory-encryption=')]
        out += ['-machine', ','.join(keep)]
        i += 2
        continue
    out.append(args[i])
    i += 1
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
removed = len(args) - len(out)
assert removed == 2, 'expected to remove exactly the SEV object, removed %d' % removed
PY
python3 tests/qemu-accept.py --expect-running 3 "$t/demo-nosev.args" | sed 's/^qemu-accept:/e2e:/'
