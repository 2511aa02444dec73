/* test_db.c - the registry in a real throwaway PostgreSQL cluster */
#include "config.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cu_main.h"
#include "ecpr_db.h"
#include "internal.h"
#include "pg_harness.h"
#include "episode_filter_cases.h"

static char conninfo[1600];

/* The first value of a query as a malloc'd string ("<null>", "<SQLSTATE>"). */
static char *
q1(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	char *s;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
		s = strdup(PQgetisnull(r, 0, 0) ? "<null>" :
		    PQgetvalue(r, 0, 0));
	else if (PQresultStatus(r) == PGRES_COMMAND_OK)
		s = strdup(PQcmdTuples(r));
	else if (PQresultStatus(r) == PGRES_TUPLES_OK)
		s = strdup("<none>");
	else {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		char b[16];

		snprintf(b, sizeof(b), "<%s>", st ? st : "?");
		s = strdup(b);
	}
	PQclear(r);
	return s;
}

#define CU_ASSERT_Q(conn, sql, want) do {				\
	char *got_ = q1((conn), (sql));					\
	CU_ASSERT_STRING_EQUAL(got_, (want));				\
	if (strcmp(got_, (want)) != 0)					\
		fprintf(stderr, "\n%s: got %s, want %s\n", (sql), got_,	\
		    (want));						\
	free(got_);							\
} while (0)

/*
 * conninfo as user (NULL: the owner).  Site and coordinator roles log in
 * with a password ("pw-" and the role name, see set_pw).
 */
static void
user_ci(char *buf, size_t len, const char *user)
{
	if (user != NULL)
		snprintf(buf, len, "%s user=%s password=pw-%s", conninfo, user,
		    user);
	else
		snprintf(buf, len, "%s", conninfo);
}

static PGconn *
pq_as(const char *user)
{
	char ci[1700];
	PGconn *c;

	user_ci(ci, sizeof(ci), user);
	c = PQconnectdb(ci);
	if (PQstatus(c) != CONNECTION_OK)
		fprintf(stderr, "connect: %s\n", PQerrorMessage(c));
	PQclear(PQexec(c, "SET TimeZone = 'UTC'"));
	return c;
}

/* Give role its test password (as the owner); 0 or -1. */
static int
set_pw(const char *role)
{
	PGconn *c = pq_as(NULL);
	const char *vals[2];
	char pw[128];
	PGresult *r;
	int rc;

	snprintf(pw, sizeof(pw), "pw-%s", role);
	vals[0] = role;
	vals[1] = pw;
	r = PQexecParams(c, "SELECT format('ALTER ROLE %I PASSWORD %L', "
	    "$1::text, $2::text)", 2, NULL, vals, NULL, NULL, 0);
	rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
	if (rc == 0) {
		PGresult *a = PQexec(c, PQgetvalue(r, 0, 0));

		rc = PQresultStatus(a) == PGRES_COMMAND_OK ? 0 : -1;
		PQclear(a);
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

static int
suite_init(void)
{
	const char *ci = pgh_start();
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	int applied = -1;

	if (ci == NULL)
		return 1;
	snprintf(conninfo, sizeof(conninfo), "%s", ci);
	if (ecpr_db_connect(&db, conninfo, &err) != 0) {
		fprintf(stderr, "connect: %s\n", err.message);
		return 1;
	}
	if (ecpr_db_migrate(db, NULL, &applied, &err) != 0) {
		fprintf(stderr, "migrate: %s: %s\n", err.file, err.message);
		ecpr_db_free(db);
		return 1;
	}
	ecpr_db_free(db);
	return applied == 7 ? 0 : 1;
}

/* ---- schema and migrations ------------------------------------------ */

static void
test_migrate_again_applies_nothing(void)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	int applied = -1, version = -1;

	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, NULL, &applied, &err), 0);
	CU_ASSERT_EQUAL(applied, 0);
	CU_ASSERT_EQUAL(ecpr_db_schema_version(db, &version, &err), 0);
	CU_ASSERT_EQUAL(version, 7);
	ecpr_db_free(db);
}

/* The compiled-in migrations are the files of sql/: a registry made from
 * one has nothing left to apply from the other. */
static void
test_migrate_from_directory(void)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	char dir[4096];
	const char *src = getenv("ECPR_SRCDIR");
	int applied = -1;

	snprintf(dir, sizeof(dir), "%s/sql", src ? src : ".");
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, dir, &applied, &err), 0);
	CU_ASSERT_EQUAL(applied, 0);
	CU_ASSERT_STRING_EQUAL(ecpr__migrations[0].name, "001_schema.sql");
	CU_ASSERT_STRING_EQUAL(ecpr__migrations[1].name, "002_rls.sql");
	CU_ASSERT_STRING_EQUAL(ecpr__migrations[2].name, "003_harden.sql");
	CU_ASSERT_STRING_EQUAL(ecpr__migrations[3].name,
	    "004_observations.sql");
	CU_ASSERT_STRING_EQUAL(ecpr__migrations[4].name,
	    "005_attributes.sql");
	CU_ASSERT_STRING_EQUAL(ecpr__migrations[5].name,
	    "006_replication.sql");
	CU_ASSERT_STRING_EQUAL(ecpr__migrations[6].name,
	    "007_import_copy.sql");
	CU_ASSERT_PTR_NULL(ecpr__migrations[7].name);
	ecpr_db_free(db);
}

static void
test_migrate_bad_dir(void)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, "/nonexistent/sql", NULL, &err),
	    ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.file, "/nonexistent/sql");
	ecpr_db_free(db);
}

static void
test_connect_refused(void)
{
	ecpr_db *db = (ecpr_db *)1;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_db_connect(&db,
	    "host=/nonexistent-ecpr dbname=x password=secret", &err),
	    ECPR_EDB);
	CU_ASSERT_PTR_NULL(db);
	CU_ASSERT_STRING_EQUAL(err.sqlstate, "08006");
	CU_ASSERT_PTR_NULL(strstr(err.message, "secret"));
	ecpr_db_free(NULL);
}

