/*
 * odm_read.c - streaming reader of ODM 1.3.x ClinicalData: one callback
 * per ItemData with OIDs resolved to names.
 *
 * libxml2's SAX2 push parser is fed by the byte scanner (odm_xml.c) and
 * builds no tree: element and attribute names are compared by their
 * address in the parser's dictionary, attribute values are read where the
 * parser holds them, and the text a value needs (a typed ItemData's, a
 * <Value> child's, a Decode's) is gathered while its element is open.
 * What it reads is what the xmlTextReader it replaced read: an ItemData
 * with a value attribute and no children gives its row at its start tag,
 * one with children at its end tag.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#include "internal.h"
#include "odm_internal.h"

#define XC(x) ((const xmlChar *)(x))

enum level { L_SUBJECT, L_EVENT, L_FORM, L_GROUP, L_ITEM, L_COUNT };

/* The attributes an ItemData is read for, in struct open_el's str[]. */
enum { A_OID, A_VALUE, A_ISNULL, A_TX, A_UNIT, A_COUNT };

/* An element whose row or text is read at its end tag. */
struct open_el {
	int depth;          /* its depth (the root: 1) */
	int decode;         /* a TranslatedText of a CodeListItem */
	int typed;          /* ItemDataString ...: the value is the text */
	int child;          /* it has a child node */
	int text;           /* non-blank text directly inside */
	int nvalue;         /* <Value> children */
	int in_value;       /* the first <Value> is open */
	int unit_seen;      /* a MeasurementUnitRef child was seen */
	unsigned long line; /* line of the start tag */
	size_t mark;        /* strs when it opened */
	size_t str[A_COUNT]; /* offsets in strs + 1, 0: none */
	size_t text0;       /* its text: chars from text0 */
	size_t v0, v1;      /* the first <Value>'s text: chars v0 to v1 */
	xmlChar *key[3];    /* decode: scope, CodeList, coded value */
};

struct rd {
	const char *path;
	ecpr_error *err;
	xmlParserCtxtPtr pc;
	struct ecpr__odm_scan *scan;
	ecpr_odm_row_cb cb;
	void *ctx;
	size_t *nrows;
	int rc;         /* the first error of ours or of cb */
	int failed;     /* libxml2 reported an error (in err) */
	unsigned long err_line;
	int depth;      /* elements open */
	size_t run;     /* length of the text read since the last node */
	int empty_end;  /* the next end tag is that of an empty element */
	xmlHashTablePtr names; /* (study, mdv, oid) -> name */
	xmlHashTablePtr any;   /* oid -> first name seen */
	xmlHashTablePtr clref; /* (scope, item oid) -> CodeList OID */
	xmlHashTablePtr decode; /* (scope, CodeList OID, coded) -> Decode */
	xmlChar *scope, *cd_scope; /* study US mdv of the metadata, data */
	xmlChar *cur_item;     /* ItemDef being read */
	xmlChar *cur_cl;       /* CodeList being read */
	xmlChar *cur_coded;    /* CodeListItem being read */
	xmlChar *study, *mdv;       /* metadata being read */
	xmlChar *cd_study, *cd_mdv; /* ClinicalData being read */
	int own_study;         /* cd_study is ECPR_ODM_STUDY_OID */
	xmlChar *subject;
	/* the OID, repeat key and TransactionType of each level: NULL, or
	 * in kept[level][K_...], buffers of their own reused from one
	 * element to the next (no allocation an element) */
	xmlChar *oid[L_COUNT];
	xmlChar *repeat[L_COUNT];
	xmlChar *tx[L_COUNT];
	struct kept {
		xmlChar *buf;
		size_t cap;
	} kept[L_COUNT][3];
	const char *name[L_COUNT]; /* resolved names of oid[] */
	/* the start tag being read */
	const xmlChar **attrs;
	int nattrs;
	int empty;
	unsigned long line;
	/* elements read at their end, innermost last */
	struct open_el open[ECPR_ODM_MAX_DEPTH];
	int nopen;
	char *strs;  /* their attribute values, NUL-terminated */
	size_t slen, scap;
	char *text;  /* text inside them */
	size_t tlen, tcap;
	/* what an OID names in the data's study and version: the hash
	 * look-ups of three keys made once an OID, not once a row */
	struct oid_info {
		size_t len;          /* 0: an empty slot */
		char oid[48];
		const char *name;    /* NULL: the OID names itself */
		const xmlChar *cl;   /* its CodeList, or NULL */
	} cache[256];
	size_t ncache;             /* slots of cache[] used */
	/* what a coded value of a CodeList decodes to (NULL: nothing): the
	 * hash look-up of its three keys made once a value */
	struct decode_info {
		size_t len;          /* 0: an empty slot */
		const xmlChar *cl;   /* the CodeList OID (a key's address) */
		char value[24];
		const xmlChar *decode;
	} dcache[256];
	/* names interned in the parser's dictionary: compared by address */
	const xmlChar *ns, *item_data, *value, *item_oid, *is_null,
	    *transaction, *mu_oid, *mu_ref, *subject_data, *event_data,
	    *form_data, *group_data;
	/* the attributes of each level: OID, repeat key (K_OID, K_REPEAT) */
	const xmlChar *level_attr[L_COUNT][2];
};

enum { K_OID, K_REPEAT, K_TX };

static void
set(xmlChar **slot, xmlChar *value)
{
	xmlFree(*slot);
	*slot = value;
}

static void
clear_from(struct rd *r, enum level l)
{
	int i;

	for (i = l; i < L_COUNT; i++) {
		r->oid[i] = r->repeat[i] = r->tx[i] = NULL;
		r->name[i] = "";
	}
}

static void
free_name(void *payload, const xmlChar *name)
{
	(void)name;
	xmlFree(payload);
}

