#include "emit/argv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

char *argv_empty[] = { NULL };

void argv_push_owned(struct argv *a, char *arg)
{
	if (a->n + 1 >= a->alloc) {
		size_t alloc = a->alloc ? 2 * a->alloc : 64;
		char **v = a->alloc ? a->v : NULL;
		a->v = xreallocarray(v, alloc, sizeof(*a->v));
		a->alloc = alloc;
	}
	a->v[a->n++] = arg;
	a->v[a->n] = NULL;
}

void argv_push(struct argv *a, const char *arg)
{
	argv_push_owned(a, xstrdup(arg));
}

void argv_pushf(struct argv *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	argv_push_owned(a, xvasprintf(fmt, ap));
	va_end(ap);
}

void argv_pair(struct argv *a, const char *option, const char *arg)
{
	argv_push(a, option);
	argv_push(a, arg);
}

void argv_clear(struct argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	if (a->alloc)
		free(a->v);
	a->v = argv_empty;
	a->n = 0;
	a->alloc = 0;
}

static void reserve(struct keyval *kv, size_t more)
{
	if (kv->len + more + 1 <= kv->alloc)
		return;
	size_t alloc = kv->alloc ? kv->alloc : 256;
	while (alloc < kv->len + more + 1)
		alloc *= 2;
	kv->buf = xreallocarray(kv->buf, alloc, 1);
	kv->alloc = alloc;
}

static void append(struct keyval *kv, const char *s, size_t n)
{
	reserve(kv, n);
	memcpy(kv->buf + kv->len, s, n);
	kv->len += n;
	kv->buf[kv->len] = '\0';
}

void kv_escape(struct keyval *kv, const char *value)
{
	for (const char *comma; (comma = strchr(value, ',')); value = comma + 1) {
		append(kv, value, (size_t)(comma - value) + 1);
		append(kv, ",", 1);
	}
	append(kv, value, strlen(value));
}

void kv_begin(struct keyval *kv, const char *head)
{
	kv->buf = NULL;
	kv->len = 0;
	kv->alloc = 0;
	reserve(kv, 0);
	kv->buf[0] = '\0';
	if (head)
		kv_escape(kv, head);
	kv->head_len = kv->len;
}

char *kv_head(const struct keyval *kv)
{
	if (!kv->head_len)
		return NULL;
	char *head = xmalloc(kv->head_len + 1), *out = head;
	for (size_t i = 0; i < kv->head_len; i++) {
		*out++ = kv->buf[i];
		if (kv->buf[i] == ',')
			i++; /* ",," stands for one comma */
	}
	*out = '\0';
	return head;
}

void kv_str(struct keyval *kv, const char *key, const char *value)
{
	if (kv->len)
		append(kv, ",", 1);
	append(kv, key, strlen(key));
	append(kv, "=", 1);
	kv_escape(kv, value);
}

void kv_u64(struct keyval *kv, const char *key, uint64_t value)
{
	/* By hand: thousands of disks make snprintf show in profiles. */
	char num[24];
	char *p = num + sizeof(num) - 1;
	*p = '\0';
	do {
		*--p = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	kv_str(kv, key, p);
}

void kv_hex(struct keyval *kv, const char *key, uint64_t value)
{
	char num[24];
	snprintf(num, sizeof(num), "0x%llx", (unsigned long long)value);
	kv_str(kv, key, num);
}

void kv_bool(struct keyval *kv, const char *key, bool on)
{
	kv_str(kv, key, on ? "on" : "off");
}

void kv_push(struct keyval *kv, struct argv *a, const char *option)
{
	argv_push(a, option);
	argv_push_owned(a, kv->buf);
	kv->buf = NULL;
	kv->len = kv->alloc = 0;
}

void kv_discard(struct keyval *kv)
{
	free(kv->buf);
	kv->buf = NULL;
	kv->len = kv->alloc = 0;
}
