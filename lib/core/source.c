/*
 * source.c - case-record files (wide and long CSV) read as one source
 *
 * Two passes over the files.  Pass 1 reads only the key columns (site,
 * subject, episode) and makes a plan: per file, its fragments in order
 * (a fragment is a run of consecutive rows of one episode) with their
 * number of rows, and per episode the chain of its fragments across all
 * files.  It also finds the errors of framing and structure (CSV syntax,
 * a bad header, a wrong number of fields, a bad key, an episode twice in
 * a wide file).  The plan is made without an index of all episodes in
 * memory: each fragment is a record (its key, number, rows, lines) for
 * an external sort (ecpr__xsort: in memory up to a budget, beyond that
 * in sorted runs in a temporary file), by key, so that the fragments of
 * an episode come together in file order; from them come the
 * duplicates of wide files and the info of each fragment (its episode,
 * the episode's next fragment, how many it has, its rows), kept by
 * fragment number in memory or, when there are too many, in a temporary
 * file read a block at a time per file.  Errors of pass 1 are kept (an
 * external sort too) and given by file and line once the duplicates are
 * known, in the order in which reading the files meets them.
 *
 * Pass 2 reads the files in lockstep.  It takes the episode of the next
 * fragment of the first file not yet read through (the focus) and reads,
 * row by row, the file that holds the first fragment of the focus still
 * unread, until every fragment of the focus is read; rows of other
 * episodes met on the way are applied to their own (pending) episodes.
 * An episode is finished and handed out as soon as its last row is read.
 * Files that list episodes in the same order (a wide file of attributes
 * and a long file of events, say) thus complete each episode almost at
 * once, and memory holds only the episodes still waiting for rows: it
 * grows only with the disorder between the files, not with their size.
 *
 * Regular files are opened by name when needed: at most a few dozen at a
 * time (the least recently used one is closed and later reopened where
 * it stopped).  Standard input and other files that cannot be read twice
 * (pipes, devices) are spooled to a temporary file, which stays open.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <unistd.h>

#include "internal.h"

#define SPOOL_BLOCK 65536
#define EPISODE_MAX 2147483647L
#define OPEN_MAX_FILES 64 /* files open at once (fewer if RLIMIT_NOFILE is low) */
#define NO_FRAG UINT32_MAX
#define SOURCE_MEMORY (8u << 20) /* the sorts of pass 1 (see ecpr__xsort) */

/* What a column holds (the key first: keep_key, same_key). */
enum {
	COL_SITE,
	COL_SUBJECT,
	COL_EPISODE,
	COL_EVENT,
	COL_TIME,
	COL_NOTE,
	COL_OBSERVATION,
	COL_VALUE,
	COL_UNIT,
	COL_COMPLICATION,
	COL_ATTRIBUTION,
	COL_FIXED_COUNT,
	COL_ATTR = 100, /* + ecpr_attr_id */
	COL_EV = 200    /* + ecpr_event_type */
};

enum src_form { FORM_NONE = 0, FORM_WIDE, FORM_LONG, FORM_OBS, FORM_COMPL };

#define KEY_POISON 1u /* an error: the episode is skipped */

/*
 * An episode of pass 2 still waiting for rows (only those are kept): the
 * episode being built, how many of its fragments are not yet read
 * through and the first of them (where the focus reads next).  Its
 * fragments may be read out of order (a file read ahead for another
 * episode): the ones read after an unread earlier one are kept in done
 * (pairs: fragment, next fragment of the episode).
 */
struct src_key {
	union {
		ecpr_episode *ep; /* the episode being built */
	} u;
	unsigned flags;
	uint32_t id;        /* its first fragment */
	uint32_t left;      /* fragments not yet read through */
	uint32_t first;     /* the first of them */
	uint32_t *done;
	uint32_t ndone, capdone;
	struct src_key *hnext;
};

/*
 * What pass 1 found about a fragment (a run of consecutive rows of one
 * episode in one file), by its number: the episode (the number of its
 * first fragment), its next fragment, how many it has, the rows, the
 * hash of the key (a file changed since is noticed) and KEY_POISON.
 */
struct frag_info {
	uint32_t key;
	uint32_t next;
	uint32_t nfrags;
	uint32_t rows;
	uint32_t hash;
	uint32_t flags;
};

/*
 * A fragment as pass 1 knows it (and a key of a rejected row, kind 0,
 * which poisons the episode).
 */
struct frag_rec {
	uint32_t hash;  /* of the key */
	int32_t number;
	uint32_t kind;  /* 0: poison the key, 1: a fragment */
	uint32_t ord;   /* the fragment's number */
	uint32_t rows;  /* rows with a valid key */
	uint32_t file;
	uint32_t flags; /* KEY_POISON: a duplicate row in it */
	uint64_t first_line, last_line;
};

/*
 * The record of it for the sort: "site\0subject\0", the lines of a
 * fragment of a wide file (its duplicates are told by them), then this
 * head.  Sorted by key (its hash first), kind and fragment, the records
 * of an episode follow each other in file order.
 */
struct frag_head {
	uint32_t hash;
	int32_t number;
	uint32_t ord;
	uint32_t rows;
	uint32_t file;
	uint32_t bits; /* FH_* */
};

#define FH_FRAG 1u   /* kind 1 */
#define FH_POISON 2u /* KEY_POISON */
#define FH_LINES 4u  /* the lines are there */

/* An error kept by pass 1, ordered by file, line and order found. */
struct err_rec {
	uint32_t file;
	uint32_t pad;
	uint64_t line;
	uint64_t seq;
	ecpr_error e;
};

/* The state of pass 1. */
struct src_pass1 {
	ecpr__xsort *frags;  /* fragment records (struct frag_head) */
	ecpr__xsort *infos;  /* struct frag_info by number, when spilled */
	ecpr__xsort *errs;   /* struct err_rec */
	uint64_t nerr;
	uint32_t fi;         /* the file being read */
	int stop;            /* an error (stop-at-the-first mode) */
	char *rec;           /* the record of the current fragment */
	size_t reclen, reccap;
	int open;            /* a fragment is under way */
	struct frag_rec cur;
	struct frag_rec *grp; /* the fragments of the episode grouped */
	size_t ngrp, capgrp;
	char *gkey;           /* its key */
	size_t gkeylen, gkeycap;
	/* The row read last has the fragment's key: a row whose key
	 * columns have its bytes (ecpr__csv_skim) and the right number of
	 * fields has it too. */
	int keyrow;
};

struct src_row {
	const char *site;
	const char *subject;
	long number;
	int valid; /* the key above could be read */
};

struct src_file {
	char *name;      /* for errors: the path, or "<stdin>" */
	char *path;      /* to (re)open it; NULL: spooled, fp stays open */
	FILE *fp;
	enum src_form form;
	size_t ncols;
	int *col;        /* what each column holds */
	long fixed[COL_FIXED_COUNT]; /* column of site, subject, ...; or -1 */
	int broken;      /* pass 1 stopped on a CSV error */

	uint32_t fstart; /* its fragments: numbers fstart .. fend - 1 */
	uint32_t fend;
	/* pass 2 */
	uint32_t frag;   /* the fragment being read; fend when done */
	uint32_t left;   /* its rows not yet read (0: not started) */
	struct src_key *k; /* its episode, while left > 0 */
	uint32_t next;   /* its episode's next fragment */
	uint32_t hash;   /* its key's hash */
	struct src_row key; /* its first row's key: site, subject, number */
	char *kbuf;      /* the key's fields as that row gave them */
	size_t klen[3], kcap;
	struct frag_info *ib; /* the infos read from the spill file */
	uint32_t ibstart, ibn;
	ecpr__csv *csv;  /* the reader, NULL when closed */
	long long base_off;       /* offset in the file where csv started */
	unsigned long base_line;  /* lines before the one where csv started */
	long long resume;         /* closed early: where to start again */
	unsigned long resume_line;
	const char *const *last_f; /* the last record read (owned by csv) */
	size_t last_nf;
	unsigned long last_line;  /* its line */
	unsigned long tick;       /* last use */
};

struct ecpr_source {
	ecpr_read_opts opts;

	struct src_file *files;
	size_t nfiles;
	size_t capfiles;

	size_t budget;        /* memory of the sorts (ECPR_SPILL_MEMORY) */
	struct src_pass1 *p1; /* during pass 1 */
	uint32_t nfrags;
	struct ecpr__bigbuf infomem; /* info, as allocated */
	struct frag_info *info; /* the infos in memory, or NULL: */
	int info_fd;          /* in this temporary file, or -1 */

	struct src_key **slots; /* episodes waiting for rows, by id */
	uint32_t nslots;        /* a power of two */
	uint32_t npending;

	int started;     /* pass 1 done, pass 2 under way */
	int finished;    /* pass 2 done */
	size_t cur;      /* pass 2: the first file not yet read through */
	int focus_on;    /* pass 2: an episode being completed, */
	uint32_t focus;  /* this one (its id), */
	struct src_key *focus_k; /* waiting while focus_on (frag_done) */
	size_t nopen;    /* files opened by name and still open */
	size_t maxopen;
	unsigned long tick;

	uint64_t rows_total; /* rows with a valid key, counted by pass 1 */
	uint64_t rows_done;  /* of them, read (or given up) by pass 2 */

	size_t nerrors;
	int status;      /* sticky failure (stop-at-first-error mode) */
	ecpr_error fail;

	struct ecpr__event_index events; /* the long form's event names */
	char *tbuf;      /* trimmed copies of the fields of a row */
	size_t tcap;
	const char *const *tf; /* the trimmed fields: the reader's, */
	const size_t *tl;      /* their lengths, */
	const char **tfown;    /* or these, when one was trimmed */
	size_t *tlown;
	size_t tfcap;
};

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

