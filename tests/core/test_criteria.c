/* test_criteria.c - criteria files (ecpr-criteria(5)): reading, every
 * operator with pass, fail and unknown, every error, and flowcharts of
 * hand-made cohorts counted by hand */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"

#define P ECPR_VERDICT_PASS
#define F ECPR_VERDICT_FAIL
#define U ECPR_VERDICT_UNKNOWN

/*
 * An episode from "name=value" pairs up to NULL: an attribute or an
 * event by its contract name (events may repeat).
 */
static ecpr_episode *
episode(const char *subject, ...)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	const char *kv;
	va_list ap;

	CU_ASSERT_FATAL(ecpr_episode_new(&ep, "S", subject, 1, &err) ==
	    ECPR_OK);
	va_start(ap, subject);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		char name[64];
		const char *eq = strchr(kv, '=');
		int id, rc;

		CU_ASSERT_FATAL(eq != NULL && (size_t)(eq - kv) < sizeof(name));
		memcpy(name, kv, (size_t)(eq - kv));
		name[eq - kv] = '\0';
		if ((id = ecpr_attr_lookup(name)) >= 0)
			rc = ecpr_episode_set_attr(ep, (ecpr_attr_id)id,
			    eq + 1, NULL, 0, &err);
		else if ((id = ecpr_event_lookup(name)) >= 0)
			rc = ecpr_episode_add_event(ep, (ecpr_event_type)id,
			    eq + 1, NULL, NULL, NULL, 0, &err);
		else
			rc = ECPR_EINVAL;
		if (rc != ECPR_OK)
			fprintf(stderr, "%s: %s\n", kv, err.message);
		CU_ASSERT_FATAL(rc == ECPR_OK);
	}
	va_end(ap);
	CU_ASSERT_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err) == ECPR_OK);
	return ep;
}

static char *tmp;

static int
suite_init(void)
{
	tmp = cu_tmpdir();
	return 0;
}

static int
suite_clean(void)
{
	cu_rmtree(tmp);
	free(tmp);
	return 0;
}

/* Load text as a criteria file; NULL with *err set when refused. */
static ecpr_criteria *
load(const char *text, ecpr_error *err)
{
	ecpr_criteria *c = NULL;
	char *path = cu_write_file(tmp, "t.crit", text);

	ecpr_error_clear(err);
	if (ecpr_criteria_load(&c, path, err) != ECPR_OK)
		CU_ASSERT_PTR_NULL(c);
	free(path);
	return c;
}

/* The verdict of one expression on ep (-1: refused). */
static int
verdict(const char *expr, const ecpr_episode *ep)
{
	char text[1024];
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_criteria *c;
	ecpr_verdict v = U;

	snprintf(text, sizeof(text), "title = T\nsource = S\n"
	    "criterion = x\nlabel = X\nexpr = %s\n", expr);
	if ((c = load(text, &err)) == NULL) {
		fprintf(stderr, "%s: %s\n", expr, err.message);
		return -1;
	}
	CU_ASSERT_EQUAL(ecpr_criteria_count(c), 1);
	CU_ASSERT_EQUAL(ecpr_criteria_eval(c, ep, &v, &err), ECPR_OK);
	ecpr_criteria_free(c);
	return (int)v;
}

struct vcase {
	const char *expr;
	int want;
};

