/*
 * test_odm_db.c - ecpr-odm against a real throwaway registry: export from
 * the registry (same bytes as from the files), --audit (AuditRecords
 * valid against the official schema), import --db (same ecpr-table csv as
 * the files; a bad file changes nothing) and ecpr_db_audit_read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "cu_main.h"
#include "ecpr_db.h"
#include "ecpr_odm.h"
#include "pg_harness.h"

static char conninfo[1600];
static char *tmp;
static char xml_files[4096]; /* export --identified of db-*.csv */

static const char *
data(const char *name)
{
	static char p[4][4096];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/odm/%s", getenv("ECPR_TEST_DATA"),
	    name);
	return p[k];
}

static const char *
schema_dir(void)
{
	const char *d = getenv("ECPR_ODM_SCHEMA_DIR");

	return d != NULL && *d != '\0' ? d : "../shared/odm";
}

/* One value of a query, malloc'd ("" on error). */
static char *
q1(const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = PQexec(c, sql);
	char *s = strdup(PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");

	PQclear(r);
	PQfinish(c);
	return s;
}

static int
suite_init(void)
{
	const char *ci = pgh_start();
	char *out = NULL, *err = NULL;
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
	snprintf(xml_files, sizeof(xml_files), "%s/files.xml", tmp);
	rc = rc != 0 ? rc : cu_tool(&out, &err, "ecpr-odm", "export",
	    "--identified", "-o", xml_files, data("db-long.csv"),
	    data("db-wide.csv"), NULL);
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

/* ecpr-table --format csv of files (f1 != NULL) or of the registry. */
static char *
table(const char *f1, const char *f2)
{
	char *out = NULL, *err = NULL;
	int rc;

	if (f1 != NULL)
		rc = cu_tool(&out, &err, "ecpr-table", "--format", "csv", f1, f2,
		    NULL);
	else
		rc = cu_tool(&out, &err, "ecpr-table", "--format", "csv", "--db",
		    conninfo, NULL);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	return out;
}

/* 1. import --db of the export of the files: same table as the files. */
static void
test_import_db(void)
{
	char *out = NULL, *err = NULL, *t1, *t2;

	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    conninfo, "-n", xml_files, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "dry run: episodes: 3 inserted, "
	    "0 updated, 0 unchanged\n");
	free(out);
	free(err);
	t1 = q1("SELECT count(*) FROM episode");
	CU_ASSERT_STRING_EQUAL(t1, "0");
	free(t1);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    conninfo, xml_files, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "episodes: 3 inserted, 0 updated, "
	    "0 unchanged\n");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	t1 = table(data("db-long.csv"), data("db-wide.csv"));
	t2 = table(NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(t1, "\nBE,bx-17,1,2,"));
	CU_ASSERT_STRING_EQUAL(t1, t2);
	free(t1);
	free(t2);
	/* idempotent: again, nothing changes and nothing is audited */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    conninfo, xml_files, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "episodes: 0 inserted, 0 updated, "
	    "3 unchanged\n");
	free(out);
	free(err);
	t1 = q1("SELECT count(*) FROM audit_log");
	CU_ASSERT_STRING_EQUAL(t1, "0");
	free(t1);
}

/* 2. a bad file among good ones: exit 65, FILE:LINE, nothing stored. */
static void
test_import_db_bad_file(void)
{
	char bad[4096], *src, *p, *out = NULL, *err = NULL, *before, *after;
	const char *q = "SELECT count(*) || '/' || (SELECT count(*) FROM "
	    "event) || '/' || (SELECT count(*) FROM import_batch) || '/' || "
	    "(SELECT count(*) FROM audit_log) || '/' || (SELECT string_agg("
	    "source, ',' ORDER BY source) FROM event) FROM episode";
	size_t len;

	src = cu_read_file(xml_files, &len);
	CU_ASSERT_FATAL(src != NULL);
	/* first change the age, then break a date further down */
	p = strstr(src, "Value=\"57\"");
	CU_ASSERT_FATAL(p != NULL);
	memcpy(p, "Value=\"58\"", 10);
	p = strstr(src, "Value=\"2021-10-31T01:50+02:00\"");
	CU_ASSERT_FATAL(p != NULL);
	memcpy(p + 12, "13", 2);
	p = cu_write_file(tmp, "bad.xml", src);
	snprintf(bad, sizeof(bad), "%s", p);
	free(p);
	free(src);
	before = q1(q);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    conninfo, xml_files, bad, NULL), 65);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/bad.xml:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": field \"ca_onset\": "
	    "\"2021-13-31T01:50+02:00\" is not a valid date"));
	free(out);
	free(err);
	after = q1(q);
	CU_ASSERT_STRING_EQUAL(before, after);
	CU_ASSERT_PTR_NOT_NULL(strstr(after, "3/"));
	free(before);
	free(after);
	/* an unreachable registry: 69 */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    "host=/nonexistent dbname=x", xml_files, NULL), 69);
	free(out);
	free(err);
}

/* 3. export from the registry == export from the same files. */
static void
test_export_db_same_bytes(void)
{
	char x[4096], key[4096], *out = NULL, *err = NULL, *a;

	a = cu_read_file(xml_files, NULL);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export", "--identified",
	    "--db", conninfo, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "NOT de-identified"));
	CU_ASSERT_STRING_EQUAL(out, a);
	free(a);
	free(out);
	free(err);
	/* de-identified: the same bytes too (same key, same shifts) */
	a = cu_write_file(tmp, "key", "0123456789abcdef-site-key\n");
	snprintf(key, sizeof(key), "%s", a);
	free(a);
	snprintf(x, sizeof(x), "%s/deid.xml", tmp);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export", "--key-file",
	    key, "-o", x, data("db-long.csv"), data("db-wide.csv"), NULL), 0);
	free(out);
	free(err);
	a = cu_read_file(x, NULL);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export", "--key-file",
	    key, "--db", conninfo, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, a);
	CU_ASSERT_PTR_NULL(strstr(out, "bx-17"));
	free(a);
	free(out);
	free(err);
	/* filters */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export", "--identified",
	    "--db", conninfo, "--site", "ZJ", NULL), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "bx-17"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "SubjectKey=\"li-0042\""));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export", "--identified",
	    "--db", conninfo, "--since", "2022-06-01T00:00Z", NULL), 0);
	/* only li-0042 episode 2 (2023-01-02) starts after 2022-06-01 */
	CU_ASSERT_PTR_NULL(strstr(out, "bx-17"));
	CU_ASSERT_PTR_NULL(strstr(out, "StudyEventRepeatKey=\"1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "StudyEventRepeatKey=\"2\""));
	free(out);
	free(err);
	/* files and registry options do not go together */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export", "--identified",
	    "--site", "ZJ", data("db-long.csv"), NULL), 64);
	free(out);
	free(err);
}

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s++;
	}
	return n;
}

