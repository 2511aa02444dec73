/*
 * ecpr-timeline - draw the Fig. 1 style timeline of ECPR episodes
 *
 * Reads case-record files or the registry as one ecpr_episodes stream
 * (one lane per episode, in the order read), lays the chart out
 * and draws it to PDF, SVG or PNG.
 */
#include "config.h"

#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecpr.h"
#include "ecpr_render.h"
#include "progutil.h"

#define USAGE "ecpr-timeline [-o FILE] [--format pdf|svg|png] " \
	"[--size single|double|a4|letter] [--dpi N] [--align A] [--axis A] " \
	"[--style FILE] [--tz ZONE] [--each] [--complications on|off] " \
	"[--observation NAME] [--ranges FILE] [--db CONNINFO] [--site S] " \
	"[--subject S] [--since T] [--until T] [FILE...]"

/* long options without a short form */
enum {
	OPT_COMPLICATIONS = 256,
	OPT_OBSERVATION,
	OPT_RANGES
};

/* What goes into a chart besides the episodes' phases and markers. */
struct chart_opts {
	int obs;                 /* the strip's observation, -1: none */
	const ecpr_ranges *rs;   /* its reference ranges */
};

/* A new timeline with the strip's observation chosen. */
static int
chart_new(ecpr_tl **tl, const struct chart_opts *co, ecpr_error *err)
{
	int rc = ecpr_tl_new(tl, err);

	if (rc == ECPR_OK && co->obs >= 0)
		rc = ecpr_tl_set_observation(*tl, co->obs, co->rs, err);
	return rc;
}

/* --observation NAME: its type, or a usage error listing the names. */
static int
observation_arg(const char *name)
{
	char list[1024];
	size_t i, n = 0;
	int t = ecpr_obs_lookup(name);

	if (t >= 0)
		return t;
	list[0] = '\0';
	for (i = 0; i < ecpr_obs_count() && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i ? ", " : "", ecpr_obs_name((ecpr_obs_type)i));
	prog_usage_error(USAGE, "unknown observation \"%s\" (one of: %s)",
	    name, list);
	return -1;
}

static void
on_error(const ecpr_error *err, void *ctx)
{
	(void)ctx;
	prog_report(err);
}

/*
 * Open the registry's episodes that match src's filter (its conninfo
 * NULL or "": the PG* environment, else the embedded registry), or the
 * files (bad records reported and skipped).  Returns 0 or an exit code
 * (reported).
 */
static int
open_episodes(ecpr_episodes **es, const prog_source *src, char **files,
    int nfiles, const ecpr_tz *tz)
{
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	int i, rc;

	opts.tz = tz;
	opts.on_error = on_error;
	if (src->use_db)
		rc = ecpr_episodes_open_registry(es, src->conninfo,
		    &src->filter, &err);
	else
		rc = ecpr_episodes_open_files(es, &opts, NULL, &err);
	for (i = 0; !src->use_db && rc == ECPR_OK && i < nfiles; i++)
		rc = ecpr_episodes_add_file(*es, files[i], &err);
	if (rc != ECPR_OK) {
		prog_report(&err);
		ecpr_episodes_free(*es);
		*es = NULL;
		return prog_exit_code(rc);
	}
	return 0;
}

/* 1 when s holds exactly one "%s" and no other '%'. */
static int
one_percent_s(const char *s)
{
	const char *p = strchr(s, '%');

	return p != NULL && p[1] == 's' && strchr(p + 2, '%') == NULL;
}

/* One chart per episode, named from the pattern. */
static int
chart_each(ecpr_episodes *es, const char *pattern,
    const ecpr_tl_opts *opts, const struct chart_opts *co,
    ecpr_tl_format format, double dpi, ecpr_tl_measurer *m)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	const char *pct = strstr(pattern, "%s");
	char name[512], path[4096];
	int code = 0, rc;
	size_t i, n = 0;

	for (;;) {
		rc = ecpr_episodes_next(es, &ep, &err);
		if (rc != ECPR_OK) {
			prog_report(&err);
			return prog_worse(code, prog_exit_code(rc));
		}
		if (ep == NULL)
			break;
		n++;
		snprintf(name, sizeof(name), "%s_%s_%ld",
		    ecpr_episode_site(ep), ecpr_episode_subject(ep),
		    ecpr_episode_number(ep));
		for (i = 0; name[i] != '\0'; i++)
			if (!((name[i] >= 'A' && name[i] <= 'Z') ||
			    (name[i] >= 'a' && name[i] <= 'z') ||
			    (name[i] >= '0' && name[i] <= '9') ||
			    name[i] == '-' || name[i] == '.'))
				name[i] = '_';
		snprintf(path, sizeof(path), "%.*s%s%s", (int)(pct - pattern),
		    pattern, name, pct + 2);
		if ((rc = chart_new(&tl, co, &err)) != ECPR_OK ||
		    (rc = ecpr_tl_add_episode(tl, ep, &err)) != ECPR_OK ||
		    (rc = ecpr_tl_layout_new(&lay, tl, opts,
		    ecpr_tl_pango_measure, m, &err)) != ECPR_OK ||
		    (rc = ecpr_tl_render(lay, path, format, dpi, m, &err)) !=
		    ECPR_OK) {
			prog_report(&err);
			code = prog_worse(code, prog_exit_code(rc));
		}
		ecpr_tl_layout_free(lay);
		lay = NULL;
		ecpr_tl_free(tl);
		tl = NULL;
		ecpr_episode_free(ep);
	}
	if (code == 0 && ecpr_episodes_error_count(es) > 0)
		code = EX_DATAERR;
	if (code == 0 && n == 0) {
		prog_error("no episodes to draw");
		code = EX_DATAERR;
	}
	return code;
}

