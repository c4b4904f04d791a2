/*
 * parse.h: parse_domain(), the document, its root, and the walk over its children
 * by the registration table (families.c); then the whole-domain checks.
 */
#include <string.h>

#include <libxml/parser.h>

#include "parse/parse.h"
#include "parse/parser.h"

/* <domain type=...>: kvm, or qemu (TCG) for an unencrypted guest. */
static void parse_root(struct parser *p, const xmlNode *root)
{
	struct domain *dom = p->dom;
	dom->line = xml_line(root);
	const char *type = attr_required(p, root, "type");
	if (type && strcmp(type, "kvm") == 0)
		dom->type = VIRT_KVM;
	else if (type && strcmp(type, "qemu") == 0)
		dom->type = VIRT_QEMU;
	else if (type)
		diag_error(p->d, EXIT_UNAVAILABLE, dom->line, "<domain>",
			   "type='%s' is not supported; expected type='kvm' (or 'qemu' for an unencrypted TCG guest)",
			   type);
}

bool parse_domain(const char *buf, size_t len, const struct parse_options *opts,
		  struct domain *dom, struct diag *d)
{
	xmlDocPtr doc = xml_parse(buf, len, d);
	if (!doc)
		return false;
	struct parser p = { .d = d, .dom = dom, .opts = opts };
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !xml_is(root, "domain")) {
		diag_error(d, EXIT_DATAERR, root ? xml_line(root) : 0,
			   root ? XML_TAG(root) : NULL,
			   "is not a domain; expected a <domain> document");
		xmlFreeDoc(doc);
		return false;
	}
	parse_root(&p, root);
	parse_children_of(&p, root, IN_DOMAIN);
	check_families(&p);
	diag_settle(d); /* every refusal listed: now 69, unless an error came */
	xmlFreeDoc(doc);
	return !diag_failed(d);
}

void domain_free(struct domain *dom)
{
	release_families(dom);
	memset(dom, 0, sizeof(*dom));
}
