/* <os> (machine, firmware, direct kernel boot, boot order) and <features>. */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

static void parse_type(struct parser *p, const xmlNode *n)
{
	struct os *os = &p->dom->os;
	static const char *const known[] = { "arch", "machine", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *arch = xml_attr(n, "arch");
	os->i686 = arch && strcmp(arch, "i686") == 0;
	if (arch && strcmp(arch, "x86_64") != 0 && !os->i686) {
		diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
			   "arch='%s' is not supported; expected arch='x86_64' (or 'i686' for an unencrypted 32-bit guest)",
			   arch);
		return;
	}
	char *text = xml_text(n, p->d);
	if (!text)
		return;
	if (strcmp(text, "hvm") != 0)
		diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
			   "'%s' is not supported; expected 'hvm' (a full virtual machine)",
			   text);
	free(text);
	const char *machine = xml_attr(n, "machine");
	if (!machine || diag_failed(p->d))
		return;
	if (!plain_name(machine)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "machine='%s' is not a machine type name; expected e.g. 'q35', 'pc' or 'pc-q35-7.2'",
			   machine);
		return;
	}
	if (strcmp(machine, "q35") == 0 || strncmp(machine, "pc-q35-", 7) == 0)
		os->family = MACHINE_Q35;
	else if (strcmp(machine, "pc") == 0 || strncmp(machine, "pc-i440fx-", 10) == 0)
		os->family = MACHINE_I440FX;
	else {
		diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
			   "machine='%s' is not supported; expected q35, pc, or their versioned names (pc-q35-X.Y, pc-i440fx-X.Y)",
			   machine);
		return;
	}
	os->machine = xstrdup(machine);
}

/* A firmware image's format= (or templateFormat=): raw; qcow2 is valid
 * libvirt that sevqemu does not translate.  False when refused. */
/* format= on <loader> (raw only), or on <nvram> (raw or qcow2): the
 * format's index, or -1 (absent) / -2 (after an error). */
static int image_format(struct parser *p, const xmlNode *n, const char *attr,
			bool qcow2_ok)
{
	static const char *const formats[] = { "raw", "qcow2", NULL };
	int f = attr_choice(p, n, attr, formats);
	if (f == 1 && !qcow2_ok) {
		refuse(p, n, "%s='qcow2' is not supported: sevqemu gives firmware as a raw image; expected %s='raw'",
		       attr, attr);
		return -2;
	}
	return f;
}

static bool raw_format(struct parser *p, const xmlNode *n, const char *attr)
{
	return image_format(p, n, attr, false) != -2;
}

static void parse_loader(struct parser *p, const xmlNode *n)
{
	struct os *os = &p->dom->os;
	if (os->loader_line) {
		duplicate(p, n);
		return;
	}
	os->loader_line = xml_line(n);
	static const char *const known[] = {
		"readonly", "type", "secure", "stateless", "format", NULL,
	};
	if (!known_attrs(p, n, known) || !raw_format(p, n, "format"))
		return;
	static const char *const types[] = { "rom", "pflash", NULL };
	int type = attr_choice(p, n, "type", types);
	os->loader_readonly = attr_yesno(p, n, "readonly");
	os->loader_secure = attr_yesno(p, n, "secure");
	os->loader_stateless = attr_yesno(p, n, "stateless");
	if (diag_failed(p->d))
		return;
	os->loader = xml_text(n, p->d);
	if (!os->loader)
		return;
	if (!*os->loader && os->firmware_efi) {
		/* firmware='efi': <loader> only states requirements. */
		free(os->loader);
		os->loader = NULL;
	} else if (!*os->loader) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no path; expected the firmware file, e.g. /usr/share/OVMF/OVMF_CODE_4M.fd");
		return;
	}
	if (type == 0)
		os->loader_type = LOADER_ROM;
	else if (type == 1)
		os->loader_type = LOADER_PFLASH;
	/* else decided once <nvram> is known: see finish_os() */
}

/* <nvram type='file'><source file=/></nvram> or <nvram type='network'>
 * with a network disk's <source>: the path, or the network source. */
static char *nvram_source(struct parser *p, const xmlNode *n, int type)
{
	struct os *os = &p->dom->os;
	const xmlNode *src = NULL;
	for (const xmlNode *c = xml_first_element(n); c; c = xml_next_element(c)) {
		if (!xml_is(c, "source") || src) {
			unexpected(p, c, n, "one <source>");
			return NULL;
		}
		src = c;
	}
	if (!src) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type= without a <source>; expected <source %s>",
			   type == 0 ? "file='...'/" : "protocol='...' name='...'");
		return NULL;
	}
	if (type == 0) {
		static const char *const known[] = { "file", NULL };
		if (!known_attrs(p, src, known) || !attr_required(p, src, "file"))
			return NULL;
		return xstrdup(xml_attr(src, "file"));
	}
	os->nvram_net = xcalloc(1, sizeof(*os->nvram_net));
	parse_network_source(p, src, os->nvram_net);
	if (!diag_failed(p->d) && os->nvram_net->luks.line)
		refuse(p, src, "<encryption> of a variable store is not translated");
	return NULL;
}

