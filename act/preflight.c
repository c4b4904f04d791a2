/*
 * Pre-flight for --exec: what the host must offer before an encrypted guest
 * can start, checked before anything is written, so that a missing driver
 * is one clear sentence here rather than QEMU's "failed to initialize kvm:
 * Operation not permitted" later.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit/plan.h"
#include "act/preflight.h"

void host_paths_init(struct host_paths *paths, const char *root)
{
	/* ROOT: a directory standing for "/" (tests); NULL: this host. */
	const char *r = root ? root : "";
	snprintf(paths->sev_device, sizeof(paths->sev_device), "%s/dev/sev", r);
	snprintf(paths->kvm_amd, sizeof(paths->kvm_amd),
		 "%s/sys/module/kvm_amd/parameters", r);
	snprintf(paths->status, sizeof(paths->status), "%s/proc/self/status", r);
	snprintf(paths->pci_devices, sizeof(paths->pci_devices),
		 "%s/sys/bus/pci/devices", r);
	snprintf(paths->mdev_devices, sizeof(paths->mdev_devices),
		 "%s/sys/bus/mdev/devices", r);
}

/* Whether the guest has a device passed through with VFIO, whose DMA
 * mappings pin all guest memory. */
static bool has_vfio(const struct domain *dom)
{
	for (size_t i = 0; i < dom->nhostdevs; i++)
		if (dom->hostdevs[i].type == HOSTDEV_PCI ||
		    dom->hostdevs[i].type == HOSTDEV_MDEV)
			return true;
	return false;
}

/* A host PCI function must be bound to vfio-pci: libvirt rebinds a
 * managed='yes' device itself, and sevqemu has no daemon to do it. */
static bool check_vfio_binding(const struct hostdev *h,
			       const struct host_paths *paths, struct diag *d)
{
	char addr[16], dir[600], link[700], target[256];
	snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", h->domain, h->bus,
		 h->slot, h->function);
	snprintf(dir, sizeof(dir), "%s/%s", paths->pci_devices, addr);
	struct stat st;
	if (stat(dir, &st) != 0) {
		diag_path_error(d, EXIT_UNAVAILABLE, dir,
				"missing: this host has no PCI device %s to pass through (line %u)",
				addr, h->line);
		return false;
	}
	snprintf(link, sizeof(link), "%s/driver", dir);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	const char *driver = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (strcmp(driver, "vfio-pci") == 0)
		return true;
	char bound[300];
	snprintf(bound, sizeof(bound), *driver ? "bound to %s" : "bound to no driver%s",
		 driver);
	diag_path_error(d, EXIT_UNAVAILABLE, dir,
			"%s is %s, not to vfio-pci, which QEMU needs (line %u; libvirt's managed='yes' rebinds it, sevqemu does not); bind it first: driverctl set-override %s vfio-pci, or echo vfio-pci > %s/driver_override and echo %s > /sys/bus/pci/drivers_probe after unbinding it",
			addr, bound, h->line, addr, dir, addr);
	return false;
}

/* Whether QEMU, exec'd by this process, keeps CAP_SYS_RAWIO (bit 17):
 * root's execv gives it the bounding set, anyone else's only the ambient
 * set.  libvirt grants it to its QEMU for rawio='yes'; sevqemu can only
 * pass on what it has. */
static bool rawio_kept(const struct host_paths *paths)
{
	FILE *f = fopen(paths->status, "r");
	if (!f)
		return false;
	char line[256];
	unsigned long long bnd = 0, amb = 0;
	unsigned ruid = 1, euid = 1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %u %u", &ruid, &euid) == 2 ||
		    sscanf(line, "CapBnd: %llx", &bnd) == 1)
			continue;
		sscanf(line, "CapAmb: %llx", &amb);
	}
	fclose(f);
	return ((euid == 0 ? bnd : amb) >> 17) & 1;
}

static bool check_hostdevs_bound(const struct domain *dom,
				 const struct host_paths *paths, struct diag *d)
{
	for (size_t i = 0; i < dom->nhostdevs; i++) {
		const struct hostdev *h = &dom->hostdevs[i];
		char dir[600];
		if (h->type == HOSTDEV_PCI && !check_vfio_binding(h, paths, d))
			return false;
		if (h->rawio && !rawio_kept(paths)) {
			diag_error(d, EXIT_UNAVAILABLE, h->line, "<hostdev>",
				   "rawio='yes' needs CAP_SYS_RAWIO in QEMU, which libvirt grants its QEMU; QEMU runs with what sevqemu passes on through exec, and that lacks it: run as root, or with it ambient (setpriv --inh-caps +sys_rawio --ambient-caps +sys_rawio), or leave rawio out");
			return false;
		}
		if (h->type != HOSTDEV_MDEV)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", paths->mdev_devices, h->mdev_uuid);
		if (access(dir, F_OK) != 0) {
			diag_path_error(d, EXIT_UNAVAILABLE, dir,
					"missing: create the mediated device first (line %u), e.g. with mdevctl start",
					h->line);
			return false;
		}
	}
	return true;
}

