#include "measure/measure.h"

#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "measure/ovmf.h"
#include "measure/vmsa.h"

const char *measure_mode_name(enum measure_mode mode)
{
	return mode == MEASURE_SNP ? "sev-snp"
	       : mode == MEASURE_SEV_ES ? "sev-es" : "sev";
}

static bool choose_mode(const struct domain *dom, struct measurement *m,
			struct diag *d)
{
	const struct launch_security *ls = &dom->launch;
	switch (ls->type) {
	case LAUNCH_NONE:
		diag_error(d, EXIT_UNAVAILABLE, dom->line, "<domain>",
			   "has no launch security, so nothing is measured; expected <launchSecurity type='sev'> or 'sev-snp'");
		return false;
	case LAUNCH_SEV_SNP:
		m->mode = MEASURE_SNP;
		m->digest_bytes = SHA384_BYTES;
		break;
	case LAUNCH_SEV:
		m->mode = ls->policy & SEV_POLICY_ES ? MEASURE_SEV_ES : MEASURE_SEV;
		m->digest_bytes = SHA256_BYTES;
		break;
	}
	m->policy = ls->policy;
	return true;
}

/* The kernel, initrd and command line into the hash table. */
static bool kernel_table(const struct domain *dom, struct measurement *m,
			 uint8_t table[HASH_TABLE_PADDED], struct diag *d)
{
	const struct os *os = &dom->os;
	struct kernel_hashes h;
	m->kernel = os->kernel;
	m->initrd = os->initrd;
	m->cmdline = os->cmdline;
	if (!file_sha256(os->kernel, "kernel", &m->kernel_file, d))
		return false;
	memcpy(h.kernel, m->kernel_file.sha256, SHA256_BYTES);
	if (os->initrd) {
		if (!file_sha256(os->initrd, "initrd", &m->initrd_file, d))
			return false;
	} else {
		struct sha256_ctx ctx;
		sha256_init(&ctx);
		sha256_digest(&ctx, SHA256_BYTES, m->initrd_file.sha256);
	}
	memcpy(h.initrd, m->initrd_file.sha256, SHA256_BYTES);
	hash_cmdline(os->cmdline, m->cmdline_sha256);
	memcpy(h.cmdline, m->cmdline_sha256, SHA256_BYTES);
	hash_table_build(&h, table);
	return true;
}

/* What the firmware must have for this launch, each a 65. */
static bool check_firmware(const struct domain *dom, const struct ovmf *fw,
			   struct measurement *m, struct diag *d)
{
	const char *path = m->firmware;
	if (m->kernel_measured && !fw->has_hashes) {
		diag_path_error(d, EXIT_DATAERR, path,
				"has no SEV hash table (GUID 7255371f-3a3b-4b04-927b-1da6efa8d454), so QEMU cannot measure the kernel that kernelHashes='yes' asks for (line %u); expected OVMF built from OvmfPkg/AmdSev",
				dom->launch.line);
		return false;
	}
	if (m->kernel_measured &&
	    (!fw->hashes_base || fw->hashes_size < HASH_TABLE_PADDED)) {
		diag_path_error(d, EXIT_DATAERR, path,
				"has an SEV hash table area QEMU refuses (base 0x%x, %u bytes); expected a non-zero base and at least %u bytes",
				fw->hashes_base, fw->hashes_size, HASH_TABLE_PADDED);
		return false;
	}
	if (m->mode != MEASURE_SEV && !fw->has_reset) {
		diag_path_error(d, EXIT_DATAERR, path,
				"has no SEV-ES reset block (GUID 00f771de-1a7e-4fcb-890e-68c77e2fb44e), which %s needs to start the APs; expected an SEV-ES capable OVMF",
				m->mode == MEASURE_SNP ? "SEV-SNP" : "SEV-ES (policy bit 2)");
		return false;
	}
	if (m->mode != MEASURE_SNP)
		return true;
	if (!fw->has_metadata) {
		diag_path_error(d, EXIT_DATAERR, path,
				"has no SEV metadata (GUID dc886566-984a-4798-a75e-5585a7bf67cc), which SEV-SNP needs to place its secrets and CPUID pages; expected an SNP capable OVMF");
		return false;
	}
	if (m->kernel_measured && !ovmf_section(fw, OVMF_SEC_KERNEL_HASHES)) {
		diag_path_error(d, EXIT_DATAERR, path,
				"has no kernel-hashes section in its SEV metadata, so SEV-SNP would not measure the kernel that kernelHashes='yes' asks for (line %u)",
				dom->launch.line);
		return false;
	}
	return true;
}

/* The vCPU signature: the options, else the CPU model. */
static bool signature(const struct domain *dom, const struct measure_options *o,
		      struct measurement *m, struct diag *d)
{
	const struct cpu *cpu = &dom->cpu;
	if (o->have_fms) {
		m->family = o->family;
		m->model = o->model;
		m->stepping = o->stepping;
		m->cpu = "--vcpu-family/--vcpu-model/--vcpu-stepping";
	} else if (cpu->mode == CPU_HOST_PASSTHROUGH || cpu->mode == CPU_HOST_MODEL) {
		diag_error(d, EXIT_USAGE, cpu->line, "<cpu>",
			   "mode='%s' takes the host's CPU signature, which the XML does not say; give --vcpu-family, --vcpu-model and --vcpu-stepping",
			   cpu->mode == CPU_HOST_PASSTHROUGH ? "host-passthrough" : "host-model");
		return false;
	} else {
		m->cpu = cpu->model ? cpu->model : "qemu64";
		if (!cpu_model_fms(m->cpu, &m->family, &m->model, &m->stepping)) {
			diag_error(d, EXIT_USAGE, cpu->line, "<model>",
				   "'%s' has no CPU signature sevqemu knows (it knows %s); give --vcpu-family, --vcpu-model and --vcpu-stepping",
				   m->cpu, cpu_model_names());
			return false;
		}
	}
	m->signature = cpu_signature(m->family, m->model, m->stepping);
	return true;
}

