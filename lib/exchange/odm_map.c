/*
 * odm_map.c - the map file of an ODM import (ecpr-odm-map(5)): which item
 * is which case-record field, which code is which attribute value.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "odm_internal.h"

/* Longest line of a map file, its newline included. */
#define MAP_LINE_MAX 4096

int
ecpr__odm_field_lookup(const char *name, struct ecpr__odm_field *f)
{
	f->id = 0;
	if (strcmp(name, "site") == 0)
		f->kind = ECPR__F_SITE;
	else if (strcmp(name, "ignore") == 0)
		f->kind = ECPR__F_IGNORE;
	else if ((f->id = ecpr_event_lookup(name)) >= 0)
		f->kind = ECPR__F_EVENT;
	else if ((f->id = ecpr_attr_lookup(name)) >= 0)
		f->kind = ECPR__F_ATTR;
	else {
		/* an item of an observation or a complication */
		for (f->id = 0; f->id < 2 * ECPR_ODM_P_COUNT; f->id++) {
			const char *n = ecpr_odm_part_item((ecpr_odm_entry_kind)
			    (f->id / ECPR_ODM_P_COUNT),
			    (ecpr_odm_part)(f->id % ECPR_ODM_P_COUNT));

			if (n != NULL && strcmp(n, name) == 0)
				break;
		}
		if (f->id == 2 * ECPR_ODM_P_COUNT)
			return -1;
		f->kind = f->id < ECPR_ODM_P_COUNT ? ECPR__F_OBS :
		    ECPR__F_COMP;
		f->id %= ECPR_ODM_P_COUNT;
	}
	return 0;
}

void
ecpr_odm_map_free(ecpr_odm_map *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nitems; i++) {
		free(m->items[i].event);
		free(m->items[i].item);
		free(m->items[i].tevent);
		free(m->items[i].titem);
	}
	for (i = 0; i < m->ncodes; i++) {
		free(m->codes[i].code);
		free(m->codes[i].value);
	}
	free(m->items);
	free(m->codes);
	free(m->site);
	free(m->file);
	free(m);
}

const char *
ecpr_odm_map_site(const ecpr_odm_map *m)
{
	return m != NULL ? m->site : NULL;
}

/* Trim blanks on both sides, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* The next blank-separated word of *p (NUL-terminated in place). */
static char *
word(char **p)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

/*
 * An item of a map rule, "OID" or "EVENT/OID", into *event (NULL: any
 * event) and *item.
 */
static int
map_oid(const char *file, unsigned long ln, const char *whole, const char *a,
    char **event, char **item, ecpr_error *err)
{
	const char *sl = strchr(a, '/');

	if (sl == NULL)
		return (*item = strdup(a)) == NULL ? ECPR_ENOMEM : ECPR_OK;
	if (sl == a || sl[1] == '\0')
		return ecpr__error_set(err, ECPR_EPARSE, file, ln, "key \"%s\": "
		    "\"%s\" is not ITEM or EVENT/ITEM", whole, a);
	if ((*event = strndup(a, (size_t)(sl - a))) == NULL ||
	    (*item = strdup(sl + 1)) == NULL)
		return ECPR_ENOMEM;
	return ECPR_OK;
}

static int
same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* 1 when two rules name the same item (or date and time items). */
static int
same_rule(const struct ecpr__odm_map_item *x,
    const struct ecpr__odm_map_item *y)
{
	return same_str(x->event, y->event) && same_str(x->item, y->item) &&
	    same_str(x->tevent, y->tevent) && same_str(x->titem, y->titem);
}

/* "site = NAME" */
static int
map_site(ecpr_odm_map *m, unsigned long ln, const char *val, ecpr_error *err)
{
	if (*val == '\0' || strchr(val, ',') != NULL ||
	    strchr(val, '"') != NULL)
		return ecpr__error_set(err, ECPR_EPARSE, m->file, ln, "key "
		    "\"site\": bad site \"%s\"", val);
	if (m->site != NULL)
		return ecpr__error_set(err, ECPR_EPARSE, m->file, ln, "key "
		    "\"site\" given twice");
	return (m->site = strdup(val)) == NULL ? ECPR_ENOMEM : ECPR_OK;
}

