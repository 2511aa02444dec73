/*
 * ecpr-table - print the durations table of ECPR case records
 *
 * Reads case-record files (wide and long CSV, mixed) through ecpr_source,
 * keeps one compact row per episode, sorts the rows and prints them as
 * the machine-readable csv contract or as a table for humans (text,
 * Markdown, LaTeX, HTML) in the episodes or the paper (Table 2) layout.
 * Nothing is written until every input has been accepted.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecpr.h"
#include "ecpr_db.h"
#include "progutil.h"
#include "sort.h"

#define USAGE_LINE \
	"ecpr-table [-k] [-f csv|text|markdown|latex|html] " \
	"[-l episodes|paper] [--tz ZONE] [-o FILE] [FILE ...]"

enum format { FMT_CSV, FMT_TEXT, FMT_MARKDOWN, FMT_LATEX, FMT_HTML };
enum layout { LAY_EPISODES, LAY_PAPER };

/* Intervention flags of the paper layout, in the paper's order. */
#define FL_PCI 0x01u
#define FL_IABP 0x02u
#define FL_CRRT 0x04u
#define FL_MV 0x08u
#define FL_DIED 0x10u /* died in hospital */

/*
 * One compact row per episode: the site (an index into the table of the
 * sites, which are few) and a single block of NUL-terminated strings:
 * subject, the ECPR_IV_COUNT formatted intervals and, for the paper
 * layout only, the ECPR_AT_COUNT attributes ("" when unknown).
 */
#define F_SUBJECT 0
#define F_IV 1
#define F_AT (F_IV + ECPR_IV_COUNT)
#define F_COUNT_EPISODES F_AT
#define F_COUNT_PAPER (F_AT + ECPR_AT_COUNT)

/* The csv output is written out in pieces of about this size. */
#define CSV_FLUSH 65536

struct row {
	char *blob;
	long episode;
	uint32_t site;  /* index into rows->sites; its rank once sorted */
	unsigned flags;
};

/* The blobs are cut from big chunks: no allocation per row. */
#define BLOB_CHUNK 65536

struct blob_chunk {
	struct blob_chunk *next;
	size_t used;
	size_t cap;
	char data[];
};

struct rows {
	struct row *v;
	size_t n;
	size_t cap;
	int paper; /* keep attributes and flags */
	struct blob_chunk *blobs;
	char **sites;     /* each site once; sorted by rows_sort */
	uint32_t nsites;
	uint32_t capsites;
	uint32_t *sslots; /* site hash: index + 1, 0 when empty */
	uint32_t nsslots; /* a power of two */
};

/* A growing output buffer; failed is set when memory ran out. */
struct sbuf {
	char *s;
	size_t n;
	size_t cap;
	int failed;
};

/* One run: options and the worst exit code so far. */
struct run {
	enum format format;
	enum layout layout;
	int keep_going;
	int code;
	size_t nreported;
	ecpr_error last; /* the last error reported, to avoid repeats */
};

/* ------------------------------------------------------------------ */
/* Output buffer                                                        */
/* ------------------------------------------------------------------ */

static void
sb_addn(struct sbuf *sb, const char *s, size_t len)
{
	char *p;
	size_t cap;

	if (sb->failed)
		return;
	if (sb->n + len + 1 > sb->cap) {
		cap = sb->cap ? sb->cap : 4096;
		while (sb->n + len + 1 > cap)
			cap *= 2;
		p = realloc(sb->s, cap);
		if (p == NULL) {
			sb->failed = 1;
			return;
		}
		sb->s = p;
		sb->cap = cap;
	}
	memcpy(sb->s + sb->n, s, len);
	sb->n += len;
	sb->s[sb->n] = '\0';
}

