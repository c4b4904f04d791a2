/*
 * The guest's HMAT (ACPI Heterogeneous Memory Attribute Table): memory side
 * caches of a cell, <cell><cache>, and the latencies and bandwidths between
 * cells, <numa><interconnects>.  check_hmat() applies libvirt's rules
 * (conf/numa_conf.c) and then QEMU 7.2's (hw/core/numa.c), so that what
 * QEMU would refuse at start is refused here with the element's line.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "lib/xalloc.h"
#include "parse/parser.h"

/* QEMU stores one table entry in 16 bits: at most 65534 times its base. */
#define HMAT_ENTRY_MAX 65534u

static const char *const assoc_names[] = { "none", "direct", "full", NULL };
static const char *const policy_names[] = { "none", "writeback", "writethrough", NULL };
static const char *const access_names[] = { "access", "read", "write", NULL };
static const char *const kind_plural[] = { "latencies", "bandwidths" };

/* <size value unit> or <line value unit> of a <cache>, in bytes; a
 * missing unit is DEFAULT_UNIT (libvirt: KiB for the size, B for the line). */
static bool cache_amount(struct parser *p, const xmlNode *n,
			 const char *default_unit, uint64_t *bytes)
{
	static const char *const known[] = { "value", "unit", NULL };
	const char *value = known_attrs(p, n, known) ? attr_required(p, n, "value") : NULL;
	if (!value)
		return false;
	const char *unit = xml_attr(n, "unit");
	if (parse_memory(value, unit ? unit : default_unit, bytes) == MEMORY_OK)
		return true;
	diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
		   "value='%s'%s%s is not an amount; expected a whole number of %s or of unit=",
		   value, unit ? " unit=" : "", unit ? unit : "", default_unit);
	return false;
}

static void cache_children(struct parser *p, const xmlNode *n, struct numa_cache *c)
{
	const xmlNode *size = NULL, *line = NULL;
	for (xmlNode *k = xml_first_element(n); k; k = xml_next_element(k)) {
		const xmlNode **slot = xml_is(k, "size") ? &size : xml_is(k, "line") ? &line : NULL;
		if (!slot) {
			unexpected(p, k, n, "<size> and <line>");
			return;
		}
		if (*slot) {
			duplicate(p, k);
			return;
		}
		*slot = k;
	}
	if (!size || !line) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <%s>; expected <size value='N' unit='KiB'/> and <line value='N' unit='B'/>",
			   size ? "line" : "size");
		return;
	}
	uint64_t bytes;
	if (!cache_amount(p, size, "KiB", &bytes))
		return;
	c->size_kib = bytes / 1024 + (bytes % 1024 != 0);
	if (!cache_amount(p, line, "B", &bytes))
		return;
	if (!bytes || bytes > 65535) { /* QEMU's line= is a uint16 and required */
		diag_error(p->d, EXIT_DATAERR, xml_line(line), XML_TAG(line),
			   "a cache line of %llu bytes; expected 1 to 65535 bytes (QEMU 7.2 keeps it in 16 bits)",
			   (unsigned long long)bytes);
		return;
	}
	c->line_bytes = (unsigned)bytes;
}

/* <cell><cache level associativity policy><size/><line/></cache>. */
void parse_numa_cache(struct parser *p, const xmlNode *n, struct numa_cell *cell)
{
	static const char *const known[] = { "level", "associativity", "policy", NULL };
	uint64_t level;
	if (!known_attrs(p, n, known) || !attr_required(p, n, "level") ||
	    !attr_required(p, n, "associativity") || !attr_required(p, n, "policy") ||
	    !attr_decimal(p, n, "level", 1, 3, &level))
		return;
	int assoc = attr_choice(p, n, "associativity", assoc_names);
	int policy = attr_choice(p, n, "policy", policy_names);
	if (assoc < 0 || policy < 0)
		return;
	XGROW(cell->caches, cell->ncaches, cell->caches_alloc);
	struct numa_cache *c = &cell->caches[cell->ncaches++];
	memset(c, 0, sizeof(*c));
	c->line = xml_line(n);
	c->level = (unsigned)level;
	c->assoc = (enum hmat_assoc)assoc;
	c->policy = (enum hmat_policy)policy;
	cache_children(p, n, c);
}

/* value= of a <latency> (a number) or a <bandwidth> (an amount per second
 * with unit=, KiB without one; kept in KiB, rounded up as libvirt). */
