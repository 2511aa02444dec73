/*
 * interval.c - derived intervals of a finished episode (DOMAIN.md
 * section 4): whole minutes or tenths of days, ranges for imprecise
 * inputs
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Elapsed seconds between two values: [lo, hi]. */
struct span {
	int64_t lo;
	int64_t hi;
	int wide; /* an input was widened to its whole span */
};

/*
 * Values of day precision or coarser are wider than both units (a minute
 * and a tenth of a day) and count as their whole span; finer values count
 * as their nominal instant.
 */
static int
widened(const ecpr_time *tm)
{
	return tm->prec <= ECPR_PREC_DAY;
}

static struct span
elapsed(const ecpr_time *start, const ecpr_time *stop)
{
	struct span s;
	int64_t start_hi = widened(start) ? start->end : start->t;
	int64_t stop_hi = widened(stop) ? stop->end : stop->t;

	s.lo = stop->t - start_hi;
	s.hi = stop_hi - start->t;
	s.wide = widened(start) || widened(stop);
	return s;
}

static int64_t
unit_seconds(ecpr_interval_id id)
{
	return ecpr_interval_unit(id) == ECPR_UNIT_MINUTE ? 60 : 8640;
}

static void
set_rounded(ecpr_interval *iv, ecpr_interval_id id, int64_t lo, int64_t hi)
{
	int64_t den = unit_seconds(id);

	if (lo < 0)
		lo = 0;
	if (hi < lo)
		hi = lo;
	iv->known = 1;
	iv->lo = ecpr__div_round(lo, den);
	iv->hi = ecpr__div_round(hi, den);
}

/* Returns ECPR_OK or ECPR_ERULE for a definitely negative interval. */
static int
derive(ecpr_interval *iv, ecpr_interval_id id, const ecpr_episode *ep,
    const ecpr_event *start, const ecpr_event *stop, ecpr_error *err)
{
	struct span s;

	memset(iv, 0, sizeof(*iv));
	if (start == NULL || stop == NULL)
		return ECPR_OK;
	s = elapsed(&start->time, &stop->time);
	if (s.hi < 0) {
		char a[64], b[64];

		ecpr_time_format(&start->time, a, sizeof(a));
		ecpr_time_format(&stop->time, b, sizeof(b));
		return ecpr__error_set(err, ECPR_ERULE, stop->file, stop->line,
		    "episode %s/%s/%ld: interval \"%s\": %s %s is before %s %s",
		    ecpr_episode_site(ep), ecpr_episode_subject(ep),
		    ecpr_episode_number(ep), ecpr_interval_name(id),
		    ecpr_event_name(stop->type), b,
		    ecpr_event_name(start->type), a);
	}
	set_rounded(iv, id, s.lo, s.hi);
	return ECPR_OK;
}

/* The sum of all segments of a kind; unknown while one is still open. */
static void
derive_segments(ecpr_interval *iv, ecpr_interval_id id,
    const ecpr_episode *ep, ecpr_segment_kind kind)
{
	size_t i, n = ecpr_episode_segment_count(ep, kind);
	int64_t lo = 0, hi = 0;

	memset(iv, 0, sizeof(*iv));
	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		ecpr_segment sg = ecpr_episode_segment(ep, kind, i);
		struct span s;

		if (sg.start == NULL || sg.stop == NULL)
			return; /* a segment still open: unknown */
		s = elapsed(&sg.start->time, &sg.stop->time);
		lo += s.lo > 0 ? s.lo : 0;
		hi += s.hi > 0 ? s.hi : 0;
	}
	set_rounded(iv, id, lo, hi);
}

static void
derive_attribute(ecpr_interval *iv, const ecpr_episode *ep, ecpr_attr_id at)
{
	const char *v = ecpr_episode_attr(ep, at);

	memset(iv, 0, sizeof(*iv));
	if (v != NULL) {
		iv->known = 1;
		iv->lo = strtol(v, NULL, 10);
		iv->hi = iv->lo;
	}
}

static const ecpr_event *
first_of(const ecpr_episode *ep, int type)
{
	return type == ECPR__NO_EVENT ? NULL :
	    ecpr_episode_first(ep, (ecpr_event_type)type);
}

