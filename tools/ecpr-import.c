/*
 * ecpr-import - validate case records and load them into the registry
 *
 * All files are read through one ecpr_source (wide and long CSV merged),
 * streamed into staging tables with COPY and merged set-based in one
 * transaction: any error rolls everything back.  Re-importing the same
 * records changes nothing; a corrected value is updated and audited.
 */
#include "config.h"

#include <sys/time.h>

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecpr.h"
#include "ecpr_db.h"
#include "progutil.h"

#define USAGE_LINE \
	"ecpr-import [-n] [-q] [--db CONNINFO] [--tz ZONE] FILE ..."

static void
usage(void)
{
	printf("usage: %s\n\n", USAGE_LINE);
	printf("Validate case-record files (wide and long CSV) and load them\n"
	    "into the registry in one transaction.\n\n"
	    "options:\n"
	    "  -n, --dry-run      validate and merge, then roll back\n"
	    "  -q, --quiet        no summary\n"
	    "      --db CONNINFO  the registry (default: the PG* environment,\n"
	    "                     else the embedded registry of ecpr-db)\n"
	    "      --tz ZONE      time zone of local times (default $ECPR_TZ)\n"
	    "  -h, --help         this help\n"
	    "  -V, --version      the version\n");
}

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "db", required_argument, NULL, 'd' },
		{ "tz", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conninfo = NULL, *tzname = NULL;
	int dry_run = 0, quiet = 0, ch, code, rc, i, progress;
	ecpr_tz *tz = NULL;
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_source *src = NULL;
	ecpr_db *db = NULL;
	ecpr_db_import *im = NULL;
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep;
	char *files = NULL;
	size_t flen = 0, n = 0;
	double t0, last;

	prog_init(argv[0]);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":nqhV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'n':
			dry_run = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'd':
			conninfo = optarg;
			break;
		case 'z':
			tzname = optarg;
			break;
		case 'h':
			usage();
			return prog_finish(0);
		case 'V':
			prog_version();
			return prog_finish(0);
		default:
			prog_getopt_error(USAGE_LINE, argv, ch);
		}
	}
	if (optind >= argc)
		prog_usage_error(USAGE_LINE, "no file to import");
	if ((code = prog_load_tz(tzname, &tz)) != 0)
		return code;
	opts.tz = tz;
	if (ecpr_source_new(&src, &opts, &err) != 0)
		goto fail;
	for (i = optind; i < argc; i++) {
		size_t k = strlen(argv[i]);
		char *nf = realloc(files, flen + k + 2);

		if (nf == NULL) {
			err.code = ECPR_ENOMEM;
			snprintf(err.message, sizeof(err.message),
			    "out of memory");
			goto fail;
		}
		files = nf;
		if (flen > 0)
			files[flen++] = ' ';
		memcpy(files + flen, argv[i], k + 1);
		flen += k;
		if (ecpr_source_add_file(src, argv[i], &err) != 0)
			goto fail;
	}
	if (ecpr_db_connect(&db, conninfo, &err) != 0)
		goto fail;
	if (ecpr_db_import_begin(&im, db, files, tz ? ecpr_tz_name(tz) :
	    NULL, &err) != 0)
		goto fail;
	progress = !quiet && isatty(STDERR_FILENO);
	t0 = last = now();
	for (;;) {
		if ((rc = ecpr_source_next(src, &ep, &err)) != 0)
			goto fail;
		if (ep == NULL)
			break;
		rc = ecpr_db_import_add(im, ep, &err);
		ecpr_episode_free(ep);
		if (rc != 0)
			goto fail;
		n++;
		if (progress && (n & 255) == 0 && now() - last >= 0.5) {
			uint64_t done, total;
			double el;

			last = now();
			el = last - t0;
			ecpr_source_progress(src, &done, &total);
			fprintf(stderr, "\r%s: %zu episodes, %.0f/s", prog_name(),
			    n, (double)n / el);
			if (total > 0 && done > 0)
				fprintf(stderr, ", %.0f%%, ETA %.0f s ",
				    100.0 * (double)done / (double)total,
				    el * (double)(total - done) / (double)done);
		}
	}
	if (progress)
		fprintf(stderr, "\r%s: %zu episodes read, merging...   ",
		    prog_name(), n);
	rc = ecpr_db_import_commit(im, dry_run, &st, &err);
	if (progress)
		fprintf(stderr, "\r%60s\r", "");
	if (rc != 0)
		goto fail;
	if (!quiet)
		printf("%sepisodes: %zu inserted, %zu updated, %zu unchanged\n",
		    dry_run ? "dry run: " : "", st.inserted, st.updated,
		    st.unchanged);
	ecpr_db_import_free(im);
	ecpr_db_free(db);
	ecpr_source_free(src);
	ecpr_tz_free(tz);
	free(files);
	return prog_finish(0);
fail:
	prog_report(&err);
	ecpr_db_import_free(im); /* rolls back */
	ecpr_db_free(db);
	ecpr_source_free(src);
	ecpr_tz_free(tz);
	free(files);
	return prog_finish(prog_exit_code(err.code));
}
