/*
 * value.c - measured values: exact decimals with a comparator (censored
 * values such as ">35000" stay censored), and reference ranges
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

#define DIGITS_MAX 18

/* The comparators as written: contract form, then the paper's. */
static const char *const cmp_text[] = { "", "<", "<=", ">", ">=" };
static const char *const cmp_paper[] = { "", "< ", "≤ ", "> ", "≥ " };

size_t
ecpr__decimal_scan(const char *s, int64_t *mant, int *scale)
{
	size_t i = 0;
	int neg = 0, digits = 0, dec = -1;
	int64_t m = 0;

	if (s[i] == '-') {
		neg = 1;
		i++;
	}
	if (s[i] < '0' || s[i] > '9')
		return 0;
	for (;; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (digits == DIGITS_MAX)
				return 0;
			if (m != 0 || s[i] != '0' || dec >= 0)
				digits++;
			m = m * 10 + (s[i] - '0');
			if (dec >= 0)
				dec++;
		} else if (s[i] == '.' && dec < 0 && s[i + 1] >= '0' &&
		    s[i + 1] <= '9') {
			dec = 0;
		} else {
			break;
		}
	}
	if (dec > ECPR_VALUE_DECIMALS_MAX)
		return 0;
	*mant = neg ? -m : m;
	*scale = dec < 0 ? 0 : dec;
	return i;
}

/* The comparator at the start of s: its length in *n. */
static ecpr_cmp
scan_cmp(const char *s, size_t *n)
{
	if (strncmp(s, "<=", 2) == 0 || strncmp(s, ">=", 2) == 0) {
		*n = 2;
		return s[0] == '<' ? ECPR_CMP_LE : ECPR_CMP_GE;
	}
	if (strncmp(s, "≤", 3) == 0 || strncmp(s, "≥", 3) == 0) {
		*n = 3;
		return s[2] == '\xa4' ? ECPR_CMP_LE : ECPR_CMP_GE;
	}
	*n = s[0] == '<' || s[0] == '>' ? 1 : 0;
	return s[0] == '<' ? ECPR_CMP_LT : s[0] == '>' ? ECPR_CMP_GT :
	    ECPR_CMP_EQ;
}

/* 1 when num is a well-formed decimal with too many digits. */
static int
too_long(const char *num)
{
	size_t i = num[0] == '-', ndig = strspn(num + i, "0123456789"), nf;

	if (ndig == 0)
		return 0;
	i += ndig;
	if (num[i] == '\0')
		return 1;
	if (num[i] != '.' || (nf = strspn(num + i + 1, "0123456789")) == 0 ||
	    num[i + 1 + nf] != '\0')
		return 0;
	return 1;
}

/* Why text is not a number (after a comparator). */
static int
number_error(const char *text, const char *num, ecpr_error *err)
{
	const char *why = "is not a number";

	if (strchr(num, ',') != NULL)
		why = "has a comma: write the decimal mark as a point and no "
		    "thousands separator (35000, 15.0)";
	else if (strpbrk(num, "eE") != NULL)
		why = "has an exponent: write the number in full";
	else if (num[0] == '.' || (num[0] == '-' && num[1] == '.'))
		why = "has no digit before the decimal point";
	else if (too_long(num))
		why = "has too many digits (at most 18, 9 of them decimals)";
	return ecpr__error_set(err, ECPR_EPARSE, NULL, 0, "\"%s\" %s", text,
	    why);
}

int
ecpr_value_parse(ecpr_value *out, const char *text, ecpr_error *err)
{
	ecpr_value v;
	size_t n, used;

	if (out == NULL || text == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_value_parse: invalid argument");
	if (text[0] == '\0')
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "empty value");
	v.cmp = scan_cmp(text, &n);
	while (text[n] == ' ')
		n++;
	used = ecpr__decimal_scan(text + n, &v.mant, &v.scale);
	if (used == 0 || text[n + used] != '\0')
		return number_error(text, text + n, err);
	*out = v;
	return ECPR_OK;
}

