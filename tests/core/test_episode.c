/* test_episode.c - vocabulary, attributes and episodes */
#include "config.h"

#include <string.h>
#include <time.h>

#include "cu_main.h"
#include "internal.h"

#define F "case.csv"

/* 2021-07-27T00:30Z in seconds since 1970 */
#define T0030Z ((int64_t)1627345800)

static ecpr_episode *
mk(void)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, "H1", "P007", 1, &err),
	    ECPR_OK);
	return ep;
}

static void
add(ecpr_episode *ep, ecpr_event_type type, const char *value,
    unsigned long line)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc = ecpr_episode_add_event(ep, type, value, NULL, NULL, F, line,
	    &err);

	CU_ASSERT_EQUAL(rc, ECPR_OK);
	if (rc != ECPR_OK)
		fprintf(stderr, "\nadd %s: %s\n", value, err.message);
}

static void
fmt(const ecpr_event *ev, char *buf, size_t len)
{
	buf[0] = '\0';
	if (ev != NULL)
		ecpr_time_format(&ev->time, buf, len);
}

/* ------------------------------------------------------------------ */
/* Vocabulary                                                           */
/* ------------------------------------------------------------------ */

static void
test_event_names(void)
{
	CU_ASSERT_STRING_EQUAL(ecpr_event_name(ECPR_EV_CA_ONSET), "ca_onset");
	CU_ASSERT_STRING_EQUAL(ecpr_event_name(ECPR_EV_ECMO_FLOW_START),
	    "ecmo_flow_start");
	CU_ASSERT_STRING_EQUAL(ecpr_event_name(ECPR_EV_HOSPITAL_DISCHARGE),
	    "hospital_discharge");
	CU_ASSERT_STRING_EQUAL(ecpr_event_name(ECPR_EV_DEATH), "death");
	CU_ASSERT_PTR_NULL(ecpr_event_name(ECPR_EV_COUNT));
	CU_ASSERT_PTR_NULL(ecpr_event_name((ecpr_event_type)-1));
	CU_ASSERT_EQUAL(ecpr_event_lookup("rosc"), ECPR_EV_ROSC);
	CU_ASSERT_EQUAL(ecpr_event_lookup("rosc_transient"),
	    ECPR_EV_ROSC_TRANSIENT);
	CU_ASSERT_EQUAL(ecpr_event_lookup("mv_stop"), ECPR_EV_MV_STOP);
	CU_ASSERT_EQUAL(ecpr_event_lookup("ROSC"), -1);
	CU_ASSERT_EQUAL(ecpr_event_lookup(""), -1);
	CU_ASSERT_EQUAL(ecpr_event_lookup(NULL), -1);
}

static void
test_event_names_round_trip(void)
{
	int i;

	for (i = 0; i < ECPR_EV_COUNT; i++)
		CU_ASSERT_EQUAL(ecpr_event_lookup(ecpr_event_name(
		    (ecpr_event_type)i)), i);
	for (i = 0; i < ECPR_AT_COUNT; i++)
		CU_ASSERT_EQUAL(ecpr_attr_lookup(ecpr_attr_name(
		    (ecpr_attr_id)i)), i);
	for (i = 0; i < ECPR_IV_COUNT; i++)
		CU_ASSERT_EQUAL(ecpr_interval_lookup(ecpr_interval_name(
		    (ecpr_interval_id)i)), i);
}

/* The per-row look-up: by length and bytes, no NUL needed. */
static void
test_event_lookup_by_length(void)
{
	const char *row = "mcc_stop,mv_start";
	int i;

	/* same length and first letter: mcc_stop, mv_start; cpr_start,
	 * crrt_stop; icu_admit, iabp_stop */
	CU_ASSERT_EQUAL(ecpr__event_lookup_n(row, 8), ECPR_EV_MCC_STOP);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n(row + 9, 8), ECPR_EV_MV_START);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("cpr_start", 9),
	    ECPR_EV_CPR_START);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("crrt_stop", 9),
	    ECPR_EV_CRRT_STOP);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("icu_admit", 9),
	    ECPR_EV_ICU_ADMIT);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("iabp_stop", 9),
	    ECPR_EV_IABP_STOP);
	/* a prefix of a longer name is that name only by its length */
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("rosc_transient", 4),
	    ECPR_EV_ROSC);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("rosc_transient", 14),
	    ECPR_EV_ROSC_TRANSIENT);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("rosc_transient", 5), -1);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("mcc_stop", 7), -1);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("mcc_stoq", 8), -1);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("ncc_stop", 8), -1);
	CU_ASSERT_EQUAL(ecpr__event_lookup_n("", 0), -1);
	CU_ASSERT_EQUAL(ecpr_event_lookup("mcc_stop "), -1);
	/* the lengths come from the names */
	for (i = 0; i < ECPR_EV_COUNT; i++) {
		CU_ASSERT_EQUAL(ecpr__events[i].len,
		    strlen(ecpr__events[i].name));
		CU_ASSERT_EQUAL(ecpr__event_lookup_n(ecpr__events[i].name,
		    ecpr__events[i].len), i);
	}
}

/* The source's index: every name, by its slot or past a taken one. */
static void
test_event_index(void)
{
	struct ecpr__event_index ix;
	char buf[32];
	int i, used = 0;
	size_t len;

	ecpr__event_index_init(&ix);
	for (i = 0; i < ECPR__EVENT_SLOTS; i++)
		used += ix.slot[i] != 0;
	CU_ASSERT_EQUAL(used, ECPR_EV_COUNT);
	for (i = 0; i < ECPR_EV_COUNT; i++) {
		const char *n = ecpr__events[i].name;

		len = strlen(n);
		CU_ASSERT_EQUAL(ecpr__event_index_find(&ix, n, len), i);
		/* the name with one letter changed, shorter, longer */
		memcpy(buf, n, len + 1);
		buf[len / 2] = 'X';
		CU_ASSERT_EQUAL(ecpr__event_index_find(&ix, buf, len), -1);
		CU_ASSERT_EQUAL(ecpr__event_index_find(&ix, n, len - 1),
		    ecpr__event_lookup_n(n, len - 1));
		memcpy(buf, n, len);
		buf[len] = 's';
		CU_ASSERT_EQUAL(ecpr__event_index_find(&ix, buf, len + 1), -1);
	}
	CU_ASSERT_EQUAL(ecpr__event_index_find(&ix, "rosc_transient", 4),
	    ECPR_EV_ROSC);
	CU_ASSERT_EQUAL(ecpr__event_index_find(&ix, "", 0), -1);
}

/* ecpr__mem_eq: every length to 20, a difference at every place. */
static void
test_mem_eq(void)
{
	char a[24], b[24];
	size_t n, i;

	for (n = 0; n <= 20; n++) {
		memset(a, 'a', sizeof(a));
		memset(b, 'a', sizeof(b));
		b[n] = 'b'; /* beyond the n compared */
		CU_ASSERT_TRUE(ecpr__mem_eq(a, b, n));
		for (i = 0; i < n; i++) {
			b[i] = 'b';
			CU_ASSERT_FALSE(ecpr__mem_eq(a, b, n));
			b[i] = 'a';
		}
	}
}

