/* The other devices: vsock, graphics, video, input, balloon, rng,
 * watchdog, panic, audio. */
#include "build.h"

void build_display(struct build *b)
{
	/* No <graphics>: no window either. */
	if (!b->dom->misc.graphics.line)
		argv_pair(b->argv, "-display", "none");
}

void build_misc(struct build *b)
{
	(void)b;
}
