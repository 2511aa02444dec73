/*
 * test_hub.c - many sites, one hub (issue 12): three throwaway clusters on
 * this machine, two sites (A, B) and a hub, on loopback TCP with
 * scram-sha-256; ecpr-db publish at the sites, subscribe at the hub, the
 * tools run as built.  The tests run in order and build on each other.
 *
 * Replication is asynchronous: every wait polls (hub_wait) until the hub
 * has applied the site's WAL as it was when the wait began, or a
 * condition holds, with a timeout; nothing sleeps a fixed time.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cu_main.h"
#include "pg_harness.h"
#include "pgcluster.h"

/* The clusters of pg_harness: site A, site B, the hub. */
enum { SITE_A = 1, SITE_B = 2, HUB = 3 };

/* How long a wait for the hub may take (seconds). */
#define WAIT_MAX 90

static char dir[PGH_CLUSTERS][1024];
static char ci_pub[PGH_CLUSTERS][512]; /* what publish printed */
static char port[PGH_CLUSTERS][16];    /* the sites' TCP ports */
static char *tmp;

/* The seed cases as site A's and site B's: the template with its site
 * column renamed. */
static char *file_a, *file_b;

/* The socket conninfo of cluster i as ecpr-db url prints it. */
static void
socket_ci(int i, char *buf, size_t len)
{
	pgc c;
	char msg[1024];

	if (pgc_setup(&c, dir[i], msg, sizeof(msg)) != 0) {
		snprintf(buf, len, "host=/nonexistent");
		return;
	}
	pgc_conninfo(&c, PGC_DBNAME, buf, len);
}

static PGconn *
conn(int i)
{
	char ci[1400];

	socket_ci(i, ci, sizeof(ci));
	return PQconnectdb(ci);
}

/* The first value of sql on c, malloc'd ("" for a command, "<error:
 * message>" on failure). */
static char *
qv_c(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	char *s;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		s = strdup(PQgetvalue(r, 0, 0));
	else if (PQresultStatus(r) == PGRES_COMMAND_OK)
		s = strdup("");
	else if ((s = malloc(600)) != NULL)
		snprintf(s, 600, "<error: %s>", PQerrorMessage(c));
	PQclear(r);
	return s;
}

/* The first value of the query fmt on cluster i, as qv_c. */
static char *
qv(int i, const char *fmt, ...)
{
	char sql[2048], *s;
	va_list ap;
	PGconn *c = conn(i);

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	s = qv_c(c, sql);
	PQfinish(c);
	return s;
}

/* got (malloc'd, freed) is want; line says where, when it is not. */
static void
is(char *got, const char *want, int line)
{
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n%s:%d: got %s, want %s\n", __FILE__, line,
		    got, want);
	free(got);
}

/* The value of a query on cluster i / on connection c is want. */
#define CU_ASSERT_QV(i, want, ...) is(qv((i), __VA_ARGS__), (want), __LINE__)
#define CU_ASSERT_QC(c, want, sql) is(qv_c((c), (sql)), (want), __LINE__)

/* Run the tool a0 with the arguments that follow (up to the first NULL);
 * check the exit status; the standard output is returned. */
static char *
tool(int want_rc, const char *a0, const char *a1, const char *a2,
    const char *a3, const char *a4, const char *a5, const char *a6,
    const char *a7, const char *a8)
{
	char *out = NULL, *err = NULL;
	int rc = cu_tool(&out, &err, a0, a1, a2, a3, a4, a5, a6, a7, a8,
	    (char *)NULL);

	CU_ASSERT_EQUAL(rc, want_rc);
	if (rc != want_rc)
		fprintf(stderr, "\n%s %s %s %s: rc %d (want %d): %s%s\n", a0,
		    a1 ? a1 : "", a2 ? a2 : "", a3 ? a3 : "", rc, want_rc,
		    out ? out : "", err ? err : "");
	free(err);
	return out;
}

/* ecpr-db -D dir[i] and the arguments that follow (up to NULL). */
static char *
ecpr_db(int i, int want_rc, const char *a1, const char *a2, const char *a3,
    const char *a4, const char *a5, const char *a6)
{
	return tool(want_rc, "ecpr-db", "-D", dir[i], a1, a2, a3, a4, a5, a6);
}

/* ecpr-import of path into the registry of cluster i. */
static void
import(int i, const char *path, const char *want_out)
{
	char *out = NULL, *err = NULL;
	int rc;

	setenv("ECPR_DB_DIR", dir[i], 1);
	rc = cu_tool(&out, &err, "ecpr-import", path, (char *)NULL);
	unsetenv("ECPR_DB_DIR");
	CU_ASSERT_EQUAL(rc, 0);
	if (want_out != NULL)
		CU_ASSERT_STRING_EQUAL(out, want_out);
	if (rc != 0 || (want_out != NULL && strcmp(out, want_out) != 0))
		fprintf(stderr, "\necpr-import %s: rc %d: %s%s\n", path, rc,
		    out, err);
	free(out);
	free(err);
}

