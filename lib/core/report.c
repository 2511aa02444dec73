/*
 * report.c - the durations table (Table 2) of episodes, libc only
 *
 * A report keeps one compact row per episode (its formatted intervals
 * and, for the paper layout, its attributes and interventions) in an
 * arena, sorts the rows by site, subject and episode, lays them out as
 * a grid (the episodes layout: one row per episode; the paper layout:
 * Table 2 of the seed paper, one column per case) and writes the grid
 * as csv, text, Markdown, LaTeX or HTML.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"


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

/* The csv output is written out in pieces of about this size. */
#define CSV_FLUSH 65536

struct row {
	char *blob;
	long episode;
	uint32_t site;  /* index into rep->sites; its rank once sorted */
	unsigned flags;
};

/* The blobs are cut from chunks of this size: no allocation per row. */
#define BLOB_CHUNK 65536

/* The smallest site hash (slots, a power of two). */
#define SITE_SLOTS_MIN 64

struct ecpr_report {
	struct row *v;
	size_t n;
	size_t cap;
	int paper;  /* keep attributes and flags */
	int sorted; /* v and sites are in order (see report_sort) */
	struct ecpr__arena_chunk *blobs;
	char **sites;     /* each site once; sorted by report_sort */
	uint32_t nsites;
	uint32_t capsites;
	uint32_t *sslots; /* site hash: index + 1, 0 when empty (or none) */
	uint32_t nsslots; /* a power of two */
};