/* The audit rows as text, one per line. */
static int
audit_line(const ecpr_db_audit_row *r, void *ctx)
{
	char *buf = ctx;
	size_t n = strlen(buf);

	snprintf(buf + n, 4096 - n, "%s|%s|%s|%s|%s|%s|%s|%d|%d\n", r->site,
	    r->table_name, r->row_key, r->column_name,
	    r->old_value ? r->old_value : "NULL",
	    r->new_value ? r->new_value : "NULL", r->db_role,
	    r->batch_id > 0, (int)strlen(r->at));
	return 0;
}

/* 4. changes audited: ecpr_db_audit_read gives them exactly. */
static void
test_audit_read(void)
{
	ecpr_db_filter f = ECPR_DB_FILTER_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[4096] = "", *out = NULL, *e = NULL;
	ecpr_db *db = NULL;

	CU_ASSERT_EQUAL(cu_tool(&out, &e, "ecpr-import", "-q", "--db", conninfo,
	    data("db-long-v2.csv"), data("db-wide-v2.csv"), NULL), 0);
	free(out);
	free(e);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_db_audit_read(db, NULL, audit_line, buf, &err),
	    ECPR_OK);
	/* by hand: age 57 -> 58; cpr_start 01:52 -> 01:53 (+02:00, so
	 * 23:52 -> 23:53 UTC, its minute span ends a minute later);
	 * crrt_stop removed; the ODM import stored li-0042's relative
	 * cpr_start as the time it resolves to (07:05 + 3 min), the csv
	 * gives it back as written */
	CU_ASSERT_STRING_EQUAL(buf,
	    "BE|episode|BE/bx-17/1|age_years|57|58|postgres|1|27\n"
	    "BE|event|BE/bx-17/1/cpr_start#1|t_utc|2021-10-30 23:52:00+00|"
	    "2021-10-30 23:53:00+00|postgres|1|27\n"
	    "BE|event|BE/bx-17/1/cpr_start#1|t_end|2021-10-30 23:53:00+00|"
	    "2021-10-30 23:54:00+00|postgres|1|27\n"
	    "BE|event|BE/bx-17/1/cpr_start#1|source|2021-10-31T01:52+02:00|"
	    "2021-10-31T01:53+02:00|postgres|1|27\n"
	    "ZJ|event|ZJ/li-0042/1/cpr_start#1|source|2022-03-14T07:08+08:00|"
	    "ca_onset+PT3M|postgres|1|27\n"
	    "BE|event|BE/bx-17/1/crrt_stop#1|*|2021-11-05T10:00+01:00|NULL|"
	    "postgres|1|27\n");
	buf[0] = '\0';
	f.site = "ZJ";
	CU_ASSERT_EQUAL(ecpr_db_audit_read(db, &f, audit_line, buf, &err),
	    ECPR_OK);
	CU_ASSERT_STRING_EQUAL(buf, "ZJ|event|ZJ/li-0042/1/cpr_start#1|"
	    "source|2022-03-14T07:08+08:00|ca_onset+PT3M|postgres|1|27\n");
	buf[0] = '\0';
	f.site = "BE";
	f.subject = "li-0042";
	CU_ASSERT_EQUAL(ecpr_db_audit_read(db, &f, audit_line, buf, &err),
	    ECPR_OK);
	CU_ASSERT_STRING_EQUAL(buf, "");
	f.site = NULL;
	f.subject = "bx-17";
	CU_ASSERT_EQUAL(ecpr_db_audit_read(db, &f, audit_line, buf, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(count(buf, "\n"), 5);
	CU_ASSERT_PTR_NULL(strstr(buf, "li-0042"));
	f.subject = "bx-1"; /* a prefix of the subject is not the subject */
	buf[0] = '\0';
	CU_ASSERT_EQUAL(ecpr_db_audit_read(db, &f, audit_line, buf, &err),
	    ECPR_OK);
	CU_ASSERT_STRING_EQUAL(buf, "");
	ecpr_db_free(db);
}

/* 5. export --audit: AuditRecords, AdminData, valid against the schema. */
static void
test_export_audit(void)
{
	ecpr_odm_validate_opts vo = ECPR_ODM_VALIDATE_OPTS_INIT;
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_schema *schema = NULL;
	char x[4096], want[512], *out = NULL, *e = NULL, *p, *batch;

	snprintf(x, sizeof(x), "%s/audit.xml", tmp);
	CU_ASSERT_EQUAL(cu_tool(&out, &e, "ecpr-odm", "export", "--identified",
	    "--audit", "--db", conninfo, "-o", x, NULL), 0);
	free(out);
	free(e);
	out = cu_read_file(x, NULL);
	CU_ASSERT_FATAL(out != NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " <AdminData StudyOID=\"ECPR\">\n"
	    "  <User OID=\"USR.postgres\">\n"
	    "   <LoginName>postgres</LoginName>\n"
	    "  </User>\n"
	    "  <Location OID=\"LOC.BE\" Name=\"BE\" LocationType=\"Site\">\n"
	    "   <MetaDataVersionRef StudyOID=\"ECPR\" MetaDataVersionOID="
	    "\"MDV.ECPR.1\" EffectiveDate=\"2023-11-14\"/>\n"
	    "  </Location>\n"
	    "  <Location OID=\"LOC.ZJ\" Name=\"ZJ\" LocationType=\"Site\">\n"
	    "   <MetaDataVersionRef StudyOID=\"ECPR\" MetaDataVersionOID="
	    "\"MDV.ECPR.1\" EffectiveDate=\"2023-11-14\"/>\n"
	    "  </Location>\n"
	    " </AdminData>\n"
	    " <ClinicalData "));
	/* the age's latest change, inside its ItemData */
	p = strstr(out, "<ItemData ItemOID=\"I.AGE_YEARS\" Value=\"58\">\n"
	    "       <AuditRecord>\n"
	    "        <UserRef UserOID=\"USR.postgres\"/>\n"
	    "        <LocationRef LocationOID=\"LOC.BE\"/>\n"
	    "        <DateTimeStamp>");
	CU_ASSERT_PTR_NOT_NULL(p);
	batch = q1("SELECT max(batch_id) FROM audit_log");
	snprintf(want, sizeof(want), "<ReasonForChange>import batch %s: "
	    "age_years changed from &quot;57&quot; to &quot;58&quot;"
	    "</ReasonForChange>\n        <SourceID>audit_log 1</SourceID>\n",
	    batch);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	/* the event: its source change is the one named */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<ItemData ItemOID=\"I.CPR_START\" "
	    "Value=\"2021-10-31T01:53+02:00\">\n       <AuditRecord>"));
	snprintf(want, sizeof(want), "import batch %s: source changed from "
	    "&quot;2021-10-31T01:52+02:00&quot; to "
	    "&quot;2021-10-31T01:53+02:00&quot;</ReasonForChange>\n"
	    "        <SourceID>audit_log 4</SourceID>", batch);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	/* three inline, six in the ClinicalData's AuditRecords */
	CU_ASSERT_EQUAL(count(out, "<AuditRecord>"), 3);
	CU_ASSERT_EQUAL(count(out, "<AuditRecord ID=\"AR."), 6);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<AuditRecord ID=\"AR.6\">"));
	snprintf(want, sizeof(want), "import batch %s: removed "
	    "&quot;2021-11-05T10:00+01:00&quot; (BE/bx-17/1/crrt_stop#1)"
	    "</ReasonForChange>", batch);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	free(batch);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  </AuditRecords>\n"
	    " </ClinicalData>\n</ODM>\n"));
	free(out);
	CU_ASSERT_EQUAL_FATAL(ecpr_odm_schema_load(&schema, schema_dir(),
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, x, &vo, &res, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(res.errors, 0);
	ecpr_odm_schema_free(schema);
	/* the ZJ site alone: its one change only */
	CU_ASSERT_EQUAL(cu_tool(&out, &e, "ecpr-odm", "export", "--identified",
	    "--audit", "--db", conninfo, "--site", "ZJ", NULL), 0);
	CU_ASSERT_EQUAL(count(out, "<AuditRecord>"), 1);
	CU_ASSERT_EQUAL(count(out, "<AuditRecord ID=\"AR."), 1);
	CU_ASSERT_PTR_NULL(strstr(out, "LOC.BE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(ZJ/li-0042/1/cpr_start#1)"));
	free(out);
	free(e);
	/* --audit needs --identified and the registry */
	CU_ASSERT_EQUAL(cu_tool(&out, &e, "ecpr-odm", "export", "--audit",
	    "--db", conninfo, NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "needs --identified"));
	free(out);
	free(e);
	CU_ASSERT_EQUAL(cu_tool(&out, &e, "ecpr-odm", "export", "--audit",
	    "--identified", data("db-long.csv"), NULL), 64);
	free(out);
	free(e);
}

/* ------------------------------------------------------------------ */
/* ODM transactions (TransactionType) against the registry              */
/* ------------------------------------------------------------------ */

/* An episode of site tx: attributes, then its events in order. */
static char *
tx_state(const char *subject, int episode)
{
	char sql[2048];

	snprintf(sql, sizeof(sql), "SELECT concat_ws('|', "
	    "coalesce(age_years::text, '-'), coalesce(sex, '-'), "
	    "coalesce(bmi::text, '-'), coalesce(ca_location, '-'), "
	    "coalesce(initial_rhythm, '-'), coalesce(mcc_device, '-'), "
	    "coalesce(apache2::text, '-'), coalesce((SELECT string_agg("
	    "v.type || '#' || v.occurrence || '=' || v.source, ',' "
	    "ORDER BY v.ord) FROM event v "
	    "WHERE v.episode_id = e.episode_id), '-')) FROM episode e "
	    "WHERE site = 'tx' AND subject = '%s' AND episode = %d",
	    subject, episode);
	return q1(sql);
}

/* The audit rows of the latest import batch. */
static char *
tx_audit(void)
{
	return q1("SELECT coalesce(string_agg(row_key || ' ' || column_name "
	    "|| ' ' || coalesce(old_value, '-') || ' ' || "
	    "coalesce(new_value, '-'), ';' ORDER BY row_key, column_name), '') "
	    "FROM audit_log WHERE batch_id = (SELECT max(batch_id) "
	    "FROM import_batch)");
}

static void
expect_str(char *got, const char *want)
{
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n got: %s\nwant: %s\n", got, want);
	free(got);
}

/* import --db FILE: exit code, stdout and stderr. */
static void
tx_import(const char *file, int code, const char *want_out,
    const char *want_err)
{
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    conninfo, file, NULL), code);
	expect_str(out, want_out);
	expect_str(err, want_err);
}

