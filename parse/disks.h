/*
 * More of the model (parse/domain.h): disks and their storage.  Included by
 * domain.h at the place this section belongs, after the types it uses;
 * include domain.h, never this file alone.
 */
#ifndef SEVQEMU_DOMAIN_DISKS_H
#define SEVQEMU_DOMAIN_DISKS_H

/* --- devices ----------------------------------------------------------- */

enum disk_bus { BUS_VIRTIO, BUS_SATA, BUS_IDE, BUS_SCSI, BUS_USB, BUS_FDC };
/* The image formats QEMU 7.2 opens, in libvirt's order: from FORMAT_QCOW
 * on, an image can have a backing image (libvirt's VIR_STORAGE_FILE_BACKING). */
enum disk_format {
	FORMAT_RAW, FORMAT_BOCHS, FORMAT_CLOOP, FORMAT_DMG, FORMAT_VPC,
	FORMAT_VDI, FORMAT_VHDX, FORMAT_PARALLELS,
	FORMAT_QCOW, FORMAT_QCOW2, FORMAT_QED, FORMAT_VMDK,
};
#define FORMAT_BACKING FORMAT_QCOW

/* type='network' disks: the protocols QEMU 7.2 has (parse/disk_source.c). */
enum disk_protocol {
	PROTO_NONE = 0, PROTO_NBD, PROTO_RBD, PROTO_ISCSI, PROTO_HTTP,
	PROTO_HTTPS, PROTO_FTP, PROTO_FTPS, PROTO_SSH, PROTO_GLUSTER, PROTO_NFS,
};

/* A <source><host>: a name and port, or a unix socket. */
struct disk_host {
	char *name;              /* NULL for a unix socket */
	char *port;              /* decimal as written, or NULL: the default */
	char *socket;            /* transport='unix' */
	bool rdma;               /* iscsi transport='rdma' */
};

/* A <secret type usage|uuid> that libvirt would look up in its secret
 * store; sevqemu takes its value from --secret KEY=FILE. */
enum secret_kind { SECRET_CEPH, SECRET_ISCSI, SECRET_PASSPHRASE };
struct secret_ref {
	unsigned line;           /* 0: none */
	enum secret_kind kind;
	char *uuid;              /* canonical lower-case, or NULL */
	char *usage;             /* or the usage name */
};

/* <iotune>: limits in the order of iotune_names[] (parse/disk_detail.c),
 * which emit/disk.c maps to a throttle group's properties. */
#define IOTUNE_LIMITS 19
struct disk_iotune {
	unsigned line;           /* 0: none */
	uint64_t limit[IOTUNE_LIMITS]; /* 0: not given */
	char *group;             /* <group_name>: disks sharing one group */
};

/* <slices><slice type='storage'>: the byte range of the image QEMU uses. */
struct disk_slice {
	unsigned line;           /* 0: none */
	uint64_t offset, size;
};

/* A <backingStore> layer below the disk's image, top first. */
struct disk_backing {
	unsigned line;
	bool block;              /* type='block' */
	bool network;            /* type='network' */
	char *source;            /* NULL: a network layer */
	struct disk_network *net; /* type='network': its <source> */
	enum disk_format format;
	struct disk_slice slice;
};

struct disk_network {
	enum disk_protocol protocol;
	char *name;              /* <source name>: image, export, target/lun */
	struct disk_host *hosts;
	size_t nhosts, hosts_alloc;
	char *snapshot, *config; /* rbd <snapshot name>, <config file> */
	char *initiator;         /* iscsi <initiator><iqn name> */
	uint64_t reconnect_delay; /* nbd <reconnect delay>; 0: none */
	uint64_t timeout, readahead; /* http(s)/ftp(s); 0: not given */
	char *query;             /* http(s) <source query>: after the '?' */
	char *cookies;           /* http(s) <cookies>: "NAME=VALUE; ..." */
	enum tristate sslverify; /* https/ftps <ssl verify> */
	bool identity;           /* nfs <identity user group>: the ids below */
	uint64_t uid, gid;
	char *user;              /* <auth username> */
	bool tls;                /* nbd tls='yes': libvirt's default x509 dir */
	char *tls_hostname;      /* tlsHostname=, or NULL */
	struct secret_ref auth;  /* <auth><secret> */
};

/* <source startupPolicy>: what a start does when the image is missing. */
enum startup_policy {
	STARTUP_DEFAULT, STARTUP_MANDATORY, STARTUP_REQUISITE, STARTUP_OPTIONAL,
};

struct disk {
	unsigned line;
	unsigned target_line, driver_line;
	bool block;              /* type='block': a host device, not a file */
	bool cdrom;
	bool floppy;             /* device='floppy' (bus='fdc') */
	bool lun;                /* device='lun': SCSI passthrough (scsi-block) */
	enum tristate removable; /* <target removable> (usb, scsi disks) */
	char *source;            /* NULL: an empty cdrom */
	unsigned source_line;
	struct disk_slice slice;
	/* type='nvme': the controller's PCI address, "DDDD:BB:SS.F" */
	char *nvme_device;
	unsigned nvme_namespace;
	bool nvme_managed;       /* libvirt would bind it to vfio-pci */
	/* <source><reservations>: persistent reservations through a
	 * qemu-pr-helper, sevqemu's (managed) or one on PR_SOCKET */
	unsigned pr_line;        /* 0: none */
	bool pr_managed;
	char *pr_socket;
	/* type='vhostuser': the backend's unix socket (vhost-user-blk) */
	char *vhost_socket;
	uint64_t vhost_reconnect; /* <reconnect timeout>; 0: none */
	enum startup_policy startup; /* act/diskstart.c applies it */
	enum disk_format format;
	char *target;            /* dev name, e.g. vda */
	enum disk_bus bus;
	bool readonly, shareable;
	char *serial;
	char *cache, *discard, *io; /* as written, validated */
	unsigned boot_order;     /* 0: none */
	unsigned index;          /* from the target name: vdb 1, sdaa 26 */
	/* bus='scsi': <address type='drive' controller bus target unit>, or
	 * controller 0 and the index from the target name (scsi-id index %
	 * 256, lun index / 256); parse/controller.c checks the controller. */
	unsigned scsi_controller, scsi_target, scsi_unit;
	unsigned address_line;   /* 0: no <address type='drive'> */
	/* The address's bus=: 0 on scsi; on ide and sata with the unit the
	 * disk's place (INDEX), as libvirt places it. */
	unsigned drive_bus;
	struct virtio_driver virtio; /* <driver> virtio options (bus virtio) */
	struct disk_network net; /* type='network': protocol != PROTO_NONE */
	struct secret_ref luks;  /* <encryption format='luks'><secret> */
	char *wwn, *vendor, *product;
	unsigned cyls, heads, secs; /* <geometry>; 0: none */
	char *trans;             /* <geometry trans>, or NULL */
	unsigned logical_block, physical_block; /* <blockio>; 0: not given */
	char *error_policy, *rerror_policy; /* <driver>, as written */
	char *detect_zeroes;     /* <driver detect_zeroes>: on, off, unmap */
	bool copy_on_read;       /* <driver copy_on_read='on'> */
	struct disk_iotune iotune;
	struct disk_backing *backing; /* the chain, top first */
	size_t nbacking, backing_alloc;
	bool backing_closed;     /* the chain ends in an empty <backingStore/> */
};

/*
 * Each family below is parsed by its own file in parse/ and emitted by its
 * own file in emit/ (named in the heading).  Add fields inside a family's
 * own structs; its parse file releases them (free_<family>()).
 */

#endif
