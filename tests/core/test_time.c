/* test_time.c - ISO 8601 time values, durations and IANA time zones */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/*
 * The common form (YYYY-MM-DDTHH:MM[:SS] with Z or +HH:MM) is read in one
 * go; anything that only starts like it, and every value out of range,
 * still gets the general reader's result and message.
 */
static void
test_common_form_and_near_misses(void)
{
	ecpr_time tm;

	/* Feb 29 of a leap year: 2024-01-01 + 59 days, 23:59:59 at -18:00
	 * is 17:59:59Z on Mar 1 */
	tm = parse_ok("2024-02-29T23:59:59-18:00", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2024 + 60 * DAY + 17 * HOUR + 59 * 60 + 59);
	CU_ASSERT_EQUAL(tm.end, tm.t + 1);
	CU_ASSERT_EQUAL(tm.offset, -18 * 3600);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_SECOND);
	tm = parse_ok("2023-12-31T23:59Z", NULL);
	CU_ASSERT_EQUAL(tm.t, UTC_2024 - 60);
	CU_ASSERT_EQUAL(tm.end, UTC_2024);
	parse_bad("2023-02-29T10:00Z", NULL, ECPR_EPARSE,
	    "\"2023-02-29T10:00Z\" is not a valid date (2023-02 has 28 days)");
	parse_bad("2023-04-31T10:00+02:00", NULL, ECPR_EPARSE,
	    "\"2023-04-31T10:00+02:00\" is not a valid date (2023-04 has 30 "
	    "days)");
	parse_bad("0000-01-01T10:00Z", NULL, ECPR_EPARSE,
	    "\"0000-01-01T10:00Z\" is not a valid date (years run from 0001 "
	    "to 9999)");
	parse_bad("2023-01-01T24:00Z", NULL, ECPR_EPARSE,
	    "\"2023-01-01T24:00Z\" is not a valid time of day (hours run from "
	    "00 to 23)");
	parse_bad("2023-01-01T10:00:60Z", NULL, ECPR_EPARSE,
	    "\"2023-01-01T10:00:60Z\" is not a valid time of day (seconds run "
	    "from 00 to 59; leap seconds are not supported)");
	parse_bad("2023-01-01T10:00+18:01", NULL, ECPR_EPARSE,
	    "\"2023-01-01T10:00+18:01\" has an invalid UTC offset (at most "
	    "18:00 either way, minutes 00 to 59)");
	parse_bad("2023-01-01T10:00+05:60", NULL, ECPR_EPARSE,
	    "\"2023-01-01T10:00+05:60\" has an invalid UTC offset (at most "
	    "18:00 either way, minutes 00 to 59)");
	parse_bad("2023-01-01T10:00+05:30x", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00+05:30x"));
	parse_bad("2023-01-01T10:00Zx", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00Zx"));
	parse_bad("2023-01-01T10:00+0530", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00+0530") ": write the UTC offset as "
	    "+HH:MM or -HH:MM");
	parse_bad("2023-01-01T10:00.5Z", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00.5Z") ": fractions of a minute are not "
	    "allowed");
	parse_bad("2023-01-01T10:00z", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00z") ": use an uppercase Z");
	/* no offset: the general reader (and the zone, when there is one) */
	parse_bad("2023-01-01T10:00", NULL, ECPR_EPARSE,
	    "local time \"2023-01-01T10:00\" has no UTC offset and no time "
	    "zone is known (give a time zone or write the offset)");
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


/* ---- time zones -------------------------------------------------------- */

static ecpr_tz *
zone(const char *name)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tz *tz = NULL;
	int rc;

	rc = ecpr_tz_load(&tz, name, &err);
	if (rc != ECPR_OK)
		fprintf(stderr, "\n  zone %s: %s\n", name, err.message);
	CU_ASSERT_EQUAL_FATAL(rc, ECPR_OK);
	CU_ASSERT_STRING_EQUAL(ecpr_tz_name(tz), name);
	return tz;
}

/* 2023-03-26 is day 84 of 2023 (Jan 31 + Feb 28 + 25) */
#define UTC_2023_03_26 (UTC_2023 + 84 * DAY)
/* 2023-10-29 is day 301 (Jan..Sep: 273 days, + 28) */
#define UTC_2023_10_29 (UTC_2023 + 301 * DAY)

static void
test_berlin_spring_day(void)
{
	ecpr_tz *tz = zone("Europe/Berlin");
	ecpr_time tm;

	/* 00:00 CET (+01) to the next 00:00 CEST (+02): 23 hours */
	tm = parse_ok("2023-03-26", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_03_26 - HOUR);
	CU_ASSERT_EQUAL(tm.end, UTC_2023_03_26 + DAY - 2 * HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 23 * HOUR);
	CU_ASSERT_EQUAL(tm.offset, 3600);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_DAY);
	check_fmt(&tm, "2023-03-26");
	/* the clocks jump from 02:00 CET (01:00Z) to 03:00 CEST */
	tm = parse_ok("2023-03-26T01:59", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_03_26 + 59 * 60);
	CU_ASSERT_EQUAL(tm.offset, 3600);
	tm = parse_ok("2023-03-26T03:00", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_03_26 + HOUR);
	CU_ASSERT_EQUAL(tm.offset, 7200);
	check_fmt(&tm, "2023-03-26T03:00+02:00");
	parse_bad("2023-03-26T02:30", tz, ECPR_ERULE,
	    "local time \"2023-03-26T02:30\" does not exist in Europe/Berlin "
	    "(the clocks jump from 02:00 to 03:00 on 2023-03-26)");
	parse_bad("2023-03-26T02:00:00", tz, ECPR_ERULE,
	    "local time \"2023-03-26T02:00:00\" does not exist in "
	    "Europe/Berlin (the clocks jump from 02:00 to 03:00 on "
	    "2023-03-26)");
	/* an explicit offset is taken as written, even in a zone */
	tm = parse_ok("2023-03-26T02:30+01:00", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_03_26 + HOUR + 1800);
	CU_ASSERT_EQUAL(tm.offset, 3600);
	ecpr_tz_free(tz);
}

static void
test_berlin_autumn_day(void)
{
	ecpr_tz *tz = zone("Europe/Berlin");
	ecpr_time tm;

	/* 00:00 CEST (+02) to the next 00:00 CET (+01): 25 hours */
	tm = parse_ok("2023-10-29", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_10_29 - 2 * HOUR);
	CU_ASSERT_EQUAL(tm.end, UTC_2023_10_29 + DAY - HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 25 * HOUR);
	CU_ASSERT_EQUAL(tm.offset, 7200);
	/* 03:00 CEST (01:00Z) becomes 02:00 CET: 02:00-03:00 twice */
	parse_bad("2023-10-29T02:30", tz, ECPR_ERULE,
	    "local time \"2023-10-29T02:30\" is ambiguous in Europe/Berlin "
	    "(+02:00 or +01:00): write the offset");
	parse_bad("2023-10-29T02:00", tz, ECPR_ERULE,
	    "local time \"2023-10-29T02:00\" is ambiguous in Europe/Berlin "
	    "(+02:00 or +01:00): write the offset");
	tm = parse_ok("2023-10-29T01:59:59", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_10_29 - HOUR + 59 * 60 + 59);
	CU_ASSERT_EQUAL(tm.offset, 7200);
	tm = parse_ok("2023-10-29T03:00", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_10_29 + 2 * HOUR);
	CU_ASSERT_EQUAL(tm.offset, 3600);
	/* both readings can be written with their offsets */
	tm = parse_ok("2023-10-29T02:30+02:00", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_10_29 + 1800);
	tm = parse_ok("2023-10-29T02:30+01:00", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023_10_29 + HOUR + 1800);
	ecpr_tz_free(tz);
}

static void
test_berlin_months_and_years(void)
{
	ecpr_tz *tz = zone("Europe/Berlin");
	ecpr_time tm;

	/* March 2023: 2023-03-01T00:00+01 to 2023-04-01T00:00+02 */
	tm = parse_ok("2023-03", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 + 59 * DAY - HOUR);
	CU_ASSERT_EQUAL(tm.end, UTC_2023 + 90 * DAY - 2 * HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 31 * DAY - HOUR);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_MONTH);
	check_fmt(&tm, "2023-03");
	/* a leap-year February in winter: 29 whole days */
	tm = parse_ok("2024-02", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2024 + 31 * DAY - HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 29 * DAY);
	/* the year 2023 in Berlin starts an hour before it does in UTC */
	tm = parse_ok("2023", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 - HOUR);
	CU_ASSERT_EQUAL(tm.end, UTC_2024 - HOUR);
	check_fmt(&tm, "2023");
	ecpr_tz_free(tz);
}

