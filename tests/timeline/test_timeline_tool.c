/*
 * test_timeline_tool.c - episodes to lanes (the paper's four cases from
 * templates/case-record.csv), the style file, and the ecpr-timeline tool,
 * also reading a real throwaway registry (--db).
 */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cu_main.h"
#include "ecpr.h"
#include "ecpr_timeline.h"
#include "tl_internal.h"
#include "pg_harness.h"
#include "tl_testutil.h"

static char *
template_path(void)
{
	const char *src = getenv("ECPR_SRCDIR");
	char *p = malloc(4096);

	snprintf(p, 4096, "%s/templates/case-record.csv", src ? src : ".");
	return p;
}

static ecpr_tl *
read_seed(void)
{
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_source *src = NULL;
	ecpr_tl *tl = NULL;
	ecpr_episode *ep = NULL;
	char *path = template_path();

	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &ro, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_add_file(src, path, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	for (;;) {
		CU_ASSERT_EQUAL_FATAL(ecpr_source_next(src, &ep, NULL),
		    ECPR_OK);
		if (ep == NULL)
			break;
		CU_ASSERT_EQUAL(ecpr_tl_add_episode(tl, ep, NULL),
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
	ecpr_tl *tl = read_seed();
	ecpr_tl_layout *lay = NULL;
	const ecpr_tl_lane_geom *g;
	const ecpr_tl_bar_geom *b;
	const ecpr_tl_marker_geom *death;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_lane_count(tl), 4);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, NULL, NULL,
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
	/* CPR began at the arrest in all four: no-flow 0 min, not listed */
	for (i = 0; i < lay->nlanes; i++) {
		CU_ASSERT_EQUAL(n_bars(&lay->lanes[i], ECPR_TL_BAR_NO_FLOW), 1);
		CU_ASSERT_EQUAL(lay->lanes[i].bars[0].kind,
		    ECPR_TL_BAR_NO_FLOW);
		CU_ASSERT_DOUBLE_EQUAL(lay->lanes[i].bars[0].x0,
		    lay->lanes[i].bars[0].x1, 1e-9);
	}
	CU_ASSERT_EQUAL(lay->bar_used[ECPR_TL_BAR_NO_FLOW], 0);
	for (i = 0; i < lay->nlegend; i++)
		CU_ASSERT_STRING_NOT_EQUAL(lay->legend[i].text, "No-flow");
	CU_ASSERT_STRING_EQUAL(lay->legend[0].text, "Conventional CPR");
	/* hospital discharge of case 1 on day 86 -> days axis to 90 */
	CU_ASSERT_EQUAL_FATAL(lay->nsegs, 3);
	CU_ASSERT_DOUBLE_EQUAL(lay->segs[2].t1, 90 * 86400.0, 1e-6);
out:
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
}

/* One event at a time, times in UTC. */
static ecpr_episode *
episode(const char *subject, const char *const *ev)
{
	ecpr_episode *ep = NULL;
	int i;

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, "R", subject, 1, NULL),
	    ECPR_OK);
	for (i = 0; ev[i] != NULL; i += 2)
		CU_ASSERT_EQUAL_FATAL(ecpr_episode_add_event(ep,
		    ecpr_event_lookup(ev[i]), ev[i + 1], NULL, NULL, NULL, 0,
		    NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(ep, NULL, NULL, NULL),
	    ECPR_OK);
	return ep;
}

/* An episode that fails half-way adds nothing. */
static void
test_add_episode_all_or_nothing(void)
{
	static const char *const good[] = { "ca_onset", "2023-05-01T10:00Z",
		"cpr_start", "2023-05-01T10:03Z", "rosc", "2023-05-01T10:20Z",
		NULL };
	/* flow 10 min before CPR (no rule of the episode forbids it): the
	 * no-flow bar is added, then the CPR bar ends before it starts */
	static const char *const bad[] = { "ca_onset", "2023-05-01T10:00Z",
		"cpr_start", "2023-05-01T10:30Z", "ecmo_flow_start",
		"2023-05-01T10:20Z", "ecmo_stop", "2023-05-02T10:20Z", NULL };
	ecpr_episode *g = episode("g1", good), *b = episode("b1", bad);
	ecpr_episode *g2 = episode("g2", good);
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_add_episode(tl, g, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_add_episode(tl, b, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "R/b1/1: lane \"b1\": cpr ends "
	    "before it starts");
	CU_ASSERT_EQUAL(ecpr_tl_lane_count(tl), 1);
	CU_ASSERT_EQUAL(ecpr_tl_add_episode(tl, g2, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_lane_count(tl), 2);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_layout_new(&lay, tl, NULL, NULL, NULL,
	    NULL), ECPR_OK);
	/* lane 1 is g2's alone: no-flow, CPR; CA and ROSC */
	for (i = 0; i < 2; i++) {
		CU_ASSERT_STRING_EQUAL(lay->lanes[i].label, i ? "g2" : "g1");
		CU_ASSERT_EQUAL(lay->lanes[i].nbars, 2);
		CU_ASSERT_EQUAL(n_bars(&lay->lanes[i], ECPR_TL_BAR_NO_FLOW), 1);
		CU_ASSERT_EQUAL(n_bars(&lay->lanes[i], ECPR_TL_BAR_CPR), 1);
		CU_ASSERT_EQUAL(lay->lanes[i].nmarkers, 2);
	}
	ecpr_tl_layout_free(lay);
	ecpr_tl_free(tl);
	ecpr_episode_free(g);
	ecpr_episode_free(b);
	ecpr_episode_free(g2);
}

static void
test_style_file(void)
{
	ecpr_tl_style *st = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	char path[4096];
	const char *src = getenv("ECPR_SRCDIR");

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_new(&st, &err), ECPR_OK);
	snprintf(path, sizeof(path), "%s/templates/timeline.style",
	    src ? src : ".");
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_load(st, path, &err), ECPR_OK);
	CU_ASSERT_DOUBLE_EQUAL(st->font_size, 7, 1e-9);
	CU_ASSERT_EQUAL(st->show_track[ECPR_TL_TRACK_SUPPORT], 1);
	CU_ASSERT_DOUBLE_EQUAL(st->bar_color[ECPR_TL_BAR_ECMO].g, 114 / 255.0,
	    1e-9);
	CU_ASSERT_EQUAL(st->bar_pattern[ECPR_TL_BAR_MCC], ECPR_TL_PAT_HATCH);
	/* the complication and strip keys, with their defaults */
	CU_ASSERT_EQUAL(st->show_complications, 1);
	CU_ASSERT_DOUBLE_EQUAL(st->comp_color[ECPR_BY_MCC].g, 159 / 255.0,
	    1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->comp_color[ECPR_BY_ECPR].b, 178 / 255.0,
	    1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->strip_height, 18, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->range_color.r, 217 / 255.0, 1e-9);
	/* errors name file, line, key and value; the style is unchanged */
	CU_ASSERT_EQUAL(ecpr_tl_style_load(st, cu_data("timeline/bad.style"),
	    &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_STRING_EQUAL(err.message, "key \"font_size\": value \"huge\" "
	    "is not a number of points in range");
	CU_ASSERT_DOUBLE_EQUAL(st->font_size, 7, 1e-9);
	CU_ASSERT_EQUAL(ecpr_tl_style_load(st,
	    cu_data("timeline/unknown.style"), &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "unknown key \"unknown_key\" (value \"3\")");
	CU_ASSERT_EQUAL(ecpr_tl_style_load(st, "/nonexistent.style", &err),
	    ECPR_EIO);
	ecpr_tl_style_free(st);
	ecpr_tl_style_free(NULL);
}

/* One key at a time, as in a style file; a refusal changes nothing. */
static void
test_style_set(void)
{
	static const struct {
		const char *key, *value;
		int rc;
		const char *message;
	} cases[] = {
		{ "font_size", "9", ECPR_OK, "" },
		{ "ecmo_color", "#ff0000", ECPR_OK, "" },
		{ "mcc_pattern", "dots", ECPR_OK, "" },
		{ "show_stay", "no", ECPR_OK, "" },
		{ "font", "Noto Sans", ECPR_OK, "" },
		{ "font_size", "huge", ECPR_EINVAL, "key \"font_size\": value "
		    "\"huge\" is not a number of points in range" },
		{ "ecmo_color", "red", ECPR_EINVAL, "key \"ecmo_color\": value "
		    "\"red\" is not a colour #rrggbb" },
		{ "mcc_pattern", "zigzag", ECPR_EINVAL, "key \"mcc_pattern\": "
		    "value \"zigzag\" is not solid, hatch, cross, dots or "
		    "vlines" },
		{ "no_such_key", "1", ECPR_EINVAL,
		    "unknown key \"no_such_key\" (value \"1\")" },
		{ "show_complications", "no", ECPR_OK, "" },
		{ "complication_ecpr_color", "#123456", ECPR_OK, "" },
		{ "strip_height", "30", ECPR_OK, "" },
		{ "range_color", "#eeeeee", ECPR_OK, "" },
		{ "show_complications", "maybe", ECPR_EINVAL,
		    "key \"show_complications\": value \"maybe\" is not yes "
		    "or no" },
		{ "strip_height", "2", ECPR_EINVAL, "key \"strip_height\": "
		    "value \"2\" is not a number of points in range" },
		{ "complication_mcc_color", "orange", ECPR_EINVAL,
		    "key \"complication_mcc_color\": value \"orange\" is not a "
		    "colour #rrggbb" },
	};
	ecpr_tl_style *st = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_new(&st, &err), ECPR_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(ecpr_tl_style_set(st, cases[i].key,
		    cases[i].value, &err), cases[i].rc);
		CU_ASSERT_EQUAL(err.code, cases[i].rc);
		CU_ASSERT_STRING_EQUAL(err.message, cases[i].message);
		CU_ASSERT_EQUAL(err.line, 0);
	}
	/* the accepted ones took effect, the refused ones changed nothing */
	CU_ASSERT_DOUBLE_EQUAL(st->font_size, 9, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->bar_color[ECPR_TL_BAR_ECMO].r, 1, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->bar_color[ECPR_TL_BAR_ECMO].g, 0, 1e-9);
	CU_ASSERT_EQUAL(st->bar_pattern[ECPR_TL_BAR_MCC], ECPR_TL_PAT_DOTS);
	CU_ASSERT_EQUAL(st->show_track[ECPR_TL_TRACK_STAY], 0);
	CU_ASSERT_STRING_EQUAL(st->font, "Noto Sans");
	CU_ASSERT_EQUAL(st->show_complications, 0);
	CU_ASSERT_DOUBLE_EQUAL(st->comp_color[ECPR_BY_ECPR].r, 0x12 / 255.0,
	    1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->comp_color[ECPR_BY_MCC].g, 0.624, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->strip_height, 30, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->range_color.g, 0xee / 255.0, 1e-9);
	CU_ASSERT_EQUAL(ecpr_tl_style_set(NULL, "font", "x", &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_tl_style_set(st, "font", NULL, &err),
	    ECPR_EINVAL);
	ecpr_tl_style_free(st);
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
	/* not a number: refused before anything is read or drawn */
	CU_ASSERT_EQUAL(tool("--dpi", "nan", "x.csv", NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--dpi \"nan\" is not a number "
	    "from 10 to 2400"));
	free(err);
	CU_ASSERT_EQUAL(tool("--size", "a5", "x.csv", NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown size \"a5\""));
	free(err);
	CU_ASSERT_EQUAL(tool("-o", "x.gif", "x.csv", NULL, NULL, &err), 64);
	free(err);
	CU_ASSERT_EQUAL(tool("--dpi", "0", "x.csv", NULL, NULL, &err), 64);
	free(err);
	CU_ASSERT_EQUAL(tool("--db", "", "x.csv", NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "files and --db, --site, "
	    "--subject, --since, --until do not go together"));
	free(err);
	CU_ASSERT_EQUAL(tool("--site", "S1", "x.csv", NULL, NULL, &err), 64);
	free(err);
	CU_ASSERT_EQUAL(tool("--since", "yesterday", NULL, NULL, NULL, &err),
	    64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--since: \"yesterday\""));
	free(err);
	/* --jobs: 0 (one per CPU) to 256 */
	CU_ASSERT_EQUAL(tool("--jobs", "x", "x.csv", NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-timeline: --jobs \"x\" is "
	    "not a number from 0 to 256\n"));
	free(err);
	CU_ASSERT_EQUAL(tool("-j", "257", "x.csv", NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--jobs \"257\" is not"));
	free(err);
	CU_ASSERT_EQUAL(tool("-j", "-1", "x.csv", NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--jobs \"-1\" is not"));
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

/* pdftotext -raw of a PDF, malloc'd. */
static char *
pdf_text(const char *pdf, const char *txt)
{
	char p[] = "pdftotext", raw[] = "-raw";
	char *argv[] = { p, raw, (char *)(uintptr_t)pdf,
		(char *)(uintptr_t)txt, NULL };

	CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, NULL), 0);
	return cu_read_file(txt, NULL);
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
	t = pdf_text(pdf, txt);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "case1\n47 y, M, IHD"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "case4\n94 y, F, COPD"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Death"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Transient ROSC"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "PCI percutaneous coronary "
	    "intervention"));
	free(t);
	CU_ASSERT_EQUAL(tool("-o", svg, tpl, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(stat(svg, &sb), 0);
	CU_ASSERT_EQUAL(entries(dir), 3);
	/* a chart replaced keeps its mode (it was 0644 before) */
	CU_ASSERT_EQUAL(chmod(svg, 0600), 0);
	CU_ASSERT_EQUAL(tool("-o", svg, tpl, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(stat(svg, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(entries(dir), 3);
	/* a bad date: FILE:LINE, exit 65, no chart */
	snprintf(bad, sizeof(bad), "%s/bad.pdf", dir);
	CU_ASSERT_EQUAL(tool("-o", bad, cu_data("timeline/bad-date.csv"),
	    NULL, NULL, &err), 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad-date.csv:3: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "2021-02-30"));
	free(err);
	CU_ASSERT_EQUAL(entries(dir), 3);
	/* no episode at all: exit 65, no chart */
	{
		char *hdr = cu_write_file(dir, "empty.csv",
		    "site,subject,episode,ca_onset\n");

		CU_ASSERT_EQUAL(tool("-o", bad, hdr, NULL, NULL, &err), 65);
		CU_ASSERT_STRING_EQUAL(err, "ecpr-timeline: no episodes to "
		    "draw\n");
		free(err);
		unlink(hdr);
		free(hdr);
	}
	CU_ASSERT_EQUAL(entries(dir), 3);
	/* a bad style file: exit 65 naming line, key and value */
	snprintf(style, sizeof(style), "%s", cu_data("timeline/bad.style"));
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

/*
 * --each --jobs N: the charts of -j 2, -j 5 and the default (one thread
 * per CPU) are -j 1's bytes; the reader's reports and a chart that cannot
 * be written (its path a directory) come once each, in input order, with
 * -j 1's exit status; no temporary file is left; two episodes with the
 * same file name leave the later one's chart, as -j 1 does.
 */
static void
test_each_jobs(void)
{
	static const char *const jobs[] = { "1", "2", "5", NULL };
	char *dir = cu_tmpdir(), *csv, *err[4] = { NULL }, *a, *b;
	char text[2048], expect[8192], d[4][1024], pat[1100], f[1100];
	size_t n = 0, k, la, lb;
	int i, rc, st[2];

	n += (size_t)snprintf(text, sizeof(text), "site,subject,episode,"
	    "ca_onset,cpr_start\n");
	for (i = 1; i <= 16; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "S,p%02d,1,2021-07-27T08:40Z,2021-%s\n", i,
		    i == 5 || i == 11 ? "02-30T08:42Z" : "07-27T08:42Z");
	/* both are S_q_1_1.pdf: the second, with CPR an hour later, wins */
	snprintf(text + n, sizeof(text) - n,
	    "S,q/1,1,2021-07-27T08:40Z,2021-07-27T08:42Z\n"
	    "S,q_1,1,2021-07-27T08:40Z,2021-07-27T09:42Z\n");
	csv = cu_write_file(dir, "mix.csv", text);
	for (k = 0; k < 4; k++) {
		char *argv[] = { (char *)(uintptr_t)"ecpr-timeline",
			(char *)(uintptr_t)"--each", (char *)(uintptr_t)"-o",
			pat, csv, (char *)(uintptr_t)"-j",
			(char *)(uintptr_t)jobs[k], NULL };

		snprintf(d[k], sizeof(d[k]), "%.900s/j%s", dir,
		    jobs[k] ? jobs[k] : "default");
		CU_ASSERT_EQUAL_FATAL(mkdir(d[k], 0755), 0);
		snprintf(f, sizeof(f), "%.1024s/S_p08_1.pdf", d[k]);
		CU_ASSERT_EQUAL_FATAL(mkdir(f, 0755), 0);
		snprintf(pat, sizeof(pat), "%.1024s/%%s.pdf", d[k]);
		if (jobs[k] == NULL)
			argv[5] = NULL;
		rc = cu_run_tool(argv, NULL, NULL, &err[k]);
		CU_ASSERT_EQUAL(rc, 73);
		snprintf(expect, sizeof(expect),
		    "ecpr-timeline: %s:6: field \"cpr_start\": "
		    "\"2021-02-30T08:42Z\" is not a valid date (2021-02 has 28 "
		    "days)\n"
		    "ecpr-timeline: %.1000s/S_p08_1.pdf: cannot rename the output "
		    "into place: Is a directory\n"
		    "ecpr-timeline: %s:12: field \"cpr_start\": "
		    "\"2021-02-30T08:42Z\" is not a valid date (2021-02 has 28 "
		    "days)\n", csv, d[k], csv);
		CU_ASSERT_STRING_EQUAL(err[k], expect);
		free(err[k]);
		/* 14 charts and the directory in the way: nothing else */
		CU_ASSERT_EQUAL(entries(d[k]), 15);
		snprintf(f, sizeof(f), "%.1024s/S_p05_1.pdf", d[k]);
		CU_ASSERT_NOT_EQUAL(access(f, F_OK), 0);
	}
	for (i = 1; i <= 17; i++) {
		if (i == 5 || i == 8 || i == 11)
			continue;
		for (k = 1; k < 4; k++) {
			snprintf(f, sizeof(f), i < 17 ? "%.1024s/S_p%02d_1.pdf" :
			    "%.1024s/S_q_1_1.pdf", d[0], i);
			a = cu_read_file(f, &la);
			snprintf(f, sizeof(f), i < 17 ? "%.1024s/S_p%02d_1.pdf" :
			    "%.1024s/S_q_1_1.pdf", d[k], i);
			b = cu_read_file(f, &lb);
			CU_ASSERT_PTR_NOT_NULL(a);
			CU_ASSERT_PTR_NOT_NULL(b);
			CU_ASSERT(a != NULL && b != NULL && la == lb &&
			    memcmp(a, b, la) == 0);
			free(a);
			free(b);
		}
	}
	/* SVG: -j 3 gives -j 1's bytes (cairo's group names included) */
	for (k = 0; k < 2; k++) {
		snprintf(pat, sizeof(pat), "%.900s/svg%d", dir, (int)k);
		CU_ASSERT_EQUAL_FATAL(mkdir(pat, 0755), 0);
		snprintf(pat, sizeof(pat), "%.900s/svg%d/%%s.svg", dir,
		    (int)k);
		CU_ASSERT_EQUAL(cu_tool(NULL, NULL, "ecpr-timeline", "--each",
		    "-j", k == 0 ? "1" : "3", "-o", pat, csv, NULL), 65);
	}
	for (i = 1; i <= 16; i++) {
		if (i == 5 || i == 11)
			continue;
		snprintf(f, sizeof(f), "%.900s/svg0/S_p%02d_1.svg", dir, i);
		a = cu_read_file(f, &la);
		snprintf(f, sizeof(f), "%.900s/svg1/S_p%02d_1.svg", dir, i);
		b = cu_read_file(f, &lb);
		CU_ASSERT(a != NULL && b != NULL && la == lb &&
		    memcmp(a, b, la) == 0);
		free(a);
		free(b);
	}
	/* the later q_1 is the one left: its own chart's bytes */
	{
		char *one = cu_write_file(dir, "q.csv", "site,subject,episode,"
		    "ca_onset,cpr_start\n"
		    "S,q_1,1,2021-07-27T08:40Z,2021-07-27T09:42Z\n");

		snprintf(pat, sizeof(pat), "%.900s/q.pdf", dir);
		CU_ASSERT_EQUAL(cu_tool(NULL, NULL, "ecpr-timeline", "-o", pat,
		    one, NULL), 0);
		a = cu_read_file(pat, &la);
		for (k = 0; k < 4; k++) {
			snprintf(f, sizeof(f), "%.1024s/S_q_1_1.pdf", d[k]);
			b = cu_read_file(f, &lb);
			CU_ASSERT(a != NULL && b != NULL && la == lb &&
			    memcmp(a, b, la) == 0);
			free(b);
		}
		free(a);
		free(one);
	}
	/*
	 * an input that cannot be opened beside one that can: 66 (it was
	 * 65, every report of the reader counted as bad data), reported
	 * once, the other file's charts drawn
	 */
	snprintf(f, sizeof(f), "%.900s/none.csv", dir);
	for (k = 0; k < 2; k++) {
		snprintf(pat, sizeof(pat), "%.1024s/%%s.pdf", d[k]);
		rc = cu_tool(NULL, &err[k], "ecpr-timeline", "--each", "-j",
		    jobs[k], "-o", pat, f, csv, NULL);
		CU_ASSERT_EQUAL(rc, 73);
		CU_ASSERT_EQUAL(count_str(err[k], "ecpr-timeline: "), 4);
		CU_ASSERT_PTR_NOT_NULL(strstr(err[k], "none.csv: cannot open"));
		free(err[k]);
		rc = cu_tool(NULL, &err[k], "ecpr-timeline", "--each", "-j",
		    jobs[k], "-o", pat, f, NULL);
		st[k] = rc;
		CU_ASSERT_EQUAL(rc, 66);
		CU_ASSERT_EQUAL(count_str(err[k], "ecpr-timeline: "), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err[k], "none.csv: cannot open"));
		CU_ASSERT_EQUAL(entries(d[k]), 15);
	}
	CU_ASSERT_EQUAL(st[0], st[1]);
	CU_ASSERT_STRING_EQUAL(err[0], err[1]);
	free(err[0]);
	free(err[1]);
	/* one chart of every episode: the same */
	snprintf(pat, sizeof(pat), "%.900s/all.pdf", dir);
	CU_ASSERT_EQUAL(cu_tool(NULL, &err[0], "ecpr-timeline", "-o", pat, f,
	    NULL), 66);
	CU_ASSERT_PTR_NOT_NULL(strstr(err[0], "none.csv: cannot open"));
	free(err[0]);
	CU_ASSERT_EQUAL(access(pat, F_OK), -1);
	CU_ASSERT_EQUAL(cu_tool(NULL, NULL, "ecpr-timeline", "-o", pat, f,
	    csv, NULL), 66);
	CU_ASSERT_EQUAL(access(pat, F_OK), -1);
	free(csv);
	cu_rmtree(dir);
	free(dir);
}

/*
 * --each --jobs with more bad records between two charts than are kept
 * while charts are drawn (64): the reports are -j 1's, in order, after
 * the failure of the chart before them.
 */
static void
test_each_jobs_many_reports(void)
{
	static const char *const jobs[] = { "1", "3" };
	char *dir = cu_tmpdir(), *csv, *err[2] = { NULL, NULL };
	char *text = malloc(65536), pat[1100];
	size_t n = 0, k;
	int i, rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	n += (size_t)snprintf(text, 65536, "site,subject,episode,ca_onset,"
	    "cpr_start\n");
	/* 3 good, 150 bad, 3 good, 10 bad */
	for (i = 0; i < 166; i++)
		n += (size_t)snprintf(text + n, 65536 - n,
		    "S,p%03d,1,2021-07-27T08:40Z,2021-%s\n", i,
		    (i >= 3 && i < 153) || i >= 156 ? "02-30T08:42Z" :
		    "07-27T08:42Z");
	csv = cu_write_file(dir, "many.csv", text);
	/* the third chart cannot be written: its path is a directory */
	snprintf(pat, sizeof(pat), "%.900s/S_p002_1.pdf", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(pat, 0755), 0);
	snprintf(pat, sizeof(pat), "%.900s/%%s.pdf", dir);
	for (k = 0; k < 2; k++) {
		rc = cu_tool(NULL, &err[k], "ecpr-timeline", "--each", "-j",
		    jobs[k], "-o", pat, csv, NULL);
		CU_ASSERT_EQUAL(rc, 73);
		CU_ASSERT_EQUAL(count_str(err[k], "is not a valid date"), 160);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(err[0], "many.csv:5: field"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err[0], "many.csv:167: field"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(err[0], "S_p002_1.pdf: cannot"));
	CU_ASSERT(strstr(err[0], "S_p002_1.pdf: cannot") <
	    strstr(err[0], "many.csv:5: field"));
	CU_ASSERT_STRING_EQUAL(err[0], err[1]);
	/* 5 charts, the directory in the way and the input */
	CU_ASSERT_EQUAL(entries(dir), 7);
	free(err[0]);
	free(err[1]);
	free(csv);
	free(text);
	cu_rmtree(dir);
	free(dir);
}

/* The seed cases with their observations and complications. */
static ecpr_tl *
read_marked(int obs, const ecpr_ranges *rs)
{
	static const char *const files[] = { "timeline/seed-events.csv",
		"timeline/obs.csv", "timeline/complications.csv" };
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_source *src = NULL;
	ecpr_tl *tl = NULL;
	ecpr_episode *ep = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &ro, NULL), ECPR_OK);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL_FATAL(ecpr_source_add_file(src,
		    cu_data(files[i]), NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_new(&tl, NULL), ECPR_OK);
	if (obs >= 0)
		CU_ASSERT_EQUAL_FATAL(ecpr_tl_set_observation(tl, obs, rs,
		    NULL), ECPR_OK);
	for (;;) {
		CU_ASSERT_EQUAL_FATAL(ecpr_source_next(src, &ep, NULL),
		    ECPR_OK);
		if (ep == NULL)
			break;
		CU_ASSERT_EQUAL(ecpr_tl_add_episode(tl, ep, NULL), ECPR_OK);
		ecpr_episode_free(ep);
	}
	ecpr_source_free(src);
	return tl;
}

static void
assert_value(const struct ecpr__tl_value *v, ecpr_cmp cmp, int64_t mant,
    int scale)
{
	CU_ASSERT_EQUAL(v->v.cmp, cmp);
	CU_ASSERT_EQUAL(v->v.mant, mant);
	CU_ASSERT_EQUAL(v->v.scale, scale);
}

static void
assert_range(const struct ecpr__tl_lane *ln, const char *want)
{
	char buf[64] = "";

	CU_ASSERT_EQUAL_FATAL(ln->has_range, 1);
	ecpr_range_format(&ln->range, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void
test_episode_marks(void)
{
	ecpr_tl *tl = read_marked(ecpr_obs_lookup("lactate"), NULL);
	ecpr_ranges *rs = NULL;
	const struct ecpr__tl_lane *ln;

	CU_ASSERT_EQUAL_FATAL(ecpr_tl_lane_count(tl), 4);
	/* case 1: the lactate values only, in mmol/L, censored kept */
	ln = &tl->lanes[0];
	CU_ASSERT_EQUAL_FATAL(ln->nvalues, 4);
	assert_value(&ln->values[0], ECPR_CMP_EQ, 131, 1);
	assert_value(&ln->values[1], ECPR_CMP_GT, 150, 1);
	assert_value(&ln->values[2], ECPR_CMP_EQ, 42, 1);
	/* 18 mg/dL / 9.008 = 1.998: 2.0 mmol/L (one decimal) */
	assert_value(&ln->values[3], ECPR_CMP_EQ, 20, 1);
	/* ecmo_flow_start 09:57 + 1 h */
	CU_ASSERT_EQUAL(ln->values[0].at.t, tl->lanes[0].bars[2].start.t +
	    3600);
	assert_range(ln, "0.7-2.5");
	/* complications as written, in code-list order */
	CU_ASSERT_EQUAL_FATAL(ln->ncomps, 3);
	CU_ASSERT_EQUAL(ln->comps[0].code,
	    ecpr_complication_lookup("pulmonary_contusion"));
	CU_ASSERT_EQUAL(ln->comps[0].by, ECPR_BY_MCC);
	CU_ASSERT_EQUAL(ln->comps[0].at.prec, ECPR_PREC_MINUTE);
	ln = &tl->lanes[1];
	CU_ASSERT_EQUAL(ln->nvalues, 2);
	assert_value(&ln->values[0], ECPR_CMP_LT, 5, 1);
	CU_ASSERT_EQUAL_FATAL(ln->ncomps, 1);
	CU_ASSERT_EQUAL(ln->comps[0].at.prec, ECPR_PREC_NONE);
	/* case 4: "none" is kept (and never drawn) */
	ln = &tl->lanes[3];
	CU_ASSERT_EQUAL_FATAL(ln->ncomps, 1);
	CU_ASSERT_EQUAL(ln->comps[0].code, ECPR_COMPLICATION_NONE);
	CU_ASSERT_EQUAL(ln->nvalues, 0);
	ecpr_tl_free(tl);

	/* without an observation: no values, complications all the same */
	tl = read_marked(-1, NULL);
	CU_ASSERT_EQUAL(tl->lanes[0].nvalues, 0);
	CU_ASSERT_EQUAL(tl->lanes[0].has_range, 0);
	CU_ASSERT_EQUAL(tl->lanes[0].ncomps, 3);
	ecpr_tl_free(tl);

	/* the range by population: case 3 is 8 years old */
	tl = read_marked(ecpr_obs_lookup("creatinine"), NULL);
	assert_range(&tl->lanes[0], "50.4-98.1");
	assert_range(&tl->lanes[2], "27-62");
	ecpr_tl_free(tl);

	/* a site's ranges (ecpr-ranges(5)) */
	CU_ASSERT_EQUAL_FATAL(ecpr_ranges_new(&rs, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_ranges_load(rs,
	    cu_data("timeline/ranges.csv"), NULL), ECPR_OK);
	tl = read_marked(ecpr_obs_lookup("lactate"), rs);
	assert_range(&tl->lanes[0], "0.5-2.0");
	ecpr_tl_free(tl);
	ecpr_ranges_free(rs);
}

static void
test_tool_marks(void)
{
	char *dir = cu_tmpdir(), pdf[4200], txt[4200], *err = NULL, *t;
	char ev[4096], obs[4096], cp[4096], rg[4096];
	char p[] = "ecpr-timeline", o[] = "-o", on[] = "--observation",
	    lac[] = "lactate", co[] = "--complications", off[] = "off",
	    rn[] = "--ranges";

	snprintf(ev, sizeof(ev), "%s", cu_data("timeline/seed-events.csv"));
	snprintf(obs, sizeof(obs), "%s", cu_data("timeline/obs.csv"));
	snprintf(cp, sizeof(cp), "%s", cu_data("timeline/complications.csv"));
	snprintf(pdf, sizeof(pdf), "%s/m.pdf", dir);
	snprintf(txt, sizeof(txt), "%s/m.txt", dir);
	/* unknown observation: 64, with the names */
	CU_ASSERT_EQUAL(tool("--observation", "lacate", ev, NULL, NULL,
	    &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-timeline: unknown "
	    "observation \"lacate\" (one of: nt_probnp, pct, troponin_i, "
	    "lactate, creatinine, alt, bilirubin, platelets, urine_output, "
	    "urine_output_kg, ecmo_flow, map)\n"));
	free(err);
	CU_ASSERT_EQUAL(tool("--complications", "maybe", ev, NULL, NULL,
	    &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--complications \"maybe\" is "
	    "not on or off"));
	free(err);
	CU_ASSERT_EQUAL(tool("--ranges", cu_data("timeline/ranges.csv"), ev,
	    NULL, NULL, &err), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--ranges needs --observation"));
	free(err);
	/* a ranges file that cannot be opened: 66 */
	{
		char none[] = "/nonexistent-dir/ranges.csv";
		char *argv[] = { p, on, lac, rn, none, o, pdf, ev, NULL };

		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, &err), 66);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "ranges.csv: cannot open"));
		free(err);
	}
	/* a bad ranges file: 65 with FILE:LINE, no chart */
	snprintf(rg, sizeof(rg), "%s", cu_data("timeline/bad-ranges.csv"));
	{
		char *argv[] = { p, on, lac, rn, rg, o, pdf, ev, NULL };

		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, &err), 65);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad-ranges.csv:2: "));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"high\""));
		free(err);
		CU_ASSERT_NOT_EQUAL(access(pdf, F_OK), 0);
	}
	/* the default: complications drawn, the strip's labels */
	{
		char *argv[] = { p, on, lac, o, pdf, ev, obs, cp, NULL };

		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, &err), 0);
		CU_ASSERT_STRING_EQUAL(err, "");
		free(err);
	}
	t = pdf_text(pdf, txt);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Pulmonary contusion"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Ischaemic stroke"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "> 15.0 mmol/L\n2.0 mmol/L"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "1.9 mmol/L\n< 0.5 mmol/L"));
	CU_ASSERT_EQUAL(count_str(t, "no values"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Lactate in blood (mmol/L)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "case2: PE (ECPR)."));
	free(t);
	/* --complications off: none of them; --each draws them too */
	{
		char *argv[] = { p, co, off, o, pdf, ev, obs, cp, NULL };

		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, NULL), 0);
	}
	t = pdf_text(pdf, txt);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NULL(strstr(t, "Pulmonary contusion"));
	CU_ASSERT_PTR_NULL(strstr(t, "PE (ECPR)"));
	CU_ASSERT_PTR_NULL(strstr(t, "mmol/L"));
	free(t);
	{
		char each[4200], e[] = "-e";
		char *argv[] = { p, e, on, lac, o, each, ev, obs, cp, NULL };

		snprintf(each, sizeof(each), "%s/%%s.pdf", dir);
		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, NULL, NULL), 0);
		snprintf(each, sizeof(each), "%s/SEED_case1_1.pdf", dir);
		t = pdf_text(each, txt);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT_PTR_NOT_NULL(strstr(t, "Pulmonary contusion"));
		CU_ASSERT_PTR_NOT_NULL(strstr(t, "> 15.0 mmol/L"));
		free(t);
	}
	cu_rmtree(dir);
	free(dir);
}