static void
check_all(const ecpr_episode *ep, const struct vcase *vc, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int got = verdict(vc[i].expr, ep);

		if (got != vc[i].want)
			fprintf(stderr, "\"%s\": got %d, want %d\n",
			    vc[i].expr, got, vc[i].want);
		CU_ASSERT_EQUAL(got, vc[i].want);
	}
}

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static void
test_load_file(void)
{
	static const char text[] =
	    "\xef\xbb\xbf# a comment\r\n"
	    "title = ARREST eligibility \r\n"
	    "source = Yannopoulos D, et al. Lancet 2020;396:1807-16\r\n"
	    "\r\n"
	    "   # indented comment\n"
	    "criterion = age\n"
	    "label = Age 18\xe2\x80\x93" "75 years\n"
	    "expr =   age_years >= 18 and age_years <= 75  \n"
	    "criterion = rhythm\n"
	    "expr = initial_rhythm in (vf, pvt)\n"
	    "label=Shockable rhythm (VF or pVT)\n"
	    "criterion = mcc2\n"
	    "label = Mechanical CC\n"
	    "expr = has mcc_start";
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_criteria *c = load(text, &err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_title(c), "ARREST eligibility");
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_source(c),
	    "Yannopoulos D, et al. Lancet 2020;396:1807-16");
	CU_ASSERT_EQUAL(ecpr_criteria_count(c), 3);
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_name(c, 0), "age");
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_label(c, 0),
	    "Age 18\xe2\x80\x93" "75 years");
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_expr(c, 0),
	    "age_years >= 18 and age_years <= 75");
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_name(c, 1), "rhythm");
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_label(c, 1),
	    "Shockable rhythm (VF or pVT)");
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_expr(c, 1),
	    "initial_rhythm in (vf, pvt)");
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_name(c, 2), "mcc2");
	CU_ASSERT_STRING_EQUAL(ecpr_criteria_expr(c, 2), "has mcc_start");
	CU_ASSERT_PTR_NULL(ecpr_criteria_name(c, 3));
	CU_ASSERT_PTR_NULL(ecpr_criteria_label(c, 3));
	CU_ASSERT_PTR_NULL(ecpr_criteria_expr(c, 3));
	ecpr_criteria_free(c);
	ecpr_criteria_free(NULL);
	CU_ASSERT_EQUAL(ecpr_criteria_count(NULL), 0);
}

/* Every operator on a number: at, below and above the limit. */
static void
test_numbers(void)
{
	static const struct vcase vc[] = {
		{ "age_years = 47", P }, { "age_years = 47.0", P },
		{ "age_years = 46", F }, { "age_years != 47", F },
		{ "age_years != 48", P }, { "age_years < 47", F },
		{ "age_years < 48", P }, { "age_years <= 47", P },
		{ "age_years <= 46", F }, { "age_years > 47", F },
		{ "age_years > 46.5", P }, { "age_years >= 47", P },
		{ "age_years >= 48", F }, { "age_years in (18, 47, 75)", P },
		{ "age_years in (18, 75)", F },
		{ "age_years not in (18, 75)", P },
		{ "age_years not in (47)", F },
		{ "bmi > 21.25", P }, { "bmi <= 21.3", P }, { "bmi < 21.3", F },
		{ "apache2 >= 40", P }, { "apache2>40", F },
		{ "cpc_discharge <= 2", P }, { "cpc_discharge in (1,2)", P },
	};
	ecpr_episode *ep = episode("n", "age_years=47", "bmi=21.3",
	    "apache2=40", "cpc_discharge=1", NULL);
	ecpr_episode *none = episode("u", NULL);
	size_t i;

	check_all(ep, vc, NCASES(vc));
	/* the same tests on an episode that does not know the values */
	for (i = 0; i < NCASES(vc); i++)
		CU_ASSERT_EQUAL(verdict(vc[i].expr, none), U);
	ecpr_episode_free(ep);
	ecpr_episode_free(none);
}

/* Codes and free text: =, != and in; the code "unknown" is unknown. */
static void
test_codes(void)
{
	static const struct vcase vf[] = {
		{ "initial_rhythm = vf", P }, { "initial_rhythm = VF", P },
		{ "initial_rhythm = pea", F }, { "initial_rhythm != pea", P },
		{ "initial_rhythm != vf", F },
		{ "initial_rhythm in (vf, pvt)", P },
		{ "initial_rhythm in (pea,asystole)", F },
		{ "initial_rhythm not in (pea, asystole)", P },
		{ "sex = M", P }, { "sex = f", F },
		{ "primary_disease = IHD", P }, { "primary_disease = ihd", F },
		{ "primary_disease = \"acute MI\"", F },
		{ "mcc_device = \"AHS 200B\"", P },
		{ "mcc_device in (LUCAS, \"AHS 200B\")", P },
		{ "ca_location in (home, street, public)", P },
		/* the findings of issue 11: yes, no or unknown */
		{ "witnessed = yes", P }, { "witnessed = no", F },
		{ "bystander_cpr = yes", F }, { "bystander_cpr != yes", P },
		{ "pupillary_light_reflex = yes", U },
		{ "pupillary_light_reflex != yes", U },
		{ "cerebral_haemorrhage = no", U },
		{ "witnessed = yes and cerebral_haemorrhage = no", U },
		{ "bystander_cpr = yes and cerebral_haemorrhage = no", F },
	};
	static const struct vcase unk[] = {
		{ "initial_rhythm = vf", U }, { "initial_rhythm != vf", U },
		{ "initial_rhythm in (vf, pvt)", U },
		{ "initial_rhythm not in (vf, pvt)", U },
		{ "mcc_device = \"AHS 200B\"", U },
	};
	ecpr_episode *ep = episode("c", "initial_rhythm=vf", "sex=M",
	    "primary_disease=IHD", "mcc_device=AHS 200B", "ca_location=home",
	    "witnessed=yes", "bystander_cpr=no",
	    "pupillary_light_reflex=unknown",
	    NULL);
	ecpr_episode *u = episode("u", "initial_rhythm=unknown", NULL);

	check_all(ep, vf, NCASES(vf));
	check_all(u, unk, NCASES(unk));
	ecpr_episode_free(ep);
	ecpr_episode_free(u);
}

