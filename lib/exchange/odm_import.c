/*
 * odm_import.c - ODM ClinicalData into case-record episodes: items mapped
 * to fields (a map, else their names), date and time items joined, codes
 * decoded, TransactionTypes kept as changes, one episode per SubjectKey
 * and StudyEventRepeatKey given to the caller.
 */
#define _GNU_SOURCE /* strptime */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "odm_internal.h"

/* Item names already resolved to fields (a small hash table). */
#define FCACHE_SIZE 256

/* An ItemData's TransactionType besides the ecpr_odm_tx values. */
#define TX_CONTEXT (-2) /* "Context": nothing changes */
#define TX_UNKNOWN (-3)

/* Longest value rewritten (a decoded code, a --date-format date). */
#define VALUE_BUF 1024

/* A repeat key above this is not an occurrence. */
#define OCCURRENCE_MAX 100000

/* The part of a rule an item is. */
enum { R_VALUE, R_DATE, R_TIME, R_USED = -1 };

/* One value of the episode being read. */
struct ival {
	struct ecpr__odm_field f;
	size_t value;  /* its text: at this offset in vals */
	unsigned long line;
	ecpr_odm_tx tx;
	unsigned occ;  /* occurrence of an event */
	int role;      /* R_DATE, R_TIME: a part of a date + time rule */
	size_t rule;   /* ... that rule (map->items) */
};

/* One observation or complication of the episode being read: the items
 * of one ItemGroupData (OID and repeat key).  Its texts are in vals, as
 * the values' (no allocation a part): offsets, + 1 where 0 is none. */
struct ientry {
	ecpr_odm_entry_kind kind;
	size_t group;    /* ItemGroupOID */
	size_t repeat;   /* ItemGroupRepeatKey */
	size_t part[ECPR_ODM_P_COUNT]; /* + 1 */
	unsigned long line[ECPR_ODM_P_COUNT];
	size_t unit;     /* + 1 */
	unsigned long first_line;
	ecpr_odm_tx tx;
};

struct fcache {
	char *name;
	size_t len;               /* strlen(name) */
	struct ecpr__odm_field f;
};

/*
 * A slot of the table of the episode's entries by kind, ItemGroupOID and
 * repeat key (open addressing): the index of an entry in en, + 1, valid
 * only in the episode whose generation it holds, so that a new episode
 * empties the table by a count.
 */
struct eslot {
	size_t gen;
	size_t idx;
};

struct ecpr_odm_import {
	ecpr_odm_import_opts o;
	const ecpr_odm_map *map;  /* never NULL */
	ecpr_odm_map nomap;       /* the empty map when none is given */
	unsigned char *used, *tused; /* per map item: seen in a file */
	struct fcache cache[FCACHE_SIZE];
	/* the file being read */
	const char *file;
	size_t rows, episodes, context;
	int failed;               /* a problem of this file was reported */
	char *unmapped;           /* its first item mapping to no field */
	unsigned long unmapped_line;
	/* the episode being read */
	char *key;                /* subject NUL repeat */
	size_t key_sl;            /* the subject's length in key */
	const char *subject;
	long episode;
	unsigned long line;
	char *site;
	struct ival *v;
	size_t n, cap;
	char *vals;               /* the texts of v, one after the other */
	size_t vlen, vcap;
	ecpr_odm_value *out;      /* the values given to on_episode */
	size_t outcap;
	struct ientry *en;        /* its observations and complications */
	size_t nen, encap;
	struct eslot *eslot;      /* ... found by kind, OID and repeat */
	size_t neslot, egen;      /* slots (a power of 2), generation */
	ecpr_odm_entry *eout;     /* ... as given to on_episode */
	size_t eoutcap;
	/* over all files */
	size_t ignored, ages;
};

/* Report a problem of the data (file and line) and go on. */
static void ECPR__PRINTF(3, 4)
problem(ecpr_odm_import *im, unsigned long line, const char *fmt, ...)
{
	ecpr_error err = ECPR_ERROR_INIT;
	va_list ap;
	char msg[ECPR_ERROR_MSG_MAX];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ecpr__error_set(&err, ECPR_EPARSE, im->file, line, "%s", msg);
	im->failed = 1;
	if (im->o.on_error != NULL)
		im->o.on_error(&err, im->o.ctx);
}

static void
episode_clear(ecpr_odm_import *im)
{
	im->n = 0;
	im->vlen = 0;
	im->nen = 0;
	im->egen++; /* the table of entries emptied */
	free(im->site);
	im->site = NULL;
}