#define S1_EVENTS "ca_onset#1=2023-06-01T09:12+08:00," \
	"cpr_start#1=2023-06-01T09:15+08:00," \
	"mcc_start#1=2023-06-01T09:20+08:00," \
	"cannulation_start#1=2023-06-01T09:50+08:00," \
	"mcc_stop#1=2023-06-01T10:10+08:00," \
	"ecmo_flow_start#1=2023-06-01T10:20+08:00"

/*
 * 6. Snapshot, Insert, Update (with Remove and Context items) and Upsert
 * files: each changes exactly what it names, audited value by value.
 */
static void
test_import_db_transactions(void)
{
	/* a ClinicalData-only file in our OIDs, no map (issue 8 item 5) */
	tx_import(data("tx-base.xml"), 0, "episodes: 2 inserted, 0 updated, "
	    "0 unchanged\n", "");
	expect_str(tx_state("S1", 1), "48|M|24.1|-|vf|LUCAS|-|"
	    "hospital_admit#1=2023-06-01," S1_EVENTS
	    ",hospital_discharge#1=2023-06-21");
	expect_str(tx_state("S2", 1), "-|F|-|-|-|-|-|"
	    "ca_onset#1=2023-07-15T22:40+08:00");
	/* Insert: a new episode, a new value, a value already there */
	tx_import(data("tx-insert.xml"), 0, "episodes: 1 inserted, 1 updated, "
	    "1 unchanged\n", "");
	expect_str(tx_audit(), "tx/S1/1 ca_location - street");
	expect_str(tx_state("S1", 1), "48|M|24.1|street|vf|LUCAS|-|"
	    "hospital_admit#1=2023-06-01," S1_EVENTS
	    ",hospital_discharge#1=2023-06-21");
	expect_str(tx_state("S3", 1), "61|-|-|-|-|-|-|"
	    "ca_onset#1=2023-08-02T07:00+08:00,"
	    "cpr_start#1=2023-08-02T07:04+08:00");
	expect_str(tx_state("S2", 1), "-|F|-|-|-|-|-|"
	    "ca_onset#1=2023-07-15T22:40+08:00");
	/* Update: one value changed, two removed, Context changes nothing;
	 * every other attribute and event stays */
	tx_import(data("tx-update.xml"), 0, "episodes: 0 inserted, 1 updated, "
	    "0 unchanged\n", "ecpr-odm: 1 Context item value changed "
	    "nothing\n");
	expect_str(tx_audit(), "tx/S1/1 age_years 48 49;"
	    "tx/S1/1 bmi 24.1 -;"
	    "tx/S1/1/hospital_discharge#1 * 2023-06-21 -");
	expect_str(tx_state("S1", 1), "49|M|-|street|vf|LUCAS|-|"
	    "hospital_admit#1=2023-06-01," S1_EVENTS);
	/* the same again: nothing left to change */
	tx_import(data("tx-update.xml"), 0, "episodes: 0 inserted, 0 updated, "
	    "1 unchanged\n", "ecpr-odm: 1 Context item value changed "
	    "nothing\n");
	expect_str(tx_audit(), "");
	/* Upsert: a changed value and a new segment; a new episode */
	tx_import(data("tx-upsert.xml"), 0, "episodes: 1 inserted, 1 updated, "
	    "0 unchanged\n", "");
	expect_str(tx_audit(), "tx/S2/1 sex F U;"
	    "tx/S2/1/mcc_start#1 * - 2023-07-15T22:50+08:00;"
	    "tx/S2/1/mcc_stop#1 * - 2023-07-15T23:20+08:00");
	expect_str(tx_state("S2", 1), "-|U|-|-|-|-|-|"
	    "ca_onset#1=2023-07-15T22:40+08:00,"
	    "mcc_start#1=2023-07-15T22:50+08:00,"
	    "mcc_stop#1=2023-07-15T23:20+08:00");
	expect_str(tx_state("S4", 2), "-|-|-|-|-|-|20|-");
	expect_str(tx_state("S1", 1), "49|M|-|street|vf|LUCAS|-|"
	    "hospital_admit#1=2023-06-01," S1_EVENTS);
	/* Remove of a whole segment group: its two events, nothing else */
	tx_import(data("tx-remove.xml"), 0, "episodes: 0 inserted, 1 updated, "
	    "0 unchanged\n", "");
	expect_str(tx_audit(), "tx/S1/1/mcc_start#1 * "
	    "2023-06-01T09:20+08:00 -;"
	    "tx/S1/1/mcc_stop#1 * 2023-06-01T10:10+08:00 -");
	expect_str(tx_state("S1", 1), "49|M|-|street|vf|LUCAS|-|"
	    "hospital_admit#1=2023-06-01,"
	    "ca_onset#1=2023-06-01T09:12+08:00,"
	    "cpr_start#1=2023-06-01T09:15+08:00,"
	    "cannulation_start#1=2023-06-01T09:50+08:00,"
	    "ecmo_flow_start#1=2023-06-01T10:20+08:00");
}

