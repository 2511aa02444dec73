/* test_summary.c - the cohort table (ecpr_summary) and ecpr-summary,
 * against a six-episode cohort counted by hand
 * (tests/data/summary-cohort.csv) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"

/* The table of the episodes of path and path2 (NULL: none) by `by` in
 * format, malloc'd; NULL on any error. */
static char *
table2(const char *path, const char *path2, const char *by,
    ecpr_report_format format)
{
	ecpr_summary_opts opts = ECPR_SUMMARY_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episodes *es = NULL;
	ecpr_summary *s = NULL;
	ecpr_episode *ep;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	opts.by = by;
	CU_ASSERT_FATAL(ecpr_summary_new(&s, &opts, &err) == ECPR_OK);
	if (path != NULL) {
		CU_ASSERT_FATAL(ecpr_episodes_open_files(&es, NULL, NULL,
		    &err) == ECPR_OK);
		CU_ASSERT_FATAL(ecpr_episodes_add_file(es, path, &err) ==
		    ECPR_OK);
		if (path2 != NULL)
			CU_ASSERT_FATAL(ecpr_episodes_add_file(es, path2,
			    &err) == ECPR_OK);
		while ((rc = ecpr_episodes_next(es, &ep, &err)) == ECPR_OK &&
		    ep != NULL) {
			CU_ASSERT(ecpr_summary_add_episode(s, ep, &err) ==
			    ECPR_OK);
			ecpr_episode_free(ep);
		}
		CU_ASSERT(rc == ECPR_OK);
		ecpr_episodes_free(es);
	}
	fp = open_memstream(&buf, &len);
	CU_ASSERT_FATAL(fp != NULL);
	rc = ecpr_summary_write(s, format, fp, &err);
	fclose(fp);
	ecpr_summary_free(s);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	if (rc != ECPR_OK) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *
table(const char *path, const char *by, ecpr_report_format format)
{
	return table2(path, NULL, by, format);
}

/* Every line of want is a whole line of got. */
static void
has_lines(const char *got, const char *want)
{
	const char *p = want, *nl;
	char line[512];

	CU_ASSERT_FATAL(got != NULL);
	while (*p != '\0') {
		size_t n;

		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		snprintf(line, sizeof(line), "\n%.*s\n", (int)n, p);
		if (strstr(got, line) == NULL &&
		    strncmp(got, line + 1, n + 1) != 0) {
			fprintf(stderr, "missing line: %s", line + 1);
			CU_FAIL("a line is missing");
		}
		p += n + (nl != NULL);
	}
}

/*
 * By hand (R's type 7, h = (n-1)p): ages 40 50 60 70 70 -> median 60,
 * Q1 50, Q3 70; site A 40 50 60 -> 50 [45, 55].  no_flow_min A: 0 2 5 10
 * -> h 1.5: 3.5, h 0.75: 1.5, h 2.25: 6.25.  hospital_days: 4.0 10.0
 * 19.6..20.6 30.0 (p2's discharge is a date) -> median (10.0 + 19.6)/2
 * = 14.8 on the low ends, (10.0 + 20.6)/2 = 15.3 on the high ends; Q3
 * 19.6 + 0.25 * 10.4 = 22.2 and 20.6 + 0.25 * 9.4 = 22.95.  Survival 3
 * of 5 known (p4 unknown), Wilson 23.1-88.2 %; CPC 1-2: 2 of 5 (p6 died
 * without a CPC: CPC 5).  bmi and apache2 all missing.
 */
static void
test_cohort_by_site(void)
{
	char *got = table(cu_data("summary-cohort.csv"), "site",
	    ECPR_REPORT_CSV);

	has_lines(got,
	    "Characteristic,Overall,site = A,site = B\n"
	    "n,6,4,2\n"
	    "\"age_years, median [IQR]\",\"60 [50, 70]\",\"50 [45, 55]\","
	    "\"70 [70, 70]\"\n"
	    "\"  min, max\",\"40, 70\",\"40, 60\",\"70, 70\"\n"
	    "  missing,1,1,0\n"
	    "\"sex, n (%)\",,,\n"
	    "  M,4 (66.7),2 (50.0),2 (100.0)\n"
	    "  F,2 (33.3),2 (50.0),0 (0.0)\n"
	    "  U,0 (0.0),0 (0.0),0 (0.0)\n"
	    "\"bmi, median [IQR]\",–,–,–\n"
	    "  missing,6,4,2\n"
	    "  vf,3 (60.0),2 (66.7),1 (50.0)\n"
	    "  pvt,0 (0.0),0 (0.0),0 (0.0)\n"
	    "  pea,1 (20.0),1 (33.3),0 (0.0)\n"
	    "  asystole,1 (20.0),0 (0.0),1 (50.0)\n"
	    "  unknown,0,0,0\n"
	    "  missing,1,1,0\n"
	    "\"apache2, median [IQR]\",–,–,–\n"
	    "  percutaneous,0 (–),0 (–),0 (–)\n"
	    "\"cpc_discharge, n (%)\",,,\n"
	    "  1,1 (25.0),1 (33.3),0 (0.0)\n"
	    "  5,1 (25.0),1 (33.3),0 (0.0)\n"
	    "  missing,2,1,1\n"
	    "\"no_flow_min, median [IQR]\",\"2 [1, 5]\",\"3.5 [1.5, 6.25]\","
	    "\"1 [1, 1]\"\n"
	    "\"  min, max\",\"0, 10\",\"0, 10\",\"1, 1\"\n"
	    "\"ca_to_flow_min, median [IQR]\",\"55 [47.5, 62.5]\","
	    "\"60 [55, 65]\",\"40 [40, 40]\"\n"
	    "\"hospital_days, median [IQR]\",\"14.8..15.3 [8.5, 22.2..22.95]\","
	    "\"10.0 [7.0, 14.8..15.3]\",\"30.0 [30.0, 30.0]\"\n"
	    "\"  min, max\",\"4.0, 30.0\",\"4.0, 19.6..20.6\",\"30.0, 30.0\"\n"
	    "  ranges (LO..HI),1,1,0\n"
	    "\"Survival to hospital discharge, n (%) [95% CI]\","
	    "\"3 (60.0) [23.1, 88.2]\",\"2 (66.7) [20.8, 93.9]\","
	    "\"1 (50.0) [9.5, 90.5]\"\n"
	    "\"CPC 1–2 at discharge, n (%) [95% CI]\",\"2 (40.0) [11.8, 76.9]\","
	    "\"2 (66.7) [20.8, 93.9]\",\"0 (0.0) [0.0, 65.8]\"\n");
	/* a variable without any range has no ranges row */
	CU_ASSERT(strstr(got, "  min, max\",\"40, 70\",\"40, 60\",\"70, 70\"\n"
	    "  missing,1,1,0\n\"sex") != NULL);
	free(got);
}

/* Strata in the code list's order (M before F), by number, missing
 * last; an empty group of a stratum gives "–". */
static void
test_strata_order(void)
{
	char *got = table(cu_data("summary-cohort.csv"), "sex",
	    ECPR_REPORT_CSV);

	has_lines(got, "Characteristic,Overall,sex = M,sex = F\n"
	    "n,6,4,2\n"
	    "\"age_years, median [IQR]\",\"60 [50, 70]\",\"60 [47.5, 70]\","
	    "\"60 [60, 60]\"\n"
	    "\"ca_to_flow_min, median [IQR]\",\"55 [47.5, 62.5]\","
	    "\"50 [45, 55]\",\"70 [70, 70]\"\n");
	free(got);
	got = table(cu_data("summary-cohort.csv"), "age_years",
	    ECPR_REPORT_CSV);
	has_lines(got, "Characteristic,Overall,age_years = 40,"
	    "age_years = 50,age_years = 60,age_years = 70,age_years missing\n"
	    "n,6,1,1,1,2,1\n"
	    "\"hospital_days, median [IQR]\",\"14.8..15.3 [8.5, 22.2..22.95]\","
	    "\"10.0 [10.0, 10.0]\",\"19.6..20.6 [19.6..20.6, 19.6..20.6]\","
	    "\"4.0 [4.0, 4.0]\",\"30.0 [30.0, 30.0]\",–\n");
	free(got);
}

/*
 * The worst values of the seed cases (templates/observations.csv) during
 * the ECPR course: lactate 13.1 and three ">15.0" (censored: counted,
 * not numbers); pct 12.12, 6.76, >94.42, 11.41 -> 6.76 11.41 12.12:
 * median 11.41, quartiles (6.76 + 11.41)/2 = 9.085 and 11.765;
 * creatinine 124.7 129.5 285.6 577.2 -> h 1.5: 207.55, h 0.75: 128.3,
 * h 2.25: 285.6 + 0.25 * 291.6 = 358.5; platelets (lowest is worst) 21
 * 32 34 38 -> 33 [29.25, 35].  Without observations, no such rows.
 */
static void
test_worst_values(void)
{
	char *got, *path = strdup(cu_template("case-record.csv"));

	got = table2(path, cu_template("observations.csv"), NULL,
	    ECPR_REPORT_CSV);
	has_lines(got,
	    "\"lactate_worst (mmol/L), median [IQR]\",\"13.1 [13.1, 13.1]\"\n"
	    "\"  min, max\",\"13.1, 13.1\"\n"
	    "\"  censored (<, >)\",3\n"
	    "  missing,0\n"
	    "\"pct_worst (ng/mL), median [IQR]\",\"11.41 [9.085, 11.765]\"\n"
	    "\"  min, max\",\"6.76, 12.12\"\n"
	    "\"  censored (<, >)\",1\n"
	    "\"creatinine_worst (umol/L), median [IQR]\","
	    "\"207.55 [128.3, 358.5]\"\n"
	    "\"platelets_worst (10*9/L), median [IQR]\",\"33 [29.25, 35]\"\n");
	/* creatinine has no censored value: no such row */
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "207.55 [128.3, 358.5]\"\n"
	    "\"  min, max\",\"124.7, 577.2\"\n  missing,0\n"));
	free(got);
	got = table(path, NULL, ECPR_REPORT_CSV);
	CU_ASSERT_PTR_NULL(strstr(got, "_worst"));
	free(got);
	free(path);
}