/*
 * Intervals: exact minutes, and a range of days that straddles a limit.
 *   ca_onset 08:30, cpr_start 08:33, ecmo_flow_start 09:30:
 *       ca_to_flow_min 60, no_flow_min 3
 *   hospital 07-27 04:48 -> 08-12 (day): 15.8..16.8 days
 */
static void
test_intervals(void)
{
	static const struct vcase vc[] = {
		{ "ca_to_flow_min <= 60", P }, { "ca_to_flow_min < 60", F },
		{ "ca_to_flow_min = 60", P }, { "ca_to_flow_min != 60", F },
		{ "ca_to_flow_min >= 60", P }, { "ca_to_flow_min > 59", P },
		{ "ca_to_flow_min > 60", F },
		{ "ca_to_flow_min in (30, 60)", P },
		{ "ca_to_flow_min not in (60)", F },
		{ "no_flow_min <= 5", P },
		{ "hospital_days <= 16", U }, { "hospital_days <= 16.8", P },
		{ "hospital_days < 16.8", U }, { "hospital_days > 16.8", F },
		{ "hospital_days >= 16.8", U }, { "hospital_days < 15.8", F },
		{ "hospital_days >= 15.8", P }, { "hospital_days > 15.7", P },
		{ "hospital_days = 16", U }, { "hospital_days = 20", F },
		{ "hospital_days != 20", P }, { "hospital_days != 16", U },
		{ "hospital_days in (10, 16)", U },
		{ "hospital_days in (10, 20)", F },
		{ "hospital_days in (10, 16, 15.8)", U },
		/* inputs missing: unknown */
		{ "ecpr_days <= 30", U }, { "cardiac_arrest_min > 0", U },
		{ "ecmo_setup_min < 100", U },
	};
	ecpr_episode *ep = episode("i", "ca_onset=2021-07-27T08:30Z",
	    "cpr_start=2021-07-27T08:33Z", "ecmo_flow_start=2021-07-27T09:30Z",
	    "hospital_admit=2021-07-27T04:48Z", "hospital_discharge=2021-08-12",
	    NULL);

	check_all(ep, vc, NCASES(vc));
	ecpr_episode_free(ep);
}

/* Events, and, or, not and parentheses with three values (Kleene). */
static void
test_logic(void)
{
	static const struct vcase vc[] = {
		{ "has mcc_start", P }, { "has iabp_start", F },
		{ "not has iabp_start", P },
		/* age 47 known (pass/fail), initial_rhythm unknown (U) */
		{ "age_years < 50 and initial_rhythm = vf", U },
		{ "age_years > 50 and initial_rhythm = vf", F },
		{ "initial_rhythm = vf and age_years > 50", F },
		{ "age_years < 50 and has mcc_start", P },
		{ "age_years < 50 or initial_rhythm = vf", P },
		{ "initial_rhythm = vf or age_years < 50", P },
		{ "age_years > 50 or initial_rhythm = vf", U },
		{ "age_years > 50 or has iabp_start", F },
		{ "not initial_rhythm = vf", U },
		{ "not age_years > 50", P },
		{ "not (age_years > 50 or has iabp_start)", P },
		/* and binds tighter than or */
		{ "age_years < 50 or has iabp_start and age_years > 50", P },
		{ "(age_years < 50 or has iabp_start) and age_years > 50", F },
		{ "has iabp_start and age_years > 50 or has mcc_start", P },
		{ "has iabp_start and (age_years > 50 or has mcc_start)", F },
		{ "not not has mcc_start", P },
	};
	ecpr_episode *ep = episode("l", "age_years=47",
	    "ca_onset=2021-07-27T08:30Z", "mcc_start=2021-07-27T08:40Z",
	    NULL);

	check_all(ep, vc, NCASES(vc));
	ecpr_episode_free(ep);
}

