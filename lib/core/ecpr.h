/*
 * ecpr.h - libecpr, the core of the ECPR registry library
 *
 * The core wing (libc only): errors, time values and zones, the
 * vocabulary, episodes, derived intervals, the case-record source and
 * output files.  Each other wing has a library and a header of its own,
 * which include this one and never each other in a circle:
 * ecpr_db.h (libecpr-registry, PostgreSQL), ecpr_odm.h (libecpr-odm,
 * CDISC ODM with libxml2), ecpr_timeline.h (libecpr-timeline, layout)
 * and ecpr_render.h (libecpr-render, cairo and pango).  All names start with ecpr_ (functions, types)
 * or ECPR_ (macros, enumerators).  Objects are opaque handles created by
 * X_new() or X_load() and released by X_free(); X_free(NULL) is a no-op.
 * Functions return an ecpr_status (0 on success, a negative ECPR_E* code on
 * failure) and fill the caller's ecpr_error, which may be NULL.  A returned
 * "const char *" is borrowed from the object it came from.  The library
 * keeps no global or thread-local state.
 */
#ifndef ECPR_H
#define ECPR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ECPR_VERSION_STRING "0.1.0"

/** Version of the library actually linked (may differ from the header). */
const char *ecpr_version(void);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

typedef enum ecpr_status {
	ECPR_OK = 0,
	ECPR_ENOMEM = -1,   /* out of memory */
	ECPR_EINVAL = -2,   /* invalid argument: a bug in the caller */
	ECPR_EIO = -3,      /* a file cannot be opened, read or written */
	ECPR_EPARSE = -4,   /* input is malformed: CSV/XML syntax, a bad value */
	ECPR_ERULE = -5,    /* well-formed input that breaks a rule */
	ECPR_EDB = -6,      /* the database refused or cannot be reached */
	ECPR_ERENDER = -7,  /* cairo/pango could not draw or write */
	ECPR_ENOTFOUND = -8 /* a named thing does not exist (time zone, ...) */
} ecpr_status;

#define ECPR_ERROR_FILE_MAX 512
#define ECPR_ERROR_MSG_MAX 512

/*
 * One error.  Messages name the field and the value ("field \"cpr_start\":
 * \"2023-02-30\" is not a valid date"); file and line say where.
 */
typedef struct ecpr_error {
	ecpr_status code;
	char file[ECPR_ERROR_FILE_MAX];   /* "" when there is no file */
	unsigned long line;               /* 0 when there is no line */
	char message[ECPR_ERROR_MSG_MAX]; /* "" when code is ECPR_OK */
	char sqlstate[6];                 /* SQLSTATE for ECPR_EDB, else "" */
} ecpr_error;

#define ECPR_ERROR_INIT { ECPR_OK, "", 0, "", "" }

/** Fixed description of a status code ("parse error", ...). */
const char *ecpr_strerror(int code);

/** Reset an error to ECPR_ERROR_INIT.  NULL is a no-op. */
void ecpr_error_clear(ecpr_error *err);

/**
 * Format "FILE:LINE: MESSAGE", "FILE: MESSAGE" or "MESSAGE" into buf
 * (always NUL-terminated when len > 0).  Returns the length it wanted.
 */
size_t ecpr_error_format(const ecpr_error *err, char *buf, size_t len);

/** Called once per error by readers that go on after errors. */
typedef void (*ecpr_error_cb)(const ecpr_error *err, void *ctx);

/* ------------------------------------------------------------------ */
/* Time values (ISO 8601, partial values, UTC offsets, IANA zones)      */
/* ------------------------------------------------------------------ */

/* The smallest unit a value gives.  Ordered from coarse to fine. */
typedef enum ecpr_precision {
	ECPR_PREC_NONE = 0, /* no value */
	ECPR_PREC_YEAR,
	ECPR_PREC_MONTH,
	ECPR_PREC_DAY,
	ECPR_PREC_MINUTE,
	ECPR_PREC_SECOND
} ecpr_precision;

/*
 * A point in time at a precision: the half-open span [t, end) of UTC
 * seconds since 1970-01-01T00:00Z that the written value covers.
 * "2021-07-27T08:30+08:00" is [00:30Z, 00:31Z); "2021-07-27" in
 * Asia/Shanghai is the whole local day.  offset is the UTC offset in
 * seconds east that applied to the written value at t, used to print it
 * back in local terms.
 */
typedef struct ecpr_time {
	int64_t t;
	int64_t end;
	int32_t offset;
	ecpr_precision prec;
} ecpr_time;

typedef struct ecpr_tz ecpr_tz;

/**
 * Load an IANA time zone ("Europe/Berlin", "UTC") from $TZDIR or
 * /usr/share/zoneinfo (TZif v1-v3, including the POSIX TZ footer used
 * after the last transition).  ECPR_ENOTFOUND for an unknown name,
 * ECPR_EINVAL for a name with "..", ECPR_EPARSE for a broken file.
 */
int ecpr_tz_load(ecpr_tz **out, const char *name, ecpr_error *err);
void ecpr_tz_free(ecpr_tz *tz);
const char *ecpr_tz_name(const ecpr_tz *tz);

/** UTC offset (seconds east) in force at the UTC instant utc. */
int32_t ecpr_tz_offset_at(const ecpr_tz *tz, int64_t utc);

/**
 * Resolve a local wall-clock time (seconds since 1970 as if the local
 * clock were UTC) to UTC.  ECPR_ERULE with a message saying "does not
 * exist" (a gap) or "is ambiguous" (an overlap, naming both offsets).
 */
int ecpr_tz_local_to_utc(const ecpr_tz *tz, int64_t local, int64_t *utc,
    int32_t *offset, ecpr_error *err);

/**
 * Parse an absolute ISO 8601 extended value: YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM],
 * YYYY-MM-DD, YYYY-MM or YYYY.  A time of day without an offset is local
 * time in tz (an error when tz is NULL); a partial value is the whole local
 * span in tz, or in UTC when tz is NULL.  Anything else is ECPR_EPARSE; a
 * non-existent or ambiguous local time is ECPR_ERULE.  The message names
 * the value but not the field: callers prefix it.
 */
int ecpr_time_parse(ecpr_time *out, const char *text, const ecpr_tz *tz,
    ecpr_error *err);

/**
 * Write the value back as ISO 8601 at its precision and with its offset
 * ("2021-07-27T08:30+08:00", "2021-07-27T00:30Z", "2021-08", "").
 * Returns the length it wanted (snprintf-style).
 */
size_t ecpr_time_format(const ecpr_time *tm, char *buf, size_t len);

/** Shift a value by seconds, keeping its precision and offset. */
ecpr_time ecpr_time_shift(const ecpr_time *tm, int64_t seconds);

