/*
 * test_oc_layout.c - the geometry of outcome charts (ecpr_oc_layout_new)
 * with the fixed-width measure (0.5 em per byte), computed by hand: the
 * plot, the points and whiskers from the Wilson intervals, the bins,
 * the counts, the legend and the caption.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "tl_internal.h"
#include "tl_testutil.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-6)

static ecpr_oc_layout *
lay_out(const ecpr_outcome *oc, ecpr_tl_size size)
{
	ecpr_oc_opts o = ECPR_OC_OPTS_INIT;
	ecpr_oc_layout *lay = NULL;

	o.size = size;
	CU_ASSERT_EQUAL_FATAL(ecpr_oc_layout_new(&lay, oc, &o, NULL, NULL,
	    NULL), ECPR_OK);
	return lay;
}

/*
 * The seed cases in 0,30,45,60,90 on a single column (85 mm, 240.94 pt)
 * with the default style (font 7, margin 12, marker 6):
 *   title at 12; the y title at 12 + 7 * 1.2 * 1.25 + 4 = 26.5;
 *   the left column: the widest of "100" (10.5), "Survival" (28),
 *   "CPC 1–2" (9 bytes: 31.5), "Episodes" (28): 31.5, so the plot runs
 *   from 12 + 31.5 + 6 = 49.5 to 240.94 - 12;
 *   its top at 26.5 + 8.75 + 7 = 42.25, its height 0.45 * 240.94 = 108.4,
 *   at least 110: the bottom at 152.25;
 *   bins 35.888 pt wide; the series 0.15 of that apart from the centre.
 *   60-89 holds 70, 77, 80 min (CPC 1, 1, 5): 2/3, Wilson 20.77-93.85 %;
 *   90+ holds 120 min (CPC 1): 1/1, Wilson 20.65-100 %.
 */
