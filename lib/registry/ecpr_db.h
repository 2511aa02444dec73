/*
 * ecpr_db.h - the ECPR registry in PostgreSQL (libecpr)
 *
 * Connect to a registry, apply the schema migrations, import finished
 * episodes (set-based and idempotent: a changed value updates exactly
 * that value and writes an audit row) and read episodes back as
 * ecpr_episode objects.  Values always travel as query parameters or
 * COPY data, never inside SQL text.  Errors are ECPR_EDB with the
 * SQLSTATE in ecpr_error.sqlstate.  Connection strings are never
 * printed or put in messages.
 */
#ifndef ECPR_DB_H
#define ECPR_DB_H

#include "ecpr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ecpr_db ecpr_db;

/**
 * Write the directory of the embedded registry into buf: $ECPR_DB_DIR,
 * else $XDG_DATA_HOME/ecprkit/db, else $HOME/.local/share/ecprkit/db (as
 * root, whose home the postgres account cannot enter: /var/lib/ecprkit/db).
 * Returns the length it wanted (snprintf-style).
 */
size_t ecpr_db_default_dir(char *buf, size_t len);

/**
 * Connect.  conninfo is a libpq connection string or URI; NULL means the
 * PG* environment when any of PGHOST, PGHOSTADDR, PGPORT, PGDATABASE,
 * PGUSER or PGSERVICE is set, else the embedded registry
 * (ecpr_db_default_dir(), see ecpr-db(1)).  The session uses UTC and
 * UTF-8.  ECPR_EDB when the server cannot be reached or refuses.
 */
int ecpr_db_connect(ecpr_db **out, const char *conninfo, ecpr_error *err);
/** Close the connection (an open import is rolled back).  NULL is a no-op. */
void ecpr_db_free(ecpr_db *db);

/**
 * Apply the numbered migrations (NNN_name.sql) of sqldir that are not yet
 * recorded in schema_version, in order, in one transaction.  sqldir NULL:
 * $ECPR_SQL_DIR, else the installed PKGDATADIR/sql.  *applied (may be
 * NULL) receives the number applied.
 */
int ecpr_db_migrate(ecpr_db *db, const char *sqldir, int *applied,
    ecpr_error *err);

/** Highest applied migration, 0 when the database has no schema. */
int ecpr_db_schema_version(ecpr_db *db, int *version, ecpr_error *err);

/** Create a login role for a site / a coordinator role (owner only). */
int ecpr_db_add_site_role(ecpr_db *db, const char *role, const char *site,
    ecpr_error *err);
