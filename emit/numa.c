/* The guest's NUMA cells: a memory backend and a -numa node each (vCPUs as
 * ranges, one cpus= per range, as libvirt writes them), then -numa dist
 * for every distance given or implied. */
#include <stdio.h>

#include "emit/build.h"

static void cpu_ranges(struct keyval *kv, const struct idset *cpus)
{
	for (unsigned i = 0; i < IDSET_MAX; i++) {
		if (!idset_has(cpus, i))
			continue;
		unsigned j = i;
		while (j + 1 < IDSET_MAX && idset_has(cpus, j + 1))
			j++;
		char range[24];
		snprintf(range, sizeof(range), j > i ? "%u-%u" : "%u", i, j);
		kv_str(kv, "cpus", range);
		i = j;
	}
}

void build_numa(struct build *b)
{
	const struct numa *numa = &b->dom->numa;
	const struct memory_backing *mb = &b->dom->memory_backing;
	for (size_t i = 0; i < numa->ncells; i++) {
		const struct numa_cell *c = &numa->cells[i];
		char id[24];
		snprintf(id, sizeof(id), "ram-node%u", c->id);
		struct backend_spec spec = {
			.hugepages = c->hugepages,
			.hugepage_kib = c->hugepage_kib,
			.shared = c->shared != TRI_DEFAULT ? c->shared : mb->shared,
			.discard = c->discard != TRI_DEFAULT ? c->discard == TRI_ON
							     : mb->discard,
			.mode = c->mode,
			.host_nodes = c->has_host_nodes ? &c->host_nodes : NULL,
		};
		memory_backend(b, id, c->memory_bytes, &spec);
		struct keyval kv;
		kv_begin(&kv, "node");
		kv_u64(&kv, "nodeid", c->id);
		if (c->has_cpus)
			cpu_ranges(&kv, &c->cpus);
		kv_str(&kv, "memdev", id);
		kv_push(&kv, b->argv, "-numa");
	}
	for (size_t i = 0; i < numa->ncells; i++)
		for (size_t j = 0; j < numa->cells[i].ndistances; j++) {
			unsigned d = numa->cells[i].distances[j];
			if (!d)
				continue;
			argv_push(b->argv, "-numa");
			argv_pushf(b->argv, "dist,src=%u,dst=%zu,val=%u",
				   numa->cells[i].id, j, d);
		}
}
