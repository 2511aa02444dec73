/*
 * render.c - draw a timeline layout with cairo and pango to PDF, SVG or
 * PNG, through a temporary file renamed into place at the end.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "render_internal.h"

#define MCACHE 512

/* A remembered width. */
struct mcache {
	char *text;
	double size;
	double width;
};

/* Text machinery shared by measuring and drawing. */
struct ecpr_tl_measurer {
	struct mcache cache[MCACHE];
	PangoFontMap *fontmap;
	PangoContext *ctx;
	PangoLayout *layout;
	PangoFontDescription *font;
};

static void
text_setup(struct ecpr_tl_measurer *m)
{
	cairo_font_options_t *fo = cairo_font_options_create();

	/* unhinted metrics: the same widths on every surface */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(m->ctx, fo);
	cairo_font_options_destroy(fo);
}

int
ecpr_tl_measurer_new(ecpr_tl_measurer **out, const ecpr_tl_style *style,
    ecpr_error *err)
{
	struct ecpr_tl_measurer *m;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	m->fontmap = pango_cairo_font_map_new();
	m->ctx = pango_font_map_create_context(m->fontmap);
	text_setup(m);
	m->layout = pango_layout_new(m->ctx);
	m->font = pango_font_description_from_string(style != NULL ?
	    style->font : ECPR_TL_DEFAULT_FONT);
	*out = m;
	return ECPR_OK;
}

void
ecpr_tl_measurer_free(ecpr_tl_measurer *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < MCACHE; i++)
		free(m->cache[i].text);
	if (m->font != NULL)
		pango_font_description_free(m->font);
	if (m->layout != NULL)
		g_object_unref(m->layout);
	if (m->ctx != NULL)
		g_object_unref(m->ctx);
	if (m->fontmap != NULL)
		g_object_unref(m->fontmap);
	free(m);
}

