/* <disk type='network'>: the <source protocol> QEMU 7.2 can open, its
 * <host>s and <auth>; <encryption format='luks'>; and the <secret>s both
 * name, whose values come from --secret (libvirt's store is out of reach). */
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "lib/xalloc.h"
#include "parse/parser.h"

static const char *const protocols[] = {
	"", "nbd", "rbd", "iscsi", "http", "https", "ftp", "ftps", "ssh",
	"gluster", "nfs", NULL,
};

/* <secret type='ceph|iscsi|passphrase' uuid= | usage=>. */
void parse_secret_ref(struct parser *p, const xmlNode *n, struct secret_ref *ref)
{
	static const char *const known[] = { "type", "uuid", "usage", NULL };
	static const char *const kinds[] = { "ceph", "iscsi", "passphrase", NULL };
	if (ref->line) {
		duplicate(p, n);
		return;
	}
	if (!known_attrs(p, n, known) || !attr_required(p, n, "type"))
		return;
	int kind = attr_choice(p, n, "type", kinds);
	if (kind < 0)
		return;
	const char *uuid = xml_attr(n, "uuid"), *usage = xml_attr(n, "usage");
	if (!uuid == !usage) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "names its secret %s; expected one of uuid= or usage=",
			   uuid ? "twice" : "nowhere");
		return;
	}
	char canonical[37];
	if (uuid && !parse_uuid(uuid, canonical)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "uuid='%s' is not a UUID; expected 8-4-4-4-12 hex digits",
			   uuid);
		return;
	}
	if (usage && !*usage) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "usage='' is empty; expected the secret's usage name");
		return;
	}
	ref->line = xml_line(n);
	ref->kind = (enum secret_kind)kind;
	ref->uuid = uuid ? xstrdup(canonical) : NULL;
	ref->usage = usage ? xstrdup(usage) : NULL;
}

/* <auth username='...'><secret .../></auth>: in <disk> or in <source>. */
void parse_disk_auth(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = { "username", NULL };
	struct disk_network *net = &disk->net;
	if (net->user) {
		duplicate(p, n);
		return;
	}
	if (!known_attrs(p, n, known))
		return;
	const char *user = attr_required(p, n, "username");
	if (!user)
		return;
	net->user = xstrdup(user);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "secret"))
			parse_secret_ref(p, c, &net->auth);
		else
			unexpected(p, c, n, "<secret>");
	}
	if (!diag_failed(p->d) && !net->auth.line)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <secret>; expected <secret type='ceph|iscsi' usage='...'/>");
}

/* <encryption format='luks'><secret type='passphrase' .../></encryption>. */
void parse_disk_encryption(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = { "format", "engine", NULL };
	if (disk->luks.line) {
		duplicate(p, n);
		return;
	}
	if (!known_attrs(p, n, known) || !attr_required(p, n, "format"))
		return;
	const char *format = xml_attr(n, "format");
	const char *engine = xml_attr(n, "engine");
	if (strcmp(format, "luks") != 0) {
		refuse(p, n, "format='%s' is not supported; QEMU 7.2 opens format='luks'",
		       format);
		return;
	}
	if (engine && strcmp(engine, "qemu") != 0) {
		refuse(p, n, "engine='%s' needs libvirt; expected engine='qemu'", engine);
		return;
	}
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "secret"))
			parse_secret_ref(p, c, &disk->luks);
		else if (xml_is(c, "cipher") || xml_is(c, "ivgen"))
			refuse(p, c, "creating a LUKS volume is libvirt's storage pool's work; sevqemu opens an existing one");
		else
			unexpected(p, c, n, "<secret>");
	}
	if (diag_failed(p->d))
		return;
	if (!disk->luks.line)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <secret>; expected <secret type='passphrase' uuid='...'/>");
	else if (disk->luks.kind != SECRET_PASSPHRASE)
		diag_error(p->d, EXIT_DATAERR, disk->luks.line, "<secret>",
			   "a LUKS key is type='passphrase'; expected that type");
}

