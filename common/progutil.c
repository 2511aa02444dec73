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

int
prog_error_exit(const ecpr_error *err)
{
	static const char made[] = "cannot create a temporary file";
	static const char written[] = "cannot write a temporary file";

	if (err->code == ECPR_EIO &&
	    strncmp(err->message, made, sizeof(made) - 1) == 0)
		return EX_CANTCREAT;
	if (err->code == ECPR_EIO &&
	    strncmp(err->message, written, sizeof(written) - 1) == 0)
		return EX_IOERR;
	return prog_exit_code(err->code);
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
prog_source_option(prog_source *src, int ch, const char *arg)
{
	switch (ch) {
	case PROG_OPT_DB:
		src->conninfo = arg;
		break;
	case PROG_OPT_SITE:
		src->filter.site = arg;
		break;
	case PROG_OPT_SUBJECT:
		src->filter.subject = arg;
		break;
	case PROG_OPT_SINCE:
		src->since = arg;
		break;
	case PROG_OPT_UNTIL:
		src->until = arg;
		break;
	default:
		return 0;
	}
	src->use_db = 1;
	return 1;
}

void
prog_source_check(prog_source *src, const char *usage_line, int nfiles)
{
	if (src->use_db && nfiles > 0)
		prog_usage_error(usage_line, "files and --db, --site, "
		    "--subject, --since, --until do not go together");
	/* no FILE: the registry (the PG* environment or the embedded one) */
	if (nfiles == 0)
		src->use_db = 1;
}

/* The bytes that end the plain part of a field: NUL , " CR LF. */
static const unsigned char csv_stop[256] = {
	['\0'] = 1, [','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1
};

/* The length of v's part that is written as it is: all of v when it
 * holds none of , " CR LF (else the field goes in quotes). */
static size_t
csv_plain_len(const char *v)
{
	size_t n = 0;

	while (!csv_stop[(unsigned char)v[n]])
		n++;
	return n;
}

/* The n bytes at v inside quotes (a quote doubled) into dst, room for 2n
 * bytes: their length. */
static size_t
csv_quoted(char *dst, const char *v, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == '"')
			dst[len++] = '"';
		dst[len++] = v[i];
	}
	return len;
}

/* v as prog_csv_put writes it, followed by sep, into buf of cap bytes:
 * its length, or 0 when it does not fit. */
static size_t
csv_field(char *buf, size_t cap, const char *v, char sep)
{
	size_t n = 0, len;

	/* copied as it is scanned (most fields are short and plain: no
	 * call of strcspn, then of memcpy) */
	while (n < cap && !csv_stop[(unsigned char)v[n]]) {
		buf[n] = v[n];
		n++;
	}
	if (n == cap)
		return 0; /* a plain part as long as buf: no room for sep */
	if (v[n] == '\0') {
		buf[n] = sep;
		return n + 1;
	}
	n += strlen(v + n);
	if (2 * n + 3 > cap)
		return 0;
	buf[0] = '"';
	len = 1 + csv_quoted(buf + 1, v, n);
	buf[len++] = '"';
	buf[len++] = sep;
	return len;
}

size_t
prog_csv_fields(char *buf, size_t cap, const char *const *v, size_t n,
    int last)
{
	size_t i, k, len = 0;

	for (i = 0; i < n; i++) {
		if ((k = csv_field(buf + len, cap - len, v[i],
		    last && i + 1 == n ? '\n' : ',')) == 0)
			return 0;
		len += k;
	}
	return len;
}

