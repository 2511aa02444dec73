/*
 * test_render.c - real cairo/pango output: PNG pixels read back, PDF
 * pages and text through poppler (pdfinfo, pdftotext, pdffonts), SVG
 * parsed with libxml2, byte-identical re-renders, no file left after a
 * failed render, CJK labels.
 */
#include "config.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cu_main.h"
#include "ecpr_render.h"
#include "tl_internal.h"
#include "tl_testutil.h"

/* n lanes like case 1 of the paper; label of lane 0 given. */
static ecpr_tl *
chart(size_t n, const char *label0)
{
	ecpr_tl *tl = NULL;
	char label[64];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "Case %zu\n51 y, M, IHD", i + 1);
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl,
		    i == 0 && label0 ? label0 : label, NULL, NULL), ECPR_OK);
		mark(tl, i, ECPR_TL_MK_CA, tmin(0));
		bar(tl, i, ECPR_TL_BAR_NO_FLOW, tmin(0), tmin(5 * MIN));
		bar(tl, i, ECPR_TL_BAR_CPR, tmin(5 * MIN), tmin(60 * MIN));
		bar(tl, i, ECPR_TL_BAR_ECMO, tmin(60 * MIN), tmin(6 * DAY));
		mark(tl, i, ECPR_TL_MK_ROSC, tmin(4 * HOUR));
		bar(tl, i, ECPR_TL_BAR_HOSPITAL, tmin(0), tday(40 * DAY));
		if (i != 1)
			mark(tl, i, ECPR_TL_MK_HOSP_DISCHARGE, tday(40 * DAY));
	}
	return tl;
}

static ecpr_tl_layout *
lay_out(ecpr_tl *tl, ecpr_tl_measurer *m, int paged, ecpr_tl_size sz)
{
	ecpr_tl_opts o = ECPR_TL_OPTS_INIT;
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_measurer *own = NULL;

	o.paged = paged;
	o.size = sz;
	if (m == NULL) {
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&own, NULL, NULL),
		    ECPR_OK);
		m = own;
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, &o,
	    ecpr_tl_pango_measure, m, NULL), ECPR_OK);
	ecpr_tl_measurer_free(own);
	return lay;
}

static char *
path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", dir, name);
	return p;
}

/* Pixel (r,g,b) of an RGB24/ARGB32 image at x, y. */
static void
pixel(cairo_surface_t *s, int x, int y, int *r, int *g, int *b)
{
	unsigned char *d = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	uint32_t v;

	memcpy(&v, d + y * stride + x * 4, 4);
	*r = (int)((v >> 16) & 0xff);
	*g = (int)((v >> 8) & 0xff);
	*b = (int)(v & 0xff);
}

/*
 * Lay tl out on one double-column page with the measurer, draw it to png
 * at dpi and read the image back.
 */
static cairo_surface_t *
png_of(ecpr_tl *tl, ecpr_tl_measurer *m, const char *png, double dpi,
    ecpr_tl_layout **lay)
{
	cairo_surface_t *img;

	*lay = lay_out(tl, m, 0, ECPR_TL_SIZE_DOUBLE);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_render(*lay, png, ECPR_TL_PNG, dpi, m,
	    NULL), ECPR_OK);
	img = cairo_image_surface_create_from_png(png);
	CU_ASSERT_EQUAL_FATAL(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	return img;
}

static void
test_png_pixels(void)
{
	ecpr_tl *tl = chart(2, NULL);
	ecpr_tl_measurer *m = NULL;
	ecpr_tl_layout *lay;
	const ecpr_tl_lane_geom *g;
	cairo_surface_t *img;
	char *dir = cu_tmpdir(), *png = path_in(dir, "c.png");
	int r, gr, b, x, y;
	double k = 144.0 / 72;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&m, NULL, NULL), ECPR_OK);
	img = png_of(tl, m, png, 144, &lay);
	/* 175 mm at 144 dpi */
	CU_ASSERT_EQUAL(cairo_image_surface_get_width(img),
	    (int)ceil(lay->width * k));
	CU_ASSERT_EQUAL(cairo_image_surface_get_height(img),
	    (int)ceil(lay->height * k));
	g = &lay->lanes[0];
	/* the middle of the ECMO bar (day 3): Okabe-Ito blue 0,114,178 */
	x = (int)(ecpr_tl_layout_x(lay, 3 * DAY) * k);
	y = (int)((g->row_y[ECPR_TL_BAR_ECMO] + 3.5) * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r == 0 && gr == 114 && b == 178);
	/* conventional CPR at 30 min: vermillion 213,94,0 */
	x = (int)(ecpr_tl_layout_x(lay, 30 * MIN) * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r == 213 && gr == 94 && b == 0);
	/* hospital stay at day 20: grey 153 */
	x = (int)(ecpr_tl_layout_x(lay, 20 * DAY) * k);
	y = (int)((g->row_y[ECPR_TL_BAR_HOSPITAL] + 1.75) * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r == 153 && gr == 153 && b == 153);
	/*
	 * the day-precision end fades: lighter than the bar, not white
	 * (lane 2 has no discharge marker over it)
	 */
	g = &lay->lanes[1];
	x = (int)((g->bars[3].x1 + g->bars[3].wx1) / 2 * k);
	y = (int)((g->row_y[ECPR_TL_BAR_HOSPITAL] + 0.6) * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r > 153 && r < 255);
	g = &lay->lanes[0];
	/* background right of the bars, in the lane: white */
	x = (int)((lay->plot_x1 - 1) * k);
	y = (int)((g->row_y[ECPR_TL_BAR_ECMO] + 3.5) * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r == 255 && gr == 255 && b == 255);
	/* the axis line is black */
	x = (int)(ecpr_tl_layout_x(lay, 10 * MIN) * k);
	y = (int)(lay->axis_y * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r < 100 && gr < 100 && b < 100);
	cairo_surface_destroy(img);
	ecpr_tl_layout_free(lay);
	ecpr_tl_measurer_free(m);
	ecpr_tl_free(tl);
	free(png);
	cu_rmtree(dir);
	free(dir);
}

/* A bar of no length leaves no mark; one of a minute does. */
static void
test_png_zero_length_bar(void)
{
	ecpr_tl *tl = NULL;
	ecpr_tl_measurer *m = NULL;
	ecpr_tl_layout *lay;
	const ecpr_tl_bar_geom *b0, *b1;
	cairo_surface_t *img;
	char *dir = cu_tmpdir(), *png = path_in(dir, "z.png");
	int r, gr, b, x, y;
	double k = 144.0 / 72;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "L", NULL,
		    NULL), ECPR_OK);
		mark(tl, i, ECPR_TL_MK_CA, tmin(0));
		bar(tl, i, ECPR_TL_BAR_CPR, tmin(0), tmin(10 * MIN));
		/* lane 0: 0 min at 33 min; lane 1: 1 min from 33 min (off
		 * the tick grid lines) */
		bar(tl, i, ECPR_TL_BAR_NO_FLOW, tmin(33 * MIN),
		    tmin((33 + (long long)i) * MIN));
		bar(tl, i, ECPR_TL_BAR_ECMO, tmin(40 * MIN), tmin(60 * MIN));
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&m, NULL, NULL), ECPR_OK);
	img = png_of(tl, m, png, 144, &lay);
	b0 = &lay->lanes[0].bars[0];
	b1 = &lay->lanes[1].bars[0];
	CU_ASSERT_EQUAL_FATAL(b0->kind, ECPR_TL_BAR_NO_FLOW);
	CU_ASSERT_EQUAL_FATAL(b1->kind, ECPR_TL_BAR_NO_FLOW);
	CU_ASSERT_DOUBLE_EQUAL(b0->x0, b0->x1, 1e-9);
	/* lane 1: the 1-min bar (at least 0.8 pt) is black (Okabe-Ito) */
	x = (int)((b1->x0 + 0.4) * k);
	y = (int)((b1->y + b1->h / 2) * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r == 0 && gr == 0 && b == 0);
	/* lane 0: white where the same bar would be */
	x = (int)((b0->x0 + 0.4) * k);
	y = (int)((b0->y + b0->h / 2) * k);
	pixel(img, x, y, &r, &gr, &b);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r == 255 && gr == 255 && b == 255);
	/* lane 1's bar puts No-flow in the legend, once */
	CU_ASSERT_EQUAL_FATAL(lay->nlegend, 4);
	CU_ASSERT_STRING_EQUAL(lay->legend[0].text, "No-flow");
	cairo_surface_destroy(img);
	ecpr_tl_layout_free(lay);
	ecpr_tl_measurer_free(m);
	ecpr_tl_free(tl);
	free(png);
	cu_rmtree(dir);
	free(dir);
}

