/* test_time.c - ISO 8601 time values, durations and IANA time zones */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"

/*
 * Anchors, computed by hand (days since 1970-01-01 times 86400):
 * 1970..2022 are 53 years with 13 leap years (1972..2020), so
 * 2023-01-01T00:00Z is (53 * 365 + 13) * 86400 = 19358 * 86400.
 */
#define DAY 86400LL
#define HOUR 3600LL
#define UTC_2023 (19358 * DAY) /* 1672531200 */
#define UTC_2024 (19723 * DAY) /* 2023 has 365 days: 1704067200 */
/* 2021-01-01 is 18628 days (51 years, 13 leap); Jul 27 is day 181 + 26 */
#define UTC_2021_07_27 (18835 * DAY) /* 1627344000 */

/* Parse text, expecting success; returns the value. */
static ecpr_time
parse_ok(const char *text, const ecpr_tz *tz)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_time tm;
	int rc;

	rc = ecpr_time_parse(&tm, text, tz, &err);
	if (rc != ECPR_OK)
		fprintf(stderr, "\n  parse \"%s\": %s\n", text, err.message);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	return tm;
}

/* Parse text, expecting the error code and message. */
static void
parse_bad(const char *text, const ecpr_tz *tz, int code, const char *msg)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_time tm;
	int rc;

	rc = ecpr_time_parse(&tm, text, tz, &err);
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(err.code, code);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_NONE);
	if (strcmp(err.message, msg) != 0)
		fprintf(stderr, "\n  \"%s\":\n  got  %s\n  want %s\n", text,
		    err.message, msg);
	CU_ASSERT_STRING_EQUAL(err.message, msg);
}

#define NOT_ISO(v) \
	"\"" v "\" is not an ISO 8601 date or time " \
	"(YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])"

static void
check_fmt(const ecpr_time *tm, const char *want)
{
	char buf[64];
	size_t n;

	n = ecpr_time_format(tm, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
	CU_ASSERT_EQUAL(n, strlen(want));
}

/* ---- explicit offsets ------------------------------------------------- */

static void
test_minute_with_offset(void)
{
	/* 08:30 at +08:00 is 00:30Z */
	ecpr_time tm = parse_ok("2021-07-27T08:30+08:00", NULL);

	CU_ASSERT_EQUAL(tm.t, UTC_2021_07_27 + 1800);
	CU_ASSERT_EQUAL(tm.t, 1627345800);
	CU_ASSERT_EQUAL(tm.end, tm.t + 60);
	CU_ASSERT_EQUAL(tm.offset, 8 * 3600);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_MINUTE);
	check_fmt(&tm, "2021-07-27T08:30+08:00");
}

static void
test_second_with_z(void)
{
	ecpr_time tm = parse_ok("2021-07-27T00:30:05Z", NULL);

	CU_ASSERT_EQUAL(tm.t, UTC_2021_07_27 + 1805);
	CU_ASSERT_EQUAL(tm.end, tm.t + 1);
	CU_ASSERT_EQUAL(tm.offset, 0);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_SECOND);
	check_fmt(&tm, "2021-07-27T00:30:05Z");
	tm = parse_ok("2021-07-27T00:30Z", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2021_07_27 + 1800);
	check_fmt(&tm, "2021-07-27T00:30Z");
}

static void
test_odd_offsets(void)
{
	ecpr_time tm;

	/* 10:00 at +05:30 is 04:30Z */
	tm = parse_ok("2023-01-01T10:00+05:30", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 + 4 * HOUR + 1800);
	CU_ASSERT_EQUAL(tm.offset, 5 * 3600 + 1800);
	check_fmt(&tm, "2023-01-01T10:00+05:30");
	/* 22:15:30 at -03:00 is 01:15:30Z the next day */
	tm = parse_ok("2022-12-31T22:15:30-03:00", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 + HOUR + 15 * 60 + 30);
	CU_ASSERT_EQUAL(tm.offset, -3 * 3600);
	check_fmt(&tm, "2022-12-31T22:15:30-03:00");
	/* -00:00 is UTC and prints as Z */
	tm = parse_ok("2023-01-01T00:00-00:00", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2023);
	CU_ASSERT_EQUAL(tm.offset, 0);
	check_fmt(&tm, "2023-01-01T00:00Z");
	/* the extremes, 18:00 either way */
	tm = parse_ok("2023-01-01T18:00+18:00", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2023);
	tm = parse_ok("2022-12-31T06:00-18:00", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2023);
}

