/*
 * Firmware, resolved once: from <loader>/<nvram> as written, or — for
 * <os firmware='efi'> without a <loader> — chosen as libvirt does from
 * QEMU's firmware descriptors (docs/interop/firmware.json): the JSON files
 * in /usr/share/qemu/firmware, /etc/qemu/firmware and
 * $XDG_CONFIG_HOME/qemu/firmware, where a file of the same name in a later
 * directory masks the earlier one (an empty file masks without replacing),
 * taken in file-name order.  A descriptor fits, as in libvirt's
 * qemu_firmware.c, when it offers UEFI for x86_64 on the guest's machine
 * type, the AMD feature the guest needs (amd-sev, amd-sev-es when policy
 * bit 2 is set, amd-sev-snp), Secure Boot and enrolled keys as <loader
 * secure> and <os><firmware><feature> ask (either way, when they ask), and
 * requires SMM only where SMM may be on: not with <smm state='off'/>, not
 * for SEV-ES and SNP (sevqemu turns their SMM off).  The first that fits
 * wins: on Debian 12 a plain SEV guest gets 40-edk2-x86_64-secure-enrolled
 * (OVMF_CODE_4M.ms.fd), SMM on and secure flash, as libvirt gives it.
 */
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emit/build.h"

struct candidate {
	char *name;   /* file name: what orders and masks */
	char *path;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct candidate *)a)->name,
		      ((const struct candidate *)b)->name);
}

/* Adds DIR's *.json files; a name already seen is masked by this one. */
static void add_dir(const char *dir, struct candidate **list, size_t *n,
		    size_t *alloc)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	for (struct dirent *e; (e = readdir(dh));) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		struct candidate *c = NULL;
		for (size_t i = 0; i < *n && !c; i++)
			if (strcmp((*list)[i].name, e->d_name) == 0)
				c = &(*list)[i];
		if (c) {
			free(c->path);
		} else {
			XGROW(*list, *n, *alloc);
			c = &(*list)[(*n)++];
			c->name = xstrdup(e->d_name);
		}
		c->path = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(dh);
}

static bool has_string(json_t *array, const char *want)
{
	size_t i;
	json_t *v;
	json_array_foreach(array, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
			return true;
	return false;
}

/* q35 and pc are aliases of versioned types the descriptors name. */
static bool machine_matches(json_t *machines, const char *machine,
			    enum machine_family family)
{
	const char *as = machine;
	if (!machine || strcmp(machine, "q35") == 0 || strcmp(machine, "pc") == 0)
		as = family == MACHINE_Q35 ? "pc-q35-alias" : "pc-i440fx-alias";
	size_t i;
	json_t *v;
	json_array_foreach(machines, i, v)
		if (json_is_string(v) && fnmatch(json_string_value(v), as, 0) == 0)
			return true;
	return false;
}

static bool targets_fit(json_t *targets, const struct os *os)
{
	size_t i;
	json_t *t;
	json_array_foreach(targets, i, t) {
		json_t *arch = json_object_get(t, "architecture");
		if (json_is_string(arch) &&
		    strcmp(json_string_value(arch), "x86_64") == 0 &&
		    machine_matches(json_object_get(t, "machines"), os->machine,
				    os->family))
			return true;
	}
	return false;
}

static const char *filename_of(json_t *mapping, const char *key)
{
	json_t *file = json_object_get(json_object_get(mapping, key), "filename");
	return json_is_string(file) ? json_string_value(file) : NULL;
}

/* A feature the domain asks for (TRI_ON) or against (TRI_OFF): false
 * when the descriptor's FEATURES disagree. */
static bool agrees(json_t *features, const char *name, enum tristate want)
{
	return want == TRI_DEFAULT || has_string(features, name) == (want == TRI_ON);
}

/* Whether descriptor DOC's features fit the domain. */
static bool features_fit(const struct build *b, json_t *features, const char *feature)
{
	const struct domain *dom = b->dom;
	const struct os *os = &dom->os;
	bool smm_off = b->es || dom->features.smm == TRI_OFF;
	enum tristate secure = os->loader_secure != TRI_DEFAULT ? os->loader_secure
							       : os->fw_secure_boot;
	return (!feature || has_string(features, feature)) &&
	       !(smm_off && has_string(features, "requires-smm")) &&
	       agrees(features, "secure-boot", secure) &&
	       agrees(features, "secure-boot", os->fw_secure_boot) &&
	       agrees(features, "enrolled-keys", os->fw_enrolled_keys);
}

/* Fills B's firmware from descriptor DOC if it fits; true if it did. */
static bool take(struct build *b, json_t *doc, const char *feature,
		 const char *path)
{
	const struct os *os = &b->dom->os;
	json_t *features = json_object_get(doc, "features");
	json_t *mapping = json_object_get(doc, "mapping");
	if (!has_string(json_object_get(doc, "interface-types"), "uefi") ||
	    !targets_fit(json_object_get(doc, "targets"), os) ||
	    !features_fit(b, features, feature) || !json_is_object(mapping))
		return false;
	json_t *device = json_object_get(mapping, "device");
	const char *kind = json_is_string(device) ? json_string_value(device) : "";
	struct firmware *fw = &b->fw;
	if (strcmp(kind, "memory") == 0) {
		const char *file = json_string_value(json_object_get(mapping, "filename"));
		if (!file)
			return false;
		fw->type = LOADER_ROM;
		fw->code = xstrdup(file);
	} else if (strcmp(kind, "flash") == 0) {
		const char *code = filename_of(mapping, "executable");
		const char *vars = filename_of(mapping, "nvram-template");
		json_t *mode = json_object_get(mapping, "mode");
		bool stateless = json_is_string(mode) &&
				 strcmp(json_string_value(mode), "stateless") == 0;
		if (!code || (!vars && !stateless))
			return false;
		fw->type = b->snp ? LOADER_ROM : LOADER_PFLASH;
		fw->code = xstrdup(code);
		fw->code_readonly = true;
		/* A template the XML names is the one libvirt uses. */
		if (!b->snp && !stateless)
			fw->nvram_template = xstrdup(os->nvram_template ? os->nvram_template : vars);
		fw->secure = !b->snp && has_string(features, "secure-boot");
	} else {
		return false;
	}
	fw->requires_smm = has_string(features, "requires-smm");
	diag_note(b->d, os->line, "<os>", "firmware='efi': %s from descriptor %s%s",
		  fw->code, path, fw->requires_smm ? " (SMM on, as it requires)" : "");
	return true;
}

/* The descriptors, masked and in file-name order; N is their count. */
static struct candidate *descriptors(size_t *n)
{
	struct candidate *list = NULL;
	size_t alloc = 0;
	*n = 0;
	add_dir("/usr/share/qemu/firmware", &list, n, &alloc);
	add_dir("/etc/qemu/firmware", &list, n, &alloc);
	const char *config = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *user = config && *config ? xasprintf("%s/qemu/firmware", config)
		   : home ? xasprintf("%s/.config/qemu/firmware", home) : NULL;
	if (user)
		add_dir(user, &list, n, &alloc);
	free(user);
	if (*n)
		qsort(list, *n, sizeof(*list), by_name);
	return list;
}

static void free_descriptors(struct candidate *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].path);
	}
	free(list);
}