/**
 * Parse an ISO 8601 duration with weeks, days, hours, minutes and seconds
 * (P7DT3H, PT62M, P2W, PT1.5H is refused: no fractions).  Days are 86400 s.
 * Years and months are refused (their length is not fixed).
 */
int ecpr_duration_parse(int64_t *seconds, const char *text, ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Vocabulary (DOMAIN.md section 2)                                     */
/* ------------------------------------------------------------------ */

typedef enum ecpr_event_type {
	ECPR_EV_CA_ONSET = 0,
	ECPR_EV_CPR_START,
	ECPR_EV_MCC_START,
	ECPR_EV_MCC_STOP,
	ECPR_EV_ROSC_TRANSIENT,
	ECPR_EV_REARREST,
	ECPR_EV_CANNULATION_START,
	ECPR_EV_ECMO_FLOW_START,
	ECPR_EV_ROSC,
	ECPR_EV_ECMO_STOP,
	ECPR_EV_IABP_START,
	ECPR_EV_IABP_STOP,
	ECPR_EV_CRRT_START,
	ECPR_EV_CRRT_STOP,
	ECPR_EV_MV_START,
	ECPR_EV_MV_STOP,
	ECPR_EV_PCI,
	ECPR_EV_ICU_ADMIT,
	ECPR_EV_ICU_DISCHARGE,
	ECPR_EV_HOSPITAL_ADMIT,
	ECPR_EV_HOSPITAL_DISCHARGE,
	ECPR_EV_DEATH,
	ECPR_EV_COUNT
} ecpr_event_type;

/** Contract name ("ca_onset") or NULL for an out-of-range type. */
const char *ecpr_event_name(ecpr_event_type type);
/** Type for a contract name, or -1. */
int ecpr_event_lookup(const char *name);
/** 1 when the event may occur more than once (segments, rosc_transient, ...). */
int ecpr_event_repeatable(ecpr_event_type type);

typedef enum ecpr_attr_id {
	ECPR_AT_AGE_YEARS = 0,
	ECPR_AT_SEX,
	ECPR_AT_BMI,
	ECPR_AT_PRIMARY_DISEASE,
	ECPR_AT_CA_LOCATION,
	ECPR_AT_FIRST_CPR_PROVIDER,
	ECPR_AT_INITIAL_RHYTHM,
	ECPR_AT_APACHE2,
	ECPR_AT_CANNULATION_METHOD,
	ECPR_AT_MCC_DEVICE,
	ECPR_AT_ECMO_DEVICE,
	ECPR_AT_CPC_DISCHARGE,
	ECPR_AT_PUPILLARY_LIGHT_REFLEX, /* yes, no, unknown (issue 11) */
	ECPR_AT_CEREBRAL_HAEMORRHAGE,
	ECPR_AT_WITNESSED,
	ECPR_AT_BYSTANDER_CPR,
	ECPR_AT_COUNT
} ecpr_attr_id;

/** Contract name ("age_years") or NULL. */
const char *ecpr_attr_name(ecpr_attr_id id);
/** Id for a contract name, or -1. */
int ecpr_attr_lookup(const char *name);

/**
 * Check and normalise one attribute value: numbers in range (age_years
 * 0-150, bmi 5-100 with decimals, apache2 0-71, cpc_discharge 1-5 as
 * integers), codes from their lists (sex M/F/U, ca_location, ...;
 * pupillary_light_reflex, cerebral_haemorrhage, witnessed and bystander_cpr
 * yes/no/unknown; matched case-insensitively, written in contract case),
 * free text as given.
 * Writes the canonical text into buf.  ECPR_EPARSE with a message naming
 * the attribute and the value.
 */
int ecpr_attr_normalize(ecpr_attr_id id, const char *value, char *buf,
    size_t len, ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Episodes                                                             */
/* ------------------------------------------------------------------ */

typedef struct ecpr_episode ecpr_episode;

/* One event occurrence, borrowed from its episode. */
typedef struct ecpr_event {
	ecpr_event_type type;
	ecpr_time time;
	const char *text; /* the value as written ("cpr_start+PT10M") */
	const char *note; /* NULL when none */
	const char *file; /* where it was read, NULL when built by code */
	unsigned long line;
} ecpr_event;

/** A new empty episode.  site and subject must be non-empty; number >= 1. */
int ecpr_episode_new(ecpr_episode **out, const char *site,
    const char *subject, long number, ecpr_error *err);
void ecpr_episode_free(ecpr_episode *ep);

const char *ecpr_episode_site(const ecpr_episode *ep);
const char *ecpr_episode_subject(const ecpr_episode *ep);
long ecpr_episode_number(const ecpr_episode *ep);

/**
 * Set an attribute (normalised with ecpr_attr_normalize).  Setting a
 * different value twice is ECPR_ERULE ("given twice"); the same value
 * again is accepted (a wide and a long file may both carry it).
 * file/line say where the value came from and go into errors.
 */
int ecpr_episode_set_attr(ecpr_episode *ep, ecpr_attr_id id,
    const char *value, const char *file, unsigned long line,
    ecpr_error *err);
/** Canonical value or NULL when unknown. */
const char *ecpr_episode_attr(const ecpr_episode *ep, ecpr_attr_id id);

/**
 * Add an event from its written value: absolute ISO 8601 (parsed at
 * once, in tz) or relative "EVENT+DURATION"/"EVENT-DURATION" (checked
 * now, resolved by ecpr_episode_finish).  note may be NULL.
 */
int ecpr_episode_add_event(ecpr_episode *ep, ecpr_event_type type,
    const char *value, const char *note, const ecpr_tz *tz,
    const char *file, unsigned long line, ecpr_error *err);

/**
 * Complete the episode: resolve relative values in any order (unknown
 * anchors and cycles are ECPR_ERULE), merge duplicates (the same event at
 * the same value, as a wide and a long file both give it), refuse a
 * non-repeatable event with two different values, sort events by time,
 * pair start and stop segments and check ordering (a stop before its
 * start, ROSC before the arrest, events after death ...).  Each problem
 * names the episode, the field, the value and the source line.  With
 * cb == NULL it stops at the first problem; otherwise it reports each one
 * through cb and returns the first code.
 */
int ecpr_episode_finish(ecpr_episode *ep, ecpr_error_cb cb, void *ctx,
    ecpr_error *err);

/** Events in time order once finished (insertion order before). */
size_t ecpr_episode_event_count(const ecpr_episode *ep);
const ecpr_event *ecpr_episode_event(const ecpr_episode *ep, size_t i);
/** First occurrence of type, or NULL. */
const ecpr_event *ecpr_episode_first(const ecpr_episode *ep,
    ecpr_event_type type);

/* Paired segments of repeatable start/stop events. */
typedef enum ecpr_segment_kind {
	ECPR_SEG_MCC = 0,
	ECPR_SEG_IABP,
	ECPR_SEG_CRRT,
	ECPR_SEG_MV,
	ECPR_SEG_COUNT
} ecpr_segment_kind;

typedef struct ecpr_segment {
	const ecpr_event *start;
	const ecpr_event *stop; /* NULL: still running / stop unknown */
} ecpr_segment;

/** Number of segments of a kind (after finish). */
size_t ecpr_episode_segment_count(const ecpr_episode *ep,
    ecpr_segment_kind kind);
/** Segment i of a kind, in time order. */
ecpr_segment ecpr_episode_segment(const ecpr_episode *ep,
    ecpr_segment_kind kind, size_t i);

/* ------------------------------------------------------------------ */
/* Derived intervals (DOMAIN.md section 4)                              */
/* ------------------------------------------------------------------ */

typedef enum ecpr_interval_id {
	ECPR_IV_NO_FLOW_MIN = 0,
	ECPR_IV_CONVENTIONAL_CPR_MIN,
	ECPR_IV_MECHANICAL_CC_MIN,
	ECPR_IV_CARDIAC_ARREST_MIN,
	ECPR_IV_ECMO_SETUP_MIN,
	ECPR_IV_CA_TO_FLOW_MIN,
	ECPR_IV_ECPR_DAYS,
	ECPR_IV_ICU_DAYS,
	ECPR_IV_HOSPITAL_DAYS,
	ECPR_IV_CPC_DISCHARGE,
	ECPR_IV_COUNT
} ecpr_interval_id;

typedef enum ecpr_unit {
	ECPR_UNIT_MINUTE = 0, /* whole minutes */
	ECPR_UNIT_DECIDAY,    /* tenths of a day (days with one decimal) */
	ECPR_UNIT_CODE        /* an integer code (cpc_discharge) */
} ecpr_unit;

/*
 * One derived figure in its unit.  known == 0: its inputs are missing
 * (empty).  lo == hi: exact.  lo < hi: a range, because an input is less
 * precise than the unit.  Values are rounded half away from zero.
 */
typedef struct ecpr_interval {
	int known;
	int64_t lo;
	int64_t hi;
} ecpr_interval;

/** Contract name ("no_flow_min") or NULL. */
const char *ecpr_interval_name(ecpr_interval_id id);
/** Id for a contract name, or -1. */
int ecpr_interval_lookup(const char *name);
ecpr_unit ecpr_interval_unit(ecpr_interval_id id);
/** The definition in words, for footnotes and exports. */
const char *ecpr_interval_definition(ecpr_interval_id id);
/** The Table 2 row label ("Conventional CPR duration"), or NULL for an
 *  interval that is not a Table 2 row; borrowed, static. */
const char *ecpr_interval_label(ecpr_interval_id id);
/** The Table 2 footnote mark ("a") of the row, or NULL; borrowed, static. */
const char *ecpr_interval_mark(ecpr_interval_id id);

/**
 * The events a span interval of a finished episode runs between, by its
 * one definition: the first start event, and the first stop event or,
 * when there is none, the first of its fallback (conventional_cpr_min:
 * ecmo_flow_start, else rosc).  *start_out and *stop_out (either may be
 * NULL) are borrowed from ep, NULL when the episode has no such event.
 * ECPR_EINVAL for an interval that is not a span (mechanical_cc_min,
 * cpc_discharge).
 */
int ecpr_interval_events(const ecpr_event **start_out,
    const ecpr_event **stop_out, const ecpr_episode *ep,
    ecpr_interval_id id);

/*
 * The name and version of the definitions (events, code lists, segment
 * pairs, intervals with their start, stop and fallbacks): outputs name it
 * (Table 2 footnote, ODM metadata, chart caption, csv with --defs-comment)
 * so figures are compared only under the same definitions.  Changed with
 * any change to a definition.
 */
#define ECPR_DEFS_VERSION "ecpr-2026.1"
/** ECPR_DEFS_VERSION of the library in use; borrowed, static. */
const char *ecpr_defs_version(void);

/**
 * Number of intervals this library derives.  ECPR_IV_COUNT is the count
 * the caller was compiled with; a newer library may know more (new ids
 * are only ever appended).
 */
size_t ecpr_interval_count(void);

/**
 * Derive the intervals of a finished episode into out[0..n-1] (indexed
 * by ecpr_interval_id; the caller owns out and says how many it holds,
 * usually ECPR_IV_COUNT).  Slots past ecpr_interval_count() are unknown.
 * A negative interval among the first n is ECPR_ERULE naming both events
 * and values.
 */
int ecpr_episode_intervals(const ecpr_episode *ep, ecpr_interval *out,
    size_t n, ecpr_error *err);

/**
 * Write "77", "15.8..16.8", "16.0" or "" (unknown) into buf.  Returns the
 * length it wanted (snprintf-style).
 */
size_t ecpr_interval_format(const ecpr_interval *iv, ecpr_interval_id id,
    char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Case-record files (DOMAIN.md section 5)                              */
/* ------------------------------------------------------------------ */

typedef struct ecpr_read_opts {
	const ecpr_tz *tz;      /* site zone for local times, or NULL */
	ecpr_error_cb on_error; /* NULL: stop at the first error; else report
	                           every error, skip bad episodes, go on */
	void *ctx;              /* passed to on_error */
} ecpr_read_opts;

#define ECPR_READ_OPTS_INIT { NULL, NULL, NULL }

typedef struct ecpr_source ecpr_source;

/**
 * A set of case-record files read as one: wide and long CSV files in any
 * mix, rows for the same episode merged across files.  Files are read in a
 * streaming way: memory holds only the episodes whose rows are not yet all
 * read, whatever the number of episodes.
 */
int ecpr_source_new(ecpr_source **out, const ecpr_read_opts *opts,
    ecpr_error *err);
/** Add a file ("-" is standard input).  ECPR_EIO when it cannot be opened. */
int ecpr_source_add_file(ecpr_source *src, const char *path, ecpr_error *err);
/**
 * The next complete, finished episode in *out (the caller frees it), or
 * *out = NULL at the end.  Errors: ECPR_EIO, ECPR_EPARSE, ECPR_ERULE with
 * file and line.  With on_error set, data errors are reported through it,
 * the episode concerned is skipped, and reading goes on.
 */
int ecpr_source_next(ecpr_source *src, ecpr_episode **out, ecpr_error *err);
/**
 * How far reading has come, in data rows: *total is the number of rows
 * the first pass found (0 before the first ecpr_source_next), *done how
 * many of them have been read into episodes since.  For progress bars.
 */
void ecpr_source_progress(const ecpr_source *src, uint64_t *done,
    uint64_t *total);
/** Number of errors reported through on_error so far. */
size_t ecpr_source_error_count(const ecpr_source *src);
void ecpr_source_free(ecpr_source *src);

/* ------------------------------------------------------------------ */
/* Measured values, observations and complications (ecpr(7))           */
/* ------------------------------------------------------------------ */

/*
 * How the true value compares with the written number.  A censored value
 * (">35000": beyond the assay's range) keeps its comparator through every
 * step: it is never turned into a plain number.
 */
typedef enum ecpr_cmp {
	ECPR_CMP_EQ = 0, /* exactly the number ("13.1") */
	ECPR_CMP_LT,     /* below it ("<0.5") */
	ECPR_CMP_LE,     /* at most ("<=0.5") */
	ECPR_CMP_GT,     /* above it (">35000") */
	ECPR_CMP_GE      /* at least (">=15") */
} ecpr_cmp;

/*
 * A measured value: the exact decimal mant / 10^scale (scale 0..9: the
 * decimals as written, so "15.0" stays 15.0) and its comparator.
 */
typedef struct ecpr_value {
	ecpr_cmp cmp;
	int64_t mant;
	int scale;
} ecpr_value;

#define ECPR_VALUE_DECIMALS_MAX 9

/**
 * Parse "13.1", "-2", ">35000", "> 15.0", "<0.5", "<=0.5", ">=15",
 * "≤0.5", "≥15" (a space may follow the comparator).  Refused with
 * ECPR_EPARSE: an empty value, thousands separators or a decimal comma
 * ("35,000", "15,0"), exponents, more than 9 decimals or 18 digits,
 * anything else.  The message names the value, not the field.
 */
int ecpr_value_parse(ecpr_value *out, const char *text, ecpr_error *err);

/* Flag of ecpr_value_format: the paper's form "> 35,000", "≤ 0.5"
 * (a space after the comparator, thousands grouped with commas from
 * 10,000 up, "≤" and "≥"); without it the contract form ">35000". */
#define ECPR_VALUE_PAPER 1

/** Write the value; returns the length it wanted (snprintf-style). */
size_t ecpr_value_format(const ecpr_value *v, int flags, char *buf,
    size_t len);

/** Compare the numbers of a and b (not the comparators): <0, 0, >0. */
int ecpr_value_number_cmp(const ecpr_value *a, const ecpr_value *b);

/* What is observed: the vocabulary of observations (ecpr(7) lists
 * units, conversions, limits and reference ranges with sources). */
typedef enum ecpr_obs_type {
	ECPR_OBS_NT_PROBNP = 0, /* N-terminal pro-BNP, pg/mL */
	ECPR_OBS_PCT,           /* procalcitonin, ng/mL */
	ECPR_OBS_TROPONIN_I,    /* cardiac troponin I, ng/mL */
	ECPR_OBS_LACTATE,       /* lactate, mmol/L */
	ECPR_OBS_CREATININE,    /* creatinine, umol/L */
	ECPR_OBS_ALT,           /* alanine aminotransferase, U/L */
	ECPR_OBS_BILIRUBIN,     /* total bilirubin, umol/L */
	ECPR_OBS_PLATELETS,     /* platelet count, 10*9/L */
	ECPR_OBS_URINE_OUTPUT,  /* urine output, mL/h */
	ECPR_OBS_URINE_OUTPUT_KG, /* urine output by weight, mL/kg/h */
	ECPR_OBS_ECMO_FLOW,     /* ECMO pump flow, L/min */
	ECPR_OBS_MAP,           /* mean arterial pressure, mm[Hg] */
	ECPR_OBS_COUNT
} ecpr_obs_type;

/** Contract name ("lactate") or NULL; and back (-1: unknown). */
const char *ecpr_obs_name(ecpr_obs_type type);
int ecpr_obs_lookup(const char *name);
/** Number of observations this library knows (new ones are appended). */
size_t ecpr_obs_count(void);
/** The unit values are compared, derived and shown in: its UCUM code
 * ("umol/L"); borrowed, static.  NULL for an unknown type. */
const char *ecpr_obs_unit(ecpr_obs_type type);
/** Table 1 row label ("Lac"), the unit as printed ("μmol/L", "10⁹/L")
 * and the definition in words; borrowed, static, NULL when unknown. */
const char *ecpr_obs_label(ecpr_obs_type type);
const char *ecpr_obs_unit_label(ecpr_obs_type type);
const char *ecpr_obs_definition(ecpr_obs_type type);
/** +1 when the highest value is the worst (lactate), -1 when the lowest
 * is (platelets, urine output); 0 for an unknown type. */
int ecpr_obs_worst(ecpr_obs_type type);
/** Decimals shown in the unit of ecpr_obs_unit() after a conversion. */
int ecpr_obs_decimals(ecpr_obs_type type);

/**
 * The UCUM code of a unit as written ("µmol/L", "μmol/l", "umol/L" all
 * give "umol/L"; "10^9/L" gives "10*9/L"), when type accepts it, else
 * NULL.  Spellings are matched without regard to case.  Borrowed, static.
 */
const char *ecpr_obs_unit_lookup(ecpr_obs_type type, const char *unit);

/**
 * Convert a value of type from unit `from` to unit `to` (either as
 * written, see ecpr_obs_unit_lookup()).  A factor that is a power of ten
 * moves the decimal point (exact); any other factor rounds to
 * ecpr_obs_decimals() when `to` is the type's unit, else to the decimals
 * of the input plus two: half away from zero for an exact value, and
 * outward for a censored bound (">134" mg/dL lactate is ">14.8" mmol/L:
 * the statement stays true).  ECPR_EPARSE for a unit the type does not
 * accept (the message names the unit and lists the accepted ones),
 * ECPR_ERULE when the result does not fit.
 */
int ecpr_obs_convert(ecpr_obs_type type, const ecpr_value *in,
    const char *from, const char *to, ecpr_value *out, ecpr_error *err);

/* Who a reference range is for: adults, or patients younger than 18. */
typedef enum ecpr_population {
	ECPR_POP_ADULT = 0,
	ECPR_POP_PAEDIATRIC,
	ECPR_POP_COUNT
} ecpr_population;

/** "adult", "paediatric" or NULL; and back (-1). */
const char *ecpr_population_name(ecpr_population pop);
int ecpr_population_lookup(const char *name);

/*
 * A reference range in the observation's unit: a lower bound (lo.cmp
 * ECPR_CMP_GE or ECPR_CMP_GT) and/or an upper bound (hi.cmp ECPR_CMP_LE
 * or ECPR_CMP_LT).  "0.7-2.5" is [0.7, 2.5], "<0.5" is hi < 0.5, ">17"
 * is lo > 17.
 */
typedef struct ecpr_range {
	int has_lo, has_hi;
	ecpr_value lo, hi;
} ecpr_range;

/** Parse "0.7-2.5" (also with an en dash), "<0.5", "<=0.5", ">17",
 * ">=65".  ECPR_EPARSE naming the text. */
int ecpr_range_parse(ecpr_range *out, const char *text, ecpr_error *err);
/** "0.7-2.5", "<0.5"; with ECPR_VALUE_PAPER "0.7–2.5", "< 0.5". */
size_t ecpr_range_format(const ecpr_range *rg, int flags, char *buf,
    size_t len);

/**
 * Where v lies against rg: 'H' (certainly above), 'L' (certainly below),
 * 'N' (certainly inside), '?' when a censored value leaves it open
 * ("<3" against 0.7-2.5).  A value and its range are in the same unit.
 */
int ecpr_range_flag(const ecpr_range *rg, const ecpr_value *v);

/* The reference ranges in use: the library's (ecpr(7)) with a site's
 * overrides read from a file (ecpr-ranges(5)). */
typedef struct ecpr_ranges ecpr_ranges;

/** The library's ranges in *out. */
int ecpr_ranges_new(ecpr_ranges **out, ecpr_error *err);
/**
 * Read overrides from a CSV file with header observation,population,
 * range,unit (unit optional: the observation's unit; a range in another
 * unit it accepts is converted).  An empty range removes the range.
 * Errors FILE:LINE with the field and value; on error nothing of the
 * file is applied.
 */
int ecpr_ranges_load(ecpr_ranges *rs, const char *path, ecpr_error *err);
/** The range of type for pop in *out: 1, or 0 when there is none. */
int ecpr_ranges_get(const ecpr_ranges *rs, ecpr_obs_type type,
    ecpr_population pop, ecpr_range *out);
void ecpr_ranges_free(ecpr_ranges *rs);

/* One observation of an episode, borrowed from it. */
typedef struct ecpr_observation {
	ecpr_obs_type type;
	ecpr_time time;
	const char *time_text; /* the time as written ("ecmo_flow_start+P1D") */
	ecpr_value value;      /* as written, in unit */
	const char *unit;      /* the UCUM code of the unit written */
	const char *file;      /* where it was read, NULL when built by code */
	unsigned long line;
} ecpr_observation;

/**
 * Add an observation: time as an event's (absolute, or relative to an
 * event: resolved by ecpr_episode_finish()), value as ecpr_value_parse()
 * reads it, unit one that type accepts.  A value outside the type's
 * possible limits (a negative count, a lactate of 300 mmol/L) is
 * ECPR_ERULE.  Errors name the field ("observation", "time", "value",
 * "unit") and the value.
 */
int ecpr_episode_add_observation(ecpr_episode *ep, ecpr_obs_type type,
    const char *time, const char *value, const char *unit,
    const ecpr_tz *tz, const char *file, unsigned long line,
    ecpr_error *err);
/** Observations in order of time and type once finished. */
size_t ecpr_episode_observation_count(const ecpr_episode *ep);
const ecpr_observation *ecpr_episode_observation(const ecpr_episode *ep,
    size_t i);

/**
 * The worst value of type in the episode's window, in the type's unit
 * (ecpr_obs_unit()): the highest or lowest (ecpr_obs_worst()) among the
 * observations whose time lies certainly inside [first `from`, first
 * `to`] (the whole written span of each; a missing `to` leaves the
 * window open).  The paper's "worst during the ECPR course" is from
 * ECPR_EV_ECMO_FLOW_START to ECPR_EV_ECMO_STOP.  Censored values stay
 * censored: the highest of 13.1 and >15.0 is >15.0; the highest of <0.5
 * and 0.3 is <0.5.  Returns 1 with *out set, 0 when no value is in the
 * window (or the episode has no `from`), or a negative ecpr_status.
 */
int ecpr_episode_worst(const ecpr_episode *ep, ecpr_obs_type type,
    ecpr_event_type from, ecpr_event_type to, ecpr_value *out,
    ecpr_error *err);

/** The population of an episode: paediatric when age_years < 18, else
 * adult (also when the age is unknown). */
ecpr_population ecpr_episode_population(const ecpr_episode *ep);

/* Whom a complication is attributed to. */
typedef enum ecpr_attribution {
	ECPR_BY_MCC = 0, /* mechanical chest compression */
	ECPR_BY_ECPR,    /* ECMO / ECPR */
	ECPR_BY_OTHER,
	ECPR_BY_COUNT
} ecpr_attribution;

/** "mcc", "ecpr", "other" or NULL; and back (-1). */
const char *ecpr_attribution_name(ecpr_attribution by);
int ecpr_attribution_lookup(const char *name);

/* The complication code list (aligned with the ELSO registry's groups;
 * ecpr(7)).  Code 0 is "none": assessed, and there was none. */
#define ECPR_COMPLICATION_NONE 0
/** Number of codes. */
size_t ecpr_complication_count(void);
/** Code name ("pulmonary_contusion") or NULL; and back (-1). */
const char *ecpr_complication_name(int code);
int ecpr_complication_lookup(const char *name);
/** Table label ("Pulmonary contusion", "PI"), the words an abbreviated
 * label stands for ("pulmonary infection", NULL when not abbreviated),
 * and its group ("pulmonary"); borrowed, static, NULL when unknown. */
const char *ecpr_complication_label(int code);
const char *ecpr_complication_abbrev(int code);
const char *ecpr_complication_group(int code);

/* One complication of an episode, borrowed from it. */
typedef struct ecpr_complication {
	int code;
	ecpr_attribution by;
	ecpr_time time;        /* prec ECPR_PREC_NONE: time unknown */
	const char *time_text; /* "" when unknown */
	const char *note;      /* NULL when none */
	const char *file;
	unsigned long line;
} ecpr_complication;

/**
 * Add a complication; time may be NULL or "" (unknown), else as an
 * event's.  "none" together with a complication of the same attribution
 * is ECPR_ERULE at ecpr_episode_finish().
 */
int ecpr_episode_add_complication(ecpr_episode *ep, int code,
    ecpr_attribution by, const char *time, const char *note,
    const ecpr_tz *tz, const char *file, unsigned long line,
    ecpr_error *err);
/** Complications in code-list order (then time) once finished. */
size_t ecpr_episode_complication_count(const ecpr_episode *ep);
const ecpr_complication *ecpr_episode_complication(const ecpr_episode *ep,
    size_t i);

/* ------------------------------------------------------------------ */
/* Reports: the durations table (Table 2)                               */
/* ------------------------------------------------------------------ */

/* How the table is laid out. */
typedef enum ecpr_report_layout {
	ECPR_REPORT_EPISODES = 0, /* a row per episode: site, subject,
	                             episode and every interval */
	ECPR_REPORT_PAPER         /* Table 2 of the seed paper: a column per
	                             case, a row per characteristic */
} ecpr_report_layout;

/* What the table is written as. */
typedef enum ecpr_report_format {
	ECPR_REPORT_CSV = 0,  /* RFC 4180 (the episodes layout: the contract) */
	ECPR_REPORT_TEXT,     /* aligned columns and footnotes */
	ECPR_REPORT_MARKDOWN, /* a pipe table */
	ECPR_REPORT_LATEX,    /* a booktabs tabular */
	ECPR_REPORT_HTML      /* a <table> fragment */
} ecpr_report_format;

typedef struct ecpr_report ecpr_report;

/** Layout name ("episodes", "paper") or NULL; and back (-1: unknown). */
const char *ecpr_report_layout_name(ecpr_report_layout layout);
int ecpr_report_layout_lookup(const char *name);
/** Format name ("csv", "text", "markdown", "latex", "html") or NULL;
 * and back (-1: unknown). */
const char *ecpr_report_format_name(ecpr_report_format format);
int ecpr_report_format_lookup(const char *name);

/** An empty report in *out (the caller frees it with ecpr_report_free). */
int ecpr_report_new(ecpr_report **out, ecpr_report_layout layout,
    ecpr_error *err);
/**
 * Add a finished episode: its intervals are derived and formatted and
 * what the layout shows is copied, so ep may be freed at once.  A
 * negative interval is ECPR_ERULE (the report is unchanged).
 */
int ecpr_report_add_episode(ecpr_report *rep, const ecpr_episode *ep,
    ecpr_error *err);
/**
 * The window of the worst values of observations (Table 1 and the
 * OBS_worst columns): from the first `from` to the first `to` event
 * (default ECPR_EV_ECMO_FLOW_START to ECPR_EV_ECMO_STOP, the ECPR
 * course).  ECPR_EINVAL once episodes are added.
 */
int ecpr_report_set_window(ecpr_report *rep, ecpr_event_type from,
    ecpr_event_type to, ecpr_error *err);
/**
 * The reference ranges for Table 1 and the OBS_flag columns (borrowed:
 * rs must outlive the report; NULL: the library's).  ECPR_EINVAL once
 * episodes are added.
 */
int ecpr_report_set_ranges(ecpr_report *rep, const ecpr_ranges *rs,
    ecpr_error *err);
/** Number of episodes added. */
size_t ecpr_report_count(const ecpr_report *rep);
/**
 * Write the table to fp (not closed) in order of site, subject and
 * episode.  ECPR_EIO ("cannot write: ...") when fp refuses, ECPR_ENOMEM.
 * More episodes may be added after, and the report written again.
 */
int ecpr_report_write(ecpr_report *rep, ecpr_report_format format,
    FILE *fp, ecpr_error *err);
/** Free a report; NULL is a no-op. */
void ecpr_report_free(ecpr_report *rep);

/* ------------------------------------------------------------------ */
/* Episodes from files or the registry, with filters                    */
/* ------------------------------------------------------------------ */

/*
 * Which episodes a stream gives.  An episode starts at its ca_onset (the
 * earliest, if several), else at its earliest event; an episode with no
 * event has no start and passes no since/until.  The strings are
 * borrowed: the stream constructors copy what they keep.
 */
typedef struct ecpr_episode_filter {
	const char *site;    /* NULL: every site */
	const char *subject; /* NULL: every subject */
	int has_since;       /* episodes that start */
	int64_t since;       /* at or after since (UTC seconds) */
	int has_until;
	int64_t until;       /* ... and before until */
} ecpr_episode_filter;

#define ECPR_EPISODE_FILTER_INIT { NULL, NULL, 0, 0, 0, 0 }

/**
 * Set since from a time value as ecpr_time_parse() reads it (local times
 * in tz): its start, so "2023" means from 2023-01-01T00:00.  ECPR_EPARSE
 * or ECPR_ERULE with ecpr_time_parse()'s message; f is unchanged then.
 */
int ecpr_episode_filter_since(ecpr_episode_filter *f, const char *text,
    const ecpr_tz *tz, ecpr_error *err);
/** Set until from a time value: its end, so "2023" means before 2024. */
int ecpr_episode_filter_until(ecpr_episode_filter *f, const char *text,
    const ecpr_tz *tz, ecpr_error *err);
/** 1 when the episode passes the filter (NULL passes all), else 0. */
int ecpr_episode_filter_match(const ecpr_episode_filter *f,
    const ecpr_episode *ep);

/* A stream of finished episodes, from files, the registry or a backend. */
typedef struct ecpr_episodes ecpr_episodes;

/* What a backend does for ecpr_episodes_new. */
typedef struct ecpr_episodes_ops {
	/* The next episode in *out (owned by the caller), NULL at the end. */
	int (*next)(void *ctx, ecpr_episode **out, ecpr_error *err);
	/* Episodes reported and skipped so far; NULL: none ever. */
	size_t (*error_count)(void *ctx);
	/* Free ctx; NULL: nothing to free. */
	void (*free)(void *ctx);
} ecpr_episodes_ops;

/**
 * A stream over a backend (the registry's ecpr_db_episodes_new() is one).
 * ops is borrowed and must outlive the stream; ctx is owned by the stream
 * on success (ops->free at ecpr_episodes_free), by the caller on failure.
 * The backend applies its own filter.
 */
int ecpr_episodes_new(ecpr_episodes **out, const ecpr_episodes_ops *ops,
    void *ctx, ecpr_error *err);
/**
 * A stream over case-record files (an ecpr_source with opts) giving only
 * the episodes that pass filter (NULL: all), in the order the files give
 * them.  Add the files with ecpr_episodes_add_file.
 */
int ecpr_episodes_open_files(ecpr_episodes **out, const ecpr_read_opts *opts,
    const ecpr_episode_filter *filter, ecpr_error *err);
/**
 * The registry's episodes that pass filter (NULL: all), as
 * ecpr_db_episodes_open() of libecpr-registry gives them, without linking
 * it: the core loads that wing (and so libpq) with dlopen() at the first
 * call, from its own directory or by soname, and keeps it loaded.
 * conninfo as ecpr_db_connect() takes it ("" or NULL: the PG* environment,
 * else the embedded registry).  ECPR_EDB when the registry wing cannot be
 * loaded or the registry cannot be reached.
 */
int ecpr_episodes_open_registry(ecpr_episodes **out, const char *conninfo,
    const ecpr_episode_filter *filter, ecpr_error *err);
/**
 * Add a file ("-": standard input), as ecpr_source_add_file().  ECPR_EIO
 * when it cannot be opened; ECPR_EINVAL on a stream not made by
 * ecpr_episodes_open_files or once reading has begun.
 */
int ecpr_episodes_add_file(ecpr_episodes *es, const char *path,
    ecpr_error *err);
/**
 * The next episode that passes the filter in *out (the caller frees it),
 * or *out = NULL at the end.  Errors as the backend gives them.
 */
int ecpr_episodes_next(ecpr_episodes *es, ecpr_episode **out,
    ecpr_error *err);
/** Episodes reported through on_error and skipped so far. */
size_t ecpr_episodes_error_count(const ecpr_episodes *es);
/** Free the stream and what it owns.  NULL is a no-op. */
void ecpr_episodes_free(ecpr_episodes *es);

/* ------------------------------------------------------------------ */
/* Output files                                                         */
/* ------------------------------------------------------------------ */

/**
 * An output file written through a temporary file beside it
 * ("PATH.tmpXXXXXX") that replaces it only when everything was written,
 * so a failed run never leaves a truncated file.  A file that is
 * replaced keeps its permissions (and its owner and group where the
 * caller may set them; group bits are dropped when the group cannot be
 * kept); a new file gets 0666 less the umask, or 0600 with
 * ECPR_OUTFILE_PRIVATE.  An existing device or FIFO (/dev/stdout) is
 * written in place.
 */
typedef struct ecpr_outfile ecpr_outfile;

/** Flag of ecpr_outfile_open: a new file is readable by its owner only. */
#define ECPR_OUTFILE_PRIVATE 1

/** Open path for writing.  ECPR_EIO (with the path) when it cannot. */
int ecpr_outfile_open(ecpr_outfile **out, const char *path, int flags,
    ecpr_error *err);
/** The stream to write to (owned by of). */
FILE *ecpr_outfile_fp(const ecpr_outfile *of);
/**
 * commit != 0: flush, close and rename into place (ECPR_EIO when any of
 * it fails, and then nothing is left); commit 0: close and remove the
 * temporary file.  Frees of; NULL is a no-op.
 */
int ecpr_outfile_close(ecpr_outfile *of, int commit, ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Statistics and outcomes (cohort tables, outcome figures)             */
/* ------------------------------------------------------------------ */

/** The p-quantile (0 <= p <= 1) of sorted[0..n-1] by R's type 7 (linear between order statistics:
 *  h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])); n == 0: NaN. */
double ecpr_stats_quantile(const double *sorted, size_t n, double p);
/** Wilson score interval of k successes in n trials for the normal quantile z (1.959963984540054 for 95 %):
 *  *lo and *hi in [0, 1].  ECPR_EINVAL when n == 0 or k > n. */
int ecpr_stats_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi);
#define ECPR_STATS_Z95 1.959963984540054

/** 1 when the episode survived to hospital discharge, 0 when it died in hospital, -1 unknown. */
int ecpr_episode_survived(const ecpr_episode *ep);
/** 1 when cpc_discharge is 1 or 2, 0 when 3-5 (death is 5), -1 unknown. */
int ecpr_episode_favourable(const ecpr_episode *ep);

/* ------------------------------------------------------------------ */
/* Eligibility criteria and flowcharts (ecpr-criteria(5))               */
/* ------------------------------------------------------------------ */

/* A set of eligibility criteria read from a criteria file. */
typedef struct ecpr_criteria ecpr_criteria;

/**
 * Read a criteria file (ecpr-criteria(5)): a title, a source (the
 * citation) and named criteria in order, each with a label and an
 * expression over attributes, intervals and events.  ECPR_EIO when it
 * cannot be read; ECPR_EPARSE with FILE:LINE naming the key and the value
 * for anything wrong in it (*out stays NULL then).
 */
int ecpr_criteria_load(ecpr_criteria **out, const char *path,
    ecpr_error *err);
/** Free a criteria set; NULL is a no-op. */
void ecpr_criteria_free(ecpr_criteria *c);
/** The title and the source (citation) of the set; borrowed. */
const char *ecpr_criteria_title(const ecpr_criteria *c);
const char *ecpr_criteria_source(const ecpr_criteria *c);
/** Number of criteria, in file order (the steps of a flowchart). */
size_t ecpr_criteria_count(const ecpr_criteria *c);
/** Name ("plr"), label ("Pupillary light reflex present") and expression
 * as written ("pupillary_light_reflex = yes") of criterion i; borrowed,
 * NULL when i is out of range. */
const char *ecpr_criteria_name(const ecpr_criteria *c, size_t i);
const char *ecpr_criteria_label(const ecpr_criteria *c, size_t i);
const char *ecpr_criteria_expr(const ecpr_criteria *c, size_t i);

/* The verdict of one criterion on one episode: an unknown value (an
 * empty attribute, the code "unknown", an interval whose inputs are
 * missing or a range that straddles the limit) is unknown, never a pass
 * or a failure. */
typedef enum ecpr_verdict {
	ECPR_VERDICT_FAIL = 0,
	ECPR_VERDICT_PASS = 1,
	ECPR_VERDICT_UNKNOWN = 2
} ecpr_verdict;

/**
 * Evaluate every criterion on a finished episode into
 * out[0..ecpr_criteria_count(c)-1].  ECPR_ERULE when the episode has a
 * negative interval (as ecpr_episode_intervals()).
 */
int ecpr_criteria_eval(const ecpr_criteria *c, const ecpr_episode *ep,
    ecpr_verdict *out, ecpr_error *err);

/*
 * A flowchart: episodes go through the criteria in order; at each step
 * those that fail are excluded (the reason: that criterion), those
 * unknown are set aside as unknown (they never pass and never fail), the
 * others go on; the ones that pass all are eligible.  Outcomes are
 * counted per final box.
 */
typedef struct ecpr_flow ecpr_flow;

/** An empty flowchart over c (borrowed: it must outlive the flow). */
int ecpr_flow_new(ecpr_flow **out, const ecpr_criteria *c, ecpr_error *err);
/** Add a finished episode (errors as ecpr_criteria_eval(); the flow is
 * unchanged then). */
int ecpr_flow_add(ecpr_flow *f, const ecpr_episode *ep, ecpr_error *err);
/** Free a flowchart; NULL is a no-op. */
void ecpr_flow_free(ecpr_flow *f);

/* The counts of one step. */
typedef struct ecpr_flow_step {
	uint64_t in, passed, failed, unknown; /* in = passed + failed +
	                                         unknown */
	uint64_t failed_survived, failed_favourable; /* outcomes of the
	                                                excluded (known ones) */
} ecpr_flow_step;

/** Number of steps (= ecpr_criteria_count). */
size_t ecpr_flow_step_count(const ecpr_flow *f);
/** The counts of step i in *out; ECPR_EINVAL when i is out of range. */
int ecpr_flow_step_get(const ecpr_flow *f, size_t i, ecpr_flow_step *out);

/* The outcomes of a group of episodes. */
typedef struct ecpr_flow_outcome {
	uint64_t n, survived, died, survival_unknown, favourable,
	    unfavourable, cpc_unknown;
} ecpr_flow_outcome;

/** Episodes added. */
void ecpr_flow_total(const ecpr_flow *f, uint64_t *n);
/** The outcomes of the eligible episodes (those that passed every step). */
void ecpr_flow_eligible(const ecpr_flow *f, ecpr_flow_outcome *out);

/* ------------------------------------------------------------------ */
/* Outcome by an interval in bins (ecpr_outcome_new(3))                 */
/* ------------------------------------------------------------------ */

/**
 * Count the outcomes of one episode into o (n, and survival to hospital
 * discharge by ecpr_episode_survived(), CPC 1-2 by
 * ecpr_episode_favourable(), each known or not): n = survived + died +
 * survival_unknown = favourable + unfavourable + cpc_unknown.
 */
void ecpr_flow_outcome_add(ecpr_flow_outcome *o, const ecpr_episode *ep);

/* The episodes that are in no bin. */
typedef enum ecpr_outcome_group {
	ECPR_OUTCOME_NOT_BINNABLE = 0, /* the interval is a range LO..HI
	                                  that reaches into two bins or more */
	ECPR_OUTCOME_MISSING,          /* the interval is unknown */
	ECPR_OUTCOME_BELOW,            /* below the first bin */
	ECPR_OUTCOME_GROUP_COUNT
} ecpr_outcome_group;

/** "not_binnable", "missing", "below" or NULL. */
const char *ecpr_outcome_group_name(ecpr_outcome_group g);

/* The most bins an ecpr_outcome has. */
#define ECPR_OUTCOME_BINS_MAX 32

typedef struct ecpr_outcome ecpr_outcome;

/**
 * Outcomes by interval id (a span or mechanical_cc_min, not
 * cpc_discharge) in bins.  bins is the list of the bins' lower edges,
 * increasing, in the interval's unit as it is written: whole minutes
 * ("0,30,45,60,90") or days with at most one decimal ("0,7,14.5").
 * Bin i holds the values from edge i up to edge i+1 (exclusive), the
 * last bin every value from its edge up ("90+").  ECPR_EPARSE naming
 * bins and the item for a bad list (the message does not name the
 * option), ECPR_EINVAL for cpc_discharge or an unknown id.
 */
int ecpr_outcome_new(ecpr_outcome **out, ecpr_interval_id id,
    const char *bins, ecpr_error *err);
/** Free; NULL is a no-op. */
void ecpr_outcome_free(ecpr_outcome *oc);

/**
 * Count a finished episode: its interval (ecpr_episode_intervals())
 * decides its bin; a range LO..HI (an imprecise input) goes into a bin
 * only when the whole range lies in it, else it is not binnable (never
 * a guess).  A negative interval is ECPR_ERULE and nothing is counted.
 */
int ecpr_outcome_add_episode(ecpr_outcome *oc, const ecpr_episode *ep,
    ecpr_error *err);

ecpr_interval_id ecpr_outcome_interval(const ecpr_outcome *oc);
size_t ecpr_outcome_bin_count(const ecpr_outcome *oc);

/* One bin: its edges in the interval's unit (ecpr_interval: minutes or
 * tenths of a day) and its counts. */
typedef struct ecpr_outcome_bin {
	int64_t from; /* the least value in it */
	int64_t to;   /* the first value above it; -1: open (the last) */
	ecpr_flow_outcome counts;
} ecpr_outcome_bin;

/** Bin i in *out; ECPR_EINVAL when there is no bin i. */
int ecpr_outcome_bin_get(const ecpr_outcome *oc, size_t i,
    ecpr_outcome_bin *out);
/**
 * The label of bin i: "0-29", "30" (a bin of one value), "90+";
 * "0.0-6.9", "14.0+" for days; with ECPR_VALUE_PAPER an en dash
 * ("0–29").  Returns the length it wanted (snprintf-style), 0 and ""
 * when there is no bin i.
 */
size_t ecpr_outcome_bin_label(const ecpr_outcome *oc, size_t i, int flags,
    char *buf, size_t len);
/** The counts of a group, and of every episode added. */
void ecpr_outcome_group_get(const ecpr_outcome *oc, ecpr_outcome_group g,
    ecpr_flow_outcome *out);
void ecpr_outcome_total(const ecpr_outcome *oc, ecpr_flow_outcome *out);

/**
 * Write the table as RFC 4180 csv to fp (not closed): the header
 * interval,bin,from,to,n,survived,died,survival_unknown,survival_pct,
 * survival_lo,survival_hi,favourable,unfavourable,cpc_unknown,
 * favourable_pct,favourable_lo,favourable_hi,definitions; a row per bin,
 * then not_binnable, missing, below (only when the first edge is above
 * 0) and all.  Proportions are of the episodes whose outcome is known,
 * empty when there is none.  ECPR_EIO when fp refuses.
 */
int ecpr_outcome_write_csv(const ecpr_outcome *oc, FILE *fp,
    ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Cohort tables (a paper's Table 1)                                    */
/* ------------------------------------------------------------------ */

typedef struct ecpr_summary ecpr_summary;

/* What a cohort table shows. */
typedef struct ecpr_summary_opts {
	const char *by; /* NULL: the whole cohort only; "site" or an
	                   attribute name: a column per stratum too */
} ecpr_summary_opts;

#define ECPR_SUMMARY_OPTS_INIT { NULL }

/**
 * An empty cohort table in *out (opts NULL: the defaults).  ECPR_ENOTFOUND
 * when by is neither "site" nor an attribute name.
 */
int ecpr_summary_new(ecpr_summary **out, const ecpr_summary_opts *opts,
    ecpr_error *err);
/**
 * Count a finished episode: its intervals, attributes and outcomes are
 * copied, so ep may be freed at once.  A negative interval is ECPR_ERULE
 * (the table is unchanged).
 */
int ecpr_summary_add_episode(ecpr_summary *s, const ecpr_episode *ep,
    ecpr_error *err);
/** Number of episodes added. */
size_t ecpr_summary_count(const ecpr_summary *s);
/**
 * Write the table to fp (not closed): a column for the whole cohort and
 * one per stratum; n, median [IQR], min and max, missing and ranges of
 * every interval and numeric attribute, n (%) of every value of the
 * other attributes, the worst value of each observation during the ECPR
 * course (censored ones counted apart), survival to hospital discharge
 * and CPC 1-2 at discharge with Wilson 95 % intervals.  ECPR_EIO when fp refuses,
 * ECPR_ENOMEM.
 */
int ecpr_summary_write(const ecpr_summary *s, ecpr_report_format format,
    FILE *fp, ecpr_error *err);
/** Free a summary; NULL is a no-op. */
void ecpr_summary_free(ecpr_summary *s);
/**
 * The worst value of each observation between the first from and the
 * first to of an episode (ecpr_episode_worst(3)); the default is
 * ecmo_flow_start to ecmo_stop, the ECPR course.  ECPR_EINVAL for an
 * unknown event or once episodes are added.
 */
int ecpr_summary_set_window(ecpr_summary *s, ecpr_event_type from,
    ecpr_event_type to, ecpr_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ECPR_H */
