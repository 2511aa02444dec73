/*
 * test_outcome.c - outcomes by an interval in bins (ecpr_outcome): bins
 * parsed, episodes placed (edges, ranges in one bin or over two, unknown
 * intervals, below the first bin), counts and the csv with its Wilson
 * intervals, all computed by hand.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"

#define F "outcome.csv"
#define ONSET "2023-03-04T10:00Z"

/*
 * A finished episode: ca_onset (NULL: none), ecmo_flow_start (NULL:
 * none), an optional third event and cpc_discharge (NULL: unknown).
 */
static ecpr_episode *
episode(const char *subject, const char *onset, const char *flow,
    ecpr_event_type other, const char *other_at, const char *cpc)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, "H1", subject, 1, &err),
	    ECPR_OK);
	if (onset != NULL)
		CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET,
		    onset, NULL, NULL, F, 2, &err), ECPR_OK);
	if (flow != NULL)
		CU_ASSERT_EQUAL(ecpr_episode_add_event(ep,
		    ECPR_EV_ECMO_FLOW_START, flow, NULL, NULL, F, 2, &err),
		    ECPR_OK);
	if (other_at != NULL)
		CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, other, other_at,
		    NULL, NULL, F, 2, &err), ECPR_OK);
	if (cpc != NULL)
		CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep,
		    ECPR_AT_CPC_DISCHARGE, cpc, F, 2, &err), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	return ep;
}

/* Add an episode and free it. */
static void
add(ecpr_outcome *oc, ecpr_episode *ep)
{
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_outcome_add_episode(oc, ep, &err), ECPR_OK);
	ecpr_episode_free(ep);
}

static ecpr_outcome *
outcome(ecpr_interval_id id, const char *bins)
{
	ecpr_outcome *oc = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL_FATAL(ecpr_outcome_new(&oc, id, bins, &err), ECPR_OK);
	return oc;
}

/* The csv of oc as a string (malloc'd). */
static char *
csv(const ecpr_outcome *oc)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(ecpr_outcome_write_csv(oc, fp, &err), ECPR_OK);
	fclose(fp);
	return buf;
}

static int
counts_are(const ecpr_flow_outcome *c, uint64_t n, uint64_t s,
    uint64_t d, uint64_t su, uint64_t f, uint64_t u, uint64_t cu)
{
	return c->n == n && c->survived == s && c->died == d &&
	    c->survival_unknown == su && c->favourable == f &&
	    c->unfavourable == u && c->cpc_unknown == cu;
}

#define HEADER "interval,bin,from,to,n,survived,died,survival_unknown," \
	"survival_pct,survival_lo,survival_hi,favourable,unfavourable," \
	"cpc_unknown,favourable_pct,favourable_lo,favourable_hi,definitions\n"

/*
 * Nine episodes in the bins 0,30,45,60,90 of ca_to_flow_min, each
 * counted by hand:
 *   a1 20 min, CPC 1          0-29   survived, favourable
 *   a2 29 min, CPC 3          0-29   survived, unfavourable
 *   a3 30 min, CPC 5          30-44  died, unfavourable
 *   a4 44 min, no outcome     30-44  both unknown
 *   a9 50 min, discharged     45-59  survived, CPC unknown
 *   (none)                    60-89  empty
 *   a5 90 min, CPC 2          90+    survived, favourable
 *   a6 840..2280 (flow known to the day), CPC 5
 *                             90+    died, unfavourable
 *   a7 0..600 (arrest known to the day), CPC 1
 *                             not binnable: survived, favourable
 *   a8 no ECMO flow, CPC 4    missing: survived, unfavourable
 */
static ecpr_outcome *
cohort(void)
{
	ecpr_outcome *oc = outcome(ECPR_IV_CA_TO_FLOW_MIN, "0,30,45,60,90");

	add(oc, episode("a1", ONSET, "ca_onset+PT20M", 0, NULL, "1"));
	add(oc, episode("a2", ONSET, "ca_onset+PT29M", 0, NULL, "3"));
	add(oc, episode("a3", ONSET, "ca_onset+PT30M", 0, NULL, "5"));
	add(oc, episode("a4", ONSET, "ca_onset+PT44M", 0, NULL, NULL));
	add(oc, episode("a5", ONSET, "ca_onset+PT90M", 0, NULL, "2"));
	add(oc, episode("a6", ONSET, "2023-03-05", 0, NULL, "5"));
	add(oc, episode("a7", "2023-03-04", ONSET, 0, NULL, "1"));
	add(oc, episode("a8", ONSET, NULL, 0, NULL, "4"));
	add(oc, episode("a9", ONSET, "ca_onset+PT50M",
	    ECPR_EV_HOSPITAL_DISCHARGE, "2023-04-01", NULL));
	return oc;
}