/* A failure that ends the reading whatever on_error says. */
static int
src_fail(ecpr_source *src, const ecpr_error *e, ecpr_error *err)
{
	src->status = e->code;
	src->fail = *e;
	if (err != NULL)
		*err = *e;
	return e->code;
}

static int
err_cmp(void *ctx, const void *a, size_t alen, const void *b, size_t blen)
{
	struct err_rec x, y;

	(void)ctx;
	(void)alen;
	(void)blen;
	/* the keys only: file, line, seq */
	memcpy(&x, a, offsetof(struct err_rec, e));
	memcpy(&y, b, offsetof(struct err_rec, e));
	if (x.file != y.file)
		return x.file < y.file ? -1 : 1;
	if (x.line != y.line)
		return x.line < y.line ? -1 : 1;
	return (x.seq > y.seq) - (x.seq < y.seq);
}

/*
 * Pass 1 keeps its errors, to give them in the order of the files and
 * lines once the duplicates (found when the fragments are grouped) are
 * known.  Stop-at-the-first mode: the reading of files stops.
 */
static int
p1_keep(ecpr_source *src, uint32_t fi, const ecpr_error *e, ecpr_error *err)
{
	struct src_pass1 *p1 = src->p1;
	struct err_rec r;
	ecpr_error x;
	int rc;

	memset(&r, 0, offsetof(struct err_rec, e));
	r.file = fi;
	r.line = e->line;
	r.seq = p1->nerr++;
	r.e = *e;
	ecpr_error_clear(&x);
	if (p1->errs == NULL && (rc = ecpr__xsort_new(&p1->errs, err_cmp,
	    NULL, src->budget, &x)) != ECPR_OK)
		return src_fail(src, &x, err);
	if ((rc = ecpr__xsort_add(p1->errs, &r, sizeof(r), &x)) != ECPR_OK)
		return src_fail(src, &x, err);
	if (src->opts.on_error != NULL)
		return 0;
	p1->stop = 1;
	return e->code;
}

/*
 * An error e was found.  With on_error set, a data or input error is
 * reported and counted and 0 is returned (go on); otherwise (and for
 * ENOMEM and EINVAL) it becomes the source's sticky failure and its code
 * is returned.  In pass 1 it is kept (p1_keep) and given later.
 */
static int
src_error(ecpr_source *src, const ecpr_error *e, ecpr_error *err)
{
	if (e->code == ECPR_ENOMEM || e->code == ECPR_EINVAL)
		return src_fail(src, e, err);
	if (src->p1 != NULL)
		return p1_keep(src, src->p1->fi, e, err);
	if (src->opts.on_error != NULL) {
		src->nerrors++;
		src->opts.on_error(e, src->opts.ctx);
		return 0;
	}
	return src_fail(src, e, err);
}

static int
src_errorf(ecpr_source *src, ecpr_error *err, ecpr_status code,
    const char *file, unsigned long line, const char *fmt, ...)
    ECPR__PRINTF(6, 7);

static int
src_errorf(ecpr_source *src, ecpr_error *err, ecpr_status code,
    const char *file, unsigned long line, const char *fmt, ...)
{
	char msg[ECPR_ERROR_MSG_MAX];
	ecpr_error e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ecpr__error_set(&e, code, file, line, "%s", msg);
	return src_error(src, &e, err);
}

static void
src_finish_cb(const ecpr_error *e, void *ctx)
{
	ecpr_source *src = ctx;

	src->nerrors++;
	src->opts.on_error(e, src->opts.ctx);
}

/* ------------------------------------------------------------------ */
/* Keys and the episodes waiting for rows                               */
/* ------------------------------------------------------------------ */

static uint32_t
key_hash(const char *site, const char *subject, long number)
{
	uint32_t h = 2166136261u;
	const unsigned char *p;

	for (p = (const unsigned char *)site; *p; p++)
		h = (h ^ *p) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (p = (const unsigned char *)subject; *p; p++)
		h = (h ^ *p) * 16777619u;
	h = (h ^ (uint32_t)number) * 16777619u;
	h ^= h >> 15;
	return h;
}

static uint32_t
id_slot(uint32_t id, uint32_t nslots)
{
	return (id * 2654435761u) & (nslots - 1);
}

/* The episode waiting for rows with this id, or NULL. */
static struct src_key *
pend_find(const ecpr_source *src, uint32_t id)
{
	struct src_key *k;

	if (src->nslots == 0)
		return NULL;
	for (k = src->slots[id_slot(id, src->nslots)]; k != NULL; k = k->hnext)
		if (k->id == id)
			return k;
	return NULL;
}

/* The episode of fragment info fi, made waiting when new; NULL when
 * memory ran out. */
