/*
 * policy: the SEV and SEV-SNP guest policy, bit by bit (SEV API "Guest
 * Policy", SNP ABI "Guest Policy").  One place knows which bits are
 * reserved, so that <policy> checking and `sevqemu policy` agree.
 */
#ifndef SEVQEMU_POLICY_H
#define SEVQEMU_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum policy_error {
	POLICY_OK,
	POLICY_NOT_HEX,        /* not hexadecimal (or over 64 bits) */
	POLICY_TOO_WIDE,       /* an SEV policy over 32 bits */
	POLICY_RESERVED,       /* SEV bits 6-15, or SNP bits 26-63 */
	POLICY_SNP_BIT17,      /* SNP bit 17 must be set */
};

/* Reads TEXT as libvirt does (hex, with or without 0x) and checks it. */
enum policy_error policy_parse(const char *text, bool snp, uint64_t *out);

/* The reserved bits VALUE sets. */
uint64_t policy_reserved(uint64_t value, bool snp);

/* Prints every field and bit of VALUE by name with one line of meaning. */
void policy_explain(FILE *out, uint64_t value, bool snp);

#endif
