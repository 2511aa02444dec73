/*
 * csv.c - streaming RFC 4180 CSV reader
 *
 * The input is read with fread() into a buffer and each record is found
 * in place: a field is a pointer into the buffer, NUL-terminated where its
 * delimiter was (a quoted field is unescaped in place, "" becoming "), so
 * a record costs no copy and no allocation once the buffers have grown to
 * the size of the longest record.  A record is scanned whole before
 * anything in it is changed (or, in the common plain record, what was
 * changed is put back when it turns out not to be plain): when it runs
 * past the end of the buffer, its start is moved to the front, more is
 * read after it and the record is scanned again from its start.  A
 * record with quoted fields is read sixteen bytes at a time too, the
 * bytes inside quotes found by a prefix XOR of the quotes' bits
 * (csv_vec), and so is one with UTF-8, checked once its end is found
 * (csv_rec_utf8).  Only a record with a CR, a NUL, a line break inside
 * quotes, bad quoting or bad UTF-8 is read byte by byte (csv_scan),
 * which gives the errors.  Pass 1 of a source passes over runs of
 * records of one key at once (ecpr__csv_skim_same).  Runs of ordinary bytes are skipped eight
 * at a time (one word: is any byte a comma, quote, line end, NUL or
 * above 0x7f?).  UTF-8 is validated on the way (a sequence spanning two
 * reads is looked at again whole).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#ifndef ECPR_CSV_BLOCK
#define ECPR_CSV_BLOCK 65536 /* bytes read at a time, at least */
#endif
#define CSV_PAD 17 /* after the data: the sentinel NUL and a vector's reach */

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CSV_SWAR 1
#else
#define CSV_SWAR 0
#endif

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

/* A field of the record being read: blk[beg .. end), or skipped. */
struct csv_fld {
	size_t beg;
	size_t end;
	int how; /* 0 as is, 1 quoted with "" inside, 2 not kept */
};

struct ecpr__csv {
	FILE *fp;
	char *name;

	unsigned char *blk; /* the data, then CSV_PAD bytes */
	size_t cap;         /* data bytes blk can hold */
	size_t blen;        /* bytes in blk; blk[blen] is a NUL */
	size_t bpos;        /* start of the next record */
	long long boff;     /* input offset of blk[0] */
	int eof;
	int started; /* the byte-order mark has been looked for */
	int done;    /* end of input returned */
	int cr_pending; /* a record ended with CR: skip one LF */
	int termed;     /* the fields of the record scanned are terminated */
	int blanks;     /* a field of it may have a blank at an end */
	int bytewise;   /* no vector paths: every record read by csv_scan */

	int status;       /* sticky failure code, 0 while fine */
	ecpr_error fail;  /* the failure */

	const unsigned char *keep; /* fields to return (NULL: all) */
	size_t nkeep;
	size_t skip_from; /* fields from this one on are only counted */
	struct csv_fld *fl;
	const char **fptr;
	size_t *flen;     /* the length of each field returned */
	size_t nf;        /* fields in fl */
	size_t nrec;      /* fields of the record (past nf: only counted) */
	size_t nfcap;
	size_t rec_start; /* blk offset where the record scanned starts */

	/* ecpr__csv_skim: the bytes of the last record skimmed up to the end
	 * of its last field kept, and those fields (offsets from its start) */
	char *kpre;
	size_t kprelen, kprecap;
	int kpre_ok;      /* kpre holds a record's (all fields kept there) */
	int kpre_skip;    /* no line break in it: a record starting with it
			   * and a comma need not be scanned there */
	struct csv_fld *kfl;
	int same;         /* the record skimmed starts as the one before */
	int lazy;         /* so its fields kept are not yet in fl */

	unsigned long line;     /* current physical line */
	unsigned long rec_line; /* line where the last record started */
	unsigned long qline;    /* line where the open quote is */
	long long line_off;     /* input offset where the line starts */
};

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

/* Column (1-based) of blk[p] on its line. */
static unsigned long
csv_col(const ecpr__csv *csv, size_t p)
{
	return (unsigned long)(csv->boff + (long long)p - csv->line_off) + 1;
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
	csv->cap = ECPR_CSV_BLOCK;
	csv->blk = calloc(1, csv->cap + CSV_PAD);
	csv->nfcap = 16;
	csv->fl = malloc(csv->nfcap * sizeof(*csv->fl));
	csv->fptr = malloc(csv->nfcap * sizeof(*csv->fptr));
	csv->flen = malloc(csv->nfcap * sizeof(*csv->flen));
	if (csv->name == NULL || csv->blk == NULL || csv->fl == NULL ||
	    csv->fptr == NULL || csv->flen == NULL) {
		ecpr__csv_free(csv);
		goto nomem;
	}
	csv->skip_from = (size_t)-1;
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
	free(csv->fl);
	free(csv->fptr);
	free(csv->flen);
	free(csv->kpre);
	free(csv->kfl);
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
	off = csv->boff + (long long)csv->bpos;
	/* A CR ended the record: the LF after it belongs to the line end. */
	if (csv->cr_pending && csv->bpos < csv->blen &&
	    csv->blk[csv->bpos] == '\n')
		off++;
	return off;
}

void
ecpr__csv_keep(ecpr__csv *csv, const unsigned char *keep, size_t n)
{
	size_t i;

	if (csv == NULL)
		return;
	csv->keep = keep;
	csv->nkeep = n;
	/* After the last field kept, fields are only counted. */
	csv->skip_from = (size_t)-1;
	csv->kpre_ok = csv->kpre_skip = 0;
	free(csv->kfl);
	csv->kfl = NULL;
	if (keep != NULL) {
		for (i = n; i > 0 && !keep[i - 1]; i--)
			;
		csv->skip_from = i;
	}
}

/*
 * Keep blk[bpos .. blen) (a record not read to its end, or nothing) at
 * the front and read more after it: at least half the buffer, which
 * doubles when the record fills more than half.  Returns 0 or a
 * negative status.
 */
