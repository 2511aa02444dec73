/*
 * odm_read.c - streaming reader of ODM 1.3.x ClinicalData (xmlTextReader):
 * one callback per ItemData with OIDs resolved to names.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xmlreader.h>

#include "internal.h"
#include "odm_internal.h"

#define XC(x) ((const xmlChar *)(x))

enum level { L_SUBJECT, L_EVENT, L_FORM, L_GROUP, L_ITEM, L_COUNT };

struct rd {
	struct ecpr__odm_reader x;
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
	xmlChar *subject;
	xmlChar *oid[L_COUNT];
	xmlChar *repeat[L_COUNT];
	xmlChar *tx[L_COUNT];
	const char *name[L_COUNT]; /* resolved names of oid[] */
	/* element and attribute names interned in the reader's dictionary:
	 * compared by address */
	const xmlChar *ns, *item_data, *value, *item_oid, *is_null,
	    *transaction;
};

/*
 * The value of an attribute of node without a copy (attribute names are
 * interned: compared by address), or NULL.  *owned receives a copy that
 * the caller frees when the value is not a single text node.
 */
static const xmlChar *
attr_value(const xmlAttr *a, xmlChar **owned)
{
	if (a->children == NULL)
		return XC("");
	if (a->children->next == NULL && a->children->type == XML_TEXT_NODE)
		return a->children->content;
	xmlFree(*owned);
	*owned = xmlNodeListGetString(a->doc, a->children, 1);
	return *owned;
}

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
		set(&r->oid[i], NULL);
		set(&r->repeat[i], NULL);
		set(&r->tx[i], NULL);
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

static const char *
name_of(struct rd *r, const xmlChar *oid)
{
	const xmlChar *n;

	if (oid == NULL)
		return "";
	n = xmlHashLookup3(r->names, XC(s(r->cd_study)), XC(s(r->cd_mdv)),
	    oid);
	if (n == NULL)
		n = xmlHashLookup(r->any, oid);
	if (n == NULL && r->cd_study != NULL &&
	    strcmp((const char *)r->cd_study, ECPR_ODM_STUDY_OID) == 0)
		/* our own study: its metadata need not be in the file */
		n = XC(ecpr__odm_own_name((const char *)oid));
	return n != NULL ? (const char *)n : (const char *)oid;
}

static int
add_def(struct rd *r, xmlTextReaderPtr rd)
{
	xmlChar *oid = xmlTextReaderGetAttribute(rd, XC("OID"));
	xmlChar *name = xmlTextReaderGetAttribute(rd, XC("Name"));
	xmlChar *copy;

	if (oid == NULL || name == NULL || *name == '\0') {
		/* no Name, or Name="": the OID names it */
		xmlFree(oid);
		xmlFree(name);
		return 0;
	}
	copy = xmlStrdup(name);
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
add_entry(xmlHashTablePtr h, const xmlChar *a, const xmlChar *b,
    const xmlChar *c, xmlChar *value)
{
	if (b == NULL || xmlHashAddEntry3(h, XC(s(a)), b, c, value) != 0)
		xmlFree(value);
	return 0;
}

static int
is_odm(const struct rd *r, xmlTextReaderPtr rd)
{
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);

	return ns != NULL && (ns == r->ns ||
	    strcmp((const char *)ns, ECPR_ODM_NS) == 0);
}

/*
 * The value of an ItemData without a Value attribute given in a child
 * <Value> element (ODM 2.0 style) in *out (NULL: none), or ECPR_EPARSE
 * for values it cannot read as one: several <Value> elements, or text
 * directly inside the ItemData.
 */
static int
child_value(struct rd *r, xmlTextReaderPtr rd, const xmlChar *oid,
    xmlChar **out)
{
	xmlNodePtr node = xmlTextReaderExpand(rd), c, found = NULL;
	int n = 0, text = 0;

	*out = NULL;
	if (node == NULL)
		return 0; /* the reader's own error follows */
	for (c = node->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE &&
		    xmlStrEqual(c->name, r->value)) {
			if (n++ == 0)
				found = c;
		} else if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && !xmlIsBlankNode(c)) {
			text = 1;
		}
	}
	if (n > 1)
		return ecpr__error_set(r->x.err, ECPR_EPARSE, r->x.path,
		    (unsigned long)xmlGetLineNo(node), "ItemData \"%s\": %d "
		    "Value elements: only one value per ItemData is read",
		    s(oid), n);
	if (n == 0 && text)
		return ecpr__error_set(r->x.err, ECPR_EPARSE, r->x.path,
		    (unsigned long)xmlGetLineNo(node), "ItemData \"%s\": a "
		    "value given as text inside the element is not read (give "
		    "it as the attribute Value)", s(oid));
	if (found != NULL && (*out = xmlNodeGetContent(found)) == NULL)
		return ecpr__error_set(r->x.err, ECPR_ENOMEM, r->x.path, 0,
		    "out of memory");
	return 0;
}