int
ecpr_odm_import_new(ecpr_odm_import **out, const ecpr_odm_import_opts *opts,
    ecpr_error *err)
{
	ecpr_odm_import *im;
	size_t n;

	*out = NULL;
	if (opts == NULL || opts->on_episode == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0, "import: no "
		    "episode callback");
	if ((im = calloc(1, sizeof(*im))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	im->o = *opts;
	im->map = opts->map != NULL ? opts->map : &im->nomap;
	im->egen = 1; /* a slot of generation 0 is empty */
	n = im->map->nitems > 0 ? im->map->nitems : 1;
	if ((im->used = calloc(n, 1)) == NULL ||
	    (im->tused = calloc(n, 1)) == NULL) {
		ecpr_odm_import_free(im);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	*out = im;
	return ECPR_OK;
}

void
ecpr_odm_import_free(ecpr_odm_import *im)
{
	size_t i;

	if (im == NULL)
		return;
	episode_clear(im);
	for (i = 0; i < FCACHE_SIZE; i++)
		free(im->cache[i].name);
	free(im->v);
	free(im->vals);
	free(im->out);
	free(im->en);
	free(im->eslot);
	free(im->eout);
	free(im->key);
	free(im->unmapped);
	free(im->used);
	free(im->tused);
	free(im);
}

void
ecpr_odm_import_get_stats(const ecpr_odm_import *im,
    ecpr_odm_import_stats *stats)
{
	stats->ignored = im->ignored;
	stats->ages = im->ages;
	stats->context = im->context;
}

/* Warn of one rule item in no file. */
static void
unused_note(const ecpr_odm_import *im, unsigned long line, const char *ev,
    const char *item, ecpr_error_cb cb, void *ctx)
{
	ecpr_error err = ECPR_ERROR_INIT;

	ecpr__error_set(&err, ECPR_ERULE, im->map->file, line, "warning: "
	    "item \"%s%s%s\" is in no file", ev != NULL ? ev : "",
	    ev != NULL ? "/" : "", item);
	cb(&err, ctx);
}

size_t
ecpr_odm_import_unused(const ecpr_odm_import *im, ecpr_error_cb cb,
    void *ctx)
{
	const struct ecpr__odm_map_item *mi;
	size_t i, n = 0;

	for (i = 0; i < im->map->nitems; i++) {
		mi = &im->map->items[i];
		if (!im->used[i]) {
			n++;
			if (cb != NULL)
				unused_note(im, mi->line, mi->event, mi->item,
				    cb, ctx);
		}
		if (mi->titem != NULL && !im->tused[i]) {
			n++;
			if (cb != NULL)
				unused_note(im, mi->line, mi->tevent,
				    mi->titem, cb, ctx);
		}
	}
	return n;
}

int
ecpr_odm_episode_is_change(const ecpr_odm_episode *e)
{
	size_t i;

	for (i = 0; i < e->nvalues; i++)
		if (e->values[i].tx != ECPR_ODM_TX_NONE)
			return 1;
	for (i = 0; i < e->nentries; i++)
		if (e->entries[i].tx != ECPR_ODM_TX_NONE)
			return 1;
	return 0;
}

/* "ItemGroupData \"IG.OBSERVATION\" repeat \"2\": no item \"x\"". */
static int
entry_missing(const ecpr_odm_episode *e, const ecpr_odm_entry *en,
    ecpr_odm_part part, ecpr_error *err)
{
	return ecpr__error_set(err, ECPR_EPARSE, e->file, en->first_line,
	    "ItemGroupData \"%s\" repeat \"%s\": no item \"%s\"",
	    en->kind == ECPR_ODM_OBSERVATION ? "IG.OBSERVATION" :
	    "IG.COMPLICATION", en->repeat, ecpr_odm_part_item(en->kind, part));
}

int
ecpr_odm_entry_codes(const ecpr_odm_episode *e, const ecpr_odm_entry *en,
    int *type, int *by, ecpr_error *err)
{
	const char *code = en->part[ECPR_ODM_P_CODE];
	const char *value = en->part[ECPR_ODM_P_VALUE];
	const char *a = en->part[ECPR_ODM_P_ATTRIBUTION];
	const char *item = ecpr_odm_part_item(en->kind, ECPR_ODM_P_CODE);

	*type = -1;
	*by = 0;
	if (code == NULL)
		return entry_missing(e, en, ECPR_ODM_P_CODE, err);
	if (en->kind == ECPR_ODM_OBSERVATION) {
		if ((*type = ecpr_obs_lookup(code)) < 0)
			return ecpr__error_set(err, ECPR_EPARSE, e->file,
			    en->line[ECPR_ODM_P_CODE], "item \"%s\": unknown "
			    "observation \"%s\" (ecpr(7) lists the "
			    "vocabulary)", item, code);
		if (en->part[ECPR_ODM_P_TIME] == NULL)
			return entry_missing(e, en, ECPR_ODM_P_TIME, err);
		if (value != NULL && en->unit == NULL)
			return ecpr__error_set(err, ECPR_EPARSE, e->file,
			    en->line[ECPR_ODM_P_VALUE], "item \"%s\": value "
			    "\"%s\" has no unit (MeasurementUnitRef)",
			    ecpr_odm_part_item(en->kind, ECPR_ODM_P_VALUE),
			    value);
		if (value != NULL && ecpr_obs_unit_lookup(
		    (ecpr_obs_type)*type, en->unit) == NULL) {
			char units[128];

			ecpr__odm_obs_units(units, sizeof(units),
			    (ecpr_obs_type)*type);
			return ecpr__error_set(err, ECPR_EPARSE, e->file,
			    en->line[ECPR_ODM_P_VALUE], "item \"%s\": unit "
			    "\"%s\" is not a unit of %s (%s)",
			    ecpr_odm_part_item(en->kind, ECPR_ODM_P_VALUE),
			    en->unit, code, units);
		}
		return ECPR_OK;
	}
	if ((*type = ecpr_complication_lookup(code)) < 0)
		return ecpr__error_set(err, ECPR_EPARSE, e->file,
		    en->line[ECPR_ODM_P_CODE], "item \"%s\": unknown "
		    "complication \"%s\" (ecpr(7) lists the code list)", item,
		    code);
	if (a == NULL)
		return entry_missing(e, en, ECPR_ODM_P_ATTRIBUTION, err);
	if ((*by = ecpr_attribution_lookup(a)) < 0)
		return ecpr__error_set(err, ECPR_EPARSE, e->file,
		    en->line[ECPR_ODM_P_ATTRIBUTION], "item \"%s\": unknown "
		    "attribution \"%s\" (mcc, ecpr or other)",
		    ecpr_odm_part_item(en->kind, ECPR_ODM_P_ATTRIBUTION), a);
	return ECPR_OK;
}

/* Add entry en of e to ep. */
static int
entry_build(ecpr_episode *ep, const ecpr_odm_episode *e,
    const ecpr_odm_entry *en, const ecpr_tz *tz, ecpr_error *err)
{
	int rc, type, by;

	if ((rc = ecpr_odm_entry_codes(e, en, &type, &by, err)) != ECPR_OK)
		return rc;
	if (en->kind == ECPR_ODM_OBSERVATION) {
		if (en->part[ECPR_ODM_P_VALUE] == NULL)
			return entry_missing(e, en, ECPR_ODM_P_VALUE, err);
		return ecpr_episode_add_observation(ep, (ecpr_obs_type)type,
		    en->part[ECPR_ODM_P_TIME], en->part[ECPR_ODM_P_VALUE],
		    en->unit, tz, e->file, en->line[ECPR_ODM_P_VALUE], err);
	}
	return ecpr_episode_add_complication(ep, type, (ecpr_attribution)by,
	    en->part[ECPR_ODM_P_TIME], en->part[ECPR_ODM_P_NOTE], tz, e->file,
	    en->line[ECPR_ODM_P_CODE], err);
}

int
ecpr_odm_episode_build(ecpr_episode **out, const ecpr_odm_episode *e,
    const ecpr_tz *tz, ecpr_error *err)
{
	const ecpr_odm_value *v;
	ecpr_episode *ep = NULL;
	size_t i;
	int rc;

	*out = NULL;
	rc = ecpr_episode_new(&ep, e->site, e->subject, e->number, err);
	for (i = 0; rc == ECPR_OK && i < e->nvalues; i++) {
		v = &e->values[i];
		if (v->tx == ECPR_ODM_TX_REMOVE)
			continue;
		if (v->attr >= 0)
			rc = ecpr_episode_set_attr(ep, (ecpr_attr_id)v->attr,
			    v->value, e->file, v->line, err);
		else
			rc = ecpr_episode_add_event(ep, v->type, v->value,
			    NULL, tz, e->file, v->line, err);
	}
	for (i = 0; rc == ECPR_OK && i < e->nentries; i++)
		if (e->entries[i].tx != ECPR_ODM_TX_REMOVE)
			rc = entry_build(ep, e, &e->entries[i], tz, err);
	if (rc == ECPR_OK)
		rc = ecpr_episode_finish(ep, NULL, NULL, err);
	if (rc != ECPR_OK) {
		ecpr_episode_free(ep);
		return rc;
	}
	*out = ep;
	return ECPR_OK;
}

/* The item name a rule part names, for messages. */
static const char *
rule_item(const struct ecpr__odm_map_item *mi, int role)
{
	return role == R_TIME ? mi->titem : mi->item;
}

/*
 * Room in vals for n more bytes: 0, or ECPR_ENOMEM.  The texts may move:
 * they are kept as offsets.
 */
static int
vals_room(ecpr_odm_import *im, size_t n)
{
	size_t c = im->vcap != 0 ? im->vcap : 4096;
	char *p;

	if (im->vlen + n <= im->vcap)
		return ECPR_OK;
	while (c < im->vlen + n)
		c *= 2;
	if ((p = realloc(im->vals, c)) == NULL)
		return ECPR_ENOMEM;
	im->vals = p;
	im->vcap = c;
	return ECPR_OK;
}

/* The text of value v. */
static char *
ival_text(const ecpr_odm_import *im, const struct ival *v)
{
	return im->vals + v->value;
}

/* The text at offset + 1 off of vals, NULL when off is 0. */
static const char *
vals_at(const ecpr_odm_import *im, size_t off)
{
	return off != 0 ? im->vals + off - 1 : NULL;
}

/* A copy of the len bytes at t and a NUL after the texts of vals: its
 * offset in *off.  0, or ECPR_ENOMEM. */
static int
vals_keep(ecpr_odm_import *im, const char *t, size_t len, size_t *off)
{
	if (vals_room(im, len + 1) != ECPR_OK)
		return ECPR_ENOMEM;
	memcpy(im->vals + im->vlen, t, len);
	im->vals[im->vlen + len] = '\0';
	*off = im->vlen;
	im->vlen += len + 1;
	return ECPR_OK;
}

/* The value of date d joined with time t (d's value replaced). */
static int
join_one(ecpr_odm_import *im, struct ival *d, const struct ival *t)
{
	size_t dl, tl;

	if (strchr(ival_text(im, d), 'T') != NULL) {
		problem(im, d->line, "item \"%s\": \"%s\" has a time of day "
		    "already (time item \"%s\" on line %lu)",
		    im->map->items[d->rule].item, ival_text(im, d),
		    im->map->items[d->rule].titem, t->line);
		return ECPR_OK;
	}
	dl = strlen(ival_text(im, d));
	tl = strlen(ival_text(im, t));
	if (vals_room(im, dl + tl + 2) != ECPR_OK)
		return ECPR_ENOMEM;
	/* "DATE" "T" "TIME", after the texts (both stay where they are) */
	memcpy(im->vals + im->vlen, ival_text(im, d), dl);
	im->vals[im->vlen + dl] = 'T';
	memcpy(im->vals + im->vlen + dl + 1, ival_text(im, t), tl + 1);
	d->value = im->vlen;
	im->vlen += dl + tl + 2;
	return ECPR_OK;
}

/*
 * Join the date and time items of "item D + T = EVENT" rules in the
 * episode (the k-th time of a rule with its k-th date; a date alone
 * stays a day).  A time without its date, or whose date has a time of
 * day already, is a problem.  0 or ECPR_ENOMEM.
 */
static int
episode_join(ecpr_odm_import *im)
{
	struct ival *d, *t;
	size_t i, j, n = 0;

	for (i = 0; i < im->n; i++) {
		d = &im->v[i];
		if (d->role != R_DATE)
			continue;
		d->role = R_VALUE;
		for (j = 0; j < im->n; j++)
			if (im->v[j].role == R_TIME && im->v[j].rule == d->rule)
				break;
		if (j == im->n)
			continue;
		t = &im->v[j];
		t->role = R_USED;
		if (d->tx == ECPR_ODM_TX_REMOVE || t->tx == ECPR_ODM_TX_REMOVE)
			continue;
		if (join_one(im, d, t) != ECPR_OK)
			return ECPR_ENOMEM;
	}
	for (i = 0; i < im->n; i++) {
		t = &im->v[i];
		if (t->role == R_TIME && t->tx != ECPR_ODM_TX_REMOVE)
			problem(im, t->line, "item \"%s\": a time of day "
			    "without its date (item \"%s\")", rule_item(
			    &im->map->items[t->rule], R_TIME),
			    im->map->items[t->rule].item);
		if (t->role != R_TIME && t->role != R_USED)
			im->v[n++] = *t;
	}
	im->n = n;
	return ECPR_OK;
}

/* Give the episode read to on_episode.  0, or a status to stop. */
static int
episode_give(ecpr_odm_import *im, const char *site)
{
	ecpr_odm_episode e;
	ecpr_odm_value *ov;
	size_t i;
	int rc;

	if (im->n > im->outcap) {
		if ((ov = realloc(im->out, im->n * sizeof(*ov))) == NULL)
			return ECPR_ENOMEM;
		im->out = ov;
		im->outcap = im->n;
	}
	for (i = 0; i < im->n; i++) {
		const struct ival *v = &im->v[i];

		ov = &im->out[i];
		ov->attr = v->f.kind == ECPR__F_ATTR ? v->f.id : -1;
		ov->type = v->f.kind == ECPR__F_EVENT ?
		    (ecpr_event_type)v->f.id : ECPR_EV_CA_ONSET;
		ov->value = ival_text(im, v);
		ov->line = v->line;
		ov->tx = v->tx;
		ov->occurrence = v->occ;
	}
	e.file = im->file;
	e.line = im->line;
	e.site = site;
	e.subject = im->subject;
	e.number = im->episode;
	e.values = im->out;
	e.nvalues = im->n;
	if (im->nen > im->eoutcap) {
		ecpr_odm_entry *oe = realloc(im->eout, im->nen * sizeof(*oe));

		if (oe == NULL)
			return ECPR_ENOMEM;
		im->eout = oe;
		im->eoutcap = im->nen;
	}
	for (i = 0; i < im->nen; i++) {
		const struct ientry *en = &im->en[i];
		ecpr_odm_entry *oe = &im->eout[i];
		int k;

		oe->kind = en->kind;
		oe->repeat = im->vals + en->repeat;
		for (k = 0; k < ECPR_ODM_P_COUNT; k++) {
			oe->part[k] = vals_at(im, en->part[k]);
			oe->line[k] = en->line[k];
		}
		oe->unit = vals_at(im, en->unit);
		oe->first_line = en->first_line;
		oe->tx = en->tx;
	}
	e.entries = im->eout;
	e.nentries = im->nen;
	rc = im->o.on_episode(&e, im->o.ctx);
	if (rc == ECPR_OK)
		im->episodes++;
	else if (rc == ECPR_EPARSE || rc == ECPR_ERULE || rc == ECPR_EINVAL)
		im->failed = 1;
	else
		return rc;
	return ECPR_OK;
}

/* The episode read so far, to on_episode.  0, or a status to stop. */
static int
episode_flush(ecpr_odm_import *im)
{
	const char *site;
	int rc, failed = im->failed;

	if (im->key == NULL || (im->n == 0 && im->nen == 0)) {
		episode_clear(im);
		return ECPR_OK;
	}
	im->failed = 0;
	if ((rc = episode_join(im)) != ECPR_OK || im->failed) {
		im->failed = 1;
		episode_clear(im);
		return rc;
	}
	im->failed = failed;
	site = im->site != NULL ? im->site : im->map->site;
	if (site == NULL) {
		problem(im, im->line, "subject \"%s\": no site (map an item to "
		    "\"site\" or give \"site = NAME\" with --map)",
		    im->subject);
		episode_clear(im);
		return ECPR_OK;
	}
	rc = episode_give(im, site);
	episode_clear(im);
	return rc;
}

/*
 * The field of an item name without a map (ignored when none), through
 * the cache.  0, or -1 when out of memory.
 */
static int
field_cached(ecpr_odm_import *im, const char *name, struct ecpr__odm_field *f)
{
	size_t i = 0, k, len;
	uint32_t h = ecpr__odm_key_hash(name, &len);

	for (k = 0; k < FCACHE_SIZE; k++) {
		i = (h + k) & (FCACHE_SIZE - 1);
		if (im->cache[i].name == NULL)
			break;
		if (im->cache[i].len == len &&
		    memcmp(im->cache[i].name, name, len) == 0) {
			*f = im->cache[i].f;
			return 0;
		}
	}
	if (ecpr__odm_field_lookup(name, f) != 0)
		f->kind = ECPR__F_IGNORE;
	if (k < FCACHE_SIZE) { /* a full table just looks up */
		if ((im->cache[i].name = strdup(name)) == NULL)
			return -1;
		im->cache[i].len = len;
		im->cache[i].f = *f;
	}
	return 0;
}

/*
 * A SubjectData, StudyEventData, FormData or ItemGroupData removed
 * whole (ecpr_odm_read gives it as a Remove row without an item): not
 * read, so refused rather than left as it is in silence.
 */
static void
remove_whole(ecpr_odm_import *im, const ecpr_odm_row *r)
{
	const char *el = "SubjectData", *oid = r->subject;

	if (*r->item_group_oid != '\0') {
		el = "ItemGroupData";
		oid = r->item_group_oid;
	} else if (*r->form_oid != '\0') {
		el = "FormData";
		oid = r->form_oid;
	} else if (*r->event_oid != '\0') {
		el = "StudyEventData";
		oid = r->event_oid;
	}
	problem(im, r->line, "%s \"%s\": a Remove of a whole %s is not read "
	    "(mark each ItemData Remove)", el, oid, el);
}

/* 1 when the rule's item (event NULL: in any event) is the row's. */
static int
rule_is(const char *event, const char *item, const ecpr_odm_row *r)
{
	if (item == NULL || (event != NULL && strcmp(event, r->event_oid) !=
	    0 && strcmp(event, r->event) != 0))
		return 0;
	return strcmp(item, r->item_oid) == 0 || strcmp(item, r->item) == 0;
}

/*
 * The map rule of a row's item (one naming the row's event before one
 * for any event) in *rule, and whether the item is the rule's value, date
 * or time in *role; 1 when found.  Marks the rule used.
 */
static int
map_find(ecpr_odm_import *im, const ecpr_odm_row *r, size_t *rule,
    int *role)
{
	const ecpr_odm_map *m = im->map;
	size_t i;
	int best = 0, score;

	for (i = 0; i < m->nitems; i++) {
		const struct ecpr__odm_map_item *mi = &m->items[i];

		if (rule_is(mi->event, mi->item, r))
			score = mi->event != NULL ? 2 : 1;
		else if (rule_is(mi->tevent, mi->titem, r))
			score = mi->tevent != NULL ? -2 : -1;
		else
			continue;
		if (abs(score) > abs(best)) {
			best = score;
			*rule = i;
		}
	}
	if (best == 0)
		return 0;
	*role = best < 0 ? R_TIME : m->items[*rule].titem != NULL ? R_DATE :
	    R_VALUE;
	if (best < 0)
		im->tused[*rule] = 1;
	else
		im->used[*rule] = 1;
	return 1;
}

/*
 * The value of attribute id: a "code" rule's value for the value or its
 * CodeList decode, else the value, else (when the value is none of the
 * attribute's and its decode is) the decode, normalised into buf.
 */
static const char *
attr_value(const ecpr_odm_map *m, int id, const char *value,
    const char *decode, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < m->ncodes; i++)
		if (m->codes[i].f.id == id && (strcmp(m->codes[i].code,
		    value) == 0 || (*decode != '\0' &&
		    strcmp(m->codes[i].code, decode) == 0)))
			return m->codes[i].value;
	if (*decode != '\0' &&
	    ecpr_attr_normalize((ecpr_attr_id)id, value, buf, len, NULL) !=
	    ECPR_OK &&
	    ecpr_attr_normalize((ecpr_attr_id)id, decode, buf, len, NULL) ==
	    ECPR_OK)
		return buf;
	return value;
}

/* The precision a strptime format reads, as ISO 8601 output formats. */
enum { P_NONE, P_YEAR, P_MONTH, P_DAY, P_MINUTE, P_SECOND };

/* The smallest unit a strptime format reads. */
static int
format_precision(const char *fmt)
{
	int p = P_NONE, q;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%' || fmt[1] == '\0')
			continue;
		switch (*++fmt) {
		case 'S': case 'T':
			q = P_SECOND;
			break;
		case 'H': case 'M': case 'R': case 'I':
			q = P_MINUTE;
			break;
		case 'd': case 'e': case 'j':
			q = P_DAY;
			break;
		case 'm': case 'b': case 'B': case 'h':
			q = P_MONTH;
			break;
		case 'Y': case 'y':
			q = P_YEAR;
			break;
		default:
			q = P_NONE;
		}
		if (q > p)
			p = q;
	}
	return p;
}

/*
 * A date or time value read with the first date format that reads all
 * of it, written as ISO 8601 at the format's precision into buf; else
 * the value as it is.
 */
static const char *
date_value(const ecpr_odm_import *im, const char *value, char *buf,
    size_t len)
{
	struct tm tm;
	const char *end;
	size_t i;
	int p, y;

	for (i = 0; i < im->o.ndate_formats; i++) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
		end = strptime(value, im->o.date_formats[i], &tm);
		if (end == NULL || *end != '\0' || tm.tm_year < -1900 ||
		    tm.tm_year > 9999 - 1900)
			continue;
		p = format_precision(im->o.date_formats[i]);
		y = tm.tm_year + 1900;
		if (p >= P_SECOND)
			snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d", y,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			    tm.tm_sec);
		else if (p == P_MINUTE)
			snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d", y,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
		else if (p == P_DAY)
			snprintf(buf, len, "%04d-%02d-%02d", y, tm.tm_mon + 1,
			    tm.tm_mday);
		else if (p == P_MONTH)
			snprintf(buf, len, "%04d-%02d", y, tm.tm_mon + 1);
		else
			snprintf(buf, len, "%04d", y);
		return buf;
	}
	return value;
}

