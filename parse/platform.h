/*
 * More of the model (parse/domain.h): the emulated platform devices of
 * <devices>.  Included by domain.h at the place this section belongs,
 * after the types it uses; include domain.h, never this file alone.
 */
#ifndef SEVQEMU_DOMAIN_PLATFORM_H
#define SEVQEMU_DOMAIN_PLATFORM_H

/* <iommu model='intel'>: QEMU's emulated VT-d (parse/iommu.c, emit/iommu.c). */
struct iommu {
	unsigned line;           /* 0: none */
	enum tristate intremap, caching_mode, eim, iotlb, dma_translation;
	unsigned aw_bits;        /* 0: QEMU's default */
};

/* <pstore backend='acpi-erst'> (parse/pstore.c, emit/pstore.c). */
struct pstore {
	unsigned line;           /* 0: none */
	char *path;              /* the host file QEMU keeps the records in */
	uint64_t size_bytes;
};

#endif
