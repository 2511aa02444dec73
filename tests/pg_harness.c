/*
 * pg_harness.c - a throwaway PostgreSQL cluster for the tests
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_main.h"
#include "pg_harness.h"
#include "pgcluster.h"

#define PGH_DBNAME "ecpr_test"

/* One cluster per test program, and the extra ones (tests are not part
 * of the library). */
static struct {
	int started;
	int atexit_set;
	pid_t owner;
	pgc c;
	char conninfo[1400];
	int extra_started[PGH_CLUSTERS];
	pgc extra[PGH_CLUSTERS];
} h;

static void pgh_signal(int sig);
static int server(const pgc *c, const char *mode);

static void
pgh_atexit(void)
{
	if (h.owner == getpid())
		pgh_stop();
}

/* Stop and remove every cluster at exit or on a fatal signal (once). */
static void
pgh_cleanup_at_exit(void)
{
	h.owner = getpid();
	if (!h.atexit_set) {
		atexit(pgh_atexit);
		signal(SIGINT, pgh_signal);
		signal(SIGTERM, pgh_signal);
		signal(SIGABRT, pgh_signal);
		h.atexit_set = 1;
	}
}

/* A temporary directory the server (postgres when we are root) can
 * reach, set up as a cluster in c; 0, or -1 after printing why. */
static int
pgh_new_dir(pgc *c)
{
	char msg[2048];
	char *dir = cu_tmpdir();
	int rc = 0;

	if (chmod(dir, 0711) != 0) {
		fprintf(stderr, "pg_harness: chmod %s failed\n", dir);
		rc = -1;
	} else if (pgc_setup(c, dir, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "pg_harness: %s\n", msg);
		rc = -1;
	}
	if (rc != 0)
		cu_rmtree(dir);
	free(dir);
	return rc;
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

	if (h.started)
		return h.conninfo;
	if (pgh_new_dir(&h.c) != 0)
		return NULL;
	pgh_cleanup_at_exit();
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
	int i;

	for (i = 1; i < PGH_CLUSTERS; i++) {
		if (!h.extra_started[i])
			continue;
		h.extra_started[i] = 0;
		if (pgc_running(&h.extra[i]))
			pgc_stop(&h.extra[i], "immediate", NULL, 0);
		cu_rmtree(h.extra[i].dir);
	}
	if (!h.started)
		return;
	h.started = 0;
	if (pgc_running(&h.c))
		pgc_stop(&h.c, "immediate", NULL, 0);
	cu_rmtree(h.c.dir);
}

const char *
pgh_cluster_start(int i)
{
	char msg[2048];
	pgc *c;

	if (i < 1 || i >= PGH_CLUSTERS) {
		fprintf(stderr, "pg_harness: no cluster %d\n", i);
		return NULL;
	}
	c = &h.extra[i];
	if (h.extra_started[i])
		return c->dir;
	if (pgh_new_dir(c) != 0)
		return NULL;
	pgh_cleanup_at_exit();
	h.extra_started[i] = 1;
	if (pgc_initdb(c, msg, sizeof(msg)) != 0 ||
	    pgc_start(c, 1, msg, sizeof(msg)) != 0 ||
	    pgc_createdb(c, PGC_DBNAME, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "pg_harness: cannot start PostgreSQL cluster "
		    "%d: %s\n", i, msg);
		return NULL;
	}
	return c->dir;
}

/* Cluster i when it was started, else NULL. */
static const pgc *
extra(int i)
{
	return i >= 1 && i < PGH_CLUSTERS && h.extra_started[i] ?
	    &h.extra[i] : NULL;
}

int
pgh_cluster_server_stop(int i, const char *mode)
{
	return server(extra(i), mode);
}

int
pgh_cluster_server_start(int i)
{
	return server(extra(i), NULL);
}

void
pgh_unset_pg_env(void)
{
	static const char *const names[] = { "PGHOST", "PGDATABASE",
		"PGUSER", "PGPORT", "PGSERVICE", "PGHOSTADDR", NULL };
	int i;

	for (i = 0; names[i] != NULL; i++)
		unsetenv(names[i]);
}

int
pgh_free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	if (fd < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Stop (mode) or, mode NULL, start the server of c (fsync off); 0 or -1
 * after printing why. */
static int
server(const pgc *c, const char *mode)
{
	char msg[2048];

	if (c == NULL) {
		fprintf(stderr, "pg_harness: no such cluster\n");
		return -1;
	}
	if ((mode != NULL ? pgc_stop(c, mode, msg, sizeof(msg)) :
	    pgc_start(c, 1, msg, sizeof(msg))) != 0) {
		fprintf(stderr, "pg_harness: %s\n", msg);
		return -1;
	}
	return 0;
}

int
pgh_server_stop(const char *mode)
{
	return server(&h.c, mode);
}

int
pgh_server_start(void)
{
	return server(&h.c, NULL);
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