static int
csv_more(ecpr__csv *csv, ecpr_error *err)
{
	size_t have = csv->blen - csv->bpos, want, got;
	unsigned char *p;

	if (csv->bpos > 0) {
		memmove(csv->blk, csv->blk + csv->bpos, have);
		csv->boff += (long long)csv->bpos;
		csv->bpos = 0;
		csv->blen = have;
	}
	if (have > csv->cap / 2) {
		if (csv->cap > ((size_t)-1 - CSV_PAD) / 2)
			return csv_fail(csv, err, ECPR_ENOMEM,
			    "out of memory");
		p = realloc(csv->blk, csv->cap * 2 + CSV_PAD);
		if (p == NULL)
			return csv_fail(csv, err, ECPR_ENOMEM,
			    "out of memory");
		csv->blk = p;
		csv->cap *= 2;
	}
	want = csv->cap - have;
	got = fread(csv->blk + have, 1, want, csv->fp);
	csv->blen = have + got;
	/* The sentinel, and defined bytes for a word read past it. */
	memset(csv->blk + csv->blen, 0, CSV_PAD);
	if (got < want) {
		if (ferror(csv->fp))
			return csv_fail(csv, err, ECPR_EIO, "read error: %s",
			    strerror(errno));
		csv->eof = 1;
	}
	return 0;
}

static int
csv_start(ecpr__csv *csv, ecpr_error *err)
{
	int rc;

	csv->started = 1;
	rc = csv_more(csv, err);
	if (rc < 0)
		return rc;
	if (csv->blen >= 3 && csv->blk[0] == 0xEF && csv->blk[1] == 0xBB &&
	    csv->blk[2] == 0xBF) {
		csv->bpos = 3;
		csv->line_off = 3;
	}
	return 0;
}

/* Room for field nf + n - 1.  Returns 0 or a negative status. */
static int
csv_room(ecpr__csv *csv, size_t n, ecpr_error *err)
{
	size_t cap = csv->nfcap;
	struct csv_fld *o;
	const char **q;
	size_t *l;

	if (csv->nf + n <= cap)
		return 0;
	while (cap < csv->nf + n) {
		if (cap > (size_t)-1 / 2 / sizeof(*o))
			return csv_fail(csv, err, ECPR_ENOMEM,
			    "out of memory");
		cap *= 2;
	}
	o = realloc(csv->fl, cap * sizeof(*o));
	if (o == NULL)
		return csv_fail(csv, err, ECPR_ENOMEM, "out of memory");
	csv->fl = o;
	q = realloc(csv->fptr, cap * sizeof(*q));
	if (q == NULL)
		return csv_fail(csv, err, ECPR_ENOMEM, "out of memory");
	csv->fptr = q;
	l = realloc(csv->flen, cap * sizeof(*l));
	if (l == NULL)
		return csv_fail(csv, err, ECPR_ENOMEM, "out of memory");
	csv->flen = l;
	csv->nfcap = cap;
	return 0;
}

static void
csv_field(ecpr__csv *csv, size_t beg, size_t end, int how)
{
	struct csv_fld *f = &csv->fl[csv->nf++];

	f->beg = beg;
	f->end = end;
	f->how = how;
}

static int
csv_utf8_error(ecpr__csv *csv, ecpr_error *err, size_t lead, const char *what)
{
	return csv_fail(csv, err, ECPR_EPARSE,
	    "invalid UTF-8 at column %lu (byte offset %lld): %s",
	    csv_col(csv, lead), csv->boff + (long long)lead, what);
}

/* What is wrong with a UTF-8 sequence (utf8_seq). */
enum {
	U8_PAST = 0,      /* it runs past the data */
	U8_CONT = -1,     /* a continuation byte first */
	U8_OVERLONG = -2,
	U8_ABOVE = -3,    /* a code point above U+10FFFF */
	U8_BYTE = -4,     /* a byte never in UTF-8 */
	U8_TRUNC = -5,
	U8_SURR = -6,     /* a UTF-16 surrogate */
	U8_BOM = -7       /* U+FEFF */
};

/*
 * The UTF-8 sequence starting with the byte b[p] >= 0x80 of the n bytes
 * at b (n may be SIZE_MAX when a byte below 0x80 follows the data): its
 * length, or U8_PAST or what is wrong with it.  U+FEFF, the byte-order
 * mark, is skipped at the start of the file only: anywhere else (two
 * files joined with cat) it would be kept inside a value, and
 * "\xEF\xBB\xBFH1" is not site H1, so it is wrong here.
 */
static int
utf8_seq(const unsigned char *b, size_t p, size_t n)
{
	unsigned char c = b[p], lead = c, lo = 0x80, hi = 0xBF;
	uint32_t cp = c & 0x0Fu; /* 3-byte sequences only are looked at */
	size_t need, i;

	if (c < 0xC0)
		return U8_CONT;
	if (c < 0xC2)
		return U8_OVERLONG;
	if (c < 0xE0) {
		need = 1;
	} else if (c < 0xF0) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return c < 0xF8 ? U8_ABOVE : U8_BYTE;
	}
	for (i = 1; i <= need; i++) {
		if (p + i == n)
			return U8_PAST;
		c = b[p + i];
		if ((c & 0xC0) != 0x80)
			return U8_TRUNC;
		if (c < lo)
			return U8_OVERLONG;
		if (c > hi)
			return lead == 0xED ? U8_SURR : U8_ABOVE;
		lo = 0x80;
		hi = 0xBF;
		cp = cp << 6 | (c & 0x3Fu);
	}
	return lead == 0xEF && cp == 0xFEFF ? U8_BOM : (int)need + 1;
}

/*
 * The UTF-8 sequence starting with the byte blk[p] >= 0x80: its length
 * in *len and 1, 0 when it runs past the data read so far, or a negative
 * status.
 */
