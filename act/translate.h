/*
 * translate: read -> parse -> gather the host's facts -> plan.  The one
 * entry point that sevqemu.c, the fuzz harness and the unit tests call;
 * it writes nothing and runs nothing.
 */
#ifndef SEVQEMU_TRANSLATE_H
#define SEVQEMU_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "act/network.h"
#include "emit/plan.h"
#include "lib/diag.h"
#include "parse/domain.h"
#include "parse/parse.h"

struct translate_options {
	struct parse_options parse;
	struct plan_options plan;
	const char *dh_cert;       /* --dh-cert FILE, or NULL */
	const char *session;       /* --session FILE, or NULL */
	const char *domcaps;       /* --domcaps FILE, or NULL */
	const char *emulator;      /* --emulator PATH, or NULL */
	const char *state_dir;     /* --state-dir DIR, or NULL: the default */
	bool exec;                 /* --exec: the emulator must be there */
	const char *recorded_cpuid; /* "EAX:EBX" instead of this CPU's, or NULL */
	const char *recorded_cpuid_from; /* where it came from, for messages */
	const char *recorded_dmi;  /* a directory instead of /sys/class/dmi/id */
	const char *host_root;     /* a directory standing for "/" in host
				    * lookups (tests), or NULL */
	struct network_options network; /* --network-bridge, --network-dir */
	char **secrets;            /* --secret KEY=FILE, each as given */
	size_t nsecrets;
};

struct translation {
	char *xml;                 /* the document as read */
	size_t len;
	bool parsed;               /* dom is valid (the plan may still fail) */
	struct domain dom;
	struct host_facts host;
	struct plan plan;
};

#define TRANSLATION_INIT { .plan = PLAN_INIT }

/* INPUT is a path, or "-" for standard input. */
bool translate_file(const char *input, const struct translate_options *o,
		    struct translation *t, struct diag *d);
/* The document in XML[0..LEN), which T takes over (freed with T). */
bool translate_buffer(char *xml, size_t len, const struct translate_options *o,
		      struct translation *t, struct diag *d);
void translation_free(struct translation *t);

#endif
