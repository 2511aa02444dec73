/*
 * test_table.c - ecpr-table, run as a program on files in tests/data/table
 *
 * Every expected value below was worked out by hand from the input file
 * named beside it (the arithmetic is in the comments and in the data
 * files' notes), not copied from the tool's output.
 */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cu_main.h"
#include "ecpr.h" /* ECPR_DEFS_VERSION */

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
	    "latex|html] [-l episodes|paper] [--tz ZONE] [--window FROM,TO] "
	    "[--ranges FILE] [-o FILE] [FILE ...]\n", 145) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--window FROM,TO"));
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
	"[-l episodes|paper] [--tz ZONE] [--window FROM,TO] " \
	"[--ranges FILE] [-o FILE] [FILE ...]\n" \
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
	st = run(&out, &err, "--window", "ecmo_flow_start", NULL);
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: --window \"ecmo_flow_start\": want two event names, "
	    "FROM,TO (ecmo_flow_start,ecmo_stop)\n" USAGE_TAIL);
	st = run(&out, &err, "--window", "ecmo_flow_start,decannulation",
	    NULL);
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: --window \"ecmo_flow_start,decannulation\": want two "
	    "event names, FROM,TO (ecmo_flow_start,ecmo_stop)\n" USAGE_TAIL);
	st = run(&out, &err, "--tz", "No/Such_Zone", NULL);
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: --tz: unknown time zone \"No/Such_Zone\"\n");
	setenv("ECPR_TZ", "Nowhere/Else", 1);
	st = run(&out, &err, NULL);
	unsetenv("ECPR_TZ");
	CHECK_RUN(st, out, err, 64, "",
	    "ecpr-table: --tz: unknown time zone \"Nowhere/Else\"\n");
}

/*
 * csv names the definitions only with --defs-comment (a first line), so
 * the default bytes stay those of the contract; both layouts.
 */
#define COMMENT "# definitions: " ECPR_DEFS_VERSION "\n"

static void
test_defs_comment(void)
{
	static const struct {
		const char *layout;
		const char *first; /* the first line of the default output */
	} cases[] = {
		{ "episodes", "site,subject,episode,no_flow_min," },
		{ "paper", "Characteristics," },
	};
	char *out = NULL, *err = NULL, *plain = NULL, *path = data("escape.csv");
	size_t i;
	int st;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st = run(&plain, &err, "-l", cases[i].layout, path, NULL);
		CU_ASSERT_EQUAL(st, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
		CU_ASSERT(strncmp(plain, cases[i].first,
		    strlen(cases[i].first)) == 0);
		CU_ASSERT_PTR_NULL(strstr(plain, ECPR_DEFS_VERSION));
		free(err);
		st = run(&out, &err, "--defs-comment", "-l", cases[i].layout,
		    path, NULL);
		CU_ASSERT_EQUAL(st, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_STRING_EQUAL(err, "");
		/* the same bytes after one comment line */
		CU_ASSERT(strncmp(out, COMMENT, strlen(COMMENT)) == 0);
		CU_ASSERT_STRING_EQUAL(out + strlen(COMMENT), plain);
		free(out);
		free(err);
		free(plain);
	}
	free(path);
}

/*
 * ecpr-table links the core alone: reading files and --version load
 * neither libpq (the registry wing is loaded only for the registry) nor
 * cairo, pango or libxml2.  The dynamic linker names every object it
 * initialises under LD_DEBUG=files (on stderr).
 */
static void
test_loads_only_the_core(void)
{
	static const char *const heavy[] = {
		"libpq.so", "libcairo", "libpango", "libxml2", "libecpr-",
	};
	char *path = data("sort.csv");
	char *out = NULL, *err = NULL, *plain = NULL, *perr = NULL;
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		CU_ASSERT_EQUAL(k == 0 ? run(&plain, &perr, path, NULL) :
		    run(&plain, &perr, "--version", NULL), 0);
		setenv("LD_DEBUG", "files", 1);
		CU_ASSERT_EQUAL(k == 0 ? run(&out, &err, path, NULL) :
		    run(&out, &err, "--version", NULL), 0);
		unsetenv("LD_DEBUG");
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_PTR_NOT_NULL_FATAL(err);
		CU_ASSERT_STRING_EQUAL(out, plain);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "libecpr.so"));
		for (i = 0; i < sizeof(heavy) / sizeof(heavy[0]); i++) {
			CU_ASSERT_PTR_NULL(strstr(err, heavy[i]));
			if (strstr(err, heavy[i]) != NULL)
				fprintf(stderr, "ecpr-table loads %s\n",
				    heavy[i]);
		}
		free(out);
		free(err);
		free(plain);
		free(perr);
	}
	free(path);
}

static CU_TestInfo option_tests[] = {
	{ "--help", test_help },
	{ "--version", test_version },
	{ "bad options exit 64", test_bad_options },
	{ "files and --version load only the core", test_loads_only_the_core },
	CU_TEST_INFO_NULL,
};


/* ------------------------------------------------------------------ */
/* The csv contract, hand-checked episodes                              */
/* ------------------------------------------------------------------ */

/* Run ecpr-table [args] on one data file and compare stdout exactly. */
static void
check_csv(const char *file, const char *tz, const char *expect)
{
	char *out = NULL, *err = NULL, *path = data(file);
	int st;

	if (tz != NULL)
		st = run(&out, &err, "--tz", tz, path, NULL);
	else
		st = run(&out, &err, path, NULL);
	CHECK_RUN(st, out, err, 0, expect, "");
	free(path);
}

/*
 * midnight.csv: all times +01:00, the arrest at 23:50 on March 4.
 * no_flow 23:50 -> 23:53 = 3; conventional 23:53 -> 00:45 = 52;
 * mechanical 00:05 -> 00:40 = 35; arrest 23:50 -> 01:30 = 100;
 * set-up 00:20 -> 00:45 = 25; to flow 23:50 -> 00:45 = 55;
 * ECPR Mar 5 00:45 -> Mar 8 12:45 = 3 d 12 h = 3.5;
 * ICU Mar 5 00:10 -> Mar 15 06:10 = 10 d 6 h = 10.25 -> 10.3 (half away
 * from zero); hospital Mar 4 23:58 -> Mar 24 18:00 = 19 d 18 h 2 min =
 * 19.751 -> 19.8; cpc 2.
 */
static void
test_csv_midnight(void)
{
	check_csv("midnight.csv", NULL, HEADER
	    "A,m1,1,3,52,35,100,25,55,3.5,10.3,19.8,2\n");
}

/*
 * dst.csv: local times in Europe/Berlin on 2023-03-26, when clocks go
 * from 02:00 CET (+01:00) to 03:00 CEST (+02:00).  In UTC: arrest 00:50,
 * CPR 00:52, MCC 00:58 -> 01:10, cannulation 01:00, flow 01:20,
 * ROSC 02:00.  no_flow 2; conventional 00:52 -> 01:20 = 28 (the wall
 * clock says 88); mechanical 12; arrest 70; set-up 20; to flow 30.
 * ECPR 01:20Z -> Mar 29 13:20Z = 3.5 d.  ICU and hospital from Mar 25
 * 23:30Z: ICU to Mar 30 10:30Z = 4 d 11 h = 4.458 -> 4.5; hospital to
 * Apr 4 22:30Z = 9 d 23 h = 9.958 -> 10.0.
 */
static void
test_csv_dst(void)
{
	check_csv("dst.csv", "Europe/Berlin", HEADER
	    "BER,d1,1,2,28,12,70,20,30,3.5,4.5,10.0,1\n");
}

/* The same file through $ECPR_TZ instead of --tz. */
static void
test_csv_dst_env(void)
{
	char *out = NULL, *err = NULL, *path = data("dst.csv");
	int st;

	setenv("ECPR_TZ", "Europe/Berlin", 1);
	st = run(&out, &err, path, NULL);
	unsetenv("ECPR_TZ");
	CHECK_RUN(st, out, err, 0, HEADER
	    "BER,d1,1,2,28,12,70,20,30,3.5,4.5,10.0,1\n", "");
	free(path);
}