static struct src_key *
pend_get(ecpr_source *src, const struct frag_info *fi)
{
	struct src_key *k = pend_find(src, fi->key), **s;
	uint32_t i, n;

	if (k != NULL)
		return k;
	if (src->npending + 1 > src->nslots) {
		n = src->nslots ? src->nslots * 2 : 256;
		if ((s = calloc(n, sizeof(*s))) == NULL)
			return NULL;
		for (i = 0; i < src->nslots; i++)
			while ((k = src->slots[i]) != NULL) {
				src->slots[i] = k->hnext;
				k->hnext = s[id_slot(k->id, n)];
				s[id_slot(k->id, n)] = k;
			}
		free(src->slots);
		src->slots = s;
		src->nslots = n;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	k->id = fi->key;
	k->first = fi->key;
	k->left = fi->nfrags;
	k->flags = fi->flags;
	s = &src->slots[id_slot(k->id, src->nslots)];
	k->hnext = *s;
	*s = k;
	src->npending++;
	return k;
}

/* Forget a waiting episode (its episode is the caller's). */
static void
pend_remove(ecpr_source *src, struct src_key *k)
{
	struct src_key **p = &src->slots[id_slot(k->id, src->nslots)];

	while (*p != k)
		p = &(*p)->hnext;
	*p = k->hnext;
	src->npending--;
	free(k->done);
	free(k);
}

static void
pend_free_all(ecpr_source *src)
{
	struct src_key *k;
	uint32_t i;

	for (i = 0; i < src->nslots; i++)
		while ((k = src->slots[i]) != NULL) {
			src->slots[i] = k->hnext;
			ecpr_episode_free(k->u.ep);
			free(k->done);
			free(k);
		}
	free(src->slots);
	src->slots = NULL;
	src->nslots = 0;
	src->npending = 0;
}

/* ------------------------------------------------------------------ */
/* Rows                                                                 */
/* ------------------------------------------------------------------ */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Column i is a key column of sf. */
static int
is_key_col(const struct src_file *sf, size_t i)
{
	return (long)i == sf->fixed[COL_SITE] ||
	    (long)i == sf->fixed[COL_SUBJECT] ||
	    (long)i == sf->fixed[COL_EPISODE];
}

/* The field of len bytes at s has a blank at an end. */
static int
needs_trim(const char *s, size_t len)
{
	return len > 0 && (is_blank(s[0]) || is_blank(s[len - 1]));
}

/*
 * Trim the fields of a row (spaces and tabs at both ends) that reader csv
 * returned: src->tf and src->tl are their texts and lengths.  Most rows
 * need no trimming (the reader may know it already: ecpr__csv_blanks):
 * they are then the reader's own arrays (f and lens), nothing copied;
 * otherwise copies in which the fields with blanks at their ends are
 * trimmed.  With keys set, only its key columns are trimmed (pass 1
 * needs no more).  lens holds the length of each field (the reader's: a
 * field holds no NUL byte, so it is its strlen).
 */
static int
trim_row(ecpr_source *src, const ecpr__csv *csv, const char *const *f,
    size_t nf, const struct src_file *keys, ecpr_error *err)
{
	const size_t *lens = ecpr__csv_lengths(csv);
	size_t i, need = 0, len, o = 0;
	const char *s;
	long c;

	if (!ecpr__csv_blanks(csv)) {
		/* no field has a blank at an end */
	} else if (keys != NULL) {
		for (i = COL_SITE; i <= COL_EPISODE; i++)
			if ((c = keys->fixed[i]) >= 0 && (size_t)c < nf &&
			    needs_trim(f[c], lens[c]))
				need += lens[c] + 1;
	} else {
		for (i = 0; i < nf; i++)
			if (needs_trim(f[i], lens[i]))
				need += lens[i] + 1;
	}
	src->tf = f;
	src->tl = lens;
	if (need == 0)
		return 0; /* one look at each field: nothing to trim */
	if (nf > src->tfcap) {
		const char **t = realloc(src->tfown, nf * sizeof(*t));
		size_t *l;

		if (t == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		src->tfown = t;
		if ((l = realloc(src->tlown, nf * sizeof(*l))) == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		src->tlown = l;
		src->tfcap = nf;
	}
	if (need > src->tcap) {
		char *t = realloc(src->tbuf, need);

		if (t == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		src->tbuf = t;
		src->tcap = need;
	}
	for (i = 0; i < nf; i++) {
		s = f[i];
		len = lens[i];
		if (needs_trim(s, len) && (keys == NULL || is_key_col(keys, i))) {
			while (len > 0 && is_blank(*s)) {
				s++;
				len--;
			}
			while (len > 0 && is_blank(s[len - 1]))
				len--;
			memcpy(src->tbuf + o, s, len);
			src->tbuf[o + len] = '\0';
			s = src->tbuf + o;
			o += len + 1;
		}
		src->tfown[i] = s;
		src->tlown[i] = len;
	}
	src->tf = src->tfown;
	src->tl = src->tlown;
	return 0;
}

/* A positive integer (digits only) in *out, or -1. */
static int
parse_number(const char *s, long *out)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > EPISODE_MAX)
			return -1;
	}
	if (v < 1)
		return -1;
	*out = v;
	return 0;
}

/*
 * Read the key of a row from the trimmed fields of the row (src->tf).
 * Checks the number of fields and the key columns; on error fills e and
 * returns its code, with r->valid telling whether the key itself could
 * still be read (a wrong number of fields).
 */
static int
row_key(const struct src_file *sf, size_t nf, const char *const *tf,
    unsigned long line, struct src_row *r, ecpr_error *e)
{
	long cs = sf->fixed[COL_SITE], cj = sf->fixed[COL_SUBJECT];
	long ce = sf->fixed[COL_EPISODE];
	int bad_count = nf != sf->ncols;

	r->valid = 0;
	r->number = 1;
	if ((size_t)cs >= nf || (size_t)cj >= nf) {
		r->site = r->subject = NULL;
	} else {
		r->site = tf[cs];
		const char *ep;

		r->subject = tf[cj];
		ep = ce >= 0 && (size_t)ce < nf ? tf[ce] : "";
		r->valid = r->site[0] != '\0' && r->subject[0] != '\0' &&
		    (ep[0] == '\0' || parse_number(ep, &r->number) == 0);
	}
	if (bad_count)
		return ecpr__error_set(e, ECPR_EPARSE, sf->name, line,
		    "expected %zu fields, found %zu", sf->ncols, nf);
	if (r->site[0] == '\0')
		return ecpr__error_set(e, ECPR_EPARSE, sf->name, line,
		    "field \"site\": empty value");
	if (r->subject[0] == '\0')
		return ecpr__error_set(e, ECPR_EPARSE, sf->name, line,
		    "field \"subject\": empty value");
	if (!r->valid)
		return ecpr__error_set(e, ECPR_EPARSE, sf->name, line,
		    "field \"episode\": \"%s\" is not a positive integer",
		    tf[ce]);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Header                                                               */
/* ------------------------------------------------------------------ */

static const char *const fixed_names[COL_FIXED_COUNT] = {
	"site", "subject", "episode", "event", "time", "note", "observation",
	"value", "unit", "complication", "attribution"
};

/*
 * The forms of file (ecpr-case-record(5)): the column that tells the
 * form, the fixed columns it has (a bit per COL_*) and the ones it must
 * have, and its columns in words for errors.
 */
#define B(c) (1u << (c))
#define KEYS (B(COL_SITE) | B(COL_SUBJECT) | B(COL_EPISODE))
#define NEED (B(COL_SITE) | B(COL_SUBJECT))
static const struct form_def {
	enum src_form form;
	int marker;
	unsigned cols, required;
	const char *words;
} forms[] = {
	{ FORM_OBS, COL_OBSERVATION, KEYS | B(COL_OBSERVATION) | B(COL_TIME) |
	    B(COL_VALUE) | B(COL_UNIT), NEED |
	    B(COL_OBSERVATION) | B(COL_TIME) | B(COL_VALUE) | B(COL_UNIT),
	    "an observation file has site, subject, episode, observation, "
	    "time, value, unit" },
	{ FORM_COMPL, COL_COMPLICATION, KEYS | B(COL_COMPLICATION) |
	    B(COL_TIME) | B(COL_ATTRIBUTION) | B(COL_NOTE),
	    NEED | B(COL_COMPLICATION) | B(COL_ATTRIBUTION),
	    "a complication file has site, subject, episode, complication, "
	    "time, attribution, note" },
	{ FORM_LONG, COL_EVENT, KEYS | B(COL_EVENT) | B(COL_TIME) |
	    B(COL_NOTE), NEED | B(COL_EVENT) | B(COL_TIME),
	    "a long-form file has site, subject, episode, event, time, note" },
	{ FORM_LONG, COL_TIME, KEYS | B(COL_EVENT) | B(COL_TIME) |
	    B(COL_NOTE), NEED | B(COL_EVENT) | B(COL_TIME),
	    "a long-form file has site, subject, episode, event, time, note" },
	/* a wide file may have a note column: it is not read */
	{ FORM_WIDE, -1, KEYS | B(COL_NOTE), NEED, NULL },
};
#undef B
#undef KEYS
#undef NEED

/* The form a header says, by the first marker column it has. */
static const struct form_def *
header_form(const char *const *tf, size_t nf)
{
	size_t f, i;

	for (f = 0; forms[f].marker >= 0; f++)
		for (i = 0; i < nf; i++)
			if (strcmp(tf[i], fixed_names[forms[f].marker]) == 0)
				return &forms[f];
	return &forms[f];
}

/* Work out the form and the columns from the header row. */
static int
parse_header(ecpr_source *src, struct src_file *sf, const char *const *tf,
    size_t nf, unsigned long line, ecpr_error *err)
{
	size_t seen_at[ECPR_AT_COUNT] = { 0 }, seen_ev[ECPR_EV_COUNT] = { 0 };
	const struct form_def *fd = header_form(tf, nf);
	int wide = fd->form == FORM_WIDE;
	size_t i;
	int k;

	sf->form = FORM_NONE;
	sf->col = calloc(nf, sizeof(*sf->col));
	if (sf->col == NULL)
		return src_errorf(src, err, ECPR_ENOMEM, sf->name, line,
		    "out of memory");
	sf->ncols = nf;
	for (k = 0; k < COL_FIXED_COUNT; k++)
		sf->fixed[k] = -1;
	for (i = 0; i < nf; i++) {
		const char *name = tf[i];
		size_t *seen;

		if (name[0] == '\0')
			return src_errorf(src, err, ECPR_EPARSE, sf->name,
			    line, "column %zu: empty column name", i + 1);
		for (k = 0; k < COL_FIXED_COUNT; k++)
			if (strcmp(name, fixed_names[k]) == 0)
				break;
		if (k < COL_FIXED_COUNT && (fd->cols & (1u << k))) {
			if (sf->fixed[k] >= 0)
				return src_errorf(src, err, ECPR_EPARSE,
				    sf->name, line, "column %zu: duplicate "
				    "column \"%s\" (also column %zu)", i + 1,
				    name, (size_t)sf->fixed[k] + 1);
			sf->fixed[k] = (long)i;
			sf->col[i] = k;
			continue;
		}
		if (wide && (k = ecpr_attr_lookup(name)) >= 0) {
			seen = &seen_at[k];
			sf->col[i] = COL_ATTR + k;
		} else if (wide && (k = ecpr_event_lookup(name)) >= 0) {
			seen = &seen_ev[k];
			sf->col[i] = COL_EV + k;
		} else if (!wide) {
			return src_errorf(src, err, ECPR_EPARSE, sf->name,
			    line, "column %zu: unknown column \"%s\" (%s)",
			    i + 1, name, fd->words);
		} else {
			return src_errorf(src, err, ECPR_EPARSE, sf->name,
			    line, "column %zu: unknown column \"%s\"", i + 1,
			    name);
		}
		if (*seen != 0)
			return src_errorf(src, err, ECPR_EPARSE, sf->name,
			    line, "column %zu: duplicate column \"%s\" "
			    "(also column %zu)", i + 1, name, *seen);
		*seen = i + 1;
	}
	for (k = 0; k < COL_FIXED_COUNT; k++)
		if ((fd->required & (1u << k)) && sf->fixed[k] < 0)
			return src_errorf(src, err, ECPR_EPARSE, sf->name, line,
			    "missing column \"%s\"", fixed_names[k]);
	sf->form = fd->form;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Open files                                                           */
/* ------------------------------------------------------------------ */

/*
 * Close the reader of a file, and the file unless it is spooled and may
 * still be needed (final == 0).
 */
static void
file_close(ecpr_source *src, struct src_file *sf, int final)
{
	ecpr__csv_free(sf->csv);
	sf->csv = NULL;
	sf->last_f = NULL;
	if (sf->fp != NULL && (sf->path != NULL || final)) {
		fclose(sf->fp);
		sf->fp = NULL;
		if (sf->path != NULL)
			src->nopen--;
	}
}

/* Line breaks in a record (its fields keep the ones inside quotes). */
static unsigned long
record_breaks(const char *const *f, size_t nf)
{
	unsigned long n = 0;
	const char *s;
	size_t i;

	for (i = 0; i < nf; i++)
		for (s = f[i]; *s; s++)
			if (*s == '\n' || (*s == '\r' && s[1] != '\n'))
				n++;
	return n;
}

/*
 * Close the least recently used file that pass 2 is reading, remembering
 * where to start again: at the line end of its last record, which the
 * new reader takes as a blank line.
 */
static void
file_evict(ecpr_source *src)
{
	struct src_file *sf, *lru = NULL;
	size_t i;

	for (i = 0; i < src->nfiles; i++) {
		sf = &src->files[i];
		if (sf->path != NULL && sf->fp != NULL && sf->csv != NULL &&
		    sf->last_f != NULL && (lru == NULL || sf->tick < lru->tick))
			lru = sf;
	}
	if (lru == NULL)
		return;
	lru->resume = lru->base_off + ecpr__csv_offset(lru->csv) - 1;
	lru->resume_line = lru->last_line +
	    record_breaks(lru->last_f, lru->last_nf) - 1;
	file_close(src, lru, 0);
}

/* Make sure sf->fp is open (EIO when it cannot be opened). */
static int
file_fopen(ecpr_source *src, struct src_file *sf, ecpr_error *e)
{
	if (sf->fp != NULL)
		return 0;
	if (sf->path == NULL)
		return ecpr__error_set(e, ECPR_EIO, sf->name, 0,
		    "cannot read the spooled input again");
	if (src->nopen >= src->maxopen)
		file_evict(src);
	sf->fp = fopen(sf->path, "rb");
	if (sf->fp == NULL)
		return ecpr__error_set(e, ECPR_EIO, sf->name, 0,
		    "cannot open: %s", strerror(errno));
	src->nopen++;
	return 0;
}

/* Open a file and its reader at the start, and check its header. */
static int
open_file(ecpr_source *src, struct src_file *sf, ecpr_error *err)
{
	const char *const *f;
	ecpr_error e = ECPR_ERROR_INIT;
	size_t nf;
	int rc;

	sf->form = FORM_NONE;
	if (file_fopen(src, sf, &e) < 0)
		return src_error(src, &e, err);
	rewind(sf->fp);
	if (ecpr__csv_new(&sf->csv, sf->fp, sf->name, &e) < 0)
		return src_error(src, &e, err);
	rc = ecpr__csv_next(sf->csv, &f, &nf, &e);
	if (rc < 0)
		return src_error(src, &e, err);
	if (rc == 0)
		return src_errorf(src, err, ECPR_EPARSE, sf->name, 1,
		    "no header row (empty file)");
	if ((rc = trim_row(src, sf->csv, f, nf, NULL, &e)) < 0)
		return src_error(src, &e, err);
	if ((rc = parse_header(src, sf, src->tf, nf,
	    ecpr__csv_line(sf->csv), err)) < 0)
		return rc;
	return sf->form == FORM_NONE ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* Pass 1                                                               */
/* ------------------------------------------------------------------ */

/* The head of a fragment record of len bytes. */
static struct frag_head
frag_head(const void *rec, size_t len)
{
	struct frag_head h;

	memcpy(&h, (const char *)rec + len - sizeof(h), sizeof(h));
	return h;
}

/* Fragment records by key (its hash first), kind, then fragment
 * number. */
static int
frag_cmp(void *ctx, const void *a, size_t alen, const void *b, size_t blen)
{
	const char *x = a, *y = b;
	struct frag_head hx, hy;
	int c;

	(void)ctx;
	memcpy(&hx.hash, x + alen - sizeof(hx), sizeof(hx.hash));
	memcpy(&hy.hash, y + blen - sizeof(hy), sizeof(hy.hash));
	if (hx.hash != hy.hash) /* most compares end here */
		return hx.hash < hy.hash ? -1 : 1;
	if ((c = strcmp(x, y)) != 0)
		return c;
	x += strlen(x) + 1;
	y += strlen(y) + 1;
	if ((c = strcmp(x, y)) != 0)
		return c;
	hx = frag_head(a, alen);
	hy = frag_head(b, blen);
	if (hx.number != hy.number)
		return hx.number < hy.number ? -1 : 1;
	if ((hx.bits & FH_FRAG) != (hy.bits & FH_FRAG))
		return (hx.bits & FH_FRAG) ? 1 : -1;
	return (hx.ord > hy.ord) - (hx.ord < hy.ord);
}

/* frag_cmp's first field, for the sort in memory. */
static uint64_t
frag_prefix(const void *a, size_t alen)
{
	uint32_t h;

	memcpy(&h, (const char *)a + alen - sizeof(struct frag_head),
	    sizeof(h));
	return h;
}

/* The fragment of a record, and the length of its key. */
static void
frag_get(const void *rec, size_t len, struct frag_rec *r, size_t *klen)
{
	struct frag_head h = frag_head(rec, len);
	uint64_t lines[2] = { 0, 0 };

	len -= sizeof(h);
	if (h.bits & FH_LINES) {
		len -= sizeof(lines);
		memcpy(lines, (const char *)rec + len, sizeof(lines));
	}
	r->hash = h.hash;
	r->number = h.number;
	r->kind = (h.bits & FH_FRAG) != 0;
	r->ord = h.ord;
	r->rows = h.rows;
	r->file = h.file;
	r->flags = (h.bits & FH_POISON) ? KEY_POISON : 0;
	r->first_line = lines[0];
	r->last_line = lines[1];
	*klen = len;
}

/* Infos by fragment number (spilled infos). */
static int
info_cmp(void *ctx, const void *a, size_t alen, const void *b, size_t blen)
{
	uint32_t x, y;

	(void)ctx;
	(void)alen;
	(void)blen;
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return (x > y) - (x < y);
}

/* Set the key of the record being made: "site\0subject\0". */
static int
p1_key(struct src_pass1 *p1, const char *site, const char *subject)
{
	size_t ls = strlen(site) + 1, lj = strlen(subject) + 1;
	size_t need = ls + lj + 2 * sizeof(uint64_t) + sizeof(struct frag_head);

	if (need > p1->reccap) {
		char *b = realloc(p1->rec, need);

		if (b == NULL)
			return -1;
		p1->rec = b;
		p1->reccap = need;
	}
	memcpy(p1->rec, site, ls);
	memcpy(p1->rec + ls, subject, lj);
	p1->reclen = ls + lj;
	return 0;
}

/* Keep the record (key and r). */
static int
p1_add(ecpr_source *src, const struct frag_rec *r, ecpr_error *err)
{
	struct src_pass1 *p1 = src->p1;
	struct frag_head h;
	uint64_t lines[2];
	size_t n = p1->reclen;
	ecpr_error e;
	int rc;

	h.hash = r->hash;
	h.number = r->number;
	h.ord = r->ord;
	h.rows = r->rows;
	h.file = r->file;
	h.bits = (r->kind ? FH_FRAG : 0) |
	    ((r->flags & KEY_POISON) ? FH_POISON : 0);
	if (r->kind && src->files[r->file].form == FORM_WIDE) {
		h.bits |= FH_LINES;
		lines[0] = r->first_line;
		lines[1] = r->last_line;
		memcpy(p1->rec + n, lines, sizeof(lines));
		n += sizeof(lines);
	}
	memcpy(p1->rec + n, &h, sizeof(h));
	n += sizeof(h);
	ecpr_error_clear(&e);
	rc = ecpr__xsort_add(p1->frags, p1->rec, n, &e);
	return rc == ECPR_OK ? 0 : src_fail(src, &e, err);
}

/* A row with a valid key was rejected: its episode is skipped. */
static int
p1_poison(ecpr_source *src, const struct src_row *r, ecpr_error *err)
{
	struct src_pass1 *p1 = src->p1;
	struct frag_rec pr;
	int rc;

	memset(&pr, 0, sizeof(pr));
	pr.hash = key_hash(r->site, r->subject, r->number);
	pr.number = (int32_t)r->number;
	pr.kind = 0;
	pr.file = p1->fi;
	if (p1_key(p1, r->site, r->subject) < 0)
		return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	rc = p1_add(src, &pr, err);
	return rc;
}

/* Keep the fragment under way. */
static int
p1_close(ecpr_source *src, ecpr_error *err)
{
	struct src_pass1 *p1 = src->p1;

	if (!p1->open)
		return 0;
	p1->open = 0;
	if (p1_key(p1, p1->gkey, p1->gkey + strlen(p1->gkey) + 1) < 0)
		return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	return p1_add(src, &p1->cur, err);
}

/* Whether the row has the key of the fragment under way. */
static int
p1_same(const struct src_pass1 *p1, const struct src_row *r)
{
	const char *s = p1->gkey;

	return p1->open && p1->cur.number == (int32_t)r->number &&
	    strcmp(s, r->site) == 0 && strcmp(s + strlen(s) + 1,
	    r->subject) == 0;
}

/* Start a fragment for the row's key; its key also in p1->gkey. */
static int
p1_start(ecpr_source *src, const struct src_row *r, unsigned long line,
    ecpr_error *err)
{
	struct src_pass1 *p1 = src->p1;
	size_t ls = strlen(r->site) + 1, lj = strlen(r->subject) + 1;

	if (ls + lj > p1->gkeycap) {
		char *b = realloc(p1->gkey, ls + lj);

		if (b == NULL)
			return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		p1->gkey = b;
		p1->gkeycap = ls + lj;
	}
	memcpy(p1->gkey, r->site, ls);
	memcpy(p1->gkey + ls, r->subject, lj);
	p1->gkeylen = ls + lj;
	memset(&p1->cur, 0, sizeof(p1->cur));
	p1->cur.hash = key_hash(r->site, r->subject, r->number);
	p1->cur.number = (int32_t)r->number;
	p1->cur.kind = 1;
	p1->cur.ord = src->nfrags++;
	p1->cur.file = p1->fi;
	p1->cur.first_line = line;
	p1->open = 1;
	return 0;
}

static int
pass1_file(ecpr_source *src, size_t fi, ecpr_error *err)
{
	struct src_file *sf = &src->files[fi];
	struct src_pass1 *p1 = src->p1;
	const char *const *f;
	ecpr_error e = ECPR_ERROR_INIT;
	struct src_row r;
	unsigned long line;
	unsigned char *keep = NULL;
	size_t nf, i;
	int rc, same = 0;

	p1->fi = (uint32_t)fi;
	sf->fstart = sf->fend = src->nfrags;
	rc = open_file(src, sf, err);
	if (rc <= 0)
		goto out;
	/* Only the key columns are copied out of the rows. */
	keep = calloc(sf->ncols, 1);
	if (keep == NULL) {
		rc = src_errorf(src, err, ECPR_ENOMEM, sf->name, 0,
		    "out of memory");
		goto out;
	}
	for (i = 0; i < sf->ncols; i++)
		keep[i] = (unsigned char)is_key_col(sf, i);
	ecpr__csv_keep(sf->csv, keep, sf->ncols);
	for (;;) {
		/* Most rows go on with the fragment: their key is not read,
		 * and the plain ones are passed over in a run. */
		if (p1->keyrow && p1->open && sf->form != FORM_WIDE &&
		    (nf = ecpr__csv_skim_same(sf->csv, sf->ncols)) > 0) {
			p1->cur.rows += (uint32_t)nf;
			src->rows_total += nf;
			p1->cur.last_line = ecpr__csv_line(sf->csv);
		}
		rc = ecpr__csv_skim(sf->csv, &nf, &same, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			sf->broken = 1;
			rc = src_error(src, &e, err);
			break;
		}
		line = ecpr__csv_line(sf->csv);
		if (same && p1->keyrow && p1->open && nf == sf->ncols &&
		    sf->form != FORM_WIDE) {
			p1->cur.rows++;
			src->rows_total++;
			p1->cur.last_line = line;
			continue;
		}
		p1->keyrow = 0;
		if ((rc = ecpr__csv_fields(sf->csv, &f, &nf, &e)) < 0 ||
		    (rc = trim_row(src, sf->csv, f, nf,
		    sf, &e)) < 0) {
			rc = src_error(src, &e, err);
			break;
		}
		if (row_key(sf, nf, src->tf, line, &r, &e) < 0) {
			if (r.valid && (rc = p1_poison(src, &r, err)) < 0)
				break;
			if ((rc = src_error(src, &e, err)) < 0)
				break;
			continue;
		}
		if (p1_same(p1, &r)) {
			/* a wide file gives an episode once */
			if (sf->form == FORM_WIDE) {
				p1->cur.flags |= KEY_POISON;
				rc = src_errorf(src, err, ECPR_ERULE, sf->name,
				    line, "duplicate episode %s/%s/%ld: given "
				    "twice in this file (first on line %lu)",
				    r.site, r.subject, r.number,
				    (unsigned long)p1->cur.last_line);
				if (rc < 0)
					break;
			}
		} else {
			if ((rc = p1_close(src, err)) < 0)
				break;
			if (src->nfrags == NO_FRAG - 1) {
				rc = src_errorf(src, err, ECPR_ERULE, sf->name,
				    line, "too many row groups");
				break;
			}
			if ((rc = p1_start(src, &r, line, err)) < 0)
				break;
		}
		p1->keyrow = 1;
		p1->cur.rows++;
		src->rows_total++;
		p1->cur.last_line = line;
	}
out:
	if (rc >= 0 || src->status == 0) {
		int rc2 = p1_close(src, err);

		if (rc2 < 0)
			rc = rc2;
	}
	p1->open = 0;
	p1->keyrow = 0;
	sf->fend = src->nfrags;
	file_close(src, sf, 0);
	free(keep);
	return rc < 0 ? rc : 0;
}

/* Keep the info of fragment ord (in memory, or to be sorted). */
static int
info_put(ecpr_source *src, uint32_t ord, const struct frag_info *fi,
    ecpr_error *err)
{
	char rec[sizeof(uint32_t) + sizeof(*fi)];
	ecpr_error e;

	if (src->info != NULL) {
		src->info[ord] = *fi;
		return 0;
	}
	memcpy(rec, &ord, sizeof(ord));
	memcpy(rec + sizeof(ord), fi, sizeof(*fi));
	ecpr_error_clear(&e);
	if (ecpr__xsort_add(src->p1->infos, rec, sizeof(rec), &e) != ECPR_OK)
		return src_fail(src, &e, err);
	return 0;
}

/*
 * The fragments of one episode, in file order: a fragment of a wide file
 * right after another of the same file gives the episode twice (the
 * error is at the first line of the later one); then the info of each.
 */
static int
p1_group_end(ecpr_source *src, int poison, ecpr_error *err)
{
	struct src_pass1 *p1 = src->p1;
	const char *site = p1->gkey, *subject = site + strlen(site) + 1;
	struct frag_info fi;
	ecpr_error de;
	size_t j;
	int rc;

	for (j = 0; j < p1->ngrp; j++) {
		const struct frag_rec *a = &p1->grp[j];

		if (a->flags & KEY_POISON)
			poison = 1;
		if (j == 0 || a->file != p1->grp[j - 1].file ||
		    src->files[a->file].form != FORM_WIDE)
			continue;
		poison = 1;
		ecpr_error_clear(&de);
		ecpr__error_set(&de, ECPR_ERULE, src->files[a->file].name,
		    (unsigned long)a->first_line, "duplicate episode %s/%s/%ld: "
		    "given twice in this file (first on line %lu)", site,
		    subject, (long)a->number,
		    (unsigned long)p1->grp[j - 1].last_line);
		/* kept (stop-at-the-first mode: the first of all is given) */
		(void)p1_keep(src, a->file, &de, err);
		if (src->status != 0)
			return src->status;
	}
	if (p1->stop || p1->ngrp == 0)
		return 0;
	fi.key = p1->grp[0].ord;
	fi.nfrags = (uint32_t)p1->ngrp;
	fi.hash = p1->grp[0].hash;
	fi.flags = poison ? KEY_POISON : 0;
	for (j = 0; j < p1->ngrp; j++) {
		fi.next = j + 1 < p1->ngrp ? p1->grp[j + 1].ord : NO_FRAG;
		fi.rows = p1->grp[j].rows;
		if ((rc = info_put(src, p1->grp[j].ord, &fi, err)) < 0)
			return rc;
	}
	return 0;
}

/* Group the fragments of each episode (sorted by key): duplicates in
 * wide files, and the info of every fragment. */
static int
pass1_group(ecpr_source *src, ecpr_error *err)
{
	struct src_pass1 *p1 = src->p1;
	ecpr_error e;
	const void *rec;
	struct frag_rec r;
	size_t len, klen;
	int rc, poison = 0, have = 0;

	ecpr_error_clear(&e);
	if ((rc = ecpr__xsort_sort(p1->frags, &e)) != ECPR_OK)
		return src_fail(src, &e, err);
	/* the infos in memory when they fit, else sorted into a file */
	if (!p1->stop && (size_t)src->nfrags * sizeof(struct frag_info) <=
	    src->budget && src->nfrags > 0 &&
	    ecpr__bigbuf_resize(&src->infomem, 0,
	    src->nfrags * sizeof(*src->info)) != 0)
		return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (src->infomem.p != NULL) {
		src->info = src->infomem.p;
		memset(src->info, 0, src->nfrags * sizeof(*src->info));
	}
	if (!p1->stop && src->info == NULL && src->nfrags > 0 &&
	    (rc = ecpr__xsort_new(&p1->infos, info_cmp, NULL, src->budget,
	    &e)) != ECPR_OK)
		return src_fail(src, &e, err);
	while ((rc = ecpr__xsort_next(p1->frags, &rec, &len, &e)) == 1) {
		frag_get(rec, len, &r, &klen);
		if (!have || klen != p1->gkeylen ||
		    memcmp(p1->gkey, rec, klen) != 0 ||
		    r.number != p1->grp[0].number) {
			if (have && (rc = p1_group_end(src, poison, err)) < 0)
				return rc;
			if (klen > p1->gkeycap) {
				char *b = realloc(p1->gkey, klen);

				if (b == NULL)
					return src_errorf(src, err,
					    ECPR_ENOMEM, NULL, 0,
					    "out of memory");
				p1->gkey = b;
				p1->gkeycap = klen;
			}
			memcpy(p1->gkey, rec, klen);
			p1->gkeylen = klen;
			p1->ngrp = 0;
			poison = 0;
			have = 1;
			/* a poison record alone: keep its number */
			if (r.kind == 0) {
				if (ecpr__grow((void **)&p1->grp, &p1->capgrp,
				    0, sizeof(*p1->grp)) != 0)
					return src_errorf(src, err,
					    ECPR_ENOMEM, NULL, 0,
					    "out of memory");
				p1->grp[0] = r;
			}
		}
		if (r.kind == 0) {
			poison = 1;
			continue;
		}
		if (ecpr__grow((void **)&p1->grp, &p1->capgrp, p1->ngrp,
		    sizeof(*p1->grp)) != 0)
			return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		p1->grp[p1->ngrp++] = r;
	}
	if (rc < 0)
		return src_fail(src, &e, err);
	if (have && (rc = p1_group_end(src, poison, err)) < 0)
		return rc;
	return 0;
}

/* Write the sorted infos to a temporary file for pass 2. */
static int
pass1_infos(ecpr_source *src, ecpr_error *err)
{
	ecpr__xsort *xs = src->p1->infos;
	char *buf;
	const void *rec;
	size_t len, n = 0;
	off_t off = 0;
	ecpr_error e;
	int rc;

	if (xs == NULL)
		return 0;
	ecpr_error_clear(&e);
	if ((rc = ecpr__xsort_sort(xs, &e)) != ECPR_OK ||
	    (rc = ecpr__tmp_fd(&src->info_fd, &e)) != ECPR_OK)
		return src_fail(src, &e, err);
	if ((buf = malloc(SPOOL_BLOCK)) == NULL)
		return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	for (;;) {
		rc = ecpr__xsort_next(xs, &rec, &len, &e);
		if (rc < 0)
			break;
		if (rc == 1) {
			memcpy(buf + n, (const char *)rec + sizeof(uint32_t),
			    sizeof(struct frag_info));
			n += sizeof(struct frag_info);
		}
		if (n > 0 && (rc == 0 ||
		    n + sizeof(struct frag_info) > SPOOL_BLOCK)) {
			if (pwrite(src->info_fd, buf, n, off) != (ssize_t)n) {
				rc = ecpr__error_set(&e, ECPR_EIO, NULL, 0,
				    "cannot write a temporary file: %s",
				    strerror(errno));
				break;
			}
			off += (off_t)n;
			n = 0;
		}
		if (rc == 0)
			break;
	}
	free(buf);
	return rc < 0 ? src_fail(src, &e, err) : 0;
}

/* Give the errors of pass 1 in order: every one (on_error), or the
 * first as the source's failure. */
static int
pass1_errors(ecpr_source *src, ecpr_error *err)
{
	ecpr__xsort *xs = src->p1->errs;
	struct err_rec r;
	const void *rec;
	size_t len;
	ecpr_error e;
	int rc;

	if (xs == NULL)
		return 0;
	ecpr_error_clear(&e);
	if ((rc = ecpr__xsort_sort(xs, &e)) != ECPR_OK)
		return src_fail(src, &e, err);
	while ((rc = ecpr__xsort_next(xs, &rec, &len, &e)) == 1) {
		memcpy(&r, rec, sizeof(r));
		if (src->opts.on_error == NULL)
			return src_fail(src, &r.e, err);
		src->nerrors++;
		src->opts.on_error(&r.e, src->opts.ctx);
	}
	return rc < 0 ? src_fail(src, &e, err) : 0;
}

static void
pass1_free(struct src_pass1 *p1)
{
	if (p1 == NULL)
		return;
	ecpr__xsort_free(p1->frags);
	ecpr__xsort_free(p1->infos);
	ecpr__xsort_free(p1->errs);
	free(p1->rec);
	free(p1->grp);
	free(p1->gkey);
	free(p1);
}

/*
 * Pass 1 over every file: the fragments of each file, grouped by
 * episode through an external sort (memory does not grow with the
 * number of episodes), the errors in file and line order.
 */
static int
pass1(ecpr_source *src, ecpr_error *err)
{
	ecpr_error e;
	size_t i;
	int rc = 0;

	ecpr_error_clear(&e);
	if ((src->p1 = calloc(1, sizeof(*src->p1))) == NULL)
		return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (ecpr__xsort_new(&src->p1->frags, frag_cmp, NULL, src->budget,
	    &e) != ECPR_OK)
		return src_fail(src, &e, err);
	ecpr__xsort_set_prefix(src->p1->frags, frag_prefix);
	for (i = 0; i < src->nfiles && !src->p1->stop; i++) {
		rc = pass1_file(src, i, err);
		if (src->status != 0)
			return src->status;
	}
	if ((rc = pass1_group(src, err)) < 0)
		return rc;
	ecpr__xsort_free(src->p1->frags);
	src->p1->frags = NULL;
	if ((rc = pass1_infos(src, err)) < 0)
		return rc;
	for (i = 0; i < src->nfiles; i++)
		src->files[i].frag = src->files[i].fstart;
	return pass1_errors(src, err);
}

/* ------------------------------------------------------------------ */
/* Pass 2                                                               */
/* ------------------------------------------------------------------ */

/*
 * The info of the fragment file sf is at (sf->frag): from memory, or
 * read from the temporary file a block at a time.  NULL with the
 * source's failure set when it cannot be read.
 */
#define INFO_BLOCK 1024

static const struct frag_info *
info_at(ecpr_source *src, struct src_file *sf, ecpr_error *err)
{
	uint32_t i = sf->frag, n;
	ssize_t r;
	size_t want;

	if (src->info != NULL)
		return &src->info[i];
	if (sf->ib != NULL && i >= sf->ibstart && i - sf->ibstart < sf->ibn)
		return &sf->ib[i - sf->ibstart];
	if (sf->ib == NULL &&
	    (sf->ib = malloc(INFO_BLOCK * sizeof(*sf->ib))) == NULL) {
		src_errorf(src, err, ECPR_ENOMEM, NULL, 0, "out of memory");
		return NULL;
	}
	n = sf->fend - i < INFO_BLOCK ? sf->fend - i : INFO_BLOCK;
	want = (size_t)n * sizeof(*sf->ib);
	r = pread(src->info_fd, sf->ib, want, (off_t)i * (off_t)sizeof(*sf->ib));
	if (r != (ssize_t)want) {
		ecpr_error e;

		ecpr_error_clear(&e);
		ecpr__error_set(&e, ECPR_EIO, NULL, 0, "cannot read a temporary "
		    "file: %s", r < 0 ? strerror(errno) : "end of file");
		src_fail(src, &e, err);
		return NULL;
	}
	sf->ibstart = i;
	sf->ibn = n;
	return &sf->ib[0];
}

static void
key_drop(struct src_key *k)
{
	k->flags |= KEY_POISON;
	ecpr_episode_free(k->u.ep);
	k->u.ep = NULL;
}

/* Apply one long-form row (an event) to its episode. */
static int
apply_long(ecpr_source *src, struct src_file *sf, struct src_key *k,
    unsigned long line, ecpr_error *err)
{
	const char *const *tf = src->tf;
	const char *ev = tf[sf->fixed[COL_EVENT]];
	size_t evlen = src->tl[sf->fixed[COL_EVENT]];
	const char *tm = tf[sf->fixed[COL_TIME]];
	const char *note = sf->fixed[COL_NOTE] >= 0 ?
	    tf[sf->fixed[COL_NOTE]] : "";
	ecpr_error e;
	int type;

	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	if (ev[0] == '\0') {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"event\": empty value");
	} else if ((type = ecpr__event_index_find(&src->events, ev,
	    evlen)) < 0) {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"event\": unknown event \"%s\"", ev);
	} else if (tm[0] == '\0') {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"time\": empty value for event \"%s\"", ev);
	} else if (ecpr__episode_add_event_n(k->u.ep, (ecpr_event_type)type,
	    tm, src->tl[sf->fixed[COL_TIME]], note[0] ? note : NULL,
	    src->opts.tz, sf->name, line, &e) == 0) {
		return 0;
	}
	ecpr__error_locate(&e, sf->name, line);
	key_drop(k);
	return src_error(src, &e, err);
}

/* Apply one wide-form row.  Every bad value of the row is reported. */
static int
apply_wide(ecpr_source *src, struct src_file *sf, struct src_key *k,
    unsigned long line, ecpr_error *err)
{
	const char *const *tf = src->tf;
	ecpr_error e;
	size_t i;
	int rc, bad = 0;

	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	for (i = 0; i < sf->ncols; i++) {
		int c = sf->col[i];

		if (c < COL_ATTR || tf[i][0] == '\0')
			continue;
		if (c < COL_EV)
			rc = ecpr_episode_set_attr(k->u.ep,
			    (ecpr_attr_id)(c - COL_ATTR), tf[i], sf->name,
			    line, &e);
		else
			rc = ecpr__episode_add_event_n(k->u.ep,
			    (ecpr_event_type)(c - COL_EV), tf[i], src->tl[i],
			    NULL, src->opts.tz, sf->name, line, &e);
		if (rc < 0) {
			ecpr__error_locate(&e, sf->name, line);
			bad = 1;
			if ((rc = src_error(src, &e, err)) < 0)
				break;
		}
	}
	if (bad)
		key_drop(k);
	return bad && src->opts.on_error == NULL ? src->status : 0;
}

/* Apply one observation row to its episode. */
static int
apply_obs(ecpr_source *src, struct src_file *sf, struct src_key *k,
    unsigned long line, ecpr_error *err)
{
	const char *const *tf = src->tf;
	const char *name = tf[sf->fixed[COL_OBSERVATION]];
	ecpr_error e;
	int type;

	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	if ((type = ecpr_obs_lookup(name)) < 0) {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"observation\": %s \"%s\"", name[0] ?
		    "unknown observation" : "empty value", name);
	} else if (ecpr_episode_add_observation(k->u.ep, (ecpr_obs_type)type,
	    tf[sf->fixed[COL_TIME]], tf[sf->fixed[COL_VALUE]],
	    tf[sf->fixed[COL_UNIT]], src->opts.tz, sf->name, line, &e) == 0) {
		return 0;
	}
	ecpr__error_locate(&e, sf->name, line);
	key_drop(k);
	return src_error(src, &e, err);
}

