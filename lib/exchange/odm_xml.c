/*
 * odm_xml.c - safe XML parsing for ODM files and validation against the
 * official ODM 1.3.2 XML Schema.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "internal.h"
#include "odm_internal.h"

#define XMLDSIG_NS "http://www.w3.org/2000/09/xmldsig#"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define SCAN_BUFSIZE 65536 /* the scanner's reads of the file */

struct ecpr_odm_schema {
	xmlSchemaPtr xsd;
};

/* The only files the schema loader admits. */
static const char *const schema_files[] = {
	"ODM1-3-2.xsd", "ODM1-3-2-foundation.xsd", "xml.xsd",
	"xmldsig-core-schema.xsd"
};

/* ------------------------------------------------------------------ */
/* The byte scanner ahead of libxml2                                    */
/* ------------------------------------------------------------------ */

enum scan_state {
	S_TEXT, S_LT, S_STAG, S_ATTVAL, S_ETAG, S_PI, S_PI_Q, S_BANG,
	S_BANG_DASH, S_BANG_CD, S_COMMENT, S_CDATA, S_DECL
};

static int
scan_fail(struct ecpr__odm_scan *s, unsigned long line, const char *what,
    const char *name)
{
	s->failed = 1;
	if (name != NULL)
		return ecpr__error_set(s->err, ECPR_EPARSE, s->path, line,
		    "element %s: %s", name, what);
	return ecpr__error_set(s->err, ECPR_EPARSE, s->path, line, "%s",
	    what);
}

static int
is_blank(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
name_add(struct ecpr__odm_scan *s, unsigned c)
{
	if (s->nlen + 1 < sizeof(s->name))
		s->name[s->nlen++] = (char)(c < 0x100 ? c : '?');
	s->name[s->nlen] = '\0';
}

/* A start tag closed: one level deeper, refused past the limit. */
static int
scan_push(struct ecpr__odm_scan *s)
{
	char what[64];

	if (s->depth >= ECPR_ODM_MAX_DEPTH) {
		snprintf(what, sizeof(what), "nested deeper than %d elements",
		    ECPR_ODM_MAX_DEPTH);
		return scan_fail(s, s->tag_line, what, s->name);
	}
	memcpy(s->open[s->depth], s->name, s->nlen + 1);
	s->open_len[s->depth] = strlen(s->name);
	s->open_line[s->depth] = s->tag_line;
	if (s->depth++ == 0)
		s->roots++;
	s->pend_from = s->depth; /* the lines before are counted */
	return 0;
}

/* An end tag named by the n bytes at name (as name_add keeps them),
 * compared as strcmp would compare them (up to a NUL). */
static void
scan_pop(struct ecpr__odm_scan *s, const char *name, size_t n)
{
	n = strnlen(name, n);
	if (s->depth == 0 || s->open_len[s->depth - 1] != n ||
	    memcmp(s->open[s->depth - 1], name, n) != 0)
		s->mismatch = 1; /* libxml2 reports it */
	if (s->depth > 0)
		s->depth--;
	if (s->pend_from > s->depth)
		s->pend_from = s->depth;
}

/* "not an XML file": the first characters of the file, shown. */
static int
scan_not_xml(struct ecpr__odm_scan *s)
{
	char what[96];

	s->head[s->nhead] = '\0';
	snprintf(what, sizeof(what), "not an XML file: it starts with \"%s\"",
	    s->head);
	return scan_fail(s, 1, what, NULL);
}

/* One character (a byte, or a UTF-16 unit).  0, or -1 when refused. */
static int
scan_unit(struct ecpr__odm_scan *s, unsigned c)
{
	char what[64];

	if (c == '\n')
		s->line++;
	else if (!is_blank(c))
		s->last_line = s->line;
	if (s->nothead) {
		if (c == '\n' || c == '\r' || s->nhead >= 20)
			return scan_not_xml(s) != 0 ? -1 : 0;
		s->head[s->nhead++] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
		return 0;
	}
	if (!s->started) {
		if (is_blank(c) || c == 0xfeff)
			return 0;
		s->started = 1;
		if (c != '<') {
			s->nothead = 1;
			s->head[s->nhead++] = (char)(c >= 0x20 && c < 0x7f ?
			    c : '?');
			return 0;
		}
	}
	switch (s->state) {
	case S_TEXT:
		if (c == '<')
			s->state = S_LT;
		break;
	case S_LT:
		s->tag_line = s->line;
		s->nlen = 0;
		s->name[0] = '\0';
		s->nattr = 0;
		s->slash = 0;
		if (c == '/') {
			s->state = S_ETAG;
		} else if (c == '!') {
			s->state = S_BANG;
		} else if (c == '?') {
			s->state = S_PI;
		} else {
			s->state = S_STAG;
			s->innm = 1;
			name_add(s, c);
		}
		break;
	case S_STAG:
		if (c == '"' || c == '\'') {
			s->quote = (int)c;
			s->state = S_ATTVAL;
			s->innm = s->slash = 0;
		} else if (c == '=') {
			s->innm = s->slash = 0;
			if (++s->nattr > ECPR_ODM_MAX_ATTRIBUTES) {
				snprintf(what, sizeof(what), "more than %d "
				    "attributes", ECPR_ODM_MAX_ATTRIBUTES);
				scan_fail(s, s->tag_line, what, s->name);
				return -1;
			}
		} else if (c == '>') {
			s->state = S_TEXT;
			if (!s->slash && scan_push(s) != 0)
				return -1;
		} else if (c == '/') {
			s->innm = 0;
			s->slash = 1;
		} else if (is_blank(c)) {
			s->innm = s->slash = 0;
		} else {
			if (s->innm)
				name_add(s, c);
			s->slash = 0;
		}
		break;
	case S_ATTVAL:
		if ((int)c == s->quote)
			s->state = S_STAG;
		break;
	case S_ETAG:
		if (c == '>') {
			s->state = S_TEXT;
			scan_pop(s, s->name, s->nlen);
		} else if (!is_blank(c)) {
			name_add(s, c);
		}
		break;
	case S_PI:
		if (c == '?')
			s->state = S_PI_Q;
		break;
	case S_PI_Q:
		if (c == '>')
			s->state = S_TEXT;
		else if (c != '?')
			s->state = S_PI;
		break;
	case S_BANG:
		s->dashes = 0;
		if (c == '-') {
			s->state = S_BANG_DASH;
		} else if (c == '[') {
			s->cdk = 1;
			s->state = S_BANG_CD;
		} else {
			s->state = S_DECL;
		}
		break;
	case S_BANG_DASH:
		s->state = c == '-' ? S_COMMENT : S_DECL;
		break;
	case S_BANG_CD:
		if (c != (unsigned char)"[CDATA["[s->cdk])
			s->state = S_DECL;
		else if (++s->cdk == 7)
			s->state = S_CDATA;
		break;
	case S_COMMENT:
	case S_CDATA:
		if (c == (s->state == S_COMMENT ? '-' : ']'))
			s->dashes++;
		else if (c == '>' && s->dashes >= 2)
			s->state = S_TEXT;
		else
			s->dashes = 0;
		break;
	case S_DECL: /* <!DOCTYPE ...> (refused by the prolog check) */
		if (c == '[')
			s->dashes++;
		else if (c == ']')
			s->dashes--;
		else if (c == '>' && s->dashes <= 0)
			s->state = S_TEXT;
		break;
	}
	return 0;
}

/* The '\n' in p..end: sixteen bytes at a time, each 16-byte compare
 * added to a count per byte lane (at most 255 rounds before the lanes
 * are summed), the bytes after the last whole sixteen one by one. */
static unsigned long
newlines(const unsigned char *p, const unsigned char *end)
{
	unsigned long n = 0;
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	__m128i acc;
	size_t k;

	while (end - p >= 16) {
		k = (size_t)(end - p) / 16;
		if (k > 255)
			k = 255;
		acc = _mm_setzero_si128();
		for (; k > 0; k--, p += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(
			    (const __m128i *)(const void *)p), nl));
		acc = _mm_sad_epu8(acc, _mm_setzero_si128());
		n += (unsigned long)_mm_cvtsi128_si32(acc) +
		    (unsigned long)_mm_extract_epi16(acc, 4);
	}
#endif
	for (; p < end; p++)
		n += *p == '\n';
	return n;
}

