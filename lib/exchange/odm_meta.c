/*
 * odm_meta.c - the study metadata that ODM exports describe (code lists
 * and segment groups), shared by the writer and the metadata check.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "odm_internal.h"

/* The core's tables of observations, complications and attributions as
 * code lists (NULL past the last). */
static const char *
obs_code(size_t i)
{
	return i < ecpr_obs_count() ? ecpr_obs_name((ecpr_obs_type)i) : NULL;
}

static const char *
complication_code(size_t i)
{
	return i < ecpr_complication_count() ?
	    ecpr_complication_name((int)i) : NULL;
}

static const char *
attribution_code(size_t i)
{
	return i < ECPR_BY_COUNT ? ecpr_attribution_name((ecpr_attribution)i) :
	    NULL;
}

/* Code lists: those of the vocabulary (lib/defs.c, the core's tables). */
const struct ecpr__odm_codelist ecpr__odm_codelists[ECPR__ODM_NCODELISTS] = {
	{ ECPR_AT_SEX, "CL.SEX", "text", ecpr__sex_codes, NULL, NULL },
	{ ECPR_AT_CA_LOCATION, "CL.CA_LOCATION", "text", ecpr__location_codes,
	    NULL, NULL },
	{ ECPR_AT_FIRST_CPR_PROVIDER, "CL.FIRST_CPR_PROVIDER", "text",
	    ecpr__provider_codes, NULL, NULL },
	{ ECPR_AT_INITIAL_RHYTHM, "CL.INITIAL_RHYTHM", "text",
	    ecpr__rhythm_codes, NULL, NULL },
	{ ECPR_AT_CANNULATION_METHOD, "CL.CANNULATION_METHOD", "text",
	    ecpr__cannulation_codes, NULL, NULL },
	{ ECPR_AT_CPC_DISCHARGE, "CL.CPC_DISCHARGE", "integer",
	    ecpr__cpc_codes, NULL, NULL },
	{ ECPR_AT_PUPILLARY_LIGHT_REFLEX, "CL.PUPILLARY_LIGHT_REFLEX", "text",
	    ecpr__yes_no_codes, NULL, NULL },
	{ ECPR_AT_CEREBRAL_HAEMORRHAGE, "CL.CEREBRAL_HAEMORRHAGE", "text",
	    ecpr__yes_no_codes, NULL, NULL },
	{ ECPR_AT_WITNESSED, "CL.WITNESSED", "text", ecpr__yes_no_codes, NULL,
	    NULL },
	{ ECPR_AT_BYSTANDER_CPR, "CL.BYSTANDER_CPR", "text",
	    ecpr__yes_no_codes, NULL, NULL },
	{ -1, "CL.OBSERVATION", "text", NULL, obs_code, "observation" },
	{ -1, "CL.COMPLICATION", "text", NULL, complication_code,
	    "complication" },
	{ -1, "CL.ATTRIBUTION", "text", NULL, attribution_code,
	    "attribution" },
};
/* the last three: those of the entries */
#define CL_OBSERVATION (&ecpr__odm_codelists[ECPR__ODM_NCODELISTS - 3])
#define CL_COMPLICATION (&ecpr__odm_codelists[ECPR__ODM_NCODELISTS - 2])
#define CL_ATTRIBUTION (&ecpr__odm_codelists[ECPR__ODM_NCODELISTS - 1])

const char *
ecpr__odm_code(const struct ecpr__odm_codelist *cl, size_t i)
{
	return cl->codes != NULL ? cl->codes[i] : cl->code(i);
}

const char *
ecpr__odm_codelist_name(const struct ecpr__odm_codelist *cl)
{
	return cl->name != NULL ? cl->name :
	    ecpr_attr_name((ecpr_attr_id)cl->attr);
}

/* The items of the entry groups IG.OBSERVATION and IG.COMPLICATION. */
static const char *const part_items[2][ECPR_ODM_P_COUNT] = {
	{ "observation", "observation_time", "observation_value", NULL,
	    NULL },
	{ "complication", "complication_time", NULL, "attribution",
	    "complication_note" },
};

/* Which parts an entry must have (ItemRef Mandatory): an observation its
 * name, time and value, a complication its code and attribution. */
static const unsigned char part_mandatory[2][ECPR_ODM_P_COUNT] = {
	{ 1, 1, 1, 0, 0 }, { 1, 0, 0, 1, 0 }
};

int
ecpr__odm_part_mandatory(ecpr_odm_entry_kind kind, ecpr_odm_part part)
{
	return ecpr_odm_part_item(kind, part) != NULL &&
	    part_mandatory[kind][part];
}