/*
 * A file of our study: one SubjectData (its attributes SUBJECT_ATTRS), one
 * episode of site, ITEMS one per line from line 9 in its attributes group,
 * then FORMS (more FormData).
 */
static char *
odm_doc(const char *name, const char *subject_attrs, const char *site,
    const char *items, const char *forms)
{
	char text[16384];

	snprintf(text, sizeof(text), "<?xml version=\"1.0\"?>\n"
	    "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" "
	    "FileType=\"Transactional\" FileOID=\"t\" "
	    "CreationDateTime=\"2024-01-01T00:00:00\" ODMVersion=\"1.3.2\">\n"
	    "<ClinicalData StudyOID=\"ECPR\" MetaDataVersionOID=\"MDV.ECPR.1\">\n"
	    "<SubjectData %s>\n"
	    "<StudyEventData StudyEventOID=\"SE.EPISODE\" "
	    "StudyEventRepeatKey=\"1\">\n"
	    "<FormData FormOID=\"F.ATTRIBUTES\">\n"
	    "<ItemGroupData ItemGroupOID=\"IG.ATTRIBUTES\">\n"
	    "<ItemData ItemOID=\"I.SITE\" Value=\"%s\"/>\n"
	    "%s"
	    "</ItemGroupData></FormData>%s</StudyEventData></SubjectData>\n"
	    "</ClinicalData></ODM>\n", subject_attrs, site, items, forms);
	return cu_write_file(tmp, name, text);
}

/* A transactional file: one SubjectData, ITEMS one per line from line 9. */
static char *
tx_doc(const char *name, const char *subject, const char *tx,
    const char *items)
{
	char attrs[256];

	snprintf(attrs, sizeof(attrs), "SubjectKey=\"%s\" "
	    "TransactionType=\"%s\"", subject, tx);
	return odm_doc(name, attrs, "tx", items, "");
}

/* A refused change: exit 65, FILE:9: MSG, the registry as it was. */
static void
tx_refused(const char *subject, const char *tx, const char *items,
    const char *msg)
{
	const char *q = "SELECT (SELECT count(*) FROM audit_log) || '/' || "
	    "(SELECT count(*) FROM episode) || '/' || (SELECT string_agg("
	    "concat_ws(',', subject, age_years, sex, bmi), ';' ORDER BY "
	    "subject) FROM episode WHERE site = 'tx')";
	char *f = tx_doc("refused.xml", subject, tx, items), want[8192];
	char *before = q1(q);

	snprintf(want, sizeof(want), "ecpr-odm: %s:9: %s\n", f, msg);
	tx_import(f, 65, "", want);
	expect_str(q1(q), before);
	free(before);
	free(f);
}

/* 7. Changes that do not fit the registry are refused with FILE:LINE. */
static void
test_import_db_transaction_errors(void)
{
	char *f, *before, want[8192];

	tx_refused("S1", "Insert", "<ItemData ItemOID=\"I.SEX\" "
	    "Value=\"F\"/>\n", "field \"sex\": Insert of \"F\", but subject "
	    "\"S1\", episode 1 holds \"M\" (Update changes a value)");
	tx_refused("S9", "Update", "<ItemData ItemOID=\"I.SEX\" "
	    "Value=\"F\"/>\n", "subject \"S9\", episode 1: Update of an "
	    "episode that is not in the registry (Insert or Upsert adds one)");
	tx_refused("S1", "Update", "<ItemData ItemOID=\"I.SEX\" "
	    "Value=\"F\" TransactionType=\"Replace\"/>\n", "ItemData "
	    "\"I.SEX\": unknown TransactionType \"Replace\" (Insert, Update, "
	    "Remove, Upsert or Context)");
	tx_refused("S1", "Update", "<ItemData ItemOID=\"I.BMI\" "
	    "Value=\"900\"/>\n", "attribute \"bmi\": \"900\" is out of range "
	    "(5-100)");
	/* a whole episode removed: not read, so refused, not ignored */
	f = cu_write_file(tmp, "whole.xml", "<?xml version=\"1.0\"?>\n"
	    "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" FileOID=\"w\" "
	    "CreationDateTime=\"2024-01-01T00:00:00\" ODMVersion=\"1.3.2\">\n"
	    "<ClinicalData StudyOID=\"ECPR\" MetaDataVersionOID=\"MDV.ECPR.1\">\n"
	    "<SubjectData SubjectKey=\"S1\" TransactionType=\"Update\">\n"
	    "<StudyEventData StudyEventOID=\"SE.EPISODE\" "
	    "StudyEventRepeatKey=\"1\" TransactionType=\"Remove\"/>\n"
	    "</SubjectData></ClinicalData></ODM>\n");
	before = tx_state("S1", 1);
	snprintf(want, sizeof(want), "ecpr-odm: %s:5: StudyEventData "
	    "\"SE.EPISODE\": a Remove of a whole StudyEventData is not read "
	    "(mark each ItemData Remove)\n", f);
	tx_import(f, 65, "", want);
	expect_str(tx_state("S1", 1), before);
	free(before);
	free(f);
}

/*
 * 7b. The registry refusing rows (here a CHECK the owner added: SQLSTATE
 * 23514) ends the import there: one message, exit 65 (a data error, not
 * 69), and nothing more sent into the transaction the refusal ended.
 * The refused episode is the first of 7,000 new ones, so its rows go to
 * the server with the first chunk copied (1 MiB), and two more chunks
 * follow (the next one sent into the ended transaction gave a second
 * message, "current transaction is aborted", and exit 69).
 */
