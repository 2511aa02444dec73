/*
 * summary.c - the cohort table (a paper's Table 1) of episodes, libc only
 *
 * A summary keeps a few compact columns per episode (its stratum, each
 * numeric variable's low and, once some value is a range, high end, each
 * attribute's value as a small number, its two outcomes) and writes, for
 * the whole cohort and for each stratum (a site, or a value of an
 * attribute): n; median [IQR], min and max, missing and ranges of every
 * derived interval and numeric attribute; n (%) per value of every coded
 * and free-text attribute with missing; survival to hospital discharge
 * and CPC 1-2 at discharge, n (%) with Wilson 95 % intervals.  The
 * table goes through the writers the report uses (table.c).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "table.h"

/* A numeric variable: a derived interval, a numeric attribute or the
 * worst value of an observation. */
struct numvar {
	int iv;       /* ecpr_interval_id, or -1 */
	int attr;     /* ecpr_attr_id, or -1 */
	int obs;      /* ecpr_obs_type, or -1 */
	double scale; /* a stored value / scale is shown (decidays: 10) */
	int decimals; /* decimals of an exact value (the most written) */
	double *lo;   /* per episode; NaN when unknown (an observation: NULL
	                 until some episode has a value) */
	double *hi;   /* NULL until some value is a range, then per episode */
	unsigned char *cens; /* an observation: 1 when the worst value is
	                        censored (">35000"; lo NaN) */
};

/* Strings, each given a small number: the strata, free-text values.
 * A NULL string is "missing". */
struct strtab {
	char **s;
	size_t n, cap;
	size_t last; /* the last one found: most lookups repeat it */
};

#define NVAR_MAX (ECPR_IV_COUNT + ECPR_AT_COUNT + ECPR_OBS_COUNT)

/* What is not a number: a value from a code list or free text. */
#define IS_CATEGORY(s, a) ((s)->varof_attr[a] < 0)

struct ecpr_summary {
	int by_site;
	int by_attr; /* ecpr_attr_id, or -1 (no strata, or the site) */
	size_t n, cap;
	uint32_t *strat; /* per episode: its stratum in strata */
	struct strtab strata;
	struct numvar var[NVAR_MAX];
	size_t nvar;
	int varof_attr[ECPR_AT_COUNT]; /* index into var, or -1 */
	uint32_t *cat[ECPR_AT_COUNT];  /* categories: per episode, the value
	                                  in values[] */
	struct strtab values[ECPR_AT_COUNT];
	int8_t *surv, *fav; /* per episode: 1, 0 or -1 (unknown) */
	ecpr_event_type from, to; /* the window of the worst values */
	char worst_note[320];     /* what OBS_worst means in that window */
};

/* ------------------------------------------------------------------ */
/* Strings and columns                                                  */
/* ------------------------------------------------------------------ */

static int
str_same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* The number of s in t, added when new; -1 when memory ran out. */
static long
strtab_intern(struct strtab *t, const char *s)
{
	size_t i;
	char *copy = NULL;

	if (t->n > 0 && str_same(t->s[t->last], s))
		return (long)t->last;
	for (i = 0; i < t->n; i++)
		if (str_same(t->s[i], s)) {
			t->last = i;
			return (long)i;
		}
	if (s != NULL && (copy = strdup(s)) == NULL)
		return -1;
	if (ecpr__grow((void **)&t->s, &t->cap, t->n, sizeof(*t->s)) < 0) {
		free(copy);
		return -1;
	}
	t->s[t->n] = copy;
	t->last = t->n;
	return (long)t->n++;
}

static void
strtab_free(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
}

/* Grow the per-episode array *p (of size bytes each) to cap. */
static int
grow_column(void *p, size_t cap, size_t size)
{
	void **pp = p;
	void *q;

	if (*pp == NULL && cap == 0)
		return 0;
	q = realloc(*pp, cap * size);
	if (q == NULL)
		return -1;
	*pp = q;
	return 0;
}

/* Room for one more episode in every column. */
static int
grow_columns(ecpr_summary *s)
{
	size_t cap, k;
	int a;

	if (s->n < s->cap)
		return 0;
	cap = s->cap ? 2 * s->cap : 256;
	if (grow_column(&s->strat, cap, sizeof(*s->strat)) < 0 ||
	    grow_column(&s->surv, cap, sizeof(*s->surv)) < 0 ||
	    grow_column(&s->fav, cap, sizeof(*s->fav)) < 0)
		return -1;
	for (k = 0; k < s->nvar; k++)
		if (((s->var[k].obs < 0 || s->var[k].lo != NULL) &&
		    grow_column(&s->var[k].lo, cap, sizeof(double)) < 0) ||
		    (s->var[k].hi != NULL &&
		    grow_column(&s->var[k].hi, cap, sizeof(double)) < 0) ||
		    (s->var[k].cens != NULL &&
		    grow_column(&s->var[k].cens, cap, 1) < 0))
			return -1;
	for (a = 0; a < ECPR_AT_COUNT; a++)
		if (IS_CATEGORY(s, a) &&
		    grow_column(&s->cat[a], cap, sizeof(uint32_t)) < 0)
			return -1;
	s->cap = cap;
	return 0;
}

