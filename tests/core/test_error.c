/* test_error.c - status codes, error formatting, date helpers */
#include "config.h"

#include <string.h>

#include "cu_main.h"
#include "internal.h"

static void
test_format_with_file_and_line(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[256];
	size_t n;

	CU_ASSERT_EQUAL(ecpr__error_set(&err, ECPR_EPARSE, "a.csv", 42,
			    "field \"%s\": bad", "sex"),
	    ECPR_EPARSE);
	n = ecpr_error_format(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "a.csv:42: field \"sex\": bad");
	CU_ASSERT_EQUAL(n, strlen("a.csv:42: field \"sex\": bad"));
}

static void
test_format_without_line_or_file(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[64];

	ecpr__error_set(&err, ECPR_EIO, "x.csv", 0, "cannot open");
	ecpr_error_format(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "x.csv: cannot open");
	ecpr__error_set(&err, ECPR_EIO, NULL, 0, "plain");
	ecpr_error_format(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "plain");
}

static void
test_format_truncates_safely(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[8];
	size_t n;

	ecpr__error_set(&err, ECPR_EIO, "file.csv", 7, "long message");
	n = ecpr_error_format(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "file.cs");
	CU_ASSERT_EQUAL(n, strlen("file.csv:7: long message"));
}

static void
test_prefix_and_locate(void)
{
	ecpr_error err = ECPR_ERROR_INIT;

	ecpr__error_set(&err, ECPR_EPARSE, NULL, 0, "\"x\" is not a date");
	ecpr__error_prefix(&err, "field \"%s\": ", "ca_onset");
	ecpr__error_locate(&err, "f.csv", 3);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "field \"ca_onset\": \"x\" is not a date");
	CU_ASSERT_STRING_EQUAL(err.file, "f.csv");
	CU_ASSERT_EQUAL(err.line, 3);
	ecpr__error_locate(&err, "g.csv", 9);
	CU_ASSERT_STRING_EQUAL(err.file, "f.csv");
	CU_ASSERT_EQUAL(err.line, 3);
}

static void
test_null_error_is_accepted(void)
{
	CU_ASSERT_EQUAL(ecpr__error_set(NULL, ECPR_ENOMEM, NULL, 0, "x"),
	    ECPR_ENOMEM);
	ecpr_error_clear(NULL);
	CU_ASSERT_EQUAL(ecpr_error_format(NULL, NULL, 0), 0);
}

static void
test_strerror_names_every_code(void)
{
	CU_ASSERT_STRING_EQUAL(ecpr_strerror(ECPR_EPARSE), "malformed input");
	CU_ASSERT_STRING_EQUAL(ecpr_strerror(ECPR_ERULE), "inconsistent data");
	CU_ASSERT_STRING_EQUAL(ecpr_strerror(12345), "unknown error");
}

static void
test_round_half_away_from_zero(void)
{
	CU_ASSERT_EQUAL(ecpr__div_round(15, 10), 2);
	CU_ASSERT_EQUAL(ecpr__div_round(14, 10), 1);
	CU_ASSERT_EQUAL(ecpr__div_round(-15, 10), -2);
	CU_ASSERT_EQUAL(ecpr__div_round(-14, 10), -1);
	CU_ASSERT_EQUAL(ecpr__div_round(0, 7), 0);
}

static void
test_name_lookup(void)
{
	static const char *const names[] = { "csv", "text", "c" };
	static const struct {
		const char *name;
		int index;
	} cases[] = {
		{ "csv", 0 }, { "text", 1 }, { "c", 2 }, { "cs", -1 },
		{ "CSV", -1 }, { "", -1 }, { NULL, -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(ecpr__name_lookup(cases[i].name, names, 3),
		    cases[i].index);
	CU_ASSERT_EQUAL(ecpr__name_lookup("csv", names, 0), -1);
}

static void
test_civil_dates_round_trip(void)
{
	int64_t y;
	int m, d;

	CU_ASSERT_EQUAL(ecpr__days_from_civil(1970, 1, 1), 0);
	CU_ASSERT_EQUAL(ecpr__days_from_civil(2000, 3, 1), 11017);
	CU_ASSERT_EQUAL(ecpr__days_from_civil(1969, 12, 31), -1);
	ecpr__civil_from_days(ecpr__days_from_civil(2024, 2, 29), &y, &m, &d);
	CU_ASSERT_EQUAL(y, 2024);
	CU_ASSERT_EQUAL(m, 2);
	CU_ASSERT_EQUAL(d, 29);
	CU_ASSERT_EQUAL(ecpr__days_in_month(2024, 2), 29);
	CU_ASSERT_EQUAL(ecpr__days_in_month(2023, 2), 28);
	CU_ASSERT_EQUAL(ecpr__days_in_month(1900, 2), 28);
	CU_ASSERT_EQUAL(ecpr__days_in_month(2000, 2), 29);
	CU_ASSERT_EQUAL(ecpr__days_in_month(2023, 13), 0);
}

/* Another wing that cannot be found: ENOTFOUND naming the library. */
static void
test_wing_not_found(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char name[200];

	CU_ASSERT_PTR_NULL(ecpr__wing_symbol("nosuch", "ecpr_nosuch", &err));
	CU_ASSERT_EQUAL(err.code, ECPR_ENOTFOUND);
	CU_ASSERT_EQUAL(strncmp(err.message,
	    "libecpr-nosuch.so." ECPR_SO_MAJOR " cannot be loaded: ",
	    strlen("libecpr-nosuch.so." ECPR_SO_MAJOR " cannot be loaded: ")),
	    0);
	ecpr_error_clear(&err);
	memset(name, 'w', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CU_ASSERT_PTR_NULL(ecpr__wing_symbol(name, "ecpr_nosuch", &err));
	CU_ASSERT_EQUAL(err.code, ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(ecpr__wing_symbol("nosuch", "ecpr_nosuch", NULL));
}

static CU_TestInfo error_tests[] = {
	{ "format with file and line", test_format_with_file_and_line },
	{ "format without line or file", test_format_without_line_or_file },
	{ "format truncates safely", test_format_truncates_safely },
	{ "prefix and locate", test_prefix_and_locate },
	{ "NULL error is accepted", test_null_error_is_accepted },
	{ "strerror names every code", test_strerror_names_every_code },
	{ "round half away from zero", test_round_half_away_from_zero },
	{ "civil dates round trip", test_civil_dates_round_trip },
	{ "name lookup", test_name_lookup },
	{ "a wing that cannot be loaded", test_wing_not_found },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "error", NULL, NULL, NULL, NULL, error_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