static void
sb_add(struct sbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

static void
sb_addc(struct sbuf *sb, char c)
{
	sb_addn(sb, &c, 1);
}

static void
sb_pad(struct sbuf *sb, size_t n)
{
	while (n-- > 0)
		sb_addc(sb, ' ');
}

/* ------------------------------------------------------------------ */
/* Rows                                                                 */
/* ------------------------------------------------------------------ */

/* Field i of a row's blob. */
static const char *
row_field(const struct row *r, int i)
{
	const char *p = r->blob;

	while (i-- > 0)
		p += strlen(p) + 1;
	return p;
}

static void
rows_free(struct rows *rows)
{
	struct blob_chunk *c, *next;
	uint32_t i;

	for (i = 0; i < rows->nsites; i++)
		free(rows->sites[i]);
	free(rows->sites);
	free(rows->sslots);
	rows->sites = NULL;
	rows->sslots = NULL;
	rows->nsites = rows->capsites = rows->nsslots = 0;
	for (c = rows->blobs; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	rows->blobs = NULL;
	free(rows->v);
	rows->v = NULL;
	rows->n = rows->cap = 0;
}

static uint32_t
site_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Index of site in rows->sites (added if new); -1 when memory ran out. */
static long
site_intern(struct rows *rows, const char *site)
{
	uint32_t h = site_hash(site), j, i;

	if (rows->nsslots > 0) {
		for (j = h & (rows->nsslots - 1); rows->sslots[j] != 0;
		    j = (j + 1) & (rows->nsslots - 1))
			if (strcmp(rows->sites[rows->sslots[j] - 1], site) == 0)
				return (long)rows->sslots[j] - 1;
	}
	if (rows->nsites == UINT32_MAX / 4)
		return -1;
	if ((rows->nsites + 1) * 2 > rows->nsslots) {
		uint32_t n = rows->nsslots ? rows->nsslots * 2 : 64;
		uint32_t *t = calloc(n, sizeof(*t));

		if (t == NULL)
			return -1;
		for (i = 0; i < rows->nsites; i++) {
			for (j = site_hash(rows->sites[i]) & (n - 1); t[j] != 0;
			    j = (j + 1) & (n - 1))
				;
			t[j] = i + 1;
		}
		free(rows->sslots);
		rows->sslots = t;
		rows->nsslots = n;
	}
	if (rows->nsites == rows->capsites) {
		uint32_t cap = rows->capsites ? rows->capsites * 2 : 16;
		char **t = realloc(rows->sites, cap * sizeof(*t));

		if (t == NULL)
			return -1;
		rows->sites = t;
		rows->capsites = cap;
	}
	if ((rows->sites[rows->nsites] = strdup(site)) == NULL)
		return -1;
	for (j = h & (rows->nsslots - 1); rows->sslots[j] != 0;
	    j = (j + 1) & (rows->nsslots - 1))
		;
	rows->sslots[j] = ++rows->nsites;
	return (long)rows->nsites - 1;
}

static int
site_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The site of a row. */
static const char *
row_site(const struct rows *rows, const struct row *r)
{
	return rows->sites[r->site];
}

/* len bytes for a row's blob, or NULL when memory ran out. */
static char *
blob_alloc(struct rows *rows, size_t len)
{
	struct blob_chunk *c = rows->blobs;
	char *p;

	if (c == NULL || c->cap - c->used < len) {
		size_t cap = len > BLOB_CHUNK ? len : BLOB_CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (c == NULL)
			return NULL;
		c->next = rows->blobs;
		c->used = 0;
		c->cap = cap;
		rows->blobs = c;
	}
	p = c->data + c->used;
	c->used += len;
	return p;
}

/* Rows in order of site, subject, episode; the sites are ranks here. */
static int
row_cmp(const void *a, const void *b)
{
	const struct row *ra = a, *rb = b;
	int c;

	c = (ra->site > rb->site) - (ra->site < rb->site);
	if (c == 0)
		c = strcmp(row_field(ra, F_SUBJECT), row_field(rb, F_SUBJECT));
	if (c == 0)
		c = (ra->episode > rb->episode) - (ra->episode < rb->episode);
	return c;
}

/*
 * Sort the sites, make each row's site its rank (so that rows compare
 * sites as numbers), then sort the rows.  Returns 0 or -1 (no memory).
 */
static int
rows_sort(struct rows *rows)
{
	uint32_t *rank, i;
	char **old;

	if (rows->nsites > 0) {
		old = malloc(rows->nsites * sizeof(*old));
		rank = malloc(rows->nsites * sizeof(*rank));
		if (old == NULL || rank == NULL) {
			free(old);
			free(rank);
			return -1;
		}
		memcpy(old, rows->sites, rows->nsites * sizeof(*old));
		ecpr__sort(rows->sites, rows->nsites, sizeof(*rows->sites),
		    site_cmp);
		/* the rank of each old index: find its string in the sorted */
		free(rows->sslots);
		rows->sslots = NULL;
		rows->nsslots = 0;
		for (i = 0; i < rows->nsites; i++) {
			char **hit = bsearch(&old[i], rows->sites,
			    rows->nsites, sizeof(*rows->sites), site_cmp);

			rank[i] = (uint32_t)(hit - rows->sites);
		}
		for (i = 0; i < rows->n; i++)
			rows->v[i].site = rank[rows->v[i].site];
		free(old);
		free(rank);
	}
	ecpr__sort(rows->v, rows->n, sizeof(*rows->v), row_cmp);
	return 0;
}

/* Did the patient die in hospital (death, and not after discharge)? */
static int
died_in_hospital(const ecpr_episode *ep)
{
	const ecpr_event *death, *dis;

	death = ecpr_episode_first(ep, ECPR_EV_DEATH);
	if (death == NULL)
		return 0;
	dis = ecpr_episode_first(ep, ECPR_EV_HOSPITAL_DISCHARGE);
	return dis == NULL || death->time.t <= dis->time.t;
}

/*
 * Make the compact row of a finished episode.  Returns an ecpr_status;
 * err names the problem (a negative interval).
 */
static int
rows_add(struct rows *rows, const ecpr_episode *ep, ecpr_error *err)
{
	ecpr_interval iv[ECPR_IV_COUNT];
	char cell[ECPR_IV_COUNT][64];
	const char *at[ECPR_AT_COUNT];
	const char *subject;
	struct row *r;
	size_t len, n;
	long site;
	char *p;
	int i, rc;

	rc = ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT, err);
	if (rc != ECPR_OK)
		return rc;
	site = site_intern(rows, ecpr_episode_site(ep));
	if (site < 0)
		goto nomem;
	subject = ecpr_episode_subject(ep);
	len = strlen(subject) + 1;
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		ecpr_interval_format(&iv[i], (ecpr_interval_id)i, cell[i],
		    sizeof(cell[i]));
		len += strlen(cell[i]) + 1;
	}
	if (rows->paper) {
		for (i = 0; i < ECPR_AT_COUNT; i++) {
			at[i] = ecpr_episode_attr(ep, (ecpr_attr_id)i);
			if (at[i] == NULL)
				at[i] = "";
			len += strlen(at[i]) + 1;
		}
	}
	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 64;

		r = realloc(rows->v, cap * sizeof(*r));
		if (r == NULL)
			goto nomem;
		rows->v = r;
		rows->cap = cap;
	}
	r = &rows->v[rows->n];
	memset(r, 0, sizeof(*r));
	r->blob = blob_alloc(rows, len);
	if (r->blob == NULL)
		goto nomem;
	r->site = (uint32_t)site;
	p = r->blob;
	n = strlen(subject) + 1;
	memcpy(p, subject, n);
	p += n;
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		n = strlen(cell[i]) + 1;
		memcpy(p, cell[i], n);
		p += n;
	}
	if (rows->paper) {
		for (i = 0; i < ECPR_AT_COUNT; i++) {
			n = strlen(at[i]) + 1;
			memcpy(p, at[i], n);
			p += n;
		}
		if (ecpr_episode_first(ep, ECPR_EV_PCI) != NULL)
			r->flags |= FL_PCI;
		if (ecpr_episode_first(ep, ECPR_EV_IABP_START) != NULL)
			r->flags |= FL_IABP;
		if (ecpr_episode_first(ep, ECPR_EV_CRRT_START) != NULL)
			r->flags |= FL_CRRT;
		if (ecpr_episode_first(ep, ECPR_EV_MV_START) != NULL)
			r->flags |= FL_MV;
		if (died_in_hospital(ep))
			r->flags |= FL_DIED;
	}
	r->episode = ecpr_episode_number(ep);
	rows->n++;
	return ECPR_OK;
nomem:
	if (err != NULL) {
		ecpr_error_clear(err);
		err->code = ECPR_ENOMEM;
		snprintf(err->message, sizeof(err->message), "out of memory");
	}
	return ECPR_ENOMEM;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