static const char *
s(const xmlChar *x)
{
	return x != NULL ? (const char *)x : "";
}

/* Stop the parse with rc (the first error wins); rc. */
static int
stop(struct rd *r, int rc)
{
	if (rc != 0 && r->rc == 0) {
		r->rc = rc;
		xmlStopParser(r->pc);
	}
	return rc;
}

static int
oom(struct rd *r)
{
	return stop(r, ecpr__error_set(r->err, ECPR_ENOMEM, r->path, 0,
	    "out of memory"));
}

/* Room for n more bytes in *buf (len used, *cap allocated). */
static int
room(char **buf, size_t *cap, size_t len, size_t n)
{
	size_t c = *cap != 0 ? *cap : 4096;
	char *p;

	if (len + n <= *cap)
		return 0;
	while (c < len + n)
		c *= 2;
	if ((p = realloc(*buf, c)) == NULL)
		return -1;
	*buf = p;
	*cap = c;
	return 0;
}

/* The unprefixed attribute name of the start tag being read: its value
 * and length, or NULL.  name is in the parser's dictionary (compared by
 * address, as the parser's attribute names are), or not (interned 0). */
static const xmlChar *
attr_raw(const struct rd *r, const xmlChar *name, int interned,
    size_t *len)
{
	int i;

	for (i = 0; i < r->nattrs; i++) {
		const xmlChar **a = r->attrs + 5 * i;

		if (a[1] == NULL && (a[0] == name || (!interned &&
		    xmlStrEqual(a[0], name)))) {
			*len = (size_t)(a[4] - a[3]);
			return a[3];
		}
	}
	return NULL;
}

/*
 * A value as the tree would hold it: the parser leaves "&#38;" for each
 * '&' in an attribute value when it does not substitute entities
 * (xmlSAX2AttributeNs decodes it); decoded so here.  A copy the caller
 * frees, or NULL (out of memory).
 */
static xmlChar *
attr_decoded(struct rd *r, const xmlChar *v, size_t len)
{
	if (memchr(v, '&', len) == NULL)
		return xmlStrndup(v, (int)len);
	return xmlStringLenDecodeEntities(r->pc, v, (int)len,
	    XML_SUBSTITUTE_REF, 0, 0, 0);
}

/* The attribute value v (*len bytes, may be NULL) decoded: v itself, or
 * *dec, a copy to free (a value with a reference; then *len is its
 * length); NULL when v is, or out of memory (then r->rc set). */
static const xmlChar *
value_decoded(struct rd *r, const xmlChar *v, size_t *len, xmlChar **dec)
{
	*dec = NULL;
	if (v == NULL || memchr(v, '&', *len) == NULL)
		return v;
	if ((*dec = attr_decoded(r, v, *len)) == NULL) {
		oom(r);
		return NULL;
	}
	*len = strlen((const char *)*dec);
	return *dec;
}

/* xmlTextReaderGetAttribute: a copy of the unprefixed attribute or NULL. */
static xmlChar *
get_attr(struct rd *r, const char *name)
{
	const xmlChar *v;
	xmlChar *c;
	size_t len;

	if ((v = attr_raw(r, XC(name), 0, &len)) == NULL)
		return NULL;
	if ((c = attr_decoded(r, v, len)) == NULL)
		oom(r);
	return c;
}

/* A copy of attribute value v (len bytes, may be NULL), decoded, in
 * strs: its offset + 1, 0 when v is NULL (or on error, then r->rc set). */
static size_t
keep_value(struct rd *r, const xmlChar *v, size_t len)
{
	xmlChar *d;
	size_t off;

	if ((v = value_decoded(r, v, &len, &d)) == NULL)
		return 0;
	if (room(&r->strs, &r->scap, r->slen, len + 1) != 0) {
		xmlFree(d);
		oom(r);
		return 0;
	}
	off = r->slen;
	memcpy(r->strs + off, v, len);
	r->strs[off + len] = '\0';
	r->slen += len + 1;
	xmlFree(d);
	return off + 1;
}

/* The value v (len bytes, may be NULL: none) of an attribute of the
 * start tag of level l as its k-th value (K_OID ...), decoded. */
static void
keep_level_value(struct rd *r, enum level l, int k, const xmlChar *v,
    size_t len)
{
	xmlChar **slot = k == K_OID ? &r->oid[l] : k == K_REPEAT ?
	    &r->repeat[l] : &r->tx[l];
	struct kept *kp = &r->kept[l][k];
	xmlChar *d, *b;

	*slot = NULL;
	if ((v = value_decoded(r, v, &len, &d)) == NULL)
		return;
	if (len + 1 > kp->cap) {
		if ((b = realloc(kp->buf, len + 1)) == NULL) {
			xmlFree(d);
			oom(r);
			return;
		}
		kp->buf = b;
		kp->cap = len + 1;
	}
	memcpy(kp->buf, v, len);
	kp->buf[len] = '\0';
	*slot = kp->buf;
	xmlFree(d);
}

/* The attribute (name interned) of the start tag of level l as its
 * k-th value (K_OID ...), or none. */
static void
keep_level(struct rd *r, enum level l, int k, const xmlChar *name)
{
	size_t len = 0;
	const xmlChar *v = attr_raw(r, name, 1, &len);

	keep_level_value(r, l, k, v, len);
}

/* keep_value() of the attribute (name interned), 0 when absent. */
static size_t
keep_attr(struct rd *r, const xmlChar *name)
{
	size_t len = 0;
	const xmlChar *v = attr_raw(r, name, 1, &len);

	return keep_value(r, v, len);
}

static const xmlChar *
str_at(const struct rd *r, size_t off)
{
	return off != 0 ? XC(r->strs + off - 1) : NULL;
}

