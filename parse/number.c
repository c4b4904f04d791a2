#include "number.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

bool parse_decimal(const char *s, uint64_t *out)
{
	if (!*s)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned digit = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool parse_hex(const char *s, uint64_t *out)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		int digit = hex_value(*s);
		if (digit < 0 || v >> 60)
			return false;
		v = v << 4 | (unsigned)digit;
	}
	*out = v;
	return true;
}

struct unit { const char *name; uint64_t scale; };

static const struct unit units[] = {
	{ "b", 1 }, { "bytes", 1 },
	{ "KB", 1000ull }, { "k", 1024ull }, { "KiB", 1024ull },
	{ "MB", 1000000ull }, { "M", 1ull << 20 }, { "MiB", 1ull << 20 },
	{ "GB", 1000000000ull }, { "G", 1ull << 30 }, { "GiB", 1ull << 30 },
	{ "TB", 1000000000000ull }, { "T", 1ull << 40 }, { "TiB", 1ull << 40 },
	{ "PB", 1000000000000000ull }, { "P", 1ull << 50 }, { "PiB", 1ull << 50 },
	{ "EB", 1000000000000000000ull }, { "E", 1ull << 60 }, { "EiB", 1ull << 60 },
};

enum memory_error parse_memory(const char *value, const char *unit,
			       uint64_t *bytes)
{
	uint64_t scale = 0;
	if (!unit) {
		scale = 1024;
	} else {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			/* libvirt matches units case-insensitively except that
			 * the SI "KB" differs from "k"/"KiB"; keep it exact. */
			if (strcmp(unit, units[i].name) == 0) {
				scale = units[i].scale;
				break;
			}
		}
		if (!scale)
			return MEMORY_BAD_UNIT;
	}
	uint64_t v;
	if (!parse_decimal(value, &v)) {
		/* distinguish "too big to read" from "not a number" */
		const char *p = value;
		while (*p >= '0' && *p <= '9')
			p++;
		return *value && !*p ? MEMORY_OVERFLOW : MEMORY_BAD_NUMBER;
	}
	if (v > UINT64_MAX / scale)
		return MEMORY_OVERFLOW;
	*bytes = v * scale;
	return MEMORY_OK;
}

bool parse_uuid(const char *s, char out[37])
{
	static const char hexdigits[] = "0123456789abcdef";
	char digits[32];
	size_t n = 0;
	for (; *s; s++) {
		if (*s == '-')
			continue;
		int v = hex_value(*s);
		if (v < 0 || n == 32)
			return false;
		digits[n++] = hexdigits[v];
	}
	if (n != 32)
		return false;
	size_t o = 0;
	for (size_t i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return true;
}
