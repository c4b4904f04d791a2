/* <interface> types that need no bridge: QEMU's socket netdevs (mcast,
 * server, client, udp) and vhost-user; and what any NIC may add: <mtu>,
 * <tune><sndbuf>, an ethernet tap's <script>/<downscript> and <coalesce>
 * (which act/coalesce.c sets on the tap).  Traffic shaping (<bandwidth>)
 * is refused with the reason. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "parse/parser.h"

bool interface_socket_type(const char *type, enum net_type *t)
{
	static const char *const types[] = { "mcast", "server", "client", "udp", "vhostuser", NULL };
	int i = list_index(type, types);
	if (i >= 0)
		*t = (enum net_type)(NET_MCAST + i);
	return i >= 0;
}

/* address= and port= of a socket netdev's <source> or udp's <local>. */
static bool address_port(struct parser *p, const xmlNode *n, char **address,
			 char **port)
{
	static const char *const known[] = { "address", "port", NULL };
	uint64_t v;
	if (!known_attrs(p, n, known) || !attr_required(p, n, "port") ||
	    !attr_decimal(p, n, "port", 1, 65535, &v))
		return false;
	const char *a = xml_attr(n, "address");
	*address = xstrdup(a && *a ? a : "");
	*port = xstrdup(xml_attr(n, "port"));
	return true;
}

static void vhostuser_source(struct parser *p, const xmlNode *n, struct interface *net)
{
	static const char *const known[] = { "type", "path", "mode", NULL };
	static const char *const modes[] = { "server", "client", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "path"))
		return;
	const char *type = xml_attr(n, "type");
	if (type && strcmp(type, "unix") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='%s' is not valid; expected type='unix'", type);
		return;
	}
	int mode = attr_choice(p, n, "mode", modes);
	if (mode == -2 || !*xml_attr(n, "path"))
		return;
	net->socket = xstrdup(xml_attr(n, "path"));
	net->socket_server = mode == 0;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "reconnect"))
			refuse(p, c, "is not translated for vhost-user sockets");
		else
			unexpected(p, c, n, "nothing");
	}
}

void parse_net_socket_source(struct parser *p, const xmlNode *n, struct interface *net)
{
	if (net->address || net->socket) {
		duplicate(p, n);
		return;
	}
	if (net->type == NET_VHOSTUSER) {
		vhostuser_source(p, n, net);
		return;
	}
	if (!address_port(p, n, &net->address, &net->port))
		return;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "local") && net->type == NET_UDP && !net->local_port)
			address_port(p, c, &net->local_address, &net->local_port);
		else
			unexpected(p, c, n, net->type == NET_UDP ? "one <local address port/>" : "nothing");
	}
	if (diag_failed(p->d))
		return;
	if (net->type == NET_MCAST && !*net->address)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no address=; expected the multicast group, e.g. 230.0.0.1");
	else if (net->type == NET_UDP && (!*net->address || !net->local_port))
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "a udp interface needs the peer's address= and a <local address port/>");
}

static void parse_script(struct parser *p, const xmlNode *c, struct interface *net)
{
	static const char *const known[] = { "path", NULL };
	char **slot = xml_is(c, "script") ? &net->script : &net->downscript;
	if (net->type != NET_ETHERNET) {
		refuse(p, c, "is translated for type='ethernet' taps only");
		return;
	}
	if (*slot) {
		duplicate(p, c);
		return;
	}
	const char *path = known_attrs(p, c, known) ? attr_required(p, c, "path") : NULL;
	if (path && !*path)
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "path='' is empty; expected the script QEMU runs for the tap");
	else if (path)
		*slot = xstrdup(path);
}

static void parse_tune(struct parser *p, const xmlNode *n, struct interface *net)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (!xml_is(c, "sndbuf")) {
			unexpected(p, c, n, "<sndbuf>");
		} else if (net->type == NET_BRIDGE || net->type == NET_NETWORK) {
			refuse(p, c, "QEMU's bridge netdev, which makes the tap for type='bridge' and 'network', has no sndbuf; expected type='ethernet' on a tap you add to the bridge");
		} else if (net->type != NET_ETHERNET) {
			/* libvirt writes sndbuf= on tap netdevs only. */
			diag_warn(p->d, xml_line(c), XML_TAG(c),
				  "ignored, as libvirt ignores it: a tap's send buffer, and this interface has no tap");
		} else {
			text_decimal(p, c, 1, UINT32_MAX, &net->sndbuf,
				     "a size in bytes from 1 to 4294967295");
		}
	}
}

/* <ip> of a user-mode network: the guest's network (libvirt's net= and
 * ipv6-prefix=); elsewhere an address libvirt sets on the host side. */
