/*
 * ecpr-odm - CDISC ODM 1.3.2 exchange: validate, dump, export and import
 * ODM files.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ecpr_db.h"
#include "ecpr_odm.h"
#include "progutil.h"

#ifndef ECPR_ODM_SCHEMA_DIR
#define ECPR_ODM_SCHEMA_DIR ""
#endif

static const char usage_line[] =
    "ecpr-odm [--schema-dir DIR] validate [--lax] [--schema-only] "
    "[--tz ZONE] FILE...\n"
    "       ecpr-odm dump FILE...\n"
    "       ecpr-odm export [--key-file F] [--identified] [--tz ZONE] "
    "[-o FILE] FILE...\n"
    "       ecpr-odm export [--key-file F] [--identified [--audit]] "
    "[--db CONNINFO]\n"
    "                [--site S] [--subject S] [--since T] [--until T] "
    "[-o FILE]\n"
    "       ecpr-odm import [--map MAPFILE] [--date-format FMT] [--tz ZONE]\n"
    "                [-o FILE] [-a FILE] [--observations FILE]\n"
    "                [--complications FILE] FILE...\n"
    "       ecpr-odm import --db CONNINFO [-n] [--map MAPFILE] "
    "[--date-format FMT]\n"
    "                [--tz ZONE] FILE...";

/* The commands, as bits of which an option belongs to. */
enum { C_VALIDATE = 1, C_DUMP = 2, C_EXPORT = 4, C_IMPORT = 8 };

/* Each option: its getopt code, its name and the commands it applies to. */
static const struct opt_cmd {
	int ch;
	const char *name;
	unsigned cmds;
} opt_cmds[] = {
	{ 'l', "--lax", C_VALIDATE },
	{ 'O', "--schema-only", C_VALIDATE },
	{ 's', "--schema-dir", C_VALIDATE },
	{ 'z', "--tz", C_VALIDATE | C_EXPORT | C_IMPORT },
	{ 'k', "--key-file", C_EXPORT },
	{ 'i', "--identified", C_EXPORT },
	{ 'A', "--audit", C_EXPORT },
	{ 'S', "--site", C_EXPORT },
	{ 'U', "--subject", C_EXPORT },
	{ 'B', "--since", C_EXPORT },
	{ 'E', "--until", C_EXPORT },
	{ 'D', "--db", C_EXPORT | C_IMPORT },
	{ 'o', "-o (--output)", C_EXPORT | C_IMPORT },
	{ 'm', "--map", C_IMPORT },
	{ 'F', "--date-format", C_IMPORT },
	{ 'a', "-a (--attributes)", C_IMPORT },
	{ 'b', "--observations", C_IMPORT },
	{ 'c', "--complications", C_IMPORT },
	{ 'n', "-n (--dry-run)", C_IMPORT },
};
#define NOPT_CMDS (sizeof(opt_cmds) / sizeof(opt_cmds[0]))

/* Most --date-format options of one run. */
#define ECPR_ODM_MAX_DATE_FORMATS 8

/* Options of every command. */
struct opts {
	unsigned char given[NOPT_CMDS]; /* opt_cmds[i] was given */
	const char *schema_dir;
	const char *key_file;
	const char *output;
	const char *map;
	const char *date_formats[ECPR_ODM_MAX_DATE_FORMATS];
	size_t ndate_formats;
	const char *tz;
	const char *attributes;
	const char *observations;
	const char *complications;
	const char *conninfo; /* --db, or NULL */
	ecpr_episode_filter filter;
	const char *since, *until;
	int use_db;           /* --db or a filter given */
	int audit;
	int dry_run;
	int lax;
	int schema_only;
	int identified;
};

static void
usage(void)
{
	printf("usage: %s\n\n"
	    "Exchange ECPR registry data as CDISC ODM 1.3.2 XML.\n\n"
	    "Commands:\n"
	    "  validate FILE...    check files against the ODM 1.3.2 XML "
	    "Schema and\n"
	    "                      their ClinicalData against our study "
	    "metadata\n"
	    "  dump FILE...        print ClinicalData as CSV: subject,event,"
	    "repeat,\n"
	    "                      form,item_group,repeat,item,value,"
	    "transaction,unit\n"
	    "  export [FILE...]    write case-record files (no FILE: the "
	    "registry)\n"
	    "                      as one ODM document, de-identified unless "
	    "--identified\n"
	    "  import FILE...      write ODM ClinicalData as long case-record "
	    "CSV,\n"
	    "                      or load it into the registry (--db)\n\n"
	    "Options (an option given to another command is an error):\n"
	    "  -a, --attributes FILE (import) write the attributes as a wide "
	    "file\n"
	    "      --observations FILE, --complications FILE\n"
	    "                        (import) write the observations, the "
	    "complications\n"
	    "                        as long case-record files\n"
	    "      --audit           (export, registry, --identified) add "
	    "AuditRecords\n"
	    "                        from the registry's audit log\n"
	    "      --db CONNINFO     (export, import) the registry (\"\": the "
	    "PG*\n"
	    "                        environment, else the embedded "
	    "registry)\n"
	    "  -n, --dry-run         (import --db) merge, count, then roll "
	    "back\n"
	    "      --site SITE, --subject SUBJECT, --since TIME, --until TIME\n"
	    "                        (export) the registry's episodes to "
	    "export\n"
	    "      --identified      (export) keep subject keys, dates, ages "
	    "and free text\n"
	    "      --key-file FILE   (export) the site key (default "
	    "$ECPR_ODM_KEY,\n"
	    "                        the key itself)\n"
	    "      --map MAPFILE     (import) OID to field mapping, see "
	    "ecpr-odm-map(5)\n"
	    "      --date-format FMT (import) also read dates and times "
	    "written so\n"
	    "                        (strptime(3), \"%%d %%b %%Y\" reads "
	    "01 JAN 1980);\n"
	    "                        may be given up to 8 times\n"
	    "  -o, --output FILE     (export, import) write to FILE "
	    "(default stdout)\n"
	    "      --tz ZONE         (export, import, validate) zone of local "
	    "times "
	    "(default $ECPR_TZ)\n"
	    "      --lax             (validate) set foreign-namespace "
	    "elements and\n"
	    "                        attributes aside before validating\n"
	    "      --schema-only     (validate) skip the check against our "
	    "study\n"
	    "                        metadata\n"
	    "      --schema-dir DIR  (validate) directory holding "
	    "ODM1-3-2.xsd (default\n"
	    "                        $ECPR_ODM_SCHEMA_DIR, else %s)\n"
	    "  -h, --help            show this help and exit\n"
	    "  -V, --version         show the version and exit\n",
	    usage_line, ECPR_ODM_SCHEMA_DIR[0] ? ECPR_ODM_SCHEMA_DIR :
	    "none");
}