/* Decimals written in a number ("24.35": 2). */
static int
decimals_of(const char *text)
{
	const char *dot = strchr(text, '.');

	return dot != NULL ? (int)strlen(dot + 1) : 0;
}

/*
 * The value of a number as written (digits, maybe a point and digits):
 * with at most 15 digits, the digits as an integer and the power of ten
 * are both exact doubles, so their quotient is the correctly rounded
 * value, the one strtod gives; anything else goes to strtod.
 */
static double
number_of(const char *text)
{
	static const double tens[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *p = text;
	int64_t m = 0;
	int nd = 0, frac = -1;

	for (;; p++) {
		if (*p >= '0' && *p <= '9') {
			m = m * 10 + (*p - '0');
			if (++nd > 15)
				return strtod(text, NULL);
			if (frac >= 0)
				frac++;
		} else if (*p == '.' && frac < 0 && nd > 0) {
			frac = 0;
		} else {
			break;
		}
	}
	if (*p != '\0' || nd == 0 || frac == 0)
		return strtod(text, NULL);
	return (double)m / tens[frac < 0 ? 0 : frac];
}

/* The code list of an attribute, or NULL (free text, a number). */
static const char *const *
codes_of(int attr)
{
	size_t k;

	for (k = 0; k < ECPR__NCODELISTS; k++)
		if ((int)ecpr__codelists[k].attr == attr)
			return ecpr__codelists[k].codes;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Building                                                             */
/* ------------------------------------------------------------------ */

static const char *const abbreviations =
    "CA cardiac arrest, CI confidence interval, CPC cerebral performance "
    "category, CPR cardiopulmonary resuscitation, ECMO extracorporeal "
    "membrane oxygenation, ECPR extracorporeal cardiopulmonary "
    "resuscitation, ICU intensive care unit, IQR interquartile range, "
    "MCC mechanical chest compression, ROSC return of spontaneous "
    "circulation";

/* The worst values between from and to, and the note that says so. */
static void
window(ecpr_summary *s, ecpr_event_type from, ecpr_event_type to)
{
	s->from = from;
	s->to = to;
	snprintf(s->worst_note, sizeof(s->worst_note), "the worst value of "
	    "the observation (the highest, or the lowest for platelets, "
	    "urine output, ECMO flow and MAP) from %s to %s, in the unit "
	    "shown; censored values (>35000, <0.5) are counted apart, never "
	    "made numbers", ecpr_event_name(from), ecpr_event_name(to));
}

int
ecpr_summary_set_window(ecpr_summary *s, ecpr_event_type from,
    ecpr_event_type to, ecpr_error *err)
{
	if (s == NULL || ecpr_event_name(from) == NULL ||
	    ecpr_event_name(to) == NULL || s->n > 0)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_summary_set_window: no summary, an unknown event, or "
		    "episodes already added");
	window(s, from, to);
	return ECPR_OK;
}

int
ecpr_summary_new(ecpr_summary **out, const ecpr_summary_opts *opts,
    ecpr_error *err)
{
	ecpr_summary *s;
	int a, i;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the summary");
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	s->by_attr = -1;
	window(s, ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP);
	if (opts != NULL && opts->by != NULL) {
		if (strcmp(opts->by, "site") == 0)
			s->by_site = 1;
		else if ((s->by_attr = ecpr_attr_lookup(opts->by)) < 0) {
			free(s);
			return ecpr__error_set(err, ECPR_ENOTFOUND, NULL, 0,
			    "stratify by \"%s\": neither \"site\" nor an "
			    "attribute (age_years, sex, initial_rhythm, ...)",
			    opts->by);
		}
	}
	/* The numeric attributes, then the intervals (Table 2), but not
	 * cpc_discharge: it is a category (codes 1-5). */
	for (a = 0; a < ECPR_AT_COUNT; a++) {
		s->varof_attr[a] = -1;
		if (ecpr__attr_is_number((ecpr_attr_id)a) &&
		    codes_of(a) == NULL) {
			s->varof_attr[a] = (int)s->nvar;
			s->var[s->nvar].iv = -1;
			s->var[s->nvar].attr = a;
			s->var[s->nvar].obs = -1;
			s->var[s->nvar].scale = 1;
			s->nvar++;
		}
	}
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		if (ecpr__intervals[i].kind == ECPR__IV_ATTRIBUTE)
			continue;
		s->var[s->nvar].iv = i;
		s->var[s->nvar].attr = -1;
		s->var[s->nvar].obs = -1;
		s->var[s->nvar].scale =
		    ecpr_interval_unit((ecpr_interval_id)i) ==
		    ECPR_UNIT_DECIDAY ? 10 : 1;
		s->var[s->nvar].decimals =
		    ecpr_interval_unit((ecpr_interval_id)i) ==
		    ECPR_UNIT_DECIDAY ? 1 : 0;
		s->nvar++;
	}
	/* the worst value of each observation during the ECPR course */
	for (i = 0; i < ECPR_OBS_COUNT; i++) {
		s->var[s->nvar].iv = -1;
		s->var[s->nvar].attr = -1;
		s->var[s->nvar].obs = i;
		s->var[s->nvar].scale = 1;
		s->nvar++;
	}
	*out = s;
	return ECPR_OK;
}

