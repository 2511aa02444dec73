/*
 * ecpr-flowchart - evaluate eligibility criteria (ecpr-criteria(5)) on
 * case-record files or the registry
 *
 * Episodes go through the criteria of a criteria file in order
 * (ecpr_flow_new(3)); --format text prints the counts per step and the
 * outcomes of the final groups, --format csv each episode's path: the
 * verdict of every criterion and the box it ends in; -o FILE.pdf, .svg or
 * .png (or --format pdf, svg, png) draws the flowchart, CONSORT style with
 * the counts or, with --layout protocol, as a decision chart without
 * counts (no episodes read).  Nothing is written until every input has
 * been accepted.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecpr.h"
#include "ecpr_render.h"
#include "progutil.h"

#define USAGE_LINE \
	"ecpr-flowchart -c FILE [-k] [-f text|csv|pdf|svg|png] " \
	"[--layout consort|protocol] [--size SIZE] [--dpi N] [--style FILE] " \
	"[--tz ZONE] [-o FILE] [FILE ...]"

/* text, csv, then the drawings in ecpr_tl_format's order */
enum format { FMT_TEXT, FMT_CSV, FMT_PDF, FMT_SVG, FMT_PNG };

#define DRAWN(fmt) ((fmt) >= FMT_PDF)

static const char *const verdict_names[] = { "fail", "pass", "unknown" };

static void
usage(void)
{
	printf("usage: %s\n"
	    "Evaluate eligibility criteria on ECPR case records and count "
	    "the episodes\nthrough them, step by step (a CONSORT-style "
	    "flowchart).\n\n"
	    "  -c, --criteria FILE  the criteria (ecpr-criteria(5); "
	    "templates/criteria/)\n"
	    "  -f, --format FMT     text (default: counts per step) or csv "
	    "(each\n"
	    "                       episode's verdicts and final box); pdf, "
	    "svg, png:\n"
	    "                       the flowchart drawn (default from -o "
	    "FILE's ending)\n"
	    "  -l, --layout L       consort (default: boxes with counts) or "
	    "protocol\n"
	    "                       (a decision chart without counts; reads "
	    "no episodes)\n"
	    "  -s, --size SIZE      single (85 mm), double (175 mm, default), "
	    "a4, letter\n"
	    "  -d, --dpi N          PNG resolution (default 300)\n"
	    "  -S, --style FILE     style file (ecpr-timeline-style(5))\n"
	    "      --tz ZONE        site time zone for local times "
	    "(default $ECPR_TZ)\n"
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
	    "With no FILE, read the registry (as --db \"\"); FILE - is "
	    "standard input.\n"
	    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open "
	    "input,\n69 registry unavailable, 73/74 cannot write output.\n",
	    USAGE_LINE);
}

/* The box an episode ends in, from its verdicts: "eligible",
 * "excluded:NAME" or "unknown:NAME" (the first step it did not pass). */
static void
csv_row(FILE *fp, const ecpr_criteria *c, const ecpr_episode *ep,
    const ecpr_verdict *v)
{
	char num[32], box[128];
	size_t i, n = ecpr_criteria_count(c);

	snprintf(num, sizeof(num), "%ld", ecpr_episode_number(ep));
	prog_csv_put(fp, ecpr_episode_site(ep), 0);
	prog_csv_put(fp, ecpr_episode_subject(ep), 0);
	prog_csv_put(fp, num, 0);
	snprintf(box, sizeof(box), "eligible");
	for (i = 0; i < n; i++) {
		if (v[i] != ECPR_VERDICT_PASS && strcmp(box, "eligible") == 0)
			snprintf(box, sizeof(box), "%s:%s",
			    v[i] == ECPR_VERDICT_FAIL ? "excluded" : "unknown",
			    ecpr_criteria_name(c, i));
		prog_csv_put(fp, verdict_names[v[i]], 0);
	}
	prog_csv_put(fp, box, 1);
}

/* What each episode read goes into. */
struct flowrun {
	const ecpr_criteria *c;
	ecpr_flow *f;
	ecpr_verdict *v; /* the verdicts of the episode (csv) */
	FILE *paths;     /* csv: the rows collected, else NULL */
};

/* Add an episode to the flow; with csv, its row to the paths. */
static int
add_episode(void *ctx, const ecpr_episode *ep, ecpr_error *err)
{
	struct flowrun *fr = ctx;
	int rc;

	if ((rc = ecpr_flow_add(fr->f, ep, err)) != ECPR_OK)
		return rc;
	if (fr->paths == NULL)
		return ECPR_OK;
	if ((rc = ecpr_criteria_eval(fr->c, ep, fr->v, err)) == ECPR_OK)
		csv_row(fr->paths, fr->c, ep, fr->v);
	return rc;
}

