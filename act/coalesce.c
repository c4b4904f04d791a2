/* A tap's receive coalescing, set before QEMU starts: see coalesce.h. */
#include "act/coalesce.h"

#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "lib/xalloc.h"

/* The SIOCETHTOOL request DATA (its first word the command) on the
 * interface IFNAME; 0 or the errno.  Any socket reaches the device. */
static int ethtool(int fd, const char *ifname, void *data)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	/* parse/interface.c keeps <target dev> within IFNAMSIZ */
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr) == 0 ? 0 : errno;
}

static int control_socket(struct diag *d)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		diag_path_error(d, EXIT_OSERR, NULL,
				"cannot open a socket to set the taps' coalescing: %s",
				strerror(errno));
	return fd;
}

/* Whether this process may set coalescing, which the kernel allows only
 * with CAP_NET_ADMIN; when it cannot tell, the ioctl will. */
static bool has_net_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
	memset(caps, 0, sizeof(caps));
	if (syscall(SYS_capget, &h, caps) != 0)
		return true;
	return (caps[CAP_NET_ADMIN / 32].effective >> (CAP_NET_ADMIN % 32)) & 1;
}

/* A check that failed: 69, or in a dry run a warning that says so. */
static void refuse_host(struct diag *d, bool dry_run, const struct interface *net,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void refuse_host(struct diag *d, bool dry_run, const struct interface *net,
			const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = xvasprintf(fmt, ap);
	va_end(ap);
	if (dry_run)
		diag_warn(d, net->coalesce_line, "<coalesce>",
			  "%s; a real run would exit 69", why);
	else
		diag_error(d, EXIT_UNAVAILABLE, net->coalesce_line, "<coalesce>",
			   "%s", why);
	free(why);
}

/* One tap: there, a tun/tap device, and with coalescing in its driver. */
static bool check_tap(int fd, const struct interface *net, bool dry_run,
		      struct diag *d)
{
	const char *tap = net->tap;
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	int err = ethtool(fd, tap, &info);
	if (err == ENODEV) {
		refuse_host(d, dry_run, net,
			    "tap '%s' does not exist; its coalescing is set before QEMU starts, so the tap must be made beforehand: ip tuntap add dev %s mode tap",
			    tap, tap);
		return false;
	}
	if (err && err != EOPNOTSUPP) {
		refuse_host(d, dry_run, net, "cannot read the driver of '%s': %s",
			    tap, strerror(err));
		return false;
	}
	info.driver[sizeof(info.driver) - 1] = '\0';
	/* Never another device: the XML names it, and a host NIC's coalescing
	 * is the host's business.  (The loopback has no driver to tell.) */
	if (err || strcmp(info.driver, "tun") != 0) {
		char what[64];
		snprintf(what, sizeof(what), err || !*info.driver ? "a device without a driver name"
			 : "a %s device", info.driver);
		refuse_host(d, dry_run, net,
			    "'%s' is %s, not a tap; sevqemu sets coalescing on taps only; expected <target dev> naming a tap (ip tuntap add dev NAME mode tap)",
			    tap, what);
		return false;
	}
	struct ethtool_coalesce c = { .cmd = ETHTOOL_GCOALESCE };
	err = ethtool(fd, tap, &c);
	if (err == EOPNOTSUPP)
		refuse_host(d, dry_run, net,
			    "this kernel's tun driver has no coalescing (Linux 4.11 added it), so tap '%s' cannot take rx-frames; expected no <coalesce>",
			    tap);
	else if (err)
		refuse_host(d, dry_run, net, "cannot read the coalescing of tap '%s': %s",
			    tap, strerror(err));
	return err == 0;
}

bool coalesce_check(const struct domain *dom, bool dry_run, struct diag *d)
{
	int fd = -1;
	bool taps_ok = true;
	const struct interface *first = NULL;
	for (size_t i = 0; i < dom->ninterfaces && taps_ok; i++) {
		const struct interface *net = &dom->interfaces[i];
		if (!net->coalesce)
			continue;
		if (fd < 0 && (fd = control_socket(d)) < 0)
			return false;
		first = first ? first : net;
		taps_ok = check_tap(fd, net, dry_run, d);
	}
	if (fd >= 0)
		close(fd);
	/* Last: the taps are read without privilege, so what is said of them
	 * does not depend on who runs sevqemu. */
	if (taps_ok && first && !has_net_admin()) {
		refuse_host(d, dry_run, first,
			    "setting the coalescing of tap '%s' needs CAP_NET_ADMIN, which this process lacks; expected sevqemu run as root (or with CAP_NET_ADMIN)",
			    first->tap);
		taps_ok = false;
	}
	return taps_ok || dry_run;
}

void coalesce_describe(FILE *out, const struct domain *dom)
{
	for (size_t i = 0; i < dom->ninterfaces; i++) {
		const struct interface *net = &dom->interfaces[i];
		if (net->coalesce)
			fprintf(out, "sevqemu: would set rx-frames %u on tap %s (as ethtool -C %s rx-frames %u)\n",
				net->coalesce_frames, net->tap, net->tap,
				net->coalesce_frames);
	}
}

/* Reads tap TAP's coalescing, sets rx-frames to FRAMES (the rest as it
 * was, as ethtool -C does); *PREVIOUS: its value before.  0 or the errno. */
static int set_frames(int fd, const char *tap, uint32_t frames, uint32_t *previous)
{
	struct ethtool_coalesce c = { .cmd = ETHTOOL_GCOALESCE };
	int err = ethtool(fd, tap, &c);
	if (err)
		return err;
	*previous = c.rx_max_coalesced_frames;
	c.cmd = ETHTOOL_SCOALESCE;
	c.rx_max_coalesced_frames = frames;
	return ethtool(fd, tap, &c);
}

bool coalesce_apply(const struct domain *dom, struct coalesce_undo *u,
		    struct diag *d)
{
	int fd = -1;
	for (size_t i = 0; i < dom->ninterfaces; i++) {
		const struct interface *net = &dom->interfaces[i];
		if (!net->coalesce)
			continue;
		if (fd < 0 && (fd = control_socket(d)) < 0)
			return false;
		uint32_t previous = 0;
		int err = set_frames(fd, net->tap, net->coalesce_frames, &previous);
		if (err) {
			diag_error(d, EXIT_OSERR, net->coalesce_line, "<coalesce>",
				   "cannot set rx-frames %u on tap '%s': %s; the taps set before it are put back, and the files this run wrote removed",
				   net->coalesce_frames, net->tap, strerror(err));
			close(fd);
			return false;
		}
		u->taps = xreallocarray(u->taps, u->n + 1, sizeof(*u->taps));
		u->previous = xreallocarray(u->previous, u->n + 1, sizeof(*u->previous));
		u->taps[u->n] = net->tap;
		u->previous[u->n++] = previous;
		/* The tun driver batches at most 64 frames (NAPI_POLL_WEIGHT) and
		 * takes a larger value as that: say what the tap has. */
		struct ethtool_coalesce now = { .cmd = ETHTOOL_GCOALESCE };
		if (ethtool(fd, net->tap, &now) == 0 &&
		    now.rx_max_coalesced_frames != net->coalesce_frames)
			diag_warn(d, net->coalesce_line, "<coalesce>",
				  "tap '%s' took rx-frames %u, not %u: the most its driver batches",
				  net->tap, now.rx_max_coalesced_frames,
				  net->coalesce_frames);
		else
			diag_note(d, net->coalesce_line, "<coalesce>",
				  "set rx-frames %u on tap '%s' (it had %u)",
				  net->coalesce_frames, net->tap, previous);
	}
	if (fd >= 0)
		close(fd);
	return true;
}

void coalesce_finish(struct coalesce_undo *u, bool restore, struct diag *d)
{
	int fd = restore && u->n ? socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1;
	/* Backwards: a tap named twice gets its first value back last. */
	for (size_t i = u->n; restore && i-- > 0;) {
		uint32_t ignored;
		int err = fd < 0 ? errno : set_frames(fd, u->taps[i], u->previous[i], &ignored);
		if (err)
			diag_path_warn(d, NULL, "could not put back rx-frames %u on tap '%s': %s",
				       u->previous[i], u->taps[i], strerror(err));
		else
			diag_path_note(d, NULL, "put back rx-frames %u on tap '%s'",
				       u->previous[i], u->taps[i]);
	}
	if (fd >= 0)
		close(fd);
	free(u->taps);
	free(u->previous);
	u->taps = NULL;
	u->previous = NULL;
	u->n = 0;
}
