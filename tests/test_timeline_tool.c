/*
 * test_timeline_tool.c - episodes to lanes (the paper's four cases from
 * templates/case-record.csv), the style file, and the ecpr-timeline tool.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cu_main.h"
#include "ecpr.h"
#include "ecpr_timeline.h"

static char *
template_path(void)
{
	const char *src = getenv("ECPR_SRCDIR");
	char *p = malloc(4096);

	snprintf(p, 4096, "%s/templates/case-record.csv", src ? src : ".");
	return p;
}

static ecpr_timeline *
read_seed(void)
{
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_source *src = NULL;
	ecpr_timeline *tl = NULL;
	ecpr_episode *ep = NULL;
	char *path = template_path();

	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &ro, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_add_file(src, path, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_timeline_new(&tl, NULL), ECPR_OK);
	for (;;) {
		CU_ASSERT_EQUAL_FATAL(ecpr_source_next(src, &ep, NULL),
		    ECPR_OK);
		if (ep == NULL)
			break;
		CU_ASSERT_EQUAL(ecpr_timeline_add_episode(tl, ep, NULL),
		    ECPR_OK);
		ecpr_episode_free(ep);
	}
	ecpr_source_free(src);
	free(path);
	return tl;
}

static size_t
n_bars(const ecpr_tl_lane_geom *g, ecpr_tl_bar kind)
{
	size_t i, n = 0;

	for (i = 0; i < g->nbars; i++)
		n += g->bars[i].kind == kind;
	return n;
}

static const ecpr_tl_marker_geom *
find_mark(const ecpr_tl_lane_geom *g, ecpr_tl_marker kind)
{
	size_t i;

	for (i = 0; i < g->nmarkers; i++)
		if (g->markers[i].kind == kind)
			return &g->markers[i];
	return NULL;
}

static void
test_seed_lanes(void)
{
	ecpr_timeline *tl = read_seed();
	ecpr_tl_layout *lay = NULL;
	const ecpr_tl_lane_geom *g;
	const ecpr_tl_bar_geom *b;
	const ecpr_tl_marker_geom *death;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_timeline_lane_count(tl), 4);
	CU_ASSERT_EQUAL_FATAL(ecpr_timeline_layout(&lay, tl, NULL, NULL, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(lay->lanes[0].label, "case1\n47 y, M, IHD");
	CU_ASSERT_STRING_EQUAL(lay->lanes[3].label, "case4\n94 y, F, COPD");
	g = &lay->lanes[0];
	/* case 1: every phase of the resuscitation and all support */
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_NO_FLOW), 1);
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_CPR), 1);
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_MCC), 1);
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_ECMO), 1);
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_IABP), 1);
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_CRRT), 1);
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_MV), 1);
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_ICU), 1);
	CU_ASSERT_EQUAL(n_bars(g, ECPR_TL_BAR_HOSPITAL), 1);
	CU_ASSERT_PTR_NOT_NULL(find_mark(g, ECPR_TL_MK_CA));
	CU_ASSERT_PTR_NOT_NULL(find_mark(g, ECPR_TL_MK_ROSC_TRANSIENT));
	CU_ASSERT_PTR_NOT_NULL(find_mark(g, ECPR_TL_MK_REARREST));
	CU_ASSERT_PTR_NOT_NULL(find_mark(g, ECPR_TL_MK_ROSC));
	CU_ASSERT_PTR_NOT_NULL(find_mark(g, ECPR_TL_MK_PCI));
	CU_ASSERT_PTR_NOT_NULL(find_mark(g, ECPR_TL_MK_ECMO_WEAN));
	CU_ASSERT_PTR_NOT_NULL(find_mark(g, ECPR_TL_MK_ICU_DISCHARGE));
	CU_ASSERT_PTR_NOT_NULL(find_mark(g, ECPR_TL_MK_HOSP_DISCHARGE));
	CU_ASSERT_PTR_NULL(find_mark(g, ECPR_TL_MK_DEATH));
	/* MCC 08:55..09:57: 15 to 77 min after the arrest at 08:40 */
	for (i = 0; i < g->nbars; i++) {
		b = &g->bars[i];
		if (b->kind == ECPR_TL_BAR_MCC) {
			CU_ASSERT_DOUBLE_EQUAL(b->x0,
			    ecpr_tl_layout_x(lay, 15 * 60), 1e-6);
			CU_ASSERT_DOUBLE_EQUAL(b->x1,
			    ecpr_tl_layout_x(lay, 77 * 60), 1e-6);
		}
		/* CRRT has no stop: open, fading to the lane's end */
		if (b->kind == ECPR_TL_BAR_CRRT)
			CU_ASSERT_EQUAL(b->open, 1);
	}
	/* case 4 died on 2022-02-09 11:00, 25 d 19 h 40 min after CA */
	g = &lay->lanes[3];
	death = find_mark(g, ECPR_TL_MK_DEATH);
	if (death == NULL) {
		CU_FAIL("case 4 has no death marker");
		goto out;
	}
	CU_ASSERT_DOUBLE_EQUAL(death->x,
	    ecpr_tl_layout_x(lay, 25 * 86400 + 19 * 3600 + 40 * 60), 1e-6);
	/* its ICU stay (admitted before the arrest) ends at death, clipped */
	for (i = 0; i < g->nbars; i++)
		if (g->bars[i].kind == ECPR_TL_BAR_ICU) {
			CU_ASSERT_EQUAL(g->bars[i].clipped, 1);
			CU_ASSERT_DOUBLE_EQUAL(g->bars[i].x1,
			    death->x, 1e-6);
		}
	/* hospital discharge of case 1 on day 86 -> days axis to 90 */
	CU_ASSERT_EQUAL_FATAL(lay->nsegs, 3);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[2].t1, 90 * 86400.0, 1e-6);