static void
test_schema_constraints(void)
{
	PGconn *c = pq_as(NULL);

	CU_ASSERT_Q(c, "SELECT max(version) FROM schema_version", "7");
	CU_ASSERT_Q(c, "INSERT INTO site VALUES ('CK')", "1");
	CU_ASSERT_Q(c, "INSERT INTO subject VALUES ('CK', 's1')", "1");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, sex) "
	    "VALUES ('CK', 's1', 1, 'X')", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, "
	    "cpc_discharge) VALUES ('CK', 's1', 1, 6)", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, "
	    "apache2) VALUES ('CK', 's1', 1, 72)", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, "
	    "ca_location) VALUES ('CK', 's1', 1, 'moon')", "<23514>");
	/* 005: the findings take yes, no, unknown in contract case */
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, "
	    "witnessed) VALUES ('CK', 's1', 1, 'maybe')", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, "
	    "bystander_cpr) VALUES ('CK', 's1', 1, 'Yes')", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, "
	    "pupillary_light_reflex) VALUES ('CK', 's1', 1, '')", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, "
	    "cerebral_haemorrhage) VALUES ('CK', 's1', 1, 'present')",
	    "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode) "
	    "VALUES ('CK', 's1', 0)", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode) "
	    "VALUES ('CK', 'nobody', 1)", "<23503>");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode) "
	    "VALUES ('CK', 's1', 1)", "1");
	/* observations: a name of the vocabulary, a comparator, a unit */
	CU_ASSERT_Q(c, "INSERT INTO observation (episode_id, site, "
	    "observation, source, t_utc, t_end, precision, utc_offset, "
	    "comparator, value, unit) SELECT episode_id, site, 'lactate', "
	    "'2021-07-27T08:00Z', '2021-07-27 08:00Z', '2021-07-27 08:01Z', "
	    "'minute', 0, '>', 15.0, 'mmol/L' FROM episode "
	    "WHERE site = 'CK'", "1");
	CU_ASSERT_Q(c, "SELECT comparator || value FROM observation "
	    "WHERE site = 'CK'", ">15.0");
	CU_ASSERT_Q(c, "INSERT INTO observation (episode_id, site, "
	    "observation, source, t_utc, t_end, precision, utc_offset, "
	    "comparator, value, unit) SELECT episode_id, site, 'glucose', "
	    "'x', now(), now() + interval '1 minute', 'minute', 0, '=', 1, "
	    "'mmol/L' FROM episode WHERE site = 'CK'", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO observation (episode_id, site, "
	    "observation, source, t_utc, t_end, precision, utc_offset, "
	    "comparator, value, unit) SELECT episode_id, site, 'pct', "
	    "'x', now(), now() + interval '1 minute', 'minute', 0, '~', 1, "
	    "'ng/mL' FROM episode WHERE site = 'CK'", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO observation (episode_id, site, "
	    "observation, source, t_utc, t_end, precision, utc_offset, "
	    "comparator, value, unit) SELECT episode_id, site, 'pct', "
	    "'x', now(), now() + interval '1 minute', 'minute', 0, '=', 1, "
	    "'' FROM episode WHERE site = 'CK'", "<23514>");
	/* complications: a code, an attribution, a time or none at all */
	CU_ASSERT_Q(c, "INSERT INTO complication (episode_id, site, "
	    "complication, attribution) SELECT episode_id, site, 'none', "
	    "'mcc' FROM episode WHERE site = 'CK'", "1");
	CU_ASSERT_Q(c, "INSERT INTO complication (episode_id, site, "
	    "complication, attribution) SELECT episode_id, site, 'none', "
	    "'surgeon' FROM episode WHERE site = 'CK'", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO complication (episode_id, site, "
	    "complication, attribution) SELECT episode_id, site, 'hiccups', "
	    "'ecpr' FROM episode WHERE site = 'CK'", "<23514>");
	CU_ASSERT_Q(c, "INSERT INTO complication (episode_id, site, "
	    "complication, attribution, source) SELECT episode_id, site, "
	    "'none', 'ecpr', '2021-07-27' FROM episode WHERE site = 'CK'",
	    "<23514>");
	CU_ASSERT_Q(c, "DELETE FROM episode WHERE site = 'CK'", "1");
	CU_ASSERT_Q(c, "SELECT count(*) FROM observation WHERE site = 'CK'",
	    "0");
	CU_ASSERT_Q(c, "SELECT count(*) FROM complication WHERE site = 'CK'",
	    "0");
	CU_ASSERT_Q(c, "DELETE FROM subject WHERE site = 'CK'", "1");
	CU_ASSERT_Q(c, "DELETE FROM site WHERE site = 'CK'", "1");
	PQfinish(c);
}

/* ---- the intervals view, on hand-written rows -------------------------- */

static void
add_ev(PGconn *c, const char *type, int occ, const char *t,
    const char *end, const char *prec)
{
	char sql[1024];
	char *r;

	snprintf(sql, sizeof(sql), "INSERT INTO event (episode_id, site, "
	    "type, occurrence, ord, t_utc, t_end, precision, utc_offset, "
	    "source) SELECT episode_id, site, '%s', %d, 1, '%s', '%s', '%s', "
	    "0, '%s' FROM episode WHERE site = 'V' AND subject = 'v1'",
	    type, occ, t, end, prec, t);
	r = q1(c, sql);
	CU_ASSERT_STRING_EQUAL(r, "1");
	free(r);
}

static void
test_view_hand_computed(void)
{
	PGconn *c = pq_as(NULL);

	CU_ASSERT_Q(c, "INSERT INTO site VALUES ('V')", "1");
	CU_ASSERT_Q(c, "INSERT INTO subject VALUES ('V', 'v1'), ('V', 'v2')",
	    "2");
	CU_ASSERT_Q(c, "INSERT INTO episode (site, subject, episode, "
	    "cpc_discharge) VALUES ('V', 'v1', 1, 3), ('V', 'v2', 1, NULL)",
	    "2");
	add_ev(c, "ca_onset", 1, "2021-07-27 08:00", "2021-07-27 08:01",
	    "minute");
	add_ev(c, "cpr_start", 1, "2021-07-27 08:05", "2021-07-27 08:06",
	    "minute");
	add_ev(c, "mcc_start", 1, "2021-07-27 08:10", "2021-07-27 08:11",
	    "minute");
	add_ev(c, "mcc_stop", 1, "2021-07-27 08:40", "2021-07-27 08:41",
	    "minute");
	add_ev(c, "mcc_start", 2, "2021-07-27 08:50", "2021-07-27 08:51",
	    "minute");
	add_ev(c, "mcc_stop", 2, "2021-07-27 09:20:40",
	    "2021-07-27 09:20:41", "second");
	add_ev(c, "cannulation_start", 1, "2021-07-27 09:00",
	    "2021-07-27 09:01", "minute");
	add_ev(c, "ecmo_flow_start", 1, "2021-07-27 09:22:30",
	    "2021-07-27 09:22:31", "second");
	add_ev(c, "rosc", 1, "2021-07-27 10:00", "2021-07-27 10:01",
	    "minute");
	add_ev(c, "ecmo_stop", 1, "2021-08-01 09:22:30",
	    "2021-08-01 09:22:31", "second");
	add_ev(c, "icu_admit", 1, "2021-07-27 04:48", "2021-07-27 04:49",
	    "minute");
	add_ev(c, "icu_discharge", 1, "2021-08-12", "2021-08-13", "day");
	add_ev(c, "hospital_admit", 1, "2021-07-27 04:48",
	    "2021-07-27 04:49", "minute");
	add_ev(c, "death", 1, "2021-08-20 12:00", "2021-08-20 12:01",
	    "minute");
	/* 5 min; 08:05 -> 09:22:30 = 77.5 -> 78 (half away from zero) */
	CU_ASSERT_Q(c, "SELECT no_flow_min FROM episode_intervals "
	    "WHERE subject = 'v1'", "5");
	CU_ASSERT_Q(c, "SELECT conventional_cpr_min FROM episode_intervals "
	    "WHERE subject = 'v1'", "78");
	/* 30 min + 30 min 40 s = 3640 s = 60.67 -> 61 */
	CU_ASSERT_Q(c, "SELECT mechanical_cc_min FROM episode_intervals "
	    "WHERE subject = 'v1'", "61");
	CU_ASSERT_Q(c, "SELECT cardiac_arrest_min FROM episode_intervals "
	    "WHERE subject = 'v1'", "120");
	CU_ASSERT_Q(c, "SELECT ecmo_setup_min FROM episode_intervals "
	    "WHERE subject = 'v1'", "23");
	CU_ASSERT_Q(c, "SELECT ca_to_flow_min FROM episode_intervals "
	    "WHERE subject = 'v1'", "83");
	CU_ASSERT_Q(c, "SELECT ecpr_days FROM episode_intervals "
	    "WHERE subject = 'v1'", "5.0");
	/* DOMAIN.md's example: 04:48 to a discharge known to the day */
	CU_ASSERT_Q(c, "SELECT icu_days FROM episode_intervals "
	    "WHERE subject = 'v1'", "15.8..16.8");
	/* no discharge: to death, 24 d 7 h 12 min = 24.3 d */
	CU_ASSERT_Q(c, "SELECT hospital_days FROM episode_intervals "
	    "WHERE subject = 'v1'", "24.3");
	CU_ASSERT_Q(c, "SELECT cpc_discharge FROM episode_intervals "
	    "WHERE subject = 'v1'", "3");
	/* an empty episode: every figure empty */
	CU_ASSERT_Q(c, "SELECT concat_ws(',', no_flow_min, "
	    "conventional_cpr_min, mechanical_cc_min, cardiac_arrest_min, "
	    "ecmo_setup_min, ca_to_flow_min, ecpr_days, icu_days, "
	    "hospital_days, cpc_discharge) FROM episode_intervals "
	    "WHERE subject = 'v2'", "");
	/* an open MCC segment makes the sum unknown */
	add_ev(c, "mcc_start", 3, "2021-07-27 09:30", "2021-07-27 09:31",
	    "minute");
	CU_ASSERT_Q(c, "SELECT mechanical_cc_min FROM episode_intervals "
	    "WHERE subject = 'v1'", "<null>");
	/* a month-precision arrest widens minutes into a range */
	CU_ASSERT_Q(c, "UPDATE event SET t_utc = '2021-07-01', t_end = "
	    "'2021-08-01', precision = 'month' WHERE type = 'ca_onset' AND "
	    "site = 'V'", "1");
	/* rosc 07-27 10:00 - [07-01, 08-01): lo 0 (clamped), hi 26 d 10 h */
	CU_ASSERT_Q(c, "SELECT cardiac_arrest_min FROM episode_intervals "
	    "WHERE subject = 'v1'", "0..38040");
	CU_ASSERT_Q(c, "DELETE FROM episode WHERE site = 'V'", "2");
	CU_ASSERT_Q(c, "DELETE FROM subject WHERE site = 'V'", "2");
	CU_ASSERT_Q(c, "DELETE FROM site WHERE site = 'V'", "1");
	PQfinish(c);
}

/* ---- import and read back ------------------------------------------------ */

typedef struct evspec {
	ecpr_event_type type;
	const char *value;
} evspec;

/* An observation and a complication of a test episode. */
typedef struct obspec {
	ecpr_obs_type type;
	const char *time, *value, *unit;
} obspec;

typedef struct cplspec {
	const char *code;
	ecpr_attribution by;
	const char *time, *note;
} cplspec;

/* An episode (number 1, age 54) with events, observations and
 * complications (obs and cps may be NULL), finished. */
static ecpr_episode *
mk_episode_items(const char *site, const char *subject, const char *sex,
    const evspec *evs, const obspec *obs, const cplspec *cps)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	if (ecpr_episode_new(&ep, site, subject, 1, &err) != 0)
		return NULL;
	if (sex != NULL)
		ecpr_episode_set_attr(ep, ECPR_AT_SEX, sex, NULL, 0, &err);
	ecpr_episode_set_attr(ep, ECPR_AT_AGE_YEARS, "54", NULL, 0, &err);
	for (; evs->value != NULL; evs++)
		if (ecpr_episode_add_event(ep, evs->type, evs->value, NULL,
		    NULL, NULL, 0, &err) != 0)
			fprintf(stderr, "add_event: %s\n", err.message);
	for (; obs != NULL && obs->value != NULL; obs++)
		if (ecpr_episode_add_observation(ep, obs->type, obs->time,
		    obs->value, obs->unit, NULL, NULL, 0, &err) != 0)
			fprintf(stderr, "add_observation: %s\n", err.message);
	for (; cps != NULL && cps->code != NULL; cps++)
		if (ecpr_episode_add_complication(ep,
		    ecpr_complication_lookup(cps->code), cps->by, cps->time,
		    cps->note, NULL, NULL, 0, &err) != 0)
			fprintf(stderr, "add_complication: %s\n",
			    err.message);
	if (ecpr_episode_finish(ep, NULL, NULL, &err) != 0) {
		fprintf(stderr, "finish: %s\n", err.message);
		ecpr_episode_free(ep);
		return NULL;
	}
	return ep;
}

static ecpr_episode *
mk_episode(const char *site, const char *subject, const char *sex,
    const evspec *evs)
{
	return mk_episode_items(site, subject, sex, evs, NULL, NULL);
}

static const evspec evs_a[] = {
	{ ECPR_EV_CA_ONSET, "2021-07-27T08:00Z" },
	{ ECPR_EV_CPR_START, "ca_onset+PT5M" },
	{ ECPR_EV_MCC_START, "2021-07-27T08:10Z" },
	{ ECPR_EV_MCC_STOP, "2021-07-27T08:40Z" },
	{ ECPR_EV_ECMO_FLOW_START, "2021-07-27T09:22Z" },
	{ ECPR_EV_HOSPITAL_DISCHARGE, "2021-08-12" },
	{ ECPR_EV_HOSPITAL_ADMIT, "2021-07-27T07:30Z" },
	{ 0, NULL }
};

static const evspec evs_b[] = {
	{ ECPR_EV_CA_ONSET, "2022-01-02T10:00+01:00" },
	{ ECPR_EV_CPR_START, "2022-01-02T10:03+01:00" },
	{ 0, NULL }
};

/* Import episodes (NULL-terminated) as user; returns the status. */
static int
import_eps(const char *user, ecpr_episode **eps,
    ecpr_db_import_stats *st, ecpr_error *err)
{
	char ci[1700];
	ecpr_db *db;
	ecpr_db_import *im = NULL;
	int rc;

	user_ci(ci, sizeof(ci), user);
	if ((rc = ecpr_db_connect(&db, ci, err)) != 0)
		return rc;
	rc = ecpr_db_import_begin(&im, db, "test.csv", NULL, err);
	for (; rc == 0 && *eps != NULL; eps++)
		rc = ecpr_db_import_add(im, *eps, err);
	if (rc == 0)
		rc = ecpr_db_import_commit(im, 0, st, err);
	ecpr_db_import_free(im);
	ecpr_db_free(db);
	return rc;
}

static void
free_eps(ecpr_episode **eps)
{
	for (; *eps != NULL; eps++)
		ecpr_episode_free(*eps);
}

static void
test_import_idempotent_and_audited(void)
{
	ecpr_episode *eps[3];
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	PGconn *c = pq_as(NULL);
	static const evspec evs_a2[] = {
		{ ECPR_EV_CA_ONSET, "2021-07-27T08:00Z" },
		{ ECPR_EV_CPR_START, "ca_onset+PT6M" },
		{ ECPR_EV_MCC_START, "2021-07-27T08:10Z" },
		{ ECPR_EV_ECMO_FLOW_START, "2021-07-27T09:22Z" },
		{ ECPR_EV_HOSPITAL_DISCHARGE, "2021-08-12" },
		{ ECPR_EV_HOSPITAL_ADMIT, "2021-07-27T07:30Z" },
		{ 0, NULL }
	};

	eps[0] = mk_episode("IA", "a1", "M", evs_a);
	eps[1] = mk_episode("IA", "a2", NULL, evs_b);
	eps[2] = NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(eps[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eps[1]);
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.episodes, 2);
	CU_ASSERT_EQUAL(st.events, 9);
	CU_ASSERT_EQUAL(st.inserted, 2);
	CU_ASSERT_EQUAL(st.updated, 0);
	CU_ASSERT_EQUAL(st.unchanged, 0);
	CU_ASSERT_EQUAL(st.audit_rows, 0);
	CU_ASSERT_Q(c, "SELECT count(*) FROM event WHERE site = 'IA'", "9");
	CU_ASSERT_Q(c, "SELECT t_utc || ' ' || t_end || ' ' || precision || "
	    "' ' || source FROM event WHERE site = 'IA' AND type = "
	    "'cpr_start' AND episode_id = (SELECT episode_id FROM episode "
	    "WHERE subject = 'a1')", "2021-07-27 08:05:00+00 "
	    "2021-07-27 08:06:00+00 minute ca_onset+PT5M");
	CU_ASSERT_Q(c, "SELECT utc_offset FROM event WHERE type = 'ca_onset' "
	    "AND episode_id = (SELECT episode_id FROM episode "
	    "WHERE subject = 'a2')", "3600");
	CU_ASSERT_Q(c, "SELECT string_agg(type || occurrence || ':' || ord, "
	    "' ' ORDER BY ord) FROM event JOIN episode USING (episode_id) "
	    "WHERE subject = 'a1'", "hospital_admit1:1 ca_onset1:2 "
	    "cpr_start1:3 mcc_start1:4 mcc_stop1:5 ecmo_flow_start1:6 "
	    "hospital_discharge1:7");

	/* the same again: nothing changes */
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, 0);
	CU_ASSERT_EQUAL(st.updated, 0);
	CU_ASSERT_EQUAL(st.unchanged, 2);
	CU_ASSERT_EQUAL(st.audit_rows, 0);
	CU_ASSERT_Q(c, "SELECT count(*) FROM audit_log", "0");
	CU_ASSERT_Q(c, "SELECT count(*) FROM episode WHERE site = 'IA'", "2");
	free_eps(eps);

	/* corrected: cpr_start +6 min, sex F, the mcc_stop removed */
	eps[0] = mk_episode("IA", "a1", "F", evs_a2);
	eps[1] = mk_episode("IA", "a2", NULL, evs_b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eps[0]);
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, 0);
	CU_ASSERT_EQUAL(st.updated, 1);
	CU_ASSERT_EQUAL(st.unchanged, 1);
	/* sex; cpr_start t_utc, t_end, source; mcc_stop deleted */
	CU_ASSERT_EQUAL(st.audit_rows, 5);
	CU_ASSERT_Q(c, "SELECT string_agg(table_name || '|' || row_key || '|' "
	    "|| column_name || '|' || coalesce(old_value, '-') || '|' || "
	    "coalesce(new_value, '-') || '|' || db_role, E'\\n' ORDER BY "
	    "row_key, column_name) FROM audit_log",
	    "episode|IA/a1/1|sex|M|F|postgres\n"
	    "event|IA/a1/1/cpr_start#1|source|ca_onset+PT5M|ca_onset+PT6M|"
	    "postgres\n"
	    "event|IA/a1/1/cpr_start#1|t_end|2021-07-27 08:06:00+00|"
	    "2021-07-27 08:07:00+00|postgres\n"
	    "event|IA/a1/1/cpr_start#1|t_utc|2021-07-27 08:05:00+00|"
	    "2021-07-27 08:06:00+00|postgres\n"
	    "event|IA/a1/1/mcc_stop#1|*|2021-07-27T08:40Z|-|postgres");
	CU_ASSERT_Q(c, "SELECT count(DISTINCT batch_id) FROM audit_log", "1");
	CU_ASSERT_Q(c, "SELECT a.batch_id = max(b.batch_id) FROM audit_log a, "
	    "import_batch b GROUP BY a.batch_id", "t");
	CU_ASSERT_Q(c, "SELECT inserted || '/' || updated || '/' || unchanged "
	    "FROM import_batch ORDER BY batch_id DESC LIMIT 1", "0/1/1");
	CU_ASSERT_Q(c, "SELECT sex FROM episode WHERE subject = 'a1'", "F");
	CU_ASSERT_Q(c, "SELECT count(*) FROM event WHERE site = 'IA'", "8");
	free_eps(eps);
	PQfinish(c);
}