static void
test_event_repeatable(void)
{
	int i, n = 0;

	for (i = 0; i < ECPR_EV_COUNT; i++)
		n += ecpr_event_repeatable((ecpr_event_type)i);
	/* mcc, iabp, crrt, mv start/stop (8), rosc_transient, rearrest,
	 * pci */
	CU_ASSERT_EQUAL(n, 11);
	CU_ASSERT_TRUE(ecpr_event_repeatable(ECPR_EV_MCC_START));
	CU_ASSERT_TRUE(ecpr_event_repeatable(ECPR_EV_REARREST));
	CU_ASSERT_TRUE(ecpr_event_repeatable(ECPR_EV_PCI));
	CU_ASSERT_FALSE(ecpr_event_repeatable(ECPR_EV_ROSC));
	CU_ASSERT_FALSE(ecpr_event_repeatable(ECPR_EV_CA_ONSET));
	CU_ASSERT_FALSE(ecpr_event_repeatable(ECPR_EV_ECMO_STOP));
}

static void
test_attr_names(void)
{
	CU_ASSERT_STRING_EQUAL(ecpr_attr_name(ECPR_AT_AGE_YEARS), "age_years");
	CU_ASSERT_STRING_EQUAL(ecpr_attr_name(ECPR_AT_FIRST_CPR_PROVIDER),
	    "first_cpr_provider");
	CU_ASSERT_STRING_EQUAL(ecpr_attr_name(ECPR_AT_CPC_DISCHARGE),
	    "cpc_discharge");
	CU_ASSERT_PTR_NULL(ecpr_attr_name(ECPR_AT_COUNT));
	CU_ASSERT_EQUAL(ecpr_attr_lookup("apache2"), ECPR_AT_APACHE2);
	CU_ASSERT_EQUAL(ecpr_attr_lookup("site"), -1);
}

/* normalise and expect value; or an error message */
static void
norm_ok(ecpr_attr_id id, const char *in, const char *want)
{
	char buf[64];
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_attr_normalize(id, in, buf, sizeof(buf), &err),
	    ECPR_OK);
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void
norm_bad(ecpr_attr_id id, const char *in, const char *msg)
{
	char buf[64];
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_attr_normalize(id, in, buf, sizeof(buf), &err),
	    ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.code, ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, msg);
}

static void
test_attr_numbers(void)
{
	norm_ok(ECPR_AT_AGE_YEARS, "45", "45");
	norm_ok(ECPR_AT_AGE_YEARS, "045", "45");
	norm_ok(ECPR_AT_AGE_YEARS, " 62 ", "62");
	norm_ok(ECPR_AT_AGE_YEARS, "0", "0");
	norm_ok(ECPR_AT_AGE_YEARS, "150", "150");
	norm_ok(ECPR_AT_AGE_YEARS, "0.5", "0.5");
	norm_ok(ECPR_AT_AGE_YEARS, "150.0", "150.0");
	norm_bad(ECPR_AT_AGE_YEARS, "150.5",
	    "attribute \"age_years\": \"150.5\" is out of range (0-150)");
	norm_bad(ECPR_AT_AGE_YEARS, "151",
	    "attribute \"age_years\": \"151\" is out of range (0-150)");
	norm_bad(ECPR_AT_AGE_YEARS, "-1",
	    "attribute \"age_years\": \"-1\" is not a number");
	norm_bad(ECPR_AT_AGE_YEARS, "99999999999999999999",
	    "attribute \"age_years\": \"99999999999999999999\" is out of "
	    "range (0-150)");
	norm_ok(ECPR_AT_BMI, "22.86", "22.86");
	norm_ok(ECPR_AT_BMI, "5", "5");
	norm_ok(ECPR_AT_BMI, "100", "100");
	norm_bad(ECPR_AT_BMI, "abc",
	    "attribute \"bmi\": \"abc\" is not a number");
	norm_bad(ECPR_AT_BMI, "22.", "attribute \"bmi\": \"22.\" is not a "
	    "number");
	norm_bad(ECPR_AT_BMI, ".5", "attribute \"bmi\": \".5\" is not a "
	    "number");
	norm_bad(ECPR_AT_BMI, "22,5", "attribute \"bmi\": \"22,5\" is not a "
	    "number");
	norm_bad(ECPR_AT_BMI, "4.9",
	    "attribute \"bmi\": \"4.9\" is out of range (5-100)");
	norm_ok(ECPR_AT_APACHE2, "0", "0");
	norm_ok(ECPR_AT_APACHE2, "71", "71");
	/* an integer without its leading zeros is its decimal form */
	norm_ok(ECPR_AT_APACHE2, "000", "0");
	norm_ok(ECPR_AT_APACHE2, "0071", "71");
	norm_bad(ECPR_AT_APACHE2, "72",
	    "attribute \"apache2\": \"72\" is out of range (0-71)");
	norm_bad(ECPR_AT_APACHE2, "3.5",
	    "attribute \"apache2\": \"3.5\" is not an integer");
	norm_ok(ECPR_AT_CPC_DISCHARGE, "1", "1");
	norm_ok(ECPR_AT_CPC_DISCHARGE, "5", "5");
	norm_bad(ECPR_AT_CPC_DISCHARGE, "7",
	    "attribute \"cpc_discharge\": \"7\" is out of range (1-5)");
	norm_bad(ECPR_AT_CPC_DISCHARGE, "0",
	    "attribute \"cpc_discharge\": \"0\" is out of range (1-5)");
	norm_bad(ECPR_AT_CPC_DISCHARGE, "",
	    "attribute \"cpc_discharge\": value is empty");
}

static void
test_attr_codes(void)
{
	norm_ok(ECPR_AT_SEX, "M", "M");
	norm_ok(ECPR_AT_SEX, "f", "F");
	norm_ok(ECPR_AT_SEX, "u", "U");
	norm_bad(ECPR_AT_SEX, "X",
	    "attribute \"sex\": \"X\" is not one of M, F, U");
	norm_bad(ECPR_AT_SEX, "male",
	    "attribute \"sex\": \"male\" is not one of M, F, U");
	norm_ok(ECPR_AT_CA_LOCATION, "Cath_Lab", "cath_lab");
	norm_ok(ECPR_AT_CA_LOCATION, "EMS", "ems");
	norm_bad(ECPR_AT_CA_LOCATION, "car",
	    "attribute \"ca_location\": \"car\" is not one of home, street, "
	    "public, ems, ed, icu, ward, cath_lab, other");
	norm_ok(ECPR_AT_FIRST_CPR_PROVIDER, "First_Aider", "first_aider");
	norm_bad(ECPR_AT_FIRST_CPR_PROVIDER, "police",
	    "attribute \"first_cpr_provider\": \"police\" is not one of "
	    "bystander, first_aider, ems, physician, nurse, intensivist, "
	    "other");
	norm_ok(ECPR_AT_INITIAL_RHYTHM, "VF", "vf");
	norm_ok(ECPR_AT_INITIAL_RHYTHM, "Asystole", "asystole");
	norm_bad(ECPR_AT_INITIAL_RHYTHM, "vt",
	    "attribute \"initial_rhythm\": \"vt\" is not one of vf, pvt, pea, "
	    "asystole, unknown");
	norm_ok(ECPR_AT_CANNULATION_METHOD, "Percutaneous", "percutaneous");
	norm_bad(ECPR_AT_CANNULATION_METHOD, "open",
	    "attribute \"cannulation_method\": \"open\" is not one of "
	    "percutaneous, surgical, hybrid");
}

/* The findings of the eligibility criteria (issue 11): yes, no, unknown,
 * appended to the attributes (the ids before them keep their values). */
