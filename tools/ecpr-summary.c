/*
 * ecpr-summary - print the cohort table of ECPR case records
 *
 * Reads case-record files (wide and long CSV, mixed) or the registry,
 * counts every episode into an ecpr_summary (the table and its writers
 * are in the library: ecpr_summary_new(3)) and writes it as csv, text,
 * Markdown, LaTeX or HTML, for the whole cohort and, with --by, for each
 * site or value of an attribute.  Nothing is written until every input
 * has been accepted.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecpr.h"
#include "progutil.h"

#define USAGE_LINE \
	"ecpr-summary [-k] [-f csv|text|markdown|latex|html] " \
	"[--by ATTR|site] [--tz ZONE] [--window FROM,TO] [-o FILE] " \
	"[FILE ...]"

/* What the tool writes: the table in a format. */
struct output {
	const ecpr_summary *s;
	ecpr_report_format format;
};

/* Each episode read is counted into the table. */
static int
add_episode(void *ctx, const ecpr_episode *ep, ecpr_error *err)
{
	return ecpr_summary_add_episode(ctx, ep, err);
}

static void
usage(void)
{
	printf("usage: %s\n"
	    "Print the cohort table (n, median [IQR], n (%%) with Wilson "
	    "95%% intervals)\nof ECPR case-record files or the registry.\n\n"
	    "  -f, --format FMT     text (default), csv, markdown, latex or "
	    "html\n"
	    "  -b, --by ATTR|site   a column per site or per value of an "
	    "attribute\n"
	    "                       beside the whole cohort\n"
	    "      --tz ZONE        site time zone for local times "
	    "(default $ECPR_TZ)\n"
	    "      --window FROM,TO the events between which the worst value "
	    "of each\n"
	    "                       observation counts (default "
	    "ecmo_flow_start,ecmo_stop)\n"
	    "  -k, --keep-going     report every error of every file, then "
	    "fail\n"
	    "  -o, --output FILE    write to FILE (replaced only on "
	    "success)\n"
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

static int
write_summary(void *ctx, FILE *fp, ecpr_error *err)
{
	const struct output *o = ctx;

	return ecpr_summary_write(o->s, o->format, fp, err);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "by", required_argument, NULL, 'b' },
		{ "tz", required_argument, NULL, 'z' },
		{ "window", required_argument, NULL, 'W' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		PROG_SOURCE_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	ecpr_summary_opts opts = ECPR_SUMMARY_OPTS_INIT;
	prog_source src = PROG_SOURCE_INIT;
	struct output o = { NULL, ECPR_REPORT_TEXT };
	ecpr_error err = ECPR_ERROR_INIT;
	const char *tzname = NULL, *output = NULL, *window = NULL;
	ecpr_summary *s = NULL;
	ecpr_tz *tz = NULL;
	prog_run run;
	int ch, code, n;

	prog_init(argv[0]);
	memset(&run, 0, sizeof(run));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":f:b:ko:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			if ((n = ecpr_report_format_lookup(optarg)) < 0)
				prog_usage_error(USAGE_LINE,
				    "unknown format \"%s\"", optarg);
			o.format = (ecpr_report_format)n;
			break;
		case 'b':
			opts.by = optarg;
			break;
		case 'z':
			tzname = optarg;
			break;
		case 'W':
			window = optarg;
			break;
		case 'k':
			run.keep_going = 1;
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
	if (ecpr_summary_new(&s, &opts, &err) != ECPR_OK) {
		if (err.code == ECPR_ENOMEM) {
			prog_error("out of memory");
			return EX_OSERR;
		}
		prog_usage_error(USAGE_LINE, "--by: %s", err.message);
	}
	if (window != NULL) {
		ecpr_event_type from, to;

		prog_window_arg(USAGE_LINE, window, &from, &to);
		ecpr_summary_set_window(s, from, to, NULL);
	}
	code = prog_load_tz(tzname, &tz);
	if (code != 0) {
		ecpr_summary_free(s);
		return code;
	}
	prog_source_check(&src, USAGE_LINE, argc - optind);
	prog_filter_times(USAGE_LINE, &src.filter, src.since, src.until, tz);
	code = prog_source_read(&run, &src, argv + optind, argc - optind, tz,
	    add_episode, s);
	o.s = s;
	if (code == 0)
		code = prog_write_output(output, write_summary, &o);
	ecpr_summary_free(s);
	ecpr_tz_free(tz);
	return code;
}
