/*
 * ecpr_render.h - draw timeline and flowchart layouts with cairo and pango
 *
 * The renderer of libecpr-render (the only part of ecprkit that links
 * cairo and pango): text measuring with the fonts it draws with, and
 * ecpr_tl_render() and ecpr_fc_render() to PDF, SVG or PNG.  The
 * layouts themselves are libecpr-timeline's (ecpr_timeline.h).
 */
#ifndef ECPR_RENDER_H
#define ECPR_RENDER_H

#include "ecpr_timeline.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- */
/* Rendering                                                          */
/* ---------------------------------------------------------------- */

typedef enum ecpr_tl_format {
	ECPR_TL_PDF = 0,
	ECPR_TL_SVG,
	ECPR_TL_PNG
} ecpr_tl_format;

/** "pdf", "svg", "png" (or a path ending in one); -1 when unknown. */
int ecpr_tl_format_lookup(const char *name);

/*
 * Text measuring with pango (the fonts the renderer will use).  Create
 * one, pass ecpr_tl_pango_measure and it to ecpr_tl_layout_new() and
 * the same measurer to ecpr_tl_render(); reuse it for many charts.
 */
typedef struct ecpr_tl_measurer ecpr_tl_measurer;

int ecpr_tl_measurer_new(ecpr_tl_measurer **out, const ecpr_tl_style *style,
    ecpr_error *err);
void ecpr_tl_measurer_free(ecpr_tl_measurer *m);
/** An ecpr_tl_measure_fn; ctx is an ecpr_tl_measurer. */
double ecpr_tl_pango_measure(const char *text, double size, void *ctx);

/**
 * Draw a layout to path, through a temporary file beside it renamed at
 * the end: on failure (ECPR_ERENDER) no file is left.  dpi applies to
 * PNG.  SVG and PNG need a layout of one page (opts.paged = 0).  PDF
 * and SVG carry no timestamps: the PDF dates are SOURCE_DATE_EPOCH, or
 * 1970-01-01 when it is unset, so the same input gives the same bytes.
 * m may be NULL (a measurer is made for the call).
 */
int ecpr_tl_render(const ecpr_tl_layout *lay, const char *path,
    ecpr_tl_format format, double dpi, ecpr_tl_measurer *m,
    ecpr_error *err);

/**
 * Draw a flowchart's layout (ecpr_fc_layout_new()) as ecpr_tl_render()
 * draws a timeline: one page, through a temporary file renamed at the
 * end (on failure, ECPR_ERENDER, no file is left), PDF dates from
 * SOURCE_DATE_EPOCH, dpi for PNG, m NULL: a measurer for the call.
 */
int ecpr_fc_render(const ecpr_fc_layout *lay, const char *path,
    ecpr_tl_format format, double dpi, ecpr_tl_measurer *m,
    ecpr_error *err);

/**
 * Draw an outcome chart's layout (ecpr_oc_layout_new()) as
 * ecpr_tl_render() draws a timeline: one page, through a temporary file
 * renamed at the end (on failure, ECPR_ERENDER, no file is left), PDF
 * dates from SOURCE_DATE_EPOCH, dpi for PNG, m NULL: a measurer for the
 * call.
 */
int ecpr_oc_render(const ecpr_oc_layout *lay, const char *path,
    ecpr_tl_format format, double dpi, ecpr_tl_measurer *m,
    ecpr_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ECPR_RENDER_H */
