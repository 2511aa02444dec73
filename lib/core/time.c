/*
 * time.c - ISO 8601 time values and durations
 *
 * Values are parsed by hand, one character at a time, so that nothing
 * depends on the locale and nothing reads past the terminating NUL.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "tz.h"

#define GRAMMAR "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]"
#define DUR_GRAMMAR "PnW or P[nD][T[nH][nM][nS]]"
#define MAX_OFFSET (18 * 3600)
#define MAX_DURATION ((int64_t)36525 * 86400) /* 100 years of 365.25 days */
#define QUOTE_MAX 80
#define LIMIT (INT64_MAX / 2)

/* The parts of a written value before they are checked. */
struct fields {
	int year, month, day, hour, minute, second;
	ecpr_precision prec;
	int has_offset;
	int32_t offset;
};

/*
 * Copy text into buf for a message: quotes and backslashes escaped,
 * control bytes as \xHH, cut (with "...") after QUOTE_MAX bytes at a
 * character boundary.
 */
static void
quote(char *buf, size_t len, const char *text)
{
	size_t i, o = 0;

	for (i = 0; text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)text[i];

		if (o + 8 >= len || i >= QUOTE_MAX) {
			/* do not cut a UTF-8 sequence in two */
			while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
				o--;
			if (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0xC0)
				o--;
			if (o + 4 < len)
				memcpy(buf + o, "...", 3), o += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7F) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02X", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Read exactly n digits at s; -1 when any of them is not a digit. */
static int
digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
bad_value(ecpr_error *err, const char *text, const char *why)
{
	char q[QUOTE_MAX * 4 + 8];

	quote(q, sizeof(q), text);
	return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
	    "\"%s\" is not an ISO 8601 date or time (" GRAMMAR ")%s%s", q,
	    why != NULL ? ": " : "", why != NULL ? why : "");
}

/* What to say about the character after a date. */
static const char *
after_date_hint(char c)
{
	switch (c) {
	case ' ':
		return "use T between date and time";
	case 't':
		return "use an uppercase T";
	case 'Z':
	case 'z':
	case '+':
	case '-':
		return "a UTC offset needs a time of day";
	default:
		return NULL;
	}
}

/* Split text into fields; only the shape is checked here. */
static int
split(struct fields *f, const char *text, ecpr_error *err)
{
	const char *p = text;
	int sign;

	memset(f, 0, sizeof(*f));
	f->month = f->day = 1;
	if ((f->year = digits(p, 4)) < 0)
		return bad_value(err, text, NULL);
	p += 4;
	f->prec = ECPR_PREC_YEAR;
	if (*p == '\0')
		return ECPR_OK;
	if (*p != '-' || (f->month = digits(p + 1, 2)) < 0)
		return bad_value(err, text,
		    *p == '-' ? NULL : after_date_hint(*p));
	p += 3;
	f->prec = ECPR_PREC_MONTH;
	if (*p == '\0')
		return ECPR_OK;
	if (*p != '-' || (f->day = digits(p + 1, 2)) < 0)
		return bad_value(err, text,
		    *p == '-' ? NULL : after_date_hint(*p));
	p += 3;
	f->prec = ECPR_PREC_DAY;
	if (*p == '\0')
		return ECPR_OK;
	if (*p != 'T')
		return bad_value(err, text, after_date_hint(*p));
	p++;
	if ((f->hour = digits(p, 2)) < 0 || p[2] != ':' ||
	    (f->minute = digits(p + 3, 2)) < 0)
		return bad_value(err, text, NULL);
	p += 5;
	f->prec = ECPR_PREC_MINUTE;
	if (*p == ':') {
		if ((f->second = digits(p + 1, 2)) < 0)
			return bad_value(err, text, NULL);
		p += 3;
		f->prec = ECPR_PREC_SECOND;
	}
	if (*p == '.' || *p == ',')
		return bad_value(err, text,
		    f->prec == ECPR_PREC_SECOND ?
			"fractions of a second are not allowed" :
			"fractions of a minute are not allowed");
	if (*p == '\0')
		return ECPR_OK;
	if (*p == 'Z') {
		f->has_offset = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;

		sign = *p == '-' ? -1 : 1;
		if ((oh = digits(p + 1, 2)) < 0 || p[3] != ':' ||
		    (om = digits(p + 4, 2)) < 0)
			return bad_value(err, text,
			    "write the UTC offset as +HH:MM or -HH:MM");
		p += 6;
		if (om > 59 || oh * 3600 + om * 60 > MAX_OFFSET) {
			char q[QUOTE_MAX * 4 + 8];

			quote(q, sizeof(q), text);
			return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
			    "\"%s\" has an invalid UTC offset (at most 18:00 "
			    "either way, minutes 00 to 59)", q);
		}
		f->has_offset = 1;
		f->offset = sign * (oh * 3600 + om * 60);
	} else if (*p == 'z') {
		return bad_value(err, text, "use an uppercase Z");
	} else {
		return bad_value(err, text, NULL);
	}
	if (*p != '\0')
		return bad_value(err, text, NULL);
	return ECPR_OK;
}

