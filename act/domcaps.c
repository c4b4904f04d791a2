#include "act/domcaps.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "lib/number.h"
#include "parse/xml.h"

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

/* <domainCapabilities><features><sev>, or NULL. */
static const xmlNode *find_sev(const xmlNode *root)
{
	for (xmlNode *f = xml_first_element(root); f; f = xml_next_element(f)) {
		if (!xml_is(f, "features"))
			continue;
		for (xmlNode *s = xml_first_element(f); s; s = xml_next_element(s))
			if (xml_is(s, "sev"))
				return s;
	}
	return NULL;
}

static void read_sev(const xmlNode *sev, struct domcaps *caps, struct diag *d)
{
	const char *supported = xml_attr(sev, "supported");
	caps->sev_supported = supported && strcmp(supported, "yes") == 0;
	for (xmlNode *c = xml_first_element(sev); c && !diag_failed(d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "cbitpos")) {
			caps->has_cbitpos = child_number(c, &caps->cbitpos, d);
			if (caps->has_cbitpos && (caps->cbitpos < 32 || caps->cbitpos > 63))
				diag_error(d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
					   "%u is out of range; expected 32 to 63",
					   caps->cbitpos);
		} else if (xml_is(c, "reducedPhysBits")) {
			caps->has_reduced_phys_bits =
				child_number(c, &caps->reduced_phys_bits, d);
		} else if (xml_is(c, "maxESGuests")) {
			caps->has_max_es_guests =
				child_number(c, &caps->max_es_guests, d);
		}
	}
}

bool domcaps_read(const char *path, struct domcaps *caps, struct diag *d)
{
	/* While this document is read, messages name it, not the domain. */
	const char *domain_file = d->file;
	d->file = path;
	memset(caps, 0, sizeof(*caps));
	size_t len;
	char *buf = xml_slurp(path, &len, d);
	xmlDocPtr doc = buf ? xml_parse(buf, len, d) : NULL;
	free(buf);
	const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	const xmlNode *sev = NULL;
	if (!root) {
		/* reported by xml_slurp or xml_parse */
	} else if (!xml_is(root, "domainCapabilities")) {
		diag_error(d, EXIT_DATAERR, xml_line(root), XML_TAG(root),
			   "is not domain capabilities; expected <domainCapabilities> (virsh domcapabilities)");
	} else if (!(sev = find_sev(root))) {
		diag_error(d, EXIT_DATAERR, xml_line(root), XML_TAG(root),
			   "has no <features><sev>; expected virsh domcapabilities output from libvirt 4.5 or later");
	} else {
		read_sev(sev, caps, d);
	}
	xmlFreeDoc(doc);
	d->file = domain_file;
	return !diag_failed(d);
}