static int emit(struct rd *r, const xmlChar *oid, const xmlChar *value,
    const xmlChar *tx, const xmlChar *unit, unsigned long line,
    ecpr_odm_row_cb cb, void *ctx, size_t *nrows);

static int
item(struct rd *r, xmlTextReaderPtr rd, const xmlChar *local,
    ecpr_odm_row_cb cb, void *ctx, size_t *nrows)
{
	xmlNodePtr node = xmlTextReaderCurrentNode(rd);
	const xmlChar *oid = NULL, *value = NULL, *isnull = NULL, *tx = NULL;
	xmlChar *owned[5] = { NULL, NULL, NULL, NULL, NULL }, *text = NULL;
	const xmlAttr *a;
	int i, rc;

	for (a = node != NULL ? node->properties : NULL; a != NULL;
	    a = a->next) {
		if (a->ns != NULL)
			continue;
		if (a->name == r->item_oid)
			oid = attr_value(a, &owned[0]);
		else if (a->name == r->value)
			value = attr_value(a, &owned[1]);
		else if (a->name == r->is_null)
			isnull = attr_value(a, &owned[2]);
		else if (a->name == r->transaction)
			tx = attr_value(a, &owned[3]);
	}
	/* its unit: a MeasurementUnitRef child, or the attribute of a
	 * typed ItemData* (read before the typed value moves the reader) */
	owned[4] = ecpr__odm_item_unit(rd);
	if (isnull != NULL && strcmp((const char *)isnull, "Yes") == 0)
		value = NULL;
	else if (local != r->item_data) {
		/* typed ItemData (ItemDataString ...): the element's text */
		value = NULL;
		if (!xmlTextReaderIsEmptyElement(rd))
			value = text = xmlTextReaderReadString(rd);
	} else if (value == NULL && !xmlTextReaderIsEmptyElement(rd)) {
		/* ODM 2.0 style: the value in a child <Value> */
		if ((rc = child_value(r, rd, oid, &text)) != 0) {
			for (i = 0; i < 5; i++)
				xmlFree(owned[i]);
			return rc;
		}
		value = text;
	}
	rc = emit(r, oid, value, tx, owned[4], (unsigned long)xmlGetLineNo(node),
	    cb, ctx, nrows);
	for (i = 0; i < 5; i++)
		xmlFree(owned[i]);
	xmlFree(text);
	return rc;
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
    const xmlChar *tx, const xmlChar *unit, unsigned long line,
    ecpr_odm_row_cb cb, void *ctx, size_t *nrows)
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
	row.item = oid ? name_of(r, oid) : "";
	row.value = s(value);
	row.decode = "";
	if (oid != NULL && value != NULL) {
		const xmlChar *cl = xmlHashLookup2(r->clref, XC(s(r->cd_scope)),
		    oid), *d;

		if (cl != NULL && (d = xmlHashLookup3(r->decode,
		    XC(s(r->cd_scope)), cl, value)) != NULL)
			row.decode = (const char *)d;
	}
	row.transaction = tx != NULL ? (const char *)tx : inherited_tx(r);
	row.unit = unit != NULL ? name_of(r, unit) : "";
	row.line = line;
	rc = cb != NULL ? cb(&row, ctx) : 0;
	if (rc == 0 && nrows != NULL)
		(*nrows)++;
	return rc;
}

/*
 * An empty element of level l marked Remove (or under a Remove): for an
 * ItemGroupData of our own study each item of the group's definition,
 * removed; else one row with no item (the element is removed whole).
 */
static int
remove_whole(struct rd *r, xmlTextReaderPtr rd, enum level l,
    ecpr_odm_row_cb cb, void *ctx, size_t *nrows)
{
	char oids[ECPR_AT_COUNT + ECPR_EV_COUNT][48];
	unsigned long line;
	size_t i, n = 0;
	int rc = 0;

	line = (unsigned long)xmlGetLineNo(xmlTextReaderCurrentNode(rd));
	if (l == L_GROUP && r->cd_study != NULL &&
	    strcmp((const char *)r->cd_study, ECPR_ODM_STUDY_OID) == 0)
		n = ecpr__odm_group_items(s(r->oid[L_GROUP]), oids,
		    sizeof(oids) / sizeof(oids[0]));
	if (n == 0)
		return emit(r, NULL, NULL, NULL, NULL, line, cb, ctx, nrows);
	for (i = 0; rc == 0 && i < n; i++)
		rc = emit(r, XC(oids[i]), NULL, NULL, NULL, line, cb, ctx,
		    nrows);
	return rc;
}