static int
same_error(const ecpr_error *a, const ecpr_error *b)
{
	return a->code == b->code && a->line == b->line &&
	    strcmp(a->file, b->file) == 0 &&
	    strcmp(a->message, b->message) == 0;
}

/*
 * Report one error and remember the worst exit code.  The same error
 * twice in a row (given to the callback, then returned) is printed once.
 */
static void
report(struct run *run, const ecpr_error *err)
{
	if (run->nreported > 0 && same_error(&run->last, err))
		return;
	prog_report(err);
	run->last = *err;
	run->nreported++;
	run->code = prog_worse(run->code, prog_exit_code(err->code));
}

static void
on_error(const ecpr_error *err, void *ctx)
{
	report(ctx, err);
}

/*
 * Collect the rows of every episode a source gives.  This is the one
 * place that knows where rows come from: another source (a database)
 * needs only another function of this shape.  Returns 0 when every
 * episode became a row, else leaves the reason in run->code.
 */
static int
collect_rows(struct rows *rows, ecpr_source *src, struct run *run)
{
	ecpr_error err = ECPR_ERROR_INIT, prev = ECPR_ERROR_INIT;
	ecpr_episode *ep;
	size_t nreturned = 0;
	int rc;

	for (;;) {
		ep = NULL;
		rc = ecpr_source_next(src, &ep, &err);
		if (rc != ECPR_OK) {
			ecpr_episode_free(ep);
			report(run, &err);
			/*
			 * Only data errors let a keep-going run go on, and
			 * only while the source moves on (not the same
			 * error returned twice).
			 */
			if (!run->keep_going || (rc != ECPR_EPARSE &&
			    rc != ECPR_ERULE) || (nreturned > 0 &&
			    same_error(&prev, &err)))
				break;
			prev = err;
			nreturned++;
			ecpr_error_clear(&err);
			continue;
		}
		if (ep == NULL)
			break;
		/* Once the run has failed, rows are no longer needed. */
		rc = run->code == 0 ? rows_add(rows, ep, &err) : ECPR_OK;
		ecpr_episode_free(ep);
		if (rc != ECPR_OK) {
			report(run, &err);
			if (!run->keep_going || rc == ECPR_ENOMEM)
				break;
			ecpr_error_clear(&err);
		}
	}
	return run->code;
}

/* Open the files as one source and collect their rows. */
static int
read_files(struct rows *rows, const char *const files[], int nfiles,
    const ecpr_tz *tz, struct run *run)
{
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_source *src = NULL;
	int i, rc;

	opts.tz = tz;
	if (run->keep_going) {
		opts.on_error = on_error;
		opts.ctx = run;
	}
	rc = ecpr_source_new(&src, &opts, &err);
	if (rc != ECPR_OK) {
		report(run, &err);
		return run->code;
	}
	for (i = 0; i < nfiles; i++) {
		rc = ecpr_source_add_file(src, files[i], &err);
		if (rc != ECPR_OK) {
			report(run, &err);
			if (!run->keep_going)
				break;
			ecpr_error_clear(&err);
		}
	}
	if (run->code == 0 || run->keep_going)
		collect_rows(rows, src, run);
	if (ecpr_source_error_count(src) > 0 && run->code == 0)
		run->code = EX_DATAERR;
	ecpr_source_free(src);
	return run->code;
}

/*
 * Collect the rows of the registry's episodes that match filter
 * (conninfo "" or NULL: the PG* environment, else the embedded registry).
 */
static int
read_db(struct rows *rows, const char *conninfo,
    const ecpr_db_filter *filter, struct run *run)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db *db = NULL;
	ecpr_db_reader *rd = NULL;
	ecpr_episode *ep;
	int rc;

	rc = ecpr_db_connect(&db, conninfo != NULL && *conninfo != '\0' ?
	    conninfo : NULL, &err);
	if (rc == ECPR_OK)
		rc = ecpr_db_read_begin(&rd, db, filter, &err);
	while (rc == ECPR_OK) {
		ep = NULL;
		if ((rc = ecpr_db_read_next(rd, &ep, &err)) != ECPR_OK ||
		    ep == NULL)
			break;
		rc = rows_add(rows, ep, &err);
		ecpr_episode_free(ep);
	}
	if (rc != ECPR_OK)
		report(run, &err);
	ecpr_db_read_free(rd);
	ecpr_db_close(db);
	return run->code;
}

/* ------------------------------------------------------------------ */
/* The table model: a header row, body rows, footnotes                  */
/* ------------------------------------------------------------------ */

/* A cell: text, an optional footnote mark and a text after the mark. */
struct cell {
	const char *text;
	const char *mark;
	const char *after;
};

struct note {
	const char *mark; /* NULL: "term: text" */
	const char *term;
	const char *text;
};

struct grid {
	size_t ncol;
	size_t nrow; /* body rows */
	struct cell *cells; /* (nrow + 1) * ncol, row 0 is the header */
	struct note notes[ECPR_IV_COUNT];
	size_t nnotes;
	const char *abbrev;
	char *heap; /* strings made for this grid (headings) */
};

static struct cell *
grid_cell(const struct grid *g, size_t row, size_t col)
{
	return &g->cells[row * g->ncol + col];
}

static const char *const abbrev_episodes =
    "CA cardiac arrest, CPC cerebral performance category, "
    "CPR cardiopulmonary resuscitation, ECMO extracorporeal membrane "
    "oxygenation, ECPR extracorporeal cardiopulmonary resuscitation, "
    "ICU intensive care unit, MCC mechanical chest compression, "
    "ROSC return of spontaneous circulation";

static const char *const abbrev_paper =
    "APACHE Acute Physiology and Chronic Health Evaluation, "
    "BMI body mass index, CA cardiac arrest, CC chest compression, "
    "CPC cerebral performance category, CPR cardiopulmonary "
    "resuscitation, CRRT continuous renal replacement treatment, "
    "ECMO extracorporeal membrane oxygenation, ECPR extracorporeal "
    "cardiopulmonary resuscitation, IABP intra-aortic balloon pump, "
    "ICU intensive care unit, MV mechanical ventilation, "
    "PCI percutaneous coronary intervention, "
    "ROSC return of spontaneous circulation";

static void
grid_free(struct grid *g)
{
	free(g->cells);
	free(g->heap);
	memset(g, 0, sizeof(*g));
}

