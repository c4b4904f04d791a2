/*
 * The launch-security block: the seed's <sev> and libvirt's
 * <launchSecurity type='sev|sev-snp'>.  Values are checked against the
 * SEV API here (ranges, reserved policy bits, blob sizes), because a wrong
 * one only shows up later as an opaque firmware error.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/base64.h"
#include "lib/number.h"
#include "parse/parser.h"
#include "parse/policy.h"
#include "lib/xalloc.h"

static const char cbitpos_expect[] =
	"32 to 63, the host's C-bit position (CPUID 0x8000001F EBX[5:0]: 47 on Naples/Rome, 51 on Milan/Genoa)";

/* Where each child goes, and what it must decode to. */
enum field {
	F_POLICY, F_CBITPOS, F_REDUCED, F_HANDLE, F_DH_CERT, F_SESSION,
	F_WORKAROUNDS, F_ID_BLOCK, F_ID_AUTH, F_HOST_DATA,
};

struct child {
	const char *name;
	enum field field;
};

static const struct child seed_children[] = {
	{ "policy", F_POLICY }, { "cbitpos", F_CBITPOS },
	{ "reduced-phys-bits", F_REDUCED }, { "dh-cert", F_DH_CERT },
	{ "session", F_SESSION }, { NULL, 0 },
};

static const struct child sev_children[] = {
	{ "policy", F_POLICY }, { "cbitpos", F_CBITPOS },
	{ "reducedPhysBits", F_REDUCED }, { "handle", F_HANDLE },
	{ "dhCert", F_DH_CERT }, { "session", F_SESSION }, { NULL, 0 },
};

static const struct child snp_children[] = {
	{ "policy", F_POLICY }, { "cbitpos", F_CBITPOS },
	{ "reducedPhysBits", F_REDUCED },
	{ "guestVisibleWorkarounds", F_WORKAROUNDS },
	{ "idBlock", F_ID_BLOCK }, { "idAuth", F_ID_AUTH },
	{ "hostData", F_HOST_DATA }, { NULL, 0 },
};

struct blob_rule {
	size_t bytes;
	const char *what;
};

static const struct blob_rule blob_rules[] = {
	[F_DH_CERT] = { SEV_DH_CERT_BYTES, "the guest owner's GODH certificate" },
	[F_SESSION] = { SEV_SESSION_BYTES, "the LAUNCH_START session blob" },
	[F_WORKAROUNDS] = { 16, "the guest-visible workarounds (GOSVW)" },
	[F_ID_BLOCK] = { 96, "the SNP ID block" },
	[F_ID_AUTH] = { 4096, "the SNP ID authentication structure" },
	[F_HOST_DATA] = { 32, "the SNP host data" },
};

/*
 * Checks TEXT as the blob FIELD and stores it.  WHERE names the source for
 * messages: the element (LINE, TAG) or a file (PATH, line 0).
 */
static bool take_blob(struct diag *d, struct blob *b, enum field field,
		      const char *text, unsigned line, const char *tag,
		      const char *path)
{
	const struct blob_rule *rule = &blob_rules[field];
	char *canonical;
	size_t bytes, where = 0;
	enum base64_error err = base64_check(text, &canonical, &bytes, &where);
	if (err) {
		char detail[64] = "";
		if (err == BASE64_BAD_CHAR) {
			unsigned char c = (unsigned char)text[where];
			if (c >= 0x21 && c < 0x7f)
				snprintf(detail, sizeof(detail),
					 " ('%c' at offset %zu)", c, where);
			else
				snprintf(detail, sizeof(detail),
					 " (byte 0x%02x at offset %zu)", c, where);
		}
		diag_error_from(d, EXIT_DATAERR, path, line, tag,
				"not valid base64: %s%s; expected the base64 of %s (%zu bytes)",
				base64_strerror(err), detail, rule->what, rule->bytes);
		return false;
	}
	if (bytes != rule->bytes) {
		diag_error_from(d, EXIT_DATAERR, path, line, tag,
				"decodes to %zu bytes; expected exactly %zu, the size of %s",
				bytes, rule->bytes, rule->what);
		free(canonical);
		return false;
	}
	free(b->base64);
	b->base64 = canonical;
	b->bytes = bytes;
	b->line = line;
	b->origin = path;
	return true;
}

