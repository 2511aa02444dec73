/*
 * odm_check.c - check ODM ClinicalData against the study metadata that
 * our exports write, with a streaming reader (xmlTextReader): memory
 * holds the metadata and the keys of the open levels only.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xmlreader.h>

#include "internal.h"
#include "odm_internal.h"

#define XC(x) ((const xmlChar *)(x))

/* Levels of ClinicalData; L_SUBJECT's definition is the Protocol. */
enum level { L_SUBJECT, L_EVENT, L_FORM, L_GROUP, L_ITEM, L_COUNT };

static const char *const level_el[L_COUNT] = {
	"SubjectData", "StudyEventData", "FormData", "ItemGroupData",
	"ItemData"
};
static const char *const level_def[L_COUNT] = {
	"Protocol", "StudyEventDef", "FormDef", "ItemGroupDef", "ItemDef"
};
static const char *const level_oid[L_COUNT] = {
	"SubjectKey", "StudyEventOID", "FormOID", "ItemGroupOID", "ItemOID"
};
static const char *const level_key[L_COUNT] = {
	NULL, "StudyEventRepeatKey", "FormRepeatKey", "ItemGroupRepeatKey",
	NULL
};

/* DT_VALUE: text holding a measured value (ecpr_value_parse) */
enum dtype { DT_TEXT, DT_INTEGER, DT_FLOAT, DT_DATETIME, DT_VALUE };

#define MAX_REFS 32
#define MAX_DEFS 112
#define MAX_FRAMES (ECPR_ODM_MAX_DEPTH + 1)

struct def {
	char oid[48];
	enum level level;
	int repeating;
	enum dtype type;
	const struct ecpr__odm_codelist *cl;
	int attr;                /* ecpr_attr_id, or -1 */
	int entry, part;         /* of an observation or complication:
				    ecpr_odm_entry_kind and part, else -1 */
	size_t nrefs;
	struct def *refs[MAX_REFS];
	unsigned char mandatory[MAX_REFS];
};

struct meta {
	struct def defs[MAX_DEFS];
	size_t n;
	xmlHashTablePtr idx;     /* (level, oid) -> def */
};

/* An open SubjectData, StudyEventData, FormData or ItemGroupData. */
struct frame {
	enum level level;
	const struct def *def;   /* NULL: contents not checked */
	unsigned long line;
	int changes;             /* a TransactionType other than Insert */
	char label[160];         /* 'StudyEventData "SE.EPISODE" repeat "1"' */
	unsigned char seen[MAX_REFS];
	xmlHashTablePtr keys;    /* children seen: key -> first line */
	int obs;                 /* an observation's type, or -1 */
	const char *unit;        /* its value's unit (UCUM code), or NULL */
	unsigned long unit_line;
};

struct ck {
	const char *path;
	const ecpr_odm_check_opts *opts;
	ecpr_error *err;
	size_t problems;
	struct meta *m;
	struct ecpr__odm_reader x;
	int in_cd;               /* inside a ClinicalData */
	int cd_ok;               /* ... of our study and version */
	size_t ncd;              /* ClinicalData seen */
	struct frame frames[MAX_FRAMES];
	int nframes;
};

/* ------------------------------------------------------------------ */
/* Our metadata, as odm_write.c writes it                               */
/* ------------------------------------------------------------------ */

static struct def *
def_get(struct meta *m, enum level l, const char *oid)
{
	struct def *d;

	d = xmlHashLookup2(m->idx, XC(level_def[l]), XC(oid));
	if (d != NULL || m->n == MAX_DEFS)
		return d;
	d = &m->defs[m->n++];
	snprintf(d->oid, sizeof(d->oid), "%s", oid);
	d->level = l;
	d->attr = -1;
	d->entry = d->part = -1;
	if (xmlHashAddEntry2(m->idx, XC(level_def[l]), XC(d->oid), d) != 0)
		return NULL;
	return d;
}