static void
set_text(struct ecpr_tl_measurer *m, const char *text, double size,
    int bold)
{
	pango_font_description_set_absolute_size(m->font, size * PANGO_SCALE);
	pango_font_description_set_weight(m->font, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(m->layout, m->font);
	pango_layout_set_width(m->layout, -1);
	pango_layout_set_text(m->layout, text, -1);
}

double
ecpr_tl_pango_measure(const char *text, double size, void *measurer)
{
	struct ecpr_tl_measurer *m = measurer;
	PangoRectangle ink, logical;
	struct mcache *e;
	unsigned long h = 5381;
	const char *p;
	double w;

	/* tick labels, legend and caption words recur from chart to chart */
	for (p = text; *p != '\0'; p++)
		h = h * 33 + (unsigned char)*p;
	h += (unsigned long)(size * 64);
	e = &m->cache[h % MCACHE];
	if (e->text != NULL && e->size == size && strcmp(e->text, text) == 0)
		return e->width;
	set_text(m, text, size, 0);
	pango_layout_get_extents(m->layout, &ink, &logical);
	w = (double)logical.width / PANGO_SCALE;
	free(e->text);
	e->text = strdup(text);
	e->size = size;
	e->width = w;
	return w;
}

/* ---------------------------------------------------------------- */

struct draw {
	cairo_t *cr;
	struct ecpr_tl_measurer *m;
	const ecpr_tl_layout *lay;
	const ecpr_tl_style *st;
	cairo_pattern_t *tiles[ECPR_TL_PAT_VLINES + 1];
};

static void
rgb(cairo_t *cr, ecpr_tl_rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void
ecpr__render_text(cairo_t *cr, ecpr_tl_measurer *m, ecpr_tl_rgb c,
    const char *s, double size, double x, double y, int align, int bold,
    double maxw)
{
	PangoRectangle ink, logical;
	double w;

	pango_cairo_update_context(cr, m->ctx);
	set_text(m, s, size, bold);
	if (maxw > 0) {
		pango_layout_set_width(m->layout, (int)(maxw * PANGO_SCALE));
		pango_layout_set_ellipsize(m->layout, PANGO_ELLIPSIZE_END);
	} else {
		pango_layout_set_ellipsize(m->layout, PANGO_ELLIPSIZE_NONE);
	}
	pango_layout_get_extents(m->layout, &ink, &logical);
	w = (double)logical.width / PANGO_SCALE;
	if (align == 1)
		x -= w / 2;
	else if (align == 2)
		x -= w;
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, m->layout);
}

/* Text in the chart's text colour (ecpr__render_text()). */
static void
text(struct draw *d, const char *s, double size, double x, double y,
    int align, int bold, double maxw)
{
	ecpr__render_text(d->cr, d->m, d->st->text_color, s, size, x, y,
	    align, bold, maxw);
}

/* Pattern tiles over a bar's colour. */
#define TILE 2.4           /* tile side */
#define TILE_INK_ALPHA 0.55
#define TILE_LINE_W 0.45
#define TILE_DOT_R 0.5

/* Bars. */
#define BAR_MIN_W 0.8      /* least width of a bar of some length */
#define BAR_FADE_RAMP 8.0  /* fade-in of a clipped bar, fade-out of open */
#define FADE_ALPHA 0.75    /* the strong end of a fade */
#define MIN_DRAWN 0.1      /* fades and whiskers shorter than this: none */
#define WHISKER_LINE_W 0.5

/* The axis. */
#define GRID_LINE_W 0.3
#define GRID_GREY 0.88
#define GRID_TOP_OVER 2.0  /* the grid starts this far above the margin */
#define AXIS_LINE_W 0.6
#define AXIS_BREAK_HALF 2.5 /* half the extent of a break's slanted strokes */
#define AXIS_BREAK_INSET 0.5
#define BREAK_LINE_GREY 0.6 /* the dashed line up from a break */
#define BREAK_LINE_W 0.4
#define BREAK_DASH 1.5
#define BREAK_LINE_STOP 3.0 /* it ends this far above the axis */

/* The legend; its swatch is LEGEND_SWATCH wide (tl_internal.h). */
#define LEGEND_SWATCH_H_EM 0.85 /* swatch height, in font sizes */
#define LEGEND_WHISKER_INSET 1.0

/*
 * The pattern overlays as small repeating vector tiles, made once per
 * render: PDF and SVG then hold each tile once, not every stroke.
 */
static cairo_pattern_t *
make_tile(ecpr_tl_pattern pat)
{
	cairo_rectangle_t r = { 0, 0, TILE, TILE };
	cairo_surface_t *s;
	cairo_pattern_t *p;
	cairo_t *cr;
	double t = TILE;

	s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &r);
	cr = cairo_create(s);
	cairo_set_source_rgba(cr, 0, 0, 0, TILE_INK_ALPHA);
	cairo_set_line_width(cr, TILE_LINE_W);
	switch (pat) {
	case ECPR_TL_PAT_CROSS:
		cairo_move_to(cr, -1, -1);
		cairo_line_to(cr, t + 1, t + 1);
		/* FALLTHROUGH */
	case ECPR_TL_PAT_HATCH:
		cairo_move_to(cr, -1, 1);
		cairo_line_to(cr, 1, -1);
		cairo_move_to(cr, -1, t + 1);
		cairo_line_to(cr, t + 1, -1);
		cairo_move_to(cr, t - 1, t + 1);
		cairo_line_to(cr, t + 1, t - 1);
		cairo_stroke(cr);
		break;
	case ECPR_TL_PAT_VLINES:
		cairo_move_to(cr, t / 2, 0);
		cairo_line_to(cr, t / 2, t);
		cairo_stroke(cr);
		break;
	case ECPR_TL_PAT_DOTS:
		cairo_arc(cr, t / 2, t / 2, TILE_DOT_R, 0, 2 * M_PI);
		cairo_fill(cr);
		break;
	default:
		break;
	}
	cairo_destroy(cr);
	p = cairo_pattern_create_for_surface(s);
	cairo_surface_destroy(s);
	cairo_pattern_set_extend(p, CAIRO_EXTEND_REPEAT);
	return p;
}

/* Fill a rectangle with a bar kind's colour and pattern. */
static void
fill_bar(struct draw *d, ecpr_tl_bar kind, double x, double y, double w,
    double h)
{
	cairo_t *cr = d->cr;
	ecpr_tl_pattern pat = d->st->bar_pattern[kind];

	rgb(cr, d->st->bar_color[kind]);
	cairo_rectangle(cr, x, y, w, h);
	if (pat == ECPR_TL_PAT_SOLID || w <= 0 ||
	    (unsigned)pat > ECPR_TL_PAT_VLINES) {
		cairo_fill(cr);
		return;
	}
	cairo_fill_preserve(cr);
	cairo_set_source(cr, d->tiles[pat]);
	cairo_fill(cr);
}

