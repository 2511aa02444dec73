/*
 * ecpr_odm.h - CDISC ODM 1.3.2 exchange (part of libecpr)
 *
 * Validation against the official ODM 1.3.2 XML Schema, streaming reading
 * of any ODM 1.3.x ClinicalData, and the keyed hash used to make subject
 * pseudonyms.  Conventions as in ecpr.h: opaque handles, X_free(NULL) is a
 * no-op, functions return an ecpr_status and fill the caller's ecpr_error.
 *
 * Hostile XML: every reader here refuses a document type declaration
 * (so no DTD, no external or internal entity is ever loaded or expanded),
 * never touches the network, keeps libxml2's size limits (no
 * XML_PARSE_HUGE), refuses elements nested deeper than
 * ECPR_ODM_MAX_DEPTH or with more than ECPR_ODM_MAX_ATTRIBUTES attributes,
 * and says "empty", "not an XML file" or "truncated" for such files.
 */
#ifndef ECPR_ODM_H
#define ECPR_ODM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ecpr.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The ODM 1.3 namespace (shared by ODM 1.3.0, 1.3.1 and 1.3.2). */
#define ECPR_ODM_NS "http://www.cdisc.org/ns/odm/v1.3"

/** The Study and MetaDataVersion OIDs that exports write. */
#define ECPR_ODM_STUDY_OID "ECPR"
#define ECPR_ODM_MDV_OID "MDV.ECPR.1"

/** Deepest element nesting accepted in an ODM file (the root is 1). */
#define ECPR_ODM_MAX_DEPTH 64
/**
 * Most attributes (namespace declarations included) accepted on one
 * element: more are refused before libxml2 parses the start tag (its
 * check for duplicate attributes takes time quadratic in their number).
 */
#define ECPR_ODM_MAX_ATTRIBUTES 256

/* ------------------------------------------------------------------ */
/* Schema validation                                                    */
/* ------------------------------------------------------------------ */

typedef struct ecpr_odm_schema ecpr_odm_schema;

/**
 * Load ODM1-3-2.xsd from dir (with the files it imports: xml.xsd,
 * xmldsig-core-schema.xsd, ODM1-3-2-foundation.xsd from the same
 * directory; nothing else is ever loaded).  ECPR_EIO when a file is
 * missing, ECPR_EPARSE when the schema is broken.
 *
 * libxml2 before 2.14 has no per-context resource loader, so while the
 * schema is parsed a process-wide loader that only admits those four
 * files is installed, and the previous one restored afterwards: do not
 * call this while another thread parses XML.
 */
int ecpr_odm_schema_load(ecpr_odm_schema **out, const char *dir,
    ecpr_error *err);
void ecpr_odm_schema_free(ecpr_odm_schema *schema);

typedef struct ecpr_odm_validate_opts {
	int lax;                /* set aside foreign-namespace nodes first */
	ecpr_error_cb on_error; /* each schema error, or NULL */
	void *ctx;              /* passed to on_error */
} ecpr_odm_validate_opts;

#define ECPR_ODM_VALIDATE_OPTS_INIT { 0, NULL, NULL }

/* What a validation found. */
typedef struct ecpr_odm_validate_result {
	size_t errors;            /* schema errors */
	size_t aside_elements;    /* foreign elements set aside (--lax) */
	size_t aside_attributes;  /* foreign attributes set aside (--lax) */
} ecpr_odm_validate_result;

/**
 * Validate the file at path against the schema.  Returns ECPR_OK when it
 * is valid, ECPR_ERULE when it breaks the schema (err holds the first
 * error as "element StudyName: ..." with file and line, on_error gets
 * every one), ECPR_EPARSE when it is not well-formed or is refused as
 * hostile, ECPR_EIO when it cannot be read.  res may be NULL.
 */
