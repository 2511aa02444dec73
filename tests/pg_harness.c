/*
 * pg_harness.c - a throwaway PostgreSQL cluster for the tests
 */
#include "config.h"

#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_main.h"
#include "pg_harness.h"
#include "pgcluster.h"

#define PGH_DBNAME "ecpr_test"

/* One cluster per test program (tests are not part of the library). */
static struct {
	int started;
	int atexit_set;
	pid_t owner;
	pgc c;
	char conninfo[1400];
} h;

static void
pgh_atexit(void)
{
	if (h.owner == getpid())
		pgh_stop();
}

static void
pgh_signal(int sig)
{
	pgh_atexit();
	signal(sig, SIG_DFL);
	raise(sig);
}

const char *
pgh_start(void)
{
	char msg[2048];
	char *dir;

	if (h.started)
		return h.conninfo;
	dir = cu_tmpdir();
	/* the server (as postgres when we are root) must reach the dir */
	if (chmod(dir, 0711) != 0) {
		fprintf(stderr, "pg_harness: chmod %s failed\n", dir);
		cu_rmtree(dir);
		free(dir);
		return NULL;
	}
	if (pgc_setup(&h.c, dir, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "pg_harness: %s\n", msg);
		cu_rmtree(dir);
		free(dir);
		return NULL;
	}
	free(dir);
	h.owner = getpid();
	if (!h.atexit_set) {
		atexit(pgh_atexit);
		signal(SIGINT, pgh_signal);
		signal(SIGTERM, pgh_signal);
		signal(SIGABRT, pgh_signal);
		h.atexit_set = 1;
	}
	h.started = 1;
	if (pgc_initdb(&h.c, msg, sizeof(msg)) != 0 ||
	    pgc_start(&h.c, 1, msg, sizeof(msg)) != 0 ||
	    pgc_createdb(&h.c, PGH_DBNAME, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "pg_harness: cannot start a PostgreSQL "
		    "cluster: %s\n", msg);
		pgh_stop();
		return NULL;
	}
	pgc_conninfo(&h.c, PGH_DBNAME, h.conninfo, sizeof(h.conninfo));
	return h.conninfo;
}

void
pgh_stop(void)
{
	if (!h.started)
		return;
	h.started = 0;
	if (pgc_running(&h.c))
		pgc_stop(&h.c, "immediate", NULL, 0);
	cu_rmtree(h.c.dir);
}

int
pgh_server_stop(const char *mode)
{
	char msg[1024];

	if (pgc_stop(&h.c, mode, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "pg_harness: %s\n", msg);
		return -1;
	}
	return 0;
}

int
pgh_server_start(void)
{
	char msg[2048];

	if (pgc_start(&h.c, 1, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "pg_harness: %s\n", msg);
		return -1;
	}
	return 0;
}

const char *
pgh_dir(void)
{
	return h.c.dir;
}

int
pgh_suite_init(void)
{
	return pgh_start() == NULL ? 1 : 0;
}

int
pgh_suite_cleanup(void)
{
	pgh_stop();
	return 0;
}
