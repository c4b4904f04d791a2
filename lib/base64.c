#include "lib/base64.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <b64/cdecode.h>
#include <b64/cencode.h>

#include "lib/xalloc.h"

static bool in_alphabet(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

enum base64_error base64_check(const char *text, char **canonical,
			       size_t *bytes, size_t *where)
{
	size_t len = strlen(text);
	char *compact = xmalloc(len + 1);
	size_t n = 0, pad = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (is_space(c))
			continue;
		if (c == '=') {
			pad++;
		} else if (!in_alphabet(c)) {
			free(compact);
			*where = i;
			return BASE64_BAD_CHAR;
		} else if (pad) {
			free(compact);
			return BASE64_BAD_PADDING; /* data after '=' */
		}
		compact[n++] = (char)c;
	}
	compact[n] = '\0';
	enum base64_error err = BASE64_OK;
	if (n == 0)
		err = BASE64_EMPTY;
	else if (pad > 2)
		err = BASE64_BAD_PADDING;
	else if (n % 4)
		err = BASE64_BAD_LENGTH;
	if (err) {
		free(compact);
		return err;
	}

	/* libb64 takes an int length; inputs are capped far below INT_MAX. */
	char *plain = xmalloc(n / 4 * 3 + 3);
	base64_decodestate ds;
	base64_init_decodestate(&ds);
	int plain_len = base64_decode_block(compact, (int)n, plain, &ds);
	free(compact);

	/* libb64 wraps its output at 72 columns: room for those newlines. */
	size_t out_cap = (size_t)plain_len / 3 * 4 + 8;
	out_cap += out_cap / 72 + 2;
	char *encoded = xmalloc(out_cap);
	base64_encodestate es;
	base64_init_encodestate(&es);
	int m = base64_encode_block(plain, plain_len, encoded, &es);
	m += base64_encode_blockend(encoded + m, &es);
	free(plain);
	size_t o = 0;
	for (int i = 0; i < m; i++)
		if (encoded[i] != '\n')
			encoded[o++] = encoded[i];
	encoded[o] = '\0';

	*canonical = encoded;
	*bytes = (size_t)plain_len;
	return BASE64_OK;
}

const char *base64_strerror(enum base64_error e)
{
	switch (e) {
	case BASE64_OK: return "valid";
	case BASE64_EMPTY: return "it is empty";
	case BASE64_BAD_CHAR: return "it holds a character outside the base64 alphabet";
	case BASE64_BAD_PADDING: return "its '=' padding is misplaced";
	case BASE64_BAD_LENGTH: return "its length is not a multiple of four characters";
	}
	return "invalid";
}
