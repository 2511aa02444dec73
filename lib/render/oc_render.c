/*
 * oc_render.c - draw an outcome chart's layout (oc_layout.c) with cairo
 * and pango, through the renderer's shared file writer.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render_internal.h"

#define GRID_GREY 0.88
#define GRID_LINE_W 0.3
#define AXIS_LINE_W 0.6
#define TICK_LEN 3.0
#define WHISKER_LINE_W 0.7
#define CAP_SHARE 0.35       /* a whisker's cap, in marker sizes */
#define POINT_OUTLINE_W 0.5
#define LEGEND_SWATCH_H_EM 0.85

struct ocdraw {
	cairo_t *cr;
	ecpr_tl_measurer *m;
	const ecpr_oc_layout *lay;
	const ecpr_tl_style *st;
};

static ecpr_tl_rgb
series_color(const ecpr_tl_style *st, int s)
{
	return s == 0 ? st->survival_color : st->favourable_color;
}

static void
text(struct ocdraw *d, const char *s, double size, double x, double y,
    int align, int bold)
{
	ecpr__render_text(d->cr, d->m, d->st->text_color, s, size, x, y,
	    align, bold, 0);
}

static void
set_rgb(cairo_t *cr, ecpr_tl_rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* The marker of a series: survival a circle, CPC 1-2 a square, filled
 * in the series' colour with a white outline (apart in grayscale). */
static void
marker(struct ocdraw *d, int s, double x, double y)
{
	cairo_t *cr = d->cr;
	double r = d->st->marker_size / 2;

	cairo_new_path(cr);
	if (s == 0)
		cairo_arc(cr, x, y, r, 0, 2 * M_PI);
	else
		cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, r * 1.7,
		    r * 1.7);
	set_rgb(cr, series_color(d->st, s));
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_set_line_width(cr, POINT_OUTLINE_W);
	cairo_stroke(cr);
}

/* A vertical whisker from y0 to y1 with caps, in colour c. */
static void
whisker(struct ocdraw *d, ecpr_tl_rgb c, double x, double y0, double y1)
{
	cairo_t *cr = d->cr;
	double cap = d->st->marker_size * CAP_SHARE;

	set_rgb(cr, c);
	cairo_set_line_width(cr, WHISKER_LINE_W);
	cairo_move_to(cr, x, y0);
	cairo_line_to(cr, x, y1);
	cairo_move_to(cr, x - cap, y0);
	cairo_line_to(cr, x + cap, y0);
	cairo_move_to(cr, x - cap, y1);
	cairo_line_to(cr, x + cap, y1);
	cairo_stroke(cr);
}

static void
draw_axes(struct ocdraw *d)
{
	const ecpr_oc_layout *lay = d->lay;
	cairo_t *cr = d->cr;
	double fs = d->st->font_size;
	size_t i;

	/* the grid at the ticks, then the axes over it */
	cairo_set_source_rgb(cr, GRID_GREY, GRID_GREY, GRID_GREY);
	cairo_set_line_width(cr, GRID_LINE_W);
	for (i = 1; i < 6; i++) {
		cairo_move_to(cr, lay->plot_x0, lay->yticks[i].y);
		cairo_line_to(cr, lay->plot_x1, lay->yticks[i].y);
	}
	cairo_stroke(cr);
	set_rgb(cr, d->st->axis_color);
	cairo_set_line_width(cr, AXIS_LINE_W);
	cairo_move_to(cr, lay->plot_x0, lay->plot_y0);
	cairo_line_to(cr, lay->plot_x0, lay->plot_y1);
	cairo_line_to(cr, lay->plot_x1, lay->plot_y1);
	for (i = 0; i < 6; i++) {
		cairo_move_to(cr, lay->plot_x0 - TICK_LEN, lay->yticks[i].y);
		cairo_line_to(cr, lay->plot_x0, lay->yticks[i].y);
	}
	/* ticks between the bins */
	for (i = 1; i < lay->nbins; i++) {
		double x = (lay->bins[i - 1].x + lay->bins[i].x) / 2;

		cairo_move_to(cr, x, lay->plot_y1);
		cairo_line_to(cr, x, lay->plot_y1 + TICK_LEN);
	}
	cairo_stroke(cr);
	for (i = 0; i < 6; i++)
		text(d, lay->yticks[i].label, fs, lay->ytick_x,
		    lay->yticks[i].y - fs * TEXT_MID_EM, 2, 0);
	text(d, lay->y_title, fs, d->st->margin, lay->y_title_y, 0, 1);
	for (i = 0; i < lay->nbins; i++)
		text(d, lay->bins[i].label, fs, lay->bins[i].x,
		    lay->bin_label_y, 1, 0);
	text(d, lay->x_title, fs, (lay->plot_x0 + lay->plot_x1) / 2,
	    lay->x_title_y, 1, 1);
}

