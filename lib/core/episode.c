/*
 * episode.c - one ECPR episode: its attributes and events, relative values
 * resolved, duplicates merged, segments paired and ordering rules checked
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TIME_TEXT_MAX 64
#define STR_CHUNK 1024 /* first string chunk of an episode */
#define EV_FIRST 32     /* first room for events */


struct entry {
	ecpr_event ev;      /* public view; its strings point below */
	char *text;
	char *note;
	const char *file;   /* interned in the episode's files */
	size_t seq;         /* insertion order */
	int relative;       /* value is EVENT+DURATION until resolved */
	ecpr_event_type anchor;
	int64_t delta;      /* seconds added to the anchor */
	int dead;           /* dropped (duplicate or failed), removed later */
};

/* An observation: its public view, its value in the type's unit, and a
 * relative time until resolved. */
struct obs_entry {
	ecpr_observation pub;
	ecpr_value canon;
	size_t seq;
	int relative;
	ecpr_event_type anchor;
	int64_t delta;
	int dead;
};

struct compl_entry {
	ecpr_complication pub;
	size_t seq;
	int relative;
	ecpr_event_type anchor;
	int64_t delta;
	int dead;
};

struct attr_val {
	char *value;
	const char *file;   /* interned in the episode's files */
	unsigned long line;
};

struct ecpr_episode {
	char *site;
	char *subject;
	long number;
	struct attr_val attrs[ECPR_AT_COUNT];
	struct entry *ev;
	size_t nev, capev;
	size_t seqno;
	size_t nrel;        /* relative values added (to resolve) */
	int finished;
	/* after compact_and_sort: index of the first (earliest) event of
	 * each type, or -1; valid while indexed is set */
	int indexed;
	long first[ECPR_EV_COUNT];
	size_t count[ECPR_EV_COUNT]; /* and how many of each type */
	/* event types added (a bit each), and those added more than once:
	 * only these can have duplicates */
	uint32_t seen, multi;
	_Static_assert(ECPR_EV_COUNT <= 32, "a bit per event type");
	/* segments: pairs of indexes into ev (stop SIZE_MAX when open), all
	 * kinds in one array (at most one segment per start event) */
	size_t *seg[ECPR_SEG_COUNT];
	size_t nseg[ECPR_SEG_COUNT];
	size_t *segbuf;
	size_t segcap;
	struct obs_entry *obs;
	size_t nobs, capobs;
	struct compl_entry *cx;
	size_t ncx, capcx;
	/* The source file names, one copy each (not one per event). */
	char **files;
	size_t nfiles;
	/* ecpr__episode_stable_names: the name last given and its copy */
	int stable;
	const char *last_in, *last_out;
	struct ecpr__arena_chunk *strs; /* texts, notes, values */
};

/*
 * An episode comes in one allocation with its first room for events and
 * their segments and, after the block, its first string chunk (STR_CHUNK
 * bytes): three mallocs and frees fewer an episode.  Events (or
 * segments) that outgrow their room move to an allocation of their own,
 * strings go on in new chunks; no room is freed on its own.
 */
struct ep_block {
	ecpr_episode ep;
	struct entry ev[EV_FIRST];
	size_t seg[2 * EV_FIRST]; /* and the segments of as many */
};

static struct entry *
own_events(ecpr_episode *ep)
{
	return ((struct ep_block *)(void *)ep)->ev;
}

static size_t *
own_segments(ecpr_episode *ep)
{
	return ((struct ep_block *)(void *)ep)->seg;
}

static struct ecpr__arena_chunk *
own_strings(ecpr_episode *ep)
{
	return (struct ecpr__arena_chunk *)(void *)((char *)ep +
	    sizeof(struct ep_block));
}

/*
 * n bytes in the episode's string chunks, or NULL when memory ran out:
 * no allocation per event.
 */
static inline char *
ep_alloc(ecpr_episode *ep, size_t n)
{
	struct ecpr__arena_chunk *c = ep->strs;
	char *p;

	if (c == NULL || c->cap - c->used < n)
		return ecpr__arena_alloc(&ep->strs, n, STR_CHUNK, SIZE_MAX);
	p = c->data + c->used; /* room in the last chunk: no call */
	c->used += n;
	return p;
}

/* A copy of the len bytes at s and a NUL, from ep_alloc. */
static char *
ep_strndup(ecpr_episode *ep, const char *s, size_t len)
{
	char *p = ep_alloc(ep, len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* A copy of s (NULL stays NULL) as ep_strndup makes it. */
static char *
ep_strdup(ecpr_episode *ep, const char *s)
{
	return s == NULL ? NULL : ep_strndup(ep, s, strlen(s));
}

/* intern_file past its first look. */
static const char *
intern_file_slow(ecpr_episode *ep, const char *file, int *fail)
{
	char **p, *f = NULL;
	size_t i;

	if (file == NULL)
		return NULL;
	for (i = ep->nfiles; i-- > 0 && f == NULL;)
		if (strcmp(ep->files[i], file) == 0)
			f = ep->files[i];
	if (f == NULL) {
		p = realloc(ep->files, (ep->nfiles + 1) * sizeof(*p));
		if (p == NULL) {
			*fail = 1;
			return NULL;
		}
		ep->files = p;
		if ((f = ep_strdup(ep, file)) == NULL) {
			*fail = 1;
			return NULL;
		}
		ep->files[ep->nfiles++] = f;
	}
	ep->last_in = file;
	ep->last_out = f;
	return f;
}

/*
 * The episode's copy of file name file (NULL stays NULL); *fail is set
 * when memory ran out.  Inline: the name given last, while the names
 * are stable, is known by its address without a call.
 */
static inline const char *
intern_file(ecpr_episode *ep, const char *file, int *fail)
{
	*fail = 0;
	if (ep->stable && file == ep->last_in && file != NULL)
		return ep->last_out; /* the same name as before: no compare */
	return intern_file_slow(ep, file, fail);
}

void
ecpr__episode_stable_names(ecpr_episode *ep, int on)
{
	ep->stable = on;
	ep->last_in = ep->last_out = NULL;
}

int
ecpr_episode_new(ecpr_episode **out, const char *site, const char *subject,
    long number, ecpr_error *err)
{
	ecpr_episode *ep;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_episode_new: out is NULL");
	*out = NULL;
	if (site == NULL || site[0] == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "episode: site is empty");
	if (subject == NULL || subject[0] == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "episode: subject is empty");
	if (number < 1)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "episode: number %ld is not a positive integer", number);
	_Static_assert(sizeof(struct ep_block) %
	    _Alignof(struct ecpr__arena_chunk) == 0, "the chunk is aligned");
	ep = malloc(sizeof(struct ep_block) +
	    sizeof(struct ecpr__arena_chunk) + STR_CHUNK);
	if (ep == NULL)
		goto nomem;
	memset(ep, 0, sizeof(*ep)); /* not the rooms: they are filled */
	ep->ev = own_events(ep);
	ep->capev = EV_FIRST;
	ep->segbuf = own_segments(ep);
	ep->segcap = 2 * EV_FIRST;
	ep->strs = own_strings(ep);
	ep->strs->next = NULL;
	ep->strs->used = 0;
	ep->strs->cap = STR_CHUNK;
	ep->site = ep_strdup(ep, site);
	ep->subject = ep_strdup(ep, subject);
	if (ep->site == NULL || ep->subject == NULL)
		goto nomem;
	ep->number = number;
	*out = ep;
	return ECPR_OK;
nomem:
	ecpr_episode_free(ep);
	return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0, "out of memory");
}

