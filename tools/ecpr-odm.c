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
    "       ecpr-odm import [--map MAPFILE] [-o FILE] [-a FILE] FILE...";

/* Options of every command. */
struct opts {
	const char *schema_dir;
	const char *key_file;
	const char *output;
	const char *map;
	const char *tz;
	const char *attributes;
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
	    "  -a, --attributes FILE (import) write the attributes as a wide "
	    "file\n"
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
	char *item;   /* ItemDef OID or Name */
	struct field f;
	unsigned long line;
};

struct map_code {
	struct field f;
	char *code;
	char *value;
};

struct map {
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

	for (i = 0; i < m->nitems; i++)
		free(m->items[i].item);
	for (i = 0; i < m->ncodes; i++) {
		free(m->codes[i].code);
		free(m->codes[i].value);
	}
	free(m->items);
	free(m->codes);
	free(m->site);
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
 * Read a map file (ecpr-odm-map(5)):
 *   site = NAME
 *   item OID = FIELD
 *   code FIELD CODE = VALUE
 */
static int
map_load(struct map *m, const char *file)
{
	char buf[4096], whole[4096], *line, *eq, *key, *val, *p, *kw, *a, *b;
	unsigned long ln = 0;
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
		} else if (strcmp(kw, "item") == 0 && a != NULL && b == NULL) {
			if (field_lookup(val, &f) != 0) {
				code = map_error(file, ln, "key \"item %s\": "
				    "unknown field \"%s\" (site, ignore, an "
				    "event or an attribute)", a, val);
				break;
			}
			for (i = 0; i < m->nitems; i++)
				if (strcmp(m->items[i].item, a) == 0)
					break;
			if (i < m->nitems) {
				code = map_error(file, ln, "key \"item %s\": "
				    "given twice (also line %lu)", a,
				    m->items[i].line);
				break;
			}
			if ((nv = realloc(m->items, (m->nitems + 1) *
			    sizeof(*m->items))) == NULL) {
				code = EX_OSERR;
				break;
			}
			m->items = nv;
			m->items[m->nitems].f = f;
			m->items[m->nitems].line = ln;
			if ((m->items[m->nitems++].item = strdup(a)) == NULL)
				code = EX_OSERR;
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

/* One value of the episode being read. */
struct ival {
	struct field f;
	char *value;
};

struct import {
	const struct map *map;
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
	int code;
};

static void
csv_put(FILE *fp, const char *v, int last)
{
	const char *p;

	if (strpbrk(v, ",\"\r\n") == NULL) {
		fputs(v, fp);
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

/* Write the buffered episode. */
static int
import_flush(struct import *im)
{
	const char *vals[ECPR_AT_COUNT];
	const char *site;
	char num[32];
	size_t i;
	int any = 0;

	if (im->key == NULL || im->n == 0) {
		import_clear(im);
		return 0;
	}
	site = im->site != NULL ? im->site : im->map->site;
	if (site == NULL) {
		fprintf(stderr, "%s: %s:%lu: subject \"%s\": no site (map an "
		    "item to \"site\" or give \"site = NAME\" with --map)\n",
		    prog_name(), im->file, im->line, im->subject);
		import_clear(im);
		return EX_DATAERR;
	}
	snprintf(num, sizeof(num), "%ld", im->episode);
	memset(vals, 0, sizeof(vals));
	for (i = 0; i < im->n; i++) {
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

static int
import_row(const ecpr_odm_row *r, void *ctx)
{
	struct import *im = ctx;
	const struct map *m = im->map;
	const char *value = r->value;
	struct field f;
	size_t i, kl;
	char *k;
	long ep;
	int found = 0;

	/* a new episode: another subject or StudyEventRepeatKey */
	kl = strlen(r->subject) + strlen(r->event_repeat) + 2;
	if (im->key == NULL || kl != im->keylen || memcmp(im->key, r->subject,
	    strlen(r->subject) + 1) != 0 || strcmp(im->key +
	    strlen(r->subject) + 1, r->event_repeat) != 0) {
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
	for (i = 0; i < m->nitems; i++)
		if (strcmp(m->items[i].item, r->item_oid) == 0 ||
		    strcmp(m->items[i].item, r->item) == 0) {
			f = m->items[i].f;
			found = 1;
			break;
		}
	if (!found && field_lookup(r->item, &f) != 0)
		f.kind = F_IGNORE;
	if (f.kind == F_IGNORE) {
		im->ignored++;
		return 0;
	}
	if (*value == '\0')
		return 0;
	for (i = 0; i < m->ncodes; i++)
		if (f.kind == F_ATTR && m->codes[i].f.id == f.id &&
		    strcmp(m->codes[i].code, value) == 0) {
			value = m->codes[i].value;
			break;
		}
	if (f.kind == F_ATTR && f.id == ECPR_AT_AGE_YEARS &&
	    strcmp(value, "90+") == 0) {
		im->ages++;
		return 0;
	}
	if (f.kind == F_SITE) {
		free(im->site);
		if ((im->site = strdup(value)) == NULL)
			return ECPR_ENOMEM;
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
	if ((im->v[im->n].value = strdup(value)) == NULL)
		return ECPR_ENOMEM;
	im->n++;
	return 0;
}

static int
cmd_import(const struct opts *o, int argc, char **argv)
{
	ecpr_error err = ECPR_ERROR_INIT;
	struct map map;
	struct import im;
	prog_outfile of, af;
	int i, rc, code;
	size_t a;

	if (argc == 0)
		prog_usage_error(usage_line, "import: no file given");
	memset(&map, 0, sizeof(map));
	if (o->map != NULL && (code = map_load(&map, o->map)) != 0)
		return code;
	memset(&im, 0, sizeof(im));
	memset(&af, 0, sizeof(af));
	im.map = &map;
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
	for (i = 0; i < argc && code == 0; i++) {
		im.file = argv[i];
		ecpr_error_clear(&err);
		rc = ecpr_odm_read(argv[i], import_row, &im, NULL, &err);
		if (rc == ECPR_OK)
			rc = prog_worse(im.code, import_flush(&im));
		else if (err.code != ECPR_OK)
			prog_report(&err);
		free(im.key);
		im.key = NULL;
		import_clear(&im);
		if (rc < 0)
			code = prog_exit_code(rc);
		else
			code = prog_worse(rc, im.code);
	}
	if (im.ignored > 0)
		fprintf(stderr, "%s: set aside %zu item value%s that map to no "
		    "case-record field\n", prog_name(), im.ignored,
		    im.ignored == 1 ? "" : "s");
	if (im.ages > 0)
		fprintf(stderr, "%s: left %zu age%s \"90+\" unknown\n",
		    prog_name(), im.ages, im.ages == 1 ? "" : "s");
	if (im.attrs_left > 0)
		fprintf(stderr, "%s: warning: attributes of %zu episode%s not "
		    "written: give --attributes FILE\n", prog_name(),
		    im.attrs_left, im.attrs_left == 1 ? "" : "s");
	if (af.fp != NULL)
		code = prog_worse(code, prog_outfile_close(&af, code == 0));
	code = prog_worse(code, prog_outfile_close(&of, code == 0));
out:
	free(im.v);
	map_free(&map);
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
		{ "attributes", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hVo:a:", longopts, NULL)) !=
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
		case 'a':
			o->attributes = optarg;
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
	else if (strcmp(cmd, "import") == 0)
		code = cmd_import(&o, argc - optind, argv + optind);
	else
		prog_usage_error(usage_line, "unknown command \"%s\"", cmd);
	xmlCleanupParser();
	return prog_finish(code);
}
