/*
 * defs.c - each clinical definition once, as data (DOMAIN.md sections 2
 * and 4): the events, the code lists, the segment pairs and the derived
 * intervals.  Every module reads these tables (vocab.c, episode.c,
 * interval.c, odm_*.c, tl_episode.c, ecpr-table through the API) and
 * tests/registry/test_defs_sql checks the SQL migrations against them, so adding an event
 * or redefining an interval is a change here plus its tests and docs.
 */
#include "config.h"

#include "internal.h"

const char *
ecpr_defs_version(void)
{
	return ECPR_DEFS_VERSION;
}

/* Time points of one episode (DOMAIN.md section 2), in enum order. */
#define EVENT(name, repeatable) { name, sizeof(name) - 1, repeatable }
const struct ecpr__event_def ecpr__events[ECPR_EV_COUNT] = {
	EVENT("ca_onset", 0),
	EVENT("cpr_start", 0),
	EVENT("mcc_start", 1),
	EVENT("mcc_stop", 1),
	EVENT("rosc_transient", 1),
	EVENT("rearrest", 1),
	EVENT("cannulation_start", 0),
	EVENT("ecmo_flow_start", 0),
	EVENT("rosc", 0),
	EVENT("ecmo_stop", 0),
	EVENT("iabp_start", 1),
	EVENT("iabp_stop", 1),
	EVENT("crrt_start", 1),
	EVENT("crrt_stop", 1),
	EVENT("mv_start", 1),
	EVENT("mv_stop", 1),
	EVENT("pci", 1),
	EVENT("icu_admit", 0),
	EVENT("icu_discharge", 0),
	EVENT("hospital_admit", 0),
	EVENT("hospital_discharge", 0),
	EVENT("death", 0),
};
#undef EVENT

/* Code lists (DOMAIN.md section 2); also the ODM CodeLists. */
const char *const ecpr__sex_codes[] = { "M", "F", "U", NULL };
const char *const ecpr__location_codes[] = { "home", "street", "public",
	"ems", "ed", "icu", "ward", "cath_lab", "other", NULL };
const char *const ecpr__provider_codes[] = { "bystander", "first_aider",
	"ems", "physician", "nurse", "intensivist", "other", NULL };
const char *const ecpr__rhythm_codes[] = { "vf", "pvt", "pea", "asystole",
	"unknown", NULL };
const char *const ecpr__cannulation_codes[] = { "percutaneous", "surgical",
	"hybrid", NULL };
const char *const ecpr__cpc_codes[] = { "1", "2", "3", "4", "5", NULL };
/* The findings of issue 11 (ecpr(7)): "unknown" is recorded as unknown
 * (not assessable, not documented), an empty cell is not recorded. */
const char *const ecpr__yes_no_codes[] = { "yes", "no", "unknown", NULL };

/* Which attribute takes which list. */
const struct ecpr__codelist_def ecpr__codelists[ECPR__NCODELISTS] = {
	{ ECPR_AT_SEX, ecpr__sex_codes },
	{ ECPR_AT_CA_LOCATION, ecpr__location_codes },
	{ ECPR_AT_FIRST_CPR_PROVIDER, ecpr__provider_codes },
	{ ECPR_AT_INITIAL_RHYTHM, ecpr__rhythm_codes },
	{ ECPR_AT_CANNULATION_METHOD, ecpr__cannulation_codes },
	{ ECPR_AT_CPC_DISCHARGE, ecpr__cpc_codes },
	{ ECPR_AT_PUPILLARY_LIGHT_REFLEX, ecpr__yes_no_codes },
	{ ECPR_AT_CEREBRAL_HAEMORRHAGE, ecpr__yes_no_codes },
	{ ECPR_AT_WITNESSED, ecpr__yes_no_codes },
	{ ECPR_AT_BYSTANDER_CPR, ecpr__yes_no_codes },
};