static void parse_user_ip(struct parser *p, const xmlNode *n, struct interface *net)
{
	static const char *const known[] = { "address", "family", "prefix", NULL };
	static const char *const families[] = { "ipv4", "ipv6", NULL };
	if (net->type != NET_USER) {
		refuse(p, n, "is an address libvirt configures on the host's side of the interface; expected it only on type='user', where it is the guest's network");
		return;
	}
	if (!known_attrs(p, n, known))
		return;
	const char *addr = attr_required(p, n, "address");
	int family = attr_choice(p, n, "family", families);
	if (!addr || family == -2)
		return;
	unsigned char buf[16];
	bool v6 = family == 1 || (family == -1 && strchr(addr, ':'));
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) != 1) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "address='%s' is not an %s address; expected e.g. %s", addr,
			   v6 ? "IPv6" : "IPv4", v6 ? "2001:db8:ac10:fd01::" : "172.17.2.0");
		return;
	}
	char **slot = v6 ? &net->user_ipv6 : &net->user_net;
	if (*slot) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "a second %s address; expected one <ip> per family on a user-mode network",
			   v6 ? "IPv6" : "IPv4");
		return;
	}
	uint64_t prefix = 0;
	/* QEMU's slirp: an IPv4 netmask of 4 to 32 bits, which libvirt caps at
	 * 27 to leave room for DHCP; an IPv6 prefix of at most 126. */
	if (xml_attr(n, "prefix") &&
	    !attr_decimal(p, n, "prefix", v6 ? 1 : 4, v6 ? 126 : 27, &prefix))
		return;
	if (v6) {
		*slot = xstrdup(addr);
		net->user_ipv6_len = (unsigned)prefix;
	} else {
		*slot = prefix ? xasprintf("%s/%u", addr, (unsigned)prefix) : xstrdup(addr);
	}
}

/* <backend tap= vhost=>: the device files libvirt opens for QEMU.  QEMU
 * 7.2 opens /dev/net/tun and /dev/vhost-net itself and takes no other
 * path (only descriptors, which need libvirt): those two are what it
 * does anyway, any other is refused. */
static void parse_backend(struct parser *p, const xmlNode *n, const struct interface *net)
{
	static const char *const known[] = { "tap", "vhost", NULL };
	static const char *const own[] = { "/dev/net/tun", "/dev/vhost-net" };
	if (!known_attrs(p, n, known))
		return;
	for (int i = 0; i < 2 && !diag_failed(p->d); i++) {
		const char *path = xml_attr(n, known[i]);
		if (!path)
			continue;
		if (net->type != NET_ETHERNET)
			refuse(p, n, "%s= is the device file libvirt opens for a tap it creates; expected it only on type='ethernet', where QEMU opens %s",
			       known[i], own[i]);
		else if (strcmp(path, own[i]) != 0)
			refuse(p, n, "%s='%s': QEMU 7.2 opens %s itself and takes no other path (libvirt passes it a descriptor); expected %s='%s' or none",
			       known[i], path, own[i], known[i], own[i]);
	}
}

/* The one <frames> of <coalesce><rx>, or NULL; reports anything else. */
static const xmlNode *coalesce_frames(struct parser *p, const xmlNode *n)
{
	static const char *const none[] = { NULL };
	static const char *const max[] = { "max", NULL };
	const xmlNode *frames = NULL;
	bool rx_seen = false;
	for (xmlNode *rx = xml_first_element(n); rx && !diag_failed(p->d);
	     rx = xml_next_element(rx)) {
		if (!xml_is(rx, "rx")) {
			/* libvirt's schema has only <rx> (its <tx> is commented out) */
			unexpected(p, rx, n, "<rx>");
			break;
		}
		if (rx_seen) {
			duplicate(p, rx);
			break;
		}
		rx_seen = true;
		if (!known_attrs(p, rx, none))
			break;
		for (xmlNode *c = xml_first_element(rx); c && !diag_failed(p->d);
		     c = xml_next_element(c)) {
			if (!xml_is(c, "frames"))
				unexpected(p, c, rx, "<frames max=.../>");
			else if (frames)
				duplicate(p, c);
			else if (known_attrs(p, c, max))
				frames = c;
		}
	}
	return diag_failed(p->d) ? NULL : frames;
}

/*
 * <coalesce><rx><frames max='N'/></rx></coalesce>: how many received frames
 * the host tap batches (ethtool's rx-frames; the tun driver's rx_batched).
 * As in libvirt, no max= (an empty <rx> or <frames>) sets nothing, on any
 * type.  Only a tap that exists before QEMU starts can be set: sevqemu has
 * ended, or become QEMU, by the time QEMU makes one (act/launch.h).  libvirt
 * sets it on the taps it makes for type='network' and 'bridge' and refuses
 * it elsewhere; sevqemu sets it instead on the tap a type='ethernet' names
 * (check_interface_coalesce, after all the children: <target dev> may
 * come later).
 */
