/*
 * <filesystem type='mount'>: a host directory shared with the guest.
 * <driver type='virtiofs'> is served by a virtiofsd (started by sevqemu,
 * or already listening on <source socket>); the 9p forms (driver 'path',
 * the default) are QEMU's own -fsdev.  As libvirt reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/number.h"
#include "lib/xalloc.h"

/* One <filesystem> being read; DROPPED after a refusal that
 * --ignore-unsupported turned into a warning: the whole share goes. */
struct fs_ctx {
	struct filesystem fs;
	bool dropped;
};

static void drop(struct parser *p, struct fs_ctx *x, const xmlNode *n,
		 const char *why)
{
	refuse(p, n, "%s", why);
	x->dropped = true;
}

/* An absolute path attribute NAME of N into *SLOT (NULL when absent). */
static bool path_attr(struct parser *p, const xmlNode *n, const char *name,
		      char **slot)
{
	const char *path = xml_attr(n, name);
	if (!path)
		return true;
	if (path[0] != '/') {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%s' is not absolute; expected a path from /",
			   name, path);
		return false;
	}
	free(*slot);
	*slot = xstrdup(path);
	return true;
}

/* fmode='644' / dmode='755': octal, at most 0777. */
static bool mode_attr(struct parser *p, const xmlNode *n, const char *name,
		      unsigned *out)
{
	const char *s = xml_attr(n, name);
	if (!s)
		return true;
	char *end;
	unsigned long v = strtoul(s, &end, 8);
	if (!*s || *end || v > 0777 || s[strspn(s, "01234567")]) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%s' is not a file mode; expected octal, at most 777",
			   name, s);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

static void parse_driver(struct parser *p, struct fs_ctx *x, const xmlNode *c)
{
	struct filesystem *fs = &x->fs;
	static const char *const known[] = {
		"type", "wrpolicy", "queue", "iommu", "ats", "packed",
		"page_per_vq", NULL
	};
	static const char *const types[] = { "path", "virtiofs", "handle", "loop", "nbd", "ploop", NULL };
	if (!known_attrs(p, c, known))
		return;
	int type = attr_choice(p, c, "type", types);
	if (type >= 2) {
		char *why = xasprintf("type='%s' is not supported: QEMU 7.2 shares a directory with 9p (type='path') or virtio-fs (type='virtiofs')",
				      types[type]);
		drop(p, x, c, why);
		free(why);
		return;
	}
	fs->driver = type == 1 ? FS_VIRTIOFS : FS_9P;
	const char *wr = xml_attr(c, "wrpolicy");
	if (wr && fs->driver == FS_VIRTIOFS) {
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "wrpolicy= is only for 9p (type='path'); virtiofsd has no write policy");
		return;
	}
	if (wr && strcmp(wr, "immediate") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "wrpolicy='%s' is not valid; expected 'immediate'", wr);
		return;
	}
	fs->writeout_immediate = wr != NULL;
	uint64_t q;
	if (xml_attr(c, "queue")) {
		if (fs->driver != FS_VIRTIOFS)
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "queue= is only for type='virtiofs'");
		else if (attr_decimal(p, c, "queue", 1, 32768, &q))
			fs->queue = (unsigned)q;
	}
	parse_virtio_driver(p, c, VD_COMMON, &fs->virtio);
}