static char *
run(const char *prog, const char *arg, const char *file)
{
	char *argv[4], *out = NULL;
	int st;

	argv[0] = (char *)(uintptr_t)prog;
	argv[1] = (char *)(uintptr_t)arg;
	argv[2] = (char *)(uintptr_t)file;
	argv[3] = NULL;
	if (arg == NULL) {
		argv[1] = argv[2];
		argv[2] = NULL;
	}
	st = cu_run_tool(argv, NULL, &out, NULL);
	CU_ASSERT_EQUAL(st, 0);
	return out;
}

static void
test_pdf_pages_text(void)
{
	ecpr_tl *tl = chart(60, "病例 1\n51 岁, 男");
	ecpr_tl_measurer *m = NULL;
	ecpr_tl_layout *lay;
	char *dir = cu_tmpdir(), *pdf = path_in(dir, "c.pdf"), *out;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&m, NULL, NULL), ECPR_OK);
	lay = lay_out(tl, m, 1, ECPR_TL_SIZE_A4);
	CU_ASSERT_EQUAL_FATAL(lay->npages, 2);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_render(lay, pdf, ECPR_TL_PDF, 0, m,
	    NULL), ECPR_OK);
	out = run("pdfinfo", NULL, pdf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Pages:           2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Title:           ECPR timeline"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "595.28 x 841.89 pts (A4)"));
	free(out);
	{
		char *txt = path_in(dir, "c.txt"), *t;

		/* pdftotext -raw c.pdf writes c.txt */
		free(run("pdftotext", "-raw", pdf));
		t = cu_read_file(txt, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		/* axis title and legend repeat on both pages */
		CU_ASSERT_EQUAL(count_str(t, "Time from cardiac arrest"), 2);
		CU_ASSERT_EQUAL(count_str(t, "Sustained ROSC"), 2);
		CU_ASSERT_EQUAL(count_str(t, "ECMO extracorporeal membrane "
		    "oxygenation"), 2);
		CU_ASSERT_EQUAL(count_str(t, "\f"), 2);
		/* the CJK label and the last lane, on page 2 */
		CU_ASSERT_PTR_NOT_NULL(strstr(t, "病例 1"));
		CU_ASSERT_PTR_NOT_NULL(strstr(strchr(t, '\f'), "Case 60"));
		CU_ASSERT_PTR_NULL(strstr(strchr(t, '\f'), "Case 2\n"));
		free(t);
		free(txt);
	}
	/* fonts embedded, CJK from Noto */
	out = run("pdffonts", NULL, pdf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "DejaVuSans"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "NotoSansCJK"));
	CU_ASSERT_EQUAL(count_str(out, " yes yes "), count_str(out, "\n") - 2);
	free(out);
	ecpr_tl_layout_free(lay);
	ecpr_tl_measurer_free(m);
	ecpr_tl_free(tl);
	free(pdf);
	cu_rmtree(dir);
	free(dir);
}

static int
count_elems(xmlNode *n, const char *name)
{
	int c = 0;

	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			c++;
		c += count_elems(n->children, name);
	}
	return c;
}

/* Parse an SVG file whose root is an svg element width wide (its
 * first digits). */
static xmlDoc *
svg_of_width(const char *svg, const char *width)
{
	xmlDoc *doc = xmlReadFile(svg, NULL, XML_PARSE_NONET);
	xmlNode *root;
	xmlChar *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	root = xmlDocGetRootElement(doc);
	CU_ASSERT_STRING_EQUAL((const char *)root->name, "svg");
	w = xmlGetProp(root, (const xmlChar *)"width");
	CU_ASSERT_PTR_NOT_NULL(w);
	CU_ASSERT_EQUAL(strncmp((const char *)w, width, strlen(width)), 0);
	xmlFree(w);
	return doc;
}

static void
test_svg(void)
{
	ecpr_tl *tl = chart(3, NULL);
	ecpr_tl_layout *lay;
	char *dir = cu_tmpdir(), *svg = path_in(dir, "c.svg");
	xmlDoc *doc;
	xmlNode *root;

	lay = lay_out(tl, NULL, 0, ECPR_TL_SIZE_SINGLE);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_render(lay, svg, ECPR_TL_SVG, 0, NULL,
	    NULL), ECPR_OK);
	/* 85 mm = 240.945 pt */
	doc = svg_of_width(svg, "240.94");
	root = xmlDocGetRootElement(doc);
	/* three lanes of filled bars and markers; glyphs for the text */
	CU_ASSERT(count_elems(root, "path") > 3 * 6);
	CU_ASSERT(count_elems(root, "linearGradient") >= 3);
	CU_ASSERT(count_elems(root, "use") > 100);
	xmlFreeDoc(doc);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
	free(svg);
	cu_rmtree(dir);
	free(dir);
}

static int
same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = cu_read_file(a, &la), *y = cu_read_file(b, &lb);
	int same = x && y && la == lb && memcmp(x, y, la) == 0;

	free(x);
	free(y);
	return same;
}

/* cairo 1.16 writes PDF dates without the "D:" prefix */
static const void *
has(const char *buf, size_t len, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(buf + i, s, n) == 0)
			return buf + i;
	return NULL;
}

/* Run ecpr-timeline on the seed cases (a fresh process, as users do). */
static int
tool_svg(const char *out)
{
	char tpl[4096], prog[] = "ecpr-timeline", o[] = "-o";
	char *argv[] = { prog, o, (char *)(uintptr_t)out, tpl, NULL };
	const char *src = getenv("ECPR_SRCDIR");

	snprintf(tpl, sizeof(tpl), "%s/templates/case-record.csv",
	    src ? src : ".");
	return cu_run_tool(argv, NULL, NULL, NULL);
}

static void
test_reproducible(void)
{
	ecpr_tl *tl = chart(4, NULL);
	ecpr_tl_layout *lay;
	char *dir = cu_tmpdir(), *a = path_in(dir, "a.pdf"),
	    *b = path_in(dir, "b.pdf"), *sa = path_in(dir, "a.svg"),
	    *sb = path_in(dir, "b.svg"), *t;
	size_t len;

	unsetenv("SOURCE_DATE_EPOCH");
	lay = lay_out(tl, NULL, 1, ECPR_TL_SIZE_DOUBLE);
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, a, ECPR_TL_PDF, 0, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, b, ECPR_TL_PDF, 0, NULL, NULL), 0);
	CU_ASSERT(same_file(a, b));
	/*
	 * cairo numbers SVG groups per process (and pango must not be used
	 * after fork): compare two runs of the tool
	 */
	CU_ASSERT_EQUAL(tool_svg(sa), 0);
	CU_ASSERT_EQUAL(tool_svg(sb), 0);
	CU_ASSERT(same_file(sa, sb));
	t = cu_read_file(a, &len);
	CU_ASSERT_PTR_NOT_NULL(has(t, len, "/CreationDate (19700101000000Z)"));
	free(t);
	/* SOURCE_DATE_EPOCH sets the dates: 2021-07-27T00:00:00Z */
	setenv("SOURCE_DATE_EPOCH", "1627344000", 1);
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, b, ECPR_TL_PDF, 0, NULL, NULL), 0);
	unsetenv("SOURCE_DATE_EPOCH");
	t = cu_read_file(b, &len);
	CU_ASSERT_PTR_NOT_NULL(has(t, len, "/CreationDate (20210727000000Z)"));
	CU_ASSERT_PTR_NOT_NULL(has(t, len, "/ModDate (20210727000000Z)"));
	free(t);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
	free(a);
	free(b);
	free(sa);
	free(sb);
	cu_rmtree(dir);
	free(dir);
}