static int
csv_utf8(ecpr__csv *csv, size_t p, size_t *len, ecpr_error *err)
{
	int n = utf8_seq(csv->blk, p, csv->blen);
	char what[64];

	switch (n) {
	case U8_PAST:
		if (!csv->eof)
			return 0;
		return csv_utf8_error(csv, err, p, "truncated sequence");
	case U8_CONT:
		snprintf(what, sizeof(what),
		    "unexpected continuation byte 0x%02X", csv->blk[p]);
		return csv_utf8_error(csv, err, p, what);
	case U8_OVERLONG:
		return csv_utf8_error(csv, err, p, "overlong encoding");
	case U8_ABOVE:
		return csv_utf8_error(csv, err, p, "code point above U+10FFFF");
	case U8_BYTE:
		snprintf(what, sizeof(what), "invalid byte 0x%02X",
		    csv->blk[p]);
		return csv_utf8_error(csv, err, p, what);
	case U8_TRUNC:
		return csv_utf8_error(csv, err, p, "truncated sequence");
	case U8_SURR:
		return csv_utf8_error(csv, err, p, "UTF-16 surrogate");
	case U8_BOM:
		return csv_fail(csv, err, ECPR_EPARSE, "byte-order mark "
		    "(U+FEFF) at column %lu (byte offset %lld): allowed "
		    "only at the start of the file", csv_col(csv, p),
		    csv->boff + (long long)p);
	default:
		*len = (size_t)n;
		return 1;
	}
}

#ifdef __SSE2__
/*
 * Whether the bytes above 0x7f of blk[from .. end), a record (or its
 * part) read by a vector path, are valid UTF-8.  0: csv_scan reads the
 * record, and reports what is wrong.  Cold: most records hold no such
 * byte, and the vector paths only note that one does.
 */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static int
csv_rec_utf8(const unsigned char *b, size_t from, size_t end)
{
	size_t p = from;
	int n;

	while (p < end) {
		if (b[p] < 0x80) {
			p++;
			continue;
		}
		/* the sentinel NUL after the data ends a sequence there */
		if ((n = utf8_seq(b, p, (size_t)-1)) <= 0)
			return 0;
		p += (size_t)n;
	}
	return 1;
}
#endif

#if CSV_SWAR
#define ONES 0x0101010101010101ull
#define LOW7 0x7F7F7F7F7F7F7F7Full

/* The high bit of each byte of w that is zero. */
static uint64_t
zero_bytes(uint64_t w)
{
	return ~(((w & LOW7) + LOW7) | w | LOW7);
}

static uint64_t
load(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* The high bit of each byte of w that ends an unquoted run, but commas. */
static uint64_t
stop_bytes(uint64_t w)
{
	return zero_bytes(w) | zero_bytes(w ^ (ONES * '\n')) |
	    zero_bytes(w ^ (ONES * '\r')) | zero_bytes(w ^ (ONES * '"')) |
	    (w & ~LOW7);
}
#endif

/* The first byte at or after p that ends an unquoted run. */
static size_t
csv_run_unq(const unsigned char *b, size_t p)
{
#if CSV_SWAR
	for (;;) {
		uint64_t w = load(b + p);
		uint64_t m = stop_bytes(w) | zero_bytes(w ^ (ONES * ','));

		if (m != 0)
			return p + (size_t)(__builtin_ctzll(m) >> 3);
		p += 8;
	}
#else
	while (!(csv_class[b[p]] & CL_UNQ))
		p++;
	return p;
#endif
}

/*
 * Fields not kept, from the field starting at p: whole unquoted fields
 * are counted, eight bytes at a time, up to the first byte other than a
 * comma that ends a run; *p is left at the start of the field holding
 * it, which is read as usual.  Returns the fields passed.
 */
static size_t
csv_count_fields(const unsigned char *b, size_t *p)
{
	size_t n = 0, q = *p;
#if CSV_SWAR
	for (;;) {
		uint64_t w = load(b + q);
		uint64_t s = stop_bytes(w), c = zero_bytes(w ^ (ONES * ','));

		if (s != 0) {
			/* the commas before the stop */
			c &= (s & -s) - 1;
		}
		if (c != 0) {
			n += (size_t)__builtin_popcountll(c);
			*p = q + (size_t)(63 - __builtin_clzll(c)) / 8 + 1;
		}
		if (s != 0)
			return n;
		q += 8;
	}
#else
	for (;; q++) {
		if (b[q] == ',') {
			n++;
			*p = q + 1;
		} else if (csv_class[b[q]] & CL_UNQ) {
			return n;
		}
	}
#endif
}

/* Consume the line end at blk[p] that ends a record. */
static void
csv_record_end(ecpr__csv *csv, size_t p)
{
	unsigned char c = csv->blk[p];

	csv->bpos = p + 1;
	csv->line++;
	csv->line_off = csv->boff + (long long)csv->bpos;
	csv->cr_pending = c == '\r';
	if (csv->cr_pending && csv->bpos < csv->blen &&
	    csv->blk[csv->bpos] == '\n') {
		csv->bpos++;
		csv->line_off++;
		csv->cr_pending = 0;
	}
}

#ifdef __SSE2__
/* The bits set in a byte (plain x86-64 has no popcnt instruction). */
static const unsigned char csv_nbits[256] = {
	0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
	1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
	1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
	2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
	1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
	2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
	2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
	3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
	1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
	2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
	2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
	3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
	2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
	3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
	3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
	4, 5, 5, 6, 5, 6, 6, 7, 5, 6, 6, 7, 6, 7, 7, 8,
};

/* The bits set in m < 2^16. */
static size_t
bits16(unsigned m)
{
	return (size_t)csv_nbits[m & 0xFFu] + csv_nbits[m >> 8];
}

/*
 * The common record, read sixteen bytes at a time: no NUL, CR or byte
 * above 0x7f before the LF that ends it, and quotes only around whole
 * fields ("" inside them for a quote), with no line break inside.  A
 * vector's quotes give, by a prefix XOR of their bits, the bytes inside
 * quotes; the commas and LFs outside them are the delimiters.  A quote
 * that opens must start a field (or follow the one that closed, "")
 * and one that closes must be followed by a delimiter or a quote; any
 * other record is left to csv_scan, which reads it (and gives its
 * errors) byte by byte.  The state carried from one vector to the next:
 */
struct csv_vs {
	unsigned in;     /* 0xFFFF: the vector before ended inside quotes */
	unsigned open;   /* bit 0: a quote may open at the next byte */
	unsigned fstart; /* bit 0: a field's value starts at the next byte */
	unsigned endq;   /* bit 0: the vector before ended with a closing
			  * quote: a delimiter or a quote must follow */
	unsigned endbl;  /* bit 0: the vector before ended with a blank */
	unsigned edge;   /* blanks at the ends of values seen so far */
	unsigned esc;    /* "" (a quote inside quotes) seen so far */
	unsigned u8;     /* a byte above 0x7f seen (csv_rec_utf8 checks) */
};

/* The state at the start of a field. */
#define CSV_VS_INIT { 0, 1, 1, 0, 0, 0, 0, 0 }

/* The blanks (spaces and tabs) of a vector. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline unsigned
csv_blank_bits(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))));
}

/* The bytes a plain record holds none of: CR, quote, NUL. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline unsigned
csv_stop_bits(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
	    _mm_cmpeq_epi8(v, _mm_setzero_si128())));
}

/* The quotes of a vector. */
static unsigned
csv_quote_bits(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v,
	    _mm_set1_epi8('"')));
}