/* <binary path xattr> with <cache>, <sandbox>, <lock>, <thread_pool>. */
static void parse_binary(struct parser *p, struct fs_ctx *x, const xmlNode *n)
{
	struct filesystem *fs = &x->fs;
	static const char *const known[] = { "path", "xattr", NULL };
	if (!known_attrs(p, n, known) || !path_attr(p, n, "path", &fs->binary))
		return;
	fs->xattr = attr_onoff(p, n, "xattr");
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		static const char *const caches[] = { "none", "always", "auto", NULL };
		static const char *const sandboxes[] = { "namespace", "chroot", NULL };
		static const char *const lock_attrs[] = { "posix", "flock", NULL };
		uint64_t size;
		int i;
		if (xml_is(c, "cache") && (i = attr_choice(p, c, "mode", caches)) >= 0) {
			free(fs->cache);
			fs->cache = xstrdup(caches[i]);
		} else if (xml_is(c, "sandbox") && (i = attr_choice(p, c, "mode", sandboxes)) >= 0) {
			free(fs->sandbox);
			fs->sandbox = xstrdup(sandboxes[i]);
		} else if (xml_is(c, "lock") && known_attrs(p, c, lock_attrs)) {
			fs->posix_lock = attr_onoff(p, c, "posix");
			fs->flock = attr_onoff(p, c, "flock");
		} else if (xml_is(c, "thread_pool")) {
			if (attr_decimal(p, c, "size", 1, 1024, &size))
				fs->thread_pool = (unsigned)size;
		} else if (xml_is(c, "openfiles")) {
			drop(p, x, c, "<openfiles> is a Rust virtiofsd option; Debian 12's virtiofsd has none");
		} else if (!xml_is(c, "cache") && !xml_is(c, "sandbox") &&
			   !xml_is(c, "lock")) {
			unexpected(p, c, n, "<cache>, <sandbox>, <lock> or <thread_pool>");
		}
	}
}

static void parse_fs_child(struct parser *p, struct fs_ctx *x,
			   const xmlNode *n, const xmlNode *c)
{
	struct filesystem *fs = &x->fs;
	if (device_common_child(p, c, NULL))
		return;
	if (xml_is(c, "driver")) {
		parse_driver(p, x, c);
	} else if (xml_is(c, "binary")) {
		parse_binary(p, x, c);
	} else if (xml_is(c, "source")) {
		static const char *const known[] = { "dir", "socket", NULL };
		if (known_attrs(p, c, known) && path_attr(p, c, "dir", &fs->source))
			path_attr(p, c, "socket", &fs->socket);
	} else if (xml_is(c, "target")) {
		static const char *const known[] = { "dir", NULL };
		const char *dir = known_attrs(p, c, known) ? attr_required(p, c, "dir") : NULL;
		if (dir && !*dir)
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "dir='' is empty; expected the tag the guest mounts");
		else if (dir) {
			free(fs->target);
			fs->target = xstrdup(dir);
		}
	} else if (xml_is(c, "readonly")) {
		fs->readonly = true;
	} else if (xml_is(c, "idmap")) {
		drop(p, x, c, "ID mapping needs the Rust virtiofsd; Debian 12's has none");
	} else {
		unexpected(p, c, n, "<driver>, <binary>, <source>, <target> or <readonly>");
	}
}

static void free_one(struct filesystem *fs)
{
	free(fs->source);
	free(fs->socket);
	free(fs->target);
	free(fs->multidevs);
	free(fs->binary);
	free(fs->cache);
	free(fs->sandbox);
}

/* The rules between the parts, as libvirt's validation has them. */
static void check_one(struct parser *p, struct fs_ctx *x, const xmlNode *n)
{
	const struct filesystem *fs = &x->fs;
	unsigned line = xml_line(n);
	const char *tag = XML_TAG(n);
	if (!fs->target)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "has no <target dir=...>; expected the tag the guest mounts");
	else if (fs->driver == FS_9P && fs->socket)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "<source socket> is for virtiofs; expected <source dir> with 9p");
	else if (fs->driver == FS_9P && !fs->source)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "has no <source dir=...>; expected the host directory to share");
	else if (fs->driver == FS_VIRTIOFS && !fs->source == !fs->socket)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "expected exactly one of <source dir> (sevqemu starts virtiofsd) and <source socket> (a virtiofsd already listening)");
	else if (fs->driver == FS_VIRTIOFS && fs->socket && fs->binary)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "<binary> does not go with <source socket>: that virtiofsd is started by someone else");
	else if (fs->driver == FS_VIRTIOFS && fs->access != FS_PASSTHROUGH)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "virtiofs only supports accessmode='passthrough'");
	else if (fs->driver == FS_VIRTIOFS && fs->virtio.flavour != VIRTIO_PLAIN)
		drop(p, x, n, "QEMU's vhost-user-fs-pci has no transitional or non-transitional variant; expected model='virtio' or none");
	else if (fs->driver == FS_VIRTIOFS && fs->readonly)
		drop(p, x, n, "a read-only virtiofs share needs the Rust virtiofsd; Debian 12's cannot (use 9p, or mount it read-only in the guest)");
	else if (fs->driver == FS_9P && (fs->binary || fs->queue))
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "<binary> and queue= are for <driver type='virtiofs'>");
}

