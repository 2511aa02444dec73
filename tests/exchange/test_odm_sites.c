/*
 * test_odm_sites.c - sites that cannot open a connection to the hub
 * (issue 12 item 5): each site exports a de-identified ODM file
 * (ecpr-odm export, its own key), the hub imports both into one registry
 * with ecpr-odm import --db as each site's role.  The hub holds both
 * sites under row-level security, gives the ecpr-table the files imply,
 * a second import changes nothing, a site's newer file changes that site
 * only, and a file with another site's rows is refused whole.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "cu_main.h"
#include "pg_harness.h"

static char conninfo[1600]; /* the hub's owner */
static char *tmp;
static char *be_xml, *be2_xml, *zj_xml, *both_xml;

/* The pseudonyms of the sites' subjects under the test keys. */
#define BE_P "Pc0f00ad0b457b74988db099d"
#define ZJ_P "P4d16492a64e4c133e08aeeb4"

#define HEAD "site,subject,episode,no_flow_min,conventional_cpr_min," \
	"mechanical_cc_min,cardiac_arrest_min,ecmo_setup_min," \
	"ca_to_flow_min,ecpr_days,icu_days,hospital_days,cpc_discharge," \
	"nt_probnp_worst,nt_probnp_flag,pct_worst,pct_flag,lactate_worst," \
	"lactate_flag,creatinine_worst,creatinine_flag,platelets_worst," \
	"platelets_flag,ecmo_flow_worst,ecmo_flow_flag,complications_mcc," \
	"complications_ecpr\n"
#define HEAD_BASE "site,subject,episode,no_flow_min,conventional_cpr_min," \
	"mechanical_cc_min,cardiac_arrest_min,ecmo_setup_min," \
	"ca_to_flow_min,ecpr_days,icu_days,hospital_days,cpc_discharge\n"
#define BE_BASE "BE," BE_P ",1,2,108,,,,110,6.4,,30.0..32.0,1\n"
#define BE_ROW "BE," BE_P ",1,2,108,,,,110,6.4,,30.0..32.0,1,,,,,,,,,,,,,,\n"
#define BE2_ROW "BE," BE_P ",1,3,107,,,,110,6.4,,30.0..32.0,1,,,,,,,,,,,,,,\n"
#define ZJ_ROWS "ZJ," ZJ_P ",1,3,52,43,,19,55,4.3,13.0..14.0,25.0..27.0," \
	"2,>35000,H,<0.5,N,>15.0,H,134.4,H,48,L,3.50,,pulmonary_contusion," \
	"pulmonary_infection;mods\n" \
	"ZJ," ZJ_P ",2,1,69,,,,70,,,,,,,,,,,,,,,,,,\n"

static const char *
data(const char *name)
{
	static char p[2][4096];
	static int k;

	k = (k + 1) % 2;
	snprintf(p[k], sizeof(p[k]), "%s/odm/%s", getenv("ECPR_TEST_DATA"),
	    name);
	return p[k];
}

/* The header and the rows of site of tests/data/odm/src, in tmp/name. */
static char *
site_rows(const char *src, const char *site, const char *name)
{
	char *text = cu_read_file(data(src), NULL), *out, *line, *nl, *path;
	size_t n = 0, k = strlen(site);

	if (text == NULL || (out = malloc(strlen(text) + 1)) == NULL) {
		free(text);
		return NULL;
	}
	for (line = text; *line != '\0'; line = nl + 1) {
		size_t len;

		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) + 1 : strlen(line);
		if (line == text || (strncmp(line, site, k) == 0 &&
		    line[k] == ',')) {
			memcpy(out + n, line, len);
			n += len;
		}
		if (nl == NULL)
			break;
	}
	out[n] = '\0';
	path = cu_write_file(tmp, name, out);
	free(out);
	free(text);
	return path;
}

/* ecpr-odm export, de-identified with key, of up to four files. */
static char *
export(const char *key, const char *name, const char *f1, const char *f2,
    const char *f3, const char *f4)
{
	char path[4096], *out = NULL, *err = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	setenv("ECPR_ODM_KEY", key, 1);
	rc = cu_tool(&out, &err, "ecpr-odm", "export", "-o", path, f1, f2, f3,
	    f4, NULL);
	unsetenv("ECPR_ODM_KEY");
	if (rc != 0)
		fprintf(stderr, "export %s: %d %s\n", name, rc, err);
	free(out);
	free(err);
	return rc == 0 ? strdup(path) : NULL;
}

