/*
 * internal.h - libecpr internals shared between modules (never installed).
 * Functions named ecpr__* are not exported from libecpr.so; the tests
 * reach them through the libecpr-core.la convenience library.
 */
#ifndef ECPR_INTERNAL_H
#define ECPR_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "ecpr.h"
#include "sort.h"

#if defined(__GNUC__)
#define ECPR__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ECPR__PRINTF(f, a)
#endif

/*
 * Fill err (may be NULL) and return code.  file may be NULL; line 0 means
 * no line.  The message is formatted printf-style and truncated to fit.
 */
int ecpr__error_set(ecpr_error *err, ecpr_status code, const char *file,
    unsigned long line, const char *fmt, ...) ECPR__PRINTF(5, 6);

/* Set file and line on an error that has none yet (a parse message). */
void ecpr__error_locate(ecpr_error *err, const char *file,
    unsigned long line);

/* Prefix the message of err with a formatted text ("field \"x\": "). */
void ecpr__error_prefix(ecpr_error *err, const char *fmt, ...)
    ECPR__PRINTF(2, 3);

/* What an attribute holds (vocab.c): a number (age_years, apache2), a
 * code from a list (initial_rhythm) or free text (mcc_device).  id must
 * be a valid ecpr_attr_id. */
enum ecpr__attr_kind { ECPR__ATTR_NUMBER, ECPR__ATTR_CODE, ECPR__ATTR_TEXT };
enum ecpr__attr_kind ecpr__attr_kind(ecpr_attr_id id);

/* Round num/den half away from zero (den > 0). */
int64_t ecpr__div_round(int64_t num, int64_t den);

/* 1 when the episode has a death that is not after its hospital
 * discharge (no discharge: in hospital), else 0 (stats.c). */
int ecpr__episode_died_in_hospital(const ecpr_episode *ep);

/* 1 when the attribute holds a number (age_years, bmi, apache2 and
 * cpc_discharge), else 0 (codes, free text). */
int ecpr__attr_is_number(ecpr_attr_id id);

/* Index of name among names[0..n-1] (exact match), or -1 (also for NULL). */
int ecpr__name_lookup(const char *name, const char *const names[], size_t n);

/* Room for one more of n elements of size in *p (capacity *cap, doubled
 * from 16): 0, or -1 when memory ran out (*p unchanged). */
int ecpr__grow(void **p, size_t *cap, size_t n, size_t size);

/*
 * A buffer that may grow to megabytes (bigbuf.c): malloc'd while small,
 * from 512 KiB on an anonymous mapping advised as transparent huge pages (a
 * few page faults for megabytes instead of one per 4 KiB).  Zeroed, it
 * is empty.  resize makes cap at least cap bytes and keeps the first
 * keep: 0, or -1 when memory ran out (the buffer unchanged).
 */
struct ecpr__bigbuf {
	void *p;
	size_t cap;
	int mapped;
};
int ecpr__bigbuf_resize(struct ecpr__bigbuf *b, size_t keep, size_t cap);
/* ecpr__grow's room for one more of n elements of size, in a big buffer
 * (its n elements kept, the count doubled from 16). */
int ecpr__bigbuf_grow(struct ecpr__bigbuf *b, size_t n, size_t size);
void ecpr__bigbuf_free(struct ecpr__bigbuf *b);

/*
 * A list of memory chunks that is allocated from and freed as a whole
 * (strings of an episode, keys of a source).  A new chunk holds at least
 * n bytes: min for the first, then twice the last one, but at most max.
 */
struct ecpr__arena_chunk {
	struct ecpr__arena_chunk *next;
	size_t used;
	size_t cap;
	char data[];
};
char *ecpr__arena_alloc(struct ecpr__arena_chunk **head, size_t n,
    size_t min, size_t max);
void ecpr__arena_free(struct ecpr__arena_chunk *head);
/* Free the chunks of head before stop (stop and those after it stay:
 * a first chunk allocated with its owner). */
void ecpr__arena_free_to(struct ecpr__arena_chunk *head,
    struct ecpr__arena_chunk *stop);

/*
 * Temporary files in $TMPDIR (else /tmp), made with mkstemp and unlinked
 * at once: they go away when closed, even when the process dies.  ECPR_EIO
 * "cannot create a temporary file" naming the directory.
 */
int ecpr__tmp_fd(int *out, ecpr_error *err);
int ecpr__tmp_file(FILE **out, ecpr_error *err);
/* The memory budget of a spilling structure: dflt, or the value of the
 * environment variable ECPR_SPILL_MEMORY (bytes; for tests: tiny budgets
 * make every path spill). */
