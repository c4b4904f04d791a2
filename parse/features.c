/*
 * The hypervisor features of <features> that libvirt writes for ordinary
 * guests: <hyperv> (mode custom, every flag libvirt knows, or
 * passthrough), <kvm>, <pvspinlock>, <apic eoi>, <ioapic driver>,
 * <vmcoreinfo>, <smm><tseg>, <async-teardown>, <ps2>, <msrs>.  What QEMU
 * 7.2 lacks, or what sevqemu's -machine accel= cannot carry, is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "parse/parser.h"
#include "lib/xalloc.h"

/* libvirt's <hyperv> flags, in its order; emit/features.c names them for
 * QEMU in the same order. */
static const char *const hyperv_flags[HYPERV_FLAGS + 1] = {
	"relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic",
	"stimer", "reset", "vendor_id", "frequencies", "reenlightenment",
	"tlbflush", "ipi", "evmcs", "avic", "emsr_bitmap", "xmm_input", NULL,
};
enum { HV_SPINLOCKS = 2, HV_STIMER = 6, HV_VENDOR_ID = 8, HV_TLBFLUSH = 11 };

/* state='on|off' of a flag element; absent counts as on, as in libvirt
 * for the children of <kvm> and <hyperv>. */
static enum tristate flag_state(struct parser *p, const xmlNode *n,
				const char *const *known)
{
	if (!known_attrs(p, n, known))
		return TRI_DEFAULT;
	enum tristate s = attr_onoff(p, n, "state");
	return s == TRI_DEFAULT ? TRI_ON : s;
}

/* <stimer><direct state=…/></stimer>, <tlbflush><direct/><extended/>… */
static void hyperv_subflags(struct parser *p, const xmlNode *n, int flag)
{
	struct hypervisor_features *hv = &p->dom->hv;
	static const char *const known[] = { "state", NULL };
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		bool on = flag_state(p, c, known) == TRI_ON;
		if (flag == HV_STIMER && xml_is(c, "direct"))
			hv->hv_stimer_direct = on;
		else if (flag == HV_TLBFLUSH && xml_is(c, "direct"))
			hv->hv_tlbflush_direct = on;
		else if (flag == HV_TLBFLUSH && xml_is(c, "extended"))
			hv->hv_tlbflush_ext = on;
		else
			unsupported(p, c, NULL);
	}
}

static void hyperv_flag(struct parser *p, const xmlNode *c)
{
	struct hypervisor_features *hv = &p->dom->hv;
	int flag = -1;
	for (int i = 0; i < HYPERV_FLAGS; i++)
		if (xml_is(c, hyperv_flags[i]))
			flag = i;
	if (flag < 0) {
		unsupported(p, c, NULL);
		return;
	}
	static const char *const known[] = { "state", "retries", "value", NULL };
	if (flag_state(p, c, known) != TRI_ON || diag_failed(p->d))
		return;
	uint64_t v;
	if (flag == HV_SPINLOCKS) {
		if (!attr_required(p, c, "retries") ||
		    !attr_decimal(p, c, "retries", 4095, UINT32_MAX, &v))
			return;
		hv->hv_spinlocks = (unsigned)v;
	} else if (flag == HV_VENDOR_ID) {
		const char *id = attr_required(p, c, "value");
		if (!id)
			return;
		bool printable = *id;
		for (const char *s = id; *s; s++)
			printable = printable && *s >= 0x20 && *s < 0x7f;
		if (strlen(id) > 12 || !printable) {
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "value='%s' is not a vendor id; expected 1 to 12 printable characters",
				   id);
			return;
		}
		free(hv->hv_vendor_id);
		hv->hv_vendor_id = xstrdup(id);
	}
	hv->hyperv_on |= 1u << flag;
	if (flag == HV_STIMER || flag == HV_TLBFLUSH)
		hyperv_subflags(p, c, flag);
}

static void parse_hyperv(struct parser *p, const xmlNode *n)
{
	struct hypervisor_features *hv = &p->dom->hv;
	static const char *const known[] = { "mode", NULL };
	static const char *const modes[] = { "custom", "passthrough", NULL };
	if (!known_attrs(p, n, known))
		return;
	int mode = attr_choice(p, n, "mode", modes);
	if (mode == -2)
		return;
	hv->hyperv = mode == 1 ? HYPERV_PASSTHROUGH : HYPERV_CUSTOM;
	/* passthrough may still list flags: they change nothing QEMU sees */
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		hyperv_flag(p, c);
}

/* <dirty-ring state='on' size='N'/>: KVM's dirty ring, N entries a vCPU
 * (a power of two from 1024 to 65536, as libvirt checks). */
static void parse_dirty_ring(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = { "state", "size", NULL };
	uint64_t size = 0;
	if (flag_state(p, n, known) != TRI_ON)
		return;
	if (!attr_required(p, n, "size") ||
	    !attr_decimal(p, n, "size", 1024, 65536, &size))
		return;
	if (size & (size - 1)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "size='%llu' is not a power of two; expected 1024, 2048, … 65536",
			   (unsigned long long)size);
		return;
	}
	p->dom->hv.dirty_ring = size;
	p->dom->hv.dirty_ring_line = xml_line(n);
}

/* <tcg><tb-cache unit=…>N</tb-cache></tcg>: TCG's translation buffer,
 * which QEMU takes in MiB (libvirt's KiB shifted by 10). */
