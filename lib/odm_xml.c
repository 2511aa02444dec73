/*
 * odm_xml.c - safe XML parsing for ODM files and validation against the
 * official ODM 1.3.2 XML Schema.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "internal.h"
#include "odm_internal.h"

#define XMLDSIG_NS "http://www.w3.org/2000/09/xmldsig#"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

struct ecpr_odm_schema {
	xmlSchemaPtr xsd;
};

/* The only files the schema loader admits. */
static const char *const schema_files[] = {
	"ODM1-3-2.xsd", "ODM1-3-2-foundation.xsd", "xml.xsd",
	"xmldsig-core-schema.xsd"
};

/* Parse state shared by the SAX hooks below (ctxt->_private). */
struct guard {
	const char *path;
	ecpr_error *err;
	int failed;  /* err holds the first problem */
	int refused; /* a DOCTYPE was seen */
	int root;    /* the root element was reached */
};

/* ------------------------------------------------------------------ */
/* Messages                                                             */
/* ------------------------------------------------------------------ */

static void
strip_all(char *s, const char *what)
{
	size_t n = strlen(what);
	char *p;

	while ((p = strstr(s, what)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

void
ecpr__odm_xml_error(ecpr_error *err, ecpr_status code, const char *file,
    const xmlError *xe)
{
	char msg[ECPR_ERROR_MSG_MAX];
	char elem[128];
	char *m, *q;
	size_t n;
	const xmlNode *node;

	if (err == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s",
	    xe != NULL && xe->message != NULL ? xe->message :
	    "unknown XML error");
	strip_all(msg, "{" ECPR_ODM_NS "}");
	while ((q = strstr(msg, ". Expected is")) != NULL) {
		q[0] = ';';
		q[2] = 'e';
	}
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ' ||
	    msg[n - 1] == '.'))
		msg[--n] = '\0';
	m = msg;
	/* "Element 'X': text" or "Element 'X', attribute 'A': text" */
	if (strncmp(m, "Element '", 9) == 0 &&
	    (q = strchr(m + 9, '\'')) != NULL) {
		if (strncmp(q, "': ", 3) == 0)
			m = q + 3;
		else if (strncmp(q, "', attribute '", 14) == 0) {
			m = q + 3; /* "attribute 'A': text" */
		}
	}
	/* Errors keep "FILE:LINE: "; the message never ends in a period. */
	for (q = m; *q != '\0'; q++)
		if (*q == '\n')
			*q = ' ';
	if (m[0] >= 'A' && m[0] <= 'Z' && !(m[1] >= 'A' && m[1] <= 'Z'))
		m[0] = (char)(m[0] - 'A' + 'a');
	elem[0] = '\0';
	node = xe != NULL ? (const xmlNode *)xe->node : NULL;
	if (node != NULL && node->type == XML_ELEMENT_NODE &&
	    node->name != NULL) {
		if (node->ns != NULL && node->ns->prefix != NULL)
			snprintf(elem, sizeof(elem), "element %s:%s: ",
			    (const char *)node->ns->prefix,
			    (const char *)node->name);
		else
			snprintf(elem, sizeof(elem), "element %s: ",
			    (const char *)node->name);
	}
	ecpr__error_set(err, code, file, xe != NULL && xe->line > 0 ?
	    (unsigned long)xe->line : 0, "%s%s", elem, m);
}

/* A well-formedness error from one of our parser contexts. */
static void
guard_error(void *data, xmlErrorPtr xe)
{
	xmlParserCtxtPtr pc = data;
	struct guard *g = pc != NULL ? pc->_private : NULL;

	if (g == NULL || g->failed || g->refused || g->root)
		return;
	if (xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(g->err, ECPR_EPARSE, g->path, xe);
	g->failed = 1;
}

/* Any <!DOCTYPE>: the way to DTDs, external entities, entity bombs. */
static void
guard_doctype(void *data, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	xmlParserCtxtPtr pc = data;
	struct guard *g = pc->_private;

	(void)ext;
	(void)sys;
	if (!g->failed)
		ecpr__error_set(g->err, ECPR_EPARSE, g->path,
		    (unsigned long)xmlSAX2GetLineNumber(pc),
		    "document type declaration \"<!DOCTYPE %s\" refused: "
		    "DTDs and entities are not allowed in ODM files",
		    name != NULL ? (const char *)name : "");
	g->failed = 1;
	g->refused = 1;
	xmlStopParser(pc);
}

static void
guard_root(void *data, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr pc = data;
	struct guard *g = pc->_private;

	(void)localname;
	(void)prefix;
	(void)uri;
	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_attributes;
	(void)nb_defaulted;
	(void)attributes;
	g->root = 1;
	xmlStopParser(pc);
}

int
ecpr__odm_check_prolog(const char *path, ecpr_error *err)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr pc = NULL;
	struct guard g;
	char buf[4096];
	size_t n;
	FILE *fp;
	int rc;

	memset(&g, 0, sizeof(g));
	g.path = path;
	g.err = err;
	if ((fp = fopen(path, "rb")) == NULL)
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot open: %s", strerror(errno));
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.internalSubset = guard_doctype;
	sax.startElementNs = guard_root;
	sax.serror = guard_error;
	n = fread(buf, 1, 4, fp);
	pc = xmlCreatePushParserCtxt(&sax, NULL, buf, (int)n, path);
	if (pc == NULL) {
		fclose(fp);
		return ecpr__error_set(err, ECPR_ENOMEM, path, 0,
		    "out of memory");
	}
	pc->_private = &g;
	xmlCtxtUseOptions(pc, XML_PARSE_NONET);
	while (!g.failed && !g.root) {
		n = fread(buf, 1, sizeof(buf), fp);
		if (n == 0) {
			if (ferror(fp)) {
				ecpr__error_set(err, ECPR_EIO, path, 0,
				    "cannot read: %s", strerror(errno));
				g.failed = 1;
				break;
			}
			xmlParseChunk(pc, NULL, 0, 1);
			break;
		}
		xmlParseChunk(pc, buf, (int)n, 0);
	}
	if (g.failed)
		rc = err != NULL ? err->code : ECPR_EPARSE;
	else if (!g.root)
		rc = ecpr__error_set(err, ECPR_EPARSE, path, 0,
		    "no root element");
	else
		rc = ECPR_OK;
	xmlFreeParserCtxt(pc);
	fclose(fp);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The streaming reader                                                 */
/* ------------------------------------------------------------------ */

static void
reader_error(void *arg, xmlErrorPtr xe)
{
	struct ecpr__odm_reader *r = arg;

	if (r->failed || xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(r->err, ECPR_EPARSE, r->path, xe);
	r->failed = 1;
}

int
ecpr__odm_reader_open(struct ecpr__odm_reader *r, const char *path,
    ecpr_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->path = path;
	r->err = err;
	if (path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0, "no file");
	if ((rc = ecpr__odm_check_prolog(path, err)) != ECPR_OK)
		return rc;
	r->rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET |
	    XML_PARSE_BIG_LINES | XML_PARSE_COMPACT);
	if (r->rd == NULL)
		return ecpr__error_set(err, ECPR_EIO, path, 0, "cannot read");
	xmlTextReaderSetStructuredErrorHandler(r->rd, reader_error, r);
	return ECPR_OK;
}

int
ecpr__odm_reader_next(struct ecpr__odm_reader *r, int *type)
{
	xmlTextReaderPtr rd = r->rd;
	int ret;

	if ((ret = xmlTextReaderRead(rd)) == 1) {
		*type = xmlTextReaderNodeType(rd);
		if (*type == XML_READER_TYPE_DOCUMENT_TYPE ||
		    *type == XML_READER_TYPE_ENTITY_REFERENCE)
			return ecpr__error_set(r->err, ECPR_EPARSE, r->path,
			    (unsigned long)xmlTextReaderGetParserLineNumber(rd),
			    "DTDs and entities are not allowed in ODM files");
		if (*type == XML_READER_TYPE_ELEMENT &&
		    xmlTextReaderDepth(rd) >= ECPR_ODM_MAX_DEPTH)
			return ecpr__error_set(r->err, ECPR_EPARSE, r->path,
			    (unsigned long)xmlGetLineNo(
			    xmlTextReaderCurrentNode(rd)),
			    "element %s: nested deeper than %d elements",
			    (const char *)xmlTextReaderConstName(rd),
			    ECPR_ODM_MAX_DEPTH);
		return 1;
	}
	if (ret < 0 || r->failed) {
		if (!r->failed)
			ecpr__error_set(r->err, ECPR_EPARSE, r->path,
			    (unsigned long)xmlTextReaderGetParserLineNumber(rd),
			    "not well-formed XML");
		return ECPR_EPARSE;
	}
	return 0;
}

void
ecpr__odm_reader_close(struct ecpr__odm_reader *r)
{
	xmlFreeTextReader(r->rd);
	r->rd = NULL;
}

/*
 * Parse a whole document: no DOCTYPE, no network, libxml2's default size
 * limits, line numbers beyond 65535 kept.
 */
static int
parse_doc(xmlDocPtr *out, const char *path, ecpr_error *err)
{
	xmlParserCtxtPtr pc;
	struct guard g;
	int rc;

	*out = NULL;
	if ((rc = ecpr__odm_check_prolog(path, err)) != ECPR_OK)
		return rc;
	memset(&g, 0, sizeof(g));
	g.path = path;
	g.err = err;
	pc = xmlCreateURLParserCtxt(path, XML_PARSE_NONET |
	    XML_PARSE_BIG_LINES);
	if (pc == NULL)
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot open");
	pc->_private = &g;
	pc->sax->initialized = XML_SAX2_MAGIC;
	pc->sax->serror = guard_error;
	pc->sax->internalSubset = guard_doctype;
	xmlParseDocument(pc);
	if (g.failed || !pc->wellFormed) {
		if (!g.failed)
			ecpr__error_set(err, ECPR_EPARSE, path, 0,
			    "not well-formed XML");
		xmlFreeDoc(pc->myDoc);
		pc->myDoc = NULL;
		xmlFreeParserCtxt(pc);
		return ECPR_EPARSE;
	}
	*out = pc->myDoc;
	pc->myDoc = NULL;
	xmlFreeParserCtxt(pc);
	return ECPR_OK;
}

/* ------------------------------------------------------------------ */
/* The schema                                                           */
/* ------------------------------------------------------------------ */

static int
schema_file_ok(const char *url)
{
	const char *base;
	size_t i;

	if (url == NULL)
		return 0;
	if (strncmp(url, "file://", 7) == 0)
		url += 7;
	else if (strstr(url, "://") != NULL)
		return 0;
	base = strrchr(url, '/');
	base = base != NULL ? base + 1 : url;
	for (i = 0; i < sizeof(schema_files) / sizeof(schema_files[0]); i++)
		if (strcmp(base, schema_files[i]) == 0)
			return 1;
	return 0;
}

static xmlParserInputPtr
schema_loader(const char *url, const char *id, xmlParserCtxtPtr pc)
{
	(void)id;
	if (!schema_file_ok(url))
		return NULL;
	if (strncmp(url, "file://", 7) == 0)
		url += 7;
	return xmlNewInputFromFile(pc, url);
}

static void
schema_parse_error(void *data, xmlErrorPtr xe)
{
	struct guard *g = data;

	if (g->failed || xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(g->err, ECPR_EPARSE,
	    xe->file != NULL ? xe->file : g->path, xe);
	g->failed = 1;
}

int
ecpr_odm_schema_load(ecpr_odm_schema **out, const char *dir,
    ecpr_error *err)
{
	xmlSchemaParserCtxtPtr pc = NULL;
	xmlExternalEntityLoader old;
	ecpr_odm_schema *schema = NULL;
	struct guard g;
	char *path = NULL;
	size_t i, len;
	int rc;

	*out = NULL;
	if (dir == NULL || *dir == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no ODM schema directory given");
	len = strlen(dir) + 32;
	if ((path = malloc(len)) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	for (i = 0; i < sizeof(schema_files) / sizeof(schema_files[0]); i++) {
		snprintf(path, len, "%s/%s", dir, schema_files[i]);
		if (access(path, R_OK) != 0) {
			rc = ecpr__error_set(err, ECPR_EIO, path, 0,
			    "cannot read the ODM schema: %s",
			    strerror(errno));
			free(path);
			return rc;
		}
	}
	snprintf(path, len, "%s/%s", dir, schema_files[0]);
	memset(&g, 0, sizeof(g));
	g.path = path;
	g.err = err;
	if ((schema = calloc(1, sizeof(*schema))) == NULL ||
	    (pc = xmlSchemaNewParserCtxt(path)) == NULL) {
		free(schema);
		free(path);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	xmlSchemaSetParserStructuredErrors(pc, schema_parse_error, &g);
	old = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(schema_loader);
	schema->xsd = xmlSchemaParse(pc);
	xmlSetExternalEntityLoader(old);
	xmlSchemaFreeParserCtxt(pc);
	if (schema->xsd == NULL) {
		if (!g.failed)
			ecpr__error_set(err, ECPR_EPARSE, path, 0,
			    "cannot parse the ODM schema");
		free(schema);
		free(path);
		return ECPR_EPARSE;
	}
	free(path);
	*out = schema;
	return ECPR_OK;
}

void
ecpr_odm_schema_free(ecpr_odm_schema *schema)
{
	if (schema == NULL)
		return;
	xmlSchemaFree(schema->xsd);
	free(schema);
}

/* ------------------------------------------------------------------ */
/* Validation                                                           */
/* ------------------------------------------------------------------ */

static int
known_ns(const xmlNs *ns)
{
	const char *href;

	if (ns == NULL || ns->href == NULL)
		return 1; /* no namespace: the schema judges it */
	href = (const char *)ns->href;
	return strcmp(href, ECPR_ODM_NS) == 0 ||
	    strcmp(href, XMLDSIG_NS) == 0 ||
	    strcmp(href, (const char *)XML_XML_NAMESPACE) == 0 ||
	    strcmp(href, XSI_NS) == 0;
}

/* Depth check and, when lax, removal of foreign-namespace nodes. */
static int
walk(xmlNodePtr parent, int depth, int lax, ecpr_odm_validate_result *res,
    const char *path, ecpr_error *err)
{
	xmlNodePtr cur, next;
	xmlAttrPtr a, an;
	int rc;

	if (depth > ECPR_ODM_MAX_DEPTH)
		return ecpr__error_set(err, ECPR_EPARSE, path,
		    (unsigned long)xmlGetLineNo(parent),
		    "element %s: nested deeper than %d elements",
		    (const char *)parent->name, ECPR_ODM_MAX_DEPTH);
	for (cur = parent->children; cur != NULL; cur = next) {
		next = cur->next;
		if (cur->type != XML_ELEMENT_NODE)
			continue;
		if (lax && !known_ns(cur->ns)) {
			xmlUnlinkNode(cur);
			xmlFreeNode(cur);
			res->aside_elements++;
			continue;
		}
		if (lax) {
			for (a = cur->properties; a != NULL; a = an) {
				an = a->next;
				if (!known_ns(a->ns)) {
					xmlRemoveProp(a);
					res->aside_attributes++;
				}
			}
		}
		if ((rc = walk(cur, depth + 1, lax, res, path, err)) != 0)
			return rc;
	}
	return ECPR_OK;
}

struct vstate {
	const char *path;
	const ecpr_odm_validate_opts *opts;
	ecpr_odm_validate_result *res;
	ecpr_error *err;
};

static void
valid_error(void *data, xmlErrorPtr xe)
{
	struct vstate *v = data;
	ecpr_error e = ECPR_ERROR_INIT;

	if (xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(&e, ECPR_ERULE, v->path, xe);
	if (v->res->errors == 0 && v->err != NULL)
		*v->err = e;
	v->res->errors++;
	if (v->opts->on_error != NULL)
		v->opts->on_error(&e, v->opts->ctx);
}

int
ecpr_odm_validate(const ecpr_odm_schema *schema, const char *path,
    const ecpr_odm_validate_opts *opts, ecpr_odm_validate_result *res,
    ecpr_error *err)
{
	static const ecpr_odm_validate_opts defaults =
	    ECPR_ODM_VALIDATE_OPTS_INIT;
	ecpr_odm_validate_result mine;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	struct vstate v;
	int rc;

	if (res == NULL)
		res = &mine;
	memset(res, 0, sizeof(*res));
	if (opts == NULL)
		opts = &defaults;
	if (schema == NULL || path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no schema or no file");
	if ((rc = parse_doc(&doc, path, err)) != ECPR_OK)
		return rc;
	if ((root = xmlDocGetRootElement(doc)) == NULL) {
		xmlFreeDoc(doc);
		return ecpr__error_set(err, ECPR_EPARSE, path, 0,
		    "no root element");
	}
	if ((rc = walk(root, 1, opts->lax, res, path, err)) != ECPR_OK) {
		xmlFreeDoc(doc);
		return rc;
	}
	v.path = path;
	v.opts = opts;
	v.res = res;
	v.err = err;
	if ((vc = xmlSchemaNewValidCtxt(schema->xsd)) == NULL) {
		xmlFreeDoc(doc);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	xmlSchemaSetValidStructuredErrors(vc, valid_error, &v);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlFreeDoc(doc);
	if (rc == 0 && res->errors == 0)
		return ECPR_OK;
	if (res->errors == 0)
		return ecpr__error_set(err, ECPR_ERULE, path, 0,
		    "does not validate against the ODM 1.3.2 schema");
	return ECPR_ERULE;
}
