/*
 * report.c - the durations table (Table 2) of episodes, libc only
 *
 * A report keeps one compact record per episode (its formatted intervals
 * and, for the paper layout, its attributes and interventions) in an
 * external sort (xsort.c: in memory up to a budget, beyond it in sorted
 * runs in a temporary file), by site, subject and episode.  The episodes
 * layout (one row per episode) is written straight from the sorted
 * records, a part of the grid at a time, so its memory stays the same
 * whatever the number of episodes (the widths of text columns are kept
 * while adding).  The paper layout (Table 2 of the seed paper, one
 * column per case) reads the records back into memory and lays them out
 * as one grid.  Both are written as csv, text, Markdown, LaTeX or HTML.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "table.h"


/* Intervention flags of the paper layout, in the paper's order. */
#define FL_PCI 0x01u
#define FL_IABP 0x02u
#define FL_CRRT 0x04u
#define FL_MV 0x08u
#define FL_DIED 0x10u /* died in hospital */
#define FL_EXTRA 0x20u /* the blob has the observation and AE fields */
#define FL_PAED 0x40u /* paediatric (ecpr_episode_population) */

/*
 * One compact row per episode: the site (an index into the table of the
 * sites, which are few) and a single block of NUL-terminated strings:
 * subject, the ECPR_IV_COUNT formatted intervals and, for the paper
 * layout only, the ECPR_AT_COUNT attributes ("" when unknown).
 */
#define F_SUBJECT 0
#define F_IV 1
/* With FL_EXTRA only: per observation its worst value (contract form,
 * in the observation's unit) and its flag; per attribution the
 * complications as labels ("PI, MODS") and as codes ("pulmonary_infection;
 * mods"). */
#define F_WORST (F_IV + ECPR_IV_COUNT)
#define F_FLAG (F_WORST + ECPR_OBS_COUNT)
#define F_AE (F_FLAG + ECPR_OBS_COUNT)
#define F_AECODE (F_AE + ECPR_BY_COUNT)
#define NEXTRA (2 * ECPR_OBS_COUNT + 2 * ECPR_BY_COUNT)

/* The csv output is written out in pieces of about this size. */
#define CSV_FLUSH 65536

/* The records kept in memory before they are spilled (ECPR_SPILL_MEMORY
 * for tests), and the rows of the episodes layout laid out at a time. */
#define REPORT_MEMORY (8u << 20)
#define PART_ROWS 1024

/* A record ends with the episode number and the flags. */
#define TRAILER (sizeof(int64_t) + sizeof(uint32_t))

/* Widths (display columns) kept for text: the site, the episode number,
 * then each field of the blob. */
#define W_SITE 0
#define W_EPISODE 1
#define W_FIELD(i) (2 + (i))
#define NWIDTH W_FIELD(F_AECODE + ECPR_BY_COUNT)

struct row {
	char *blob;
	long episode;
	unsigned flags;
};

/* The blobs are cut from chunks of this size: no allocation per row. */
#define BLOB_CHUNK 65536


struct ecpr_report {
	ecpr__xsort *xs;  /* the records, by site, subject and episode */
	size_t n;
	size_t width[NWIDTH];
	struct row *v;    /* paper layout: the records read back, in order */
	size_t nv;
	size_t cap;
	int paper;  /* keep attributes and flags */
	char *rec;        /* the record being made */
	size_t reccap;
	struct ecpr__arena_chunk *blobs;
	ecpr_event_type from, to; /* the window of the worst values */
	const ecpr_ranges *ranges; /* borrowed, or own_ranges */
	ecpr_ranges *own_ranges;
	unsigned char has_obs[ECPR_OBS_COUNT]; /* a row has a worst value */
	unsigned char has_ae[ECPR_BY_COUNT];   /* a row has complications */
	size_t npaed;     /* paediatric rows */
};

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

/* Field i of the observation and AE block ("" when the row has none). */
static const char *
row_extra(const struct row *r, int i)
{
	return (r->flags & FL_EXTRA) ? row_field(r, i) : "";
}

/* Attribute i of a row of the paper layout. */
static const char *
row_attr(const struct row *r, int i)
{
	return row_field(r, F_WORST + ((r->flags & FL_EXTRA) ? NEXTRA : 0) +
	    i);
}

/* A record as a row (its blob in place) and its site (first). */
static void
rec_row(struct row *r, const char *rec, size_t len, const char **site)
{
	int64_t ep;
	uint32_t fl;

	memcpy(&ep, rec + len - TRAILER, sizeof(ep));
	memcpy(&fl, rec + len - sizeof(fl), sizeof(fl));
	*site = rec;
	r->blob = (char *)(uintptr_t)(rec + strlen(rec) + 1);
	r->episode = (long)ep;
	r->flags = fl;
}

/* Records in order of site, subject, episode. */
static int
rec_cmp(void *ctx, const void *a, size_t alen, const void *b, size_t blen)
{
	const char *ra = a, *rb = b;
	int64_t ea, eb;
	int c;

	(void)ctx;
	if ((c = strcmp(ra, rb)) != 0)
		return c;
	if ((c = strcmp(ra + strlen(ra) + 1, rb + strlen(rb) + 1)) != 0)
		return c;
	memcpy(&ea, ra + alen - TRAILER, sizeof(ea));
	memcpy(&eb, rb + blen - TRAILER, sizeof(eb));
	return (ea > eb) - (ea < eb);
}

/*
 * rec_cmp's order as a key, 8 bytes at a time: site and subject with
 * their NULs (strcmp's order is that of the bytes, unsigned, and NUL
 * ends a string before any other byte), then the episode number
 * big-endian with its sign bit flipped (so that it counts up from the
 * most negative).  The first part is the record's own start.
 */
