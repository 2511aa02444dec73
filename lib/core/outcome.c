/*
 * outcome.c - outcomes (survival to discharge, CPC 1-2) by an interval in
 * bins, with Wilson intervals, as counts and as csv
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ecpr_outcome {
	ecpr_interval_id id;
	size_t nbins;
	int64_t edges[ECPR_OUTCOME_BINS_MAX];
	ecpr_flow_outcome bins[ECPR_OUTCOME_BINS_MAX];
	ecpr_flow_outcome groups[ECPR_OUTCOME_GROUP_COUNT];
	ecpr_flow_outcome total;
};

static const char *const group_names[ECPR_OUTCOME_GROUP_COUNT] = {
	"not_binnable", "missing", "below"
};

const char *
ecpr_outcome_group_name(ecpr_outcome_group g)
{
	return (unsigned)g < ECPR_OUTCOME_GROUP_COUNT ? group_names[g] : NULL;
}

void
ecpr_flow_outcome_add(ecpr_flow_outcome *o, const ecpr_episode *ep)
{
	int s = ecpr_episode_survived(ep), f = ecpr_episode_favourable(ep);

	o->n++;
	if (s > 0)
		o->survived++;
	else if (s == 0)
		o->died++;
	else
		o->survival_unknown++;
	if (f > 0)
		o->favourable++;
	else if (f == 0)
		o->unfavourable++;
	else
		o->cpc_unknown++;
}

/* 1 for an interval in tenths of a day (written with one decimal). */
static int
in_days(ecpr_interval_id id)
{
	return ecpr_interval_unit(id) == ECPR_UNIT_DECIDAY;
}

/* Largest edge accepted: a century of minutes or days, far beyond any
 * interval, so that edge arithmetic never overflows. */
#define EDGE_MAX 52596000

/*
 * One edge as written: a whole number of minutes, or days with at most
 * one decimal (in tenths).  Returns 0, or -1 when it is not such a number.
 */
static int
parse_edge(const char *s, size_t n, int days, int64_t *out)
{
	int64_t v = 0;
	size_t i = 0;
	int digits = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		v = v * 10 + (s[i] - '0');
		if (v > EDGE_MAX)
			return -1;
	}
	if (digits == 0)
		return -1;
	if (days) {
		v *= 10;
		if (i + 2 == n && s[i] == '.' && s[i + 1] >= '0' &&
		    s[i + 1] <= '9') {
			v += s[i + 1] - '0';
			i += 2;
		}
	}
	if (i != n)
		return -1;
	*out = v;
	return 0;
}

int
ecpr_outcome_new(ecpr_outcome **out, ecpr_interval_id id, const char *bins,
    ecpr_error *err)
{
	ecpr_outcome *oc;
	const char *p, *comma;
	int days;
	size_t n;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcome: no output pointer");
	*out = NULL;
	if ((unsigned)id >= ECPR_IV_COUNT || id == ECPR_IV_CPC_DISCHARGE)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcome: interval \"%s\" is not a duration",
		    id == ECPR_IV_CPC_DISCHARGE ? "cpc_discharge" : "?");
	if (bins == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcome: no bins");
	oc = calloc(1, sizeof(*oc));
	if (oc == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	oc->id = id;
	days = in_days(id);
	for (p = bins;; p = comma + 1) {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (oc->nbins == ECPR_OUTCOME_BINS_MAX) {
			ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
			    "bins \"%s\": more than %d bins", bins,
			    ECPR_OUTCOME_BINS_MAX);
			goto fail;
		}
		if (parse_edge(p, n, days, &oc->edges[oc->nbins])) {
			ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
			    "bins \"%s\": \"%.*s\" is not %s", bins, (int)n, p,
			    days ? "a number of days (at most one decimal)" :
			    "a whole number of minutes");
			goto fail;
		}
		if (oc->nbins > 0 &&
		    oc->edges[oc->nbins] <= oc->edges[oc->nbins - 1]) {
			ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
			    "bins \"%s\": \"%.*s\" is not above the edge before "
			    "it", bins, (int)n, p);
			goto fail;
		}
		oc->nbins++;
		if (comma == NULL)
			break;
	}
	*out = oc;
	return ECPR_OK;
fail:
	free(oc);
	return err != NULL ? err->code : ECPR_EPARSE;
}

void
ecpr_outcome_free(ecpr_outcome *oc)
{
	free(oc);
}

/*
 * Where a value lo..hi goes: the bin whose span holds all of it (>= 0),
 * or -1 - the group.
 */
static int
place(const ecpr_outcome *oc, const ecpr_interval *iv)
{
	size_t i;

	if (!iv->known)
		return -1 - ECPR_OUTCOME_MISSING;
	if (iv->lo < oc->edges[0])
		return -1 - (iv->hi < oc->edges[0] ? ECPR_OUTCOME_BELOW :
		    ECPR_OUTCOME_NOT_BINNABLE);
	for (i = oc->nbins; i-- > 0;)
		if (iv->lo >= oc->edges[i])
			break;
	if (i + 1 < oc->nbins && iv->hi >= oc->edges[i + 1])
		return -1 - ECPR_OUTCOME_NOT_BINNABLE;
	return (int)i;
}

int
ecpr_outcome_add_episode(ecpr_outcome *oc, const ecpr_episode *ep,
    ecpr_error *err)
{
	ecpr_interval iv[ECPR_IV_COUNT];
	int r, where;

	if (oc == NULL || ep == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcome: no table or episode");
	r = ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT, err);
	if (r != ECPR_OK)
		return r;
	where = place(oc, &iv[oc->id]);
	if (where >= 0)
		ecpr_flow_outcome_add(&oc->bins[where], ep);
	else
		ecpr_flow_outcome_add(&oc->groups[-1 - where], ep);
	ecpr_flow_outcome_add(&oc->total, ep);
	return ECPR_OK;
}

