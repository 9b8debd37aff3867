/*
 * Serialising migration runs: advisory locks on a fixed key.  Concurrent up and down runs (two
 * hosts deploying at once) take turns: a run holds the key at session level from start to end,
 * so that of two concurrent runs one applies everything and the other then finds nothing to do;
 * and each migration's transaction takes it at transaction level before reading the tracking
 * table afresh, so even a run that did not take the session lock applies nothing twice.  A
 * session may take a key it already holds, at either level; the server releases both when the
 * session ends.  SQLite has no advisory locks: there each migration's transaction begins
 * IMMEDIATE (migrate.c), taking the database's write lock before it reads the tracking table,
 * and the run takes nothing more.
 */
#include "migrate/migrate_internal.h"
#include "odbc/conn_error.h"
#include "pgvodbc/stmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char TRACKING_TABLE[] = "pgvodbc_migrations";

static const char *const SQL_LOCK[] = {
	[PGV__LOCK_TRANSACTION] = "SELECT pg_advisory_xact_lock(?)",
	[PGV__LOCK_SESSION] = "SELECT pg_advisory_lock(?)",
};
static const char SQL_UNLOCK[] = "SELECT pg_advisory_unlock(?)";

/*
 * The key: FNV-1a (64 bits) of the tracking table's name, as a non-negative bigint, so every
 * version of the library agrees on it.
 */
static int64_t lock_key(void)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *p = TRACKING_TABLE; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	return (int64_t)(h & INT64_MAX);
}

/* Runs a lock statement with the key; 0 or a negative status (recorded). */
static int run(pgv_conn *c, const char *sql)
{
	pgv_stmt *st = NULL;
	int status;

	if ((status = pgv_stmt_prepare(&st, c, sql)) == 0
			&& (status = pgv_stmt_bind_int64(st, 1, lock_key())) == 0)
		status = pgv_stmt_step(st);
	pgv_stmt_free(st);
	return status < 0 ? status : 0;
}

int pgv__migrate_lock(pgv_conn *c, pgv__lock_level level)
{
	if (pgv_conn_backend(c) == PGV_BACKEND_SQLITE)
		return 0;
	return run(c, SQL_LOCK[level]);
}

int pgv__migrate_unlock(pgv_conn *c, const char *op, int status)
{
	const pgv_error *e = pgv_conn_error(c);
	char state[6], oper[96];
	long native = e->native;
	int64_t row = e->row;
	char *msg;

	if (pgv_conn_backend(c) == PGV_BACKEND_SQLITE)
		return status;
	msg = status != 0 ? strdup(e->message) : NULL;

	memcpy(state, e->sqlstate, sizeof(state));
	snprintf(oper, sizeof(oper), "%s", e->operation);
	if (run(c, SQL_UNLOCK) != 0 && status == 0) {
		e = pgv_conn_error(c);
		memcpy(state, e->sqlstate, sizeof(state));
		msg = strdup(e->message);
		status = e->status < 0 ? e->status : PGV_ERROR;
		pgv__conn_fail_sqlstate(c, status, state, e->native, op,
			"unlocking the table pgvodbc_migrations: %s", msg ? msg : "(out of memory)");
		free(msg);
		return status;
	}
	if (status != 0) {
		pgv__conn_fail_sqlstate(c, status, state, native, oper, "%s",
			msg ? msg : "(out of memory copying the message)");
		pgv__conn_set_row(c, row);
	}
	free(msg);
	return status;
}