/* A fading strip of a bar's colour from x0 (strong) to x1 (clear). */
static void
fade(struct draw *d, ecpr_tl_bar kind, double x0, double x1, double y,
    double h)
{
	ecpr_tl_rgb c = d->st->bar_color[kind];
	cairo_pattern_t *g;

	if (fabs(x1 - x0) < MIN_DRAWN)
		return;
	g = cairo_pattern_create_linear(x0, 0, x1, 0);
	cairo_pattern_add_color_stop_rgba(g, 0, c.r, c.g, c.b, FADE_ALPHA);
	cairo_pattern_add_color_stop_rgba(g, 1, c.r, c.g, c.b, 0);
	cairo_set_source(d->cr, g);
	cairo_rectangle(d->cr, fmin(x0, x1), y, fabs(x1 - x0), h);
	cairo_fill(d->cr);
	cairo_pattern_destroy(g);
}

/* An uncertainty whisker: a line with end ticks. */
static void
whisker(struct draw *d, double x0, double x1, double y, double h)
{
	cairo_t *cr = d->cr;

	if (x1 - x0 < MIN_DRAWN)
		return;
	rgb(cr, d->st->axis_color);
	cairo_set_line_width(cr, WHISKER_LINE_W);
	cairo_move_to(cr, x0, y);
	cairo_line_to(cr, x1, y);
	cairo_move_to(cr, x0, y - h / 2);
	cairo_line_to(cr, x0, y + h / 2);
	cairo_move_to(cr, x1, y - h / 2);
	cairo_line_to(cr, x1, y + h / 2);
	cairo_stroke(cr);
}

static void
draw_bar(struct draw *d, const ecpr_tl_bar_geom *b)
{
	double x0 = b->x0, x1 = b->x1, ramp = BAR_FADE_RAMP;

	/* no length on the axis (e.g. no-flow of 0 min): nothing to draw */
	if (b->wx1 <= b->wx0)
		return;
	if (x1 - x0 < BAR_MIN_W)
		x1 = x0 + BAR_MIN_W;
	if (b->clipped) {
		fade(d, b->kind, x0 + ramp, x0, b->y, b->h);
		x0 += ramp;
	}
	if (b->open) {
		ramp = fmin(ramp, (x1 - x0) / 2);
		fade(d, b->kind, x1 - ramp, x1, b->y, b->h);
		x1 -= ramp;
	}
	fill_bar(d, b->kind, x0, b->y, x1 - x0, b->h);
	if (b->wx0 < b->x0) {
		fade(d, b->kind, b->x0, b->wx0, b->y, b->h);
		whisker(d, b->wx0, b->x0, b->y + b->h / 2, b->h);
	}
	if (b->wx1 > b->x1) {
		fade(d, b->kind, b->x1, b->wx1, b->y, b->h);
		whisker(d, b->x1, b->wx1, b->y + b->h / 2, b->h);
	}
}

static void
shape(struct draw *d, ecpr_tl_marker kind, double x, double y)
{
	cairo_t *cr = d->cr;
	double r = d->st->marker_size / 2;
	int filled = 1;

	cairo_new_path(cr);
	switch (kind) {
	case ECPR_TL_MK_REARREST:
		filled = 0;
		/* FALLTHROUGH */
	case ECPR_TL_MK_CA:
		cairo_move_to(cr, x - r, y - r * 0.8);
		cairo_line_to(cr, x + r, y - r * 0.8);
		cairo_line_to(cr, x, y + r);
		cairo_close_path(cr);
		break;
	case ECPR_TL_MK_ROSC_TRANSIENT:
		filled = 0;
		/* FALLTHROUGH */
	case ECPR_TL_MK_ROSC:
		cairo_arc(cr, x, y, r * 0.8, 0, 2 * M_PI);
		break;
	case ECPR_TL_MK_PCI:
		filled = 0;
		/* FALLTHROUGH */
	case ECPR_TL_MK_ECMO_WEAN:
		cairo_move_to(cr, x, y - r);
		cairo_line_to(cr, x + r, y);
		cairo_line_to(cr, x, y + r);
		cairo_line_to(cr, x - r, y);
		cairo_close_path(cr);
		break;
	case ECPR_TL_MK_ICU_DISCHARGE:
		filled = 0;
		cairo_rectangle(cr, x - r * 0.75, y - r * 0.75, r * 1.5,
		    r * 1.5);
		break;
	case ECPR_TL_MK_HOSP_DISCHARGE:
		cairo_move_to(cr, x - r, y + r * 0.8);
		cairo_line_to(cr, x + r, y + r * 0.8);
		cairo_line_to(cr, x, y - r);
		cairo_close_path(cr);
		break;
	case ECPR_TL_MK_DEATH:
	default:
		/* a cross: white halo, then black */
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
		cairo_move_to(cr, x - r * 0.8, y - r * 0.8);
		cairo_line_to(cr, x + r * 0.8, y + r * 0.8);
		cairo_move_to(cr, x + r * 0.8, y - r * 0.8);
		cairo_line_to(cr, x - r * 0.8, y + r * 0.8);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_set_line_width(cr, 2.4);
		cairo_stroke_preserve(cr);
		rgb(cr, d->st->marker_color[kind]);
		cairo_set_line_width(cr, 1.2);
		cairo_stroke(cr);
		return;
	}
	cairo_set_line_width(cr, filled ? 0.5 : 0.8);
	if (filled) {
		rgb(cr, d->st->marker_color[kind]);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 1, 1, 1);
	} else {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill_preserve(cr);
		rgb(cr, d->st->marker_color[kind]);
	}
	cairo_stroke(cr);
}

