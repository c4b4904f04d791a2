/*
 * The guest's NUMA layout: <cpu><numa><cell> (vCPUs, memory, memAccess,
 * discard, distances), <numatune> (which host nodes back each cell, and
 * how strictly), and <hugepages><page nodeset> (which cells use which huge
 * page size).  check_numa() ties them together once the document is read.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "lib/xalloc.h"
#include "parse/parser.h"

static void idset_add(struct idset *s, unsigned i, bool on)
{
	if (on)
		s->bits[i / 64] |= 1ull << (i % 64);
	else
		s->bits[i / 64] &= ~(1ull << (i % 64));
}

static bool read_number(const char **s, unsigned max, unsigned *out)
{
	size_t n = strspn(*s, "0123456789");
	if (!n || n > 5)
		return false;
	char digits[6];
	memcpy(digits, *s, n);
	digits[n] = '\0';
	*out = (unsigned)atoi(digits);
	*s += n;
	return *out <= max;
}

/* libvirt's set syntax: "0-3,^2,8"; every number at most MAX.  An empty
 * result is an error too. */
bool idset_parse(const char *s, unsigned max, struct idset *out)
{
	memset(out, 0, sizeof(*out));
	for (;;) {
		bool neg = *s == '^';
		unsigned lo, hi;
		s += neg;
		if (!read_number(&s, max, &lo))
			return false;
		hi = lo;
		if (*s == '-' && !neg) {
			s++;
			if (!read_number(&s, max, &hi) || hi < lo)
				return false;
		}
		for (unsigned i = lo; i <= hi; i++)
			idset_add(out, i, !neg);
		if (!*s)
			break;
		if (*s++ != ',')
			return false;
	}
	for (size_t i = 0; i < IDSET_MAX / 64; i++)
		if (out->bits[i])
			return true;
	return false;
}

static bool attr_idset(struct parser *p, const xmlNode *n, const char *name,
		       unsigned max, struct idset *out)
{
	const char *s = xml_attr(n, name);
	if (s && idset_parse(s, max, out))
		return true;
	if (s)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%s' is not valid; expected numbers from 0 to %u and ranges, e.g. 0-3,^2,8",
			   name, s, max);
	return false;
}

static void parse_distances(struct parser *p, const xmlNode *n,
			    struct numa_cell *cell)
{
	static const char *const known[] = { "id", "value", NULL };
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		uint64_t id, value;
		if (!xml_is(c, "sibling")) {
			unexpected(p, c, n, "<sibling id='N' value='D'>");
			return;
		}
		if (!known_attrs(p, c, known) || !attr_required(p, c, "id") ||
		    !attr_required(p, c, "value") ||
		    !attr_decimal(p, c, "id", 0, 255, &id) ||
		    !attr_decimal(p, c, "value", 10, 255, &value))
			return;
		if (id >= cell->ndistances) {
			size_t old = cell->ndistances;
			cell->ndistances = (size_t)id + 1;
			cell->distances = xreallocarray(cell->distances, cell->ndistances,
							sizeof(unsigned));
			memset(cell->distances + old, 0,
			       (cell->ndistances - old) * sizeof(unsigned));
		}
		cell->distances[id] = (unsigned)value;
	}
}

static void parse_cell(struct parser *p, const xmlNode *n, struct numa *numa)
{
	static const char *const known[] = {
		"id", "cpus", "memory", "unit", "memAccess", "discard", NULL,
	};
	if (!known_attrs(p, n, known))
		return;
	XGROW(numa->cells, numa->ncells, numa->cells_alloc);
	struct numa_cell *cell = &numa->cells[numa->ncells];
	memset(cell, 0, sizeof(*cell));
	cell->line = xml_line(n);
	uint64_t id = numa->ncells;
	if (xml_attr(n, "id") && !attr_decimal(p, n, "id", 0, 255, &id))
		return;
	cell->id = (unsigned)id;
	numa->ncells++;
	if (xml_attr(n, "cpus")) {
		if (!attr_idset(p, n, "cpus", IDSET_MAX - 1, &cell->cpus))
			return;
		cell->has_cpus = true;
	}
	const char *memory = attr_required(p, n, "memory");
	if (!memory)
		return;
	const char *unit = xml_attr(n, "unit");
	uint64_t bytes;
	if (parse_memory(memory, unit, &bytes) != MEMORY_OK || !bytes ||
	    bytes > (UINT64_MAX >> 1)) {
		diag_error(p->d, EXIT_DATAERR, cell->line, XML_TAG(n),
			   "memory='%s'%s%s is not a size; expected a whole number above 0 of KiB or of unit=",
			   memory, unit ? " unit=" : "", unit ? unit : "");
		return;
	}
	cell->memory_bytes = (bytes + (1u << 20) - 1) & ~(uint64_t)((1u << 20) - 1);
	static const char *const access[] = { "shared", "private", NULL };
	int a = attr_choice(p, n, "memAccess", access);
	cell->shared = a == 0 ? TRI_ON : a == 1 ? TRI_OFF : TRI_DEFAULT;
	cell->discard = attr_yesno(p, n, "discard");
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "distances"))
			parse_distances(p, c, cell);
		else if (xml_is(c, "cache"))
			parse_numa_cache(p, c, cell);
		else
			unexpected(p, c, n, "<distances> or <cache>");
	}
}