static bool link_value(struct parser *p, const xmlNode *n, struct numa_link *l)
{
	const char *value = attr_required(p, n, "value");
	if (!value)
		return false;
	if (l->kind == HMAT_LATENCY)
		return attr_decimal(p, n, "value", 0, UINT64_MAX, &l->value);
	const char *unit = xml_attr(n, "unit");
	uint64_t bytes;
	if (parse_memory(value, unit, &bytes) != MEMORY_OK) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "value='%s'%s%s is not a bandwidth; expected a whole number of KiB per second or of unit=",
			   value, unit ? " unit=" : "", unit ? unit : "");
		return false;
	}
	l->value = bytes / 1024 + (bytes % 1024 != 0);
	return true;
}

static void parse_link(struct parser *p, const xmlNode *n, struct numa *numa)
{
	static const char *const latency[] = {
		"initiator", "target", "cache", "type", "value", NULL,
	};
	static const char *const bandwidth[] = {
		"initiator", "target", "cache", "type", "value", "unit", NULL,
	};
	struct numa_link l = { .line = xml_line(n) };
	l.kind = xml_is(n, "latency") ? HMAT_LATENCY : HMAT_BANDWIDTH;
	uint64_t initiator, target, cache = 0;
	if (!known_attrs(p, n, l.kind == HMAT_LATENCY ? latency : bandwidth) ||
	    !attr_required(p, n, "initiator") || !attr_required(p, n, "target") ||
	    !attr_required(p, n, "type") ||
	    !attr_decimal(p, n, "initiator", 0, 255, &initiator) ||
	    !attr_decimal(p, n, "target", 0, 255, &target) ||
	    (xml_attr(n, "cache") && !attr_decimal(p, n, "cache", 0, 255, &cache)))
		return;
	int access = attr_choice(p, n, "type", access_names);
	if (access < 0 || !link_value(p, n, &l))
		return;
	l.initiator = (unsigned)initiator;
	l.target = (unsigned)target;
	l.cache = (unsigned)cache;
	l.access = (enum hmat_access)access;
	XGROW(numa->links, numa->nlinks, numa->links_alloc);
	numa->links[numa->nlinks++] = l;
}

/* <numa><interconnects> (called by parse_numa()). */
void parse_interconnects(struct parser *p, const xmlNode *n, struct numa *numa)
{
	static const char *const none[] = { NULL };
	if (numa->links_line) {
		duplicate(p, n);
		return;
	}
	numa->links_line = xml_line(n);
	if (!known_attrs(p, n, none))
		return;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "latency") || xml_is(c, "bandwidth"))
			parse_link(p, c, numa);
		else
			unexpected(p, c, n, "<latency> or <bandwidth>");
	}
}

/* Each level once, each level's one below it there, the sizes growing with
 * the level (QEMU's rules); sorted by level, the order QEMU needs them in. */
static bool check_caches(struct parser *p, struct numa_cell *cell)
{
	struct numa_cache *by_level[4] = { NULL };
	for (size_t i = 0; i < cell->ncaches; i++) {
		struct numa_cache *c = &cell->caches[i];
		if (by_level[c->level]) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<cache>",
				   "level='%u' is given twice for cell %u (also at line %u); expected each cache level once",
				   c->level, cell->id, by_level[c->level]->line);
			return false;
		}
		by_level[c->level] = c;
	}
	for (unsigned lv = 2; lv <= 3; lv++) {
		const struct numa_cache *c = by_level[lv], *below = by_level[lv - 1];
		if (c && !below) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<cache>",
				   "level='%u' on cell %u without level='%u'; expected the levels from 1 up (QEMU 7.2 needs the one below)",
				   lv, cell->id, lv - 1);
			return false;
		}
		if (c && c->size_kib <= below->size_kib) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<cache>",
				   "level='%u' holds %llu KiB, level='%u' %llu KiB; expected each level larger than the one below (QEMU 7.2 checks)",
				   lv, (unsigned long long)c->size_kib, lv - 1,
				   (unsigned long long)below->size_kib);
			return false;
		}
	}
	for (size_t i = 1; i < cell->ncaches; i++) /* insertion sort by level */
		for (size_t j = i; j > 0 && cell->caches[j - 1].level > cell->caches[j].level; j--) {
			struct numa_cache t = cell->caches[j];
			cell->caches[j] = cell->caches[j - 1];
			cell->caches[j - 1] = t;
		}
	return true;
}

static bool has_cache(const struct numa_cell *cell, unsigned level)
{
	for (size_t i = 0; i < cell->ncaches; i++)
		if (cell->caches[i].level == level)
			return true;
	return false;
}

