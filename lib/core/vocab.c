/*
 * vocab.c - the contract vocabulary: look-ups of event names, episode
 * attributes and their values, derived interval names, units and
 * definitions (DOMAIN.md sections 2 and 4; the tables are in defs.c)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *
ecpr_event_name(ecpr_event_type type)
{
	if ((int)type < 0 || type >= ECPR_EV_COUNT)
		return NULL;
	return ecpr__events[type].name;
}

/*
 * Called per long-form row: a name is compared only when its length and
 * first letter match (at most two names share both), no strcmp chain.
 */
int
ecpr__event_lookup_n(const char *name, size_t len)
{
	const struct ecpr__event_def *d;

	for (d = ecpr__events; d < ecpr__events + ECPR_EV_COUNT; d++)
		if (d->len == len && d->name[0] == name[0] &&
		    ecpr__mem_eq(d->name + 1, name + 1, len - 1))
			return (int)(d - ecpr__events);
	return -1;
}

/* The first slot looked at for a name of len bytes (len > 0). */
static unsigned
event_slot(const char *name, size_t len)
{
	return ((unsigned)len * 7u + (unsigned char)name[0] * 3u +
	    (unsigned char)name[len - 1]) % ECPR__EVENT_SLOTS;
}

void
ecpr__event_index_init(struct ecpr__event_index *ix)
{
	unsigned h;
	int i;

	memset(ix->slot, 0, sizeof(ix->slot));
	for (i = 0; i < ECPR_EV_COUNT; i++) {
		h = event_slot(ecpr__events[i].name, ecpr__events[i].len);
		while (ix->slot[h] != 0) /* taken: the next one */
			h = (h + 1) % ECPR__EVENT_SLOTS;
		ix->slot[h] = (unsigned char)(i + 1);
	}
}

int
ecpr__event_index_find(const struct ecpr__event_index *ix, const char *name,
    size_t len)
{
	const struct ecpr__event_def *d;
	unsigned h;

	if (len == 0)
		return -1;
	for (h = event_slot(name, len); ix->slot[h] != 0;
	    h = (h + 1) % ECPR__EVENT_SLOTS) {
		d = &ecpr__events[ix->slot[h] - 1];
		if (d->len == len && ecpr__mem_eq(d->name, name, len))
			return ix->slot[h] - 1;
	}
	return -1;
}

int
ecpr_event_lookup(const char *name)
{
	if (name == NULL)
		return -1;
	return ecpr__event_lookup_n(name, strlen(name));
}

int
ecpr_event_repeatable(ecpr_event_type type)
{
	if ((int)type < 0 || type >= ECPR_EV_COUNT)
		return 0;
	return ecpr__events[type].repeatable;
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */
/* ------------------------------------------------------------------ */

enum attr_kind { AK_NUMBER, AK_INTEGER, AK_CODE, AK_TEXT };

static const struct attr_def {
	const char *name;
	enum attr_kind kind;
	long min, max;               /* AK_NUMBER, AK_INTEGER */
	const char *const *codes;    /* AK_CODE */
} attrs[ECPR_AT_COUNT] = {
	{ "age_years", AK_NUMBER, 0, 150, NULL },
	{ "sex", AK_CODE, 0, 0, ecpr__sex_codes },
	{ "bmi", AK_NUMBER, 5, 100, NULL },
	{ "primary_disease", AK_TEXT, 0, 0, NULL },
	{ "ca_location", AK_CODE, 0, 0, ecpr__location_codes },
	{ "first_cpr_provider", AK_CODE, 0, 0, ecpr__provider_codes },
	{ "initial_rhythm", AK_CODE, 0, 0, ecpr__rhythm_codes },
	{ "apache2", AK_INTEGER, 0, 71, NULL },
	{ "cannulation_method", AK_CODE, 0, 0, ecpr__cannulation_codes },
	{ "mcc_device", AK_TEXT, 0, 0, NULL },
	{ "ecmo_device", AK_TEXT, 0, 0, NULL },
	{ "cpc_discharge", AK_INTEGER, 1, 5, NULL },
	{ "pupillary_light_reflex", AK_CODE, 0, 0, ecpr__yes_no_codes },
	{ "cerebral_haemorrhage", AK_CODE, 0, 0, ecpr__yes_no_codes },
	{ "witnessed", AK_CODE, 0, 0, ecpr__yes_no_codes },
	{ "bystander_cpr", AK_CODE, 0, 0, ecpr__yes_no_codes },
};

const char *
ecpr_attr_name(ecpr_attr_id id)
{
	if ((int)id < 0 || id >= ECPR_AT_COUNT)
		return NULL;
	return attrs[id].name;
}

int
ecpr_attr_lookup(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ECPR_AT_COUNT; i++)
		if (strcmp(attrs[i].name, name) == 0)
			return i;
	return -1;
}

enum ecpr__attr_kind
ecpr__attr_kind(ecpr_attr_id id)
{
	switch (attrs[id].kind) {
	case AK_NUMBER:
	case AK_INTEGER:
		return ECPR__ATTR_NUMBER;
	case AK_CODE:
		return ECPR__ATTR_CODE;
	default:
		return ECPR__ATTR_TEXT;
	}
}

