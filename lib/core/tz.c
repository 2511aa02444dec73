/*
 * tz.c - IANA time zones read from TZif files (RFC 8536)
 *
 * A zone is a list of transitions (UTC instants where the offset
 * changes), the offsets they switch to, and a POSIX TZ string (the
 * footer of version 2+ files) giving the rule for every instant after the
 * last transition.  Nothing here touches the process environment or the
 * C library's time-zone state.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "tz.h"

#define DEFAULT_TZDIR "/usr/share/zoneinfo"
#define TZ_FILE_MAX (1024L * 1024L)
#define TZ_NAME_MAX 255
#define TZ_PATH_MAX 4096
#define FOOTER_MAX 255
/* RFC 8536: offsets SHOULD lie in -89999..93599 (about -25h..+26h) */
#define UTOFF_MIN (-89999)
#define UTOFF_MAX 93599
/* no instant is more than this far from its local time */
#define WINDOW (27 * 3600LL)
#define NO_CHANGE INT64_MAX
/* rules are evaluated within +-100000 years of 1970 (no overflow) */
#define INSTANT_MAX (100000LL * 366 * 86400)

static int64_t
clamp(int64_t utc)
{
	return utc > INSTANT_MAX ? INSTANT_MAX :
	    utc < -INSTANT_MAX	 ? -INSTANT_MAX :
				   utc;
}

/* One rule of a POSIX TZ string: Jn, n or Mm.w.d, at a local time. */
struct rule {
	char kind; /* 'J', 'N' (zero-based day) or 'M' */
	int n, m, w, d;
	int32_t time; /* seconds after local midnight, may be <0 or >24h */
};

/* A POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3". */
struct posix {
	int32_t std_off; /* seconds east of UTC */
	int32_t dst_off;
	int has_dst;
	struct rule start, end;
};

struct ecpr_tz {
	char *name;
	size_t ntrans;
	int64_t *trans;     /* strictly ascending UTC instants */
	unsigned char *idx; /* type of each transition */
	size_t ntypes;
	int32_t *utoff; /* offset of each type */
	int has_footer;
	struct posix footer;
};

/* ---- POSIX TZ strings ------------------------------------------------ */

static int
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Read 1 to maxd digits; -1 when there is none. */
static long
number(const char **pp, int maxd)
{
	const char *p = *pp;
	long v = 0;
	int n = 0;

	while (n < maxd && is_digit(*p)) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0)
		return -1;
	*pp = p;
	return v;
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, + and -. */
static int
posix_name(const char **pp)
{
	const char *p = *pp;
	int n = 0;

	if (*p == '<') {
		p++;
		while (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-') {
			p++;
			n++;
		}
		if (*p != '>' || n < 3)
			return -1;
		p++;
	} else {
		while (is_alpha(*p)) {
			p++;
			n++;
		}
		if (n < 3)
			return -1;
	}
	*pp = p;
	return 0;
}

/*
 * [+-]hh[:mm[:ss]] with hours up to maxh; stores seconds (POSIX sign:
 * positive is west of Greenwich for offsets, later for rule times).
 */
static int
posix_hms(const char **pp, int maxh, int32_t *out)
{
	const char *p = *pp;
	long h, m = 0, s = 0;
	int sign = 1;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if ((h = number(&p, 3)) < 0 || h > maxh)
		return -1;
	if (*p == ':') {
		p++;
		if ((m = number(&p, 2)) < 0 || m > 59)
			return -1;
		if (*p == ':') {
			p++;
			if ((s = number(&p, 2)) < 0 || s > 59)
				return -1;
		}
	}
	*out = (int32_t)(sign * (h * 3600 + m * 60 + s));
	*pp = p;
	return 0;
}