static void
test_cohort_counts(void)
{
	ecpr_outcome *oc = cohort();
	ecpr_flow_outcome c;
	ecpr_outcome_bin b;
	char label[32];

	CU_ASSERT_EQUAL(ecpr_outcome_interval(oc), ECPR_IV_CA_TO_FLOW_MIN);
	CU_ASSERT_EQUAL_FATAL(ecpr_outcome_bin_count(oc), 5);
	CU_ASSERT_EQUAL(ecpr_outcome_bin_get(oc, 0, &b), ECPR_OK);
	CU_ASSERT(b.from == 0 && b.to == 30);
	CU_ASSERT(counts_are(&b.counts, 2, 2, 0, 0, 1, 1, 0));
	CU_ASSERT_EQUAL(ecpr_outcome_bin_get(oc, 1, &b), ECPR_OK);
	CU_ASSERT(b.from == 30 && b.to == 45);
	CU_ASSERT(counts_are(&b.counts, 2, 0, 1, 1, 0, 1, 1));
	CU_ASSERT_EQUAL(ecpr_outcome_bin_get(oc, 2, &b), ECPR_OK);
	CU_ASSERT(counts_are(&b.counts, 1, 1, 0, 0, 0, 0, 1));
	CU_ASSERT_EQUAL(ecpr_outcome_bin_get(oc, 3, &b), ECPR_OK);
	CU_ASSERT(b.from == 60 && b.to == 90);
	CU_ASSERT(counts_are(&b.counts, 0, 0, 0, 0, 0, 0, 0));
	CU_ASSERT_EQUAL(ecpr_outcome_bin_get(oc, 4, &b), ECPR_OK);
	CU_ASSERT(b.from == 90 && b.to == -1);
	CU_ASSERT(counts_are(&b.counts, 2, 1, 1, 0, 1, 1, 0));
	CU_ASSERT_EQUAL(ecpr_outcome_bin_get(oc, 5, &b), ECPR_EINVAL);
	ecpr_outcome_group_get(oc, ECPR_OUTCOME_NOT_BINNABLE, &c);
	CU_ASSERT(counts_are(&c, 1, 1, 0, 0, 1, 0, 0));
	ecpr_outcome_group_get(oc, ECPR_OUTCOME_MISSING, &c);
	CU_ASSERT(counts_are(&c, 1, 1, 0, 0, 0, 1, 0));
	ecpr_outcome_group_get(oc, ECPR_OUTCOME_BELOW, &c);
	CU_ASSERT(counts_are(&c, 0, 0, 0, 0, 0, 0, 0));
	ecpr_outcome_total(oc, &c);
	CU_ASSERT(counts_are(&c, 9, 6, 2, 1, 3, 4, 2));
	/* labels: whole minutes up to the next edge, the open last bin */
	CU_ASSERT_EQUAL(ecpr_outcome_bin_label(oc, 0, 0, label,
	    sizeof(label)), 4);
	CU_ASSERT_STRING_EQUAL(label, "0-29");
	ecpr_outcome_bin_label(oc, 3, ECPR_VALUE_PAPER, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "60\xe2\x80\x93" "89");
	ecpr_outcome_bin_label(oc, 4, ECPR_VALUE_PAPER, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "90+");
	CU_ASSERT_EQUAL(ecpr_outcome_bin_label(oc, 5, 0, label,
	    sizeof(label)), 0);
	CU_ASSERT_STRING_EQUAL(label, "");
	ecpr_outcome_free(oc);
}

/*
 * The csv of the cohort.  Proportions of the known outcomes, Wilson 95 %
 * (z = 1.959963984540054) by hand: 2/2 is 34.24-100, 1/2 9.45-90.55,
 * 0/1 0-79.35, 1/1 20.65-100, 6/8 40.93-92.85, 3/7 42.857 in
 * 15.82-74.95.
 */
