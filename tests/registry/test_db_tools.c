/* test_db_tools.c - ecpr-db, ecpr-import and ecpr-table --db, run as built */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cu_main.h"
#include "pg_harness.h"
#include "pgcluster.h"

static char conninfo[1600];
static char *tmp;

/* cu_run_tool with a const argv (copied). */
static int
run_tool(const char *const *argv, const char *in, char **out, char **err)
{
	char *v[32];
	int n, rc;

	for (n = 0; argv[n] != NULL && n < 31; n++)
		v[n] = strdup(argv[n]);
	v[n] = NULL;
	rc = cu_run_tool(v, in, out, err);
	while (n-- > 0)
		free(v[n]);
	return rc;
}

static int
suite_init(void)
{
	const char *ci = pgh_start();
	const char *argv[] = { "ecpr-db", "--db", conninfo, "migrate", NULL };
	char *out = NULL, *err = NULL;
	int rc;

	if (ci == NULL)
		return 1;
	snprintf(conninfo, sizeof(conninfo), "%s", ci);
	tmp = cu_tmpdir();
	chmod(tmp, 0711);
	pgh_unset_pg_env();
	rc = run_tool(argv, NULL, &out, &err);
	if (rc != 0)
		fprintf(stderr, "migrate: %d %s %s\n", rc, out, err);
	free(out);
	free(err);
	return rc == 0 ? 0 : 1;
}

static int
suite_cleanup(void)
{
	cu_rmtree(tmp);
	free(tmp);
	return pgh_suite_cleanup();
}

static char *
q1(const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = PQexec(c, sql);
	char *s = strdup(PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "<error>");

	PQclear(r);
	PQfinish(c);
	return s;
}

#define CU_ASSERT_Q(sql, want) do {					\
	char *got_ = q1(sql);						\
	CU_ASSERT_STRING_EQUAL(got_, (want));				\
	if (strcmp(got_, (want)) != 0)					\
		fprintf(stderr, "\n%s: got %s, want %s\n", (sql), got_,	\
		    (want));						\
	free(got_);							\
} while (0)

/* Run a tool; check exit status and stdout (when want_out != NULL). */
static char *
run_ok(const char *const argv[], int want_rc, const char *want_out)
{
	char *out = NULL, *err = NULL;
	int rc = run_tool(argv, NULL, &out, &err);

	CU_ASSERT_EQUAL(rc, want_rc);
	if (want_out != NULL) {
		CU_ASSERT_STRING_EQUAL(out, want_out);
		if (strcmp(out, want_out) != 0)
			fprintf(stderr, "\n%s: stdout %s\n", argv[0], out);
	}
	if (rc != want_rc)
		fprintf(stderr, "\n%s %s: rc %d, stderr %s\n", argv[0],
		    argv[1] ? argv[1] : "", rc, err);
	free(out);
	return err;
}

/* Run a tool on files (f) and on the registry (d): both exit 0 and
 * print the same; what names the case in a message. */
static void
same_output(const char *const f[], const char *const d[], const char *what)
{
	char *fout = NULL, *dout = NULL, *e = NULL;

	CU_ASSERT_EQUAL(run_tool(f, NULL, &fout, &e), 0);
	free(e);
	CU_ASSERT_EQUAL(run_tool(d, NULL, &dout, &e), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fout);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dout);
	CU_ASSERT_STRING_EQUAL(dout, fout);
	if (strcmp(dout, fout) != 0)
		fprintf(stderr, "\n%s: files:\n%s\ndb:\n%s\nerr %s\n", what,
		    fout, dout, e);
	free(e);
	free(fout);
	free(dout);
}

static const char case_wide[] =
    "site,subject,episode,sex,cpc_discharge,ca_onset,cpr_start,"
    "cannulation_start,ecmo_flow_start,ecmo_stop,hospital_admit,"
    "hospital_discharge\n"
    "T1,w1,1,M,1,2023-05-01T10:00Z,2023-05-01T10:04Z,2023-05-01T10:30Z,"
    "2023-05-01T10:50Z,2023-05-04T10:50Z,2023-05-01T09:50Z,2023-05-20\n"
    "T1,w2,1,F,2,2023-06-01T08:00Z,2023-06-01T08:02Z,,,,,\n";

static const char case_long[] =
    "site,subject,episode,event,time,note\n"
    "T1,w1,1,mcc_start,2023-05-01T10:06Z,LUCAS\n"
    "T1,w1,1,mcc_stop,2023-05-01T10:20Z,\n"
    "T1,w1,1,mcc_start,2023-05-01T10:25Z,\n"
    "T1,w1,1,mcc_stop,2023-05-01T10:51Z,\n";

/* ---- options ------------------------------------------------------------ */