static int
rec_key(const void *rec, size_t len, size_t i, uint64_t *chunk)
{
	const unsigned char *r = rec;
	size_t ks = strlen(rec) + 1, klen, at = 8 * i, k;
	uint64_t ep, c = 0;

	ks += strlen((const char *)r + ks) + 1;
	klen = ks + sizeof(ep);
	if (at + 8 <= ks) {
		for (k = 0; k < 8; k++)
			c = c << 8 | r[at + k];
	} else {
		memcpy(&ep, r + len - TRAILER, sizeof(ep));
		ep ^= UINT64_C(1) << 63;
		for (k = at; k < at + 8; k++)
			c = c << 8 | (k < ks ? r[k] : k < klen ?
			    (unsigned char)(ep >> (8 * (klen - 1 - k))) : 0);
	}
	*chunk = c;
	return at + 8 < klen;
}

/*
 * The paper layout: read the sorted records back into rep->v (their
 * blobs into the arena, each site once).  Returns an ecpr_status.
 */
static int
report_load(ecpr_report *rep, ecpr_error *err)
{
	const void *rec;
	const char *site;
	struct row *r;
	size_t len, blen;
	int rc;

	if (rep->v != NULL && rep->nv == rep->n)
		return ECPR_OK;
	rep->nv = 0;
	ecpr__arena_free(rep->blobs);
	rep->blobs = NULL;
	if ((rc = ecpr__xsort_rewind(rep->xs, err)) != ECPR_OK)
		return rc;
	while ((rc = ecpr__xsort_next(rep->xs, &rec, &len, err)) == 1) {
		const char *blob;

		if (ecpr__grow((void **)&rep->v, &rep->cap, rep->nv,
		    sizeof(*rep->v)) != 0)
			goto nomem;
		r = &rep->v[rep->nv];
		rec_row(r, rec, len, &site);
		blob = r->blob;
		blen = len - TRAILER - (size_t)(blob - (const char *)rec);
		if ((r->blob = ecpr__arena_alloc(&rep->blobs, blen, BLOB_CHUNK,
		    BLOB_CHUNK)) == NULL)
			goto nomem;
		memcpy(r->blob, blob, blen);
		rep->nv++;
	}
	return rc < 0 ? rc : ECPR_OK;
nomem:
	return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0, "out of memory");
}

/* The observation and adverse-event fields of one episode. */
struct extra {
	char worst[ECPR_OBS_COUNT][48];
	char flag[ECPR_OBS_COUNT][2];
	char ae[ECPR_BY_COUNT][1024];
	char code[ECPR_BY_COUNT][1024];
};

/* Append s to buf (of len) after sep when buf is not empty. */
static void
join(char *buf, size_t len, const char *sep, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n > 0 ? sep : "", s);
}

/*
 * Fill x from ep: the worst value of each observation in the report's
 * window and its flag against the range of the episode's population,
 * and the complications of each attribution.  Returns 1 when the
 * episode has any of these, 0 when none, or an ecpr_status.
 */
static int
episode_extra(const ecpr_report *rep, const ecpr_episode *ep,
    struct extra *x, ecpr_error *err)
{
	ecpr_population pop = ecpr_episode_population(ep);
	ecpr_value v[ECPR_OBS_COUNT];
	int has[ECPR_OBS_COUNT];
	const ecpr_complication *c;
	size_t i;
	int t, rc, any = 0, prev = -1;

	/* empty strings: not a memset of all 6.6 KB, for every episode */
	for (t = 0; t < ECPR_OBS_COUNT; t++)
		x->worst[t][0] = x->flag[t][0] = x->flag[t][1] = '\0';
	for (t = 0; t < ECPR_BY_COUNT; t++)
		x->ae[t][0] = x->code[t][0] = '\0';
	rc = ecpr__episode_worst_all(ep, rep->from, rep->to, v, has, err);
	if (rc < 0)
		return rc;
	for (t = 0; t < ECPR_OBS_COUNT; t++) {
		ecpr_range rg;

		if (!has[t])
			continue;
		any = 1;
		ecpr_value_format(&v[t], 0, x->worst[t], sizeof(x->worst[t]));
		if (ecpr_ranges_get(rep->ranges, (ecpr_obs_type)t, pop, &rg))
			x->flag[t][0] = (char)ecpr_range_flag(&rg, &v[t]);
	}
	for (i = 0; (c = ecpr_episode_complication(ep, i)) != NULL; i++) {
		any = 1;
		if (c->code == prev && strstr(x->code[c->by],
		    ecpr_complication_name(c->code)) != NULL)
			continue; /* the same code at another time */
		prev = c->code;
		join(x->ae[c->by], sizeof(x->ae[c->by]), ", ",
		    ecpr_complication_label(c->code));
		join(x->code[c->by], sizeof(x->code[c->by]), ";",
		    ecpr_complication_name(c->code));
	}
	return any;
}

/* Append the string s of n bytes (with its NUL) at *p; widen width w
 * to it. */
static char *
put_field(char *p, const char *s, size_t n, size_t *w)
{
	size_t d;

	memcpy(p, s, n + 1);
	if (w != NULL && n > *w) {
		d = ecpr__display_width(s);
		if (d > *w)
			*w = d;
	}
	return p + n + 1;
}

/* v in decimal at buf (21 bytes at least, no NUL); its length. */
static size_t
put_long(char *buf, long v)
{
	size_t n = 0;

	if (v < 0)
		buf[n++] = '-';
	return n + ecpr__put_digits(buf + n, v < 0 ? 0 - (uint64_t)v :
	    (uint64_t)v);
}