/*
 * In the vector at blk[base] of a record whose bits up to its LF (which
 * is in the vector) are lim: 1 when the stops there (sp) are only a CR
 * just before the LF, a line ended by CRLF (RFC 4180's), whose CR then
 * ends the last field.
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
csv_crlf(const unsigned char *b, size_t base, unsigned lim, unsigned sp)
{
	unsigned cr = (lim + 1) >> 2;

	return cr != 0 && (sp & lim) == cr &&
	    b[base + (size_t)__builtin_ctz(cr)] == '\r';
}

/* The same when the CR is the vector's last byte and the LF the next
 * vector's first: the stops are only that CR. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
csv_crlf_split(const unsigned char *b, size_t base, unsigned sp)
{
	return sp == 0x8000u && b[base + 15] == '\r' && b[base + 16] == '\n';
}

/* The bytes of a vector that only csv_vec reads of the fast paths: quotes
 * and bytes above 0x7f (UTF-8). */
static unsigned
csv_general_bits(__m128i v)
{
	return csv_quote_bits(v) | (unsigned)_mm_movemask_epi8(v);
}

/*
 * The sixteen bytes at p, in the state st: *dl the delimiters (commas,
 * and the LF that ends the record: none after it), *lf the LF's bit (0:
 * not in this vector).  With blanks, the blanks at the ends of values go
 * to st->edge.  Returns -1 when the record is not one read here.
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
csv_vec(const unsigned char *b, size_t base, struct csv_vs *st,
    unsigned *dl, unsigned *lf, int blanks)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)
	    (b + base));
	unsigned q, c, l, bad, hi, ps, d, end, lim, open, close, bl;

	q = csv_quote_bits(v);
	c = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
	l = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v,
	    _mm_set1_epi8('\n')));
	bad = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v,
	    _mm_set1_epi8('\r')), _mm_cmpeq_epi8(v, _mm_setzero_si128())));
	hi = (unsigned)_mm_movemask_epi8(v);
	d = c | l;
	end = l;
	lim = 0xFFFFu;
	if ((q | st->in | st->endq) == 0) {
		/* no quote around: every comma and LF is a delimiter */
		if (end != 0) {
			end &= -end;
			lim = end | (end - 1);
			d &= lim;
		}
		if (bad & lim) {
			if (end == 0 || !csv_crlf(b, base, lim, bad))
				return -1;
			end >>= 1; /* CRLF: the CR ends */
			lim >>= 1;
			d = (d & (lim >> 1)) | end;
		}
		st->u8 |= hi & lim;
		if (blanks) {
			bl = csv_blank_bits(v) & lim;
			st->edge |= (bl & ((d << 1) | st->fstart | (d >> 1))) |
			    (st->endbl & d & 1u);
			st->endbl = bl >> 15;
		}
		st->open = st->fstart = d >> 15;
		*dl = d;
		*lf = end;
		return 0;
	}
	/* bit i of ps: inside quotes after byte i */
	ps = q ^ (q << 1);
	ps ^= ps << 2;
	ps ^= ps << 4;
	ps ^= ps << 8;
	ps = (ps ^ st->in) & 0xFFFFu;
	d &= ~ps;
	end &= ~ps;
	if (end != 0) {
		end &= -end;
		lim = end | (end - 1);
		d &= lim;
	}
	if ((bad | (l & ps)) & lim) {
		if (end == 0 || !csv_crlf(b, base, lim, bad | (l & ps)))
			return -1;
		end >>= 1; /* CRLF: the CR ends */
		lim >>= 1;
		d = (d & (lim >> 1)) | end;
	}
	st->u8 |= hi & lim;
	open = q & ps & lim;
	close = q & ~ps & lim;
	/* quotes that open where no field starts, or close with no
	 * delimiter or quote after them */
	if (((open & ~((d << 1) | (close << 1) | st->open)) |
	    (st->endq & ~(d | open) & 1u) |
	    (close & 0x7FFFu & ~((d >> 1) | (open >> 1)))) != 0)
		return -1;
	if (blanks) {
		bl = csv_blank_bits(v) & lim;
		st->edge |= (bl & ((d << 1) | (open << 1) | st->fstart |
		    (d >> 1) | (close >> 1))) | (st->endbl & (d | close) & 1u);
		st->endbl = bl >> 15;
	}
	st->esc |= (close & (open >> 1)) | (st->endq & open & 1u);
	st->in = (0u - (ps >> 15)) & 0xFFFFu;
	st->open = (d | close) >> 15;
	st->fstart = (d | open) >> 15;
	st->endq = close >> 15;
	*dl = d;
	*lf = end;
	return 0;
}

/*
 * The field of a record read by csv_vec from blk[s] to its delimiter at
 * blk[p]: its value's bounds and whether it holds "" (how 1; esc: the
 * record has some).
 */
