/*
 * encode: hex and base64 for digests, nonces and QMP's blobs (base64 from
 * nettle, RFC 4648 with padding, no line breaks).
 */
#ifndef SEVQEMU_MEASURE_ENCODE_H
#define SEVQEMU_MEASURE_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of BUF into OUT (2 * N + 1 bytes). */
void hex_format(const uint8_t *buf, size_t n, char *out);

/* Exactly 2 * N hex digits (either case, an optional 0x) into OUT. */
bool hex_parse(const char *text, uint8_t *out, size_t n);

/* Base64 of BUF, a new string. */
char *b64_encode(const uint8_t *buf, size_t n);

/* TEXT decoded into exactly N bytes at OUT; false for bad characters,
 * bad padding or another length. */
bool b64_decode_exact(const char *text, uint8_t *out, size_t n);

/* TEXT decoded into a new buffer (*N bytes), or NULL. */
uint8_t *b64_decode(const char *text, size_t *n);

#endif
