/*
 * layout.c - timeline geometry without drawing: lanes, tracks, bars,
 * markers, the time axis with its ticks, the legend, the caption and
 * page breaks.  All lengths are points (1/72 in).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_internal.h"

#define MIN_S 60.0
#define HOUR_S 3600.0
#define DAY_S 86400.0
#define SEG_MIN_END (120 * MIN_S)  /* minutes -> hours */
#define SEG_HOUR_END (48 * HOUR_S) /* hours -> days */
#define SEG_BREAK 6.0              /* gap between axis segments */
#define PAGE_COL_H 666.14          /* 235 mm: a journal page's depth */

/* The label column, left of the plot. */
#define LABEL_COL_MAX 0.3  /* at most this share of the page width */
#define LABEL_COL_GAP 8.0  /* between the label column and the plot */
#define LINE_EM 1.2        /* line height of lane labels, in label sizes */
#define PLOT_RIGHT_EM 1.2  /* room right of the plot, in font sizes */

/* The bottom block under the lanes of a page, top to bottom. */
#define AXIS_GAP 5.0        /* last lane to the axis line */
#define TICK_LEN 3.0
#define TICK_LABEL_GAP 1.5  /* tick end to its label */
#define TEXT_PITCH_EM 1.25  /* tick labels, unit names, title, legend rows:
                               line pitch in font sizes */
#define LEGEND_GAP 4.0      /* axis title to the legend */
#define LEGEND_ROW_GAP 3.0  /* added to the pitch between legend rows */
#define CAPTION_GAP 3.0     /* legend to the caption */
#define CAPTION_LINE_EM 1.3 /* caption line pitch, in caption sizes */

/* Complications: a row of markers with their labels under the
 * resuscitation row. */
#define COMP_LABEL_GAP 2.0  /* marker to its label */
#define COMP_CLEAR 2.0      /* least room between a label and the next */

/* The observation strip under a lane's rows and label. */
#define STRIP_GAP 3.0       /* above the strip */
#define STRIP_PAD 3.5       /* highest/lowest point to the strip's edge */

struct ctx {
	ecpr_tl_layout *lay;
	const ecpr_tl *tl;
	ecpr_tl_measure_fn measure;
	void *mctx;
	double *anchor;  /* per lane: time zero (UTC s) */
	double *lane_end; /* per lane: last time (relative s) */
	double tmin, tmax;
	double ca_min;   /* earliest arrest, relative */
	int32_t cal_offset;
	int64_t cal_origin;
	size_t comp_levels; /* complication row: levels of labels */
	double comp_off;    /* its top below the lane's top */
	double comp_pitch;  /* height of a level */
	double strip_off;   /* the strip's top below the lane's top */
	double strip_w;     /* widest min/max label of the strips */
};

double
ecpr__tl_fixed_measure(const char *text, double size, void *ctx)
{
	(void)ctx;
	return 0.5 * size * (double)strlen(text);
}

static double
measure(struct ctx *c, const char *text, double size)
{
	return c->measure(text, size, c->mctx);
}

void
ecpr_tl_layout_free(ecpr_tl_layout *lay)
{
	size_t i;

	if (lay == NULL)
		return;
	for (i = 0; i < lay->nsegs; i++)
		free(lay->segs[i].ticks);
	free(lay->segs);
	for (i = 0; i < lay->nlanes; i++) {
		free(lay->lanes[i].label);
		free(lay->lanes[i].bars);
		free(lay->lanes[i].markers);
		free(lay->lanes[i].comps);
		free(lay->lanes[i].points);
	}
	free(lay->lanes);
	free(lay->legend);
	for (i = 0; i < lay->ncaption; i++)
		free(lay->caption[i]);
	free(lay->caption);
	free(lay);
}

double
ecpr_tl_layout_width(const ecpr_tl_layout *lay)
{
	return lay != NULL ? lay->width : 0;
}

double
ecpr_tl_layout_height(const ecpr_tl_layout *lay)
{
	return lay != NULL ? lay->height : 0;
}

size_t
ecpr_tl_layout_page_count(const ecpr_tl_layout *lay)
{
	return lay != NULL ? lay->npages : 0;
}

size_t
ecpr_tl_layout_lane_count(const ecpr_tl_layout *lay)
{
	return lay != NULL ? lay->nlanes : 0;
}

double
ecpr_tl_layout_x(const ecpr_tl_layout *lay, double t)
{
	const ecpr_tl_axis_seg *s;
	double u, span;
	size_t i;

	if (lay->nsegs == 0)
		return lay->plot_x0;
	if (lay->opts.axis == ECPR_TL_AXIS_LOG &&
	    lay->opts.align != ECPR_TL_ALIGN_CALENDAR) {
		s = &lay->segs[0];
		u = (t - s->t0) / MIN_S;
		if (u < 0)
			u = 0;
		span = (s->t1 - s->t0) / MIN_S;
		return s->x0 + (s->x1 - s->x0) * log10(1 + u) / log10(1 + span);
	}
	/* the first segment that reaches t, else the last one */
	for (i = 0; i + 1 < lay->nsegs && t > lay->segs[i].t1; i++)
		;
	s = &lay->segs[i];
	if (t < s->t0)
		t = s->t0;
	if (t > s->t1)
		t = s->t1;
	return s->x0 + (s->x1 - s->x0) * (t - s->t0) / (s->t1 - s->t0);
}

