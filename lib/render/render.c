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

/* An ecpr__text_fn: ecpr__render_text() with the measurer tctx. */
static void
measurer_text(void *tctx, cairo_t *cr, ecpr_tl_rgb c, const char *s,
    double size, double x, double y, int align, int bold, double maxw)
{
	ecpr__render_text(cr, tctx, c, s, size, x, y, align, bold, maxw);
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
	ecpr__tl_draw *d = ctx;
	size_t p;

	for (p = 0; p <= ECPR_TL_PAT_VLINES; p++)
		d->tiles[p] = ecpr__tl_tile_new((ecpr_tl_pattern)p);
}

static void
tl_page(cairo_t *cr, size_t page, void *ctx)
{
	ecpr__tl_draw *d = ctx;

	d->cr = cr;
	ecpr__tl_draw_page(d, page);
}

/*
 * Only after the surface is destroyed: cairo 1.16 snapshots a source
 * still in use by a live SVG surface when it is destroyed, and that copy
 * is never freed.
 */
static void
tl_end(void *ctx)
{
	ecpr__tl_draw *d = ctx;
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
	ecpr__tl_draw d;
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
	d.text = measurer_text;
	d.tctx = m;
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