static int
grid_alloc(struct grid *g, size_t ncol, size_t nrow)
{
	memset(g, 0, sizeof(*g));
	g->ncol = ncol;
	g->nrow = nrow;
	g->cells = calloc((nrow + 1) * ncol, sizeof(*g->cells));
	return g->cells != NULL ? 0 : -1;
}

/* The episodes layout: site, subject, episode and the intervals. */
static int
grid_episodes(struct grid *g, const struct rows *rows)
{
	size_t i, len;
	char *p;
	int j;

	if (grid_alloc(g, 3 + ECPR_IV_COUNT, rows->n) != 0)
		return -1;
	/* Episode numbers as text, 24 bytes each. */
	len = rows->n * 24 + 1;
	g->heap = malloc(len);
	if (g->heap == NULL)
		return -1;
	grid_cell(g, 0, 0)->text = "site";
	grid_cell(g, 0, 1)->text = "subject";
	grid_cell(g, 0, 2)->text = "episode";
	for (j = 0; j < ECPR_IV_COUNT; j++) {
		grid_cell(g, 0, 3 + (size_t)j)->text =
		    ecpr_interval_name((ecpr_interval_id)j);
		g->notes[j].term = ecpr_interval_name((ecpr_interval_id)j);
		g->notes[j].text =
		    ecpr_interval_definition((ecpr_interval_id)j);
	}
	g->nnotes = ECPR_IV_COUNT;
	g->abbrev = abbrev_episodes;
	p = g->heap;
	for (i = 0; i < rows->n; i++) {
		snprintf(p, 24, "%ld", rows->v[i].episode);
		grid_cell(g, i + 1, 0)->text = row_site(rows, &rows->v[i]);
		grid_cell(g, i + 1, 1)->text =
		    row_field(&rows->v[i], F_SUBJECT);
		grid_cell(g, i + 1, 2)->text = p;
		for (j = 0; j < ECPR_IV_COUNT; j++)
			grid_cell(g, i + 1, 3 + (size_t)j)->text =
			    row_field(&rows->v[i], F_IV + j);
		p += 24;
	}
	return 0;
}

/* Display words for coded attributes. */
struct code_word {
	const char *code;
	const char *word;
};

static const struct code_word words[] = {
	{ "M", "Male" }, { "F", "Female" }, { "U", "Unknown" },
	{ "home", "Home" }, { "street", "Street" },
	{ "public", "Public place" }, { "ems", "EMS" }, { "ed", "ED" },
	{ "icu", "ICU" }, { "ward", "Ward" }, { "cath_lab", "Cath lab" },
	{ "other", "Other" },
	{ "bystander", "Bystander" }, { "first_aider", "First-aider" },
	{ "physician", "Physician" }, { "nurse", "Nurse" },
	{ "intensivist", "Intensivist" },
	{ "vf", "VF" }, { "pvt", "pVT" }, { "pea", "PEA" },
	{ "asystole", "Asystole" }, { "unknown", "Unknown" },
	{ "percutaneous", "Percutaneous" }, { "surgical", "Surgical" },
	{ "hybrid", "Hybrid" },
};

static const char *
word_for(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].code, code) == 0)
			return words[i].word;
	return code;
}

/* The rows of the paper layout (Table 2 of the seed paper). */
enum pkind { P_ATTR, P_WORD, P_IV, P_INTERVENTIONS, P_CPC };

struct prow {
	const char *label;
	const char *mark;
	const char *after;
	enum pkind kind;
	int id; /* attribute or interval id */
};

static const struct prow paper_rows[] = {
	{ "Age, years", NULL, NULL, P_ATTR, ECPR_AT_AGE_YEARS },
	{ "Sex", NULL, NULL, P_WORD, ECPR_AT_SEX },
	{ "BMI, kg/m2", NULL, NULL, P_ATTR, ECPR_AT_BMI },
	{ "Primary disease", NULL, NULL, P_ATTR, ECPR_AT_PRIMARY_DISEASE },
	{ "Site of CA", NULL, NULL, P_WORD, ECPR_AT_CA_LOCATION },
	{ "First CPR provider", NULL, NULL, P_WORD,
	    ECPR_AT_FIRST_CPR_PROVIDER },
	{ "Initial rhythm", NULL, NULL, P_WORD, ECPR_AT_INITIAL_RHYTHM },
	/* interval rows: label, mark and unit from the definitions */
	{ NULL, NULL, NULL, P_IV, ECPR_IV_CONVENTIONAL_CPR_MIN },
	{ NULL, NULL, NULL, P_IV, ECPR_IV_MECHANICAL_CC_MIN },
	{ NULL, NULL, NULL, P_IV, ECPR_IV_CARDIAC_ARREST_MIN },
	{ NULL, NULL, NULL, P_IV, ECPR_IV_ECMO_SETUP_MIN },
	{ "Method for ECMO cannulation", NULL, NULL, P_WORD,
	    ECPR_AT_CANNULATION_METHOD },
	{ "APACHE II score at ECPR initiation", NULL, NULL, P_ATTR,
	    ECPR_AT_APACHE2 },
	{ "Assistant major intervention(s)", NULL, NULL, P_INTERVENTIONS, 0 },
	{ NULL, NULL, NULL, P_IV, ECPR_IV_ECPR_DAYS },
	{ NULL, NULL, NULL, P_IV, ECPR_IV_ICU_DAYS },
	{ NULL, NULL, NULL, P_IV, ECPR_IV_HOSPITAL_DAYS },
	{ NULL, NULL, NULL, P_CPC, ECPR_IV_CPC_DISCHARGE },
};

#define NPAPER (sizeof(paper_rows) / sizeof(paper_rows[0]))

/* The unit after an interval row's label: ", min". */
static const char *
unit_suffix(ecpr_interval_id id)
{
	switch (ecpr_interval_unit(id)) {
	case ECPR_UNIT_MINUTE:
		return ", min";
	case ECPR_UNIT_DECIDAY:
		return ", day";
	default:
		return NULL;
	}
}

/* Headings (subject, "subject #N" for later episodes). */
#define HEAD_MAX 32