/* The hub's conninfo for role (NULL: the owner). */
static const char *
hub(const char *role)
{
	static char ci[2][1800];
	static int k;

	k = (k + 1) % 2;
	if (role == NULL)
		snprintf(ci[k], sizeof(ci[k]), "%s", conninfo);
	else
		snprintf(ci[k], sizeof(ci[k]), "%s user=%s password=pw-%s",
		    conninfo, role, role);
	return ci[k];
}

/* One value of a query as the owner, malloc'd ("" on error). */
static char *
q1(const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = PQexec(c, sql);
	char *s = strdup(PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");

	if (PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_COMMAND_OK)
		fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return s;
}

/* Run a statement as the owner; 0 or -1. */
static int
exec_owner(const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = PQexec(c, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc != 0)
		fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

/*
 * Everything the hub holds of site, as one text: every row of its
 * episodes, events, observations and complications (ids and batch ids
 * included, so an import that rewrote a row unchanged would show), and
 * its audit rows.
 */
static char *
site_state(const char *site)
{
	char sql[2048];

	snprintf(sql, sizeof(sql), "SELECT md5(concat_ws('|', "
	    "(SELECT string_agg(x::text, ';' ORDER BY x.episode_id) "
	    "FROM episode x WHERE site = '%s'), "
	    "(SELECT string_agg(x::text, ';' ORDER BY x::text) "
	    "FROM event x WHERE site = '%s'), "
	    "(SELECT string_agg(x::text, ';' ORDER BY x::text) "
	    "FROM observation x WHERE site = '%s'), "
	    "(SELECT string_agg(x::text, ';' ORDER BY x::text) "
	    "FROM complication x WHERE site = '%s'))) || ' ' || "
	    "(SELECT count(*) FROM audit_log WHERE site = '%s')",
	    site, site, site, site, site);
	return q1(sql);
}

/* ecpr-odm import --db as role; the exit status. */
static int
import_as(const char *role, const char *file, char **out, char **err)
{
	return cu_tool(out, err, "ecpr-odm", "import", "--db", hub(role), file,
	    NULL);
}

/*
 * ecpr-odm import --db as role of file: exit status code, standard
 * output want_out and standard error want_err (NULL: not checked).
 */
static void
import_expect(const char *role, const char *file, int code,
    const char *want_out, const char *want_err)
{
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(import_as(role, file, &out, &err), code);
	CU_ASSERT_STRING_EQUAL(out, want_out);
	if (want_err != NULL)
		CU_ASSERT_STRING_EQUAL(err, want_err);
	free(out);
	free(err);
}

/* ecpr-table --format csv of the hub as role. */
static char *
table_as(const char *role)
{
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-table", "--format", "csv",
	    "--db", hub(role), NULL), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	return out;
}

static int
suite_init(void)
{
	const char *ci = pgh_start();
	char *out = NULL, *err = NULL;
	char *be_l, *be_w, *be2_l, *be2_w, *zj_l, *zj_w, *all_l, *all_w;
	int rc;

	if (ci == NULL)
		return 1;
	snprintf(conninfo, sizeof(conninfo), "%s", ci);
	tmp = cu_tmpdir();
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	unsetenv("ECPR_TZ");
	rc = cu_tool(&out, &err, "ecpr-db", "--db", conninfo, "migrate", NULL);
	if (rc != 0)
		fprintf(stderr, "migrate: %d %s %s\n", rc, out, err);
	free(out);
	free(err);
	/* the hub: a role per site, a coordinator */
	rc = rc != 0 ? rc : exec_owner("SELECT ecpr_add_site_role('site_be', "
	    "'BE'), ecpr_add_site_role('site_zj', 'ZJ'), "
	    "ecpr_add_coordinator_role('coord'); "
	    "ALTER ROLE site_be PASSWORD 'pw-site_be'; "
	    "ALTER ROLE site_zj PASSWORD 'pw-site_zj'; "
	    "ALTER ROLE coord PASSWORD 'pw-coord'");
	/* each site's case records, and its de-identified file */
	be_l = site_rows("db-long.csv", "BE", "be-long.csv");
	be_w = site_rows("db-wide.csv", "BE", "be-wide.csv");
	be2_l = site_rows("db-long-v2.csv", "BE", "be-long-v2.csv");
	be2_w = site_rows("db-wide-v2.csv", "BE", "be-wide-v2.csv");
	zj_l = site_rows("db-long.csv", "ZJ", "zj-long.csv");
	zj_w = site_rows("db-wide.csv", "ZJ", "zj-wide.csv");
	all_l = strdup(data("db-long.csv"));
	all_w = strdup(data("db-wide.csv"));
	if (rc == 0 && be_l != NULL && be_w != NULL && be2_l != NULL &&
	    be2_w != NULL && zj_l != NULL && zj_w != NULL && all_l != NULL &&
	    all_w != NULL) {
		be_xml = export("hub-test-key-of-site-BE", "be.xml", be_l, be_w,
		    NULL, NULL);
		be2_xml = export("hub-test-key-of-site-BE", "be-v2.xml", be2_l,
		    be2_w, NULL, NULL);
		zj_xml = export("hub-test-key-of-site-ZJ", "zj.xml", zj_l, zj_w,
		    data("obs-observations.csv"),
		    data("obs-complications.csv"));
		/* a file of site BE that also holds ZJ's rows */
		both_xml = export("hub-test-key-of-site-BE", "both.xml", all_l,
		    all_w, NULL, NULL);
	}
	free(be_l);
	free(be_w);
	free(be2_l);
	free(be2_w);
	free(zj_l);
	free(zj_w);
	free(all_l);
	free(all_w);
	return rc == 0 && be_xml != NULL && be2_xml != NULL &&
	    zj_xml != NULL && both_xml != NULL ? 0 : 1;
}

static int
suite_cleanup(void)
{
	cu_rmtree(tmp);
	free(tmp);
	free(be_xml);
	free(be2_xml);
	free(zj_xml);
	free(both_xml);
	return pgh_suite_cleanup();
}

/*
 * 1. Each site's file imported by its role: the hub holds both sites,
 * its ecpr-table is the one the de-identified files give read as files
 * (and the sites' own figures: the moved times keep every interval),
 * and each site role reads its own site only.
 */
static void
test_two_sites_one_hub(void)
{
	char *out = NULL, *err = NULL, *t, *files = NULL;
	char f_ev[4096], f_at[4096], f_ob[4096], f_cp[4096];

	import_expect("site_be", be_xml, 0,
	    "episodes: 1 inserted, 0 updated, 0 unchanged\n", "");
	import_expect("site_zj", zj_xml, 0,
	    "episodes: 2 inserted, 0 updated, 0 unchanged\n",
	    "ecpr-odm: left 2 ages \"90+\" unknown\n");

	t = table_as("coord");
	CU_ASSERT_STRING_EQUAL(t, HEAD BE_ROW ZJ_ROWS);
	free(t);
	t = table_as(NULL);
	CU_ASSERT_STRING_EQUAL(t, HEAD BE_ROW ZJ_ROWS);
	free(t);
	/* no observation columns: the role sees no episode with any */
	t = table_as("site_be");
	CU_ASSERT_STRING_EQUAL(t, HEAD_BASE BE_BASE);
	free(t);
	t = table_as("site_zj");
	CU_ASSERT_STRING_EQUAL(t, HEAD ZJ_ROWS);
	free(t);

	/* what the two files say, read as files */
	snprintf(f_ev, sizeof(f_ev), "%s/hub-events.csv", tmp);
	snprintf(f_at, sizeof(f_at), "%s/hub-attrs.csv", tmp);
	snprintf(f_ob, sizeof(f_ob), "%s/hub-obs.csv", tmp);
	snprintf(f_cp, sizeof(f_cp), "%s/hub-cpl.csv", tmp);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "-o", f_ev,
	    "-a", f_at, "--observations", f_ob, "--complications", f_cp,
	    be_xml, zj_xml, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&files, &err, "ecpr-table", "--format", "csv",
	    f_ev, f_at, f_ob, f_cp, NULL), 0);
	free(err);
	CU_ASSERT_STRING_EQUAL(files, HEAD BE_ROW ZJ_ROWS);
	free(files);

	t = q1("SELECT string_agg(site || ':' || n, ' ' ORDER BY site) FROM "
	    "(SELECT site, count(*) n FROM episode GROUP BY site) s");
	CU_ASSERT_STRING_EQUAL(t, "BE:1 ZJ:2");
	free(t);
	t = q1("SELECT (SELECT count(*) FROM event) || '/' || (SELECT "
	    "count(*) FROM observation) || '/' || (SELECT count(*) FROM "
	    "complication) || '/' || (SELECT count(*) FROM audit_log) || "
	    "'/' || (SELECT string_agg(db_role || ':' || inserted, ' ' "
	    "ORDER BY batch_id) FROM import_batch)");
	CU_ASSERT_STRING_EQUAL(t, "29/7/3/0/site_be:1 site_zj:2");
	free(t);
}