/* The first c in p..end, or NULL, as memchr: the first 64 bytes sixteen
 * at a time inline (the next '<' or quote is most often a few bytes
 * away, nearer than a call of memchr costs), the rest through memchr. */
static const unsigned char *
find_byte(const unsigned char *p, const unsigned char *end, unsigned char c)
{
#ifdef __SSE2__
	const __m128i x = _mm_set1_epi8((char)c);
	unsigned m;
	int i;

	for (i = 0; i < 4 && end - p >= 16; i++, p += 16) {
		m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(
		    (const __m128i *)(const void *)p), x));
		if (m != 0)
			return p + __builtin_ctz(m);
	}
#endif
	if (p >= end)
		return NULL;
	return memchr(p, c, (size_t)(end - p));
}

/* What a byte is to the fast paths of an 8-bit file: B_NAME, a byte of a
 * name in a start tag (scan_unit's S_STAG: neither blank nor one of
 * " ' = > /), or B_BLANK, is_blank(). */
#define B_NAME 1
#define B_BLANK 2
static const unsigned char byte_class[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	2, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static int
name_byte(unsigned char c)
{
	return byte_class[c] & B_NAME;
}

#ifdef __SSE2__
/* The bytes of x of class 0 (a quote, '=', '>' or '/'), as 0xff. */
static __m128i
special_bytes(__m128i x)
{
	return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x,
	    _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\''))),
	    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('=')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('>'))), _mm_cmpeq_epi8(x,
	    _mm_set1_epi8('/'))));
}

/* The blanks of x (is_blank()), as 0xff. */
static __m128i
blank_bytes(__m128i x)
{
	return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x,
	    _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))),
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
}
#endif

