/*
 * <filesystem>: a shared host directory, as libvirt writes it (ids fsN,
 * fsdev-fsN, chr-vu-fsN).  9p: -fsdev local + virtio-9p-pci, QEMU alone.
 * virtiofs: -chardev socket + vhost-user-fs-pci, served by a virtiofsd
 * that this file describes as a helper (act/helpers.c starts it) on
 * fsN-virtiofsd.sock in the state dir, or by one already listening on
 * <source socket>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

static void build_9p(struct build *b, const struct filesystem *fs, size_t i)
{
	static const char *const models[] = {
		[FS_PASSTHROUGH] = "passthrough", [FS_MAPPED] = "mapped",
		[FS_SQUASH] = "none",
	};
	char fsdev[32], id[24];
	snprintf(id, sizeof(id), "fs%zu", i);
	snprintf(fsdev, sizeof(fsdev), "fsdev-%s", id);
	struct keyval kv;
	kv_begin(&kv, "local");
	kv_str(&kv, "security_model", models[fs->access]);
	if (fs->multidevs)
		kv_str(&kv, "multidevs", fs->multidevs);
	char mode[16];
	if (fs->fmode) {
		snprintf(mode, sizeof(mode), "%04o", fs->fmode);
		kv_str(&kv, "fmode", mode);
	}
	if (fs->dmode) {
		snprintf(mode, sizeof(mode), "%04o", fs->dmode);
		kv_str(&kv, "dmode", mode);
	}
	if (fs->writeout_immediate)
		kv_str(&kv, "writeout", "immediate");
	kv_str(&kv, "id", fsdev);
	kv_str(&kv, "path", fs->source);
	if (fs->readonly)
		kv_bool(&kv, "readonly", true);
	kv_push(&kv, b->argv, "-fsdev");

	virtio_begin(&kv, "virtio-9p-pci", &fs->virtio);
	if (!pci_place(b, &kv, fs->line, "<filesystem>")) {
		kv_discard(&kv);
		return;
	}
	kv_str(&kv, "id", id);
	kv_str(&kv, "fsdev", fsdev);
	kv_str(&kv, "mount_tag", fs->target);
	virtio_options(b, &kv, &fs->virtio, true);
	build_push(b, &kv, "-device");
}

/* virtiofsd's -o list: fuse options, split at commas with no escape. */
static char *virtiofsd_options(struct build *b, const struct filesystem *fs)
{
	if (strchr(fs->source, ',')) {
		diag_error(b->d, EXIT_UNAVAILABLE, fs->line, "<filesystem>",
			   "<source dir='%s'> holds a comma, which virtiofsd's -o options cannot carry; expected a path without one",
			   fs->source);
		return NULL;
	}
	char *o = xasprintf("source=%s", fs->source);
	char *more;
	if (fs->cache) {
		more = xasprintf("%s,cache=%s", o, fs->cache);
		free(o);
		o = more;
	}
	if (fs->sandbox) {
		more = xasprintf("%s,sandbox=%s", o, fs->sandbox);
		free(o);
		o = more;
	}
	const struct { enum tristate v; const char *name; } flags[] = {
		{ fs->xattr, "xattr" }, { fs->posix_lock, "posix_lock" },
		{ fs->flock, "flock" },
	};
	for (size_t f = 0; f < sizeof(flags) / sizeof(*flags); f++) {
		if (flags[f].v == TRI_DEFAULT)
			continue;
		more = xasprintf("%s,%s%s", o, flags[f].v == TRI_ON ? "" : "no_",
				 flags[f].name);
		free(o);
		o = more;
	}
	return o;
}

/* The virtiofsd serving FS; its socket, or NULL after an error. */
static const char *add_virtiofsd(struct build *b, const struct filesystem *fs,
				 const char *id)
{
	const char *dir = plan_state_dir(b);
	char name[40];
	snprintf(name, sizeof(name), "%s-virtiofsd.sock", id);
	char *sock = dir ? state_dir_socket_path(b, dir, name, fs->line, "<filesystem>")
			 : NULL;
	char *options = sock ? virtiofsd_options(b, fs) : NULL;
	if (!options) {
		free(sock);
		return NULL;
	}
	/* Debian 12 ships it with QEMU; later releases in its own package. */
	char *stem = xasprintf("%s-virtiofsd", id);
	struct plan_helper *h = plan_add_helper(b->plan, "virtiofsd",
		&(struct helper_place){ "qemu-system-common (Debian 12) or virtiofsd",
					"<filesystem>", fs->line, sock, dir, stem });
	free(stem);
	struct argv *a = &h->argv;
	argv_push(a, fs->binary ? fs->binary
		     : b->host->virtiofsd ? b->host->virtiofsd : "virtiofsd");
	argv_pushf(a, "--socket-path=%s", sock);
	argv_pair(a, "-o", options);
	free(options);
	if (fs->thread_pool)
		argv_pushf(a, "--thread-pool-size=%u", fs->thread_pool);
	return h->socket;
}

static void build_virtiofs(struct build *b, const struct filesystem *fs,
			   size_t i)
{
	char id[24], chardev[32];
	snprintf(id, sizeof(id), "fs%zu", i);
	snprintf(chardev, sizeof(chardev), "chr-vu-%s", id);
	const char *sock = fs->socket ? fs->socket : add_virtiofsd(b, fs, id);
	if (!sock)
		return;
	struct keyval kv;
	kv_begin(&kv, "socket");
	kv_str(&kv, "id", chardev);
	kv_str(&kv, "path", sock);
	kv_push(&kv, b->argv, "-chardev");

	kv_begin(&kv, "vhost-user-fs-pci");
	if (!pci_place(b, &kv, fs->line, "<filesystem>")) {
		kv_discard(&kv);
		return;
	}
	kv_str(&kv, "id", id);
	kv_str(&kv, "chardev", chardev);
	if (fs->queue)
		kv_u64(&kv, "queue-size", fs->queue);
	kv_str(&kv, "tag", fs->target);
	virtio_options(b, &kv, &fs->virtio, false);
	build_push(b, &kv, "-device");
}

void build_filesystems(struct build *b)
{
	for (size_t i = 0; i < b->dom->nfilesystems && !diag_failed(b->d); i++) {
		const struct filesystem *fs = &b->dom->filesystems[i];
		if (fs->driver == FS_VIRTIOFS)
			build_virtiofs(b, fs, i);
		else
			build_9p(b, fs, i);
	}
}