/*
 * A measurer kept across charts and surfaces (ecpr-timeline --each) draws
 * what a fresh one draws: its remembered widths and shaped texts follow
 * a change of surface (PNG's scale) and give the same bytes back on PDF.
 */
static void
test_measurer_reused(void)
{
	ecpr_tl *tl = chart(2, NULL), *other = chart(3, "Case 9\n70 y, F");
	ecpr_tl_layout *lay, *lay2, *olay;
	ecpr_tl_measurer *m = NULL;
	char *dir = cu_tmpdir(), *a = path_in(dir, "a.pdf"),
	    *b = path_in(dir, "b.pdf"), *pa = path_in(dir, "a.png"),
	    *pb = path_in(dir, "b.png"), *o = path_in(dir, "o.pdf");
	int i;

	unsetenv("SOURCE_DATE_EPOCH");
	lay = lay_out(tl, NULL, 0, ECPR_TL_SIZE_DOUBLE);
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, a, ECPR_TL_PDF, 0, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, pa, ECPR_TL_PNG, 150, NULL, NULL),
	    0);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&m, NULL, NULL), ECPR_OK);
	for (i = 0; i < 2; i++) {
		lay2 = lay_out(tl, m, 0, ECPR_TL_SIZE_DOUBLE);
		CU_ASSERT_EQUAL(ecpr_tl_render(lay2, pb, ECPR_TL_PNG, 150, m,
		    NULL), 0);
		CU_ASSERT(same_file(pa, pb));
		CU_ASSERT_EQUAL(ecpr_tl_render(lay2, b, ECPR_TL_PDF, 0, m,
		    NULL), 0);
		CU_ASSERT(same_file(a, b));
		ecpr_tl_layout_free(lay2);
		/* another chart in between */
		olay = lay_out(other, m, 0, ECPR_TL_SIZE_SINGLE);
		CU_ASSERT_EQUAL(ecpr_tl_render(olay, o, ECPR_TL_PDF, 0, m,
		    NULL), 0);
		ecpr_tl_layout_free(olay);
	}
	ecpr_tl_measurer_free(m);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
	ecpr_tl_free(other);
	free(a);
	free(b);
	free(pa);
	free(pb);
	free(o);
	cu_rmtree(dir);
	free(dir);
}

static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/*
 * The layout owns copies of the lane labels: freeing the timeline before
 * rendering gives the same bytes as rendering with it alive (a borrowed
 * label was a use-after-free under ASan).
 */
static void
test_layout_outlives_timeline(void)
{
	ecpr_tl *tl = chart(2, "Case \u00e9\n51 y, M");
	ecpr_tl_layout *kept, *lay;
	char *dir = cu_tmpdir(), *a = path_in(dir, "a.pdf"),
	    *b = path_in(dir, "b.pdf");
	const char *label;

	unsetenv("SOURCE_DATE_EPOCH");
	kept = lay_out(tl, NULL, 1, ECPR_TL_SIZE_DOUBLE);
	lay = lay_out(tl, NULL, 1, ECPR_TL_SIZE_DOUBLE);
	CU_ASSERT_EQUAL(ecpr_tl_render(kept, a, ECPR_TL_PDF, 0, NULL, NULL),
	    ECPR_OK);
	ecpr_tl_free(tl);
	label = lay->lanes[0].label;
	CU_ASSERT_STRING_EQUAL(label, "Case \u00e9\n51 y, M");
	CU_ASSERT_STRING_EQUAL(lay->lanes[1].label, "Case 2\n51 y, M, IHD");
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, b, ECPR_TL_PDF, 0, NULL, NULL),
	    ECPR_OK);
	CU_ASSERT(same_file(a, b));
	ecpr_tl_layout_free(kept);
	ecpr_tl_layout_free(lay);
	free(a);
	free(b);
	cu_rmtree(dir);
	free(dir);
}

static void
test_failed_render(void)
{
	ecpr_tl *tl = chart(1, NULL);
	ecpr_tl_layout *lay, *paged;
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir(), *sub = path_in(dir, "out.pdf"),
	    *none = path_in(dir, "no/such/dir.pdf");

	lay = lay_out(tl, NULL, 0, ECPR_TL_SIZE_DOUBLE);
	/* the target is a directory: drawn, then the rename fails */
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, sub, ECPR_TL_PDF, 0, NULL, &err),
	    ECPR_ERENDER);
	CU_ASSERT_STRING_EQUAL(err.file, sub);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message,
	    "cannot rename the output into place"));
	CU_ASSERT_EQUAL(entries(dir), 1);
	/* a missing directory: nothing created */
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, none, ECPR_TL_PNG, 72, NULL, &err),
	    ECPR_ERENDER);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message,
	    "cannot create the output file"));
	CU_ASSERT_EQUAL(entries(dir), 1);
	/* a device is written in place, never renamed over */
	{
		struct stat st;

		CU_ASSERT_EQUAL(ecpr_tl_render(lay, "/dev/null", ECPR_TL_PNG,
				    72, NULL, &err), ECPR_OK);
		CU_ASSERT_EQUAL(stat("/dev/null", &st), 0);
		CU_ASSERT(S_ISCHR(st.st_mode));
	}
	/* a bad dpi is refused and leaves nothing */
	free(none);
	none = path_in(dir, "x.png");
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, none, ECPR_TL_PNG, 5, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(entries(dir), 1);
	ecpr_tl_layout_free(lay);
	/* SVG of a paged layout of several pages is refused */
	ecpr_tl_free(tl);
	tl = chart(80, NULL);
	paged = lay_out(tl, NULL, 1, ECPR_TL_SIZE_A4);
	CU_ASSERT(paged->npages > 1);
	CU_ASSERT_EQUAL(ecpr_tl_render(paged, sub, ECPR_TL_SVG, 0, NULL,
	    &err), ECPR_EINVAL);
	ecpr_tl_layout_free(paged);
	ecpr_tl_free(tl);
	free(sub);
	free(none);
	cu_rmtree(dir);
	free(dir);
}

/*
 * Under ASan: cairo 1.16 leaks a buffer while subsetting the CJK (CFF)
 * font when a PDF is finished.  Suppress allocations made inside
 * cairo_surface_finish (none are ours), which needs full malloc stacks.
 */
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions(void)
{
	return "leak:cairo_surface_finish\n";
}

