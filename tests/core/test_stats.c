/* test_stats.c - quantiles (type 7), Wilson intervals and the outcomes
 * of an episode, against values computed by hand or published */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"

/* |a - b| <= tol */
#define CLOSE(a, b, tol) CU_ASSERT_DOUBLE_EQUAL((a), (b), (tol))

/* Type 7 by hand: h = (n-1)p; x[floor h] + frac(h)(x[floor h+1] - ...) */
static void
test_quantile_type7_by_hand(void)
{
	static const double four[] = { 10, 20, 30, 40 };
	static const double ties[] = { 1, 2, 2, 2, 7 };
	static const double gap[] = { 3, 3, 8, 10 };
	static const double two[] = { 5, 9 };

	/* n = 4: h = 0.75, 1.5, 2.25, 0.3 */
	CU_ASSERT_EQUAL(ecpr_stats_quantile(four, 4, 0.25), 17.5);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(four, 4, 0.5), 25.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(four, 4, 0.75), 32.5);
	CLOSE(ecpr_stats_quantile(four, 4, 0.1), 13.0, 1e-12);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(four, 4, 0.0), 10.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(four, 4, 1.0), 40.0);
	/* ties: the quartiles and the median all fall on the 2s */
	CU_ASSERT_EQUAL(ecpr_stats_quantile(ties, 5, 0.25), 2.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(ties, 5, 0.5), 2.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(ties, 5, 0.75), 2.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(ties, 5, 0.0), 1.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(ties, 5, 1.0), 7.0);
	/* p = 0.9: h = 3.6, 2 + 0.6 * 5 */
	CLOSE(ecpr_stats_quantile(ties, 5, 0.9), 5.0, 1e-12);
	/* a tie then a gap: h = 0.75 stays on the tie, h = 1.5 halfway */
	CU_ASSERT_EQUAL(ecpr_stats_quantile(gap, 4, 0.25), 3.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(gap, 4, 0.5), 5.5);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(gap, 4, 0.75), 8.5);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(two, 2, 0.5), 7.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(two, 2, 0.25), 6.0);
}

static void
test_quantile_edges(void)
{
	static const double one[] = { 42 };
	static const double four[] = { 10, 20, 30, 40 };

	CU_ASSERT_EQUAL(ecpr_stats_quantile(one, 1, 0.0), 42.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(one, 1, 0.5), 42.0);
	CU_ASSERT_EQUAL(ecpr_stats_quantile(one, 1, 1.0), 42.0);
	CU_ASSERT(isnan(ecpr_stats_quantile(four, 0, 0.5)));
	CU_ASSERT(isnan(ecpr_stats_quantile(NULL, 0, 0.5)));
	CU_ASSERT(isnan(ecpr_stats_quantile(four, 4, -0.01)));
	CU_ASSERT(isnan(ecpr_stats_quantile(four, 4, 1.01)));
	CU_ASSERT(isnan(ecpr_stats_quantile(four, 4, NAN)));
}

/*
 * Newcombe RG. Two-sided confidence intervals for the single proportion:
 * comparison of seven methods.  Stat Med 1998;17:857-872, Table II,
 * method 3 (score interval without continuity correction), to the 4
 * decimals printed there.
 */