/* Save areas: count, signature, features, FPU state. */
static bool vcpu_state(const struct domain *dom, const struct measure_options *o,
		       struct measurement *m, struct diag *d)
{
	m->vcpus = dom->vcpus_current ? dom->vcpus_current : dom->vcpus;
	if (m->mode == MEASURE_SEV)
		return true;
	if (!signature(dom, o, m, d))
		return false;
	bool snp = m->mode == MEASURE_SNP;
	m->sev_features = o->have_features ? o->features : snp ? 0x1 : 0x0;
	if (snp != ((m->sev_features & 1) != 0)) {
		diag_path_error(d, EXIT_USAGE, "--guest-features",
				"0x%llx %s bit 0 (SNPActive); an %s guest's save areas always %s it",
				(unsigned long long)m->sev_features,
				snp ? "clears" : "sets", snp ? "SEV-SNP" : "SEV-ES",
				snp ? "set" : "clear");
		return false;
	}
	m->init2 = !o->legacy;
	return true;
}

bool measure_domain(const struct domain *dom, const struct measure_options *o,
		    struct measurement *m, struct diag *d)
{
	memset(m, 0, sizeof(*m));
	if (!choose_mode(dom, m, d))
		return false;
	m->firmware = o->firmware ? o->firmware : dom->os.loader;
	if (!m->firmware) {
		diag_error(d, EXIT_USAGE, dom->os.line, "<os>",
			   "names no firmware image (no <loader>), and the measurement starts with it; give --firmware FILE");
		return false;
	}
	if (dom->os.kernel && dom->launch.kernel_hashes != TRI_ON)
		diag_warn(d, dom->os.kernel_line, "<kernel>",
			  "the kernel, initrd and command line are not measured: <launchSecurity> does not say kernelHashes='yes'");
	m->kernel_measured = dom->os.kernel && dom->launch.kernel_hashes == TRI_ON;
	if (!vcpu_state(dom, o, m, d))
		return false;

	size_t size = 0;
	uint8_t *image = file_slurp(m->firmware, "firmware", FIRMWARE_MAX, &size, d);
	if (!image)
		return false;
	m->firmware_bytes = size;
	struct ovmf fw;
	const char *why = NULL;
	uint8_t table[HASH_TABLE_PADDED];
	bool ok = ovmf_parse(&fw, image, size, &why);
	if (!ok)
		diag_path_error(d, EXIT_DATAERR, m->firmware,
				"the firmware's %s; expected an OVMF image", why);
	ok = ok && check_firmware(dom, &fw, m, d) &&
	     (!m->kernel_measured || kernel_table(dom, m, table, d));
	struct digest_input in = {
		.mode = m->mode, .fw = &fw,
		.hash_table = m->kernel_measured ? table : NULL,
		.vcpus = m->vcpus, .signature = m->signature,
		.sev_features = m->sev_features, .init2 = m->init2,
	};
	if (ok && m->mode == MEASURE_SNP && !digest_snp_check(&in, &why)) {
		diag_path_error(d, EXIT_DATAERR, m->firmware, "%s", why);
		ok = false;
	}
	if (ok && m->mode == MEASURE_SNP)
		digest_snp(&in, m->digest);
	else if (ok)
		digest_sev(&in, m->digest);
	if (ok && o->file_hashes) {
		struct sha256_ctx ctx;
		sha256_init(&ctx);
		sha256_update(&ctx, size, image);
		sha256_digest(&ctx, SHA256_BYTES, m->firmware_sha256);
		m->have_firmware_sha256 = true;
	}
	m->fw_has_secret = fw.has_secret && fw.secret_base != 0;
	m->fw_secret_size = fw.secret_size;
	ovmf_release(&fw);
	free(image);
	return ok;
}

void measurement_explain(const struct measurement *m, struct diag *d)
{
	diag_note(d, 0, NULL, "measuring %s: policy 0x%llx, firmware %s (%llu bytes)",
		  measure_mode_name(m->mode), (unsigned long long)m->policy,
		  m->firmware, (unsigned long long)m->firmware_bytes);
	if (m->kernel_measured)
		diag_note(d, 0, NULL, "kernel %s, initrd %s, command line %s%s%s: hashed into OVMF's hash table",
			  m->kernel, m->initrd ? m->initrd : "(none)",
			  m->cmdline ? "'" : "", m->cmdline ? m->cmdline : "(none)",
			  m->cmdline ? "'" : "");
	if (m->mode == MEASURE_SEV)
		return;
	diag_note(d, 0, NULL, "%u save areas (vCPUs present at boot), signature 0x%x (family %u, model %u, stepping %u from %s), SEV features 0x%llx",
		  m->vcpus, m->signature, m->family, m->model, m->stepping,
		  m->cpu, (unsigned long long)m->sev_features);
	diag_note(d, 0, NULL, "%s",
		  m->init2 ? "save areas as KVM_SEV_INIT2 makes them (QEMU 9.1 and Linux 6.10 on): MXCSR 0x1f80, FCW 0x37f; --vmsa-init=legacy for older stacks"
			   : "save areas as the legacy KVM_SEV_INIT makes them (before QEMU 9.1 or Linux 6.10): FPU state zero");
}