void
ecpr_episode_free(ecpr_episode *ep)
{
	if (ep == NULL)
		return;
	ecpr__arena_free_to(ep->strs, own_strings(ep));
	free(ep->files);
	if (ep->segbuf != own_segments(ep))
		free(ep->segbuf);
	if (ep->ev != own_events(ep))
		free(ep->ev);
	free(ep->obs);
	free(ep->cx);
	free(ep);
}

const char *
ecpr_episode_site(const ecpr_episode *ep)
{
	return ep != NULL ? ep->site : NULL;
}

const char *
ecpr_episode_subject(const ecpr_episode *ep)
{
	return ep != NULL ? ep->subject : NULL;
}

long
ecpr_episode_number(const ecpr_episode *ep)
{
	return ep != NULL ? ep->number : 0;
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */
/* ------------------------------------------------------------------ */

/* " (line N)" or " (FILE:N)" for a source other than the current one. */
static void
where(char *buf, size_t len, const char *file, unsigned long line,
    const char *cur)
{
	buf[0] = '\0';
	if (line == 0)
		return;
	if (file == NULL || cur == NULL || strcmp(file, cur) == 0)
		snprintf(buf, len, " (line %lu)", line);
	else
		snprintf(buf, len, " (%s:%lu)", file, line);
}

int
ecpr_episode_set_attr(ecpr_episode *ep, ecpr_attr_id id, const char *value,
    const char *file, unsigned long line, ecpr_error *err)
{
	struct attr_val *a;
	char buf[1024], at[ECPR_ERROR_FILE_MAX + 32];
	const char *f;
	char *v;
	int rc, fail;

	if (ep == NULL || (int)id < 0 || id >= ECPR_AT_COUNT || value == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, file, line,
		    "ecpr_episode_set_attr: invalid argument");
	rc = ecpr_attr_normalize(id, value, buf, sizeof(buf), err);
	if (rc != ECPR_OK) {
		ecpr__error_locate(err, file, line);
		return rc;
	}
	a = &ep->attrs[id];
	if (a->value != NULL) {
		if (strcmp(a->value, buf) == 0)
			return ECPR_OK;
		where(at, sizeof(at), a->file, a->line, file);
		return ecpr__error_set(err, ECPR_ERULE, file, line,
		    "attribute \"%s\": given twice: \"%s\"%s and \"%s\"",
		    ecpr_attr_name(id), a->value, at, buf);
	}
	f = intern_file(ep, file, &fail);
	v = fail ? NULL : ep_strdup(ep, buf);
	if (v == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, file, line,
		    "out of memory");
	a->value = v;
	a->file = f;
	a->line = line;
	return ECPR_OK;
}

const char *
ecpr_episode_attr(const ecpr_episode *ep, ecpr_attr_id id)
{
	if (ep == NULL || (int)id < 0 || id >= ECPR_AT_COUNT)
		return NULL;
	return ep->attrs[id].value;
}

/* ------------------------------------------------------------------ */
/* Events                                                               */
/* ------------------------------------------------------------------ */

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (c >= '0' && c <= '9');
}

static int
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/*
 * A relative value "EVENT+DURATION" or "EVENT-DURATION": fills anchor and
 * delta.  Returns ECPR_OK, or an error without the field prefix.
 */
static int
parse_relative(const char *value, ecpr_event_type *anchor, int64_t *delta,
    ecpr_error *err)
{
	char name[64];
	size_t n = 0;
	int type, rc;
	int64_t secs;

	while (is_name_char(value[n]))
		n++;
	if (value[n] != '+' && value[n] != '-')
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "\"%s\" is neither a date and time nor EVENT+DURATION",
		    value);
	if (n >= sizeof(name))
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "relative value \"%s\" names an unknown event", value);
	memcpy(name, value, n);
	name[n] = '\0';
	type = ecpr_event_lookup(name);
	if (type < 0)
		return ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "relative value \"%s\" names an unknown event \"%s\"",
		    value, name);
	rc = ecpr_duration_parse(&secs, value + n + 1, err);
	if (rc != ECPR_OK) {
		ecpr__error_prefix(err, "relative value \"%s\": ", value);
		return rc;
	}
	*anchor = (ecpr_event_type)type;
	*delta = value[n] == '-' ? -secs : secs;
	return ECPR_OK;
}

/*
 * A time value as written: absolute (parsed in tz) or EVENT+DURATION
 * (*relative set and *t zero, resolved when the episode is finished).
 * Inline: an event row's time is read without a call of its own.
 */
static inline int
parse_when(const char *value, size_t len, const ecpr_tz *tz, ecpr_time *t,
    int *relative, ecpr_event_type *anchor, int64_t *delta, ecpr_error *err)
{
	*relative = is_letter(value[0]);
	if (*relative) {
		memset(t, 0, sizeof(*t));
		return parse_relative(value, anchor, delta, err);
	}
	return ecpr__time_parse_n(t, value, len, tz, err); /* sets all of t */
}

/*
 * Room for more events: twice as many, out of the episode's own room (32,
 * for an episode has about 18) into an allocation of their own.  0, or
 * -1 when memory ran out.
 */
static int
grow_events(ecpr_episode *ep)
{
	struct entry *ev;

	if (ep->ev != own_events(ep))
		return ecpr__grow((void **)&ep->ev, &ep->capev, ep->nev,
		    sizeof(*ep->ev));
	if ((ev = malloc(2 * ep->capev * sizeof(*ev))) == NULL)
		return -1;
	memcpy(ev, ep->ev, ep->nev * sizeof(*ev));
	ep->ev = ev;
	ep->capev *= 2;
	return 0;
}

int
ecpr_episode_add_event(ecpr_episode *ep, ecpr_event_type type,
    const char *value, const char *note, const ecpr_tz *tz,
    const char *file, unsigned long line, ecpr_error *err)
{
	return ecpr__episode_add_event_n(ep, type, value,
	    value != NULL ? strlen(value) : 0, note, tz, file, line, err);
}

int
ecpr__episode_add_event_n(ecpr_episode *ep, ecpr_event_type type,
    const char *value, size_t vlen, const char *note, const ecpr_tz *tz,
    const char *file, unsigned long line, ecpr_error *err)
{
	struct entry *e;
	ecpr_time t;
	ecpr_event_type anchor = (ecpr_event_type)0;
	int64_t delta = 0;
	size_t nlen;
	int rc, fail, relative;
	uint32_t bit;
	char *text;

	if (ep == NULL || (int)type < 0 || type >= ECPR_EV_COUNT ||
	    value == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, file, line,
		    "ecpr_episode_add_event: invalid argument");
	rc = parse_when(value, vlen, tz, &t, &relative, &anchor, &delta,
	    err);
	if (rc != ECPR_OK) {
		ecpr__error_prefix(err, "field \"%s\": ",
		    ecpr_event_name(type));
		ecpr__error_locate(err, file, line);
		return rc;
	}
	if (ep->nev == ep->capev && grow_events(ep) < 0)
		goto nomem;
	/* filled in place, not built aside and copied */
	e = &ep->ev[ep->nev];
	e->file = intern_file(ep, file, &fail);
	if (fail)
		goto nomem;
	/* the value and the note in one piece */
	nlen = note != NULL ? strlen(note) + 1 : 0;
	if ((text = ep_alloc(ep, vlen + 1 + nlen)) == NULL)
		goto nomem;
	memcpy(text, value, vlen);
	text[vlen] = '\0';
	e->text = text;
	e->note = NULL;
	if (note != NULL)
		e->note = memcpy(text + vlen + 1, note, nlen);
	e->ev.type = type;
	e->ev.time = t;
	e->ev.line = line;
	e->ev.text = e->text;
	e->ev.note = e->note;
	e->ev.file = e->file;
	e->seq = ep->seqno++;
	e->relative = relative;
	e->anchor = anchor;
	e->delta = delta;
	e->dead = 0;
	ep->nev++;
	if (relative)
		ep->nrel++;
	bit = (uint32_t)1 << type;
	ep->multi |= ep->seen & bit;
	ep->seen |= bit;
	ep->finished = 0;
	ep->indexed = 0;
	return ECPR_OK;
nomem:
	return ecpr__error_set(err, ECPR_ENOMEM, file, line, "out of memory");
}

