/*
 * odm_internal.h - helpers shared by the ODM modules (never installed).
 */
#ifndef ECPR_ODM_INTERNAL_H
#define ECPR_ODM_INTERNAL_H

#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <stdint.h>
#include <stdio.h>

#include "ecpr_odm.h"

/*
 * Refuse a file whose prolog holds a document type declaration, before
 * any other reader sees it: reads only up to the root element's start
 * tag (the XML declaration's encoding is honoured).  ECPR_EPARSE with
 * file and line when refused or not well-formed there, ECPR_EIO when the
 * file cannot be read.
 */
int ecpr__odm_check_prolog(const char *path, ecpr_error *err);

/*
 * Turn a libxml2 error into ours: "element X: message" (the node's name
 * when known), with the namespace of ODM left out, first letter lower
 * case, no trailing newline.  file is used when the error has none.
 */
void ecpr__odm_xml_error(ecpr_error *err, ecpr_status code,
    const char *file, const xmlError *xe);

/*
 * The byte scanner that every parse of an ODM file reads through, ahead
 * of libxml2: it refuses an element with more than
 * ECPR_ODM_MAX_ATTRIBUTES attributes (before libxml2's quadratic check of
 * duplicate attributes) or nested deeper than ECPR_ODM_MAX_DEPTH, a file
 * that does not start with "<" (not XML) and one with nothing in it
 * (empty), and knows at the end of the file whether it ended inside the
 * document (truncated).  ASCII-compatible encodings and UTF-16 are
 * scanned.
 */
#define ECPR__SCAN_STACK ECPR_ODM_MAX_DEPTH
struct ecpr__odm_scan {
	FILE *fp;
	char *iobuf;        /* fp's buffer (SCAN_BUFSIZE) */
	const char *path;
	ecpr_error *err;
	int failed;          /* err holds the scanner's refusal */
	int eof;             /* the end of the file was read */
	int unit, be;        /* 1 (bytes) or 2 (UTF-16, big-endian) */
	int detected;        /* unit decided */
	int havepend;        /* half a UTF-16 unit pending */
	unsigned char pend;
	int state, quote, dashes, cdk, slash, innm;
	int roots;           /* root elements opened */
	int started;         /* a character other than blanks seen */
	int mismatch;        /* an end tag did not match (libxml2 says) */
	int nothead;         /* not XML: collecting the first characters */
	char head[24];
	size_t nhead;
	unsigned long line, tag_line;
	unsigned long last_line; /* line of the last non-blank character */
	const unsigned char *lpos; /* lines are counted up to here in the
				      buffer being scanned (scan_8bit) */
	unsigned nattr;
	int depth;
	int endtag;          /* the tag being read is an end tag */
	char name[64];       /* name of the tag being read */
	size_t nlen;
	char open[ECPR__SCAN_STACK][64];  /* names of the open elements */
	size_t open_len[ECPR__SCAN_STACK];
	unsigned long open_line[ECPR__SCAN_STACK];
	/* open[pend_from] to open[depth - 1], opened by scan_8bit's fast
	 * path, have their line counted at the next scan_sync: they start
	 * at open_pos[] in the buffer being scanned */
	int pend_from;
	const unsigned char *open_pos[ECPR__SCAN_STACK];
};

/* Open path for scanning: ECPR_OK or ECPR_EIO "cannot open". */
int ecpr__odm_scan_open(struct ecpr__odm_scan *s, const char *path,
    ecpr_error *err);
/* An xmlInputReadCallback / xmlInputCloseCallback over the scanner. */
int ecpr__odm_scan_read(void *ctx, char *buf, int len);
int ecpr__odm_scan_close(void *ctx);
/*
 * After libxml2 reported xe (may be NULL) on the scanned file: when the
 * file ended inside the document and the error is at its end, replace
 * err by "truncated: ..." (ECPR_EPARSE).  1 when it did.
 */
int ecpr__odm_scan_truncated(struct ecpr__odm_scan *s, unsigned long line);

/*
 * The streaming reader of odm_read.c and odm_check.c: xmlTextReader with
 * no network and line numbers beyond 65535 kept; libxml2's first error
 * goes to err (ECPR_EPARSE) and sets failed.
 */
struct ecpr__odm_reader {
	xmlTextReaderPtr rd;
	const char *path;
	ecpr_error *err;
	int failed;
	unsigned long err_line;       /* line of libxml2's first error */
	struct ecpr__odm_scan *scan;  /* the input, owned by rd */
};

