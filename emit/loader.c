/* What QEMU loads: the firmware (-bios, or pflash through -blockdev, with
 * the guest's variable store) and a directly booted kernel. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit/build.h"

/* -blockdev file + raw (or qcow2) nodes for one flash unit, the format
 * node called NODE. */
static void flash_unit(struct build *b, const char *node, const char *path,
		       bool read_only, bool qcow2)
{
	char file_node[32];
	snprintf(file_node, sizeof(file_node), "%s-file", node);
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_str(&kv, "driver", "file");
	kv_str(&kv, "filename", path);
	kv_str(&kv, "node-name", file_node);
	if (read_only)
		kv_bool(&kv, "read-only", true);
	kv_push(&kv, b->argv, "-blockdev");
	kv_begin(&kv, NULL);
	kv_str(&kv, "driver", qcow2 ? "qcow2" : "raw");
	kv_str(&kv, "file", file_node);
	kv_str(&kv, "node-name", node);
	if (read_only)
		kv_bool(&kv, "read-only", true);
	kv_push(&kv, b->argv, "-blockdev");
}

/* <nvram type='network'>: the protocol node is pflash1 (raw), or under a
 * qcow2 node that is.  Nothing is created: the store is the server's. */
static void network_nvram(struct build *b)
{
	const struct os *os = &b->dom->os;
	const char *secret = "pflash1-auth";
	if (os->nvram_net->net.auth.line) {
		if (!disk_secret(b, &os->nvram_net->net.auth, secret))
			return;
	} else {
		secret = NULL;
	}
	struct keyval kv;
	kv_begin(&kv, NULL);
	network_keys(&kv, os->nvram_net, secret);
	kv_str(&kv, "node-name", os->nvram_qcow2 ? "pflash1-file" : "pflash1");
	kv_push(&kv, b->argv, "-blockdev");
	if (!os->nvram_qcow2)
		return;
	kv_begin(&kv, NULL);
	kv_str(&kv, "driver", "qcow2");
	kv_str(&kv, "file", "pflash1-file");
	kv_str(&kv, "node-name", "pflash1");
	kv_push(&kv, b->argv, "-blockdev");
}

/* A missing variable store is made from its template on a real run. */
static void plan_nvram(struct build *b)
{
	const struct firmware *fw = &b->fw;
	const struct os *os = &b->dom->os;
	unsigned line = os->nvram_line ? os->nvram_line : os->line;
	const char *tag = os->nvram_line ? "<nvram>" : "<os>";
	struct stat st;
	if (stat(fw->nvram, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			diag_error(b->d, EXIT_DATAERR, line, tag,
				   "%s is not a regular file; expected the guest's variable store",
				   fw->nvram);
		return;
	}
	if (errno != ENOENT) {
		diag_error(b->d, EXIT_NOINPUT, line, tag, "cannot look at %s: %s",
			   fw->nvram, strerror(errno));
		return;
	}
	if (!fw->nvram_template) {
		diag_error(b->d, EXIT_NOINPUT, line, tag,
			   "%s does not exist, and there is no template= nor a firmware descriptor for the <loader> to create it from; expected e.g. template='/usr/share/OVMF/OVMF_VARS_4M.fd'",
			   fw->nvram);
		return;
	}
	if (os->nvram_qcow2 && !os->nvram_template_qcow2) {
		diag_error(b->d, EXIT_NOINPUT, line, tag,
			   "%s does not exist, and a format='qcow2' store is not made from a raw template; expected an existing store (qemu-img convert -O qcow2 TEMPLATE %s), or a qcow2 template= with templateFormat='qcow2'",
			   fw->nvram, fw->nvram);
		return;
	}
	if (access(fw->nvram_template, R_OK) != 0) {
		diag_error(b->d, EXIT_NOINPUT, line, tag,
			   "template %s cannot be read: %s", fw->nvram_template,
			   strerror(errno));
		return;
	}
	const char *slash = strrchr(fw->nvram, '/');
	struct plan_file *f = plan_add_file(b->plan);
	f->path = xstrdup(fw->nvram);
	f->dir = slash ? xstrndup(fw->nvram, slash == fw->nvram ? 1 : (size_t)(slash - fw->nvram))
		       : xstrdup(".");
	f->name = xstrdup(slash ? slash + 1 : fw->nvram);
	f->template = xstrdup(fw->nvram_template);
	f->in_state_dir = fw->nvram_in_state_dir;
	f->keep_existing = true;
	if (stat(fw->nvram_template, &st) == 0)
		f->size = (size_t)st.st_size;
	diag_note(b->d, line, tag, "%s will be created from %s", fw->nvram,
		  fw->nvram_template);
}

void build_firmware(struct build *b)
{
	const struct firmware *fw = &b->fw;
	const struct os *os = &b->dom->os;
	if (fw->type == LOADER_ROM) {
		argv_pair(b->argv, "-bios", fw->code);
	} else if (fw->type == LOADER_PFLASH) {
		/* Secure Boot: only SMM code may write the variable store. */
		if (fw->secure)
			argv_pair(b->argv, "-global", "driver=cfi.pflash01,property=secure,value=on");
		flash_unit(b, "pflash0", fw->code, fw->code_readonly, false);
		if (fw->nvram) {
			flash_unit(b, "pflash1", fw->nvram, false, os->nvram_qcow2);
			plan_nvram(b);
		} else if (os->nvram_net) {
			network_nvram(b);
		}
	}
	if (os->kernel)
		argv_pair(b->argv, "-kernel", os->kernel);
	if (os->initrd)
		argv_pair(b->argv, "-initrd", os->initrd);
	if (os->cmdline)
		argv_pair(b->argv, "-append", os->cmdline);
}