/* A growing output buffer; failed is set when memory ran out. */
struct sbuf {
	char *s;
	size_t n;
	size_t cap;
	int failed;
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

static uint32_t
site_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * Make the site hash n slots (a power of two) and enter every site.
 * Returns 0 or -1 (no memory).
 */
static int
sites_rehash(ecpr_report *rep, uint32_t n)
{
	uint32_t *t = calloc(n, sizeof(*t));
	uint32_t i, j;

	if (t == NULL)
		return -1;
	for (i = 0; i < rep->nsites; i++) {
		for (j = site_hash(rep->sites[i]) & (n - 1); t[j] != 0;
		    j = (j + 1) & (n - 1))
			;
		t[j] = i + 1;
	}
	free(rep->sslots);
	rep->sslots = t;
	rep->nsslots = n;
	return 0;
}

/* Index of site in rep->sites (added if new); -1 when memory ran out. */
static long
site_intern(ecpr_report *rep, const char *site)
{
	uint32_t h = site_hash(site), j, n;

	/* a sort dropped the hash (the indices changed): build it again */
	if (rep->nsslots == 0 && rep->nsites > 0) {
		for (n = SITE_SLOTS_MIN; rep->nsites * 2 > n; n *= 2)
			;
		if (sites_rehash(rep, n) != 0)
			return -1;
	}
	if (rep->nsslots > 0) {
		for (j = h & (rep->nsslots - 1); rep->sslots[j] != 0;
		    j = (j + 1) & (rep->nsslots - 1))
			if (strcmp(rep->sites[rep->sslots[j] - 1], site) == 0)
				return (long)rep->sslots[j] - 1;
	}
	if (rep->nsites == UINT32_MAX / 4)
		return -1;
	if ((rep->nsites + 1) * 2 > rep->nsslots &&
	    sites_rehash(rep, rep->nsslots ? rep->nsslots * 2 :
	    SITE_SLOTS_MIN) != 0)
		return -1;
	if (rep->nsites == rep->capsites) {
		uint32_t cap = rep->capsites ? rep->capsites * 2 : 16;
		char **t = realloc(rep->sites, cap * sizeof(*t));

		if (t == NULL)
			return -1;
		rep->sites = t;
		rep->capsites = cap;
	}
	if ((rep->sites[rep->nsites] = strdup(site)) == NULL)
		return -1;
	for (j = h & (rep->nsslots - 1); rep->sslots[j] != 0;
	    j = (j + 1) & (rep->nsslots - 1))
		;
	rep->sslots[j] = ++rep->nsites;
	return (long)rep->nsites - 1;
}

static int
site_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The site of a row. */
static const char *
row_site(const ecpr_report *rep, const struct row *r)
{
	return rep->sites[r->site];
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
 * The site hash is dropped (site_intern builds it again if needed).
 */
static int
report_sort(ecpr_report *rep)
{
	uint32_t *rank, i;
	char **old;

	if (rep->sorted)
		return 0;
	if (rep->nsites > 0) {
		old = malloc(rep->nsites * sizeof(*old));
		rank = malloc(rep->nsites * sizeof(*rank));
		if (old == NULL || rank == NULL) {
			free(old);
			free(rank);
			return -1;
		}
		memcpy(old, rep->sites, rep->nsites * sizeof(*old));
		ecpr__sort(rep->sites, rep->nsites, sizeof(*rep->sites),
		    site_cmp);
		/* the rank of each old index: find its string in the sorted */
		free(rep->sslots);
		rep->sslots = NULL;
		rep->nsslots = 0;
		for (i = 0; i < rep->nsites; i++) {
			char **hit = bsearch(&old[i], rep->sites,
			    rep->nsites, sizeof(*rep->sites), site_cmp);

			rank[i] = (uint32_t)(hit - rep->sites);
		}
		for (i = 0; i < rep->n; i++)
			rep->v[i].site = rank[rep->v[i].site];
		free(old);
		free(rank);
	}
	ecpr__sort(rep->v, rep->n, sizeof(*rep->v), row_cmp);
	rep->sorted = 1;
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

int
ecpr_report_add_episode(ecpr_report *rep, const ecpr_episode *ep,
    ecpr_error *err)
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

	if (rep == NULL || ep == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no report or no episode");
	rc = ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT, err);
	if (rc != ECPR_OK)
		return rc;
	site = site_intern(rep, ecpr_episode_site(ep));
	if (site < 0)
		goto nomem;
	subject = ecpr_episode_subject(ep);
	len = strlen(subject) + 1;
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		ecpr_interval_format(&iv[i], (ecpr_interval_id)i, cell[i],
		    sizeof(cell[i]));
		len += strlen(cell[i]) + 1;
	}
	if (rep->paper) {
		for (i = 0; i < ECPR_AT_COUNT; i++) {
			at[i] = ecpr_episode_attr(ep, (ecpr_attr_id)i);
			if (at[i] == NULL)
				at[i] = "";
			len += strlen(at[i]) + 1;
		}
	}
	if (rep->n == rep->cap) {
		size_t cap = rep->cap ? rep->cap * 2 : 64;

		r = realloc(rep->v, cap * sizeof(*r));
		if (r == NULL)
			goto nomem;
		rep->v = r;
		rep->cap = cap;
	}
	r = &rep->v[rep->n];
	memset(r, 0, sizeof(*r));
	r->blob = ecpr__arena_alloc(&rep->blobs, len, BLOB_CHUNK,
	    BLOB_CHUNK);
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
	if (rep->paper) {
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
	rep->n++;
	rep->sorted = 0;
	return ECPR_OK;
nomem:
	return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0, "out of memory");
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
grid_episodes(struct grid *g, const ecpr_report *rep)
{
	size_t i, len;
	char *p;
	int j;

	if (grid_alloc(g, 3 + ECPR_IV_COUNT, rep->n) != 0)
		return -1;
	/* Episode numbers as text, 24 bytes each. */
	len = rep->n * 24 + 1;
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
	for (i = 0; i < rep->n; i++) {
		snprintf(p, 24, "%ld", rep->v[i].episode);
		grid_cell(g, i + 1, 0)->text = row_site(rep, &rep->v[i]);
		grid_cell(g, i + 1, 1)->text =
		    row_field(&rep->v[i], F_SUBJECT);
		grid_cell(g, i + 1, 2)->text = p;
		for (j = 0; j < ECPR_IV_COUNT; j++)
			grid_cell(g, i + 1, 3 + (size_t)j)->text =
			    row_field(&rep->v[i], F_IV + j);
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
grid_paper(struct grid *g, const ecpr_report *rep)
{
	static const char *const iv_names[] = { "PCI", "IABP", "CRRT",
		"MV" };
	char mark[2] = "a";
	size_t i, k, len, hlen;
	const struct row *r;
	char *p;
	unsigned bit;
	int j;

	if (grid_alloc(g, rep->n + 1, NPAPER) != 0)
		return -1;
	/* Headings, then one interventions text per case. */
	len = 0;
	for (i = 0; i < rep->n; i++)
		len += strlen(row_field(&rep->v[i], F_SUBJECT)) + HEAD_MAX +
		    sizeof("PCI, IABP, CRRT, MV");
	g->heap = malloc(len + 1);
	if (g->heap == NULL)
		return -1;
	p = g->heap;
	grid_cell(g, 0, 0)->text = "Characteristics";
	for (i = 0; i < rep->n; i++) {
		r = &rep->v[i];
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
		for (i = 0; i < rep->n; i++) {
			r = &rep->v[i];
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
render_csv_episodes(struct sbuf *sb, const ecpr_report *rep, FILE *fp)
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
	for (i = 0; i < rep->n; i++) {
		const struct row *r = &rep->v[i];

		p = r->blob;
		csv_field(sb, row_site(rep, r));
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
	sb_add(sb, "Definitions: ");
	sb_add(sb, ecpr_defs_version());
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
	sb_add(sb, ".\n\nDefinitions: ");
	md_escape(sb, ecpr_defs_version());
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
	sb_add(sb, ".\\par\nDefinitions: ");
	tex_escape(sb, ecpr_defs_version());
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
	sb_add(sb, ".</td></tr>\n");
	sb_add(sb, colspan);
	sb_add(sb, "Definitions: ");
	html_escape(sb, ecpr_defs_version());
	sb_add(sb, ".</td></tr>\n</tfoot>\n</table>\n");
}

/* Build the whole output in sb.  Returns 0, or -1 when out of memory. */
static int
render(struct sbuf *sb, const ecpr_report *rep, ecpr_report_format format)
{
	struct grid g;
	int rc;

	if (rep->paper)
		rc = grid_paper(&g, rep);
	else
		rc = grid_episodes(&g, rep);
	if (rc == 0) {
		switch (format) {
		case ECPR_REPORT_CSV:
			render_csv_grid(sb, &g);
			break;
		case ECPR_REPORT_TEXT:
			render_text(sb, &g);
			break;
		case ECPR_REPORT_MARKDOWN:
			render_markdown(sb, &g);
			break;
		case ECPR_REPORT_LATEX:
			render_latex(sb, &g);
			break;
		case ECPR_REPORT_HTML:
			render_html(sb, &g);
			break;
		}
	}
	grid_free(&g);
	return rc != 0 || sb->failed ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Public API                                                           */
/* ------------------------------------------------------------------ */

/* Names of the layouts and the formats, in the order of their enums. */
static const char *const layout_names[] = { "episodes", "paper" };
static const char *const format_names[] = { "csv", "text", "markdown",
	"latex", "html" };

#define NLAYOUTS (sizeof(layout_names) / sizeof(layout_names[0]))
#define NFORMATS (sizeof(format_names) / sizeof(format_names[0]))

const char *
ecpr_report_layout_name(ecpr_report_layout layout)
{
	return (unsigned)layout < NLAYOUTS ? layout_names[layout] : NULL;
}

int
ecpr_report_layout_lookup(const char *name)
{
	return ecpr__name_lookup(name, layout_names, NLAYOUTS);
}

const char *
ecpr_report_format_name(ecpr_report_format format)
{
	return (unsigned)format < NFORMATS ? format_names[format] : NULL;
}

int
ecpr_report_format_lookup(const char *name)
{
	return ecpr__name_lookup(name, format_names, NFORMATS);
}

int
ecpr_report_new(ecpr_report **out, ecpr_report_layout layout,
    ecpr_error *err)
{
	ecpr_report *rep;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the report");
	*out = NULL;
	if ((unsigned)layout >= NLAYOUTS)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "unknown report layout %d", (int)layout);
	rep = calloc(1, sizeof(*rep));
	if (rep == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	rep->paper = layout == ECPR_REPORT_PAPER;
	*out = rep;
	return ECPR_OK;
}

size_t
ecpr_report_count(const ecpr_report *rep)
{
	return rep != NULL ? rep->n : 0;
}

void
ecpr_report_free(ecpr_report *rep)
{
	uint32_t i;

	if (rep == NULL)
		return;
	for (i = 0; i < rep->nsites; i++)
		free(rep->sites[i]);
	free(rep->sites);
	free(rep->sslots);
	ecpr__arena_free(rep->blobs);
	free(rep->v);
	free(rep);
}

int
ecpr_report_write(ecpr_report *rep, ecpr_report_format format, FILE *fp,
    ecpr_error *err)
{
	struct sbuf sb = { NULL, 0, 0, 0 };
	int rc, saved;

	if (rep == NULL || fp == NULL || (unsigned)format >= NFORMATS)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no report, no stream or an unknown report format");
	if (report_sort(rep) != 0)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (format == ECPR_REPORT_CSV && !rep->paper)
		rc = render_csv_episodes(&sb, rep, fp);
	else if ((rc = render(&sb, rep, format)) != 0)
		rc = -2;
	else if (fwrite(sb.s, 1, sb.n, fp) != sb.n)
		rc = -1;
	saved = errno;
	free(sb.s);
	if (rc == -2)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (rc != 0)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write: %s", strerror(saved));
	return ECPR_OK;
}
