/*
 * timeline-bare.c - the anchor of bench-timeline: one PDF per episode of
 * a case-record file, drawn with plain cairo and pango calls.  It reads
 * the episodes and lays each chart out with libecpr and libecpr-timeline
 * (as ecpr-timeline does) and draws the same boxes, lines, patterns and
 * texts with the same fonts and PDF metadata: the shapes with the
 * renderer's own plain-cairo drawing (lib/render/tl_draw.c, built into
 * this program), the texts with pango, but nothing else of the renderer
 * (no measurer, no temporary file, no error reporting beyond the exit
 * code): one pango font map, context and layout for the process,
 * cairo_pdf_surface_create() on the final path.
 *
 * timeline-bare OUTDIR FILE.csv
 *   writes OUTDIR/SITE_SUBJECT_EPISODE.pdf, the names ecpr-timeline
 *   --each -o OUTDIR/%s.pdf gives
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "ecpr.h"
#include "render_internal.h"

static PangoContext *ctx;
static PangoLayout *playout;
static PangoFontDescription *font;

static void
set_text(const char *s, double size, int bold)
{
	pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
	pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(playout, font);
	pango_layout_set_width(playout, -1);
	pango_layout_set_text(playout, s, -1);
}

/*
 * Widths for the layout, remembered by text and size (tick labels and
 * legend words recur from chart to chart).
 */
#define NCACHE 512
static struct {
	char *text;
	double size, width;
} cache[NCACHE];

static double
measure(const char *s, double size, void *unused)
{
	PangoRectangle logical;
	unsigned long h = 5381;
	const char *p;
	size_t i;

	(void)unused;
	for (p = s; *p != '\0'; p++)
		h = h * 33 + (unsigned char)*p;
	i = (h + (unsigned long)(size * 64)) % NCACHE;
	if (cache[i].text != NULL && cache[i].size == size &&
	    strcmp(cache[i].text, s) == 0)
		return cache[i].width;
	set_text(s, size, 0);
	pango_layout_get_extents(playout, NULL, &logical);
	free(cache[i].text);
	cache[i].text = strdup(s);
	cache[i].size = size;
	cache[i].width = (double)logical.width / PANGO_SCALE;
	return cache[i].width;
}

/* An ecpr__text_fn: the text's top-left, top-centre or top-right at x, y. */
static void
text(void *unused, cairo_t *cr, ecpr_tl_rgb c, const char *s, double size,
    double x, double y, int align, int bold, double maxw)
{
	PangoRectangle logical;
	double w;

	(void)unused;
	set_text(s, size, bold);
	if (maxw > 0) {
		pango_layout_set_width(playout, (int)(maxw * PANGO_SCALE));
		pango_layout_set_ellipsize(playout, PANGO_ELLIPSIZE_END);
	} else {
		pango_layout_set_ellipsize(playout, PANGO_ELLIPSIZE_NONE);
	}
	pango_layout_get_extents(playout, NULL, &logical);
	w = (double)logical.width / PANGO_SCALE;
	if (align == 1)
		x -= w / 2;
	else if (align == 2)
		x -= w;
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, playout);
}

/* SITE_SUBJECT_EPISODE with what is not [A-Za-z0-9.-] made '_'. */
static void
episode_name(char *name, size_t len, const ecpr_episode *ep)
{
	char *p;

	snprintf(name, len, "%s_%s_%ld", ecpr_episode_site(ep),
	    ecpr_episode_subject(ep), ecpr_episode_number(ep));
	for (p = name; *p != '\0'; p++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-.", *p) == NULL)
			*p = '_';
}

int
main(int argc, char **argv)
{
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_tl_opts opts = ECPR_TL_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episodes *es = NULL;
	ecpr_episode *ep;
	PangoFontMap *fm;
	cairo_font_options_t *fo;
	ecpr__tl_draw d;
	char name[512], path[4096];
	size_t p;
	int rc = 0;

	if (argc != 3) {
		fputs("usage: timeline-bare OUTDIR FILE.csv\n", stderr);
		return 64;
	}
	fm = pango_cairo_font_map_new();
	ctx = pango_font_map_create_context(fm);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	playout = pango_layout_new(ctx);
	font = pango_font_description_from_string(ECPR_TL_DEFAULT_FONT);
	memset(&d, 0, sizeof(d));
	d.text = text;
	for (p = 0; p <= ECPR_TL_PAT_VLINES; p++)
		d.tiles[p] = ecpr__tl_tile_new((ecpr_tl_pattern)p);
	if (ecpr_episodes_open_files(&es, &ro, NULL, &err) != ECPR_OK ||
	    ecpr_episodes_add_file(es, argv[2], &err) != ECPR_OK) {
		fprintf(stderr, "timeline-bare: %s\n", err.message);
		return 66;
	}
	while (rc == 0 && ecpr_episodes_next(es, &ep, &err) == ECPR_OK &&
	    ep != NULL) {
		ecpr_tl *tl = NULL;
		ecpr_tl_layout *lay = NULL;
		cairo_surface_t *s;

		episode_name(name, sizeof(name), ep);
		snprintf(path, sizeof(path), "%s/%s.pdf", argv[1], name);
		if (ecpr_tl_new(&tl, &err) != ECPR_OK ||
		    ecpr_tl_add_episode(tl, ep, &err) != ECPR_OK ||
		    ecpr_tl_layout_new(&lay, tl, &opts, measure, NULL, &err) !=
		    ECPR_OK) {
			fprintf(stderr, "timeline-bare: %s\n", err.message);
			rc = 65;
		} else {
			s = cairo_pdf_surface_create(path, lay->width,
			    lay->height);
			cairo_pdf_surface_set_metadata(s,
			    CAIRO_PDF_METADATA_CREATE_DATE,
			    "1970-01-01T00:00:00Z");
			cairo_pdf_surface_set_metadata(s,
			    CAIRO_PDF_METADATA_MOD_DATE, "1970-01-01T00:00:00Z");
			cairo_pdf_surface_set_metadata(s,
			    CAIRO_PDF_METADATA_TITLE, "ECPR timeline");
			cairo_pdf_surface_set_metadata(s,
			    CAIRO_PDF_METADATA_CREATOR,
			    "ecprkit " PACKAGE_VERSION);
			d.cr = cairo_create(s);
			d.lay = lay;
			d.st = &lay->style;
			pango_cairo_update_context(d.cr, ctx);
			for (p = 0; p < lay->npages; p++) {
				ecpr__tl_draw_page(&d, p);
				cairo_show_page(d.cr);
			}
			cairo_destroy(d.cr);
			cairo_surface_finish(s);
			if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
				rc = 73;
			cairo_surface_destroy(s);
		}
		ecpr_tl_layout_free(lay);
		ecpr_tl_free(tl);
		ecpr_episode_free(ep);
	}
	for (p = 0; p <= ECPR_TL_PAT_VLINES; p++)
		cairo_pattern_destroy(d.tiles[p]);
	for (p = 0; p < NCACHE; p++)
		free(cache[p].text);
	ecpr_episodes_free(es);
	pango_font_description_free(font);
	g_object_unref(playout);
	g_object_unref(ctx);
	g_object_unref(fm);
	return rc;
}
