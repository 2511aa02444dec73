/*
 * oc_layout.c - the geometry of an outcome chart (outcomes by an
 * interval in bins) without drawing: the title, the plot of proportions
 * 0-100 % with Wilson whiskers, the bins' labels, the counts "k/n" under
 * each bin, the legend and the caption.  All lengths are points.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_internal.h"

#define TEXT_PITCH_EM 1.25  /* a line of text, in font sizes */
#define TITLE_EM 1.2        /* the title's size, in font sizes */
#define GAP 4.0             /* between the blocks, top to bottom */
#define PLOT_H_SHARE 0.45   /* the plot's height, in page widths ... */
#define PLOT_H_MIN 110.0    /* ... at least */
#define PLOT_H_MAX 260.0    /* ... at most */
#define TICK_LEN 3.0
#define TICK_LABEL_GAP 2.0  /* a tick to its label */
#define LABEL_COL_GAP 6.0   /* the left column to the plot */
#define DODGE_SHARE 0.15    /* the series apart from the bin's centre, in
                               bin widths, at most 1.2 marker sizes */
#define LEGEND_TEXT_GAP 3.0
#define LEGEND_ITEM_GAP_EM 1.5
#define CAPTION_LINE_EM 1.3

/* The series' legend texts and the count rows' labels. */
static const char *const series_legend[ECPR_OC_SERIES] = {
	"Survival to hospital discharge", "CPC 1\xe2\x80\x93" "2 at discharge"
};
static const char *const row_label[ECPR_OC_SERIES + 1] = {
	"Survival", "CPC 1\xe2\x80\x93" "2", "Episodes"
};

void
ecpr_oc_layout_free(ecpr_oc_layout *lay)
{
	size_t i;

	if (lay == NULL)
		return;
	free(lay->bins);
	for (i = 0; i < lay->ncaption; i++)
		free(lay->caption[i]);
	free(lay->caption);
	free(lay);
}

double
ecpr_oc_layout_width(const ecpr_oc_layout *lay)
{
	return lay != NULL ? lay->width : 0;
}

double
ecpr_oc_layout_height(const ecpr_oc_layout *lay)
{
	return lay != NULL ? lay->height : 0;
}

/* A point of series s: the share k of k + not_k with its interval. */
static void
point(ecpr_oc_layout *lay, ecpr_oc_point *pt, double x, uint64_t k,
    uint64_t not_k)
{
	double h = lay->plot_y1 - lay->plot_y0;

	memset(pt, 0, sizeof(*pt));
	pt->k = k;
	pt->n = k + not_k;
	pt->x = x;
	if (ecpr_stats_wilson(k, k + not_k, ECPR_STATS_Z95, &pt->lo,
	    &pt->hi) != ECPR_OK)
		return;
	pt->shown = 1;
	pt->p = (double)k / (double)(k + not_k);
	pt->y = lay->plot_y1 - pt->p * h;
	pt->y_lo = lay->plot_y1 - pt->lo * h;
	pt->y_hi = lay->plot_y1 - pt->hi * h;
}

/* The caption: how to read the chart, the interval's definition, the
 * episodes not drawn, the abbreviation, the definitions' version. */
