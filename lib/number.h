/*
 * number: the numeric forms domain XML uses, parsed strictly.  Each returns
 * true and sets *out, or false without touching it; callers word the error,
 * since only they know the element and the range expected.
 */
#ifndef SEVQEMU_NUMBER_H
#define SEVQEMU_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal digits only (no sign, no space); false on overflow. */
bool parse_decimal(const char *s, uint64_t *out);

/* Hexadecimal, with or without 0x, as libvirt reads a policy ("33" is 0x33). */
bool parse_hex(const char *s, uint64_t *out);

enum memory_error { MEMORY_OK, MEMORY_BAD_NUMBER, MEMORY_BAD_UNIT, MEMORY_OVERFLOW };

/*
 * A size with libvirt's units, read as libvirt reads them (any case): b,
 * byte, bytes; k, KiB, M, MiB, G, GiB, T, TiB, P, PiB, E, EiB (powers of
 * 1024); KB, MB, GB, TB, PB, EB (powers of 1000).  NULL means KiB.
 */
enum memory_error parse_memory(const char *value, const char *unit,
			       uint64_t *bytes);

/* A UUID with or without dashes into canonical lower-case 8-4-4-4-12 form. */
bool parse_uuid(const char *s, char out[37]);

/* The value of hex digit C (either case), or -1. */
int hex_value(char c);

#endif