static void
test_seed_geometry(void)
{
	ecpr_outcome *oc = seed_outcome("0,30,45,60,90");
	ecpr_oc_layout *lay = lay_out(oc, ECPR_TL_SIZE_SINGLE);
	double w = 85 / 25.4 * 72, bw = (w - 12 - 49.5) / 5, x;
	const ecpr_oc_bin_geom *g;
	size_t i;

	CU_ASSERT(NEAR(lay->width, w));
	CU_ASSERT(NEAR(lay->title_y, 12));
	CU_ASSERT(NEAR(lay->y_title_y, 26.5));
	CU_ASSERT(NEAR(lay->plot_x0, 49.5));
	CU_ASSERT(NEAR(lay->plot_x1, w - 12));
	CU_ASSERT(NEAR(lay->plot_y0, 42.25));
	CU_ASSERT(NEAR(lay->plot_y1, 152.25));
	CU_ASSERT_STRING_EQUAL(lay->title,
	    "Survival and CPC 1\xe2\x80\x93" "2 at discharge by ca_to_flow_min");
	CU_ASSERT_STRING_EQUAL(lay->x_title, "ca_to_flow_min (minutes)");
	/* y ticks every 20 % */
	CU_ASSERT(NEAR(lay->yticks[0].y, 152.25));
	CU_ASSERT(NEAR(lay->yticks[5].y, 42.25));
	CU_ASSERT(NEAR(lay->yticks[2].y, 152.25 - 44));
	CU_ASSERT_STRING_EQUAL(lay->yticks[5].label, "100");
	CU_ASSERT(NEAR(lay->ytick_x, 49.5 - 5));
	CU_ASSERT_EQUAL_FATAL(lay->nbins, 5);
	for (i = 0; i < 5; i++)
		CU_ASSERT(NEAR(lay->bins[i].x, 49.5 + (i + 0.5) * bw));
	/* empty bins: nothing drawn, "0/0" and 0 episodes */
	g = &lay->bins[0];
	CU_ASSERT_STRING_EQUAL(g->label, "0\xe2\x80\x93" "29");
	CU_ASSERT(!g->pt[0].shown && !g->pt[1].shown);
	CU_ASSERT_STRING_EQUAL(g->count[0], "0/0");
	CU_ASSERT_STRING_EQUAL(g->count[1], "0/0");
	CU_ASSERT_STRING_EQUAL(g->count[2], "0");
	/* 60-89: 2/3 both, at 110 * 2/3 above the bottom */
	g = &lay->bins[3];
	x = 49.5 + 3.5 * bw;
	CU_ASSERT(g->pt[0].shown && g->pt[1].shown);
	CU_ASSERT(NEAR(g->pt[0].x, x - 0.15 * bw));
	CU_ASSERT(NEAR(g->pt[1].x, x + 0.15 * bw));
	CU_ASSERT(NEAR(g->pt[0].y, 152.25 - 110.0 * 2 / 3));
	CU_ASSERT(fabs(g->pt[0].lo - 0.2076596) < 1e-6);
	CU_ASSERT(fabs(g->pt[0].hi - 0.9385081) < 1e-6);
	CU_ASSERT(NEAR(g->pt[0].y_lo, 152.25 - 110 * g->pt[0].lo));
	CU_ASSERT(NEAR(g->pt[0].y_hi, 152.25 - 110 * g->pt[0].hi));
	CU_ASSERT_STRING_EQUAL(g->count[0], "2/3");
	CU_ASSERT_STRING_EQUAL(g->count[1], "2/3");
	CU_ASSERT_STRING_EQUAL(g->count[2], "3");
	/* 90+: 1/1 at the top, its whisker from 20.65 % */
	g = &lay->bins[4];
	CU_ASSERT_STRING_EQUAL(g->label, "90+");
	CU_ASSERT(NEAR(g->pt[1].y, 42.25));
	CU_ASSERT(fabs(g->pt[1].lo - 0.2065493) < 1e-6);
	CU_ASSERT(NEAR(g->pt[1].y_hi, 42.25));
	CU_ASSERT_STRING_EQUAL(g->count[0], "1/1");
	/* the rows of counts under the bins' labels and the axis title:
	 * 152.25 + 3 + 2 = 157.25, + 8.75, + 8.75 + 4 */
	CU_ASSERT(NEAR(lay->bin_label_y, 157.25));
	CU_ASSERT(NEAR(lay->x_title_y, 166));
	CU_ASSERT(NEAR(lay->count_y[0], 178.75));
	CU_ASSERT(NEAR(lay->count_y[2], 178.75 + 17.5));
	CU_ASSERT_STRING_EQUAL(lay->count_label[2], "Episodes");
	/* the legend: survival on a row (12 + 12 + 3 + 105 = 132; with
	 * 10.5 and CPC 1-2, 12 + 3 + 77, 234.5 > 228.94), then CPC 1-2
	 * and the whisker */
	CU_ASSERT_EQUAL_FATAL(lay->nlegend, 3);
	CU_ASSERT(NEAR(lay->legend[0].y, 178.75 + 26.25 + 4));
	CU_ASSERT(NEAR(lay->legend[0].text_x, 12 + 12 + 3));
	CU_ASSERT(NEAR(lay->legend[1].x, 12));
	CU_ASSERT(NEAR(lay->legend[1].y, lay->legend[0].y + 8.75));
	CU_ASSERT(NEAR(lay->legend[2].x, 12 + 92 + 10.5));
	CU_ASSERT(NEAR(lay->legend[2].y, lay->legend[1].y));
	CU_ASSERT(NEAR(lay->caption_y, lay->legend[2].y + 8.75 + 4));
	CU_ASSERT(lay->ncaption > 3);
	CU_ASSERT(NEAR(lay->height, lay->caption_y + 6.5 * 1.3 *
	    (double)lay->ncaption + 12));
	CU_ASSERT(NEAR(ecpr_oc_layout_height(lay), lay->height));
	CU_ASSERT(NEAR(ecpr_oc_layout_width(lay), w));
	ecpr_oc_layout_free(lay);
	ecpr_outcome_free(oc);
}

/* The caption lines joined by spaces (malloc'd). */
static char *
caption_text(const ecpr_oc_layout *lay)
{
	size_t i, n = 1;
	char *s;

	for (i = 0; i < lay->ncaption; i++)
		n += strlen(lay->caption[i]) + 1;
	s = calloc(1, n);
	for (i = 0; i < lay->ncaption; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, lay->caption[i]);
	}
	return s;
}

/*
 * The caption names the interval's definition, the last bin, the
 * episodes not drawn (here one without ecmo_flow_start) and the
 * definitions' version.
 */