/* The text gathered from off to end as a copy (NULL: out of memory). */
static xmlChar *
text_copy(struct rd *r, size_t from, size_t to)
{
	xmlChar *c = xmlStrndup(XC(r->text + from), (int)(to - from));

	if (c == NULL && to == from)
		c = xmlStrdup(XC(""));
	if (c == NULL)
		oom(r);
	return c;
}

/* What oid names (NULL: the OID itself) by the look-ups. */
static const char *
name_lookup(struct rd *r, const xmlChar *oid)
{
	const xmlChar *n;

	n = xmlHashLookup3(r->names, XC(s(r->cd_study)), XC(s(r->cd_mdv)),
	    oid);
	if (n == NULL)
		n = xmlHashLookup(r->any, oid);
	if (n == NULL && r->own_study)
		/* our own study: its metadata need not be in the file */
		n = XC(ecpr__odm_own_name((const char *)oid));
	return (const char *)n;
}

/* Forget what the OIDs named: the definitions or the data's study or
 * version changed. */
static void
cache_clear(struct rd *r)
{
	size_t i;

	for (i = 0; i < sizeof(r->cache) / sizeof(r->cache[0]); i++)
		r->cache[i].len = 0;
	r->ncache = 0;
	for (i = 0; i < sizeof(r->dcache) / sizeof(r->dcache[0]); i++)
		r->dcache[i].len = 0;
}