/* Paired segments of repeatable start/stop events, in enum order. */
const struct ecpr__segment_def ecpr__segments[ECPR_SEG_COUNT] = {
	{ "mcc", ECPR_EV_MCC_START, ECPR_EV_MCC_STOP },
	{ "iabp", ECPR_EV_IABP_START, ECPR_EV_IABP_STOP },
	{ "crrt", ECPR_EV_CRRT_START, ECPR_EV_CRRT_STOP },
	{ "mv", ECPR_EV_MV_START, ECPR_EV_MV_STOP },
};

#define NONE ECPR__NO_EVENT

/*
 * The derived intervals (DOMAIN.md section 4), in enum order: the first
 * occurrence of start to the first of stop, or of stop_else when there
 * is no stop; the Table 2 row label and footnote mark; the definition in
 * words (the footnote text).
 */
const struct ecpr__interval_def ecpr__intervals[ECPR_IV_COUNT] = {
	{ "no_flow_min", ECPR_UNIT_MINUTE, ECPR__IV_SPAN,
	    ECPR_EV_CA_ONSET, ECPR_EV_CPR_START, NONE, NULL, NULL,
	    "minutes from ca_onset (collapse) to cpr_start (first chest "
	    "compression)" },
	{ "conventional_cpr_min", ECPR_UNIT_MINUTE, ECPR__IV_SPAN,
	    ECPR_EV_CPR_START, ECPR_EV_ECMO_FLOW_START, ECPR_EV_ROSC,
	    "Conventional CPR duration", "a",
	    "minutes of conventional CPR (manual and mechanical) from "
	    "cpr_start to ecmo_flow_start, or to sustained rosc when there "
	    "is no ECMO flow" },
	{ "mechanical_cc_min", ECPR_UNIT_MINUTE, ECPR__IV_SEGMENTS,
	    ECPR_SEG_MCC, NONE, NONE, "Mechanical CC duration", "c",
	    "minutes of mechanical chest compression: the sum of all "
	    "mcc_start to mcc_stop segments" },
	{ "cardiac_arrest_min", ECPR_UNIT_MINUTE, ECPR__IV_SPAN,
	    ECPR_EV_CA_ONSET, ECPR_EV_ROSC, NONE,
	    "Cardiac arrest duration", "b",
	    "minutes from ca_onset to sustained rosc (transient ROSC periods "
	    "included)" },
	{ "ecmo_setup_min", ECPR_UNIT_MINUTE, ECPR__IV_SPAN,
	    ECPR_EV_CANNULATION_START, ECPR_EV_ECMO_FLOW_START, NONE,
	    "Duration for ECMO setup", "d",
	    "minutes from cannulation_start to ecmo_flow_start" },
	{ "ca_to_flow_min", ECPR_UNIT_MINUTE, ECPR__IV_SPAN,
	    ECPR_EV_CA_ONSET, ECPR_EV_ECMO_FLOW_START, NONE, NULL, NULL,
	    "minutes from ca_onset to ecmo_flow_start" },
	{ "ecpr_days", ECPR_UNIT_DECIDAY, ECPR__IV_SPAN,
	    ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP, NONE,
	    "ECPR duration", "e",
	    "days from ecmo_flow_start to ecmo_stop" },
	{ "icu_days", ECPR_UNIT_DECIDAY, ECPR__IV_SPAN,
	    ECPR_EV_ICU_ADMIT, ECPR_EV_ICU_DISCHARGE, ECPR_EV_DEATH,
	    "ICU stays", "f",
	    "days from icu_admit to icu_discharge, or to death when there is "
	    "no icu_discharge" },
	{ "hospital_days", ECPR_UNIT_DECIDAY, ECPR__IV_SPAN,
	    ECPR_EV_HOSPITAL_ADMIT, ECPR_EV_HOSPITAL_DISCHARGE, ECPR_EV_DEATH,
	    "Hospital stays", "g",
	    "days from hospital_admit to hospital_discharge, or to death when "
	    "there is no hospital_discharge" },
	{ "cpc_discharge", ECPR_UNIT_CODE, ECPR__IV_ATTRIBUTE,
	    ECPR_AT_CPC_DISCHARGE, NONE, NONE, "CPC at discharge", "h",
	    "Cerebral Performance Category at hospital discharge (1 good to "
	    "5 dead)" },
};