/* Check the ranges of the fields. */
static int
check(const struct fields *f, const char *text, ecpr_error *err)
{
	char q[QUOTE_MAX * 4 + 8];
	int dim = f->month >= 1 && f->month <= 12
	    ? ecpr__days_in_month(f->year, f->month) : 0;

	if (f->year >= 1 && dim > 0 && f->day >= 1 && f->day <= dim &&
	    f->hour <= 23 && f->minute <= 59 && f->second <= 59)
		return ECPR_OK; /* the common case: quote nothing */
	quote(q, sizeof(q), text);
	if (f->year < 1)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "\"%s\" is not a valid date (years run from 0001 to 9999)",
		    q);
	if (f->month < 1 || f->month > 12)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "\"%s\" is not a valid date (months run from 01 to 12)", q);
	if (f->day < 1 || f->day > dim)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "\"%s\" is not a valid date (%04d-%02d has %d days)", q,
		    f->year, f->month, dim);
	if (f->hour > 23)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "\"%s\" is not a valid time of day (hours run from 00 to "
		    "23)", q);
	if (f->minute > 59)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "\"%s\" is not a valid time of day (minutes run from 00 "
		    "to 59)", q);
	if (f->second > 59)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "\"%s\" is not a valid time of day (seconds run from 00 "
		    "to 59; leap seconds are not supported)", q);
	return ECPR_OK;
}

/* Local midnight starting the span after the one f starts. */
static int64_t
next_span(const struct fields *f)
{
	int y = f->year, m = f->month;

	switch (f->prec) {
	case ECPR_PREC_YEAR:
		return ecpr__days_from_civil(y + 1, 1, 1) * 86400;
	case ECPR_PREC_MONTH:
		if (m == 12)
			return ecpr__days_from_civil(y + 1, 1, 1) * 86400;
		return ecpr__days_from_civil(y, m + 1, 1) * 86400;
	default:
		return (ecpr__days_from_civil(y, m, f->day) + 1) * 86400;
	}
}

/* The digit at s[i] as a number, above 9 for any other byte. */
#define DIG(s, i) ((unsigned)((s)[i] - '0'))

/*
 * The 8 bytes at s as a little-endian word on any machine (compilers
 * merge the eight loads into one where the machine is little-endian).
 */
static inline uint64_t
load8(const unsigned char *s)
{
	return (uint64_t)s[0] | (uint64_t)s[1] << 8 | (uint64_t)s[2] << 16 |
	    (uint64_t)s[3] << 24 | (uint64_t)s[4] << 32 |
	    (uint64_t)s[5] << 40 | (uint64_t)s[6] << 48 |
	    (uint64_t)s[7] << 56;
}