/* Sleep 50 ms (one step of a poll). */
static void
step(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/*
 * Wait until the hub has applied everything site i had written when the
 * wait began: its subscription's tables are all synchronised and
 * pg_stat_subscription's latest_end_lsn (the site's WAL position the hub
 * confirmed after applying what came before it) has reached the site's
 * pg_current_wal_lsn().  1, or 0 after WAIT_MAX seconds.
 */
static int
hub_wait(int i, const char *site)
{
	char *lsn = qv(i, "SELECT pg_current_wal_lsn()");
	time_t end = time(NULL) + WAIT_MAX;
	int ok = 0;

	while (!ok && time(NULL) < end) {
		char *v = qv(HUB, "SELECT count(r.srsubid) = 0 AND bool_and("
		    "w.latest_end_lsn >= '%s') FROM pg_subscription s "
		    "JOIN pg_stat_subscription w ON w.subid = s.oid AND "
		    "w.relid IS NULL LEFT JOIN pg_subscription_rel r "
		    "ON r.srsubid = s.oid AND r.srsubstate <> 'r' "
		    "WHERE s.subname = 'ecpr_site_%s'", lsn, site);

		ok = strcmp(v, "t") == 0;
		free(v);
		if (!ok)
			step();
	}
	if (!ok)
		fprintf(stderr, "\nthe hub did not catch up with site %s (%s) "
		    "in %d s\n", site, lsn, WAIT_MAX);
	free(lsn);
	return ok;
}

/* Wait until the query sql (one value) on cluster i gives want; 1 or 0. */
static int
wait_for(int i, const char *want, const char *sql)
{
	time_t end = time(NULL) + WAIT_MAX;
	char *v = NULL;
	int ok = 0;

	while (!ok && time(NULL) < end) {
		free(v);
		v = qv(i, "%s", sql);
		ok = strcmp(v, want) == 0;
		if (!ok)
			step();
	}
	if (!ok)
		fprintf(stderr, "\n%s: got %s, want %s\n", sql, v, want);
	free(v);
	return ok;
}

/* Wait until the hub counts errors (what: "apply_error_count",
 * "sync_error_count" or their sum) of the subscription of site; 1 or 0. */
static int
hub_errors(const char *what, const char *site)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s > 0 FROM "
	    "pg_stat_subscription_stats s JOIN pg_subscription p ON p.oid = "
	    "s.subid WHERE p.subname = 'ecpr_site_%s'", what, site);
	return wait_for(HUB, "t", sql);
}

/* ecpr-table of the files f1 (and f2) and ecpr-table --db of the hub
 * print the same, byte for byte. */
static void
hub_table_is(const char *f1, const char *f2)
{
	char hub[1400], *fout = NULL, *dout = NULL, *e = NULL;

	socket_ci(HUB, hub, sizeof(hub));
	CU_ASSERT_EQUAL(cu_tool(&fout, &e, "ecpr-table", f1, f2,
	    (char *)NULL), 0);
	free(e);
	e = NULL;
	CU_ASSERT_EQUAL(cu_tool(&dout, &e, "ecpr-table", "--db", hub,
	    (char *)NULL), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fout);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dout);
	CU_ASSERT_STRING_EQUAL(dout, fout);
	if (strcmp(dout, fout) != 0)
		fprintf(stderr, "\nfiles:\n%s\nhub:\n%s\n%s\n", fout, dout, e);
	CU_ASSERT(strlen(fout) > 100);
	free(e);
	free(fout);
	free(dout);
}

/* The template of the seed cases with site renamed, in tmp/name. */
static char *
site_file(const char *name, const char *site)
{
	char *text = cu_read_file(cu_template("case-record.csv"), NULL);
	char *out, *p, *o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	out = malloc(strlen(text) * 2 + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (p = text, o = out; *p != '\0';) {
		if ((p == text || p[-1] == '\n') && strncmp(p, "SEED,", 5) ==
		    0) {
			o += sprintf(o, "%s,", site);
			p += 5;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	p = cu_write_file(tmp, name, out);
	free(out);
	free(text);
	return p;
}

/* Text with every "from" replaced by "to" (malloc'd). */
static char *
replace(const char *text, const char *from, const char *to)
{
	size_t n = strlen(text) * (strlen(to) + 1) + 1;
	char *out = malloc(n), *o = out;
	const char *p = text, *q;

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	while ((q = strstr(p, from)) != NULL) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		o += sprintf(o, "%s", to);
		p = q + strlen(from);
	}
	strcpy(o, p);
	return out;
}

/* A copy of file path (in tmp) as name, with from replaced by to. */
static char *
edited(const char *path, const char *name, const char *from, const char *to)
{
	char *text = cu_read_file(path, NULL), *t, *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, from));
	t = replace(text, from, to);
	p = cu_write_file(tmp, name, t);
	free(t);
	free(text);
	return p;
}

static int
suite_init(void)
{
	int i;

	if (pgh_start() == NULL)
		return 1;
	for (i = SITE_A; i <= HUB; i++) {
		const char *d = pgh_cluster_start(i);
		char *out = NULL, *err = NULL;

		if (d == NULL)
			return 1;
		snprintf(dir[i], sizeof(dir[i]), "%s", d);
		if (cu_tool(&out, &err, "ecpr-db", "-D", dir[i], "migrate",
		    (char *)NULL) != 0) {
			fprintf(stderr, "migrate %d: %s %s\n", i, out, err);
			return 1;
		}
		free(out);
		free(err);
	}
	tmp = cu_tmpdir();
	chmod(tmp, 0711);
	pgh_unset_pg_env();
	return 0;
}

static int
suite_cleanup(void)
{
	free(file_a);
	free(file_b);
	cu_rmtree(tmp);
	free(tmp);
	return pgh_suite_cleanup();
}

/* ---- upgrade ---------------------------------------------------------- */

/*
 * A registry of schema version 5 with two sites' episodes is upgraded by
 * ecpr-db migrate to 6 (site-qualified keys): ecpr-table --db and the
 * episode_intervals view give what they gave, byte for byte.  The
 * registry has 007 too (imports need it: their staging), applied before
 * 006 as where the import was upgraded first: 006 comes after it.
 */
