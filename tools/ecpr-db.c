/*
 * ecpr-db - the embedded ECPR registry: a private PostgreSQL cluster on a
 * Unix socket (no TCP), its schema and its roles
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecpr.h"
#include "ecpr_db.h"
#include "pgcluster.h"
#include "progutil.h"

#define USAGE_LINE \
	"ecpr-db [-D DIR] [--db CONNINFO] init [DIR] | start | stop | " \
	"status | migrate | psql [PSQL-ARG ...] | url | add-site-role ROLE SITE | " \
	"add-coordinator-role ROLE"

static void
usage(void)
{
	printf("usage: %s\n\n", USAGE_LINE);
	printf("The embedded registry: a private PostgreSQL cluster in DIR\n"
	    "(default $ECPR_DB_DIR, $XDG_DATA_HOME/ecprkit/db or\n"
	    "~/.local/share/ecprkit/db) reached on a Unix socket only.\n\n"
	    "commands:\n"
	    "  init [DIR]        create the cluster, start it, create the\n"
	    "                    database and apply the schema\n"
	    "  start, stop       start or stop the server\n"
	    "  status            say whether the server runs (exit 69 if not)\n"
	    "  migrate           apply the schema migrations not yet applied\n"
	    "  psql [PSQL-ARG ...]\n"
	    "                    open psql on the registry (arguments go to psql)\n"
	    "  url               print the connection string\n"
	    "  add-site-role ROLE SITE\n"
	    "                    a login role that reads and writes SITE only\n"
	    "  add-coordinator-role ROLE\n"
	    "                    a login role that reads every site\n\n"
	    "options:\n"
	    "  -D, --dir DIR     the registry directory\n"
	    "      --db CONNINFO another registry (migrate, roles, psql)\n"
	    "  -h, --help        this help\n"
	    "  -V, --version     the version\n");
}

/* mkdir -p for the parents of dir (mode 0755 as root, else 0700). */
static int
make_parents(const char *dir)
{
	char path[1024];
	char *p;

	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, geteuid() == 0 ? 0755 : 0700) != 0 &&
		    errno != EEXIST) {
			prog_error("cannot create %s: %s", path,
			    strerror(errno));
			return EX_CANTCREAT;
		}
		*p = '/';
	}
	return 0;
}

static int
db_open(const char *conninfo, const pgc *c, ecpr_db **db)
{
	char ci[1400];
	ecpr_error err = ECPR_ERROR_INIT;

	if (conninfo == NULL && c != NULL) {
		pgc_conninfo(c, PGC_DBNAME, ci, sizeof(ci));
		conninfo = ci;
	}
	if (ecpr_db_connect(db, conninfo, &err) != 0) {
		prog_report(&err);
		return prog_exit_code(err.code);
	}
	return 0;
}

static int
migrate(const char *conninfo, const pgc *c, int quiet)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	int code, applied = 0, version = 0;

	if ((code = db_open(conninfo, c, &db)) != 0)
		return code;
	if (ecpr_db_migrate(db, NULL, &applied, &err) != 0 ||
	    ecpr_db_schema_version(db, &version, &err) != 0) {
		prog_report(&err);
		ecpr_db_free(db);
		return prog_exit_code(err.code);
	}
	ecpr_db_free(db);
	if (!quiet)
		printf("schema version %d (%d migration%s applied)\n",
		    version, applied, applied == 1 ? "" : "s");
	return 0;
}

static int
cmd_init(const pgc *c)
{
	char msg[2048];
	int code;

	if (!pgc_exists(c)) {
		if ((code = make_parents(c->dir)) != 0)
			return code;
		if (pgc_initdb(c, msg, sizeof(msg)) != 0) {
			prog_error("%s", msg);
			return EX_CANTCREAT;
		}
	}
	if (!pgc_running(c) && pgc_start(c, 0, msg, sizeof(msg)) != 0) {
		prog_error("%s", msg);
		return EX_UNAVAILABLE;
	}
	if (pgc_createdb(c, PGC_DBNAME, msg, sizeof(msg)) != 0) {
		prog_error("%s", msg);
		return EX_UNAVAILABLE;
	}
	if ((code = migrate(NULL, c, 1)) != 0)
		return code;
	printf("registry ready in %s\n", c->dir);
	return 0;
}

static int
need_cluster(const pgc *c)
{
	if (!pgc_exists(c)) {
		prog_error("no registry in %s: create it with 'ecpr-db init'",
		    c->dir);
		return EX_UNAVAILABLE;
	}
	return 0;
}

