/*
 * odm_audit.c - the audit trail of an identified export: the registry's
 * audit log rows, the AdminData Users and Locations they name, the
 * AuditRecord of each exported value, and the AuditRecords of every
 * change of the exported episodes.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "odm_internal.h"
#include "sort.h"

/* Longest row key looked up (site/subject/episode/event#occurrence). */
#define KEY_MAX 1024
/* Longest quoted value in a ReasonForChange. */
#define QUOTED_MAX 400

/* One audit log row, copied. */
struct arow {
	int64_t id, batch;
	char *key;       /* row_key */
	char *column;
	char *old, *new; /* NULL when none */
	char *at;
	char *user;
	char *location;
	int used;        /* its episode was exported */
};

struct ecpr_odm_audit_log {
	struct arow *v;  /* after ecpr_odm_audit_log_finish: by key, id */
	size_t n, cap;
	char **users, **locations; /* distinct, sorted */
	size_t nusers, nlocations;
	/* the record given to the writer, and its text */
	ecpr_odm_audit rec;
	char id[32], reason[1024], source[64];
};

int
ecpr_odm_audit_log_new(ecpr_odm_audit_log **out, ecpr_error *err)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	return ECPR_OK;
}

void
ecpr_odm_audit_log_free(ecpr_odm_audit_log *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->v[i].key);
		free(a->v[i].column);
		free(a->v[i].old);
		free(a->v[i].new);
		free(a->v[i].at);
		free(a->v[i].user);
		free(a->v[i].location);
	}
	free(a->v);
	free(a->users);
	free(a->locations);
	free(a);
}

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int
ecpr_odm_audit_log_add(ecpr_odm_audit_log *a, const ecpr_odm_audit_row *r,
    ecpr_error *err)
{
	struct arow *v, *x;

	if (a->n == a->cap) {
		a->cap = a->cap == 0 ? 64 : 2 * a->cap;
		if ((v = realloc(a->v, a->cap * sizeof(*v))) == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		a->v = v;
	}
	x = &a->v[a->n++];
	memset(x, 0, sizeof(*x));
	x->id = r->id;
	x->batch = r->batch;
	x->key = strdup(r->key);
	x->column = strdup(r->column);
	x->old = xstrdup(r->old_value);
	x->new = xstrdup(r->new_value);
	x->at = strdup(r->at);
	x->user = strdup(r->user);
	x->location = strdup(r->location);
	if (x->key == NULL || x->column == NULL || x->at == NULL ||
	    x->user == NULL || x->location == NULL ||
	    (r->old_value != NULL && x->old == NULL) ||
	    (r->new_value != NULL && x->new == NULL))
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	return ECPR_OK;
}

static int
arow_cmp(const void *a, const void *b)
{
	const struct arow *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
arow_id_cmp(const void *a, const void *b)
{
	const struct arow *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct users (users != 0) or locations of the rows, sorted. */
static int
audit_names(ecpr_odm_audit_log *a, int users, char ***out, size_t *nout)
{
	char **v;
	size_t i, n = 0;

	*out = NULL;
	*nout = 0;
	if (a->n == 0)
		return 0;
	if ((v = malloc(a->n * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < a->n; i++)
		v[i] = users ? a->v[i].user : a->v[i].location;
	ecpr__sort(v, a->n, sizeof(*v), str_cmp);
	for (i = 0; i < a->n; i++)
		if (n == 0 || strcmp(v[n - 1], v[i]) != 0)
			v[n++] = v[i];
	*out = v;
	*nout = n;
	return 0;
}

int
ecpr_odm_audit_log_finish(ecpr_odm_audit_log *a, ecpr_error *err)
{
	free(a->users);
	free(a->locations);
	if (audit_names(a, 1, &a->users, &a->nusers) != 0 ||
	    audit_names(a, 0, &a->locations, &a->nlocations) != 0)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	ecpr__sort(a->v, a->n, sizeof(*a->v), arow_cmp);
	return ECPR_OK;
}

/* The index of the first row whose key is not below key. */
static size_t
audit_lower(const ecpr_odm_audit_log *a, const char *key)
{
	size_t lo = 0, hi = a->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(a->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first row whose key is key (NULL: none), *end past the last. */
static struct arow *
audit_find(ecpr_odm_audit_log *a, const char *key, size_t *end)
{
	size_t lo = audit_lower(a, key), hi;

	for (hi = lo; hi < a->n && strcmp(a->v[hi].key, key) == 0; hi++)
		;
	*end = hi;
	return lo < hi ? &a->v[lo] : NULL;
}

/* Quote a value for ReasonForChange: "v", or none. */
static const char *
qv(char *buf, size_t len, const char *v)
{
	if (v == NULL)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "\"%s\"", v);
	return buf;
}

/* The AuditRecord of row r, in a's buffers (id NULL). */
static const ecpr_odm_audit *
audit_rec(ecpr_odm_audit_log *a, const struct arow *r)
{
	char o[QUOTED_MAX], n[QUOTED_MAX];

	if (strcmp(r->column, "*") == 0)
		snprintf(a->reason, sizeof(a->reason), "import batch %" PRId64
		    ": %s %s", r->batch, r->new != NULL ? "added" : "removed",
		    qv(n, sizeof(n), r->new != NULL ? r->new : r->old));
	else
		snprintf(a->reason, sizeof(a->reason), "import batch %" PRId64
		    ": %s changed from %s to %s", r->batch, r->column,
		    qv(o, sizeof(o), r->old), qv(n, sizeof(n), r->new));
	snprintf(a->source, sizeof(a->source), "audit_log %" PRId64, r->id);
	a->rec.id = NULL;
	a->rec.user = r->user;
	a->rec.location = r->location;
	a->rec.when = r->at;
	a->rec.reason = a->reason;
	a->rec.source = a->source;
	return &a->rec;
}

/* The row key of an episode, or of one of its events. */
static size_t
row_key(char *key, size_t len, const ecpr_episode *ep, const ecpr_event *ev)
{
	size_t i, n, occ = 0;
	int k;

	if (ev == NULL) {
		k = snprintf(key, len, "%s/%s/%ld", ecpr_episode_site(ep),
		    ecpr_episode_subject(ep), ecpr_episode_number(ep));
		return k < 0 ? 0 : (size_t)k;
	}
	n = ecpr_episode_event_count(ep);
	for (i = 0; i < n; i++) {
		const ecpr_event *e = ecpr_episode_event(ep, i);

		if (e->type == ev->type)
			occ++;
		if (e == ev)
			break;
	}
	k = snprintf(key, len, "%s/%s/%ld/%s#%zu", ecpr_episode_site(ep),
	    ecpr_episode_subject(ep), ecpr_episode_number(ep),
	    ecpr_event_name(ev->type), occ);
	return k < 0 ? 0 : (size_t)k;
}

/*
 * The AuditRecord of a value: the latest change of its audit log row
 * (for an event the change of its source text when that batch changed
 * it, else the latest column changed).
 */
static const ecpr_odm_audit *
audit_cb(const ecpr_episode *ep, int attr, const ecpr_event *ev, void *ctx)
{
	ecpr_odm_audit_log *a = ctx;
	struct arow *r, *best = NULL;
	char key[KEY_MAX];
	size_t end;

	row_key(key, sizeof(key), ep, ev);
	if ((r = audit_find(a, key, &end)) == NULL)
		return NULL;
	for (; r < a->v + end; r++) {
		if (ev == NULL && strcmp(r->column,
		    ecpr_attr_name((ecpr_attr_id)attr)) != 0)
			continue;
		if (best == NULL || r->batch > best->batch ||
		    (r->batch == best->batch && (strcmp(r->column, "source") ==
		    0 || strcmp(r->column, "*") == 0)))
			best = r;
	}
	return best != NULL ? audit_rec(a, best) : NULL;
}

void
ecpr_odm_audit_log_export_opts(ecpr_odm_audit_log *a,
    ecpr_odm_export_opts *eo)
{
	eo->users = (const char *const *)a->users;
	eo->nusers = a->nusers;
	eo->locations = (const char *const *)a->locations;
	eo->nlocations = a->nlocations;
	eo->audit = audit_cb;
	eo->audit_ctx = a;
}

void
ecpr_odm_audit_log_mark(ecpr_odm_audit_log *a, const ecpr_episode *ep)
{
	char key[KEY_MAX];
	size_t lo, kl;

	kl = row_key(key, sizeof(key), ep, NULL);
	for (lo = audit_lower(a, key); lo < a->n &&
	    strncmp(a->v[lo].key, key, kl) == 0; lo++)
		if (a->v[lo].key[kl] == '\0' || a->v[lo].key[kl] == '/')
			a->v[lo].used = 1;
}

int
ecpr_odm_audit_log_write(ecpr_odm_audit_log *a, ecpr_odm_writer *w,
    ecpr_error *err)
{
	ecpr_odm_audit rec;
	char id[32];
	size_t i;
	int rc;

	ecpr__sort(a->v, a->n, sizeof(*a->v), arow_id_cmp);
	for (i = 0; i < a->n; i++) {
		if (!a->v[i].used)
			continue;
		rec = *audit_rec(a, &a->v[i]);
		/* ReasonForChange names the value the row is about */
		snprintf(id, sizeof(id), "AR.%" PRId64, a->v[i].id);
		rec.id = id;
		snprintf(a->reason + strlen(a->reason), sizeof(a->reason) -
		    strlen(a->reason), " (%s)", a->v[i].key);
		if ((rc = ecpr_odm_writer_audit_record(w, &rec, err)) !=
		    ECPR_OK)
			return rc;
	}
	/* back in key order, for lookups after this */
	ecpr__sort(a->v, a->n, sizeof(*a->v), arow_cmp);
	return ECPR_OK;
}