/*
 * The import's COPY rows: text with backslash, tab, newline and carriage
 * return (COPY's escapes; attributes refuse control characters, notes
 * keep them) and negative offsets stored as given.
 */
static void
test_import_copy_fields(void)
{
	ecpr_episode *eps[2] = { NULL, NULL };
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	PGconn *c = pq_as(NULL);

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&eps[0], "ESC\\1", "x\\y", 1,
	    &err), 0);
	CU_ASSERT_EQUAL(ecpr_episode_set_attr(eps[0], ECPR_AT_PRIMARY_DISEASE,
	    "a\\b \\t\\", NULL, 0, &err), 0);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(eps[0], ECPR_EV_CA_ONSET,
	    "2021-07-27T08:00-03:30", "n\\1\t2\n3\r4", NULL, NULL, 0, &err),
	    0);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(eps[0], ECPR_EV_CPR_START,
	    "2021-07-27T08:04-09:00", NULL, NULL, NULL, 0, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_finish(eps[0], NULL, NULL, &err),
	    0);
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, 1);
	CU_ASSERT_Q(c, "SELECT subject || '|' || primary_disease FROM episode "
	    "WHERE site = 'ESC\\1'", "x\\y|a\\b \\t\\");
	CU_ASSERT_Q(c, "SELECT string_agg(type || '|' || utc_offset || '|' || "
	    "t_utc || '|' || coalesce(note, '-'), ';' ORDER BY ord) "
	    "FROM event WHERE site = 'ESC\\1'",
	    "ca_onset|-12600|2021-07-27 11:30:00+00|n\\1\t2\n3\r4;"
	    "cpr_start|-32400|2021-07-27 17:04:00+00|-");
	/* the same again: stored as given, so nothing differs */
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.unchanged, 1);
	CU_ASSERT_EQUAL(st.audit_rows, 0);
	free_eps(eps);
	PQfinish(c);
}

static void
test_read_back(void)
{
	ecpr_db *db;
	ecpr_db_reader *rd = NULL;
	ecpr_episode *ep = NULL, *orig;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_filter f = ECPR_DB_FILTER_INIT;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	f.site = "IA";
	CU_ASSERT_EQUAL_FATAL(ecpr_db_read_begin(&rd, db, &f, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_read_next(rd, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_site(ep), "IA");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "a1");
	CU_ASSERT_EQUAL(ecpr_episode_number(ep), 1);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_SEX), "F");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_AGE_YEARS),
	    "54");
	CU_ASSERT_PTR_NULL(ecpr_episode_attr(ep, ECPR_AT_BMI));
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 6);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_event(ep, 2)->text,
	    "ca_onset+PT6M");
	CU_ASSERT_EQUAL(ecpr_episode_event(ep, 2)->time.t, 1627373160);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_read_next(rd, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "a2");
	/* the same as the episode built from the values directly */
	orig = mk_episode("IA", "a2", NULL, evs_b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep),
	    ecpr_episode_event_count(orig));
	for (i = 0; i < ecpr_episode_event_count(ep); i++) {
		const ecpr_event *a = ecpr_episode_event(ep, i);
		const ecpr_event *b = ecpr_episode_event(orig, i);

		CU_ASSERT_EQUAL(a->type, b->type);
		CU_ASSERT_EQUAL(a->time.t, b->time.t);
		CU_ASSERT_EQUAL(a->time.end, b->time.end);
		CU_ASSERT_EQUAL(a->time.offset, b->time.offset);
		CU_ASSERT_EQUAL(a->time.prec, b->time.prec);
		CU_ASSERT_STRING_EQUAL(a->text, b->text);
	}
	ecpr_episode_free(orig);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_db_read_next(rd, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_db_read_free(rd);

	/* filters: subject; since/until on ca_onset */
	f.subject = "a2";
	CU_ASSERT_EQUAL_FATAL(ecpr_db_read_begin(&rd, db, &f, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_read_next(rd, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "a2");
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_db_read_next(rd, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_db_read_free(rd);
	f.subject = NULL;
	f.has_since = 1;
	f.since = 1640995200; /* 2022-01-01T00:00Z */
	CU_ASSERT_EQUAL_FATAL(ecpr_db_read_begin(&rd, db, &f, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_read_next(rd, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "a2");
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_db_read_next(rd, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_db_read_free(rd);
	f.has_since = 0;
	f.has_until = 1;
	f.until = 1640995200;
	CU_ASSERT_EQUAL_FATAL(ecpr_db_read_begin(&rd, db, &f, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_read_next(rd, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "a1");
	ecpr_episode_free(ep);
	/* stop early: the reader drains the connection */
	ecpr_db_read_free(rd);
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, NULL, NULL, &err), 0);
	ecpr_db_free(db);
}

/*
 * The registry as an episode stream: in a database of their own, the
 * episodes of tests/data/episodes/cases.csv come back for every filter
 * of episode_filter_cases.h exactly as the files give them.
 */
static void
test_episodes_stream(void)
{
	PGconn *c = pq_as(NULL);
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db *db = NULL;
	ecpr_db_reader *rd = NULL;
	ecpr_db_import *im = NULL;
	ecpr_episodes *es = NULL, *files = NULL;
	ecpr_episode *ep = NULL;
	ecpr_episode_filter f = ECPR_EPISODE_FILTER_INIT;
	char ci[1700];
	char *got;
	size_t i;
	int rc;

	CU_ASSERT_Q(c, "CREATE DATABASE ecpr_streams", "");
	PQfinish(c);
	snprintf(ci, sizeof(ci), "%s dbname=ecpr_streams", conninfo);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, ci, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_migrate(db, NULL, NULL, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_open_files(&files, NULL, NULL,
	    &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_add_file(files,
	    cu_data("episodes/cases.csv"), &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_import_begin(&im, db, "cases.csv", NULL,
	    &err), 0);
	while ((rc = ecpr_episodes_next(files, &ep, &err)) == 0 &&
	    ep != NULL) {
		CU_ASSERT_EQUAL(ecpr_db_import_add(im, ep, &err), 0);
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(rc, 0);
	ecpr_episodes_free(files);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_import_commit(im, 0, NULL, &err), 0);
	ecpr_db_import_free(im);

	for (i = 0; i < sizeof(filter_cases) / sizeof(filter_cases[0]); i++) {
		const struct filter_case *fc = &filter_cases[i];

		CU_ASSERT_EQUAL_FATAL(case_filter(fc, &f), 0);
		/* on a connection of its own, then on db (borrowed) */
		CU_ASSERT_EQUAL_FATAL(ecpr_db_episodes_open(&es, ci, &f, &err),
		    0);
		got = drain(es);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		CU_ASSERT_STRING_EQUAL(got, fc->want);
		if (strcmp(got, fc->want) != 0)
			fprintf(stderr, "\ncase %zu: got \"%s\", want \"%s\"\n",
			    i, got, fc->want);
		free(got);
		CU_ASSERT_EQUAL(ecpr_episodes_error_count(es), 0);
		ecpr_episodes_free(es);
		CU_ASSERT_EQUAL_FATAL(ecpr_db_episodes_new(&es, db, &f, &err),
		    0);
		got = drain(es);
		CU_ASSERT_STRING_EQUAL(got, fc->want);
		free(got);
		ecpr_episodes_free(es);
	}

	/* db is busy while a stream reads it, free again after */
	CU_ASSERT_EQUAL_FATAL(ecpr_db_episodes_new(&es, db, NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_episodes_next(es, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(ep);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_db_read_begin(&rd, db, NULL, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "the connection is busy");
	CU_ASSERT_EQUAL(ecpr_db_episodes_new(&files, db, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(files);
	ecpr_episodes_free(es); /* stopped early: drained */
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, NULL, NULL, &err), 0);
	ecpr_db_free(db);

	/* a registry that cannot be reached: no stream, the connect error */
	snprintf(ci, sizeof(ci), "%s dbname=no_such_db", conninfo);
	es = (ecpr_episodes *)&err;
	CU_ASSERT_EQUAL(ecpr_db_episodes_open(&es, ci, NULL, &err), ECPR_EDB);
	CU_ASSERT_PTR_NULL(es);
	CU_ASSERT_EQUAL(strncmp(err.message, "cannot connect to the registry: ",
	    32), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "no_such_db"));
	CU_ASSERT_EQUAL(ecpr_db_episodes_new(NULL, NULL, NULL, &err),
	    ECPR_EINVAL);
}

static void
test_abandoned_import_rolls_back(void)
{
	ecpr_db *db;
	ecpr_db_import *im = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = mk_episode("RB", "r1", NULL, evs_b);
	PGconn *c = pq_as(NULL);
	char *before = q1(c, "SELECT count(*) FROM import_batch");

	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_import_begin(&im, db, "x", NULL, &err),
	    0);
	CU_ASSERT_EQUAL(ecpr_db_import_add(im, ep, &err), 0);
	/* a second user of the connection is refused while it is busy */
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, NULL, NULL, &err), ECPR_EINVAL);
	ecpr_db_import_free(im);
	CU_ASSERT_Q(c, "SELECT count(*) FROM episode WHERE site = 'RB'", "0");
	CU_ASSERT_Q(c, "SELECT count(*) FROM site WHERE site = 'RB'", "0");
	CU_ASSERT_Q(c, "SELECT count(*) FROM import_batch", before);
	/* the connection is usable again */
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, NULL, NULL, &err), 0);
	ecpr_db_free(db);
	ecpr_episode_free(ep);
	free(before);
	PQfinish(c);
}


/* ---- the view agrees with lib/interval.c ------------------------------- */

static unsigned long rng_state = 12345;

static long
rnd(long lo, long hi)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return lo + (long)((rng_state >> 33) % (unsigned long)(hi - lo + 1));
}

/* t in the form prec: 's' seconds, 'm' minutes, 'd' day, 'M' month. */
static void
fmt_time(char *buf, size_t len, int64_t t, char prec)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	switch (prec) {
	case 's':
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
		break;
	case 'd':
		strftime(buf, len, "%Y-%m-%d", &tm);
		break;
	case 'M':
		strftime(buf, len, "%Y-%m", &tm);
		break;
	default:
		strftime(buf, len, "%Y-%m-%dT%H:%MZ", &tm);
	}
}

static int
gen_add(ecpr_episode *ep, ecpr_event_type type, int64_t t, char prec)
{
	char v[40];
	ecpr_error err = ECPR_ERROR_INIT;

	fmt_time(v, sizeof(v), t, prec);
	return ecpr_episode_add_event(ep, type, v, NULL, NULL, NULL, 0, &err);
}

/* A plausible random episode, or NULL when the rules refuse it. */
static ecpr_episode *
gen_episode(long i)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	char subj[32], cpc[4];
	int64_t ca, t, flow;
	long k, nseg;

	snprintf(subj, sizeof(subj), "g%05ld", i);
	if (ecpr_episode_new(&ep, "GEN", subj, 1, &err) != 0)
		return NULL;
	ca = 1609459200 + (int64_t)i * 3 * 86400 + rnd(0, 86399);
	ca -= ca % 60;
	if (rnd(0, 9) > 0)
		gen_add(ep, ECPR_EV_CA_ONSET, ca, rnd(0, 20) ? 'm' : 'd');
	t = ca + 60 * rnd(0, 15);
	gen_add(ep, ECPR_EV_CPR_START, t, rnd(0, 4) ? 'm' : 's');
	gen_add(ep, ECPR_EV_HOSPITAL_ADMIT, ca - 60 * rnd(-30, 90),
	    rnd(0, 5) ? 'm' : 'd');
	nseg = rnd(0, 3);
	for (k = 0; k < nseg; k++) {
		t += 60 * rnd(1, 10) + rnd(0, 59);
		gen_add(ep, ECPR_EV_MCC_START, t, rnd(0, 3) ? 'm' : 's');
		t += 60 * rnd(1, 40) + rnd(0, 59);
		if (k < nseg - 1 || rnd(0, 5))
			gen_add(ep, ECPR_EV_MCC_STOP, t, rnd(0, 3) ? 'm' : 's');
	}
	t += 60 * rnd(1, 30);
	if (rnd(0, 5)) {
		gen_add(ep, ECPR_EV_CANNULATION_START, t, 'm');
		t += 60 * rnd(5, 40) + rnd(0, 59);
		flow = t;
		gen_add(ep, ECPR_EV_ECMO_FLOW_START, flow, rnd(0, 3) ? 'm' : 's');
		if (rnd(0, 2))
			gen_add(ep, ECPR_EV_ROSC, t + 60 * rnd(10, 300), 'm');
		t += 86400 * rnd(1, 12) + rnd(0, 86399);
		gen_add(ep, ECPR_EV_ECMO_STOP, t, rnd(0, 3) ? 'm' : 'd');
	} else {
		t += 60 * rnd(1, 30);
		gen_add(ep, ECPR_EV_ROSC, t, 'm');
	}
	gen_add(ep, ECPR_EV_ICU_ADMIT, ca + 60 * rnd(30, 180) - 86400 * 0,
	    'm');
	t += 86400 * rnd(2, 20);
	if (rnd(0, 6)) {
		gen_add(ep, ECPR_EV_ICU_DISCHARGE, t, rnd(0, 2) ? 'm' : 'd');
		t += 86400 * rnd(2, 60);
		gen_add(ep, ECPR_EV_HOSPITAL_DISCHARGE, t,
		    rnd(0, 5) ? 'd' : (rnd(0, 1) ? 'M' : 'm'));
	} else {
		gen_add(ep, ECPR_EV_DEATH, t, rnd(0, 3) ? 'm' : 'd');
	}
	snprintf(cpc, sizeof(cpc), "%ld", rnd(1, 5));
	if (rnd(0, 4))
		ecpr_episode_set_attr(ep, ECPR_AT_CPC_DISCHARGE, cpc, NULL, 0,
		    &err);
	if (ecpr_episode_finish(ep, NULL, NULL, &err) != 0) {
		ecpr_episode_free(ep);
		return NULL;
	}
	return ep;
}

/* The C intervals of ep as "a,b,...," ("" for unknown). */
static int
c_intervals(const ecpr_episode *ep, char *buf, size_t len)
{
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_error err = ECPR_ERROR_INIT;
	size_t n = 0;
	int i;

	if (ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT, &err) != 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < ECPR_IV_COUNT && n < len; i++) {
		n += ecpr_interval_format(&iv[i], (ecpr_interval_id)i,
		    buf + n, len - n);
		if (n + 1 < len) {
			buf[n++] = ',';
			buf[n] = '\0';
		}
	}
	return 0;
}

#define VIEW_ROW "SELECT subject, coalesce(no_flow_min, '') || ',' || " \
	"coalesce(conventional_cpr_min, '') || ',' || " \
	"coalesce(mechanical_cc_min, '') || ',' || " \
	"coalesce(cardiac_arrest_min, '') || ',' || " \
	"coalesce(ecmo_setup_min, '') || ',' || " \
	"coalesce(ca_to_flow_min, '') || ',' || coalesce(ecpr_days, '') || " \
	"',' || coalesce(icu_days, '') || ',' || " \
	"coalesce(hospital_days, '') || ',' || " \
	"coalesce(cpc_discharge, '') || ',' FROM episode_intervals "

static void
test_view_matches_c_generated(void)
{
	enum { N = 600 };
	ecpr_episode *eps[N + 1];
	char want[N][256];
	size_t n = 0, ranges = 0, empty = 0, mismatches = 0, i;
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	PGconn *c = pq_as(NULL);
	PGresult *r;
	long k;

	for (k = 0; k < N; k++) {
		ecpr_episode *ep = gen_episode(k);

		if (ep == NULL)
			continue;
		if (c_intervals(ep, want[n], sizeof(want[n])) != 0) {
			ecpr_episode_free(ep);
			continue;
		}
		if (strstr(want[n], "..") != NULL)
			ranges++;
		if (strstr(want[n], ",,") != NULL)
			empty++;
		eps[n++] = ep;
	}
	eps[n] = NULL;
	/* the generator must exercise the rules, not be refused */
	CU_ASSERT(n >= N * 9 / 10);
	CU_ASSERT(ranges >= 50);
	CU_ASSERT(empty >= 50);
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, n);
	r = PQexec(c, VIEW_ROW "WHERE site = 'GEN' ORDER BY subject");
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
	CU_ASSERT_EQUAL_FATAL((size_t)PQntuples(r), n);
	for (i = 0; i < n; i++) {
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, (int)i, 0),
		    ecpr_episode_subject(eps[i]));
		if (strcmp(PQgetvalue(r, (int)i, 1), want[i]) != 0 &&
		    mismatches++ < 5)
			fprintf(stderr, "\n%s: view %s, C %s\n",
			    ecpr_episode_subject(eps[i]),
			    PQgetvalue(r, (int)i, 1), want[i]);
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	PQclear(r);
	free_eps(eps);
	PQfinish(c);
}

