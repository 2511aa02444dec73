/*
 * odm_write.c - ODM 1.3.2 export of episodes, streamed (memory does not
 * grow with the number of episodes): the XML is written straight into a
 * 64 KiB buffer in the layout and escaping of libxml2's xmlTextWriter
 * with an indent of one space, byte for byte, without its per-call costs
 * (a list node and a strdup per element, a 4000-byte output chunk).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "ecpr_odm.h"
#include "odm_internal.h"

/* Elements open at most (the documents written nest 7 deep). */
#define MAX_OPEN 16

struct ecpr_odm_writer {
	struct ecpr__odm_out out;
	const char *open[MAX_OPEN]; /* names of the open elements (literals) */
	int depth;
	int tag_open;   /* the innermost start tag awaits its '>' */
	int doindent;   /* an end tag after a child is indented */
	ecpr_odm_export_opts opts;
	char *site;    /* SubjectData open for this site/subject, or NULL */
	char *subject;
	int64_t shift;  /* date shift of the open subject */
	int audits;     /* AuditRecords open */
	int failed;
	/* OIDs made once: items of events and attributes, groups */
	char ev_oid[ECPR_EV_COUNT][48];
	char at_oid[ECPR_AT_COUNT][48];
	char seg_oid[ECPR_SEG_COUNT][48];
	char rep_oid[ECPR_EV_COUNT][48];
};

/* A non-negative number in decimal (buf holds at least 24 bytes). */
static const char *
decimal(char *buf, unsigned long long v)
{
	char *p = buf + 23;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return p;
}

/* ------------------------------------------------------------------ */
/* The output                                                           */
/* ------------------------------------------------------------------ */

int
ecpr__odm_out_flush(struct ecpr__odm_out *o)
{
	if (o->len > 0 && !o->failed && fwrite(o->buf, 1, o->len, o->fp) !=
	    o->len)
		o->failed = 1;
	o->len = 0;
	return o->failed ? -1 : 0;
}

