/*
 * <tpm>: -chardev socket + -tpmdev emulator + -device tpm-tis|tpm-crb, as
 * libvirt writes them (ids chrtpm, tpm-tpm0, tpm0), and the swtpm that
 * serves it: described here as a helper, started by act/helpers.c.
 *
 * The swtpm's files sit in the guest's state dir: swtpm.sock (its control
 * channel, where QEMU connects), swtpm.pid, swtpm.log, and the TPM state in
 * tpm2/ or tpm1.2/ (0700; libvirt's layout) unless <source type='dir'>
 * names another directory.  First use creates the state as libvirt does:
 * swtpm_setup with the VM id, EK and platform certificates, locked NVRAM,
 * never overwriting a state that exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

#define TPM_CHARDEV "chrtpm"
#define TPM_BACKEND "tpm-tpm0"

/* swtpm's own option syntax splits at commas and has no escape. */
static bool swtpm_safe(struct build *b, const char *path)
{
	if (!strchr(path, ','))
		return true;
	diag_error(b->d, EXIT_UNAVAILABLE, b->dom->tpm.line, "<tpm>",
		   "%s holds a comma, which swtpm's options cannot carry; expected a path without one (--state-dir, or <source type='dir' path=...>)",
		   path);
	return false;
}

/* swtpm_setup: creates the state the first time, as libvirt does. */
static void setup_argv(struct build *b, struct plan_helper *h)
{
	const struct domain *dom = b->dom;
	const struct tpm *t = &dom->tpm;
	struct argv *a = &h->setup;
	argv_push(a, b->host->swtpm_setup ? b->host->swtpm_setup : "swtpm_setup");
	argv_pair(a, "--tpm-state", h->state);
	char *vmid = dom->uuid ? xasprintf("%s:%s", dom->name, dom->uuid)
			       : xstrdup(dom->name);
	argv_pair(a, "--vmid", vmid);
	free(vmid);
	argv_pair(a, "--logfile", h->log);
	argv_push(a, "--createek");
	argv_push(a, "--create-ek-cert");
	argv_push(a, "--create-platform-cert");
	argv_push(a, "--lock-nvram");
	argv_push(a, "--not-overwrite");
	if (t->tpm2)
		argv_push(a, "--tpm2");
	if (t->pcr_banks)
		argv_pair(a, "--pcr-banks", t->pcr_banks);
	h->setup_package = "swtpm-tools";
	if (t->pcr_banks) {
		/* An existing state gets the banks the XML asks for, each start. */
		struct argv *r = &h->reconfigure;
		argv_push(r, a->v[0]);
		argv_pair(r, "--tpm-state", h->state);
		argv_pair(r, "--logfile", h->log);
		argv_push(r, "--tpm2");
		argv_push(r, "--reconfigure");
		argv_pair(r, "--pcr-banks", t->pcr_banks);
	}
	h->setup_done = xasprintf("%s/%s", h->state,
				  t->tpm2 ? "tpm2-00.permall" : "tpm-00.permall");
}

/* The swtpm for an emulator backend; its control socket, or NULL. */
static const char *add_swtpm(struct build *b)
{
	const struct tpm *t = &b->dom->tpm;
	const char *dir = plan_state_dir(b);
	if (!dir)
		return NULL;
	char *sock = state_dir_socket_path(b, dir, "swtpm.sock", t->line, "<tpm>");
	if (!sock)
		return NULL;
	struct plan_helper *h = plan_add_helper(b->plan, "swtpm",
		&(struct helper_place){ "swtpm", "<tpm>", t->line, sock, dir, "swtpm" });
	h->writes_pid_file = true;
	h->state = t->state_path ? xstrdup(t->state_path)
		 : xasprintf("%s/%s", dir, t->tpm2 ? "tpm2" : "tpm1.2");
	if (!swtpm_safe(b, dir) || !swtpm_safe(b, h->state))
		return NULL;
	struct argv *a = &h->argv;
	argv_push(a, b->host->swtpm ? b->host->swtpm : "swtpm");
	argv_push(a, "socket");
	argv_push(a, "--ctrl");
	argv_pushf(a, "type=unixio,path=%s,mode=0600", h->socket);
	argv_push(a, "--tpmstate");
	argv_pushf(a, "dir=%s,mode=0600", h->state);
	argv_push(a, "--log");
	argv_pushf(a, "file=%s", h->log);
	/* Ends when QEMU's connection ends. */
	argv_push(a, "--terminate");
	argv_push(a, "--pid");
	argv_pushf(a, "file=%s", h->pid_file);
	if (t->tpm2)
		argv_push(a, "--tpm2");
	setup_argv(b, h);
	if (b->sev)
		diag_note(b->d, t->line, "<tpm>",
			  "the TPM is emulated by swtpm on the host, outside the guest's encryption: the host can read and change its state");
	return h->socket;
}

void build_tpm(struct build *b)
{
	const struct tpm *t = &b->dom->tpm;
	if (!t->line)
		return;
	struct keyval kv;
	if (t->backend == TPM_PASSTHROUGH) {
		/* The cancel file of the host TPM the device path names. */
		const char *slash = strrchr(t->device, '/');
		char *cancel = xasprintf("/sys/class/tpm/%s/device/cancel", slash + 1);
		kv_begin(&kv, "passthrough");
		kv_str(&kv, "id", TPM_BACKEND);
		kv_str(&kv, "path", t->device);
		kv_str(&kv, "cancel-path", cancel);
		kv_push(&kv, b->argv, "-tpmdev");
		free(cancel);
	} else {
		const char *sock = t->backend == TPM_EXTERNAL ? t->socket : add_swtpm(b);
		if (!sock)
			return;
		kv_begin(&kv, "socket");
		kv_str(&kv, "id", TPM_CHARDEV);
		kv_str(&kv, "path", sock);
		kv_push(&kv, b->argv, "-chardev");
		kv_begin(&kv, "emulator");
		kv_str(&kv, "id", TPM_BACKEND);
		kv_str(&kv, "chardev", TPM_CHARDEV);
		kv_push(&kv, b->argv, "-tpmdev");
	}
	kv_begin(&kv, t->model == TPM_CRB ? "tpm-crb" : "tpm-tis");
	kv_str(&kv, "tpmdev", TPM_BACKEND);
	kv_str(&kv, "id", "tpm0");
	build_push(b, &kv, "-device");
}