/* Apply one complication row to its episode. */
static int
apply_compl(ecpr_source *src, struct src_file *sf, struct src_key *k,
    unsigned long line, ecpr_error *err)
{
	const char *const *tf = src->tf;
	const char *name = tf[sf->fixed[COL_COMPLICATION]];
	const char *by = tf[sf->fixed[COL_ATTRIBUTION]];
	const char *tm = sf->fixed[COL_TIME] >= 0 ? tf[sf->fixed[COL_TIME]] :
	    "";
	const char *note = sf->fixed[COL_NOTE] >= 0 ?
	    tf[sf->fixed[COL_NOTE]] : "";
	ecpr_error e;
	int code, a;

	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	if ((code = ecpr_complication_lookup(name)) < 0) {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"complication\": %s \"%s\"", name[0] ?
		    "unknown complication" : "empty value", name);
	} else if ((a = ecpr_attribution_lookup(by)) < 0) {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"attribution\": \"%s\" is not mcc, ecpr or "
		    "other", by);
	} else if (ecpr_episode_add_complication(k->u.ep, code,
	    (ecpr_attribution)a, tm, note, src->opts.tz, sf->name, line,
	    &e) == 0) {
		return 0;
	}
	ecpr__error_locate(&e, sf->name, line);
	key_drop(k);
	return src_error(src, &e, err);
}