ecpr_interval_id
ecpr_outcome_interval(const ecpr_outcome *oc)
{
	return oc->id;
}

size_t
ecpr_outcome_bin_count(const ecpr_outcome *oc)
{
	return oc != NULL ? oc->nbins : 0;
}

int
ecpr_outcome_bin_get(const ecpr_outcome *oc, size_t i, ecpr_outcome_bin *out)
{
	if (oc == NULL || out == NULL || i >= oc->nbins)
		return ECPR_EINVAL;
	out->from = oc->edges[i];
	out->to = i + 1 < oc->nbins ? oc->edges[i + 1] : -1;
	out->counts = oc->bins[i];
	return ECPR_OK;
}

/* A value of the interval's unit as written: "30", "7.0". */
static size_t
unit_format(int days, int64_t v, char *buf, size_t len)
{
	int k;

	if (days)
		k = snprintf(buf, len, "%" PRId64 ".%" PRId64, v / 10, v % 10);
	else
		k = snprintf(buf, len, "%" PRId64, v);
	return k > 0 ? (size_t)k : 0;
}

size_t
ecpr_outcome_bin_label(const ecpr_outcome *oc, size_t i, int flags,
    char *buf, size_t len)
{
	char a[32], b[32];
	int days, k;

	if (len > 0)
		buf[0] = '\0';
	if (oc == NULL || i >= oc->nbins)
		return 0;
	days = in_days(oc->id);
	unit_format(days, oc->edges[i], a, sizeof(a));
	if (i + 1 == oc->nbins)
		k = snprintf(buf, len, "%s+", a);
	else if (oc->edges[i + 1] - 1 == oc->edges[i])
		k = snprintf(buf, len, "%s", a);
	else {
		unit_format(days, oc->edges[i + 1] - 1, b, sizeof(b));
		k = snprintf(buf, len, "%s%s%s", a,
		    (flags & ECPR_VALUE_PAPER) ? "–" : "-", b);
	}
	return k > 0 ? (size_t)k : 0;
}

void
ecpr_outcome_group_get(const ecpr_outcome *oc, ecpr_outcome_group g,
    ecpr_flow_outcome *out)
{
	memset(out, 0, sizeof(*out));
	if (oc != NULL && (unsigned)g < ECPR_OUTCOME_GROUP_COUNT)
		*out = oc->groups[g];
}

void
ecpr_outcome_total(const ecpr_outcome *oc, ecpr_flow_outcome *out)
{
	memset(out, 0, sizeof(*out));
	if (oc != NULL)
		*out = oc->total;
}

/* ------------------------------------------------------------------ */
/* csv                                                                  */
/* ------------------------------------------------------------------ */

/* A share in tenths of a per cent, half away from zero. */
static int64_t
permille(double share)
{
	double v = share * 1000;

	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

/*
 * ",k,not_k,unknown,pct,lo,hi": a proportion of the known outcomes in
 * per cent with one decimal, and its 95 % Wilson interval; the three
 * empty when no outcome is known.
 */
static void
write_share(FILE *fp, uint64_t k, uint64_t not_k, uint64_t unknown)
{
	double lo, hi;
	int64_t v[3];
	int j;

	fprintf(fp, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, k, not_k, unknown);
	if (ecpr_stats_wilson(k, k + not_k, ECPR_STATS_Z95, &lo, &hi) !=
	    ECPR_OK) {
		fputs(",,,", fp);
		return;
	}
	v[0] = ecpr__div_round((int64_t)(k * 1000), (int64_t)(k + not_k));
	v[1] = permille(lo);
	v[2] = permille(hi);
	for (j = 0; j < 3; j++)
		fprintf(fp, ",%" PRId64 ".%" PRId64, v[j] / 10, v[j] % 10);
}

static void
write_row(FILE *fp, const ecpr_outcome *oc, const char *bin,
    const char *from, const char *to, const ecpr_flow_outcome *c)
{
	fprintf(fp, "%s,%s,%s,%s,%" PRIu64, ecpr_interval_name(oc->id), bin,
	    from, to, c->n);
	write_share(fp, c->survived, c->died, c->survival_unknown);
	write_share(fp, c->favourable, c->unfavourable, c->cpc_unknown);
	fprintf(fp, ",%s\n", ecpr_defs_version());
}

int
ecpr_outcome_write_csv(const ecpr_outcome *oc, FILE *fp, ecpr_error *err)
{
	char label[64], from[32], to[32];
	int days;
	size_t i;

	if (oc == NULL || fp == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcome: no table or stream");
	days = in_days(oc->id);
	fputs("interval,bin,from,to,n,survived,died,survival_unknown,"
	    "survival_pct,survival_lo,survival_hi,favourable,unfavourable,"
	    "cpc_unknown,favourable_pct,favourable_lo,favourable_hi,"
	    "definitions\n", fp);
	for (i = 0; i < oc->nbins; i++) {
		ecpr_outcome_bin_label(oc, i, 0, label, sizeof(label));
		unit_format(days, oc->edges[i], from, sizeof(from));
		to[0] = '\0';
		if (i + 1 < oc->nbins)
			unit_format(days, oc->edges[i + 1], to, sizeof(to));
		write_row(fp, oc, label, from, to, &oc->bins[i]);
	}
	for (i = 0; i < ECPR_OUTCOME_GROUP_COUNT; i++)
		if (i != ECPR_OUTCOME_BELOW || oc->edges[0] > 0)
			write_row(fp, oc, group_names[i], "", "",
			    &oc->groups[i]);
	write_row(fp, oc, "all", "", "", &oc->total);
	if (ferror(fp))
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write: %s", strerror(errno));
	return ECPR_OK;
}
