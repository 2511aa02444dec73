/*
 * db.c - the registry in PostgreSQL: connect, migrate, import, read back
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ecpr_db.h"
#include "internal.h"


/*
 * COPY data is sent in chunks of about this size.  Each chunk costs the
 * server a TRUNCATE of stg_chunk and chunk_sql parsed and planned again:
 * on 100,000 episodes with their observations (364 chunks of 1 MiB, 92
 * of 4 MiB) those fell from 0.9 to 0.3 s, the client's peak RSS grew by
 * about 10 MiB.
 */
#define ECPR__COPY_CHUNK (4 * 1024 * 1024)

/*
 * The schema version the import needs: 003 lets site roles stage rows
 * through ecpr_import_stage() without creating objects themselves, 004
 * stores observations and complications, 007 stages chunks (stg_chunk)
 * and takes the staged times as timestamptz.
 */
#define ECPR__IMPORT_SCHEMA 7

/*
 * The advisory lock (per database: "ECPR", 1) that serialises imports:
 * an import waits at its start until the one before has committed, then
 * sees its rows as stored (unchanged or updated), never as a clash.
 */
#define ECPR__IMPORT_LOCK "1162039378, 1"

struct ecpr_db {
	PGconn *conn;
	int busy; /* an import or a reader holds the connection */
	int copying; /* a COPY was sent, its result is not read yet */
};

/* A growable byte buffer. */
typedef struct ecpr__buf {
	char *p;
	size_t n, cap;
	int oom;
} ecpr__buf;

/* The rows an episode has besides its own: events, observations and
 * complications, in the order of these indexes. */
enum { ROWS_EV, ROWS_OB, ROWS_CP, ROWS_N };

/* An episode of the chunk being staged. */
struct import_pend {
	size_t key;     /* its "site\tsubject\tepisode\t" in keys */
	size_t keylen;
	size_t sitelen; /* the leading "site\t" of that */
	size_t end[ROWS_N]; /* the end of its rows in rows[] */
};

/*
 * An import sends its episodes in chunks (import_flush): the episode
 * rows into stg_chunk, where the new ones are inserted and given their
 * ids; then the events, observations and complications of new episodes
 * are copied straight into their tables (direct: no row-level security
 * applies to the role, which COPY FROM refuses) and those of stored
 * episodes into the staging tables, merged at commit.
 */
struct ecpr_db_import {
	ecpr_db *db;
	char batch[32];
	int done;
	int direct;
	ecpr__buf eps;          /* stg_chunk rows of the chunk */
	ecpr__buf keys;         /* the keys of its episodes */
	ecpr__buf rows[ROWS_N]; /* their rows, without the key */
	ecpr__buf out[ROWS_N];  /* rows for the tables (new episodes) */
	ecpr__buf stg[ROWS_N];  /* rows for the staging tables */
	struct import_pend *pend;
	size_t npend, cappend;
	size_t episodes, events;
	/* row-level security applies: the role's name and sites, which are
	 * all the role may import ("\0"-separated, NULL when it applies) */
	char *role;
	char *sites;
	size_t sites_len;
};

struct ecpr_db_reader {
	ecpr_db *db;
	int done;
	PGresult *pending; /* first row of the next episode */
	ecpr_tz *tz;
	char tzname[128];
};

static const char *const prec_names[] = {
	"", "year", "month", "day", "minute", "second"
};

static const char *pq_text(const PGresult *res, int row, int col);

/* ------------------------------------------------------------------ */

static int
db_error(ecpr_error *err, const PGresult *res, PGconn *conn,
    const char *what)
{
	const char *state = NULL, *msg = NULL, *detail = NULL;
	char text[ECPR_ERROR_MSG_MAX];
	size_t n;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	}
	if (msg == NULL && conn != NULL)
		msg = PQerrorMessage(conn);
	if (msg == NULL || *msg == '\0')
		msg = "no answer from the server";
	snprintf(text, sizeof(text), "%s", msg);
	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	ecpr__error_set(err, ECPR_EDB, NULL, 0, "%s: %s%s%s", what, text,
	    detail ? " (" : "", detail ? detail : "");
	if (detail && err != NULL) {
		n = strlen(err->message);
		if (n + 1 < sizeof(err->message)) {
			err->message[n] = ')';
			err->message[n + 1] = '\0';
		}
	}
	if (err != NULL) {
		if (state != NULL)
			snprintf(err->sqlstate, sizeof(err->sqlstate), "%s",
			    state);
		else
			/* connection failure: no SQLSTATE from the server */
			snprintf(err->sqlstate, sizeof(err->sqlstate),
			    "08006");
	}
	return ECPR_EDB;
}

/*
 * Read the result of the COPY sent last (copy_buf does not wait for it,
 * so that the server checks and stores its rows while the import reads
 * the next ones); 0 or ECPR_EDB.  Every command waits for it first.
 */
static int
copy_wait(ecpr_db *db, ecpr_error *err)
{
	PGresult *res;
	int rc = 0;

	if (!db->copying)
		return 0;
	db->copying = 0;
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = db_error(err, res, db->conn,
			    "cannot stage the import");
		PQclear(res);
	}
	return rc;
}

/* Run a command without parameters; 0 or ECPR_EDB. */
static int
exec_cmd(ecpr_db *db, const char *sql, const char *what, ecpr_error *err)
{
	PGresult *res;
	int rc = copy_wait(db, err);

	if (rc != 0)
		return rc;
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = db_error(err, res, db->conn, what);
	PQclear(res);
	return rc;
}

/* Run a command with text parameters; *out gets the result (or NULL). */
static int
exec_params(ecpr_db *db, const char *sql, int n, const char *const *vals,
    const char *what, PGresult **out, ecpr_error *err)
{
	PGresult *res = NULL;
	int rc = copy_wait(db, err);

	if (rc == 0)
		res = PQexecParams(db->conn, sql, n, NULL, vals, NULL, NULL,
		    0);
	if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = db_error(err, res, db->conn, what);
		PQclear(res);
		res = NULL;
	}
	if (out != NULL)
		*out = res;
	else
		PQclear(res);
	return rc;
}

size_t
ecpr_db_default_dir(char *buf, size_t len)
{
	const char *env = getenv("ECPR_DB_DIR");
	const char *home;
	int n;

	if (env != NULL && *env != '\0')
		n = snprintf(buf, len, "%s", env);
	else if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/')
		n = snprintf(buf, len, "%s/ecprkit/db", env);
	else if (geteuid() == 0)
		n = snprintf(buf, len, "/var/lib/ecprkit/db");
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		n = snprintf(buf, len, "%s/.local/share/ecprkit/db", home);
	else
		n = snprintf(buf, len, "/tmp/ecprkit-%ld/db", (long)getuid());
	return n < 0 ? 0 : (size_t)n;
}

/* The port of the server's socket in directory run (".s.PGSQL.N"):
 * 1 and N in port, 0 when there is none. */
static int
socket_port(const char *run, char *port, size_t len)
{
	DIR *d = opendir(run);
	struct dirent *de;
	const char *p;
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, ".s.PGSQL.", 9) != 0)
			continue;
		p = de->d_name + 9;
		if (*p != '\0' && strspn(p, "0123456789") == strlen(p) &&
		    strlen(p) < len) {
			snprintf(port, len, "%s", p);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

int
ecpr_db_connect(ecpr_db **out, const char *conninfo, ecpr_error *err)
{
	static const char *const envs[] = { "PGHOST", "PGHOSTADDR", "PGPORT",
		"PGDATABASE", "PGUSER", "PGSERVICE", NULL };
	const char *keys[5], *vals[5];
	char dir[1024], run[1100], port[16];
	ecpr_db *db;
	size_t i;
	int use_env = 0;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the connection");
	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (conninfo == NULL) {
		for (i = 0; envs[i] != NULL; i++) {
			const char *v = getenv(envs[i]);

			if (v != NULL && *v != '\0')
				use_env = 1;
		}
	}
	if (conninfo != NULL) {
		keys[0] = "dbname";
		vals[0] = conninfo;
		keys[1] = NULL;
		vals[1] = NULL;
		db->conn = PQconnectdbParams(keys, vals, 1);
	} else if (use_env) {
		db->conn = PQconnectdb("");
	} else {
		ecpr_db_default_dir(dir, sizeof(dir));
		snprintf(run, sizeof(run), "%s/run", dir);
		keys[0] = "host";
		vals[0] = run;
		keys[1] = "dbname";
		vals[1] = "ecpr";
		keys[2] = "user";
		vals[2] = "postgres";
		/* a registry publishing on another TCP port has its socket
		 * there too (ecpr-db publish --port) */
		keys[3] = socket_port(run, port, sizeof(port)) ? "port" :
		    NULL;
		vals[3] = port;
		keys[4] = NULL;
		vals[4] = NULL;
		db->conn = PQconnectdbParams(keys, vals, 0);
	}
	if (db->conn == NULL) {
		free(db);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_error(err, NULL, db->conn, conninfo == NULL && !use_env ?
		    "cannot connect to the embedded registry (start it with "
		    "'ecpr-db start', or create it with 'ecpr-db init')" :
		    "cannot connect to the registry");
		ecpr_db_free(db);
		return ECPR_EDB;
	}
	if (PQsetClientEncoding(db->conn, "UTF8") != 0 ||
	    exec_cmd(db, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; "
	    "SET client_min_messages = warning", "cannot set up the session",
	    err) != 0) {
		if (err != NULL && err->code != ECPR_EDB)
			db_error(err, NULL, db->conn, "cannot set up the "
			    "session");
		ecpr_db_free(db);
		return ECPR_EDB;
	}
	*out = db;
	return 0;
}

void
ecpr_db_free(ecpr_db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db);
}

/* ------------------------------------------------------------------ */
/* Migrations                                                           */
/* ------------------------------------------------------------------ */