/* Time zero of each lane and the span of all relative times. */
static int
anchors(struct ctx *c, ecpr_error *err)
{
	const ecpr_tl *tl = c->tl;
	const struct ecpr__tl_lane *ln;
	ecpr_tl_align align = c->lay->opts.align;
	int64_t first = INT64_MAX, day;
	int32_t off = 0;
	size_t i, j;
	int found;

	for (i = 0; i < tl->nlanes; i++) {
		ln = &tl->lanes[i];
		found = 0;
		for (j = 0; j < ln->nmarks; j++) {
			if (align == ECPR_TL_ALIGN_CA_ONSET &&
			    ln->marks[j].kind == ECPR_TL_MK_CA &&
			    (!found || ln->marks[j].at.t < c->anchor[i])) {
				c->anchor[i] = (double)ln->marks[j].at.t;
				found = 1;
			}
			if (ln->marks[j].at.t < first) {
				first = ln->marks[j].at.t;
				off = ln->marks[j].at.offset;
			}
		}
		for (j = 0; j < ln->nbars; j++) {
			if (align == ECPR_TL_ALIGN_ECMO_FLOW &&
			    ln->bars[j].kind == ECPR_TL_BAR_ECMO &&
			    (!found || ln->bars[j].start.t < c->anchor[i])) {
				c->anchor[i] = (double)ln->bars[j].start.t;
				found = 1;
			}
			if (ln->bars[j].start.t < first) {
				first = ln->bars[j].start.t;
				off = ln->bars[j].start.offset;
			}
		}
		for (j = 0; j < ln->ncomps; j++)
			if (ln->comps[j].at.prec != ECPR_PREC_NONE &&
			    ln->comps[j].at.t < first) {
				first = ln->comps[j].at.t;
				off = ln->comps[j].at.offset;
			}
		for (j = 0; j < ln->nvalues; j++)
			if (ln->values[j].at.t < first) {
				first = ln->values[j].at.t;
				off = ln->values[j].at.offset;
			}
		if (!found && align != ECPR_TL_ALIGN_CALENDAR)
			return ecpr__error_set(err, ECPR_ERULE, NULL, 0,
			    "lane \"%s\": no %s to align on", ln->label,
			    align == ECPR_TL_ALIGN_CA_ONSET ? "ca_onset" :
			    "ecmo_flow_start");
	}
	if (first == INT64_MAX)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: no times to draw");
	if (align == ECPR_TL_ALIGN_CALENDAR) {
		/* local midnight before the first value */
		day = (first + off) / 86400;
		if ((first + off) % 86400 < 0)
			day--;
		c->cal_origin = day * 86400 - off;
		c->cal_offset = off;
		for (i = 0; i < tl->nlanes; i++)
			c->anchor[i] = (double)c->cal_origin;
	}
	c->tmin = HUGE_VAL;
	c->tmax = -HUGE_VAL;
	c->ca_min = HUGE_VAL;
	for (i = 0; i < tl->nlanes; i++) {
		double lo = HUGE_VAL, hi = -HUGE_VAL, a = c->anchor[i];

		ln = &tl->lanes[i];
		for (j = 0; j < ln->nbars; j++) {
			lo = fmin(lo, (double)ln->bars[j].start.t - a);
			hi = fmax(hi, (double)ln->bars[j].start.end - a);
			if (!ln->bars[j].open)
				hi = fmax(hi, (double)ln->bars[j].stop.end - a);
		}
		for (j = 0; j < ln->nmarks; j++) {
			lo = fmin(lo, (double)ln->marks[j].at.t - a);
			hi = fmax(hi, (double)ln->marks[j].at.end - a);
			if (ln->marks[j].kind == ECPR_TL_MK_CA)
				c->ca_min = fmin(c->ca_min,
				    (double)ln->marks[j].at.t - a);
		}
		/* complications and values are drawn at their times too */
		for (j = 0; j < ln->ncomps; j++) {
			if (ln->comps[j].at.prec == ECPR_PREC_NONE)
				continue;
			lo = fmin(lo, (double)ln->comps[j].at.t - a);
			hi = fmax(hi, (double)ln->comps[j].at.end - a);
		}
		for (j = 0; j < ln->nvalues; j++) {
			lo = fmin(lo, (double)ln->values[j].at.t - a);
			hi = fmax(hi, (double)ln->values[j].at.end - a);
		}
		if (lo > hi)
			continue;
		c->lane_end[i] = hi;
		c->tmin = fmin(c->tmin, lo);
		c->tmax = fmax(c->tmax, hi);
	}
	/*
	 * Relative axes start at the earliest arrest (or 0): what came
	 * before (admission, ventilation) is clipped and drawn fading in.
	 */
	if (align != ECPR_TL_ALIGN_CALENDAR)
		c->tmin = fmin(0, c->ca_min < HUGE_VAL ? c->ca_min : 0);
	if (c->tmax <= c->tmin)
		c->tmax = c->tmin + 10 * MIN_S;
	return ECPR_OK;
}

static double
ceil_to(double v, double step)
{
	return ceil(v / step - 1e-9) * step;
}

static int
add_seg(ecpr_tl_layout *lay, double t0, double t1, const char *unit)
{
	ecpr_tl_axis_seg *s;

	s = realloc(lay->segs, (lay->nsegs + 1) * sizeof(*s));
	if (s == NULL)
		return -1;
	lay->segs = s;
	s = &lay->segs[lay->nsegs++];
	memset(s, 0, sizeof(*s));
	s->t0 = t0;
	s->t1 = t1;
	snprintf(s->unit, sizeof(s->unit), "%s", unit);
	return 0;
}

static int
add_tick(ecpr_tl_axis_seg *s, size_t *cap, double x, const char *label,
    double w)
{
	ecpr_tl_tick *tk;

	if (s->nticks == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		tk = realloc(s->ticks, *cap * sizeof(*tk));
		if (tk == NULL)
			return -1;
		s->ticks = tk;
	}
	tk = &s->ticks[s->nticks++];
	tk->x = x;
	snprintf(tk->label, sizeof(tk->label), "%s", label);
	tk->label_x0 = x - w / 2;
	tk->label_x1 = x + w / 2;
	return 0;
}

/*
 * Ticks at multiples of the smallest step (in units of unit seconds)
 * whose labels do not collide.  skip_t0: no tick at the segment start
 * (the previous segment ends there).
 */
static int
linear_ticks(struct ctx *c, ecpr_tl_axis_seg *s, double unit,
    const int *steps, size_t nsteps, int skip_t0)
{
	ecpr_tl_layout *lay = c->lay;
	double fs = lay->style.font_size, gap = fs * 0.8;
	double pxu = (s->x1 - s->x0) / ((s->t1 - s->t0) / unit);
	double u0 = s->t0 / unit, u1 = s->t1 / unit, w, maxw;
	long long k, k0, k1;
	size_t i, cap = 0, pick = nsteps - 1;
	char buf[32];

	for (i = 0; i < nsteps; i++) {
		k0 = (long long)ceil(u0 / steps[i] - 1e-9);
		k1 = (long long)floor(u1 / steps[i] + 1e-9);
		maxw = 0;
		for (k = k0; k <= k1; k++) {
			snprintf(buf, sizeof(buf), "%lld", k * steps[i]);
			maxw = fmax(maxw, measure(c, buf, fs));
		}
		if (steps[i] * pxu >= maxw + gap) {
			pick = i;
			break;
		}
	}
	k0 = (long long)ceil(u0 / steps[pick] - 1e-9);
	k1 = (long long)floor(u1 / steps[pick] + 1e-9);
	for (k = k0; k <= k1; k++) {
		double t = (double)(k * steps[pick]) * unit;

		if (skip_t0 && fabs(t - s->t0) < 1e-6)
			continue;
		snprintf(buf, sizeof(buf), "%lld", k * steps[pick]);
		w = measure(c, buf, fs);
		if (add_tick(s, &cap, s->x0 + (t - s->t0) / unit * pxu, buf,
		    w))
			return -1;
	}
	return 0;
}

static void
duration_label(char *buf, size_t len, double t)
{
	double a = fabs(t);

	if (a == 0)
		snprintf(buf, len, "0");
	else if (a < HOUR_S)
		snprintf(buf, len, "%g min", t / MIN_S);
	else if (a < DAY_S)
		snprintf(buf, len, "%g h", t / HOUR_S);
	else
		snprintf(buf, len, "%g d", t / DAY_S);
}

static int
log_ticks(struct ctx *c, ecpr_tl_axis_seg *s)
{
	static const double cand[] = { -3600, -1800, -600, 0, 60, 120, 300,
		600, 1200, 1800, 3600, 7200, 21600, 43200, 86400, 172800,
		432000, 864000, 1728000, 2592000, 5184000, 8640000,
		17280000 };
	double fs = c->lay->style.font_size;
	size_t i, cap = 0;
	char buf[32];

	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		if (cand[i] < s->t0 - 1e-6 || cand[i] > s->t1 + 1e-6)
			continue;
		duration_label(buf, sizeof(buf), cand[i]);
		if (add_tick(s, &cap, ecpr_tl_layout_x(c->lay, cand[i]), buf,
		    measure(c, buf, fs)))
			return -1;
	}
	return 0;
}

