/*
 * <smartcard>: a CCID reader (usb-ccid) with one card, as libvirt makes
 * it: mode='host' (ccid-card-emulated on the host's NSS database),
 * mode='host-certificates' (three certificates from an NSS database,
 * /etc/pki/nssdb unless <database> names another) and mode='passthrough'
 * (ccid-card-passthru on a chardev: tcp, unix or SPICE's smartcard
 * channel).  libvirt gives QEMU one smartcard; so does sevqemu.
 *
 * Trust: <database> and the certificate names are read by QEMU's NSS,
 * which opens the database read-only (NSS_Init), like a disk image the XML
 * names; sevqemu neither writes nor runs anything there, so DESIGN's trust
 * rules (what root writes or runs) leave them to the XML.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

#define NSS_DB_DEFAULT "/etc/pki/nssdb" /* libvirt's */

static void parse_certificates(struct parser *p, const xmlNode *n,
			       struct smartcard *sc)
{
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (xml_is(k, "certificate")) {
			if (sc->ncerts == 3) {
				diag_error(p->d, EXIT_DATAERR, xml_line(k), XML_TAG(k),
					   "a fourth certificate; expected exactly three");
				return;
			}
			char *cert = xml_text(k, p->d);
			if (cert && !*cert)
				diag_error(p->d, EXIT_DATAERR, xml_line(k), XML_TAG(k),
					   "is empty; expected a certificate's nickname in the database");
			sc->certs[sc->ncerts++] = cert;
		} else if (xml_is(k, "database")) {
			if (!text_once(p, k, &sc->database))
				return;
			if (sc->database[0] != '/')
				diag_error(p->d, EXIT_DATAERR, xml_line(k), XML_TAG(k),
					   "'%s' is not an absolute path; expected the NSS database's directory",
					   sc->database);
		} else if (!device_common_child(p, k, NULL)) {
			unsupported(p, k, NULL);
		}
	}
	if (!diag_failed(p->d) && sc->ncerts != 3)
		diag_error(p->d, EXIT_DATAERR, sc->line, XML_TAG(n),
			   "mode='host-certificates' with %u <certificate>; expected exactly three",
			   sc->ncerts);
}

/* mode='passthrough': type= and its <source>/<protocol>. */
static void parse_passthrough(struct parser *p, const xmlNode *n,
			      struct smartcard *sc)
{
	static const char *const types[] = { "tcp", "unix", "spicevmc", NULL };
	static const enum chardev_backend backend[] = { CHR_TCP, CHR_UNIX, CHR_SPICEVMC };
	const char *type = attr_required(p, n, "type");
	if (!type)
		return;
	int t = list_index(type, types);
	if (t < 0) {
		refuse(p, n, "type='%.40s' is not translated for a smartcard; expected 'tcp', 'unix' or 'spicevmc'", type);
		return;
	}
	sc->chr.line = sc->line;
	sc->chr.backend = backend[t];
	sc->chr.vmc_name = "smartcard";
	struct chardev_seen seen = { 0 };
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (!chardev_backend_child(p, k, &sc->chr, &seen) &&
		    !device_common_child(p, k, NULL))
			unsupported(p, k, NULL);
	}
	if (!diag_failed(p->d) && !seen.source && sc->chr.backend != CHR_SPICEVMC)
		diag_error(p->d, EXIT_DATAERR, sc->line, XML_TAG(n),
			   "type='%s' has no <source>; expected e.g. <source mode='bind' host='127.0.0.1' service='2001'/>",
			   type);
}

void parse_smartcard(struct parser *p, const xmlNode *n)
{
	struct smartcard *sc = &p->dom->smartcard;
	if (sc->line) {
		refuse(p, n, "a second smartcard: libvirt gives QEMU one (ccid0 slot 0); expected one <smartcard>");
		return;
	}
	static const char *const known[] = { "mode", "type", NULL };
	static const char *const modes[] = {
		"host", "host-certificates", "passthrough", NULL,
	};
	if (!known_attrs(p, n, known))
		return;
	int mode = attr_choice(p, n, "mode", modes);
	if (mode == -2)
		return;
	if (mode == -1) {
		attr_required(p, n, "mode");
		return;
	}
	if (mode != SC_PASSTHROUGH && xml_attr(n, "type")) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type= is for mode='passthrough'; expected no type= with mode='%s'",
			   modes[mode]);
		return;
	}
	sc->line = xml_line(n);
	sc->mode = (enum smartcard_mode)mode;
	if (sc->mode == SC_PASSTHROUGH) {
		parse_passthrough(p, n, sc);
		return;
	}
	if (sc->mode == SC_HOST_CERTIFICATES) {
		parse_certificates(p, n, sc);
		if (!diag_failed(p->d) && !sc->database)
			sc->database = xstrdup(NSS_DB_DEFAULT);
		return;
	}
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k))
		if (!device_common_child(p, k, NULL))
			unsupported(p, k, NULL);
}

/* The reader is a USB device; SPICE's channel needs SPICE. */
void check_smartcard(struct parser *p)
{
	const struct domain *dom = p->dom;
	const struct smartcard *sc = &dom->smartcard;
	if (!sc->line)
		return;
	for (size_t i = 0; i < dom->ncontrollers; i++)
		if (dom->controllers[i].type == CTRL_USB &&
		    dom->controllers[i].model == CTRL_USB_NONE) {
			diag_error(p->d, EXIT_DATAERR, sc->line, "<smartcard>",
				   "its reader (usb-ccid) is a USB device, but <controller type='usb' model='none'> turns USB off; expected a USB controller");
			return;
		}
	if (sc->mode == SC_PASSTHROUGH && sc->chr.backend == CHR_SPICEVMC &&
	    !dom->desktop.spice.line)
		diag_error(p->d, EXIT_DATAERR, sc->line, "<smartcard>",
			   "type='spicevmc' passes the card through SPICE, and the domain has no <graphics type='spice'>; expected SPICE graphics");
}

void free_smartcard(struct domain *d)
{
	struct smartcard *sc = &d->smartcard;
	for (unsigned i = 0; i < sc->ncerts; i++)
		free(sc->certs[i]);
	free(sc->database);
	chardev_release(&sc->chr);
	memset(sc, 0, sizeof(*sc));
}
