/*
 * plan: what a run will do, decided in full before anything is done.
 *
 * plan_build() turns a validated struct domain into the QEMU argv, the
 * environment QEMU gets, and the files to write (SEV blobs, an nvram made
 * from its template).  It reads the host (the emulator's path, an existing
 * nvram, CPUID) but writes nothing: the act stage (files.c, sevqemu.c) does
 * that, only once the plan has been built without error.
 */
#ifndef SEVQEMU_PLAN_H
#define SEVQEMU_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "parse/domain.h"
#include "emit/argv.h"

struct plan_file {
	char *path;      /* as it appears on the command line */
	char *dir;       /* the directory it goes into */
	char *name;      /* its name inside dir */
	char *content;   /* what to write; NULL: copy from template */
	size_t size;     /* bytes written */
	char *template;  /* source of the copy (an nvram template) */
	bool secret;     /* its content is never shown */
	bool keep_existing; /* created only, never replaced (an nvram);
			     * always so for files outside the state dir */
	bool in_state_dir;
};

struct plan {
	struct argv argv;        /* argv[0] is the emulator */
	struct argv env;         /* NAME=VALUE set for QEMU (<qemu:env>) */
	struct plan_file *files;
	size_t nfiles, files_alloc;
	char *state_dir;
	bool state_dir_used;     /* something on the command line lives there */
};

struct host_facts;

struct plan_options {
	const char *emulator;    /* --emulator, or NULL */
	const char *state_dir;   /* --state-dir, or NULL for the default */
	bool cgs;                /* confidential-guest-support= instead of memory-encryption= */
	bool exec;               /* --exec: the emulator must be there */
	const char *qmp;         /* --qmp PATH, or NULL */
	bool paused;             /* --paused */
	const struct host_facts *host; /* CPUID and friends; NULL: ask this host */
};

#define PLAN_INIT { ARGV_INIT, ARGV_INIT, NULL, 0, 0, NULL, false }

bool plan_build(const struct domain *dom, const struct plan_options *opts,
		struct plan *plan, struct diag *d);
void plan_free(struct plan *plan);

#endif