/*
 * Open path after ecpr__odm_check_prolog: ECPR_OK, ECPR_EINVAL when path
 * is NULL, the prolog's error, or ECPR_EIO "cannot read".  r may be
 * closed whatever the result.
 */
int ecpr__odm_reader_open(struct ecpr__odm_reader *r, const char *path,
    ecpr_error *err);

/*
 * Read the next node: 1 with its type in *type, 0 at the end of the
 * document, or ECPR_EPARSE (in err) for a DTD, an entity reference, an
 * element nested ECPR_ODM_MAX_DEPTH deep, XML that is not well-formed or
 * a libxml2 error (failed) when the end is reached.  The caller decides
 * after which nodes it stops early on failed.
 */
int ecpr__odm_reader_next(struct ecpr__odm_reader *r, int *type);

void ecpr__odm_reader_close(struct ecpr__odm_reader *r);

/*
 * The MeasurementUnitOID of the ItemData (or typed ItemData*) element
 * the reader is on: the attribute of a typed one, else that of its
 * MeasurementUnitRef child (the subtree is expanded; the reader then
 * walks it as usual).  NULL when none; the caller frees it (xmlFree).
 */
xmlChar *ecpr__odm_item_unit(xmlTextReaderPtr rd);

/*
 * A hash of s for the small caches of names and OIDs (its length in
 * *len): of its length and its first and last 8 bytes, where OIDs and
 * item names differ, not a multiplication a byte.  A collision costs a
 * look-up, never a wrong answer.
 */
uint32_t ecpr__odm_key_hash(const char *s, size_t *len);

/* A piece of a message hashed in pieces. */
struct ecpr__bytes {
	const void *p;
	size_t len;
};

/* ecpr_hmac_sha256() of the n pieces of msg joined, without joining them. */
void ecpr__hmac_sha256_pieces(unsigned char out[ECPR_SHA256_LEN],
    const void *key, size_t keylen, const struct ecpr__bytes *msg,
    size_t n);

/*
 * The ODM writer's output: bytes gathered in buf and written to fp when it
 * is full (ecpr__odm_out_flush writes the rest); failed once a write
 * failed.
 */
struct ecpr__odm_out {
	FILE *fp;
	int failed;
	size_t len;
	char buf[65536];
};

/*
 * s written escaped as libxml2's xmlTextWriter writes it (libxml2 2.9,
 * a document without an encoding): attr 1, an attribute value (& < > "
 * and CR, LF, TAB as references, a byte above 0x7f followed by another
 * byte as the reference of its UTF-8 character, or of the byte alone
 * when that is no XML character); attr 0, text (& < > " and CR).
 */
void ecpr__odm_out_escaped(struct ecpr__odm_out *o, const char *s,
    int attr);
/* Write what buf holds: 0, or -1 when a write failed (then or before). */
int ecpr__odm_out_flush(struct ecpr__odm_out *o);

/*
 * ecpr_time_format() without stdio for years 0 to 9999 (the rest goes to
 * ecpr_time_format): the same text, written into buf (at least 64 bytes).
 */
void ecpr__odm_time_format(const ecpr_time *tm, char buf[64]);

/* Code lists of the exported study metadata. */
struct ecpr__odm_codelist {
	int attr;                  /* its ecpr_attr_id, or -1 */
	const char *oid;
	const char *type;          /* ODM DataType: "text" or "integer" */
	const char *const *codes;  /* NULL-terminated, or NULL: ... */
	const char *(*code)(size_t i); /* ... the i-th code, NULL past the
					  last (the core's tables) */
	const char *name;          /* its Name (NULL: the attribute's) */
};
/* The i-th code of cl, NULL past the last. */
const char *ecpr__odm_code(const struct ecpr__odm_codelist *cl, size_t i);
/* The Name of cl. */
const char *ecpr__odm_codelist_name(const struct ecpr__odm_codelist *cl);
/* The code list of an entry part (observation names, complication codes,
 * attributions), or NULL. */
const struct ecpr__odm_codelist *ecpr__odm_part_codelist(
    ecpr_odm_entry_kind kind, ecpr_odm_part part);

/* The i-th distinct UCUM code of a unit that an observation of the
 * vocabulary accepts, NULL past the last. */
const char *ecpr__odm_unit_code(size_t i);
/* The MeasurementUnit OID of a UCUM code ("MU." and the code). */
void ecpr__odm_unit_oid(char *dst, size_t len, const char *code);
/* The units observation type accepts, "10*9/L, 10*3/uL, /uL", in buf. */
void ecpr__odm_obs_units(char *buf, size_t len, ecpr_obs_type type);
/* The UCUM code of one of our MeasurementUnit OIDs, or NULL. */
const char *ecpr__odm_unit_of_oid(const char *oid);
#define ECPR__ODM_NCODELISTS 13
extern const struct ecpr__odm_codelist
    ecpr__odm_codelists[ECPR__ODM_NCODELISTS];