/* <cpu><numa> (called by parse/cpu.c). */
void parse_numa(struct parser *p, const xmlNode *n)
{
	struct numa *numa = &p->dom->numa;
	if (numa->line) {
		duplicate(p, n);
		return;
	}
	numa->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "cell"))
			parse_cell(p, c, numa);
		else if (xml_is(c, "interconnects"))
			parse_interconnects(p, c, numa);
		else
			unexpected(p, c, n, "<cell> or <interconnects>");
	}
}

static enum numa_mode mode_of(struct parser *p, const xmlNode *n)
{
	static const char *const modes[] = {
		"strict", "preferred", "interleave", "restrictive", NULL,
	};
	int m = attr_choice(p, n, "mode", modes);
	return m < 0 ? NUMA_MODE_STRICT : (enum numa_mode)(NUMA_MODE_STRICT + m);
}

void parse_numatune(struct parser *p, const xmlNode *n)
{
	struct numa *numa = &p->dom->numa;
	static const char *const none[] = { NULL };
	static const char *const memory[] = { "mode", "nodeset", "placement", NULL };
	static const char *const memnode[] = { "cellid", "mode", "nodeset", NULL };
	if (numa->tune_line) {
		duplicate(p, n);
		return;
	}
	numa->tune_line = xml_line(n);
	if (!known_attrs(p, n, none))
		return;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "memory") && known_attrs(p, c, memory)) {
			numa->mode = mode_of(p, c);
			numa->has_nodes = attr_idset(p, c, "nodeset", 1023, &numa->nodes);
			if (!numa->has_nodes && !diag_failed(p->d))
				diag_note(p->d, xml_line(c), XML_TAG(c),
					  "no nodeset= (placement='auto' asks numad): the kernel places the memory");
		} else if (xml_is(c, "memnode") && known_attrs(p, c, memnode)) {
			uint64_t cellid;
			if (!attr_required(p, c, "cellid") || !attr_required(p, c, "nodeset") ||
			    !attr_decimal(p, c, "cellid", 0, 255, &cellid))
				return;
			XGROW(numa->memnodes, numa->nmemnodes, numa->memnodes_alloc);
			struct numa_memnode *m = &numa->memnodes[numa->nmemnodes++];
			m->cellid = (unsigned)cellid;
			m->line = xml_line(c);
			m->mode = mode_of(p, c);
			attr_idset(p, c, "nodeset", 1023, &m->nodes);
		} else if (!diag_failed(p->d)) {
			unexpected(p, c, n, "<memory> or <memnode>");
		}
	}
}

/* <memoryBacking><hugepages><page size unit nodeset> (parse/cpu.c). */
void parse_hugepage_size(struct parser *p, const xmlNode *n)
{
	struct memory_backing *mb = &p->dom->memory_backing;
	static const char *const known[] = { "size", "unit", "nodeset", NULL };
	if (!xml_is(n, "page")) {
		unexpected(p, n, n->parent, "<page size='N' unit='KiB' nodeset='...'>");
		return;
	}
	const char *size = known_attrs(p, n, known) ? attr_required(p, n, "size") : NULL;
	if (!size)
		return;
	uint64_t bytes;
	if (parse_memory(size, xml_attr(n, "unit"), &bytes) != MEMORY_OK ||
	    bytes < 4096 || (bytes & (bytes - 1))) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "size='%s' is not a page size; expected a power of two, e.g. size='2048' unit='KiB' or size='1' unit='GiB'",
			   size);
		return;
	}
	XGROW(mb->pages, mb->npages, mb->pages_alloc);
	struct hugepage_size *h = &mb->pages[mb->npages++];
	memset(h, 0, sizeof(*h));
	h->line = xml_line(n);
	h->size_kib = bytes >> 10;
	h->has_nodes = attr_idset(p, n, "nodeset", 255, &h->nodes);
}

