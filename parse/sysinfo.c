/*
 * <sysinfo type='smbios'> (the SMBIOS tables an orchestrator hands the
 * guest: OpenStack's and KubeVirt's serials, uuids and oemStrings),
 * <sysinfo type='fwcfg'> (named firmware config blobs), and <os><smbios
 * mode>, which says whether the smbios sysinfo is used at all.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "lib/xalloc.h"
#include "parse/parser.h"

/* Each table's element and its entry names, in libvirt's (and QEMU's)
 * order: the index is the field's place in struct sysinfo. */
static const struct {
	const char *element;
	const char *names[SMBIOS_FIELDS + 1];
	const char *list;
} tables[SMBIOS_TABLES] = {
	[SMBIOS_BIOS] = { "bios", { "vendor", "version", "date", "release" },
			  "vendor, version, date or release" },
	[SMBIOS_SYSTEM] = { "system",
			    { "manufacturer", "product", "version", "serial",
			      "uuid", "sku", "family" },
			    "manufacturer, product, version, serial, uuid, sku or family" },
	[SMBIOS_BOARD] = { "baseBoard",
			   { "manufacturer", "product", "version", "serial",
			     "asset", "location" },
			   "manufacturer, product, version, serial, asset or location" },
	[SMBIOS_CHASSIS] = { "chassis",
			     { "manufacturer", "version", "serial", "asset", "sku" },
			     "manufacturer, version, serial, asset or sku" },
};

#define SYSTEM_UUID 4

/* mm/dd/yy or mm/dd/yyyy, as libvirt and the SMBIOS spec want it. */
static bool bios_date(const char *s)
{
	unsigned m = 0, d = 0;
	size_t n = strspn(s, "0123456789");
	if (n < 1 || n > 2 || s[n] != '/')
		return false;
	m = (unsigned)atoi(s);
	s += n + 1;
	n = strspn(s, "0123456789");
	if (n < 1 || n > 2 || s[n] != '/')
		return false;
	d = (unsigned)atoi(s);
	s += n + 1;
	n = strspn(s, "0123456789");
	return (n == 2 || n == 4) && !s[n] && m >= 1 && m <= 12 && d >= 1 &&
	       d <= 31;
}

/* MAJOR.MINOR, each a byte: QEMU's reading of the BIOS release. */
static bool bios_release(const char *s)
{
	const char *dot = strchr(s, '.');
	uint64_t major, minor;
	if (!dot || dot == s)
		return false;
	char *head = xstrndup(s, (size_t)(dot - s));
	bool ok = parse_decimal(head, &major) && parse_decimal(dot + 1, &minor) &&
		  major <= 255 && minor <= 255;
	free(head);
	return ok;
}

static bool entry_value_ok(struct parser *p, const xmlNode *e,
			   enum smbios_table t, size_t field, char **value)
{
	const char *what = NULL;
	if (t == SMBIOS_BIOS && field == 2 && !bios_date(*value))
		what = "expected mm/dd/yy or mm/dd/yyyy, e.g. 01/31/2024";
	else if (t == SMBIOS_BIOS && field == 3 && !bios_release(*value))
		what = "expected MAJOR.MINOR, each 0 to 255, e.g. 1.16";
	if (what) {
		diag_error(p->d, EXIT_DATAERR, xml_line(e), XML_TAG(e),
			   "%s '%s' is not valid; %s", tables[t].names[field],
			   *value, what);
		return false;
	}
	if (t == SMBIOS_SYSTEM && field == SYSTEM_UUID) {
		char canonical[37];
		if (!parse_uuid(*value, canonical)) {
			diag_error(p->d, EXIT_DATAERR, xml_line(e), XML_TAG(e),
				   "uuid '%s' is not a UUID; expected 32 hex digits, e.g. 8-4-4-4-12",
				   *value);
			return false;
		}
		free(*value);
		*value = xstrdup(canonical);
		p->dom->sysinfo.system_uuid_line = xml_line(e);
	}
	return true;
}