/* Every good episode of tests/data/table through ecpr_source. */
static void
test_view_matches_c_test_data(void)
{
	static const char *const files[] = { "dst.csv", "escape.csv",
		"midnight.csv", "noecmo.csv", "partial.csv",
		"segments-wide.csv", "segments.csv", NULL };
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_source *src = NULL;
	ecpr_tz *tz = NULL;
	ecpr_episode *ep, *eps[64];
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_import_stats st;
	char want[64][256], path[600], sql[1200];
	size_t n = 0, i;
	PGconn *c = pq_as(NULL);
	PGresult *r;
	int k;

	CU_ASSERT_EQUAL_FATAL(ecpr_tz_load(&tz, "Europe/Berlin", &err), 0);
	opts.tz = tz;
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &opts, &err), 0);
	for (k = 0; files[k] != NULL; k++) {
		snprintf(path, sizeof(path), "table/%s", files[k]);
		CU_ASSERT_EQUAL(ecpr_source_add_file(src, cu_data(path), &err),
		    0);
	}
	while (n < 63 && ecpr_source_next(src, &ep, &err) == 0 && ep != NULL) {
		CU_ASSERT_EQUAL(c_intervals(ep, want[n], sizeof(want[n])), 0);
		eps[n++] = ep;
	}
	eps[n] = NULL;
	CU_ASSERT_EQUAL(err.code, ECPR_OK);
	CU_ASSERT(n >= 7);
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	for (i = 0; i < n; i++) {
		const char *vals[2] = { ecpr_episode_site(eps[i]),
			ecpr_episode_subject(eps[i]) };

		snprintf(sql, sizeof(sql), "%s WHERE site = $1 AND "
		    "subject = $2", VIEW_ROW);
		r = PQexecParams(c, sql, 2, NULL, vals, NULL, NULL, 0);
		CU_ASSERT_EQUAL(PQntuples(r), 1);
		if (PQntuples(r) == 1) {
			CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 1), want[i]);
			if (strcmp(PQgetvalue(r, 0, 1), want[i]) != 0)
				fprintf(stderr, "\n%s: view %s, C %s\n",
				    vals[1], PQgetvalue(r, 0, 1), want[i]);
		}
		PQclear(r);
	}
	free_eps(eps);
	ecpr_source_free(src);
	ecpr_tz_free(tz);
	PQfinish(c);
}

/* ---- observations and complications (issue 10) ------------------------ */

static const obspec obs_o1[] = {
	{ ECPR_OBS_LACTATE, "ecmo_flow_start+PT1H", ">15.0", "mmol/L" },
	{ ECPR_OBS_CREATININE, "2021-07-28T06:00Z", "134", "µmol/L" },
	{ ECPR_OBS_NT_PROBNP, "2021-07-28T06:00Z", "> 35000", "pg/mL" },
	{ ECPR_OBS_PLATELETS, "2021-07-29", "41", "10^9/L" },
	{ 0, NULL, NULL, NULL }
};

static const cplspec cps_o1[] = {
	{ "pulmonary_contusion", ECPR_BY_MCC, NULL, "CT day 1" },
	{ "pulmonary_infection", ECPR_BY_ECPR, "2021-07-30", NULL },
	{ "mods", ECPR_BY_ECPR, "ecmo_flow_start+P2D", NULL },
	{ NULL, 0, NULL, NULL }
};

/* The observations of ep as "name@time value unit;..." (contract text). */
static void
obs_list(const ecpr_episode *ep, char *buf, size_t len)
{
	size_t i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < ecpr_episode_observation_count(ep) && k < len; i++) {
		const ecpr_observation *o = ecpr_episode_observation(ep, i);
		char v[64];

		ecpr_value_format(&o->value, 0, v, sizeof(v));
		k += (size_t)snprintf(buf + k, len - k, "%s%s@%s %s %s",
		    i ? ";" : "", ecpr_obs_name(o->type), o->time_text, v,
		    o->unit);
	}
}

/* The complications of ep as "code:by@time[:note];...". */
static void
cpl_list(const ecpr_episode *ep, char *buf, size_t len)
{
	size_t i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < ecpr_episode_complication_count(ep) && k < len; i++) {
		const ecpr_complication *c = ecpr_episode_complication(ep, i);

		k += (size_t)snprintf(buf + k, len - k, "%s%s:%s@%s%s%s",
		    i ? ";" : "", ecpr_complication_name(c->code),
		    ecpr_attribution_name(c->by), c->time_text,
		    c->note ? ":" : "", c->note ? c->note : "");
	}
}

/* The audit rows of site as "table|key|column|old|new" lines. */
#define AUDIT_SQL(site) "SELECT string_agg(table_name || '|' || row_key " \
	"|| '|' || column_name || '|' || coalesce(old_value, '-') || '|' " \
	"|| coalesce(new_value, '-'), E'\\n' ORDER BY table_name COLLATE " \
	"\"C\", row_key COLLATE \"C\", column_name COLLATE \"C\") " \
	"FROM audit_log WHERE site = '" site "'"

/*
 * Observations and complications go in with their episode (censored
 * values and the scale as written kept, units as UCUM codes), the same
 * again is unchanged, and each changed value is one audit row.
 */
static void
test_items_import_idempotent_and_audited(void)
{
	static const obspec obs_o1b[] = {
		{ ECPR_OBS_LACTATE, "ecmo_flow_start+PT1H", ">15", "mmol/L" },
		{ ECPR_OBS_CREATININE, "2021-07-28T06:00Z", "1.52", "mg/dL" },
		{ ECPR_OBS_NT_PROBNP, "2021-07-28T06:00Z", ">35000", "pg/mL" },
		{ ECPR_OBS_MAP, "2021-07-28T06:00Z", "62", "mmHg" },
		{ 0, NULL, NULL, NULL }
	};
	static const cplspec cps_o1b[] = {
		{ "pulmonary_contusion", ECPR_BY_MCC, NULL, "CT day 2" },
		{ "pulmonary_infection", ECPR_BY_ECPR, "2021-07-30", NULL },
		{ "stroke", ECPR_BY_OTHER, "", NULL },
		{ NULL, 0, NULL, NULL }
	};
	ecpr_episode *eps[2];
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	PGconn *c = pq_as(NULL);

	eps[0] = mk_episode_items("OA", "o1", "M", evs_a, obs_o1, cps_o1);
	eps[1] = NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(eps[0]);
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, 1);
	CU_ASSERT_Q(c, "SELECT string_agg(observation || '@' || source || ' ' "
	    "|| comparator || ' ' || value || ' ' || unit || ' ' || precision "
	    "|| ' ' || t_utc || ' ' || utc_offset, '|' ORDER BY observation) "
	    "FROM observation WHERE site = 'OA'",
	    "creatinine@2021-07-28T06:00Z = 134 umol/L minute "
	    "2021-07-28 06:00:00+00 0|"
	    "lactate@ecmo_flow_start+PT1H > 15.0 mmol/L minute "
	    "2021-07-27 10:22:00+00 0|"
	    "nt_probnp@2021-07-28T06:00Z > 35000 pg/mL minute "
	    "2021-07-28 06:00:00+00 0|"
	    "platelets@2021-07-29 = 41 10*9/L day 2021-07-29 00:00:00+00 0");
	CU_ASSERT_Q(c, "SELECT string_agg(complication || ':' || attribution "
	    "|| '@' || source || ' ' || coalesce(precision, '-') || ' ' || "
	    "coalesce(t_utc::text, '-') || ' ' || coalesce(note, '-'), '|' "
	    "ORDER BY complication) FROM complication WHERE site = 'OA'",
	    "mods:ecpr@ecmo_flow_start+P2D minute 2021-07-29 09:22:00+00 -|"
	    "pulmonary_contusion:mcc@ - - CT day 1|"
	    "pulmonary_infection:ecpr@2021-07-30 day 2021-07-30 00:00:00+00 -");

	/* the same again: nothing changes */
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.unchanged, 1);
	CU_ASSERT_EQUAL(st.updated, 0);
	CU_ASSERT_EQUAL(st.audit_rows, 0);
	free_eps(eps);

	/* lactate >15.0 -> >15 (the same number, another value), creatinine
	 * in mg/dL, platelets gone, map new; a note changed, mods gone,
	 * stroke new */
	eps[0] = mk_episode_items("OA", "o1", "M", evs_a, obs_o1b, cps_o1b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eps[0]);
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.updated, 1);
	CU_ASSERT_EQUAL(st.audit_rows, 8);
	CU_ASSERT_Q(c, AUDIT_SQL("OA"),
	    "complication|OA/o1/1/mods:ecpr@ecmo_flow_start+P2D|*|mods|-\n"
	    "complication|OA/o1/1/pulmonary_contusion:mcc@|note|CT day 1|"
	    "CT day 2\n"
	    "complication|OA/o1/1/stroke:other@|*|-|stroke\n"
	    "observation|OA/o1/1/creatinine@2021-07-28T06:00Z|unit|umol/L|"
	    "mg/dL\n"
	    "observation|OA/o1/1/creatinine@2021-07-28T06:00Z|value|134|1.52\n"
	    "observation|OA/o1/1/lactate@ecmo_flow_start+PT1H|value|>15.0|"
	    ">15\n"
	    "observation|OA/o1/1/map@2021-07-28T06:00Z|*|-|62\n"
	    "observation|OA/o1/1/platelets@2021-07-29|*|41|-");
	CU_ASSERT_Q(c, "SELECT count(*) FROM observation o JOIN episode e "
	    "USING (episode_id) WHERE o.site = 'OA' AND o.batch_id = "
	    "e.batch_id", "3");
	free_eps(eps);
	PQfinish(c);
}

