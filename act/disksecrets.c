#include "act/disksecrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "lib/number.h"
#include "lib/xalloc.h"

#define SECRET_MAX (64 * 1024)

/* FILE's bytes into a buffer of its own; one trailing newline dropped. */
static bool read_secret(const char *path, struct secret_value *s,
			struct diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_path_error(d, EXIT_NOINPUT, path, "cannot open the secret: %s",
				strerror(errno));
		return false;
	}
	char *buf = xmalloc(SECRET_MAX + 1);
	ssize_t got = read_up_to(fd, buf, SECRET_MAX + 1);
	bool ok = got >= 0;
	size_t n = ok ? (size_t)got : 0;
	if (!ok)
		diag_path_error(d, EXIT_NOINPUT, path, "cannot read the secret: %s",
				strerror(errno));
	close(fd);
	if (ok && n > SECRET_MAX)
		diag_path_error(d, EXIT_DATAERR, path,
				"is over 64 KiB; expected a secret's value");
	if (ok && n > 0 && buf[n - 1] == '\n')
		n--;
	if (ok && n == 0)
		diag_path_error(d, EXIT_DATAERR, path,
				"is empty; expected the secret's value");
	if (!ok || n == 0 || n > SECRET_MAX) {
		explicit_bzero(buf, SECRET_MAX + 1);
		free(buf);
		return false;
	}
	buf[n] = '\0';
	s->value = buf;
	s->len = n;
	return true;
}

bool secrets_read(char *const *args, size_t n, struct host_facts *host,
		  struct diag *d)
{
	host->secrets = n ? xreallocarray(NULL, n, sizeof(*host->secrets)) : NULL;
	for (size_t i = 0; i < n; i++) {
		char *arg = args[i];
		char *eq = strchr(arg, '=');
		if (!eq || eq == arg || !eq[1]) {
			diag_path_error(d, EXIT_USAGE, "--secret",
					"'%s' is not KEY=FILE; expected a secret's UUID or usage name, '=', and the file holding its value",
					arg);
			return false;
		}
		char *key = xstrndup(arg, (size_t)(eq - arg));
		char canonical[37];
		if (parse_uuid(key, canonical)) {
			free(key);
			key = xstrdup(canonical);
		}
		for (size_t j = 0; j < host->nsecrets; j++) {
			if (strcmp(host->secrets[j].key, key) == 0) {
				diag_path_error(d, EXIT_USAGE, "--secret",
						"'%s' is given twice; expected one value per secret",
						key);
				free(key);
				return false;
			}
		}
		struct secret_value *s = &host->secrets[host->nsecrets];
		memset(s, 0, sizeof(*s));
		s->key = key;
		s->path = eq + 1;
		if (!read_secret(s->path, s, d)) {
			free(key);
			return false;
		}
		host->nsecrets++;
	}
	return true;
}

void secrets_release(struct host_facts *host)
{
	for (size_t i = 0; i < host->nsecrets; i++) {
		explicit_bzero(host->secrets[i].value, host->secrets[i].len);
		free(host->secrets[i].value);
		free(host->secrets[i].key);
	}
	free(host->secrets);
	host->secrets = NULL;
	host->nsecrets = 0;
}
