/*
 * The <domain> element: its direct children are dispatched from one table,
 * so that every element is either parsed, knowingly ignored, or refused by
 * name — never dropped silently.  Checks that span elements run at the end.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "lib/number.h"
#include "parse/parse.h"
#include "parse/parser.h"
#include "lib/xalloc.h"

static void parse_name(struct parser *p, const xmlNode *n)
{
	p->dom->name_line = xml_line(n);
	if (!text_once(p, n, &p->dom->name))
		return;
	if (!*p->dom->name)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "is empty; expected the guest's name");
}

static void parse_uuid_element(struct parser *p, const xmlNode *n)
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
	static const char *const known[] = { "unit", NULL };
	if (!known_attrs(p, n, known))
		return false;
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

static void parse_memory_element(struct parser *p, const xmlNode *n)
{
	if (p->dom->memory_line) {
		duplicate(p, n);
		return;
	}
	p->dom->memory_line = xml_line(n);
	memory_value(p, n, &p->dom->memory_bytes);
}

static void parse_current_memory(struct parser *p, const xmlNode *n)
{
	if (p->dom->current_memory_line) {
		duplicate(p, n);
		return;
	}
	p->dom->current_memory_line = xml_line(n);
	memory_value(p, n, &p->dom->current_memory_bytes);
}

static void parse_vcpu(struct parser *p, const xmlNode *n)
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

static void parse_lifecycle(struct parser *p, const xmlNode *n)
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

typedef void element_parser(struct parser *p, const xmlNode *n);

static void skip(struct parser *p, const xmlNode *n) { ignored(p, n); }

struct element {
	const char *name;
	element_parser *parse;
};

static const struct element domain_elements[] = {
	{ "name", parse_name },
	{ "uuid", parse_uuid_element },
	{ "memory", parse_memory_element },
	{ "currentMemory", parse_current_memory },
	{ "vcpu", parse_vcpu },
	{ "os", parse_os },
	{ "features", parse_features },
	{ "on_poweroff", parse_lifecycle },
	{ "on_reboot", parse_lifecycle },
	{ "on_crash", parse_lifecycle },
	{ "devices", parse_devices },
	{ "cpu", parse_cpu },
	{ "clock", parse_clock },
	{ "memoryBacking", parse_memory_backing },
	{ "launchSecurity", parse_launch_security },
	{ "sev", parse_seed_sev },
	/* Host-side management data: nothing to give QEMU. */
	{ "metadata", skip }, { "title", skip }, { "description", skip },
	{ "seclabel", skip }, { "resource", skip }, { "memtune", skip },
	{ "cputune", skip }, { "numatune", skip }, { "pm", skip },
	{ "sysinfo", skip }, { "genid", skip },
};

/* Checks that need the whole domain, in the order a reader would ask. */
static void check_whole(struct parser *p, const xmlNode *root)
{
	struct domain *dom = p->dom;
	struct launch_security *ls = &dom->launch;
	struct diag *d = p->d;
	unsigned line = xml_line(root);

	if (!dom->name)
		diag_error(d, EXIT_DATAERR, line, "<domain>",
			   "has no <name>; expected the guest's name");
	else if (!dom->memory_line)
		diag_error(d, EXIT_DATAERR, line, "<domain>",
			   "has no <memory>; expected the guest's memory size, e.g. <memory unit='GiB'>4</memory>");
	else if (!dom->os.line)
		diag_error(d, EXIT_DATAERR, line, "<domain>",
			   "has no <os>; expected <os><type arch='x86_64' machine='q35'>hvm</type>...</os>");
	if (diag_failed(d))
		return;
	if (!dom->vcpus) {
		dom->vcpus = 1;
		diag_note(d, line, "<domain>", "no <vcpu>: 1 vCPU");
	}
	if (dom->current_memory_bytes > dom->memory_bytes)
		diag_error(d, EXIT_DATAERR, dom->current_memory_line, "<currentMemory>",
			   "is larger than <memory>; expected at most the maximum");
	else if (dom->current_memory_bytes &&
		 dom->current_memory_bytes < dom->memory_bytes)
		diag_note(d, dom->current_memory_line, "<currentMemory>",
			  "QEMU starts the guest with all of <memory>; a balloon target is set after start by a management tool");

	check_disks(p);
	check_cpu(p);
	check_controllers(p);
	check_interfaces(p);
	check_chardevs(p);
	check_misc(p);
	if (diag_failed(d))
		return;
	bool uefi = dom->os.loader || dom->os.firmware_efi;
	if (uefi && !dom->features.acpi)
		diag_error(d, EXIT_DATAERR, dom->os.line, "<os>",
			   "UEFI firmware needs ACPI; expected <features><acpi/></features>");
	if (diag_failed(d))
		return;

	if (ls->type == LAUNCH_NONE) {
		diag_warn(d, line, "<domain>",
			  "no launch security: this guest is NOT encrypted");
		return;
	}
	if (dom->type != VIRT_KVM)
		diag_error(d, EXIT_DATAERR, line, "<domain>",
			   "type='qemu' with %s: SEV needs KVM; expected <domain type='kvm'>",
			   ls->element);
	else if (ls->kernel_hashes == TRI_ON && !dom->os.kernel)
		diag_error(d, EXIT_DATAERR, ls->line, ls->element,
			   "kernelHashes='yes' measures a directly booted kernel; expected <os><kernel>");
	if (diag_failed(d))
		return;
	if (!uefi)
		diag_warn(d, dom->os.line, "<os>",
			  "no <loader> or firmware='efi': SEV guests boot only through OVMF (UEFI)");
	bool es = ls->type == LAUNCH_SEV && (ls->policy & SEV_POLICY_ES);
	if ((es || ls->type == LAUNCH_SEV_SNP) && dom->features.smm == TRI_ON)
		diag_error(d, EXIT_DATAERR, dom->features.smm_line, "<smm>",
			   "state='on' with %s: the VMM cannot enter SMM in an encrypted-state guest; expected <smm state='off'/> or none",
			   es ? "SEV-ES (policy bit 2)" : "SEV-SNP");
	else if (ls->type == LAUNCH_SEV_SNP && dom->os.nvram)
		diag_error(d, EXIT_DATAERR, dom->os.nvram_line, "<nvram>",
			   "SEV-SNP firmware is loaded with -bios and has no separate variable store; expected no <nvram> (a stateless loader)");
}

