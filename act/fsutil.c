/* The file set's small steps: see fsutil.h. */
#define _GNU_SOURCE
#include "act/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "act/guard.h"
#include "lib/xalloc.h"

bool fs_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

int fs_copy(int in, int out, off_t size)
{
	static char buf[65536];
	off_t total = 0;
	for (;;) {
		int sig = guard_pending();
		if (sig)
			return sig;
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		total += n;
		if (total > size) {
			errno = EIO; /* it grew while copied */
			return -1;
		}
		if (!fs_write_all(out, buf, (size_t)n))
			return -1;
	}
	if (total != size) {
		errno = EIO; /* it shrank while copied */
		return -1;
	}
	return 0;
}

bool fs_random_hex(char out[13])
{
	unsigned char r[6];
	ssize_t got = getrandom(r, sizeof(r), GRND_NONBLOCK);
	if (got != (ssize_t)sizeof(r)) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		got = fd < 0 ? -1 : read(fd, r, sizeof(r));
		if (fd >= 0)
			close(fd);
		if (got != (ssize_t)sizeof(r))
			return false;
	}
	snprintf(out, 13, "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3],
		 r[4], r[5]);
	return true;
}

bool fs_is_residue(const char *name)
{
	size_t len = strlen(name);
	if (name[0] != '.' || len < 2 + 17)
		return false;
	const char *tail = name + len - 17; /* ".new-" + 12 hex digits */
	if (strncmp(tail, ".new-", 5) != 0 && strncmp(tail, ".old-", 5) != 0)
		return false;
	for (const char *p = tail + 5; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

int fs_new_unnamed(int dirfd, const char *name, char **temp)
{
	*temp = NULL;
	int fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
			errno != EINVAL && errno != ENOENT))
		goto done;
	/* No O_TMPFILE here: a temporary name nobody can guess, or none. */
	for (int tries = 0; tries < 16; tries++) {
		char hex[13];
		if (!fs_random_hex(hex)) {
			errno = ENOSYS;
			return -1;
		}
		*temp = xasprintf(".%s.new-%s", name, hex);
		fd = openat(dirfd, *temp, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
		free(*temp);
		*temp = NULL;
	}
	if (fd < 0) {
		int err = errno;
		free(*temp);
		*temp = NULL;
		errno = err;
	}
done:
	if (fd >= 0 && fchmod(fd, 0600) != 0) {
		int err = errno;
		close(fd);
		if (*temp)
			unlinkat(dirfd, *temp, 0);
		errno = err;
		return -1;
	}
	return fd;
}

bool fs_name_new(int fd, const char *temp, int dirfd, const char *name)
{
	if (temp)
		return renameat2(dirfd, temp, dirfd, name, RENAME_NOREPLACE) == 0;
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc does not. */
	if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
		return true;
	if (errno == EEXIST)
		return false;
	char proc[40];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0;
}

void fs_remove_dir(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	DIR *dh = fdopendir(fd);
	if (!dh) {
		close(fd);
		return;
	}
	for (struct dirent *e; (e = readdir(dh));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) != 0 && errno == EISDIR)
			unlinkat(fd, e->d_name, AT_REMOVEDIR);
	}
	closedir(dh);
	unlinkat(parent, name, AT_REMOVEDIR);
}

bool journal_add(int dirfd, int *jfd, char kind, const struct stat *st,
		 const char *path)
{
	if (*jfd < 0)
		*jfd = openat(dirfd, JOURNAL_NAME, O_WRONLY | O_CREAT | O_APPEND |
			      O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*jfd < 0)
		return false;
	/* NUL ends a record: a path may hold any other byte. */
	char *rec = xasprintf("%c %llu %llu %s", kind,
			      (unsigned long long)st->st_dev,
			      (unsigned long long)st->st_ino, path);
	bool ok = fs_write_all(*jfd, rec, strlen(rec) + 1) && fsync(*jfd) == 0;
	free(rec);
	return ok;
}

void fs_remove_if_same(const char *path, dev_t dev, ino_t ino, bool dir)
{
	struct stat st;
	if (lstat(path, &st) != 0 || st.st_dev != dev || st.st_ino != ino)
		return;
	if (dir && S_ISDIR(st.st_mode))
		rmdir(path);
	else if (!dir && S_ISREG(st.st_mode))
		unlink(path);
}

void journal_undo(int dirfd)
{
	int fd = openat(dirfd, JOURNAL_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	static char buf[65536];
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return;
	buf[len] = '\0';
	/* Records are NUL-terminated; undo from the last complete one back. */
	size_t end = (size_t)len;
	while (end && buf[end - 1] != '\0')
		end--;
	while (end) {
		size_t start = end - 1;
		while (start && buf[start - 1] != '\0')
			start--;
		char kind;
		unsigned long long dev, ino;
		int at = 0;
		if (sscanf(buf + start, "%c %llu %llu %n", &kind, &dev, &ino, &at) == 3 &&
		    at > 0 && kind == 'd')
			fs_remove_if_same(buf + start + at, (dev_t)dev, (ino_t)ino,
					  true);
		end = start;
	}
}
