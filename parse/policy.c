#include "parse/policy.h"

#include "parse/domain.h"
#include "lib/number.h"

uint64_t policy_reserved(uint64_t value, bool snp)
{
	return value & (snp ? SNP_POLICY_RESERVED : SEV_POLICY_RESERVED);
}

enum policy_error policy_parse(const char *text, bool snp, uint64_t *out)
{
	uint64_t v;
	if (!parse_hex(text, &v))
		return POLICY_NOT_HEX;
	*out = v;
	if (!snp && v > UINT32_MAX)
		return POLICY_TOO_WIDE;
	if (policy_reserved(v, snp))
		return POLICY_RESERVED;
	if (snp && !(v & SNP_POLICY_RSVD_MBO))
		return POLICY_SNP_BIT17;
	return POLICY_OK;
}

struct bit {
	unsigned bit;
	const char *name;
	const char *set;    /* meaning when set */
	const char *clear;  /* meaning when clear */
};

static const struct bit sev_bits[] = {
	{ 0, "NODBG", "debugging is forbidden: the host cannot decrypt guest memory",
	  "debugging is ALLOWED: the host may decrypt guest memory (DBG_DECRYPT)" },
	{ 1, "NOKS", "key sharing with other guests is forbidden",
	  "the guest's key may be shared with another guest (handle)" },
	{ 2, "ES", "SEV-ES: register state is encrypted too",
	  "plain SEV: register state is not encrypted" },
	{ 3, "NOSEND", "sending the guest to another platform is forbidden",
	  "the guest may be migrated (SEND_START)" },
	{ 4, "DOMAIN", "it may be sent only within the same domain (same OCA)",
	  "it may be sent outside its domain" },
	{ 5, "SEV", "it may be sent only to an SEV-capable platform",
	  "it may be sent to any platform" },
};

static const struct bit snp_bits[] = {
	{ 16, "SMT", "simultaneous multithreading may be on",
	  "SMT must be off on the host (Linux 6.11's KVM refuses this)" },
	{ 17, "RSVD_MBO", "reserved, must be one: set", "reserved, must be one: CLEAR (invalid)" },
	{ 18, "MIGRATE_MA", "a migration agent may be associated",
	  "no migration agent" },
	{ 19, "DEBUG", "debugging is ALLOWED: the host may decrypt guest memory",
	  "debugging is forbidden" },
	{ 20, "SINGLE_SOCKET", "the guest may run on one socket only",
	  "the guest may run on several sockets" },
	{ 21, "CXL_ALLOW", "CXL memory may be used", "no CXL memory" },
	{ 22, "MEM_AES_256_XTS", "AES-256-XTS memory encryption is required",
	  "the default memory encryption" },
	{ 23, "RAPL_DIS", "RAPL must be disabled", "RAPL may be enabled" },
	{ 24, "CIPHERTEXT_HIDING", "ciphertext hiding must be enabled",
	  "ciphertext hiding not required" },
	{ 25, "PAGE_SWAP_DISABLE", "page swapping is disabled", "page swapping allowed" },
};

static void bits(FILE *out, uint64_t v, const struct bit *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool on = (v >> b[i].bit) & 1;
		fprintf(out, "  bit %-2u %-18s %s  %s\n", b[i].bit, b[i].name,
			on ? "1" : "0", on ? b[i].set : b[i].clear);
	}
}

void policy_explain(FILE *out, uint64_t v, bool snp)
{
	if (snp) {
		fprintf(out, "SEV-SNP guest policy 0x%llx\n", (unsigned long long)v);
		fprintf(out, "  bits 0-7  ABI_MINOR          %-3u minimum firmware ABI minor version\n",
			(unsigned)(v & 0xff));
		fprintf(out, "  bits 8-15 ABI_MAJOR          %-3u minimum firmware ABI major version\n",
			(unsigned)((v >> 8) & 0xff));
		bits(out, v, snp_bits, sizeof(snp_bits) / sizeof(*snp_bits));
	} else {
		fprintf(out, "SEV guest policy 0x%llx\n", (unsigned long long)v);
		bits(out, v, sev_bits, sizeof(sev_bits) / sizeof(*sev_bits));
		fprintf(out, "  bits 16-23 API_MAJOR        %-3u minimum firmware API major version for a migration target\n",
			(unsigned)((v >> 16) & 0xff));
		fprintf(out, "  bits 24-31 API_MINOR        %-3u minimum firmware API minor version for a migration target\n",
			(unsigned)((v >> 24) & 0xff));
	}
	uint64_t reserved = policy_reserved(v, snp);
	if (reserved)
		fprintf(out, "  reserved bits set: 0x%llx (%s) — invalid\n",
			(unsigned long long)reserved, snp ? "26-63" : "6-15");
}