/* A chart drawn over an existing file keeps that file's mode. */
static void
test_render_keeps_mode(void)
{
	ecpr_tl *tl = chart(1, NULL);
	ecpr_tl_layout *lay = lay_out(tl, NULL, 0, ECPR_TL_SIZE_DOUBLE);
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir(), *png = path_in(dir, "c.png");
	struct stat st;
	mode_t um = umask(022);

	CU_ASSERT_EQUAL(ecpr_tl_render(lay, png, ECPR_TL_PNG, 72, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(stat(png, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL(chmod(png, 0600), 0);
	CU_ASSERT_EQUAL(ecpr_tl_render(lay, png, ECPR_TL_PNG, 72, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(stat(png, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(entries(dir), 1);
	umask(um);
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
	free(png);
	cu_rmtree(dir);
	free(dir);
}

/* Lane 0 of chart(): complications and a lactate strip over it. */
static ecpr_tl *
marked_chart(void)
{
	ecpr_tl *tl = NULL;
	ecpr_time at;
	ecpr_value v;
	ecpr_range rg;
	static const struct {
		long long rel;
		const char *v;
	} vals[] = { { 2 * HOUR, "3.1" }, { 12 * HOUR, ">15.0" },
		{ 2 * DAY, "0.9" }, { 4 * DAY, "<0.5" } };
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_set_observation(tl,
	    ecpr_obs_lookup("lactate"), NULL, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_lane(tl, "Case 1\n51 y, M, IHD",
	    NULL, NULL), ECPR_OK);
	mark(tl, 0, ECPR_TL_MK_CA, tmin(0));
	bar(tl, 0, ECPR_TL_BAR_CPR, tmin(0), tmin(60 * MIN));
	bar(tl, 0, ECPR_TL_BAR_ECMO, tmin(60 * MIN), tmin(6 * DAY));
	at = tmin(30 * MIN);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_complication(tl, 0,
	    ecpr_complication_lookup("pulmonary_contusion"), ECPR_BY_MCC, &at,
	    NULL), ECPR_OK);
	at = tmin(3 * DAY);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_complication(tl, 0,
	    ecpr_complication_lookup("pulmonary_infection"), ECPR_BY_ECPR,
	    &at, NULL), ECPR_OK);
	at = tmin(10 * HOUR);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_complication(tl, 0,
	    ecpr_complication_lookup("stroke"), ECPR_BY_OTHER, &at, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_complication(tl, 0,
	    ecpr_complication_lookup("mods"), ECPR_BY_ECPR, NULL, NULL),
	    ECPR_OK);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		at = tmin(vals[i].rel);
		CU_ASSERT_EQUAL_FATAL(ecpr_value_parse(&v, vals[i].v, NULL),
		    ECPR_OK);
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_value(tl, 0, &at, &v, NULL),
		    ECPR_OK);
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_range_parse(&rg, "0.7-2.5", NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_set_range(tl, 0, &rg, NULL), ECPR_OK);
	return tl;
}

/* The complication of an attribution (a failure and a blank if none). */
static const ecpr_tl_comp_geom *
comp_by(const ecpr_tl_lane_geom *g, ecpr_attribution by)
{
	static const ecpr_tl_comp_geom blank;
	size_t i;

	for (i = 0; i < g->ncomps; i++)
		if (g->comps[i].by == by)
			return &g->comps[i];
	CU_FAIL("no complication of that attribution");
	return &blank;
}

/* Complication markers and the strip, where the layout put them. */
static void
test_png_marks_strip(void)
{
	ecpr_tl *tl = marked_chart();
	ecpr_tl_measurer *m = NULL;
	ecpr_tl_layout *lay;
	const ecpr_tl_lane_geom *g;
	const ecpr_tl_comp_geom *cg;
	cairo_surface_t *img;
	char *dir = cu_tmpdir(), *png = path_in(dir, "m.png");
	int r, gr, b, x, y;
	double k = 288.0 / 72;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&m, NULL, NULL), ECPR_OK);
	img = png_of(tl, m, png, 288, &lay);
	g = &lay->lanes[0];
	CU_ASSERT_EQUAL_FATAL(g->ncomps, 3);
	/* mechanical CC: a filled square in orange 230,159,0 */
	cg = comp_by(g, ECPR_BY_MCC);
	CU_ASSERT_DOUBLE_EQUAL(cg->x, ecpr_tl_layout_x(lay, 30 * MIN), 1e-6);
	pixel(img, (int)(cg->x * k), (int)(cg->y * k), &r, &gr, &b);
	CU_ASSERT(r == 230 && gr == 159 && b == 0);
	/* near its corner (a square, not a star or a hexagon): orange */
	pixel(img, (int)((cg->x - 1.6) * k), (int)((cg->y - 1.6) * k), &r,
	    &gr, &b);
	CU_ASSERT(r == 230 && gr == 159 && b == 0);
	/* ECPR: a filled star in blue 0,114,178; white between its arms */
	cg = comp_by(g, ECPR_BY_ECPR);
	CU_ASSERT_DOUBLE_EQUAL(cg->x, ecpr_tl_layout_x(lay, 3 * DAY), 1e-6);
	pixel(img, (int)(cg->x * k), (int)(cg->y * k), &r, &gr, &b);
	CU_ASSERT(r == 0 && gr == 114 && b == 178);
	pixel(img, (int)((cg->x - 2) * k), (int)((cg->y - 2.6) * k), &r, &gr,
	    &b);
	CU_ASSERT(r == 255 && gr == 255 && b == 255);
	/* other: an open hexagon, white inside, black edge */
	cg = comp_by(g, ECPR_BY_OTHER);
	pixel(img, (int)(cg->x * k), (int)(cg->y * k), &r, &gr, &b);
	CU_ASSERT(r == 255 && gr == 255 && b == 255);
	pixel(img, (int)((cg->x + 2.55) * k), (int)(cg->y * k), &r, &gr, &b);
	CU_ASSERT(r < 60 && gr < 60 && b < 60);
	/* the strip: an exact value is a filled black point */
	CU_ASSERT_EQUAL_FATAL(g->npoints, 4);
	CU_ASSERT_EQUAL(g->points[0].cmp, ECPR_CMP_EQ);
	pixel(img, (int)(g->points[0].x * k), (int)(g->points[0].y * k), &r,
	    &gr, &b);
	CU_ASSERT(r == 0 && gr == 0 && b == 0);
	/* >15.0: an open point at the top, its arrow above it */
	CU_ASSERT_EQUAL(g->points[1].cmp, ECPR_CMP_GT);
	CU_ASSERT_DOUBLE_EQUAL(g->points[1].y, g->strip_y + 3.5, 1e-6);
	x = (int)(g->points[1].x * k);
	pixel(img, x, (int)(g->points[1].y * k), &r, &gr, &b);
	CU_ASSERT(r == 255 && gr == 255 && b == 255);
	pixel(img, x, (int)((g->points[1].y - 3) * k), &r, &gr, &b);
	CU_ASSERT(r == 0 && gr == 0 && b == 0);
	pixel(img, x, (int)((g->points[1].y + 3) * k), &r, &gr, &b);
	CU_ASSERT(!(r == 0 && gr == 0 && b == 0));
	/* <0.5: open at the bottom, its arrow below */
	CU_ASSERT_EQUAL(g->points[3].cmp, ECPR_CMP_LT);
	x = (int)(g->points[3].x * k);
	pixel(img, x, (int)(g->points[3].y * k), &r, &gr, &b);
	CU_ASSERT(r == 255 && gr == 255 && b == 255);
	pixel(img, x, (int)((g->points[3].y + 3) * k), &r, &gr, &b);
	CU_ASSERT(r == 0 && gr == 0 && b == 0);
	/* the reference range band (0.7-2.5), grey 217, away from points */
	CU_ASSERT_EQUAL(g->band, 1);
	x = (int)(ecpr_tl_layout_x(lay, 4.5 * DAY) * k); /* off the grid */
	y = (int)((g->band_y0 + g->band_y1) / 2 * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r == 217 && gr == 217 && b == 217);
	/* above the band, inside the strip: white */
	y = (int)((g->strip_y + 1) * k);
	pixel(img, x, y, &r, &gr, &b);
	CU_ASSERT(r == 255 && gr == 255 && b == 255);
	cairo_surface_destroy(img);
	ecpr_tl_layout_free(lay);
	ecpr_tl_measurer_free(m);
	ecpr_tl_free(tl);
	free(png);
	cu_rmtree(dir);
	free(dir);
}

/* The labels of the markers and the strip are text in the PDF. */
static void
test_pdf_marks_strip_text(void)
{
	ecpr_tl *tl = marked_chart();
	ecpr_tl_measurer *m = NULL;
	ecpr_tl_layout *lay;
	char *dir = cu_tmpdir(), *pdf = path_in(dir, "m.pdf"),
	    *txt = path_in(dir, "m.txt"), *t;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&m, NULL, NULL), ECPR_OK);
	lay = lay_out(tl, m, 1, ECPR_TL_SIZE_DOUBLE);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_render(lay, pdf, ECPR_TL_PDF, 0, m,
	    NULL), ECPR_OK);
	free(run("pdftotext", "-raw", pdf));
	t = cu_read_file(txt, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Pulmonary contusion"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "PI"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Ischaemic stroke"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "> 15.0 mmol/L"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "< 0.5 mmol/L"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Lactate in blood (mmol/L)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Reference range"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Complication of mechanical CC"));
	/* the caption (wrapped) lists what has no time */
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Complications at unknown times: "
	    "Case 1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "MODS (ECPR). Definitions"));
	free(t);
	ecpr_tl_layout_free(lay);
	ecpr_tl_measurer_free(m);
	ecpr_tl_free(tl);
	free(pdf);
	free(txt);
	cu_rmtree(dir);
	free(dir);
}