int
ecpr_report_add_episode(ecpr_report *rep, const ecpr_episode *ep,
    ecpr_error *err)
{
	struct extra x;
	int extra;
	ecpr_interval iv[ECPR_IV_COUNT];
	char cell[ECPR_IV_COUNT][64];
	size_t clen[ECPR_IV_COUNT], slen, sublen;
	const char *at[ECPR_AT_COUNT];
	const char *subject, *site;
	char num[24];
	size_t len, n;
	int64_t number;
	uint32_t flags = 0;
	char *p;
	int i, rc;

	if (rep == NULL || ep == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no report or no episode");
	rc = ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT, err);
	if (rc != ECPR_OK)
		return rc;
	if ((extra = episode_extra(rep, ep, &x, err)) < 0)
		return extra;
	site = ecpr_episode_site(ep);
	subject = ecpr_episode_subject(ep);
	slen = strlen(site);
	sublen = strlen(subject);
	len = slen + 1 + sublen + 1 + TRAILER;
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		clen[i] = ecpr_interval_format(&iv[i], (ecpr_interval_id)i,
		    cell[i], sizeof(cell[i]));
		len += clen[i] + 1;
	}
	for (i = 0; extra && i < ECPR_OBS_COUNT; i++)
		len += strlen(x.worst[i]) + strlen(x.flag[i]) + 2;
	for (i = 0; extra && i < ECPR_BY_COUNT; i++)
		len += strlen(x.ae[i]) + strlen(x.code[i]) + 2;
	if (rep->paper) {
		for (i = 0; i < ECPR_AT_COUNT; i++) {
			at[i] = ecpr_episode_attr(ep, (ecpr_attr_id)i);
			if (at[i] == NULL)
				at[i] = "";
			len += strlen(at[i]) + 1;
		}
	}
	if (len > rep->reccap) {
		char *b = realloc(rep->rec, len);

		if (b == NULL)
			goto nomem;
		rep->rec = b;
		rep->reccap = len;
	}
	/* the site, then the blob (see F_*), then the trailer */
	p = put_field(rep->rec, site, slen, &rep->width[W_SITE]);
	p = put_field(p, subject, sublen, &rep->width[W_FIELD(F_SUBJECT)]);
	for (i = 0; i < ECPR_IV_COUNT; i++)
		p = put_field(p, cell[i], clen[i], &rep->width[W_FIELD(F_IV +
		    i)]);
	if (extra) {
		const char *f[NEXTRA];

		for (i = 0; i < ECPR_OBS_COUNT; i++) {
			f[F_WORST - F_WORST + i] = x.worst[i];
			f[F_FLAG - F_WORST + i] = x.flag[i];
			if (x.worst[i][0] != '\0')
				rep->has_obs[i] = 1;
		}
		for (i = 0; i < ECPR_BY_COUNT; i++) {
			f[F_AE - F_WORST + i] = x.ae[i];
			f[F_AECODE - F_WORST + i] = x.code[i];
			if (x.code[i][0] != '\0')
				rep->has_ae[i] = 1;
		}
		for (i = 0; i < NEXTRA; i++)
			p = put_field(p, f[i], strlen(f[i]),
			    &rep->width[W_FIELD(F_WORST + i)]);
		flags |= FL_EXTRA;
	}
	if (ecpr_episode_population(ep) == ECPR_POP_PAEDIATRIC) {
		flags |= FL_PAED;
		rep->npaed++;
	}
	if (rep->paper) {
		for (i = 0; i < ECPR_AT_COUNT; i++)
			p = put_field(p, at[i], strlen(at[i]), NULL);
		if (ecpr_episode_first(ep, ECPR_EV_PCI) != NULL)
			flags |= FL_PCI;
		if (ecpr_episode_first(ep, ECPR_EV_IABP_START) != NULL)
			flags |= FL_IABP;
		if (ecpr_episode_first(ep, ECPR_EV_CRRT_START) != NULL)
			flags |= FL_CRRT;
		if (ecpr_episode_first(ep, ECPR_EV_MV_START) != NULL)
			flags |= FL_MV;
		if (ecpr__episode_died_in_hospital(ep))
			flags |= FL_DIED;
	}
	number = ecpr_episode_number(ep);
	memcpy(p, &number, sizeof(number));
	memcpy(p + sizeof(number), &flags, sizeof(flags));
	n = put_long(num, (long)number);
	if (n > rep->width[W_EPISODE])
		rep->width[W_EPISODE] = n;
	if ((rc = ecpr__xsort_add(rep->xs, rep->rec, len, err)) != ECPR_OK)
		return rc;
	rep->n++;
	return ECPR_OK;
nomem:
	return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0, "out of memory");
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

/*
 * The columns the episodes layout has after the intervals: per
 * observation that has a worst value in some row, OBS_worst and
 * OBS_flag; per attribution with complications in some row,
 * complications_BY.  Fills field[] (the row field) and name[] (the
 * heading); returns their number.
 */
#define XCOL_MAX (2 * ECPR_OBS_COUNT + ECPR_BY_COUNT)
#define XNAME_MAX 40