/*
 * The first byte from p that changes a start tag's state after its name
 * (scan_unit's S_STAG: a quote, '=', '>' or '/'; the class-0 bytes of
 * byte_class), or end: sixteen bytes at a time where they lie whole
 * before end.
 */
static const unsigned char *
tag_special(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
	unsigned m;

	for (; end - p >= 16; p += 16) {
		m = (unsigned)_mm_movemask_epi8(special_bytes(_mm_loadu_si128(
		    (const __m128i *)(const void *)p)));
		if (m != 0)
			return p + __builtin_ctz(m);
	}
#endif
	while (p < end && byte_class[*p] != 0)
		p++;
	return p;
}

#ifdef __SSE2__
/* The bits set in x (__builtin_popcountll is a call of libgcc's table
 * where the target has no popcnt instruction). */
static unsigned
popcount64(uint64_t x)
{
	x -= (x >> 1) & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) +
	    ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* The bytes of the 64 at p equal to c, as the bits of a mask. */
static uint64_t
eq_mask64(const __m128i x[4], unsigned char c)
{
	const __m128i y = _mm_set1_epi8((char)c);
	uint64_t m = 0;
	int i;

	for (i = 0; i < 4; i++)
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x[i],
		    y)) << (16 * i);
	return m;
}
#endif

/*
 * The '>' that ends the start tag whose attributes start at q, and in
 * *nattr the '=' before it that are not in a value (the attributes
 * tag_special's loop in plain_tag counts), taken 64 bytes at a time
 * with no branch per byte: the bits of the bytes inside a "-quoted
 * value are the running parity of the quotes before them.  NULL when
 * this cannot tell and the loop must (a single quote among the bytes
 * looked at, fewer than 64 bytes left in the buffer, no SSE2).
 */
static const unsigned char *
attrs_end(const unsigned char *q, const unsigned char *end, unsigned *nattr)
{
#ifdef __SSE2__
	uint64_t dq, gt, eq, in, carry = 0;
	__m128i x[4];
	unsigned n = 0;
	int i;

	for (; end - q >= 64; q += 64) {
		for (i = 0; i < 4; i++)
			x[i] = _mm_loadu_si128((const __m128i *)(const void *)
			    (q + 16 * i));
		if (eq_mask64(x, '\'') != 0)
			return NULL;
		dq = eq_mask64(x, '"');
		gt = eq_mask64(x, '>');
		eq = eq_mask64(x, '=');
		/* in: the opening quote of a value to the byte before its
		 * closing quote (the closing quote's parity is even) */
		in = dq ^ dq << 1;
		in ^= in << 2;
		in ^= in << 4;
		in ^= in << 8;
		in ^= in << 16;
		in ^= in << 32;
		in ^= carry;
		if ((gt &= ~in) != 0) {
			*nattr = n + popcount64(eq & ~in &
			    ((gt & (0 - gt)) - 1));
			return q + __builtin_ctzll(gt);
		}
		n += popcount64(eq & ~in);
		carry = 0 - (in >> 63);
	}
#else
	(void)q;
	(void)end;
	(void)nattr;
#endif
	return NULL;
}

/* The first byte from p that is not of a name (name_byte()), or end: as
 * tag_special, sixteen bytes at a time. */
static const unsigned char *
name_end(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
	__m128i x;
	unsigned m;

	for (; end - p >= 16; p += 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)p);
		m = (unsigned)_mm_movemask_epi8(_mm_or_si128(special_bytes(x),
		    blank_bytes(x)));
		if (m != 0)
			return p + __builtin_ctz(m);
	}
#endif
	while (p < end && name_byte(*p))
		p++;
	return p;
}

/* Blanks from p: past them (lines are counted by scan_sync). */
static const unsigned char *
skip_blanks(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (byte_class[*p] & B_BLANK) != 0)
		p++;
	return p;
}

/* scan_sync's count from s->lpos to p. */
static void
sync_to(struct ecpr__odm_scan *s, const unsigned char *p)
{
	const unsigned char *t = p;
	unsigned long nl;

	if (p <= s->lpos)
		return;
	while (t > s->lpos && (byte_class[t[-1]] & B_BLANK) != 0)
		t--;
	nl = newlines(s->lpos, t);
	if (t > s->lpos)
		s->last_line = s->line + nl;
	s->line += nl + newlines(t, p);
	s->lpos = p;
}

/*
 * The lines of the bytes from s->lpos to p, taken by the fast paths
 * without counting them, counted now as scan_unit would have counted
 * them byte by byte: line, and last_line for the last non-blank byte
 * among them, and the line of each element the fast path opened on the
 * way.  Then s->lpos is p.
 */
static void
scan_sync(struct ecpr__odm_scan *s, const unsigned char *p)
{
	for (; s->pend_from < s->depth; s->pend_from++) {
		sync_to(s, s->open_pos[s->pend_from]);
		s->open_line[s->pend_from] = s->line;
	}
	sync_to(s, p);
}

