/*
 * test_flowchart.c - ecpr-flowchart's text and csv outputs, run as a
 * program on tests/data/criteria/cohort.csv through three.crit
 *
 * The counts were worked out by hand from the seven episodes:
 *   criterion  age <= 75     rhythm vf/pvt    ca_to_flow_min <= 60
 *   a  50 vf  45 min  cpc 1, discharged  pass  pass  pass  eligible
 *   b  80 vf  45 min  cpc 2, discharged  fail  pass  pass  excluded:age
 *   c  ?  vf  45 min                     unkn  pass  pass  unknown:age
 *   d  60 pea 45 min  cpc 5, died        pass  fail  pass  excluded:rhythm
 *   e  60 vf  90 min  cpc 3, discharged  pass  pass  fail  excluded:flow
 *   f  60 pvt no times                   pass  pass  unkn  unknown:flow
 *   g,x 70 vf 30 min  cpc 5, died        pass  pass  pass  eligible
 *   age:    7 in, 5 passed, 1 excluded (b: survived, CPC 1-2), 1 unknown
 *   rhythm: 5 in, 4 passed, 1 excluded (d: died, CPC 5), 0 unknown
 *   flow:   4 in, 2 passed, 1 excluded (e: survived, CPC 3), 1 unknown
 *   eligible 2: a survived with CPC 1, g died (CPC 5)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_main.h"
#include "ecpr.h"

#define CHECK(st, out, err, est, eout, eerr) do {			\
		CU_ASSERT_EQUAL(st, est);				\
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);			\
		CU_ASSERT_PTR_NOT_NULL_FATAL(err);			\
		if (strcmp(out, eout) != 0)				\
			fprintf(stderr, "\n--- got stdout:\n%s---\n", out); \
		if (strcmp(err, eerr) != 0)				\
			fprintf(stderr, "\n--- got stderr:\n%s---\n", err); \
		CU_ASSERT_STRING_EQUAL(out, eout);			\
		CU_ASSERT_STRING_EQUAL(err, eerr);			\
		free(out);						\
		free(err);						\
		out = err = NULL;					\
	} while (0)

#define USAGE_TAIL \
	"usage: ecpr-flowchart -c FILE [-k] [-f text|csv|pdf|svg|png] " \
	"[--layout consort|protocol] [--size SIZE] [--dpi N] " \
	"[--style FILE] [--tz ZONE] [-o FILE] " \
	"[FILE ...]\nTry 'ecpr-flowchart --help' for more information.\n"

#define TEXT \
	"Test criteria\n" \
	"Source: Hand-made for the tests\n" \
	"\n" \
	"Episodes: 7\n" \
	"1. Age 75 years or less (age): 7 in, 5 passed, 1 excluded, " \
	"1 unknown\n" \
	"   excluded: 1 survived to discharge, 1 CPC 1-2 at discharge\n" \
	"2. Shockable rhythm (rhythm): 5 in, 4 passed, 1 excluded, " \
	"0 unknown\n" \
	"   excluded: 0 survived to discharge, 0 CPC 1-2 at discharge\n" \
	"3. Flow within 60 minutes (flow): 4 in, 2 passed, 1 excluded, " \
	"1 unknown\n" \
	"   excluded: 1 survived to discharge, 0 CPC 1-2 at discharge\n" \
	"Eligible: 2\n" \
	"   survival to discharge: 1 survived, 1 died, 0 unknown\n" \
	"   CPC at discharge: 1 CPC 1-2, 1 CPC 3-5, 0 unknown\n"

#define CSV \
	"site,subject,episode,age,rhythm,flow,box\n" \
	"S,a,1,pass,pass,pass,eligible\n" \
	"S,b,1,fail,pass,pass,excluded:age\n" \
	"S,c,1,unknown,pass,pass,unknown:age\n" \
	"S,d,1,pass,fail,pass,excluded:rhythm\n" \
	"S,e,1,pass,pass,fail,excluded:flow\n" \
	"S,f,1,pass,pass,unknown,unknown:flow\n" \
	"S,\"g,x\",2,pass,pass,pass,eligible\n"

static char *crit, *cohort;

static int
suite_init(void)
{
	crit = strdup(cu_data("criteria/three.crit"));
	cohort = strdup(cu_data("criteria/cohort.csv"));
	return 0;
}

static int
suite_clean(void)
{
	free(crit);
	free(cohort);
	return 0;
}

static void
test_options(void)
{
	char *out = NULL, *err = NULL;
	int st;

	st = cu_tool(&out, &err, "ecpr-flowchart", "--help", NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(out != NULL && strncmp(out, "usage: ecpr-flowchart -c FILE ",
	    30) == 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	st = cu_tool(&out, &err, "ecpr-flowchart", "--version", NULL);
	CHECK(st, out, err, 0, "ecpr-flowchart (ecprkit) " PACKAGE_VERSION
	    "\n", "");
	st = cu_tool(&out, &err, "ecpr-flowchart", "--not-an-option", NULL);
	CHECK(st, out, err, 64, "", "ecpr-flowchart: unknown option "
	    "\"--not-an-option\"\n" USAGE_TAIL);
	st = cu_tool(&out, &err, "ecpr-flowchart", cohort, NULL);
	CHECK(st, out, err, 64, "", "ecpr-flowchart: no criteria file "
	    "(-c FILE)\n" USAGE_TAIL);
	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", crit, "-f", "doc",
	    cohort, NULL);
	CHECK(st, out, err, 64, "", "ecpr-flowchart: unknown format \"doc\" "
	    "(text, csv, pdf, svg or png)\n" USAGE_TAIL);
	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", crit, "--site", "S",
	    cohort, NULL);
	CHECK(st, out, err, 64, "", "ecpr-flowchart: files and --db, --site, "
	    "--subject, --since, --until do not go together\n" USAGE_TAIL);
}

static void
test_text(void)
{
	char *out = NULL, *err = NULL;
	int st;

	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", crit, cohort, NULL);
	CHECK(st, out, err, 0, TEXT, "");
	st = cu_tool(&out, &err, "ecpr-flowchart", "--criteria", crit,
	    "--format", "text", cohort, NULL);
	CHECK(st, out, err, 0, TEXT, "");
}

static void
test_csv(void)
{
	char *out = NULL, *err = NULL;
	int st;

	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", crit, "-f", "csv",
	    cohort, NULL);
	CHECK(st, out, err, 0, CSV, "");
}

/* Bad criteria, bad records, missing files: the exit code, the message,
 * and no output file. */