static void
test_attr_findings(void)
{
	static const struct {
		ecpr_attr_id id;
		const char *name;
	} f[] = {
		{ ECPR_AT_PUPILLARY_LIGHT_REFLEX, "pupillary_light_reflex" },
		{ ECPR_AT_CEREBRAL_HAEMORRHAGE, "cerebral_haemorrhage" },
		{ ECPR_AT_WITNESSED, "witnessed" },
		{ ECPR_AT_BYSTANDER_CPR, "bystander_cpr" },
	};
	char want[160];
	size_t i;

	CU_ASSERT_EQUAL(ECPR_AT_CPC_DISCHARGE, 11);
	CU_ASSERT_EQUAL(ECPR_AT_PUPILLARY_LIGHT_REFLEX, 12);
	CU_ASSERT_EQUAL(ECPR_AT_BYSTANDER_CPR, 15);
	CU_ASSERT_EQUAL(ECPR_AT_COUNT, 16);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		CU_ASSERT_STRING_EQUAL(ecpr_attr_name(f[i].id), f[i].name);
		CU_ASSERT_EQUAL(ecpr_attr_lookup(f[i].name), (int)f[i].id);
		norm_ok(f[i].id, "yes", "yes");
		norm_ok(f[i].id, " No ", "no");
		norm_ok(f[i].id, "UNKNOWN", "unknown");
		snprintf(want, sizeof(want), "attribute \"%s\": \"y\" is not "
		    "one of yes, no, unknown", f[i].name);
		norm_bad(f[i].id, "y", want);
		snprintf(want, sizeof(want), "attribute \"%s\": \"1\" is not "
		    "one of yes, no, unknown", f[i].name);
		norm_bad(f[i].id, "1", want);
		snprintf(want, sizeof(want), "attribute \"%s\": value is "
		    "empty", f[i].name);
		norm_bad(f[i].id, " ", want);
	}
	CU_ASSERT_EQUAL(ecpr_attr_lookup("cerebral_hemorrhage"), -1);
}

static void
test_attr_text(void)
{
	char buf[8];
	ecpr_error err = ECPR_ERROR_INIT;

	norm_ok(ECPR_AT_MCC_DEVICE, "LUCAS 3", "LUCAS 3");
	norm_ok(ECPR_AT_ECMO_DEVICE, " Maquet Rotaflow ", " Maquet Rotaflow ");
	norm_ok(ECPR_AT_PRIMARY_DISEASE, "AMI (LAD) \xc3\xa9",
	    "AMI (LAD) \xc3\xa9");
	norm_bad(ECPR_AT_PRIMARY_DISEASE, "AMI\nSTEMI",
	    "attribute \"primary_disease\": value contains a control "
	    "character (0x0a)");
	norm_bad(ECPR_AT_MCC_DEVICE, "LUCAS\x7f",
	    "attribute \"mcc_device\": value contains a control character "
	    "(0x7f)");
	/* a buffer too small is a caller error */
	CU_ASSERT_EQUAL(ecpr_attr_normalize(ECPR_AT_MCC_DEVICE, "AutoPulse",
	    buf, sizeof(buf), &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_attr_normalize(ECPR_AT_COUNT, "1", buf,
	    sizeof(buf), &err), ECPR_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Episodes: construction, attributes, adding events                    */
/* ------------------------------------------------------------------ */

static void
test_episode_new(void)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_episode_new(&ep, "H1", "P007", 2, &err),
	    ECPR_OK);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_site(ep), "H1");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P007");
	CU_ASSERT_EQUAL(ecpr_episode_number(ep), 2);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 0);
	CU_ASSERT_PTR_NULL(ecpr_episode_first(ep, ECPR_EV_ROSC));
	CU_ASSERT_PTR_NULL(ecpr_episode_attr(ep, ECPR_AT_SEX));
	ecpr_episode_free(ep);
	ecpr_episode_free(NULL);

	ep = (ecpr_episode *)&err;
	CU_ASSERT_EQUAL(ecpr_episode_new(&ep, "", "P007", 1, &err),
	    ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_EQUAL(ecpr_episode_new(&ep, "H1", NULL, 1, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_episode_new(&ep, "H1", "P007", 0, &err),
	    ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "episode: number 0 is not a positive integer");
}

static void
test_episode_attrs(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_SEX, "m", F, 2,
	    &err), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_SEX), "M");
	/* the same value again (another file): accepted */
	CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_SEX, "M", "b.csv",
	    4, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_SEX, "F", F, 7,
	    &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "attribute \"sex\": given twice: \"M\" (line 2) and \"F\"");
	CU_ASSERT_STRING_EQUAL(err.file, F);
	CU_ASSERT_EQUAL(err.line, 7);
	CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_SEX, "F", "b.csv",
	    9, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "attribute \"sex\": given twice: \"M\" (case.csv:2) and \"F\"");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_SEX), "M");
	/* a bad value is located */
	CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_CPC_DISCHARGE, "7",
	    F, 3, &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "attribute \"cpc_discharge\": \"7\" is out of range (1-5)");
	CU_ASSERT_STRING_EQUAL(err.file, F);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_PTR_NULL(ecpr_episode_attr(ep, ECPR_AT_CPC_DISCHARGE));
	ecpr_episode_free(ep);
}

static void
test_add_event_absolute(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	const ecpr_event *ev;

	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET,
	    "2021-07-27T08:30+08:00", "witnessed", NULL, F, 3, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 1);
	ev = ecpr_episode_event(ep, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(ev->type, ECPR_EV_CA_ONSET);
	CU_ASSERT_EQUAL(ev->time.t, T0030Z);
	CU_ASSERT_EQUAL(ev->time.end, T0030Z + 60);
	CU_ASSERT_EQUAL(ev->time.offset, 8 * 3600);
	CU_ASSERT_EQUAL(ev->time.prec, ECPR_PREC_MINUTE);
	CU_ASSERT_STRING_EQUAL(ev->text, "2021-07-27T08:30+08:00");
	CU_ASSERT_STRING_EQUAL(ev->note, "witnessed");
	CU_ASSERT_STRING_EQUAL(ev->file, F);
	CU_ASSERT_EQUAL(ev->line, 3);
	CU_ASSERT_PTR_NULL(ecpr_episode_event(ep, 1));
	CU_ASSERT_PTR_EQUAL(ecpr_episode_first(ep, ECPR_EV_CA_ONSET), ev);
	ecpr_episode_free(ep);
}

static void
test_add_event_errors(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	const char *want;

	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CPR_START,
	    "2023-02-30", NULL, NULL, F, 5, &err), ECPR_EPARSE);
	want = "field \"cpr_start\": ";
	CU_ASSERT_EQUAL(strncmp(err.message, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "2023-02-30"));
	CU_ASSERT_STRING_EQUAL(err.file, F);
	CU_ASSERT_EQUAL(err.line, 5);

	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_ROSC,
	    "ecmo_start+PT40M", NULL, NULL, F, 6, &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, "field \"rosc\": relative value "
	    "\"ecmo_start+PT40M\" names an unknown event \"ecmo_start\"");
	CU_ASSERT_EQUAL(err.line, 6);

	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_ROSC,
	    "yesterday", NULL, NULL, F, 7, &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, "field \"rosc\": \"yesterday\" is "
	    "neither a date and time nor EVENT+DURATION");

	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_ROSC,
	    "cpr_start+P1M", NULL, NULL, F, 8, &err), ECPR_EPARSE);
	want = "field \"rosc\": relative value \"cpr_start+P1M\": ";
	CU_ASSERT_EQUAL(strncmp(err.message, want, strlen(want)), 0);
	CU_ASSERT_EQUAL(err.line, 8);
	/* a time of day without an offset needs a zone */
	CU_ASSERT_NOT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_ROSC,
	    "2021-07-27T08:30", NULL, NULL, F, 9, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 0);
	ecpr_episode_free(ep);
}