static void parse_table(struct parser *p, const xmlNode *n, enum smbios_table t)
{
	struct sysinfo *si = &p->dom->sysinfo;
	if (si->has_table[t]) {
		if (t == SMBIOS_BOARD)
			refuse(p, n, "a second <baseBoard>: QEMU 7.2 has one SMBIOS type 2 table");
		else
			duplicate(p, n);
		return;
	}
	si->has_table[t] = true;
	for (xmlNode *e = xml_first_element(n); e && !diag_failed(p->d);
	     e = xml_next_element(e)) {
		static const char *const known[] = { "name", NULL };
		if (!xml_is(e, "entry")) {
			unexpected(p, e, n, "<entry name='...'>");
			continue;
		}
		const char *name = known_attrs(p, e, known)
					   ? attr_required(p, e, "name") : NULL;
		if (!name)
			return;
		size_t field = 0;
		while (tables[t].names[field] && strcmp(tables[t].names[field], name))
			field++;
		if (!tables[t].names[field]) {
			diag_error(p->d, EXIT_DATAERR, xml_line(e), XML_TAG(e),
				   "name='%s' is not a <%s> entry; expected %s",
				   name, tables[t].element, tables[t].list);
			return;
		}
		char *value = xml_text(e, p->d);
		if (!value)
			return;
		if (si->fields[t][field]) {
			free(value);
			diag_error(p->d, EXIT_DATAERR, xml_line(e), XML_TAG(e),
				   "name='%s' is given twice; expected each entry once",
				   name);
			return;
		}
		/* An empty entry is no entry, as libvirt reads it. */
		if (!*value || !entry_value_ok(p, e, t, field, &value))
			free(value);
		else
			si->fields[t][field] = value;
	}
}

static void parse_oem_strings(struct parser *p, const xmlNode *n)
{
	struct sysinfo *si = &p->dom->sysinfo;
	if (si->noem) {
		duplicate(p, n);
		return;
	}
	for (xmlNode *e = xml_first_element(n); e && !diag_failed(p->d);
	     e = xml_next_element(e)) {
		static const char *const none[] = { NULL };
		if (!xml_is(e, "entry")) {
			unexpected(p, e, n, "<entry>");
			return;
		}
		char *value = known_attrs(p, e, none) ? xml_text(e, p->d) : NULL;
		if (!value)
			return;
		XGROW(si->oem, si->noem, si->oem_alloc);
		si->oem[si->noem++] = value;
	}
}

static void parse_smbios_sysinfo(struct parser *p, const xmlNode *n)
{
	struct sysinfo *si = &p->dom->sysinfo;
	if (si->line) {
		duplicate(p, n);
		return;
	}
	si->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		size_t t = 0;
		while (t < SMBIOS_TABLES && !xml_is(c, tables[t].element))
			t++;
		if (t < SMBIOS_TABLES)
			parse_table(p, c, (enum smbios_table)t);
		else if (xml_is(c, "oemStrings"))
			parse_oem_strings(p, c);
		else if (xml_is(c, "processor") || xml_is(c, "memory_device"))
			refuse(p, c, "is host data in libvirt (virsh sysinfo), not a guest's SMBIOS table");
		else
			unexpected(p, c, n, "<bios>, <system>, <baseBoard>, <chassis> or <oemStrings>");
	}
}

static void parse_fwcfg_entry(struct parser *p, const xmlNode *e)
{
	static const char *const known[] = { "name", "file", NULL };
	const char *name = known_attrs(p, e, known) ? attr_required(p, e, "name")
						    : NULL;
	char *value = name ? xml_text(e, p->d) : NULL;
	if (!value)
		return;
	const char *file = xml_attr(e, "file");
	const char *wrong = NULL;
	if (strncmp(name, "opt/", 4) != 0 || !name[4])
		wrong = "is not valid; expected a name under opt/, e.g. opt/com.example/config";
	else if (*value && file)
		wrong = "has both a value and file=; expected one of them";
	else if (!*value && (!file || !*file))
		wrong = "has neither a value nor file=; expected one of them";
	if (wrong) {
		diag_error(p->d, EXIT_DATAERR, xml_line(e), XML_TAG(e),
			   "name='%s' %s", name, wrong);
		free(value);
		return;
	}
	if (strlen(name) > 55) {
		refuse(p, e, "name='%s' is longer than the 55 bytes QEMU's fw_cfg holds", name);
		free(value);
		return;
	}
	struct sysinfo *si = &p->dom->sysinfo;
	for (size_t i = 0; i < si->nfwcfg; i++)
		if (strcmp(si->fwcfg[i].name, name) == 0) {
			diag_error(p->d, EXIT_DATAERR, xml_line(e), XML_TAG(e),
				   "name='%s' is given twice; expected each entry once", name);
			free(value);
			return;
		}
	XGROW(si->fwcfg, si->nfwcfg, si->fwcfg_alloc);
	struct fwcfg_entry *f = &si->fwcfg[si->nfwcfg++];
	*f = (struct fwcfg_entry){ xml_line(e), xstrdup(name), NULL, NULL };
	if (file)
		f->file = xstrdup(file);
	else
		f->value = value, value = NULL;
	free(value);
}

