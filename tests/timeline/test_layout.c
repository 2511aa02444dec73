/*
 * test_layout.c - timeline geometry, computed without cairo.
 *
 * The measurer gives every byte 4 pt whatever the size, so widths are
 * easy to work out by hand.  Expected numbers below are derived in the
 * comments from the layout rules (ecpr_timeline.h, layout.c).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "ecpr_timeline.h"
#include "tl_internal.h"
#include "tl_testutil.h"

#define EPS 1e-3

static double
m4(const char *text, double size, void *ctx)
{
	(void)size;
	(void)ctx;
	return 4.0 * (double)strlen(text);
}

/* Case 1 of the paper, roughly: minutes, hours and days all used. */
static ecpr_tl *
case1(void)
{
	ecpr_tl *tl = NULL;
	size_t lane;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "A", &lane, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL(lane, 0);
	mark(tl, 0, ECPR_TL_MK_CA, tmin(0));
	bar(tl, 0, ECPR_TL_BAR_NO_FLOW, tmin(0), tmin(5 * MIN));
	bar(tl, 0, ECPR_TL_BAR_CPR, tmin(5 * MIN), tmin(60 * MIN));
	bar(tl, 0, ECPR_TL_BAR_MCC, tmin(20 * MIN), tmin(60 * MIN));
	bar(tl, 0, ECPR_TL_BAR_ECMO, tmin(60 * MIN), tmin(6 * DAY));
	bar(tl, 0, ECPR_TL_BAR_IABP, tmin(2 * HOUR), tmin(11 * DAY));
	bar(tl, 0, ECPR_TL_BAR_ICU, tmin(HOUR), tmin(30 * DAY));
	mark(tl, 0, ECPR_TL_MK_ICU_DISCHARGE, tmin(30 * DAY));
	bar(tl, 0, ECPR_TL_BAR_HOSPITAL, tmin(0), tday(86 * DAY));
	mark(tl, 0, ECPR_TL_MK_HOSP_DISCHARGE, tday(86 * DAY));
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "B", &lane, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL(lane, 1);
	mark(tl, 1, ECPR_TL_MK_CA, tmin(1000));
	bar(tl, 1, ECPR_TL_BAR_CPR, tmin(1000), tmin(1000 + 30 * MIN));
	return tl;
}

/* Width of the double-column page: 175 mm. */
#define W2 (175 / 25.4 * 72)

static void
test_segmented_axis(void)
{
	ecpr_tl *tl = case1();
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_opts o = ECPR_TL_OPTS_INIT;
	double w;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_DOUBLE_EQUAL(lay->width, 496.063, EPS);
	/* label "A": 4 pt; plot from 12 + 4 + 8 to W - 12 - 7 * 1.2 */
	CU_ASSERT_DOUBLE_EQUAL(lay->plot_x0, 24, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->plot_x1, W2 - 20.4, EPS);
	/* 86 d (to the day) ends at 87 d, rounded up to 90 d */
	CU_ASSERT_EQUAL_FATAL(lay->nsegs, 3);
	CU_ASSERT_STRING_EQUAL(lay->segs[0].unit, "min");
	CU_ASSERT_STRING_EQUAL(lay->segs[1].unit, "h");
	CU_ASSERT_STRING_EQUAL(lay->segs[2].unit, "days");
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].t0, 0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].t1, 7200, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[1].t1, 48 * 3600, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[2].t1, 90 * 86400, EPS);
	/* width less two 6 pt breaks, split 0.35 / 0.2 / 0.45 */
	w = W2 - 20.4 - 24 - 12;
	CU_ASSERT_DOUBLE_EQUAL(w, 439.663, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].x0, 24, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].x1, 24 + 0.35 * w, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[1].x0, 30 + 0.35 * w, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[1].x1, 30 + 0.55 * w, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[2].x0, 36 + 0.55 * w, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[2].x1, lay->plot_x1, EPS);
	/*
	 * minutes: 1.282 pt/min; "120" is 12 pt + 5.6 gap: 15 min steps
	 * (10 min = 12.8 pt is too narrow) -> 0, 15, ... 120
	 */
	CU_ASSERT_EQUAL_FATAL(lay->segs[0].nticks, 9);
	CU_ASSERT_STRING_EQUAL(lay->segs[0].ticks[1].label, "15");
	CU_ASSERT_STRING_EQUAL(lay->segs[0].ticks[8].label, "120");
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].ticks[8].x, lay->segs[0].x1, EPS);
	/* hours: 1.912 pt/h, "48" needs 13.6: 12 h steps, not at 2 h */
	CU_ASSERT_EQUAL_FATAL(lay->segs[1].nticks, 4);
	CU_ASSERT_STRING_EQUAL(lay->segs[1].ticks[0].label, "12");
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[1].ticks[0].x,
	    lay->segs[1].x0 + 10 * (0.2 * w / 46), EPS);
	/* days: 2.248 pt/d: 7 d steps 7 .. 84 */
	CU_ASSERT_EQUAL_FATAL(lay->segs[2].nticks, 12);
	CU_ASSERT_STRING_EQUAL(lay->segs[2].ticks[0].label, "7");
	CU_ASSERT_STRING_EQUAL(lay->segs[2].ticks[11].label, "84");
	/* labels never touch, across segments too */
	{
		double last = -1e9;
		size_t s, k;

		for (s = 0; s < lay->nsegs; s++)
			for (k = 0; k < lay->segs[s].nticks; k++) {
				CU_ASSERT(lay->segs[s].ticks[k].label_x0 >
				    last);
				last = lay->segs[s].ticks[k].label_x1;
			}
	}
	/* x of a time */
	CU_ASSERT_DOUBLE_EQUAL(ecpr_tl_layout_x(lay, 300), 24 + 5 * 0.35 * w /
	    120, EPS);
	CU_ASSERT_DOUBLE_EQUAL(ecpr_tl_layout_x(lay, 10 * 86400),
	    36 + 0.55 * w + 8 * 0.45 * w / 88, EPS);
	for (i = 0; i + 1 < 100; i++)
		CU_ASSERT(ecpr_tl_layout_x(lay, i * 86400.0) <
		    ecpr_tl_layout_x(lay, (i + 1) * 86400.0) ||
		    i + 1 > 90);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