static int
start(struct rd *r, xmlTextReaderPtr rd, ecpr_odm_row_cb cb, void *ctx,
    size_t *nrows)
{
	const xmlChar *xlocal = xmlTextReaderConstLocalName(rd);
	const char *local = (const char *)xlocal;
	enum level l;

	if (xlocal == r->item_data)
		return r->subject != NULL ? item(r, rd, xlocal, cb, ctx,
		    nrows) : 0;
	if (strcmp(local, "Study") == 0) {
		set(&r->study, xmlTextReaderGetAttribute(rd, XC("OID")));
		set(&r->mdv, NULL);
	} else if (strcmp(local, "MetaDataVersion") == 0) {
		set(&r->mdv, xmlTextReaderGetAttribute(rd, XC("OID")));
		set(&r->scope, scope_of(r->study, r->mdv));
	} else if (strcmp(local, "ItemDef") == 0) {
		set(&r->cur_item, xmlTextReaderIsEmptyElement(rd) ? NULL :
		    xmlTextReaderGetAttribute(rd, XC("OID")));
		return add_def(r, rd);
	} else if (strcmp(local, "CodeListRef") == 0 && r->cur_item != NULL) {
		return add_entry(r->clref, r->scope, r->cur_item, NULL,
		    xmlTextReaderGetAttribute(rd, XC("CodeListOID")));
	} else if (strcmp(local, "CodeList") == 0) {
		set(&r->cur_cl, xmlTextReaderGetAttribute(rd, XC("OID")));
	} else if (strcmp(local, "CodeListItem") == 0 && r->cur_cl != NULL) {
		set(&r->cur_coded, xmlTextReaderIsEmptyElement(rd) ? NULL :
		    xmlTextReaderGetAttribute(rd, XC("CodedValue")));
	} else if (strcmp(local, "TranslatedText") == 0 &&
	    r->cur_coded != NULL) {
		/* the first TranslatedText of the Decode */
		return add_entry(r->decode, r->scope, r->cur_cl, r->cur_coded,
		    xmlTextReaderReadString(rd));
	} else if (strcmp(local, "StudyEventDef") == 0 ||
	    strcmp(local, "MeasurementUnit") == 0 ||
	    strcmp(local, "FormDef") == 0 ||
	    strcmp(local, "ItemGroupDef") == 0) {
		return add_def(r, rd);
	} else if (strcmp(local, "ClinicalData") == 0) {
		set(&r->cd_study, xmlTextReaderGetAttribute(rd,
		    XC("StudyOID")));
		set(&r->cd_mdv, xmlTextReaderGetAttribute(rd,
		    XC("MetaDataVersionOID")));
		set(&r->cd_scope, scope_of(r->cd_study, r->cd_mdv));
		set(&r->subject, NULL);
		clear_from(r, L_SUBJECT);
	} else if (strcmp(local, "SubjectData") == 0) {
		set(&r->subject, xmlTextReaderGetAttribute(rd,
		    XC("SubjectKey")));
		clear_from(r, L_SUBJECT);
		set(&r->tx[L_SUBJECT], xmlTextReaderGetAttribute(rd,
		    XC("TransactionType")));
		if (r->subject != NULL && xmlTextReaderIsEmptyElement(rd) &&
		    strcmp(inherited_tx(r), "Remove") == 0)
			return remove_whole(r, rd, L_SUBJECT, cb, ctx, nrows);
	} else if (strcmp(local, "StudyEventData") == 0 ||
	    strcmp(local, "FormData") == 0 ||
	    strcmp(local, "ItemGroupData") == 0) {
		if (local[0] == 'S') {
			l = L_EVENT;
			clear_from(r, l);
			set(&r->oid[l], xmlTextReaderGetAttribute(rd,
			    XC("StudyEventOID")));
			set(&r->repeat[l], xmlTextReaderGetAttribute(rd,
			    XC("StudyEventRepeatKey")));
		} else if (local[0] == 'F') {
			l = L_FORM;
			clear_from(r, l);
			set(&r->oid[l], xmlTextReaderGetAttribute(rd,
			    XC("FormOID")));
			set(&r->repeat[l], xmlTextReaderGetAttribute(rd,
			    XC("FormRepeatKey")));
		} else {
			l = L_GROUP;
			clear_from(r, l);
			set(&r->oid[l], xmlTextReaderGetAttribute(rd,
			    XC("ItemGroupOID")));
			set(&r->repeat[l], xmlTextReaderGetAttribute(rd,
			    XC("ItemGroupRepeatKey")));
		}
		set(&r->tx[l], xmlTextReaderGetAttribute(rd,
		    XC("TransactionType")));
		r->name[l] = r->oid[l] != NULL ? name_of(r, r->oid[l]) : "";
		if (r->subject != NULL && xmlTextReaderIsEmptyElement(rd) &&
		    strcmp(inherited_tx(r), "Remove") == 0)
			return remove_whole(r, rd, l, cb, ctx, nrows);
	} else if (strncmp(local, "ItemData", 8) == 0 && r->subject != NULL) {
		return item(r, rd, XC(local), cb, ctx, nrows);
	}
	return 0;
}