int
ecpr_summary_add_episode(ecpr_summary *s, const ecpr_episode *ep,
    ecpr_error *err)
{
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_value worst[ECPR_OBS_COUNT];
	int has[ECPR_OBS_COUNT];
	long st, v[ECPR_AT_COUNT];
	size_t k, i;
	int a, rc;

	if (s == NULL || ep == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no summary or no episode");
	rc = ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT, err);
	if (rc != ECPR_OK)
		return rc;
	rc = ecpr__episode_worst_all(ep, s->from, s->to, worst, has, err);
	if (rc < 0)
		return rc;
	if (grow_columns(s) < 0)
		goto nomem;
	/* an observation's columns, first needed now */
	for (k = 0; k < s->nvar; k++) {
		struct numvar *nv = &s->var[k];

		if (nv->obs < 0 || nv->lo != NULL || !has[nv->obs])
			continue;
		nv->lo = malloc(s->cap * sizeof(double));
		nv->cens = calloc(s->cap, 1);
		if (nv->lo == NULL || nv->cens == NULL) {
			free(nv->lo);
			free(nv->cens);
			nv->lo = NULL;
			nv->cens = NULL;
			goto nomem;
		}
		for (i = 0; i < s->n; i++)
			nv->lo[i] = NAN;
	}
	/* a high end column, first needed now */
	for (k = 0; k < s->nvar; k++) {
		struct numvar *nv = &s->var[k];

		if (nv->iv < 0 || nv->hi != NULL || !iv[nv->iv].known ||
		    iv[nv->iv].lo == iv[nv->iv].hi)
			continue;
		if ((nv->hi = malloc(s->cap * sizeof(double))) == NULL)
			goto nomem;
		for (i = 0; i < s->n; i++)
			nv->hi[i] = nv->lo[i];
	}
	/* the strings (a failure leaves at most an unused one) */
	if (s->by_site)
		st = strtab_intern(&s->strata, ecpr_episode_site(ep));
	else if (s->by_attr >= 0)
		st = strtab_intern(&s->strata,
		    ecpr_episode_attr(ep, (ecpr_attr_id)s->by_attr));
	else
		st = strtab_intern(&s->strata, "");
	if (st < 0)
		goto nomem;
	for (a = 0; a < ECPR_AT_COUNT; a++) {
		if (!IS_CATEGORY(s, a))
			continue;
		v[a] = strtab_intern(&s->values[a],
		    ecpr_episode_attr(ep, (ecpr_attr_id)a));
		if (v[a] < 0)
			goto nomem;
	}
	/* nothing can fail from here on */
	s->strat[s->n] = (uint32_t)st;
	for (a = 0; a < ECPR_AT_COUNT; a++)
		if (IS_CATEGORY(s, a))
			s->cat[a][s->n] = (uint32_t)v[a];
	for (k = 0; k < s->nvar; k++) {
		struct numvar *nv = &s->var[k];
		double lo = NAN, hi = NAN;

		if (nv->obs >= 0) {
			const ecpr_value *w = &worst[nv->obs];

			if (nv->lo == NULL)
				continue;
			nv->cens[s->n] = has[nv->obs] && w->cmp != ECPR_CMP_EQ;
			if (has[nv->obs] && w->cmp == ECPR_CMP_EQ) {
				lo = hi = (double)w->mant /
				    pow(10.0, (double)w->scale);
				if (w->scale > nv->decimals)
					nv->decimals = w->scale;
			}
		} else if (nv->iv >= 0 && iv[nv->iv].known) {
			lo = (double)iv[nv->iv].lo;
			hi = (double)iv[nv->iv].hi;
		} else if (nv->attr >= 0) {
			const char *text = ecpr_episode_attr(ep,
			    (ecpr_attr_id)nv->attr);

			if (text != NULL) {
				lo = hi = number_of(text);
				if (decimals_of(text) > nv->decimals)
					nv->decimals = decimals_of(text);
			}
		}
		nv->lo[s->n] = lo;
		if (nv->hi != NULL)
			nv->hi[s->n] = hi;
	}
	s->surv[s->n] = (int8_t)ecpr_episode_survived(ep);
	s->fav[s->n] = (int8_t)ecpr_episode_favourable(ep);
	s->n++;
	return ECPR_OK;
nomem:
	return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0, "out of memory");
}

size_t
ecpr_summary_count(const ecpr_summary *s)
{
	return s != NULL ? s->n : 0;
}