/* 2. The same files again: nothing changes, nothing is audited. */
static void
test_reimport_changes_nothing(void)
{
	char *out, *be0 = site_state("BE"), *zj0 = site_state("ZJ"), *be1,
	    *zj1;

	import_expect("site_be", be_xml, 0,
	    "episodes: 0 inserted, 0 updated, 1 unchanged\n", NULL);
	import_expect("site_zj", zj_xml, 0,
	    "episodes: 0 inserted, 0 updated, 2 unchanged\n", NULL);
	be1 = site_state("BE");
	zj1 = site_state("ZJ");
	CU_ASSERT_STRING_EQUAL(be0, be1);
	CU_ASSERT_STRING_EQUAL(zj0, zj1);
	CU_ASSERT_PTR_NOT_NULL(strstr(be1, " 0"));
	free(be0);
	free(zj0);
	free(be1);
	free(zj1);
	out = q1("SELECT count(*) FROM audit_log");
	CU_ASSERT_STRING_EQUAL(out, "0");
	free(out);
}

/*
 * 3. A site's newer file (cpr_start a minute later, age 58, crrt_stop
 * gone): that site's episode is updated and audited, the other site's
 * rows stay as they were.
 */
static void
test_newer_file_updates_its_site(void)
{
	char *zj0 = site_state("ZJ"), *zj1, *t;

	import_expect("site_be", be2_xml, 0,
	    "episodes: 0 inserted, 1 updated, 0 unchanged\n", "");
	zj1 = site_state("ZJ");
	CU_ASSERT_STRING_EQUAL(zj0, zj1);
	free(zj0);
	free(zj1);
	t = table_as("coord");
	CU_ASSERT_STRING_EQUAL(t, HEAD BE2_ROW ZJ_ROWS);
	free(t);
	t = q1("SELECT string_agg(site || ' ' || row_key || ' ' || "
	    "column_name || ' ' || coalesce(old_value, '-') || ' ' || "
	    "coalesce(new_value, '-'), E'\\n' ORDER BY audit_id) "
	    "FROM audit_log");
	CU_ASSERT_STRING_EQUAL(t,
	    "BE BE/" BE_P "/1 age_years 57 58\n"
	    "BE BE/" BE_P "/1/cpr_start#1 t_utc 2020-12-11 23:52:00+00 "
	    "2020-12-11 23:53:00+00\n"
	    "BE BE/" BE_P "/1/cpr_start#1 t_end 2020-12-11 23:53:00+00 "
	    "2020-12-11 23:54:00+00\n"
	    "BE BE/" BE_P "/1/cpr_start#1 source 2020-12-12T01:52+02:00 "
	    "2020-12-12T01:53+02:00\n"
	    "BE BE/" BE_P "/1/crrt_stop#1 * 2020-12-17T10:00+01:00 -");
	free(t);
	/* and again: nothing more */
	import_expect("site_be", be2_xml, 0,
	    "episodes: 0 inserted, 0 updated, 1 unchanged\n", NULL);
	t = q1("SELECT count(*) FROM audit_log");
	CU_ASSERT_STRING_EQUAL(t, "5");
	free(t);
}