static void
test_add_event_local_time(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tz *tz = NULL;
	const ecpr_event *ev;
	const char *want;

	CU_ASSERT_EQUAL_FATAL(ecpr_tz_load(&tz, "Europe/Berlin", &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET,
	    "2023-03-26T01:30", NULL, tz, F, 2, &err), ECPR_OK);
	ev = ecpr_episode_event(ep, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	/* 01:30 +01:00 is 00:30Z */
	CU_ASSERT_EQUAL(ev->time.t, (int64_t)1679790600);
	CU_ASSERT_EQUAL(ev->time.offset, 3600);
	/* 02:30 does not exist that night: a rule error naming the field */
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CPR_START,
	    "2023-03-26T02:30", NULL, tz, F, 3, &err), ECPR_ERULE);
	want = "field \"cpr_start\": ";
	CU_ASSERT_EQUAL(strncmp(err.message, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "does not exist"));
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 1);
	ecpr_episode_free(ep);
	ecpr_tz_free(tz);
}

/* ------------------------------------------------------------------ */
/* Finishing: relative values                                           */
/* ------------------------------------------------------------------ */

static void
test_relative_any_order(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	const ecpr_event *ev;
	char buf[64];

	/* a chain given backwards: rosc <- ecmo_flow_start <- cannulation */
	add(ep, ECPR_EV_ROSC, "ecmo_flow_start+PT40M", 2);
	add(ep, ECPR_EV_ECMO_FLOW_START, "cannulation_start+PT20M", 3);
	add(ep, ECPR_EV_CANNULATION_START, "2021-07-27T09:10+08:00", 4);
	add(ep, ECPR_EV_CA_ONSET, "cpr_start-PT5M", 5);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:35+08:00", 6);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	fmt(ecpr_episode_first(ep, ECPR_EV_ECMO_FLOW_START), buf,
	    sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2021-07-27T09:30+08:00");
	fmt(ecpr_episode_first(ep, ECPR_EV_ROSC), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2021-07-27T10:10+08:00");
	ev = ecpr_episode_first(ep, ECPR_EV_CA_ONSET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(ev->time.t, T0030Z);
	CU_ASSERT_EQUAL(ev->time.prec, ECPR_PREC_MINUTE);
	CU_ASSERT_STRING_EQUAL(ev->text, "cpr_start-PT5M");
	CU_ASSERT_EQUAL(ev->line, 5);
	/* sorted by time */
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 0)->type, ECPR_EV_CA_ONSET);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 1)->type, ECPR_EV_CPR_START);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 2)->type,
	    ECPR_EV_CANNULATION_START);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 3)->type,
	    ECPR_EV_ECMO_FLOW_START);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 4)->type, ECPR_EV_ROSC);
	ecpr_episode_free(ep);
}

static void
test_relative_keeps_anchor_precision(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	const ecpr_event *ev;
	char buf[64];

	add(ep, ECPR_EV_HOSPITAL_ADMIT, "2021-07-27", 2);
	add(ep, ECPR_EV_ICU_ADMIT, "hospital_admit+P1D", 3);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	ev = ecpr_episode_first(ep, ECPR_EV_ICU_ADMIT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(ev->time.prec, ECPR_PREC_DAY);
	CU_ASSERT_EQUAL(ev->time.end - ev->time.t, 86400);
	fmt(ev, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2021-07-28");
	ecpr_episode_free(ep);
}

static void
test_relative_first_occurrence_anchor(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[64];

	/* two MCC segments: the anchor is the earlier start */
	add(ep, ECPR_EV_MCC_START, "2021-07-27T09:00+08:00", 2);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:40+08:00", 3);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:50+08:00", 4);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T09:30+08:00", 5);
	add(ep, ECPR_EV_CPR_START, "mcc_start-PT10M", 6);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	fmt(ecpr_episode_first(ep, ECPR_EV_CPR_START), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2021-07-27T08:30+08:00");
	ecpr_episode_free(ep);
}

static void
test_relative_unknown_anchor(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_CA_ONSET, "2021-07-27T08:30+08:00", 2);
	add(ep, ECPR_EV_ROSC, "ecmo_flow_start+PT40M", 3);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"rosc\": relative value \"ecmo_flow_start+PT40M\" refers to "
	    "ecmo_flow_start, which has no value");
	CU_ASSERT_STRING_EQUAL(err.file, F);
	CU_ASSERT_EQUAL(err.line, 3);
	ecpr_episode_free(ep);
}

static void
test_relative_cycle(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_ROSC, "ecmo_flow_start+PT40M", 4);
	add(ep, ECPR_EV_ECMO_FLOW_START, "rosc-PT40M", 5);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"rosc\": relative value \"ecmo_flow_start+PT40M\" is part of a "
	    "cycle (rosc -> ecmo_flow_start -> rosc)");
	CU_ASSERT_EQUAL(err.line, 4);
	ecpr_episode_free(ep);

	/* a longer cycle */
	ep = mk();
	add(ep, ECPR_EV_CPR_START, "ca_onset+PT1M", 2);
	add(ep, ECPR_EV_CA_ONSET, "rosc-PT60M", 3);
	add(ep, ECPR_EV_ROSC, "cpr_start+PT59M", 4);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	/* found while resolving ca_onset -> rosc -> cpr_start */
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"cpr_start\": relative value \"ca_onset+PT1M\" is part of a "
	    "cycle (cpr_start -> ca_onset -> rosc -> cpr_start)");
	CU_ASSERT_EQUAL(err.line, 2);
	ecpr_episode_free(ep);
}

static void
test_relative_self_cycle(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_PCI, "pci+PT10M", 7);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"pci\": relative value \"pci+PT10M\" is part of a cycle "
	    "(pci -> pci)");
	CU_ASSERT_EQUAL(err.line, 7);
	ecpr_episode_free(ep);
}

/* ------------------------------------------------------------------ */
/* Finishing: duplicates                                                */
/* ------------------------------------------------------------------ */

static void
test_duplicates_merged(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	const ecpr_event *ev;

	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:35+08:00", 2);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CPR_START,
	    "2021-07-27T00:35Z", "from long file", NULL, "b.csv", 9, &err),
	    ECPR_OK);
	/* a repeatable event at the same value is one event too */
	add(ep, ECPR_EV_PCI, "2021-07-27T12:00+08:00", 3);
	add(ep, ECPR_EV_PCI, "2021-07-27T12:00+08:00", 4);
	add(ep, ECPR_EV_PCI, "2021-07-28T12:00+08:00", 5);
	/* same instant, different precision: not a duplicate of a
	 * repeatable event */
	add(ep, ECPR_EV_PCI, "2021-07-28T12:00:00+08:00", 6);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 4);
	ev = ecpr_episode_first(ep, ECPR_EV_CPR_START);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_STRING_EQUAL(ev->file, F);
	CU_ASSERT_EQUAL(ev->line, 2);
	CU_ASSERT_STRING_EQUAL(ev->note, "from long file");
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 1)->line, 3);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 2)->line, 5);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 3)->line, 6);
	ecpr_episode_free(ep);
}

static void
test_duplicates_conflicting(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:35+08:00", 2);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:36+08:00", 9);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"cpr_start\": given twice with different values: "
	    "2021-07-27T08:35+08:00 (line 2) and 2021-07-27T08:36+08:00");
	CU_ASSERT_STRING_EQUAL(err.file, F);
	CU_ASSERT_EQUAL(err.line, 9);
	ecpr_episode_free(ep);

	/* a partial and a full value differ too */
	ep = mk();
	add(ep, ECPR_EV_DEATH, "2021-08-12", 2);
	add(ep, ECPR_EV_DEATH, "2021-08-12T10:00Z", 3);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"death\": given twice with different values: 2021-08-12 "
	    "(line 2) and 2021-08-12T10:00Z");
	ecpr_episode_free(ep);
}

