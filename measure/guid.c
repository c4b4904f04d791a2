#include "measure/guid.h"

#include <stdio.h>
#include <string.h>

#include "lib/number.h"

/* Where each byte of the text form lands in the 16 bytes: the first
 * three fields are stored little-endian. */
static const unsigned char text_to_byte[GUID_BYTES] = {
	3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15,
};

bool guid_parse(const char *text, uint8_t out[GUID_BYTES])
{
	uint8_t b[GUID_BYTES];
	size_t k = 0;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				return false;
			continue;
		}
		int hi = hex_value(text[i]);
		int lo = hi < 0 ? -1 : hex_value(text[i + 1]);
		if (lo < 0)
			return false;
		b[text_to_byte[k++]] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	if (text[36] != '\0')
		return false;
	memcpy(out, b, GUID_BYTES);
	return true;
}

void guid_format(const uint8_t guid[GUID_BYTES], char out[GUID_TEXT])
{
	char *p = out;
	for (size_t k = 0; k < GUID_BYTES; k++) {
		if (k == 4 || k == 6 || k == 8 || k == 10)
			*p++ = '-';
		p += sprintf(p, "%02x", guid[text_to_byte[k]]);
	}
	*p = '\0';
}

/* The bytes of each GUID below, written out so that no code runs before
 * main; tests/unit/measure.c checks each against its text with
 * guid_parse().  Texts: OVMF's ResetVector (OvmfPkg/ResetVector/
 * Ia16/ResetVectorVtf0.asm) for the footer table, the SEV-ES reset block,
 * the hash table and the secret area; OvmfSevMetadata.asm for the
 * metadata; QEMU's target/i386/sev.c for the hash-table entries; OVMF's
 * SecretDxe and Linux's efi_secret driver for the secret table, and the
 * disk passphrase GUID that GRUB and libvirt's virt-qemu-sev-validate call
 * luks-key. */
#define G(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                         \
	{ (a) & 0xff, (a) >> 8 & 0xff, (a) >> 16 & 0xff, (a) >> 24 & 0xff,  \
	  (b) & 0xff, (b) >> 8 & 0xff, (c) & 0xff, (c) >> 8 & 0xff,         \
	  d0, d1, d2, d3, d4, d5, d6, d7 }

/* 96b582de-1fb2-45f7-baea-a366c55a082d */
const uint8_t GUID_OVMF_TABLE_FOOTER[GUID_BYTES] =
	G(0x96b582deu, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d);
/* 7255371f-3a3b-4b04-927b-1da6efa8d454 */
const uint8_t GUID_SEV_HASH_TABLE_RV[GUID_BYTES] =
	G(0x7255371fu, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54);
/* 00f771de-1a7e-4fcb-890e-68c77e2fb44e */
const uint8_t GUID_SEV_ES_RESET_BLOCK[GUID_BYTES] =
	G(0x00f771deu, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e);
/* dc886566-984a-4798-a75e-5585a7bf67cc */
const uint8_t GUID_SEV_METADATA[GUID_BYTES] =
	G(0xdc886566u, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc);
/* 4c2eb361-7d9b-4cc3-8081-127c90d3d294 */
const uint8_t GUID_SEV_SECRET_AREA[GUID_BYTES] =
	G(0x4c2eb361u, 0x7d9b, 0x4cc3, 0x80, 0x81, 0x12, 0x7c, 0x90, 0xd3, 0xd2, 0x94);
/* 9438d606-4f22-4cc9-b479-a793d411fd21 */
const uint8_t GUID_HASH_TABLE_HEADER[GUID_BYTES] =
	G(0x9438d606u, 0x4f22, 0x4cc9, 0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21);
/* 97d02dd8-bd20-4c94-aa78-e7714d36ab2a */
const uint8_t GUID_HASH_CMDLINE[GUID_BYTES] =
	G(0x97d02dd8u, 0xbd20, 0x4c94, 0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a);
/* 44baf731-3a2f-4bd7-9af1-41e29169781d */
const uint8_t GUID_HASH_INITRD[GUID_BYTES] =
	G(0x44baf731u, 0x3a2f, 0x4bd7, 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d);
/* 4de79437-abd2-427f-b835-d5b172d2045b */
const uint8_t GUID_HASH_KERNEL[GUID_BYTES] =
	G(0x4de79437u, 0xabd2, 0x427f, 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b);
/* 1e74f542-71dd-4d66-963e-ef4287ff173b */
const uint8_t GUID_SECRET_TABLE_HEADER[GUID_BYTES] =
	G(0x1e74f542u, 0x71dd, 0x4d66, 0x96, 0x3e, 0xef, 0x42, 0x87, 0xff, 0x17, 0x3b);
/* 736869e5-84f0-4973-92ec-06879ce3da0b */
const uint8_t GUID_LUKS_KEY[GUID_BYTES] =
	G(0x736869e5u, 0x84f0, 0x4973, 0x92, 0xec, 0x06, 0x87, 0x9c, 0xe3, 0xda, 0x0b);