/* ECPR_ODM_TX_*, TX_CONTEXT or TX_UNKNOWN. */
static int
tx_op(const char *t)
{
	static const struct {
		const char *name;
		int tx;
	} txs[] = {
		{ "", ECPR_ODM_TX_NONE },
		{ "Context", TX_CONTEXT },
		{ "Insert", ECPR_ODM_TX_INSERT },
		{ "Update", ECPR_ODM_TX_UPDATE },
		{ "Upsert", ECPR_ODM_TX_UPSERT },
		{ "Remove", ECPR_ODM_TX_REMOVE },
	};
	size_t i;

	for (i = 0; i < sizeof(txs) / sizeof(txs[0]); i++)
		if (strcmp(t, txs[i].name) == 0)
			return txs[i].tx;
	return TX_UNKNOWN;
}

/*
 * Which occurrence of event type a value names: the ItemGroupRepeatKey
 * of a repeatable event (its segment or repeat), else the next one of
 * the episode.
 */
static unsigned
occurrence(const ecpr_odm_import *im, int type, const char *repeat)
{
	unsigned long v;
	unsigned n = 1;
	char *end;
	size_t i;

	if (!ecpr_event_repeatable((ecpr_event_type)type))
		return 1;
	v = strtoul(repeat, &end, 10);
	if (*repeat >= '1' && *repeat <= '9' && *end == '\0' &&
	    v <= OCCURRENCE_MAX)
		return (unsigned)v;
	for (i = 0; i < im->n; i++)
		if (im->v[i].f.kind == ECPR__F_EVENT && im->v[i].f.id == type)
			n++;
	return n;
}

