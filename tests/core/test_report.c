/* test_report.c - the durations table (ecpr_report) and its five writers */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"
#include "table.h"

#define F "report.csv"

struct ev {
	ecpr_event_type type;
	const char *value;
};

struct at {
	ecpr_attr_id id;
	const char *value;
};

/* A finished episode; evs ends with a NULL value, ats with a NULL value. */
static ecpr_episode *
build(const char *site, const char *subject, long number,
    const struct at *ats, const struct ev *evs)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, site, subject, number,
	    &err), ECPR_OK);
	for (; ats != NULL && ats->value != NULL; ats++)
		CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ats->id, ats->value,
		    F, 2, &err), ECPR_OK);
	for (; evs != NULL && evs->value != NULL; evs++)
		CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, evs->type,
		    evs->value, NULL, NULL, F, 2, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	return ep;
}

/*
 * Case A: special characters for every writer in the site, the subject
 * and a free-text attribute; ECMO; a discharge known only to the day (a
 * range of hospital days); PCI and MV; no ICU (missing values).
 */
static ecpr_episode *
case_a(void)
{
	static const struct at ats[] = {
		{ ECPR_AT_AGE_YEARS, "60" },
		{ ECPR_AT_SEX, "m" },
		{ ECPR_AT_PRIMARY_DISEASE,
	    "MI & 50% <LAD>, \"~^\\#$|*_`' \xe5\xbf\x83" },
		{ ECPR_AT_CA_LOCATION, "home" },
		{ ECPR_AT_INITIAL_RHYTHM, "vf" },
		{ ECPR_AT_CANNULATION_METHOD, "percutaneous" },
		{ ECPR_AT_CPC_DISCHARGE, "2" },
		{ ECPR_AT_AGE_YEARS, NULL },
	};
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2023-03-04T10:00Z" },
		{ ECPR_EV_CPR_START, "2023-03-04T10:04Z" },
		{ ECPR_EV_MCC_START, "2023-03-04T10:10Z" },
		{ ECPR_EV_MCC_STOP, "2023-03-04T10:52Z" },
		{ ECPR_EV_CANNULATION_START, "2023-03-04T10:30Z" },
		{ ECPR_EV_ECMO_FLOW_START, "2023-03-04T10:52Z" },
		{ ECPR_EV_ROSC, "2023-03-04T12:00Z" },
		{ ECPR_EV_PCI, "2023-03-04T13:00Z" },
		{ ECPR_EV_MV_START, "2023-03-04T11:00Z" },
		{ ECPR_EV_ECMO_STOP, "2023-03-09T10:52Z" },
		{ ECPR_EV_HOSPITAL_ADMIT, "2023-03-04T10:40Z" },
		{ ECPR_EV_HOSPITAL_DISCHARGE, "2023-03-20" },
		{ ECPR_EV_CA_ONSET, NULL },
	};

	return build("S&P", "a_b{1}<x>", 1, ats, evs);
}

/*
 * Case B: a later episode, no ECMO (conventional CPR until ROSC), death
 * in hospital (CPC "Death"), nothing else known.
 */
static ecpr_episode *
case_b(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2023-05-01T08:00Z" },
		{ ECPR_EV_CPR_START, "2023-05-01T08:02Z" },
		{ ECPR_EV_ROSC, "2023-05-01T08:30Z" },
		{ ECPR_EV_HOSPITAL_ADMIT, "2023-05-01T09:00Z" },
		{ ECPR_EV_DEATH, "2023-05-03T09:00Z" },
		{ ECPR_EV_CA_ONSET, NULL },
	};

	return build("H1", "P2", 2, NULL, evs);
}

/* A report of the given layout holding case B, then case A. */
static ecpr_report *
report_ab(ecpr_report_layout layout)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *a = case_a(), *b = case_b();

	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, layout, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, b, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, a, &err), ECPR_OK);
	/* the report copied what it needs */
	ecpr_episode_free(a);
	ecpr_episode_free(b);
	CU_ASSERT_EQUAL(ecpr_report_count(rep), 2);
	return rep;
}

/* What ecpr_report_write gives (malloc'd); the status in *rc. */
static char *
write_str(ecpr_report *rep, ecpr_report_format format, int *rc)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	*rc = ecpr_report_write(rep, format, fp, &err);
	CU_ASSERT_EQUAL(fclose(fp), 0);
	return buf;
}

/* The report written in format is exactly expect (shown when not). */
static void
check_write(ecpr_report *rep, ecpr_report_format format, const char *expect)
{
	int rc;
	char *got = write_str(rep, format, &rc);

	CU_ASSERT_EQUAL(rc, ECPR_OK);
	CU_ASSERT_STRING_EQUAL(got, expect);
	if (strcmp(got, expect) != 0)
		fprintf(stderr, "\n--- %s: got ---\n%s--- end ---\n",
		    ecpr_report_format_name(format), got);
	free(got);
}

/* ------------------------------------------------------------------ */

static void
test_names_and_lookups(void)
{
	static const struct {
		const char *name;
		int value;
	} layouts[] = {
		{ "episodes", ECPR_REPORT_EPISODES },
		{ "paper", ECPR_REPORT_PAPER },
	}, formats[] = {
		{ "csv", ECPR_REPORT_CSV },
		{ "text", ECPR_REPORT_TEXT },
		{ "markdown", ECPR_REPORT_MARKDOWN },
		{ "latex", ECPR_REPORT_LATEX },
		{ "html", ECPR_REPORT_HTML },
	};
	size_t i;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		CU_ASSERT_EQUAL(ecpr_report_layout_lookup(layouts[i].name),
		    layouts[i].value);
		CU_ASSERT_STRING_EQUAL(ecpr_report_layout_name(
		    (ecpr_report_layout)layouts[i].value), layouts[i].name);
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		CU_ASSERT_EQUAL(ecpr_report_format_lookup(formats[i].name),
		    formats[i].value);
		CU_ASSERT_STRING_EQUAL(ecpr_report_format_name(
		    (ecpr_report_format)formats[i].value), formats[i].name);
	}
	CU_ASSERT_EQUAL(ecpr_report_layout_lookup("wide"), -1);
	CU_ASSERT_EQUAL(ecpr_report_layout_lookup("Paper"), -1);
	CU_ASSERT_EQUAL(ecpr_report_layout_lookup(NULL), -1);
	CU_ASSERT_EQUAL(ecpr_report_format_lookup("pdf"), -1);
	CU_ASSERT_EQUAL(ecpr_report_format_lookup(""), -1);
	CU_ASSERT_PTR_NULL(ecpr_report_layout_name((ecpr_report_layout)2));
	CU_ASSERT_PTR_NULL(ecpr_report_format_name((ecpr_report_format)5));
	CU_ASSERT_PTR_NULL(ecpr_report_format_name((ecpr_report_format)-1));
}

static void
test_new_refuses_bad_arguments(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = (ecpr_report *)&err;

	CU_ASSERT_EQUAL(ecpr_report_new(&rep, (ecpr_report_layout)7, &err),
	    ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(rep);
	CU_ASSERT_STRING_EQUAL(err.message, "unknown report layout 7");
	CU_ASSERT_EQUAL(ecpr_report_new(NULL, ECPR_REPORT_PAPER, NULL),
	    ECPR_EINVAL);
	ecpr_report_free(NULL);
	CU_ASSERT_EQUAL(ecpr_report_count(NULL), 0);
}

static void
test_add_and_write_refuse_bad_arguments(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *a = case_a();

	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_EPISODES,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(NULL, a, &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_report_write(rep, ECPR_REPORT_CSV, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_report_write(NULL, ECPR_REPORT_CSV, stdout,
	    &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_report_write(rep, (ecpr_report_format)5, stdout,
	    &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_report_count(rep), 0);
	ecpr_episode_free(a);
	ecpr_report_free(rep);
}

/* A negative interval is refused, names the events; the report is as before. */
static void
test_negative_interval_refused(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CPR_START, "2021-07-27T09:50Z" },
		{ ECPR_EV_ECMO_FLOW_START, "2021-07-27T09:47Z" },
		{ ECPR_EV_CPR_START, NULL },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *ep = build("H1", "P1", 1, NULL, evs);
	char *got;
	int rc;

	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_EPISODES,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err), ECPR_ERULE);
	CU_ASSERT_EQUAL(err.code, ECPR_ERULE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "ecmo_flow_start"));
	CU_ASSERT_EQUAL(ecpr_report_count(rep), 0);
	got = write_str(rep, ECPR_REPORT_CSV, &rc);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	CU_ASSERT_STRING_EQUAL(got, "site,subject,episode,no_flow_min,"
	    "conventional_cpr_min,mechanical_cc_min,cardiac_arrest_min,"
	    "ecmo_setup_min,ca_to_flow_min,ecpr_days,icu_days,hospital_days,"
	    "cpc_discharge\n");
	free(got);
	ecpr_episode_free(ep);
	ecpr_report_free(rep);
}