void
prog_csv_put(FILE *fp, const char *v, int last)
{
	char buf[256];
	size_t n;

	if ((n = csv_field(buf, sizeof(buf), v, last ? '\n' : ',')) > 0) {
		fwrite(buf, 1, n, fp);
		return;
	}
	/* a long field: as it is, or quoted a piece at a time */
	n = csv_plain_len(v);
	if (v[n] == '\0') {
		fwrite(v, 1, n, fp);
	} else {
		putc('"', fp);
		for (; *v != '\0'; v += n) {
			n = strnlen(v, sizeof(buf) / 2);
			fwrite(buf, 1, csv_quoted(buf, v, n), fp);
		}
		putc('"', fp);
	}
	putc(last ? '\n' : ',', fp);
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

/* ------------------------------------------------------------------ */
/* Reading episodes from files or the registry                         */
/* ------------------------------------------------------------------ */

static int
same_error(const ecpr_error *a, const ecpr_error *b)
{
	return a->code == b->code && a->line == b->line &&
	    strcmp(a->file, b->file) == 0 &&
	    strcmp(a->message, b->message) == 0;
}

/*
 * Report one error and remember the worst exit code.  The same error
 * twice in a row (given to the callback, then returned) is printed once.
 */
void
prog_run_report(prog_run *run, const ecpr_error *err)
{
	if (run->nreported > 0 && same_error(&run->last, err))
		return;
	prog_report(err);
	run->last = *err;
	run->nreported++;
	run->code = prog_worse(run->code, prog_error_exit(err));
}

static void
on_error(const ecpr_error *err, void *ctx)
{
	prog_run_report(ctx, err);
}

/*
 * Give every episode a stream gives (files or the registry) to fn.
 * Returns 0 when fn took every episode, else leaves the reason in
 * run->code.
 */
static int
collect(ecpr_episodes *es, prog_run *run, prog_episode_fn fn, void *ctx)
{
	ecpr_error err = ECPR_ERROR_INIT, prev = ECPR_ERROR_INIT;
	ecpr_episode *ep;
	size_t nreturned = 0;
	int rc;

	for (;;) {
		ep = NULL;
		rc = ecpr_episodes_next(es, &ep, &err);
		if (rc != ECPR_OK) {
			ecpr_episode_free(ep);
			prog_run_report(run, &err);
			/*
			 * Only data errors let a keep-going run go on, and
			 * only while the source moves on (not the same
			 * error returned twice).
			 */
			if (!run->keep_going || (rc != ECPR_EPARSE &&
			    rc != ECPR_ERULE) || (nreturned > 0 &&
			    same_error(&prev, &err)))
				break;
			prev = err;
			nreturned++;
			ecpr_error_clear(&err);
			continue;
		}
		if (ep == NULL)
			break;
		/* Once the run has failed, episodes are no longer needed. */
		rc = run->code == 0 ? fn(ctx, ep, &err) : ECPR_OK;
		ecpr_episode_free(ep);
		if (rc != ECPR_OK) {
			prog_run_report(run, &err);
			if (!run->keep_going || rc == ECPR_ENOMEM)
				break;
			ecpr_error_clear(&err);
		}
	}
	if (ecpr_episodes_error_count(es) > 0 && run->code == 0)
		run->code = EX_DATAERR;
	return run->code;
}

int
prog_read_files(prog_run *run, const char *const files[], int nfiles,
    const ecpr_tz *tz, prog_episode_fn fn, void *ctx)
{
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episodes *es = NULL;
	int i, rc;

	opts.tz = tz;
	if (run->keep_going) {
		opts.on_error = on_error;
		opts.ctx = run;
	}
	rc = ecpr_episodes_open_files(&es, &opts, NULL, &err);
	if (rc != ECPR_OK) {
		prog_run_report(run, &err);
		return run->code;
	}
	for (i = 0; i < nfiles; i++) {
		rc = ecpr_episodes_add_file(es, files[i], &err);
		if (rc != ECPR_OK) {
			prog_run_report(run, &err);
			if (!run->keep_going)
				break;
			ecpr_error_clear(&err);
		}
	}
	if (run->code == 0 || run->keep_going)
		collect(es, run, fn, ctx);
	ecpr_episodes_free(es);
	return run->code;
}

int
prog_read_db(prog_run *run, const char *conninfo,
    const ecpr_episode_filter *filter, prog_episode_fn fn, void *ctx)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episodes *es = NULL;
	int rc;

	/* the registry's first error ends the reading */
	run->keep_going = 0;
	rc = ecpr_episodes_open_registry(&es, conninfo, filter, &err);
	if (rc != ECPR_OK)
		prog_run_report(run, &err);
	else
		collect(es, run, fn, ctx);
	ecpr_episodes_free(es);
	return run->code;
}

int
prog_source_read(prog_run *run, const prog_source *src,
    char *const files[], int nfiles, const ecpr_tz *tz, prog_episode_fn fn,
    void *ctx)
{
	if (src->use_db)
		return prog_read_db(run, src->conninfo, &src->filter, fn, ctx);
	return prog_read_files(run, (const char *const *)files, nfiles, tz,
	    fn, ctx);
}

int
prog_write_output(const char *path, prog_write_fn fn, void *ctx)
{
	ecpr_error err = ECPR_ERROR_INIT;
	prog_outfile of;
	int rc, code;

	code = prog_outfile_open(&of, path != NULL ? path : "-");
	if (code != 0)
		return code;
	rc = fn(ctx, of.fp, &err);
	if (rc == ECPR_ENOMEM) {
		prog_outfile_close(&of, 0);
		prog_error("out of memory");
		return EX_OSERR;
	}
	code = prog_outfile_close(&of, rc == ECPR_OK);
	if (rc != ECPR_OK && code == 0) {
		prog_error("%s: %s", path != NULL ? path : "standard output",
		    err.message);
		code = EX_IOERR;
	}
	return code;
}

double
prog_dpi_arg(const char *usage_line, const char *arg)
{
	char *end;
	double dpi = strtod(arg, &end);

	if (*arg == '\0' || *end != '\0' || !(dpi >= 10 && dpi <= 2400))
		prog_usage_error(usage_line, "--dpi \"%s\" is not a number "
		    "from 10 to 2400", arg);
	return dpi;
}

void
prog_window_arg(const char *usage_line, const char *arg,
    ecpr_event_type *from, ecpr_event_type *to)
{
	char first[64];
	const char *comma = strchr(arg, ',');
	size_t n = comma != NULL ? (size_t)(comma - arg) : 0;
	int a = -1, b = -1;

	if (comma != NULL && n < sizeof(first)) {
		memcpy(first, arg, n);
		first[n] = '\0';
		a = ecpr_event_lookup(first);
		b = ecpr_event_lookup(comma + 1);
	}
	if (a < 0 || b < 0)
		prog_usage_error(usage_line, "--window \"%s\": want two event "
		    "names, FROM,TO (ecmo_flow_start,ecmo_stop)", arg);
	*from = (ecpr_event_type)a;
	*to = (ecpr_event_type)b;
}