static void
test_errors(void)
{
	char *dir = cu_tmpdir(), *bad, *badrec, *outp, *text;
	char *out = NULL, *err = NULL, msg[1024];
	size_t len;
	int st;

	bad = cu_write_file(dir, "bad.crit", "title = T\nsource = S\n"
	    "criterion = a\nlabel = A\nexpr = age_years <= old\n");
	badrec = cu_write_file(dir, "bad.csv", "site,subject,age_years\n"
	    "S,a,50\nS,b,old\n");
	outp = malloc(strlen(dir) + 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(outp);
	sprintf(outp, "%s/out.csv", dir);

	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", bad, cohort, NULL);
	snprintf(msg, sizeof(msg), "ecpr-flowchart: %s:5: key \"expr\": "
	    "attribute \"age_years\": \"old\" is not a number in "
	    "\"age_years <= old\"\n", bad);
	CHECK(st, out, err, 65, "", msg);

	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", "/nonexistent.crit",
	    cohort, NULL);
	CHECK(st, out, err, 66, "", "ecpr-flowchart: /nonexistent.crit: "
	    "cannot open: No such file or directory\n");

	/* a bad record: reported, and nothing written */
	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", crit, "-f", "csv",
	    "-o", outp, badrec, NULL);
	snprintf(msg, sizeof(msg), "ecpr-flowchart: %s:3: attribute "
	    "\"age_years\": \"old\" is not a number\n", badrec);
	CHECK(st, out, err, 65, "", msg);
	CU_ASSERT_EQUAL(access(outp, F_OK), -1);

	/* -o: written whole; a failed run leaves it as it was */
	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", crit, "-f", "csv",
	    "-o", outp, cohort, NULL);
	CHECK(st, out, err, 0, "", "");
	text = cu_read_file(outp, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, CSV);
	free(text);
	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", crit, "-o", outp,
	    badrec, NULL);
	CU_ASSERT_EQUAL(st, 65);
	free(out);
	free(err);
	text = cu_read_file(outp, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, CSV);
	free(text);

	/* -k: every error of every file, the worst exit code */
	st = cu_tool(&out, &err, "ecpr-flowchart", "-k", "-c", crit, badrec,
	    "/nonexistent.csv", NULL);
	snprintf(msg, sizeof(msg), "ecpr-flowchart: /nonexistent.csv: "
	    "cannot open: No such file or directory\n"
	    "ecpr-flowchart: %s:3: attribute \"age_years\": \"old\" is not "
	    "a number\n", badrec);
	CHECK(st, out, err, 66, "", msg);

	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", crit,
	    "/nonexistent.csv", NULL);
	CHECK(st, out, err, 66, "", "ecpr-flowchart: /nonexistent.csv: "
	    "cannot open: No such file or directory\n");
	free(bad);
	free(badrec);
	free(outp);
	cu_rmtree(dir);
	free(dir);
}

/* The path of a file under templates/ (malloc'd). */
static char *
template(const char *name)
{
	const char *src = getenv("ECPR_SRCDIR");
	char *p = malloc(4096);

	CU_ASSERT_FATAL(src != NULL && p != NULL);
	snprintf(p, 4096, "%s/templates/%s", src, name);
	return p;
}