/* A stream that refuses to be written is ECPR_EIO with the reason. */
static void
test_write_error(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = report_ab(ECPR_REPORT_PAPER);
	FILE *fp = fopen("/dev/full", "w");

	if (fp == NULL) { /* no /dev/full here: nothing to test */
		ecpr_report_free(rep);
		return;
	}
	setvbuf(fp, NULL, _IONBF, 0);
	CU_ASSERT_EQUAL(ecpr_report_write(rep, ECPR_REPORT_TEXT, fp, &err),
	    ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "cannot write: No space left on device");
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_report_write(rep, ECPR_REPORT_CSV, fp, &err),
	    ECPR_EIO);
	fclose(fp);
	ecpr_report_free(rep);
}

/* ------------------------------------------------------------------ */
/* Each writer in each layout                                           */
/* ------------------------------------------------------------------ */

/*
 * Every writer in both layouts, exactly, on cases A and B (added in the
 * other order: the rows come out sorted).
 */
static const struct {
	ecpr_report_layout layout;
	ecpr_report_format format;
	const char *expect;
} writers[] = {
	{ ECPR_REPORT_EPISODES, ECPR_REPORT_CSV,
	    "site,subject,episode,no_flow_min,conventional_cpr_min,me"
	    "chanical_cc_min,cardiac_arrest_min,ecmo_setup_min,ca_to_"
	    "flow_min,ecpr_days,icu_days,hospital_days,cpc_discharge\n"
	    "H1,P2,2,2,28,,30,,,,,2.0,\n"
	    "S&P,a_b{1}<x>,1,4,48,42,120,22,52,5.0,,15.6..16.6,2\n" },
	{ ECPR_REPORT_EPISODES, ECPR_REPORT_TEXT,
	    "site  subject    episode  no_flow_min  "
	    "conventional_cpr_min  mechanical_cc_min  "
	    "cardiac_arrest_min  ecmo_setup_min  ca_to_flow_min  "
	    "ecpr_days  icu_days  hospital_days  cpc_discharge\n"
	    "----  ---------  -------  -----------  "
	    "--------------------  -----------------  "
	    "------------------  --------------  --------------  "
	    "---------  --------  -------------  -------------\n"
	    "H1    P2         2        2            28               "
	    "                        30                              "
	    "                                         2.0\n"
	    "S&P   a_b{1}<x>  1        4            48               "
	    "     42                 120                 22          "
	    "    52              5.0                  15.6..16.6     "
	    "2\n"
	    "\n"
	    "no_flow_min: minutes from ca_onset (collapse) to "
	    "cpr_start (first chest compression)\n"
	    "conventional_cpr_min: minutes of conventional CPR "
	    "(manual and mechanical) from cpr_start to "
	    "ecmo_flow_start, or to sustained rosc when there is no "
	    "ECMO flow\n"
	    "mechanical_cc_min: minutes of mechanical chest "
	    "compression: the sum of all mcc_start to mcc_stop "
	    "segments\n"
	    "cardiac_arrest_min: minutes from ca_onset to sustained "
	    "rosc (transient ROSC periods included)\n"
	    "ecmo_setup_min: minutes from cannulation_start to "
	    "ecmo_flow_start\n"
	    "ca_to_flow_min: minutes from ca_onset to "
	    "ecmo_flow_start\n"
	    "ecpr_days: days from ecmo_flow_start to ecmo_stop\n"
	    "icu_days: days from icu_admit to icu_discharge, or to "
	    "death when there is no icu_discharge\n"
	    "hospital_days: days from hospital_admit to "
	    "hospital_discharge, or to death when there is no "
	    "hospital_discharge\n"
	    "cpc_discharge: Cerebral Performance Category at "
	    "hospital discharge (1 good to 5 dead)\n"
	    "Abbreviations: CA cardiac arrest, CPC cerebral "
	    "performance category, CPR cardiopulmonary "
	    "resuscitation, ECMO extracorporeal membrane "
	    "oxygenation, ECPR extracorporeal cardiopulmonary "
	    "resuscitation, ICU intensive care unit, MCC mechanical "
	    "chest compression, ROSC return of spontaneous "
	    "circulation.\n"
	    "Definitions: " ECPR_DEFS_VERSION ".\n" },
	{ ECPR_REPORT_EPISODES, ECPR_REPORT_MARKDOWN,
	    "| site | subject | episode | no\\_flow\\_min | "
	    "conventional\\_cpr\\_min | mechanical\\_cc\\_min | "
	    "cardiac\\_arrest\\_min | ecmo\\_setup\\_min | "
	    "ca\\_to\\_flow\\_min | ecpr\\_days | icu\\_days | "
	    "hospital\\_days | cpc\\_discharge |\n"
	    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | "
	    "--- | --- | --- | --- |\n"
	    "| H1 | P2 | 2 | 2 | 28 |  | 30 |  |  |  |  | 2.0 |  |\n"
	    "| S&P | a\\_b{1}\\<x\\> | 1 | 4 | 48 | 42 | 120 | 22 | 52 "
	    "| 5.0 |  | 15.6..16.6 | 2 |\n"
	    "\n"
	    "no\\_flow\\_min: minutes from ca\\_onset (collapse) to "
	    "cpr\\_start (first chest compression)\n"
	    "\n"
	    "conventional\\_cpr\\_min: minutes of conventional CPR "
	    "(manual and mechanical) from cpr\\_start to "
	    "ecmo\\_flow\\_start, or to sustained rosc when there is "
	    "no ECMO flow\n"
	    "\n"
	    "mechanical\\_cc\\_min: minutes of mechanical chest "
	    "compression: the sum of all mcc\\_start to mcc\\_stop "
	    "segments\n"
	    "\n"
	    "cardiac\\_arrest\\_min: minutes from ca\\_onset to "
	    "sustained rosc (transient ROSC periods included)\n"
	    "\n"
	    "ecmo\\_setup\\_min: minutes from cannulation\\_start to "
	    "ecmo\\_flow\\_start\n"
	    "\n"
	    "ca\\_to\\_flow\\_min: minutes from ca\\_onset to "
	    "ecmo\\_flow\\_start\n"
	    "\n"
	    "ecpr\\_days: days from ecmo\\_flow\\_start to ecmo\\_stop\n"
	    "\n"
	    "icu\\_days: days from icu\\_admit to icu\\_discharge, or "
	    "to death when there is no icu\\_discharge\n"
	    "\n"
	    "hospital\\_days: days from hospital\\_admit to "
	    "hospital\\_discharge, or to death when there is no "
	    "hospital\\_discharge\n"
	    "\n"
	    "cpc\\_discharge: Cerebral Performance Category at "
	    "hospital discharge (1 good to 5 dead)\n"
	    "\n"
	    "Abbreviations: CA cardiac arrest, CPC cerebral "
	    "performance category, CPR cardiopulmonary "
	    "resuscitation, ECMO extracorporeal membrane "
	    "oxygenation, ECPR extracorporeal cardiopulmonary "
	    "resuscitation, ICU intensive care unit, MCC mechanical "
	    "chest compression, ROSC return of spontaneous "
	    "circulation.\n"
	    "\n"
	    "Definitions: " ECPR_DEFS_VERSION ".\n" },
	{ ECPR_REPORT_EPISODES, ECPR_REPORT_LATEX,
	    "\\begin{tabular}{lllllllllllll}\n"
	    "\\toprule\n"
	    "site & subject & episode & no\\_flow\\_min & "
	    "conventional\\_cpr\\_min & mechanical\\_cc\\_min & "
	    "cardiac\\_arrest\\_min & ecmo\\_setup\\_min & "
	    "ca\\_to\\_flow\\_min & ecpr\\_days & icu\\_days & "
	    "hospital\\_days & cpc\\_discharge \\\\\n"
	    "\\midrule\n"
	    "H1 & P2 & 2 & 2 & 28 &  & 30 &  &  &  &  & 2.0 &  \\\\\n"
	    "S\\&P & a\\_b\\{1\\}\\textless{}x\\textgreater{} & 1 & 4 & 48 & 42 & 120 & 22 & 52 & "
	    "5.0 &  & 15.6..16.6 & 2 \\\\\n"
	    "\\bottomrule\n"
	    "\\end{tabular}\n"
	    "\n"
	    "no\\_flow\\_min: minutes from ca\\_onset (collapse) to "
	    "cpr\\_start (first chest compression)\\par\n"
	    "conventional\\_cpr\\_min: minutes of conventional CPR "
	    "(manual and mechanical) from cpr\\_start to "
	    "ecmo\\_flow\\_start, or to sustained rosc when there is "
	    "no ECMO flow\\par\n"
	    "mechanical\\_cc\\_min: minutes of mechanical chest "
	    "compression: the sum of all mcc\\_start to mcc\\_stop "
	    "segments\\par\n"
	    "cardiac\\_arrest\\_min: minutes from ca\\_onset to "
	    "sustained rosc (transient ROSC periods included)\\par\n"
	    "ecmo\\_setup\\_min: minutes from cannulation\\_start to "
	    "ecmo\\_flow\\_start\\par\n"
	    "ca\\_to\\_flow\\_min: minutes from ca\\_onset to "
	    "ecmo\\_flow\\_start\\par\n"
	    "ecpr\\_days: days from ecmo\\_flow\\_start to "
	    "ecmo\\_stop\\par\n"
	    "icu\\_days: days from icu\\_admit to icu\\_discharge, or "
	    "to death when there is no icu\\_discharge\\par\n"
	    "hospital\\_days: days from hospital\\_admit to "
	    "hospital\\_discharge, or to death when there is no "
	    "hospital\\_discharge\\par\n"
	    "cpc\\_discharge: Cerebral Performance Category at "
	    "hospital discharge (1 good to 5 dead)\\par\n"
	    "Abbreviations: CA cardiac arrest, CPC cerebral "
	    "performance category, CPR cardiopulmonary "
	    "resuscitation, ECMO extracorporeal membrane "
	    "oxygenation, ECPR extracorporeal cardiopulmonary "
	    "resuscitation, ICU intensive care unit, MCC mechanical "
	    "chest compression, ROSC return of spontaneous "
	    "circulation.\\par\n"
	    "Definitions: " ECPR_DEFS_VERSION ".\\par\n" },
	{ ECPR_REPORT_EPISODES, ECPR_REPORT_HTML,
	    "<table class=\"ecpr-table\">\n"
	    "<thead>\n"
	    "<tr><th scope=\"col\">site</th><th "
	    "scope=\"col\">subject</th><th scope=\"col\">episode</th><th "
	    "scope=\"col\">no_flow_min</th><th "
	    "scope=\"col\">conventional_cpr_min</th><th "
	    "scope=\"col\">mechanical_cc_min</th><th "
	    "scope=\"col\">cardiac_arrest_min</th><th "
	    "scope=\"col\">ecmo_setup_min</th><th "
	    "scope=\"col\">ca_to_flow_min</th><th "
	    "scope=\"col\">ecpr_days</th><th scope=\"col\">icu_days</th><"
	    "th scope=\"col\">hospital_days</th><th "
	    "scope=\"col\">cpc_discharge</th></tr>\n"
	    "</thead>\n"
	    "<tbody>\n"
	    "<tr><th scope=\"row\">H1</th><td>P2</td><td>2</td><td>2</t"
	    "d><td>28</td><td></td><td>30</td><td></td><td></td><td><"
	    "/td><td></td><td>2.0</td><td></td></tr>\n"
	    "<tr><th scope=\"row\">S&amp;P</th><td>a_b{1}&lt;x&gt;</td>"
	    "<td>1</td><td>4</td><td>48</td><td>42</td><td>120</td><t"
	    "d>22</td><td>52</td><td>5.0</td><td></td><td>15.6..16.6<"
	    "/td><td>2</td></tr>\n"
	    "</tbody>\n"
	    "<tfoot>\n"
	    "<tr><td colspan=\"13\">no_flow_min: minutes from ca_onset "
	    "(collapse) to cpr_start (first chest "
	    "compression)</td></tr>\n"
	    "<tr><td colspan=\"13\">conventional_cpr_min: minutes of "
	    "conventional CPR (manual and mechanical) from cpr_start "
	    "to ecmo_flow_start, or to sustained rosc when there is "
	    "no ECMO flow</td></tr>\n"
	    "<tr><td colspan=\"13\">mechanical_cc_min: minutes of "
	    "mechanical chest compression: the sum of all mcc_start "
	    "to mcc_stop segments</td></tr>\n"
	    "<tr><td colspan=\"13\">cardiac_arrest_min: minutes from "
	    "ca_onset to sustained rosc (transient ROSC periods "
	    "included)</td></tr>\n"
	    "<tr><td colspan=\"13\">ecmo_setup_min: minutes from "
	    "cannulation_start to ecmo_flow_start</td></tr>\n"
	    "<tr><td colspan=\"13\">ca_to_flow_min: minutes from "
	    "ca_onset to ecmo_flow_start</td></tr>\n"
	    "<tr><td colspan=\"13\">ecpr_days: days from "
	    "ecmo_flow_start to ecmo_stop</td></tr>\n"
	    "<tr><td colspan=\"13\">icu_days: days from icu_admit to "
	    "icu_discharge, or to death when there is no "
	    "icu_discharge</td></tr>\n"
	    "<tr><td colspan=\"13\">hospital_days: days from "
	    "hospital_admit to hospital_discharge, or to death when "
	    "there is no hospital_discharge</td></tr>\n"
	    "<tr><td colspan=\"13\">cpc_discharge: Cerebral "
	    "Performance Category at hospital discharge (1 good to 5 "
	    "dead)</td></tr>\n"
	    "<tr><td colspan=\"13\">Abbreviations: CA cardiac arrest, "
	    "CPC cerebral performance category, CPR cardiopulmonary "
	    "resuscitation, ECMO extracorporeal membrane "
	    "oxygenation, ECPR extracorporeal cardiopulmonary "
	    "resuscitation, ICU intensive care unit, MCC mechanical "
	    "chest compression, ROSC return of spontaneous "
	    "circulation.</td></tr>\n"
	    "<tr><td colspan=\"13\">Definitions: " ECPR_DEFS_VERSION
	    ".</td></tr>\n"
	    "</tfoot>\n"
	    "</table>\n" },
	{ ECPR_REPORT_PAPER, ECPR_REPORT_CSV,
	    "Characteristics,P2 #2,a_b{1}<x>\n"
	    "\"Age, years\",,60\n"
	    "Sex,,Male\n"
	    "\"BMI, kg/m2\",,\n"
	    "Primary disease,,\"MI & 50% <LAD>, \"\"~^\\#$|*_`' \xe5\xbf\x83""\"\n"
	    "Site of CA,,Home\n"
	    "First CPR provider,,\n"
	    "Initial rhythm,,VF\n"
	    "\"Conventional CPR duration (a), min\",28,48\n"
	    "\"Mechanical CC duration (c), min\",,42\n"
	    "\"Cardiac arrest duration (b), min\",30,120\n"
	    "\"Duration for ECMO setup (d), min\",,22\n"
	    "Method for ECMO cannulation,,Percutaneous\n"
	    "APACHE II score at ECPR initiation,,\n"
	    "Assistant major intervention(s),None,\"PCI, MV\"\n"
	    "\"ECPR duration (e), day\",,5.0\n"
	    "\"ICU stays (f), day\",,\n"
	    "\"Hospital stays (g), day\",2.0,15.6..16.6\n"
	    "CPC at discharge (h),Death,2\n" },
	{ ECPR_REPORT_PAPER, ECPR_REPORT_TEXT,
	    "Characteristics                     P2 #2  a_b{1}<x>\n"
	    "----------------------------------  -----  "
	    "------------------------------\n"
	    "Age, years                                 60\n"
	    "Sex                                        Male\n"
	    "BMI, kg/m2\n"
	    "Primary disease                            MI & 50% "
	    "<LAD>, \"~^\\#$|*_`' \xe5\xbf\x83""\n"
	    "Site of CA                                 Home\n"
	    "First CPR provider\n"
	    "Initial rhythm                             VF\n"
	    "Conventional CPR duration (a), min  28     48\n"
	    "Mechanical CC duration (c), min            42\n"
	    "Cardiac arrest duration (b), min    30     120\n"
	    "Duration for ECMO setup (d), min           22\n"
	    "Method for ECMO cannulation                Percutaneous\n"
	    "APACHE II score at ECPR initiation\n"
	    "Assistant major intervention(s)     None   PCI, MV\n"
	    "ECPR duration (e), day                     5.0\n"
	    "ICU stays (f), day\n"
	    "Hospital stays (g), day             2.0    15.6..16.6\n"
	    "CPC at discharge (h)                Death  2\n"
	    "\n"
	    "(a) Conventional CPR duration: minutes of conventional "
	    "CPR (manual and mechanical) from cpr_start to "
	    "ecmo_flow_start, or to sustained rosc when there is no "
	    "ECMO flow\n"
	    "(b) Cardiac arrest duration: minutes from ca_onset to "
	    "sustained rosc (transient ROSC periods included)\n"
	    "(c) Mechanical CC duration: minutes of mechanical chest "
	    "compression: the sum of all mcc_start to mcc_stop "
	    "segments\n"
	    "(d) Duration for ECMO setup: minutes from "
	    "cannulation_start to ecmo_flow_start\n"
	    "(e) ECPR duration: days from ecmo_flow_start to "
	    "ecmo_stop\n"
	    "(f) ICU stays: days from icu_admit to icu_discharge, or "
	    "to death when there is no icu_discharge\n"
	    "(g) Hospital stays: days from hospital_admit to "
	    "hospital_discharge, or to death when there is no "
	    "hospital_discharge\n"
	    "(h) CPC at discharge: Cerebral Performance Category at "
	    "hospital discharge (1 good to 5 dead)\n"
	    "Abbreviations: APACHE Acute Physiology and Chronic "
	    "Health Evaluation, BMI body mass index, CA cardiac "
	    "arrest, CC chest compression, CPC cerebral performance "
	    "category, CPR cardiopulmonary resuscitation, CRRT "
	    "continuous renal replacement treatment, ECMO "
	    "extracorporeal membrane oxygenation, ECPR "
	    "extracorporeal cardiopulmonary resuscitation, IABP "
	    "intra-aortic balloon pump, ICU intensive care unit, MV "
	    "mechanical ventilation, PCI percutaneous coronary "
	    "intervention, ROSC return of spontaneous circulation.\n"
	    "Definitions: " ECPR_DEFS_VERSION ".\n" },
	{ ECPR_REPORT_PAPER, ECPR_REPORT_MARKDOWN,
	    "| Characteristics | P2 #2 | a\\_b{1}\\<x\\> |\n"
	    "| --- | --- | --- |\n"
	    "| Age, years |  | 60 |\n"
	    "| Sex |  | Male |\n"
	    "| BMI, kg/m2 |  |  |\n"
	    "| Primary disease |  | MI & 50% \\<LAD\\>, "
	    "\"~^\\\\#$\\|\\*\\_\\`' \xe5\xbf\x83"" |\n"
	    "| Site of CA |  | Home |\n"
	    "| First CPR provider |  |  |\n"
	    "| Initial rhythm |  | VF |\n"
	    "| Conventional CPR duration (a), min | 28 | 48 |\n"
	    "| Mechanical CC duration (c), min |  | 42 |\n"
	    "| Cardiac arrest duration (b), min | 30 | 120 |\n"
	    "| Duration for ECMO setup (d), min |  | 22 |\n"
	    "| Method for ECMO cannulation |  | Percutaneous |\n"
	    "| APACHE II score at ECPR initiation |  |  |\n"
	    "| Assistant major intervention(s) | None | PCI, MV |\n"
	    "| ECPR duration (e), day |  | 5.0 |\n"
	    "| ICU stays (f), day |  |  |\n"
	    "| Hospital stays (g), day | 2.0 | 15.6..16.6 |\n"
	    "| CPC at discharge (h) | Death | 2 |\n"
	    "\n"
	    "<sup>a</sup> Conventional CPR duration: minutes of "
	    "conventional CPR (manual and mechanical) from "
	    "cpr\\_start to ecmo\\_flow\\_start, or to sustained rosc "
	    "when there is no ECMO flow\n"
	    "\n"
	    "<sup>b</sup> Cardiac arrest duration: minutes from "
	    "ca\\_onset to sustained rosc (transient ROSC periods "
	    "included)\n"
	    "\n"
	    "<sup>c</sup> Mechanical CC duration: minutes of "
	    "mechanical chest compression: the sum of all mcc\\_start "
	    "to mcc\\_stop segments\n"
	    "\n"
	    "<sup>d</sup> Duration for ECMO setup: minutes from "
	    "cannulation\\_start to ecmo\\_flow\\_start\n"
	    "\n"
	    "<sup>e</sup> ECPR duration: days from ecmo\\_flow\\_start "
	    "to ecmo\\_stop\n"
	    "\n"
	    "<sup>f</sup> ICU stays: days from icu\\_admit to "
	    "icu\\_discharge, or to death when there is no "
	    "icu\\_discharge\n"
	    "\n"
	    "<sup>g</sup> Hospital stays: days from hospital\\_admit "
	    "to hospital\\_discharge, or to death when there is no "
	    "hospital\\_discharge\n"
	    "\n"
	    "<sup>h</sup> CPC at discharge: Cerebral Performance "
	    "Category at hospital discharge (1 good to 5 dead)\n"
	    "\n"
	    "Abbreviations: APACHE Acute Physiology and Chronic "
	    "Health Evaluation, BMI body mass index, CA cardiac "
	    "arrest, CC chest compression, CPC cerebral performance "
	    "category, CPR cardiopulmonary resuscitation, CRRT "
	    "continuous renal replacement treatment, ECMO "
	    "extracorporeal membrane oxygenation, ECPR "
	    "extracorporeal cardiopulmonary resuscitation, IABP "
	    "intra-aortic balloon pump, ICU intensive care unit, MV "
	    "mechanical ventilation, PCI percutaneous coronary "
	    "intervention, ROSC return of spontaneous circulation.\n"
	    "\n"
	    "Definitions: " ECPR_DEFS_VERSION ".\n" },
	{ ECPR_REPORT_PAPER, ECPR_REPORT_LATEX,
	    "\\begin{tabular}{lll}\n"
	    "\\toprule\n"
	    "Characteristics & P2 \\#2 & a\\_b\\{1\\}\\textless{}x\\textgreater{} \\\\\n"
	    "\\midrule\n"
	    "Age, years &  & 60 \\\\\n"
	    "Sex &  & Male \\\\\n"
	    "BMI, kg/m2 &  &  \\\\\n"
	    "Primary disease &  & MI \\& 50\\% \\textless{}LAD\\textgreater{}, "
	    "\"\\textasciitilde{}\\textasciicircum{}\\textbackslash{}\\#\\$"
	    "|*\\_`' \xe5\xbf\x83"" \\\\\n"
	    "Site of CA &  & Home \\\\\n"
	    "First CPR provider &  &  \\\\\n"
	    "Initial rhythm &  & VF \\\\\n"
	    "Conventional CPR duration\\textsuperscript{a}, min & 28 "
	    "& 48 \\\\\n"
	    "Mechanical CC duration\\textsuperscript{c}, min &  & 42 "
	    "\\\\\n"
	    "Cardiac arrest duration\\textsuperscript{b}, min & 30 & "
	    "120 \\\\\n"
	    "Duration for ECMO setup\\textsuperscript{d}, min &  & 22 "
	    "\\\\\n"
	    "Method for ECMO cannulation &  & Percutaneous \\\\\n"
	    "APACHE II score at ECPR initiation &  &  \\\\\n"
	    "Assistant major intervention(s) & None & PCI, MV \\\\\n"
	    "ECPR duration\\textsuperscript{e}, day &  & 5.0 \\\\\n"
	    "ICU stays\\textsuperscript{f}, day &  &  \\\\\n"
	    "Hospital stays\\textsuperscript{g}, day & 2.0 & "
	    "15.6..16.6 \\\\\n"
	    "CPC at discharge\\textsuperscript{h} & Death & 2 \\\\\n"
	    "\\bottomrule\n"
	    "\\end{tabular}\n"
	    "\n"
	    "\\textsuperscript{a}~Conventional CPR duration: minutes "
	    "of conventional CPR (manual and mechanical) from "
	    "cpr\\_start to ecmo\\_flow\\_start, or to sustained rosc "
	    "when there is no ECMO flow\\par\n"
	    "\\textsuperscript{b}~Cardiac arrest duration: minutes "
	    "from ca\\_onset to sustained rosc (transient ROSC "
	    "periods included)\\par\n"
	    "\\textsuperscript{c}~Mechanical CC duration: minutes of "
	    "mechanical chest compression: the sum of all mcc\\_start "
	    "to mcc\\_stop segments\\par\n"
	    "\\textsuperscript{d}~Duration for ECMO setup: minutes "
	    "from cannulation\\_start to ecmo\\_flow\\_start\\par\n"
	    "\\textsuperscript{e}~ECPR duration: days from "
	    "ecmo\\_flow\\_start to ecmo\\_stop\\par\n"
	    "\\textsuperscript{f}~ICU stays: days from icu\\_admit to "
	    "icu\\_discharge, or to death when there is no "
	    "icu\\_discharge\\par\n"
	    "\\textsuperscript{g}~Hospital stays: days from "
	    "hospital\\_admit to hospital\\_discharge, or to death "
	    "when there is no hospital\\_discharge\\par\n"
	    "\\textsuperscript{h}~CPC at discharge: Cerebral "
	    "Performance Category at hospital discharge (1 good to 5 "
	    "dead)\\par\n"
	    "Abbreviations: APACHE Acute Physiology and Chronic "
	    "Health Evaluation, BMI body mass index, CA cardiac "
	    "arrest, CC chest compression, CPC cerebral performance "
	    "category, CPR cardiopulmonary resuscitation, CRRT "
	    "continuous renal replacement treatment, ECMO "
	    "extracorporeal membrane oxygenation, ECPR "
	    "extracorporeal cardiopulmonary resuscitation, IABP "
	    "intra-aortic balloon pump, ICU intensive care unit, MV "
	    "mechanical ventilation, PCI percutaneous coronary "
	    "intervention, ROSC return of spontaneous "
	    "circulation.\\par\n"
	    "Definitions: " ECPR_DEFS_VERSION ".\\par\n" },
	{ ECPR_REPORT_PAPER, ECPR_REPORT_HTML,
	    "<table class=\"ecpr-table\">\n"
	    "<thead>\n"
	    "<tr><th scope=\"col\">Characteristics</th><th "
	    "scope=\"col\">P2 #2</th><th scope=\"col\">a_b{1}&lt;x&gt;</t"
	    "h></tr>\n"
	    "</thead>\n"
	    "<tbody>\n"
	    "<tr><th scope=\"row\">Age, years</th><td></td><td>60</td><"
	    "/tr>\n"
	    "<tr><th scope=\"row\">Sex</th><td></td><td>Male</td></tr>\n"
	    "<tr><th scope=\"row\">BMI, kg/m2</th><td></td><td></td></t"
	    "r>\n"
	    "<tr><th scope=\"row\">Primary disease</th><td></td><td>MI "
	    "&amp; 50% &lt;LAD&gt;, &quot;~^\\#$|*_`&#39; \xe5\xbf\x83""</td></tr>\n"
	    "<tr><th scope=\"row\">Site of CA</th><td></td><td>Home</td"
	    "></tr>\n"
	    "<tr><th scope=\"row\">First CPR provider</th><td></td><td>"
	    "</td></tr>\n"
	    "<tr><th scope=\"row\">Initial rhythm</th><td></td><td>VF</"
	    "td></tr>\n"
	    "<tr><th scope=\"row\">Conventional CPR "
	    "duration<sup>a</sup>, min</th><td>28</td><td>48</td></tr"
	    ">\n"
	    "<tr><th scope=\"row\">Mechanical CC duration<sup>c</sup>, "
	    "min</th><td></td><td>42</td></tr>\n"
	    "<tr><th scope=\"row\">Cardiac arrest "
	    "duration<sup>b</sup>, min</th><td>30</td><td>120</td></t"
	    "r>\n"
	    "<tr><th scope=\"row\">Duration for ECMO "
	    "setup<sup>d</sup>, min</th><td></td><td>22</td></tr>\n"
	    "<tr><th scope=\"row\">Method for ECMO "
	    "cannulation</th><td></td><td>Percutaneous</td></tr>\n"
	    "<tr><th scope=\"row\">APACHE II score at ECPR "
	    "initiation</th><td></td><td></td></tr>\n"
	    "<tr><th scope=\"row\">Assistant major "
	    "intervention(s)</th><td>None</td><td>PCI, MV</td></tr>\n"
	    "<tr><th scope=\"row\">ECPR duration<sup>e</sup>, "
	    "day</th><td></td><td>5.0</td></tr>\n"
	    "<tr><th scope=\"row\">ICU stays<sup>f</sup>, "
	    "day</th><td></td><td></td></tr>\n"
	    "<tr><th scope=\"row\">Hospital stays<sup>g</sup>, "
	    "day</th><td>2.0</td><td>15.6..16.6</td></tr>\n"
	    "<tr><th scope=\"row\">CPC at discharge<sup>h</sup></th><td"
	    ">Death</td><td>2</td></tr>\n"
	    "</tbody>\n"
	    "<tfoot>\n"
	    "<tr><td colspan=\"3\"><sup>a</sup> Conventional CPR "
	    "duration: minutes of conventional CPR (manual and "
	    "mechanical) from cpr_start to ecmo_flow_start, or to "
	    "sustained rosc when there is no ECMO flow</td></tr>\n"
	    "<tr><td colspan=\"3\"><sup>b</sup> Cardiac arrest "
	    "duration: minutes from ca_onset to sustained rosc "
	    "(transient ROSC periods included)</td></tr>\n"
	    "<tr><td colspan=\"3\"><sup>c</sup> Mechanical CC "
	    "duration: minutes of mechanical chest compression: the "
	    "sum of all mcc_start to mcc_stop segments</td></tr>\n"
	    "<tr><td colspan=\"3\"><sup>d</sup> Duration for ECMO "
	    "setup: minutes from cannulation_start to "
	    "ecmo_flow_start</td></tr>\n"
	    "<tr><td colspan=\"3\"><sup>e</sup> ECPR duration: days "
	    "from ecmo_flow_start to ecmo_stop</td></tr>\n"
	    "<tr><td colspan=\"3\"><sup>f</sup> ICU stays: days from "
	    "icu_admit to icu_discharge, or to death when there is "
	    "no icu_discharge</td></tr>\n"
	    "<tr><td colspan=\"3\"><sup>g</sup> Hospital stays: days "
	    "from hospital_admit to hospital_discharge, or to death "
	    "when there is no hospital_discharge</td></tr>\n"
	    "<tr><td colspan=\"3\"><sup>h</sup> CPC at discharge: "
	    "Cerebral Performance Category at hospital discharge (1 "
	    "good to 5 dead)</td></tr>\n"
	    "<tr><td colspan=\"3\">Abbreviations: APACHE Acute "
	    "Physiology and Chronic Health Evaluation, BMI body mass "
	    "index, CA cardiac arrest, CC chest compression, CPC "
	    "cerebral performance category, CPR cardiopulmonary "
	    "resuscitation, CRRT continuous renal replacement "
	    "treatment, ECMO extracorporeal membrane oxygenation, "
	    "ECPR extracorporeal cardiopulmonary resuscitation, IABP "
	    "intra-aortic balloon pump, ICU intensive care unit, MV "
	    "mechanical ventilation, PCI percutaneous coronary "
	    "intervention, ROSC return of spontaneous "
	    "circulation.</td></tr>\n"
	    "<tr><td colspan=\"3\">Definitions: " ECPR_DEFS_VERSION
	    ".</td></tr>\n"
	    "</tfoot>\n"
	    "</table>\n" },
};

