/* <hostdev type='scsi'>: a host SCSI device by its H:B:T:U
 * (<adapter name='scsi_hostN'/><address bus target unit/>), whose
 * /dev/sgN act/hostscsi.c finds, or an iSCSI LUN (<source
 * protocol='iscsi'>, read as a network disk's source); and its place on
 * the guest's SCSI bus.  Either way QEMU's scsi-generic passes the
 * guest's SCSI commands to the device. */
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "lib/xalloc.h"
#include "parse/parser.h"

static void adapter_child(struct parser *p, const xmlNode *c, struct hostdev *h,
			  bool *address)
{
	if (xml_is(c, "adapter")) {
		static const char *const known[] = { "name", NULL };
		if (h->scsi_adapter) {
			duplicate(p, c);
			return;
		}
		const char *name = known_attrs(p, c, known) ? attr_required(p, c, "name") : NULL;
		uint64_t v;
		if (!name)
			return;
		if (strncmp(name, "scsi_host", 9) != 0 || !parse_decimal(name + 9, &v) ||
		    v > 65535)
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "name='%s' is not a SCSI host; expected scsi_hostN", name);
		else
			h->scsi_adapter = xstrdup(name), h->scsi_host = (unsigned)v;
	} else if (xml_is(c, "address")) {
		static const char *const known[] = { "bus", "target", "unit", NULL };
		unsigned unit = 0;
		if (*address) {
			duplicate(p, c);
			return;
		}
		*address = true;
		if (known_attrs(p, c, known) &&
		    attr_number(p, c, "bus", 65535, &h->scsi_bus, true) &&
		    attr_number(p, c, "target", 65535, &h->scsi_target, true) &&
		    attr_number(p, c, "unit", 16383, &unit, true))
			h->scsi_unit = unit;
	} else {
		unexpected(p, c, c->parent, "<adapter name='scsi_hostN'/> and <address bus target unit/>");
	}
}

/* <source [protocol='adapter'|'iscsi']> of a type='scsi' hostdev. */
void parse_scsi_hostdev_source(struct parser *p, const xmlNode *n, struct hostdev *h)
{
	const char *protocol = xml_attr(n, "protocol");
	if (protocol && strcmp(protocol, "iscsi") == 0) {
		/* The disk's reader, so that <host>, <auth> and <initiator> mean
		 * here what they mean on <disk type='network'>. */
		h->iscsi = xcalloc(1, sizeof(*h->iscsi));
		parse_network_source(p, n, h->iscsi);
		if (!diag_failed(p->d) && h->iscsi->luks.line)
			refuse(p, n, "<encryption> of a passed-through iSCSI LUN is not translated; the guest sees the LUN's SCSI commands, not an image");
		return;
	}
	if (protocol && strcmp(protocol, "adapter") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "protocol='%s' is not a SCSI host device's; expected 'adapter' (a host SCSI device) or 'iscsi'",
			   protocol);
		return;
	}
	static const char *const known[] = { "protocol", NULL };
	if (!known_attrs(p, n, known))
		return;
	bool address = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		adapter_child(p, c, h, &address);
	if (diag_failed(p->d))
		return;
	if (!h->scsi_adapter)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <adapter>; expected <adapter name='scsi_hostN'/>, the host's SCSI host");
	else if (!address)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <address>; expected <address bus target unit/>, the device on %s",
			   h->scsi_adapter);
}

/* <address type='drive' controller bus target unit> of a scsi hostdev: its
 * place on the guest's bus (bus 0: every HBA QEMU has here has one). */
void parse_scsi_hostdev_address(struct parser *p, const xmlNode *c, struct hostdev *h)
{
	static const char *const known[] = { "type", "controller", "bus", "target", "unit", NULL };
	if (h->address_line) {
		duplicate(p, c);
		return;
	}
	if (!known_attrs(p, c, known))
		return;
	h->address_line = xml_line(c);
	unsigned bus = 0;
	if (attr_number(p, c, "controller", 255, &h->scsi_controller, false) &&
	    attr_number(p, c, "bus", 0, &bus, false) &&
	    attr_number(p, c, "target", 255, &h->scsi_guest_target, false))
		attr_number(p, c, "unit", 16383, &h->scsi_guest_unit, false);
}

/* sgio= and rawio= of a scsi hostdev; false after an error. */
bool parse_scsi_hostdev_access(struct parser *p, const xmlNode *n, struct hostdev *h)
{
	static const char *const sgio[] = { "filtered", "unfiltered", NULL };
	if ((xml_attr(n, "sgio") || xml_attr(n, "rawio")) && h->type != HOSTDEV_SCSI) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s= is for type='scsi'; expected it on a SCSI host device only",
			   xml_attr(n, "sgio") ? "sgio" : "rawio");
		return false;
	}
	int s = attr_choice(p, n, "sgio", sgio);
	if (s == -2)
		return false;
	if (s == 1) {
		/* 'filtered' is the kernel's default, which libvirt only
		 * restores: nothing for sevqemu to do. */
		refuse(p, n, "sgio='unfiltered' has libvirt, as root, set the host device's unpriv_sgio in sysfs so that QEMU may send it any SCSI command; sevqemu does not change the host: expected sgio='filtered' or none");
		return false;
	}
	enum tristate rawio = attr_yesno(p, n, "rawio");
	if (diag_failed(p->d))
		return false;
	/* libvirt lets its QEMU keep CAP_SYS_RAWIO; sevqemu's QEMU has the
	 * caller's capabilities, which act/preflight.c checks for it. */
	h->rawio = rawio == TRI_ON;
	return true;
}