uint32_t
ecpr__odm_key_hash(const char *s, size_t *len)
{
	size_t n = strlen(s), i;
	uint64_t a = 0, b = 0, h;
	uint32_t lo, hi;

	/* a: the first 8 bytes (as copied to a zeroed word), from whole
	 * loads only (bytes stored into a and a loaded whole would stall) */
	if (n >= 8) {
		memcpy(&a, s, 8);
		if (n > 8)
			memcpy(&b, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4); /* overlaps lo, the same bytes */
		a = (uint64_t)lo | (uint64_t)hi << (8 * (n - 4));
	} else {
		for (i = 0; i < n; i++)
			a |= (uint64_t)(unsigned char)s[i] << (8 * i);
	}
	h = (a * UINT64_C(0x9e3779b97f4a7c15)) ^
	    (b * UINT64_C(0xc2b2ae3d27d4eb4f)) ^ n;
	*len = n;
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* The name and CodeList of oid, looked up once; NULL for an OID too long
 * to keep. */
static const struct oid_info *
oid_info(struct rd *r, const xmlChar *oid)
{
	const size_t n = sizeof(r->cache) / sizeof(r->cache[0]);
	struct oid_info *c;
	size_t len, k;
	uint32_t h = ecpr__odm_key_hash((const char *)oid, &len);

	if (len == 0 || len >= sizeof(c->oid))
		return NULL;
	/* open addressing: an OID is not pushed out by another of its
	 * slot, as a file's few dozen OIDs would be, back and forth */
	for (k = 0; k < n; k++) {
		c = &r->cache[(h + k) & (n - 1)];
		if (c->len == 0)
			break;
		if (c->len == len && memcmp(c->oid, oid, len) == 0)
			return c;
	}
	if (r->ncache >= n / 2) { /* half full: start again */
		cache_clear(r);
		c = &r->cache[h & (n - 1)];
	}
	r->ncache++;
	c->len = len;
	memcpy(c->oid, oid, len + 1);
	c->name = name_lookup(r, oid);
	c->cl = xmlHashLookup2(r->clref, XC(s(r->cd_scope)), oid);
	return c;
}

/* The Decode of coded value v of CodeList cl in the data's scope, or
 * NULL, looked up once a value (a value too long to keep: each time). */
static const xmlChar *
decode_of(struct rd *r, const xmlChar *cl, const xmlChar *v)
{
	const size_t n = sizeof(r->dcache) / sizeof(r->dcache[0]);
	struct decode_info *c;
	size_t len;
	uint32_t h = ecpr__odm_key_hash((const char *)v, &len);

	if (len == 0 || len >= sizeof(c->value))
		return xmlHashLookup3(r->decode, XC(s(r->cd_scope)), cl, v);
	h ^= (uint32_t)((uintptr_t)cl >> 4) * 0x9e3779b9u;
	c = &r->dcache[(h ^ h >> 16) & (n - 1)];
	if (c->len == len && c->cl == cl && memcmp(c->value, v, len) == 0)
		return c->decode;
	c->len = len;
	c->cl = cl;
	memcpy(c->value, v, len + 1);
	c->decode = xmlHashLookup3(r->decode, XC(s(r->cd_scope)), cl, v);
	return c->decode;
}

static const char *
name_of(struct rd *r, const xmlChar *oid)
{
	const struct oid_info *c;
	const char *n;

	if (oid == NULL)
		return "";
	if ((c = oid_info(r, oid)) != NULL)
		n = c->name;
	else
		n = name_lookup(r, oid);
	return n != NULL ? n : (const char *)oid;
}

static int
add_def(struct rd *r)
{
	xmlChar *oid = get_attr(r, "OID");
	xmlChar *name = get_attr(r, "Name");
	xmlChar *copy;

	if (oid == NULL || name == NULL || *name == '\0') {
		/* no Name, or Name="": the OID names it */
		xmlFree(oid);
		xmlFree(name);
		return r->rc;
	}
	if ((copy = xmlStrdup(name)) == NULL) {
		xmlFree(oid);
		xmlFree(name);
		return oom(r);
	}
	cache_clear(r);
	if (xmlHashAddEntry3(r->names, XC(s(r->study)),
	    XC(s(r->mdv)), oid, name) != 0)
		xmlFree(name);
	if (xmlHashAddEntry(r->any, oid, copy) != 0)
		xmlFree(copy);
	xmlFree(oid);
	return 0;
}

/* "study" US "mdv": the scope of a MetaDataVersion's definitions. */
static xmlChar *
scope_of(const xmlChar *study, const xmlChar *mdv)
{
	xmlChar *sc = xmlStrdup(XC(s(study)));

	sc = xmlStrcat(sc, XC("\x1f"));
	return xmlStrcat(sc, XC(s(mdv)));
}

/* Add value (taken; the first one of a key wins) under key (a, b[, c]). */
static int
add_entry(struct rd *r, xmlHashTablePtr h, const xmlChar *a,
    const xmlChar *b, const xmlChar *c, xmlChar *value)
{
	cache_clear(r);
	if (b == NULL || xmlHashAddEntry3(h, XC(s(a)), b, c, value) != 0)
		xmlFree(value);
	return 0;
}

/* The TransactionType of the innermost level that has one, or "". */
static const char *
inherited_tx(const struct rd *r)
{
	int i;

	for (i = L_GROUP; i >= L_SUBJECT; i--)
		if (r->tx[i] != NULL)
			return (const char *)r->tx[i];
	return "";
}

/* Give cb the row of one ItemData (tx NULL: inherited; unit: its
 * MeasurementUnitOID or NULL). */
static int
emit(struct rd *r, const xmlChar *oid, const xmlChar *value,
    const xmlChar *tx, const xmlChar *unit, unsigned long line)
{
	ecpr_odm_row row;
	int rc;

	memset(&row, 0, sizeof(row));
	row.study_oid = s(r->cd_study);
	row.subject = s(r->subject);
	row.event_oid = s(r->oid[L_EVENT]);
	row.event = r->name[L_EVENT];
	row.event_repeat = s(r->repeat[L_EVENT]);
	row.form_oid = s(r->oid[L_FORM]);
	row.form = r->name[L_FORM];
	row.form_repeat = s(r->repeat[L_FORM]);
	row.item_group_oid = s(r->oid[L_GROUP]);
	row.item_group = r->name[L_GROUP];
	row.group_repeat = s(r->repeat[L_GROUP]);
	row.item_oid = s(oid);
	row.value = s(value);
	row.decode = "";
	row.item = "";
	if (oid != NULL) {
		const struct oid_info *c = oid_info(r, oid);
		const xmlChar *cl, *d;

		if (c != NULL) {
			row.item = c->name != NULL ? c->name :
			    (const char *)oid;
			cl = c->cl;
		} else {
			row.item = name_of(r, oid);
			cl = xmlHashLookup2(r->clref, XC(s(r->cd_scope)), oid);
		}
		if (value != NULL && cl != NULL &&
		    (d = decode_of(r, cl, value)) != NULL)
			row.decode = (const char *)d;
	}
	row.transaction = tx != NULL ? (const char *)tx : inherited_tx(r);
	row.unit = unit != NULL ? name_of(r, unit) : "";
	row.line = line;
	rc = r->cb != NULL ? r->cb(&row, r->ctx) : 0;
	if (rc == 0 && r->nrows != NULL)
		(*r->nrows)++;
	return stop(r, rc);
}

/*
 * An empty element of level l marked Remove (or under a Remove): for an
 * ItemGroupData of our own study each item of the group's definition,
 * removed; else one row with no item (the element is removed whole).
 */
static int
remove_whole(struct rd *r, enum level l)
{
	char oids[ECPR_AT_COUNT + ECPR_EV_COUNT][48];
	size_t i, n = 0;
	int rc = 0;

	if (l == L_GROUP && r->own_study)
		n = ecpr__odm_group_items(s(r->oid[L_GROUP]), oids,
		    sizeof(oids) / sizeof(oids[0]));
	if (n == 0)
		return emit(r, NULL, NULL, NULL, NULL, r->line);
	for (i = 0; rc == 0 && i < n; i++)
		rc = emit(r, XC(oids[i]), NULL, NULL, NULL, r->line);
	return rc;
}

/* The row of an ItemData read (at its end tag when it has children). */
static int
item_row(struct rd *r, struct open_el *o, int empty)
{
	const xmlChar *value = str_at(r, o->str[A_VALUE]);
	const xmlChar *isnull = str_at(r, o->str[A_ISNULL]);
	xmlChar *text = NULL;
	int rc;

	if (isnull != NULL && strcmp((const char *)isnull, "Yes") == 0) {
		value = NULL;
	} else if (o->typed) {
		/* typed ItemData (ItemDataString ...): the element's text,
		 * none when it has no child node */
		value = NULL;
		if (!empty && o->child && (value = text = text_copy(r,
		    o->text0, r->tlen)) == NULL)
			return r->rc;
	} else if (value == NULL && !empty) {
		/* ODM 2.0 style: the value in a child <Value> */
		if (o->nvalue > 1)
			return stop(r, ecpr__error_set(r->err, ECPR_EPARSE,
			    r->path, o->line, "ItemData \"%s\": %d Value "
			    "elements: only one value per ItemData is read",
			    s(str_at(r, o->str[A_OID])), o->nvalue));
		if (o->nvalue == 0 && o->text)
			return stop(r, ecpr__error_set(r->err, ECPR_EPARSE,
			    r->path, o->line, "ItemData \"%s\": a value given "
			    "as text inside the element is not read (give it "
			    "as the attribute Value)",
			    s(str_at(r, o->str[A_OID]))));
		if (o->nvalue == 1 && (value = text = text_copy(r, o->v0,
		    o->v1)) == NULL)
			return r->rc;
	}
	rc = emit(r, str_at(r, o->str[A_OID]), value, str_at(r,
	    o->str[A_TX]), str_at(r, o->str[A_UNIT]), o->line);
	xmlFree(text);
	return rc;
}

/* An element to read at its end tag: the innermost, or NULL (r->rc). */
static struct open_el *
open_push(struct rd *r)
{
	struct open_el *o;

	if (r->nopen >= ECPR_ODM_MAX_DEPTH) { /* the depth check's bound */
		stop(r, ecpr__error_set(r->err, ECPR_EPARSE, r->path, r->line,
		    "nested deeper than %d elements", ECPR_ODM_MAX_DEPTH));
		return NULL;
	}
	o = &r->open[r->nopen++];
	/* field by field: a memset of the whole is a "rep stos", slow to
	 * start, and this is done for every ItemData */
	o->depth = r->depth;
	o->decode = o->typed = o->child = o->text = 0;
	o->nvalue = o->in_value = o->unit_seen = 0;
	o->line = r->line;
	o->mark = r->slen;
	memset(o->str, 0, sizeof(o->str));
	o->text0 = r->tlen;
	o->v0 = o->v1 = 0;
	o->key[0] = o->key[1] = o->key[2] = NULL;
	return o;
}

static void
open_pop(struct rd *r)
{
	struct open_el *o = &r->open[--r->nopen];
	int i;

	r->slen = o->mark;
	for (i = 0; i < 3; i++)
		set(&o->key[i], NULL);
	if (r->nopen == 0)
		r->tlen = 0;
}

/* A copy of v (may be NULL) as key i of o: 0, or -1 out of memory. */
static int
dup_key(struct open_el *o, int i, const xmlChar *v)
{
	if (v != NULL && (o->key[i] = xmlStrdup(v)) == NULL)
		return -1;
	return 0;
}

static int
item(struct rd *r, const xmlChar *local)
{
	struct open_el *o;
	size_t mark = r->slen;
	int rc, i, k;

	if ((o = open_push(r)) == NULL)
		return r->rc;
	o->typed = local != r->item_data;
	/* the attributes read, in one pass (the first of a name counts, as
	 * attr_raw takes it); its unit: the attribute of a typed ItemData*,
	 * else a MeasurementUnitRef child (seen before its end tag) */
	for (i = 0; i < r->nattrs && r->rc == 0; i++) {
		const xmlChar **a = r->attrs + 5 * i;

		if (a[1] != NULL)
			continue;
		k = a[0] == r->item_oid ? A_OID : a[0] == r->value ? A_VALUE :
		    a[0] == r->is_null ? A_ISNULL : a[0] == r->transaction ?
		    A_TX : a[0] == r->mu_oid && o->typed ? A_UNIT : -1;
		if (k >= 0 && o->str[k] == 0)
			o->str[k] = keep_value(r, a[3], (size_t)(a[4] - a[3]));
	}
	if (r->rc != 0)
		return r->rc;
	if (!r->empty)
		return 0; /* read at its end tag */
	rc = item_row(r, o, 1);
	open_pop(r);
	r->slen = mark;
	return rc;
}

static int
subject_start(struct rd *r)
{
	set(&r->subject, get_attr(r, "SubjectKey"));
	clear_from(r, L_SUBJECT);
	keep_level(r, L_SUBJECT, K_TX, r->transaction);
	if (r->subject != NULL && r->empty &&
	    strcmp(inherited_tx(r), "Remove") == 0)
		return remove_whole(r, L_SUBJECT);
	return r->rc;
}

/* A StudyEventData, FormData or ItemGroupData. */
static int
level_start(struct rd *r, const char *local)
{
	enum level l;
	unsigned seen = 0;
	int i, k;

	l = local[0] == 'S' ? L_EVENT : local[0] == 'F' ? L_FORM : L_GROUP;
	clear_from(r, l);
	/* its OID, repeat key and TransactionType in one pass over the
	 * attributes (the first of a name counts, as attr_raw takes it) */
	for (i = 0; i < r->nattrs && r->rc == 0; i++) {
		const xmlChar **a = r->attrs + 5 * i;

		if (a[1] != NULL)
			continue;
		k = a[0] == r->level_attr[l][K_OID] ? K_OID :
		    a[0] == r->level_attr[l][K_REPEAT] ? K_REPEAT :
		    a[0] == r->transaction ? K_TX : -1;
		if (k >= 0 && !(seen & 1u << k)) {
			seen |= 1u << k;
			keep_level_value(r, l, k, a[3], (size_t)(a[4] - a[3]));
		}
	}
	r->name[l] = r->oid[l] != NULL ? name_of(r, r->oid[l]) : "";
	if (r->subject != NULL && r->empty &&
	    strcmp(inherited_tx(r), "Remove") == 0)
		return remove_whole(r, l);
	return r->rc;
}

static int
start(struct rd *r, const xmlChar *xlocal)
{
	const char *local = (const char *)xlocal;
	struct open_el *o;

	if (xlocal == r->item_data)
		return r->subject != NULL ? item(r, xlocal) : 0;
	/* the frequent elements by address first (names are interned) */
	if (xlocal == r->group_data || xlocal == r->form_data ||
	    xlocal == r->event_data)
		return level_start(r, local);
	if (xlocal == r->subject_data)
		return subject_start(r);
	if (xlocal == r->mu_ref) /* taken by child_start, if at all */
		return r->rc;
	if (strcmp(local, "Study") == 0) {
		set(&r->study, get_attr(r, "OID"));
		set(&r->mdv, NULL);
	} else if (strcmp(local, "MetaDataVersion") == 0) {
		set(&r->mdv, get_attr(r, "OID"));
		set(&r->scope, scope_of(r->study, r->mdv));
	} else if (strcmp(local, "ItemDef") == 0) {
		set(&r->cur_item, r->empty ? NULL : get_attr(r, "OID"));
		return add_def(r);
	} else if (strcmp(local, "CodeListRef") == 0 && r->cur_item != NULL) {
		return add_entry(r, r->clref, r->scope, r->cur_item, NULL,
		    get_attr(r, "CodeListOID"));
	} else if (strcmp(local, "CodeList") == 0) {
		set(&r->cur_cl, get_attr(r, "OID"));
	} else if (strcmp(local, "CodeListItem") == 0 && r->cur_cl != NULL) {
		set(&r->cur_coded, r->empty ? NULL :
		    get_attr(r, "CodedValue"));
	} else if (strcmp(local, "TranslatedText") == 0 &&
	    r->cur_coded != NULL) {
		/* the first TranslatedText of the Decode: its text, none
		 * when it has no child node */
		if (r->empty)
			return add_entry(r, r->decode, r->scope, r->cur_cl,
			    r->cur_coded, NULL);
		if ((o = open_push(r)) == NULL)
			return r->rc;
		o->decode = 1;
		if (dup_key(o, 0, r->scope) != 0 ||
		    dup_key(o, 1, r->cur_cl) != 0 ||
		    dup_key(o, 2, r->cur_coded) != 0)
			return oom(r);
	} else if (strcmp(local, "StudyEventDef") == 0 ||
	    strcmp(local, "MeasurementUnit") == 0 ||
	    strcmp(local, "FormDef") == 0 ||
	    strcmp(local, "ItemGroupDef") == 0) {
		return add_def(r);
	} else if (strcmp(local, "ClinicalData") == 0) {
		set(&r->cd_study, get_attr(r, "StudyOID"));
		set(&r->cd_mdv, get_attr(r, "MetaDataVersionOID"));
		set(&r->cd_scope, scope_of(r->cd_study, r->cd_mdv));
		cache_clear(r);
		r->own_study = r->cd_study != NULL && strcmp((const char *)
		    r->cd_study, ECPR_ODM_STUDY_OID) == 0;
		set(&r->subject, NULL);
		clear_from(r, L_SUBJECT);
	} else if (strcmp(local, "SubjectData") == 0) {
		return subject_start(r);
	} else if (strcmp(local, "StudyEventData") == 0 ||
	    strcmp(local, "FormData") == 0 ||
	    strcmp(local, "ItemGroupData") == 0) {
		return level_start(r, local);
	} else if (strncmp(local, "ItemData", 8) == 0 && r->subject != NULL) {
		return item(r, xlocal);
	}
	return r->rc;
}

/* The end tag of a non-empty element of the ODM namespace. */
static void
end(struct rd *r, const xmlChar *xlocal)
{
	const char *local = (const char *)xlocal;

	if (xlocal == r->item_data) /* read at its end by sax_end */
		return;
	if (xlocal == r->group_data)
		clear_from(r, L_GROUP);
	else if (xlocal == r->form_data)
		clear_from(r, L_FORM);
	else if (strcmp(local, "StudyEventData") == 0)
		clear_from(r, L_EVENT);
	else if (strcmp(local, "FormData") == 0)
		clear_from(r, L_FORM);
	else if (strcmp(local, "ItemGroupData") == 0)
		clear_from(r, L_GROUP);
	else if (strcmp(local, "SubjectData") == 0) {
		set(&r->subject, NULL);
		clear_from(r, L_SUBJECT);
	} else if (strcmp(local, "MetaDataVersion") == 0) {
		set(&r->mdv, NULL);
		set(&r->scope, NULL);
	} else if (strcmp(local, "ItemDef") == 0)
		set(&r->cur_item, NULL);
	else if (strcmp(local, "CodeList") == 0)
		set(&r->cur_cl, NULL);
	else if (strcmp(local, "CodeListItem") == 0)
		set(&r->cur_coded, NULL);
}

static int
is_odm(const struct rd *r, const xmlChar *uri)
{
	return uri != NULL && (uri == r->ns ||
	    strcmp((const char *)uri, ECPR_ODM_NS) == 0);
}

/* A child element of the innermost element read at its end. */
static void
child_start(struct rd *r, const xmlChar *local, const xmlChar *uri)
{
	struct open_el *o = &r->open[r->nopen - 1];
	int i;

	for (i = 0; i < r->nopen; i++)
		r->open[i].child = 1;
	if (o->depth != r->depth || o->decode || o->typed)
		return;
	if (local == r->value) { /* names are interned */
		if (o->nvalue++ == 0) {
			o->in_value = 1;
			o->v0 = r->tlen;
		}
	} else if (!o->unit_seen && local == r->mu_ref && is_odm(r, uri)) {
		/* the first MeasurementUnitRef names the unit */
		o->unit_seen = 1;
		o->str[A_UNIT] = keep_attr(r, r->mu_oid);
	}
}

static void
sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr pc = ctx;
	struct rd *r = pc->_private;

	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_defaulted;
	if (r->rc != 0)
		return;
	r->run = 0;
	r->attrs = attributes;
	r->nattrs = nb_attributes;
	r->line = (unsigned long)pc->input->line;
	/* the start tag ends in "/>": no end tag follows in the document
	 * (the parser calls the end handler at once) */
	r->empty = pc->input->cur[0] == '/' && pc->input->cur[1] == '>';
	r->empty_end = r->empty;
	if (r->depth >= ECPR_ODM_MAX_DEPTH) {
		if (prefix != NULL)
			stop(r, ecpr__error_set(r->err, ECPR_EPARSE, r->path,
			    r->line, "element %s:%s: nested deeper than %d "
			    "elements", (const char *)prefix,
			    (const char *)local, ECPR_ODM_MAX_DEPTH));
		else
			stop(r, ecpr__error_set(r->err, ECPR_EPARSE, r->path,
			    r->line, "element %s: nested deeper than %d "
			    "elements", (const char *)local,
			    ECPR_ODM_MAX_DEPTH));
		return;
	}
	if (r->nopen > 0)
		child_start(r, local, uri);
	r->depth++;
	if (r->rc != 0)
		return;
	if (!is_odm(r, uri)) {
		if (r->depth == 1 && strcmp((const char *)local, "ODM") == 0)
			stop(r, ecpr__error_set(r->err, ECPR_EPARSE, r->path,
			    r->line, "element ODM: namespace \"%s\" is not "
			    "ODM 1.3's (%s); such files are not read", s(uri),
			    ECPR_ODM_NS));
		return;
	}
	start(r, local);
}

