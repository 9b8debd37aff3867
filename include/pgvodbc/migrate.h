/*
 * pgvodbc/migrate.h - schema migrations: apply (up), revert (down) and inspect (status).
 *
 * A migration set is a directory of files NNNN_name.up.sql and NNNN_name.down.sql (NNNN a
 * positive decimal version, unique; the down file may be missing, which makes that migration
 * irreversible), or the set built into the library from the project's sql/ directory.  The
 * built-in set holds each backend's files (sql/postgresql/, sql/sqlite/), and so does a directory
 * with postgresql/ or sqlite/ subdirectories: up, down and status run the files of the
 * connection's backend (pgv_conn_backend), and pgv_migrate_set_count counts the set's own (the
 * built-in set's own are PostgreSQL's).  Applied
 * migrations are recorded in the table pgvodbc_migrations (version, name, applied_at, checksum of
 * the up file: the MD5 of its bytes in lowercase hex), which up creates when it is missing, in
 * the first schema of the search_path.  Each migration runs in its own transaction together
 * with its tracking row, so a failing migration leaves the database and the tracking table as
 * they were.
 *
 * Files are sent whole (never split on ';'), so a file may hold several statements, string
 * literals and dollar-quoted function bodies containing ';'.  Because each file runs inside a
 * transaction, it must not contain BEGIN/COMMIT, nor statements PostgreSQL refuses in a
 * transaction block (CREATE INDEX CONCURRENTLY, VACUUM).  psqlODBC takes a '?' outside string
 * literals, quoted identifiers and comments for a parameter marker and refuses the file
 * (SQLSTATE 07002): write jsonb's `?` operators as functions (jsonb_exists).  An empty file is
 * a valid migration that does nothing.
 *
 * A loaded set is not changed by up, down or status: threads may share one.  The calls taking a
 * connection work on its thread and report in pgv_conn_error(conn) (a NULL conn, and the calls
 * without one, in pgv_error_last()).
 */
#ifndef PGVODBC_MIGRATE_H
#define PGVODBC_MIGRATE_H

#include "common.h"
#include "conn.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A loaded set of migrations.  Opaque: created by pgv_migrate_set_load, destroyed by
 * pgv_migrate_set_free; never changed once loaded, so threads may share one.
 */
typedef struct pgv_migrate_set pgv_migrate_set;

/*
 * Creates a migration set: loads the migrations in directory `dir`, or the built-in set when `dir`
 * is NULL, reading every file whole into memory.  Names are matched exactly:
 * ^[0-9]+_[A-Za-z0-9_]+\.(up|down)\.sql$, the version being the leading digits (leading zeros
 * ignored) and the name the part after the first '_'; other files and subdirectories are ignored.
 * A malformed set is PGV_EINVAL with the file(s) named in the thread error (pgv_error_last): a
 * version that is 0 or does not fit in int64_t, one version under two names or with two up or two
 * down files, a down file without its up file, a file that cannot be read or is not a regular file,
 * a NUL byte in a file (it could not be sent as SQL text), a directory that cannot be opened.
 * PGV_ENOMEM when memory runs out.  A directory without migration files is an empty set.
 *
 * On success `*out` is a new set the caller owns and frees with pgv_migrate_set_free; on failure
 * it is NULL.  No connection; any thread.
 */
PGV_API int pgv_migrate_set_load(pgv_migrate_set **out, const char *dir);

/* Destroys a migration set.  NULL is a no-op. */
PGV_API void pgv_migrate_set_free(pgv_migrate_set *set);

/* Works on a migration set: the number of migrations in it (0 for NULL). */
PGV_API size_t pgv_migrate_set_count(const pgv_migrate_set *set);

/*
 * Works on an open connection: applies every pending migration of `set` in version order, or those
 * up to and including `target` when target > 0 (a negative target is PGV_EINVAL).  A pending
 * migration older than an applied one is applied too.  Before applying anything, each applied
 * migration's checksum is compared with its up file: a changed file is reported (PGV_ERROR,
 * "migration 0002_embeddings: checksum mismatch: the up file changed after it was applied") and
 * nothing runs.  Applied migrations that are no longer in the set are left alone.  Running up twice
 * is a no-op.
 *
 * A migration that fails is rolled back and stops the run; those applied before it stay applied.
 * The connection's error then reads "applying migration 0003_bad: <the server's message>" with
 * the server's SQLSTATE, and the status is the failing call's (PGV_ERROR, PGV_ECONSTRAINT...).
 * `*out` (`out` may be NULL) receives how many migrations were applied, also on failure.  The
 * connection must not be inside a transaction (PGV_EINVAL).
 */
PGV_API int pgv_migrate_up(size_t *out, pgv_conn *conn, const pgv_migrate_set *set,
	int64_t target);

/*
 * Works on an open connection: reverts the `steps` applied migrations with the highest versions
 * (newest first; steps 0 means 1; fewer when fewer are applied, and none without the tracking
 * table), each with its down file in its own transaction with the removal of its tracking row.  A
 * migration without a down file, or applied but missing from the set, stops the walk with PGV_ERROR
 * naming it; so does a failing down file ("reverting migration 0002_embeddings: <the server's
 * message>", rolled back).  Those reverted before stay reverted.  `*out` (`out` may be NULL)
 * receives how many were reverted, also on failure.  The connection must not be inside a
 * transaction (PGV_EINVAL).
 */
PGV_API int pgv_migrate_down(size_t *out, pgv_conn *conn, const pgv_migrate_set *set,
	size_t steps);

/* The state of one migration, as pgv_migrate_status reports it. */
typedef enum pgv_migrate_state {
	PGV_MIGRATE_PENDING = 0,   /* in the set, not applied */
	PGV_MIGRATE_APPLIED = 1,   /* applied, and the up file is unchanged */
	PGV_MIGRATE_CHANGED = 2,   /* applied, but the up file's checksum differs */
	PGV_MIGRATE_MISSING = 3    /* applied, but no longer in the set */
} pgv_migrate_state;

/* One migration in a pgv_migrate_report: its version, name and state. */
typedef struct pgv_migrate_info {
	int64_t version;
	const char *name;        /* e.g. "embeddings" (for a missing one, as recorded) */
	pgv_migrate_state state;
	const char *applied_at;  /* server time text, "" when not applied */
	int reversible;          /* a down file exists */
} pgv_migrate_info;

/*
 * A status report: `count` entries in version order, created by pgv_migrate_status and destroyed
 * by pgv_migrate_report_free.  The entries and their strings belong to the report and stay valid
 * until then.
 */
typedef struct pgv_migrate_report {
	size_t count;
	pgv_migrate_info *entries;
} pgv_migrate_report;

/*
 * Creates a status report on an open connection: the state of every migration in the set and
 * every applied one, merged in version order.
 * Works (all pending) when the tracking table does not exist, and does not create it.  On success
 * `*out` is a new report the caller owns and frees with pgv_migrate_report_free; on failure it
 * is NULL.
 */
PGV_API int pgv_migrate_status(pgv_migrate_report **out, pgv_conn *conn,
	const pgv_migrate_set *set);

/* Destroys a report.  NULL is a no-op. */
PGV_API void pgv_migrate_report_free(pgv_migrate_report *report);

/*
 * The state's name: "pending", "applied", "changed", "missing" ("unknown" otherwise); a static
 * string.  Any thread.
 */
PGV_API const char *pgv_migrate_state_name(pgv_migrate_state state);

#ifdef __cplusplus
}
#endif

#endif
