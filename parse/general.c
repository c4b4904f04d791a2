/*
 * The domain's own small elements — <name>, <uuid>, <memory>,
 * <currentMemory>, <vcpu>, the lifecycle actions, <devices><emulator> — and
 * the checks that need them all.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "lib/xalloc.h"
#include "parse/parser.h"

void parse_name(struct parser *p, const xmlNode *n)
{
	p->dom->name_line = xml_line(n);
	if (!text_once(p, n, &p->dom->name))
		return;
	if (!*p->dom->name)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "is empty; expected the guest's name");
}

void parse_uuid_element(struct parser *p, const xmlNode *n)
{
	if (p->dom->uuid) {
		duplicate(p, n);
		return;
	}
	char *text = xml_text(n, p->d);
	if (!text)
		return;
	char canonical[37];
	if (parse_uuid(text, canonical))
		p->dom->uuid = xstrdup(canonical);
	else
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "'%s' is not a UUID; expected 32 hex digits, e.g. 8-4-4-4-12 like c7a5fdbd-edaf-9455-926a-d65c16db1809",
			   text);
	free(text);
}

static bool memory_value(struct parser *p, const xmlNode *n, uint64_t *bytes)
{
	char *text = xml_text(n, p->d);
	if (!text)
		return false;
	const char *unit = xml_attr(n, "unit");
	enum memory_error e = parse_memory(text, unit, bytes);
	if (e == MEMORY_BAD_UNIT)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "unit='%s' is not a unit; expected b, bytes, k/KiB, M/MiB, G/GiB, T/TiB, P/PiB, E/EiB (powers of 1024) or KB, MB, GB, TB, PB, EB (powers of 1000); KiB when absent",
			   unit);
	else if (e == MEMORY_BAD_NUMBER)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "'%s' is not a size; expected a whole decimal number of %s",
			   text, unit ? unit : "KiB");
	else if (e == MEMORY_OVERFLOW)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s %s does not fit in 64 bits of bytes", text,
			   unit ? unit : "KiB");
	else if (*bytes == 0)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "is zero; expected the guest's memory size");
	free(text);
	return !diag_failed(p->d);
}

void parse_memory_element(struct parser *p, const xmlNode *n)
{
	if (p->dom->memory_line) {
		duplicate(p, n);
		return;
	}
	p->dom->memory_line = xml_line(n);
	static const char *const known[] = { "unit", "dumpCore", NULL };
	if (!known_attrs(p, n, known))
		return;
	/* dumpCore: whether guest memory goes into QEMU's core dumps. */
	p->dom->dump_core = attr_onoff(p, n, "dumpCore");
	memory_value(p, n, &p->dom->memory_bytes);
}

/* <blkiotune>: block I/O weights and limits of the guest's cgroup, which
 * libvirt's daemon sets on the host; nothing of it reaches QEMU. */
void parse_blkiotune(struct parser *p, const xmlNode *n)
{
	unsupported(p, n, "block I/O weights and limits are the guest's cgroup settings, which libvirt's daemon applies on the host and sevqemu does not (no cgroups of its own); expected none, or limits per disk with <disk><iotune>, or the caller's cgroup (e.g. systemd-run -p IOWeight=)");
}

void parse_current_memory(struct parser *p, const xmlNode *n)
{
	if (p->dom->current_memory_line) {
		duplicate(p, n);
		return;
	}
	p->dom->current_memory_line = xml_line(n);
	static const char *const known[] = { "unit", NULL };
	if (known_attrs(p, n, known))
		memory_value(p, n, &p->dom->current_memory_bytes);
}

void parse_vcpu(struct parser *p, const xmlNode *n)
{
	struct domain *dom = p->dom;
	if (dom->vcpu_line) {
		duplicate(p, n);
		return;
	}
	dom->vcpu_line = xml_line(n);
	static const char *const known[] = { "placement", "current", "cpuset", NULL };
	if (!known_attrs(p, n, known))
		return;
	/* QEMU's x86 limit is far higher than any SEV guest's; 4096 is sane. */
	uint64_t v;
	if (!text_decimal(p, n, 1, 4096, &v, "a vCPU count from 1 to 4096"))
		return;
	dom->vcpus = (unsigned)v;
	uint64_t current;
	if (attr_decimal(p, n, "current", 1, v, &current))
		dom->vcpus_current = (unsigned)current;
	static const char *const placements[] = { "static", "auto", NULL };
	if (attr_choice(p, n, "placement", placements) == 1)
		diag_note(p->d, xml_line(n), XML_TAG(n),
			  "placement='auto' is host-side (numad); ignored");
	if (xml_attr(n, "cpuset"))
		diag_note(p->d, xml_line(n), XML_TAG(n),
			  "cpuset= pins host CPUs, which is host-side; ignored");
}