static void
test_upgrade_from_5(void)
{
	char sqldir[1200], src[1200], ci[1600], *t, *before, *after;
	char *iv_before, *iv_after;
	const char *srcdir = getenv("ECPR_SRCDIR");
	static const char *const old[] = { "001_schema.sql", "002_rls.sql",
		"003_harden.sql", "004_observations.sql",
		"005_attributes.sql", "007_import_copy.sql", NULL };
	PGconn *c;
	PGresult *r;
	int i;

	file_a = site_file("a.csv", "A");
	file_b = site_file("b.csv", "B");
	CU_ASSERT_PTR_NOT_NULL_FATAL(srcdir);
	snprintf(sqldir, sizeof(sqldir), "%s/sql5", tmp);
	CU_ASSERT_EQUAL_FATAL(mkdir(sqldir, 0755), 0);
	for (i = 0; old[i] != NULL; i++) {
		snprintf(src, sizeof(src), "%s/sql/%s", srcdir, old[i]);
		t = cu_read_file(src, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		free(cu_write_file(sqldir, old[i], t));
		free(t);
	}
	snprintf(ci, sizeof(ci), "%s", pgh_start());
	setenv("ECPR_SQL_DIR", sqldir, 1);
	t = tool(0, "ecpr-db", "--db", ci, "migrate", NULL, NULL, NULL, NULL,
	    NULL);
	CU_ASSERT_STRING_EQUAL(t, "schema version 7 (6 migrations "
	    "applied)\n");
	free(t);
	unsetenv("ECPR_SQL_DIR");
	for (i = 0; i < 2; i++)
		free(tool(0, "ecpr-import", "-q", "--db", ci, i ? file_b :
		    file_a, NULL, NULL, NULL, NULL));
	c = PQconnectdb(ci);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	/* both sites' ids from 1: the same key space at version 5 */
	free(qv_c(c, "UPDATE episode SET episode_id = episode_id"));
	iv_before = qv_c(c, "SELECT string_agg(i::text, ',' ORDER BY "
	    "i.site, i.subject) FROM episode_intervals i");
	before = tool(0, "ecpr-table", "--db", ci, NULL, NULL, NULL, NULL,
	    NULL, NULL);
	t = tool(0, "ecpr-db", "--db", ci, "migrate", NULL, NULL, NULL, NULL,
	    NULL);
	CU_ASSERT_STRING_EQUAL(t, "schema version 7 (1 migration "
	    "applied)\n");
	free(t);
	after = tool(0, "ecpr-table", "--db", ci, NULL, NULL, NULL, NULL,
	    NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(before);
	CU_ASSERT_PTR_NOT_NULL_FATAL(after);
	CU_ASSERT_STRING_EQUAL(after, before);
	CU_ASSERT(strlen(before) > 100);
	iv_after = qv_c(c, "SELECT string_agg(i::text, ',' ORDER BY "
	    "i.site, i.subject) FROM episode_intervals i");
	CU_ASSERT_STRING_EQUAL(iv_after, iv_before);
	CU_ASSERT(strlen(iv_before) > 100);
	/* the keys name the site */
	r = PQexec(c, "SELECT string_agg(conrelid::regclass || '(' || "
	    "pg_get_constraintdef(oid) || ')', ' ' ORDER BY conrelid::regclass"
	    "::text) FROM pg_constraint WHERE contype = 'p' AND conrelid IN "
	    "('episode'::regclass, 'event'::regclass, 'observation'::regclass,"
	    " 'complication'::regclass, 'audit_log'::regclass)");
	CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 0), "audit_log(PRIMARY KEY "
	    "(audit_id, site)) complication(PRIMARY KEY (episode_id, "
	    "complication, attribution, source, site)) episode(PRIMARY KEY "
	    "(episode_id, site)) event(PRIMARY KEY (episode_id, type, "
	    "occurrence, site)) observation(PRIMARY KEY (episode_id, "
	    "observation, source, site))");
	PQclear(r);
	/* the same ids, now for two sites' episodes at once */
	free(qv_c(c, "INSERT INTO subject VALUES ('B', 'same-id')"));
	r = PQexec(c, "INSERT INTO episode (episode_id, site, subject, "
	    "episode) SELECT episode_id, 'B', 'same-id', 9 FROM episode "
	    "WHERE site = 'A' AND subject = 'case1'");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	free(qv_c(c, "DELETE FROM episode WHERE subject = 'same-id'"));
	PQfinish(c);
	free(iv_before);
	free(iv_after);
	free(before);
	free(after);
}

/* ---- publish ---------------------------------------------------------- */

/*
 * A registry takes no TCP connection until it publishes; ecpr-db publish
 * then listens on the address and port it is given, wal_level logical,
 * and lets in over TCP the replication role alone, by scram-sha-256 with
 * the password of DIR/replication.secret (0600), from the address range
 * given; the superuser and site roles stay on the socket.  It prints the
 * conninfo for the hub.  Publishing again keeps the password.
 */