static void
test_offset_across_new_year(void)
{
	ecpr_time tm;

	/* 2023-01-01T01:00+02:00 is 2022-12-31T23:00Z: still 2023 locally */
	tm = parse_ok("2023-01-01T01:00+02:00", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 - HOUR);
	check_fmt(&tm, "2023-01-01T01:00+02:00");
	/* at day precision it prints the local date, not the UTC one */
	tm.prec = ECPR_PREC_DAY;
	check_fmt(&tm, "2023-01-01");
	tm.offset = 0;
	check_fmt(&tm, "2022-12-31");
	tm.prec = ECPR_PREC_YEAR;
	check_fmt(&tm, "2022");
	tm.prec = ECPR_PREC_MONTH;
	check_fmt(&tm, "2022-12");
}

/* ---- partial values in UTC ------------------------------------------ */

static void
test_partial_values_utc(void)
{
	ecpr_time tm;

	tm = parse_ok("2023-03-26", NULL);
	/* Jan 31 + Feb 28 + 25 days */
	CU_ASSERT_EQUAL(tm.t, UTC_2023 + 84 * DAY);
	CU_ASSERT_EQUAL(tm.end, tm.t + DAY);
	CU_ASSERT_EQUAL(tm.offset, 0);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_DAY);
	check_fmt(&tm, "2023-03-26");
	/* a leap-year February has 29 days */
	tm = parse_ok("2024-02", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2024 + 31 * DAY);
	CU_ASSERT_EQUAL(tm.end - tm.t, 29 * DAY);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_MONTH);
	check_fmt(&tm, "2024-02");
	tm = parse_ok("2023-02", NULL);
	CU_ASSERT_EQUAL(tm.end - tm.t, 28 * DAY);
	/* December ends at the next new year */
	tm = parse_ok("2023-12", NULL);
	CU_ASSERT_EQUAL(tm.end, UTC_2024);
	CU_ASSERT_EQUAL(tm.t, UTC_2024 - 31 * DAY);
	tm = parse_ok("2023", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2023);
	CU_ASSERT_EQUAL(tm.end, UTC_2024);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_YEAR);
	check_fmt(&tm, "2023");
	tm = parse_ok("2024", NULL);
	CU_ASSERT_EQUAL(tm.end - tm.t, 366 * DAY);
}

static void
test_leap_days(void)
{
	ecpr_time tm;

	tm = parse_ok("2024-02-29", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2024 + (31 + 28) * DAY);
	tm = parse_ok("2000-02-29", NULL);
	/* 2000-01-01 is 10957 days (30 years, 7 leap: 1972..1996) */
	CU_ASSERT_EQUAL(tm.t, (10957 + 31 + 28) * DAY);
	parse_bad("2023-02-29", NULL, ECPR_EPARSE,
	    "\"2023-02-29\" is not a valid date (2023-02 has 28 days)");
	parse_bad("1900-02-29", NULL, ECPR_EPARSE,
	    "\"1900-02-29\" is not a valid date (1900-02 has 28 days)");
	parse_bad("2023-02-30", NULL, ECPR_EPARSE,
	    "\"2023-02-30\" is not a valid date (2023-02 has 28 days)");
	parse_bad("2023-04-31", NULL, ECPR_EPARSE,
	    "\"2023-04-31\" is not a valid date (2023-04 has 30 days)");
}

static void
test_extreme_years(void)
{
	ecpr_time tm;

	/* 0001-01-01 is 719162 days before 1970 (Hinnant's epoch shift) */
	tm = parse_ok("0001-01-01T00:00Z", NULL);
	CU_ASSERT_EQUAL(tm.t, -719162 * DAY);
	check_fmt(&tm, "0001-01-01T00:00Z");
	tm = parse_ok("9999", NULL);
	CU_ASSERT_EQUAL(tm.end - tm.t, 365 * DAY);
	check_fmt(&tm, "9999");
	tm = parse_ok("9999-12-31T23:59:59Z", NULL);
	check_fmt(&tm, "9999-12-31T23:59:59Z");
	parse_bad("0000", NULL, ECPR_EPARSE,
	    "\"0000\" is not a valid date (years run from 0001 to 9999)");
}