void parse_lifecycle(struct parser *p, const xmlNode *n)
{
	struct lifecycle *lc = &p->dom->lifecycle;
	char *text = xml_text(n, p->d);
	if (!text)
		return;
	bool ok = true;
	if (xml_is(n, "on_poweroff")) {
		if (strcmp(text, "destroy") == 0)
			lc->poweroff = POWEROFF_DESTROY;
		else if (strcmp(text, "preserve") == 0)
			lc->poweroff = POWEROFF_PRESERVE;
		else
			ok = false;
	} else if (xml_is(n, "on_reboot")) {
		if (strcmp(text, "restart") == 0)
			lc->reboot = REBOOT_RESTART;
		else if (strcmp(text, "destroy") == 0)
			lc->reboot = REBOOT_DESTROY;
		else
			ok = false;
	} else {
		if (strcmp(text, "destroy") == 0)
			lc->crash = CRASH_DESTROY;
		else if (strcmp(text, "preserve") == 0)
			lc->crash = CRASH_PRESERVE;
		else if (strcmp(text, "restart") == 0)
			lc->crash = CRASH_RESTART;
		else
			ok = false;
	}
	if (!ok) {
		static const char *const known[] = {
			"destroy", "restart", "preserve", "rename-restart",
			"coredump-destroy", "coredump-restart", NULL,
		};
		bool libvirt_knows = false;
		for (size_t i = 0; known[i]; i++)
			libvirt_knows |= strcmp(text, known[i]) == 0;
		const char *supported = xml_is(n, "on_poweroff")
						? "destroy or preserve"
					: xml_is(n, "on_reboot")
						? "restart or destroy"
						: "destroy, preserve or restart";
		diag_error(p->d, libvirt_knows ? EXIT_UNAVAILABLE : EXIT_DATAERR,
			   xml_line(n), XML_TAG(n),
			   "'%s' %s; expected %s", text,
			   libvirt_knows ? "needs libvirt's daemon, QEMU alone cannot do it"
					 : "is not an action",
			   supported);
	}
	free(text);
}

void parse_emulator(struct parser *p, const xmlNode *n)
{
	if (!text_once(p, n, &p->dom->emulator))
		return;
	p->dom->emulator_line = xml_line(n);
	if (!*p->dom->emulator)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "is empty; expected the QEMU binary, e.g. /usr/bin/qemu-system-x86_64");
}

/* What every guest must have, and the defaults libvirt fills in. */
void check_general(struct parser *p)
{
	struct domain *dom = p->dom;
	struct diag *d = p->d;
	if (!dom->name)
		diag_error(d, EXIT_DATAERR, dom->line, "<domain>",
			   "has no <name>; expected the guest's name");
	else if (!dom->memory_line && !dom->numa.line) /* NUMA cells size it */
		diag_error(d, EXIT_DATAERR, dom->line, "<domain>",
			   "has no <memory>; expected the guest's memory size, e.g. <memory unit='GiB'>4</memory>");
	else if (!dom->os.line)
		diag_error(d, EXIT_DATAERR, dom->line, "<domain>",
			   "has no <os>; expected <os><type arch='x86_64' machine='q35'>hvm</type>...</os>");
	if (diag_failed(d))
		return;
	if (!dom->vcpus) {
		dom->vcpus = 1;
		diag_note(d, dom->line, "<domain>", "no <vcpu>: 1 vCPU");
	}
	if (dom->memory_line && dom->current_memory_bytes > dom->memory_bytes)
		diag_error(d, EXIT_DATAERR, dom->current_memory_line, "<currentMemory>",
			   "is larger than <memory>; expected at most the maximum");
	else if (dom->memory_line && dom->current_memory_bytes &&
		 dom->current_memory_bytes < dom->memory_bytes)
		diag_note(d, dom->current_memory_line, "<currentMemory>",
			  "QEMU starts the guest with all of <memory>; a balloon target is set after start by a management tool");
}

void free_general(struct domain *dom)
{
	free(dom->name);
	free(dom->uuid);
	free(dom->emulator);
}
