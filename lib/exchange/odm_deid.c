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
#include "odm_internal.h"

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
	struct ecpr__bytes m[3];

	m[0].p = label;
	m[0].len = strlen(label) + 1;
	m[1].p = site;
	m[1].len = strlen(site) + 1;
	m[2].p = subject;
	m[2].len = strlen(subject);
	ecpr__hmac_sha256_pieces(out, key, keylen, m, 3);
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

/* ------------------------------------------------------------------ */
/* Shifting values known only to the month or the year                 */
/* ------------------------------------------------------------------ */

/* Longest whole-month shift tried (four Gregorian years, the cycle of
 * month lengths from 1901 to 2099). */
#define MONTHS_MAX 48

static int
month_days(int64_t y, int m)
{
	return (int)(ecpr__days_from_civil(m == 12 ? y + 1 : y,
	    m == 12 ? 1 : m + 1, 1) - ecpr__days_from_civil(y, m, 1));
}

static int
year_days(int64_t y)
{
	return (int)(ecpr__days_from_civil(y + 1, 1, 1) -
	    ecpr__days_from_civil(y, 1, 1));
}

/* Local civil date of a value's start. */
static void
local_date(const ecpr_time *tm, int64_t *y, int *m, int *d)
{
	int64_t local = tm->t + tm->offset;

	ecpr__civil_from_days(local >= 0 ? local / 86400 :
	    -((-local + 86399) / 86400), y, m, d);
}

/*
 * 1 when moving the value back by days keeps it a calendar month (or
 * year) of the same length, so that written at its precision it covers
 * exactly the moved span.  Finer values always move exactly.
 */
static int
keeps_precision(const ecpr_time *tm, int64_t days)
{
	ecpr_time s;
	int64_t y, y2;
	int m, d, m2, d2;

	if (tm->prec != ECPR_PREC_MONTH && tm->prec != ECPR_PREC_YEAR)
		return 1;
	local_date(tm, &y, &m, &d);
	s = ecpr_time_shift(tm, -days * 86400);
	local_date(&s, &y2, &m2, &d2);
	if (tm->prec == ECPR_PREC_MONTH)
		return d2 == 1 && month_days(y, m) == month_days(y2, m2);
	return d2 == 1 && m2 == 1 && year_days(y) == year_days(y2);
}

/* How many times ep has: its events', observations' and complications'. */
static size_t
time_count(const ecpr_episode *ep)
{
	return ecpr_episode_event_count(ep) +
	    ecpr_episode_observation_count(ep) +
	    ecpr_episode_complication_count(ep);
}

/* The k-th of them (a complication's unknown time: ECPR_PREC_NONE). */
static const ecpr_time *
time_at(const ecpr_episode *ep, size_t k)
{
	size_t ne = ecpr_episode_event_count(ep);
	size_t no = ecpr_episode_observation_count(ep);

	if (k < ne)
		return &ecpr_episode_event(ep, k)->time;
	if (k - ne < no)
		return &ecpr_episode_observation(ep, k - ne)->time;
	return &ecpr_episode_complication(ep, k - ne - no)->time;
}

static int
shift_fits(const ecpr_episode *const *eps, size_t n, int64_t days)
{
	size_t i, j, m;

	for (i = 0; i < n; i++) {
		m = time_count(eps[i]);
		for (j = 0; j < m; j++)
			if (!keeps_precision(time_at(eps[i], j), days))
				return 0;
	}
	return 1;
}

int
ecpr_odm_shift_fits(const ecpr_episode *ep, int64_t shift)
{
	if (shift % 86400 != 0)
		return 0;
	return shift_fits(&ep, 1, -shift / 86400);
}

int
ecpr_odm_subject_shift(int64_t *shift, const unsigned char *key,
    size_t keylen, const ecpr_episode *const *eps, size_t n,
    ecpr_error *err)
{
	const ecpr_time *ref = NULL;
	int64_t base, y, y2, cand[MONTHS_MAX], days;
	size_t i, j, m, ncand = 0;
	int mo, d, k, m2;

	*shift = 0;
	if (n == 0)
		return ECPR_OK;
	base = ecpr_odm_date_shift(key, keylen, ecpr_episode_site(eps[0]),
	    ecpr_episode_subject(eps[0]));
	for (i = 0; i < n && ref == NULL; i++) {
		m = time_count(eps[i]);
		for (j = 0; j < m && ref == NULL; j++) {
			const ecpr_time *tm = time_at(eps[i], j);

			if (tm->prec == ECPR_PREC_MONTH ||
			    tm->prec == ECPR_PREC_YEAR)
				ref = tm;
		}
	}
	if (ref == NULL) {
		*shift = base;
		return ECPR_OK;
	}
	/* whole-month shifts of the first partial value that fit them all */
	local_date(ref, &y, &mo, &d);
	for (k = 1; k <= MONTHS_MAX; k++) {
		m2 = mo - k;
		y2 = y;
		while (m2 < 1) {
			m2 += 12;
			y2--;
		}
		days = ecpr__days_from_civil(y, mo, 1) -
		    ecpr__days_from_civil(y2, m2, 1);
		if (shift_fits(eps, n, days))
			cand[ncand++] = days;
	}
	if (ncand == 0)
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
		    "subject \"%s\": no whole-month date shift keeps every "
		    "value known only to the month or year",
		    ecpr_episode_subject(eps[0]));
	/* the secret picks one of them */
	*shift = -cand[(size_t)(-base / 86400) % ncand] * 86400;
	return ECPR_OK;
}
