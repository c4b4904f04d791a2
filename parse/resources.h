/*
 * More of the model (parse/domain.h): NUMA, memory devices and SMBIOS, the
 * production guest's resources.  Included by domain.h at the place these
 * sections belong, after the types they use; include domain.h, never this
 * file alone.
 */
#ifndef SEVQEMU_DOMAIN_RESOURCES_H
#define SEVQEMU_DOMAIN_RESOURCES_H

/* --- NUMA: <cpu><numa>, <numatune>, per-node <hugepages><page>:
 *     parse/numa.c, emit/numa.c ---------------------------------------- */

/* A set of small numbers (vCPUs, host NUMA nodes), as libvirt writes it:
 * "0-3,^2,8". */
#define IDSET_MAX 4096
struct idset {
	uint64_t bits[IDSET_MAX / 64];
};

static inline bool idset_has(const struct idset *s, unsigned i)
{
	return i < IDSET_MAX && (s->bits[i / 64] >> (i % 64)) & 1;
}

enum numa_mode { NUMA_MODE_NONE = 0, NUMA_MODE_STRICT, NUMA_MODE_PREFERRED,
		 NUMA_MODE_INTERLEAVE, NUMA_MODE_RESTRICTIVE };

/* HMAT (parse/numa_hmat.c): a memory side cache of a cell, <cell><cache>. */
enum hmat_assoc { HMAT_ASSOC_NONE, HMAT_ASSOC_DIRECT, HMAT_ASSOC_FULL };
enum hmat_policy { HMAT_POLICY_NONE, HMAT_POLICY_WRITEBACK, HMAT_POLICY_WRITETHROUGH };

struct numa_cache {
	unsigned line;           /* of <cache> */
	unsigned level;          /* 1 to 3 */
	enum hmat_assoc assoc;
	enum hmat_policy policy;
	uint64_t size_kib;       /* <size>, rounded up to KiB as libvirt */
	unsigned line_bytes;     /* <line>: the cache line, 1 to 65535 bytes */
};

/* <interconnects><latency|bandwidth initiator target cache type value>. */
enum hmat_kind { HMAT_LATENCY, HMAT_BANDWIDTH };
enum hmat_access { HMAT_ACCESS, HMAT_READ, HMAT_WRITE };

struct numa_link {
	unsigned line;
	enum hmat_kind kind;
	enum hmat_access access;
	unsigned initiator, target;
	unsigned cache;          /* 0: the memory itself, else a cache level */
	uint64_t value;          /* latency as given (ns); bandwidth in KiB/s */
};

struct numa_cell {
	unsigned id, line;
	bool has_cpus;           /* no cpus=: a memory-only node */
	struct idset cpus;
	uint64_t memory_bytes;   /* rounded up to whole MiB, as QEMU sizes RAM */
	enum tristate shared;    /* memAccess='shared|private' */
	enum tristate discard;   /* discard='yes|no' */
	unsigned *distances;     /* per sibling id; 0: not given */
	size_t ndistances;
	/* from <numatune><memnode> (or <memory>) by check_numa(): */
	enum numa_mode mode;
	bool has_host_nodes;
	struct idset host_nodes;
	/* from <hugepages><page nodeset> by check_numa(): */
	bool hugepages;
	uint64_t hugepage_kib;   /* 0: the default size */
	struct numa_cache *caches; /* sorted by level by check_hmat() */
	size_t ncaches, caches_alloc;
	unsigned initiator;      /* with HMAT, by check_hmat(): -numa node initiator= */
};

struct numa_memnode {
	unsigned cellid, line;
	enum numa_mode mode;
	struct idset nodes;
};