static void
test_help_version_bad_option(void)
{
	static const char *const tools[] = { "ecpr-db", "ecpr-import", NULL };
	char *out = NULL, *err = NULL;
	int i;

	for (i = 0; tools[i] != NULL; i++) {
		const char *help[] = { tools[i], "--help", NULL };
		const char *ver[] = { tools[i], "--version", NULL };
		const char *bad[] = { tools[i], "--no-such-option", NULL };
		char want[64];

		CU_ASSERT_EQUAL(run_tool(help, NULL, &out, &err), 0);
		snprintf(want, sizeof(want), "usage: %s ", tools[i]);
		CU_ASSERT_EQUAL(strncmp(out, want, strlen(want)), 0);
		free(out);
		free(err);
		CU_ASSERT_EQUAL(run_tool(ver, NULL, &out, &err), 0);
		snprintf(want, sizeof(want), "%s (ecprkit) 0.1.0\n", tools[i]);
		CU_ASSERT_STRING_EQUAL(out, want);
		free(out);
		free(err);
		CU_ASSERT_EQUAL(run_tool(bad, NULL, &out, &err), 64);
		CU_ASSERT_STRING_EQUAL(out, "");
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "--no-such-option"));
		free(out);
		free(err);
	}
}

/* ---- the embedded registry ------------------------------------------------ */

static void
test_ecpr_db_lifecycle(void)
{
	char dir[4200], want[4400], env[4300];
	char *wide = cu_write_file(tmp, "emb-wide.csv", case_wide);
	const char *st[] = { "ecpr-db", "status", NULL };
	const char *init[] = { "ecpr-db", "init", NULL };
	const char *url[] = { "ecpr-db", "url", NULL };
	const char *mig[] = { "ecpr-db", "migrate", NULL };
	const char *stop[] = { "ecpr-db", "stop", NULL };
	const char *start[] = { "ecpr-db", "start", NULL };
	const char *role[] = { "ecpr-db", "add-site-role", "emb_t1", "T1", NULL };
	const char *coord[] = { "ecpr-db", "add-coordinator-role", "emb_c", NULL };
	const char *imp[] = { "ecpr-import", wide, NULL };
	const char *tab[] = { "ecpr-table", "--db", "", NULL };
	char *e;

	snprintf(dir, sizeof(dir), "%s/reg", tmp);
	snprintf(env, sizeof(env), "%s", dir);
	setenv("ECPR_DB_DIR", env, 1);

	e = run_ok(st, 69, "");
	snprintf(want, sizeof(want), "ecpr-db: no registry in %s: create it "
	    "with 'ecpr-db init'\n", dir);
	CU_ASSERT_STRING_EQUAL(e, want);
	free(e);
	snprintf(want, sizeof(want), "registry ready in %s\n", dir);
	free(run_ok(init, 0, want));
	snprintf(want, sizeof(want), "%s: running\n", dir);
	free(run_ok(st, 0, want));
	/* init again is harmless */
	snprintf(want, sizeof(want), "registry ready in %s\n", dir);
	free(run_ok(init, 0, want));
	snprintf(want, sizeof(want), "host=%s/run dbname=ecpr user=postgres\n",
	    dir);
	free(run_ok(url, 0, want));
	free(run_ok(mig, 0, "schema version 7 (0 migrations applied)\n"));
	free(run_ok(role, 0, "role emb_t1 reads and writes site T1\n"));
	free(run_ok(coord, 0, "role emb_c reads every site\n"));
	/* the tools find the embedded registry by themselves */
	free(run_ok(imp, 0, "episodes: 2 inserted, 0 updated, 0 unchanged\n"));
	free(run_ok(imp, 0, "episodes: 0 inserted, 0 updated, 2 unchanged\n"));
	free(run_ok(tab, 0, NULL));
	free(run_ok(stop, 0, ""));
	snprintf(want, sizeof(want), "%s: stopped\n", dir);
	free(run_ok(st, 69, want));
	e = run_ok(imp, 69, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "ecpr-import: cannot connect to the "
	    "embedded registry (start it with 'ecpr-db start'"));
	free(e);
	free(run_ok(start, 0, ""));
	free(run_ok(imp, 0, "episodes: 0 inserted, 0 updated, 2 unchanged\n"));
	free(run_ok(stop, 0, ""));
	unsetenv("ECPR_DB_DIR");
	free(wide);
}

/* The first value of sql on c, malloc'd ("<error>" on failure). */
static char *
q1c(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	char *s = strdup(PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "<error>");

	PQclear(r);
	return s;
}

/* 1 when conninfo ci connects (the connection is closed again). */
static int
connects(const char *ci)
{
	PGconn *c = PQconnectdb(ci);
	int ok = PQstatus(c) == CONNECTION_OK;

	PQfinish(c);
	return ok;
}

static const char want_hba[] =
    "# ecprkit: the registry is reached on its Unix socket only: no TCP, "
    "no replication, no trust\n"
    "# TYPE\tDATABASE\tUSER\t\tMETHOD\n"
    "local\tall\t\tpostgres\tpeer map=ecpr\n"
    "local\tall\t\tall\t\tscram-sha-256\n";