static void
test_caption(void)
{
	ecpr_outcome *oc = seed_outcome("60");
	ecpr_episode *ep = NULL;
	ecpr_oc_layout *lay;
	char *cap;

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, "H", "x", 1, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET,
	    "2023-03-04T10:00Z", NULL, NULL, NULL, 0, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ecpr_outcome_add_episode(oc, ep, NULL), ECPR_OK);
	ecpr_episode_free(ep);
	lay = lay_out(oc, ECPR_TL_SIZE_DOUBLE);
	cap = caption_text(lay);
	CU_ASSERT_STRING_EQUAL(cap, "Points: the share of the episodes of a "
	    "bin whose outcome is known; whiskers: its 95% Wilson score "
	    "interval; k/n: episodes with the outcome of those whose outcome "
	    "is known. ca_to_flow_min: minutes from ca_onset to "
	    "ecmo_flow_start, in whole minutes; a bin runs from its lower "
	    "edge to the next (60+: from 60 up). Not in the chart: 1 episode "
	    "with ca_to_flow_min unknown. CPC cerebral performance category "
	    "(1\xe2\x80\x93" "2: good cerebral performance or moderate "
	    "disability). Definitions: ecpr-2026.1.");
	/* one bin: all four cases, the fifth's outcome unknown */
	CU_ASSERT_STRING_EQUAL(lay->bins[0].count[0], "3/4");
	CU_ASSERT_STRING_EQUAL(lay->bins[0].count[2], "4");
	free(cap);
	ecpr_oc_layout_free(lay);
	ecpr_outcome_free(oc);
}

/* No caption or legend when the style says so: the page is shorter. */
static void
test_style_hides(void)
{
	ecpr_outcome *oc = seed_outcome("0,60,90");
	ecpr_oc_opts o = ECPR_OC_OPTS_INIT;
	ecpr_tl_style *st = NULL;
	ecpr_oc_layout *lay = NULL, *full;

	full = lay_out(oc, ECPR_TL_SIZE_DOUBLE);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_new(&st, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_style_set(st, "show_caption", "no", NULL), 0);
	CU_ASSERT_EQUAL(ecpr_tl_style_set(st, "show_legend", "no", NULL), 0);
	CU_ASSERT_EQUAL(ecpr_tl_style_set(st, "survival_color", "#00ff00",
	    NULL), 0);
	o.style = st;
	CU_ASSERT_EQUAL_FATAL(ecpr_oc_layout_new(&lay, oc, &o, NULL, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL(lay->ncaption, 0);
	CU_ASSERT_EQUAL(lay->nlegend, 0);
	CU_ASSERT(lay->height < full->height);
	CU_ASSERT(NEAR(lay->height, lay->count_y[2] + 8.75 + 4 + 12));
	CU_ASSERT(NEAR(lay->style.survival_color.g, 1));
	/* the layout keeps a copy of the style */
	ecpr_tl_style_free(st);
	CU_ASSERT(NEAR(lay->style.survival_color.g, 1));
	CU_ASSERT(NEAR(full->style.survival_color.b, 0.698));
	ecpr_oc_layout_free(lay);
	ecpr_oc_layout_free(full);
	ecpr_outcome_free(oc);
}

/* Bins whose labels do not fit the page are refused; bad arguments. */
static void
test_refused(void)
{
	ecpr_outcome *oc = seed_outcome("0,10,20,30,40,50,60,70,80,90,100,110,"
	    "120,130,140,150,160,170,180,190,200,210,220,230,240,250,260,270,"
	    "280,290,300,310");
	ecpr_oc_layout *lay = (ecpr_oc_layout *)&lay;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_oc_layout_new(&lay, oc, NULL, NULL, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(lay);
	CU_ASSERT_STRING_EQUAL(err.message, "outcome chart: the labels of 32 "
	    "bins do not fit a page 496 pt wide (fewer bins, or a larger "
	    "size)");
	ecpr_outcome_free(oc);
	/* eight bins do */
	oc = seed_outcome("0,10,20,30,40,50,60,70");
	lay = lay_out(oc, ECPR_TL_SIZE_DOUBLE);
	CU_ASSERT_EQUAL(lay->nbins, 8);
	ecpr_oc_layout_free(lay);
	CU_ASSERT_EQUAL(ecpr_oc_layout_new(&lay, NULL, NULL, NULL, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_oc_layout_new(NULL, oc, NULL, NULL, NULL, &err),
	    ECPR_EINVAL);
	ecpr_oc_layout_free(NULL);
	CU_ASSERT(NEAR(ecpr_oc_layout_width(NULL), 0));
	ecpr_outcome_free(oc);
}

static CU_TestInfo oc_tests[] = {
	{ "the seed cases' chart, by hand", test_seed_geometry },
	{ "the caption", test_caption },
	{ "style: no caption, no legend, colours", test_style_hides },
	{ "too many bins, bad arguments", test_refused },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "outcome chart layout", NULL, NULL, NULL, NULL, oc_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
