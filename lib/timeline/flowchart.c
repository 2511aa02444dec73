/*
 * flowchart.c - eligibility flowcharts: the model (episodes assessed,
 * each criterion's step with its numbers, the outcomes of the eligible)
 * and its layout, CONSORT style with counts or as a protocol's decision
 * chart, in plain geometry for the renderer (fc_render.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_internal.h"

/* Boxes. */
#define PAD_X 5.0          /* text to a box's side */
#define PAD_Y 4.0          /* text to a box's top and bottom */
#define LINE_EM 1.25       /* line pitch, in font sizes */
#define TITLE_GAP 8.0      /* the title to the first box */
#define CAPTION_GAP 10.0   /* the lowest box to the caption */
#define CAPTION_LINE_EM 1.3

/* CONSORT: the main column left, the exclusions right of it. */
#define MAIN_SHARE 0.46    /* of the width inside the margins */
#define SIDE_GAP_SHARE 0.08
#define ARROW_ABOVE 8.0    /* a box to the first exclusion */
#define ARROW_BELOW 12.0   /* the last exclusion to the next box */
#define SIDE_STACK 6.0     /* between an exclusion and the unknown */
#define STEP_MIN 22.0      /* least drop between boxes */

/* Protocol: the decisions in a column, the exits right of it. */
#define PROTO_X_SHARE 0.32 /* the column's centre */
#define PROTO_TEXT_SHARE 0.17 /* widest text in a diamond */
#define PROTO_END_SHARE 0.5   /* widest start or end box */
#define EXIT_X_SHARE 0.62  /* the exits' left side */
#define ROUND_PAD 4.0      /* more room at a rounded box's sides */
#define PROTO_DROP 20.0    /* a box or diamond to the next */
#define YES_GAP 3.0        /* "Yes" right of its arrow */
#define NO_GAP 2.0         /* "No" above its arrow */

static const char *const kind_names[] = { "consort", "protocol" };

int
ecpr_fc_kind_lookup(const char *name)
{
	return ecpr__name_lookup(name, kind_names,
	    sizeof(kind_names) / sizeof(kind_names[0]));
}

/* A copy of s in *dst (NULL stays NULL); -1 when out of memory. */
static int
set_str(char **dst, const char *s)
{
	char *c = NULL;

	if (s != NULL && (c = strdup(s)) == NULL)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

int
ecpr_fc_new(ecpr_fc **out, const char *title, uint64_t total,
    ecpr_error *err)
{
	ecpr_fc *fc;

	*out = NULL;
	fc = calloc(1, sizeof(*fc));
	if (fc == NULL || set_str(&fc->title, title) != 0) {
		free(fc);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	fc->total = total;
	*out = fc;
	return ECPR_OK;
}

void
ecpr_fc_free(ecpr_fc *fc)
{
	size_t i;

	if (fc == NULL)
		return;
	for (i = 0; i < fc->nsteps; i++)
		free(fc->steps[i].label);
	free(fc->steps);
	free(fc->title);
	free(fc->source);
	free(fc->start);
	free(fc->end);
	free(fc->exit_label);
	free(fc);
}

int
ecpr_fc_set_source(ecpr_fc *fc, const char *source, ecpr_error *err)
{
	if (set_str(&fc->source, source) != 0)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	return ECPR_OK;
}

int
ecpr_fc_set_ends(ecpr_fc *fc, const char *start, const char *end,
    const char *exit_label, ecpr_error *err)
{
	char *s = NULL, *e = NULL, *x = NULL;

	if (set_str(&s, start) != 0 || set_str(&e, end) != 0 ||
	    set_str(&x, exit_label) != 0) {
		free(s);
		free(e);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	if (start != NULL) {
		free(fc->start);
		fc->start = s;
	}
	if (end != NULL) {
		free(fc->end);
		fc->end = e;
	}
	if (exit_label != NULL) {
		free(fc->exit_label);
		fc->exit_label = x;
	}
	return ECPR_OK;
}

/* What the last step passed: the episodes going on. */
static uint64_t
going_on(const ecpr_fc *fc)
{
	return fc->nsteps == 0 ? fc->total :
	    fc->steps[fc->nsteps - 1].n.passed;
}

int
ecpr_fc_add_step(ecpr_fc *fc, const char *label, const ecpr_fc_step *counts,
    ecpr_error *err)
{
	ecpr_fc_step n;
	char *copy;

	memset(&n, 0, sizeof(n));
	if (counts != NULL)
		n = *counts;
	if (label == NULL || label[0] == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "step %zu: no label", fc->nsteps + 1);
	if (counts == NULL)
		n.in = n.passed = going_on(fc);
	if (n.in != n.passed + n.failed + n.unknown)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "step \"%s\": in %llu is not passed %llu + failed %llu + "
		    "unknown %llu", label, (unsigned long long)n.in,
		    (unsigned long long)n.passed, (unsigned long long)n.failed,
		    (unsigned long long)n.unknown);
	if (n.in != going_on(fc))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "step \"%s\": in %llu is not the %llu %s", label,
		    (unsigned long long)n.in,
		    (unsigned long long)going_on(fc), fc->nsteps == 0 ?
		    "episodes assessed" : "that passed the step before");
	if (n.failed_survived > n.failed || n.failed_favourable > n.failed)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "step \"%s\": more outcomes of the failed (survived %llu, "
		    "favourable %llu) than failed %llu", label,
		    (unsigned long long)n.failed_survived,
		    (unsigned long long)n.failed_favourable,
		    (unsigned long long)n.failed);
	if (fc->has_outcome)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "step \"%s\": added after the outcomes", label);
	if (ecpr__grow((void **)&fc->steps, &fc->csteps, fc->nsteps,
	    sizeof(*fc->steps)) != 0 || (copy = strdup(label)) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	fc->steps[fc->nsteps].label = copy;
	fc->steps[fc->nsteps].n = n;
	fc->nsteps++;
	return ECPR_OK;
}

