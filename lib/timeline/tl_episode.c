/*
 * tl_episode.c - one timeline lane from a finished episode
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tl_internal.h"

static const ecpr_time *
when(const ecpr_episode *ep, ecpr_event_type type)
{
	const ecpr_event *ev = ecpr_episode_first(ep, type);

	return ev != NULL ? &ev->time : NULL;
}

static int
add_bar(ecpr_tl *tl, size_t lane, ecpr_tl_bar kind,
    const ecpr_time *start, const ecpr_time *stop, ecpr_error *err)
{
	if (start == NULL)
		return ECPR_OK;
	return ecpr_tl_add_bar(tl, lane, kind, start, stop, err);
}

static int
add_marks(ecpr_tl *tl, size_t lane, const ecpr_episode *ep,
    ecpr_event_type type, ecpr_tl_marker kind, ecpr_error *err)
{
	size_t i, n = ecpr_episode_event_count(ep);
	int r;

	for (i = 0; i < n; i++) {
		const ecpr_event *ev = ecpr_episode_event(ep, i);

		if (ev->type != type)
			continue;
		r = ecpr_tl_add_marker(tl, lane, kind, &ev->time, err);
		if (r)
			return r;
	}
	return ECPR_OK;
}

/* The complications of an episode, those of unknown time included. */
static int
add_comps(ecpr_tl *tl, size_t lane, const ecpr_episode *ep,
    ecpr_error *err)
{
	size_t i, n = ecpr_episode_complication_count(ep);
	int r;

	for (i = 0; i < n; i++) {
		const ecpr_complication *c = ecpr_episode_complication(ep, i);

		r = ecpr_tl_add_complication(tl, lane, c->code, c->by,
		    &c->time, err);
		if (r)
			return r;
	}
	return ECPR_OK;
}

/*
 * The values of the strip's observation, converted to its unit (a
 * censored value stays censored: ecpr_obs_convert), and the reference
 * range of the episode's population.
 */
static int
add_values(ecpr_tl *tl, size_t lane, const ecpr_episode *ep,
    ecpr_error *err)
{
	ecpr_obs_type type = (ecpr_obs_type)tl->obs;
	const char *unit = ecpr_obs_unit(type);
	size_t i, n = ecpr_episode_observation_count(ep);
	ecpr_range rg;
	ecpr_value v;
	int r;

	for (i = 0; i < n; i++) {
		const ecpr_observation *o = ecpr_episode_observation(ep, i);

		if (o->type != type || o->time.prec == ECPR_PREC_NONE)
			continue;
		r = ecpr_obs_convert(type, &o->value, o->unit, unit, &v, err);
		if (r == ECPR_OK)
			r = ecpr_tl_add_value(tl, lane, &o->time, &v, err);
		if (r) {
			ecpr__error_prefix(err, "%s: ", ecpr_obs_name(type));
			return r;
		}
	}
	if (ecpr_ranges_get(tl->ranges, type, ecpr_episode_population(ep),
	    &rg) == 1)
		return ecpr_tl_set_range(tl, lane, &rg, err);
	return ECPR_OK;
}