static void
test_every_writer(void)
{
	ecpr_report *rep[2];
	size_t i;

	rep[ECPR_REPORT_EPISODES] = report_ab(ECPR_REPORT_EPISODES);
	rep[ECPR_REPORT_PAPER] = report_ab(ECPR_REPORT_PAPER);
	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		check_write(rep[writers[i].layout], writers[i].format,
		    writers[i].expect);
	/* writing again gives the same */
	check_write(rep[ECPR_REPORT_PAPER], writers[5].format,
	    writers[5].expect);
	ecpr_report_free(rep[ECPR_REPORT_EPISODES]);
	ecpr_report_free(rep[ECPR_REPORT_PAPER]);
}

/* ------------------------------------------------------------------ */
/* Order, sites and writing again                                       */
/* ------------------------------------------------------------------ */

/*
 * Rows come out in order of site, subject and episode whatever the order
 * they were added in; episodes added after a write (of sites seen before
 * and new ones) are merged into that order.
 */
static void
test_order_and_add_after_write(void)
{
	static const struct {
		const char *site;
		const char *subject;
		long number;
	} adds[] = {
		{ "S2", "b", 1 }, { "S1", "z", 1 }, { "S2", "a", 3 },
		{ "S2", "a", 1 },
	}, later[] = {
		{ "S1", "a", 2 }, { "S0", "q", 1 }, { "S2", "a", 2 },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *ep;
	size_t i;
	char *got;
	int rc;

	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_EPISODES,
	    &err), ECPR_OK);
	for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++) {
		ep = build(adds[i].site, adds[i].subject, adds[i].number, NULL,
		    NULL);
		CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err),
		    ECPR_OK);
		ecpr_episode_free(ep);
	}
	got = write_str(rep, ECPR_REPORT_MARKDOWN, &rc);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	free(got);
	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		ep = build(later[i].site, later[i].subject, later[i].number,
		    NULL, NULL);
		CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err),
		    ECPR_OK);
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(ecpr_report_count(rep), 7);
	check_write(rep, ECPR_REPORT_CSV,
	    "site,subject,episode,no_flow_min,conventional_cpr_min,"
	    "mechanical_cc_min,cardiac_arrest_min,ecmo_setup_min,"
	    "ca_to_flow_min,ecpr_days,icu_days,hospital_days,cpc_discharge\n"
	    "S0,q,1,,,,,,,,,,\n"
	    "S1,a,2,,,,,,,,,,\n"
	    "S1,z,1,,,,,,,,,,\n"
	    "S2,a,1,,,,,,,,,,\n"
	    "S2,a,2,,,,,,,,,,\n"
	    "S2,a,3,,,,,,,,,,\n"
	    "S2,b,1,,,,,,,,,,\n");
	ecpr_report_free(rep);
}