static int
calendar_ticks(struct ctx *c, ecpr_tl_axis_seg *s)
{
	static const int steps[] = { 1, 2, 7, 14, 28, 56, 91, 182, 364,
		728 };
	double fs = c->lay->style.font_size, gap = fs * 0.8;
	double pxd = (s->x1 - s->x0) / ((s->t1 - s->t0) / DAY_S);
	double w;
	int64_t y, d, n, ndays, step = 728;
	int m, dd;
	size_t i, cap = 0;
	char buf[32];

	w = measure(c, "0000-00-00", fs);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i] * pxd >= w + gap) {
			step = steps[i];
			break;
		}
	}
	ndays = (int64_t)floor((s->t1 - s->t0) / DAY_S + 1e-9);
	d = (c->cal_origin + c->cal_offset) / 86400;
	for (n = 0; n <= ndays; n += step) {
		ecpr__civil_from_days(d + n, &y, &m, &dd);
		snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", (long long)y, m,
		    dd);
		if (add_tick(s, &cap, s->x0 + (double)n * pxd, buf,
		    measure(c, buf, fs)))
			return -1;
	}
	return 0;
}

static const int min_steps[] = { 1, 2, 5, 10, 15, 20, 30, 60, 120, 240 };
static const int hour_steps[] = { 1, 2, 3, 6, 12, 24, 48 };
static const int day_steps[] = { 1, 2, 5, 7, 10, 14, 20, 30, 50, 100, 200,
	500, 1000 };
#define NSTEPS(a) (sizeof(a) / sizeof(a[0]))

static int
unit_ticks(struct ctx *c, ecpr_tl_axis_seg *s, int skip_t0)
{
	if (strcmp(s->unit, "min") == 0)
		return linear_ticks(c, s, MIN_S, min_steps, NSTEPS(min_steps),
		    skip_t0);
	if (strcmp(s->unit, "h") == 0)
		return linear_ticks(c, s, HOUR_S, hour_steps,
		    NSTEPS(hour_steps), skip_t0);
	return linear_ticks(c, s, DAY_S, day_steps, NSTEPS(day_steps),
	    skip_t0);
}

static double
nice_days(double t)
{
	double d = ceil(t / DAY_S - 1e-9);

	if (d > 10)
		d = ceil(d / 5) * 5;
	return d * DAY_S;
}

/* Axis segments, their x extents and ticks. */
static int
build_axis(struct ctx *c)
{
	ecpr_tl_layout *lay = c->lay;
	double lo = floor(fmin(0, c->tmin) / (10 * MIN_S)) * 10 * MIN_S;
	double hi = c->tmax, w, x, sum = 0, weight[3];
	size_t i;

	switch (lay->opts.align == ECPR_TL_ALIGN_CALENDAR ?
	    ECPR_TL_AXIS_LINEAR : lay->opts.axis) {
	case ECPR_TL_AXIS_SEGMENTED:
		if (hi <= SEG_MIN_END) {
			if (add_seg(lay, lo, ceil_to(hi, 10 * MIN_S), "min"))
				return -1;
			break;
		}
		if (add_seg(lay, lo, SEG_MIN_END, "min"))
			return -1;
		if (hi <= SEG_HOUR_END) {
			if (add_seg(lay, SEG_MIN_END, ceil_to(hi, HOUR_S),
			    "h"))
				return -1;
			break;
		}
		if (add_seg(lay, SEG_MIN_END, SEG_HOUR_END, "h") ||
		    add_seg(lay, SEG_HOUR_END, nice_days(hi), "days"))
			return -1;
		break;
	case ECPR_TL_AXIS_LINEAR:
		if (lay->opts.align == ECPR_TL_ALIGN_CALENDAR) {
			if (add_seg(lay, 0, ceil_to(hi, DAY_S), ""))
				return -1;
		} else if (hi - lo <= 3 * HOUR_S) {
			if (add_seg(lay, lo, ceil_to(hi, 10 * MIN_S), "min"))
				return -1;
		} else if (hi - lo <= 3 * DAY_S) {
			if (add_seg(lay, lo, ceil_to(hi, HOUR_S), "h"))
				return -1;
		} else if (add_seg(lay, lo, nice_days(hi), "days"))
			return -1;
		break;
	case ECPR_TL_AXIS_LOG:
		if (add_seg(lay, lo, hi, ""))
			return -1;
		break;
	}
	/* x extents: minutes get room although they are short */
	if (lay->nsegs == 3) {
		weight[0] = 0.35;
		weight[1] = 0.2;
		weight[2] = 0.45;
	} else {
		weight[0] = 0.6;
		weight[1] = 0.4;
		weight[2] = 0;
	}
	if (lay->nsegs == 1)
		weight[0] = 1;
	for (i = 0; i < lay->nsegs; i++)
		sum += weight[i];
	w = lay->plot_x1 - lay->plot_x0 - SEG_BREAK * (double)(lay->nsegs - 1);
	x = lay->plot_x0;
	for (i = 0; i < lay->nsegs; i++) {
		lay->segs[i].x0 = x;
		lay->segs[i].x1 = x + w * weight[i] / sum;
		x = lay->segs[i].x1 + SEG_BREAK;
	}
	for (i = 0; i < lay->nsegs; i++) {
		int r;

		if (lay->opts.align == ECPR_TL_ALIGN_CALENDAR)
			r = calendar_ticks(c, &lay->segs[i]);
		else if (lay->opts.axis == ECPR_TL_AXIS_LOG)
			r = log_ticks(c, &lay->segs[i]);
		else
			r = unit_ticks(c, &lay->segs[i], i > 0);
		if (r)
			return -1;
	}
	return 0;
}

/* Drop tick labels that would touch the one before or leave the page. */
static void
prune_ticks(ecpr_tl_layout *lay)
{
	double last = -HUGE_VAL, gap = lay->style.font_size * 0.5;
	size_t i, j, n;

	for (i = 0; i < lay->nsegs; i++) {
		ecpr_tl_axis_seg *s = &lay->segs[i];

		for (j = n = 0; j < s->nticks; j++) {
			if (s->ticks[j].label_x0 < last + gap ||
			    s->ticks[j].label_x0 < 0 ||
			    s->ticks[j].label_x1 > lay->width)
				continue;
			last = s->ticks[j].label_x1;
			s->ticks[n++] = s->ticks[j];
		}
		s->nticks = n;
	}
}

static int
row_of_marker(ecpr_tl_marker kind)
{
	if (kind == ECPR_TL_MK_ICU_DISCHARGE)
		return ECPR_TL_BAR_ICU;
	if (kind == ECPR_TL_MK_HOSP_DISCHARGE)
		return ECPR_TL_BAR_HOSPITAL;
	return ECPR_TL_BAR_CPR;
}

/*
 * x of a point in time of lane i (anchor a): a time coarser than a
 * minute is put in the middle of its span, whisker over the span (1).
 */
static int
point_x(const ecpr_tl_layout *lay, double a, const ecpr_time *tm,
    double *x, double *wx0, double *wx1)
{
	if (ecpr__tl_imprecise(tm)) {
		*wx0 = ecpr_tl_layout_x(lay, (double)tm->t - a);
		*wx1 = ecpr_tl_layout_x(lay, (double)tm->end - a);
		*x = ecpr_tl_layout_x(lay,
		    ((double)tm->t + (double)tm->end) / 2 - a);
		return 1;
	}
	*x = *wx0 = *wx1 = ecpr_tl_layout_x(lay, (double)tm->t - a);
	return 0;
}