static int
posix_rule(const char **pp, struct rule *r)
{
	const char *p = *pp;
	long v;

	memset(r, 0, sizeof(*r));
	if (*p == 'J') {
		p++;
		r->kind = 'J';
		if ((v = number(&p, 3)) < 1 || v > 365)
			return -1;
		r->n = (int)v;
	} else if (*p == 'M') {
		p++;
		r->kind = 'M';
		if ((v = number(&p, 2)) < 1 || v > 12 || *p++ != '.')
			return -1;
		r->m = (int)v;
		if ((v = number(&p, 1)) < 1 || v > 5 || *p++ != '.')
			return -1;
		r->w = (int)v;
		if ((v = number(&p, 1)) < 0 || v > 6)
			return -1;
		r->d = (int)v;
	} else {
		r->kind = 'N';
		if ((v = number(&p, 3)) < 0 || v > 365)
			return -1;
		r->n = (int)v;
	}
	r->time = 2 * 3600;
	if (*p == '/') {
		p++;
		/* RFC 8536 section 3.3.1: -167 to 167 hours */
		if (posix_hms(&p, 167, &r->time) < 0)
			return -1;
	}
	*pp = p;
	return 0;
}

/* Parse a TZ string; 0 or -1.  An empty string is not accepted here. */
static int
posix_parse(const char *s, struct posix *px)
{
	const char *p = s;
	int32_t off;

	memset(px, 0, sizeof(*px));
	if (posix_name(&p) < 0 || posix_hms(&p, 24, &off) < 0)
		return -1;
	px->std_off = -off;
	px->dst_off = px->std_off;
	if (*p == '\0')
		return 0;
	if (posix_name(&p) < 0)
		return -1;
	px->has_dst = 1;
	px->dst_off = px->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (posix_hms(&p, 24, &off) < 0)
			return -1;
		px->dst_off = -off;
	}
	if (*p == '\0') {
		/* POSIX leaves the default open; use the US rules like glibc */
		p = "M3.2.0,M11.1.0";
		if (posix_rule(&p, &px->start) < 0 || *p++ != ',' ||
		    posix_rule(&p, &px->end) < 0)
			return -1;
		return 0;
	}
	if (*p++ != ',' || posix_rule(&p, &px->start) < 0 || *p++ != ',' ||
	    posix_rule(&p, &px->end) < 0 || *p != '\0')
		return -1;
	return 0;
}

/* Local seconds (since 1970, local clock) at which a rule fires in year. */
static int64_t
rule_local(const struct rule *r, int64_t year)
{
	int64_t day;
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	switch (r->kind) {
	case 'J':
		day = ecpr__days_from_civil(year, 1, 1) + r->n - 1 +
		    (leap && r->n >= 60);
		break;
	case 'N':
		day = ecpr__days_from_civil(year, 1, 1) + r->n;
		break;
	default: {
		int64_t first = ecpr__days_from_civil(year, r->m, 1);
		int dim = ecpr__days_in_month(year, r->m);
		/* 1970-01-01 was a Thursday (4); Sunday is 0 */
		int wd = (int)(((first + 4) % 7 + 7) % 7);

		day = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
		while (day >= first + dim)
			day -= 7;
		break;
	}
	}
	return day * 86400 + r->time;
}

static int64_t
year_of(int64_t local)
{
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t y;
	int m, d;

	ecpr__civil_from_days(days, &y, &m, &d);
	return y;
}

/* UTC instants where daylight time starts and ends in year. */
static void
posix_year(const struct posix *px, int64_t year, int64_t *start,
    int64_t *end)
{
	*start = rule_local(&px->start, year) - px->std_off;
	*end = rule_local(&px->end, year) - px->dst_off;
}

static int32_t
posix_offset(const struct posix *px, int64_t utc)
{
	int64_t s, e;
	int dst;

	if (!px->has_dst)
		return px->std_off;
	utc = clamp(utc);
	posix_year(px, year_of(utc + px->std_off), &s, &e);
	if (s < e)
		dst = utc >= s && utc < e;
	else
		dst = !(utc >= e && utc < s);
	return dst ? px->dst_off : px->std_off;
}

/* The first rule instant after utc, or NO_CHANGE. */
static int64_t
posix_next(const struct posix *px, int64_t utc)
{
	int64_t y, s, e, best = NO_CHANGE;

	if (!px->has_dst || utc >= INSTANT_MAX)
		return NO_CHANGE;
	utc = clamp(utc);
	for (y = year_of(utc + px->std_off) - 1;
	     y <= year_of(utc + px->std_off) + 1; y++) {
		posix_year(px, y, &s, &e);
		if (s > utc && s < best)
			best = s;
		if (e > utc && e < best)
			best = e;
	}
	return best;
}

/* ---- TZif files ------------------------------------------------------ */