void parse_filesystem(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = { "type", "accessmode", "multidevs",
					     "fmode", "dmode", "model", NULL };
	static const char *const access[] = { "passthrough", "mapped", "squash", NULL };
	static const char *const multidevs[] = { "default", "remap", "forbid", "warn", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *type = xml_attr(n, "type");
	if (type && strcmp(type, "mount") != 0) {
		refuse(p, n, "type='%s' is not supported; expected type='mount' (a host directory)", type);
		return;
	}
	struct fs_ctx x = { .fs = { .line = xml_line(n) } };
	struct filesystem *fs = &x.fs;
	int a = attr_choice(p, n, "accessmode", access);
	int m = attr_choice(p, n, "multidevs", multidevs);
	if (!parse_virtio_model(xml_attr(n, "model"), &fs->virtio)) {
		diag_error(p->d, EXIT_DATAERR, fs->line, XML_TAG(n),
			   "model='%s' is not valid; expected 'virtio', 'virtio-transitional' or 'virtio-non-transitional'",
			   xml_attr(n, "model"));
		return;
	}
	if (a == -2 || m == -2 || !mode_attr(p, n, "fmode", &fs->fmode) ||
	    !mode_attr(p, n, "dmode", &fs->dmode))
		return;
	fs->access = a < 0 ? FS_PASSTHROUGH : (enum fs_access)a;
	if (m > 0)
		fs->multidevs = xstrdup(multidevs[m]);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d) &&
	     !x.dropped; c = xml_next_element(c))
		parse_fs_child(p, &x, n, c);
	if (!diag_failed(p->d) && !x.dropped)
		check_one(p, &x, n);
	if (x.dropped || diag_failed(p->d)) {
		free_one(fs);
		return;
	}
	struct domain *dom = p->dom;
	XGROW(dom->filesystems, dom->nfilesystems, dom->filesystems_alloc);
	dom->filesystems[dom->nfilesystems++] = *fs;
}

void check_filesystems(struct parser *p)
{
	const struct domain *dom = p->dom;
	for (size_t i = 0; i < dom->nfilesystems; i++) {
		const struct filesystem *fs = &dom->filesystems[i];
		/* vhost-user maps guest RAM into virtiofsd's process. */
		if (fs->driver == FS_VIRTIOFS && dom->memory_backing.shared != TRI_ON) {
			diag_error(p->d, EXIT_DATAERR, fs->line, "<filesystem>",
				   "virtiofs requires shared memory; expected <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>");
			return;
		}
		/* QEMU 7.2 asks the vhost-user backend for ACCESS_PLATFORM, which
		 * an encrypted guest's virtio devices need; Debian 12's virtiofsd
		 * has none ("iommu_platform=true is not supported by the device"). */
		if (fs->driver == FS_VIRTIOFS && dom->launch.type != LAUNCH_NONE &&
		    !fs->socket) {
			diag_error(p->d, EXIT_UNAVAILABLE, fs->line, "<filesystem>",
				   "virtio-fs on an encrypted guest needs a virtiofsd with VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on), and Debian 12's has none: QEMU refuses the device; share with 9p (<driver type='path'/>), or give <source socket> of a virtiofsd that has it");
			return;
		}
		if (fs->driver == FS_VIRTIOFS && dom->launch.type != LAUNCH_NONE)
			diag_warn(p->d, fs->line, "<filesystem>",
				  "the virtiofsd on %s must offer VIRTIO_F_ACCESS_PLATFORM, which an encrypted guest needs, or QEMU refuses the device",
				  fs->socket);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(dom->filesystems[j].target, fs->target) == 0) {
				diag_error(p->d, EXIT_DATAERR, fs->line, "<filesystem>",
					   "target dir='%s' is already the tag of the <filesystem> on line %u; expected a tag of its own",
					   fs->target, dom->filesystems[j].line);
				return;
			}
		}
	}
}

void free_filesystems(struct domain *dom)
{
	for (size_t i = 0; i < dom->nfilesystems; i++)
		free_one(&dom->filesystems[i]);
	free(dom->filesystems);
}
