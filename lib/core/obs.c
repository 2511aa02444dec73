/*
 * obs.c - the observation vocabulary (names, units and their conversions,
 * limits, reference ranges), complication codes and attributions; the
 * tables are in defs.c
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define UNIT_MAX 32

static const struct ecpr__obs_def *
obs_def(ecpr_obs_type type)
{
	if ((int)type < 0 || type >= ECPR_OBS_COUNT)
		return NULL;
	return &ecpr__obs[type];
}

const char *
ecpr_obs_name(ecpr_obs_type type)
{
	const struct ecpr__obs_def *d = obs_def(type);

	return d != NULL ? d->name : NULL;
}

int
ecpr_obs_lookup(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ECPR_OBS_COUNT; i++) /* the first byte first */
		if (ecpr__obs[i].name[0] == name[0] &&
		    strcmp(ecpr__obs[i].name, name) == 0)
			return i;
	return -1;
}

size_t
ecpr_obs_count(void)
{
	return ECPR_OBS_COUNT;
}

const char *
ecpr_obs_unit(ecpr_obs_type type)
{
	const struct ecpr__obs_def *d = obs_def(type);

	return d != NULL ? d->units[0].ucum : NULL;
}

const char *
ecpr_obs_label(ecpr_obs_type type)
{
	const struct ecpr__obs_def *d = obs_def(type);

	return d != NULL ? d->label : NULL;
}

const char *
ecpr_obs_unit_label(ecpr_obs_type type)
{
	const struct ecpr__obs_def *d = obs_def(type);

	return d != NULL ? d->unit_label : NULL;
}

const char *
ecpr_obs_definition(ecpr_obs_type type)
{
	const struct ecpr__obs_def *d = obs_def(type);

	return d != NULL ? d->definition : NULL;
}

int
ecpr_obs_worst(ecpr_obs_type type)
{
	const struct ecpr__obs_def *d = obs_def(type);

	return d != NULL ? d->worst : 0;
}

int
ecpr_obs_decimals(ecpr_obs_type type)
{
	const struct ecpr__obs_def *d = obs_def(type);

	return d != NULL ? d->decimals : 0;
}

/* ------------------------------------------------------------------ */
/* Units                                                                */
/* ------------------------------------------------------------------ */

/*
 * A unit spelling in comparable form: ASCII lower case, "µ" (U+00B5) and
 * "μ" (U+03BC) as "u", "^" as "*", superscript digits as "*N", no
 * spaces.  len bytes of s (or up to NUL).  0 when it does not fit.
 */
static int
unit_key(char *out, const char *s, size_t len)
{
	static const char *const sup[] = { "⁰", "¹", "²", "³", "⁴", "⁵",
		"⁶", "⁷", "⁸", "⁹" };
	size_t i = 0, o = 0;
	int d;

	while (i < len && s[i] != '\0') {
		unsigned char c = (unsigned char)s[i];

		if (o + 3 >= UNIT_MAX)
			return 0;
		if (c == ' ') {
			i++;
			continue;
		}
		if ((c == 0xc2 && (unsigned char)s[i + 1] == 0xb5) ||
		    (c == 0xce && (unsigned char)s[i + 1] == 0xbc)) {
			out[o++] = 'u';
			i += 2;
			continue;
		}
		for (d = c < 0x80 ? 10 : 0; d < 10; d++)
			if (strncmp(s + i, sup[d], strlen(sup[d])) == 0)
				break;
		if (d < 10) {
			out[o++] = '*';
			out[o++] = (char)('0' + d);
			i += strlen(sup[d]);
			continue;
		}
		out[o++] = c == '^' ? '*' : (c >= 'A' && c <= 'Z') ?
		    (char)(c - 'A' + 'a') : (char)c;
		i++;
	}
	out[o] = '\0';
	return 1;
}

