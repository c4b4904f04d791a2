/*
 * The parse side's registration table: element name -> parser, the way
 * git's builtin table or tmux's cmd_table work.  Every child of <domain>
 * and of <devices> is looked up here, so each element is parsed, knowingly
 * ignored (host-side data), or refused by name — never dropped silently.
 *
 * Row order is the order of the whole-domain checks: a reader's order,
 * from what every guest needs to what launch security asks of the rest.
 */
#include <string.h>

#include "parse/parser.h"

static void parse_devices(struct parser *p, const xmlNode *n)
{
	parse_children_of(p, n, IN_DEVICES);
}

#define HOST_SIDE(name) { name, NULL, IN_DOMAIN, NULL, NULL, NULL }

static const struct element_row rows[] = {
	/* name           ns       parent      parse                  check              release */
	{ "name",          NULL, IN_DOMAIN,  parse_name,            check_general,     free_general },
	{ "uuid",          NULL, IN_DOMAIN,  parse_uuid_element,    NULL,              NULL },
	{ "memory",        NULL, IN_DOMAIN,  parse_memory_element,  NULL,              NULL },
	{ "currentMemory", NULL, IN_DOMAIN,  parse_current_memory,  NULL,              NULL },
	{ "blkiotune",     NULL, IN_DOMAIN,  parse_blkiotune,       NULL,              NULL },
	{ "vcpu",          NULL, IN_DOMAIN,  parse_vcpu,            NULL,              NULL },
	{ "on_poweroff",   NULL, IN_DOMAIN,  parse_lifecycle,       NULL,              NULL },
	{ "on_reboot",     NULL, IN_DOMAIN,  parse_lifecycle,       NULL,              NULL },
	{ "on_crash",      NULL, IN_DOMAIN,  parse_lifecycle,       NULL,              NULL },
	{ "devices",       NULL, IN_DOMAIN,  parse_devices,         NULL,              NULL },
	{ "emulator",      NULL, IN_DEVICES, parse_emulator,        NULL,              NULL },
	{ "disk",          NULL, IN_DEVICES, parse_disk,            check_disks,       free_disks },
	{ "cpu",           NULL, IN_DOMAIN,  parse_cpu,             check_cpu,         free_cpu },
	{ "clock",         NULL, IN_DOMAIN,  parse_clock,           NULL,              NULL },
	{ "pm",            NULL, IN_DOMAIN,  parse_pm,              NULL,              NULL },
	{ "memoryBacking", NULL, IN_DOMAIN,  parse_memory_backing,  NULL,              NULL },
	{ "controller",    NULL, IN_DEVICES, parse_controller,      check_controllers, free_controllers },
	{ "interface",     NULL, IN_DEVICES, parse_interface,       check_interfaces,  free_interfaces },
	{ "serial",        NULL, IN_DEVICES, parse_chardev,         check_chardevs,    free_chardevs },
	{ "console",       NULL, IN_DEVICES, parse_chardev,         NULL,              NULL },
	{ "channel",       NULL, IN_DEVICES, parse_chardev,         NULL,              NULL },
	{ "parallel",      NULL, IN_DEVICES, parse_chardev,         NULL,              NULL },
	{ "vsock",         NULL, IN_DEVICES, parse_misc_device,     check_misc,        free_misc },
	{ "video",         NULL, IN_DEVICES, parse_misc_device,     NULL,              NULL },
	{ "input",         NULL, IN_DEVICES, parse_misc_device,     NULL,              NULL },
	{ "memballoon",    NULL, IN_DEVICES, parse_misc_device,     NULL,              NULL },
	{ "rng",           NULL, IN_DEVICES, parse_misc_device,     NULL,              NULL },
	{ "watchdog",      NULL, IN_DEVICES, parse_misc_device,     NULL,              NULL },
	{ "panic",         NULL, IN_DEVICES, parse_misc_device,     NULL,              NULL },
	{ "iommu",         NULL, IN_DEVICES, parse_iommu,           check_iommu,       NULL },
	{ "pstore",        NULL, IN_DEVICES, parse_pstore,          check_pstore,      NULL },
	{ "graphics",      NULL, IN_DEVICES, parse_display_device,  NULL,              NULL },
	{ "hostdev",       NULL, IN_DEVICES, parse_hostdev,         check_hostdevs,    free_hostdevs },
	{ "audio",         NULL, IN_DEVICES, parse_audio,           NULL,              NULL },
	{ "tpm",           NULL, IN_DEVICES, parse_tpm,             NULL,              free_tpm },
	{ "filesystem",    NULL, IN_DEVICES, parse_filesystem,      check_filesystems, free_filesystems },
	{ "sound",         NULL, IN_DEVICES, parse_sound,           check_desktop,     free_desktop },
	{ "redirdev",      NULL, IN_DEVICES, parse_redirdev,        NULL,              NULL },
	{ "smartcard",     NULL, IN_DEVICES, parse_smartcard,       check_smartcard,   free_smartcard },
	{ "hub",           NULL, IN_DEVICES, parse_hub,             check_usb_hubs,    free_usb_hubs },
	{ "redirfilter",   NULL, IN_DEVICES, parse_redirfilter,     NULL,              NULL },
	{ "os",            NULL, IN_DOMAIN,  parse_os,              check_os,          free_os },
	{ "features",      NULL, IN_DOMAIN,  parse_features,        check_hypervisor_features, free_hypervisor_features },
	{ "launchSecurity", NULL, IN_DOMAIN, parse_launch_security, check_launch,      free_launch },
	{ "sev",           NULL, IN_DOMAIN,  parse_seed_sev,        NULL,              NULL },
	{ "numatune",      NULL, IN_DOMAIN,  parse_numatune,        check_numa,        free_numa },
	{ "maxMemory",     NULL, IN_DOMAIN,  parse_max_memory,      check_memory_devices, free_memory_devices },
	{ "memory",        NULL, IN_DEVICES, parse_memory_device,   NULL,              NULL },
	{ "iothreads",     NULL, IN_DOMAIN,  parse_iothreads,       check_iothreads,   free_iothreads },
	{ "iothreadids",   NULL, IN_DOMAIN,  parse_iothreads,       NULL,              NULL },
	{ "defaultiothread", NULL, IN_DOMAIN, parse_iothreads,      NULL,              NULL },
	{ "sysinfo",       NULL, IN_DOMAIN,  parse_sysinfo,         check_sysinfo,     free_sysinfo },
	{ "commandline", QEMU_NS, IN_DOMAIN, parse_qemu_commandline, NULL,             free_qemu },
	/* Host-side management data: nothing to give QEMU. */
	HOST_SIDE("metadata"), HOST_SIDE("title"), HOST_SIDE("description"),
	HOST_SIDE("seclabel"), HOST_SIDE("resource"), HOST_SIDE("memtune"),
	HOST_SIDE("cputune"), HOST_SIDE("genid"),
	/* User-namespace ids for containers (LXC) and nothing to the QEMU
	 * driver, which only checks uid and gid come together. */
	HOST_SIDE("idmap"),
};