/* Segment kinds (ecpr__segments, defs.c) are the repeating item groups
 * IG.SEG.<NAME>. */

/* 1 when t starts or stops a segment. */
int ecpr__odm_is_segment_event(ecpr_event_type t);
/* 1 when t has a repeating item group of its own, IG.REP.<NAME>: a
 * repeatable event that is not part of a segment. */
int ecpr__odm_has_rep_group(ecpr_event_type t);
/* The ItemDef of an attribute in the exported study metadata. */
struct ecpr__odm_itemdef {
	const char *type;                          /* ODM DataType */
	const char *unit;                          /* MeasurementUnitOID */
	const struct ecpr__odm_codelist *codelist; /* or NULL */
};
void ecpr__odm_attr_def(ecpr_attr_id id, int identified,
    struct ecpr__odm_itemdef *d);
/*
 * The de-identification allow-list: 1 when the item name of definition
 * d may leave a de-identified export (coded, numeric, a date, or text
 * the study metadata marks safe), 0 when it is dropped.
 */
int ecpr__odm_deid_keeps(const char *name, const struct ecpr__odm_itemdef *d);
/* ecpr__odm_deid_keeps() of an attribute. */
int ecpr__odm_deid_keeps_attr(ecpr_attr_id id);
/* The ItemDef of an entry's part (ecpr_odm_part_item() names it; the
 * value's units are every ecpr__odm_unit_code()), and
 * ecpr__odm_deid_keeps() of it. */
void ecpr__odm_part_def(ecpr_odm_entry_kind kind, ecpr_odm_part part,
    struct ecpr__odm_itemdef *d);
int ecpr__odm_deid_keeps_part(ecpr_odm_entry_kind kind, ecpr_odm_part part);
/* 1 when an entry of kind must have part (its ItemRef is Mandatory). */
int ecpr__odm_part_mandatory(ecpr_odm_entry_kind kind, ecpr_odm_part part);
/*
 * The Name that our study metadata (as ecpr_odm_writer_new writes it)
 * gives oid, or NULL: what a ClinicalData of our study means without its
 * MetaDataVersion in the file.
 */
const char *ecpr__odm_own_name(const char *oid);
/*
 * The item OIDs of our study's item group group_oid (IG.ATTRIBUTES
 * without I.SITE, IG.EVENTS, IG.SEG.*, IG.REP.*) into oids; returns how
 * many (at most max, 0 for a group that is not ours).
 */
size_t ecpr__odm_group_items(const char *group_oid, char oids[][48],
    size_t max);
/* An OID: prefix and name in upper case ("I." "cpr_start" -> I.CPR_START). */
void ecpr__odm_oid(char *dst, size_t len, const char *prefix,
    const char *name);


/* ------------------------------------------------------------------ */
/* The import map (odm_map.c) and the import (odm_import.c)             */
/* ------------------------------------------------------------------ */

/* What an item becomes. */
enum ecpr__odm_field_kind {
	ECPR__F_IGNORE, ECPR__F_SITE, ECPR__F_EVENT, ECPR__F_ATTR,
	ECPR__F_OBS, ECPR__F_COMP  /* a part of an entry */
};

struct ecpr__odm_field {
	enum ecpr__odm_field_kind kind;
	int id; /* event type, attribute id or ecpr_odm_part */
};

/* A field name: site, ignore, an event, an attribute or an entry's item
 * (ecpr_odm_part_item()).  0 or -1. */
int ecpr__odm_field_lookup(const char *name, struct ecpr__odm_field *f);

/* "item [EVENT/]OID = FIELD", or "item D + T = EVENT" (tevent, titem). */
struct ecpr__odm_map_item {
	char *event;  /* StudyEventOID or Name it is limited to, or NULL */
	char *item;   /* ItemDef OID or Name */
	char *tevent, *titem; /* "item D + T = EVENT": the time item T */
	struct ecpr__odm_field f;
	unsigned long line;
};

/* "code ATTRIBUTE CODE = VALUE" */
struct ecpr__odm_map_code {
	struct ecpr__odm_field f;
	char *code;
	char *value;
};

struct ecpr_odm_map {
	char *file;
	char *site; /* NULL when none */
	struct ecpr__odm_map_item *items;
	size_t nitems;
	struct ecpr__odm_map_code *codes;
	size_t ncodes;
};

#endif
