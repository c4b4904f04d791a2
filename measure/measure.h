/*
 * measure: the launch digest a domain XML stands for — what the guest
 * owner expects the AMD secure processor to have measured when QEMU
 * launched that guest as sevqemu starts it.
 *
 * This file turns a struct domain and the options into the inputs of
 * digest.h: it reads the firmware and checks that it has what the launch
 * needs (SEV-ES: a reset block; SEV-SNP: metadata; kernel-hashes: a hash
 * table), hashes the kernel, initrd and command line, and takes the vCPU
 * signature from the CPU model.
 */
#ifndef SEVQEMU_MEASURE_MEASURE_H
#define SEVQEMU_MEASURE_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/diag.h"
#include "measure/digest.h"
#include "measure/hashes.h"
#include "parse/domain.h"

struct measure_options {
	const char *firmware;      /* --firmware: instead of <loader> */
	bool have_fms;             /* --vcpu-family/-model/-stepping */
	unsigned family, model, stepping;
	bool have_features;        /* --guest-features */
	uint64_t features;
	bool legacy;               /* --vmsa-init=legacy */
	bool file_hashes;          /* also the firmware's SHA-256 (JSON) */
};

#define FIRMWARE_MAX (64u << 20)

struct measurement {
	enum measure_mode mode;
	uint8_t digest[SHA384_BYTES];
	unsigned digest_bytes;     /* 32, or 48 for SNP */
	uint64_t policy;

	const char *firmware;      /* path */
	uint64_t firmware_bytes;
	bool have_firmware_sha256;
	uint8_t firmware_sha256[SHA256_BYTES];
	bool fw_has_secret;        /* OVMF's launch-secret area (non-zero base) */
	uint32_t fw_secret_size;

	bool kernel_measured;      /* kernelHashes='yes' with a kernel */
	const char *kernel, *initrd, *cmdline; /* from <os>, or NULL */
	struct file_digest kernel_file, initrd_file;
	uint8_t cmdline_sha256[SHA256_BYTES];

	unsigned vcpus;            /* SEV-ES, SNP: save areas measured */
	const char *cpu;           /* where the signature came from */
	unsigned family, model, stepping;
	uint32_t signature;
	uint64_t sev_features;
	bool init2;
};

/* The measurement of DOM; false after reporting through D (64 a missing
 * option, 65 a firmware that does not fit the XML, 66 an unreadable file,
 * 69 a domain without launch security). */
bool measure_domain(const struct domain *dom, const struct measure_options *o,
		    struct measurement *m, struct diag *d);

/* "sev", "sev-es", "sev-snp". */
const char *measure_mode_name(enum measure_mode mode);

/* -v: what went into the measurement, one note each. */
void measurement_explain(const struct measurement *m, struct diag *d);

#endif