/*
 * Episodes without complications or observations draw the same bytes as
 * before these existed: the seed cases' PNG (72 dpi) and PDF as the tool
 * drew them then (tests/data/timeline/seed-before.*).
 */
static void
test_unchanged_without_marks(void)
{
	static const char *const ext[] = { "png", "pdf" };
	char *dir = cu_tmpdir(), *out, src[4096], want[4096];
	char prog[] = "ecpr-timeline", o[] = "-o", d[] = "--dpi", n72[] = "72";
	size_t i;

	snprintf(src, sizeof(src), "%s", cu_data("timeline/seed-events.csv"));
	for (i = 0; i < 2; i++) {
		char name[16];
		char *argv[] = { prog, d, n72, o, NULL, src, NULL };

		snprintf(name, sizeof(name), "seed.%s", ext[i]);
		out = path_in(dir, name);
		argv[4] = out;
		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, NULL), 0);
		snprintf(name, sizeof(name), "seed-before.%s", ext[i]);
		snprintf(want, sizeof(want), "%s", cu_data("timeline/"));
		strncat(want, name, sizeof(want) - strlen(want) - 1);
		CU_ASSERT(same_file(out, want));
		free(out);
	}
	cu_rmtree(dir);
	free(dir);
}

/* ---- flowcharts ---- */

/* The cohort of test_flowchart.c: 100 assessed, two steps, 40 eligible. */
static ecpr_fc_layout *
fc_chart(ecpr_fc_kind kind, ecpr_tl_measurer *m)
{
	ecpr_fc *fc = NULL;
	ecpr_fc_step a = { 100, 80, 12, 8, 3, 2 }, b = { 80, 40, 40, 0, 5, 4 };
	ecpr_fc_outcome o = { 40, 20, 18, 2, 15, 21, 4 };
	ecpr_fc_opts opts = ECPR_FC_OPTS_INIT;
	ecpr_fc_layout *lay = NULL;
	ecpr_tl_measurer *own = NULL;

	CU_ASSERT_EQUAL_FATAL(ecpr_fc_new(&fc, "Eligibility for ECPR", 100,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_add_step(fc, "Mechanical chest "
	    "compression", kind == ECPR_FC_PROTOCOL ? NULL : &a, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_add_step(fc, "Pupillary light reflex "
	    "present", kind == ECPR_FC_PROTOCOL ? NULL : &b, NULL), ECPR_OK);
	if (kind == ECPR_FC_CONSORT)
		CU_ASSERT_EQUAL_FATAL(ecpr_fc_set_outcome(fc, &o, NULL),
		    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_set_source(fc, "Seed paper, Fig. 2",
	    NULL), ECPR_OK);
	if (m == NULL) {
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&own, NULL, NULL),
		    ECPR_OK);
		m = own;
	}
	opts.kind = kind;
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_layout_new(&lay, fc, &opts,
	    ecpr_tl_pango_measure, m, NULL), ECPR_OK);
	ecpr_tl_measurer_free(own);
	/* the layout keeps copies: the model may go */
	ecpr_fc_free(fc);
	return lay;
}

/* The box of kind (the first), fatal when none. */
static const ecpr_fc_box_geom *
fc_box(const ecpr_fc_layout *lay, ecpr_fc_box_kind kind)
{
	size_t i;

	for (i = 0; i < lay->nboxes; i++)
		if (lay->boxes[i].kind == kind)
			return &lay->boxes[i];
	CU_FAIL_FATAL("no such box");
	return &lay->boxes[0];
}

/*
 * PNG at 72 dpi: the start box white inside, the excluded grey (0.94),
 * the eligible tinted with ECMO flow's blue, their outlines and the
 * arrows black.
 */
#define P(v) ((int)floor(2 * (v)))

static void
test_fc_png(void)
{
	ecpr_fc_layout *lay = fc_chart(ECPR_FC_CONSORT, NULL);
	const ecpr_fc_box_geom *b;
	char *dir = cu_tmpdir(), *png = path_in(dir, "f.png");
	cairo_surface_t *img;
	int r, g, bl;

	CU_ASSERT_EQUAL_FATAL(ecpr_fc_render(lay, png, ECPR_TL_PNG, 144, NULL,
	    NULL), ECPR_OK);
	img = cairo_image_surface_create_from_png(png);
	CU_ASSERT_EQUAL_FATAL(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(cairo_image_surface_get_width(img),
	    (int)ceil(2 * ecpr_fc_layout_width(lay)));
	CU_ASSERT_EQUAL(cairo_image_surface_get_height(img),
	    (int)ceil(2 * ecpr_fc_layout_height(lay)));
	b = fc_box(lay, ECPR_FC_BOX_START);
	pixel(img, P(b->x + 2), P(b->y + 2), &r, &g, &bl);
	CU_ASSERT(r == 255 && g == 255 && bl == 255);
	/* the left side: black, 0.6 pt wide */
	pixel(img, P(b->x - 0.3), P(b->y + b->h / 2), &r, &g, &bl);
	CU_ASSERT(r < 140 && g < 140 && bl < 140);
	b = fc_box(lay, ECPR_FC_BOX_FAILED);
	pixel(img, P(b->x + 2), P(b->y + 2), &r, &g, &bl);
	CU_ASSERT(r == 240 && g == 240 && bl == 240);
	/* #0072b2 at a fifth: 0.8 + 0.2 * (0, 114, 178) / 255 */
	b = fc_box(lay, ECPR_FC_BOX_ELIGIBLE);
	pixel(img, P(b->x + 2), P(b->y + 2), &r, &g, &bl);
	CU_ASSERT(abs(r - 204) <= 1 && abs(g - 227) <= 1 &&
	    abs(bl - 240) <= 1);
	/* the first arrow's line, half way to the excluded */
	{
		const ecpr_fc_arrow_geom *a = &lay->arrows[0];

		pixel(img, P((a->x0 + a->x1) / 2), P(a->y0 - 0.3), &r, &g,
		    &bl);
		CU_ASSERT(r < 160 && g < 160 && bl < 160);
		/* its head, just before the tip */
		pixel(img, P(a->x1 - 1), P(a->y1 - 0.25), &r, &g, &bl);
		CU_ASSERT(r < 100);
		/* nothing above the line */
		pixel(img, P((a->x0 + a->x1) / 2), P(a->y0 - 4), &r, &g,
		    &bl);
		CU_ASSERT(r == 255 && g == 255 && bl == 255);
	}
	cairo_surface_destroy(img);
	ecpr_fc_layout_free(lay);
	free(png);
	cu_rmtree(dir);
	free(dir);
}

#undef P

/* PDF: its size, title and every count and reason as text. */
static void
test_fc_pdf_text(void)
{
	ecpr_fc_layout *lay = fc_chart(ECPR_FC_CONSORT, NULL);
	char *dir = cu_tmpdir(), *pdf = path_in(dir, "f.pdf"),
	    *txt = path_in(dir, "f.txt"), *out, *t, want[64];

	CU_ASSERT_EQUAL_FATAL(ecpr_fc_render(lay, pdf, ECPR_TL_PDF, 0, NULL,
	    NULL), ECPR_OK);
	out = run("pdfinfo", NULL, pdf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Pages:           1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Title:           ECPR eligibility flowchart"));
	snprintf(want, sizeof(want), "496.063 x %g pts",
	    ecpr_fc_layout_height(lay));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	free(out);
	free(run("pdftotext", "-raw", pdf));
	t = cu_read_file(txt, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Eligibility for ECPR\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Episodes assessed\nn = 100\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Excluded: n = 12\n"
	    "Not met: Mechanical chest compression\n"
	    "Survived to discharge 3, CPC 1–2 2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Unknown: n = 8\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Met: Mechanical chest compression\n"
	    "n = 80\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Excluded: n = 40\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Eligible: every criterion met\n"
	    "n = 40\nSurvived to discharge: 20/38 (52.6 %, 95 % CI "
	    "37.3–67.5),\nunknown 2\n"
	    "CPC 1–2 at discharge: 15/36 (41.7 %, 95 % CI 27.1–57.8),\n"
	    "unknown 4\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Criteria: Seed paper, Fig. 2."));
	free(t);
	out = run("pdffonts", NULL, pdf);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "DejaVuSans-Bold"));
	free(out);
	ecpr_fc_layout_free(lay);
	free(pdf);
	free(txt);
	cu_rmtree(dir);
	free(dir);
}