static void
csv_vec_field(const unsigned char *b, size_t s, size_t p, unsigned esc,
    size_t *beg, size_t *end, int *how)
{
	*beg = s;
	*end = p;
	*how = 0;
	if (b[s] == '"') {
		*beg = s + 1;
		*end = p - 1;
		*how = esc && memchr(b + s + 1, '"', p - s - 2) != NULL;
	}
}

/*
 * The common record: no quote, CR, NUL or byte above 0x7f before the LF
 * that ends it.  Sixteen bytes are looked at a time, from blk[from],
 * where field nf starts, and each comma or LF among them ends a field:
 * the first keep fields go to fl, the ones after them are only counted
 * (pass 1: nrec counts them all).  Returns 1 when the record was such a
 * one (bpos past its LF), else 0 with nothing changed but nf: csv_scan
 * reads it.
 */
static int
csv_scan_plain(ecpr__csv *csv, size_t from, size_t keep, ecpr_error *err)
{
	const unsigned char *b = csv->blk;
	const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n');
	size_t base = from, s = base, p, n = 0;
	unsigned dl, nl, sp;

	for (;;) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
		    (b + base));

		nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf));
		dl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) | nl;
		sp = csv_stop_bits(v) | (unsigned)_mm_movemask_epi8(v);
		if (nl != 0) {
			/* the bytes up to the first LF */
			nl = (nl & -nl) | ((nl & -nl) - 1);
			if (sp & nl) {
				if (!csv_crlf(b, base, nl, sp))
					return 0;
				nl >>= 1; /* CRLF: up to the CR, which ends */
				dl = (dl & (nl >> 1)) | ((nl >> 1) + 1);
			}
			dl &= nl;
		} else if (sp != 0) {
			if (!csv_crlf_split(b, base, sp))
				return 0;
			nl = 0xFFFFu; /* CRLF across vectors: the CR ends */
			dl |= 0x8000u;
		}
		while (dl != 0 && csv->nf < keep) {
			p = base + (size_t)__builtin_ctz(dl);
			dl &= dl - 1;
			if (csv->nf == csv->nfcap && csv_room(csv, 1, err) < 0)
				return csv->status;
			csv_field(csv, s, p, 0);
			s = p + 1;
			if (b[p] != ',') {
				csv->nrec = csv->nf;
				csv_record_end(csv, p);
				return 1;
			}
		}
		if (dl != 0) {
			/* past the fields kept: the end is the last of dl */
			n += bits16(dl);
			if (nl != 0) {
				csv->nrec = csv->nf + n;
				csv_record_end(csv, base + (size_t)(31 -
				    __builtin_clz(dl)));
				return 1;
			}
		}
		base += 16;
	}
}

/*
 * csv_scan_plain for a reader that keeps every field (ecpr__csv_next
 * with no keep set): the fields of a plain record go straight to fptr
 * and flen and are terminated on the way; when the record turns out not
 * to be plain the commas written over are put back, so that
 * csv_scan_quoted (when it has quotes) or csv_scan reads it as it was.  Also finds whether a field may have a blank (space or
 * tab) at an end: a blank next to a comma, the LF or the record's start.
 */
static int csv_scan_quoted(ecpr__csv *csv, ecpr_error *err);

static int
csv_scan_term(ecpr__csv *csv, ecpr_error *err)
{
	unsigned char *b = csv->blk;
	const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n');
	const char **fp = csv->fptr;
	size_t *len = csv->flen;
	size_t base = csv->bpos, s = base, nf = 0, p, i;
	unsigned dl, nl, sp, bl, edge = 0, start = 1, endbl = 0, qt = 0;

	for (;;) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
		    (b + base));

		if (nf + 16 > csv->nfcap) {
			csv->nf = nf;
			if (csv_room(csv, 16, err) < 0)
				goto undo;
			fp = csv->fptr;
			len = csv->flen;
		}
		nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf));
		dl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) | nl;
		sp = csv_stop_bits(v) | (unsigned)_mm_movemask_epi8(v);
		bl = csv_blank_bits(v);
		if (nl != 0) {
			nl = (nl & -nl) | ((nl & -nl) - 1);
			if (sp & nl) {
				if (!csv_crlf(b, base, nl, sp)) {
					qt = csv_general_bits(v) & nl;
					goto undo;
				}
				nl >>= 1; /* CRLF: up to the CR, which ends */
				dl = (dl & (nl >> 1)) | ((nl >> 1) + 1);
			}
			dl &= nl;
		} else if (sp != 0) {
			if (!csv_crlf_split(b, base, sp)) {
				qt = csv_general_bits(v);
				goto undo;
			}
			nl = 0xFFFFu; /* CRLF across vectors: the CR ends */
			dl |= 0x8000u;
		}
		/* blanks after a delimiter (or the start), before one */
		edge |= (bl & ((dl << 1) | start | (dl >> 1))) | (endbl & dl);
		start = dl >> 15;
		endbl = bl >> 15;
		while (dl != 0) {
			p = base + (size_t)__builtin_ctz(dl);
			dl &= dl - 1;
			fp[nf] = (const char *)b + s;
			len[nf++] = p - s;
			s = p + 1;
			if (b[p] != ',') {
				csv_record_end(csv, p);
				b[p] = '\0';
				csv->nf = csv->nrec = nf;
				csv->termed = 1;
				csv->blanks = edge != 0;
				return 1;
			}
			b[p] = '\0';
		}
		base += 16;
	}
undo:
	for (i = 0; i < nf; i++)
		b[(size_t)(fp[i] - (const char *)b) + len[i]] = ',';
	csv->nf = 0;
	/* quotes: csv_vec may read it still */
	return qt != 0 && csv->status == 0 ? csv_scan_quoted(csv, err) :
	    csv->status;
}
/*
 * csv_scan_term for a record with quotes (csv_vec): the fields go
 * straight to fptr and flen, and once the record is known to be one
 * csv_vec reads they are terminated in place (a quoted one unescaped: at
 * most CSV_VEC_ESC of those, or csv_scan reads the record).
 */
#define CSV_VEC_ESC 8