/*
 * The order where the sort's key (8 bytes a chunk) could go wrong, the
 * same in memory and spilled: a site that is the start of another
 * ("B", "B-2"; "Berlin-Charite", "Berlin-Charite-2" across a chunk),
 * bytes above 0x7f after ASCII (strcmp's unsigned order), subjects that
 * end on and across a chunk's end, episode numbers whose bytes differ
 * in any place (255, 256, 65536, 2^32), sites and subjects longer than
 * the chunks the sort tells apart (70 bytes), and an episode given twice
 * (kept in the order added: the second has no events).
 */
static void
test_key_order(void)
{
#define L70 "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	static const struct {
		const char *site;
		const char *subject;
		long number;
	} adds[] = {
		{ "Z", "q", 1 }, { "\xc3\x89vry", "q", 1 },
		{ "Berlin-Charite-2", "p1234567", 1 },
		{ "Berlin-Charite", "p12345678", 1 },
		{ "Berlin-Charite", "p1234567a", 1 },
		{ "Berlin-Charite", "p1234567", 65536 },
		{ "Berlin-Charite", "p1234567", 256 },
		{ "Berlin-Charite", "p1234567", 4294967296L },
		{ "Berlin-Charite", "p1234567", 255 },
		{ "B-2", "q", 1 }, { "B", "q", 2 }, { "B", "q", 1 },
		{ L70, L70 "b", 1 }, { L70 "x", "a", 1 }, { L70, L70 "a", 2 },
		{ L70, L70 "a", 1 },
	};
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2023-03-04T10:00Z" },
		{ ECPR_EV_CPR_START, "2023-03-04T10:04Z" },
		{ ECPR_EV_CA_ONSET, NULL },
	};
	static const char *const budgets[] = { "", "200" };
	const char *want =
	    "B,q,1,4,\n"
	    "B,q,2,4,\n"
	    "B,q,2,,\n" /* the same episode again, added after */
	    "B-2,q,1,4,\n"
	    "Berlin-Charite,p1234567,255,4,\n"
	    "Berlin-Charite,p1234567,256,4,\n"
	    "Berlin-Charite,p1234567,65536,4,\n"
	    "Berlin-Charite,p1234567,4294967296,4,\n"
	    "Berlin-Charite,p12345678,1,4,\n"
	    "Berlin-Charite,p1234567a,1,4,\n"
	    "Berlin-Charite-2,p1234567,1,4,\n"
	    L70 "," L70 "a,1,4,\n"
	    L70 "," L70 "a,2,4,\n"
	    L70 "," L70 "b,1,4,\n"
	    L70 "x,a,1,4,\n"
	    "Z,q,1,4,\n"
	    "\xc3\x89vry,q,1,4,\n";
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *ep;
	struct ecpr__sbuf sb = { NULL, 0, 0, 0 };
	char *got, *line, *end;
	size_t i, b;
	int rc, k;

	for (b = 0; b < 2; b++) {
		if (budgets[b][0] != '\0')
			setenv("ECPR_SPILL_MEMORY", budgets[b], 1);
		CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep,
		    ECPR_REPORT_EPISODES, &err), ECPR_OK);
		unsetenv("ECPR_SPILL_MEMORY");
		for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++) {
			ep = build(adds[i].site, adds[i].subject,
			    adds[i].number, NULL, evs);
			CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err),
			    ECPR_OK);
			ecpr_episode_free(ep);
		}
		ep = build("B", "q", 2, NULL, NULL);
		CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err),
		    ECPR_OK);
		ecpr_episode_free(ep);
		got = write_str(rep, ECPR_REPORT_CSV, &rc);
		CU_ASSERT_EQUAL(rc, ECPR_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		/* site, subject, episode and no_flow_min of each row */
		sb.n = 0;
		for (line = strchr(got, '\n') + 1; *line != '\0';
		    line = end + 1) {
			end = strchr(line, '\n');
			for (k = 0, i = 0; k < 4; i++)
				if (line[i] == ',')
					k++;
			ecpr__sb_addn(&sb, line, i);
			ecpr__sb_addc(&sb, '\n');
		}
		CU_ASSERT_STRING_EQUAL(sb.s, want);
		if (strcmp(sb.s, want) != 0)
			fprintf(stderr, "\nbudget '%s':\n%s", budgets[b], sb.s);
		free(got);
		ecpr_report_free(rep);
	}
	free(sb.s);