static void
report_cb(const ecpr_error *err, void *ctx)
{
	(void)ctx;
	prog_report(err);
}

static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * Each file: the schema check, then (unless --schema-only) the check of
 * its ClinicalData against our study metadata; every problem reported.
 */
static int
cmd_validate(const struct opts *o, int argc, char **argv)
{
	ecpr_odm_validate_opts opts = ECPR_ODM_VALIDATE_OPTS_INIT;
	ecpr_odm_check_opts copts = ECPR_ODM_CHECK_OPTS_INIT;
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_schema *schema = NULL;
	ecpr_tz *tz = NULL;
	size_t nmeta;
	int i, rc, mrc, code = 0;

	if (argc == 0)
		prog_usage_error(usage_line, "validate: no file given");
	if (!o->schema_only && (code = prog_load_tz(o->tz, &tz)) != 0)
		return code;
	if ((rc = ecpr_odm_schema_load(&schema, o->schema_dir, &err)) != 0) {
		prog_report(&err);
		ecpr_tz_free(tz);
		return rc == ECPR_EIO ? EX_OSFILE : EX_SOFTWARE;
	}
	opts.lax = o->lax;
	opts.on_error = report_cb;
	copts.tz = tz;
	copts.on_error = report_cb;
	for (i = 0; i < argc; i++) {
		ecpr_error_clear(&err);
		rc = ecpr_odm_validate(schema, argv[i], &opts, &res, &err);
		if (o->lax && (res.aside_elements > 0 ||
		    res.aside_attributes > 0 || rc != ECPR_EPARSE))
			fprintf(stderr, "%s: %s: set aside %zu foreign-namespace "
			    "element%s and %zu attribute%s\n", prog_name(),
			    argv[i], res.aside_elements,
			    plural(res.aside_elements), res.aside_attributes,
			    plural(res.aside_attributes));
		if (rc != ECPR_OK && rc != ECPR_ERULE) {
			/* unreadable, malformed or hostile: nothing to check */
			prog_report(&err);
			code = prog_worse(code, prog_exit_code(rc));
			continue;
		}
		mrc = ECPR_OK;
		nmeta = 0;
		if (!o->schema_only) {
			ecpr_error_clear(&err);
			mrc = ecpr_odm_check(argv[i], &copts, &nmeta, &err);
			if (mrc != ECPR_OK && mrc != ECPR_ERULE) {
				prog_report(&err);
				code = prog_worse(code, prog_exit_code(mrc));
				continue;
			}
		}
		if (rc == ECPR_OK && mrc == ECPR_OK) {
			printf("%s: valid\n", argv[i]);
			continue;
		}
		if (o->schema_only)
			printf("%s: invalid (%zu schema error%s)\n", argv[i],
			    res.errors, plural(res.errors));
		else
			printf("%s: invalid (%zu schema error%s, %zu metadata "
			    "error%s)\n", argv[i], res.errors,
			    plural(res.errors), nmeta, plural(nmeta));
		code = prog_worse(code, EX_DATAERR);
	}
	ecpr_odm_schema_free(schema);
	ecpr_tz_free(tz);
	return code;
}

static int
dump_row(const ecpr_odm_row *row, void *ctx)
{
	(void)ctx;
	prog_csv_put(stdout, row->subject, 0);
	prog_csv_put(stdout, row->event, 0);
	prog_csv_put(stdout, row->event_repeat, 0);
	prog_csv_put(stdout, row->form, 0);
	prog_csv_put(stdout, row->item_group, 0);
	prog_csv_put(stdout, row->group_repeat, 0);
	prog_csv_put(stdout, row->item, 0);
	prog_csv_put(stdout, row->value, 0);
	prog_csv_put(stdout, row->transaction, 0);
	prog_csv_put(stdout, row->unit, 1);
	return ferror(stdout) ? ECPR_EIO : 0;
}

/*
 * Every file is read through once before anything is written: a file
 * that cannot be opened or parsed is reported and nothing is printed.
 */
static int
cmd_dump(int argc, char **argv)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int i, rc, code = 0;

	if (argc == 0)
		prog_usage_error(usage_line, "dump: no file given");
	for (i = 0; i < argc; i++) {
		ecpr_error_clear(&err);
		if ((rc = ecpr_odm_read(argv[i], NULL, NULL, NULL, &err)) !=
		    ECPR_OK) {
			prog_report(&err);
			code = prog_worse(code, prog_exit_code(rc));
		}
	}
	if (code != 0)
		return code;
	puts("subject,event,repeat,form,item_group,repeat,item,value,"
	    "transaction,unit");
	for (i = 0; i < argc; i++) {
		ecpr_error_clear(&err);
		rc = ecpr_odm_read(argv[i], dump_row, NULL, NULL, &err);
		if (rc != ECPR_OK) {
			prog_report(&err);
			code = prog_worse(code, prog_exit_code(rc));
		}
	}
	return code;
}

/* Report a library error and turn it into an exit code. */
static int
fail(const ecpr_error *err, int rc)
{
	prog_report(err);
	return prog_exit_code(rc);
}