static void
help(void)
{
	printf("usage: %s\n\n"
	    "Draw one timeline chart (one lane per episode) from case-record "
	    "files\nor the registry.\n\n"
	    "  -o, --output FILE    write the chart here (default "
	    "timeline.pdf)\n"
	    "  -f, --format FMT     pdf, svg or png (default: from the file "
	    "name)\n"
	    "  -s, --size SIZE      single (85 mm), double (175 mm, default), "
	    "a4, letter\n"
	    "  -d, --dpi N          PNG resolution (default 300)\n"
	    "  -a, --align A        ca_onset (default), ecmo_flow_start, "
	    "calendar\n"
	    "  -x, --axis A         segmented (default), linear, log\n"
	    "  -S, --style FILE     style file (ecpr-timeline-style(5))\n"
	    "  -z, --tz ZONE        site time zone for local times "
	    "($ECPR_TZ)\n"
	    "  -e, --each           one chart per episode: %%s in -o is "
	    "SITE_SUBJECT_EPISODE\n"
	    "      --complications on|off\n"
	    "                       draw complications as markers "
	    "(default on)\n"
	    "      --observation NAME\n"
	    "                       a strip of this observation under each "
	    "lane\n"
	    "                       (lactate, map, ecmo_flow, ...: "
	    "ecpr(7))\n"
	    "      --ranges FILE    reference ranges of the strip "
	    "(ecpr-ranges(5))\n"
	    "      --db CONNINFO    read the registry instead of files (\"\": "
	    "the PG*\n"
	    "                       environment, else the embedded registry)\n"
	    "      --site S, --subject S, --since T, --until T\n"
	    "                       draw only these episodes of the registry\n"
	    "  -h, --help           show this help\n"
	    "  -V, --version        show the version\n\n"
	    "With no FILE, read the registry (as --db \"\"); FILE - is standard "
	    "input.\n"
	    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open "
	    "input,\n69 registry unavailable, 73/74 cannot write output.\n",
	    USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "dpi", required_argument, NULL, 'd' },
		{ "align", required_argument, NULL, 'a' },
		{ "axis", required_argument, NULL, 'x' },
		{ "style", required_argument, NULL, 'S' },
		{ "tz", required_argument, NULL, 'z' },
		{ "each", no_argument, NULL, 'e' },
		PROG_SOURCE_LONGOPTS,
		{ "complications", required_argument, NULL,
		    OPT_COMPLICATIONS },
		{ "observation", required_argument, NULL, OPT_OBSERVATION },
		{ "ranges", required_argument, NULL, OPT_RANGES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	ecpr_tl_opts opts = ECPR_TL_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tl_style *style = NULL;
	ecpr_episodes *es = NULL;
	prog_source src = PROG_SOURCE_INIT;
	const char *comps = NULL, *rangesfile = NULL;
	struct chart_opts co = { -1, NULL };
	ecpr_ranges *rs = NULL;
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_measurer *m = NULL;
	ecpr_episode *ep = NULL;
	ecpr_tz *tz = NULL;
	const char *out = "timeline.pdf", *tzname = NULL, *stylefile = NULL;
	int ch, v, format = -1, code = 0, rc, each = 0;
	double dpi = 300;

	prog_init(argv[0]);
	while ((ch = getopt_long(argc, argv, ":o:f:s:d:a:x:S:z:ehV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			if ((format = ecpr_tl_format_lookup(optarg)) < 0 ||
			    strchr(optarg, '.') != NULL)
				prog_usage_error(USAGE, "unknown format \"%s\"",
				    optarg);
			break;
		case 's':
			if ((v = ecpr_tl_size_lookup(optarg)) < 0)
				prog_usage_error(USAGE, "unknown size \"%s\"",
				    optarg);
			opts.size = (ecpr_tl_size)v;
			break;
		case 'd':
			dpi = prog_dpi_arg(USAGE, optarg);
			break;
		case 'a':
			if ((v = ecpr_tl_align_lookup(optarg)) < 0)
				prog_usage_error(USAGE, "unknown alignment "
				    "\"%s\"", optarg);
			opts.align = (ecpr_tl_align)v;
			break;
		case 'x':
			if ((v = ecpr_tl_axis_lookup(optarg)) < 0)
				prog_usage_error(USAGE, "unknown axis \"%s\"",
				    optarg);
			opts.axis = (ecpr_tl_axis)v;
			break;
		case 'S':
			stylefile = optarg;
			break;
		case 'z':
			tzname = optarg;
			break;
		case 'e':
			each = 1;
			break;
		case OPT_COMPLICATIONS:
			if (strcmp(optarg, "on") != 0 &&
			    strcmp(optarg, "off") != 0)
				prog_usage_error(USAGE, "--complications \"%s\" "
				    "is not on or off", optarg);
			comps = optarg;
			break;
		case OPT_OBSERVATION:
			co.obs = observation_arg(optarg);
			break;
		case OPT_RANGES:
			rangesfile = optarg;
			break;
		case 'h':
			help();
			return prog_finish(0);
		case 'V':
			prog_version();
			return prog_finish(0);
		default:
			if (!prog_source_option(&src, ch, optarg))
				prog_getopt_error(USAGE, argv, ch);
		}
	}
	prog_source_check(&src, USAGE, argc - optind);
	if (each && !one_percent_s(out))
		prog_usage_error(USAGE, "--each needs one \"%%s\" in the "
		    "output name, not \"%s\"", out);
	if (format < 0 && (format = ecpr_tl_format_lookup(out)) < 0)
		prog_usage_error(USAGE, "cannot tell the format of \"%s\": "
		    "use --format", out);
	if (rangesfile != NULL && co.obs < 0)
		prog_usage_error(USAGE, "--ranges needs --observation");
	/* --complications overrides the style file's show_complications */
	if ((rc = ecpr_tl_style_new(&style, &err)) != ECPR_OK ||
	    (stylefile != NULL &&
	    (rc = ecpr_tl_style_load(style, stylefile, &err)) != ECPR_OK) ||
	    (comps != NULL && (rc = ecpr_tl_style_set(style,
	    "show_complications", strcmp(comps, "on") == 0 ? "yes" : "no",
	    &err)) != ECPR_OK) ||
	    (rangesfile != NULL && ((rc = ecpr_ranges_new(&rs, &err)) !=
	    ECPR_OK || (rc = ecpr_ranges_load(rs, rangesfile, &err)) !=
	    ECPR_OK))) {
		prog_report(&err);
		ecpr_tl_style_free(style);
		ecpr_ranges_free(rs);
		return prog_exit_code(rc);
	}
	co.rs = rs;
	opts.style = style;
	opts.paged = format == ECPR_TL_PDF;
	code = prog_load_tz(tzname, &tz);
	if (code != 0) {
		ecpr_tl_style_free(style);
		ecpr_ranges_free(rs);
		return code;
	}
	prog_filter_times(USAGE, &src.filter, src.since, src.until, tz);
	code = open_episodes(&es, &src, argv + optind, argc - optind, tz);
	if (code != 0)
		goto out;
	if ((rc = ecpr_tl_measurer_new(&m, style, &err)) != ECPR_OK)
		goto fail;
	if (each) {
#ifdef M_TRIM_THRESHOLD
		/*
		 * Chart after chart, cairo and zlib take and free a few
		 * hundred KiB for each PDF stream: keep that memory in the
		 * process rather than give the heap's top back to the kernel
		 * (brk) or map and unmap it, and fault it in zeroed, for
		 * every stream.
		 */
		mallopt(M_MMAP_THRESHOLD, 8 << 20);
		mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
		code = chart_each(es, out, &opts, &co, (ecpr_tl_format)format,
		    dpi, m);
		goto out;
	}
	if ((rc = chart_new(&tl, &co, &err)) != ECPR_OK)
		goto fail;
	for (;;) {
		rc = ecpr_episodes_next(es, &ep, &err);
		if (rc != ECPR_OK) {
			prog_report(&err);
			code = prog_worse(code, prog_exit_code(rc));
			break;
		}
		if (ep == NULL)
			break;
		rc = ecpr_tl_add_episode(tl, ep, &err);
		ecpr_episode_free(ep);
		if (rc != ECPR_OK)
			goto fail;
	}
	if (code == 0 && ecpr_episodes_error_count(es) > 0)
		code = EX_DATAERR;
	if (code == 0 && ecpr_tl_lane_count(tl) == 0) {
		prog_error("no episodes to draw");
		code = EX_DATAERR;
	}
	if (code != 0)
		goto out;
	if ((rc = ecpr_tl_layout_new(&lay, tl, &opts, ecpr_tl_pango_measure,
	    m, &err)) != ECPR_OK ||
	    (rc = ecpr_tl_render(lay, out, (ecpr_tl_format)format, dpi, m,
	    &err)) != ECPR_OK)
		goto fail;
	goto out;
fail:
	prog_report(&err);
	code = prog_worse(code, prog_exit_code(rc));
out:
	ecpr_tl_layout_free(lay);
	ecpr_tl_measurer_free(m);
	ecpr_tl_style_free(style);
	ecpr_tl_free(tl);
	ecpr_ranges_free(rs);
	ecpr_episodes_free(es);
	ecpr_tz_free(tz);
	return prog_finish(code);
}