/* Apply one row to its episode, creating the episode at its first row. */
static int
apply_row(ecpr_source *src, struct src_file *sf, struct src_key *k,
    const struct src_row *r, unsigned long line, ecpr_error *err)
{
	ecpr_error e;

	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	if (k->u.ep == NULL) {
		if (ecpr_episode_new(&k->u.ep, r->site, r->subject, r->number,
		    &e) < 0) {
			ecpr__error_locate(&e, sf->name, line);
			key_drop(k);
			return src_error(src, &e, err);
		}
		/* the files' names live as long as the source */
		ecpr__episode_stable_names(k->u.ep, 1);
	}
	if (sf->form == FORM_LONG)
		return apply_long(src, sf, k, line, err);
	if (sf->form == FORM_OBS)
		return apply_obs(src, sf, k, line, err);
	if (sf->form == FORM_COMPL)
		return apply_compl(src, sf, k, line, err);
	return apply_wide(src, sf, k, line, err);
}

/*
 * Fragment ord of waiting episode k (next: its next fragment) has been
 * read through.  When it was the last, finish the episode and hand it
 * out in *out.
 */
static int
frag_done(ecpr_source *src, struct src_key *k, uint32_t ord, uint32_t next,
    ecpr_episode **out, ecpr_error *err)
{
	ecpr_error e;
	ecpr_episode *ep;
	unsigned flags;
	uint32_t j;
	int rc;

	k->left--;
	if (ord == k->first) {
		/* on to the first not read, past those read out of order */
		k->first = next;
		for (j = 0; j < k->ndone && k->first != NO_FRAG;) {
			if (k->done[2 * j] != k->first) {
				j++;
				continue;
			}
			k->first = k->done[2 * j + 1];
			k->done[2 * j] = k->done[2 * (k->ndone - 1)];
			k->done[2 * j + 1] = k->done[2 * (k->ndone - 1) + 1];
			k->ndone--;
			j = 0;
		}
	} else {
		if (k->ndone == k->capdone) {
			uint32_t cap = k->capdone ? k->capdone * 2 : 4;
			uint32_t *d = realloc(k->done, 2 * cap * sizeof(*d));

			if (d == NULL)
				return src_errorf(src, err, ECPR_ENOMEM, NULL,
				    0, "out of memory");
			k->done = d;
			k->capdone = cap;
		}
		k->done[2 * k->ndone] = ord;
		k->done[2 * k->ndone + 1] = next;
		k->ndone++;
	}
	if (k->left > 0)
		return 0;
	ep = k->u.ep;
	flags = k->flags;
	k->u.ep = NULL;
	if (src->focus_on && src->focus == k->id)
		src->focus_on = 0;
	pend_remove(src, k);
	if (ep == NULL)
		return 0;
	if (flags & KEY_POISON) {
		ecpr_episode_free(ep);
		return 0;
	}
	ecpr__episode_stable_names(ep, 0); /* handed out: no more promise */
	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	if (src->opts.on_error != NULL) {
		rc = ecpr_episode_finish(ep, src_finish_cb, src, &e);
	} else {
		rc = ecpr_episode_finish(ep, NULL, NULL, &e);
		if (rc < 0) {
			ecpr_episode_free(ep);
			return src_error(src, &e, err);
		}
	}
	if (rc < 0) {
		ecpr_episode_free(ep);
		return 0;
	}
	*out = ep;
	return 0;
}

