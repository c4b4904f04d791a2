/*
 * More of the model (parse/domain.h): passed-through host devices, the
 * desktop, TPM and shared-folder families.  Included by domain.h at the place these sections belong, after
 * the types they use; include domain.h, never this file alone.
 */
#ifndef SEVQEMU_DOMAIN_DEVICES_H
#define SEVQEMU_DOMAIN_DEVICES_H

/* --- passed-through host devices: parse/hostdev.c, emit/hostdev.c ------ */

enum hostdev_type {
	HOSTDEV_PCI, HOSTDEV_USB, HOSTDEV_MDEV, HOSTDEV_SCSI,
	HOSTDEV_SCSI_HOST,       /* a vhost-scsi target (LIO) by its wwpn */
};

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
	struct disk *iscsi;      /* scsi <source protocol='iscsi'>: an iscsi
				  * network source, as a disk's; NULL: adapter */
	/* scsi: the guest's <address type='drive'>, or the first unit free
	 * on controller 0 (check_hostdevs) */
	unsigned scsi_controller, scsi_guest_target, scsi_guest_unit;
	unsigned address_line;   /* 0: no <address type='drive'> */
	bool readonly, shareable;
	bool rawio;              /* rawio='yes': QEMU needs CAP_SYS_RAWIO */
	char *wwpn;              /* scsi_host: <source protocol='vhost' wwpn> */
	struct virtio_driver virtio; /* scsi_host: model= (its flavour) */
	unsigned boot_order;     /* 0: none */
	enum tristate rom_bar;   /* <rom bar> */
	char *rom_file;          /* <rom file> */
	bool rom_disabled;       /* <rom enabled='no'/> */
	bool from_interface;     /* an <interface type='hostdev'> */
	char *teaming_pair;      /* <teaming type='transient' persistent=ALIAS> */
	unsigned teaming_line;
	unsigned failover_nic;   /* 1 + the index of that interface (check_hostdevs) */
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
	bool gl;                 /* <gl enable='yes'>: local only, port=0 */
	char *rendernode;        /* <gl rendernode>; NULL: QEMU's first */
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

/* <audio>'s <input> or <output>: -audiodev's in. or out. properties. */
struct audio_dir {
	enum tristate mixing_engine, fixed_settings, try_poll, exact_name;
	uint64_t voices, buffer_length, buffer_count, latency; /* 0: not given */
	uint64_t frequency, channels; /* <settings>; 0: not given */
	const char *format;      /* static: s16, f32, ...; NULL: not given */
	char *dev;               /* alsa, oss: the host device */
	char *name, *stream_name; /* pulseaudio */
	char *server_name, *client_name, *connect_ports; /* jack */
};

enum audio_type {
	AUDIO_NONE, AUDIO_SPICE, AUDIO_ALSA, AUDIO_OSS, AUDIO_FILE, AUDIO_DBUS,
	AUDIO_PULSEAUDIO, AUDIO_SDL, AUDIO_JACK,
};

/* <audio>: one host audio backend (-audiodev), in the XML's order. */
struct audio {
	unsigned line;
	unsigned id;             /* id=, which <graphics>/<sound> <audio id> name */
	enum audio_type type;
	char *path;              /* file: the WAV file QEMU writes; NULL: its default */
	char *server;            /* pulseaudio serverName */
	uint64_t timer_period;   /* timerPeriod (µs); 0: not given */
	enum tristate try_mmap, exclusive; /* oss */
	int64_t dsp_policy;      /* oss; -1: not given */
	const char *sdl_driver;  /* static: esd, alsa, arts, pulseaudio; NULL */
	bool implicit;           /* libvirt's, for a VNC or SPICE display or a
				  * sound card without <audio> */
	struct audio_dir in, out;
};

/* <graphics type='egl-headless'|'dbus'|'sdl'>: QEMU's -display (one). */
enum display_kind { DISPLAY_EGL_HEADLESS = 1, DISPLAY_DBUS, DISPLAY_SDL };

struct display {
	unsigned line;           /* 0: none */
	enum display_kind kind;
	bool gl;                 /* <gl enable='yes'> (egl-headless: always) */
	char *rendernode;        /* <gl rendernode>; NULL: QEMU's first */
	bool p2p;                /* dbus p2p='yes' */
	char *address;           /* dbus address=: the bus to join */
	bool private_bus;        /* dbus, neither p2p nor address: a bus of
				  * its own (a dbus-daemon sevqemu starts) */
	unsigned audio_id, audio_line; /* dbus <audio id='N'/>; 0: none */
	bool fullscreen;         /* sdl fullscreen='yes' */
	char *x_display, *xauth; /* sdl display=, xauth=: DISPLAY, XAUTHORITY */
};

struct redirdev {
	unsigned line;           /* bus='usb' type='spicevmc' or 'dbus' */
	bool dbus;               /* type='dbus': through the D-Bus display */
	unsigned boot_order;     /* 0: none */
};

/* A <redirfilter><usbdev> rule; -1: any. */
struct usb_rule {
	int32_t cls, vendor, product, version; /* version: BCD, 0x0110 */
	bool allow;
};

struct desktop {
	struct spice spice;
	struct sound *sounds;
	size_t nsounds, sounds_alloc;
	struct redirdev *redirdevs;
	size_t nredirdevs, redirdevs_alloc;
	struct audio *audios;
	size_t naudios, audios_alloc;
	struct display display;
	unsigned redirfilter_line; /* 0: no <redirfilter> */
	struct usb_rule *redir_rules;
	size_t nredir_rules, redir_rules_alloc;
};

/* --- USB hubs: parse/usb.c, emit/usb.c ------------------------------- */

struct usb_hub {
	unsigned line, address_line; /* address_line 0: no <address> */
	unsigned bus;            /* <address bus>: the USB controller's index */
	char *port;              /* <address port>: "1", "1.2"; NULL: QEMU's pick */
};

/* --- smartcard: parse/smartcard.c, emit/smartcard.c ------------------ */

enum smartcard_mode { SC_HOST = 0, SC_HOST_CERTIFICATES, SC_PASSTHROUGH };

/* libvirt gives QEMU one smartcard: a usb-ccid reader with one card. */
struct smartcard {
	unsigned line;           /* 0: no <smartcard> */
	enum smartcard_mode mode;
	char *certs[3];          /* host-certificates: the three <certificate> */
	unsigned ncerts;
	char *database;          /* host-certificates: <database>, or libvirt's
				  * /etc/pki/nssdb */
	struct chardev chr;      /* passthrough: tcp, unix or spicevmc */
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
