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

/* CUnit suite init/cleanup helpers: start (0 or 1) and stop. */
int pgh_suite_init(void);
int pgh_suite_cleanup(void);

#endif