static int
csv_scan_quoted(ecpr__csv *csv, ecpr_error *err)
{
	unsigned char *b = csv->blk;
	struct csv_vs st = CSV_VS_INIT;
	const char **fp = csv->fptr;
	size_t *len = csv->flen;
	size_t base = csv->bpos, s = base, nf = 0, p, beg, end, i, r, w;
	size_t esc[CSV_VEC_ESC], nesc = 0;
	unsigned dl, lf;
	int how;

	for (;; base += 16) {
		if (nf + 16 > csv->nfcap) {
			csv->nf = nf;
			if (csv_room(csv, 16, err) < 0)
				return csv->status;
			fp = csv->fptr;
			len = csv->flen;
		}
		if (csv_vec(b, base, &st, &dl, &lf, 1) < 0)
			return 0;
		for (; dl != 0; dl &= dl - 1) {
			p = base + (size_t)__builtin_ctz(dl);
			csv_vec_field(b, s, p, st.esc, &beg, &end, &how);
			if (how) {
				if (nesc == CSV_VEC_ESC)
					return 0;
				esc[nesc++] = nf;
			}
			fp[nf] = (const char *)b + beg;
			len[nf++] = end - beg;
			s = p + 1;
		}
		if (lf != 0)
			break;
	}
	if (st.u8 != 0 && !csv_rec_utf8(b, csv->bpos, base +
	    (size_t)__builtin_ctz(lf)))
		return 0;
	/* the record is read: terminate its fields, unescape "" */
	for (i = 0; i < nesc; i++) {
		unsigned char *f = b + (fp[esc[i]] - (const char *)b);

		for (r = w = 0; r < len[esc[i]]; r++) {
			f[w++] = f[r];
			if (f[r] == '"')
				r++;
		}
		len[esc[i]] = w;
	}
	csv_record_end(csv, base + (size_t)__builtin_ctz(lf));
	for (i = 0; i < nf; i++)
		b[(size_t)(fp[i] - (const char *)b) + len[i]] = '\0';
	csv->nf = csv->nrec = nf;
	csv->termed = 1;
	csv->blanks = st.edge != 0;
	return 1;
}
#endif

/*
 * Scan the record starting at bpos.  Returns 1 (its fields in fl, bpos
 * past its line end), 0 when it runs past the data read so far (nothing
 * changed but the line counters), or a negative status.
 */
static int
csv_scan(ecpr__csv *csv, ecpr_error *err)
{
	const unsigned char *b = csv->blk;
	size_t p = csv->bpos, end = csv->blen, s, n, k;
	unsigned char c;
	int rc, how;

	csv->nf = 0;
	for (;;) {
		/* A field starts at p. */
		if (csv->nf >= csv->skip_from && b[p] != '"') {
			s = p;
			k = csv_count_fields(b, &p);
			if (k > 0) {
				if (csv_room(csv, k, err) < 0)
					return csv->status;
				while (k-- > 0)
					csv_field(csv, s, s, 2);
			}
		}
		if (csv_room(csv, 1, err) < 0)
			return csv->status;
		how = csv->nf >= csv->skip_from ? 2 : 0;
		if (b[p] != '"' || p == end) {
			s = p;
			for (;;) {
				p = csv_run_unq(b, p);
				if (p == end) {
					if (!csv->eof)
						return 0;
					csv_field(csv, s, p, how);
					csv->bpos = p;
					csv->done = 1;
					return 1;
				}
				c = b[p];
				if (c == ',') {
					csv_field(csv, s, p, how);
					p++;
					break;
				}
				if (c == '\n' || c == '\r') {
					csv_field(csv, s, p, how);
					csv_record_end(csv, p);
					return 1;
				}
				if (c == '"')
					return csv_fail(csv, err, ECPR_EPARSE,
					    "quote character in an unquoted "
					    "field at column %lu",
					    csv_col(csv, p));
				if (c == '\0')
					return csv_fail(csv, err, ECPR_EPARSE,
					    "NUL byte at column %lu (byte "
					    "offset %lld)", csv_col(csv, p),
					    csv->boff + (long long)p);
				if ((rc = csv_utf8(csv, p, &n, err)) <= 0)
					return rc;
				p += n;
			}
			continue;
		}
		/* A quoted field. */
		csv->qline = csv->line;
		s = ++p;
		for (;;) {
			while (!(csv_class[b[p]] & CL_QUO))
				p++;
			if (p == end) {
				if (!csv->eof)
					return 0;
				csv->line = csv->qline;
				return csv_fail(csv, err, ECPR_EPARSE,
				    "unterminated quoted field starting on "
				    "line %lu", csv->qline);
			}
			c = b[p];
			if (c == '"') {
				if (p + 1 == end) {
					if (!csv->eof)
						return 0;
					csv_field(csv, s, p, how);
					csv->bpos = p + 1;
					csv->done = 1;
					return 1;
				}
				c = b[p + 1];
				if (c == '"') {
					if (how == 0)
						how = 1;
					p += 2;
					continue;
				}
				if (c == ',') {
					csv_field(csv, s, p, how);
					p += 2;
					break;
				}
				if (c == '\n' || c == '\r') {
					csv_field(csv, s, p, how);
					csv_record_end(csv, p + 1);
					return 1;
				}
				if (c >= 0x21 && c < 0x7F)
					return csv_fail(csv, err, ECPR_EPARSE,
					    "unexpected character '%c' after a "
					    "closing quote at column %lu", c,
					    csv_col(csv, p + 1));
				return csv_fail(csv, err, ECPR_EPARSE,
				    "unexpected byte 0x%02X after a closing "
				    "quote at column %lu", c,
				    csv_col(csv, p + 1));
			} else if (c == '\n' || c == '\r') {
				/* A line break inside the field: kept. */
				if (!(c == '\n' && p > s && b[p - 1] == '\r'))
					csv->line++;
				p++;
				csv->line_off = csv->boff + (long long)p;
			} else if (c == '\0') {
				return csv_fail(csv, err, ECPR_EPARSE,
				    "NUL byte at column %lu (byte offset %lld)",
				    csv_col(csv, p), csv->boff + (long long)p);
			} else {
				if ((rc = csv_utf8(csv, p, &n, err)) <= 0)
					return rc;
				p += n;
			}
		}
	}
}

