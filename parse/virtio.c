/*
 * The virtio options of a device's <driver>: iommu, ats, packed,
 * page_per_vq (any virtio device), ioeventfd and event_idx, iothread, and
 * the queue counts and sizes, each for the devices libvirt takes it on.
 */
#include <string.h>

#include "parse/parser.h"

static const struct {
	const char *name;
	unsigned kinds;
} attrs[] = {
	{ "iommu", VD_COMMON }, { "ats", VD_COMMON }, { "packed", VD_COMMON }, { "page_per_vq", VD_COMMON },
	{ "ioeventfd", VD_DISK | VD_NET | VD_SCSI },
	{ "event_idx", VD_DISK | VD_NET },
	{ "iothread", VD_DISK | VD_SCSI },
	{ "queues", VD_DISK }, { "queue_size", VD_DISK },
	{ "rx_queue_size", VD_NET }, { "tx_queue_size", VD_NET },
	{ "rss", VD_NET }, { "rss_hash_report", VD_NET }, { "txmode", VD_NET },
	{ "cmd_per_lun", VD_SCSI }, { "max_sectors", VD_SCSI },
};

bool virtio_driver_attr(const char *name, unsigned kinds)
{
	for (size_t i = 0; i < sizeof(attrs) / sizeof(*attrs); i++)
		if (strcmp(attrs[i].name, name) == 0)
			return (attrs[i].kinds & (kinds | VD_COMMON)) != 0;
	return false;
}

bool virtio_driver_given(const struct virtio_driver *vd)
{
	return vd->iommu != TRI_DEFAULT || vd->ats != TRI_DEFAULT ||
	       vd->packed != TRI_DEFAULT || vd->page_per_vq != TRI_DEFAULT;
}

/* A virtqueue size: a power of two in [MIN, 1024], as QEMU 7.2 takes it. */
static unsigned queue_size(struct parser *p, const xmlNode *n, const char *name,
			   unsigned min)
{
	uint64_t v;
	if (!attr_decimal(p, n, name, min, 1024, &v))
		return 0;
	if (v & (v - 1)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%llu' is not a power of two; expected one from %u to 1024",
			   name, (unsigned long long)v, min);
		return 0;
	}
	return (unsigned)v;
}

static unsigned number(struct parser *p, const xmlNode *n, const char *name,
		       uint64_t max)
{
	uint64_t v;
	return attr_decimal(p, n, name, 1, max, &v) ? (unsigned)v : 0;
}

void parse_virtio_driver(struct parser *p, const xmlNode *n, unsigned kinds,
			 struct virtio_driver *vd)
{
	vd->line = xml_line(n);
	vd->iommu = attr_onoff(p, n, "iommu");
	vd->ats = attr_onoff(p, n, "ats");
	vd->packed = attr_onoff(p, n, "packed");
	vd->page_per_vq = attr_onoff(p, n, "page_per_vq");
	if (kinds & (VD_DISK | VD_NET | VD_SCSI))
		vd->ioeventfd = attr_onoff(p, n, "ioeventfd");
	if (kinds & (VD_DISK | VD_NET))
		vd->event_idx = attr_onoff(p, n, "event_idx");
	if (kinds & (VD_DISK | VD_SCSI))
		vd->iothread = number(p, n, "iothread", UINT32_MAX);
	if (kinds & VD_DISK) {
		vd->queues = number(p, n, "queues", 256);
		vd->queue_size = queue_size(p, n, "queue_size", 4);
	}
	if (kinds & VD_NET) {
		vd->rx_queue_size = queue_size(p, n, "rx_queue_size", 256);
		vd->tx_queue_size = queue_size(p, n, "tx_queue_size", 256);
		vd->rss = attr_onoff(p, n, "rss");
		vd->rss_hash_report = attr_onoff(p, n, "rss_hash_report");
		static const char *const modes[] = { "iothread", "timer", NULL };
		int mode = attr_choice(p, n, "txmode", modes);
		if (mode >= 0)
			vd->txmode = mode == 0 ? "bh" : "timer";
	}
	if (kinds & VD_SCSI) {
		vd->cmd_per_lun = number(p, n, "cmd_per_lun", UINT32_MAX);
		vd->max_sectors = number(p, n, "max_sectors", 0xfffe);
	}
}