static void parse_host(struct parser *p, const xmlNode *n, struct disk_network *net)
{
	static const char *const known[] = { "name", "port", "transport", "socket", NULL };
	static const char *const transports[] = { "tcp", "unix", "rdma", NULL };
	if (!known_attrs(p, n, known))
		return;
	int t = attr_choice(p, n, "transport", transports);
	if (t == -2)
		return;
	uint64_t port;
	if (xml_attr(n, "port") && !attr_decimal(p, n, "port", 1, 65535, &port))
		return;
	/* QEMU's nfs driver has no server.port: libnfs asks the server's
	 * portmapper, so a port written here could not be honoured.  The host
	 * itself stays, so that the refusal is the only message. */
	bool port_refused = xml_attr(n, "port") && net->protocol == PROTO_NFS;
	if (port_refused)
		refuse(p, n, "port= cannot be given to QEMU's nfs driver, which asks the server's portmapper; expected <host name='...'/> alone");
	const char *name = xml_attr(n, "name"), *socket = xml_attr(n, "socket");
	if (t == 1 ? !socket || !*socket : !name || !*name) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   t == 1 ? "transport='unix' has no socket=; expected the socket's path"
				  : "has no name=; expected the server's host name or address");
		return;
	}
	XGROW(net->hosts, net->nhosts, net->hosts_alloc);
	struct disk_host *h = &net->hosts[net->nhosts++];
	memset(h, 0, sizeof(*h));
	if (t == 1) {
		h->socket = xstrdup(socket);
	} else {
		h->name = xstrdup(name);
		h->port = xml_attr(n, "port") && !port_refused
				  ? xstrdup(xml_attr(n, "port")) : NULL;
		h->rdma = t == 2;
	}
}

/* One name= attribute of a child (<snapshot name>, <config file>, ...). */
static void child_value(struct parser *p, const xmlNode *c, const char *attr,
			char **slot)
{
	const char *const known[] = { attr, NULL };
	if (*slot) {
		duplicate(p, c);
		return;
	}
	if (!known_attrs(p, c, known))
		return;
	const char *v = attr_required(p, c, attr);
	if (v)
		*slot = xstrdup(v);
}

static void parse_iqn(struct parser *p, const xmlNode *n, struct disk_network *net)
{
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "iqn"))
			child_value(p, c, "name", &net->initiator);
		else
			unexpected(p, c, n, "<iqn name='...'/>");
	}
}

/* A cookie's name is an HTTP token and its value has no ';' or control
 * characters: the Cookie header QEMU sends holds them as NAME=VALUE; ... */
static bool cookie_ok(const char *name, const char *value)
{
	if (!*name || strpbrk(name, "()<>@,;:\\\"/[]?={} \t"))
		return false;
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e)
			return false;
	for (const char *c = value; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == ';' || *c == 0x7f)
			return false;
	return true;
}

/* <cookies><cookie name='N'>VALUE</cookie>...</cookies>. */
static void parse_cookies(struct parser *p, const xmlNode *n, struct disk_network *net)
{
	if (net->cookies) {
		duplicate(p, n);
		return;
	}
	net->cookies = xstrdup("");
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		static const char *const known[] = { "name", NULL };
		if (!xml_is(c, "cookie")) {
			unexpected(p, c, n, "<cookie name='...'>VALUE</cookie>");
			continue;
		}
		if (!known_attrs(p, c, known) || !attr_required(p, c, "name"))
			continue;
		char *value = xml_text(c, p->d);
		if (!value)
			continue;
		if (!cookie_ok(xml_attr(c, "name"), value)) {
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "name='%s' or its value is not a cookie; expected a token name and a value without ';' or control characters",
				   xml_attr(c, "name"));
		} else {
			char *all = xasprintf("%s%s%s=%s", net->cookies,
					      *net->cookies ? "; " : "",
					      xml_attr(c, "name"), value);
			free(net->cookies);
			net->cookies = all;
		}
		free(value);
	}
	if (!diag_failed(p->d) && !*net->cookies)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no <cookie>; expected <cookie name='...'>VALUE</cookie>");
}

/* nfs <identity user='+UID' group='+GID'>: numeric ids (a name would be
 * looked up in this host's passwd, which is not the guest's business). */
static void parse_identity(struct parser *p, const xmlNode *n, struct disk_network *net)
{
	static const char *const known[] = { "user", "group", NULL };
	if (net->identity) {
		duplicate(p, n);
		return;
	}
	if (!known_attrs(p, n, known) || !attr_required(p, n, "user") ||
	    !attr_required(p, n, "group"))
		return;
	const char *names[] = { "user", "group" };
	uint64_t *ids[] = { &net->uid, &net->gid };
	for (int i = 0; i < 2; i++) {
		const char *v = xml_attr(n, names[i]);
		const char *digits = *v == '+' ? v + 1 : v;
		if (!parse_decimal(digits, ids[i]) || *ids[i] >= UINT32_MAX) {
			refuse(p, n, "%s='%s' is a name; sevqemu takes numeric ids: expected %s='+ID'",
			       names[i], v, names[i]);
			return;
		}
	}
	net->identity = true;
}