/* ------------------------------------------------------------------ */
/* Finishing: sorting and segments                                      */
/* ------------------------------------------------------------------ */

static void
test_sort_ties_by_type_order(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:35+08:00", 2);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:35+08:00", 3);
	add(ep, ECPR_EV_CA_ONSET, "2021-07-27T08:30+08:00", 4);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 0)->type, ECPR_EV_CA_ONSET);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 1)->type, ECPR_EV_CPR_START);
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 2)->type, ECPR_EV_MCC_START);
	ecpr_episode_free(ep);
}

static void
test_segments_paired(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_segment s;
	char a[64], b[64];

	/* given out of order; the second segment starts when the first
	 * stops; a zero-length segment; an open MV segment */
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T09:20+08:00", 2);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T09:00+08:00", 3);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T09:00+08:00", 4);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:40+08:00", 5);
	add(ep, ECPR_EV_IABP_START, "2021-07-28T10:00+08:00", 6);
	add(ep, ECPR_EV_IABP_STOP, "2021-07-28T10:00+08:00", 7);
	add(ep, ECPR_EV_MV_START, "2021-07-27T09:30+08:00", 8);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC),
	    2);
	s = ecpr_episode_segment(ep, ECPR_SEG_MCC, 0);
	fmt(s.start, a, sizeof(a));
	fmt(s.stop, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(a, "2021-07-27T08:40+08:00");
	CU_ASSERT_STRING_EQUAL(b, "2021-07-27T09:00+08:00");
	CU_ASSERT_EQUAL(s.start->line, 5);
	CU_ASSERT_EQUAL(s.stop->line, 4);
	s = ecpr_episode_segment(ep, ECPR_SEG_MCC, 1);
	fmt(s.start, a, sizeof(a));
	fmt(s.stop, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(a, "2021-07-27T09:00+08:00");
	CU_ASSERT_STRING_EQUAL(b, "2021-07-27T09:20+08:00");
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_IABP),
	    1);
	s = ecpr_episode_segment(ep, ECPR_SEG_IABP, 0);
	CU_ASSERT_EQUAL(s.start->line, 6);
	CU_ASSERT_EQUAL(s.stop->line, 7);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_MV), 1);
	s = ecpr_episode_segment(ep, ECPR_SEG_MV, 0);
	CU_ASSERT_EQUAL(s.start->line, 8);
	CU_ASSERT_PTR_NULL(s.stop);
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_CRRT), 0);
	s = ecpr_episode_segment(ep, ECPR_SEG_CRRT, 0);
	CU_ASSERT_PTR_NULL(s.start);
	CU_ASSERT_PTR_NULL(s.stop);
	ecpr_episode_free(ep);
}

static void
test_segment_stop_without_start(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_CRRT_STOP, "2021-07-29T10:00+08:00", 3);
	add(ep, ECPR_EV_CRRT_START, "2021-07-29T12:00+08:00", 4);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"crrt_stop\": 2021-07-29T10:00+08:00: no crrt segment is open");
	CU_ASSERT_EQUAL(err.line, 3);
	ecpr_episode_free(ep);
}

/* A stop known only to the day closes a segment started that day. */
static void
test_segment_stop_known_to_the_day(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_segment s;

	add(ep, ECPR_EV_CA_ONSET, "2021-07-27T08:30+08:00", 2);
	add(ep, ECPR_EV_IABP_START, "2021-07-28T10:00+08:00", 3);
	add(ep, ECPR_EV_IABP_STOP, "2021-07-28", 4);
	add(ep, ECPR_EV_IABP_START, "2021-08-02T09:00+08:00", 5);
	add(ep, ECPR_EV_IABP_STOP, "2021-08-03", 6);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_IABP),
	    2);
	s = ecpr_episode_segment(ep, ECPR_SEG_IABP, 0);
	CU_ASSERT_EQUAL(s.start->line, 3);
	CU_ASSERT_EQUAL(s.stop->line, 4);
	s = ecpr_episode_segment(ep, ECPR_SEG_IABP, 1);
	CU_ASSERT_EQUAL(s.start->line, 5);
	CU_ASSERT_EQUAL(s.stop->line, 6);
	ecpr_episode_free(ep);
}

static void
test_segment_start_while_open(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:40+08:00", 3);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:50+08:00", 4);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T09:00+08:00", 5);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"mcc_start\": 2021-07-27T08:50+08:00: the mcc segment started "
	    "at 2021-07-27T08:40+08:00 (line 3) is still open");
	CU_ASSERT_EQUAL(err.line, 4);
	ecpr_episode_free(ep);
}

/* ------------------------------------------------------------------ */
/* Finishing: ordering rules                                            */
/* ------------------------------------------------------------------ */

/* One rule: earlier at 09:00, later at 08:20 (+08:00) must fail. */
static void
order_case(ecpr_event_type earlier, ecpr_event_type later)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	char want[ECPR_ERROR_MSG_MAX];

	add(ep, earlier, "2021-07-27T09:00+08:00", 3);
	add(ep, later, "2021-07-27T08:20+08:00", 4);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	snprintf(want, sizeof(want), "episode H1/P007/1: field \"%s\": "
	    "2021-07-27T08:20+08:00 is before %s 2021-07-27T09:00+08:00 "
	    "(line 3)", ecpr_event_name(later), ecpr_event_name(earlier));
	CU_ASSERT_STRING_EQUAL(err.message, want);
	CU_ASSERT_STRING_EQUAL(err.file, F);
	CU_ASSERT_EQUAL(err.line, 4);
	ecpr_episode_free(ep);
}

static void
test_order_rules(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	/* the example of the brief */
	add(ep, ECPR_EV_CA_ONSET, "2021-07-27T08:30+08:00", 3);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:20+08:00", 4);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"cpr_start\": 2021-07-27T08:20+08:00 is before ca_onset "
	    "2021-07-27T08:30+08:00 (line 3)");
	ecpr_episode_free(ep);

	order_case(ECPR_EV_CA_ONSET, ECPR_EV_CPR_START);
	order_case(ECPR_EV_CA_ONSET, ECPR_EV_ROSC);
	order_case(ECPR_EV_CA_ONSET, ECPR_EV_ROSC_TRANSIENT);
	order_case(ECPR_EV_CA_ONSET, ECPR_EV_REARREST);
	order_case(ECPR_EV_CA_ONSET, ECPR_EV_MCC_START);
	order_case(ECPR_EV_CA_ONSET, ECPR_EV_CANNULATION_START);
	order_case(ECPR_EV_CA_ONSET, ECPR_EV_ECMO_FLOW_START);
	order_case(ECPR_EV_CANNULATION_START, ECPR_EV_ECMO_FLOW_START);
	order_case(ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP);
	order_case(ECPR_EV_ICU_ADMIT, ECPR_EV_ICU_DISCHARGE);
	order_case(ECPR_EV_HOSPITAL_ADMIT, ECPR_EV_HOSPITAL_DISCHARGE);
}

static void
test_order_imprecise_may_overlap(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	/* discharge known to the day, the admission later that day */
	add(ep, ECPR_EV_ICU_ADMIT, "2021-07-27T10:00Z", 2);
	add(ep, ECPR_EV_ICU_DISCHARGE, "2021-07-27", 3);
	/* equal values are not "before" */
	add(ep, ECPR_EV_CA_ONSET, "2021-07-27T08:30+08:00", 4);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:30+08:00", 5);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	ecpr_episode_free(ep);

	/* a whole day before: definitely before */
	ep = mk();
	add(ep, ECPR_EV_ICU_ADMIT, "2021-07-27T10:00Z", 2);
	add(ep, ECPR_EV_ICU_DISCHARGE, "2021-07-26", 3);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"icu_discharge\": 2021-07-26 is before icu_admit "
	    "2021-07-27T10:00Z (line 2)");
	ecpr_episode_free(ep);
}