static void
test_lanes_and_tracks(void)
{
	ecpr_tl *tl = case1();
	ecpr_tl_layout *lay = NULL;
	const ecpr_tl_lane_geom *g;
	const ecpr_tl_bar_geom *b;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(lay->nlanes, 2);
	CU_ASSERT_EQUAL(lay->npages, 1);
	g = &lay->lanes[0];
	CU_ASSERT_EQUAL(g->index, 0);
	CU_ASSERT_STRING_EQUAL(g->label, "A");
	CU_ASSERT_STRING_EQUAL(lay->lanes[1].label, "B");
	/*
	 * rows: resuscitation 0..7; IABP after a track gap of 3: 10..13.5;
	 * CRRT and MV unused (no row); ICU 16.5..20; hospital 21.5..25.
	 * lane height 25, pitch 25 + 7
	 */
	CU_ASSERT_DOUBLE_EQUAL(g->y, 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->h, 25, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_CPR], 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_ECMO], 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_IABP], 22, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_CRRT], -1, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_MV], -1, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_ICU], 28.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_HOSPITAL], 33.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[1].y, 44, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[1].row_y[ECPR_TL_BAR_IABP], 54, EPS);
	/* bars in kind order: no-flow, CPR, MCC (over CPR), ECMO, ... */
	CU_ASSERT_EQUAL_FATAL(g->nbars, 7);
	b = &g->bars[0];
	CU_ASSERT_EQUAL(b->kind, ECPR_TL_BAR_NO_FLOW);
	CU_ASSERT_DOUBLE_EQUAL(b->x0, 24, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->x1, ecpr_tl_layout_x(lay, 300), EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->wx0, b->x0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->y, 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->h, 7, EPS);
	CU_ASSERT_EQUAL(g->bars[1].kind, ECPR_TL_BAR_CPR);
	CU_ASSERT_EQUAL(g->bars[2].kind, ECPR_TL_BAR_MCC);
	CU_ASSERT_EQUAL(g->bars[3].kind, ECPR_TL_BAR_ECMO);
	CU_ASSERT_EQUAL(g->bars[4].kind, ECPR_TL_BAR_IABP);
	CU_ASSERT_DOUBLE_EQUAL(g->bars[4].h, 3.5, EPS);
	/* hospital stay ends on a day only: certain to 86 d, whisker 87 d */
	b = &g->bars[6];
	CU_ASSERT_EQUAL(b->kind, ECPR_TL_BAR_HOSPITAL);
	CU_ASSERT_DOUBLE_EQUAL(b->x1, ecpr_tl_layout_x(lay, 86 * 86400.0),
	    EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->wx1, ecpr_tl_layout_x(lay, 87 * 86400.0),
	    EPS);
	CU_ASSERT(b->wx1 - b->x1 > 2);
	CU_ASSERT_EQUAL(lay->whiskers, 1);
	/* markers: CA on the resuscitation row, discharges on their rows */
	CU_ASSERT_EQUAL_FATAL(g->nmarkers, 3);
	CU_ASSERT_EQUAL(g->markers[0].kind, ECPR_TL_MK_CA);
	CU_ASSERT_DOUBLE_EQUAL(g->markers[0].x, 24, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->markers[0].y, 15.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->markers[1].y, 28.5 + 1.75, EPS);
	/* a day-precision marker sits mid-day with a whisker over the day */
	CU_ASSERT_DOUBLE_EQUAL(g->markers[2].x,
	    ecpr_tl_layout_x(lay, 86.5 * 86400), EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->markers[2].wx0, b->x1, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->markers[2].wx1, b->wx1, EPS);
	/* lane B is aligned on its own arrest: CPR starts at x = 24 */
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[1].bars[0].x0, 24, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[1].bars[0].x1,
	    ecpr_tl_layout_x(lay, 1800), EPS);
	/* the axis sits 5 pt below the lanes */
	CU_ASSERT_DOUBLE_EQUAL(lay->axis_y, 12 + 2 * 32 - 7 + 5, EPS);
	for (i = 0; i < lay->nlanes; i++)
		CU_ASSERT(lay->lanes[i].y + lay->lanes[i].h < lay->axis_y);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