/*
 * The observations (ecpr(7)), in enum order.  Reference ranges: the seed
 * paper's Table 1 for adults; a paediatric range only where it differs
 * (NULL: as for adults, "": none).  Conversion factors: creatinine
 * 88.4 umol/L per mg/dL (113.12 g/mol), lactate 9.008 mg/dL per mmol/L
 * (90.08 g/mol), bilirubin 17.1 umol/L per mg/dL (584.66 g/mol),
 * NT-proBNP 8.457 pg/mL per pmol/L (8457 Da), ALT 60 U/L per ukat/L,
 * pressure 7.50062 mm[Hg] per kPa; the others are powers of ten.
 */
const struct ecpr__obs_def ecpr__obs[ECPR_OBS_COUNT] = {
	{ "nt_probnp", "NT-proBNP", "N-terminal pro-brain natriuretic "
	    "peptide", "pg/mL", "N-terminal pro-brain natriuretic peptide "
	    "in plasma", 1, 0, "0", "1000000", { "0-300", NULL },
	    { { "pg/mL", "ng/L", 1, 1 }, { "ng/mL", "ug/L", 1000, 1 },
	    { "pmol/L", NULL, 8457, 1000 } } },
	{ "pct", "PCT", "procalcitonin", "ng/mL", "procalcitonin in serum",
	    1, 2, "0", "1000", { "<0.5", NULL },
	    { { "ng/mL", "ug/L", 1, 1 } } },
	{ "troponin_i", "cTnI", "cardiac troponin I", "ng/mL",
	    "cardiac troponin I in serum", 1, 3, "0", "10000",
	    { "<0.15", NULL },
	    { { "ng/mL", "ug/L", 1, 1 }, { "ng/L", "pg/mL", 1, 1000 } } },
	{ "lactate", "Lac", "lactic acid", "mmol/L", "lactate in blood", 1, 1,
	    "0", "50", { "0.7-2.5", NULL },
	    { { "mmol/L", "mEq/L", 1, 1 }, { "mg/dL", NULL, 1000, 9008 } } },
	{ "creatinine", "Cr", "creatinine", "μmol/L", "creatinine in serum",
	    1, 1, "0", "5000", { "50.4-98.1", "27-62" },
	    { { "umol/L", NULL, 1, 1 }, { "mg/dL", NULL, 884, 10 },
	    { "mmol/L", NULL, 1000, 1 } } },
	{ "alt", "ALT", "alanine aminotransferase", "U/L",
	    "alanine aminotransferase activity in serum", 1, 0, "0", "50000",
	    { "5-35", NULL },
	    { { "U/L", "IU/L", 1, 1 }, { "ukat/L", NULL, 60, 1 } } },
	{ "bilirubin", "TBIL", "total bilirubin", "μmol/L",
	    "total bilirubin in serum", 1, 1, "0", "2000",
	    { "3.4-17.1", NULL },
	    { { "umol/L", NULL, 1, 1 }, { "mg/dL", NULL, 171, 10 } } },
	{ "platelets", "PLT", "platelet count", "10⁹/L",
	    "platelet count in blood", -1, 0, "0", "5000",
	    { "100-300", NULL },
	    { { "10*9/L", "G/L|x10*9/L|×10*9/L", 1, 1 },
	    { "10*3/uL", "x10*3/uL|×10*3/uL|K/uL", 1, 1 },
	    { "/uL", "/mm3|1/uL", 1, 1000 } } },
	{ "urine_output", "Urine output", NULL, "mL/h",
	    "urine output per hour", -1, 1, "0", "5000", { ">17", "" },
	    { { "mL/h", NULL, 1, 1 }, { "L/h", NULL, 1000, 1 },
	    { "mL/d", "mL/24h", 1, 24 } } },
	{ "urine_output_kg", "Urine output", NULL, "mL/kg/h",
	    "urine output per kilogram of body weight and hour", -1, 2, "0",
	    "100", { ">=0.5", ">=1" }, { { "mL/kg/h", NULL, 1, 1 } } },
	{ "ecmo_flow", "ECMO flow", NULL, "L/min", "ECMO pump blood flow", -1,
	    2, "0", "15", { "", NULL },
	    { { "L/min", NULL, 1, 1 }, { "mL/min", NULL, 1, 1000 } } },
	{ "map", "MAP", "mean arterial pressure", "mmHg",
	    "mean arterial pressure", -1, 0, "0", "300", { ">=65", "" },
	    { { "mm[Hg]", "mmHg", 1, 1 }, { "kPa", NULL, 750062, 100000 } } },
};