static void
put(struct ecpr__odm_out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - o->len) {
		ecpr__odm_out_flush(o);
		if (n > sizeof(o->buf)) {
			if (!o->failed && fwrite(s, 1, n, o->fp) != n)
				o->failed = 1;
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
puts_(struct ecpr__odm_out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* "&#xHEX;" of v (upper-case digits, as xmlSerializeHexCharRef). */
static size_t
hex_ref(char *buf, unsigned long v)
{
	char tmp[8];
	size_t n = 0, k = 0;

	do
		tmp[n++] = "0123456789ABCDEF"[v & 0xf];
	while ((v >>= 4) != 0);
	buf[k++] = '&';
	buf[k++] = '#';
	buf[k++] = 'x';
	while (n > 0)
		buf[k++] = tmp[--n];
	buf[k++] = ';';
	return k;
}

/* A character XML admits (libxml2's IS_CHAR). */
static int
xml_char(unsigned long c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 &&
	    c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 &&
	    c <= 0x10ffff);
}

/*
 * The reference written for the bytes at p (p[0] >= 0x80, p[1] != 0) in an
 * attribute of a document without an encoding, as libxml2's
 * xmlBufAttrSerializeTxtContent does: a UTF-8 sequence as the character's
 * reference, anything else as the reference of its first byte.  The
 * number of bytes taken in *used.
 */
static size_t
utf8_ref(char *buf, const unsigned char *p, size_t *used)
{
	unsigned long v = 0;
	size_t l = 1;

	if (p[0] < 0xc0) {
		*used = 1;
		return hex_ref(buf, p[0]);
	} else if (p[0] < 0xe0) {
		v = (unsigned long)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		l = 2;
	} else if (p[0] < 0xf0 && p[2] != 0) {
		v = (unsigned long)(p[0] & 0x0f) << 12 |
		    (unsigned long)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		l = 3;
	} else if (p[0] < 0xf8 && p[2] != 0 && p[3] != 0) {
		v = (unsigned long)(p[0] & 0x07) << 18 |
		    (unsigned long)(p[1] & 0x3f) << 12 |
		    (unsigned long)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		l = 4;
	}
	if (l == 1 || !xml_char(v)) {
		*used = 1;
		return hex_ref(buf, p[0]);
	}
	*used = l;
	return hex_ref(buf, v);
}

void
ecpr__odm_out_escaped(struct ecpr__odm_out *o, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s, *base = p;
	const char *rep;
	char ref[16];
	size_t n, used;

	for (;; p++) {
		unsigned c = *p;

		/* the common bytes first: printable ASCII kept as it is */
		if (c >= 0x20 && c < 0x7f && c != '<' && c != '>' &&
		    c != '&' && c != '"')
			continue;
		if (c == 0)
			break;
		rep = NULL;
		n = 0;
		used = 1;
		if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '&')
			rep = "&amp;";
		else if (c == '"')
			rep = "&quot;";
		else if (c == '\r')
			rep = "&#13;";
		else if (attr && c == '\n')
			rep = "&#10;";
		else if (attr && c == '\t')
			rep = "&#9;";
		else if (attr && c >= 0x80 && p[1] != 0)
			n = utf8_ref(ref, p, &used);
		else
			continue;
		put(o, (const char *)base, (size_t)(p - base));
		if (rep != NULL)
			puts_(o, rep);
		else
			put(o, ref, n);
		p += used - 1;
		base = p + 1;
	}
	put(o, (const char *)base, (size_t)(p - base));
}

/* ------------------------------------------------------------------ */
/* Elements, laid out as xmlTextWriter with an indent of one space:     */
/* each returns < 0 on failure                                          */
/* ------------------------------------------------------------------ */

/* 0, or -1 once anything failed (a write included). */
static int
ok(ecpr_odm_writer *w)
{
	if (w->out.failed)
		w->failed = 1;
	return w->failed ? -1 : 0;
}

static void
indent(ecpr_odm_writer *w, int n)
{
	static const char spaces[MAX_OPEN] = "                ";

	put(&w->out, spaces, (size_t)n);
}

/* el: a name that outlives the element (a string literal) */
static int
start(ecpr_odm_writer *w, const char *el)
{
	if (w->depth >= MAX_OPEN)
		w->failed = 1;
	if (w->failed)
		return -1;
	if (w->tag_open)
		put(&w->out, ">\n", 2);
	w->open[w->depth++] = el;
	indent(w, w->depth - 1);
	put(&w->out, "<", 1);
	puts_(&w->out, el);
	w->tag_open = 1;
	return ok(w);
}

static int
end(ecpr_odm_writer *w)
{
	if (w->depth == 0)
		w->failed = 1;
	if (w->failed)
		return -1;
	if (w->tag_open) {
		put(&w->out, "/>\n", 3);
	} else {
		if (w->doindent)
			indent(w, w->depth - 1);
		put(&w->out, "</", 2);
		puts_(&w->out, w->open[w->depth - 1]);
		put(&w->out, ">\n", 2);
	}
	w->doindent = 1;
	w->tag_open = 0;
	w->depth--;
	return ok(w);
}

static int
attr(ecpr_odm_writer *w, const char *name, const char *value)
{
	if (!w->tag_open)
		w->failed = 1;
	if (w->failed)
		return -1;
	put(&w->out, " ", 1);
	puts_(&w->out, name);
	put(&w->out, "=\"", 2);
	ecpr__odm_out_escaped(&w->out, value, 1);
	put(&w->out, "\"", 1);
	return ok(w);
}

/* Text inside the innermost element (its end tag then not indented). */
static int
text(ecpr_odm_writer *w, const char *value)
{
	if (w->failed || w->depth == 0)
		return -1;
	if (w->tag_open)
		put(&w->out, ">", 1);
	w->tag_open = 0;
	w->doindent = 0;
	ecpr__odm_out_escaped(&w->out, value, 0);
	return ok(w);
}

static int
text_el(ecpr_odm_writer *w, const char *el, const char *value)
{
	start(w, el);
	text(w, value);
	return end(w);
}

static void
ref_attr(ecpr_odm_writer *w, const char *name, const char *prefix,
    const char *value)
{
	char buf[128], *v = buf;
	size_t a = strlen(prefix), b = strlen(value);

	if (a + b >= sizeof(buf) && (v = malloc(a + b + 1)) == NULL) {
		w->failed = 1;
		return;
	}
	memcpy(v, prefix, a);
	memcpy(v + a, value, b + 1);
	attr(w, name, v);
	if (v != buf)
		free(v);
}

static void
audit_record(ecpr_odm_writer *w, const ecpr_odm_audit *a)
{
	start(w, "AuditRecord");
	if (a->id != NULL)
		attr(w, "ID", a->id);
	start(w, "UserRef");
	ref_attr(w, "UserOID", "USR.", a->user);
	end(w);
	start(w, "LocationRef");
	ref_attr(w, "LocationOID", "LOC.", a->location);
	end(w);
	text_el(w, "DateTimeStamp", a->when);
	if (a->reason != NULL)
		text_el(w, "ReasonForChange", a->reason);
	if (a->source != NULL)
		text_el(w, "SourceID", a->source);
	end(w);
}

/* An ItemData of ep (attribute attr, or the event ev), with its audit. */
static void
item_data(ecpr_odm_writer *w, const char *oid, const char *value,
    const ecpr_episode *ep, int attr_id, const ecpr_event *ev)
{
	const ecpr_odm_audit *a;

	start(w, "ItemData");
	attr(w, "ItemOID", oid);
	attr(w, "Value", value);
	if (w->opts.audit != NULL && (a = w->opts.audit(ep, attr_id, ev,
	    w->opts.audit_ctx)) != NULL)
		audit_record(w, a);
	end(w);
}

static void
translated(ecpr_odm_writer *w, const char *el, const char *value)
{
	start(w, el);
	start(w, "TranslatedText");
	attr(w, "xml:lang", "en");
	text(w, value);
	end(w);
	end(w);
}

static void
item_ref(ecpr_odm_writer *w, const char *oid, int mandatory)
{
	start(w, "ItemRef");
	attr(w, "ItemOID", oid);
	attr(w, "Mandatory", mandatory ? "Yes" : "No");
	end(w);
}

static void
unit_ref(ecpr_odm_writer *w, const char *oid)
{
	start(w, "MeasurementUnitRef");
	attr(w, "MeasurementUnitOID", oid);
	end(w);
}

/* An ItemDef; unit "": every unit of the observations. */
static void
item_def(ecpr_odm_writer *w, const char *name, const char *type,
    const char *description, const char *unit, const char *codelist)
{
	char oid[64];
	const char *u;
	size_t i;

	ecpr__odm_oid(oid, sizeof(oid), "I.", name);
	start(w, "ItemDef");
	attr(w, "OID", oid);
	attr(w, "Name", name);
	attr(w, "DataType", type);
	if (description != NULL)
		translated(w, "Description", description);
	if (unit != NULL && *unit != '\0')
		unit_ref(w, unit);
	for (i = 0; unit != NULL && *unit == '\0' &&
	    (u = ecpr__odm_unit_code(i)) != NULL; i++) {
		ecpr__odm_unit_oid(oid, sizeof(oid), u);
		unit_ref(w, oid);
	}
	if (codelist != NULL) {
		start(w, "CodeListRef");
		attr(w, "CodeListOID", codelist);
		end(w);
	}
	end(w);
}

static void
unit(ecpr_odm_writer *w, const char *oid, const char *name)
{
	start(w, "MeasurementUnit");
	attr(w, "OID", oid);
	attr(w, "Name", name);
	translated(w, "Symbol", name);
	end(w);
}

/* ------------------------------------------------------------------ */
/* Metadata                                                             */
/* ------------------------------------------------------------------ */

/* The OIDs of the entries' forms and repeating groups. */
static const char *const entry_form[2] = { "F.OBSERVATIONS",
	"F.COMPLICATIONS" };
static const char *const entry_group[2] = { "IG.OBSERVATION",
	"IG.COMPLICATION" };
static const char *const part_description[2][ECPR_ODM_P_COUNT] = {
	{ "observation (ecpr(7) vocabulary)", "time of the observation",
	    "value as written: a comparator and an exact decimal "
	    "(\">35000\", \"15.0\"), in its MeasurementUnit", NULL, NULL },
	{ "complication (ecpr(7) code list)", "time of the complication",
	    NULL, "whom it is attributed to", "note (free text)" },
};

/* 1 when part of kind is written in this export. */
static int
part_written(const ecpr_odm_writer *w, int kind, int part)
{
	return ecpr_odm_part_item((ecpr_odm_entry_kind)kind,
	    (ecpr_odm_part)part) != NULL && (w->opts.identified ||
	    ecpr__odm_deid_keeps_part((ecpr_odm_entry_kind)kind,
	    (ecpr_odm_part)part));
}

/* A FormDef with its first ItemGroupRef (the element left open). */
static void
form_def(ecpr_odm_writer *w, const char *oid, const char *name,
    const char *group, int mandatory)
{
	start(w, "FormDef");
	attr(w, "OID", oid);
	attr(w, "Name", name);
	attr(w, "Repeating", "No");
	start(w, "ItemGroupRef");
	attr(w, "ItemGroupOID", group);
	attr(w, "Mandatory", mandatory ? "Yes" : "No");
	end(w);
}

/* The forms, groups and items of observations and complications. */
static void
entry_forms(ecpr_odm_writer *w)
{
	int k;

	for (k = 0; k < 2; k++) {
		form_def(w, entry_form[k], k == 0 ? "observations" :
		    "complications", entry_group[k], 0);
		end(w);
	}
}

static void
entry_groups(ecpr_odm_writer *w)
{
	char oid[64];
	int k, p;

	for (k = 0; k < 2; k++) {
		start(w, "ItemGroupDef");
		attr(w, "OID", entry_group[k]);
		attr(w, "Name", k == 0 ? "observation" : "complication");
		attr(w, "Repeating", "Yes");
		for (p = 0; p < ECPR_ODM_P_COUNT; p++) {
			if (!part_written(w, k, p))
				continue;
			ecpr__odm_oid(oid, sizeof(oid), "I.", ecpr_odm_part_item(
			    (ecpr_odm_entry_kind)k, (ecpr_odm_part)p));
			item_ref(w, oid, ecpr__odm_part_mandatory(
			    (ecpr_odm_entry_kind)k, (ecpr_odm_part)p));
		}
		end(w);
	}
}

static void
entry_items(ecpr_odm_writer *w)
{
	struct ecpr__odm_itemdef d;
	int k, p;

	for (k = 0; k < 2; k++)
		for (p = 0; p < ECPR_ODM_P_COUNT; p++) {
			if (!part_written(w, k, p))
				continue;
			ecpr__odm_part_def((ecpr_odm_entry_kind)k,
			    (ecpr_odm_part)p, &d);
			item_def(w, ecpr_odm_part_item((ecpr_odm_entry_kind)k,
			    (ecpr_odm_part)p), d.type, part_description[k][p],
			    p == ECPR_ODM_P_VALUE ? "" : NULL,
			    d.codelist != NULL ? d.codelist->oid : NULL);
		}
}

static void
write_metadata(ecpr_odm_writer *w)
{
	char oid[64], defs[64];
	const char *u;
	size_t i, c;
	int k, t;

	start(w, "Study");
	attr(w, "OID", ECPR_ODM_STUDY_OID);
	start(w, "GlobalVariables");
	text_el(w, "StudyName", "ECPR registry");
	text_el(w, "StudyDescription", "Extracorporeal cardiopulmonary "
	    "resuscitation episodes (ecprkit)");
	text_el(w, "ProtocolName", "ECPR");
	end(w);
	start(w, "BasicDefinitions");
	unit(w, "MU.YEARS", "years");
	unit(w, "MU.KG_M2", "kg/m2");
	/* the units of observations: named by their UCUM code */
	for (i = 0; (u = ecpr__odm_unit_code(i)) != NULL; i++) {
		ecpr__odm_unit_oid(oid, sizeof(oid), u);
		unit(w, oid, u);
	}
	end(w);
	start(w, "MetaDataVersion");
	attr(w, "OID", ECPR_ODM_MDV_OID);
	attr(w, "Name", "ECPR registry metadata 1");
	/* the definitions the exported values follow */
	snprintf(defs, sizeof(defs), "ECPR definitions %s",
	    ecpr_defs_version());
	attr(w, "Description", defs);
	start(w, "Protocol");
	start(w, "StudyEventRef");
	attr(w, "StudyEventOID", "SE.EPISODE");
	attr(w, "Mandatory", "Yes");
	end(w);
	end(w);
	start(w, "StudyEventDef");
	attr(w, "OID", "SE.EPISODE");
	attr(w, "Name", "ECPR episode");
	attr(w, "Repeating", "Yes");
	attr(w, "Type", "Unscheduled");
	start(w, "FormRef");
	attr(w, "FormOID", "F.ATTRIBUTES");
	attr(w, "Mandatory", "Yes");
	end(w);
	start(w, "FormRef");
	attr(w, "FormOID", "F.EVENTS");
	attr(w, "Mandatory", "No");
	end(w);
	for (k = 0; k < 2; k++) {
		start(w, "FormRef");
		attr(w, "FormOID", entry_form[k]);
		attr(w, "Mandatory", "No");
		end(w);
	}
	end(w);
	/* forms */
	form_def(w, "F.ATTRIBUTES", "attributes", "IG.ATTRIBUTES", 1);
	end(w);
	form_def(w, "F.EVENTS", "events", "IG.EVENTS", 0);
	for (k = 0; k < ECPR_SEG_COUNT; k++) {
		ecpr__odm_oid(oid, sizeof(oid), "IG.SEG.",
		    ecpr__segments[k].name);
		start(w, "ItemGroupRef");
		attr(w, "ItemGroupOID", oid);
		attr(w, "Mandatory", "No");
		end(w);
	}
	for (t = 0; t < ECPR_EV_COUNT; t++) {
		if (!ecpr__odm_has_rep_group((ecpr_event_type)t))
			continue;
		ecpr__odm_oid(oid, sizeof(oid), "IG.REP.",
		    ecpr_event_name((ecpr_event_type)t));
		start(w, "ItemGroupRef");
		attr(w, "ItemGroupOID", oid);
		attr(w, "Mandatory", "No");
		end(w);
	}
	end(w);
	entry_forms(w);
	/* item groups */
	start(w, "ItemGroupDef");
	attr(w, "OID", "IG.ATTRIBUTES");
	attr(w, "Name", "attributes");
	attr(w, "Repeating", "No");
	item_ref(w, "I.SITE", 1);
	for (i = 0; i < ECPR_AT_COUNT; i++) {
		if (!w->opts.identified &&
		    !ecpr__odm_deid_keeps_attr((ecpr_attr_id)i))
			continue;
		ecpr__odm_oid(oid, sizeof(oid), "I.",
		    ecpr_attr_name((ecpr_attr_id)i));
		item_ref(w, oid, 0);
	}
	end(w);
	start(w, "ItemGroupDef");
	attr(w, "OID", "IG.EVENTS");
	attr(w, "Name", "events");
	attr(w, "Repeating", "No");
	for (t = 0; t < ECPR_EV_COUNT; t++) {
		if (ecpr_event_repeatable((ecpr_event_type)t))
			continue;
		ecpr__odm_oid(oid, sizeof(oid), "I.",
		    ecpr_event_name((ecpr_event_type)t));
		item_ref(w, oid, 0);
	}
	end(w);
	for (k = 0; k < ECPR_SEG_COUNT; k++) {
		ecpr__odm_oid(oid, sizeof(oid), "IG.SEG.",
		    ecpr__segments[k].name);
		start(w, "ItemGroupDef");
		attr(w, "OID", oid);
		attr(w, "Name", ecpr_event_name(ecpr__segments[k].start));
		attr(w, "Repeating", "Yes");
		ecpr__odm_oid(oid, sizeof(oid), "I.",
		    ecpr_event_name(ecpr__segments[k].start));
		item_ref(w, oid, 0);
		ecpr__odm_oid(oid, sizeof(oid), "I.",
		    ecpr_event_name(ecpr__segments[k].stop));
		item_ref(w, oid, 0);
		end(w);
	}
	for (t = 0; t < ECPR_EV_COUNT; t++) {
		const char *n = ecpr_event_name((ecpr_event_type)t);

		if (!ecpr__odm_has_rep_group((ecpr_event_type)t))
			continue;
		ecpr__odm_oid(oid, sizeof(oid), "IG.REP.", n);
		start(w, "ItemGroupDef");
		attr(w, "OID", oid);
		attr(w, "Name", n);
		attr(w, "Repeating", "Yes");
		ecpr__odm_oid(oid, sizeof(oid), "I.", n);
		item_ref(w, oid, 0);
		end(w);
	}
	entry_groups(w);
	/* items */
	item_def(w, "site", "text", "registry site", NULL, NULL);
	for (i = 0; i < ECPR_AT_COUNT; i++) {
		ecpr_attr_id id = (ecpr_attr_id)i;
		struct ecpr__odm_itemdef d;

		if (!w->opts.identified && !ecpr__odm_deid_keeps_attr(id))
			continue;
		ecpr__odm_attr_def(id, w->opts.identified, &d);
		item_def(w, ecpr_attr_name(id), d.type, NULL, d.unit,
		    d.codelist != NULL ? d.codelist->oid : NULL);
	}
	for (t = 0; t < ECPR_EV_COUNT; t++)
		item_def(w, ecpr_event_name((ecpr_event_type)t),
		    "partialDatetime", NULL, NULL, NULL);
	entry_items(w);
	for (c = 0; c < ECPR__ODM_NCODELISTS; c++) {
		const struct ecpr__odm_codelist *cl = &ecpr__odm_codelists[c];

		start(w, "CodeList");
		attr(w, "OID", cl->oid);
		attr(w, "Name", ecpr__odm_codelist_name(cl));
		attr(w, "DataType", cl->type);
		for (i = 0; (u = ecpr__odm_code(cl, i)) != NULL; i++) {
			start(w, "CodeListItem");
			attr(w, "CodedValue", u);
			translated(w, "Decode", u);
			end(w);
		}
		end(w);
	}
	end(w); /* MetaDataVersion */
	end(w); /* Study */
}

/* AdminData: the users and sites that audit records refer to. */
static void
write_admin(ecpr_odm_writer *w, const char *now)
{
	char date[16];
	size_t i;

	snprintf(date, sizeof(date), "%.10s", now);
	start(w, "AdminData");
	attr(w, "StudyOID", ECPR_ODM_STUDY_OID);
	for (i = 0; i < w->opts.nusers; i++) {
		start(w, "User");
		ref_attr(w, "OID", "USR.", w->opts.users[i]);
		text_el(w, "LoginName", w->opts.users[i]);
		end(w);
	}
	for (i = 0; i < w->opts.nlocations; i++) {
		start(w, "Location");
		ref_attr(w, "OID", "LOC.", w->opts.locations[i]);
		attr(w, "Name", w->opts.locations[i]);
		attr(w, "LocationType", "Site");
		start(w, "MetaDataVersionRef");
		attr(w, "StudyOID", ECPR_ODM_STUDY_OID);
		attr(w, "MetaDataVersionOID", ECPR_ODM_MDV_OID);
		attr(w, "EffectiveDate", date);
		end(w);
		end(w);
	}
	end(w);
}

int
ecpr_odm_writer_new(ecpr_odm_writer **out, FILE *fp,
    const ecpr_odm_export_opts *opts, ecpr_error *err)
{
	ecpr_odm_writer *w;
	char now[32];
	time_t tt;
	struct tm tm;
	size_t i;

	*out = NULL;
	if (opts == NULL || (!opts->identified &&
	    (opts->key == NULL || opts->keylen < ECPR_ODM_KEY_MIN)))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "a de-identified export needs a site key of at least %d "
		    "bytes", ECPR_ODM_KEY_MIN);
	if (!opts->identified && (opts->audit != NULL || opts->nusers > 0 ||
	    opts->nlocations > 0))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "an audit trail holds original values: it needs an "
		    "identified export");
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	w->opts = *opts;
	for (i = 0; i < ECPR_EV_COUNT; i++) {
		ecpr__odm_oid(w->ev_oid[i], sizeof(w->ev_oid[i]), "I.",
		    ecpr_event_name((ecpr_event_type)i));
		ecpr__odm_oid(w->rep_oid[i], sizeof(w->rep_oid[i]), "IG.REP.",
		    ecpr_event_name((ecpr_event_type)i));
	}
	for (i = 0; i < ECPR_AT_COUNT; i++)
		ecpr__odm_oid(w->at_oid[i], sizeof(w->at_oid[i]), "I.",
		    ecpr_attr_name((ecpr_attr_id)i));
	for (i = 0; i < ECPR_SEG_COUNT; i++)
		ecpr__odm_oid(w->seg_oid[i], sizeof(w->seg_oid[i]), "IG.SEG.",
		    ecpr__segments[i].name);
	w->out.fp = fp;
	if (opts->creation_time != NULL)
		snprintf(now, sizeof(now), "%s", opts->creation_time);
	else {
		tt = time(NULL);
		gmtime_r(&tt, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	}
	puts_(&w->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	start(w, "ODM");
	attr(w, "xmlns", ECPR_ODM_NS);
	attr(w, "FileType", "Snapshot");
	attr(w, "FileOID", "ecprkit.export");
	attr(w, "CreationDateTime", now);
	attr(w, "ODMVersion", "1.3.2");
	attr(w, "Granularity", "All");
	attr(w, "SourceSystem", "ecprkit");
	attr(w, "SourceSystemVersion", ECPR_VERSION_STRING);
	write_metadata(w);
	if (opts->nusers > 0 || opts->nlocations > 0)
		write_admin(w, now);
	start(w, "ClinicalData");
	attr(w, "StudyOID", ECPR_ODM_STUDY_OID);
	attr(w, "MetaDataVersionOID", ECPR_ODM_MDV_OID);
	*out = w;
	if (w->failed)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write the ODM file");
	return ECPR_OK;
}

static char *
two(char *p, int v)
{
	*p++ = (char)('0' + v / 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

void
ecpr__odm_time_format(const ecpr_time *tm, char buf[64])
{
	int64_t local, days, secs, y;
	int m, d;
	int32_t o;
	char *p = buf;

	if (tm->prec < ECPR_PREC_YEAR || tm->prec > ECPR_PREC_SECOND ||
	    tm->t <= -(INT64_C(1) << 50) || tm->t >= INT64_C(1) << 50 ||
	    tm->offset <= -100 * 3600 || tm->offset >= 100 * 3600) {
		ecpr_time_format(tm, buf, 64);
		return;
	}
	local = tm->t + tm->offset;
	days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	secs = local - days * 86400;
	ecpr__civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		ecpr_time_format(tm, buf, 64);
		return;
	}
	p = two(p, (int)(y / 100));
	p = two(p, (int)(y % 100));
	if (tm->prec >= ECPR_PREC_MONTH) {
		*p++ = '-';
		p = two(p, m);
	}
	if (tm->prec >= ECPR_PREC_DAY) {
		*p++ = '-';
		p = two(p, d);
	}
	if (tm->prec >= ECPR_PREC_MINUTE) {
		*p++ = 'T';
		p = two(p, (int)(secs / 3600));
		*p++ = ':';
		p = two(p, (int)(secs / 60 % 60));
		if (tm->prec == ECPR_PREC_SECOND) {
			*p++ = ':';
			p = two(p, (int)(secs % 60));
		}
		o = tm->offset < 0 ? -tm->offset : tm->offset;
		if (tm->offset == 0)
			*p++ = 'Z';
		else {
			*p++ = tm->offset < 0 ? '-' : '+';
			p = two(p, (int)(o / 3600));
			*p++ = ':';
			p = two(p, (int)(o / 60 % 60));
			if (o % 60 != 0) {
				*p++ = ':';
				p = two(p, (int)(o % 60));
			}
		}
	}
	*p = '\0';
}

static void
time_item(ecpr_odm_writer *w, const ecpr_episode *ep, const ecpr_event *ev,
    int64_t shift)
{
	char val[64];
	ecpr_time t = ecpr_time_shift(&ev->time, shift);

	ecpr__odm_time_format(&t, val);
	item_data(w, w->ev_oid[ev->type], val, ep, -1, ev);
}

static void
group(ecpr_odm_writer *w, const char *oid, const char *repeat)
{
	start(w, "ItemGroupData");
	attr(w, "ItemGroupOID", oid);
	if (repeat != NULL)
		attr(w, "ItemGroupRepeatKey", repeat);
}

/* Close the open SubjectData and open one for ep's subject. */
static int
open_subject(ecpr_odm_writer *w, const ecpr_episode *ep, int64_t shift,
    ecpr_error *err)
{
	const char *site = ecpr_episode_site(ep);
	const char *subject = ecpr_episode_subject(ep);
	char key[ECPR_ODM_PSEUDONYM_LEN];

	if (w->site != NULL)
		end(w);
	free(w->site);
	free(w->subject);
	w->site = strdup(site);
	w->subject = strdup(subject);
	w->shift = shift;
	if (w->site == NULL || w->subject == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	start(w, "SubjectData");
	if (w->opts.identified)
		attr(w, "SubjectKey", subject);
	else {
		ecpr_odm_pseudonym(key, w->opts.key, w->opts.keylen,
		    site, subject);
		attr(w, "SubjectKey", key);
	}
	return ECPR_OK;
}

static int
same_subject(const ecpr_odm_writer *w, const ecpr_episode *ep)
{
	return w->site != NULL && strcmp(w->site, ecpr_episode_site(ep)) ==
	    0 && strcmp(w->subject, ecpr_episode_subject(ep)) == 0;
}

static int write_episode(ecpr_odm_writer *w, const ecpr_episode *ep,
    ecpr_error *err);

int
ecpr_odm_writer_add_subject(ecpr_odm_writer *w,
    const ecpr_episode *const *eps, size_t n, ecpr_error *err)
{
	int64_t shift = 0;
	size_t i;
	int rc;

	if (w->failed)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write the ODM file");
	if (w->audits)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "episodes given after the AuditRecords");
	if (n == 0)
		return ECPR_OK;
	for (i = 1; i < n; i++)
		if (strcmp(ecpr_episode_site(eps[i]),
		    ecpr_episode_site(eps[0])) != 0 ||
		    strcmp(ecpr_episode_subject(eps[i]),
		    ecpr_episode_subject(eps[0])) != 0)
			return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
			    "episodes of different subjects given together");
	if (!w->opts.identified && (rc = ecpr_odm_subject_shift(&shift,
	    w->opts.key, w->opts.keylen, eps, n, err)) != ECPR_OK)
		return rc;
	if ((rc = open_subject(w, eps[0], shift, err)) != ECPR_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = write_episode(w, eps[i], err)) != ECPR_OK)
			return rc;
	return ECPR_OK;
}