out:
	ecpr_tl_layout_free(lay);
	ecpr_timeline_free(tl);
}

static void
test_style_file(void)
{
	ecpr_tl_style st;
	ecpr_error err = ECPR_ERROR_INIT;
	char path[4096];
	const char *src = getenv("ECPR_SRCDIR");

	ecpr_tl_style_init(&st);
	snprintf(path, sizeof(path), "%s/templates/timeline.style",
	    src ? src : ".");
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_load(&st, path, &err), ECPR_OK);
	CU_ASSERT_DOUBLE_EQUAL(st.font_size, 7, 1e-9);
	CU_ASSERT_EQUAL(st.show_track[ECPR_TL_TRACK_SUPPORT], 1);
	CU_ASSERT_DOUBLE_EQUAL(st.bar_color[ECPR_TL_BAR_ECMO].g, 114 / 255.0,
	    1e-9);
	CU_ASSERT_EQUAL(st.bar_pattern[ECPR_TL_BAR_MCC], ECPR_TL_PAT_HATCH);
	/* errors name file, line, key and value; the style is unchanged */
	CU_ASSERT_EQUAL(ecpr_tl_style_load(&st, cu_data("timeline/bad.style"),
	    &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_STRING_EQUAL(err.message, "key \"font_size\": value \"huge\" "
	    "is not a number of points in range");
	CU_ASSERT_DOUBLE_EQUAL(st.font_size, 7, 1e-9);
	CU_ASSERT_EQUAL(ecpr_tl_style_load(&st,
	    cu_data("timeline/unknown.style"), &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "unknown key \"unknown_key\" (value \"3\")");
	CU_ASSERT_EQUAL(ecpr_tl_style_load(&st, "/nonexistent.style", &err),
	    ECPR_EIO);
}

static int
tool(const char *a1, const char *a2, const char *a3, const char *a4,
    char **out, char **err)
{
	char prog[] = "ecpr-timeline";
	char *argv[] = { prog, (char *)(uintptr_t)a1,
		(char *)(uintptr_t)a2, (char *)(uintptr_t)a3,
		(char *)(uintptr_t)a4, NULL };

	return cu_run_tool(argv, NULL, out, err);
}

static void
test_tool_options(void)
{
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(tool("--help", NULL, NULL, NULL, &out, &err), 0);
	CU_ASSERT_EQUAL(strncmp(out, "usage: ecpr-timeline ", 21), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tool("--version", NULL, NULL, NULL, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "ecpr-timeline (ecprkit) "
	    ECPR_VERSION_STRING "\n");
	free(out);
	CU_ASSERT_EQUAL(tool("--bogus", "x.csv", NULL, NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option \"--bogus\""));
	free(err);
	CU_ASSERT_EQUAL(tool("--size", "a5", "x.csv", NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown size \"a5\""));
	free(err);
	CU_ASSERT_EQUAL(tool("-o", "x.gif", "x.csv", NULL, NULL, &err), 64);
	free(err);
	CU_ASSERT_EQUAL(tool("--dpi", "0", "x.csv", NULL, NULL, &err), 64);
	free(err);
	CU_ASSERT_EQUAL(tool("-o", "x.pdf", NULL, NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no case-record file given"));
	free(err);
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

static void
test_tool_runs(void)
{
	char *dir = cu_tmpdir(), *tpl = template_path(), pdf[4200],
	    svg[4200], txt[4200], *err = NULL, *t;
	char bad[4200], style[4200];
	struct stat sb;

	snprintf(pdf, sizeof(pdf), "%s/seed.pdf", dir);
	snprintf(svg, sizeof(svg), "%s/seed.svg", dir);
	snprintf(txt, sizeof(txt), "%s/seed.txt", dir);
	CU_ASSERT_EQUAL(tool("-o", pdf, tpl, NULL, NULL, &err), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	{
		char p[] = "/usr/bin/pdftotext", raw[] = "-raw";
		char *argv[] = { p, raw, pdf, txt, NULL };

		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, NULL), 0);
	}
	t = cu_read_file(txt, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "case1\n47 y, M, IHD"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "case4\n94 y, F, COPD"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Death"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Transient ROSC"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "PCI percutaneous coronary "
	    "intervention"));
	free(t);
	CU_ASSERT_EQUAL(tool("--format", "svg", "-o", svg, NULL, &err), 64);
	free(err);
	CU_ASSERT_EQUAL(tool("-o", svg, tpl, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(stat(svg, &sb), 0);
	CU_ASSERT_EQUAL(entries(dir), 3);
	/* a bad date: FILE:LINE, exit 65, no chart */
	snprintf(bad, sizeof(bad), "%s/bad.pdf", dir);
	CU_ASSERT_EQUAL(tool("-o", bad, cu_data("timeline/bad-date.csv"),
	    NULL, NULL, &err), 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad-date.csv:3: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "2021-02-30"));
	free(err);
	CU_ASSERT_EQUAL(entries(dir), 3);
	/* a bad style file: exit 65 naming line, key and value */
	snprintf(style, sizeof(style), "%s", cu_data("timeline/bad.style"));
	CU_ASSERT_EQUAL(tool("--style", style, "-o", bad, NULL, &err), 64);
	free(err);
	{
		char p[] = "ecpr-timeline", so[] = "--style", o[] = "-o";
		char *argv[] = { p, so, style, o, bad, tpl, NULL };

		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, &err), 65);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.style:3: key "
		    "\"font_size\": value \"huge\""));
		free(err);
	}
	/* cannot write: exit 73, nothing left */
	CU_ASSERT_EQUAL(tool("-o", "/nonexistent-dir/x.pdf", tpl, NULL, NULL,
	    &err), 73);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot create the output file"));
	free(err);
	CU_ASSERT_EQUAL(entries(dir), 3);
	free(tpl);
	cu_rmtree(dir);
	free(dir);
}

static CU_TestInfo tool_tests[] = {
	{ "the paper's cases as lanes", test_seed_lanes },
	{ "style file", test_style_file },
	{ "tool options", test_tool_options },
	{ "tool runs", test_tool_runs },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ "timeline tool", NULL, NULL, NULL, NULL, tool_tests },
	CU_SUITE_INFO_NULL
};

int
main(void)
{
	return cu_run(suites);
}
