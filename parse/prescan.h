#ifndef SEVQEMU_PRESCAN_H
#define SEVQEMU_PRESCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

/*
 * The pre-scan: one linear pass over BUF before libxml2 sees it, refusing
 * (65) an element with more than XML_MAX_ATTRS attributes and a document of
 * more than XML_MAX_NODES nodes (elements, attributes, comments, PIs and
 * CDATA sections), where libxml2's work would grow faster than the input
 * (its duplicate-attribute check is quadratic) or its tree would take
 * hundreds of MB, or its dictionary of names would grow with the square of
 * their number.  2,000 disks are some 20,000 nodes.
 */
#define XML_MAX_ATTRS 64
#define XML_MAX_NODES 100000
bool xml_prescan(const char *buf, size_t len, struct diag *d);

#endif