/* A row of another episode: flush the one read so far, start anew. */
static int
episode_start(ecpr_odm_import *im, const ecpr_odm_row *r)
{
	size_t sl = strlen(r->subject);
	char *k;
	long ep;
	int rc;

	if ((rc = episode_flush(im)) != ECPR_OK)
		return rc;
	if ((k = malloc(sl + strlen(r->event_repeat) + 2)) == NULL)
		return ECPR_ENOMEM;
	memcpy(k, r->subject, sl + 1);
	strcpy(k + sl + 1, r->event_repeat);
	free(im->key);
	im->key = k;
	im->key_sl = sl;
	im->subject = k;
	ep = strtol(r->event_repeat, &k, 10);
	im->episode = *r->event_repeat != '\0' && *k == '\0' && ep >= 1 ? ep :
	    1;
	im->line = r->line;
	return ECPR_OK;
}

/* The field of a row's item; *found: through a map rule. */
static int
row_field(ecpr_odm_import *im, const ecpr_odm_row *r,
    struct ecpr__odm_field *f, size_t *rule, int *role, int *found)
{
	*found = 0;
	if (im->map->nitems == 0) {
		if (field_cached(im, r->item, f) != 0)
			return ECPR_ENOMEM;
	} else if ((*found = map_find(im, r, rule, role)) != 0) {
		*f = im->map->items[*rule].f;
	} else if (ecpr__odm_field_lookup(r->item, f) != 0)
		f->kind = ECPR__F_IGNORE;
	return ECPR_OK;
}