size_t ecpr__spill_budget(size_t dflt);

/* The decimal digits of a at buf (20 bytes at least, no NUL), by hand
 * (no snprintf on a row's path); their count.  interval.c. */
size_t ecpr__put_digits(char *buf, uint64_t a);

/*
 * External merge sort of byte records (xsort.c) in about budget bytes:
 * records are added, sorted once (ecpr__xsort_sort), then read in order
 * of cmp, equal ones in the order added.  What does not fit is written
 * in sorted runs to a temporary file (ecpr__tmp_fd) and merged back.
 * Write errors are ECPR_EIO "cannot write a temporary file: ...".  A
 * record from ecpr__xsort_next stays valid until the next call.
 */
typedef struct ecpr__xsort ecpr__xsort;
typedef int (*ecpr__xsort_cmp)(void *ctx, const void *a, size_t alen,
    const void *b, size_t blen);
int ecpr__xsort_new(ecpr__xsort **out, ecpr__xsort_cmp cmp, void *ctx,
    size_t budget, ecpr_error *err);
int ecpr__xsort_add(ecpr__xsort *xs, const void *rec, size_t len,
    ecpr_error *err);
int ecpr__xsort_sort(ecpr__xsort *xs, ecpr_error *err);
/* Read from the first record again (records may also be added after
 * reading: the next sort takes them in). */
int ecpr__xsort_rewind(ecpr__xsort *xs, ecpr_error *err);
/* 1 and the next record, 0 at the end, or a negative ecpr_status. */
int ecpr__xsort_next(ecpr__xsort *xs, const void **rec, size_t *len,
    ecpr_error *err);
/* A key for the sort in memory: prefix(a) < prefix(b) must mean cmp(a,
 * b) < 0 (cmp decides between equal keys); sorting 16-byte pairs of key
 * and offset then touches no record until keys tie. */
typedef uint64_t (*ecpr__xsort_prefix)(const void *rec, size_t len);
void ecpr__xsort_set_prefix(ecpr__xsort *xs, ecpr__xsort_prefix prefix);
/* The whole order as a key, for the sort in memory (it then calls no
 * cmp): chunk i of a record's key (its bytes 8i to 8i + 7 as a
 * big-endian number, zero bytes past its end) in *chunk, and whether the
 * key goes on after it.  Comparing the chunks in turn as numbers must
 * give cmp's order, and records whose chunks are all equal must be
 * equal for cmp.  Sorts by chunks 8 bytes a digit (MSD), equal ones in
 * the order added; the prefix is not used then. */
typedef int (*ecpr__xsort_key)(const void *rec, size_t len, size_t i,
    uint64_t *chunk);
void ecpr__xsort_set_key(ecpr__xsort *xs, ecpr__xsort_key key);
uint64_t ecpr__xsort_count(const ecpr__xsort *xs);
/* Whether runs were written to a temporary file. */
int ecpr__xsort_spilled(const ecpr__xsort *xs);
void ecpr__xsort_free(ecpr__xsort *xs);

/*
 * The function symbol of another wing (wing "registry": the library
 * libecpr-registry), loaded with dlopen() on first use (wing.c says
 * where it looks).  NULL with ECPR_ENOTFOUND when the library or the
 * symbol cannot be found.  The wing stays loaded.
 */
void *ecpr__wing_symbol(const char *wing, const char *symbol,
    ecpr_error *err);

/*
 * Where an episode was read first: the first line of its first file among
 * its attributes and events.  Returns 0 and sets *file and *line, or -1
 * when no value of it came from a file.
 */
int ecpr__episode_origin(const ecpr_episode *ep, const char **file,
    unsigned long *line);

/* ecpr_episode_add_event with the length of value (its strlen) given. */
int ecpr__episode_add_event_n(ecpr_episode *ep, ecpr_event_type type,
    const char *value, size_t vlen, const char *note, const ecpr_tz *tz,
    const char *file, unsigned long line, ecpr_error *err);

/*
 * With on set, the file names given to ep from now on stay unchanged at
 * their address until it is called again with on 0 (a source's names,
 * while the source builds the episode): the name given last is then
 * known by its address, not compared.
 */
void ecpr__episode_stable_names(ecpr_episode *ep, int on);

/*
 * out[t]: ecpr_episode_first(ep, t) for every event type t, read at once
 * from a finished episode's index.
 */
