/* -cpu and -rtc. */
#include "emit/build.h"

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