/* The units of controller 0, target 0 that a disk or a hostdev with an
 * <address> holds: one bit per unit. */
static unsigned char *units_taken(const struct domain *dom)
{
	unsigned char *taken = xcalloc(16384 / 8, 1);
	for (size_t i = 0; i < dom->ndisks; i++) {
		const struct disk *d = &dom->disks[i];
		if (d->bus == BUS_SCSI && d->scsi_controller == 0 &&
		    d->scsi_target == 0 && d->scsi_unit < 16384)
			taken[d->scsi_unit / 8] |= (unsigned char)(1u << (d->scsi_unit % 8));
	}
	for (size_t i = 0; i < dom->nhostdevs; i++) {
		const struct hostdev *h = &dom->hostdevs[i];
		if (h->type == HOSTDEV_SCSI && h->address_line &&
		    h->scsi_controller == 0 && h->scsi_guest_target == 0)
			taken[h->scsi_guest_unit / 8] |= (unsigned char)(1u << (h->scsi_guest_unit % 8));
	}
	return taken;
}

/* Who else sits at H's place: a disk's or an earlier hostdev's line, or 0. */
static unsigned place_taken(const struct domain *dom, const struct hostdev *h,
			    const char **what)
{
	for (size_t i = 0; i < dom->ndisks; i++) {
		const struct disk *d = &dom->disks[i];
		if (d->bus == BUS_SCSI && d->scsi_controller == h->scsi_controller &&
		    d->scsi_target == h->scsi_guest_target &&
		    d->scsi_unit == h->scsi_guest_unit) {
			*what = "disk";
			return d->line;
		}
	}
	for (const struct hostdev *o = dom->hostdevs; o < h; o++) {
		if (o->type == HOSTDEV_SCSI && o->scsi_controller == h->scsi_controller &&
		    o->scsi_guest_target == h->scsi_guest_target &&
		    o->scsi_guest_unit == h->scsi_guest_unit) {
			*what = "hostdev";
			return o->line;
		}
	}
	return 0;
}

/* One host device passed through twice: 65, as libvirt's start refuses
 * it ("already exists"): one guest holds it once. */
static void check_host_twice(struct parser *p, const struct hostdev *h)
{
	if (h->iscsi)
		return;
	for (const struct hostdev *o = p->dom->hostdevs; o < h; o++) {
		if (o->type == HOSTDEV_SCSI && !o->iscsi && o->scsi_host == h->scsi_host &&
		    o->scsi_bus == h->scsi_bus && o->scsi_target == h->scsi_target &&
		    o->scsi_unit == h->scsi_unit) {
			diag_error(p->d, EXIT_DATAERR, h->line, "<hostdev>",
				   "%s, bus %u, target %u, unit %llu is already passed through at line %u; expected each host device once",
				   h->scsi_adapter, h->scsi_bus, h->scsi_target,
				   (unsigned long long)h->scsi_unit, o->line);
			return;
		}
	}
}

/*
 * Each scsi hostdev's place on the guest's bus.  Without an <address>,
 * libvirt gives it target 0 and the first unit free of disks and other
 * hostdevs; sevqemu keeps it on controller 0, as it keeps its disks (a
 * virtio-scsi controller has 16384 units).  Then its place against the
 * controller's model, and against every other device there: 65.
 */
void check_scsi_hostdevs(struct parser *p)
{
	struct domain *dom = p->dom;
	unsigned char *taken = NULL;
	for (size_t i = 0; i < dom->nhostdevs && !diag_failed(p->d); i++) {
		struct hostdev *h = &dom->hostdevs[i];
		if (h->type != HOSTDEV_SCSI)
			continue;
		if (!h->address_line) {
			if (!taken)
				taken = units_taken(dom);
			unsigned u = 0;
			while (u < 16384 && (taken[u / 8] >> (u % 8) & 1))
				u++;
			if (u == 16384) {
				diag_error(p->d, EXIT_DATAERR, h->line, "<hostdev>",
					   "controller 0 has no unit free on target 0; expected an <address type='drive'> for this device");
				break;
			}
			taken[u / 8] |= (unsigned char)(1u << (u % 8));
			h->scsi_guest_unit = u;
		}
		unsigned line = h->address_line ? h->address_line : h->line;
		const char *tag = h->address_line ? "<address>" : "<hostdev>";
		check_scsi_place(p, line, tag, h->scsi_controller,
				 h->scsi_guest_target, h->scsi_guest_unit);
		const char *what = NULL;
		unsigned other = diag_failed(p->d) ? 0 : place_taken(dom, h, &what);
		if (other)
			diag_error(p->d, EXIT_DATAERR, line, tag,
				   "controller %u, target %u, unit %u is already taken by the %s at line %u; expected one device per scsi unit",
				   h->scsi_controller, h->scsi_guest_target,
				   h->scsi_guest_unit, what, other);
		else if (!diag_failed(p->d))
			check_host_twice(p, h);
	}
	free(taken);
}

void free_scsi_hostdev(struct hostdev *h)
{
	free(h->scsi_adapter);
	if (h->iscsi) {
		free_disk_source(h->iscsi);
		free(h->iscsi);
	}
}
