#include "parse/prescan.h"
#include "parse/xml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "lib/xalloc.h"

char *xml_slurp(const char *path, size_t *len, struct diag *d)
{
	return slurp_text(path, len, "a domain XML file", d);
}

char *slurp_text(const char *path, size_t *len, const char *what,
		 struct diag *d)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_path_error(d, EXIT_NOINPUT, path, "cannot open: %s",
				strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_path_error(d, EXIT_NOINPUT, name,
				"is a directory, expected %s", what);
		if (!is_stdin)
			close(fd);
		return NULL;
	}
	size_t cap = 64 * 1024, n = 0;
	char *buf = xmalloc(cap);
	bool ok = true;
	/* Past the cap by one byte is enough to know the input is too big. */
	while (n <= XML_INPUT_MAX) {
		if (n == cap - 1) {
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		ssize_t got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			diag_path_error(d, EXIT_NOINPUT, name, "cannot read: %s",
					strerror(errno));
			ok = false;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (!is_stdin)
		close(fd);
	if (ok && n > XML_INPUT_MAX) {
		diag_path_error(d, EXIT_DATAERR, name,
				"input is larger than %u MiB, the most sevqemu reads",
				XML_INPUT_MAX >> 20);
		ok = false;
	}
	if (!ok) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct parse_state {
	struct diag *d;
	bool doctype;
	unsigned doctype_line;
	bool have_error;
	bool oom;
	unsigned error_line;
	char error[256];
};

/* The parse in progress, for libxml2's handlers that get no context. */
static struct parse_state *current;

static void keep_error(struct parse_state *ps, const xmlError *err)
{
	if (ps->have_error || ps->oom || err->level < XML_ERR_ERROR)
		return; /* keep the first: later ones tend to follow from it */
	/* libxml2 also says "no memory" for a text node over its 10 MB limit. */
	if (err->code == XML_ERR_NO_MEMORY &&
	    !(err->message && strstr(err->message, "huge"))) {
		ps->oom = true;
		return;
	}
	ps->have_error = true;
	ps->error_line = err->line > 0 ? (unsigned)err->line : 0;
	snprintf(ps->error, sizeof(ps->error), "%s",
		 err->message ? err->message : "malformed XML");
	/* One line: libxml2 sometimes continues a message on a second. */
	for (char *c = ps->error; *c; c++)
		if (*c == '\n')
			*c = ' ';
	size_t l = strlen(ps->error);
	while (l && (ps->error[l - 1] == '\n' || ps->error[l - 1] == ' '))
		ps->error[--l] = '\0';
}

static void on_error(void *data, xmlErrorPtr err)
{
	keep_error(((xmlParserCtxtPtr)data)->_private, err);
}

/* Errors libxml2 raises outside a parser context (its dictionary, its
 * allocator): kept like the parser's, never printed by libxml2 itself. */
static void on_global_error(void *data, xmlErrorPtr err)
{
	(void)data;
	if (current)
		keep_error(current, err);
}

/* libxml2's printf-style channel ("error : out of memory error"): its text
 * never reaches stderr; what it says is kept, if a parse is running. */
static void on_generic(void *data, const char *fmt, ...)
{
	(void)data;
	if (!current)
		return;
	char text[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (strstr(text, "memory"))
		current->oom = true;
}

void xml_quiet(void)
{
	xmlSetGenericErrorFunc(NULL, on_generic);
	xmlSetStructuredErrorFunc(NULL, on_global_error);
}

/*
 * Called by the parser when it meets <!DOCTYPE.  A domain XML has no use for
 * one, and refusing it here stops entity declarations (XXE, billion laughs)
 * before they are even read.
 */
static void refuse_doctype(void *data, const xmlChar *name,
			   const xmlChar *external_id, const xmlChar *system_id)
{
	(void)name;
	(void)external_id;
	(void)system_id;
	xmlParserCtxtPtr ctxt = data;
	struct parse_state *ps = ctxt->_private;
	ps->doctype = true;
	ps->doctype_line = (unsigned)xmlSAX2GetLineNumber(ctxt);
	xmlStopParser(ctxt);
}

/* What libxml2 said, as the first error (or none). */
static void report(const struct parse_state *ps, const xmlDoc *doc,
		   struct diag *d)
{
	if (ps->oom)
		diag_path_error(d, EXIT_OSERR, NULL,
				"out of memory while reading the domain XML");
	else if (ps->doctype)
		diag_error(d, EXIT_DATAERR, ps->doctype_line, NULL,
			   "a DOCTYPE is not allowed: sevqemu expands no entities and loads no DTD");
	else if (ps->have_error || !doc)
		diag_error(d, EXIT_DATAERR, ps->error_line, NULL,
			   "XML syntax: %s",
			   ps->have_error ? ps->error : "malformed document");
	else if (doc->intSubset || doc->extSubset)
		diag_error(d, EXIT_DATAERR, 0, NULL, "a DOCTYPE is not allowed");
}

xmlDocPtr xml_parse(const char *buf, size_t len, struct diag *d)
{
	const char *nul = memchr(buf, '\0', len);
	if (nul) {
		unsigned line = 1;
		for (const char *p = buf; p < nul; p++)
			line += *p == '\n';
		diag_error(d, EXIT_DATAERR, line, NULL,
			   "input holds a NUL byte (offset %zu); a domain XML is text",
			   (size_t)(nul - buf));
		return NULL;
	}
	if (len == 0) {
		diag_error(d, EXIT_DATAERR, 0, NULL,
			   "input is empty, expected a <domain> document");
		return NULL;
	}
	if (!xml_prescan(buf, len, d))
		return NULL;
	xml_quiet();
	struct parse_state ps = { .d = d };
	current = &ps;
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		current = NULL;
		diag_path_error(d, EXIT_OSERR, NULL,
				"out of memory while reading the domain XML");
		return NULL;
	}
	ctxt->_private = &ps;
	ctxt->sax->internalSubset = refuse_doctype;
	ctxt->sax->serror = on_error;
	ctxt->sax->initialized = XML_SAX2_MAGIC;
	/* NOBLANKS and COMPACT: fewer, smaller nodes; white-space-only text
	 * means nothing in a domain XML. */
	int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA |
		      XML_PARSE_NOBLANKS | XML_PARSE_COMPACT;
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL,
					  options);
	report(&ps, doc, d);
	xmlFreeParserCtxt(ctxt);
	current = NULL;
	if (diag_failed(d)) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlNode *xml_first_element(const xmlNode *parent)
{
	xmlNode *n = parent->children;
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

xmlNode *xml_next_element(const xmlNode *n)
{
	n = n->next;
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return (xmlNode *)n;
}

bool xml_is(const xmlNode *n, const char *name)
{
	return n->ns == NULL && strcmp((const char *)n->name, name) == 0;
}

const char *xml_attr(const xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns || strcmp((const char *)a->name, name) != 0)
			continue;
		/* Without entity declarations a value is a single text node. */
		if (!a->children)
			return "";
		if (a->children->type == XML_TEXT_NODE && !a->children->next)
			return (const char *)a->children->content;
		return "";
	}
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *xml_text(const xmlNode *n, struct diag *d)
{
	const xmlNode *only = NULL;
	size_t total = 0, texts = 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			total += strlen((const char *)c->content);
			only = c;
			texts++;
		} else if (c->type == XML_ELEMENT_NODE) {
			diag_error(d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "unexpected inside %s, which holds only text",
				   XML_TAG(n));
			return NULL;
		}
	}
	char *joined;
	if (texts == 0) {
		joined = xstrdup("");
	} else if (texts == 1) {
		joined = xstrdup((const char *)only->content);
	} else {
		joined = xmalloc(total + 1);
		size_t at = 0;
		for (const xmlNode *c = n->children; c; c = c->next) {
			if (c->type != XML_TEXT_NODE &&
			    c->type != XML_CDATA_SECTION_NODE)
				continue;
			size_t l = strlen((const char *)c->content);
			memcpy(joined + at, c->content, l);
			at += l;
		}
		joined[at] = '\0';
	}
	size_t start = 0, end = strlen(joined);
	while (start < end && is_space(joined[start]))
		start++;
	while (end > start && is_space(joined[end - 1]))
		end--;
	if (start)
		memmove(joined, joined + start, end - start);
	joined[end - start] = '\0';
	return joined;
}

const char *xml_tag(const xmlNode *n, char *buf, size_t size)
{
	if (n->ns && n->ns->prefix)
		snprintf(buf, size, "<%s:%s>", n->ns->prefix, n->name);
	else
		snprintf(buf, size, "<%s>", n->name);
	return buf;
}
