/*
 * odm_deid.c - de-identification for ODM exports: keyed pseudonyms, one
 * secret date shift per subject, ages of 90 and over as "90+".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ecpr_odm.h"

#define KEY_MAX 4096

int
ecpr_odm_key_load(unsigned char **key, size_t *keylen, const char *path,
    ecpr_error *err)
{
	unsigned char *buf;
	size_t n;
	FILE *fp;
	int rc;

	*key = NULL;
	*keylen = 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot open the site key: %s", strerror(errno));
	if ((buf = malloc(KEY_MAX + 1)) == NULL) {
		fclose(fp);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	n = fread(buf, 1, KEY_MAX + 1, fp);
	if (ferror(fp)) {
		rc = ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot read the site key: %s", strerror(errno));
		goto fail;
	}
	if (n > KEY_MAX) {
		rc = ecpr__error_set(err, ECPR_ERULE, path, 0,
		    "site key longer than %d bytes", KEY_MAX);
		goto fail;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n < ECPR_ODM_KEY_MIN) {
		rc = ecpr__error_set(err, ECPR_ERULE, path, 0,
		    "site key too short: %zu bytes, at least %d needed", n,
		    ECPR_ODM_KEY_MIN);
		goto fail;
	}
	fclose(fp);
	*key = buf;
	*keylen = n;
	return ECPR_OK;
fail:
	memset(buf, 0, KEY_MAX + 1);
	free(buf);
	fclose(fp);
	return rc;
}

void
ecpr_odm_key_free(unsigned char *key, size_t keylen)
{
	if (key == NULL)
		return;
	memset(key, 0, keylen);
	free(key);
}

/* HMAC of "label" NUL site NUL subject. */
static void
keyed(unsigned char out[ECPR_SHA256_LEN], const unsigned char *key,
    size_t keylen, const char *label, const char *site, const char *subject)
{
	size_t a = strlen(label) + 1, b = strlen(site) + 1,
	    c = strlen(subject);
	char *msg = malloc(a + b + c + 1);

	if (msg == NULL) { /* never a weak pseudonym: hash in pieces */
		unsigned char k[64], pad[64], inner[ECPR_SHA256_LEN];
		ecpr_sha256 s;
		size_t i;

		memset(k, 0, sizeof(k));
		if (keylen > 64)
			ecpr_sha256_digest(k, key, keylen);
		else
			memcpy(k, key, keylen);
		for (i = 0; i < 64; i++)
			pad[i] = (unsigned char)(k[i] ^ 0x36);
		ecpr_sha256_init(&s);
		ecpr_sha256_update(&s, pad, 64);
		ecpr_sha256_update(&s, label, a);
		ecpr_sha256_update(&s, site, b);
		ecpr_sha256_update(&s, subject, c);
		ecpr_sha256_final(&s, inner);
		for (i = 0; i < 64; i++)
			pad[i] = (unsigned char)(k[i] ^ 0x5c);
		ecpr_sha256_init(&s);
		ecpr_sha256_update(&s, pad, 64);
		ecpr_sha256_update(&s, inner, sizeof(inner));
		ecpr_sha256_final(&s, out);
		return;
	}
	memcpy(msg, label, a);
	memcpy(msg + a, site, b);
	memcpy(msg + a + b, subject, c + 1);
	ecpr_hmac_sha256(out, key, keylen, msg, a + b + c);
	free(msg);
}

void
ecpr_odm_pseudonym(char buf[ECPR_ODM_PSEUDONYM_LEN],
    const unsigned char *key, size_t keylen, const char *site,
    const char *subject)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[ECPR_SHA256_LEN];
	int i;

	keyed(d, key, keylen, "subject", site, subject);
	buf[0] = 'P';
	for (i = 0; i < 12; i++) {
		buf[1 + 2 * i] = digits[d[i] >> 4];
		buf[2 + 2 * i] = digits[d[i] & 15];
	}
	buf[25] = '\0';
}

int64_t
ecpr_odm_date_shift(const unsigned char *key, size_t keylen,
    const char *site, const char *subject)
{
	unsigned char d[ECPR_SHA256_LEN];
	uint64_t v = 0;
	int i;

	keyed(d, key, keylen, "shift", site, subject);
	for (i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return -(int64_t)(1 + v % 364) * 86400;
}

size_t
ecpr_odm_age_text(char *buf, size_t len, const char *age)
{
	char *end;
	double v;

	if (age == NULL)
		age = "";
	errno = 0;
	v = strtod(age, &end);
	if (*age != '\0' && *end == '\0' && errno == 0 && v >= 90.0)
		age = "90+";
	return (size_t)snprintf(buf, len, "%s", age);
}
