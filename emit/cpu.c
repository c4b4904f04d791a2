/* -cpu, -rtc, -overcommit and the memory backend. */
#include "emit/build.h"

const char *memory_backend_id(const struct domain *dom)
{
	const struct memory_backing *mb = &dom->memory_backing;
	return mb->hugepages || mb->memfd || mb->shared != TRI_DEFAULT ? "ram0"
								      : NULL;
}

void build_cpu(struct build *b)
{
	const struct cpu *cpu = &b->dom->cpu;
	const char *model = cpu->mode == CPU_HOST_PASSTHROUGH ||
				    cpu->mode == CPU_HOST_MODEL
			    ? "host" : cpu->model;
	enum tristate pmu = b->dom->features.pmu;
	if (!model && pmu == TRI_DEFAULT)
		return;
	struct keyval kv;
	/* QEMU's own default model, when only <pmu> asks for a -cpu. */
	kv_begin(&kv, model ? model : "qemu64");
	for (size_t i = 0; i < cpu->nfeatures; i++)
		kv_bool(&kv, cpu->features[i].name, cpu->features[i].enable);
	if (pmu != TRI_DEFAULT)
		kv_bool(&kv, "pmu", pmu == TRI_ON);
	build_push(b, &kv, "-cpu");
}

void build_clock(struct build *b)
{
	static const char *const bases[] = {
		[CLOCK_UTC] = "base=utc",
		[CLOCK_LOCALTIME] = "base=localtime",
	};
	if (b->dom->clock.offset != CLOCK_DEFAULT)
		argv_pair(b->argv, "-rtc", bases[b->dom->clock.offset]);
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