static void
test_legend_caption(void)
{
	ecpr_tl *tl = case1();
	ecpr_tl_layout *lay = NULL;
	static const char *const want[] = { "No-flow", "Conventional CPR",
		"Mechanical CC", "ECMO flow", "IABP", "ICU stay",
		"Hospital stay", "Cardiac arrest", "ICU discharge",
		"Hospital discharge", "Known to the day only" };
	char all[2048] = "";
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(lay->nlegend, 11);
	for (i = 0; i < lay->nlegend; i++) {
		CU_ASSERT_STRING_EQUAL(lay->legend[i].text, want[i]);
		CU_ASSERT(lay->legend[i].x + 15 + 4 *
		    strlen(lay->legend[i].text) <= W2 - 12 + EPS);
	}
	CU_ASSERT_EQUAL(lay->legend[7].is_marker, 1);
	CU_ASSERT_EQUAL(lay->legend[7].kind, ECPR_TL_MK_CA);
	/* first item at the margin on the first legend row */
	CU_ASSERT_DOUBLE_EQUAL(lay->legend[0].x, 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->legend[0].y, lay->legend_y, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->legend[0].text_x, 27, EPS);
	/* second item after 12 + 3 + 28 pt and a 10.5 pt gap */
	CU_ASSERT_DOUBLE_EQUAL(lay->legend[1].x, 12 + 43 + 10.5, EPS);
	/* caption: abbreviations used, alphabetical, wrapped to the width */
	for (i = 0; i < lay->ncaption; i++) {
		CU_ASSERT(4.0 * strlen(lay->caption[i]) <= W2 - 24);
		if (i)
			strcat(all, " ");
		strcat(all, lay->caption[i]);
	}
	CU_ASSERT_EQUAL(lay->ncaption, 2);
	CU_ASSERT_STRING_EQUAL(all, "CC chest compression, CPR "
	    "cardiopulmonary resuscitation, ECMO extracorporeal membrane "
	    "oxygenation, IABP intra-aortic balloon pump, ICU intensive care "
	    "unit. Whiskers span times known only to the day or coarser. "
	    "Definitions: " ECPR_DEFS_VERSION ".");
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

static void
test_legend_only_drawn(void)
{
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_style *st = NULL;
	ecpr_tl_opts o = ECPR_TL_OPTS_INIT;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "X", NULL, NULL),
	    ECPR_OK);
	mark(tl, 0, ECPR_TL_MK_CA, tmin(0));
	bar(tl, 0, ECPR_TL_BAR_ECMO, tmin(40 * MIN), tmin(90 * MIN));
	bar(tl, 0, ECPR_TL_BAR_IABP, tmin(50 * MIN), tmin(100 * MIN));
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_new(&st, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_set(st, "show_support", "no",
	    NULL), ECPR_OK);
	o.style = st;
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL,
	    NULL), ECPR_OK);
	/* the layout keeps its own copy of the style */
	ecpr_tl_style_free(st);
	CU_ASSERT_EQUAL_FATAL(lay->nlegend, 2);
	CU_ASSERT_STRING_EQUAL(lay->legend[0].text, "ECMO flow");
	CU_ASSERT_STRING_EQUAL(lay->legend[1].text, "Cardiac arrest");
	CU_ASSERT_EQUAL(lay->bar_used[ECPR_TL_BAR_IABP], 0);
	CU_ASSERT_EQUAL(lay->lanes[0].nbars, 1);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[0].row_y[ECPR_TL_BAR_IABP], -1, EPS);
	CU_ASSERT_EQUAL(lay->whiskers, 0);
	CU_ASSERT_EQUAL_FATAL(lay->ncaption, 1);
	CU_ASSERT_STRING_EQUAL(lay->caption[0],
	    "ECMO extracorporeal membrane oxygenation. Definitions: "
	    ECPR_DEFS_VERSION ".");
	/* under 2 h: one minute segment, to 100 min rounded up to 110 */
	CU_ASSERT_EQUAL_FATAL(lay->nsegs, 1);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].t1, 110 * 60.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].x1, lay->plot_x1, EPS);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

/* A bar of no length draws nothing: it is kept, but not in the legend. */
static void
test_legend_zero_length(void)
{
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	const ecpr_tl_bar_geom *b;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "Z", NULL,
		    NULL), ECPR_OK);
		mark(tl, i, ECPR_TL_MK_CA, tmin(0));
		/* CPR started at the arrest: no-flow 0 min */
		bar(tl, i, ECPR_TL_BAR_NO_FLOW, tmin(0), tmin(0));
		bar(tl, i, ECPR_TL_BAR_CPR, tmin(0), tmin(30 * MIN));
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	b = &lay->lanes[0].bars[0];
	CU_ASSERT_EQUAL(b->kind, ECPR_TL_BAR_NO_FLOW);
	/* at the arrest, x0 = x1 = wx0 = wx1 = plot_x0 = 12 + 4 + 8 */
	CU_ASSERT_DOUBLE_EQUAL(b->x0, 24, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->x1, 24, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->wx0, 24, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->wx1, 24, EPS);
	CU_ASSERT_EQUAL(lay->bar_used[ECPR_TL_BAR_NO_FLOW], 0);
	CU_ASSERT_EQUAL(lay->bar_used[ECPR_TL_BAR_CPR], 1);
	CU_ASSERT_EQUAL_FATAL(lay->nlegend, 2);
	CU_ASSERT_STRING_EQUAL(lay->legend[0].text, "Conventional CPR");
	CU_ASSERT_STRING_EQUAL(lay->legend[1].text, "Cardiac arrest");
	ecpr_tl_layout_free(lay);

	/* one lane with 2 min of no-flow: listed again, first */
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "Z", NULL, NULL),
	    ECPR_OK);
	mark(tl, 2, ECPR_TL_MK_CA, tmin(0));
	bar(tl, 2, ECPR_TL_BAR_NO_FLOW, tmin(0), tmin(2 * MIN));
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(lay->nlegend, 3);
	CU_ASSERT_STRING_EQUAL(lay->legend[0].text, "No-flow");
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);

	/* a stay known to the day, admitted and left the same day: its
	 * whisker over the day is drawn, so it is listed */
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "Z", NULL, NULL),
	    ECPR_OK);
	mark(tl, 0, ECPR_TL_MK_CA, tmin(0));
	bar(tl, 0, ECPR_TL_BAR_ICU, tday(3 * DAY), tday(3 * DAY));
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	b = &lay->lanes[0].bars[0];
	CU_ASSERT_DOUBLE_EQUAL(b->wx0, ecpr_tl_layout_x(lay, 3 * 86400.0),
	    EPS);
	CU_ASSERT_DOUBLE_EQUAL(b->wx1, ecpr_tl_layout_x(lay, 4 * 86400.0),
	    EPS);
	CU_ASSERT_EQUAL(lay->bar_used[ECPR_TL_BAR_ICU], 1);
	CU_ASSERT_EQUAL_FATAL(lay->nlegend, 3);
	CU_ASSERT_STRING_EQUAL(lay->legend[0].text, "ICU stay");
	CU_ASSERT_STRING_EQUAL(lay->legend[2].text, "Known to the day only");
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