struct reader {
	const unsigned char *p;
	size_t len, pos;
};

static int
need(const struct reader *r, uint64_t n)
{
	return n <= (uint64_t)(r->len - r->pos);
}

static uint32_t
get32(struct reader *r)
{
	const unsigned char *p = r->p + r->pos;

	r->pos += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t
get64(struct reader *r)
{
	uint64_t hi = get32(r);
	uint64_t lo = get32(r);

	return (int64_t)(hi << 32 | lo);
}

struct header {
	int version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

/* Bytes of the data block that follows a header. */
static uint64_t
block_size(const struct header *h, int tsize)
{
	return (uint64_t)h->timecnt * (uint64_t)tsize + h->timecnt +
	    (uint64_t)h->typecnt * 6 + h->charcnt +
	    (uint64_t)h->leapcnt * (uint64_t)(tsize + 4) + h->isstdcnt +
	    h->isutcnt;
}

static const char *
read_header(struct reader *r, struct header *h, int tsize)
{
	if (!need(r, 44))
		return "the file is too short for a TZif header";
	if (memcmp(r->p + r->pos, "TZif", 4) != 0)
		return "it does not start with \"TZif\"";
	h->version = r->p[r->pos + 4];
	if (h->version != 0 && (h->version < '2' || h->version > '4'))
		return "unknown TZif version";
	r->pos += 20;
	h->isutcnt = get32(r);
	h->isstdcnt = get32(r);
	h->leapcnt = get32(r);
	h->timecnt = get32(r);
	h->typecnt = get32(r);
	h->charcnt = get32(r);
	if (h->typecnt == 0 || h->typecnt > 256)
		return "bad number of local time types";
	if (h->charcnt == 0)
		return "no time zone designations";
	if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt))
		return "bad standard/UT indicator counts";
	if (!need(r, block_size(h, tsize)))
		return "the file is truncated";
	return NULL;
}

static const char *
read_block(struct reader *r, const struct header *h, int tsize,
    ecpr_tz *tz, int *nomem)
{
	size_t i;

	if (h->leapcnt != 0)
		return "leap-second zones (right/...) are not supported";
	tz->ntrans = h->timecnt;
	tz->ntypes = h->typecnt;
	tz->trans = calloc(h->timecnt + 1, sizeof(*tz->trans));
	tz->idx = calloc(h->timecnt + 1, 1);
	tz->utoff = calloc(h->typecnt, sizeof(*tz->utoff));
	if (tz->trans == NULL || tz->idx == NULL || tz->utoff == NULL) {
		*nomem = 1;
		return "out of memory";
	}
	for (i = 0; i < h->timecnt; i++) {
		tz->trans[i] = tsize == 8 ? get64(r) : (int32_t)get32(r);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
			return "transition times are not in ascending order";
	}
	for (i = 0; i < h->timecnt; i++) {
		tz->idx[i] = r->p[r->pos++];
		if (tz->idx[i] >= h->typecnt)
			return "a transition refers to a missing type";
	}
	for (i = 0; i < h->typecnt; i++) {
		int32_t off = (int32_t)get32(r);
		unsigned isdst = r->p[r->pos++];
		unsigned desig = r->p[r->pos++];

		if (off < UTOFF_MIN || off > UTOFF_MAX)
			return "a UTC offset is out of range";
		if (isdst > 1 || desig >= h->charcnt)
			return "a local time type is malformed";
		tz->utoff[i] = off;
	}
	r->pos += h->charcnt + h->isstdcnt + h->isutcnt;
	return NULL;
}

static const char *
read_footer(struct reader *r, ecpr_tz *tz)
{
	char buf[FOOTER_MAX + 1];
	size_t n = 0;

	if (!need(r, 1) || r->p[r->pos] != '\n')
		return "the TZ string footer is missing";
	r->pos++;
	while (r->pos < r->len && r->p[r->pos] != '\n') {
		if (n >= FOOTER_MAX || r->p[r->pos] == '\0')
			return "the TZ string footer is malformed";
		buf[n++] = (char)r->p[r->pos++];
	}
	if (r->pos >= r->len)
		return "the TZ string footer is not terminated";
	buf[n] = '\0';
	if (n == 0)
		return NULL;
	if (posix_parse(buf, &tz->footer) < 0)
		return "the TZ string footer is malformed";
	tz->has_footer = 1;
	return NULL;
}

