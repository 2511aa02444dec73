/*
 * odm_meta.c - the study metadata that ODM exports describe (code lists
 * and segment groups), shared by the writer and the metadata check.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "odm_internal.h"

/* Code lists: those of the vocabulary (lib/defs.c). */
const struct ecpr__odm_codelist ecpr__odm_codelists[ECPR__ODM_NCODELISTS] = {
	{ ECPR_AT_SEX, "CL.SEX", "text", ecpr__sex_codes },
	{ ECPR_AT_CA_LOCATION, "CL.CA_LOCATION", "text", ecpr__location_codes },
	{ ECPR_AT_FIRST_CPR_PROVIDER, "CL.FIRST_CPR_PROVIDER", "text",
	    ecpr__provider_codes },
	{ ECPR_AT_INITIAL_RHYTHM, "CL.INITIAL_RHYTHM", "text",
	    ecpr__rhythm_codes },
	{ ECPR_AT_CANNULATION_METHOD, "CL.CANNULATION_METHOD", "text",
	    ecpr__cannulation_codes },
	{ ECPR_AT_CPC_DISCHARGE, "CL.CPC_DISCHARGE", "integer",
	    ecpr__cpc_codes },
};

int
ecpr__odm_is_segment_event(ecpr_event_type t)
{
	int k;

	for (k = 0; k < ECPR_SEG_COUNT; k++)
		if (ecpr__segments[k].start == t || ecpr__segments[k].stop == t)
			return 1;
	return 0;
}

int
ecpr__odm_has_rep_group(ecpr_event_type t)
{
	return ecpr_event_repeatable(t) && !ecpr__odm_is_segment_event(t);
}

void
ecpr__odm_attr_def(ecpr_attr_id id, int identified,
    struct ecpr__odm_itemdef *d)
{
	size_t c;

	d->type = "text";
	d->unit = NULL;
	d->codelist = NULL;
	for (c = 0; c < ECPR__ODM_NCODELISTS; c++)
		if (ecpr__odm_codelists[c].attr == id) {
			d->codelist = &ecpr__odm_codelists[c];
			d->type = ecpr__odm_codelists[c].type;
		}
	if (id == ECPR_AT_AGE_YEARS) {
		/* "90+" in de-identified exports is text */
		d->type = identified ? "integer" : "text";
		d->unit = "MU.YEARS";
	} else if (id == ECPR_AT_BMI) {
		d->type = "float";
		d->unit = "MU.KG_M2";
	} else if (id == ECPR_AT_APACHE2)
		d->type = "integer";
}

/*
 * Text items of the study metadata marked safe to leave a de-identified
 * export: only the registry site (the institution's code, never the
 * patient's).  Every other text item (primary_disease, mcc_device,
 * ecmo_device and whatever text attribute is added later) is dropped.
 */
static const char *const deid_safe_text[] = { "site", NULL };

int
ecpr__odm_deid_keeps(const char *name, const struct ecpr__odm_itemdef *d)
{
	size_t i;

	if (d->codelist != NULL || strcmp(d->type, "text") != 0)
		return 1; /* coded or numeric */
	for (i = 0; deid_safe_text[i] != NULL; i++)
		if (strcmp(deid_safe_text[i], name) == 0)
			return 1;
	return 0;
}

int
ecpr__odm_deid_keeps_attr(ecpr_attr_id id)
{
	struct ecpr__odm_itemdef d;

	/* judged by the identified definition: age is a number, its
	 * de-identified "90+" only generalised */
	ecpr__odm_attr_def(id, 1, &d);
	return ecpr__odm_deid_keeps(ecpr_attr_name(id), &d);
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

/* 1 when oid is prefix and name upper-cased (ecpr__odm_oid's form). */
static int
is_oid_of(const char *oid, const char *prefix, const char *name)
{
	size_t n = strlen(prefix);

	if (strncmp(oid, prefix, n) != 0)
		return 0;
	for (oid += n; *name != '\0'; oid++, name++)
		if (*oid != (*name >= 'a' && *name <= 'z' ? *name - 'a' + 'A' :
		    *name))
			return 0;
	return *oid == '\0';
}

const char *
ecpr__odm_own_name(const char *oid)
{
	static const char *const fixed[][2] = {
		{ "I.SITE", "site" }, { "SE.EPISODE", "ECPR episode" },
		{ "F.ATTRIBUTES", "attributes" }, { "F.EVENTS", "events" },
		{ "IG.ATTRIBUTES", "attributes" }, { "IG.EVENTS", "events" },
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(oid, fixed[i][0]) == 0)
			return fixed[i][1];
	for (i = 0; i < ECPR_AT_COUNT; i++)
		if (is_oid_of(oid, "I.", ecpr_attr_name((ecpr_attr_id)i)))
			return ecpr_attr_name((ecpr_attr_id)i);
	for (i = 0; i < ECPR_EV_COUNT; i++) {
		const char *n = ecpr_event_name((ecpr_event_type)i);

		if (is_oid_of(oid, "I.", n) || (ecpr__odm_has_rep_group(
		    (ecpr_event_type)i) && is_oid_of(oid, "IG.REP.", n)))
			return n;
	}
	for (k = 0; k < ECPR_SEG_COUNT; k++)
		if (is_oid_of(oid, "IG.SEG.", ecpr__segments[k].name))
			return ecpr_event_name(ecpr__segments[k].start);
	return NULL;
}

size_t
ecpr__odm_group_items(const char *group_oid, char oids[][48], size_t max)
{
	size_t n = 0;
	int i, k;

	if (strcmp(group_oid, "IG.ATTRIBUTES") == 0) {
		for (i = 0; i < ECPR_AT_COUNT && n < max; i++)
			ecpr__odm_oid(oids[n++], 48, "I.",
			    ecpr_attr_name((ecpr_attr_id)i));
		return n;
	}
	for (i = 0; i < ECPR_EV_COUNT && n < max; i++) {
		ecpr_event_type t = (ecpr_event_type)i;
		const char *name = ecpr_event_name(t);

		if ((strcmp(group_oid, "IG.EVENTS") == 0 &&
		    !ecpr_event_repeatable(t)) || (ecpr__odm_has_rep_group(t) &&
		    is_oid_of(group_oid, "IG.REP.", name)))
			ecpr__odm_oid(oids[n++], 48, "I.", name);
	}
	for (k = 0; k < ECPR_SEG_COUNT && n + 2 <= max; k++)
		if (is_oid_of(group_oid, "IG.SEG.", ecpr__segments[k].name)) {
			ecpr__odm_oid(oids[n++], 48, "I.",
			    ecpr_event_name(ecpr__segments[k].start));
			ecpr__odm_oid(oids[n++], 48, "I.",
			    ecpr_event_name(ecpr__segments[k].stop));
		}
	return n;
}
