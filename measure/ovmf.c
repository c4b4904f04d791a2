#include "measure/ovmf.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "measure/guid.h"

#define FOOTER_END 32          /* the table ends this far before the end */
#define ENTRY_HEAD 18          /* a 16-bit length and a GUID */
#define METADATA_HEAD 16       /* "ASEV", length, version, count */
#define METADATA_DESC 12       /* base, length, type */

/* One entry's data; false when it is too short for what is read. */
static bool entry(struct ovmf *fw, const uint8_t *guid, const uint8_t *data,
		  size_t len)
{
	if (memcmp(guid, GUID_SEV_HASH_TABLE_RV, GUID_BYTES) == 0) {
		if (len < 8)
			return false;
		fw->has_hashes = true;
		fw->hashes_base = get_le32(data);
		fw->hashes_size = get_le32(data + 4);
	} else if (memcmp(guid, GUID_SEV_ES_RESET_BLOCK, GUID_BYTES) == 0) {
		if (len < 4)
			return false;
		fw->has_reset = true;
		fw->reset_addr = get_le32(data);
	} else if (memcmp(guid, GUID_SEV_SECRET_AREA, GUID_BYTES) == 0) {
		if (len < 8)
			return false;
		fw->has_secret = true;
		fw->secret_base = get_le32(data);
		fw->secret_size = get_le32(data + 4);
	} else if (memcmp(guid, GUID_SEV_METADATA, GUID_BYTES) == 0) {
		if (len < 4)
			return false;
		fw->has_metadata = true;
		fw->metadata_offset = get_le32(data);
	}
	return true;
}

/* Walks the table backwards from the footer. */
static bool table(struct ovmf *fw, const char **why)
{
	const uint8_t *d = fw->data;
	size_t size = fw->size;
	if (size < FOOTER_END + ENTRY_HEAD ||
	    memcmp(d + size - FOOTER_END - GUID_BYTES, GUID_OVMF_TABLE_FOOTER,
		   GUID_BYTES) != 0)
		return true; /* no table: fine for plain SEV */
	fw->has_table = true;
	size_t total = get_le16(d + size - FOOTER_END - ENTRY_HEAD);
	if (total < ENTRY_HEAD || total > size - FOOTER_END) {
		*why = "GUID table length runs out of the image";
		return false;
	}
	size_t start = size - FOOTER_END - total;
	size_t end = size - FOOTER_END - ENTRY_HEAD;
	while (end - start >= ENTRY_HEAD) {
		size_t len = get_le16(d + end - ENTRY_HEAD);
		if (len < ENTRY_HEAD || len > end - start) {
			*why = "GUID table has an entry whose length runs out of the table";
			return false;
		}
		if (!entry(fw, d + end - GUID_BYTES, d + end - len,
			   len - ENTRY_HEAD)) {
			*why = "GUID table has an SEV entry too short for its fields";
			return false;
		}
		end -= len;
	}
	return true;
}

/* The "ASEV" header, OFFSET bytes before the end of the image. */
static bool metadata(struct ovmf *fw, size_t offset, const char **why)
{
	const uint8_t *d = fw->data;
	if (offset < METADATA_HEAD || offset > fw->size) {
		*why = "SEV metadata offset points outside the image";
		return false;
	}
	const uint8_t *h = d + fw->size - offset;
	uint32_t len = get_le32(h + 4), count = get_le32(h + 12);
	if (memcmp(h, "ASEV", 4) != 0) {
		*why = "SEV metadata header lacks its \"ASEV\" signature";
		return false;
	}
	if (get_le32(h + 8) != 1) {
		*why = "SEV metadata has a version other than 1";
		return false;
	}
	if (len < METADATA_HEAD || len > offset ||
	    count > (len - METADATA_HEAD) / METADATA_DESC) {
		*why = "SEV metadata length does not hold its descriptors";
		return false;
	}
	fw->sections = xcalloc(count ? count : 1, sizeof(*fw->sections));
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *p = h + METADATA_HEAD + (size_t)i * METADATA_DESC;
		fw->sections[i].base = get_le32(p);
		fw->sections[i].size = get_le32(p + 4);
		fw->sections[i].type = get_le32(p + 8);
	}
	fw->nsections = count;
	return true;
}

bool ovmf_parse(struct ovmf *fw, const uint8_t *data, size_t size,
		const char **why)
{
	memset(fw, 0, sizeof(*fw));
	fw->data = data;
	fw->size = size;
	if (!table(fw, why))
		return false;
	return !fw->has_metadata || metadata(fw, fw->metadata_offset, why);
}

void ovmf_release(struct ovmf *fw)
{
	free(fw->sections);
	fw->sections = NULL;
	fw->nsections = 0;
}

const struct ovmf_section *ovmf_section(const struct ovmf *fw, uint32_t type)
{
	for (size_t i = 0; i < fw->nsections; i++)
		if (fw->sections[i].type == type)
			return &fw->sections[i];
	return NULL;
}

const char *ovmf_section_name(uint32_t type)
{
	switch (type) {
	case OVMF_SEC_MEM: return "pre-validated memory (zero pages)";
	case OVMF_SEC_SECRETS: return "secrets page";
	case OVMF_SEC_CPUID: return "CPUID page";
	case OVMF_SEC_SVSM_CAA: return "SVSM calling area (zero pages)";
	case OVMF_SEC_KERNEL_HASHES: return "kernel-hashes page";
	default: return "unknown type (zero pages, as QEMU adds them)";
	}
}