static size_t
extra_columns(const ecpr_report *rep, int field[XCOL_MAX],
    char name[XCOL_MAX][XNAME_MAX])
{
	size_t n = 0;
	int t;

	for (t = 0; t < ECPR_OBS_COUNT; t++) {
		if (!rep->has_obs[t])
			continue;
		field[n] = F_WORST + t;
		snprintf(name[n++], XNAME_MAX, "%s_worst",
		    ecpr_obs_name((ecpr_obs_type)t));
		field[n] = F_FLAG + t;
		snprintf(name[n++], XNAME_MAX, "%s_flag",
		    ecpr_obs_name((ecpr_obs_type)t));
	}
	for (t = 0; t < ECPR_BY_COUNT; t++) {
		if (!rep->has_ae[t])
			continue;
		field[n] = F_AECODE + t;
		snprintf(name[n++], XNAME_MAX, "complications_%s",
		    ecpr_attribution_name((ecpr_attribution)t));
	}
	return n;
}

/* The note on the worst-value columns: what, when, which unit. */
#define WNOTE_MAX 192

static void
worst_note(const ecpr_report *rep, ecpr_obs_type t, char *buf, size_t len)
{
	snprintf(buf, len, "the %s value of %s between %s and %s, in %s",
	    ecpr_obs_worst(t) > 0 ? "highest" : "lowest",
	    ecpr_obs_definition(t), ecpr_event_name(rep->from),
	    ecpr_event_name(rep->to), ecpr_obs_unit(t));
}

static const char *const flag_note =
    "H above, L below, N inside the reference range of the patient's "
    "population (ecpr-ranges(5)), ? when a censored value leaves it open";
static const char *const ae_note =
    "complication codes (ecpr(7)) attributed to mechanical chest "
    "compression (mcc), ECMO/ECPR (ecpr) or other causes, separated by "
    "\";\"; none: assessed, and there were none";

/*
 * The episodes layout (site, subject, episode, the intervals and the
 * extra columns): the heading and the notes, with room for PART_ROWS
 * body rows (their episode numbers in the heap).  The columns' fields
 * in field[] (*nx of them after the intervals).
 */
static int
grid_episodes(struct ecpr__grid *g, const ecpr_report *rep,
    int field[XCOL_MAX], size_t *nx_out)
{
	char name[XCOL_MAX][XNAME_MAX];
	size_t len, k, nx = extra_columns(rep, field, name);
	char *h;
	int j, flags = 0, aes = 0;

	*nx_out = nx;
	if (ecpr__grid_alloc(g, 3 + ECPR_IV_COUNT + nx, PART_ROWS) != 0)
		return -1;
	/* Episode numbers as text, 24 bytes each; headings and notes. */
	len = PART_ROWS * 24 + 1 + nx * (XNAME_MAX + WNOTE_MAX);
	g->heap = malloc(len);
	if (g->heap == NULL)
		return -1;
	ecpr__grid_cell(g, 0, 0)->text = "site";
	ecpr__grid_cell(g, 0, 1)->text = "subject";
	ecpr__grid_cell(g, 0, 2)->text = "episode";
	for (j = 0; j < ECPR_IV_COUNT; j++) {
		ecpr__grid_cell(g, 0, 3 + (size_t)j)->text =
		    ecpr_interval_name((ecpr_interval_id)j);
		g->notes[j].term = ecpr_interval_name((ecpr_interval_id)j);
		g->notes[j].text =
		    ecpr_interval_definition((ecpr_interval_id)j);
	}
	g->nnotes = ECPR_IV_COUNT;
	g->abbrev = abbrev_episodes;
	h = g->heap + PART_ROWS * 24 + 1;
	for (k = 0; k < nx; k++) {
		struct ecpr__note *nt = &g->notes[g->nnotes];

		memcpy(h, name[k], XNAME_MAX);
		ecpr__grid_cell(g, 0, 3 + ECPR_IV_COUNT + k)->text = h;
		nt->term = h;
		h += XNAME_MAX;
		if (field[k] < F_FLAG) {
			worst_note(rep, (ecpr_obs_type)(field[k] - F_WORST), h,
			    WNOTE_MAX);
			nt->text = h;
			g->nnotes++;
		} else if (field[k] < F_AE && !flags++) {
			nt->term = "*_flag";
			nt->text = flag_note;
			g->nnotes++;
		} else if (field[k] >= F_AECODE && !aes++) {
			nt->term = "complications_*";
			nt->text = ae_note;
			g->nnotes++;
		}
		h += WNOTE_MAX;
	}
	return 0;
}

/* Body row i (1-based) of a part of the episodes layout: the row r of
 * site. */
static void
episodes_row(struct ecpr__grid *g, size_t i, const char *site,
    const struct row *r, const int *field, size_t nx)
{
	char *num = g->heap + (i - 1) * 24;
	const char *p = r->blob; /* subject, then the intervals */
	size_t k;
	int j;

	num[put_long(num, r->episode)] = '\0';
	ecpr__grid_cell(g, i, 0)->text = site;
	ecpr__grid_cell(g, i, 1)->text = p;
	ecpr__grid_cell(g, i, 2)->text = num;
	for (j = 0; j < ECPR_IV_COUNT; j++) { /* one walk, not one a field */
		p += strlen(p) + 1;
		ecpr__grid_cell(g, i, 3 + (size_t)j)->text = p;
	}
	for (k = 0; k < nx; k++)
		ecpr__grid_cell(g, i, 3 + ECPR_IV_COUNT + k)->text =
		    row_extra(r, field[k]);
}

/* The widths of the columns of the episodes layout: the heading's and
 * those kept while adding. */
