/*
 * facts: what the acting side learns about the host before planning and
 * hands to plan_build(), so that emit/ never asks the host itself.
 */
#ifndef SEVQEMU_FACTS_H
#define SEVQEMU_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "parse/domain.h"

/* The <sev> feature of libvirt's domain capabilities (--domcaps). */
struct domcaps {
	bool sev_supported;
	bool has_cbitpos, has_reduced_phys_bits, has_max_es_guests;
	unsigned cbitpos, reduced_phys_bits, max_es_guests;
};

/*
 * The state dir, chosen before planning: a path, or why there is none.
 * The reason is reported only if the plan puts something there: a guest
 * that needs no state dir needs no usable name for one.
 */
struct state_dir_choice {
	char *path;              /* NULL: unusable, for the reason below */
	bool defaulted;          /* not from --state-dir */
	int status;              /* the reason: exit status, */
	unsigned line;           /* the XML line and element it is about */
	const char *element;     /* (NULL: about the command line or env), */
	char *problem;           /* and the sentence */
};

/* A --secret KEY=FILE: the value of the libvirt secret whose uuid or usage
 * name is KEY, read from FILE (one trailing newline dropped). */
struct secret_value {
	char *key;               /* canonical lower-case UUID, or a usage name */
	const char *path;        /* FILE, for messages */
	char *value;             /* wiped and freed by host_facts_release() */
	size_t len;
};

struct host_facts {
	char *emulator;          /* argv[0], resolved (or named bare) */
	struct state_dir_choice state_dir;
	bool have_domcaps;       /* --domcaps was given */
	struct domcaps domcaps;
	bool cpuid_sev;          /* CPUID 0x8000001F reports SEV */
	unsigned cpuid_cbitpos;  /* its EBX[5:0] */
	/* Helper programs, looked up only when the guest needs them; NULL:
	 * not installed (act/helpers.c refuses to start them, 69). */
	char *swtpm, *swtpm_setup, *virtiofsd, *dbus_daemon, *pr_helper;
	char *vhost_user_gpu;
	char **network_bridges;  /* per interface: the bridge of a
				  * type='network' one, else NULL */
	size_t nnetwork_bridges;
	unsigned spice_port;     /* SPICE autoport: the first free TCP port
				  * from 5900, as libvirt's allocator; 0: none */
	/* <smbios mode='host'>: this host's SMBIOS type 0 and 1 fields, in
	 * struct sysinfo's places (read only for such a guest). */
	bool have_smbios;
	char *smbios[SMBIOS_SYSTEM + 1][SMBIOS_FIELDS];
	struct secret_value *secrets; /* from --secret, in order given */
	size_t nsecrets;
	char **scsi_generic;     /* per hostdev: the /dev/sgN of a type='scsi'
				  * one by its host address, else NULL */
	size_t nscsi_generic;
};

#endif