static struct blob *blob_slot(struct launch_security *ls, enum field f)
{
	switch (f) {
	case F_DH_CERT: return &ls->dh_cert;
	case F_SESSION: return &ls->session;
	case F_WORKAROUNDS: return &ls->workarounds;
	case F_ID_BLOCK: return &ls->id_block;
	case F_ID_AUTH: return &ls->id_auth;
	case F_HOST_DATA: return &ls->host_data;
	default: return NULL;
	}
}

static void parse_policy(struct parser *p, const xmlNode *n)
{
	struct launch_security *ls = &p->dom->launch;
	bool snp = ls->type == LAUNCH_SEV_SNP;
	char *text = xml_text(n, p->d);
	if (!text)
		return;
	uint64_t v = 0;
	unsigned line = xml_line(n);
	enum policy_error err = policy_parse(text, snp, &v);
	if (err == POLICY_NOT_HEX) {
		diag_error(p->d, EXIT_DATAERR, line, XML_TAG(n),
			   "'%s' is not a %d-bit hexadecimal policy; expected hex digits with or without 0x (libvirt reads '33' as 0x33)",
			   text, snp ? 64 : 32);
	} else if (err == POLICY_TOO_WIDE) {
		diag_error(p->d, EXIT_DATAERR, line, XML_TAG(n),
			   "0x%llx does not fit in 32 bits; expected an SEV policy of at most 0xffffffff (64-bit policies are SEV-SNP's, type='sev-snp')",
			   (unsigned long long)v);
	} else if (err == POLICY_RESERVED) {
		diag_error(p->d, EXIT_DATAERR, line, XML_TAG(n),
			   "0x%llx sets reserved bits %s (0x%llx); expected them clear (see 'sevqemu policy%s %s')",
			   (unsigned long long)v, snp ? "26-63" : "6-15",
			   (unsigned long long)policy_reserved(v, snp),
			   snp ? " --snp" : "", text);
	} else if (err == POLICY_SNP_BIT17) {
		diag_error(p->d, EXIT_DATAERR, line, XML_TAG(n),
			   "0x%llx leaves bit 17 clear; the SNP ABI requires it set (e.g. 0x30000)",
			   (unsigned long long)v);
	} else {
		ls->has_policy = true;
		ls->policy = v;
		ls->policy_line = line;
	}
	free(text);
}

static void parse_field(struct parser *p, const xmlNode *n, enum field f)
{
	struct launch_security *ls = &p->dom->launch;
	uint64_t v;
	switch (f) {
	case F_POLICY:
		parse_policy(p, n);
		return;
	case F_CBITPOS:
		if (text_decimal(p, n, 32, 63, &v, cbitpos_expect)) {
			ls->has_cbitpos = true;
			ls->cbitpos = (unsigned)v;
			ls->cbitpos_line = xml_line(n);
		}
		return;
	case F_REDUCED:
		if (text_decimal(p, n, 1, 63, &v,
				 "1 to 63 (1 for every AMD guest)")) {
			ls->has_reduced_phys_bits = true;
			ls->reduced_phys_bits = (unsigned)v;
			ls->reduced_phys_bits_line = xml_line(n);
		}
		return;
	case F_HANDLE:
		if (text_decimal(p, n, 0, UINT32_MAX, &v,
				 "a firmware guest handle, 0 to 4294967295")) {
			ls->has_handle = true;
			ls->handle = (uint32_t)v;
		}
		return;
	default: {
		char *text = xml_text(n, p->d);
		if (text)
			take_blob(p->d, blob_slot(ls, f), f, text, xml_line(n),
				  XML_TAG(n), NULL);
		free(text);
		return;
	}
	}
}

static void parse_children(struct parser *p, const xmlNode *block,
			   const struct child *children)
{
	unsigned seen = 0;
	char expected[256] = "";
	size_t at = 0;
	for (const struct child *c = children; c->name; c++)
		at += (size_t)snprintf(expected + at, sizeof(expected) - at,
				       "%s<%s>", at ? ", " : "", c->name);
	for (xmlNode *n = xml_first_element(block); n && !diag_failed(p->d);
	     n = xml_next_element(n)) {
		const struct child *c = children;
		while (c->name && !xml_is(n, c->name))
			c++;
		if (!c->name) {
			unexpected(p, n, block, expected);
			return;
		}
		if (seen & (1u << c->field)) {
			duplicate(p, n);
			return;
		}
		seen |= 1u << c->field;
		parse_field(p, n, c->field);
	}
}

