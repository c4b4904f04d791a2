/* What the XML may not choose: see trust.h. */
#define _GNU_SOURCE
#include "act/trust.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "act/lock.h"
#include "act/statedir.h"
#include "lib/xalloc.h"

#define LIFT "--trust-xml if the XML is yours"

/* PATH made absolute, without "." and empty components; NULL when it has a
 * ".." (which could climb out of any directory it seems to be in). */
static char *normal(const char *path)
{
	char *cwd = path[0] == '/' ? NULL : getcwd(NULL, 0);
	char *whole = cwd ? xasprintf("%s/%s", cwd, path) : xstrdup(path);
	free(cwd);
	char *out = xmalloc(strlen(whole) + 2);
	size_t at = 0;
	bool dotdot = false;
	for (char *save = NULL, *c = strtok_r(whole, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		dotdot |= strcmp(c, "..") == 0;
		at += (size_t)sprintf(out + at, "/%s", c);
	}
	if (!at)
		strcpy(out, "/");
	free(whole);
	if (dotdot) {
		free(out);
		return NULL;
	}
	return out;
}

/* What follows "BASE/" in PATH (both normal), or NULL when PATH is not
 * inside BASE. */
static const char *inside(const char *path, const char *base)
{
	size_t n = strlen(base);
	if (strcmp(base, "/") == 0)
		return path[1] ? path + 1 : NULL;
	if (strncmp(path, base, n) != 0 || path[n] != '/' || !path[n + 1])
		return NULL;
	return path + n + 1;
}

/* The state dir's own names, which an nvram may not take. */
static bool state_name_free(const char *name)
{
	return name[0] != '.' && strcmp(name, LOCK_NAME) != 0 &&
	       strcmp(name, "dh_cert.base64") != 0 &&
	       strcmp(name, "session.base64") != 0;
}

/* No component of REST below BASE is a symbolic link (those that exist). */
static const char *link_below(const char *base, const char *rest)
{
	static char found[PATH_MAX];
	char *p = xasprintf("%s/%s", strcmp(base, "/") == 0 ? "" : base, rest);
	size_t start = strlen(p) - strlen(rest);
	const char *hit = NULL;
	for (size_t i = start;; i++) {
		char c = p[i];
		if (c != '/' && c != '\0')
			continue;
		p[i] = '\0';
		struct stat st;
		bool stop = lstat(p, &st) != 0;
		if (!stop && S_ISLNK(st.st_mode)) {
			snprintf(found, sizeof(found), "%s", p);
			hit = found;
		}
		p[i] = c;
		if (stop || hit || !c)
			break;
	}
	free(p);
	return hit;
}

static bool check_nvram(const struct domain *dom, const struct plan *plan,
			const struct trust *t, struct diag *d)
{
	const char *nvram = dom->os.nvram;
	unsigned line = dom->os.nvram_line;
	char *path = normal(nvram);
	if (!path) {
		diag_error(d, EXIT_NOPERM, line, "<nvram>",
			   "%s has a '..' component; the XML may not choose where sevqemu and QEMU write: name a path under the nvram directory or the state dir, or pass " LIFT,
			   nvram);
		return false;
	}
	char *chosen = plan->state_dir ? NULL : state_dir_name(dom, t->state_dir);
	char *state = plan->state_dir ? normal(plan->state_dir)
		      : chosen ? normal(chosen) : NULL;
	char *nvdir = normal(t->nvram_dir ? t->nvram_dir : NVRAM_DIR_DEFAULT);
	/* Messages name the directories as they were given. */
	const char *state_shown = plan->state_dir ? plan->state_dir
				  : chosen ? chosen : "(none)";
	const char *nvdir_shown = t->nvram_dir ? t->nvram_dir : NVRAM_DIR_DEFAULT;
	const char *rest = state ? inside(path, state) : NULL, *base = state;
	bool ok = true;
	if (rest && (strchr(rest, '/') || !state_name_free(rest))) {
		diag_error(d, EXIT_NOPERM, line, "<nvram>",
			   "%s is not a plain file name in the state dir %s (no subdirectory, no dot file, not lock or a blob's name); pass " LIFT,
			   nvram, state_shown);
		ok = false;
	} else if (!rest && nvdir && (rest = inside(path, nvdir))) {
		base = nvdir;
	} else if (!rest) {
		diag_error(d, EXIT_NOPERM, line, "<nvram>",
			   "%s is outside the nvram directory %s and the state dir %s; the XML may not choose where sevqemu and QEMU write: move it there, pass --nvram-dir DIR, or " LIFT,
			   nvram, nvdir_shown, state_shown);
		ok = false;
	}
	const char *link = ok ? link_below(base, rest) : NULL;
	if (link) {
		diag_error(d, EXIT_NOPERM, line, "<nvram>",
			   "%s goes through the symbolic link %s; the XML may not send sevqemu's or QEMU's writes elsewhere: name the real place, or pass " LIFT,
			   nvram, link);
		ok = false;
	}
	free(path);
	free(chosen);
	free(state);
	free(nvdir);
	return ok;
}

/* Whether PATH and each directory above it belong to root or the caller
 * and are writable by nobody else; what is wrong in WHY otherwise. */
static bool safe_chain(const char *path, char *why, size_t size)
{
	char *p = xstrdup(path);
	bool ok = true;
	for (size_t i = 1; ok; i++) {
		char c = p[i];
		if (c != '/' && c != '\0')
			continue;
		p[i] = '\0';
		struct stat st;
		if (lstat(p, &st) != 0) {
			p[i] = c;
			break; /* what does not exist cannot be run from */
		}
		const char *place = i == 1 ? "/" : p;
		if (st.st_uid != 0 && st.st_uid != geteuid()) {
			snprintf(why, size, "%s belongs to uid %u", place,
				 (unsigned)st.st_uid);
			ok = false;
		} else if (!S_ISLNK(st.st_mode) && (st.st_mode & (S_IWGRP | S_IWOTH))) {
			snprintf(why, size, "%s is writable by %s (mode %04o)", place,
				 (st.st_mode & S_IWOTH) ? "others" : "its group",
				 (unsigned)(st.st_mode & 07777));
			ok = false;
		}
		p[i] = c;
		if (!c)
			break;
	}
	free(p);
	return ok;
}

static bool check_emulator(const struct domain *dom, const struct plan *plan,
			   struct diag *d)
{
	const char *argv0 = plan->argv.n ? plan->argv.v[0] : dom->emulator;
	char *abs = argv0[0] == '/' ? xstrdup(argv0) : NULL;
	if (!abs) {
		char *cwd = getcwd(NULL, 0);
		abs = xasprintf("%s/%s", cwd ? cwd : "", argv0);
		free(cwd);
	}
	char *real = realpath(abs, NULL);
	char why[PATH_MAX + 64];
	bool ok = safe_chain(abs, why, sizeof(why)) &&
		  (!real || safe_chain(real, why, sizeof(why)));
	if (!ok)
		diag_error(d, EXIT_NOPERM, dom->emulator_line, "<emulator>",
			   "%s: %s; sevqemu runs a binary the XML names only from where nobody but root or you can change it: pass --emulator PATH, or " LIFT,
			   argv0, why);
	free(real);
	free(abs);
	return ok;
}

/* A virtiofsd the XML names (<binary path>) runs only from a safe place,
 * as an <emulator> does. */
/* A program the XML names, as given and as resolved: nobody but root or
 * the caller can change it.  WHY says what is wrong when not. */
static bool safe_program(const char *path, char *why, size_t size)
{
	char *real = realpath(path, NULL);
	bool ok = safe_chain(path, why, size) && (!real || safe_chain(real, why, size));
	free(real);
	return ok;
}

/* A tap's <script>/<downscript>: QEMU runs it, as root when sevqemu is. */
static bool check_tap_scripts(const struct domain *dom, struct diag *d)
{
	for (size_t i = 0; i < dom->ninterfaces; i++) {
		const struct interface *net = &dom->interfaces[i];
		const char *scripts[] = { net->script, net->downscript };
		for (size_t k = 0; k < 2; k++) {
			char why[PATH_MAX + 64];
			if (!scripts[k] || safe_program(scripts[k], why, sizeof(why)))
				continue;
			diag_error(d, EXIT_NOPERM, net->line, "<interface>",
				   "<%s path='%s'>: %s; QEMU runs a tap script the XML names only from where nobody but root or you can change it: pass " LIFT,
				   k ? "downscript" : "script", scripts[k], why);
			return false;
		}
	}
	return true;
}

static bool check_helper_binaries(const struct domain *dom, struct diag *d)
{
	for (size_t i = 0; i < dom->nfilesystems; i++) {
		const struct filesystem *fs = &dom->filesystems[i];
		if (!fs->binary || fs->socket)
			continue;
		char why[PATH_MAX + 64];
		if (!safe_program(fs->binary, why, sizeof(why))) {
			diag_error(d, EXIT_NOPERM, fs->line, "<filesystem>",
				   "<binary path='%s'>: %s; sevqemu runs a helper the XML names only from where nobody but root or you can change it: pass " LIFT,
				   fs->binary, why);
			return false;
		}
	}
	return true;
}

/* Whether PATH lies under the nvram directory or the state dir, the two
 * places the XML may name for what QEMU and its helpers write. */
static bool in_write_places(const struct domain *dom, const char *given,
			    const struct plan *plan, const struct trust *t)
{
	char *path = normal(given);
	char *chosen = plan->state_dir ? NULL : state_dir_name(dom, t->state_dir);
	const char *sd = plan->state_dir ? plan->state_dir : chosen;
	char *state = sd ? normal(sd) : NULL;
	char *nvdir = normal(t->nvram_dir ? t->nvram_dir : NVRAM_DIR_DEFAULT);
	bool ok = path && ((state && inside(path, state)) ||
			   (nvdir && inside(path, nvdir)));
	free(path);
	free(chosen);
	free(state);
	free(nvdir);
	return ok;
}

/* A host file or directory the XML names and QEMU or a helper writes:
 * WHAT says which, PURPOSE what is written there. */
static bool check_written(const char *written, unsigned line, const char *element,
			  const char *what, const char *purpose,
			  const struct domain *dom, const struct plan *plan,
			  const struct trust *t, struct diag *d)
{
	bool ok = in_write_places(dom, written, plan, t);
	if (!ok)
		diag_error(d, EXIT_NOPERM, line, element,
			   "%s is outside the nvram directory %s and the state dir; the XML may not choose where %s: move it there, pass --nvram-dir DIR, or " LIFT,
			   what, t->nvram_dir ? t->nvram_dir : NVRAM_DIR_DEFAULT, purpose);
	return ok;
}

/* The TPM's state directory (<source type='dir' path>) is written by
 * swtpm_setup and swtpm. */
static bool check_tpm_state(const struct domain *dom, const struct plan *plan,
			    const struct trust *t, struct diag *d)
{
	char *what = xasprintf("<source type='dir' path='%s'>", dom->tpm.state_path);
	bool ok = check_written(dom->tpm.state_path, dom->tpm.line, "<tpm>", what,
				"the TPM's state is written", dom, plan, t, d);
	free(what);
	return ok;
}

/* The WAV file of <audio type='file' path>, which QEMU writes. */
static bool check_audio_files(const struct domain *dom, const struct plan *plan,
			      const struct trust *t, struct diag *d)
{
	for (size_t i = 0; i < dom->desktop.naudios; i++) {
		const struct audio *a = &dom->desktop.audios[i];
		if (!a->path)
			continue;
		char *what = xasprintf("path='%s'", a->path);
		bool ok = check_written(a->path, a->line, "<audio>", what, "QEMU writes",
					dom, plan, t, d);
		free(what);
		if (!ok)
			return false;
	}
	return true;
}

/* An nvdimm's or virtio-pmem's <source><path>: QEMU maps it shared and
 * writes to it. */
static bool check_nvdimms(const struct domain *dom, const struct plan *plan,
			  const struct trust *t, struct diag *d)
{
	for (size_t i = 0; i < dom->memdevs.n; i++) {
		const struct memdev *m = &dom->memdevs.devs[i];
		if (m->model != MEMDEV_NVDIMM && m->model != MEMDEV_VIRTIO_PMEM)
			continue;
		char *what = xasprintf("<path>%s</path>", m->path);
		bool ok = check_written(m->path, m->line, "<memory>", what,
					"the guest's persistent memory is written",
					dom, plan, t, d);
		free(what);
		if (!ok)
			return false;
	}
	return true;
}

/* A passthrough <input> gives the guest a host event device, which QEMU
 * grabs: the host's own keyboard or mouse, typed-in passwords and all.
 * Which device a guest gets is the operator's choice, not the XML's. */
static bool check_inputs(const struct domain *dom, struct diag *d)
{
	for (size_t i = 0; i < dom->misc.ninputs; i++) {
		const struct input *in = &dom->misc.inputs[i];
		if (!in->evdev)
			continue;
		diag_error(d, EXIT_NOPERM, in->line, "<input>",
			   "type='passthrough' hands the host's event device %s to the guest (QEMU grabs it: the host no longer gets its input, the guest does); the XML may not choose which host device a guest gets: pass " LIFT,
			   in->evdev);
		return false;
	}
	return true;
}

/* <pstore>'s <path>: QEMU keeps the guest's error records there. */
static bool check_pstore(const struct domain *dom, const struct plan *plan,
			 const struct trust *t, struct diag *d)
{
	const struct pstore *ps = &dom->misc.pstore;
	char *what = xasprintf("<path>%s</path>", ps->path);
	bool ok = check_written(ps->path, ps->line, "<pstore>", what,
				"the guest's error records are written", dom, plan, t, d);
	free(what);
	return ok;
}

bool trust_check(const struct domain *dom, const struct plan *plan,
		 const struct trust *t, struct diag *d)
{
	if (t->trust_xml)
		return true;
	if (dom->os.nvram && !check_nvram(dom, plan, t, d))
		return false;
	if (t->runs_emulator && !t->emulator_given && dom->emulator &&
	    !check_emulator(dom, plan, d))
		return false;
	if (dom->tpm.line && dom->tpm.backend == TPM_EMULATOR &&
	    dom->tpm.state_path && !check_tpm_state(dom, plan, t, d))
		return false;
	if (!check_audio_files(dom, plan, t, d) || !check_nvdimms(dom, plan, t, d))
		return false;
	if (dom->misc.pstore.line && !check_pstore(dom, plan, t, d))
		return false;
	return check_helper_binaries(dom, d) && check_tap_scripts(dom, d) &&
	       check_inputs(dom, d);
}