/* ---- the registry (--db) ------------------------------------------------ */

static char conninfo[1600];
static char *dbtmp;

static int
run(const char *const *argv, const char *in, char **err)
{
	char *v[32];
	int n, rc;

	for (n = 0; argv[n] != NULL && n < 31; n++)
		v[n] = strdup(argv[n]);
	v[n] = NULL;
	rc = cu_run_tool(v, in, NULL, err);
	while (n-- > 0)
		free(v[n]);
	return rc;
}

static void
unset_pg_env(void)
{
	static const char *const vars[] = { "PGHOST", "PGHOSTADDR", "PGPORT",
		"PGDATABASE", "PGUSER", "PGSERVICE", NULL };
	int i;

	for (i = 0; vars[i] != NULL; i++)
		unsetenv(vars[i]);
}

static int
db_suite_init(void)
{
	const char *ci = pgh_start();
	char *tpl = template_path(), *err = NULL;
	const char *mig[] = { "ecpr-db", "--db", conninfo, "migrate", NULL };
	const char *imp[] = { "ecpr-import", "--db", conninfo, tpl, NULL };
	int rc;

	if (ci == NULL) {
		free(tpl);
		return 1;
	}
	snprintf(conninfo, sizeof(conninfo), "%s", ci);
	unset_pg_env();
	/* the PDF dates: fixed, so two runs give the same bytes */
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	dbtmp = cu_tmpdir();
	if ((rc = run(mig, NULL, &err)) != 0)
		fprintf(stderr, "migrate: %d %s\n", rc, err);
	free(err);
	err = NULL;
	if (rc == 0 && (rc = run(imp, NULL, &err)) != 0)
		fprintf(stderr, "import: %d %s\n", rc, err);
	free(err);
	free(tpl);
	return rc == 0 ? 0 : 1;
}

