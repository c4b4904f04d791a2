#include "lib/diag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

void diag_init(struct diag *d, const char *file, FILE *stream,
	       enum verbosity verbosity)
{
	memset(d, 0, sizeof(*d));
	d->file = file;
	d->stream = stream;
	d->verbosity = verbosity;
}

void diag_release(struct diag *d)
{
	free(d->error);
	for (size_t i = 0; i < d->nwarnings; i++)
		free(d->warnings[i]);
	free(d->warnings);
	d->error = NULL;
	d->warnings = NULL;
	d->nwarnings = 0;
}

/*
 * Writes S with its control characters escaped, so that a name or a path
 * from the XML (or libxml2's own text) can neither start a second line that
 * looks like sevqemu's nor drive the terminal: \n, \r, \t, \xHH for the
 * other C0 bytes and DEL, \uHHHH for the C1 controls in UTF-8.  Other bytes,
 * the rest of UTF-8 included, pass as they are.
 */
void diag_put_escaped(FILE *stream, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(stream, "\\u%04x", *++p); /* a C1 control */
		else if (*p >= 0x20 && *p != 0x7f)
			putc(*p, stream);
		else if (*p == '\n')
			fputs("\\n", stream);
		else if (*p == '\r')
			fputs("\\r", stream);
		else if (*p == '\t')
			fputs("\\t", stream);
		else
			fprintf(stream, "\\x%02x", *p);
	}
}

void diag_line(FILE *stream, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	fputs("sevqemu: ", stream);
	diag_put_escaped(stream, text);
	putc('\n', stream);
	free(text);
}

enum kind { KIND_ERROR, KIND_WARNING, KIND_NOTE, KIND_REFUSAL };

/* Formats "FILE:LINE: <element>: " or "PATH: " then the text. */
static char *format(const char *where, unsigned line, const char *element,
		    enum kind kind, const char *fmt, va_list ap)
{
	char *text = xvasprintf(fmt, ap);
	char linebuf[24] = "";
	if (line)
		snprintf(linebuf, sizeof(linebuf), ":%u", line);
	const char *label = kind == KIND_WARNING ? "warning: "
			    : kind == KIND_NOTE  ? "note: " : "";
	char *out = xasprintf("%s%s%s%s%s%s%s", where ? where : "", linebuf,
			      where ? ": " : "", element ? element : "",
			      element ? ": " : "", label, text);
	free(text);
	return out;
}

static void emit(struct diag *d, enum kind kind, const char *where,
		 unsigned line, const char *element, const char *fmt,
		 va_list ap)
{
	if ((kind == KIND_ERROR || kind == KIND_REFUSAL) && d->status)
		return; /* only the first error counts; the rest follow from it */
	if (kind == KIND_NOTE && d->verbosity < VERB_VERBOSE)
		return;
	if (kind == KIND_REFUSAL && d->nrefusals++ >= DIAG_REFUSAL_CAP)
		return; /* counted; diag_settle() says how many more */
	char *msg = format(where, line, element, kind, fmt, ap);
	/* Errors are never silenced; -q only hides warnings and notes. */
	bool loud = kind == KIND_ERROR || kind == KIND_REFUSAL;
	if (d->stream && (loud || d->verbosity > VERB_QUIET))
		diag_line(d->stream, "%s", msg);
	if (kind == KIND_REFUSAL && d->error) {
		free(msg);
	} else if (loud) {
		free(d->error); /* an error after refusals: the error's text */
		d->error = msg;
	} else if (kind == KIND_WARNING) {
		d->warnings = xreallocarray(d->warnings, d->nwarnings + 1,
					    sizeof(*d->warnings));
		d->warnings[d->nwarnings++] = msg;
	} else {
		free(msg);
	}
}

/* The first error's status; but an invalid value found after refusals may
 * only follow from what was refused (a <memory> the refused <numa> would
 * give): the guest is untranslatable either way, 69. */
static void set_status(struct diag *d, int status)
{
	if (d->status)
		return;
	d->status = d->nrefusals && status == EXIT_DATAERR ? EXIT_UNAVAILABLE : status;
}

void diag_error(struct diag *d, int status, unsigned line, const char *element,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, KIND_ERROR, d->file, line, element, fmt, ap);
	va_end(ap);
	set_status(d, status);
}

void diag_error_from(struct diag *d, int status, const char *path,
		     unsigned line, const char *element, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (path)
		emit(d, KIND_ERROR, path, 0, NULL, fmt, ap);
	else
		emit(d, KIND_ERROR, d->file, line, element, fmt, ap);
	va_end(ap);
	set_status(d, status);
}

void diag_refuse(struct diag *d, unsigned line, const char *element,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, KIND_REFUSAL, d->file, line, element, fmt, ap);
	va_end(ap);
}

void diag_settle(struct diag *d)
{
	if (!d->nrefusals || d->status)
		return;
	if (d->nrefusals > DIAG_REFUSAL_CAP && d->stream)
		fprintf(d->stream, "sevqemu: %s: … and %zu more refusals\n",
			d->file ? d->file : "", d->nrefusals - DIAG_REFUSAL_CAP);
	d->status = EXIT_UNAVAILABLE;
}

void diag_warn(struct diag *d, unsigned line, const char *element,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, KIND_WARNING, d->file, line, element, fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, unsigned line, const char *element,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, KIND_NOTE, d->file, line, element, fmt, ap);
	va_end(ap);
}

void diag_path_error(struct diag *d, int status, const char *path,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, KIND_ERROR, path, 0, NULL, fmt, ap);
	va_end(ap);
	set_status(d, status);
}

void diag_path_warn(struct diag *d, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, KIND_WARNING, path, 0, NULL, fmt, ap);
	va_end(ap);
}

void diag_path_note(struct diag *d, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, KIND_NOTE, path, 0, NULL, fmt, ap);
	va_end(ap);
}