/* Whom a complication is attributed to, in enum order. */
const char *const ecpr__attributions[ECPR_BY_COUNT] = { "mcc", "ecpr",
	"other" };

/* Who a reference range is for, in enum order. */
const char *const ecpr__populations[ECPR_POP_COUNT] = { "adult",
	"paediatric" };

/*
 * The complication codes (ecpr(7)), grouped as the ELSO registry groups
 * its complications (mechanical, haemorrhagic, neurologic, renal,
 * cardiovascular, pulmonary, infectious, metabolic, limb), with a group
 * for injuries of chest compression (cpr_injury) and multi-organ
 * failure.  A table cell lists an episode's codes in this order, so
 * "PI, MODS" reads as the seed paper prints it.
 */
const struct ecpr__complication_def ecpr__complications[ECPR__NCOMPLICATIONS] = {
	{ "none", "None", NULL, "none" },
	{ "pulmonary_contusion", "Pulmonary contusion", NULL, "cpr_injury" },
	{ "rib_fracture", "Rib fracture", NULL, "cpr_injury" },
	{ "sternal_fracture", "Sternal fracture", NULL, "cpr_injury" },
	{ "abdominal_organ_injury", "Abdominal organ injury", NULL,
	    "cpr_injury" },
	{ "pneumothorax", "Pneumothorax", NULL, "pulmonary" },
	{ "pulmonary_infection", "PI", "pulmonary infection", "infectious" },
	{ "pulmonary_oedema", "PE", "pulmonary edema", "pulmonary" },
	{ "pulmonary_haemorrhage", "Pulmonary haemorrhage", NULL,
	    "haemorrhagic" },
	{ "bleeding_cannulation_site", "Cannulation-site bleeding", NULL,
	    "haemorrhagic" },
	{ "bleeding_surgical_site", "Surgical-site bleeding", NULL,
	    "haemorrhagic" },
	{ "bleeding_gi", "GI bleeding", NULL, "haemorrhagic" },
	{ "haemolysis", "Haemolysis", NULL, "haemorrhagic" },
	{ "dic", "DIC", "disseminated intravascular coagulation",
	    "haemorrhagic" },
	{ "intracranial_haemorrhage", "ICH", "intracranial haemorrhage",
	    "neurologic" },
	{ "stroke", "Ischaemic stroke", NULL, "neurologic" },
	{ "seizure", "Seizure", NULL, "neurologic" },
	{ "brain_death", "Brain death", NULL, "neurologic" },
	{ "limb_ischaemia", "Limb ischaemia", NULL, "limb" },
	{ "compartment_syndrome", "Compartment syndrome", NULL, "limb" },
	{ "infection", "Infection", NULL, "infectious" },
	{ "sepsis", "Sepsis", NULL, "infectious" },
	{ "renal_failure", "Renal failure", NULL, "renal" },
	{ "arrhythmia", "Arrhythmia", NULL, "cardiovascular" },
	{ "cardiac_tamponade", "Cardiac tamponade", NULL, "cardiovascular" },
	{ "circuit_failure", "Circuit failure", NULL, "mechanical" },
	{ "circuit_thrombosis", "Circuit thrombosis", NULL, "mechanical" },
	{ "mods", "MODS", "multiple organ dysfunction syndrome",
	    "multi_organ" },
	{ "other", "Other", NULL, "other" },
};
