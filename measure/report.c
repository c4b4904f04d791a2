#include "measure/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/xalloc.h"
#include "measure/encode.h"

char *expected_launch_base64(const struct expected_launch *e)
{
	uint8_t blob[LAUNCH_MEASURE_BYTES];
	memcpy(blob, e->mac, MEASURE_MAC_BYTES);
	memcpy(blob + MEASURE_MAC_BYTES, e->nonce, MNONCE_BYTES);
	return b64_encode(blob, sizeof(blob));
}

static json_t *hex_value(const uint8_t *buf, size_t n)
{
	char text[2 * SHA384_BYTES + 1];
	hex_format(buf, n, text);
	return json_string(text);
}

static json_t *hex_number(unsigned long long v)
{
	char text[24];
	snprintf(text, sizeof(text), "0x%llx", v);
	return json_string(text);
}

/* A string from the XML or the command line: JSON needs UTF-8. */
static json_t *text_value(const char *s, bool *bad)
{
	json_t *v = s ? json_string(s) : json_null();
	if (!v) {
		*bad = true;
		v = json_null();
	}
	return v;
}

static json_t *file_value(const char *path, const struct file_digest *f,
			  bool with_hash, bool *bad)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", text_value(path, bad));
	json_object_set_new(o, "bytes", json_integer((json_int_t)f->bytes));
	if (with_hash)
		json_object_set_new(o, "sha256", hex_value(f->sha256, SHA256_BYTES));
	return o;
}

/* The kernel, initrd and command line, when measured. */
static void kernel_inputs(json_t *in, const struct measurement *m, bool *bad)
{
	json_object_set_new(in, "kernel_hashes", json_boolean(m->kernel_measured));
	if (!m->kernel_measured)
		return;
	json_object_set_new(in, "kernel", file_value(m->kernel, &m->kernel_file, true, bad));
	if (m->initrd)
		json_object_set_new(in, "initrd", file_value(m->initrd, &m->initrd_file, true, bad));
	else
		json_object_set_new(in, "initrd", json_null());
	json_t *c = json_object();
	json_object_set_new(c, "text", text_value(m->cmdline, bad));
	json_object_set_new(c, "sha256", hex_value(m->cmdline_sha256, SHA256_BYTES));
	json_object_set_new(in, "cmdline", c);
}

static json_t *inputs(const struct measurement *m, bool *bad)
{
	json_t *in = json_object();
	struct file_digest fw = { .bytes = m->firmware_bytes };
	memcpy(fw.sha256, m->firmware_sha256, SHA256_BYTES);
	json_object_set_new(in, "firmware", file_value(m->firmware, &fw,
						       m->have_firmware_sha256, bad));
	kernel_inputs(in, m, bad);
	json_object_set_new(in, "policy", hex_number(m->policy));
	if (m->mode == MEASURE_SEV)
		return in;
	json_object_set_new(in, "vcpus", json_integer(m->vcpus));
	json_t *sig = json_object();
	json_object_set_new(sig, "from", text_value(m->cpu, bad));
	json_object_set_new(sig, "family", json_integer(m->family));
	json_object_set_new(sig, "model", json_integer(m->model));
	json_object_set_new(sig, "stepping", json_integer(m->stepping));
	json_object_set_new(sig, "value", hex_number(m->signature));
	json_object_set_new(in, "signature", sig);
	json_object_set_new(in, "guest_features", hex_number(m->sev_features));
	json_object_set_new(in, "vmsa_init", json_string(m->init2 ? "init2" : "legacy"));
	return in;
}

char *measurement_json(const struct measurement *m,
		       const struct expected_launch *e)
{
	bool bad = false;
	json_t *root = json_object();
	json_object_set_new(root, "mode", json_string(measure_mode_name(m->mode)));
	json_object_set_new(root, "digest", hex_value(m->digest, m->digest_bytes));
	json_object_set_new(root, "inputs", inputs(m, &bad));
	if (e && e->present) {
		json_t *l = json_object();
		json_object_set_new(l, "api_major", json_integer(e->platform.api_major));
		json_object_set_new(l, "api_minor", json_integer(e->platform.api_minor));
		json_object_set_new(l, "build_id", json_integer(e->platform.build));
		json_object_set_new(l, "nonce", hex_value(e->nonce, MNONCE_BYTES));
		char *b64 = expected_launch_base64(e);
		json_object_set_new(l, "measurement", json_string(b64));
		free(b64);
		json_object_set_new(root, "launch_measure", l);
	}
	char *text = bad ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return NULL;
	char *out = xasprintf("%s\n", text);
	free(text);
	return out;
}

static void file_line(FILE *out, const char *prefix, const char *what,
		      const char *path, const struct file_digest *f, bool hash)
{
	char hex[2 * SHA256_BYTES + 1] = "";
	if (hash)
		hex_format(f->sha256, SHA256_BYTES, hex);
	fprintf(out, "%s%s %s (%llu bytes%s%s)\n", prefix, what, path,
		(unsigned long long)f->bytes, hash ? ", sha256 " : "", hex);
}

void measurement_summary(FILE *out, const char *prefix,
			 const struct measurement *m)
{
	char hex[2 * SHA384_BYTES + 1];
	hex_format(m->digest, m->digest_bytes, hex);
	fprintf(out, "%sexpected %s launch digest %s, policy 0x%llx, from:\n",
		prefix, measure_mode_name(m->mode), hex,
		(unsigned long long)m->policy);
	struct file_digest fw = { .bytes = m->firmware_bytes };
	memcpy(fw.sha256, m->firmware_sha256, SHA256_BYTES);
	file_line(out, prefix, "  firmware", m->firmware, &fw,
		  m->have_firmware_sha256);
	if (m->kernel_measured) {
		file_line(out, prefix, "  kernel", m->kernel, &m->kernel_file, true);
		if (m->initrd)
			file_line(out, prefix, "  initrd", m->initrd, &m->initrd_file, true);
		fprintf(out, "%s  command line '%s'\n", prefix,
			m->cmdline ? m->cmdline : "");
	}
	if (m->mode == MEASURE_SEV)
		return;
	fprintf(out, "%s  %u vCPUs, signature 0x%x (family %u, model %u, stepping %u from %s), SEV features 0x%llx, save areas %s\n",
		prefix, m->vcpus, m->signature, m->family, m->model, m->stepping,
		m->cpu, (unsigned long long)m->sev_features,
		m->init2 ? "init2" : "legacy");
	if (m->mode == MEASURE_SEV_ES && m->init2)
		fprintf(out, "%s  (QEMU makes SEV-ES save areas with the legacy interface unless its sev-guest has legacy-vm-type=off: try --vmsa-init=legacy)\n",
			prefix);
}