static void parse_nvram(struct parser *p, const xmlNode *n)
{
	struct os *os = &p->dom->os;
	if (os->nvram_line) {
		duplicate(p, n);
		return;
	}
	os->nvram_line = xml_line(n);
	static const char *const known[] = {
		"template", "format", "templateFormat", "type", NULL,
	};
	static const char *const types[] = { "file", "network", "block", NULL };
	if (!known_attrs(p, n, known))
		return;
	int type = attr_choice(p, n, "type", types);
	int format = image_format(p, n, "format", true);
	int template_format = image_format(p, n, "templateFormat", true);
	if (diag_failed(p->d))
		return;
	if (type == 2) {
		refuse(p, n, "type='block' is not translated; expected type='file' or type='network'");
		return;
	}
	if (template_format >= 0 && template_format != (format == 1)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "templateFormat= and format= differ; a template is copied, not converted (libvirt refuses this too)");
		return;
	}
	const char *template = xml_attr(n, "template");
	os->nvram_qcow2 = format == 1;
	os->nvram_template_qcow2 = template_format == 1;
	char *path = type >= 0 ? nvram_source(p, n, type) : xml_text(n, p->d);
	if (!path)
		return;
	if (!*path) {
		/* virt-install's form: the guest's own store, in sevqemu's
		 * place, created from the template. */
		free(path);
		path = NULL;
	}
	os->nvram = path;
	if (template)
		os->nvram_template = xstrdup(template);
}

/* <os><firmware><feature enabled='yes|no' name='secure-boot|enrolled-keys'/>:
 * requirements on the firmware libvirt (and sevqemu) choose. */
static void parse_firmware_features(struct parser *p, const xmlNode *n)
{
	struct os *os = &p->dom->os;
	static const char *const none[] = { NULL };
	if (!known_attrs(p, n, none))
		return;
	static const char *const names[] = { "secure-boot", "enrolled-keys", NULL };
	static const char *const known[] = { "enabled", "name", NULL };
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (!xml_is(c, "feature")) {
			unexpected(p, c, n, "<feature>");
			return;
		}
		if (!known_attrs(p, c, known) || !attr_required(p, c, "name") ||
		    !attr_required(p, c, "enabled"))
			return;
		int name = attr_choice(p, c, "name", names);
		enum tristate on = attr_yesno(p, c, "enabled");
		if (name < 0 || on == TRI_DEFAULT)
			return;
		*(name == 0 ? &os->fw_secure_boot : &os->fw_enrolled_keys) = on;
	}
	if (os->fw_enrolled_keys == TRI_ON && os->fw_secure_boot == TRI_OFF)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "enrolled-keys without secure-boot; expected secure-boot enabled, or enrolled-keys disabled");
}

static void parse_boot(struct parser *p, const xmlNode *n)
{
	struct os *os = &p->dom->os;
	static const char *const devs[] = { "hd", "cdrom", "network", "fd", NULL };
	static const char *const known[] = { "dev", NULL };
	if (!known_attrs(p, n, known))
		return;
	if (!attr_required(p, n, "dev"))
		return;
	int dev = attr_choice(p, n, "dev", devs);
	if (dev < 0)
		return;
	for (size_t i = 0; i < os->nboot; i++) {
		if (os->boot[i] == (enum boot_dev)dev) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "dev='%s' is already in the boot order; expected each device kind once",
				   devs[dev]);
			return;
		}
	}
	/* Each kind at most once: four places are enough. */
	if (!os->boot_line)
		os->boot_line = xml_line(n);
	os->boot[os->nboot++] = (enum boot_dev)dev;
}

static void finish_os(struct parser *p)
{
	struct os *os = &p->dom->os;
	if (os->loader && os->loader_type == LOADER_NONE) {
		/* libvirt's reading: a variable store means flash. */
		os->loader_type = os->nvram_line ? LOADER_PFLASH : LOADER_ROM;
		diag_note(p->d, os->loader_line, "<loader>",
			  "no type=: %s", os->nvram_line ? "pflash, since there is an <nvram>"
							 : "rom (-bios), since there is no <nvram>");
	}
	if (os->nvram_line && os->loader_type != LOADER_PFLASH && os->loader)
		diag_error(p->d, EXIT_DATAERR, os->nvram_line, "<nvram>",
			   "goes with a pflash loader; expected <loader type='pflash'>");
	else if (os->nvram_line && !os->loader && !os->firmware_efi)
		diag_error(p->d, EXIT_DATAERR, os->nvram_line, "<nvram>",
			   "without a <loader>; expected <loader type='pflash' readonly='yes'>OVMF_CODE...</loader>");
	else if (os->nvram_line && os->loader_stateless == TRI_ON)
		diag_error(p->d, EXIT_DATAERR, os->nvram_line, "<nvram>",
			   "with a stateless='yes' loader; a stateless firmware has no variable store");
	else if (!os->kernel && (os->initrd || os->cmdline))
		diag_error(p->d, EXIT_DATAERR, os->line, "<os>",
			   "<initrd> or <cmdline> without <kernel>; expected a <kernel> to boot directly");
}