static void
sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr pc = ctx;
	struct rd *r = pc->_private;
	struct open_el *o;
	int empty = r->empty_end;

	(void)prefix;
	r->empty_end = 0;
	r->run = 0;
	if (r->rc != 0)
		return;
	if (r->nopen > 0 && (o = &r->open[r->nopen - 1])->depth == r->depth) {
		if (o->decode)
			add_entry(r, r->decode, o->key[0], o->key[1], o->key[2],
			    o->child ? text_copy(r, o->text0, r->tlen) : NULL);
		else
			item_row(r, o, 0);
		open_pop(r);
	} else if (r->nopen > 0 && (o = &r->open[r->nopen - 1])->in_value &&
	    o->depth + 1 == r->depth) {
		o->in_value = 0;
		o->v1 = r->tlen;
	}
	r->depth--;
	if (r->rc == 0 && !empty && is_odm(r, uri))
		end(r, local);
}

/* Text, or CDATA, inside the elements read at their end. */
static void
keep_chars(struct rd *r, const xmlChar *ch, int len)
{
	struct open_el *o;
	int i;

	if (r->nopen == 0 || r->rc != 0 || len <= 0)
		return;
	for (i = 0; i < r->nopen; i++)
		r->open[i].child = 1;
	o = &r->open[r->nopen - 1];
	if (o->depth == r->depth && !o->text)
		for (i = 0; i < len; i++)
			if (!IS_BLANK_CH(ch[i])) {
				o->text = 1;
				break;
			}
	if (room(&r->text, &r->tcap, r->tlen, (size_t)len) != 0) {
		oom(r);
		return;
	}
	memcpy(r->text + r->tlen, ch, (size_t)len);
	r->tlen += (size_t)len;
}