/* Checks that span children, and fills documented defaults. */
static void finish(struct parser *p)
{
	struct launch_security *ls = &p->dom->launch;
	bool snp = ls->type == LAUNCH_SEV_SNP;
	if (!ls->has_policy) {
		ls->policy = snp ? SNP_POLICY_DEFAULT : SEV_POLICY_DEFAULT;
		diag_note(p->d, ls->line, ls->element,
			  "no <policy>: using QEMU's default 0x%llx",
			  (unsigned long long)ls->policy);
	}
	ls->es = snp || (ls->policy & SEV_POLICY_ES);
	if (ls->has_reduced_phys_bits && ls->reduced_phys_bits != 1)
		diag_warn(p->d, ls->reduced_phys_bits_line, ls->element,
			  "reduced-phys-bits is %u; AMD guests lose exactly 1 physical address bit, so 1 is expected (the host's own reduction from CPUID is not the guest's)",
			  ls->reduced_phys_bits);
	if (!snp && !(ls->policy & SEV_POLICY_NODBG))
		diag_warn(p->d, ls->has_policy ? ls->policy_line : ls->line,
			  "<policy>",
			  "0x%llx allows debugging (bit 0, NODBG, is clear): the host can decrypt this guest's memory",
			  (unsigned long long)ls->policy);
	if (snp && (ls->policy & SNP_POLICY_DEBUG))
		diag_warn(p->d, ls->policy_line, "<policy>",
			  "0x%llx allows debugging (bit 19, DEBUG): the host can decrypt this guest's memory",
			  (unsigned long long)ls->policy);
	if (snp) {
		/* What Linux 6.11's KVM accepts in SNP_LAUNCH_START. */
		const uint64_t kvm_611_allowed = 0xffffull | SNP_POLICY_SMT |
			SNP_POLICY_RSVD_MBO | SNP_POLICY_DEBUG |
			SNP_POLICY_SINGLE_SOCKET;
		if (!(ls->policy & SNP_POLICY_SMT))
			diag_warn(p->d, ls->policy_line, "<policy>",
				  "bit 16 (SMT) is clear: Linux 6.11's KVM refuses such a policy (SNP_LAUNCH_START ret=-22)");
		if (ls->policy & SNP_POLICY_SINGLE_SOCKET)
			diag_warn(p->d, ls->policy_line, "<policy>",
				  "bit 20 (SINGLE_SOCKET) is set: Linux 6.11's KVM refuses it");
		if (ls->policy & ~kvm_611_allowed & ~SNP_POLICY_SINGLE_SOCKET)
			diag_warn(p->d, ls->policy_line, "<policy>",
				  "bits 0x%llx are beyond what Linux 6.11's KVM accepts (ABI, SMT, bit 17, DEBUG, SINGLE_SOCKET)",
				  (unsigned long long)(ls->policy & ~kvm_611_allowed));
		if (ls->id_auth.base64 && !ls->id_block.base64)
			diag_error(p->d, EXIT_DATAERR, ls->id_auth.line,
				   "<idAuth>",
				   "given without <idBlock>; KVM reads the ID authentication only with an ID block");
	}
}

/* <sev> and <launchSecurity> both count: one block per domain. */
static bool second_block(struct parser *p, const xmlNode *n)
{
	const struct launch_security *ls = &p->dom->launch;
	if (ls->type == LAUNCH_NONE)
		return false;
	diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
		   "a second launch-security block (the first is %s at line %u); expected exactly one",
		   ls->element, ls->line);
	return true;
}

void parse_launch_security(struct parser *p, const xmlNode *n)
{
	struct launch_security *ls = &p->dom->launch;
	if (second_block(p, n))
		return;
	const char *type = xml_attr(n, "type");
	if (!type) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "the attribute type= is missing; expected type='sev' or type='sev-snp'");
		return;
	}
	const struct child *children;
	if (strcmp(type, "sev") == 0) {
		ls->type = LAUNCH_SEV;
		children = sev_children;
	} else if (strcmp(type, "sev-snp") == 0) {
		ls->type = LAUNCH_SEV_SNP;
		children = snp_children;
	} else {
		diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
			   "type='%s' is not supported; sevqemu launches AMD SEV and SEV-ES (type='sev') and SEV-SNP (type='sev-snp') guests",
			   type);
		return;
	}
	ls->line = xml_line(n);
	ls->element = "<launchSecurity>";
	ls->kernel_hashes = attr_yesno(p, n, "kernelHashes");
	if (ls->type == LAUNCH_SEV_SNP) {
		ls->author_key = attr_yesno(p, n, "authorKey");
		ls->vcek = attr_yesno(p, n, "vcek");
	}
	for (const xmlAttr *a = n->properties; a && !diag_failed(p->d); a = a->next) {
		const char *name = (const char *)a->name;
		bool known = strcmp(name, "type") == 0 ||
			     strcmp(name, "kernelHashes") == 0 ||
			     (ls->type == LAUNCH_SEV_SNP &&
			      (strcmp(name, "authorKey") == 0 ||
			       strcmp(name, "vcek") == 0));
		if (!known)
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "unknown attribute %s=; expected %s", name,
				   ls->type == LAUNCH_SEV_SNP
					   ? "type=, kernelHashes=, authorKey= and vcek="
					   : "type= and kernelHashes=");
	}
	if (diag_failed(p->d))
		return;
	parse_children(p, n, children);
	if (!diag_failed(p->d))
		finish(p);
}