size_t
ecpr_episode_event_count(const ecpr_episode *ep)
{
	return ep != NULL ? ep->nev : 0;
}

const ecpr_event *
ecpr_episode_event(const ecpr_episode *ep, size_t i)
{
	if (ep == NULL || i >= ep->nev)
		return NULL;
	return &ep->ev[i].ev;
}

const ecpr_event *
ecpr_episode_first(const ecpr_episode *ep, ecpr_event_type type)
{
	const ecpr_event *best = NULL;
	size_t i;

	if (ep == NULL || (int)type < 0 || type >= ECPR_EV_COUNT)
		return NULL;
	if (ep->indexed)
		return ep->first[type] < 0 ? NULL : &ep->ev[ep->first[type]].ev;
	for (i = 0; i < ep->nev; i++) {
		const struct entry *e = &ep->ev[i];

		if (e->ev.type != type || e->relative || e->dead)
			continue;
		if (best == NULL || e->ev.time.t < best->time.t)
			best = &e->ev;
	}
	return best;
}

void
ecpr__episode_firsts(const ecpr_episode *ep,
    const ecpr_event *out[ECPR_EV_COUNT])
{
	int t;

	if (!ep->indexed) {
		for (t = 0; t < ECPR_EV_COUNT; t++)
			out[t] = ecpr_episode_first(ep, (ecpr_event_type)t);
		return;
	}
	for (t = 0; t < ECPR_EV_COUNT; t++)
		out[t] = ep->first[t] < 0 ? NULL : &ep->ev[ep->first[t]].ev;
}

size_t
ecpr_episode_segment_count(const ecpr_episode *ep, ecpr_segment_kind kind)
{
	if (ep == NULL || (int)kind < 0 || kind >= ECPR_SEG_COUNT ||
	    !ep->finished)
		return 0;
	return ep->nseg[kind];
}

ecpr_segment
ecpr_episode_segment(const ecpr_episode *ep, ecpr_segment_kind kind,
    size_t i)
{
	ecpr_segment s = { NULL, NULL };

	if (ep == NULL || (int)kind < 0 || kind >= ECPR_SEG_COUNT ||
	    !ep->finished || i >= ep->nseg[kind])
		return s;
	s.start = &ep->ev[ep->seg[kind][2 * i]].ev;
	if (ep->seg[kind][2 * i + 1] != (size_t)-1)
		s.stop = &ep->ev[ep->seg[kind][2 * i + 1]].ev;
	return s;
}

/* ------------------------------------------------------------------ */
/* Finishing: problem reports                                           */
/* ------------------------------------------------------------------ */

struct fin {
	ecpr_episode *ep;
	ecpr_error_cb cb;
	void *ctx;
	ecpr_error *err;
	int first;          /* first code reported */
	size_t segused;     /* of ep->segbuf, by the kinds paired so far */
};

/*
 * Report a problem at file:line.  Returns 1 when finishing must stop
 * (no callback), 0 to go on.
 */
static int report(struct fin *f, ecpr_status code, const char *file,
    unsigned long line, const char *fmt, ...) ECPR__PRINTF(5, 6);