/* Complication markers: a shape per attribution. */
#define COMP_LINE_W 0.5
#define COMP_OPEN_LINE_W 0.8
#define STAR_INNER 0.45    /* inner radius of the star, in outer radii */

/* The observation strip. */
#define STRIP_LINE_W 0.5
#define STRIP_BASE_GREY 0.7 /* the strip's baseline */
#define STRIP_BASE_W 0.3
#define STRIP_POINT_R 1.4
#define STRIP_ARROW 3.0    /* length of a censored value's arrow */
#define STRIP_HEAD 1.1     /* half width and length of its head */

/*
 * A complication marker: mechanical CC a filled square, ECPR a filled
 * five-pointed star, other an open hexagon; in the attribution's colour.
 */
static void
comp_shape(struct draw *d, ecpr_attribution by, double x, double y)
{
	cairo_t *cr = d->cr;
	double r = d->st->marker_size / 2, a;
	int k, filled = 1;

	cairo_new_path(cr);
	switch (by) {
	case ECPR_BY_MCC:
		cairo_rectangle(cr, x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
		break;
	case ECPR_BY_ECPR:
		for (k = 0; k < 10; k++) {
			double rr = k % 2 ? r * STAR_INNER : r;

			a = -M_PI / 2 + k * M_PI / 5;
			if (k == 0)
				cairo_move_to(cr, x + rr * cos(a),
				    y + rr * sin(a));
			else
				cairo_line_to(cr, x + rr * cos(a),
				    y + rr * sin(a));
		}
		cairo_close_path(cr);
		break;
	default:
		filled = 0;
		for (k = 0; k < 6; k++) {
			a = k * M_PI / 3;
			if (k == 0)
				cairo_move_to(cr, x + r * 0.85 * cos(a),
				    y + r * 0.85 * sin(a));
			else
				cairo_line_to(cr, x + r * 0.85 * cos(a),
				    y + r * 0.85 * sin(a));
		}
		cairo_close_path(cr);
		break;
	}
	if (filled) {
		rgb(cr, d->st->comp_color[by]);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_set_line_width(cr, COMP_LINE_W);
	} else {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill_preserve(cr);
		rgb(cr, d->st->comp_color[by]);
		cairo_set_line_width(cr, COMP_OPEN_LINE_W);
	}
	cairo_stroke(cr);
}

/*
 * A value of the strip: exact, a filled point; censored, an open point
 * at its bound with an arrow up (">", ">=") or down ("<", "<=").
 */
static void
strip_point(struct draw *d, ecpr_cmp cmp, double x, double y)
{
	cairo_t *cr = d->cr;
	double dir, tip, r = STRIP_POINT_R;

	cairo_new_path(cr);
	cairo_arc(cr, x, y, r, 0, 2 * M_PI);
	if (cmp == ECPR_CMP_EQ) {
		rgb(cr, d->st->strip_color);
		cairo_fill(cr);
		return;
	}
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill_preserve(cr);
	rgb(cr, d->st->strip_color);
	cairo_set_line_width(cr, STRIP_LINE_W);
	cairo_stroke(cr);
	dir = cmp == ECPR_CMP_GT || cmp == ECPR_CMP_GE ? -1 : 1;
	tip = y + dir * (r + STRIP_ARROW);
	cairo_move_to(cr, x, y + dir * r);
	cairo_line_to(cr, x, tip);
	cairo_stroke(cr);
	cairo_move_to(cr, x, tip);
	cairo_line_to(cr, x - STRIP_HEAD, tip - dir * STRIP_HEAD);
	cairo_line_to(cr, x + STRIP_HEAD, tip - dir * STRIP_HEAD);
	cairo_close_path(cr);
	cairo_fill(cr);
}

/* The observation strip of a lane. */
static void
draw_strip(struct draw *d, const ecpr_tl_lane_geom *g)
{
	const ecpr_tl_layout *lay = d->lay;
	cairo_t *cr = d->cr;
	double fs = d->st->font_size, lx = lay->plot_x0 - STRIP_LABEL_GAP;
	double base = g->strip_y + g->strip_h;
	size_t j;
	int open = 0;

	if (g->band) {
		rgb(cr, d->st->range_color);
		cairo_rectangle(cr, lay->plot_x0, g->band_y0,
		    lay->plot_x1 - lay->plot_x0, g->band_y1 - g->band_y0);
		cairo_fill(cr);
	}
	cairo_set_source_rgb(cr, STRIP_BASE_GREY, STRIP_BASE_GREY,
	    STRIP_BASE_GREY);
	cairo_set_line_width(cr, STRIP_BASE_W);
	cairo_move_to(cr, lay->plot_x0, base);
	cairo_line_to(cr, lay->plot_x1, base);
	cairo_stroke(cr);
	/* the line joins exact values only: a censored one breaks it */
	rgb(cr, d->st->strip_color);
	cairo_set_line_width(cr, STRIP_LINE_W);
	for (j = 0; j < g->npoints; j++) {
		const ecpr_tl_strip_point *p = &g->points[j];

		if (p->cmp != ECPR_CMP_EQ) {
			open = 0;
			continue;
		}
		if (open)
			cairo_line_to(cr, p->x, p->y);
		else
			cairo_move_to(cr, p->x, p->y);
		open = 1;
	}
	cairo_stroke(cr);
	for (j = 0; j < g->npoints; j++)
		strip_point(d, g->points[j].cmp, g->points[j].x,
		    g->points[j].y);
	text(d, g->strip_hi, fs, lx, g->hi_y - fs * TEXT_MID_EM, 2, 0, 0);
	if (g->strip_lo[0] != '\0')
		text(d, g->strip_lo, fs, lx, g->lo_y - fs * TEXT_MID_EM, 2, 0,
		    0);
}

static void
draw_axis(struct draw *d)
{
	const ecpr_tl_layout *lay = d->lay;
	cairo_t *cr = d->cr;
	double y = lay->axis_y, fs = d->st->font_size, top;
	size_t i, k;

	top = d->st->margin - GRID_TOP_OVER;
	/* faint grid at ticks, dashed at the breaks */
	cairo_set_line_width(cr, GRID_LINE_W);
	cairo_set_source_rgb(cr, GRID_GREY, GRID_GREY, GRID_GREY);
	for (i = 0; i < lay->nsegs; i++)
		for (k = 0; k < lay->segs[i].nticks; k++) {
			cairo_move_to(cr, lay->segs[i].ticks[k].x, top);
			cairo_line_to(cr, lay->segs[i].ticks[k].x, y);
		}
	cairo_stroke(cr);
	rgb(cr, d->st->axis_color);
	cairo_set_line_width(cr, AXIS_LINE_W);
	for (i = 0; i < lay->nsegs; i++) {
		const ecpr_tl_axis_seg *s = &lay->segs[i];
		const char *unit = strcmp(s->unit, "min") == 0 ? "minutes" :
		    strcmp(s->unit, "h") == 0 ? "hours" : s->unit;

		rgb(cr, d->st->axis_color);
		cairo_move_to(cr, s->x0, y);
		cairo_line_to(cr, s->x1, y);
		for (k = 0; k < s->nticks; k++) {
			cairo_move_to(cr, s->ticks[k].x, y);
			cairo_line_to(cr, s->ticks[k].x, y + lay->tick_len);
		}
		if (i > 0) {
			/* the break: two slanted strokes in the gap */
			double g = lay->segs[i - 1].x1;

			cairo_move_to(cr, g + AXIS_BREAK_INSET,
			    y + AXIS_BREAK_HALF);
			cairo_line_to(cr, g + AXIS_BREAK_HALF,
			    y - AXIS_BREAK_HALF);
			cairo_move_to(cr, s->x0 - AXIS_BREAK_HALF,
			    y + AXIS_BREAK_HALF);
			cairo_line_to(cr, s->x0 - AXIS_BREAK_INSET,
			    y - AXIS_BREAK_HALF);
		}
		cairo_stroke(cr);
		for (k = 0; k < s->nticks; k++)
			text(d, s->ticks[k].label, fs, s->ticks[k].x,
			    lay->label_y, 1, 0, 0);
		if (unit[0] != '\0')
			text(d, unit, fs, (s->x0 + s->x1) / 2, lay->unit_y, 1,
			    0, 0);
	}
	if (lay->nsegs > 1) {
		cairo_save(cr);
		cairo_set_source_rgb(cr, BREAK_LINE_GREY, BREAK_LINE_GREY,
		    BREAK_LINE_GREY);
		cairo_set_line_width(cr, BREAK_LINE_W);
		{
			static const double dash[] = { BREAK_DASH, BREAK_DASH };

			cairo_set_dash(cr, dash, 2, 0);
		}
		for (i = 1; i < lay->nsegs; i++) {
			double g = (lay->segs[i - 1].x1 + lay->segs[i].x0) / 2;

			cairo_move_to(cr, g, top);
			cairo_line_to(cr, g, y - BREAK_LINE_STOP);
		}
		cairo_stroke(cr);
		cairo_restore(cr);
	}
	text(d, lay->axis_title, fs, (lay->plot_x0 + lay->plot_x1) / 2,
	    lay->title_y, 1, 1, 0);
}

static void
draw_legend(struct draw *d)
{
	const ecpr_tl_layout *lay = d->lay;
	double fs = d->st->font_size, sh = fs * LEGEND_SWATCH_H_EM;
	size_t i;

	for (i = 0; i < lay->nlegend; i++) {
		const ecpr_tl_legend_item *it = &lay->legend[i];
		double cy = it->y + fs * TEXT_MID_EM;

		switch (it->is_marker) {
		case ECPR_TL_LEG_BAR:
			fill_bar(d, (ecpr_tl_bar)it->kind, it->x, cy - sh / 2,
			    LEGEND_SWATCH, sh);
			break;
		case ECPR_TL_LEG_MARKER:
			shape(d, (ecpr_tl_marker)it->kind,
			    it->x + LEGEND_SWATCH / 2, cy);
			break;
		case ECPR_TL_LEG_COMP:
			comp_shape(d, (ecpr_attribution)it->kind,
			    it->x + LEGEND_SWATCH / 2, cy);
			break;
		case ECPR_TL_LEG_STRIP:
			rgb(d->cr, d->st->strip_color);
			cairo_set_line_width(d->cr, STRIP_LINE_W);
			cairo_move_to(d->cr, it->x, cy + sh / 4);
			cairo_line_to(d->cr, it->x + LEGEND_SWATCH, cy - sh / 4);
			cairo_stroke(d->cr);
			strip_point(d, ECPR_CMP_EQ, it->x + LEGEND_SWATCH / 2,
			    cy);
			break;
		case ECPR_TL_LEG_RANGE:
			rgb(d->cr, d->st->range_color);
			cairo_rectangle(d->cr, it->x, cy - sh / 2,
			    LEGEND_SWATCH, sh);
			cairo_fill(d->cr);
			break;
		case ECPR_TL_LEG_CENSORED:
			strip_point(d, ECPR_CMP_GT, it->x + LEGEND_SWATCH / 2,
			    cy + sh / 4);
			break;
		default:
			whisker(d, it->x + LEGEND_WHISKER_INSET, it->x +
			    (LEGEND_SWATCH - LEGEND_WHISKER_INSET), cy, sh);
			break;
		}
		text(d, it->text, fs, it->text_x, it->y, 0, 0, 0);
	}
}

static void
draw_page(struct draw *d, size_t page)
{
	const ecpr_tl_layout *lay = d->lay;
	cairo_t *cr = d->cr;
	size_t i, j, n = 0;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	draw_axis(d);
	for (i = 0; i < lay->nlanes; i++) {
		const ecpr_tl_lane_geom *g = &lay->lanes[i];
		const char *nl;

		if (g->page != page)
			continue;
		/* light bands on every other lane */
		if (n++ % 2 == 1) {
			cairo_set_source_rgba(cr, 0, 0, 0, 0.035);
			cairo_rectangle(cr, d->st->margin, g->y -
			    d->st->lane_gap / 2, lay->plot_x1 - d->st->margin,
			    g->h + d->st->lane_gap);
			cairo_fill(cr);
		}
		nl = strchr(g->label, '\n');
		if (nl != NULL) {
			char first[256];
			size_t len = (size_t)(nl - g->label);

			if (len >= sizeof(first))
				len = sizeof(first) - 1;
			memcpy(first, g->label, len);
			first[len] = '\0';
			text(d, first, d->st->label_size, g->label_x,
			    g->label_y, 0, 1, lay->label_w);
			text(d, nl + 1, d->st->label_size, g->label_x,
			    g->label_y + d->st->label_size * 1.2, 0, 0,
			    lay->label_w);
		} else {
			text(d, g->label, d->st->label_size, g->label_x,
			    g->label_y, 0, 1, lay->label_w);
		}
		for (j = 0; j < g->nbars; j++)
			draw_bar(d, &g->bars[j]);
		for (j = 0; j < g->nmarkers; j++) {
			const ecpr_tl_marker_geom *mk = &g->markers[j];

			if (mk->wx1 > mk->wx0)
				whisker(d, mk->wx0, mk->wx1, mk->y,
				    d->st->marker_size);
			shape(d, mk->kind, mk->x, mk->y);
		}
		for (j = 0; j < g->ncomps; j++) {
			const ecpr_tl_comp_geom *cg = &g->comps[j];

			if (cg->wx1 > cg->wx0)
				whisker(d, cg->wx0, cg->wx1, cg->y,
				    d->st->marker_size);
			comp_shape(d, cg->by, cg->x, cg->y);
			text(d, cg->label, d->st->font_size, cg->text_x,
			    cg->text_y, 0, 0, 0);
		}
		if (g->strip_h > 0)
			draw_strip(d, g);
	}
	draw_legend(d);
	for (i = 0; i < lay->ncaption; i++)
		text(d, lay->caption[i], d->st->caption_size, d->st->margin,
		    lay->caption_y + (double)i * lay->caption_line_h, 0, 0, 0);
}

static cairo_status_t
write_fp(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

int
ecpr_tl_format_lookup(const char *name)
{
	const char *dot;

	if (name == NULL)
		return -1;
	dot = strrchr(name, '.');
	if (dot != NULL)
		name = dot + 1;
	if (strcasecmp(name, "pdf") == 0)
		return ECPR_TL_PDF;
	if (strcasecmp(name, "svg") == 0)
		return ECPR_TL_SVG;
	if (strcasecmp(name, "png") == 0)
		return ECPR_TL_PNG;
	return -1;
}

/* PDF dates: SOURCE_DATE_EPOCH when set, else the epoch. */
static void
pdf_date(char *buf, size_t len)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long long v = 0;
	struct tm tm;
	time_t t;
	char *end;

	if (sde != NULL && *sde != '\0') {
		v = strtoll(sde, &end, 10);
		if (*end != '\0' || v < 0)
			v = 0;
	}
	t = (time_t)v;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Draw job on the stream fp. */
static int
draw_all(const ecpr__render_job *job, FILE *fp, ecpr_tl_format format,
    double dpi, ecpr_error *err)
{
	cairo_surface_t *s = NULL;
	cairo_status_t cs;
	cairo_t *cr;
	size_t p;
	char date[32];

	switch (format) {
	case ECPR_TL_PDF:
		s = cairo_pdf_surface_create_for_stream(write_fp, fp,
		    job->width, job->height);
		pdf_date(date, sizeof(date));
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
		    date);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE,
		    date);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
		    job->title);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
		    "ecprkit " PACKAGE_VERSION);
		break;
	case ECPR_TL_SVG:
		s = cairo_svg_surface_create_for_stream(write_fp, fp,
		    job->width, job->height);
		cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
		break;
	case ECPR_TL_PNG:
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
		    (int)ceil(job->width * dpi / 72),
		    (int)ceil(job->height * dpi / 72));
		break;
	}
	if (job->begin != NULL)
		job->begin(job->ctx);
	cr = cairo_create(s);
	if (format == ECPR_TL_PNG)
		cairo_scale(cr, dpi / 72, dpi / 72);
	for (p = 0; p < job->npages; p++) {
		job->page(cr, p, job->ctx);
		if (format == ECPR_TL_PDF || p + 1 < job->npages)
			cairo_show_page(cr);
		if (format != ECPR_TL_PDF)
			break;
	}
	cs = cairo_status(cr);
	cairo_destroy(cr);
	if (cs == CAIRO_STATUS_SUCCESS && format == ECPR_TL_PNG)
		cs = cairo_surface_write_to_png_stream(s, write_fp, fp);
	cairo_surface_finish(s);
	if (cs == CAIRO_STATUS_SUCCESS)
		cs = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (job->end != NULL)
		job->end(job->ctx);
	if (cs != CAIRO_STATUS_SUCCESS)
		return ecpr__error_set(err, ECPR_ERENDER, NULL, 0,
		    "cannot draw the chart: %s", cairo_status_to_string(cs));
	return ECPR_OK;
}