int
ecpr_interval_events(const ecpr_event **start_out,
    const ecpr_event **stop_out, const ecpr_episode *ep,
    ecpr_interval_id id)
{
	const struct ecpr__interval_def *d;
	const ecpr_event *stop;

	if (start_out != NULL)
		*start_out = NULL;
	if (stop_out != NULL)
		*stop_out = NULL;
	if (ep == NULL || (int)id < 0 || id >= ECPR_IV_COUNT ||
	    ecpr__intervals[id].kind != ECPR__IV_SPAN)
		return ECPR_EINVAL;
	d = &ecpr__intervals[id];
	if (start_out != NULL)
		*start_out = first_of(ep, d->start);
	if (stop_out != NULL) {
		stop = first_of(ep, d->stop);
		*stop_out = stop != NULL ? stop : first_of(ep, d->stop_else);
	}
	return ECPR_OK;
}

size_t
ecpr_interval_count(void)
{
	return ECPR_IV_COUNT;
}

int
ecpr_episode_intervals(const ecpr_episode *ep, ecpr_interval *iv,
    size_t n, ecpr_error *err)
{
	/* all of them here; the caller's n may be older or newer */
	ecpr_interval out[ECPR_IV_COUNT];
	const ecpr_event *start, *stop;
	int i, rc, first = ECPR_OK;
	ecpr_error e1, e2;

	if (ep == NULL || (iv == NULL && n > 0))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_episode_intervals: invalid argument");
	/* Cleared field by field (no 1 KiB memset per episode). */
	ecpr_error_clear(&e1);
	ecpr_error_clear(&e2);
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		const struct ecpr__interval_def *d = &ecpr__intervals[i];
		ecpr_interval_id id = (ecpr_interval_id)i;

		switch (d->kind) {
		case ECPR__IV_SPAN:
			ecpr_interval_events(&start, &stop, ep, id);
			rc = derive(&out[i], id, ep, start, stop, &e2);
			if (rc != ECPR_OK && first == ECPR_OK &&
			    (size_t)i < n) {
				first = rc;
				e1 = e2;
			}
			break;
		case ECPR__IV_SEGMENTS:
			derive_segments(&out[i], id, ep,
			    (ecpr_segment_kind)d->start);
			break;
		case ECPR__IV_ATTRIBUTE:
			derive_attribute(&out[i], ep, (ecpr_attr_id)d->start);
			break;
		}
	}
	for (i = 0; (size_t)i < n; i++) {
		if (i < ECPR_IV_COUNT)
			iv[i] = out[i];
		else
			memset(&iv[i], 0, sizeof(iv[i]));
	}
	if (first != ECPR_OK) {
		if (err != NULL)
			*err = e1;
		return first;
	}
	ecpr_error_clear(err);
	return ECPR_OK;
}

size_t
ecpr__put_digits(char *buf, uint64_t a)
{
	char d[24];
	size_t n = 0, k = 0;

	do {
		d[k++] = (char)('0' + a % 10);
		a /= 10;
	} while (a > 0);
	while (k > 0)
		buf[n++] = d[--k];
	return n;
}

static int
put_value(char *buf, size_t len, int64_t v, ecpr_unit unit)
{
	uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	unsigned frac = 0;
	int n = 0;

	/* By hand, not snprintf (two calls per interval, ten per row);
	 * the callers' buffers always hold the longest value. */
	if (len < 32) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	if (unit == ECPR_UNIT_DECIDAY) {
		frac = (unsigned)(a % 10);
		a /= 10;
	}
	if (v < 0)
		buf[n++] = '-';
	n += (int)ecpr__put_digits(buf + n, a);
	if (unit == ECPR_UNIT_DECIDAY) {
		buf[n++] = '.';
		buf[n++] = (char)('0' + frac);
	}
	buf[n] = '\0';
	return n;
}

size_t
ecpr_interval_format(const ecpr_interval *iv, ecpr_interval_id id,
    char *buf, size_t len)
{
	char tmp[64];
	ecpr_unit unit = ecpr_interval_unit(id);
	int n = 0;

	tmp[0] = '\0';
	if (iv != NULL && iv->known) {
		n = put_value(tmp, sizeof(tmp), iv->lo, unit);
		if (iv->hi != iv->lo && n > 0) {
			tmp[n++] = '.';
			tmp[n++] = '.';
			n += put_value(tmp + n, sizeof(tmp) - (size_t)n, iv->hi,
			    unit);
		}
		if (n < 0)
			n = 0;
	}
	if (buf != NULL && len > 0) {
		size_t c = (size_t)n < len ? (size_t)n : len - 1;

		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return (size_t)n;
}