static int
db_suite_cleanup(void)
{
	cu_rmtree(dbtmp);
	free(dbtmp);
	return pgh_suite_cleanup();
}

/* 1 when the two files exist and hold the same bytes (and some). */
static int
same_bytes(const char *a, const char *b)
{
	size_t na = 0, nb = 0;
	char *pa = cu_read_file(a, &na), *pb = cu_read_file(b, &nb);
	int same = pa != NULL && pb != NULL && na == nb && na > 1000 &&
	    memcmp(pa, pb, na) == 0;

	if (!same)
		fprintf(stderr, "\n%s (%zu bytes) != %s (%zu bytes)\n", a, na,
		    b, nb);
	free(pa);
	free(pb);
	return same;
}

/* The header and the given data lines (1-based) of the template. */
static char *
template_lines(const char *name, int first, int last)
{
	char *tpl = template_path(), *text = cu_read_file(tpl, NULL);
	char *out, *p, *start, *path = NULL;
	size_t o = 0;
	int line = 0;

	free(tpl);
	if (text == NULL)
		return NULL;
	out = malloc(strlen(text) + 1);
	for (p = start = text; out != NULL && *p != '\0'; p++) {
		if (*p != '\n')
			continue;
		if (line == 0 || (line >= first && line <= last)) {
			memcpy(out + o, start, (size_t)(p + 1 - start));
			o += (size_t)(p + 1 - start);
		}
		start = p + 1;
		line++;
	}
	if (out != NULL) {
		out[o] = '\0';
		path = cu_write_file(dbtmp, name, out);
	}
	free(out);
	free(text);
	return path;
}