/* Protocol: SVG that libxml2 parses, a PDF with the questions and the
 * yes/no and no counts. */
static void
test_fc_protocol(void)
{
	ecpr_fc_layout *lay = fc_chart(ECPR_FC_PROTOCOL, NULL);
	char *dir = cu_tmpdir(), *svg = path_in(dir, "p.svg"),
	    *pdf = path_in(dir, "p.pdf"), *txt = path_in(dir, "p.txt"), *t;
	xmlDoc *doc;
	xmlNode *root;

	CU_ASSERT_EQUAL_FATAL(ecpr_fc_render(lay, svg, ECPR_TL_SVG, 0, NULL,
	    NULL), ECPR_OK);
	doc = svg_of_width(svg, "496.06");
	root = xmlDocGetRootElement(doc);
	/* 2 ends, 2 diamonds, 2 exits and 5 arrows (line and head each) */
	CU_ASSERT(count_elems(root, "path") >= 6 + 10);
	xmlFreeDoc(doc);
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_render(lay, pdf, ECPR_TL_PDF, 0, NULL,
	    NULL), ECPR_OK);
	free(run("pdftotext", "-raw", pdf));
	t = cu_read_file(txt, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Refractory cardiac arrest\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Mechanical chest"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "compression?"));
	CU_ASSERT_EQUAL(count_str(t, "No ECPR"), 2);
	CU_ASSERT_EQUAL(count_str(t, "Yes"), 2);
	CU_ASSERT_PTR_NULL(strstr(t, "n = "));
	free(t);
	{
		char *out = run("pdfinfo", NULL, pdf);

		CU_ASSERT_PTR_NOT_NULL(strstr(out,
		    "Title:           ECPR protocol"));
		free(out);
	}
	ecpr_fc_layout_free(lay);
	free(svg);
	free(pdf);
	free(txt);
	cu_rmtree(dir);
	free(dir);
}

/* The same chart twice: the same bytes; a failed render leaves
 * nothing. */
static void
test_fc_reproducible_atomic(void)
{
	ecpr_fc_layout *lay = fc_chart(ECPR_FC_CONSORT, NULL);
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir(), *a = path_in(dir, "a.pdf"),
	    *b = path_in(dir, "b.pdf"), *sub = path_in(dir, "sub.png");

	unsetenv("SOURCE_DATE_EPOCH");
	CU_ASSERT_EQUAL(ecpr_fc_render(lay, a, ECPR_TL_PDF, 0, NULL, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_fc_render(lay, b, ECPR_TL_PDF, 0, NULL, NULL),
	    ECPR_OK);
	CU_ASSERT(same_file(a, b));
	CU_ASSERT_EQUAL(entries(dir), 2);
	/* the target is a directory: drawn, the rename fails, no file */
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
	CU_ASSERT_EQUAL(ecpr_fc_render(lay, sub, ECPR_TL_PNG, 72, NULL, &err),
	    ECPR_ERENDER);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message,
	    "cannot rename the output into place"));
	CU_ASSERT_EQUAL(entries(dir), 3);
	/* a bad dpi: refused before anything is written */
	CU_ASSERT_EQUAL(ecpr_fc_render(lay, b, ECPR_TL_PNG, 5, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "dpi 5 is out of range 10-2400");
	CU_ASSERT(same_file(a, b));
	CU_ASSERT_EQUAL(entries(dir), 3);
	ecpr_fc_layout_free(lay);
	free(a);
	free(b);
	free(sub);
	cu_rmtree(dir);
	free(dir);
}

/* ---- ecpr-flowchart -o FILE.pdf|.svg|.png ---- */

/* ecpr-flowchart with args; its exit status, stderr in *err. */
#define FLOWCHART(err, ...) cu_tool(NULL, (err), "ecpr-flowchart", \
	__VA_ARGS__, NULL)

/*
 * The seven episodes of tests/data/criteria through its three criteria
 * (counted by hand in tests/core/test_flowchart.c), drawn: the counts
 * and reasons in the PDF, a PNG of the double column at 300 dpi, an SVG.
 */
static void
test_tool_drawn(void)
{
	char crit[4096], cohort[4096], *dir = cu_tmpdir(),
	    *pdf = path_in(dir, "f.pdf"), *txt = path_in(dir, "f.txt"),
	    *png = path_in(dir, "f.png"), *svg = path_in(dir, "f.svg"), *t,
	    *out;
	cairo_surface_t *img;
	xmlDoc *doc;

	snprintf(crit, sizeof(crit), "%s", cu_data("criteria/three.crit"));
	snprintf(cohort, sizeof(cohort), "%s", cu_data("criteria/cohort.csv"));
	CU_ASSERT_EQUAL_FATAL(FLOWCHART(NULL, "-c", crit, "-o", pdf, cohort),
	    0);
	free(run("pdftotext", "-raw", pdf));
	t = cu_read_file(txt, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Test criteria\n"
	    "Episodes assessed\nn = 7\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Excluded: n = 1\n"
	    "Not met: Age 75 years or less\n"
	    "Survived to discharge 1, CPC 1–2 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Unknown: n = 1\n"
	    "Not known: Age 75 years or less\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Met: Age 75 years or less\n"
	    "n = 5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Met: Shockable rhythm\nn = 4\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Not known: Flow within 60 "
	    "minutes\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Eligible: every criterion met\n"
	    "n = 2\nSurvived to discharge: 1/2 (50.0 %, 95 % CI 9.5–90.5)\n"
	    "CPC 1–2 at discharge: 1/2 (50.0 %, 95 % CI 9.5–90.5)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Criteria: Hand-made for the "
	    "tests."));
	free(t);
	/* -f png to a name without the ending; 300 dpi */
	CU_ASSERT_EQUAL(FLOWCHART(NULL, "-c", crit, "-f", "png", "-o", png,
	    cohort), 0);
	img = cairo_image_surface_create_from_png(png);
	CU_ASSERT_EQUAL_FATAL(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(cairo_image_surface_get_width(img), 2067);
	cairo_surface_destroy(img);
	/* --size single: 85 mm */
	CU_ASSERT_EQUAL(FLOWCHART(NULL, "-c", crit, "--size", "single", "-o",
	    svg, cohort), 0);
	doc = svg_of_width(svg, "240.94");
	xmlFreeDoc(doc);
	/* the same twice: the same bytes */
	CU_ASSERT_EQUAL(FLOWCHART(NULL, "-c", crit, "-o", txt, "-f", "pdf",
	    cohort), 0);
	CU_ASSERT(same_file(pdf, txt));
	out = run("pdfinfo", NULL, pdf);
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Title:           ECPR eligibility flowchart"));
	free(out);
	free(pdf);
	free(txt);
	free(png);
	free(svg);
	cu_rmtree(dir);
	free(dir);
}