/* The site key: --key-file, else $ECPR_ODM_KEY (the key itself). */
static int
load_key(const struct opts *o, unsigned char **key, size_t *keylen)
{
	ecpr_error err = ECPR_ERROR_INIT;
	const char *env;
	struct stat st;
	int rc;

	if (o->key_file != NULL) {
		if ((rc = ecpr_odm_key_load(key, keylen, o->key_file,
		    &err)) != ECPR_OK) {
			prog_report(&err);
			return rc == ECPR_EIO ? EX_NOINPUT : EX_USAGE;
		}
		if (stat(o->key_file, &st) == 0 &&
		    (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
			prog_warn("--key-file %s: the site key is readable by "
			    "%s (mode %04o): chmod 600 it", o->key_file,
			    (st.st_mode & S_IROTH) != 0 ? "others" : "its group",
			    (unsigned)(st.st_mode & 07777));
		return 0;
	}
	env = getenv("ECPR_ODM_KEY");
	if (env == NULL || *env == '\0')
		prog_usage_error(usage_line, "export: a de-identified export "
		    "needs a site key: give --key-file FILE or set "
		    "ECPR_ODM_KEY (or --identified to export real data)");
	*keylen = strlen(env);
	if (*keylen < ECPR_ODM_KEY_MIN)
		prog_usage_error(usage_line, "export: ECPR_ODM_KEY: site key "
		    "too short: %zu bytes, at least %d needed", *keylen,
		    ECPR_ODM_KEY_MIN);
	if ((*key = malloc(*keylen)) == NULL) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	memcpy(*key, env, *keylen);
	return 0;
}

/* A subject's episodes, as the source gives them one after another. */
struct group {
	ecpr_episode **v;
	size_t n, cap;
};

/* ------------------------------------------------------------------ */
/* The audit trail (export --audit)                                     */
/* ------------------------------------------------------------------ */

/* An audit_log row of the registry into the export's audit log. */
static int
audit_add(const ecpr_db_audit_row *r, void *ctx)
{
	ecpr_odm_audit_row row;

	row.id = r->id;
	row.batch = r->batch_id;
	row.key = r->row_key;
	row.column = r->column_name;
	row.old_value = r->old_value;
	row.new_value = r->new_value;
	row.at = r->at;
	row.user = r->db_role;
	row.location = r->site;
	return ecpr_odm_audit_log_add(ctx, &row, NULL);
}

/* Load the audit log of the filter's site and subject into *a. */
static int
audit_load(ecpr_odm_audit_log **a, ecpr_db *db, const ecpr_db_filter *filter)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc;

	if (ecpr_odm_audit_log_new(a, NULL) != ECPR_OK) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	if ((rc = ecpr_db_audit_read(db, filter, audit_add, *a, &err)) !=
	    ECPR_OK) {
		if (rc == ECPR_ENOMEM)
			prog_error("out of memory");
		else
			prog_report(&err);
		return prog_exit_code(rc);
	}
	if (ecpr_odm_audit_log_finish(*a, NULL) != ECPR_OK) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	return 0;
}

static void
group_clear(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		ecpr_episode_free(g->v[i]);
	g->n = 0;
}

static int
group_flush(ecpr_odm_writer *w, struct group *g, ecpr_odm_audit_log *a)
{
	ecpr_error err = ECPR_ERROR_INIT;
	size_t i;
	int rc;

	if (a != NULL)
		for (i = 0; i < g->n; i++)
			ecpr_odm_audit_log_mark(a, g->v[i]);
	rc = ecpr_odm_writer_add_subject(w, (const ecpr_episode *const *)g->v,
	    g->n, &err);
	group_clear(g);
	return rc == ECPR_OK ? 0 : fail(&err, rc);
}

/*
 * Episodes of the files or the registry, in order, into the writer: the
 * adjacent episodes of a subject together, so they share one date shift.
 */
static int
export_episodes(ecpr_odm_writer *w, ecpr_episodes *src,
    ecpr_odm_audit_log *a)
{
	ecpr_error err = ECPR_ERROR_INIT;
	struct group g = { NULL, 0, 0 };
	ecpr_episode *ep, **nv;
	int rc, code = 0;

	for (;;) {
		ep = NULL;
		if ((rc = ecpr_episodes_next(src, &ep, &err)) != ECPR_OK) {
			ecpr_episode_free(ep);
			code = fail(&err, rc);
			break;
		}
		if (g.n > 0 && (ep == NULL ||
		    strcmp(ecpr_episode_site(ep), ecpr_episode_site(g.v[0])) !=
		    0 || strcmp(ecpr_episode_subject(ep),
		    ecpr_episode_subject(g.v[0])) != 0) &&
		    (code = group_flush(w, &g, a)) != 0) {
			ecpr_episode_free(ep);
			break;
		}
		if (ep == NULL)
			break;
		if (g.n == g.cap) {
			g.cap = g.cap == 0 ? 4 : 2 * g.cap;
			if ((nv = realloc(g.v, g.cap * sizeof(*nv))) == NULL) {
				ecpr_episode_free(ep);
				prog_error("out of memory");
				code = EX_OSERR;
				break;
			}
			g.v = nv;
		}
		g.v[g.n++] = ep;
	}
	group_clear(&g);
	free(g.v);
	if (code == 0 && a != NULL &&
	    (rc = ecpr_odm_audit_log_write(a, w, &err)) != ECPR_OK)
		code = fail(&err, rc);
	if (code == 0 && (rc = ecpr_odm_writer_finish(w, &err)) != ECPR_OK)
		code = fail(&err, rc);
	return code;
}

/* CreationDateTime: $SOURCE_DATE_EPOCH (reproducible output), else now. */
static int
creation_time(char *buf, size_t len)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;
	time_t tt;
	struct tm tm;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > 253402300799LL)
		prog_usage_error(usage_line, "SOURCE_DATE_EPOCH: not a time in "
		    "seconds: \"%s\"", s);
	tt = (time_t)v;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	return 1;
}