/*
 * Another window (ecpr-summary --window, ecpr_summary_set_window): from
 * ROSC to hospital discharge, the values of case2 (day 1 of ECMO,
 * 2021-07-30T01:30+08:00) come before its ROSC (21:22 that day) and do
 * not count; the others' values (day 1 of ECMO) follow their ROSC:
 * lactate 13.1, >15.0, >15.0 -> one number and two censored; pct 12.12,
 * >94.42, 11.41 -> 11.41 12.12: median 11.765, h 0.25: 11.41 + 0.25 *
 * 0.71 = 11.5875, h 0.75: 11.9425; one missing.  From the arrest to the
 * flow: none, so no _worst rows.  A bad window is a usage error.
 */
static void
test_window(void)
{
	char *out = NULL, *err = NULL, *cases = strdup(cu_template(
	    "case-record.csv")), *obs = strdup(cu_template("observations.csv"));

	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "-f", "csv",
	    "--window", "rosc,hospital_discharge", cases, obs, NULL), 0);
	has_lines(out,
	    "\"lactate_worst (mmol/L), median [IQR]\",\"13.1 [13.1, 13.1]\"\n"
	    "\"  min, max\",\"13.1, 13.1\"\n"
	    "\"  censored (<, >)\",2\n"
	    "  missing,1\n"
	    "\"pct_worst (ng/mL), median [IQR]\","
	    "\"11.765 [11.5875, 11.9425]\"\n"
	    "\"  min, max\",\"11.41, 12.12\"\n"
	    "\"  censored (<, >)\",1\n"
	    "  missing,1\n");
	free(out);
	free(err);
	/* the text's note says which window */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "--window",
	    "rosc,hospital_discharge", cases, obs, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nOBS_worst: the worst value of "
	    "the observation (the highest, or the lowest for platelets, urine "
	    "output, ECMO flow and MAP) from rosc to hospital_discharge, in "
	    "the unit shown;"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "-f", "csv",
	    "--window", "ca_onset,ecmo_flow_start", cases, obs, NULL), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "_worst"));
	has_lines(out, "n,4\n");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "--window",
	    "rosc", cases, NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-summary: --window \"rosc\": "
	    "want two event names, FROM,TO (ecmo_flow_start,ecmo_stop)"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "--window",
	    "rosc,discharge", cases, NULL), 64);
	free(out);
	free(err);
	free(cases);
	free(obs);
}

