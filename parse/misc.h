/* What parse/misc.c and parse/graphics.c share.  Internal to parse/. */
#ifndef SEVQEMU_PARSE_MISC_H
#define SEVQEMU_PARSE_MISC_H

#include "parse/parser.h"

/* A child every device may have: <alias>, <address> (ignored), <driver
 * iommu=...> (into *IOMMU when IOMMU is not NULL).  False: not one. */
bool misc_common_child(struct parser *p, const xmlNode *c, enum tristate *iommu);

void parse_graphics(struct parser *p, const xmlNode *n);
void parse_audio(struct parser *p, const xmlNode *n);

#endif