/*
 * Markers of a lane at the same place (the same instant on the same row)
 * would hide each other: set them side by side, in the order added,
 * marker_size + 1 apart and centred on that place.  Whiskers keep the
 * time span.
 */
static int
dodge_markers(ecpr_tl_lane_geom *g, double size)
{
	double *ox, step = size + 1;
	size_t j, k, n, rank;

	if (g->nmarkers < 2)
		return 0;
	if ((ox = malloc(g->nmarkers * sizeof(*ox))) == NULL)
		return -1;
	for (j = 0; j < g->nmarkers; j++)
		ox[j] = g->markers[j].x;
	for (j = 0; j < g->nmarkers; j++) {
		for (k = n = rank = 0; k < g->nmarkers; k++) {
			if (fabs(ox[k] - ox[j]) > 1e-6 ||
			    g->markers[k].y != g->markers[j].y)
				continue;
			n++;
			if (k < j)
				rank++;
		}
		g->markers[j].x = ox[j] +
		    ((double)rank - (double)(n - 1) / 2) * step;
	}
	free(ox);
	return 0;
}

/* The number a value states (its bound when censored), for drawing. */
static double
value_num(const ecpr_value *v)
{
	double d = (double)v->mant;
	int k;

	for (k = 0; k < v->scale; k++)
		d /= 10;
	return d;
}

/* 1 when a is the higher (dir +1) or lower (dir -1) value: by number,
 * then a censored value beyond the number wins over an exact one. */
static int
beyond(const ecpr_value *a, const ecpr_value *b, int dir)
{
	int r = ecpr_value_number_cmp(a, b) * dir;

	if (r != 0)
		return r > 0;
	if (dir > 0)
		return (a->cmp == ECPR_CMP_GT || a->cmp == ECPR_CMP_GE) &&
		    b->cmp == ECPR_CMP_EQ;
	return (a->cmp == ECPR_CMP_LT || a->cmp == ECPR_CMP_LE) &&
	    b->cmp == ECPR_CMP_EQ;
}

/* "> 35,000 pg/mL": a value as the paper prints it, with its unit. */
static void
value_label(char *buf, size_t len, const ecpr_value *v, int obs)
{
	size_t n = ecpr_value_format(v, ECPR_VALUE_PAPER, buf, len);

	if (n < len)
		snprintf(buf + n, len - n, " %s",
		    ecpr_obs_unit_label((ecpr_obs_type)obs));
}

/* The highest and lowest value of lane i, NULL when it has none. */
static void
lane_extremes(const struct ecpr__tl_lane *ln, const ecpr_value **hi,
    const ecpr_value **lo)
{
	size_t j;

	*hi = *lo = NULL;
	for (j = 0; j < ln->nvalues; j++) {
		const ecpr_value *v = &ln->values[j].v;

		if (*hi == NULL || beyond(v, *hi, 1))
			*hi = v;
		if (*lo == NULL || beyond(v, *lo, -1))
			*lo = v;
	}
}

/*
 * The min/max labels of every lane's strip (before the label column is
 * sized: they stand in it, right-aligned to the plot).
 */
static void
strip_labels(struct ctx *c)
{
	ecpr_tl_layout *lay = c->lay;
	double fs = lay->style.font_size;
	const ecpr_value *hi, *lo;
	size_t i;

	for (i = 0; i < c->tl->nlanes; i++) {
		ecpr_tl_lane_geom *g = &lay->lanes[i];

		lane_extremes(&c->tl->lanes[i], &hi, &lo);
		if (hi == NULL) {
			snprintf(g->strip_hi, sizeof(g->strip_hi),
			    "no values");
		} else {
			value_label(g->strip_hi, sizeof(g->strip_hi), hi,
			    lay->obs);
			/* one value (or all the same): one label */
			if (ecpr_value_number_cmp(hi, lo) != 0 ||
			    hi->cmp != lo->cmp)
				value_label(g->strip_lo, sizeof(g->strip_lo),
				    lo, lay->obs);
		}
		c->strip_w = fmax(c->strip_w, measure(c, g->strip_hi, fs));
		c->strip_w = fmax(c->strip_w, measure(c, g->strip_lo, fs));
	}
}

struct xsort {
	double x;
	size_t k;
};

static int
xsort_cmp(const void *a, const void *b)
{
	const struct xsort *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->k < q->k ? -1 : p->k > q->k;
}

/*
 * The strip of lane i: the values on a scale from the lane's lowest to
 * its highest (STRIP_PAD inside the strip's edges; one value, or all the
 * same, in the middle), the reference range as a band clipped to the
 * strip, points in time order.
 */
static int
strip_geom(struct ctx *c, size_t i)
{
	ecpr_tl_layout *lay = c->lay;
	const struct ecpr__tl_lane *ln = &c->tl->lanes[i];
	ecpr_tl_lane_geom *g = &lay->lanes[i];
	const ecpr_value *hi, *lo;
	double vhi, vlo, top, bot, y0, y1, wx0, wx1, a = c->anchor[i];
	struct xsort *xs;
	size_t j;

	g->strip_y = g->y + c->strip_off;
	g->strip_h = lay->style.strip_height;
	top = g->strip_y + STRIP_PAD;
	bot = g->strip_y + g->strip_h - STRIP_PAD;
	g->hi_y = g->lo_y = g->strip_y + g->strip_h / 2;
	lane_extremes(ln, &hi, &lo);
	if (hi == NULL)
		return 0;
	vhi = value_num(hi);
	vlo = value_num(lo);
	if (vhi <= vlo) {
		/* one number: in the middle of a scale of +-1 around it */
		vhi += 1;
		vlo -= 1;
	} else {
		g->hi_y = top;
		g->lo_y = bot;
	}
#define YOF(v) (top + (vhi - (v)) / (vhi - vlo) * (bot - top))
	if (ln->has_range) {
		y0 = ln->range.has_hi ? YOF(value_num(&ln->range.hi)) :
		    g->strip_y;
		y1 = ln->range.has_lo ? YOF(value_num(&ln->range.lo)) :
		    g->strip_y + g->strip_h;
		y0 = fmax(y0, g->strip_y);
		y1 = fmin(y1, g->strip_y + g->strip_h);
		if (y1 > y0) {
			g->band = 1;
			g->band_y0 = y0;
			g->band_y1 = y1;
			lay->range_used = 1;
		}
	}
	g->points = calloc(ln->nvalues, sizeof(*g->points));
	xs = calloc(ln->nvalues, sizeof(*xs));
	if (g->points == NULL || xs == NULL) {
		free(xs);
		return -1;
	}
	for (j = 0; j < ln->nvalues; j++) {
		point_x(lay, a, &ln->values[j].at, &xs[j].x, &wx0, &wx1);
		xs[j].k = j;
	}
	qsort(xs, ln->nvalues, sizeof(*xs), xsort_cmp);
	for (j = 0; j < ln->nvalues; j++) {
		const ecpr_value *v = &ln->values[xs[j].k].v;
		ecpr_tl_strip_point *pt = &g->points[g->npoints++];

		pt->x = xs[j].x;
		pt->y = YOF(value_num(v));
		pt->cmp = v->cmp;
		if (v->cmp != ECPR_CMP_EQ)
			lay->censored_used = 1;
	}
#undef YOF
	free(xs);
	return 0;
}

