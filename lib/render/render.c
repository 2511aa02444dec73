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

/* remembered widths and drawn layouts: sets of CACHE_WAYS entries */
#define MCACHE 2048
#define DCACHE 512
#define CACHE_WAYS 4

/* A remembered width. */
struct mcache {
	char *text;
	double size;
	double width;
};

/*
 * A drawn text's layout, shaped once and drawn again by every chart that
 * draws the same text in the same font, size and width.
 */
struct dcache {
	char *text;
	double size, maxw;
	int bold;
	PangoLayout *layout;
	double width;            /* its logical width */
};

/* Text machinery shared by measuring and drawing. */
struct ecpr_tl_measurer {
	struct mcache cache[MCACHE];
	struct dcache drawn[DCACHE];
	unsigned evict;          /* turns the way a full set gives up */
	/* what pango_cairo_update_context() was last given */
	int updated;
	cairo_matrix_t matrix;
	cairo_font_options_t *surface_fo, *scratch_fo;
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
	m->surface_fo = cairo_font_options_create();
	m->scratch_fo = cairo_font_options_create();
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
	for (i = 0; i < DCACHE; i++) {
		free(m->drawn[i].text);
		if (m->drawn[i].layout != NULL)
			g_object_unref(m->drawn[i].layout);
	}
	if (m->font != NULL)
		pango_font_description_free(m->font);
	cairo_font_options_destroy(m->surface_fo);
	cairo_font_options_destroy(m->scratch_fo);
	if (m->layout != NULL)
		g_object_unref(m->layout);
	if (m->ctx != NULL)
		g_object_unref(m->ctx);
	if (m->fontmap != NULL)
		g_object_unref(m->fontmap);
	free(m);
}

/*
 * The cache slot key of a text at a size: FNV-1a, mixed at the end (a
 * slot is the key's low bits, and short texts such as tick labels "1"
 * and "98" met in the same slot with the bare multiply-by-33 hash).
 */
static unsigned long
text_hash(const char *text, double size)
{
	unsigned long long h = 14695981039346656037ULL;
	const char *p;

	for (p = text; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ (unsigned long long)(size * 64)) * 1099511628211ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return (unsigned long)(h ^ (h >> 32));
}

/* Set layout l to draw text as ecpr__render_text() draws it. */
static void
set_draw_text(struct ecpr_tl_measurer *m, PangoLayout *l, const char *text,
    double size, int bold, double maxw)
{
	pango_font_description_set_absolute_size(m->font, size * PANGO_SCALE);
	pango_font_description_set_weight(m->font, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, m->font);
	if (maxw > 0) {
		pango_layout_set_width(l, (int)(maxw * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	} else {
		pango_layout_set_width(l, -1);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
	}
	pango_layout_set_text(l, text, -1);
}

/*
 * The layout drawing text (and its logical width in *w): a remembered
 * one (tick labels, unit names, legend and caption recur from chart to
 * chart), else the shared one set anew.
 */
static PangoLayout *
drawn_layout(struct ecpr_tl_measurer *m, const char *text, double size,
    int bold, double maxw, double *w)
{
	size_t set = (text_hash(text, size) + (unsigned)bold) %
	    (DCACHE / CACHE_WAYS) * CACHE_WAYS, i;
	struct dcache *e = NULL;
	PangoRectangle logical;
	PangoLayout *l = m->layout;
	char *copy;

	for (i = set; i < set + CACHE_WAYS; i++) {
		if (m->drawn[i].layout == NULL) {
			e = &m->drawn[i];
			continue;
		}
		if (m->drawn[i].size == size && m->drawn[i].bold == bold &&
		    m->drawn[i].maxw == maxw &&
		    strcmp(m->drawn[i].text, text) == 0) {
			*w = m->drawn[i].width;
			return m->drawn[i].layout;
		}
	}
	if (e == NULL)
		e = &m->drawn[set + m->evict++ % CACHE_WAYS];
	if ((copy = strdup(text)) != NULL) {
		if (e->layout == NULL)
			e->layout = pango_layout_new(m->ctx);
		free(e->text);
		e->text = copy;
		e->size = size;
		e->bold = bold;
		e->maxw = maxw;
		l = e->layout;
	}
	set_draw_text(m, l, text, size, bold, maxw);
	pango_layout_get_extents(l, NULL, &logical);
	*w = (double)logical.width / PANGO_SCALE;
	if (l != m->layout)
		e->width = *w;
	return l;
}

double
ecpr_tl_pango_measure(const char *text, double size, void *measurer)
{
	struct ecpr_tl_measurer *m = measurer;
	size_t set = text_hash(text, size) % (MCACHE / CACHE_WAYS) *
	    CACHE_WAYS, i;
	PangoRectangle ink, logical;
	struct mcache *e = NULL;
	double w;

	/* tick labels, legend and caption words recur from chart to chart */
	for (i = set; i < set + CACHE_WAYS; i++) {
		if (m->cache[i].text == NULL)
			e = &m->cache[i];
		else if (m->cache[i].size == size &&
		    strcmp(m->cache[i].text, text) == 0)
			return m->cache[i].width;
	}
	if (e == NULL)
		e = &m->cache[set + m->evict++ % CACHE_WAYS];
	set_draw_text(m, m->layout, text, size, 0, 0);
	pango_layout_get_extents(m->layout, &ink, &logical);
	w = (double)logical.width / PANGO_SCALE;
	free(e->text);
	e->text = strdup(text);
	e->size = size;
	e->width = w;
	return w;
}

/* ---------------------------------------------------------------- */

/*
 * pango_cairo_update_context() for cr, only when its matrix or its
 * surface's font options differ from the last call's: pango counts
 * every call as a change of the context, after which each layout is
 * shaped anew, the remembered ones too (and it was called for every
 * text drawn).
 */
static void
update_context(struct ecpr_tl_measurer *m, cairo_t *cr)
{
	cairo_font_options_t *t;
	cairo_matrix_t mx;

	cairo_get_matrix(cr, &mx);
	cairo_surface_get_font_options(cairo_get_target(cr), m->scratch_fo);
	if (m->updated && memcmp(&mx, &m->matrix, sizeof(mx)) == 0 &&
	    cairo_font_options_equal(m->scratch_fo, m->surface_fo))
		return;
	pango_cairo_update_context(cr, m->ctx);
	m->updated = 1;
	m->matrix = mx;
	t = m->surface_fo;
	m->surface_fo = m->scratch_fo;
	m->scratch_fo = t;
}

void
ecpr__render_text(cairo_t *cr, ecpr_tl_measurer *m, ecpr_tl_rgb c,
    const char *s, double size, double x, double y, int align, int bold,
    double maxw)
{
	PangoLayout *l;
	double w;

	update_context(m, cr);
	l = drawn_layout(m, s, size, bold, maxw, &w);
	if (align == 1)
		x -= w / 2;
	else if (align == 2)
		x -= w;
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
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