/*
 * Terminate the fields of the record scanned, unescaping quoted ones
 * (once: the scan clears termed); the fields only counted are empty.
 * Returns 1 or a negative status.
 */
static int
csv_record(ecpr__csv *csv, const char *const **fields, size_t *nfields,
    ecpr_error *err)
{
	/* locals: stores through b could alias the reader's own fields */
	unsigned char *b = csv->blk;
	const struct csv_fld *f = csv->fl;
	const char **fp;
	size_t *len;
	size_t i, n = csv->nf, r, w;

	if (!csv->termed) {
		/* fl has room for the n fields kept (kfl came from it) */
		if (csv->nrec > n && csv_room(csv, csv->nrec - n, err) < 0)
			return csv->status;
		if (csv->lazy)
			for (i = 0; i < n; i++) {
				csv->fl[i] = csv->kfl[i];
				csv->fl[i].beg += csv->rec_start;
				csv->fl[i].end += csv->rec_start;
			}
		f = csv->fl;
		fp = csv->fptr;
		len = csv->flen;
		for (i = 0; i < n; i++, f++) {
			w = f->end;
			if (f->how != 0) {
				if (f->how == 2) {
					fp[i] = "";
					len[i] = 0;
					continue;
				}
				for (r = w = f->beg; r < f->end; r++) {
					b[w++] = b[r];
					if (b[r] == '"')
						r++;
				}
			}
			b[w] = '\0';
			fp[i] = (const char *)b + f->beg;
			len[i] = w - f->beg;
		}
		for (; i < csv->nrec; i++) {
			fp[i] = "";
			len[i] = 0;
		}
		csv->termed = 1;
	}
	if (fields != NULL)
		*fields = csv->fptr;
	if (nfields != NULL)
		*nfields = csv->nrec;
	return 1;
}

void
ecpr__csv_bytewise(ecpr__csv *csv, int on)
{
	if (csv != NULL)
		csv->bytewise = on != 0;
}

int
ecpr__csv_blanks(const ecpr__csv *csv)
{
	return csv == NULL || csv->blanks;
}

const size_t *
ecpr__csv_lengths(const ecpr__csv *csv)
{
	return csv == NULL ? NULL : csv->flen;
}

/*
 * Find and scan the next record (skim: a plain one only up to the last
 * field kept, the others counted).  Returns 1
 * (fl, nf, nrec, rec_start set, the fields not yet terminated), 0 at the
 * end of the input, or a negative status.
 */
static int
csv_find(ecpr__csv *csv, int skim, ecpr_error *err)
{
	unsigned long line0;
	long long off0;
	unsigned char c;
	int rc;

	if (csv->status) {
		if (err != NULL)
			*err = csv->fail;
		return csv->status;
	}
	if (csv->done)
		return 0;
	if (!csv->started && (rc = csv_start(csv, err)) < 0)
		return rc;
	/* Blank lines before the record, and the LF of a CRLF. */
	for (;;) {
		if (csv->bpos == csv->blen) {
			if (csv->eof) {
				csv->done = 1;
				return 0;
			}
			if ((rc = csv_more(csv, err)) < 0)
				return rc;
			continue;
		}
		c = csv->blk[csv->bpos];
		if (c != '\n' && c != '\r')
			break;
		csv->bpos++;
		if (!(c == '\n' && csv->cr_pending))
			csv->line++;
		csv->cr_pending = c == '\r';
		csv->line_off = csv->boff + (long long)csv->bpos;
	}
	csv->cr_pending = 0;
	csv->rec_line = csv->line;
	csv->rec_start = csv->bpos;
	csv->termed = 0;
	csv->blanks = 1;
	csv->same = 0;
	csv->lazy = 0;
	line0 = csv->line;
	off0 = csv->line_off;
#ifdef __SSE2__
	if (!csv->bytewise && skim && csv->kpre_skip &&
	    csv->blen - csv->bpos > csv->kprelen &&
	    csv->blk[csv->bpos + csv->kprelen] == ',' &&
	    ecpr__mem_eq(csv->blk + csv->bpos, csv->kpre, csv->kprelen)) {
		/* the fields kept as in the record before (put in fl by
		 * csv_record if asked for): the rest only */
		csv->nf = csv->skip_from;
		if ((rc = csv_scan_plain(csv, csv->bpos + csv->kprelen + 1,
		    csv->skip_from, err)) != 0) {
			csv->same = csv->lazy = rc > 0;
			return rc;
		}
	}
	csv->nf = 0;
	if (csv->bytewise)
		rc = 0;
	else if (!skim && csv->keep == NULL)
		rc = csv_scan_term(csv, err);
	else
		rc = csv_scan_plain(csv, csv->bpos, skim ? csv->skip_from :
		    (size_t)-1, err);
	if (rc != 0)
		return rc;
#else
	(void)skim;
#endif
	while ((rc = csv_scan(csv, err)) == 0) {
		/* Past the data read: read more, and scan it again whole. */
		if ((rc = csv_more(csv, err)) < 0)
			return rc;
		csv->line = line0;
		csv->line_off = off0;
		csv->rec_start = csv->bpos;
	}
	if (rc > 0)
		csv->nrec = csv->nf;
	return rc;
}

int
ecpr__csv_next(ecpr__csv *csv, const char *const **fields,
    size_t *nfields, ecpr_error *err)
{
	int rc;

	if (csv == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "csv: no reader");
	if ((rc = csv_find(csv, 0, err)) <= 0)
		return rc;
	return csv_record(csv, fields, nfields, err);
}

/*
 * The record skimmed has its fields kept: whether they are the bytes of
 * the record before (csv->same), else keep them for the next.  The bytes
 * run to the end of the last field kept, its closing quote included:
 * another record with them then a comma has the same fields kept, since
 * the reader is in the same state after the same bytes.
 */