void
ecpr_summary_free(ecpr_summary *s)
{
	size_t k;
	int a;

	if (s == NULL)
		return;
	for (k = 0; k < s->nvar; k++) {
		free(s->var[k].lo);
		free(s->var[k].hi);
		free(s->var[k].cens);
	}
	for (a = 0; a < ECPR_AT_COUNT; a++) {
		free(s->cat[a]);
		strtab_free(&s->values[a]);
	}
	strtab_free(&s->strata);
	free(s->strat);
	free(s->surv);
	free(s->fav);
	free(s);
}

/* ------------------------------------------------------------------ */
/* The table                                                            */
/* ------------------------------------------------------------------ */

/*
 * The cells while they are made: their texts one after another in sb
 * (NUL-terminated), off[i] where cell i starts; ncol cells a row.
 */
struct build {
	struct ecpr__sbuf sb;
	size_t *off;
	size_t noff, capoff;
	size_t ncol;
	int failed;
	/* the columns: 0 overall, 1 + k the k-th stratum in order */
	size_t *col_of; /* stratum -> its column */
	size_t *count;  /* episodes per column */
	char num[4][64];
	/* the arrays of a numeric variable's rows, allocated for the first
	 * and used again by each (megabytes freshly allocated are a fresh
	 * mapping, each page a fault on its first write) */
	struct vs *v, *tmp; /* n each: the values to sort */
	double *lo, *hi;    /* 2 n + 1 each: sorted, then split by column */
};

static void
cell(struct build *b, const char *text)
{
	if (ecpr__grow((void **)&b->off, &b->capoff, b->noff,
	    sizeof(*b->off)) < 0) {
		b->failed = 1;
		return;
	}
	b->off[b->noff++] = b->sb.n;
	ecpr__sb_add(&b->sb, text);
	ecpr__sb_addc(&b->sb, '\0');
}

static void
cellf(struct build *b, const char *fmt, ...) ECPR__PRINTF(2, 3);

static void
cellf(struct build *b, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cell(b, buf);
}

/* A row of a label and empty cells (a heading of the rows below). */
static void
heading_row(struct build *b, const char *label)
{
	size_t j;

	cell(b, label);
	for (j = 1; j < b->ncol; j++)
		cell(b, "");
}

/*
 * x / scale with dec + extra decimals, trailing zeros cut down to dec
 * ("17.50" -> "17.5", "25.00" -> "25").
 */
static void
fmt_num(char *buf, size_t len, double x, double scale, int dec, int extra)
{
	size_t n;
	int keep;

	snprintf(buf, len, "%.*f", dec + extra, x / scale);
	if (dec + extra == 0)
		return;
	n = strlen(buf);
	keep = dec;
	while (n > 0 && buf[n - 1] == '0' &&
	    (int)(n - 1 - (size_t)(strchr(buf, '.') - buf)) > keep)
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
}

/* A statistic on the low ends and on the high ends: "25", or "25..26"
 * when the two differ as shown. */
static void
fmt_stat(char *buf, size_t len, double lo, double hi,
    const struct numvar *nv, int extra)
{
	char a[48], c[48];

	fmt_num(a, sizeof(a), lo, nv->scale, nv->decimals, extra);
	fmt_num(c, sizeof(c), hi, nv->scale, nv->decimals, extra);
	if (strcmp(a, c) == 0)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s..%s", a, c);
}

/* A value (as an order-preserving key) and its stratum. */
struct vs {
	uint64_t k;
	uint32_t s;
};

/* The bits of a double as an unsigned key in the same order (-0 before
 * +0; no NaN here). */
static uint64_t
key_of(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return (u >> 63) != 0 ? ~u : u | (UINT64_C(1) << 63);
}

static double
value_of(uint64_t k)
{
	double v;

	k = (k >> 63) != 0 ? k & ~(UINT64_C(1) << 63) : ~k;
	memcpy(&v, &k, sizeof(v));
	return v;
}

/*
 * Sort v[0..n-1] by key: a least-significant-digit radix sort, a byte a
 * pass, skipping the bytes all keys share (most: the values are small
 * whole numbers).  tmp holds n.  Returns the sorted array (v or tmp).
 */
static struct vs *
radix_sort(struct vs *v, struct vs *tmp, size_t n)
{
	size_t cnt[8][256], i, sum, c;
	int b;

	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++)
			cnt[b][(v[i].k >> (8 * b)) & 0xff]++;
	for (b = 0; b < 8; b++) {
		struct vs *t;

		if (n == 0 || cnt[b][(v[0].k >> (8 * b)) & 0xff] == n)
			continue;
		for (c = 0, sum = 0; c < 256; c++) {
			size_t k = cnt[b][c];

			cnt[b][c] = sum;
			sum += k;
		}
		for (i = 0; i < n; i++)
			tmp[cnt[b][(v[i].k >> (8 * b)) & 0xff]++] = v[i];
		t = v;
		v = tmp;
		tmp = t;
	}
	return v;
}