/* Every error: FILE:LINE and the message naming the key and value. */
static void
test_errors(void)
{
	static const char head[] = "title = T\nsource = S\ncriterion = x\n"
	    "label = X\n";
	static const struct {
		const char *body; /* after head, or the whole file with '!' */
		unsigned long line;
		const char *msg;
	} bad[] = {
		{ "expr = agee <= 75", 5, "key \"expr\": unknown attribute or "
		    "interval \"agee\" in \"agee <= 75\"" },
		{ "expr = age_years <= old", 5, "key \"expr\": attribute "
		    "\"age_years\": \"old\" is not a number in "
		    "\"age_years <= old\"" },
		{ "expr = age_years <= 200", 5, "key \"expr\": attribute "
		    "\"age_years\": \"200\" is out of range (0-150) in "
		    "\"age_years <= 200\"" },
		{ "expr = ca_to_flow_min <= 1h", 5, "key \"expr\": interval "
		    "\"ca_to_flow_min\": \"1h\" is not a number in "
		    "\"ca_to_flow_min <= 1h\"" },
		{ "expr = ca_to_flow_min <= >60", 5, "key \"expr\": expected "
		    "a value after \"ca_to_flow_min\", got \">\" in "
		    "\"ca_to_flow_min <= >60\"" },
		{ "expr = initial_rhythm in (vf, vt)", 5, "key \"expr\": "
		    "attribute \"initial_rhythm\": \"vt\" is not one of vf, "
		    "pvt, pea, asystole, unknown in "
		    "\"initial_rhythm in (vf, vt)\"" },
		{ "expr = initial_rhythm = unknown", 5, "key \"expr\": "
		    "attribute \"initial_rhythm\": \"unknown\" cannot be "
		    "tested (an unknown value is always unknown) in "
		    "\"initial_rhythm = unknown\"" },
		{ "expr = witnessed in (yes, unknown)", 5, "key \"expr\": "
		    "attribute \"witnessed\": \"unknown\" cannot be tested "
		    "(an unknown value is always unknown) in "
		    "\"witnessed in (yes, unknown)\"" },
		{ "expr = initial_rhythm < vf", 5, "key \"expr\": attribute "
		    "\"initial_rhythm\" is not a number: compare it with =, "
		    "!= or in, not \"<\" in \"initial_rhythm < vf\"" },
		{ "expr = has mcc", 5, "key \"expr\": unknown event \"mcc\" "
		    "in \"has mcc\"" },
		{ "expr = has", 5, "key \"expr\": expected an event after "
		    "\"has\", got the end in \"has\"" },
		{ "expr = age_years", 5, "key \"expr\": expected an operator "
		    "(=, !=, <, <=, >, >=, in) after \"age_years\", got the "
		    "end in \"age_years\"" },
		{ "expr = age_years in 18, 75", 5, "key \"expr\": expected "
		    "\"(\" after \"age_years in\", got \"18\" in "
		    "\"age_years in 18, 75\"" },
		{ "expr = age_years in (18 75)", 5, "key \"expr\": expected "
		    "\",\" or \")\" in the list of \"age_years\", got "
		    "\"75\" in \"age_years in (18 75)\"" },
		{ "expr = age_years not = 5", 5, "key \"expr\": expected "
		    "\"in\" after \"age_years not\", got \"=\" in "
		    "\"age_years not = 5\"" },
		{ "expr = (has mcc_start", 5, "key \"expr\": expected \")\", "
		    "got the end in \"(has mcc_start\"" },
		{ "expr = has mcc_start has rosc", 5, "key \"expr\": "
		    "unexpected \"has\" after a complete expression in "
		    "\"has mcc_start has rosc\"" },
		{ "expr = and has rosc", 5, "key \"expr\": expected an "
		    "attribute, an interval, \"has\", \"not\" or \"(\", got "
		    "\"and\" in \"and has rosc\"" },
		{ "expr = has rosc or", 5, "key \"expr\": expected an "
		    "attribute, an interval, \"has\", \"not\" or \"(\", got "
		    "the end in \"has rosc or\"" },
		{ "expr = mcc_device = \"AHS", 5, "key \"expr\": a quote that "
		    "is not closed in \"mcc_device = \"AHS\"" },
		{ "expr = age_years ! 5", 5, "key \"expr\": \"!\" without "
		    "\"=\" in \"age_years ! 5\"" },
		{ "expr = has rosc\nexpr = has rosc", 6, "key \"expr\" given "
		    "twice for criterion \"x\"" },
		{ "expr = has rosc\nlabel = Y", 6, "key \"label\" given twice "
		    "for criterion \"x\"" },
		{ "expr = has rosc\ntitle = U", 6, "key \"title\" given "
		    "twice" },
		{ "expr = has rosc\nsource = U", 6, "key \"source\" given "
		    "twice" },
		{ "expr = has rosc\ncriterion = x", 6, "key \"criterion\": "
		    "\"x\" given twice (first on line 3)" },
		{ "expr = has rosc\ncriterion = Age", 6, "key \"criterion\": "
		    "\"Age\" is not a name (a lower-case letter, then letters, "
		    "digits and _, at most 63)" },
		{ "expr = has rosc\ncriterion = y\nexpr = has rosc", 6,
		    "criterion \"y\" has no label" },
		{ "expr = has rosc\ncriterion = y\nlabel = Y", 6,
		    "criterion \"y\" has no expr" },
		{ "criterion = y\nexpr = has rosc", 3,
		    "criterion \"x\" has no expr" },
		{ "expr = has rosc\nlimit = 60", 6, "unknown key \"limit\" (a "
		    "criteria file has title, source, criterion, label, "
		    "expr)" },
		{ "expr = has rosc\nage_years <= 75", 6, "\"age_years <= 75\" "
		    "is not \"key = value\"" },
		{ "expr = has rosc\nlabel =", 6, "key \"label\": empty "
		    "value" },
		{ "expr = has rosc\n# \xff", 6, "invalid UTF-8 at column 3" },
		{ "expr = has rosc\nlabel = \xe2\x80", 6, "invalid UTF-8 at "
		    "column 9" },
		{ "expr = has rosc\nlabel = a\x01", 6, "control character "
		    "(0x01) at column 10" },
		{ "!title = T\nlabel = X", 2, "key \"label\" before the first "
		    "criterion" },
		{ "!title = T\ncriterion = x\nlabel = X\nexpr = has rosc", 0,
		    "no source (the citation of the criteria)" },
		{ "!source = T\ncriterion = x\nlabel = X\nexpr = has rosc", 0,
		    "no title" },
		{ "!title = T\nsource = S\n", 0, "no criterion" },
		{ "!", 0, "no title" },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_criteria *c = (ecpr_criteria *)1;
	char text[1024], *path;
	size_t i;

	for (i = 0; i < NCASES(bad); i++) {
		if (bad[i].body[0] == '!')
			snprintf(text, sizeof(text), "%s", bad[i].body + 1);
		else
			snprintf(text, sizeof(text), "%s%s", head,
			    bad[i].body);
		CU_ASSERT_PTR_NULL(load(text, &err));
		if (strcmp(err.message, bad[i].msg) != 0 ||
		    err.line != bad[i].line)
			fprintf(stderr, "case %zu: %lu: %s\n", i, err.line,
			    err.message);
		CU_ASSERT_EQUAL(err.code, ECPR_EPARSE);
		CU_ASSERT_EQUAL(err.line, bad[i].line);
		CU_ASSERT_STRING_EQUAL(err.message, bad[i].msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "t.crit"));
	}
	/* a NUL byte, on its line */
	path = cu_write_file(tmp, "nul.crit", "title = T\n");
	{
		FILE *fp = fopen(path, "ab");

		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		fwrite("source = S\nla\0bel = x\n", 1, 23, fp);
		fclose(fp);
	}
	CU_ASSERT_EQUAL(ecpr_criteria_load(&c, path, &err), ECPR_EPARSE);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_STRING_EQUAL(err.message, "NUL byte");
	free(path);
	/* a file that cannot be read */
	c = (ecpr_criteria *)1;
	CU_ASSERT_EQUAL(ecpr_criteria_load(&c, "/nonexistent/x.crit", &err),
	    ECPR_EIO);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_STRING_EQUAL(err.file, "/nonexistent/x.crit");
	CU_ASSERT_STRING_EQUAL(err.message,
	    "cannot open: No such file or directory");
	CU_ASSERT_EQUAL(ecpr_criteria_load(NULL, "x", &err), ECPR_EINVAL);
}