static int
csv_skim_key(ecpr__csv *csv, ecpr_error *err)
{
	size_t k = csv->skip_from, len, i;
	const char *key = (const char *)csv->blk + csv->rec_start;

	if (csv->same)
		return 0;
	if (csv->nf < k || k == 0) {
		csv->kpre_ok = csv->kpre_skip = 0;
		return 0;
	}
	len = csv->fl[k - 1].end - csv->rec_start;
	/* a quoted field ends after its closing quote */
	if (csv->fl[k - 1].beg > csv->rec_start &&
	    csv->blk[csv->fl[k - 1].beg - 1] == '"')
		len++;
	if (csv->kpre_ok && len == csv->kprelen &&
	    ecpr__mem_eq(key, csv->kpre, len)) {
		csv->same = 1;
		return 0;
	}
	csv->kpre_ok = csv->kpre_skip = 0;
	if (len > csv->kprecap) {
		char *p = realloc(csv->kpre, len);

		if (p == NULL)
			return csv_fail(csv, err, ECPR_ENOMEM, "out of memory");
		csv->kpre = p;
		csv->kprecap = len;
	}
	if (csv->kfl == NULL &&
	    (csv->kfl = malloc(k * sizeof(*csv->kfl))) == NULL)
		return csv_fail(csv, err, ECPR_ENOMEM, "out of memory");
	memcpy(csv->kpre, key, len);
	csv->kprelen = len;
	for (i = 0; i < k; i++) {
		csv->kfl[i] = csv->fl[i];
		csv->kfl[i].beg -= csv->rec_start;
		csv->kfl[i].end -= csv->rec_start;
	}
	csv->kpre_ok = 1;
	csv->kpre_skip = memchr(key, '\n', len) == NULL &&
	    memchr(key, '\r', len) == NULL;
	return 0;
}

int
ecpr__csv_skim(ecpr__csv *csv, size_t *nfields, int *same, ecpr_error *err)
{
	int rc;

	if (csv == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "csv: no reader");
	if ((rc = csv_find(csv, 1, err)) <= 0)
		return rc;
	if (csv_skim_key(csv, err) < 0)
		return csv->status;
	*nfields = csv->nrec;
	*same = csv->same;
	return 1;
}

#ifdef __SSE2__
/*
 * csv_plain_end for a rest with quotes: the LF that ends it when csv_vec
 * reads it and it has want delimiters; else 0.
 */
static size_t
csv_quoted_end(const unsigned char *b, size_t from, size_t want)
{
	struct csv_vs st = CSV_VS_INIT;
	size_t base = from, n = 0;
	unsigned dl, lf;

	for (;; base += 16) {
		if (csv_vec(b, base, &st, &dl, &lf, 0) < 0)
			return 0;
		n += bits16(dl);
		if (lf != 0) {
			size_t q = base + (size_t)__builtin_ctz(lf);

			/* the LF (after the CR of a CRLF) */
			return n == want && (st.u8 == 0 ||
			    csv_rec_utf8(b, from, q)) ? q + (b[q] == '\r') : 0;
		}
	}
}

/*
 * The LF that ends the plain rest of a record starting at blk[from] (no
 * quote, CR, NUL or byte above 0x7f before it, as csv_scan_plain reads
 * it; else, with quotes, as csv_quoted_end reads it) when it has want
 * delimiters, its commas and the LF; else 0.
 */
static size_t
csv_plain_end(const unsigned char *b, size_t from, size_t want)
{
	const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n');
	size_t base = from, n = 0;
	unsigned dl, nl, sp;

	for (;;) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
		    (b + base));

		nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf));
		dl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));
		sp = csv_stop_bits(v) | (unsigned)_mm_movemask_epi8(v);
		if (nl != 0) {
			nl = (nl & -nl) - 1; /* the bytes before the LF */
			if (sp & nl && !csv_crlf(b, base, (nl << 1) | 1, sp))
				break;
			if (n + bits16(dl & nl) + 1 != want)
				return 0;
			return base + bits16(nl);
		}
		if (sp != 0) {
			if (!csv_crlf_split(b, base, sp))
				break;
			/* CRLF across vectors: the LF is the next one's */
			return n + bits16(dl) + 1 == want ? base + 16 : 0;
		}
		n += bits16(dl);
		base += 16;
	}
	/* quotes or UTF-8: csv_vec may read it still */
	return csv_general_bits(_mm_loadu_si128((const __m128i *)(const void *)
	    (b + base))) & (nl != 0 ? nl : 0xFFFFu) ?
	    csv_quoted_end(b, from, want) : 0;
}
#endif

size_t
ecpr__csv_skim_same(ecpr__csv *csv, size_t nfields)
{
#ifdef __SSE2__
	const unsigned char *b;
	size_t k, p, q, last = 0, n = 0;

	if (csv == NULL || csv->status || csv->done || csv->bytewise ||
	    !csv->kpre_ok || !csv->kpre_skip || nfields <= csv->skip_from ||
	    (csv->cr_pending && csv->blk[csv->bpos] == '\n'))
		return 0;
	b = csv->blk;
	k = csv->kprelen;
	for (p = csv->bpos; csv->blen - p > k && b[p + k] == ',' &&
	    ecpr__mem_eq(b + p, csv->kpre, k); p = q + 1, n++) {
		q = csv_plain_end(b, p + k + 1, nfields - csv->skip_from);
		if (q == 0)
			break;
		last = p;
	}
	if (n == 0)
		return 0;
	/* as ecpr__csv_skim leaves the reader after the last of them */
	csv->bpos = p;
	csv->cr_pending = 0;
	csv->line += n;
	csv->rec_line = csv->line - 1;
	csv->line_off = csv->boff + (long long)p;
	csv->rec_start = last;
	csv->termed = 0;
	csv->same = csv->lazy = 1;
	csv->nf = csv->skip_from;
	csv->nrec = nfields;
	return n;
#else
	(void)csv;
	(void)nfields;
	return 0;
#endif
}

int
ecpr__csv_fields(ecpr__csv *csv, const char *const **fields,
    size_t *nfields, ecpr_error *err)
{
	if (csv == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "csv: no reader");
	return csv_record(csv, fields, nfields, err);
}
