/*
 * The hypervisor features as libvirt writes them for QEMU: Hyper-V and KVM
 * flags on -cpu, the I/O APIC and PS/2 on -machine, the TSEG global, the
 * vmcoreinfo device and -async-teardown (QEMU 7.2's form of libvirt's
 * -run-with async-teardown=on).
 */
#include <stdio.h>

#include "emit/build.h"

/* QEMU's names of libvirt's <hyperv> flags, in parse/features.c's order. */
static const char *const hyperv_props[HYPERV_FLAGS] = {
	"hv-relaxed", "hv-vapic", "hv-spinlocks", "hv-vpindex", "hv-runtime",
	"hv-synic", "hv-stimer", "hv-reset", "hv-vendor-id", "hv-frequencies",
	"hv-reenlightenment", "hv-tlbflush", "hv-ipi", "hv-evmcs", "hv-avic",
	"hv-emsr-bitmap", "hv-xmm-input",
};

bool hypervisor_needs_cpu(const struct domain *dom)
{
	const struct hypervisor_features *hv = &dom->hv;
	return hv->hyperv != HYPERV_NONE || hv->kvm_hidden || hv->kvm_hint_dedicated ||
	       hv->kvm_poll_control || hv->kvm_pv_ipi_off ||
	       hv->pvspinlock != TRI_DEFAULT || hv->apic_eoi != TRI_DEFAULT ||
	       dom->misc.panic_hyperv_line;
}

static void hyperv_cpu_flags(const struct hypervisor_features *hv, struct keyval *kv)
{
	if (hv->hyperv == HYPERV_PASSTHROUGH) {
		kv_bool(kv, "hv-passthrough", true);
		return;
	}
	for (int i = 0; i < HYPERV_FLAGS; i++) {
		if (!(hv->hyperv_on & (1u << i)))
			continue;
		if (i == 2)
			kv_hex(kv, hyperv_props[i], hv->hv_spinlocks);
		else if (i == 8)
			kv_str(kv, hyperv_props[i], hv->hv_vendor_id);
		else
			kv_bool(kv, hyperv_props[i], true);
		if (i == 6 && hv->hv_stimer_direct)
			kv_bool(kv, "hv-stimer-direct", true);
		if (i == 11 && hv->hv_tlbflush_direct)
			kv_bool(kv, "hv-tlbflush-direct", true);
		if (i == 11 && hv->hv_tlbflush_ext)
			kv_bool(kv, "hv-tlbflush-ext", true);
	}
}

/* After the model and its features, in libvirt's order. */
void hypervisor_cpu_flags(const struct domain *dom, struct keyval *kv)
{
	const struct hypervisor_features *hv = &dom->hv;
	if (hv->apic_eoi != TRI_DEFAULT)
		kv_bool(kv, "kvm-pv-eoi", hv->apic_eoi == TRI_ON);
	if (hv->pvspinlock != TRI_DEFAULT)
		kv_bool(kv, "kvm-pv-unhalt", hv->pvspinlock == TRI_ON);
	if (hv->hyperv != HYPERV_NONE)
		hyperv_cpu_flags(hv, kv);
	if (dom->misc.panic_hyperv_line) /* <panic model='hyperv'> */
		kv_bool(kv, "hv-crash", true);
	if (hv->kvm_hidden)
		kv_bool(kv, "kvm", false);
	if (hv->kvm_hint_dedicated)
		kv_bool(kv, "kvm-hint-dedicated", true);
	if (hv->kvm_poll_control)
		kv_bool(kv, "kvm-poll-control", true);
	if (hv->kvm_pv_ipi_off)
		kv_bool(kv, "kvm-pv-ipi", false);
}

/* kernel_irqchip= for <ioapic driver>, i8042= for <ps2>. */
void hypervisor_machine_props(const struct domain *dom, struct keyval *kv)
{
	const struct hypervisor_features *hv = &dom->hv;
	if (hv->ioapic != IOAPIC_DEFAULT)
		kv_str(kv, "kernel_irqchip", hv->ioapic == IOAPIC_KVM ? "on" : "split");
	if (hv->ps2 != TRI_DEFAULT)
		kv_bool(kv, "i8042", hv->ps2 == TRI_ON);
}

void build_hypervisor_extras(struct build *b)
{
	const struct hypervisor_features *hv = &b->dom->hv;
	if (hv->smm_tseg_mib) {
		char g[64];
		snprintf(g, sizeof(g), "mch.extended-tseg-mbytes=%llu",
			 (unsigned long long)hv->smm_tseg_mib);
		argv_pair(b->argv, "-global", g);
	}
	if (hv->vmcoreinfo) {
		struct keyval kv;
		kv_begin(&kv, "vmcoreinfo");
		build_push(b, &kv, "-device");
	}
	if (hv->async_teardown)
		argv_push(b->argv, "-async-teardown");
}
