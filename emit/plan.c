/*
 * plan_build(): the emit side's registration table.  The builders run in
 * the order of the command line; each appends its family's options (a
 * controller before the disks on its bus, a root port before its device).
 * Adding a family is one builder file and one row here.
 */
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

static builder *const builders[] = {
	build_identity,
	build_machine,
	build_launch_security,
	build_cpu,
	build_memory_cpus,
	build_iothreads,
	build_memory_backing,
	build_numa,
	build_memory_devices,
	build_firmware,
	build_sysinfo,
	build_defaults,
	build_audiodev,
	build_display,
	build_spice,
	build_local_display,
	build_clock,
	build_lifecycle,
	build_power,
	build_hypervisor_extras,
	build_controllers,
	build_disks,
	build_filesystems,
	build_interfaces,
	build_hostdevs,
	build_chardevs,
	build_tpm,
	build_misc,
	build_sounds,
	build_redirdevs,
	build_monitor,
	build_passthrough,
};

bool plan_build(const struct domain *dom, const struct plan_options *opts,
		const struct host_facts *host, struct plan *plan,
		struct diag *d)
{
	const struct launch_security *ls = &dom->launch;
	struct build b = {
		.dom = dom,
		.opts = opts,
		.host = host,
		.plan = plan,
		.d = d,
		.argv = &plan->argv,
		.pci = { .family = dom->os.family },
		.sev = ls->type != LAUNCH_NONE,
		.snp = ls->type == LAUNCH_SEV_SNP,
		.es = ls->es,
	};
	argv_push(b.argv, host->emulator);
	b.boot = boot_plan(dom);
	firmware_resolve(&b);
	for (size_t i = 0; i < sizeof(builders) / sizeof(*builders) &&
			   !diag_failed(d); i++)
		builders[i](&b);
	firmware_release(&b.fw);
	return !diag_failed(d);
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
	for (size_t i = 0; i < plan->ntypes; i++)
		free(plan->types[i].name);
	free(plan->types);
	for (size_t i = 0; i < plan->nhelpers; i++) {
		struct plan_helper *h = &plan->helpers[i];
		argv_clear(&h->argv);
		argv_clear(&h->setup);
		argv_clear(&h->reconfigure);
		free(h->setup_done);
		free(h->state);
		free(h->socket);
		free(h->pid_file);
		free(h->log);
	}
	free(plan->helpers);
	memset(plan, 0, sizeof(*plan));
	plan->argv.v = plan->env.v = argv_empty;
}