static void
test_publish_opens_tcp_for_the_replication_role_only(void)
{
	char want[1600], path[1200], tcp[600];
	char *out, *pw, *v;
	struct stat st;
	int i, p;

	import(SITE_A, file_a, "episodes: 4 inserted, 0 updated, "
	    "0 unchanged\n");
	import(SITE_B, file_b, "episodes: 4 inserted, 0 updated, "
	    "0 unchanged\n");
	/* socket only until published */
	CU_ASSERT_QV(SITE_A, "", "SHOW listen_addresses");
	CU_ASSERT_QV(SITE_A, "replica", "SHOW wal_level");
	CU_ASSERT_QV(SITE_A, "local postgres peer; local all scram-sha-256",
	    "SELECT string_agg(type || ' ' || array_to_string(user_name, "
	    "',') || ' ' || auth_method, '; ' ORDER BY line_number) "
	    "FROM pg_hba_file_rules");
	free(ecpr_db(SITE_A, 64, "publish", "--port", "0", "A", NULL, NULL));
	free(ecpr_db(SITE_A, 64, "publish", "--listen", "a'b", "A", NULL,
	    NULL));
	free(ecpr_db(SITE_A, 64, "publish", NULL, NULL, NULL, NULL, NULL));

	for (i = SITE_A; i <= SITE_B; i++) {
		p = pgh_free_port();
		CU_ASSERT_FATAL(p > 0);
		snprintf(port[i], sizeof(port[i]), "%d", p);
		out = ecpr_db(i, 0, "publish", "--listen", "127.0.0.1",
		    "--port", port[i], i == SITE_A ? "A" : "B");
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		snprintf(ci_pub[i], sizeof(ci_pub[i]), "%s", out);
		ci_pub[i][strcspn(ci_pub[i], "\n")] = '\0';
		free(out);
		/* the password is in DIR/replication.secret, 0600 */
		snprintf(path, sizeof(path), "%s/replication.secret", dir[i]);
		CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
		CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
		pw = cu_read_file(path, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(pw);
		CU_ASSERT_EQUAL(strlen(pw), 33);
		pw[strcspn(pw, "\n")] = '\0';
		snprintf(want, sizeof(want), "host=127.0.0.1 port=%s "
		    "dbname=ecpr user=ecpr_replication password=%s",
		    port[i], pw);
		CU_ASSERT_STRING_EQUAL(ci_pub[i], want);
		free(pw);
	}
	CU_ASSERT_QV(SITE_A, "127.0.0.1", "SHOW listen_addresses");
	CU_ASSERT_QV(SITE_A, port[SITE_A], "SHOW port");
	CU_ASSERT_QV(SITE_A, "logical", "SHOW wal_level");
	CU_ASSERT_QV(SITE_A, "local postgres peer; local all scram-sha-256; "
	    "host ecpr_replication scram-sha-256 127.0.0.1/255.255.255.255",
	    "SELECT string_agg(type || ' ' || array_to_string(user_name, "
	    "',') || ' ' || auth_method || coalesce(' ' || address || '/' || "
	    "netmask, ''), '; ' ORDER BY line_number) FROM pg_hba_file_rules");
	CU_ASSERT_QV(SITE_A, "true|true|false", "SELECT rolreplication || '|' || "
	    "rolbypassrls || '|' || rolsuper FROM pg_roles "
	    "WHERE rolname = 'ecpr_replication'");
	/* over TCP: the replication role with its password, nobody else */
	{
		PGconn *c = PQconnectdb(ci_pub[SITE_A]);

		CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_OK);
		PQfinish(c);
		snprintf(tcp, sizeof(tcp), "host=127.0.0.1 port=%s "
		    "dbname=ecpr user=postgres connect_timeout=5", port[SITE_A]);
		c = PQconnectdb(tcp);
		CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_BAD);
		PQfinish(c);
		snprintf(tcp, sizeof(tcp), "host=127.0.0.1 port=%s "
		    "dbname=ecpr user=ecpr_replication password=wrong "
		    "connect_timeout=5", port[SITE_A]);
		c = PQconnectdb(tcp);
		CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_BAD);
		PQfinish(c);
	}
	/* the publication: the site's rows, no TRUNCATE, no batch ids */
	CU_ASSERT_QV(SITE_A, "audit_log complication episode event "
	    "observation subject", "SELECT string_agg(tablename, ' ' ORDER BY "
	    "tablename) FROM pg_publication_tables "
	    "WHERE pubname = 'ecpr_site_A'");
	CU_ASSERT_QV(SITE_A, "(site = 'A'::text)|false", "SELECT rowfilter || '|' "
	    "|| ('batch_id' = ANY (attnames)) FROM pg_publication_tables "
	    "WHERE pubname = 'ecpr_site_A' AND tablename = 'episode'");
	CU_ASSERT_QV(SITE_A, "true|true|true|false", "SELECT pubinsert || '|' || "
	    "pubupdate || '|' || pubdelete || '|' || pubtruncate "
	    "FROM pg_publication WHERE pubname = 'ecpr_site_A'");
	/* again: the same password, no restart needed, the same answer */
	v = qv(SITE_A, "SELECT pg_postmaster_start_time()");
	out = ecpr_db(SITE_A, 0, "publish", "--port", port[SITE_A], "A", NULL,
	    NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_NSTRING_EQUAL(out, ci_pub[SITE_A], strlen(ci_pub[SITE_A]));
	free(out);
	CU_ASSERT_QV(SITE_A, v, "SELECT pg_postmaster_start_time()");
	free(v);
	/* the tools on the site still find it on its socket */
	out = ecpr_db(SITE_A, 0, "url", NULL, NULL, NULL, NULL, NULL);
	snprintf(want, sizeof(want), "host=%s/run port=%s dbname=ecpr "
	    "user=postgres\n", dir[SITE_A], port[SITE_A]);
	CU_ASSERT_STRING_EQUAL(out, want);
	free(out);
}

/* ---- subscribe -------------------------------------------------------- */

/*
 * The hub subscribes to both sites and holds both sites' episodes:
 * ecpr-table --db at the hub prints what ecpr-table prints of the two
 * files, though both sites numbered their episodes from 1.  A duplicate
 * site name is refused (65) and changes nothing.
 */
static void
test_subscribe_hub_holds_both_sites(void)
{
	char *out;

	out = ecpr_db(HUB, 0, "subscribe", "A", ci_pub[SITE_A], NULL, NULL,
	    NULL);
	CU_ASSERT_STRING_EQUAL(out, "subscribed to site A\n");
	free(out);
	free(ecpr_db(HUB, 0, "subscribe", "B", ci_pub[SITE_B], NULL, NULL,
	    NULL));
	CU_ASSERT_FATAL(hub_wait(SITE_A, "A") && hub_wait(SITE_B, "B"));
	hub_table_is(file_a, file_b);
	/* the same ids at both sites, apart at the hub */
	CU_ASSERT_QV(HUB, "8|4", "SELECT count(*) || '|' || count(DISTINCT "
	    "episode_id) FROM episode");
	CU_ASSERT_QV(HUB, "A,B", "SELECT string_agg(site, ',' ORDER BY site) "
	    "FROM site");
	/* a duplicate site name */
	out = ecpr_db(HUB, 65, "subscribe", "A", ci_pub[SITE_B], NULL, NULL,
	    NULL);
	free(out);
	CU_ASSERT_QV(HUB, "2", "SELECT count(*) FROM pg_subscription");
	CU_ASSERT_QV(SITE_B, "1", "SELECT count(*) FROM pg_replication_slots");
	out = ecpr_db(HUB, 0, "subscriptions", NULL, NULL, NULL, NULL, NULL);
	CU_ASSERT_STRING_EQUAL(out, "site\tstate\tlag_bytes\tlag_seconds\t"
	    "errors\nA\tstreaming\t0\t0.0\t0\nB\tstreaming\t0\t0.0\t0\n");
	free(out);
}

