/* What tests/unit/measure.c and measure_launch.c share: synthetic OVMF
 * images laid out as tests/measure/mkfw.py --pattern lays them out. */
#ifndef SEVQEMU_UNIT_MEASURE_H
#define SEVQEMU_UNIT_MEASURE_H

#include <stddef.h>
#include <stdint.h>

struct um_image {
	size_t size;
	uint32_t reset;                  /* 0: no reset block */
	uint32_t hashes_base, hashes_size;
	uint32_t secret_base, secret_size;
	const uint32_t (*sections)[3];   /* base, size, type */
	size_t nsections;
};

/* A 64 KiB image with a reset block, a hash table and a secret area. */
extern const struct um_image UM_SEV_IMAGE;

/* The image (malloc'ed): byte i is 131 i + 17, then the GUID table. */
uint8_t *um_image(const struct um_image *o);

/* cmocka check: BUF's lower-case hex is WANT. */
void um_expect_hex(const uint8_t *buf, size_t n, const char *want);

#endif
