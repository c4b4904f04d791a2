/*
 * diag: every message sevqemu prints to stderr, and the exit status that
 * goes with the first error.
 *
 * Messages take the form  sevqemu: FILE:LINE: <element>: text  when they
 * are about the domain XML, and  sevqemu: PATH: text  (or sevqemu: text)
 * otherwise.  Only the first error is kept: after it, callers stop.
 * Warnings are printed as they happen (unless quiet) and kept, so that
 * --format=json can carry them too.
 */
#ifndef SEVQEMU_DIAG_H
#define SEVQEMU_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses, as in sysexits.h; named here so the call sites read. */
enum exit_status {
	EXIT_OK = 0,
	EXIT_USAGE = 64,       /* bad command line */
	EXIT_DATAERR = 65,     /* invalid domain XML: syntax or value */
	EXIT_NOINPUT = 66,     /* input missing or unreadable */
	EXIT_UNAVAILABLE = 69, /* valid, but sevqemu or the host cannot do it */
	EXIT_OSERR = 71,       /* exec failed, out of memory, stdout failed */
	EXIT_CANTCREAT = 73,   /* state dir or file cannot be created safely */
	EXIT_TEMPFAIL = 75,    /* the guest is already running (its lock is held) */
	EXIT_NOPERM = 77,      /* the XML asks for what only --trust-xml allows */
};

enum verbosity { VERB_QUIET = -1, VERB_NORMAL = 0, VERB_VERBOSE = 1 };

struct diag {
	const char *file;         /* input's display name, "<stdin>" for - */
	FILE *stream;             /* where messages go; NULL: nowhere */
	enum verbosity verbosity;
	int status;               /* first error's status; 0 while none */
	char *error;              /* first error's (or refusal's) text, owned */
	size_t nrefusals;         /* diag_refuse() calls so far */
	char **warnings;          /* full texts of the warnings, owned */
	size_t nwarnings;
};

void diag_init(struct diag *d, const char *file, FILE *stream,
	       enum verbosity verbosity);
void diag_release(struct diag *d);

/* About the XML: line 0 prints no line, a NULL element no "<element>: ". */
void diag_error(struct diag *d, int status, unsigned line, const char *element,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag_warn(struct diag *d, unsigned line, const char *element,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_note(struct diag *d, unsigned line, const char *element,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * A refusal: valid input sevqemu does not translate.  Unlike an error it
 * does not stop the work, so that one run lists every refusal: printed as
 * an error line (the first DIAG_REFUSAL_CAP of them), counted, and turned
 * into exit status 69 by diag_settle() when no error came.
 */
#define DIAG_REFUSAL_CAP 20
void diag_refuse(struct diag *d, unsigned line, const char *element,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* After the refusals: "… and N more" past the cap; status 69 unless an
 * error set another. */
void diag_settle(struct diag *d);

/*
 * Either of the above, for values that come from the XML or from a file
 * named on the command line: with PATH, "PATH: text"; without, as
 * diag_error().
 */
void diag_error_from(struct diag *d, int status, const char *path,
		     unsigned line, const char *element, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* About a path or the command line: "sevqemu: PATH: text" (PATH may be NULL). */
void diag_path_error(struct diag *d, int status, const char *path,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_path_warn(struct diag *d, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_path_note(struct diag *d, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * One line of sevqemu's own on STREAM: "sevqemu: " and the formatted text
 * with its control characters escaped (\n, \t, \xHH...).  Every message
 * goes through here, so that no byte from the XML or a path can make a line
 * that sevqemu did not write.
 */
void diag_line(FILE *stream, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_put_escaped(FILE *stream, const char *s);

static inline int diag_failed(const struct diag *d) { return d->status != 0; }

#endif