static const char *
parse_tzif(const unsigned char *data, size_t len, ecpr_tz *tz, int *nomem)
{
	struct reader r = { data, len, 0 };
	struct header h;
	const char *why;

	if ((why = read_header(&r, &h, 4)) != NULL)
		return why;
	if (h.version == 0)
		return read_block(&r, &h, 4, tz, nomem);
	r.pos += (size_t)block_size(&h, 4);
	if ((why = read_header(&r, &h, 8)) != NULL)
		return why;
	if ((why = read_block(&r, &h, 8, tz, nomem)) != NULL)
		return why;
	return read_footer(&r, tz);
}

/* ---- loading --------------------------------------------------------- */

static int
check_name(const char *name, ecpr_error *err)
{
	const char *p, *c;

	if (name == NULL || *name == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no time zone name given");
	if (strlen(name) > TZ_NAME_MAX)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "time zone name is too long");
	if (*name == '/')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "time zone \"%s\" is a path: give a name such as "
		    "Europe/Berlin", name);
	for (c = name; *c != '\0'; c = *p == '/' ? p + 1 : p) {
		for (p = c; *p != '\0' && *p != '/'; p++)
			;
		if (p == c || (p - c == 1 && c[0] == '.') ||
		    (p - c == 2 && c[0] == '.' && c[1] == '.'))
			return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
			    "time zone \"%s\" is not a valid name (no empty, "
			    "\".\" or \"..\" parts)", name);
		if (*p == '/' && p[1] == '\0')
			return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
			    "time zone \"%s\" is not a valid name (no empty, "
			    "\".\" or \"..\" parts)", name);
	}
	for (p = name; *p != '\0'; p++)
		if (!is_alpha(*p) && !is_digit(*p) && *p != '/' && *p != '_' &&
		    *p != '-' && *p != '+' && *p != '.')
			return ecpr__error_set(err, ECPR_ENOTFOUND, NULL, 0,
			    "unknown time zone \"%s\"", name);
	return ECPR_OK;
}

static int
new_tz(ecpr_tz **out, const char *name, ecpr_error *err)
{
	ecpr_tz *tz;

	if ((tz = calloc(1, sizeof(*tz))) == NULL ||
	    (tz->name = strdup(name)) == NULL) {
		free(tz);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	*out = tz;
	return ECPR_OK;
}

/* UTC without a file, for systems that have no zoneinfo. */
static int
builtin_utc(ecpr_tz **out, const char *name, ecpr_error *err)
{
	ecpr_tz *tz;
	int rc;

	if ((rc = new_tz(&tz, name, err)) != ECPR_OK)
		return rc;
	tz->ntypes = 1;
	if ((tz->utoff = calloc(1, sizeof(*tz->utoff))) == NULL) {
		ecpr_tz_free(tz);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	*out = tz;
	return ECPR_OK;
}

/* Read a whole regular file of at most TZ_FILE_MAX bytes. */
static int
slurp(const char *path, const char *name, unsigned char **data,
    size_t *len, ecpr_error *err)
{
	FILE *fp;
	struct stat st;
	size_t n;
	int e;

	*data = NULL;
	if ((fp = fopen(path, "rb")) == NULL) {
		e = errno;
		if (e == ENOENT || e == ENOTDIR)
			return ecpr__error_set(err, ECPR_ENOTFOUND, NULL, 0,
			    "unknown time zone \"%s\"", name);
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot open time zone \"%s\": %s", name, strerror(e));
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		return ecpr__error_set(err, ECPR_ENOTFOUND, NULL, 0,
		    "unknown time zone \"%s\"", name);
	}
	if (st.st_size > TZ_FILE_MAX) {
		fclose(fp);
		return ecpr__error_set(err, ECPR_EPARSE, path, 0,
		    "time zone \"%s\" is not a valid TZif file (it is too "
		    "large)", name);
	}
	if ((*data = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(fp);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	n = fread(*data, 1, (size_t)st.st_size + 1, fp);
	if (ferror(fp)) {
		e = errno;
		fclose(fp);
		free(*data);
		*data = NULL;
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot read time zone \"%s\": %s", name, strerror(e));
	}
	fclose(fp);
	*len = n;
	return ECPR_OK;
}

int
ecpr_tz_load(ecpr_tz **out, const char *name, ecpr_error *err)
{
	char path[TZ_PATH_MAX];
	const char *dir;
	unsigned char *data = NULL;
	size_t len = 0;
	ecpr_tz *tz = NULL;
	const char *why;
	int rc, nomem = 0;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_tz_load: no result pointer given");
	*out = NULL;
	if ((rc = check_name(name, err)) != ECPR_OK)
		return rc;
	dir = getenv("TZDIR");
	if (dir == NULL || *dir == '\0')
		dir = DEFAULT_TZDIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "time zone path for \"%s\" is too long", name);
	rc = slurp(path, name, &data, &len, err);
	if (rc == ECPR_ENOTFOUND &&
	    (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0))
		return builtin_utc(out, name, err);
	if (rc != ECPR_OK)
		return rc;
	if ((rc = new_tz(&tz, name, err)) != ECPR_OK) {
		free(data);
		return rc;
	}
	why = parse_tzif(data, len, tz, &nomem);
	free(data);
	if (why != NULL) {
		ecpr_tz_free(tz);
		if (nomem)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		return ecpr__error_set(err, ECPR_EPARSE, path, 0,
		    "time zone \"%s\" is not a valid TZif file (%s)", name,
		    why);
	}
	*out = tz;
	return ECPR_OK;
}

void
ecpr_tz_free(ecpr_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->idx);
	free(tz->utoff);
	free(tz);
}