#define BYTE8(a, b, c, d, e, f, g, h) \
	((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | \
	    (uint64_t)(d) << 24 | (uint64_t)(e) << 32 | (uint64_t)(f) << 40 | \
	    (uint64_t)(g) << 48 | (uint64_t)(h) << 56)
#define B(x, i) ((unsigned)((x) >> (8 * (i))) & 0xffu)

/*
 * Eight bytes at s against a pattern of '0' (a digit) and separators:
 * 0 when each digit place holds a digit and each separator itself (the
 * places in free are not looked at), with the digits' values in *x (byte
 * i of *x is digit s[i]).  The bytes of s ^ pattern are the digits'
 * values and 0 at the separators; a byte is above 9 when its high
 * nibble, or that of byte + 6, is set.
 */
static inline uint64_t
swar8(const unsigned char *s, uint64_t pattern, uint64_t seps, uint64_t free,
    uint64_t *x)
{
	*x = load8(s) ^ pattern;
	return ((((*x + 0x0606060606060606u) | *x) & 0xf0f0f0f0f0f0f0f0u &
	    ~seps) | (*x & seps)) & ~free;
}

/*
 * x as swar8 leaves it (each byte a digit's value, 0 at the separators):
 * byte i of the result is the two-digit number of digits i and i + 1
 * (no byte carries into the next: 10 * 9 + 9 < 256).
 */
static inline uint64_t
pairs(uint64_t x)
{
	return x * 10 + (x >> 8);
}

/*
 * Days since 1970-01-01 of y-m-d, y from 1 to 9999 and the date valid:
 * ecpr__days_from_civil without its era arithmetic for negative years
 * (the year before March is never below 0 here).
 */
static inline int64_t
days_from_civil_ad(unsigned y, unsigned m, unsigned d)
{
	unsigned mp = m > 2 ? m - 3 : m + 9;

	y -= m <= 2;
	return (int64_t)(y * 365 + y / 4 - y / 100 + y / 400 +
	    (153 * mp + 2) / 5 + d - 1) - 719468;
}

/*
 * The common form, YYYY-MM-DDTHH:MM[:SS] with Z or +HH:MM (or -HH:MM),
 * len bytes at s, read in one go without a branch per character: the
 * first 16 bytes as two words, an offset (with the seconds before it)
 * as a third, every digit pair by one multiplication.  1 with *tm set,
 * or 0 for anything else (other forms, and every error, which split()
 * and check() describe).
 */
static int
parse_common(ecpr_time *tm, const unsigned char *s, size_t len)
{
	static const unsigned char dim[13] = { 0, 31, 29, 31, 30, 31, 30,
		31, 31, 30, 31, 30, 31 };
	uint64_t a, b, c, bad;
	unsigned y, mo, d, h, mi, se = 0, oh, om, sign;
	int off = 0;

	if (len != 17 && len != 20 && len != 22 && len != 25)
		return 0;
	bad = swar8(s, BYTE8('0', '0', '0', '0', '-', '0', '0', '-'),
	    BYTE8(0, 0, 0, 0, 0xff, 0, 0, 0xff), 0, &a) |
	    swar8(s + 8, BYTE8('0', '0', 'T', '0', '0', ':', '0', '0'),
	    BYTE8(0, 0, 0xff, 0, 0, 0xff, 0, 0), 0, &b);
	if (len >= 22) {
		/* "MM+HH:MM" or "SS+HH:MM": the sign's place is free, its
		 * byte of c is 0 for + and 6 ('+' ^ '-') for - */
		if (len == 25 && s[16] != ':')
			return 0;
		bad |= swar8(s + len - 8,
		    BYTE8('0', '0', '+', '0', '0', ':', '0', '0'),
		    BYTE8(0, 0, 0, 0, 0, 0xff, 0, 0),
		    BYTE8(0, 0, 0xff, 0, 0, 0, 0, 0), &c);
		sign = B(c, 2);
		if (bad != 0 || (sign != 0 && sign != ('+' ^ '-')))
			return 0;
		c = pairs(c);
		if (len == 25)
			se = B(c, 0);
		oh = B(c, 3);
		om = B(c, 6);
		if (om > 59 || oh * 60 + om > MAX_OFFSET / 60)
			return 0;
		off = (int)(oh * 3600 + om * 60);
		if (sign != 0)
			off = -off;
	} else {
		if (bad != 0 || s[len - 1] != 'Z')
			return 0;
		if (len == 20) {
			if ((s[16] != ':') | (DIG(s, 17) > 9) | (DIG(s, 18) > 9))
				return 0;
			se = DIG(s, 17) * 10 + DIG(s, 18);
		}
	}
	a = pairs(a);
	b = pairs(b);
	y = B(a, 0) * 100 + B(a, 2);
	mo = B(a, 5);
	d = B(b, 0);
	h = B(b, 3);
	mi = B(b, 6);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > dim[mo] ||
	    (mo == 2 && d == 29 &&
	    (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))) ||
	    h > 23 || mi > 59 || se > 59)
		return 0;
	tm->t = days_from_civil_ad(y, mo, d) * 86400 +
	    (int64_t)(h * 3600 + mi * 60 + se) - off;
	tm->end = tm->t + (len == 20 || len == 25 ? 1 : 60);
	tm->offset = off;
	tm->prec = len == 20 || len == 25 ? ECPR_PREC_SECOND :
	    ECPR_PREC_MINUTE;
	return 1;
}

#undef B
#undef BYTE8
#undef DIG

int
ecpr_time_parse(ecpr_time *out, const char *text, const ecpr_tz *tz,
    ecpr_error *err)
{
	return ecpr__time_parse_n(out, text, text != NULL ? strlen(text) : 0,
	    tz, err);
}

