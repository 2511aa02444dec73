/*
 * fuzz_time.c - libFuzzer target: ISO 8601 times and durations
 * (lib/time.c, lib/tz.c) and relative values (EVENT+DURATION,
 * lib/episode.c), measured values and reference ranges (lib/value.c,
 * lib/obs.c)
 *
 * The input (up to 255 bytes, cut at a NUL) is parsed as an absolute time
 * without a zone and in Europe/Berlin, as a duration, and as the value of
 * cpr_start in an episode whose ca_onset is known.  Invariants: a parsed
 * time written back (ecpr_time_format) parses to the same instant, span
 * and precision; a time's span is not empty; a failure has a message.
 * A relative value is only written, not read back: it keeps its anchor's
 * precision, so "ca_onset+PT11S" on a minute is a minute that starts at
 * 11 s, which ISO 8601 cannot write (see README.md).
 */
#include "config.h"

#include <string.h>

#include "ecpr.h"
#include "fuzz.h"

static void
check_time(const ecpr_time *t, const ecpr_tz *tz, int again,
    const uint8_t *data, size_t size)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_time back;
	char buf[128];
	size_t n;

	if (t->end <= t->t)
		fuzz_fail("a time whose span is empty", data, size);
	n = ecpr_time_format(t, buf, sizeof(buf));
	if (n == 0 || n >= sizeof(buf))
		fuzz_fail("a time that does not format", data, size);
	if (!again)
		return;
	if (ecpr_time_parse(&back, buf, tz, &err) != ECPR_OK)
		fuzz_fail("a formatted time does not parse again", data,
		    size);
	if (back.t != t->t || back.end != t->end || back.prec != t->prec)
		fuzz_fail("a formatted time parses to another value", data,
		    size);
}

static void
parse_time(const char *s, const ecpr_tz *tz, const uint8_t *data,
    size_t size)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_time t;

	if (ecpr_time_parse(&t, s, tz, &err) == ECPR_OK)
		check_time(&t, tz, 1, data, size);
	else if (err.message[0] == '\0')
		fuzz_fail("a refused time without a message", data, size);
}

static void
relative(const char *s, const uint8_t *data, size_t size)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	const ecpr_event *ev;

	if (ecpr_episode_new(&ep, "H1", "P1", 1, &err) != ECPR_OK)
		return;
	if (ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET, "2021-07-27T00:30Z",
	    NULL, NULL, "f.csv", 2, &err) == ECPR_OK &&
	    ecpr_episode_add_event(ep, ECPR_EV_CPR_START, s, NULL, NULL,
	    "f.csv", 3, &err) == ECPR_OK &&
	    ecpr_episode_finish(ep, NULL, NULL, &err) == ECPR_OK &&
	    (ev = ecpr_episode_first(ep, ECPR_EV_CPR_START)) != NULL)
		check_time(&ev->time, NULL, 0, data, size);
	else if (err.message[0] == '\0')
		fuzz_fail("a refused value without a message", data, size);
	ecpr_episode_free(ep);
}

/*
 * A measured value and a reference range: a parsed value written in the
 * contract form parses to the same value; a range likewise; conversions
 * between the units of an observation and flags do not fail silently.
 */
static void
value_and_range(const char *s, const uint8_t *data, size_t size)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_value v, back, out;
	ecpr_range rg, rback;
	char buf[128];
	int t;

	if (ecpr_value_parse(&v, s, &err) == ECPR_OK) {
		ecpr_value_format(&v, ECPR_VALUE_PAPER, buf, sizeof(buf));
		ecpr_value_format(&v, 0, buf, sizeof(buf));
		if (ecpr_value_parse(&back, buf, &err) != ECPR_OK ||
		    back.cmp != v.cmp || back.mant != v.mant ||
		    back.scale != v.scale)
			fuzz_fail("a formatted value parses to another value",
			    data, size);
		for (t = 0; t < ECPR_OBS_COUNT; t++) {
			const char *u = ecpr_obs_unit((ecpr_obs_type)t);

			if (ecpr_obs_convert((ecpr_obs_type)t, &v, "mg/dL", u,
			    &out, &err) != ECPR_OK && err.message[0] == '\0')
				fuzz_fail("a refused conversion without a "
				    "message", data, size);
		}
	} else if (err.message[0] == '\0') {
		fuzz_fail("a refused value without a message", data, size);
	}
	if (ecpr_range_parse(&rg, s, &err) == ECPR_OK) {
		ecpr_range_format(&rg, 0, buf, sizeof(buf));
		if (ecpr_range_parse(&rback, buf, &err) != ECPR_OK ||
		    rback.has_lo != rg.has_lo || rback.has_hi != rg.has_hi ||
		    (rg.has_lo && ecpr_value_number_cmp(&rg.lo, &rback.lo)) ||
		    (rg.has_hi && ecpr_value_number_cmp(&rg.hi, &rback.hi)))
			fuzz_fail("a formatted range parses to another range",
			    data, size);
		ecpr_range_format(&rg, ECPR_VALUE_PAPER, buf, sizeof(buf));
		if (ecpr_value_parse(&v, "1", &err) == ECPR_OK &&
		    ecpr_range_flag(&rg, &v) == 0)
			fuzz_fail("no flag", data, size);
	} else if (err.message[0] == '\0') {
		fuzz_fail("a refused range without a message", data, size);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ecpr_tz *berlin;
	ecpr_error err = ECPR_ERROR_INIT;
	char s[256];
	int64_t sec;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

	if (berlin == NULL &&
	    ecpr_tz_load(&berlin, "Europe/Berlin", &err) != ECPR_OK)
		fuzz_fail(err.message, data, 0);
	memcpy(s, data, n);
	s[n] = '\0';
	parse_time(s, NULL, data, size);
	parse_time(s, berlin, data, size);
	if (ecpr_duration_parse(&sec, s, &err) != ECPR_OK &&
	    err.message[0] == '\0')
		fuzz_fail("a refused duration without a message", data, size);
	relative(s, data, size);
	value_and_range(s, data, size);
	return 0;
}
