/* test_interval.c - derived intervals (DOMAIN.md section 4) */
#include "config.h"

#include <string.h>

#include "cu_main.h"
#include "internal.h"

#define F "case.csv"

struct ev {
	ecpr_event_type type;
	const char *value;
};

/* A finished episode from a list ending with a NULL value. */
static ecpr_episode *
build(const struct ev *evs, const ecpr_tz *tz, const char *cpc)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	unsigned long line = 2;

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, "H1", "P007", 1, &err),
	    ECPR_OK);
	for (; evs->value != NULL; evs++) {
		int rc = ecpr_episode_add_event(ep, evs->type, evs->value, NULL,
		    tz, F, line++, &err);

		CU_ASSERT_EQUAL(rc, ECPR_OK);
		if (rc != ECPR_OK)
			fprintf(stderr, "\n%s: %s\n", evs->value, err.message);
	}
	if (cpc != NULL)
		CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_CPC_DISCHARGE,
		    cpc, F, 2, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	if (err.code != ECPR_OK)
		fprintf(stderr, "\nfinish: %s\n", err.message);
	return ep;
}

/* Derive and format every interval of ep. */
static void
derive_all(const ecpr_episode *ep, char txt[ECPR_IV_COUNT][32])
{
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_error err = ECPR_ERROR_INIT;
	int i;

	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT,
	    &err), ECPR_OK);
	for (i = 0; i < ECPR_IV_COUNT; i++)
		ecpr_interval_format(&iv[i], (ecpr_interval_id)i, txt[i], 32);
}

static void
test_names_units_definitions(void)
{
	static const char *const names[ECPR_IV_COUNT] = { "no_flow_min",
		"conventional_cpr_min", "mechanical_cc_min",
		"cardiac_arrest_min", "ecmo_setup_min", "ca_to_flow_min",
		"ecpr_days", "icu_days", "hospital_days", "cpc_discharge" };
	int i;

	for (i = 0; i < ECPR_IV_COUNT; i++) {
		CU_ASSERT_STRING_EQUAL(ecpr_interval_name((ecpr_interval_id)i),
		    names[i]);
		CU_ASSERT_EQUAL(ecpr_interval_lookup(names[i]), i);
		CU_ASSERT_PTR_NOT_NULL(ecpr_interval_definition(
		    (ecpr_interval_id)i));
		CU_ASSERT_EQUAL(ecpr_interval_unit((ecpr_interval_id)i),
		    i <= ECPR_IV_CA_TO_FLOW_MIN ? ECPR_UNIT_MINUTE :
		    i <= ECPR_IV_HOSPITAL_DAYS ? ECPR_UNIT_DECIDAY :
		    ECPR_UNIT_CODE);
	}
	CU_ASSERT_PTR_NULL(ecpr_interval_name(ECPR_IV_COUNT));
	CU_ASSERT_PTR_NULL(ecpr_interval_definition(ECPR_IV_COUNT));
	CU_ASSERT_EQUAL(ecpr_interval_lookup("no_flow"), -1);
	CU_ASSERT_STRING_EQUAL(ecpr_interval_definition(ECPR_IV_ECMO_SETUP_MIN),
	    "minutes from cannulation_start to ecmo_flow_start");
	CU_ASSERT_STRING_EQUAL(ecpr_interval_definition(ECPR_IV_ECPR_DAYS),
	    "days from ecmo_flow_start to ecmo_stop");
}