/*
 * partial.csv, no zone (dates are UTC days).
 * p1: no_flow 04:00 -> 04:02 = 2; conventional 04:02 -> 05:36 = 94;
 * to flow 96.  ECMO stop known to the day (May 9): from May 4 05:36 to
 * May 9 00:00 = 4 d 18 h 24 min = 4.77 -> 4.8, to May 10 00:00 = 5.77
 * -> 5.8.  Discharge May 20 from May 4 04:48: 15 d 19 h 12 min = 15.8
 * to 16.8.
 * p2: admitted in June 2023 (a month), discharged July 2: at least
 * Jul 1 -> Jul 2 = 1.0, at most Jun 1 -> Jul 3 = 32.0.
 */
static void
test_csv_partial(void)
{
	check_csv("partial.csv", NULL, HEADER
	    "P,p1,1,2,94,,,,96,4.8..5.8,,15.8..16.8,\n"
	    "P,p2,1,,,,,,,,,1.0..32.0,\n");
}

/*
 * noecmo.csv: no ECMO, death in the ICU before any discharge.
 * no_flow 4; conventional to ROSC 14:04 -> 14:31 = 27; arrest 31;
 * no set-up, flow or ECPR.  ICU 15:00 -> death Jan 12 03:00 = 1 d 12 h
 * = 1.5; hospital 13:30 -> death = 1 d 13 h 30 min = 1.5625 -> 1.6.
 */
static void
test_csv_no_ecmo(void)
{
	check_csv("noecmo.csv", NULL, HEADER
	    "B,n1,1,4,27,,31,,,,1.5,1.6,\n");
}

/*
 * segments.csv (long form) and segments-wide.csv (wide, same episode):
 * cpr_start = ca_onset+PT1M = 10:01; MCC 10:06 -> 10:20 (14) and
 * 10:27 -> 11:05 (38): 52; cannulation = flow-PT22M = 10:43 (a forward
 * anchor); ROSC = flow+PT2H10M = 13:15; ECMO stop = flow+P4DT6H.
 * no_flow 1; conventional 10:01 -> 11:05 = 64; arrest 10:00 -> 13:15 =
 * 195; set-up 22; to flow 65; ECPR 4.25 -> 4.3; hospital P20D = 20.0;
 * cpc 3 from the wide file.
 */
static void
test_csv_segments_relative_merge(void)
{
	char *out = NULL, *err = NULL;
	char *p1 = data("segments.csv"), *p2 = data("segments-wide.csv");
	int st;

	st = run(&out, &err, p1, p2, NULL);
	CHECK_RUN(st, out, err, 0, HEADER
	    "C,s1,1,1,64,52,195,22,65,4.3,,20.0,3\n", "");
	st = run(&out, &err, p1, NULL);
	CHECK_RUN(st, out, err, 0, HEADER
	    "C,s1,1,1,64,52,195,22,65,4.3,,20.0,\n", "");
	free(p1);
	free(p2);
}

/*
 * sort.csv: byte order of site ("B" < "a" < "a,b" < "b") and subject
 * ("X" < "x10" < "x9"), numeric episode (2 < 10); RFC 4180 quoting of
 * a site with a comma and a subject with a quote.
 */
static void
test_csv_sorting_and_quoting(void)
{
	check_csv("sort.csv", NULL, HEADER
	    "B,x10,1,,,,,,,,,,\n"
	    "a,X,1,,,,,,,,,,\n"
	    "a,x10,2,,,,,,,,,,\n"
	    "a,x10,10,,,,,,,,,,\n"
	    "a,x9,1,,,,,,,,,,\n"
	    "\"a,b\",\"p\"\"1\",1,,,,,,,,,,\n"
	    "b,x9,1,,,,,,,,,,\n");
}

/*
 * Files are merged and sorted together; "-" is standard input.  With no
 * file at all the registry is read: here none runs, so exit 69 and
 * nothing on standard output.
 */
static void
test_csv_several_files_and_stdin(void)
{
	char *out = NULL, *err = NULL, *argv[4];
	char *p1 = data("noecmo.csv"), *p2 = data("midnight.csv");
	int st;

	st = run(&out, &err, p1, p2, NULL);
	CHECK_RUN(st, out, err, 0, HEADER
	    "A,m1,1,3,52,35,100,25,55,3.5,10.3,19.8,2\n"
	    "B,n1,1,4,27,,31,,,,1.5,1.6,\n", "");
	argv[0] = strdup("ecpr-table");
	argv[1] = strdup("-");
	argv[2] = NULL;
	st = cu_run_tool(argv, p2, &out, &err);
	CHECK_RUN(st, out, err, 0, HEADER
	    "A,m1,1,3,52,35,100,25,55,3.5,10.3,19.8,2\n", "");
	free(argv[1]);
	argv[1] = NULL;
	setenv("ECPR_DB_DIR", "/nonexistent/ecpr-registry", 1);
	unsetenv("PGHOST");
	unsetenv("PGDATABASE");
	unsetenv("PGSERVICE");
	st = cu_run_tool(argv, p1, &out, &err);
	CU_ASSERT_EQUAL(st, 69);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-table: cannot connect to the "
	    "embedded registry"));
	free(out);
	free(err);
	free(argv[0]);
	free(p1);
	free(p2);
}

/*
 * A file with the header row only (long and wide form) holds no episode:
 * the header of the table and nothing else, exit 0, in every layout.
 * Sorting no rows used to call qsort(NULL, 0, ...), which aborts the
 * UBSan build.
 */
