/*
 * measure/: the launch measurement's HMAC, the launch secret, the encodings,
 * the key files, and measure_domain() on whole guests.  Vectors: the SEV
 * API test in the virtee/sev crate (its verify() case), NIST SP 800-38A
 * F.5.1 for AES-128-CTR, and tests/measure/vectors.py for the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/xalloc.h"
#include "measure/encode.h"
#include "measure/keys.h"
#include "measure/launch.h"
#include "measure/measure.h"
#include "parse/parse.h"
#include "tests.h"
#include "testutil.h"
#include "unit_measure.h"

/* tests/measure/vectors.py */
#define V_SECRET_TABLE "42f5741edd71664d963eef4287ff173b46000000e5696873f084734992ec06879ce3da0b1b00000068756e74657232f2ba5d0baed79b4d9ff96a2c5c4c2a0e1700000000010200000000000000000000"
#define V_SECRET_CIPHER "8be4d70c3105fae25dcc7acc63aa05100d2da01ca2087814202f492a5db68486863aa426e738e21976235feab766527a4a4387f71feb025f118550383d08f94ee07fac8cd6d4fb9887395d34703d3d00"
#define V_SECRET_MAC "78aca58bf50ee710b1117c0825fd1dd5bdfa94b2b86c04607a88bf4a45819ede"
#define V_LAUNCH_MAC "ab1fb11d11ed2c74985a242e1f11cd3897e9f8d2fe838018cb7cbcd96261bd58"

static void seq(uint8_t *b, size_t n, unsigned first)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(first + i);
}

static void hex(const char *text, uint8_t *out, size_t n)
{
	if (!hex_parse(text, out, n))
		fail_msg("bad test hex %s", text);
}

static void launch_mac_matches_the_sev_crates_vector(void **state)
{
	/* virtee/sev src/session: verify() — a measurement from real
	 * firmware (API 0.18, build 15, policy 0) over SHA-256 of nothing. */
	uint8_t tik[TK_BYTES], digest[SHA256_BYTES], nonce[MNONCE_BYTES], mac[32];
	hex("66320db73158a35a255d051758e95ed4", tik, TK_BYTES);
	hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", digest, 32);
	hex("4fbe0bedbad6c86ae8f68971d103e554", nonce, MNONCE_BYTES);
	struct sev_platform p = { 0x00, 0x12, 0x0f };
	launch_measure_mac(tik, &p, 0, digest, nonce, mac);
	um_expect_hex(mac, 32, "6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea");
	/* And ours, from ref.py: API 1.51 build 3, policy 0x5. */
	seq(tik, TK_BYTES, 0);
	seq(digest, 32, 0);
	seq(nonce, MNONCE_BYTES, 0);
	p = (struct sev_platform){ 1, 51, 3 };
	launch_measure_mac(tik, &p, 5, digest, nonce, mac);
	um_expect_hex(mac, 32, V_LAUNCH_MAC);
}