static void
test_format(void)
{
	ecpr_interval iv;
	char buf[32];

	iv.known = 1;
	iv.lo = iv.hi = 77;
	CU_ASSERT_EQUAL(ecpr_interval_format(&iv, ECPR_IV_CA_TO_FLOW_MIN, buf,
	    sizeof(buf)), 2);
	CU_ASSERT_STRING_EQUAL(buf, "77");
	iv.lo = iv.hi = 160;
	ecpr_interval_format(&iv, ECPR_IV_HOSPITAL_DAYS, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "16.0");
	iv.lo = 158;
	iv.hi = 168;
	CU_ASSERT_EQUAL(ecpr_interval_format(&iv, ECPR_IV_HOSPITAL_DAYS, buf,
	    sizeof(buf)), 10);
	CU_ASSERT_STRING_EQUAL(buf, "15.8..16.8");
	iv.lo = 3;
	iv.hi = 3;
	ecpr_interval_format(&iv, ECPR_IV_ICU_DAYS, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0.3");
	iv.lo = 0;
	iv.hi = 610;
	ecpr_interval_format(&iv, ECPR_IV_CARDIAC_ARREST_MIN, buf,
	    sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0..610");
	iv.lo = iv.hi = 1;
	ecpr_interval_format(&iv, ECPR_IV_CPC_DISCHARGE, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1");
	/* truncated but NUL-terminated; the wanted length returned */
	iv.lo = 158;
	iv.hi = 168;
	CU_ASSERT_EQUAL(ecpr_interval_format(&iv, ECPR_IV_ICU_DAYS, buf, 5),
	    10);
	CU_ASSERT_STRING_EQUAL(buf, "15.8");
	iv.known = 0;
	CU_ASSERT_EQUAL(ecpr_interval_format(&iv, ECPR_IV_ICU_DAYS, buf,
	    sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
}

/*
 * Numbers are written two digits at a time, and into the caller's buffer
 * itself when it holds the longest value: the same text as printf's at
 * every digit count, both signs and both units, in a buffer of 64 bytes
 * (in place) and of 63 (through a copy).
 */
static void
test_format_digits_as_printf(void)
{
	static const int64_t v[] = { 0, 1, 9, 10, 11, 99, 100, 101, 999,
		1000, 1009, 9999, 10000, 99999, 100000, 1234567, 10000000000LL,
		INT64_MAX, -1, -9, -10, -99, -100, -101, -12345, INT64_MIN + 1,
		INT64_MIN };
	char want[128], big[64], small[63], d[24];
	ecpr_interval iv;
	size_t i, j, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t a = v[i] < 0 ? 0 - (uint64_t)v[i] : (uint64_t)v[i];

		n = ecpr__put_digits(d, a);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)a);
		CU_ASSERT_EQUAL(n, strlen(want));
		CU_ASSERT(n == strlen(want) && memcmp(d, want, n) == 0);
		for (j = 0; j < sizeof(v) / sizeof(v[0]); j += 3) {
			int64_t lo = v[i], hi = v[j];
			uint64_t al = lo < 0 ? 0 - (uint64_t)lo : (uint64_t)lo;
			uint64_t ah = hi < 0 ? 0 - (uint64_t)hi : (uint64_t)hi;

			iv.known = 1;
			iv.lo = lo;
			iv.hi = hi;
			if (lo == hi)
				snprintf(want, sizeof(want), "%s%llu",
				    lo < 0 ? "-" : "", (unsigned long long)al);
			else
				snprintf(want, sizeof(want), "%s%llu..%s%llu",
				    lo < 0 ? "-" : "", (unsigned long long)al,
				    hi < 0 ? "-" : "", (unsigned long long)ah);
			n = ecpr_interval_format(&iv, ECPR_IV_CA_TO_FLOW_MIN,
			    big, sizeof(big));
			CU_ASSERT_EQUAL(n, strlen(want));
			CU_ASSERT_STRING_EQUAL(big, want);
			n = ecpr_interval_format(&iv, ECPR_IV_CA_TO_FLOW_MIN,
			    small, sizeof(small));
			CU_ASSERT_EQUAL(n, strlen(want));
			CU_ASSERT_STRING_EQUAL(small, want);
		}
	}
	/* tenths of a day: 100 is "10.0", -101 is "-10.1" */
	iv.known = 1;
	iv.lo = -101;
	iv.hi = 100;
	CU_ASSERT_EQUAL(ecpr_interval_format(&iv, ECPR_IV_ICU_DAYS, big,
	    sizeof(big)), 11);
	CU_ASSERT_STRING_EQUAL(big, "-10.1..10.0");
	iv.known = 0;
	memcpy(big, "x", 2);
	CU_ASSERT_EQUAL(ecpr_interval_format(&iv, ECPR_IV_ICU_DAYS, big,
	    sizeof(big)), 0);
	CU_ASSERT_STRING_EQUAL(big, "");
}

/*
 * A full case (+08:00):
 *   ca_onset 08:30, cpr_start 08:33                    no flow 3
 *   mcc 08:45-09:05 (20), 09:10-09:40 (30)             mechanical 50
 *   rosc_transient 09:05, rearrest 09:10
 *   cannulation 09:20, flow 09:47                      setup 27
 *   cpr_start 08:33 -> flow 09:47                      conventional 74
 *   ca_onset 08:30 -> flow 09:47                       ca to flow 77
 *   rosc 10:10                                         arrest 100
 *   flow 07-27 09:47 -> stop 07-31 11:02 = 4 d 1 h 15 min = 350100 s,
 *       / 8640 = 40.52 -> 4.1 days
 *   icu 07-27 10:30 -> 08-05 16:00 = 9 d 5 h 30 min = 797400 s,
 *       / 8640 = 92.29 -> 9.2 days
 *   hospital 07-27 04:48 (minute) -> 08-12 (day, +08:00 known as UTC day
 *       here: both in Z): [15 d 19 h 12 min, 16 d 19 h 12 min]
 *       = 15.8..16.8 days
 */
static void
test_full_case(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2021-07-27T08:30+08:00" },
		{ ECPR_EV_CPR_START, "2021-07-27T08:33+08:00" },
		{ ECPR_EV_MCC_START, "2021-07-27T08:45+08:00" },
		{ ECPR_EV_MCC_STOP, "2021-07-27T09:05+08:00" },
		{ ECPR_EV_ROSC_TRANSIENT, "2021-07-27T09:05+08:00" },
		{ ECPR_EV_REARREST, "2021-07-27T09:10+08:00" },
		{ ECPR_EV_MCC_START, "2021-07-27T09:10+08:00" },
		{ ECPR_EV_CANNULATION_START, "2021-07-27T09:20+08:00" },
		{ ECPR_EV_MCC_STOP, "2021-07-27T09:40+08:00" },
		{ ECPR_EV_ECMO_FLOW_START, "2021-07-27T09:47+08:00" },
		{ ECPR_EV_ROSC, "2021-07-27T10:10+08:00" },
		{ ECPR_EV_ICU_ADMIT, "2021-07-27T10:30+08:00" },
		{ ECPR_EV_ECMO_STOP, "2021-07-31T11:02+08:00" },
		{ ECPR_EV_ICU_DISCHARGE, "2021-08-05T16:00+08:00" },
		{ ECPR_EV_HOSPITAL_ADMIT, "2021-07-27T04:48Z" },
		{ ECPR_EV_HOSPITAL_DISCHARGE, "2021-08-12" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, "1");
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_error err = ECPR_ERROR_INIT;
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_NO_FLOW_MIN], "3");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CONVENTIONAL_CPR_MIN], "74");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_MECHANICAL_CC_MIN], "50");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CARDIAC_ARREST_MIN], "100");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ECMO_SETUP_MIN], "27");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CA_TO_FLOW_MIN], "77");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ECPR_DAYS], "4.1");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ICU_DAYS], "9.2");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_HOSPITAL_DAYS], "15.8..16.8");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CPC_DISCHARGE], "1");
	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(iv[ECPR_IV_HOSPITAL_DAYS].known, 1);
	CU_ASSERT_EQUAL(iv[ECPR_IV_HOSPITAL_DAYS].lo, 158);
	CU_ASSERT_EQUAL(iv[ECPR_IV_HOSPITAL_DAYS].hi, 168);
	CU_ASSERT_EQUAL(iv[ECPR_IV_MECHANICAL_CC_MIN].lo, 50);
	CU_ASSERT_EQUAL(iv[ECPR_IV_MECHANICAL_CC_MIN].hi, 50);
	ecpr_episode_free(ep);
}