static void
draw_legend(struct ocdraw *d)
{
	const ecpr_oc_layout *lay = d->lay;
	double fs = d->st->font_size, sh = fs * LEGEND_SWATCH_H_EM;
	size_t i;

	for (i = 0; i < lay->nlegend; i++) {
		const ecpr_oc_legend_item *it = &lay->legend[i];
		double cx = it->x + LEGEND_SWATCH / 2;
		double cy = it->y + fs * TEXT_MID_EM;

		if (it->kind < ECPR_OC_SERIES)
			marker(d, it->kind, cx, cy);
		else
			whisker(d, d->st->axis_color, cx, cy + sh / 2,
			    cy - sh / 2);
		text(d, it->text, fs, it->text_x, it->y, 0, 0);
	}
}

static void
oc_page(cairo_t *cr, size_t page, void *ctx)
{
	struct ocdraw *d = ctx;
	const ecpr_oc_layout *lay = d->lay;
	double fs = d->st->font_size;
	size_t i, s;

	(void)page;
	d->cr = cr;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	text(d, lay->title, fs * 1.2, d->st->margin, lay->title_y, 0, 1);
	draw_axes(d);
	for (i = 0; i < lay->nbins; i++) {
		const ecpr_oc_bin_geom *g = &lay->bins[i];

		for (s = 0; s < ECPR_OC_SERIES; s++)
			if (g->pt[s].shown)
				whisker(d, series_color(d->st, (int)s),
				    g->pt[s].x, g->pt[s].y_lo, g->pt[s].y_hi);
		for (s = 0; s < ECPR_OC_SERIES; s++)
			if (g->pt[s].shown)
				marker(d, (int)s, g->pt[s].x, g->pt[s].y);
	}
	for (s = 0; s < ECPR_OC_SERIES + 1; s++) {
		text(d, lay->count_label[s], fs, lay->count_label_x,
		    lay->count_y[s], 0, 0);
		for (i = 0; i < lay->nbins; i++)
			text(d, lay->bins[i].count[s], fs, lay->bins[i].x,
			    lay->count_y[s], 1, 0);
	}
	draw_legend(d);
	for (i = 0; i < lay->ncaption; i++)
		text(d, lay->caption[i], d->st->caption_size, d->st->margin,
		    lay->caption_y + (double)i * lay->caption_line_h, 0, 0);
}

int
ecpr_oc_render(const ecpr_oc_layout *lay, const char *path,
    ecpr_tl_format format, double dpi, ecpr_tl_measurer *m,
    ecpr_error *err)
{
	ecpr_tl_measurer *own = NULL;
	ecpr__render_job job;
	struct ocdraw d;
	int r;

	if (lay == NULL || path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "render: no layout or path");
	if (m == NULL) {
		if ((r = ecpr_tl_measurer_new(&own, &lay->style, err)) !=
		    ECPR_OK)
			return r;
		m = own;
	}
	memset(&d, 0, sizeof(d));
	d.lay = lay;
	d.st = &lay->style;
	d.m = m;
	memset(&job, 0, sizeof(job));
	job.width = lay->width;
	job.height = lay->height;
	job.npages = 1;
	job.title = "ECPR outcome by interval";
	job.page = oc_page;
	job.ctx = &d;
	r = ecpr__render_file(&job, path, format, dpi, err);
	ecpr_tl_measurer_free(own);
	return r;
}