/* Markers at the same instant on one row sit side by side, 7 pt apart. */
static void
test_markers_same_instant(void)
{
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	const ecpr_tl_marker_geom *mk;
	double x10, x60, x0;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "M", NULL, NULL),
	    ECPR_OK);
	mark(tl, 0, ECPR_TL_MK_CA, tmin(0));
	bar(tl, 0, ECPR_TL_BAR_CPR, tmin(0), tmin(60 * MIN));
	bar(tl, 0, ECPR_TL_BAR_ICU, tmin(0), tmin(10 * MIN));
	/* three at 10 min on the resuscitation row, one on the ICU row */
	mark(tl, 0, ECPR_TL_MK_ROSC_TRANSIENT, tmin(10 * MIN));
	mark(tl, 0, ECPR_TL_MK_REARREST, tmin(10 * MIN));
	mark(tl, 0, ECPR_TL_MK_ICU_DISCHARGE, tmin(10 * MIN));
	mark(tl, 0, ECPR_TL_MK_ROSC, tmin(10 * MIN));
	/* two at 60 min */
	mark(tl, 0, ECPR_TL_MK_ECMO_WEAN, tmin(60 * MIN));
	mark(tl, 0, ECPR_TL_MK_DEATH, tmin(60 * MIN));
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(lay->lanes[0].nmarkers, 7);
	mk = lay->lanes[0].markers;
	x0 = ecpr_tl_layout_x(lay, 0);
	x10 = ecpr_tl_layout_x(lay, 600);
	x60 = ecpr_tl_layout_x(lay, 3600);
	CU_ASSERT_DOUBLE_EQUAL(x0, 24, EPS);
	/* alone: where it is */
	CU_ASSERT_EQUAL(mk[0].kind, ECPR_TL_MK_CA);
	CU_ASSERT_DOUBLE_EQUAL(mk[0].x, 24, EPS);
	/* three: marker_size 6 + 1 apart, the middle one on the instant */
	CU_ASSERT_EQUAL(mk[1].kind, ECPR_TL_MK_ROSC_TRANSIENT);
	CU_ASSERT_DOUBLE_EQUAL(mk[1].x, x10 - 7, EPS);
	CU_ASSERT_EQUAL(mk[2].kind, ECPR_TL_MK_REARREST);
	CU_ASSERT_DOUBLE_EQUAL(mk[2].x, x10, EPS);
	CU_ASSERT_EQUAL(mk[4].kind, ECPR_TL_MK_ROSC);
	CU_ASSERT_DOUBLE_EQUAL(mk[4].x, x10 + 7, EPS);
	/* the same y (the resuscitation row's middle, 12 + 3.5) */
	CU_ASSERT_DOUBLE_EQUAL(mk[1].y, 15.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(mk[2].y, 15.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(mk[4].y, 15.5, EPS);
	/* exact times: no whisker, wx0 = wx1 = the instant */
	CU_ASSERT_DOUBLE_EQUAL(mk[1].wx0, x10, EPS);
	CU_ASSERT_DOUBLE_EQUAL(mk[1].wx1, x10, EPS);
	/* ICU discharge is on its own row: not moved */
	CU_ASSERT_EQUAL(mk[3].kind, ECPR_TL_MK_ICU_DISCHARGE);
	CU_ASSERT_DOUBLE_EQUAL(mk[3].x, x10, EPS);
	CU_ASSERT(mk[3].y > 15.5);
	/* two: 3.5 pt either side */
	CU_ASSERT_EQUAL(mk[5].kind, ECPR_TL_MK_ECMO_WEAN);
	CU_ASSERT_DOUBLE_EQUAL(mk[5].x, x60 - 3.5, EPS);
	CU_ASSERT_EQUAL(mk[6].kind, ECPR_TL_MK_DEATH);
	CU_ASSERT_DOUBLE_EQUAL(mk[6].x, x60 + 3.5, EPS);
	/* no two markers of a row overlap */
	CU_ASSERT(mk[2].x - mk[1].x >= 6 && mk[4].x - mk[2].x >= 6);
	CU_ASSERT(mk[6].x - mk[5].x >= 6);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

static void
test_align_flow(void)
{
	ecpr_tl *tl = case1();
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_opts o = ECPR_TL_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;

	/* lane B has no ECMO: an error naming the lane */
	o.align = ECPR_TL_ALIGN_ECMO_FLOW;
	CU_ASSERT_EQUAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_PTR_NULL(lay);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "lane \"B\": no ecmo_flow_start to align on");
	ecpr_tl_free(tl);

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "X", NULL, NULL),
	    ECPR_OK);
	mark(tl, 0, ECPR_TL_MK_CA, tmin(0));
	bar(tl, 0, ECPR_TL_BAR_CPR, tmin(5 * MIN), tmin(65 * MIN));
	bar(tl, 0, ECPR_TL_BAR_ECMO, tmin(65 * MIN), tmin(2 * DAY));
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL,
	    NULL), ECPR_OK);
	/* CA at -65 min: the minute segment starts at -70 min */
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].t0, -70 * 60.0, EPS);
	CU_ASSERT_EQUAL(lay->nsegs, 2);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[1].t1, 47 * 3600.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[0].bars[1].x0,
	    ecpr_tl_layout_x(lay, 0), EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[0].markers[0].x,
	    ecpr_tl_layout_x(lay, -65 * 60.0), EPS);
	CU_ASSERT_STRING_EQUAL(lay->axis_title,
	    "Time from start of ECMO flow");
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

