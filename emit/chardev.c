/* Serial ports, consoles and channels: -chardev and their devices. */
#include "build.h"

void build_chardevs(struct build *b)
{
	(void)b;
}