static void
test_missing_inputs_are_empty(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CPR_START, "2021-07-27T08:33+08:00" },
		{ ECPR_EV_MCC_START, "2021-07-27T08:45+08:00" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	char txt[ECPR_IV_COUNT][32];
	int i;

	derive_all(ep, txt);
	/* nothing else is known; the MCC segment is still open */
	for (i = 0; i < ECPR_IV_COUNT; i++)
		CU_ASSERT_STRING_EQUAL(txt[i], "");
	ecpr_episode_free(ep);
}

/* No ECMO: conventional CPR runs to the sustained ROSC. */
static void
test_without_ecmo(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2021-07-27T08:30+08:00" },
		{ ECPR_EV_CPR_START, "2021-07-27T08:31+08:00" },
		{ ECPR_EV_ROSC_TRANSIENT, "2021-07-27T08:50+08:00" },
		{ ECPR_EV_REARREST, "2021-07-27T08:55+08:00" },
		{ ECPR_EV_ROSC, "2021-07-27T09:12+08:00" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_NO_FLOW_MIN], "1");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CONVENTIONAL_CPR_MIN], "41");
	/* the transient ROSC period is inside the arrest duration */
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CARDIAC_ARREST_MIN], "42");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ECMO_SETUP_MIN], "");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CA_TO_FLOW_MIN], "");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ECPR_DAYS], "");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_MECHANICAL_CC_MIN], "");
	ecpr_episode_free(ep);
}