/* b's arrays for the rows of a numeric variable of s's episodes (hi:
 * the high ends' too): 0, or -1 out of memory (what was allocated is
 * freed with b). */
static int
scratch(struct build *b, const ecpr_summary *s, int hi)
{
	size_t n = s->n ? s->n : 1;

	if (b->v == NULL)
		b->v = malloc(n * sizeof(*b->v));
	if (b->tmp == NULL)
		b->tmp = malloc(n * sizeof(*b->tmp));
	if (b->lo == NULL)
		b->lo = malloc((2 * s->n + 1) * sizeof(*b->lo));
	if (hi && b->hi == NULL)
		b->hi = malloc((2 * s->n + 1) * sizeof(*b->hi));
	return b->v == NULL || b->tmp == NULL || b->lo == NULL ||
	    (hi && b->hi == NULL) ? -1 : 0;
}

/*
 * The known values of x (per episode; NaN unknown) sorted, then split
 * by column: out[first[c] .. first[c] + cnt[c]) are column c's values in
 * order (column 1, the overall one: all of them; the split keeps the
 * order, so one sort serves every column).  out holds 2 n values; the
 * sort uses b's arrays (scratch()).  Returns 0, or -1 when memory ran
 * out.
 */
static int
sorted_by_column(const ecpr_summary *s, const struct build *b,
    const double *x, double *out, size_t *first, size_t *cnt)
{
	struct vs *v = b->v, *sorted;
	size_t i, k = 0, c, *pos;

	if ((pos = calloc(b->ncol, sizeof(*pos))) == NULL)
		return -1;
	for (i = 0; i < s->n; i++)
		if (!isnan(x[i])) {
			v[k].k = key_of(x[i]);
			v[k].s = s->strat[i];
			k++;
		}
	sorted = radix_sort(v, b->tmp, k);
	memset(cnt, 0, b->ncol * sizeof(*cnt));
	cnt[1] = k;
	first[1] = 0;
	if (b->ncol > 2)
		for (i = 0; i < k; i++)
			cnt[b->col_of[sorted[i].s]]++;
	for (c = 2; c < b->ncol; c++)
		first[c] = first[c - 1] + cnt[c - 1];
	for (c = 1; c < b->ncol; c++)
		pos[c] = first[c];
	for (i = 0; i < k; i++) {
		out[i] = value_of(sorted[i].k);
		if (b->ncol > 2)
			out[pos[b->col_of[sorted[i].s]]++] = out[i];
	}
	free(pos);
	return 0;
}

/* The rows of one numeric variable: median [IQR], min and max,
 * missing, and ranges when some value is one. */
static int
numeric_rows(const ecpr_summary *s, struct build *b, const struct numvar *nv)
{
	size_t nc = b->ncol, c, i;
	double *lo = NULL, *hi = NULL;
	size_t *flo = NULL, *clo = NULL, *fhi = NULL, *chi = NULL;
	size_t *nrange = NULL, anyrange = 0, *ncens = NULL;
	char med[3][112], buf[400], name[96];
	int rc = -1;

	if (nv->obs >= 0)
		snprintf(name, sizeof(name), "%s_worst (%s)",
		    ecpr_obs_name((ecpr_obs_type)nv->obs),
		    ecpr_obs_unit((ecpr_obs_type)nv->obs));
	else
		snprintf(name, sizeof(name), "%s", nv->iv >= 0 ?
		    ecpr_interval_name((ecpr_interval_id)nv->iv) :
		    ecpr_attr_name((ecpr_attr_id)nv->attr));

	if (scratch(b, s, nv->hi != NULL) < 0)
		goto out;
	lo = b->lo;
	flo = calloc(nc, sizeof(*flo));
	clo = calloc(nc, sizeof(*clo));
	nrange = calloc(nc, sizeof(*nrange));
	ncens = calloc(nc, sizeof(*ncens));
	if (flo == NULL || clo == NULL || nrange == NULL || ncens == NULL ||
	    sorted_by_column(s, b, nv->lo, lo, flo, clo) < 0)
		goto out;
	if (nv->hi != NULL) {
		hi = b->hi;
		fhi = calloc(nc, sizeof(*fhi));
		chi = calloc(nc, sizeof(*chi));
		if (fhi == NULL || chi == NULL ||
		    sorted_by_column(s, b, nv->hi, hi, fhi, chi) < 0)
			goto out;
		for (i = 0; i < s->n; i++)
			if (!isnan(nv->lo[i]) && nv->hi[i] != nv->lo[i]) {
				nrange[1]++;
				if (nc > 2)
					nrange[b->col_of[s->strat[i]]]++;
			}
		anyrange = nrange[1];
	}
	snprintf(buf, sizeof(buf), "%s, median [IQR]", name);
	cell(b, buf);
	for (c = 1; c < nc; c++) {
		static const double p[3] = { 0.5, 0.25, 0.75 };
		const double *l = lo + flo[c];
		const double *h = hi != NULL ? hi + fhi[c] : l;
		int q;

		if (clo[c] == 0) {
			cell(b, "–");
			continue;
		}
		for (q = 0; q < 3; q++)
			fmt_stat(med[q], sizeof(med[q]),
			    ecpr_stats_quantile(l, clo[c], p[q]),
			    ecpr_stats_quantile(h, clo[c], p[q]), nv, 2);
		snprintf(buf, sizeof(buf), "%s [%s, %s]", med[0], med[1],
		    med[2]);
		cell(b, buf);
	}
	cell(b, "  min, max");
	for (c = 1; c < nc; c++) {
		const double *l = lo + flo[c];
		const double *h = hi != NULL ? hi + fhi[c] : l;

		if (clo[c] == 0) {
			cell(b, "–");
			continue;
		}
		fmt_stat(med[0], sizeof(med[0]), l[0], h[0], nv, 0);
		fmt_stat(med[1], sizeof(med[1]), l[clo[c] - 1],
		    h[clo[c] - 1], nv, 0);
		snprintf(buf, sizeof(buf), "%s, %s", med[0], med[1]);
		cell(b, buf);
	}
	for (i = 0; nv->cens != NULL && i < s->n; i++)
		if (nv->cens[i]) {
			ncens[1]++;
			if (nc > 2)
				ncens[b->col_of[s->strat[i]]]++;
		}
	if (ncens[1] > 0) {
		cell(b, "  censored (<, >)");
		for (c = 1; c < nc; c++)
			cellf(b, "%zu", ncens[c]);
	}
	cell(b, "  missing");
	for (c = 1; c < nc; c++)
		cellf(b, "%zu", b->count[c] - clo[c] - ncens[c]);
	if (anyrange > 0) {
		cell(b, "  ranges (LO..HI)");
		for (c = 1; c < nc; c++)
			cellf(b, "%zu", nrange[c]);
	}
	rc = 0;
out:
	free(flo);
	free(clo);
	free(fhi);
	free(chi);
	free(nrange);
	free(ncens);
	return rc;
}