int
ecpr__time_parse_n(ecpr_time *out, const char *text, size_t len,
    const ecpr_tz *tz, ecpr_error *err)
{
	if (out != NULL && text != NULL &&
	    parse_common(out, (const unsigned char *)text, len))
		return ECPR_OK;
	return ecpr__time_parse_general(out, text, tz, err);
}

int
ecpr__time_parse_general(ecpr_time *out, const char *text,
    const ecpr_tz *tz, ecpr_error *err)
{
	struct fields f;
	ecpr_time tm = { 0, 0, 0, ECPR_PREC_NONE };
	int64_t local;
	int rc;

	if (out != NULL)
		*out = tm;
	if (out == NULL || text == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_time_parse: no value or no result given");
	if ((rc = split(&f, text, err)) != ECPR_OK)
		return rc;
	if ((rc = check(&f, text, err)) != ECPR_OK)
		return rc;
	local = ecpr__days_from_civil(f.year, f.month, f.day) * 86400 +
	    f.hour * 3600 + f.minute * 60 + f.second;
	tm.prec = f.prec;
	if (f.prec >= ECPR_PREC_MINUTE) {
		if (f.has_offset) {
			tm.t = local - f.offset;
			tm.offset = f.offset;
		} else if (tz == NULL) {
			char q[QUOTE_MAX * 4 + 8];

			quote(q, sizeof(q), text);
			return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
			    "local time \"%s\" has no UTC offset and no time "
			    "zone is known (give a time zone or write the "
			    "offset)", q);
		} else {
			rc = ecpr__tz_local_to_utc(tz, local, text, &tm.t,
			    &tm.offset, err);
			if (rc != ECPR_OK)
				return rc;
		}
		tm.end = tm.t + (f.prec == ECPR_PREC_MINUTE ? 60 : 1);
		/*
		 * Local mean time before standard time (Berlin +00:53:28
		 * until 1893): such an offset has seconds, which no ISO 8601
		 * value (+HH:MM) can carry, so the value could not be
		 * written back and read again.  Refused, never rounded.
		 */
		if (tm.offset % 60 != 0) {
			char q[QUOTE_MAX * 4 + 8], w[64];

			quote(q, sizeof(q), text);
			ecpr_time_format(&tm, w, sizeof(w));
			return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
			    "local time \"%s\" in %s is %s (local mean time): "
			    "a UTC offset with seconds cannot be written as "
			    "+HH:MM; write the offset", q, ecpr_tz_name(tz), w);
		}
	} else if (tz == NULL) {
		tm.t = local;
		tm.end = next_span(&f);
	} else {
		int32_t end_off;

		ecpr__tz_local_first(tz, local, &tm.t, &tm.offset);
		ecpr__tz_local_first(tz, next_span(&f), &tm.end, &end_off);
	}
	*out = tm;
	return ECPR_OK;
}

