/*
 * progutil.h - what every ecpr-* tool shares: the program name, message
 * format ("prog: file:line: message"), exit codes (sysexits.h).
 */
#ifndef ECPR_PROGUTIL_H
#define ECPR_PROGUTIL_H

#include <getopt.h>
#include <stdio.h>
#include <sysexits.h>

#include "ecpr.h"

#if defined(__GNUC__)
#define PROG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PROG_NORETURN __attribute__((noreturn))
#else
#define PROG_PRINTF(f, a)
#define PROG_NORETURN
#endif

/* Remember the program name (basename of argv[0], libtool's lt- cut). */
void prog_init(const char *argv0);
const char *prog_name(void);

/* "prog: FILE:LINE: message" on stderr. */
void prog_report(const ecpr_error *err);
/* "prog: message" on stderr. */
void prog_error(const char *fmt, ...) PROG_PRINTF(1, 2);
/* "prog: warning: message" on stderr. */
void prog_warn(const char *fmt, ...) PROG_PRINTF(1, 2);

/* The sysexits code for a library status (EX_DATAERR for EPARSE ...). */
int prog_exit_code(int status);
/* The exit code of an error: prog_exit_code of its code, but a temporary
 * file (a spool, sorted runs) that cannot be made is EX_CANTCREAT and one
 * that cannot be written EX_IOERR, not a missing input. */
int prog_error_exit(const ecpr_error *err);
/* The worse of two exit codes (0 < 65 < 66 < ... by severity). */
int prog_worse(int a, int b);

/* Print "NAME (ecprkit) VERSION" on stdout. */
void prog_version(void);
/* Print the usage line and "Try 'prog --help'." on stderr; exit 64. */
void prog_usage_error(const char *usage_line, const char *fmt, ...)
    PROG_PRINTF(2, 3) PROG_NORETURN;

/*
 * Report what getopt_long refused (ch is its ':' or '?' return: a missing
 * argument or an unknown option) with the usage line; exit 64.
 */
void prog_getopt_error(const char *usage_line, char *const argv[], int ch)
    PROG_NORETURN;

/* Flush stdout and check it: returns code, or EX_IOERR if writing failed. */
int prog_finish(int code);

/*
 * Load the time zone named by --tz (or $ECPR_TZ when name is NULL).
 * *out = NULL when neither is set.  Returns an exit code (0 or 64).
 */
int prog_load_tz(const char *name, ecpr_tz **out);

/*
 * Set the filter's since and until from the values of --since and
 * --until (either may be NULL: not given), local times in tz.  A bad
 * value is a usage error "--since: MESSAGE" (exit 64).
 */
void prog_filter_times(const char *usage_line, ecpr_episode_filter *f,
    const char *since, const char *until, const ecpr_tz *tz);

/* The value of --dpi (a PNG's resolution): a number from 10 to 2400, or
 * a usage error (exit 64). */
double prog_dpi_arg(const char *usage_line, const char *arg);

/* The value of --window FROM,TO: two event names (ecmo_flow_start,
 * ecmo_stop), or a usage error (exit 64). */
void prog_window_arg(const char *usage_line, const char *arg,
    ecpr_event_type *from, ecpr_event_type *to);

/*
 * Where a tool reads its episodes: files, or the registry with the
 * filters every reading tool offers (--db, --site, --subject, --since,
 * --until).  Put PROG_SOURCE_LONGOPTS in the getopt_long table and give
 * each option to prog_source_option.
 */
enum {
	PROG_OPT_DB = 0x1000,
	PROG_OPT_SITE,
	PROG_OPT_SUBJECT,
	PROG_OPT_SINCE,
	PROG_OPT_UNTIL
};
#define PROG_SOURCE_LONGOPTS \
	{ "db", required_argument, NULL, PROG_OPT_DB }, \
	{ "site", required_argument, NULL, PROG_OPT_SITE }, \
	{ "subject", required_argument, NULL, PROG_OPT_SUBJECT }, \
	{ "since", required_argument, NULL, PROG_OPT_SINCE }, \
	{ "until", required_argument, NULL, PROG_OPT_UNTIL }

typedef struct prog_source {
	int use_db;           /* read the registry */
	const char *conninfo; /* --db (NULL: the PG* environment or the
	                         embedded registry) */
	const char *since, *until;
	ecpr_episode_filter filter;
} prog_source;