int
ecpr_fc_set_outcome(ecpr_fc *fc, const ecpr_fc_outcome *o, ecpr_error *err)
{
	if (o->survived + o->died + o->survival_unknown != o->n ||
	    o->favourable + o->unfavourable + o->cpc_unknown != o->n)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcomes do not add up to the %llu eligible (survived "
		    "%llu, died %llu, unknown %llu; CPC 1-2 %llu, 3-5 %llu, "
		    "unknown %llu)", (unsigned long long)o->n,
		    (unsigned long long)o->survived,
		    (unsigned long long)o->died,
		    (unsigned long long)o->survival_unknown,
		    (unsigned long long)o->favourable,
		    (unsigned long long)o->unfavourable,
		    (unsigned long long)o->cpc_unknown);
	if (o->n != going_on(fc))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcomes of %llu eligible, but %llu passed every step",
		    (unsigned long long)o->n,
		    (unsigned long long)going_on(fc));
	fc->outcome = *o;
	fc->has_outcome = 1;
	return ECPR_OK;
}

int
ecpr_fc_new_flow(ecpr_fc **out, const ecpr_criteria *c, const ecpr_flow *f,
    ecpr_error *err)
{
	ecpr_flow_outcome fo;
	ecpr_fc_outcome o;
	ecpr_flow_step fs;
	ecpr_fc_step st;
	ecpr_fc *fc = NULL;
	uint64_t total = 0;
	size_t i;
	int r;

	*out = NULL;
	if (f != NULL)
		ecpr_flow_total(f, &total);
	if ((r = ecpr_fc_new(&fc, ecpr_criteria_title(c), total, err)) != 0 ||
	    (r = ecpr_fc_set_source(fc, ecpr_criteria_source(c), err)) != 0)
		goto fail;
	for (i = 0; i < ecpr_criteria_count(c); i++) {
		const char *label = ecpr_criteria_label(c, i);

		if (label == NULL || label[0] == '\0')
			label = ecpr_criteria_name(c, i);
		if (f != NULL) {
			if (ecpr_flow_step_get(f, i, &fs) != ECPR_OK) {
				r = ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
				    "flowchart: the flow has no step %zu", i + 1);
				goto fail;
			}
			st.in = fs.in;
			st.passed = fs.passed;
			st.failed = fs.failed;
			st.unknown = fs.unknown;
			st.failed_survived = fs.failed_survived;
			st.failed_favourable = fs.failed_favourable;
		}
		if ((r = ecpr_fc_add_step(fc, label, f != NULL ? &st : NULL,
		    err)) != 0)
			goto fail;
	}
	if (f != NULL) {
		ecpr_flow_eligible(f, &fo);
		o.n = fo.n;
		o.survived = fo.survived;
		o.died = fo.died;
		o.survival_unknown = fo.survival_unknown;
		o.favourable = fo.favourable;
		o.unfavourable = fo.unfavourable;
		o.cpc_unknown = fo.cpc_unknown;
		if ((r = ecpr_fc_set_outcome(fc, &o, err)) != 0)
			goto fail;
	}
	*out = fc;
	return ECPR_OK;
