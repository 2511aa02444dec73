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

static void
set_rounded(ecpr_interval *iv, ecpr_interval_id id, int64_t lo, int64_t hi)
{
	/* a minute or a tenth of a day; id is one of ours */
	int64_t den = ecpr__intervals[id].unit == ECPR_UNIT_MINUTE ? 60 : 8640;

	if (lo < 0)
		lo = 0;
	if (hi < lo)
		hi = lo;
	iv->known = 1;
	/* ecpr__div_round of values not below 0: half away from zero */
	iv->lo = (lo + den / 2) / den;
	iv->hi = (hi + den / 2) / den;
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

/*
 * The events of span interval d: the first of its start, the first of
 * its stop or else of stop_else, from first (the first of each type).
 */
static void
span_events(const ecpr_event **start, const ecpr_event **stop,
    const ecpr_event *const first[ECPR_EV_COUNT],
    const struct ecpr__interval_def *d)
{
	*start = d->start == ECPR__NO_EVENT ? NULL : first[d->start];
	*stop = d->stop == ECPR__NO_EVENT ? NULL : first[d->stop];
	if (*stop == NULL && d->stop_else != ECPR__NO_EVENT)
		*stop = first[d->stop_else];
}

int
ecpr_interval_events(const ecpr_event **start_out,
    const ecpr_event **stop_out, const ecpr_episode *ep,
    ecpr_interval_id id)
{
	const ecpr_event *first[ECPR_EV_COUNT], *start, *stop;

	if (start_out != NULL)
		*start_out = NULL;
	if (stop_out != NULL)
		*stop_out = NULL;
	if (ep == NULL || (int)id < 0 || id >= ECPR_IV_COUNT ||
	    ecpr__intervals[id].kind != ECPR__IV_SPAN)
		return ECPR_EINVAL;
	ecpr__episode_firsts(ep, first);
	span_events(&start, &stop, first, &ecpr__intervals[id]);
	if (start_out != NULL)
		*start_out = start;
	if (stop_out != NULL)
		*stop_out = stop;
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
	const ecpr_event *firsts[ECPR_EV_COUNT], *start, *stop;
	int i, rc, first = ECPR_OK;
	ecpr_error e1, e2;

	if (ep == NULL || (iv == NULL && n > 0))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_episode_intervals: invalid argument");
	/* Cleared field by field (no 1 KiB memset per episode). */
	ecpr_error_clear(&e1);
	ecpr_error_clear(&e2);
	ecpr__episode_firsts(ep, firsts); /* once, not per interval */
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		const struct ecpr__interval_def *d = &ecpr__intervals[i];
		ecpr_interval_id id = (ecpr_interval_id)i;

		switch (d->kind) {
		case ECPR__IV_SPAN:
			span_events(&start, &stop, firsts, d);
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
	/* the digits counted, then written two at a time from the last */
	static const char pairs[] = "00010203040506070809"
	    "10111213141516171819" "20212223242526272829"
	    "30313233343536373839" "40414243444546474849"
	    "50515253545556575859" "60616263646566676869"
	    "70717273747576777879" "80818283848586878889"
	    "90919293949596979899";
	uint64_t t;
	size_t n = 1, k;

	for (t = a; t >= 10; t /= 10)
		n++;
	for (k = n; a >= 100; a /= 100) {
		k -= 2;
		memcpy(buf + k, pairs + 2 * (a % 100), 2);
	}
	if (a >= 10)
		memcpy(buf + k - 2, pairs + 2 * a, 2);
	else
		buf[k - 1] = (char)('0' + a);
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
	char own[64];
	ecpr_unit unit = ecpr_interval_unit(id);
	/* straight into buf when it holds the longest value */
	char *tmp = buf != NULL && len >= sizeof(own) ? buf : own;
	int n = 0;

	tmp[0] = '\0';
	if (iv != NULL && iv->known) {
		n = put_value(tmp, sizeof(own), iv->lo, unit);
		if (iv->hi != iv->lo && n > 0) {
			tmp[n++] = '.';
			tmp[n++] = '.';
			n += put_value(tmp + n, sizeof(own) - (size_t)n, iv->hi,
			    unit);
		}
		if (n < 0)
			n = 0;
	}
	if (tmp != own)
		return (size_t)n; /* written in place, NUL and all */
	if (buf != NULL && len > 0) {
		size_t c = (size_t)n < len ? (size_t)n : len - 1;

		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return (size_t)n;
}
