/*
 * Memory beyond the boot RAM: <maxMemory slots> (the room for it), the
 * <memory model='dimm|virtio-mem'> devices that fill it, and
 * <memoryBacking><allocation>.  An encrypted guest cannot have what QEMU
 * or KVM refuse it: that is said here, with the reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "lib/xalloc.h"
#include "parse/parser.h"

#define MiB2 (2ull << 20)

/* A size element (<size>, <block>, <requested>, <maxMemory>) in bytes. */
static bool size_or_zero(struct parser *p, const xmlNode *n, uint64_t *bytes,
			 bool zero)
{
	static const char *const known[] = { "unit", "slots", NULL };
	char *text = known_attrs(p, n, known) ? xml_text(n, p->d) : NULL;
	if (!text)
		return false;
	const char *unit = xml_attr(n, "unit");
	bool ok = parse_memory(text, unit, bytes) == MEMORY_OK &&
		  (*bytes || zero) && *bytes < (1ull << 62);
	if (!ok)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "'%s' is not a size; expected a whole number %s of %s",
			   text, zero ? "from 0" : "above 0", unit ? unit : "KiB");
	free(text);
	return ok;
}

static bool size_of(struct parser *p, const xmlNode *n, uint64_t *bytes)
{
	return size_or_zero(p, n, bytes, false);
}

void parse_max_memory(struct parser *p, const xmlNode *n)
{
	struct memory_devices *md = &p->dom->memdevs;
	if (md->max_line) {
		duplicate(p, n);
		return;
	}
	md->max_line = xml_line(n);
	uint64_t slots = 0;
	if (!size_of(p, n, &md->max_bytes))
		return;
	if (xml_attr(n, "slots") && !attr_decimal(p, n, "slots", 0, UINT32_MAX, &slots))
		return;
	if (slots > 256) {
		refuse(p, n, "slots='%llu': QEMU 7.2 has at most 256 memory slots on x86",
		       (unsigned long long)slots);
		return;
	}
	md->slots = (unsigned)slots;
	md->max_bytes = (md->max_bytes + (1u << 20) - 1) & ~(uint64_t)((1u << 20) - 1);
}

void parse_allocation(struct parser *p, const xmlNode *n)
{
	struct memory_backing *mb = &p->dom->memory_backing;
	static const char *const known[] = { "mode", "threads", NULL };
	static const char *const modes[] = { "immediate", "ondemand", NULL };
	uint64_t threads;
	if (!known_attrs(p, n, known))
		return;
	mb->prealloc = attr_choice(p, n, "mode", modes) == 0;
	if (attr_decimal(p, n, "threads", 1, 4096, &threads))
		mb->prealloc_threads = (unsigned)threads;
}

static void parse_source(struct parser *p, const xmlNode *n, struct memdev *m)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		uint64_t bytes;
		if (xml_is(c, "pagesize")) {
			if (size_of(p, c, &bytes))
				m->pagesize_kib = bytes >> 10;
		} else if (xml_is(c, "nodemask")) {
			char *text = xml_text(c, p->d);
			m->has_nodemask = text && idset_parse(text, 1023, &m->nodemask);
			if (text && !m->has_nodemask)
				diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
					   "'%s' is not valid; expected host NUMA nodes, e.g. 0-1,3", text);
			free(text);
		} else if ((m->model == MEMDEV_NVDIMM || m->model == MEMDEV_VIRTIO_PMEM) &&
			   xml_is(c, "path")) {
			text_once(p, c, &m->path);
		} else if (m->model == MEMDEV_NVDIMM && xml_is(c, "alignsize")) {
			size_of(p, c, &m->align_bytes);
		} else if (m->model == MEMDEV_NVDIMM && xml_is(c, "pmem")) {
			m->pmem = true;
		} else {
			unexpected(p, c, n, m->model == MEMDEV_NVDIMM ? "<path>, <alignsize> or <pmem>"
				   : m->model == MEMDEV_VIRTIO_PMEM ? "<path>"
				   : "<pagesize> or <nodemask>");
		}
	}
}

/* <label><size unit=…>N</size></label>: the nvdimm's label area. */
static void nvdimm_label(struct parser *p, const xmlNode *n, struct memdev *m)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		if (!xml_is(c, "size"))
			unexpected(p, c, n, "<size>");
		else
			size_of(p, c, &m->label_bytes);
}

/* <address type='dimm' slot= base=>: base= is where QEMU maps it. */
static void dimm_address(struct parser *p, const xmlNode *c, struct memdev *m)
{
	const char *base = xml_attr(c, "base");
	if (!base || m->model == MEMDEV_VIRTIO_MEM) {
		ignored(p, c);
		return;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(base, &end, 16);
	if (errno || *end || !v || strncmp(base, "0x", 2) != 0)
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "base='%s' is not valid; expected a guest physical address like 0x100000000",
			   base);
	m->base = v;
}

