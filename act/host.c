#include "act/host.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "lib/xalloc.h"

void host_read_cpuid(struct host_facts *h)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned eax, ebx, ecx, edx;
	if (__get_cpuid_max(0x80000000, NULL) < 0x8000001f)
		return;
	__cpuid(0x8000001f, eax, ebx, ecx, edx);
	(void)ecx;
	(void)edx;
	h->have_cpuid = true;
	h->eax = eax;
	h->ebx = ebx;
#else
	(void)h;
#endif
}

bool host_parse_cpuid(const char *s, struct host_facts *h)
{
	char *end;
	unsigned long eax = strtoul(s, &end, 16);
	if (end == s || *end != ':')
		return false;
	const char *rest = end + 1;
	unsigned long ebx = strtoul(rest, &end, 16);
	if (end == rest || *end)
		return false;
	h->have_cpuid = true;
	h->eax = (uint32_t)eax;
	h->ebx = (uint32_t)ebx;
	return true;
}

bool host_cbitpos(const struct host_facts *h, unsigned *cbitpos)
{
	if (!h->have_cpuid || !(h->eax & CPUID_SEV))
		return false;
	/* EBX[5:0]; EBX[11:6] is the host's own reduction, not the guest's. */
	*cbitpos = h->ebx & 0x3f;
	return true;
}

char *host_find_in_path(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	/* An empty PATH entry means the current directory; a relative one is
	 * relative to it.  As root, where the command is run from must not
	 * choose what root runs: such entries are skipped. */
	bool root = geteuid() == 0;
	for (const char *p = path;; ) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		if (!root || (len && p[0] == '/')) {
			char *candidate = len ? xasprintf("%.*s/%s", (int)len, p, name)
					      : xasprintf("./%s", name);
			if (access(candidate, X_OK) == 0)
				return candidate;
			free(candidate);
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	return NULL;
}