/* Read back: the episode's observations and complications as written. */
static void
test_items_read_back(void)
{
	ecpr_db *db;
	ecpr_episodes *es = NULL;
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_filter f = ECPR_DB_FILTER_INIT;
	const ecpr_observation *o;
	char buf[1024];

	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	f.site = "OA";
	CU_ASSERT_EQUAL_FATAL(ecpr_db_episodes_new(&es, db, &f, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_next(es, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 7);
	obs_list(ep, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
	    "lactate@ecmo_flow_start+PT1H >15 mmol/L;"
	    "nt_probnp@2021-07-28T06:00Z >35000 pg/mL;"
	    "creatinine@2021-07-28T06:00Z 1.52 mg/dL;"
	    "map@2021-07-28T06:00Z 62 mm[Hg]");
	o = ecpr_episode_observation(ep, 0);
	CU_ASSERT_EQUAL(o->value.cmp, ECPR_CMP_GT);
	CU_ASSERT_EQUAL(o->time.t, 1627381320); /* 2021-07-27T10:22Z */
	cpl_list(ep, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "pulmonary_contusion:mcc@:CT day 2;"
	    "pulmonary_infection:ecpr@2021-07-30;stroke:other@");
	CU_ASSERT_EQUAL(ecpr_episode_complication(ep, 0)->time.prec,
	    ECPR_PREC_NONE);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_episodes_next(es, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_episodes_free(es);
	ecpr_db_free(db);
}

/* Begin an import as the owner on a connection of its own. */
static ecpr_db_import *
begin_import(ecpr_db **db, const char *files)
{
	ecpr_db_import *im = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	if (ecpr_db_connect(db, conninfo, &err) != 0)
		return NULL;
	if (ecpr_db_import_begin(&im, *db, files, NULL, &err) != 0) {
		fprintf(stderr, "begin: %s\n", err.message);
		ecpr_db_free(*db);
		*db = NULL;
	}
	return im;
}

/*
 * ecpr_db_import_item_change: Insert, Update, Upsert and Remove of single
 * observations and complications, checked and audited as the episode's
 * other values; an attribute change keeps them.
 */
static void
test_item_change(void)
{
	ecpr_db_item_change ch[4];
	ecpr_db_change ac;
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_import *im;
	ecpr_db *db = NULL;
	PGconn *c = pq_as(NULL);

	/* an Insert of the stored value is no change; of another, an error */
	memset(ch, 0, sizeof(ch));
	ch[0].op = ECPR_DB_INSERT;
	ch[0].kind = ECPR_DB_OBSERVATION;
	ch[0].type = ECPR_OBS_NT_PROBNP;
	ch[0].time = "2021-07-28T06:00Z";
	ch[0].value = "> 35000";
	ch[0].unit = "pg/ml";
	ch[0].file = "x.xml";
	ch[0].line = 6;
	ch[1] = ch[0];
	ch[1].type = ECPR_OBS_CREATININE;
	ch[1].value = "1.6";
	ch[1].unit = "mg/dL";
	ch[1].line = 7;
	im = begin_import(&db, "x.xml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(im);
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "o1", 1, ch, 2,
	    NULL, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.file, "x.xml");
	CU_ASSERT_EQUAL(err.line, 7);
	CU_ASSERT_STRING_EQUAL(err.message, "observation \"creatinine\" at "
	    "\"2021-07-28T06:00Z\": Insert of \"1.6 mg/dL\", but subject "
	    "\"o1\", episode 1 holds \"1.52 mg/dL\" (Update changes a value)");
	/* an Update of an episode that is not there */
	ch[0].op = ECPR_DB_UPDATE;
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "nobody", 1, ch,
	    1, NULL, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "subject \"nobody\", episode 1: "
	    "Update of an episode that is not in the registry (Insert or "
	    "Upsert adds one)");
	/* a value the core refuses, at the change's file and line */
	ch[0].op = ECPR_DB_UPSERT;
	ch[0].value = "35,000";
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "o1", 1, ch, 1,
	    NULL, &err), ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.file, "x.xml");
	CU_ASSERT_EQUAL(err.line, 6);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "35,000"));
	/* not a change at all */
	ch[0].value = "1";
	ch[0].kind = (ecpr_db_item_kind)7;
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "o1", 1, ch, 1,
	    NULL, &err), ECPR_EINVAL);
	ch[0].kind = ECPR_DB_OBSERVATION;
	ch[0].time = "";
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "o1", 1, ch, 1,
	    NULL, &err), ECPR_EINVAL);
	ecpr_db_import_free(im); /* rolled back */
	ecpr_db_free(db);
	CU_ASSERT_Q(c, "SELECT count(*) FROM audit_log WHERE site = 'OA'",
	    "8");

	/* Upsert lactate back to >15.0 (written "> 15.0"), Remove map, Insert
	 * a complication, Remove one without a time; then a second change
	 * of the same episode in the same import sees the first */
	memset(ch, 0, sizeof(ch));
	ch[0].op = ECPR_DB_UPSERT;
	ch[0].kind = ECPR_DB_OBSERVATION;
	ch[0].type = ECPR_OBS_LACTATE;
	ch[0].time = "ecmo_flow_start+PT1H";
	ch[0].value = "> 15.0";
	ch[0].unit = "mmol/L";
	ch[1].op = ECPR_DB_REMOVE;
	ch[1].kind = ECPR_DB_OBSERVATION;
	ch[1].type = ECPR_OBS_MAP;
	ch[1].time = "2021-07-28T06:00Z";
	ch[2].op = ECPR_DB_INSERT;
	ch[2].kind = ECPR_DB_COMPLICATION;
	ch[2].type = ecpr_complication_lookup("limb_ischaemia");
	ch[2].by = ECPR_BY_ECPR;
	ch[2].time = "2021-07-29";
	ch[2].note = "left leg";
	ch[3].op = ECPR_DB_REMOVE;
	ch[3].kind = ECPR_DB_COMPLICATION;
	ch[3].type = ecpr_complication_lookup("stroke");
	ch[3].by = ECPR_BY_OTHER;
	ch[3].time = NULL;
	im = begin_import(&db, "y.xml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(im);
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "o1", 1, ch, 4,
	    NULL, &err), 0);
	/* the Insert again over the staged one: the same note is no change,
	 * another note is an error */
	ch[2].line = 9;
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "o1", 1, &ch[2],
	    1, NULL, &err), 0);
	ch[2].note = "right leg";
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "o1", 1, &ch[2],
	    1, NULL, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "complication \"limb_ischaemia\" "
	    "(ecpr) at \"2021-07-29\": Insert of note \"right leg\", but "
	    "subject \"o1\", episode 1 holds note \"left leg\" (Update "
	    "changes a value)");
	/* an attribute change keeps the observations and complications */
	memset(&ac, 0, sizeof(ac));
	ac.op = ECPR_DB_UPDATE;
	ac.attr = ECPR_AT_SEX;
	ac.value = "F";
	CU_ASSERT_EQUAL(ecpr_db_import_change(im, "OA", "o1", 1, &ac, 1, NULL,
	    &err), 0);
	/* an episode new to the registry from an Insert of one item */
	ch[0].op = ECPR_DB_INSERT;
	ch[0].time = "2021-08-01T10:00Z";
	ch[0].value = "3.1";
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "OA", "o9", 1, ch, 1,
	    NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_commit(im, 0, &st, &err), 0);
	ecpr_db_import_free(im);
	ecpr_db_free(db);
	CU_ASSERT_EQUAL(st.inserted, 1);
	CU_ASSERT_EQUAL(st.updated, 1);
	CU_ASSERT_EQUAL(st.audit_rows, 5);
	CU_ASSERT_Q(c, AUDIT_SQL("OA") " AND batch_id = (SELECT max(batch_id) "
	    "FROM import_batch)",
	    "complication|OA/o1/1/limb_ischaemia:ecpr@2021-07-29|*|-|"
	    "limb_ischaemia\n"
	    "complication|OA/o1/1/stroke:other@|*|stroke|-\n"
	    "episode|OA/o1/1|sex|M|F\n"
	    "observation|OA/o1/1/lactate@ecmo_flow_start+PT1H|value|>15|"
	    ">15.0\n"
	    "observation|OA/o1/1/map@2021-07-28T06:00Z|*|62|-");
	CU_ASSERT_Q(c, "SELECT string_agg(observation || '@' || source || "
	    "' ' || comparator || value, '|' ORDER BY observation) "
	    "FROM observation JOIN episode USING (episode_id) "
	    "WHERE subject = 'o1'", "creatinine@2021-07-28T06:00Z =1.52|"
	    "lactate@ecmo_flow_start+PT1H >15.0|"
	    "nt_probnp@2021-07-28T06:00Z >35000");
	CU_ASSERT_Q(c, "SELECT string_agg(complication || ':' || "
	    "coalesce(note, '-'), '|' ORDER BY complication) "
	    "FROM complication JOIN episode USING (episode_id) "
	    "WHERE subject = 'o1'", "limb_ischaemia:left leg|"
	    "pulmonary_contusion:CT day 2|pulmonary_infection:-");
	CU_ASSERT_Q(c, "SELECT count(*) FROM event JOIN episode "
	    "USING (episode_id) WHERE subject = 'o1'", "7");
	CU_ASSERT_Q(c, "SELECT observation || ' ' || value FROM observation "
	    "JOIN episode USING (episode_id) WHERE subject = 'o9'",
	    "lactate 3.1");
	PQfinish(c);
}

/* ---- imports in chunks (issue 13 item 3) ------------------------------ */

/*
 * As user (NULL: the owner, whose new episodes' rows are copied straight
 * into their tables; a site role's go through the staging tables): a
 * new episode added, then changed in the same import (an item removed,
 * one inserted, an attribute updated) is stored as changed and counted
 * as inserted, with no audit row: the change finds it as it was added,
 * as when the import staged every row.
 */