/*
 * 4. A file with another site's rows, imported by a site role, is
 * refused by file, line and site; nothing of it is stored, not even its
 * own site's rows.
 */
static void
test_other_site_refused(void)
{
	char *out = NULL, *err = NULL, *be0 = site_state("BE"),
	    *zj0 = site_state("ZJ"), *be1, *zj1, *want;
	size_t n;

	CU_ASSERT_EQUAL(import_as("site_be", zj_xml, &out, &err), 65);
	CU_ASSERT_STRING_EQUAL(out, "");
	n = strlen(zj_xml) * 2 + 512;
	want = malloc(n);
	CU_ASSERT_FATAL(want != NULL);
	snprintf(want, n, "ecpr-odm: %s:806: site \"ZJ\" is not a site of "
	    "role site_be, which imports site BE only (episode ZJ/" ZJ_P
	    "/1)\n"
	    "ecpr-odm: %s:920: site \"ZJ\" is not a site of role site_be, "
	    "which imports site BE only (episode ZJ/" ZJ_P "/2)\n"
	    "ecpr-odm: left 2 ages \"90+\" unknown\n", zj_xml, zj_xml);
	CU_ASSERT_STRING_EQUAL(err, want);
	free(want);
	free(out);
	free(err);

	/* BE's own file holding ZJ's rows too: refused whole */
	CU_ASSERT_EQUAL(import_as("site_be", both_xml, &out, &err), 65);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "site \"ZJ\" is not a site of "
	    "role site_be, which imports site BE only (episode ZJ/"));
	free(out);
	free(err);
	/* and the other way round */
	CU_ASSERT_EQUAL(import_as("site_zj", be2_xml, &out, &err), 65);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": site \"BE\" is not a site of "
	    "role site_zj, which imports site ZJ only (episode BE/" BE_P
	    "/1)\n"));
	free(out);
	free(err);

	be1 = site_state("BE");
	zj1 = site_state("ZJ");
	CU_ASSERT_STRING_EQUAL(be0, be1);
	CU_ASSERT_STRING_EQUAL(zj0, zj1);
	free(be0);
	free(zj0);
	free(be1);
	free(zj1);
}

