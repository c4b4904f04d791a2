/* <cpu> (mode, model, features, topology) and <memoryBacking>. */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

static void parse_cpu_model(struct parser *p, const xmlNode *n)
{
	struct cpu *cpu = &p->dom->cpu;
	static const char *const known[] = { "fallback", "vendor_id", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *vendor = xml_attr(n, "vendor_id");
	if (vendor && (strlen(vendor) != 12 || !plain_name(vendor))) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "vendor_id='%s' is not valid; expected 12 letters or digits, e.g. AuthenticAMD",
			   vendor);
		return;
	}
	if (vendor)
		cpu->vendor_id = xstrdup(vendor);
	if (!text_once(p, n, &cpu->model))
		return;
	if (!*cpu->model && cpu->mode != CPU_CUSTOM) {
		/* <model fallback='allow'/> of a host-model CPU: no name. */
		free(cpu->model);
		cpu->model = NULL;
		return;
	}
	if (!plain_name(cpu->model))
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "'%s' is not a CPU model name; expected e.g. EPYC-Rome or EPYC-Milan",
			   cpu->model);
}

static void parse_cpu_feature(struct parser *p, const xmlNode *n)
{
	struct cpu *cpu = &p->dom->cpu;
	static const char *const policies[] = {
		"force", "require", "optional", "disable", "forbid", NULL,
	};
	static const char *const known[] = { "policy", "name", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *name = attr_required(p, n, "name");
	if (!name || !attr_required(p, n, "policy"))
		return;
	int policy = attr_choice(p, n, "policy", policies);
	if (policy < 0)
		return;
	if (!plain_name(name)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "name='%s' is not a CPU feature name; expected e.g. x2apic",
			   name);
		return;
	}
	for (size_t i = 0; i < cpu->nfeatures; i++) {
		if (strcmp(cpu->features[i].name, name) == 0) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "name='%s' is given twice; expected each feature once",
				   name);
			return;
		}
	}
	XGROW(cpu->features, cpu->nfeatures, cpu->features_alloc);
	cpu->features[cpu->nfeatures].name = xstrdup(name);
	/* force, require and optional ask for it; disable and forbid not. */
	cpu->features[cpu->nfeatures].enable = policy <= 2;
	cpu->nfeatures++;
}

static void parse_topology(struct parser *p, const xmlNode *n)
{
	struct cpu *cpu = &p->dom->cpu;
	if (cpu->topology_line) {
		duplicate(p, n);
		return;
	}
	cpu->topology_line = xml_line(n);
	static const char *const names[] = { "sockets", "dies", "cores", "threads" };
	unsigned *slots[] = { &cpu->sockets, &cpu->dies, &cpu->cores, &cpu->threads };
	for (size_t i = 0; i < 4 && !diag_failed(p->d); i++) {
		uint64_t v = 1;
		if (!xml_attr(n, names[i])) {
			if (i != 1) { /* dies may be left out: 1 */
				diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
					   "the attribute %s= is missing; expected sockets, cores and threads (dies optional)",
					   names[i]);
				return;
			}
		} else if (!attr_decimal(p, n, names[i], 1, 4096, &v)) {
			return;
		}
		*slots[i] = (unsigned)v;
	}
	uint64_t clusters = 1;
	if (xml_attr(n, "clusters") && attr_decimal(p, n, "clusters", 1, 4096, &clusters) &&
	    clusters > 1)
		refuse(p, n, "clusters='%llu': QEMU 7.2 has no CPU clusters on x86; expected clusters='1'",
		       (unsigned long long)clusters);
}

/* <cache mode='passthrough|emulate|disable' level='3'>: what the guest
 * sees of the CPU caches (QEMU's host-cache-info and l3-cache). */