/* --layout protocol: the questions, no counts, no episodes read. */
static void
test_tool_protocol(void)
{
	char crit[4096], *dir = cu_tmpdir(), *pdf = path_in(dir, "p.pdf"),
	    *txt = path_in(dir, "p.txt"), *t;

	snprintf(crit, sizeof(crit), "%s", cu_data("criteria/three.crit"));
	CU_ASSERT_EQUAL_FATAL(FLOWCHART(NULL, "-c", crit, "--layout",
	    "protocol", "-o", pdf), 0);
	free(run("pdftotext", "-raw", pdf));
	t = cu_read_file(txt, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Refractory cardiac arrest\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Shockable rhythm?"));
	CU_ASSERT_EQUAL(count_str(t, "No ECPR"), 3);
	CU_ASSERT_EQUAL(count_str(t, "Yes"), 3);
	CU_ASSERT_PTR_NULL(strstr(t, "n = "));
	free(t);
	free(pdf);
	free(txt);
	cu_rmtree(dir);
	free(dir);
}

/*
 * Usage errors (64), a bad style file (65, FILE:LINE), a rejected input
 * (65) or an output that cannot be created (73): nothing written, an
 * existing file unchanged.
 */
static void
test_tool_errors(void)
{
	char crit[4096], cohort[4096], *dir = cu_tmpdir(),
	    *pdf = path_in(dir, "f.pdf"), *bad, *style, *err = NULL,
	    *none = path_in(dir, "no/f.pdf");

	snprintf(crit, sizeof(crit), "%s", cu_data("criteria/three.crit"));
	snprintf(cohort, sizeof(cohort), "%s", cu_data("criteria/cohort.csv"));
	CU_ASSERT_EQUAL(FLOWCHART(&err, "-c", crit, "-f", "pdf", cohort), 64);
	CU_ASSERT(err && strncmp(err, "ecpr-flowchart: a drawn flowchart "
	    "needs -o FILE\nusage: ", 55) == 0);
	free(err);
	CU_ASSERT_EQUAL(FLOWCHART(&err, "-c", crit, "--layout", "protocol",
	    "-o", pdf, cohort), 64);
	CU_ASSERT(err && strstr(err, "--layout protocol reads no episodes"));
	free(err);
	CU_ASSERT_EQUAL(FLOWCHART(&err, "-c", crit, "--layout", "protocol"),
	    64);
	CU_ASSERT(err && strstr(err, "--layout protocol and --style draw"));
	free(err);
	CU_ASSERT_EQUAL(FLOWCHART(&err, "-c", crit, "--layout", "tree", "-o",
	    pdf), 64);
	CU_ASSERT(err && strstr(err, "unknown layout \"tree\" (consort or "
	    "protocol)"));
	free(err);
	CU_ASSERT_EQUAL(FLOWCHART(NULL, "-c", crit, "--dpi", "5", "-o", pdf,
	    cohort), 64);
	CU_ASSERT_EQUAL(entries(dir), 0);
	style = cu_write_file(dir, "s.style", "font_size = 8\nboxes = round\n");
	CU_ASSERT_EQUAL(FLOWCHART(&err, "-c", crit, "--style", style, "-o",
	    pdf, cohort), 65);
	CU_ASSERT(err && strstr(err, "s.style:2:") && strstr(err, "boxes"));
	free(err);
	/* an existing chart stays as it was when an input is rejected */
	CU_ASSERT_EQUAL(FLOWCHART(NULL, "-c", crit, "-o", pdf, cohort), 0);
	{
		char *before = cu_read_file(pdf, NULL), *after;

		bad = cu_write_file(dir, "bad.csv", "site,subject,episode,"
		    "age_years\nS,a,1,old\n");
		CU_ASSERT_EQUAL(FLOWCHART(&err, "-c", crit, "-o", pdf, bad),
		    65);
		CU_ASSERT(err && strstr(err, "bad.csv:2:"));
		free(err);
		after = cu_read_file(pdf, NULL);
		CU_ASSERT(before && after && strcmp(before, after) == 0);
		free(before);
		free(after);
	}
	/* bad.csv, f.pdf, s.style */
	CU_ASSERT_EQUAL(entries(dir), 3);
	CU_ASSERT_EQUAL(FLOWCHART(&err, "-c", crit, "-o", none, cohort), 73);
	CU_ASSERT(err && strstr(err, "cannot create the output file"));
	free(err);
	CU_ASSERT_EQUAL(entries(dir), 3);
	free(bad);
	free(style);
	free(pdf);
	free(none);
	cu_rmtree(dir);
	free(dir);
}

/* ---- outcome charts (ecpr_oc_render) ---- */

/* The seed cases by ca_to_flow_min laid out with the measurer's fonts. */
static ecpr_oc_layout *
oc_lay_out(const ecpr_outcome *oc, ecpr_tl_measurer *m,
    const ecpr_tl_style *st)
{
	ecpr_oc_opts o = ECPR_OC_OPTS_INIT;
	ecpr_oc_layout *lay = NULL;
	ecpr_tl_measurer *own = NULL;

	o.style = st;
	if (m == NULL) {
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&own, st, NULL),
		    ECPR_OK);
		m = own;
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_oc_layout_new(&lay, oc, &o,
	    ecpr_tl_pango_measure, m, NULL), ECPR_OK);
	ecpr_tl_measurer_free(own);
	return lay;
}

/*
 * PNG pixels: the survival point of 60-89 (2/3) in Okabe-Ito blue, the
 * CPC 1-2 point beside it in vermillion, their whiskers' ends in the
 * same colours, an empty bin white, the axis black; a style's
 * survival_color changes the point.
 */
static void
test_oc_png(void)
{
	ecpr_outcome *oc = seed_outcome("0,30,45,60,90");
	ecpr_tl_measurer *m = NULL;
	ecpr_tl_style *st = NULL;
	ecpr_oc_layout *lay;
	const ecpr_oc_point *p;
	cairo_surface_t *img;
	char *dir = cu_tmpdir(), *png = path_in(dir, "o.png");
	double k = 144.0 / 72;
	int r, g, b;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_measurer_new(&m, NULL, NULL), ECPR_OK);
	lay = oc_lay_out(oc, m, NULL);
	CU_ASSERT_EQUAL_FATAL(ecpr_oc_render(lay, png, ECPR_TL_PNG, 144, m,
	    NULL), ECPR_OK);
	img = cairo_image_surface_create_from_png(png);
	CU_ASSERT_EQUAL_FATAL(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(cairo_image_surface_get_width(img),
	    (int)ceil(lay->width * k));
	CU_ASSERT_EQUAL(cairo_image_surface_get_height(img),
	    (int)ceil(lay->height * k));
	p = &lay->bins[3].pt[0];
	pixel(img, (int)(p->x * k), (int)(p->y * k), &r, &g, &b);
	CU_ASSERT(r == 0 && g == 114 && b == 178);
	/* the whisker halfway between the point and its lower end */
	pixel(img, (int)(p->x * k), (int)((p->y + p->y_lo) / 2 * k), &r, &g,
	    &b);
	CU_ASSERT(r < 60 && g > 80 && g < 160 && b > 140);
	p = &lay->bins[3].pt[1];
	pixel(img, (int)(p->x * k), (int)(p->y * k), &r, &g, &b);
	CU_ASSERT(r == 213 && g == 94 && b == 0);
	/* 30-44 is empty: white at 50 % (off the grid lines) */
	pixel(img, (int)(lay->bins[1].x * k),
	    (int)((lay->plot_y0 + lay->plot_y1) / 2 * k), &r, &g, &b);
	CU_ASSERT(r == 255 && g == 255 && b == 255);
	/* the x axis */
	pixel(img, (int)(lay->bins[1].x * k), (int)(lay->plot_y1 * k), &r, &g,
	    &b);
	CU_ASSERT(r < 100 && g < 100 && b < 100);
	cairo_surface_destroy(img);
	ecpr_oc_layout_free(lay);
	/* a style file's colour */
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_new(&st, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_style_set(st, "survival_color", "#00ff00",
	    NULL), ECPR_OK);
	lay = oc_lay_out(oc, m, st);
	CU_ASSERT_EQUAL_FATAL(ecpr_oc_render(lay, png, ECPR_TL_PNG, 144, m,
	    NULL), ECPR_OK);
	img = cairo_image_surface_create_from_png(png);
	p = &lay->bins[4].pt[0];
	pixel(img, (int)(p->x * k), (int)(p->y * k + 1), &r, &g, &b);
	CU_ASSERT(r == 0 && g == 255 && b == 0);
	cairo_surface_destroy(img);
	ecpr_oc_layout_free(lay);
	ecpr_tl_style_free(st);
	ecpr_tl_measurer_free(m);
	ecpr_outcome_free(oc);
	free(png);
	cu_rmtree(dir);
	free(dir);
}

/*
 * PDF: one page, its title, every text as text (bins, counts, legend,
 * caption with the definitions), fonts embedded, the same bytes twice,
 * dates from SOURCE_DATE_EPOCH; SVG parsed, its width the page's.
 */