static void
chunk_change_new(const char *user, const char *site)
{
	static const obspec obs[] = {
		{ ECPR_OBS_LACTATE, "ecmo_flow_start+PT1H", ">15.0", "mmol/L" },
		{ ECPR_OBS_PLATELETS, "2021-07-29", "41", "10^9/L" },
		{ 0, NULL, NULL, NULL }
	};
	ecpr_db *db;
	ecpr_db_import *im = NULL;
	ecpr_db_item_change ch[2];
	ecpr_db_change ac;
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep[3];
	char ci[1700], sql[600];
	PGconn *c = pq_as(NULL);

	ep[0] = mk_episode_items(site, "n1", "M", evs_a, obs, cps_o1);
	ep[1] = mk_episode_items(site, "n2", "F", evs_b, NULL, NULL);
	ep[2] = NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep[1]);
	memset(ch, 0, sizeof(ch));
	ch[0].op = ECPR_DB_REMOVE;
	ch[0].kind = ECPR_DB_OBSERVATION;
	ch[0].type = ECPR_OBS_PLATELETS;
	ch[0].time = "2021-07-29";
	ch[1].op = ECPR_DB_INSERT;
	ch[1].kind = ECPR_DB_COMPLICATION;
	ch[1].type = ecpr_complication_lookup("limb_ischaemia");
	ch[1].by = ECPR_BY_ECPR;
	ch[1].time = "2021-07-29";
	ch[1].note = "left leg";
	memset(&ac, 0, sizeof(ac));
	ac.op = ECPR_DB_UPDATE;
	ac.attr = ECPR_AT_SEX;
	ac.value = "U";
	user_ci(ci, sizeof(ci), user);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, ci, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_import_begin(&im, db, "n.xml", NULL,
	    &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_add(im, ep[0], &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_add(im, ep[1], &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, site, "n1", 1, ch, 2,
	    NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_change(im, site, "n1", 1, &ac, 1, NULL,
	    &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_commit(im, 0, &st, &err), 0);
	ecpr_db_import_free(im);
	ecpr_db_free(db);
	free_eps(ep);
	CU_ASSERT_EQUAL(st.episodes, 2);
	CU_ASSERT_EQUAL(st.inserted, 2);
	CU_ASSERT_EQUAL(st.updated, 0);
	CU_ASSERT_EQUAL(st.audit_rows, 0);
	CU_ASSERT_EQUAL(st.events, 9);
	snprintf(sql, sizeof(sql), "SELECT string_agg(e.subject || ':' || "
	    "e.sex || ':' || (SELECT count(*) FROM event v WHERE "
	    "v.episode_id = e.episode_id) || ':' || (e.batch_id = (SELECT "
	    "max(batch_id) FROM import_batch)), ',' ORDER BY e.subject) "
	    "FROM episode e WHERE e.site = '%s'", site);
	CU_ASSERT_Q(c, sql, "n1:U:7:true,n2:F:2:true");
	snprintf(sql, sizeof(sql), "SELECT string_agg(observation || '@' || "
	    "source || ' ' || comparator || value || ' ' || unit || ' ' || "
	    "t_utc || '..' || t_end || ' ' || precision, '|' ORDER BY "
	    "observation) FROM observation WHERE site = '%s'", site);
	CU_ASSERT_Q(c, sql, "lactate@ecmo_flow_start+PT1H >15.0 mmol/L "
	    "2021-07-27 10:22:00+00..2021-07-27 10:23:00+00 minute");
	snprintf(sql, sizeof(sql), "SELECT string_agg(complication || ':' || "
	    "attribution || '@' || source || ':' || coalesce(t_utc::text, "
	    "'-') || ':' || coalesce(note, '-'), '|' ORDER BY complication) "
	    "FROM complication WHERE site = '%s'", site);
	CU_ASSERT_Q(c, sql, "limb_ischaemia:ecpr@2021-07-29:"
	    "2021-07-29 00:00:00+00:left leg|"
	    "mods:ecpr@ecmo_flow_start+P2D:2021-07-29 09:22:00+00:-|"
	    "pulmonary_contusion:mcc@:-:CT day 1|"
	    "pulmonary_infection:ecpr@2021-07-30:2021-07-30 00:00:00+00:-");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log "
	    "WHERE site = '%s'", site);
	CU_ASSERT_Q(c, sql, "0");
	PQfinish(c);
}

static void
test_chunk_change_new(void)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;

	chunk_change_new(NULL, "KA");
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_add_site_role(db, "role_kb", "KB", &err), 0);
	ecpr_db_free(db);
	CU_ASSERT_EQUAL(set_pw("role_kb"), 0);
	chunk_change_new("role_kb", "KB");
}

/*
 * An episode given twice in one import, the second time after its
 * first chunk was stored (a change of another episode sends the chunk):
 * refused by name, and the import, whose first rows went straight into
 * the tables, leaves the registry as it was.
 */
