/* <memory model='dimm'> and 'virtio-mem': a backend each, then pc-dimm on
 * the next slot or virtio-mem-pci on a PCI(e) slot, as libvirt writes
 * them. */
#include <stdio.h>

#include "emit/build.h"

void build_memory_devices(struct build *b)
{
	const struct memory_devices *md = &b->dom->memdevs;
	const struct memory_backing *mb = &b->dom->memory_backing;
	unsigned slot = 0, nvirtio = 0;
	for (size_t i = 0; i < md->n && !diag_failed(b->d); i++) {
		const struct memdev *m = &md->devs[i];
		bool dimm = m->model == MEMDEV_DIMM;
		unsigned n = dimm ? slot : nvirtio;
		char backend[32], id[32];
		snprintf(backend, sizeof(backend), dimm ? "memdimm%u" : "memvirtiomem%u", n);
		snprintf(id, sizeof(id), dimm ? "dimm%u" : "virtiomem%u", n);
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
		memory_backend(b, backend, m->size_bytes, &spec);
		struct keyval kv;
		kv_begin(&kv, dimm ? "pc-dimm" : "virtio-mem-pci");
		if (m->has_node)
			kv_u64(&kv, "node", m->node);
		if (!dimm) {
			kv_u64(&kv, "block-size", m->block_bytes ? m->block_bytes : 2u << 20);
			kv_u64(&kv, "requested-size", m->requested_bytes);
		}
		kv_str(&kv, "memdev", backend);
		kv_str(&kv, "id", id);
		if (dimm) {
			kv_u64(&kv, "slot", slot++);
		} else {
			nvirtio++;
			if (!pci_place(b, &kv, m->line, "<memory>")) {
				kv_discard(&kv);
				return;
			}
			virtio_options(b, &kv, &m->virtio, false);
		}
		build_push(b, &kv, "-device");
	}
}
