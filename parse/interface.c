/* <interface>: user, bridge, ethernet (tap). */
#include <stdlib.h>

#include "parser.h"

void parse_interface(struct parser *p, const xmlNode *n)
{
	unsupported(p, n, NULL);
}

void check_interfaces(struct parser *p)
{
	(void)p;
}

void free_interfaces(struct domain *d)
{
	(void)d;
}
