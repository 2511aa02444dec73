/*
 * source.c - case-record files (wide and long CSV) read as one source
 *
 * Two passes over the files.  Pass 1 reads only the key columns (site,
 * subject, episode) and makes a plan: per file, its fragments in order
 * (a fragment is a run of consecutive rows of one episode) with their
 * number of rows, and per episode the chain of its fragments across all
 * files.  It also finds the errors of framing and structure (CSV syntax,
 * a bad header, a wrong number of fields, a bad key, an episode twice in
 * a wide file).
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
 * grows only with the disorder between the files.  The plan costs some
 * tens of bytes per episode and per fragment.
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

#include "internal.h"

#define SPOOL_BLOCK 65536
#define ARENA_CHUNK 65536
#define EPISODE_MAX 2147483647L
#define OPEN_MAX_FILES 64 /* files open at once (fewer if RLIMIT_NOFILE is low) */
#define NO_FRAG UINT32_MAX
#define FRAG_SHIFT 12
#define FRAG_BLOCK (1u << FRAG_SHIFT) /* fragments per block (no realloc) */
#define KEY_SHIFT 12
#define KEY_BLOCK (1u << KEY_SHIFT) /* keys per block (no realloc) */

/* What a column holds. */
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

struct src_key {
	const char *key;        /* "site\0subject\0" in the arena */
	union {
		unsigned long last_line; /* pass 1: line of the last row */
		ecpr_episode *ep;   /* pass 2: the episode being built */
	} u;
	int32_t number;
	uint32_t hash;
	uint32_t frag;          /* pass 1: its last fragment; pass 2: its
	                           first fragment maybe unread; or NO_FRAG */
	unsigned flags;
};

/* A run of consecutive rows of one episode in one file. */
struct src_frag {
	uint32_t key;   /* key index */
	uint32_t rows;  /* rows with a valid key; pass 2: rows not yet read */
	uint32_t next;  /* next fragment of the same key, or NO_FRAG */
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

	uint32_t fstart; /* its fragments: frags[fstart .. fend - 1] */
	uint32_t fend;
	/* pass 2 */
	uint32_t frag;   /* the fragment being read; fend when done */
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

struct src_row {
	const char *site;
	const char *subject;
	long number;
	int valid; /* the key above could be read */
};

struct ecpr_source {
	ecpr_read_opts opts;

	struct src_file *files;
	size_t nfiles;
	size_t capfiles;

	struct src_key **kblk; /* keys, in blocks of KEY_BLOCK */
	uint32_t nkeys;
	uint32_t nkblk;
	uint32_t capkblk;
	uint32_t *slots; /* key index + 1, 0 when empty */
	uint32_t nslots; /* a power of two */
	struct ecpr__arena_chunk *arena;

	struct src_frag **fblk; /* fragments, in blocks of FRAG_BLOCK */
	uint32_t nfrags;
	uint32_t nfblk;
	uint32_t capfblk;

	int started;     /* pass 1 done, pass 2 under way */
	int chained;     /* pass 1 done: the keys hold episodes (u.ep) */
	int finished;    /* pass 2 done */
	size_t cur;      /* pass 2: the first file not yet read through */
	uint32_t focus;  /* pass 2: key index + 1 being completed, 0 none */
	size_t nopen;    /* files opened by name and still open */
	size_t maxopen;
	unsigned long tick;

	uint64_t rows_total; /* rows with a valid key, counted by pass 1 */
	uint64_t rows_done;  /* of them, read (or given up) by pass 2 */

	size_t nerrors;
	int status;      /* sticky failure (stop-at-first-error mode) */
	ecpr_error fail;