static void parse_target(struct parser *p, const xmlNode *n, struct memdev *m)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		uint64_t v;
		if (xml_is(c, "size"))
			size_of(p, c, &m->size_bytes);
		else if (xml_is(c, "node") &&
			 text_decimal(p, c, 0, 255, &v, "a guest NUMA cell id"))
			m->has_node = true, m->node = (unsigned)v;
		else if (xml_is(c, "block") && m->model == MEMDEV_VIRTIO_MEM)
			size_of(p, c, &m->block_bytes);
		else if (xml_is(c, "requested") && m->model == MEMDEV_VIRTIO_MEM)
			size_or_zero(p, c, &m->requested_bytes, true);
		else if (xml_is(c, "current") && m->model == MEMDEV_VIRTIO_MEM)
			ignored(p, c); /* a live value libvirt reports */
		else if (xml_is(c, "label") && m->model == MEMDEV_NVDIMM)
			nvdimm_label(p, c, m);
		else if (xml_is(c, "readonly") && m->model == MEMDEV_NVDIMM)
			m->readonly = true;
		else if (!xml_is(c, "node"))
			unexpected(p, c, n, m->model == MEMDEV_DIMM ? "<size> or <node>"
				   : m->model == MEMDEV_NVDIMM ? "<size>, <node>, <label> or <readonly>"
				   : "<size>, <node>, <block> or <requested>");
	}
}

void parse_memory_device(struct parser *p, const xmlNode *n)
{
	struct memory_devices *md = &p->dom->memdevs;
	static const char *const known[] = { "model", "access", "discard", NULL };
	static const char *const models[] = {
		"dimm", "virtio-mem", "nvdimm", "virtio-pmem", "sgx-epc", NULL,
	};
	if (!known_attrs(p, n, known) || !attr_required(p, n, "model"))
		return;
	int model = attr_choice(p, n, "model", models);
	if (model < 0)
		return;
	if (model == 4) {
		refuse(p, n, "model='%s' (a host file or enclave mapped into the guest) is not translated by sevqemu",
		       models[model]);
		return;
	}
	static const char *const accesses[] = { "shared", "private", NULL };
	int access = attr_choice(p, n, "access", accesses);
	enum tristate discard = attr_yesno(p, n, "discard");
	if (access == -2 || diag_failed(p->d))
		return;
	XGROW(md->devs, md->n, md->alloc);
	struct memdev *m = &md->devs[md->n++];
	memset(m, 0, sizeof(*m));
	m->line = xml_line(n);
	static const enum memdev_model kinds[] = {
		MEMDEV_DIMM, MEMDEV_VIRTIO_MEM, MEMDEV_NVDIMM, MEMDEV_VIRTIO_PMEM,
	};
	m->model = kinds[model];
	m->access = access < 0 ? TRI_DEFAULT : access == 0 ? TRI_ON : TRI_OFF;
	m->discard = discard;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "source"))
			parse_source(p, c, m);
		else if (xml_is(c, "target"))
			parse_target(p, c, m);
		else if (xml_is(c, "address"))
			dimm_address(p, c, m);
		else if (!device_common_child(p, c, m->model == MEMDEV_VIRTIO_MEM ? &m->virtio : NULL))
			unexpected(p, c, n, "<source>, <target>, <address>");
	}
	if (!diag_failed(p->d) && !m->size_bytes)
		diag_error(p->d, EXIT_DATAERR, m->line, XML_TAG(n),
			   "has no <target><size>; expected the device's size");
	if (!diag_failed(p->d) && (m->model == MEMDEV_NVDIMM || m->model == MEMDEV_VIRTIO_PMEM) &&
	    !m->path)
		diag_error(p->d, EXIT_DATAERR, m->line, XML_TAG(n),
			   "model='%s' has no <source><path>; expected the host file that backs it",
			   m->model == MEMDEV_NVDIMM ? "nvdimm" : "virtio-pmem");
	if (m->model != MEMDEV_VIRTIO_MEM) /* x86 DIMMs are 2 MiB aligned */
		m->size_bytes = (m->size_bytes + MiB2 - 1) & ~(MiB2 - 1);
}

