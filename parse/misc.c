/* The other devices: vsock, graphics, video, input, balloon, rng, watchdog, panic, audio. */
#include <stdlib.h>

#include "parser.h"

void parse_misc_device(struct parser *p, const xmlNode *n)
{
	unsupported(p, n, NULL);
}

void check_misc(struct parser *p)
{
	(void)p;
}

void free_misc(struct domain *d)
{
	(void)d;
}