int
ecpr_odm_writer_add(ecpr_odm_writer *w, const ecpr_episode *ep,
    ecpr_error *err)
{
	if (w->failed)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write the ODM file");
	if (!same_subject(w, ep))
		return ecpr_odm_writer_add_subject(w, &ep, 1, err);
	if (!w->opts.identified && !ecpr_odm_shift_fits(ep, w->shift))
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
		    "subject \"%s\", episode %ld: the date shift of the "
		    "subject's earlier episodes does not keep its values known "
		    "only to the month or year; give the episodes of a subject "
		    "together", ecpr_episode_subject(ep),
		    ecpr_episode_number(ep));
	return write_episode(w, ep, err);
}

/* An ItemData of an observation or a complication (no audit record:
 * the audit callback knows attributes and events only). */
static void
entry_item(ecpr_odm_writer *w, int kind, int part, const char *value,
    const char *unit_code)
{
	char oid[64];

	ecpr__odm_oid(oid, sizeof(oid), "I.", ecpr_odm_part_item(
	    (ecpr_odm_entry_kind)kind, (ecpr_odm_part)part));
	start(w, "ItemData");
	attr(w, "ItemOID", oid);
	attr(w, "Value", value);
	if (unit_code != NULL) {
		/* ODM 1.3.2: a MeasurementUnitRef inside ItemData (the
		 * attribute MeasurementUnitOID is the typed ItemData*'s) */
		ecpr__odm_unit_oid(oid, sizeof(oid), unit_code);
		unit_ref(w, oid);
	}
	end(w);
}

