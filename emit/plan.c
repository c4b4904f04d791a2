/* plan_build(): the order of the command line, the emulator, the state dir. */
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"
#include "act/files.h"
#include "act/host.h"

const char *plan_state_dir(struct build *b)
{
	/* Chosen on first use: a guest that puts nothing there needs none. */
	if (!b->plan->state_dir && !diag_failed(b->d))
		b->plan->state_dir = state_dir_choose(b->dom, b->opts->state_dir, b->d);
	if (b->plan->state_dir)
		b->plan->state_dir_used = true;
	return b->plan->state_dir;
}

struct plan_file *plan_add_file(struct plan *plan)
{
	XGROW(plan->files, plan->nfiles, plan->files_alloc);
	struct plan_file *f = &plan->files[plan->nfiles++];
	memset(f, 0, sizeof(*f));
	return f;
}

/* argv[0]: --emulator, else <emulator>, else qemu-system-x86_64 in PATH. */
static void choose_emulator(struct build *b)
{
	const struct domain *dom = b->dom;
	const char *given = b->opts->emulator ? b->opts->emulator : dom->emulator;
	if (given) {
		char *resolved = host_find_in_path(given);
		if (resolved) {
			argv_push_owned(b->argv, resolved);
		} else if (!b->opts->exec) {
			diag_note(b->d, 0, NULL, "emulator %s is not on this machine", given);
			argv_push(b->argv, given);
		} else if (b->opts->emulator) {
			diag_path_error(b->d, EXIT_UNAVAILABLE, given,
					"emulator not found or not executable");
		} else {
			diag_error(b->d, EXIT_UNAVAILABLE, dom->emulator_line,
				   "<emulator>", "%s is not there or not executable; install QEMU or pass --emulator PATH",
				   given);
		}
		return;
	}
	char *found = host_find_in_path("qemu-system-x86_64");
	if (found) {
		diag_note(b->d, 0, NULL, "emulator: %s (from PATH)", found);
		argv_push_owned(b->argv, found);
		return;
	}
	if (b->opts->exec) {
		diag_path_error(b->d, EXIT_UNAVAILABLE, NULL,
				"qemu-system-x86_64 is not in PATH; install QEMU or pass --emulator PATH");
		return;
	}
	diag_path_warn(b->d, NULL,
		       "qemu-system-x86_64 is not in PATH; the command names it bare");
	argv_push(b->argv, "qemu-system-x86_64");
}

bool plan_build(const struct domain *dom, const struct plan_options *opts,
		struct plan *plan, struct diag *d)
{
	struct build b = {
		.dom = dom,
		.opts = opts,
		.plan = plan,
		.d = d,
		.argv = &plan->argv,
		.pci = { .family = dom->os.family },
		.sev = dom->launch.type != LAUNCH_NONE,
		.snp = dom->launch.type == LAUNCH_SEV_SNP,
	};
	b.es = b.snp || (dom->launch.type == LAUNCH_SEV &&
			 (dom->launch.policy & SEV_POLICY_ES));

	choose_emulator(&b);
	if (diag_failed(d))
		return false;

	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_str(&kv, "guest", dom->name);
	kv_push(&kv, b.argv, "-name");
	if (dom->uuid)
		argv_pair(b.argv, "-uuid", dom->uuid);
	b.boot = boot_plan(dom);
	if (!firmware_resolve(&b)) {
		firmware_release(&b.fw);
		return false;
	}
	build_machine(&b);
	if (b.sev)
		build_launch_security(&b);
	if (diag_failed(d)) {
		firmware_release(&b.fw);
		return false;
	}
	build_cpu(&b);
	build_memory_cpus(&b);
	build_memory_backing(&b);
	build_firmware(&b);
	firmware_release(&b.fw);
	if (diag_failed(d))
		return false;
	argv_push(b.argv, "-nodefaults");
	argv_push(b.argv, "-no-user-config");
	build_display(&b);
	build_clock(&b);
	build_lifecycle(&b);
	/* Controllers first: disks and channels sit on their buses. */
	build_controllers(&b);
	build_disks(&b);
	build_interfaces(&b);
	build_chardevs(&b);
	build_misc(&b);
	if (diag_failed(d))
		return false;
	if (opts->qmp) {
		/* "unix:PATH" is the implied first value: its commas double too. */
		char *where = xasprintf("unix:%s", opts->qmp);
		kv_begin(&kv, where);
		free(where);
		kv_bool(&kv, "server", true);
		kv_bool(&kv, "wait", false);
		kv_push(&kv, b.argv, "-qmp");
	}
	if (opts->paused)
		argv_push(b.argv, "-S");
	/* <qemu:commandline>: last, as written, so that it can override. */
	for (size_t i = 0; i < dom->qemu.nargs; i++)
		argv_push(b.argv, dom->qemu.args[i]);
	for (size_t i = 0; i < dom->qemu.nenv; i++)
		argv_push(&plan->env, dom->qemu.env[i]);
	return true;
}

void plan_free(struct plan *plan)
{
	argv_clear(&plan->argv);
	argv_clear(&plan->env);
	for (size_t i = 0; i < plan->nfiles; i++) {
		struct plan_file *f = &plan->files[i];
		free(f->path);
		free(f->dir);
		free(f->name);
		if (f->content && f->secret)
			explicit_bzero(f->content, f->size);
		free(f->content);
		free(f->template);
	}
	free(plan->files);
	free(plan->state_dir);
	memset(plan, 0, sizeof(*plan));
	plan->argv.v = plan->env.v = argv_empty;
}