static void
test_order_no_event_after_death(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_DEATH, "2021-08-01T10:00Z", 2);
	add(ep, ECPR_EV_PCI, "2021-08-02T10:00Z", 3);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"pci\": 2021-08-02T10:00Z is after death 2021-08-01T10:00Z "
	    "(line 2)");
	CU_ASSERT_EQUAL(err.line, 3);
	ecpr_episode_free(ep);

	/* death on the same day (day precision) may be later: passes */
	ep = mk();
	add(ep, ECPR_EV_DEATH, "2021-08-01", 2);
	add(ep, ECPR_EV_ICU_DISCHARGE, "2021-08-01T10:00Z", 3);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	ecpr_episode_free(ep);
}

static void
test_order_cpc_after_death_in_hospital(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_CPC_DISCHARGE, "1",
	    F, 2, &err), ECPR_OK);
	add(ep, ECPR_EV_HOSPITAL_DISCHARGE, "2021-08-12", 2);
	add(ep, ECPR_EV_DEATH, "2021-08-12", 5);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: attribute "
	    "\"cpc_discharge\": \"1\" but death 2021-08-12 (line 5) is not "
	    "after hospital_discharge (died in hospital: CPC 5)");
	CU_ASSERT_EQUAL(err.line, 2);
	ecpr_episode_free(ep);

	/* no discharge at all: died in hospital */
	ep = mk();
	ecpr_episode_set_attr(ep, ECPR_AT_CPC_DISCHARGE, "3", F, 2, &err);
	add(ep, ECPR_EV_DEATH, "2021-08-12", 2);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	ecpr_episode_free(ep);

	/* CPC 5 with death in hospital; CPC 1 with death a year later */
	ep = mk();
	ecpr_episode_set_attr(ep, ECPR_AT_CPC_DISCHARGE, "5", F, 2, &err);
	add(ep, ECPR_EV_DEATH, "2021-08-12", 2);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	ecpr_episode_free(ep);
	ep = mk();
	ecpr_episode_set_attr(ep, ECPR_AT_CPC_DISCHARGE, "1", F, 2, &err);
	add(ep, ECPR_EV_HOSPITAL_DISCHARGE, "2021-08-12", 2);
	add(ep, ECPR_EV_DEATH, "2022-08", 2);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	ecpr_episode_free(ep);
}

/* ------------------------------------------------------------------ */
/* Keep going                                                           */
/* ------------------------------------------------------------------ */

struct seen {
	int n;
	unsigned long lines[16];
	int codes[16];
};

static void
collect(const ecpr_error *err, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->lines[s->n] = err->line;
		s->codes[s->n] = err->code;
	}
	s->n++;
}

static void
test_keep_going_reports_all(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	struct seen s;

	memset(&s, 0, sizeof(s));
	add(ep, ECPR_EV_CA_ONSET, "2021-07-27T08:30+08:00", 2);
	add(ep, ECPR_EV_ROSC, "ecmo_flow_start+PT40M", 3);      /* no anchor */
	add(ep, ECPR_EV_PCI, "pci+PT1M", 4);                    /* cycle */
	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:35+08:00", 5);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T08:36+08:00", 6); /* twice */
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:50+08:00", 7); /* unpaired */
	add(ep, ECPR_EV_REARREST, "2021-07-27T08:10+08:00", 8); /* before */
	add(ep, ECPR_EV_DEATH, "2021-07-27T09:00+08:00", 9);
	add(ep, ECPR_EV_ICU_ADMIT, "2021-07-27T10:00+08:00", 10); /* after */
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, collect, &s, &err),
	    ECPR_ERULE);
	CU_ASSERT_EQUAL_FATAL(s.n, 6);
	/* relative values are resolved in type order: rosc, then pci */
	CU_ASSERT_EQUAL(s.lines[0], 3);
	CU_ASSERT_EQUAL(s.lines[1], 4);
	CU_ASSERT_EQUAL(s.lines[2], 6);
	CU_ASSERT_EQUAL(s.lines[3], 7);
	CU_ASSERT_EQUAL(s.lines[4], 8);
	CU_ASSERT_EQUAL(s.lines[5], 10);
	/* err holds the first one */
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_EQUAL(err.code, ECPR_ERULE);
	/* the bad values are gone; the good ones stay */
	CU_ASSERT_PTR_NULL(ecpr_episode_first(ep, ECPR_EV_ROSC));
	CU_ASSERT_EQUAL(ecpr_episode_first(ep, ECPR_EV_CPR_START)->line, 5);
	ecpr_episode_free(ep);
}

/*
 * An episode's first rooms for events (32), their segments and strings
 * (1 KiB) come with it; 40 mcc starts and stops with notes of 100 bytes
 * outgrow them all, and every value, note and segment is the one given,
 * before and after finishing.
 */
static void
test_events_and_strings_outgrow_their_first_room(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	char value[32], note[101];
	const ecpr_event *ev;
	ecpr_segment sg;
	size_t i;

	for (i = 0; i < 40; i++) {
		snprintf(value, sizeof(value), "2021-07-27T%02zu:%02zuZ",
		    10 + i / 60, i % 60);
		memset(note, 'a' + (int)(i % 26), 100);
		note[100] = '\0';
		CU_ASSERT_EQUAL_FATAL(ecpr_episode_add_event(ep, i % 2 ?
		    ECPR_EV_MCC_STOP : ECPR_EV_MCC_START, value, note, NULL,
		    "f.csv", i + 2, &err), ECPR_OK);
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_event_count(ep), 40);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	for (i = 0; i < 40; i++) {
		ev = ecpr_episode_event(ep, i);
		snprintf(value, sizeof(value), "2021-07-27T%02zu:%02zuZ",
		    10 + i / 60, i % 60);
		memset(note, 'a' + (int)(i % 26), 100);
		CU_ASSERT_STRING_EQUAL(ev->text, value);
		CU_ASSERT_STRING_EQUAL(ev->note, note);
		CU_ASSERT_STRING_EQUAL(ev->file, "f.csv");
		CU_ASSERT_EQUAL(ev->line, i + 2);
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC),
	    20);
	for (i = 0; i < 20; i++) {
		sg = ecpr_episode_segment(ep, ECPR_SEG_MCC, i);
		CU_ASSERT(sg.start->line == 2 * i + 2 &&
		    sg.stop->line == 2 * i + 3);
	}
	ecpr_episode_free(ep);
}

/*
 * The segments of all four kinds come from one walk of the events: each
 * kind gets its own points, interleaved with the others' in time, and
 * the problems come kind by kind (mcc, iabp, crrt, mv), each kind's in
 * time order; an instant with a stop and a start of one kind closes
 * before it opens.
 */
