/*
 * parse: domain XML in, struct domain out.  Knows XML and libvirt's
 * meaning of it, and nothing of QEMU.
 */
#ifndef SEVQEMU_PARSE_H
#define SEVQEMU_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "parse/domain.h"

struct parse_options {
	bool ignore_unsupported; /* drop untranslatable elements, warning each */
	bool trust_xml;          /* --trust-xml: <qemu:commandline> is allowed */
};

/*
 * Parses the document in BUF (LEN bytes) into *dom, which the caller zeroes
 * first and releases with domain_free() whatever the outcome.  Returns false
 * after reporting the first error through D.
 */
bool parse_domain(const char *buf, size_t len, const struct parse_options *opts,
		  struct domain *dom, struct diag *d);

/*
 * Replaces the SEV dh-cert or session blob with the base64 file at PATH
 * (sevctl's vm_godh.b64 / vm_session.b64), checked like the XML's.
 * WHICH is "dh-cert" or "session".
 */
bool parse_blob_file(struct domain *dom, const char *which, const char *path,
		     struct diag *d);

/*
 * libvirt's startupPolicy='optional' for disk I, whose image is missing at
 * start: a cdrom or floppy is left empty, a disk is dropped (the disks
 * after it move up one).
 */
void domain_drop_disk(struct domain *dom, size_t i);

/* Releases everything the parser put in DOM (each family's part). */
void domain_free(struct domain *dom);

#endif