static void
test_bad_values(void)
{
	parse_bad("", NULL, ECPR_EPARSE, NOT_ISO(""));
	parse_bad("04/03/2023", NULL, ECPR_EPARSE, NOT_ISO("04/03/2023"));
	parse_bad("yesterday", NULL, ECPR_EPARSE, NOT_ISO("yesterday"));
	parse_bad("2023-1-1", NULL, ECPR_EPARSE, NOT_ISO("2023-1-1"));
	parse_bad("2023-01-1", NULL, ECPR_EPARSE, NOT_ISO("2023-01-1"));
	parse_bad("20230101", NULL, ECPR_EPARSE, NOT_ISO("20230101"));
	parse_bad("2023-01-01T1000", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T1000"));
	parse_bad("2023-01-01T10", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10"));
	parse_bad("12023-01-01", NULL, ECPR_EPARSE, NOT_ISO("12023-01-01"));
	parse_bad("-2023-01-01", NULL, ECPR_EPARSE, NOT_ISO("-2023-01-01"));
	parse_bad("+2023-01-01", NULL, ECPR_EPARSE, NOT_ISO("+2023-01-01"));
	parse_bad(" 2023-01-01", NULL, ECPR_EPARSE, NOT_ISO(" 2023-01-01"));
	parse_bad("2023-01-01 ", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01 ") ": use T between date and time");
	parse_bad("2023-01-01T10:00Zjunk", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00Zjunk"));
	parse_bad("2023-01-01T10:00:00x", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00:00x"));
	parse_bad("2023-01-01T10:00+02:00x", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00+02:00x"));
	parse_bad("2023-01-01x", NULL, ECPR_EPARSE, NOT_ISO("2023-01-01x"));
	parse_bad("2023-13-01", NULL, ECPR_EPARSE,
	    "\"2023-13-01\" is not a valid date (months run from 01 to 12)");
	parse_bad("2023-00", NULL, ECPR_EPARSE,
	    "\"2023-00\" is not a valid date (months run from 01 to 12)");
	parse_bad("2023-01-00", NULL, ECPR_EPARSE,
	    "\"2023-01-00\" is not a valid date (2023-01 has 31 days)");
	parse_bad("2023-01-01T24:00Z", NULL, ECPR_EPARSE,
	    "\"2023-01-01T24:00Z\" is not a valid time of day (hours run "
	    "from 00 to 23)");
	parse_bad("2023-01-01T10:60Z", NULL, ECPR_EPARSE,
	    "\"2023-01-01T10:60Z\" is not a valid time of day (minutes run "
	    "from 00 to 59)");
	parse_bad("2023-01-01T10:00:60Z", NULL, ECPR_EPARSE,
	    "\"2023-01-01T10:00:60Z\" is not a valid time of day (seconds "
	    "run from 00 to 59; leap seconds are not supported)");
	parse_bad("2023-01-01 10:00", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01 10:00") ": use T between date and time");
	parse_bad("2023-01-01t10:00Z", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01t10:00Z") ": use an uppercase T");
	parse_bad("2023-01-01T10:00z", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00z") ": use an uppercase Z");
	parse_bad("2023-01-01+02:00", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01+02:00") ": a UTC offset needs a time of day");
	parse_bad("2023-01Z", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01Z") ": a UTC offset needs a time of day");
	parse_bad("2023-01-01T10:00:00.5Z", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00:00.5Z")
	    ": fractions of a second are not allowed");
	parse_bad("2023-01-01T10:00,5Z", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00,5Z")
	    ": fractions of a minute are not allowed");
	parse_bad("2023-01-01T10:00+0200", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00+0200")
	    ": write the UTC offset as +HH:MM or -HH:MM");
	parse_bad("2023-01-01T10:00+02", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00+02")
	    ": write the UTC offset as +HH:MM or -HH:MM");
	parse_bad("2023-01-01T10:00+18:01", NULL, ECPR_EPARSE,
	    "\"2023-01-01T10:00+18:01\" has an invalid UTC offset (at most "
	    "18:00 either way, minutes 00 to 59)");
	parse_bad("2023-01-01T10:00-02:60", NULL, ECPR_EPARSE,
	    "\"2023-01-01T10:00-02:60\" has an invalid UTC offset (at most "
	    "18:00 either way, minutes 00 to 59)");
	/* a local time needs a zone */
	parse_bad("2021-07-27T08:30", NULL, ECPR_EPARSE,
	    "local time \"2021-07-27T08:30\" has no UTC offset and no time "
	    "zone is known (give a time zone or write the offset)");
}

static void
test_value_is_quoted_safely(void)
{
	char text[300];

	/* quotes and control characters are escaped in the message */
	parse_bad("\"x\"\n", NULL, ECPR_EPARSE, NOT_ISO("\\\"x\\\"\\x0A"));
	/* a long value is cut after 80 bytes */
	memset(text, '9', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	parse_bad(text, NULL, ECPR_EPARSE,
	    NOT_ISO("99999999999999999999999999999999999999999999999999"
		    "999999999999999999999999999999..."));
}

static void
test_invalid_arguments(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_time tm;

	CU_ASSERT_EQUAL(ecpr_time_parse(&tm, NULL, NULL, &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_time_parse(NULL, "2023", NULL, NULL),
	    ECPR_EINVAL);
}

/* ---- formatting and shifting ----------------------------------------- */

static void
test_format_small_buffers(void)
{
	ecpr_time tm = parse_ok("2021-07-27T08:30+08:00", NULL);
	ecpr_time none = { 0, 0, 0, ECPR_PREC_NONE };
	char buf[8];

	CU_ASSERT_EQUAL(ecpr_time_format(&tm, buf, sizeof(buf)), 22);
	CU_ASSERT_STRING_EQUAL(buf, "2021-07");
	CU_ASSERT_EQUAL(ecpr_time_format(&tm, NULL, 0), 22);
	CU_ASSERT_EQUAL(ecpr_time_format(&none, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(ecpr_time_format(NULL, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
}

static void
test_shift(void)
{
	ecpr_time tm = parse_ok("2023-01-01T23:50-05:00", NULL);
	ecpr_time s = ecpr_time_shift(&tm, 62 * 60);

	/* 62 minutes later, still at -05:00: 2023-01-02T00:52-05:00 */
	CU_ASSERT_EQUAL(s.t, tm.t + 3720);
	CU_ASSERT_EQUAL(s.end, tm.end + 3720);
	CU_ASSERT_EQUAL(s.offset, -5 * 3600);
	CU_ASSERT_EQUAL(s.prec, ECPR_PREC_MINUTE);
	check_fmt(&s, "2023-01-02T00:52-05:00");
	s = ecpr_time_shift(&s, -3720);
	CU_ASSERT_EQUAL(s.t, tm.t);
	tm = parse_ok("2023-01", NULL);
	s = ecpr_time_shift(&tm, 5 * DAY);
	CU_ASSERT_EQUAL(s.t, UTC_2023 + 5 * DAY);
	CU_ASSERT_EQUAL(s.end, UTC_2023 + 36 * DAY);
	CU_ASSERT_EQUAL(s.prec, ECPR_PREC_MONTH);
}

static void
test_format_round_trips(void)
{
	static const char *const values[] = { "2021-07-27T08:30+08:00",
		"2021-07-27T00:30:05Z", "1999-12-31T23:59:59-09:30",
		"2024-02-29T12:00+14:00", "2023-06", "1970", "2000-01-01",
		NULL };
	char buf[64];
	int i;

	for (i = 0; values[i] != NULL; i++) {
		ecpr_time tm = parse_ok(values[i], NULL), again;

		ecpr_time_format(&tm, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, values[i]);
		again = parse_ok(buf, NULL);
		CU_ASSERT_EQUAL(again.t, tm.t);
		CU_ASSERT_EQUAL(again.end, tm.end);
		CU_ASSERT_EQUAL(again.offset, tm.offset);
		CU_ASSERT_EQUAL(again.prec, tm.prec);
	}
}

/* ---- durations ------------------------------------------------------- */

static void
dur_ok(const char *text, int64_t want)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int64_t s = -1;

	CU_ASSERT_EQUAL(ecpr_duration_parse(&s, text, &err), ECPR_OK);
	if (s != want)
		fprintf(stderr, "\n  \"%s\": %lld, want %lld (%s)\n", text,
		    (long long)s, (long long)want, err.message);
	CU_ASSERT_EQUAL(s, want);
}

static void
dur_bad(const char *text, const char *msg)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int64_t s = -1;

	CU_ASSERT_EQUAL(ecpr_duration_parse(&s, text, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(s, 0);
	if (strcmp(err.message, msg) != 0)
		fprintf(stderr, "\n  \"%s\":\n  got  %s\n  want %s\n", text,
		    err.message, msg);
	CU_ASSERT_STRING_EQUAL(err.message, msg);
}

#define NOT_DUR(v) \
	"\"" v "\" is not an ISO 8601 duration " \
	"(PnW or P[nD][T[nH][nM][nS]])"

static void
test_durations(void)
{
	dur_ok("PT62M", 62 * 60);
	dur_ok("P5D", 5 * DAY);
	dur_ok("P7DT3H", 7 * DAY + 3 * HOUR);
	dur_ok("P2W", 14 * DAY);
	dur_ok("PT1H2M3S", 3723);
	dur_ok("PT90S", 90);
	dur_ok("P0D", 0);
	dur_ok("PT0S", 0);
	dur_ok("PT00010M", 600);
	dur_ok("P1DT1S", DAY + 1);
	/* the cap: 100 years of 365.25 days = 36525 days */
	dur_ok("P36525D", 36525 * DAY);
	dur_ok("PT3155760000S", 36525 * DAY);
}

static void
test_bad_durations(void)
{
	dur_bad("", NOT_DUR(""));
	dur_bad("P", NOT_DUR("P") ": no value is given");
	dur_bad("PT", NOT_DUR("PT")
	    ": T must be followed by hours, minutes or seconds");
	dur_bad("P1DT", NOT_DUR("P1DT")
	    ": T must be followed by hours, minutes or seconds");
	dur_bad("P1Y", NOT_DUR("P1Y")
	    ": years and months have no fixed length: write days");
	dur_bad("P2M", NOT_DUR("P2M")
	    ": years and months have no fixed length: write days");
	dur_bad("PT1.5H", NOT_DUR("PT1.5H") ": fractions are not allowed");
	dur_bad("PT1,5H", NOT_DUR("PT1,5H") ": fractions are not allowed");
	dur_bad("-PT5M", NOT_DUR("-PT5M")
	    ": no sign is allowed (write the direction outside)");
	dur_bad("PT-5M", NOT_DUR("PT-5M") ": no sign is allowed");
	dur_bad("PT+5M", NOT_DUR("PT+5M") ": no sign is allowed");
	dur_bad("P1W2D", NOT_DUR("P1W2D")
	    ": weeks cannot be combined with other units");
	dur_bad("P1WT1H", NOT_DUR("P1WT1H")
	    ": weeks cannot be combined with other units");
	dur_bad("PT5M1H", NOT_DUR("PT5M1H"));
	dur_bad("PT5M5M", NOT_DUR("PT5M5M"));
	dur_bad("P1H", NOT_DUR("P1H"));
	dur_bad("PT1D", NOT_DUR("PT1D"));
	dur_bad("P1D2", NOT_DUR("P1D2"));
	dur_bad("pt5m", NOT_DUR("pt5m"));
	dur_bad("PT5m", NOT_DUR("PT5m"));
	dur_bad("5M", NOT_DUR("5M"));
	dur_bad("PT5M ", NOT_DUR("PT5M "));
	dur_bad("P1DTT1H", NOT_DUR("P1DTT1H"));
	dur_bad("P36526D",
	    "\"P36526D\" is too long a duration (at most 100 years)");
	dur_bad("PT3155760001S",
	    "\"PT3155760001S\" is too long a duration (at most 100 years)");
	dur_bad("PT99999999999999999999999999H",
	    "\"PT99999999999999999999999999H\" is too long a duration (at "
	    "most 100 years)");
	dur_bad("P36525DT1S",
	    "\"P36525DT1S\" is too long a duration (at most 100 years)");
}

static CU_TestInfo parse_tests[] = {
	{ "minute with offset", test_minute_with_offset },
	{ "second with Z", test_second_with_z },
	{ "odd offsets", test_odd_offsets },
	{ "offset across new year", test_offset_across_new_year },
	{ "partial values in UTC", test_partial_values_utc },
	{ "leap days", test_leap_days },
	{ "extreme years", test_extreme_years },
	{ "bad values", test_bad_values },
	{ "value is quoted safely", test_value_is_quoted_safely },
	{ "invalid arguments", test_invalid_arguments },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo format_tests[] = {
	{ "small buffers", test_format_small_buffers },
	{ "shift", test_shift },
	{ "round trips", test_format_round_trips },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo duration_tests[] = {
	{ "good durations", test_durations },
	{ "bad durations", test_bad_durations },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "time parse", NULL, NULL, NULL, NULL, parse_tests },
	{ "time format", NULL, NULL, NULL, NULL, format_tests },
	{ "duration", NULL, NULL, NULL, NULL, duration_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
