/* The guest's NUMA cells: a memory backend and a -numa node each (vCPUs as
 * ranges, one cpus= per range, as libvirt writes them), then -numa dist
 * for every distance given or implied, then the HMAT: -numa hmat-lb per
 * latency or bandwidth in document order, -numa hmat-cache per cache (QEMU
 * takes the caches only after the latencies and bandwidths to their cell,
 * which is why libvirt writes them last). */
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

static void build_hmat(struct build *b, const struct numa *numa)
{
	static const char *const hierarchy[] = {
		"memory", "first-level", "second-level", "third-level",
	};
	static const char *const access[] = { "access", "read", "write" };
	static const char *const assoc[] = {
		[HMAT_ASSOC_NONE] = "none", [HMAT_ASSOC_DIRECT] = "direct",
		[HMAT_ASSOC_FULL] = "complex",
	};
	static const char *const policy[] = {
		[HMAT_POLICY_NONE] = "none", [HMAT_POLICY_WRITEBACK] = "write-back",
		[HMAT_POLICY_WRITETHROUGH] = "write-through",
	};
	for (size_t i = 0; i < numa->nlinks; i++) {
		const struct numa_link *l = &numa->links[i];
		bool latency = l->kind == HMAT_LATENCY;
		char type[24], value[32];
		snprintf(type, sizeof(type), "%s-%s", access[l->access],
			 latency ? "latency" : "bandwidth");
		snprintf(value, sizeof(value), latency ? "%llu" : "%lluK", /* KiB/s */
			 (unsigned long long)l->value);
		struct keyval kv;
		kv_begin(&kv, "hmat-lb");
		kv_u64(&kv, "initiator", l->initiator);
		kv_u64(&kv, "target", l->target);
		kv_str(&kv, "hierarchy", hierarchy[l->cache]);
		kv_str(&kv, "data-type", type);
		kv_str(&kv, latency ? "latency" : "bandwidth", value);
		kv_push(&kv, b->argv, "-numa");
	}
	for (size_t i = 0; i < numa->ncells; i++)
		for (size_t j = 0; j < numa->cells[i].ncaches; j++) {
			const struct numa_cache *c = &numa->cells[i].caches[j];
			char size[32];
			snprintf(size, sizeof(size), "%lluK", (unsigned long long)c->size_kib);
			struct keyval kv;
			kv_begin(&kv, "hmat-cache");
			kv_u64(&kv, "node-id", numa->cells[i].id);
			kv_str(&kv, "size", size);
			kv_u64(&kv, "level", c->level);
			kv_str(&kv, "associativity", assoc[c->assoc]);
			kv_str(&kv, "policy", policy[c->policy]);
			kv_u64(&kv, "line", c->line_bytes);
			kv_push(&kv, b->argv, "-numa");
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
		if (numa->hmat)
			kv_u64(&kv, "initiator", c->initiator);
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
	build_hmat(b, numa);
}
