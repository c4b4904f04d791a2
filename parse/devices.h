/*
 * More of the model (parse/domain.h): passed-through host devices, the
 * desktop, TPM and shared-folder families.  Included by domain.h at the place these sections belong, after
 * the types they use; include domain.h, never this file alone.
 */
#ifndef SEVQEMU_DOMAIN_DEVICES_H
#define SEVQEMU_DOMAIN_DEVICES_H

/* --- passed-through host devices: parse/hostdev.c, emit/hostdev.c ------ */

enum hostdev_type { HOSTDEV_PCI, HOSTDEV_USB, HOSTDEV_MDEV, HOSTDEV_SCSI };

struct hostdev {
	unsigned line;
	enum hostdev_type type;
	bool managed;            /* managed='yes': libvirt would rebind it */
	unsigned domain, bus, slot, function; /* pci: the host address */
	unsigned usb_bus, usb_device; /* usb: <address bus device>, or */
	unsigned vendor, product;     /* <vendor id> and <product id> */
	bool usb_by_id;
	char *mdev_uuid;         /* mdev: canonical lower-case */
	enum tristate display, ramfb; /* mdev */
	char *scsi_adapter;      /* scsi: <adapter name='scsi_hostN'/> */
	unsigned scsi_host, scsi_bus, scsi_target; /* the host's H:B:T:U */
	uint64_t scsi_unit;
	unsigned scsi_controller, scsi_guest_target, scsi_guest_unit; /* guest */
	bool readonly, shareable;
	unsigned boot_order;     /* 0: none */
	enum tristate rom_bar;   /* <rom bar> */
	char *rom_file;          /* <rom file> */
	bool rom_disabled;       /* <rom enabled='no'/> */
};

/* --- SPICE, sound, USB redirection: parse/spice.c, emit/spice.c -------- */

enum spice_channel_mode { SPICE_ANY = 0, SPICE_SECURE, SPICE_INSECURE };

struct spice_channel {
	const char *name;        /* static: main, display, inputs, ... */
	enum spice_channel_mode mode;
};

struct spice {
	unsigned line;           /* 0: no <graphics type='spice'> */
	int port;                /* -1: autoport; 0: none; else 1-65535 */
	int tls_port;            /* -1: autoport; 0: none */
	enum graphics_listen listen_type;
	char *listen;            /* address (NULL: 127.0.0.1) or socket path
				  * (NULL: in the state dir) */
	/* <image compression>, <jpeg>, <zlib>, <playback>, <streaming mode>:
	 * static strings, NULL when not given */
	const char *image, *jpeg, *zlib, *playback, *streaming;
	enum tristate agent_mouse; /* <mouse mode='client'|'server'> */
	bool no_copypaste;       /* <clipboard copypaste='no'/> */
	bool no_file_transfer;   /* <filetransfer enable='no'/> */
	enum spice_channel_mode default_mode;
	struct spice_channel channels[8];
	size_t nchannels;
	unsigned audio_id;       /* <audio id='N'/> child; 0: none */
	unsigned audio_line;
};

enum sound_model {
	SOUND_ICH6, SOUND_ICH9, SOUND_AC97, SOUND_ES1370, SOUND_SB16, SOUND_USB,
};

struct sound {
	unsigned line;
	enum sound_model model;
	const char *codecs[4];   /* hda: "hda-duplex", ...; none: one duplex */
	size_t ncodecs;
	unsigned audio_id;       /* <audio id='N'/> child; 0: the domain's */
};

struct redirdev {
	unsigned line;           /* bus='usb' type='spicevmc' */
	unsigned boot_order;     /* 0: none */
};

struct desktop {
	struct spice spice;
	struct sound *sounds;
	size_t nsounds, sounds_alloc;
	struct redirdev *redirdevs;
	size_t nredirdevs, redirdevs_alloc;
};

/* --- TPM: parse/tpm.c, emit/tpm.c ------------------------------------- */

enum tpm_model { TPM_TIS = 0, TPM_CRB };
enum tpm_backend { TPM_EMULATOR = 0, TPM_PASSTHROUGH, TPM_EXTERNAL };

struct tpm {
	unsigned line;           /* 0: no <tpm> */
	enum tpm_model model;    /* libvirt's default: tpm-tis */
	enum tpm_backend backend;
	bool tpm2;               /* version 2.0; else 1.2 (tis's default) */
	char *state_path;        /* emulator <source type='dir' path>; NULL:
				  * the guest's state dir */
	char *pcr_banks;         /* "sha256,sha384" (<active_pcr_banks>), or NULL */
	enum tristate persistent_state;
	char *device;            /* passthrough <device path> */
	char *socket;            /* external <source type='unix' path> */
};

/* --- shared folders: parse/filesystem.c, emit/filesystem.c ------------- */

enum fs_driver { FS_9P = 0, FS_VIRTIOFS };
enum fs_access { FS_PASSTHROUGH = 0, FS_MAPPED, FS_SQUASH };

struct filesystem {
	unsigned line;
	enum fs_driver driver;
	enum fs_access access;
	char *source;            /* <source dir> */
	char *socket;            /* virtiofs <source socket>: a virtiofsd
				  * someone else runs; no helper */
	char *target;            /* <target dir>: the mount tag */
	bool readonly;
	bool writeout_immediate; /* 9p <driver wrpolicy='immediate'> */
	char *multidevs;         /* 9p: remap, forbid, warn; or NULL */
	unsigned fmode, dmode;   /* 9p mapped: octal; 0: not given */
	unsigned queue;          /* virtiofs <driver queue>; 0: not given */
	char *binary;            /* virtiofs <binary path>; NULL: looked up */
	char *cache;             /* <binary><cache mode>: none, always, auto */
	char *sandbox;           /* <binary><sandbox mode>: namespace, chroot */
	enum tristate xattr, posix_lock, flock;
	unsigned thread_pool;    /* <thread_pool size>; 0: not given */
	struct virtio_driver virtio; /* <driver iommu ats packed page_per_vq> */
};

#endif
