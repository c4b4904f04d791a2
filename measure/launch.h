/*
 * launch: the guest owner's cryptography around an SEV launch (AMD SEV
 * API, sections 6.5 LAUNCH_MEASURE and 6.6 LAUNCH_SECRET), all of it from
 * nettle.
 *
 * LAUNCH_MEASURE gives HMAC-SHA256 under the TIK of
 *     0x04 || API_MAJOR || API_MINOR || BUILD || POLICY (32-bit LE)
 *          || launch digest || MNONCE
 * followed by the 16-byte MNONCE: QEMU's query-sev-launch-measure is the
 * base64 of those 48 bytes.
 *
 * LAUNCH_SECRET takes a 52-byte packet header — FLAGS (32-bit, 0), the
 * IV, and HMAC-SHA256 under the TIK of
 *     0x01 || FLAGS || IV || GUEST_LENGTH || TRANS_LENGTH (32-bit LE each)
 *          || the encrypted data || the 32-byte measurement
 * — and the data, encrypted with AES-128-CTR under the TEK from the IV.
 *
 * The data OVMF expects in its secret area is a table: the header GUID
 * 1e74f542-71dd-4d66-963e-ef4287ff173b and the 32-bit length of the table,
 * then one entry per secret — its GUID, the 32-bit length of the entry
 * (20 plus the data) and the data — then zeros up to a multiple of 16.
 */
#ifndef SEVQEMU_MEASURE_LAUNCH_H
#define SEVQEMU_MEASURE_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "measure/guid.h"
#include "measure/hashes.h"

#define TK_BYTES 16                /* the TEK and the TIK each */
#define MNONCE_BYTES 16
#define MEASURE_MAC_BYTES 32
#define LAUNCH_MEASURE_BYTES (MEASURE_MAC_BYTES + MNONCE_BYTES)
#define SECRET_IV_BYTES 16
#define SECRET_HEADER_BYTES 52     /* flags, IV, MAC */

struct sev_platform {
	uint8_t api_major, api_minor, build;
};

void launch_measure_mac(const uint8_t tik[TK_BYTES],
			const struct sev_platform *p, uint32_t policy,
			const uint8_t digest[SHA256_BYTES],
			const uint8_t mnonce[MNONCE_BYTES],
			uint8_t mac[MEASURE_MAC_BYTES]);

struct secret {
	uint8_t guid[GUID_BYTES];
	uint8_t *data;             /* owned by the caller */
	size_t len;
};

/* The table of the N secrets (a new buffer, *LEN bytes, padded), or NULL
 * when it would not fit in 32-bit lengths. */
uint8_t *secret_table(const struct secret *s, size_t n, size_t *len);

/* Encrypts PLAIN (LEN bytes) into CIPHER and fills the packet header. */
void launch_secret_packet(const uint8_t tek[TK_BYTES],
			  const uint8_t tik[TK_BYTES],
			  const uint8_t iv[SECRET_IV_BYTES],
			  const uint8_t measure[MEASURE_MAC_BYTES],
			  const uint8_t *plain, size_t len, uint8_t *cipher,
			  uint8_t header[SECRET_HEADER_BYTES]);

#endif