static void parse_source_child(struct parser *p, const xmlNode *c,
			       struct disk *disk)
{
	struct disk_network *net = &disk->net;
	uint64_t v;
	if (xml_is(c, "host")) {
		parse_host(p, c, net);
	} else if (xml_is(c, "auth")) {
		parse_disk_auth(p, c, disk);
	} else if (xml_is(c, "snapshot") && net->protocol == PROTO_RBD) {
		child_value(p, c, "name", &net->snapshot);
	} else if (xml_is(c, "config") && net->protocol == PROTO_RBD) {
		child_value(p, c, "file", &net->config);
	} else if (xml_is(c, "initiator") && net->protocol == PROTO_ISCSI) {
		parse_iqn(p, c, net);
	} else if (xml_is(c, "reconnect") && net->protocol == PROTO_NBD) {
		if (attr_required(p, c, "delay") &&
		    attr_decimal(p, c, "delay", 1, UINT32_MAX, &v))
			net->reconnect_delay = v;
	} else if (xml_is(c, "timeout") && net->protocol >= PROTO_HTTP &&
		   net->protocol <= PROTO_FTPS) {
		if (attr_required(p, c, "seconds") &&
		    attr_decimal(p, c, "seconds", 1, UINT32_MAX, &v))
			net->timeout = v;
	} else if (xml_is(c, "readahead") && net->protocol >= PROTO_HTTP &&
		   net->protocol <= PROTO_FTPS) {
		if (attr_required(p, c, "size") &&
		    attr_decimal(p, c, "size", 1, UINT64_MAX / 2, &v))
			net->readahead = v;
	} else if (xml_is(c, "cookies") && (net->protocol == PROTO_HTTP ||
					      net->protocol == PROTO_HTTPS)) {
		parse_cookies(p, c, net);
	} else if (xml_is(c, "ssl") && (net->protocol == PROTO_HTTPS ||
					  net->protocol == PROTO_FTPS)) {
		static const char *const known[] = { "verify", NULL };
		if (known_attrs(p, c, known))
			net->sslverify = attr_yesno(p, c, "verify");
	} else if (xml_is(c, "identity") && net->protocol == PROTO_NFS) {
		parse_identity(p, c, net);
	} else if (xml_is(c, "encryption")) {
		parse_disk_encryption(p, c, disk);
	} else {
		refuse(p, c, "is not translated for protocol='%s' disks",
		       protocols[net->protocol]);
	}
}

/* What each protocol needs of its name and hosts. */
static void check_network_source(struct parser *p, const xmlNode *n,
				 struct disk *disk)
{
	const struct disk_network *net = &disk->net;
	enum disk_protocol pr = net->protocol;
	bool need_name = pr != PROTO_NBD;
	const char *problem = NULL;
	if (need_name && (!net->name || !*net->name))
		problem = "has no name=; expected the image, volume or target it names";
	else if (pr != PROTO_RBD && net->nhosts == 0)
		problem = "has no <host>; expected <host name='...' port='...'/>";
	else if (pr != PROTO_RBD && pr != PROTO_GLUSTER && net->nhosts > 1)
		problem = "has more than one <host>; this protocol takes one server";
	else if (pr == PROTO_GLUSTER && !strchr(net->name, '/'))
		problem = "a gluster name is VOLUME/PATH; expected a '/' in name=";
	else if (pr == PROTO_RBD && !strchr(net->name, '/'))
		problem = "an rbd name is POOL/IMAGE; expected a '/' in name=";
	if (problem) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n), "%s", problem);
		return;
	}
	for (size_t i = 0; i < net->nhosts; i++) {
		const struct disk_host *h = &net->hosts[i];
		bool unix_ok = pr == PROTO_NBD || pr == PROTO_GLUSTER;
		if (h->socket && !unix_ok)
			problem = "transport='unix' is for nbd and gluster; expected a host name";
		else if (h->rdma && pr != PROTO_ISCSI)
			problem = "transport='rdma' is for iscsi; expected tcp";
	}
	if (problem)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n), "%s", problem);
	else if (net->user && pr != PROTO_RBD && pr != PROTO_ISCSI)
		refuse(p, n, "<auth> for protocol='%s' needs nbdkit, which libvirt starts; QEMU takes secrets for rbd and iscsi only",
		       protocols[pr]);
	else if (net->user && net->auth.kind !=
				      (pr == PROTO_RBD ? SECRET_CEPH : SECRET_ISCSI))
		diag_error(p->d, EXIT_DATAERR, net->auth.line, "<secret>",
			   "protocol='%s' takes a type='%s' secret",
			   protocols[pr], pr == PROTO_RBD ? "ceph" : "iscsi");
}