/* libvirt's rules for one link against the cells and the links before it. */
static bool check_link(struct parser *p, const struct numa *numa, size_t i)
{
	const struct numa_link *l = &numa->links[i];
	const char *el = l->kind == HMAT_LATENCY ? "<latency>" : "<bandwidth>";
	if (l->initiator >= numa->ncells || l->target >= numa->ncells) {
		bool ini = l->initiator >= numa->ncells;
		diag_error(p->d, EXIT_DATAERR, l->line, el,
			   "%s='%u' is not a cell; expected a cell id from 0 to %zu",
			   ini ? "initiator" : "target", ini ? l->initiator : l->target,
			   numa->ncells - 1);
		return false;
	}
	if (!numa->cells[l->initiator].has_cpus) {
		diag_error(p->d, EXIT_DATAERR, l->line, el,
			   "initiator='%u' is a cell without vCPUs; expected a cell with cpus= (only processors initiate memory accesses)",
			   l->initiator);
		return false;
	}
	if (l->cache && !has_cache(&numa->cells[l->target], l->cache)) {
		diag_error(p->d, EXIT_DATAERR, l->line, el,
			   "cache='%u' is not a cache of cell %u; expected the level of one of its <cache> elements, or no cache= for its memory",
			   l->cache, l->target);
		return false;
	}
	for (size_t j = 0; j < i; j++) {
		const struct numa_link *o = &numa->links[j];
		if (o->kind == l->kind && o->initiator == l->initiator &&
		    o->target == l->target && o->cache == l->cache && o->access == l->access) {
			diag_error(p->d, EXIT_DATAERR, l->line, el,
				   "type='%s' from cell %u to cell %u%s is given twice (also at line %u); expected it once",
				   access_names[l->access], l->initiator, l->target,
				   l->cache ? " (its cache)" : "", o->line);
			return false;
		}
		if (l->initiator != l->target && o->initiator == l->target &&
		    o->target == l->initiator) {
			diag_error(p->d, EXIT_DATAERR, l->line, el,
				   "cells %u and %u are already linked the other way, at line %u; expected one direction per pair of cells (libvirt's rule)",
				   l->initiator, l->target, o->line);
			return false;
		}
	}
	return true;
}

/* One of QEMU's tables (one per hierarchy and data type): the base unit
 * and the largest entry (latency), or every bandwidth's bits or'ed. */
struct lb_table {
	uint64_t base, range;
};

/* QEMU 7.2's parse_numa_hmat_lb() step for one value, followed exactly
 * (its latency base is the one before this value): false where QEMU
 * refuses the value as too far from the ones before it. */
static bool lb_table_add(struct lb_table *t, enum hmat_kind kind, uint64_t v)
{
	if (kind == HMAT_LATENCY) {
		if (!t->base)
			t->base = UINT64_MAX;
		if (!v)
			return true;
		uint64_t step = 1;
		for (uint64_t e = v; e % 10 == 0; e /= 10)
			step *= 10;
		uint64_t entry = v / t->base;
		if (entry < t->range)
			entry = t->range;
		if (entry > HMAT_ENTRY_MAX)
			return false;
		t->base = step < t->base ? step : t->base;
		t->range = entry;
		return true;
	}
	if (!v)
		return true;
	uint64_t bits = t->range | v;
	int first = __builtin_ctzll(bits), last = 64 - __builtin_clzll(bits);
	if (last - first > 16 || (v >> first) > HMAT_ENTRY_MAX)
		return false;
	t->base = 1ull << first;
	t->range = bits;
	return true;
}

/* QEMU 7.2's limits on the values, in the order it reads them; GIVEN[cell]
 * gets 1 for a latency above 0 to it, 2 for such a bandwidth, as QEMU
 * marks them for its check of the caches. */