static int
grid_paper(struct grid *g, const struct rows *rows)
{
	static const char *const iv_names[] = { "PCI", "IABP", "CRRT",
		"MV" };
	char mark[2] = "a";
	size_t i, k, len, hlen;
	const struct row *r;
	char *p;
	unsigned bit;
	int j;

	if (grid_alloc(g, rows->n + 1, NPAPER) != 0)
		return -1;
	/* Headings, then one interventions text per case. */
	len = 0;
	for (i = 0; i < rows->n; i++)
		len += strlen(row_field(&rows->v[i], F_SUBJECT)) + HEAD_MAX +
		    sizeof("PCI, IABP, CRRT, MV");
	g->heap = malloc(len + 1);
	if (g->heap == NULL)
		return -1;
	p = g->heap;
	grid_cell(g, 0, 0)->text = "Characteristics";
	for (i = 0; i < rows->n; i++) {
		r = &rows->v[i];
		hlen = strlen(row_field(r, F_SUBJECT)) + HEAD_MAX;
		if (r->episode == 1)
			snprintf(p, hlen, "%s", row_field(r, F_SUBJECT));
		else
			snprintf(p, hlen, "%s #%ld", row_field(r, F_SUBJECT),
			    r->episode);
		grid_cell(g, 0, i + 1)->text = p;
		p += hlen;
	}
	for (k = 0; k < NPAPER; k++) {
		const struct prow *pr = &paper_rows[k];
		struct cell *c = grid_cell(g, k + 1, 0);

		if (pr->kind == P_IV || pr->kind == P_CPC) {
			c->text = ecpr_interval_label((ecpr_interval_id)pr->id);
			c->mark = ecpr_interval_mark((ecpr_interval_id)pr->id);
			c->after = unit_suffix((ecpr_interval_id)pr->id);
		} else {
			c->text = pr->label;
			c->mark = pr->mark;
			c->after = pr->after;
		}
		for (i = 0; i < rows->n; i++) {
			r = &rows->v[i];
			c = grid_cell(g, k + 1, i + 1);
			switch (pr->kind) {
			case P_ATTR:
				c->text = row_field(r, F_AT + pr->id);
				break;
			case P_WORD:
				c->text = word_for(row_field(r, F_AT + pr->id));
				break;
			case P_IV:
				c->text = row_field(r, F_IV + pr->id);
				break;
			case P_CPC:
				c->text = (r->flags & FL_DIED) ? "Death" :
				    row_field(r, F_IV + pr->id);
				break;
			case P_INTERVENTIONS:
				*p = '\0';
				for (j = 0, bit = FL_PCI; j < 4;
				    j++, bit <<= 1) {
					if (!(r->flags & bit))
						continue;
					if (*p != '\0')
						strcat(p, ", ");
					strcat(p, iv_names[j]);
				}
				c->text = *p != '\0' ? p : "None";
				p += sizeof("PCI, IABP, CRRT, MV");
				break;
			}
		}
	}
	/* Footnotes in mark order (a, b, ...): every marked interval. */
	g->nnotes = 0;
	for (mark[0] = 'a'; mark[0] <= 'z'; mark[0]++)
		for (j = 0; j < ECPR_IV_COUNT; j++) {
			ecpr_interval_id id = (ecpr_interval_id)j;
			const char *m = ecpr_interval_mark(id);

			if (m == NULL || strcmp(m, mark) != 0)
				continue;
			g->notes[g->nnotes].mark = m;
			g->notes[g->nnotes].term = ecpr_interval_label(id);
			g->notes[g->nnotes].text =
			    ecpr_interval_definition(id);
			g->nnotes++;
		}
	g->abbrev = abbrev_paper;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Renderers                                                            */
/* ------------------------------------------------------------------ */

/* Columns a UTF-8 string takes on a terminal (wide East Asian = 2). */
static size_t
display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	uint32_t c;
	int n;

	while (*p != '\0') {
		if (*p < 0x80) {
			c = *p;
			n = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p & 0x1f;
			n = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p & 0x0f;
			n = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			c = *p & 0x07;
			n = 3;
		} else {
			c = 0xfffd;
			n = 0;
		}
		p++;
		while (n > 0 && (*p & 0xc0) == 0x80) {
			c = (c << 6) | (*p & 0x3f);
			p++;
			n--;
		}
		if ((c >= 0x0300 && c <= 0x036f) || c == 0x200b ||
		    (c >= 0xfe00 && c <= 0xfe0f))
			continue; /* combining marks, zero width */
		if ((c >= 0x1100 && c <= 0x115f) ||
		    (c >= 0x2e80 && c <= 0xa4cf) ||
		    (c >= 0xac00 && c <= 0xd7a3) ||
		    (c >= 0xf900 && c <= 0xfaff) ||
		    (c >= 0xfe30 && c <= 0xfe4f) ||
		    (c >= 0xff00 && c <= 0xff60) ||
		    (c >= 0xffe0 && c <= 0xffe6) ||
		    (c >= 0x1f300 && c <= 0x1faff) ||
		    (c >= 0x20000 && c <= 0x3fffd))
			w += 2;
		else
			w += 1;
	}
	return w;
}

/* A cell as plain text: "Conventional CPR duration (a), min". */
static void
plain_cell(struct sbuf *sb, const struct cell *c)
{
	sb_add(sb, c->text != NULL ? c->text : "");
	if (c->mark != NULL) {
		sb_add(sb, " (");
		sb_add(sb, c->mark);
		sb_addc(sb, ')');
	}
	if (c->after != NULL)
		sb_add(sb, c->after);
}

