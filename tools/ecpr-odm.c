/*
 * ecpr-odm - CDISC ODM 1.3.2 exchange: validate, dump, export and import
 * ODM files.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "ecpr_odm.h"
#include "progutil.h"

#ifndef ECPR_ODM_SCHEMA_DIR
#define ECPR_ODM_SCHEMA_DIR ""
#endif

static const char usage_line[] =
    "ecpr-odm [--schema-dir DIR] validate [--lax] FILE...\n"
    "       ecpr-odm dump FILE...\n"
    "       ecpr-odm export [--key-file F] [--identified] [--tz ZONE] "
    "[-o FILE] FILE...\n"
    "       ecpr-odm import [--map MAPFILE] [-o FILE] FILE...";

/* Options of every command. */
struct opts {
	const char *schema_dir;
	const char *key_file;
	const char *output;
	const char *map;
	const char *tz;
	int lax;
	int identified;
};

static void
usage(void)
{
	printf("usage: %s\n\n"
	    "Exchange ECPR registry data as CDISC ODM 1.3.2 XML.\n\n"
	    "Commands:\n"
	    "  validate FILE...    check files against the ODM 1.3.2 XML "
	    "Schema\n"
	    "  dump FILE...        print ClinicalData as CSV: subject,event,"
	    "repeat,\n"
	    "                      form,item_group,repeat,item,value\n"
	    "  export FILE...      write case-record files as one ODM "
	    "document,\n"
	    "                      de-identified unless --identified\n"
	    "  import FILE...      write ODM ClinicalData as long case-record "
	    "CSV\n\n"
	    "Options:\n"
	    "      --identified      (export) keep subject keys, dates, ages "
	    "and free text\n"
	    "      --key-file FILE   (export) the site key (default "
	    "$ECPR_ODM_KEY,\n"
	    "                        the key itself)\n"
	    "      --map MAPFILE     (import) OID to field mapping, see "
	    "ecpr-odm-map(5)\n"
	    "  -o, --output FILE     (export, import) write to FILE "
	    "(default stdout)\n"
	    "      --tz ZONE         (export) zone of local times (default "
	    "$ECPR_TZ)\n"
	    "      --lax             (validate) set foreign-namespace "
	    "elements and\n"
	    "                        attributes aside before validating\n"
	    "      --schema-dir DIR  directory holding ODM1-3-2.xsd "
	    "(default\n"
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

static int
cmd_validate(const char *schema_dir, int lax, int argc, char **argv)
{
	ecpr_odm_validate_opts opts = ECPR_ODM_VALIDATE_OPTS_INIT;
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_schema *schema = NULL;
	int i, rc, code = 0;

	if (argc == 0)
		prog_usage_error(usage_line, "validate: no file given");
	if ((rc = ecpr_odm_schema_load(&schema, schema_dir, &err)) != 0) {
		prog_report(&err);
		return rc == ECPR_EIO ? EX_OSFILE : EX_SOFTWARE;
	}
	opts.lax = lax;
	opts.on_error = report_cb;
	for (i = 0; i < argc; i++) {
		ecpr_error_clear(&err);
		rc = ecpr_odm_validate(schema, argv[i], &opts, &res, &err);
		if (lax && (res.aside_elements > 0 ||
		    res.aside_attributes > 0 || rc != ECPR_EPARSE))
			fprintf(stderr, "%s: %s: set aside %zu foreign-namespace "
			    "element%s and %zu attribute%s\n", prog_name(),
			    argv[i], res.aside_elements,
			    res.aside_elements == 1 ? "" : "s",
			    res.aside_attributes,
			    res.aside_attributes == 1 ? "" : "s");
		if (rc == ECPR_OK) {
			printf("%s: valid\n", argv[i]);
			continue;
		}
		if (rc != ECPR_ERULE)
			prog_report(&err); /* schema errors went to report_cb */
		else
			printf("%s: invalid (%zu error%s)\n", argv[i],
			    res.errors, res.errors == 1 ? "" : "s");
		code = prog_worse(code, rc == ECPR_ERULE ? EX_DATAERR :
		    prog_exit_code(rc));
	}
	ecpr_odm_schema_free(schema);
	return code;
}

static void
csv_field(const char *v, int last)
{
	const char *p;

	if (strpbrk(v, ",\"\r\n") == NULL) {
		fputs(v, stdout);
	} else {
		putchar('"');
		for (p = v; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	putchar(last ? '\n' : ',');
}

static int
dump_row(const ecpr_odm_row *row, void *ctx)
{
	(void)ctx;
	csv_field(row->subject, 0);
	csv_field(row->event, 0);
	csv_field(row->event_repeat, 0);
	csv_field(row->form, 0);
	csv_field(row->item_group, 0);
	csv_field(row->group_repeat, 0);
	csv_field(row->item, 0);
	csv_field(row->value, 1);
	return ferror(stdout) ? ECPR_EIO : 0;
}

static int
cmd_dump(int argc, char **argv)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int i, rc, code = 0;

	if (argc == 0)
		prog_usage_error(usage_line, "dump: no file given");
	puts("subject,event,repeat,form,item_group,repeat,item,value");
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
	int rc;

	if (o->key_file != NULL) {
		if ((rc = ecpr_odm_key_load(key, keylen, o->key_file,
		    &err)) != ECPR_OK) {
			prog_report(&err);
			return rc == ECPR_EIO ? EX_NOINPUT : EX_USAGE;
		}
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

static void
group_clear(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		ecpr_episode_free(g->v[i]);
	g->n = 0;
}

static int
group_flush(ecpr_odm_writer *w, struct group *g)
{
	ecpr_error err = ECPR_ERROR_INIT;
	int rc;

	rc = ecpr_odm_writer_add_subject(w, (const ecpr_episode *const *)g->v,
	    g->n, &err);
	group_clear(g);
	return rc == ECPR_OK ? 0 : fail(&err, rc);
}

/*
 * Episodes of the files, in order, into the writer: the adjacent
 * episodes of a subject together, so they share one date shift.
 */
static int
export_episodes(ecpr_odm_writer *w, ecpr_source *src)
{
	ecpr_error err = ECPR_ERROR_INIT;
	struct group g = { NULL, 0, 0 };
	ecpr_episode *ep, **nv;
	int rc, code = 0;

	for (;;) {
		ep = NULL;
		if ((rc = ecpr_source_next(src, &ep, &err)) != ECPR_OK) {
			ecpr_episode_free(ep);
			code = fail(&err, rc);
			break;
		}
		if (g.n > 0 && (ep == NULL ||
		    strcmp(ecpr_episode_site(ep), ecpr_episode_site(g.v[0])) !=
		    0 || strcmp(ecpr_episode_subject(ep),
		    ecpr_episode_subject(g.v[0])) != 0) &&
		    (code = group_flush(w, &g)) != 0) {
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
	if (code == 0 && (rc = ecpr_odm_writer_finish(w, &err)) != ECPR_OK)
		code = fail(&err, rc);
	return code;
}

static int
cmd_export(const struct opts *o, int argc, char **argv)
{
	ecpr_odm_export_opts eo = ECPR_ODM_EXPORT_OPTS_INIT;
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_writer *w = NULL;
	ecpr_source *src = NULL;
	unsigned char *key = NULL;
	size_t keylen = 0;
	prog_outfile of;
	ecpr_tz *tz = NULL;
	int i, rc, code;

	if (argc == 0)
		prog_usage_error(usage_line, "export: no file given");
	if (!o->identified && (code = load_key(o, &key, &keylen)) != 0)
		return code;
	if (o->identified)
		fprintf(stderr, "%s: NOTICE: --identified: this export holds "
		    "real subject keys, dates, ages and free text; it is NOT "
		    "de-identified\n", prog_name());
	if ((code = prog_load_tz(o->tz, &tz)) != 0)
		goto out;
	ro.tz = tz;
	if ((rc = ecpr_source_new(&src, &ro, &err)) != ECPR_OK) {
		code = fail(&err, rc);
		goto out;
	}
	for (i = 0; i < argc; i++)
		if ((rc = ecpr_source_add_file(src, argv[i], &err)) !=
		    ECPR_OK) {
			code = fail(&err, rc);
			goto out;
		}
	if ((code = prog_outfile_open(&of, o->output != NULL ? o->output :
	    "-")) != 0)
		goto out;
	eo.identified = o->identified;
	eo.key = key;
	eo.keylen = keylen;
	if ((rc = ecpr_odm_writer_new(&w, of.fp, &eo, &err)) != ECPR_OK)
		code = fail(&err, rc);
	else
		code = export_episodes(w, src);
	ecpr_odm_writer_free(w);
	code = prog_worse(code, prog_outfile_close(&of, code == 0));
out:
	ecpr_source_free(src);
	ecpr_tz_free(tz);
	ecpr_odm_key_free(key, keylen);
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
		{ "schema-dir", required_argument, NULL, 's' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "identified", no_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "map", required_argument, NULL, 'm' },
		{ "tz", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hVo:", longopts, NULL)) !=
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
		case 'z':
			o->tz = optarg;
			break;
		case ':':
			prog_usage_error(usage_line, "option \"%s\" needs an "
			    "argument", argv[optind - 1]);
		default:
			if (optopt != 0)
				prog_usage_error(usage_line,
				    "unknown option \"-%c\"", optopt);
			prog_usage_error(usage_line, "unknown option \"%s\"",
			    argv[optind - 1]);
		}
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
	xmlInitParser();
	if (strcmp(cmd, "validate") == 0)
		code = cmd_validate(o.schema_dir, o.lax, argc - optind,
		    argv + optind);
	else if (strcmp(cmd, "dump") == 0)
		code = cmd_dump(argc - optind, argv + optind);
	else if (strcmp(cmd, "export") == 0)
		code = cmd_export(&o, argc - optind, argv + optind);
	else
		prog_usage_error(usage_line, "unknown command \"%s\"", cmd);
	xmlCleanupParser();
	return prog_finish(code);
}
