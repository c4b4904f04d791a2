/* The machine, its memory and vCPUs, its firmware, and what happens when
 * the guest reboots, powers off or crashes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit/build.h"


void build_machine(struct build *b)
{
	const struct domain *dom = b->dom;
	struct keyval kv;
	kv_begin(&kv, dom->os.machine);
	if (!dom->os.machine)
		diag_note(b->d, dom->os.line, "<type>",
			  "no machine=: QEMU's default machine type");
	kv_str(&kv, "accel", dom->type == VIRT_KVM ? "kvm" : "tcg");
	if (b->sev)
		kv_str(&kv, b->opts->cgs ? "confidential-guest-support"
					 : "memory-encryption",
		       LAUNCH_OBJECT_ID);
	if (b->fw.type == LOADER_PFLASH) {
		kv_str(&kv, "pflash0", "pflash0");
		if (b->fw.nvram)
			kv_str(&kv, "pflash1", "pflash1");
	}
	const char *backend = memory_backend_id(dom);
	if (backend)
		kv_str(&kv, "memory-backend", backend);
	if (!dom->features.acpi)
		kv_bool(&kv, "acpi", false);
	if (dom->features.vmport != TRI_DEFAULT)
		kv_bool(&kv, "vmport", dom->features.vmport == TRI_ON);
	/* An encrypted-state guest cannot enter SMM: say so rather than rely
	 * on QEMU's auto, which only SNP resolves to off by itself. */
	if (b->es)
		kv_bool(&kv, "smm", false);
	else if (dom->features.smm != TRI_DEFAULT)
		kv_bool(&kv, "smm", dom->features.smm == TRI_ON);
	build_push(b, &kv, "-machine");
}

uint64_t guest_ram_mib(const struct domain *dom)
{
	/* QEMU sizes x86 RAM in whole MiB; round up as libvirt does. */
	return (dom->memory_bytes + (1u << 20) - 1) >> 20;
}

void build_memory_cpus(struct build *b)
{
	const struct domain *dom = b->dom;
	uint64_t mib = guest_ram_mib(dom);
	if (mib << 20 != dom->memory_bytes)
		diag_note(b->d, dom->memory_line, "<memory>",
			  "%llu bytes rounded up to %llu MiB",
			  (unsigned long long)dom->memory_bytes,
			  (unsigned long long)mib);
	argv_push(b->argv, "-m");
	argv_pushf(b->argv, "%lluM", (unsigned long long)mib);

	unsigned current = dom->vcpus_current ? dom->vcpus_current : dom->vcpus;
	char cpus[16];
	snprintf(cpus, sizeof(cpus), "%u", current);
	struct keyval kv;
	kv_begin(&kv, cpus);
	if (current != dom->vcpus)
		kv_u64(&kv, "maxcpus", dom->vcpus);
	const struct cpu *cpu = &dom->cpu;
	if (cpu->topology_line) {
		kv_u64(&kv, "sockets", cpu->sockets);
		if (cpu->dies > 1)
			kv_u64(&kv, "dies", cpu->dies);
		kv_u64(&kv, "cores", cpu->cores);
		kv_u64(&kv, "threads", cpu->threads);
	} else {
		/* libvirt's reading of a bare <vcpu>: one core per socket. */
		kv_u64(&kv, "sockets", dom->vcpus);
		kv_u64(&kv, "cores", 1);
		kv_u64(&kv, "threads", 1);
	}
	kv_push(&kv, b->argv, "-smp");
}

/* -blockdev file + raw nodes for one flash unit, the raw one called NODE. */
static void flash_unit(struct build *b, const char *node, const char *path,
		       bool read_only)
{
	char file_node[32];
	snprintf(file_node, sizeof(file_node), "%s-file", node);
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_str(&kv, "driver", "file");
	kv_str(&kv, "filename", path);
	kv_str(&kv, "node-name", file_node);
	if (read_only)
		kv_bool(&kv, "read-only", true);
	kv_push(&kv, b->argv, "-blockdev");
	kv_begin(&kv, NULL);
	kv_str(&kv, "driver", "raw");
	kv_str(&kv, "file", file_node);
	kv_str(&kv, "node-name", node);
	if (read_only)
		kv_bool(&kv, "read-only", true);
	kv_push(&kv, b->argv, "-blockdev");
}