/*
 * The complications with a time of every lane, in time order, with
 * their labels on levels: a label that would touch the one before it on
 * a level goes to the next (c->comp_levels: the most any lane needs).
 * Their y is set by lane_geom once the rows are placed.
 */
static int
comp_geom(struct ctx *c)
{
	ecpr_tl_layout *lay = c->lay;
	double fs = lay->style.font_size, r = lay->style.marker_size / 2;
	double *ends;
	size_t i, j, k, nlev;

	c->comp_pitch = fmax(lay->style.marker_size, fs * LINE_EM);
	for (i = 0; i < c->tl->nlanes; i++) {
		const struct ecpr__tl_lane *ln = &c->tl->lanes[i];
		ecpr_tl_lane_geom *g = &lay->lanes[i];

		if (!lay->style.show_complications || ln->ncomps == 0)
			continue;
		g->comps = calloc(ln->ncomps, sizeof(*g->comps));
		ends = calloc(ln->ncomps, sizeof(*ends));
		if (g->comps == NULL || ends == NULL) {
			free(ends);
			return -1;
		}
		for (j = 0; j < ln->ncomps; j++) {
			const struct ecpr__tl_comp *cp = &ln->comps[j];
			ecpr_tl_comp_geom *cg, tmp;

			if (cp->code == ECPR_COMPLICATION_NONE ||
			    cp->at.prec == ECPR_PREC_NONE)
				continue;
			cg = &g->comps[g->ncomps++];
			cg->code = cp->code;
			cg->by = cp->by;
			cg->label = ecpr_complication_label(cp->code);
			if (point_x(lay, c->anchor[i], &cp->at, &cg->x,
			    &cg->wx0, &cg->wx1))
				lay->whiskers = 1;
			lay->comp_used[cp->by] = 1;
			/* keep them in time order (insertion: stable) */
			for (k = g->ncomps - 1; k > 0 &&
			    g->comps[k - 1].x > g->comps[k].x; k--) {
				tmp = g->comps[k - 1];
				g->comps[k - 1] = g->comps[k];
				g->comps[k] = tmp;
			}
		}
		for (j = nlev = 0; j < g->ncomps; j++) {
			ecpr_tl_comp_geom *cg = &g->comps[j];
			double x0 = fmin(cg->wx0, cg->x - r);

			cg->text_x = cg->x + r + COMP_LABEL_GAP;
			for (k = 0; k < nlev && ends[k] + COMP_CLEAR > x0; k++)
				;
			if (k == nlev)
				nlev++;
			cg->level = (int)k;
			ends[k] = fmax(cg->wx1, cg->text_x +
			    measure(c, cg->label, fs));
		}
		free(ends);
		if (nlev > c->comp_levels)
			c->comp_levels = nlev;
	}
	return 0;
}

static int
lane_geom(struct ctx *c, size_t i, const double *row_off,
    const double *row_h)
{
	ecpr_tl_layout *lay = c->lay;
	const struct ecpr__tl_lane *ln = &c->tl->lanes[i];
	ecpr_tl_lane_geom *g = &lay->lanes[i];
	double a = c->anchor[i], x0, x1;
	size_t j, k;
	int row;

	g->index = i;
	/* a copy: the layout outlives the timeline it was made from */
	g->label = strdup(ln->label);
	if (g->label == NULL)
		return -1;
	for (k = 0; k < ECPR_TL_BAR_COUNT; k++)
		g->row_y[k] = row_off[k] < 0 ? -1 : g->y + row_off[k];
	g->label_x = lay->style.margin;
	g->label_y = g->y;
	g->bars = calloc(ln->nbars ? ln->nbars : 1, sizeof(*g->bars));
	g->markers = calloc(ln->nmarks ? ln->nmarks : 1, sizeof(*g->markers));
	if (g->bars == NULL || g->markers == NULL)
		return -1;
	/* resuscitation phases first so MCC is drawn over CPR */
	for (k = 0; k < ECPR_TL_BAR_COUNT; k++) {
		for (j = 0; j < ln->nbars; j++) {
			const struct ecpr__tl_bar *b = &ln->bars[j];
			ecpr_tl_bar_geom *bg;

			if ((size_t)b->kind != k || row_off[k] < 0 ||
			    !lay->style.show_track[ecpr_tl_bar_track(b->kind)])
				continue;
			bg = &g->bars[g->nbars++];
			bg->kind = b->kind;
			bg->y = g->row_y[k];
			bg->h = row_h[k];
			if ((double)b->start.t - a < lay->segs[0].t0) {
				x0 = bg->wx0 = lay->segs[0].x0;
				bg->clipped = 1;
			} else if (ecpr__tl_imprecise(&b->start)) {
				bg->wx0 = ecpr_tl_layout_x(lay,
				    (double)b->start.t - a);
				x0 = ecpr_tl_layout_x(lay,
				    (double)b->start.end - a);
				lay->whiskers = 1;
			} else {
				x0 = bg->wx0 = ecpr_tl_layout_x(lay,
				    (double)b->start.t - a);
			}
			if (b->open) {
				x1 = bg->wx1 = ecpr_tl_layout_x(lay,
				    c->lane_end[i]);
				bg->open = 1;
			} else if (ecpr__tl_imprecise(&b->stop)) {
				x1 = ecpr_tl_layout_x(lay,
				    (double)b->stop.t - a);
				bg->wx1 = ecpr_tl_layout_x(lay,
				    (double)b->stop.end - a);
				lay->whiskers = 1;
			} else {
				x1 = bg->wx1 = ecpr_tl_layout_x(lay,
				    (double)b->stop.t - a);
			}
			if (x0 > x1)
				x0 = x1 = (x0 + x1) / 2;
			bg->x0 = x0;
			bg->x1 = x1;
			/* a bar of no length on the axis draws nothing */
			if (bg->wx1 > bg->wx0)
				lay->bar_used[k] = 1;
		}
	}
	for (j = 0; j < ln->nmarks; j++) {
		const struct ecpr__tl_mark *m = &ln->marks[j];
		ecpr_tl_marker_geom *mg = &g->markers[g->nmarkers++];

		row = row_of_marker(m->kind);
		if (row_off[row] < 0)
			row = ECPR_TL_BAR_CPR;
		mg->kind = m->kind;
		mg->y = g->row_y[row] + row_h[row] / 2;
		if (point_x(lay, a, &m->at, &mg->x, &mg->wx0, &mg->wx1))
			lay->whiskers = 1;
		lay->marker_used[m->kind] = 1;
	}
	for (j = 0; j < g->ncomps; j++) {
		ecpr_tl_comp_geom *cg = &g->comps[j];

		cg->y = g->y + c->comp_off +
		    ((double)cg->level + 0.5) * c->comp_pitch;
		cg->text_y = cg->y - lay->style.font_size * TEXT_MID_EM;
	}
	if (lay->obs >= 0 && strip_geom(c, i))
		return -1;
	return dodge_markers(g, lay->style.marker_size);
}