void ecpr__episode_firsts(const ecpr_episode *ep,
    const ecpr_event *out[ECPR_EV_COUNT]);

/*
 * ecpr_time_parse of text, len its strlen: the common form
 * (YYYY-MM-DDTHH:MM[:SS] with Z or an offset) read in one go, anything
 * else by ecpr__time_parse_general.
 */
int ecpr__time_parse_n(ecpr_time *out, const char *text, size_t len,
    const ecpr_tz *tz, ecpr_error *err);

/*
 * The general reader alone, one character at a time: every form and
 * every message.  ecpr__time_parse_n gives exactly its results; the
 * tests compare the two.
 */
int ecpr__time_parse_general(ecpr_time *out, const char *text,
    const ecpr_tz *tz, ecpr_error *err);

/* Days since 1970-01-01 of a proleptic Gregorian date; and back. */
int64_t ecpr__days_from_civil(int64_t y, int m, int d);

/*
 * The same, inlined where a time is read per row (Howard Hinnant's
 * civil-date algorithm, from its public domain description).
 */
static inline int64_t
ecpr__days_from_civil_inline(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}
void ecpr__civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int ecpr__days_in_month(int64_t y, int m);

/* ------------------------------------------------------------------ */
/* Streaming RFC 4180 CSV reader (lib/csv.c)                           */
/* ------------------------------------------------------------------ */

typedef struct ecpr__csv ecpr__csv;

/*
 * Read records from fp (not closed by the reader).  name is used in
 * errors.  A leading UTF-8 byte-order mark is skipped; CRLF and LF line
 * ends are accepted; quoted fields may hold commas, quotes ("") and line
 * breaks.  Invalid UTF-8 and a broken quote are ECPR_EPARSE with the
 * line.  A NUL byte is ECPR_EPARSE.
 */
int ecpr__csv_new(ecpr__csv **out, FILE *fp, const char *name,
    ecpr_error *err);
void ecpr__csv_free(ecpr__csv *csv);

/*
 * The next record: returns 1 and sets *fields and *nfields (valid until the
 * next call), 0 at end of input, or a negative ecpr_status.  A blank
 * line at the very end is not a record.
 */
int ecpr__csv_next(ecpr__csv *csv, const char *const **fields,
    size_t *nfields, ecpr_error *err);

/*
 * The length of each field of the record returned last (0 for a field
 * not kept), valid as the fields are.
 */
const size_t *ecpr__csv_lengths(const ecpr__csv *csv);

/*
 * For tests: with on set, every record is read byte by byte, none by
 * the vector paths (the reference those are checked against).
 */
void ecpr__csv_bytewise(ecpr__csv *csv, int on);

/*
 * 0 when no field of the record returned last has a blank (space or tab)
 * at an end; 1 when one may have (or it was not looked at).
 */
int ecpr__csv_blanks(const ecpr__csv *csv);

/* Line number (1-based) on which the last returned record started. */
unsigned long ecpr__csv_line(const ecpr__csv *csv);

/* Byte offset in the input where the next record starts. */
long long ecpr__csv_offset(const ecpr__csv *csv);

/*
 * Copy only the fields i < n with keep[i] != 0 (keep NULL: all); the
 * others are still checked and counted but may hold any text.  keep
 * must stay valid while the reader is used.  Pass 1 reads the keys only.
 */
void ecpr__csv_keep(ecpr__csv *csv, const unsigned char *keep, size_t n);

/*
 * Pass 1's look at the next record of a reader with keep set: returns 1
 * and sets *nfields and *same: 1 when its bytes from its start to the
 * end of its last field kept are those of the record skimmed before (so
 * its fields kept are the same; a record with fewer fields has none);
 * 0 at end of input, or a negative ecpr_status.  Fields after the last
 * one kept are checked and counted, sixteen bytes at a time in a plain
 * line; a line that starts with the bytes of the one before (with no
 * line break in them) and a comma is looked at only after them.  The fields are
 * terminated only by ecpr__csv_fields (ecpr__csv_lengths after it).
 */
int ecpr__csv_skim(ecpr__csv *csv, size_t *nfields, int *same,
    ecpr_error *err);

/*
 * Pass 1's look at the records that follow the one skimmed last, all at
 * once: they are passed over while each starts with the bytes of its
 * fields kept then a comma (so it has the same fields kept), has nfields
 * fields in all, holds no quote, CR, NUL or byte above 0x7f and ends
 * with an LF in the data read so far (pass 1's common row of a long
 * file).  Returns how many, the reader left as ecpr__csv_skim leaves it
 * after the last of them (ecpr__csv_line is its line); 0 when the next
 * record is not such a one: ecpr__csv_skim then reads it as usual.
 */