struct numa {
	unsigned line;           /* <numa>; 0: none */
	struct numa_cell *cells;
	size_t ncells, cells_alloc;
	unsigned tune_line;      /* <numatune>; 0: none */
	enum numa_mode mode;     /* <numatune><memory> */
	bool has_nodes;          /* its nodeset= (placement='auto' has none) */
	struct idset nodes;
	struct numa_memnode *memnodes;
	size_t nmemnodes, memnodes_alloc;
	unsigned links_line;     /* <interconnects>; 0: none */
	struct numa_link *links; /* in document order, as QEMU gets them */
	size_t nlinks, links_alloc;
	bool hmat;               /* any cache or link: -machine hmat=on */
};

/* <memoryBacking><hugepages><page size= nodeset=>. */
struct hugepage_size {
	unsigned line;
	uint64_t size_kib;
	bool has_nodes;
	struct idset nodes;
};

/* --- <maxMemory>, <memory model='dimm|virtio-mem'>: parse/memdev.c,
 *     emit/memdev.c ---------------------------------------------------- */

enum memdev_model { MEMDEV_DIMM, MEMDEV_VIRTIO_MEM, MEMDEV_NVDIMM, MEMDEV_VIRTIO_PMEM };

struct memdev {
	unsigned line;
	enum memdev_model model;
	uint64_t size_bytes;     /* dimm: rounded up to 2 MiB, as libvirt */
	bool has_node;
	unsigned node;           /* <target><node> */
	uint64_t pagesize_kib;   /* <source><pagesize>; 0: none */
	bool has_nodemask;
	struct idset nodemask;   /* <source><nodemask> */
	uint64_t block_bytes;    /* virtio-mem <block>; 0: 2 MiB */
	uint64_t requested_bytes; /* virtio-mem <requested> */
	struct virtio_driver virtio; /* <driver> (virtio-mem) */
	enum tristate access;    /* access='shared' (on) or 'private' (off) */
	enum tristate discard;   /* discard='yes|no': discard-data on a file */
	uint64_t base;           /* dimm, nvdimm: <address base=>; 0: QEMU's */
	char *path;              /* nvdimm, virtio-pmem: <source><path>, a host file */
	uint64_t align_bytes;    /* nvdimm: <source><alignsize>; 0: none */
	bool pmem;               /* nvdimm: <source><pmem/> */
	uint64_t label_bytes;    /* nvdimm: <target><label><size>; 0: none */
	bool readonly;           /* nvdimm: <target><readonly/> → unarmed */
};

struct memory_devices {
	unsigned max_line;       /* <maxMemory>; 0: none */
	uint64_t max_bytes;
	unsigned slots;
	struct memdev *devs;
	size_t n, alloc;
};

/* --- <sysinfo>, <os><smbios>: parse/sysinfo.c, emit/sysinfo.c --------- */

enum smbios_mode { SMBIOS_NONE = 0, SMBIOS_EMULATE, SMBIOS_HOST, SMBIOS_SYSINFO };

/* The SMBIOS tables libvirt fills, in QEMU's type numbers; each field has
 * its fixed place (SMBIOS_FIELDS) so that options come out in libvirt's
 * order whatever the XML's. */
enum smbios_table { SMBIOS_BIOS, SMBIOS_SYSTEM, SMBIOS_BOARD, SMBIOS_CHASSIS,
		    SMBIOS_TABLES };
#define SMBIOS_FIELDS 7

struct fwcfg_entry {
	unsigned line;
	char *name;              /* opt/... */
	char *value;             /* the string, or NULL */
	char *file;              /* a host file, or NULL */
};

struct sysinfo {
	unsigned line;           /* <sysinfo type='smbios'>; 0: none */
	enum smbios_mode mode;   /* <os><smbios mode> */
	unsigned mode_line;
	bool has_table[SMBIOS_TABLES];
	char *fields[SMBIOS_TABLES][SMBIOS_FIELDS]; /* NULL: not given */
	unsigned system_uuid_line;
	char **oem;              /* <oemStrings> entries, type 11 */
	size_t noem, oem_alloc;
	struct fwcfg_entry *fwcfg; /* <sysinfo type='fwcfg'> */
	size_t nfwcfg, fwcfg_alloc;
	unsigned fwcfg_line;
};

#endif
