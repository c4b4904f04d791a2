/*
 * network: the bridge of each <interface type='network'>, as libvirt's
 * network driver would attach it — from --network-bridge NAME=BRIDGE, else
 * from the network's definition (NAME.xml in /etc/libvirt/qemu/networks or
 * --network-dir).
 */
#ifndef SEVQEMU_NETWORK_H
#define SEVQEMU_NETWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "emit/facts.h"
#include "lib/diag.h"
#include "parse/domain.h"

#define NETWORK_DIR "/etc/libvirt/qemu/networks"

struct network_options {
	const char **maps;         /* "NAME=BRIDGE", from --network-bridge */
	size_t nmaps, maps_alloc;
	const char *dir;           /* --network-dir, or NULL: NETWORK_DIR */
};

/* Adds --network-bridge ARG; false when ARG is not NAME=BRIDGE (a name
 * without '/', an interface name of 1 to 15 characters without '/'). */
bool network_map_add(struct network_options *o, const char *arg);
void network_options_release(struct network_options *o);

/* Fills HOST->network_bridges, one per interface (NULL: not type='network');
 * false after reporting why a network has no bridge (69) or its
 * definition is wrong (65). */
bool network_bridges_resolve(const struct domain *dom,
			     const struct network_options *o,
			     struct host_facts *host, struct diag *d);

#endif