/*
 * The templates on the seed cases (templates/case-record.csv; the notes
 * say where each value comes from):
 *   case1 home, 47, vf, MCC, PLR ?, ICH ?, witnessed, bystander CPR,
 *       CPC 1, discharged
 *   case2 street, 17, rhythm ?, MCC, PLR ?, ICH ?, witnessed, bystander,
 *       CPC 1, discharged
 *   case3 icu, 8, asystole, MCC, PLR yes, ICH ?, witnessed, no bystander,
 *       CPC 1, discharged
 *   case4 icu, 94, vf, MCC, PLR yes, ICH ?, witnessed, no bystander,
 *       CPC 5, died
 * Fig. 2: all four had MCC; PLR unknown for cases 1-2 (set aside), and
 * no case's cerebral haemorrhage is known: nobody is eligible.
 * ARREST: cases 3-4 in the ICU are not out-of-hospital (one survived
 * with CPC 1, one died), case 2 is 17 (survived, CPC 1), case 1 passes.
 */
static void
test_templates(void)
{
	char *fig2 = template("criteria/seed-fig2.crit");
	char *arrest = template("criteria/arrest.crit");
	char *cases = template("case-record.csv");
	char *out = NULL, *err = NULL;
	static const char *const names[] = { "seed-fig2", "arrest",
		"prague-ohca", "inception" };
	size_t i;
	int st;

	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", fig2, cases, NULL);
	CHECK(st, out, err, 0,
	    "Seed case series, Fig. 2: ECPR linked with mechanical chest "
	    "compression\n"
	    "Source: A novel strategy sequentially linking mechanical "
	    "cardiopulmonary resuscitation with extracorporeal "
	    "cardiopulmonary resuscitation optimizes prognosis of refractory "
	    "cardiac arrest: an illustrative case series. Eur J Med Res. "
	    "2022;27:77. doi:10.1186/s40001-022-00711-1\n"
	    "\n"
	    "Episodes: 4\n"
	    "1. Mechanical chest compression (mcc): 4 in, 4 passed, "
	    "0 excluded, 0 unknown\n"
	    "   excluded: 0 survived to discharge, 0 CPC 1-2 at discharge\n"
	    "2. Pupillary light reflex present (plr): 4 in, 2 passed, "
	    "0 excluded, 2 unknown\n"
	    "   excluded: 0 survived to discharge, 0 CPC 1-2 at discharge\n"
	    "3. No cerebral haemorrhage (no_ich): 2 in, 0 passed, "
	    "0 excluded, 2 unknown\n"
	    "   excluded: 0 survived to discharge, 0 CPC 1-2 at discharge\n"
	    "Eligible: 0\n"
	    "   survival to discharge: 0 survived, 0 died, 0 unknown\n"
	    "   CPC at discharge: 0 CPC 1-2, 0 CPC 3-5, 0 unknown\n", "");
	st = cu_tool(&out, &err, "ecpr-flowchart", "-c", arrest, "-f", "csv",
	    cases, NULL);
	CHECK(st, out, err, 0,
	    "site,subject,episode,ohca,age,rhythm,mcc,box\n"
	    "SEED,case1,1,pass,pass,pass,pass,eligible\n"
	    "SEED,case2,1,pass,fail,unknown,pass,excluded:age\n"
	    "SEED,case3,1,fail,fail,fail,pass,excluded:ohca\n"
	    "SEED,case4,1,fail,fail,pass,pass,excluded:ohca\n", "");
	/* every template loads and cites a DOI */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char rel[64], *path;
		ecpr_criteria *c = NULL;
		ecpr_error e = ECPR_ERROR_INIT;

		snprintf(rel, sizeof(rel), "criteria/%s.crit", names[i]);
		path = template(rel);
		CU_ASSERT_EQUAL(ecpr_criteria_load(&c, path, &e), ECPR_OK);
		if (c == NULL)
			fprintf(stderr, "%s: %lu: %s\n", path, e.line,
			    e.message);
		CU_ASSERT(c != NULL && strstr(ecpr_criteria_source(c),
		    "doi:10.") != NULL);
		ecpr_criteria_free(c);
		free(path);
	}
	free(fig2);
	free(arrest);
	free(cases);
}

static CU_TestInfo flowchart_tests[] = {
	{ "--help, --version and usage errors", test_options },
	{ "text: the counts per step, by hand", test_text },
	{ "csv: each episode's verdicts and box", test_csv },
	{ "the templates on the seed cases, by hand", test_templates },
	{ "errors: exit codes, messages, -k, nothing written",
	    test_errors },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ecpr-flowchart", suite_init, suite_clean, NULL, NULL,
	    flowchart_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