static void
write_text(FILE *fp, const ecpr_criteria *c, const ecpr_flow *f)
{
	ecpr_flow_outcome o;
	ecpr_flow_step st;
	uint64_t total;
	size_t i;

	ecpr_flow_total(f, &total);
	fprintf(fp, "%s\nSource: %s\n\nEpisodes: %llu\n",
	    ecpr_criteria_title(c), ecpr_criteria_source(c),
	    (unsigned long long)total);
	for (i = 0; i < ecpr_flow_step_count(f); i++) {
		ecpr_flow_step_get(f, i, &st);
		fprintf(fp, "%zu. %s (%s): %llu in, %llu passed, %llu "
		    "excluded, %llu unknown\n", i + 1,
		    ecpr_criteria_label(c, i), ecpr_criteria_name(c, i),
		    (unsigned long long)st.in, (unsigned long long)st.passed,
		    (unsigned long long)st.failed,
		    (unsigned long long)st.unknown);
		fprintf(fp, "   excluded: %llu survived to discharge, %llu "
		    "CPC 1-2 at discharge\n",
		    (unsigned long long)st.failed_survived,
		    (unsigned long long)st.failed_favourable);
	}
	ecpr_flow_eligible(f, &o);
	fprintf(fp, "Eligible: %llu\n"
	    "   survival to discharge: %llu survived, %llu died, %llu "
	    "unknown\n"
	    "   CPC at discharge: %llu CPC 1-2, %llu CPC 3-5, %llu unknown\n",
	    (unsigned long long)o.n, (unsigned long long)o.survived,
	    (unsigned long long)o.died, (unsigned long long)o.survival_unknown,
	    (unsigned long long)o.favourable,
	    (unsigned long long)o.unfavourable,
	    (unsigned long long)o.cpc_unknown);
}

/* Copy the whole of in (rewound) to out; 0 or -1. */
static int
copy_all(FILE *in, FILE *out)
{
	char buf[65536];
	size_t n;

	rewind(in);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -1;
	return ferror(in) ? -1 : 0;
}

/*
 * Write the result to path (standard output when NULL): text, or the csv
 * header and the rows collected in paths.  Atomic: a file is replaced
 * only when everything was written.  Returns an exit code.
 */
static int
write_output(const char *path, enum format fmt, const ecpr_criteria *c,
    const ecpr_flow *f, FILE *paths)
{
	prog_outfile of;
	size_t i;
	int code, ok = 1;

	if ((code = prog_outfile_open(&of, path != NULL ? path : "-")) != 0)
		return code;
	if (fmt == FMT_TEXT) {
		write_text(of.fp, c, f);
	} else {
		prog_csv_put(of.fp, "site", 0);
		prog_csv_put(of.fp, "subject", 0);
		prog_csv_put(of.fp, "episode", 0);
		for (i = 0; i < ecpr_criteria_count(c); i++)
			prog_csv_put(of.fp, ecpr_criteria_name(c, i), 0);
		prog_csv_put(of.fp, "box", 1);
		ok = copy_all(paths, of.fp) == 0;
	}
	code = prog_outfile_close(&of, ok);
	if (!ok && code == 0) {
		prog_error("cannot write the episodes' paths");
		code = EX_IOERR;
	}
	return code;
}

/* How a flowchart is drawn. */
struct drawing {
	ecpr_fc_opts opts;
	double dpi;
	ecpr_tl_style *style;
};

/*
 * Draw the flowchart of c (with the numbers of f unless a protocol) to
 * path, through a temporary file.  Returns an exit code (errors
 * reported).
 */