/*
 * A site re-imports a corrected file (a value changed, an event gone, an
 * episode added) and the hub follows: updates, deletes and inserts.
 */
static void
test_site_reimport_propagates(void)
{
	char *a2, *a3, *v;

	a2 = edited(file_a, "a2.csv", "A,case1,1,47,", "A,case1,1,48,");
	a3 = edited(a2, "a3.csv", "A,case2,1,17,F,", "A,case2,1,17,M,");
	free(a2);
	import(SITE_A, a3, "episodes: 0 inserted, 2 updated, "
	    "2 unchanged\n");
	CU_ASSERT_FATAL(hub_wait(SITE_A, "A"));
	hub_table_is(a3, file_b);
	CU_ASSERT_QV(HUB, "48|47", "SELECT string_agg(age_years::text, '|' "
	    "ORDER BY site) FROM episode WHERE subject = 'case1'");
	/* the site's audit rows, without the site's batch */
	v = qv(SITE_A, "SELECT string_agg(audit_id || ':' || row_key || ':' "
	    "|| column_name || ':' || coalesce(old_value, '') || ':' || "
	    "coalesce(new_value, ''), ',' ORDER BY audit_id) FROM audit_log");
	CU_ASSERT(strstr(v, "A/case1/1:age_years:47:48") != NULL);
	CU_ASSERT_QV(HUB, v, "SELECT string_agg(audit_id || ':' || row_key || "
	    "':' || column_name || ':' || coalesce(old_value, '') || ':' || "
	    "coalesce(new_value, ''), ',' ORDER BY audit_id) FROM audit_log "
	    "WHERE site = 'A' AND batch_id IS NULL");
	free(v);
	/* a deleted episode goes at the hub too (with its events) */
	free(qv(SITE_A, "DELETE FROM episode WHERE site = 'A' AND subject = "
	    "'case4'"));
	CU_ASSERT_FATAL(hub_wait(SITE_A, "A"));
	CU_ASSERT_QV(HUB, "0|0", "SELECT (SELECT count(*) FROM episode "
	    "WHERE site = 'A' AND subject = 'case4') || '|' || (SELECT "
	    "count(*) FROM event v WHERE site = 'A' AND NOT EXISTS (SELECT 1 "
	    "FROM episode e WHERE e.episode_id = v.episode_id AND e.site = "
	    "'A'))");
	CU_ASSERT_QV(HUB, "1", "SELECT count(*) FROM episode WHERE site = 'B' "
	    "AND subject = 'case4'");
	/* back as the file has it */
	import(SITE_A, a3, "episodes: 1 inserted, 0 updated, 3 unchanged\n");
	CU_ASSERT_FATAL(hub_wait(SITE_A, "A"));
	hub_table_is(a3, file_b);
	free(file_a);
	file_a = a3;
}

/*
 * The hub stopped for a while: the sites go on importing (their slots
 * keep the WAL), and the hub started again catches up with nothing lost.
 */
static void
test_hub_stopped_catches_up(void)
{
	char *b2;

	CU_ASSERT_EQUAL_FATAL(pgh_cluster_server_stop(HUB, "fast"), 0);
	b2 = edited(file_b, "b2.csv", "B,case3,1,", "B,case3b,1,");
	import(SITE_B, b2, "episodes: 1 inserted, 0 updated, 3 unchanged\n");
	free(qv(SITE_A, "UPDATE episode SET bmi = 30.5 WHERE site = 'A' "
	    "AND subject = 'case2'"));
	CU_ASSERT(wait_for(SITE_B, "f", "SELECT active FROM "
	    "pg_replication_slots"));
	CU_ASSERT_EQUAL_FATAL(pgh_cluster_server_start(HUB), 0);
	CU_ASSERT_FATAL(hub_wait(SITE_A, "A") && hub_wait(SITE_B, "B"));
	CU_ASSERT_QV(HUB, "5", "SELECT count(*) FROM episode WHERE site = "
	    "'B'");
	CU_ASSERT_QV(HUB, "30.5", "SELECT bmi FROM episode WHERE site = 'A' "
	    "AND subject = 'case2'");
	{
		/* the B file as the site now holds it: both files' episodes */
		char *t = cu_read_file(b2, NULL), *o = cu_read_file(file_b,
		    NULL), *all;
		char *line = strstr(o, "\nB,case3,1,");

		CU_ASSERT_PTR_NOT_NULL_FATAL(line);
		all = malloc(strlen(t) + strlen(o));
		CU_ASSERT_PTR_NOT_NULL_FATAL(all);
		sprintf(all, "%s%.*s", t, (int)(strcspn(line + 1, "\n") + 1),
		    line + 1);
		free(cu_write_file(tmp, "b3.csv", all));
		free(all);
		free(t);
		free(o);
	}
	free(qv(SITE_A, "UPDATE episode SET bmi = 18.6 WHERE site = 'A' "
	    "AND subject = 'case2'"));
	CU_ASSERT_FATAL(hub_wait(SITE_A, "A"));
	{
		char path[1200];

		snprintf(path, sizeof(path), "%s/b3.csv", tmp);
		hub_table_is(file_a, path);
	}
	free(b2);
}

/*
 * Row-level security at the hub as at one registry: a site role there
 * reads its own site only, a coordinator every site; nobody at the hub
 * writes the rows of a subscribed site (they come from its registry).
 */