static void
test_calendar_and_log(void)
{
	ecpr_tl *tl = case1();
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_opts o = ECPR_TL_OPTS_INIT;
	size_t k;
	double last = -1e9;

	o.align = ECPR_TL_ALIGN_CALENDAR;
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(lay->nsegs, 1);
	/* origin: midnight UTC of 2021-07-27; 88 days (87 d 00:40 ceiled) */
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].t1, 88 * 86400.0, EPS);
	CU_ASSERT_STRING_EQUAL(lay->segs[0].ticks[0].label, "2021-07-27");
	/* 10 chars = 40 pt + 5.6: 448 pt / 88 d = 5.09 pt/d -> 14 d steps */
	CU_ASSERT_STRING_EQUAL(lay->segs[0].ticks[1].label, "2021-08-10");
	CU_ASSERT_EQUAL(lay->segs[0].nticks, 7);
	CU_ASSERT_STRING_EQUAL(lay->axis_title, "Date");
	/* lanes keep their own clock: B starts 1000 s after A */
	CU_ASSERT(lay->lanes[1].bars[0].x0 > lay->lanes[0].markers[0].x);
	ecpr_tl_layout_free(lay);

	o.align = ECPR_TL_ALIGN_CA_ONSET;
	o.axis = ECPR_TL_AXIS_LOG;
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(lay->nsegs, 1);
	CU_ASSERT_STRING_EQUAL(lay->axis_title,
	    "Time from cardiac arrest (log scale)");
	CU_ASSERT_STRING_EQUAL(lay->segs[0].ticks[0].label, "0");
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[0].ticks[0].x, lay->plot_x0, EPS);
	/* x = x0 + w log10(1 + t/min) / log10(1 + 87 d/min) */
	CU_ASSERT_DOUBLE_EQUAL(ecpr_tl_layout_x(lay, 600),
	    24 + (W2 - 44.4) * log10(11) / log10(1 + 87 * 1440), EPS);
	for (k = 0; k < lay->segs[0].nticks; k++) {
		CU_ASSERT(lay->segs[0].ticks[k].label_x0 > last);
		last = lay->segs[0].ticks[k].label_x1;
	}
	CU_ASSERT_STRING_EQUAL(lay->segs[0].ticks[lay->segs[0].nticks - 1].
	    label, "60 d");
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

static void
test_pages(void)
{
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_opts o = ECPR_TL_OPTS_INIT;
	char label[16];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	for (i = 0; i < 50; i++) {
		snprintf(label, sizeof(label), "P%02zu", i);
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, label, NULL,
		    NULL), ECPR_OK);
		mark(tl, i, ECPR_TL_MK_CA, tmin(0));
		bar(tl, i, ECPR_TL_BAR_CPR, tmin(0), tmin(30 * MIN));
	}
	o.size = ECPR_TL_SIZE_A4;
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL,
	    NULL), ECPR_OK);
	/*
	 * lane 8.4 pt (one label line), pitch 15.4; below the lanes 62.95 pt
	 * (axis 39.75, one legend row 14.75, one caption line 8.45):
	 * (841.89 - 24 - 62.95 + 7) / 15.4 = 49.5 -> 49 lanes a page
	 */
	CU_ASSERT_EQUAL(lay->npages, 2);
	CU_ASSERT_DOUBLE_EQUAL(lay->height, 841.89, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->width, 595.28, EPS);
	/* the same through the public accessors */
	CU_ASSERT_EQUAL(ecpr_tl_layout_page_count(lay), 2);
	CU_ASSERT_EQUAL(ecpr_tl_layout_lane_count(lay), 50);
	CU_ASSERT_DOUBLE_EQUAL(ecpr_tl_layout_height(lay), 841.89, EPS);
	CU_ASSERT_DOUBLE_EQUAL(ecpr_tl_layout_width(lay), 595.28, EPS);
	CU_ASSERT_EQUAL(ecpr_tl_layout_page_count(NULL), 0);
	CU_ASSERT_EQUAL(ecpr_tl_layout_lane_count(NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(ecpr_tl_layout_width(NULL), 0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(ecpr_tl_layout_height(NULL), 0, EPS);
	CU_ASSERT_EQUAL(lay->lanes[48].page, 0);
	CU_ASSERT_EQUAL(lay->lanes[49].page, 1);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[49].y, 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[48].y, 12 + 48 * 15.4, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->axis_y, 764.6, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->caption_y, 814.1, EPS);
	CU_ASSERT(lay->caption_y + lay->caption_line_h <= 841.89 - 12);
	ecpr_tl_layout_free(lay);

	/* unpaged (SVG, PNG): one tall page */
	o.paged = 0;
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL(lay->npages, 1);
	CU_ASSERT_EQUAL(lay->lanes[49].page, 0);
	CU_ASSERT_DOUBLE_EQUAL(lay->axis_y, 12 + 50 * 15.4 - 2, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->height, 12 + 50 * 15.4 - 2 + 62.95 - 5 +
	    12 - 5 + 5, EPS);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

static void
test_errors(void)
{
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_time a = tmin(HOUR), b = tmin(0);

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "Q", NULL, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_add_bar(tl, 0, ECPR_TL_BAR_ICU, &a, &b,
	    &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "lane \"Q\": icu ends before it "
	    "starts");
	CU_ASSERT_EQUAL(ecpr_tl_add_bar(tl, 3, ECPR_TL_BAR_ICU, &b, &a,
	    &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_tl_add_bar(tl, 0, ECPR_TL_BAR_ICU, &b, &a,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL, &err),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "lane \"Q\": no ca_onset to align on");
	CU_ASSERT_PTR_NULL(lay);
	ecpr_tl_free(tl);
	ecpr_tl_free(NULL);
	ecpr_tl_layout_free(NULL);
	CU_ASSERT_EQUAL(ecpr_tl_size_lookup("single"), ECPR_TL_SIZE_SINGLE);
	CU_ASSERT_EQUAL(ecpr_tl_size_lookup("A5"), -1);
	CU_ASSERT_EQUAL(ecpr_tl_align_lookup("ecmo_flow_start"),
	    ECPR_TL_ALIGN_ECMO_FLOW);
	CU_ASSERT_EQUAL(ecpr_tl_axis_lookup("log"), ECPR_TL_AXIS_LOG);
}

/* The caption's lines joined by spaces (they wrap at spaces). */
static void
caption_text(const ecpr_tl_layout *lay, char *all, size_t len)
{
	size_t i, n = 0;

	all[0] = '\0';
	for (i = 0; i < lay->ncaption && n < len; i++)
		n += (size_t)snprintf(all + n, len - n, "%s%s", i ? " " : "",
		    lay->caption[i]);
}

static int
code(const char *name)
{
	int c = ecpr_complication_lookup(name);

	CU_ASSERT_FATAL(c >= 0);
	return c;
}

static void
comp(ecpr_tl *tl, size_t lane, const char *name, ecpr_attribution by,
    const ecpr_time *at)
{
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_complication(tl, lane, code(name),
	    by, at, NULL), ECPR_OK);
}

/* A lane from the arrest to ECMO flow ending on day 2, minute times. */
static ecpr_tl *
one_lane(const char *label)
{
	ecpr_tl *tl = NULL;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, label, NULL, NULL),
	    ECPR_OK);
	mark(tl, 0, ECPR_TL_MK_CA, tmin(0));
	bar(tl, 0, ECPR_TL_BAR_CPR, tmin(0), tmin(60 * MIN));
	bar(tl, 0, ECPR_TL_BAR_ECMO, tmin(60 * MIN), tmin(2 * DAY));
	bar(tl, 0, ECPR_TL_BAR_ICU, tmin(0), tmin(3 * DAY));
	return tl;
}

