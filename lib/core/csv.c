/*
 * csv.c - streaming RFC 4180 CSV reader
 *
 * The input is read with fread() into a block buffer and scanned byte by
 * byte with a class table; runs of ordinary bytes are copied into one
 * growing field buffer with memcpy.  Fields of a record are stored one
 * after the other, NUL-terminated, in that buffer, so a record costs no
 * allocation once the buffers have grown to the size of the longest
 * record.  UTF-8 is validated on the fly (a multi-byte sequence may span
 * two blocks).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CSV_BLOCK 65536

/* Bit 1: ends a run in an unquoted field; bit 2: in a quoted field. */
#define CL_UNQ 1
#define CL_QUO 2

static const unsigned char csv_class[256] = {
	3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 3, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

enum csv_state {
	ST_REC,   /* before a record: blank lines are skipped here */
	ST_FIELD, /* at the start of a field after a comma */
	ST_UNQ,   /* inside an unquoted field */
	ST_QUO,   /* inside a quoted field */
	ST_QEND   /* just after a quote inside a quoted field */
};

struct ecpr__csv {
	FILE *fp;
	char *name;

	unsigned char *blk; /* block buffer */
	size_t blen;        /* bytes in blk */
	size_t bpos;        /* next byte to scan */
	long long boff;     /* input offset of blk[0] */
	int eof;
	int started; /* the byte-order mark has been looked for */
	int done;    /* end of input returned */
	int cr_pending; /* a record ended with CR: skip one LF */

	int status;       /* sticky failure code, 0 while fine */
	ecpr_error fail;  /* the failure */

	const unsigned char *keep; /* fields to copy (NULL: all) */
	size_t nkeep;
	char *fbuf;       /* fields of the record, NUL-terminated */
	size_t flen;
	size_t fcap;
	size_t fstart;    /* start of the current field in fbuf */
	size_t *foff;     /* start of each field in fbuf */
	const char **fptr;
	size_t nf;
	size_t nfcap;

	unsigned long line;     /* current physical line */
	unsigned long rec_line; /* line where the last record started */
	unsigned long qline;    /* line where the open quote is */
	long long line_off;     /* input offset where the line starts */

	int u8need;             /* continuation bytes still expected */
	unsigned char u8lead;
	unsigned char u8lo;
	unsigned char u8hi;
	uint32_t u8cp;          /* the code point so far */
	long long u8off;        /* offset of the sequence's first byte */
	unsigned long u8col;
};

static long long
csv_abs(const ecpr__csv *csv)
{
	return csv->boff + (long long)csv->bpos;
}

static unsigned long
csv_col(const ecpr__csv *csv)
{
	return (unsigned long)(csv_abs(csv) - csv->line_off) + 1;
}

static int
csv_fail(ecpr__csv *csv, ecpr_error *err, ecpr_status code,
    const char *fmt, ...) ECPR__PRINTF(4, 5);

static int
csv_fail(ecpr__csv *csv, ecpr_error *err, ecpr_status code,
    const char *fmt, ...)
{
	char msg[ECPR_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ecpr__error_set(&csv->fail, code, csv->name, csv->line, "%s", msg);
	csv->status = code;
	if (err != NULL)
		*err = csv->fail;
	return code;
}

int
ecpr__csv_new(ecpr__csv **out, FILE *fp, const char *name, ecpr_error *err)
{
	ecpr__csv *csv;

	if (out == NULL || fp == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "csv: no input");
	*out = NULL;
	if (name == NULL)
		name = "";
	csv = calloc(1, sizeof(*csv));
	if (csv == NULL)
		goto nomem;
	csv->fp = fp;
	csv->name = strdup(name);
	csv->blk = malloc(CSV_BLOCK);
	csv->fcap = 256;
	csv->fbuf = malloc(csv->fcap);
	csv->nfcap = 16;
	csv->foff = malloc(csv->nfcap * sizeof(*csv->foff));
	csv->fptr = malloc(csv->nfcap * sizeof(*csv->fptr));
	if (csv->name == NULL || csv->blk == NULL || csv->fbuf == NULL ||
	    csv->foff == NULL || csv->fptr == NULL) {
		ecpr__csv_free(csv);
		goto nomem;
	}
	csv->line = 1;
	csv->rec_line = 1;
	*out = csv;
	return ECPR_OK;
nomem:
	return ecpr__error_set(err, ECPR_ENOMEM, name, 0, "out of memory");
}

void
ecpr__csv_free(ecpr__csv *csv)
{
	if (csv == NULL)
		return;
	free(csv->name);
	free(csv->blk);
	free(csv->fbuf);
	free(csv->foff);
	free(csv->fptr);
	free(csv);
}

unsigned long
ecpr__csv_line(const ecpr__csv *csv)
{
	return csv == NULL ? 0 : csv->rec_line;
}

long long
ecpr__csv_offset(const ecpr__csv *csv)
{
	long long off;

	if (csv == NULL)
		return 0;
	off = csv_abs(csv);
	/* A CR ended the record: the LF after it belongs to the line end. */
	if (csv->cr_pending && csv->bpos < csv->blen &&
	    csv->blk[csv->bpos] == '\n')
		off++;
	return off;
}

void
ecpr__csv_keep(ecpr__csv *csv, const unsigned char *keep, size_t n)
{
	if (csv == NULL)
		return;
	csv->keep = keep;
	csv->nkeep = n;
}

/* Whether the field being read is copied. */
static int
csv_kept(const ecpr__csv *csv)
{
	return csv->keep == NULL ||
	    (csv->nf < csv->nkeep && csv->keep[csv->nf]);
}

/* Read the next block.  Returns 0 or a negative status. */
static int
csv_refill(ecpr__csv *csv, ecpr_error *err)
{
	csv->boff += (long long)csv->blen;
	csv->bpos = 0;
	csv->blen = fread(csv->blk, 1, CSV_BLOCK, csv->fp);
	if (csv->blen < CSV_BLOCK) {
		if (ferror(csv->fp))
			return csv_fail(csv, err, ECPR_EIO, "read error: %s",
			    strerror(errno));
		csv->eof = 1;
	}
	return 0;
}

static int
csv_grow(ecpr__csv *csv, size_t need, ecpr_error *err)
{
	size_t cap = csv->fcap;
	char *p;

	while (cap < need) {
		if (cap > (size_t)-1 / 2)
			return csv_fail(csv, err, ECPR_ENOMEM,
			    "out of memory");
		cap *= 2;
	}
	p = realloc(csv->fbuf, cap);
	if (p == NULL)
		return csv_fail(csv, err, ECPR_ENOMEM, "out of memory");
	csv->fbuf = p;
	csv->fcap = cap;
	return 0;
}

/* Append n bytes (room for the field's NUL is kept). */
static int
csv_append(ecpr__csv *csv, const unsigned char *s, size_t n, ecpr_error *err)
{
	if (csv->flen + n + 1 > csv->fcap &&
	    csv_grow(csv, csv->flen + n + 1, err) < 0)
		return csv->status;
	memcpy(csv->fbuf + csv->flen, s, n);
	csv->flen += n;
	return 0;
}

static int
csv_end_field(ecpr__csv *csv, ecpr_error *err)
{
	if (csv->nf == csv->nfcap) {
		size_t n = csv->nfcap * 2;
		size_t *o = realloc(csv->foff, n * sizeof(*o));
		const char **q;

		if (o == NULL)
			return csv_fail(csv, err, ECPR_ENOMEM, "out of memory");
		csv->foff = o;
		q = realloc(csv->fptr, n * sizeof(*q));
		if (q == NULL)
			return csv_fail(csv, err, ECPR_ENOMEM, "out of memory");
		csv->fptr = q;
		csv->nfcap = n;
	}
	if (csv->flen + 1 > csv->fcap &&
	    csv_grow(csv, csv->flen + 1, err) < 0)
		return csv->status;
	csv->fbuf[csv->flen++] = '\0';
	csv->foff[csv->nf++] = csv->fstart;
	csv->fstart = csv->flen;
	return 0;
}

static int
csv_record(ecpr__csv *csv, const char *const **fields, size_t *nfields)
{
	size_t i;

	for (i = 0; i < csv->nf; i++)
		csv->fptr[i] = csv->fbuf + csv->foff[i];
	if (fields != NULL)
		*fields = csv->fptr;
	if (nfields != NULL)
		*nfields = csv->nf;
	return 1;
}

static int
csv_utf8_error(ecpr__csv *csv, ecpr_error *err, const char *what)
{
	return csv_fail(csv, err, ECPR_EPARSE,
	    "invalid UTF-8 at column %lu (byte offset %lld): %s",
	    csv->u8col, csv->u8off, what);
}

/* A byte >= 0x80 that starts a sequence.  Appends it. */
static int
csv_utf8_lead(ecpr__csv *csv, unsigned char c, ecpr_error *err)
{
	char what[64];

	csv->u8off = csv_abs(csv);
	csv->u8col = csv_col(csv);
	csv->u8lead = c;
	csv->u8lo = 0x80;
	csv->u8hi = 0xBF;
	csv->u8cp = c & 0x0F; /* 3-byte sequences only are looked at */
	if (c < 0xC0) {
		snprintf(what, sizeof(what),
		    "unexpected continuation byte 0x%02X", c);
		return csv_utf8_error(csv, err, what);
	}
	if (c < 0xC2)
		return csv_utf8_error(csv, err, "overlong encoding");
	if (c < 0xE0) {
		csv->u8need = 1;
	} else if (c < 0xF0) {
		csv->u8need = 2;
		if (c == 0xE0)
			csv->u8lo = 0xA0;
		else if (c == 0xED)
			csv->u8hi = 0x9F;
	} else if (c < 0xF5) {
		csv->u8need = 3;
		if (c == 0xF0)
			csv->u8lo = 0x90;
		else if (c == 0xF4)
			csv->u8hi = 0x8F;
	} else if (c < 0xF8) {
		return csv_utf8_error(csv, err, "code point above U+10FFFF");
	} else {
		snprintf(what, sizeof(what), "invalid byte 0x%02X", c);
		return csv_utf8_error(csv, err, what);
	}
	csv->bpos++;
	return csv_append(csv, &c, 1, err);
}

/* A byte after a lead byte.  Appends it. */
static int
csv_utf8_cont(ecpr__csv *csv, unsigned char c, ecpr_error *err)
{
	if ((c & 0xC0) != 0x80)
		return csv_utf8_error(csv, err, "truncated sequence");
	if (c < csv->u8lo)
		return csv_utf8_error(csv, err, "overlong encoding");
	if (c > csv->u8hi)
		return csv_utf8_error(csv, err, csv->u8lead == 0xED ?
			"UTF-16 surrogate" : "code point above U+10FFFF");
	csv->u8lo = 0x80;
	csv->u8hi = 0xBF;
	csv->u8cp = csv->u8cp << 6 | (c & 0x3Fu);
	/*
	 * U+FEFF, the byte-order mark, is skipped at the start of the file
	 * only.  Anywhere else (two files joined with cat) it would be kept
	 * inside a value, and "\xEF\xBB\xBFH1" is not site H1: refused.
	 */
	if (--csv->u8need == 0 && csv->u8lead == 0xEF &&
	    csv->u8cp == 0xFEFF)
		return csv_fail(csv, err, ECPR_EPARSE, "byte-order mark "
		    "(U+FEFF) at column %lu (byte offset %lld): allowed "
		    "only at the start of the file", csv->u8col, csv->u8off);
	csv->bpos++;
	return csv_append(csv, &c, 1, err);
}

/* Consume a line end (CR or LF) that ends a record. */
static void
csv_record_end(ecpr__csv *csv, unsigned char c)
{
	csv->bpos++;
	csv->line++;
	csv->line_off = csv_abs(csv);
	csv->cr_pending = c == '\r';
	if (csv->cr_pending && csv->bpos < csv->blen &&
	    csv->blk[csv->bpos] == '\n') {
		csv->bpos++;
		csv->line_off++;
		csv->cr_pending = 0;
	}
}

static int
csv_start(ecpr__csv *csv, ecpr_error *err)
{
	int rc;

	csv->started = 1;
	rc = csv_refill(csv, err);
	if (rc < 0)
		return rc;
	if (csv->blen >= 3 && csv->blk[0] == 0xEF && csv->blk[1] == 0xBB &&
	    csv->blk[2] == 0xBF) {
		csv->bpos = 3;
		csv->line_off = 3;
	}
	return 0;
}

static size_t
csv_run(const unsigned char *p, const unsigned char *end, unsigned char cl)
{
	const unsigned char *s = p;

	while (p < end && (csv_class[*p] & cl) == 0)
		p++;
	return (size_t)(p - s);
}

int
ecpr__csv_next(ecpr__csv *csv, const char *const **fields,
    size_t *nfields, ecpr_error *err)
{
	enum csv_state st = ST_REC;
	unsigned char c;
	size_t n;
	int rc;

	if (csv == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "csv: no reader");
	if (csv->status) {
		if (err != NULL)
			*err = csv->fail;
		return csv->status;
	}
	if (csv->done)
		return 0;
	if (!csv->started && (rc = csv_start(csv, err)) < 0)
		return rc;
	csv->flen = 0;
	csv->fstart = 0;
	csv->nf = 0;

	for (;;) {
		if (csv->bpos == csv->blen) {
			if (!csv->eof) {
				if ((rc = csv_refill(csv, err)) < 0)
					return rc;
				continue;
			}
			/* End of input. */
			if (csv->u8need)
				return csv_utf8_error(csv, err,
				    "truncated sequence");
			switch (st) {
			case ST_REC:
				csv->done = 1;
				return 0;
			case ST_QUO:
				csv->line = csv->qline;
				return csv_fail(csv, err, ECPR_EPARSE,
				    "unterminated quoted field starting on "
				    "line %lu", csv->qline);
			default:
				if ((rc = csv_end_field(csv, err)) < 0)
					return rc;
				csv->done = 1;
				return csv_record(csv, fields, nfields);
			}
		}
		c = csv->blk[csv->bpos];
		if (csv->u8need) {
			if ((rc = csv_utf8_cont(csv, c, err)) < 0)
				return rc;
			continue;
		}
		switch (st) {
		case ST_REC:
			if (c == '\n' || c == '\r') {
				/* A blank line, or the LF of a CRLF. */
				csv->bpos++;
				if (!(c == '\n' && csv->cr_pending))
					csv->line++;
				csv->cr_pending = c == '\r';
				csv->line_off = csv_abs(csv);
				continue;
			}
			csv->cr_pending = 0;
			csv->rec_line = csv->line;
			/* The first field of the record starts here. */
			/* FALLTHROUGH */
		case ST_FIELD:
			if (c == '"') {
				csv->bpos++;
				csv->qline = csv->line;
				st = ST_QUO;
				continue;
			}
			st = ST_UNQ;
			/* FALLTHROUGH */
		case ST_UNQ:
			/*
			 * Scan unquoted fields one after another, without going
			 * round the state loop for each, until the block ends, a
			 * quoted field follows, or a byte that is not a comma
			 * ends a field (looked at below).
			 */
			for (;;) {
				n = csv_run(csv->blk + csv->bpos,
				    csv->blk + csv->blen, CL_UNQ);
				if (n > 0) {
					if (csv_kept(csv) && (rc = csv_append(csv,
					    csv->blk + csv->bpos, n, err)) < 0)
						return rc;
					csv->bpos += n;
					if (csv->bpos == csv->blen)
						break;
					/* The byte that ended the run. */
					c = csv->blk[csv->bpos];
				}
				if (c != ',')
					break;
				if ((rc = csv_end_field(csv, err)) < 0)
					return rc;
				csv->bpos++;
				st = ST_FIELD;
				if (csv->bpos == csv->blen ||
				    csv->blk[csv->bpos] == '"')
					break;
				c = csv->blk[csv->bpos];
				st = ST_UNQ;
			}
			if (st != ST_UNQ || csv->bpos == csv->blen)
				break;
			if (c == '\n' || c == '\r') {
				if ((rc = csv_end_field(csv, err)) < 0)
					return rc;
				csv_record_end(csv, c);
				return csv_record(csv, fields, nfields);
			} else if (c == '"') {
				return csv_fail(csv, err, ECPR_EPARSE,
				    "quote character in an unquoted field at "
				    "column %lu", csv_col(csv));
			} else if (c == '\0') {
				return csv_fail(csv, err, ECPR_EPARSE,
				    "NUL byte at column %lu (byte offset %lld)",
				    csv_col(csv), csv_abs(csv));
			} else if ((rc = csv_utf8_lead(csv, c, err)) < 0) {
				return rc;
			}
			break;
		case ST_QUO:
			n = csv_run(csv->blk + csv->bpos, csv->blk + csv->blen,
			    CL_QUO);
			if (n > 0) {
				if ((rc = csv_append(csv, csv->blk + csv->bpos,
				    n, err)) < 0)
					return rc;
				csv->bpos += n;
				continue;
			}
			if (c == '"') {
				csv->bpos++;
				st = ST_QEND;
			} else if (c == '\n' || c == '\r') {
				/* A line break inside the field: kept. */
				if (!(c == '\n' && csv->flen > csv->fstart &&
				    csv->fbuf[csv->flen - 1] == '\r'))
					csv->line++;
				if ((rc = csv_append(csv, &c, 1, err)) < 0)
					return rc;
				csv->bpos++;
				csv->line_off = csv_abs(csv);
			} else if (c == '\0') {
				return csv_fail(csv, err, ECPR_EPARSE,
				    "NUL byte at column %lu (byte offset %lld)",
				    csv_col(csv), csv_abs(csv));
			} else if ((rc = csv_utf8_lead(csv, c, err)) < 0) {
				return rc;
			}
			break;
		case ST_QEND:
			if (c == '"') {
				if ((rc = csv_append(csv, &c, 1, err)) < 0)
					return rc;
				csv->bpos++;
				st = ST_QUO;
			} else if (c == ',') {
				if ((rc = csv_end_field(csv, err)) < 0)
					return rc;
				csv->bpos++;
				st = ST_FIELD;
			} else if (c == '\n' || c == '\r') {
				if ((rc = csv_end_field(csv, err)) < 0)
					return rc;
				csv_record_end(csv, c);
				return csv_record(csv, fields, nfields);
			} else if (c >= 0x21 && c < 0x7F) {
				return csv_fail(csv, err, ECPR_EPARSE,
				    "unexpected character '%c' after a closing "
				    "quote at column %lu", c, csv_col(csv));
			} else {
				return csv_fail(csv, err, ECPR_EPARSE,
				    "unexpected byte 0x%02X after a closing "
				    "quote at column %lu", c, csv_col(csv));
			}
			break;
		}
	}
}