static void
test_hub_site_role_reads_own_site_only(void)
{
	char ci[1400];
	PGconn *c;
	PGresult *r;

	free(ecpr_db(HUB, 0, "add-site-role", "hub_a", "A", NULL, NULL, NULL));
	free(ecpr_db(HUB, 0, "add-coordinator-role", "hub_coord", NULL, NULL,
	    NULL, NULL));
	free(qv(HUB, "ALTER ROLE hub_a PASSWORD 'pw-a'"));
	free(qv(HUB, "ALTER ROLE hub_coord PASSWORD 'pw-c'"));
	socket_ci(HUB, ci, sizeof(ci));
	*strstr(ci, "user=postgres") = '\0';
	strcat(ci, "user=hub_a password=pw-a");
	c = PQconnectdb(ci);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	CU_ASSERT_QC(c, "A|4", "SELECT string_agg(DISTINCT site, ',') || "
	    "'|' || count(*) FROM episode");
	CU_ASSERT_QC(c, "0", "SELECT count(*) FROM event WHERE site = 'B'");
	CU_ASSERT_QC(c, "4", "SELECT count(*) FROM episode_intervals");
	/* its own replicated rows are read-only here */
	r = PQexec(c, "UPDATE episode SET bmi = 40 WHERE site = 'A'");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_SQLSTATE),
	    "42501");
	PQclear(r);
	PQfinish(c);
	*strstr(ci, "user=hub_a") = '\0';
	strcat(ci, "user=hub_coord password=pw-c");
	c = PQconnectdb(ci);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	CU_ASSERT_QC(c, "A,B|9", "SELECT string_agg(DISTINCT site, ',') || "
	    "'|' || count(*) FROM episode");
	PQfinish(c);
}

/*
 * The hub imports files of a site that cannot connect (site C): their
 * ids start at 2^62, above every replicated id, so that episode 1 of
 * site A (same id at the site) is untouched by C's import; the hub
 * holds A, B and C as the three files.  An import of a subscribed
 * site's rows at the hub is refused and changes nothing.
 */
static void
test_hub_own_import(void)
{
	char hub[1400], *c_file, *out, *before, *abc;

	socket_ci(HUB, hub, sizeof(hub));
	c_file = site_file("c.csv", "C");
	before = qv(HUB, "SELECT string_agg(site || ':' || episode_id || ':' "
	    "|| subject || ':' || coalesce(age_years::text, ''), ',' ORDER BY "
	    "site, episode_id) FROM episode");
	out = tool(0, "ecpr-import", "--db", hub, c_file, NULL, NULL, NULL,
	    NULL, NULL);
	CU_ASSERT_STRING_EQUAL(out, "episodes: 4 inserted, 0 updated, "
	    "0 unchanged\n");
	free(out);
	CU_ASSERT_QV(HUB, "4611686018427387904|4611686018427387907", "SELECT "
	    "min(episode_id) || '|' || max(episode_id) FROM episode "
	    "WHERE site = 'C'");
	/* C again, changed: A's and B's rows of the same subjects stay */
	{
		char *c2 = edited(c_file, "c2.csv", "C,case1,1,47,",
		    "C,case1,1,50,");

		out = tool(0, "ecpr-import", "--db", hub, c2, NULL, NULL,
		    NULL, NULL, NULL);
		CU_ASSERT_STRING_EQUAL(out, "episodes: 0 inserted, 1 updated, "
		    "3 unchanged\n");
		free(out);
		free(c2);
	}
	CU_ASSERT_QV(HUB, before, "SELECT string_agg(site || ':' || "
	    "episode_id || ':' || subject || ':' || coalesce(age_years::text, "
	    "''), ',' ORDER BY site, episode_id) FROM episode "
	    "WHERE site <> 'C'");
	CU_ASSERT_QV(HUB, "50", "SELECT age_years FROM episode WHERE site = "
	    "'C' AND subject = 'case1'");
	/*
	 * a subscribed site's file at the hub: refused, nothing changed; a
	 * refusal of the rows (SQLSTATE 42501), so a data error (65), not
	 * a registry out of reach (69)
	 */
	{
		char *so = NULL, *se = NULL;
		int rc = cu_tool(&so, &se, "ecpr-import", "--db", hub,
		    file_a, (char *)NULL);

		CU_ASSERT_EQUAL(rc, 65);
		CU_ASSERT_PTR_NOT_NULL(strstr(se, "is replicated from its "
		    "own registry: change its rows there"));
		CU_ASSERT_STRING_EQUAL(so, "");
		free(so);
		free(se);
	}
	CU_ASSERT_QV(HUB, before, "SELECT string_agg(site || ':' || "
	    "episode_id || ':' || subject || ':' || coalesce(age_years::text, "
	    "''), ',' ORDER BY site, episode_id) FROM episode "
	    "WHERE site <> 'C'");
	/* C's rows go (the hub's own: the owner may) */
	CU_ASSERT_QV(HUB, "", "WITH a AS (DELETE FROM audit_log WHERE site = "
	    "'C'), e AS (DELETE FROM episode WHERE site = 'C') DELETE FROM "
	    "subject WHERE site = 'C'");
	CU_ASSERT_QV(HUB, "0", "SELECT count(*) FROM event WHERE site = 'C'");
	abc = qv(HUB, "SELECT count(*) FROM episode");
	CU_ASSERT_STRING_EQUAL(abc, "9");
	free(abc);
	free(before);
	free(c_file);
}

/*
 * A malicious site: site A's superuser publishes rows of site B (a
 * publication without row filter).  The hub's apply of A's subscription
 * refuses them (the guard trigger): B's rows at the hub stay B's, A's
 * subscription stops with errors until A is mended.  Mending: the hub
 * unsubscribes A with --purge; a publication holding another table is
 * refused at subscribe; A published again as ecpr-db makes it is taken.
 */
