/*
 * tl_draw.c - a page of a timeline layout drawn onto a cairo context:
 * bars with their patterns and fades, markers, whiskers, complications,
 * observation strips, the axis and the legend, with plain cairo calls;
 * the texts go through the caller's function (render.c's pango text,
 * or bench/timeline-bare.c's, which builds this file into itself).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "render_internal.h"

static void
rgb(cairo_t *cr, ecpr_tl_rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* Text in the chart's text colour. */
static void
text(ecpr__tl_draw *d, const char *s, double size, double x, double y,
    int align, int bold, double maxw)
{
	d->text(d->tctx, d->cr, d->st->text_color, s, size, x, y, align, bold,
	    maxw);
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
cairo_pattern_t *
ecpr__tl_tile_new(ecpr_tl_pattern pat)
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
fill_bar(ecpr__tl_draw *d, ecpr_tl_bar kind, double x, double y, double w,
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
fade(ecpr__tl_draw *d, ecpr_tl_bar kind, double x0, double x1, double y,
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
whisker(ecpr__tl_draw *d, double x0, double x1, double y, double h)
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
draw_bar(ecpr__tl_draw *d, const ecpr_tl_bar_geom *b)
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
shape(ecpr__tl_draw *d, ecpr_tl_marker kind, double x, double y)
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
comp_shape(ecpr__tl_draw *d, ecpr_attribution by, double x, double y)
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
strip_point(ecpr__tl_draw *d, ecpr_cmp cmp, double x, double y)
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
draw_strip(ecpr__tl_draw *d, const ecpr_tl_lane_geom *g)
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
draw_axis(ecpr__tl_draw *d)
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
draw_legend(ecpr__tl_draw *d)
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

void
ecpr__tl_draw_page(ecpr__tl_draw *d, size_t page)
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