static void
test_local_vs_utc_midnight(void)
{
	ecpr_tz *tz = zone("Europe/Berlin");
	ecpr_time tm;

	/* 00:30 on new year's day in Berlin is still 2022 in UTC */
	tm = parse_ok("2023-01-01T00:30", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 - 1800);
	CU_ASSERT_EQUAL(tm.offset, 3600);
	check_fmt(&tm, "2023-01-01T00:30+01:00");
	tm.prec = ECPR_PREC_DAY;
	check_fmt(&tm, "2023-01-01");
	tm.prec = ECPR_PREC_YEAR;
	check_fmt(&tm, "2023");
	/* summer: 08:30 CEST is 06:30Z */
	tm = parse_ok("2021-07-27T08:30", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2021_07_27 + 6 * HOUR + 1800);
	CU_ASSERT_EQUAL(tm.offset, 7200);
	check_fmt(&tm, "2021-07-27T08:30+02:00");
	/* 23:30 on 2023-12-31 in Berlin is 22:30Z, the same UTC date */
	tm = parse_ok("2023-12-31T23:30:00", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2024 - HOUR - 1800);
	check_fmt(&tm, "2023-12-31T23:30:00+01:00");
	ecpr_tz_free(tz);
}

static void
test_new_york_gap(void)
{
	ecpr_tz *tz = zone("America/New_York");
	/* 2023-03-12 is day 70 (Jan 31 + Feb 28 + 11) */
	int64_t mar12 = UTC_2023 + 70 * DAY;
	ecpr_time tm;

	parse_bad("2023-03-12T02:30", tz, ECPR_ERULE,
	    "local time \"2023-03-12T02:30\" does not exist in "
	    "America/New_York (the clocks jump from 02:00 to 03:00 on "
	    "2023-03-12)");
	tm = parse_ok("2023-03-12T01:59", tz);
	CU_ASSERT_EQUAL(tm.t, mar12 + 6 * HOUR + 59 * 60);
	CU_ASSERT_EQUAL(tm.offset, -5 * 3600);
	tm = parse_ok("2023-03-12T03:00", tz);
	CU_ASSERT_EQUAL(tm.t, mar12 + 7 * HOUR);
	CU_ASSERT_EQUAL(tm.offset, -4 * 3600);
	check_fmt(&tm, "2023-03-12T03:00-04:00");
	/* a date in New York: 23:00Z on Dec 31 is still 2022 there */
	tm = parse_ok("2023-01-01", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 + 5 * HOUR);
	tm = ecpr_time_shift(&tm, -6 * HOUR);
	tm.prec = ECPR_PREC_MINUTE;
	check_fmt(&tm, "2022-12-31T18:00-05:00");
	ecpr_tz_free(tz);
}

static void
test_shanghai(void)
{
	ecpr_tz *tz = zone("Asia/Shanghai");
	ecpr_time tm;

	/* +08:00 all year: 08:30 is 00:30Z */
	tm = parse_ok("2021-07-27T08:30", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2021_07_27 + 1800);
	CU_ASSERT_EQUAL(tm.offset, 8 * 3600);
	check_fmt(&tm, "2021-07-27T08:30+08:00");
	tm = parse_ok("2021-07-27", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2021_07_27 - 8 * HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, DAY);
	tm = parse_ok("2023-01-01T07:59", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 - 60);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023), 8 * 3600);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023 + 180 * DAY),
	    8 * 3600);
	ecpr_tz_free(tz);
}

static void
test_lord_howe(void)
{
	ecpr_tz *tz = zone("Australia/Lord_Howe");
	ecpr_time tm;
	/* 2023-10-01 (day 273) and 2023-04-02 (day 91) are Sundays */
	int64_t oct1 = UTC_2023 + 273 * DAY, apr2 = UTC_2023 + 91 * DAY;

	/* +10:30 becomes +11:00 at 02:00 local: 2023-09-30T15:30Z */
	parse_bad("2023-10-01T02:15", tz, ECPR_ERULE,
	    "local time \"2023-10-01T02:15\" does not exist in "
	    "Australia/Lord_Howe (the clocks jump from 02:00 to 02:30 on "
	    "2023-10-01)");
	tm = parse_ok("2023-10-01T02:30", tz);
	/* 02:30 at +11:00 is 15:30Z the day before */
	CU_ASSERT_EQUAL(tm.t, oct1 - 8 * HOUR - 1800);
	CU_ASSERT_EQUAL(tm.offset, 11 * 3600);
	check_fmt(&tm, "2023-10-01T02:30+11:00");
	/* the day is 23.5 hours long */
	tm = parse_ok("2023-10-01", tz);
	CU_ASSERT_EQUAL(tm.t, oct1 - 10 * HOUR - 1800);
	CU_ASSERT_EQUAL(tm.end - tm.t, 23 * HOUR + 1800);
	/* 02:00 +11 becomes 01:30 +10:30: 01:30-02:00 occurs twice */
	parse_bad("2023-04-02T01:45", tz, ECPR_ERULE,
	    "local time \"2023-04-02T01:45\" is ambiguous in "
	    "Australia/Lord_Howe (+11:00 or +10:30): write the offset");
	tm = parse_ok("2023-04-02", tz);
	CU_ASSERT_EQUAL(tm.t, apr2 - 11 * HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 24 * HOUR + 1800);
	ecpr_tz_free(tz);
}