	char *tbuf;      /* trimmed copies of the fields of a row */
	size_t tcap;
	const char **tf; /* the trimmed fields */
	size_t tfcap;
};

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

/*
 * An error e was found.  With on_error set, a data or input error is
 * reported and counted and 0 is returned (go on); otherwise (and for
 * ENOMEM and EINVAL) it becomes the source's sticky failure and its code
 * is returned.
 */
static int
src_error(ecpr_source *src, const ecpr_error *e, ecpr_error *err)
{
	if (src->opts.on_error != NULL && e->code != ECPR_ENOMEM &&
	    e->code != ECPR_EINVAL) {
		src->nerrors++;
		src->opts.on_error(e, src->opts.ctx);
		return 0;
	}
	src->status = e->code;
	src->fail = *e;
	if (err != NULL)
		*err = *e;
	return e->code;
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
/* The key table                                                        */
/* ------------------------------------------------------------------ */

/* Key i. */
static struct src_key *
key_at(const ecpr_source *src, uint32_t i)
{
	return &src->kblk[i >> KEY_SHIFT][i & (KEY_BLOCK - 1)];
}

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

static char *
arena_alloc(ecpr_source *src, size_t n)
{
	return ecpr__arena_alloc(&src->arena, n, ARENA_CHUNK, ARENA_CHUNK);
}

static int
key_equal(const struct src_key *k, uint32_t h, const char *site,
    const char *subject, long number)
{
	return k->hash == h && k->number == number &&
	    strcmp(k->key, site) == 0 &&
	    strcmp(k->key + strlen(k->key) + 1, subject) == 0;
}

static int
slots_grow(ecpr_source *src)
{
	uint32_t n = src->nslots ? src->nslots * 2 : 1024, i;
	uint32_t *s;

	if (n < src->nslots)
		return -1;
	s = calloc(n, sizeof(*s));
	if (s == NULL)
		return -1;
	for (i = 0; i < src->nkeys; i++) {
		uint32_t j = key_at(src, i)->hash & (n - 1);

		while (s[j] != 0)
			j = (j + 1) & (n - 1);
		s[j] = i + 1;
	}
	free(src->slots);
	src->slots = s;
	src->nslots = n;
	return 0;
}

/*
 * Index + 1 of the key, or 0 when it is not there (insert == 0) or
 * memory ran out (insert == 1).  hint (index + 1 or 0) is tried first:
 * rows of one episode usually follow each other.
 */
static uint32_t
key_find(ecpr_source *src, uint32_t hint, const char *site,
    const char *subject, long number, int insert)
{
	uint32_t h, j;
	struct src_key *k;
	size_t ls, lj;
	char *p;

	if (hint != 0) {
		k = key_at(src, hint - 1);
		if (k->number == number && strcmp(k->key, site) == 0 &&
		    strcmp(k->key + strlen(k->key) + 1, subject) == 0)
			return hint;
	}
	h = key_hash(site, subject, number);
	if (src->nslots > 0) {
		j = h & (src->nslots - 1);
		while (src->slots[j] != 0) {
			if (key_equal(key_at(src, src->slots[j] - 1), h, site,
			    subject, number))
				return src->slots[j];
			j = (j + 1) & (src->nslots - 1);
		}
	}
	if (!insert)
		return 0;
	if (src->nkeys == UINT32_MAX - 1)
		return 0;
	if ((src->nkeys + 1) * 2 > src->nslots && slots_grow(src) < 0)
		return 0;
	if (src->nkeys == src->nkblk * KEY_BLOCK) {
		if (src->nkblk == src->capkblk) {
			uint32_t cap = src->capkblk ? src->capkblk * 2 : 16;
			struct src_key **b;

			b = realloc(src->kblk, (size_t)cap * sizeof(*b));
			if (b == NULL)
				return 0;
			src->kblk = b;
			src->capkblk = cap;
		}
		k = malloc(KEY_BLOCK * sizeof(*k));
		if (k == NULL)
			return 0;
		src->kblk[src->nkblk++] = k;
	}
	ls = strlen(site) + 1;
	lj = strlen(subject) + 1;
	p = arena_alloc(src, ls + lj);
	if (p == NULL)
		return 0;
	memcpy(p, site, ls);
	memcpy(p + ls, subject, lj);
	k = key_at(src, src->nkeys);
	memset(k, 0, sizeof(*k));
	k->frag = NO_FRAG;
	k->key = p;
	k->number = (int32_t)number;
	k->hash = h;
	j = h & (src->nslots - 1);
	while (src->slots[j] != 0)
		j = (j + 1) & (src->nslots - 1);
	src->slots[j] = ++src->nkeys;
	return src->nkeys;
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

/*
 * Trim the fields of a row (spaces and tabs at both ends) into src->tf.
 * A field without trailing blanks is used in place.  With keys set, only
 * its key columns are trimmed (pass 1 needs no more).
 */
static int
trim_row(ecpr_source *src, const char *const *f, size_t nf,
    const struct src_file *keys, ecpr_error *err)
{
	size_t i, need = 0, len, o = 0;
	const char *s;

	if (nf > src->tfcap) {
		const char **t = realloc(src->tf, nf * sizeof(*t));

		if (t == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		src->tf = t;
		src->tfcap = nf;
	}
	/* One look at each field: most need no trimming. */
	for (i = 0; i < nf; i++) {
		s = f[i];
		src->tf[i] = s;
		if (keys != NULL && !is_key_col(keys, i))
			continue;
		len = strlen(s);
		if (len > 0 && (is_blank(s[0]) || is_blank(s[len - 1]))) {
			src->tf[i] = NULL; /* trimmed below */
			need += len + 1;
		}
	}
	if (need == 0)
		return 0;
	if (need > src->tcap) {
		char *t = realloc(src->tbuf, need);

		if (t == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		src->tbuf = t;
		src->tcap = need;
	}
	for (i = 0; i < nf; i++) {
		if (src->tf[i] != NULL)
			continue;
		s = f[i];
		while (is_blank(*s))
			s++;
		len = strlen(s);
		while (len > 0 && is_blank(s[len - 1]))
			len--;
		memcpy(src->tbuf + o, s, len);
		src->tbuf[o + len] = '\0';
		src->tf[i] = src->tbuf + o;
		o += len + 1;
	}
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
	if ((rc = trim_row(src, f, nf, NULL, &e)) < 0)
		return src_error(src, &e, err);
	if ((rc = parse_header(src, sf, src->tf, nf,
	    ecpr__csv_line(sf->csv), err)) < 0)
		return rc;
	return sf->form == FORM_NONE ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* Pass 1                                                               */
/* ------------------------------------------------------------------ */

/* Fragment i. */
static struct src_frag *
frag(const ecpr_source *src, uint32_t i)
{
	return &src->fblk[i >> FRAG_SHIFT][i & (FRAG_BLOCK - 1)];
}

/* A new fragment of key idx (index + 1): 0 or -1 (none left). */
static int
frag_add(ecpr_source *src, uint32_t idx)
{
	struct src_frag *fr;

	if (src->nfrags == src->nfblk * FRAG_BLOCK) {
		if (src->nfblk == src->capfblk) {
			uint32_t cap = src->capfblk ? src->capfblk * 2 : 16;
			struct src_frag **b;

			b = realloc(src->fblk, (size_t)cap * sizeof(*b));
			if (b == NULL)
				return -1;
			src->fblk = b;
			src->capfblk = cap;
		}
		fr = malloc(FRAG_BLOCK * sizeof(*fr));
		if (fr == NULL)
			return -1;
		src->fblk[src->nfblk++] = fr;
	}
	fr = frag(src, src->nfrags++);
	fr->key = idx - 1;
	fr->rows = 0;
	/* Linked backwards for now: pass1_chain turns the chains round. */
	fr->next = key_at(src, idx - 1)->frag;
	key_at(src, idx - 1)->frag = src->nfrags - 1;
	return 0;
}

static int
pass1_file(ecpr_source *src, size_t fi, ecpr_error *err)
{
	struct src_file *sf = &src->files[fi];
	const char *const *f;
	ecpr_error e = ECPR_ERROR_INIT;
	struct src_row r;
	struct src_key *k;
	unsigned long line;
	uint32_t prev = 0, idx;
	unsigned char *keep = NULL;
	size_t nf, i;
	int rc;

	sf->fstart = sf->fend = src->nfrags;
	rc = open_file(src, sf, err);
	if (rc <= 0)
		goto out;
	/* Only the key columns are copied out of the rows. */
	keep = calloc(sf->ncols, 1);
	if (keep == NULL)
		goto nomem;
	for (i = 0; i < sf->ncols; i++)
		keep[i] = (unsigned char)is_key_col(sf, i);
	ecpr__csv_keep(sf->csv, keep, sf->ncols);
	for (;;) {
		rc = ecpr__csv_next(sf->csv, &f, &nf, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			sf->broken = 1;
			rc = src_error(src, &e, err);
			break;
		}
		line = ecpr__csv_line(sf->csv);
		if ((rc = trim_row(src, f, nf, sf, &e)) < 0) {
			rc = src_error(src, &e, err);
			break;
		}
		if (row_key(sf, nf, src->tf, line, &r, &e) < 0) {
			if (r.valid) {
				idx = key_find(src, 0, r.site, r.subject,
				    r.number, 1);
				if (idx == 0)
					goto nomem;
				key_at(src, idx - 1)->flags |= KEY_POISON;
			}
			if ((rc = src_error(src, &e, err)) < 0)
				break;
			continue;
		}
		idx = key_find(src, prev, r.site, r.subject, r.number, 1);
		if (idx == 0)
			goto nomem;
		k = key_at(src, idx - 1);
		if (sf->form == FORM_WIDE && k->frag != NO_FRAG &&
		    k->frag >= sf->fstart) {
			k->flags |= KEY_POISON;
			rc = src_errorf(src, err, ECPR_ERULE, sf->name, line,
			    "duplicate episode %s/%s/%ld: given twice in "
			    "this file (first on line %lu)", r.site, r.subject,
			    r.number, k->u.last_line);
			if (rc < 0)
				break;
		}
		if (idx != prev) {
			if (src->nfrags == NO_FRAG - 1 ||
			    src->nfblk == UINT32_MAX >> FRAG_SHIFT) {
				rc = src_errorf(src, err, ECPR_ERULE, sf->name,
				    line, "too many row groups");
				break;
			}
			if (frag_add(src, idx) < 0)
				goto nomem;
			prev = idx;
		}
		frag(src, src->nfrags - 1)->rows++;
		src->rows_total++;
		k->u.last_line = line;
	}
out:
	sf->fend = src->nfrags;
	file_close(src, sf, 0);
	free(keep);
	return rc < 0 ? rc : 0;
nomem:
	sf->fend = src->nfrags;
	file_close(src, sf, 0);
	free(keep);
	return src_errorf(src, err, ECPR_ENOMEM, sf->name, 0,
	    "out of memory");
}

/* Chain the fragments of each key in file order. */
static void
pass1_chain(ecpr_source *src)
{
	uint32_t i, f, next, head;
	size_t fi;

	for (i = 0; i < src->nkeys; i++) {
		key_at(src, i)->u.ep = NULL;
		head = NO_FRAG;
		for (f = key_at(src, i)->frag; f != NO_FRAG; f = next) {
			next = frag(src, f)->next;
			frag(src, f)->next = head;
			head = f;
		}
		key_at(src, i)->frag = head;
	}
	for (fi = 0; fi < src->nfiles; fi++)
		src->files[fi].frag = src->files[fi].fstart;
	src->chained = 1;
}

/* ------------------------------------------------------------------ */
/* Pass 2                                                               */
/* ------------------------------------------------------------------ */

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
	const char *tm = tf[sf->fixed[COL_TIME]];
	const char *note = sf->fixed[COL_NOTE] >= 0 ?
	    tf[sf->fixed[COL_NOTE]] : "";
	ecpr_error e;
	int type;

	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	if (ev[0] == '\0') {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"event\": empty value");
	} else if ((type = ecpr_event_lookup(ev)) < 0) {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"event\": unknown event \"%s\"", ev);
	} else if (tm[0] == '\0') {
		ecpr__error_set(&e, ECPR_EPARSE, sf->name, line,
		    "field \"time\": empty value for event \"%s\"", ev);
	} else if (ecpr_episode_add_event(k->u.ep, (ecpr_event_type)type, tm,
	    note[0] ? note : NULL, src->opts.tz, sf->name, line, &e) == 0) {
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
			rc = ecpr_episode_add_event(k->u.ep,
			    (ecpr_event_type)(c - COL_EV), tf[i], NULL,
			    src->opts.tz, sf->name, line, &e);
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
	if (k->u.ep == NULL &&
	    ecpr_episode_new(&k->u.ep, r->site, r->subject, r->number,
	    &e) < 0) {
		ecpr__error_locate(&e, sf->name, line);
		key_drop(k);
		return src_error(src, &e, err);
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
 * Whether key k has a fragment not yet read through; the ones read are
 * dropped from the head of its chain, and k->frag is the first unread.
 */
static int
key_pending(ecpr_source *src, struct src_key *k)
{
	while (k->frag != NO_FRAG && frag(src, k->frag)->rows == 0)
		k->frag = frag(src, k->frag)->next;
	return k->frag != NO_FRAG;
}

/*
 * A fragment of key ki has been read.  When it was the last, finish the
 * episode and hand it out in *out.
 */
static int
end_fragment(ecpr_source *src, uint32_t ki, ecpr_episode **out,
    ecpr_error *err)
{
	struct src_key *k = key_at(src, ki);
	ecpr_error e;
	ecpr_episode *ep;
	int rc;

	ecpr_error_clear(&e); /* cheap: no 1 KiB memset per row */
	if (key_pending(src, k) || k->u.ep == NULL)
		return 0;
	ep = k->u.ep;
	k->u.ep = NULL;
	if (k->flags & KEY_POISON) {
		ecpr_episode_free(ep);
		return 0;
	}
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
		k->flags |= KEY_POISON;
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

	for (; sf->frag < sf->fend; sf->frag++) {
		struct src_frag *fr = frag(src, sf->frag);

		key_drop(key_at(src, fr->key));
		src->rows_done += fr->rows;
		fr->rows = 0;
	}
	file_close(src, sf, 1);
	return rc;
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

/* The row of src->tf has the key of k. */
static int
key_is(const struct src_key *k, const struct src_row *r)
{
	return k->number == r->number && strcmp(k->key, r->site) == 0 &&
	    strcmp(k->key + strlen(k->key) + 1, r->subject) == 0;
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
	ecpr_error e;
	struct src_frag *fr;
	struct src_key *k;
	struct src_row r;
	unsigned long line;
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
	if ((rc = trim_row(src, f, nf, NULL, &e)) < 0)
		return src_error(src, &e, err);
	if (row_key(sf, nf, src->tf, line, &r, &e) < 0)
		return 0; /* reported in pass 1 */
	fr = frag(src, sf->frag);
	k = key_at(src, fr->key);
	if (!key_is(k, &r)) {
		ecpr__error_set(&e, ECPR_EIO, sf->name, line,
		    "the file changed while it was being read");
		return file_lost(src, sf, &e, err);
	}
	if (!(k->flags & KEY_POISON) &&
	    (rc = apply_row(src, sf, k, &r, line, err)) < 0)
		return rc;
	src->rows_done++;
	if (--fr->rows > 0)
		return 0;
	if (++sf->frag == sf->fend)
		file_close(src, sf, 1);
	return end_fragment(src, fr->key, out, err);
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
	struct src_key *k;
	uint32_t fi;

	for (;;) {
		if (src->focus != 0) {
			/* Its first fragment not yet read through. */
			k = key_at(src, src->focus - 1);
			if (key_pending(src, k))
				break;
			src->focus = 0;
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
		src->focus = frag(src, src->files[src->cur].frag)->key + 1;
	}
	fi = k->frag;
	return file_step(src, frag_file(src, fi), out, err);
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
	fp = tmpfile();
	if (fp == NULL)
		return ecpr__error_set(err, ECPR_EIO, name, 0,
		    "cannot create a temporary file: %s", strerror(errno));
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
		size_t i;

		src->started = 1;
		for (i = 0; i < src->nfiles; i++)
			if ((rc = pass1_file(src, i, err)) < 0)
				return rc;
		pass1_chain(src);
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
	uint32_t j;

	if (src == NULL)
		return;
	for (i = 0; i < src->nfiles; i++) {
		file_close(src, &src->files[i], 1);
		free(src->files[i].name);
		free(src->files[i].path);
		free(src->files[i].col);
	}
	free(src->files);
	for (j = 0; j < src->nfblk; j++)
		free(src->fblk[j]);
	free(src->fblk);
	for (j = 0; src->chained && j < src->nkeys; j++)
		ecpr_episode_free(key_at(src, j)->u.ep);
	for (j = 0; j < src->nkblk; j++)
		free(src->kblk[j]);
	free(src->kblk);
	free(src->slots);
	ecpr__arena_free(src->arena);
	free(src->tbuf);
	free(src->tf);
	free(src);
}