#define PROG_SOURCE_INIT { 0, NULL, NULL, NULL, ECPR_EPISODE_FILTER_INIT }

/* Take option ch (a PROG_OPT_*) with its argument: 1, or 0 when ch is
 * not one of them. */
int prog_source_option(prog_source *src, int ch, const char *arg);

/*
 * After the options, with nfiles FILE arguments: files and the registry
 * options together are a usage error (exit 64); no FILE means the
 * registry.
 */
void prog_source_check(prog_source *src, const char *usage_line,
    int nfiles);

/* Write a CSV field and its separator (a newline when last): quoted when
 * it holds , " CR or LF. */
void prog_csv_put(FILE *fp, const char *v, int last);
/*
 * The n fields v as prog_csv_put writes them one after the other (the
 * last followed by a newline when last, else by a comma), into buf of cap
 * bytes for one fwrite: their length, or 0 when they do not fit (then
 * write them with prog_csv_put).  n > 0.
 */
size_t prog_csv_fields(char *buf, size_t cap, const char *const *v,
    size_t n, int last);

/*
 * Write to path ("-": standard output) through ecpr_outfile_open(): a
 * temporary file beside it renamed over it on success, so that a failed
 * run never leaves a truncated file, and a replaced file keeps its mode.
 * flags: ECPR_OUTFILE_PRIVATE makes a new file 0600.  Returns 0 or an
 * exit code (the error reported).
 */
typedef struct prog_outfile {
	FILE *fp;
	ecpr_outfile *of; /* NULL for standard output */
} prog_outfile;
int prog_outfile_create(prog_outfile *of, const char *path, int flags);
/* prog_outfile_create(of, path, 0) */
int prog_outfile_open(prog_outfile *of, const char *path);
/* ok != 0: close, check and rename; else remove the temporary file. */
int prog_outfile_close(prog_outfile *of, int ok);

/*
 * One run of a tool reading episodes: whether to go on after data errors
 * (--keep-going) and what was reported.  Start from all zeros.
 */
typedef struct prog_run {
	int keep_going;
	int code;          /* the worst exit code so far */
	size_t nreported;
	ecpr_error last;   /* the last error reported, to avoid repeats */
} prog_run;
/*
 * Report an error with prog_report() and keep the worse exit code; the
 * same error twice in a row (given to the callback, then returned) is
 * printed once.
 */
void prog_run_report(prog_run *run, const ecpr_error *err);

/* What a tool does with each episode read (ep is freed after):
 * ECPR_OK, or an ecpr_status with err filled. */
typedef int (*prog_episode_fn)(void *ctx, const ecpr_episode *ep,
    ecpr_error *err);
/*
 * Read case-record files as one stream (tz: the site zone) and give each
 * episode to fn while the run has not failed.  Without keep_going the
 * first error ends the reading; with it data errors are reported, the
 * episodes concerned skipped, and reading goes on (an episode fn refuses
 * too, unless memory ran out).  Returns run->code.
 */
int prog_read_files(prog_run *run, const char *const files[], int nfiles,
    const ecpr_tz *tz, prog_episode_fn fn, void *ctx);
/*
 * The same for the registry's episodes that pass filter (conninfo "" or
 * NULL: the PG* environment, else the embedded registry); the first
 * error ends the reading, keep_going or not.
 */
int prog_read_db(prog_run *run, const char *conninfo,
    const ecpr_episode_filter *filter, prog_episode_fn fn, void *ctx);

/*
 * Read the files, or the registry when src->use_db (after
 * prog_source_check), giving each episode to fn: prog_read_files or
 * prog_read_db.  Returns run->code.
 */
int prog_source_read(prog_run *run, const prog_source *src,
    char *const files[], int nfiles, const ecpr_tz *tz, prog_episode_fn fn,
    void *ctx);

/* What a tool writes: ECPR_OK, or an ecpr_status with err filled. */
typedef int (*prog_write_fn)(void *ctx, FILE *fp, ecpr_error *err);
/*
 * Write with fn to path (NULL or "-": standard output), a file replaced
 * only when everything was written (prog_outfile_open).  Returns 0 or an
 * exit code, the error reported: EX_OSERR out of memory, EX_IOERR
 * ("PATH: message") when writing failed.
 */
int prog_write_output(const char *path, prog_write_fn fn, void *ctx);

#endif