static void
test_db_equals_files(void)
{
	static const char *const exts[] = { "pdf", "svg", "png", NULL };
	char *tpl = template_path(), *err = NULL;
	char fpath[4200], dpath[4200], spath[4200];
	int i;

	for (i = 0; exts[i] != NULL; i++) {
		const char *f[] = { "ecpr-timeline", "-o", fpath, tpl, NULL };
		const char *d[] = { "ecpr-timeline", "--db", conninfo, "-o",
			dpath, NULL };
		const char *in[] = { "ecpr-timeline", "-o", spath, "-", NULL };

		snprintf(fpath, sizeof(fpath), "%s/files.%s", dbtmp, exts[i]);
		snprintf(dpath, sizeof(dpath), "%s/db.%s", dbtmp, exts[i]);
		snprintf(spath, sizeof(spath), "%s/stdin.%s", dbtmp, exts[i]);
		CU_ASSERT_EQUAL(run(f, NULL, NULL), 0);
		CU_ASSERT_EQUAL(run(d, NULL, &err), 0);
		CU_ASSERT_STRING_EQUAL(err, "");
		free(err);
		err = NULL;
		/* FILE - is standard input */
		CU_ASSERT_EQUAL(run(in, tpl, NULL), 0);
		CU_ASSERT(same_bytes(fpath, dpath));
		CU_ASSERT(same_bytes(fpath, spath));
	}
	/* the four lanes of the template, in the registry's order */
	{
		char p[] = "pdftotext", raw[] = "-raw", dash[] = "-";
		char *argv[] = { p, raw, dpath, dash, NULL };
		char *out = NULL;

		snprintf(dpath, sizeof(dpath), "%s/db.pdf", dbtmp);
		CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, &out, NULL), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "case1\n47 y, M, IHD\n"
		    "case2\n17 y, F, AFM\ncase3\n8 y, F, AFM\n"
		    "case4\n94 y, F, COPD\n"));
		free(out);
	}
	free(tpl);
}

