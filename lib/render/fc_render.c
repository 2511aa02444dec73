/*
 * fc_render.c - draw a flowchart's layout with cairo and pango: boxes
 * (diamonds for a protocol's decisions), arrows and text, to PDF, SVG
 * or PNG through the renderer's file writing (render.c).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "render_internal.h"

#define ARROW_HEAD 4.0     /* length of an arrow's head */
#define ARROW_HALF 1.8     /* half its width */
#define ROUND_R 6.0        /* corner radius of a protocol's start and end */
#define SIDE_GREY 0.94     /* the excluded, set aside and exits */
#define TINT 0.2           /* the eligible: ECMO flow's colour this strong */
#define UNKNOWN_DASH 2.0

struct fdraw {
	const ecpr_fc_layout *lay;
	ecpr_tl_measurer *m;
};

static void
rounded(cairo_t *cr, double x, double y, double w, double h, double r)
{
	if (r > h / 2)
		r = h / 2;
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

static void
draw_box(cairo_t *cr, const ecpr_fc_layout *lay, const ecpr_fc_box_geom *b)
{
	const ecpr_tl_style *st = &lay->style;
	ecpr_tl_rgb e = st->bar_color[ECPR_TL_BAR_ECMO];
	int proto = lay->kind == ECPR_FC_PROTOCOL;

	cairo_new_path(cr);
	if (b->kind == ECPR_FC_BOX_DECISION) {
		cairo_move_to(cr, b->x + b->w / 2, b->y);
		cairo_line_to(cr, b->x + b->w, b->y + b->h / 2);
		cairo_line_to(cr, b->x + b->w / 2, b->y + b->h);
		cairo_line_to(cr, b->x, b->y + b->h / 2);
		cairo_close_path(cr);
	} else if (proto && (b->kind == ECPR_FC_BOX_START ||
	    b->kind == ECPR_FC_BOX_ELIGIBLE)) {
		rounded(cr, b->x, b->y, b->w, b->h, ROUND_R);
	} else {
		cairo_rectangle(cr, b->x, b->y, b->w, b->h);
	}
	switch (b->kind) {
	case ECPR_FC_BOX_FAILED:
	case ECPR_FC_BOX_UNKNOWN:
	case ECPR_FC_BOX_EXIT:
		cairo_set_source_rgb(cr, SIDE_GREY, SIDE_GREY, SIDE_GREY);
		break;
	case ECPR_FC_BOX_ELIGIBLE:
		cairo_set_source_rgb(cr, 1 - TINT * (1 - e.r),
		    1 - TINT * (1 - e.g), 1 - TINT * (1 - e.b));
		break;
	default:
		cairo_set_source_rgb(cr, 1, 1, 1);
		break;
	}
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, st->axis_color.r, st->axis_color.g,
	    st->axis_color.b);
	cairo_set_line_width(cr, st->line_width);
	if (b->kind == ECPR_FC_BOX_UNKNOWN) {
		static const double dash[] = { UNKNOWN_DASH, UNKNOWN_DASH };

		cairo_set_dash(cr, dash, 2, 0);
	}
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
}

static void
draw_arrow(cairo_t *cr, const ecpr_tl_style *st, const ecpr_fc_arrow_geom *a)
{
	double dx = a->x1 - a->x0, dy = a->y1 - a->y0, len = hypot(dx, dy);
	double ux, uy, bx, by;

	if (len <= 0)
		return;
	ux = dx / len;
	uy = dy / len;
	bx = a->x1 - ux * ARROW_HEAD;
	by = a->y1 - uy * ARROW_HEAD;
	cairo_set_source_rgb(cr, st->axis_color.r, st->axis_color.g,
	    st->axis_color.b);
	cairo_set_line_width(cr, st->line_width);
	cairo_move_to(cr, a->x0, a->y0);
	cairo_line_to(cr, bx, by);
	cairo_stroke(cr);
	cairo_move_to(cr, a->x1, a->y1);
	cairo_line_to(cr, bx - uy * ARROW_HALF, by + ux * ARROW_HALF);
	cairo_line_to(cr, bx + uy * ARROW_HALF, by - ux * ARROW_HALF);
	cairo_close_path(cr);
	cairo_fill(cr);
}

static void
fc_page(cairo_t *cr, size_t page, void *ctx)
{
	struct fdraw *d = ctx;
	const ecpr_fc_layout *lay = d->lay;
	size_t i;

	(void)page;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	for (i = 0; i < lay->narrows; i++)
		draw_arrow(cr, &lay->style, &lay->arrows[i]);
	for (i = 0; i < lay->nboxes; i++)
		draw_box(cr, lay, &lay->boxes[i]);
	for (i = 0; i < lay->ntexts; i++) {
		const ecpr_fc_text_geom *t = &lay->texts[i];

		ecpr__render_text(cr, d->m, lay->style.text_color, t->s,
		    t->size, t->x, t->y, t->align, t->bold, 0);
	}
}

int
ecpr_fc_render(const ecpr_fc_layout *lay, const char *path,
    ecpr_tl_format format, double dpi, ecpr_tl_measurer *m,
    ecpr_error *err)
{
	ecpr_tl_measurer *own = NULL;
	ecpr__render_job job;
	struct fdraw d;
	int r;

	if (lay == NULL || path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "render: no layout or path");
	if (m == NULL) {
		r = ecpr_tl_measurer_new(&own, &lay->style, err);
		if (r)
			return r;
		m = own;
	}
	d.lay = lay;
	d.m = m;
	memset(&job, 0, sizeof(job));
	job.width = lay->width;
	job.height = lay->height;
	job.npages = 1;
	job.title = lay->kind == ECPR_FC_PROTOCOL ? "ECPR protocol" :
	    "ECPR eligibility flowchart";
	job.page = fc_page;
	job.ctx = &d;
	r = ecpr__render_file(&job, path, format, dpi, err);
	ecpr_tl_measurer_free(own);
	return r;
}
