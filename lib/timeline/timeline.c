/*
 * timeline.c - the timeline model: lanes of bars and markers, names
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tl_internal.h"

static const struct {
	const char *name;
	const char *label;
	ecpr_tl_track track;
} bar_info[ECPR_TL_BAR_COUNT] = {
	{ "no_flow", "No-flow", ECPR_TL_TRACK_RESUS },
	{ "cpr", "Conventional CPR", ECPR_TL_TRACK_RESUS },
	{ "mcc", "Mechanical CC", ECPR_TL_TRACK_RESUS },
	{ "ecmo", "ECMO flow", ECPR_TL_TRACK_RESUS },
	{ "iabp", "IABP", ECPR_TL_TRACK_SUPPORT },
	{ "crrt", "CRRT", ECPR_TL_TRACK_SUPPORT },
	{ "mv", "MV", ECPR_TL_TRACK_SUPPORT },
	{ "icu", "ICU stay", ECPR_TL_TRACK_STAY },
	{ "hospital", "Hospital stay", ECPR_TL_TRACK_STAY },
};

static const struct {
	const char *name;
	const char *label;
} marker_info[ECPR_TL_MK_COUNT] = {
	{ "ca_onset", "Cardiac arrest" },
	{ "rosc_transient", "Transient ROSC" },
	{ "rearrest", "Re-arrest" },
	{ "rosc", "Sustained ROSC" },
	{ "pci", "PCI" },
	{ "ecmo_stop", "ECMO weaning" },
	{ "icu_discharge", "ICU discharge" },
	{ "hospital_discharge", "Hospital discharge" },
	{ "death", "Death" },
};

ecpr_tl_track
ecpr_tl_bar_track(ecpr_tl_bar kind)
{
	if ((unsigned)kind >= ECPR_TL_BAR_COUNT)
		return ECPR_TL_TRACK_RESUS;
	return bar_info[kind].track;
}

const char *
ecpr_tl_bar_label(ecpr_tl_bar kind)
{
	return (unsigned)kind < ECPR_TL_BAR_COUNT ? bar_info[kind].label : NULL;
}

const char *
ecpr_tl_bar_name(ecpr_tl_bar kind)
{
	return (unsigned)kind < ECPR_TL_BAR_COUNT ? bar_info[kind].name : NULL;
}

const char *
ecpr_tl_marker_label(ecpr_tl_marker kind)
{
	return (unsigned)kind < ECPR_TL_MK_COUNT ?
	    marker_info[kind].label : NULL;
}

const char *
ecpr_tl_marker_name(ecpr_tl_marker kind)
{
	return (unsigned)kind < ECPR_TL_MK_COUNT ?
	    marker_info[kind].name : NULL;
}

int
ecpr_tl_size_lookup(const char *name)
{
	static const char *const names[] = { "single", "double", "a4",
		"letter" };

	return ecpr__name_lookup(name, names,
	    sizeof(names) / sizeof(names[0]));
}

int
ecpr_tl_align_lookup(const char *name)
{
	static const char *const names[] = { "ca_onset", "ecmo_flow_start",
		"calendar" };

	return ecpr__name_lookup(name, names,
	    sizeof(names) / sizeof(names[0]));
}

int
ecpr_tl_axis_lookup(const char *name)
{
	static const char *const names[] = { "segmented", "linear", "log" };

	return ecpr__name_lookup(name, names,
	    sizeof(names) / sizeof(names[0]));
}

int
ecpr__tl_imprecise(const ecpr_time *tm)
{
	return tm->prec != ECPR_PREC_NONE && tm->prec < ECPR_PREC_MINUTE;
}

int
ecpr_tl_new(ecpr_tl **out, ecpr_error *err)
{
	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: no output pointer");
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	(*out)->obs = -1;
	return ECPR_OK;
}

/* Free what a lane holds. */
static void
lane_free(struct ecpr__tl_lane *ln)
{
	free(ln->label);
	free(ln->bars);
	free(ln->marks);
	free(ln->comps);
	free(ln->values);
}

void
ecpr_tl_free(ecpr_tl *tl)
{
	size_t i;

	if (tl == NULL)
		return;
	for (i = 0; i < tl->nlanes; i++)
		lane_free(&tl->lanes[i]);
	free(tl->lanes);
	ecpr_ranges_free(tl->own_ranges);
	free(tl);
}

void
ecpr__tl_drop_last_lane(ecpr_tl *tl)
{
	struct ecpr__tl_lane *ln;

	if (tl == NULL || tl->nlanes == 0)
		return;
	ln = &tl->lanes[--tl->nlanes];
	lane_free(ln);
	memset(ln, 0, sizeof(*ln));
}

size_t
ecpr_tl_lane_count(const ecpr_tl *tl)
{
	return tl != NULL ? tl->nlanes : 0;
}