#define NROWS (sizeof(rows) / sizeof(*rows))

static bool same_ns(const xmlNode *n, const char *ns)
{
	const char *href = n->ns && n->ns->href ? (const char *)n->ns->href : NULL;
	if (!ns || !href)
		return ns == href;
	return strcmp(ns, href) == 0;
}

static const struct element_row *row_for(const xmlNode *n,
					  enum element_parent parent)
{
	for (size_t i = 0; i < NROWS; i++)
		if (rows[i].parent == parent &&
		    strcmp((const char *)n->name, rows[i].name) == 0 &&
		    same_ns(n, rows[i].ns))
			return &rows[i];
	return NULL;
}

void parse_children_of(struct parser *p, const xmlNode *n,
		       enum element_parent parent)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		const struct element_row *row = row_for(c, parent);
		if (!row)
			unsupported(p, c, NULL);
		else if (row->parse)
			row->parse(p, c);
		else
			ignored(p, c);
	}
}

void check_families(struct parser *p)
{
	for (size_t i = 0; i < NROWS && !diag_failed(p->d); i++)
		if (rows[i].check)
			rows[i].check(p);
}

void release_families(struct domain *dom)
{
	for (size_t i = 0; i < NROWS; i++)
		if (rows[i].release)
			rows[i].release(dom);
}
