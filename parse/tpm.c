/*
 * <tpm>: a TPM for the guest, as libvirt reads it.  Backends: 'emulator'
 * (an swtpm that sevqemu starts), 'passthrough' (a host TPM device) and
 * 'external' (an swtpm someone else runs, on a unix socket).  Models:
 * tpm-tis (libvirt's default on x86) and tpm-crb.  Version: 1.2 or 2.0;
 * libvirt's default is 1.2 for tpm-tis and 2.0 otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

/* An absolute path attribute, kept in *SLOT; false after an error. */
static bool path_attr(struct parser *p, const xmlNode *n, char **slot)
{
	const char *path = attr_required(p, n, "path");
	if (!path)
		return false;
	if (path[0] != '/') {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "path='%s' is not absolute; expected a path from /",
			   path);
		return false;
	}
	free(*slot);
	*slot = xstrdup(path);
	return true;
}

/* <active_pcr_banks><sha256/>...</active_pcr_banks> -> "sha256,..." */
static void parse_pcr_banks(struct parser *p, struct tpm *t, const xmlNode *n)
{
	static const char *const banks[] = { "sha1", "sha256", "sha384", "sha512", NULL };
	char list[64] = "";
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (!in_list(xml_name(c), banks)) {
			unexpected(p, c, n, "<sha1/>, <sha256/>, <sha384/> or <sha512/>");
			return;
		}
		if (strstr(list, xml_name(c))) {
			duplicate(p, c);
			return;
		}
		if (*list)
			strcat(list, ",");
		strcat(list, xml_name(c));
	}
	if (!*list) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "names no bank; expected <sha1/>, <sha256/>, <sha384/> or <sha512/>");
		return;
	}
	free(t->pcr_banks);
	t->pcr_banks = xstrdup(list);
}

/* <source type='dir' path=...> (emulator) or type='unix' (external);
 * false when refused (and under --ignore-unsupported, the TPM dropped). */
static bool parse_source(struct parser *p, struct tpm *t, const xmlNode *n)
{
	static const char *const known[] = { "type", "path", "mode", NULL };
	if (!known_attrs(p, n, known))
		return false;
	const char *type = xml_attr(n, "type");
	if (t->backend == TPM_EMULATOR && type && strcmp(type, "file") == 0) {
		refuse(p, n, "type='file' needs swtpm 0.10's linear state file; Debian 12's swtpm 0.7 keeps its state in a directory (type='dir')");
		return false;
	} else if (t->backend == TPM_EMULATOR && (!type || strcmp(type, "dir") == 0))
		path_attr(p, n, &t->state_path);
	else if (t->backend == TPM_EXTERNAL && (!type || strcmp(type, "unix") == 0)) {
		const char *mode = xml_attr(n, "mode");
		if (mode && strcmp(mode, "connect") != 0)
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "mode='%s' is not valid; expected 'connect': QEMU connects to the external swtpm",
				   mode);
		else
			path_attr(p, n, &t->socket);
	} else
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='%s' is not valid here; expected %s", type,
			   t->backend == TPM_EMULATOR ? "'dir'" : "'unix'");
	return true;
}

/* False when C is refused: the whole TPM goes (--ignore-unsupported). */
static bool parse_backend_child(struct parser *p, struct tpm *t,
				const xmlNode *n, const xmlNode *c)
{
	if (t->backend == TPM_PASSTHROUGH && xml_is(c, "device")) {
		static const char *const known[] = { "path", NULL };
		if (known_attrs(p, c, known))
			path_attr(p, c, &t->device);
	} else if (t->backend != TPM_PASSTHROUGH && xml_is(c, "source")) {
		return parse_source(p, t, c);
	} else if (t->backend == TPM_EMULATOR && xml_is(c, "active_pcr_banks")) {
		parse_pcr_banks(p, t, c);
	} else if (t->backend == TPM_EMULATOR && xml_is(c, "encryption")) {
		refuse(p, c, "an encrypted TPM state needs its key from libvirt's secret store, which sevqemu does not have");
		return false;
	} else {
		unexpected(p, c, n, t->backend == TPM_PASSTHROUGH ? "<device>"
			   : t->backend == TPM_EXTERNAL ? "<source>"
			   : "<source>, <active_pcr_banks> or <encryption>");
	}
	return true;
}