/* <loader> named with an <nvram> but no template=: libvirt's template is
 * that of the first flash descriptor whose executable is the loader. */
static void template_for_loader(struct build *b)
{
	const struct os *os = &b->dom->os;
	size_t n;
	struct candidate *list = descriptors(&n);
	for (size_t i = 0; i < n && !b->fw.nvram_template; i++) {
		json_t *doc = json_load_file(list[i].path, 0, NULL);
		json_t *mapping = json_object_get(doc, "mapping");
		const char *code = filename_of(mapping, "executable");
		const char *vars = filename_of(mapping, "nvram-template");
		if (code && vars && strcmp(code, os->loader) == 0) {
			b->fw.nvram_template = xstrdup(vars);
			diag_note(b->d, os->nvram_line, "<nvram>",
				  "no template=: %s, from descriptor %s", vars,
				  list[i].path);
		}
		json_decref(doc);
	}
	free_descriptors(list, n);
}

static void choose(struct build *b)
{
	const struct domain *dom = b->dom;
	const char *feature = b->snp ? "amd-sev-snp"
			    : b->es  ? "amd-sev-es"
			    : b->sev ? "amd-sev" : NULL;
	size_t n;
	struct candidate *list = descriptors(&n);
	bool found = false;
	for (size_t i = 0; i < n && !found; i++) {
		/* An unreadable or masking (empty) file offers nothing. */
		json_t *doc = json_load_file(list[i].path, 0, NULL);
		found = doc && take(b, doc, feature, list[i].path);
		json_decref(doc);
	}
	free_descriptors(list, n);
	if (!found)
		diag_error(b->d, EXIT_UNAVAILABLE, dom->os.line, "<os>",
			   "firmware='efi': no firmware descriptor in /usr/share/qemu/firmware, /etc/qemu/firmware or $XDG_CONFIG_HOME/qemu/firmware offers UEFI for x86_64 %s%s%s%s%s; install OVMF (Debian: ovmf) or name the image in <loader>",
			   dom->os.machine ? dom->os.machine : "machines",
			   feature ? " with " : "", feature ? feature : "",
			   b->es || dom->features.smm == TRI_OFF ? " without SMM" : "",
			   dom->os.loader_secure == TRI_ON || dom->os.fw_secure_boot == TRI_ON
			   ? " and Secure Boot" : "");
}

bool firmware_resolve(struct build *b)
{
	const struct os *os = &b->dom->os;
	struct firmware *fw = &b->fw;
	if (os->loader) {
		/* SNP has no flash: its firmware is measured from -bios. */
		fw->type = b->snp ? LOADER_ROM : os->loader_type;
		fw->code = xstrdup(os->loader);
		fw->code_readonly = os->loader_readonly == TRI_ON;
		fw->secure = os->loader_secure == TRI_ON;
		if (os->nvram_template)
			fw->nvram_template = xstrdup(os->nvram_template);
		else if (fw->type == LOADER_PFLASH && os->nvram_line && !os->nvram_net)
			template_for_loader(b);
	} else if (os->firmware_efi) {
		choose(b);
	}
	if (os->nvram) {
		fw->nvram = xstrdup(os->nvram);
	} else if (os->nvram_net) {
		/* A network store is the server's: nothing to create. */
	} else if (fw->nvram_template && fw->type == LOADER_PFLASH) {
		/* Chosen firmware with no <nvram>, or an <nvram> without a
		 * path: the guest's store lives with its other state. */
		const char *dir = plan_state_dir(b);
		if (dir)
			fw->nvram = xasprintf("%s/VARS.fd", dir);
		fw->nvram_in_state_dir = true;
	}
	return !diag_failed(b->d);
}

void firmware_release(struct firmware *fw)
{
	free(fw->code);
	free(fw->nvram);
	free(fw->nvram_template);
}
