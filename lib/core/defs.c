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
const struct ecpr__event_def ecpr__events[ECPR_EV_COUNT] = {
	{ "ca_onset", 0 },
	{ "cpr_start", 0 },
	{ "mcc_start", 1 },
	{ "mcc_stop", 1 },
	{ "rosc_transient", 1 },
	{ "rearrest", 1 },
	{ "cannulation_start", 0 },
	{ "ecmo_flow_start", 0 },
	{ "rosc", 0 },
	{ "ecmo_stop", 0 },
	{ "iabp_start", 1 },
	{ "iabp_stop", 1 },
	{ "crrt_start", 1 },
	{ "crrt_stop", 1 },
	{ "mv_start", 1 },
	{ "mv_stop", 1 },
	{ "pci", 1 },
	{ "icu_admit", 0 },
	{ "icu_discharge", 0 },
	{ "hospital_admit", 0 },
	{ "hospital_discharge", 0 },
	{ "death", 0 },
};

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

/* Which attribute takes which list. */
const struct ecpr__codelist_def ecpr__codelists[ECPR__NCODELISTS] = {
	{ ECPR_AT_SEX, ecpr__sex_codes },
	{ ECPR_AT_CA_LOCATION, ecpr__location_codes },
	{ ECPR_AT_FIRST_CPR_PROVIDER, ecpr__provider_codes },
	{ ECPR_AT_INITIAL_RHYTHM, ecpr__rhythm_codes },
	{ ECPR_AT_CANNULATION_METHOD, ecpr__cannulation_codes },
	{ ECPR_AT_CPC_DISCHARGE, ecpr__cpc_codes },
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