int ecpr_db_add_coordinator_role(ecpr_db *db, const char *role,
    ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Many sites, one hub: logical replication (ecpr-db(1) publish and     */
/* subscribe)                                                           */
/* ------------------------------------------------------------------ */

/** The login role a hub connects to a site as (REPLICATION). */
#define ECPR_DB_REPLICATION_ROLE "ecpr_replication"

/**
 * At a site (as the registry's owner): publish the rows of site for a
 * hub: the publication ecpr_site_SITE of the replicated tables, rows of
 * that site only (inserts, updates, deletes), and the role
 * ECPR_DB_REPLICATION_ROLE with password (stored as a SCRAM verifier).
 * Run again, it sets the password and the tables anew.  Needs schema
 * version 6.  ECPR_EINVAL for an empty site or password.
 */
int ecpr_db_publish(ecpr_db *db, const char *site, const char *password,
    ecpr_error *err);

/**
 * At the hub (as the registry's owner): subscribe to the publication of
 * site, reached with conninfo.  The site's rows are copied, then follow
 * as they change; the apply may write rows of that site only.
 * ECPR_ERULE when refused (the site is subscribed already, the hub holds
 * its rows, the publication holds other tables), ECPR_EDB when the site
 * cannot be reached.  Nothing is left behind when it fails.
 */
int ecpr_db_subscribe(ecpr_db *db, const char *site, const char *conninfo,
    ecpr_error *err);

/**
 * At the hub: end the subscription of site (its replication slot at the
 * site is dropped; when the site cannot be reached *slot_left (may be
 * NULL) is set to 1 and the slot stays there).  The site's rows stay at
 * the hub unless purge is set; with purge, the rows of a site that is
 * no longer subscribed are removed too.  ECPR_ENOTFOUND when site is
 * not subscribed (and, with purge, has no rows here).
 */
int ecpr_db_unsubscribe(ecpr_db *db, const char *site, int purge,
    int *slot_left, ecpr_error *err);

/** One subscription of the hub, as ecpr_db_subscriptions() gives it. */
typedef struct ecpr_db_subscription {
	const char *site;
	const char *state;   /* "disabled", "syncing" (first copy under
	                        way), "streaming", or "stopped" (enabled,
	                        no worker: it fails and retries) */
	int64_t lag_bytes;   /* WAL of the site not yet applied at the hub,
	                        -1 when the site cannot be reached */
	double lag_seconds;  /* since the hub last caught up, 0 when it is
	                        up to date, -1 when unknown */
	int64_t errors;      /* failed applies and copies so far */
} ecpr_db_subscription;

/** Return 0 to go on, or a negative ecpr_status to stop (returned). */
typedef int (*ecpr_db_subscription_cb)(const ecpr_db_subscription *sub,
    void *ctx);

/**
 * Call cb for each subscription of the hub, by site name.  The lag is
 * asked of each site (connect timeout 5 s).
 */
int ecpr_db_subscriptions(ecpr_db *db, ecpr_db_subscription_cb cb,
    void *ctx, ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Import                                                              */
/* ------------------------------------------------------------------ */

typedef struct ecpr_db_import ecpr_db_import;

typedef struct ecpr_db_import_stats {
	size_t episodes;  /* episodes given */
	size_t events;    /* events given */
	size_t inserted;  /* episodes new to the registry */
	size_t updated;   /* episodes with at least one changed value */
	size_t unchanged; /* episodes stored exactly as given */
	size_t audit_rows; /* changed values written to audit_log */
} ecpr_db_import_stats;

/**
 * Begin an import (one transaction, one import_batch row naming files
 * and the time zone tzname, either may be NULL).  Nothing is visible to
 * others before ecpr_db_import_commit.
 */
int ecpr_db_import_begin(ecpr_db_import **out, ecpr_db *db,
    const char *files, const char *tzname, ecpr_error *err);
/**
 * Stage one finished episode: its whole content (attributes, events,
 * observations and complications) replaces the stored one.
 */
int ecpr_db_import_add(ecpr_db_import *im, const ecpr_episode *ep,
    ecpr_error *err);
/* What a change does to one value of an episode (ODM TransactionType). */
typedef enum ecpr_db_op {
	ECPR_DB_INSERT, /* a new value: an error when another is there */
	ECPR_DB_UPDATE, /* a changed value: the episode must be there */
	ECPR_DB_UPSERT, /* the value, whether the episode is there or not */
	ECPR_DB_REMOVE  /* no value any more (value not used) */
} ecpr_db_op;

/* One change to one value of an episode. */
typedef struct ecpr_db_change {
	ecpr_db_op op;
	int attr;              /* an ecpr_attr_id, or -1: the event below */
	ecpr_event_type type;  /* the event (attr -1) ... */
	unsigned occurrence;   /* ... and which of its type, from 1 */
	const char *value;     /* as ecpr_episode_set_attr/add_event take it */
	const char *file;      /* where the change was read (errors), or NULL */
	unsigned long line;
} ecpr_db_change;

/**
 * Stage a change to the episode (site, subject, episode): the episode as
 * this import has it so far (staged earlier, else stored, else none) with
 * the n changes applied in order, local times of the changes read in tz.
 * Values the changes do not name stay as they are.  The result is checked
 * as ecpr_episode_finish() does and staged in place of the episode, so
 * the commit writes one audit_log row per changed value.  ECPR_ERULE
 * (with the change's file and line) for an Update of an episode that is
 * neither staged nor stored, an Insert over a different value, or a
 * result that breaks an episode rule; ECPR_EPARSE for a bad value.  A
 * Remove of a value that is not there does nothing.
 */
int ecpr_db_import_change(ecpr_db_import *im, const char *site,
    const char *subject, long episode, const ecpr_db_change *changes,
    size_t n, const ecpr_tz *tz, ecpr_error *err);
/* What an item change is about. */
typedef enum ecpr_db_item_kind {
	ECPR_DB_OBSERVATION = 0,
	ECPR_DB_COMPLICATION
} ecpr_db_item_kind;

/*
 * A change to one observation or complication of an episode.  An
 * observation is identified by (type, time), a complication by
 * (type = code, by, time); time is compared as written.
 */
typedef struct ecpr_db_item_change {
	ecpr_db_op op;            /* INSERT, UPDATE, UPSERT, REMOVE as for
	                             ecpr_db_change */
	ecpr_db_item_kind kind;
	int type;                 /* ecpr_obs_type, or the complication code */
	int by;                   /* ecpr_attribution (complications), else 0 */
	const char *time;         /* as written; NULL or "" only for a
	                             complication without a time */
	const char *value;        /* observation value as ecpr_value_parse
	                             reads it; NULL for REMOVE */
	const char *unit;         /* observation unit as written; NULL for
	                             REMOVE */
	const char *note;         /* complication note, or NULL */
	const char *file;         /* where it was read (errors), or NULL */
	unsigned long line;
} ecpr_db_item_change;

/**
 * Stage n item changes to the episode (site, subject, episode), like
 * ecpr_db_import_change (the same staging, checks, audit and errors):
 * the episode as this import has it so far with the changes applied in
 * order.  An Insert over an observation of another value or unit (both
 * compared as read: ">15.0" and "> 15.0", "umol/L" and "µmol/L" are the
 * same) or a complication of another note is ECPR_ERULE; a bad value,
 * unit or time is the error ecpr_episode_add_observation or
 * ecpr_episode_add_complication gives, at the change's file and line.
 * ECPR_EINVAL for a change that is not one (an unknown kind, type or
 * attribution, an observation without a time, value or unit).
 */
int ecpr_db_import_item_change(ecpr_db_import *im, const char *site,
    const char *subject, long episode, const ecpr_db_item_change *ch,
    size_t n, const ecpr_tz *tz, ecpr_error *err);
/**
 * Merge the staged episodes into the registry and commit (dry_run != 0:
 * merge, count, then roll back).  stats may be NULL.
 */
int ecpr_db_import_commit(ecpr_db_import *im, int dry_run,
    ecpr_db_import_stats *stats, ecpr_error *err);
/** Free; rolls the transaction back unless it was committed.  NULL ok. */
void ecpr_db_import_free(ecpr_db_import *im);

/* ------------------------------------------------------------------ */
/* Reading episodes back                                               */
/* ------------------------------------------------------------------ */

/* The filter of the core (ecpr.h): site, subject, since, until. */
typedef ecpr_episode_filter ecpr_db_filter;

#define ECPR_DB_FILTER_INIT ECPR_EPISODE_FILTER_INIT

typedef struct ecpr_db_reader ecpr_db_reader;

/**
 * Read the episodes that match filter (NULL: all) in the order site,
 * subject, episode number, streaming (memory holds one episode).
 */
int ecpr_db_read_begin(ecpr_db_reader **out, ecpr_db *db,
    const ecpr_db_filter *filter, ecpr_error *err);
/**
 * The next episode, finished, built with the ecpr_episode_* API from the
 * stored values as written, in *out (the caller frees it), or NULL at
 * the end.
 */
int ecpr_db_read_next(ecpr_db_reader *rd, ecpr_episode **out,
    ecpr_error *err);
void ecpr_db_read_free(ecpr_db_reader *rd);

/**
 * The registry's episodes that match filter (NULL: all) as an episode
 * stream (ecpr_episodes_next, ecpr_episodes_free), in the order of
 * ecpr_db_read_begin.  db is borrowed: it must outlive the stream and is
 * busy until the stream is freed.
 */
int ecpr_db_episodes_new(ecpr_episodes **out, ecpr_db *db,
    const ecpr_db_filter *filter, ecpr_error *err);
/**
 * The same on a connection of its own, closed by ecpr_episodes_free:
 * conninfo as ecpr_db_connect() takes it, "" meaning NULL.
 */
int ecpr_db_episodes_open(ecpr_episodes **out, const char *conninfo,
    const ecpr_db_filter *filter, ecpr_error *err);

/* ------------------------------------------------------------------ */
/* Reading the audit log                                               */
/* ------------------------------------------------------------------ */

/* One audit_log row; strings are borrowed for the callback's duration. */
typedef struct ecpr_db_audit_row {
	int64_t id;              /* audit_id */
	const char *site;
	const char *table_name;  /* "episode", "event", "observation" or
	                            "complication" */
	const char *row_key;     /* site/subject/episode, then for an event
	                            /type#occurrence, an observation
	                            /name@time, a complication
	                            /code:attribution@time (time as written,
	                            empty when unknown) */
	const char *column_name; /* "*": the row was added or removed */
	const char *old_value;   /* NULL when none */
	const char *new_value;   /* NULL when none */
	const char *at;          /* UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ" */
	int64_t batch_id;        /* 0 when none */
	const char *db_role;
} ecpr_db_audit_row;

/** Return 0 to go on, or a negative ecpr_status to stop (returned). */
typedef int (*ecpr_db_audit_cb)(const ecpr_db_audit_row *row, void *ctx);

/**
 * Call cb for each audit_log row of filter's site and subject (NULL: all;
 * since and until are not applied), in audit_id order.
 */
int ecpr_db_audit_read(ecpr_db *db, const ecpr_db_filter *filter,
    ecpr_db_audit_cb cb, void *ctx, ecpr_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ECPR_DB_H */