/*
 * The code "unknown" is counted apart, as missing is: witnessed yes, yes,
 * no, unknown and one missing -> yes 2 of the 3 known (66.7 %), no 1
 * (33.3 %), unknown 1 and missing 1 without a percentage; initial_rhythm
 * vf, unknown, unknown, pea, pea -> vf 1 of 3 (33.3 %), pea 2 (66.7 %).
 */
static void
test_unknown_code(void)
{
	char *dir = cu_tmpdir(), *f, *got;

	f = cu_write_file(dir, "u.csv", "site,subject,witnessed,initial_rhythm\n"
	    "A,p1,yes,vf\nA,p2,yes,unknown\nA,p3,no,Unknown\nA,p4,unknown,pea\n"
	    "A,p5,,pea\n");
	got = table(f, NULL, ECPR_REPORT_CSV);
	has_lines(got, "\"initial_rhythm, n (%)\",\n"
	    "  vf,1 (33.3)\n"
	    "  pvt,0 (0.0)\n"
	    "  pea,2 (66.7)\n"
	    "  asystole,0 (0.0)\n"
	    "  unknown,2\n"
	    "  missing,0\n");
	has_lines(got, "\"witnessed, n (%)\",\n"
	    "  yes,2 (66.7)\n"
	    "  no,1 (33.3)\n"
	    "  unknown,1\n"
	    "  missing,1\n");
	free(got);
	free(f);
	cu_rmtree(dir);
	free(dir);
}