static void
test_footer_rules_2040(void)
{
	ecpr_tz *tz = zone("Europe/Berlin");
	/* 2040-01-01 is 25567 days (70 years, 17 leap); a Sunday */
	int64_t y2040 = 25567 * DAY;
	/* the last Sunday of March 2040 is the 25th (day 84) */
	int64_t mar25 = y2040 + 84 * DAY;
	/* the last Sunday of October 2040 is the 28th (day 301) */
	int64_t oct28 = y2040 + 301 * DAY;
	ecpr_time tm;

	CU_ASSERT_EQUAL(y2040, 2208988800LL);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, mar25 + HOUR - 1), 3600);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, mar25 + HOUR), 7200);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, oct28 + HOUR - 1), 7200);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, oct28 + HOUR), 3600);
	parse_bad("2040-03-25T02:30", tz, ECPR_ERULE,
	    "local time \"2040-03-25T02:30\" does not exist in Europe/Berlin "
	    "(the clocks jump from 02:00 to 03:00 on 2040-03-25)");
	parse_bad("2040-10-28T02:30", tz, ECPR_ERULE,
	    "local time \"2040-10-28T02:30\" is ambiguous in Europe/Berlin "
	    "(+02:00 or +01:00): write the offset");
	tm = parse_ok("2040-03-25", tz);
	CU_ASSERT_EQUAL(tm.t, mar25 - HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 23 * HOUR);
	tm = parse_ok("2040-07-01T12:00", tz);
	CU_ASSERT_EQUAL(tm.offset, 7200);
	/* Dublin's rule has negative DST: IST (+01) is standard time and
	 * GMT the "daylight" time, in winter ("IST-1GMT0,M10.5.0,M3.5.0/1") */
	{
		ecpr_tz *dub = zone("Europe/Dublin");

		CU_ASSERT_EQUAL(ecpr_tz_offset_at(dub, y2040 + 14 * DAY), 0);
		CU_ASSERT_EQUAL(ecpr_tz_offset_at(dub, y2040 + 180 * DAY),
		    3600);
		/* GMT ends at 01:00Z on the last Sunday of March */
		CU_ASSERT_EQUAL(ecpr_tz_offset_at(dub, mar25 + HOUR - 1), 0);
		CU_ASSERT_EQUAL(ecpr_tz_offset_at(dub, mar25 + HOUR), 3600);
		ecpr_tz_free(dub);
	}
	/* far ahead too: 2300-01-01T12:00 is CET */
	tm = parse_ok("2300-01-01T12:00", tz);
	CU_ASSERT_EQUAL(tm.offset, 3600);
	ecpr_tz_free(tz);
}

/*
 * Before standard time a zone's offset is local mean time, with seconds
 * (Berlin +00:53:28 until 1893-04-01): no ISO 8601 value can carry it,
 * so a time of day then is refused (it used to be written back as
 * "+00:53:28", which is not read again: found by tests/fuzz/fuzz_time).
 * A date alone has no offset to write and stays fine.
 */
static void
test_local_mean_time(void)
{
	ecpr_tz *tz = zone("Europe/Berlin");
	ecpr_time tm;

	parse_bad("1021-07-27T08:30", tz, ECPR_ERULE,
	    "local time \"1021-07-27T08:30\" in Europe/Berlin is "
	    "1021-07-27T08:30+00:53:28 (local mean time): a UTC offset with "
	    "seconds cannot be written as +HH:MM; write the offset");
	parse_bad("1893-03-31T23:59:59", tz, ECPR_ERULE,
	    "local time \"1893-03-31T23:59:59\" in Europe/Berlin is "
	    "1893-03-31T23:59:59+00:53:28 (local mean time): a UTC offset "
	    "with seconds cannot be written as +HH:MM; write the offset");
	/* from 1893-04-01 00:06:32 CET: +01:00 */
	tm = parse_ok("1893-04-01T00:07", tz);
	CU_ASSERT_EQUAL(tm.offset, 3600);
	check_fmt(&tm, "1893-04-01T00:07+01:00");
	/* a date: the local day, nothing to write but the date */
	tm = parse_ok("1891-07-27", tz);
	CU_ASSERT_EQUAL(tm.offset, 3208);
	CU_ASSERT_EQUAL(tm.end - tm.t, 86400);
	check_fmt(&tm, "1891-07-27");
	/* the same instant with its offset written is fine */
	tm = parse_ok("1891-07-27T08:30+00:53", tz);
	CU_ASSERT_EQUAL(tm.offset, 3180);
	check_fmt(&tm, "1891-07-27T08:30+00:53");
	ecpr_tz_free(tz);
	tz = zone("Asia/Kolkata");
	parse_bad("1900-07-27T08:30", tz, ECPR_ERULE,
	    "local time \"1900-07-27T08:30\" in Asia/Kolkata is "
	    "1900-07-27T08:30+05:21:10 (local mean time): a UTC offset with "
	    "seconds cannot be written as +HH:MM; write the offset");
	ecpr_tz_free(tz);
}

static void
test_santiago_midnight_gap(void)
{
	ecpr_tz *tz = zone("America/Santiago");
	/* DST starts the first Saturday of September (2023-09-02) at 24:00
	 * (-04), i.e. 2023-09-03T04:00Z; 2023-09-03 is day 245 */
	int64_t sep3 = UTC_2023 + 245 * DAY;
	/* it ends the first Saturday of April (2023-04-01) at 24:00 (-03),
	 * i.e. 2023-04-02T03:00Z; 2023-04-01 is day 90 */
	int64_t apr1 = UTC_2023 + 90 * DAY;
	ecpr_time tm;

	/* local midnight does not exist: the day starts at 01:00 -03 */
	tm = parse_ok("2023-09-03", tz);
	CU_ASSERT_EQUAL(tm.t, sep3 + 4 * HOUR);
	CU_ASSERT_EQUAL(tm.offset, -3 * 3600);
	CU_ASSERT_EQUAL(tm.end, sep3 + DAY + 3 * HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 23 * HOUR);
	check_fmt(&tm, "2023-09-03");
	/* the day before ends where this one starts */
	tm = parse_ok("2023-09-02", tz);
	CU_ASSERT_EQUAL(tm.end, sep3 + 4 * HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, DAY);
	parse_bad("2023-09-03T00:30", tz, ECPR_ERULE,
	    "local time \"2023-09-03T00:30\" does not exist in "
	    "America/Santiago (the clocks jump from 00:00 to 01:00 on "
	    "2023-09-03)");
	/* 23:00-24:00 on 2023-04-01 occurs twice: that day is 25 hours */
	tm = parse_ok("2023-04-01", tz);
	CU_ASSERT_EQUAL(tm.t, apr1 + 3 * HOUR);
	CU_ASSERT_EQUAL(tm.end, apr1 + DAY + 4 * HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 25 * HOUR);
	parse_bad("2023-04-01T23:30", tz, ECPR_ERULE,
	    "local time \"2023-04-01T23:30\" is ambiguous in "
	    "America/Santiago (-03:00 or -04:00): write the offset");
	ecpr_tz_free(tz);
}

