#include "act/translate.h"

#include <stdlib.h>

#include "act/domcaps.h"
#include "act/helpers.h"
#include "act/host.h"
#include "act/hostscsi.h"
#include "act/hostsmbios.h"
#include "act/disksecrets.h"
#include "act/diskstart.h"
#include "act/statedir.h"
#include "parse/xml.h"

/* What the planner needs to know of this host, asked before it plans. */
static bool gather_host(const struct translate_options *o,
			const struct domain *dom, struct host_facts *host,
			struct diag *d)
{
	if (o->domcaps) {
		if (!domcaps_read(o->domcaps, &host->domcaps, d))
			return false;
		host->have_domcaps = true;
	}
	struct sev_cpuid cpuid = { 0 };
	if (!o->recorded_cpuid) {
		host_read_cpuid(&cpuid);
	} else if (!host_parse_cpuid(o->recorded_cpuid, &cpuid)) {
		diag_path_error(d, EXIT_USAGE, o->recorded_cpuid_from,
				"'%s' is not EAX:EBX in hex", o->recorded_cpuid);
		return false;
	}
	host->cpuid_sev = host_cbitpos(&cpuid, &host->cpuid_cbitpos);
	host->emulator = host_choose_emulator(dom, o->emulator, o->exec, d);
	if (!host->emulator)
		return false;
	state_dir_choose(dom, o->state_dir, &host->state_dir);
	helpers_find(dom, host);
	if (!network_bridges_resolve(dom, &o->network, host, d))
		return false;
	const struct spice *spice = &dom->desktop.spice;
	if (spice->line && spice->port < 0 && spice->listen_type == LISTEN_ADDRESS)
		host->spice_port = host_free_port(5900);
	if (dom->sysinfo.mode == SMBIOS_HOST)
		host_read_smbios(host, o->recorded_dmi);
	if (!host_scsi_generic(dom, o->host_root, host, d))
		return false;
	return secrets_read(o->secrets, o->nsecrets, host, d);
}

bool translate_buffer(char *xml, size_t len, const struct translate_options *o,
		      struct translation *t, struct diag *d)
{
	t->xml = xml;
	t->len = len;
	t->parsed = parse_domain(xml, len, &o->parse, &t->dom, d) &&
		    (!o->dh_cert || parse_blob_file(&t->dom, "dh-cert", o->dh_cert, d)) &&
		    (!o->session || parse_blob_file(&t->dom, "session", o->session, d));
	return t->parsed && disks_apply_startup_policy(&t->dom, d) &&
	       gather_host(o, &t->dom, &t->host, d) &&
	       plan_build(&t->dom, &o->plan, &t->host, &t->plan, d);
}

bool translate_file(const char *input, const struct translate_options *o,
		    struct translation *t, struct diag *d)
{
	size_t len = 0;
	char *xml = xml_slurp(input, &len, d);
	return xml && translate_buffer(xml, len, o, t, d);
}

void translation_free(struct translation *t)
{
	free(t->xml);
	plan_free(&t->plan);
	host_smbios_release(&t->host);
	host_scsi_generic_release(&t->host);
	secrets_release(&t->host);
	host_facts_release(&t->host);
	domain_free(&t->dom);
}
