/*
 * USB hubs: -device usb-hub,id=hubN on the bus of the controller their
 * <address bus> names (usb0 without one), on the port path it gives
 * (QEMU picks a free port without one), in document order so that a hub
 * behind a hub comes after it.  As libvirt writes them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "emit/build.h"

void build_usb_hubs(struct build *b)
{
	const struct domain *dom = b->dom;
	for (size_t i = 0; i < dom->nusb_hubs; i++) {
		const struct usb_hub *h = &dom->usb_hubs[i];
		char id[32], bus[24];
		snprintf(id, sizeof(id), "hub%zu", i);
		struct keyval kv;
		kv_begin(&kv, "usb-hub");
		kv_str(&kv, "id", id);
		kv_str(&kv, "bus", controller_bus(CTRL_USB, h->bus, bus, sizeof(bus)));
		if (h->port)
			kv_str(&kv, "port", h->port);
		build_push(b, &kv, "-device");
	}
}

/* The <redirfilter> rules as usb-redir's filter=: class:vendor:product:
 * version:allow each, joined by '|', -1 for any (libvirt's format). */
char *usb_redir_filter(const struct desktop *dt)
{
	size_t size = dt->nredir_rules * 40 + 1;
	char *out = xmalloc(size), *at = out;
	*out = '\0';
	for (size_t i = 0; i < dt->nredir_rules; i++) {
		const struct usb_rule *r = &dt->redir_rules[i];
		const int32_t v[] = { r->cls, r->vendor, r->product, r->version };
		if (i)
			*at++ = '|';
		for (size_t k = 0; k < 4; k++) {
			size_t left = size - (size_t)(at - out);
			if (v[k] < 0)
				at += snprintf(at, left, "-1");
			else if (k == 0) /* the class is a byte */
				at += snprintf(at, left, "0x%02X", (unsigned)v[k]);
			else
				at += snprintf(at, left, "0x%04X", (unsigned)v[k]);
			*at++ = ':';
		}
		*at++ = r->allow ? '1' : '0';
		*at = '\0';
	}
	return out;
}