/*
 * Text: refused, as libxml2's tree builder refuses it, when one run of it
 * between two other nodes grows past XML_MAX_TEXT_LENGTH (10,000,000
 * bytes): memory stays bounded whatever the file holds.
 */
static void
sax_chars(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr pc = ctx;
	struct rd *r = pc->_private;

	if (r->rc != 0 || len <= 0)
		return;
	if (r->run > 0 && r->run + (size_t)len > XML_MAX_TEXT_LENGTH) {
		stop(r, ecpr__error_set(r->err, ECPR_EPARSE, r->path,
		    (unsigned long)pc->input->line,
		    "xmlSAX2Characters: huge text node"));
		return;
	}
	r->run += (size_t)len;
	keep_chars(r, ch, len);
}

static void
sax_cdata(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr pc = ctx;
	struct rd *r = pc->_private;

	r->run = 0;
	keep_chars(r, ch, len);
}

/* A comment or processing instruction: a child node, no text. */
static void
sax_node(struct rd *r)
{
	int i;

	r->run = 0;
	for (i = 0; i < r->nopen; i++)
		r->open[i].child = 1;
}

static void
sax_comment(void *ctx, const xmlChar *value)
{
	xmlParserCtxtPtr pc = ctx;

	(void)value;
	sax_node(pc->_private);
}