static void
test_site_writing_other_site_refused(void)
{
	char *out, *before;

	before = qv(HUB, "SELECT string_agg(subject || ':' || coalesce(bmi::"
	    "text, '') || ':' || coalesce(sex, ''), ',' ORDER BY subject) "
	    "FROM episode WHERE site = 'B'");
	free(qv(SITE_A, "ALTER PUBLICATION \"ecpr_site_A\" SET TABLE subject, "
	    "episode, event"));
	free(qv(SITE_A, "INSERT INTO site VALUES ('B')"));
	free(qv(SITE_A, "INSERT INTO subject VALUES ('B', 'case1')"));
	free(qv(SITE_A, "INSERT INTO episode (episode_id, site, subject, "
	    "episode, sex, bmi) VALUES (1000, 'B', 'case1', 1, 'U', 99)"));
	/* and an update of B's row the hub holds (same key) */
	free(qv(SITE_A, "INSERT INTO subject VALUES ('B', 'x')"));
	CU_ASSERT_FATAL(hub_errors("apply_error_count", "A"));
	CU_ASSERT_QV(HUB, before, "SELECT string_agg(subject || ':' || "
	    "coalesce(bmi::text, '') || ':' || coalesce(sex, ''), ',' "
	    "ORDER BY subject) FROM episode WHERE site = 'B'");
	CU_ASSERT_QV(HUB, "0", "SELECT count(*) FROM episode WHERE "
	    "episode_id = 1000");
	CU_ASSERT_QV(HUB, "0", "SELECT count(*) FROM subject WHERE site = 'B' "
	    "AND subject = 'x'");
	out = ecpr_db(HUB, 0, "subscriptions", NULL, NULL, NULL, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nB\tstreaming\t0\t0.0\t0\n"));
	{
		/* A's row counts its failed applies */
		const char *a = strstr(out, "\nA\t");
		const char *nl = a ? strchr(a + 1, '\n') : NULL;

		CU_ASSERT_FATAL(a != NULL && nl != NULL);
		if (nl != NULL)
			CU_ASSERT(nl[-1] != '0' || nl[-2] != '\t');
	}
	free(out);
	free(before);

	/* mend: drop A at the hub with its rows; A cleans up */
	out = ecpr_db(HUB, 0, "unsubscribe", "--purge", "A", NULL, NULL, NULL);
	CU_ASSERT_STRING_EQUAL(out, "unsubscribed from site A, its rows "
	    "removed\n");
	free(out);
	free(ecpr_db(HUB, 65, "unsubscribe", "A", NULL, NULL, NULL, NULL));
	CU_ASSERT_QV(HUB, "0|0|0", "SELECT (SELECT count(*) FROM episode "
	    "WHERE site = 'A') || '|' || (SELECT count(*) FROM event WHERE "
	    "site = 'A') || '|' || (SELECT count(*) FROM audit_log WHERE "
	    "site = 'A')");
	CU_ASSERT_QV(SITE_A, "0", "SELECT count(*) FROM pg_replication_slots");
	free(qv(SITE_A, "DELETE FROM episode WHERE site = 'B'"));
	free(qv(SITE_A, "DELETE FROM subject WHERE site = 'B'"));
	free(qv(SITE_A, "DELETE FROM site WHERE site = 'B'"));
	/* a publication with a table no site writes at the hub: refused */
	free(qv(SITE_A, "ALTER PUBLICATION \"ecpr_site_A\" ADD TABLE "
	    "site_role"));
	free(ecpr_db(HUB, 65, "subscribe", "A", ci_pub[SITE_A], NULL, NULL,
	    NULL));
	CU_ASSERT_QV(HUB, "1", "SELECT count(*) FROM pg_subscription");
	CU_ASSERT_QV(SITE_A, "0", "SELECT count(*) FROM pg_replication_slots");
	/* published again as ecpr-db makes it */
	out = ecpr_db(SITE_A, 0, "publish", "--port", port[SITE_A], "A",
	    NULL, NULL);
	CU_ASSERT_NSTRING_EQUAL(out, ci_pub[SITE_A], strlen(ci_pub[SITE_A]));
	CU_ASSERT_STRING_EQUAL(out + strlen(ci_pub[SITE_A]), "\n");
	free(out);
	CU_ASSERT_QV(SITE_A, "audit_log complication episode event "
	    "observation subject|false", "SELECT string_agg(tablename, ' ' ORDER "
	    "BY tablename) || '|' || bool_or(rowfilter IS NULL) FROM "
	    "pg_publication_tables WHERE pubname = 'ecpr_site_A'");
}

/*
 * A site that publishes TRUNCATE (which would empty every site's table
 * at the hub) or ids in the hub's own range is refused the same way;
 * the hub's rows stay, and the site mended is taken again.
 */
static void
test_site_truncate_and_hub_ids_refused(void)
{
	char *before, *out;

	before = qv(HUB, "SELECT count(*) || '|' || (SELECT count(*) FROM "
	    "audit_log) FROM episode");
	free(qv(SITE_B, "ALTER PUBLICATION \"ecpr_site_B\" SET (publish = "
	    "'insert, update, delete, truncate')"));
	free(qv(SITE_B, "TRUNCATE audit_log"));
	CU_ASSERT_FATAL(hub_errors("apply_error_count", "B"));
	CU_ASSERT_QV(HUB, before, "SELECT count(*) || '|' || (SELECT count(*) "
	    "FROM audit_log) FROM episode");
	free(ecpr_db(HUB, 0, "unsubscribe", "B", NULL, NULL, NULL, NULL));
	/* B's rows stay at the hub, no longer guarded */
	CU_ASSERT_QV(HUB, before, "SELECT count(*) || '|' || (SELECT count(*) "
	    "FROM audit_log) FROM episode");
	free(ecpr_db(HUB, 65, "subscribe", "B", ci_pub[SITE_B], NULL, NULL,
	    NULL));
	free(ecpr_db(HUB, 0, "unsubscribe", "--purge", "B", NULL, NULL,
	    NULL));
	/* an id of the hub's range */
	free(ecpr_db(SITE_B, 0, "publish", "--port", port[SITE_B], "B", NULL,
	    NULL));
	free(qv(SITE_B, "INSERT INTO subject VALUES ('B', 'big')"));
	free(qv(SITE_B, "INSERT INTO episode (episode_id, site, subject, "
	    "episode) VALUES (4611686018427387904, 'B', 'big', 1)"));
	free(ecpr_db(HUB, 0, "subscribe", "B", ci_pub[SITE_B], NULL, NULL,
	    NULL));
	CU_ASSERT_FATAL(hub_errors("sync_error_count", "B"));
	CU_ASSERT_QV(HUB, "0", "SELECT count(*) FROM episode WHERE "
	    "episode_id >= 4611686018427387904");
	free(ecpr_db(HUB, 0, "unsubscribe", "--purge", "B", NULL, NULL,
	    NULL));
	free(qv(SITE_B, "DELETE FROM episode WHERE subject = 'big'"));
	free(qv(SITE_B, "DELETE FROM subject WHERE subject = 'big'"));
	free(ecpr_db(HUB, 0, "subscribe", "B", ci_pub[SITE_B], NULL, NULL,
	    NULL));
	CU_ASSERT_FATAL(hub_wait(SITE_B, "B"));
	out = ecpr_db(HUB, 0, "subscriptions", NULL, NULL, NULL, NULL, NULL);
	CU_ASSERT_STRING_EQUAL(out, "site\tstate\tlag_bytes\tlag_seconds\t"
	    "errors\nB\tstreaming\t0\t0.0\t0\n");
	free(out);
	CU_ASSERT_QV(HUB, "5|0", "SELECT count(*) || '|' || (SELECT count(*) "
	    "FROM audit_log WHERE site = 'B') FROM episode WHERE site = 'B'");
	free(before);
}

/* ---- schema migrations ------------------------------------------------- */

/* A directory with the migrations of the source tree and extra (name,
 * text); ecpr-db migrate reads it through $ECPR_SQL_DIR. */
static void
sql_dir(const char *sqldir, const char *name, const char *text)
{
	const char *srcdir = getenv("ECPR_SRCDIR");
	char src[1200], *t;
	struct dirent *de;
	DIR *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(srcdir);
	mkdir(sqldir, 0755);
	snprintf(src, sizeof(src), "%s/sql", srcdir);
	d = opendir(src);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) < 8 || strcmp(de->d_name +
		    strlen(de->d_name) - 4, ".sql") != 0)
			continue;
		snprintf(src, sizeof(src), "%s/sql/%s", srcdir, de->d_name);
		t = cu_read_file(src, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		free(cu_write_file(sqldir, de->d_name, t));
		free(t);
	}
	closedir(d);
	free(cu_write_file(sqldir, name, text));
	setenv("ECPR_SQL_DIR", sqldir, 1);
}