size_t ecpr__csv_skim_same(ecpr__csv *csv, size_t nfields);

/*
 * The fields of the record ecpr__csv_skim found, as ecpr__csv_next gives
 * them: returns 1, or a negative ecpr_status (memory).
 */
int ecpr__csv_fields(ecpr__csv *csv, const char *const **fields,
    size_t *nfields, ecpr_error *err);

/* ------------------------------------------------------------------ */
/* The definitions, each once (lib/defs.c)                              */
/* ------------------------------------------------------------------ */

/*
 * An event: its contract name, the name's length (strlen, from the
 * literal: defs.c's EVENT) and whether it may occur more than once.
 */
struct ecpr__event_def {
	const char *name;
	unsigned char len;
	unsigned char repeatable;
};
extern const struct ecpr__event_def ecpr__events[ECPR_EV_COUNT];

/* ecpr_event_lookup of the len bytes at name (no NUL needed). */
int ecpr__event_lookup_n(const char *name, size_t len);

/*
 * The event names by a hash of their length and ends, made from
 * ecpr__events by ecpr__event_index_init, for a caller that looks names
 * up per row (a source): ecpr__event_index_find is ecpr__event_lookup_n
 * with one compare.
 */
#define ECPR__EVENT_SLOTS 64
struct ecpr__event_index {
	unsigned char slot[ECPR__EVENT_SLOTS]; /* event + 1, or 0: none */
};
void ecpr__event_index_init(struct ecpr__event_index *ix);
int ecpr__event_index_find(const struct ecpr__event_index *ix,
    const char *name, size_t len);

/* The n bytes at a and at b are the same (memcmp without a call). */
static inline int
ecpr__mem_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint64_t u, v;
	uint32_t s, t, q, r;

	if (n >= 8) {
		/* 8 bytes at a time, the last 8 overlapping */
		for (; n > 8; x += 8, y += 8, n -= 8) {
			memcpy(&u, x, 8);
			memcpy(&v, y, 8);
			if (u != v)
				return 0;
		}
		memcpy(&u, x + n - 8, 8);
		memcpy(&v, y + n - 8, 8);
		return u == v;
	}
	if (n >= 4) {
		memcpy(&s, x, 4);
		memcpy(&t, y, 4);
		memcpy(&q, x + n - 4, 4);
		memcpy(&r, y + n - 4, 4);
		return s == t && q == r;
	}
	for (; n > 0; n--)
		if (*x++ != *y++)
			return 0;
	return 1;
}

/* The code lists of the vocabulary (NULL-terminated). */
extern const char *const ecpr__sex_codes[];
extern const char *const ecpr__location_codes[];
extern const char *const ecpr__provider_codes[];
extern const char *const ecpr__rhythm_codes[];
extern const char *const ecpr__cannulation_codes[];
extern const char *const ecpr__cpc_codes[];
extern const char *const ecpr__yes_no_codes[];

/* A coded attribute and its list (also the ODM CodeLists, the CHECKs). */
#define ECPR__NCODELISTS 10
struct ecpr__codelist_def {
	ecpr_attr_id attr;
	const char *const *codes;
};
extern const struct ecpr__codelist_def ecpr__codelists[ECPR__NCODELISTS];

/* A segment kind: its name ("mcc", the ODM group IG.SEG.MCC) and the
 * repeatable events that start and stop it. */
struct ecpr__segment_def {
	const char *name;
	ecpr_event_type start, stop;
};
extern const struct ecpr__segment_def ecpr__segments[ECPR_SEG_COUNT];

/* No event (an interval without a fallback). */
#define ECPR__NO_EVENT (-1)

enum ecpr__interval_kind {
	ECPR__IV_SPAN,      /* first start to first stop (or stop_else) */
	ECPR__IV_SEGMENTS,  /* the sum of the segments of kind `start` */
	ECPR__IV_ATTRIBUTE  /* the integer attribute `start` */
};

/*
 * A derived interval.  ECPR__IV_SPAN: from the first `start` event to the
 * first `stop`, or to the first `stop_else` when there is no `stop`
 * (ECPR__NO_EVENT: no fallback).  label and mark: its Table 2 row and
 * footnote mark (NULL: not a Table 2 row); definition: the footnote text.
 */
