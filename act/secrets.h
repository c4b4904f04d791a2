/*
 * secrets: the guest owner's secrets for `attest --secret GUID=FILE`
 * (or luks-key=FILE, the disk passphrase GUID
 * 736869e5-84f0-4973-92ec-06879ce3da0b that GRUB and the Linux efi_secret
 * driver look for).  A file's bytes go in as they are — no newline is
 * added or taken away.  They are wiped from memory after use.
 */
#ifndef SEVQEMU_ACT_SECRETS_H
#define SEVQEMU_ACT_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "measure/launch.h"

#define SECRET_FILE_MAX (64u << 10)

struct secret_files {
	struct secret_file {
		const char *spec;      /* as given, for messages */
		const char *path;
		uint8_t guid[GUID_BYTES];
	} *v;
	size_t n, alloc;
};

/* Adds "GUID=FILE" or "luks-key=FILE"; 0, or 64 after a usage message
 * (no '=', a bad GUID, a GUID given twice). */
int secret_spec_add(struct secret_files *f, const char *spec);

/* Reads every file: *OUT holds F->n secrets.  66 unreadable, 65 empty or
 * over SECRET_FILE_MAX. */
bool secrets_load(const struct secret_files *f, struct secret **out,
		  struct diag *d);

/* Wipes and frees what secrets_load() read. */
void secrets_free(struct secret *s, size_t n);

#endif
