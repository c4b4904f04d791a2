#include "act/host.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "lib/xalloc.h"

void host_read_cpuid(struct sev_cpuid *h)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned eax, ebx, ecx, edx;
	if ((unsigned)__get_cpuid_max(0x80000000, NULL) < 0x8000001fu)
		return;
	__cpuid(0x8000001f, eax, ebx, ecx, edx);
	(void)ecx;
	(void)edx;
	h->have = true;
	h->eax = eax;
	h->ebx = ebx;
#else
	(void)h;
#endif
}

bool host_parse_cpuid(const char *s, struct sev_cpuid *h)
{
	char *end;
	unsigned long eax = strtoul(s, &end, 16);
	if (end == s || *end != ':')
		return false;
	const char *rest = end + 1;
	unsigned long ebx = strtoul(rest, &end, 16);
	if (end == rest || *end)
		return false;
	h->have = true;
	h->eax = (uint32_t)eax;
	h->ebx = (uint32_t)ebx;
	return true;
}

bool host_cbitpos(const struct sev_cpuid *h, unsigned *cbitpos)
{
	if (!h->have || !(h->eax & CPUID_SEV))
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

char *host_choose_emulator(const struct domain *dom, const char *given,
			   bool exec, struct diag *d)
{
	const char *named = given ? given : dom->emulator;
	if (named) {
		char *resolved = host_find_in_path(named);
		if (resolved)
			return resolved;
		if (!exec)
			diag_note(d, 0, NULL, "emulator %s is not on this machine", named);
		else if (given)
			diag_path_error(d, EXIT_UNAVAILABLE, given,
					"emulator not found or not executable");
		else
			diag_error(d, EXIT_UNAVAILABLE, dom->emulator_line,
				   "<emulator>", "%s is not there or not executable; install QEMU or pass --emulator PATH",
				   named);
		return exec ? NULL : xstrdup(named);
	}
	/* libvirt's default emulator for the guest's arch. */
	const char *name = dom->os.i686 ? "qemu-system-i386" : "qemu-system-x86_64";
	char *found = host_find_in_path(name);
	if (found) {
		diag_note(d, 0, NULL, "emulator: %s (from PATH)", found);
		return found;
	}
	if (exec) {
		diag_path_error(d, EXIT_UNAVAILABLE, NULL,
				"%s is not in PATH; install QEMU or pass --emulator PATH", name);
		return NULL;
	}
	diag_path_warn(d, NULL,
		       "%s is not in PATH; the command names it bare", name);
	return xstrdup(name);
}

void host_facts_release(struct host_facts *facts)
{
	free(facts->emulator);
	free(facts->swtpm);
	free(facts->swtpm_setup);
	free(facts->virtiofsd);
	free(facts->vhost_user_gpu);
	free(facts->pr_helper);
	free(facts->dbus_daemon);
	free(facts->state_dir.path);
	free(facts->state_dir.problem);
	for (size_t i = 0; i < facts->nnetwork_bridges; i++)
		free(facts->network_bridges[i]);
	free(facts->network_bridges);
	memset(facts, 0, sizeof(*facts));
}

/* Whether PORT can be bound on FAMILY's any-address (a family the host
 * lacks counts as free). */
static bool port_free(int family, unsigned port)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	int rc;
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
					  .sin6_port = htons((uint16_t)port),
					  .sin6_addr = IN6ADDR_ANY_INIT };
		rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons((uint16_t)port),
					 .sin_addr.s_addr = htonl(INADDR_ANY) };
		rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	}
	int err = errno;
	close(fd);
	return rc == 0 || err != EADDRINUSE;
}

unsigned host_free_port(unsigned from)
{
	for (unsigned port = from; port <= 65535; port++)
		if (port_free(AF_INET, port) && port_free(AF_INET6, port))
			return port;
	return 0;
}
