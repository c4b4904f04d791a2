/*
 * output: the plan on standard output, in the four forms of DESIGN §4.
 * shell: one POSIX-shell-quoted line, so that eval "set -- $(sevqemu ...)"
 *        gives back the exact argv;
 * args:  one argument per line (an argument holding a newline is refused);
 * nul:   each argument followed by a NUL byte, for xargs -0;
 * json:  {"argv":[...],"env":{...},"files":[{"path":...,"bytes":N}],
 *         "warnings":[...]}; strings must be valid UTF-8 to be carried.
 * With <qemu:env>, shell/args/nul put "env NAME=VALUE ..." in front.
 * A file's content never appears, only its path and size.
 */
#ifndef SEVQEMU_OUTPUT_H
#define SEVQEMU_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"
#include "emit/plan.h"

enum output_format { OUTPUT_SHELL, OUTPUT_ARGS, OUTPUT_NUL, OUTPUT_JSON };

/* Parses a --format name; false if unknown. */
bool output_format_parse(const char *name, enum output_format *out);

/* Whether the plan can be printed in FORMAT; reports 65 if not. */
bool output_check(const struct plan *plan, enum output_format format,
		  struct diag *d);

/* Prints the plan; the diag's warnings go into JSON. */
void output_write(FILE *out, const struct plan *plan,
		  enum output_format format, const struct diag *d);

/* S quoted for a POSIX shell (new string). */
char *shell_quote(const char *s);

#endif