static void
test_segments_of_every_kind_interleaved(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_segment sg;
	struct seen s;

	memset(&s, 0, sizeof(s));
	add(ep, ECPR_EV_MV_START, "2021-07-27T08:40+08:00", 2);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:41+08:00", 3);
	add(ep, ECPR_EV_CRRT_STOP, "2021-07-27T08:42+08:00", 4); /* none open */
	add(ep, ECPR_EV_IABP_START, "2021-07-27T08:43+08:00", 5);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:44+08:00", 6);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:44+08:00", 7);
	add(ep, ECPR_EV_IABP_START, "2021-07-27T08:45+08:00", 8); /* open */
	add(ep, ECPR_EV_MV_STOP, "2021-07-27T08:46+08:00", 9);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:47+08:00", 10);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:48+08:00", 11); /* none */
	add(ep, ECPR_EV_IABP_STOP, "2021-07-28", 12);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, collect, &s, &err),
	    ECPR_ERULE);
	CU_ASSERT_EQUAL_FATAL(s.n, 3);
	CU_ASSERT_EQUAL(s.lines[0], 11);
	CU_ASSERT_EQUAL(s.lines[1], 8);
	CU_ASSERT_EQUAL(s.lines[2], 4);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"mcc_stop\": 2021-07-27T08:48+08:00: no mcc segment is open");
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC),
	    2);
	sg = ecpr_episode_segment(ep, ECPR_SEG_MCC, 0);
	CU_ASSERT(sg.start->line == 3 && sg.stop->line == 6);
	sg = ecpr_episode_segment(ep, ECPR_SEG_MCC, 1);
	CU_ASSERT(sg.start->line == 7 && sg.stop->line == 10);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_IABP),
	    1);
	sg = ecpr_episode_segment(ep, ECPR_SEG_IABP, 0);
	CU_ASSERT(sg.start->line == 5 && sg.stop->line == 12);
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_CRRT), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_MV), 1);
	sg = ecpr_episode_segment(ep, ECPR_SEG_MV, 0);
	CU_ASSERT(sg.start->line == 2 && sg.stop->line == 9);
	ecpr_episode_free(ep);
}

/*
 * Duplicates of several types, interleaved: the messages come in the
 * order of the first occurrence of each type (death at line 2 before
 * cpr_start at line 3), then in line order; a same value is dropped
 * silently and its note kept when the first has none.
 */
static void
test_duplicates_report_order(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	struct seen s;

	memset(&s, 0, sizeof(s));
	add(ep, ECPR_EV_DEATH, "2021-07-29T10:00Z", 2);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T00:35Z", 3);
	add(ep, ECPR_EV_PCI, "2021-07-27T04:00Z", 4);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T00:36Z", 5);   /* differs */
	add(ep, ECPR_EV_DEATH, "2021-07-29T11:00Z", 6);       /* differs */
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_PCI,
	    "2021-07-27T04:00Z", "second", NULL, F, 7, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_DEATH,
	    "2021-07-29T10:00Z", "same", NULL, F, 8, &err), ECPR_OK);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T00:37Z", 9);   /* differs */
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_PCI,
	    "2021-07-27T04:00Z", "third", NULL, F, 10, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, collect, &s, &err),
	    ECPR_ERULE);
	CU_ASSERT_EQUAL_FATAL(s.n, 3);
	CU_ASSERT_EQUAL(s.lines[0], 6);
	CU_ASSERT_EQUAL(s.lines[1], 5);
	CU_ASSERT_EQUAL(s.lines[2], 9);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"death\": given twice with different values: "
	    "2021-07-29T10:00Z (line 2) and 2021-07-29T11:00Z");
	CU_ASSERT_EQUAL(err.line, 6);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 3);
	CU_ASSERT_EQUAL(ecpr_episode_first(ep, ECPR_EV_DEATH)->line, 2);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_first(ep, ECPR_EV_DEATH)->note,
	    "same");
	CU_ASSERT_EQUAL(ecpr_episode_first(ep, ECPR_EV_PCI)->line, 4);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_first(ep, ECPR_EV_PCI)->note,
	    "second");
	CU_ASSERT_EQUAL(ecpr_episode_first(ep, ECPR_EV_CPR_START)->line, 3);
	ecpr_episode_free(ep);

	/* without a callback: stops at the first, the death at line 6 */
	ep = mk();
	add(ep, ECPR_EV_DEATH, "2021-07-29T10:00Z", 2);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T00:35Z", 3);
	add(ep, ECPR_EV_CPR_START, "2021-07-27T00:36Z", 5);
	add(ep, ECPR_EV_DEATH, "2021-07-29T11:00Z", 6);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_EQUAL(err.line, 6);
	ecpr_episode_free(ep);
}

/*
 * 50,000 MCC segments in one episode, every event given twice (a wide
 * and a long file): the duplicates are merged by sorting, not by
 * comparing every pair (which took over 20 s here, more under ASan).
 * Exact result, and well under 5 s of CPU time.
 */
static void
test_many_segments_merged(void)
{
	enum { NSEG = 50000 };
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_segment sg;
	clock_t c0, c1;
	char v[64];
	int copy, i, bad = 0;

	for (copy = 0; copy < 2; copy++) {
		for (i = 0; i < NSEG; i++) {
			ecpr_time tm;

			tm.t = T0030Z + (int64_t)i * 120;
			tm.end = tm.t + 60;
			tm.offset = 0;
			tm.prec = ECPR_PREC_MINUTE;
			ecpr_time_format(&tm, v, sizeof(v));
			bad |= ecpr_episode_add_event(ep, ECPR_EV_MCC_START,
			    v, NULL, NULL, F, (unsigned long)i + 2, &err);
			tm.t += 60;
			tm.end += 60;
			ecpr_time_format(&tm, v, sizeof(v));
			bad |= ecpr_episode_add_event(ep, ECPR_EV_MCC_STOP,
			    v, NULL, NULL, F, (unsigned long)i + 2, &err);
		}
	}
	CU_ASSERT_EQUAL_FATAL(bad, ECPR_OK);
	c0 = clock();
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	c1 = clock();
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 2 * NSEG);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC),
	    NSEG);
	sg = ecpr_episode_segment(ep, ECPR_SEG_MCC, NSEG - 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sg.stop);
	CU_ASSERT_EQUAL(sg.start->time.t, T0030Z + (int64_t)(NSEG - 1) * 120);
	CU_ASSERT_EQUAL(sg.stop->time.t,
	    T0030Z + (int64_t)(NSEG - 1) * 120 + 60);
	CU_ASSERT_EQUAL(sg.start->line, NSEG + 1);
	CU_ASSERT((double)(c1 - c0) / CLOCKS_PER_SEC < 5.0);
	ecpr_episode_free(ep);
}

static void
test_refinish_after_add(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_CPR_START, "ca_onset+PT5M", 2);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	ecpr_episode_free(ep);

	ep = mk();
	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:40+08:00", 3);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC), 1);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:50+08:00", 4);
	/* not finished again yet: no segments */
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC), 0);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC), 1);
	CU_ASSERT_PTR_NOT_NULL(ecpr_episode_segment(ep, ECPR_SEG_MCC, 0).stop);
	ecpr_episode_free(ep);
}

/*
 * A file name given again at the same address is known by its address
 * only while the names are promised stable: a name written later in the
 * same buffer is interned as itself.
 */
static void
test_stable_names(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	char name[32];
	const char *first;

	strcpy(name, "a.csv");
	ecpr__episode_stable_names(ep, 1);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET,
	    "2021-07-27T00:30Z", NULL, NULL, name, 2, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CPR_START,
	    "2021-07-27T00:35Z", NULL, NULL, name, 3, &err), ECPR_OK);
	first = ecpr_episode_event(ep, 0)->file;
	CU_ASSERT_STRING_EQUAL(first, "a.csv");
	CU_ASSERT_PTR_NOT_EQUAL(first, name); /* the episode's copy */
	CU_ASSERT_PTR_EQUAL(ecpr_episode_event(ep, 1)->file, first);
	/* the promise ends: the same buffer, another name */
	ecpr__episode_stable_names(ep, 0);
	strcpy(name, "b.csv");
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_ROSC,
	    "2021-07-27T01:35Z", NULL, NULL, name, 4, &err), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_event(ep, 2)->file, "b.csv");
	/* and without the promise, never by the address */
	strcpy(name, "c.csv");
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_DEATH,
	    "2021-07-28T01:35Z", NULL, NULL, name, 5, &err), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_event(ep, 3)->file, "c.csv");
	strcpy(name, "a.csv");
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_PCI,
	    "2021-07-27T03:35Z", NULL, NULL, name, 6, &err), ECPR_OK);
	CU_ASSERT_PTR_EQUAL(ecpr_episode_event(ep, 4)->file, first);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_event(ep, 1)->file, "a.csv");
	ecpr_episode_free(ep);
}