static void
test_cohort_csv(void)
{
	ecpr_outcome *oc = cohort();
	char *got = csv(oc);

	CU_ASSERT_STRING_EQUAL(got, HEADER
	    "ca_to_flow_min,0-29,0,30,2,2,0,0,100.0,34.2,100.0,"
	    "1,1,0,50.0,9.5,90.5,ecpr-2026.1\n"
	    "ca_to_flow_min,30-44,30,45,2,0,1,1,0.0,0.0,79.3,"
	    "0,1,1,0.0,0.0,79.3,ecpr-2026.1\n"
	    "ca_to_flow_min,45-59,45,60,1,1,0,0,100.0,20.7,100.0,"
	    "0,0,1,,,,ecpr-2026.1\n"
	    "ca_to_flow_min,60-89,60,90,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n"
	    "ca_to_flow_min,90+,90,,2,1,1,0,50.0,9.5,90.5,"
	    "1,1,0,50.0,9.5,90.5,ecpr-2026.1\n"
	    "ca_to_flow_min,not_binnable,,,1,1,0,0,100.0,20.7,100.0,"
	    "1,0,0,100.0,20.7,100.0,ecpr-2026.1\n"
	    "ca_to_flow_min,missing,,,1,1,0,0,100.0,20.7,100.0,"
	    "0,1,0,0.0,0.0,79.3,ecpr-2026.1\n"
	    "ca_to_flow_min,all,,,9,6,2,1,75.0,40.9,92.9,"
	    "3,4,2,42.9,15.8,75.0,ecpr-2026.1\n");
	free(got);
	ecpr_outcome_free(oc);
}

/* Nothing known about any outcome: counts, and no proportions at all. */
static void
test_all_unknown(void)
{
	ecpr_outcome *oc = outcome(ECPR_IV_CA_TO_FLOW_MIN, "0,60");
	ecpr_flow_outcome c;
	char *got;

	add(oc, episode("u1", ONSET, "ca_onset+PT10M", 0, NULL, NULL));
	add(oc, episode("u2", ONSET, "ca_onset+PT70M", 0, NULL, NULL));
	add(oc, episode("u3", ONSET, NULL, 0, NULL, NULL));
	ecpr_outcome_total(oc, &c);
	CU_ASSERT(counts_are(&c, 3, 0, 0, 3, 0, 0, 3));
	got = csv(oc);
	CU_ASSERT_STRING_EQUAL(got, HEADER
	    "ca_to_flow_min,0-59,0,60,1,0,0,1,,,,0,0,1,,,,ecpr-2026.1\n"
	    "ca_to_flow_min,60+,60,,1,0,0,1,,,,0,0,1,,,,ecpr-2026.1\n"
	    "ca_to_flow_min,not_binnable,,,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n"
	    "ca_to_flow_min,missing,,,1,0,0,1,,,,0,0,1,,,,ecpr-2026.1\n"
	    "ca_to_flow_min,all,,,3,0,0,3,,,,0,0,3,,,,ecpr-2026.1\n");
	free(got);
	ecpr_outcome_free(oc);
}

/* No episode at all: every bin empty, the rows still there. */
static void
test_empty(void)
{
	ecpr_outcome *oc = outcome(ECPR_IV_NO_FLOW_MIN, "5");
	char *got = csv(oc);

	CU_ASSERT_STRING_EQUAL(got, HEADER
	    "no_flow_min,5+,5,,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n"
	    "no_flow_min,not_binnable,,,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n"
	    "no_flow_min,missing,,,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n"
	    "no_flow_min,below,,,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n"
	    "no_flow_min,all,,,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n");
	free(got);
	ecpr_outcome_free(oc);
}

/*
 * The edges exactly: 29 min 59 s is 30 whole minutes (rounded half away
 * from zero, as every interval), so in 30-44; a bin of one value is
 * labelled by it; below the first edge, and a range from below into the
 * first bin.
 */