/*
 * Death in the ICU: icu 07-27 10:30Z -> death 07-29 22:30Z = 216000 s =
 * 25 tenths; hospital 07-27 06:00Z -> death = 232200 s = 26.875 -> 2.7
 */
static void
test_death_before_discharge(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_HOSPITAL_ADMIT, "2021-07-27T06:00Z" },
		{ ECPR_EV_ICU_ADMIT, "2021-07-27T10:30Z" },
		{ ECPR_EV_DEATH, "2021-07-29T22:30Z" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, "5");
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ICU_DAYS], "2.5");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_HOSPITAL_DAYS], "2.7");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CPC_DISCHARGE], "5");
	ecpr_episode_free(ep);
}

/* An ICU discharge before death wins over death. */
static void
test_discharge_preferred_to_death(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_ICU_ADMIT, "2021-07-27T10:30Z" },
		{ ECPR_EV_ICU_DISCHARGE, "2021-07-28T10:30Z" },
		{ ECPR_EV_DEATH, "2021-07-29T22:30Z" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ICU_DAYS], "1.0");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_HOSPITAL_DAYS], "");
	ecpr_episode_free(ep);
}

static void
test_across_midnight(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2021-07-27T23:40+08:00" },
		{ ECPR_EV_CPR_START, "2021-07-27T23:50+08:00" },
		{ ECPR_EV_CANNULATION_START, "2021-07-28T00:05+08:00" },
		{ ECPR_EV_ECMO_FLOW_START, "2021-07-28T00:35+08:00" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_NO_FLOW_MIN], "10");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CONVENTIONAL_CPR_MIN], "45");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ECMO_SETUP_MIN], "30");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CA_TO_FLOW_MIN], "55");
	ecpr_episode_free(ep);
}

/* Europe/Berlin 2023-03-26: 01:30 (+01:00) to 03:30 (+02:00) is 60 min. */
static void
test_across_dst_offsets(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2023-03-26T01:30+01:00" },
		{ ECPR_EV_ROSC, "2023-03-26T03:30+02:00" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CARDIAC_ARREST_MIN], "60");
	ecpr_episode_free(ep);
}

static void
test_across_dst_zone(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2023-03-26T01:30" },
		{ ECPR_EV_ROSC, "2023-03-26T03:30" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_tz *tz = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep;
	char txt[ECPR_IV_COUNT][32];

	CU_ASSERT_EQUAL_FATAL(ecpr_tz_load(&tz, "Europe/Berlin", &err),
	    ECPR_OK);
	ep = build(evs, tz, NULL);
	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CARDIAC_ARREST_MIN], "60");
	ecpr_episode_free(ep);
	ecpr_tz_free(tz);
}

/*
 * Partial values give ranges:
 *   ca_onset 2021-07-27 (day), rosc 10:10Z: [0 (clamped), 610] minutes
 *   flow 07-27 09:47Z, ecmo_stop 2021-08 (month):
 *     lo = 08-01 00:00 - 07-27 09:47 = 4 d 14 h 13 min = 396780 s -> 45.92
 *     hi = 09-01 00:00 - 07-27 09:47 = 35 d 14 h 13 min = 3075180 s -> 355.9
 *     = 4.6..35.6 days
 *   ca_onset 2021-07-27 (day), flow at 09:47Z: 0..587 minutes
 */
static void
test_partial_values_give_ranges(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2021-07-27" },
		{ ECPR_EV_CPR_START, "2021-07-27T00:05Z" },
		{ ECPR_EV_ECMO_FLOW_START, "2021-07-27T09:47Z" },
		{ ECPR_EV_ROSC, "2021-07-27T10:10Z" },
		{ ECPR_EV_ECMO_STOP, "2021-08" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_error err = ECPR_ERROR_INIT;
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CARDIAC_ARREST_MIN], "0..610");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CA_TO_FLOW_MIN], "0..587");
	/* cpr_start 00:05Z in ca_onset's day: [0 (clamped), 5] */
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_NO_FLOW_MIN], "0..5");
	/* both minute values: 00:05 -> 09:47 = 9 h 42 min, exact */
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_CONVENTIONAL_CPR_MIN], "582");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ECPR_DAYS], "4.6..35.6");
	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(iv[ECPR_IV_ECPR_DAYS].lo, 46);
	CU_ASSERT_EQUAL(iv[ECPR_IV_ECPR_DAYS].hi, 356);
	ecpr_episode_free(ep);
}