/* Keep a value of the episode. */
static int
episode_add(ecpr_odm_import *im, const ecpr_odm_row *r,
    const struct ecpr__odm_field *f, const char *value, int tx, size_t rule,
    int role)
{
	struct ival *nv, *v;

	if (im->n == im->cap) {
		im->cap = im->cap == 0 ? 32 : 2 * im->cap;
		if ((nv = realloc(im->v, im->cap * sizeof(*nv))) == NULL)
			return ECPR_ENOMEM;
		im->v = nv;
	}
	v = &im->v[im->n];
	v->f = *f;
	v->line = r->line;
	v->tx = (ecpr_odm_tx)tx;
	v->occ = f->kind == ECPR__F_EVENT ? occurrence(im, f->id,
	    r->group_repeat) : 0;
	v->role = role;
	v->rule = rule;
	if (vals_keep(im, value, strlen(value), &v->value) != ECPR_OK)
		return ECPR_ENOMEM;
	im->n++;
	return ECPR_OK;
}

/* 1 when en is the entry of ItemGroupData group, repeat repeat. */
static int
entry_is(const ecpr_odm_import *im, const struct ientry *en,
    ecpr_odm_entry_kind kind, const char *group, const char *repeat)
{
	return en->kind == kind && strcmp(im->vals + en->group, group) == 0 &&
	    strcmp(im->vals + en->repeat, repeat) == 0;
}