/* --site, --subject, --since, --until draw what the same lines draw */
static void
test_db_filters(void)
{
	static const struct {
		const char *opt[6];
		int first, last;
	} cases[] = {
		{ { "--site", "SEED", "--subject", "case2", NULL }, 2, 2 },
		{ { "--since", "2021-11-01", NULL }, 3, 4 },
		{ { "--since", "2021-11-01", "--until", "2021-12-31", NULL },
		    3, 3 },
		/* until is exclusive: case2's arrest at 23:30 is out */
		{ { "--until", "2021-07-28T23:29+08:00", NULL }, 1, 1 },
		/* ... and in when until is that minute (its end, 23:31) */
		{ { "--until", "2021-07-28T23:30+08:00", "--site", "SEED",
		    NULL }, 1, 2 },
		/* a date with --tz: to the end of that local day */
		{ { "--tz", "Asia/Shanghai", "--until", "2021-07-28", NULL },
		    1, 2 },
		{ { "--tz", "Asia/Shanghai", "--until", "2021-07-27", NULL },
		    1, 1 },
	};
	char fpath[4200], dpath[4200], name[32];
	size_t i;
	int j, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[16];
		char *lines;

		snprintf(name, sizeof(name), "part%zu.csv", i);
		lines = template_lines(name, cases[i].first, cases[i].last);
		CU_ASSERT_PTR_NOT_NULL_FATAL(lines);
		snprintf(fpath, sizeof(fpath), "%s/part%zu-files.svg", dbtmp,
		    i);
		snprintf(dpath, sizeof(dpath), "%s/part%zu-db.svg", dbtmp, i);
		{
			const char *f[] = { "ecpr-timeline", "-o", fpath, lines,
				NULL };

			CU_ASSERT_EQUAL(run(f, NULL, NULL), 0);
		}
		n = 0;
		argv[n++] = "ecpr-timeline";
		argv[n++] = "--db";
		argv[n++] = conninfo;
		argv[n++] = "-o";
		argv[n++] = dpath;
		for (j = 0; cases[i].opt[j] != NULL; j++)
			argv[n++] = cases[i].opt[j];
		argv[n] = NULL;
		CU_ASSERT_EQUAL(run(argv, NULL, NULL), 0);
		CU_ASSERT(same_bytes(fpath, dpath));
		free(lines);
	}
}