static void
test_complications(void)
{
	ecpr_tl *tl = one_lane("Case 7\n60 y");
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_style *st = NULL;
	ecpr_tl_opts o = ECPR_TL_OPTS_INIT;
	const ecpr_tl_lane_geom *g;
	ecpr_time t30 = tmin(30 * MIN), t31 = tmin(31 * MIN),
	    t1d = tmin(DAY), none = { 0, 0, 0, ECPR_PREC_NONE };
	char all[4096];
	size_t i;

	comp(tl, 0, "pulmonary_contusion", ECPR_BY_MCC, &t30);
	comp(tl, 0, "mods", ECPR_BY_ECPR, &t1d);
	/* a minute later: its label would touch the contusion's */
	comp(tl, 0, "pulmonary_infection", ECPR_BY_ECPR, &t31);
	comp(tl, 0, "pulmonary_oedema", ECPR_BY_ECPR, NULL);
	comp(tl, 0, "stroke", ECPR_BY_OTHER, &none);
	/* "assessed, none": neither drawn nor listed */
	comp(tl, 0, "none", ECPR_BY_OTHER, NULL);
	CU_ASSERT_EQUAL(ecpr_tl_add_complication(tl, 0, 999, ECPR_BY_MCC,
	    &t30, NULL), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_tl_add_complication(tl, 0, 1, ECPR_BY_COUNT,
	    &t30, NULL), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_tl_add_complication(tl, 1, 1, ECPR_BY_MCC,
	    &t30, NULL), ECPR_EINVAL);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	g = &lay->lanes[0];
	/* in time order: contusion, PI, MODS */
	CU_ASSERT_EQUAL_FATAL(g->ncomps, 3);
	CU_ASSERT_STRING_EQUAL(g->comps[0].label, "Pulmonary contusion");
	CU_ASSERT_EQUAL(g->comps[0].by, ECPR_BY_MCC);
	CU_ASSERT_STRING_EQUAL(g->comps[1].label, "PI");
	CU_ASSERT_EQUAL(g->comps[1].by, ECPR_BY_ECPR);
	CU_ASSERT_STRING_EQUAL(g->comps[2].label, "MODS");
	CU_ASSERT_DOUBLE_EQUAL(g->comps[0].x, ecpr_tl_layout_x(lay,
	    30 * MIN), EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->comps[1].x, ecpr_tl_layout_x(lay,
	    31 * MIN), EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->comps[2].x, ecpr_tl_layout_x(lay, DAY),
	    EPS);
	/* label 3 pt (half a marker) + 2 pt right of the marker */
	CU_ASSERT_DOUBLE_EQUAL(g->comps[0].text_x, g->comps[0].x + 5, EPS);
	/* levels: PI under the contusion, MODS far right on the first */
	CU_ASSERT_EQUAL(g->comps[0].level, 0);
	CU_ASSERT_EQUAL(g->comps[1].level, 1);
	CU_ASSERT_EQUAL(g->comps[2].level, 0);
	/* the row under the resuscitation row: 7 + 1.5, levels 8.4 apart */
	CU_ASSERT_DOUBLE_EQUAL(g->comps[0].y, g->y + 8.5 + 4.2, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->comps[1].y, g->y + 8.5 + 12.6, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->comps[0].text_y, g->comps[0].y - 7 * 0.62,
	    EPS);
	/* the ICU row below them: 8.5 + 16.8 + 2 * 1.5 */
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_ICU], g->y + 28.3, EPS);
	/* legend: the attributions drawn (no "other": its time is unknown) */
	for (i = 0; i < lay->nlegend; i++)
		if (lay->legend[i].is_marker == ECPR_TL_LEG_COMP)
			break;
	CU_ASSERT_FATAL(i + 1 < lay->nlegend);
	CU_ASSERT_EQUAL(lay->legend[i].kind, ECPR_BY_MCC);
	CU_ASSERT_STRING_EQUAL(lay->legend[i].text,
	    "Complication of mechanical CC");
	CU_ASSERT_EQUAL(lay->legend[i + 1].is_marker, ECPR_TL_LEG_COMP);
	CU_ASSERT_EQUAL(lay->legend[i + 1].kind, ECPR_BY_ECPR);
	CU_ASSERT_STRING_EQUAL(lay->legend[i + 1].text,
	    "Complication of ECPR");
	CU_ASSERT(i + 2 == lay->nlegend ||
	    lay->legend[i + 2].is_marker != ECPR_TL_LEG_COMP);
	/* caption: the abbreviations, then what has no time, by lane */
	caption_text(lay, all, sizeof(all));
	CU_ASSERT_STRING_EQUAL(all, "CC chest compression, CPR "
	    "cardiopulmonary resuscitation, ECMO extracorporeal membrane "
	    "oxygenation, ECPR extracorporeal cardiopulmonary resuscitation, "
	    "ICU intensive care unit, PI pulmonary infection, PE pulmonary "
	    "edema, MODS multiple organ dysfunction syndrome. Complications "
	    "at unknown times: Case 7: PE (ECPR), Ischaemic stroke (other). "
	    "Definitions: " ECPR_DEFS_VERSION ".");
	ecpr_tl_layout_free(lay);
	lay = NULL;

	/* show_complications = no: none drawn, listed or explained */
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_new(&st, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_style_set(st, "show_complications", "no",
	    NULL), ECPR_OK);
	o.style = st;
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o, m4, NULL,
	    NULL), ECPR_OK);
	g = &lay->lanes[0];
	CU_ASSERT_EQUAL(g->ncomps, 0);
	CU_ASSERT_DOUBLE_EQUAL(g->row_y[ECPR_TL_BAR_ICU], g->y + 10, EPS);
	for (i = 0; i < lay->nlegend; i++)
		CU_ASSERT_NOT_EQUAL(lay->legend[i].is_marker, ECPR_TL_LEG_COMP);
	caption_text(lay, all, sizeof(all));
	CU_ASSERT_STRING_EQUAL(all, "CPR cardiopulmonary resuscitation, "
	    "ECMO extracorporeal membrane oxygenation, ICU intensive care "
	    "unit. Definitions: " ECPR_DEFS_VERSION ".");
	ecpr_tl_layout_free(lay);
	ecpr_tl_style_free(st);
	ecpr_tl_free(tl);
}

