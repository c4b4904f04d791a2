/* <devices>: each child is parsed by its kind, or refused by name. */
#include <string.h>

#include "parse/parser.h"

static void parse_emulator(struct parser *p, const xmlNode *n)
{
	if (!text_once(p, n, &p->dom->emulator))
		return;
	p->dom->emulator_line = xml_line(n);
	if (!*p->dom->emulator)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "is empty; expected the QEMU binary, e.g. /usr/bin/qemu-system-x86_64");
}

void parse_devices(struct parser *p, const xmlNode *n)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "emulator"))
			parse_emulator(p, c);
		else if (xml_is(c, "disk"))
			parse_disk(p, c);
		else if (xml_is(c, "controller"))
			parse_controller(p, c);
		else if (xml_is(c, "interface"))
			parse_interface(p, c);
		else if (xml_is(c, "serial") || xml_is(c, "console") ||
			 xml_is(c, "channel"))
			parse_chardev(p, c);
		else if (xml_is(c, "vsock") || xml_is(c, "graphics") ||
			 xml_is(c, "video") || xml_is(c, "input") ||
			 xml_is(c, "memballoon") || xml_is(c, "rng") ||
			 xml_is(c, "watchdog") || xml_is(c, "panic") ||
			 xml_is(c, "audio"))
			parse_misc_device(p, c);
		else
			unsupported(p, c, NULL);
	}
}