static void
test_chunk_given_twice(void)
{
	ecpr_db *db;
	ecpr_db_import *im = NULL;
	ecpr_db_change ac;
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = mk_episode_items("KT", "t1", "M", evs_a, obs_o1,
	    cps_o1);
	PGconn *c = pq_as(NULL);
	char *batches = q1(c, "SELECT count(*) FROM import_batch");

	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	memset(&ac, 0, sizeof(ac));
	ac.op = ECPR_DB_UPSERT;
	ac.attr = ECPR_AT_SEX;
	ac.value = "F";
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_import_begin(&im, db, "t.csv", NULL,
	    &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_add(im, ep, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_change(im, "KT", "t2", 1, &ac, 1, NULL,
	    &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_add(im, ep, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_import_commit(im, 0, &st, &err), ECPR_EDB);
	CU_ASSERT_STRING_EQUAL(err.message, "cannot stage the import: "
	    "episode KT/t1/1 is given twice");
	ecpr_db_import_free(im);
	ecpr_db_free(db);
	ecpr_episode_free(ep);
	CU_ASSERT_Q(c, "SELECT count(*) FROM import_batch", batches);
	CU_ASSERT_Q(c, "SELECT (SELECT count(*) FROM site WHERE site = 'KT') "
	    "+ (SELECT count(*) FROM subject WHERE site = 'KT') "
	    "+ (SELECT count(*) FROM episode WHERE site = 'KT') "
	    "+ (SELECT count(*) FROM event WHERE site = 'KT') "
	    "+ (SELECT count(*) FROM observation WHERE site = 'KT') "
	    "+ (SELECT count(*) FROM complication WHERE site = 'KT')", "0");
	free(batches);
	PQfinish(c);
}

/*
 * Times are stored as the instants they were (they now travel as
 * timestamptz text, not epoch seconds): before year 1 in UTC ("BC"),
 * the end of year 9999 (year 10000), and an import of several chunks
 * (about 14 MiB of rows, four chunks of 4 MiB) stores every row.
 */
static void
test_chunk_times_and_size(void)
{
	static const evspec far[] = {
		{ ECPR_EV_CA_ONSET, "0001-01-01T00:30+01:00" },
		{ ECPR_EV_CPR_START, "ca_onset+PT5M" },
		{ ECPR_EV_DEATH, "9999" },
		{ 0, NULL }
	};
	ecpr_episode *eps[10001];
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	char subject[32];
	size_t i;
	PGconn *c = pq_as(NULL);

	eps[0] = mk_episode("KF", "f1", "M", far);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eps[0]);
	for (i = 1; i < 10000; i++) {
		snprintf(subject, sizeof(subject), "s%04zu", i);
		eps[i] = mk_episode_items("KS", subject, "F", evs_a, obs_o1,
		    cps_o1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(eps[i]);
	}
	eps[10000] = NULL;
	CU_ASSERT_EQUAL(import_eps(NULL, eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, 10000);
	CU_ASSERT_EQUAL(st.events, 3 + 9999 * 7);
	free_eps(eps);
	CU_ASSERT_Q(c, "SELECT string_agg(type || ' ' || t_utc || '..' || "
	    "t_end || ' ' || precision || ' ' || utc_offset || ' ' || source, "
	    "'|' ORDER BY ord) FROM event WHERE site = 'KF'",
	    "ca_onset 0001-12-31 23:30:00+00 BC..0001-12-31 23:31:00+00 BC "
	    "minute 3600 0001-01-01T00:30+01:00|"
	    "cpr_start 0001-12-31 23:35:00+00 BC..0001-12-31 23:36:00+00 BC "
	    "minute 3600 ca_onset+PT5M|"
	    "death 9999-01-01 00:00:00+00..10000-01-01 00:00:00+00 year 0 "
	    "9999");
	CU_ASSERT_Q(c, "SELECT count(DISTINCT episode_id) || ' ' || count(*) "
	    "FROM event WHERE site = 'KS'", "9999 69993");
	CU_ASSERT_Q(c, "SELECT count(*) || ' ' || sum(value) FROM observation "
	    "WHERE site = 'KS'", "39996 351864810.0");
	CU_ASSERT_Q(c, "SELECT count(*) FROM complication WHERE site = 'KS'",
	    "29997");
	CU_ASSERT_Q(c, "SELECT count(*) FROM event v JOIN episode e USING "
	    "(episode_id) WHERE e.site = 'KS' AND v.site = e.site AND "
	    "e.batch_id = v.batch_id", "69993");
	PQfinish(c);
}

/* ---- row-level security --------------------------------------------------- */

/*
 * Site roles ra (site sa) and rb (site sb), with their passwords, and one
 * episode of each site imported by the owner: sa/suba (evs_a, sex M) and
 * sb/subb (evs_b, sex F).
 */
static void
two_sites(const char *ra, const char *sa, const char *suba, const char *rb,
    const char *sb, const char *subb)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *eps[3];
	ecpr_db_import_stats st;

	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_add_site_role(db, ra, sa, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_add_site_role(db, rb, sb, &err), 0);
	ecpr_db_free(db);
	CU_ASSERT_EQUAL(set_pw(ra), 0);
	CU_ASSERT_EQUAL(set_pw(rb), 0);
	eps[0] = mk_episode(sa, suba, "M", evs_a);
	eps[1] = mk_episode(sb, subb, "F", evs_b);
	eps[2] = NULL;
	CU_ASSERT_EQUAL_FATAL(import_eps(NULL, eps, &st, &err), 0);
	free_eps(eps);
}

static void
test_rls_site_roles(void)
{
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *eps[3];
	ecpr_db_import_stats st;
	PGconn *a, *coord;

	two_sites("role_sa", "SA", "p1", "role_sb", "SB", "p2");
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_add_coordinator_role(db, "role_coord", &err),
	    0);
	/* a name that needs quoting is still one identifier */
	CU_ASSERT_EQUAL(ecpr_db_add_site_role(db, "x\"; DROP TABLE event; --",
	    "SB", &err), 0);
	ecpr_db_free(db);
	CU_ASSERT_EQUAL(set_pw("role_coord"), 0);

	a = pq_as("role_sa");
	CU_ASSERT_EQUAL_FATAL(PQstatus(a), CONNECTION_OK);
	CU_ASSERT_Q(a, "SELECT string_agg(DISTINCT site, ',') FROM episode",
	    "SA");
	CU_ASSERT_Q(a, "SELECT count(*) FROM event WHERE site = 'SB'", "0");
	CU_ASSERT_Q(a, "SELECT count(*) FROM episode_intervals "
	    "WHERE site = 'SB'", "0");
	CU_ASSERT_Q(a, "SELECT count(*) FROM episode_intervals", "1");
	CU_ASSERT_Q(a, "SELECT count(*) FROM subject WHERE site = 'SB'", "0");
	CU_ASSERT_Q(a, "UPDATE episode SET sex = 'U' WHERE site = 'SB'", "0");
	CU_ASSERT_Q(a, "DELETE FROM event WHERE site = 'SB'", "0");
	CU_ASSERT_Q(a, "DELETE FROM episode WHERE subject = 'p2'", "0");
	CU_ASSERT_Q(a, "UPDATE episode SET site = 'SB' WHERE site = 'SA'",
	    "<42501>");
	CU_ASSERT_Q(a, "INSERT INTO subject VALUES ('SB', 'intruder')",
	    "<42501>");
	CU_ASSERT_Q(a, "UPDATE episode SET sex = 'U' WHERE site = 'SA'", "1");
	CU_ASSERT_Q(a, "SELECT count(*) FROM site_role", "1");
	CU_ASSERT_Q(a, "SELECT ecpr_add_site_role('role_sa', 'SB')",
	    "<42501>");
	CU_ASSERT_Q(a, "DROP TABLE event", "<42501>");
	PQfinish(a);

	/* the other site's rows are intact */
	coord = pq_as("role_coord");
	CU_ASSERT_Q(coord, "SELECT string_agg(site || ':' || sex, ',' ORDER "
	    "BY site) FROM episode WHERE site IN ('SA', 'SB')", "SA:U,SB:F");
	CU_ASSERT_Q(coord, "SELECT count(*) FROM event WHERE site = 'SB'",
	    "2");
	CU_ASSERT_Q(coord, "UPDATE episode SET sex = 'M'", "<42501>");
	CU_ASSERT_Q(coord, "DELETE FROM event", "<42501>");
	PQfinish(coord);

	/* a site role imports its own site, and never another's */
	eps[0] = mk_episode("SA", "p3", NULL, evs_b);
	eps[1] = NULL;
	CU_ASSERT_EQUAL(import_eps("role_sa", eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, 1);
	free_eps(eps);
	eps[0] = mk_episode("SA", "p4", NULL, evs_b);
	eps[1] = mk_episode("SB", "p5", NULL, evs_b);
	eps[2] = NULL;
	CU_ASSERT_EQUAL(import_eps("role_sa", eps, &st, &err), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.message, "site \"SB\" is not a site of "
	    "role role_sa, which imports site SA only (episode SB/p5/1)");
	free_eps(eps);
	a = pq_as(NULL);
	CU_ASSERT_Q(a, "SELECT count(*) FROM episode WHERE subject IN "
	    "('p4', 'p5')", "0");
	CU_ASSERT_Q(a, "SELECT count(*) FROM event WHERE site IN "
	    "('IA', 'SA', 'SB')", "19");
	PQfinish(a);
}

/*
 * A site role attacks as an attacker would: shadow site_role, the policy
 * function or an operator with its own objects (temporary ones first in
 * search_path, or in schema public), then read and change another site.
 * Each object is refused and the other site stays out of reach.
 */
static void
test_rls_search_path_attacks(void)
{
	static const char *const refused[] = {
		"CREATE TEMP TABLE site_role (role_name name, site text)",
		"CREATE TABLE pg_temp.site_role (role_name name, site text)",
		"CREATE TEMP VIEW site_role AS SELECT 'role_ma'::name "
		    "AS role_name, 'MB'::text AS site",
		"CREATE FUNCTION pg_temp.ecpr_my_sites() RETURNS SETOF text "
		    "LANGUAGE sql AS $$ SELECT 'MB'::text $$",
		"CREATE OPERATOR pg_temp.= (LEFTARG = name, RIGHTARG = name, "
		    "FUNCTION = pg_catalog.nameeq)",
		"CREATE TABLE public.site_role_copy (role_name name, site text)",
		"CREATE FUNCTION public.ecpr_my_sites(int) RETURNS SETOF text "
		    "LANGUAGE sql AS $$ SELECT 'MB'::text $$",
		"CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = name, "
		    "FUNCTION = pg_catalog.nameeq)",
		"CREATE VIEW public.site_role_v AS SELECT 1",
		"CREATE SCHEMA evil",
		NULL
	};
	static const char *const paths[] = {
		"SET search_path = pg_temp, public",
		"SET search_path = public, pg_catalog, pg_temp",
		"SET search_path = \"$user\", public",
		NULL
	};
	PGconn *a, *o;
	size_t i, k;

	two_sites("role_ma", "MA", "a1", "role_mb", "MB", "b1");

	a = pq_as("role_ma");
	CU_ASSERT_EQUAL_FATAL(PQstatus(a), CONNECTION_OK);
	for (k = 0; paths[k] != NULL; k++) {
		CU_ASSERT_Q(a, paths[k], "");
		for (i = 0; refused[i] != NULL; i++)
			CU_ASSERT_Q(a, refused[i], "<42501>");
		/* the attack itself: map this role to the other site */
		CU_ASSERT_Q(a, "INSERT INTO site_role VALUES ('role_ma', 'MB')",
		    "<42501>");
		CU_ASSERT_Q(a, "SELECT count(*) FROM pg_temp.site_role",
		    "<42P01>");
		CU_ASSERT_Q(a, "SELECT string_agg(site, ',') FROM "
		    "ecpr_my_sites() site", "MA");
		CU_ASSERT_Q(a, "SELECT count(*) FROM episode WHERE site = 'MB'",
		    "0");
		CU_ASSERT_Q(a, "SELECT count(*) FROM event WHERE site = 'MB'",
		    "0");
		CU_ASSERT_Q(a, "SELECT string_agg(subject, ',') FROM "
		    "episode_intervals WHERE site IN ('MA', 'MB')", "a1");
		/* event_bounds: the 7 events of MA/a1, none of MB/b1 */
		CU_ASSERT_Q(a, "SELECT count(*) FROM event_bounds", "7");
		CU_ASSERT_Q(a, "UPDATE episode SET sex = 'U' WHERE site = 'MB'",
		    "0");
		CU_ASSERT_Q(a, "DELETE FROM event WHERE site = 'MB'", "0");
	}
	/* the group role sees no site at all */
	CU_ASSERT_Q(a, "SET ROLE ecpr_site", "");
	CU_ASSERT_Q(a, "SELECT count(*) FROM episode", "0");
	CU_ASSERT_Q(a, "CREATE TEMP TABLE site_role (role_name name, "
	    "site text)", "<42501>");
	PQfinish(a);

	o = pq_as(NULL);
	CU_ASSERT_Q(o, "SELECT sex || ':' || (SELECT count(*) FROM event v "
	    "WHERE v.episode_id = e.episode_id) FROM episode e "
	    "WHERE site = 'MB'", "F:2");
	PQfinish(o);

	/* the staging helper reaches nothing but the staging tables (a
	 * site role's import is in test_rls_site_roles) */
	a = pq_as("role_ma");
	CU_ASSERT_Q(a, "SELECT ecpr_import_analyze('episode')", "<22023>");
	PQfinish(a);
}

/*
 * Observations and complications are isolated like events: a site role
 * neither reads nor writes another site's (tables and views), a
 * coordinator reads all and writes none, a site role's import of
 * another site's item changes is refused and writes nothing, and the
 * staging helper reaches no registry table.
 */
static void
test_rls_items(void)
{
	ecpr_db *db;
	ecpr_db_import *im = NULL;
	ecpr_db_item_change ch;
	ecpr_db_import_stats st;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *eps[3];
	PGconn *a, *coord, *o;
	char ci[1700], sql[512], *id;
	int rc;

	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_add_site_role(db, "role_ia", "XA", &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_add_site_role(db, "role_ib", "XB", &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_add_coordinator_role(db, "role_icoord", &err),
	    0);
	ecpr_db_free(db);
	CU_ASSERT_EQUAL(set_pw("role_ia"), 0);
	CU_ASSERT_EQUAL(set_pw("role_ib"), 0);
	CU_ASSERT_EQUAL(set_pw("role_icoord"), 0);
	/* each site imports its own episode with its items */
	eps[0] = mk_episode_items("XA", "xa1", "M", evs_a, obs_o1, cps_o1);
	eps[1] = NULL;
	CU_ASSERT_EQUAL(import_eps("role_ia", eps, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, 1);
	free_eps(eps);
	eps[0] = mk_episode_items("XB", "xb1", "F", evs_a, obs_o1, cps_o1);
	CU_ASSERT_EQUAL(import_eps("role_ib", eps, &st, &err), 0);
	free_eps(eps);

	o = pq_as(NULL);
	id = q1(o, "SELECT episode_id FROM episode WHERE site = 'XB'");
	PQfinish(o);
	a = pq_as("role_ia");
	CU_ASSERT_EQUAL_FATAL(PQstatus(a), CONNECTION_OK);
	CU_ASSERT_Q(a, "SELECT string_agg(DISTINCT site, ',') FROM "
	    "observation", "XA");
	CU_ASSERT_Q(a, "SELECT string_agg(DISTINCT site, ',') FROM "
	    "complication", "XA");
	CU_ASSERT_Q(a, "SELECT count(*) FROM observation WHERE site = 'XB'",
	    "0");
	CU_ASSERT_Q(a, "SELECT count(*) FROM complication WHERE episode_id "
	    "IN (SELECT episode_id FROM episode_intervals e JOIN episode "
	    "USING (site, subject, episode) WHERE e.site = 'XB')", "0");
	CU_ASSERT_Q(a, "UPDATE observation SET value = 1 WHERE site = 'XB'",
	    "0");
	CU_ASSERT_Q(a, "DELETE FROM complication WHERE site = 'XB'", "0");
	snprintf(sql, sizeof(sql), "INSERT INTO observation (episode_id, "
	    "site, observation, source, t_utc, t_end, precision, utc_offset, "
	    "comparator, value, unit) VALUES (%s, 'XB', 'lactate', 'x', "
	    "now(), now() + interval '1 minute', 'minute', 0, '=', 1, "
	    "'mmol/L')", id);
	CU_ASSERT_Q(a, sql, "<42501>");
	snprintf(sql, sizeof(sql), "INSERT INTO complication (episode_id, "
	    "site, complication, attribution) VALUES (%s, 'XB', 'stroke', "
	    "'ecpr')", id);
	CU_ASSERT_Q(a, sql, "<42501>");
	CU_ASSERT_Q(a, "UPDATE observation SET site = 'XB' WHERE site = 'XA'",
	    "<42501>");
	CU_ASSERT_Q(a, "SELECT ecpr_import_analyze('observation')", "<22023>");
	CU_ASSERT_Q(a, "SELECT ecpr_import_analyze('complication')",
	    "<22023>");
	/* no staging table of one's own, under any search_path */
	CU_ASSERT_Q(a, "SET search_path = pg_temp, public", "");
	CU_ASSERT_Q(a, "CREATE TEMP TABLE stg_obs (site text)", "<42501>");
	CU_ASSERT_Q(a, "CREATE TEMP TABLE observation (site text)",
	    "<42501>");
	CU_ASSERT_Q(a, "CREATE TEMP TABLE stg_chunk (ord integer)", "<42501>");
	/* the chunk table of an import may be emptied, nothing else: no
	 * other staging table, no registry table; and row-level security
	 * refuses COPY into the tables (its new rows are staged) */
	CU_ASSERT_Q(a, "BEGIN; SELECT ecpr_import_stage(); "
	    "TRUNCATE pg_temp.stg_chunk", "");
	CU_ASSERT_Q(a, "TRUNCATE pg_temp.stg_event", "<42501>");
	CU_ASSERT_Q(a, "ROLLBACK", "");
	CU_ASSERT_Q(a, "TRUNCATE observation", "<42501>");
	CU_ASSERT_Q(a, "TRUNCATE stg_chunk", "<42P01>");
	CU_ASSERT_Q(a, "COPY observation FROM STDIN", "<0A000>");
	CU_ASSERT_Q(a, "SELECT count(*) FROM observation WHERE site = 'XB'",
	    "0");
	PQfinish(a);
	free(id);

	coord = pq_as("role_icoord");
	CU_ASSERT_Q(coord, "SELECT string_agg(site || ':' || n, ',' ORDER BY "
	    "site) FROM (SELECT site, count(*) AS n FROM observation WHERE "
	    "site IN ('XA', 'XB') GROUP BY site) s", "XA:4,XB:4");
	CU_ASSERT_Q(coord, "SELECT count(*) FROM complication WHERE site IN "
	    "('XA', 'XB')", "6");
	CU_ASSERT_Q(coord, "UPDATE observation SET value = 1", "<42501>");
	CU_ASSERT_Q(coord, "DELETE FROM complication", "<42501>");
	PQfinish(coord);

	/* a site role changes another site's items through an import: the
	 * change is refused by name and line, nothing is written */
	user_ci(ci, sizeof(ci), "role_ia");
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, ci, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_import_begin(&im, db, "x.xml", NULL,
	    &err), 0);
	memset(&ch, 0, sizeof(ch));
	ch.op = ECPR_DB_REMOVE;
	ch.kind = ECPR_DB_COMPLICATION;
	ch.type = ecpr_complication_lookup("mods");
	ch.by = ECPR_BY_ECPR;
	ch.time = "ecmo_flow_start+P2D";
	ch.file = "x.xml";
	ch.line = 12;
	CU_ASSERT_EQUAL(ecpr_db_import_item_change(im, "XA", "xa1", 1, &ch, 1,
	    NULL, &err), 0);
	rc = ecpr_db_import_item_change(im, "XB", "xb1", 1, &ch, 1, NULL,
	    &err);
	CU_ASSERT_EQUAL(rc, ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(err.file, "x.xml");
	CU_ASSERT_EQUAL(err.line, 12);
	CU_ASSERT_STRING_EQUAL(err.message, "site \"XB\" is not a site of "
	    "role role_ia, which imports site XA only (episode XB/xb1/1)");
	ecpr_db_import_free(im);
	ecpr_db_free(db);
	o = pq_as(NULL);
	CU_ASSERT_Q(o, "SELECT count(*) FROM complication WHERE site IN "
	    "('XA', 'XB')", "6");
	PQfinish(o);
}

/*
 * Every function that a policy or a view of the registry depends on
 * (and what those call) is immune to the caller's search_path: its body
 * is parsed when created (each name bound to its object) or it pins
 * search_path.  Every SECURITY DEFINER function pins it with pg_temp
 * last.
 */
static void
test_rls_functions_pin_search_path(void)
{
	PGconn *c = pq_as(NULL);

	CU_ASSERT_Q(c, "WITH RECURSIVE dep(classid, objid) AS ("
	    "SELECT 'pg_policy'::regclass, oid FROM pg_policy "
	    "UNION SELECT 'pg_rewrite'::regclass, r.oid FROM pg_rewrite r "
	    "JOIN pg_class v ON v.oid = r.ev_class "
	    "WHERE v.relnamespace = 'public'::regnamespace "
	    "UNION SELECT d.refclassid, d.refobjid FROM dep "
	    "JOIN pg_depend d ON d.classid = dep.classid "
	    "AND d.objid = dep.objid "
	    "WHERE d.refclassid = 'pg_proc'::regclass) "
	    "SELECT string_agg(p.proname || ':' || "
	    "CASE WHEN p.prosqlbody IS NOT NULL THEN 'parsed' ELSE 'text' "
	    "END || ':' || coalesce(array_to_string(p.proconfig, ';'), '-'), "
	    "' ' ORDER BY p.proname) FROM pg_proc p "
	    "WHERE p.pronamespace <> 'pg_catalog'::regnamespace "
	    "AND p.oid IN (SELECT objid FROM dep "
	    "WHERE classid = 'pg_proc'::regclass)",
	    "ecpr_div_round:parsed:- "
	    "ecpr_interval_text:parsed:- "
	    "ecpr_my_sites:parsed:search_path=pg_catalog, pg_temp "
	    "ecpr_unit_text:parsed:-");
	/* no function of the registry depends on the caller's search_path */
	CU_ASSERT_Q(c, "SELECT string_agg(proname, ' ' ORDER BY proname) "
	    "FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
	    "AND prosqlbody IS NULL AND NOT coalesce(proconfig::text "
	    "LIKE '%search_path=%pg_temp%', false)", "<null>");
	CU_ASSERT_Q(c, "SELECT string_agg(proname || ':' || "
	    "array_to_string(proconfig, ';'), ' ' ORDER BY proname) "
	    "FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
	    "AND prosecdef", "ecpr_hub_is_replicated:search_path=pg_catalog, "
	    "pg_temp ecpr_import_analyze:search_path=pg_catalog, "
	    "pg_temp ecpr_import_stage:search_path=pg_catalog, pg_temp");
	/* nobody but the owner creates objects */
	CU_ASSERT_Q(c, "SELECT has_database_privilege('ecpr_site', "
	    "current_database(), 'TEMP') OR has_database_privilege("
	    "'ecpr_coordinator', current_database(), 'TEMP') OR "
	    "has_database_privilege('public', current_database(), 'CREATE') "
	    "OR has_schema_privilege('ecpr_site', 'public', 'CREATE') OR "
	    "has_schema_privilege('public', 'public', 'CREATE')", "f");
	PQfinish(c);
}

/*
 * A registry made before migration 003 (schema version 2, with rows and
 * a site role) is upgraded by 'migrate': the same figures, and the
 * attack of test_rls_search_path_attacks is refused there too.
 */
static void
test_rls_upgrade_from_version_2(void)
{
	static const char *const old[] = { "001_schema.sql", "002_rls.sql",
		NULL };
	const char *src = getenv("ECPR_SRCDIR");
	char *dir = cu_tmpdir(), *text, path[4200], ci[1800];
	ecpr_db *db;
	ecpr_error err = ECPR_ERROR_INIT;
	PGconn *o, *a;
	int applied = -1, version = -1, i;

	for (i = 0; old[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/sql/%s", src ? src : ".",
		    old[i]);
		text = cu_read_file(path, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		free(cu_write_file(dir, old[i], text));
		free(text);
	}
	o = pq_as(NULL);
	CU_ASSERT_Q(o, "CREATE DATABASE ecpr_v2", "");
	PQfinish(o);
	snprintf(ci, sizeof(ci), "%s dbname=ecpr_v2", conninfo);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, ci, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, dir, &applied, &err), 0);
	CU_ASSERT_EQUAL(applied, 2);
	CU_ASSERT_EQUAL(ecpr_db_add_site_role(db, "role_v2", "V1", &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_add_site_role(db, "role_v2b", "V2", &err), 0);
	ecpr_db_free(db);
	cu_rmtree(dir);
	free(dir);

	o = PQconnectdb(ci);
	CU_ASSERT_EQUAL_FATAL(PQstatus(o), CONNECTION_OK);
	CU_ASSERT_Q(o, "INSERT INTO subject VALUES ('V1', 'v'), ('V2', 'w')",
	    "2");
	CU_ASSERT_Q(o, "INSERT INTO episode (site, subject, episode) "
	    "VALUES ('V1', 'v', 1), ('V2', 'w', 1)", "2");
	CU_ASSERT_Q(o, "INSERT INTO event (episode_id, site, type, "
	    "occurrence, ord, t_utc, t_end, precision, utc_offset, source) "
	    "SELECT episode_id, site, t, 1, o, ts, ts + interval '1 minute', "
	    "'minute', 0, ts::text FROM episode CROSS JOIN (VALUES "
	    "('ca_onset', 1, timestamptz '2021-07-27 08:00Z'), "
	    "('cpr_start', 2, timestamptz '2021-07-27 08:07Z')) v(t, o, ts)",
	    "4");
	CU_ASSERT_Q(o, "SELECT string_agg(site || ':' || no_flow_min, ',' "
	    "ORDER BY site) FROM episode_intervals", "V1:7,V2:7");
	CU_ASSERT_Q(o, "SELECT has_database_privilege('ecpr_site', "
	    "current_database(), 'TEMP')", "t");
	/* 004 reshapes 001's observation table: a row put there by hand
	 * stops the migration (all of it) instead of being dropped */
	CU_ASSERT_Q(o, "INSERT INTO observation (episode_id, site, name, "
	    "comparator, value) SELECT episode_id, site, 'lactate', '>', 15 "
	    "FROM episode WHERE site = 'V1'", "1");
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, ci, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, NULL, &applied, &err), ECPR_EDB);
	CU_ASSERT_STRING_EQUAL(err.sqlstate, "55000");
	CU_ASSERT_STRING_EQUAL(err.file, "004_observations.sql");
	CU_ASSERT_STRING_EQUAL(err.message, "migration failed: table "
	    "observation holds rows: migration 004 reshapes it and would "
	    "lose them");
	CU_ASSERT_EQUAL(applied, 0);
	CU_ASSERT_EQUAL(ecpr_db_schema_version(db, &version, &err), 0);
	CU_ASSERT_EQUAL(version, 2);
	ecpr_db_free(db);
	CU_ASSERT_Q(o, "DELETE FROM observation", "1");
	PQfinish(o);

	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, ci, &err), 0);
	CU_ASSERT_EQUAL(ecpr_db_migrate(db, NULL, &applied, &err), 0);
	CU_ASSERT_EQUAL(applied, 5);
	CU_ASSERT_EQUAL(ecpr_db_schema_version(db, &version, &err), 0);
	CU_ASSERT_EQUAL(version, 7);
	ecpr_db_free(db);
	CU_ASSERT_EQUAL(set_pw("role_v2"), 0);

	o = PQconnectdb(ci);
	CU_ASSERT_Q(o, "SELECT string_agg(site || ':' || no_flow_min, ',' "
	    "ORDER BY site) FROM episode_intervals", "V1:7,V2:7");
	/* 005: the episodes stored before have the findings unrecorded */
	CU_ASSERT_Q(o, "SELECT count(*) FROM episode WHERE "
	    "pupillary_light_reflex IS NULL AND cerebral_haemorrhage IS NULL "
	    "AND witnessed IS NULL AND bystander_cpr IS NULL", "2");
	CU_ASSERT_Q(o, "SELECT count(*) FROM pg_proc WHERE pronamespace = "
	    "'public'::regnamespace AND prosqlbody IS NOT NULL", "9");
	PQfinish(o);
	snprintf(ci + strlen(ci), sizeof(ci) - strlen(ci), " user=role_v2 "
	    "password=pw-role_v2");
	a = PQconnectdb(ci);
	CU_ASSERT_EQUAL_FATAL(PQstatus(a), CONNECTION_OK);
	CU_ASSERT_Q(a, "CREATE TEMP TABLE site_role (role_name name, "
	    "site text)", "<42501>");
	CU_ASSERT_Q(a, "SELECT string_agg(site || ':' || no_flow_min, ',') "
	    "FROM episode_intervals", "V1:7");
	CU_ASSERT_Q(a, "UPDATE episode SET sex = 'F' WHERE site = 'V2'", "0");
	PQfinish(a);
}

/* ---- concurrent imports ----------------------------------------------------- */

/*
 * Two imports of overlapping episodes at once, on two connections: the
 * second waits for the first to commit and then finds its rows stored
 * (one updated, one unchanged) instead of failing on the unique key.
 */
static void
test_concurrent_imports_serialise(void)
{
	ecpr_db *db;
	ecpr_db_import *im = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_db_import_stats st;
	ecpr_episode *first[3], *second[4];
	PGconn *c;
	char got[128] = "", *w;
	int fds[2], status, i;
	ssize_t n;
	pid_t pid;

	first[0] = mk_episode("CC", "c1", "M", evs_a);
	first[1] = mk_episode("CC", "c2", "F", evs_b);
	first[2] = NULL;
	second[0] = mk_episode("CC", "c1", "F", evs_a); /* changed */
	second[1] = mk_episode("CC", "c2", "F", evs_b); /* the same */
	second[2] = mk_episode("CC", "c3", NULL, evs_b); /* new */
	second[3] = NULL;
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_import_begin(&im, db, "first", NULL,
	    &err), 0);
	for (i = 0; first[i] != NULL; i++)
		CU_ASSERT_EQUAL(ecpr_db_import_add(im, first[i], &err), 0);

	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		char line[128];
		int rc;

		close(fds[0]);
		memset(&st, 0, sizeof(st));
		rc = import_eps(NULL, second, &st, &err);
		snprintf(line, sizeof(line), "%d %zu/%zu/%zu %s", rc,
		    st.inserted, st.updated, st.unchanged, err.sqlstate);
		if (write(fds[1], line, strlen(line)) < 0)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	/* wait until the second import waits for the first */
	c = pq_as(NULL);
	for (i = 0; i < 100; i++) {
		w = q1(c, "SELECT count(*) FROM pg_locks "
		    "WHERE locktype = 'advisory' AND NOT granted");
		if (strcmp(w, "1") == 0) {
			free(w);
			break;
		}
		free(w);
		usleep(50000);
	}
	CU_ASSERT(i < 100);
	CU_ASSERT_Q(c, "SELECT count(*) FROM episode WHERE site = 'CC'", "0");
	CU_ASSERT_EQUAL(ecpr_db_import_commit(im, 0, &st, &err), 0);
	CU_ASSERT_EQUAL(st.inserted, 2);
	ecpr_db_import_free(im);
	ecpr_db_free(db);
	n = read(fds[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT_STRING_EQUAL(got, "0 1/1/1 ");
	CU_ASSERT_Q(c, "SELECT string_agg(subject || ':' || coalesce(sex, "
	    "'-'), ',' ORDER BY subject) FROM episode WHERE site = 'CC'",
	    "c1:F,c2:F,c3:-");
	CU_ASSERT_Q(c, "SELECT string_agg(b.files || ':' || a.column_name "
	    "|| ':' || a.old_value || '->' || a.new_value, ',') "
	    "FROM audit_log a JOIN import_batch b USING (batch_id) "
	    "WHERE a.site = 'CC'", "test.csv:sex:M->F");
	PQfinish(c);
	free_eps(first);
	free_eps(second);
}

/* ---- server stopped in the middle ------------------------------------------ */

static void
test_server_stopped_mid_import(void)
{
	ecpr_db *db;
	ecpr_db_import *im = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = mk_episode("ST", "s1", NULL, evs_a);
	PGconn *c;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_connect(&db, conninfo, &err), 0);
	CU_ASSERT_EQUAL_FATAL(ecpr_db_import_begin(&im, db, "x", NULL, &err),
	    0);
	CU_ASSERT_EQUAL(ecpr_db_import_add(im, ep, &err), 0);
	CU_ASSERT_EQUAL_FATAL(pgh_server_stop("fast"), 0);
	rc = ecpr_db_import_commit(im, 0, NULL, &err);
	CU_ASSERT_EQUAL(rc, ECPR_EDB);
	ecpr_db_import_free(im);
	ecpr_db_free(db);
	CU_ASSERT_EQUAL_FATAL(pgh_server_start(), 0);
	c = pq_as(NULL);
	CU_ASSERT_Q(c, "SELECT count(*) FROM episode WHERE site = 'ST'", "0");
	PQfinish(c);
	ecpr_episode_free(ep);
}

static CU_TestInfo db_tests[] = {
	{ "migrate again applies nothing", test_migrate_again_applies_nothing },
	{ "migrate from a directory", test_migrate_from_directory },
	{ "migrate from a missing directory", test_migrate_bad_dir },
	{ "connect refused, no password in message", test_connect_refused },
	{ "schema constraints", test_schema_constraints },
	{ "intervals view on hand-computed rows", test_view_hand_computed },
	{ "import is idempotent and audited",
	    test_import_idempotent_and_audited },
	{ "import COPY rows: escapes, negative offsets",
	    test_import_copy_fields },
	{ "read back with filters", test_read_back },
	{ "observations and complications: import, unchanged, audited",
	    test_items_import_idempotent_and_audited },
	{ "observations and complications: read back",
	    test_items_read_back },
	{ "item changes: insert, update, upsert, remove",
	    test_item_change },
	{ "the registry as an episode stream, every filter",
	    test_episodes_stream },
	{ "abandoned import rolls back", test_abandoned_import_rolls_back },
	{ "view == C intervals, generated", test_view_matches_c_generated },
	{ "view == C intervals, test data", test_view_matches_c_test_data },
	{ "row-level security per site", test_rls_site_roles },
	{ "row-level security: search_path attacks refused",
	    test_rls_search_path_attacks },
	{ "row-level security: observations and complications",
	    test_rls_items },
	{ "row-level security: functions pin search_path",
	    test_rls_functions_pin_search_path },
	{ "row-level security: a version 2 registry upgraded",
	    test_rls_upgrade_from_version_2 },
	{ "chunks: a new episode changed in its import", test_chunk_change_new },
	{ "chunks: an episode given twice changes nothing",
	    test_chunk_given_twice },
	{ "chunks: far times, several chunks", test_chunk_times_and_size },
	{ "concurrent imports serialise", test_concurrent_imports_serialise },
	{ "server stopped mid-import", test_server_stopped_mid_import },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ "db", suite_init, pgh_suite_cleanup, NULL, NULL, db_tests },
	CU_SUITE_INFO_NULL
};

int
main(void)
{
	return cu_run(suites);
}