/* A range whose ends round equal is exact. */
static void
test_range_rounding_equal_is_exact(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CPR_START, "2021-07-27T23:59:50Z" },
		{ ECPR_EV_ROSC, "2021-07-27" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_error err = ECPR_ERROR_INIT;

	/* lo = 07-27 00:00 - 23:59:50 < 0 -> 0; hi = 10 s -> 0 min */
	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(iv[ECPR_IV_CONVENTIONAL_CPR_MIN].known, 1);
	CU_ASSERT_EQUAL(iv[ECPR_IV_CONVENTIONAL_CPR_MIN].lo, 0);
	CU_ASSERT_EQUAL(iv[ECPR_IV_CONVENTIONAL_CPR_MIN].hi, 0);
	ecpr_episode_free(ep);
}

/* 90 s is 2 minutes (1.5 rounds away from zero); 89 s is 1. */
static void
test_rounding_half_away(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2021-07-27T08:30:00Z" },
		{ ECPR_EV_CPR_START, "2021-07-27T08:31:30Z" },
		{ ECPR_EV_CANNULATION_START, "2021-07-27T09:00:00Z" },
		{ ECPR_EV_ECMO_FLOW_START, "2021-07-27T09:01:29Z" },
		/* 4320 s = half a tenth of a day -> 0.1 */
		{ ECPR_EV_ECMO_STOP, "2021-07-27T10:13:29Z" },
		/* 4319 s -> 0.0 */
		{ ECPR_EV_ICU_ADMIT, "2021-07-27T10:00:00Z" },
		{ ECPR_EV_ICU_DISCHARGE, "2021-07-27T11:11:59Z" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_NO_FLOW_MIN], "2");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ECMO_SETUP_MIN], "1");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ECPR_DAYS], "0.1");
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_ICU_DAYS], "0.0");
	ecpr_episode_free(ep);
}

/*
 * MCC segments summed: 07-26 08:00-08:30Z (30 min) and 07-26 22:00Z to a
 * stop known only as the day 2021-07-27: [2 h, 26 h] = [120, 1560] min.
 * Sum: 150..1590 minutes.
 */
static void
test_mcc_sum_with_range(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_MCC_START, "2021-07-26T08:00Z" },
		{ ECPR_EV_MCC_STOP, "2021-07-26T08:30Z" },
		{ ECPR_EV_MCC_START, "2021-07-26T22:00Z" },
		{ ECPR_EV_MCC_STOP, "2021-07-27" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_error err = ECPR_ERROR_INIT;
	char txt[ECPR_IV_COUNT][32];

	derive_all(ep, txt);
	CU_ASSERT_STRING_EQUAL(txt[ECPR_IV_MECHANICAL_CC_MIN], "150..1590");
	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(iv[ECPR_IV_MECHANICAL_CC_MIN].lo, 150);
	CU_ASSERT_EQUAL(iv[ECPR_IV_MECHANICAL_CC_MIN].hi, 1590);
	ecpr_episode_free(ep);
}

static void
test_negative_interval(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CPR_START, "2021-07-27T09:50Z" },
		{ ECPR_EV_ECMO_FLOW_START, "2021-07-27T09:47Z" },
		{ ECPR_EV_MCC_START, NULL },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT,
	    &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: interval "
	    "\"conventional_cpr_min\": ecmo_flow_start 2021-07-27T09:47Z is "
	    "before cpr_start 2021-07-27T09:50Z");
	CU_ASSERT_STRING_EQUAL(err.file, F);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_EQUAL(iv[ECPR_IV_CONVENTIONAL_CPR_MIN].known, 0);
	ecpr_episode_free(ep);
}

/*
 * The caller says how many slots it has: an older caller (fewer) gets
 * only those, with only their errors; a newer one (more) gets the extra
 * slots unknown; nothing is written past n.
 */