/* A kvm_amd boolean parameter: Y or 1 is on. */
static int kvm_param(const struct host_paths *paths, const char *name)
{
	char path[sizeof(paths->kvm_amd) + 16];
	snprintf(path, sizeof(path), "%s/%s", paths->kvm_amd, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int c = fgetc(f);
	fclose(f);
	return c == 'Y' || c == 'y' || c == '1';
}

/* Whether this process has CAP_IPC_LOCK (bit 14 of CapEff), which exempts
 * it from RLIMIT_MEMLOCK when KVM pins the guest's pages. */
static bool can_lock_memory(const struct host_paths *paths)
{
	FILE *f = fopen(paths->status, "r");
	if (!f)
		return false;
	char line[256];
	unsigned long long caps = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return (caps >> 14) & 1;
}

static bool check_sev_device(const struct host_paths *paths, struct diag *d)
{
	struct stat st;
	if (stat(paths->sev_device, &st) != 0) {
		diag_path_error(d, EXIT_UNAVAILABLE, paths->sev_device,
				"missing: this host's SEV firmware is not available (is SEV enabled in the BIOS, and the ccp module loaded?)");
		return false;
	}
	if (access(paths->sev_device, R_OK | W_OK) != 0) {
		diag_path_error(d, EXIT_UNAVAILABLE, paths->sev_device,
				"not readable and writable by you (mode %04o, uid %u): QEMU opens it read-write",
				(unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
		return false;
	}
	return true;
}

static bool check_kvm(const struct launch_security *ls,
		      const struct host_paths *paths, struct diag *d)
{
	bool snp = ls->type == LAUNCH_SEV_SNP;
	const char *param = snp ? "sev_snp" : ls->es ? "sev_es" : "sev";
	const char *what = snp ? "SEV-SNP" : ls->es ? "SEV-ES" : "SEV";
	int on = kvm_param(paths, param);
	if (on == 1)
		return true;
	if (on < 0)
		diag_path_error(d, EXIT_UNAVAILABLE, paths->kvm_amd,
				"has no %s: kvm_amd is not loaded, or too old for %s",
				param, what);
	else
		diag_path_error(d, EXIT_UNAVAILABLE, paths->kvm_amd,
				"%s is off: kvm_amd runs without %s; reload it with kvm_amd %s=1",
				param, what, param);
	return false;
}

/* The guest memory present at start: boot RAM and every DIMM plugged at
 * start (virtio-mem never serves an encrypted guest, parse/memdev.c). */
static uint64_t startup_memory_mib(const struct domain *dom)
{
	uint64_t mib = guest_ram_mib(dom);
	for (size_t i = 0; i < dom->memdevs.n; i++)
		mib += dom->memdevs.devs[i].size_bytes >> 20;
	return mib;
}

/* A limit that covers the start but not <maxMemory> lets the guest run
 * and fails a later hotplug: worth a warning, not a refusal. */
static void note_hotplug_headroom(const struct domain *dom, rlim_t limit,
				  uint64_t margin_mib, struct diag *d)
{
	const struct memory_devices *md = &dom->memdevs;
	uint64_t max = md->max_line ? (md->max_bytes >> 20) + margin_mib : 0;
	if (limit != RLIM_INFINITY && limit < max << 20)
		diag_path_warn(d, NULL, "the memory lock limit (%llu MiB) is below <maxMemory> (line %u) plus VFIO's margin, %llu MiB: plugging memory in after start will fail until it is raised",
			       (unsigned long long)(limit >> 20), md->max_line,
			       (unsigned long long)max);
}

/* SEV and SEV-ES pin every guest page, and so do VFIO's DMA mappings of a
 * passed-through device (plus 1 GiB, libvirt's margin for them): the
 * memlock limit must cover that, DIMMs included. */
static bool check_memlock(const struct domain *dom,
			  const struct host_paths *paths, struct diag *d)
{
	bool vfio = has_vfio(dom);
	if ((dom->launch.type == LAUNCH_SEV_SNP && !vfio) || can_lock_memory(paths))
		return true;
	uint64_t margin = vfio ? 1024 : 0;
	uint64_t need = (startup_memory_mib(dom) + margin) << 20;
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0)
		return true;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need) {
		note_hotplug_headroom(dom, rl.rlim_cur, margin, d);
		return true;
	}
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) {
		/* Raised here, inherited by QEMU through exec. */
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
			diag_path_note(d, NULL, "RLIMIT_MEMLOCK raised to its hard limit for the guest's %llu MiB",
				       (unsigned long long)(need >> 20));
			note_hotplug_headroom(dom, rl.rlim_cur, margin, d);
			return true;
		}
	}
	if (vfio)
		diag_path_error(d, EXIT_UNAVAILABLE, NULL,
				"the memory lock limit is %llu KiB, but an SEV guest with a passed-through device needs all its memory locked, %llu MiB with VFIO's 1 GiB; raise it (ulimit -l %llu) or run with CAP_IPC_LOCK",
				(unsigned long long)(rl.rlim_max / 1024),
				(unsigned long long)(need >> 20),
				(unsigned long long)(need / 1024));
	else
		diag_path_error(d, EXIT_UNAVAILABLE, NULL,
				"the memory lock limit is %llu KiB, but SEV pins all %llu MiB of guest memory; raise it (ulimit -l %llu) or run with CAP_IPC_LOCK",
				(unsigned long long)(rl.rlim_max / 1024),
				(unsigned long long)(need >> 20),
				(unsigned long long)(need / 1024));
	return false;
}

bool preflight(const struct domain *dom, const struct host_paths *paths,
	       struct diag *d)
{
	if (!check_hostdevs_bound(dom, paths, d))
		return false;
	if (dom->launch.type == LAUNCH_NONE)
		return true;
	return check_sev_device(paths, d) && check_kvm(&dom->launch, paths, d) &&
	       check_memlock(dom, paths, d);
}
