/*
 * <qemu:commandline> (namespace http://libvirt.org/schemas/domain/qemu/1.0):
 * <qemu:arg value=.../> is appended to the command line as written;
 * <qemu:env name=... value=.../> is set for QEMU.  Only with --trust-xml:
 * otherwise a valid block is refused (77), since arguments and variables
 * (LD_PRELOAD) can make QEMU run anything.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

static bool in_qemu_ns(const xmlNode *n, const char *name)
{
	return n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, QEMU_NS) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static bool env_name_ok(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Namespaced attributes count too: libvirt writes value='...' plain. */
static const char *ns_attr(const xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (strcmp((const char *)a->name, name) == 0)
			return a->children && a->children->type == XML_TEXT_NODE
				       ? (const char *)a->children->content : "";
	return NULL;
}

void parse_qemu_commandline(struct parser *p, const xmlNode *n)
{
	struct qemu_passthrough *q = &p->dom->qemu;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (in_qemu_ns(c, "arg")) {
			const char *value = ns_attr(c, "value");
			if (!value) {
				diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
					   "the attribute value= is missing; expected the argument");
				return;
			}
			XGROW(q->args, q->nargs, q->args_alloc);
			q->args[q->nargs++] = xstrdup(value);
		} else if (in_qemu_ns(c, "env")) {
			const char *name = ns_attr(c, "name");
			const char *value = ns_attr(c, "value");
			if (!name || !env_name_ok(name)) {
				diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
					   "name='%s' is not an environment variable name; expected letters, digits and _, not starting with a digit",
					   name ? name : "");
				return;
			}
			XGROW(q->env, q->nenv, q->env_alloc);
			q->env[q->nenv++] = xasprintf("%s=%s", name, value ? value : "");
		} else {
			unexpected(p, c, n, "<qemu:arg> or <qemu:env>");
		}
	}
	if (diag_failed(p->d) || (!q->nargs && !q->nenv))
		return;
	/* Valid, but the XML may not choose what QEMU is told (trust.h). */
	if (!p->opts->trust_xml) {
		diag_error(p->d, EXIT_NOPERM, xml_line(n), XML_TAG(n),
			   "passes %s to QEMU as written; the XML may not choose them (QEMU arguments and LD_PRELOAD can run anything): pass --trust-xml if the XML is yours",
			   q->nargs && q->nenv ? "arguments and environment variables"
			   : q->nargs ? "arguments" : "environment variables");
		return;
	}
	if (q->nargs)
		diag_note(p->d, xml_line(n), XML_TAG(n),
			  "%zu argument(s) appended as written: sevqemu does not check them",
			  q->nargs);
}

void free_qemu(struct domain *d)
{
	for (size_t i = 0; i < d->qemu.nargs; i++)
		free(d->qemu.args[i]);
	free(d->qemu.args);
	for (size_t i = 0; i < d->qemu.nenv; i++)
		free(d->qemu.env[i]);
	free(d->qemu.env);
}