/*
 * Pass 2 cannot read the rest of a file (it changed since pass 1, or a
 * read error): report e, and skip the episodes of its unread fragments.
 */
static int
file_lost(ecpr_source *src, struct src_file *sf, const ecpr_error *e,
    ecpr_error *err)
{
	int rc = src_error(src, e, err);
	const struct frag_info *fi;
	ecpr_episode *none = NULL;
	struct src_key *k;

	for (; sf->frag < sf->fend; sf->frag++) {
		if ((fi = info_at(src, sf, err)) == NULL ||
		    (k = pend_get(src, fi)) == NULL)
			break;
		key_drop(k);
		src->rows_done += sf->left > 0 ? sf->left : fi->rows;
		sf->left = 0;
		sf->k = NULL;
		if (frag_done(src, k, sf->frag, fi->next, &none, err) < 0)
			break;
	}
	file_close(src, sf, 1);
	return src->status != 0 ? src->status : rc;
}

/* Open a file for pass 2: at its start, or where it was closed early. */
static int
file_reopen(ecpr_source *src, struct src_file *sf, ecpr_error *err)
{
	const char *const *f;
	ecpr_error e = ECPR_ERROR_INIT;
	size_t nf;
	int c;

	if (file_fopen(src, sf, &e) < 0)
		return file_lost(src, sf, &e, err);
	if (sf->resume <= 0) {
		rewind(sf->fp);
		sf->base_off = 0;
		sf->base_line = 0;
	} else {
		/* The line end of the record read last, or the file changed. */
		if (fseeko(sf->fp, (off_t)sf->resume, SEEK_SET) != 0 ||
		    ((c = getc(sf->fp)) != '\n' && c != '\r') ||
		    fseeko(sf->fp, (off_t)sf->resume, SEEK_SET) != 0) {
			ecpr__error_set(&e, ECPR_EIO, sf->name,
			    sf->resume_line + 1,
			    "the file changed while it was being read");
			return file_lost(src, sf, &e, err);
		}
		sf->base_off = sf->resume;
		sf->base_line = sf->resume_line;
	}
	if (ecpr__csv_new(&sf->csv, sf->fp, sf->name, &e) < 0)
		return src_error(src, &e, err);
	if (sf->resume <= 0) {
		/* The header, checked in pass 1. */
		if (ecpr__csv_next(sf->csv, &f, &nf, &e) != 1) {
			ecpr__error_set(&e, ECPR_EIO, sf->name, 1,
			    "the file changed while it was being read");
			return file_lost(src, sf, &e, err);
		}
		sf->last_f = f;
		sf->last_nf = nf;
		sf->last_line = ecpr__csv_line(sf->csv);
	}
	return 0;
}