static void
test_havana_midnight(void)
{
	ecpr_tz *tz = zone("America/Havana");
	/* DST starts 2023-03-12 (day 70) at 00:00 -05 = 05:00Z */
	int64_t mar12 = UTC_2023 + 70 * DAY;
	/* it ends 2023-11-05 (day 308) at 01:00 -04 = 05:00Z */
	int64_t nov5 = UTC_2023 + 308 * DAY;
	ecpr_time tm;

	tm = parse_ok("2023-03-12", tz);
	CU_ASSERT_EQUAL(tm.t, mar12 + 5 * HOUR);
	CU_ASSERT_EQUAL(tm.offset, -4 * 3600);
	CU_ASSERT_EQUAL(tm.end - tm.t, 23 * HOUR);
	/* midnight occurs twice: the day starts at the earlier one */
	tm = parse_ok("2023-11-05", tz);
	CU_ASSERT_EQUAL(tm.t, nov5 + 4 * HOUR);
	CU_ASSERT_EQUAL(tm.offset, -4 * 3600);
	CU_ASSERT_EQUAL(tm.end, nov5 + DAY + 5 * HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 25 * HOUR);
	ecpr_tz_free(tz);
}

static void
test_utc_zone(void)
{
	ecpr_tz *tz = zone("UTC");
	ecpr_time tm;
	ecpr_error err = ECPR_ERROR_INIT;
	int64_t utc = -1;
	int32_t off = -1;

	tm = parse_ok("2023-01-01T10:00", tz);
	CU_ASSERT_EQUAL(tm.t, UTC_2023 + 10 * HOUR);
	CU_ASSERT_EQUAL(tm.offset, 0);
	check_fmt(&tm, "2023-01-01T10:00Z");
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023), 0);
	CU_ASSERT_EQUAL(ecpr_tz_local_to_utc(tz, UTC_2023, &utc, &off, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(utc, UTC_2023);
	CU_ASSERT_EQUAL(off, 0);
	ecpr_tz_free(tz);
	/* a NULL zone is UTC for offsets; free and name accept NULL */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(NULL, UTC_2023), 0);
	CU_ASSERT_PTR_NULL(ecpr_tz_name(NULL));
	ecpr_tz_free(NULL);
}

static void
test_local_to_utc_api(void)
{
	ecpr_tz *tz = zone("Europe/Berlin");
	ecpr_error err = ECPR_ERROR_INIT;
	int64_t utc = -1;
	int32_t off = -1;

	CU_ASSERT_EQUAL(ecpr_tz_local_to_utc(tz, UTC_2023_03_26 + 2 * HOUR +
				1800, &utc, &off, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "local time \"2023-03-26T02:30\" does not exist in Europe/Berlin "
	    "(the clocks jump from 02:00 to 03:00 on 2023-03-26)");
	CU_ASSERT_EQUAL(ecpr_tz_local_to_utc(tz, UTC_2023_10_29 + 2 * HOUR +
				1805, &utc, &off, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "local time \"2023-10-29T02:30:05\" is ambiguous in "
	    "Europe/Berlin (+02:00 or +01:00): write the offset");
	CU_ASSERT_EQUAL(ecpr_tz_local_to_utc(tz, UTC_2023 + 12 * HOUR, &utc,
			    &off, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(utc, UTC_2023 + 11 * HOUR);
	CU_ASSERT_EQUAL(off, 3600);
	/* offsets around the spring transition at 01:00Z */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023_03_26 + HOUR - 1),
	    3600);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023_03_26 + HOUR), 7200);
	/* history: Berlin kept +01:00 (no DST) in 1970 */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, 180 * DAY), 3600);
	ecpr_tz_free(tz);
}

/* ---- zone files written by the tests ---------------------------------- */

struct tzif {
	int version; /* 0, '2' or '3' */
	int ntrans;
	const int64_t *trans;
	const unsigned char *idx;
	int ntypes;
	const int32_t *utoff;
	const char *footer; /* NULL: none written (version 0) */
	uint32_t leapcnt;
};

static size_t
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

static size_t
put_block(unsigned char *p, const struct tzif *z, int tsize)
{
	size_t n = 0;
	int i;
	uint32_t k;

	memcpy(p, "TZif", 4);
	p[4] = (unsigned char)z->version;
	memset(p + 5, 0, 15);
	n = 20;
	n += put32(p + n, 0);		      /* isutcnt */
	n += put32(p + n, 0);		      /* isstdcnt */
	n += put32(p + n, z->leapcnt);	      /* leapcnt */
	n += put32(p + n, (uint32_t)z->ntrans); /* timecnt */
	n += put32(p + n, (uint32_t)z->ntypes); /* typecnt */
	n += put32(p + n, 4);		      /* charcnt */
	for (i = 0; i < z->ntrans; i++) {
		if (tsize == 8)
			n += put32(p + n, (uint32_t)((uint64_t)z->trans[i] >> 32));
		n += put32(p + n, (uint32_t)z->trans[i]);
	}
	for (i = 0; i < z->ntrans; i++)
		p[n++] = z->idx[i];
	for (i = 0; i < z->ntypes; i++) {
		n += put32(p + n, (uint32_t)z->utoff[i]);
		p[n++] = 0;
		p[n++] = 0;
	}
	memcpy(p + n, "ABC", 4);
	n += 4;
	for (k = 0; k < z->leapcnt; k++) {
		if (tsize == 8)
			n += put32(p + n, 0);
		n += put32(p + n, 78796800 + k);
		n += put32(p + n, k + 1);
	}
	return n;
}

/* Write z as dir/name (name may hold one directory). */
static void
write_tzif(const char *dir, const char *name, const struct tzif *z)
{
	unsigned char buf[4096];
	char path[1024];
	size_t n;
	FILE *fp;

	n = put_block(buf, z, 4);
	if (z->version != 0) {
		n += put_block(buf + n, z, 8);
		n += (size_t)snprintf((char *)buf + n, sizeof(buf) - n,
		    "\n%s\n", z->footer);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fwrite(buf, 1, n, fp), n);
	fclose(fp);
}

static void
write_bytes(const char *dir, const char *name, const void *data, size_t n)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static char *tmp_tzdir;
static char *saved_tzdir;

static int
zonefile_setup(void)
{
	const char *old = getenv("TZDIR");
	char sub[1024];

	saved_tzdir = old != NULL ? strdup(old) : NULL;
	tmp_tzdir = cu_tmpdir();
	snprintf(sub, sizeof(sub), "%s/Test", tmp_tzdir);
	if (mkdir(sub, 0700) != 0)
		return 1;
	return setenv("TZDIR", tmp_tzdir, 1) != 0;
}

static int
zonefile_teardown(void)
{
	if (saved_tzdir != NULL)
		setenv("TZDIR", saved_tzdir, 1);
	else
		unsetenv("TZDIR");
	free(saved_tzdir);
	cu_rmtree(tmp_tzdir);
	free(tmp_tzdir);
	return 0;
}