/* DIR/data/pg_hba.conf is want_hba; postgresql.conf ends with block. */
static void
check_conf(const char *dir, const char *block)
{
	char path[4300];
	char *text, *v;

	snprintf(path, sizeof(path), "%s/data/pg_hba.conf", dir);
	text = cu_read_file(path, NULL);
	CU_ASSERT_STRING_EQUAL(text, want_hba);
	free(text);
	snprintf(path, sizeof(path), "%s/data/postgresql.conf", dir);
	text = cu_read_file(path, NULL);
	v = strstr(text, block);
	CU_ASSERT(v != NULL && strlen(v) == strlen(block));
	free(text);
}

/*
 * The cluster of 'ecpr-db init' takes no TCP connection and trusts
 * nobody, however it is started: pg_hba.conf has socket lines only
 * (peer for the superuser, scram-sha-256 for every other role) and
 * postgresql.conf itself says listen_addresses = ''.  A registry made
 * before (trust) is made safe by 'ecpr-db start'.
 */
static void
test_ecpr_db_cluster_socket_only(void)
{
	char dir[4200], path[4300], ci[4400], sci[4400], tcp[256], port[16];
	char block[4600], msg[2048];
	pgc pc;
	const char *init[] = { "ecpr-db", "init", dir, NULL };
	const char *stop[] = { "ecpr-db", "-D", dir, "stop", NULL };
	const char *start[] = { "ecpr-db", "-D", dir, "start", NULL };
	const char *plain[] = { "start", "-w", "-t", "60", "-D", path, "-l",
		pc.log, "-o", port, NULL };
	const char *halt[] = { "stop", "-w", "-D", path, "-m", "fast", NULL };
	char *text, *v, *cut;
	PGconn *c;
	int p;

	snprintf(dir, sizeof(dir), "%s/sock", tmp);
	free(run_ok(init, 0, NULL));
	snprintf(block, sizeof(block), "\n# ecprkit: the registry is reached "
	    "on its Unix socket only\nlisten_addresses = ''\n"
	    "unix_socket_directories = '%s/run'\n"
	    "unix_socket_permissions = 0700\n"
	    "password_encryption = 'scram-sha-256'\n", dir);
	check_conf(dir, block);
	snprintf(path, sizeof(path), "%s/data/pg_ident.conf", dir);
	text = cu_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\necpr\t\tpostgres\tpostgres\n"
	    "ecpr\t\troot\t\tpostgres\n"));
	free(text);
	free(run_ok(stop, 0, ""));

	/* started by hand, without ecpr-db's -c listen_addresses='' */
	CU_ASSERT_EQUAL_FATAL(pgc_setup(&pc, dir, msg, sizeof(msg)), 0);
	p = pgh_free_port();
	CU_ASSERT_FATAL(p > 0);
	snprintf(port, sizeof(port), "-p %d", p);
	snprintf(path, sizeof(path), "%s/data", dir);
	CU_ASSERT_EQUAL_FATAL(pgc_run(&pc, "pg_ctl", plain, msg,
	    sizeof(msg)), 0);
	snprintf(tcp, sizeof(tcp), "host=127.0.0.1 port=%d dbname=ecpr "
	    "user=postgres connect_timeout=5", p);
	CU_ASSERT_EQUAL(connects(tcp), 0);
	snprintf(tcp, sizeof(tcp), "host=localhost port=%d dbname=ecpr "
	    "user=postgres connect_timeout=5", p);
	CU_ASSERT_EQUAL(connects(tcp), 0);
	snprintf(ci, sizeof(ci), "host=%s/run port=%d dbname=ecpr "
	    "user=postgres", dir, p);
	c = PQconnectdb(ci);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	v = q1c(c, "SHOW listen_addresses");
	CU_ASSERT_STRING_EQUAL(v, "");
	free(v);
	v = q1c(c, "SELECT string_agg(type || ' ' || array_to_string("
	    "user_name, ',') || ' ' || auth_method, '; ' ORDER BY line_number) "
	    "FROM pg_hba_file_rules");
	CU_ASSERT_STRING_EQUAL(v, "local postgres peer; local all "
	    "scram-sha-256");
	free(v);
	/* a site role logs in with its password only */
	free(q1c(c, "SELECT ecpr_add_site_role('sock_a', 'A')"));
	snprintf(sci, sizeof(sci), "host=%s/run port=%d dbname=ecpr "
	    "user=sock_a", dir, p);
	CU_ASSERT_EQUAL(connects(sci), 0);
	free(q1c(c, "ALTER ROLE sock_a PASSWORD 'pw-sock_a'"));
	v = q1c(c, "SELECT left(rolpassword, 14) FROM pg_authid "
	    "WHERE rolname = 'sock_a'");
	CU_ASSERT_STRING_EQUAL(v, "SCRAM-SHA-256$");
	free(v);
	snprintf(sci, sizeof(sci), "host=%s/run port=%d dbname=ecpr "
	    "user=sock_a password=wrong", dir, p);
	CU_ASSERT_EQUAL(connects(sci), 0);
	snprintf(sci, sizeof(sci), "host=%s/run port=%d dbname=ecpr "
	    "user=sock_a password=pw-sock_a", dir, p);
	CU_ASSERT_EQUAL(connects(sci), 1);
	PQfinish(c);
	CU_ASSERT_EQUAL(pgc_run(&pc, "pg_ctl", halt, msg, sizeof(msg)), 0);

	/* a registry made with trust: 'ecpr-db start' makes it safe */
	snprintf(path, sizeof(path), "%s/data", dir);
	free(cu_write_file(path, "pg_hba.conf", "local all all trust\n"
	    "host all all 127.0.0.1/32 trust\n"
	    "host replication all 127.0.0.1/32 trust\n"));
	snprintf(path, sizeof(path), "%s/data/postgresql.conf", dir);
	text = cu_read_file(path, NULL);
	cut = strstr(text, block);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
	*cut = '\0';
	snprintf(path, sizeof(path), "%s/data", dir);
	free(cu_write_file(path, "postgresql.conf", text));
	free(text);
	free(run_ok(start, 0, ""));
	check_conf(dir, block);
	snprintf(ci, sizeof(ci), "host=%s/run dbname=ecpr user=nobody", dir);
	CU_ASSERT_EQUAL(connects(ci), 0);
	free(run_ok(stop, 0, ""));
}

