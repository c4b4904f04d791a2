#include "lib/number.h"

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

int hex_value(char c)
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

/*
 * libvirt's reading of a unit (virScaleInteger): case-insensitive; b, byte,
 * bytes; then k m g t p e alone or with "iB" are powers of 1024, with "B"
 * powers of 1000.
 */
static uint64_t unit_scale(const char *unit)
{
	if (!strcasecmp(unit, "b") || !strcasecmp(unit, "byte") ||
	    !strcasecmp(unit, "bytes"))
		return 1;
	static const char prefixes[] = "kmgtpe";
	const char *at = strchr(prefixes, tolower((unsigned char)unit[0]));
	if (!unit[0] || !at)
		return 0;
	unsigned power = (unsigned)(at - prefixes) + 1;
	uint64_t base;
	if (!unit[1] || !strcasecmp(unit + 1, "ib"))
		base = 1024;
	else if (!strcasecmp(unit + 1, "b"))
		base = 1000;
	else
		return 0;
	uint64_t scale = 1;
	while (power--)
		scale *= base;
	return scale;
}

enum memory_error parse_memory(const char *value, const char *unit,
			       uint64_t *bytes)
{
	uint64_t scale = unit ? unit_scale(unit) : 1024;
	if (!scale)
		return MEMORY_BAD_UNIT;
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
