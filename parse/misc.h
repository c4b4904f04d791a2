/* What parse/misc.c and parse/graphics.c share.  Internal to parse/. */
#ifndef SEVQEMU_PARSE_MISC_H
#define SEVQEMU_PARSE_MISC_H

#include "parser.h"

bool misc_in_list(const char *s, const char *const *list);

/* Every attribute of N must be in KNOWN; others are refused by name (69),
 * or dropped with a warning under --ignore-unsupported. */
bool misc_known_attrs(struct parser *p, const xmlNode *n,
		      const char *const *known);

/* A child every device may have: <alias>, <address> (ignored), <driver
 * iommu=...> (into *IOMMU when IOMMU is not NULL).  False: not one. */
bool misc_common_child(struct parser *p, const xmlNode *c, enum tristate *iommu);

void parse_graphics(struct parser *p, const xmlNode *n);
void parse_audio(struct parser *p, const xmlNode *n);

#endif