static void
csv_field(struct sbuf *sb, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		sb_add(sb, s);
		return;
	}
	sb_addc(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			sb_addc(sb, '"');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

/* Make room for len more bytes at once (no doubling beyond need). */
static void
sb_reserve(struct sbuf *sb, size_t len)
{
	char *p;

	if (sb->failed || sb->n + len + 1 <= sb->cap)
		return;
	p = realloc(sb->s, sb->n + len + 1);
	if (p == NULL) {
		sb->failed = 1;
		return;
	}
	sb->s = p;
	sb->cap = sb->n + len + 1;
}

/* Write out what sb holds and empty it; -1 on a write error. */
static int
sb_flush(struct sbuf *sb, FILE *fp)
{
	if (sb->n > 0 && fwrite(sb->s, 1, sb->n, fp) != sb->n)
		return -1;
	sb->n = 0;
	return 0;
}

/*
 * The csv contract of the episodes layout, straight from the rows to fp
 * through a small buffer, so that the rows and the output are not both
 * held in full.  Returns 0, -1 on a write error (errno) or -2 when
 * memory ran out.
 */
static int
render_csv_episodes(struct sbuf *sb, const struct rows *rows, FILE *fp)
{
	char num[24];
	size_t i;
	const char *p;
	int j, n;

	sb_reserve(sb, CSV_FLUSH + 4096);
	sb_add(sb, "site,subject,episode");
	for (j = 0; j < ECPR_IV_COUNT; j++) {
		sb_addc(sb, ',');
		sb_add(sb, ecpr_interval_name((ecpr_interval_id)j));
	}
	sb_addc(sb, '\n');
	for (i = 0; i < rows->n; i++) {
		const struct row *r = &rows->v[i];

		p = r->blob;
		csv_field(sb, row_site(rows, r));
		sb_addc(sb, ',');
		csv_field(sb, p);
		p += strlen(p) + 1;
		n = snprintf(num, sizeof(num), ",%ld", r->episode);
		sb_addn(sb, num, (size_t)n);
		for (j = 0; j < ECPR_IV_COUNT; j++) {
			size_t len = strlen(p);

			sb_addc(sb, ',');
			sb_addn(sb, p, len);
			p += len + 1;
		}
		sb_addc(sb, '\n');
		if (sb->failed)
			return -2;
		if (sb->n >= CSV_FLUSH && sb_flush(sb, fp) < 0)
			return -1;
	}
	if (sb->failed)
		return -2;
	return sb_flush(sb, fp);
}

/* Any grid as csv (the transposed paper layout). */
static void
render_csv_grid(struct sbuf *sb, const struct grid *g)
{
	struct sbuf tmp = { NULL, 0, 0, 0 };
	size_t i, j;

	for (i = 0; i <= g->nrow; i++) {
		for (j = 0; j < g->ncol; j++) {
			if (j > 0)
				sb_addc(sb, ',');
			tmp.n = 0;
			plain_cell(&tmp, grid_cell(g, i, j));
			if (tmp.failed) {
				sb->failed = 1;
				break;
			}
			csv_field(sb, tmp.s != NULL ? tmp.s : "");
		}
		sb_addc(sb, '\n');
	}
	free(tmp.s);
}

static void
note_plain(struct sbuf *sb, const struct note *nt)
{
	if (nt->mark != NULL) {
		sb_addc(sb, '(');
		sb_add(sb, nt->mark);
		sb_add(sb, ") ");
	}
	sb_add(sb, nt->term);
	sb_add(sb, ": ");
	sb_add(sb, nt->text != NULL ? nt->text : "");
}

static void
render_text(struct sbuf *sb, const struct grid *g)
{
	struct sbuf tmp = { NULL, 0, 0, 0 };
	size_t *width, i, j, w, *off;

	width = calloc(g->ncol, sizeof(*width));
	off = calloc((g->nrow + 1) * g->ncol + 1, sizeof(*off));
	if (width == NULL || off == NULL) {
		sb->failed = 1;
		goto out;
	}
	/* Render every cell once into tmp, NUL-separated. */
	for (i = 0; i <= g->nrow; i++) {
		for (j = 0; j < g->ncol; j++) {
			off[i * g->ncol + j] = tmp.n;
			plain_cell(&tmp, grid_cell(g, i, j));
			sb_addc(&tmp, '\0');
		}
	}
	if (tmp.failed) {
		sb->failed = 1;
		goto out;
	}
	for (i = 0; i <= g->nrow; i++) {
		for (j = 0; j < g->ncol; j++) {
			w = display_width(tmp.s + off[i * g->ncol + j]);
			if (w > width[j])
				width[j] = w;
		}
	}
	for (i = 0; i <= g->nrow; i++) {
		for (j = 0; j < g->ncol; j++) {
			const char *s = tmp.s + off[i * g->ncol + j];

			if (j > 0)
				sb_add(sb, "  ");
			sb_add(sb, s);
			if (j + 1 < g->ncol)
				sb_pad(sb, width[j] - display_width(s));
		}
		/* No trailing blanks (empty cells at the end of a line). */
		while (sb->n > 0 && sb->s[sb->n - 1] == ' ')
			sb->s[--sb->n] = '\0';
		sb_addc(sb, '\n');
		if (i == 0) {
			for (j = 0; j < g->ncol; j++) {
				if (j > 0)
					sb_add(sb, "  ");
				for (w = 0; w < width[j]; w++)
					sb_addc(sb, '-');
			}
			sb_addc(sb, '\n');
		}
	}
	sb_addc(sb, '\n');
	for (i = 0; i < g->nnotes; i++) {
		note_plain(sb, &g->notes[i]);
		sb_addc(sb, '\n');
	}
	sb_add(sb, "Abbreviations: ");
	sb_add(sb, g->abbrev);
	sb_add(sb, ".\n");
out:
	free(tmp.s);
	free(width);
	free(off);
}

static void
md_escape(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>|", *s) != NULL)
			sb_addc(sb, '\\');
		sb_addc(sb, *s);
	}
}

static void
render_markdown(struct sbuf *sb, const struct grid *g)
{
	struct sbuf tmp = { NULL, 0, 0, 0 };
	size_t i, j;

	for (i = 0; i <= g->nrow; i++) {
		sb_addc(sb, '|');
		for (j = 0; j < g->ncol; j++) {
			tmp.n = 0;
			plain_cell(&tmp, grid_cell(g, i, j));
			sb_addc(sb, ' ');
			md_escape(sb, tmp.s != NULL ? tmp.s : "");
			sb_add(sb, " |");
		}
		sb_addc(sb, '\n');
		if (i == 0) {
			sb_addc(sb, '|');
			for (j = 0; j < g->ncol; j++)
				sb_add(sb, " --- |");
			sb_addc(sb, '\n');
		}
	}
	if (tmp.failed)
		sb->failed = 1;
	free(tmp.s);
	for (i = 0; i < g->nnotes; i++) {
		const struct note *nt = &g->notes[i];

		sb_addc(sb, '\n');
		if (nt->mark != NULL) {
			sb_add(sb, "<sup>");
			sb_add(sb, nt->mark);
			sb_add(sb, "</sup> ");
		}
		md_escape(sb, nt->term);
		sb_add(sb, ": ");
		md_escape(sb, nt->text != NULL ? nt->text : "");
		sb_addc(sb, '\n');
	}
	sb_add(sb, "\nAbbreviations: ");
	md_escape(sb, g->abbrev);
	sb_add(sb, ".\n");
}