const char *
ecpr_odm_part_item(ecpr_odm_entry_kind kind, ecpr_odm_part part)
{
	if ((unsigned)kind > ECPR_ODM_COMPLICATION ||
	    (unsigned)part >= ECPR_ODM_P_COUNT)
		return NULL;
	return part_items[kind][part];
}

const struct ecpr__odm_codelist *
ecpr__odm_part_codelist(ecpr_odm_entry_kind kind, ecpr_odm_part part)
{
	if (part == ECPR_ODM_P_CODE)
		return kind == ECPR_ODM_OBSERVATION ? CL_OBSERVATION :
		    CL_COMPLICATION;
	return part == ECPR_ODM_P_ATTRIBUTION ? CL_ATTRIBUTION : NULL;
}

void
ecpr__odm_part_def(ecpr_odm_entry_kind kind, ecpr_odm_part part,
    struct ecpr__odm_itemdef *d)
{
	d->type = part == ECPR_ODM_P_TIME ? "partialDatetime" : "text";
	d->unit = NULL;
	d->codelist = ecpr__odm_part_codelist(kind, part);
}

int
ecpr__odm_deid_keeps_part(ecpr_odm_entry_kind kind, ecpr_odm_part part)
{
	struct ecpr__odm_itemdef d;

	ecpr__odm_part_def(kind, part, &d);
	return ecpr__odm_deid_keeps(ecpr_odm_part_item(kind, part), &d);
}

void
ecpr__odm_unit_oid(char *dst, size_t len, const char *code)
{
	snprintf(dst, len, "MU.%s", code);
}

/* The j-th unit of observation t (the core's table), or NULL. */
static const char *
obs_unit(size_t t, size_t j)
{
	return j < ECPR__OBS_UNITS_MAX ? ecpr__obs[t].units[j].ucum : NULL;
}

const char *
ecpr__odm_unit_code(size_t i)
{
	const char *u;
	size_t t, j, t2, j2, n = 0;
	int seen;

	for (t = 0; t < ECPR_OBS_COUNT; t++)
		for (j = 0; (u = obs_unit(t, j)) != NULL; j++) {
			/* a code that an earlier observation accepts too is
			 * listed there */
			seen = 0;
			for (t2 = 0; t2 <= t && !seen; t2++)
				for (j2 = 0; (t2 < t || j2 < j) &&
				    obs_unit(t2, j2) != NULL && !seen; j2++)
					seen = strcmp(obs_unit(t2, j2), u) == 0;
			if (!seen && n++ == i)
				return u;
		}
	return NULL;
}

void
ecpr__odm_obs_units(char *buf, size_t len, ecpr_obs_type type)
{
	const char *u;
	size_t j, n = 0;

	buf[0] = '\0';
	for (j = 0; (u = obs_unit((size_t)type, j)) != NULL && n < len; j++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", j > 0 ? ", " :
		    "", u);
}

const char *
ecpr__odm_unit_of_oid(const char *oid)
{
	const char *u;
	size_t t, j;

	if (strncmp(oid, "MU.", 3) != 0)
		return NULL;
	for (t = 0; t < ECPR_OBS_COUNT; t++)
		for (j = 0; (u = obs_unit(t, j)) != NULL; j++)
			if (strcmp(u, oid + 3) == 0)
				return u;
	return NULL;
}

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
		if (ecpr__odm_codelists[c].attr == (int)id) {
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
 * export: the registry site (the institution's code, never the
 * patient's) and an observation's value (written from the parsed value,
 * ecpr_value_format: a comparator and a decimal, never free text).
 * Every other text item (primary_disease, mcc_device, ecmo_device,
 * complication_note and whatever text item is added later) is dropped.
 */
static const char *const deid_safe_text[] = { "site", "observation_value",
	NULL };

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
		{ "F.OBSERVATIONS", "observations" },
		{ "F.COMPLICATIONS", "complications" },
		{ "IG.OBSERVATION", "observation" },
		{ "IG.COMPLICATION", "complication" },
	};
	const char *u;
	size_t i;
	int k;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(oid, fixed[i][0]) == 0)
			return fixed[i][1];
	for (i = 0; i < 2 * ECPR_ODM_P_COUNT; i++) {
		u = part_items[i / ECPR_ODM_P_COUNT][i % ECPR_ODM_P_COUNT];
		if (u != NULL && is_oid_of(oid, "I.", u))
			return u;
	}
	if ((u = ecpr__odm_unit_of_oid(oid)) != NULL)
		return u;
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

	for (k = 0; k < 2; k++)
		if (strcmp(group_oid, k == 0 ? "IG.OBSERVATION" :
		    "IG.COMPLICATION") == 0) {
			for (i = 0; i < ECPR_ODM_P_COUNT && n < max; i++)
				if (part_items[k][i] != NULL)
					ecpr__odm_oid(oids[n++], 48, "I.",
					    part_items[k][i]);
			return n;
		}
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