static void
test_csv_header_only(void)
{
	char *out = NULL, *err = NULL;
	char *pl = data("header-only-long.csv");
	char *pw = data("header-only-wide.csv");
	int st;

	check_csv("header-only-long.csv", NULL, HEADER);
	check_csv("header-only-wide.csv", NULL, HEADER);
	st = run(&out, &err, pl, pw, NULL);
	CHECK_RUN(st, out, err, 0, HEADER, "");
	st = run(&out, &err, "--layout", "paper", "--format", "markdown", pl,
	    NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT(strncmp(out, "| Characteristics |", 19) == 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	free(pl);
	free(pw);
}

static CU_TestInfo csv_tests[] = {
	{ "across midnight", test_csv_midnight },
	{ "header row only", test_csv_header_only },
	{ "across a DST change (--tz)", test_csv_dst },
	{ "across a DST change ($ECPR_TZ)", test_csv_dst_env },
	{ "partial dates give ranges", test_csv_partial },
	{ "no ECMO, death before discharge", test_csv_no_ecmo },
	{ "segments, relative values, wide+long merge",
	    test_csv_segments_relative_merge },
	{ "sorting and quoting", test_csv_sorting_and_quoting },
	{ "several files and standard input",
	    test_csv_several_files_and_stdin },
	CU_TEST_INFO_NULL,
};

/* ------------------------------------------------------------------ */
/* Layouts and formats                                                  */
/* ------------------------------------------------------------------ */

#define DEF_NO_FLOW "minutes from ca_onset (collapse) to cpr_start (first " \
	"chest compression)"
#define DEF_CONV "minutes of conventional CPR (manual and mechanical) " \
	"from cpr_start to ecmo_flow_start, or to sustained rosc when " \
	"there is no ECMO flow"
#define DEF_MCC "minutes of mechanical chest compression: the sum of all " \
	"mcc_start to mcc_stop segments"
#define DEF_CA "minutes from ca_onset to sustained rosc (transient ROSC " \
	"periods included)"
#define DEF_SETUP "minutes from cannulation_start to ecmo_flow_start"
#define DEF_TO_FLOW "minutes from ca_onset to ecmo_flow_start"
#define DEF_ECPR "days from ecmo_flow_start to ecmo_stop"
#define DEF_ICU "days from icu_admit to icu_discharge, or to death when " \
	"there is no icu_discharge"
#define DEF_HOSP "days from hospital_admit to hospital_discharge, or to " \
	"death when there is no hospital_discharge"
#define DEF_CPC "Cerebral Performance Category at hospital discharge (1 " \
	"good to 5 dead)"

#define ABBREV_PAPER "APACHE Acute Physiology and Chronic Health " \
	"Evaluation, BMI body mass index, CA cardiac arrest, CC chest " \
	"compression, CPC cerebral performance category, CPR " \
	"cardiopulmonary resuscitation, CRRT continuous renal replacement " \
	"treatment, ECMO extracorporeal membrane oxygenation, ECPR " \
	"extracorporeal cardiopulmonary resuscitation, IABP intra-aortic " \
	"balloon pump, ICU intensive care unit, MV mechanical ventilation, " \
	"PCI percutaneous coronary intervention, ROSC return of spontaneous " \
	"circulation"
#define ABBREV_EPISODES "CA cardiac arrest, CPC cerebral performance " \
	"category, CPR cardiopulmonary resuscitation, ECMO extracorporeal " \
	"membrane oxygenation, ECPR extracorporeal cardiopulmonary " \
	"resuscitation, ICU intensive care unit, MCC mechanical chest " \
	"compression, ROSC return of spontaneous circulation"

#define NOTES_PAPER_TEXT \
	"\n" \
	"(a) Conventional CPR duration: " DEF_CONV "\n" \
	"(b) Cardiac arrest duration: " DEF_CA "\n" \
	"(c) Mechanical CC duration: " DEF_MCC "\n" \
	"(d) Duration for ECMO setup: " DEF_SETUP "\n" \
	"(e) ECPR duration: " DEF_ECPR "\n" \
	"(f) ICU stays: " DEF_ICU "\n" \
	"(g) Hospital stays: " DEF_HOSP "\n" \
	"(h) CPC at discharge: " DEF_CPC "\n" \
	"Abbreviations: " ABBREV_PAPER ".\n" \
	"Definitions: " ECPR_DEFS_VERSION ".\n"

/*
 * The template reproduces Table 2 of the seed paper: every minute row,
 * the ECPR durations, case 1-2 stays, case 3 ICU and the CPC row.
 * The cells that differ on purpose (one decimal for days, case 3
 * hospital 32.0 vs 20, case 4 stays 41.0 vs 33, case 3 CRRT) are listed
 * and explained in templates/case-record-notes.md.
 */
#define TABLE2_TEXT \
	"Characteristics                     case1                case2           case3         case4\n" \
	"----------------------------------  -------------------  --------------  ------------  ------------\n" \
	"Age, years                          47                   17              8             94\n" \
	"Sex                                 Male                 Female          Female        Female\n" \
	"BMI, kg/m2                          21.3                 18.6            19.7          18.8\n" \
	"Primary disease                     IHD                  AFM             AFM           COPD\n" \
	"Site of CA                          Home                 Street          ICU           ICU\n" \
	"First CPR provider                  First-aider          Bystander       Intensivist   Intensivist\n" \
	"Initial rhythm                      VF                                   Asystole      VF\n" \
	"Conventional CPR duration (a), min  77                   120             70            80\n" \
	"Mechanical CC duration (c), min     62                   115             60            70\n" \
	"Cardiac arrest duration (b), min    270                  2752            100           120\n" \
	"Duration for ECMO setup (d), min    20                   33              30            25\n" \
	"Method for ECMO cannulation         Percutaneous         Percutaneous    Percutaneous  Percutaneous\n" \
	"APACHE II score at ECPR initiation  40                   44              22            36\n" \
	"Assistant major intervention(s)     PCI, IABP, CRRT, MV  IABP, CRRT, MV  CRRT, MV      MV\n" \
	"ECPR duration (e), day              7.0                  7.0             6.0           6.0\n" \
	"ICU stays (f), day                  30.0                 21.0            29.0          41.0\n" \
	"Hospital stays (g), day             87.0                 39.0            32.0          41.0\n" \
	"CPC at discharge (h)                1                    1               1             Death\n"

/* A file of templates/ in the source tree (malloc'd). */
static char *
template_file(const char *name)
{
	const char *src = getenv("ECPR_SRCDIR");
	char path[1024];

	snprintf(path, sizeof(path), "%s/templates/%s",
	    src != NULL ? src : ".", name);
	return strdup(path);
}

static char *
template_path(void)
{
	return template_file("case-record.csv");
}

static void
test_template_reproduces_table2(void)
{
	char *out = NULL, *err = NULL, *path = template_path();
	int st;

	st = run(&out, &err, "--layout", "paper", "--format", "text", path,
	    NULL);
	CHECK_RUN(st, out, err, 0, TABLE2_TEXT NOTES_PAPER_TEXT, "");
	free(path);
}

/*
 * The template through the csv contract: the Table 2 minutes, plus
 * no_flow 0 (CPR started at once in every case) and ca_to_flow (equal to
 * conventional CPR since no_flow is 0).
 */
static void
test_template_csv(void)
{
	char *out = NULL, *err = NULL, *path = template_path();
	int st;

	st = run(&out, &err, path, NULL);
	CHECK_RUN(st, out, err, 0, HEADER
	    "SEED,case1,1,0,77,62,270,20,77,7.0,30.0,87.0,1\n"
	    "SEED,case2,1,0,120,115,2752,33,120,7.0,21.0,39.0,1\n"
	    "SEED,case3,1,0,70,60,100,30,70,6.0,29.0,32.0,1\n"
	    "SEED,case4,1,0,80,70,120,25,80,6.0,41.0,41.0,5\n", "");
	st = run(&out, &err, "-l", "paper", "-f", "csv", path, NULL);
	CHECK_RUN(st, out, err, 0,
	    "Characteristics,case1,case2,case3,case4\n"
	    "\"Age, years\",47,17,8,94\n"
	    "Sex,Male,Female,Female,Female\n"
	    "\"BMI, kg/m2\",21.3,18.6,19.7,18.8\n"
	    "Primary disease,IHD,AFM,AFM,COPD\n"
	    "Site of CA,Home,Street,ICU,ICU\n"
	    "First CPR provider,First-aider,Bystander,Intensivist,Intensivist\n"
	    "Initial rhythm,VF,,Asystole,VF\n"
	    "\"Conventional CPR duration (a), min\",77,120,70,80\n"
	    "\"Mechanical CC duration (c), min\",62,115,60,70\n"
	    "\"Cardiac arrest duration (b), min\",270,2752,100,120\n"
	    "\"Duration for ECMO setup (d), min\",20,33,30,25\n"
	    "Method for ECMO cannulation,Percutaneous,Percutaneous,"
	    "Percutaneous,Percutaneous\n"
	    "APACHE II score at ECPR initiation,40,44,22,36\n"
	    "Assistant major intervention(s),\"PCI, IABP, CRRT, MV\","
	    "\"IABP, CRRT, MV\",\"CRRT, MV\",MV\n"
	    "\"ECPR duration (e), day\",7.0,7.0,6.0,6.0\n"
	    "\"ICU stays (f), day\",30.0,21.0,29.0,41.0\n"
	    "\"Hospital stays (g), day\",87.0,39.0,32.0,41.0\n"
	    "CPC at discharge (h),1,1,1,Death\n", "");
	free(path);
}

/* The episodes layout as text: aligned columns, then the definitions. */
static void
test_text_episodes(void)
{
	char *out = NULL, *err = NULL;
	char *p1 = data("noecmo.csv"), *p2 = data("midnight.csv");
	int st;

	st = run(&out, &err, "-f", "text", p1, p2, NULL);
	CHECK_RUN(st, out, err, 0,
	    "site  subject  episode  no_flow_min  conventional_cpr_min  "
	    "mechanical_cc_min  cardiac_arrest_min  ecmo_setup_min  "
	    "ca_to_flow_min  ecpr_days  icu_days  hospital_days  "
	    "cpc_discharge\n"
	    "----  -------  -------  -----------  --------------------  "
	    "-----------------  ------------------  --------------  "
	    "--------------  ---------  --------  -------------  "
	    "-------------\n"
	    "A     m1       1        3            52                    "
	    "35                 100                 25              "
	    "55              3.5        10.3      19.8           2\n"
	    "B     n1       1        4            27                    "
	    "                   31                                  "
	    "                           1.5       1.6\n"
	    "\n"
	    "no_flow_min: " DEF_NO_FLOW "\n"
	    "conventional_cpr_min: " DEF_CONV "\n"
	    "mechanical_cc_min: " DEF_MCC "\n"
	    "cardiac_arrest_min: " DEF_CA "\n"
	    "ecmo_setup_min: " DEF_SETUP "\n"
	    "ca_to_flow_min: " DEF_TO_FLOW "\n"
	    "ecpr_days: " DEF_ECPR "\n"
	    "icu_days: " DEF_ICU "\n"
	    "hospital_days: " DEF_HOSP "\n"
	    "cpc_discharge: " DEF_CPC "\n"
	    "Abbreviations: " ABBREV_EPISODES ".\n"
	    "Definitions: " ECPR_DEFS_VERSION ".\n", "");
	free(p1);
	free(p2);
}

/*
 * Widths count characters, not bytes: "Zoë" (4 bytes) and "病例" (two
 * wide characters, 6 bytes) both take their display width.
 */
static void
test_text_utf8_widths(void)
{
	char *out = NULL, *err = NULL, *dir = cu_tmpdir(), *path;
	int st;

	path = cu_write_file(dir, "u.csv",
	    "site,subject,episode,ca_onset,cpr_start\n"
	    "H,Zo\xc3\xab,1,2023-01-01T00:00Z,2023-01-01T00:02Z\n"
	    "H,\xe7\x97\x85\xe4\xbe\x8b,1,2023-01-01T00:00Z,"
	    "2023-01-01T00:01Z\n"
	    "H,ab,1,2023-01-01T00:00Z,2023-01-01T00:05Z\n");
	st = run(&out, &err, "-f", "text", path, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	/* byte order: "Zo\xc3\xab" < "ab" < "\xe7..." */
	CU_ASSERT(strncmp(out,
	    "site  subject  episode  no_flow_min  conventional_cpr_min",
	    57) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "\nH     Zo\xc3\xab      1        2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "\nH     ab       1        5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "\nH     \xe7\x97\x85\xe4\xbe\x8b     1        1\n"));
	free(out);
	free(err);
	free(path);
	cu_rmtree(dir);
	free(dir);
}

/* Markdown pipe table, with Markdown's special characters escaped. */
static void
test_markdown_paper(void)
{
	char *out = NULL, *err = NULL, *path = data("escape.csv");
	int st;

	st = run(&out, &err, "-f", "markdown", "-l", "paper", path, NULL);
	CHECK_RUN(st, out, err, 0,
	    "| Characteristics | a\\_b{1}% |\n"
	    "| --- | --- |\n"
	    "| Age, years | 60 |\n"
	    "| Sex | Male |\n"
	    "| BMI, kg/m2 |  |\n"
	    "| Primary disease | MI & 50% \\<LAD\\> \"~^\\\\#$ |\n"
	    "| Site of CA | Home |\n"
	    "| First CPR provider |  |\n"
	    "| Initial rhythm |  |\n"
	    "| Conventional CPR duration (a), min |  |\n"
	    "| Mechanical CC duration (c), min |  |\n"
	    "| Cardiac arrest duration (b), min |  |\n"
	    "| Duration for ECMO setup (d), min |  |\n"
	    "| Method for ECMO cannulation |  |\n"
	    "| APACHE II score at ECPR initiation |  |\n"
	    "| Assistant major intervention(s) | None |\n"
	    "| ECPR duration (e), day |  |\n"
	    "| ICU stays (f), day |  |\n"
	    "| Hospital stays (g), day |  |\n"
	    "| CPC at discharge (h) | 2 |\n"
	    "\n<sup>a</sup> Conventional CPR duration: "
	    "minutes of conventional CPR (manual and mechanical) from "
	    "cpr\\_start to ecmo\\_flow\\_start, or to sustained rosc when "
	    "there is no ECMO flow\n"
	    "\n<sup>b</sup> Cardiac arrest duration: minutes from "
	    "ca\\_onset to sustained rosc (transient ROSC periods included)\n"
	    "\n<sup>c</sup> Mechanical CC duration: minutes of mechanical "
	    "chest compression: the sum of all mcc\\_start to mcc\\_stop "
	    "segments\n"
	    "\n<sup>d</sup> Duration for ECMO setup: minutes from "
	    "cannulation\\_start to ecmo\\_flow\\_start\n"
	    "\n<sup>e</sup> ECPR duration: days from ecmo\\_flow\\_start to "
	    "ecmo\\_stop\n"
	    "\n<sup>f</sup> ICU stays: days from icu\\_admit to "
	    "icu\\_discharge, or to death when there is no icu\\_discharge\n"
	    "\n<sup>g</sup> Hospital stays: days from hospital\\_admit to "
	    "hospital\\_discharge, or to death when there is no "
	    "hospital\\_discharge\n"
	    "\n<sup>h</sup> CPC at discharge: " DEF_CPC "\n"
	    "\nAbbreviations: " ABBREV_PAPER ".\n"
	    "\nDefinitions: " ECPR_DEFS_VERSION ".\n", "");
	free(path);
}

/* LaTeX with booktabs rules and every special character escaped. */
static void
test_latex_escaping(void)
{
	char *out = NULL, *err = NULL, *path = data("escape.csv");
	const char *head, *phead;
	int st;

	st = run(&out, &err, "-f", "latex", path, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(err, "");
	head = "\\begin{tabular}{lllllllllllll}\n"
	    "\\toprule\n"
	    "site & subject & episode & no\\_flow\\_min & "
	    "conventional\\_cpr\\_min & mechanical\\_cc\\_min & "
	    "cardiac\\_arrest\\_min & ecmo\\_setup\\_min & "
	    "ca\\_to\\_flow\\_min & ecpr\\_days & icu\\_days & "
	    "hospital\\_days & cpc\\_discharge \\\\\n"
	    "\\midrule\n"
	    "S\\&P & a\\_b\\{1\\}\\% & 1 &  &  &  &  &  &  &  &  &  & 2 \\\\\n"
	    "\\bottomrule\n"
	    "\\end{tabular}\n"
	    "\n"
	    "no\\_flow\\_min: minutes from ca\\_onset (collapse) to "
	    "cpr\\_start (first chest compression)\\par\n";
	CU_ASSERT(strncmp(out, head, strlen(head)) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nAbbreviations: CA cardiac "
	    "arrest, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ".\\par\nDefinitions: "
	    ECPR_DEFS_VERSION ".\\par\n"));
	free(out);
	free(err);
	st = run(&out, &err, "-f", "latex", "-l", "paper", path, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	phead = "\\begin{tabular}{ll}\n\\toprule\n"
	    "Characteristics & a\\_b\\{1\\}\\% \\\\\n\\midrule\n"
	    "Age, years & 60 \\\\\n";
	CU_ASSERT(strncmp(out, phead, strlen(phead)) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nPrimary disease & MI \\& 50\\% "
	    "\\textless{}LAD\\textgreater{} \"\\textasciitilde{}\\textasciicircum{}\\textbackslash{}"
	    "\\#\\$ \\\\\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nConventional CPR "
	    "duration\\textsuperscript{a}, min &  \\\\\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nCPC at discharge"
	    "\\textsuperscript{h} & 2 \\\\\n\\bottomrule\n\\end{tabular}\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n\\textsuperscript{a}~"
	    "Conventional CPR duration: minutes of conventional CPR (manual "
	    "and mechanical) from cpr\\_start to ecmo\\_flow\\_start, or to "
	    "sustained rosc when there is no ECMO flow\\par\n"));
	free(out);
	free(err);
	free(path);
}

/* HTML: a complete <table> fragment with escaped text and a <tfoot>. */
static void
test_html_escaping(void)
{
	char *out = NULL, *err = NULL, *path = data("escape.csv");
	int st;

	st = run(&out, &err, "-f", "html", path, NULL);
	CHECK_RUN(st, out, err, 0,
	    "<table class=\"ecpr-table\">\n<thead>\n<tr>"
	    "<th scope=\"col\">site</th><th scope=\"col\">subject</th>"
	    "<th scope=\"col\">episode</th>"
	    "<th scope=\"col\">no_flow_min</th>"
	    "<th scope=\"col\">conventional_cpr_min</th>"
	    "<th scope=\"col\">mechanical_cc_min</th>"
	    "<th scope=\"col\">cardiac_arrest_min</th>"
	    "<th scope=\"col\">ecmo_setup_min</th>"
	    "<th scope=\"col\">ca_to_flow_min</th>"
	    "<th scope=\"col\">ecpr_days</th>"
	    "<th scope=\"col\">icu_days</th>"
	    "<th scope=\"col\">hospital_days</th>"
	    "<th scope=\"col\">cpc_discharge</th></tr>\n</thead>\n<tbody>\n"
	    "<tr><th scope=\"row\">S&amp;P</th><td>a_b{1}%</td><td>1</td>"
	    "<td></td><td></td><td></td><td></td><td></td><td></td><td></td>"
	    "<td></td><td></td><td>2</td></tr>\n"
	    "</tbody>\n<tfoot>\n"
	    "<tr><td colspan=\"13\">no_flow_min: " DEF_NO_FLOW "</td></tr>\n"
	    "<tr><td colspan=\"13\">conventional_cpr_min: " DEF_CONV
	    "</td></tr>\n"
	    "<tr><td colspan=\"13\">mechanical_cc_min: " DEF_MCC "</td></tr>\n"
	    "<tr><td colspan=\"13\">cardiac_arrest_min: " DEF_CA "</td></tr>\n"
	    "<tr><td colspan=\"13\">ecmo_setup_min: " DEF_SETUP "</td></tr>\n"
	    "<tr><td colspan=\"13\">ca_to_flow_min: " DEF_TO_FLOW
	    "</td></tr>\n"
	    "<tr><td colspan=\"13\">ecpr_days: " DEF_ECPR "</td></tr>\n"
	    "<tr><td colspan=\"13\">icu_days: " DEF_ICU "</td></tr>\n"
	    "<tr><td colspan=\"13\">hospital_days: " DEF_HOSP "</td></tr>\n"
	    "<tr><td colspan=\"13\">cpc_discharge: " DEF_CPC "</td></tr>\n"
	    "<tr><td colspan=\"13\">Abbreviations: " ABBREV_EPISODES
	    ".</td></tr>\n"
	    "<tr><td colspan=\"13\">Definitions: " ECPR_DEFS_VERSION
	    ".</td></tr>\n"
	    "</tfoot>\n</table>\n", "");
	st = run(&out, &err, "-f", "html", "-l", "paper", path, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<tr><th scope=\"row\">Primary "
	    "disease</th><td>MI &amp; 50% &lt;LAD&gt; &quot;~^\\#$</td>"
	    "</tr>\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<tr><th scope=\"row\">"
	    "Conventional CPR duration<sup>a</sup>, min</th><td></td>"
	    "</tr>\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<tr><td colspan=\"2\">"
	    "<sup>a</sup> Conventional CPR duration: " DEF_CONV
	    "</td></tr>\n"));
	free(out);
	free(err);
	free(path);
}

/*
 * The paper layout heads later episodes "subject #N", in episode order,
 * and prints "None" for no intervention and the CPC code when there is
 * no death.
 */
static void
test_paper_episode_headings(void)
{
	char *out = NULL, *err = NULL, *dir = cu_tmpdir(), *path;
	const char *head;
	int st;

	path = cu_write_file(dir, "e.csv",
	    "site,subject,episode,age_years,cpc_discharge,ca_onset,pci,"
	    "hospital_admit,hospital_discharge,death\n"
	    "S,a,2,61,,2023-01-01T00:00Z,2023-01-01T01:00Z,"
	    "2023-01-01T00:30Z,,2023-01-03T00:30Z\n"
	    "S,a,1,60,2,2022-01-01T00:00Z,,2022-01-01T00:30Z,"
	    "2022-01-11T00:30Z,2022-05-01T00:00Z\n");
	st = run(&out, &err, "-l", "paper", "-f", "markdown", path, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	/* episode 1: discharged Jan 11 (10.0 days), died later: CPC 2;
	 * episode 2: died in hospital Jan 3 00:30 (2.0 days): Death */
	head = "| Characteristics | a | a #2 |\n"
	    "| --- | --- | --- |\n| Age, years | 60 | 61 |\n";
	CU_ASSERT(strncmp(out, head, strlen(head)) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "\n| Assistant major intervention(s) | None | PCI |\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "\n| Hospital stays (g), day | 10.0 | 2.0 |\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "\n| CPC at discharge (h) | 2 | Death |\n"));
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	free(path);
	cu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Observations and complications: Table 1 and the adverse events       */
/* ------------------------------------------------------------------ */

/* The paper's Table 1, from the four template cases. */
#define TABLE1_TEXT \
	"Measurements        Reference range             case1     case2     case3     case4\n" \
	"------------------  --------------------------  --------  --------  --------  --------\n" \
	"NT-proBNP, pg/mL    0–300                       > 35,000  > 35,000  > 35,000  27,861.3\n" \
	"PCT, ng/mL          < 0.5                       12.12     6.76      > 94.42   11.41\n" \
	"cTnI, ng/mL         < 0.15                      50        50        41.19     12.22\n" \
	"Lac, mmol/L         0.7–2.5                     13.1      > 15.0    > 15.0    > 15.0\n" \
	"Cr, μmol/L          50.4–98.1 (children 27–62)  577.2     285.6     129.5     124.7\n" \
	"ALT, U/L            5–35                        141.6     1491.1    1991.6    45.1\n" \
	"TBIL, μmol/L        3.4–17.1                    38.7      72.3      63.1      264.1\n" \
	"PLT, 10⁹/L          100–300                     32        21        38        34\n" \
	"Urine output, mL/h  > 17                        0.5       0.5       16.3      4.2\n" \
	"\n" \
	"Measurements: the clinically worst value between ecmo_flow_start and ecmo_stop (the ECPR course): the highest, or the lowest for platelets, urine output, ECMO flow and MAP; \"> 35,000\" is a censored value, beyond the range of the assay\n" \
	"Abbreviations: ALT alanine aminotransferase, Cr creatinine, cTnI cardiac troponin I, Lac lactic acid, NT-proBNP N-terminal pro-brain natriuretic peptide, PCT procalcitonin, PLT platelet count, TBIL total bilirubin.\n" \
	"Definitions: ecpr-2026.1.\n\n"

static void
test_template_reproduces_table1(void)
{
	char *out = NULL, *err = NULL, *p1 = template_path();
	char *p2 = template_file("observations.csv");
	char *p3 = template_file("complications.csv");
	int st;

	st = run(&out, &err, "--layout", "paper", "--format", "text", p1, p2,
	    p3, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_NSTRING_EQUAL(out, TABLE1_TEXT, strlen(TABLE1_TEXT));
	if (strncmp(out, TABLE1_TEXT, strlen(TABLE1_TEXT)) != 0)
		fprintf(stderr, "\n--- got:\n%s---\n", out);
	/* the adverse-event rows of Table 2, between the interventions
	 * and the ECPR duration, and their abbreviations */
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Assistant major intervention(s)       PCI, IABP, CRRT, MV  "
	    "IABP, CRRT, MV       CRRT, MV      MV\n"
	    "Mechanical CC-related adverse events  None                 "
	    "Pulmonary contusion  None          None\n"
	    "ECPR-related adverse events           PI, MODS             "
	    "PE, MODS             PI, MODS      PI, MODS\n"
	    "ECPR duration (e), day                7.0                  "
	    "7.0                  6.0           6.0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ICU intensive care unit, "
	    "MODS multiple organ dysfunction syndrome, MV mechanical "
	    "ventilation, PCI percutaneous coronary intervention, "
	    "PE pulmonary edema, PI pulmonary infection, ROSC return of "
	    "spontaneous circulation.\n"));
	free(out);
	free(err);
	/* complications without observations: Table 2 only, with its AE
	 * rows; observations alone: no AE rows */
	st = run(&out, &err, "-l", "paper", "-f", "text", p1, p3, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_TRUE(strncmp(out, "Characteristics", 15) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ECPR-related adverse events"));
	free(out);
	free(err);
	st = run(&out, &err, "-l", "paper", "-f", "text", p1, p2, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_TRUE(strncmp(out, "Measurements", 12) == 0);
	CU_ASSERT_PTR_NULL(strstr(out, "adverse events"));
	CU_ASSERT_PTR_NULL(strstr(out, "MODS"));
	free(out);
	free(err);
	free(p1);
	free(p2);
	free(p3);
}

/*
 * Cases of our own: units sites use, censored values, values outside the
 * ECPR course, a child, the window and a site's ranges.
 */
static void
test_observations_csv(void)
{
	static const char *const wide =
	    "site,subject,age_years,ecmo_flow_start,ecmo_stop,icu_admit,"
	    "icu_discharge\n"
	    "H1,a,60,2023-03-01T10:00Z,2023-03-05T10:00Z,2023-03-01T08:00Z,"
	    "2023-03-20T08:00Z\n"
	    "H1,b,9,2023-04-01T10:00Z,,,\n"
	    "H1,c,40,,,,\n";
	static const char *const obs =
	    "site,subject,observation,time,value,unit\n"
	    "H1,a,creatinine,ecmo_flow_start+PT12H,2.1,mg/dL\n"
	    "H1,a,creatinine,ecmo_flow_start+PT36H,150,umol/L\n"
	    "H1,a,creatinine,2023-03-10T10:00Z,9,mg/dL\n"
	    "H1,a,lactate,ecmo_flow_start+PT1H,118,mg/dL\n"
	    "H1,a,lactate,ecmo_flow_start+PT2H,> 15.0,mmol/L\n"
	    "H1,a,platelets,2023-03-02T10:00Z,45000,/µL\n"
	    "H1,a,platelets,2023-03-03T10:00Z,<20,10^9/L\n"
	    "H1,b,creatinine,2023-04-02,0.5,mg/dL\n"
	    "H1,b,lactate,2023-04-01T11:00Z,<0.5,mmol/L\n"
	    "H1,c,lactate,2023-05-01T11:00Z,3,mmol/L\n";
	static const char *const ranges =
	    "observation,population,range,unit\n"
	    "lactate,paediatric,0.5-2.0,\n"
	    "creatinine,adult,0.7-1.2,mg/dL\n";
	char *dir = cu_tmpdir(), *pw, *po, *pr;
	char *out = NULL, *err = NULL;
	int st;

	pw = cu_write_file(dir, "w.csv", wide);
	po = cu_write_file(dir, "o.csv", obs);
	pr = cu_write_file(dir, "r.csv", ranges);
	st = run(&out, &err, pw, po, NULL);
	CHECK_RUN(st, out, err, 0,
	    "site,subject,episode,no_flow_min,conventional_cpr_min,"
	    "mechanical_cc_min,cardiac_arrest_min,ecmo_setup_min,"
	    "ca_to_flow_min,ecpr_days,icu_days,hospital_days,cpc_discharge,"
	    "lactate_worst,lactate_flag,creatinine_worst,creatinine_flag,"
	    "platelets_worst,platelets_flag\n"
	    "H1,a,1,,,,,,,4.0,19.0,,,>15.0,H,185.6,H,<20,L\n"
	    "H1,b,1,,,,,,,,,,,<0.5,L,44.2,N,,\n"
	    "H1,c,1,,,,,,,,,,,,,,,,\n", "");
	/* the ICU stay as the window, and the site's ranges */
	st = run(&out, &err, "--window", "icu_admit,icu_discharge",
	    "--ranges", pr, pw, po, NULL);
	CHECK_RUN(st, out, err, 0,
	    "site,subject,episode,no_flow_min,conventional_cpr_min,"
	    "mechanical_cc_min,cardiac_arrest_min,ecmo_setup_min,"
	    "ca_to_flow_min,ecpr_days,icu_days,hospital_days,cpc_discharge,"
	    "lactate_worst,lactate_flag,creatinine_worst,creatinine_flag,"
	    "platelets_worst,platelets_flag\n"
	    "H1,a,1,,,,,,,4.0,19.0,,,>15.0,H,795.6,H,<20,L\n"
	    "H1,b,1,,,,,,,,,,,,,,,,\n"
	    "H1,c,1,,,,,,,,,,,,,,,,\n", "");
	/* Table 1 of these: the range column shows both populations */
	st = run(&out, &err, "-l", "paper", "-f", "text", "--ranges", pr,
	    pw, po, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Lac, mmol/L   0.7–2.5 (children 0.5–2.0)   > 15.0  < 0.5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Cr, μmol/L    61.9–106.1 (children 27–62)  185.6   44.2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "PLT, 10⁹/L    100–300                      < 20\n"));
	free(out);
	free(err);
	/* LaTeX: symbols pdfLaTeX takes */
	st = run(&out, &err, "-l", "paper", "-f", "latex", pw, po, NULL);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Cr, \\textmu{}mol/L & "
	    "50.4--98.1 (children 27--62) & 185.6 & 44.2 &  \\\\\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "PLT, 10\\textsuperscript{9}/L"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Lac, mmol/L & 0.7--2.5 & "
	    "\\textgreater{} 15.0 & \\textless{} 0.5 &  \\\\\n"));
	free(out);
	free(err);
	cu_rmtree(dir);
	free(dir);
	free(pw);
	free(po);
	free(pr);
}

static void
test_observations_bad(void)
{
	static const char *const wide =
	    "site,subject,ecmo_flow_start\nH1,a,2023-03-01T10:00Z\n";
	char *dir = cu_tmpdir(), *pw, *po, *outp, *out = NULL, *err = NULL;
	int st;

	pw = cu_write_file(dir, "w.csv", wide);
	po = cu_write_file(dir, "o.csv",
	    "site,subject,observation,time,value,unit\n"
	    "H1,a,lactate,ecmo_flow_start+PT1H,\"35,0\",mmol/L\n");
	outp = cu_write_file(dir, "placeholder", "");
	free(outp);
	outp = strdup(po);
	strcpy(outp + strlen(outp) - 5, "t.csv");
	st = run(&out, &err, "-o", outp, pw, po, NULL);
	CU_ASSERT_EQUAL(st, 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "o.csv:2: field \"value\": "
	    "\"35,0\" has a comma: write the decimal mark as a point and no "
	    "thousands separator (35000, 15.0)\n"));
	CU_ASSERT_EQUAL(access(outp, F_OK), -1);
	free(out);
	free(err);
	free(po);
	po = cu_write_file(dir, "o.csv",
	    "site,subject,observation,time,value,unit\n"
	    "H1,a,platelets,ecmo_flow_start+PT1H,32,10^9/L\n"
	    "H1,a,platelets,ecmo_flow_start+PT1H,31,10^9/L\n");
	st = run(&out, &err, pw, po, NULL);
	CU_ASSERT_EQUAL(st, 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "o.csv:3: episode H1/a/1: "
	    "observation \"platelets\" at ecmo_flow_start+PT1H given twice "
	    "with different values: 32 10*9/L (line 2) and 31 10*9/L\n"));
	free(out);
	free(err);
	free(po);
	po = cu_write_file(dir, "c.csv",
	    "site,subject,complication,attribution\nH1,a,mods,ecmo\n");
	st = run(&out, &err, pw, po, NULL);
	CU_ASSERT_EQUAL(st, 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "c.csv:2: field \"attribution\": "
	    "\"ecmo\" is not mcc, ecpr or other\n"));
	free(out);
	free(err);
	st = run(&out, &err, "--ranges", "/nonexistent/r.csv", pw, NULL);
	CU_ASSERT_EQUAL(st, 66);
	free(out);
	free(err);
	cu_rmtree(dir);
	free(dir);
	free(pw);
	free(po);
	free(outp);
}