/* Make room for one more element of size sz in *arr (count n, cap *cap). */
static int
grow(void *arr, size_t n, size_t *cap, size_t sz)
{
	void **p = arr;
	void *q;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 8;
	q = realloc(*p, nc * sz);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

int
ecpr_tl_add_lane(ecpr_tl *tl, const char *label, size_t *lane,
    ecpr_error *err)
{
	struct ecpr__tl_lane *ln;

	if (tl == NULL || label == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: no lane label");
	if (grow(&tl->lanes, tl->nlanes, &tl->clanes, sizeof(*tl->lanes)))
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	ln = &tl->lanes[tl->nlanes];
	memset(ln, 0, sizeof(*ln));
	ln->label = strdup(label);
	if (ln->label == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (lane != NULL)
		*lane = tl->nlanes;
	tl->nlanes++;
	return ECPR_OK;
}

static int
valid_time(const ecpr_time *tm)
{
	return tm != NULL && tm->prec != ECPR_PREC_NONE && tm->end >= tm->t;
}

int
ecpr_tl_add_bar(ecpr_tl *tl, size_t lane, ecpr_tl_bar kind,
    const ecpr_time *start, const ecpr_time *stop, ecpr_error *err)
{
	struct ecpr__tl_lane *ln;
	struct ecpr__tl_bar *b;

	if (tl == NULL || lane >= tl->nlanes ||
	    (unsigned)kind >= ECPR_TL_BAR_COUNT || !valid_time(start) ||
	    (stop != NULL && !valid_time(stop)))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: bad lane, bar kind or time");
	ln = &tl->lanes[lane];
	if (stop != NULL && stop->end < start->t)
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
		    "lane \"%s\": %s ends before it starts", ln->label,
		    bar_info[kind].name);
	if (grow(&ln->bars, ln->nbars, &ln->cbars, sizeof(*ln->bars)))
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	b = &ln->bars[ln->nbars++];
	b->kind = kind;
	b->start = *start;
	if (stop != NULL)
		b->stop = *stop;
	else
		b->stop = *start;
	b->open = stop == NULL;
	return ECPR_OK;
}

int
ecpr_tl_add_marker(ecpr_tl *tl, size_t lane,
    ecpr_tl_marker kind, const ecpr_time *at, ecpr_error *err)
{
	struct ecpr__tl_lane *ln;
	struct ecpr__tl_mark *m;

	if (tl == NULL || lane >= tl->nlanes ||
	    (unsigned)kind >= ECPR_TL_MK_COUNT || !valid_time(at))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: bad lane, marker kind or time");
	ln = &tl->lanes[lane];
	if (grow(&ln->marks, ln->nmarks, &ln->cmarks, sizeof(*ln->marks)))
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	m = &ln->marks[ln->nmarks++];
	m->kind = kind;
	m->at = *at;
	return ECPR_OK;
}

int
ecpr_tl_add_complication(ecpr_tl *tl, size_t lane, int code,
    ecpr_attribution by, const ecpr_time *at, ecpr_error *err)
{
	struct ecpr__tl_lane *ln;
	struct ecpr__tl_comp *c;

	if (tl == NULL || lane >= tl->nlanes ||
	    ecpr_complication_name(code) == NULL ||
	    ecpr_attribution_name(by) == NULL ||
	    (at != NULL && at->prec != ECPR_PREC_NONE && !valid_time(at)))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: bad lane, complication, attribution or time");
	ln = &tl->lanes[lane];
	if (grow(&ln->comps, ln->ncomps, &ln->ccomps, sizeof(*ln->comps)))
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	c = &ln->comps[ln->ncomps++];
	memset(c, 0, sizeof(*c));
	c->code = code;
	c->by = by;
	if (at != NULL)
		c->at = *at;
	return ECPR_OK;
}

int
ecpr_tl_set_observation(ecpr_tl *tl, int type, const ecpr_ranges *rs,
    ecpr_error *err)
{
	ecpr_ranges *own = NULL;
	int r;

	if (tl == NULL || (type != -1 &&
	    ecpr_obs_name((ecpr_obs_type)type) == NULL))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: no such observation");
	if (type != -1 && rs == NULL) {
		r = ecpr_ranges_new(&own, err);
		if (r)
			return r;
		rs = own;
	}
	ecpr_ranges_free(tl->own_ranges);
	tl->own_ranges = own;
	tl->ranges = type != -1 ? rs : NULL;
	tl->obs = type;
	return ECPR_OK;
}

int
ecpr_tl_observation(const ecpr_tl *tl)
{
	return tl != NULL ? tl->obs : -1;
}

int
ecpr_tl_add_value(ecpr_tl *tl, size_t lane, const ecpr_time *at,
    const ecpr_value *v, ecpr_error *err)
{
	struct ecpr__tl_lane *ln;
	struct ecpr__tl_value *val;

	if (tl == NULL || tl->obs < 0 || lane >= tl->nlanes ||
	    !valid_time(at) || v == NULL ||
	    (unsigned)v->cmp > ECPR_CMP_GE || v->scale < 0 ||
	    v->scale > ECPR_VALUE_DECIMALS_MAX)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: no observation, bad lane, time or value");
	ln = &tl->lanes[lane];
	if (grow(&ln->values, ln->nvalues, &ln->cvalues,
	    sizeof(*ln->values)))
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	val = &ln->values[ln->nvalues++];
	val->at = *at;
	val->v = *v;
	return ECPR_OK;
}

int
ecpr_tl_set_range(ecpr_tl *tl, size_t lane, const ecpr_range *rg,
    ecpr_error *err)
{
	struct ecpr__tl_lane *ln;

	if (tl == NULL || lane >= tl->nlanes)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: bad lane");
	ln = &tl->lanes[lane];
	ln->has_range = rg != NULL && (rg->has_lo || rg->has_hi);
	if (ln->has_range)
		ln->range = *rg;
	return ECPR_OK;
}