fail:
	ecpr_fc_free(fc);
	return r;
}

size_t
ecpr_fc_step_count(const ecpr_fc *fc)
{
	return fc->nsteps;
}

/* ---------------------------------------------------------------- */
/* Layout                                                             */
/* ---------------------------------------------------------------- */

struct fctx {
	ecpr_fc_layout *lay;
	ecpr_tl_measure_fn measure;
	void *mctx;
	size_t cboxes, carrows, ctexts;
	int oom;
};

void
ecpr_fc_layout_free(ecpr_fc_layout *lay)
{
	size_t i;

	if (lay == NULL)
		return;
	for (i = 0; i < lay->ntexts; i++)
		free(lay->texts[i].s);
	free(lay->texts);
	free(lay->boxes);
	free(lay->arrows);
	free(lay);
}

double
ecpr_fc_layout_width(const ecpr_fc_layout *lay)
{
	return lay->width;
}

double
ecpr_fc_layout_height(const ecpr_fc_layout *lay)
{
	return lay->height;
}

static void
add_text(struct fctx *c, const char *s, double x, double y, double size,
    int align, int bold)
{
	ecpr_fc_layout *lay = c->lay;
	ecpr_fc_text_geom *t;
	char *copy;

	if (c->oom || ecpr__grow((void **)&lay->texts, &c->ctexts, lay->ntexts,
	    sizeof(*lay->texts)) != 0 || (copy = strdup(s)) == NULL) {
		c->oom = 1;
		return;
	}
	t = &lay->texts[lay->ntexts++];
	t->s = copy;
	t->x = x;
	t->y = y;
	t->size = size;
	t->align = align;
	t->bold = bold;
}

static void
add_arrow(struct fctx *c, double x0, double y0, double x1, double y1)
{
	ecpr_fc_layout *lay = c->lay;
	ecpr_fc_arrow_geom *a;

	if (c->oom || ecpr__grow((void **)&lay->arrows, &c->carrows, lay->narrows,
	    sizeof(*lay->arrows)) != 0) {
		c->oom = 1;
		return;
	}
	a = &lay->arrows[lay->narrows++];
	a->x0 = x0;
	a->y0 = y0;
	a->x1 = x1;
	a->y1 = y1;
}

/* A box's text: paragraphs, each wrapped; a bold first paragraph. */
struct para {
	const char *s;
	int bold;
};

/* Lines of the paragraphs wrapped to width. */
struct lines {
	char **s;
	size_t n;
	int *bold;
};

static void
lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	free(l->bold);
	memset(l, 0, sizeof(*l));
}

static void
wrap(struct fctx *c, struct lines *l, const struct para *p, size_t np,
    double width)
{
	double size = c->lay->style.font_size;
	size_t i, k, before;
	int *b;

	for (i = 0; i < np && !c->oom; i++) {
		before = l->n;
		if (ecpr__tl_wrap(&l->s, &l->n, p[i].s, size, width,
		    c->measure, c->mctx) != 0 ||
		    (b = realloc(l->bold, (l->n + 1) * sizeof(*b))) == NULL) {
			c->oom = 1;
			return;
		}
		l->bold = b;
		for (k = before; k < l->n; k++)
			l->bold[k] = p[i].bold;
	}
}

/* The widest of the lines. */
static double
widest(struct fctx *c, const struct lines *l)
{
	double w, wmax = 0;
	size_t k;

	for (k = 0; k < l->n; k++)
		if ((w = c->measure(l->s[k], c->lay->style.font_size,
		    c->mctx)) > wmax)
			wmax = w;
	return wmax;
}

/* Add a box of kind at x, y, w wide, high enough for its lines (or
 * h when larger); the lines go in at their places. */