static void
tex_escape(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
		case '%':
		case '$':
		case '#':
		case '_':
		case '{':
		case '}':
			sb_addc(sb, '\\');
			sb_addc(sb, *s);
			break;
		case '~':
			sb_add(sb, "\\textasciitilde{}");
			break;
		case '^':
			sb_add(sb, "\\textasciicircum{}");
			break;
		case '\\':
			sb_add(sb, "\\textbackslash{}");
			break;
		default:
			sb_addc(sb, *s);
			break;
		}
	}
}

static void
tex_cell(struct sbuf *sb, const struct cell *c)
{
	tex_escape(sb, c->text != NULL ? c->text : "");
	if (c->mark != NULL) {
		sb_add(sb, "\\textsuperscript{");
		tex_escape(sb, c->mark);
		sb_addc(sb, '}');
	}
	if (c->after != NULL)
		tex_escape(sb, c->after);
}

static void
render_latex(struct sbuf *sb, const struct grid *g)
{
	size_t i, j;

	sb_add(sb, "\\begin{tabular}{");
	for (j = 0; j < g->ncol; j++)
		sb_addc(sb, 'l');
	sb_add(sb, "}\n\\toprule\n");
	for (i = 0; i <= g->nrow; i++) {
		for (j = 0; j < g->ncol; j++) {
			if (j > 0)
				sb_add(sb, " & ");
			tex_cell(sb, grid_cell(g, i, j));
		}
		sb_add(sb, " \\\\\n");
		if (i == 0)
			sb_add(sb, "\\midrule\n");
	}
	sb_add(sb, "\\bottomrule\n\\end{tabular}\n\n");
	for (i = 0; i < g->nnotes; i++) {
		const struct note *nt = &g->notes[i];

		if (nt->mark != NULL) {
			sb_add(sb, "\\textsuperscript{");
			tex_escape(sb, nt->mark);
			sb_add(sb, "}~");
		}
		tex_escape(sb, nt->term);
		sb_add(sb, ": ");
		tex_escape(sb, nt->text != NULL ? nt->text : "");
		sb_add(sb, "\\par\n");
	}
	sb_add(sb, "Abbreviations: ");
	tex_escape(sb, g->abbrev);
	sb_add(sb, ".\\par\n");
}

static void
html_escape(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			sb_add(sb, "&amp;");
			break;
		case '<':
			sb_add(sb, "&lt;");
			break;
		case '>':
			sb_add(sb, "&gt;");
			break;
		case '"':
			sb_add(sb, "&quot;");
			break;
		case '\'':
			sb_add(sb, "&#39;");
			break;
		default:
			sb_addc(sb, *s);
			break;
		}
	}
}

static void
html_cell(struct sbuf *sb, const struct cell *c)
{
	html_escape(sb, c->text != NULL ? c->text : "");
	if (c->mark != NULL) {
		sb_add(sb, "<sup>");
		html_escape(sb, c->mark);
		sb_add(sb, "</sup>");
	}
	if (c->after != NULL)
		html_escape(sb, c->after);
}

static void
render_html(struct sbuf *sb, const struct grid *g)
{
	char colspan[32];
	size_t i, j;

	snprintf(colspan, sizeof(colspan), "<tr><td colspan=\"%zu\">",
	    g->ncol);
	sb_add(sb, "<table class=\"ecpr-table\">\n<thead>\n<tr>");
	for (j = 0; j < g->ncol; j++) {
		sb_add(sb, "<th scope=\"col\">");
		html_cell(sb, grid_cell(g, 0, j));
		sb_add(sb, "</th>");
	}
	sb_add(sb, "</tr>\n</thead>\n<tbody>\n");
	for (i = 1; i <= g->nrow; i++) {
		sb_add(sb, "<tr>");
		for (j = 0; j < g->ncol; j++) {
			sb_add(sb, j == 0 ? "<th scope=\"row\">" : "<td>");
			html_cell(sb, grid_cell(g, i, j));
			sb_add(sb, j == 0 ? "</th>" : "</td>");
		}
		sb_add(sb, "</tr>\n");
	}
	sb_add(sb, "</tbody>\n<tfoot>\n");
	for (i = 0; i < g->nnotes; i++) {
		const struct note *nt = &g->notes[i];

		sb_add(sb, colspan);
		if (nt->mark != NULL) {
			sb_add(sb, "<sup>");
			html_escape(sb, nt->mark);
			sb_add(sb, "</sup> ");
		}
		html_escape(sb, nt->term);
		sb_add(sb, ": ");
		html_escape(sb, nt->text != NULL ? nt->text : "");
		sb_add(sb, "</td></tr>\n");
	}
	sb_add(sb, colspan);
	sb_add(sb, "Abbreviations: ");
	html_escape(sb, g->abbrev);
	sb_add(sb, ".</td></tr>\n</tfoot>\n</table>\n");
}

/* Build the whole output in sb.  Returns 0, or -1 when out of memory. */
static int
render(struct sbuf *sb, struct rows *rows, const struct run *run)
{
	struct grid g;
	int rc;

	if (run->layout == LAY_PAPER)
		rc = grid_paper(&g, rows);
	else
		rc = grid_episodes(&g, rows);
	if (rc == 0) {
		switch (run->format) {
		case FMT_CSV:
			render_csv_grid(sb, &g);
			break;
		case FMT_TEXT:
			render_text(sb, &g);
			break;
		case FMT_MARKDOWN:
			render_markdown(sb, &g);
			break;
		case FMT_LATEX:
			render_latex(sb, &g);
			break;
		case FMT_HTML:
			render_html(sb, &g);
			break;
		}
	}
	grid_free(&g);
	return rc != 0 || sb->failed ? -1 : 0;
}

/*
 * The csv contract of the episodes layout, written as it is made (to a
 * temporary file renamed at the end, or to standard output).
 */
static int
write_csv_episodes(const char *path, const struct rows *rows)
{
	struct sbuf sb = { NULL, 0, 0, 0 };
	prog_outfile of;
	int rc, code;

	code = prog_outfile_open(&of, path != NULL ? path : "-");
	if (code != 0)
		return code;
	rc = render_csv_episodes(&sb, rows, of.fp);
	free(sb.s);
	if (rc == -2) {
		prog_outfile_close(&of, 0);
		prog_error("out of memory");
		return EX_OSERR;
	}
	code = prog_outfile_close(&of, rc == 0);
	if (rc != 0 && code == 0) {
		prog_error("%s: cannot write: %s", path != NULL ? path :
		    "standard output", strerror(errno));
		code = EX_IOERR;
	}
	return code;
}

