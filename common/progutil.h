/*
 * progutil.h - what every ecpr-* tool shares: the program name, message
 * format ("prog: file:line: message"), exit codes (sysexits.h).
 */
#ifndef ECPR_PROGUTIL_H
#define ECPR_PROGUTIL_H

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

#endif