static bool check_memdev(struct parser *p, const struct memdev *m)
{
	const struct domain *dom = p->dom;
	const char *model = m->model == MEMDEV_DIMM ? "dimm"
			    : m->model == MEMDEV_NVDIMM ? "nvdimm"
			    : m->model == MEMDEV_VIRTIO_PMEM ? "virtio-pmem" : "virtio-mem";
	if (dom->launch.type != LAUNCH_NONE &&
	    (m->model == MEMDEV_NVDIMM || m->model == MEMDEV_VIRTIO_PMEM)) {
		diag_error(p->d, EXIT_UNAVAILABLE, m->line, "<memory>",
			   "model='%s' cannot serve an encrypted guest: SEV encrypts what the guest writes to it with this launch's key, so the host file holds nothing a later boot can read; expected model='dimm'",
			   model);
		return false;
	}
	if (m->label_bytes && (m->label_bytes < (128u << 10) ||
			       m->label_bytes >= m->size_bytes)) {
		diag_error(p->d, EXIT_DATAERR, m->line, "<memory>",
			   "the nvdimm's <label> size must be at least 128 KiB (QEMU's minimum) and below its <size>");
		return false;
	}
	if (dom->launch.type != LAUNCH_NONE && m->model == MEMDEV_VIRTIO_MEM) {
		diag_error(p->d, EXIT_UNAVAILABLE, m->line, "<memory>",
			   "model='virtio-mem' cannot serve an encrypted guest: SEV pins guest memory, so QEMU disables the RAM discarding virtio-mem is built on; expected model='dimm'");
		return false;
	}
	if (m->has_node && m->node >= dom->numa.ncells) {
		diag_error(p->d, EXIT_DATAERR, m->line, "<memory>",
			   "<node>%u</node> is not a guest NUMA cell; expected %s",
			   m->node, dom->numa.ncells ? "a cell id of <cpu><numa>" : "no <node> without <cpu><numa>");
		return false;
	}
	if (m->model == MEMDEV_VIRTIO_PMEM && m->has_node) {
		diag_error(p->d, EXIT_DATAERR, m->line, "<memory>",
			   "model='virtio-pmem' with a <target><node>: QEMU's virtio-pmem-pci belongs to no NUMA cell; expected no <node>");
		return false;
	}
	if (dom->numa.ncells && !m->has_node && m->model != MEMDEV_VIRTIO_PMEM) {
		diag_error(p->d, EXIT_DATAERR, m->line, "<memory>",
			   "model='%s' has no <target><node>; expected the guest NUMA cell it belongs to", model);
		return false;
	}
	if (m->model == MEMDEV_VIRTIO_MEM &&
	    ((m->block_bytes && (m->block_bytes & (m->block_bytes - 1))) ||
	     m->requested_bytes > m->size_bytes ||
	     m->size_bytes % (m->block_bytes ? m->block_bytes : MiB2) ||
	     m->requested_bytes % (m->block_bytes ? m->block_bytes : MiB2))) {
		diag_error(p->d, EXIT_DATAERR, m->line, "<memory>",
			   "model='virtio-mem': <size> and <requested> must be multiples of <block> (a power of two, 2 MiB when absent), <requested> at most <size>");
		return false;
	}
	return true;
}

void check_memory_devices(struct parser *p)
{
	struct domain *dom = p->dom;
	struct memory_devices *md = &dom->memdevs;
	uint64_t plugged = 0;
	size_t dimms = 0;
	for (size_t i = 0; i < md->n; i++) {
		if (!md->max_line) {
			diag_error(p->d, EXIT_DATAERR, md->devs[i].line, "<memory>",
				   "a memory device needs <maxMemory>; expected <maxMemory slots='16' unit='GiB'>N</maxMemory>");
			return;
		}
		if (!check_memdev(p, &md->devs[i]))
			return;
		plugged += md->devs[i].size_bytes;
		dimms += md->devs[i].model != MEMDEV_VIRTIO_MEM;
	}
	if (!md->max_line)
		return;
	if (dimms > md->slots) {
		diag_error(p->d, EXIT_DATAERR, md->max_line, "<maxMemory>",
			   "slots='%u' but there are %zu DIMMs; expected a slot for each", md->slots, dimms);
		return;
	}
	/* <memory> counts the devices too: the boot RAM is what is left. */
	if (!dom->numa.ncells && plugged) {
		if (plugged >= dom->memory_bytes) {
			diag_error(p->d, EXIT_DATAERR, dom->memory_line, "<memory>",
				   "is not larger than the memory devices' %llu MiB; expected the boot RAM plus the devices",
				   (unsigned long long)(plugged >> 20));
			return;
		}
		dom->memory_bytes -= plugged;
	}
	if (md->max_bytes < dom->memory_bytes + plugged)
		diag_error(p->d, EXIT_DATAERR, md->max_line, "<maxMemory>",
			   "is smaller than the guest's memory and its devices (%llu MiB); expected at least that",
			   (unsigned long long)((dom->memory_bytes + plugged) >> 20));
	else if (dom->launch.type != LAUNCH_NONE)
		diag_note(p->d, md->max_line, "<maxMemory>",
			  "memory plugged into an encrypted guest after start is pinned too: the memory lock limit must cover <maxMemory>");
}

void free_memory_devices(struct domain *dom)
{
	for (size_t i = 0; i < dom->memdevs.n; i++)
		free(dom->memdevs.devs[i].path);
	free(dom->memdevs.devs);
}
