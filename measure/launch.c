#include "measure/launch.h"

#include <string.h>

#include <nettle/aes.h>
#include <nettle/ctr.h>
#include <nettle/hmac.h>

#include "lib/xalloc.h"
#include "measure/ovmf.h"

void launch_measure_mac(const uint8_t tik[TK_BYTES],
			const struct sev_platform *p, uint32_t policy,
			const uint8_t digest[SHA256_BYTES],
			const uint8_t mnonce[MNONCE_BYTES],
			uint8_t mac[MEASURE_MAC_BYTES])
{
	uint8_t head[8] = { 0x04, p->api_major, p->api_minor, p->build };
	put_le32(head + 4, policy);
	struct hmac_sha256_ctx ctx;
	hmac_sha256_set_key(&ctx, TK_BYTES, tik);
	hmac_sha256_update(&ctx, sizeof(head), head);
	hmac_sha256_update(&ctx, SHA256_BYTES, digest);
	hmac_sha256_update(&ctx, MNONCE_BYTES, mnonce);
	hmac_sha256_digest(&ctx, MEASURE_MAC_BYTES, mac);
	explicit_bzero(&ctx, sizeof(ctx));
}

#define TABLE_HEAD (GUID_BYTES + 4)

uint8_t *secret_table(const struct secret *s, size_t n, size_t *len)
{
	size_t total = TABLE_HEAD;
	for (size_t i = 0; i < n; i++) {
		if (s[i].len > UINT32_MAX - TABLE_HEAD ||
		    total > UINT32_MAX - TABLE_HEAD - s[i].len)
			return NULL;
		total += TABLE_HEAD + s[i].len;
	}
	size_t padded = (total + 15) & ~(size_t)15;
	if (padded > UINT32_MAX)
		return NULL;
	uint8_t *t = xcalloc(padded, 1);
	memcpy(t, GUID_SECRET_TABLE_HEADER, GUID_BYTES);
	put_le32(t + GUID_BYTES, (uint32_t)total);
	uint8_t *p = t + TABLE_HEAD;
	for (size_t i = 0; i < n; i++) {
		memcpy(p, s[i].guid, GUID_BYTES);
		put_le32(p + GUID_BYTES, (uint32_t)(TABLE_HEAD + s[i].len));
		if (s[i].len)
			memcpy(p + TABLE_HEAD, s[i].data, s[i].len);
		p += TABLE_HEAD + s[i].len;
	}
	*len = padded;
	return t;
}

void launch_secret_packet(const uint8_t tek[TK_BYTES],
			  const uint8_t tik[TK_BYTES],
			  const uint8_t iv[SECRET_IV_BYTES],
			  const uint8_t measure[MEASURE_MAC_BYTES],
			  const uint8_t *plain, size_t len, uint8_t *cipher,
			  uint8_t header[SECRET_HEADER_BYTES])
{
	struct aes128_ctx aes;
	uint8_t ctr[SECRET_IV_BYTES];
	memcpy(ctr, iv, SECRET_IV_BYTES);
	aes128_set_encrypt_key(&aes, tek);
	ctr_crypt(&aes, (nettle_cipher_func *)aes128_encrypt, AES_BLOCK_SIZE,
		  ctr, len, cipher, plain);
	explicit_bzero(&aes, sizeof(aes));

	uint8_t flags[4] = { 0 }, lengths[8];
	put_le32(lengths, (uint32_t)len);      /* in the guest */
	put_le32(lengths + 4, (uint32_t)len);  /* in transport */
	struct hmac_sha256_ctx ctx;
	hmac_sha256_set_key(&ctx, TK_BYTES, tik);
	hmac_sha256_update(&ctx, 1, (const uint8_t *)"\x01");
	hmac_sha256_update(&ctx, sizeof(flags), flags);
	hmac_sha256_update(&ctx, SECRET_IV_BYTES, iv);
	hmac_sha256_update(&ctx, sizeof(lengths), lengths);
	hmac_sha256_update(&ctx, len, cipher);
	hmac_sha256_update(&ctx, MEASURE_MAC_BYTES, measure);
	memcpy(header, flags, sizeof(flags));
	memcpy(header + 4, iv, SECRET_IV_BYTES);
	hmac_sha256_digest(&ctx, MEASURE_MAC_BYTES, header + 4 + SECRET_IV_BYTES);
	explicit_bzero(&ctx, sizeof(ctx));
}