const char *
ecpr_tz_name(const ecpr_tz *tz)
{
	return tz != NULL ? tz->name : NULL;
}

/* ---- offsets --------------------------------------------------------- */

int32_t
ecpr_tz_offset_at(const ecpr_tz *tz, int64_t utc)
{
	size_t lo, hi;

	if (tz == NULL)
		return 0;
	if (tz->ntrans == 0)
		return tz->has_footer ? posix_offset(&tz->footer, utc) :
					tz->utoff[0];
	if (utc < tz->trans[0])
		return tz->utoff[0];
	if (utc >= tz->trans[tz->ntrans - 1] && tz->has_footer)
		return posix_offset(&tz->footer, utc);
	/* the last transition at or before utc */
	lo = 0;
	hi = tz->ntrans;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->trans[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return tz->utoff[tz->idx[lo]];
}

/* The first instant after utc where the offset may change. */
static int64_t
next_change(const ecpr_tz *tz, int64_t utc)
{
	size_t lo, hi;

	if (tz->ntrans > 0 && utc < tz->trans[tz->ntrans - 1]) {
		/* the first transition after utc */
		lo = 0;
		hi = tz->ntrans - 1;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (tz->trans[mid] > utc)
				hi = mid;
			else
				lo = mid + 1;
		}
		return tz->trans[lo];
	}
	if (tz->has_footer)
		return posix_next(&tz->footer, utc);
	return NO_CHANGE;
}

/* What a local time resolves to. */
struct resolution {
	int nsol;
	int64_t sol[2];    /* the earliest two instants */
	int32_t soloff[2];
	int gap;          /* a gap was found around local */
	int64_t gap_at;   /* UTC instant where it ends */
	int32_t gap_from; /* offset before and after */
	int32_t gap_to;
};

static void
resolve(const ecpr_tz *tz, int64_t local, struct resolution *res)
{
	int64_t u = local - WINDOW, next, c;
	int32_t off, prev = 0;
	int first = 1, guard;

	memset(res, 0, sizeof(*res));
	for (guard = 0; guard < 64 && u <= local + WINDOW; guard++) {
		off = ecpr_tz_offset_at(tz, u);
		next = next_change(tz, u);
		if (!first && !res->gap && u + prev <= local && local < u + off) {
			res->gap = 1;
			res->gap_at = u;
			res->gap_from = prev;
			res->gap_to = off;
		}
		c = local - off;
		if (c >= u && c < next && res->nsol < 2) {
			res->sol[res->nsol] = c;
			res->soloff[res->nsol] = off;
			res->nsol++;
		}
		if (next == NO_CHANGE)
			break;
		first = 0;
		prev = off;
		u = next;
	}
}