static void
load_bad(const char *name, int code, const char *msg)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tz *tz = (ecpr_tz *)&err;

	CU_ASSERT_EQUAL(ecpr_tz_load(&tz, name, &err), code);
	CU_ASSERT_PTR_NULL(tz);
	CU_ASSERT_EQUAL(err.code, code);
	if (strcmp(err.message, msg) != 0)
		fprintf(stderr, "\n  zone \"%s\":\n  got  %s\n  want %s\n",
		    name, err.message, msg);
	CU_ASSERT_STRING_EQUAL(err.message, msg);
}

static void
load_broken(const char *name, const char *why)
{
	char msg[512], file[1024];
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tz *tz = NULL;

	snprintf(msg, sizeof(msg),
	    "time zone \"%s\" is not a valid TZif file (%s)", name, why);
	load_bad(name, ECPR_EPARSE, msg);
	snprintf(file, sizeof(file), "%s/%s", tmp_tzdir, name);
	ecpr_tz_load(&tz, name, &err);
	CU_ASSERT_STRING_EQUAL(err.file, file);
}

static void
test_zone_names(void)
{
	load_bad("Mars/Base", ECPR_ENOTFOUND,
	    "unknown time zone \"Mars/Base\"");
	load_bad("Test", ECPR_ENOTFOUND, "unknown time zone \"Test\"");
	load_bad("Europe/Berlin ", ECPR_ENOTFOUND,
	    "unknown time zone \"Europe/Berlin \"");
	load_bad("../x", ECPR_EINVAL,
	    "time zone \"../x\" is not a valid name (no empty, \".\" or "
	    "\"..\" parts)");
	load_bad("Europe/../../etc/passwd", ECPR_EINVAL,
	    "time zone \"Europe/../../etc/passwd\" is not a valid name (no "
	    "empty, \".\" or \"..\" parts)");
	load_bad("Europe//Berlin", ECPR_EINVAL,
	    "time zone \"Europe//Berlin\" is not a valid name (no empty, "
	    "\".\" or \"..\" parts)");
	load_bad("Europe/", ECPR_EINVAL,
	    "time zone \"Europe/\" is not a valid name (no empty, \".\" or "
	    "\"..\" parts)");
	load_bad("/etc/localtime", ECPR_EINVAL,
	    "time zone \"/etc/localtime\" is a path: give a name such as "
	    "Europe/Berlin");
	load_bad("", ECPR_EINVAL, "no time zone name given");
	load_bad(NULL, ECPR_EINVAL, "no time zone name given");
}

static void
test_utc_without_zoneinfo(void)
{
	ecpr_tz *tz = zone("UTC");

	/* the temporary TZDIR has no UTC file: the built-in one is used */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023), 0);
	ecpr_tz_free(tz);
}

static void
test_broken_files(void)
{
	static const int64_t up[] = { 100, 50 };
	static const unsigned char idx0[] = { 0, 0 };
	static const unsigned char idx9[] = { 9 };
	static const int32_t offs[] = { 3600 };
	static const int32_t far[] = { 100000 };
	struct tzif z = { '2', 0, NULL, NULL, 1, offs, "CET-1", 0 };
	char *berlin, path[1024];
	size_t len;

	write_bytes(tmp_tzdir, "Test/Empty", "", 0);
	load_broken("Test/Empty", "the file is too short for a TZif header");
	write_bytes(tmp_tzdir, "Test/Garbage", "hello world, this is not a "
	    "time zone at all, honestly, not at all.\n", 68);
	load_broken("Test/Garbage", "it does not start with \"TZif\"");
	/* a real zone cut short, and one without its final newline */
	snprintf(path, sizeof(path), "%s/Europe/Berlin",
	    saved_tzdir != NULL && *saved_tzdir != '\0' ? saved_tzdir :
							  "/usr/share/zoneinfo");
	berlin = cu_read_file(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(berlin);
	write_bytes(tmp_tzdir, "Test/Short", berlin, 100);
	load_broken("Test/Short", "the file is truncated");
	write_bytes(tmp_tzdir, "Test/Short2", berlin, len - 300);
	load_broken("Test/Short2", "the file is truncated");
	write_bytes(tmp_tzdir, "Test/NoEnd", berlin, len - 1);
	load_broken("Test/NoEnd", "the TZ string footer is not terminated");
	free(berlin);
	/* hand-made files, each wrong in one way */
	z.version = '7';
	write_tzif(tmp_tzdir, "Test/Version", &z);
	load_broken("Test/Version", "unknown TZif version");
	z.version = '2';
	z.ntypes = 0;
	write_tzif(tmp_tzdir, "Test/NoTypes", &z);
	load_broken("Test/NoTypes", "bad number of local time types");
	z.ntypes = 1;
	z.ntrans = 2;
	z.trans = up;
	z.idx = idx0;
	write_tzif(tmp_tzdir, "Test/Order", &z);
	load_broken("Test/Order",
	    "transition times are not in ascending order");
	z.ntrans = 1;
	z.idx = idx9;
	write_tzif(tmp_tzdir, "Test/Index", &z);
	load_broken("Test/Index", "a transition refers to a missing type");
	z.ntrans = 0;
	z.utoff = far;
	write_tzif(tmp_tzdir, "Test/Far", &z);
	load_broken("Test/Far", "a UTC offset is out of range");
	z.utoff = offs;
	z.footer = "CE";
	write_tzif(tmp_tzdir, "Test/Footer", &z);
	load_broken("Test/Footer", "the TZ string footer is malformed");
	z.footer = "CET-1CEST,M3.5.0,M13.5.0/3";
	write_tzif(tmp_tzdir, "Test/Footer2", &z);
	load_broken("Test/Footer2", "the TZ string footer is malformed");
	z.footer = "CET-1CEST,M3.5.0";
	write_tzif(tmp_tzdir, "Test/Footer3", &z);
	load_broken("Test/Footer3", "the TZ string footer is malformed");
	z.footer = "CET-25";
	write_tzif(tmp_tzdir, "Test/Footer4", &z);
	load_broken("Test/Footer4", "the TZ string footer is malformed");
	z.footer = "CET-1";
	z.leapcnt = 2;
	write_tzif(tmp_tzdir, "Test/Leap", &z);
	load_broken("Test/Leap",
	    "leap-second zones (right/...) are not supported");
}

static void
test_footer_only_zone(void)
{
	/* like America/Nuuk from 2024: -02, DST -01 from the last Sunday
	 * of March at -01:00 to the last Sunday of October at 00:00 */
	static const int32_t offs[] = { -7200 };
	struct tzif z = { '3', 0, NULL, NULL, 1, offs,
		"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 0 };
	/* 2024-03-31 (day 90) and 2024-10-27 (day 300) are Sundays */
	int64_t mar31 = UTC_2024 + 90 * DAY, oct27 = UTC_2024 + 300 * DAY;
	ecpr_tz *tz;
	ecpr_time tm;

	write_tzif(tmp_tzdir, "Test/Nuuk", &z);
	tz = zone("Test/Nuuk");
	/* 2024-03-30T23:00 -02 is 01:00Z: the clocks go to 00:00 -01 */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, mar31 + HOUR - 1), -7200);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, mar31 + HOUR), -3600);
	parse_bad("2024-03-30T23:30", tz, ECPR_ERULE,
	    "local time \"2024-03-30T23:30\" does not exist in Test/Nuuk "
	    "(the clocks jump from 2024-03-30 23:00 to 2024-03-31 00:00)");
	tm = parse_ok("2024-03-30", tz);
	CU_ASSERT_EQUAL(tm.t, mar31 - DAY + 2 * HOUR);
	CU_ASSERT_EQUAL(tm.end, mar31 + HOUR);
	CU_ASSERT_EQUAL(tm.end - tm.t, 23 * HOUR);
	/* 2024-10-27T00:00 -01 is 01:00Z: back to 2024-10-26T23:00 -02 */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, oct27 + HOUR - 1), -3600);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, oct27 + HOUR), -7200);
	parse_bad("2024-10-26T23:30", tz, ECPR_ERULE,
	    "local time \"2024-10-26T23:30\" is ambiguous in Test/Nuuk "
	    "(-01:00 or -02:00): write the offset");
	tm = parse_ok("2024-10-26", tz);
	CU_ASSERT_EQUAL(tm.end - tm.t, 25 * HOUR);
	ecpr_tz_free(tz);
}

