/* <backingStore>: the chain of images below a disk's own, as libvirt
 * records it, down to an empty <backingStore/> (no further backing). */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "parse/parser.h"

#define BACKING_MAX 200

/* One layer's <format> and <source>; its <backingStore>, if any, in *NEXT. */
static void parse_layer(struct parser *p, const xmlNode *n,
			struct disk_backing *layer, const xmlNode **next)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "format")) {
			static const char *const known[] = { "type", NULL };
			static const char *const formats[] = { "raw", "qcow2", NULL };
			if (known_attrs(p, c, known) && attr_required(p, c, "type")) {
				int f = attr_choice(p, c, "type", formats);
				layer->format = f == 1 ? FORMAT_QCOW2 : FORMAT_RAW;
			}
		} else if (xml_is(c, "source")) {
			static const char *const known[] = { "file", "dev", "index", NULL };
			const char *attr = layer->block ? "dev" : "file";
			if (layer->source)
				duplicate(p, c);
			else if (known_attrs(p, c, known) && attr_required(p, c, attr))
				layer->source = xstrdup(xml_attr(c, attr));
		} else if (xml_is(c, "backingStore")) {
			if (*next)
				duplicate(p, c);
			*next = c;
		} else {
			unsupported(p, c, NULL);
		}
	}
	if (!diag_failed(p->d) && !layer->source)
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
		if (strcmp(type, "file") != 0 && strcmp(type, "block") != 0) {
			refuse(p, n, "type='%s' backing images are not translated; expected type='file' or 'block'",
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
		const xmlNode *next = NULL;
		parse_layer(p, n, layer, &next);
		n = next;
	}
}

void free_disk_backing(struct disk *disk)
{
	for (size_t i = 0; i < disk->nbacking; i++)
		free(disk->backing[i].source);
	free(disk->backing);
}