/* exec psql on the registry with the caller's extra psql arguments */
static int
cmd_psql(const char *conninfo, const pgc *c, int nargs, char **args)
{
	char path[1200], ci[1400], a0[] = "psql", a1[] = "-d";
	char **av;
	int i;

	if (conninfo == NULL)
		pgc_conninfo(c, PGC_DBNAME, ci, sizeof(ci));
	else if (snprintf(ci, sizeof(ci), "%s", conninfo) >= (int)sizeof(ci)) {
		prog_error("--db: the connection string is too long");
		return EX_USAGE;
	}
	av = calloc((size_t)nargs + 4, sizeof(*av));
	if (av == NULL) {
		prog_error("out of memory");
		return EX_OSERR;
	}
	av[0] = a0;
	av[1] = a1;
	av[2] = ci;
	for (i = 0; i < nargs; i++)
		av[3 + i] = args[i];
	snprintf(path, sizeof(path), "%s/psql", c->bindir);
	fflush(NULL);
	if (c->bindir[0] != '\0' && access(path, X_OK) == 0)
		execv(path, av);
	execvp("psql", av);
	prog_error("cannot run psql: %s (apt-get install postgresql-client)",
	    strerror(errno));
	free(av);
	return EX_UNAVAILABLE;
}

static int
cmd_role(const char *conninfo, const pgc *c, const char *role,
    const char *site)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	int code, rc;

	if ((code = db_open(conninfo, c, &db)) != 0)
		return code;
	rc = site != NULL ? ecpr_db_add_site_role(db, role, site, &err) :
	    ecpr_db_add_coordinator_role(db, role, &err);
	ecpr_db_free(db);
	if (rc != 0) {
		prog_report(&err);
		return prog_exit_code(rc);
	}
	if (site != NULL)
		printf("role %s reads and writes site %s\n", role, site);
	else
		printf("role %s reads every site\n", role);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *conninfo = NULL, *cmd;
	char defdir[1024], msg[2048];
	pgc c;
	int ch, code = 0, nargs;

	prog_init(argv[0]);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:D:hV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'D':
			dir = optarg;
			break;
		case 'd':
			conninfo = optarg;
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
		prog_usage_error(USAGE_LINE, "a command is needed");
	cmd = argv[optind++];
	nargs = argc - optind;
	if (strcmp(cmd, "init") == 0 && nargs == 1)
		dir = argv[optind];
	if (dir == NULL) {
		ecpr_db_default_dir(defdir, sizeof(defdir));
		dir = defdir;
	}
	if (dir[0] != '/')
		prog_usage_error(USAGE_LINE, "the registry directory must be "
		    "an absolute path: %s", dir);
	if (pgc_setup(&c, dir, msg, sizeof(msg)) != 0) {
		/* the server programs are needed only for the cluster */
		if (conninfo == NULL || (strcmp(cmd, "migrate") != 0 &&
		    strncmp(cmd, "add-", 4) != 0 && strcmp(cmd, "psql"))) {
			prog_error("%s", msg);
			return EX_UNAVAILABLE;
		}
		memset(&c, 0, sizeof(c));
	}
	if (strcmp(cmd, "init") == 0 && nargs <= 1) {
		code = cmd_init(&c);
	} else if (strcmp(cmd, "start") == 0 && nargs == 0) {
		if ((code = need_cluster(&c)) == 0 && !pgc_running(&c) &&
		    pgc_start(&c, 0, msg, sizeof(msg)) != 0) {
			prog_error("%s", msg);
			code = EX_UNAVAILABLE;
		}
	} else if (strcmp(cmd, "stop") == 0 && nargs == 0) {
		if ((code = need_cluster(&c)) == 0 && pgc_running(&c) &&
		    pgc_stop(&c, "fast", msg, sizeof(msg)) != 0) {
			prog_error("%s", msg);
			code = EX_UNAVAILABLE;
		}
	} else if (strcmp(cmd, "status") == 0 && nargs == 0) {
		if ((code = need_cluster(&c)) == 0) {
			int up = pgc_running(&c);

			printf("%s: %s\n", c.dir, up ? "running" : "stopped");
			code = up ? 0 : EX_UNAVAILABLE;
		}
	} else if (strcmp(cmd, "migrate") == 0 && nargs == 0) {
		code = migrate(conninfo, &c, 0);
	} else if (strcmp(cmd, "psql") == 0) {
		code = cmd_psql(conninfo, &c, nargs, argv + optind);
	} else if (strcmp(cmd, "url") == 0 && nargs == 0) {
		char ci[1400];

		pgc_conninfo(&c, PGC_DBNAME, ci, sizeof(ci));
		printf("%s\n", ci);
	} else if (strcmp(cmd, "add-site-role") == 0 && nargs == 2) {
		code = cmd_role(conninfo, &c, argv[optind], argv[optind + 1]);
	} else if (strcmp(cmd, "add-coordinator-role") == 0 && nargs == 1) {
		code = cmd_role(conninfo, &c, argv[optind], NULL);
	} else {
		prog_usage_error(USAGE_LINE, "unknown command or wrong number "
		    "of arguments: %s", cmd);
	}
	return prog_finish(code);
}