/* conninfo "" or NULL: the PG* environment, else the embedded registry. */
static int
db_connect(ecpr_db **db, const char *conninfo)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc;

	rc = ecpr_db_connect(db, conninfo != NULL && *conninfo != '\0' ?
	    conninfo : NULL, &err);
	return rc == ECPR_OK ? 0 : fail(&err, rc);
}

static int
cmd_export(struct opts *o, int argc, char **argv)
{
	ecpr_odm_export_opts eo = ECPR_ODM_EXPORT_OPTS_INIT;
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_writer *w = NULL;
	ecpr_episodes *src = NULL;
	ecpr_odm_audit_log *audit = NULL;
	ecpr_db *db = NULL;
	unsigned char *key = NULL;
	size_t keylen = 0;
	prog_outfile of;
	ecpr_tz *tz = NULL;
	char now[40];
	int i, rc, code;

	if (o->use_db && argc > 0)
		prog_usage_error(usage_line, "export: files and --db, --site, "
		    "--subject, --since, --until do not go together");
	if (o->audit && argc > 0)
		prog_usage_error(usage_line, "export: --audit reads the "
		    "registry's audit log: give no FILE");
	if (o->audit && !o->identified)
		prog_usage_error(usage_line, "export: --audit writes original "
		    "values and who changed them: it needs --identified");
	if (!o->identified && (code = load_key(o, &key, &keylen)) != 0)
		return code;
	if (o->identified)
		fprintf(stderr, "%s: NOTICE: --identified: this export holds "
		    "real subject keys, dates, ages and free text; it is NOT "
		    "de-identified\n", prog_name());
	if ((code = prog_load_tz(o->tz, &tz)) != 0)
		goto out;
	if (argc == 0) {
		/* the registry: the PG* environment or the embedded one */
		prog_filter_times(usage_line, &o->filter, o->since, o->until,
		    tz);
		if ((code = db_connect(&db, o->conninfo)) != 0)
			goto out;
		if (o->audit && (code = audit_load(&audit, db, &o->filter)) !=
		    0)
			goto out;
		if ((rc = ecpr_db_episodes_new(&src, db, &o->filter,
		    &err)) != ECPR_OK) {
			code = fail(&err, rc);
			goto out;
		}
	} else {
		ro.tz = tz;
		if ((rc = ecpr_episodes_open_files(&src, &ro, NULL, &err)) !=
		    ECPR_OK) {
			code = fail(&err, rc);
			goto out;
		}
		for (i = 0; i < argc; i++)
			if ((rc = ecpr_episodes_add_file(src, argv[i],
			    &err)) != ECPR_OK) {
				code = fail(&err, rc);
				goto out;
			}
	}
	/* a new file of real data is for its owner only */
	if ((code = prog_outfile_create(&of, o->output != NULL ? o->output :
	    "-", o->identified ? ECPR_OUTFILE_PRIVATE : 0)) != 0)
		goto out;
	eo.identified = o->identified;
	eo.key = key;
	eo.keylen = keylen;
	if (creation_time(now, sizeof(now)))
		eo.creation_time = now;
	if (audit != NULL)
		ecpr_odm_audit_log_export_opts(audit, &eo);
	if ((rc = ecpr_odm_writer_new(&w, of.fp, &eo, &err)) != ECPR_OK)
		code = fail(&err, rc);
	else
		code = export_episodes(w, src, audit);
	ecpr_odm_writer_free(w);
	code = prog_worse(code, prog_outfile_close(&of, code == 0));
out:
	ecpr_episodes_free(src); /* before the connection it borrows */
	ecpr_db_free(db);
	ecpr_odm_audit_log_free(audit);
	ecpr_tz_free(tz);
	ecpr_odm_key_free(key, keylen);
	return code;
}

/* ------------------------------------------------------------------ */
/* import                                                               */
/* ------------------------------------------------------------------ */

/* The import run: where the episodes go, and what was left out. */
struct import {
	ecpr_odm_import *imp;
	FILE *out;      /* long-form events */
	FILE *attrs;    /* wide attributes, or NULL */
	FILE *entries[2]; /* long observations, complications, or NULL */
	ecpr_db_import *dbi; /* import --db: episodes go to the registry */
	const ecpr_tz *tz;
	size_t attrs_left;
	size_t entries_left[2]; /* episodes whose entries were not written */
	size_t removes;  /* Remove items left out of a case-record file */
	int all_read;    /* every file was read (rules not used are noted) */
	int code;        /* the worst exit code of the episodes so far */
	int stopped;     /* the registry refused rows: its transaction is
	                    over, the import stops */
};

/*
 * Report a staging error of episode e and give its exit code: 0,
 * EX_DATAERR (the import goes on, unless the registry refused the rows:
 * an error of the server ends its transaction) or worse.
 */
static int
stage_error(struct import *im, const ecpr_odm_episode *e, int rc,
    const ecpr_error *err)
{
	if (rc == ECPR_OK)
		return 0;
	if (err->sqlstate[0] != '\0')
		im->stopped = 1;
	if (err->file[0] == '\0')
		fprintf(stderr, "%s: %s:%lu: subject \"%s\", episode %ld: %s\n",
		    prog_name(), e->file, e->line, e->subject, e->number,
		    err->message);
	else
		prog_report(err);
	return rc == ECPR_EPARSE || rc == ECPR_ERULE || rc == ECPR_EINVAL ?
	    EX_DATAERR : prog_exit_code(rc);
}

/* Stage a snapshot episode in the registry import. */
static int
import_stage(struct import *im, const ecpr_odm_episode *e)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	int rc;

	if ((rc = ecpr_odm_episode_build(&ep, e, im->tz, &err)) == ECPR_OK)
		rc = ecpr_db_import_add(im->dbi, ep, &err);
	ecpr_episode_free(ep);
	return stage_error(im, e, rc, &err);
}

/* The ecpr_db_op of a TransactionType (none: Upsert). */
static ecpr_db_op
db_op(ecpr_odm_tx tx)
{
	switch (tx) {
	case ECPR_ODM_TX_INSERT:
		return ECPR_DB_INSERT;
	case ECPR_ODM_TX_UPDATE:
		return ECPR_DB_UPDATE;
	case ECPR_ODM_TX_REMOVE:
		return ECPR_DB_REMOVE;
	default:
		return ECPR_DB_UPSERT;
	}
}