/* Each cell's id once, below the number of cells; sorted by id. */
static bool check_cells(struct parser *p, struct numa *numa, unsigned vcpus)
{
	for (size_t i = 0; i < numa->ncells; i++) {
		struct numa_cell *c = &numa->cells[i];
		if (c->id >= numa->ncells) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<cell>",
				   "id='%u' is not valid; expected the cells numbered 0 to %zu, each once",
				   c->id, numa->ncells - 1);
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (numa->cells[j].id == c->id) {
				diag_error(p->d, EXIT_DATAERR, c->line, "<cell>",
					   "id='%u' is given twice; expected each cell once", c->id);
				return false;
			}
		for (unsigned v = vcpus; c->has_cpus && v < IDSET_MAX; v++)
			if (idset_has(&c->cpus, v)) {
				diag_error(p->d, EXIT_DATAERR, c->line, "<cell>",
					   "cpus= names vCPU %u, but <vcpu> is %u; expected vCPUs 0 to %u",
					   v, vcpus, vcpus - 1);
				return false;
			}
		for (size_t j = 0; j < i; j++)
			for (unsigned v = 0; v < vcpus; v++)
				if (idset_has(&c->cpus, v) && idset_has(&numa->cells[j].cpus, v)) {
					diag_error(p->d, EXIT_DATAERR, c->line, "<cell>",
						   "vCPU %u is in cells %u and %u; expected each vCPU in one cell",
						   v, numa->cells[j].id, c->id);
					return false;
				}
	}
	for (size_t i = 1; i < numa->ncells; i++) /* insertion sort by id */
		for (size_t j = i; j > 0 && numa->cells[j - 1].id > numa->cells[j].id; j--) {
			struct numa_cell t = numa->cells[j];
			numa->cells[j] = numa->cells[j - 1];
			numa->cells[j - 1] = t;
		}
	return true;
}

/* Siblings exist, a cell is 10 from itself, and a distance given one way
 * holds the other way too (libvirt fills it in). */
static bool check_distances(struct parser *p, struct numa *numa)
{
	for (size_t i = 0; i < numa->ncells; i++) {
		struct numa_cell *c = &numa->cells[i];
		if (c->ndistances > numa->ncells) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<cell>",
				   "<sibling id='%zu'> is not a cell; expected a cell id from 0 to %zu",
				   c->ndistances - 1, numa->ncells - 1);
			return false;
		}
		if (i < c->ndistances && c->distances[i] && c->distances[i] != 10) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<cell>",
				   "its distance to itself is %u; expected 10", c->distances[i]);
			return false;
		}
	}
	for (size_t i = 0; i < numa->ncells; i++)
		for (size_t j = 0; j < numa->cells[i].ndistances; j++) {
			struct numa_cell *o = &numa->cells[j];
			unsigned d = numa->cells[i].distances[j];
			if (!d)
				continue;
			if (o->ndistances <= i) {
				size_t old = o->ndistances;
				o->ndistances = i + 1;
				o->distances = xreallocarray(o->distances, o->ndistances, sizeof(unsigned));
				memset(o->distances + old, 0, (o->ndistances - old) * sizeof(unsigned));
			}
			if (!o->distances[i])
				o->distances[i] = d;
		}
	return true;
}

