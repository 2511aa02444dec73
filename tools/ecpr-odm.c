/*
 * ecpr-odm - CDISC ODM 1.3.2 exchange: validate, dump, export and import
 * ODM files.
 */
#define _GNU_SOURCE /* strptime */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libxml/parser.h>

#include "ecpr_db.h"
#include "ecpr_odm.h"
#include "progutil.h"
#include "sort.h"

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
    "                [-o FILE] [-a FILE] FILE...\n"
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
	const char *conninfo; /* --db, or NULL */
	ecpr_db_filter filter;
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
	    "transaction\n"
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

/* A CSV field and its separator: quoted when it holds , " CR or LF. */
static void
csv_put(FILE *fp, const char *v, int last)
{
	const char *p;
	size_t n = strcspn(v, ",\"\r\n");

	if (v[n] == '\0') {
		fwrite(v, 1, n, fp);
	} else {
		putc('"', fp);
		for (p = v; *p != '\0'; p++) {
			if (*p == '"')
				putc('"', fp);
			putc(*p, fp);
		}
		putc('"', fp);
	}
	putc(last ? '\n' : ',', fp);
}

static int
dump_row(const ecpr_odm_row *row, void *ctx)
{
	(void)ctx;
	csv_put(stdout, row->subject, 0);
	csv_put(stdout, row->event, 0);
	csv_put(stdout, row->event_repeat, 0);
	csv_put(stdout, row->form, 0);
	csv_put(stdout, row->item_group, 0);
	csv_put(stdout, row->group_repeat, 0);
	csv_put(stdout, row->item, 0);
	csv_put(stdout, row->value, 0);
	csv_put(stdout, row->transaction, 1);
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
	    "transaction");
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

/* Where the episodes come from: case-record files or the registry. */
struct episodes {
	ecpr_source *src;
	ecpr_db_reader *rd;
};

static int
episodes_next(struct episodes *e, ecpr_episode **ep, ecpr_error *err)
{
	if (e->rd != NULL)
		return ecpr_db_read_next(e->rd, ep, err);
	return ecpr_source_next(e->src, ep, err);
}

/* A subject's episodes, as the source gives them one after another. */
struct group {
	ecpr_episode **v;
	size_t n, cap;
};

/* ------------------------------------------------------------------ */
/* The audit trail (export --audit)                                     */
/* ------------------------------------------------------------------ */

/* One audit_log row, copied. */
struct arow {
	int64_t id, batch;
	char *key;    /* row_key */
	char *column;
	char *old, *new; /* NULL when none */
	char *at;
	char *role;
	char *site;
	int used;     /* its episode was exported */
};

struct audit {
	struct arow *v;  /* sorted by row_key, then id */
	size_t n, cap;
	char **users, **sites; /* distinct, sorted */
	size_t nusers, nsites;
	/* the record given to the writer, and its text */
	ecpr_odm_audit rec;
	char id[32], reason[1024], source[64];
};

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int
audit_add(const ecpr_db_audit_row *r, void *ctx)
{
	struct audit *a = ctx;
	struct arow *v, *x;

	if (a->n == a->cap) {
		a->cap = a->cap == 0 ? 64 : 2 * a->cap;
		if ((v = realloc(a->v, a->cap * sizeof(*v))) == NULL)
			return ECPR_ENOMEM;
		a->v = v;
	}
	x = &a->v[a->n];
	memset(x, 0, sizeof(*x));
	x->id = r->id;
	x->batch = r->batch_id;
	x->key = strdup(r->row_key);
	x->column = strdup(r->column_name);
	x->old = xstrdup(r->old_value);
	x->new = xstrdup(r->new_value);
	x->at = strdup(r->at);
	x->role = strdup(r->db_role);
	x->site = strdup(r->site);
	a->n++;
	if (x->key == NULL || x->column == NULL || x->at == NULL ||
	    x->role == NULL || x->site == NULL ||
	    (r->old_value != NULL && x->old == NULL) ||
	    (r->new_value != NULL && x->new == NULL))
		return ECPR_ENOMEM;
	return 0;
}

static int
arow_cmp(const void *a, const void *b)
{
	const struct arow *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
arow_id_cmp(const void *a, const void *b)
{
	const struct arow *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct values of field off of the rows, sorted. */
static int
audit_names(struct audit *a, int roles, char ***out, size_t *nout)
{
	char **v;
	size_t i, n = 0;

	*out = NULL;
	*nout = 0;
	if (a->n == 0)
		return 0;
	if ((v = malloc(a->n * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < a->n; i++)
		v[i] = roles ? a->v[i].role : a->v[i].site;
	ecpr__sort(v, a->n, sizeof(*v), str_cmp);
	for (i = 0; i < a->n; i++)
		if (n == 0 || strcmp(v[n - 1], v[i]) != 0)
			v[n++] = v[i];
	*out = v;
	*nout = n;
	return 0;
}

static void
audit_free(struct audit *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].key);
		free(a->v[i].column);
		free(a->v[i].old);
		free(a->v[i].new);
		free(a->v[i].at);
		free(a->v[i].role);
		free(a->v[i].site);
	}
	free(a->v);
	free(a->users);
	free(a->sites);
	memset(a, 0, sizeof(*a));
}

/* Load the audit log of the filter's site and subject. */
static int
audit_load(struct audit *a, ecpr_db *db, const ecpr_db_filter *filter)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc;

	if ((rc = ecpr_db_audit_read(db, filter, audit_add, a, &err)) !=
	    ECPR_OK) {
		if (rc == ECPR_ENOMEM)
			prog_error("out of memory");
		else
			prog_report(&err);
		return prog_exit_code(rc);
	}
	if (audit_names(a, 1, &a->users, &a->nusers) != 0 ||
	    audit_names(a, 0, &a->sites, &a->nsites) != 0) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	ecpr__sort(a->v, a->n, sizeof(*a->v), arow_cmp);
	return 0;
}