/*
 * Stage the changes to the observations and complications of an episode:
 * one per repeat of their item group, identified by its codes and time.
 */
static int
import_item_change(struct import *im, const ecpr_odm_episode *e)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_item_change *ch;
	size_t i;
	int rc = ECPR_OK, type, by;

	if ((ch = calloc(e->nentries, sizeof(*ch))) == NULL) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	for (i = 0; i < e->nentries && rc == ECPR_OK; i++) {
		const ecpr_odm_entry *en = &e->entries[i];

		if ((rc = ecpr_odm_entry_codes(e, en, &type, &by, &err)) !=
		    ECPR_OK)
			break;
		ch[i].op = db_op(en->tx);
		ch[i].kind = en->kind == ECPR_ODM_OBSERVATION ?
		    ECPR_DB_OBSERVATION : ECPR_DB_COMPLICATION;
		ch[i].type = type;
		ch[i].by = by;
		ch[i].time = en->part[ECPR_ODM_P_TIME];
		if (en->tx != ECPR_ODM_TX_REMOVE) {
			ch[i].value = en->part[ECPR_ODM_P_VALUE];
			ch[i].unit = en->unit;
		}
		ch[i].note = en->part[ECPR_ODM_P_NOTE];
		ch[i].file = e->file;
		ch[i].line = en->first_line;
	}
	if (rc == ECPR_OK)
		rc = ecpr_db_import_item_change(im->dbi, e->site, e->subject,
		    e->number, ch, e->nentries, im->tz, &err);
	free(ch);
	return stage_error(im, e, rc, &err);
}

/*
 * Stage the changes (TransactionType Insert, Update, Upsert, Remove) to
 * an episode: values the file does not name stay as stored.
 */
static int
import_change(struct import *im, const ecpr_odm_episode *e)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_change *ch;
	size_t i;
	int rc;

	if (e->nvalues == 0)
		return e->nentries > 0 ? import_item_change(im, e) : 0;
	if ((ch = calloc(e->nvalues, sizeof(*ch))) == NULL) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	for (i = 0; i < e->nvalues; i++) {
		const ecpr_odm_value *v = &e->values[i];

		ch[i].op = db_op(v->tx);
		ch[i].attr = v->attr;
		ch[i].type = v->type;
		ch[i].occurrence = v->occurrence;
		ch[i].value = v->value;
		ch[i].file = e->file;
		ch[i].line = v->line;
	}
	rc = ecpr_db_import_change(im->dbi, e->site, e->subject, e->number,
	    ch, e->nvalues, im->tz, &err);
	free(ch);
	if (rc == ECPR_OK && e->nentries > 0)
		return import_item_change(im, e);
	return stage_error(im, e, rc, &err);
}

/* The longest key fields of an episode put before each of its rows (a
 * longer key: its rows a field at a time). */
#define EVENT_ROW 512

/* The rows of an episode for one file, written with one fwrite. */
struct rows {
	FILE *fp;
	size_t len;
	char b[8192];
};

static void
rows_flush(struct rows *rb)
{
	if (rb->len > 0)
		fwrite(rb->b, 1, rb->len, rb->fp);
	rb->len = 0;
}

/*
 * A row of an episode: the episode's key fields (site, subject, number:
 * key[], put together in pre, plen bytes; 0 when they did not fit) and
 * then the n fields of rest, after the rows before it in rb (written
 * first when it has no room), else, longer than rb, a field at a time.
 */
static void
write_row(struct rows *rb, const char *const *key, const char *pre,
    size_t plen, const char *const *rest, size_t n)
{
	size_t i, len, room;

	for (;;) {
		room = sizeof(rb->b) - rb->len;
		if (plen > 0 && plen < room && (len = prog_csv_fields(rb->b +
		    rb->len + plen, room - plen, rest, n, 1)) > 0) {
			memcpy(rb->b + rb->len, pre, plen);
			rb->len += plen + len;
			return;
		}
		if (rb->len == 0)
			break;
		rows_flush(rb);
	}
	for (i = 0; i < 3; i++)
		prog_csv_put(rb->fp, key[i], 0);
	for (i = 0; i < n; i++)
		prog_csv_put(rb->fp, rest[i], i + 1 == n);
}

/*
 * The observations and complications of an episode as long case-record
 * rows (ecpr-case-record(5)): the values as read, so a censored value
 * stays the text it was (">35000").  key, pre and plen as write_row's.
 */
static void
write_entries(struct import *im, const ecpr_odm_episode *e,
    const char *const *key, const char *pre, size_t plen)
{
	static const ecpr_odm_part cols[2][4] = {
		{ ECPR_ODM_P_CODE, ECPR_ODM_P_TIME, ECPR_ODM_P_VALUE,
		    ECPR_ODM_P_COUNT },
		{ ECPR_ODM_P_CODE, ECPR_ODM_P_TIME, ECPR_ODM_P_ATTRIBUTION,
		    ECPR_ODM_P_NOTE },
	};
	unsigned char left[2] = { 0, 0 };
	const char *v, *rest[4];
	struct rows rb[2];
	size_t i;
	int k, c;

	for (k = 0; k < 2; k++) {
		rb[k].fp = im->entries[k];
		rb[k].len = 0;
	}
	for (i = 0; i < e->nentries; i++) {
		const ecpr_odm_entry *en = &e->entries[i];
		FILE *fp = im->entries[en->kind];

		if (en->tx == ECPR_ODM_TX_REMOVE) {
			im->removes++;
			continue;
		}
		if (fp == NULL) {
			left[en->kind] = 1;
			continue;
		}
		for (c = 0; c < 4; c++) {
			/* an observation's last column is its unit */
			v = cols[en->kind][c] == ECPR_ODM_P_COUNT ? en->unit :
			    en->part[cols[en->kind][c]];
			rest[c] = v != NULL ? v : "";
		}
		write_row(&rb[en->kind], key, pre, plen, rest, 4);
	}
	for (k = 0; k < 2; k++) {
		rows_flush(&rb[k]);
		im->entries_left[k] += left[k];
	}
}

