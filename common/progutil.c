/*
 * progutil.c - shared helpers of the ecpr-* tools
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "progutil.h"

/* The only file-scope variable of the tools: the program name. */
static const char *progname = "ecpr";

void
prog_init(const char *argv0)
{
	const char *p;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	p = strrchr(argv0, '/');
	p = p ? p + 1 : argv0;
	if (strncmp(p, "lt-", 3) == 0)
		p += 3;
	progname = p;
}

const char *
prog_name(void)
{
	return progname;
}

void
prog_report(const ecpr_error *err)
{
	char buf[ECPR_ERROR_FILE_MAX + ECPR_ERROR_MSG_MAX + 32];

	ecpr_error_format(err, buf, sizeof(buf));
	fprintf(stderr, "%s: %s\n", progname, buf);
}

void
prog_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
prog_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
prog_exit_code(int status)
{
	switch (status) {
	case ECPR_OK:
		return 0;
	case ECPR_EPARSE:
	case ECPR_ERULE:
		return EX_DATAERR;
	case ECPR_EIO:
		return EX_NOINPUT;
	case ECPR_ENOTFOUND:
	case ECPR_EINVAL:
		return EX_USAGE;
	case ECPR_EDB:
		return EX_UNAVAILABLE;
	case ECPR_ERENDER:
		return EX_CANTCREAT;
	default:
		return EX_SOFTWARE;
	}
}

static int
severity(int code)
{
	switch (code) {
	case 0:
		return 0;
	case EX_DATAERR:
		return 1;
	case EX_NOINPUT:
		return 2;
	case EX_USAGE:
		return 3;
	case EX_UNAVAILABLE:
		return 4;
	case EX_CANTCREAT:
	case EX_IOERR:
		return 5;
	default:
		return 6;
	}
}

int
prog_worse(int a, int b)
{
	return severity(b) > severity(a) ? b : a;
}

void
prog_version(void)
{
	printf("%s (ecprkit) %s\n", progname, PACKAGE_VERSION);
}

void
prog_usage_error(const char *usage_line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\nTry '%s --help' for more information.\n",
	    usage_line, progname);
	exit(EX_USAGE);
}

void
prog_getopt_error(const char *usage_line, char *const argv[], int ch)
{
	if (ch == ':')
		prog_usage_error(usage_line, "option \"%s\" needs an argument",
		    argv[optind - 1]);
	if (optopt != 0)
		prog_usage_error(usage_line, "unknown option \"-%c\"", optopt);
	prog_usage_error(usage_line, "unknown option \"%s\"",
	    argv[optind - 1]);
}

int
prog_finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write standard output: %s\n",
		    progname, strerror(errno));
		return prog_worse(code, EX_IOERR);
	}
	return code;
}

int
prog_load_tz(const char *name, ecpr_tz **out)
{
	ecpr_error err = ECPR_ERROR_INIT;

	*out = NULL;
	if (name == NULL)
		name = getenv("ECPR_TZ");
	if (name == NULL || *name == '\0')
		return 0;
	if (ecpr_tz_load(out, name, &err) != ECPR_OK) {
		prog_error("--tz: %s", err.message);
		return EX_USAGE;
	}
	return 0;
}

void
prog_filter_times(const char *usage_line, ecpr_episode_filter *f,
    const char *since, const char *until, const ecpr_tz *tz)
{
	ecpr_error err = ECPR_ERROR_INIT;

	if (since != NULL && ecpr_episode_filter_since(f, since, tz, &err) !=
	    ECPR_OK)
		prog_usage_error(usage_line, "--since: %s", err.message);
	if (until != NULL && ecpr_episode_filter_until(f, until, tz, &err) !=
	    ECPR_OK)
		prog_usage_error(usage_line, "--until: %s", err.message);
}

int
prog_outfile_create(prog_outfile *of, const char *path, int flags)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc;

	memset(of, 0, sizeof(*of));
	if (strcmp(path, "-") == 0) {
		of->fp = stdout;
		return 0;
	}
	if ((rc = ecpr_outfile_open(&of->of, path, flags, &err)) != ECPR_OK) {
		prog_report(&err);
		return rc == ECPR_ENOMEM ? EX_OSERR : EX_CANTCREAT;
	}
	of->fp = ecpr_outfile_fp(of->of);
	return 0;
}

int
prog_outfile_open(prog_outfile *of, const char *path)
{
	return prog_outfile_create(of, path, 0);
}

int
prog_outfile_close(prog_outfile *of, int ok)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc = 0;

	if (of->fp == stdout) {
		of->fp = NULL;
		return ok ? prog_finish(0) : 0;
	}
	if (of->of != NULL && ecpr_outfile_close(of->of, ok, &err) !=
	    ECPR_OK) {
		prog_report(&err);
		rc = strncmp(err.message, "cannot write", 12) == 0 ?
		    EX_IOERR : EX_CANTCREAT;
	}
	memset(of, 0, sizeof(*of));
	return rc;
}