static ecpr_fc_box_geom *
add_box(struct fctx *c, ecpr_fc_box_kind kind, size_t step, double x,
    double y, double w, const struct lines *l, int align)
{
	ecpr_fc_layout *lay = c->lay;
	double pitch = lay->style.font_size * LINE_EM, tx;
	ecpr_fc_box_geom *b;
	size_t i;

	if (c->oom || ecpr__grow((void **)&lay->boxes, &c->cboxes, lay->nboxes,
	    sizeof(*lay->boxes)) != 0) {
		c->oom = 1;
		return NULL;
	}
	b = &lay->boxes[lay->nboxes++];
	b->kind = kind;
	b->step = step;
	b->x = x;
	b->y = y;
	b->w = w;
	b->h = 2 * PAD_Y + (double)l->n * pitch;
	tx = align == 1 ? x + w / 2 : x + PAD_X;
	for (i = 0; i < l->n; i++)
		add_text(c, l->s[i], tx, y + PAD_Y + (double)i * pitch,
		    lay->style.font_size, align, l->bold[i]);
	return b;
}

/* A count as the tables print it ("12,345"). */
static const char *
num(char *buf, size_t len, uint64_t n)
{
	ecpr_value v = { ECPR_CMP_EQ, 0, 0 };

	v.mant = (int64_t)n;
	ecpr_value_format(&v, ECPR_VALUE_PAPER, buf, len);
	return buf;
}

/* "n = 12,345" after before. */
static void
count_text(char *buf, size_t len, const char *before, uint64_t n)
{
	char a[32];

	snprintf(buf, len, "%sn = %s", before, num(a, sizeof(a), n));
}

/* "Survived to discharge: 12/20 (60.0 %, 95 % CI 38.7–78.1), unknown 3":
 * the proportion of those known with its Wilson score interval. */
static void
outcome_text(char *buf, size_t len, const char *what, uint64_t k,
    uint64_t no, uint64_t unknown)
{
	uint64_t d = k + no;
	char a[32], b[32], u[32];
	double lo, hi;
	int w;

	if (d == 0 || ecpr_stats_wilson(k, d, ECPR_STATS_Z95, &lo, &hi) != 0)
		w = snprintf(buf, len, "%s: not known", what);
	else
		w = snprintf(buf, len, "%s: %s/%s (%.1f %%, 95 %% CI "
		    "%.1f–%.1f)", what, num(a, sizeof(a), k),
		    num(b, sizeof(b), d), 100.0 * (double)k / (double)d,
		    100.0 * lo, 100.0 * hi);
	if (unknown > 0 && d > 0 && w > 0 && (size_t)w < len)
		snprintf(buf + w, len - (size_t)w, ", unknown %s",
		    num(u, sizeof(u), unknown));
}

/* The title, wrapped over the width inside the margins; returns the y
 * under it. */
static double
title(struct fctx *c, const char *t)
{
	ecpr_fc_layout *lay = c->lay;
	const ecpr_tl_style *st = &lay->style;
	double y = st->margin, cw = lay->width - 2 * st->margin;
	struct lines l = { NULL, 0, NULL };
	size_t i;

	if (t == NULL || t[0] == '\0')
		return y;
	if (ecpr__tl_wrap(&l.s, &l.n, t, st->label_size, cw, c->measure,
	    c->mctx) != 0)
		c->oom = 1;
	for (i = 0; i < l.n; i++) {
		add_text(c, l.s[i], lay->width / 2, y, st->label_size, 1, 1);
		y += st->label_size * LINE_EM;
		free(l.s[i]);
	}
	free(l.s);
	return y + TITLE_GAP;
}

