/* Helpers shared by the element parsers: typed attributes and the verdicts
 * (duplicate, unsupported, ignored, unexpected) with their exit statuses. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "parse/parser.h"
#include "lib/xalloc.h"

bool text_decimal(struct parser *p, const xmlNode *n, uint64_t min,
		  uint64_t max, uint64_t *out, const char *expect)
{
	char *text = xml_text(n, p->d);
	if (!text)
		return false;
	uint64_t v = 0;
	bool ok = parse_decimal(text, &v);
	bool digits = *text && strspn(text, "0123456789") == strlen(text);
	if (!ok && digits) /* decimal, only too large for 64 bits */
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s is out of range; expected %s", text, expect);
	else if (!ok)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "'%s' is not a decimal number; expected %s", text,
			   expect);
	else if (v < min || v > max)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s is out of range; expected %s", text, expect);
	free(text);
	if (!ok || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool attr_decimal(struct parser *p, const xmlNode *n, const char *name,
		  uint64_t min, uint64_t max, uint64_t *out)
{
	const char *s = xml_attr(n, name);
	if (!s)
		return false;
	uint64_t v;
	if (!parse_decimal(s, &v) || v < min || v > max) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%s' is not valid; expected a decimal number from %llu to %llu",
			   name, s, (unsigned long long)min,
			   (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

static enum tristate attr_two(struct parser *p, const xmlNode *n,
			      const char *name, const char *on,
			      const char *off)
{
	const char *s = xml_attr(n, name);
	if (!s)
		return TRI_DEFAULT;
	if (strcmp(s, on) == 0)
		return TRI_ON;
	if (strcmp(s, off) == 0)
		return TRI_OFF;
	diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
		   "%s='%s' is not valid; expected '%s' or '%s'", name, s, on,
		   off);
	return TRI_DEFAULT;
}

enum tristate attr_yesno(struct parser *p, const xmlNode *n, const char *name)
{
	return attr_two(p, n, name, "yes", "no");
}

enum tristate attr_onoff(struct parser *p, const xmlNode *n, const char *name)
{
	return attr_two(p, n, name, "on", "off");
}

int attr_choice(struct parser *p, const xmlNode *n, const char *name,
		const char *const *choices)
{
	const char *s = xml_attr(n, name);
	if (!s)
		return -1;
	int found = list_index(s, choices);
	if (found >= 0)
		return found;
	char list[512] = "";
	size_t at = 0;
	for (int i = 0; choices[i] && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s'%s'",
				       i ? ", " : "", choices[i]);
	diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
		   "%s='%s' is not valid; expected one of %s", name, s, list);
	return -2;
}

const char *attr_required(struct parser *p, const xmlNode *n, const char *name)
{
	const char *s = xml_attr(n, name);
	if (!s)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "the attribute %s= is missing", name);
	return s;
}

int list_index(const char *s, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return i;
	return -1;
}

bool in_list(const char *s, const char *const *list)
{
	return list_index(s, list) >= 0;
}

/* Every attribute of N must be in KNOWN; others are refused by name (69,
 * and the element is read without them, to find more refusals), or
 * dropped with a warning under --ignore-unsupported. */
bool known_attrs(struct parser *p, const xmlNode *n,
		      const char *const *known)
{
	xmlAttr *next;
	for (xmlAttr *a = n->properties; a && !diag_failed(p->d); a = next) {
		next = a->next;
		const char *name = (const char *)a->name;
		if (in_list(name, known))
			continue;
		if (p->opts->ignore_unsupported) {
			diag_warn(p->d, xml_line(n), XML_TAG(n),
				  "attribute %s= dropped (--ignore-unsupported)", name);
			/* Dropped from the tree itself: a reader that reads more
			 * names than this KNOWN list (one list per type, say)
			 * must not find it. */
			xmlRemoveProp(a);
		} else
			diag_refuse(p->d, xml_line(n), XML_TAG(n),
				    "attribute %s= is not supported by sevqemu (--ignore-unsupported drops it with a warning)",
				    name);
	}
	return !diag_failed(p->d);
}

bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

void duplicate(struct parser *p, const xmlNode *n)
{
	diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
		   "appears twice; expected at most one");
}

bool text_once(struct parser *p, const xmlNode *n, char **slot)
{
	if (*slot) {
		duplicate(p, n);
		return false;
	}
	*slot = xml_text(n, p->d);
	return *slot != NULL;
}

void unsupported(struct parser *p, const xmlNode *n, const char *why)
{
	if (p->opts->ignore_unsupported) {
		diag_warn(p->d, xml_line(n), XML_TAG(n),
			  "dropped (--ignore-unsupported)%s%s",
			  why ? ": " : "", why ? why : "");
		return;
	}
	diag_refuse(p->d, xml_line(n), XML_TAG(n),
		    "%s%s(--ignore-unsupported drops it with a warning)",
		    why ? why : "not supported by sevqemu", why ? " " : " ");
}

void refuse(struct parser *p, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = xvasprintf(fmt, ap);
	va_end(ap);
	unsupported(p, n, why);
	free(why);
}

void ignored(struct parser *p, const xmlNode *n)
{
	diag_note(p->d, xml_line(n), XML_TAG(n),
		  "ignored: host-side data with no QEMU argument");
}

void unexpected(struct parser *p, const xmlNode *n, const xmlNode *parent,
		const char *expected)
{
	diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
		   "unexpected inside %s; expected %s", XML_TAG(parent),
		   expected);
}

/* A number as libvirt reads one (base 0): 0x… hex, else decimal. */
bool attr_number(struct parser *p, const xmlNode *n, const char *name,
		 uint64_t max, unsigned *out, bool required)
{
	const char *s = xml_attr(n, name);
	if (!s) {
		if (required)
			attr_required(p, n, name);
		return !required;
	}
	uint64_t v;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (!(hex ? parse_hex(s + 2, &v) && s[2] : parse_decimal(s, &v)) || v > max) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%s' is not valid; expected a number from 0 to %#llx",
			   name, s, (unsigned long long)max);
		return false;
	}
	*out = (unsigned)v;
	return true;
}
