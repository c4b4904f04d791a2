#include "act/output.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

bool output_format_parse(const char *name, enum output_format *out)
{
	static const char *const names[] = { "shell", "args", "nul", "json" };
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum output_format)i;
			return true;
		}
	}
	return false;
}

/* Characters that never need quoting in a POSIX shell word. */
static const char shell_safe[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";

/* FIRST: the command word, where NAME=... would read as an assignment. */
static bool needs_quotes(const char *s, bool first)
{
	return !*s || s[strspn(s, shell_safe)] != '\0' ||
	       (first && strchr(s, '='));
}

/* Writes S as one shell word: inside single quotes every byte is literal
 * but the quote itself, written '\'' (close, escaped quote, reopen). */
static void shell_write(FILE *out, const char *s, bool first)
{
	if (!needs_quotes(s, first)) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (const char *q; (q = strchr(s, '\'')); s = q + 1) {
		fwrite(s, 1, (size_t)(q - s), out);
		fputs("'\\''", out);
	}
	fputs(s, out);
	fputc('\'', out);
}

char *shell_quote(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return xstrdup(s); /* cannot happen short of memory */
	shell_write(mem, s, false);
	fclose(mem);
	return buf;
}

/* Length of the valid UTF-8 sequence at S, or 0 (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static bool valid_utf8(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

bool output_check(const struct plan *plan, enum output_format format,
		  struct diag *d)
{
	const struct argv *lists[] = { &plan->env, &plan->argv };
	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *arg = lists[l]->v[i];
			if (format == OUTPUT_ARGS && strchr(arg, '\n')) {
				/* Shown with \n escaped, so the message stays one line. */
				char shown[160];
				size_t o = 0;
				const char *c = arg;
				for (; *c && o + 3 < sizeof(shown); c++) {
					if (*c == '\n') {
						shown[o++] = '\\';
						shown[o++] = 'n';
					} else {
						shown[o++] = *c;
					}
				}
				shown[o] = '\0';
				diag_path_error(d, EXIT_DATAERR, NULL,
						"argument %zu '%s%s' holds a newline, which --format=args cannot show; use --format=nul, json or shell",
						i, shown, *c ? "..." : "");
				return false;
			}
			if (format == OUTPUT_JSON && !valid_utf8(arg)) {
				diag_path_error(d, EXIT_DATAERR, NULL,
						"argument %zu is not valid UTF-8, which JSON cannot carry (sevqemu refuses rather than alter it); use --format=nul or shell",
						i);
				return false;
			}
		}
	}
	for (size_t h = 0; format == OUTPUT_JSON && h < plan->nhelpers; h++) {
		const struct argv *a = &plan->helpers[h].argv;
		for (size_t i = 0; i < a->n; i++) {
			if (!valid_utf8(a->v[i])) {
				diag_path_error(d, EXIT_DATAERR, NULL,
						"%s's argument %zu is not valid UTF-8, which JSON cannot carry; use --format=nul or shell",
						plan->helpers[h].name, i);
				return false;
			}
		}
	}
	for (size_t i = 0; format == OUTPUT_JSON && i < d->nwarnings; i++) {
		if (!valid_utf8(d->warnings[i])) {
			diag_path_error(d, EXIT_DATAERR, NULL,
					"a warning names a path that is not valid UTF-8, which JSON cannot carry; use --format=nul or shell");
			return false;
		}
	}
	return true;
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void json_write(FILE *out, const struct plan *plan,
		       const struct diag *d)
{
	fputs("{\"argv\":[", out);
	for (size_t i = 0; i < plan->argv.n; i++) {
		if (i)
			fputc(',', out);
		json_string(out, plan->argv.v[i]);
	}
	fputs("],\"env\":{", out);
	for (size_t i = 0; i < plan->env.n; i++) {
		const char *kv = plan->env.v[i];
		const char *eq = strchr(kv, '=');
		char *name = xstrndup(kv, eq ? (size_t)(eq - kv) : strlen(kv));
		if (i)
			fputc(',', out);
		json_string(out, name);
		fputc(':', out);
		json_string(out, eq ? eq + 1 : "");
		free(name);
	}
	fputs("},\"files\":[", out);
	for (size_t i = 0; i < plan->nfiles; i++) {
		fputs(i ? ",{\"path\":" : "{\"path\":", out);
		json_string(out, plan->files[i].path);
		fprintf(out, ",\"bytes\":%zu}", plan->files[i].size);
	}
	fputs("],\"helpers\":[", out);
	for (size_t i = 0; i < plan->nhelpers; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		json_string(out, plan->helpers[i].name);
		fputs(",\"argv\":[", out);
		for (size_t j = 0; j < plan->helpers[i].argv.n; j++) {
			if (j)
				fputc(',', out);
			json_string(out, plan->helpers[i].argv.v[j]);
		}
		fputs("]}", out);
	}
	fputs("],\"warnings\":[", out);
	for (size_t i = 0; d && i < d->nwarnings; i++) {
		if (i)
			fputc(',', out);
		json_string(out, d->warnings[i]);
	}
	fputs("]}\n", out);
}

/* One word of the shell, args or nul forms, with what ends it. */
static void write_word(FILE *out, enum output_format format, const char *word,
		       bool first)
{
	switch (format) {
	case OUTPUT_SHELL:
		if (!first)
			fputc(' ', out);
		shell_write(out, word, first);
		break;
	case OUTPUT_ARGS:
		fputs(word, out);
		fputc('\n', out);
		break;
	case OUTPUT_NUL:
		fputs(word, out);
		fputc('\0', out);
		break;
	case OUTPUT_JSON:
		break;
	}
}

void output_write(FILE *out, const struct plan *plan,
		  enum output_format format, const struct diag *d)
{
	if (format == OUTPUT_JSON) {
		json_write(out, plan, d);
		return;
	}
	/* env NAME=VALUE ... in front, when QEMU gets variables of its own. */
	bool first = true;
	if (plan->env.n) {
		write_word(out, format, "env", true);
		for (size_t i = 0; i < plan->env.n; i++)
			write_word(out, format, plan->env.v[i], false);
		first = false;
	}
	for (size_t i = 0; i < plan->argv.n; i++, first = false)
		write_word(out, format, plan->argv.v[i], first);
	if (format == OUTPUT_SHELL)
		fputc('\n', out);
}