static void
sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	xmlParserCtxtPtr pc = ctx;

	(void)target;
	(void)data;
	sax_node(pc->_private);
}

static void
sax_reference(void *ctx, const xmlChar *name)
{
	xmlParserCtxtPtr pc = ctx;
	struct rd *r = pc->_private;

	(void)name;
	stop(r, ecpr__error_set(r->err, ECPR_EPARSE, r->path,
	    (unsigned long)pc->input->line,
	    "DTDs and entities are not allowed in ODM files"));
}

/* libxml2's first error (not its warnings) goes to err. */
static void
sax_error(void *ctx, xmlErrorPtr xe)
{
	xmlParserCtxtPtr pc = ctx;
	struct rd *r = pc != NULL ? pc->_private : NULL;

	if (r == NULL || r->failed || r->rc != 0 || r->scan->failed ||
	    xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(r->err, ECPR_EPARSE, r->path, xe);
	r->err_line = xe->line > 0 ? (unsigned long)xe->line : 0;
	r->failed = 1;
	xmlStopParser(pc);
}

/* Parse the file, read through the scanner: 0, or an error. */
static int
parse(struct rd *r)
{
	static const char *const level_attrs[3][2] = {
		{ "StudyEventOID", "StudyEventRepeatKey" },
		{ "FormOID", "FormRepeatKey" },
		{ "ItemGroupOID", "ItemGroupRepeatKey" },
	};
	xmlSAXHandler sax;
	int l, k, nomem = 0;

	/* the handlers of the tree builder, but for the tree's nodes */
	memset(&sax, 0, sizeof(sax));
	xmlSAXVersion(&sax, 2);
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_chars;
	sax.ignorableWhitespace = sax_chars;
	sax.cdataBlock = sax_cdata;
	sax.comment = sax_comment;
	sax.processingInstruction = sax_pi;
	sax.reference = sax_reference;
	sax.serror = sax_error;
	sax.error = NULL;
	sax.warning = NULL;
	/* the parser pulls the file through the scanner (which closes it
	 * when the parser is freed) straight into its own buffer: the push
	 * parser copied each chunk in, and looked ahead for each tag's end */
	if ((r->pc = xmlCreateIOParserCtxt(&sax, NULL, ecpr__odm_scan_read,
	    ecpr__odm_scan_close, r->scan, XML_CHAR_ENCODING_NONE)) == NULL)
		return r->err != NULL && r->err->code != ECPR_OK ?
		    r->err->code : ecpr__error_set(r->err, ECPR_ENOMEM, r->path,
		    0, "out of memory");
	r->pc->_private = r;
	xmlCtxtUseOptions(r->pc, XML_PARSE_NONET | XML_PARSE_BIG_LINES |
	    XML_PARSE_COMPACT);
	r->ns = xmlDictLookup(r->pc->dict, XC(ECPR_ODM_NS), -1);
	r->item_data = xmlDictLookup(r->pc->dict, XC("ItemData"), -1);
	r->value = xmlDictLookup(r->pc->dict, XC("Value"), -1);
	r->item_oid = xmlDictLookup(r->pc->dict, XC("ItemOID"), -1);
	r->is_null = xmlDictLookup(r->pc->dict, XC("IsNull"), -1);
	r->transaction = xmlDictLookup(r->pc->dict, XC("TransactionType"),
	    -1);
	r->mu_oid = xmlDictLookup(r->pc->dict, XC("MeasurementUnitOID"), -1);
	r->mu_ref = xmlDictLookup(r->pc->dict, XC("MeasurementUnitRef"), -1);
	r->subject_data = xmlDictLookup(r->pc->dict, XC("SubjectData"), -1);
	r->event_data = xmlDictLookup(r->pc->dict, XC("StudyEventData"), -1);
	r->form_data = xmlDictLookup(r->pc->dict, XC("FormData"), -1);
	r->group_data = xmlDictLookup(r->pc->dict, XC("ItemGroupData"), -1);
	for (l = L_EVENT; l <= L_GROUP; l++)
		for (k = 0; k < 2; k++)
			if ((r->level_attr[l][k] = xmlDictLookup(r->pc->dict,
			    XC(level_attrs[l - L_EVENT][k]), -1)) == NULL)
				nomem = 1;
	if (nomem || r->ns == NULL || r->item_data == NULL || r->value == NULL ||
	    r->item_oid == NULL || r->is_null == NULL ||
	    r->transaction == NULL || r->mu_oid == NULL || r->mu_ref == NULL ||
	    r->subject_data == NULL || r->event_data == NULL ||
	    r->form_data == NULL || r->group_data == NULL) {
		return ecpr__error_set(r->err, ECPR_ENOMEM, r->path, 0,
		    "out of memory");
	}
	xmlParseDocument(r->pc);
	if (r->rc != 0)
		return r->rc;
	if (r->scan->failed)
		return r->err != NULL && r->err->code != ECPR_OK ?
		    r->err->code : ECPR_EPARSE;
	if (r->failed || !r->pc->wellFormed) {
		if (!r->failed)
			ecpr__error_set(r->err, ECPR_EPARSE, r->path,
			    (unsigned long)r->pc->input->line,
			    "not well-formed XML");
		ecpr__odm_scan_truncated(r->scan, r->err_line);
		return ECPR_EPARSE;
	}
	return 0;
}

int
ecpr_odm_read(const char *path, ecpr_odm_row_cb cb, void *ctx,
    size_t *nrows, ecpr_error *err)
{
	struct rd *r;
	int rc, i, k;

	if (nrows != NULL)
		*nrows = 0;
	if (path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0, "no file");
	if ((rc = ecpr__odm_check_prolog(path, err)) != ECPR_OK)
		return rc;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, path, 0,
		    "out of memory");
	r->path = path;
	r->err = err;
	r->cb = cb;
	r->ctx = ctx;
	r->nrows = nrows;
	r->names = xmlHashCreate(256);
	r->any = xmlHashCreate(256);
	r->clref = xmlHashCreate(64);
	r->decode = xmlHashCreate(64);
	clear_from(r, L_SUBJECT);
	if (r->names == NULL || r->any == NULL || r->clref == NULL ||
	    r->decode == NULL || (r->scan = malloc(sizeof(*r->scan))) ==
	    NULL) {
		rc = ecpr__error_set(err, ECPR_ENOMEM, path, 0, "cannot read");
		goto out;
	}
	if ((rc = ecpr__odm_scan_open(r->scan, path, err)) != ECPR_OK) {
		free(r->scan);
		r->scan = NULL;
		goto out;
	}
	rc = parse(r);
out:
	if (r->pc != NULL) {
		xmlFreeDoc(r->pc->myDoc);
		r->pc->myDoc = NULL;
		xmlFreeParserCtxt(r->pc);
	}
	if (r->scan != NULL)
		ecpr__odm_scan_close(r->scan);
	free(r->scan);
	while (r->nopen > 0)
		open_pop(r);
	free(r->strs);
	free(r->text);
	xmlHashFree(r->names, free_name);
	xmlHashFree(r->any, free_name);
	xmlHashFree(r->clref, free_name);
	xmlHashFree(r->decode, free_name);
	set(&r->scope, NULL);
	set(&r->cd_scope, NULL);
	set(&r->cur_item, NULL);
	set(&r->cur_cl, NULL);
	set(&r->cur_coded, NULL);
	set(&r->study, NULL);
	set(&r->mdv, NULL);
	set(&r->cd_study, NULL);
	set(&r->cd_mdv, NULL);
	set(&r->subject, NULL);
	for (i = 0; i < L_COUNT; i++)
		for (k = 0; k < 3; k++)
			free(r->kept[i][k].buf);
	free(r);
	return rc;
}