static void parse_cpu_cache(struct parser *p, const xmlNode *n)
{
	struct cpu *cpu = &p->dom->cpu;
	static const char *const known[] = { "mode", "level", NULL };
	static const char *const modes[] = { "passthrough", "emulate", "disable", NULL };
	if (cpu->cache) {
		duplicate(p, n);
		return;
	}
	if (!known_attrs(p, n, known) || !attr_required(p, n, "mode"))
		return;
	int mode = attr_choice(p, n, "mode", modes);
	uint64_t level = 0;
	if (mode < 0 || (xml_attr(n, "level") && !attr_decimal(p, n, "level", 1, 3, &level)))
		return;
	if (mode == 1 && level != 3)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "mode='emulate' needs level='3'; expected <cache level='3' mode='emulate'/>");
	else if (mode != 1 && level)
		refuse(p, n, "level='%llu' with mode='%s': QEMU sets caches only as a whole",
		       (unsigned long long)level, modes[mode]);
	else if (mode == 0 && cpu->mode != CPU_HOST_PASSTHROUGH)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "mode='passthrough' needs <cpu mode='host-passthrough'>");
	else
		cpu->cache = CPU_CACHE_PASSTHROUGH + mode;
}

/* <maxphysaddr mode='passthrough|emulate' bits='N'>: the guest's physical
 * address width (QEMU's host-phys-bits, phys-bits). */
static void parse_maxphysaddr(struct parser *p, const xmlNode *n)
{
	struct cpu *cpu = &p->dom->cpu;
	static const char *const known[] = { "mode", "bits", "limit", NULL };
	static const char *const modes[] = { "passthrough", "emulate", NULL };
	uint64_t bits = 0;
	if (cpu->physaddr) {
		duplicate(p, n);
		return;
	}
	if (!known_attrs(p, n, known) || !attr_required(p, n, "mode"))
		return;
	int mode = attr_choice(p, n, "mode", modes);
	if (mode < 0 || (xml_attr(n, "bits") && !attr_decimal(p, n, "bits", 32, 52, &bits)))
		return;
	if (xml_attr(n, "limit"))
		refuse(p, n, "limit= needs QEMU 9.0's host-phys-bits-limit; QEMU 7.2 has none");
	else if (mode == 1 && !bits)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "mode='emulate' needs bits=; expected e.g. bits='42'");
	else if (mode == 0 && bits)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "mode='passthrough' takes the host's width; expected no bits=");
	else if (mode == 0 && cpu->mode != CPU_HOST_PASSTHROUGH)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "mode='passthrough' needs <cpu mode='host-passthrough'>");
	else
		cpu->physaddr = CPU_PHYS_PASSTHROUGH + mode, cpu->physaddr_bits = (unsigned)bits;
}

void parse_cpu(struct parser *p, const xmlNode *n)
{
	struct cpu *cpu = &p->dom->cpu;
	if (cpu->line) {
		duplicate(p, n);
		return;
	}
	cpu->line = xml_line(n);
	/* match, check and migratable steer libvirt's CPU comparison, which a
	 * QEMU started directly does not make. */
	static const char *const known[] = {
		"mode", "match", "check", "migratable", NULL,
	};
	if (!known_attrs(p, n, known))
		return;
	static const char *const modes[] = {
		"custom", "host-passthrough", "host-model", "maximum", NULL,
	};
	int mode = attr_choice(p, n, "mode", modes);
	if (mode == -2)
		return;
	static const char *const matches[] = { "exact", "minimum", "strict", NULL };
	int match = attr_choice(p, n, "match", matches);
	if (match == -2)
		return;
	cpu->mode = mode == 1 ? CPU_HOST_PASSTHROUGH
		  : mode == 2 ? CPU_HOST_MODEL
		  : mode == 3 ? CPU_MAXIMUM : CPU_CUSTOM;
	/* libvirt runs a custom CPU with match='minimum' as host-model. */
	if (cpu->mode == CPU_CUSTOM && match == 1)
		cpu->mode = CPU_HOST_MODEL;
	if (cpu->mode == CPU_HOST_MODEL)
		diag_note(p->d, cpu->line, XML_TAG(n),
			  "host-model becomes -cpu host under KVM, -cpu max under TCG: QEMU alone has no host-model expansion");
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "model"))
			parse_cpu_model(p, c);
		else if (xml_is(c, "feature"))
			parse_cpu_feature(p, c);
		else if (xml_is(c, "topology"))
			parse_topology(p, c);
		else if (xml_is(c, "numa"))
			parse_numa(p, c);
		else if (xml_is(c, "cache"))
			parse_cpu_cache(p, c);
		else if (xml_is(c, "maxphysaddr"))
			parse_maxphysaddr(p, c);
		else if (xml_is(c, "vendor"))
			diag_note(p->d, xml_line(c), XML_TAG(c),
				  "ignored: the model decides the vendor");
		else
			unsupported(p, c, NULL);
	}
	if (!diag_failed(p->d) && cpu->mode == CPU_CUSTOM && !cpu->model &&
	    cpu->nfeatures)
		diag_error(p->d, EXIT_DATAERR, cpu->line, XML_TAG(n),
			   "features without a <model>; expected <model>EPYC-Rome</model> or mode='host-passthrough'");
}