static CU_TestInfo layout_tests[] = {
	{ "template reproduces Table 2", test_template_reproduces_table2 },
	{ "template as csv (episodes and paper)", test_template_csv },
	{ "template reproduces Table 1 and the adverse events",
	    test_template_reproduces_table1 },
	{ "observations: units, censored values, window, ranges",
	    test_observations_csv },
	{ "observations: bad input", test_observations_bad },
	{ "text, episodes layout", test_text_episodes },
	{ "text widths are UTF-8 aware", test_text_utf8_widths },
	{ "markdown, paper layout", test_markdown_paper },
	{ "latex escaping", test_latex_escaping },
	{ "csv --defs-comment", test_defs_comment },
	{ "html escaping", test_html_escaping },
	{ "paper layout: episodes, interventions, death",
	    test_paper_episode_headings },
	CU_TEST_INFO_NULL,
};

/* ------------------------------------------------------------------ */
/* Bad input                                                            */
/* ------------------------------------------------------------------ */

/* Expected stderr: "ecpr-table: " + path of a data file + rest. */
static char *
msg(const char *file, const char *rest)
{
	char *path = data(file), *m;
	size_t n = strlen(path) + strlen(rest) + 16;

	m = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	snprintf(m, n, "ecpr-table: %s%s", path, rest);
	free(path);
	return m;
}