#undef L70
}

/*
 * The csv rows as the writer puts them straight into its buffer, past
 * several flushes (3,000 rows, about 190 KiB): the subject quoted where
 * it needs it, the episode number up to LONG_MAX, the intervals' NULs
 * made commas (no_flow_min 4, the other nine empty).
 */
static void
test_csv_rows_exact(void)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2023-03-04T10:00Z" },
		{ ECPR_EV_CPR_START, "2023-03-04T10:04Z" },
		{ ECPR_EV_CA_ONSET, NULL },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *ep;
	struct ecpr__sbuf want = { NULL, 0, 0, 0 };
	char subject[64], line[160];
	long number;
	char *got;
	int i, rc;

	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_EPISODES,
	    &err), ECPR_OK);
	for (i = 2999; i >= 0; i--) {
		snprintf(subject, sizeof(subject), "%s%05d-padding-padding",
		    i % 3 == 0 ? "s\"q,": "s", i);
		number = i % 7 == 0 ? LONG_MAX : 1 + i % 5;
		ep = build("Site", subject, number, NULL, evs);
		CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err),
		    ECPR_OK);
		ecpr_episode_free(ep);
	}
	ecpr__sb_add(&want, "site,subject,episode,no_flow_min,"
	    "conventional_cpr_min,mechanical_cc_min,cardiac_arrest_min,"
	    "ecmo_setup_min,ca_to_flow_min,ecpr_days,icu_days,hospital_days,"
	    "cpc_discharge\n");
	/* "s\"q,..." sorts before "s0...": '"' is below the digits */
	for (rc = 0; rc < 2; rc++) {
		for (i = 0; i < 3000; i++) {
			if ((i % 3 == 0) != (rc == 0))
				continue;
			snprintf(line, sizeof(line), "Site,%s%05d-padding-"
			    "padding%s,%ld,4,,,,,,,,,\n", i % 3 == 0 ?
			    "\"s\"\"q," : "s", i, i % 3 == 0 ? "\"" : "",
			    i % 7 == 0 ? LONG_MAX : 1 + (long)(i % 5));
			ecpr__sb_add(&want, line);
		}
	}
	got = write_str(rep, ECPR_REPORT_CSV, &rc);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want.s);
	CU_ASSERT_EQUAL(strlen(got), want.n);
	CU_ASSERT_STRING_EQUAL(got, want.s);
	free(got);
	free(want.s);
	ecpr_report_free(rep);
}

