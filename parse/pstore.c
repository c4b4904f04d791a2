/*
 * <pstore backend='acpi-erst'>: the guest's ACPI error record store (where
 * Linux's pstore keeps panic logs) on a host file, as libvirt gives it to
 * QEMU.  QEMU writes that file; act/trust.c says where it may be.
 */
#include <stdlib.h>

#include "lib/number.h"
#include "parse/parser.h"

/* QEMU's acpi-erst records are 8 KiB; its store holds whole records. */
#define ERST_RECORD 8192u

static void pstore_size(struct parser *p, const xmlNode *c, struct pstore *ps)
{
	static const char *const known[] = { "unit", NULL };
	char *text = known_attrs(p, c, known) ? xml_text(c, p->d) : NULL;
	if (!text)
		return;
	const char *unit = xml_attr(c, "unit");
	uint64_t bytes = 0;
	if (parse_memory(text, unit, &bytes) != MEMORY_OK || !bytes ||
	    bytes % ERST_RECORD || bytes > (1ull << 32))
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "'%s' is not a record store size; expected a multiple of 8 KiB (QEMU's record) up to 4 GiB, in %s",
			   text, unit ? unit : "KiB");
	ps->size_bytes = bytes;
	free(text);
}

void parse_pstore(struct parser *p, const xmlNode *n)
{
	struct pstore *ps = &p->dom->misc.pstore;
	static const char *const known[] = { "backend", NULL };
	static const char *const backends[] = { "acpi-erst", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "backend") ||
	    attr_choice(p, n, "backend", backends) < 0)
		return;
	if (ps->line) {
		duplicate(p, n);
		return;
	}
	ps->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "path"))
			text_once(p, c, &ps->path);
		else if (xml_is(c, "size"))
			pstore_size(p, c, ps);
		else if (!device_common_child(p, c, NULL))
			unexpected(p, c, n, "<path>, <size> or <address>");
	}
	if (!diag_failed(p->d) && (!ps->path || !ps->size_bytes))
		diag_error(p->d, EXIT_DATAERR, ps->line, XML_TAG(n),
			   "needs <path> and <size>; expected the host file and its size");
}

/* The store is outside the encrypted memory: say so to an SEV guest. */
void check_pstore(struct parser *p)
{
	const struct pstore *ps = &p->dom->misc.pstore;
	if (ps->line && p->dom->launch.type != LAUNCH_NONE)
		diag_warn(p->d, ps->line, "<pstore>",
			  "the records an encrypted guest stores here (its panic logs) reach the host file %s in the clear",
			  ps->path);
}