/* The unit of d written as unit, or NULL. */
static const struct ecpr__unit_def *
unit_find(const struct ecpr__obs_def *d, const char *unit)
{
	char key[UNIT_MAX], k2[UNIT_MAX];
	size_t i;

	if (unit == NULL)
		return NULL;
	/* the UCUM code as written: no spelling to normalise */
	for (i = 0; i < ECPR__OBS_UNITS_MAX && d->units[i].ucum != NULL; i++)
		if (strcmp(unit, d->units[i].ucum) == 0)
			return &d->units[i];
	if (!unit_key(key, unit, strlen(unit)))
		return NULL;
	for (i = 0; i < ECPR__OBS_UNITS_MAX && d->units[i].ucum != NULL;
	    i++) {
		const char *s = d->units[i].spellings;

		if (unit_key(k2, d->units[i].ucum, strlen(d->units[i].ucum)) &&
		    strcmp(k2, key) == 0)
			return &d->units[i];
		while (s != NULL && *s != '\0') {
			size_t n = strcspn(s, "|");

			if (unit_key(k2, s, n) && strcmp(k2, key) == 0)
				return &d->units[i];
			s += n + (s[n] == '|');
		}
	}
	return NULL;
}

const char *
ecpr_obs_unit_lookup(ecpr_obs_type type, const char *unit)
{
	const struct ecpr__obs_def *d = obs_def(type);
	const struct ecpr__unit_def *u;

	if (d == NULL)
		return NULL;
	u = unit_find(d, unit);
	return u != NULL ? u->ucum : NULL;
}

/* "unit \"X\" is not a unit of lactate (mmol/L, mg/dL)" */
static int
unit_error(const struct ecpr__obs_def *d, const char *unit,
    ecpr_error *err)
{
	char list[256];
	size_t i, o = 0;

	list[0] = '\0';
	for (i = 0; i < ECPR__OBS_UNITS_MAX && d->units[i].ucum != NULL &&
	    o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
		    i ? ", " : "", d->units[i].ucum);
	if (unit == NULL || unit[0] == '\0')
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "empty unit for %s (%s)", d->name, list);
	return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
	    "\"%s\" is not a unit of %s (%s)", unit, d->name, list);
}

/* 1 when x is a power of ten (1, 10, ...): its exponent in *k. */
static int
power_of_ten(__int128 x, int *k)
{
	*k = 0;
	while (x > 1 && x % 10 == 0) {
		x /= 10;
		(*k)++;
	}
	return x == 1;
}

/*
 * in * num / den into out at decimals `scale`, rounded half away from
 * zero (cmp EQ), down for a lower bound (GT, GE), up for an upper one.
 */
static int
scale_value(const ecpr_value *in, __int128 num, __int128 den, int scale,
    ecpr_value *out)
{
	__int128 n = (__int128)in->mant * num, d = den, q, r;
	int k;

	/* value = mant / 10^in.scale * num / den; out.mant = value * 10^scale */
	for (k = in->scale; k < scale; k++)
		n *= 10;
	for (k = scale; k < in->scale; k++)
		d *= 10;
	q = n / d;
	r = n % d;
	if (r != 0) {
		if (in->cmp == ECPR_CMP_EQ) {
			if ((r < 0 ? -r : r) * 2 >= d)
				q += n < 0 ? -1 : 1;
		} else if (in->cmp == ECPR_CMP_GT || in->cmp == ECPR_CMP_GE) {
			if (n < 0)
				q -= 1;
		} else if (n > 0) {
			q += 1;
		}
	}
	if (q > (__int128)999999999999999999LL ||
	    q < -(__int128)999999999999999999LL)
		return -1;
	out->cmp = in->cmp;
	out->mant = (int64_t)q;
	out->scale = scale;
	return 0;
}

