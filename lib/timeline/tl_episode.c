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

/* The first of two events that is known, else NULL. */
static const ecpr_time *
either(const ecpr_episode *ep, ecpr_event_type a, ecpr_event_type b)
{
	const ecpr_time *t = when(ep, a);

	return t != NULL ? t : when(ep, b);
}

static int
add_bar(ecpr_timeline *tl, size_t lane, ecpr_tl_bar kind,
    const ecpr_time *start, const ecpr_time *stop, ecpr_error *err)
{
	if (start == NULL)
		return ECPR_OK;
	return ecpr_timeline_add_bar(tl, lane, kind, start, stop, err);
}

static int
add_marks(ecpr_timeline *tl, size_t lane, const ecpr_episode *ep,
    ecpr_event_type type, ecpr_tl_marker kind, ecpr_error *err)
{
	size_t i, n = ecpr_episode_event_count(ep);
	int r;

	for (i = 0; i < n; i++) {
		const ecpr_event *ev = ecpr_episode_event(ep, i);

		if (ev->type != type)
			continue;
		r = ecpr_timeline_add_marker(tl, lane, kind, &ev->time, err);
		if (r)
			return r;
	}
	return ECPR_OK;
}

int
ecpr_timeline_add_episode(ecpr_timeline *tl, const ecpr_episode *ep,
    ecpr_error *err)
{
	static const struct {
		ecpr_segment_kind seg;
		ecpr_tl_bar bar;
	} segs[] = {
		{ ECPR_SEG_MCC, ECPR_TL_BAR_MCC },
		{ ECPR_SEG_IABP, ECPR_TL_BAR_IABP },
		{ ECPR_SEG_CRRT, ECPR_TL_BAR_CRRT },
		{ ECPR_SEG_MV, ECPR_TL_BAR_MV },
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
	const ecpr_time *death, *cpr, *flow;
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
	r = ecpr_timeline_add_lane(tl, label, &lane, err);
	if (r)
		return r;

	death = when(ep, ECPR_EV_DEATH);
	cpr = when(ep, ECPR_EV_CPR_START);
	flow = when(ep, ECPR_EV_ECMO_FLOW_START);
	if ((r = add_bar(tl, lane, ECPR_TL_BAR_NO_FLOW,
	    when(ep, ECPR_EV_CA_ONSET), cpr, err)) != 0 ||
	    (r = add_bar(tl, lane, ECPR_TL_BAR_CPR, cpr,
	    flow != NULL ? flow : either(ep, ECPR_EV_ROSC, ECPR_EV_DEATH),
	    err)) != 0 ||
	    (r = add_bar(tl, lane, ECPR_TL_BAR_ECMO, flow,
	    either(ep, ECPR_EV_ECMO_STOP, ECPR_EV_DEATH), err)) != 0 ||
	    (r = add_bar(tl, lane, ECPR_TL_BAR_ICU, when(ep, ECPR_EV_ICU_ADMIT),
	    either(ep, ECPR_EV_ICU_DISCHARGE, ECPR_EV_DEATH), err)) != 0 ||
	    (r = add_bar(tl, lane, ECPR_TL_BAR_HOSPITAL,
	    when(ep, ECPR_EV_HOSPITAL_ADMIT),
	    either(ep, ECPR_EV_HOSPITAL_DISCHARGE, ECPR_EV_DEATH),
	    err)) != 0)
		goto fail;
	for (k = 0; k < sizeof(segs) / sizeof(segs[0]); k++) {
		n = ecpr_episode_segment_count(ep, segs[k].seg);
		for (i = 0; i < n; i++) {
			ecpr_segment s = ecpr_episode_segment(ep, segs[k].seg,
			    i);
			const ecpr_time *stop = s.stop ? &s.stop->time : death;

			r = add_bar(tl, lane, segs[k].bar, &s.start->time, stop,
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
	return ECPR_OK;
fail:
	/* all or nothing: no partly filled lane is left behind */
	ecpr__tl_drop_last_lane(tl);
	ecpr__error_prefix(err, "%s/%s/%ld: ", ecpr_episode_site(ep),
	    ecpr_episode_subject(ep), ecpr_episode_number(ep));
	return r;
}
