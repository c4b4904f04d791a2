/*
 * xml: reading the domain document safely, and the few typed getters the
 * parsers need.  This is the only file that talks to libxml2's parser.
 *
 * Safety, decided here once: no network (XML_PARSE_NONET), no entity
 * substitution (no XML_PARSE_NOENT), no DTD loading, no huge-document mode,
 * and any DOCTYPE is refused as soon as the parser meets it, so neither
 * external entities nor entity expansion can happen.  Input is capped at
 * XML_INPUT_MAX bytes and may not hold NUL bytes.
 */
#ifndef SEVQEMU_XML_H
#define SEVQEMU_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "lib/diag.h"

#define XML_INPUT_MAX (16u * 1024 * 1024)

/*
 * Reads all of PATH ("-" for standard input) into a NUL-terminated buffer.
 * Missing or unreadable: 66; over XML_INPUT_MAX: 65.  Returns NULL on error.
 */
char *xml_slurp(const char *path, size_t *len, struct diag *d);

/* The same for any small text file; WHAT completes "expected ..." when PATH
 * is a directory. */
char *slurp_text(const char *path, size_t *len, const char *what,
		 struct diag *d);

/*
 * Parses BUF; on error reports it (65; out of memory: 71) and returns NULL.
 * libxml2 prints nothing itself: its errors become sevqemu's messages.
 */
xmlDocPtr xml_parse(const char *buf, size_t len, struct diag *d);

/* Routes libxml2's own error channels away from stderr (xml_parse does it;
 * callers of other libxml2 functions may too). */
void xml_quiet(void);

static inline unsigned xml_line(const xmlNode *n)
{
	long line = xmlGetLineNo(n);
	return line > 0 ? (unsigned)line : 0;
}

static inline const char *xml_name(const xmlNode *n)
{
	return (const char *)n->name;
}

/* The first / next element child, skipping text, comments and PIs. */
xmlNode *xml_first_element(const xmlNode *parent);
xmlNode *xml_next_element(const xmlNode *n);

/* Whether N is an element in no namespace, called NAME. */
bool xml_is(const xmlNode *n, const char *name);

/*
 * An attribute's value, or NULL.  The pointer lives as long as the document;
 * values are never trimmed (the XML says what it means there).
 */
const char *xml_attr(const xmlNode *n, const char *name);

/*
 * The element's text, trimmed of surrounding white space, in a new string.
 * An element child inside it is an error (65).  Returns NULL on error.
 */
char *xml_text(const xmlNode *n, struct diag *d);

/* "<name>" for messages, in a static buffer per call site. */
const char *xml_tag(const xmlNode *n, char *buf, size_t size);
#define XML_TAG(n) xml_tag((n), (char[72]){0}, 72)

#endif