/* The observations of ep: a repeat of IG.OBSERVATION each, the value as
 * its contract text (">35000", "15.0") in its unit as written. */
static void
write_observations(ecpr_odm_writer *w, const ecpr_episode *ep, int64_t shift)
{
	size_t i, n = ecpr_episode_observation_count(ep);
	char num[24], val[64];

	if (n == 0)
		return;
	start(w, "FormData");
	attr(w, "FormOID", "F.OBSERVATIONS");
	for (i = 0; i < n; i++) {
		const ecpr_observation *o = ecpr_episode_observation(ep, i);
		ecpr_time t = ecpr_time_shift(&o->time, shift);

		group(w, "IG.OBSERVATION", decimal(num, i + 1));
		entry_item(w, ECPR_ODM_OBSERVATION, ECPR_ODM_P_CODE,
		    ecpr_obs_name(o->type), NULL);
		ecpr__odm_time_format(&t, val);
		entry_item(w, ECPR_ODM_OBSERVATION, ECPR_ODM_P_TIME, val, NULL);
		ecpr_value_format(&o->value, 0, val, sizeof(val));
		entry_item(w, ECPR_ODM_OBSERVATION, ECPR_ODM_P_VALUE, val,
		    o->unit);
		end(w);
	}
	end(w);
}

