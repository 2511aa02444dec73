/* test_obs.c - measured values, the observation vocabulary, unit
 * conversions, reference ranges and complication codes */
#include "config.h"

#include <string.h>

#include "cu_main.h"
#include "internal.h"

/* Parse text and write it back in both forms. */
static void
test_value_parse_format(void)
{
	static const struct {
		const char *in, *contract, *paper;
		ecpr_cmp cmp;
		int64_t mant;
		int scale;
	} ok[] = {
		{ "13.1", "13.1", "13.1", ECPR_CMP_EQ, 131, 1 },
		{ "15.0", "15.0", "15.0", ECPR_CMP_EQ, 150, 1 },
		{ ">35000", ">35000", "> 35,000", ECPR_CMP_GT, 35000, 0 },
		{ "> 15.0", ">15.0", "> 15.0", ECPR_CMP_GT, 150, 1 },
		{ "<0.5", "<0.5", "< 0.5", ECPR_CMP_LT, 5, 1 },
		{ "<=0.5", "<=0.5", "≤ 0.5", ECPR_CMP_LE, 5, 1 },
		{ ">=15", ">=15", "≥ 15", ECPR_CMP_GE, 15, 0 },
		{ "≤0.05", "<=0.05", "≤ 0.05", ECPR_CMP_LE, 5, 2 },
		{ "≥ 2", ">=2", "≥ 2", ECPR_CMP_GE, 2, 0 },
		{ "27861.3", "27861.3", "27,861.3", ECPR_CMP_EQ, 278613, 1 },
		{ "1491.1", "1491.1", "1491.1", ECPR_CMP_EQ, 14911, 1 },
		{ "1234567", "1234567", "1,234,567", ECPR_CMP_EQ, 1234567, 0 },
		{ "-2", "-2", "-2", ECPR_CMP_EQ, -2, 0 },
		{ "-0.25", "-0.25", "-0.25", ECPR_CMP_EQ, -25, 2 },
		{ "0", "0", "0", ECPR_CMP_EQ, 0, 0 },
		{ "007", "7", "7", ECPR_CMP_EQ, 7, 0 },
		{ "0.000000001", "0.000000001", "0.000000001", ECPR_CMP_EQ, 1,
		    9 },
		{ "999999999999999999", "999999999999999999",
		    "999,999,999,999,999,999", ECPR_CMP_EQ,
		    999999999999999999LL, 0 },
	};
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "", "empty value" },
		{ "35,000", "\"35,000\" has a comma: write the decimal mark as "
		    "a point and no thousands separator (35000, 15.0)" },
		{ "> 15,0", "\"> 15,0\" has a comma: write the decimal mark "
		    "as a point and no thousands separator (35000, 15.0)" },
		{ "1e5", "\"1e5\" has an exponent: write the number in full" },
		{ ".5", "\".5\" has no digit before the decimal point" },
		{ "5.", "\"5.\" is not a number" },
		{ "0.0000000001", "\"0.0000000001\" has too many digits (at "
		    "most 18, 9 of them decimals)" },
		{ "1234567890123456789", "\"1234567890123456789\" has too "
		    "many digits (at most 18, 9 of them decimals)" },
		{ "high", "\"high\" is not a number" },
		{ ">", "\">\" is not a number" },
		{ "<>5", "\"<>5\" is not a number" },
		{ "5 mg", "\"5 mg\" is not a number" },
		{ "+5", "\"+5\" is not a number" },
		{ "=5", "\"=5\" is not a number" },
		{ "--5", "\"--5\" is not a number" },
		{ "1.2.3", "\"1.2.3\" is not a number" },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_value v;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ecpr_value_parse(&v, ok[i].in, &err),
		    ECPR_OK);
		CU_ASSERT_EQUAL(v.cmp, ok[i].cmp);
		CU_ASSERT_EQUAL(v.mant, ok[i].mant);
		CU_ASSERT_EQUAL(v.scale, ok[i].scale);
		CU_ASSERT_EQUAL(ecpr_value_format(&v, 0, buf, sizeof(buf)),
		    strlen(ok[i].contract));
		CU_ASSERT_STRING_EQUAL(buf, ok[i].contract);
		ecpr_value_format(&v, ECPR_VALUE_PAPER, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, ok[i].paper);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(ecpr_value_parse(&v, bad[i].in, &err),
		    ECPR_EPARSE);
		CU_ASSERT_STRING_EQUAL(err.message, bad[i].msg);
		if (strcmp(err.message, bad[i].msg) != 0)
			fprintf(stderr, "\n%s\n", err.message);
	}
	CU_ASSERT_EQUAL(ecpr_value_parse(NULL, "1", &err), ECPR_EINVAL);
	/* truncation is snprintf-style */
	ecpr_value_parse(&v, ">35000", &err);
	CU_ASSERT_EQUAL(ecpr_value_format(&v, 0, buf, 3), 6);
	CU_ASSERT_STRING_EQUAL(buf, ">3");
}

static void
test_value_number_cmp(void)
{
	ecpr_value a, b;

	ecpr_value_parse(&a, "15.0", NULL);
	ecpr_value_parse(&b, ">15", NULL);
	CU_ASSERT_EQUAL(ecpr_value_number_cmp(&a, &b), 0);
	ecpr_value_parse(&b, "15.01", NULL);
	CU_ASSERT_EQUAL(ecpr_value_number_cmp(&a, &b), -1);
	CU_ASSERT_EQUAL(ecpr_value_number_cmp(&b, &a), 1);
	ecpr_value_parse(&b, "-100", NULL);
	CU_ASSERT_EQUAL(ecpr_value_number_cmp(&a, &b), 1);
}

