/* Network interfaces: a -netdev backend (user, bridge or tap) and the NIC
 * on its own PCI(e) slot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

static const char *const nic_drivers[] = {
	[NIC_VIRTIO] = "virtio-net-pci",
	[NIC_E1000] = "e1000",
	[NIC_E1000E] = "e1000e",
	[NIC_RTL8139] = "rtl8139",
	[NIC_USB] = "usb-net",
	[NIC_VMXNET3] = "vmxnet3",
	[NIC_NE2K_PCI] = "ne2k_pci",
	[NIC_PCNET] = "pcnet",
};

/* HOST:PORT of a socket netdev; an empty host is every address. */
static char *host_port(const char *host, const char *port)
{
	return strchr(host, ':') ? xasprintf("[%s]:%s", host, port)
				 : xasprintf("%s:%s", host, port);
}

/* QEMU's socket netdev (mcast, listen, connect, udp), or vhost-user over
 * a unix socket chardev, as libvirt writes them. */
static void socket_netdev(struct build *b, const struct interface *net,
			  const char *id)
{
	struct keyval kv;
	if (net->type == NET_VHOSTUSER) {
		char chr[32];
		snprintf(chr, sizeof(chr), "char%s", id);
		kv_begin(&kv, "socket");
		kv_str(&kv, "id", chr);
		kv_str(&kv, "path", net->socket);
		if (net->socket_server) {
			kv_bool(&kv, "server", true);
			kv_bool(&kv, "wait", false);
		}
		kv_push(&kv, b->argv, "-chardev");
		kv_begin(&kv, "vhost-user");
		kv_str(&kv, "chardev", chr);
		kv_str(&kv, "id", id);
		kv_push(&kv, b->argv, "-netdev");
		return;
	}
	static const char *const keys[] = {
		[NET_MCAST] = "mcast", [NET_SERVER] = "listen",
		[NET_CLIENT] = "connect", [NET_UDP] = "udp",
	};
	kv_begin(&kv, "socket");
	kv_str(&kv, "id", id);
	char *peer = host_port(net->address, net->port);
	kv_str(&kv, keys[net->type], peer);
	free(peer);
	if (net->type == NET_UDP) {
		char *local = host_port(net->local_address, net->local_port);
		kv_str(&kv, "localaddr", local);
		free(local);
	}
	kv_push(&kv, b->argv, "-netdev");
}

static void build_netdev(struct build *b, const struct interface *net,
			 const char *id, unsigned i)
{
	struct keyval kv;
	switch (net->type) {
	case NET_USER:
		kv_begin(&kv, "user");
		if (net->user_net)
			kv_str(&kv, "net", net->user_net);
		if (net->user_ipv6)
			kv_str(&kv, "ipv6-prefix", net->user_ipv6);
		if (net->user_ipv6_len)
			kv_u64(&kv, "ipv6-prefixlen", net->user_ipv6_len);
		kv_str(&kv, "id", id);
		break;
	case NET_BRIDGE:
	case NET_NETWORK:
		/* QEMU's bridge helper creates the tap and adds it to the bridge
		 * (allowed by /etc/qemu/bridge.conf); a libvirt network's bridge
		 * was found by act/. */
		kv_begin(&kv, "bridge");
		kv_str(&kv, "id", id);
		kv_str(&kv, "br", net->type == NET_BRIDGE ? net->bridge
			       : b->host->network_bridges[i]);
		break;
	case NET_MCAST: case NET_SERVER: case NET_CLIENT: case NET_UDP:
	case NET_VHOSTUSER:
		socket_netdev(b, net, id);
		return;
	case NET_ETHERNET:
	default:
		kv_begin(&kv, "tap");
		kv_str(&kv, "id", id);
		if (net->tap) /* else QEMU creates one, as libvirt would */
			kv_str(&kv, "ifname", net->tap);
		kv_str(&kv, "script", net->script ? net->script : "no");
		kv_str(&kv, "downscript", net->downscript ? net->downscript : "no");
		if (net->sndbuf)
			kv_u64(&kv, "sndbuf", net->sndbuf);
		if (net->vhost)
			kv_bool(&kv, "vhost", true);
		if (net->queues > 1)
			kv_u64(&kv, "queues", net->queues);
		break;
	}
	kv_push(&kv, b->argv, "-netdev");
}

static void build_interface(struct build *b, const struct interface *net,
			    unsigned i)
{
	char netdev[24], id[24];
	snprintf(netdev, sizeof(netdev), "net%u", i);
	snprintf(id, sizeof(id), "nic%u", i);
	build_netdev(b, net, netdev, i);

	struct keyval kv;
	if (net->model == NIC_VIRTIO)
		virtio_begin(&kv, nic_drivers[net->model], &net->virtio);
	else
		kv_begin(&kv, nic_drivers[net->model]);
	char bus[24];
	if (net->model == NIC_USB) {
		kv_str(&kv, "bus", controller_bus(CTRL_USB, 0, bus, sizeof(bus)));
	} else if (!pci_place(b, &kv, net->line, "<interface>")) {
		kv_discard(&kv);
		return;
	}
	kv_str(&kv, "netdev", netdev);
	kv_str(&kv, "id", id);
	if (net->mac)
		kv_str(&kv, "mac", net->mac);
	if (net->rom_disabled)
		kv_str(&kv, "romfile", "");
	else if (net->rom_file)
		kv_str(&kv, "romfile", net->rom_file);
	if (net->rom_bar != TRI_DEFAULT)
		kv_u64(&kv, "rombar", net->rom_bar == TRI_ON);
	unsigned boot = boot_index_interface(&b->boot, net, i);
	if (boot)
		kv_u64(&kv, "bootindex", boot);
	if (net->mtu)
		kv_u64(&kv, "host_mtu", net->mtu);
	if (net->failover)
		kv_bool(&kv, "failover", true);
	if (net->model == NIC_VIRTIO) {
		if (net->queues > 1) {
			/* A receive and a transmit vector per queue pair, one for
			 * configuration changes, one for the control queue. */
			kv_bool(&kv, "mq", true);
			kv_u64(&kv, "vectors", 2 * (uint64_t)net->queues + 2);
		}
		virtio_options(b, &kv, &net->virtio, true);
	}
	build_push(b, &kv, "-device");
}

void build_interfaces(struct build *b)
{
	const struct domain *dom = b->dom;
	for (size_t i = 0; i < dom->ninterfaces && !diag_failed(b->d); i++)
		build_interface(b, &dom->interfaces[i], (unsigned)i);
}