/*
 * A network source refused as a whole.  In strict mode the refusal ends
 * the run (69).  Under --ignore-unsupported its disk, varstore or LUN
 * cannot stand without it, and nothing half-read may reach the command
 * line: that is an error here, for every reader of network sources.
 */
static void drop_source(struct parser *p, const xmlNode *n,
			struct disk_network *net, const char *why)
{
	refuse(p, n, "%s", why);
	free(net->query);
	net->query = NULL;
	net->protocol = PROTO_NONE;
	if (p->opts->ignore_unsupported)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "dropped, and its <%s> cannot be translated without it; expected a source sevqemu translates, or the <%s> taken out",
			   (const char *)n->parent->name, (const char *)n->parent->name);
}

/* <source protocol='...' name='...'> of a type='network' disk (and of a
 * network varstore, a backing layer, an iSCSI hostdev).  Afterwards, unless
 * the run has failed, DISK's protocol is set. */
void parse_network_source(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = {
		"protocol", "name", "index", "tls", "tlsHostname", "query", NULL,
	};
	if (!attr_required(p, n, "protocol") || !known_attrs(p, n, known))
		return;
	const char *protocol = xml_attr(n, "protocol");
	int pr = 0;
	for (int i = 1; protocols[i]; i++)
		if (strcmp(protocol, protocols[i]) == 0)
			pr = i;
	if (!pr) {
		char *why = xasprintf("protocol='%s' is not supported; QEMU 7.2 opens nbd, rbd, iscsi, http, https, ftp, ftps, ssh, gluster and nfs",
				      protocol);
		drop_source(p, n, &disk->net, why);
		free(why);
		return;
	}
	struct disk_network *net = &disk->net;
	net->protocol = (enum disk_protocol)pr;
	enum tristate tls = attr_yesno(p, n, "tls");
	const char *query = xml_attr(n, "query");
	if (query && pr != PROTO_HTTP && pr != PROTO_HTTPS) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "query= is for protocol='http' and 'https'; expected no query=");
		return;
	}
	if (query && strpbrk(query, "# \t\r\n")) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "query='%s' is not a URL query; expected no '#' or white space",
			   query);
		return;
	}
	net->query = query && *query ? xstrdup(query) : NULL;
	if (tls == TRI_ON && pr != PROTO_NBD) {
		/* The whole source is dropped, not just tls= (that would fetch
		 * the image in the clear). */
		drop_source(p, n, net, "tls='yes' is translated for nbd only; expected protocol='nbd'");
		return;
	}
	if (xml_attr(n, "tlsHostname") && tls != TRI_ON) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "tlsHostname= without tls='yes'; expected tls='yes' with it");
		return;
	}
	net->tls = tls == TRI_ON;
	if (xml_attr(n, "tlsHostname"))
		net->tls_hostname = xstrdup(xml_attr(n, "tlsHostname"));
	const char *name = xml_attr(n, "name");
	net->name = name ? xstrdup(name) : NULL;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		parse_source_child(p, c, disk);
	if (!diag_failed(p->d))
		check_network_source(p, n, disk);
}

static void free_secret_ref(struct secret_ref *ref)
{
	free(ref->uuid);
	free(ref->usage);
}

void free_disk_source(struct disk *disk)
{
	free(disk->net.tls_hostname);
	struct disk_network *net = &disk->net;
	for (size_t i = 0; i < net->nhosts; i++) {
		free(net->hosts[i].name);
		free(net->hosts[i].port);
		free(net->hosts[i].socket);
	}
	free(net->hosts);
	free(net->name);
	free(net->snapshot);
	free(net->config);
	free(net->initiator);
	free(net->query);
	free(net->cookies);
	free(net->user);
	free_secret_ref(&net->auth);
	free_secret_ref(&disk->luks);
}