static int
def_ref(struct def *parent, struct def *child, int mandatory)
{
	if (parent == NULL || child == NULL || parent->nrefs == MAX_REFS)
		return -1;
	parent->mandatory[parent->nrefs] = (unsigned char)mandatory;
	parent->refs[parent->nrefs++] = child;
	return 0;
}

static int
meta_build(struct meta *m)
{
	struct def *proto, *se, *fa, *fe, *ga, *ge, *g, *it;
	struct ecpr__odm_itemdef d;
	char oid[48];
	size_t i;
	int k, t, bad = 0;

	if ((m->idx = xmlHashCreate(128)) == NULL)
		return -1;
	proto = def_get(m, L_SUBJECT, "");
	se = def_get(m, L_EVENT, "SE.EPISODE");
	fa = def_get(m, L_FORM, "F.ATTRIBUTES");
	fe = def_get(m, L_FORM, "F.EVENTS");
	ga = def_get(m, L_GROUP, "IG.ATTRIBUTES");
	ge = def_get(m, L_GROUP, "IG.EVENTS");
	if (se == NULL || fa == NULL || fe == NULL || ga == NULL ||
	    ge == NULL)
		return -1;
	se->repeating = 1;
	bad |= def_ref(proto, se, 1);
	bad |= def_ref(se, fa, 1);
	bad |= def_ref(se, fe, 0);
	bad |= def_ref(fa, ga, 1);
	bad |= def_ref(fe, ge, 0);
	/* attributes (the identified export's set: free text included) */
	bad |= def_ref(ga, def_get(m, L_ITEM, "I.SITE"), 1);
	for (i = 0; i < ECPR_AT_COUNT; i++) {
		ecpr__odm_oid(oid, sizeof(oid), "I.",
		    ecpr_attr_name((ecpr_attr_id)i));
		if ((it = def_get(m, L_ITEM, oid)) == NULL)
			return -1;
		it->attr = (int)i;
		ecpr__odm_attr_def((ecpr_attr_id)i, 1, &d);
		it->cl = d.codelist;
		if (strcmp(d.type, "integer") == 0)
			it->type = DT_INTEGER;
		else if (strcmp(d.type, "float") == 0)
			it->type = DT_FLOAT;
		bad |= def_ref(ga, it, 0);
	}
	/* events: single ones in IG.EVENTS, segments, other repeats */
	for (t = 0; t < ECPR_EV_COUNT; t++) {
		ecpr__odm_oid(oid, sizeof(oid), "I.",
		    ecpr_event_name((ecpr_event_type)t));
		if ((it = def_get(m, L_ITEM, oid)) == NULL)
			return -1;
		it->type = DT_DATETIME;
		if (!ecpr_event_repeatable((ecpr_event_type)t))
			bad |= def_ref(ge, it, 0);
	}
	for (k = 0; k < ECPR_SEG_COUNT; k++) {
		ecpr__odm_oid(oid, sizeof(oid), "IG.SEG.",
		    ecpr__segments[k].name);
		if ((g = def_get(m, L_GROUP, oid)) == NULL)
			return -1;
		g->repeating = 1;
		bad |= def_ref(fe, g, 0);
		ecpr__odm_oid(oid, sizeof(oid), "I.",
		    ecpr_event_name(ecpr__segments[k].start));
		bad |= def_ref(g, def_get(m, L_ITEM, oid), 0);
		ecpr__odm_oid(oid, sizeof(oid), "I.",
		    ecpr_event_name(ecpr__segments[k].stop));
		bad |= def_ref(g, def_get(m, L_ITEM, oid), 0);
	}
	for (t = 0; t < ECPR_EV_COUNT; t++) {
		const char *n = ecpr_event_name((ecpr_event_type)t);

		if (!ecpr__odm_has_rep_group((ecpr_event_type)t))
			continue;
		ecpr__odm_oid(oid, sizeof(oid), "IG.REP.", n);
		if ((g = def_get(m, L_GROUP, oid)) == NULL)
			return -1;
		g->repeating = 1;
		bad |= def_ref(fe, g, 0);
		ecpr__odm_oid(oid, sizeof(oid), "I.", n);
		bad |= def_ref(g, def_get(m, L_ITEM, oid), 0);
	}
	/* observations and complications: a form with a repeating group */
	for (k = 0; k < 2; k++) {
		ecpr_odm_entry_kind kind = (ecpr_odm_entry_kind)k;

		if ((g = def_get(m, L_FORM, k == 0 ? "F.OBSERVATIONS" :
		    "F.COMPLICATIONS")) == NULL)
			return -1;
		bad |= def_ref(se, g, 0);
		it = g;
		if ((g = def_get(m, L_GROUP, k == 0 ? "IG.OBSERVATION" :
		    "IG.COMPLICATION")) == NULL)
			return -1;
		g->repeating = 1;
		g->entry = k;
		bad |= def_ref(it, g, 0);
		for (t = 0; t < ECPR_ODM_P_COUNT; t++) {
			const char *n = ecpr_odm_part_item(kind,
			    (ecpr_odm_part)t);

			if (n == NULL)
				continue;
			ecpr__odm_oid(oid, sizeof(oid), "I.", n);
			if ((it = def_get(m, L_ITEM, oid)) == NULL)
				return -1;
			ecpr__odm_part_def(kind, (ecpr_odm_part)t, &d);
			it->entry = k;
			it->part = t;
			it->cl = d.codelist;
			it->type = t == ECPR_ODM_P_TIME ? DT_DATETIME :
			    t == ECPR_ODM_P_VALUE ? DT_VALUE : DT_TEXT;
			bad |= def_ref(g, it, ecpr__odm_part_mandatory(kind,
			    (ecpr_odm_part)t));
		}
	}
	return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Problems                                                             */
/* ------------------------------------------------------------------ */

static void
problem(struct ck *c, unsigned long line, const char *fmt, ...)
{
	ecpr_error e = ECPR_ERROR_INIT;
	va_list ap;

	e.code = ECPR_ERULE;
	snprintf(e.file, sizeof(e.file), "%s", c->path);
	e.line = line;
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	if (c->problems == 0 && c->err != NULL)
		*c->err = e;
	c->problems++;
	if (c->opts->on_error != NULL)
		c->opts->on_error(&e, c->opts->ctx);
}

static const char *
s(const xmlChar *x)
{
	return x != NULL ? (const char *)x : "";
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

static int
is_integer(const char *v)
{
	if (*v == '+' || *v == '-')
		v++;
	if (*v == '\0')
		return 0;
	for (; *v != '\0'; v++)
		if (*v < '0' || *v > '9')
			return 0;
	return 1;
}

/* An xs:decimal or a number with an exponent (ODM float). */
static int
is_float(const char *v)
{
	int digits = 0;

	if (*v == '+' || *v == '-')
		v++;
	for (; *v >= '0' && *v <= '9'; v++)
		digits++;
	if (*v == '.')
		for (v++; *v >= '0' && *v <= '9'; v++)
			digits++;
	if (digits == 0)
		return 0;
	if (*v == 'e' || *v == 'E') {
		v++;
		if (*v == '+' || *v == '-')
			v++;
		if (*v < '0' || *v > '9')
			return 0;
		while (*v >= '0' && *v <= '9')
			v++;
	}
	return *v == '\0';
}

/*
 * A library message about value ("\"V\" is not ...", or "attribute
 * \"x\": \"V\" is ..."): the part after the quoted value, or NULL.
 */
static const char *
after_value(const char *msg, const char *value)
{
	size_t n = strlen(value);
	const char *p = msg;

	while ((p = strchr(p, '"')) != NULL) {
		if (strncmp(p + 1, value, n) == 0 && p[n + 1] == '"' &&
		    p[n + 2] == ' ')
			return p + n + 3;
		p++;
	}
	return NULL;
}

static void
check_value(struct ck *c, const struct def *d, const char *v,
    unsigned long line)
{
	ecpr_error e = ECPR_ERROR_INIT;
	ecpr_time tm;
	const char *rest;
	char buf[128];
	size_t i;

	if (d->attr == ECPR_AT_AGE_YEARS && strcmp(v, "90+") == 0)
		return; /* a de-identified age */
	switch (d->type) {
	case DT_INTEGER:
		if (!is_integer(v)) {
			problem(c, line, "ItemData \"%s\": value \"%s\" is not "
			    "an integer", d->oid, v);
			return;
		}
		break;
	case DT_FLOAT:
		if (!is_float(v)) {
			problem(c, line, "ItemData \"%s\": value \"%s\" is not "
			    "a float", d->oid, v);
			return;
		}
		break;
	case DT_DATETIME:
		if (ecpr_time_parse(&tm, v, c->opts->tz, &e) != ECPR_OK) {
			if ((rest = after_value(e.message, v)) != NULL)
				problem(c, line, "ItemData \"%s\": value \"%s\" "
				    "%s", d->oid, v, rest);
			else
				problem(c, line, "ItemData \"%s\": value \"%s\": "
				    "%s", d->oid, v, e.message);
		}
		return;
	case DT_VALUE: {
		ecpr_value val;

		if (ecpr_value_parse(&val, v, &e) != ECPR_OK &&
		    (rest = after_value(e.message, v)) != NULL)
			problem(c, line, "ItemData \"%s\": value \"%s\" %s",
			    d->oid, v, rest);
		else if (e.code != ECPR_OK)
			problem(c, line, "ItemData \"%s\": value \"%s\": %s",
			    d->oid, v, e.message);
		return;
	}
	case DT_TEXT:
		break;
	}
	if (d->cl != NULL) {
		for (i = 0; ecpr__odm_code(d->cl, i) != NULL; i++)
			if (strcmp(v, ecpr__odm_code(d->cl, i)) == 0) {
				if (d->entry == ECPR_ODM_OBSERVATION &&
				    d->part == ECPR_ODM_P_CODE && c->nframes > 0)
					c->frames[c->nframes - 1].obs = (int)i;
				return;
			}
		problem(c, line, "ItemData \"%s\": value \"%s\" is not in "
		    "code list %s", d->oid, v, d->cl->oid);
		return;
	}
	/* ranges of numeric attributes (age_years, bmi, apache2) */
	if (d->attr >= 0 && d->type != DT_TEXT &&
	    ecpr_attr_normalize((ecpr_attr_id)d->attr, v, buf, sizeof(buf),
	    &e) != ECPR_OK) {
		if ((rest = after_value(e.message, v)) != NULL)
			problem(c, line, "ItemData \"%s\": value \"%s\" %s",
			    d->oid, v, rest);
		else
			problem(c, line, "ItemData \"%s\": value \"%s\": %s",
			    d->oid, v, e.message);
	}
}

/* ------------------------------------------------------------------ */
/* The walk                                                             */
/* ------------------------------------------------------------------ */

static int
changes(xmlTextReaderPtr rd)
{
	xmlChar *tx = xmlTextReaderGetAttribute(rd, XC("TransactionType"));
	int r = tx != NULL && strcmp((const char *)tx, "Insert") != 0;

	xmlFree(tx);
	return r;
}

static void
free_line(void *payload, const xmlChar *name)
{
	(void)payload;
	(void)name;
}

/* Close the innermost frame: mandatory references present? */
static void
pop(struct ck *c)
{
	struct frame *f = &c->frames[--c->nframes];
	size_t i;

	if (f->obs >= 0 && f->unit != NULL &&
	    ecpr_obs_unit_lookup((ecpr_obs_type)f->obs, f->unit) == NULL) {
		char units[128];

		ecpr__odm_obs_units(units, sizeof(units),
		    (ecpr_obs_type)f->obs);
		problem(c, f->unit_line, "ItemData \"I.OBSERVATION_VALUE\": "
		    "unit \"%s\" is not a unit of %s (%s)", f->unit,
		    ecpr_obs_name((ecpr_obs_type)f->obs), units);
	}
	if (f->def != NULL && !f->changes)
		for (i = 0; i < f->def->nrefs; i++)
			if (f->def->mandatory[i] && !f->seen[i])
				problem(c, f->line, "%s: mandatory %s \"%s\" "
				    "missing", f->label,
				    level_el[f->def->refs[i]->level],
				    f->def->refs[i]->oid);
	xmlHashFree(f->keys, free_line);
	f->keys = NULL;
}

/*
 * A SubjectData, StudyEventData, FormData, ItemGroupData or ItemData
 * starts.  Returns the definition to check its contents against, NULL
 * when they are not checked.
 */
static const struct def *
open_level(struct ck *c, xmlTextReaderPtr rd, enum level l,
    unsigned long line, char *label, size_t labellen, int *chg)
{
	const struct frame *p = c->nframes > 0 ?
	    &c->frames[c->nframes - 1] : NULL;
	const struct def *d = NULL;
	xmlChar *oid, *key = NULL;
	char k[256];
	size_t i;
	void *first;

	*chg = (p != NULL && p->changes) || changes(rd);
	oid = xmlTextReaderGetAttribute(rd, XC(level_oid[l]));
	if (level_key[l] != NULL)
		key = xmlTextReaderGetAttribute(rd, XC(level_key[l]));
	if (key != NULL)
		snprintf(label, labellen, "%s \"%s\" repeat \"%s\"",
		    level_el[l], s(oid), (const char *)key);
	else
		snprintf(label, labellen, "%s \"%s\"", level_el[l], s(oid));
	if (l == L_SUBJECT) {
		d = &c->m->defs[0]; /* the Protocol */
		goto out;
	}
	if (p == NULL || p->level != l - 1) {
		problem(c, line, "%s: not inside a %s", label,
		    level_el[l - 1]);
		goto out;
	}
	if (p->def == NULL)
		goto out; /* inside something unknown: already reported */
	if (oid == NULL) {
		problem(c, line, "%s: no %s", level_el[l], level_oid[l]);
		goto out;
	}
	d = xmlHashLookup2(c->m->idx, XC(level_def[l]), oid);
	if (d == NULL) {
		problem(c, line, "%s \"%s\": %s not defined in "
		    "MetaDataVersion %s", level_el[l], (const char *)oid,
		    level_oid[l], ECPR_ODM_MDV_OID);
		goto out;
	}
	for (i = 0; i < p->def->nrefs; i++)
		if (p->def->refs[i] == d)
			break;
	if (i == p->def->nrefs) {
		problem(c, line, "%s: not part of %s %s", label,
		    level_def[p->def->level], p->level == L_SUBJECT ?
		    ECPR_ODM_MDV_OID : p->def->oid);
		d = NULL;
		goto out;
	}
	c->frames[c->nframes - 1].seen[i] = 1;
	if (d->repeating && key == NULL)
		problem(c, line, "%s: no %s, but %s %s repeats", label,
		    level_key[l], level_def[l], d->oid);
	else if (!d->repeating && key != NULL)
		problem(c, line, "%s: %s \"%s\" given, but %s %s does not "
		    "repeat", label, level_key[l], (const char *)key,
		    level_def[l], d->oid);
	/* the same OID and repeat key twice in one parent */
	if (!*chg) {
		struct frame *pf = &c->frames[c->nframes - 1];

		snprintf(k, sizeof(k), "%s\x1f%s", d->oid, s(key));
		if (pf->keys == NULL)
			pf->keys = xmlHashCreate(16);
		if (pf->keys != NULL) {
			first = xmlHashLookup(pf->keys, XC(k));
			if (first != NULL)
				problem(c, line, "%s: given twice in this %s "
				    "(first at line %lu)", label,
				    level_el[p->level],
				    (unsigned long)(uintptr_t)first);
			else
				xmlHashAddEntry(pf->keys, XC(k),
				    (void *)(uintptr_t)(line > 0 ? line : 1));
		}
	}
out:
	xmlFree(oid);
	xmlFree(key);
	return d;
}

/* The MeasurementUnitOID of an observation's value: one of ours, kept
 * in its group to be checked against the observation when it closes. */
static void
item_unit(struct ck *c, xmlTextReaderPtr rd, const struct def *d,
    const char *label, unsigned long line)
{
	xmlChar *oid = ecpr__odm_item_unit(rd);
	const char *code;

	if (oid == NULL)
		problem(c, line, "%s: no MeasurementUnitRef", label);
	else if ((code = ecpr__odm_unit_of_oid((const char *)oid)) == NULL)
		problem(c, line, "%s: MeasurementUnitOID \"%s\" is not a "
		    "MeasurementUnit of ItemDef %s", label,
		    (const char *)oid, d->oid);
	else if (c->nframes > 0 &&
	    c->frames[c->nframes - 1].level == L_GROUP) {
		c->frames[c->nframes - 1].unit = code;
		c->frames[c->nframes - 1].unit_line = line;
	}
	xmlFree(oid);
}

static void
item(struct ck *c, xmlTextReaderPtr rd, const char *local,
    unsigned long line)
{
	const struct def *d;
	xmlChar *value = NULL, *isnull;
	char label[160];
	int chg;

	if ((d = open_level(c, rd, L_ITEM, line, label, sizeof(label),
	    &chg)) == NULL)
		return;
	isnull = xmlTextReaderGetAttribute(rd, XC("IsNull"));
	if (isnull != NULL && strcmp((const char *)isnull, "Yes") == 0) {
		xmlFree(isnull);
		return;
	}
	xmlFree(isnull);
	if (strcmp(local, "ItemData") == 0)
		value = xmlTextReaderGetAttribute(rd, XC("Value"));
	else if (!xmlTextReaderIsEmptyElement(rd))
		value = xmlTextReaderReadString(rd); /* typed ItemData */
	if (value == NULL) {
		if (!chg)
			problem(c, line, "%s: no Value", label);
		return;
	}
	check_value(c, d, (const char *)value, line);
	xmlFree(value);
	if (d->part == ECPR_ODM_P_VALUE)
		item_unit(c, rd, d, label, line);
}

static void
push(struct ck *c, xmlTextReaderPtr rd, enum level l, unsigned long line)
{
	struct frame *f;
	char label[160];
	const struct def *d;
	int chg;

	d = open_level(c, rd, l, line, label, sizeof(label), &chg);
	f = &c->frames[c->nframes++];
	memset(f, 0, sizeof(*f));
	f->level = l;
	f->def = d;
	f->line = line;
	f->changes = chg;
	f->obs = -1;
	snprintf(f->label, sizeof(f->label), "%s", label);
}

static void
clinical_data(struct ck *c, xmlTextReaderPtr rd, unsigned long line)
{
	xmlChar *study = xmlTextReaderGetAttribute(rd, XC("StudyOID"));
	xmlChar *mdv = xmlTextReaderGetAttribute(rd,
	    XC("MetaDataVersionOID"));

	c->ncd++;
	c->in_cd = 1;
	c->cd_ok = 0;
	if (study == NULL || strcmp((const char *)study,
	    ECPR_ODM_STUDY_OID) != 0)
		problem(c, line, "ClinicalData: StudyOID \"%s\" is not our "
		    "study \"%s\"; its data are not checked", s(study),
		    ECPR_ODM_STUDY_OID);
	else if (mdv == NULL || strcmp((const char *)mdv,
	    ECPR_ODM_MDV_OID) != 0)
		problem(c, line, "ClinicalData: MetaDataVersionOID \"%s\" is "
		    "not ours (\"%s\"); its data are not checked", s(mdv),
		    ECPR_ODM_MDV_OID);
	else
		c->cd_ok = 1;
	xmlFree(study);
	xmlFree(mdv);
}

static enum level
level_of(const char *local)
{
	int l;

	for (l = L_SUBJECT; l < L_ITEM; l++)
		if (strcmp(local, level_el[l]) == 0)
			return (enum level)l;
	if (strncmp(local, "ItemData", 8) == 0)
		return L_ITEM;
	return L_COUNT;
}

static void
start(struct ck *c, xmlTextReaderPtr rd)
{
	const char *local = (const char *)xmlTextReaderConstLocalName(rd);
	unsigned long line = (unsigned long)xmlGetLineNo(
	    xmlTextReaderCurrentNode(rd));
	enum level l;

	if (strcmp(local, "ClinicalData") == 0) {
		clinical_data(c, rd, line);
		if (xmlTextReaderIsEmptyElement(rd))
			c->in_cd = 0;
		return;
	}
	if (!c->in_cd || !c->cd_ok)
		return;
	if ((l = level_of(local)) == L_COUNT)
		return;
	if (l == L_ITEM) {
		item(c, rd, local, line);
		return;
	}
	if (c->nframes == MAX_FRAMES)
		return; /* the depth limit stops the walk first */
	push(c, rd, l, line);
	if (xmlTextReaderIsEmptyElement(rd))
		pop(c);
}

static void
end(struct ck *c, xmlTextReaderPtr rd)
{
	const char *local = (const char *)xmlTextReaderConstLocalName(rd);
	enum level l;

	if (strcmp(local, "ClinicalData") == 0) {
		while (c->nframes > 0)
			pop(c);
		c->in_cd = 0;
		return;
	}
	if (!c->in_cd || !c->cd_ok || c->nframes == 0)
		return;
	l = level_of(local);
	if (l != L_COUNT && l != L_ITEM &&
	    c->frames[c->nframes - 1].level == l)
		pop(c);
}

int
ecpr_odm_check(const char *path, const ecpr_odm_check_opts *opts,
    size_t *nproblems, ecpr_error *err)
{
	static const ecpr_odm_check_opts defaults = ECPR_ODM_CHECK_OPTS_INIT;
	xmlTextReaderPtr rd;
	const xmlChar *ns;
	struct ck c;
	int rc, type;

	if (nproblems != NULL)
		*nproblems = 0;
	memset(&c, 0, sizeof(c));
	c.path = path;
	c.opts = opts != NULL ? opts : &defaults;
	c.err = err;
	if ((rc = ecpr__odm_reader_open(&c.x, path, err)) != ECPR_OK)
		goto out;
	rd = c.x.rd;
	if ((c.m = calloc(1, sizeof(*c.m))) == NULL ||
	    meta_build(c.m) != 0) {
		rc = ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
		goto out;
	}
	while ((rc = ecpr__odm_reader_next(&c.x, &type)) == 1) {
		ns = xmlTextReaderConstNamespaceUri(rd);
		if (ns == NULL || strcmp((const char *)ns, ECPR_ODM_NS) != 0)
			continue;
		if (type == XML_READER_TYPE_ELEMENT)
			start(&c, rd);
		else if (type == XML_READER_TYPE_END_ELEMENT)
			end(&c, rd);
		if (c.x.failed) {
			rc = ECPR_EPARSE;
			break;
		}
	}
	if (rc != ECPR_OK)
		goto out;
	if (c.ncd == 0)
		problem(&c, 0, "no ClinicalData: nothing to check against "
		    "study \"%s\"", ECPR_ODM_STUDY_OID);
	rc = c.problems > 0 ? ECPR_ERULE : ECPR_OK;
out:
	while (c.nframes > 0) {
		c.nframes--;
		xmlHashFree(c.frames[c.nframes].keys, free_line);
	}
	if (nproblems != NULL)
		*nproblems = c.problems;
	ecpr__odm_reader_close(&c.x);
	if (c.m != NULL)
		xmlHashFree(c.m->idx, NULL);
	free(c.m);
	return rc;
}