/* No episode: n 0, every statistic "–", no percentage. */
/*
 * Decimal attributes are read digit by digit (the quotient of two exact
 * doubles, as strtod rounds it): bmi 5.5, 22.86, 30.1 and 0.1 more than
 * 99.9 by hand: sorted 5.5 22.86 30.1 100 (h = 3p): median (22.86 +
 * 30.1) / 2 = 26.48, Q1 5.5 + 0.75 * 17.36 = 18.52, Q3 30.1 + 0.25 *
 * 69.9 = 47.575 (a quantile between two values keeps one more decimal
 * than the two written); min and max with the two decimals written.
 */
static void
test_decimal_attributes(void)
{
	char *dir = cu_tmpdir(), *file, *got;

	file = cu_write_file(dir, "bmi.csv", "site,subject,bmi\n"
	    "A,p1,5.5\nA,p2,22.86\nA,p3,30.1\nA,p4,100.0\n");
	got = table(file, NULL, ECPR_REPORT_CSV);
	has_lines(got, "\"bmi, median [IQR]\",\"26.48 [18.52, 47.575]\"\n"
	    "\"  min, max\",\"5.50, 100.00\"\n");
	free(got);
	free(file);
	cu_rmtree(dir);
	free(dir);
}

static void
test_empty_cohort(void)
{
	char *got = table(NULL, NULL, ECPR_REPORT_CSV);

	has_lines(got, "Characteristic,Overall\n"
	    "n,0\n"
	    "\"age_years, median [IQR]\",–\n"
	    "\"  min, max\",–\n"
	    "  missing,0\n"
	    "  M,0 (–)\n"
	    "\"Survival to hospital discharge, n (%) [95% CI]\",0 (–)\n"
	    "  unknown,0\n");
	free(got);
}

