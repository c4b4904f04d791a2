#include "measure/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"

bool key_read(const char *path, const char *what, uint8_t *out, size_t n,
	      struct diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_path_error(d, EXIT_NOINPUT, path, "cannot read the %s: %s",
				what, strerror(errno));
		return false;
	}
	uint8_t buf[2 * TK_BYTES + 1];
	ssize_t r = read_up_to(fd, buf, sizeof(buf));
	size_t got = r > 0 ? (size_t)r : 0;
	int err = errno;
	close(fd);
	bool ok = false;
	if (r < 0)
		diag_path_error(d, EXIT_NOINPUT,
				path, "cannot read the %s: %s", what,
				strerror(err));
	else if (got != n)
		diag_path_error(d, EXIT_DATAERR, path,
				"the %s file holds %s%zu bytes; expected exactly %zu raw bytes",
				what, got == sizeof(buf) ? "over " : "",
				got == sizeof(buf) ? got - 1 : got, n);
	else
		ok = true;
	if (ok)
		memcpy(out, buf, n);
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

bool keys_read(const struct key_files *f, uint8_t tik[TK_BYTES],
	       uint8_t tek[TK_BYTES], struct diag *d)
{
	if (f->tk) {
		uint8_t both[2 * TK_BYTES];
		bool ok = key_read(f->tk, "TEK and TIK (--tk)", both,
				   sizeof(both), d);
		if (ok) {
			memcpy(tek, both, TK_BYTES);
			memcpy(tik, both + TK_BYTES, TK_BYTES);
		}
		explicit_bzero(both, sizeof(both));
		return ok;
	}
	return key_read(f->tik, "TIK", tik, TK_BYTES, d) &&
	       (!f->tek || key_read(f->tek, "TEK", tek, TK_BYTES, d));
}