static void
test_db_unavailable(void)
{
	char out[4200], reg[4200], *err = NULL;
	const char *bad[] = { "ecpr-timeline", "--db",
		"host=/nonexistent-ecpr dbname=ecpr_test", "-o", out, NULL };
	const char *none[] = { "ecpr-timeline", "-o", out, NULL };
	const char *empty[] = { "ecpr-timeline", "--db", conninfo, "--subject",
		"nobody", "-o", out, NULL };
	struct stat sb;

	snprintf(out, sizeof(out), "%s/unavailable.pdf", dbtmp);
	snprintf(reg, sizeof(reg), "%s/no-registry", dbtmp);
	CU_ASSERT_EQUAL(run(bad, NULL, &err), 69);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-timeline: "));
	/* the connection string is never printed */
	CU_ASSERT_PTR_NULL(strstr(err, "dbname=ecpr_test"));
	free(err);
	CU_ASSERT_NOT_EQUAL(stat(out, &sb), 0);
	/* no FILE and no PG* environment: the embedded registry */
	setenv("ECPR_DB_DIR", reg, 1);
	CU_ASSERT_EQUAL(run(none, NULL, &err), 69);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-timeline: cannot connect to "
	    "the embedded registry"));
	free(err);
	unsetenv("ECPR_DB_DIR");
	CU_ASSERT_NOT_EQUAL(stat(out, &sb), 0);
	/* a filter that matches nothing: nothing to draw */
	CU_ASSERT_EQUAL(run(empty, NULL, &err), 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no episodes to draw"));
	free(err);
	CU_ASSERT_NOT_EQUAL(stat(out, &sb), 0);
}

