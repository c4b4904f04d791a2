/*
 * Allocation that never returns NULL: sevqemu is a short-lived command, so
 * running out of memory ends it (status 71) with one message, rather than
 * threading an "out of memory" path through every caller.
 */
#ifndef SEVQEMU_XALLOC_H
#define SEVQEMU_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Grows *items (of *alloc slots) so that one more fits after n. */
#define XGROW(items, n, alloc)                                              \
	do {                                                                \
		if ((n) >= (alloc)) {                                       \
			(alloc) = (alloc) ? 2 * (alloc) : 8;                \
			(items) = xreallocarray((items), (alloc),           \
						sizeof(*(items)));          \
		}                                                           \
	} while (0)

#endif