static void
test_vocabulary(void)
{
	static const char *const names[ECPR_OBS_COUNT] = { "nt_probnp",
		"pct", "troponin_i", "lactate", "creatinine", "alt",
		"bilirubin", "platelets", "urine_output", "urine_output_kg",
		"ecmo_flow", "map" };
	static const char *const units[ECPR_OBS_COUNT] = { "pg/mL", "ng/mL",
		"ng/mL", "mmol/L", "umol/L", "U/L", "umol/L", "10*9/L",
		"mL/h", "mL/kg/h", "L/min", "mm[Hg]" };
	static const int worst[ECPR_OBS_COUNT] = { 1, 1, 1, 1, 1, 1, 1, -1,
		-1, -1, -1, -1 };
	int i;

	CU_ASSERT_EQUAL(ecpr_obs_count(), ECPR_OBS_COUNT);
	for (i = 0; i < ECPR_OBS_COUNT; i++) {
		CU_ASSERT_STRING_EQUAL(ecpr_obs_name((ecpr_obs_type)i),
		    names[i]);
		CU_ASSERT_EQUAL(ecpr_obs_lookup(names[i]), i);
		CU_ASSERT_STRING_EQUAL(ecpr_obs_unit((ecpr_obs_type)i),
		    units[i]);
		CU_ASSERT_EQUAL(ecpr_obs_worst((ecpr_obs_type)i), worst[i]);
		CU_ASSERT_PTR_NOT_NULL(ecpr_obs_definition((ecpr_obs_type)i));
		/* the unit of a type is one it accepts */
		CU_ASSERT_STRING_EQUAL(ecpr_obs_unit_lookup((ecpr_obs_type)i,
		    units[i]), units[i]);
	}
	CU_ASSERT_STRING_EQUAL(ecpr_obs_label(ECPR_OBS_LACTATE), "Lac");
	CU_ASSERT_STRING_EQUAL(ecpr_obs_unit_label(ECPR_OBS_CREATININE),
	    "μmol/L");
	CU_ASSERT_STRING_EQUAL(ecpr_obs_unit_label(ECPR_OBS_PLATELETS),
	    "10⁹/L");
	CU_ASSERT_EQUAL(ecpr_obs_decimals(ECPR_OBS_CREATININE), 1);
	CU_ASSERT_EQUAL(ecpr_obs_lookup("Lactate"), -1);
	CU_ASSERT_EQUAL(ecpr_obs_lookup(NULL), -1);
	CU_ASSERT_PTR_NULL(ecpr_obs_name(ECPR_OBS_COUNT));
	CU_ASSERT_PTR_NULL(ecpr_obs_unit((ecpr_obs_type)-1));
	CU_ASSERT_EQUAL(ecpr_obs_worst(ECPR_OBS_COUNT), 0);
}

