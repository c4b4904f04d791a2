#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

uint64_t tu_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void tu_fill(unsigned char *buf, size_t n, uint64_t seed)
{
	uint64_t s = seed;
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(tu_rand(&s) >> 56);
}

char *tu_base64(const unsigned char *buf, size_t n, size_t wrap)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t chars = (n + 2) / 3 * 4;
	size_t cap = chars + (wrap ? chars / wrap + 2 : 0) + 1;
	char *out = malloc(cap);
	if (!out)
		abort();
	size_t o = 0, col = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)buf[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)buf[i + 1] << 8;
		if (i + 2 < n)
			v |= buf[i + 2];
		char quad[4] = {
			abc[(v >> 18) & 63], abc[(v >> 12) & 63],
			i + 1 < n ? abc[(v >> 6) & 63] : '=',
			i + 2 < n ? abc[v & 63] : '=',
		};
		for (int k = 0; k < 4; k++) {
			out[o++] = quad[k];
			if (wrap && ++col == wrap) {
				out[o++] = '\n';
				col = 0;
			}
		}
	}
	if (wrap && col)
		out[o++] = '\n';
	out[o] = '\0';
	return out;
}

char *tu_blob(size_t n, uint64_t seed, size_t wrap)
{
	unsigned char *buf = malloc(n ? n : 1);
	if (!buf)
		abort();
	tu_fill(buf, n, seed);
	char *text = tu_base64(buf, n, wrap);
	free(buf);
	return text;
}

char *tu_mkdtemp(void)
{
	char *dir = strdup("/tmp/sevqemu-unit-XXXXXX");
	if (!dir || !mkdtemp(dir))
		abort();
	return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void tu_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_read(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		if (!buf)
			abort();
		ssize_t got = read(fd, buf + n, cap - 1 - n);
		if (got < 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

bool tu_write(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	bool ok = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

static int count(const char *dir, bool hidden_only)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!hidden_only || e->d_name[0] == '.')
			n++;
	}
	closedir(d);
	return n;
}

int tu_count_hidden(const char *dir)
{
	return count(dir, true);
}

int tu_count_entries(const char *dir)
{
	return count(dir, false);
}

/* Runs SCRIPT with /bin/sh -c; its stdout into *out (*len bytes). */
int tu_run_sh(const char *script, char **out, size_t *len)
{
	int fds[2];
	if (pipe(fds) != 0)
		fail_msg("pipe failed");
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork failed");
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n == cap)
			buf = realloc(buf, cap *= 2);
		if (!buf)
			abort();
		ssize_t got = read(fds[0], buf + n, cap - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	*out = buf;
	*len = n;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void tu_expect_content(const char *path, const char *want)
{
	size_t len;
	char *got = tu_read(path, &len);
	if (!got)
		fail_msg("%s: cannot read", path);
	if (len != strlen(want) || memcmp(got, want, len) != 0)
		fail_msg("%s holds \"%s\"; expected \"%s\"", path, got, want);
	free(got);
}

void tu_expect_mode(const char *path, mode_t type, unsigned mode)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		fail_msg("%s: missing", path);
	if ((st.st_mode & S_IFMT) != type)
		fail_msg("%s: wrong file type 0%o", path, (unsigned)(st.st_mode & S_IFMT));
	if ((st.st_mode & 07777) != mode)
		fail_msg("%s: mode %04o; expected %04o", path,
			 (unsigned)(st.st_mode & 07777), mode);
}

void tu_expect_no_hidden(const char *dir)
{
	int n = tu_count_hidden(dir);
	if (n != 0)
		fail_msg("%s: %d temporary (dot) entries left behind", dir, n);
}

/* See testutil.h. */
bool tu_utf8_ok(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2
			 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (!n || i + n > len)
			return false;
		uint32_t cp = n == 1 ? c : c & (0xff >> (n + 1));
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += n;
	}
	return true;
}

/* NUL-separated OUT must be exactly WORDS[0..n). */
void tu_expect_nul_words(const char *out, size_t len, char **words, size_t n,
			 const char *what)
{
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		size_t wl = strlen(words[i]);
		if (at + wl >= len || memcmp(out + at, words[i], wl) != 0 ||
		    out[at + wl] != '\0')
			fail_msg("%s: word %zu (\"%s\") did not come back intact",
				 what, i, words[i]);
		at += wl + 1;
	}
	if (at != len)
		fail_msg("%s: %zu bytes of extra output", what, len - at);
}

static const char *const pieces[] = {
	" ", "\t", "\n", "'", "\"", "\\", "$", "`", "(", ")", ";", "&", "|",
	"<", ">", "*", "?", "[", "]", "{", "}", "~", "#", "!", "=", "%", ",",
	"\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "$(", "${HOME}", "'\\''", "\r",
	"-", "a", "Z", "0", "/", ".", "..", "\xff", "\x80", "\x01", "\x7f",
};

/* See testutil.h. */
char *tu_random_word(uint64_t *rng)
{
	size_t want = (size_t)(tu_rand(rng) % 41);
	char *w = malloc(64);
	assert_non_null(w);
	size_t n = 0;
	while (n < want) {
		uint64_t r = tu_rand(rng);
		const char *piece;
		char one[2];
		if (r % 3 == 0) {
			one[0] = (char)(1 + (r >> 8) % 0x7f); /* 0x01-0x7f */
			one[1] = '\0';
			piece = one;
		} else {
			piece = pieces[(r >> 8) % (sizeof(pieces) / sizeof(*pieces))];
		}
		size_t pl = strlen(piece);
		memcpy(w + n, piece, pl);
		n += pl;
	}
	w[n] = '\0';
	return w;
}