static int
report(struct fin *f, ecpr_status code, const char *file, unsigned long line,
    const char *fmt, ...)
{
	ecpr_error e;
	char msg[ECPR_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ecpr__error_set(&e, code, file, line, "episode %s/%s/%ld: %s",
	    f->ep->site, f->ep->subject, f->ep->number, msg);
	if (f->first == ECPR_OK) {
		f->first = code;
		if (f->err != NULL)
			*f->err = e;
	}
	if (f->cb == NULL)
		return 1;
	f->cb(&e, f->ctx);
	return 0;
}

static void
fmt_time(char *buf, size_t len, const ecpr_time *t)
{
	ecpr_time_format(t, buf, len);
}

/* ------------------------------------------------------------------ */
/* Finishing: relative values                                           */
/* ------------------------------------------------------------------ */

enum { RS_NEW = 0, RS_VISITING, RS_DONE, RS_FAILED };

struct resolver {
	struct fin *f;
	int state[ECPR_EV_COUNT];
	ecpr_event_type stack[ECPR_EV_COUNT];
	int depth;
};

static int resolve_type(struct resolver *r, ecpr_event_type type);

/* Earliest resolved occurrence of type, or NULL. */
static const struct entry *
earliest(const ecpr_episode *ep, ecpr_event_type type)
{
	const struct entry *best = NULL;
	size_t i;

	if (ep->indexed)
		return ep->first[type] < 0 ? NULL : &ep->ev[ep->first[type]];
	for (i = 0; i < ep->nev; i++) {
		const struct entry *e = &ep->ev[i];

		if (e->ev.type != type || e->relative || e->dead)
			continue;
		if (best == NULL || e->ev.time.t < best->ev.time.t)
			best = e;
	}
	return best;
}

static int
cycle_error(struct resolver *r, struct entry *e)
{
	char path[ECPR_ERROR_MSG_MAX];
	size_t used;
	int i, at = 0;

	for (i = 0; i < r->depth; i++)
		if (r->stack[i] == e->anchor)
			at = i;
	used = (size_t)snprintf(path, sizeof(path), "%s",
	    ecpr_event_name(e->ev.type));
	for (i = at; i < r->depth && used < sizeof(path); i++)
		used += (size_t)snprintf(path + used, sizeof(path) - used,
		    " -> %s", ecpr_event_name(r->stack[i]));
	return report(r->f, ECPR_ERULE, e->file, e->ev.line,
	    "field \"%s\": relative value \"%s\" is part of a cycle (%s)",
	    ecpr_event_name(e->ev.type), e->text, path);
}

/* Returns 1 to stop. */
static int
resolve_type(struct resolver *r, ecpr_event_type type)
{
	ecpr_episode *ep = r->f->ep;
	size_t i;
	int failed = 0;

	if (r->state[type] != RS_NEW)
		return 0;
	r->state[type] = RS_VISITING;
	r->stack[r->depth++] = type;
	for (i = 0; i < ep->nev; i++) {
		struct entry *e = &ep->ev[i];
		const struct entry *a;

		if (e->ev.type != type || !e->relative || e->dead)
			continue;
		if (r->state[e->anchor] == RS_VISITING) {
			e->dead = 1;
			failed = 1;
			if (cycle_error(r, e))
				return 1;
			continue;
		}
		if (resolve_type(r, e->anchor))
			return 1;
		if (r->state[e->anchor] == RS_FAILED) {
			e->dead = 1;
			failed = 1;
			continue;
		}
		a = earliest(ep, e->anchor);
		if (a == NULL) {
			e->dead = 1;
			failed = 1;
			if (report(r->f, ECPR_ERULE, e->file, e->ev.line,
			    "field \"%s\": relative value \"%s\" refers to "
			    "%s, which has no value",
			    ecpr_event_name(type), e->text,
			    ecpr_event_name(e->anchor)))
				return 1;
			continue;
		}
		e->ev.time = ecpr_time_shift(&a->ev.time, e->delta);
		e->relative = 0;
	}
	r->depth--;
	r->state[type] = failed ? RS_FAILED : RS_DONE;
	return 0;
}

static int
resolve_all(struct fin *f)
{
	struct resolver r;
	int t;

	if (f->ep->nrel == 0)
		return 0; /* nothing relative: nothing to resolve */
	memset(&r, 0, sizeof(r));
	r.f = f;
	for (t = 0; t < ECPR_EV_COUNT; t++)
		if (resolve_type(&r, (ecpr_event_type)t))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Finishing: duplicates, sorting                                       */
/* ------------------------------------------------------------------ */

static int
same_time(const ecpr_time *a, const ecpr_time *b)
{
	return a->t == b->t && a->end == b->end && a->prec == b->prec;
}

/*
 * Duplicates are found by sorting, not by comparing every pair: the live
 * entries sorted by (type, value if repeatable, insertion index) make a
 * group of each non-repeatable type and of each repeatable type and
 * value.  The first entry of a group (its lowest index) is kept; the
 * others are dropped, a same value silently (its note kept when the first
 * has none), a different value of a non-repeatable event as an error.
 * Groups are handled in the order of their first entries and each group
 * in index order, so the messages come in the order of the pairwise scan
 * this replaces: n log n instead of n * n.  An event of a type added once
 * is a group of its own, which changes nothing: only the types added more
 * than once (ep->multi) are looked at, and most episodes have few.
 */
struct dup_key {
	int64_t t, end;
	int prec;
	int type;
	size_t idx;
};

static int
cmp_dup_key(const void *pa, const void *pb)
{
	const struct dup_key *a = pa, *b = pb;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	if (a->prec != b->prec)
		return a->prec < b->prec ? -1 : 1;
	return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

static int
same_group(const struct dup_key *a, const struct dup_key *b)
{
	return a->type == b->type && a->t == b->t && a->end == b->end &&
	    a->prec == b->prec;
}

/* Keep the first entry of keys[from, to), drop the rest.  1 to stop. */
static int
merge_group(struct fin *f, const struct dup_key *keys, size_t from, size_t to)
{
	ecpr_episode *ep = f->ep;
	struct entry *a = &ep->ev[keys[from].idx];
	size_t j;

	for (j = from + 1; j < to; j++) {
		struct entry *b = &ep->ev[keys[j].idx];
		char ta[TIME_TEXT_MAX], tb[TIME_TEXT_MAX];
		char at[ECPR_ERROR_FILE_MAX + 32];

		b->dead = 1;
		if (same_time(&a->ev.time, &b->ev.time)) {
			if (a->note == NULL && b->note != NULL) {
				a->note = b->note;
				a->ev.note = a->note;
				b->note = NULL;
			}
			continue;
		}
		fmt_time(ta, sizeof(ta), &a->ev.time);
		fmt_time(tb, sizeof(tb), &b->ev.time);
		where(at, sizeof(at), a->file, a->ev.line, b->file);
		if (report(f, ECPR_ERULE, b->file, b->ev.line,
		    "field \"%s\": given twice with different values: "
		    "%s%s and %s", ecpr_event_name(b->ev.type), ta, at, tb))
			return 1;
	}
	return 0;
}

/*
 * No two live events make a group: every type added more than once is
 * repeatable and its values come in strictly rising order (as most
 * files give them), so no two of them share a time.  One look at each.
 */
static int
all_distinct(const ecpr_episode *ep)
{
	int64_t last[ECPR_EV_COUNT];
	uint32_t seen = 0, bit;
	size_t i;

	for (i = 0; i < ep->nev; i++) {
		const struct entry *e = &ep->ev[i];

		bit = (uint32_t)1 << e->ev.type;
		if (e->dead || !(ep->multi & bit))
			continue;
		if (!ecpr__events[e->ev.type].repeatable ||
		    ((seen & bit) && e->ev.time.t <= last[e->ev.type]))
			return 0;
		seen |= bit;
		last[e->ev.type] = e->ev.time.t;
	}
	return 1;
}

/* Returns 1 to stop (or out of memory: *nomem set), 0 to go on. */
static int
merge_duplicates(struct fin *f, int *nomem)
{
	ecpr_episode *ep = f->ep;
	struct dup_key *keys, fkeys[ECPR__ISORT_MAX];
	size_t *head, fhead[ECPR__ISORT_MAX], i, n = 0, g;
	int stop = 0;

	if (ep->nev < 2 || ep->multi == 0 || all_distinct(ep))
		return 0;
	if (ep->nev <= ECPR__ISORT_MAX) {
		keys = fkeys; /* an episode's few: no allocation */
		head = fhead;
	} else {
		keys = malloc(ep->nev * sizeof(*keys));
		head = malloc(ep->nev * sizeof(*head));
		if (keys == NULL || head == NULL) {
			free(keys);
			free(head);
			*nomem = 1;
			return 1;
		}
	}
	for (i = 0; i < ep->nev; i++) {
		const struct entry *e = &ep->ev[i];

		if (e->dead || !(ep->multi & (uint32_t)1 << e->ev.type))
			continue;
		keys[n].type = (int)e->ev.type;
		keys[n].idx = i;
		if (ecpr__events[e->ev.type].repeatable) {
			keys[n].t = e->ev.time.t;
			keys[n].end = e->ev.time.end;
			keys[n].prec = (int)e->ev.time.prec;
		} else {
			keys[n].t = keys[n].end = 0;
			keys[n].prec = 0;
		}
		n++;
	}
	ecpr__sort(keys, n, sizeof(*keys), cmp_dup_key);
	/* head[idx]: where in keys the group of entry idx starts */
	for (g = 0; g < n; g = i)
		for (i = g; i < n && same_group(&keys[g], &keys[i]); i++)
			head[keys[i].idx] = g;
	for (i = 0; i < ep->nev && !stop; i++) {
		size_t to;

		if (ep->ev[i].dead ||
		    !(ep->multi & (uint32_t)1 << ep->ev[i].ev.type) ||
		    keys[head[i]].idx != i)
			continue; /* dropped, alone, or not first of its group */
		g = head[i];
		for (to = g + 1; to < n && same_group(&keys[g], &keys[to]);
		    to++)
			;
		stop = merge_group(f, keys, g, to);
	}
	if (keys != fkeys) {
		free(keys);
		free(head);
	}
	return stop;
}

static int
cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->ev.time.t != b->ev.time.t)
		return a->ev.time.t < b->ev.time.t ? -1 : 1;
	if (a->ev.type != b->ev.type)
		return a->ev.type < b->ev.type ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/* Drop dead entries and sort the rest by (t, type order, insertion). */
static void
compact_and_sort(ecpr_episode *ep)
{
	size_t i, n = 0;

	for (i = 0; i < ep->nev; i++) {
		if (ep->ev[i].dead)
			continue; /* its strings go with the episode */
		if (n != i)
			ep->ev[n] = ep->ev[i];
		n++;
	}
	ep->nev = n;
	ep->nrel = 0; /* resolved, or dead and dropped */
	ecpr__sort(ep->ev, n, sizeof(*ep->ev), cmp_entry);
	for (i = 0; i < ECPR_EV_COUNT; i++) {
		ep->first[i] = -1;
		ep->count[i] = 0;
	}
	/* Sorted by time: the first of a type is its earliest. */
	for (i = n; i-- > 0;) {
		ep->ev[i].ev.text = ep->ev[i].text;
		ep->ev[i].ev.note = ep->ev[i].note;
		ep->ev[i].ev.file = ep->ev[i].file;
		ep->first[ep->ev[i].ev.type] = (long)i;
		ep->count[ep->ev[i].ev.type]++;
	}
	ep->indexed = 1;
}

/* ------------------------------------------------------------------ */
/* Finishing: segments                                                  */
/* ------------------------------------------------------------------ */

/* The segment kinds are ecpr__segments (defs.c). */

/*
 * The instant used to pair a start or stop.  A stop less precise than a
 * minute (known only to the day) is taken at the last instant it may be,
 * so that it closes a segment started earlier on that day; everything
 * else at its nominal instant.
 */
struct pair_pt {
	int64_t key;
	size_t idx;
	int is_stop;
};

static int
cmp_pair_pt(const void *pa, const void *pb)
{
	const struct pair_pt *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/* Index in pts[from, to) of the next start (want_stop 0) or stop, or to. */
static size_t
next_pt(const struct pair_pt *pts, size_t from, size_t to, int want_stop)
{
	while (from < to && pts[from].is_stop != want_stop)
		from++;
	return from;
}

/*
 * Pair the n starts and stops of a kind, pts (sorted here), into seg.
 * Returns 1 to stop, 0 to go on.
 */
static int
pair_points(struct fin *f, ecpr_segment_kind kind, struct pair_pt *pts,
    size_t n, size_t *seg)
{
	ecpr_episode *ep = f->ep;
	ecpr_event_type tstart = ecpr__segments[kind].start;
	ecpr_event_type tstop = ecpr__segments[kind].stop;
	size_t i, open = (size_t)-1;
	int stop = 0;

	ep->seg[kind] = seg;
	ecpr__sort(pts, n, sizeof(*pts), cmp_pair_pt);
	i = 0;
	while (i < n && !stop) {
		size_t j, ks, kp;

		/* cursors on the next start and stop at this instant: close
		 * an open segment before opening a new one, but allow a
		 * zero-length segment */
		if (i + 1 == n || pts[i + 1].key != pts[i].key) {
			j = i + 1; /* alone at its instant, as most are */
			ks = pts[i].is_stop ? j : i;
			kp = pts[i].is_stop ? i : j;
		} else {
			for (j = i; j < n && pts[j].key == pts[i].key; j++)
				;
			ks = next_pt(pts, i, j, 0);
			kp = next_pt(pts, i, j, 1);
		}
		while ((ks < j || kp < j) && !stop) {
			char tv[TIME_TEXT_MAX], to[TIME_TEXT_MAX];
			char at[ECPR_ERROR_FILE_MAX + 32];
			const struct entry *e;

			if (open != (size_t)-1 && kp < j) {
				seg[2 * ep->nseg[kind]] = open;
				seg[2 * ep->nseg[kind] + 1] = pts[kp].idx;
				ep->nseg[kind]++;
				open = (size_t)-1;
				kp = next_pt(pts, kp + 1, j, 1);
			} else if (open == (size_t)-1 && ks < j) {
				open = pts[ks].idx;
				ks = next_pt(pts, ks + 1, j, 0);
			} else if (kp < j) {
				e = &ep->ev[pts[kp].idx];
				kp = next_pt(pts, kp + 1, j, 1);
				fmt_time(tv, sizeof(tv), &e->ev.time);
				stop = report(f, ECPR_ERULE, e->file, e->ev.line,
				    "field \"%s\": %s: no %s segment is open",
				    ecpr_event_name(tstop), tv,
				    ecpr__segments[kind].name);
			} else {
				const struct entry *o = &ep->ev[open];

				e = &ep->ev[pts[ks].idx];
				ks = next_pt(pts, ks + 1, j, 0);
				fmt_time(tv, sizeof(tv), &e->ev.time);
				fmt_time(to, sizeof(to), &o->ev.time);
				where(at, sizeof(at), o->file, o->ev.line,
				    e->file);
				stop = report(f, ECPR_ERULE, e->file, e->ev.line,
				    "field \"%s\": %s: the %s segment started "
				    "at %s%s is still open",
				    ecpr_event_name(tstart), tv,
				    ecpr__segments[kind].name, to, at);
			}
		}
		i = j;
	}
	if (stop)
		return 1;
	if (open != (size_t)-1) {
		seg[2 * ep->nseg[kind]] = open;
		seg[2 * ep->nseg[kind] + 1] = (size_t)-1;
		ep->nseg[kind]++;
	}
	return 0;
}


/*
 * The segments of every kind from one walk of the events (sorted and
 * counted by compact_and_sort), from the first that starts or stops a
 * segment, each event put with its kind's points by a table of the
 * types.  Returns 1 to stop (or out of memory: *nomem set), 0 to go on.
 */
static int
pair_all(struct fin *f, int *nomem)
{
	ecpr_episode *ep = f->ep;
	struct pair_pt *pts, few[ECPR__ISORT_MAX];
	size_t at[ECPR_SEG_COUNT + 1], fill[ECPR_SEG_COUNT], i, lo, k,
	    total = 0, put = 0;
	signed char kind_of[ECPR_EV_COUNT];
	int stop = 0;

	memset(kind_of, -1, sizeof(kind_of));
	lo = ep->nev;
	for (k = 0; k < ECPR_SEG_COUNT; k++) {
		ecpr_event_type a = ecpr__segments[k].start;
		ecpr_event_type b = ecpr__segments[k].stop;

		ep->seg[k] = NULL;
		ep->nseg[k] = 0;
		kind_of[a] = kind_of[b] = (signed char)k;
		at[k] = total;
		fill[k] = total;
		total += ep->count[a] + ep->count[b];
		if (ep->first[a] >= 0 && (size_t)ep->first[a] < lo)
			lo = (size_t)ep->first[a];
		if (ep->first[b] >= 0 && (size_t)ep->first[b] < lo)
			lo = (size_t)ep->first[b];
	}
	at[ECPR_SEG_COUNT] = total;
	if (total == 0)
		return 0;
	pts = total <= ECPR__ISORT_MAX ? few : malloc(total * sizeof(*pts));
	if (pts == NULL) {
		*nomem = 1;
		return 1;
	}
	for (i = lo; i < ep->nev && put < total; i++) {
		const struct entry *e = &ep->ev[i];
		int kk = kind_of[e->ev.type];
		struct pair_pt *p;

		if (kk < 0)
			continue;
		p = &pts[fill[kk]++];
		p->idx = i;
		p->is_stop = e->ev.type == ecpr__segments[kk].stop;
		p->key = p->is_stop && e->ev.time.prec < ECPR_PREC_MINUTE ?
		    e->ev.time.end - 1 : e->ev.time.t;
		put++;
	}
	/* at most one segment per start event: the kinds' starts together
	 * are at most the events, for which finish made room */
	for (k = 0; k < ECPR_SEG_COUNT && !stop; k++) {
		size_t *seg = ep->segbuf + f->segused;

		if (at[k + 1] == at[k])
			continue;
		f->segused += 2 * ep->count[ecpr__segments[k].start];
		stop = pair_points(f, (ecpr_segment_kind)k, pts + at[k],
		    at[k + 1] - at[k], seg);
	}
	if (pts != few)
		free(pts);
	return stop;
}

/* ------------------------------------------------------------------ */
/* Finishing: ordering rules                                            */
/* ------------------------------------------------------------------ */

/* later is definitely before earlier: its whole span ends by earlier.t */
static int
definitely_before(const ecpr_time *later, const ecpr_time *earlier)
{
	return later->end <= earlier->t;
}

static int
order_error(struct fin *f, const struct entry *later,
    const struct entry *earlier, const char *relation)
{
	char tl[TIME_TEXT_MAX], te[TIME_TEXT_MAX];
	char at[ECPR_ERROR_FILE_MAX + 32];

	fmt_time(tl, sizeof(tl), &later->ev.time);
	fmt_time(te, sizeof(te), &earlier->ev.time);
	where(at, sizeof(at), earlier->file, earlier->ev.line, later->file);
	return report(f, ECPR_ERULE, later->file, later->ev.line,
	    "field \"%s\": %s is %s %s %s%s",
	    ecpr_event_name(later->ev.type), tl, relation,
	    ecpr_event_name(earlier->ev.type), te, at);
}

/* Every occurrence of later must not be before the first of earlier. */
static int
check_after(struct fin *f, ecpr_event_type earlier, ecpr_event_type later)
{
	ecpr_episode *ep = f->ep;
	const struct entry *e = earliest(ep, earlier);
	size_t i;

	if (e == NULL || ep->first[later] < 0)
		return 0;
	/*
	 * Sorted by start (finish indexed them before checking): an event
	 * ending by e's start starts before it, so the ones from there on
	 * need no look, nor those before the first of later.
	 */
	for (i = (size_t)ep->first[later];
	    i < ep->nev && ep->ev[i].ev.time.t <= e->ev.time.t; i++) {
		const struct entry *l = &ep->ev[i];

		if (l->ev.type != later)
			continue;
		if (definitely_before(&l->ev.time, &e->ev.time) &&
		    order_error(f, l, e, "before"))
			return 1;
	}
	return 0;
}

static const ecpr_event_type after_onset[] = {
	ECPR_EV_CPR_START, ECPR_EV_ROSC, ECPR_EV_ROSC_TRANSIENT,
	ECPR_EV_REARREST, ECPR_EV_MCC_START, ECPR_EV_CANNULATION_START,
	ECPR_EV_ECMO_FLOW_START,
};

static int
check_order(struct fin *f)
{
	ecpr_episode *ep = f->ep;
	const struct entry *death, *hd;
	const char *cpc;
	size_t i, k;

	for (i = 0; i < sizeof(after_onset) / sizeof(after_onset[0]); i++)
		if (check_after(f, ECPR_EV_CA_ONSET, after_onset[i]))
			return 1;
	if (check_after(f, ECPR_EV_CANNULATION_START,
	    ECPR_EV_ECMO_FLOW_START) ||
	    check_after(f, ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP))
		return 1;
	for (k = 0; k < ECPR_SEG_COUNT; k++) {
		for (i = 0; i < ep->nseg[k]; i++) {
			const struct entry *s = &ep->ev[ep->seg[k][2 * i]];
			size_t p = ep->seg[k][2 * i + 1];

			if (p == (size_t)-1)
				continue;
			if (definitely_before(&ep->ev[p].ev.time,
			    &s->ev.time) &&
			    order_error(f, &ep->ev[p], s, "before"))
				return 1;
		}
	}
	if (check_after(f, ECPR_EV_ICU_ADMIT, ECPR_EV_ICU_DISCHARGE) ||
	    check_after(f, ECPR_EV_HOSPITAL_ADMIT,
	    ECPR_EV_HOSPITAL_DISCHARGE))
		return 1;
	death = earliest(ep, ECPR_EV_DEATH);
	if (death == NULL)
		return 0;
	/*
	 * An event after death starts when death's span has ended: after it
	 * in the sorted list (or beside it, were a span ever empty).
	 */
	for (i = (size_t)(death - ep->ev); i > 0 &&
	    ep->ev[i - 1].ev.time.t >= death->ev.time.end; i--)
		;
	for (; i < ep->nev; i++) {
		const struct entry *x = &ep->ev[i];

		if (x->ev.type == ECPR_EV_DEATH)
			continue;
		if (definitely_before(&death->ev.time, &x->ev.time) &&
		    order_error(f, x, death, "after"))
			return 1;
	}
	cpc = ep->attrs[ECPR_AT_CPC_DISCHARGE].value;
	hd = earliest(ep, ECPR_EV_HOSPITAL_DISCHARGE);
	if (cpc != NULL && strcmp(cpc, "5") != 0 &&
	    (hd == NULL || !definitely_before(&hd->ev.time, &death->ev.time))) {
		char td[TIME_TEXT_MAX];
		char at[ECPR_ERROR_FILE_MAX + 32];
		const struct attr_val *a = &ep->attrs[ECPR_AT_CPC_DISCHARGE];

		fmt_time(td, sizeof(td), &death->ev.time);
		where(at, sizeof(at), death->file, death->ev.line, a->file);
		if (report(f, ECPR_ERULE, a->file, a->line,
		    "attribute \"cpc_discharge\": \"%s\" but death %s%s is not "
		    "after hospital_discharge (died in hospital: CPC 5)", cpc,
		    td, at))
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Observations and complications                                       */
/* ------------------------------------------------------------------ */

int
ecpr_episode_add_observation(ecpr_episode *ep, ecpr_obs_type type,
    const char *time, const char *value, const char *unit,
    const ecpr_tz *tz, const char *file, unsigned long line,
    ecpr_error *err)
{
	struct obs_entry o;
	int rc, fail;

	if (ep == NULL || ecpr_obs_name(type) == NULL || time == NULL ||
	    value == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, file, line,
		    "ecpr_episode_add_observation: invalid argument");
	memset(&o, 0, sizeof(o));
	o.pub.type = type;
	if (time[0] == '\0') {
		rc = ecpr__error_set(err, ECPR_EPARSE, NULL, 0,
		    "empty value for observation \"%s\"",
		    ecpr_obs_name(type));
	} else {
		rc = parse_when(time, strlen(time), tz, &o.pub.time,
		    &o.relative, &o.anchor, &o.delta, err);
	}
	if (rc != ECPR_OK) {
		ecpr__error_prefix(err, "field \"time\": ");
		ecpr__error_locate(err, file, line);
		return rc;
	}
	rc = ecpr__obs_check(type, value, unit, &o.pub.value, &o.pub.unit,
	    &o.canon, err);
	if (rc != ECPR_OK) {
		ecpr__error_locate(err, file, line);
		return rc;
	}
	if (ecpr__grow((void **)&ep->obs, &ep->capobs, ep->nobs,
	    sizeof(*ep->obs)) < 0)
		goto nomem;
	o.pub.file = intern_file(ep, file, &fail);
	if (fail || (o.pub.time_text = ep_strdup(ep, time)) == NULL)
		goto nomem;
	o.pub.line = line;
	o.seq = ep->seqno++;
	ep->obs[ep->nobs++] = o;
	ep->finished = 0;
	return ECPR_OK;
nomem:
	return ecpr__error_set(err, ECPR_ENOMEM, file, line, "out of memory");
}

size_t
ecpr_episode_observation_count(const ecpr_episode *ep)
{
	return ep != NULL ? ep->nobs : 0;
}

const ecpr_observation *
ecpr_episode_observation(const ecpr_episode *ep, size_t i)
{
	if (ep == NULL || i >= ep->nobs)
		return NULL;
	return &ep->obs[i].pub;
}

int
ecpr_episode_add_complication(ecpr_episode *ep, int code,
    ecpr_attribution by, const char *time, const char *note,
    const ecpr_tz *tz, const char *file, unsigned long line,
    ecpr_error *err)
{
	struct compl_entry c;
	int rc, fail;

	if (ep == NULL || ecpr_complication_name(code) == NULL ||
	    ecpr_attribution_name(by) == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, file, line,
		    "ecpr_episode_add_complication: invalid argument");
	memset(&c, 0, sizeof(c));
	c.pub.code = code;
	c.pub.by = by;
	if (time == NULL)
		time = "";
	if (time[0] != '\0') {
		rc = parse_when(time, strlen(time), tz, &c.pub.time,
		    &c.relative, &c.anchor, &c.delta, err);
		if (rc != ECPR_OK) {
			ecpr__error_prefix(err, "field \"time\": ");
			ecpr__error_locate(err, file, line);
			return rc;
		}
	}
	if (ecpr__grow((void **)&ep->cx, &ep->capcx, ep->ncx,
	    sizeof(*ep->cx)) < 0)
		goto nomem;
	c.pub.file = intern_file(ep, file, &fail);
	if (fail || (c.pub.time_text = ep_strdup(ep, time)) == NULL)
		goto nomem;
	if (note != NULL && note[0] != '\0' &&
	    (c.pub.note = ep_strdup(ep, note)) == NULL)
		goto nomem;
	c.pub.line = line;
	c.seq = ep->seqno++;
	ep->cx[ep->ncx++] = c;
	ep->finished = 0;
	return ECPR_OK;
nomem:
	return ecpr__error_set(err, ECPR_ENOMEM, file, line, "out of memory");
}

size_t
ecpr_episode_complication_count(const ecpr_episode *ep)
{
	return ep != NULL ? ep->ncx : 0;
}

const ecpr_complication *
ecpr_episode_complication(const ecpr_episode *ep, size_t i)
{
	if (ep == NULL || i >= ep->ncx)
		return NULL;
	return &ep->cx[i].pub;
}

/*
 * Resolve a relative time of an observation or complication against the
 * (sorted, indexed) events.  Returns 1 to stop.
 */
static int
resolve_item(struct fin *f, ecpr_time *t, int *relative,
    ecpr_event_type anchor, int64_t delta, int *dead, const char *what,
    const char *text, const char *file, unsigned long line)
{
	const struct entry *a;

	if (!*relative)
		return 0;
	if ((a = earliest(f->ep, anchor)) == NULL) {
		*dead = 1;
		return report(f, ECPR_ERULE, file, line, "%s: field \"time\": "
		    "relative value \"%s\" refers to %s, which has no value",
		    what, text, ecpr_event_name(anchor));
	}
	*t = ecpr_time_shift(&a->ev.time, delta);
	*relative = 0;
	return 0;
}

static int
cmp_obs_key(const void *pa, const void *pb)
{
	const struct obs_entry *a = pa, *b = pb;

	if (a->pub.type != b->pub.type)
		return a->pub.type < b->pub.type ? -1 : 1;
	if (a->pub.time.t != b->pub.time.t)
		return a->pub.time.t < b->pub.time.t ? -1 : 1;
	if (a->pub.time.end != b->pub.time.end)
		return a->pub.time.end < b->pub.time.end ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

static int
cmp_obs_time(const void *pa, const void *pb)
{
	const struct obs_entry *a = pa, *b = pb;

	if (a->pub.time.t != b->pub.time.t)
		return a->pub.time.t < b->pub.time.t ? -1 : 1;
	if (a->pub.type != b->pub.type)
		return a->pub.type < b->pub.type ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

/* "13.1 mmol/L" */
static void
fmt_obs(char *buf, size_t len, const struct obs_entry *o)
{
	char v[64];

	ecpr_value_format(&o->pub.value, 0, v, sizeof(v));
	snprintf(buf, len, "%s %s", v, o->pub.unit);
}

/*
 * Resolve, merge and order the observations: the same observation at
 * the same time is one value (given again: merged; another value: an
 * error naming both lines).  Returns 1 to stop.
 */
static int
finish_observations(struct fin *f)
{
	ecpr_episode *ep = f->ep;
	size_t i, n = 0;

	for (i = 0; i < ep->nobs; i++) {
		struct obs_entry *o = &ep->obs[i];

		if (resolve_item(f, &o->pub.time, &o->relative, o->anchor,
		    o->delta, &o->dead, "observation", o->pub.time_text,
		    o->pub.file, o->pub.line))
			return 1;
	}
	ecpr__sort(ep->obs, ep->nobs, sizeof(*ep->obs), cmp_obs_key);
	for (i = 0; i < ep->nobs; i++) {
		struct obs_entry *a = &ep->obs[i], *b;

		if (a->dead)
			continue;
		if (n > 0 && (b = &ep->obs[n - 1])->pub.type == a->pub.type &&
		    same_time(&b->pub.time, &a->pub.time)) {
			char va[96], vb[96], at[ECPR_ERROR_FILE_MAX + 32];

			if (a->canon.cmp == b->canon.cmp &&
			    ecpr_value_number_cmp(&a->canon, &b->canon) == 0)
				continue; /* the same value again */
			fmt_obs(va, sizeof(va), b);
			fmt_obs(vb, sizeof(vb), a);
			where(at, sizeof(at), b->pub.file, b->pub.line,
			    a->pub.file);
			if (report(f, ECPR_ERULE, a->pub.file, a->pub.line,
			    "observation \"%s\" at %s given twice with "
			    "different values: %s%s and %s",
			    ecpr_obs_name(a->pub.type), a->pub.time_text, va,
			    at, vb))
				return 1;
			continue;
		}
		ep->obs[n++] = *a;
	}
	ep->nobs = n;
	ecpr__sort(ep->obs, n, sizeof(*ep->obs), cmp_obs_time);
	return 0;
}

static int
cmp_compl(const void *pa, const void *pb)
{
	const struct compl_entry *a = pa, *b = pb;

	if (a->pub.code != b->pub.code)
		return a->pub.code < b->pub.code ? -1 : 1;
	if (a->pub.by != b->pub.by)
		return a->pub.by < b->pub.by ? -1 : 1;
	if (a->pub.time.t != b->pub.time.t)
		return a->pub.time.t < b->pub.time.t ? -1 : 1;
	if (a->pub.time.end != b->pub.time.end)
		return a->pub.time.end < b->pub.time.end ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

/*
 * Resolve, merge and order the complications (code-list order): the same
 * code, attribution and time again is merged; "none" with a complication
 * of the same attribution is an error.  Returns 1 to stop.
 */
static int
finish_complications(struct fin *f)
{
	ecpr_episode *ep = f->ep;
	size_t i, n = 0, none[ECPR_BY_COUNT];

	for (i = 0; i < ep->ncx; i++) {
		struct compl_entry *c = &ep->cx[i];

		if (resolve_item(f, &c->pub.time, &c->relative, c->anchor,
		    c->delta, &c->dead, "complication", c->pub.time_text,
		    c->pub.file, c->pub.line))
			return 1;
	}
	ecpr__sort(ep->cx, ep->ncx, sizeof(*ep->cx), cmp_compl);
	for (i = 0; i < ECPR_BY_COUNT; i++)
		none[i] = SIZE_MAX;
	for (i = 0; i < ep->ncx; i++) {
		struct compl_entry *c = &ep->cx[i], *b;

		if (c->dead)
			continue;
		if (n > 0 && (b = &ep->cx[n - 1])->pub.code == c->pub.code &&
		    b->pub.by == c->pub.by &&
		    same_time(&b->pub.time, &c->pub.time))
			continue;
		if (c->pub.code == ECPR_COMPLICATION_NONE)
			none[c->pub.by] = n;
		else if (none[c->pub.by] != SIZE_MAX) {
			const struct compl_entry *z = &ep->cx[none[c->pub.by]];
			char at[ECPR_ERROR_FILE_MAX + 32];

			where(at, sizeof(at), z->pub.file, z->pub.line,
			    c->pub.file);
			if (report(f, ECPR_ERULE, c->pub.file, c->pub.line,
			    "complication \"%s\" (%s) but also \"none\" for "
			    "%s%s", ecpr_complication_name(c->pub.code),
			    ecpr_attribution_name(c->pub.by),
			    ecpr_attribution_name(c->pub.by), at))
				return 1;
		}
		ep->cx[n++] = *c;
	}
	ep->ncx = n;
	return 0;
}

/*
 * The worst values of the observations in the window [first from, first
 * to] in one pass over them: has[t] 1 and out[t] set for each type with a
 * value inside.  only >= 0 limits it to that type.  Returns 0 (also when
 * the episode has no `from`) or ECPR_EINVAL.
 */
static int
worst_scan(const ecpr_episode *ep, int only, ecpr_event_type from,
    ecpr_event_type to, ecpr_value out[ECPR_OBS_COUNT],
    int has[ECPR_OBS_COUNT], ecpr_error *err)
{
	struct ecpr__worst w[ECPR_OBS_COUNT];
	const struct entry *a, *b;
	size_t i;
	int t;

	if (ep == NULL || out == NULL || has == NULL ||
	    ecpr_event_name(from) == NULL || ecpr_event_name(to) == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_episode_worst: invalid argument");
	memset(has, 0, ECPR_OBS_COUNT * sizeof(*has));
	if (only < 0 && ep->nobs == 0)
		return 0; /* nothing to take the worst of, finished or not */
	if (!ep->finished || !ep->indexed)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_episode_worst: the episode is not finished");
	if ((a = earliest(ep, from)) == NULL)
		return 0;
	b = earliest(ep, to);
	memset(w, 0, sizeof(w));
	for (t = 0; t < ECPR_OBS_COUNT; t++)
		w[t].dir = ecpr_obs_worst((ecpr_obs_type)t);
	for (i = 0; i < ep->nobs; i++) {
		const struct obs_entry *o = &ep->obs[i];

		if ((only >= 0 && (int)o->pub.type != only) ||
		    o->pub.time.t < a->ev.time.t ||
		    (b != NULL && o->pub.time.end > b->ev.time.end))
			continue;
		ecpr__worst_add(&w[o->pub.type], &o->canon);
	}
	for (t = 0; t < ECPR_OBS_COUNT; t++)
		if ((has[t] = w[t].n > 0))
			out[t] = ecpr__worst_value(&w[t]);
	return 0;
}

int
ecpr__episode_worst_all(const ecpr_episode *ep, ecpr_event_type from,
    ecpr_event_type to, ecpr_value out[ECPR_OBS_COUNT],
    int has[ECPR_OBS_COUNT], ecpr_error *err)
{
	return worst_scan(ep, -1, from, to, out, has, err);
}

int
ecpr_episode_worst(const ecpr_episode *ep, ecpr_obs_type type,
    ecpr_event_type from, ecpr_event_type to, ecpr_value *out,
    ecpr_error *err)
{
	ecpr_value v[ECPR_OBS_COUNT];
	int has[ECPR_OBS_COUNT], rc;

	if (out == NULL || ecpr_obs_name(type) == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_episode_worst: invalid argument");
	if ((rc = worst_scan(ep, (int)type, from, to, v, has, err)) < 0)
		return rc;
	if (!has[type])
		return 0;
	*out = v[type];
	return 1;
}

ecpr_population
ecpr_episode_population(const ecpr_episode *ep)
{
	const char *age = ecpr_episode_attr(ep, ECPR_AT_AGE_YEARS);

	if (age != NULL && strtod(age, NULL) < ECPR__ADULT_AGE)
		return ECPR_POP_PAEDIATRIC;
	return ECPR_POP_ADULT;
}

int
ecpr_episode_finish(ecpr_episode *ep, ecpr_error_cb cb, void *ctx,
    ecpr_error *err)
{
	struct fin f;
	int nomem = 0;

	if (ep == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_episode_finish: episode is NULL");
	f.ep = ep;
	f.cb = cb;
	f.ctx = ctx;
	f.err = err;
	f.first = ECPR_OK;
	f.segused = 0;
	ep->finished = 0;
	if (resolve_all(&f) || merge_duplicates(&f, &nomem))
		goto out;
	compact_and_sort(ep);
	if (ep->segcap < 2 * ep->nev) {
		/* rebuilt at each finish: nothing to keep */
		size_t *b = ep->segbuf == own_segments(ep) ?
		    malloc(2 * ep->nev * sizeof(*b)) :
		    realloc(ep->segbuf, 2 * ep->nev * sizeof(*b));

		if (b == NULL) {
			nomem = 1;
			goto out;
		}
		ep->segbuf = b;
		ep->segcap = 2 * ep->nev;
	}
	ep->finished = 1;
	if (pair_all(&f, &nomem))
		goto out;
	if (check_order(&f) == 0 && finish_observations(&f) == 0)
		finish_complications(&f);
out:
	if (nomem)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (f.first != ECPR_OK)
		return f.first;
	ecpr_error_clear(err);
	return ECPR_OK;
}

int
ecpr__episode_origin(const ecpr_episode *ep, const char **file,
    unsigned long *line)
{
	unsigned long best = 0;
	size_t i;
	int a;

	*file = NULL;
	*line = 0;
	if (ep == NULL || ep->nfiles == 0)
		return -1;
	/* file names are interned: the first file is ep->files[0] */
	for (a = 0; a < ECPR_AT_COUNT; a++)
		if (ep->attrs[a].file == ep->files[0] && ep->attrs[a].line > 0 &&
		    (best == 0 || ep->attrs[a].line < best))
			best = ep->attrs[a].line;
	for (i = 0; i < ep->nev; i++)
		if (ep->ev[i].file == ep->files[0] && ep->ev[i].ev.line > 0 &&
		    (best == 0 || ep->ev[i].ev.line < best))
			best = ep->ev[i].ev.line;
	for (i = 0; i < ep->nobs; i++)
		if (ep->obs[i].pub.file == ep->files[0] &&
		    ep->obs[i].pub.line > 0 &&
		    (best == 0 || ep->obs[i].pub.line < best))
			best = ep->obs[i].pub.line;
	for (i = 0; i < ep->ncx; i++)
		if (ep->cx[i].pub.file == ep->files[0] &&
		    ep->cx[i].pub.line > 0 &&
		    (best == 0 || ep->cx[i].pub.line < best))
			best = ep->cx[i].pub.line;
	if (best == 0)
		return -1;
	*file = ep->files[0];
	*line = best;
	return 0;
}
