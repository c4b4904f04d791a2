/* -cpu and -rtc. */
#include <string.h>

#include "emit/build.h"

void build_cpu(struct build *b)
{
	const struct cpu *cpu = &b->dom->cpu;
	const char *model = cpu->mode == CPU_HOST_PASSTHROUGH ||
				    cpu->mode == CPU_HOST_MODEL
			    ? "host" : cpu->model;
	enum tristate pmu = b->dom->features.pmu;
	/* A 32-bit guest on qemu-system-x86_64 gets a 32-bit CPU, as libvirt
	 * gives it (qemu-system-i386's default is one already). */
	bool i686 = b->dom->os.i686;
	bool force32 = i686 && !model && strstr(b->host->emulator, "x86_64");
	if (!model && pmu == TRI_DEFAULT && !cpu->vendor_id && !cpu->cache &&
	    !cpu->physaddr && !force32)
		return;
	struct keyval kv;
	/* QEMU's own default model, when only <pmu> asks for a -cpu. */
	kv_begin(&kv, model ? model : i686 ? "qemu32" : "qemu64");
	if (cpu->vendor_id)
		kv_str(&kv, "vendor", cpu->vendor_id);
	for (size_t i = 0; i < cpu->nfeatures; i++)
		kv_bool(&kv, cpu->features[i].name, cpu->features[i].enable);
	if (cpu->cache == CPU_CACHE_PASSTHROUGH)
		kv_bool(&kv, "host-cache-info", true);
	if (cpu->cache != CPU_CACHE_DEFAULT)
		kv_bool(&kv, "l3-cache", cpu->cache == CPU_CACHE_EMULATE);
	if (cpu->physaddr == CPU_PHYS_PASSTHROUGH)
		kv_bool(&kv, "host-phys-bits", true);
	else if (cpu->physaddr == CPU_PHYS_EMULATE)
		kv_u64(&kv, "phys-bits", cpu->physaddr_bits);
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
