/*
 * argv: the QEMU command line under construction.
 *
 * struct argv is a growable array of strings.  Invariant: v is always
 * NULL-terminated (v[n] == NULL, even when empty, once initialised with
 * ARGV_INIT) and owns every string in it; argv_clear() frees them all.
 * So v can be handed to execv() as it is.
 *
 * struct keyval builds one QEMU "key=value,key=value" option.  It is the one
 * place where values are written into options, and it doubles every comma
 * in a value: QEMU's keyval and QemuOpts parsers read ",," as a literal
 * comma, so a path like /vm/a,b stays one value.  Options that QEMU takes
 * raw (-kernel, -initrd, -append, -bios) go through argv_push() directly.
 */
#ifndef SEVQEMU_ARGV_H
#define SEVQEMU_ARGV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct argv {
	char **v;
	size_t n;
	size_t alloc;
};

extern char *argv_empty[];
#define ARGV_INIT { argv_empty, 0, 0 }

void argv_push(struct argv *a, const char *arg);
void argv_pushf(struct argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Takes ownership of ARG (malloc'ed). */
void argv_push_owned(struct argv *a, char *arg);
/* Pushes OPTION, then ARG raw: for options QEMU does not parse as keyval. */
void argv_pair(struct argv *a, const char *option, const char *arg);
void argv_clear(struct argv *a);

struct keyval {
	char *buf;
	size_t len;
	size_t alloc;
	size_t head_len;         /* bytes of the escaped HEAD at buf's start */
};

/*
 * Starts an option whose first, implied key (qom-type, driver, machine type)
 * has value HEAD; NULL starts with no implied key.  HEAD's commas are
 * doubled too.
 */
void kv_begin(struct keyval *kv, const char *head);
void kv_str(struct keyval *kv, const char *key, const char *value);
void kv_u64(struct keyval *kv, const char *key, uint64_t value);
void kv_hex(struct keyval *kv, const char *key, uint64_t value);
void kv_bool(struct keyval *kv, const char *key, bool on);
/* Ends the option: pushes OPTION and the built string onto A. */
void kv_push(struct keyval *kv, struct argv *a, const char *option);

/* The option's HEAD as given to kv_begin() (new string), or NULL. */
char *kv_head(const struct keyval *kv);

/* Abandons an option being built (after an error). */
void kv_discard(struct keyval *kv);

/* Appends VALUE to BUF with commas doubled (exposed for tests). */
void kv_escape(struct keyval *kv, const char *value);

#endif