static void
test_import_db_refused_by_registry(void)
{
	static const char head[] = "<?xml version=\"1.0\"?>\n<ODM xmlns="
	    "\"http://www.cdisc.org/ns/odm/v1.3\" FileType=\"Snapshot\" "
	    "FileOID=\"big\" CreationDateTime=\"2024-01-01T00:00:00\" "
	    "ODMVersion=\"1.3.2\">\n<ClinicalData StudyOID=\"ECPR\" "
	    "MetaDataVersionOID=\"MDV.ECPR.1\">\n";
	const char *q = "SELECT (SELECT count(*) FROM audit_log) || '/' || "
	    "(SELECT count(*) FROM episode)";
	char path[4096], *out = NULL, *err = NULL, *before, *nl;
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "%s/refused-by-registry.xml", tmp);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs(head, fp);
	for (i = 0; i < 7000; i++)
		fprintf(fp, "<SubjectData SubjectKey=\"R%04d\">"
		    "<StudyEventData StudyEventOID=\"SE.EPISODE\" "
		    "StudyEventRepeatKey=\"1\"><FormData FormOID="
		    "\"F.ATTRIBUTES\"><ItemGroupData ItemGroupOID="
		    "\"IG.ATTRIBUTES\">\n<ItemData ItemOID=\"I.SITE\" "
		    "Value=\"tx\"/><ItemData ItemOID=\"I.AGE_YEARS\" "
		    "Value=\"%d\"/></ItemGroupData></FormData>\n<FormData "
		    "FormOID=\"F.EVENTS\"><ItemGroupData ItemGroupOID="
		    "\"IG.EVENTS\">\n<ItemData ItemOID=\"I.CA_ONSET\" "
		    "Value=\"2023-06-01T09:12+08:00\"/>\n<ItemData ItemOID="
		    "\"I.CPR_START\" Value=\"2023-06-01T09:15+08:00\"/>\n"
		    "<ItemData ItemOID=\"I.CANNULATION_START\" Value="
		    "\"2023-06-01T09:50+08:00\"/>\n<ItemData ItemOID="
		    "\"I.ECMO_FLOW_START\" Value=\"2023-06-01T10:20+08:00\"/>"
		    "\n<ItemData ItemOID=\"I.HOSPITAL_ADMIT\" Value="
		    "\"2023-06-01\"/>\n<ItemData ItemOID=\"I.HOSPITAL_DISCHARGE"
		    "\" Value=\"2023-06-21\"/>\n</ItemGroupData></FormData>"
		    "</StudyEventData></SubjectData>\n", i, i == 0 ? 77 : 50);
	fputs("</ClinicalData></ODM>\n", fp);
	CU_ASSERT_EQUAL_FATAL(fclose(fp), 0);
	free(q1("ALTER TABLE episode ADD CONSTRAINT test_no_77 "
	    "CHECK (age_years IS DISTINCT FROM 77)"));
	before = q1(q);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    conninfo, path, NULL), 65);
	expect_str(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "violates check constraint "
	    "\"test_no_77\""));
	CU_ASSERT_PTR_NULL(strstr(err, "current transaction is aborted"));
	/* one line */
	nl = strchr(err, '\n');
	CU_ASSERT(nl != NULL && nl[1] == '\0');
	if (nl == NULL || nl[1] != '\0')
		fprintf(stderr, "\n%s", err);
	free(err);
	expect_str(q1(q), before);
	free(before);
	free(q1("ALTER TABLE episode DROP CONSTRAINT test_no_77"));
}

/* import -o FILE -a FILE: exit code, the two files and stderr. */
static void
tx_csv(const char *file, const char *want_long, const char *want_attrs,
    const char *want_err)
{
	char l[4096], a[4096], *out = NULL, *err = NULL;

	snprintf(l, sizeof(l), "%s/tx-long.csv", tmp);
	snprintf(a, sizeof(a), "%s/tx-attrs.csv", tmp);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "-o", l, "-a",
	    a, file, NULL), 0);
	expect_str(out, "");
	expect_str(err, want_err);
	expect_str(cu_read_file(l, NULL), want_long);
	expect_str(cu_read_file(a, NULL), want_attrs);
}

#define TX_LONG "site,subject,episode,event,time,note\n"
#define TX_WIDE "site,subject,episode,age_years,sex,bmi,primary_disease," \
	"ca_location,first_cpr_provider,initial_rhythm,apache2," \
	"cannulation_method,mcc_device,ecmo_device,cpc_discharge," \
	"pupillary_light_reflex,cerebral_haemorrhage,witnessed,bystander_cpr\n"

/* 8. The same files as case-record CSV: a Remove is never a value. */
static void
test_import_csv_transactions(void)
{
	tx_csv(data("tx-update.xml"), TX_LONG, TX_WIDE
	    "tx,S1,1,49,,,,,,,,,,,,,,,\n",
	    "ecpr-odm: 1 Context item value changed nothing\n"
	    "ecpr-odm: warning: left out 2 Remove item values: a case-record "
	    "file cannot remove a value (load the changes with --db)\n");
	tx_csv(data("tx-upsert.xml"), TX_LONG
	    "tx,S2,1,mcc_start,2023-07-15T22:50+08:00,\n"
	    "tx,S2,1,mcc_stop,2023-07-15T23:20+08:00,\n", TX_WIDE
	    "tx,S2,1,,U,,,,,,,,,,,,,,\n"
	    "tx,S4,2,,,,,,,,20,,,,,,,,\n", "");
	tx_csv(data("tx-remove.xml"), TX_LONG, TX_WIDE, "ecpr-odm: warning: "
	    "left out 2 Remove item values: a case-record file cannot remove "
	    "a value (load the changes with --db)\n");
	tx_csv(data("tx-insert.xml"), TX_LONG
	    "tx,S3,1,ca_onset,2023-08-02T07:00+08:00,\n"
	    "tx,S3,1,cpr_start,2023-08-02T07:04+08:00,\n", TX_WIDE
	    "tx,S3,1,61,,,,,,,,,,,,,,,\n"
	    "tx,S1,1,,,,,street,,,,,,,,,,,\n"
	    "tx,S2,1,,F,,,,,,,,,,,,,,\n", "");
}