static void
test_edges_and_below(void)
{
	ecpr_outcome *oc = outcome(ECPR_IV_CA_TO_FLOW_MIN, "10,30,31,45");
	ecpr_flow_outcome c;
	ecpr_outcome_bin b;
	char label[32];

	add(oc, episode("e1", ONSET, "2023-03-04T10:29:59Z", 0, NULL, "1"));
	add(oc, episode("e2", ONSET, "2023-03-04T10:29:29Z", 0, NULL, "1"));
	add(oc, episode("e3", ONSET, "ca_onset+PT9M", 0, NULL, "5"));
	add(oc, episode("e4", ONSET, "ca_onset+PT10M", 0, NULL, "5"));
	add(oc, episode("e5", "2023-03-04", "2023-03-04T00:20Z", 0, NULL,
	    "2"));
	ecpr_outcome_bin_get(oc, 0, &b);
	CU_ASSERT(counts_are(&b.counts, 2, 1, 1, 0, 1, 1, 0)); /* e2, e4 */
	ecpr_outcome_bin_get(oc, 1, &b);
	CU_ASSERT(counts_are(&b.counts, 1, 1, 0, 0, 1, 0, 0)); /* e1 */
	ecpr_outcome_bin_label(oc, 1, 0, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "30");
	ecpr_outcome_group_get(oc, ECPR_OUTCOME_BELOW, &c);
	CU_ASSERT(counts_are(&c, 1, 0, 1, 0, 0, 1, 0)); /* e3 */
	/* e5: 0..20, from below 10 into 10-29 */
	ecpr_outcome_group_get(oc, ECPR_OUTCOME_NOT_BINNABLE, &c);
	CU_ASSERT(counts_are(&c, 1, 1, 0, 0, 1, 0, 0));
	ecpr_outcome_free(oc);
}

/*
 * Days: bins written with one decimal, labels to the tenth below the
 *  next edge; a range 5.5..6.5 (ecmo_stop known to the day) lies in
 * 3.0-6.9 but reaches over 6.
 */
static void
test_days(void)
{
	ecpr_outcome *oc = outcome(ECPR_IV_ECPR_DAYS, "0,3,7,14.5");
	ecpr_outcome *oc6 = outcome(ECPR_IV_ECPR_DAYS, "0,6");
	ecpr_flow_outcome c;
	ecpr_outcome_bin b;
	ecpr_episode *ep;
	ecpr_error err = ECPR_ERROR_INIT;
	char label[32], *got;

	ep = episode("d1", ONSET, "ca_onset+PT60M", ECPR_EV_ECMO_STOP,
	    "2023-03-10", "1");
	CU_ASSERT_EQUAL(ecpr_outcome_add_episode(oc, ep, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_outcome_add_episode(oc6, ep, &err), ECPR_OK);
	ecpr_episode_free(ep);
	ecpr_outcome_bin_get(oc, 1, &b);
	CU_ASSERT(b.from == 30 && b.to == 70);
	CU_ASSERT(counts_are(&b.counts, 1, 1, 0, 0, 1, 0, 0));
	ecpr_outcome_group_get(oc6, ECPR_OUTCOME_NOT_BINNABLE, &c);
	CU_ASSERT(counts_are(&c, 1, 1, 0, 0, 1, 0, 0));
	ecpr_outcome_bin_label(oc, 0, 0, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "0.0-2.9");
	ecpr_outcome_bin_label(oc, 2, 0, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "7.0-14.4");
	ecpr_outcome_bin_label(oc, 3, 0, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "14.5+");
	got = csv(oc);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\necpr_days,3.0-6.9,3.0,7.0,1,1,"
	    "0,0,100.0,20.7,100.0,1,0,0,100.0,20.7,100.0,ecpr-2026.1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\necpr_days,14.5+,14.5,,0,"));
	free(got);
	ecpr_outcome_free(oc);
	ecpr_outcome_free(oc6);
}