/* A missing variable store is made from its template on a real run. */
static void plan_nvram(struct build *b)
{
	const struct firmware *fw = &b->fw;
	const struct os *os = &b->dom->os;
	unsigned line = os->nvram_line ? os->nvram_line : os->line;
	const char *tag = os->nvram_line ? "<nvram>" : "<os>";
	struct stat st;
	if (stat(fw->nvram, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			diag_error(b->d, EXIT_DATAERR, line, tag,
				   "%s is not a regular file; expected the guest's variable store",
				   fw->nvram);
		return;
	}
	if (errno != ENOENT) {
		diag_error(b->d, EXIT_NOINPUT, line, tag, "cannot look at %s: %s",
			   fw->nvram, strerror(errno));
		return;
	}
	if (!fw->nvram_template) {
		diag_error(b->d, EXIT_NOINPUT, line, tag,
			   "%s does not exist and there is no template= to create it from; expected e.g. template='/usr/share/OVMF/OVMF_VARS_4M.fd'",
			   fw->nvram);
		return;
	}
	if (access(fw->nvram_template, R_OK) != 0) {
		diag_error(b->d, EXIT_NOINPUT, line, tag,
			   "template %s cannot be read: %s", fw->nvram_template,
			   strerror(errno));
		return;
	}
	const char *slash = strrchr(fw->nvram, '/');
	struct plan_file *f = plan_add_file(b->plan);
	f->path = xstrdup(fw->nvram);
	f->dir = slash ? xstrndup(fw->nvram, slash == fw->nvram ? 1 : (size_t)(slash - fw->nvram))
		       : xstrdup(".");
	f->name = xstrdup(slash ? slash + 1 : fw->nvram);
	f->template = xstrdup(fw->nvram_template);
	f->in_state_dir = fw->nvram_in_state_dir;
	f->keep_existing = true;
	if (stat(fw->nvram_template, &st) == 0)
		f->size = (size_t)st.st_size;
	diag_note(b->d, line, tag, "%s will be created from %s", fw->nvram,
		  fw->nvram_template);
}

void build_firmware(struct build *b)
{
	const struct firmware *fw = &b->fw;
	const struct os *os = &b->dom->os;
	if (fw->type == LOADER_ROM) {
		argv_pair(b->argv, "-bios", fw->code);
	} else if (fw->type == LOADER_PFLASH) {
		flash_unit(b, "pflash0", fw->code, fw->code_readonly);
		if (fw->nvram) {
			flash_unit(b, "pflash1", fw->nvram, false);
			plan_nvram(b);
		}
	}
	if (os->kernel)
		argv_pair(b->argv, "-kernel", os->kernel);
	if (os->initrd)
		argv_pair(b->argv, "-initrd", os->initrd);
	if (os->cmdline)
		argv_pair(b->argv, "-append", os->cmdline);
}

void build_lifecycle(struct build *b)
{
	const struct lifecycle *lc = &b->dom->lifecycle;
	if (lc->reboot == REBOOT_DESTROY || b->es) {
		argv_push(b->argv, "-no-reboot");
		if (b->es && lc->reboot != REBOOT_DESTROY)
			diag_note(b->d, b->dom->launch.line, b->dom->launch.element,
				  "-no-reboot: the VMM cannot reset an encrypted-state (SEV-ES/SNP) guest");
	}
	if (lc->poweroff == POWEROFF_PRESERVE)
		argv_pair(b->argv, "-action", "shutdown=pause");
	static const char *const panic[] = {
		[CRASH_DESTROY] = "panic=shutdown",
		[CRASH_PRESERVE] = "panic=pause",
		[CRASH_RESTART] = "panic=none",
	};
	if (lc->crash != CRASH_DEFAULT)
		argv_pair(b->argv, "-action", panic[lc->crash]);
}
