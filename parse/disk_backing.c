/* <backingStore>: the chain of images below a disk's own, as libvirt
 * records it, down to an empty <backingStore/> (no further backing). */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "parse/parser.h"

#define BACKING_MAX 200

/* libvirt's format names, each QEMU 7.2's driver behind it (iso is raw,
 * vhd is vhdx, ploop is parallels). */
static const struct {
	const char *name;
	enum disk_format format;
} format_names[] = {
	{ "raw", FORMAT_RAW }, { "iso", FORMAT_RAW }, { "bochs", FORMAT_BOCHS },
	{ "cloop", FORMAT_CLOOP }, { "dmg", FORMAT_DMG }, { "vpc", FORMAT_VPC },
	{ "vdi", FORMAT_VDI }, { "vhd", FORMAT_VHDX }, { "ploop", FORMAT_PARALLELS },
	{ "qcow", FORMAT_QCOW }, { "qcow2", FORMAT_QCOW2 }, { "qed", FORMAT_QED },
	{ "vmdk", FORMAT_VMDK },
};

/* N's NAME= as an image format (raw when absent); false after an error:
 * the formats libvirt knows and QEMU 7.2 cannot open are refused (69),
 * others are invalid (65). */
bool attr_disk_format(struct parser *p, const xmlNode *n, const char *name,
		      enum disk_format *format)
{
	const char *s = xml_attr(n, name);
	*format = FORMAT_RAW;
	if (!s)
		return true;
	for (size_t i = 0; i < sizeof(format_names) / sizeof(*format_names); i++) {
		if (strcmp(s, format_names[i].name) == 0) {
			*format = format_names[i].format;
			return true;
		}
	}
	static const char *const qemu_lacks[] = { "cow", "fat", "dir", "none", "auto", NULL };
	if (in_list(s, qemu_lacks))
		refuse(p, n, "%s='%s' is not an image format QEMU 7.2 opens; expected raw, qcow2, qcow, qed, vmdk, vpc, vhd, vdi, ploop, bochs, cloop, dmg or iso",
		       name, s);
	else
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%s' is not valid; expected an image format: raw, qcow2, qcow, qed, vmdk, vpc, vhd, vdi, ploop, bochs, cloop, dmg or iso",
			   name, s);
	return false;
}

/* A network layer's <source protocol>, read as a disk's; what would need
 * objects of its own (secrets, TLS credentials) is refused. */
static void network_layer(struct parser *p, const xmlNode *c,
			  struct disk_backing *layer)
{
	struct disk tmp;
	memset(&tmp, 0, sizeof(tmp));
	parse_network_source(p, c, &tmp);
	if (!diag_failed(p->d) && (tmp.net.user || tmp.luks.line ||
				   tmp.net.tls || tmp.net.cookies))
		refuse(p, c, "a network backing image with <auth>, <encryption>, tls='yes' or <cookies> is not translated; expected none of them");
	if (diag_failed(p->d)) {
		free_disk_source(&tmp);
		return;
	}
	layer->net = xmalloc(sizeof(*layer->net));
	*layer->net = tmp.net;
}

/* One layer's <format> and <source>; its <backingStore>, if any, in *NEXT. */
static void parse_layer(struct parser *p, const xmlNode *n,
			struct disk_backing *layer, const xmlNode **next)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "format")) {
			static const char *const known[] = { "type", NULL };
			if (known_attrs(p, c, known) && attr_required(p, c, "type"))
				attr_disk_format(p, c, "type", &layer->format);
		} else if (xml_is(c, "source")) {
			static const char *const known[] = { "file", "dev", "index", NULL };
			const char *attr = layer->block ? "dev" : "file";
			if (layer->source || layer->net) {
				duplicate(p, c);
			} else if (layer->network) {
				network_layer(p, c, layer);
				continue;
			} else if (known_attrs(p, c, known) &&
				   attr_required(p, c, attr)) {
				layer->source = xstrdup(xml_attr(c, attr));
			}
			/* other children (<seclabel>) are host-side */
			for (xmlNode *s = xml_first_element(c); s && !diag_failed(p->d);
			     s = xml_next_element(s))
				if (xml_is(s, "slices"))
					parse_disk_slices(p, s, &layer->slice);
		} else if (xml_is(c, "backingStore")) {
			if (*next)
				duplicate(p, c);
			*next = c;
		} else {
			unsupported(p, c, NULL);
		}
	}
	if (!diag_failed(p->d) && !layer->source && !layer->net)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <source>; expected the backing image's <source %s='...'/>",
			   layer->block ? "dev" : "file");
}

void parse_disk_backing(struct parser *p, const xmlNode *n, struct disk *disk)
{
	if (disk->nbacking || disk->backing_closed) {
		duplicate(p, n);
		return;
	}
	static const char *const known[] = { "type", "index", NULL };
	while (n && !diag_failed(p->d)) {
		if (!xml_first_element(n) && !n->properties) {
			disk->backing_closed = true;
			return;
		}
		if (!known_attrs(p, n, known) || !attr_required(p, n, "type"))
			return;
		const char *type = xml_attr(n, "type");
		if (strcmp(type, "file") != 0 && strcmp(type, "block") != 0 &&
		    strcmp(type, "network") != 0) {
			refuse(p, n, "type='%s' backing images are not translated; expected type='file', 'block' or 'network'",
			       type);
			return;
		}
		if (disk->nbacking == BACKING_MAX) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "the chain is over %d images deep; expected a shorter chain",
				   BACKING_MAX);
			return;
		}
		XGROW(disk->backing, disk->nbacking, disk->backing_alloc);
		struct disk_backing *layer = &disk->backing[disk->nbacking++];
		memset(layer, 0, sizeof(*layer));
		layer->line = xml_line(n);
		layer->block = strcmp(type, "block") == 0;
		layer->network = strcmp(type, "network") == 0;
		const xmlNode *next = NULL;
		parse_layer(p, n, layer, &next);
		n = next;
	}
}

void free_disk_backing(struct disk *disk)
{
	for (size_t i = 0; i < disk->nbacking; i++) {
		free(disk->backing[i].source);
		if (disk->backing[i].net) {
			struct disk tmp;
			memset(&tmp, 0, sizeof(tmp));
			tmp.net = *disk->backing[i].net;
			free_disk_source(&tmp);
			free(disk->backing[i].net);
		}
	}
	free(disk->backing);
}