size_t
ecpr_time_format(const ecpr_time *tm, char *buf, size_t len)
{
	char tmp[64], off[16];
	int64_t local, days, secs, y;
	int m, d, n = 0;
	int32_t o;

	/* far beyond any calendar year: nothing sensible to print */
	if (tm != NULL && tm->prec != ECPR_PREC_NONE &&
	    tm->t > -LIMIT && tm->t < LIMIT) {
		local = tm->t + tm->offset;
		days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
		secs = local - days * 86400;
		ecpr__civil_from_days(days, &y, &m, &d);
		o = tm->offset < 0 ? -tm->offset : tm->offset;
		if (tm->offset == 0)
			snprintf(off, sizeof(off), "Z");
		else if (o % 60 != 0)
			snprintf(off, sizeof(off), "%c%02d:%02d:%02d",
			    tm->offset < 0 ? '-' : '+', (int)(o / 3600),
			    (int)(o / 60 % 60), (int)(o % 60));
		else
			snprintf(off, sizeof(off), "%c%02d:%02d",
			    tm->offset < 0 ? '-' : '+', (int)(o / 3600),
			    (int)(o / 60 % 60));
		switch (tm->prec) {
		case ECPR_PREC_YEAR:
			n = snprintf(tmp, sizeof(tmp), "%04lld", (long long)y);
			break;
		case ECPR_PREC_MONTH:
			n = snprintf(tmp, sizeof(tmp), "%04lld-%02d",
			    (long long)y, m);
			break;
		case ECPR_PREC_DAY:
			n = snprintf(tmp, sizeof(tmp), "%04lld-%02d-%02d",
			    (long long)y, m, d);
			break;
		case ECPR_PREC_MINUTE:
			n = snprintf(tmp, sizeof(tmp),
			    "%04lld-%02d-%02dT%02d:%02d%s", (long long)y, m, d,
			    (int)(secs / 3600), (int)(secs / 60 % 60), off);
			break;
		default:
			n = snprintf(tmp, sizeof(tmp),
			    "%04lld-%02d-%02dT%02d:%02d:%02d%s", (long long)y,
			    m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
			    (int)(secs % 60), off);
			break;
		}
		if (n < 0)
			n = 0;
	}
	tmp[n] = '\0';
	if (buf != NULL && len > 0) {
		size_t c = (size_t)n < len ? (size_t)n : len - 1;

		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return (size_t)n;
}

static int64_t
sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

ecpr_time
ecpr_time_shift(const ecpr_time *tm, int64_t seconds)
{
	ecpr_time r = { 0, 0, 0, ECPR_PREC_NONE };

	if (tm == NULL)
		return r;
	r = *tm;
	if (r.prec != ECPR_PREC_NONE) {
		/* saturate instead of overflowing */
		if (seconds > LIMIT)
			seconds = LIMIT;
		if (seconds < -LIMIT)
			seconds = -LIMIT;
		r.t = sat_add(r.t, seconds);
		r.end = sat_add(r.end, seconds);
	}
	return r;
}

static int
bad_duration(ecpr_error *err, const char *text, const char *why)
{
	char q[QUOTE_MAX * 4 + 8];

	quote(q, sizeof(q), text);
	return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
	    "\"%s\" is not an ISO 8601 duration (" DUR_GRAMMAR ")%s%s", q,
	    why != NULL ? ": " : "", why != NULL ? why : "");
}

int
ecpr_duration_parse(int64_t *seconds, const char *text, ecpr_error *err)
{
	/* designators in the order they may appear, and their seconds */
	static const char date_units[] = "WD";
	static const int64_t date_secs[] = { 7 * 86400, 86400 };
	static const char time_units[] = "HMS";
	static const int64_t time_secs[] = { 3600, 60, 1 };
	const char *p = text;
	int64_t total = 0;
	int in_time = 0, next = 0, ncomp = 0, weeks = 0;

	if (seconds != NULL)
		*seconds = 0;
	if (seconds == NULL || text == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_duration_parse: no value or no result given");
	if (*p == '-' || *p == '+')
		return bad_duration(err, text,
		    "no sign is allowed (write the direction outside)");
	if (*p != 'P')
		return bad_duration(err, text, NULL);
	p++;
	while (*p != '\0') {
		int64_t v = 0;
		const char *units = in_time ? time_units : date_units;
		const int64_t *secs = in_time ? time_secs : date_secs;
		int nd = 0, k;

		if (*p == 'T') {
			if (in_time)
				return bad_duration(err, text, NULL);
			in_time = 1;
			next = 0;
			p++;
			if (*p == '\0')
				return bad_duration(err, text,
				    "T must be followed by hours, minutes or "
				    "seconds");
			continue;
		}
		while (is_digit(*p)) {
			if (v <= MAX_DURATION)
				v = v * 10 + (*p - '0');
			p++;
			nd++;
		}
		if (*p == '.' || *p == ',')
			return bad_duration(err, text,
			    "fractions are not allowed");
		if (nd == 0)
			return bad_duration(err, text,
			    *p == '-' || *p == '+' ? "no sign is allowed" :
						     NULL);
		if (!in_time && (*p == 'Y' || *p == 'M'))
			return bad_duration(err, text,
			    "years and months have no fixed length: write "
			    "days");
		for (k = next; units[k] != '\0'; k++)
			if (*p == units[k])
				break;
		if (*p == '\0' || units[k] == '\0')
			return bad_duration(err, text, NULL);
		if (!in_time && k == 0)
			weeks = 1;
		else if (weeks)
			return bad_duration(err, text,
			    "weeks cannot be combined with other units");
		next = k + 1;
		ncomp++;
		p++;
		if (v > MAX_DURATION / secs[k] ||
		    (total += v * secs[k]) > MAX_DURATION) {
			char q[QUOTE_MAX * 4 + 8];

			quote(q, sizeof(q), text);
			return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
			    "\"%s\" is too long a duration (at most 100 years)",
			    q);
		}
	}
	if (ncomp == 0)
		return bad_duration(err, text, "no value is given");
	*seconds = total;
	return ECPR_OK;
}