/*
 * Complications and the strip from the registry: the same bytes as from
 * the files they were imported from (runs last: it adds to the registry).
 */
static void
test_db_marks(void)
{
	char ev[4096], obs[4096], cp[4096], fpath[4200], dpath[4200];
	char *err = NULL;
	/* with the events again (unchanged): relative times need them */
	const char *imp[] = { "ecpr-import", "--db", conninfo, ev, obs, cp,
		NULL };
	const char *f[] = { "ecpr-timeline", "--observation", "lactate", "-o",
		fpath, ev, obs, cp, NULL };
	const char *d[] = { "ecpr-timeline", "--observation", "lactate",
		"--db", conninfo, "-o", dpath, NULL };

	snprintf(ev, sizeof(ev), "%s", cu_data("timeline/seed-events.csv"));
	snprintf(obs, sizeof(obs), "%s", cu_data("timeline/obs.csv"));
	snprintf(cp, sizeof(cp), "%s", cu_data("timeline/complications.csv"));
	snprintf(fpath, sizeof(fpath), "%s/marks-files.pdf", dbtmp);
	snprintf(dpath, sizeof(dpath), "%s/marks-db.pdf", dbtmp);
	CU_ASSERT_EQUAL(run(imp, NULL, &err), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	err = NULL;
	CU_ASSERT_EQUAL(run(f, NULL, NULL), 0);
	CU_ASSERT_EQUAL(run(d, NULL, &err), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	CU_ASSERT(same_bytes(fpath, dpath));
}

/* ---- ecpr-outcome ---- */

/* The seed cases by ca_to_flow_min (77, 120, 70, 80 min; CPC 1, 1, 1, 5). */
#define OC_SEED_CSV \
	"interval,bin,from,to,n,survived,died,survival_unknown," \
	"survival_pct,survival_lo,survival_hi,favourable,unfavourable," \
	"cpc_unknown,favourable_pct,favourable_lo,favourable_hi,definitions\n" \
	"ca_to_flow_min,0-29,0,30,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n" \
	"ca_to_flow_min,30-44,30,45,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n" \
	"ca_to_flow_min,45-59,45,60,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n" \
	"ca_to_flow_min,60-89,60,90,3,2,1,0,66.7,20.8,93.9," \
	"2,1,0,66.7,20.8,93.9,ecpr-2026.1\n" \
	"ca_to_flow_min,90+,90,,1,1,0,0,100.0,20.7,100.0," \
	"1,0,0,100.0,20.7,100.0,ecpr-2026.1\n" \
	"ca_to_flow_min,not_binnable,,,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n" \
	"ca_to_flow_min,missing,,,0,0,0,0,,,,0,0,0,,,,ecpr-2026.1\n" \
	"ca_to_flow_min,all,,,4,3,1,0,75.0,30.1,95.4," \
	"3,1,0,75.0,30.1,95.4,ecpr-2026.1\n"

/* Run ecpr-outcome with the arguments up to NULL (at most 12). */
static int
oc_tool(char **out, char **err, ...)
{
	const char *argv[14];
	const char *a;
	va_list ap;
	int n = 0;
	char *v[14];
	int rc;

	argv[n++] = "ecpr-outcome";
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) != NULL && n < 13)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	for (rc = 0; rc <= n; rc++)
		v[rc] = (char *)(uintptr_t)argv[rc];
	return cu_run_tool(v, NULL, out, err);
}

static void
test_outcome_options(void)
{
	char *out = NULL, *err = NULL, *tpl = template_path();

	CU_ASSERT_EQUAL(oc_tool(&out, &err, "--help", NULL), 0);
	CU_ASSERT_EQUAL(strncmp(out, "usage: ecpr-outcome ", 20), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--bins LIST"));
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(oc_tool(&out, NULL, "--version", NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "ecpr-outcome (ecprkit) "
	    ECPR_VERSION_STRING "\n");
	free(out);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "--bogus", tpl, NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option \"--bogus\""));
	free(err);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "--bins", "0,45,30", tpl, NULL),
	    64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-outcome: --bins \"0,45,30\": "
	    "\"30\" is not above the edge before it\nusage: ecpr-outcome "));
	free(err);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "--bins", "0,30.5", tpl, NULL),
	    64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"30.5\" is not a whole number of "
	    "minutes"));
	free(err);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "--interval", "cpc_discharge", tpl,
	    NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--interval \"cpc_discharge\" is "
	    "not a duration (one of: no_flow_min, "));
	free(err);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "--interval", "icu_days", tpl,
	    NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--interval icu_days is in days: "
	    "give its bins with --bins"));
	free(err);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "-f", "gif", tpl, NULL), 64);
	free(err);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "-o", "-", "-f", "pdf", tpl, NULL),
	    64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "a chart needs an output file"));
	free(err);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "--site", "SEED", tpl, NULL), 64);
	free(err);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "--dpi", "5", tpl, NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--dpi \"5\" is not a number "
	    "from 10 to 2400"));
	free(err);
	free(tpl);
}

/*
 * The numbers as csv, exactly; days with --bins; the chart in each
 * format; bins too many for the page refused without a file.
 */
