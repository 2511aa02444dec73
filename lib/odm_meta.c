/*
 * odm_meta.c - the study metadata that ODM exports describe (code lists
 * and segment groups), shared by the writer and the metadata check.
 */
#include "config.h"

#include <stdio.h>

#include "odm_internal.h"

/* Code lists (DOMAIN.md section 2). */
static const char *const sex_codes[] = { "M", "F", "U", NULL };
static const char *const location_codes[] = { "home", "street", "public",
	"ems", "ed", "icu", "ward", "cath_lab", "other", NULL };
static const char *const provider_codes[] = { "bystander", "first_aider",
	"ems", "physician", "nurse", "intensivist", "other", NULL };
static const char *const rhythm_codes[] = { "vf", "pvt", "pea", "asystole",
	"unknown", NULL };
static const char *const cannulation_codes[] = { "percutaneous",
	"surgical", "hybrid", NULL };
static const char *const cpc_codes[] = { "1", "2", "3", "4", "5", NULL };

const struct ecpr__odm_codelist ecpr__odm_codelists[ECPR__ODM_NCODELISTS] = {
	{ ECPR_AT_SEX, "CL.SEX", "text", sex_codes },
	{ ECPR_AT_CA_LOCATION, "CL.CA_LOCATION", "text", location_codes },
	{ ECPR_AT_FIRST_CPR_PROVIDER, "CL.FIRST_CPR_PROVIDER", "text",
	    provider_codes },
	{ ECPR_AT_INITIAL_RHYTHM, "CL.INITIAL_RHYTHM", "text", rhythm_codes },
	{ ECPR_AT_CANNULATION_METHOD, "CL.CANNULATION_METHOD", "text",
	    cannulation_codes },
	{ ECPR_AT_CPC_DISCHARGE, "CL.CPC_DISCHARGE", "integer", cpc_codes },
};

/* Segment kinds and their groups of repeated events. */
const struct ecpr__odm_seg ecpr__odm_segs[ECPR_SEG_COUNT] = {
	{ ECPR_EV_MCC_START, ECPR_EV_MCC_STOP, "MCC" },
	{ ECPR_EV_IABP_START, ECPR_EV_IABP_STOP, "IABP" },
	{ ECPR_EV_CRRT_START, ECPR_EV_CRRT_STOP, "CRRT" },
	{ ECPR_EV_MV_START, ECPR_EV_MV_STOP, "MV" },
};

int
ecpr__odm_is_segment_event(ecpr_event_type t)
{
	int k;

	for (k = 0; k < ECPR_SEG_COUNT; k++)
		if (ecpr__odm_segs[k].start == t || ecpr__odm_segs[k].stop == t)
			return 1;
	return 0;
}

int
ecpr__odm_is_free_text(ecpr_attr_id id)
{
	return id == ECPR_AT_PRIMARY_DISEASE;
}

void
ecpr__odm_oid(char *dst, size_t len, const char *prefix, const char *name)
{
	size_t i, n;

	n = (size_t)snprintf(dst, len, "%s", prefix);
	for (i = 0; name[i] != '\0' && n + 1 < len; i++)
		dst[n++] = (char)(name[i] >= 'a' && name[i] <= 'z' ?
		    name[i] - 'a' + 'A' : name[i]);
	dst[n] = '\0';
}