/* The complications of ep: a repeat of IG.COMPLICATION each; the note
 * (free text) only in an identified export. */
static void
write_complications(ecpr_odm_writer *w, const ecpr_episode *ep,
    int64_t shift)
{
	size_t i, n = ecpr_episode_complication_count(ep);
	char num[24], val[64];

	if (n == 0)
		return;
	start(w, "FormData");
	attr(w, "FormOID", "F.COMPLICATIONS");
	for (i = 0; i < n; i++) {
		const ecpr_complication *c = ecpr_episode_complication(ep, i);

		group(w, "IG.COMPLICATION", decimal(num, i + 1));
		entry_item(w, ECPR_ODM_COMPLICATION, ECPR_ODM_P_CODE,
		    ecpr_complication_name(c->code), NULL);
		if (c->time.prec != ECPR_PREC_NONE) {
			ecpr_time t = ecpr_time_shift(&c->time, shift);

			ecpr__odm_time_format(&t, val);
			entry_item(w, ECPR_ODM_COMPLICATION, ECPR_ODM_P_TIME,
			    val, NULL);
		}
		entry_item(w, ECPR_ODM_COMPLICATION, ECPR_ODM_P_ATTRIBUTION,
		    ecpr_attribution_name(c->by), NULL);
		if (c->note != NULL && *c->note != '\0' &&
		    part_written(w, ECPR_ODM_COMPLICATION, ECPR_ODM_P_NOTE))
			entry_item(w, ECPR_ODM_COMPLICATION, ECPR_ODM_P_NOTE,
			    c->note, NULL);
		end(w);
	}
	end(w);
}