static void
test_caller_sized_output(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2021-07-27T09:40Z" },
		{ ECPR_EV_CPR_START, "2021-07-27T09:50Z" },
		{ ECPR_EV_ECMO_FLOW_START, "2021-07-27T09:47Z" },
		{ ECPR_EV_MCC_START, NULL },
	};
	static const struct {
		size_t n;
		int rc;
	} cases[] = {
		{ 0, ECPR_OK },
		{ 1, ECPR_OK },     /* no_flow_min only */
		{ 2, ECPR_ERULE },  /* conventional_cpr_min is negative */
		{ ECPR_IV_COUNT, ECPR_ERULE },
		{ ECPR_IV_COUNT + 3, ECPR_ERULE },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	ecpr_interval iv[ECPR_IV_COUNT + 4];
	ecpr_error err = ECPR_ERROR_INIT;
	size_t k, i;

	CU_ASSERT_EQUAL(ecpr_interval_count(), ECPR_IV_COUNT);
	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, NULL, 0, &err), ECPR_OK);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		memset(iv, 0x5a, sizeof(iv));
		CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, iv, cases[k].n,
		    &err), cases[k].rc);
		CU_ASSERT_EQUAL(err.code, cases[k].rc);
		/* known: no_flow_min 10 and ca_to_flow_min 7 */
		for (i = 0; i < cases[k].n; i++)
			CU_ASSERT_EQUAL(iv[i].known, i == ECPR_IV_NO_FLOW_MIN ||
			    i == ECPR_IV_CA_TO_FLOW_MIN);
		if (cases[k].n > 0) {
			CU_ASSERT_EQUAL(iv[0].lo, 10);
			CU_ASSERT_EQUAL(iv[0].hi, 10);
		}
		/* untouched past n */
		CU_ASSERT_EQUAL(iv[cases[k].n].known, 0x5a5a5a5a);
		CU_ASSERT_EQUAL(iv[cases[k].n].lo, 0x5a5a5a5a5a5a5a5aLL);
	}
	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, NULL, 1, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_episode_intervals(NULL, iv, 1, &err),
	    ECPR_EINVAL);
	ecpr_episode_free(ep);
}

/* Each interval's Table 2 row label and footnote mark (defs.c). */
static void
test_labels_marks(void)
{
	static const struct {
		ecpr_interval_id id;
		const char *label, *mark;
	} want[ECPR_IV_COUNT] = {
		{ ECPR_IV_NO_FLOW_MIN, NULL, NULL },
		{ ECPR_IV_CONVENTIONAL_CPR_MIN, "Conventional CPR duration",
		    "a" },
		{ ECPR_IV_MECHANICAL_CC_MIN, "Mechanical CC duration", "c" },
		{ ECPR_IV_CARDIAC_ARREST_MIN, "Cardiac arrest duration", "b" },
		{ ECPR_IV_ECMO_SETUP_MIN, "Duration for ECMO setup", "d" },
		{ ECPR_IV_CA_TO_FLOW_MIN, NULL, NULL },
		{ ECPR_IV_ECPR_DAYS, "ECPR duration", "e" },
		{ ECPR_IV_ICU_DAYS, "ICU stays", "f" },
		{ ECPR_IV_HOSPITAL_DAYS, "Hospital stays", "g" },
		{ ECPR_IV_CPC_DISCHARGE, "CPC at discharge", "h" },
	};
	size_t i;

	for (i = 0; i < ECPR_IV_COUNT; i++) {
		const char *l = ecpr_interval_label(want[i].id);
		const char *m = ecpr_interval_mark(want[i].id);

		CU_ASSERT_EQUAL(want[i].id, (ecpr_interval_id)i);
		if (want[i].label == NULL) {
			CU_ASSERT_PTR_NULL(l);
			CU_ASSERT_PTR_NULL(m);
		} else {
			CU_ASSERT_STRING_EQUAL(l, want[i].label);
			CU_ASSERT_STRING_EQUAL(m, want[i].mark);
		}
	}
	CU_ASSERT_PTR_NULL(ecpr_interval_label(ECPR_IV_COUNT));
	CU_ASSERT_PTR_NULL(ecpr_interval_mark((ecpr_interval_id)-1));
}

/*
 * The events each span interval runs between, with fallbacks: an episode
 * without ECMO flow that died in hospital without discharges.
 */