static ecpr_value
val(const char *text)
{
	ecpr_value v;

	CU_ASSERT_EQUAL_FATAL(ecpr_value_parse(&v, text, NULL), ECPR_OK);
	return v;
}

static void
value(ecpr_tl *tl, size_t lane, long long rel, const char *text)
{
	ecpr_time t = tmin(rel);
	ecpr_value v = val(text);

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_value(tl, lane, &t, &v, NULL),
	    ECPR_OK);
}

static void
test_strip(void)
{
	ecpr_tl *tl = one_lane("A");
	ecpr_tl_layout *lay = NULL;
	const ecpr_tl_lane_geom *g;
	ecpr_range rg;
	ecpr_time t = tmin(0);
	ecpr_value v = val("1");
	int lac = ecpr_obs_lookup("lactate");
	double top, bot, k;
	size_t i;
	int seen[3] = { 0, 0, 0 };

	/* no observation chosen: no values */
	CU_ASSERT_EQUAL(ecpr_tl_observation(tl), -1);
	CU_ASSERT_EQUAL(ecpr_tl_add_value(tl, 0, &t, &v, NULL), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_tl_set_observation(tl, 99, NULL, NULL),
	    ECPR_EINVAL);
	CU_ASSERT_FATAL(lac >= 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_set_observation(tl, lac, NULL, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_observation(tl), lac);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "B", NULL, NULL), ECPR_OK);
	mark(tl, 1, ECPR_TL_MK_CA, tmin(0));
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "C", NULL, NULL), ECPR_OK);
	mark(tl, 2, ECPR_TL_MK_CA, tmin(0));
	/* lane A, out of time order: 13.1, >15.0 (censored), 0.9 */
	value(tl, 0, HOUR, "0.9");
	value(tl, 0, 10 * MIN, "13.1");
	value(tl, 0, 30 * MIN, ">15.0");
	CU_ASSERT_EQUAL_FATAL(ecpr_range_parse(&rg, "0.7-2.5", NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_set_range(tl, 0, &rg, NULL), ECPR_OK);
	/* lane B: one value; lane C: none */
	value(tl, 1, 20 * MIN, "1.9");
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	/* the label column holds "> 15.0 mmol/L" (13 bytes: 52 pt) 3 pt
	 * left of the plot */
	CU_ASSERT_DOUBLE_EQUAL(lay->plot_x0, 12 + 52 + 3, EPS);
	g = &lay->lanes[0];
	/* under the rows (7 + 3 + 3.5 = 13.5): 3 pt down, 18 pt high */
	CU_ASSERT_DOUBLE_EQUAL(g->strip_y, g->y + 13.5 + 3, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->strip_h, 18, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->h, 13.5 + 3 + 18, EPS);
	CU_ASSERT_STRING_EQUAL(g->strip_hi, "> 15.0 mmol/L");
	CU_ASSERT_STRING_EQUAL(g->strip_lo, "0.9 mmol/L");
	/* scale 0.9 .. 15.0 between 3.5 pt inside the edges */
	top = g->strip_y + 3.5;
	bot = g->strip_y + 18 - 3.5;
	k = (bot - top) / (15.0 - 0.9);
	CU_ASSERT_DOUBLE_EQUAL(g->hi_y, top, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->lo_y, bot, EPS);
	CU_ASSERT_EQUAL_FATAL(g->npoints, 3);
	CU_ASSERT_DOUBLE_EQUAL(g->points[0].x, ecpr_tl_layout_x(lay,
	    10 * MIN), EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->points[0].y, top + (15.0 - 13.1) * k, EPS);
	CU_ASSERT_EQUAL(g->points[0].cmp, ECPR_CMP_EQ);
	/* the censored value stays censored, at its bound */
	CU_ASSERT_DOUBLE_EQUAL(g->points[1].x, ecpr_tl_layout_x(lay,
	    30 * MIN), EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->points[1].y, top, EPS);
	CU_ASSERT_EQUAL(g->points[1].cmp, ECPR_CMP_GT);
	CU_ASSERT_DOUBLE_EQUAL(g->points[2].y, bot, EPS);
	CU_ASSERT_EQUAL(g->points[2].cmp, ECPR_CMP_EQ);
	/* the range 0.7-2.5, its lower end below the strip's edge */
	CU_ASSERT_EQUAL(g->band, 1);
	CU_ASSERT_DOUBLE_EQUAL(g->band_y0, top + (15.0 - 2.5) * k, EPS);
	CU_ASSERT_DOUBLE_EQUAL(g->band_y1, top + (15.0 - 0.7) * k, EPS);
	/* one value: in the middle, one label */
	g = &lay->lanes[1];
	CU_ASSERT_EQUAL_FATAL(g->npoints, 1);
	CU_ASSERT_DOUBLE_EQUAL(g->points[0].y, g->strip_y + 9, EPS);
	CU_ASSERT_STRING_EQUAL(g->strip_hi, "1.9 mmol/L");
	CU_ASSERT_STRING_EQUAL(g->strip_lo, "");
	CU_ASSERT_EQUAL(g->band, 0);
	g = &lay->lanes[2];
	CU_ASSERT_EQUAL(g->npoints, 0);
	CU_ASSERT_STRING_EQUAL(g->strip_hi, "no values");
	/* every lane as high; lanes 7 pt apart */
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[1].y - lay->lanes[0].y,
	    lay->lanes[0].h + 7, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->lanes[2].strip_h, 18, EPS);
	/* legend: the observation, its range, censored values */
	for (i = 0; i < lay->nlegend; i++) {
		const ecpr_tl_legend_item *it = &lay->legend[i];

		if (it->is_marker == ECPR_TL_LEG_STRIP) {
			CU_ASSERT_STRING_EQUAL(it->text,
			    "Lactate in blood (mmol/L)");
			seen[0]++;
		} else if (it->is_marker == ECPR_TL_LEG_RANGE) {
			CU_ASSERT_STRING_EQUAL(it->text, "Reference range");
			seen[1]++;
		} else if (it->is_marker == ECPR_TL_LEG_CENSORED) {
			CU_ASSERT_STRING_EQUAL(it->text,
			    "Censored value (beyond its bound)");
			seen[2]++;
		}
	}
	CU_ASSERT(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

/* A value, complication or marker after the bars still fits the axis. */
static void
test_comps_and_values_extend_axis(void)
{
	ecpr_tl *tl = one_lane("A");
	ecpr_tl_layout *lay = NULL;
	ecpr_time t = tmin(9 * DAY);

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_set_observation(tl,
	    ecpr_obs_lookup("map"), NULL, NULL), ECPR_OK);
	value(tl, 0, 6 * DAY, "<40");
	comp(tl, 0, "sepsis", ECPR_BY_OTHER, &t);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	/* the last segment runs to day 10 (9 days and a minute, rounded) */
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[lay->nsegs - 1].t1, 10 * DAY, EPS);
	CU_ASSERT(lay->lanes[0].comps[0].x < lay->plot_x1);
	CU_ASSERT_EQUAL(lay->lanes[0].points[0].cmp, ECPR_CMP_LT);
	CU_ASSERT_STRING_EQUAL(lay->lanes[0].strip_hi, "< 40 mmHg");
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

