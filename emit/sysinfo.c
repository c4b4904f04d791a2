/* -smbios from <sysinfo type='smbios'> (or the host's tables with
 * <smbios mode='host'>), and -fw_cfg from <sysinfo type='fwcfg'>. */
#include "emit/build.h"

/* QEMU's keys, in the order of struct sysinfo's fields (libvirt's). */
static const char *const keys[SMBIOS_TABLES][SMBIOS_FIELDS] = {
	[SMBIOS_BIOS] = { "vendor", "version", "date", "release" },
	[SMBIOS_SYSTEM] = { "manufacturer", "product", "version", "serial",
			    "uuid", "sku", "family" },
	[SMBIOS_BOARD] = { "manufacturer", "product", "version", "serial",
			   "asset", "location" },
	[SMBIOS_CHASSIS] = { "manufacturer", "version", "serial", "asset", "sku" },
};
static const unsigned types[SMBIOS_TABLES] = { 0, 1, 2, 3 };

/* One -smbios type=N with the fields given; none given: no option. */
static void push_table(struct build *b, enum smbios_table t,
		       char *const fields[SMBIOS_FIELDS])
{
	struct keyval kv;
	bool any = false;
	kv_begin(&kv, NULL);
	kv_u64(&kv, "type", types[t]);
	for (size_t f = 0; f < SMBIOS_FIELDS; f++)
		if (fields[f] && keys[t][f]) {
			kv_str(&kv, keys[t][f], fields[f]);
			any = true;
		}
	if (any)
		kv_push(&kv, b->argv, "-smbios");
	else
		kv_discard(&kv);
}

static void build_smbios(struct build *b)
{
	const struct sysinfo *si = &b->dom->sysinfo;
	if (si->mode == SMBIOS_HOST) {
		/* libvirt copies the host's type 0 and 1, all but the uuid. */
		if (!b->host->have_smbios) {
			diag_error(b->d, EXIT_UNAVAILABLE, si->mode_line, "<smbios>",
				   "mode='host' but this host's SMBIOS (/sys/class/dmi/id) cannot be read; expected mode='emulate' or 'sysinfo'");
			return;
		}
		push_table(b, SMBIOS_BIOS, b->host->smbios[SMBIOS_BIOS]);
		push_table(b, SMBIOS_SYSTEM, b->host->smbios[SMBIOS_SYSTEM]);
		return;
	}
	if (si->mode != SMBIOS_SYSINFO)
		return;
	for (size_t t = 0; t < SMBIOS_TABLES; t++)
		push_table(b, (enum smbios_table)t, si->fields[t]);
	if (!si->noem)
		return;
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_u64(&kv, "type", 11);
	for (size_t i = 0; i < si->noem; i++)
		kv_str(&kv, "value", si->oem[i]);
	kv_push(&kv, b->argv, "-smbios");
}

void build_sysinfo(struct build *b)
{
	build_smbios(b);
	const struct sysinfo *si = &b->dom->sysinfo;
	for (size_t i = 0; i < si->nfwcfg; i++) {
		const struct fwcfg_entry *f = &si->fwcfg[i];
		struct keyval kv;
		kv_begin(&kv, NULL);
		kv_str(&kv, "name", f->name);
		if (f->file)
			kv_str(&kv, "file", f->file);
		else
			kv_str(&kv, "string", f->value);
		kv_push(&kv, b->argv, "-fw_cfg");
	}
}
