#include "act/helpers.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act/host.h"
#include "act/output.h"
#include "act/supervise.h"
#include "act/swtpm.h"
#include "lib/xalloc.h"

/* Where distributions put virtiofsd: Debian 12 ships QEMU's own in
 * /usr/lib/qemu; the Rust one goes to /usr/libexec. */
static const char *const virtiofsd_places[] = {
	"/usr/libexec/virtiofsd", "/usr/lib/qemu/virtiofsd", NULL,
};
/* vhost-user-gpu is QEMU's own: Debian 12 (qemu-system-gui) puts it in
 * /usr/lib/qemu, Fedora in /usr/libexec. */
static const char *const vhost_user_gpu_places[] = {
	"/usr/libexec/vhost-user-gpu", "/usr/lib/qemu/vhost-user-gpu", NULL,
};

/* The first executable of PLACES, else PROGRAM in PATH (NULL: none). */
static char *find_helper(const char *const *places, const char *program)
{
	for (size_t i = 0; places[i]; i++)
		if (access(places[i], X_OK) == 0)
			return xstrdup(places[i]);
	return host_find_in_path(program);
}

void helpers_find(const struct domain *dom, struct host_facts *host)
{
	if (dom->tpm.line && dom->tpm.backend == TPM_EMULATOR) {
		host->swtpm = host_find_in_path("swtpm");
		host->swtpm_setup = host_find_in_path("swtpm_setup");
	}
	bool virtiofs = false;
	for (size_t i = 0; i < dom->nfilesystems; i++)
		virtiofs |= dom->filesystems[i].driver == FS_VIRTIOFS &&
			    !dom->filesystems[i].socket && !dom->filesystems[i].binary;
	if (virtiofs)
		host->virtiofsd = find_helper(virtiofsd_places, "virtiofsd");
	bool gpu = false;
	for (size_t i = 0; i < dom->misc.nvideos; i++)
		gpu |= dom->misc.videos[i].vhostuser;
	if (gpu)
		host->vhost_user_gpu = find_helper(vhost_user_gpu_places, "vhost-user-gpu");
	for (size_t i = 0; i < dom->ndisks && !host->pr_helper; i++)
		if (dom->disks[i].pr_managed)
			host->pr_helper = host_find_in_path("qemu-pr-helper");
	if (dom->desktop.display.private_bus)
		host->dbus_daemon = host_find_in_path("dbus-daemon");
}

static bool installed(const struct plan_helper *h, const char *program,
		      const char *package, struct diag *d)
{
	if (program[0] == '/' && access(program, X_OK) == 0)
		return true;
	diag_error(d, EXIT_UNAVAILABLE, h->line, h->element,
		   "%s is %s; install the Debian package %s", program,
		   program[0] == '/' ? "not there or not executable" : "not installed (not in PATH)",
		   package);
	return false;
}

/* The pid in H's pid file when that process is alive, else 0. */
static long running_pid(const struct plan_helper *h)
{
	FILE *f = fopen(h->pid_file, "re");
	long pid = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0)
		pid = 0;
	fclose(f);
	if (pid && kill((pid_t)pid, 0) != 0 && errno != EPERM)
		return 0;
	/* A zombie has ended already. */
	char stat_path[64], state = 0;
	snprintf(stat_path, sizeof(stat_path), "/proc/%ld/stat", pid);
	f = pid ? fopen(stat_path, "re") : NULL;
	if (f) {
		if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
			state = 0;
		fclose(f);
	}
	return state == 'Z' ? 0 : pid;
}

bool helpers_check(const struct plan *plan, struct diag *d)
{
	for (size_t i = 0; i < plan->nhelpers; i++) {
		const struct plan_helper *h = &plan->helpers[i];
		if (!installed(h, h->argv.v[0], h->package, d) ||
		    (h->setup.n && !installed(h, h->setup.v[0], h->setup_package, d)))
			return false;
		long pid = running_pid(h);
		if (pid) {
			diag_error(d, EXIT_HELPERS_RUNNING, h->line, h->element,
				   "this guest's %s is still running (pid %ld, from %s); a second launch is refused — stop the guest first",
				   h->name, pid, h->pid_file);
			return false;
		}
		if (unix_socket_state(h->socket) & SOCKET_LISTENING) {
			diag_error(d, EXIT_HELPERS_RUNNING, h->line, h->element,
				   "something already listens on %s, this guest's %s socket; a second launch is refused — stop the guest first",
				   h->socket, h->name);
			return false;
		}
	}
	return true;
}

static void describe_argv(FILE *out, const char *what, const struct argv *a)
{
	fprintf(out, "sevqemu: %s:", what);
	for (size_t i = 0; i < a->n; i++) {
		char *q = shell_quote(a->v[i]);
		fprintf(out, " %s", q);
		free(q);
	}
	fputc('\n', out);
}

void helpers_describe(FILE *out, const struct plan *plan)
{
	for (size_t i = 0; i < plan->nhelpers; i++) {
		const struct plan_helper *h = &plan->helpers[i];
		const struct argv *first = helper_needs_setup(h) ? &h->setup
					   : h->reconfigure.n ? &h->reconfigure : NULL;
		if (first) {
			const char *slash = strrchr(first->v[0], '/');
			char *what = xasprintf("would run %s", slash ? slash + 1 : first->v[0]);
			describe_argv(out, what, first);
			free(what);
		}
		char *what = xasprintf("would start %s", h->name);
		describe_argv(out, what, &h->argv);
		free(what);
	}
}

bool helpers_start(const struct plan *plan, const struct helper_options *o,
		   struct diag *d)
{
	if (!plan->nhelpers)
		return true;
	struct prepared *prep = xcalloc(plan->nhelpers, sizeof(*prep));
	size_t made = 0;
	bool ok = true;
	for (; made < plan->nhelpers && ok; made++)
		ok = helper_prepare(&plan->helpers[made], &prep[made], d);
	struct supervise_options so = { .wait = o->wait, .watch_self = o->exec };
	struct supervise_result r;
	if (ok && !supervise_start(plan, &so, &r)) {
		const struct plan_helper *h = &plan->helpers[r.failed];
		char *tail = log_tail(h->log);
		diag_error(d, EXIT_OSERR, h->line, h->element,
			   "%s %s; %s%s", h->name, r.why,
			   *tail ? "its log says: " : "its log is empty: ",
			   *tail ? tail : h->log);
		free(tail);
		ok = false;
	}
	if (!ok) {
		/* Made-now state goes; everything already started is stopped. */
		for (size_t i = 0; i < made; i++)
			helper_unprepare(&plan->helpers[i], &prep[i]);
	} else {
		for (size_t i = 0; i < plan->nhelpers; i++)
			diag_path_note(d, plan->helpers[i].socket, "%s listens here (log: %s)",
				       plan->helpers[i].name, plan->helpers[i].log);
	}
	free(prep);
	return ok;
}
