/* <memory model='dimm'> and 'virtio-mem': a backend each, then pc-dimm on
 * the next slot or virtio-mem-pci on a PCI(e) slot, as libvirt writes
 * them. */
#include <stdio.h>

#include "emit/build.h"

/* An nvdimm's backend: the host file the XML names, shared unless
 * access='private', preallocated, as libvirt writes it. */
static void nvdimm_backend(struct build *b, const char *id, const struct memdev *m)
{
	struct keyval kv;
	kv_begin(&kv, "memory-backend-file");
	kv_str(&kv, "id", id);
	kv_str(&kv, "mem-path", m->path);
	kv_bool(&kv, "share", m->access != TRI_OFF);
	if (m->model == MEMDEV_NVDIMM) /* libvirt leaves virtio-pmem's to the guest */
		kv_bool(&kv, "prealloc", true);
	kv_u64(&kv, "size", m->size_bytes);
	if (m->align_bytes)
		kv_u64(&kv, "align", m->align_bytes);
	if (m->pmem)
		kv_bool(&kv, "pmem", true);
	build_push(b, &kv, "-object");
}

/* pc-dimm and nvdimm: the NUMA cell, the nvdimm's label and read-only
 * state, the backend, the slot and where it is mapped. */
static void dimm_device(struct build *b, const struct memdev *m,
			const char *backend, const char *id, unsigned slot)
{
	struct keyval kv;
	bool nv = m->model == MEMDEV_NVDIMM;
	kv_begin(&kv, nv ? "nvdimm" : "pc-dimm");
	if (m->has_node)
		kv_u64(&kv, "node", m->node);
	if (nv && m->label_bytes)
		kv_u64(&kv, "label-size", m->label_bytes);
	if (nv && m->readonly)
		kv_bool(&kv, "unarmed", true);
	kv_str(&kv, "memdev", backend);
	kv_str(&kv, "id", id);
	kv_u64(&kv, "slot", slot);
	if (m->base)
		kv_u64(&kv, "addr", m->base);
	build_push(b, &kv, "-device");
}

/* virtio-pmem-pci on a PCI(e) slot, mapped where <address base> says. */
static void pmem_device(struct build *b, const struct memdev *m, unsigned n)
{
	char backend[32], id[32];
	snprintf(backend, sizeof(backend), "memvirtiopmem%u", n);
	snprintf(id, sizeof(id), "virtiopmem%u", n);
	nvdimm_backend(b, backend, m);
	struct keyval kv;
	kv_begin(&kv, "virtio-pmem-pci");
	kv_str(&kv, "memdev", backend);
	if (m->base)
		kv_u64(&kv, "memaddr", m->base);
	kv_str(&kv, "id", id);
	if (!pci_place(b, &kv, m->line, "<memory>")) {
		kv_discard(&kv);
		return;
	}
	build_push(b, &kv, "-device");
}

void build_memory_devices(struct build *b)
{
	const struct memory_devices *md = &b->dom->memdevs;
	const struct memory_backing *mb = &b->dom->memory_backing;
	unsigned slot = 0, nvirtio = 0, npmem = 0;
	for (size_t i = 0; i < md->n && !diag_failed(b->d); i++) {
		const struct memdev *m = &md->devs[i];
		if (m->model == MEMDEV_VIRTIO_PMEM) {
			pmem_device(b, m, npmem++);
			continue;
		}
		bool dimm = m->model != MEMDEV_VIRTIO_MEM;
		bool nv = m->model == MEMDEV_NVDIMM;
		unsigned n = dimm ? slot : nvirtio;
		char backend[32], id[32];
		snprintf(backend, sizeof(backend), nv ? "memnvdimm%u" : dimm ? "memdimm%u" : "memvirtiomem%u", n);
		snprintf(id, sizeof(id), nv ? "nvdimm%u" : dimm ? "dimm%u" : "virtiomem%u", n);
		if (nv) {
			nvdimm_backend(b, backend, m);
			dimm_device(b, m, backend, id, slot++);
			continue;
		}
		struct backend_spec spec = {
			.hugepages = m->pagesize_kib || (mb->hugepages && !mb->npages),
			.hugepage_kib = m->pagesize_kib,
			.shared = mb->shared,
			.mode = NUMA_MODE_STRICT,
			.host_nodes = m->has_nodemask ? &m->nodemask : NULL,
			.no_reserve = !dimm,
		};
		/* No <pagesize>: the guest NUMA cell's pages and access, as
		 * libvirt gives them. */
		const struct numa_cell *cell = m->has_node && m->node < b->dom->numa.ncells
						       ? &b->dom->numa.cells[m->node] : NULL;
		if (cell && !m->pagesize_kib) {
			spec.hugepages = cell->hugepages;
			spec.hugepage_kib = cell->hugepage_kib;
			if (cell->shared != TRI_DEFAULT)
				spec.shared = cell->shared;
		}
		/* access= and discard= as libvirt: share=, and discard='yes'
		 * a file backend (in the state dir) with discard-data. */
		if (m->access != TRI_DEFAULT)
			spec.shared = m->access;
		if (m->discard == TRI_ON)
			spec.file = spec.discard = true;
		if (spec.file && spec.hugepages && spec.hugepage_kib) {
			diag_error(b->d, EXIT_UNAVAILABLE, m->line, "<memory>",
				   "discard='yes' with a huge page size: QEMU's discard-data is a file backend's, and sevqemu backs an explicit page size with memfd; expected no discard= or the default page size");
			return;
		}
		memory_backend(b, backend, m->size_bytes, &spec);
		if (dimm) {
			dimm_device(b, m, backend, id, slot++);
			continue;
		}
		struct keyval kv;
		kv_begin(&kv, "virtio-mem-pci");
		if (m->has_node)
			kv_u64(&kv, "node", m->node);
		kv_u64(&kv, "block-size", m->block_bytes ? m->block_bytes : 2u << 20);
		kv_u64(&kv, "requested-size", m->requested_bytes);
		kv_str(&kv, "memdev", backend);
		kv_str(&kv, "id", id);
		nvirtio++;
		if (!pci_place(b, &kv, m->line, "<memory>")) {
			kv_discard(&kv);
			return;
		}
		virtio_options(b, &kv, &m->virtio, false);
		build_push(b, &kv, "-device");
	}
}
