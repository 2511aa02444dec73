/*
 * render_internal.h - what the renderer's drawings share (render.c draws
 * timelines, fc_render.c flowcharts): the text machinery and writing a
 * drawing to PDF, SVG or PNG through a temporary file (never installed).
 */
#ifndef ECPR_RENDER_INTERNAL_H
#define ECPR_RENDER_INTERNAL_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "ecpr_render.h"
#include "tl_internal.h"

/*
 * Draw text s with its top-left (align 0), top-centre (1) or top-right
 * (2) at x, y in colour c; bold, and ellipsized to maxw when maxw > 0.
 */
void ecpr__render_text(cairo_t *cr, ecpr_tl_measurer *m, ecpr_tl_rgb c,
    const char *s, double size, double x, double y, int align, int bold,
    double maxw);

/*
 * A text function of ecpr__tl_draw: draw s as ecpr__render_text() does
 * (tctx is the caller's, e.g. an ecpr_tl_measurer).
 */
typedef void (*ecpr__text_fn)(void *tctx, cairo_t *cr, ecpr_tl_rgb c,
    const char *s, double size, double x, double y, int align, int bold,
    double maxw);

/* Drawing a timeline layout's pages (tl_draw.c). */
typedef struct ecpr__tl_draw {
	cairo_t *cr;
	const ecpr_tl_layout *lay;
	const ecpr_tl_style *st;
	/* the pattern overlays (ecpr__tl_tile_new()), by ecpr_tl_pattern */
	cairo_pattern_t *tiles[ECPR_TL_PAT_VLINES + 1];
	ecpr__text_fn text;
	void *tctx;
} ecpr__tl_draw;

/*
 * A pattern overlay as a small repeating vector tile: PDF and SVG then
 * hold each tile once, not every stroke.
 */
cairo_pattern_t *ecpr__tl_tile_new(ecpr_tl_pattern pat);

/* Draw page of d->lay onto d->cr (white background first). */
void ecpr__tl_draw_page(ecpr__tl_draw *d, size_t page);

/* A drawing of npages pages of width x height points. */
typedef struct ecpr__render_job {
	double width, height;
	size_t npages;
	const char *title;  /* the PDF's Title */
	/* after the surface is made, before drawing (may be NULL) */
	void (*begin)(void *ctx);
	void (*page)(cairo_t *cr, size_t page, void *ctx);
	/* after the surface is destroyed (may be NULL) */
	void (*end)(void *ctx);
	void *ctx;
} ecpr__render_job;

/*
 * Draw job to path as format (dpi for PNG), through a temporary file
 * beside it renamed at the end: on failure (ECPR_ERENDER, ECPR_EINVAL
 * for a bad dpi or several pages in SVG or PNG) no file is left.  PDF
 * dates are SOURCE_DATE_EPOCH, or 1970-01-01 when it is unset.
 */
int ecpr__render_file(const ecpr__render_job *job, const char *path,
    ecpr_tl_format format, double dpi, ecpr_error *err);

#endif