static void
test_unit_spellings(void)
{
	static const struct {
		ecpr_obs_type type;
		const char *in, *ucum;
	} t[] = {
		{ ECPR_OBS_CREATININE, "µmol/L", "umol/L" },  /* micro sign */
		{ ECPR_OBS_CREATININE, "μmol/l", "umol/L" },  /* Greek mu */
		{ ECPR_OBS_CREATININE, "UMOL/L", "umol/L" },
		{ ECPR_OBS_CREATININE, "mg/dl", "mg/dL" },
		{ ECPR_OBS_PLATELETS, "10^9/L", "10*9/L" },
		{ ECPR_OBS_PLATELETS, "10⁹/L", "10*9/L" },
		{ ECPR_OBS_PLATELETS, "x10^9/L", "10*9/L" },
		{ ECPR_OBS_PLATELETS, "×10⁹/L", "10*9/L" },
		{ ECPR_OBS_PLATELETS, "G/L", "10*9/L" },
		{ ECPR_OBS_PLATELETS, "/µL", "/uL" },
		{ ECPR_OBS_PLATELETS, "/mm3", "/uL" },
		{ ECPR_OBS_PLATELETS, "10^3/uL", "10*3/uL" },
		{ ECPR_OBS_MAP, "mmHg", "mm[Hg]" },
		{ ECPR_OBS_MAP, "mm Hg", "mm[Hg]" },
		{ ECPR_OBS_TROPONIN_I, "pg/mL", "ng/L" },
		{ ECPR_OBS_NT_PROBNP, "ng/L", "pg/mL" },
		{ ECPR_OBS_ALT, "IU/L", "U/L" },
		{ ECPR_OBS_ALT, "µkat/L", "ukat/L" },
		{ ECPR_OBS_URINE_OUTPUT, "ml/h", "mL/h" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *u = ecpr_obs_unit_lookup(t[i].type, t[i].in);

		CU_ASSERT_PTR_NOT_NULL(u);
		if (u != NULL)
			CU_ASSERT_STRING_EQUAL(u, t[i].ucum);
	}
	CU_ASSERT_PTR_NULL(ecpr_obs_unit_lookup(ECPR_OBS_LACTATE, "umol/L"));
	CU_ASSERT_PTR_NULL(ecpr_obs_unit_lookup(ECPR_OBS_LACTATE, ""));
	CU_ASSERT_PTR_NULL(ecpr_obs_unit_lookup(ECPR_OBS_LACTATE, NULL));
	CU_ASSERT_PTR_NULL(ecpr_obs_unit_lookup(ECPR_OBS_URINE_OUTPUT,
	    "mL/kg/h"));
	CU_ASSERT_PTR_NULL(ecpr_obs_unit_lookup(ECPR_OBS_PLATELETS,
	    "10^9/L with a very long tail that does not fit"));
}

/*
 * Conversions against the published factors: creatinine 1 mg/dL =
 * 88.4 umol/L, lactate 1 mmol/L = 9.008 mg/dL (90.08 g/mol), bilirubin
 * 1 mg/dL = 17.1 umol/L, platelets 1 /uL = 0.001 10*9/L, troponin
 * 1 ng/mL = 1000 ng/L, NT-proBNP 1 ng/mL = 1000 pg/mL, 1 pmol/L = 8.457
 * pg/mL, ALT 1 ukat/L = 60 U/L, 1 kPa = 7.50062 mm[Hg].
 */
static void
test_convert(void)
{
	static const struct {
		ecpr_obs_type type;
		const char *in, *from, *to, *out;
	} t[] = {
		{ ECPR_OBS_CREATININE, "1", "mg/dL", "umol/L", "88.4" },
		{ ECPR_OBS_CREATININE, "6.53", "mg/dL", "umol/L", "577.3" },
		{ ECPR_OBS_CREATININE, "577.2", "umol/L", "mg/dL", "6.529" },
		{ ECPR_OBS_CREATININE, "0.5772", "mmol/L", "umol/L", "577.2" },
		{ ECPR_OBS_LACTATE, "9.008", "mg/dL", "mmol/L", "1.0" },
		{ ECPR_OBS_LACTATE, "118", "mg/dL", "mmol/L", "13.1" },
		{ ECPR_OBS_LACTATE, "1", "mmol/L", "mg/dL", "9.01" },
		{ ECPR_OBS_LACTATE, ">135", "mg/dL", "mmol/L", ">14.9" },
		{ ECPR_OBS_LACTATE, "<135", "mg/dL", "mmol/L", "<15.0" },
		{ ECPR_OBS_LACTATE, ">=135", "mg/dL", "mmol/L", ">=14.9" },
		{ ECPR_OBS_BILIRUBIN, "1", "mg/dL", "umol/L", "17.1" },
		{ ECPR_OBS_BILIRUBIN, "2.26", "mg/dL", "umol/L", "38.6" },
		{ ECPR_OBS_PLATELETS, "32000", "/uL", "10*9/L", "32" },
		{ ECPR_OBS_PLATELETS, "32500", "/uL", "10*9/L", "32.5" },
		{ ECPR_OBS_PLATELETS, "32", "10*3/uL", "10*9/L", "32" },
		{ ECPR_OBS_PLATELETS, "32", "10*9/L", "/uL", "32000" },
		{ ECPR_OBS_PLATELETS, "<20", "10*9/L", "/uL", "<20000" },
		{ ECPR_OBS_TROPONIN_I, "50", "ng/mL", "ng/L", "50000" },
		{ ECPR_OBS_TROPONIN_I, "41190", "ng/L", "ng/mL", "41.19" },
		{ ECPR_OBS_TROPONIN_I, "12.5", "ng/L", "ng/mL", "0.0125" },
		{ ECPR_OBS_TROPONIN_I, "0.0125", "ng/mL", "ng/L", "12.5" },
		{ ECPR_OBS_PLATELETS, "32000.0", "/uL", "10*9/L", "32.0" },
		{ ECPR_OBS_NT_PROBNP, ">35", "ng/mL", "pg/mL", ">35000" },
		{ ECPR_OBS_NT_PROBNP, "27.8613", "ng/mL", "pg/mL", "27861.3" },
		{ ECPR_OBS_NT_PROBNP, "100", "pmol/L", "pg/mL", "846" },
		{ ECPR_OBS_ALT, "2", "ukat/L", "U/L", "120" },
		{ ECPR_OBS_MAP, "10", "kPa", "mm[Hg]", "75" },
		{ ECPR_OBS_ECMO_FLOW, "3500", "mL/min", "L/min", "3.5" },
		{ ECPR_OBS_URINE_OUTPUT, "408", "mL/d", "mL/h", "17.0" },
		{ ECPR_OBS_LACTATE, "-118", "mg/dL", "mmol/L", "-13.1" },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_value v, out;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ecpr_value_parse(&v, t[i].in, &err),
		    ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_obs_convert(t[i].type, &v, t[i].from,
		    t[i].to, &out, &err), ECPR_OK);
		ecpr_value_format(&out, 0, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, t[i].out);
		if (strcmp(buf, t[i].out) != 0)
			fprintf(stderr, "\n%s %s -> %s: %s, want %s\n",
			    t[i].in, t[i].from, t[i].to, buf, t[i].out);
	}
	ecpr_value_parse(&v, "1", &err);
	CU_ASSERT_EQUAL(ecpr_obs_convert(ECPR_OBS_LACTATE, &v, "mg/dL",
	    "umol/L", &out, &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, "\"umol/L\" is not a unit of "
	    "lactate (mmol/L, mg/dL)");
	CU_ASSERT_EQUAL(ecpr_obs_convert(ECPR_OBS_LACTATE, &v, "", "mmol/L",
	    &out, &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, "empty unit for lactate "
	    "(mmol/L, mg/dL)");
	ecpr_value_parse(&v, "0.000000005", &err);
	CU_ASSERT_EQUAL(ecpr_obs_convert(ECPR_OBS_TROPONIN_I, &v, "ng/L",
	    "ng/mL", &out, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "troponin_i 0.000000005 ng/L "
	    "does not fit in ng/mL");
	ecpr_value_parse(&v, "999999999999999999", &err);
	CU_ASSERT_EQUAL(ecpr_obs_convert(ECPR_OBS_PLATELETS, &v, "10*9/L",
	    "/uL", &out, &err), ECPR_ERULE);
	CU_ASSERT_EQUAL(ecpr_obs_convert(ECPR_OBS_COUNT, &v, "x", "y", &out,
	    &err), ECPR_EINVAL);
}

static void
test_check_limits(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_value w, c;
	const char *u;

	CU_ASSERT_EQUAL(ecpr__obs_check(ECPR_OBS_LACTATE, "> 15.0", "mmol/l",
	    &w, &u, &c, &err), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(u, "mmol/L");
	CU_ASSERT_EQUAL(c.cmp, ECPR_CMP_GT);
	CU_ASSERT_EQUAL(c.mant, 150);
	CU_ASSERT_EQUAL(ecpr__obs_check(ECPR_OBS_LACTATE, "300", "mmol/L",
	    &w, &u, &c, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "field \"value\": lactate \"300\" "
	    "mmol/L is impossible (0 to 50 mmol/L)");
	CU_ASSERT_EQUAL(ecpr__obs_check(ECPR_OBS_PLATELETS, "-3", "10^9/L",
	    &w, &u, &c, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "field \"value\": platelets "
	    "\"-3\" 10*9/L is impossible (0 to 5000 10*9/L)");
	CU_ASSERT_EQUAL(ecpr__obs_check(ECPR_OBS_LACTATE, "3", "mg/L", &w,
	    &u, &c, &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, "field \"unit\": \"mg/L\" is not "
	    "a unit of lactate (mmol/L, mg/dL)");
	CU_ASSERT_EQUAL(ecpr__obs_check(ECPR_OBS_LACTATE, "3,5", "mmol/L",
	    &w, &u, &c, &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, "field \"value\": \"3,5\" has a "
	    "comma: write the decimal mark as a point and no thousands "
	    "separator (35000, 15.0)");
}

/* The highest or lowest of values, censored ones kept censored. */
static void
test_worst(void)
{
	static const struct {
		int dir;
		const char *in[4];
		const char *out;
	} t[] = {
		{ 1, { "13.1", NULL }, "13.1" },
		{ 1, { "13.1", ">15.0", NULL }, ">15.0" },
		{ 1, { ">15.0", "13.1", NULL }, ">15.0" },
		{ 1, { ">15.0", "16.2", NULL }, ">=16.2" },
		{ 1, { ">15", "15", NULL }, ">15" },
		{ 1, { ">=15", ">15", NULL }, ">15" },
		{ 1, { "<0.5", "0.3", NULL }, "<0.5" },
		{ 1, { "<0.5", "0.7", NULL }, "0.7" },
		{ 1, { "<0.5", "<=0.5", NULL }, "<=0.5" },
		{ 1, { "2", "3", "1", NULL }, "3" },
		{ 1, { "3.0", "3", NULL }, "3.0" },
		{ -1, { "32", "21", "38", NULL }, "21" },
		{ -1, { ">300", "250", NULL }, "250" },
		{ -1, { ">100", ">150", NULL }, ">100" },
		{ -1, { "<20", "32", NULL }, "<20" },
		{ -1, { "<20", "15", NULL }, "<=15" },
		{ -1, { "<20", "<20", NULL }, "<20" },
		{ -1, { ">=100", ">100", NULL }, ">=100" },
	};
	size_t i, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ecpr__worst w;
		ecpr_value v;
		char buf[64];

		memset(&w, 0, sizeof(w));
		w.dir = t[i].dir;
		for (k = 0; t[i].in[k] != NULL; k++) {
			CU_ASSERT_EQUAL_FATAL(ecpr_value_parse(&v, t[i].in[k],
			    NULL), ECPR_OK);
			ecpr__worst_add(&w, &v);
		}
		v = ecpr__worst_value(&w);
		ecpr_value_format(&v, 0, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, t[i].out);
		if (strcmp(buf, t[i].out) != 0)
			fprintf(stderr, "\ncase %zu: %s, want %s\n", i, buf,
			    t[i].out);
	}
}

static void
test_range_parse_flag(void)
{
	static const struct {
		const char *in, *contract, *paper;
	} ok[] = {
		{ "0.7-2.5", "0.7-2.5", "0.7–2.5" },
		{ "0.7 – 2.5", "0.7-2.5", "0.7–2.5" },
		{ "<0.5", "<0.5", "< 0.5" },
		{ "< 0.15", "<0.15", "< 0.15" },
		{ ">17", ">17", "> 17" },
		{ ">=65", ">=65", "≥ 65" },
		{ "≤ 1", "<=1", "≤ 1" },
		{ "100-300", "100-300", "100–300" },
	};
	static const struct {
		const char *range, *value;
		int flag;
	} fl[] = {
		{ "0.7-2.5", "13.1", 'H' },
		{ "0.7-2.5", ">15.0", 'H' },
		{ "0.7-2.5", "2.5", 'N' },
		{ "0.7-2.5", "0.7", 'N' },
		{ "0.7-2.5", "0.69", 'L' },
		{ "0.7-2.5", "<0.7", 'L' },
		{ "0.7-2.5", "<=0.7", '?' },
		{ "0.7-2.5", ">=2.5", '?' },
		{ "0.7-2.5", ">2.5", 'H' },
		{ "0.7-2.5", "<3", '?' },
		{ "<0.5", "<0.5", 'N' },
		{ "<0.5", "0.5", 'H' },
		{ "<0.5", ">=0.5", 'H' },
		{ "<0.5", ">0.4", '?' },
		{ "<0.5", ">94.42", 'H' },
		{ "<=0.5", "0.5", 'N' },
		{ "<=0.5", ">0.5", 'H' },
		{ ">17", "0.5", 'L' },
		{ ">17", "17", 'L' },
		{ ">17", "<=17", 'L' },
		{ ">17", ">17", 'N' },
		{ ">17", ">=17", '?' },
		{ ">=17", ">=17", 'N' },
		{ "0-300", ">35000", 'H' },
		{ "100-300", "<20", 'L' },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_range rg;
	ecpr_value v;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ecpr_range_parse(&rg, ok[i].in, &err),
		    ECPR_OK);
		ecpr_range_format(&rg, 0, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, ok[i].contract);
		ecpr_range_format(&rg, ECPR_VALUE_PAPER, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, ok[i].paper);
	}
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ecpr_range_parse(&rg, fl[i].range, &err),
		    ECPR_OK);
		CU_ASSERT_EQUAL_FATAL(ecpr_value_parse(&v, fl[i].value, &err),
		    ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_range_flag(&rg, &v), fl[i].flag);
		if (ecpr_range_flag(&rg, &v) != fl[i].flag)
			fprintf(stderr, "\n%s in %s: %c\n", fl[i].value,
			    fl[i].range, ecpr_range_flag(&rg, &v));
	}
	CU_ASSERT_EQUAL(ecpr_range_parse(&rg, "3-1", &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, "range \"3-1\": the low end is "
	    "above the high end");
	CU_ASSERT_EQUAL(ecpr_range_parse(&rg, "normal", &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message, "\"normal\" is not a range "
	    "(LOW-HIGH, <HIGH, <=HIGH, >LOW or >=LOW)");
	CU_ASSERT_EQUAL(ecpr_range_parse(&rg, "1-", &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(ecpr_range_parse(&rg, "<1-2", &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(ecpr_range_parse(&rg, "", &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(ecpr_range_flag(NULL, &v), '?');
}

static void
test_ranges_defaults(void)
{
	static const struct {
		ecpr_obs_type type;
		ecpr_population pop;
		const char *range; /* NULL: none */
	} t[] = {
		{ ECPR_OBS_NT_PROBNP, ECPR_POP_ADULT, "0-300" },
		{ ECPR_OBS_PCT, ECPR_POP_ADULT, "<0.5" },
		{ ECPR_OBS_TROPONIN_I, ECPR_POP_ADULT, "<0.15" },
		{ ECPR_OBS_LACTATE, ECPR_POP_ADULT, "0.7-2.5" },
		{ ECPR_OBS_LACTATE, ECPR_POP_PAEDIATRIC, "0.7-2.5" },
		{ ECPR_OBS_CREATININE, ECPR_POP_ADULT, "50.4-98.1" },
		{ ECPR_OBS_CREATININE, ECPR_POP_PAEDIATRIC, "27-62" },
		{ ECPR_OBS_ALT, ECPR_POP_ADULT, "5-35" },
		{ ECPR_OBS_BILIRUBIN, ECPR_POP_ADULT, "3.4-17.1" },
		{ ECPR_OBS_PLATELETS, ECPR_POP_ADULT, "100-300" },
		{ ECPR_OBS_URINE_OUTPUT, ECPR_POP_ADULT, ">17" },
		{ ECPR_OBS_URINE_OUTPUT, ECPR_POP_PAEDIATRIC, NULL },
		{ ECPR_OBS_URINE_OUTPUT_KG, ECPR_POP_PAEDIATRIC, ">=1" },
		{ ECPR_OBS_ECMO_FLOW, ECPR_POP_ADULT, NULL },
		{ ECPR_OBS_MAP, ECPR_POP_ADULT, ">=65" },
		{ ECPR_OBS_MAP, ECPR_POP_PAEDIATRIC, NULL },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_ranges *rs = NULL;
	ecpr_range rg;
	char buf[64];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_ranges_new(&rs, &err), ECPR_OK);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int has = ecpr_ranges_get(rs, t[i].type, t[i].pop, &rg);

		CU_ASSERT_EQUAL(has, t[i].range != NULL);
		if (has && t[i].range != NULL) {
			ecpr_range_format(&rg, 0, buf, sizeof(buf));
			CU_ASSERT_STRING_EQUAL(buf, t[i].range);
		}
	}
	CU_ASSERT_EQUAL(ecpr_ranges_get(rs, ECPR_OBS_COUNT, ECPR_POP_ADULT,
	    &rg), 0);
	CU_ASSERT_EQUAL(ecpr_ranges_get(NULL, ECPR_OBS_PCT, ECPR_POP_ADULT,
	    &rg), 0);
	CU_ASSERT_STRING_EQUAL(ecpr_population_name(ECPR_POP_PAEDIATRIC),
	    "paediatric");
	CU_ASSERT_EQUAL(ecpr_population_lookup("adult"), ECPR_POP_ADULT);
	CU_ASSERT_EQUAL(ecpr_population_lookup("child"), -1);
	ecpr_ranges_free(rs);
	ecpr_ranges_free(NULL);
}

static void
test_ranges_load(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "observation,population\nlactate,adult\n",
		    "ranges.csv:1: missing column \"range\"" },
		{ "observation,population,range,colour\n",
		    "ranges.csv:1: column 4: unknown column \"colour\" (a "
		    "ranges file has observation, population, range, unit)" },
		{ "observation,population,range\nlactate,adult,0.5-2.2\n"
		    "lactat,adult,1-2\n", "ranges.csv:3: field \"observation\": "
		    "unknown observation \"lactat\"" },
		{ "observation,population,range\nlactate,child,1-2\n",
		    "ranges.csv:2: field \"population\": \"child\" is neither "
		    "adult nor paediatric" },
		{ "observation,population,range\nlactate,adult,high\n",
		    "ranges.csv:2: field \"range\": \"high\" is not a range "
		    "(LOW-HIGH, <HIGH, <=HIGH, >LOW or >=LOW)" },
		{ "observation,population,range,unit\nlactate,adult,1-2,g\n",
		    "ranges.csv:2: field \"unit\": \"g\" is not a unit of "
		    "lactate (mmol/L, mg/dL)" },
		{ "observation,population,range\nlactate,adult\n",
		    "ranges.csv:2: 2 fields, the header has 3" },
		{ "", "ranges.csv: empty file" },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_ranges *rs = NULL;
	ecpr_range rg;
	char *dir = cu_tmpdir(), *path, buf[ECPR_ERROR_MSG_MAX + 600];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_ranges_new(&rs, &err), ECPR_OK);
	path = cu_write_file(dir, "ranges.csv",
	    "observation,population,range,unit\n"
	    "lactate,adult,0.5-2.2,\n"
	    "creatinine,paediatric,0.3-0.7,mg/dL\n"
	    "platelets,adult,,\n"
	    "ecmo_flow,adult,>=2.5,L/min\n");
	CU_ASSERT_EQUAL_FATAL(ecpr_ranges_load(rs, path, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_ranges_get(rs, ECPR_OBS_LACTATE, ECPR_POP_ADULT,
	    &rg), 1);
	ecpr_range_format(&rg, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0.5-2.2");
	/* the paediatric lactate range was the adult one, and stays */
	CU_ASSERT_EQUAL(ecpr_ranges_get(rs, ECPR_OBS_LACTATE,
	    ECPR_POP_PAEDIATRIC, &rg), 1);
	ecpr_range_format(&rg, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0.7-2.5");
	CU_ASSERT_EQUAL(ecpr_ranges_get(rs, ECPR_OBS_CREATININE,
	    ECPR_POP_PAEDIATRIC, &rg), 1);
	ecpr_range_format(&rg, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "26.5-61.9");
	CU_ASSERT_EQUAL(ecpr_ranges_get(rs, ECPR_OBS_PLATELETS,
	    ECPR_POP_ADULT, &rg), 0);
	CU_ASSERT_EQUAL(ecpr_ranges_get(rs, ECPR_OBS_ECMO_FLOW,
	    ECPR_POP_ADULT, &rg), 1);
	free(path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path = cu_write_file(dir, "ranges.csv", bad[i].text);
		CU_ASSERT_NOT_EQUAL(ecpr_ranges_load(rs, path, &err), ECPR_OK);
		ecpr_error_format(&err, buf, sizeof(buf));
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, bad[i].msg));
		if (strstr(buf, bad[i].msg) == NULL)
			fprintf(stderr, "\n%s\nwant %s\n", buf, bad[i].msg);
		free(path);
	}
	/* nothing of a bad file was applied */
	CU_ASSERT_EQUAL(ecpr_ranges_get(rs, ECPR_OBS_LACTATE, ECPR_POP_ADULT,
	    &rg), 1);
	ecpr_range_format(&rg, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0.5-2.2");
	CU_ASSERT_EQUAL(ecpr_ranges_load(rs, "/nonexistent/r.csv", &err),
	    ECPR_EIO);
	ecpr_ranges_free(rs);
	cu_rmtree(dir);
	free(dir);
}

static void
test_complication_codes(void)
{
	size_t i, n = ecpr_complication_count();

	CU_ASSERT_EQUAL(n, 29);
	CU_ASSERT_STRING_EQUAL(ecpr_complication_name(ECPR_COMPLICATION_NONE),
	    "none");
	for (i = 0; i < n; i++) {
		const char *name = ecpr_complication_name((int)i);

		CU_ASSERT_EQUAL(ecpr_complication_lookup(name), (int)i);
		CU_ASSERT_PTR_NOT_NULL(ecpr_complication_label((int)i));
		CU_ASSERT_PTR_NOT_NULL(ecpr_complication_group((int)i));
	}
	i = (size_t)ecpr_complication_lookup("pulmonary_infection");
	CU_ASSERT_STRING_EQUAL(ecpr_complication_label((int)i), "PI");
	CU_ASSERT_STRING_EQUAL(ecpr_complication_abbrev((int)i),
	    "pulmonary infection");
	/* the paper's cells read "PI, MODS" and "PE, MODS": list order */
	CU_ASSERT_TRUE(ecpr_complication_lookup("pulmonary_infection") <
	    ecpr_complication_lookup("mods"));
	CU_ASSERT_TRUE(ecpr_complication_lookup("pulmonary_oedema") <
	    ecpr_complication_lookup("mods"));
	CU_ASSERT_PTR_NULL(ecpr_complication_abbrev(
	    ecpr_complication_lookup("pulmonary_contusion")));
	CU_ASSERT_EQUAL(ecpr_complication_lookup("PI"), -1);
	CU_ASSERT_PTR_NULL(ecpr_complication_name((int)n));
	CU_ASSERT_PTR_NULL(ecpr_complication_label(-1));
	CU_ASSERT_STRING_EQUAL(ecpr_attribution_name(ECPR_BY_MCC), "mcc");
	CU_ASSERT_EQUAL(ecpr_attribution_lookup("ecpr"), ECPR_BY_ECPR);
	CU_ASSERT_EQUAL(ecpr_attribution_lookup("ECMO"), -1);
	CU_ASSERT_PTR_NULL(ecpr_attribution_name(ECPR_BY_COUNT));
}

/* ------------------------------------------------------------------ */
/* Episodes: observations and complications                             */
/* ------------------------------------------------------------------ */

#define EPF "obs.csv"

/* An episode with ECMO flow 2021-07-27T09:57 to 2021-08-03T09:57 (+08). */
static ecpr_episode *
ecpr_course(void)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, "SEED", "case1", 1, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_ECMO_FLOW_START,
	    "2021-07-27T09:57+08:00", NULL, NULL, EPF, 2, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_ECMO_STOP,
	    "ecmo_flow_start+P7D", NULL, NULL, EPF, 3, &err), ECPR_OK);
	return ep;
}

static void
add_obs(ecpr_episode *ep, ecpr_obs_type type, const char *time,
    const char *value, const char *unit, unsigned long line)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc = ecpr_episode_add_observation(ep, type, time, value, unit,
	    NULL, EPF, line, &err);

	CU_ASSERT_EQUAL(rc, ECPR_OK);
	if (rc != ECPR_OK)
		fprintf(stderr, "\n%s\n", err.message);
}

static void
want_worst(const ecpr_episode *ep, ecpr_obs_type type, ecpr_event_type from,
    ecpr_event_type to, const char *want)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_value v;
	char buf[64] = "";
	int rc = ecpr_episode_worst(ep, type, from, to, &v, &err);

	if (rc == 1)
		ecpr_value_format(&v, 0, buf, sizeof(buf));
	CU_ASSERT_EQUAL(rc, want != NULL);
	if (want != NULL)
		CU_ASSERT_STRING_EQUAL(buf, want);
	if (rc != (want != NULL) || (want && strcmp(buf, want) != 0))
		fprintf(stderr, "\n%s: rc %d %s, want %s\n",
		    ecpr_obs_name(type), rc, buf, want ? want : "(none)");
}

static void
test_episode_observations(void)
{
	ecpr_episode *ep = ecpr_course();
	ecpr_error err = ECPR_ERROR_INIT;
	const ecpr_observation *o;
	char buf[64];

	/* lactate: before flow (not in the window), inside, censored */
	add_obs(ep, ECPR_OBS_LACTATE, "2021-07-27T09:00+08:00", "16", "mmol/L",
	    4);
	add_obs(ep, ECPR_OBS_LACTATE, "ecmo_flow_start+PT1H", "13.1", "mmol/L",
	    5);
	add_obs(ep, ECPR_OBS_LACTATE, "ecmo_flow_start+PT2H", ">135", "mg/dL",
	    6);
	/* the same again (a second file): merged */
	add_obs(ep, ECPR_OBS_LACTATE, "ecmo_flow_start+PT1H", "13.1", "mmol/l",
	    7);
	/* platelets: lowest is worst; a day-precision value on the day of
	 * flow start is not certainly inside and does not count */
	add_obs(ep, ECPR_OBS_PLATELETS, "2021-07-27", "5", "10^9/L", 8);
	add_obs(ep, ECPR_OBS_PLATELETS, "2021-07-28T08:00+08:00", "32000",
	    "/uL", 9);
	add_obs(ep, ECPR_OBS_PLATELETS, "2021-07-29", "45", "10*9/L", 10);
	/* NT-proBNP beyond the assay on the first day */
	add_obs(ep, ECPR_OBS_NT_PROBNP, "2021-07-28T06:00+08:00", ">35", "ng/mL",
	    11);
	/* after ECMO stop: outside */
	add_obs(ep, ECPR_OBS_CREATININE, "2021-08-05T06:00+08:00", "600",
	    "umol/L", 12);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_observation_count(ep), 8);
	/* in time order */
	o = ecpr_episode_observation(ep, 0);
	CU_ASSERT_EQUAL(o->type, ECPR_OBS_PLATELETS);
	CU_ASSERT_STRING_EQUAL(o->time_text, "2021-07-27");
	o = ecpr_episode_observation(ep, 1);
	CU_ASSERT_EQUAL(o->type, ECPR_OBS_LACTATE);
	CU_ASSERT_EQUAL(o->line, 4);
	o = ecpr_episode_observation(ep, 3);
	CU_ASSERT_EQUAL(o->type, ECPR_OBS_LACTATE);
	CU_ASSERT_STRING_EQUAL(o->unit, "mg/dL");
	CU_ASSERT_STRING_EQUAL(o->file, EPF);
	ecpr_value_format(&o->value, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, ">135");
	ecpr_time_format(&o->time, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2021-07-27T11:57+08:00");
	CU_ASSERT_PTR_NULL(ecpr_episode_observation(ep, 8));
	want_worst(ep, ECPR_OBS_LACTATE, ECPR_EV_ECMO_FLOW_START,
	    ECPR_EV_ECMO_STOP, ">14.9");
	want_worst(ep, ECPR_OBS_PLATELETS, ECPR_EV_ECMO_FLOW_START,
	    ECPR_EV_ECMO_STOP, "32");
	want_worst(ep, ECPR_OBS_NT_PROBNP, ECPR_EV_ECMO_FLOW_START,
	    ECPR_EV_ECMO_STOP, ">35000");
	want_worst(ep, ECPR_OBS_CREATININE, ECPR_EV_ECMO_FLOW_START,
	    ECPR_EV_ECMO_STOP, NULL);
	want_worst(ep, ECPR_OBS_MAP, ECPR_EV_ECMO_FLOW_START,
	    ECPR_EV_ECMO_STOP, NULL);
	/* another window: no such event, none; open end: all after */
	want_worst(ep, ECPR_OBS_LACTATE, ECPR_EV_ICU_ADMIT,
	    ECPR_EV_ICU_DISCHARGE, NULL);
	want_worst(ep, ECPR_OBS_CREATININE, ECPR_EV_ECMO_FLOW_START,
	    ECPR_EV_ICU_DISCHARGE, "600");
	CU_ASSERT_EQUAL(ecpr_episode_worst(ep, ECPR_OBS_COUNT,
	    ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_episode_population(ep), ECPR_POP_ADULT);
	CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_AGE_YEARS, "8", EPF,
	    2, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_population(ep), ECPR_POP_PAEDIATRIC);
	ecpr_episode_free(ep);
}

static void
test_episode_observation_errors(void)
{
	static const struct {
		const char *time, *value, *unit;
		ecpr_status code;
		const char *msg;
	} bad[] = {
		{ "", "1", "mmol/L", ECPR_EPARSE, "obs.csv:4: field \"time\": "
		    "empty value for observation \"lactate\"" },
		{ "yesterday", "1", "mmol/L", ECPR_EPARSE, "obs.csv:4: field "
		    "\"time\": \"yesterday\" is neither a date and time nor "
		    "EVENT+DURATION" },
		{ "2021-07-27T10:00", "1", "mmol/L", ECPR_EPARSE, NULL },
		{ "2021-07-27T10:00Z", "1.5.", "mmol/L", ECPR_EPARSE,
		    "obs.csv:4: field \"value\": \"1.5.\" is not a number" },
		{ "2021-07-27T10:00Z", "1", "g/L", ECPR_EPARSE, "obs.csv:4: "
		    "field \"unit\": \"g/L\" is not a unit of lactate (mmol/L, "
		    "mg/dL)" },
		{ "2021-07-27T10:00Z", "51", "mmol/L", ECPR_ERULE, "obs.csv:4: "
		    "field \"value\": lactate \"51\" mmol/L is impossible (0 to "
		    "50 mmol/L)" },
	};
	ecpr_episode *ep = ecpr_course();
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[ECPR_ERROR_MSG_MAX + 600];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(ecpr_episode_add_observation(ep,
		    ECPR_OBS_LACTATE, bad[i].time, bad[i].value, bad[i].unit,
		    NULL, EPF, 4, &err), bad[i].code);
		ecpr_error_format(&err, buf, sizeof(buf));
		if (bad[i].msg != NULL)
			CU_ASSERT_STRING_EQUAL(buf, bad[i].msg);
		if (bad[i].msg != NULL && strcmp(buf, bad[i].msg) != 0)
			fprintf(stderr, "\n%s\n", buf);
	}
	CU_ASSERT_EQUAL(ecpr_episode_observation_count(ep), 0);
	/* two values at one time; a relative time without its anchor */
	add_obs(ep, ECPR_OBS_LACTATE, "ecmo_flow_start+PT1H", "13.1", "mmol/L",
	    5);
	add_obs(ep, ECPR_OBS_LACTATE, "2021-07-27T10:57+08:00", "12", "mmol/L",
	    9);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_ERULE);
	ecpr_error_format(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "obs.csv:9: episode SEED/case1/1: "
	    "observation \"lactate\" at 2021-07-27T10:57+08:00 given twice "
	    "with different values: 13.1 mmol/L (line 5) and 12 mmol/L");
	ecpr_episode_free(ep);
	ep = ecpr_course();
	add_obs(ep, ECPR_OBS_MAP, "rosc+PT1H", "60", "mmHg", 6);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_ERULE);
	ecpr_error_format(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "obs.csv:6: episode SEED/case1/1: "
	    "observation: field \"time\": relative value \"rosc+PT1H\" refers "
	    "to rosc, which has no value");
	/* not finished: no worst */
	CU_ASSERT_EQUAL(ecpr_episode_worst(ep, ECPR_OBS_MAP,
	    ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP, NULL, &err),
	    ECPR_EINVAL);
	ecpr_episode_free(ep);
}

static void
test_episode_complications(void)
{
	ecpr_episode *ep = ecpr_course();
	ecpr_error err = ECPR_ERROR_INIT;
	const ecpr_complication *c;
	char buf[ECPR_ERROR_MSG_MAX + 600];
	int mods = ecpr_complication_lookup("mods");
	int pi = ecpr_complication_lookup("pulmonary_infection");

	CU_ASSERT_EQUAL(ecpr_episode_add_complication(ep, mods, ECPR_BY_ECPR,
	    "2021-07-30", "from day 3", NULL, EPF, 4, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_complication(ep, pi, ECPR_BY_ECPR,
	    "ecmo_flow_start+P2D", NULL, NULL, EPF, 5, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_complication(ep,
	    ECPR_COMPLICATION_NONE, ECPR_BY_MCC, NULL, NULL, NULL, EPF, 6,
	    &err), ECPR_OK);
	/* given again: merged */
	CU_ASSERT_EQUAL(ecpr_episode_add_complication(ep, mods, ECPR_BY_ECPR,
	    "2021-07-30", NULL, NULL, EPF, 7, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_complication(ep, pi, ECPR_BY_ECPR,
	    "soon", NULL, NULL, EPF, 8, &err), ECPR_EPARSE);
	ecpr_error_format(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "obs.csv:8: field \"time\": \"soon\" is "
	    "neither a date and time nor EVENT+DURATION");
	CU_ASSERT_EQUAL(ecpr_episode_add_complication(ep, 99, ECPR_BY_ECPR,
	    NULL, NULL, NULL, EPF, 8, &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_complication_count(ep), 3);
	c = ecpr_episode_complication(ep, 0);
	CU_ASSERT_EQUAL(c->code, ECPR_COMPLICATION_NONE);
	CU_ASSERT_EQUAL(c->by, ECPR_BY_MCC);
	CU_ASSERT_EQUAL(c->time.prec, ECPR_PREC_NONE);
	CU_ASSERT_STRING_EQUAL(c->time_text, "");
	c = ecpr_episode_complication(ep, 1);
	CU_ASSERT_EQUAL(c->code, pi);
	ecpr_time_format(&c->time, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2021-07-29T09:57+08:00");
	c = ecpr_episode_complication(ep, 2);
	CU_ASSERT_EQUAL(c->code, mods);
	CU_ASSERT_STRING_EQUAL(c->note, "from day 3");
	CU_ASSERT_EQUAL(c->line, 4);
	CU_ASSERT_PTR_NULL(ecpr_episode_complication(ep, 3));
	/* "none" and a complication of the same attribution */
	CU_ASSERT_EQUAL(ecpr_episode_add_complication(ep,
	    ecpr_complication_lookup("rib_fracture"), ECPR_BY_MCC, NULL, NULL,
	    NULL, EPF, 9, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_ERULE);
	ecpr_error_format(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "obs.csv:9: episode SEED/case1/1: "
	    "complication \"rib_fracture\" (mcc) but also \"none\" for mcc "
	    "(line 6)");
	ecpr_episode_free(ep);
}

/* The observation and complication files, read with a wide file. */
static void
test_source_forms(void)
{
	static const char *const wide =
	    "site,subject,episode,age_years,ecmo_flow_start,ecmo_stop\n"
	    "H1,P1,1,8,2023-03-01T10:00Z,2023-03-05T10:00Z\n"
	    "H1,P2,1,60,2023-04-01T10:00Z,\n";
	static const char *const obs =
	    "site,subject,observation,time,value,unit,episode\n"
	    "H1,P1,lactate,ecmo_flow_start+PT1H,> 15.0,mmol/L,1\n"
	    "H1,P1,creatinine,2023-03-02T10:00Z,2.1,mg/dL,1\n"
	    "H1,P2,platelets,2023-04-02T10:00Z,21000,/µL,1\n";
	static const char *const cx =
	    "site,subject,episode,complication,attribution\n"
	    "H1,P1,1,pulmonary_contusion,mcc\n"
	    "H1,P1,1,mods,ecpr\n";
	static const struct {
		const char *name, *text, *msg;
	} bad[] = {
		{ "o.csv", "site,subject,observation,time,value\n",
		    "o.csv:1: missing column \"unit\"" },
		{ "o.csv", "site,subject,observation,time,value,unit,note\n",
		    "o.csv:1: column 7: unknown column \"note\" (an observation "
		    "file has site, subject, episode, observation, time, value, "
		    "unit)" },
		{ "o.csv", "site,subject,observation,time,value,unit\n"
		    "H1,P1,lactat,2023-03-01T11:00Z,2,mmol/L\n",
		    "o.csv:2: field \"observation\": unknown observation "
		    "\"lactat\"" },
		{ "o.csv", "site,subject,observation,time,value,unit\n"
		    "H1,P1,,2023-03-01T11:00Z,2,mmol/L\n",
		    "o.csv:2: field \"observation\": empty value \"\"" },
		{ "o.csv", "site,subject,observation,time,value,unit\n"
		    "H1,P1,lactate,2023-03-01T11:00Z,2,mmol\n",
		    "o.csv:2: field \"unit\": \"mmol\" is not a unit of lactate "
		    "(mmol/L, mg/dL)" },
		{ "o.csv", "site,subject,observation,time,value,unit\n"
		    "H1,P1,lactate,2023-03-01T11:00Z,\"35,0\",mmol/L\n",
		    "o.csv:2: field \"value\": \"35,0\" has a comma" },
		{ "c.csv", "site,subject,complication\n",
		    "c.csv:1: missing column \"attribution\"" },
		{ "c.csv", "site,subject,complication,attribution,value\n",
		    "c.csv:1: column 5: unknown column \"value\" (a complication "
		    "file has site, subject, episode, complication, time, "
		    "attribution, note)" },
		{ "c.csv", "site,subject,complication,attribution\n"
		    "H1,P1,contusion,mcc\n", "c.csv:2: field \"complication\": "
		    "unknown complication \"contusion\"" },
		{ "c.csv", "site,subject,complication,attribution\n"
		    "H1,P1,mods,ECMO\n", "c.csv:2: field \"attribution\": "
		    "\"ECMO\" is not mcc, ecpr or other" },
	};
	char *dir = cu_tmpdir(), *pw, *po, *pc, *p;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_source *src = NULL;
	ecpr_episode *ep = NULL;
	ecpr_value v;
	char buf[ECPR_ERROR_MSG_MAX + 600];
	size_t i;

	pw = cu_write_file(dir, "w.csv", wide);
	po = cu_write_file(dir, "o.csv", obs);
	pc = cu_write_file(dir, "c.csv", cx);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, pw, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, po, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, pc, &err), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_next(src, &ep, &err), ECPR_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P1");
	CU_ASSERT_EQUAL(ecpr_episode_observation_count(ep), 2);
	CU_ASSERT_EQUAL(ecpr_episode_complication_count(ep), 2);
	CU_ASSERT_EQUAL(ecpr_episode_worst(ep, ECPR_OBS_LACTATE,
	    ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP, &v, &err), 1);
	ecpr_value_format(&v, ECPR_VALUE_PAPER, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "> 15.0");
	CU_ASSERT_EQUAL(ecpr_episode_worst(ep, ECPR_OBS_CREATININE,
	    ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP, &v, &err), 1);
	ecpr_value_format(&v, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "185.6");
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_next(src, &ep, &err), ECPR_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_EQUAL(ecpr_episode_worst(ep, ECPR_OBS_PLATELETS,
	    ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP, &v, &err), 1);
	ecpr_value_format(&v, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "21");
	CU_ASSERT_EQUAL(ecpr_episode_complication_count(ep), 0);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), ECPR_OK);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_source_free(src);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;

		p = cu_write_file(dir, bad[i].name, bad[i].text);
		CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err),
		    ECPR_OK);
		rc = ecpr_source_add_file(src, pw, &err);
		if (rc == ECPR_OK)
			rc = ecpr_source_add_file(src, p, &err);
		while (rc == ECPR_OK &&
		    (rc = ecpr_source_next(src, &ep, &err)) == ECPR_OK &&
		    ep != NULL)
			ecpr_episode_free(ep);
		CU_ASSERT_NOT_EQUAL(rc, ECPR_OK);
		ecpr_error_format(&err, buf, sizeof(buf));
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, bad[i].msg));
		if (strstr(buf, bad[i].msg) == NULL)
			fprintf(stderr, "\n%s\nwant %s\n", buf, bad[i].msg);
		ecpr_source_free(src);
		free(p);
	}
	free(pw);
	free(po);
	free(pc);
	cu_rmtree(dir);
	free(dir);
}

static CU_TestInfo obs_tests[] = {
	{ "value parse and format", test_value_parse_format },
	{ "value number compare", test_value_number_cmp },
	{ "observation vocabulary", test_vocabulary },
	{ "unit spellings", test_unit_spellings },
	{ "unit conversions (published factors)", test_convert },
	{ "possible limits", test_check_limits },
	{ "worst of censored values", test_worst },
	{ "reference ranges: parse, format, flags", test_range_parse_flag },
	{ "reference ranges: the library's", test_ranges_defaults },
	{ "reference ranges: a site's file", test_ranges_load },
	{ "complication codes", test_complication_codes },
	{ "episode observations, worst in a window",
	    test_episode_observations },
	{ "episode observations: errors", test_episode_observation_errors },
	{ "episode complications", test_episode_complications },
	{ "case-record observation and complication files",
	    test_source_forms },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "obs", NULL, NULL, NULL, NULL, obs_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