/*
 * A flowchart of ten hand-made episodes through three criteria:
 *   age:    age_years <= 75
 *   rhythm: initial_rhythm in (vf, pvt)
 *   flow:   ca_to_flow_min <= 60
 *
 *   e1  age 50 vf  flow 45   discharged cpc 1   -> eligible, survived, fav
 *   e2  age 60 pvt flow 60   discharged cpc 3   -> eligible, survived, unfav
 *   e3  age 70 vf  flow 30   death, cpc 5       -> eligible, died, unfav
 *   e4  age 40 vf  flow 50   nothing known      -> eligible, unknown both
 *   e5  age 80 vf  flow 45   discharged cpc 2   -> excluded at age (surv, fav)
 *   e6  age 90                death, cpc 5       -> excluded at age (died)
 *   e7  age ?  vf  flow 45                       -> unknown at age
 *   e8  age 50 pea flow 45   discharged cpc 1   -> excluded at rhythm
 *   e9  age 50 unknown rhythm                    -> unknown at rhythm
 *   e10 age 50 vf  flow 90   discharged cpc 2   -> excluded at flow
 *   e11 age 50 vf  (no flow time)                -> unknown at flow
 *
 *   age:    in 11, passed 8, failed 2 (1 survived, 1 favourable), unknown 1
 *   rhythm: in 8, passed 6, failed 1 (1, 1), unknown 1
 *   flow:   in 6, passed 4, failed 1 (1, 1), unknown 1
 *   eligible 4: survived 2, died 1, survival unknown 1; favourable 1,
 *       unfavourable 2, cpc unknown 1
 */
