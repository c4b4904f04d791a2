#!/bin/sh
# End to end: the command lines sevqemu makes for the demo guest and for
# guests shaped like those virt-install and virt-manager write, with only
# the SEV object and the machine's link to it taken out (SEV cannot start
# here), run under TCG for a few seconds, and QMP must say each guest is
# running: firmware and devices really start.  The virt-manager-shaped
# guest needs --ignore-unsupported, which must drop exactly its SPICE
# parts, by name.
set -u
SUITE=e2e
. tests/lib.sh
t=build/e2e
scratch "$t"

# without_sev IN OUT: the args file minus the SEV object and its link
without_sev() {
	python3 - "$1" "$2" <<'PY'
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
assert len(args) - len(out) == 2, 'expected to remove exactly the SEV object'
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
PY
}

for case in demo shaped-q35-graphics shaped-virt-manager; do
	opts=
	[ -f "testdata/$case.opts" ] && opts=$(cat "testdata/$case.opts")
	# shellcheck disable=SC2086 # opts are single words
	if "$SEVQEMU" -n -f args -d "$t/state" $opts "testdata/$case.xml" \
		>"$t/$case.args" 2>"$t/$case.err" &&
		without_sev "$t/$case.args" "$t/$case-nosev.args"; then
		ok "$case translates"
	else
		no "$case" "$(cat "$t/$case.err")"
	fi
done

# virt-manager's desktop guest needs nothing dropped: SPICE, its agent
# channel, sound and USB redirection all translate.
if ! grep -q 'dropped' "$t/shaped-virt-manager.err" &&
	grep -qx -- '-spice' "$t/shaped-virt-manager.args" &&
	grep -q '^usb-redir,' "$t/shaped-virt-manager.args"; then
	ok "virt-manager's guest translates whole: SPICE, agent, sound, USB redirection"
else
	no "virt-manager's guest" "$(grep dropped "$t/shaped-virt-manager.err" | tr '\n' ' ')"
fi

# QEMU's verdicts count here: its closing line is taken in, not printed.
python3 tests/qemu-accept.py --expect-running 3 "$t"/*-nosev.args >"$t/run.out"
grep -v '^qemu-accept:' "$t/run.out"
tally qemu-accept "$t/run.out"
finish