/* A child every device may have: <alias>, <address> (ignored), <driver
 * iommu= ats= packed= page_per_vq=> (into *VD, when the device is virtio).
 * False: not one. */
bool device_common_child(struct parser *p, const xmlNode *c,
			 struct virtio_driver *vd)
{
	if (xml_is(c, "alias") || xml_is(c, "address")) {
		ignored(p, c);
		return true;
	}
	if (vd && xml_is(c, "driver")) {
		static const char *const known[] = {
			"iommu", "ats", "packed", "page_per_vq", NULL
		};
		if (vd->line)
			duplicate(p, c);
		else if (known_attrs(p, c, known))
			parse_virtio_driver(p, c, VD_COMMON, vd);
		return true;
	}
	return false;
}

const char *const virtio_model_names[] = {
	[VIRTIO_PLAIN] = "virtio", [VIRTIO_TRANSITIONAL] = "virtio-transitional",
	[VIRTIO_NON_TRANSITIONAL] = "virtio-non-transitional", NULL,
};

bool parse_virtio_model(const char *model, struct virtio_driver *vd)
{
	int i = model ? list_index(model, virtio_model_names) : VIRTIO_PLAIN;
	if (i < 0)
		return false;
	vd->flavour = (enum virtio_flavour)i;
	return true;
}

/* QEMU refuses iommu_platform on a device with a legacy interface, and an
 * encrypted guest's device cannot reach its memory without it.  LINE 0: the
 * device is not there (dropped, or none). */
static void check_model(struct parser *p, const struct virtio_driver *vd,
			unsigned line, const char *tag)
{
	if (line && vd->flavour == VIRTIO_TRANSITIONAL && !diag_failed(p->d) &&
	    p->dom->launch.type != LAUNCH_NONE)
		diag_error(p->d, EXIT_UNAVAILABLE, line, tag,
			   "model='virtio-transitional' on an encrypted guest: QEMU refuses the IOMMU platform feature, without which the device cannot reach the guest's memory, on a device with a legacy interface; expected 'virtio' or 'virtio-non-transitional'");
}

void check_virtio_models(struct parser *p)
{
	const struct domain *dom = p->dom;
	const struct devices_misc *m = &dom->misc;
	for (size_t i = 0; i < dom->ndisks; i++)
		check_model(p, &dom->disks[i].virtio, dom->disks[i].line, "<disk>");
	for (size_t i = 0; i < dom->nhostdevs; i++)
		if (dom->hostdevs[i].type == HOSTDEV_SCSI_HOST)
			check_model(p, &dom->hostdevs[i].virtio,
				    dom->hostdevs[i].line, "<hostdev>");
	for (size_t i = 0; i < m->nrngs; i++)
		check_model(p, &m->rngs[i].virtio, m->rngs[i].line, "<rng>");
	check_model(p, &m->balloon_virtio, m->balloon_line, "<memballoon>");
	check_model(p, &m->vsock.virtio, m->vsock.line, "<vsock>");
	for (size_t i = 0; i < dom->ninterfaces; i++)
		check_model(p, &dom->interfaces[i].virtio,
			    dom->interfaces[i].line, "<interface>");
	for (size_t i = 0; i < dom->nfilesystems; i++)
		check_model(p, &dom->filesystems[i].virtio,
			    dom->filesystems[i].line, "<filesystem>");
	for (size_t i = 0; i < dom->ncontrollers; i++)
		check_model(p, &dom->controllers[i].virtio,
			    dom->controllers[i].line, "<controller>");
}