/* 9. A file that imports nothing says why and fails (exit 65). */
static void
test_import_nothing(void)
{
	char *f, want[8192];

	f = cu_write_file(tmp, "foreign.xml", "<?xml version=\"1.0\"?>\n"
	    "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" FileOID=\"f\" "
	    "CreationDateTime=\"2024-01-01T00:00:00\" ODMVersion=\"1.3.2\">\n"
	    "<ClinicalData StudyOID=\"OTHER\" MetaDataVersionOID=\"M\">\n"
	    "<SubjectData SubjectKey=\"1\"><StudyEventData "
	    "StudyEventOID=\"SE.V1\"><FormData FormOID=\"F.X\">"
	    "<ItemGroupData ItemGroupOID=\"IG.X\">\n"
	    "<ItemData ItemOID=\"IT.WEIGHT\" Value=\"80\"/>\n"
	    "<ItemData ItemOID=\"I.SEX\" Value=\"M\"/>\n"
	    "</ItemGroupData></FormData></StudyEventData></SubjectData>\n"
	    "</ClinicalData></ODM>\n");
	snprintf(want, sizeof(want), "ecpr-odm: %s: nothing to import: none "
	    "of its 2 item values maps to a case-record field (line 5: "
	    "ItemOID \"IT.WEIGHT\"; give --map MAPFILE, see "
	    "ecpr-odm-map(5))\n"
	    "ecpr-odm: set aside 2 item values that map to no case-record "
	    "field\n", f);
	tx_import(f, 65, "", want);
	free(f);
	f = cu_write_file(tmp, "empty.xml", "<?xml version=\"1.0\"?>\n"
	    "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" FileOID=\"f\" "
	    "CreationDateTime=\"2024-01-01T00:00:00\" ODMVersion=\"1.3.2\">\n"
	    "<ClinicalData StudyOID=\"ECPR\" MetaDataVersionOID=\"MDV.ECPR.1\"/>\n"
	    "</ODM>\n");
	snprintf(want, sizeof(want), "ecpr-odm: %s: nothing to import: no "
	    "ItemData in its ClinicalData\n", f);
	tx_import(f, 65, "", want);
	free(f);
}

/* 10. The REDCap longitudinal map into the registry; a conflict too. */
static void
test_import_db_map(void)
{
	char m[4096], x[4096], *out = NULL, *err = NULL, *t, *bad, want[8192];

	snprintf(m, sizeof(m), "%s", data("redcap-long.map"));
	snprintf(x, sizeof(x), "%s", data("redcap-long.xml"));
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    conninfo, "--tz", "Asia/Shanghai", "--map", m,
	    "--date-format=%d %b %Y %H:%M", "--date-format=%d %b %Y", x,
	    NULL), 0);
	expect_str(out, "episodes: 1 inserted, 0 updated, 0 unchanged\n");
	free(err);
	t = q1("SELECT concat_ws('|', sex, bmi, initial_rhythm, (SELECT "
	    "string_agg(v.type || '=' || v.source || '=' || "
	    "to_char(v.t_utc AT TIME ZONE 'UTC', 'HH24:MI'), ',' ORDER BY "
	    "v.ord) FROM event v WHERE v.episode_id = e.episode_id)) "
	    "FROM episode e WHERE site = 'hz_main' AND subject = '201'");
	expect_str(t, "F|26|asystole|ca_onset=2023-06-01T09:12=01:12,"
	    "cpr_start=2023-06-01T09:15=01:15,"
	    "icu_admit=2023-06-01T11:00=03:00,"
	    "icu_discharge=2023-06-09T10:00=02:00");
	/* two items for bmi: refused as in CSV mode, nothing stored */
	bad = cu_write_file(tmp, "bad.map", "site = hz_main\n"
	    "item bmi_a = bmi\n");
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "--db",
	    conninfo, "--tz", "Asia/Shanghai", "--map", bad, x, NULL), 65);
	snprintf(want, sizeof(want), "ecpr-odm: %s:54: attribute \"bmi\": "
	    "given twice: \"24\" (line 52) and \"26\"\n", x);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	free(out);
	free(err);
	free(bad);
}

/* ------------------------------------------------------------------ */
/* Observations and complications (issue 10)                            */
/* ------------------------------------------------------------------ */

/* The observations and complications of OB/ob-1/1 in the registry. */
static char *
ob_state(void)
{
	return q1("SELECT coalesce((SELECT string_agg(o.observation || '@' || "
	    "o.source || '=' || CASE o.comparator WHEN '=' THEN '' ELSE "
	    "o.comparator END || o.value || ' ' || o.unit, ',' ORDER BY "
	    "o.t_utc, o.observation) FROM observation o JOIN episode e USING "
	    "(episode_id) WHERE e.site = 'OB' AND e.subject = 'ob-1'), '-') "
	    "|| '|' || coalesce((SELECT string_agg(c.complication || '/' || "
	    "c.attribution || '@' || c.source || coalesce('(' || c.note || "
	    "')', ''), ',' ORDER BY c.complication, c.source) FROM "
	    "complication c JOIN episode e USING (episode_id) WHERE "
	    "e.site = 'OB' AND e.subject = 'ob-1'), '-')");
}

/* A file of our study for OB/ob-1/1: FORMS (FormData) from line 10. */
static char *
ob_doc(const char *name, const char *forms)
{
	char f[8192];

	snprintf(f, sizeof(f), "\n%s", forms);
	return odm_doc(name, "SubjectKey=\"ob-1\"", "OB", "", f);
}

#define OB_GROUP(tx, k, name, time, value, unit) \
	"<ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" " \
	"ItemGroupRepeatKey=\"" k "\" TransactionType=\"" tx "\">\n" \
	"<ItemData ItemOID=\"I.OBSERVATION\" Value=\"" name "\"/>\n" \
	"<ItemData ItemOID=\"I.OBSERVATION_TIME\" Value=\"" time "\"/>\n" \
	"<ItemData ItemOID=\"I.OBSERVATION_VALUE\" Value=\"" value "\">" \
	"<MeasurementUnitRef MeasurementUnitOID=\"" unit "\"/></ItemData>\n" \
	"</ItemGroupData>\n"

/*
 * 11. Censored values survive every path: ODM ">35000" -> case-record
 * CSV ">35000" -> ecpr-import into the registry -> ODM again, the same
 * bytes; ecpr-odm import --db of the first file changes nothing then.
 */
