/* The options that belong to no device: the guest's name and uuid, the
 * defaults sevqemu always sets, the monitor, and <qemu:commandline>. */
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

static void record_type(struct plan *plan, const char *option, char *name)
{
	for (size_t i = 0; i < plan->ntypes; i++)
		if (plan->types[i].option == option &&
		    strcmp(plan->types[i].name, name) == 0) {
			free(name);
			return;
		}
	XGROW(plan->types, plan->ntypes, plan->types_alloc);
	plan->types[plan->ntypes++] = (struct plan_type){ option, name };
}

void build_push(struct build *b, struct keyval *kv, const char *option)
{
	static const char *const typed[] = { "machine", "cpu", "object", "device" };
	for (size_t i = 0; i < sizeof(typed) / sizeof(*typed); i++) {
		char *head;
		if (strcmp(option + 1, typed[i]) == 0 && (head = kv_head(kv)))
			record_type(b->plan, typed[i], head);
	}
	kv_push(kv, b->argv, option);
}

void build_identity(struct build *b)
{
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_str(&kv, "guest", b->dom->name);
	kv_push(&kv, b->argv, "-name");
	if (b->dom->uuid)
		argv_pair(b->argv, "-uuid", b->dom->uuid);
}

/* Only what the XML names: no default devices, no user config files. */
void build_defaults(struct build *b)
{
	argv_push(b->argv, "-nodefaults");
	argv_push(b->argv, "-no-user-config");
}

/* --qmp and --paused: the attestation flow's socket, and a stopped start. */
void build_monitor(struct build *b)
{
	if (b->opts->qmp) {
		/* A socket chardev with path=, not -qmp unix:PATH: there the path
		 * is an implied first value, and an '=' in it makes QEMU read it
		 * as a key. */
		struct keyval kv;
		kv_begin(&kv, "socket");
		kv_str(&kv, "id", "qmp0");
		kv_str(&kv, "path", b->opts->qmp);
		kv_bool(&kv, "server", true);
		kv_bool(&kv, "wait", false);
		kv_push(&kv, b->argv, "-chardev");
		argv_pair(b->argv, "-mon", "chardev=qmp0,mode=control");
	}
	if (b->opts->paused)
		argv_push(b->argv, "-S");
}

/* <qemu:commandline>: last, as written, so that it can override. */
void build_passthrough(struct build *b)
{
	const struct qemu_passthrough *q = &b->dom->qemu;
	for (size_t i = 0; i < q->nargs; i++)
		argv_push(b->argv, q->args[i]);
	for (size_t i = 0; i < q->nenv; i++)
		argv_push(&b->plan->env, q->env[i]);
}