/*
 * Text padding in pieces: a site of 70 bytes widens the first column, so
 * the row of site "S" gets 69 blanks of padding (two pieces of 32 and 5)
 * and the two of the column gap before its subject; the dashes under the
 * heading are as wide; a row ends without blanks (empty cells).
 */
static void
test_text_padding(void)
{
#define L70 "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *ep;
	char want[256], dashes[80], *got, *line;
	int rc;

	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_EPISODES,
	    &err), ECPR_OK);
	ep = build("S", "a", 1, NULL, NULL);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err), ECPR_OK);
	ecpr_episode_free(ep);
	ep = build(L70, "bb", 2, NULL, NULL);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err), ECPR_OK);
	ecpr_episode_free(ep);
	got = write_str(rep, ECPR_REPORT_TEXT, &rc);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	/* the heading's dashes, then "S", 71 blanks, the subject padded to
	 * the heading "Subject" (7) and the episode number */
	memset(dashes, '-', 70);
	dashes[70] = '\0';
	snprintf(want, sizeof(want), "\n%s  -------  ", dashes);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, want));
	snprintf(want, sizeof(want), "\nS%71sa        1\n", "");
	CU_ASSERT_PTR_NOT_NULL(line = strstr(got, want));
	snprintf(want, sizeof(want), "\n%s  bb       2\n", L70);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, want));
	if (line == NULL)
		fprintf(stderr, "\n%s", got);
	free(got);
	ecpr_report_free(rep);