/*
 * Keep the key fields of the first row of a fragment (trimmed, in
 * src->tf), r its key: a later row with the same bytes has that key.
 */
static int
keep_key(struct src_file *sf, ecpr_source *src, const struct src_row *r)
{
	const long *c = &sf->fixed[COL_SITE]; /* site, subject, episode */
	size_t i, need = 0, o = 0;

	for (i = 0; i < 3; i++) {
		sf->klen[i] = c[i] >= 0 ? src->tl[c[i]] : 0;
		need += sf->klen[i] + 1;
	}
	if (need > sf->kcap) {
		char *b = realloc(sf->kbuf, need);

		if (b == NULL)
			return -1;
		sf->kbuf = b;
		sf->kcap = need;
	}
	for (i = 0; i < 3; i++) {
		if (c[i] >= 0)
			memcpy(sf->kbuf + o, src->tf[c[i]], sf->klen[i]);
		sf->kbuf[o + sf->klen[i]] = '\0';
		o += sf->klen[i] + 1;
	}
	sf->key = *r;
	sf->key.site = sf->kbuf;
	sf->key.subject = sf->kbuf + sf->klen[0] + 1;
	return 0;
}

/* The trimmed key fields of the row are those keep_key kept. */
static int
same_key(const struct src_file *sf, const ecpr_source *src)
{
	const long *c = &sf->fixed[COL_SITE];
	const char *const *tf = src->tf;
	const char *k = sf->kbuf;
	size_t i;

	/*
	 * Fields one after another in memory, as the reader cut them (each
	 * followed by its NUL): their bytes are the layout of kbuf, so one
	 * comparison of the whole span does.
	 */
	if (c[0] >= 0 && c[1] >= 0 && c[2] >= 0 &&
	    tf[c[1]] == tf[c[0]] + src->tl[c[0]] + 1 &&
	    tf[c[2]] == tf[c[1]] + src->tl[c[1]] + 1) {
		size_t span = sf->klen[0] + sf->klen[1] + sf->klen[2] + 2;

		return (size_t)(tf[c[2]] + src->tl[c[2]] - tf[c[0]]) == span &&
		    ecpr__mem_eq(tf[c[0]], k, span);
	}
	for (i = 0; i < 3; k += sf->klen[i] + 1, i++) {
		if (c[i] < 0)
			continue;
		if (src->tl[c[i]] != sf->klen[i] ||
		    !ecpr__mem_eq(src->tf[c[i]], k, sf->klen[i]))
			return 0;
	}
	return 1;
}

/* The row has the key of episode ep. */
static int
episode_is(const ecpr_episode *ep, const struct src_row *r)
{
	return ecpr_episode_number(ep) == r->number &&
	    strcmp(ecpr_episode_site(ep), r->site) == 0 &&
	    strcmp(ecpr_episode_subject(ep), r->subject) == 0;
}

/*
 * Read the next row of file sf (pass 2) and apply it; when it ends a
 * fragment that was the last of its episode, hand the episode out in
 * *out.
 */
