/* Every virtio device's options: what an encrypted guest needs, and what
 * the XML's <driver> asks (parse/virtio.c). */
#include <stdio.h>

#include "emit/build.h"

static void tri(struct keyval *kv, const char *key, enum tristate t)
{
	if (t != TRI_DEFAULT)
		kv_bool(kv, key, t == TRI_ON);
}

static void count(struct keyval *kv, const char *key, unsigned v)
{
	if (v)
		kv_u64(kv, key, v);
}

void virtio_begin(struct keyval *kv, const char *base,
		  const struct virtio_driver *vd)
{
	static const char *const suffix[] = {
		[VIRTIO_PLAIN] = "", [VIRTIO_TRANSITIONAL] = "-transitional",
		[VIRTIO_NON_TRANSITIONAL] = "-non-transitional",
	};
	char name[64];
	snprintf(name, sizeof(name), "%s%s", base, vd ? suffix[vd->flavour] : "");
	kv_begin(kv, name);
}

void virtio_options(struct build *b, struct keyval *device,
		    const struct virtio_driver *vd, bool has_legacy)
{
	static const struct virtio_driver none = { 0 };
	if (!vd)
		vd = &none;
	/* Only the plain device has a legacy interface to turn off. */
	has_legacy = has_legacy && vd->flavour == VIRTIO_PLAIN;
	/* QEMU >= 6.0 sets these itself for confidential guests; older QEMU
	 * does not, and the guest then cannot reach the device's buffers.
	 * An explicit iommu='off' is the XML's own choice. */
	if (vd->iommu == TRI_ON || (b->sev && vd->iommu != TRI_OFF)) {
		kv_bool(device, "iommu_platform", true);
		if (has_legacy)
			kv_bool(device, "disable-legacy", true);
	} else if (vd->iommu == TRI_OFF) {
		kv_bool(device, "iommu_platform", false);
	}
	if (vd->txmode)
		kv_str(device, "tx", vd->txmode);
	tri(device, "ats", vd->ats);
	tri(device, "packed", vd->packed);
	tri(device, "page-per-vq", vd->page_per_vq);
	tri(device, "ioeventfd", vd->ioeventfd);
	tri(device, "event_idx", vd->event_idx);
	count(device, "num-queues", vd->queues);
	count(device, "queue-size", vd->queue_size);
	count(device, "rx_queue_size", vd->rx_queue_size);
	count(device, "tx_queue_size", vd->tx_queue_size);
	tri(device, "rss", vd->rss);
	tri(device, "hash", vd->rss_hash_report);
	count(device, "cmd_per_lun", vd->cmd_per_lun);
	count(device, "max_sectors", vd->max_sectors);
	if (vd->iothread) {
		char id[24];
		snprintf(id, sizeof(id), "iothread%u", vd->iothread);
		kv_str(device, "iothread", id);
	}
}
