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
	const char *path;
	ecpr_error *err;
	int failed;
	xmlHashTablePtr names; /* (study, mdv, oid) -> name */
	xmlHashTablePtr any;   /* oid -> first name seen */
	xmlChar *study, *mdv;       /* metadata being read */
	xmlChar *cd_study, *cd_mdv; /* ClinicalData being read */
	xmlChar *subject;
	xmlChar *oid[L_COUNT];
	xmlChar *repeat[L_COUNT];
	xmlChar *tx[L_COUNT];
};

static void
reader_error(void *arg, xmlErrorPtr xe)
{
	struct rd *r = arg;

	if (r->failed || xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(r->err, ECPR_EPARSE, r->path, xe);
	r->failed = 1;
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
	return n != NULL ? (const char *)n : (const char *)oid;
}

static int
add_def(struct rd *r, xmlTextReaderPtr rd)
{
	xmlChar *oid = xmlTextReaderGetAttribute(rd, XC("OID"));
	xmlChar *name = xmlTextReaderGetAttribute(rd, XC("Name"));
	xmlChar *copy;

	if (oid == NULL || name == NULL) {
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

static int
is_odm(xmlTextReaderPtr rd)
{
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);

	return ns != NULL && strcmp((const char *)ns, ECPR_ODM_NS) == 0;
}

static int
item(struct rd *r, xmlTextReaderPtr rd, const char *local,
    ecpr_odm_row_cb cb, void *ctx, size_t *nrows)
{
	ecpr_odm_row row;
	xmlChar *oid, *value = NULL, *isnull, *tx;
	const char *trans = "";
	int i, rc;

	oid = xmlTextReaderGetAttribute(rd, XC("ItemOID"));
	isnull = xmlTextReaderGetAttribute(rd, XC("IsNull"));
	tx = xmlTextReaderGetAttribute(rd, XC("TransactionType"));
	if (isnull != NULL && strcmp((const char *)isnull, "Yes") == 0)
		value = NULL;
	else if (strcmp(local, "ItemData") == 0)
		value = xmlTextReaderGetAttribute(rd, XC("Value"));
	else if (!xmlTextReaderIsEmptyElement(rd))
		value = xmlTextReaderReadString(rd);
	memset(&row, 0, sizeof(row));
	row.study_oid = s(r->cd_study);
	row.subject = s(r->subject);
	row.event_oid = s(r->oid[L_EVENT]);
	row.event = r->oid[L_EVENT] ? name_of(r, r->oid[L_EVENT]) : "";
	row.event_repeat = s(r->repeat[L_EVENT]);
	row.form_oid = s(r->oid[L_FORM]);
	row.form = r->oid[L_FORM] ? name_of(r, r->oid[L_FORM]) : "";
	row.form_repeat = s(r->repeat[L_FORM]);
	row.item_group_oid = s(r->oid[L_GROUP]);
	row.item_group = r->oid[L_GROUP] ? name_of(r, r->oid[L_GROUP]) : "";
	row.group_repeat = s(r->repeat[L_GROUP]);
	row.item_oid = s(oid);
	row.item = oid ? name_of(r, oid) : "";
	row.value = s(value);
	if (tx != NULL)
		trans = (const char *)tx;
	else
		for (i = L_GROUP; i >= L_SUBJECT; i--)
			if (r->tx[i] != NULL) {
				trans = (const char *)r->tx[i];
				break;
			}
	row.transaction = trans;
	row.line = (unsigned long)xmlGetLineNo(xmlTextReaderCurrentNode(rd));
	rc = cb != NULL ? cb(&row, ctx) : 0;
	if (rc == 0 && nrows != NULL)
		(*nrows)++;
	xmlFree(oid);
	xmlFree(value);
	xmlFree(isnull);
	xmlFree(tx);
	return rc;
}

static int
start(struct rd *r, xmlTextReaderPtr rd, ecpr_odm_row_cb cb, void *ctx,
    size_t *nrows)
{
	const char *local = (const char *)xmlTextReaderConstLocalName(rd);
	enum level l;

	if (strcmp(local, "Study") == 0) {
		set(&r->study, xmlTextReaderGetAttribute(rd, XC("OID")));
		set(&r->mdv, NULL);
	} else if (strcmp(local, "MetaDataVersion") == 0) {
		set(&r->mdv, xmlTextReaderGetAttribute(rd, XC("OID")));
	} else if (strcmp(local, "StudyEventDef") == 0 ||
	    strcmp(local, "FormDef") == 0 ||
	    strcmp(local, "ItemGroupDef") == 0 ||
	    strcmp(local, "ItemDef") == 0) {
		return add_def(r, rd);
	} else if (strcmp(local, "ClinicalData") == 0) {
		set(&r->cd_study, xmlTextReaderGetAttribute(rd,
		    XC("StudyOID")));
		set(&r->cd_mdv, xmlTextReaderGetAttribute(rd,
		    XC("MetaDataVersionOID")));
		set(&r->subject, NULL);
		clear_from(r, L_SUBJECT);
	} else if (strcmp(local, "SubjectData") == 0) {
		set(&r->subject, xmlTextReaderGetAttribute(rd,
		    XC("SubjectKey")));
		clear_from(r, L_SUBJECT);
		set(&r->tx[L_SUBJECT], xmlTextReaderGetAttribute(rd,
		    XC("TransactionType")));
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
	} else if (strncmp(local, "ItemData", 8) == 0 && r->subject != NULL) {
		return item(r, rd, local, cb, ctx, nrows);
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
	} else if (strcmp(local, "MetaDataVersion") == 0)
		set(&r->mdv, NULL);
}

int
ecpr_odm_read(const char *path, ecpr_odm_row_cb cb, void *ctx,
    size_t *nrows, ecpr_error *err)
{
	xmlTextReaderPtr rd = NULL;
	struct rd r;
	int ret, rc = ECPR_OK, type;

	if (nrows != NULL)
		*nrows = 0;
	if (path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0, "no file");
	if ((rc = ecpr__odm_check_prolog(path, err)) != ECPR_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.err = err;
	r.names = xmlHashCreate(256);
	r.any = xmlHashCreate(256);
	rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET |
	    XML_PARSE_BIG_LINES);
	if (r.names == NULL || r.any == NULL || rd == NULL) {
		rc = ecpr__error_set(err, rd == NULL ? ECPR_EIO : ECPR_ENOMEM,
		    path, 0, "cannot read");
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(rd, reader_error, &r);
	while ((ret = xmlTextReaderRead(rd)) == 1) {
		type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE ||
		    type == XML_READER_TYPE_ENTITY_REFERENCE) {
			rc = ecpr__error_set(err, ECPR_EPARSE, path,
			    (unsigned long)xmlTextReaderGetParserLineNumber(rd),
			    "DTDs and entities are not allowed in ODM files");
			goto out;
		}
		if (type == XML_READER_TYPE_ELEMENT &&
		    xmlTextReaderDepth(rd) >= ECPR_ODM_MAX_DEPTH) {
			rc = ecpr__error_set(err, ECPR_EPARSE, path,
			    (unsigned long)xmlGetLineNo(
			    xmlTextReaderCurrentNode(rd)),
			    "element %s: nested deeper than %d elements",
			    (const char *)xmlTextReaderConstName(rd),
			    ECPR_ODM_MAX_DEPTH);
			goto out;
		}
		if (!is_odm(rd))
			continue;
		if (type == XML_READER_TYPE_ELEMENT) {
			if ((rc = start(&r, rd, cb, ctx, nrows)) != 0)
				goto out;
			if (r.failed)
				break;
		} else if (type == XML_READER_TYPE_END_ELEMENT)
			end(&r, rd);
	}
	if (ret < 0 || r.failed) {
		if (!r.failed)
			ecpr__error_set(err, ECPR_EPARSE, path,
			    (unsigned long)xmlTextReaderGetParserLineNumber(rd),
			    "not well-formed XML");
		rc = ECPR_EPARSE;
	}
out:
	xmlFreeTextReader(rd);
	xmlHashFree(r.names, free_name);
	xmlHashFree(r.any, free_name);
	set(&r.study, NULL);
	set(&r.mdv, NULL);
	set(&r.cd_study, NULL);
	set(&r.cd_mdv, NULL);
	set(&r.subject, NULL);
	clear_from(&r, L_SUBJECT);
	return rc;
}