static void
test_outcome_runs(void)
{
	char *out = NULL, *err = NULL, *tpl = template_path();
	char *dir = cu_tmpdir(), path[4200], *t;

	CU_ASSERT_EQUAL(oc_tool(&out, &err, "-f", "csv", tpl, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, OC_SEED_CSV);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	/* -o x.csv: the format from the name */
	snprintf(path, sizeof(path), "%s/o.csv", dir);
	CU_ASSERT_EQUAL(oc_tool(NULL, NULL, "-o", path, tpl, NULL), 0);
	t = cu_read_file(path, NULL);
	CU_ASSERT_STRING_EQUAL(t, OC_SEED_CSV);
	free(t);
	/* ICU stays 30.0, 21.0, 29.0, 41.0 days; case 4 died */
	CU_ASSERT_EQUAL(oc_tool(&out, NULL, "--interval", "icu_days", "--bins",
	    "0,25,35", "-f", "csv", tpl, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nicu_days,0.0-24.9,0.0,25.0,1,1,"
	    "0,0,100.0,20.7,100.0,1,0,0,100.0,20.7,100.0,ecpr-2026.1\n"
	    "icu_days,25.0-34.9,25.0,35.0,2,2,0,0,100.0,34.2,100.0,"
	    "2,0,0,100.0,34.2,100.0,ecpr-2026.1\n"
	    "icu_days,35.0+,35.0,,1,0,1,0,0.0,0.0,79.3,"
	    "0,1,0,0.0,0.0,79.3,ecpr-2026.1\n"));
	free(out);
	snprintf(path, sizeof(path), "%s/o.svg", dir);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "-o", path, "--size", "single",
	    tpl, NULL), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	t = cu_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(strncmp(t, "<?xml", 5), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "width=\"240.94"));
	free(t);
	snprintf(path, sizeof(path), "%s/o.png", dir);
	CU_ASSERT_EQUAL(oc_tool(NULL, NULL, "-o", path, "--dpi", "72", tpl,
	    NULL), 0);
	t = cu_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(memcmp(t, "\x89PNG", 4), 0);
	free(t);
	CU_ASSERT_EQUAL(entries(dir), 3);
	/* 20 bins of three digits do not fit one column */
	snprintf(path, sizeof(path), "%s/many.pdf", dir);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "-o", path, "--size", "single",
	    "--bins", "0,100,200,300,400,500,600,700,800,900,1000,1100,1200,"
	    "1300,1400,1500,1600,1700,1800,1900", tpl, NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-outcome: outcome chart: the "
	    "labels of 20 bins do not fit a page 241 pt wide"));
	free(err);
	CU_ASSERT_EQUAL(entries(dir), 3);
	free(tpl);
	cu_rmtree(dir);
	free(dir);
}

/*
 * A bad file: FILE:LINE naming the field and value, exit 65, and the
 * output that was there is left as it was (nothing half-written, no
 * temporary file); with --keep-going every error.  No episode: no chart
 * (65), but the csv of zeros.
 */
static void
test_outcome_bad_input(void)
{
	char *err = NULL, *out = NULL, *dir = cu_tmpdir(), *bad, *empty;
	char *old, *t, pdf[4200];

	bad = cu_write_file(dir, "bad.csv", "site,subject,episode,ca_onset,"
	    "ecmo_flow_start,cpc_discharge\n"
	    "H,a,1,2023-02-30T10:00Z,2023-03-01T10:00Z,1\n"
	    "H,b,1,2023-03-01T10:00Z,2023-03-01T11:00Z,7\n");
	empty = cu_write_file(dir, "empty.csv", "site,subject,episode,"
	    "ca_onset\n");
	old = cu_write_file(dir, "o.csv", "old\n");
	CU_ASSERT_EQUAL(oc_tool(&out, &err, "-o", old, bad, NULL), 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.csv:2: field \"ca_onset\": "
	    "\"2023-02-30T10:00Z\" is not a valid date"));
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
	free(err);
	t = cu_read_file(old, NULL);
	CU_ASSERT_STRING_EQUAL(t, "old\n");
	free(t);
	CU_ASSERT_EQUAL(entries(dir), 3);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "-k", "-o", old, bad, NULL), 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.csv:2: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.csv:3: attribute "
	    "\"cpc_discharge\": \"7\""));
	free(err);
	CU_ASSERT_EQUAL(entries(dir), 3);
	snprintf(pdf, sizeof(pdf), "%s/o.pdf", dir);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "-o", pdf, empty, NULL), 65);
	CU_ASSERT_STRING_EQUAL(err, "ecpr-outcome: no episodes to draw\n");
	free(err);
	CU_ASSERT_EQUAL(entries(dir), 3);
	CU_ASSERT_EQUAL(oc_tool(&out, NULL, "-f", "csv", "--bins", "0", empty,
	    NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nca_to_flow_min,all,,,0,0,0,0,"
	    ",,,0,0,0,,,,ecpr-2026.1\n"));
	free(out);
	CU_ASSERT_EQUAL(oc_tool(NULL, &err, "-f", "csv", "/no/such.csv",
	    NULL), 66);
	free(err);
	free(bad);
	free(empty);
	free(old);
	cu_rmtree(dir);
	free(dir);
}

/* The registry gives what the files give; its filters. */
static void
test_db_outcome(void)
{
	char *tpl = template_path(), *out = NULL, *err = NULL;
	char fpath[4200], dpath[4200];

	CU_ASSERT_EQUAL(oc_tool(&out, &err, "--db", conninfo, "-f", "csv",
	    NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, OC_SEED_CSV);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	/* cases 3 and 4: 70 min CPC 1, 80 min CPC 5 */
	CU_ASSERT_EQUAL(oc_tool(&out, NULL, "--db", conninfo, "--site", "SEED",
	    "--since", "2021-11-01", "--bins", "0,60,90", "-f", "csv", NULL),
	    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nca_to_flow_min,60-89,60,90,2,1,"
	    "1,0,50.0,9.5,90.5,1,1,0,50.0,9.5,90.5,ecpr-2026.1\n"));
	free(out);
	snprintf(fpath, sizeof(fpath), "%s/oc-files.pdf", dbtmp);
	snprintf(dpath, sizeof(dpath), "%s/oc-db.pdf", dbtmp);
	CU_ASSERT_EQUAL(oc_tool(NULL, NULL, "-o", fpath, tpl, NULL), 0);
	CU_ASSERT_EQUAL(oc_tool(NULL, NULL, "--db", conninfo, "-o", dpath,
	    NULL), 0);
	CU_ASSERT(same_bytes(fpath, dpath));
	free(tpl);
}

static CU_TestInfo db_tests[] = {
	{ "--db draws what the files draw", test_db_equals_files },
	{ "--site, --subject, --since, --until", test_db_filters },
	{ "registry unavailable: 69", test_db_unavailable },
	{ "--db: complications and the strip as from files", test_db_marks },
	{ "ecpr-outcome --db: as from the files, filters", test_db_outcome },
	CU_TEST_INFO_NULL
};

static CU_TestInfo tool_tests[] = {
	{ "the paper's cases as lanes", test_seed_lanes },
	{ "add_episode: all or nothing", test_add_episode_all_or_nothing },
	{ "style file", test_style_file },
	{ "style set key by key", test_style_set },
	{ "tool options", test_tool_options },
	{ "tool runs", test_tool_runs },
	{ "--each --jobs: -j 1's bytes, messages and status",
	    test_each_jobs },
	{ "--each --jobs: many bad records between charts",
	    test_each_jobs_many_reports },
	{ "episodes: complications, values, ranges", test_episode_marks },
	{ "tool: --observation, --complications, --ranges",
	    test_tool_marks },
	{ "ecpr-outcome: options", test_outcome_options },
	{ "ecpr-outcome: csv, days, charts", test_outcome_runs },
	{ "ecpr-outcome: bad input, no episode", test_outcome_bad_input },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ "timeline tool", NULL, NULL, NULL, NULL, tool_tests },
	{ "timeline --db", db_suite_init, db_suite_cleanup, NULL, NULL,
	    db_tests },
	CU_SUITE_INFO_NULL
};

int
main(void)
{
	return cu_run(suites);
}