static void
episodes_widths(const struct ecpr__grid *g, const ecpr_report *rep,
    const int *field, size_t nx, size_t *width)
{
	struct ecpr__grid head = *g;
	size_t k;
	int j;

	head.nrow = 0;
	ecpr__grid_widths(&head, width, 0);
#define WIDEN(c, w) do { if ((w) > width[c]) width[c] = (w); } while (0)
	WIDEN(0, rep->width[W_SITE]);
	WIDEN(1, rep->width[W_FIELD(F_SUBJECT)]);
	WIDEN(2, rep->width[W_EPISODE]);
	for (j = 0; j < ECPR_IV_COUNT; j++)
		WIDEN(3 + (size_t)j, rep->width[W_FIELD(F_IV + j)]);
	for (k = 0; k < nx; k++)
		WIDEN(3 + ECPR_IV_COUNT + k, rep->width[W_FIELD(field[k])]);
#undef WIDEN
}

/*
 * The episodes layout in any format but csv, from the sorted records to
 * fp: PART_ROWS rows laid out and written at a time.  Returns 0, -1 on
 * a write error (errno) or -2 when memory ran out; a reading error of
 * the records is in err (-3).
 */
static int
write_episodes(struct ecpr__sbuf *sb, ecpr_report *rep,
    ecpr_report_format format, FILE *fp, ecpr_error *err)
{
	struct ecpr__grid g;
	size_t width[3 + ECPR_IV_COUNT + XCOL_MAX] = { 0 };
	int field[XCOL_MAX];
	size_t nx, k = 0, *off = NULL, i;
	struct ecpr__sbuf part = { NULL, 0, 0, 0 };
	const void *rec;
	size_t len;
	int rc = 0, more;

	if (grid_episodes(&g, rep, field, &nx) != 0 ||
	    (off = malloc(PART_ROWS * sizeof(*off))) == NULL) {
		rc = -2;
		goto out;
	}
	episodes_widths(&g, rep, field, nx, width);
	ecpr__grid_render_rows(sb, &g, format, width, 0, 1);
	if ((more = ecpr__xsort_rewind(rep->xs, err)) != ECPR_OK) {
		rc = -3;
		goto out;
	}
	do {
		more = ecpr__xsort_next(rep->xs, &rec, &len, err);
		if (more < 0) {
			rc = -3;
			goto out;
		}
		if (more) { /* copied: the record goes at the next read */
			off[k++] = part.n;
			ecpr__sb_addn(&part, rec, len);
			ecpr__sb_addc(&part, '\0');
		}
		if (k == PART_ROWS || (!more && k > 0)) {
			if (part.failed) {
				rc = -2;
				goto out;
			}
			for (i = 0; i < k; i++) {
				const char *site;
				struct row r;

				/* the record ends where the next starts */
				rec_row(&r, part.s + off[i], (i + 1 < k ?
				    off[i + 1] : part.n) - off[i] - 1, &site);
				episodes_row(&g, i + 1, site, &r, field, nx);
			}
			ecpr__grid_render_rows(sb, &g, format, width, 1,
			    k + 1);
			part.n = 0;
			k = 0;
		}
		if (sb->failed) {
			rc = -2;
			goto out;
		}
		if (sb->n >= CSV_FLUSH && ecpr__sb_flush(sb, fp) < 0) {
			rc = -1;
			goto out;
		}
	} while (more);
	ecpr__grid_render_foot(sb, &g, format);
	if (sb->failed)
		rc = -2;
	else
		rc = ecpr__sb_flush(sb, fp);
out:
	free(part.s);
	free(off);
	ecpr__grid_free(&g);
	return rc;
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
enum pkind { P_ATTR, P_WORD, P_IV, P_INTERVENTIONS, P_CPC, P_AE };

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
	/* only when some episode has complications of the attribution */
	{ "Mechanical CC-related adverse events", NULL, NULL, P_AE,
	    ECPR_BY_MCC },
	{ "ECPR-related adverse events", NULL, NULL, P_AE, ECPR_BY_ECPR },
	{ "Other adverse events", NULL, NULL, P_AE, ECPR_BY_OTHER },
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

/* Whether the paper layout shows row pr: the adverse-event rows of
 * mcc and ecpr when either has complications, the other row when it
 * has. */
static int
paper_row_shown(const ecpr_report *rep, const struct prow *pr)
{
	if (pr->kind != P_AE)
		return 1;
	if (pr->id == ECPR_BY_OTHER)
		return rep->has_ae[ECPR_BY_OTHER];
	return rep->has_ae[ECPR_BY_MCC] || rep->has_ae[ECPR_BY_ECPR];
}

/*
 * An abbreviations line: base ("TERM words, TERM words", sorted) with
 * the entries of add[0..n-1] merged in order of their terms (case
 * aside), each once.  Returns a malloc'd string, or NULL.
 */
static int
abbrev_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	for (; *x != ' ' && *y != ' ' && *x && *y; x++, y++) {
		int cx = *x >= 'A' && *x <= 'Z' ? *x - 'A' + 'a' : *x;
		int cy = *y >= 'A' && *y <= 'Z' ? *y - 'A' + 'a' : *y;

		if (cx != cy)
			return cx < cy ? -1 : 1;
	}
	return (*x != ' ' && *x) - (*y != ' ' && *y);
}

static char *
abbrev_merge(const char *base, char *const *add, size_t n)
{
	const char *ent[128];
	size_t ne = 0, i, len = strlen(base) + 1;
	char *copy, *p, *out;

	if ((copy = strdup(base)) == NULL)
		return NULL;
	for (p = copy; *p != '\0' && ne < 64;) {
		ent[ne++] = p;
		if ((p = strstr(p, ", ")) == NULL)
			break;
		*p = '\0';
		p += 2;
	}
	for (i = 0; i < n && ne < 128; i++) {
		size_t k;

		for (k = 0; k < ne && strcmp(ent[k], add[i]) != 0; k++)
			;
		if (k == ne) {
			ent[ne++] = add[i];
			len += strlen(add[i]) + 2;
		}
	}
	ecpr__sort(ent, ne, sizeof(ent[0]), abbrev_cmp);
	if ((out = malloc(len)) != NULL) {
		out[0] = '\0';
		for (i = 0; i < ne; i++)
			join(out, len, ", ", ent[i]);
	}
	free(copy);
	return out;
}