static int
is_migration(const char *name)
{
	size_t n = strlen(name);

	return n > 8 && name[0] >= '0' && name[0] <= '9' &&
	    name[1] >= '0' && name[1] <= '9' && name[2] >= '0' &&
	    name[2] <= '9' && name[3] == '_' &&
	    strcmp(name + n - 4, ".sql") == 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
read_text(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fclose(fp);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

int
ecpr_db_schema_version(ecpr_db *db, int *version, ecpr_error *err)
{
	PGresult *res;
	int rc;

	*version = 0;
	rc = exec_params(db, "SELECT coalesce(max(version), 0) FROM "
	    "schema_version WHERE to_regclass('schema_version') IS NOT NULL",
	    0, NULL, "cannot read the schema version", &res, err);
	if (rc != 0) {
		/* no table at all */
		if (err != NULL && strcmp(err->sqlstate, "42P01") == 0) {
			ecpr_error_clear(err);
			return 0;
		}
		return rc;
	}
	if (PQntuples(res) == 1)
		*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* A malloc'd copy of a compiled-in migration, or NULL. */
static char *
embedded_migration(const char *name)
{
	size_t i;

	for (i = 0; ecpr__migrations[i].name != NULL; i++)
		if (strcmp(ecpr__migrations[i].name, name) == 0)
			return strdup(ecpr__migrations[i].sql);
	errno = ENOENT;
	return NULL;
}

int
ecpr_db_migrate(ecpr_db *db, const char *sqldir, int *applied,
    ecpr_error *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	char path[2048];
	int rc = 0, count = 0, have;
	PGresult *res;

	if (applied != NULL)
		*applied = 0;
	if (db == NULL || db->busy)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "the connection is busy");
	if (sqldir == NULL)
		sqldir = getenv("ECPR_SQL_DIR");
	if (sqldir == NULL || *sqldir == '\0') {
		/* the migrations compiled into the library */
		sqldir = NULL;
		for (n = 0; ecpr__migrations[n].name != NULL; n++)
			;
		names = calloc(n ? n : 1, sizeof(*names));
		if (names == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		for (i = 0; i < n; i++)
			if ((names[i] = strdup(ecpr__migrations[i].name)) ==
			    NULL) {
				n = i;
				rc = ecpr__error_set(err, ECPR_ENOMEM, NULL,
				    0, "out of memory");
				goto out;
			}
		goto have_names;
	}
	d = opendir(sqldir);
	if (d == NULL)
		return ecpr__error_set(err, ECPR_EIO, sqldir, 0,
		    "cannot read the schema migrations: %s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (!is_migration(de->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 8) *
			    sizeof(*names));

			if (nn == NULL) {
				rc = ECPR_ENOMEM;
				break;
			}
			names = nn;
			cap = cap ? cap * 2 : 8;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL) {
			rc = ECPR_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc != 0) {
		ecpr__error_set(err, rc, NULL, 0, "out of memory");
		goto out;
	}
	if (n == 0) {
		rc = ecpr__error_set(err, ECPR_EIO, sqldir, 0,
		    "no schema migrations (NNN_name.sql) here");
		goto out;
	}
have_names:
	ecpr__sort(names, n, sizeof(*names), cmp_names);
	if ((rc = exec_cmd(db, "BEGIN", "cannot begin", err)) != 0)
		goto out;
	rc = exec_cmd(db, "CREATE TABLE IF NOT EXISTS schema_version ("
	    "version integer PRIMARY KEY, name text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now(), "
	    "db_role text NOT NULL DEFAULT current_user); "
	    "LOCK TABLE schema_version IN EXCLUSIVE MODE",
	    "cannot create schema_version", err);
	if (rc != 0)
		goto rollback;
	for (i = 0; i < n; i++) {
		char ver[8];
		const char *vals[2];
		char *sql;

		memcpy(ver, names[i], 3);
		ver[3] = '\0';
		vals[0] = ver;
		vals[1] = names[i];
		rc = exec_params(db, "SELECT 1 FROM schema_version WHERE "
		    "version = $1::integer", 1, vals, "cannot read "
		    "schema_version", &res, err);
		if (rc != 0)
			goto rollback;
		have = PQntuples(res) > 0;
		PQclear(res);
		if (have)
			continue;
		if (sqldir == NULL) {
			snprintf(path, sizeof(path), "%s", names[i]);
			sql = embedded_migration(names[i]);
		} else {
			snprintf(path, sizeof(path), "%s/%s", sqldir,
			    names[i]);
			sql = read_text(path);
		}
		if (sql == NULL) {
			rc = ecpr__error_set(err, ECPR_EIO, path, 0,
			    "cannot read: %s", strerror(errno));
			goto rollback;
		}
		rc = exec_cmd(db, sql, "migration failed", err);
		free(sql);
		if (rc != 0) {
			ecpr__error_locate(err, path, 0);
			goto rollback;
		}
		rc = exec_params(db, "INSERT INTO schema_version (version, "
		    "name) VALUES ($1::integer, $2)", 2, vals,
		    "cannot record the migration", NULL, err);
		if (rc != 0)
			goto rollback;
		count++;
	}
	/* a site's publications take the columns as they are now */
	if (count > 0 && (rc = exec_cmd(db, "DO $$ BEGIN IF to_regprocedure("
	    "'public.ecpr_publications_refresh()') IS NOT NULL THEN PERFORM "
	    "public.ecpr_publications_refresh(); END IF; END $$",
	    "cannot update the publications", err)) != 0)
		goto rollback;
	if ((rc = exec_cmd(db, "COMMIT", "cannot commit", err)) != 0)
		goto out;
	if (applied != NULL)
		*applied = count;
	goto out;
rollback:
	exec_cmd(db, "ROLLBACK", "rollback", NULL);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
ecpr_db_add_site_role(ecpr_db *db, const char *role, const char *site,
    ecpr_error *err)
{
	const char *vals[2] = { role, site };

	if (role == NULL || *role == '\0' || site == NULL || *site == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "a role name and a site are needed");
	return exec_params(db, "SELECT ecpr_add_site_role($1, $2)", 2, vals,
	    "cannot create the site role", NULL, err);
}

int
ecpr_db_add_coordinator_role(ecpr_db *db, const char *role,
    ecpr_error *err)
{
	const char *vals[1] = { role };

	if (role == NULL || *role == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "a role name is needed");
	return exec_params(db, "SELECT ecpr_add_coordinator_role($1)", 1,
	    vals, "cannot create the coordinator role", NULL, err);
}

/* ------------------------------------------------------------------ */
/* Many sites, one hub                                                  */
/* ------------------------------------------------------------------ */

/* The schema version publishing and subscribing need (006). */
#define ECPR__HUB_SCHEMA 6

/* ECPR_EDB unless the schema has version ECPR__HUB_SCHEMA. */
static int
hub_schema(ecpr_db *db, ecpr_error *err)
{
	int version = 0, rc;

	if (db == NULL || db->busy)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "the connection is busy");
	if ((rc = ecpr_db_schema_version(db, &version, err)) != 0)
		return rc;
	if (version < ECPR__HUB_SCHEMA)
		return ecpr__error_set(err, ECPR_EDB, NULL, 0,
		    "the registry's schema is version %d, replication needs "
		    "version %d: run 'ecpr-db migrate'", version,
		    ECPR__HUB_SCHEMA);
	return 0;
}

/*
 * The registry refusing rows is a rule broken, not a registry out of
 * reach: a value it cannot hold (SQLSTATE class 22), a constraint (23)
 * or a right the role has not (42501: row security, the hub's guard of a
 * subscribed site's rows).  The tools exit 65 for it, not 69.
 */
static int
is_refusal(const char *state)
{
	return strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0 ||
	    strcmp(state, "42501") == 0;
}

static int
rows_refused(int rc, ecpr_error *err)
{
	if (rc == ECPR_EDB && err != NULL && is_refusal(err->sqlstate)) {
		err->code = ECPR_ERULE;
		return ECPR_ERULE;
	}
	return rc;
}

/* The hub's checks also refuse objects: one missing, one twice, a name. */
static int
hub_refused(int rc, ecpr_error *err)
{
	if (rc == ECPR_EDB && err != NULL && (strcmp(err->sqlstate,
	    "42704") == 0 || strcmp(err->sqlstate, "42710") == 0 ||
	    strcmp(err->sqlstate, "42622") == 0 ||
	    strcmp(err->sqlstate, "55000") == 0)) {
		err->code = ECPR_ERULE;
		return ECPR_ERULE;
	}
	return rows_refused(rc, err);
}

int
ecpr_db_publish(ecpr_db *db, const char *site, const char *password,
    ecpr_error *err)
{
	const char *vals[3];
	char *verifier;
	int rc;

	if (site == NULL || *site == '\0' || password == NULL ||
	    *password == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "a site and a password are needed");
	if ((rc = hub_schema(db, err)) != 0)
		return rc;
	verifier = PQencryptPasswordConn(db->conn, password,
	    ECPR_DB_REPLICATION_ROLE, "scram-sha-256");
	if (verifier == NULL)
		return db_error(err, NULL, db->conn, "cannot make the "
		    "password's verifier");
	vals[0] = site;
	vals[1] = ECPR_DB_REPLICATION_ROLE;
	vals[2] = verifier;
	rc = exec_params(db, "SELECT public.ecpr_publish($1, $2, $3)", 3,
	    vals, "cannot publish", NULL, err);
	PQfreemem(verifier);
	return hub_refused(rc, err);
}

/* The hub's subscription (and the site's publication) of site, quoted as
 * an identifier, and its replication slot (lower case, unique to this
 * hub), quoted as a literal; the caller frees with PQfreemem. */
static int
hub_names(ecpr_db *db, const char *site, char **sub, char **slot,
    ecpr_error *err)
{
	const char *vals[1] = { site };
	PGresult *res;
	int rc;

	*sub = *slot = NULL;
	rc = exec_params(db, "SELECT public.ecpr_publication_name($1), "
	    "'ecpr_' || left(md5(system_identifier::text || '/' || $1), 24) "
	    "FROM pg_control_system()", 1, vals,
	    "cannot name the subscription", &res, err);
	if (rc != 0)
		return rc;
	*sub = PQescapeIdentifier(db->conn, PQgetvalue(res, 0, 0),
	    strlen(PQgetvalue(res, 0, 0)));
	*slot = PQescapeLiteral(db->conn, PQgetvalue(res, 0, 1),
	    strlen(PQgetvalue(res, 0, 1)));
	PQclear(res);
	if (*sub == NULL || *slot == NULL) {
		PQfreemem(*sub);
		PQfreemem(*slot);
		*sub = *slot = NULL;
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	return 0;
}

/* Run "VERB SUBSCRIPTION sub REST" (sub quoted already). */
static int
hub_sub_cmd(ecpr_db *db, const char *verb, const char *sub,
    const char *rest, const char *what, ecpr_error *err)
{
	char *sql;
	size_t n = strlen(verb) + strlen(sub) + strlen(rest) + 32;
	int rc;

	if ((sql = malloc(n)) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	snprintf(sql, n, "%s SUBSCRIPTION %s%s", verb, sub, rest);
	rc = exec_cmd(db, sql, what, err);
	free(sql);
	return rc;
}

/*
 * For each replicated table (dependent ones first), run "VERB public.T
 * WHERE site = $1" with $1 = site: verb "DELETE FROM" removes the site's
 * rows, "SELECT 1 FROM" (with *found) says whether there are any, also
 * rows a failed first copy left without their episode.
 */
static int
hub_site_rows(ecpr_db *db, const char *verb, const char *site, int *found,
    ecpr_error *err)
{
	const char *vals[1] = { site };
	PGresult *tabs, *res;
	char sql[256], *t;
	int rc, i;

	if (found != NULL)
		*found = 0;
	rc = exec_params(db, "SELECT t FROM unnest(public."
	    "ecpr_replicated_tables()) WITH ORDINALITY u(t, n) ORDER BY n "
	    "DESC", 0, NULL, "cannot list the replicated tables", &tabs, err);
	for (i = 0; rc == 0 && i < PQntuples(tabs); i++) {
		t = PQescapeIdentifier(db->conn, PQgetvalue(tabs, i, 0),
		    strlen(PQgetvalue(tabs, i, 0)));
		if (t == NULL) {
			rc = ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
			break;
		}
		snprintf(sql, sizeof(sql), "%s public.%s WHERE site = $1%s",
		    verb, t, found != NULL ? " LIMIT 1" : "");
		PQfreemem(t);
		rc = exec_params(db, sql, 1, vals, "cannot read or remove the "
		    "site's rows", &res, err);
		if (rc == 0 && found != NULL && PQntuples(res) > 0)
			*found = 1;
		PQclear(res);
	}
	PQclear(tabs);
	return rc;
}

int
ecpr_db_subscribe(ecpr_db *db, const char *site, const char *conninfo,
    ecpr_error *err)
{
	const char *vals[2] = { site, NULL };
	char *sub = NULL, *slot = NULL, *ci = NULL, *rest = NULL;
	PGresult *res = NULL;
	size_t n;
	int rc, found;

	if (site == NULL || *site == '\0' || conninfo == NULL ||
	    *conninfo == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "a site and a connection string are needed");
	if ((rc = hub_schema(db, err)) != 0)
		return rc;
	rc = exec_params(db, "SELECT public.ecpr_hub_check($1)", 1, vals,
	    "cannot subscribe", NULL, err);
	if (rc != 0)
		return hub_refused(rc, err);
	if ((rc = hub_site_rows(db, "SELECT 1 FROM", site, &found, err)) != 0)
		return rc;
	if (found)
		return ecpr__error_set(err, ECPR_ERULE, NULL, 0, "cannot "
		    "subscribe: the hub holds rows of site %s already: remove "
		    "them first (ecpr-db unsubscribe --purge %s)", site, site);
	if ((rc = hub_names(db, site, &sub, &slot, err)) != 0)
		return rc;
	ci = PQescapeLiteral(db->conn, conninfo, strlen(conninfo));
	n = (ci ? strlen(ci) : 0) + 2 * strlen(sub) + strlen(slot) + 128;
	if (ci == NULL || (rest = malloc(n)) == NULL) {
		rc = ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
		goto out;
	}
	/* disabled until the hub has checked what it takes */
	snprintf(rest, n, " CONNECTION %s PUBLICATION %s WITH (enabled = "
	    "false, slot_name = %s)", ci, sub, slot);
	rc = hub_sub_cmd(db, "CREATE", sub, rest, "cannot subscribe", err);
	if (rc != 0)
		goto out;
	rc = exec_params(db, "SELECT subname FROM pg_subscription WHERE "
	    "subname = public.ecpr_publication_name($1)", 1, vals,
	    "cannot subscribe", &res, err);
	if (rc == 0) {
		vals[1] = PQgetvalue(res, 0, 0);
		if ((rc = exec_cmd(db, "BEGIN", "cannot begin", err)) == 0 &&
		    (rc = exec_params(db, "SELECT public.ecpr_hub_attach($1, "
		    "$2)", 2, vals, "cannot subscribe", NULL, err)) == 0)
			rc = exec_cmd(db, "COMMIT", "cannot commit", err);
		if (rc != 0)
			exec_cmd(db, "ROLLBACK", "rollback", NULL);
	}
	if (rc == 0 && (rc = hub_sub_cmd(db, "ALTER", sub, " ENABLE",
	    "cannot start the subscription", err)) != 0)
		exec_params(db, "DELETE FROM public.hub_site WHERE site = $1",
		    1, vals, "drop", NULL, NULL);
	if (rc != 0) {
		/* nothing left behind: the slot at the site goes too */
		hub_sub_cmd(db, "DROP", sub, "", "drop", NULL);
		rc = hub_refused(rc, err);
	}
out:
	PQclear(res);
	free(rest);
	PQfreemem(ci);
	PQfreemem(sub);
	PQfreemem(slot);
	return rc;
}

int
ecpr_db_unsubscribe(ecpr_db *db, const char *site, int purge,
    int *slot_left, ecpr_error *err)
{
	const char *vals[1] = { site };
	PGresult *res;
	char *sub;
	int rc, found;

	if (slot_left != NULL)
		*slot_left = 0;
	if (site == NULL || *site == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "a site is needed");
	if ((rc = hub_schema(db, err)) != 0)
		return rc;
	rc = exec_params(db, "SELECT subname FROM public.hub_site "
	    "WHERE site = $1", 1, vals, "cannot unsubscribe", &res, err);
	if (rc != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		/* --purge of the rows an earlier subscription left */
		if (purge && (rc = hub_site_rows(db, "SELECT 1 FROM", site,
		    &found, err)) != 0)
			return rc;
		if (!purge || !found)
			return ecpr__error_set(err, ECPR_ENOTFOUND, NULL, 0,
			    "site %s is not subscribed", site);
		goto rows;
	}
	sub = PQescapeIdentifier(db->conn, PQgetvalue(res, 0, 0),
	    strlen(PQgetvalue(res, 0, 0)));
	PQclear(res);
	if (sub == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	rc = hub_sub_cmd(db, "ALTER", sub, " DISABLE", "cannot unsubscribe",
	    err);
	if (rc == 0 && hub_sub_cmd(db, "DROP", sub, "", "drop", NULL) != 0) {
		/* the site cannot be reached: its slot stays there */
		if ((rc = hub_sub_cmd(db, "ALTER", sub, " SET (slot_name = "
		    "NONE)", "cannot unsubscribe", err)) == 0)
			rc = hub_sub_cmd(db, "DROP", sub, "",
			    "cannot unsubscribe", err);
		if (rc == 0 && slot_left != NULL)
			*slot_left = 1;
	}
	PQfreemem(sub);
	if (rc != 0)
		return rc;
rows:
	if ((rc = exec_cmd(db, "BEGIN", "cannot begin", err)) != 0)
		return rc;
	rc = exec_params(db, "DELETE FROM public.hub_site WHERE site = $1", 1,
	    vals, "cannot unsubscribe", NULL, err);
	if (rc == 0 && purge)
		rc = hub_site_rows(db, "DELETE FROM", site, NULL, err);
	if (rc == 0 && purge)
		rc = exec_params(db, "DELETE FROM public.site WHERE site = $1 "
		    "AND NOT EXISTS (SELECT 1 FROM public.site_role r "
		    "WHERE r.site = $1)", 1, vals,
		    "cannot remove the site's rows", NULL, err);
	if (rc == 0)
		return exec_cmd(db, "COMMIT", "cannot commit", err);
	exec_cmd(db, "ROLLBACK", "rollback", NULL);
	return rc;
}

/* WAL of the site not applied at the hub (bytes), or -1 when the site
 * cannot be reached: from the site's slot and the hub's last position. */
static int64_t
hub_site_lag(const char *conninfo, const char *slot, const char *hub_lsn)
{
	const char *keys[] = { "dbname", "connect_timeout", NULL };
	const char *values[] = { conninfo, "5", NULL };
	const char *vals[2] = { slot, hub_lsn };
	PGconn *c = PQconnectdbParams(keys, values, 1);
	PGresult *res;
	int64_t lag = -1;

	if (PQstatus(c) == CONNECTION_OK) {
		res = PQexecParams(c, "SELECT greatest(pg_wal_lsn_diff("
		    "pg_current_wal_lsn(), greatest(s.confirmed_flush_lsn, "
		    "$2::pg_lsn)), 0)::bigint FROM pg_replication_slots s "
		    "WHERE s.slot_name = $1", 2, NULL, vals, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK &&
		    PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
			lag = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	PQfinish(c);
	return lag;
}

int
ecpr_db_subscriptions(ecpr_db *db, ecpr_db_subscription_cb cb, void *ctx,
    ecpr_error *err)
{
	PGresult *res;
	int rc, i;

	if ((rc = hub_schema(db, err)) != 0)
		return rc;
	rc = exec_params(db, "SELECT h.site, CASE WHEN NOT s.subenabled "
	    "THEN 'disabled' WHEN EXISTS (SELECT 1 FROM pg_subscription_rel r "
	    "WHERE r.srsubid = s.oid AND r.srsubstate <> 'r') THEN 'syncing' "
	    "WHEN w.pid IS NULL THEN 'stopped' ELSE 'streaming' END, "
	    "s.subconninfo, s.subslotname, w.latest_end_lsn::text, "
	    "extract(epoch FROM now() - w.latest_end_time)::float8, "
	    "coalesce(t.apply_error_count + t.sync_error_count, 0) "
	    "FROM public.hub_site h JOIN pg_subscription s "
	    "ON s.subname = h.subname "
	    "LEFT JOIN pg_stat_subscription w ON w.subid = s.oid "
	    "AND w.relid IS NULL "
	    "LEFT JOIN pg_stat_subscription_stats t ON t.subid = s.oid "
	    "ORDER BY h.site COLLATE \"C\"", 0, NULL,
	    "cannot read the subscriptions", &res, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		ecpr_db_subscription sub;

		sub.site = PQgetvalue(res, i, 0);
		sub.state = PQgetvalue(res, i, 1);
		sub.lag_bytes = hub_site_lag(PQgetvalue(res, i, 2),
		    PQgetvalue(res, i, 3), pq_text(res, i, 4));
		sub.lag_seconds = sub.lag_bytes == 0 ? 0.0 :
		    PQgetisnull(res, i, 5) ? -1.0 :
		    strtod(PQgetvalue(res, i, 5), NULL);
		sub.errors = strtoll(PQgetvalue(res, i, 6), NULL, 10);
		rc = cb(&sub, ctx);
	}
	PQclear(res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Import                                                               */
/* ------------------------------------------------------------------ */

static void
buf_add(ecpr__buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

/* A COPY text field: NULL as \N, escapes for \\, tab, CR, LF. */
static void
buf_field(ecpr__buf *b, const char *s, int last)
{
	if (s == NULL) {
		buf_add(b, "\\N", 2);
	} else {
		for (;;) {
			size_t n = strcspn(s, "\\\t\n\r");
			const char *esc;

			buf_add(b, s, n);
			s += n;
			if (*s == '\0')
				break;
			esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" :
			    *s == '\n' ? "\\n" : "\\r";
			buf_add(b, esc, 2);
			s++;
		}
	}
	buf_add(b, last ? "\n" : "\t", 1);
}

/* An integer field (digits need no escapes). */
static void
buf_int(ecpr__buf *b, int64_t v, int last)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	*--p = last ? '\n' : '\t';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* The key of an episode's row: site, subject, episode number. */
static void
buf_key(ecpr__buf *b, const char *site, const char *subject, long number)
{
	buf_field(b, site, 0);
	buf_field(b, subject, 0);
	buf_int(b, number, 0);
}

/* n digits of v (n <= 4) at p, leading zeros. */
static void
put_digits(char *p, int64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * An instant (epoch seconds) as timestamptz input in UTC: "YYYY-MM-DD
 * HH:MM:SS+00", years before 1 as "... BC" (PostgreSQL has no year 0),
 * the value to_timestamp() gave before.
 */
static void
buf_tstz(ecpr__buf *b, int64_t t)
{
	char tmp[64];
	int64_t days = t / 86400, sec = t % 86400, y;
	int m, d, n;

	if (sec < 0) {
		sec += 86400;
		days--;
	}
	ecpr__civil_from_days(days, &y, &m, &d);
	if (y < 1 || y > 9999) {
		n = snprintf(tmp, sizeof(tmp), "%04" PRId64 "-%02d-%02d "
		    "%02d:%02d:%02d+00%s\t", y < 1 ? 1 - y : y, m, d,
		    (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60),
		    y < 1 ? " BC" : "");
		buf_add(b, tmp, n > 0 ? (size_t)n : 0);
		return;
	}
	memcpy(tmp, "0000-00-00 00:00:00+00\t", 23);
	put_digits(tmp, y, 4);
	put_digits(tmp + 5, m, 2);
	put_digits(tmp + 8, d, 2);
	put_digits(tmp + 11, sec / 3600, 2);
	put_digits(tmp + 14, sec / 60 % 60, 2);
	put_digits(tmp + 17, sec % 60, 2);
	buf_add(b, tmp, 23);
}

/* A time as t_utc, t_end (timestamptz), precision, utc_offset; t NULL:
 * four NULLs (a time not known). */
static void
buf_time(ecpr__buf *b, const ecpr_time *t)
{
	int p;

	if (t == NULL) {
		buf_field(b, NULL, 0);
		buf_field(b, NULL, 0);
		buf_field(b, NULL, 0);
		buf_field(b, NULL, 0);
		return;
	}
	p = (int)t->prec;
	buf_tstz(b, t->t);
	buf_tstz(b, t->end);
	buf_field(b, p >= 0 && p <= ECPR_PREC_SECOND ? prec_names[p] : "", 0);
	buf_int(b, t->offset, 0);
}

/* The comparators as stored in observation.comparator. */
static const char *const cmp_texts[] = { "=", "<", "<=", ">", ">=" };

/*
 * A value as stored: its comparator ("=" for an exact value) into cmp
 * (4 bytes) and its exact decimal as written ("15.0") into num.
 */
static void
value_split(const ecpr_value *v, char *cmp, char *num, size_t len)
{
	ecpr_value plain = *v;

	snprintf(cmp, 4, "%s", (int)v->cmp >= 0 && v->cmp <= ECPR_CMP_GE ?
	    cmp_texts[v->cmp] : "=");
	plain.cmp = ECPR_CMP_EQ;
	ecpr_value_format(&plain, 0, num, len);
}

static int
copy_buf(ecpr_db *db, const char *sql, ecpr__buf *b, ecpr_error *err)
{
	PGresult *res;
	int rc = 0;

	if (b->oom) {
		b->oom = 0;
		b->n = 0;
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	if (b->n == 0)
		return 0;
	if ((rc = copy_wait(db, err)) != 0) {
		b->n = 0;
		return rc;
	}
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = db_error(err, res, db->conn, "cannot stage the import");
		PQclear(res);
		return rc;
	}
	PQclear(res);
	/* the result is read by the next command (copy_wait) */
	db->copying = 1;
	if (PQputCopyData(db->conn, b->p, (int)b->n) != 1 ||
	    PQputCopyEnd(db->conn, NULL) != 1) {
		rc = db_error(err, NULL, db->conn, "cannot stage the import");
		copy_wait(db, NULL);
	}
	b->n = 0;
	return rc;
}

/*
 * The chunk's episodes: stored ones are staged (stg_episode, stg_key,
 * stg_id) for the merge at commit; new ones are inserted at once, with
 * their sites and subjects, the batch's zone winning over theirs.  $1 is
 * the batch; one row per episode in the chunk's order: ord, episode_id,
 * new, and whether this import inserted it already (given twice).
 * Each episode is looked up by its key in the index (the lateral
 * subquery, kept apart by OFFSET 0): the table grows by the import's
 * own rows, which no statistics count, and a plan that hashed the chunk
 * would read the whole table for every chunk (quadratic time).
 */
static const char chunk_sql[] =
    "WITH c AS (SELECT s.ord, s.site, s.subject, s.episode, "
    "coalesce((SELECT b.tz FROM public.import_batch b "
    "WHERE b.batch_id = $1::bigint), s.tz) AS tz, s.age_years, s.sex, "
    "s.bmi, s.primary_disease, s.ca_location, s.first_cpr_provider, "
    "s.initial_rhythm, s.apache2, s.cannulation_method, s.mcc_device, "
    "s.ecmo_device, s.cpc_discharge, s.pupillary_light_reflex, "
    "s.cerebral_haemorrhage, s.witnessed, s.bystander_cpr, "
    "e.episode_id AS old_id, "
    "e.batch_id IS NOT DISTINCT FROM $1::bigint AS twice "
    "FROM pg_temp.stg_chunk s LEFT JOIN LATERAL (SELECT e.episode_id, "
    "e.batch_id FROM public.episode e WHERE e.site = s.site "
    "AND e.subject = s.subject AND e.episode = s.episode OFFSET 0) e "
    "ON true), "
    "st AS (INSERT INTO public.site (site) SELECT DISTINCT site FROM c "
    "WHERE old_id IS NULL ON CONFLICT DO NOTHING), "
    "sj AS (INSERT INTO public.subject (site, subject) "
    "SELECT DISTINCT site, subject FROM c WHERE old_id IS NULL "
    "ON CONFLICT DO NOTHING), "
    "i AS (INSERT INTO public.episode (site, subject, episode, tz, "
    "age_years, sex, bmi, primary_disease, ca_location, "
    "first_cpr_provider, initial_rhythm, apache2, cannulation_method, "
    "mcc_device, ecmo_device, cpc_discharge, pupillary_light_reflex, "
    "cerebral_haemorrhage, witnessed, bystander_cpr, batch_id) "
    "SELECT site, subject, episode, tz, age_years::integer, sex, "
    "bmi::numeric, primary_disease, ca_location, first_cpr_provider, "
    "initial_rhythm, apache2::integer, cannulation_method, mcc_device, "
    "ecmo_device, cpc_discharge::integer, pupillary_light_reflex, "
    "cerebral_haemorrhage, witnessed, bystander_cpr, $1::bigint "
    "FROM c WHERE old_id IS NULL "
    "RETURNING episode_id, site, subject, episode), "
    "o AS (INSERT INTO pg_temp.stg_episode SELECT site, subject, episode, "
    "tz, age_years, sex, bmi, primary_disease, ca_location, "
    "first_cpr_provider, initial_rhythm, apache2, cannulation_method, "
    "mcc_device, ecmo_device, cpc_discharge, pupillary_light_reflex, "
    "cerebral_haemorrhage, witnessed, bystander_cpr FROM c "
    "WHERE old_id IS NOT NULL), "
    "k AS (INSERT INTO pg_temp.stg_key SELECT site, subject, episode, "
    "old_id FROM c), "
    "d AS (INSERT INTO pg_temp.stg_id SELECT c.site, c.subject, "
    "c.episode, coalesce(c.old_id, i.episode_id), c.old_id IS NULL "
    "FROM c LEFT JOIN i ON i.site = c.site AND i.subject = c.subject "
    "AND i.episode = c.episode RETURNING *) "
    "SELECT c.ord, d.episode_id, d.is_new, c.twice, c.site, c.subject, "
    "c.episode FROM c JOIN d "
    "ON d.site = c.site AND d.subject = c.subject "
    "AND d.episode = c.episode ORDER BY c.ord";

/* COPY of the rows of new episodes into their tables (direct), with the
 * batch, the episode id and the site before the rows as staged. */
static const char *const copy_direct_sql[ROWS_N] = {
	"COPY public.event (batch_id, episode_id, site, type, occurrence, "
	"ord, t_utc, t_end, precision, utc_offset, source, note) FROM STDIN",
	"COPY public.observation (batch_id, episode_id, site, observation, "
	"source, t_utc, t_end, precision, utc_offset, comparator, value, "
	"unit) FROM STDIN",
	"COPY public.complication (batch_id, episode_id, site, complication, "
	"attribution, source, t_utc, t_end, precision, utc_offset, note) "
	"FROM STDIN"
};

static const char *const copy_stage_sql[ROWS_N] = {
	"COPY pg_temp.stg_event FROM STDIN",
	"COPY pg_temp.stg_obs FROM STDIN",
	"COPY pg_temp.stg_cpl FROM STDIN"
};

/* Forget the chunk (after it is sent, or on an error). */
static void
import_chunk_reset(ecpr_db_import *im)
{
	int t;

	im->npend = 0;
	im->eps.n = im->keys.n = 0;
	im->eps.oom = im->keys.oom = 0;
	for (t = 0; t < ROWS_N; t++) {
		im->rows[t].n = im->out[t].n = im->stg[t].n = 0;
		im->rows[t].oom = im->out[t].oom = im->stg[t].oom = 0;
	}
}

/*
 * Send the chunk's rows: for each episode, after its row came back from
 * chunk_sql, its rows go with its id and the batch to out[] when it is
 * new and the role copies directly, else with its key to stg[].
 */
static int
import_route(ecpr_db_import *im, const PGresult *res, ecpr_error *err)
{
	static const int last[ROWS_N] = { ROWS_CP, ROWS_EV, ROWS_OB };
	size_t i, start[ROWS_N] = { 0 }, blen = strlen(im->batch);
	int t, rc = 0;

	for (i = 0; i < im->npend; i++) {
		const struct import_pend *p = &im->pend[i];
		const char *key = im->keys.p + p->key;
		const char *id = PQgetvalue(res, (int)i, 1);
		int direct = im->direct && *PQgetvalue(res, (int)i, 2) == 't';

		if (strtoul(PQgetvalue(res, (int)i, 0), NULL, 10) != i + 1)
			return ecpr__error_set(err, ECPR_EDB, NULL, 0,
			    "cannot stage the import: episode %zu of the chunk "
			    "came back out of order", i + 1);
		if (*PQgetvalue(res, (int)i, 3) == 't')
			return ecpr__error_set(err, ECPR_EDB, NULL, 0,
			    "cannot stage the import: episode %s/%s/%s is "
			    "given twice", PQgetvalue(res, (int)i, 4),
			    PQgetvalue(res, (int)i, 5),
			    PQgetvalue(res, (int)i, 6));
		for (t = 0; t < ROWS_N; t++) {
			const char *r = im->rows[t].p + start[t];
			const char *e = im->rows[t].p + p->end[t];
			ecpr__buf *to = direct ? &im->out[t] : &im->stg[t];

			while (r < e) {
				const char *nl = memchr(r, '\n',
				    (size_t)(e - r));
				size_t len = nl ? (size_t)(nl + 1 - r) :
				    (size_t)(e - r);

				if (direct) {
					buf_add(to, im->batch, blen);
					buf_add(to, "\t", 1);
					buf_add(to, id, strlen(id));
					buf_add(to, "\t", 1);
					buf_add(to, key, p->sitelen);
				} else {
					buf_add(to, key, p->keylen);
				}
				buf_add(to, r, len);
				r += len;
			}
			start[t] = p->end[t];
		}
	}
	/* the staged rows first, the direct ones last, the largest
	 * (observations) at the end: its COPY is checked and stored while
	 * the next chunk is read */
	for (t = 0; rc == 0 && t < ROWS_N; t++)
		rc = copy_buf(im->db, copy_stage_sql[t], &im->stg[t], err);
	for (t = 0; rc == 0 && t < ROWS_N; t++)
		rc = copy_buf(im->db, copy_direct_sql[last[t]],
		    &im->out[last[t]], err);
	return rc;
}

/* Send the episodes staged since the last flush (import_route). */
static int
import_flush(ecpr_db_import *im, ecpr_error *err)
{
	const char *vals[1];
	PGresult *res = NULL;
	int t, rc = 0;

	if (im->npend == 0)
		goto out;
	for (t = 0; t < ROWS_N; t++)
		if (im->rows[t].oom)
			im->eps.oom = 1;
	if (im->keys.oom)
		im->eps.oom = 1;
	if ((rc = copy_buf(im->db, "COPY pg_temp.stg_chunk FROM STDIN",
	    &im->eps, err)) != 0)
		goto out;
	vals[0] = im->batch;
	if ((rc = exec_params(im->db, chunk_sql, 1, vals,
	    "cannot stage the import", &res, err)) != 0)
		goto out;
	if ((size_t)PQntuples(res) != im->npend) {
		rc = ecpr__error_set(err, ECPR_EDB, NULL, 0, "cannot stage the "
		    "import: %d rows for the %zu episodes of the chunk",
		    PQntuples(res), im->npend);
		goto out;
	}
	if ((rc = import_route(im, res, err)) == 0)
		rc = exec_cmd(im->db, "TRUNCATE pg_temp.stg_chunk",
		    "cannot stage the import", err);
out:
	PQclear(res);
	import_chunk_reset(im);
	return rc;
}

/* Free an import's memory (the transaction is the caller's business). */
static void
import_release(ecpr_db_import *im)
{
	int t;

	free(im->eps.p);
	free(im->keys.p);
	for (t = 0; t < ROWS_N; t++) {
		free(im->rows[t].p);
		free(im->out[t].p);
		free(im->stg[t].p);
	}
	free(im->pend);
	free(im->role);
	free(im->sites);
	free(im);
}

/*
 * When row-level security applies to the role (a site role), note its
 * name and its sites: import_add refuses any other site by name and
 * line, before the policy would refuse it without either.
 */
static int
import_sites(ecpr_db_import *im, ecpr_error *err)
{
	PGresult *res;
	int rc, i, n;
	size_t len = 0;

	rc = exec_params(im->db, "SELECT current_user, s.site "
	    "FROM (SELECT NULL) one LEFT JOIN ecpr_my_sites() s(site) ON true "
	    "WHERE row_security_active('public.episode') "
	    "ORDER BY s.site COLLATE \"C\"", 0, NULL,
	    "cannot read the sites of the role", &res, err);
	if (rc != 0)
		return rc;
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		len += PQgetisnull(res, i, 1) ? 0 : (size_t)PQgetlength(res, i,
		    1) + 1;
	if (n > 0) {
		im->role = strdup(PQgetvalue(res, 0, 0));
		im->sites = malloc(len + 1);
		if (im->role == NULL || im->sites == NULL) {
			PQclear(res);
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		}
		im->sites_len = 0;
		for (i = 0; i < n; i++) {
			size_t k = (size_t)PQgetlength(res, i, 1);

			if (PQgetisnull(res, i, 1))
				continue;
			memcpy(im->sites + im->sites_len, PQgetvalue(res, i, 1),
			    k + 1);
			im->sites_len += k + 1;
		}
	}
	PQclear(res);
	return 0;
}

/*
 * 0 when the role may import site, else ECPR_ERULE at file:line naming
 * the site and the episode site/subject/number.
 */
static int
import_site_allowed(const ecpr_db_import *im, const char *site,
    const char *subject, long number, const char *file, unsigned long line,
    ecpr_error *err)
{
	const char *p;
	char allowed[256] = "";
	size_t off = 0;

	if (im->role == NULL)
		return 0;
	for (p = im->sites; p < im->sites + im->sites_len; p += strlen(p) + 1)
		if (strcmp(p, site) == 0)
			return 0;
	for (p = im->sites; p < im->sites + im->sites_len &&
	    off < sizeof(allowed); p += strlen(p) + 1) {
		int w = snprintf(allowed + off, sizeof(allowed) - off, "%s%s",
		    off > 0 ? ", " : "", p);

		off += w < 0 ? 0 : (size_t)w;
	}
	return ecpr__error_set(err, ECPR_ERULE, file, line,
	    "site \"%s\" is not a site of role %s, which imports %s%s only "
	    "(episode %s/%s/%ld)", site, im->role,
	    im->sites_len > 0 ? "site " : "no site", allowed, site, subject,
	    number);
}

/* import_site_allowed for an episode, at the line it was first read. */
static int
import_site_allowed_ep(const ecpr_db_import *im, const ecpr_episode *ep,
    ecpr_error *err)
{
	const char *file;
	unsigned long line;

	ecpr__episode_origin(ep, &file, &line);
	return import_site_allowed(im, ecpr_episode_site(ep),
	    ecpr_episode_subject(ep), ecpr_episode_number(ep), file, line,
	    err);
}

/*
 * 0 when the role may import, else ECPR_EINVAL naming it: only the
 * registry's owner and site roles may run ecpr_import_stage(); a
 * coordinator (or any other role) would fail on it with a bare
 * "permission denied" before a file is read.
 */
static int
import_allowed(ecpr_db *db, ecpr_error *err)
{
	PGresult *res;
	int rc;

	rc = exec_params(db, "SELECT has_function_privilege("
	    "'public.ecpr_import_stage()', 'EXECUTE'), current_user", 0, NULL,
	    "cannot read the rights of the role", &res, err);
	if (rc != 0)
		return rc;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = ecpr__error_set(err, ECPR_EINVAL, NULL, 0, "role %s may "
		    "not import: the registry's owner and site roles (ecpr-db "
		    "add-site-role) do, a coordinator reads every site and "
		    "writes none", PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

int
ecpr_db_import_begin(ecpr_db_import **out, ecpr_db *db, const char *files,
    const char *tzname, ecpr_error *err)
{
	ecpr_db_import *im;
	const char *vals[2];
	PGresult *res;
	int rc, version;

	*out = NULL;
	if (db == NULL || db->busy)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "the connection is busy");
	if ((rc = ecpr_db_schema_version(db, &version, err)) != 0)
		return rc;
	if (version == 0)
		return ecpr__error_set(err, ECPR_EDB, NULL, 0,
		    "the registry has no schema yet (version 0): run "
		    "'ecpr-db migrate'");
	if (version < ECPR__IMPORT_SCHEMA)
		return ecpr__error_set(err, ECPR_EDB, NULL, 0,
		    "the registry's schema is version %d, imports need "
		    "version %d: run 'ecpr-db migrate'", version,
		    ECPR__IMPORT_SCHEMA);
	if ((rc = import_allowed(db, err)) != 0)
		return rc;
	im = calloc(1, sizeof(*im));
	if (im == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	im->db = db;
	rc = exec_cmd(db, "BEGIN; "
	    "SELECT pg_advisory_xact_lock(" ECPR__IMPORT_LOCK "); "
	    "SELECT ecpr_import_stage()", "cannot begin the import", err);
	if (rc == 0)
		rc = import_sites(im, err);
	/* COPY FROM refuses tables under row-level security, which applies
	 * to episodes, events, observations and complications alike (002,
	 * 004): a site role's new rows are inserted from the staging
	 * tables at the end */
	im->direct = im->role == NULL;
	if (rc != 0) {
		exec_cmd(db, "ROLLBACK", "rollback", NULL);
		import_release(im);
		return rc;
	}
	vals[0] = files ? files : "";
	vals[1] = tzname;
	rc = exec_params(db, "INSERT INTO import_batch (files, tz) VALUES "
	    "($1, $2) RETURNING batch_id", 2, vals,
	    "cannot record the import batch", &res, err);
	if (rc != 0) {
		exec_cmd(db, "ROLLBACK", "rollback", NULL);
		import_release(im);
		return rc;
	}
	snprintf(im->batch, sizeof(im->batch), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	db->busy = 1;
	*out = im;
	return 0;
}

/*
 * Stage a finished episode; tzname is the zone to keep when the batch
 * names none (NULL: the batch's).
 */
static int
stage_episode(ecpr_db_import *im, const ecpr_episode *ep,
    const char *tzname, ecpr_error *err)
{
	const char *site = ecpr_episode_site(ep);
	const char *subject = ecpr_episode_subject(ep);
	long number = ecpr_episode_number(ep);
	unsigned occ[ECPR_EV_COUNT];
	struct import_pend *pend;
	size_t i, n;
	int a, rc;

	if ((rc = import_site_allowed_ep(im, ep, err)) != 0)
		return rc;
	if (im->npend == im->cappend) {
		size_t cap = im->cappend ? im->cappend * 2 : 256;
		struct import_pend *np = realloc(im->pend, cap * sizeof(*np));

		if (np == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		im->pend = np;
		im->cappend = cap;
	}
	pend = &im->pend[im->npend++];
	buf_int(&im->eps, (int64_t)im->npend, 0);
	buf_key(&im->eps, site, subject, number);
	buf_field(&im->eps, tzname, 0); /* the batch's zone wins */
	for (a = 0; a < ECPR_AT_COUNT; a++)
		buf_field(&im->eps, ecpr_episode_attr(ep, (ecpr_attr_id)a),
		    a == ECPR_AT_COUNT - 1);
	pend->key = im->keys.n;
	buf_field(&im->keys, site, 0);
	pend->sitelen = im->keys.n - pend->key;
	buf_field(&im->keys, subject, 0);
	buf_int(&im->keys, number, 0);
	pend->keylen = im->keys.n - pend->key;
	memset(occ, 0, sizeof(occ));
	n = ecpr_episode_event_count(ep);
	for (i = 0; i < n; i++) {
		const ecpr_event *ev = ecpr_episode_event(ep, i);
		ecpr__buf *b = &im->rows[ROWS_EV];

		if ((int)ev->type < 0 || ev->type >= ECPR_EV_COUNT)
			continue;
		buf_field(b, ecpr_event_name(ev->type), 0);
		buf_int(b, ++occ[ev->type], 0);
		buf_int(b, (int64_t)i + 1, 0);
		buf_time(b, &ev->time);
		buf_field(b, ev->text ? ev->text : "", 0);
		buf_field(b, ev->note, 1);
		im->events++;
	}
	n = ecpr_episode_observation_count(ep);
	for (i = 0; i < n; i++) {
		const ecpr_observation *ob = ecpr_episode_observation(ep, i);
		const char *name = ecpr_obs_name(ob->type);
		ecpr__buf *b = &im->rows[ROWS_OB];
		char cmp[4], num[64];

		if (name == NULL)
			continue;
		value_split(&ob->value, cmp, num, sizeof(num));
		buf_field(b, name, 0);
		buf_field(b, ob->time_text ? ob->time_text : "", 0);
		buf_time(b, &ob->time);
		buf_field(b, cmp, 0);
		buf_field(b, num, 0);
		buf_field(b, ob->unit, 1);
	}
	n = ecpr_episode_complication_count(ep);
	for (i = 0; i < n; i++) {
		const ecpr_complication *cp = ecpr_episode_complication(ep, i);
		const char *name = ecpr_complication_name(cp->code);
		const char *by = ecpr_attribution_name(cp->by);
		ecpr__buf *b = &im->rows[ROWS_CP];

		if (name == NULL || by == NULL)
			continue;
		buf_field(b, name, 0);
		buf_field(b, by, 0);
		if (cp->time.prec == ECPR_PREC_NONE) {
			buf_field(b, "", 0);
			buf_time(b, NULL);
		} else {
			buf_field(b, cp->time_text ? cp->time_text : "", 0);
			buf_time(b, &cp->time);
		}
		buf_field(b, cp->note, 1);
	}
	for (a = 0; a < ROWS_N; a++)
		pend->end[a] = im->rows[a].n;
	im->episodes++;
	if (im->eps.n + im->rows[ROWS_EV].n + im->rows[ROWS_OB].n +
	    im->rows[ROWS_CP].n >= ECPR__COPY_CHUNK || im->eps.oom ||
	    im->keys.oom || im->rows[ROWS_EV].oom || im->rows[ROWS_OB].oom ||
	    im->rows[ROWS_CP].oom)
		return import_flush(im, err);
	return 0;
}

int
ecpr_db_import_add(ecpr_db_import *im, const ecpr_episode *ep,
    ecpr_error *err)
{
	if (im == NULL || im->done)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no import in progress");
	return rows_refused(stage_episode(im, ep, NULL, err), err);
}

/* ------------------------------------------------------------------ */
/* Changes to one episode (ODM transactions)                            */
/* ------------------------------------------------------------------ */

/* A value of the episode being changed (strings borrowed). */
struct chg_val {
	const char *value;
	const char *note;
	const ecpr_tz *tz;
	const char *file;
	unsigned long line;
	int type;       /* event type, or -1 for an attribute */
	unsigned occ;   /* occurrence of the event type */
};

/*
 * An observation or a complication of the episode being changed (strings
 * borrowed); kind -1 once removed.
 */
struct chg_item {
	int kind;          /* ecpr_db_item_kind */
	int type;          /* ecpr_obs_type or complication code */
	int by;            /* ecpr_attribution (complications) */
	const char *time;  /* as written; "" unknown (complications) */
	const char *value; /* observations: value and unit as written */
	const char *unit;
	const char *note;  /* complications */
	const ecpr_tz *tz;
	const char *file;
	unsigned long line;
};

/* The episode as this import has it so far. */
struct chg {
	PGresult *row, *evs, *items;
	int found;            /* 0: none, 1: staged here, 2: stored */
	ecpr_tz *tz;          /* zone of the staged or stored times */
	struct chg_val attr[ECPR_AT_COUNT];
	struct chg_val *ev;
	size_t nev;
	struct chg_item *it;
	size_t nit;
};

static const char chg_episode_sql[] =
    "SELECT 1, tz, age_years, sex, bmi, primary_disease, ca_location, "
    "first_cpr_provider, initial_rhythm, apache2, cannulation_method, "
    "mcc_device, ecmo_device, cpc_discharge, pupillary_light_reflex, "
    "cerebral_haemorrhage, witnessed, bystander_cpr FROM stg_episode "
    "WHERE site = $1 AND subject = $2 AND episode = $3::integer "
    "UNION ALL SELECT 2, tz, age_years::text, sex, bmi::text, "
    "primary_disease, ca_location, first_cpr_provider, initial_rhythm, "
    "apache2::text, cannulation_method, mcc_device, ecmo_device, "
    "cpc_discharge::text, pupillary_light_reflex, cerebral_haemorrhage, "
    "witnessed, bystander_cpr FROM episode "
    "WHERE site = $1 AND subject = $2 AND episode = $3::integer "
    "ORDER BY 1 LIMIT 1";

/* The contract text of the value in the observation row r (">35000",
 * "15.0"): the comparator unless '=', then the exact numeric. */
#define OBS_TEXT(r) "CASE " r ".comparator WHEN '=' THEN '' ELSE " \
	r ".comparator END || " r ".value::text"

/* The observations (kind 0) and complications (kind 1) of the episode,
 * staged ([0]) or stored ([1]): kind, name, time as written, value as
 * written, unit, attribution, note. */
static const char *const chg_items_sql[2] = {
	"SELECT 0, o.observation, o.source, " OBS_TEXT("o") ", o.unit, "
	"NULL, NULL FROM stg_obs o "
	"WHERE site = $1 AND subject = $2 AND episode = $3::integer "
	"UNION ALL SELECT 1, complication, source, NULL, NULL, attribution, "
	"note FROM stg_cpl WHERE site = $1 AND subject = $2 "
	"AND episode = $3::integer",
	"SELECT 0, o.observation, o.source, " OBS_TEXT("o") ", o.unit, "
	"NULL, NULL FROM observation o JOIN episode e "
	"USING (episode_id, site) WHERE e.site = $1 AND e.subject = $2 "
	"AND e.episode = $3::integer "
	"UNION ALL SELECT 1, c.complication, c.source, NULL, NULL, "
	"c.attribution, c.note FROM complication c JOIN episode e "
	"USING (episode_id, site) WHERE e.site = $1 AND e.subject = $2 "
	"AND e.episode = $3::integer"
};

/* A text column of a result, NULL when NULL. */
static const char *
pq_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* Load the observations and complications of the episode into c->it,
 * with room for `more` to be added. */
static int
chg_load_items(ecpr_db_import *im, struct chg *c, const char *const *key,
    const ecpr_tz *tz, size_t more, ecpr_error *err)
{
	int i, n = 0, rc;

	if (c->found != 0) {
		if ((rc = exec_params(im->db, chg_items_sql[c->found - 1], 3,
		    key, "cannot read the episode", &c->items, err)) != 0)
			return rc;
		n = PQntuples(c->items);
	}
	if ((c->it = calloc((size_t)n + more + 1, sizeof(*c->it))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	for (i = 0; i < n; i++) {
		struct chg_item *v = &c->it[c->nit];
		const char *name = PQgetvalue(c->items, i, 1);

		v->kind = atoi(PQgetvalue(c->items, i, 0));
		if (v->kind == ECPR_DB_OBSERVATION) {
			v->type = ecpr_obs_lookup(name);
		} else {
			v->type = ecpr_complication_lookup(name);
			v->by = ecpr_attribution_lookup(PQgetvalue(c->items,
			    i, 5));
		}
		if (v->type < 0 || v->by < 0)
			return ecpr__error_set(err, ECPR_EDB, NULL, 0,
			    "unknown %s \"%s\" in the registry",
			    v->kind == ECPR_DB_OBSERVATION ? "observation" :
			    "complication", name);
		v->time = PQgetvalue(c->items, i, 2);
		v->value = pq_text(c->items, i, 3);
		v->unit = pq_text(c->items, i, 4);
		v->note = pq_text(c->items, i, 6);
		v->tz = c->tz != NULL ? c->tz : tz;
		c->nit++;
	}
	return 0;
}

/* Load what the import or the registry holds for the episode, with room
 * for more_ev events and more_it items to be added. */
static int
chg_load(ecpr_db_import *im, struct chg *c, const char *const *key,
    const ecpr_tz *tz, size_t more_ev, size_t more_it, ecpr_error *err)
{
	const char *sql;
	int a, i, n, rc;

	if ((rc = exec_params(im->db, chg_episode_sql, 3, key,
	    "cannot read the episode", &c->row, err)) != 0)
		return rc;
	if (PQntuples(c->row) == 0) {
		if ((c->ev = calloc(more_ev + 1, sizeof(*c->ev))) == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		return chg_load_items(im, c, key, tz, more_it, err);
	}
	c->found = atoi(PQgetvalue(c->row, 0, 0));
	if (!PQgetisnull(c->row, 0, 1) && (rc = ecpr_tz_load(&c->tz,
	    PQgetvalue(c->row, 0, 1), err)) != 0)
		return rc;
	for (a = 0; a < ECPR_AT_COUNT; a++)
		if (!PQgetisnull(c->row, 0, 2 + a))
			c->attr[a].value = PQgetvalue(c->row, 0, 2 + a);
	sql = c->found == 1 ? "SELECT type, occurrence, source, note "
	    "FROM stg_event WHERE site = $1 AND subject = $2 "
	    "AND episode = $3::integer ORDER BY ord" :
	    "SELECT v.type, v.occurrence, v.source, v.note FROM event v "
	    "JOIN episode e USING (episode_id, site) WHERE e.site = $1 "
	    "AND e.subject = $2 AND e.episode = $3::integer ORDER BY v.ord";
	if ((rc = exec_params(im->db, sql, 3, key, "cannot read the episode",
	    &c->evs, err)) != 0)
		return rc;
	n = PQntuples(c->evs);
	if ((c->ev = calloc((size_t)n + more_ev + 1, sizeof(*c->ev))) ==
	    NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	for (i = 0; i < n; i++) {
		struct chg_val *v = &c->ev[c->nev];

		if ((v->type = ecpr_event_lookup(PQgetvalue(c->evs, i, 0))) <
		    0)
			continue;
		v->occ = (unsigned)strtoul(PQgetvalue(c->evs, i, 1), NULL,
		    10);
		v->value = PQgetvalue(c->evs, i, 2);
		v->note = pq_text(c->evs, i, 3);
		v->tz = c->tz != NULL ? c->tz : tz;
		c->nev++;
	}
	return chg_load_items(im, c, key, tz, more_it, err);
}

/*
 * Drop the rows staged earlier in this import for the episode c holds
 * (found 1), before its changed version is staged; on any error before
 * that they stay as they were.
 */
static int
chg_unstage(ecpr_db_import *im, const struct chg *c, const char *const *key,
    ecpr_error *err)
{
	static const char *const unstage[] = {
		"DELETE FROM stg_episode WHERE site = $1 AND subject = $2 "
		"AND episode = $3::integer",
		"DELETE FROM stg_event WHERE site = $1 AND subject = $2 "
		"AND episode = $3::integer",
		"DELETE FROM stg_obs WHERE site = $1 AND subject = $2 "
		"AND episode = $3::integer",
		"DELETE FROM stg_cpl WHERE site = $1 AND subject = $2 "
		"AND episode = $3::integer",
		"DELETE FROM pg_temp.stg_id WHERE site = $1 AND subject = $2 "
		"AND episode = $3::integer",
		"DELETE FROM pg_temp.stg_key WHERE site = $1 AND subject = $2 "
		"AND episode = $3::integer",
	};
	size_t k;
	int rc = 0;

	if (c->found != 1)
		return 0;
	for (k = 0; rc == 0 && k < sizeof(unstage) / sizeof(unstage[0]); k++)
		rc = exec_params(im->db, unstage[k], 3, key,
		    "cannot stage the change", NULL, err);
	if (rc == 0) {
		im->episodes--;
		im->events -= (size_t)PQntuples(c->evs);
	}
	return rc;
}

/*
 * An episode this import inserted already (new, its rows maybe copied
 * into their tables) goes back to the staging tables before it is
 * changed, as if it had been staged there: chg_load finds it staged
 * (found 1) and the change replaces it.  Its rows (episode first: the
 * others are deleted with it) come from the tables, or are staged still
 * (a role under row-level security).
 */
static int
chg_restage(ecpr_db_import *im, const char *const *key, ecpr_error *err)
{
#define RESTAGE_FROM "FROM pg_temp.stg_key k JOIN public.episode e " \
	"ON e.site = k.site AND e.subject = k.subject " \
	"AND e.episode = k.episode "
#define RESTAGE_WHERE "WHERE k.old_id IS NULL AND k.site = $1 " \
	"AND k.subject = $2 AND k.episode = $3::integer"
	static const char *const restage[] = {
		"INSERT INTO pg_temp.stg_event SELECT e.site, e.subject, "
		"e.episode, v.type, v.occurrence, v.ord, v.t_utc, v.t_end, "
		"v.precision, v.utc_offset, v.source, v.note " RESTAGE_FROM
		"JOIN public.event v ON v.episode_id = e.episode_id "
		"AND v.site = e.site " RESTAGE_WHERE,
		"INSERT INTO pg_temp.stg_obs SELECT e.site, e.subject, "
		"e.episode, v.observation, v.source, v.t_utc, v.t_end, "
		"v.precision, v.utc_offset, v.comparator, v.value::text, "
		"v.unit " RESTAGE_FROM "JOIN public.observation v "
		"ON v.episode_id = e.episode_id AND v.site = e.site "
		RESTAGE_WHERE,
		"INSERT INTO pg_temp.stg_cpl SELECT e.site, e.subject, "
		"e.episode, v.complication, v.attribution, v.source, v.t_utc, "
		"v.t_end, v.precision, v.utc_offset, v.note " RESTAGE_FROM
		"JOIN public.complication v ON v.episode_id = e.episode_id "
		"AND v.site = e.site " RESTAGE_WHERE,
		"DELETE FROM public.episode e USING pg_temp.stg_key k "
		"WHERE e.site = k.site AND e.subject = k.subject "
		"AND e.episode = k.episode AND k.old_id IS NULL "
		"AND k.site = $1 AND k.subject = $2 AND k.episode = $3::integer",
		"DELETE FROM pg_temp.stg_id WHERE site = $1 AND subject = $2 "
		"AND episode = $3::integer",
		"DELETE FROM pg_temp.stg_key WHERE site = $1 AND subject = $2 "
		"AND episode = $3::integer",
	};
	PGresult *res;
	size_t k;
	int rc;

	rc = exec_params(im->db, "INSERT INTO pg_temp.stg_episode "
	    "SELECT e.site, e.subject, e.episode, e.tz, e.age_years::text, "
	    "e.sex, e.bmi::text, e.primary_disease, e.ca_location, "
	    "e.first_cpr_provider, e.initial_rhythm, e.apache2::text, "
	    "e.cannulation_method, e.mcc_device, e.ecmo_device, "
	    "e.cpc_discharge::text, e.pupillary_light_reflex, "
	    "e.cerebral_haemorrhage, e.witnessed, e.bystander_cpr "
	    RESTAGE_FROM RESTAGE_WHERE, 3, key, "cannot stage the change", &res,
	    err);
	if (rc != 0)
		return rc;
	k = strcmp(PQcmdTuples(res), "0") == 0;
	PQclear(res);
	if (k)
		return 0; /* stored before, or staged: as it is */
	for (k = 0; rc == 0 && k < sizeof(restage) / sizeof(restage[0]); k++)
		rc = exec_params(im->db, restage[k], 3, key,
		    "cannot stage the change", NULL, err);
	return rc;
#undef RESTAGE_FROM
#undef RESTAGE_WHERE
}

/* ECPR_ERULE for an Update of an episode that is not there. */
static int
chg_need_episode(const struct chg *c, ecpr_db_op op, const char *file,
    unsigned long line, const char *const *key, ecpr_error *err)
{
	if (op != ECPR_DB_UPDATE || c->found != 0)
		return 0;
	return ecpr__error_set(err, ECPR_ERULE, file, line,
	    "subject \"%s\", episode %s: Update of an episode that is "
	    "not in the registry (Insert or Upsert adds one)", key[1],
	    key[2]);
}

/* Apply one change to c; ECPR_ERULE when it does not fit the episode. */
static int
chg_apply(struct chg *c, const ecpr_db_change *ch, const char *const *key,
    const ecpr_tz *tz, char *norm, size_t normlen, ecpr_error *err)
{
	struct chg_val *v = NULL;
	const char *now, *name;
	size_t i;
	int rc;

	if ((rc = chg_need_episode(c, ch->op, ch->file, ch->line, key,
	    err)) != 0)
		return rc;
	if (ch->attr >= 0) {
		name = ecpr_attr_name((ecpr_attr_id)ch->attr);
		v = &c->attr[ch->attr];
		if (ch->op != ECPR_DB_REMOVE) {
			rc = ecpr_attr_normalize((ecpr_attr_id)ch->attr,
			    ch->value, norm, normlen, err);
			if (rc != ECPR_OK) {
				ecpr__error_locate(err, ch->file, ch->line);
				return rc;
			}
		}
	} else {
		name = ecpr_event_name(ch->type);
		for (i = 0; i < c->nev; i++)
			if (c->ev[i].type == (int)ch->type &&
			    c->ev[i].occ == ch->occurrence) {
				v = &c->ev[i];
				break;
			}
		if (ch->op != ECPR_DB_REMOVE)
			snprintf(norm, normlen, "%s", ch->value);
		if (v == NULL) {
			if (ch->op == ECPR_DB_REMOVE)
				return 0;
			v = &c->ev[c->nev++];
			memset(v, 0, sizeof(*v));
			v->type = (int)ch->type;
			v->occ = ch->occurrence;
		}
	}
	now = v->value;
	if (ch->op == ECPR_DB_REMOVE) {
		memset(v, 0, sizeof(*v));
		v->type = -1;
		return 0;
	}
	if (ch->op == ECPR_DB_INSERT && now != NULL && strcmp(now, norm) != 0)
		return ecpr__error_set(err, ECPR_ERULE, ch->file, ch->line,
		    "field \"%s\": Insert of \"%s\", but subject \"%s\", "
		    "episode %s holds \"%s\" (Update changes a value)", name,
		    norm, key[1], key[2], now);
	v->value = ch->value;
	v->note = NULL;
	v->tz = tz;
	v->file = ch->file;
	v->line = ch->line;
	return 0;
}

/*
 * The value and unit of an observation as compared: the value's contract
 * text and the unit's UCUM code ("> 15.0 mmol/l" is ">15.0 mmol/L"), or
 * the text as written when it does not read.
 */
static void
obs_text(int type, const char *value, const char *unit, char *buf,
    size_t len)
{
	ecpr_value v;
	const char *code = ecpr_obs_unit_lookup((ecpr_obs_type)type, unit);
	char num[64];

	if (ecpr_value_parse(&v, value, NULL) != ECPR_OK ||
	    ecpr_value_format(&v, 0, num, sizeof(num)) >= sizeof(num))
		snprintf(num, sizeof(num), "%s", value);
	snprintf(buf, len, "%s %s", num, code != NULL ? code : unit);
}

/* Apply one item change to c; ECPR_ERULE when it does not fit. */
static int
chg_apply_item(struct chg *c, const ecpr_db_item_change *ch,
    const char *const *key, const ecpr_tz *tz, ecpr_error *err)
{
	struct chg_item *v = NULL;
	const char *time = ch->time != NULL ? ch->time : "";
	size_t i;
	int rc;

	if ((rc = chg_need_episode(c, ch->op, ch->file, ch->line, key,
	    err)) != 0)
		return rc;
	for (i = 0; i < c->nit && v == NULL; i++)
		if (c->it[i].kind == (int)ch->kind &&
		    c->it[i].type == ch->type && c->it[i].by == ch->by &&
		    strcmp(c->it[i].time, time) == 0)
			v = &c->it[i];
	if (v == NULL) {
		if (ch->op == ECPR_DB_REMOVE)
			return 0;
		v = &c->it[c->nit++];
		memset(v, 0, sizeof(*v));
		v->kind = (int)ch->kind;
		v->type = ch->type;
		v->by = ch->by;
		v->time = time;
	} else if (ch->op == ECPR_DB_REMOVE) {
		v->kind = -1;
		return 0;
	} else if (ch->op == ECPR_DB_INSERT) {
		char was[160], now[160];

		if (ch->kind == ECPR_DB_OBSERVATION) {
			obs_text(v->type, v->value, v->unit, was,
			    sizeof(was));
			obs_text(ch->type, ch->value, ch->unit, now,
			    sizeof(now));
			if (strcmp(was, now) != 0)
				return ecpr__error_set(err, ECPR_ERULE,
				    ch->file, ch->line, "observation \"%s\" "
				    "at \"%s\": Insert of \"%s\", but subject "
				    "\"%s\", episode %s holds \"%s\" (Update "
				    "changes a value)",
				    ecpr_obs_name((ecpr_obs_type)ch->type),
				    time, now, key[1], key[2], was);
		} else if ((v->note == NULL) != (ch->note == NULL) ||
		    (v->note != NULL && strcmp(v->note, ch->note) != 0)) {
			return ecpr__error_set(err, ECPR_ERULE, ch->file,
			    ch->line, "complication \"%s\" (%s) at \"%s\": "
			    "Insert of note \"%s\", but subject \"%s\", "
			    "episode %s holds note \"%s\" (Update changes a "
			    "value)", ecpr_complication_name(ch->type),
			    ecpr_attribution_name((ecpr_attribution)ch->by),
			    time, ch->note ? ch->note : "", key[1], key[2],
			    v->note ? v->note : "");
		}
	}
	v->value = ch->value;
	v->unit = ch->unit;
	v->note = ch->note;
	v->tz = tz;
	v->file = ch->file;
	v->line = ch->line;
	return 0;
}

/* Free what chg_load and chg_stage hold. */
static void
chg_release(struct chg *c)
{
	ecpr_tz_free(c->tz);
	PQclear(c->row);
	PQclear(c->evs);
	PQclear(c->items);
	free(c->ev);
	free(c->it);
}

/*
 * Build the episode from c (attributes, events, observations and
 * complications as changed), check it as ecpr_episode_finish() does and
 * stage it in place of the one loaded.
 */
static int
chg_stage(ecpr_db_import *im, struct chg *c, const char *const *key,
    long episode, ecpr_error *err)
{
	ecpr_episode *ep = NULL;
	char *tzname = NULL;
	size_t i;
	int rc, any = 0;

	if ((rc = ecpr_episode_new(&ep, key[0], key[1], episode, err)) != 0)
		goto out;
	for (i = 0; i < ECPR_AT_COUNT; i++) {
		if (c->attr[i].value == NULL)
			continue;
		any = 1;
		if ((rc = ecpr_episode_set_attr(ep, (ecpr_attr_id)i,
		    c->attr[i].value, c->attr[i].file, c->attr[i].line,
		    err)) != 0)
			goto out;
	}
	for (i = 0; i < c->nev; i++) {
		if (c->ev[i].type < 0 || c->ev[i].value == NULL)
			continue;
		any = 1;
		if ((rc = ecpr_episode_add_event(ep,
		    (ecpr_event_type)c->ev[i].type, c->ev[i].value,
		    c->ev[i].note, c->ev[i].tz, c->ev[i].file, c->ev[i].line,
		    err)) != 0)
			goto out;
	}
	for (i = 0; i < c->nit; i++) {
		const struct chg_item *v = &c->it[i];

		if (v->kind == ECPR_DB_OBSERVATION)
			rc = ecpr_episode_add_observation(ep,
			    (ecpr_obs_type)v->type, v->time, v->value, v->unit,
			    v->tz, v->file, v->line, err);
		else if (v->kind == ECPR_DB_COMPLICATION)
			rc = ecpr_episode_add_complication(ep, v->type,
			    (ecpr_attribution)v->by, v->time, v->note, v->tz,
			    v->file, v->line, err);
		else
			continue;
		any = 1;
		if (rc != 0)
			goto out;
	}
	if ((rc = ecpr_episode_finish(ep, NULL, NULL, err)) != 0)
		goto out;
	if (c->found == 0 && !any)
		goto out; /* removes from an episode that is not there */
	if (c->found != 0 && !PQgetisnull(c->row, 0, 1) &&
	    (tzname = strdup(PQgetvalue(c->row, 0, 1))) == NULL) {
		rc = ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
		goto out;
	}
	/* staged earlier in this import: staged again, changed */
	if ((rc = chg_unstage(im, c, key, err)) == 0)
		rc = stage_episode(im, ep, tzname, err);
out:
	ecpr_episode_free(ep);
	free(tzname);
	return rc;
}

/*
 * Apply n changes (ch) or n item changes (items) in order to the episode
 * (site, subject, episode) as this import has it so far and stage the
 * result in its place: the role may change the site, staged rows are
 * flushed first.
 */
static int
chg_run(ecpr_db_import *im, const char *site, const char *subject,
    long episode, const ecpr_db_change *ch, const ecpr_db_item_change *items,
    size_t n, const ecpr_tz *tz, ecpr_error *err)
{
	struct chg c;
	char num[32], norm[1024];
	const char *key[3], *file = NULL;
	unsigned long line = 0;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	snprintf(num, sizeof(num), "%ld", episode);
	key[0] = site;
	key[1] = subject;
	key[2] = num;
	if (n > 0) {
		file = ch != NULL ? ch[0].file : items[0].file;
		line = ch != NULL ? ch[0].line : items[0].line;
	}
	/* room for every change to add an event or an item */
	if ((rc = import_site_allowed(im, site, subject, episode, file, line,
	    err)) != 0 || (rc = import_flush(im, err)) != 0 ||
	    (rc = chg_restage(im, key, err)) != 0 ||
	    (rc = chg_load(im, &c, key, tz, ch != NULL ? n : 0,
	    items != NULL ? n : 0, err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		rc = ch != NULL ? chg_apply(&c, &ch[i], key, tz, norm,
		    sizeof(norm), err) : chg_apply_item(&c, &items[i], key, tz,
		    err);
		if (rc != 0)
			goto out;
	}
	rc = chg_stage(im, &c, key, episode, err);
out:
	chg_release(&c);
	return rc;
}

int
ecpr_db_import_change(ecpr_db_import *im, const char *site,
    const char *subject, long episode, const ecpr_db_change *ch, size_t n,
    const ecpr_tz *tz, ecpr_error *err)
{
	size_t i;
	int rc;

	if (im == NULL || im->done)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no import in progress");
	for (i = 0; i < n; i++)
		if (ch[i].attr >= ECPR_AT_COUNT || (ch[i].attr < 0 &&
		    ((int)ch[i].type < 0 || ch[i].type >= ECPR_EV_COUNT ||
		    ch[i].occurrence < 1)) || (ch[i].op != ECPR_DB_REMOVE &&
		    ch[i].value == NULL))
			return ecpr__error_set(err, ECPR_EINVAL, ch[i].file,
			    ch[i].line, "ecpr_db_import_change: invalid "
			    "change");
	rc = chg_run(im, site, subject, episode, ch, NULL, n, tz, err);
	return rows_refused(rc, err);
}

/* Whether ch is an item change this library can apply. */
static int
item_change_valid(const ecpr_db_item_change *ch)
{
	if ((int)ch->op < ECPR_DB_INSERT || ch->op > ECPR_DB_REMOVE ||
	    ch->type < 0)
		return 0;
	if (ch->kind == ECPR_DB_OBSERVATION)
		return (size_t)ch->type < ecpr_obs_count() && ch->by == 0 &&
		    ch->time != NULL && ch->time[0] != '\0' &&
		    (ch->op == ECPR_DB_REMOVE || (ch->value != NULL &&
		    ch->unit != NULL));
	if (ch->kind == ECPR_DB_COMPLICATION)
		return (size_t)ch->type < ecpr_complication_count() &&
		    ch->by >= 0 && ch->by < ECPR_BY_COUNT;
	return 0;
}

int
ecpr_db_import_item_change(ecpr_db_import *im, const char *site,
    const char *subject, long episode, const ecpr_db_item_change *ch,
    size_t n, const ecpr_tz *tz, ecpr_error *err)
{
	size_t i;
	int rc;

	if (im == NULL || im->done)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no import in progress");
	for (i = 0; i < n; i++)
		if (!item_change_valid(&ch[i]))
			return ecpr__error_set(err, ECPR_EINVAL, ch[i].file,
			    ch[i].line, "ecpr_db_import_item_change: invalid "
			    "change");
	rc = chg_run(im, site, subject, episode, NULL, ch, n, tz, err);
	return rows_refused(rc, err);
}

/*
 * The set-based merge, run in order with $1 = the batch id.  The staged
 * episodes replace their stored versions: new episodes, events,
 * observations and complications are inserted; for stored ones each
 * changed value is updated and written to audit_log (old, new, batch,
 * role); rows no longer given are deleted and rows new to a stored
 * episode inserted (audited as column "*").
 */
static const struct merge_step {
	const char *sql;
	int stored; /* only when stored episodes are staged */
} merge_sql[] = {
	{ "SELECT ecpr_import_analyze('stg_episode', 'stg_event', 'stg_obs', "
	"'stg_cpl', 'stg_key', 'stg_id')", 1 },
	/* changed attributes of stored episodes: audit, then update */
	{ "INSERT INTO audit_log (site, table_name, row_key, column_name, "
	"old_value, new_value, batch_id) "
	"SELECT e.site, 'episode', e.site || '/' || e.subject || '/' || "
	"e.episode, v.col, v.old, v.new, $1::bigint "
	"FROM stg_episode s JOIN episode e USING (site, subject, episode) "
	"CROSS JOIN LATERAL (VALUES ('tz', e.tz, s.tz), "
	"('age_years', e.age_years::text, s.age_years), "
	"('sex', e.sex, s.sex), ('bmi', e.bmi::text, s.bmi), "
	"('primary_disease', e.primary_disease, s.primary_disease), "
	"('ca_location', e.ca_location, s.ca_location), "
	"('first_cpr_provider', e.first_cpr_provider, s.first_cpr_provider), "
	"('initial_rhythm', e.initial_rhythm, s.initial_rhythm), "
	"('apache2', e.apache2::text, s.apache2), "
	"('cannulation_method', e.cannulation_method, s.cannulation_method), "
	"('mcc_device', e.mcc_device, s.mcc_device), "
	"('ecmo_device', e.ecmo_device, s.ecmo_device), "
	"('cpc_discharge', e.cpc_discharge::text, s.cpc_discharge), "
	"('pupillary_light_reflex', e.pupillary_light_reflex, "
	"s.pupillary_light_reflex), "
	"('cerebral_haemorrhage', e.cerebral_haemorrhage, "
	"s.cerebral_haemorrhage), "
	"('witnessed', e.witnessed, s.witnessed), "
	"('bystander_cpr', e.bystander_cpr, s.bystander_cpr)) "
	"AS v(col, old, new) WHERE v.old IS DISTINCT FROM v.new", 1 },
	{ "WITH u AS (UPDATE episode e SET tz = s.tz, "
	"age_years = s.age_years::integer, sex = s.sex, "
	"bmi = s.bmi::numeric, primary_disease = s.primary_disease, "
	"ca_location = s.ca_location, "
	"first_cpr_provider = s.first_cpr_provider, "
	"initial_rhythm = s.initial_rhythm, apache2 = s.apache2::integer, "
	"cannulation_method = s.cannulation_method, "
	"mcc_device = s.mcc_device, ecmo_device = s.ecmo_device, "
	"cpc_discharge = s.cpc_discharge::integer, "
	"pupillary_light_reflex = s.pupillary_light_reflex, "
	"cerebral_haemorrhage = s.cerebral_haemorrhage, "
	"witnessed = s.witnessed, bystander_cpr = s.bystander_cpr, "
	"batch_id = $1::bigint "
	"FROM stg_episode s WHERE e.site = s.site AND e.subject = s.subject "
	"AND e.episode = s.episode AND (e.tz, e.age_years::text, e.sex, "
	"e.bmi::text, e.primary_disease, e.ca_location, "
	"e.first_cpr_provider, e.initial_rhythm, e.apache2::text, "
	"e.cannulation_method, e.mcc_device, e.ecmo_device, "
	"e.cpc_discharge::text, e.pupillary_light_reflex, "
	"e.cerebral_haemorrhage, e.witnessed, e.bystander_cpr) "
	"IS DISTINCT FROM (s.tz, s.age_years, s.sex, "
	"s.bmi, s.primary_disease, s.ca_location, s.first_cpr_provider, "
	"s.initial_rhythm, s.apache2, s.cannulation_method, s.mcc_device, "
	"s.ecmo_device, s.cpc_discharge, s.pupillary_light_reflex, "
	"s.cerebral_haemorrhage, s.witnessed, s.bystander_cpr) "
	"RETURNING e.episode_id) "
	"INSERT INTO stg_changed SELECT episode_id FROM u", 1 },
	/* staged events with their episode ids */
	{ "INSERT INTO stg_ev SELECT k.episode_id, s.site, s.type, "
	"s.occurrence, s.ord, s.t_utc, s.t_end, "
	"s.prec, s.utc_offset, s.source, s.note, k.is_new, "
	"s.subject, s.episode "
	"FROM stg_event s JOIN stg_id k USING (site, subject, episode)", 0 },
	{ "SELECT ecpr_import_analyze('stg_ev')", 1 },
	{ "INSERT INTO event (episode_id, site, type, occurrence, ord, t_utc, "
	"t_end, precision, utc_offset, source, note, batch_id) "
	"SELECT episode_id, site, type, occurrence, ord, t_utc, t_end, prec, "
	"utc_offset, source, note, $1::bigint FROM stg_ev WHERE is_new", 0 },
	/* stored episodes: changed events */
	{ "INSERT INTO audit_log (site, table_name, row_key, column_name, "
	"old_value, new_value, batch_id) "
	"SELECT n.site, 'event', n.site || '/' || n.subject || '/' || "
	"n.episode || '/' || n.type || '#' || n.occurrence, v.col, v.old, "
	"v.new, $1::bigint "
	"FROM stg_ev n JOIN event o ON o.episode_id = n.episode_id "
	"AND o.type = n.type AND o.occurrence = n.occurrence "
	"CROSS JOIN LATERAL (VALUES ('t_utc', o.t_utc::text, n.t_utc::text), "
	"('t_end', o.t_end::text, n.t_end::text), "
	"('precision', o.precision, n.prec), "
	"('utc_offset', o.utc_offset::text, n.utc_offset::text), "
	"('source', o.source, n.source), ('note', o.note, n.note)) "
	"AS v(col, old, new) WHERE NOT n.is_new "
	"AND v.old IS DISTINCT FROM v.new", 1 },
	{ "WITH u AS (UPDATE event o SET ord = n.ord, t_utc = n.t_utc, "
	"t_end = n.t_end, precision = n.prec, utc_offset = n.utc_offset, "
	"source = n.source, note = n.note, batch_id = $1::bigint "
	"FROM stg_ev n WHERE NOT n.is_new AND o.episode_id = n.episode_id "
	"AND o.type = n.type AND o.occurrence = n.occurrence "
	"AND (o.ord, o.t_utc, o.t_end, o.precision, o.utc_offset, o.source, "
	"o.note) IS DISTINCT FROM (n.ord, n.t_utc, n.t_end, n.prec, "
	"n.utc_offset, n.source, n.note) RETURNING o.episode_id) "
	"INSERT INTO stg_changed SELECT episode_id FROM u", 1 },
	/* events of stored episodes that are no longer given */
	{ "WITH d AS (DELETE FROM event o USING stg_key k "
	"WHERE o.episode_id = k.old_id AND NOT EXISTS (SELECT 1 FROM stg_ev n "
	"WHERE n.episode_id = o.episode_id AND n.type = o.type "
	"AND n.occurrence = o.occurrence) RETURNING o.*), "
	"a AS (INSERT INTO audit_log (site, table_name, row_key, "
	"column_name, old_value, new_value, batch_id) "
	"SELECT d.site, 'event', e.site || '/' || e.subject || '/' || "
	"e.episode || '/' || d.type || '#' || d.occurrence, '*', d.source, "
	"NULL, $1::bigint FROM d JOIN episode e USING (episode_id)) "
	"INSERT INTO stg_changed SELECT episode_id FROM d", 1 },
	/* events new to stored episodes */
	{ "WITH i AS (INSERT INTO event (episode_id, site, type, occurrence, "
	"ord, t_utc, t_end, precision, utc_offset, source, note, batch_id) "
	"SELECT n.episode_id, n.site, n.type, n.occurrence, n.ord, n.t_utc, "
	"n.t_end, n.prec, n.utc_offset, n.source, n.note, $1::bigint "
	"FROM stg_ev n WHERE NOT n.is_new AND NOT EXISTS (SELECT 1 FROM "
	"event o WHERE o.episode_id = n.episode_id AND o.type = n.type "
	"AND o.occurrence = n.occurrence) RETURNING episode_id, site, type, "
	"occurrence, source), "
	"a AS (INSERT INTO audit_log (site, table_name, row_key, "
	"column_name, old_value, new_value, batch_id) "
	"SELECT n.site, 'event', n.site || '/' || n.subject || '/' || "
	"n.episode || '/' || n.type || '#' || n.occurrence, '*', NULL, "
	"i.source, $1::bigint "
	"FROM i JOIN stg_ev n USING (episode_id, type, occurrence)) "
	"INSERT INTO stg_changed SELECT episode_id FROM i", 1 },
	/* staged observations and complications with their episode ids */
	{ "INSERT INTO stg_ob SELECT k.episode_id, s.site, s.observation, "
	"s.source, s.t_utc, s.t_end, s.prec, "
	"s.utc_offset, s.comparator, s.value::numeric, s.unit, k.is_new, "
	"s.subject, s.episode "
	"FROM stg_obs s JOIN stg_id k USING (site, subject, episode)", 0 },
	{ "INSERT INTO stg_cp SELECT k.episode_id, s.site, s.complication, "
	"s.attribution, s.source, s.t_utc, s.t_end, s.prec, s.utc_offset, "
	"s.note, k.is_new, "
	"s.subject, s.episode "
	"FROM stg_cpl s JOIN stg_id k USING (site, subject, episode)", 0 },
	{ "SELECT ecpr_import_analyze('stg_ob', 'stg_cp')", 1 },
	{ "INSERT INTO observation (episode_id, site, observation, source, "
	"t_utc, t_end, precision, utc_offset, comparator, value, unit, "
	"batch_id) SELECT episode_id, site, observation, source, t_utc, "
	"t_end, prec, utc_offset, comparator, value, unit, $1::bigint "
	"FROM stg_ob WHERE is_new", 0 },
	{ "INSERT INTO complication (episode_id, site, complication, "
	"attribution, source, t_utc, t_end, precision, utc_offset, note, "
	"batch_id) SELECT episode_id, site, complication, attribution, "
	"source, t_utc, t_end, prec, utc_offset, note, $1::bigint "
	"FROM stg_cp WHERE is_new", 0 },
	/* stored episodes: changed observations (the value compared and
	 * audited as its contract text: 15 and 15.0 differ) */
	{ "INSERT INTO audit_log (site, table_name, row_key, column_name, "
	"old_value, new_value, batch_id) "
	"SELECT n.site, 'observation', n.site || '/' || n.subject || '/' || "
	"n.episode || '/' || n.observation || '@' || n.source, v.col, v.old, "
	"v.new, $1::bigint "
	"FROM stg_ob n JOIN observation o ON o.episode_id = n.episode_id "
	"AND o.observation = n.observation AND o.source = n.source "
	"CROSS JOIN LATERAL (VALUES ('t_utc', o.t_utc::text, n.t_utc::text), "
	"('t_end', o.t_end::text, n.t_end::text), "
	"('precision', o.precision, n.prec), "
	"('utc_offset', o.utc_offset::text, n.utc_offset::text), "
	"('value', " OBS_TEXT("o") ", " OBS_TEXT("n") "), "
	"('unit', o.unit, n.unit)) AS v(col, old, new) WHERE NOT n.is_new "
	"AND v.old IS DISTINCT FROM v.new", 1 },
	{ "WITH u AS (UPDATE observation o SET t_utc = n.t_utc, "
	"t_end = n.t_end, precision = n.prec, utc_offset = n.utc_offset, "
	"comparator = n.comparator, value = n.value, unit = n.unit, "
	"batch_id = $1::bigint FROM stg_ob n WHERE NOT n.is_new "
	"AND o.episode_id = n.episode_id AND o.observation = n.observation "
	"AND o.source = n.source AND (o.t_utc, o.t_end, o.precision, "
	"o.utc_offset, o.comparator, o.value::text, o.unit) "
	"IS DISTINCT FROM (n.t_utc, n.t_end, n.prec, n.utc_offset, "
	"n.comparator, n.value::text, n.unit) RETURNING o.episode_id) "
	"INSERT INTO stg_changed SELECT episode_id FROM u", 1 },
	{ "WITH d AS (DELETE FROM observation o USING stg_key k "
	"WHERE o.episode_id = k.old_id AND NOT EXISTS (SELECT 1 FROM stg_ob n "
	"WHERE n.episode_id = o.episode_id AND n.observation = o.observation "
	"AND n.source = o.source) RETURNING o.*), "
	"a AS (INSERT INTO audit_log (site, table_name, row_key, "
	"column_name, old_value, new_value, batch_id) "
	"SELECT d.site, 'observation', e.site || '/' || e.subject || '/' || "
	"e.episode || '/' || d.observation || '@' || d.source, '*', "
	OBS_TEXT("d") ", NULL, $1::bigint FROM d JOIN episode e "
	"USING (episode_id)) "
	"INSERT INTO stg_changed SELECT episode_id FROM d", 1 },
	{ "WITH i AS (INSERT INTO observation (episode_id, site, observation, "
	"source, t_utc, t_end, precision, utc_offset, comparator, value, "
	"unit, batch_id) SELECT n.episode_id, n.site, n.observation, "
	"n.source, n.t_utc, n.t_end, n.prec, n.utc_offset, n.comparator, "
	"n.value, n.unit, $1::bigint FROM stg_ob n WHERE NOT n.is_new "
	"AND NOT EXISTS (SELECT 1 FROM observation o "
	"WHERE o.episode_id = n.episode_id AND o.observation = n.observation "
	"AND o.source = n.source) RETURNING episode_id, observation, source, "
	"comparator, value), "
	"a AS (INSERT INTO audit_log (site, table_name, row_key, "
	"column_name, old_value, new_value, batch_id) "
	"SELECT n.site, 'observation', n.site || '/' || n.subject || '/' || "
	"n.episode || '/' || n.observation || '@' || n.source, '*', NULL, "
	OBS_TEXT("i") ", $1::bigint "
	"FROM i JOIN stg_ob n USING (episode_id, observation, source)) "
	"INSERT INTO stg_changed SELECT episode_id FROM i", 1 },
	/* stored episodes: changed complications */
	{ "INSERT INTO audit_log (site, table_name, row_key, column_name, "
	"old_value, new_value, batch_id) "
	"SELECT n.site, 'complication', n.site || '/' || n.subject || '/' || "
	"n.episode || '/' || n.complication || ':' || n.attribution || '@' "
	"|| n.source, v.col, v.old, v.new, $1::bigint "
	"FROM stg_cp n JOIN complication o ON o.episode_id = n.episode_id "
	"AND o.complication = n.complication "
	"AND o.attribution = n.attribution AND o.source = n.source "
	"CROSS JOIN LATERAL (VALUES ('t_utc', o.t_utc::text, n.t_utc::text), "
	"('t_end', o.t_end::text, n.t_end::text), "
	"('precision', o.precision, n.prec), "
	"('utc_offset', o.utc_offset::text, n.utc_offset::text), "
	"('note', o.note, n.note)) AS v(col, old, new) WHERE NOT n.is_new "
	"AND v.old IS DISTINCT FROM v.new", 1 },
	{ "WITH u AS (UPDATE complication o SET t_utc = n.t_utc, "
	"t_end = n.t_end, precision = n.prec, utc_offset = n.utc_offset, "
	"note = n.note, batch_id = $1::bigint FROM stg_cp n "
	"WHERE NOT n.is_new AND o.episode_id = n.episode_id "
	"AND o.complication = n.complication "
	"AND o.attribution = n.attribution AND o.source = n.source "
	"AND (o.t_utc, o.t_end, o.precision, o.utc_offset, o.note) "
	"IS DISTINCT FROM (n.t_utc, n.t_end, n.prec, n.utc_offset, n.note) "
	"RETURNING o.episode_id) "
	"INSERT INTO stg_changed SELECT episode_id FROM u", 1 },
	{ "WITH d AS (DELETE FROM complication o USING stg_key k "
	"WHERE o.episode_id = k.old_id AND NOT EXISTS (SELECT 1 FROM stg_cp n "
	"WHERE n.episode_id = o.episode_id "
	"AND n.complication = o.complication "
	"AND n.attribution = o.attribution AND n.source = o.source) "
	"RETURNING o.*), "
	"a AS (INSERT INTO audit_log (site, table_name, row_key, "
	"column_name, old_value, new_value, batch_id) "
	"SELECT d.site, 'complication', e.site || '/' || e.subject || '/' || "
	"e.episode || '/' || d.complication || ':' || d.attribution || '@' "
	"|| d.source, '*', d.complication, NULL, $1::bigint FROM d "
	"JOIN episode e USING (episode_id)) "
	"INSERT INTO stg_changed SELECT episode_id FROM d", 1 },
	{ "WITH i AS (INSERT INTO complication (episode_id, site, "
	"complication, attribution, source, t_utc, t_end, precision, "
	"utc_offset, note, batch_id) SELECT n.episode_id, n.site, "
	"n.complication, n.attribution, n.source, n.t_utc, n.t_end, n.prec, "
	"n.utc_offset, n.note, $1::bigint FROM stg_cp n WHERE NOT n.is_new "
	"AND NOT EXISTS (SELECT 1 FROM complication o "
	"WHERE o.episode_id = n.episode_id AND o.complication = n.complication "
	"AND o.attribution = n.attribution AND o.source = n.source) "
	"RETURNING episode_id, complication, attribution, source), "
	"a AS (INSERT INTO audit_log (site, table_name, row_key, "
	"column_name, old_value, new_value, batch_id) "
	"SELECT n.site, 'complication', n.site || '/' || n.subject || '/' || "
	"n.episode || '/' || n.complication || ':' || n.attribution || '@' "
	"|| n.source, '*', NULL, i.complication, $1::bigint "
	"FROM i JOIN stg_cp n "
	"USING (episode_id, complication, attribution, source)) "
	"INSERT INTO stg_changed SELECT episode_id FROM i", 1 },
	{ "UPDATE episode SET batch_id = $1::bigint WHERE episode_id IN "
	"(SELECT episode_id FROM stg_changed)", 1 },
	{ NULL, 0 }
};

static int
import_commit(ecpr_db_import *im, int dry_run, ecpr_db_import_stats *stats,
    ecpr_error *err)
{
	const char *vals[1];
	PGresult *res;
	size_t i;
	int rc, stored;
	ecpr_db_import_stats st;

	memset(&st, 0, sizeof(st));
	if (im == NULL || im->done)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no import in progress");
	if ((rc = import_flush(im, err)) != 0)
		return rc;
	vals[0] = im->batch;
	/* a batch of new episodes only leaves nothing to compare */
	rc = exec_params(im->db, "SELECT EXISTS (SELECT 1 FROM pg_temp.stg_key "
	    "WHERE old_id IS NOT NULL)", 0, NULL, "cannot merge the import",
	    &res, err);
	if (rc != 0)
		return rc;
	stored = *PQgetvalue(res, 0, 0) == 't';
	PQclear(res);
	for (i = 0; rc == 0 && merge_sql[i].sql != NULL; i++) {
		if (merge_sql[i].stored && !stored)
			continue;
		if (strstr(merge_sql[i].sql, "$1") != NULL)
			rc = exec_params(im->db, merge_sql[i].sql, 1, vals,
			    "cannot merge the import", NULL, err);
		else
			rc = exec_cmd(im->db, merge_sql[i].sql,
			    "cannot merge the import", err);
	}
	if (rc != 0)
		return rc;
	rc = exec_params(im->db, "SELECT "
	    "(SELECT count(*) FROM stg_key WHERE old_id IS NULL), "
	    "(SELECT count(DISTINCT episode_id) FROM stg_changed), "
	    "(SELECT count(*) FROM stg_key), "
	    "(SELECT count(*) FROM audit_log WHERE batch_id = $1::bigint)",
	    1, vals, "cannot count the import", &res, err);
	if (rc != 0)
		return rc;
	st.inserted = strtoul(PQgetvalue(res, 0, 0), NULL, 10);
	st.updated = strtoul(PQgetvalue(res, 0, 1), NULL, 10);
	st.episodes = strtoul(PQgetvalue(res, 0, 2), NULL, 10);
	st.audit_rows = strtoul(PQgetvalue(res, 0, 3), NULL, 10);
	PQclear(res);
	st.unchanged = st.episodes - st.inserted - st.updated;
	st.events = im->events;
	if (!dry_run) {
		char n1[32], n2[32], n3[32];
		const char *v4[4] = { im->batch, n1, n2, n3 };

		snprintf(n1, sizeof(n1), "%zu", st.inserted);
		snprintf(n2, sizeof(n2), "%zu", st.updated);
		snprintf(n3, sizeof(n3), "%zu", st.unchanged);
		rc = exec_params(im->db, "UPDATE import_batch SET inserted = "
		    "$2::integer, updated = $3::integer, unchanged = "
		    "$4::integer WHERE batch_id = $1::bigint", 4, v4,
		    "cannot record the import batch", NULL, err);
		if (rc == 0)
			rc = exec_cmd(im->db, "COMMIT", "cannot commit", err);
	} else {
		rc = exec_cmd(im->db, "ROLLBACK", "cannot roll back", err);
	}
	if (rc != 0)
		return rc;
	im->done = 1;
	im->db->busy = 0;
	if (stats != NULL)
		*stats = st;
	return 0;
}

int
ecpr_db_import_commit(ecpr_db_import *im, int dry_run,
    ecpr_db_import_stats *stats, ecpr_error *err)
{
	return rows_refused(import_commit(im, dry_run, stats, err), err);
}

void
ecpr_db_import_free(ecpr_db_import *im)
{
	if (im == NULL)
		return;
	if (!im->done) {
		PGresult *res;

		/* leave COPY mode and drain, then roll back */
		if (PQtransactionStatus(im->db->conn) == PQTRANS_ACTIVE)
			PQputCopyEnd(im->db->conn, "import abandoned");
		while ((res = PQgetResult(im->db->conn)) != NULL)
			PQclear(res);
		im->db->copying = 0;
		exec_cmd(im->db, "ROLLBACK", "rollback", NULL);
		im->db->busy = 0;
	}
	import_release(im);
}

/* ------------------------------------------------------------------ */
/* Reading back                                                         */
/* ------------------------------------------------------------------ */

/* Columns of the read query. */
enum {
	RC_SITE, RC_SUBJECT, RC_EPISODE, RC_TZ, RC_ATTR0,
	RC_KIND = RC_ATTR0 + ECPR_AT_COUNT, RC_TYPE, RC_SOURCE, RC_NOTE,
	RC_VALUE, RC_UNIT, RC_BY, RC_NCOLS
};

/* The kinds of row of an episode in the read query (RC_KIND). */
enum { RK_EVENT, RK_OBSERVATION, RK_COMPLICATION };

int
ecpr_db_read_begin(ecpr_db_reader **out, ecpr_db *db,
    const ecpr_db_filter *filter, ecpr_error *err)
{
	ecpr_db_reader *rd;
	const char *vals[4] = { NULL, NULL, NULL, NULL };
	char since[32], until[32];
	ecpr_db_filter none = ECPR_DB_FILTER_INIT;

	*out = NULL;
	if (db == NULL || db->busy)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "the connection is busy");
	if (filter == NULL)
		filter = &none;
	vals[0] = filter->site;
	vals[1] = filter->subject;
	if (filter->has_since) {
		snprintf(since, sizeof(since), "%" PRId64, filter->since);
		vals[2] = since;
	}
	if (filter->has_until) {
		snprintf(until, sizeof(until), "%" PRId64, filter->until);
		vals[3] = until;
	}
	rd = calloc(1, sizeof(*rd));
	if (rd == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	rd->db = db;
	if (!PQsendQueryParams(db->conn,
	    "SELECT e.site, e.subject, e.episode, e.tz, e.age_years::text, "
	    "e.sex, e.bmi::text, e.primary_disease, e.ca_location, "
	    "e.first_cpr_provider, e.initial_rhythm, e.apache2::text, "
	    "e.cannulation_method, e.mcc_device, e.ecmo_device, "
	    "e.cpc_discharge::text, e.pupillary_light_reflex, "
	    "e.cerebral_haemorrhage, e.witnessed, e.bystander_cpr, "
	    "v.kind, v.type, v.source, v.note, "
	    "v.value, v.unit, v.attribution "
	    "FROM episode e LEFT JOIN ("
	    "SELECT episode_id, site, 0 AS kind, ord, type, source, note, "
	    "NULL AS value, NULL AS unit, NULL AS attribution FROM event "
	    "UNION ALL SELECT episode_id, site, 1, 0, observation, source, "
	    "NULL, " OBS_TEXT("observation") ", unit, NULL FROM observation "
	    "UNION ALL SELECT episode_id, site, 2, 0, complication, source, "
	    "note, NULL, NULL, attribution FROM complication"
	    ") v USING (episode_id, site) "
	    "WHERE ($1::text IS NULL OR e.site = $1) "
	    "AND ($2::text IS NULL OR e.subject = $2) "
	    "AND (($3::bigint IS NULL AND $4::bigint IS NULL) OR EXISTS ("
	    "SELECT 1 FROM (SELECT t_utc FROM event f "
	    "WHERE f.episode_id = e.episode_id AND f.site = e.site "
	    "ORDER BY f.type <> 'ca_onset', f.t_utc LIMIT 1) s "
	    "WHERE ($3::bigint IS NULL OR s.t_utc >= to_timestamp($3)) "
	    "AND ($4::bigint IS NULL OR s.t_utc < to_timestamp($4)))) "
	    "ORDER BY e.site COLLATE \"C\", e.subject COLLATE \"C\", "
	    "e.episode, v.kind, v.ord, v.type COLLATE \"C\", "
	    "v.attribution COLLATE \"C\", v.source COLLATE \"C\"", 4, NULL,
	    vals, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(db->conn)) {
		db_error(err, NULL, db->conn, "cannot read the registry");
		free(rd);
		return ECPR_EDB;
	}
	db->busy = 1;
	*out = rd;
	return 0;
}

static int
same_episode(const PGresult *a, const PGresult *b)
{
	int c;

	for (c = RC_SITE; c <= RC_EPISODE; c++)
		if (strcmp(PQgetvalue(a, 0, c), PQgetvalue(b, 0, c)) != 0)
			return 0;
	return 1;
}

/* Next single row, NULL at the end; ECPR_EDB on error. */
static int
next_row(ecpr_db_reader *rd, PGresult **row, ecpr_error *err)
{
	PGresult *res;
	int rc = 0;

	*row = NULL;
	if (rd->done)
		return 0;
	res = PQgetResult(rd->db->conn);
	if (res == NULL) {
		rd->done = 1;
		return 0;
	}
	switch (PQresultStatus(res)) {
	case PGRES_SINGLE_TUPLE:
		*row = res;
		return 0;
	case PGRES_TUPLES_OK:
		PQclear(res);
		while ((res = PQgetResult(rd->db->conn)) != NULL)
			PQclear(res);
		rd->done = 1;
		return 0;
	default:
		rc = db_error(err, res, rd->db->conn,
		    "cannot read the registry");
		PQclear(res);
		while ((res = PQgetResult(rd->db->conn)) != NULL)
			PQclear(res);
		rd->done = 1;
		return rc;
	}
}

/* Add the event, observation or complication of a row to ep. */
static int
add_row(ecpr_episode *ep, const PGresult *row, const ecpr_tz *tz,
    ecpr_error *err)
{
	const char *name = PQgetvalue(row, 0, RC_TYPE);
	const char *source = PQgetvalue(row, 0, RC_SOURCE);
	const char *note = pq_text(row, 0, RC_NOTE);
	int kind = atoi(PQgetvalue(row, 0, RC_KIND)), type, by = 0;

	switch (kind) {
	case RK_EVENT:
		if ((type = ecpr_event_lookup(name)) < 0)
			break;
		return ecpr_episode_add_event(ep, (ecpr_event_type)type,
		    source, note, tz, NULL, 0, err);
	case RK_OBSERVATION:
		if ((type = ecpr_obs_lookup(name)) < 0)
			break;
		return ecpr_episode_add_observation(ep, (ecpr_obs_type)type,
		    source, PQgetvalue(row, 0, RC_VALUE),
		    PQgetvalue(row, 0, RC_UNIT), tz, NULL, 0, err);
	case RK_COMPLICATION:
		if ((type = ecpr_complication_lookup(name)) < 0 ||
		    (by = ecpr_attribution_lookup(PQgetvalue(row, 0,
		    RC_BY))) < 0)
			break;
		return ecpr_episode_add_complication(ep, type,
		    (ecpr_attribution)by, source, note, tz, NULL, 0, err);
	default:
		break;
	}
	return ecpr__error_set(err, ECPR_EDB, NULL, 0, "unknown %s \"%s\" in "
	    "the registry", kind == RK_EVENT ? "event type" :
	    kind == RK_OBSERVATION ? "observation" : "complication", name);
}

static int
build_episode(ecpr_db_reader *rd, PGresult *first, ecpr_episode **out,
    ecpr_error *err)
{
	ecpr_episode *ep = NULL;
	PGresult *row = first;
	const char *tzname;
	int rc, a;

	*out = NULL;
	rc = ecpr_episode_new(&ep, PQgetvalue(first, 0, RC_SITE),
	    PQgetvalue(first, 0, RC_SUBJECT),
	    strtol(PQgetvalue(first, 0, RC_EPISODE), NULL, 10), err);
	if (rc != 0)
		goto fail;
	tzname = PQgetisnull(first, 0, RC_TZ) ? NULL :
	    PQgetvalue(first, 0, RC_TZ);
	if (tzname == NULL) {
		ecpr_tz_free(rd->tz);
		rd->tz = NULL;
		rd->tzname[0] = '\0';
	} else if (rd->tz == NULL || strcmp(rd->tzname, tzname) != 0) {
		ecpr_tz_free(rd->tz);
		rd->tz = NULL;
		rd->tzname[0] = '\0';
		if ((rc = ecpr_tz_load(&rd->tz, tzname, err)) != 0)
			goto fail;
		snprintf(rd->tzname, sizeof(rd->tzname), "%s", tzname);
	}
	for (a = 0; a < ECPR_AT_COUNT; a++) {
		if (PQgetisnull(first, 0, RC_ATTR0 + a))
			continue;
		rc = ecpr_episode_set_attr(ep, (ecpr_attr_id)a,
		    PQgetvalue(first, 0, RC_ATTR0 + a), NULL, 0, err);
		if (rc != 0)
			goto fail;
	}
	for (;;) {
		if (!PQgetisnull(row, 0, RC_KIND) &&
		    (rc = add_row(ep, row, rd->tz, err)) != 0)
			goto fail;
		if (row != first)
			PQclear(row);
		row = NULL;
		if ((rc = next_row(rd, &row, err)) != 0)
			goto fail;
		if (row == NULL)
			break;
		if (!same_episode(row, first)) {
			rd->pending = row;
			row = NULL;
			break;
		}
	}
	PQclear(first);
	first = NULL;
	if ((rc = ecpr_episode_finish(ep, NULL, NULL, err)) != 0)
		goto fail;
	*out = ep;
	return 0;
fail:
	if (row != NULL && row != first)
		PQclear(row);
	PQclear(first);
	ecpr_episode_free(ep);
	return rc;
}

int
ecpr_db_read_next(ecpr_db_reader *rd, ecpr_episode **out, ecpr_error *err)
{
	PGresult *first;
	int rc;

	*out = NULL;
	if (rd == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no reader");
	first = rd->pending;
	rd->pending = NULL;
	if (first == NULL) {
		if ((rc = next_row(rd, &first, err)) != 0)
			return rc;
		if (first == NULL)
			return 0;
	}
	return build_episode(rd, first, out, err);
}

void
ecpr_db_read_free(ecpr_db_reader *rd)
{
	PGresult *res;

	if (rd == NULL)
		return;
	PQclear(rd->pending);
	if (!rd->done) {
		PQrequestCancel(rd->db->conn);
		while ((res = PQgetResult(rd->db->conn)) != NULL)
			PQclear(res);
	}
	ecpr_tz_free(rd->tz);
	rd->db->busy = 0;
	free(rd);
}

/* The registry as an episode stream: a reader and, maybe, its connection. */
struct db_episodes {
	ecpr_db_reader *rd;
	ecpr_db *own; /* closed with the stream; NULL when borrowed */
};

static int
db_episodes_next(void *ctx, ecpr_episode **out, ecpr_error *err)
{
	struct db_episodes *de = ctx;

	return ecpr_db_read_next(de->rd, out, err);
}

static void
db_episodes_free(void *ctx)
{
	struct db_episodes *de = ctx;

	ecpr_db_read_free(de->rd);
	ecpr_db_free(de->own);
	free(de);
}

static const ecpr_episodes_ops db_episodes_ops = {
	db_episodes_next, NULL, db_episodes_free
};

/* The stream over db; own != 0: db is closed with it (and on failure). */
static int
db_episodes(ecpr_episodes **out, ecpr_db *db, int own,
    const ecpr_db_filter *filter, ecpr_error *err)
{
	struct db_episodes *de;
	int rc;

	*out = NULL;
	if ((de = calloc(1, sizeof(*de))) == NULL) {
		if (own)
			ecpr_db_free(db);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	de->own = own ? db : NULL;
	if ((rc = ecpr_db_read_begin(&de->rd, db, filter, err)) != ECPR_OK ||
	    (rc = ecpr_episodes_new(out, &db_episodes_ops, de, err)) !=
	    ECPR_OK) {
		db_episodes_free(de);
		return rc;
	}
	return ECPR_OK;
}

int
ecpr_db_episodes_new(ecpr_episodes **out, ecpr_db *db,
    const ecpr_db_filter *filter, ecpr_error *err)
{
	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the stream");
	return db_episodes(out, db, 0, filter, err);
}

int
ecpr_db_episodes_open(ecpr_episodes **out, const char *conninfo,
    const ecpr_db_filter *filter, ecpr_error *err)
{
	ecpr_db *db = NULL;
	int rc;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the stream");
	*out = NULL;
	rc = ecpr_db_connect(&db, conninfo != NULL && *conninfo != '\0' ?
	    conninfo : NULL, err);
	if (rc != ECPR_OK)
		return rc;
	return db_episodes(out, db, 1, filter, err);
}

/* ------------------------------------------------------------------ */
/* Reading the audit log                                                */
/* ------------------------------------------------------------------ */

int
ecpr_db_audit_read(ecpr_db *db, const ecpr_db_filter *filter,
    ecpr_db_audit_cb cb, void *ctx, ecpr_error *err)
{
	const char *vals[2] = { NULL, NULL };
	ecpr_db_audit_row row;
	PGresult *res;
	int i, n, rc;

	if (db == NULL || db->busy)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "the connection is busy");
	if (filter != NULL) {
		vals[0] = filter->site;
		vals[1] = filter->subject;
	}
	/* row_key is site/subject/episode[/...]: match the subject part */
	if ((rc = exec_params(db,
	    "SELECT audit_id, site, table_name, row_key, column_name, "
	    "old_value, new_value, to_char(at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
	    "coalesce(batch_id, 0), db_role FROM audit_log "
	    "WHERE ($1::text IS NULL OR site = $1) "
	    "AND ($2::text IS NULL OR left(row_key, length(site) + "
	    "length($2) + 2) = site || '/' || $2 || '/') "
	    "ORDER BY audit_id", 2, vals, "cannot read the audit log", &res,
	    err)) != 0)
		return rc;
	n = PQntuples(res);
	for (i = 0; i < n && rc == 0; i++) {
		row.id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		row.site = PQgetvalue(res, i, 1);
		row.table_name = PQgetvalue(res, i, 2);
		row.row_key = PQgetvalue(res, i, 3);
		row.column_name = PQgetvalue(res, i, 4);
		row.old_value = PQgetisnull(res, i, 5) ? NULL :
		    PQgetvalue(res, i, 5);
		row.new_value = PQgetisnull(res, i, 6) ? NULL :
		    PQgetvalue(res, i, 6);
		row.at = PQgetvalue(res, i, 7);
		row.batch_id = strtoll(PQgetvalue(res, i, 8), NULL, 10);
		row.db_role = PQgetvalue(res, i, 9);
		rc = cb(&row, ctx);
	}
	PQclear(res);
	return rc;
}