int ecpr_odm_validate(const ecpr_odm_schema *schema, const char *path,
    const ecpr_odm_validate_opts *opts, ecpr_odm_validate_result *res,
    ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Checking ClinicalData against our study metadata                     */
/* ------------------------------------------------------------------ */

typedef struct ecpr_odm_check_opts {
	const ecpr_tz *tz;      /* zone of times of day without an offset;
				   NULL: such values are errors */
	ecpr_error_cb on_error; /* each problem, or NULL */
	void *ctx;              /* passed to on_error */
} ecpr_odm_check_opts;

#define ECPR_ODM_CHECK_OPTS_INIT { NULL, NULL, NULL }

/**
 * Check the ClinicalData of the file at path against the study metadata
 * that ecpr_odm_writer_new() writes (study ECPR_ODM_STUDY_OID, version
 * ECPR_ODM_MDV_OID), with a streaming reader (constant memory):
 *
 * - every ClinicalData names our StudyOID and MetaDataVersionOID (the
 *   data of one that does not are not looked at further), and there is
 *   at least one ClinicalData;
 * - every StudyEventOID, FormOID, ItemGroupOID and ItemOID is defined,
 *   and referenced by the definition of the level it sits in;
 * - a repeat key is given exactly where the definition repeats, and no
 *   key (OID and repeat key) is given twice in the same parent;
 * - every ItemData value is of its ItemDef's DataType (integer, float,
 *   text, partialDatetime: ISO 8601 at any precision as
 *   ecpr_time_parse() reads it, with opts->tz), within the attribute's
 *   range, and one of its CodeList's coded values; age_years may also be
 *   "90+" (de-identified exports);
 * - every Mandatory="Yes" reference is present.
 *
 * Data carrying a TransactionType other than Insert (a change to earlier
 * data) are not held to the mandatory and duplicate rules.  Every problem
 * goes to opts->on_error as "ELEMENT \"OID\": what is wrong" with file and
 * line; nproblems (may be NULL) counts them.  Returns ECPR_OK, ECPR_ERULE
 * when there are problems (err holds the first), ECPR_EPARSE for
 * malformed or hostile XML, ECPR_EIO when the file cannot be read.
 */
int ecpr_odm_check(const char *path, const ecpr_odm_check_opts *opts,
    size_t *nproblems, ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Reading ClinicalData                                                 */
/* ------------------------------------------------------------------ */

/*
 * One ItemData of a ClinicalData block, with OIDs resolved to names
 * through the MetaDataVersion the block names (for our own study,
 * ECPR_ODM_STUDY_OID, without it in the file: through the metadata that
 * ecpr_odm_writer_new writes; else the OID itself when it has no
 * definition).  Strings are borrowed for the duration of the callback;
 * absent parts are "".
 */
typedef struct ecpr_odm_row {
	const char *study_oid;
	const char *subject;      /* SubjectKey */
	const char *event;        /* StudyEventDef Name ("" under SubjectData) */
	const char *event_repeat; /* StudyEventRepeatKey */
	const char *form;
	const char *form_repeat;  /* FormRepeatKey */
	const char *item_group;
	const char *group_repeat; /* ItemGroupRepeatKey */
	const char *item;
	const char *value;        /* Value, typed ItemData text, "" if IsNull */
	const char *event_oid;
	const char *form_oid;
	const char *item_group_oid;
	const char *item_oid;
	const char *transaction;  /* TransactionType of the nearest level */
	unsigned long line;       /* line of the ItemData */
	const char *decode;       /* the value's Decode (first TranslatedText)
				     in the item's CodeList, or "" */
	const char *unit;         /* the Name of the ItemData's
				     MeasurementUnitOID (for our own study
				     the UCUM code), or "" when none */
} ecpr_odm_row;

/** Return 0 to go on, or a negative ecpr_status to stop (returned). */
typedef int (*ecpr_odm_row_cb)(const ecpr_odm_row *row, void *ctx);

/**
 * Read an ODM 1.3.x file with a streaming reader (memory holds only the
 * metadata names, whatever the amount of ClinicalData) and call cb once
 * per ItemData, in document order.  Several Study and ClinicalData
 * blocks, transactional files, FormData directly under SubjectData and
 * any encoding the XML declaration names are accepted.  An empty
 * ItemGroupData of our own study marked Remove (or under a Remove) gives
 * one Remove row per item of the group; any other empty SubjectData,
 * StudyEventData, FormData or ItemGroupData marked so gives one Remove
 * row with item_oid "" (the element removed whole).  ECPR_EPARSE with
 * file and line for malformed or hostile XML, ECPR_EIO when it cannot be
 * opened.  nrows (may be NULL) counts the rows given to cb.
 */
int ecpr_odm_read(const char *path, ecpr_odm_row_cb cb, void *ctx,
    size_t *nrows, ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Import: ODM ClinicalData into case-record episodes                   */
/* ------------------------------------------------------------------ */

/** The map of an import (ecpr-odm-map(5)): items to fields, codes. */
typedef struct ecpr_odm_map ecpr_odm_map;

/**
 * Read the map file at path into a new map in *out (the caller frees it
 * with ecpr_odm_map_free()).  ECPR_EPARSE with the file and line of the
 * first mistake, ECPR_EIO ("cannot open: ..." or "cannot read: ...")
 * with the file, ECPR_ENOMEM.
 */
int ecpr_odm_map_load(ecpr_odm_map **out, const char *path,
    ecpr_error *err);
/** Free a map.  NULL is a no-op. */
void ecpr_odm_map_free(ecpr_odm_map *map);
/** The map's "site = NAME", or NULL (borrowed: valid until freed). */
const char *ecpr_odm_map_site(const ecpr_odm_map *map);

/** An ItemData's TransactionType as a change to the registry. */
typedef enum ecpr_odm_tx {
	ECPR_ODM_TX_NONE,   /* none: the value as it is (a snapshot) */
	ECPR_ODM_TX_INSERT,
	ECPR_ODM_TX_UPDATE,
	ECPR_ODM_TX_UPSERT,
	ECPR_ODM_TX_REMOVE  /* no value any more (value "") */
} ecpr_odm_tx;

/** One value of an imported episode. */
typedef struct ecpr_odm_value {
	int attr;             /* an ecpr_attr_id, or -1: the event below */
	ecpr_event_type type; /* the event (attr -1) */
	const char *value;    /* as ecpr_episode_set_attr/add_event take it */
	unsigned long line;   /* of its ItemData */
	ecpr_odm_tx tx;
	unsigned occurrence;  /* which event of its type, from 1 (0: attr) */
} ecpr_odm_value;

/** What an entry of an imported episode is: one repeat of the group
 * IG.OBSERVATION or IG.COMPLICATION. */
typedef enum ecpr_odm_entry_kind {
	ECPR_ODM_OBSERVATION = 0,
	ECPR_ODM_COMPLICATION
} ecpr_odm_entry_kind;

/** The items of an entry (ecpr_odm_part_item() names them). */
typedef enum ecpr_odm_part {
	ECPR_ODM_P_CODE = 0,    /* observation / complication */
	ECPR_ODM_P_TIME,        /* observation_time / complication_time */
	ECPR_ODM_P_VALUE,       /* observation_value (">35000", "15.0") */
	ECPR_ODM_P_ATTRIBUTION, /* attribution (complications) */
	ECPR_ODM_P_NOTE,        /* complication_note (complications) */
	ECPR_ODM_P_COUNT
} ecpr_odm_part;

/**
 * The item name (ItemDef Name, case-record field) of part of an entry of
 * kind ("observation_value"), or NULL when that kind has no such part.
 */
const char *ecpr_odm_part_item(ecpr_odm_entry_kind kind, ecpr_odm_part part);

/** An observation or a complication of an imported episode. */
typedef struct ecpr_odm_entry {
	ecpr_odm_entry_kind kind;
	const char *repeat;   /* its ItemGroupRepeatKey ("" when none) */
	const char *part[ECPR_ODM_P_COUNT]; /* as read; NULL: not given */
	unsigned long line[ECPR_ODM_P_COUNT]; /* of each part's ItemData */
	const char *unit;     /* the value's unit (ecpr_odm_row.unit), or
				 NULL when none */
	unsigned long first_line; /* of the group's first ItemData */
	ecpr_odm_tx tx;       /* the TransactionType of its items */
} ecpr_odm_entry;

/**
 * An episode as the import read it: the values of one SubjectKey and
 * StudyEventRepeatKey, in document order, date and time items joined,
 * codes decoded, --date-format dates rewritten as ISO 8601.  Every
 * pointer is borrowed for the duration of the callback.
 */
typedef struct ecpr_odm_episode {
	const char *file;     /* the ODM file */
	unsigned long line;   /* of the episode's first ItemData */
	const char *site;
	const char *subject;
	long number;          /* the StudyEventRepeatKey, else 1 */
	const ecpr_odm_value *values;
	size_t nvalues;
	const ecpr_odm_entry *entries; /* observations, complications */
	size_t nentries;
} ecpr_odm_episode;

/**
 * The codes of entry en of e: the observation type (ecpr_obs_type) or the
 * complication code in *type, the attribution in *by (complications;
 * else 0).  ECPR_EPARSE with e's file and the item's line when the
 * observation or complication is missing or unknown, a complication has
 * no known attribution, or an observation value has no unit that its
 * observation accepts; the message names the item and the value.
 */
int ecpr_odm_entry_codes(const ecpr_odm_episode *e, const ecpr_odm_entry *en,
    int *type, int *by, ecpr_error *err);

/**
 * Build the episode e describes in *out (caller frees it with
 * ecpr_episode_free()), with its observations and complications
 * (ecpr_odm_entry_codes() checks their codes), finished as
 * ecpr_episode_finish() does; Remove values and entries are left out,
 * local times are read in tz.  The error of a value
 * names its file and line; an error of the whole episode has no file.
 */
int ecpr_odm_episode_build(ecpr_episode **out, const ecpr_odm_episode *e,
    const ecpr_tz *tz, ecpr_error *err);
/** 1 when a value of e has a TransactionType (a change), else 0. */
int ecpr_odm_episode_is_change(const ecpr_odm_episode *e);

/**
 * Called for each episode read.  Return 0 when it is taken, ECPR_EPARSE,
 * ECPR_ERULE or ECPR_EINVAL when it is refused (the callback says why)
 * and the import goes on, any other negative ecpr_status to stop
 * (ecpr_odm_import_file() returns it).
 */
typedef int (*ecpr_odm_episode_cb)(const ecpr_odm_episode *e, void *ctx);

typedef struct ecpr_odm_import_opts {
	const ecpr_odm_map *map;  /* NULL: items named as the fields */
	const char *const *date_formats; /* strptime(3) formats, or NULL */
	size_t ndate_formats;
	ecpr_odm_episode_cb on_episode;
	ecpr_error_cb on_error;   /* each problem of the data, or NULL */
	void *ctx;                /* passed to both */
} ecpr_odm_import_opts;

#define ECPR_ODM_IMPORT_OPTS_INIT { NULL, NULL, 0, NULL, NULL, NULL }

/** What the import set aside, over all files read. */
typedef struct ecpr_odm_import_stats {
	size_t ignored;  /* item values that map to no field */
	size_t ages;     /* ages "90+" left unknown */
	size_t context;  /* Context item values (change nothing) */
} ecpr_odm_import_stats;

typedef struct ecpr_odm_import ecpr_odm_import;

/**
 * A new import in *out (caller frees it with ecpr_odm_import_free()).
 * opts, its map and its formats are borrowed: they must outlive the
 * import.  ECPR_EINVAL without opts->on_episode, ECPR_ENOMEM.
 */
int ecpr_odm_import_new(ecpr_odm_import **out,
    const ecpr_odm_import_opts *opts, ecpr_error *err);
/**
 * Read the ODM file at path and give each episode to opts->on_episode.
 * Problems of the data (an unknown TransactionType, a whole element
 * removed, a time without its date, no site, nothing to import) go to
 * opts->on_error with file and line, and the import goes on.  ECPR_OK
 * when the file was read through; the ecpr_odm_read() error (in err)
 * when it could not be; the callback's status when it stopped (err
 * untouched).
 */
int ecpr_odm_import_file(ecpr_odm_import *im, const char *path,
    ecpr_error *err);
/** What the import set aside so far (stats filled). */
void ecpr_odm_import_get_stats(const ecpr_odm_import *im,
    ecpr_odm_import_stats *stats);
/**
 * Call cb once per map rule item that no file read so far holds, as a
 * warning with the map's file and the rule's line ("warning: item
 * \"EV/OID\" is in no file").  Returns how many.
 */
size_t ecpr_odm_import_unused(const ecpr_odm_import *im, ecpr_error_cb cb,
    void *ctx);
/** Free an import.  NULL is a no-op. */
void ecpr_odm_import_free(ecpr_odm_import *im);

/* ------------------------------------------------------------------ */
/* SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104)                       */
/* ------------------------------------------------------------------ */

#define ECPR_SHA256_LEN 32

typedef struct ecpr_sha256 {
	uint32_t h[8];
	uint64_t nbytes;
	unsigned char buf[64];
	size_t nbuf;
} ecpr_sha256;

void ecpr_sha256_init(ecpr_sha256 *s);
void ecpr_sha256_update(ecpr_sha256 *s, const void *data, size_t len);
void ecpr_sha256_final(ecpr_sha256 *s, unsigned char out[ECPR_SHA256_LEN]);
/** One-shot digest. */
void ecpr_sha256_digest(unsigned char out[ECPR_SHA256_LEN], const void *data,
    size_t len);
/** HMAC-SHA256 of msg under key (any key length). */
void ecpr_hmac_sha256(unsigned char out[ECPR_SHA256_LEN], const void *key,
    size_t keylen, const void *msg, size_t msglen);

/* ------------------------------------------------------------------ */
/* De-identification (export default)                                   */
/* ------------------------------------------------------------------ */

/** Shortest site key accepted, in bytes. */
#define ECPR_ODM_KEY_MIN 16
/** Length of a pseudonym with its NUL: "P" and 24 hex digits. */
#define ECPR_ODM_PSEUDONYM_LEN 26

/**
 * Read a site key from a file (its bytes, one trailing newline dropped).
 * *key is malloc'd (free with ecpr_odm_key_free, which wipes it).
 * ECPR_EIO when unreadable, ECPR_ERULE when shorter than ECPR_ODM_KEY_MIN.
 */
int ecpr_odm_key_load(unsigned char **key, size_t *keylen, const char *path,
    ecpr_error *err);
void ecpr_odm_key_free(unsigned char *key, size_t keylen);

/**
 * The pseudonym of a subject: "P" and the first 24 hex digits of
 * HMAC-SHA256(key, "subject" NUL site NUL subject).  buf holds at least
 * ECPR_ODM_PSEUDONYM_LEN bytes.
 */
void ecpr_odm_pseudonym(char buf[ECPR_ODM_PSEUDONYM_LEN],
    const unsigned char *key, size_t keylen, const char *site,
    const char *subject);

/**
 * The secret date shift of a subject in seconds: minus a whole number of
 * days from 1 to 364, from HMAC-SHA256(key, "shift" NUL site NUL subject).
 * Every time of the subject moves by the same amount, so every interval
 * is kept exactly and dates stay dates.
 */
int64_t ecpr_odm_date_shift(const unsigned char *key, size_t keylen,
    const char *site, const char *subject);

/**
 * The date shift of a subject's episodes (given together), in seconds,
 * by one rule that keeps every interval exact (a value is the time of an
 * event, an observation or a complication):
 *
 * - without a value known only to the month or year it is
 *   ecpr_odm_date_shift();
 * - otherwise a partial value cannot move by an arbitrary number of days
 *   and stay a month or a year (a month moved by 10 days is no longer a
 *   month, and widening it would change the intervals), so the shift is
 *   the number of days between the first of the month of the subject's
 *   first partial value and the first of a month 1 to 48 months earlier,
 *   among those that move every month value onto a month of the same
 *   length and every year value onto a 1 January of a year of the same
 *   length; the secret picks one of these.  Every value of the subject,
 *   at any precision, moves by that same whole number of days.
 *
 * ECPR_ERULE when no such shift exists (values around 1900 or 2100).
 */
int ecpr_odm_subject_shift(int64_t *shift, const unsigned char *key,
    size_t keylen, const ecpr_episode *const *eps, size_t n,
    ecpr_error *err);

/** 1 when every value of ep moves by shift (seconds) at its precision. */
int ecpr_odm_shift_fits(const ecpr_episode *ep, int64_t shift);

/**
 * An age as a de-identified export writes it: "90+" for 90 and over, else
 * the value unchanged.  Returns the length it wanted (snprintf-style).
 */
size_t ecpr_odm_age_text(char *buf, size_t len, const char *age);

/* ------------------------------------------------------------------ */
/* Export                                                               */
/* ------------------------------------------------------------------ */

/*
 * An ODM AuditRecord: who (UserRef to the User "USR.<user>"), where
 * (LocationRef to the Location "LOC.<location>"), when (DateTimeStamp,
 * an xs:dateTime) and why.
 */
typedef struct ecpr_odm_audit {
	const char *id;       /* ID attribute, or NULL */
	const char *user;
	const char *location;
	const char *when;
	const char *reason;   /* ReasonForChange, or NULL */
	const char *source;   /* SourceID, or NULL */
} ecpr_odm_audit;

/*
 * The AuditRecord of one exported value of ep: the attribute attr
 * (attr >= 0, ev NULL) or the event ev (attr -1).  NULL: none.  The
 * record is used before the next call.
 */
typedef const ecpr_odm_audit *(*ecpr_odm_audit_cb)(const ecpr_episode *ep,
    int attr, const ecpr_event *ev, void *ctx);

typedef struct ecpr_odm_export_opts {
	int identified;           /* 1: real keys, dates, ages, free text */
	const unsigned char *key; /* site key (de-identified exports) */
	size_t keylen;
	const char *creation_time; /* CreationDateTime, NULL: now */
	/* audit trail (identified exports only): AdminData names ... */
	const char *const *users;     /* User "USR.<name>" */
	size_t nusers;
	const char *const *locations; /* Location "LOC.<name>", a Site */
	size_t nlocations;
	ecpr_odm_audit_cb audit;      /* ... and an AuditRecord per ItemData */
	void *audit_ctx;
} ecpr_odm_export_opts;

#define ECPR_ODM_EXPORT_OPTS_INIT { 0, NULL, 0, NULL, NULL, 0, NULL, 0, \
	NULL, NULL }

typedef struct ecpr_odm_writer ecpr_odm_writer;

/**
 * Start an ODM 1.3.2 document on fp (not closed): the Study with its
 * MetaDataVersion generated from the vocabulary, then ClinicalData.
 * Unless opts->identified, a key of at least ECPR_ODM_KEY_MIN bytes is
 * required: subject keys become pseudonyms, every time of a subject is
 * moved by its date shift, ages of 90 and over become "90+", and only
 * coded, numeric and date items are written (an allow-list): every text
 * item (primary_disease, mcc_device, ecmo_device) is left out, with its
 * ItemDef, unless the study metadata marks it safe (the site).  Every
 * time of a subject moves by ecpr_odm_subject_shift() (values known only
 * to the month or year included), so every interval is kept exactly.
 */
int ecpr_odm_writer_new(ecpr_odm_writer **out, FILE *fp,
    const ecpr_odm_export_opts *opts, ecpr_error *err);
/**
 * Write the finished episodes of one subject (same site and subject) as
 * one SubjectData, with one date shift for all of them.
 */
int ecpr_odm_writer_add_subject(ecpr_odm_writer *w,
    const ecpr_episode *const *eps, size_t n, ecpr_error *err);
/**
 * Write one finished episode.  A next episode of the subject just
 * written joins its SubjectData and its date shift; ECPR_ERULE when that
 * shift does not keep the new episode's partial values (give a subject's
 * episodes together with ecpr_odm_writer_add_subject instead).
 */
int ecpr_odm_writer_add(ecpr_odm_writer *w, const ecpr_episode *ep,
    ecpr_error *err);
/**
 * Add one AuditRecord (rec->id required) to the AuditRecords of the
 * ClinicalData.  Closes the open SubjectData: add no episode after it.
 * ECPR_EINVAL in a de-identified export.
 */
int ecpr_odm_writer_audit_record(ecpr_odm_writer *w,
    const ecpr_odm_audit *rec, ecpr_error *err);
/** Close the document and flush it.  ECPR_EIO when writing failed. */
int ecpr_odm_writer_finish(ecpr_odm_writer *w, ecpr_error *err);
void ecpr_odm_writer_free(ecpr_odm_writer *w);

/* ------------------------------------------------------------------ */
/* The audit trail of an identified export                              */
/* ------------------------------------------------------------------ */

/** One row of the registry's audit log, as the caller read it. */
typedef struct ecpr_odm_audit_row {
	int64_t id;             /* audit id: AuditRecord "AR.<id>" */
	int64_t batch;          /* import batch, 0 when none */
	const char *key;        /* site/subject/episode[/event#occurrence] */
	const char *column;     /* the column, "*": the event row itself */
	const char *old_value;  /* NULL when none */
	const char *new_value;  /* NULL when none */
	const char *at;         /* when (an xs:dateTime) */
	const char *user;       /* who: the database role */
	const char *location;   /* where: the site */
} ecpr_odm_audit_row;

/** The audit log rows of an export, and the records made of them. */
typedef struct ecpr_odm_audit_log ecpr_odm_audit_log;

/** A new, empty log in *out (caller frees it).  ECPR_ENOMEM. */
int ecpr_odm_audit_log_new(ecpr_odm_audit_log **out, ecpr_error *err);
/** Add a copy of row (its strings are copied).  ECPR_ENOMEM. */
int ecpr_odm_audit_log_add(ecpr_odm_audit_log *log,
    const ecpr_odm_audit_row *row, ecpr_error *err);
/**
 * After the last row: collect the distinct users and locations and index
 * the rows by key.  ECPR_ENOMEM.
 */
int ecpr_odm_audit_log_finish(ecpr_odm_audit_log *log, ecpr_error *err);
/**
 * Point the export options at the log: the AdminData users and
 * locations, and an AuditRecord per exported value (the latest change of
 * its row; for an event the change of its source text when that batch
 * changed it).  Everything set is borrowed from the log: free the log
 * after the writer.
 */
void ecpr_odm_audit_log_export_opts(ecpr_odm_audit_log *log,
    ecpr_odm_export_opts *opts);
/** Note that ep was exported: its rows go into the AuditRecords. */
void ecpr_odm_audit_log_mark(ecpr_odm_audit_log *log,
    const ecpr_episode *ep);
/**
 * Write an AuditRecord for every row of the exported episodes, in id
 * order, ReasonForChange naming the row's key.  The writer's error.
 */
int ecpr_odm_audit_log_write(ecpr_odm_audit_log *log, ecpr_odm_writer *w,
    ecpr_error *err);
/** Free a log.  NULL is a no-op. */
void ecpr_odm_audit_log_free(ecpr_odm_audit_log *log);

#ifdef __cplusplus
}
#endif

#endif /* ECPR_ODM_H */