/* "item [EVENT/]OID = FIELD" or "item D + T = EVENT" (c: T, or NULL) */
static int
map_item(ecpr_odm_map *m, unsigned long ln, const char *whole, const char *a,
    const char *c, const char *val, ecpr_error *err)
{
	struct ecpr__odm_map_item *mi;
	struct ecpr__odm_field f;
	size_t i;
	void *nv;
	int rc;

	if (ecpr__odm_field_lookup(val, &f) != 0)
		return ecpr__error_set(err, ECPR_EPARSE, m->file, ln, "key "
		    "\"%s\": unknown field \"%s\" (site, ignore, an event, "
		    "an attribute or an item of an observation or a "
		    "complication)", whole, val);
	if (c != NULL && f.kind != ECPR__F_EVENT)
		return ecpr__error_set(err, ECPR_EPARSE, m->file, ln, "key "
		    "\"%s\": a date and a time make an event, not \"%s\"",
		    whole, val);
	if ((nv = realloc(m->items, (m->nitems + 1) * sizeof(*m->items))) ==
	    NULL)
		return ECPR_ENOMEM;
	m->items = nv;
	mi = &m->items[m->nitems++];
	memset(mi, 0, sizeof(*mi));
	mi->f = f;
	mi->line = ln;
	if ((rc = map_oid(m->file, ln, whole, a, &mi->event, &mi->item,
	    err)) == ECPR_OK && c != NULL)
		rc = map_oid(m->file, ln, whole, c, &mi->tevent, &mi->titem,
		    err);
	for (i = 0; rc == ECPR_OK && i + 1 < m->nitems; i++)
		if (same_rule(&m->items[i], mi))
			rc = ecpr__error_set(err, ECPR_EPARSE, m->file, ln,
			    "key \"%s\": given twice (also line %lu)", whole,
			    m->items[i].line);
	return rc;
}

/* "code ATTRIBUTE CODE = VALUE" */
static int
map_code(ecpr_odm_map *m, unsigned long ln, const char *a, const char *b,
    const char *val, ecpr_error *err)
{
	struct ecpr__odm_map_code *mc;
	struct ecpr__odm_field f;
	void *nv;

	if (ecpr__odm_field_lookup(a, &f) != 0 || f.kind != ECPR__F_ATTR)
		return ecpr__error_set(err, ECPR_EPARSE, m->file, ln, "key "
		    "\"code %s %s\": \"%s\" is not an attribute", a, b, a);
	if ((nv = realloc(m->codes, (m->ncodes + 1) * sizeof(*m->codes))) ==
	    NULL)
		return ECPR_ENOMEM;
	m->codes = nv;
	mc = &m->codes[m->ncodes++];
	mc->f = f;
	mc->code = strdup(b);
	mc->value = strdup(val);
	return mc->code == NULL || mc->value == NULL ? ECPR_ENOMEM : ECPR_OK;
}

/* One line, trimmed, neither blank nor a comment. */
static int
map_line(ecpr_odm_map *m, unsigned long ln, char *line, ecpr_error *err)
{
	char whole[MAP_LINE_MAX], *eq, *key, *val, *p, *kw, *a, *b, *c = NULL;

	if ((eq = strchr(line, '=')) == NULL)
		return ecpr__error_set(err, ECPR_EPARSE, m->file, ln, "\"%s\": "
		    "no \"=\" (KEY = VALUE)", line);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	snprintf(whole, sizeof(whole), "%s", key);
	p = key;
	kw = word(&p);
	a = kw != NULL ? word(&p) : NULL;
	b = a != NULL ? word(&p) : NULL;
	if (kw == NULL)
		return ecpr__error_set(err, ECPR_EPARSE, m->file, ln, "no key "
		    "before \"= %s\"", val);
	if (strcmp(kw, "site") == 0 && a == NULL)
		return map_site(m, ln, val, err);
	if (strcmp(kw, "item") == 0 && a != NULL && (b == NULL ||
	    (strcmp(b, "+") == 0 && (c = word(&p)) != NULL && *p == '\0')))
		return map_item(m, ln, whole, a, c, val, err);
	if (strcmp(kw, "code") == 0 && a != NULL && b != NULL && *p == '\0')
		return map_code(m, ln, a, b, val, err);
	return ecpr__error_set(err, ECPR_EPARSE, m->file, ln, "unknown key "
	    "\"%s\" (site, item OID, code FIELD CODE)", whole);
}

int
ecpr_odm_map_load(ecpr_odm_map **out, const char *path, ecpr_error *err)
{
	char buf[MAP_LINE_MAX], *line;
	unsigned long ln = 0;
	ecpr_odm_map *m;
	FILE *fp;
	int rc = ECPR_OK;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL || (m->file = strdup(path)) ==
	    NULL) {
		ecpr_odm_map_free(m);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	if ((fp = fopen(path, "r")) == NULL) {
		rc = ecpr__error_set(err, ECPR_EIO, path, 0, "cannot open: %s",
		    strerror(errno));
		ecpr_odm_map_free(m);
		return rc;
	}
	while (rc == ECPR_OK && fgets(buf, sizeof(buf), fp) != NULL) {
		ln++;
		if (strchr(buf, '\n') == NULL && !feof(fp)) {
			rc = ecpr__error_set(err, ECPR_EPARSE, path, ln, "line "
			    "longer than %zu bytes", sizeof(buf) - 2);
			break;
		}
		line = trim(buf);
		if (*line != '\0' && *line != '#')
			rc = map_line(m, ln, line, err);
	}
	if (rc == ECPR_OK && ferror(fp))
		rc = ecpr__error_set(err, ECPR_EIO, path, 0, "cannot read: %s",
		    strerror(errno));
	if (rc == ECPR_ENOMEM)
		ecpr__error_set(err, ECPR_ENOMEM, NULL, 0, "out of memory");
	fclose(fp);
	if (rc != ECPR_OK) {
		ecpr_odm_map_free(m);
		return rc;
	}
	*out = m;
	return ECPR_OK;
}