static void
test_interval_events(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2021-07-27T08:30Z" },
		{ ECPR_EV_CPR_START, "2021-07-27T08:31Z" },
		{ ECPR_EV_ROSC, "2021-07-27T09:12Z" },
		{ ECPR_EV_ICU_ADMIT, "2021-07-27T10:00Z" },
		{ ECPR_EV_HOSPITAL_ADMIT, "2021-07-27T09:30Z" },
		{ ECPR_EV_DEATH, "2021-07-29T22:30Z" },
		{ ECPR_EV_MCC_START, NULL },
	};
	static const struct {
		ecpr_interval_id id;
		int rc;
		int start, stop; /* event types, -1: none */
	} want[] = {
		{ ECPR_IV_NO_FLOW_MIN, ECPR_OK, ECPR_EV_CA_ONSET,
		    ECPR_EV_CPR_START },
		/* no ecmo_flow_start: the fallback rosc */
		{ ECPR_IV_CONVENTIONAL_CPR_MIN, ECPR_OK, ECPR_EV_CPR_START,
		    ECPR_EV_ROSC },
		{ ECPR_IV_MECHANICAL_CC_MIN, ECPR_EINVAL, -1, -1 },
		{ ECPR_IV_CARDIAC_ARREST_MIN, ECPR_OK, ECPR_EV_CA_ONSET,
		    ECPR_EV_ROSC },
		{ ECPR_IV_ECMO_SETUP_MIN, ECPR_OK, -1, -1 },
		{ ECPR_IV_CA_TO_FLOW_MIN, ECPR_OK, ECPR_EV_CA_ONSET, -1 },
		/* no fallback to death */
		{ ECPR_IV_ECPR_DAYS, ECPR_OK, -1, -1 },
		{ ECPR_IV_ICU_DAYS, ECPR_OK, ECPR_EV_ICU_ADMIT, ECPR_EV_DEATH },
		{ ECPR_IV_HOSPITAL_DAYS, ECPR_OK, ECPR_EV_HOSPITAL_ADMIT,
		    ECPR_EV_DEATH },
		{ ECPR_IV_CPC_DISCHARGE, ECPR_EINVAL, -1, -1 },
		{ ECPR_IV_COUNT, ECPR_EINVAL, -1, -1 },
	};
	ecpr_episode *ep = build(evs, NULL, NULL);
	const ecpr_event *a, *b;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		a = b = (const ecpr_event *)ep; /* overwritten */
		CU_ASSERT_EQUAL(ecpr_interval_events(&a, &b, ep, want[i].id),
		    want[i].rc);
		CU_ASSERT_EQUAL(a != NULL ? (int)a->type : -1, want[i].start);
		CU_ASSERT_EQUAL(b != NULL ? (int)b->type : -1, want[i].stop);
	}
	/* either output may be NULL */
	CU_ASSERT_EQUAL(ecpr_interval_events(NULL, &b, ep,
	    ECPR_IV_ICU_DAYS), ECPR_OK);
	CU_ASSERT_TRUE(b != NULL && b->type == ECPR_EV_DEATH);
	CU_ASSERT_EQUAL(ecpr_interval_events(&a, NULL, NULL,
	    ECPR_IV_ICU_DAYS), ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(a);
	ecpr_episode_free(ep);
}

/* The definitions' name and version, the macro and the library's. */
static void
test_defs_version(void)
{
	CU_ASSERT_STRING_EQUAL(ECPR_DEFS_VERSION, "ecpr-2026.1");
	CU_ASSERT_STRING_EQUAL(ecpr_defs_version(), "ecpr-2026.1");
}

static CU_TestInfo interval_tests[] = {
	{ "definitions version", test_defs_version },
	{ "labels and marks", test_labels_marks },
	{ "interval events", test_interval_events },
	{ "names, units, definitions", test_names_units_definitions },
	{ "format", test_format },
	{ "format: digits as printf's", test_format_digits_as_printf },
	{ "full case", test_full_case },
	{ "missing inputs are empty", test_missing_inputs_are_empty },
	{ "without ECMO", test_without_ecmo },
	{ "death before discharge", test_death_before_discharge },
	{ "discharge preferred to death", test_discharge_preferred_to_death },
	{ "across midnight", test_across_midnight },
	{ "across DST (offsets)", test_across_dst_offsets },
	{ "across DST (zone)", test_across_dst_zone },
	{ "partial values give ranges", test_partial_values_give_ranges },
	{ "range rounding equal is exact",
	    test_range_rounding_equal_is_exact },
	{ "rounding half away from zero", test_rounding_half_away },
	{ "mcc sum with range", test_mcc_sum_with_range },
	{ "negative interval", test_negative_interval },
	{ "caller-sized output", test_caller_sized_output },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "interval", NULL, NULL, NULL, NULL, interval_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
