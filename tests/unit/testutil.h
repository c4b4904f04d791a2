/*
 * Helpers the unit tests share: a deterministic PRNG, a reference base64
 * encoder (independent of libb64), and small file-system helpers.
 */
#ifndef SEVQEMU_UNIT_TESTUTIL_H
#define SEVQEMU_UNIT_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* splitmix64: the same sequence on every run and every machine. */
uint64_t tu_rand(uint64_t *state);

/* N "random-looking" bytes from SEED. */
void tu_fill(unsigned char *buf, size_t n, uint64_t seed);

/* RFC 4648 base64 of BUF (new string); WRAP > 0 puts a newline after
 * every WRAP characters (and at the end), as wrapped files have. */
char *tu_base64(const unsigned char *buf, size_t n, size_t wrap);

/* Base64 of N bytes made from SEED, wrapped at WRAP (0: not wrapped). */
char *tu_blob(size_t n, uint64_t seed, size_t wrap);

/* Whether S[0..LEN) is UTF-8 as RFC 3629 defines it (no overlongs, no
 * surrogates, nothing above U+10FFFF); written apart from emit/output.c. */
bool tu_utf8_ok(const unsigned char *s, size_t len);

/* A fresh directory /tmp/sevqemu-unit-XXXXXX (new string). */
char *tu_mkdtemp(void);

/* rm -rf PATH, never following symbolic links. */
void tu_rmtree(const char *path);

/* The whole file at PATH (NUL-terminated, *len bytes), or NULL. */
char *tu_read(const char *path, size_t *len);

/* Creates or truncates PATH with TEXT; false on failure. */
bool tu_write(const char *path, const char *text, size_t len);

/* How many entries of DIR have names starting with '.' (not . and ..);
 * -1 if DIR cannot be read. */
int tu_count_hidden(const char *dir);

/* How many entries DIR holds (not . and ..); -1 if it cannot be read. */
int tu_count_entries(const char *dir);

/* Runs SCRIPT with /bin/sh -c; its stdout into *out (*len bytes, malloc'ed).
 * Returns sh's exit status. */
int tu_run_sh(const char *script, char **out, size_t *len);

/* cmocka check: the NUL-separated OUT (LEN bytes) is exactly WORDS[0..N);
 * WHAT names the source in the failure message. */
void tu_expect_nul_words(const char *out, size_t len, char **words, size_t n,
			 const char *what);

/* A word of 0 to 40 bytes (a UTF-8 piece may run a few over) from shell
 * metacharacters, white space, UTF-8, stray high bytes and any byte from
 * 0x01 to 0x7f; new string. */
char *tu_random_word(uint64_t *rng);

/* cmocka checks: PATH holds exactly WANT; PATH (not followed) is of TYPE
 * (S_IFREG, S_IFDIR) with permission bits MODE; DIR has no dot entries. */
void tu_expect_content(const char *path, const char *want);
void tu_expect_mode(const char *path, mode_t type, unsigned mode);
void tu_expect_no_hidden(const char *dir);

#endif