static int
legend_add(ecpr_tl_layout *lay, int is_marker, int kind, const char *text)
{
	ecpr_tl_legend_item *it;

	it = realloc(lay->legend, (lay->nlegend + 1) * sizeof(*it));
	if (it == NULL)
		return -1;
	lay->legend = it;
	it = &lay->legend[lay->nlegend++];
	memset(it, 0, sizeof(*it));
	it->is_marker = is_marker;
	it->kind = kind;
	it->text = text;
	return 0;
}

#define LEGEND_TEXT_GAP 3.0    /* swatch to its text */
#define LEGEND_ITEM_GAP_EM 1.5 /* between items of a row, in font sizes */

/* Place the legend items in rows; returns the number of rows. */
static size_t
place_legend(struct ctx *c, double y0, double row_h)
{
	ecpr_tl_layout *lay = c->lay;
	double fs = lay->style.font_size, x = lay->style.margin, w;
	double right = lay->width - lay->style.margin;
	size_t i, rows = lay->nlegend ? 1 : 0;

	for (i = 0; i < lay->nlegend; i++) {
		ecpr_tl_legend_item *it = &lay->legend[i];

		w = LEGEND_SWATCH + LEGEND_TEXT_GAP + measure(c, it->text, fs);
		if (x > lay->style.margin && x + w > right) {
			x = lay->style.margin;
			rows++;
		}
		it->x = x;
		it->y = y0 + (double)(rows - 1) * row_h;
		it->text_x = x + LEGEND_SWATCH + LEGEND_TEXT_GAP;
		x += w + fs * LEGEND_ITEM_GAP_EM;
	}
	return rows;
}

static const struct {
	const char *abbr;
	const char *text;
} abbrevs[] = {
	{ "CC", "chest compression" },
	{ "CPR", "cardiopulmonary resuscitation" },
	{ "CRRT", "continuous renal replacement therapy" },
	{ "ECMO", "extracorporeal membrane oxygenation" },
	{ "ECPR", "extracorporeal cardiopulmonary resuscitation" },
	{ "IABP", "intra-aortic balloon pump" },
	{ "ICU", "intensive care unit" },
	{ "MV", "mechanical ventilation" },
	{ "PCI", "percutaneous coronary intervention" },
	{ "ROSC", "return of spontaneous circulation" },
};

/* 1 when word occurs in text as a whole word. */
static int
has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;

	while ((p = strstr(p, word)) != NULL) {
		int before = p == text || !((p[-1] >= 'A' && p[-1] <= 'Z') ||
		    (p[-1] >= 'a' && p[-1] <= 'z'));
		int after = !((p[n] >= 'A' && p[n] <= 'Z') ||
		    (p[n] >= 'a' && p[n] <= 'z'));

		if (before && after)
			return 1;
		p += n;
	}
	return 0;
}