static void
test_julian_rules(void)
{
	/* +03, DST +04 (default: one hour more) from J60 (March 1, Feb 29
	 * never counted) at 01:00 to zero-based day 300 at 02:00 */
	static const int32_t offs[] = { 10800 };
	struct tzif z = { '2', 0, NULL, NULL, 1, offs, "AAA-3BBB,J60/1,300/2",
		0 };
	ecpr_tz *tz;

	write_tzif(tmp_tzdir, "Test/Julian", &z);
	tz = zone("Test/Julian");
	/* 2024: March 1 is day 60, 01:00 +03 is Feb 29 22:00Z */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2024 + 59 * DAY + 22 * HOUR
				- 1),
	    10800);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2024 + 59 * DAY +
				22 * HOUR),
	    14400);
	/* 2023: March 1 is day 59, 01:00 +03 is Feb 28 22:00Z */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023 + 58 * DAY + 22 * HOUR
				- 1),
	    10800);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023 + 58 * DAY +
				22 * HOUR),
	    14400);
	/* 2024: day 300 is Oct 27; 02:00 +04 is Oct 26 22:00Z */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2024 + 299 * DAY +
				22 * HOUR - 1),
	    14400);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2024 + 299 * DAY +
				22 * HOUR),
	    10800);
	/* 2023: day 300 is Oct 28 (Jan 1 + 300 days); 02:00 +04 is
	 * Oct 27 22:00Z */
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023 + 299 * DAY +
				22 * HOUR),
	    10800);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023 + 299 * DAY +
				22 * HOUR - 1),
	    14400);
	ecpr_tz_free(tz);
}

static void
test_transitions_then_footer(void)
{
	/* +01 until 2023-01-01T00:00Z, then +02 for ever ("XYZ-2") */
	static const int64_t trans[] = { UTC_2023 };
	static const unsigned char idx[] = { 1 };
	static const int32_t offs[] = { 3600, 7200 };
	struct tzif z = { '2', 1, trans, idx, 2, offs, "XYZ-2", 0 };
	ecpr_tz *tz;

	write_tzif(tmp_tzdir, "Test/Mixed", &z);
	tz = zone("Test/Mixed");
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023 - 1), 3600);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023), 7200);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2024 * 2), 7200);
	parse_bad("2023-01-01T01:30", tz, ECPR_ERULE,
	    "local time \"2023-01-01T01:30\" does not exist in Test/Mixed "
	    "(the clocks jump from 01:00 to 02:00 on 2023-01-01)");
	ecpr_tz_free(tz);
	/* the same as a version 1 file: no footer, 32-bit times */
	z.version = 0;
	write_tzif(tmp_tzdir, "Test/Old", &z);
	tz = zone("Test/Old");
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023 - 1), 3600);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2023 + DAY), 7200);
	ecpr_tz_free(tz);
	/* an empty footer: the last type holds for ever */
	z.version = '2';
	z.footer = "";
	write_tzif(tmp_tzdir, "Test/NoRule", &z);
	tz = zone("Test/NoRule");
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, UTC_2024 * 2), 7200);
	ecpr_tz_free(tz);
}

/* ---- robustness ------------------------------------------------------- */

static void
test_every_prefix_and_mutation(void)
{
	static const char *const values[] = { "2021-07-27T08:30:05+08:00",
		"2021-07-27T08:30Z", NULL };
	/* what each prefix length of the first value is, by hand:
	 * 4 YYYY, 7 YYYY-MM, 10 YYYY-MM-DD, 16 minutes (local), 19 seconds
	 * (local), 25 with the offset; everything else is malformed */
	static const char mutants[] = "0123456789-:+TZtz ./,\x7f\xc3";
	ecpr_tz *tz = zone("Europe/Berlin");
	char buf[64];
	size_t len, i, j;
	int v;

	len = strlen(values[0]);
	for (i = 0; i <= len; i++) {
		ecpr_error err = ECPR_ERROR_INIT;
		ecpr_time tm;
		int rc;

		memcpy(buf, values[0], i);
		buf[i] = '\0';
		rc = ecpr_time_parse(&tm, buf, tz, &err);
		if (i == 4 || i == 7 || i == 10 || i == 16 || i == 19 ||
		    i == 25) {
			CU_ASSERT_EQUAL(rc, ECPR_OK);
		} else {
			CU_ASSERT_EQUAL(rc, ECPR_EPARSE);
		}
	}
	/* every single-character change parses or fails cleanly, and what
	 * parses prints back as a valid value */
	for (v = 0; values[v] != NULL; v++) {
		len = strlen(values[v]);
		for (i = 0; i < len; i++) {
			for (j = 0; j < sizeof(mutants) - 1; j++) {
				ecpr_error err = ECPR_ERROR_INIT;
				ecpr_time tm, again;
				char out[64];
				int rc;

				memcpy(buf, values[v], len + 1);
				buf[i] = mutants[j];
				rc = ecpr_time_parse(&tm, buf, tz, &err);
				CU_ASSERT(rc == ECPR_OK || rc == ECPR_EPARSE ||
				    rc == ECPR_ERULE);
				if (rc != ECPR_OK)
					continue;
				ecpr_time_format(&tm, out, sizeof(out));
				CU_ASSERT_EQUAL(ecpr_time_parse(&again, out,
						    tz, &err),
				    ECPR_OK);
				CU_ASSERT_EQUAL(again.t, tm.t);
			}
		}
	}
	ecpr_tz_free(tz);
}