int
ecpr__obs_convert(const struct ecpr__obs_def *d,
    const struct ecpr__unit_def *from, const struct ecpr__unit_def *to,
    const ecpr_value *in, ecpr_value *out, ecpr_error *err)
{
	__int128 num = (__int128)from->num * to->den;
	__int128 den = (__int128)from->den * to->num;
	int k, scale, shift = 1;

	if (num % den == 0 && power_of_ten(num / den, &k)) {
		scale = in->scale > k ? in->scale - k : 0;
	} else if (den % num == 0 && power_of_ten(den / num, &k)) {
		scale = in->scale + k;
	} else {
		shift = 0;
		scale = to == &d->units[0] ? d->decimals : in->scale + 2;
	}
	if (scale > ECPR_VALUE_DECIMALS_MAX || scale_value(in, num, den,
	    scale, out) < 0) {
		char buf[64];

		ecpr_value_format(in, 0, buf, sizeof(buf));
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
		    "%s %s %s does not fit in %s", d->name, buf, from->ucum,
		    to->ucum);
	}
	/* zeros a shift of the decimal point leaves at the end go */
	while (shift && out->scale > in->scale && out->mant % 10 == 0) {
		out->mant /= 10;
		out->scale--;
	}
	return ECPR_OK;
}

int
ecpr_obs_convert(ecpr_obs_type type, const ecpr_value *in, const char *from,
    const char *to, ecpr_value *out, ecpr_error *err)
{
	const struct ecpr__obs_def *d = obs_def(type);
	const struct ecpr__unit_def *uf, *ut;

	if (d == NULL || in == NULL || out == NULL || in->scale < 0 ||
	    in->scale > ECPR_VALUE_DECIMALS_MAX)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_obs_convert: invalid argument");
	if ((uf = unit_find(d, from)) == NULL)
		return unit_error(d, from, err);
	if ((ut = unit_find(d, to)) == NULL)
		return unit_error(d, to, err);
	return ecpr__obs_convert(d, uf, ut, in, out, err);
}

int
ecpr__obs_check(ecpr_obs_type type, const char *value, const char *unit,
    ecpr_value *written, const char **ucum, ecpr_value *canon,
    ecpr_error *err)
{
	const struct ecpr__obs_def *d = obs_def(type);
	const struct ecpr__unit_def *u;
	ecpr_value lim;
	int rc;

	if (d == NULL || value == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "observation: invalid argument");
	if ((rc = ecpr_value_parse(written, value, err)) != ECPR_OK) {
		ecpr__error_prefix(err, "field \"value\": ");
		return rc;
	}
	if ((u = unit_find(d, unit)) == NULL) {
		unit_error(d, unit, err);
		ecpr__error_prefix(err, "field \"unit\": ");
		return ECPR_EPARSE;
	}
	*ucum = u->ucum;
	rc = ecpr__obs_convert(d, u, &d->units[0], written, canon, err);
	if (rc != ECPR_OK) {
		ecpr__error_prefix(err, "field \"value\": ");
		return rc;
	}
	/* the limits are exact decimals in the table: they parse */
	ecpr_value_parse(&lim, d->min, NULL);
	rc = ecpr_value_number_cmp(canon, &lim) < 0;
	ecpr_value_parse(&lim, d->max, NULL);
	if (rc || ecpr_value_number_cmp(canon, &lim) > 0)
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
		    "field \"value\": %s \"%s\" %s is impossible (%s to %s "
		    "%s)", d->name, value, u->ucum, d->min, d->max,
		    d->units[0].ucum);
	return ECPR_OK;
}

/* ------------------------------------------------------------------ */
/* Populations and reference ranges                                     */
/* ------------------------------------------------------------------ */

const char *
ecpr_population_name(ecpr_population pop)
{
	if ((int)pop < 0 || pop >= ECPR_POP_COUNT)
		return NULL;
	return ecpr__populations[pop];
}

int
ecpr_population_lookup(const char *name)
{
	return ecpr__name_lookup(name, ecpr__populations, ECPR_POP_COUNT);
}

struct ecpr_ranges {
	unsigned char has[ECPR_OBS_COUNT][ECPR_POP_COUNT];
	ecpr_range r[ECPR_OBS_COUNT][ECPR_POP_COUNT];
};

int
ecpr_ranges_new(ecpr_ranges **out, ecpr_error *err)
{
	ecpr_ranges *rs;
	int i, p;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_ranges_new: out is NULL");
	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	for (i = 0; i < ECPR_OBS_COUNT; i++)
		for (p = 0; p < ECPR_POP_COUNT; p++) {
			const char *t = ecpr__obs[i].range[p];

			if (t == NULL)
				t = ecpr__obs[i].range[ECPR_POP_ADULT];
			/* the table's ranges are well-formed (tested) */
			rs->has[i][p] = t[0] != '\0' &&
			    ecpr_range_parse(&rs->r[i][p], t, NULL) == ECPR_OK;
		}
	*out = rs;
	return ECPR_OK;
}