/* Whether the ';'-separated list holds code. */
static int
has_code(const char *list, const char *code)
{
	size_t n = strlen(code);

	while (*list != '\0') {
		size_t m = strcspn(list, ";");

		if (m == n && strncmp(list, code, n) == 0)
			return 1;
		list += m + (list[m] == ';');
	}
	return 0;
}

/*
 * The column headings of the cases from column col on (the subject,
 * "subject #N" for a later episode), written at p; returns the end.
 */
static char *
case_headings(struct ecpr__grid *g, const ecpr_report *rep, char *p, size_t col)
{
	size_t i, hlen;

	for (i = 0; i < rep->n; i++) {
		const struct row *r = &rep->v[i];

		hlen = strlen(row_field(r, F_SUBJECT)) + HEAD_MAX;
		if (r->episode == 1)
			snprintf(p, hlen, "%s", row_field(r, F_SUBJECT));
		else
			snprintf(p, hlen, "%s #%ld", row_field(r, F_SUBJECT),
			    r->episode);
		ecpr__grid_cell(g, 0, col + i)->text = p;
		p += hlen;
	}
	return p;
}

/* Whether two ranges say the same (by value: not their padding bytes). */
static int
bound_same(int has_a, const ecpr_value *a, int has_b, const ecpr_value *b)
{
	return has_a == has_b && (!has_a ||
	    (a->cmp == b->cmp && ecpr_value_number_cmp(a, b) == 0));
}

static int
range_same(const ecpr_range *a, const ecpr_range *b)
{
	return bound_same(a->has_lo, &a->lo, b->has_lo, &b->lo) &&
	    bound_same(a->has_hi, &a->hi, b->has_hi, &b->hi);
}

/*
 * Table 1 of the seed paper: a row per observation that has a worst
 * value, its unit, its reference range and a column per case.
 */
#define T1_CELL 48
#define T1_RANGE 96

static int
grid_table1(struct ecpr__grid *g, const ecpr_report *rep)
{
	char *abbr[ECPR_OBS_COUNT] = { NULL };
	size_t i, k, nrow = 0, nabbr = 0, hlen;
	int t, types[ECPR_OBS_COUNT];
	const char *worst;
	int withab[ECPR_OBS_COUNT];
	char *p;

	for (t = 0; t < ECPR_OBS_COUNT; t++)
		if (rep->has_obs[t])
			types[nrow++] = t;
	if (ecpr__grid_alloc(g, rep->n + 2, nrow) != 0)
		return -1;
	hlen = 0;
	for (i = 0; i < rep->n; i++)
		hlen += strlen(row_field(&rep->v[i], F_SUBJECT)) + HEAD_MAX;
	g->heap = malloc(hlen + nrow * (rep->n * T1_CELL + T1_RANGE) +
	    ECPR_OBS_COUNT * 8 + 512);
	if (g->heap == NULL)
		return -1;
	p = g->heap;
	ecpr__grid_cell(g, 0, 0)->text = "Measurements";
	ecpr__grid_cell(g, 0, 1)->text = "Reference range";
	p = case_headings(g, rep, p, 2);
	for (k = 0; k < nrow; k++) {
		ecpr_obs_type type = (ecpr_obs_type)types[k];
		struct ecpr__cell *c = ecpr__grid_cell(g, k + 1, 0);
		ecpr_range ra, rp;
		int has_a, has_p;

		c->text = ecpr_obs_label(type);
		c->after = p;
		snprintf(p, 8 + strlen(ecpr_obs_unit_label(type)), ", %s",
		    ecpr_obs_unit_label(type));
		p += strlen(p) + 1;
		/* the range of the cases' population; both when mixed */
		has_a = ecpr_ranges_get(rep->ranges, type, ECPR_POP_ADULT, &ra);
		has_p = ecpr_ranges_get(rep->ranges, type, ECPR_POP_PAEDIATRIC,
		    &rp);
		c = ecpr__grid_cell(g, k + 1, 1);
		c->text = p;
		*p = '\0';
		if (rep->npaed < rep->n && has_a)
			ecpr_range_format(&ra, ECPR_VALUE_PAPER, p, T1_RANGE);
		if (rep->npaed > 0 && has_p && (rep->npaed == rep->n ||
		    !has_a || !range_same(&ra, &rp))) {
			char pr[T1_RANGE / 2];

			ecpr_range_format(&rp, ECPR_VALUE_PAPER, pr,
			    sizeof(pr));
			if (rep->npaed == rep->n)
				snprintf(p, T1_RANGE, "%s", pr);
			else
				snprintf(p + strlen(p), T1_RANGE - strlen(p),
				    "%s(children %s)", *p ? " " : "", pr);
		}
		p += T1_RANGE;
		for (i = 0; i < rep->n; i++) {
			ecpr_value v;

			worst = row_extra(&rep->v[i], F_WORST + (int)type);
			*p = '\0';
			if (worst[0] != '\0' &&
			    ecpr_value_parse(&v, worst, NULL) == ECPR_OK)
				ecpr_value_format(&v, ECPR_VALUE_PAPER, p,
				    T1_CELL);
			ecpr__grid_cell(g, k + 1, i + 2)->text = p;
			p += T1_CELL;
		}
		if (ecpr__obs[type].abbrev != NULL)
			withab[nabbr++] = (int)type;
	}
	/* the note: what a cell is */
	g->notes[0].term = "Measurements";
	g->notes[0].text = p;
	snprintf(p, 512, "the clinically worst value between %s and %s%s: "
	    "the highest, or the lowest for platelets, urine output, ECMO "
	    "flow and MAP; \"> 35,000\" is a censored value, beyond the "
	    "range of the assay", ecpr_event_name(rep->from),
	    ecpr_event_name(rep->to), rep->from == ECPR_EV_ECMO_FLOW_START &&
	    rep->to == ECPR_EV_ECMO_STOP ? " (the ECPR course)" : "");
	g->nnotes = 1;
	/* abbreviations of the rows shown */
	for (k = 0; k < nabbr; k++) {
		int type = withab[k];
		size_t n = strlen(ecpr__obs[type].label) +
		    strlen(ecpr__obs[type].abbrev) + 2;

		if ((abbr[k] = malloc(n)) == NULL)
			break;
		snprintf(abbr[k], n, "%s %s", ecpr__obs[type].label,
		    ecpr__obs[type].abbrev);
	}
	if (k == nabbr) {
		g->own_abbrev = abbrev_merge("", abbr, nabbr);
		g->abbrev = g->own_abbrev;
	}
	while (k-- > 0)
		free(abbr[k]);
	return g->abbrev != NULL ? 0 : -1;
}