static void
check_bad(const char *file, const char *tz, int status, const char *rest)
{
	char *out = NULL, *err = NULL, *path = data(file);
	char *expect = msg(file, rest);
	int st;

	if (tz != NULL)
		st = run(&out, &err, "--tz", tz, path, NULL);
	else
		st = run(&out, &err, path, NULL);
	CHECK_RUN(st, out, err, status, "", expect);
	free(expect);
	free(path);
}

static void
test_bad_impossible_date(void)
{
	/* line 2 is the first bad row: the run stops there */
	check_bad("bad1.csv", NULL, 65, ":2: field \"cpr_start\": "
	    "\"2023-02-30T10:00Z\" is not a valid date (2023-02 has 28 days)\n");
}

static void
test_bad_out_of_range_code(void)
{
	check_bad("bad2.csv", NULL, 65, ":2: attribute \"cpc_discharge\": "
	    "\"7\" is out of range (1-5)\n");
}

static void
test_bad_local_time_without_zone(void)
{
	check_bad("dst.csv", NULL, 65, ":2: field \"ca_onset\": local time "
	    "\"2023-03-26T01:50\" has no UTC offset and no time zone is known "
	    "(give a time zone or write the offset)\n");
}

static void
test_bad_dst_gap_and_overlap(void)
{
	check_bad("dst-gap.csv", "Europe/Berlin", 65, ":2: field "
	    "\"cpr_start\": local time \"2023-03-26T02:30\" does not exist in "
	    "Europe/Berlin (the clocks jump from 02:00 to 03:00 on "
	    "2023-03-26)\n");
	check_bad("dst-overlap.csv", "Europe/Berlin", 65, ":2: field "
	    "\"ca_onset\": local time \"2023-10-29T02:30\" is ambiguous in "
	    "Europe/Berlin (+02:00 or +01:00): write the offset\n");
}