int
ecpr__render_file(const ecpr__render_job *job, const char *path,
    ecpr_tl_format format, double dpi, ecpr_error *err)
{
	ecpr_outfile *of = NULL;
	int r, cr;

	if ((unsigned)format > ECPR_TL_PNG)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "render: no layout or path");
	if (format != ECPR_TL_PDF && job->npages > 1)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "render: SVG and PNG take a layout of one page");
	if (format == ECPR_TL_PNG && (dpi < 10 || dpi > 2400))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "dpi %g is out of range 10-2400", dpi);
	if ((r = ecpr_outfile_open(&of, path, 0, err)) == ECPR_OK) {
		r = draw_all(job, ecpr_outfile_fp(of), format, dpi, err);
		if ((cr = ecpr_outfile_close(of, r == ECPR_OK, err)) !=
		    ECPR_OK && r == ECPR_OK)
			r = cr;
	}
	if (r == ECPR_EIO) { /* the file, not the drawing: still ERENDER */
		r = ECPR_ERENDER;
		if (err != NULL)
			err->code = ECPR_ERENDER;
	}
	return r;
}

static void
tl_begin(void *ctx)
{
	struct draw *d = ctx;
	size_t p;

	for (p = 0; p <= ECPR_TL_PAT_VLINES; p++)
		d->tiles[p] = make_tile((ecpr_tl_pattern)p);
}