/* ---- ecpr-import ---------------------------------------------------------- */

static void
test_import_summary_and_dry_run(void)
{
	char *wide = cu_write_file(tmp, "wide.csv", case_wide);
	char *lng = cu_write_file(tmp, "long.csv", case_long);
	const char *dry[] = { "ecpr-import", "--db", conninfo, "--dry-run", wide,
		lng, NULL };
	const char *imp[] = { "ecpr-import", "--db", conninfo, wide, lng, NULL };
	char *e;

	e = run_ok(dry, 0, "dry run: episodes: 2 inserted, 0 updated, "
	    "0 unchanged\n");
	CU_ASSERT_STRING_EQUAL(e, ""); /* no progress: not a terminal */
	free(e);
	CU_ASSERT_Q("SELECT count(*) FROM episode WHERE site = 'T1'", "0");
	free(run_ok(imp, 0, "episodes: 2 inserted, 0 updated, 0 unchanged\n"));
	CU_ASSERT_Q("SELECT count(*) FROM event WHERE site = 'T1'", "13");
	CU_ASSERT_Q("SELECT mechanical_cc_min || '|' || ecpr_days || '|' || "
	    "hospital_days FROM episode_intervals WHERE subject = 'w1'",
	    "40|3.0|18.6..19.6");
	CU_ASSERT_Q("SELECT note FROM event WHERE type = 'mcc_start' AND "
	    "occurrence = 1 AND site = 'T1'", "LUCAS");
	free(run_ok(imp, 0, "episodes: 0 inserted, 0 updated, 2 unchanged\n"));
	CU_ASSERT_Q("SELECT count(*) FROM audit_log WHERE site = 'T1'", "0");
	free(wide);
	free(lng);
}

/*
 * ecpr-import reads the observation and complication long forms with
 * the episode's other files and stores them as written; the same files
 * again change nothing, a bad value anywhere changes nothing; ecpr-table
 * --db prints from the registry what it prints from the files.
 */