void parse_os(struct parser *p, const xmlNode *n)
{
	struct os *os = &p->dom->os;
	if (os->line) {
		duplicate(p, n);
		return;
	}
	os->line = xml_line(n);
	static const char *const known[] = { "firmware", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *firmware = xml_attr(n, "firmware");
	if (firmware && strcmp(firmware, "efi") == 0)
		os->firmware_efi = true;
	else if (firmware && strcmp(firmware, "bios") != 0) {
		diag_error(p->d, EXIT_DATAERR, os->line, XML_TAG(n),
			   "firmware='%s' is not valid; expected 'efi' or 'bios'",
			   firmware);
		return;
	}
	bool have_type = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "type")) {
			if (have_type)
				duplicate(p, c);
			have_type = true;
			parse_type(p, c);
		} else if (xml_is(c, "loader")) {
			parse_loader(p, c);
		} else if (xml_is(c, "nvram")) {
			parse_nvram(p, c);
		} else if (xml_is(c, "firmware")) {
			parse_firmware_features(p, c);
		} else if (xml_is(c, "boot")) {
			parse_boot(p, c);
		} else if (xml_is(c, "kernel")) {
			os->kernel_line = xml_line(c);
			text_once(p, c, &os->kernel);
		} else if (xml_is(c, "initrd")) {
			text_once(p, c, &os->initrd);
		} else if (xml_is(c, "cmdline")) {
			text_once(p, c, &os->cmdline);
		} else if (xml_is(c, "smbios")) {
			parse_os_smbios(p, c);
		} else if (xml_is(c, "bios") ||
			   xml_is(c, "bootmenu")) {
			ignored(p, c);
		} else {
			unexpected(p, c, n,
				   "<type>, <loader>, <nvram>, <boot>, <kernel>, <initrd>, <cmdline>");
		}
	}
	if (diag_failed(p->d))
		return;
	if (!have_type)
		diag_error(p->d, EXIT_DATAERR, os->line, XML_TAG(n),
			   "has no <type>; expected <type arch='x86_64' machine='q35'>hvm</type>");
	else
		finish_os(p);
}

void parse_features(struct parser *p, const xmlNode *n)
{
	struct features *f = &p->dom->features;
	if (f->line) {
		duplicate(p, n);
		return;
	}
	f->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "acpi")) {
			f->acpi = true;
		} else if (xml_is(c, "apic")) {
			f->apic = true;
			parse_apic_eoi(p, c);
		} else if (xml_is(c, "pae")) {
			diag_note(p->d, xml_line(c), XML_TAG(c),
				  "always on for x86_64 guests");
		} else if (xml_is(c, "vmport")) {
			f->vmport = attr_onoff(p, c, "state");
		} else if (xml_is(c, "smm")) {
			f->smm = attr_onoff(p, c, "state");
			if (f->smm == TRI_DEFAULT)
				f->smm = TRI_ON; /* <smm/> alone means on */
			f->smm_line = xml_line(c);
			parse_smm_tseg(p, c);
		} else if (xml_is(c, "pmu")) {
			f->pmu = attr_onoff(p, c, "state");
		} else if (!parse_hypervisor_feature(p, c)) {
			unsupported(p, c, NULL);
		}
	}
}

/* UEFI is any <loader> or firmware='efi'; libvirt refuses it without ACPI. */
void check_os(struct parser *p)
{
	struct domain *dom = p->dom;
	dom->os.uefi = dom->os.loader || dom->os.firmware_efi;
	if (dom->os.uefi && !dom->features.acpi)
		diag_error(p->d, EXIT_DATAERR, dom->os.line, "<os>",
			   "UEFI firmware needs ACPI; expected <features><acpi/></features>");
	else if (dom->os.loader && dom->os.loader_secure == TRI_ON &&
		 dom->features.smm != TRI_ON)
		diag_error(p->d, EXIT_DATAERR, dom->os.loader_line, "<loader>",
			   "secure='yes' needs SMM, which protects the flash; expected <features><smm state='on'/></features>");
}

void free_os(struct domain *dom)
{
	free(dom->os.machine);
	free(dom->os.loader);
	free(dom->os.nvram);
	free(dom->os.nvram_template);
	if (dom->os.nvram_net) {
		free_disk_source(dom->os.nvram_net);
		free(dom->os.nvram_net);
	}
	free(dom->os.kernel);
	free(dom->os.initrd);
	free(dom->os.cmdline);
}
