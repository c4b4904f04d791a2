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
	return mb->hugepages || mb->memfd || mb->shared != TRI_DEFAULT ? "ram0"
								      : NULL;
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

void build_memory_backing(struct build *b)
{
	const struct memory_backing *mb = &b->dom->memory_backing;
	if (mb->locked)
		argv_pair(b->argv, "-overcommit", "mem-lock=on");
	const char *id = memory_backend_id(b->dom);
	if (!id)
		return;
	struct keyval kv;
	/* Shared anonymous memory needs a backend too: memfd is libvirt's. */
	bool memfd = mb->memfd || !mb->hugepages;
	kv_begin(&kv, memfd ? "memory-backend-memfd" : "memory-backend-file");
	kv_str(&kv, "id", id);
	kv_u64(&kv, "size", guest_ram_mib(b->dom) << 20);
	if (memfd && mb->hugepages)
		kv_bool(&kv, "hugetlb", true);
	if (mb->shared != TRI_DEFAULT)
		kv_bool(&kv, "share", mb->shared == TRI_ON);
	if (!memfd) {
		kv_str(&kv, "mem-path", "/dev/hugepages");
		kv_bool(&kv, "prealloc", true);
	}
	build_push(b, &kv, "-object");
}