static bool check_link_values(struct parser *p, const struct numa *numa,
			      unsigned char *given)
{
	static const char *const hierarchy[] = {
		"memory", "level 1 caches", "level 2 caches", "level 3 caches",
	};
	struct lb_table tables[4][2][3];
	memset(tables, 0, sizeof(tables));
	for (size_t i = 0; i < numa->nlinks; i++) {
		const struct numa_link *l = &numa->links[i];
		const char *el = l->kind == HMAT_LATENCY ? "<latency>" : "<bandwidth>";
		uint64_t v = l->value;
		if (l->kind == HMAT_BANDWIDTH) {
			if (l->value % 1024) {
				diag_error(p->d, EXIT_DATAERR, l->line, el,
					   "%llu KiB/s is not a whole number of MiB/s; expected a multiple of 1024 KiB (QEMU 7.2 counts bandwidth in MiB/s)",
					   (unsigned long long)l->value);
				return false;
			}
			if (l->value > (UINT64_MAX >> 10)) {
				diag_error(p->d, EXIT_DATAERR, l->line, el,
					   "%llu KiB/s is 2^64 bytes per second or more; expected less (QEMU 7.2's bandwidth= is a 64-bit byte count)",
					   (unsigned long long)l->value);
				return false;
			}
			v = l->value << 10; /* QEMU's bandwidth= is in bytes */
		}
		/* check_link() let only existing cache levels (1 to 3) through */
		struct lb_table *t = &tables[l->cache & 3][l->kind == HMAT_BANDWIDTH][l->access % 3];
		if (!lb_table_add(t, l->kind, v)) {
			diag_error(p->d, EXIT_DATAERR, l->line, el,
				   "value='%llu' is too far from the %s %s to %s given before it; expected values within a factor of %u of each other (QEMU 7.2 stores each in 16 bits over one base unit)",
				   (unsigned long long)l->value, access_names[l->access],
				   kind_plural[l->kind], hierarchy[l->cache], HMAT_ENTRY_MAX);
			return false;
		}
		if (v)
			given[l->target] |= l->kind == HMAT_LATENCY ? 1 : 2;
	}
	return true;
}

/* A cell without vCPUs is reached best from (libvirt's
 * virDomainNumaGetNodeInitiator): the initiator of its lowest latency, else
 * of its highest bandwidth, else FALLBACK (libvirt's first cell with vCPUs,
 * which the corpus' numatune-hmat shows). */
static unsigned initiator_of(const struct numa *numa, unsigned cell, unsigned fallback)
{
	uint64_t min_latency = UINT64_MAX, max_bandwidth = 0;
	int by_latency = -1, by_bandwidth = -1;
	for (size_t i = 0; i < numa->nlinks; i++) {
		const struct numa_link *l = &numa->links[i];
		if (l->target != cell)
			continue;
		if (l->kind == HMAT_LATENCY && l->value < min_latency) {
			min_latency = l->value;
			by_latency = (int)l->initiator;
		} else if (l->kind == HMAT_BANDWIDTH && l->value > max_bandwidth) {
			max_bandwidth = l->value;
			by_bandwidth = (int)l->initiator;
		}
	}
	return by_latency >= 0 ? (unsigned)by_latency
	       : by_bandwidth >= 0 ? (unsigned)by_bandwidth : fallback;
}

/* After check_cells(): the cells are sorted by id, which is their index. */
void check_hmat(struct parser *p, struct numa *numa)
{
	for (size_t i = 0; i < numa->ncells; i++) {
		if (!check_caches(p, &numa->cells[i]))
			return;
		numa->hmat |= numa->cells[i].ncaches > 0;
	}
	numa->hmat |= numa->nlinks > 0;
	if (!numa->hmat)
		return;
	for (size_t i = 0; i < numa->nlinks; i++)
		if (!check_link(p, numa, i))
			return;
	size_t first = 0;
	while (first < numa->ncells && !numa->cells[first].has_cpus)
		first++;
	if (first == numa->ncells) {
		diag_error(p->d, EXIT_DATAERR, numa->line, "<numa>",
			   "HMAT data, but no cell has vCPUs; expected cpus= on a cell, to initiate the accesses HMAT describes");
		return;
	}
	unsigned char given[256] = { 0 }; /* cell ids are 0 to 255 */
	if (!check_link_values(p, numa, given))
		return;
	for (size_t i = 0; i < numa->ncells; i++) {
		const struct numa_cell *c = &numa->cells[i];
		if (c->ncaches && given[i] != 3) {
			diag_error(p->d, EXIT_DATAERR, c->caches[0].line, "<cache>",
				   "cell %u has memory side caches but no %s to it; expected a <latency> and a <bandwidth> with target='%u' and a value above 0 (QEMU 7.2 needs both before the caches)",
				   c->id, given[i] & 1 ? "bandwidth" : "latency", c->id);
			return;
		}
	}
	for (size_t i = 0; i < numa->ncells; i++) {
		struct numa_cell *c = &numa->cells[i];
		c->initiator = c->has_cpus ? c->id : initiator_of(numa, c->id, (unsigned)first);
	}
}

void free_hmat(struct numa *numa)
{
	for (size_t i = 0; i < numa->ncells; i++)
		free(numa->cells[i].caches);
	free(numa->links);
}
