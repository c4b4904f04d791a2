/*
 * USB beyond the controllers: <hub type='usb'> (usb-hub) with its
 * <address type='usb' bus port>, and <redirfilter> (which devices SPICE's
 * USB redirection lets through: libvirt's filter on each usb-redir).
 * A port is a path of hub ports, "1" or "1.2" (port 2 of the hub on port
 * 1), as libvirt and QEMU write it.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/number.h"
#include "lib/xalloc.h"

/* "N" or "N.N..." with at most five levels, each 1 to 255 (libvirt's). */
static bool port_path_valid(const char *s)
{
	unsigned levels = 0;
	while (*s) {
		uint64_t v = 0;
		size_t n = 0;
		while (s[n] >= '0' && s[n] <= '9' && n < 4)
			v = v * 10 + (uint64_t)(s[n++] - '0');
		if (!n || v < 1 || v > 255 || ++levels > 5 ||
		    (s[n] && (s[n] != '.' || !s[n + 1])))
			return false;
		s += n + (s[n] == '.');
	}
	return levels > 0;
}

static void parse_usb_address(struct parser *p, const xmlNode *n,
			      struct usb_hub *h)
{
	const char *type = xml_attr(n, "type");
	if (!type || strcmp(type, "usb") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='%s' on a USB hub; expected type='usb'",
			   type ? type : "");
		return;
	}
	static const char *const known[] = { "type", "bus", "port", NULL };
	if (!known_attrs(p, n, known))
		return;
	uint64_t bus = 0;
	if (xml_attr(n, "bus") && !attr_decimal(p, n, "bus", 0, 255, &bus))
		return;
	const char *port = xml_attr(n, "port");
	if (port && !port_path_valid(port)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "port='%s' is not a USB port path; expected e.g. '1' or '1.2' (ports 1 to 255, at most five levels)",
			   port);
		return;
	}
	h->bus = (unsigned)bus;
	h->port = port ? xstrdup(port) : NULL;
	h->address_line = xml_line(n);
}

void parse_hub(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = { "type", NULL };
	const char *type = attr_required(p, n, "type");
	if (!type || !known_attrs(p, n, known))
		return;
	if (strcmp(type, "usb") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='%s' is not valid; expected type='usb'", type);
		return;
	}
	struct usb_hub h = { .line = xml_line(n) };
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (xml_is(k, "address") && h.address_line)
			duplicate(p, k);
		else if (xml_is(k, "address"))
			parse_usb_address(p, k, &h);
		else if (xml_is(k, "alias"))
			ignored(p, k);
		else
			unsupported(p, k, NULL);
	}
	if (diag_failed(p->d)) {
		free(h.port);
		return;
	}
	struct domain *dom = p->dom;
	XGROW(dom->usb_hubs, dom->nusb_hubs, dom->usb_hubs_alloc);
	dom->usb_hubs[dom->nusb_hubs++] = h;
}

/* class= vendor= product= version=: -1 (any) or a number in hex; version
 * "M.m" is BCD as libvirt reads it ("1.10" is 0x0110). */
static bool rule_value(struct parser *p, const xmlNode *n, const char *name,
		       uint64_t max, int32_t *out)
{
	const char *v = xml_attr(n, name);
	*out = -1;
	if (!v || strcmp(v, "-1") == 0)
		return true;
	uint64_t x, minor = 0;
	const char *dot = strcmp(name, "version") == 0 ? strchr(v, '.') : NULL;
	char *major = dot ? xstrndup(v, (size_t)(dot - v)) : NULL;
	bool ok = dot ? parse_hex(major, &x) && parse_hex(dot + 1, &minor) &&
			x <= 0xff && minor <= 0xff
		      : parse_hex(v, &x) && x <= max;
	free(major);
	if (!ok) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%s' is not valid; expected -1 (any) or %s", name, v,
			   dot ? "a version like '1.10'" : "a hexadecimal number like '0x08'");
		return false;
	}
	*out = (int32_t)(dot ? (x << 8 | minor) : x);
	return true;
}

static void parse_usbdev(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = {
		"class", "vendor", "product", "version", "allow", NULL,
	};
	if (!known_attrs(p, n, known) || !attr_required(p, n, "allow"))
		return;
	struct usb_rule r;
	enum tristate allow = attr_yesno(p, n, "allow");
	if (diag_failed(p->d) ||
	    !rule_value(p, n, "class", 0xff, &r.cls) ||
	    !rule_value(p, n, "vendor", 0xffff, &r.vendor) ||
	    !rule_value(p, n, "product", 0xffff, &r.product) ||
	    !rule_value(p, n, "version", 0xffff, &r.version))
		return;
	r.allow = allow == TRI_ON;
	struct desktop *dt = &p->dom->desktop;
	XGROW(dt->redir_rules, dt->nredir_rules, dt->redir_rules_alloc);
	dt->redir_rules[dt->nredir_rules++] = r;
}

void parse_redirfilter(struct parser *p, const xmlNode *n)
{
	struct desktop *dt = &p->dom->desktop;
	if (dt->redirfilter_line) {
		duplicate(p, n);
		return;
	}
	dt->redirfilter_line = xml_line(n);
	static const char *const known[] = { NULL };
	if (!known_attrs(p, n, known))
		return;
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (xml_is(k, "usbdev"))
			parse_usbdev(p, k);
		else
			unsupported(p, k, NULL);
	}
}

/* Hubs sit on a USB controller that exists and is on. */
void check_usb_hubs(struct parser *p)
{
	const struct domain *dom = p->dom;
	for (size_t i = 0; i < dom->nusb_hubs && !diag_failed(p->d); i++) {
		const struct usb_hub *h = &dom->usb_hubs[i];
		const struct controller *c = controller_find(dom, CTRL_USB, h->bus);
		if (c && c->model != CTRL_USB_NONE)
			continue;
		unsigned line = h->address_line ? h->address_line : h->line;
		const char *tag = h->address_line ? "<address>" : "<hub>";
		if (c)
			diag_error(p->d, EXIT_DATAERR, line, tag,
				   "a USB hub, but <controller type='usb' model='none'> turns USB off; expected a USB controller");
		else
			diag_error(p->d, EXIT_DATAERR, line, tag,
				   "bus='%u' names no <controller type='usb' index='%u'>; expected a USB controller's index",
				   h->bus, h->bus);
	}
	if (!diag_failed(p->d) && dom->desktop.redirfilter_line &&
	    !dom->desktop.nredirdevs)
		diag_note(p->d, dom->desktop.redirfilter_line, "<redirfilter>",
			  "ignored: it filters <redirdev> USB redirection, and there is none");
}

void free_usb_hubs(struct domain *d)
{
	for (size_t i = 0; i < d->nusb_hubs; i++)
		free(d->usb_hubs[i].port);
	free(d->usb_hubs);
	d->usb_hubs = NULL;
	d->nusb_hubs = d->usb_hubs_alloc = 0;
}