/* Bad bins name the list and the item; cpc_discharge is no duration. */
static void
test_bad_bins(void)
{
	static const struct {
		ecpr_interval_id id;
		const char *bins, *msg;
	} bad[] = {
		{ ECPR_IV_CA_TO_FLOW_MIN, "",
		    "bins \"\": \"\" is not a whole number of minutes" },
		{ ECPR_IV_CA_TO_FLOW_MIN, "0,30,,60",
		    "bins \"0,30,,60\": \"\" is not a whole number of minutes" },
		{ ECPR_IV_CA_TO_FLOW_MIN, "0,30.5",
		    "bins \"0,30.5\": \"30.5\" is not a whole number of "
		    "minutes" },
		{ ECPR_IV_CA_TO_FLOW_MIN, "0,-30",
		    "bins \"0,-30\": \"-30\" is not a whole number of minutes" },
		{ ECPR_IV_CA_TO_FLOW_MIN, "0, 30",
		    "bins \"0, 30\": \" 30\" is not a whole number of minutes" },
		{ ECPR_IV_CA_TO_FLOW_MIN, "0,45,30",
		    "bins \"0,45,30\": \"30\" is not above the edge before it" },
		{ ECPR_IV_CA_TO_FLOW_MIN, "0,30,30",
		    "bins \"0,30,30\": \"30\" is not above the edge before it" },
		{ ECPR_IV_CA_TO_FLOW_MIN, "99999999999999999999",
		    "bins \"99999999999999999999\": \"99999999999999999999\" "
		    "is not a whole number of minutes" },
		{ ECPR_IV_ICU_DAYS, "0,7.25",
		    "bins \"0,7.25\": \"7.25\" is not a number of days (at "
		    "most one decimal)" },
		{ ECPR_IV_ICU_DAYS, "0,7.",
		    "bins \"0,7.\": \"7.\" is not a number of days (at most "
		    "one decimal)" },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_outcome *oc = (ecpr_outcome *)&err;
	char many[256];
	size_t i, n = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(ecpr_outcome_new(&oc, bad[i].id, bad[i].bins,
		    &err), ECPR_EPARSE);
		CU_ASSERT_PTR_NULL(oc);
		CU_ASSERT_STRING_EQUAL(err.message, bad[i].msg);
	}
	/* 32 bins are fine, 33 are too many */
	for (i = 0; i < 33; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s%zu",
		    i ? "," : "", i * 10);
	CU_ASSERT_EQUAL(ecpr_outcome_new(&oc, ECPR_IV_CA_TO_FLOW_MIN, many,
	    &err), ECPR_EPARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "more than 32 bins"));
	many[strlen(many) - 4] = '\0';
	CU_ASSERT_EQUAL(ecpr_outcome_new(&oc, ECPR_IV_CA_TO_FLOW_MIN, many,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_outcome_bin_count(oc), 32);
	ecpr_outcome_free(oc);
	CU_ASSERT_EQUAL(ecpr_outcome_new(&oc, ECPR_IV_CPC_DISCHARGE, "1,3",
	    &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "outcome: interval \"cpc_discharge\" is not a duration");
	CU_ASSERT_EQUAL(ecpr_outcome_new(&oc, ECPR_IV_CA_TO_FLOW_MIN, NULL,
	    &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_outcome_new(NULL, ECPR_IV_CA_TO_FLOW_MIN, "0",
	    &err), ECPR_EINVAL);
	ecpr_outcome_free(NULL);
	CU_ASSERT_STRING_EQUAL(ecpr_outcome_group_name(ECPR_OUTCOME_MISSING),
	    "missing");
	CU_ASSERT_PTR_NULL(ecpr_outcome_group_name(ECPR_OUTCOME_GROUP_COUNT));
}

/* A negative interval is refused and nothing is counted. */
static void
test_negative_interval(void)
{
	ecpr_outcome *oc = outcome(ECPR_IV_CONVENTIONAL_CPR_MIN, "0,30");
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_flow_outcome c;
	ecpr_episode *ep = episode("n1", NULL, "2021-07-27T09:47Z",
	    ECPR_EV_CPR_START, "2021-07-27T09:50Z", "1");

	CU_ASSERT_EQUAL(ecpr_outcome_add_episode(oc, ep, &err), ECPR_ERULE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "ecmo_flow_start"));
	ecpr_outcome_total(oc, &c);
	CU_ASSERT_EQUAL(c.n, 0);
	CU_ASSERT_EQUAL(ecpr_outcome_add_episode(oc, NULL, &err), ECPR_EINVAL);
	ecpr_episode_free(ep);
	ecpr_outcome_free(oc);
}

/* A stream that refuses to be written is ECPR_EIO. */
static void
test_write_error(void)
{
	ecpr_outcome *oc = cohort();
	ecpr_error err = ECPR_ERROR_INIT;
	FILE *fp = fopen("/dev/full", "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	setvbuf(fp, NULL, _IONBF, 0);
	CU_ASSERT_EQUAL(ecpr_outcome_write_csv(oc, fp, &err), ECPR_EIO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "cannot write"));
	fclose(fp);
	ecpr_outcome_free(oc);
}

static CU_TestInfo outcome_tests[] = {
	{ "the cohort's counts per bin and group", test_cohort_counts },
	{ "the cohort's csv with Wilson intervals", test_cohort_csv },
	{ "all outcomes unknown", test_all_unknown },
	{ "no episode", test_empty },
	{ "edges, a bin of one value, below the first bin",
	    test_edges_and_below },
	{ "days: bins, labels, ranges", test_days },
	{ "bad bins and intervals", test_bad_bins },
	{ "a negative interval is refused", test_negative_interval },
	{ "a stream that cannot be written is ECPR_EIO", test_write_error },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "outcome", NULL, NULL, NULL, NULL, outcome_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