static void
test_flow(void)
{
	static const char text[] = "title = T\nsource = S\n"
	    "criterion = age\nlabel = Age 75 or less\n"
	    "expr = age_years <= 75\n"
	    "criterion = rhythm\nlabel = Shockable\n"
	    "expr = initial_rhythm in (vf, pvt)\n"
	    "criterion = flow\nlabel = Flow within 60 min\n"
	    "expr = ca_to_flow_min <= 60\n";
#define ONSET "ca_onset=2021-07-27T08:00Z"
#define DISCH "hospital_admit=2021-07-27T09:00Z", \
	"hospital_discharge=2021-08-27T09:00Z"
	ecpr_episode *eps[11];
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_criteria *c;
	ecpr_flow *f = NULL;
	ecpr_flow_step st;
	ecpr_flow_outcome o;
	uint64_t n;
	size_t i;

	eps[0] = episode("e1", "age_years=50", "initial_rhythm=vf", ONSET,
	    "ecmo_flow_start=2021-07-27T08:45Z", DISCH, "cpc_discharge=1",
	    NULL);
	eps[1] = episode("e2", "age_years=60", "initial_rhythm=pvt", ONSET,
	    "ecmo_flow_start=2021-07-27T09:00Z", DISCH, "cpc_discharge=3",
	    NULL);
	eps[2] = episode("e3", "age_years=70", "initial_rhythm=vf", ONSET,
	    "ecmo_flow_start=2021-07-27T08:30Z", "death=2021-07-29T08:00Z",
	    "cpc_discharge=5", NULL);
	eps[3] = episode("e4", "age_years=40", "initial_rhythm=vf", ONSET,
	    "ecmo_flow_start=2021-07-27T08:50Z", NULL);
	eps[4] = episode("e5", "age_years=80", "initial_rhythm=vf", ONSET,
	    "ecmo_flow_start=2021-07-27T08:45Z", DISCH, "cpc_discharge=2",
	    NULL);
	eps[5] = episode("e6", "age_years=90", ONSET,
	    "death=2021-07-27T10:00Z", "cpc_discharge=5", NULL);
	eps[6] = episode("e7", "initial_rhythm=vf", ONSET,
	    "ecmo_flow_start=2021-07-27T08:45Z", NULL);
	eps[7] = episode("e8", "age_years=50", "initial_rhythm=pea", ONSET,
	    "ecmo_flow_start=2021-07-27T08:45Z", DISCH, "cpc_discharge=1",
	    NULL);
	eps[8] = episode("e9", "age_years=50", "initial_rhythm=unknown",
	    NULL);
	eps[9] = episode("e10", "age_years=50", "initial_rhythm=vf", ONSET,
	    "ecmo_flow_start=2021-07-27T09:30Z", DISCH, "cpc_discharge=2",
	    NULL);
	eps[10] = episode("e11", "age_years=50", "initial_rhythm=vf", NULL);
#undef ONSET
#undef DISCH
	c = load(text, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(ecpr_flow_new(&f, c, &err), ECPR_OK);
	/* empty: all zero */
	ecpr_flow_total(f, &n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ecpr_flow_step_count(f), 3);
	CU_ASSERT_EQUAL(ecpr_flow_step_get(f, 2, &st), ECPR_OK);
	CU_ASSERT_EQUAL(st.in + st.passed + st.failed + st.unknown, 0);
	ecpr_flow_eligible(f, &o);
	CU_ASSERT_EQUAL(o.n, 0);
	for (i = 0; i < 11; i++)
		CU_ASSERT_EQUAL(ecpr_flow_add(f, eps[i], &err), ECPR_OK);
	ecpr_flow_total(f, &n);
	CU_ASSERT_EQUAL(n, 11);
	{
		static const uint64_t want[3][6] = {
			{ 11, 8, 2, 1, 1, 1 },
			{ 8, 6, 1, 1, 1, 1 },
			{ 6, 4, 1, 1, 1, 1 },
		};

		for (i = 0; i < 3; i++) {
			CU_ASSERT_EQUAL(ecpr_flow_step_get(f, i, &st), ECPR_OK);
			CU_ASSERT_EQUAL(st.in, want[i][0]);
			CU_ASSERT_EQUAL(st.passed, want[i][1]);
			CU_ASSERT_EQUAL(st.failed, want[i][2]);
			CU_ASSERT_EQUAL(st.unknown, want[i][3]);
			CU_ASSERT_EQUAL(st.failed_survived, want[i][4]);
			CU_ASSERT_EQUAL(st.failed_favourable, want[i][5]);
		}
	}
	CU_ASSERT_EQUAL(ecpr_flow_step_get(f, 3, &st), ECPR_EINVAL);
	ecpr_flow_eligible(f, &o);
	CU_ASSERT_EQUAL(o.n, 4);
	CU_ASSERT_EQUAL(o.survived, 2);
	CU_ASSERT_EQUAL(o.died, 1);
	CU_ASSERT_EQUAL(o.survival_unknown, 1);
	CU_ASSERT_EQUAL(o.favourable, 1);
	CU_ASSERT_EQUAL(o.unfavourable, 2);
	CU_ASSERT_EQUAL(o.cpc_unknown, 1);
	/* verdicts of one episode */
	{
		ecpr_verdict v[3];

		CU_ASSERT_EQUAL(ecpr_criteria_eval(c, eps[8], v, &err),
		    ECPR_OK);
		CU_ASSERT_EQUAL(v[0], P);
		CU_ASSERT_EQUAL(v[1], U);
		CU_ASSERT_EQUAL(v[2], U);
		CU_ASSERT_EQUAL(ecpr_criteria_eval(c, eps[9], v, &err),
		    ECPR_OK);
		CU_ASSERT_EQUAL(v[0], P);
		CU_ASSERT_EQUAL(v[1], P);
		CU_ASSERT_EQUAL(v[2], F);
	}
	ecpr_flow_free(f);
	ecpr_flow_free(NULL);
	ecpr_criteria_free(c);
	for (i = 0; i < 11; i++)
		ecpr_episode_free(eps[i]);
}

static CU_TestInfo criteria_tests[] = {
	{ "a file: title, source, criteria in order", test_load_file },
	{ "numbers: every operator at the limit; unknown when missing",
	    test_numbers },
	{ "codes and text: =, != and in; the code unknown is unknown",
	    test_codes },
	{ "intervals: exact minutes, ranges that straddle are unknown",
	    test_intervals },
	{ "events, and, or, not with three values", test_logic },
	{ "every error names file, line, key and value", test_errors },
	{ "a flowchart of a hand-made cohort counted by hand", test_flow },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "criteria", suite_init, suite_clean, NULL, NULL, criteria_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