static int
draw(const char *path, enum format fmt, const struct drawing *d,
    const ecpr_criteria *c, const ecpr_flow *f)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tl_measurer *m = NULL;
	ecpr_fc_layout *lay = NULL;
	ecpr_fc *fc = NULL;
	int rc;

	if ((rc = ecpr_fc_new_flow(&fc, c, d->opts.kind == ECPR_FC_PROTOCOL ?
	    NULL : f, &err)) == ECPR_OK &&
	    (rc = ecpr_tl_measurer_new(&m, d->style, &err)) == ECPR_OK &&
	    (rc = ecpr_fc_layout_new(&lay, fc, &d->opts, ecpr_tl_pango_measure,
	    m, &err)) == ECPR_OK)
		rc = ecpr_fc_render(lay, path, (ecpr_tl_format)(fmt - FMT_PDF),
		    d->dpi, m, &err);
	if (rc != ECPR_OK)
		prog_report(&err);
	ecpr_fc_layout_free(lay);
	ecpr_tl_measurer_free(m);
	ecpr_fc_free(fc);
	return rc == ECPR_OK ? 0 : prog_exit_code(rc);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "criteria", required_argument, NULL, 'c' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "tz", required_argument, NULL, 'z' },
		{ "output", required_argument, NULL, 'o' },
		{ "layout", required_argument, NULL, 'l' },
		{ "size", required_argument, NULL, 's' },
		{ "dpi", required_argument, NULL, 'd' },
		{ "style", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		PROG_SOURCE_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	ecpr_error err = ECPR_ERROR_INIT;
	prog_source src = PROG_SOURCE_INIT;
	const char *tzname = NULL, *output = NULL, *crit_file = NULL;
	const char *stylefile = NULL;
	struct flowrun fr = { NULL, NULL, NULL, NULL };
	struct drawing dr = { ECPR_FC_OPTS_INIT, 300, NULL };
	int v, fmt_given = 0;
	prog_run run;
	ecpr_criteria *c = NULL;
	ecpr_tz *tz = NULL;
	enum format fmt = FMT_TEXT;
	int ch, code;

	prog_init(argv[0]);
	memset(&run, 0, sizeof(run));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:kf:o:l:s:d:S:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			crit_file = optarg;
			break;
		case 'k':
			run.keep_going = 1;
			break;
		case 'f':
			fmt_given = 1;
			if (strcmp(optarg, "text") == 0)
				fmt = FMT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				fmt = FMT_CSV;
			else if (strchr(optarg, '.') == NULL &&
			    (v = ecpr_tl_format_lookup(optarg)) >= 0)
				fmt = (enum format)(FMT_PDF + v);
			else
				prog_usage_error(USAGE_LINE,
				    "unknown format \"%s\" (text, csv, pdf, svg "
				    "or png)", optarg);
			break;
		case 'l':
			if ((v = ecpr_fc_kind_lookup(optarg)) < 0)
				prog_usage_error(USAGE_LINE,
				    "unknown layout \"%s\" (consort or "
				    "protocol)", optarg);
			dr.opts.kind = (ecpr_fc_kind)v;
			break;
		case 's':
			if ((v = ecpr_tl_size_lookup(optarg)) < 0)
				prog_usage_error(USAGE_LINE,
				    "unknown size \"%s\"", optarg);
			dr.opts.size = (ecpr_tl_size)v;
			break;
		case 'd':
			dr.dpi = prog_dpi_arg(USAGE_LINE, optarg);
			break;
		case 'S':
			stylefile = optarg;
			break;
		case 'z':
			tzname = optarg;
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
	if (crit_file == NULL)
		prog_usage_error(USAGE_LINE, "no criteria file (-c FILE)");
	/* -o FILE.pdf, .svg, .png: drawn */
	if (!fmt_given && output != NULL &&
	    (v = ecpr_tl_format_lookup(output)) >= 0 &&
	    strchr(output, '.') != NULL)
		fmt = (enum format)(FMT_PDF + v);
	if (DRAWN(fmt) && (output == NULL || strcmp(output, "-") == 0))
		prog_usage_error(USAGE_LINE, "a drawn flowchart needs -o FILE");
	if (!DRAWN(fmt) && (dr.opts.kind == ECPR_FC_PROTOCOL ||
	    stylefile != NULL))
		prog_usage_error(USAGE_LINE, "--layout protocol and --style "
		    "draw: use -o FILE.pdf, .svg or .png");
	if (dr.opts.kind == ECPR_FC_PROTOCOL && (optind < argc || src.use_db))
		prog_usage_error(USAGE_LINE, "--layout protocol reads no "
		    "episodes: no FILE, --db, --site, --subject, --since, "
		    "--until");
	if (stylefile != NULL &&
	    ((code = ecpr_tl_style_new(&dr.style, &err)) != ECPR_OK ||
	    (code = ecpr_tl_style_load(dr.style, stylefile, &err)) !=
	    ECPR_OK)) {
		prog_report(&err);
		ecpr_tl_style_free(dr.style);
		return prog_finish(prog_exit_code(code));
	}
	dr.opts.style = dr.style;
	prog_source_check(&src, USAGE_LINE, argc - optind);
	if ((code = prog_load_tz(tzname, &tz)) != 0)
		return code;
	prog_filter_times(USAGE_LINE, &src.filter, src.since, src.until, tz);
	if (ecpr_criteria_load(&c, crit_file, &err) != ECPR_OK) {
		prog_report(&err);
		code = prog_exit_code(err.code);
		goto out;
	}
	fr.c = c;
	if (ecpr_flow_new(&fr.f, c, &err) != ECPR_OK ||
	    (fr.v = calloc(ecpr_criteria_count(c), sizeof(*fr.v))) == NULL) {
		prog_error("out of memory");
		code = EX_OSERR;
		goto out;
	}
	if (fmt == FMT_CSV && (fr.paths = tmpfile()) == NULL) {
		prog_error("cannot create a temporary file");
		code = EX_CANTCREAT;
		goto out;
	}
	if (dr.opts.kind == ECPR_FC_PROTOCOL)
		run.code = 0;
	else if (src.use_db)
		prog_read_db(&run, src.conninfo, &src.filter, add_episode, &fr);
	else
		prog_read_files(&run, (const char *const *)(argv + optind),
		    argc - optind, tz, add_episode, &fr);
	code = run.code;
	if (code == 0 && DRAWN(fmt))
		code = draw(output, fmt, &dr, c, fr.f);
	else if (code == 0)
		code = write_output(output, fmt, c, fr.f, fr.paths);
out:
	if (fr.paths != NULL)
		fclose(fr.paths);
	free(fr.v);
	ecpr_flow_free(fr.f);
	ecpr_criteria_free(c);
	ecpr_tl_style_free(dr.style);
	ecpr_tz_free(tz);
	return prog_finish(code);
}
