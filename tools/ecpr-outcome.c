/*
 * ecpr-outcome - survival and CPC 1-2 at discharge by an interval in bins
 *
 * Reads case-record files or the registry (as ecpr-table does) into an
 * ecpr_outcome (ecpr_outcome_new(3)), and draws the figure (PDF, SVG,
 * PNG through the timeline's renderer and style file) or prints its
 * numbers as csv.  Nothing is written until every input was accepted.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecpr.h"
#include "ecpr_render.h"
#include "progutil.h"

#define USAGE "ecpr-outcome [-k] [--interval NAME] [--bins LIST] " \
	"[-o FILE] [--format pdf|svg|png|csv] [--size S] [--dpi N] " \
	"[--style FILE] [--tz ZONE] [--db CONNINFO] [--site S] " \
	"[--subject S] [--since T] [--until T] [FILE...]"

/* The bins when --bins is not given (intervals in minutes only). */
#define DEFAULT_BINS "0,30,45,60,90"

/* long options without a short form */
enum {
	OPT_INTERVAL = 256,
	OPT_BINS
};

/* The csv format, beside the chart formats of ecpr_tl_format. */
#define FORMAT_CSV 100

static int
add_episode(void *ctx, const ecpr_episode *ep, ecpr_error *err)
{
	return ecpr_outcome_add_episode(ctx, ep, err);
}

/* --interval NAME: a duration, or a usage error listing them. */
static ecpr_interval_id
interval_arg(const char *name)
{
	char list[512];
	size_t i, n = 0;
	int id = ecpr_interval_lookup(name);

	if (id >= 0 && id != ECPR_IV_CPC_DISCHARGE)
		return (ecpr_interval_id)id;
	list[0] = '\0';
	for (i = 0; i < ECPR_IV_COUNT && n < sizeof(list); i++)
		if (i != ECPR_IV_CPC_DISCHARGE)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", n ? ", " : "",
			    ecpr_interval_name((ecpr_interval_id)i));
	prog_usage_error(USAGE, "--interval \"%s\" is not a duration (one "
	    "of: %s)", name, list);
}

/* --format FMT: a chart format or csv. */
static int
format_arg(const char *name)
{
	int f;

	if (strcmp(name, "csv") == 0)
		return FORMAT_CSV;
	if ((f = ecpr_tl_format_lookup(name)) < 0 || strchr(name, '.') != NULL)
		prog_usage_error(USAGE, "unknown format \"%s\"", name);
	return f;
}

/* The format of an output name: its extension, csv included. */
static int
format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL && strcmp(dot, ".csv") == 0)
		return FORMAT_CSV;
	return ecpr_tl_format_lookup(path);
}

/* The numbers as csv (a prog_write_fn). */
static int
write_csv(void *ctx, FILE *fp, ecpr_error *err)
{
	return ecpr_outcome_write_csv(ctx, fp, err);
}

/* The chart to path. */
static int
write_chart(const char *path, const ecpr_outcome *oc, ecpr_tl_format format,
    const ecpr_oc_opts *opts, double dpi)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tl_measurer *m = NULL;
	ecpr_oc_layout *lay = NULL;
	int rc;

	if ((rc = ecpr_tl_measurer_new(&m, opts->style, &err)) == ECPR_OK &&
	    (rc = ecpr_oc_layout_new(&lay, oc, opts, ecpr_tl_pango_measure, m,
	    &err)) == ECPR_OK)
		rc = ecpr_oc_render(lay, path, format, dpi, m, &err);
	if (rc != ECPR_OK)
		prog_report(&err);
	ecpr_oc_layout_free(lay);
	ecpr_tl_measurer_free(m);
	return prog_exit_code(rc);
}