static void
test_oc_pdf_svg(void)
{
	ecpr_outcome *oc = seed_outcome("0,30,45,60,90");
	ecpr_oc_layout *lay = oc_lay_out(oc, NULL, NULL);
	char *dir = cu_tmpdir(), *pdf = path_in(dir, "o.pdf"),
	    *pdf2 = path_in(dir, "o2.pdf"), *txt = path_in(dir, "o.txt"),
	    *svg = path_in(dir, "o.svg"), *out, *t;
	xmlDoc *doc;
	xmlNode *root;
	xmlChar *w;
	size_t len;

	unsetenv("SOURCE_DATE_EPOCH");
	CU_ASSERT_EQUAL_FATAL(ecpr_oc_render(lay, pdf, ECPR_TL_PDF, 0, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_oc_render(lay, pdf2, ECPR_TL_PDF, 0, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT(same_file(pdf, pdf2));
	out = run("pdfinfo", NULL, pdf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Pages:           1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Title:           ECPR outcome by interval"));
	free(out);
	free(run("pdftotext", "-raw", pdf));
	t = cu_read_file(txt, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* the caption's lines as one */
	for (len = 0; t[len] != '\0'; len++)
		if (t[len] == '\n')
			t[len] = ' ';
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Survival and CPC 1\xe2\x80\x93" "2 "
	    "at discharge by ca_to_flow_min"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "0\xe2\x80\x93" "29"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "90+"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "ca_to_flow_min (minutes)"));
	CU_ASSERT_EQUAL(count_str(t, "2/3"), 2);
	CU_ASSERT_EQUAL(count_str(t, "0/0"), 6);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Survival to hospital discharge"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "95% Wilson interval"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "minutes from ca_onset to "
	    "ecmo_flow_start"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Definitions: ecpr-2026.1."));
	free(t);
	out = run("pdffonts", NULL, pdf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "DejaVuSans"));
	CU_ASSERT_EQUAL(count_str(out, " yes yes "), count_str(out, "\n") - 2);
	free(out);
	t = cu_read_file(pdf, &len);
	CU_ASSERT_PTR_NOT_NULL(has(t, len, "/CreationDate (19700101000000Z)"));
	free(t);
	setenv("SOURCE_DATE_EPOCH", "1627344000", 1);
	CU_ASSERT_EQUAL(ecpr_oc_render(lay, pdf2, ECPR_TL_PDF, 0, NULL, NULL),
	    ECPR_OK);
	unsetenv("SOURCE_DATE_EPOCH");
	t = cu_read_file(pdf2, &len);
	CU_ASSERT_PTR_NOT_NULL(has(t, len, "/ModDate (20210727000000Z)"));
	free(t);
	CU_ASSERT_EQUAL_FATAL(ecpr_oc_render(lay, svg, ECPR_TL_SVG, 0, NULL,
	    NULL), ECPR_OK);
	doc = xmlReadFile(svg, NULL, XML_PARSE_NONET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	root = xmlDocGetRootElement(doc);
	CU_ASSERT_STRING_EQUAL((const char *)root->name, "svg");
	w = xmlGetProp(root, (const xmlChar *)"width");
	/* 175 mm = 496.063 pt */
	CU_ASSERT_PTR_NOT_NULL(w);
	CU_ASSERT_EQUAL(strncmp((const char *)w, "496.06", 6), 0);
	xmlFree(w);
	/* four points, four whiskers, the axes; glyphs for the text */
	CU_ASSERT(count_elems(root, "path") > 8);
	CU_ASSERT(count_elems(root, "use") > 100);
	xmlFreeDoc(doc);
	ecpr_oc_layout_free(lay);
	ecpr_outcome_free(oc);
	free(pdf);
	free(pdf2);
	free(txt);
	free(svg);
	cu_rmtree(dir);
	free(dir);
}

/* A failed render leaves no file; a bad dpi is refused. */
static void
test_oc_failed_render(void)
{
	ecpr_outcome *oc = seed_outcome("0,60,90");
	ecpr_oc_layout *lay = oc_lay_out(oc, NULL, NULL);
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir(), *sub = path_in(dir, "o.pdf"),
	    *none = path_in(dir, "no/such/o.png"), *png = path_in(dir, "x.png");

	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
	CU_ASSERT_EQUAL(ecpr_oc_render(lay, sub, ECPR_TL_PDF, 0, NULL, &err),
	    ECPR_ERENDER);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message,
	    "cannot rename the output into place"));
	CU_ASSERT_EQUAL(entries(dir), 1);
	CU_ASSERT_EQUAL(ecpr_oc_render(lay, none, ECPR_TL_PNG, 72, NULL, &err),
	    ECPR_ERENDER);
	CU_ASSERT_EQUAL(entries(dir), 1);
	CU_ASSERT_EQUAL(ecpr_oc_render(lay, png, ECPR_TL_PNG, 5, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(entries(dir), 1);
	CU_ASSERT_EQUAL(ecpr_oc_render(NULL, png, ECPR_TL_PNG, 72, NULL,
	    &err), ECPR_EINVAL);
	ecpr_oc_layout_free(lay);
	ecpr_outcome_free(oc);
	free(sub);
	free(none);
	free(png);
	cu_rmtree(dir);
	free(dir);
}

static CU_TestInfo render_tests[] = {
	{ "PNG pixels", test_png_pixels },
	{ "PNG: a bar of no length draws nothing", test_png_zero_length_bar },
	{ "PDF pages, text, fonts, CJK", test_pdf_pages_text },
	{ "SVG parsed", test_svg },
	{ "byte-identical re-render", test_reproducible },
	{ "a measurer kept across charts and surfaces", test_measurer_reused },
	{ "PNG: complication markers and the strip", test_png_marks_strip },
	{ "PDF: their labels are text", test_pdf_marks_strip_text },
	{ "without them: the same bytes as before",
	    test_unchanged_without_marks },
	{ "the layout outlives its timeline", test_layout_outlives_timeline },
	{ "failed render leaves no file", test_failed_render },
	{ "a replaced chart keeps its mode", test_render_keeps_mode },
	CU_TEST_INFO_NULL
};

static CU_TestInfo fc_tests[] = {
	{ "PNG pixels of boxes and arrows", test_fc_png },
	{ "PDF: size, title, counts and reasons as text", test_fc_pdf_text },
	{ "protocol: SVG parsed, questions in the PDF", test_fc_protocol },
	{ "byte-identical re-render, failed render leaves nothing",
	  test_fc_reproducible_atomic },
	{ "ecpr-flowchart -o FILE.pdf, .png, .svg", test_tool_drawn },
	{ "ecpr-flowchart --layout protocol", test_tool_protocol },
	{ "ecpr-flowchart: errors leave nothing written", test_tool_errors },
	CU_TEST_INFO_NULL
};

static CU_TestInfo oc_render_tests[] = {
	{ "PNG pixels, a style's colour", test_oc_png },
	{ "PDF text and fonts, same bytes, SVG", test_oc_pdf_svg },
	{ "failed render leaves no file", test_oc_failed_render },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ "render", NULL, NULL, NULL, NULL, render_tests },
	{ "flowchart render", NULL, NULL, NULL, NULL, fc_tests },
	{ "outcome chart render", NULL, NULL, NULL, NULL, oc_render_tests },
	CU_SUITE_INFO_NULL
};

/* Whether the process runs one thread only (Linux: /proc/self/task). */
static int
single_threaded(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n == 1;
}

int
main(void)
{
	int r = cu_run(suites);

	/*
	 * cairo's font and pattern caches, so that LeakSanitizer sees a font
	 * we leaked (the caches would keep it reachable).  Only when nothing
	 * may still hold a font, else cairo aborts on its live cache entries
	 * and hides the run's result: after a clean run, and with no thread
	 * but this one (a worker of pango's, loading fontconfig's
	 * configuration, keeps its font map until it ends).
	 */
	if (r == 0 && single_threaded())
		cairo_debug_reset_static_data();
	return r;
}
