/*
 * base64: strict RFC 4648 checking in front of libb64.
 *
 * libb64's decoder skips any byte outside the alphabet, so "!!x*y??" would
 * decode to something.  sevqemu checks the alphabet and the padding itself
 * (white space between characters is allowed, as in wrapped files), then
 * decodes with libb64 to learn the exact size, then re-encodes to get the
 * canonical text that goes into files and onto the command line.
 */
#ifndef SEVQEMU_BASE64_H
#define SEVQEMU_BASE64_H

#include <stddef.h>

enum base64_error {
	BASE64_OK,
	BASE64_EMPTY,
	BASE64_BAD_CHAR,     /* *where: offset into the input */
	BASE64_BAD_PADDING,  /* '=' anywhere but the last one or two places */
	BASE64_BAD_LENGTH,   /* characters not a multiple of four */
};

/*
 * Checks TEXT; on success sets *canonical (new string, no white space) and
 * *bytes (decoded size).  On BASE64_BAD_CHAR sets *where.
 */
enum base64_error base64_check(const char *text, char **canonical,
			       size_t *bytes, size_t *where);

/* One phrase for an error, e.g. "'!' is not a base64 character". */
const char *base64_strerror(enum base64_error e);

#endif