/* The number of v with thousands grouped (paper) or not. */
static size_t
format_number(const ecpr_value *v, int group, char *buf, size_t len)
{
	char digits[32], out[48];
	uint64_t m = v->mant < 0 ? (uint64_t)0 - (uint64_t)v->mant :
	    (uint64_t)v->mant;
	size_t nd, nint, i, o = 0;

	nd = (size_t)snprintf(digits, sizeof(digits), "%0*llu",
	    v->scale + 1, (unsigned long long)m);
	nint = nd - (size_t)v->scale;
	if (v->mant < 0)
		out[o++] = '-';
	for (i = 0; i < nint; i++) {
		if (group && nint > 4 && i > 0 && (nint - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	if (v->scale > 0) {
		out[o++] = '.';
		memcpy(out + o, digits + nint, (size_t)v->scale);
		o += (size_t)v->scale;
	}
	out[o] = '\0';
	return (size_t)snprintf(buf, len, "%s", out);
}

size_t
ecpr_value_format(const ecpr_value *v, int flags, char *buf, size_t len)
{
	char num[48];
	int paper = (flags & ECPR_VALUE_PAPER) != 0;

	if (v == NULL || (int)v->cmp < 0 || v->cmp > ECPR_CMP_GE ||
	    v->scale < 0 || v->scale > ECPR_VALUE_DECIMALS_MAX)
		return (size_t)snprintf(buf, len, "%s", "");
	format_number(v, paper, num, sizeof(num));
	return (size_t)snprintf(buf, len, "%s%s",
	    paper ? cmp_paper[v->cmp] : cmp_text[v->cmp], num);
}

static const int64_t pow10s[] = { 1, 10, 100, 1000, 10000, 100000,
	1000000, 10000000, 100000000, 1000000000 };

int
ecpr_value_number_cmp(const ecpr_value *a, const ecpr_value *b)
{
	__int128 x = a->mant, y = b->mant;

	if (a->scale < b->scale)
		x *= pow10s[b->scale - a->scale];
	else
		y *= pow10s[a->scale - b->scale];
	return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------ */
/* The worst of several values                                          */
/* ------------------------------------------------------------------ */

/* 1 when v has a lower bound (EQ, GT, GE), strict in *open. */
static int
lower_bound(const ecpr_value *v, int *open)
{
	*open = v->cmp == ECPR_CMP_GT;
	return v->cmp == ECPR_CMP_EQ || v->cmp == ECPR_CMP_GT ||
	    v->cmp == ECPR_CMP_GE;
}

static int
upper_bound(const ecpr_value *v, int *open)
{
	*open = v->cmp == ECPR_CMP_LT;
	return v->cmp == ECPR_CMP_EQ || v->cmp == ECPR_CMP_LT ||
	    v->cmp == ECPR_CMP_LE;
}

/*
 * Bounds of the highest (dir > 0) or lowest (dir < 0) of a set of
 * values, built up one value at a time.  For the highest: its lower
 * bound is the highest lower bound (an open one wins a tie) and its
 * upper bound the highest upper bound, none as soon as a value has
 * none (a closed one wins a tie).  The lowest is the mirror image.
 */
void
ecpr__worst_add(struct ecpr__worst *w, const ecpr_value *v)
{
	int lo_open, hi_open, has_lo, has_hi, c;

	has_lo = lower_bound(v, &lo_open);
	has_hi = upper_bound(v, &hi_open);
	if (w->n++ == 0) {
		w->has_lo = has_lo;
		w->has_hi = has_hi;
		w->lo = *v;
		w->hi = *v;
		w->lo_open = lo_open;
		w->hi_open = hi_open;
		return;
	}
	if (w->dir > 0) {
		if (has_lo && (!w->has_lo ||
		    (c = ecpr_value_number_cmp(v, &w->lo)) > 0 ||
		    (c == 0 && lo_open))) {
			w->has_lo = 1;
			w->lo = *v;
			w->lo_open = lo_open;
		}
		if (!has_hi) {
			w->has_hi = 0;
		} else if (w->has_hi &&
		    ((c = ecpr_value_number_cmp(v, &w->hi)) > 0 ||
		    (c == 0 && !hi_open))) {
			w->hi = *v;
			w->hi_open = hi_open;
		}
	} else {
		if (has_hi && (!w->has_hi ||
		    (c = ecpr_value_number_cmp(v, &w->hi)) < 0 ||
		    (c == 0 && hi_open))) {
			w->has_hi = 1;
			w->hi = *v;
			w->hi_open = hi_open;
		}
		if (!has_lo) {
			w->has_lo = 0;
		} else if (w->has_lo &&
		    ((c = ecpr_value_number_cmp(v, &w->lo)) < 0 ||
		    (c == 0 && !lo_open))) {
			w->lo = *v;
			w->lo_open = lo_open;
		}
	}
}

/*
 * The worst value: exact when both bounds are the same closed number,
 * else the bound on the worse side when there is one (the highest of
 * <0.5 and 0.3 is <0.5), else the other.
 */
ecpr_value
ecpr__worst_value(const struct ecpr__worst *w)
{
	ecpr_value v;

	if (w->has_lo && w->has_hi && !w->lo_open && !w->hi_open &&
	    ecpr_value_number_cmp(&w->lo, &w->hi) == 0) {
		v = w->lo.scale >= w->hi.scale ? w->lo : w->hi;
		v.cmp = ECPR_CMP_EQ;
		return v;
	}
	if (w->dir > 0 ? w->has_hi : !w->has_lo) {
		v = w->hi;
		v.cmp = w->hi_open ? ECPR_CMP_LT : ECPR_CMP_LE;
	} else {
		v = w->lo;
		v.cmp = w->lo_open ? ECPR_CMP_GT : ECPR_CMP_GE;
	}
	return v;
}

/* ------------------------------------------------------------------ */
/* Reference ranges                                                     */
/* ------------------------------------------------------------------ */

int
ecpr_range_parse(ecpr_range *out, const char *text, ecpr_error *err)
{
	ecpr_range rg;
	size_t n, used, sep;
	ecpr_cmp cmp;

	if (out == NULL || text == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_range_parse: invalid argument");
	memset(&rg, 0, sizeof(rg));
	cmp = scan_cmp(text, &n);
	while (text[n] == ' ')
		n++;
	used = ecpr__decimal_scan(text + n, &rg.lo.mant, &rg.lo.scale);
	if (used == 0)
		goto bad;
	if (cmp != ECPR_CMP_EQ) {
		if (text[n + used] != '\0')
			goto bad;
		if (cmp == ECPR_CMP_LT || cmp == ECPR_CMP_LE) {
			rg.has_hi = 1;
			rg.hi = rg.lo;
			rg.hi.cmp = cmp;
			memset(&rg.lo, 0, sizeof(rg.lo));
		} else {
			rg.has_lo = 1;
			rg.lo.cmp = cmp;
		}
		*out = rg;
		return ECPR_OK;
	}
	n += used;
	while (text[n] == ' ')
		n++;
	if (text[n] == '-')
		sep = 1;
	else if (strncmp(text + n, "–", 3) == 0)
		sep = 3;
	else
		goto bad;
	n += sep;
	while (text[n] == ' ')
		n++;
	used = ecpr__decimal_scan(text + n, &rg.hi.mant, &rg.hi.scale);
	if (used == 0 || text[n + used] != '\0')
		goto bad;
	rg.has_lo = rg.has_hi = 1;
	rg.lo.cmp = ECPR_CMP_GE;
	rg.hi.cmp = ECPR_CMP_LE;
	if (ecpr_value_number_cmp(&rg.lo, &rg.hi) > 0)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "range \"%s\": the low end is above the high end", text);
	*out = rg;
	return ECPR_OK;
bad:
	return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
	    "\"%s\" is not a range (LOW-HIGH, <HIGH, <=HIGH, >LOW or >=LOW)",
	    text);
}

size_t
ecpr_range_format(const ecpr_range *rg, int flags, char *buf, size_t len)
{
	char lo[64], hi[64];
	int paper = (flags & ECPR_VALUE_PAPER) != 0;
	ecpr_value v;

	if (rg == NULL || (!rg->has_lo && !rg->has_hi))
		return (size_t)snprintf(buf, len, "%s", "");
	if (rg->has_lo && rg->has_hi) {
		v = rg->lo;
		v.cmp = ECPR_CMP_EQ;
		ecpr_value_format(&v, flags, lo, sizeof(lo));
		v = rg->hi;
		v.cmp = ECPR_CMP_EQ;
		ecpr_value_format(&v, flags, hi, sizeof(hi));
		return (size_t)snprintf(buf, len, "%s%s%s", lo,
		    paper ? "–" : "-", hi);
	}
	return ecpr_value_format(rg->has_lo ? &rg->lo : &rg->hi, flags, buf,
	    len);
}

/*
 * 1 when every true value v may stand for satisfies "x op bound"
 * (op ECPR_CMP_GT, _GE, _LT or _LE).
 */
static int
certainly(const ecpr_value *v, ecpr_cmp op, const ecpr_value *bound)
{
	int open, c = ecpr_value_number_cmp(v, bound);

	if (op == ECPR_CMP_GT || op == ECPR_CMP_GE) {
		if (!lower_bound(v, &open))
			return 0;
		return op == ECPR_CMP_GE || open ? c >= 0 : c > 0;
	}
	if (!upper_bound(v, &open))
		return 0;
	return op == ECPR_CMP_LE || open ? c <= 0 : c < 0;
}

int
ecpr_range_flag(const ecpr_range *rg, const ecpr_value *v)
{
	if (rg == NULL || v == NULL)
		return '?';
	if (rg->has_hi && certainly(v, rg->hi.cmp == ECPR_CMP_LE ?
	    ECPR_CMP_GT : ECPR_CMP_GE, &rg->hi))
		return 'H';
	if (rg->has_lo && certainly(v, rg->lo.cmp == ECPR_CMP_GE ?
	    ECPR_CMP_LT : ECPR_CMP_LE, &rg->lo))
		return 'L';
	if ((!rg->has_lo || certainly(v, rg->lo.cmp, &rg->lo)) &&
	    (!rg->has_hi || certainly(v, rg->hi.cmp, &rg->hi)))
		return 'N';
	return '?';
}
