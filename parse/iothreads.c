/*
 * <iothreads> (how many), <iothreadids> (which ids, with their thread pool
 * and polling), <defaultiothread> (the main loop's pool), and the check
 * that every disk's and controller's <driver iothread> names one.
 */
#include <stdlib.h>

#include "lib/xalloc.h"
#include "parse/parser.h"

static int64_t optional(struct parser *p, const xmlNode *n, const char *name,
			uint64_t max)
{
	uint64_t v;
	if (!xml_attr(n, name) || !attr_decimal(p, n, name, 0, max, &v))
		return -1;
	return (int64_t)v;
}

/* thread_pool_min/max: each given alone, or min <= max (and max > 0). */
static bool pool(struct parser *p, const xmlNode *n, int64_t *min, int64_t *max)
{
	*min = optional(p, n, "thread_pool_min", INT32_MAX);
	*max = optional(p, n, "thread_pool_max", INT32_MAX);
	if (diag_failed(p->d))
		return false;
	if (*max == 0 || (*max >= 0 && *min > *max)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "thread_pool_max='%lld' is not valid; expected a number above 0 and at least thread_pool_min",
			   (long long)*max);
		return false;
	}
	return true;
}

static void parse_iothread(struct parser *p, const xmlNode *n)
{
	struct iothreads *io = &p->dom->iothreads;
	static const char *const known[] = {
		"id", "thread_pool_min", "thread_pool_max", NULL,
	};
	uint64_t id;
	if (!known_attrs(p, n, known) || !attr_required(p, n, "id") ||
	    !attr_decimal(p, n, "id", 1, UINT32_MAX, &id))
		return;
	for (size_t i = 0; i < io->n; i++)
		if (io->ids[i].id == id) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "id='%llu' is given twice; expected each iothread once",
				   (unsigned long long)id);
			return;
		}
	struct iothread t = { (unsigned)id, xml_line(n), -1, -1, -1, -1, -1 };
	if (!pool(p, n, &t.pool_min, &t.pool_max))
		return;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		static const char *const poll[] = { "max", "grow", "shrink", NULL };
		if (!xml_is(c, "poll")) {
			unexpected(p, c, n, "<poll>");
			return;
		}
		if (!known_attrs(p, c, poll))
			return;
		t.poll_max = optional(p, c, "max", INT64_MAX);
		t.poll_grow = optional(p, c, "grow", INT64_MAX);
		t.poll_shrink = optional(p, c, "shrink", INT64_MAX);
	}
	XGROW(io->ids, io->n, io->alloc);
	io->ids[io->n++] = t;
}

void parse_iothreads(struct parser *p, const xmlNode *n)
{
	struct iothreads *io = &p->dom->iothreads;
	static const char *const none[] = { NULL };
	static const char *const pools[] = {
		"thread_pool_min", "thread_pool_max", NULL,
	};
	if (xml_is(n, "iothreads")) {
		uint64_t count;
		if (io->line)
			duplicate(p, n);
		else if (known_attrs(p, n, none) &&
			 text_decimal(p, n, 0, 4096, &count, "an iothread count from 0 to 4096"))
			io->count = (unsigned)count, io->line = xml_line(n);
	} else if (xml_is(n, "defaultiothread")) {
		if (io->default_line)
			duplicate(p, n);
		else if (known_attrs(p, n, pools))
			io->default_line = xml_line(n),
			pool(p, n, &io->default_min, &io->default_max);
	} else if (known_attrs(p, n, none)) { /* <iothreadids> */
		for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
		     c = xml_next_element(c))
			if (xml_is(c, "iothread"))
				parse_iothread(p, c);
			else
				unexpected(p, c, n, "<iothread id='N'>");
	}
}

static bool defined(const struct iothreads *io, unsigned id)
{
	for (size_t i = 0; i < io->n; i++)
		if (io->ids[i].id == id)
			return true;
	return false;
}

static void check_reference(struct parser *p, unsigned id, unsigned line)
{
	if (id && !defined(&p->dom->iothreads, id))
		diag_error(p->d, EXIT_DATAERR, line, "<driver>",
			   "iothread='%u' is not defined; expected an id of <iothreadids> or from 1 to <iothreads>",
			   id);
}

void check_iothreads(struct parser *p)
{
	struct domain *dom = p->dom;
	struct iothreads *io = &dom->iothreads;
	/* libvirt gives the ids <iothreadids> leaves out the lowest free
	 * numbers, after the listed ones. */
	for (unsigned next = 1; io->n < io->count; next++)
		if (!defined(io, next)) {
			XGROW(io->ids, io->n, io->alloc);
			io->ids[io->n++] = (struct iothread){ next, io->line,
							      -1, -1, -1, -1, -1 };
		}
	for (size_t i = 0; i < dom->ndisks && !diag_failed(p->d); i++) {
		const struct disk *disk = &dom->disks[i];
		if (disk->virtio.iothread && disk->bus != BUS_VIRTIO)
			diag_error(p->d, EXIT_DATAERR, disk->virtio.line, "<driver>",
				   "iothread= is only for virtio disks; expected it on a disk with bus='virtio'");
		else
			check_reference(p, disk->virtio.iothread, disk->virtio.line);
	}
	for (size_t i = 0; i < dom->ncontrollers && !diag_failed(p->d); i++)
		check_reference(p, dom->controllers[i].virtio.iothread,
				dom->controllers[i].virtio.line);
}

void free_iothreads(struct domain *dom)
{
	free(dom->iothreads.ids);
}
