/* <serial>, <console>, <channel>. */
#include <stdlib.h>

#include "parser.h"

void parse_chardev(struct parser *p, const xmlNode *n)
{
	unsupported(p, n, NULL);
}

void check_chardevs(struct parser *p)
{
	(void)p;
}

void free_chardevs(struct domain *d)
{
	(void)d;
}