int
ecpr_tl_add_episode(ecpr_tl *tl, const ecpr_episode *ep,
    ecpr_error *err)
{
	/*
	 * The phases are the intervals (defs.c): a bar runs between the
	 * events the interval runs between, with its fallbacks.  A phase
	 * the patient died in (no stop event) is drawn to death, as a
	 * segment still open is; only no-flow is left open (the time
	 * without CPR has no end at death in the chart).
	 */
	static const struct {
		ecpr_tl_bar bar;
		ecpr_interval_id iv;
		int to_death;
	} phases[] = {
		{ ECPR_TL_BAR_NO_FLOW, ECPR_IV_NO_FLOW_MIN, 0 },
		{ ECPR_TL_BAR_CPR, ECPR_IV_CONVENTIONAL_CPR_MIN, 1 },
		{ ECPR_TL_BAR_ECMO, ECPR_IV_ECPR_DAYS, 1 },
		{ ECPR_TL_BAR_ICU, ECPR_IV_ICU_DAYS, 1 },
		{ ECPR_TL_BAR_HOSPITAL, ECPR_IV_HOSPITAL_DAYS, 1 },
	};
	/* The bar of each segment kind (ecpr__segments order). */
	static const ecpr_tl_bar seg_bar[ECPR_SEG_COUNT] = {
		ECPR_TL_BAR_MCC, ECPR_TL_BAR_IABP, ECPR_TL_BAR_CRRT,
		ECPR_TL_BAR_MV,
	};
	static const struct {
		ecpr_event_type ev;
		ecpr_tl_marker mk;
	} marks[] = {
		{ ECPR_EV_CA_ONSET, ECPR_TL_MK_CA },
		{ ECPR_EV_ROSC_TRANSIENT, ECPR_TL_MK_ROSC_TRANSIENT },
		{ ECPR_EV_REARREST, ECPR_TL_MK_REARREST },
		{ ECPR_EV_ROSC, ECPR_TL_MK_ROSC },
		{ ECPR_EV_PCI, ECPR_TL_MK_PCI },
		{ ECPR_EV_ECMO_STOP, ECPR_TL_MK_ECMO_WEAN },
		{ ECPR_EV_ICU_DISCHARGE, ECPR_TL_MK_ICU_DISCHARGE },
		{ ECPR_EV_HOSPITAL_DISCHARGE, ECPR_TL_MK_HOSP_DISCHARGE },
		{ ECPR_EV_DEATH, ECPR_TL_MK_DEATH },
	};
	char label[512], info[256];
	const char *age, *sex, *dis;
	const ecpr_time *death;
	size_t lane, i, k, n;
	int r;

	if (tl == NULL || ep == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: no episode");
	age = ecpr_episode_attr(ep, ECPR_AT_AGE_YEARS);
	sex = ecpr_episode_attr(ep, ECPR_AT_SEX);
	dis = ecpr_episode_attr(ep, ECPR_AT_PRIMARY_DISEASE);
	n = 0;
	info[0] = '\0';
	if (age != NULL)
		n += (size_t)snprintf(info + n, sizeof(info) - n, "%s y", age);
	if (sex != NULL && n < sizeof(info))
		n += (size_t)snprintf(info + n, sizeof(info) - n, "%s%s",
		    n ? ", " : "", sex);
	if (dis != NULL && n < sizeof(info))
		snprintf(info + n, sizeof(info) - n, "%s%s", n ? ", " : "",
		    dis);
	if (ecpr_episode_number(ep) > 1)
		snprintf(label, sizeof(label), "%s #%ld%s%s",
		    ecpr_episode_subject(ep), ecpr_episode_number(ep),
		    info[0] ? "\n" : "", info);
	else
		snprintf(label, sizeof(label), "%s%s%s",
		    ecpr_episode_subject(ep), info[0] ? "\n" : "", info);
	r = ecpr_tl_add_lane(tl, label, &lane, err);
	if (r)
		return r;

	death = when(ep, ECPR_EV_DEATH);
	for (k = 0; k < sizeof(phases) / sizeof(phases[0]); k++) {
		const ecpr_event *a, *b;
		const ecpr_time *stop;

		ecpr_interval_events(&a, &b, ep, phases[k].iv);
		stop = b != NULL ? &b->time : phases[k].to_death ? death : NULL;
		r = add_bar(tl, lane, phases[k].bar, a != NULL ? &a->time : NULL,
		    stop, err);
		if (r)
			goto fail;
	}
	for (k = 0; k < ECPR_SEG_COUNT; k++) {
		n = ecpr_episode_segment_count(ep, (ecpr_segment_kind)k);
		for (i = 0; i < n; i++) {
			ecpr_segment s = ecpr_episode_segment(ep,
			    (ecpr_segment_kind)k, i);
			const ecpr_time *stop = s.stop ? &s.stop->time : death;

			r = add_bar(tl, lane, seg_bar[k], &s.start->time, stop,
			    err);
			if (r)
				goto fail;
		}
	}
	for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
		r = add_marks(tl, lane, ep, marks[k].ev, marks[k].mk, err);
		if (r)
			goto fail;
	}
	r = add_comps(tl, lane, ep, err);
	if (r == ECPR_OK && tl->obs >= 0)
		r = add_values(tl, lane, ep, err);
	if (r)
		goto fail;
	return ECPR_OK;
fail:
	/* all or nothing: no partly filled lane is left behind */
	ecpr__tl_drop_last_lane(tl);
	ecpr__error_prefix(err, "%s/%s/%ld: ", ecpr_episode_site(ep),
	    ecpr_episode_subject(ep), ecpr_episode_number(ep));
	return r;
}
