/* Disks that are no image file: <disk type='nvme'>, a namespace of a host
 * NVMe controller opened by QEMU's userspace nvme driver (the controller
 * bound to vfio-pci; libvirt's managed='yes' rebinds it, sevqemu has no
 * daemon to), and <disk type='vhostuser'>, a vhost-user-blk backend on a
 * unix socket; and <slices>: a byte range of an image, as libvirt gives
 * it to a raw node. */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "parse/parser.h"

/* <slices><slice type='storage' offset size/></slices> into *SLICE. */
void parse_disk_slices(struct parser *p, const xmlNode *n, struct disk_slice *slice)
{
	if (slice->line) {
		duplicate(p, n);
		return;
	}
	slice->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		static const char *const known[] = { "type", "offset", "size", NULL };
		static const char *const types[] = { "storage", NULL };
		if (!xml_is(c, "slice")) {
			unexpected(p, c, n, "<slice type='storage' offset=... size=.../>");
			return;
		}
		if (slice->size) {
			duplicate(p, c);
			return;
		}
		uint64_t v;
		if (!known_attrs(p, c, known) || !attr_required(p, c, "type") ||
		    attr_choice(p, c, "type", types) < 0 ||
		    !attr_required(p, c, "offset") || !attr_required(p, c, "size") ||
		    !attr_decimal(p, c, "offset", 0, UINT64_MAX / 2, &slice->offset) ||
		    !attr_decimal(p, c, "size", 1, UINT64_MAX / 2, &v))
			return;
		slice->size = v;
	}
	if (!diag_failed(p->d) && !slice->size)
		diag_error(p->d, EXIT_DATAERR, slice->line, XML_TAG(n),
			   "is empty; expected <slice type='storage' offset=... size=.../>");
}

static void nvme_address(struct parser *p, const xmlNode *a, struct disk *disk)
{
	static const char *const known[] = { "domain", "bus", "slot", "function", "type", NULL };
	unsigned domain = 0, bus, slot, function;
	if (disk->nvme_device) {
		duplicate(p, a);
		return;
	}
	if (known_attrs(p, a, known) &&
	    attr_number(p, a, "domain", 0xffff, &domain, false) &&
	    attr_number(p, a, "bus", 0xff, &bus, true) &&
	    attr_number(p, a, "slot", 0x1f, &slot, true) &&
	    attr_number(p, a, "function", 7, &function, true))
		disk->nvme_device = xasprintf("%04x:%02x:%02x.%x", domain, bus,
					      slot, function);
}

void parse_nvme_source(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = { "type", "managed", "namespace", NULL };
	static const char *const types[] = { "pci", NULL };
	uint64_t ns;
	if (!known_attrs(p, n, known) || !attr_required(p, n, "type") ||
	    attr_choice(p, n, "type", types) < 0 || !attr_required(p, n, "namespace") ||
	    !attr_decimal(p, n, "namespace", 1, UINT32_MAX, &ns))
		return;
	disk->nvme_namespace = (unsigned)ns;
	disk->nvme_managed = attr_yesno(p, n, "managed") == TRI_ON;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "address"))
			nvme_address(p, c, disk);
		else if (xml_is(c, "slices"))
			parse_disk_slices(p, c, &disk->slice);
		else if (xml_is(c, "encryption"))
			parse_disk_encryption(p, c, disk);
		else
			unexpected(p, c, n, "<address>, <slices> or <encryption>");
	}
	if (!diag_failed(p->d) && !disk->nvme_device)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <address>; expected the NVMe controller's <address domain bus slot function/>");
}

/* <source type='unix' path=...> with an optional <reconnect>. */
void parse_vhostuser_source(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = { "type", "path", NULL };
	static const char *const types[] = { "unix", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "type") ||
	    attr_choice(p, n, "type", types) < 0 || !attr_required(p, n, "path"))
		return;
	if (!*xml_attr(n, "path")) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "path='' is empty; expected the vhost-user-blk backend's socket");
		return;
	}
	disk->vhost_socket = xstrdup(xml_attr(n, "path"));
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		static const char *const rknown[] = { "enabled", "timeout", NULL };
		if (!xml_is(c, "reconnect")) {
			unexpected(p, c, n, "<reconnect enabled=... timeout=.../>");
		} else if (known_attrs(p, c, rknown) &&
			   attr_yesno(p, c, "enabled") == TRI_ON) {
			if (attr_required(p, c, "timeout"))
				attr_decimal(p, c, "timeout", 1, UINT32_MAX,
					     &disk->vhost_reconnect);
		}
	}
}

/* vhost-user-blk shares guest memory with its backend, as libvirt checks:
 * <memoryBacking><access mode='shared'/>, or every NUMA cell shared. */
bool vhostuser_memory_shared(const struct domain *dom)
{
	if (dom->memory_backing.shared == TRI_ON)
		return true;
	for (size_t i = 0; i < dom->numa.ncells; i++)
		if (dom->numa.cells[i].shared != TRI_ON)
			return false;
	return dom->numa.ncells > 0;
}

/* <reservations managed='yes'/>, or managed='no' with the <source
 * type='unix' path mode='client'/> of a qemu-pr-helper already running. */
void parse_disk_reservations(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = { "enabled", "managed", NULL };
	if (disk->pr_line) {
		duplicate(p, n);
		return;
	}
	if (!known_attrs(p, n, known) || attr_yesno(p, n, "enabled") == TRI_OFF)
		return;
	disk->pr_line = xml_line(n);
	disk->pr_managed = attr_yesno(p, n, "managed") == TRI_ON;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		static const char *const sknown[] = { "type", "path", "mode", NULL };
		static const char *const types[] = { "unix", NULL };
		static const char *const modes[] = { "client", NULL };
		if (!xml_is(c, "source") || disk->pr_socket) {
			unexpected(p, c, n, "one <source type='unix' path=... mode='client'/>");
			return;
		}
		if (known_attrs(p, c, sknown) && attr_required(p, c, "type") &&
		    attr_choice(p, c, "type", types) >= 0 &&
		    attr_choice(p, c, "mode", modes) != -2 &&
		    attr_required(p, c, "path"))
			disk->pr_socket = xstrdup(xml_attr(c, "path"));
	}
	if (diag_failed(p->d))
		return;
	if (disk->pr_managed && disk->pr_socket)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "managed='yes' has a <source>; expected the socket only with managed='no' (sevqemu starts the managed qemu-pr-helper)");
	else if (!disk->pr_managed && !disk->pr_socket)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "managed='no' has no <source>; expected <source type='unix' path=... mode='client'/>, the socket of a qemu-pr-helper you run");
}
