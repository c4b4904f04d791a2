/* The machine, and what happens when the guest reboots, powers off or
 * crashes. */
#include "emit/build.h"

/* -accel, as libvirt writes it: KVM with its dirty ring, TCG with its
 * translation buffer. */
static void build_accel(struct build *b)
{
	const struct hypervisor_features *hv = &b->dom->hv;
	struct keyval kv;
	bool kvm = b->dom->type == VIRT_KVM;
	kv_begin(&kv, kvm ? "kvm" : "tcg");
	if (kvm && hv->dirty_ring)
		kv_u64(&kv, "dirty-ring-size", hv->dirty_ring);
	if (!kvm && hv->tb_cache_mib)
		kv_u64(&kv, "tb-size", hv->tb_cache_mib);
	kv_push(&kv, b->argv, "-accel");
}

void build_machine(struct build *b)
{
	const struct domain *dom = b->dom;
	struct keyval kv;
	kv_begin(&kv, dom->os.machine);
	if (!dom->os.machine)
		diag_note(b->d, dom->os.line, "<type>",
			  "no machine=: QEMU's default machine type");
	if (b->sev)
		kv_str(&kv, b->opts->cgs ? "confidential-guest-support"
					 : "memory-encryption",
		       LAUNCH_OBJECT_ID);
	if (b->fw.type == LOADER_PFLASH) {
		kv_str(&kv, "pflash0", "pflash0");
		if (b->fw.nvram || b->dom->os.nvram_net)
			kv_str(&kv, "pflash1", "pflash1");
	}
	const char *backend = memory_backend_id(dom);
	if (backend)
		kv_str(&kv, "memory-backend", backend);
	if (dom->dump_core != TRI_DEFAULT)
		kv_bool(&kv, "dump-guest-core", dom->dump_core == TRI_ON);
	for (size_t i = 0; i < dom->memdevs.n; i++)
		if (dom->memdevs.devs[i].model == MEMDEV_NVDIMM) {
			kv_bool(&kv, "nvdimm", true); /* the machine's NFIT */
			break;
		}
	if (dom->memory_backing.nosharepages) /* no KSM merging */
		kv_bool(&kv, "mem-merge", false);
	if (dom->numa.hmat) /* the ACPI table of the cells' latencies and caches */
		kv_bool(&kv, "hmat", true);
	if (!dom->features.acpi)
		kv_bool(&kv, "acpi", false);
	hypervisor_machine_props(dom, &kv);
	if (dom->clock.hpet != TRI_DEFAULT)
		kv_bool(&kv, "hpet", dom->clock.hpet == TRI_ON);
	if (dom->features.vmport != TRI_DEFAULT)
		kv_bool(&kv, "vmport", dom->features.vmport == TRI_ON);
	/* An encrypted-state guest cannot enter SMM: say so rather than rely
	 * on QEMU's auto, which only SNP resolves to off by itself. */
	if (b->es)
		kv_bool(&kv, "smm", false);
	else if (dom->features.smm != TRI_DEFAULT)
		kv_bool(&kv, "smm", dom->features.smm == TRI_ON);
	else if (b->fw.requires_smm)
		kv_bool(&kv, "smm", true); /* the chosen firmware's, as libvirt */
	if (kv.len) /* QEMU's default machine with nothing to set: no -machine */
		build_push(b, &kv, "-machine");
	else
		kv_discard(&kv);
	build_accel(b);
}

void build_lifecycle(struct build *b)
{
	const struct lifecycle *lc = &b->dom->lifecycle;
	if (lc->reboot == REBOOT_DESTROY || b->es) {
		argv_push(b->argv, "-no-reboot");
		if (b->es && lc->reboot != REBOOT_DESTROY)
			diag_note(b->d, b->dom->launch.line, b->dom->launch.element,
				  "-no-reboot: the VMM cannot reset an encrypted-state (SEV-ES/SNP) guest");
	}
	if (lc->poweroff == POWEROFF_PRESERVE)
		argv_pair(b->argv, "-action", "shutdown=pause");
	static const char *const panic[] = {
		[CRASH_DESTROY] = "panic=shutdown",
		[CRASH_PRESERVE] = "panic=pause",
		[CRASH_RESTART] = "panic=none",
	};
	if (lc->crash != CRASH_DEFAULT)
		argv_pair(b->argv, "-action", panic[lc->crash]);
}