static void
test_obs_roundtrip(void)
{
	char x1[4096], ev[4096], ob[4096], co[4096], *f[3];
	char *out = NULL, *err = NULL, *a, *b;

	f[0] = cu_write_file(tmp, "ob-events.csv",
	    "site,subject,episode,event,time\n"
	    "OB,ob-1,1,ca_onset,2024-02-01T08:00+01:00\n"
	    "OB,ob-1,1,ecmo_flow_start,2024-02-01T09:10+01:00\n"
	    "OB,ob-1,1,ecmo_stop,2024-02-05T10:00+01:00\n");
	f[1] = cu_write_file(tmp, "ob-obs.csv",
	    "site,subject,episode,observation,time,value,unit\n"
	    "OB,ob-1,1,nt_probnp,ecmo_flow_start+P1D,>35000,pg/mL\n"
	    "OB,ob-1,1,lactate,2024-02-01T10:00+01:00,> 15.0,mmol/L\n"
	    "OB,ob-1,1,lactate,2024-02-03T06:00+01:00,15.0,mmol/L\n"
	    "OB,ob-1,1,creatinine,2024-02-03T06:00+01:00,<0.5,mg/dL\n"
	    "OB,ob-1,1,platelets,2024-02-04,48,10^9/L\n");
	f[2] = cu_write_file(tmp, "ob-comp.csv",
	    "site,subject,episode,complication,time,attribution,note\n"
	    "OB,ob-1,1,pulmonary_contusion,2024-02-01T09:30+01:00,mcc,"
	    "\"ribs, seen by Dr Chen\"\n"
	    "OB,ob-1,1,mods,,ecpr,\n");
	snprintf(x1, sizeof(x1), "%s/ob1.xml", tmp);
	snprintf(ev, sizeof(ev), "%s/ob-ev2.csv", tmp);
	snprintf(ob, sizeof(ob), "%s/ob-obs2.csv", tmp);
	snprintf(co, sizeof(co), "%s/ob-comp2.csv", tmp);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export", "--identified",
	    "-o", x1, f[0], f[1], f[2], NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "-o", ev,
	    "--observations", ob, "--complications", co, x1, NULL), 0);
	free(out);
	free(err);
	a = cu_read_file(ob, NULL);
	expect_str(a, "site,subject,episode,observation,time,value,unit\n"
	    "OB,ob-1,1,lactate,2024-02-01T10:00+01:00,>15.0,mmol/L\n"
	    "OB,ob-1,1,nt_probnp,2024-02-02T09:10+01:00,>35000,pg/mL\n"
	    "OB,ob-1,1,lactate,2024-02-03T06:00+01:00,15.0,mmol/L\n"
	    "OB,ob-1,1,creatinine,2024-02-03T06:00+01:00,<0.5,mg/dL\n"
	    "OB,ob-1,1,platelets,2024-02-04,48,10*9/L\n");
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-import", "--db", conninfo, ev,
	    ob, co, NULL), 0);
	free(out);
	free(err);
	expect_str(ob_state(), "lactate@2024-02-01T10:00+01:00=>15.0 mmol/L,"
	    "nt_probnp@2024-02-02T09:10+01:00=>35000 pg/mL,"
	    "creatinine@2024-02-03T06:00+01:00=<0.5 mg/dL,"
	    "lactate@2024-02-03T06:00+01:00=15.0 mmol/L,"
	    "platelets@2024-02-04=48 10*9/L|"
	    "mods/ecpr@,pulmonary_contusion/mcc@2024-02-01T09:30+01:00"
	    "(ribs, seen by Dr Chen)");
	a = cu_read_file(x1, NULL);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export", "--identified",
	    "--db", conninfo, "--site", "OB", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Value=\"&gt;35000\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Value=\"15.0\">"));
	b = out;
	CU_ASSERT_STRING_EQUAL(b, a);
	free(a);
	free(b);
	free(err);
	/* the ODM file into the registry: the same data, unchanged */
	tx_import(x1, 0, "episodes: 0 inserted, 0 updated, 1 unchanged\n",
	    "");
	free(f[0]);
	free(f[1]);
	free(f[2]);
}

/*
 * 12. Transactions per repeat of IG.OBSERVATION / IG.COMPLICATION:
 * Insert adds, Update changes the value of the observation of that name
 * and time, Remove takes it away (identified by name and time, or code,
 * attribution and time); everything else stays; each change audited.
 */
static void
test_obs_transactions(void)
{
	char *f, want[8192], *before, *out = NULL, *err = NULL;

	f = ob_doc("ob-insert.xml", "<FormData FormOID=\"F.OBSERVATIONS\">\n"
	    OB_GROUP("Insert", "1", "lactate", "2024-02-04T06:00+01:00",
	    "2.1", "MU.mmol/L")
	    "</FormData>\n");
	tx_import(f, 0, "episodes: 0 inserted, 1 updated, 0 unchanged\n", "");
	free(f);
	expect_str(ob_state(), "lactate@2024-02-01T10:00+01:00=>15.0 mmol/L,"
	    "nt_probnp@2024-02-02T09:10+01:00=>35000 pg/mL,"
	    "creatinine@2024-02-03T06:00+01:00=<0.5 mg/dL,"
	    "lactate@2024-02-03T06:00+01:00=15.0 mmol/L,"
	    "platelets@2024-02-04=48 10*9/L,"
	    "lactate@2024-02-04T06:00+01:00=2.1 mmol/L|"
	    "mods/ecpr@,pulmonary_contusion/mcc@2024-02-01T09:30+01:00"
	    "(ribs, seen by Dr Chen)");
	/* Update a censored value to another censored value; Remove one
	 * observation and one complication */
	f = ob_doc("ob-update.xml", "<FormData FormOID=\"F.OBSERVATIONS\">\n"
	    OB_GROUP("Update", "2", "nt_probnp", "2024-02-02T09:10+01:00",
	    "&gt;30000", "MU.pg/mL")
	    "<ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" "
	    "ItemGroupRepeatKey=\"5\" TransactionType=\"Remove\">\n"
	    "<ItemData ItemOID=\"I.OBSERVATION\" Value=\"platelets\"/>\n"
	    "<ItemData ItemOID=\"I.OBSERVATION_TIME\" Value=\"2024-02-04\"/>\n"
	    "</ItemGroupData>\n"
	    "</FormData>\n"
	    "<FormData FormOID=\"F.COMPLICATIONS\">\n"
	    "<ItemGroupData ItemGroupOID=\"IG.COMPLICATION\" "
	    "ItemGroupRepeatKey=\"2\" TransactionType=\"Remove\">\n"
	    "<ItemData ItemOID=\"I.COMPLICATION\" Value=\"mods\"/>\n"
	    "<ItemData ItemOID=\"I.ATTRIBUTION\" Value=\"ecpr\"/>\n"
	    "</ItemGroupData>\n"
	    "</FormData>\n");
	tx_import(f, 0, "episodes: 0 inserted, 1 updated, 0 unchanged\n", "");
	free(f);
	expect_str(ob_state(), "lactate@2024-02-01T10:00+01:00=>15.0 mmol/L,"
	    "nt_probnp@2024-02-02T09:10+01:00=>30000 pg/mL,"
	    "creatinine@2024-02-03T06:00+01:00=<0.5 mg/dL,"
	    "lactate@2024-02-03T06:00+01:00=15.0 mmol/L,"
	    "lactate@2024-02-04T06:00+01:00=2.1 mmol/L|"
	    "pulmonary_contusion/mcc@2024-02-01T09:30+01:00"
	    "(ribs, seen by Dr Chen)");
	before = tx_audit();
	CU_ASSERT_PTR_NOT_NULL(strstr(before, ">35000"));
	CU_ASSERT_PTR_NOT_NULL(strstr(before, ">30000"));
	free(before);
	/* refused: an unknown unit; nothing changes */
	before = ob_state();
	f = ob_doc("ob-bad.xml", "<FormData FormOID=\"F.OBSERVATIONS\">\n"
	    OB_GROUP("Upsert", "1", "platelets", "2024-02-05", "50",
	    "MU.mg/dL")
	    "</FormData>\n");
	snprintf(want, sizeof(want), "ecpr-odm: %s:14: item "
	    "\"observation_value\": unit \"mg/dL\" is not a unit of "
	    "platelets (10*9/L, 10*3/uL, /uL)\n", f);
	tx_import(f, 65, "", want);
	expect_str(ob_state(), before);
	free(before);
	free(f);
	/* the audit trail of these changes, censored values as written:
	 * a valid export */
	snprintf(want, sizeof(want), "%s/ob-audit.xml", tmp);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export",
	    "--identified", "--audit", "--db", conninfo, "--site", "OB", "-o",
	    want, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "validate",
	    "--schema-dir", schema_dir(), want, NULL), 0);
	before = cu_read_file(want, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(before, "value changed from "
	    "&quot;&gt;35000&quot; to &quot;&gt;30000&quot; "
	    "(OB/ob-1/1/nt_probnp@2024-02-02T09:10+01:00)</ReasonForChange>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(before, "removed &quot;mods&quot; "
	    "(OB/ob-1/1/mods:ecpr@)</ReasonForChange>"));
	free(before);
	free(out);
	free(err);
}