static void
test_bad_order_and_column(void)
{
	check_bad("order.csv", NULL, 65, ":2: episode X/r1/1: field \"rosc\": "
	    "2023-04-01T09:50Z is before ca_onset 2023-04-01T10:00Z "
	    "(line 2)\n");
	check_bad("unknown-column.csv", NULL, 65, ":1: column 5: unknown "
	    "column \"colour\"\n");
}

/* Without -k the first bad file stops the run: later files are not read. */
static void
test_bad_stops_at_first_error(void)
{
	char *out = NULL, *err = NULL;
	char *p1 = data("bad1.csv"), *p2 = data("bad2.csv");
	char *m1 = msg("bad1.csv", ":2: field \"cpr_start\": "
	    "\"2023-02-30T10:00Z\" is not a valid date (2023-02 has 28 days)\n");
	int st;

	st = run(&out, &err, p1, p2, NULL);
	CHECK_RUN(st, out, err, 65, "", m1);
	free(m1);
	free(p1);
	free(p2);
}

/* -k reports every error of every file, prints nothing and fails. */
static void
test_keep_going(void)
{
	char *out = NULL, *err = NULL, *expect;
	char *p1 = data("bad1.csv"), *p2 = data("midnight.csv");
	char *p3 = data("bad2.csv");
	char *m1 = msg("bad1.csv", ":2: field \"cpr_start\": "
	    "\"2023-02-30T10:00Z\" is not a valid date (2023-02 has 28 days)\n");
	char *m2 = msg("bad1.csv", ":4: field \"cpr_start\": \"04/03/2023\" "
	    "is not an ISO 8601 date or time "
	    "(YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])\n");
	char *m3 = msg("bad2.csv", ":2: attribute \"cpc_discharge\": "
	    "\"7\" is out of range (1-5)\n");
	size_t n = strlen(m1) + strlen(m2) + strlen(m3) + 1;
	int st;

	expect = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(expect);
	snprintf(expect, n, "%s%s%s", m1, m2, m3);
	st = run(&out, &err, "--keep-going", p1, p2, p3, NULL);
	CHECK_RUN(st, out, err, 65, "", expect);
	st = run(&out, &err, "-k", p1, p2, p3, NULL);
	CHECK_RUN(st, out, err, 65, "", expect);
	free(expect);
	free(m1);
	free(m2);
	free(m3);
	free(p1);
	free(p2);
	free(p3);
}