static void
test_import_observations(void)
{
	char *wide = cu_write_file(tmp, "ob-wide.csv",
	    "site,subject,episode,sex,age_years,ca_onset,cpr_start,"
	    "cannulation_start,ecmo_flow_start,ecmo_stop\n"
	    "OB,ob1,1,M,54,2023-05-01T10:00Z,2023-05-01T10:04Z,"
	    "2023-05-01T10:30Z,2023-05-01T10:50Z,2023-05-04T10:50Z\n"
	    "OB,ob2,1,F,12,2023-06-01T08:00Z,2023-06-01T08:02Z,"
	    "2023-06-01T08:40Z,2023-06-01T09:00Z,2023-06-03T09:00Z\n");
	char *obs = cu_write_file(tmp, "ob-obs.csv",
	    "site,subject,episode,observation,time,value,unit\n"
	    "OB,ob1,1,lactate,ecmo_flow_start+PT1H,> 15.0,mmol/L\n"
	    "OB,ob1,1,nt_probnp,2023-05-02T06:00Z,>35000,pg/mL\n"
	    "OB,ob1,1,creatinine,2023-05-02T06:00Z,134,µmol/L\n"
	    "OB,ob1,1,platelets,2023-05-03,41,10^9/L\n"
	    "OB,ob2,1,lactate,2023-06-01T10:00Z,9.8,mmol/L\n"
	    "OB,ob2,1,urine_output_kg,2023-06-02T10:00Z,<0.5,mL/kg/h\n");
	char *cpl = cu_write_file(tmp, "ob-cpl.csv",
	    "site,subject,episode,complication,time,attribution,note\n"
	    "OB,ob1,1,pulmonary_contusion,,mcc,CT on day 1\n"
	    "OB,ob1,1,pulmonary_infection,2023-05-03,ecpr,\n"
	    "OB,ob1,1,mods,ecmo_flow_start+P2D,ecpr,\n"
	    "OB,ob2,1,none,,mcc,\n");
	char *bad = cu_write_file(tmp, "ob-bad.csv",
	    "site,subject,episode,observation,time,value,unit\n"
	    "OB,ob3,1,lactate,2023-06-01T10:00Z,2.0,mmol/L\n"
	    "OB,ob1,1,lactate,2023-05-02T06:00Z,3.1,mmHg\n");
	const char *imp[] = { "ecpr-import", "--db", conninfo, wide, obs, cpl,
		NULL };
	const char *badimp[] = { "ecpr-import", "--db", conninfo, wide, obs,
		cpl, bad, NULL };
	static const char *const layouts[][4] = {
		{ "--format", "csv", NULL, NULL },
		{ "--layout", "paper", NULL, NULL },
	};
	char want[4400], *e;
	size_t i;

	free(run_ok(imp, 0, "episodes: 2 inserted, 0 updated, 0 unchanged\n"));
	CU_ASSERT_Q("SELECT string_agg(subject || ':' || observation || '@' "
	    "|| source || ' ' || comparator || value || ' ' || unit, '|' "
	    "ORDER BY subject, observation) FROM observation "
	    "JOIN episode USING (episode_id, site) WHERE site = 'OB'",
	    "ob1:creatinine@2023-05-02T06:00Z =134 umol/L|"
	    "ob1:lactate@ecmo_flow_start+PT1H >15.0 mmol/L|"
	    "ob1:nt_probnp@2023-05-02T06:00Z >35000 pg/mL|"
	    "ob1:platelets@2023-05-03 =41 10*9/L|"
	    "ob2:lactate@2023-06-01T10:00Z =9.8 mmol/L|"
	    "ob2:urine_output_kg@2023-06-02T10:00Z <0.5 mL/kg/h");
	CU_ASSERT_Q("SELECT string_agg(subject || ':' || complication || ':' "
	    "|| attribution || '@' || source || ':' || coalesce(note, '-'), "
	    "'|' ORDER BY subject, complication) FROM complication "
	    "JOIN episode USING (episode_id, site) WHERE site = 'OB'",
	    "ob1:mods:ecpr@ecmo_flow_start+P2D:-|"
	    "ob1:pulmonary_contusion:mcc@:CT on day 1|"
	    "ob1:pulmonary_infection:ecpr@2023-05-03:-|ob2:none:mcc@:-");
	free(run_ok(imp, 0, "episodes: 0 inserted, 0 updated, 2 unchanged\n"));

	/* a unit lactate does not take, in the last file: nothing written */
	e = run_ok(badimp, 65, "");
	snprintf(want, sizeof(want), "ecpr-import: %s:3: ", bad);
	CU_ASSERT_EQUAL(strncmp(e, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "mmHg"));
	free(e);
	CU_ASSERT_Q("SELECT count(*) FROM episode WHERE site = 'OB'", "2");
	CU_ASSERT_Q("SELECT count(*) FROM observation WHERE site = 'OB'", "6");
	CU_ASSERT_Q("SELECT count(*) FROM audit_log WHERE site = 'OB'", "0");

	/* the registry prints as the files do */
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const char *f[] = { "ecpr-table", layouts[i][0], layouts[i][1],
			wide, obs, cpl, NULL };
		const char *d[] = { "ecpr-table", layouts[i][0], layouts[i][1],
			"--db", conninfo, "--site", "OB", NULL };

		same_output(f, d, layouts[i][1]);
	}
	free(wide);
	free(obs);
	free(cpl);
	free(bad);
}

static void
test_import_corrected_file(void)
{
	char *fixed = cu_write_file(tmp, "fixed.csv",
	    "site,subject,episode,sex,cpc_discharge,ca_onset,cpr_start\n"
	    "T2,x1,1,M,1,2023-05-01T10:00Z,2023-05-01T10:04Z\n"
	    "T2,x2,1,F,2,2023-06-01T08:00Z,2023-06-01T08:02Z\n");
	char *fixed2 = cu_write_file(tmp, "fixed2.csv",
	    "site,subject,episode,sex,cpc_discharge,ca_onset,cpr_start\n"
	    "T2,x1,1,M,1,2023-05-01T10:00Z,2023-05-01T10:04Z\n"
	    "T2,x2,1,F,3,2023-06-01T08:00Z,2023-06-01T08:02Z\n");
	const char *a[] = { "ecpr-import", "--db", conninfo, fixed, NULL };
	const char *b[] = { "ecpr-import", "--db", conninfo, fixed2, NULL };

	free(run_ok(a, 0, "episodes: 2 inserted, 0 updated, 0 unchanged\n"));
	free(run_ok(b, 0, "episodes: 0 inserted, 1 updated, 1 unchanged\n"));
	CU_ASSERT_Q("SELECT string_agg(row_key || ' ' || column_name || ' ' || "
	    "old_value || '->' || new_value, ';') FROM audit_log "
	    "WHERE site = 'T2'", "T2/x2/1 cpc_discharge 2->3");
	free(fixed);
	free(fixed2);
}