int
ecpr__attr_is_number(ecpr_attr_id id)
{
	if ((int)id < 0 || id >= ECPR_AT_COUNT)
		return 0;
	return attrs[id].kind == AK_NUMBER || attrs[id].kind == AK_INTEGER;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Copy s[0..n) into buf; ECPR_EINVAL when it does not fit. */
static int
put(char *buf, size_t len, const char *s, size_t n, const char *name,
    ecpr_error *err)
{
	if (buf == NULL || n >= len)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "attribute \"%s\": buffer too small", name);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return ECPR_OK;
}

static int
norm_number(const struct attr_def *a, const char *s, size_t n, char *buf,
    size_t len, ecpr_error *err)
{
	size_t i = 0, ndig = 0, nfrac = 0, lead;
	long ipart = 0;
	int frac_nonzero = 0, over = 0;

	while (i < n && is_digit(s[i])) {
		if (ipart > 1000000)
			over = 1;
		else
			ipart = ipart * 10 + (s[i] - '0');
		i++;
		ndig++;
	}
	if (i < n && s[i] == '.' && a->kind == AK_NUMBER) {
		i++;
		while (i < n && is_digit(s[i])) {
			if (s[i] != '0')
				frac_nonzero = 1;
			i++;
			nfrac++;
		}
		if (nfrac == 0)
			ndig = 0;
	}
	if (ndig == 0 || i != n)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "attribute \"%s\": \"%.*s\" is not %s", a->name, (int)n, s,
		    a->kind == AK_NUMBER ? "a number" : "an integer");
	if (over || ipart < a->min || ipart > a->max ||
	    (ipart == a->max && frac_nonzero))
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "attribute \"%s\": \"%.*s\" is out of range (%ld-%ld)",
		    a->name, (int)n, s, a->min, a->max);
	/*
	 * As given, without superfluous leading zeros: an integer is then
	 * its own decimal form (what "%ld" would print), and a decimal keeps
	 * its digits after the point.
	 */
	lead = 0;
	while (lead + 1 < n && s[lead] == '0' && is_digit(s[lead + 1]))
		lead++;
	return put(buf, len, s + lead, n - lead, a->name, err);
}

static int
norm_code(const struct attr_def *a, const char *s, size_t n, char *buf,
    size_t len, ecpr_error *err)
{
	char list[256];
	size_t i, k, used = 0;

	for (i = 0; a->codes[i] != NULL; i++) {
		const char *c = a->codes[i];

		if (strlen(c) != n)
			continue;
		for (k = 0; k < n; k++)
			if (lower(c[k]) != lower(s[k]))
				break;
		if (k == n)
			return put(buf, len, c, n, a->name, err);
	}
	list[0] = '\0';
	for (i = 0; a->codes[i] != NULL; i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s",
		    i ? ", " : "", a->codes[i]);
		if (w < 0 || (size_t)w >= sizeof(list) - used)
			break;
		used += (size_t)w;
	}
	return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
	    "attribute \"%s\": \"%.*s\" is not one of %s", a->name, (int)n, s,
	    list);
}

static int
norm_text(const struct attr_def *a, const char *s, size_t n, char *buf,
    size_t len, ecpr_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
			    "attribute \"%s\": value contains a control "
			    "character (0x%02x)", a->name, c);
	}
	return put(buf, len, s, n, a->name, err);
}

int
ecpr_attr_normalize(ecpr_attr_id id, const char *value, char *buf,
    size_t len, ecpr_error *err)
{
	const struct attr_def *a;
	const char *s;
	size_t n;

	if ((int)id < 0 || id >= ECPR_AT_COUNT || value == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_attr_normalize: invalid argument");
	a = &attrs[id];
	s = value;
	n = strlen(value);
	if (a->kind != AK_TEXT) {
		while (n > 0 && is_blank(*s)) {
			s++;
			n--;
		}
		while (n > 0 && is_blank(s[n - 1]))
			n--;
	}
	if (n == 0)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "attribute \"%s\": value is empty", a->name);
	switch (a->kind) {
	case AK_NUMBER:
	case AK_INTEGER:
		return norm_number(a, s, n, buf, len, err);
	case AK_CODE:
		return norm_code(a, s, n, buf, len, err);
	default:
		return norm_text(a, s, n, buf, len, err);
	}
}

/* ------------------------------------------------------------------ */
/* Derived intervals                                                    */
/* ------------------------------------------------------------------ */

const char *
ecpr_interval_name(ecpr_interval_id id)
{
	if ((int)id < 0 || id >= ECPR_IV_COUNT)
		return NULL;
	return ecpr__intervals[id].name;
}

int
ecpr_interval_lookup(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ECPR_IV_COUNT; i++)
		if (strcmp(ecpr__intervals[i].name, name) == 0)
			return i;
	return -1;
}

ecpr_unit
ecpr_interval_unit(ecpr_interval_id id)
{
	if ((int)id < 0 || id >= ECPR_IV_COUNT)
		return ECPR_UNIT_CODE;
	return ecpr__intervals[id].unit;
}

const char *
ecpr_interval_definition(ecpr_interval_id id)
{
	if ((int)id < 0 || id >= ECPR_IV_COUNT)
		return NULL;
	return ecpr__intervals[id].definition;
}

const char *
ecpr_interval_label(ecpr_interval_id id)
{
	if ((int)id < 0 || id >= ECPR_IV_COUNT)
		return NULL;
	return ecpr__intervals[id].label;
}

const char *
ecpr_interval_mark(ecpr_interval_id id)
{
	if ((int)id < 0 || id >= ECPR_IV_COUNT)
		return NULL;
	return ecpr__intervals[id].mark;
}