static int
caption(ecpr_oc_layout *lay, const ecpr_outcome *oc, ecpr_tl_measure_fn mfn,
    void *mctx)
{
	ecpr_interval_id id = ecpr_outcome_interval(oc);
	const char *name = ecpr_interval_name(id);
	ecpr_flow_outcome g[ECPR_OUTCOME_GROUP_COUNT];
	char text[2048], last[64];
	size_t n = 0, i, k;
	int parts = 0;

	for (i = 0; i < ECPR_OUTCOME_GROUP_COUNT; i++)
		ecpr_outcome_group_get(oc, (ecpr_outcome_group)i, &g[i]);
	ecpr_outcome_bin_label(oc, ecpr_outcome_bin_count(oc) - 1,
	    ECPR_VALUE_PAPER, last, sizeof(last));
	n += (size_t)snprintf(text + n, sizeof(text) - n,
	    "Points: the share of the episodes of a bin whose outcome is "
	    "known; whiskers: its 95%% Wilson score interval; k/n: episodes "
	    "with the outcome of those whose outcome is known. %s: %s%s; a "
	    "bin runs from its lower edge to the next (%s: from %.*s up).",
	    name, ecpr_interval_definition(id),
	    ecpr_interval_unit(id) == ECPR_UNIT_MINUTE ?
	    ", in whole minutes" : ", in days to one decimal", last,
	    (int)(strlen(last) - 1), last);
	for (i = 0; i < ECPR_OUTCOME_GROUP_COUNT && n < sizeof(text); i++) {
		static const char *const why[ECPR_OUTCOME_GROUP_COUNT] = {
			"a range over two bins or more (an input known only to "
			"the day)",
			"unknown",
			"below the first bin",
		};

		if (g[i].n == 0)
			continue;
		k = (size_t)snprintf(text + n, sizeof(text) - n, "%s%" PRIu64
		    " episode%s with %s %s", parts++ ? ", " :
		    " Not in the chart: ", g[i].n, g[i].n == 1 ? "" : "s",
		    name, why[i]);
		n += k;
	}
	if (parts && n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, ".");
	if (n < sizeof(text))
		snprintf(text + n, sizeof(text) - n, " CPC cerebral performance "
		    "category (1\xe2\x80\x93" "2: good cerebral performance or "
		    "moderate disability). Definitions: %s.", ecpr_defs_version());
	return ecpr__tl_wrap(&lay->caption, &lay->ncaption, text,
	    lay->style.caption_size, lay->width - 2 * lay->style.margin, mfn,
	    mctx);
}

/* The legend in rows from y; returns the y under it. */
static double
legend(ecpr_oc_layout *lay, double y, ecpr_tl_measure_fn mfn, void *mctx)
{
	const ecpr_tl_style *st = &lay->style;
	double fs = st->font_size, x = st->margin, w;
	double right = lay->width - st->margin;
	size_t i;

	for (i = 0; i < ECPR_OC_SERIES + 1; i++) {
		ecpr_oc_legend_item *it = &lay->legend[i];

		it->kind = (int)i;
		it->text = i < ECPR_OC_SERIES ? series_legend[i] :
		    "95% Wilson interval";
		w = LEGEND_SWATCH + LEGEND_TEXT_GAP + mfn(it->text, fs, mctx);
		if (x > st->margin && x + w > right) {
			x = st->margin;
			y += fs * TEXT_PITCH_EM;
		}
		it->x = x;
		it->y = y;
		it->text_x = x + LEGEND_SWATCH + LEGEND_TEXT_GAP;
		x += w + fs * LEGEND_ITEM_GAP_EM;
	}
	lay->nlegend = ECPR_OC_SERIES + 1;
	return y + fs * TEXT_PITCH_EM;
}

