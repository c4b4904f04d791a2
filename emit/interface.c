/* Network interfaces: -netdev and the NIC. */
#include "build.h"

void build_interfaces(struct build *b)
{
	(void)b;
}