/*
 * A plain start tag (<Name Att="v" ...> or .../>) or end tag (</Name>)
 * at p, '<', lying whole before end: taken at once, with the effects
 * scan_unit has byte by byte that matter after the tag (the elements
 * open, their names and lines; not the name, attributes and line of the
 * tag, which scan_unit sets anew at the next '<'), but for the lines,
 * left to scan_sync (an element opened keeps where it starts, and
 * scan_sync counts its line).  The byte after its '>', or NULL (nothing
 * done) for anything else, left to scan_unit: other markup, a tag cut by
 * the end of the buffer, too many attributes or elements.
 */
static const unsigned char *
plain_tag(struct ecpr__odm_scan *s, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *q = p + 1, *n0, *n1, *v;
	unsigned nattr = 0;
	size_t len;
	int close = 0, empty = 0;

	if (q < end && *q == '/') {
		close = 1;
		q++;
	}
	n0 = q;
	n1 = q = name_end(q, end);
	if (n1 == n0 || *n0 == '!' || *n0 == '?')
		return NULL;
	if (close) {
		/* </Name> with blanks before its '>' at most */
		if ((q = skip_blanks(q, end)) >= end || *q != '>')
			return NULL;
	} else {
		/*
		 * The attributes: after the name only a quote (a value, to
		 * its closing quote), '=' (an attribute), '>' (the end, of
		 * an empty element when a '/' is just before it) and '/'
		 * change what scan_unit does; any other byte is taken as it
		 * takes it (a blank or a byte of a name: nothing); most
		 * tags at once by attrs_end
		 */
		if ((v = attrs_end(q, end, &nattr)) != NULL) {
			if (nattr > ECPR_ODM_MAX_ATTRIBUTES)
				return NULL;
			q = v;
		} else for (;;) {
			if ((q = tag_special(q, end)) >= end)
				return NULL;
			if (*q == '=') {
				if (++nattr > ECPR_ODM_MAX_ATTRIBUTES ||
				    ++q >= end)
					return NULL;
				if (*q != '"' && *q != '\'')
					continue;
				/* its value, most often just after it */
			}
			if (*q == '>')
				break;
			if (*q == '/') {
				q++;
			} else if ((v = find_byte(q + 1, end, *q)) == NULL) {
				return NULL;
			} else {
				q = v + 1;
			}
		}
		empty = q[-1] == '/';
	}
	if (!close && !empty && s->depth >= ECPR_ODM_MAX_DEPTH)
		return NULL;
	/* the tag, as scan_unit would have left it at its '>' */
	len = (size_t)(n1 - n0) < sizeof(s->name) - 1 ? (size_t)(n1 - n0) :
	    sizeof(s->name) - 1; /* as name_add keeps */
	s->state = S_TEXT;
	if (close) {
		scan_pop(s, (const char *)n0, len);
	} else if (!empty) {
		/* scan_push, but for its line: counted by scan_sync */
		memcpy(s->open[s->depth], n0, len);
		s->open[s->depth][len] = '\0';
		s->open_len[s->depth] = strlen(s->open[s->depth]);
		s->open_pos[s->depth] = p;
		if (s->depth++ == 0)
			s->roots++;
	}
	return q + 1;
}

/*
 * The bytes of a file of 8-bit units (UTF-8, Latin-1 ...): text between
 * tags and plain tags, most of the bytes, are taken a run or a tag at a
 * time, their lines counted by scan_sync when needed (at an element
 * opened, before any other byte, at the end of the buffer); attribute
 * values and the blanks and attribute names of other start tags are
 * taken a run at a time (lines counted, the line of the last non-blank
 * character kept, as scan_unit does byte by byte); the bytes that change
 * the state go through scan_unit.
 */
static int
scan_8bit(struct ecpr__odm_scan *s, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *q, *t;
	unsigned long nl;

	s->lpos = p;
	while (p < end) {
		if (s->started && !s->nothead && s->state == S_TEXT) {
			if ((q = find_byte(p, end, '<')) == NULL)
				break;
			if ((t = plain_tag(s, q, end)) != NULL) {
				p = t;
				continue;
			}
			p = q;
		}
		scan_sync(s, p);
		if (!s->started || s->nothead || s->state == S_TEXT) {
			/* the start of the file, or markup at p */
		} else if (s->state == S_ATTVAL) {
			if ((q = find_byte(p, end, (unsigned char)s->quote)) ==
			    NULL)
				q = end;
			for (t = q; t > p && is_blank(t[-1]); t--)
				;
			nl = newlines(p, t);
			if (t > p)
				s->last_line = s->line + nl;
			s->line += nl + newlines(t, q);
			p = q;
		} else if (s->state == S_STAG && s->innm) {
			/* the element's name */
			for (q = p; q < end && !is_blank(*q) && *q != '"' &&
			    *q != '\'' && *q != '=' && *q != '>' && *q != '/';
			    q++)
				name_add(s, *q);
			if (q > p) {
				s->last_line = s->line;
				s->slash = 0;
			}
			p = q;
		} else if (s->state == S_ETAG) {
			for (q = p; q < end && *q != '>'; q++) {
				if (*q == '\n') {
					s->line++;
				} else if (!is_blank(*q)) {
					s->last_line = s->line;
					name_add(s, *q);
				}
			}
			p = q;
		} else if (s->state == S_STAG && !s->innm) {
			/* blanks and attribute names: only slash changes */
			for (q = p; q < end && *q != '"' && *q != '\'' &&
			    *q != '=' && *q != '>' && *q != '/'; q++) {
				if (*q == '\n')
					s->line++;
				else if (!is_blank(*q))
					s->last_line = s->line;
			}
			if (q > p)
				s->slash = 0;
			p = q;
		}
		s->lpos = p;
		if (p == end)
			break;
		if (scan_unit(s, *p++) != 0)
			return -1;
		s->lpos = p;
	}
	scan_sync(s, end);
	return 0;
}

