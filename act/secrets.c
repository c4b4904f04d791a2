#include "act/secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "lib/xalloc.h"
#include "measure/options.h"

int secret_spec_add(struct secret_files *f, const char *spec)
{
	const char *eq = strchr(spec, '=');
	if (!eq || !eq[1])
		return cli_usage("attest", "--secret '%s' is not GUID=FILE or luks-key=FILE", spec);
	struct secret_file s = { .spec = spec, .path = eq + 1 };
	char guid[GUID_TEXT] = "";
	size_t len = (size_t)(eq - spec);
	bool luks = len == strlen("luks-key") && strncmp(spec, "luks-key", len) == 0;
	if (!luks && len < GUID_TEXT) {
		memcpy(guid, spec, len);
		guid[len] = '\0';
	}
	if (luks)
		memcpy(s.guid, GUID_LUKS_KEY, GUID_BYTES);
	else if (!guid_parse(guid, s.guid))
		return cli_usage("attest", "--secret '%s': '%.*s' is not a GUID; expected 8-4-4-4-12 hex digits or luks-key",
				 spec, (int)len, spec);
	for (size_t i = 0; i < f->n; i++)
		if (memcmp(f->v[i].guid, s.guid, GUID_BYTES) == 0)
			return cli_usage("attest", "--secret '%s' gives the GUID of '%s' again; expected each GUID once",
					 spec, f->v[i].spec);
	XGROW(f->v, f->n, f->alloc);
	f->v[f->n++] = s;
	return 0;
}

/* One file, at most SECRET_FILE_MAX bytes, into a new buffer. */
static bool read_secret(const struct secret_file *f, struct secret *out,
			struct diag *d)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_path_error(d, EXIT_NOINPUT, f->path, "cannot read the secret: %s",
				strerror(errno));
		return false;
	}
	uint8_t *buf = xmalloc(SECRET_FILE_MAX + 1);
	ssize_t r = read_up_to(fd, buf, SECRET_FILE_MAX + 1);
	size_t got = r > 0 ? (size_t)r : 0;
	int err = errno;
	close(fd);
	bool ok = false;
	if (r < 0)
		diag_path_error(d, EXIT_NOINPUT, f->path, "cannot read the secret: %s",
				strerror(err));
	else if (got == 0 || got > SECRET_FILE_MAX)
		diag_path_error(d, EXIT_DATAERR, f->path,
				"the secret is %s; expected 1 byte to %u KiB",
				got ? "too large" : "empty", SECRET_FILE_MAX >> 10);
	else
		ok = true;
	if (!ok) {
		explicit_bzero(buf, got > SECRET_FILE_MAX ? SECRET_FILE_MAX + 1 : got);
		free(buf);
		return false;
	}
	memcpy(out->guid, f->guid, GUID_BYTES);
	out->data = buf;
	out->len = got;
	return true;
}

bool secrets_load(const struct secret_files *f, struct secret **out,
		  struct diag *d)
{
	struct secret *s = xcalloc(f->n ? f->n : 1, sizeof(*s));
	for (size_t i = 0; i < f->n; i++) {
		if (!read_secret(&f->v[i], &s[i], d)) {
			secrets_free(s, i);
			*out = NULL;
			return false;
		}
	}
	*out = s;
	return true;
}

void secrets_free(struct secret *s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i].data) {
			explicit_bzero(s[i].data, s[i].len);
			free(s[i].data);
		}
	}
	free(s);
}