static void
tl_page(cairo_t *cr, size_t page, void *ctx)
{
	struct draw *d = ctx;

	d->cr = cr;
	draw_page(d, page);
}

/*
 * Only after the surface is destroyed: cairo 1.16 snapshots a source
 * still in use by a live SVG surface when it is destroyed, and that copy
 * is never freed.
 */
static void
tl_end(void *ctx)
{
	struct draw *d = ctx;
	size_t p;

	for (p = 0; p <= ECPR_TL_PAT_VLINES; p++)
		cairo_pattern_destroy(d->tiles[p]);
}

int
ecpr_tl_render(const ecpr_tl_layout *lay, const char *path,
    ecpr_tl_format format, double dpi, ecpr_tl_measurer *m,
    ecpr_error *err)
{
	struct ecpr_tl_measurer *own = NULL;
	ecpr__render_job job;
	struct draw d;
	int r;

	if (lay == NULL || path == NULL || (unsigned)format > ECPR_TL_PNG)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "render: no layout or path");
	if (format != ECPR_TL_PDF && lay->npages > 1)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "render: SVG and PNG take a layout of one page");
	if (m == NULL) {
		r = ecpr_tl_measurer_new(&own, &lay->style, err);
		if (r)
			return r;
		m = own;
	}
	memset(&d, 0, sizeof(d));
	d.lay = lay;
	d.st = &lay->style;
	d.m = m;
	job.width = lay->width;
	job.height = lay->height;
	job.npages = lay->npages;
	job.title = "ECPR timeline";
	job.begin = tl_begin;
	job.page = tl_page;
	job.end = tl_end;
	job.ctx = &d;
	r = ecpr__render_file(&job, path, format, dpi, err);
	ecpr_tl_measurer_free(own);
	return r;
}
