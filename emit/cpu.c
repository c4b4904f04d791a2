/* -cpu: the model, its features, and the CPU flags of <features> and
 * <clock>'s timers. */
#include <string.h>

#include "emit/build.h"

/* Features libvirt never passes to QEMU (qemu_capabilities.c,
 * virQEMUCapsCPUFilterFeatures): QEMU never had them or dropped them as
 * useless, and QEMU 7.2 refuses osxsave=on ("Property ... not found"). */
static bool qemu_has_feature(const char *name)
{
	static const char *const dropped[] = { "cmt", "mbm_total", "mbm_local", "osxsave", "ospke" };
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		if (strcmp(name, dropped[i]) == 0)
			return false;
	return true;
}

void build_cpu(struct build *b)
{
	const struct cpu *cpu = &b->dom->cpu;
	bool tcg = b->dom->type == VIRT_QEMU;
	const char *model = cpu->model;
	if (cpu->mode == CPU_HOST_PASSTHROUGH)
		model = "host";
	else if (cpu->mode == CPU_HOST_MODEL)
		model = tcg ? "max" : "host"; /* TCG refuses -cpu host */
	else if (cpu->mode == CPU_MAXIMUM)
		model = "max";
	enum tristate pmu = b->dom->features.pmu;
	const struct clock *clock = &b->dom->clock;
	bool timers = clock->kvmclock != TRI_DEFAULT || clock->hypervclock ||
		      clock->tsc_frequency;
	/* A 32-bit guest on qemu-system-x86_64 gets a 32-bit CPU, as libvirt
	 * gives it (qemu-system-i386's default is one already). */
	bool i686 = b->dom->os.i686;
	bool force32 = i686 && !model && strstr(b->host->emulator, "x86_64");
	if (!model && pmu == TRI_DEFAULT && !timers && !hypervisor_needs_cpu(b->dom) &&
	    !cpu->vendor_id && !cpu->cache && !cpu->physaddr && !force32)
		return;
	struct keyval kv;
	/* QEMU's own default model, when only flags ask for a -cpu. */
	kv_begin(&kv, model ? model : i686 ? "qemu32" : "qemu64");
	if (cpu->vendor_id)
		kv_str(&kv, "vendor", cpu->vendor_id);
	for (size_t i = 0; i < cpu->nfeatures; i++)
		if (qemu_has_feature(cpu->features[i].name))
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
	/* libvirt's order: kvmclock, hv-time, the hypervisor features,
	 * tsc-frequency */
	if (clock->kvmclock != TRI_DEFAULT)
		kv_bool(&kv, "kvmclock", clock->kvmclock == TRI_ON);
	if (clock->hypervclock)
		kv_bool(&kv, "hv-time", true);
	hypervisor_cpu_flags(b->dom, &kv);
	if (clock->tsc_frequency)
		kv_u64(&kv, "tsc-frequency", clock->tsc_frequency);
	build_push(b, &kv, "-cpu");
}