/* ------------------------------------------------------------------ */
/* Main                                                                 */
/* ------------------------------------------------------------------ */

static void
usage(void)
{
	printf("usage: %s\n"
	    "Print the durations table of ECPR case-record files (wide and "
	    "long CSV).\n\n"
	    "  -f, --format FMT     csv (default), text, markdown, latex or "
	    "html\n"
	    "  -l, --layout LAYOUT  episodes (default: one row per episode) "
	    "or paper\n"
	    "                       (Table 2 of the seed paper: one column "
	    "per case)\n"
	    "      --tz ZONE        site time zone for local times "
	    "(default $ECPR_TZ)\n"
	    "  -k, --keep-going     report every error of every file, then "
	    "fail\n"
	    "  -o, --output FILE    write to FILE (replaced only on "
	    "success)\n"
	    "      --db CONNINFO    read the registry instead of files (\"\": "
	    "the PG*\n"
	    "                       environment, else the embedded registry)\n"
	    "      --site S, --subject S, --since T, --until T\n"
	    "                       read only these episodes of the registry\n"
	    "  -h, --help           print this help and exit\n"
	    "  -V, --version        print the version and exit\n\n"
	    "With no FILE, read the registry (as --db \"\"); FILE - is standard "
	    "input.\n"
	    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open "
	    "input,\n69 registry unavailable, 73/74 cannot write output.\n",
	    USAGE_LINE);
}

static int
parse_format(const char *s, enum format *out)
{
	static const char *const names[] = { "csv", "text", "markdown",
		"latex", "html" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum format)i;
			return 0;
		}
	}
	return -1;
}

/* Write the finished output to standard output or to path (atomically). */
static int
write_output(const char *path, const struct sbuf *out)
{
	prog_outfile of;
	int ok, code;

	code = prog_outfile_open(&of, path != NULL ? path : "-");
	if (code != 0)
		return code;
	ok = fwrite(out->s, 1, out->n, of.fp) == out->n;
	code = prog_outfile_close(&of, ok);
	if (!ok && code == 0) {
		prog_error("%s: cannot write: %s", path != NULL ? path :
		    "standard output", strerror(errno));
		code = EX_IOERR;
	}
	return code;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "layout", required_argument, NULL, 'l' },
		{ "tz", required_argument, NULL, 'z' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "db", required_argument, NULL, 'D' },
		{ "site", required_argument, NULL, 'S' },
		{ "subject", required_argument, NULL, 'U' },
		{ "since", required_argument, NULL, 'B' },
		{ "until", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	ecpr_db_filter filter = ECPR_DB_FILTER_INIT;
	const char *conninfo = NULL, *since = NULL, *until = NULL;
	int use_db = 0;
	struct run run;
	struct rows rows = { NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL, 0 };
	struct sbuf out = { NULL, 0, 0, 0 };
	const char *tzname = NULL, *output = NULL;
	ecpr_tz *tz = NULL;
	int ch, code, streamed = 0;

	prog_init(argv[0]);
	memset(&run, 0, sizeof(run));
	run.format = FMT_CSV;
	run.layout = LAY_EPISODES;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":f:l:ko:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (parse_format(optarg, &run.format) != 0)
				prog_usage_error(USAGE_LINE,
				    "unknown format \"%s\"", optarg);
			break;
		case 'l':
			if (strcmp(optarg, "episodes") == 0)
				run.layout = LAY_EPISODES;
			else if (strcmp(optarg, "paper") == 0)
				run.layout = LAY_PAPER;
			else
				prog_usage_error(USAGE_LINE,
				    "unknown layout \"%s\"", optarg);
			break;
		case 'z':
			tzname = optarg;
			break;
		case 'k':
			run.keep_going = 1;
			break;
		case 'D':
			conninfo = optarg;
			use_db = 1;
			break;
		case 'S':
			filter.site = optarg;
			use_db = 1;
			break;
		case 'U':
			filter.subject = optarg;
			use_db = 1;
			break;
		case 'B':
			since = optarg;
			use_db = 1;
			break;
		case 'E':
			until = optarg;
			use_db = 1;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage();
			return prog_finish(0);
		case 'V':
			prog_version();
			return prog_finish(0);
		default:
			prog_getopt_error(USAGE_LINE, argv, ch);
		}
	}
	code = prog_load_tz(tzname, &tz);
	if (code != 0)
		return code;

	if (use_db && optind < argc)
		prog_usage_error(USAGE_LINE, "files and --db, --site, --subject, "
		    "--since, --until do not go together");
	if (since != NULL || until != NULL) {
		ecpr_error terr = ECPR_ERROR_INIT;
		ecpr_time tm;

		if (since != NULL) {
			if (ecpr_time_parse(&tm, since, tz, &terr) != 0)
				prog_usage_error(USAGE_LINE, "--since: %s",
				    terr.message);
			filter.has_since = 1;
			filter.since = tm.t;
		}
		if (until != NULL) {
			if (ecpr_time_parse(&tm, until, tz, &terr) != 0)
				prog_usage_error(USAGE_LINE, "--until: %s",
				    terr.message);
			filter.has_until = 1;
			filter.until = tm.end;
		}
	}
	rows.paper = run.layout == LAY_PAPER;
	/* no FILE: the registry (the PG* environment or the embedded one) */
	if (use_db || optind == argc)
		read_db(&rows, conninfo, &filter, &run);
	else
		read_files(&rows, (const char *const *)(argv + optind),
		    argc - optind, tz, &run);
	code = run.code;
	if (code == 0) {
		if (rows_sort(&rows) != 0) {
			prog_error("out of memory");
			code = EX_OSERR;
		} else if (run.format == FMT_CSV && run.layout == LAY_EPISODES) {
			code = write_csv_episodes(output, &rows);
			streamed = 1;
		} else if (render(&out, &rows, &run) != 0) {
			prog_error("out of memory");
			code = EX_OSERR;
		}
	}
	rows_free(&rows);
	if (code == 0 && !streamed)
		code = write_output(output, &out);
	free(out.s);
	ecpr_tz_free(tz);
	return code;
}
