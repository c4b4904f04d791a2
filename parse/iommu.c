/*
 * <iommu model='intel'> with its <driver> options, read as libvirt reads
 * them for QEMU's intel-iommu.  An encrypted guest is refused one: QEMU's
 * emulated IOMMU walks the guest's DMA and interrupt remapping tables in
 * guest memory, which SEV encrypts.
 */
#include "parse/parser.h"

static void parse_iommu_driver(struct parser *p, const xmlNode *c, struct iommu *io)
{
	static const char *const known[] = {
		"intremap", "caching_mode", "eim", "iotlb", "aw_bits",
		"dma_translation", NULL,
	};
	if (!known_attrs(p, c, known))
		return;
	io->intremap = attr_onoff(p, c, "intremap");
	io->caching_mode = attr_onoff(p, c, "caching_mode");
	io->eim = attr_onoff(p, c, "eim");
	io->iotlb = attr_onoff(p, c, "iotlb");
	io->dma_translation = attr_onoff(p, c, "dma_translation");
	uint64_t bits;
	if (xml_attr(c, "aw_bits") && attr_decimal(p, c, "aw_bits", 39, 48, &bits)) {
		if (bits != 39 && bits != 48)
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "aw_bits='%u' is not an address width VT-d has; expected 39 or 48",
				   (unsigned)bits);
		io->aw_bits = (unsigned)bits;
	}
}

void parse_iommu(struct parser *p, const xmlNode *n)
{
	struct iommu *io = &p->dom->misc.iommu;
	static const char *const known[] = { "model", NULL };
	static const char *const models[] = { "intel", "smmuv3", "virtio", "amd", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "model"))
		return;
	int model = attr_choice(p, n, "model", models);
	if (model < 0)
		return;
	if (model != 0) {
		refuse(p, n, "model='%s' is not translated by sevqemu; expected model='intel'",
		       models[model]);
		return;
	}
	if (io->line) {
		duplicate(p, n);
		return;
	}
	io->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "driver"))
			parse_iommu_driver(p, c, io);
		else if (!device_common_child(p, c, NULL))
			unexpected(p, c, n, "<driver>");
	}
}

/* libvirt's rules: VT-d is q35's; interrupt remapping needs the I/O APIC
 * in QEMU (kernel_irqchip=split), x2APIC mode needs interrupt remapping. */
void check_iommu(struct parser *p)
{
	const struct domain *dom = p->dom;
	const struct iommu *io = &dom->misc.iommu;
	const char *why = NULL;
	if (!io->line)
		return;
	if (dom->launch.type != LAUNCH_NONE) {
		diag_error(p->d, EXIT_UNAVAILABLE, io->line, "<iommu>",
			   "model='intel' cannot serve an encrypted guest: QEMU's emulated IOMMU reads the guest's DMA and interrupt remapping tables from guest memory, which SEV encrypts; expected no <iommu> (virtio devices get iommu_platform=on)");
		return;
	}
	if (dom->os.family != MACHINE_Q35)
		why = "model='intel' is q35's; expected a q35 machine";
	else if (io->intremap == TRI_ON && dom->hv.ioapic != IOAPIC_QEMU)
		why = "intremap='on' needs QEMU's I/O APIC; expected <features><ioapic driver='qemu'/></features>";
	else if (io->eim == TRI_ON && io->intremap != TRI_ON)
		why = "eim='on' needs interrupt remapping; expected intremap='on'";
	else if (io->eim == TRI_ON && dom->type != VIRT_KVM)
		why = "eim='on' needs KVM's split irqchip (QEMU refuses it under TCG); expected <domain type='kvm'>";
	if (why)
		diag_error(p->d, EXIT_DATAERR, io->line, "<iommu>", "%s", why);
}