int
ecpr_oc_layout_new(ecpr_oc_layout **out, const ecpr_outcome *oc,
    const ecpr_oc_opts *opts, ecpr_tl_measure_fn measure, void *mctx,
    ecpr_error *err)
{
	static const ecpr_oc_opts dflt = ECPR_OC_OPTS_INIT;
	ecpr_oc_layout *lay;
	const ecpr_tl_style *st;
	ecpr_interval_id id;
	double fs, depth, y, w, bw, dodge, labels_w = 0;
	size_t i, s, nb;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcome chart: no output pointer");
	*out = NULL;
	if (oc == NULL || ecpr_outcome_bin_count(oc) == 0)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "outcome chart: no bins");
	if (opts == NULL)
		opts = &dflt;
	if (measure == NULL) {
		measure = ecpr__tl_fixed_measure;
		mctx = NULL;
	}
	lay = calloc(1, sizeof(*lay));
	nb = ecpr_outcome_bin_count(oc);
	if (lay == NULL || (lay->bins = calloc(nb, sizeof(*lay->bins))) ==
	    NULL)
		goto nomem;
	lay->nbins = nb;
	if (opts->style != NULL)
		lay->style = *opts->style;
	else
		ecpr__tl_style_init(&lay->style);
	st = &lay->style;
	fs = st->font_size;
	id = ecpr_outcome_interval(oc);
	ecpr__tl_page_size(opts->size, &lay->width, &depth);

	/* the title, and the y axis' title over the tick labels */
	snprintf(lay->title, sizeof(lay->title), "Survival and CPC 1\xe2\x80"
	    "\x93" "2 at discharge by %s", ecpr_interval_name(id));
	lay->title_y = st->margin;
	lay->y_title_y = lay->title_y + fs * TITLE_EM * TEXT_PITCH_EM + GAP;
	snprintf(lay->y_title, sizeof(lay->y_title), "%s", "Episodes (%)");

	/* the left column: tick labels and the count rows' labels */
	labels_w = measure("100", fs, mctx);
	for (i = 0; i < ECPR_OC_SERIES + 1; i++)
		labels_w = fmax(labels_w, measure(row_label[i], fs, mctx));
	lay->plot_x0 = st->margin + labels_w + LABEL_COL_GAP;
	lay->plot_x1 = lay->width - st->margin;
	lay->plot_y0 = lay->y_title_y + fs * TEXT_PITCH_EM + fs;
	lay->plot_y1 = lay->plot_y0 + fmin(PLOT_H_MAX, fmax(PLOT_H_MIN,
	    lay->width * PLOT_H_SHARE));
	lay->ytick_x = lay->plot_x0 - TICK_LEN - TICK_LABEL_GAP;
	for (i = 0; i < 6; i++) {
		lay->yticks[i].y = lay->plot_y1 - (double)i / 5 *
		    (lay->plot_y1 - lay->plot_y0);
		snprintf(lay->yticks[i].label, sizeof(lay->yticks[i].label),
		    "%zu", i * 20);
	}

	/* the bins: points, labels, counts */
	bw = (lay->plot_x1 - lay->plot_x0) / (double)nb;
	dodge = fmin(bw * DODGE_SHARE, st->marker_size * 1.2);
	lay->bin_label_y = lay->plot_y1 + TICK_LEN + TICK_LABEL_GAP;
	lay->x_title_y = lay->bin_label_y + fs * TEXT_PITCH_EM;
	y = lay->x_title_y + fs * TEXT_PITCH_EM + GAP;
	for (s = 0; s < ECPR_OC_SERIES + 1; s++) {
		lay->count_y[s] = y;
		lay->count_label[s] = row_label[s];
		y += fs * TEXT_PITCH_EM;
	}
	lay->count_label_x = st->margin;
	for (i = 0; i < nb; i++) {
		ecpr_oc_bin_geom *g = &lay->bins[i];
		ecpr_outcome_bin b;

		ecpr_outcome_bin_get(oc, i, &b);
		g->x = lay->plot_x0 + ((double)i + 0.5) * bw;
		ecpr_outcome_bin_label(oc, i, ECPR_VALUE_PAPER, g->label,
		    sizeof(g->label));
		point(lay, &g->pt[0], g->x - dodge, b.counts.survived,
		    b.counts.died);
		point(lay, &g->pt[1], g->x + dodge, b.counts.favourable,
		    b.counts.unfavourable);
		for (s = 0; s < ECPR_OC_SERIES; s++)
			snprintf(g->count[s], sizeof(g->count[s]), "%" PRIu64
			    "/%" PRIu64, g->pt[s].k, g->pt[s].n);
		snprintf(g->count[ECPR_OC_SERIES],
		    sizeof(g->count[ECPR_OC_SERIES]), "%" PRIu64, b.counts.n);
		w = measure(g->label, fs, mctx);
		for (s = 0; s < ECPR_OC_SERIES + 1; s++)
			w = fmax(w, measure(g->count[s], fs, mctx));
		if (w > bw) {
			ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
			    "outcome chart: the labels of %zu bins do not fit "
			    "a page %.0f pt wide (fewer bins, or a larger "
			    "size)", nb, lay->width);
			ecpr_oc_layout_free(lay);
			return ECPR_EINVAL;
		}
	}
	snprintf(lay->x_title, sizeof(lay->x_title), "%s (%s)",
	    ecpr_interval_name(id), ecpr_interval_unit(id) ==
	    ECPR_UNIT_MINUTE ? "minutes" : "days");

	/* the legend and the caption under the counts */
	y += GAP;
	if (st->show_legend)
		y = legend(lay, y, measure, mctx) + GAP;
	lay->caption_y = y;
	lay->caption_line_h = st->caption_size * CAPTION_LINE_EM;
	if (st->show_caption && caption(lay, oc, measure, mctx))
		goto nomem;
	lay->height = lay->caption_y + (double)lay->ncaption *
	    lay->caption_line_h + st->margin;
	*out = lay;
	return ECPR_OK;
nomem:
	ecpr_oc_layout_free(lay);
	return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0, "out of memory");
}