static int
scan_bytes(struct ecpr__odm_scan *s, const unsigned char *b, size_t n)
{
	size_t i = 0;
	unsigned c;

	if (!s->detected && n > 0) {
		s->detected = 1;
		s->unit = 1;
		if (n >= 2 && ((b[0] == 0xfe && b[1] == 0xff) ||
		    (n >= 4 && b[0] == 0 && b[1] == '<' && b[2] == 0 &&
		    b[3] == '?'))) {
			s->unit = 2;
			s->be = 1;
		} else if (n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
		    (n >= 4 && b[0] == '<' && b[1] == 0 && b[2] == '?' &&
		    b[3] == 0))) {
			s->unit = 2;
		} else if (n >= 3 && b[0] == 0xef && b[1] == 0xbb &&
		    b[2] == 0xbf) {
			i = 3; /* the UTF-8 byte-order mark */
		}
	}
	if (s->unit == 1)
		return scan_8bit(s, b + i, b + n);
	for (; i < n; i++) {
		c = b[i];
		if (s->unit == 2) {
			if (!s->havepend) {
				s->pend = b[i];
				s->havepend = 1;
				continue;
			}
			s->havepend = 0;
			c = s->be ? (unsigned)s->pend << 8 | b[i] :
			    (unsigned)b[i] << 8 | s->pend;
		}
		if (scan_unit(s, c) != 0)
			return -1;
	}
	return 0;
}

int
ecpr__odm_scan_open(struct ecpr__odm_scan *s, const char *path,
    ecpr_error *err)
{
	memset(s, 0, sizeof(*s));
	s->path = path;
	s->err = err;
	s->line = 1;
	s->state = S_TEXT;
	if ((s->fp = fopen(path, "rb")) == NULL)
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot open: %s", strerror(errno));
	/* libxml2 pulls 4,000 bytes at a time: through stdio's own buffer
	 * (st_blksize, 4 KiB) that was a read(2) each, 52,000 for the 213 MB
	 * of 100,000 episodes; 64 KiB at a time instead (glibc sizes a
	 * buffer it allocates itself by st_blksize, whatever setvbuf asks) */
	if ((s->iobuf = malloc(SCAN_BUFSIZE)) != NULL)
		(void)setvbuf(s->fp, s->iobuf, _IOFBF, SCAN_BUFSIZE);
	return ECPR_OK;
}

int
ecpr__odm_scan_read(void *ctx, char *buf, int len)
{
	struct ecpr__odm_scan *s = ctx;
	size_t n;

	if (s->failed || s->fp == NULL || len <= 0)
		return s->failed ? -1 : 0;
	n = fread(buf, 1, (size_t)len, s->fp);
	if (n == 0) {
		if (ferror(s->fp)) {
			s->failed = 1;
			ecpr__error_set(s->err, ECPR_EIO, s->path, 0,
			    "cannot read: %s", strerror(errno));
			return -1;
		}
		s->eof = 1;
		if (s->nothead) {
			scan_not_xml(s);
			return -1;
		}
		return 0;
	}
	if (scan_bytes(s, (const unsigned char *)buf, n) != 0)
		return -1;
	return (int)n;
}

int
ecpr__odm_scan_close(void *ctx)
{
	struct ecpr__odm_scan *s = ctx;

	if (s->fp != NULL)
		fclose(s->fp);
	s->fp = NULL;
	free(s->iobuf); /* after fclose, which may still use it */
	s->iobuf = NULL;
	return 0;
}

int
ecpr__odm_scan_truncated(struct ecpr__odm_scan *s, unsigned long line)
{
	if (!s->eof || s->failed || s->mismatch || !s->started ||
	    (s->state == S_TEXT && s->depth == 0 && s->roots > 0) ||
	    (line != 0 && line < s->last_line))
		return 0;
	if (s->depth > 0)
		ecpr__error_set(s->err, ECPR_EPARSE, s->path, s->last_line,
		    "truncated: the file ends inside element %s (opened on "
		    "line %lu)", s->open[s->depth - 1],
		    s->open_line[s->depth - 1]);
	else if (s->roots == 0)
		ecpr__error_set(s->err, ECPR_EPARSE, s->path, s->last_line,
		    "truncated: the file ends before its root element");
	else
		ecpr__error_set(s->err, ECPR_EPARSE, s->path, s->last_line,
		    "truncated: the file ends inside a tag or comment");
	return 1;
}