/* A missing file: 66; with -k the other files' errors are reported too
 * and the worse code (66) wins. */
static void
test_missing_file(void)
{
	char *out = NULL, *err = NULL, *expect;
	char *p2 = data("bad2.csv"), *m2;
	int st;
	size_t n;

	st = run(&out, &err, "/nonexistent/table.csv", NULL);
	CHECK_RUN(st, out, err, 66, "", "ecpr-table: /nonexistent/table.csv: "
	    "cannot open: No such file or directory\n");
	m2 = msg("bad2.csv", ":2: attribute \"cpc_discharge\": "
	    "\"7\" is out of range (1-5)\n");
	n = strlen(m2) + 128;
	expect = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(expect);
	snprintf(expect, n, "ecpr-table: /nonexistent/table.csv: cannot "
	    "open: No such file or directory\n%s", m2);
	st = run(&out, &err, "-k", "/nonexistent/table.csv", p2, NULL);
	CHECK_RUN(st, out, err, 66, "", expect);
	free(expect);
	free(m2);
	free(p2);
}

/* -o writes the file only on success, and never leaves a partial one. */
static void
test_output_file(void)
{
	char *out = NULL, *err = NULL, *dir = cu_tmpdir(), *text;
	char *good = data("noecmo.csv"), *bad = data("bad2.csv"), *m;
	char opath[1024];
	struct stat sb;
	int st;

	snprintf(opath, sizeof(opath), "%s/table.csv", dir);
	st = run(&out, &err, "-o", opath, good, NULL);
	CHECK_RUN(st, out, err, 0, "", "");
	text = cu_read_file(opath, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, HEADER "B,n1,1,4,27,,31,,,,1.5,1.6,\n");
	free(text);
	/* a failing run leaves the earlier file as it was */
	m = msg("bad2.csv", ":2: attribute \"cpc_discharge\": "
	    "\"7\" is out of range (1-5)\n");
	st = run(&out, &err, "--output", opath, bad, NULL);
	CHECK_RUN(st, out, err, 65, "", m);
	text = cu_read_file(opath, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, HEADER "B,n1,1,4,27,,31,,,,1.5,1.6,\n");
	free(text);
	/* and creates no file at all when there was none */
	snprintf(opath, sizeof(opath), "%s/new.csv", dir);
	st = run(&out, &err, "-o", opath, bad, NULL);
	CHECK_RUN(st, out, err, 65, "", m);
	CU_ASSERT_EQUAL(stat(opath, &sb), -1);
	/* nothing else (no temporary file) is left in the directory */
	snprintf(opath, sizeof(opath), "ls -A '%s' | wc -l | grep -qx 1",
	    dir);
	CU_ASSERT_EQUAL(system(opath), 0);
	/* an output file that cannot be created: 73 */
	snprintf(opath, sizeof(opath), "%s/no/such/dir/t.csv", dir);
	st = run(&out, &err, "-o", opath, good, NULL);
	CU_ASSERT_EQUAL(st, 73);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot create"));
	free(out);
	free(err);
	free(m);
	free(good);
	free(bad);
	cu_rmtree(dir);
	free(dir);
}

/*
 * -o onto something that is not a regular file (here a "full" device
 * made in a temporary directory, as /dev/full) writes in place: the
 * device is never renamed over, and a failed write is 74.
 */
static void
test_output_device(void)
{
	char *out = NULL, *err = NULL, *dir = cu_tmpdir();
	char *good = data("noecmo.csv");
	char dev[1024], expect[1200];
	struct stat sb;
	int st;

	snprintf(dev, sizeof(dev), "%s/full", dir);
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 7)) != 0) {
		/* not root: nothing to test here */
		free(good);
		cu_rmtree(dir);
		free(dir);
		return;
	}
	st = run(&out, &err, "-o", dev, good, NULL);
	snprintf(expect, sizeof(expect), "ecpr-table: %s: cannot write: No "
	    "space left on device\n", dev);
	CHECK_RUN(st, out, err, 74, "", expect);
	CU_ASSERT_EQUAL(stat(dev, &sb), 0);
	CU_ASSERT(S_ISCHR(sb.st_mode));
	free(good);
	cu_rmtree(dir);
	free(dir);
}

/*
 * -o replacing a file keeps its mode (a 0600 table stays 0600; it was
 * 0644 before), and a new file gets 0666 less the umask.
 */
