/*
 * The pre-scan (xml.h): one linear pass over the document before libxml2
 * sees it, so that no input under the 16 MiB cap costs more than a moment.
 *
 * libxml2 2.9 checks an element's attributes for duplicates pair by pair:
 * 100,000 attributes on one element (1 MiB) took 16 s, 16 MiB of them would
 * take hours.  And 16 MiB of <a/> builds four million nodes (half a GB), as
 * do two million short attributes.  Neither has a place in a domain XML,
 * whose elements carry a handful of attributes and whose largest guests
 * have some tens of thousands of nodes, so both are refused here, by count,
 * before any parsing (65).  The scan knows just
 * enough XML to count right: comments, CDATA sections and processing
 * instructions are skipped whole, attribute values to their closing quote;
 * a DOCTYPE ends the scan (the parser refuses it as soon as it meets it).
 * A malformed document is left to the parser to describe.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "parse/prescan.h"

static unsigned line_at(const char *buf, const char *at)
{
	unsigned line = 1;
	for (const char *p = buf; (p = memchr(p, '\n', (size_t)(at - p)));
	     p++)
		line++;
	return line;
}

static bool starts(const char *p, const char *limit, const char *with)
{
	size_t n = strlen(with);
	return (size_t)(limit - p) >= n && memcmp(p, with, n) == 0;
}

/* Just past the first END from P, or LIMIT when there is none. */
static const char *past(const char *p, const char *limit, const char *end)
{
	size_t n = strlen(end);
	const char *hit = memmem(p, (size_t)(limit - p), end, n);
	return hit ? hit + n : limit;
}

/*
 * A start tag, from just after its '<': counts its attributes (each '='
 * outside a quoted value) up to its '>', stopping once there are more than
 * XML_MAX_ATTRS.  Returns where the scan stopped.
 */
static const char *start_tag(const char *p, const char *limit,
			     unsigned *attrs)
{
	unsigned n = 0;
	while (p < limit && n <= XML_MAX_ATTRS) {
		char c = *p++;
		if (c == '"' || c == '\'') {
			const char *close = memchr(p, c, (size_t)(limit - p));
			p = close ? close + 1 : limit;
		} else if (c == '=') {
			n++;
		} else if (c == '>') {
			break;
		} else if (c == '<') {
			p--; /* malformed: the parser will say so */
			break;
		}
	}
	*attrs = n;
	return p;
}

static void too_many_attrs(const char *buf, const char *tag, const char *limit,
			   struct diag *d)
{
	size_t len = strcspn(tag + 1, " \t\r\n/>");
	if (len > (size_t)(limit - tag - 1))
		len = (size_t)(limit - tag - 1);
	char element[72];
	snprintf(element, sizeof(element), "<%.*s>", len > 64 ? 64 : (int)len,
		 tag + 1);
	diag_error(d, EXIT_DATAERR, line_at(buf, tag), element,
		   "has more than %d attributes; a domain XML element has a handful (refused before parsing, which would take time growing with their square)",
		   XML_MAX_ATTRS);
}

bool xml_prescan(const char *buf, size_t len, struct diag *d)
{
	const char *limit = buf + len;
	unsigned long nodes = 0;
	for (const char *p = buf; p < limit &&
	     (p = memchr(p, '<', (size_t)(limit - p)));) {
		const char *tag = p++;
		if (starts(p, limit, "/")) {
			continue; /* an end tag adds nothing */
		} else if (starts(p, limit, "!--")) {
			p = past(p + 3, limit, "-->");
		} else if (starts(p, limit, "![CDATA[")) {
			p = past(p + 8, limit, "]]>");
		} else if (starts(p, limit, "!")) {
			return true; /* a DOCTYPE: refused at once by the parser */
		} else if (starts(p, limit, "?")) {
			p = past(p + 1, limit, "?>");
		} else {
			unsigned attrs;
			p = start_tag(p, limit, &attrs);
			if (attrs > XML_MAX_ATTRS) {
				too_many_attrs(buf, tag, limit, d);
				return false;
			}
			nodes += attrs;
		}
		if (++nodes > XML_MAX_NODES) {
			diag_error(d, EXIT_DATAERR, line_at(buf, tag), NULL,
				   "more than %d elements, attributes and other nodes; a domain XML has far fewer (refused before parsing)",
				   XML_MAX_NODES);
			return false;
		}
	}
	return true;
}
