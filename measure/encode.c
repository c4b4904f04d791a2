#include "measure/encode.h"

#include <stdlib.h>
#include <string.h>

#include <nettle/base64.h>

#include "lib/number.h"
#include "lib/xalloc.h"

void hex_format(const uint8_t *buf, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[buf[i] >> 4];
		out[2 * i + 1] = digits[buf[i] & 0xf];
	}
	out[2 * n] = '\0';
}

bool hex_parse(const char *text, uint8_t *out, size_t n)
{
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	if (strlen(text) != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

char *b64_encode(const uint8_t *buf, size_t n)
{
	char *out = xmalloc(BASE64_ENCODE_RAW_LENGTH(n) + 1);
	base64_encode_raw(out, n, buf);
	out[BASE64_ENCODE_RAW_LENGTH(n)] = '\0';
	return out;
}

uint8_t *b64_decode(const char *text, size_t *n)
{
	size_t len = strlen(text);
	/* nettle skips white space; the alphabet and the padding it checks. */
	if (len % 4 || strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != len)
		return NULL;
	struct base64_decode_ctx ctx;
	uint8_t *out = xmalloc(BASE64_DECODE_LENGTH(len) + 1);
	size_t got = BASE64_DECODE_LENGTH(len) + 1;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &got, out, len, text) ||
	    !base64_decode_final(&ctx)) {
		free(out);
		return NULL;
	}
	*n = got;
	return out;
}

bool b64_decode_exact(const char *text, uint8_t *out, size_t n)
{
	size_t got = 0;
	uint8_t *buf = b64_decode(text, &got);
	bool ok = buf && got == n;
	if (ok)
		memcpy(out, buf, n);
	free(buf);
	return ok;
}
