/* Guest memory and vCPUs: -m, -smp, -overcommit and the memory backend. */
#include <stdio.h>

#include "emit/build.h"

uint64_t guest_ram_mib(const struct domain *dom)
{
	/* QEMU sizes x86 RAM in whole MiB; round up as libvirt does. */
	return (dom->memory_bytes + (1u << 20) - 1) >> 20;
}

const char *memory_backend_id(const struct domain *dom)
{
	const struct memory_backing *mb = &dom->memory_backing;
	if (dom->numa.ncells) /* each cell has its own (emit/numa.c) */
		return NULL;
	return mb->hugepages || mb->memfd || mb->shared != TRI_DEFAULT ||
	       mb->prealloc || mb->file ? "ram0" : NULL;
}

void build_memory_cpus(struct build *b)
{
	const struct domain *dom = b->dom;
	uint64_t mib = guest_ram_mib(dom);
	if (mib << 20 != dom->memory_bytes)
		diag_note(b->d, dom->memory_line, "<memory>",
			  "%llu bytes rounded up to %llu MiB",
			  (unsigned long long)dom->memory_bytes,
			  (unsigned long long)mib);
	argv_push(b->argv, "-m");
	const struct memory_devices *md = &dom->memdevs;
	if (md->max_line)
		argv_pushf(b->argv, "size=%lluM,slots=%u,maxmem=%lluM",
			   (unsigned long long)mib, md->slots,
			   (unsigned long long)(md->max_bytes >> 20));
	else
		argv_pushf(b->argv, "%lluM", (unsigned long long)mib);

	unsigned current = dom->vcpus_current ? dom->vcpus_current : dom->vcpus;
	char cpus[16];
	snprintf(cpus, sizeof(cpus), "%u", current);
	struct keyval kv;
	kv_begin(&kv, cpus);
	if (current != dom->vcpus)
		kv_u64(&kv, "maxcpus", dom->vcpus);
	const struct cpu *cpu = &dom->cpu;
	if (cpu->topology_line) {
		kv_u64(&kv, "sockets", cpu->sockets);
		if (cpu->dies > 1)
			kv_u64(&kv, "dies", cpu->dies);
		kv_u64(&kv, "cores", cpu->cores);
		kv_u64(&kv, "threads", cpu->threads);
	} else {
		/* libvirt's reading of a bare <vcpu>: one core per socket. */
		kv_u64(&kv, "sockets", dom->vcpus);
		kv_u64(&kv, "cores", 1);
		kv_u64(&kv, "threads", 1);
	}
	kv_push(&kv, b->argv, "-smp");
}

/* QEMU's policy= for a <numatune> mode; NULL: none (restrictive leaves
 * the nodes to cgroups, as libvirt does). */
static const char *policy(enum numa_mode mode)
{
	static const char *const names[] = {
		[NUMA_MODE_STRICT] = "bind", [NUMA_MODE_PREFERRED] = "preferred",
		[NUMA_MODE_INTERLEAVE] = "interleave",
	};
	return mode < sizeof(names) / sizeof(*names) ? names[mode] : NULL;
}

void memory_backend(struct build *b, const char *id, uint64_t bytes,
		    const struct backend_spec *spec)
{
	const struct memory_backing *mb = &b->dom->memory_backing;
	/* Explicit huge page sizes go through memfd, which needs no hugetlbfs
	 * mount for the size; shared anonymous memory is memfd, as libvirt's. */
	bool huge = spec->hugepages;
	bool memfd = !spec->file &&
		     (mb->memfd || (huge && spec->hugepage_kib) ||
		      (!huge && !mb->file && spec->shared != TRI_DEFAULT));
	bool file = (huge || mb->file || spec->file) && !memfd;
	/* <source type='file'/>: libvirt's memory backing directory is the
	 * state dir; QEMU makes an unlinked file of its own in a directory. */
	const char *dir = file && !huge ? plan_state_dir(b) : "/dev/hugepages";
	if (!dir)
		return;
	struct keyval kv;
	kv_begin(&kv, memfd ? "memory-backend-memfd" : file ? "memory-backend-file"
							   : "memory-backend-ram");
	kv_str(&kv, "id", id);
	kv_u64(&kv, "size", bytes);
	if (memfd && huge) {
		kv_bool(&kv, "hugetlb", true);
		if (spec->hugepage_kib)
			kv_u64(&kv, "hugetlbsize", spec->hugepage_kib << 10);
	}
	if (spec->shared != TRI_DEFAULT)
		kv_bool(&kv, "share", spec->shared == TRI_ON);
	if (spec->no_reserve)
		kv_bool(&kv, "reserve", false);
	if (file)
		kv_str(&kv, "mem-path", dir);
	if ((file && huge) || mb->prealloc)
		kv_bool(&kv, "prealloc", true);
	if (((file && huge) || mb->prealloc) && mb->prealloc_threads)
		kv_u64(&kv, "prealloc-threads", mb->prealloc_threads);
	if (file && spec->discard)
		kv_bool(&kv, "discard-data", true);
	const char *pol = spec->host_nodes ? policy(spec->mode) : NULL;
	if (pol) {
		for (unsigned i = 0; i < IDSET_MAX; i++) {
			if (!idset_has(spec->host_nodes, i))
				continue;
			unsigned j = i;
			while (j + 1 < IDSET_MAX && idset_has(spec->host_nodes, j + 1))
				j++;
			char range[24];
			snprintf(range, sizeof(range), j > i ? "%u-%u" : "%u", i, j);
			kv_str(&kv, "host-nodes", range);
			i = j;
		}
		kv_str(&kv, "policy", pol);
	}
	build_push(b, &kv, "-object");
}

void build_memory_backing(struct build *b)
{
	const struct memory_backing *mb = &b->dom->memory_backing;
	if (mb->locked)
		argv_pair(b->argv, "-overcommit", "mem-lock=on");
	const char *id = memory_backend_id(b->dom);
	if (!id)
		return;
	struct backend_spec spec = {
		.hugepages = mb->hugepages,
		.hugepage_kib = mb->npages ? mb->pages[0].size_kib : 0,
		.shared = mb->shared,
		.discard = mb->discard,
	};
	memory_backend(b, id, guest_ram_mib(b->dom) << 20, &spec);
}