/* The index of the first row whose row_key is not below key. */
static size_t
audit_lower(const struct audit *a, const char *key)
{
	size_t lo = 0, hi = a->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(a->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first row whose row_key is key (NULL: none). */
static struct arow *
audit_find(struct audit *a, const char *key, size_t *end)
{
	size_t lo = audit_lower(a, key), hi;

	for (hi = lo; hi < a->n && strcmp(a->v[hi].key, key) == 0; hi++)
		;
	*end = hi;
	return lo < hi ? &a->v[lo] : NULL;
}

/* Quote a value for ReasonForChange: "v", or "none". */
static const char *
qv(char *buf, size_t len, const char *v)
{
	if (v == NULL)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "\"%s\"", v);
	return buf;
}

static const ecpr_odm_audit *
audit_rec(struct audit *a, const struct arow *r)
{
	char o[400], n[400];

	snprintf(a->id, sizeof(a->id), "AR.%" PRId64, r->id);
	if (strcmp(r->column, "*") == 0)
		snprintf(a->reason, sizeof(a->reason), "import batch %" PRId64
		    ": %s %s", r->batch, r->new != NULL ? "added" : "removed",
		    qv(n, sizeof(n), r->new != NULL ? r->new : r->old));
	else
		snprintf(a->reason, sizeof(a->reason), "import batch %" PRId64
		    ": %s changed from %s to %s", r->batch, r->column,
		    qv(o, sizeof(o), r->old), qv(n, sizeof(n), r->new));
	snprintf(a->source, sizeof(a->source), "audit_log %" PRId64, r->id);
	a->rec.id = NULL;
	a->rec.user = r->role;
	a->rec.location = r->site;
	a->rec.when = r->at;
	a->rec.reason = a->reason;
	a->rec.source = a->source;
	return &a->rec;
}

/*
 * The AuditRecord of a value: the latest change of its audit_log row
 * (for an event the change of its source text when that batch changed
 * it, else the latest column changed).
 */
static const ecpr_odm_audit *
audit_cb(const ecpr_episode *ep, int attr, const ecpr_event *ev, void *ctx)
{
	struct audit *a = ctx;
	struct arow *r, *best = NULL;
	char key[1024];
	size_t i, n, end, occ = 0;

	if (ev == NULL)
		snprintf(key, sizeof(key), "%s/%s/%ld", ecpr_episode_site(ep),
		    ecpr_episode_subject(ep), ecpr_episode_number(ep));
	else {
		n = ecpr_episode_event_count(ep);
		for (i = 0; i < n; i++) {
			const ecpr_event *e = ecpr_episode_event(ep, i);

			if (e->type == ev->type)
				occ++;
			if (e == ev)
				break;
		}
		snprintf(key, sizeof(key), "%s/%s/%ld/%s#%zu",
		    ecpr_episode_site(ep), ecpr_episode_subject(ep),
		    ecpr_episode_number(ep), ecpr_event_name(ev->type), occ);
	}
	if ((r = audit_find(a, key, &end)) == NULL)
		return NULL;
	for (; r < a->v + end; r++) {
		if (ev == NULL && strcmp(r->column,
		    ecpr_attr_name((ecpr_attr_id)attr)) != 0)
			continue;
		if (best == NULL || r->batch > best->batch ||
		    (r->batch == best->batch && (strcmp(r->column, "source") ==
		    0 || strcmp(r->column, "*") == 0)))
			best = r;
	}
	return best != NULL ? audit_rec(a, best) : NULL;
}

/* Mark the audit rows of an exported episode (its key and key/...). */
static void
audit_mark(struct audit *a, const ecpr_episode *ep)
{
	char key[1024];
	size_t lo, kl;

	kl = (size_t)snprintf(key, sizeof(key), "%s/%s/%ld",
	    ecpr_episode_site(ep), ecpr_episode_subject(ep),
	    ecpr_episode_number(ep));
	for (lo = audit_lower(a, key); lo < a->n &&
	    strncmp(a->v[lo].key, key, kl) == 0; lo++)
		if (a->v[lo].key[kl] == '\0' || a->v[lo].key[kl] == '/')
			a->v[lo].used = 1;
}

/* The ClinicalData's AuditRecords: every change of the exported episodes. */
static int
audit_write(struct audit *a, ecpr_odm_writer *w)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_audit rec;
	char id[32];
	size_t i;
	int rc;

	ecpr__sort(a->v, a->n, sizeof(*a->v), arow_id_cmp);
	for (i = 0; i < a->n; i++) {
		if (!a->v[i].used)
			continue;
		rec = *audit_rec(a, &a->v[i]);
		/* ReasonForChange names the value the row is about */
		snprintf(id, sizeof(id), "AR.%" PRId64, a->v[i].id);
		rec.id = id;
		snprintf(a->reason + strlen(a->reason), sizeof(a->reason) -
		    strlen(a->reason), " (%s)", a->v[i].key);
		if ((rc = ecpr_odm_writer_audit_record(w, &rec, &err)) !=
		    ECPR_OK)
			return fail(&err, rc);
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
group_flush(ecpr_odm_writer *w, struct group *g, struct audit *a)
{
	ecpr_error err = ECPR_ERROR_INIT;
	size_t i;
	int rc;

	if (a != NULL)
		for (i = 0; i < g->n; i++)
			audit_mark(a, g->v[i]);
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
export_episodes(ecpr_odm_writer *w, struct episodes *src, struct audit *a)
{
	ecpr_error err = ECPR_ERROR_INIT;
	struct group g = { NULL, 0, 0 };
	ecpr_episode *ep, **nv;
	int rc, code = 0;

	for (;;) {
		ep = NULL;
		if ((rc = episodes_next(src, &ep, &err)) != ECPR_OK) {
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
	if (code == 0 && a != NULL)
		code = audit_write(a, w);
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

/* The value of --since or --until (opt), local in tz; usage error if bad. */
static ecpr_time
filter_time(const char *opt, const char *value, const ecpr_tz *tz)
{
	ecpr_error terr = ECPR_ERROR_INIT;
	ecpr_time tm;

	if (ecpr_time_parse(&tm, value, tz, &terr) != 0)
		prog_usage_error(usage_line, "%s: %s", opt, terr.message);
	return tm;
}

/* Parse --since/--until into the filter (local times in tz). */
static void
parse_filter_times(struct opts *o, const ecpr_tz *tz)
{
	if (o->since != NULL) {
		o->filter.has_since = 1;
		o->filter.since = filter_time("--since", o->since, tz).t;
	}
	if (o->until != NULL) {
		o->filter.has_until = 1;
		o->filter.until = filter_time("--until", o->until, tz).end;
	}
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
	struct episodes src = { NULL, NULL };
	struct audit audit;
	ecpr_db *db = NULL;
	unsigned char *key = NULL;
	size_t keylen = 0;
	prog_outfile of;
	ecpr_tz *tz = NULL;
	char now[40];
	int i, rc, code;

	memset(&audit, 0, sizeof(audit));
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
		parse_filter_times(o, tz);
		if ((code = db_connect(&db, o->conninfo)) != 0)
			goto out;
		if (o->audit && (code = audit_load(&audit, db, &o->filter)) !=
		    0)
			goto out;
		if ((rc = ecpr_db_read_begin(&src.rd, db, &o->filter,
		    &err)) != ECPR_OK) {
			code = fail(&err, rc);
			goto out;
		}
	} else {
		ro.tz = tz;
		if ((rc = ecpr_source_new(&src.src, &ro, &err)) != ECPR_OK) {
			code = fail(&err, rc);
			goto out;
		}
		for (i = 0; i < argc; i++)
			if ((rc = ecpr_source_add_file(src.src, argv[i],
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
	if (o->audit) {
		eo.users = (const char *const *)audit.users;
		eo.nusers = audit.nusers;
		eo.locations = (const char *const *)audit.sites;
		eo.nlocations = audit.nsites;
		eo.audit = audit_cb;
		eo.audit_ctx = &audit;
	}
	if ((rc = ecpr_odm_writer_new(&w, of.fp, &eo, &err)) != ECPR_OK)
		code = fail(&err, rc);
	else
		code = export_episodes(w, &src, o->audit ? &audit : NULL);
	ecpr_odm_writer_free(w);
	code = prog_worse(code, prog_outfile_close(&of, code == 0));
out:
	ecpr_db_read_free(src.rd);
	ecpr_db_close(db);
	ecpr_source_free(src.src);
	audit_free(&audit);
	ecpr_tz_free(tz);
	ecpr_odm_key_free(key, keylen);
	return code;
}

/* ------------------------------------------------------------------ */
/* import                                                               */
/* ------------------------------------------------------------------ */

/* What an item becomes. */
enum field_kind { F_IGNORE, F_SITE, F_EVENT, F_ATTR };

struct field {
	enum field_kind kind;
	int id; /* event type or attribute id */
};

struct map_item {
	char *event;  /* StudyEventOID or Name it is limited to, or NULL */
	char *item;   /* ItemDef OID or Name */
	char *tevent, *titem; /* "item D + T = EVENT": the time item T */
	struct field f;
	unsigned long line;
	int used, tused; /* the item, the time item was in a file */
};

struct map_code {
	struct field f;
	char *code;
	char *value;
};

struct map {
	char *file;
	char *site; /* "" when none */
	struct map_item *items;
	size_t nitems;
	struct map_code *codes;
	size_t ncodes;
};

static void
map_free(struct map *m)
{
	size_t i;

	for (i = 0; i < m->nitems; i++) {
		free(m->items[i].event);
		free(m->items[i].item);
		free(m->items[i].tevent);
		free(m->items[i].titem);
	}
	for (i = 0; i < m->ncodes; i++) {
		free(m->codes[i].code);
		free(m->codes[i].value);
	}
	free(m->items);
	free(m->codes);
	free(m->site);
	free(m->file);
	memset(m, 0, sizeof(*m));
}

/* A field name: site, ignore, an event or an attribute.  0 or -1. */
static int
field_lookup(const char *name, struct field *f)
{
	f->id = 0;
	if (strcmp(name, "site") == 0)
		f->kind = F_SITE;
	else if (strcmp(name, "ignore") == 0)
		f->kind = F_IGNORE;
	else if ((f->id = ecpr_event_lookup(name)) >= 0)
		f->kind = F_EVENT;
	else if ((f->id = ecpr_attr_lookup(name)) >= 0)
		f->kind = F_ATTR;
	else
		return -1;
	return 0;
}

/* Trim blanks on both sides, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int
map_error(const char *file, unsigned long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s:%lu: %s\n", prog_name(), file, line, msg);
	return EX_DATAERR;
}

/* The next blank-separated word of *p (NUL-terminated in place). */
static char *
word(char **p)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

/*
 * An item of a map rule, "OID" or "EVENT/OID", into *event (NULL: any
 * event) and *item; 0 or an exit code.
 */
static int
map_oid(const char *file, unsigned long ln, const char *whole, const char *a,
    char **event, char **item)
{
	const char *sl = strchr(a, '/');

	if (sl == NULL)
		return (*item = strdup(a)) == NULL ? EX_OSERR : 0;
	if (sl == a || sl[1] == '\0')
		return map_error(file, ln, "key \"%s\": \"%s\" is not ITEM "
		    "or EVENT/ITEM", whole, a);
	if ((*event = strndup(a, (size_t)(sl - a))) == NULL ||
	    (*item = strdup(sl + 1)) == NULL)
		return EX_OSERR;
	return 0;
}

static int
same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* 1 when two rules name the same item (or date and time items). */
static int
same_rule(const struct map_item *x, const struct map_item *y)
{
	return same_str(x->event, y->event) && same_str(x->item, y->item) &&
	    same_str(x->tevent, y->tevent) && same_str(x->titem, y->titem);
}

/*
 * Read a map file (ecpr-odm-map(5)):
 *   site = NAME
 *   item OID = FIELD
 *   code FIELD CODE = VALUE
 */
static int
map_load(struct map *m, const char *file)
{
	char buf[4096], whole[4096], *line, *eq, *key, *val, *p, *kw, *a, *b;
	char *c = NULL;
	unsigned long ln = 0;
	struct map_item *mi;
	struct field f;
	size_t i;
	void *nv;
	FILE *fp;
	int code = 0;

	memset(m, 0, sizeof(*m));
	if ((fp = fopen(file, "r")) == NULL) {
		prog_error("%s: cannot open: %s", file, strerror(errno));
		return EX_NOINPUT;
	}
	if ((m->file = strdup(file)) == NULL)
		code = EX_OSERR;
	while (code == 0 && fgets(buf, sizeof(buf), fp) != NULL) {
		ln++;
		if (strchr(buf, '\n') == NULL && !feof(fp)) {
			code = map_error(file, ln, "line longer than %zu bytes",
			    sizeof(buf) - 2);
			break;
		}
		line = trim(buf);
		if (*line == '\0' || *line == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			code = map_error(file, ln, "\"%s\": no \"=\" (KEY = "
			    "VALUE)", line);
			break;
		}
		*eq = '\0';
		key = trim(line);
		val = trim(eq + 1);
		snprintf(whole, sizeof(whole), "%s", key);
		p = key;
		kw = word(&p);
		a = kw != NULL ? word(&p) : NULL;
		b = a != NULL ? word(&p) : NULL;
		if (kw == NULL) {
			code = map_error(file, ln, "no key before \"= %s\"",
			    val);
		} else if (strcmp(kw, "site") == 0 && a == NULL) {
			if (*val == '\0' || strchr(val, ',') != NULL ||
			    strchr(val, '"') != NULL)
				code = map_error(file, ln, "key \"site\": bad "
				    "site \"%s\"", val);
			else if (m->site != NULL)
				code = map_error(file, ln, "key \"site\" given "
				    "twice");
			else if ((m->site = strdup(val)) == NULL)
				code = EX_OSERR;
		} else if (strcmp(kw, "item") == 0 && a != NULL && (b == NULL ||
		    (strcmp(b, "+") == 0 && (c = word(&p)) != NULL &&
		    *p == '\0'))) {
			if (field_lookup(val, &f) != 0) {
				code = map_error(file, ln, "key \"%s\": "
				    "unknown field \"%s\" (site, ignore, an "
				    "event or an attribute)", whole, val);
				break;
			}
			if (b != NULL && f.kind != F_EVENT) {
				code = map_error(file, ln, "key \"%s\": a date "
				    "and a time make an event, not \"%s\"",
				    whole, val);
				break;
			}
			if ((nv = realloc(m->items, (m->nitems + 1) *
			    sizeof(*m->items))) == NULL) {
				code = EX_OSERR;
				break;
			}
			m->items = nv;
			mi = &m->items[m->nitems++];
			memset(mi, 0, sizeof(*mi));
			mi->f = f;
			mi->line = ln;
			if ((code = map_oid(file, ln, whole, a, &mi->event,
			    &mi->item)) == 0 && b != NULL)
				code = map_oid(file, ln, whole, c, &mi->tevent,
				    &mi->titem);
			for (i = 0; code == 0 && i + 1 < m->nitems; i++)
				if (same_rule(&m->items[i], mi))
					code = map_error(file, ln, "key \"%s\": "
					    "given twice (also line %lu)",
					    whole, m->items[i].line);
		} else if (strcmp(kw, "code") == 0 && a != NULL && b != NULL &&
		    *p == '\0') {
			if (field_lookup(a, &f) != 0 || f.kind != F_ATTR) {
				code = map_error(file, ln, "key \"code %s %s\": "
				    "\"%s\" is not an attribute", a, b, a);
				break;
			}
			if ((nv = realloc(m->codes, (m->ncodes + 1) *
			    sizeof(*m->codes))) == NULL) {
				code = EX_OSERR;
				break;
			}
			m->codes = nv;
			m->codes[m->ncodes].f = f;
			m->codes[m->ncodes].code = strdup(b);
			m->codes[m->ncodes++].value = strdup(val);
		} else {
			code = map_error(file, ln, "unknown key \"%s\" (site, "
			    "item OID, code FIELD CODE)", whole);
		}
	}
	if (code == 0 && ferror(fp)) {
		prog_error("%s: cannot read: %s", file, strerror(errno));
		code = EX_IOERR;
	}
	if (code == EX_OSERR)
		prog_error("out of memory");
	fclose(fp);
	if (code != 0)
		map_free(m);
	return code;
}

/* An ItemData's TransactionType: none (a snapshot), Context, or a change. */
#define TX_NONE (-1)
#define TX_CONTEXT (-2)

/* One value of the episode being read. */
struct ival {
	struct field f;
	char *value;
	unsigned long line;
	int op;        /* TX_NONE or an ecpr_db_op */
	unsigned occ;  /* occurrence of an event (changes) */
	int role;      /* R_DATE, R_TIME: a part of a date + time rule */
	size_t rule;   /* ... that rule (map->items) */
};

enum { R_VALUE, R_DATE, R_TIME };

/* Item names already resolved to fields (a small hash table). */
#define FCACHE_SIZE 256
struct fcache {
	char *name;
	struct field f;
};

struct import {
	struct fcache cache[FCACHE_SIZE];
	struct map *map;
	const char *const *dfmt; /* --date-format formats */
	size_t ndfmt;
	FILE *out;      /* long-form events */
	FILE *attrs;    /* wide attributes, or NULL */
	const char *file;
	char *key;      /* subject NUL repeat of the buffered episode */
	size_t keylen;
	char *subject;
	long episode;
	unsigned long line;
	char *site;
	struct ival *v;
	size_t n, cap;
	size_t ignored, attrs_left, ages;
	size_t context;  /* Context items: nothing changed */
	size_t rows, episodes; /* item values read, episodes written */
	int all_read;    /* every file was read (rules not used are noted) */
	char *unmapped;  /* the file's first item that maps to no field */
	unsigned long unmapped_line;
	size_t removes;  /* Remove items left out of a case-record file */
	ecpr_db_import *dbi; /* import --db: episodes go to the registry */
	const ecpr_tz *tz;
	int code;
};

static void
import_clear(struct import *im)
{
	size_t i;

	for (i = 0; i < im->n; i++)
		free(im->v[i].value);
	im->n = 0;
	free(im->site);
	im->site = NULL;
}

static int import_episode(struct import *im, const char *site,
    ecpr_episode **out);

/* 0, or report a staging error and give its exit code. */
static int
stage_error(const struct import *im, int rc, const ecpr_error *err)
{
	if (rc == ECPR_OK)
		return 0;
	if (err->file[0] == '\0')
		fprintf(stderr, "%s: %s:%lu: subject \"%s\", episode %ld: %s\n",
		    prog_name(), im->file, im->line, im->subject, im->episode,
		    err->message);
	else
		prog_report(err);
	return rc == ECPR_EPARSE || rc == ECPR_ERULE || rc == ECPR_EINVAL ?
	    EX_DATAERR : prog_exit_code(rc);
}

/* Stage the buffered episode in the registry import (site known). */
static int
import_stage(struct import *im, const char *site)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	int rc;

	if ((rc = import_episode(im, site, &ep)) != 0)
		return rc;
	rc = ecpr_db_import_add(im->dbi, ep, &err);
	ecpr_episode_free(ep);
	return stage_error(im, rc, &err);
}

/*
 * The buffered episode built and checked as the registry import does
 * (Remove values left out) in *out; 0, or the error reported and its
 * exit code.
 */
static int
import_episode(struct import *im, const char *site, ecpr_episode **out)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	size_t i;
	int rc;

	*out = NULL;
	rc = ecpr_episode_new(&ep, site, im->subject, im->episode, &err);
	for (i = 0; rc == ECPR_OK && i < im->n; i++) {
		if (im->v[i].op == ECPR_DB_REMOVE)
			continue;
		if (im->v[i].f.kind == F_ATTR)
			rc = ecpr_episode_set_attr(ep, (ecpr_attr_id)
			    im->v[i].f.id, im->v[i].value, im->file,
			    im->v[i].line, &err);
		else
			rc = ecpr_episode_add_event(ep, (ecpr_event_type)
			    im->v[i].f.id, im->v[i].value, NULL, im->tz,
			    im->file, im->v[i].line, &err);
	}
	if (rc == ECPR_OK)
		rc = ecpr_episode_finish(ep, NULL, NULL, &err);
	if (rc == ECPR_OK) {
		*out = ep;
		return 0;
	}
	ecpr_episode_free(ep);
	return stage_error(im, rc, &err);
}

/*
 * Stage the buffered changes (TransactionType Insert, Update, Upsert,
 * Remove) to an episode: values the file does not name stay as stored.
 */
static int
import_change(struct import *im, const char *site)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_change *ch;
	size_t i;
	int rc;

	if ((ch = calloc(im->n, sizeof(*ch))) == NULL) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	for (i = 0; i < im->n; i++) {
		const struct ival *v = &im->v[i];

		ch[i].op = v->op == TX_NONE ? ECPR_DB_UPSERT :
		    (ecpr_db_op)v->op;
		ch[i].attr = v->f.kind == F_ATTR ? v->f.id : -1;
		ch[i].type = v->f.kind == F_EVENT ? (ecpr_event_type)v->f.id :
		    ECPR_EV_CA_ONSET;
		ch[i].occurrence = v->occ;
		ch[i].value = v->value;
		ch[i].file = im->file;
		ch[i].line = v->line;
	}
	rc = ecpr_db_import_change(im->dbi, site, im->subject, im->episode,
	    ch, im->n, im->tz, &err);
	free(ch);
	return stage_error(im, rc, &err);
}

/* The item name a rule part names, for messages. */
static const char *
rule_item(const struct map_item *mi, int role)
{
	return role == R_TIME ? mi->titem : mi->item;
}

/*
 * Join the date and time items of "item D + T = EVENT" rules in the
 * buffered episode (the k-th time of a rule with its k-th date; a date
 * alone stays a day).  0, or EX_DATAERR when a time has no date or its
 * date has a time of day already.
 */
static int
import_join(struct import *im)
{
	struct ival *d, *t;
	size_t i, j, n = 0;
	char *v;
	int code = 0;

	for (i = 0; i < im->n; i++) {
		d = &im->v[i];
		if (d->role != R_DATE)
			continue;
		d->role = R_VALUE;
		for (j = 0; j < im->n; j++)
			if (im->v[j].role == R_TIME && im->v[j].rule == d->rule)
				break;
		if (j == im->n)
			continue;
		t = &im->v[j];
		t->role = -1; /* used */
		if (d->op == ECPR_DB_REMOVE || t->op == ECPR_DB_REMOVE)
			continue;
		if (strchr(d->value, 'T') != NULL) {
			fprintf(stderr, "%s: %s:%lu: item \"%s\": \"%s\" has "
			    "a time of day already (time item \"%s\" on line "
			    "%lu)\n", prog_name(), im->file, d->line,
			    im->map->items[d->rule].item, d->value,
			    im->map->items[d->rule].titem, t->line);
			code = EX_DATAERR;
			continue;
		}
		if ((v = malloc(strlen(d->value) + strlen(t->value) + 2)) ==
		    NULL) {
			prog_error("out of memory");
			return EX_OSERR;
		}
		sprintf(v, "%sT%s", d->value, t->value);
		free(d->value);
		d->value = v;
	}
	for (i = 0; i < im->n; i++) {
		t = &im->v[i];
		if (t->role == R_TIME && t->op != ECPR_DB_REMOVE) {
			fprintf(stderr, "%s: %s:%lu: item \"%s\": a time of "
			    "day without its date (item \"%s\")\n",
			    prog_name(), im->file, t->line, rule_item(
			    &im->map->items[t->rule], R_TIME),
			    im->map->items[t->rule].item);
			code = EX_DATAERR;
		}
		if (t->role == R_TIME || t->role < 0)
			free(t->value);
		else
			im->v[n++] = *t;
	}
	im->n = n;
	return code;
}

/* Write the buffered episode. */
static int
import_flush(struct import *im)
{
	const char *vals[ECPR_AT_COUNT];
	const char *site;
	ecpr_episode *ep;
	char num[32];
	size_t i;
	int any = 0;

	if (im->key == NULL || im->n == 0) {
		import_clear(im);
		return 0;
	}
	if ((any = import_join(im)) != 0) {
		import_clear(im);
		return any;
	}
	site = im->site != NULL ? im->site : im->map->site;
	if (site == NULL) {
		fprintf(stderr, "%s: %s:%lu: subject \"%s\": no site (map an "
		    "item to \"site\" or give \"site = NAME\" with --map)\n",
		    prog_name(), im->file, im->line, im->subject);
		import_clear(im);
		return EX_DATAERR;
	}
	if (im->dbi != NULL) {
		for (i = 0; i < im->n && im->v[i].op == TX_NONE; i++)
			;
		any = i < im->n ? import_change(im, site) :
		    import_stage(im, site);
		im->episodes += any == 0;
		import_clear(im);
		return any;
	}
	/* checked as the registry import checks it */
	if ((any = import_episode(im, site, &ep)) != 0) {
		import_clear(im);
		return any;
	}
	ecpr_episode_free(ep);
	im->episodes++;
	snprintf(num, sizeof(num), "%ld", im->episode);
	memset(vals, 0, sizeof(vals));
	for (i = 0; i < im->n; i++) {
		if (im->v[i].op == ECPR_DB_REMOVE) {
			/* a case-record file cannot say "no value any more" */
			im->removes++;
			continue;
		}
		if (im->v[i].f.kind == F_ATTR) {
			vals[im->v[i].f.id] = im->v[i].value;
			any = 1;
			continue;
		}
		csv_put(im->out, site, 0);
		csv_put(im->out, im->subject, 0);
		csv_put(im->out, num, 0);
		csv_put(im->out, ecpr_event_name((ecpr_event_type)
		    im->v[i].f.id), 0);
		csv_put(im->out, im->v[i].value, 0);
		csv_put(im->out, "", 1);
	}
	if (any && im->attrs != NULL) {
		csv_put(im->attrs, site, 0);
		csv_put(im->attrs, im->subject, 0);
		csv_put(im->attrs, num, 0);
		for (i = 0; i < ECPR_AT_COUNT; i++)
			csv_put(im->attrs, vals[i] != NULL ? vals[i] : "",
			    i + 1 == ECPR_AT_COUNT);
	} else if (any)
		im->attrs_left++;
	import_clear(im);
	return 0;
}

/*
 * The field of an item name without a map (F_IGNORE when none), through
 * the cache.  0, or -1 when out of memory.
 */
static int
field_cached(struct import *im, const char *name, struct field *f)
{
	const unsigned char *p;
	uint32_t h = 2166136261u;
	size_t i, k;

	for (p = (const unsigned char *)name; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	for (k = 0; k < FCACHE_SIZE; k++) {
		i = (h + k) & (FCACHE_SIZE - 1);
		if (im->cache[i].name == NULL)
			break;
		if (strcmp(im->cache[i].name, name) == 0) {
			*f = im->cache[i].f;
			return 0;
		}
	}
	if (field_lookup(name, f) != 0)
		f->kind = F_IGNORE;
	if (k < FCACHE_SIZE) { /* a full table just looks up */
		if ((im->cache[i].name = strdup(name)) == NULL)
			return -1;
		im->cache[i].f = *f;
	}
	return 0;
}

static void
fcache_free(struct import *im)
{
	size_t i;

	for (i = 0; i < FCACHE_SIZE; i++) {
		free(im->cache[i].name);
		im->cache[i].name = NULL;
	}
}

#define TX_UNKNOWN (-3)

/*
 * A SubjectData, StudyEventData, FormData or ItemGroupData removed
 * whole (ecpr_odm_read gives it as a Remove row without an item): not
 * read, so refused rather than left as it is in silence.
 */
static int
remove_whole(struct import *im, const ecpr_odm_row *r)
{
	const char *el = "SubjectData", *oid = r->subject;

	if (*r->item_group_oid != '\0') {
		el = "ItemGroupData";
		oid = r->item_group_oid;
	} else if (*r->form_oid != '\0') {
		el = "FormData";
		oid = r->form_oid;
	} else if (*r->event_oid != '\0') {
		el = "StudyEventData";
		oid = r->event_oid;
	}
	fprintf(stderr, "%s: %s:%lu: %s \"%s\": a Remove of a whole %s is "
	    "not read (mark each ItemData Remove)\n", prog_name(), im->file,
	    r->line, el, oid, el);
	im->code = prog_worse(im->code, EX_DATAERR);
	return 0;
}

/* 1 when the rule's item (event NULL: in any event) is the row's. */
static int
rule_is(const char *event, const char *item, const ecpr_odm_row *r)
{
	if (item == NULL || (event != NULL && strcmp(event, r->event_oid) !=
	    0 && strcmp(event, r->event) != 0))
		return 0;
	return strcmp(item, r->item_oid) == 0 || strcmp(item, r->item) == 0;
}

/*
 * The map rule of a row's item (one naming the row's event before one
 * for any event) in *rule, and whether the item is the rule's value, date
 * or time in *role; 1 when found.  Marks the rule used.
 */
static int
map_find(struct map *m, const ecpr_odm_row *r, size_t *rule, int *role)
{
	size_t i;
	int best = 0, score;

	for (i = 0; i < m->nitems; i++) {
		const struct map_item *mi = &m->items[i];

		if (rule_is(mi->event, mi->item, r))
			score = mi->event != NULL ? 2 : 1;
		else if (rule_is(mi->tevent, mi->titem, r))
			score = mi->tevent != NULL ? -2 : -1;
		else
			continue;
		if (abs(score) > abs(best)) {
			best = score;
			*rule = i;
		}
	}
	if (best == 0)
		return 0;
	*role = best < 0 ? R_TIME : m->items[*rule].titem != NULL ? R_DATE :
	    R_VALUE;
	if (best < 0)
		m->items[*rule].tused = 1;
	else
		m->items[*rule].used = 1;
	return 1;
}

/*
 * The value of attribute id: a "code" rule's value for the value or its
 * CodeList decode, else the value, else (when the value is none of the
 * attribute's and its decode is) the decode, normalised into buf.
 */
static const char *
attr_value(const struct map *m, int id, const char *value,
    const char *decode, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < m->ncodes; i++)
		if (m->codes[i].f.id == id && (strcmp(m->codes[i].code,
		    value) == 0 || (*decode != '\0' &&
		    strcmp(m->codes[i].code, decode) == 0)))
			return m->codes[i].value;
	if (*decode != '\0' &&
	    ecpr_attr_normalize((ecpr_attr_id)id, value, buf, len, NULL) !=
	    ECPR_OK &&
	    ecpr_attr_normalize((ecpr_attr_id)id, decode, buf, len, NULL) ==
	    ECPR_OK)
		return buf;
	return value;
}

/* The smallest unit a strptime format reads: 1 year ... 5 second. */
static int
format_precision(const char *fmt)
{
	int p = 0, q;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%' || fmt[1] == '\0')
			continue;
		switch (*++fmt) {
		case 'S': case 'T':
			q = 5;
			break;
		case 'H': case 'M': case 'R': case 'I':
			q = 4;
			break;
		case 'd': case 'e': case 'j':
			q = 3;
			break;
		case 'm': case 'b': case 'B': case 'h':
			q = 2;
			break;
		case 'Y': case 'y':
			q = 1;
			break;
		default:
			q = 0;
		}
		if (q > p)
			p = q;
	}
	return p;
}

/*
 * A date or time value read with the first --date-format that reads all
 * of it, written as ISO 8601 at the format's precision into buf; else
 * the value as it is.
 */
static const char *
date_value(const struct import *im, const char *value, char *buf,
    size_t len)
{
	struct tm tm;
	const char *end;
	size_t i;
	int p;

	for (i = 0; i < im->ndfmt; i++) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
		end = strptime(value, im->dfmt[i], &tm);
		if (end == NULL || *end != '\0' || tm.tm_year < -1900 ||
		    tm.tm_year > 9999 - 1900)
			continue;
		p = format_precision(im->dfmt[i]);
		if (p >= 5)
			snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec);
		else if (p == 4)
			snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min);
		else if (p == 3)
			snprintf(buf, len, "%04d-%02d-%02d", tm.tm_year + 1900,
			    tm.tm_mon + 1, tm.tm_mday);
		else if (p == 2)
			snprintf(buf, len, "%04d-%02d", tm.tm_year + 1900,
			    tm.tm_mon + 1);
		else
			snprintf(buf, len, "%04d", tm.tm_year + 1900);
		return buf;
	}
	return value;
}

/* TX_NONE, TX_CONTEXT, an ecpr_db_op, or TX_UNKNOWN. */
static int
tx_op(const char *t)
{
	if (*t == '\0')
		return TX_NONE;
	if (strcmp(t, "Context") == 0)
		return TX_CONTEXT;
	if (strcmp(t, "Insert") == 0)
		return ECPR_DB_INSERT;
	if (strcmp(t, "Update") == 0)
		return ECPR_DB_UPDATE;
	if (strcmp(t, "Upsert") == 0)
		return ECPR_DB_UPSERT;
	if (strcmp(t, "Remove") == 0)
		return ECPR_DB_REMOVE;
	return TX_UNKNOWN;
}

/*
 * Which occurrence of event type a change names: the ItemGroupRepeatKey
 * of a repeatable event (its segment or repeat), else the next one of
 * the episode.
 */
static unsigned
occurrence(const struct import *im, int type, const char *repeat)
{
	unsigned long v;
	unsigned n = 1;
	char *end;
	size_t i;

	if (!ecpr_event_repeatable((ecpr_event_type)type))
		return 1;
	v = strtoul(repeat, &end, 10);
	if (*repeat >= '1' && *repeat <= '9' && *end == '\0' && v <= 100000)
		return (unsigned)v;
	for (i = 0; i < im->n; i++)
		if (im->v[i].f.kind == F_EVENT && im->v[i].f.id == type)
			n++;
	return n;
}

static int
import_row(const ecpr_odm_row *r, void *ctx)
{
	struct import *im = ctx;
	struct map *m = im->map;
	const char *value = r->value;
	struct field f;
	size_t kl, rule = 0;
	char *k, buf[1024];
	long ep;
	int op, role = R_VALUE, found = 0;

	/* a new episode: another subject or StudyEventRepeatKey */
	if (im->key == NULL || strcmp(im->key, r->subject) != 0 ||
	    strcmp(im->key + strlen(im->key) + 1, r->event_repeat) != 0) {
		kl = strlen(r->subject) + strlen(r->event_repeat) + 2;
		if ((im->code = prog_worse(im->code, import_flush(im))) != 0 &&
		    im->code != EX_DATAERR)
			return ECPR_EIO;
		if ((k = malloc(kl)) == NULL)
			return ECPR_ENOMEM;
		memcpy(k, r->subject, strlen(r->subject) + 1);
		strcpy(k + strlen(r->subject) + 1, r->event_repeat);
		free(im->key);
		im->key = k;
		im->keylen = kl;
		im->subject = k;
		ep = strtol(r->event_repeat, &k, 10);
		im->episode = *r->event_repeat != '\0' && *k == '\0' &&
		    ep >= 1 ? ep : 1;
		im->line = r->line;
	}
	if (*r->item_oid == '\0') /* an element removed whole */
		return remove_whole(im, r);
	if (m->nitems == 0) {
		if (field_cached(im, r->item, &f) != 0)
			return ECPR_ENOMEM;
	} else if ((found = map_find(m, r, &rule, &role)) != 0) {
		f = m->items[rule].f;
	} else if (field_lookup(r->item, &f) != 0)
		f.kind = F_IGNORE;
	im->rows++;
	if (f.kind == F_IGNORE) {
		im->ignored++;
		if (!found && im->unmapped == NULL &&
		    (im->unmapped = strdup(r->item_oid)) == NULL)
			return ECPR_ENOMEM;
		if (!found && im->unmapped_line == 0)
			im->unmapped_line = r->line;
		return 0;
	}
	if ((op = tx_op(r->transaction)) == TX_UNKNOWN) {
		fprintf(stderr, "%s: %s:%lu: ItemData \"%s\": unknown "
		    "TransactionType \"%s\" (Insert, Update, Remove, Upsert or "
		    "Context)\n", prog_name(), im->file, r->line, r->item_oid,
		    r->transaction);
		im->code = prog_worse(im->code, EX_DATAERR);
		return 0;
	}
	if (f.kind == F_SITE) { /* a key: whatever the TransactionType */
		if (op == ECPR_DB_REMOVE || *value == '\0')
			return 0;
		free(im->site);
		if ((im->site = strdup(value)) == NULL)
			return ECPR_ENOMEM;
		return 0;
	}
	if (op == TX_CONTEXT) {
		im->context++;
		return 0;
	}
	if (op == ECPR_DB_REMOVE)
		value = "";
	else if (*value == '\0')
		return 0;
	if (op != ECPR_DB_REMOVE && f.kind == F_ATTR)
		value = attr_value(m, f.id, value, r->decode, buf, sizeof(buf));
	else if (op != ECPR_DB_REMOVE && role != R_TIME)
		value = date_value(im, value, buf, sizeof(buf));
	if (f.kind == F_ATTR && f.id == ECPR_AT_AGE_YEARS &&
	    op != ECPR_DB_REMOVE && strcmp(value, "90+") == 0) {
		im->ages++;
		return 0;
	}
	if (im->n == im->cap) {
		struct ival *nv;

		im->cap = im->cap == 0 ? 32 : 2 * im->cap;
		if ((nv = realloc(im->v, im->cap * sizeof(*nv))) == NULL)
			return ECPR_ENOMEM;
		im->v = nv;
	}
	im->v[im->n].f = f;
	im->v[im->n].line = r->line;
	im->v[im->n].op = op;
	im->v[im->n].occ = f.kind == F_EVENT ? occurrence(im, f.id,
	    r->group_repeat) : 0;
	im->v[im->n].role = role;
	im->v[im->n].rule = rule;
	if ((im->v[im->n].value = strdup(value)) == NULL)
		return ECPR_ENOMEM;
	im->n++;
	return 0;
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

/* A file gave no episode and no Context: say why (EX_DATAERR). */
static int
nothing_imported(const struct import *im)
{
	if (im->rows == 0)
		fprintf(stderr, "%s: %s: nothing to import: no ItemData in "
		    "its ClinicalData\n", prog_name(), im->file);
	else if (im->unmapped != NULL)
		fprintf(stderr, "%s: %s: nothing to import: none of its %zu "
		    "item value%s maps to a case-record field (line %lu: "
		    "ItemOID \"%s\"; give --map MAPFILE, see "
		    "ecpr-odm-map(5))\n", prog_name(), im->file, im->rows,
		    plural(im->rows), im->unmapped_line, im->unmapped);
	else
		fprintf(stderr, "%s: %s: nothing to import: none of its %zu "
		    "item value%s has a value\n", prog_name(), im->file,
		    im->rows, plural(im->rows));
	return EX_DATAERR;
}

/* Read the files through import_row; 0 or an exit code. */
static int
import_files(struct import *im, int argc, char **argv)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int i, rc, code = 0;

	for (i = 0; i < argc && code == 0; i++) {
		im->file = argv[i];
		im->rows = im->episodes = im->context = 0;
		im->unmapped_line = 0;
		free(im->unmapped);
		im->unmapped = NULL;
		ecpr_error_clear(&err);
		rc = ecpr_odm_read(argv[i], import_row, im, NULL, &err);
		if (rc == ECPR_OK)
			rc = prog_worse(im->code, import_flush(im));
		else if (err.code != ECPR_OK)
			prog_report(&err);
		if (rc == 0 && im->episodes == 0 && im->context == 0)
			rc = nothing_imported(im);
		free(im->key);
		im->key = NULL;
		import_clear(im);
		if (rc < 0)
			code = prog_exit_code(rc);
		else
			code = prog_worse(rc, im->code);
	}
	im->all_read = i == argc;
	return code;
}

/* The notes on what the import set aside. */
static void
import_notes(const struct import *im)
{
	const struct map_item *mi;
	size_t i;

	for (i = 0; im->all_read && i < im->map->nitems; i++) {
		mi = &im->map->items[i];
		if (!mi->used)
			fprintf(stderr, "%s: %s:%lu: warning: item \"%s%s%s\" "
			    "is in no file\n", prog_name(), im->map->file,
			    mi->line, mi->event != NULL ? mi->event : "",
			    mi->event != NULL ? "/" : "", mi->item);
		if (mi->titem != NULL && !mi->tused)
			fprintf(stderr, "%s: %s:%lu: warning: item \"%s%s%s\" "
			    "is in no file\n", prog_name(), im->map->file,
			    mi->line, mi->tevent != NULL ? mi->tevent : "",
			    mi->tevent != NULL ? "/" : "", mi->titem);
	}
	if (im->ignored > 0)
		fprintf(stderr, "%s: set aside %zu item value%s that map to no "
		    "case-record field\n", prog_name(), im->ignored,
		    im->ignored == 1 ? "" : "s");
	if (im->ages > 0)
		fprintf(stderr, "%s: left %zu age%s \"90+\" unknown\n",
		    prog_name(), im->ages, im->ages == 1 ? "" : "s");
	if (im->context > 0)
		fprintf(stderr, "%s: %zu Context item value%s changed "
		    "nothing\n", prog_name(), im->context,
		    im->context == 1 ? "" : "s");
	if (im->removes > 0)
		fprintf(stderr, "%s: warning: left out %zu Remove item value%s: "
		    "a case-record file cannot remove a value (load the "
		    "changes with --db)\n", prog_name(), im->removes,
		    im->removes == 1 ? "" : "s");
	if (im->attrs_left > 0)
		fprintf(stderr, "%s: warning: attributes of %zu episode%s not "
		    "written: give --attributes FILE\n", prog_name(),
		    im->attrs_left, im->attrs_left == 1 ? "" : "s");
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

	if (o->output != NULL || o->attributes != NULL)
		prog_usage_error(usage_line, "import: --db loads the registry: "
		    "-o and -a do not apply");
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
	ecpr_db_close(db);
	ecpr_tz_free(tz);
	free(files);
	return code;
}

static int
cmd_import(const struct opts *o, int argc, char **argv)
{
	struct map map;
	struct import im;
	prog_outfile of, af;
	ecpr_tz *tz = NULL;
	int code;
	size_t a;

	if (argc == 0)
		prog_usage_error(usage_line, "import: no file given");
	if (o->dry_run && o->conninfo == NULL)
		prog_usage_error(usage_line, "import: --dry-run needs --db");
	memset(&map, 0, sizeof(map));
	if (o->map != NULL && (code = map_load(&map, o->map)) != 0)
		return code;
	memset(&im, 0, sizeof(im));
	memset(&af, 0, sizeof(af));
	im.map = &map;
	im.dfmt = o->date_formats;
	im.ndfmt = o->ndate_formats;
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
	im.out = of.fp;
	im.attrs = af.fp;
	fputs("site,subject,episode,event,time,note\n", im.out);
	if (im.attrs != NULL) {
		fputs("site,subject,episode", im.attrs);
		for (a = 0; a < ECPR_AT_COUNT; a++)
			fprintf(im.attrs, ",%s", ecpr_attr_name((ecpr_attr_id)a));
		putc('\n', im.attrs);
	}
	code = import_files(&im, argc, argv);
	import_notes(&im);
	if (af.fp != NULL)
		code = prog_worse(code, prog_outfile_close(&af, code == 0));
	code = prog_worse(code, prog_outfile_close(&of, code == 0));
out:
	free(im.key);
	free(im.unmapped);
	import_clear(&im);
	free(im.v);
	fcache_free(&im);
	map_free(&map);
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
	xmlInitParser();
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
	xmlCleanupParser();
	return prog_finish(code);
}