/* "k (p)" with p the percentage of k in n, one decimal; "0 (–)" when
 * n is 0.  With ci, the Wilson 95 % interval after it. */
static void
count_cell(struct build *b, size_t k, size_t n, int ci)
{
	double lo, hi;

	if (n == 0) {
		cellf(b, "%zu (–)", k);
		return;
	}
	if (!ci || ecpr_stats_wilson(k, n, ECPR_STATS_Z95, &lo, &hi) != 0) {
		cellf(b, "%zu (%.1f)", k, 100.0 * (double)k / (double)n);
		return;
	}
	cellf(b, "%zu (%.1f) [%.1f, %.1f]", k, 100.0 * (double)k / (double)n,
	    100.0 * lo, 100.0 * hi);
}

/* Order of the values of a category: the code list's, else by name. */
struct vrank {
	size_t value;
	long code;        /* place in the code list, or -1 */
	const char *name;
};

static int
vrank_cmp(const void *pa, const void *pb)
{
	const struct vrank *a = pa, *b = pb;

	if (a->code != b->code)
		return a->code < b->code ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * The rows of one category: "NAME, n (%)", then n (%) of each value
 * (every code of its list, or each free-text value seen), then missing.
 * Percentages are of those with a known value: the code "unknown" of a
 * list (initial_rhythm, witnessed ...) is counted, never in the
 * denominator and without a percentage, as missing is.
 */
static int
category_rows(const ecpr_summary *s, struct build *b, int a)
{
	const struct strtab *t = &s->values[a];
	const char *const *codes = codes_of(a);
	size_t nc = b->ncol, nv = t->n, ncodes = 0, nrank = 0, r, c, i;
	size_t *cnt, missing = (size_t)-1, unknown = (size_t)-1;
	struct vrank *rank;
	char buf[320];

	while (codes != NULL && codes[ncodes] != NULL)
		ncodes++;
	cnt = calloc((nv + 1) * nc, sizeof(*cnt));
	rank = calloc(nv + ncodes + 1, sizeof(*rank));
	if (cnt == NULL || rank == NULL) {
		free(cnt);
		free(rank);
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		uint32_t v = s->cat[a][i];

		cnt[v * nc + 1]++;
		if (nc > 2)
			cnt[v * nc + b->col_of[s->strat[i]]]++;
	}
	/* every code of the list, seen or not, in the list's order */
	for (r = 0; r < ncodes; r++) {
		rank[nrank].value = (size_t)-1;
		rank[nrank].code = (long)r;
		rank[nrank].name = codes[r];
		for (i = 0; i < nv; i++)
			if (str_same(t->s[i], codes[r]))
				rank[nrank].value = i;
		nrank++;
	}
	for (i = 0; i < nv; i++) {
		if (t->s[i] == NULL) {
			missing = i;
			continue;
		}
		if (codes != NULL && strcmp(t->s[i], "unknown") == 0)
			unknown = i;
		if (codes != NULL || cnt[i * nc + 1] == 0)
			continue;
		rank[nrank].value = i;
		rank[nrank].code = -1;
		rank[nrank].name = t->s[i];
		nrank++;
	}
	ecpr__sort(rank, nrank, sizeof(*rank), vrank_cmp);
	snprintf(buf, sizeof(buf), "%s, n (%%)",
	    ecpr_attr_name((ecpr_attr_id)a));
	heading_row(b, buf);
	for (r = 0; r < nrank; r++) {
		/* the list's code unknown: a count, no percentage */
		int apart = rank[r].code >= 0 &&
		    strcmp(rank[r].name, "unknown") == 0;

		snprintf(buf, sizeof(buf), "  %s", rank[r].name);
		cell(b, buf);
		for (c = 1; c < nc; c++) {
			size_t k = rank[r].value == (size_t)-1 ? 0 :
			    cnt[rank[r].value * nc + c];
			size_t m = missing == (size_t)-1 ? 0 :
			    cnt[missing * nc + c];
			size_t u = unknown == (size_t)-1 ? 0 :
			    cnt[unknown * nc + c];

			if (apart)
				cellf(b, "%zu", k);
			else
				count_cell(b, k, b->count[c] - m - u, 0);
		}
	}
	cell(b, "  missing");
	for (c = 1; c < nc; c++)
		cellf(b, "%zu", missing == (size_t)-1 ? 0 :
		    cnt[missing * nc + c]);
	free(cnt);
	free(rank);
	return 0;
}

/* An outcome: n (%) [95 % CI] of those known, and how many unknown. */
static void
outcome_rows(const ecpr_summary *s, struct build *b, const int8_t *x,
    const char *label)
{
	size_t nc = b->ncol, c, i, *yes, *unknown;

	yes = calloc(nc, sizeof(*yes));
	unknown = calloc(nc, sizeof(*unknown));
	if (yes == NULL || unknown == NULL) {
		b->failed = 1;
		goto out;
	}
	for (i = 0; i < s->n; i++) {
		size_t *to = x[i] < 0 ? unknown : x[i] > 0 ? yes : NULL;

		if (to == NULL)
			continue;
		to[1]++;
		if (nc > 2)
			to[b->col_of[s->strat[i]]]++;
	}
	cell(b, label);
	for (c = 1; c < nc; c++)
		count_cell(b, yes[c], b->count[c] - unknown[c], 1);
	cell(b, "  unknown");
	for (c = 1; c < nc; c++)
		cellf(b, "%zu", unknown[c]);
out:
	free(yes);
	free(unknown);
}
/* The order of the strata: a code list's, numbers by value, else by
 * name; missing last. */
struct srank {
	uint32_t stratum;
	long code;
	double num;
	const char *name; /* NULL: missing */
};

static int
srank_cmp(const void *pa, const void *pb)
{
	const struct srank *a = pa, *b = pb;

	if ((a->name == NULL) != (b->name == NULL))
		return a->name == NULL ? 1 : -1;
	if (a->name == NULL)
		return 0;
	if (a->code != b->code)
		return a->code < b->code ? -1 : 1;
	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	return strcmp(a->name, b->name);
}

static const struct ecpr__note notes[] = {
	{ NULL, "median [IQR]", "quantiles by R's type 7 (linear between "
	    "the order statistics; Hyndman and Fan 1996), the IQR as the 25th "
	    "and 75th percentiles" },
	{ NULL, "ranges", "a value known only as LO..HI (an input less "
	    "precise than the unit) is never made a number: each statistic "
	    "is computed on the low ends and on the high ends and shown as "
	    "lo..hi when they differ" },
	{ NULL, "n (%)", "percentage of those with a known value; missing "
	    "and unknown values are counted apart" },
	{ NULL, "95% CI", "Wilson score interval, in percent" },
	{ NULL, "OBS_worst", NULL /* worst_note: the window */ },
	{ NULL, "Survival to hospital discharge", "alive at hospital "
	    "discharge (ecpr_episode_survived(3)): not when a death is not "
	    "after the discharge or cpc_discharge is 5" },
};

/* Put the columns of the strata in order: b->col_of, the headings. */
static int
strata_columns(const ecpr_summary *s, struct build *b)
{
	const char *const *codes = s->by_attr >= 0 ? codes_of(s->by_attr) :
	    NULL;
	int numeric = s->by_attr >= 0 && codes == NULL &&
	    ecpr__attr_is_number((ecpr_attr_id)s->by_attr);
	const char *by = s->by_site ? "site" :
	    ecpr_attr_name((ecpr_attr_id)s->by_attr);
	size_t ns = b->ncol - 2, k, r;
	struct srank *rank;

	rank = calloc(ns + 1, sizeof(*rank));
	if (rank == NULL)
		return -1;
	for (k = 0; k < ns; k++) {
		rank[k].stratum = (uint32_t)k;
		rank[k].name = s->strata.s[k];
		rank[k].code = -1;
		for (r = 0; codes != NULL && codes[r] != NULL; r++)
			if (str_same(codes[r], rank[k].name))
				rank[k].code = (long)r;
		if (numeric && rank[k].name != NULL)
			rank[k].num = strtod(rank[k].name, NULL);
	}
	ecpr__sort(rank, ns, sizeof(*rank), srank_cmp);
	for (k = 0; k < ns; k++) {
		b->col_of[rank[k].stratum] = 2 + k;
		if (rank[k].name != NULL)
			cellf(b, "%s = %s", by, rank[k].name);
		else
			cellf(b, "%s missing", by);
	}
	free(rank);
	return 0;
}

/* The whole table in g (which then owns the texts); -1 out of memory. */
static int
summary_grid(struct ecpr__grid *g, const ecpr_summary *s)
{
	struct build b;
	size_t k, c, i, nn;
	int a, rc = -1;

	memset(&b, 0, sizeof(b));
	memset(g, 0, sizeof(*g));
	b.ncol = 2 + (s->by_site || s->by_attr >= 0 ? s->strata.n : 0);
	b.col_of = calloc(s->strata.n + 1, sizeof(*b.col_of));
	b.count = calloc(b.ncol, sizeof(*b.count));
	if (b.col_of == NULL || b.count == NULL)
		goto out;
	cell(&b, "Characteristic");
	cell(&b, "Overall");
	if (b.ncol > 2 && strata_columns(s, &b) < 0)
		goto out;
	b.count[1] = s->n;
	if (b.ncol > 2)
		for (i = 0; i < s->n; i++)
			b.count[b.col_of[s->strat[i]]]++;
	cell(&b, "n");
	for (c = 1; c < b.ncol; c++)
		cellf(&b, "%zu", b.count[c]);
	/* the attributes in contract order, then the intervals */
	for (a = 0; a < ECPR_AT_COUNT; a++) {
		if (IS_CATEGORY(s, a))
			rc = category_rows(s, &b, a);
		else
			rc = numeric_rows(s, &b, &s->var[s->varof_attr[a]]);
		if (rc < 0)
			goto out;
	}
	rc = -1;
	for (k = 0; k < s->nvar; k++)
		if (s->var[k].iv >= 0 && numeric_rows(s, &b, &s->var[k]) < 0)
			goto out;
	/* the observations some episode has a worst value of */
	for (k = 0; k < s->nvar; k++)
		if (s->var[k].obs >= 0 && s->var[k].lo != NULL &&
		    numeric_rows(s, &b, &s->var[k]) < 0)
			goto out;
	outcome_rows(s, &b, s->surv,
	    "Survival to hospital discharge, n (%) [95% CI]");
	outcome_rows(s, &b, s->fav, "CPC 1–2 at discharge, n (%) [95% CI]");
	if (b.failed || b.sb.failed || ecpr__grid_alloc(g, b.ncol,
	    b.noff / b.ncol - 1) < 0)
		goto out;
	for (i = 0; i < b.noff; i++)
		g->cells[i].text = b.sb.s + b.off[i];
	g->heap = b.sb.s;
	b.sb.s = NULL;
	nn = sizeof(notes) / sizeof(notes[0]);
	for (i = 0; i < nn; i++) {
		g->notes[g->nnotes] = notes[i];
		if (notes[i].text == NULL)
			g->notes[g->nnotes].text = s->worst_note;
		g->nnotes++;
	}
	for (k = 0; k < s->nvar; k++) {
		ecpr_interval_id id = (ecpr_interval_id)s->var[k].iv;

		if (s->var[k].iv < 0 || g->nnotes >= ECPR__GRID_NOTES_MAX)
			continue;
		g->notes[g->nnotes].term = ecpr_interval_name(id);
		g->notes[g->nnotes].text = ecpr_interval_definition(id);
		g->nnotes++;
	}
	g->abbrev = abbreviations;
	rc = 0;
out:
	free(b.sb.s);
	free(b.off);
	free(b.col_of);
	free(b.count);
	free(b.v);
	free(b.tmp);
	free(b.lo);
	free(b.hi);
	return rc;
}

int
ecpr_summary_write(const ecpr_summary *s, ecpr_report_format format,
    FILE *fp, ecpr_error *err)
{
	struct ecpr__sbuf sb = { NULL, 0, 0, 0 };
	struct ecpr__grid g;
	int rc = 0, saved = 0;

	if (s == NULL || fp == NULL || (unsigned)format > ECPR_REPORT_HTML)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no summary, no stream or an unknown format");
	if (summary_grid(&g, s) < 0)
		rc = -2;
	else {
		ecpr__grid_render(&sb, &g, format);
		if (sb.failed)
			rc = -2;
		else if (sb.n > 0 && fwrite(sb.s, 1, sb.n, fp) != sb.n) {
			saved = errno;
			rc = -1;
		}
	}
	ecpr__grid_free(&g);
	free(sb.s);
	if (rc == -2)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (rc != 0)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write: %s", strerror(saved));
	return ECPR_OK;
}