static int
write_episode(ecpr_odm_writer *w, const ecpr_episode *ep, ecpr_error *err)
{
	const char *site = ecpr_episode_site(ep);
	char val[64], num[24];
	const ecpr_event *ev;
	int64_t shift = w->shift;
	size_t i, n;
	int k, t;

	start(w, "StudyEventData");
	attr(w, "StudyEventOID", "SE.EPISODE");
	attr(w, "StudyEventRepeatKey", decimal(num,
	    (unsigned long long)ecpr_episode_number(ep)));
	/* attributes */
	start(w, "FormData");
	attr(w, "FormOID", "F.ATTRIBUTES");
	group(w, "IG.ATTRIBUTES", NULL);
	start(w, "ItemData");
	attr(w, "ItemOID", "I.SITE");
	attr(w, "Value", site);
	end(w);
	for (i = 0; i < ECPR_AT_COUNT; i++) {
		const char *v = ecpr_episode_attr(ep, (ecpr_attr_id)i);

		if (v == NULL || (!w->opts.identified &&
		    !ecpr__odm_deid_keeps_attr((ecpr_attr_id)i)))
			continue;
		if (i == ECPR_AT_AGE_YEARS && !w->opts.identified) {
			ecpr_odm_age_text(val, sizeof(val), v);
			v = val;
		}
		item_data(w, w->at_oid[i], v, ep, (int)i, NULL);
	}
	end(w);
	end(w);
	/* events */
	start(w, "FormData");
	attr(w, "FormOID", "F.EVENTS");
	group(w, "IG.EVENTS", NULL);
	for (t = 0; t < ECPR_EV_COUNT; t++) {
		if (ecpr_event_repeatable((ecpr_event_type)t))
			continue;
		if ((ev = ecpr_episode_first(ep, (ecpr_event_type)t)) != NULL)
			time_item(w, ep, ev, shift);
	}
	end(w);
	for (k = 0; k < ECPR_SEG_COUNT; k++) {
		n = ecpr_episode_segment_count(ep, (ecpr_segment_kind)k);
		for (i = 0; i < n; i++) {
			ecpr_segment sg = ecpr_episode_segment(ep,
			    (ecpr_segment_kind)k, i);

			group(w, w->seg_oid[k], decimal(num, i + 1));
			if (sg.start != NULL)
				time_item(w, ep, sg.start, shift);
			if (sg.stop != NULL)
				time_item(w, ep, sg.stop, shift);
			end(w);
		}
	}
	for (t = 0; t < ECPR_EV_COUNT; t++) {
		size_t r = 0;

		if (!ecpr__odm_has_rep_group((ecpr_event_type)t))
			continue;
		n = ecpr_episode_event_count(ep);
		for (i = 0; i < n; i++) {
			ev = ecpr_episode_event(ep, i);
			if (ev->type != (ecpr_event_type)t)
				continue;
			group(w, w->rep_oid[t], decimal(num, ++r));
			time_item(w, ep, ev, shift);
			end(w);
		}
	}
	end(w); /* FormData */
	write_observations(w, ep, shift);
	write_complications(w, ep, shift);
	end(w); /* StudyEventData */
	if (w->failed)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write the ODM file");
	return ECPR_OK;
}