/* Write an episode as case-record rows, checked as the registry would. */
static int
import_write(struct import *im, const ecpr_odm_episode *e)
{
	ecpr_error err = ECPR_ERROR_INIT;
	const char *vals[ECPR_AT_COUNT], *key[3], *rest[3];
	const char *cells[ECPR_AT_COUNT];
	ecpr_episode *ep = NULL;
	char num[32], pre[EVENT_ROW];
	struct rows rb;
	size_t i, plen;
	int rc, any = 0;

	if ((rc = ecpr_odm_episode_build(&ep, e, im->tz, &err)) != ECPR_OK)
		return stage_error(im, e, rc, &err);
	ecpr_episode_free(ep);
	snprintf(num, sizeof(num), "%ld", e->number);
	key[0] = e->site;
	key[1] = e->subject;
	key[2] = num;
	plen = prog_csv_fields(pre, sizeof(pre), key, 3, 0);
	rb.fp = im->out;
	rb.len = 0;
	memset(vals, 0, sizeof(vals));
	for (i = 0; i < e->nvalues; i++) {
		const ecpr_odm_value *v = &e->values[i];

		if (v->tx == ECPR_ODM_TX_REMOVE) {
			/* a case-record file cannot say "no value any more" */
			im->removes++;
			continue;
		}
		if (v->attr >= 0) {
			vals[v->attr] = v->value;
			any = 1;
			continue;
		}
		rest[0] = ecpr_event_name(v->type);
		rest[1] = v->value;
		rest[2] = "";
		write_row(&rb, key, pre, plen, rest, 3);
	}
	rows_flush(&rb);
	write_entries(im, e, key, pre, plen);
	if (any && im->attrs != NULL) {
		for (i = 0; i < ECPR_AT_COUNT; i++)
			cells[i] = vals[i] != NULL ? vals[i] : "";
		rb.fp = im->attrs;
		write_row(&rb, key, pre, plen, cells, ECPR_AT_COUNT);
		rows_flush(&rb);
	} else if (any)
		im->attrs_left++;
	return 0;
}

/* An episode read: to the registry or the files. */
static int
import_episode(const ecpr_odm_episode *e, void *ctx)
{
	struct import *im = ctx;
	int code;

	if (im->dbi == NULL)
		code = import_write(im, e);
	else if (ecpr_odm_episode_is_change(e))
		code = import_change(im, e);
	else
		code = import_stage(im, e);
	im->code = prog_worse(im->code, code);
	if (code == 0)
		return ECPR_OK;
	return code == EX_DATAERR && !im->stopped ? ECPR_ERULE : ECPR_EIO;
}

/* A problem of the data: reported, and the import goes on. */
static void
import_problem(const ecpr_error *err, void *ctx)
{
	struct import *im = ctx;

	prog_report(err);
	im->code = prog_worse(im->code, EX_DATAERR);
}

/* Read the files; 0 or an exit code. */
static int
import_files(struct import *im, int argc, char **argv)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int i, rc, code = 0;

	for (i = 0; i < argc && code == 0; i++) {
		ecpr_error_clear(&err);
		rc = ecpr_odm_import_file(im->imp, argv[i], &err);
		if (rc != ECPR_OK && err.code != ECPR_OK)
			prog_report(&err);
		if (rc != ECPR_OK && im->code != 0 && (im->stopped ||
		    im->code != EX_DATAERR))
			code = im->code; /* the registry stopped the import */
		else if (rc != ECPR_OK)
			code = prog_exit_code(rc);
		else
			code = im->code;
	}
	im->all_read = i == argc;
	return code;
}

static void
note_cb(const ecpr_error *err, void *ctx)
{
	(void)ctx;
	prog_report(err);
}

/* The notes on what the import set aside. */
static void
import_notes(const struct import *im)
{
	ecpr_odm_import_stats st;

	if (im->all_read)
		ecpr_odm_import_unused(im->imp, note_cb, NULL);
	ecpr_odm_import_get_stats(im->imp, &st);
	if (st.ignored > 0)
		fprintf(stderr, "%s: set aside %zu item value%s that map to no "
		    "case-record field\n", prog_name(), st.ignored,
		    plural(st.ignored));
	if (st.ages > 0)
		fprintf(stderr, "%s: left %zu age%s \"90+\" unknown\n",
		    prog_name(), st.ages, plural(st.ages));
	if (st.context > 0)
		fprintf(stderr, "%s: %zu Context item value%s changed "
		    "nothing\n", prog_name(), st.context, plural(st.context));
	if (im->removes > 0)
		fprintf(stderr, "%s: warning: left out %zu Remove item value%s: "
		    "a case-record file cannot remove a value (load the "
		    "changes with --db)\n", prog_name(), im->removes,
		    plural(im->removes));
	if (im->attrs_left > 0)
		fprintf(stderr, "%s: warning: attributes of %zu episode%s not "
		    "written: give --attributes FILE\n", prog_name(),
		    im->attrs_left, plural(im->attrs_left));
	if (im->entries_left[0] > 0)
		fprintf(stderr, "%s: warning: observations of %zu episode%s "
		    "not written: give --observations FILE\n", prog_name(),
		    im->entries_left[0], plural(im->entries_left[0]));
	if (im->entries_left[1] > 0)
		fprintf(stderr, "%s: warning: complications of %zu episode%s "
		    "not written: give --complications FILE\n", prog_name(),
		    im->entries_left[1], plural(im->entries_left[1]));
}