/* The findings of issue 11 as ItemData, in document order. */
static char *
findings_items(const char *xml)
{
	static const char *const oid[] = { "I.PUPILLARY_LIGHT_REFLEX",
		"I.CEREBRAL_HAEMORRHAGE", "I.WITNESSED", "I.BYSTANDER_CPR" };
	char *out = calloc(1, strlen(xml) + 1), *o = out;
	const char *p, *e;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (p = strstr(xml, "<ItemData ItemOID=\""); p != NULL;
	     p = strstr(p + 1, "<ItemData ItemOID=\"")) {
		for (i = 0; i < 4; i++)
			if (strncmp(p + 19, oid[i], strlen(oid[i])) == 0 &&
			    p[19 + strlen(oid[i])] == '"')
				break;
		if (i == 4 || (e = strstr(p, "/>")) == NULL)
			continue;
		memcpy(o, p + 19, (size_t)(e - p - 19));
		o += e - p - 19;
		*o++ = ';';
	}
	*o = '\0';
	return out;
}

/*
 * The seed cases' findings (issue 11) through every wing: the template
 * into ODM, into the registry (ecpr-import), back out of it as the same
 * bytes, and into case-record CSV again; a changed finding is audited.
 */
static void
test_findings_roundtrip(void)
{
	const char *src = getenv("ECPR_SRCDIR");
	char cr[4200], f1[4200], a[4200], *out = NULL, *err = NULL, *x, *t;

	snprintf(cr, sizeof(cr), "%s/templates/case-record.csv",
	    src ? src : ".");
	snprintf(f1, sizeof(f1), "%s/seed.xml", tmp);
	snprintf(a, sizeof(a), "%s/seed-attrs.csv", tmp);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export",
	    "--identified", "-o", f1, cr, NULL), 0);
	free(out);
	free(err);
	x = cu_read_file(f1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	/* by hand from templates/case-record.csv */
	t = findings_items(x);
	CU_ASSERT_STRING_EQUAL(t,
	    "I.WITNESSED\" Value=\"yes\";I.BYSTANDER_CPR\" Value=\"yes\";"
	    "I.WITNESSED\" Value=\"yes\";I.BYSTANDER_CPR\" Value=\"yes\";"
	    "I.PUPILLARY_LIGHT_REFLEX\" Value=\"yes\";I.WITNESSED\" "
	    "Value=\"yes\";I.BYSTANDER_CPR\" Value=\"no\";"
	    "I.PUPILLARY_LIGHT_REFLEX\" Value=\"yes\";I.WITNESSED\" "
	    "Value=\"yes\";I.BYSTANDER_CPR\" Value=\"no\";");
	free(t);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-import", "--db", conninfo,
	    cr, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "episodes: 4 inserted, 0 updated, "
	    "0 unchanged\n");
	free(out);
	free(err);
	expect_str(q1("SELECT string_agg(subject || '=' || "
	    "coalesce(pupillary_light_reflex, '-') || ',' || "
	    "coalesce(cerebral_haemorrhage, '-') || ',' || "
	    "coalesce(witnessed, '-') || ',' || coalesce(bystander_cpr, '-'), "
	    "' ' ORDER BY subject) FROM episode WHERE site = 'SEED'"),
	    "case1=-,-,yes,yes case2=-,-,yes,yes case3=yes,-,yes,no "
	    "case4=yes,-,yes,no");
	/* read back: the same document */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "export",
	    "--identified", "--db", conninfo, "--site", "SEED", NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, x);
	free(out);
	free(err);
	/* and into a case-record file again */
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-odm", "import", "-o",
	    "/dev/null", "-a", a, f1, NULL), 0);
	free(out);
	free(err);
	t = cu_read_file(a, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, ",cpc_discharge,"
	    "pupillary_light_reflex,cerebral_haemorrhage,witnessed,"
	    "bystander_cpr\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "\nSEED,case2,1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, ",ROTAFLOW,1,,,yes,yes\n"
	    "SEED,case3,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, ",ROTAFLOW,5,yes,,yes,no\n"));
	free(t);
	free(x);
	/* a finding changed: one update, audited old and new */
	t = cu_read_file(cr, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	x = strstr(t, ",ROTAFLOW,5,yes,,yes,no,");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	{
		/* case 4's empty cerebral_haemorrhage cell becomes "no" */
		size_t at = (size_t)(x - t) + strlen(",ROTAFLOW,5,yes,");
		char *c = malloc(strlen(t) + 3);

		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		memcpy(c, t, at);
		strcpy(c + at, "no");
		strcpy(c + at + 2, t + at);
		free(cu_write_file(tmp, "seed-changed.csv", c));
		free(c);
	}
	free(t);
	snprintf(cr, sizeof(cr), "%s/seed-changed.csv", tmp);
	CU_ASSERT_EQUAL(cu_tool(&out, &err, "ecpr-import", "--db", conninfo,
	    cr, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "episodes: 0 inserted, 1 updated, "
	    "3 unchanged\n");
	free(out);
	free(err);
	expect_str(tx_audit(), "SEED/case4/1 cerebral_haemorrhage - no");
}

static CU_TestInfo db_tests[] = {
	{ "import --db", test_import_db },
	{ "import --db, bad file", test_import_db_bad_file },
	{ "export --db same bytes", test_export_db_same_bytes },
	{ "ecpr_db_audit_read", test_audit_read },
	{ "export --audit", test_export_audit },
	{ "import --db transactions", test_import_db_transactions },
	{ "import --db refused changes", test_import_db_transaction_errors },
	{ "import --db refused by the registry: one message, 65",
	    test_import_db_refused_by_registry },
	{ "import -o transactions", test_import_csv_transactions },
	{ "import of nothing", test_import_nothing },
	{ "import --db --map longitudinal", test_import_db_map },
	{ "observations: ODM, CSV, registry, ODM", test_obs_roundtrip },
	{ "observations: transactions per repeat", test_obs_transactions },
	{ "findings: template, ODM, registry, ODM, CSV",
	    test_findings_roundtrip },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{ "odm registry", suite_init, suite_cleanup, NULL, NULL,
		    db_tests },
		CU_SUITE_INFO_NULL
	};

	return cu_run(suites);
}
