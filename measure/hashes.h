/*
 * hashes: the SEV hash table QEMU writes into OVMF's hash-table page for
 * kernel-hashes=on (target/i386/sev.c), and the file reading the
 * measurement needs.
 *
 * The table: the header GUID and a 16-bit length (168), then three
 * entries of a GUID, a 16-bit length (50) and a SHA-256 — of the command
 * line with its terminating NUL (a lone NUL without one), of the initrd
 * (of nothing without one), of the kernel file — in that order, then zeros
 * up to a multiple of 16 bytes (176).  SEV and SEV-ES measure those 176
 * bytes; SEV-SNP measures the page that holds them.
 */
#ifndef SEVQEMU_MEASURE_HASHES_H
#define SEVQEMU_MEASURE_HASHES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

#define SHA256_BYTES 32
#define SHA384_BYTES 48
#define HASH_TABLE_BYTES 168
#define HASH_TABLE_PADDED 176

struct kernel_hashes {
	uint8_t cmdline[SHA256_BYTES];
	uint8_t initrd[SHA256_BYTES];
	uint8_t kernel[SHA256_BYTES];
};

void hash_table_build(const struct kernel_hashes *h,
		      uint8_t out[HASH_TABLE_PADDED]);

/* SHA-256 of S and its NUL (of a lone NUL for NULL). */
void hash_cmdline(const char *s, uint8_t out[SHA256_BYTES]);

/* A file read for the measurement. */
struct file_digest {
	uint64_t bytes;
	uint8_t sha256[SHA256_BYTES];
};

/*
 * Streams PATH through SHA-256.  WHAT names it in messages ("kernel").
 * Missing, unreadable or a directory: 66.
 */
bool file_sha256(const char *path, const char *what, struct file_digest *out,
		 struct diag *d);

/* All of PATH (at most MAX bytes, else 65), in a new buffer. */
uint8_t *file_slurp(const char *path, const char *what, size_t max,
		    size_t *len, struct diag *d);

#endif