/* The files' names, blank-separated, for the import batch. */
static char *
join_files(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	*s = '\0';
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/*
 * import --db: every file's episodes in one transaction of the registry,
 * as ecpr-import does (any error: nothing is stored).
 */
static int
import_db(const struct opts *o, struct import *im, int argc, char **argv)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_import_stats st;
	ecpr_db *db = NULL;
	ecpr_tz *tz = NULL;
	char *files = NULL;
	int rc, code;

	if (o->output != NULL || o->attributes != NULL ||
	    o->observations != NULL || o->complications != NULL)
		prog_usage_error(usage_line, "import: --db loads the registry: "
		    "-o, -a, --observations and --complications do not apply");
	if ((code = prog_load_tz(o->tz, &tz)) != 0)
		return code;
	im->tz = tz;
	if ((files = join_files(argc, argv)) == NULL) {
		prog_error("out of memory");
		code = EX_OSERR;
		goto out;
	}
	if ((code = db_connect(&db, o->conninfo)) != 0)
		goto out;
	if ((rc = ecpr_db_import_begin(&im->dbi, db, files, tz != NULL ?
	    ecpr_tz_name(tz) : NULL, &err)) != ECPR_OK) {
		code = fail(&err, rc);
		goto out;
	}
	if ((code = import_files(im, argc, argv)) != 0)
		goto out; /* rolled back by ecpr_db_import_free */
	if ((rc = ecpr_db_import_commit(im->dbi, o->dry_run, &st, &err)) !=
	    ECPR_OK) {
		code = fail(&err, rc);
		goto out;
	}
	printf("%sepisodes: %zu inserted, %zu updated, %zu unchanged\n",
	    o->dry_run ? "dry run: " : "", st.inserted, st.updated,
	    st.unchanged);
out:
	import_notes(im);
	ecpr_db_import_free(im->dbi);
	im->dbi = NULL;
	ecpr_db_free(db);
	ecpr_tz_free(tz);
	free(files);
	return code;
}

/* The map of --map in *map (NULL: none); 0 or an exit code. */
static int
load_map(const char *path, ecpr_odm_map **map)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc;

	*map = NULL;
	if (path == NULL ||
	    (rc = ecpr_odm_map_load(map, path, &err)) == ECPR_OK)
		return 0;
	if (rc == ECPR_ENOMEM) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	prog_report(&err);
	if (rc == ECPR_EIO)
		return strncmp(err.message, "cannot read", 11) == 0 ?
		    EX_IOERR : EX_NOINPUT;
	return prog_exit_code(rc);
}

/* The stdio buffer of each file import writes. */
#define OUT_BUF (1 << 20)

static int
cmd_import(const struct opts *o, int argc, char **argv)
{
	ecpr_odm_import_opts io = ECPR_ODM_IMPORT_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_map *map = NULL;
	struct import im;
	prog_outfile of, af;
	prog_outfile ef[2];
	ecpr_tz *tz = NULL;
	const char *epath[2];
	char *bufs[4] = { NULL, NULL, NULL, NULL };
	int code, k;
	size_t a;

	if (argc == 0)
		prog_usage_error(usage_line, "import: no file given");
	if (o->dry_run && o->conninfo == NULL)
		prog_usage_error(usage_line, "import: --dry-run needs --db");
	if ((code = load_map(o->map, &map)) != 0)
		return code;
	memset(&im, 0, sizeof(im));
	memset(&af, 0, sizeof(af));
	memset(ef, 0, sizeof(ef));
	epath[0] = o->observations;
	epath[1] = o->complications;
	io.map = map;
	io.date_formats = o->date_formats;
	io.ndate_formats = o->ndate_formats;
	io.on_episode = import_episode;
	io.on_error = import_problem;
	io.ctx = &im;
	if (ecpr_odm_import_new(&im.imp, &io, &err) != ECPR_OK) {
		prog_error("out of memory");
		code = EX_OSERR;
		goto out;
	}
	if (o->conninfo != NULL) {
		code = import_db(o, &im, argc, argv);
		goto out;
	}
	/* local times are checked in the zone, else as if in UTC */
	if ((code = prog_load_tz(o->tz, &tz)) != 0)
		goto out;
	if (tz == NULL && ecpr_tz_load(&tz, "UTC", NULL) != ECPR_OK) {
		prog_error("out of memory");
		code = EX_OSERR;
		goto out;
	}
	im.tz = tz;
	if ((code = prog_outfile_open(&of, o->output != NULL ? o->output :
	    "-")) != 0)
		goto out;
	if (o->attributes != NULL &&
	    (code = prog_outfile_open(&af, o->attributes)) != 0) {
		prog_outfile_close(&of, 0);
		goto out;
	}
	for (k = 0; k < 2; k++)
		if (epath[k] != NULL &&
		    (code = prog_outfile_open(&ef[k], epath[k])) != 0) {
			if (k == 1 && ef[0].fp != NULL)
				prog_outfile_close(&ef[0], 0);
			if (af.fp != NULL)
				prog_outfile_close(&af, 0);
			prog_outfile_close(&of, 0);
			goto out;
		}
	im.out = of.fp;
	im.attrs = af.fp;
	im.entries[0] = ef[0].fp;
	im.entries[1] = ef[1].fp;
	/* the rows go out in 1 MiB writes, not stdio's 4 KiB ones (the
	 * buffers outlive the files: freed after closing them) */
	for (k = 0; k < 4; k++) {
		FILE *fp = k == 0 ? im.out : k == 1 ? im.attrs : im.entries[k - 2];

		if (fp != NULL && fp != stdout &&
		    (bufs[k] = malloc(OUT_BUF)) != NULL)
			setvbuf(fp, bufs[k], _IOFBF, OUT_BUF);
	}
	if (im.entries[0] != NULL)
		fputs("site,subject,episode,observation,time,value,unit\n",
		    im.entries[0]);
	if (im.entries[1] != NULL)
		fputs("site,subject,episode,complication,time,attribution,"
		    "note\n", im.entries[1]);
	fputs("site,subject,episode,event,time,note\n", im.out);
	if (im.attrs != NULL) {
		fputs("site,subject,episode", im.attrs);
		for (a = 0; a < ECPR_AT_COUNT; a++)
			fprintf(im.attrs, ",%s", ecpr_attr_name((ecpr_attr_id)a));
		putc('\n', im.attrs);
	}
	code = import_files(&im, argc, argv);
	import_notes(&im);
	for (k = 0; k < 2; k++)
		if (ef[k].fp != NULL)
			code = prog_worse(code, prog_outfile_close(&ef[k],
			    code == 0));
	if (af.fp != NULL)
		code = prog_worse(code, prog_outfile_close(&af, code == 0));
	code = prog_worse(code, prog_outfile_close(&of, code == 0));
out:
	for (k = 0; k < 4; k++)
		free(bufs[k]);
	ecpr_odm_import_free(im.imp);
	ecpr_odm_map_free(map);
	ecpr_tz_free(tz);
	return code;
}