static int
line_push(char ***lines, size_t *n, const char *s, size_t len)
{
	char **v, *line;

	v = realloc(*lines, (*n + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	*lines = v;
	line = malloc(len + 1);
	if (line == NULL)
		return -1;
	memcpy(line, s, len);
	line[len] = '\0';
	(*lines)[(*n)++] = line;
	return 0;
}

int
ecpr__tl_wrap(char ***lines, size_t *n, const char *text, double size,
    double width, ecpr_tl_measure_fn mfn, void *ctx)
{
	double space, w, line = 0;
	size_t len = strlen(text), start = 0, i, j;
	char *buf = malloc(len + 1);
	int r = 0;

	if (buf == NULL)
		return -1;
	space = mfn(" ", size, ctx);
	for (i = 0; i < len && r == 0; i = j + 1) {
		j = i;
		while (j < len && text[j] != ' ')
			j++;
		memcpy(buf, text + i, j - i);
		buf[j - i] = '\0';
		w = mfn(buf, size, ctx);
		if (i > start && line + space + w > width) {
			r = line_push(lines, n, text + start, i - 1 - start);
			start = i;
			line = w;
		} else {
			line += (i > start ? space : 0) + w;
		}
	}
	if (r == 0 && start < len)
		r = line_push(lines, n, text + start, len - start);
	free(buf);
	return r;
}

/* Word-wrap text into caption lines no wider than width. */
static int
wrap_caption(struct ctx *c, const char *text, double width)
{
	return ecpr__tl_wrap(&c->lay->caption, &c->lay->ncaption, text,
	    c->lay->style.caption_size, width, c->measure, c->mctx);
}

/* A caption being written, as long as it needs; oom: an append failed. */
struct capbuf {
	char *s;
	size_t n, len;
	int oom;
};

static void ECPR__PRINTF(2, 3)
cap_add(struct capbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t need;
	char *p;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k < 0 || b->oom)
		return;
	need = b->n + (size_t)k + 1;
	if (need > b->len) {
		p = realloc(b->s, need * 2);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->len = need * 2;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->len - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)k;
}

/*
 * "Time not known: case2: PI (ECPR); case3: ..." for the complications
 * of unknown time (not drawn on their lanes).
 */
static void
unknown_comps(struct ctx *c, struct capbuf *b)
{
	static const char *const by_text[ECPR_BY_COUNT] = {
		"mechanical CC", "ECPR", "other"
	};
	size_t i, j, nl, lanes = 0, in_lane;

	if (!c->lay->style.show_complications)
		return;
	for (i = 0; i < c->tl->nlanes; i++) {
		const struct ecpr__tl_lane *ln = &c->tl->lanes[i];

		for (j = in_lane = 0; j < ln->ncomps; j++) {
			const struct ecpr__tl_comp *cp = &ln->comps[j];

			if (cp->code == ECPR_COMPLICATION_NONE ||
			    cp->at.prec != ECPR_PREC_NONE)
				continue;
			if (in_lane++ == 0) {
				/* the lane by the first line of its label */
				nl = strcspn(ln->label, "\n");
				cap_add(b, "%s%.*s: ", lanes++ ?
				    "; " : "Complications at unknown times: ",
				    (int)nl, ln->label);
			} else {
				cap_add(b, ", ");
			}
			cap_add(b, "%s (%s)", ecpr_complication_label(cp->code),
			    by_text[cp->by]);
		}
	}
	if (lanes)
		cap_add(b, ".");
}

/* 1 when code's label is drawn or listed in the chart. */
static int
comp_shown(struct ctx *c, int code)
{
	size_t i, j;

	if (!c->lay->style.show_complications)
		return 0;
	for (i = 0; i < c->tl->nlanes; i++)
		for (j = 0; j < c->tl->lanes[i].ncomps; j++)
			if (c->tl->lanes[i].comps[j].code == code)
				return 1;
	return 0;
}

static int
build_caption(struct ctx *c, double width)
{
	ecpr_tl_layout *lay = c->lay;
	struct capbuf b = { NULL, 0, 0, 0 }, u = { NULL, 0, 0, 0 };
	const char *ab;
	size_t i, j, used = 0;
	int code, r = -1;

	cap_add(&b, "%s", "");
	cap_add(&u, "%s", "");
	unknown_comps(c, &u);
	if (b.oom || u.oom)
		goto out;
	for (i = 0; i < sizeof(abbrevs) / sizeof(abbrevs[0]); i++) {
		int found = has_word(lay->axis_title, abbrevs[i].abbr) ||
		    has_word(u.s, abbrevs[i].abbr);

		for (j = 0; j < lay->nlegend && !found; j++)
			found = has_word(lay->legend[j].text, abbrevs[i].abbr);
		if (!found)
			continue;
		cap_add(&b, "%s%s %s", used++ ? ", " : "", abbrevs[i].abbr,
		    abbrevs[i].text);
	}
	/* the abbreviated labels of the complications shown ("PI") */
	for (code = 0; (size_t)code < ecpr_complication_count(); code++) {
		if ((ab = ecpr_complication_abbrev(code)) == NULL ||
		    code == ECPR_COMPLICATION_NONE || !comp_shown(c, code))
			continue;
		cap_add(&b, "%s%s %s", used++ ? ", " : "",
		    ecpr_complication_label(code), ab);
	}
	if (used)
		cap_add(&b, ".");
	if (u.n)
		cap_add(&b, "%s%s", b.n ? " " : "", u.s);
	if (lay->whiskers)
		cap_add(&b, "%sWhiskers span times known only to the day or "
		    "coarser.", b.n ? " " : "");
	/* the definitions the phases are drawn by */
	cap_add(&b, "%sDefinitions: %s.", b.n ? " " : "", ecpr_defs_version());
	if (!b.oom)
		r = wrap_caption(c, b.s, width);
out:
	free(b.s);
	free(u.s);
	return r;
}

void
ecpr__tl_page_size(ecpr_tl_size size, double *w, double *h)
{
	switch (size) {
	case ECPR_TL_SIZE_SINGLE:
		*w = 85 / 25.4 * 72;
		*h = PAGE_COL_H;
		break;
	case ECPR_TL_SIZE_A4:
		*w = 595.28;
		*h = 841.89;
		break;
	case ECPR_TL_SIZE_LETTER:
		*w = 612;
		*h = 792;
		break;
	case ECPR_TL_SIZE_DOUBLE:
	default:
		*w = 175 / 25.4 * 72;
		*h = PAGE_COL_H;
		break;
	}
}

/* Width of the widest line of a multi-line label. */
static double
label_width(struct ctx *c, const char *label, double size, size_t *lines)
{
	char buf[512];
	const char *p = label, *nl;
	double w = 0;
	size_t n;

	*lines = 0;
	for (;;) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		w = fmax(w, measure(c, buf, size));
		(*lines)++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return w;
}

/*
 * Rows of a lane: offset from its top (-1: hidden) and height of each bar
 * kind's row; returns the height of all rows.  The resuscitation row is
 * always there (the markers live on it).
 */
static double
place_rows(struct ctx *c, double *row_off, double *row_h)
{
	const ecpr_tl *tl = c->tl;
	const ecpr_tl_style *st = &c->lay->style;
	int used[ECPR_TL_BAR_COUNT] = { 0 };
	int track, prev_track = ECPR_TL_TRACK_RESUS;
	double y = st->bar_height;
	size_t i, j;

	for (i = 0; i < tl->nlanes; i++)
		for (j = 0; j < tl->lanes[i].nbars; j++)
			used[tl->lanes[i].bars[j].kind] = 1;
	/* the complications under the resuscitation row */
	if (c->comp_levels > 0) {
		y += st->row_gap;
		c->comp_off = y;
		y += (double)c->comp_levels * c->comp_pitch;
	}
	for (i = 0; i < ECPR_TL_BAR_COUNT; i++) {
		track = (int)ecpr_tl_bar_track((ecpr_tl_bar)i);
		row_off[i] = -1;
		row_h[i] = 0;
		if (track == ECPR_TL_TRACK_RESUS) {
			row_off[i] = 0;
			row_h[i] = st->bar_height;
			continue;
		}
		if (!used[i] || !st->show_track[track])
			continue;
		/* a wider gap between tracks than between rows */
		y += track != prev_track ? 2 * st->row_gap : st->row_gap;
		row_off[i] = y;
		row_h[i] = st->sub_height;
		y += st->sub_height;
		prev_track = track;
	}
	return y;
}

/*
 * The label column left of the plot (lane labels, the strips' min/max
 * labels) and the plot's extent; returns the height of the lane labels.
 */
static double
place_label_column(struct ctx *c)
{
	ecpr_tl_layout *lay = c->lay;
	const ecpr_tl_style *st = &lay->style;
	double lw = 0;
	size_t i, lines, maxlines = 1;

	for (i = 0; i < c->tl->nlanes; i++) {
		lw = fmax(lw, label_width(c, c->tl->lanes[i].label,
		    st->label_size, &lines));
		if (lines > maxlines)
			maxlines = lines;
	}
	lay->label_w = fmin(fmax(lw, c->strip_w + STRIP_LABEL_GAP -
	    LABEL_COL_GAP), lay->width * LABEL_COL_MAX);
	lay->plot_x0 = st->margin + lay->label_w + LABEL_COL_GAP;
	lay->plot_x1 = lay->width - st->margin - st->font_size * PLOT_RIGHT_EM;
	return (double)maxlines * st->label_size * LINE_EM;
}

/* The strip's legend text: "Lactate in blood (mmol/L)". */
static void
strip_title(ecpr_tl_layout *lay)
{
	ecpr_obs_type t = (ecpr_obs_type)lay->obs;
	char *p = lay->strip_title;

	snprintf(p, sizeof(lay->strip_title), "%s (%s)",
	    ecpr_obs_definition(t), ecpr_obs_unit_label(t));
	if (*p >= 'a' && *p <= 'z')
		*p = (char)(*p - 'a' + 'A');
}

static void
set_axis_title(ecpr_tl_layout *lay)
{
	snprintf(lay->axis_title, sizeof(lay->axis_title), "%s%s",
	    lay->opts.align == ECPR_TL_ALIGN_CALENDAR ? "Date" :
	    lay->opts.align == ECPR_TL_ALIGN_ECMO_FLOW ?
	    "Time from start of ECMO flow" : "Time from cardiac arrest",
	    lay->opts.axis == ECPR_TL_AXIS_LOG &&
	    lay->opts.align != ECPR_TL_ALIGN_CALENDAR ? " (log scale)" : "");
}

/* Legend text of a complication marker, per attribution. */
static const char *const comp_legend[ECPR_BY_COUNT] = {
	"Complication of mechanical CC", "Complication of ECPR",
	"Other complication",
};

/*
 * The legend: the bar and marker kinds drawn, in legend order, the
 * complication markers, the strip, its band and censored values, then
 * the whisker when some value is imprecise.
 */
static int
build_legend(ecpr_tl_layout *lay)
{
	size_t i;

	for (i = 0; i < ECPR_TL_BAR_COUNT; i++)
		if (lay->bar_used[i] && legend_add(lay, 0, (int)i,
		    ecpr_tl_bar_label((ecpr_tl_bar)i)))
			return -1;
	for (i = 0; i < ECPR_TL_MK_COUNT; i++)
		if (lay->marker_used[i] && legend_add(lay, 1, (int)i,
		    ecpr_tl_marker_label((ecpr_tl_marker)i)))
			return -1;
	for (i = 0; i < ECPR_BY_COUNT; i++)
		if (lay->comp_used[i] && legend_add(lay, ECPR_TL_LEG_COMP,
		    (int)i, comp_legend[i]))
			return -1;
	if (lay->obs >= 0 && legend_add(lay, ECPR_TL_LEG_STRIP, 0,
	    lay->strip_title))
		return -1;
	if (lay->range_used && legend_add(lay, ECPR_TL_LEG_RANGE, 0,
	    "Reference range"))
		return -1;
	if (lay->censored_used && legend_add(lay, ECPR_TL_LEG_CENSORED, 0,
	    "Censored value (beyond its bound)"))
		return -1;
	if (lay->whiskers && legend_add(lay, 2, 0, "Known to the day only"))
		return -1;
	return 0;
}

/*
 * Break the lanes into pages (all on one when not paged), put the
 * bottom block (axis, tick labels, units, title, legend, caption) under
 * the lanes of a page, and move every lane, placed at 0, to its y.
 */
static void
place_pages(struct ctx *c, double lh, double bottom, double pagemax,
    size_t legend_rows)
{
	ecpr_tl_layout *lay = c->lay;
	const ecpr_tl_style *st = &lay->style;
	size_t n = c->tl->nlanes, lpp, i, j;
	double fs = st->font_size, pitch = lh + st->lane_gap;

	if (lay->opts.paged) {
		double avail = pagemax - 2 * st->margin - bottom;

		lpp = (size_t)floor((avail + st->lane_gap) / pitch);
		if (lpp < 1)
			lpp = 1;
	} else {
		lpp = n;
	}
	if (lpp > n)
		lpp = n;
	lay->npages = (n + lpp - 1) / lpp;
	lay->axis_y = st->margin + (double)lpp * pitch - st->lane_gap +
	    AXIS_GAP;
	lay->label_y = lay->axis_y + lay->tick_len + TICK_LABEL_GAP;
	lay->unit_y = lay->label_y + fs * TEXT_PITCH_EM;
	lay->title_y = lay->unit_y + fs * TEXT_PITCH_EM;
	lay->legend_y = lay->title_y + fs * TEXT_PITCH_EM + LEGEND_GAP;
	for (i = 0; i < lay->nlegend; i++)
		lay->legend[i].y += lay->legend_y;
	lay->caption_y = lay->legend_y + (double)legend_rows *
	    (fs * TEXT_PITCH_EM + LEGEND_ROW_GAP) + CAPTION_GAP;
	lay->height = lay->caption_y +
	    (double)lay->ncaption * lay->caption_line_h + st->margin;
	if (lay->opts.paged && (lay->opts.size == ECPR_TL_SIZE_A4 ||
	    lay->opts.size == ECPR_TL_SIZE_LETTER))
		lay->height = pagemax;
	for (i = 0; i < n; i++) {
		ecpr_tl_lane_geom *g = &lay->lanes[i];
		double dy = st->margin + (double)(i % lpp) * pitch;

		g->page = i / lpp;
		g->y = dy;
		g->h = lh;
		g->label_y = dy;
		for (j = 0; j < ECPR_TL_BAR_COUNT; j++)
			if (g->row_y[j] >= 0)
				g->row_y[j] += dy;
		for (j = 0; j < g->nbars; j++)
			g->bars[j].y += dy;
		for (j = 0; j < g->nmarkers; j++)
			g->markers[j].y += dy;
		for (j = 0; j < g->ncomps; j++) {
			g->comps[j].y += dy;
			g->comps[j].text_y += dy;
		}
		for (j = 0; j < g->npoints; j++)
			g->points[j].y += dy;
		g->strip_y += dy;
		g->band_y0 += dy;
		g->band_y1 += dy;
		g->hi_y += dy;
		g->lo_y += dy;
	}
}

int
ecpr_tl_layout_new(ecpr_tl_layout **out, const ecpr_tl *tl,
    const ecpr_tl_opts *opts, ecpr_tl_measure_fn measure_fn, void *mctx,
    ecpr_error *err)
{
	static const ecpr_tl_opts dflt = ECPR_TL_OPTS_INIT;
	struct ctx c;
	ecpr_tl_layout *lay;
	const ecpr_tl_style *st;
	double row_off[ECPR_TL_BAR_COUNT], row_h[ECPR_TL_BAR_COUNT];
	double fs, pagemax, bottom, lh, labels_h, legend_row_h;
	size_t i, rows;
	int r = ECPR_OK;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline layout: no output pointer");
	*out = NULL;
	if (tl == NULL || tl->nlanes == 0)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "timeline: no episodes to draw");
	memset(&c, 0, sizeof(c));
	lay = calloc(1, sizeof(*lay));
	c.anchor = calloc(tl->nlanes, sizeof(double));
	c.lane_end = calloc(tl->nlanes, sizeof(double));
	if (lay == NULL || c.anchor == NULL || c.lane_end == NULL)
		goto nomem;
	lay->opts = opts ? *opts : dflt;
	st = lay->opts.style;
	if (st != NULL)
		lay->style = *st;
	else
		ecpr__tl_style_init(&lay->style);
	lay->opts.style = NULL;
	st = &lay->style;
	c.lay = lay;
	c.tl = tl;
	c.measure = measure_fn ? measure_fn : ecpr__tl_fixed_measure;
	c.mctx = measure_fn ? mctx : NULL;
	fs = st->font_size;

	r = anchors(&c, err);
	if (r)
		goto fail;
	ecpr__tl_page_size(lay->opts.size, &lay->width, &pagemax);
	lay->lanes = calloc(tl->nlanes, sizeof(*lay->lanes));
	if (lay->lanes == NULL)
		goto nomem;
	lay->nlanes = tl->nlanes;
	lay->obs = tl->obs;
	if (lay->obs >= 0) {
		strip_labels(&c);
		strip_title(lay);
	}
	labels_h = place_label_column(&c);
	if (build_axis(&c))
		goto nomem;
	prune_ticks(lay);
	set_axis_title(lay);
	if (comp_geom(&c))
		goto nomem;
	lh = fmax(place_rows(&c, row_off, row_h), labels_h);
	/* the strip under the rows and the label */
	if (lay->obs >= 0) {
		c.strip_off = lh + STRIP_GAP;
		lh = c.strip_off + st->strip_height;
	}

	/* lanes: x positions first, placed at y 0 (place_pages moves them) */
	for (i = 0; i < tl->nlanes; i++)
		if (lane_geom(&c, i, row_off, row_h))
			goto nomem;

	/* the bottom block: axis, tick labels, units, title, legend, caption */
	lay->tick_len = TICK_LEN;
	bottom = AXIS_GAP + lay->tick_len + TICK_LABEL_GAP +
	    3 * fs * TEXT_PITCH_EM + LEGEND_GAP;
	/* the legend lists what is drawn: it needs the lanes' bars */
	if (st->show_legend && build_legend(lay))
		goto nomem;
	legend_row_h = fs * TEXT_PITCH_EM + LEGEND_ROW_GAP;
	rows = place_legend(&c, 0, legend_row_h);
	bottom += (double)rows * legend_row_h + CAPTION_GAP;
	if (st->show_caption &&
	    build_caption(&c, lay->width - 2 * st->margin))
		goto nomem;
	lay->caption_line_h = st->caption_size * CAPTION_LINE_EM;
	bottom += (double)lay->ncaption * lay->caption_line_h;

	place_pages(&c, lh, bottom, pagemax, rows);
	free(c.anchor);
	free(c.lane_end);
	*out = lay;
	return ECPR_OK;
nomem:
	r = ecpr__error_set(err, ECPR_ENOMEM, NULL, 0, "out of memory");
fail:
	free(c.anchor);
	free(c.lane_end);
	ecpr_tl_layout_free(lay);
	return r;
}