/*
 * Duplicates are looked for among the types added more than once, also
 * when the second value of a type comes after a first finish.
 */
static void
test_duplicates_after_finish(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_CA_ONSET, "2021-07-27T00:30Z", 2);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T00:40Z", 3);
	add(ep, ECPR_EV_ROSC, "2021-07-27T01:30Z", 4);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 3);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T00:40Z", 5); /* the same */
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 3);
	add(ep, ECPR_EV_ROSC, "2021-07-27T01:31Z", 6);      /* differs */
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "episode H1/P007/1: field "
	    "\"rosc\": given twice with different values: "
	    "2021-07-27T01:30Z (line 4) and 2021-07-27T01:31Z");
	CU_ASSERT_EQUAL(err.line, 6);
	ecpr_episode_free(ep);
}

/*
 * A repeatable type's values in rising order need no search for
 * duplicates; one value again, after others or at once, is merged.
 */
static void
test_duplicates_rising_or_not(void)
{
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;

	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:05Z", 2);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:07Z", 3);
	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:10Z", 4);
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:20Z", 5);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 4);
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC), 2);
	/* the first start again, after the others: merged */
	add(ep, ECPR_EV_MCC_START, "2021-07-27T08:05Z", 6);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 4);
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC), 2);
	/* the last stop again, right after it: merged too */
	add(ep, ECPR_EV_MCC_STOP, "2021-07-27T08:20Z", 7);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 4);
	CU_ASSERT_EQUAL(ecpr_episode_first(ep, ECPR_EV_MCC_START)->line, 2);
	ecpr_episode_free(ep);

	/* the same minute, once to the minute and once to the second: two
	 * values, in rising order of their start */
	ep = mk();
	add(ep, ECPR_EV_PCI, "2021-07-27T08:05Z", 2);
	add(ep, ECPR_EV_PCI, "2021-07-27T08:05:00Z", 3);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 2);
	ecpr_episode_free(ep);
}

/*
 * The segments of every kind at once, then finished again with more
 * events than before (the segments' room grows).
 */
static void
test_segments_every_kind(void)
{
	static const ecpr_event_type ev[][2] = {
		{ ECPR_EV_MCC_START, ECPR_EV_MCC_STOP },
		{ ECPR_EV_IABP_START, ECPR_EV_IABP_STOP },
		{ ECPR_EV_CRRT_START, ECPR_EV_CRRT_STOP },
		{ ECPR_EV_MV_START, ECPR_EV_MV_STOP },
	};
	ecpr_episode *ep = mk();
	ecpr_error err = ECPR_ERROR_INIT;
	char v[64];
	ecpr_segment s;
	int k, i, round;
	unsigned long line = 2;

	CU_ASSERT_EQUAL_FATAL(ECPR_SEG_COUNT, 4);
	for (round = 0; round < 2; round++) {
		/* round r adds segment r of each kind: day 27 + r, hour k */
		for (k = 0; k < ECPR_SEG_COUNT; k++) {
			snprintf(v, sizeof(v), "2021-07-%02dT%02d:00Z",
			    27 + round, 10 + k);
			add(ep, ev[k][0], v, line++);
			snprintf(v, sizeof(v), "2021-07-%02dT%02d:30Z",
			    27 + round, 10 + k);
			add(ep, ev[k][1], v, line++);
		}
		CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL,
		    &err), ECPR_OK);
		for (k = 0; k < ECPR_SEG_COUNT; k++) {
			CU_ASSERT_EQUAL_FATAL(ecpr_episode_segment_count(ep,
			    (ecpr_segment_kind)k), (size_t)round + 1);
			for (i = 0; i <= round; i++) {
				s = ecpr_episode_segment(ep,
				    (ecpr_segment_kind)k, (size_t)i);
				CU_ASSERT_EQUAL(s.start->type, ev[k][0]);
				CU_ASSERT_EQUAL(s.stop->type, ev[k][1]);
				CU_ASSERT_EQUAL(s.start->line,
				    2 + 8 * (unsigned long)i + 2 *
				    (unsigned long)k);
				CU_ASSERT_EQUAL(s.stop->line, s.start->line + 1);
			}
		}
	}
	ecpr_episode_free(ep);
}

static CU_TestInfo vocab_tests[] = {
	{ "event names", test_event_names },
	{ "event names looked up by length", test_event_lookup_by_length },
	{ "event names by the source's index", test_event_index },
	{ "bytes compared without memcmp", test_mem_eq },
	{ "names round trip", test_event_names_round_trip },
	{ "repeatable events", test_event_repeatable },
	{ "attribute names", test_attr_names },
	{ "attribute numbers", test_attr_numbers },
	{ "attribute codes", test_attr_codes },
	{ "attribute findings yes/no/unknown", test_attr_findings },
	{ "attribute free text", test_attr_text },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo episode_tests[] = {
	{ "new and accessors", test_episode_new },
	{ "attributes", test_episode_attrs },
	{ "add absolute event", test_add_event_absolute },
	{ "add event errors", test_add_event_errors },
	{ "add event in local time", test_add_event_local_time },
	{ "relative values in any order", test_relative_any_order },
	{ "relative keeps anchor precision",
	    test_relative_keeps_anchor_precision },
	{ "relative to first occurrence",
	    test_relative_first_occurrence_anchor },
	{ "relative unknown anchor", test_relative_unknown_anchor },
	{ "relative cycle", test_relative_cycle },
	{ "relative self cycle", test_relative_self_cycle },
	{ "duplicates merged", test_duplicates_merged },
	{ "duplicates conflicting", test_duplicates_conflicting },
	{ "sort ties by type order", test_sort_ties_by_type_order },
	{ "segments paired", test_segments_paired },
	{ "segment stop without start", test_segment_stop_without_start },
	{ "segment stop known to the day",
	    test_segment_stop_known_to_the_day },
	{ "segment start while open", test_segment_start_while_open },
	{ "ordering rules", test_order_rules },
	{ "imprecise values may overlap", test_order_imprecise_may_overlap },
	{ "no event after death", test_order_no_event_after_death },
	{ "cpc and death in hospital",
	    test_order_cpc_after_death_in_hospital },
	{ "keep going reports all", test_keep_going_reports_all },
	{ "events and strings outgrow their first room",
	    test_events_and_strings_outgrow_their_first_room },
	{ "segments of every kind, interleaved",
	    test_segments_of_every_kind_interleaved },
	{ "finish again after add", test_refinish_after_add },
	{ "duplicates reported in order", test_duplicates_report_order },
	{ "50,000 segments merged", test_many_segments_merged },
	{ "file names known by their address while stable",
	    test_stable_names },
	{ "duplicates of a type added after a finish",
	    test_duplicates_after_finish },
	{ "segments of every kind, finished twice", test_segments_every_kind },
	{ "duplicates of values in rising order or not",
	    test_duplicates_rising_or_not },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "vocab", NULL, NULL, NULL, NULL, vocab_tests },
	{ "episode", NULL, NULL, NULL, NULL, episode_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