/* Parse state shared by the SAX hooks below (ctxt->_private). */
struct guard {
	const char *path;
	ecpr_error *err;
	int failed;  /* err holds the first problem */
	int refused; /* a DOCTYPE was seen */
	int root;    /* the root element was reached */
	unsigned long line; /* line of the first error */
	struct ecpr__odm_scan *scan; /* the input, when scanned */
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

	if (g == NULL || g->failed || g->refused || g->root ||
	    (g->scan != NULL && g->scan->failed))
		return;
	if (xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(g->err, ECPR_EPARSE, g->path, xe);
	g->line = xe->line > 0 ? (unsigned long)xe->line : 0;
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
	struct ecpr__odm_scan *sc;
	struct guard g;
	char buf[4096];
	int n, rc;

	memset(&g, 0, sizeof(g));
	g.path = path;
	g.err = err;
	if ((sc = malloc(sizeof(*sc))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, path, 0,
		    "out of memory");
	if ((rc = ecpr__odm_scan_open(sc, path, err)) != ECPR_OK) {
		free(sc);
		return rc;
	}
	g.scan = sc;
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.internalSubset = guard_doctype;
	sax.startElementNs = guard_root;
	sax.serror = guard_error;
	n = ecpr__odm_scan_read(sc, buf, 4);
	if (n >= 0)
		pc = xmlCreatePushParserCtxt(&sax, NULL, buf, n, path);
	if (pc == NULL) {
		ecpr__odm_scan_close(sc);
		rc = n < 0 ? err->code : ecpr__error_set(err, ECPR_ENOMEM,
		    path, 0, "out of memory");
		free(sc);
		return rc;
	}
	pc->_private = &g;
	xmlCtxtUseOptions(pc, XML_PARSE_NONET);
	while (!g.failed && !g.root) {
		n = ecpr__odm_scan_read(sc, buf, sizeof(buf));
		if (n < 0) {
			g.failed = 1; /* the scanner's refusal is in err */
			break;
		}
		if (n == 0) {
			if (!sc->started) {
				ecpr__error_set(err, ECPR_EPARSE, path, 0,
				    "empty file: there is no XML in it");
				g.failed = 1;
				break;
			}
			xmlParseChunk(pc, NULL, 0, 1);
			break;
		}
		xmlParseChunk(pc, buf, n, 0);
	}
	if (g.failed)
		rc = err != NULL ? err->code : ECPR_EPARSE;
	else if (!g.root)
		rc = ECPR_EPARSE;
	else
		rc = ECPR_OK;
	/* at the end of the file: truncated, unless refused earlier */
	if (rc != ECPR_OK && !g.refused && !sc->failed &&
	    ecpr__odm_scan_truncated(sc, g.line))
		rc = ECPR_EPARSE;
	else if (rc != ECPR_OK && !g.failed)
		rc = ecpr__error_set(err, ECPR_EPARSE, path, 0,
		    "no root element");
	xmlFreeParserCtxt(pc);
	ecpr__odm_scan_close(sc);
	free(sc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The streaming reader                                                 */
/* ------------------------------------------------------------------ */

static void
reader_error(void *arg, xmlErrorPtr xe)
{
	struct ecpr__odm_reader *r = arg;

	if (r->failed || r->scan->failed || xe == NULL ||
	    xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(r->err, ECPR_EPARSE, r->path, xe);
	r->err_line = xe->line > 0 ? (unsigned long)xe->line : 0;
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
	if ((r->scan = malloc(sizeof(*r->scan))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, path, 0,
		    "out of memory");
	if ((rc = ecpr__odm_scan_open(r->scan, path, err)) != ECPR_OK)
		return rc;
	/* the reader reads through the scanner, and closes it */
	r->rd = xmlReaderForIO(ecpr__odm_scan_read, ecpr__odm_scan_close,
	    r->scan, path, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES |
	    XML_PARSE_COMPACT);
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

	if ((ret = xmlTextReaderRead(rd)) == 1 && !r->scan->failed) {
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
	if (r->scan->failed) /* refused, or a read error: in err */
		return r->err != NULL && r->err->code != ECPR_OK ?
		    r->err->code : ECPR_EPARSE;
	if (ret < 0 || r->failed) {
		if (!r->failed)
			ecpr__error_set(r->err, ECPR_EPARSE, r->path,
			    (unsigned long)xmlTextReaderGetParserLineNumber(rd),
			    "not well-formed XML");
		ecpr__odm_scan_truncated(r->scan, r->err_line);
		return ECPR_EPARSE;
	}
	return 0;
}

void
ecpr__odm_reader_close(struct ecpr__odm_reader *r)
{
	xmlFreeTextReader(r->rd);
	r->rd = NULL;
	if (r->scan != NULL)
		ecpr__odm_scan_close(r->scan);
	free(r->scan);
	r->scan = NULL;
}

xmlChar *
ecpr__odm_item_unit(xmlTextReaderPtr rd)
{
	const xmlChar *local = xmlTextReaderConstLocalName(rd);
	xmlNodePtr node, c;

	if (local == NULL || !xmlStrEqual(local, (const xmlChar *)"ItemData"))
		return xmlTextReaderGetAttribute(rd,
		    (const xmlChar *)"MeasurementUnitOID");
	if (xmlTextReaderIsEmptyElement(rd) ||
	    (node = xmlTextReaderExpand(rd)) == NULL)
		return NULL;
	for (c = node->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
		    xmlStrEqual(c->ns->href, (const xmlChar *)ECPR_ODM_NS) &&
		    xmlStrEqual(c->name, (const xmlChar *)"MeasurementUnitRef"))
			return xmlGetNoNsProp(c, (const xmlChar *)"MeasurementUnitOID");
	return NULL;
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
known_uri(const xmlChar *uri)
{
	const char *href = (const char *)uri;

	if (href == NULL)
		return 1; /* no namespace: the schema judges it */
	return strcmp(href, ECPR_ODM_NS) == 0 ||
	    strcmp(href, XMLDSIG_NS) == 0 ||
	    strcmp(href, (const char *)XML_XML_NAMESPACE) == 0 ||
	    strcmp(href, XSI_NS) == 0;
}

/*
 * Streaming validation: our SAX handler sits between the parser and the
 * schema validator (xmlSchemaSAXPlug) and, with --lax, passes on neither
 * foreign-namespace elements (with their contents) nor foreign-namespace
 * attributes of the others (the root element's are kept).  Nothing is
 * built in memory.
 */
struct vstate {
	const char *path;
	const ecpr_odm_validate_opts *opts;
	ecpr_odm_validate_result *res;
	ecpr_error *err;
	xmlParserCtxtPtr pc;
	struct ecpr__odm_scan *scan;
	xmlSAXHandlerPtr vsax;  /* the validator's handler ... */
	void *vud;              /* ... and its context */
	int failed;             /* err holds a parse error */
	unsigned long err_line;
	int depth;
	int skip;               /* depth of the foreign element skipped */
	char cur[128];          /* the element starting or ending */
};

/* Remember an element's name as the validator's errors name it. */
static void
v_name(struct vstate *v, const xmlChar *prefix, const xmlChar *localname)
{
	if (prefix != NULL)
		snprintf(v->cur, sizeof(v->cur), "%s:%s",
		    (const char *)prefix, (const char *)localname);
	else
		snprintf(v->cur, sizeof(v->cur), "%s",
		    (const char *)localname);
}

static void
v_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct vstate *v = ctx;
	const xmlChar *kept[5 * ECPR_ODM_MAX_ATTRIBUTES];
	int i, n = 0;

	(void)nb_defaulted;
	v->depth++;
	if (v->skip)
		return;
	if (v->opts->lax && v->depth > 1 && !known_uri(uri)) {
		v->skip = v->depth;
		v->res->aside_elements++;
		return;
	}
	for (i = 0; i < nb_attributes && n < ECPR_ODM_MAX_ATTRIBUTES; i++) {
		if (v->opts->lax && v->depth > 1 &&
		    !known_uri(attributes[5 * i + 2])) {
			v->res->aside_attributes++;
			continue;
		}
		memcpy(&kept[5 * n++], &attributes[5 * i],
		    5 * sizeof(*kept));
	}
	v_name(v, prefix, localname);
	if (v->vsax != NULL && v->vsax->startElementNs != NULL)
		v->vsax->startElementNs(v->vud, localname, prefix, uri,
		    nb_namespaces, namespaces, n, 0, kept);
}

static void
v_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct vstate *v = ctx;

	if (v->skip) {
		if (v->depth-- == v->skip)
			v->skip = 0;
		return;
	}
	v->depth--;
	v_name(v, prefix, localname);
	if (v->vsax != NULL && v->vsax->endElementNs != NULL)
		v->vsax->endElementNs(v->vud, localname, prefix, uri);
}

static void
v_chars(void *ctx, const xmlChar *ch, int len)
{
	struct vstate *v = ctx;

	if (!v->skip && v->vsax != NULL && v->vsax->characters != NULL)
		v->vsax->characters(v->vud, ch, len);
}

static void
v_cdata(void *ctx, const xmlChar *ch, int len)
{
	struct vstate *v = ctx;

	if (!v->skip && v->vsax != NULL && v->vsax->cdataBlock != NULL)
		v->vsax->cdataBlock(v->vud, ch, len);
}

static void
v_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	struct vstate *v = ctx;

	(void)ext;
	(void)sys;
	/* the prolog check refuses it first; never followed */
	if (!v->failed)
		ecpr__error_set(v->err, ECPR_EPARSE, v->path, 0,
		    "document type declaration \"<!DOCTYPE %s\" refused",
		    name != NULL ? (const char *)name : "");
	v->failed = 1;
	xmlStopParser(v->pc);
}

static void
v_parse_error(void *ctx, xmlErrorPtr xe)
{
	struct vstate *v = ctx;

	if (v->failed || v->scan->failed || xe == NULL ||
	    xe->level < XML_ERR_ERROR)
		return;
	ecpr__odm_xml_error(v->err, ECPR_EPARSE, v->path, xe);
	v->err_line = xe->line > 0 ? (unsigned long)xe->line : 0;
	v->failed = 1;
}

/* Where the validator is: the parser's line (there is no tree). */
static int
v_locator(void *ctx, const char **file, unsigned long *line)
{
	struct vstate *v = ctx;

	*file = v->path;
	*line = v->pc != NULL && v->pc->input != NULL ?
	    (unsigned long)v->pc->input->line : 0;
	return 0;
}

static void
valid_error(void *data, xmlErrorPtr xe)
{
	struct vstate *v = data;
	ecpr_error e = ECPR_ERROR_INIT;

	if (xe == NULL || xe->level < XML_ERR_ERROR || v->failed)
		return;
	ecpr__odm_xml_error(&e, ECPR_ERULE, v->path, xe);
	/* no tree: name the element the validator was at */
	if (xe->node == NULL && v->cur[0] != '\0') {
		char pre[160];
		size_t pl, ml = strlen(e.message);

		snprintf(pre, sizeof(pre), "element %s: ", v->cur);
		pl = strlen(pre);
		if (pl + ml >= sizeof(e.message))
			ml = sizeof(e.message) - pl - 1;
		memmove(e.message + pl, e.message, ml);
		memcpy(e.message, pre, pl);
		e.message[pl + ml] = '\0';
	}
	if (v->res->errors == 0 && v->err != NULL)
		*v->err = e;
	v->res->errors++;
	if (v->opts->on_error != NULL)
		v->opts->on_error(&e, v->opts->ctx);
}

/*
 * One pass over the file through the scanner: parsing only (vc NULL) or
 * parsing into the validator vc.  ECPR_OK when the file is well-formed,
 * else its error (ECPR_EPARSE, ECPR_EIO, ECPR_ENOMEM) in v->err.
 */
static int
v_run(struct vstate *v, xmlSchemaValidCtxtPtr vc)
{
	xmlSchemaSAXPlugPtr plug = NULL;
	ecpr_error *err = v->err;
	xmlSAXHandler sax;
	int rc;

	v->vsax = NULL;
	v->vud = NULL;
	v->pc = NULL;
	v->failed = 0;
	v->depth = v->skip = 0;
	v->cur[0] = '\0';
	v->res->aside_elements = v->res->aside_attributes = 0;
	if ((v->scan = malloc(sizeof(*v->scan))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if ((rc = ecpr__odm_scan_open(v->scan, v->path, err)) != ECPR_OK)
		goto out;
	if (vc != NULL &&
	    (plug = xmlSchemaSAXPlug(vc, &v->vsax, &v->vud)) == NULL) {
		rc = ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
		goto out;
	}
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = v_start;
	sax.endElementNs = v_end;
	sax.characters = v_chars;
	sax.ignorableWhitespace = v_chars;
	sax.cdataBlock = v_cdata;
	sax.internalSubset = v_doctype;
	sax.serror = v_parse_error;
	/* the parser reads through the scanner, and closes it */
	v->pc = xmlCreateIOParserCtxt(&sax, v, ecpr__odm_scan_read,
	    ecpr__odm_scan_close, v->scan, XML_CHAR_ENCODING_NONE);
	if (v->pc == NULL) {
		rc = ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
		goto out;
	}
	if (vc != NULL)
		xmlSchemaValidateSetLocator(vc, v_locator, v);
	xmlCtxtUseOptions(v->pc, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	xmlParseDocument(v->pc);
	if (v->scan->failed) {
		rc = err != NULL && err->code != ECPR_OK ? err->code :
		    ECPR_EPARSE;
	} else if (v->failed || !v->pc->wellFormed) {
		if (!v->failed)
			ecpr__error_set(err, ECPR_EPARSE, v->path, 0,
			    "not well-formed XML");
		ecpr__odm_scan_truncated(v->scan, v->err_line);
		rc = ECPR_EPARSE;
	}
out:
	if (plug != NULL)
		xmlSchemaSAXUnplug(plug);
	v->vsax = NULL;
	xmlFreeParserCtxt(v->pc);
	v->pc = NULL;
	ecpr__odm_scan_close(v->scan);
	free(v->scan);
	v->scan = NULL;
	return rc;
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
	if ((rc = ecpr__odm_check_prolog(path, err)) != ECPR_OK)
		return rc;
	memset(&v, 0, sizeof(v));
	v.path = path;
	v.opts = opts;
	v.res = res;
	v.err = err;
	/* a file that is not well-formed gets only that error: parse it
	 * once before validating (both passes stream) */
	if ((rc = v_run(&v, NULL)) != ECPR_OK)
		return rc;
	if ((vc = xmlSchemaNewValidCtxt(schema->xsd)) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	xmlSchemaSetValidStructuredErrors(vc, valid_error, &v);
	rc = v_run(&v, vc);
	if (rc == ECPR_OK && res->errors > 0)
		rc = ECPR_ERULE;
	else if (rc == ECPR_OK && xmlSchemaIsValid(vc) != 1)
		rc = ecpr__error_set(err, ECPR_ERULE, path, 0,
		    "does not validate against the ODM 1.3.2 schema");
	xmlSchemaFreeValidCtxt(vc);
	return rc;
}