static void
end(struct rd *r, xmlTextReaderPtr rd)
{
	const char *local = (const char *)xmlTextReaderConstLocalName(rd);

	if (strcmp(local, "StudyEventData") == 0)
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

int
ecpr_odm_read(const char *path, ecpr_odm_row_cb cb, void *ctx,
    size_t *nrows, ecpr_error *err)
{
	xmlTextReaderPtr rd;
	struct rd r;
	int rc, type;

	if (nrows != NULL)
		*nrows = 0;
	memset(&r, 0, sizeof(r));
	if ((rc = ecpr__odm_reader_open(&r.x, path, err)) != ECPR_OK)
		goto out;
	rd = r.x.rd;
	r.names = xmlHashCreate(256);
	r.any = xmlHashCreate(256);
	r.clref = xmlHashCreate(64);
	r.decode = xmlHashCreate(64);
	if (r.names == NULL || r.any == NULL || r.clref == NULL ||
	    r.decode == NULL) {
		rc = ecpr__error_set(err, ECPR_ENOMEM, path, 0, "cannot read");
		goto out;
	}
	r.ns = xmlTextReaderConstString(rd, XC(ECPR_ODM_NS));
	r.item_data = xmlTextReaderConstString(rd, XC("ItemData"));
	r.value = xmlTextReaderConstString(rd, XC("Value"));
	r.item_oid = xmlTextReaderConstString(rd, XC("ItemOID"));
	r.is_null = xmlTextReaderConstString(rd, XC("IsNull"));
	r.transaction = xmlTextReaderConstString(rd, XC("TransactionType"));
	clear_from(&r, L_SUBJECT);
	while ((rc = ecpr__odm_reader_next(&r.x, &type)) == 1) {
		if (!is_odm(&r, rd)) {
			if (type == XML_READER_TYPE_ELEMENT &&
			    xmlTextReaderDepth(rd) == 0 && strcmp((const char *)
			    xmlTextReaderConstLocalName(rd), "ODM") == 0) {
				rc = ecpr__error_set(err, ECPR_EPARSE, path,
				    (unsigned long)xmlGetLineNo(
				    xmlTextReaderCurrentNode(rd)), "element ODM: "
				    "namespace \"%s\" is not ODM 1.3's (%s); "
				    "such files are not read", s(
				    xmlTextReaderConstNamespaceUri(rd)),
				    ECPR_ODM_NS);
				goto out;
			}
			continue;
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			if ((rc = start(&r, rd, cb, ctx, nrows)) != 0)
				goto out;
			if (r.x.failed) {
				rc = ECPR_EPARSE;
				break;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT)
			end(&r, rd);
	}
out:
	ecpr__odm_reader_close(&r.x);
	xmlHashFree(r.names, free_name);
	xmlHashFree(r.any, free_name);
	xmlHashFree(r.clref, free_name);
	xmlHashFree(r.decode, free_name);
	set(&r.scope, NULL);
	set(&r.cd_scope, NULL);
	set(&r.cur_item, NULL);
	set(&r.cur_cl, NULL);
	set(&r.cur_coded, NULL);
	set(&r.study, NULL);
	set(&r.mdv, NULL);
	set(&r.cd_study, NULL);
	set(&r.cd_mdv, NULL);
	set(&r.subject, NULL);
	clear_from(&r, L_SUBJECT);
	return rc;
}
