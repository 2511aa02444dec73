/*
 * internal.h - libecpr internals shared between modules (never installed).
 * Functions named ecpr__* are not exported from libecpr.so; the tests
 * reach them through the libecpr-core.la convenience library.
 */
#ifndef ECPR_INTERNAL_H
#define ECPR_INTERNAL_H

#include <stdio.h>
#include "ecpr.h"

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

/* Round num/den half away from zero (den > 0). */
int64_t ecpr__div_round(int64_t num, int64_t den);

/* Days since 1970-01-01 of a proleptic Gregorian date; and back. */
int64_t ecpr__days_from_civil(int64_t y, int m, int d);
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

/* Line number (1-based) on which the last returned record started. */
unsigned long ecpr__csv_line(const ecpr__csv *csv);

/* Byte offset in the input where the next record starts. */
long long ecpr__csv_offset(const ecpr__csv *csv);

#endif /* ECPR_INTERNAL_H */