int
ecpr_odm_writer_audit_record(ecpr_odm_writer *w, const ecpr_odm_audit *rec,
    ecpr_error *err)
{
	if (!w->opts.identified)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "an audit trail holds original values: it needs an "
		    "identified export");
	if (rec->id == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "an AuditRecord of AuditRecords needs an ID");
	if (w->site != NULL) {
		end(w); /* SubjectData */
		free(w->site);
		free(w->subject);
		w->site = w->subject = NULL;
	}
	if (!w->audits) {
		start(w, "AuditRecords");
		w->audits = 1;
	}
	audit_record(w, rec);
	if (w->failed)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write the ODM file");
	return ECPR_OK;
}

int
ecpr_odm_writer_finish(ecpr_odm_writer *w, ecpr_error *err)
{
	if (w->site != NULL)
		end(w);
	if (w->audits)
		end(w);
	end(w); /* ClinicalData */
	while (w->depth > 0 && end(w) == 0)
		;
	if (ecpr__odm_out_flush(&w->out) != 0)
		w->failed = 1;
	if (w->failed)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write the ODM file");
	return ECPR_OK;
}

void
ecpr_odm_writer_free(ecpr_odm_writer *w)
{
	if (w == NULL)
		return;
	free(w->site);
	free(w->subject);
	free(w);
}