struct ecpr__interval_def {
	const char *name;
	ecpr_unit unit;
	enum ecpr__interval_kind kind;
	int start;
	int stop;
	int stop_else;
	const char *label;
	const char *mark;
	const char *definition;
};
extern const struct ecpr__interval_def ecpr__intervals[ECPR_IV_COUNT];

/*
 * A unit an observation accepts: its UCUM code, other spellings
 * ('|'-separated, matched like the code: case aside, "µ"/"μ" as "u",
 * "^" as "*", no spaces), and the factor num/den that takes a value in
 * this unit to the observation's unit (units[0], factor 1/1).
 */
struct ecpr__unit_def {
	const char *ucum;
	const char *spellings;
	int64_t num, den;
};

#define ECPR__OBS_UNITS_MAX 5

/*
 * An observation (ecpr(7)): its contract name, Table 1 label, the words
 * the label abbreviates (NULL: none), the unit as printed, the
 * definition, which end is worst (+1 highest, -1
 * lowest), the decimals kept in its unit after a conversion, the limits
 * no real value passes (decimal text in its unit), its reference ranges
 * per population (range text; "" none, NULL for paediatric: as for
 * adults) and its units, the first
 * being the one values are compared and shown in.
 */
struct ecpr__obs_def {
	const char *name;
	const char *label;
	const char *abbrev;
	const char *unit_label;
	const char *definition;
	signed char worst;
	unsigned char decimals;
	const char *min, *max;
	const char *range[ECPR_POP_COUNT];
	struct ecpr__unit_def units[ECPR__OBS_UNITS_MAX];
};
extern const struct ecpr__obs_def ecpr__obs[ECPR_OBS_COUNT];

/* A complication code: name, table label, the words an abbreviated
 * label stands for (NULL: not abbreviated), and its group. */
struct ecpr__complication_def {
	const char *name;
	const char *label;
	const char *abbrev;
	const char *group;
};
#define ECPR__NCOMPLICATIONS 29
extern const struct ecpr__complication_def
    ecpr__complications[ECPR__NCOMPLICATIONS];
extern const char *const ecpr__attributions[ECPR_BY_COUNT];
extern const char *const ecpr__populations[ECPR_POP_COUNT];

/* Age (years) from which an episode is adult. */
#define ECPR__ADULT_AGE 18

/*
 * Parse the number part of a value ("13.1", "-2"): at most 18 digits and
 * ECPR_VALUE_DECIMALS_MAX decimals.  Returns the bytes used (0: no
 * number).
 */
size_t ecpr__decimal_scan(const char *s, int64_t *mant, int *scale);

/*
 * The highest (dir > 0) or lowest (dir < 0) of values added one at a
 * time, as bounds, so censored values stay censored (value.c).  Start
 * with { dir } and n 0; ecpr__worst_value() once n > 0.
 */
struct ecpr__worst {
	int dir;
	size_t n;
	int has_lo, has_hi, lo_open, hi_open;
	ecpr_value lo, hi;
};
void ecpr__worst_add(struct ecpr__worst *w, const ecpr_value *v);

/*
 * The worst value of every observation of a finished episode in the
 * window [first from, first to], in one pass (episode.c): has[t] 1 and
 * out[t] set for each type with a value inside.  ECPR_EINVAL for an
 * episode not finished, else 0.
 */
int ecpr__episode_worst_all(const ecpr_episode *ep, ecpr_event_type from,
    ecpr_event_type to, ecpr_value out[ECPR_OBS_COUNT],
    int has[ECPR_OBS_COUNT], ecpr_error *err);
ecpr_value ecpr__worst_value(const struct ecpr__worst *w);

/* Convert in from unit `from` to unit `to` of observation d (obs.c). */
int ecpr__obs_convert(const struct ecpr__obs_def *d,
    const struct ecpr__unit_def *from, const struct ecpr__unit_def *to,
    const ecpr_value *in, ecpr_value *out, ecpr_error *err);

/*
 * Check an observation's value and unit as written: *written the value,
 * *ucum the unit's code, *canon the value in the observation's unit,
 * inside its limits.  Errors name the field ("value", "unit").
 */
int ecpr__obs_check(ecpr_obs_type type, const char *value, const char *unit,
    ecpr_value *written, const char **ucum, ecpr_value *canon,
    ecpr_error *err);

/* The schema migrations compiled in from sql/NNN_name.sql
 * (lib/sql-migrations.c, generated by make); ends with { NULL, NULL }. */
struct ecpr__migration {
	const char *name;
	const char *sql;
};
extern const struct ecpr__migration ecpr__migrations[];

#endif /* ECPR_INTERNAL_H */
