/* A network disk's protocol node (nbd, rbd, iscsi, curl, ssh, gluster, nfs)
 * and the -object secret its <auth> or LUKS key needs: a 0600 file in the
 * state dir holding the --secret value, never the value on the line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"
#include "lib/base64.h"

static const char *const drivers[] = {
	[PROTO_NBD] = "nbd", [PROTO_RBD] = "rbd", [PROTO_ISCSI] = "iscsi",
	[PROTO_HTTP] = "http", [PROTO_HTTPS] = "https", [PROTO_FTP] = "ftp",
	[PROTO_FTPS] = "ftps", [PROTO_SSH] = "ssh", [PROTO_GLUSTER] = "gluster",
	[PROTO_NFS] = "nfs",
};

static const char *const default_ports[] = {
	[PROTO_HTTP] = "80", [PROTO_HTTPS] = "443", [PROTO_FTP] = "21",
	[PROTO_FTPS] = "990", [PROTO_ISCSI] = "3260", [PROTO_GLUSTER] = "24007",
	[PROTO_RBD] = "6789",
};

static const struct secret_value *secret_for(const struct build *b,
					     const struct secret_ref *ref)
{
	const char *key = ref->uuid ? ref->uuid : ref->usage;
	for (size_t i = 0; i < b->host->nsecrets; i++)
		if (strcmp(b->host->secrets[i].key, key) == 0)
			return &b->host->secrets[i];
	return NULL;
}

/* -object secret,id=ID,format=…,file=STATE/ID for REF; false after an
 * error (no value given, a ceph key that is not base64). */
bool disk_secret(struct build *b, const struct secret_ref *ref, const char *id)
{
	const struct secret_value *s = secret_for(b, ref);
	const char *key = ref->uuid ? ref->uuid : ref->usage;
	if (!s) {
		diag_error(b->d, EXIT_UNAVAILABLE, ref->line, "<secret>",
			   "%s='%s' has no value: libvirt's secret store is out of reach without libvirt; expected --secret %s=FILE",
			   ref->uuid ? "uuid" : "usage", key, key);
		return false;
	}
	/* A ceph key is written as in a keyring (base64); QEMU decodes it. */
	bool ceph = ref->kind == SECRET_CEPH;
	char *canonical = NULL;
	size_t bytes, where;
	if (ceph && base64_check(s->value, &canonical, &bytes, &where) != BASE64_OK) {
		diag_error(b->d, EXIT_DATAERR, ref->line, "<secret>",
			   "the ceph key in %s is not base64; expected the key as a ceph keyring holds it",
			   s->path);
		return false;
	}
	free(canonical);
	return secret_object(b, id, s->value, s->len, ceph ? "base64" : "raw");
}

/* -object secret,id=ID,format=FORMAT,file=STATE/ID holding VALUE: a 0600
 * file in the state dir, never the value on the line. */
bool secret_object(struct build *b, const char *id, const char *value,
		   size_t len, const char *format)
{
	const char *dir = plan_state_dir(b);
	if (!dir)
		return false;
	struct plan_file *f = plan_add_file(b->plan);
	f->dir = xstrdup(dir);
	f->name = xstrdup(id);
	f->path = xasprintf("%s/%s", dir, id);
	f->content = xmalloc(len + 1);
	memcpy(f->content, value, len);
	f->content[len] = '\0';
	f->size = len;
	f->secret = true;
	f->in_state_dir = true;
	struct keyval kv;
	kv_begin(&kv, "secret");
	kv_str(&kv, "id", id);
	kv_str(&kv, "format", format);
	kv_str(&kv, "file", f->path);
	build_push(b, &kv, "-object");
	return true;
}

/* server.N.host/port (rbd), or server.N.type=inet|unix,… (gluster). */
static void server_list(struct keyval *kv, const struct disk_network *net,
			bool typed)
{
	char key[48];
	for (size_t i = 0; i < net->nhosts; i++) {
		const struct disk_host *h = &net->hosts[i];
		if (typed) {
			snprintf(key, sizeof(key), "server.%zu.type", i);
			kv_str(kv, key, h->socket ? "unix" : "inet");
		}
		snprintf(key, sizeof(key), "server.%zu.%s", i, h->socket ? "path" : "host");
		kv_str(kv, key, h->socket ? h->socket : h->name);
		/* libvirt's default ports: a ceph monitor's, glusterd's */
		const char *port = h->port ? h->port
			       : default_ports[typed ? PROTO_GLUSTER : PROTO_RBD];
		if (port && !h->socket) {
			snprintf(key, sizeof(key), "server.%zu.port", i);
			kv_str(kv, key, port);
		}
	}
}

/* The single server of nbd, ssh and nfs: server.type, host/path, port. */
static void one_server(struct keyval *kv, const struct disk_host *h, bool typed)
{
	if (typed)
		kv_str(kv, "server.type", h->socket ? "unix" : "inet");
	kv_str(kv, h->socket ? "server.path" : "server.host",
	       h->socket ? h->socket : h->name);
	if (h->port && !h->socket)
		kv_str(kv, "server.port", h->port);
}