/* The other formats go through the report's writers. */
static void
test_formats(void)
{
	const char *f = cu_data("summary-cohort.csv");
	char *got;

	got = table(f, NULL, ECPR_REPORT_TEXT);
	/* the label column is as wide as its longest label (46) */
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\nhospital_days, median [IQR]"
	    "                     14.8..15.3 [8.5, 22.2..22.95]\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\nmedian [IQR]: quantiles by "
	    "R's type 7"));
	free(got);
	got = table(f, NULL, ECPR_REPORT_LATEX);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\\toprule\nCharacteristic & "
	    "Overall \\\\\n\\midrule\nn & 6 \\\\\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "CPC 1--2 at discharge, n (\\%) "
	    "[95\\% CI] & 2 (40.0) [11.8, 76.9] \\\\\n"));
	free(got);
	got = table(f, NULL, ECPR_REPORT_HTML);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "<tr><th scope=\"row\">n</th>"
	    "<td>6</td></tr>\n"));
	free(got);
	got = table(f, NULL, ECPR_REPORT_MARKDOWN);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "| n | 6 |\n"));
	free(got);
}

static void
test_refusals(void)
{
	ecpr_summary_opts opts = ECPR_SUMMARY_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_summary *s = (ecpr_summary *)&opts;

	opts.by = "sexx";
	CU_ASSERT_EQUAL(ecpr_summary_new(&s, &opts, &err), ECPR_ENOTFOUND);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(err.message, "stratify by \"sexx\": neither "
	    "\"site\" nor an attribute (age_years, sex, initial_rhythm, ...)");
	CU_ASSERT_EQUAL(ecpr_summary_new(&s, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_summary_count(s), 0);
	CU_ASSERT_EQUAL(ecpr_summary_add_episode(s, NULL, &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_summary_set_window(s, ECPR_EV_ROSC,
	    (ecpr_event_type)99, &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_summary_set_window(NULL, ECPR_EV_ROSC,
	    ECPR_EV_DEATH, &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_summary_set_window(s, ECPR_EV_ROSC,
	    ECPR_EV_DEATH, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_summary_write(s, ECPR_REPORT_CSV, NULL, &err),
	    ECPR_EINVAL);
	ecpr_summary_free(s);
	ecpr_summary_free(NULL);
}

/* The tool: help, version, usage errors, data errors, output files. */
static void
test_tool(void)
{
	const char *f = cu_data("summary-cohort.csv");
	char *out = NULL, *err = NULL, *dir = cu_tmpdir(), *bad, *file;
	char path[4096];

	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "--help", NULL),
	    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: ecpr-summary"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "--version",
	    NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "--bogus", NULL),
	    64);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "--by", "sexx",
	    f, NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-summary: --by: stratify "
	    "by \"sexx\""));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "-f", "xls", f,
	    NULL), 64);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary",
	    "/nonexistent/x.csv", NULL), 66);
	free(out);
	free(err);
	/* a bad value: FILE:LINE naming it, exit 65, no output file */
	bad = cu_write_file(dir, "bad.csv",
	    "site,subject,episode,age_years\nA,p1,1,40\nA,p2,1,forty\n");
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "-o", path, bad,
	    NULL), 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.csv:3: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"forty\""));
	CU_ASSERT_PTR_NULL(cu_read_file(path, NULL));
	free(out);
	free(err);
	/* -o writes the same as standard output */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "-f", "csv",
	    "--by", "site", "-o", path, f, NULL), 0);
	free(out);
	free(err);
	file = cu_read_file(path, NULL);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-summary", "-f", "csv",
	    "--by", "site", f, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(file);
	CU_ASSERT_STRING_EQUAL(file, out);
	has_lines(out, "n,6,4,2\n");
	free(file);
	free(out);
	free(err);
	free(bad);
	cu_rmtree(dir);
	free(dir);
}

static CU_TestInfo summary_tests[] = {
	{ "a cohort by site counted by hand (ties, ranges, all missing)",
	    test_cohort_by_site },
	{ "strata in code-list and numeric order, missing last",
	    test_strata_order },
	{ "worst values of observations, censored ones counted apart",
	    test_worst_values },
	{ "--window: the worst values between other events", test_window },
	{ "the code unknown counted apart, never in the denominator",
	    test_unknown_code },
	{ "decimal attributes", test_decimal_attributes },
	{ "an empty cohort", test_empty_cohort },
	{ "text, LaTeX, HTML and Markdown", test_formats },
	{ "unknown --by, NULL arguments", test_refusals },
	{ "ecpr-summary: help, usage, data errors, -o", test_tool },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "summary", NULL, NULL, NULL, NULL, summary_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