static void
test_import_bad_file_changes_nothing(void)
{
	char *good = cu_write_file(tmp, "g.csv",
	    "site,subject,episode,ca_onset\nT3,y1,1,2023-05-01T10:00Z\n");
	char *bad = cu_write_file(tmp, "bad.csv",
	    "site,subject,episode,ca_onset\nT3,y2,1,2023-05-01T10:00Z\n"
	    "T3,y3,1,2023-02-30T10:00Z\n");
	const char *argv[] = { "ecpr-import", "--db", conninfo, good, bad, NULL };
	const char *nof[] = { "ecpr-import", "--db", conninfo, "/nonexistent.csv",
		NULL };
	const char *none[] = { "ecpr-import", NULL };
	char want[4400];
	char *e;

	e = run_ok(argv, 65, "");
	snprintf(want, sizeof(want), "ecpr-import: %s:3: ", bad);
	CU_ASSERT_EQUAL(strncmp(e, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "2023-02-30"));
	free(e);
	CU_ASSERT_Q("SELECT count(*) FROM episode WHERE site = 'T3'", "0");
	CU_ASSERT_Q("SELECT count(*) FROM site WHERE site = 'T3'", "0");
	e = run_ok(nof, 66, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "/nonexistent.csv"));
	free(e);
	free(run_ok(none, 64, ""));
	free(good);
	free(bad);
}

/* A site role's file with a row of another site: refused by file and
 * line, exit 65, nothing written. */
static void
test_import_other_site_refused(void)
{
	char *f = cu_write_file(tmp, "other-site.csv",
	    "site,subject,episode,sex,ca_onset\n"
	    "U1,u1,1,M,2023-05-01T10:00Z\n"
	    "U2,u2,1,F,2023-05-01T11:00Z\n");
	char ci[1800], want[4600];
	const char *role[] = { "ecpr-db", "--db", conninfo, "add-site-role",
		"imp_u1", "U1", NULL };
	const char *imp[] = { "ecpr-import", "--db", ci, f, NULL };
	char *e;

	snprintf(ci, sizeof(ci), "%s user=imp_u1 password=pw-imp_u1",
	    conninfo);
	free(run_ok(role, 0, "role imp_u1 reads and writes site U1\n"));
	free(q1("ALTER ROLE imp_u1 PASSWORD 'pw-imp_u1'"));
	e = run_ok(imp, 65, "");
	snprintf(want, sizeof(want), "ecpr-import: %s:3: site \"U2\" is not "
	    "a site of role imp_u1, which imports site U1 only (episode "
	    "U2/u2/1)\n", f);
	CU_ASSERT_STRING_EQUAL(e, want);
	free(e);
	CU_ASSERT_Q("SELECT count(*) FROM episode WHERE site IN ('U1', 'U2')",
	    "0");
	CU_ASSERT_Q("SELECT count(*) FROM import_batch "
	    "WHERE db_role = 'imp_u1'", "0");
	free(f);
}

/* A large wide file: n episodes of site K. */
static char *
big_file(const char *name, long n)
{
	char path[4200];
	FILE *fp;
	long i;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	fp = fopen(path, "w");
	if (fp == NULL)
		return NULL;
	fputs("site,subject,episode,ca_onset,cpr_start,mcc_start,mcc_stop,"
	    "cannulation_start,ecmo_flow_start,ecmo_stop,icu_admit,"
	    "icu_discharge,hospital_admit,hospital_discharge\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "K,k%06ld,1,2023-05-01T10:00Z,2023-05-01T10:04Z,"
		    "2023-05-01T10:06Z,2023-05-01T10:40Z,2023-05-01T10:30Z,"
		    "2023-05-01T10:50Z,2023-05-04T10:50Z,2023-05-01T11:30Z,"
		    "2023-05-10,2023-05-01T09:50Z,2023-05-20\n", i);
	if (fclose(fp) != 0)
		return NULL;
	return strdup(path);
}

static void
test_import_killed_changes_nothing(void)
{
	char *big = big_file("big.csv", 60000);
	char bin[4200];
	const char *bindir = getenv("ECPR_BIN");
	pid_t pid;
	int status = 0;
	struct timespec ts = { 0, 700 * 1000 * 1000 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	snprintf(bin, sizeof(bin), "%s/ecpr-import", bindir ? bindir :
	    "tools");
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(bin, "ecpr-import", "--db", conninfo, big, (char *)NULL);
		_exit(127);
	}
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	/* it was killed in the middle, not finished */
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CU_ASSERT_Q("SELECT count(*) FROM episode WHERE site = 'K'", "0");
	CU_ASSERT_Q("SELECT count(*) FROM event WHERE site = 'K'", "0");
	free(big);
}

/* ---- ecpr-table: file mode == database mode ------------------------------- */