static void
test_output_mode(void)
{
	char *out = NULL, *err = NULL, *dir = cu_tmpdir();
	char *good = data("noecmo.csv");
	char opath[1024];
	struct stat sb;
	mode_t um = umask(022);
	int st;

	snprintf(opath, sizeof(opath), "%s/table.csv", dir);
	st = run(&out, &err, "-o", opath, good, NULL);
	CHECK_RUN(st, out, err, 0, "", "");
	CU_ASSERT_EQUAL(stat(opath, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL(chmod(opath, 0600), 0);
	st = run(&out, &err, "-o", opath, good, NULL);
	CHECK_RUN(st, out, err, 0, "", "");
	CU_ASSERT_EQUAL(stat(opath, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(chmod(opath, 0640), 0);
	st = run(&out, &err, "-o", opath, good, NULL);
	CHECK_RUN(st, out, err, 0, "", "");
	CU_ASSERT_EQUAL(stat(opath, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0640);
	/* a new file under umask 077 */
	umask(077);
	snprintf(opath, sizeof(opath), "%s/new.csv", dir);
	st = run(&out, &err, "-o", opath, good, NULL);
	CHECK_RUN(st, out, err, 0, "", "");
	CU_ASSERT_EQUAL(stat(opath, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0600);
	umask(um);
	free(good);
	cu_rmtree(dir);
	free(dir);
}

/*
 * -o through a symbolic link replaces the file it names and keeps the
 * link; -o /dev/fd/N (as /dev/stdout) writes in place into what the
 * descriptor holds, here a regular file: renaming over the path would
 * replace the link in /dev (a temporary file beside it cannot even be
 * made there).
 */
static void
test_output_links(void)
{
	char *out = NULL, *err = NULL, *dir = cu_tmpdir(), *want, *got;
	char *good = data("noecmo.csv");
	char real[1024], link[1024], devfd[64];
	struct stat sb;
	int st, fd;

	st = run(&want, &err, good, NULL);
	CU_ASSERT_EQUAL(st, 0);
	free(err);
	snprintf(real, sizeof(real), "%s/real.csv", dir);
	snprintf(link, sizeof(link), "%s/link.csv", dir);
	free(cu_write_file(dir, "real.csv", "old\n"));
	CU_ASSERT_EQUAL_FATAL(symlink("real.csv", link), 0);
	st = run(&out, &err, "-o", link, good, NULL);
	CHECK_RUN(st, out, err, 0, "", "");
	CU_ASSERT_EQUAL(lstat(link, &sb), 0);
	CU_ASSERT(S_ISLNK(sb.st_mode));
	got = cu_read_file(real, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
	/* /dev/fd/N: the child inherits N, a regular file */
	fd = open(real, O_WRONLY | O_APPEND);
	CU_ASSERT_FATAL(fd > 2);
	snprintf(devfd, sizeof(devfd), "/dev/fd/%d", fd);
	free(cu_write_file(dir, "real.csv", "old\n"));
	st = run(&out, &err, "-o", devfd, good, NULL);
	CHECK_RUN(st, out, err, 0, "", "");
	close(fd);
	got = cu_read_file(real, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
	CU_ASSERT_EQUAL(lstat("/dev/fd", &sb), 0);
	CU_ASSERT(S_ISLNK(sb.st_mode));
	free(want);
	free(good);
	cu_rmtree(dir);
	free(dir);
}

static CU_TestInfo bad_tests[] = {
	{ "impossible date", test_bad_impossible_date },
	{ "out-of-range code", test_bad_out_of_range_code },
	{ "local time without a zone", test_bad_local_time_without_zone },
	{ "DST gap and overlap", test_bad_dst_gap_and_overlap },
	{ "ordering rule, unknown column", test_bad_order_and_column },
	{ "stops at the first error", test_bad_stops_at_first_error },
	{ "--keep-going reports all errors", test_keep_going },
	{ "missing file 66", test_missing_file },
	{ "-o leaves no file on failure", test_output_file },
	{ "-o onto a device writes in place", test_output_device },
	{ "-o keeps the mode of the file it replaces", test_output_mode },
	{ "-o through a symbolic link, -o /dev/fd/N", test_output_links },
	CU_TEST_INFO_NULL,
};

/* ------------------------------------------------------------------ */
/* Temporary files                                                      */
/* ------------------------------------------------------------------ */

/*
 * Run ecpr-table [-o o] -f format on the template in the environment
 * ECPR_SPILL_MEMORY=300 TMPDIR=tmpdir, its file size limit fsize (""
 * none), through env(1) and prlimit(1): the harness keeps its own
 * temporary directory and no limit.
 */
static int
run_spilled(char **out, char **err, const char *tmpdir, const char *o,
    const char *format, const char *fsize)
{
	char *path = template_path(), *argv[16], tmp[300], prog[300];
	int st, n = 0;

	snprintf(tmp, sizeof(tmp), "TMPDIR=%s", tmpdir);
	snprintf(prog, sizeof(prog), "%s/ecpr-table", getenv("ECPR_BIN"));
	argv[n++] = (char *)(uintptr_t)"env";
	argv[n++] = tmp;
	argv[n++] = (char *)(uintptr_t)"ECPR_SPILL_MEMORY=300";
	if (fsize[0] != '\0') {
		argv[n++] = (char *)(uintptr_t)"prlimit";
		argv[n++] = (char *)(uintptr_t)fsize;
	}
	argv[n++] = prog;
	argv[n++] = (char *)(uintptr_t)"-f";
	argv[n++] = (char *)(uintptr_t)format;
	if (o != NULL) {
		argv[n++] = (char *)(uintptr_t)"-o";
		argv[n++] = (char *)(uintptr_t)o;
	}
	argv[n++] = path;
	argv[n] = NULL;
	st = cu_run_tool(argv, NULL, out, err);
	free(path);
	return st;
}

/*
 * With buffers of 300 bytes the episodes go through sorted runs in
 * temporary files: the output is byte for byte the same.  A TMPDIR that
 * does not exist is exit 73, a temporary file that cannot grow (a file
 * size limit) exit 74, each naming the directory; -o is not written.
 */
static void
test_spill_tmpdir(void)
{
	static const char *const formats[] = { "csv", "text", "html" };
	char *out = NULL, *err = NULL, *want = NULL, *werr = NULL;
	char dir[] = "/tmp/ecpr-spill-XXXXXX", o[64];
	char *path = template_path();
	void (*prev)(int);
	struct stat st_o;
	size_t i;
	int st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(o, sizeof(o), "%s/out.csv", dir);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		st = run(&want, &werr, "-f", formats[i], path, NULL);
		CU_ASSERT_EQUAL(st, 0);
		st = run_spilled(&out, &err, dir, NULL, formats[i], "");
		CHECK_RUN(st, out, err, 0, want, "");
		free(want);
		free(werr);
	}
	st = run_spilled(&out, &err, "/nonexistent/ecpr-tmp", o, "csv", "");
	CHECK_RUN(st, out, err, 73, "", "ecpr-table: /nonexistent/ecpr-tmp: "
	    "cannot create a temporary file: No such file or directory\n");
	CU_ASSERT_NOT_EQUAL(stat(o, &st_o), 0);

	/* SIGXFSZ ignored (inherited): the write fails with EFBIG */
	prev = signal(SIGXFSZ, SIG_IGN);
	st = run_spilled(&out, &err, dir, o, "csv", "--fsize=100");
	signal(SIGXFSZ, prev);
	CU_ASSERT_EQUAL(st, 74);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": cannot write a temporary file: "
	    "File too large\n"));
	CU_ASSERT_EQUAL(strncmp(err, "ecpr-table: /tmp/ecpr-spill-", 28), 0);
	free(out);
	free(err);
	CU_ASSERT_NOT_EQUAL(stat(o, &st_o), 0);
	CU_ASSERT_EQUAL(rmdir(dir), 0); /* nothing left in it */
	free(path);
}

static CU_TestInfo spill_tests[] = {
	{ "temporary files: same output, exit 73 and 74",
	    test_spill_tmpdir },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "options", NULL, NULL, NULL, NULL, option_tests },
	{ "temporary files", NULL, NULL, NULL, NULL, spill_tests },
	{ "csv", NULL, NULL, NULL, NULL, csv_tests },
	{ "layouts", NULL, NULL, NULL, NULL, layout_tests },
	{ "bad input", NULL, NULL, NULL, NULL, bad_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	int rc;

	unsetenv("ECPR_TZ");
	/* every test in memory, then again with a spill budget of 64
	 * bytes: the same outputs and errors through temporary files */
	unsetenv("ECPR_SPILL_MEMORY");
	if ((rc = cu_run(suites)) != 0)
		return rc;
	setenv("ECPR_SPILL_MEMORY", "64", 1);
	return cu_run(suites);
}