static void rbd_keys(struct keyval *kv, const struct disk_network *net,
		     const char *secret_id)
{
	/* POOL/IMAGE or POOL/NAMESPACE/IMAGE */
	const char *slash = strchr(net->name, '/');
	const char *last = strrchr(net->name, '/');
	char *pool = xstrndup(net->name, (size_t)(slash - net->name));
	kv_str(kv, "pool", pool);
	free(pool);
	if (last != slash) {
		char *ns = xstrndup(slash + 1, (size_t)(last - slash - 1));
		kv_str(kv, "namespace", ns);
		free(ns);
	}
	kv_str(kv, "image", last + 1);
	if (net->snapshot)
		kv_str(kv, "snapshot", net->snapshot);
	if (net->config)
		kv_str(kv, "conf", net->config);
	server_list(kv, net, false);
	if (net->user) {
		kv_str(kv, "user", net->user);
		kv_str(kv, "auth-client-required.0", "cephx");
		kv_str(kv, "auth-client-required.1", "none");
		kv_str(kv, "key-secret", secret_id);
	}
}

static void iscsi_keys(struct keyval *kv, const struct disk_network *net,
		       const char *secret_id)
{
	const struct disk_host *h = &net->hosts[0];
	const char *port = h->port ? h->port : default_ports[PROTO_ISCSI];
	char *portal = strchr(h->name, ':') ? xasprintf("[%s]:%s", h->name, port)
					    : xasprintf("%s:%s", h->name, port);
	kv_str(kv, "portal", portal);
	free(portal);
	/* TARGET/LUN; no lun: 0 */
	const char *slash = strrchr(net->name, '/');
	char *end = NULL;
	unsigned long lun = slash ? strtoul(slash + 1, &end, 10) : 0;
	bool has_lun = slash && end && end != slash + 1 && !*end;
	char *target = has_lun ? xstrndup(net->name, (size_t)(slash - net->name))
			       : xstrdup(net->name);
	kv_str(kv, "target", target);
	free(target);
	kv_u64(kv, "lun", has_lun ? lun : 0);
	kv_str(kv, "transport", h->rdma ? "iser" : "tcp");
	if (net->user) {
		kv_str(kv, "user", net->user);
		kv_str(kv, "password-secret", secret_id);
	}
	if (net->initiator)
		kv_str(kv, "initiator-name", net->initiator);
}

static void curl_keys(struct keyval *kv, const struct disk_network *net)
{
	const struct disk_host *h = &net->hosts[0];
	const char *port = h->port ? h->port : default_ports[net->protocol];
	bool v6 = strchr(h->name, ':') != NULL;
	char *url = xasprintf("%s://%s%s%s:%s%s%s%s%s", drivers[net->protocol],
			      v6 ? "[" : "", h->name, v6 ? "]" : "", port,
			      net->name[0] == '/' ? "" : "/", net->name,
			      net->query ? "?" : "", net->query ? net->query : "");
	kv_str(kv, "url", url);
	free(url);
	if (net->timeout)
		kv_u64(kv, "timeout", net->timeout);
	if (net->readahead)
		kv_u64(kv, "readahead", net->readahead);
	if (net->sslverify != TRI_DEFAULT)
		kv_bool(kv, "sslverify", net->sslverify == TRI_ON);
}

/* The protocol node's own keys, after driver=; SECRET_ID names the <auth>
 * secret object when there is one. */
void network_keys(struct keyval *kv, const struct disk *disk,
		  const char *secret_id)
{
	const struct disk_network *net = &disk->net;
	if (net->protocol == PROTO_NONE)    /* refused: the run ends 65 or 69 */
		return;
	kv_str(kv, "driver", drivers[net->protocol]);
	/* A source refused while parsing (the run ends 69) may lack the host
	 * or name its protocol needs: nothing more to say about it. */
	if ((net->protocol != PROTO_RBD && !net->nhosts) ||
	    (net->protocol != PROTO_NBD && !net->name))
		return;
	switch (net->protocol) {
	case PROTO_NBD:
		one_server(kv, &net->hosts[0], true);
		if (net->name)
			kv_str(kv, "export", net->name);
		if (net->reconnect_delay)
			kv_u64(kv, "reconnect-delay", net->reconnect_delay);
		break;
	case PROTO_RBD: rbd_keys(kv, net, secret_id); break;
	case PROTO_ISCSI: iscsi_keys(kv, net, secret_id); break;
	case PROTO_HTTP: case PROTO_HTTPS: case PROTO_FTP: case PROTO_FTPS:
		curl_keys(kv, net);
		break;
	case PROTO_SSH:
		one_server(kv, &net->hosts[0], false);
		kv_str(kv, "path", net->name);
		break;
	case PROTO_GLUSTER: {
		const char *slash = strchr(net->name, '/');
		char *volume = xstrndup(net->name, (size_t)(slash - net->name));
		kv_str(kv, "volume", volume);
		free(volume);
		kv_str(kv, "path", slash + 1);
		server_list(kv, net, true);
		break;
	}
	case PROTO_NFS:
		one_server(kv, &net->hosts[0], true);
		kv_str(kv, "path", net->name);
		if (net->identity) {
			kv_u64(kv, "user", net->uid);
			kv_u64(kv, "group", net->gid);
		}
		break;
	case PROTO_NONE: break;
	}
}