#undef L70
}

/* Many sites (the site hash grows) and many rows (several arena chunks). */
static void
test_many_sites_and_rows(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *ep;
	char site[16], subject[700], *got, *line;
	int i, rc, nlines = 0;

	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_PAPER, &err),
	    ECPR_OK);
	memset(subject, 'x', sizeof(subject) - 1);
	subject[sizeof(subject) - 1] = '\0';
	for (i = 0; i < 300; i++) {
		snprintf(site, sizeof(site), "S%03d", (i * 7) % 100);
		snprintf(subject, 8, "P%05d", 299 - i);
		subject[6] = 'x';
		ep = build(site, subject, 1, NULL, NULL);
		CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, ep, &err),
		    ECPR_OK);
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(ecpr_report_count(rep), 300);
	got = write_str(rep, ECPR_REPORT_CSV, &rc);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	/* 19 lines (the header and 18 characteristics); the first case is
	 * the first subject of site S000 (i = 0, 100, 200 -> P00299, ...) */
	for (line = got; (line = strchr(line, '\n')) != NULL; line++)
		nlines++;
	CU_ASSERT_EQUAL(nlines, 19);
	CU_ASSERT_EQUAL(strncmp(got, "Characteristics,P00099x", 23), 0);
	free(got);
	ecpr_report_free(rep);
}

/* Write rep as format into a string (malloc'd). */
static char *
write_string(ecpr_report *rep, ecpr_report_format format)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(ecpr_report_write(rep, format, fp, &err), ECPR_OK);
	fclose(fp);
	return buf;
}

/*
 * The window and the ranges: set before the first episode only; the
 * worst values and flags of case A follow them, in both layouts.
 */
static void
test_window_and_ranges(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_ranges *rs = NULL;
	ecpr_episode *a = case_a();
	char *out;

	/* lactate 4 before flow, 27 mg/dL during, >12 after ECMO */
	CU_ASSERT_EQUAL(ecpr_episode_add_observation(a, ECPR_OBS_LACTATE,
	    "2023-03-04T10:40Z", "4", "mmol/L", NULL, "o", 2, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_observation(a, ECPR_OBS_LACTATE,
	    "ecmo_flow_start+PT1H", "27", "mg/dL", NULL, "o", 3, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_observation(a, ECPR_OBS_LACTATE,
	    "2023-03-10T10:00Z", ">12", "mmol/L", NULL, "o", 4, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_finish(a, NULL, NULL, &err), ECPR_OK);

	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_EPISODES,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, a, &err), ECPR_OK);
	out = write_string(rep, ECPR_REPORT_CSV);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ",lactate_worst,lactate_flag\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ",3.0,H\n"));
	free(out);
	CU_ASSERT_EQUAL(ecpr_report_set_window(rep, ECPR_EV_CA_ONSET,
	    ECPR_EV_HOSPITAL_DISCHARGE, &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_report_set_ranges(rep, NULL, &err), ECPR_EINVAL);
	ecpr_report_free(rep);

	/* from the arrest to discharge, with a site's lactate range */
	CU_ASSERT_EQUAL_FATAL(ecpr_ranges_new(&rs, &err), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_EPISODES,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_set_window(rep, ECPR_EV_CA_ONSET,
	    ECPR_EV_HOSPITAL_DISCHARGE, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_set_window(rep, ECPR_EV_COUNT,
	    ECPR_EV_HOSPITAL_DISCHARGE, &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_report_set_ranges(rep, rs, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, a, &err), ECPR_OK);
	out = write_string(rep, ECPR_REPORT_CSV);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ",>12,H\n"));
	free(out);
	out = write_string(rep, ECPR_REPORT_TEXT);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "lactate_worst: the highest value "
	    "of lactate in blood between ca_onset and hospital_discharge, in "
	    "mmol/L\n*_flag: H above, L below, N inside the reference range"));
	free(out);
	ecpr_report_free(rep);

	/* the paper layout: Table 1 first, then Table 2 */
	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, ECPR_REPORT_PAPER, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_report_add_episode(rep, a, &err), ECPR_OK);
	out = write_string(rep, ECPR_REPORT_CSV);
	CU_ASSERT_STRING_EQUAL(strstr(out, "Measurements") == out ?
	    "" : "no Table 1 first", "");
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Measurements,Reference range,a_b{1}<x>\n"
	    "\"Lac, mmol/L\",0.7–2.5,3.0\n\nCharacteristics,a_b{1}<x>\n"));
	free(out);
	ecpr_report_free(rep);
	ecpr_ranges_free(rs);
	ecpr_episode_free(a);
}

/* ------------------------------------------------------------------ */
/* Many episodes through temporary files                                */
/* ------------------------------------------------------------------ */