static void parse_coalesce(struct parser *p, const xmlNode *n, struct interface *net)
{
	static const char *const none[] = { NULL };
	if (net->coalesce_line) {
		duplicate(p, n);
		return;
	}
	net->coalesce_line = xml_line(n);
	const xmlNode *frames = known_attrs(p, n, none) ? coalesce_frames(p, n) : NULL;
	uint64_t v;
	if (diag_failed(p->d))
		return;
	if (!frames || !xml_attr(frames, "max")) {
		diag_note(p->d, xml_line(n), XML_TAG(n),
			  "no <rx><frames max=...>: nothing to set, as libvirt sets nothing");
		return;
	}
	if (!attr_decimal(p, frames, "max", 0, UINT32_MAX, &v))
		return;
	if (net->type == NET_BRIDGE || net->type == NET_NETWORK)
		refuse(p, n, "is set on the host tap, and for type='%s' QEMU's bridge helper creates that tap only when QEMU starts, once sevqemu has printed the command line or become QEMU: there is no tap to set before the guest runs; expected type='ethernet' with <target dev> naming a tap you create and add to the bridge (ip tuntap add dev tap0 mode tap; ip link set tap0 master br0)",
		       net->type == NET_BRIDGE ? "bridge" : "network");
	else if (net->type != NET_ETHERNET)
		refuse(p, n, "is set on a host tap, and this interface has none (libvirt refuses it too); expected it on type='ethernet' with <target dev>");
	else {
		net->coalesce = true;
		net->coalesce_frames = (unsigned)v;
	}
}

bool parse_interface_extra(struct parser *p, const xmlNode *c, struct interface *net)
{
	uint64_t v;
	if (xml_is(c, "mtu")) {
		static const char *const known[] = { "size", NULL };
		if (net->mtu)
			duplicate(p, c);
		else if (known_attrs(p, c, known) && attr_required(p, c, "size") &&
			 attr_decimal(p, c, "size", 68, 65535, &v))
			net->mtu = (unsigned)v;
	} else if (xml_is(c, "tune")) {
		parse_tune(p, c, net);
	} else if (xml_is(c, "backend")) {
		parse_backend(p, c, net);
	} else if (xml_is(c, "ip")) {
		parse_user_ip(p, c, net);
	} else if (xml_is(c, "script") || xml_is(c, "downscript")) {
		parse_script(p, c, net);
	} else if (xml_is(c, "bandwidth")) {
		refuse(p, c, "is traffic shaping on the host (tc on the tap or bridge), which libvirt sets up; shape the host interface with tc yourself");
	} else if (xml_is(c, "coalesce")) {
		parse_coalesce(p, c, net);
	} else {
		return false;
	}
	return true;
}

/* A type='ethernet' <coalesce> needs the tap to exist before QEMU starts:
 * one named by <target dev>, which may come after <coalesce>. */
void check_interface_coalesce(struct parser *p, struct interface *net)
{
	if (!net->coalesce || net->tap)
		return;
	static const char why[] = "is set on the host tap before QEMU starts, and without <target dev> QEMU creates the tap itself when it starts, once sevqemu has ended; expected <target dev='tap0' managed='no'/> naming a tap made beforehand (ip tuntap add dev tap0 mode tap), or the setting in the <script> QEMU runs on the new tap (ethtool -C \"$1\" rx-frames N)";
	net->coalesce = false;
	if (p->opts->ignore_unsupported)
		diag_warn(p->d, net->coalesce_line, "<coalesce>",
			  "dropped (--ignore-unsupported): %s", why);
	else
		diag_refuse(p->d, net->coalesce_line, "<coalesce>",
			    "%s (--ignore-unsupported drops it with a warning)", why);
}

/* What the socket and vhost-user types need of the rest of the guest. */
void check_interface_socket(struct parser *p, const struct interface *net)
{
	const char *tag = "<interface>";
	if (net->type >= NET_MCAST && net->type <= NET_UDP && !net->port)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "has no <source address port/>; expected the socket to use");
	else if (net->type == NET_VHOSTUSER && !net->socket)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "type='vhostuser' has no <source type='unix' path=... mode=.../>");
	else if (net->type == NET_VHOSTUSER && net->model != NIC_VIRTIO)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "vhost-user serves virtio NICs only; expected <model type='virtio'/>");
	else if (net->type == NET_VHOSTUSER && p->dom->memory_backing.shared != TRI_ON)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "vhost-user needs guest memory shared with its backend; expected <memoryBacking><access mode='shared'/> (and a memfd or hugepage source)");
	else if (net->mtu && net->model != NIC_VIRTIO)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "<mtu> tells a virtio NIC the host's MTU; expected <model type='virtio'/>");
}

void free_interface_socket(struct interface *net)
{
	free(net->address);
	free(net->port);
	free(net->local_address);
	free(net->local_port);
	free(net->socket);
	free(net->script);
	free(net->downscript);
	free(net->user_net);
	free(net->user_ipv6);
}