/*
 * 5. The coordinator reads every site and writes none: its import is
 * refused before anything is read, as a usage error naming the role (it
 * was exit 69, "the registry cannot be reached", with PostgreSQL's
 * "permission denied for function ecpr_import_stage").
 */
static void
test_coordinator_import_refused(void)
{
	static const char msg[] = "role coord may not import: the registry's "
	    "owner and site roles (ecpr-db add-site-role) do, a coordinator "
	    "reads every site and writes none\n";
	char *out = NULL, *err = NULL, *be0 = site_state("BE"), *be1, *want;
	size_t n = sizeof(msg) + 32;

	want = malloc(n);
	CU_ASSERT_FATAL(want != NULL);
	snprintf(want, n, "ecpr-odm: %s", msg);
	import_expect("coord", be2_xml, 64, "", want);
	snprintf(want, n, "ecpr-import: %s", msg);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-import", "--db", hub("coord"),
	    data("db-long-v2.csv"), NULL), 64);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_STRING_EQUAL(err, want);
	free(out);
	free(err);
	free(want);
	be1 = site_state("BE");
	CU_ASSERT_STRING_EQUAL(be0, be1);
	free(be0);
	free(be1);
	out = q1("SELECT count(*) FROM import_batch WHERE db_role = 'coord'");
	CU_ASSERT_STRING_EQUAL(out, "0");
	free(out);
}

