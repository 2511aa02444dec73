/*
 * pg_harness.h - a throwaway PostgreSQL cluster for a test program:
 * initdb into a temporary directory, a server on a Unix socket only,
 * database "ecpr_test"; stopped and removed at the end (also when a test
 * fails or the program exits early).
 */
#ifndef ECPR_PG_HARNESS_H
#define ECPR_PG_HARNESS_H

/*
 * Start the cluster (once per program).  Returns the conninfo
 * ("host=DIR dbname=ecpr_test user=postgres"), or NULL after printing
 * the reason on stderr: a DB test never skips, it fails.
 */
const char *pgh_start(void);

/* Stop the server and remove the directory (idempotent). */
void pgh_stop(void);

/* Stop the server only ("immediate" or "fast") / start it again. */
int pgh_server_stop(const char *mode);
int pgh_server_start(void);

/* The cluster directory (for tools that want $ECPR_DB_DIR). */
const char *pgh_dir(void);

/*
 * More clusters beside the main one, for tests of several registries
 * (two sites and a hub): cluster i (1 .. PGH_CLUSTERS - 1) is a registry
 * directory as 'ecpr-db init' makes it (DIR/data, DIR/run, database
 * "ecpr"), its server started on a Unix socket only (fsync off).  They
 * are stopped and removed with the main one (pgh_stop, also at exit).
 * Returns DIR, or NULL after printing the reason on stderr.
 */
#define PGH_CLUSTERS 4
const char *pgh_cluster_start(int i);

/* Stop the server of cluster i ("immediate" or "fast") / start it
 * again (with the settings its directory holds); 0 or -1. */
int pgh_cluster_server_stop(int i, const char *mode);
int pgh_cluster_server_start(int i);

/* No PG* environment: the tools' default is the embedded registry. */
void pgh_unset_pg_env(void);

/* A TCP port on 127.0.0.1 that nothing listens on now (0 when none). */
int pgh_free_port(void);

/* CUnit suite init/cleanup helpers: start (0 or 1) and stop. */
int pgh_suite_init(void);
int pgh_suite_cleanup(void);

#endif