static void parse_tcg(struct parser *p, const xmlNode *n)
{
	struct hypervisor_features *hv = &p->dom->hv;
	hv->tcg_line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		static const char *const known[] = { "unit", NULL };
		if (!xml_is(c, "tb-cache")) {
			unexpected(p, c, n, "<tb-cache>");
			return;
		}
		char *text = known_attrs(p, c, known) ? xml_text(c, p->d) : NULL;
		if (!text)
			return;
		const char *unit = xml_attr(c, "unit");
		uint64_t bytes = 0;
		if (parse_memory(text, unit, &bytes) != MEMORY_OK ||
		    bytes < (1u << 20) || bytes > (1ull << 42))
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "'%s' is not a translation cache size; expected 1 MiB to 4 TiB, in %s",
				   text, unit ? unit : "KiB");
		hv->tb_cache_mib = bytes >> 20;
		free(text);
	}
}

static void parse_kvm(struct parser *p, const xmlNode *n)
{
	struct hypervisor_features *hv = &p->dom->hv;
	static const char *const known[] = { "state", NULL };
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "dirty-ring")) {
			parse_dirty_ring(p, c);
			continue;
		}
		bool on = flag_state(p, c, known) == TRI_ON;
		if (xml_is(c, "hidden"))
			hv->kvm_hidden = on;
		else if (xml_is(c, "hint-dedicated"))
			hv->kvm_hint_dedicated = on;
		else if (xml_is(c, "poll-control"))
			hv->kvm_poll_control = on;
		else if (xml_is(c, "pv-ipi"))
			hv->kvm_pv_ipi_off = !on;
		else
			unsupported(p, c, NULL);
	}
}

/* <smm state='on'><tseg unit='MiB'>48</tseg></smm>: the extended TSEG. */
void parse_smm_tseg(struct parser *p, const xmlNode *n)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (!xml_is(c, "tseg")) {
			unexpected(p, c, n, "<tseg>");
			return;
		}
		static const char *const known[] = { "unit", NULL };
		static const char *const units[] = { "MiB", "M", NULL };
		uint64_t mib;
		if (!known_attrs(p, c, known) || attr_choice(p, c, "unit", units) == -2 ||
		    !text_decimal(p, c, 1, 0xfff, &mib, "a TSEG size in MiB"))
			return;
		p->dom->hv.smm_tseg_mib = mib;
	}
}

/* <apic eoi='on|off'/>: KVM's paravirtual end of interrupt. */
void parse_apic_eoi(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = { "eoi", NULL };
	if (known_attrs(p, n, known))
		p->dom->hv.apic_eoi = attr_onoff(p, n, "eoi");
}

/* One child of <features> this file reads; false: not one of them. */
bool parse_hypervisor_feature(struct parser *p, const xmlNode *c)
{
	struct hypervisor_features *hv = &p->dom->hv;
	static const char *const state_only[] = { "state", NULL };
	if (xml_is(c, "hyperv")) {
		parse_hyperv(p, c);
	} else if (xml_is(c, "kvm")) {
		parse_kvm(p, c);
	} else if (xml_is(c, "pvspinlock")) {
		if (known_attrs(p, c, state_only))
			hv->pvspinlock = attr_onoff(p, c, "state");
	} else if (xml_is(c, "ioapic")) {
		static const char *const known[] = { "driver", NULL };
		static const char *const drivers[] = { "kvm", "qemu", NULL };
		int d = known_attrs(p, c, known) ? attr_choice(p, c, "driver", drivers) : -2;
		if (d >= 0)
			hv->ioapic = d == 0 ? IOAPIC_KVM : IOAPIC_QEMU;
	} else if (xml_is(c, "vmcoreinfo")) {
		hv->vmcoreinfo = flag_state(p, c, state_only) == TRI_ON;
	} else if (xml_is(c, "async-teardown")) {
		static const char *const known[] = { "enabled", NULL };
		if (known_attrs(p, c, known))
			hv->async_teardown = attr_yesno(p, c, "enabled") == TRI_ON;
	} else if (xml_is(c, "ps2")) {
		if (known_attrs(p, c, state_only))
			hv->ps2 = attr_onoff(p, c, "state");
	} else if (xml_is(c, "msrs")) {
		ignored(p, c); /* kvm.ignore_msrs is the host's module setting */
	} else if (xml_is(c, "tcg")) {
		parse_tcg(p, c);
	} else {
		return false;
	}
	return true;
}

/* What needs the whole domain: TSEG is a q35 (MCH) setting, as libvirt
 * says. */
void check_hypervisor_features(struct parser *p)
{
	const struct domain *dom = p->dom;
	if (dom->hv.smm_tseg_mib && dom->os.family != MACHINE_Q35)
		diag_error(p->d, EXIT_DATAERR, dom->features.smm_line, "<smm>",
			   "<tseg> on a machine other than q35, which alone has an extended TSEG; expected a q35 machine");
	else if (dom->hv.dirty_ring_line && dom->type != VIRT_KVM)
		diag_error(p->d, EXIT_DATAERR, dom->hv.dirty_ring_line, "<dirty-ring>",
			   "the dirty ring is KVM's; expected <domain type='kvm'>");
	else if (dom->hv.tcg_line && dom->type != VIRT_QEMU)
		diag_error(p->d, EXIT_DATAERR, dom->hv.tcg_line, "<tcg>",
			   "TCG features need TCG; expected <domain type='qemu'>");
}

void free_hypervisor_features(struct domain *dom)
{
	free(dom->hv.hv_vendor_id);
}