/* The caption under everything from y; sets the page's height. */
static void
caption(struct fctx *c, const ecpr_fc *fc, double y)
{
	ecpr_fc_layout *lay = c->lay;
	const ecpr_tl_style *st = &lay->style;
	double pitch = st->caption_size * CAPTION_LINE_EM;
	struct lines l = { NULL, 0, NULL };
	char *text = NULL;
	const char *note = lay->kind == ECPR_FC_CONSORT ? "Unknown: the "
	    "criterion could not be judged (a value missing, or a range "
	    "across its limit); such episodes are set aside, neither "
	    "excluded nor eligible.  Outcomes: survival to hospital "
	    "discharge and CPC 1–2 at discharge, of those with the outcome "
	    "known, with the 95 % Wilson score interval (CI)." : "";
	size_t i, len;

	if (st->show_caption && (fc->source != NULL || note[0] != '\0')) {
		len = strlen(note) + (fc->source ? strlen(fc->source) : 0) +
		    32;
		if ((text = malloc(len)) == NULL) {
			c->oom = 1;
			return;
		}
		snprintf(text, len, "%s%s%s%s", fc->source ? "Criteria: " : "",
		    fc->source ? fc->source : "",
		    fc->source && note[0] ? ".  " : "", note);
		if (ecpr__tl_wrap(&l.s, &l.n, text, st->caption_size,
		    lay->width - 2 * st->margin, c->measure, c->mctx) != 0)
			c->oom = 1;
		y += CAPTION_GAP;
		for (i = 0; i < l.n; i++) {
			add_text(c, l.s[i], st->margin, y, st->caption_size, 0,
			    0);
			y += pitch;
			free(l.s[i]);
		}
		free(l.s);
		free(text);
	}
	lay->height = y + st->margin;
}

/*
 * CONSORT: the boxes of those going on in a column at the left, joined
 * by arrows down; at each step an arrow right from that line to the
 * excluded (and, when there are any, to those set aside as unknown).
 */
static void
consort(struct fctx *c, const ecpr_fc *fc)
{
	ecpr_fc_layout *lay = c->lay;
	const ecpr_tl_style *st = &lay->style;
	double cw = lay->width - 2 * st->margin, mw = cw * MAIN_SHARE;
	double mx = st->margin + mw / 2, sx = st->margin + mw +
	    cw * SIDE_GAP_SHARE, sw = st->margin + cw - sx;
	double y, bottom;
	const char *end = fc->end ? fc->end : "Eligible: every criterion met";
	char buf[3][160], *lab = NULL;
	struct lines l = { NULL, 0, NULL };
	struct para p[4];
	ecpr_fc_box_geom *b;
	size_t i, len;

	y = title(c, fc->title);
	count_text(buf[0], sizeof(buf[0]), "", fc->total);
	p[0].s = fc->start ? fc->start : "Episodes assessed";
	p[0].bold = 1;
	p[1].s = buf[0];
	p[1].bold = 0;
	wrap(c, &l, p, 2, mw - 2 * PAD_X);
	b = add_box(c, ECPR_FC_BOX_START, (size_t)-1, st->margin, y, mw, &l,
	    1);
	lines_free(&l);
	if (b == NULL)
		return;
	bottom = b->y + b->h;
	for (i = 0; i < fc->nsteps && !c->oom; i++) {
		const struct ecpr__fc_step *s = &fc->steps[i];
		int last = i + 1 == fc->nsteps;
		double top = bottom, sy = top + ARROW_ABOVE;

		len = strlen(s->label) + 16;
		if ((lab = malloc(len)) == NULL) {
			c->oom = 1;
			break;
		}
		/* the excluded */
		count_text(buf[0], sizeof(buf[0]), "Excluded: ", s->n.failed);
		snprintf(lab, len, "Not met: %s", s->label);
		p[0].s = buf[0];
		p[0].bold = 1;
		p[1].s = lab;
		p[1].bold = 0;
		{
			char ns[32], nf[32];

			snprintf(buf[1], sizeof(buf[1]),
			    "Survived to discharge %s, CPC 1–2 %s",
			    num(ns, sizeof(ns), s->n.failed_survived),
			    num(nf, sizeof(nf), s->n.failed_favourable));
		}
		p[2].s = buf[1];
		p[2].bold = 0;
		wrap(c, &l, p, s->n.failed > 0 ? 3 : 2, sw - 2 * PAD_X);
		b = add_box(c, ECPR_FC_BOX_FAILED, i, sx, sy, sw, &l, 0);
		lines_free(&l);
		if (b == NULL)
			break;
		add_arrow(c, mx, b->y + b->h / 2, sx, b->y + b->h / 2);
		sy = b->y + b->h;
		/* those set aside */
		if (s->n.unknown > 0) {
			count_text(buf[0], sizeof(buf[0]), "Unknown: ",
			    s->n.unknown);
			snprintf(lab, len, "Not known: %s", s->label);
			wrap(c, &l, p, 2, sw - 2 * PAD_X);
			b = add_box(c, ECPR_FC_BOX_UNKNOWN, i, sx,
			    sy + SIDE_STACK, sw, &l, 0);
			lines_free(&l);
			if (b == NULL)
				break;
			add_arrow(c, mx, b->y + b->h / 2, sx,
			    b->y + b->h / 2);
			sy = b->y + b->h;
		}
		/* those going on */
		y = sy + ARROW_BELOW;
		if (y < top + STEP_MIN)
			y = top + STEP_MIN;
		if (!last) {
			snprintf(lab, len, "Met: %s", s->label);
			count_text(buf[0], sizeof(buf[0]), "", s->n.passed);
			p[0].s = lab;
			p[0].bold = 1;
			p[1].s = buf[0];
			wrap(c, &l, p, 2, mw - 2 * PAD_X);
			b = add_box(c, ECPR_FC_BOX_PASSED, i, st->margin, y, mw,
			    &l, 1);
			lines_free(&l);
			if (b == NULL)
				break;
			add_arrow(c, mx, top, mx, y);
			bottom = b->y + b->h;
		}
		free(lab);
		lab = NULL;
	}
	free(lab);
	if (c->oom)
		return;
	/* the eligible, with their outcomes */
	if (fc->nsteps == 0)
		y = bottom + STEP_MIN;
	count_text(buf[0], sizeof(buf[0]), "", going_on(fc));
	p[0].s = end;
	p[0].bold = 1;
	p[1].s = buf[0];
	p[1].bold = 0;
	if (fc->has_outcome && fc->outcome.n > 0) {
		const ecpr_fc_outcome *o = &fc->outcome;

		outcome_text(buf[1], sizeof(buf[1]), "Survived to discharge",
		    o->survived, o->died, o->survival_unknown);
		outcome_text(buf[2], sizeof(buf[2]), "CPC 1–2 at discharge",
		    o->favourable, o->unfavourable, o->cpc_unknown);
		p[2].s = buf[1];
		p[2].bold = 0;
		p[3].s = buf[2];
		p[3].bold = 0;
		wrap(c, &l, p, 4, mw - 2 * PAD_X);
	} else {
		wrap(c, &l, p, 2, mw - 2 * PAD_X);
	}
	b = add_box(c, ECPR_FC_BOX_ELIGIBLE, (size_t)-1, st->margin, y, mw,
	    &l, 1);
	lines_free(&l);
	if (b == NULL)
		return;
	add_arrow(c, mx, bottom, mx, y);
	caption(c, fc, b->y + b->h);
}