static void
test_table_db_equals_files(void)
{
	static const char *const files[] = { "dst.csv", "escape.csv",
		"midnight.csv", "noecmo.csv", "partial.csv",
		"segments-wide.csv", "segments.csv", NULL };
	const char *argv[16], *imp[16];
	char *fout = NULL, *dout = NULL, *err = NULL;
	char paths[8][600];
	const char *tab[] = { "ecpr-table", "--format", "csv", "--db", conninfo,
		NULL };
	int i, n = 0, rc;

	/* runs first: the registry holds only these episodes */
	argv[n] = "ecpr-table";
	imp[n++] = "ecpr-import";
	argv[n] = "--tz";
	imp[n++] = "--tz";
	argv[n] = "Europe/Berlin";
	imp[n++] = "Europe/Berlin";
	argv[n] = "--format";
	imp[n++] = "--db";
	argv[n] = "csv";
	imp[n++] = conninfo;
	for (i = 0; files[i] != NULL; i++, n++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/table/%s",
		    getenv("ECPR_TEST_DATA"), files[i]);
		argv[n] = paths[i];
		imp[n] = paths[i];
	}
	argv[n] = NULL;
	imp[n] = NULL;
	free(run_ok(imp, 0, NULL));
	rc = run_tool(argv, NULL, &fout, &err);
	CU_ASSERT_EQUAL(rc, 0);
	free(err);
	rc = run_tool(tab, NULL, &dout, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fout);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dout);
	CU_ASSERT(strlen(fout) > 100);
	CU_ASSERT_STRING_EQUAL(dout, fout);
	if (strcmp(dout, fout) != 0)
		fprintf(stderr, "\nfiles:\n%s\ndb:\n%s\nerr %s\n", fout, dout,
		    err);
	free(fout);
	free(dout);
	free(err);
}

/*
 * The paper's Table 1, Table 2 and adverse-event rows from the registry
 * are those from the templates (case record, observations,
 * complications) the registry was loaded from, byte for byte.
 */
static void
test_table_db_templates(void)
{
	static const char *const names[] = { "case-record.csv",
		"observations.csv", "complications.csv" };
	static const char *const layouts[][2] = {
		{ "--layout", "paper" },
		{ "--format", "csv" },
	};
	const char *src = getenv("ECPR_SRCDIR");
	char paths[3][4200], *fout = NULL, *dout = NULL, *e;
	size_t i;

	for (i = 0; i < 3; i++)
		snprintf(paths[i], sizeof(paths[i]), "%s/templates/%s",
		    src ? src : ".", names[i]);
	{
		const char *imp[] = { "ecpr-import", "--db", conninfo,
			paths[0], paths[1], paths[2], NULL };

		free(run_ok(imp, 0, "episodes: 4 inserted, 0 updated, "
		    "0 unchanged\n"));
	}
	CU_ASSERT_Q("SELECT count(*) FROM observation WHERE site = 'SEED'",
	    "36");
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const char *f[] = { "ecpr-table", layouts[i][0], layouts[i][1],
			paths[0], paths[1], paths[2], NULL };
		const char *d[] = { "ecpr-table", layouts[i][0], layouts[i][1],
			"--db", conninfo, "--site", "SEED", NULL };

		CU_ASSERT_EQUAL(run_tool(f, NULL, &fout, &e), 0);
		free(e);
		CU_ASSERT_EQUAL(run_tool(d, NULL, &dout, &e), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(fout);
		CU_ASSERT_PTR_NOT_NULL_FATAL(dout);
		CU_ASSERT_PTR_NOT_NULL(strstr(fout, i == 0 ? "> 35,000" :
		    "nt_probnp"));
		CU_ASSERT_STRING_EQUAL(dout, fout);
		if (strcmp(dout, fout) != 0)
			fprintf(stderr, "\n%s: files:\n%s\ndb:\n%s\nerr %s\n",
			    layouts[i][1], fout, dout, e);
		free(e);
		free(fout);
		free(dout);
	}
}