/* One value of a query on the registry of directory d, malloc'd. */
static char *
q1_dir(const char *d, const char *sql)
{
	char ci[1400];
	PGconn *c;
	PGresult *r;
	char *s;

	snprintf(ci, sizeof(ci), "host=%s/run dbname=ecpr user=postgres", d);
	c = PQconnectdb(ci);
	r = PQexec(c, sql);
	s = strdup(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ?
	    PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return s;
}

/*
 * 6. A hub that replicates one site (BE publishes its registry) and
 * takes the other's files (ZJ's de-identified export, imported as ZJ's
 * role): it holds both under row-level security, its ecpr-table is BE's
 * rows as BE holds them and ZJ's as its file gives them, and the file's
 * episodes take the hub's own ids (from 2^62), apart from the replicated
 * ones.  A hub that holds a site's rows from its files (the hub of the
 * tests above) cannot subscribe to that site.
 */
static void
test_files_beside_replication(void)
{
	char site[1600], hub2[1024], ci[512], hub2_ci[1400], be_l[4096],
	    be_w[4096];
	char *out = NULL, *err = NULL, *v, *pub = NULL;
	const char *d;
	time_t end;
	int port = pgh_free_port();

	CU_ASSERT_FATAL(port > 0);
	d = pgh_cluster_start(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	snprintf(site, sizeof(site), "%s", d);
	d = pgh_cluster_start(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	snprintf(hub2, sizeof(hub2), "%s", d);
	snprintf(hub2_ci, sizeof(hub2_ci), "host=%s/run dbname=ecpr "
	    "user=postgres", hub2);
	pgh_unset_pg_env();
	CU_ASSERT_EQUAL_FATAL(cu_tool(&out, &err, "ecpr-db", "-D", site,
	    "migrate", NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL_FATAL(cu_tool(&out, &err, "ecpr-db", "-D", hub2,
	    "migrate", NULL), 0);
	free(out);
	free(err);

	/* site BE: its case records in its registry, published */
	snprintf(be_l, sizeof(be_l), "%s/be-long.csv", tmp);
	snprintf(be_w, sizeof(be_w), "%s/be-wide.csv", tmp);
	setenv("ECPR_DB_DIR", site, 1);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-import", be_l, be_w, NULL),
	    0);
	unsetenv("ECPR_DB_DIR");
	CU_ASSERT_STRING_EQUAL(out, "episodes: 1 inserted, 0 updated, "
	    "0 unchanged\n");
	free(out);
	free(err);
	snprintf(ci, sizeof(ci), "%d", port);
	CU_ASSERT_EQUAL_FATAL(cu_tool(&pub, &err, "ecpr-db", "-D", site,
	    "publish", "--listen", "127.0.0.1", "--port", ci, "BE", NULL), 0);
	free(err);
	snprintf(ci, sizeof(ci), "%s", pub);
	ci[strcspn(ci, "\n")] = '\0';
	free(pub);

	/* the first hub holds BE's rows from its files: BE cannot be
	 * subscribed there (65), nothing changes */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-db", "--db", conninfo,
	    "subscribe", "BE", ci, NULL), 65);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_STRING_EQUAL(err, "ecpr-db: cannot subscribe: the hub holds "
	    "rows of site BE already: remove them first (ecpr-db unsubscribe "
	    "--purge BE)\n");
	free(out);
	free(err);
	v = q1("SELECT count(*) FROM pg_subscription");
	CU_ASSERT_STRING_EQUAL(v, "0");
	free(v);

	/* the second hub subscribes to BE first, then takes ZJ's file */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-db", "-D", hub2, "subscribe",
	    "BE", ci, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "subscribed to site BE\n");
	free(out);
	free(err);
	end = time(NULL) + 120;
	for (v = NULL; time(NULL) < end; ) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		/*
		 * every table synchronised: each table is copied by a
		 * worker of its own, so BE's episode may be there before
		 * its events
		 */
		free(v);
		v = q1_dir(hub2, "SELECT count(*) > 0 AND count(*) FILTER "
		    "(WHERE r.srsubstate <> 'r') = 0 FROM pg_subscription_rel "
		    "r JOIN pg_subscription s ON s.oid = r.srsubid "
		    "WHERE s.subname = 'ecpr_site_BE'");
		if (strcmp(v, "t") == 0)
			break;
		nanosleep(&ts, NULL);
	}
	CU_ASSERT_STRING_EQUAL(v, "t");
	free(v);
	v = q1_dir(hub2, "SELECT count(*) FROM episode");
	CU_ASSERT_STRING_EQUAL(v, "1");
	free(v);
	v = q1_dir(hub2, "SELECT ecpr_add_site_role('site_zj', 'ZJ'), "
	    "ecpr_add_coordinator_role('coord')");
	free(v);
	v = q1_dir(hub2, "ALTER ROLE site_zj PASSWORD 'pw-site_zj'");
	free(v);
	snprintf(site, sizeof(site), "%s user=site_zj password=pw-site_zj",
	    hub2_ci);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db", site,
	    zj_xml, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "episodes: 2 inserted, 0 updated, "
	    "0 unchanged\n");
	free(out);
	free(err);

	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-table", "--format", "csv",
	    "--db", hub2_ci, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, HEAD "BE,bx-17,1,2,108,,,,110,6.4,,"
	    "30.0..32.0,1,,,,,,,,,,,,,,\n" ZJ_ROWS);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-table", "--format", "csv",
	    "--db", site, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, HEAD ZJ_ROWS);
	free(out);
	free(err);
	v = q1_dir(hub2, "SELECT string_agg(site || ':' || (episode_id >= "
	    "4611686018427387904), ' ' ORDER BY site, episode) FROM episode");
	CU_ASSERT_STRING_EQUAL(v, "BE:false ZJ:true ZJ:true");
	free(v);
}

static CU_TestInfo sites_tests[] = {
	{ "two sites' de-identified files into one hub",
	    test_two_sites_one_hub },
	{ "importing the same files again changes nothing",
	    test_reimport_changes_nothing },
	{ "a site's newer file updates that site only",
	    test_newer_file_updates_its_site },
	{ "a file with another site's rows is refused",
	    test_other_site_refused },
	{ "the coordinator's import is refused",
	    test_coordinator_import_refused },
	{ "files beside a replicating site at one hub",
	    test_files_beside_replication },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "odm_sites", suite_init, suite_cleanup, NULL, NULL, sites_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