static void
test_extreme_instants(void)
{
	ecpr_tz *tz = zone("Europe/Berlin");
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_time tm = parse_ok("2023-01-01T00:00Z", NULL), s;
	int64_t utc;
	int32_t off;
	char buf[64];

	/* offsets far away still follow the rules: CET or CEST */
	off = ecpr_tz_offset_at(tz, INT64_MAX);
	CU_ASSERT(off == 3600 || off == 7200);
	CU_ASSERT_EQUAL(ecpr_tz_offset_at(tz, INT64_MIN),
	    ecpr_tz_offset_at(tz, INT64_MIN + 1));
	CU_ASSERT_EQUAL(ecpr_tz_local_to_utc(tz, INT64_MAX, &utc, &off,
			    &err),
	    ECPR_EINVAL);
	/* shifting saturates; a value beyond any calendar prints as "" */
	s = ecpr_time_shift(&tm, INT64_MAX);
	CU_ASSERT(s.t > tm.t);
	s = ecpr_time_shift(&s, INT64_MAX);
	CU_ASSERT(s.t > tm.t);
	CU_ASSERT_EQUAL(ecpr_time_format(&s, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	ecpr_tz_free(tz);
}

static void
test_every_truncation_and_flip(void)
{
	char path[1024], *berlin;
	size_t len, n;
	int bad = 0;

	snprintf(path, sizeof(path), "%s/Europe/Berlin",
	    saved_tzdir != NULL && *saved_tzdir != '\0' ? saved_tzdir :
							  "/usr/share/zoneinfo");
	berlin = cu_read_file(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(berlin);
	/* every shorter file is refused as a parse error: all cuts in the
	 * headers and the first transitions, then every 13th byte */
	for (n = 0; n < len; n += n < 160 ? 1 : 13) {
		ecpr_error err = ECPR_ERROR_INIT;
		ecpr_tz *tz = NULL;

		write_bytes(tmp_tzdir, "Test/Cut", berlin, n);
		if (ecpr_tz_load(&tz, "Test/Cut", &err) != ECPR_EPARSE)
			bad++;
		CU_ASSERT_PTR_NULL(tz);
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* bytes inverted (all in the headers, then every 5th): loaded or
	 * refused, never a crash */
	for (n = 0; n < len; n += n < 160 ? 1 : 5) {
		ecpr_error err = ECPR_ERROR_INIT;
		ecpr_tz *tz = NULL;
		ecpr_time tm;
		int rc;

		berlin[n] = (char)~berlin[n];
		write_bytes(tmp_tzdir, "Test/Flip", berlin, len);
		berlin[n] = (char)~berlin[n];
		rc = ecpr_tz_load(&tz, "Test/Flip", &err);
		CU_ASSERT(rc == ECPR_OK || rc == ECPR_EPARSE);
		if (rc != ECPR_OK)
			continue;
		(void)ecpr_tz_offset_at(tz, UTC_2023);
		(void)ecpr_time_parse(&tm, "2023-03-26T02:30", tz, &err);
		(void)ecpr_time_parse(&tm, "2040-10-28", tz, &err);
		ecpr_tz_free(tz);
	}
	free(berlin);
}

/*
 * ecpr__time_parse_n reads the value by its length: each common form and
 * each of its prefixes, alone in a buffer of its size (AddressSanitizer
 * sees a read past it), gives what ecpr_time_parse gives.
 */
static void
test_parse_by_length(void)
{
	static const char *const forms[] = { "2021-07-27T08:30Z",
		"2021-07-27T08:30:05Z", "2021-07-27T08:30+05:30",
		"2021-07-27T08:30:05-03:00" };
	static const int64_t want[] = { 1627374600, 1627374605,
		1627374600 - 19800, 1627374605 + 10800 };
	size_t f, i, len;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		len = strlen(forms[f]);
		for (i = 0; i <= len; i++) {
			ecpr_error e1 = ECPR_ERROR_INIT, e2 = ECPR_ERROR_INIT;
			ecpr_time a, b;
			char *buf = malloc(i + 1);
			int ra, rb;

			CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
			memcpy(buf, forms[f], i);
			buf[i] = '\0';
			ra = ecpr__time_parse_n(&a, buf, i, NULL, &e1);
			rb = ecpr_time_parse(&b, buf, NULL, &e2);
			CU_ASSERT_EQUAL(ra, rb);
			CU_ASSERT_STRING_EQUAL(e1.message, e2.message);
			CU_ASSERT(a.t == b.t && a.end == b.end &&
			    a.offset == b.offset && a.prec == b.prec);
			if (i == len) {
				CU_ASSERT_EQUAL(ra, ECPR_OK);
				CU_ASSERT_EQUAL(a.t, want[f]);
				CU_ASSERT_EQUAL(a.end, want[f] +
				    (forms[f][16] == ':' ? 1 : 60));
			}
			free(buf);
		}
	}
}

/*
 * The first 16 bytes of the common form are checked as two words: every
 * byte value at every place is taken only where the form has it (a
 * digit, or that separator), and the year's digits give their year.
 */
static void
test_common_form_every_byte(void)
{
	static const char base[] = "2021-07-27T08:30Z";
	char buf[sizeof(base)];
	size_t i;
	int c;

	for (i = 0; i < 16; i++) {
		int digit = base[i] >= '0' && base[i] <= '9';

		for (c = 1; c < 256; c++) {
			ecpr_error err = ECPR_ERROR_INIT;
			ecpr_time tm;
			int rc, ok = digit ? c >= '0' && c <= '9' :
			    c == base[i];

			memcpy(buf, base, sizeof(base));
			buf[i] = (char)c;
			rc = ecpr__time_parse_n(&tm, buf, 17, NULL, &err);
			if (!ok) {
				CU_ASSERT_NOT_EQUAL(rc, ECPR_OK);
			} else if (i < 4 && (i < 3 || c != '0' ||
			    memcmp(buf, "000", 3) != 0)) {
				int64_t y = 2021 + (c - base[i]) *
				    (i == 0 ? 1000 : i == 1 ? 100 : i == 2 ?
				    10 : 1);

				CU_ASSERT_EQUAL(rc, ECPR_OK);
				CU_ASSERT_EQUAL(tm.t, ecpr__days_from_civil(y,
				    7, 27) * 86400 + 8 * 3600 + 30 * 60);
			}
		}
	}
}

/*
 * text parsed by ecpr__time_parse_n (alone in a buffer of its size, so
 * that AddressSanitizer sees a read past it) and by the general reader:
 * the same code, message and value.  Returns the code.
 */
static int
same_as_general(const char *text)
{
	ecpr_error e1 = ECPR_ERROR_INIT, e2 = ECPR_ERROR_INIT;
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	ecpr_time a, b;
	int ra, rb;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memcpy(buf, text, len + 1);
	ra = ecpr__time_parse_n(&a, buf, len, NULL, &e1);
	rb = ecpr__time_parse_general(&b, buf, NULL, &e2);
	free(buf);
	if (ra != rb || e1.code != e2.code ||
	    strcmp(e1.message, e2.message) != 0 || a.t != b.t ||
	    a.end != b.end || a.offset != b.offset || a.prec != b.prec) {
		fprintf(stderr, "\n  \"%s\": %d %lld %lld %d %d \"%s\"\n"
		    "  general: %d %lld %lld %d %d \"%s\"\n", text, ra,
		    (long long)a.t, (long long)a.end, (int)a.offset,
		    (int)a.prec, e1.message, rb, (long long)b.t,
		    (long long)b.end, (int)b.offset, (int)b.prec, e2.message);
		CU_FAIL("the common form's reader differs from the general one");
	}
	return ra;
}

/*
 * The common form's one-go reader against the general reader at the
 * calendar's edges: years 0000 to 9999 around every leap rule, months
 * 00 to 13, days 00 to 32 (29 of February in leap and common years),
 * hours, minutes and seconds at and past their ends, offsets from Z to
 * +18:00 and past: each value gives the general reader's result and
 * message.  And some exact instants, worked out aside (Python's
 * datetime).
 */
static void
test_common_form_edges(void)
{
	static const char *const years[] = { "0000", "0001", "0002", "0003",
		"0004", "0099", "0100", "0399", "0400", "1582", "1899",
		"1900", "1969", "1970", "2000", "2023", "2024", "2100",
		"2400", "9998", "9999" };
	static const char *const days[] = { "00", "01", "09", "10", "28",
		"29", "30", "31", "32" };
	static const char *const hm[] = { "00:00", "09:59", "23:59", "24:00",
		"23:60", "19:09" };
	static const char *const secs[] = { "", ":00", ":59", ":60", ":5" };
	static const char *const offs[] = { "Z", "+00:00", "-00:00",
		"+14:00", "-12:00", "+18:00", "-18:00", "+18:01", "-17:59",
		"+05:60", "+09:30", "-03:45", "+99:99", "z", "+0530", "" };
	char text[64];
	size_t y, d, h, s, o;
	int m, ok = 0;
	ecpr_time tm;

	for (y = 0; y < sizeof(years) / sizeof(years[0]); y++)
		for (m = 0; m <= 13; m++)
			for (d = 0; d < sizeof(days) / sizeof(days[0]); d++)
				for (h = 0; h < sizeof(hm) / sizeof(hm[0]); h++)
					for (s = 0; s < sizeof(secs) /
					    sizeof(secs[0]); s++)
						for (o = 0; o < sizeof(offs) /
						    sizeof(offs[0]); o++) {
							snprintf(text,
							    sizeof(text),
							    "%s-%02d-%sT%s%s%s",
							    years[y], m,
							    days[d], hm[h],
							    secs[s], offs[o]);
							ok += same_as_general(
							    text) == ECPR_OK;
						}
	/* 21 years with 10 and 11 valid minutes of 4 and 5 valid offsets */
	CU_ASSERT(ok > 100000);
	tm = parse_ok("0001-01-01T00:00Z", NULL);
	CU_ASSERT_EQUAL(tm.t, -62135596800LL);
	CU_ASSERT_EQUAL(tm.end, -62135596800LL + 60);
	tm = parse_ok("9999-12-31T23:59:59+14:00", NULL);
	CU_ASSERT_EQUAL(tm.t, 253402250399LL);
	CU_ASSERT_EQUAL(tm.end, 253402250400LL);
	CU_ASSERT_EQUAL(tm.offset, 14 * 3600);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_SECOND);
	tm = parse_ok("2000-02-29T12:00-12:00", NULL);
	CU_ASSERT_EQUAL(tm.t, 951868800LL);
	CU_ASSERT_EQUAL(tm.offset, -12 * 3600);
	CU_ASSERT_EQUAL(tm.prec, ECPR_PREC_MINUTE);
	tm = parse_ok("1900-03-01T00:00-18:00", NULL);
	CU_ASSERT_EQUAL(tm.t, -2203826400LL);
	parse_bad("1900-02-29T00:00Z", NULL, ECPR_EPARSE,
	    "\"1900-02-29T00:00Z\" is not a valid date (1900-02 has 28 days)");
	parse_bad("2023-01-01T10:00-05:30:00", NULL, ECPR_EPARSE,
	    NOT_ISO("2023-01-01T10:00-05:30:00"));
}

/*
 * Each form of the common shape with every byte value (1 to 255) at
 * every place: the one-go reader takes exactly what the general reader
 * takes, and refuses the rest with its message.
 */
static void
test_common_form_each_byte_as_general(void)
{
	static const char *const forms[] = { "2024-02-29T23:59Z",
		"2024-02-29T23:59:59Z", "2024-02-29T23:59-12:00",
		"2024-02-29T23:59:59+14:00" };
	char buf[32];
	size_t f, i, len;
	int c;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		len = strlen(forms[f]);
		for (i = 0; i < len; i++)
			for (c = 1; c < 256; c++) {
				memcpy(buf, forms[f], len + 1);
				buf[i] = (char)c;
				(void)same_as_general(buf);
			}
		CU_ASSERT_EQUAL(same_as_general(forms[f]), ECPR_OK);
	}
}

static CU_TestInfo parse_tests[] = {
	{ "minute with offset", test_minute_with_offset },
	{ "second with Z", test_second_with_z },
	{ "odd offsets", test_odd_offsets },
	{ "the common form and near misses",
	    test_common_form_and_near_misses },
	{ "the common form read by its length", test_parse_by_length },
	{ "the common form, every byte at every place",
	    test_common_form_every_byte },
	{ "the common form at the calendar's edges, as the general reader",
	    test_common_form_edges },
	{ "the common form, each byte as the general reader",
	    test_common_form_each_byte_as_general },
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

static CU_TestInfo zone_tests[] = {
	{ "Berlin spring day", test_berlin_spring_day },
	{ "Berlin autumn day", test_berlin_autumn_day },
	{ "Berlin months and years", test_berlin_months_and_years },
	{ "local vs UTC midnight", test_local_vs_utc_midnight },
	{ "New York gap", test_new_york_gap },
	{ "Shanghai", test_shanghai },
	{ "Lord Howe half-hour DST", test_lord_howe },
	{ "footer rules in 2040", test_footer_rules_2040 },
	{ "Santiago midnight gap", test_santiago_midnight_gap },
	{ "local mean time refused", test_local_mean_time },
	{ "Havana midnight", test_havana_midnight },
	{ "UTC zone", test_utc_zone },
	{ "local to UTC API", test_local_to_utc_api },
	{ "every prefix and mutation", test_every_prefix_and_mutation },
	{ "extreme instants", test_extreme_instants },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo zonefile_tests[] = {
	{ "zone names", test_zone_names },
	{ "UTC without zoneinfo", test_utc_without_zoneinfo },
	{ "broken files", test_broken_files },
	{ "footer-only zone", test_footer_only_zone },
	{ "Julian-day rules", test_julian_rules },
	{ "transitions then footer", test_transitions_then_footer },
	{ "every truncation and flip", test_every_truncation_and_flip },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "time parse", NULL, NULL, NULL, NULL, parse_tests },
	{ "time format", NULL, NULL, NULL, NULL, format_tests },
	{ "duration", NULL, NULL, NULL, NULL, duration_tests },
	{ "time zones", NULL, NULL, NULL, NULL, zone_tests },
	{ "zone files", zonefile_setup, zonefile_teardown, NULL, NULL,
	    zonefile_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
