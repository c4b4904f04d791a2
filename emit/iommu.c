/* <iommu model='intel'>: intel-iommu before the PCI devices it translates
 * for, with libvirt's options in libvirt's order. */
#include "emit/build.h"

void build_iommu(struct build *b)
{
	const struct iommu *io = &b->dom->misc.iommu;
	if (!io->line)
		return;
	struct keyval kv;
	kv_begin(&kv, "intel-iommu");
	kv_str(&kv, "id", "iommu0");
	if (io->intremap != TRI_DEFAULT)
		kv_bool(&kv, "intremap", io->intremap == TRI_ON);
	if (io->caching_mode != TRI_DEFAULT)
		kv_bool(&kv, "caching-mode", io->caching_mode == TRI_ON);
	if (io->eim != TRI_DEFAULT)
		kv_bool(&kv, "eim", io->eim == TRI_ON);
	if (io->iotlb != TRI_DEFAULT)
		kv_bool(&kv, "device-iotlb", io->iotlb == TRI_ON);
	if (io->aw_bits)
		kv_u64(&kv, "aw-bits", io->aw_bits);
	if (io->dma_translation != TRI_DEFAULT)
		kv_bool(&kv, "dma-translation", io->dma_translation == TRI_ON);
	build_push(b, &kv, "-device");
}