/* <numatune>: a <memnode> per cell, else its <memory>. */
static bool assign_host_nodes(struct parser *p, struct numa *numa)
{
	for (size_t i = 0; i < numa->ncells; i++) {
		numa->cells[i].mode = numa->has_nodes ? numa->mode : NUMA_MODE_NONE;
		numa->cells[i].has_host_nodes = numa->has_nodes;
		numa->cells[i].host_nodes = numa->nodes;
	}
	for (size_t i = 0; i < numa->nmemnodes; i++) {
		const struct numa_memnode *m = &numa->memnodes[i];
		if (m->cellid >= numa->ncells) {
			diag_error(p->d, EXIT_DATAERR, m->line, "<memnode>",
				   "cellid='%u' is not a guest NUMA cell; expected one of 0 to %zu under <cpu><numa>",
				   m->cellid, numa->ncells ? numa->ncells - 1 : 0);
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (numa->memnodes[j].cellid == m->cellid) {
				diag_error(p->d, EXIT_DATAERR, m->line, "<memnode>",
					   "cellid='%u' is given twice; expected one <memnode> per cell",
					   m->cellid);
				return false;
			}
		struct numa_cell *c = &numa->cells[m->cellid];
		c->mode = m->mode;
		c->has_host_nodes = true;
		c->host_nodes = m->nodes;
	}
	return true;
}

/* <hugepages>: a <page> whose nodeset holds the cell, else one without a
 * nodeset, else the default size when <hugepages/> has no <page>. */
static bool assign_hugepages(struct parser *p, struct domain *dom)
{
	struct memory_backing *mb = &dom->memory_backing;
	struct numa *numa = &dom->numa;
	for (size_t i = 0; i < mb->npages; i++)
		for (unsigned id = (unsigned)numa->ncells; mb->pages[i].has_nodes && id < IDSET_MAX; id++)
			if (idset_has(&mb->pages[i].nodes, id)) {
				diag_error(p->d, EXIT_DATAERR, mb->pages[i].line, "<page>",
					   "nodeset= names guest NUMA cell %u, which does not exist; expected cells of <cpu><numa>",
					   id);
				return false;
			}
	for (size_t c = 0; c < numa->ncells; c++) {
		struct numa_cell *cell = &numa->cells[c];
		cell->hugepages = mb->hugepages && !mb->npages;
		for (size_t i = 0; i < mb->npages; i++) {
			const struct hugepage_size *h = &mb->pages[i];
			if (h->has_nodes ? idset_has(&h->nodes, cell->id)
					 : !cell->hugepages) {
				cell->hugepages = true;
				cell->hugepage_kib = h->size_kib;
				if (h->has_nodes)
					break;
			}
		}
	}
	return true;
}

void check_numa(struct parser *p)
{
	struct domain *dom = p->dom;
	struct numa *numa = &dom->numa;
	if (!numa->ncells) {
		if (numa->nmemnodes)
			diag_error(p->d, EXIT_DATAERR, numa->memnodes[0].line, "<memnode>",
				   "a guest without NUMA cells; expected <cpu><numa><cell> for it to place");
		else if (numa->tune_line)
			diag_note(p->d, numa->tune_line, "<numatune>",
				  "a guest without NUMA cells: its host nodes are set outside QEMU (libvirt uses cgroups); ignored");
		if (numa->links_line && !diag_failed(p->d))
			diag_error(p->d, EXIT_DATAERR, numa->links_line, "<interconnects>",
				   "a guest without NUMA cells; expected <cell> elements for it to link");
		for (size_t i = 0; i < dom->memory_backing.npages && !diag_failed(p->d); i++)
			if (dom->memory_backing.pages[i].has_nodes)
				diag_error(p->d, EXIT_DATAERR, dom->memory_backing.pages[i].line, "<page>",
					   "nodeset= without guest NUMA cells; expected <cpu><numa> or no nodeset=");
		return;
	}
	if (!check_cells(p, numa, dom->vcpus) || !check_distances(p, numa) ||
	    !assign_host_nodes(p, numa) || !assign_hugepages(p, dom))
		return;
	check_hmat(p, numa);
	if (diag_failed(p->d))
		return;
	if (numa->hmat && !dom->features.acpi) /* QEMU takes it and builds no table */
		diag_warn(p->d, numa->line, "<numa>",
			  "HMAT is an ACPI table: without <features><acpi/> the guest sees none of its caches, latencies and bandwidths");
	uint64_t total = 0;
	for (size_t i = 0; i < numa->ncells; i++)
		total += numa->cells[i].memory_bytes;
	if (total != dom->memory_bytes)
		diag_note(p->d, numa->line, "<numa>",
			  "the cells hold %llu MiB: that is the guest's memory (as libvirt reads it), not <memory>",
			  (unsigned long long)(total >> 20));
	dom->memory_bytes = total;
}

void free_numa(struct domain *dom)
{
	free_hmat(&dom->numa);
	for (size_t i = 0; i < dom->numa.ncells; i++)
		free(dom->numa.cells[i].distances);
	free(dom->numa.cells);
	free(dom->numa.memnodes);
	free(dom->memory_backing.pages);
}