void check_cpu(struct parser *p)
{
	const struct domain *dom = p->dom;
	const struct cpu *cpu = &dom->cpu;
	if (cpu->mode == CPU_HOST_PASSTHROUGH && dom->type == VIRT_QEMU) {
		/* libvirt refuses it too: TCG has no host CPU to pass through. */
		diag_error(p->d, EXIT_DATAERR, cpu->line, "<cpu>",
			   "mode='host-passthrough' on a type='qemu' (TCG) guest; expected type='kvm', or mode='host-model' or 'maximum'");
		return;
	}
	if (dom->os.i686 && dom->launch.type != LAUNCH_NONE) {
		diag_error(p->d, EXIT_UNAVAILABLE, dom->os.line, "<os>",
			   "arch='i686' cannot be encrypted: SEV firmware (OVMF) and guests are 64-bit; expected arch='x86_64'");
		return;
	}
	if (!cpu->topology_line || diag_failed(p->d))
		return;
	unsigned long long product = (unsigned long long)cpu->sockets *
				     cpu->dies * cpu->cores * cpu->threads;
	if (product != dom->vcpus)
		diag_error(p->d, EXIT_DATAERR, cpu->topology_line, "<topology>",
			   "sockets x dies x cores x threads is %llu, but <vcpu> is %u; expected them equal",
			   product, dom->vcpus);
}

void parse_memory_backing(struct parser *p, const xmlNode *n)
{
	struct memory_backing *mb = &p->dom->memory_backing;
	if (mb->line) {
		duplicate(p, n);
		return;
	}
	mb->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "locked")) {
			mb->locked = true;
		} else if (xml_is(c, "hugepages")) {
			for (xmlNode *k = xml_first_element(c); k && !diag_failed(p->d);
			     k = xml_next_element(k))
				parse_hugepage_size(p, k);
			mb->hugepages = true;
		} else if (xml_is(c, "source")) {
			const char *type = xml_attr(c, "type");
			if (type && strcmp(type, "memfd") == 0)
				mb->memfd = true;
			else if (type && strcmp(type, "file") == 0)
				mb->file = true;
			else if (type && strcmp(type, "anonymous") != 0)
				diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
					   "type='%s' is not valid; expected 'file', 'anonymous' or 'memfd'",
					   type);
		} else if (xml_is(c, "access")) {
			static const char *const modes[] = { "shared", "private", NULL };
			int mode = attr_choice(p, c, "mode", modes);
			if (mode >= 0)
				mb->shared = mode == 0 ? TRI_ON : TRI_OFF;
		} else if (xml_is(c, "nosharepages")) {
			mb->nosharepages = true;
		} else if (xml_is(c, "discard")) {
			mb->discard = true;
		} else if (xml_is(c, "allocation")) {
			parse_allocation(p, c);
		} else {
			unsupported(p, c, NULL);
		}
	}
}

void free_cpu(struct domain *d)
{
	free(d->cpu.model);
	free(d->cpu.vendor_id);
	for (size_t i = 0; i < d->cpu.nfeatures; i++)
		free(d->cpu.features[i].name);
	free(d->cpu.features);
}