/*
 * A migration that adds a column, applied at the hub first, then at the
 * sites (the documented order): replication goes on, and the new
 * column's values arrive (a site's publication takes the column when
 * the site migrates).  The other order, a site first: the hub cannot
 * apply that site's changes until it has the column too; the
 * subscription retries, and once the hub has migrated it catches up
 * with nothing lost.
 */
static void
test_migration_order(void)
{
	char sqldir[1200], path[1400];
	int i;

	/* hub first, then the sites */
	snprintf(sqldir, sizeof(sqldir), "%s/sql1", tmp);
	sql_dir(sqldir, "998_hub_first.sql", "ALTER TABLE public.episode "
	    "ADD COLUMN hub_first text;\n");
	for (i = HUB; i >= SITE_A; i--)
		free(ecpr_db(i, 0, "migrate", NULL, NULL, NULL, NULL, NULL));
	CU_ASSERT_QV(SITE_B, "t", "SELECT 'hub_first' = ANY (attnames) FROM "
	    "pg_publication_tables WHERE pubname = 'ecpr_site_B' AND "
	    "tablename = 'episode'");
	free(qv(SITE_B, "UPDATE episode SET hub_first = 'b-' || subject"));
	free(ecpr_db(HUB, 0, "subscribe", "A", ci_pub[SITE_A], NULL, NULL,
	    NULL));
	free(qv(SITE_A, "UPDATE episode SET hub_first = 'a-' || subject"));
	CU_ASSERT_FATAL(hub_wait(SITE_A, "A") && hub_wait(SITE_B, "B"));
	CU_ASSERT_QV(HUB, "a-case2|b-case2", "SELECT string_agg(hub_first, "
	    "'|' ORDER BY site) FROM episode WHERE subject = 'case2'");

	/* a site first: the hub waits for its own migration */
	snprintf(sqldir, sizeof(sqldir), "%s/sql2", tmp);
	sql_dir(sqldir, "999_site_first.sql", "ALTER TABLE public.episode "
	    "ADD COLUMN site_first text;\n");
	free(ecpr_db(SITE_A, 0, "migrate", NULL, NULL, NULL, NULL, NULL));
	free(qv(SITE_A, "UPDATE episode SET site_first = 'a-' || subject"));
	CU_ASSERT_FATAL(hub_errors("apply_error_count", "A"));
	free(ecpr_db(HUB, 0, "migrate", NULL, NULL, NULL, NULL, NULL));
	free(ecpr_db(SITE_B, 0, "migrate", NULL, NULL, NULL, NULL, NULL));
	CU_ASSERT_FATAL(hub_wait(SITE_A, "A") && hub_wait(SITE_B, "B"));
	CU_ASSERT_QV(HUB, "a-case4|", "SELECT string_agg(coalesce(site_first, "
	    "''), '|' ORDER BY site) FROM episode WHERE subject = 'case4'");
	unsetenv("ECPR_SQL_DIR");
	snprintf(path, sizeof(path), "%s/b3.csv", tmp);
	hub_table_is(file_a, path);
}

static CU_TestInfo hub_tests[] = {
	{ "a registry of version 5 is upgraded, same outputs",
	    test_upgrade_from_5 },
	{ "publish opens TCP for the replication role only",
	    test_publish_opens_tcp_for_the_replication_role_only },
	{ "subscribe: the hub holds both sites, duplicate refused",
	    test_subscribe_hub_holds_both_sites },
	{ "a site's re-import propagates to the hub",
	    test_site_reimport_propagates },
	{ "the hub stopped catches up", test_hub_stopped_catches_up },
	{ "a site role at the hub reads its own site only",
	    test_hub_site_role_reads_own_site_only },
	{ "the hub's own imports beside replicated ids",
	    test_hub_own_import },
	{ "a site writing another site's rows is refused",
	    test_site_writing_other_site_refused },
	{ "a site's TRUNCATE and ids of the hub's range are refused",
	    test_site_truncate_and_hub_ids_refused },
	{ "migrations: hub first, then sites", test_migration_order },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "hub", suite_init, suite_cleanup, NULL, NULL, hub_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
