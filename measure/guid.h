/*
 * guid: EFI GUIDs as they sit in firmware and in OVMF's tables — the
 * first three fields little-endian, the last eight bytes as written
 * (what Python calls uuid.bytes_le, what EDK2 calls EFI_GUID).
 */
#ifndef SEVQEMU_MEASURE_GUID_H
#define SEVQEMU_MEASURE_GUID_H

#include <stdbool.h>
#include <stdint.h>

#define GUID_BYTES 16
#define GUID_TEXT 37   /* 36 characters and the NUL */

/* "1e74f542-71dd-4d66-963e-ef4287ff173b" (either case) into its 16 bytes;
 * false for anything else (no braces, no white space). */
bool guid_parse(const char *text, uint8_t out[GUID_BYTES]);

/* The lower-case text of a GUID. */
void guid_format(const uint8_t guid[GUID_BYTES], char out[GUID_TEXT]);

/* The GUIDs sevqemu looks for (guid.c says where each comes from). */
extern const uint8_t GUID_OVMF_TABLE_FOOTER[GUID_BYTES];
extern const uint8_t GUID_SEV_HASH_TABLE_RV[GUID_BYTES];
extern const uint8_t GUID_SEV_ES_RESET_BLOCK[GUID_BYTES];
extern const uint8_t GUID_SEV_METADATA[GUID_BYTES];
extern const uint8_t GUID_SEV_SECRET_AREA[GUID_BYTES];
extern const uint8_t GUID_HASH_TABLE_HEADER[GUID_BYTES];
extern const uint8_t GUID_HASH_CMDLINE[GUID_BYTES];
extern const uint8_t GUID_HASH_INITRD[GUID_BYTES];
extern const uint8_t GUID_HASH_KERNEL[GUID_BYTES];
extern const uint8_t GUID_SECRET_TABLE_HEADER[GUID_BYTES];
extern const uint8_t GUID_LUKS_KEY[GUID_BYTES];

#endif
