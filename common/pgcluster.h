/*
 * pgcluster.h - a private PostgreSQL cluster on a Unix socket: find the
 * server programs, initdb, start, stop.  Used by ecpr-db and by the test
 * harness.  As root the server programs run as the "postgres" account
 * (PostgreSQL refuses to run as root).
 */
#ifndef ECPR_PGCLUSTER_H
#define ECPR_PGCLUSTER_H

#include <stddef.h>

/* The name of the database and of the superuser in every cluster. */
#define PGC_DBNAME "ecpr"
#define PGC_USER "postgres"

/*
 * Directory of initdb/pg_ctl/postgres: $PG_CONFIG --bindir, pg_config
 * --bindir from PATH, then /usr/lib/postgresql/N/bin (highest N).
 * Returns 0, or -1 with a message ("... apt-get install postgresql").
 */
int pgc_bindir(char *buf, size_t len, char *msg, size_t msglen);

/*
 * Layout of a cluster directory DIR: DIR/data (PGDATA), DIR/run (the
 * socket directory), DIR/server.log.
 */
typedef struct pgc {
	char bindir[1024];
	char dir[1024];
	char data[1100];
	char run[1100];
	char log[1100];
} pgc;

/* Fill the paths; -1 with a message when DIR is too long for a socket. */
int pgc_setup(pgc *c, const char *dir, char *msg, size_t msglen);

/* 1 when DIR/data holds a cluster (PG_VERSION exists). */
int pgc_exists(const pgc *c);

/*
 * initdb (UTF8, no locale) into DIR/data, then write its client
 * authentication and settings (pgc_secure); 0 or -1 with message.
 */
int pgc_initdb(const pgc *c, char *msg, size_t msglen);

/*
 * Make the cluster safe however it is started.  pg_hba.conf: the Unix
 * socket only (no host or replication lines), the superuser postgres by
 * peer for the accounts postgres, root and the one that created it
 * (map "ecpr" in pg_ident.conf), every other role by scram-sha-256.
 * postgresql.conf gets listen_addresses = '' (no TCP), the socket
 * directory DIR/run with mode 0700 and scram-sha-256 passwords.  Files
 * ecprkit wrote begin with "# ecprkit:"; an older pg_hba.conf with a
 * trust line is replaced (pgc_start does this for registries made
 * before), one without is kept.  0 or -1 with message.
 */
int pgc_secure(const pgc *c, char *msg, size_t msglen);

/*
 * Run the server program prog (pg_ctl, postgres, ...) with args as the
 * server account; the exit status, or -1.  The tail of its output goes
 * into out.
 */
int pgc_run(const pgc *c, const char *prog, const char *const *args,
    char *out, size_t outlen);

/*
 * Make the cluster safe (pgc_secure), start the server on DIR/run only
 * (no TCP) and wait until it accepts connections.  fast != 0 turns fsync
 * off (tests).  0 or -1.
 */
int pgc_start(const pgc *c, int fast, char *msg, size_t msglen);

/* Stop (mode "fast" or "immediate"); 0 or -1. */
int pgc_stop(const pgc *c, const char *mode, char *msg, size_t msglen);

/* 1 when the server is running, 0 when not. */
int pgc_running(const pgc *c);

/*
 * The TCP side of a registry that publishes its rows to a hub (ecpr-db
 * publish): the server listens on addr, port; pg_hba.conf lets role (and
 * no other) in by scram-sha-256 from the address range allow (CIDR);
 * wal_level is logical.
 */
typedef struct pgc_listen {
	char addr[256];
	int port;
	char role[64];
	char allow[128];
} pgc_listen;

/*
 * 1 (and *l) when the registry publishes: postgresql.conf ends with
 * ecprkit's "published" block; 0 when it is socket-only.
 */
int pgc_listen_get(const pgc *c, pgc_listen *l);

/*
 * Publish (l) or go back to the socket only (l NULL): postgresql.conf
 * ends with the published block or none, pg_hba.conf gets or loses the
 * line of l->role.  Returns 1 when the server must restart to take it
 * (TCP address, port, wal_level), 0 when a reload does, -1 with message.
 */
int pgc_listen_set(const pgc *c, const pgc_listen *l, char *msg,
    size_t msglen);

/* Make a running server read its configuration again; 0 or -1. */
int pgc_reload(const pgc *c, char *msg, size_t msglen);

/* "host=DIR/run dbname=DB user=postgres" into buf (" port=N" added when
 * the registry publishes on another port than 5432). */
void pgc_conninfo(const pgc *c, const char *dbname, char *buf, size_t len);

/*
 * Create database dbname (connecting to "postgres"); 0 or -1.  An
 * existing database is not an error.
 */
int pgc_createdb(const pgc *c, const char *dbname, char *msg,
    size_t msglen);

#endif