static int
file_step(ecpr_source *src, struct src_file *sf, ecpr_episode **out,
    ecpr_error *err)
{
	const char *const *f;
	const struct frag_info *fi;
	ecpr_error e;
	struct src_key *k;
	struct src_row r;
	unsigned long line;
	uint32_t ord, next;
	size_t nf;
	int rc;

	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	if (sf->csv == NULL && (rc = file_reopen(src, sf, err)) < 0)
		return rc;
	if (sf->csv == NULL)
		return 0; /* lost, reported */
	sf->tick = ++src->tick;
	rc = ecpr__csv_next(sf->csv, &f, &nf, &e);
	if (rc <= 0) {
		/* Seen fine in pass 1: the file changed, or a read error. */
		if (rc == 0)
			ecpr__error_set(&e, ECPR_EIO, sf->name,
			    sf->last_line, "the file changed while it was "
			    "being read");
		else if (e.line > 0)
			e.line += sf->base_line;
		return file_lost(src, sf, &e, err);
	}
	line = sf->base_line + ecpr__csv_line(sf->csv);
	sf->last_f = f;
	sf->last_nf = nf;
	sf->last_line = line;
	if ((rc = trim_row(src, sf->csv, f, nf, NULL,
	    &e)) < 0)
		return src_error(src, &e, err);
	if (sf->left > 0 && nf == sf->ncols && same_key(sf, src)) {
		/* the bytes of the fragment's first row: its key */
		r = sf->key;
		k = sf->k;
	} else if (row_key(sf, nf, src->tf, line, &r, &e) < 0) {
		return 0; /* reported in pass 1 */
	} else if (sf->left == 0) {
		/* the first row of a fragment: its info, its episode */
		if ((fi = info_at(src, sf, err)) == NULL)
			return src->status;
		if (key_hash(r.site, r.subject, r.number) != fi->hash)
			goto changed;
		if ((k = pend_get(src, fi)) == NULL)
			return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		sf->left = fi->rows;
		sf->next = fi->next;
		sf->hash = fi->hash;
		sf->k = k;
		if (keep_key(sf, src, &r) < 0)
			return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
	} else {
		/* the same episode: as its first row said (or as its hash) */
		k = sf->k;
		if (k->u.ep != NULL ? !episode_is(k->u.ep, &r) :
		    key_hash(r.site, r.subject, r.number) != sf->hash)
			goto changed;
	}
	ord = sf->frag;
	next = sf->next;
	if (!(k->flags & KEY_POISON) &&
	    (rc = apply_row(src, sf, k, &r, line, err)) < 0)
		return rc;
	src->rows_done++;
	if (--sf->left > 0)
		return 0;
	sf->k = NULL;
	if (++sf->frag == sf->fend)
		file_close(src, sf, 1);
	return frag_done(src, k, ord, next, out, err);
changed:
	ecpr__error_set(&e, ECPR_EIO, sf->name, line,
	    "the file changed while it was being read");
	return file_lost(src, sf, &e, err);
}

/* The file that holds fragment fi. */
static struct src_file *
frag_file(ecpr_source *src, uint32_t fi)
{
	size_t lo = 0, hi = src->nfiles;

	/* The first file whose fragments end after fi. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (src->files[mid].fend <= fi)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &src->files[lo];
}

/* One step of pass 2: one row read from the file chosen in lockstep. */
static int
pass2_step(ecpr_source *src, ecpr_episode **out, ecpr_error *err)
{
	const struct frag_info *fi;
	struct src_key *k;

	for (;;) {
		if (src->focus_on) {
			/* its first fragment not yet read through: it still
			 * waits (frag_done ends the focus when it does not) */
			k = src->focus_k;
			break;
		}
		while (src->cur < src->nfiles &&
		    src->files[src->cur].frag == src->files[src->cur].fend) {
			file_close(src, &src->files[src->cur], 1);
			src->cur++;
		}
		if (src->cur == src->nfiles) {
			src->finished = 1;
			return 0;
		}
		if ((fi = info_at(src, &src->files[src->cur], err)) == NULL)
			return src->status;
		if ((k = pend_get(src, fi)) == NULL)
			return src_errorf(src, err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		src->focus = fi->key;
		src->focus_k = k;
		src->focus_on = 1;
	}
	return file_step(src, frag_file(src, k->first), out, err);
}

/* ------------------------------------------------------------------ */
/* Public API                                                           */
/* ------------------------------------------------------------------ */

int
ecpr_source_new(ecpr_source **out, const ecpr_read_opts *opts,
    ecpr_error *err)
{
	struct rlimit rl;
	ecpr_source *src;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "source: no result pointer");
	*out = NULL;
	src = calloc(1, sizeof(*src));
	if (src == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (opts != NULL)
		src->opts = *opts;
	src->budget = ecpr__spill_budget(SOURCE_MEMORY);
	src->info_fd = -1;
	ecpr__event_index_init(&src->events);
	src->maxopen = OPEN_MAX_FILES;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur / 4 < src->maxopen)
		src->maxopen = rl.rlim_cur / 4 > 2 ? (size_t)rl.rlim_cur / 4 : 2;
	*out = src;
	return ECPR_OK;
}

/* Copy in (standard input, a pipe, ...) into a temporary file. */
static int
spool(FILE *in, const char *name, FILE **out, ecpr_error *err)
{
	char *buf;
	FILE *fp;
	size_t n;
	int bad = 0;

	*out = NULL;
	if (ecpr__tmp_file(&fp, err) != ECPR_OK)
		return err != NULL ? err->code : ECPR_EIO;
	buf = malloc(SPOOL_BLOCK);
	if (buf == NULL) {
		fclose(fp);
		return ecpr__error_set(err, ECPR_ENOMEM, name, 0,
		    "out of memory");
	}
	while ((n = fread(buf, 1, SPOOL_BLOCK, in)) > 0)
		if (fwrite(buf, 1, n, fp) != n) {
			bad = 1;
			break;
		}
	free(buf);
	if (bad || fflush(fp) != 0) {
		fclose(fp);
		return ecpr__error_set(err, ECPR_EIO, name, 0,
		    "cannot write a temporary file: %s", strerror(errno));
	}
	if (ferror(in)) {
		fclose(fp);
		return ecpr__error_set(err, ECPR_EIO, name, 0,
		    "read error: %s", strerror(errno));
	}
	rewind(fp);
	*out = fp;
	return ECPR_OK;
}

/*
 * Standard input, a pipe or a device cannot be read twice: spool it into
 * *fp (and close in).  A regular file is closed again: it is opened by
 * name when it is read (*fp = NULL).
 */
static int
add_input(FILE *in, const char *name, int is_stdin, FILE **fp,
    ecpr_error *err)
{
	struct stat st;
	int rc;

	*fp = NULL;
	if (!is_stdin && fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)) {
		fclose(in);
		return ECPR_OK;
	}
	rc = spool(in, name, fp, err);
	if (!is_stdin)
		fclose(in);
	return rc;
}

int
ecpr_source_add_file(ecpr_source *src, const char *path, ecpr_error *err)
{
	struct src_file *sf;
	ecpr_error e = ECPR_ERROR_INIT;
	FILE *in, *fp = NULL;
	int is_stdin;

	if (src == NULL || path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "source: no file");
	if (src->started)
		return ecpr__error_set(err, ECPR_EINVAL, path, 0,
		    "source: files must be added before reading");
	if (src->status) {
		if (err != NULL)
			*err = src->fail;
		return src->status;
	}
	is_stdin = strcmp(path, "-") == 0;
	in = is_stdin ? stdin : fopen(path, "rb");
	if (in == NULL) {
		ecpr__error_set(&e, ECPR_EIO, path, 0, "cannot open: %s",
		    strerror(errno));
		if (src->opts.on_error == NULL) {
			/* Not sticky: the caller may go on without it. */
			if (err != NULL)
				*err = e;
			return ECPR_EIO;
		}
		return src_error(src, &e, err);
	}
	if (add_input(in, is_stdin ? "<stdin>" : path, is_stdin, &fp,
	    &e) < 0)
		return e.code == ECPR_EIO ? src_error(src, &e, err) :
		    ecpr__error_set(err, e.code, e.file, 0, "%s", e.message);
	if (src->nfiles == src->capfiles) {
		size_t cap = src->capfiles ? src->capfiles * 2 : 4;

		sf = realloc(src->files, cap * sizeof(*sf));
		if (sf == NULL)
			goto nomem;
		src->files = sf;
		src->capfiles = cap;
	}
	sf = &src->files[src->nfiles];
	memset(sf, 0, sizeof(*sf));
	sf->name = strdup(is_stdin ? "<stdin>" : path);
	if (sf->name == NULL)
		goto nomem;
	if (fp == NULL && (sf->path = strdup(path)) == NULL) {
		free(sf->name);
		goto nomem;
	}
	sf->fp = fp;
	src->nfiles++;
	return ECPR_OK;
nomem:
	if (fp != NULL)
		fclose(fp);
	return ecpr__error_set(err, ECPR_ENOMEM, path, 0, "out of memory");
}

int
ecpr_source_next(ecpr_source *src, ecpr_episode **out, ecpr_error *err)
{
	int rc;

	if (out != NULL)
		*out = NULL;
	if (src == NULL || out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "source: no source or result pointer");
	if (src->status) {
		if (err != NULL)
			*err = src->fail;
		return src->status;
	}
	if (!src->started) {
		src->started = 1;
		rc = pass1(src, err);
		pass1_free(src->p1);
		src->p1 = NULL;
		if (rc < 0)
			return rc;
	}
	while (!src->finished && *out == NULL)
		if ((rc = pass2_step(src, out, err)) < 0) {
			if (*out != NULL) {
				ecpr_episode_free(*out);
				*out = NULL;
			}
			return rc;
		}
	return ECPR_OK;
}

size_t
ecpr_source_error_count(const ecpr_source *src)
{
	return src == NULL ? 0 : src->nerrors;
}

void
ecpr_source_progress(const ecpr_source *src, uint64_t *done,
    uint64_t *total)
{
	uint64_t d = 0, t = 0;

	if (src != NULL && src->started) {
		t = src->rows_total;
		d = src->finished ? t : src->rows_done;
	}
	if (done != NULL)
		*done = d > t ? t : d;
	if (total != NULL)
		*total = t;
}

void
ecpr_source_free(ecpr_source *src)
{
	size_t i;

	if (src == NULL)
		return;
	for (i = 0; i < src->nfiles; i++) {
		file_close(src, &src->files[i], 1);
		free(src->files[i].name);
		free(src->files[i].path);
		free(src->files[i].col);
		free(src->files[i].ib);
		free(src->files[i].kbuf);
	}
	free(src->files);
	pass1_free(src->p1);
	pend_free_all(src);
	ecpr__bigbuf_free(&src->infomem);
	if (src->info_fd >= 0)
		close(src->info_fd);
	free(src->tbuf);
	free(src->tfown);
	free(src->tlown);
	free(src);
}
