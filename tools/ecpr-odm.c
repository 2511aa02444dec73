/*
 * ecpr-odm - CDISC ODM 1.3.2 exchange: validate, dump (and, later,
 * export and import) ODM files.
 */
#include "config.h"

#include <getopt.h>
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
    "       ecpr-odm dump FILE...";

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
	    "                      form,item_group,repeat,item,value\n\n"
	    "Options:\n"
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "lax", no_argument, NULL, 'l' },
		{ "schema-dir", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *schema_dir = NULL, *cmd;
	int c, lax = 0, code;

	prog_init(argv[0]);
	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
			return prog_finish(0);
		case 'V':
			prog_version();
			return prog_finish(0);
		case 'l':
			lax = 1;
			break;
		case 's':
			schema_dir = optarg;
			break;
		default:
			prog_usage_error(usage_line, "unknown option");
		}
	}
	if (optind >= argc)
		prog_usage_error(usage_line, "no command given");
	cmd = argv[optind++];
	/* Options may also follow the command. */
	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
			return prog_finish(0);
		case 'V':
			prog_version();
			return prog_finish(0);
		case 'l':
			lax = 1;
			break;
		case 's':
			schema_dir = optarg;
			break;
		default:
			prog_usage_error(usage_line, "unknown option");
		}
	}
	if (schema_dir == NULL)
		schema_dir = getenv("ECPR_ODM_SCHEMA_DIR");
	if (schema_dir == NULL || *schema_dir == '\0')
		schema_dir = ECPR_ODM_SCHEMA_DIR;
	xmlInitParser();
	if (strcmp(cmd, "validate") == 0)
		code = cmd_validate(schema_dir, lax, argc - optind,
		    argv + optind);
	else if (strcmp(cmd, "dump") == 0)
		code = cmd_dump(argc - optind, argv + optind);
	else
		prog_usage_error(usage_line, "unknown command \"%s\"", cmd);
	xmlCleanupParser();
	return prog_finish(code);
}