/* A long list of complications of unknown time is never cut short. */
static void
test_comps_unknown_long_caption(void)
{
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	char label[16], *all = malloc(65536);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	for (i = 0; i < 300; i++) {
		snprintf(label, sizeof(label), "L%zu", i);
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, label, NULL, NULL),
		    ECPR_OK);
		mark(tl, i, ECPR_TL_MK_CA, tmin(0));
		comp(tl, i, "pulmonary_oedema", ECPR_BY_ECPR, NULL);
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, m4, NULL,
	    NULL), ECPR_OK);
	caption_text(lay, all, 65536);
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "Complications at unknown times: "
	    "L0: PE (ECPR); L1: PE (ECPR); "));
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "; L299: PE (ECPR). Definitions: "
	    ECPR_DEFS_VERSION "."));
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
	free(all);
}

static CU_TestInfo layout_tests[] = {
	{ "segmented axis and ticks", test_segmented_axis },
	{ "lanes, tracks, bars, markers", test_lanes_and_tracks },
	{ "legend and caption", test_legend_caption },
	{ "legend only what is drawn", test_legend_only_drawn },
	{ "legend without bars of no length", test_legend_zero_length },
	{ "markers at the same instant", test_markers_same_instant },
	{ "align at ECMO flow", test_align_flow },
	{ "calendar and log axes", test_calendar_and_log },
	{ "page breaks", test_pages },
	{ "errors", test_errors },
	{ "complications: markers, levels, caption", test_complications },
	{ "observation strip: scale, censored, range", test_strip },
	{ "complications and values widen the axis",
	    test_comps_and_values_extend_axis },
	{ "a long caption is not cut", test_comps_unknown_long_caption },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ "layout", NULL, NULL, NULL, NULL, layout_tests },
	CU_SUITE_INFO_NULL
};

int
main(void)
{
	return cu_run(suites);
}