void
ecpr_ranges_free(ecpr_ranges *rs)
{
	free(rs);
}

int
ecpr_ranges_get(const ecpr_ranges *rs, ecpr_obs_type type,
    ecpr_population pop, ecpr_range *out)
{
	if (rs == NULL || obs_def(type) == NULL || (int)pop < 0 ||
	    pop >= ECPR_POP_COUNT || !rs->has[type][pop])
		return 0;
	if (out != NULL)
		*out = rs->r[type][pop];
	return 1;
}

/* One end of a range into the observation's unit: a limit, rounded
 * half away from zero (not outward, as a measured bound is). */
static int
range_end_convert(const struct ecpr__obs_def *d,
    const struct ecpr__unit_def *u, ecpr_value *end, ecpr_error *err)
{
	ecpr_value in = *end, v;
	int rc;

	in.cmp = ECPR_CMP_EQ;
	if ((rc = ecpr__obs_convert(d, u, &d->units[0], &in, &v, err)) !=
	    ECPR_OK)
		return rc;
	v.cmp = end->cmp;
	*end = v;
	return ECPR_OK;
}

/* Convert both ends of rg from unit u to the observation's unit. */
static int
range_convert(const struct ecpr__obs_def *d, const struct ecpr__unit_def *u,
    ecpr_range *rg, ecpr_error *err)
{
	int rc = ECPR_OK;

	if (rg->has_lo)
		rc = range_end_convert(d, u, &rg->lo, err);
	if (rc == ECPR_OK && rg->has_hi)
		rc = range_end_convert(d, u, &rg->hi, err);
	return rc;
}

enum { RF_OBS, RF_POP, RF_RANGE, RF_UNIT, RF_COUNT };

