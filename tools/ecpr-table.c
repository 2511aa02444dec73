/*
 * ecpr-table - print the durations table of ECPR case records
 *
 * Reads case-record files (wide and long CSV, mixed) through ecpr_source,
 * or the registry, into an ecpr_report (the table and its writers are in
 * the library: ecpr_report_new(3)) and writes it as the machine-readable
 * csv contract or as a table for humans (text, Markdown, LaTeX, HTML) in
 * the episodes or the paper (Table 2) layout.  Nothing is written until
 * every input has been accepted.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecpr.h"
#include "progutil.h"

#define USAGE_LINE \
	"ecpr-table [-k] [-f csv|text|markdown|latex|html] " \
	"[-l episodes|paper] [--tz ZONE] [--window FROM,TO] " \
	"[--ranges FILE] [-o FILE] [FILE ...]"

/* One run: options, and the reading (the worst exit code so far). */
struct run {
	ecpr_report_format format;
	ecpr_report_layout layout;
	int defs_comment; /* csv: a first line "# definitions: ecpr-2026.1" */
	prog_run read;
};

/* Each episode read becomes a row of the report. */
static int
add_row(void *ctx, const ecpr_episode *ep, ecpr_error *err)
{
	return ecpr_report_add_episode(ctx, ep, err);
}

/* ------------------------------------------------------------------ */
/* Main                                                                 */
/* ------------------------------------------------------------------ */

static void
usage(void)
{
	printf("usage: %s\n"
	    "Print the durations table of ECPR case-record files (wide and "
	    "long CSV,\nobservations and complications).\n\n"
	    "  -f, --format FMT     csv (default), text, markdown, latex or "
	    "html\n"
	    "  -l, --layout LAYOUT  episodes (default: one row per episode) "
	    "or paper\n"
	    "                       (Tables 1 and 2 of the seed paper: one "
	    "column per case)\n"
	    "      --tz ZONE        site time zone for local times "
	    "(default $ECPR_TZ)\n"
	    "  -k, --keep-going     report every error of every file, then "
	    "fail\n"
	    "  -o, --output FILE    write to FILE (replaced only on "
	    "success)\n"
	    "      --defs-comment   csv: first a line \"# definitions: "
	    "VERSION\"\n"
	    "      --window FROM,TO the events between which the worst value "
	    "of each\n"
	    "                       observation is taken (default "
	    "ecmo_flow_start,ecmo_stop)\n"
	    "      --ranges FILE    the site's reference ranges "
	    "(ecpr-ranges(5))\n"
	    "      --db CONNINFO    read the registry instead of files (\"\": "
	    "the PG*\n"
	    "                       environment, else the embedded registry)\n"
	    "      --site S, --subject S, --since T, --until T\n"
	    "                       read only these episodes of the registry\n"
	    "  -h, --help           print this help and exit\n"
	    "  -V, --version        print the version and exit\n\n"
	    "With no FILE, read the registry (as --db \"\"); FILE - is standard "
	    "input.\n"
	    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open "
	    "input,\n69 registry unavailable, 73/74 cannot write output.\n",
	    USAGE_LINE);
}

/* What the tool writes: the report (after the definitions comment). */
struct output {
	ecpr_report *rep;
	const struct run *run;
};

static int
write_report(void *ctx, FILE *fp, ecpr_error *err)
{
	const struct output *o = ctx;

	/* the definitions the figures follow, only when asked: the csv
	 * contract has no comment */
	if (o->run->defs_comment && o->run->format == ECPR_REPORT_CSV)
		fprintf(fp, "# definitions: %s\n", ecpr_defs_version());
	return ecpr_report_write(o->rep, o->run->format, fp, err);
}

/* --window FROM,TO */
static void
set_window(ecpr_report *rep, const char *arg)
{
	ecpr_event_type from, to;

	prog_window_arg(USAGE_LINE, arg, &from, &to);
	ecpr_report_set_window(rep, from, to, NULL);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "layout", required_argument, NULL, 'l' },
		{ "tz", required_argument, NULL, 'z' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		PROG_SOURCE_LONGOPTS,
		{ "defs-comment", no_argument, NULL, 'C' },
		{ "window", required_argument, NULL, 'W' },
		{ "ranges", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_ranges *ranges = NULL;
	const char *window = NULL, *ranges_file = NULL;
	prog_source src = PROG_SOURCE_INIT;
	struct output o;
	struct run run;
	ecpr_report *rep = NULL;
	const char *tzname = NULL, *output = NULL;
	ecpr_tz *tz = NULL;
	int ch, code, n;

	prog_init(argv[0]);
	memset(&run, 0, sizeof(run));
	run.format = ECPR_REPORT_CSV;
	run.layout = ECPR_REPORT_EPISODES;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":f:l:ko:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			if ((n = ecpr_report_format_lookup(optarg)) < 0)
				prog_usage_error(USAGE_LINE,
				    "unknown format \"%s\"", optarg);
			run.format = (ecpr_report_format)n;
			break;
		case 'l':
			if ((n = ecpr_report_layout_lookup(optarg)) < 0)
				prog_usage_error(USAGE_LINE,
				    "unknown layout \"%s\"", optarg);
			run.layout = (ecpr_report_layout)n;
			break;
		case 'z':
			tzname = optarg;
			break;
		case 'k':
			run.read.keep_going = 1;
			break;
		case 'C':
			run.defs_comment = 1;
			break;
		case 'W':
			window = optarg;
			break;
		case 'R':
			ranges_file = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage();
			return prog_finish(0);
		case 'V':
			prog_version();
			return prog_finish(0);
		default:
			if (!prog_source_option(&src, ch, optarg))
				prog_getopt_error(USAGE_LINE, argv, ch);
		}
	}
	code = prog_load_tz(tzname, &tz);
	if (code != 0)
		return code;

	prog_source_check(&src, USAGE_LINE, argc - optind);
	prog_filter_times(USAGE_LINE, &src.filter, src.since, src.until, tz);
	if (ecpr_report_new(&rep, run.layout, NULL) != ECPR_OK) {
		prog_error("out of memory");
		ecpr_tz_free(tz);
		return EX_OSERR;
	}
	if (window != NULL)
		set_window(rep, window);
	if (ranges_file != NULL) {
		if (ecpr_ranges_new(&ranges, &err) != ECPR_OK ||
		    ecpr_ranges_load(ranges, ranges_file, &err) != ECPR_OK ||
		    ecpr_report_set_ranges(rep, ranges, &err) != ECPR_OK) {
			prog_report(&err);
			ecpr_ranges_free(ranges);
			ecpr_report_free(rep);
			ecpr_tz_free(tz);
			return prog_finish(prog_exit_code(err.code));
		}
	}
	code = prog_source_read(&run.read, &src, argv + optind, argc - optind,
	    tz, add_row, rep);
	o.rep = rep;
	o.run = &run;
	if (code == 0)
		code = prog_write_output(output, write_report, &o);
	ecpr_report_free(rep);
	ecpr_ranges_free(ranges);
	ecpr_tz_free(tz);
	return code;
}