/* Parse options (before and after the command) into o. */
static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "lax", no_argument, NULL, 'l' },
		{ "schema-only", no_argument, NULL, 'O' },
		{ "schema-dir", required_argument, NULL, 's' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "identified", no_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "map", required_argument, NULL, 'm' },
		{ "date-format", required_argument, NULL, 'F' },
		{ "tz", required_argument, NULL, 'z' },
		{ "attributes", required_argument, NULL, 'a' },
		{ "observations", required_argument, NULL, 'b' },
		{ "complications", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'D' },
		{ "site", required_argument, NULL, 'S' },
		{ "subject", required_argument, NULL, 'U' },
		{ "since", required_argument, NULL, 'B' },
		{ "until", required_argument, NULL, 'E' },
		{ "audit", no_argument, NULL, 'A' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	size_t i;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hVo:a:n", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'h':
			usage();
			exit(prog_finish(0));
		case 'V':
			prog_version();
			exit(prog_finish(0));
		case 'l':
			o->lax = 1;
			break;
		case 'O':
			o->schema_only = 1;
			break;
		case 's':
			o->schema_dir = optarg;
			break;
		case 'k':
			o->key_file = optarg;
			break;
		case 'i':
			o->identified = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'm':
			o->map = optarg;
			break;
		case 'F':
			if (o->ndate_formats == ECPR_ODM_MAX_DATE_FORMATS)
				prog_usage_error(usage_line, "--date-format: "
				    "more than %d formats",
				    ECPR_ODM_MAX_DATE_FORMATS);
			if (strstr(optarg, "%Y") == NULL &&
			    strstr(optarg, "%y") == NULL)
				prog_usage_error(usage_line, "--date-format: "
				    "\"%s\" reads no year (%%Y)", optarg);
			o->date_formats[o->ndate_formats++] = optarg;
			break;
		case 'z':
			o->tz = optarg;
			break;
		case 'a':
			o->attributes = optarg;
			break;
		case 'b':
			o->observations = optarg;
			break;
		case 'c':
			o->complications = optarg;
			break;
		case 'D':
			o->conninfo = optarg;
			o->use_db = 1;
			break;
		case 'S':
			o->filter.site = optarg;
			o->use_db = 1;
			break;
		case 'U':
			o->filter.subject = optarg;
			o->use_db = 1;
			break;
		case 'B':
			o->since = optarg;
			o->use_db = 1;
			break;
		case 'E':
			o->until = optarg;
			o->use_db = 1;
			break;
		case 'A':
			o->audit = 1;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		default:
			prog_getopt_error(usage_line, argv, c);
		}
		for (i = 0; i < NOPT_CMDS; i++)
			if (opt_cmds[i].ch == c)
				o->given[i] = 1;
	}
}

/* A usage error (64) for an option given to a command it does not fit. */
static void
check_opts(const struct opts *o, const char *cmd, unsigned bit)
{
	static const char *const names[] = { "validate", "dump", "export",
		"import" };
	char takers[64];
	size_t i, k;

	for (i = 0; i < NOPT_CMDS; i++) {
		if (!o->given[i] || (opt_cmds[i].cmds & bit) != 0)
			continue;
		takers[0] = '\0';
		for (k = 0; k < 4; k++)
			if ((opt_cmds[i].cmds & (1u << k)) != 0)
				snprintf(takers + strlen(takers), sizeof(takers) -
				    strlen(takers), "%s%s", takers[0] != '\0' ?
				    ", " : "", names[k]);
		prog_usage_error(usage_line, "%s: option %s does not apply "
		    "(it is an option of %s)", cmd, opt_cmds[i].name, takers);
	}
}

int
main(int argc, char **argv)
{
	struct opts o;
	const char *cmd;
	int code;

	prog_init(argv[0]);
	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o);
	if (optind >= argc)
		prog_usage_error(usage_line, "no command given");
	cmd = argv[optind++];
	/* Options may also follow the command. */
	parse_opts(argc, argv, &o);
	if (o.schema_dir == NULL)
		o.schema_dir = getenv("ECPR_ODM_SCHEMA_DIR");
	if (o.schema_dir == NULL || *o.schema_dir == '\0')
		o.schema_dir = ECPR_ODM_SCHEMA_DIR;
	if (strcmp(cmd, "validate") == 0)
		check_opts(&o, cmd, C_VALIDATE);
	else if (strcmp(cmd, "dump") == 0)
		check_opts(&o, cmd, C_DUMP);
	else if (strcmp(cmd, "export") == 0)
		check_opts(&o, cmd, C_EXPORT);
	else if (strcmp(cmd, "import") == 0)
		check_opts(&o, cmd, C_IMPORT);
	if (strcmp(cmd, "validate") == 0)
		code = cmd_validate(&o, argc - optind, argv + optind);
	else if (strcmp(cmd, "dump") == 0)
		code = cmd_dump(argc - optind, argv + optind);
	else if (strcmp(cmd, "export") == 0)
		code = cmd_export(&o, argc - optind, argv + optind);
	else if (strcmp(cmd, "import") == 0)
		code = cmd_import(&o, argc - optind, argv + optind);
	else
		prog_usage_error(usage_line, "unknown command \"%s\"", cmd);
	return prog_finish(code);
}
