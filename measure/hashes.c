#include "measure/hashes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "lib/xalloc.h"
#include "measure/guid.h"
#include "measure/ovmf.h"

#define ENTRY_BYTES (GUID_BYTES + 2 + SHA256_BYTES)

static uint8_t *put_entry(uint8_t *p, const uint8_t *guid,
			  const uint8_t hash[SHA256_BYTES])
{
	memcpy(p, guid, GUID_BYTES);
	put_le16(p + GUID_BYTES, ENTRY_BYTES);
	memcpy(p + GUID_BYTES + 2, hash, SHA256_BYTES);
	return p + ENTRY_BYTES;
}

void hash_table_build(const struct kernel_hashes *h,
		      uint8_t out[HASH_TABLE_PADDED])
{
	memset(out, 0, HASH_TABLE_PADDED);
	memcpy(out, GUID_HASH_TABLE_HEADER, GUID_BYTES);
	put_le16(out + GUID_BYTES, HASH_TABLE_BYTES);
	uint8_t *p = out + GUID_BYTES + 2;
	p = put_entry(p, GUID_HASH_CMDLINE, h->cmdline);
	p = put_entry(p, GUID_HASH_INITRD, h->initrd);
	put_entry(p, GUID_HASH_KERNEL, h->kernel);
}

void hash_cmdline(const char *s, uint8_t out[SHA256_BYTES])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	if (!s)
		s = "";
	sha256_update(&ctx, strlen(s) + 1, (const uint8_t *)s);
	sha256_digest(&ctx, SHA256_BYTES, out);
}

/* Opens PATH for reading, refusing a directory (66). */
static int open_input(const char *path, const char *what, struct diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		diag_path_error(d, EXIT_NOINPUT, path, "cannot read the %s: %s",
				what, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_path_error(d, EXIT_NOINPUT, path,
				"is a directory; expected the %s file", what);
		close(fd);
		return -1;
	}
	return fd;
}

#define CHUNK (1u << 20)

bool file_sha256(const char *path, const char *what, struct file_digest *out,
		 struct diag *d)
{
	int fd = open_input(path, what, d);
	if (fd < 0)
		return false;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	uint8_t *buf = xmalloc(CHUNK);
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	out->bytes = 0;
	ssize_t n;
	while ((n = read(fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sha256_update(&ctx, (size_t)n, buf);
		out->bytes += (uint64_t)n;
	}
	int err = errno;
	free(buf);
	close(fd);
	if (n < 0) {
		diag_path_error(d, EXIT_NOINPUT, path, "cannot read the %s: %s",
				what, strerror(err));
		return false;
	}
	sha256_digest(&ctx, SHA256_BYTES, out->sha256);
	return true;
}

uint8_t *file_slurp(const char *path, const char *what, size_t max,
		    size_t *len, struct diag *d)
{
	int fd = open_input(path, what, d);
	if (fd < 0)
		return NULL;
	size_t alloc = 1u << 16, used = 0;
	uint8_t *buf = xmalloc(alloc);
	ssize_t n = 1;
	while (n != 0) {
		if (used == alloc) {
			alloc = alloc > max ? alloc + 1 : 2 * alloc;
			buf = xreallocarray(buf, alloc, 1);
		}
		n = read(fd, buf + used, alloc - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_path_error(d, EXIT_NOINPUT, path,
					"cannot read the %s: %s", what,
					strerror(errno));
			break;
		}
		used += (size_t)n;
		if (used > max) {
			diag_path_error(d, EXIT_DATAERR, path,
					"is over %zu MiB; expected a %s image",
					max >> 20, what);
			break;
		}
	}
	close(fd);
	if (n != 0) {
		free(buf);
		return NULL;
	}
	*len = used;
	return buf;
}