/* False when the TPM is to be dropped (a refusal under --ignore-unsupported). */
static bool parse_backend(struct parser *p, struct tpm *t, const xmlNode *n)
{
	static const char *const known[] = { "type", "version", "persistent_state", NULL };
	static const char *const types[] = { "emulator", "passthrough", "external", NULL };
	static const char *const versions[] = { "1.2", "2.0", NULL };
	if (!known_attrs(p, n, known))
		return true;
	int type = attr_choice(p, n, "type", types);
	if (type == -1)
		attr_required(p, n, "type");
	if (type < 0)
		return true;
	t->backend = (enum tpm_backend)type;
	int version = attr_choice(p, n, "version", versions);
	if (version == -2)
		return true;
	t->tpm2 = version == 1 || (version == -1 && t->model != TPM_TIS);
	t->persistent_state = attr_yesno(p, n, "persistent_state");
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		if (!parse_backend_child(p, t, n, c))
			return false;
	if (diag_failed(p->d))
		return true;
	if (t->model == TPM_CRB && !t->tpm2 && t->backend == TPM_EMULATOR)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "version='1.2' does not go with model='tpm-crb'; expected version='2.0' (CRB is a TPM 2.0 interface), or model='tpm-tis'");
	else if (t->pcr_banks && !t->tpm2)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "<active_pcr_banks> needs version='2.0'; a TPM 1.2 has one fixed bank");
	else if (t->backend == TPM_PASSTHROUGH && !t->device)
		t->device = xstrdup("/dev/tpm0");
	else if (t->backend == TPM_EXTERNAL && !t->socket)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='external' has no <source type='unix' path=...>; expected the socket of the swtpm to connect to");
	if (t->persistent_state == TRI_OFF && t->backend == TPM_EMULATOR)
		diag_warn(p->d, xml_line(n), XML_TAG(n),
			  "persistent_state='no': sevqemu never removes a TPM's state; it is kept as with 'yes'");
	return true;
}

void parse_tpm(struct parser *p, const xmlNode *n)
{
	struct tpm *t = &p->dom->tpm;
	if (t->line) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "appears twice; QEMU has one TPM per guest");
		return;
	}
	static const char *const known[] = { "model", NULL };
	static const char *const models[] = { "tpm-tis", "tpm-crb", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *model = xml_attr(n, "model");
	if (model && !in_list(model, models)) {
		refuse(p, n, "model='%s' is not an x86 TPM; expected 'tpm-tis' or 'tpm-crb'",
		       model);
		return;
	}
	t->line = xml_line(n);
	t->model = model && strcmp(model, "tpm-crb") == 0 ? TPM_CRB : TPM_TIS;
	bool have_backend = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (device_common_child(p, c, NULL))
			continue;
		if (!xml_is(c, "backend")) {
			unexpected(p, c, n, "<backend>");
		} else if (have_backend) {
			duplicate(p, c);
		} else {
			have_backend = true;
			if (!parse_backend(p, t, c)) {
				/* Dropped whole, never half (--ignore-unsupported). */
				free_tpm(p->dom);
				memset(t, 0, sizeof(*t));
				return;
			}
		}
	}
	if (!have_backend && !diag_failed(p->d))
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <backend>; expected <backend type='emulator'/> (or passthrough, external)");
}

void free_tpm(struct domain *dom)
{
	free(dom->tpm.state_path);
	free(dom->tpm.pcr_banks);
	free(dom->tpm.device);
	free(dom->tpm.socket);
}
