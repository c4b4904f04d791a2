/* -object sev-guest / sev-snp-guest, and the SEV blob files it names. */
#include <string.h>

#include "emit/build.h"

/* The dh-cert or session blob becomes a file in the state dir. */
static void blob_file(struct build *b, struct keyval *kv, const char *key,
		      const char *name, const struct blob *blob)
{
	const char *dir = plan_state_dir(b);
	if (!dir)
		return;
	struct plan_file *f = plan_add_file(b->plan);
	f->dir = xstrdup(dir);
	f->name = xstrdup(name);
	f->path = xasprintf("%s/%s", dir, name);
	f->content = xasprintf("%s\n", blob->base64);
	f->size = strlen(f->content);
	f->secret = true;
	f->in_state_dir = true;
	kv_str(kv, key, f->path);
}

/* cbitpos: the XML, else --domcaps, else this host's CPUID, else an error. */
static bool choose_cbitpos(struct build *b, unsigned *cbitpos)
{
	const struct launch_security *ls = &b->dom->launch;
	const struct host_facts *host = b->host;
	if (ls->has_cbitpos) {
		*cbitpos = ls->cbitpos;
		return true;
	}
	if (host->have_domcaps && host->domcaps.has_cbitpos) {
		*cbitpos = host->domcaps.cbitpos;
		diag_note(b->d, ls->line, ls->element,
			  "cbitpos %u from --domcaps", *cbitpos);
		return true;
	}
	if (host->cpuid_sev) {
		*cbitpos = host->cpuid_cbitpos;
		diag_note(b->d, ls->line, ls->element,
			  "cbitpos %u from this host's CPUID 0x8000001F", *cbitpos);
		return true;
	}
	diag_error(b->d, EXIT_DATAERR, ls->line, ls->element,
		   "no cbitpos, and this host's CPU does not report SEV; give it as <cbitpos> in the XML, with --domcaps FILE (virsh domcapabilities), or run on the SEV host (CPUID 0x8000001F)");
	return false;
}

static unsigned choose_reduced_phys_bits(struct build *b)
{
	const struct launch_security *ls = &b->dom->launch;
	const struct host_facts *host = b->host;
	if (ls->has_reduced_phys_bits)
		return ls->reduced_phys_bits;
	if (host->have_domcaps && host->domcaps.has_reduced_phys_bits) {
		diag_note(b->d, ls->line, ls->element,
			  "reduced-phys-bits %u from --domcaps", host->domcaps.reduced_phys_bits);
		return host->domcaps.reduced_phys_bits;
	}
	diag_note(b->d, ls->line, ls->element,
		  "reduced-phys-bits 1 (AMD's value for every guest)");
	return 1;
}

void build_launch_security(struct build *b)
{
	const struct launch_security *ls = &b->dom->launch;
	const struct host_facts *host = b->host;
	if (!b->sev)
		return;
	if (host->have_domcaps && !host->domcaps.sev_supported) {
		diag_error(b->d, EXIT_UNAVAILABLE, ls->line, ls->element,
			   "--domcaps says this host does not support SEV (<sev supported='no'>)");
		return;
	}
	if (host->have_domcaps && b->es && !b->snp &&
	    host->domcaps.has_max_es_guests && host->domcaps.max_es_guests == 0) {
		diag_error(b->d, EXIT_UNAVAILABLE, ls->policy_line, "<policy>",
			   "0x%llx asks for SEV-ES (bit 2), but --domcaps says the host has no SEV-ES slots (maxESGuests 0)",
			   (unsigned long long)ls->policy);
		return;
	}
	unsigned cbitpos;
	if (!choose_cbitpos(b, &cbitpos))
		return;
	unsigned reduced = choose_reduced_phys_bits(b);
	struct keyval kv;
	b->plan->launch_object = b->snp ? "sev-snp-guest" : "sev-guest";
	kv_begin(&kv, b->plan->launch_object);
	kv_str(&kv, "id", LAUNCH_OBJECT_ID);
	kv_u64(&kv, "cbitpos", cbitpos);
	kv_u64(&kv, "reduced-phys-bits", reduced);
	kv_hex(&kv, "policy", ls->policy);
	if (b->snp) {
		if (ls->workarounds.base64)
			kv_str(&kv, "guest-visible-workarounds", ls->workarounds.base64);
		if (ls->id_block.base64)
			kv_str(&kv, "id-block", ls->id_block.base64);
		if (ls->id_auth.base64)
			kv_str(&kv, "id-auth", ls->id_auth.base64);
		if (ls->host_data.base64)
			kv_str(&kv, "host-data", ls->host_data.base64);
		if (ls->author_key == TRI_ON)
			kv_bool(&kv, "author-key-enabled", true);
		if (ls->vcek == TRI_OFF)
			kv_bool(&kv, "vcek-disabled", true);
	} else {
		if (ls->has_handle)
			kv_u64(&kv, "handle", ls->handle);
		if (ls->dh_cert.base64)
			blob_file(b, &kv, "dh-cert-file", "dh_cert.base64", &ls->dh_cert);
		if (ls->session.base64)
			blob_file(b, &kv, "session-file", "session.base64", &ls->session);
	}
	if (ls->kernel_hashes != TRI_DEFAULT)
		kv_bool(&kv, "kernel-hashes", ls->kernel_hashes == TRI_ON);
	if (diag_failed(b->d)) {
		kv_discard(&kv);
		return;
	}
	build_push(b, &kv, "-object");
	if (ls->kernel_hashes == TRI_ON)
		diag_warn(b->d, ls->line, ls->element,
			  "kernelHashes='yes' needs an AmdSev OVMF build (OvmfPkg/AmdSev, one OVMF.fd with the hashes table), and an nvram is not measured");
}
