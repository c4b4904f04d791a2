/*
 * trust: what the XML may not choose.
 *
 * The operator who runs sevqemu is trusted; the domain XML may come from
 * someone less trusted.  Without --trust-xml, the XML cannot choose where
 * sevqemu (or QEMU, on its nvram) writes, nor what it runs:
 *
 *   - an <nvram> path must lie under the nvram directory (--nvram-dir,
 *     default /var/lib/sevqemu) or directly in the guest's state dir, with
 *     no ".." and no symbolic link below that directory;
 *   - a TPM's state directory and the WAV file of <audio type='file'>
 *     must lie under the nvram directory or the state dir;
 *   - an <emulator> is run (--exec, --probe), and a tap <script> or
 *     <downscript> named to QEMU (which runs it), only if it and every
 *     directory above it, through its symbolic links too, belong to root or
 *     the caller and are writable by neither group nor others, the way sudo
 *     and OpenSSH check theirs; --emulator is the operator's own choice;
 *   - what QEMU or a helper writes where the XML says (the TPM's state
 *     directory, an <audio type='file'> WAV file, an nvdimm's file, the
 *     pstore's file) must lie under the nvram directory or in the state dir;
 *   - <qemu:commandline> and <qemu:env> are refused (parse/qemu_ns.c);
 *   - an <input type='passthrough'> is refused: its <source evdev> gives
 *     the guest a host input device (keyboard, mouse), which QEMU grabs.
 *
 * Each refusal is 77 (EX_NOPERM) and names --trust-xml, which lifts them
 * all.  --dry-run applies them as the real run would.
 */
#ifndef SEVQEMU_TRUST_H
#define SEVQEMU_TRUST_H

#include <stdbool.h>

#include "emit/plan.h"
#include "lib/diag.h"
#include "parse/domain.h"

#define NVRAM_DIR_DEFAULT "/var/lib/sevqemu"

struct trust {
	bool trust_xml;          /* --trust-xml: the rules above are lifted */
	const char *nvram_dir;   /* --nvram-dir, or NULL for the default */
	const char *state_dir;   /* --state-dir, or NULL */
	bool runs_emulator;      /* --exec or --probe */
	bool emulator_given;     /* --emulator: argv[0] is the operator's */
};

bool trust_check(const struct domain *dom, const struct plan *plan,
		 const struct trust *t, struct diag *d);

#endif