static void
test_table_db_filters(void)
{
	const char *a[] = { "ecpr-table", "--db", conninfo, "--site", "T1",
		"--subject", "w2", NULL };
	const char *b[] = { "ecpr-table", "--db", conninfo, "x.csv", NULL };
	const char *c[] = { "ecpr-table", "--db", conninfo, "--since", "yesterday",
		NULL };
	const char *d[] = { "ecpr-table", "--db", conninfo, "--site", "nosuch",
		NULL };
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(run_tool(a, NULL, &out, &err), 0);
	/* the header and one row, of w2 */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nT1,w2,"));
	CU_ASSERT_PTR_NULL(strstr(out, "w1"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run_tool(b, NULL, &out, &err), 64);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run_tool(c, NULL, &out, &err), 64);
	free(out);
	free(err);
	/* a site with no episodes: the header only (sorting no rows used to
	 * be qsort(NULL, 0, ...), which aborts the UBSan build) */
	CU_ASSERT_EQUAL(run_tool(d, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(out, "site,subject,episode,no_flow_min,"
	    "conventional_cpr_min,mechanical_cc_min,cardiac_arrest_min,"
	    "ecmo_setup_min,ca_to_flow_min,ecpr_days,icu_days,hospital_days,"
	    "cpc_discharge\n");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
}

/* ecpr-db psql passes its arguments on to psql */
static void
test_ecpr_db_psql_arguments(void)
{
	const char *argv[] = { "ecpr-db", "--db", conninfo, "psql", "-XAt",
		"-c", "select version from schema_version order by 1", NULL };
	char *out = NULL, *err = NULL;
	int rc;

	rc = run_tool(argv, NULL, &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, "1\n2\n3\n4\n5\n6\n7\n");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
}

/*
 * ecpr-flowchart --db counts and writes from the registry what it does
 * from the files (tests/data/criteria: seven episodes of site S, their
 * counts worked out in tests/core/test_flowchart.c); --site and --subject
 * choose the episodes.
 */
static void
test_flowchart_db_equals_files(void)
{
	char crit[1024], cohort[1024];
	static const char *const formats[] = { "text", "csv" };
	size_t i;

	snprintf(crit, sizeof(crit), "%s", cu_data("criteria/three.crit"));
	snprintf(cohort, sizeof(cohort), "%s",
	    cu_data("criteria/cohort.csv"));
	{
		const char *imp[] = { "ecpr-import", "--db", conninfo, cohort,
			NULL };

		free(run_ok(imp, 0, "episodes: 7 inserted, 0 updated, "
		    "0 unchanged\n"));
	}
	for (i = 0; i < 2; i++) {
		const char *f[] = { "ecpr-flowchart", "-c", crit, "-f",
			formats[i], cohort, NULL };
		const char *d[] = { "ecpr-flowchart", "-c", crit, "-f",
			formats[i], "--db", conninfo, "--site", "S", NULL };

		same_output(f, d, formats[i]);
	}
	{
		const char *d[] = { "ecpr-flowchart", "-c", crit, "-f", "csv",
			"--db", conninfo, "--site", "S", "--subject", "b",
			NULL };

		free(run_ok(d, 0, "site,subject,episode,age,rhythm,flow,box\n"
		    "S,b,1,fail,pass,pass,excluded:age\n"));
	}
}

/*
 * ecpr-summary --db gives from the registry the table it gives from the
 * files: the hand-counted cohort of tests/core/test_summary.c
 * (tests/data/summary-cohort.csv, its sites A and B made SUM), by sex
 * in csv and text; --subject chooses the episodes.
 */
static void
test_summary_db_equals_files(void)
{
	static const char *const formats[] = { "csv", "text" };
	char *text, *p, *q, *out, *err, *dir = cu_tmpdir(), *cohort;
	size_t i;

	text = cu_read_file(cu_data("summary-cohort.csv"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	out = malloc(2 * strlen(text) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (p = text, q = out; *p != '\0'; p++) {
		*q++ = *p;
		if (*p == '\n' && (p[1] == 'A' || p[1] == 'B') && p[2] == ',') {
			q += sprintf(q, "SUM");
			p++;
		}
	}
	*q = '\0';
	cohort = cu_write_file(dir, "sum.csv", out);
	free(out);
	{
		const char *imp[] = { "ecpr-import", "--db", conninfo, cohort,
			NULL };

		free(run_ok(imp, 0, "episodes: 6 inserted, 0 updated, "
		    "0 unchanged\n"));
	}
	for (i = 0; i < 2; i++) {
		const char *f[] = { "ecpr-summary", "--by", "sex", "-f",
			formats[i], cohort, NULL };
		const char *d[] = { "ecpr-summary", "--by", "sex", "-f",
			formats[i], "--db", conninfo, "--site", "SUM", NULL };

		same_output(f, d, formats[i]);
	}
	{
		const char *d[] = { "ecpr-summary", "-f", "csv", "--db",
			conninfo, "--site", "SUM", "--subject", "p3", NULL };

		CU_ASSERT_EQUAL(run_tool(d, NULL, &out, &err), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nn,1\n\"age_years, median "
		    "[IQR]\",\"60 [60, 60]\"\n"));
		free(out);
		free(err);
	}
	free(text);
	free(cohort);
	cu_rmtree(dir);
	free(dir);
}

static CU_TestInfo tool_tests[] = {
	{ "--help, --version, bad option", test_help_version_bad_option },
	{ "ecpr-table --db == files", test_table_db_equals_files },
	{ "ecpr-db init/status/url/migrate/roles/stop/start",
	    test_ecpr_db_lifecycle },
	{ "ecpr-db cluster: Unix socket only, no trust",
	    test_ecpr_db_cluster_socket_only },
	{ "ecpr-import summary and --dry-run", test_import_summary_and_dry_run },
	{ "ecpr-import of observations and complications",
	    test_import_observations },
	{ "ecpr-import of a corrected file", test_import_corrected_file },
	{ "ecpr-import of a bad file changes nothing",
	    test_import_bad_file_changes_nothing },
	{ "ecpr-import of another site's rows by a site role",
	    test_import_other_site_refused },
	{ "ecpr-import killed changes nothing",
	    test_import_killed_changes_nothing },
	{ "ecpr-table --db filters", test_table_db_filters },
	{ "ecpr-flowchart --db == files", test_flowchart_db_equals_files },
	{ "ecpr-summary --db == files", test_summary_db_equals_files },
	{ "ecpr-table --db == files: the paper's tables from the templates",
	    test_table_db_templates },
	{ "ecpr-db psql passes arguments", test_ecpr_db_psql_arguments },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ "db tools", suite_init, suite_cleanup, NULL, NULL, tool_tests },
	CU_SUITE_INFO_NULL
};

int
main(void)
{
	return cu_run(suites);
}