/*
 * A report of 400 episodes in a scrambled order (13 sites, a few
 * subjects with several episodes, every fifth with a worst lactate and
 * a complication), made with the spill budget given ("" for the
 * default); its status in *rc.
 */
static ecpr_report *
report_many(ecpr_report_layout layout, const char *budget, int *rc)
{
	static const struct ev evs[] = {
		{ ECPR_EV_CA_ONSET, "2023-03-04T10:00Z" },
		{ ECPR_EV_CPR_START, "2023-03-04T10:04Z" },
		{ ECPR_EV_ECMO_FLOW_START, "2023-03-04T10:52Z" },
		{ ECPR_EV_ECMO_STOP, "2023-03-09T10:52Z" },
		{ ECPR_EV_CA_ONSET, NULL },
	};
	static const struct at ats[] = {
		{ ECPR_AT_SEX, "f" },
		{ ECPR_AT_SEX, NULL },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *rep = NULL;
	ecpr_episode *ep;
	char site[32], subject[32], value[16];
	int i, k;

	if (budget[0] != '\0')
		setenv("ECPR_SPILL_MEMORY", budget, 1);
	else
		unsetenv("ECPR_SPILL_MEMORY");
	CU_ASSERT_EQUAL_FATAL(ecpr_report_new(&rep, layout, &err), ECPR_OK);
	unsetenv("ECPR_SPILL_MEMORY");
	*rc = ECPR_OK;
	for (i = 0; i < 400 && *rc == ECPR_OK; i++) {
		snprintf(site, sizeof(site), "S%02d%s", (i * 7) % 13,
		    i % 50 == 0 ? ", \"x\"" : "");
		snprintf(subject, sizeof(subject), "P%03d", (i * 37) % 101);
		CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, site, subject,
		    1 + i % 4, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ats[0].id,
		    ats[0].value, F, 2, &err), ECPR_OK);
		for (k = 0; evs[k].value != NULL; k++)
			CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, evs[k].type,
			    evs[k].value, NULL, NULL, F, 2, &err), ECPR_OK);
		if (i % 5 == 0) {
			snprintf(value, sizeof(value), "%d.5", i % 17);
			CU_ASSERT_EQUAL(ecpr_episode_add_observation(ep,
			    ECPR_OBS_LACTATE, "2023-03-05T10:00Z", value,
			    "mmol/L", NULL, F, 3, &err), ECPR_OK);
			CU_ASSERT_EQUAL(ecpr_episode_add_complication(ep, 0,
			    ECPR_BY_ECPR, "", "", NULL, F, 4, &err), ECPR_OK);
		}
		CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
		    ECPR_OK);
		*rc = ecpr_report_add_episode(rep, ep, &err);
		ecpr_episode_free(ep);
	}
	return rep;
}

/*
 * With a spill budget of a few hundred bytes (hundreds of sorted runs
 * in a temporary file, merged in several passes) every layout and format
 * is byte for byte what the report gives in memory, also when more
 * episodes come after a first write.
 */
static void
test_spilled_same_output(void)
{
	static const ecpr_report_layout layouts[] = { ECPR_REPORT_EPISODES,
		ECPR_REPORT_PAPER };
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_report *mem, *disk;
	const char *first;
	char *a, *b;
	size_t l;
	int f, rc, rc2;

	for (l = 0; l < 2; l++) {
		mem = report_many(layouts[l], "", &rc);
		CU_ASSERT_EQUAL(rc, ECPR_OK);
		disk = report_many(layouts[l], "300", &rc);
		CU_ASSERT_EQUAL(rc, ECPR_OK);
		for (f = 0; f <= ECPR_REPORT_HTML; f++) {
			a = write_str(mem, (ecpr_report_format)f, &rc);
			b = write_str(disk, (ecpr_report_format)f, &rc2);
			CU_ASSERT_EQUAL(rc, ECPR_OK);
			CU_ASSERT_EQUAL(rc2, ECPR_OK);
			CU_ASSERT_PTR_NOT_NULL_FATAL(a);
			CU_ASSERT_PTR_NOT_NULL_FATAL(b);
			CU_ASSERT_STRING_EQUAL(a, b);
			if (strcmp(a, b) != 0)
				fprintf(stderr, "\nlayout %zu format %d "
				    "differs\n", l, f);
			free(a);
			free(b);
		}
		ecpr_report_free(mem);
		ecpr_report_free(disk);
	}
	/*
	 * The first rows: site S00 is i = 13k (not i = 0, S00 with a
	 * comma, which sorts after), subject 37 * 13k mod 101 = 77k mod
	 * 101: P001 at k = 21 (i = 273, episode 1 + 273 mod 4 = 2), then
	 * P005 at k = 4 (i = 52, episode 1); neither has a lactate (i mod
	 * 5 != 0).  no_flow 4, conventional 48, ca_to_flow 52, ECPR 5.0
	 * days; the three extra columns empty.
	 */
	disk = report_many(ECPR_REPORT_EPISODES, "300", &rc);
	a = write_str(disk, ECPR_REPORT_CSV, &rc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(strchr(a, '\n'));
	first = "S00,P001,2,4,48,,,,52,5.0,,,,,,\n"
	    "S00,P005,1,4,48,,,,52,5.0,,,,,,\n";
	CU_ASSERT_EQUAL(strncmp(strchr(a, '\n') + 1, first, strlen(first)),
	    0);
	free(a);
	/* more after writing: S00/P001/5 comes after S00/P001/2 */
	{
		ecpr_episode *ep = build("S00", "P001", 5, NULL, NULL);

		CU_ASSERT_EQUAL(ecpr_report_add_episode(disk, ep, &err),
		    ECPR_OK);
		ecpr_episode_free(ep);
	}
	a = write_str(disk, ECPR_REPORT_CSV, &rc);
	first = "S00,P001,2,4,48,,,,52,5.0,,,,,,\n"
	    "S00,P001,5,,,,,,,,,,,,,\n"
	    "S00,P005,1,";
	CU_ASSERT_EQUAL(strncmp(strchr(a, '\n') + 1, first, strlen(first)),
	    0);
	CU_ASSERT_EQUAL(ecpr_report_count(disk), 401);
	free(a);
	ecpr_report_free(disk);
}

/* A $TMPDIR that cannot be used is ECPR_EIO naming it, at the episode
 * that does not fit in memory. */
static void
test_spill_tmpdir_error(void)
{
	const char *old = getenv("TMPDIR");
	char *saved = old != NULL ? strdup(old) : NULL;
	ecpr_report *rep;
	int rc;

	setenv("TMPDIR", "/nonexistent/ecpr-tmp", 1);
	rep = report_many(ECPR_REPORT_EPISODES, "300", &rc);
	CU_ASSERT_EQUAL(rc, ECPR_EIO);
	CU_ASSERT(ecpr_report_count(rep) < 5);
	ecpr_report_free(rep);
	/* in memory no temporary file is needed */
	rep = report_many(ECPR_REPORT_EPISODES, "", &rc);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	ecpr_report_free(rep);
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

static CU_TestInfo report_tests[] = {
	{ "layout and format names and lookups", test_names_and_lookups },
	{ "new refuses bad arguments, free takes NULL",
	    test_new_refuses_bad_arguments },
	{ "add and write refuse bad arguments",
	    test_add_and_write_refuse_bad_arguments },
	{ "a negative interval is refused", test_negative_interval_refused },
	{ "a stream that cannot be written is ECPR_EIO", test_write_error },
	{ "each writer in each layout, exactly", test_every_writer },
	{ "rows are sorted, also after more are added",
	    test_order_and_add_after_write },
	{ "the order of keys that share chunks", test_key_order },
	{ "csv rows exactly, past several flushes", test_csv_rows_exact },
	{ "text padding wider than a piece", test_text_padding },
	{ "many sites and rows", test_many_sites_and_rows },
	{ "spilled to temporary files: the same output",
	    test_spilled_same_output },
	{ "spilling into a missing TMPDIR is ECPR_EIO",
	    test_spill_tmpdir_error },
	{ "window and ranges of the worst values", test_window_and_ranges },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "report", NULL, NULL, NULL, NULL, report_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
