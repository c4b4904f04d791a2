#include "act/network.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>

#include "lib/xalloc.h"
#include "parse/xml.h"

/* The bridge --network-bridge maps NAME to, or NULL. */
static const char *mapped(const struct network_options *o, const char *name)
{
	size_t len = strlen(name);
	const char *found = NULL;
	for (size_t i = 0; i < o->nmaps; i++)  /* the last one given wins */
		if (strncmp(o->maps[i], name, len) == 0 && o->maps[i][len] == '=')
			found = o->maps[i] + len + 1;
	return found;
}

/*
 * The bridge in a libvirt network definition: <bridge name=...> for the
 * modes that have one (none given: an isolated network; nat, route, open;
 * bridge with a host bridge).  Messages name the definition file.
 */
static char *definition_bridge(const xmlNode *root, struct diag *d)
{
	if (!xml_is(root, "network")) {
		diag_error(d, EXIT_DATAERR, xml_line(root), XML_TAG(root),
			   "is not a libvirt network definition; expected <network>");
		return NULL;
	}
	const char *mode = NULL, *bridge = NULL;
	for (xmlNode *c = xml_first_element(root); c; c = xml_next_element(c)) {
		if (xml_is(c, "forward"))
			mode = xml_attr(c, "mode") ? xml_attr(c, "mode") : "nat";
		else if (xml_is(c, "bridge"))
			bridge = xml_attr(c, "name");
	}
	static const char *const with_bridge[] = { "nat", "route", "open", "bridge", NULL };
	bool ok = !mode;
	for (size_t i = 0; mode && with_bridge[i]; i++)
		ok = ok || strcmp(mode, with_bridge[i]) == 0;
	if (!ok) {
		diag_error(d, EXIT_UNAVAILABLE, xml_line(root), XML_TAG(root),
			   "<forward mode='%s'> attaches guests to host devices (macvtap or hostdev), which sevqemu does not do; expected a network with a bridge",
			   mode);
		return NULL;
	}
	if (!bridge || !*bridge) {
		diag_error(d, EXIT_UNAVAILABLE, xml_line(root), XML_TAG(root),
			   "has no <bridge name=...>%s; expected the bridge its guests join (libvirt writes one when it defines the network)",
			   mode && strcmp(mode, "bridge") == 0 ? " (a macvtap network)" : "");
		return NULL;
	}
	return xstrdup(bridge);
}

/* The bridge of network NAME from DIR/NAME.xml; NULL after an error. */
static char *read_definition(const char *dir, const struct interface *net,
			     struct diag *d)
{
	char *path = xasprintf("%s/%s.xml", dir, net->network);
	struct stat st;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		diag_error(d, EXIT_UNAVAILABLE, net->line, "<interface>",
			   "type='network' network='%s': there is no %s and no --network-bridge %s=BRIDGE; expected one of them (or --network-dir DIR)",
			   net->network, path, net->network);
		free(path);
		return NULL;
	}
	/* While the definition is read, messages name it. */
	const char *domain_file = d->file;
	d->file = path;
	size_t len;
	char *buf = xml_slurp(path, &len, d);
	xmlDocPtr doc = buf ? xml_parse(buf, len, d) : NULL;
	free(buf);
	const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	char *bridge = root ? definition_bridge(root, d) : NULL;
	xmlFreeDoc(doc);
	d->file = domain_file;
	if (bridge)
		diag_note(d, net->line, "<interface>",
			  "network '%s': bridge %s, from %s", net->network, bridge, path);
	free(path);
	return bridge;
}

bool network_bridges_resolve(const struct domain *dom,
			     const struct network_options *o,
			     struct host_facts *host, struct diag *d)
{
	if (!dom->ninterfaces)
		return true;
	host->network_bridges = xcalloc(dom->ninterfaces, sizeof(char *));
	host->nnetwork_bridges = dom->ninterfaces;
	for (size_t i = 0; i < dom->ninterfaces && !diag_failed(d); i++) {
		const struct interface *net = &dom->interfaces[i];
		if (net->type != NET_NETWORK)
			continue;
		const char *map = mapped(o, net->network);
		host->network_bridges[i] = map ? xstrdup(map)
			: read_definition(o->dir ? o->dir : NETWORK_DIR, net, d);
	}
	return !diag_failed(d);
}

bool network_map_add(struct network_options *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || memchr(arg, '/', (size_t)(eq - arg)))
		return false;
	size_t blen = strlen(eq + 1);
	if (blen == 0 || blen > 15 || strchr(eq + 1, '/'))
		return false;
	XGROW(o->maps, o->nmaps, o->maps_alloc);
	o->maps[o->nmaps++] = arg;
	return true;
}

void network_options_release(struct network_options *o)
{
	free(o->maps);
	o->maps = NULL;
	o->nmaps = o->maps_alloc = 0;
}