static void
help(void)
{
	printf("usage: %s\n\n"
	    "Survival to hospital discharge and CPC 1-2 at discharge by an "
	    "interval in\nbins, with 95%% Wilson intervals: a chart (PDF, SVG, "
	    "PNG) or its numbers\n(csv), from case-record files or the "
	    "registry.\n\n"
	    "      --interval NAME  the interval (default ca_to_flow_min; any "
	    "duration of\n"
	    "                       ecpr(7))\n"
	    "      --bins LIST      the bins' lower edges in the interval's "
	    "unit (default\n"
	    "                       %s for minutes; days need it)\n"
	    "  -o, --output FILE    write here (default outcome.pdf; with "
	    "--format csv\n"
	    "                       standard output)\n"
	    "  -f, --format FMT     pdf, svg, png or csv (default: from the "
	    "file name)\n"
	    "  -s, --size SIZE      single (85 mm), double (175 mm, default), "
	    "a4, letter\n"
	    "  -d, --dpi N          PNG resolution (default 300)\n"
	    "  -S, --style FILE     style file (ecpr-timeline-style(5))\n"
	    "  -z, --tz ZONE        site time zone for local times "
	    "($ECPR_TZ)\n"
	    "  -k, --keep-going     report every error of every file, then "
	    "fail\n"
	    "      --db CONNINFO    read the registry instead of files (\"\": "
	    "the PG*\n"
	    "                       environment, else the embedded registry)\n"
	    "      --site S, --subject S, --since T, --until T\n"
	    "                       read only these episodes of the registry\n"
	    "  -h, --help           show this help\n"
	    "  -V, --version        show the version\n\n"
	    "With no FILE, read the registry (as --db \"\"); FILE - is standard "
	    "input.\n"
	    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open "
	    "input,\n69 registry unavailable, 73/74 cannot write output.\n",
	    USAGE, DEFAULT_BINS);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "dpi", required_argument, NULL, 'd' },
		{ "style", required_argument, NULL, 'S' },
		{ "tz", required_argument, NULL, 'z' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "bins", required_argument, NULL, OPT_BINS },
		PROG_SOURCE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	ecpr_oc_opts opts = ECPR_OC_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	prog_source src = PROG_SOURCE_INIT;
	ecpr_interval_id id = ECPR_IV_CA_TO_FLOW_MIN;
	ecpr_tl_style *style = NULL;
	ecpr_outcome *oc = NULL;
	ecpr_flow_outcome all;
	ecpr_tz *tz = NULL;
	prog_run run;
	const char *out = NULL, *bins = NULL, *tzname = NULL;
	const char *stylefile = NULL;
	int ch, v, format = -1, code, rc;
	double dpi = 300;

	prog_init(argv[0]);
	memset(&run, 0, sizeof(run));
	while ((ch = getopt_long(argc, argv, ":o:f:s:d:S:z:khV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			format = format_arg(optarg);
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
		case 'S':
			stylefile = optarg;
			break;
		case 'z':
			tzname = optarg;
			break;
		case 'k':
			run.keep_going = 1;
			break;
		case OPT_INTERVAL:
			id = interval_arg(optarg);
			break;
		case OPT_BINS:
			bins = optarg;
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
	if (out == NULL)
		out = format == FORMAT_CSV ? "-" : "outcome.pdf";
	if (format < 0 && (format = format_of(out)) < 0)
		prog_usage_error(USAGE, "cannot tell the format of \"%s\": "
		    "use --format", out);
	if (format != FORMAT_CSV && strcmp(out, "-") == 0)
		prog_usage_error(USAGE, "a chart needs an output file (-o)");
	if (bins == NULL) {
		if (ecpr_interval_unit(id) != ECPR_UNIT_MINUTE)
			prog_usage_error(USAGE, "--interval %s is in days: "
			    "give its bins with --bins",
			    ecpr_interval_name(id));
		bins = DEFAULT_BINS;
	}
	if ((rc = ecpr_outcome_new(&oc, id, bins, &err)) != ECPR_OK)
		prog_usage_error(USAGE, "--%s", err.message);
	if (format != FORMAT_CSV &&
	    ((rc = ecpr_tl_style_new(&style, &err)) != ECPR_OK ||
	    (stylefile != NULL &&
	    (rc = ecpr_tl_style_load(style, stylefile, &err)) != ECPR_OK))) {
		prog_report(&err);
		code = prog_exit_code(rc);
		goto out;
	}
	opts.style = style;
	if ((code = prog_load_tz(tzname, &tz)) != 0)
		goto out;
	prog_filter_times(USAGE, &src.filter, src.since, src.until, tz);
	code = prog_source_read(&run, &src, argv + optind, argc - optind, tz,
	    add_episode, oc);
	ecpr_outcome_total(oc, &all);
	if (code == 0 && format != FORMAT_CSV && all.n == 0) {
		prog_error("no episodes to draw");
		code = EX_DATAERR;
	}
	if (code == 0)
		code = format == FORMAT_CSV ?
		    prog_write_output(out, write_csv, oc) :
		    write_chart(out, oc, (ecpr_tl_format)format, &opts, dpi);
out:
	ecpr_outcome_free(oc);
	ecpr_tl_style_free(style);
	ecpr_tz_free(tz);
	return prog_finish(code);
}