/*
 * The slot of table t (n slots, a power of 2) that holds the entry of
 * ItemGroupData group, repeat repeat, or the empty slot where it goes.
 */
static size_t
entry_slot(const ecpr_odm_import *im, const struct eslot *t, size_t n,
    ecpr_odm_entry_kind kind, const char *group, const char *repeat)
{
	size_t len, k;

	k = (size_t)(ecpr__odm_key_hash(group, &len) * 31u ^
	    ecpr__odm_key_hash(repeat, &len) ^ (uint32_t)kind);
	for (; t[k &= n - 1].gen == im->egen; k++)
		if (entry_is(im, &im->en[t[k].idx - 1], kind, group, repeat))
			break;
	return k;
}

/* Twice the slots (16 at first), the episode's entries in them again. */
static int
entry_table_grow(ecpr_odm_import *im)
{
	size_t n = im->neslot == 0 ? 16 : 2 * im->neslot, i, k;
	struct eslot *t;

	if (n > SIZE_MAX / sizeof(*t) || (t = calloc(n, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < im->nen; i++) { /* each its own: an empty slot */
		const struct ientry *en = &im->en[i];

		k = entry_slot(im, t, n, en->kind, im->vals + en->group,
		    im->vals + en->repeat);
		t[k].gen = im->egen;
		t[k].idx = i + 1;
	}
	free(im->eslot);
	im->eslot = t;
	im->neslot = n;
	return 0;
}

/*
 * Keep an item of an observation or a complication (value NULL: an empty
 * item of a Remove): a part of the entry of its ItemGroupData (OID and
 * repeat key), made at its first item.
 */
static int
entry_add(ecpr_odm_import *im, const ecpr_odm_row *r,
    const struct ecpr__odm_field *f, const char *value, int tx)
{
	ecpr_odm_entry_kind kind = f->kind == ECPR__F_OBS ?
	    ECPR_ODM_OBSERVATION : ECPR_ODM_COMPLICATION;
	size_t k = 0, off;
	struct ientry *en = NULL, *ne;
	const char *item = ecpr_odm_part_item(kind, (ecpr_odm_part)f->id);

	/* most often the entry of the item before (the same ItemGroupData) */
	if (im->nen > 0 && entry_is(im, &im->en[im->nen - 1], kind,
	    r->item_group_oid, r->group_repeat)) {
		en = &im->en[im->nen - 1];
	} else {
		if ((im->nen + 1) * 2 > im->neslot && entry_table_grow(im) != 0)
			return ECPR_ENOMEM;
		k = entry_slot(im, im->eslot, im->neslot, kind,
		    r->item_group_oid, r->group_repeat);
		if (im->eslot[k].gen == im->egen)
			en = &im->en[im->eslot[k].idx - 1];
	}
	if (en == NULL) {
		if (im->nen == im->encap) {
			im->encap = im->encap == 0 ? 8 : 2 * im->encap;
			if ((ne = realloc(im->en, im->encap * sizeof(*ne))) ==
			    NULL)
				return ECPR_ENOMEM;
			im->en = ne;
		}
		en = &im->en[im->nen];
		memset(en, 0, sizeof(*en));
		if (vals_keep(im, r->item_group_oid, strlen(r->item_group_oid),
		    &en->group) != ECPR_OK || vals_keep(im, r->group_repeat,
		    strlen(r->group_repeat), &en->repeat) != ECPR_OK)
			return ECPR_ENOMEM;
		en->kind = kind;
		en->first_line = r->line;
		en->tx = (ecpr_odm_tx)tx;
		im->nen++;
		im->eslot[k].gen = im->egen; /* the empty slot entry_slot met */
		im->eslot[k].idx = im->nen;
	} else if (en->tx != (ecpr_odm_tx)tx) {
		problem(im, r->line, "ItemData \"%s\": TransactionType \"%s\" "
		    "differs from that of its ItemGroupData's first item (line "
		    "%lu): an observation or complication changes as a whole",
		    r->item_oid, r->transaction, en->first_line);
		return ECPR_OK;
	}
	if (value == NULL) /* an empty item of a Remove */
		return ECPR_OK;
	if (en->part[f->id] != 0) {
		problem(im, r->line, "item \"%s\": given twice in "
		    "ItemGroupData \"%s\" repeat \"%s\" (first at line %lu)",
		    item, r->item_group_oid, r->group_repeat,
		    en->line[f->id]);
		return ECPR_OK;
	}
	en->line[f->id] = r->line;
	if (vals_keep(im, value, strlen(value), &off) != ECPR_OK)
		return ECPR_ENOMEM;
	en->part[f->id] = off + 1;
	if (f->id == ECPR_ODM_P_VALUE && *r->unit != '\0') {
		if (vals_keep(im, r->unit, strlen(r->unit), &off) != ECPR_OK)
			return ECPR_ENOMEM;
		en->unit = off + 1;
	}
	return ECPR_OK;
}

static int
import_row(const ecpr_odm_row *r, void *ctx)
{
	ecpr_odm_import *im = ctx;
	const char *value = r->value;
	struct ecpr__odm_field f;
	char buf[VALUE_BUF];
	size_t rule = 0;
	int rc, tx, role = R_VALUE, found;

	/* a new episode: another subject or StudyEventRepeatKey */
	if ((im->key == NULL || strcmp(im->key, r->subject) != 0 ||
	    strcmp(im->key + im->key_sl + 1, r->event_repeat) != 0) &&
	    (rc = episode_start(im, r)) != ECPR_OK)
		return rc;
	if (*r->item_oid == '\0') { /* an element removed whole */
		remove_whole(im, r);
		return 0;
	}
	if ((rc = row_field(im, r, &f, &rule, &role, &found)) != ECPR_OK)
		return rc;
	im->rows++;
	if (f.kind == ECPR__F_IGNORE) {
		im->ignored++;
		if (!found && im->unmapped == NULL &&
		    (im->unmapped = strdup(r->item_oid)) == NULL)
			return ECPR_ENOMEM;
		if (!found && im->unmapped_line == 0)
			im->unmapped_line = r->line;
		return 0;
	}
	if ((tx = tx_op(r->transaction)) == TX_UNKNOWN) {
		problem(im, r->line, "ItemData \"%s\": unknown TransactionType "
		    "\"%s\" (Insert, Update, Remove, Upsert or Context)",
		    r->item_oid, r->transaction);
		return 0;
	}
	if (f.kind == ECPR__F_SITE) { /* a key: whatever the TransactionType */
		if (tx == ECPR_ODM_TX_REMOVE || *value == '\0')
			return 0;
		free(im->site);
		return (im->site = strdup(value)) == NULL ? ECPR_ENOMEM : 0;
	}
	if (tx == TX_CONTEXT) {
		im->context++;
		return 0;
	}
	if (f.kind == ECPR__F_OBS || f.kind == ECPR__F_COMP) {
		/* a Remove keeps the values that say which one goes */
		if (*value == '\0' && tx != ECPR_ODM_TX_REMOVE)
			return 0;
		if (f.id == ECPR_ODM_P_TIME)
			value = date_value(im, value, buf, sizeof(buf));
		return entry_add(im, r, &f, *value != '\0' ? value : NULL, tx);
	}
	if (tx == ECPR_ODM_TX_REMOVE)
		value = "";
	else if (*value == '\0')
		return 0;
	else if (f.kind == ECPR__F_ATTR)
		value = attr_value(im->map, f.id, value, r->decode, buf,
		    sizeof(buf));
	else if (role != R_TIME)
		value = date_value(im, value, buf, sizeof(buf));
	if (f.kind == ECPR__F_ATTR && f.id == ECPR_AT_AGE_YEARS &&
	    tx != ECPR_ODM_TX_REMOVE && strcmp(value, "90+") == 0) {
		im->ages++;
		return 0;
	}
	return episode_add(im, r, &f, value, tx, rule, role);
}

/* A file gave no episode and no Context: say why. */
static void
nothing_imported(ecpr_odm_import *im)
{
	if (im->rows == 0)
		problem(im, 0, "nothing to import: no ItemData in its "
		    "ClinicalData");
	else if (im->unmapped != NULL)
		problem(im, 0, "nothing to import: none of its %zu item "
		    "value%s maps to a case-record field (line %lu: ItemOID "
		    "\"%s\"; give --map MAPFILE, see ecpr-odm-map(5))",
		    im->rows, im->rows == 1 ? "" : "s", im->unmapped_line,
		    im->unmapped);
	else
		problem(im, 0, "nothing to import: none of its %zu item "
		    "value%s has a value", im->rows, im->rows == 1 ? "" : "s");
}

int
ecpr_odm_import_file(ecpr_odm_import *im, const char *path, ecpr_error *err)
{
	int rc;

	im->file = path;
	im->rows = im->episodes = im->context = 0;
	im->failed = 0;
	im->unmapped_line = 0;
	free(im->unmapped);
	im->unmapped = NULL;
	rc = ecpr_odm_read(path, import_row, im, NULL, err);
	if (rc == ECPR_OK)
		rc = episode_flush(im);
	if (rc == ECPR_OK && !im->failed && im->episodes == 0 &&
	    im->context == 0)
		nothing_imported(im);
	free(im->key);
	im->key = NULL;
	episode_clear(im);
	im->file = NULL;
	return rc;
}
