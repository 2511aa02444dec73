/*
 * ecpr-db - the embedded ECPR registry: a private PostgreSQL cluster on a
 * Unix socket (TCP only to publish to a hub), its schema, its roles and
 * its replication (publish at a site, subscribe at the hub)
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
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
	"add-coordinator-role ROLE | publish [--listen ADDR] [--port N] " \
	"[--allow CIDR] SITE | subscribe SITE CONNINFO | " \
	"unsubscribe [--purge] SITE | subscriptions"

/* The password of the replication role, in the registry directory. */
#define SECRET_FILE "replication.secret"

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
	    "                    a login role that reads every site\n"
	    "  publish [--listen ADDR] [--port N] [--allow CIDR] SITE\n"
	    "                    at a site: publish the rows of SITE to a hub,\n"
	    "                    listen on TCP ADDR:N (default 127.0.0.1:5432)\n"
	    "                    for the replication role only, from CIDR\n"
	    "                    (default ADDR alone); prints the hub's\n"
	    "                    connection string\n"
	    "  subscribe SITE CONNINFO\n"
	    "                    at the hub: take the rows of SITE from its\n"
	    "                    registry (CONNINFO as publish printed it)\n"
	    "  unsubscribe [--purge] SITE\n"
	    "                    at the hub: stop taking SITE's rows (--purge:\n"
	    "                    and remove them)\n"
	    "  subscriptions     at the hub: each site's state and lag\n\n"
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

/* The replication role's password: DIR/replication.secret (0600), made
 * the first time from /dev/urandom (32 hex digits). */
static int
secret(const pgc *c, char *pw, size_t len)
{
	char path[1200];
	unsigned char raw[16];
	FILE *fp;
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "%s/" SECRET_FILE, c->dir);
	if ((fp = fopen(path, "r")) != NULL) {
		int ok = fgets(pw, (int)len, fp) != NULL;

		fclose(fp);
		pw[strcspn(pw, "\r\n")] = '\0';
		if (ok && pw[0] != '\0')
			return 0;
		prog_error("%s: no password in it", path);
		return EX_DATAERR;
	}
	if (errno != ENOENT) {
		prog_error("cannot read %s: %s", path, strerror(errno));
		return EX_NOINPUT;
	}
	if ((fp = fopen("/dev/urandom", "r")) == NULL ||
	    fread(raw, 1, sizeof(raw), fp) != sizeof(raw)) {
		prog_error("cannot read /dev/urandom");
		if (fp != NULL)
			fclose(fp);
		return EX_OSERR;
	}
	fclose(fp);
	for (i = 0; i < sizeof(raw) && 2 * i + 2 < len; i++)
		snprintf(pw + 2 * i, 3, "%02x", raw[i]);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || dprintf(fd, "%s\n", pw) < 0 || fsync(fd) != 0) {
		prog_error("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return EX_CANTCREAT;
	}
	if (close(fd) != 0) {
		prog_error("cannot write %s: %s", path, strerror(errno));
		unlink(path);
		return EX_CANTCREAT;
	}
	return 0;
}

/* The options of publish and unsubscribe, after the command. */
struct sub_opts {
	const char *listen;
	const char *allow;
	int port;
	int purge;
};

/* Parse the options of command cmd (argv[0]) up to its arguments;
 * returns the index of the first argument. */
static int
sub_options(const char *cmd, int argc, char **argv, struct sub_opts *o)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "allow", required_argument, NULL, 'a' },
		{ "purge", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, pub = strcmp(cmd, "publish") == 0;
	char *end;
	long v;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		if (pub && ch == 'l') {
			o->listen = optarg;
		} else if (pub && ch == 'a') {
			o->allow = optarg;
		} else if (pub && ch == 'p') {
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    v < 1 || v > 65535)
				prog_usage_error(USAGE_LINE, "--port: not a "
				    "TCP port: %s", optarg);
			o->port = (int)v;
		} else if (!pub && ch == 'P') {
			o->purge = 1;
		} else {
			prog_getopt_error(USAGE_LINE, argv, ch);
		}
	}
	return optind;
}

/* 1 when s has only the characters of an address (range): host names,
 * IPv4 and IPv6 literals, '/' for a prefix length. */
static int
addr_ok(const char *s, int range)
{
	if (*s == '\0' || strlen(s) > 120)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(".:-_", *s) == NULL &&
		    !(range && *s == '/'))
			return 0;
	return 1;
}