static void
fmt_offset(char *buf, size_t len, int32_t off)
{
	int32_t a = off < 0 ? -off : off;

	if (a % 60 != 0)
		snprintf(buf, len, "%c%02d:%02d:%02d", off < 0 ? '-' : '+',
		    (int)(a / 3600), (int)(a / 60 % 60), (int)(a % 60));
	else
		snprintf(buf, len, "%c%02d:%02d", off < 0 ? '-' : '+',
		    (int)(a / 3600), (int)(a / 60 % 60));
}

/* Local clock reading: "YYYY-MM-DD", "HH:MM" or "HH:MM:SS" parts. */
static void
fmt_local(int64_t local, char *date, size_t dlen, char *clock, size_t clen)
{
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - days * 86400, y;
	int m, d;

	ecpr__civil_from_days(days, &y, &m, &d);
	snprintf(date, dlen, "%04lld-%02d-%02d", (long long)y, m, d);
	if (secs % 60 != 0)
		snprintf(clock, clen, "%02d:%02d:%02d", (int)(secs / 3600),
		    (int)(secs / 60 % 60), (int)(secs % 60));
	else
		snprintf(clock, clen, "%02d:%02d", (int)(secs / 3600),
		    (int)(secs / 60 % 60));
}

int
ecpr__tz_local_to_utc(const ecpr_tz *tz, int64_t local, const char *text,
    int64_t *utc, int32_t *offset, ecpr_error *err)
{
	struct resolution res;
	char value[160], d1[40], c1[16], d2[40], c2[16], o1[16], o2[16];

	if (utc != NULL)
		*utc = 0;
	if (offset != NULL)
		*offset = 0;
	if (tz == NULL || utc == NULL || offset == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_tz_local_to_utc: no time zone or result given");
	if (local != clamp(local))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_tz_local_to_utc: local time %lld is out of range",
		    (long long)local);
	resolve(tz, local, &res);
	if (res.nsol == 1) {
		*utc = res.sol[0];
		*offset = res.soloff[0];
		return ECPR_OK;
	}
	if (text != NULL) {
		snprintf(value, sizeof(value), "%.150s", text);
	} else {
		fmt_local(local, d1, sizeof(d1), c1, sizeof(c1));
		snprintf(value, sizeof(value), "%sT%s", d1, c1);
	}
	if (res.nsol >= 2) {
		fmt_offset(o1, sizeof(o1), res.soloff[0]);
		fmt_offset(o2, sizeof(o2), res.soloff[1]);
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
		    "local time \"%s\" is ambiguous in %s (%s or %s): write "
		    "the offset", value, tz->name, o1, o2);
	}
	if (!res.gap)
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
		    "local time \"%s\" does not exist in %s", value,
		    tz->name);
	fmt_local(res.gap_at + res.gap_from, d1, sizeof(d1), c1, sizeof(c1));
	fmt_local(res.gap_at + res.gap_to, d2, sizeof(d2), c2, sizeof(c2));
	if (strcmp(d1, d2) == 0)
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
		    "local time \"%s\" does not exist in %s (the clocks jump "
		    "from %s to %s on %s)", value, tz->name, c1, c2, d1);
	return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
	    "local time \"%s\" does not exist in %s (the clocks jump from "
	    "%s %s to %s %s)", value, tz->name, d1, c1, d2, c2);
}

int
ecpr_tz_local_to_utc(const ecpr_tz *tz, int64_t local, int64_t *utc,
    int32_t *offset, ecpr_error *err)
{
	return ecpr__tz_local_to_utc(tz, local, NULL, utc, offset, err);
}

void
ecpr__tz_local_first(const ecpr_tz *tz, int64_t local, int64_t *utc,
    int32_t *offset)
{
	struct resolution res;

	if (tz == NULL || local != clamp(local)) {
		*utc = local;
		*offset = 0;
		return;
	}
	resolve(tz, local, &res);
	if (res.nsol > 0) {
		*utc = res.sol[0];
		*offset = res.soloff[0];
	} else if (res.gap) {
		*utc = res.gap_at;
		*offset = res.gap_to;
	} else {
		*offset = ecpr_tz_offset_at(tz, local);
		*utc = local - *offset;
	}
}