static void aes_ctr_matches_nist_sp800_38a(void **state)
{
	uint8_t key[16], ctr[16], plain[64], cipher[64], header[SECRET_HEADER_BYTES];
	uint8_t measure[32] = { 0 };
	hex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", ctr, 16);
	hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", plain, 64);
	launch_secret_packet(key, key, ctr, measure, plain, sizeof(plain), cipher, header);
	um_expect_hex(cipher, 64,
		      "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
		      "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
	assert_memory_equal(header + 4, ctr, 16); /* the IV as given */
}

static void secret_table_and_packet(void **state)
{
	uint8_t pw[] = "hunter2", blob[] = { 0, 1, 2 };
	struct secret s[2] = { { .data = pw, .len = 7 }, { .data = blob, .len = 3 } };
	memcpy(s[0].guid, GUID_LUKS_KEY, GUID_BYTES);
	assert_true(guid_parse("0b5dbaf2-d7ae-4d9b-9ff9-6a2c5c4c2a0e", s[1].guid));
	size_t len = 0;
	uint8_t *t = secret_table(s, 2, &len);
	assert_int_equal(len, 80); /* 20 + 27 + 23 = 70, padded */
	um_expect_hex(t, len, V_SECRET_TABLE);
	uint8_t tik[16], tek[16], iv[16], measure[32], header[SECRET_HEADER_BYTES];
	seq(tik, 16, 0);
	seq(tek, 16, 16);
	seq(iv, 16, 0xa0);
	seq(measure, 32, 0x40);
	uint8_t *c = malloc(len);
	launch_secret_packet(tek, tik, iv, measure, t, len, c, header);
	um_expect_hex(c, len, V_SECRET_CIPHER);
	assert_int_equal(header[0] | header[1] | header[2] | header[3], 0);
	um_expect_hex(header + 20, 32, V_SECRET_MAC);
	free(c);
	free(t);
	/* No secrets: the header alone, 20 bytes padded to 32. */
	t = secret_table(NULL, 0, &len);
	assert_int_equal(len, 32);
	free(t);
}

static void hex_and_base64(void **state)
{
	uint8_t b[4];
	assert_true(hex_parse("0xDEADbeef", b, 4));
	assert_int_equal(b[0], 0xde);
	assert_false(hex_parse("deadbee", b, 4));
	assert_false(hex_parse("deadbeefaa", b, 4));
	assert_false(hex_parse("deadbeeg", b, 4));
	char *s = b64_encode((const uint8_t *)"\xde\xad\xbe\xef", 4);
	assert_string_equal(s, "3q2+7w==");
	assert_true(b64_decode_exact(s, b, 4));
	assert_false(b64_decode_exact(s, b, 3));
	free(s);
	static const char *const bad[] = { "3q2+7w=", "3q2+7w==\n", "3q2+7w=a", "!!!!", "3q=+" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (b64_decode_exact(bad[i], b, 4))
			fail_msg("base64 \"%s\" accepted", bad[i]);
}

static void key_files_must_be_exact(void **state)
{
	char *dir = tu_mkdtemp();
	char *k16 = xasprintf("%s/vm_tik.bin", dir), *k32 = xasprintf("%s/vm.tk", dir);
	assert_true(tu_write(k16, "0123456789abcdef", 16));
	assert_true(tu_write(k32, "TEK-TEK-TEK-TEK-TIK-TIK-TIK-TIK-", 32));
	uint8_t tik[16], tek[16];
	struct diag d;
	diag_init(&d, "t", NULL, VERB_NORMAL);
	assert_true(keys_read(&(struct key_files){ .tk = k32 }, tik, tek, &d));
	assert_memory_equal(tek, "TEK-TEK-TEK-TEK-", 16);
	assert_memory_equal(tik, "TIK-TIK-TIK-TIK-", 16);
	assert_true(keys_read(&(struct key_files){ .tik = k16, .tek = k16 }, tik, tek, &d));
	assert_memory_equal(tik, "0123456789abcdef", 16);
	assert_false(keys_read(&(struct key_files){ .tk = k16 }, tik, tek, &d));
	assert_int_equal(d.status, EXIT_DATAERR);
	diag_release(&d);
	diag_init(&d, "t", NULL, VERB_NORMAL);
	assert_false(keys_read(&(struct key_files){ .tik = dir }, tik, tek, &d));
	assert_int_equal(d.status, EXIT_NOINPUT);
	diag_release(&d);
	free(k16);
	free(k32);
	tu_rmtree(dir);
	free(dir);
}

/* measure_domain() on the XML text with FW as its <loader>. */
static int measure_xml(const char *fw, const char *ls, const char *cpu,
		       unsigned vcpus, struct measurement *m)
{
	char *xml = xasprintf(
		"<domain type='kvm'><name>t</name><memory unit='MiB'>512</memory>"
		"<vcpu>%u</vcpu><os><type arch='x86_64' machine='q35'>hvm</type>"
		"<loader type='pflash' readonly='yes' stateless='yes'>%s</loader></os>"
		"<features><acpi/></features>%s%s</domain>", vcpus, fw, cpu, ls);
	struct domain dom = { 0 };
	struct diag d;
	diag_init(&d, "t.xml", NULL, VERB_NORMAL);
	struct measure_options o = { .file_hashes = true };
	if (parse_domain(xml, strlen(xml), &(struct parse_options){ 0 }, &dom, &d))
		measure_domain(&dom, &o, m, &d);
	int status = d.status;
	diag_release(&d);
	domain_free(&dom);
	free(xml);
	return status;
}

static void measure_debian_ovmf_sev_es(void **state)
{
	const char *ovmf = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	struct measurement m;
	if (measure_xml(ovmf, "<launchSecurity type='sev'><policy>0x5</policy></launchSecurity>",
			"<cpu mode='custom'><model>EPYC-v4</model></cpu>", 4, &m) != 0)
		skip(); /* no ovmf package */
	char sha[65];
	hex_format(m.firmware_sha256, 32, sha);
	/* The vector holds for Debian 12's OVMF 2022.11-6 image only. */
	if (strcmp(sha, "b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c") != 0)
		skip();
	assert_int_equal(m.mode, MEASURE_SEV_ES);
	assert_int_equal(m.vcpus, 4);
	assert_int_equal(m.signature, 0x800f12);
	/* tests/measure/ref.py digest --fw OVMF_CODE_4M.fd --mode sev-es --vcpus 4 */
	um_expect_hex(m.digest, 32, "9509e57b579b7be22e2b151ad3e941538f7ecb3028eeeef3a6c8aad65f8cfa2a");
	assert_true(m.init2);
	assert_false(m.fw_has_secret); /* its secret area has base 0 */
}

static void measure_domain_checks_the_firmware(void **state)
{
	char *dir = tu_mkdtemp(), *path = xasprintf("%s/fw.fd", dir);
	struct um_image o = UM_SEV_IMAGE;
	o.reset = 0;
	uint8_t *img = um_image(&o);
	assert_true(tu_write(path, (const char *)img, o.size));
	struct measurement m;
	const char *es = "<launchSecurity type='sev'><policy>0x5</policy></launchSecurity>";
	const char *epyc = "<cpu mode='custom'><model>EPYC</model></cpu>";
	assert_int_equal(measure_xml(path, es, epyc, 1, &m), EXIT_DATAERR);
	assert_int_equal(measure_xml(path, "<launchSecurity type='sev'><policy>0x1</policy></launchSecurity>",
				     epyc, 1, &m), 0);
	assert_int_equal(m.digest_bytes, 32);
	assert_true(m.fw_has_secret);
	assert_int_equal(m.fw_secret_size, 0x1000);
	assert_int_equal(measure_xml(path, "", epyc, 1, &m), EXIT_UNAVAILABLE);
	assert_int_equal(measure_xml(path, es, "<cpu mode='host-model'/>", 1, &m), EXIT_USAGE);
	free(img);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

#define T(f) UNIT_TEST("launch", f)

int run_launch_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(launch_mac_matches_the_sev_crates_vector),
		T(aes_ctr_matches_nist_sp800_38a),
		T(secret_table_and_packet),
		T(hex_and_base64),
		T(key_files_must_be_exact),
		T(measure_debian_ovmf_sev_es),
		T(measure_domain_checks_the_firmware),
	};
	return RUN_GROUP("launch (measure/launch.h, measure.h)", tests);
}