static int
grid_paper(struct ecpr__grid *g, const ecpr_report *rep)
{
	static const char *const iv_names[] = { "PCI", "IABP", "CRRT",
		"MV" };
	const struct prow *shown[NPAPER];
	char *abbr[ECPR__NCOMPLICATIONS];
	char mark[2] = "a";
	size_t i, k, len, nshown = 0, nabbr = 0;
	const struct row *r;
	char *p;
	unsigned bit;
	int j;

	for (k = 0; k < NPAPER; k++)
		if (paper_row_shown(rep, &paper_rows[k]))
			shown[nshown++] = &paper_rows[k];
	if (ecpr__grid_alloc(g, rep->n + 1, nshown) != 0)
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
	ecpr__grid_cell(g, 0, 0)->text = "Characteristics";
	p = case_headings(g, rep, p, 1);
	for (k = 0; k < nshown; k++) {
		const struct prow *pr = shown[k];
		struct ecpr__cell *c = ecpr__grid_cell(g, k + 1, 0);

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
			c = ecpr__grid_cell(g, k + 1, i + 1);
			switch (pr->kind) {
			case P_ATTR:
				c->text = row_attr(r, pr->id);
				break;
			case P_WORD:
				c->text = word_for(row_attr(r, pr->id));
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
			case P_AE:
				c->text = row_extra(r, F_AE + pr->id);
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
	/* the abbreviated complication labels the table shows */
	for (j = 0; j < ECPR__NCOMPLICATIONS; j++) {
		const char *ab = ecpr_complication_abbrev(j);
		const char *code = ecpr_complication_name(j);

		if (ab == NULL)
			continue;
		for (i = 0; i < rep->n; i++) {
			for (k = 0; k < ECPR_BY_COUNT; k++)
				if (has_code(row_extra(&rep->v[i],
				    F_AECODE + (int)k), code))
					break;
			if (k < ECPR_BY_COUNT)
				break;
		}
		if (i == rep->n)
			continue;
		len = strlen(ecpr_complication_label(j)) + strlen(ab) + 2;
		if ((abbr[nabbr] = malloc(len)) == NULL)
			break;
		snprintf(abbr[nabbr++], len, "%s %s",
		    ecpr_complication_label(j), ab);
	}
	if (nabbr > 0) {
		g->own_abbrev = abbrev_merge(abbrev_paper, abbr, nabbr);
		g->abbrev = g->own_abbrev;
	}
	for (i = 0; i < nabbr; i++)
		free(abbr[i]);
	return g->abbrev != NULL ? 0 : -1;
}

/*
 * The csv contract of the episodes layout, straight from the sorted
 * records to fp through a small buffer.  Returns 0, -1 on a write error
 * (errno), -2 when memory ran out or -3 when the records cannot be read
 * back (err).
 */
static int
render_csv_episodes(struct ecpr__sbuf *sb, ecpr_report *rep, FILE *fp,
    ecpr_error *err)
{
	int field[XCOL_MAX];
	char name[XCOL_MAX][XNAME_MAX];
	size_t k, nx = extra_columns(rep, field, name), len;
	const char *p, *site;
	const void *rec;
	struct row row;
	int j, rc;

	ecpr__sb_reserve(sb, CSV_FLUSH + 4096);
	ecpr__sb_add(sb, "site,subject,episode");
	for (j = 0; j < ECPR_IV_COUNT; j++) {
		ecpr__sb_addc(sb, ',');
		ecpr__sb_add(sb, ecpr_interval_name((ecpr_interval_id)j));
	}
	for (k = 0; k < nx; k++) {
		ecpr__sb_addc(sb, ',');
		ecpr__sb_add(sb, name[k]);
	}
	ecpr__sb_addc(sb, '\n');
	if (ecpr__xsort_rewind(rep->xs, err) != ECPR_OK)
		return -3;
	while ((rc = ecpr__xsort_next(rep->xs, &rec, &len, err)) == 1) {
		const struct row *r = &row;
		char *o;

		rec_row(&row, rec, len, &site);
		p = r->blob;
		ecpr__csv_field(sb, site);
		ecpr__sb_addc(sb, ',');
		ecpr__csv_field(sb, p);
		p += strlen(p) + 1;
		/* the number and the intervals (no quotes: digits, '.' and
		 * '-'), their NULs made commas, straight into the buffer */
		ecpr__sb_reserve(sb, len + 24);
		if (sb->failed)
			return -2;
		o = sb->s + sb->n;
		*o++ = ',';
		o += put_long(o, r->episode);
		*o++ = ',';
		for (j = 0;; p++) {
			if (*p != '\0')
				*o++ = *p;
			else if (++j < ECPR_IV_COUNT)
				*o++ = ',';
			else
				break;
		}
		sb->n = (size_t)(o - sb->s);
		sb->s[sb->n] = '\0';
		for (k = 0; k < nx; k++) {
			ecpr__sb_addc(sb, ',');
			ecpr__csv_field(sb, row_extra(r, field[k]));
		}
		ecpr__sb_addc(sb, '\n');
		if (sb->failed)
			return -2;
		if (sb->n >= CSV_FLUSH && ecpr__sb_flush(sb, fp) < 0)
			return -1;
	}
	if (rc < 0)
		return -3;
	if (sb->failed)
		return -2;
	return ecpr__sb_flush(sb, fp);
}

/* Whether some row has a worst value of some observation. */
static int
any_obs(const ecpr_report *rep)
{
	int t;

	for (t = 0; t < ECPR_OBS_COUNT; t++)
		if (rep->has_obs[t])
			return 1;
	return 0;
}

/*
 * Build the whole output of the paper layout in sb: Table 1 (when there
 * are observations), a blank line, and Table 2.  Returns 0, or -1 when
 * out of memory.
 */
static int
render_paper(struct ecpr__sbuf *sb, const ecpr_report *rep,
    ecpr_report_format format)
{
	struct ecpr__grid g;
	int rc = 0;

	if (rep->paper && any_obs(rep)) {
		rc = grid_table1(&g, rep);
		if (rc == 0) {
			ecpr__grid_render(sb, &g, format);
			ecpr__sb_addc(sb, '\n');
		}
		ecpr__grid_free(&g);
	}
	if (rc == 0) {
		rc = grid_paper(&g, rep);
		if (rc == 0)
			ecpr__grid_render(sb, &g, format);
		ecpr__grid_free(&g);
	}
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
	rep->from = ECPR_EV_ECMO_FLOW_START;
	rep->to = ECPR_EV_ECMO_STOP;
	if (ecpr_ranges_new(&rep->own_ranges, err) != ECPR_OK) {
		free(rep);
		return ECPR_ENOMEM;
	}
	rep->ranges = rep->own_ranges;
	if (ecpr__xsort_new(&rep->xs, rec_cmp, NULL,
	    ecpr__spill_budget(REPORT_MEMORY), err) != ECPR_OK) {
		ecpr_ranges_free(rep->own_ranges);
		free(rep);
		return ECPR_ENOMEM;
	}
	ecpr__xsort_set_key(rep->xs, rec_key);
	*out = rep;
	return ECPR_OK;
}

int
ecpr_report_set_window(ecpr_report *rep, ecpr_event_type from,
    ecpr_event_type to, ecpr_error *err)
{
	if (rep == NULL || ecpr_event_name(from) == NULL ||
	    ecpr_event_name(to) == NULL || rep->n > 0)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_report_set_window: no report, an unknown event, or "
		    "episodes already added");
	rep->from = from;
	rep->to = to;
	return ECPR_OK;
}

int
ecpr_report_set_ranges(ecpr_report *rep, const ecpr_ranges *rs,
    ecpr_error *err)
{
	if (rep == NULL || rep->n > 0)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_report_set_ranges: no report, or episodes already "
		    "added");
	rep->ranges = rs != NULL ? rs : rep->own_ranges;
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
	if (rep == NULL)
		return;
	ecpr__arena_free(rep->blobs);
	ecpr_ranges_free(rep->own_ranges);
	ecpr__xsort_free(rep->xs);
	free(rep->rec);
	free(rep->v);
	free(rep);
}