void parse_seed_sev(struct parser *p, const xmlNode *n)
{
	struct launch_security *ls = &p->dom->launch;
	if (second_block(p, n))
		return;
	ls->type = LAUNCH_SEV;
	ls->line = xml_line(n);
	ls->element = "<sev>";
	parse_children(p, n, seed_children);
	if (!diag_failed(p->d))
		finish(p);
}

bool parse_blob_file(struct domain *dom, const char *which, const char *path,
		     struct diag *d)
{
	struct launch_security *ls = &dom->launch;
	if (ls->type != LAUNCH_SEV) {
		diag_path_error(d, EXIT_USAGE, path,
				"--%s needs a domain with an SEV launch-security block",
				which);
		return false;
	}
	size_t len;
	char *what = xasprintf("a base64 file (--%s, e.g. sevctl's %s)", which,
			       strcmp(which, "dh-cert") == 0 ? "vm_godh.b64"
							     : "vm_session.b64");
	char *text = slurp_text(path, &len, what, d);
	free(what);
	if (!text)
		return false;
	bool dh = strcmp(which, "dh-cert") == 0;
	/* base64_check reads a C string: a NUL would end the blob early. */
	if (memchr(text, '\0', len)) {
		diag_path_error(d, EXIT_DATAERR, path,
				"holds a NUL byte; expected base64 text");
		free(text);
		return false;
	}
	bool ok = take_blob(d, dh ? &ls->dh_cert : &ls->session,
			    dh ? F_DH_CERT : F_SESSION, text, 0, NULL, path);
	free(text);
	return ok;
}

/* What launch security asks of the rest of the domain. */
void check_launch(struct parser *p)
{
	struct domain *dom = p->dom;
	struct launch_security *ls = &dom->launch;
	struct diag *d = p->d;
	if (ls->type == LAUNCH_NONE) {
		diag_warn(d, dom->line, "<domain>",
			  "no launch security: this guest is NOT encrypted");
		return;
	}
	if (dom->type != VIRT_KVM)
		diag_error(d, EXIT_DATAERR, dom->line, "<domain>",
			   "type='qemu' with %s: SEV needs KVM; expected <domain type='kvm'>",
			   ls->element);
	else if (ls->kernel_hashes == TRI_ON && !dom->os.kernel)
		diag_error(d, EXIT_DATAERR, ls->line, ls->element,
			   "kernelHashes='yes' measures a directly booted kernel; expected <os><kernel>");
	if (diag_failed(d))
		return;
	if (!dom->os.uefi)
		diag_warn(d, dom->os.line, "<os>",
			  "no <loader> or firmware='efi': SEV guests boot only through OVMF (UEFI)");
	if (ls->es && dom->features.smm == TRI_ON)
		diag_error(d, EXIT_DATAERR, dom->features.smm_line, "<smm>",
			   "state='on' with %s: the VMM cannot enter SMM in an encrypted-state guest; expected <smm state='off'/> or none",
			   ls->type == LAUNCH_SEV ? "SEV-ES (policy bit 2)" : "SEV-SNP");
	else if (ls->type == LAUNCH_SEV_SNP && dom->os.nvram)
		diag_error(d, EXIT_DATAERR, dom->os.nvram_line, "<nvram>",
			   "SEV-SNP firmware is loaded with -bios and has no separate variable store; expected no <nvram> (a stateless loader)");
}

void free_launch(struct domain *dom)
{
	struct launch_security *ls = &dom->launch;
	free(ls->dh_cert.base64);
	free(ls->session.base64);
	free(ls->workarounds.base64);
	free(ls->id_block.base64);
	free(ls->id_auth.base64);
	free(ls->host_data.base64);
}
