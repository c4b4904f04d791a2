/* What every virtio device of an encrypted guest needs. */
#include "emit/build.h"

void virtio_options(struct build *b, struct keyval *device,
		    enum tristate iommu, bool has_legacy)
{
	/* QEMU >= 6.0 sets these itself for confidential guests; older QEMU
	 * does not, and the guest then cannot reach the device's buffers. */
	if (iommu == TRI_ON || (b->sev && iommu != TRI_OFF)) {
		kv_bool(device, "iommu_platform", true);
		if (has_legacy)
			kv_bool(device, "disable-legacy", true);
	} else if (iommu == TRI_OFF) {
		kv_bool(device, "iommu_platform", false);
	}
}