/*
 * Protocol: the start, each criterion as a question in a diamond with
 * "Yes" down to the next and "No" right to an exit, then the end.
 */
static void
protocol(struct fctx *c, const ecpr_fc *fc)
{
	ecpr_fc_layout *lay = c->lay;
	const ecpr_tl_style *st = &lay->style;
	double cw = lay->width - 2 * st->margin, fs = st->font_size;
	double mx = st->margin + cw * PROTO_X_SHARE, tw = cw *
	    PROTO_TEXT_SHARE, ew = cw * PROTO_END_SHARE;
	double ex = st->margin + cw * EXIT_X_SHARE, exw = st->margin + cw -
	    ex, pitch = fs * LINE_EM, y, bottom, w, h, wmax;
	const char *ends[2];
	struct lines l = { NULL, 0, NULL };
	struct para p;
	ecpr_fc_box_geom *b;
	char *q = NULL;
	size_t i, k, len, nl;

	ends[0] = fc->start ? fc->start : "Refractory cardiac arrest";
	ends[1] = fc->end ? fc->end : "ECPR";
	y = title(c, fc->title);
	p.s = ends[0];
	p.bold = 1;
	wrap(c, &l, &p, 1, ew - 2 * (PAD_X + ROUND_PAD));
	w = widest(c, &l) + 2 * (PAD_X + ROUND_PAD);
	b = add_box(c, ECPR_FC_BOX_START, (size_t)-1, mx - w / 2, y, w, &l, 1);
	lines_free(&l);
	if (b == NULL)
		return;
	bottom = b->y + b->h;
	for (i = 0; i < fc->nsteps && !c->oom; i++) {
		double top = bottom + PROTO_DROP, cy;

		len = strlen(fc->steps[i].label) + 2;
		if ((q = malloc(len)) == NULL) {
			c->oom = 1;
			break;
		}
		snprintf(q, len, "%s?", fc->steps[i].label);
		p.s = q;
		p.bold = 0;
		wrap(c, &l, &p, 1, tw);
		free(q);
		wmax = widest(c, &l);
		/*
		 * The text block (wmax by n lines) fits in a diamond of
		 * twice its width and height: its corners lie on the sides.
		 */
		w = 2 * (wmax + PAD_X);
		h = 2 * ((double)l.n * pitch + PAD_Y);
		nl = l.n;
		b = add_box(c, ECPR_FC_BOX_DECISION, i, mx - w / 2, top, w, &l,
		    1);
		lines_free(&l);
		if (b == NULL)
			break;
		/* add_box() sized a box: the diamond is higher, its text in
		 * the middle */
		b->h = h;
		for (k = lay->ntexts - nl; k < lay->ntexts; k++)
			lay->texts[k].y += (double)nl * pitch / 2;
		add_arrow(c, mx, bottom, mx, top);
		if (i > 0)
			add_text(c, "Yes", mx + YES_GAP,
			    bottom + (PROTO_DROP - pitch) / 2, fs, 0, 0);
		/* the exit */
		cy = top + h / 2;
		p.s = fc->exit_label ? fc->exit_label : "No ECPR";
		p.bold = 0;
		wrap(c, &l, &p, 1, exw - 2 * PAD_X);
		b = add_box(c, ECPR_FC_BOX_EXIT, i, ex,
		    cy - ((double)l.n * pitch + 2 * PAD_Y) / 2,
		    widest(c, &l) + 2 * PAD_X, &l, 1);
		lines_free(&l);
		if (b == NULL)
			break;
		add_arrow(c, mx + w / 2, cy, ex, cy);
		add_text(c, "No", (mx + w / 2 + ex) / 2, cy - NO_GAP - pitch,
		    fs, 1, 0);
		bottom = top + h;
		if (b->y + b->h > bottom)
			bottom = b->y + b->h;
	}
	if (c->oom)
		return;
	p.s = ends[1];
	p.bold = 1;
	wrap(c, &l, &p, 1, ew - 2 * (PAD_X + ROUND_PAD));
	w = widest(c, &l) + 2 * (PAD_X + ROUND_PAD);
	y = bottom + PROTO_DROP;
	b = add_box(c, ECPR_FC_BOX_ELIGIBLE, (size_t)-1, mx - w / 2, y, w, &l,
	    1);
	lines_free(&l);
	if (b == NULL)
		return;
	add_arrow(c, mx, bottom, mx, y);
	if (fc->nsteps > 0)
		add_text(c, "Yes", mx + YES_GAP,
		    bottom + (PROTO_DROP - pitch) / 2, fs, 0, 0);
	caption(c, fc, b->y + b->h);
}

int
ecpr_fc_layout_new(ecpr_fc_layout **out, const ecpr_fc *fc,
    const ecpr_fc_opts *opts, ecpr_tl_measure_fn measure, void *ctx,
    ecpr_error *err)
{
	ecpr_fc_opts o = ECPR_FC_OPTS_INIT;
	struct fctx c;
	double depth;

	*out = NULL;
	if (opts != NULL)
		o = *opts;
	if ((unsigned)o.kind > ECPR_FC_PROTOCOL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "flowchart: unknown layout %d", (int)o.kind);
	memset(&c, 0, sizeof(c));
	c.measure = measure ? measure : ecpr__tl_fixed_measure;
	c.mctx = ctx;
	if ((c.lay = calloc(1, sizeof(*c.lay))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (o.style != NULL)
		c.lay->style = *o.style;
	else
		ecpr__tl_style_init(&c.lay->style);
	c.lay->kind = o.kind;
	ecpr__tl_page_size(o.size, &c.lay->width, &depth);
	if (o.kind == ECPR_FC_PROTOCOL)
		protocol(&c, fc);
	else
		consort(&c, fc);
	if (c.oom) {
		ecpr_fc_layout_free(c.lay);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	*out = c.lay;
	return ECPR_OK;
}
