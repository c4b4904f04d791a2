#include "domcaps.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "number.h"
#include "xml.h"

static bool child_number(const xmlNode *n, unsigned *out, struct diag *d)
{
	char *text = xml_text(n, d);
	uint64_t v = 0;
	bool ok = text && parse_decimal(text, &v) && v <= 0xffffffffu;
	if (text && !ok)
		diag_error(d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "'%s' is not a decimal number", text);
	free(text);
	if (ok)
		*out = (unsigned)v;
	return ok;
}

bool domcaps_read(const char *path, struct domcaps *caps, struct diag *outer)
{
	/* Its own diag: messages name the domcaps file, not the domain. */
	struct diag d;
	diag_init(&d, path, outer->stream, outer->verbosity);
	size_t len;
	char *buf = xml_slurp(path, &len, &d);
	xmlDocPtr doc = buf ? xml_parse(buf, len, &d) : NULL;
	free(buf);
	memset(caps, 0, sizeof(*caps));
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	const xmlNode *sev = NULL;
	if (root && !xml_is(root, "domainCapabilities")) {
		diag_error(&d, EXIT_DATAERR, xml_line(root), XML_TAG(root),
			   "is not domain capabilities; expected <domainCapabilities> (virsh domcapabilities)");
	} else if (root) {
		for (xmlNode *f = xml_first_element(root); f && !sev; f = xml_next_element(f))
			if (xml_is(f, "features"))
				for (xmlNode *s = xml_first_element(f); s; s = xml_next_element(s))
					if (xml_is(s, "sev"))
						sev = s;
		if (!sev)
			diag_error(&d, EXIT_DATAERR, xml_line(root), XML_TAG(root),
				   "has no <features><sev>; expected virsh domcapabilities output from libvirt 4.5 or later");
	}
	if (sev && !diag_failed(&d)) {
		const char *supported = xml_attr(sev, "supported");
		caps->sev_supported = supported && strcmp(supported, "yes") == 0;
		for (xmlNode *c = xml_first_element(sev); c && !diag_failed(&d);
		     c = xml_next_element(c)) {
			if (xml_is(c, "cbitpos"))
				caps->has_cbitpos = child_number(c, &caps->cbitpos, &d);
			else if (xml_is(c, "reducedPhysBits"))
				caps->has_reduced_phys_bits = child_number(c, &caps->reduced_phys_bits, &d);
			else if (xml_is(c, "maxESGuests"))
				caps->has_max_es_guests = child_number(c, &caps->max_es_guests, &d);
		}
		if (caps->has_cbitpos && (caps->cbitpos < 32 || caps->cbitpos > 63))
			diag_error(&d, EXIT_DATAERR, xml_line(sev), "<cbitpos>",
				   "%u is out of range; expected 32 to 63", caps->cbitpos);
	}
	xmlFreeDoc(doc);
	bool ok = !diag_failed(&d);
	if (!ok) {
		/* Carry the status; the message was printed by our own diag. */
		outer->status = d.status;
		outer->error = d.error;
		d.error = NULL;
	}
	diag_release(&d);
	return ok;
}