static int
cmd_publish(const pgc *c, const struct sub_opts *o, const char *site)
{
	pgc_listen l;
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	char pw[64], msg[2048], host[256];
	int code, restart;

	memset(&l, 0, sizeof(l));
	snprintf(l.addr, sizeof(l.addr), "%s", o->listen ? o->listen :
	    "127.0.0.1");
	l.port = o->port ? o->port : 5432;
	snprintf(l.role, sizeof(l.role), "%s", ECPR_DB_REPLICATION_ROLE);
	if (!addr_ok(l.addr, 0))
		prog_usage_error(USAGE_LINE, "--listen: not an address: %s",
		    l.addr);
	if (o->allow != NULL)
		snprintf(l.allow, sizeof(l.allow), "%s", o->allow);
	else if (strspn(l.addr, "0123456789.") == strlen(l.addr))
		snprintf(l.allow, sizeof(l.allow), "%.120s/32", l.addr);
	else if (strspn(l.addr, "0123456789abcdefABCDEF:") == strlen(l.addr))
		snprintf(l.allow, sizeof(l.allow), "%.120s/128", l.addr);
	else
		prog_usage_error(USAGE_LINE, "--allow CIDR is needed when "
		    "listening on %s", l.addr);
	if (!addr_ok(l.allow, 1))
		prog_usage_error(USAGE_LINE, "--allow: not an address range: "
		    "%s", l.allow);
	if ((code = need_cluster(c)) != 0 || (code = secret(c, pw,
	    sizeof(pw))) != 0)
		return code;
	if ((restart = pgc_listen_set(c, &l, msg, sizeof(msg))) < 0) {
		prog_error("%s", msg);
		return EX_CANTCREAT;
	}
	/* TCP and wal_level = logical take a restart, pg_hba.conf a reload */
	if (pgc_running(c) && ((restart && pgc_stop(c, "fast", msg,
	    sizeof(msg)) != 0) || (!restart && pgc_reload(c, msg,
	    sizeof(msg)) != 0))) {
		prog_error("%s", msg);
		return EX_UNAVAILABLE;
	}
	if (!pgc_running(c) && pgc_start(c, 0, msg, sizeof(msg)) != 0) {
		prog_error("%s", msg);
		return EX_UNAVAILABLE;
	}
	if ((code = db_open(NULL, c, &db)) != 0)
		return code;
	if (ecpr_db_publish(db, site, pw, &err) != 0) {
		prog_report(&err);
		ecpr_db_free(db);
		return prog_exit_code(err.code);
	}
	ecpr_db_free(db);
	/* the hub needs a name it can reach, not "every address" */
	if (strcmp(l.addr, "*") == 0 || strcmp(l.addr, "0.0.0.0") == 0 ||
	    strcmp(l.addr, "::") == 0 || strchr(l.addr, ',') != NULL) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
	} else {
		snprintf(host, sizeof(host), "%s", l.addr);
	}
	printf("host=%s port=%d dbname=" PGC_DBNAME " user=%s password=%s\n",
	    host, l.port, l.role, pw);
	return 0;
}

static int
cmd_subscribe(const char *conninfo, const pgc *c, const char *site,
    const char *source)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	int code;

	if ((code = db_open(conninfo, c, &db)) != 0)
		return code;
	if (ecpr_db_subscribe(db, site, source, &err) != 0) {
		prog_report(&err);
		ecpr_db_free(db);
		return prog_exit_code(err.code);
	}
	ecpr_db_free(db);
	printf("subscribed to site %s\n", site);
	return 0;
}

static int
cmd_unsubscribe(const char *conninfo, const pgc *c, const char *site,
    int purge)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	int code, left = 0;

	if ((code = db_open(conninfo, c, &db)) != 0)
		return code;
	if (ecpr_db_unsubscribe(db, site, purge, &left, &err) != 0) {
		prog_report(&err);
		ecpr_db_free(db);
		return err.code == ECPR_ENOTFOUND ? EX_DATAERR :
		    prog_exit_code(err.code);
	}
	ecpr_db_free(db);
	if (left)
		prog_error("site %s cannot be reached: its replication slot "
		    "stays there (drop it at the site with psql: SELECT "
		    "pg_drop_replication_slot(slot_name) FROM "
		    "pg_replication_slots WHERE slot_name LIKE 'ecpr\\_%%')",
		    site);
	printf("unsubscribed from site %s%s\n", site, purge ?
	    ", its rows removed" : "");
	return 0;
}

static int
print_subscription(const ecpr_db_subscription *s, void *ctx)
{
	(void)ctx;
	printf("%s\t%s\t", s->site, s->state);
	if (s->lag_bytes < 0)
		printf("-\t");
	else
		printf("%lld\t", (long long)s->lag_bytes);
	if (s->lag_seconds < 0)
		printf("-\t");
	else
		printf("%.1f\t", s->lag_seconds);
	printf("%lld\n", (long long)s->errors);
	return 0;
}

static int
cmd_subscriptions(const char *conninfo, const pgc *c)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	int code;

	if ((code = db_open(conninfo, c, &db)) != 0)
		return code;
	printf("site\tstate\tlag_bytes\tlag_seconds\terrors\n");
	if (ecpr_db_subscriptions(db, print_subscription, NULL, &err) != 0) {
		prog_report(&err);
		ecpr_db_free(db);
		return prog_exit_code(err.code);
	}
	ecpr_db_free(db);
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
		    strncmp(cmd, "add-", 4) != 0 && strcmp(cmd, "psql") &&
		    strstr(cmd, "subscri") == NULL)) {
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
	} else if (strcmp(cmd, "publish") == 0 || strcmp(cmd,
	    "unsubscribe") == 0) {
		struct sub_opts o = { NULL, NULL, 0, 0 };
		char **av = argv + optind - 1;
		int first = sub_options(cmd, nargs + 1, av, &o);

		if (nargs + 1 - first != 1)
			prog_usage_error(USAGE_LINE, "%s needs one site",
			    cmd);
		if (cmd[0] == 'p' && conninfo != NULL)
			prog_usage_error(USAGE_LINE, "publish works on the "
			    "embedded registry (-D DIR), not --db");
		code = cmd[0] == 'p' ? cmd_publish(&c, &o, av[first]) :
		    cmd_unsubscribe(conninfo, &c, av[first], o.purge);
	} else if (strcmp(cmd, "subscribe") == 0 && nargs == 2) {
		code = cmd_subscribe(conninfo, &c, argv[optind],
		    argv[optind + 1]);
	} else if (strcmp(cmd, "subscriptions") == 0 && nargs == 0) {
		code = cmd_subscriptions(conninfo, &c);
	} else {
		prog_usage_error(USAGE_LINE, "unknown command or wrong number "
		    "of arguments: %s", cmd);
	}
	return prog_finish(code);
}
