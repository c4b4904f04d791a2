/*
 * plan: what a run will do, decided in full before anything is done.
 *
 * plan_build() turns a validated struct domain into the QEMU argv, the
 * environment QEMU gets, and the files to write (SEV blobs, an nvram made
 * from its template).  What it must know of the host (the emulator, the
 * state dir, CPUID, --domcaps) the acting side gathers first and passes in
 * as struct host_facts; the planner itself only looks at firmware
 * descriptors and at an existing nvram, and writes nothing: act/ does that,
 * only once the plan has been built without error.
 */
#ifndef SEVQEMU_PLAN_H
#define SEVQEMU_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "parse/domain.h"
#include "emit/argv.h"
#include "emit/facts.h"

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

/* A QEMU type the command line uses, recorded by its builder, so that
 * --probe asks the emulator about exactly these. */
struct plan_type {
	const char *option;      /* "machine", "cpu", "object" or "device" */
	char *name;
};

/*
 * A process that runs beside QEMU (swtpm, virtiofsd): emit/ describes it,
 * act/helpers.c starts it once every file is in place, waits until its
 * socket listens, and arranges that it ends with QEMU.
 */
struct plan_helper {
	const char *name;        /* "swtpm", "virtiofsd" */
	const char *package;     /* the Debian package that has the program */
	const char *element;     /* "<tpm>", "<filesystem>" */
	unsigned line;
	struct argv argv;        /* argv[0]: the program, resolved if found */
	struct argv setup;       /* run first when SETUP_DONE is missing
				  * (swtpm_setup); empty: none */
	struct argv reconfigure; /* run instead when the state exists (swtpm_setup
				  * --reconfigure: the PCR banks, as libvirt does
				  * before every start); empty: none */
	const char *setup_package;
	char *setup_done;        /* the file that says the state exists */
	char *state;             /* a directory made 0700 before the setup */
	char *socket;            /* where it listens; QEMU connects there */
	char *pid_file;
	bool writes_pid_file;    /* the helper writes it (swtpm --pid) */
	bool ends_with_clients;  /* never ends by itself (dbus-daemon): the
				  * supervisor stops it once its last client,
				  * QEMU among them, has gone */
	char *log;               /* its standard error (and swtpm's --log) */
};

struct plan {
	struct argv argv;        /* argv[0] is the emulator */
	struct argv env;         /* NAME=VALUE set for QEMU (<qemu:env>) */
	struct plan_file *files;
	size_t nfiles, files_alloc;
	char *state_dir;
	bool state_dir_used;     /* something on the command line lives there */
	struct plan_type *types; /* in command-line order, each once */
	size_t ntypes, types_alloc;
	const char *launch_object; /* "sev-guest", "sev-snp-guest" or NULL */
	struct plan_helper *helpers; /* in the order they start */
	size_t nhelpers, helpers_alloc;
};

struct plan_options {
	bool cgs;                /* confidential-guest-support= instead of memory-encryption= */
	const char *qmp;         /* --qmp PATH, or NULL */
	bool paused;             /* --paused */
};

#define PLAN_INIT { .argv = ARGV_INIT, .env = ARGV_INIT }

bool plan_build(const struct domain *dom, const struct plan_options *opts,
		const struct host_facts *host, struct plan *plan,
		struct diag *d);

/* Guest RAM in MiB, as QEMU sizes it (rounded up): what SEV pins. */
uint64_t guest_ram_mib(const struct domain *dom);
void plan_free(struct plan *plan);

#endif
