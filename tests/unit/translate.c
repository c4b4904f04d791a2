/* act/translate.h: read -> parse -> host facts -> plan, as sevqemu.c runs it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "act/translate.h"
#include "lib/xalloc.h"
#include "tests.h"
#include "testutil.h"

#define T(f) UNIT_TEST("translate", f)

/* A q35 guest named NAME with DEVICES and launch-security block LS. */
static char *guest(const char *name, const char *devices, const char *ls)
{
	return xasprintf(
		"<domain type='kvm'>\n"
		"  <name>%s</name>\n"
		"  <memory unit='MiB'>512</memory>\n"
		"  <os><type arch='x86_64' machine='q35'>hvm</type>"
		"<loader readonly='yes' type='pflash'>/fw/CODE.fd</loader></os>\n"
		"  <features><acpi/></features>\n"
		"  <devices>%s</devices>\n%s"
		"</domain>\n",
		name, devices ? devices : "", ls ? ls : "");
}

struct run {
	struct translation t;
	struct diag d;
	bool ok;
};

static void run_xml(char *xml, struct translate_options *o, struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->t = (struct translation)TRANSLATION_INIT;
	diag_init(&r->d, "t.xml", NULL, VERB_NORMAL);
	if (!o->emulator)
		o->emulator = "/nonexistent/qemu-system-x86_64";
	if (!o->state_dir && !o->recorded_cpuid)
		o->recorded_cpuid = "0:0";
	r->ok = translate_buffer(xml, strlen(xml), o, &r->t, &r->d);
}

static void done(struct run *r)
{
	translation_free(&r->t);
	diag_release(&r->d);
}

/* The argument after OPTION whose value starts with PREFIX, or NULL. */
static const char *option(const struct plan *plan, const char *opt,
			  const char *prefix)
{
	for (size_t i = 1; i + 1 < plan->argv.n; i++)
		if (strcmp(plan->argv.v[i], opt) == 0 &&
		    strncmp(plan->argv.v[i + 1], prefix, strlen(prefix)) == 0)
			return plan->argv.v[i + 1];
	return NULL;
}

static void cbitpos_comes_from_recorded_cpuid(void **state)
{
	struct translate_options o = { .state_dir = "/nonexistent/s",
				       .recorded_cpuid = "0001000f:0000016f" };
	struct run r;
	run_xml(guest("g", NULL, "<launchSecurity type='sev'><policy>0x3</policy></launchSecurity>\n"),
		&o, &r);
	assert_true(r.ok);
	assert_string_equal(option(&r.t.plan, "-object", "sev-guest"),
			    "sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1,policy=0x3");
	assert_string_equal(r.t.plan.launch_object, "sev-guest");
	assert_string_equal(r.t.plan.argv.v[0], "/nonexistent/qemu-system-x86_64");
	done(&r);
}

static void no_cbitpos_anywhere_is_65(void **state)
{
	struct translate_options o = { .state_dir = "/nonexistent/s",
				       .recorded_cpuid = "0:0" };
	struct run r;
	run_xml(guest("g", NULL, "<launchSecurity type='sev'/>\n"), &o, &r);
	assert_false(r.ok);
	assert_int_equal(r.d.status, 65);
	assert_non_null(strstr(r.d.error, "no cbitpos"));
	done(&r);
}

/* A name that cannot name the state dir matters only when something
 * goes there. */
static void unusable_state_dir_name_is_reported_only_when_used(void **state)
{
	struct translate_options o = { .recorded_cpuid = "0:0" };
	struct run r;
	run_xml(guest("a/b", NULL, NULL), &o, &r);
	assert_true(r.ok);
	assert_null(r.t.plan.state_dir);
	done(&r);

	struct translate_options o2 = { .recorded_cpuid = "0:0" };
	run_xml(guest("a/b", "<serial type='unix'><source mode='bind'/></serial>", NULL),
		&o2, &r);
	assert_false(r.ok);
	assert_int_equal(r.d.status, 73);
	assert_non_null(strstr(r.d.error, "cannot name the state dir"));
	done(&r);
}

/* --probe asks about the types the builders used, each once. */
static void types_are_recorded_once_in_command_line_order(void **state)
{
	struct translate_options o = { .state_dir = "/nonexistent/s" };
	struct run r;
	run_xml(guest("g",
		      "<disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/></disk>"
		      "<disk type='file'><source file='/b'/><target dev='vdb' bus='virtio'/></disk>",
		      NULL),
		&o, &r);
	assert_true(r.ok);
	const struct plan *p = &r.t.plan;
	assert_true(p->ntypes >= 3);
	assert_string_equal(p->types[0].option, "machine");
	assert_string_equal(p->types[0].name, "q35");
	size_t blk = 0, ports = 0;
	for (size_t i = 0; i < p->ntypes; i++) {
		blk += strcmp(p->types[i].name, "virtio-blk-pci") == 0;
		ports += strcmp(p->types[i].name, "pcie-root-port") == 0;
	}
	assert_int_equal(blk, 1);
	assert_int_equal(ports, 1);
	assert_null(p->launch_object);
	done(&r);
}

static void missing_emulator_fails_only_for_exec(void **state)
{
	struct translate_options o = { .state_dir = "/nonexistent/s" };
	struct run r;
	run_xml(guest("g", NULL, NULL), &o, &r);
	assert_true(r.ok);
	done(&r);

	struct translate_options x = { .state_dir = "/nonexistent/s", .exec = true };
	run_xml(guest("g", NULL, NULL), &x, &r);
	assert_false(r.ok);
	assert_int_equal(r.d.status, 69);
	assert_true(r.t.parsed);
	done(&r);
}

int run_translate_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(cbitpos_comes_from_recorded_cpuid),
		T(no_cbitpos_anywhere_is_65),
		T(unusable_state_dir_name_is_reported_only_when_used),
		T(types_are_recorded_once_in_command_line_order),
		T(missing_emulator_fails_only_for_exec),
	};
	return RUN_GROUP("translate (act/translate.h)", tests);
}