int
ecpr_report_write(ecpr_report *rep, ecpr_report_format format, FILE *fp,
    ecpr_error *err)
{
	struct ecpr__sbuf sb = { NULL, 0, 0, 0 };
	ecpr_error e;
	int rc, saved;

	ecpr_error_clear(&e);
	if (rep == NULL || fp == NULL || (unsigned)format >= NFORMATS)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no report, no stream or an unknown report format");
	if ((rc = ecpr__xsort_sort(rep->xs, err)) != ECPR_OK)
		return rc;
	if (format == ECPR_REPORT_CSV && !rep->paper)
		rc = render_csv_episodes(&sb, rep, fp, &e);
	else if (!rep->paper)
		rc = write_episodes(&sb, rep, format, fp, &e);
	else if ((rc = report_load(rep, &e)) != ECPR_OK)
		rc = -3;
	else if ((rc = render_paper(&sb, rep, format)) != 0)
		rc = -2;
	else if (fwrite(sb.s, 1, sb.n, fp) != sb.n)
		rc = -1;
	saved = errno;
	free(sb.s);
	if (rc == -3) {
		if (err != NULL)
			*err = e;
		return e.code;
	}
	if (rc == -2)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (rc != 0)
		return ecpr__error_set(err, ECPR_EIO, NULL, 0,
		    "cannot write: %s", strerror(saved));
	return ECPR_OK;
}