bool parse_domain(const char *buf, size_t len, const struct parse_options *opts,
		  struct domain *dom, struct diag *d)
{
	xmlDocPtr doc = xml_parse(buf, len, d);
	if (!doc)
		return false;
	struct parser p = { .d = d, .dom = dom, .opts = opts };
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !xml_is(root, "domain")) {
		diag_error(d, EXIT_DATAERR, root ? xml_line(root) : 0,
			   root ? XML_TAG(root) : NULL,
			   "is not a domain; expected a <domain> document");
		xmlFreeDoc(doc);
		return false;
	}
	dom->line = xml_line(root);
	const char *type = attr_required(&p, root, "type");
	if (type && strcmp(type, "kvm") == 0)
		dom->type = VIRT_KVM;
	else if (type && strcmp(type, "qemu") == 0)
		dom->type = VIRT_QEMU;
	else if (type)
		diag_error(d, EXIT_UNAVAILABLE, dom->line, "<domain>",
			   "type='%s' is not supported; expected type='kvm' (or 'qemu' for an unencrypted TCG guest)",
			   type);
	for (xmlNode *n = xml_first_element(root); n && !diag_failed(d);
	     n = xml_next_element(n)) {
		const struct element *e = NULL;
		for (size_t i = 0; i < sizeof(domain_elements) / sizeof(*domain_elements); i++) {
			if (xml_is(n, domain_elements[i].name)) {
				e = &domain_elements[i];
				break;
			}
		}
		if (e)
			e->parse(&p, n);
		else if (n->ns && n->ns->href &&
			 strcmp((const char *)n->ns->href, QEMU_NS) == 0 &&
			 strcmp((const char *)n->name, "commandline") == 0)
			parse_qemu_commandline(&p, n);
		else
			unsupported(&p, n, NULL);
	}
	if (!diag_failed(d))
		check_whole(&p, root);
	xmlFreeDoc(doc);
	return !diag_failed(d);
}

static void free_disk(struct disk *disk)
{
	free(disk->source);
	free(disk->target);
	free(disk->serial);
	free(disk->cache);
	free(disk->discard);
	free(disk->io);
}

void domain_free(struct domain *dom)
{
	free(dom->name);
	free(dom->uuid);
	free(dom->os.machine);
	free(dom->os.loader);
	free(dom->os.nvram);
	free(dom->os.nvram_template);
	free(dom->os.kernel);
	free(dom->os.initrd);
	free(dom->os.cmdline);
	free(dom->emulator);
	for (size_t i = 0; i < dom->ndisks; i++)
		free_disk(&dom->disks[i]);
	free(dom->disks);
	free_cpu(dom);
	free_controllers(dom);
	free_interfaces(dom);
	free_chardevs(dom);
	free_misc(dom);
	free_qemu(dom);
	struct launch_security *ls = &dom->launch;
	free(ls->dh_cert.base64);
	free(ls->session.base64);
	free(ls->workarounds.base64);
	free(ls->id_block.base64);
	free(ls->id_auth.base64);
	free(ls->host_data.base64);
	memset(dom, 0, sizeof(*dom));
}