void parse_sysinfo(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = { "type", NULL };
	static const char *const types[] = { "smbios", "fwcfg", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "type"))
		return;
	int type = attr_choice(p, n, "type", types);
	if (type == 0) {
		parse_smbios_sysinfo(p, n);
		return;
	}
	if (type != 1)
		return;
	struct sysinfo *si = &p->dom->sysinfo;
	if (si->fwcfg_line) {
		duplicate(p, n);
		return;
	}
	si->fwcfg_line = xml_line(n);
	for (xmlNode *e = xml_first_element(n); e && !diag_failed(p->d);
	     e = xml_next_element(e)) {
		if (xml_is(e, "entry"))
			parse_fwcfg_entry(p, e);
		else
			unexpected(p, e, n, "<entry name='opt/...'>");
	}
}

/* <os><smbios mode='sysinfo|host|emulate'/> (called by parse/os.c). */
void parse_os_smbios(struct parser *p, const xmlNode *n)
{
	struct sysinfo *si = &p->dom->sysinfo;
	static const char *const known[] = { "mode", NULL };
	static const char *const modes[] = { "emulate", "host", "sysinfo", NULL };
	if (si->mode_line) {
		duplicate(p, n);
		return;
	}
	si->mode_line = xml_line(n);
	if (!known_attrs(p, n, known) || !attr_required(p, n, "mode"))
		return;
	int mode = attr_choice(p, n, "mode", modes);
	if (mode >= 0)
		si->mode = (enum smbios_mode)(SMBIOS_EMULATE + mode);
}

void check_sysinfo(struct parser *p)
{
	struct domain *dom = p->dom;
	struct sysinfo *si = &dom->sysinfo;
	const char *uuid = si->fields[SMBIOS_SYSTEM][SYSTEM_UUID];
	if (uuid && dom->uuid && strcmp(uuid, dom->uuid) != 0) {
		diag_error(p->d, EXIT_DATAERR, si->system_uuid_line, "<entry>",
			   "uuid %s differs from the domain's <uuid> %s; expected the same UUID (or no <uuid>)",
			   uuid, dom->uuid);
		return;
	}
	if (uuid && !dom->uuid) /* libvirt takes the guest's uuid from here */
		dom->uuid = xstrdup(uuid);
	if (si->mode == SMBIOS_SYSINFO && !si->line)
		diag_error(p->d, EXIT_DATAERR, si->mode_line, "<smbios>",
			   "mode='sysinfo' but the domain has no <sysinfo type='smbios'>; expected one, or mode='emulate'");
	else if (si->line && si->mode != SMBIOS_SYSINFO)
		diag_note(p->d, si->line, "<sysinfo>",
			  "not used: the guest gets it with <os><smbios mode='sysinfo'/>");
}

void free_sysinfo(struct domain *dom)
{
	struct sysinfo *si = &dom->sysinfo;
	for (size_t t = 0; t < SMBIOS_TABLES; t++)
		for (size_t f = 0; f < SMBIOS_FIELDS; f++)
			free(si->fields[t][f]);
	for (size_t i = 0; i < si->noem; i++)
		free(si->oem[i]);
	free(si->oem);
	for (size_t i = 0; i < si->nfwcfg; i++) {
		free(si->fwcfg[i].name);
		free(si->fwcfg[i].value);
		free(si->fwcfg[i].file);
	}
	free(si->fwcfg);
}
