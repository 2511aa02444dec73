/*
 * test_table.c - ecpr-table, run as a program on files in tests/data/table
 *
 * Every expected value below was worked out by hand from the input file
 * named beside it (the arithmetic is in the comments and in the data
 * files' notes), not copied from the tool's output.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cu_main.h"

#define HEADER \
	"site,subject,episode,no_flow_min,conventional_cpr_min," \
	"mechanical_cc_min,cardiac_arrest_min,ecmo_setup_min," \
	"ca_to_flow_min,ecpr_days,icu_days,hospital_days,cpc_discharge\n"

/* Paths of data files; cu_data() has one static buffer. */
static char *
data(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "table/%s", name);
	return strdup(cu_data(path));
}

/* Run ecpr-table with the arguments (NULL-terminated). */
static int
run(char **out, char **err, const char *a1, ...)
{
	char *argv[24];
	va_list ap;
	const char *a;
	int n = 0, st, i;

	argv[n++] = strdup("ecpr-table");
	va_start(ap, a1);
	for (a = a1; a != NULL && n < 23; a = va_arg(ap, const char *))
		argv[n++] = strdup(a);
	va_end(ap);
	argv[n] = NULL;
	st = cu_run_tool(argv, NULL, out, err);
	for (i = 0; i < n; i++)
		free(argv[i]);
	return st;
}

/* Assert stdout, stderr and status of one run, and free the output. */
#define CHECK_RUN(st, out, err, est, eout, eerr) do {			\
		CU_ASSERT_EQUAL(st, est);				\
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);			\
		CU_ASSERT_PTR_NOT_NULL_FATAL(err);			\
		CU_ASSERT_STRING_EQUAL(out, eout);			\
		CU_ASSERT_STRING_EQUAL(err, eerr);			\
		if (strcmp(out, eout) != 0)				\
			fprintf(stderr, "\n--- got stdout:\n%s---\n", out); \
		if (strcmp(err, eerr) != 0)				\
			fprintf(stderr, "\n--- got stderr:\n%s---\n", err); \
		free(out);						\
		free(err);						\
	} while (0)

/* ------------------------------------------------------------------ */
/* Options                                                              */
/* ------------------------------------------------------------------ */

static void
test_help(void)
{
	char *out = NULL, *err = NULL;
	int st;

	st = run(&out, &err, "--help", NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT(strncmp(out, "usage: ecpr-table [-k] [-f csv|text|markdown|"
	    "latex|html] [-l episodes|paper] [--tz ZONE] [-o FILE] "
	    "[FILE ...]\n", 104) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--keep-going"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--output FILE"));
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	st = run(&out, &err, "-h", NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(strncmp(out, "usage: ecpr-table ", 18) == 0);
	free(out);
	free(err);
}

static void
test_version(void)
{
	char *out = NULL, *err = NULL;
	int st;

	st = run(&out, &err, "--version", NULL);
	CHECK_RUN(st, out, err, 0, "ecpr-table (ecprkit) " PACKAGE_VERSION "\n",
	    "");
	st = run(&out, &err, "-V", NULL);
	CHECK_RUN(st, out, err, 0, "ecpr-table (ecprkit) " PACKAGE_VERSION "\n",
	    "");
}

#define USAGE_TAIL \
	"usage: ecpr-table [-k] [-f csv|text|markdown|latex|html] " \
	"[-l episodes|paper] [--tz ZONE] [-o FILE] [FILE ...]\n" \
	"Try 'ecpr-table --help' for more information.\n"

static void
test_bad_options(void)
{
	char *out = NULL, *err = NULL;
	int st;

	st = run(&out, &err, "--not-an-option", NULL);
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: unknown option \"--not-an-option\"\n" USAGE_TAIL);
	st = run(&out, &err, "-x", NULL);
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: unknown option \"-x\"\n" USAGE_TAIL);
	st = run(&out, &err, "--format", "pdf", NULL);
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: unknown format \"pdf\"\n" USAGE_TAIL);
	st = run(&out, &err, "-l", "wide", NULL);
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: unknown layout \"wide\"\n" USAGE_TAIL);
	st = run(&out, &err, "-f", NULL);
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: option \"-f\" needs an argument\n" USAGE_TAIL);
	st = run(&out, &err, "--tz", "No/Such_Zone", NULL);
	CU_ASSERT_EQUAL(st, 64);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT(strncmp(err, "ecpr-table: --tz: ", 18) == 0);
	free(out);
	free(err);
}

static CU_TestInfo option_tests[] = {
	{ "--help", test_help },
	{ "--version", test_version },
	{ "bad options exit 64", test_bad_options },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "options", NULL, NULL, NULL, NULL, option_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	unsetenv("ECPR_TZ");
	return cu_run(suites);
}