static void
test_wilson_newcombe_1998(void)
{
	static const struct {
		uint64_t k, n;
		double lo, hi;
	} t[] = {
		{ 81, 263, 0.2553, 0.3662 },
		{ 15, 148, 0.0624, 0.1605 },
		{ 0, 20, 0.0000, 0.1611 },
		{ 1, 29, 0.0061, 0.1718 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double lo = -1, hi = -1;

		CU_ASSERT_EQUAL(ecpr_stats_wilson(t[i].k, t[i].n,
		    ECPR_STATS_Z95, &lo, &hi), ECPR_OK);
		CLOSE(lo, t[i].lo, 0.00005);
		CLOSE(hi, t[i].hi, 0.00005);
	}
}

/* k = 0 and k = n meet the bounds exactly; the other bound by hand:
 * k = 0: z^2 / (n + z^2); k = n: n / (n + z^2). */
static void
test_wilson_bounds(void)
{
	double z2 = ECPR_STATS_Z95 * ECPR_STATS_Z95, lo, hi;

	CU_ASSERT_EQUAL(ecpr_stats_wilson(0, 20, ECPR_STATS_Z95, &lo, &hi),
	    ECPR_OK);
	CU_ASSERT_EQUAL(lo, 0.0);
	CLOSE(hi, z2 / (20 + z2), 1e-15);
	CU_ASSERT_EQUAL(ecpr_stats_wilson(29, 29, ECPR_STATS_Z95, &lo, &hi),
	    ECPR_OK);
	CLOSE(lo, 29 / (29 + z2), 1e-15);
	CU_ASSERT_EQUAL(hi, 1.0);
	CU_ASSERT_EQUAL(ecpr_stats_wilson(1, 1, ECPR_STATS_Z95, &lo, &hi),
	    ECPR_OK);
	CLOSE(lo, 1 / (1 + z2), 1e-15);
	CU_ASSERT_EQUAL(hi, 1.0);
	/* 5 of 10: symmetric about 0.5, half-width z/(1+z^2/n) sqrt(
	 * 0.25/n + z^2/(4n^2)) */
	CU_ASSERT_EQUAL(ecpr_stats_wilson(5, 10, ECPR_STATS_Z95, &lo, &hi),
	    ECPR_OK);
	CLOSE(lo, 0.236593090512564, 1e-12);
	CLOSE(hi, 0.763406909487436, 1e-12);
	CLOSE(lo + hi, 1.0, 1e-15);
	/* z = 0: the point estimate */
	CU_ASSERT_EQUAL(ecpr_stats_wilson(3, 4, 0.0, &lo, &hi), ECPR_OK);
	CU_ASSERT_EQUAL(lo, 0.75);
	CU_ASSERT_EQUAL(hi, 0.75);
}

static void
test_wilson_refuses(void)
{
	double lo = 7, hi = 7;

	CU_ASSERT_EQUAL(ecpr_stats_wilson(0, 0, ECPR_STATS_Z95, &lo, &hi),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_stats_wilson(3, 2, ECPR_STATS_Z95, &lo, &hi),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(lo, 7.0);
	CU_ASSERT_EQUAL(hi, 7.0);
	CU_ASSERT_EQUAL(ecpr_stats_wilson(1, 2, -1.0, &lo, &hi),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_stats_wilson(1, 2, ECPR_STATS_Z95, NULL, &hi),
	    ECPR_EINVAL);
}

/* A finished episode with cpc_discharge (NULL: none) and events
 * "type=time" (NULL-terminated). */
static ecpr_episode *
episode(const char *cpc, ...)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	const char *ev;
	va_list ap;

	CU_ASSERT_FATAL(ecpr_episode_new(&ep, "s", "p", 1, &err) == ECPR_OK);
	if (cpc != NULL)
		CU_ASSERT_FATAL(ecpr_episode_set_attr(ep,
		    ECPR_AT_CPC_DISCHARGE, cpc, NULL, 0, &err) == ECPR_OK);
	va_start(ap, cpc);
	while ((ev = va_arg(ap, const char *)) != NULL) {
		const char *time = va_arg(ap, const char *);

		CU_ASSERT_FATAL(ecpr_episode_add_event(ep,
		    (ecpr_event_type)ecpr_event_lookup(ev), time, NULL, NULL,
		    NULL, 0, &err) == ECPR_OK);
	}
	va_end(ap);
	if (ecpr_episode_finish(ep, NULL, NULL, &err) != ECPR_OK)
		fprintf(stderr, "finish: %s\n", err.message);
	CU_ASSERT_FATAL(err.code == ECPR_OK);
	return ep;
}

static void
test_outcomes(void)
{
	static const struct {
		const char *cpc, *ev1, *t1, *ev2, *t2;
		int survived, favourable;
	} t[] = {
		/* nothing known */
		{ NULL, NULL, NULL, NULL, NULL, -1, -1 },
		{ NULL, "ca_onset", "2023-01-01T10:00Z", NULL, NULL, -1, -1 },
		/* the CPC says it all */
		{ "1", NULL, NULL, NULL, NULL, 1, 1 },
		{ "2", NULL, NULL, NULL, NULL, 1, 1 },
		{ "3", NULL, NULL, NULL, NULL, 1, 0 },
		{ "4", NULL, NULL, NULL, NULL, 1, 0 },
		{ "5", NULL, NULL, NULL, NULL, 0, 0 },
		{ "5", "death", "2023-01-03T10:00Z", NULL, NULL, 0, 0 },
		/* death in hospital without a CPC counts as CPC 5 */
		{ NULL, "death", "2023-01-03T10:00Z", NULL, NULL, 0, 0 },
		{ NULL, "hospital_admit", "2023-01-01T10:00Z", "death",
		    "2023-01-03T10:00Z", 0, 0 },
		/* discharged alive, CPC unknown */
		{ NULL, "hospital_discharge", "2023-01-09T10:00Z", NULL, NULL,
		    1, -1 },
		{ NULL, "hospital_discharge", "2023-01-09T10:00Z", "death",
		    "2023-03-01T10:00Z", 1, -1 },
		{ "4", "hospital_discharge", "2023-01-09T10:00Z", "death",
		    "2023-03-01T10:00Z", 1, 0 },
		{ "2", "hospital_discharge", "2023-01-09", NULL, NULL, 1, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ecpr_episode *ep;

		if (t[i].ev2 != NULL)
			ep = episode(t[i].cpc, t[i].ev1, t[i].t1, t[i].ev2,
			    t[i].t2, (const char *)NULL);
		else
			ep = episode(t[i].cpc, t[i].ev1, t[i].t1,
			    (const char *)NULL);
		CU_ASSERT_EQUAL(ecpr_episode_survived(ep), t[i].survived);
		CU_ASSERT_EQUAL(ecpr_episode_favourable(ep),
		    t[i].favourable);
		if (ecpr_episode_survived(ep) != t[i].survived ||
		    ecpr_episode_favourable(ep) != t[i].favourable)
			fprintf(stderr, "case %zu: %d %d\n", i,
			    ecpr_episode_survived(ep),
			    ecpr_episode_favourable(ep));
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(ecpr_episode_survived(NULL), -1);
	CU_ASSERT_EQUAL(ecpr_episode_favourable(NULL), -1);
}

static CU_TestInfo stats_tests[] = {
	{ "quantile type 7 by hand (ties, gaps)",
	    test_quantile_type7_by_hand },
	{ "quantile of one value, p 0 and 1, empty and bad p",
	    test_quantile_edges },
	{ "Wilson matches Newcombe 1998 table II",
	    test_wilson_newcombe_1998 },
	{ "Wilson at k 0 and k n, symmetric, z 0", test_wilson_bounds },
	{ "Wilson refuses n 0 and k > n", test_wilson_refuses },
	{ "survival to discharge and CPC 1-2 of an episode", test_outcomes },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "stats", NULL, NULL, NULL, NULL, stats_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
