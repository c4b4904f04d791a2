/*
 * keys: the guest owner's transport keys, as sevctl and libvirt store
 * them.  `sevctl session --name NAME` writes NAME_tek.bin and NAME_tik.bin,
 * 16 raw bytes each; libvirt's virt-qemu-sev-validate takes one 32-byte
 * file (--tk) holding the TEK then the TIK.  Keys live in memory only as
 * long as needed: callers wipe them with explicit_bzero().
 */
#ifndef SEVQEMU_MEASURE_KEYS_H
#define SEVQEMU_MEASURE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "measure/launch.h"

/*
 * Exactly N bytes of PATH into OUT (which WHAT names: "TIK").  Missing or
 * unreadable: 66; another size: 65.  Nothing read is left in memory on
 * failure.
 */
bool key_read(const char *path, const char *what, uint8_t *out, size_t n,
	      struct diag *d);

/* --tik and --tek, or --tk (TEK then TIK). */
struct key_files {
	const char *tik, *tek, *tk;
};

/* Both keys from whichever files were given. */
bool keys_read(const struct key_files *f, uint8_t tik[TK_BYTES],
	       uint8_t tek[TK_BYTES], struct diag *d);

#endif