int
ecpr_ranges_load(ecpr_ranges *rs, const char *path, ecpr_error *err)
{
	static const char *const cols[RF_COUNT] = { "observation",
		"population", "range", "unit" };
	ecpr_ranges next;
	ecpr__csv *csv = NULL;
	const char *const *f;
	long col[RF_COUNT];
	size_t nf, i;
	FILE *fp;
	int rc, k;

	if (rs == NULL || path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_ranges_load: invalid argument");
	if ((fp = fopen(path, "rb")) == NULL)
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot open: %s", strerror(errno));
	next = *rs;
	if ((rc = ecpr__csv_new(&csv, fp, path, err)) != ECPR_OK)
		goto out;
	rc = ecpr__csv_next(csv, &f, &nf, err);
	if (rc == 0) {
		rc = ecpr__error_set(err, ECPR_EPARSE, path, 0, "empty file");
		goto out;
	}
	if (rc < 0)
		goto out;
	for (k = 0; k < RF_COUNT; k++)
		col[k] = -1;
	for (i = 0; i < nf; i++) {
		k = ecpr__name_lookup(f[i], cols, RF_COUNT);
		if (k < 0 || col[k] >= 0) {
			rc = ecpr__error_set(err, ECPR_EPARSE, path,
			    ecpr__csv_line(csv), "column %zu: %s column \"%s\" "
			    "(a ranges file has observation, population, "
			    "range, unit)", i + 1, k < 0 ? "unknown" :
			    "duplicate", f[i]);
			goto out;
		}
		col[k] = (long)i;
	}
	for (k = 0; k < RF_UNIT; k++)
		if (col[k] < 0) {
			rc = ecpr__error_set(err, ECPR_EPARSE, path,
			    ecpr__csv_line(csv), "missing column \"%s\"",
			    cols[k]);
			goto out;
		}
	while ((rc = ecpr__csv_next(csv, &f, &nf, err)) > 0) {
		unsigned long line = ecpr__csv_line(csv);
		const char *unit;
		const struct ecpr__unit_def *u;
		ecpr_range rg;
		int type, pop;

		if (nf != (size_t)RF_COUNT - (col[RF_UNIT] < 0)) {
			rc = ecpr__error_set(err, ECPR_EPARSE, path, line,
			    "%zu fields, the header has %zu", nf,
			    (size_t)RF_COUNT - (col[RF_UNIT] < 0));
			goto out;
		}
		if ((type = ecpr_obs_lookup(f[col[RF_OBS]])) < 0) {
			rc = ecpr__error_set(err, ECPR_EPARSE, path, line,
			    "field \"observation\": unknown observation "
			    "\"%s\"", f[col[RF_OBS]]);
			goto out;
		}
		if ((pop = ecpr_population_lookup(f[col[RF_POP]])) < 0) {
			rc = ecpr__error_set(err, ECPR_EPARSE, path, line,
			    "field \"population\": \"%s\" is neither adult "
			    "nor paediatric", f[col[RF_POP]]);
			goto out;
		}
		if (f[col[RF_RANGE]][0] == '\0') {
			next.has[type][pop] = 0;
			continue;
		}
		if ((rc = ecpr_range_parse(&rg, f[col[RF_RANGE]], err)) !=
		    ECPR_OK) {
			ecpr__error_prefix(err, "field \"range\": ");
			ecpr__error_locate(err, path, line);
			goto out;
		}
		unit = col[RF_UNIT] >= 0 && f[col[RF_UNIT]][0] != '\0' ?
		    f[col[RF_UNIT]] : ecpr__obs[type].units[0].ucum;
		if ((u = unit_find(&ecpr__obs[type], unit)) == NULL) {
			rc = unit_error(&ecpr__obs[type], unit, err);
			ecpr__error_prefix(err, "field \"unit\": ");
			ecpr__error_locate(err, path, line);
			goto out;
		}
		if ((rc = range_convert(&ecpr__obs[type], u, &rg, err)) !=
		    ECPR_OK) {
			ecpr__error_prefix(err, "field \"range\": ");
			ecpr__error_locate(err, path, line);
			goto out;
		}
		next.has[type][pop] = 1;
		next.r[type][pop] = rg;
	}
	if (rc == 0)
		*rs = next;
out:
	ecpr__csv_free(csv);
	fclose(fp);
	return rc < 0 ? rc : ECPR_OK;
}

/* ------------------------------------------------------------------ */
/* Complications                                                        */
/* ------------------------------------------------------------------ */

const char *
ecpr_attribution_name(ecpr_attribution by)
{
	if ((int)by < 0 || by >= ECPR_BY_COUNT)
		return NULL;
	return ecpr__attributions[by];
}

int
ecpr_attribution_lookup(const char *name)
{
	return ecpr__name_lookup(name, ecpr__attributions, ECPR_BY_COUNT);
}

size_t
ecpr_complication_count(void)
{
	return ECPR__NCOMPLICATIONS;
}

static const struct ecpr__complication_def *
compl_def(int code)
{
	if (code < 0 || code >= ECPR__NCOMPLICATIONS)
		return NULL;
	return &ecpr__complications[code];
}

const char *
ecpr_complication_name(int code)
{
	const struct ecpr__complication_def *d = compl_def(code);

	return d != NULL ? d->name : NULL;
}

int
ecpr_complication_lookup(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ECPR__NCOMPLICATIONS; i++) /* the first byte first */
		if (ecpr__complications[i].name[0] == name[0] &&
		    strcmp(ecpr__complications[i].name, name) == 0)
			return i;
	return -1;
}

const char *
ecpr_complication_label(int code)
{
	const struct ecpr__complication_def *d = compl_def(code);

	return d != NULL ? d->label : NULL;
}

const char *
ecpr_complication_abbrev(int code)
{
	const struct ecpr__complication_def *d = compl_def(code);

	return d != NULL ? d->abbrev : NULL;
}

const char *
ecpr_complication_group(int code)
{
	const struct ecpr__complication_def *d = compl_def(code);

	return d != NULL ? d->group : NULL;
}
