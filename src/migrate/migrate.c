/* Migrations against a database: the tracking table, up, down and status. */
#include "migrate/migrate_internal.h"
#include "odbc/conn_error.h" /* the connection's error, without <sql.h> */
#include "pgvodbc/stmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tracking table, and every statement that touches it. */
static const char SQL_CREATE[] =
	"CREATE TABLE IF NOT EXISTS pgvodbc_migrations ("
	"version bigint PRIMARY KEY, "
	"name text NOT NULL, "
	"applied_at timestamptz NOT NULL DEFAULT now(), "
	"checksum text NOT NULL)";
static const char SQL_EXISTS[] =
	"SELECT CASE WHEN to_regclass('pgvodbc_migrations') IS NULL THEN 0 ELSE 1 END";

/* The same on SQLite: its own catalog and types, time as UTC text. */
static const char SQL_CREATE_SQLITE[] =
	"CREATE TABLE IF NOT EXISTS pgvodbc_migrations ("
	"version INTEGER PRIMARY KEY, "
	"name TEXT NOT NULL, "
	"applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00', 'now')), "
	"checksum TEXT NOT NULL)";
static const char SQL_EXISTS_SQLITE[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'pgvodbc_migrations'";
static const char SQL_APPLIED_SQLITE[] =
	"SELECT version, name, applied_at, checksum FROM pgvodbc_migrations ORDER BY version";
static const char SQL_APPLIED[] =
	"SELECT version, name, applied_at::text, checksum FROM pgvodbc_migrations ORDER BY version";
static const char SQL_RECORD[] =
	"INSERT INTO pgvodbc_migrations (version, name, checksum) VALUES (?, ?, ?)";
static const char SQL_UNRECORD[] = "DELETE FROM pgvodbc_migrations WHERE version = ?";

/* What to tell the user to do about a missing extension, by the extension's name. */
static const char MISSING_EXTENSION_HINT_VECTOR[] = "install pgvector on the server: "
	"https://github.com/pgvector/pgvector";
static const char MISSING_EXTENSION_HINT[] = "install it on the server";

/* One row of the tracking table.  The strings are owned by the row. */
typedef struct applied_row {
	int64_t version;
	char *name;
	char *applied_at;
	char *checksum;
} applied_row;

/* The tracking table's rows in version order. */
typedef struct applied_list {
	applied_row *rows;
	size_t count;
	size_t cap;
} applied_list;

/* The set's migration with `version` (binary search: the set is sorted), or NULL. */
const pgv__migration *pgv__migrations_find(const pgv_migrate_set *set, int64_t version)
{
	size_t lo = 0, hi = set ? set->count : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->items[mid].version == version)
			return &set->items[mid];
		if (set->items[mid].version < version)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Rewrites the connection's current error as "<what> <id>: <message>" (or "<what>: <message>"),
 * keeping its status, SQLSTATE and native code, after rolling back the migration's transaction
 * if one is open (a rollback replaces the error, so it is kept aside meanwhile).  Returns the
 * status.
 */
/* Whether the connection reaches SQLite (its transactions are the migrations' own). */
static int on_sqlite(pgv_conn *c)
{
	return pgv_conn_backend(c) == PGV_BACKEND_SQLITE;
}

/*
 * A migration's transaction.  On SQLite it is BEGIN IMMEDIATE, sent as SQL in autocommit mode
 * (the driver's own transactions begin deferred): the database's write lock is taken before the
 * tracking table is read, which serialises concurrent runs as PostgreSQL's advisory lock does.
 */
static int txn_begin(pgv_conn *c)
{
	return on_sqlite(c) ? pgv_conn_exec(c, "BEGIN IMMEDIATE") : pgv_conn_begin(c);
}

static int txn_commit(pgv_conn *c)
{
	return on_sqlite(c) ? pgv_conn_exec(c, "COMMIT") : pgv_conn_commit(c);
}

/* Rolls back an open transaction (on SQLite whether or not one is open: then it does nothing). */
static void txn_rollback(pgv_conn *c)
{
	if (on_sqlite(c))
		pgv_conn_exec(c, "ROLLBACK");
	else if (pgv_conn_in_transaction(c))
		pgv_conn_rollback(c);
}

static int fail_context(pgv_conn *c, const char *op, const char *what, const char *id)
{
	int status = pgv_conn_error(c)->status < 0 ? pgv_conn_error(c)->status : PGV_ERROR;

	if (on_sqlite(c) || pgv_conn_in_transaction(c)) {
		pgv__conn_saved saved;

		pgv__conn_save(c, &saved);
		txn_rollback(c);
		pgv__conn_restore(c, &saved, status);
	}
	return pgv__conn_prefix(c, status, op, "%s%s%s", what, id ? " " : "", id ? id : "");
}

/* Frees the rows of a list. */
static void applied_free(applied_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->rows[i].name);
		free(list->rows[i].applied_at);
		free(list->rows[i].checksum);
	}
	free(list->rows);
	list->rows = NULL;
	list->count = list->cap = 0;
}

/* A new copy of column `col` of the statement's current row; 0 or a negative status. */
static int column_copy(pgv_stmt *st, int col, char **out)
{
	const char *text;
	size_t len;
	int status = pgv_stmt_column_text(&text, &len, st, col);

	*out = NULL;
	if (status < 0)
		return status;
	if (len == SIZE_MAX || !(*out = malloc(len + 1)))
		return PGV_ENOMEM;
	memcpy(*out, text, len + 1);
	return 0;
}

/* Appends the statement's current row to the list. */
static int applied_add(applied_list *list, pgv_stmt *st)
{
	applied_row *row;
	int status;

	if (list->count == list->cap) {
		applied_row *rows = NULL;
		size_t cap = list->cap ? list->cap * 2 : 16;
		if (list->cap <= SIZE_MAX / 2 / sizeof(*rows))
			rows = realloc(list->rows, cap * sizeof(*rows));
		if (!rows)
			return PGV_ENOMEM;
		list->rows = rows;
		list->cap = cap;
	}
	row = &list->rows[list->count];
	memset(row, 0, sizeof(*row));
	list->count++; /* counted at once so that applied_free releases a half-read row */
	if ((status = pgv_stmt_column_int64(&row->version, st, 1)) < 0
			|| (status = column_copy(st, 2, &row->name)) < 0
			|| (status = column_copy(st, 3, &row->applied_at)) < 0
			|| (status = column_copy(st, 4, &row->checksum)) < 0)
		return status;
	return 0;
}

/*
 * Reads the tracking table into `list` (empty when the table does not exist).  The statement is
 * freed before returning, so no cursor stays open on the connection.
 */
static int applied_load(pgv_conn *c, const char *op, applied_list *list)
{
	pgv_stmt *st = NULL;
	int64_t exists = 0;
	int status;

	if ((status = pgv_stmt_prepare(&st, c, on_sqlite(c) ? SQL_EXISTS_SQLITE : SQL_EXISTS)) == 0
			&& (status = pgv_stmt_step(st)) == PGV_ROW)
		status = pgv_stmt_column_int64(&exists, st, 1);
	pgv_stmt_free(st);
	st = NULL;
	if (status < 0)
		return fail_context(c, op, "looking for the table pgvodbc_migrations", NULL);
	if (!exists)
		return 0;
	if ((status = pgv_stmt_prepare(&st, c, on_sqlite(c) ? SQL_APPLIED_SQLITE
			: SQL_APPLIED)) == 0) {
		while ((status = pgv_stmt_step(st)) == PGV_ROW) {
			if ((status = applied_add(list, st)) < 0)
				break;
		}
	}
	pgv_stmt_free(st);
	if (status == PGV_ENOMEM)
		pgv__conn_fail(c, PGV_ENOMEM, op, "out of memory");
	if (status < 0) {
		applied_free(list);
		return fail_context(c, op, "reading the table pgvodbc_migrations", NULL);
	}
	return 0;
}

/* The row of `version`, or NULL. */
static const applied_row *applied_find(const applied_list *list, int64_t version)
{
	for (size_t i = 0; i < list->count; i++) {
		if (list->rows[i].version == version)
			return &list->rows[i];
	}
	return NULL;
}

/* Runs a statement with one bound version (and, for a record, the name and checksum). */
static int track(pgv_conn *c, const char *sql, const pgv__migration *m, int64_t version,
	const char *op)
{
	pgv_stmt *st = NULL;
	int status;

	if ((status = pgv_stmt_prepare(&st, c, sql)) == 0
			&& (status = pgv_stmt_bind_int64(st, 1, version)) == 0
			&& (!m || ((status = pgv_stmt_bind_text(st, 2, m->name, PGV_NTS)) == 0
				&& (status = pgv_stmt_bind_text(st, 3, m->checksum, PGV_NTS)) == 0)))
		status = pgv_stmt_step(st);
	if (status == PGV_DONE && pgv_stmt_changes(st) == 0)
		status = pgv__conn_fail(c, PGV_ERROR, op,
			"no row for version %" PRId64 " in pgvodbc_migrations: did another client revert it?",
			version);
	pgv_stmt_free(st);
	return status == PGV_DONE ? 0 : (status < 0 ? status : PGV_ERROR);
}

/*
 * Reports a failed migration file: "<what> migration <id>: <cause>", where a missing extension
 * is named first ("the vector extension is not available on this server (install pgvector...)")
 * before the server's own message, whose SQLSTATE is kept.  Which extension is missing comes
 * from the file's CREATE EXTENSION statements and the catalog, asked after the rollback.
 */
static int fail_migration(pgv_conn *c, const char *op, const char *what, const char *id,
	const char *text, size_t len)
{
	char ext[64], explained[512]; /* ids are file names: NAME_MAX bytes at most */
	int status = pgv_conn_error(c)->status < 0 ? pgv_conn_error(c)->status : PGV_ERROR;

	if (pgv_conn_in_transaction(c)) {
		pgv__conn_saved saved;

		pgv__conn_save(c, &saved);
		pgv_conn_rollback(c);
		pgv__conn_restore(c, &saved, status);
	}
	if (!pgv__extension_missing(c, text, len, ext, sizeof(ext)))
		return fail_context(c, op, what, id);
	snprintf(explained, sizeof(explained),
		"%s: the %s extension is not available on this server (%s)", id, ext,
		strcmp(ext, "vector") == 0 ? MISSING_EXTENSION_HINT_VECTOR : MISSING_EXTENSION_HINT);
	return fail_context(c, op, what, explained);
}

/*
 * Opens a migration's transaction: begins, takes the migrations' advisory lock (waiting for a
 * concurrent run's transaction to end), creates the tracking table when `create` is set, and
 * reads the tracking table into `done`.  On failure nothing is left open and the error is
 * recorded.
 */
static int begin_locked(pgv_conn *c, const char *op, int create, applied_list *done)
{
	if (txn_begin(c) != 0)
		return fail_context(c, op, "starting a transaction", NULL);
	if (pgv__migrate_lock(c, PGV__LOCK_TRANSACTION) != 0)
		return fail_context(c, op, "locking the table pgvodbc_migrations", NULL);
	if (create && pgv_conn_exec(c, on_sqlite(c) ? SQL_CREATE_SQLITE : SQL_CREATE) != 0)
		return fail_context(c, op, "creating the table pgvodbc_migrations", NULL);
	return applied_load(c, op, done);
}

/*
 * Runs one migration file and records (or removes) its tracking row, in the transaction
 * begin_locked opened, and commits.  On any failure the transaction is rolled back and the error
 * reads "<what> migration <id>: <cause>".
 */
static int run_migration(pgv_conn *c, const pgv__migration *m, int up, const char *op)
{
	const char *what = up ? "applying migration" : "reverting migration";
	const char *text = up ? m->up : m->down;
	size_t len = up ? m->up_len : m->down_len;

	/* The whole file in one call; psqlODBC answers an empty text with HY000, so skip that. */
	if (len > 0 && (on_sqlite(c) ? pgv__sql_exec_each(c, text, len) : pgv_conn_exec(c, text)) != 0)
		return fail_migration(c, op, what, m->id, text, len);
	if (track(c, up ? SQL_RECORD : SQL_UNRECORD, up ? m : NULL, m->version, op) != 0)
		return fail_context(c, op, what, m->id);
	if (txn_commit(c) != 0)
		return fail_context(c, op, what, m->id);
	return 0;
}

/* Checks the arguments shared by up, down and status; 0 or an error recorded on `c`. */
static int check_call(pgv_conn *c, const pgv_migrate_set *set, const char *op)
{
	pgv__conn_clear(c);
	if (!set)
		return pgv__conn_fail(c, PGV_EINVAL, op, "the migration set is NULL");
	if (pgv_conn_in_transaction(c))
		return pgv__conn_fail(c, PGV_EINVAL, op,
			"a transaction is open on this connection: each migration runs in its own");
	return 0; /* a lost connection is refused by the first statement */
}

/* The first migration of the set that `changed` finds changed (checksum), or NULL. */
static const pgv__migration *first_changed(const pgv_migrate_set *set, const applied_list *done)
{
	for (size_t i = 0; i < done->count; i++) {
		const pgv__migration *m = pgv__migrations_find(set, done->rows[i].version);
		if (m && strcmp(m->checksum, done->rows[i].checksum) != 0)
			return m;
	}
	return NULL;
}

/* Ends a migration's transaction that applied nothing, keeping what it created; 0 or failure. */
static int end_unchanged(pgv_conn *c, const char *op)
{
	if (txn_commit(c) != 0)
		return fail_context(c, op, "committing", NULL);
	return 0;
}

/* pgv_migrate_up's work, under the run's lock: one transaction per migration. */
static int migrate_up(pgv_conn *c, const pgv_migrate_set *set, int64_t target, size_t *applied,
	const char *op)
{
	applied_list none = { NULL, 0, 0 };
	int status;

	/* The tracking table first, committed on its own: it stays when a migration fails. */
	if ((status = begin_locked(c, op, 1, &none)) != 0)
		return status;
	applied_free(&none);
	if ((status = end_unchanged(c, op)) != 0)
		return status;
	for (;;) {
		applied_list done = { NULL, 0, 0 };
		const pgv__migration *m = NULL, *changed;

		if ((status = begin_locked(c, op, 0, &done)) != 0)
			return status;
		/* A changed file means the database is not what the set describes: run nothing. */
		if ((changed = first_changed(set, &done))) {
			applied_free(&done);
			txn_rollback(c);
			return pgv__conn_fail(c, PGV_ERROR, op,
				"migration %s: checksum mismatch: the up file changed after it was applied",
				changed->id);
		}
		for (size_t i = 0; i < set->count && !m; i++) {
			if (target > 0 && set->items[i].version > target)
				break;
			if (!applied_find(&done, set->items[i].version))
				m = &set->items[i];
		}
		applied_free(&done);
		if (!m)
			return end_unchanged(c, op);
		if ((status = run_migration(c, m, 1, op)) != 0)
			return status;
		if (applied)
			(*applied)++;
	}
}

/*
 * Applies pending migrations in version order, one transaction each, after checking the applied
 * ones' checksums.  The run holds the session-level lock and every transaction reads the
 * tracking table afresh under the transaction-level one (begin_locked), so concurrent runs apply
 * each migration once.
 */
int pgv_migrate_up(size_t *out, pgv_conn *c, const pgv_migrate_set *set, int64_t target)
{
	const char *op = "pgv_migrate_up";
	int status;

	if (out)
		*out = 0;
	if (!c)
		return pgv__error_null("pgv_migrate_up", "conn");
	if ((status = check_call(c, set, op)) != 0)
		return status;
	set = pgv__migrate_set_for(set, c);
	if (target < 0)
		return pgv__conn_fail(c, PGV_EINVAL, op,
			"target version %" PRId64 " is negative: pass 0 for all", target);
	if (pgv__migrate_lock(c, PGV__LOCK_SESSION) != 0)
		return fail_context(c, op, "locking the table pgvodbc_migrations", NULL);
	return pgv__migrate_unlock(c, op, migrate_up(c, set, target, out, op));
}

/* pgv_migrate_down's work, under the run's lock: one transaction per migration. */
static int migrate_down(pgv_conn *c, const pgv_migrate_set *set, size_t steps, size_t *reverted,
	const char *op)
{
	int status;

	for (size_t k = 0; k < steps; k++) {
		applied_list done = { NULL, 0, 0 };
		const applied_row *row;
		const pgv__migration *m;

		if ((status = begin_locked(c, op, 0, &done)) != 0)
			return status;
		if (done.count == 0) {
			applied_free(&done);
			return end_unchanged(c, op);
		}
		row = &done.rows[done.count - 1];
		m = pgv__migrations_find(set, row->version);
		if (!m || strcmp(m->checksum, row->checksum) != 0 || !m->down) {
			txn_rollback(c); /* before the error: a rollback clears it */
			if (!m)
				status = pgv__conn_fail(c, PGV_ERROR, op, "migration %04" PRId64 "_%s: "
					"applied but not in the migration set, so it cannot be reverted",
					row->version, row->name);
			else if (strcmp(m->checksum, row->checksum) != 0)
				status = pgv__conn_fail(c, PGV_ERROR, op, "migration %s: checksum mismatch: "
					"the up file changed after it was applied, so its down file may not undo "
					"what was applied; nothing was reverted", m->id);
			else
				status = pgv__conn_fail(c, PGV_ERROR, op, "migration %s: no down file "
					"(%s.down.sql), so it cannot be reverted", m->id, m->id);
			applied_free(&done);
			return status;
		}
		applied_free(&done);
		if ((status = run_migration(c, m, 0, op)) != 0)
			return status;
		if (reverted)
			(*reverted)++;
	}
	return 0;
}

/*
 * Reverts the newest applied migrations, one transaction each, locked and read afresh as up
 * does.  A migration whose up file changed since it was applied is refused, as up refuses it:
 * its down file belongs to another version of it.
 */
int pgv_migrate_down(size_t *out, pgv_conn *c, const pgv_migrate_set *set, size_t steps)
{
	const char *op = "pgv_migrate_down";
	int status;

	if (out)
		*out = 0;
	if (!c)
		return pgv__error_null("pgv_migrate_down", "conn");
	if ((status = check_call(c, set, op)) != 0)
		return status;
	set = pgv__migrate_set_for(set, c);
	if (steps == 0)
		steps = 1;
	if (pgv__migrate_lock(c, PGV__LOCK_SESSION) != 0)
		return fail_context(c, op, "locking the table pgvodbc_migrations", NULL);
	return pgv__migrate_unlock(c, op, migrate_down(c, set, steps, out, op));
}

/*
 * Fills report entries from the set and the tracking table, merged in version order, with the
 * strings copied into `pool`; with out == NULL only counts entries and string bytes.
 */
static void report_merge(const pgv_migrate_set *set, const applied_list *done,
	pgv_migrate_info *out, char *pool, size_t *count, size_t *bytes)
{
	size_t i = 0, j = 0, n = 0, b = 0;

	while (i < set->count || j < done->count) {
		const pgv__migration *m = i < set->count ? &set->items[i] : NULL;
		const applied_row *row = j < done->count ? &done->rows[j] : NULL;
		pgv_migrate_info info;
		const char *name, *at = "";
		size_t nlen, alen;

		if (m && row && m->version == row->version) {
			info.state = strcmp(m->checksum, row->checksum) == 0 ? PGV_MIGRATE_APPLIED
				: PGV_MIGRATE_CHANGED;
			i++, j++;
		} else if (m && (!row || m->version < row->version)) {
			info.state = PGV_MIGRATE_PENDING;
			row = NULL;
			i++;
		} else {
			info.state = PGV_MIGRATE_MISSING;
			m = NULL;
			j++;
		}
		info.version = m ? m->version : row->version;
		info.reversible = m && m->down;
		name = m ? m->name : row->name;
		if (row)
			at = row->applied_at;
		nlen = strlen(name) + 1;
		alen = strlen(at) + 1;
		if (out) {
			memcpy(pool + b, name, nlen);
			info.name = pool + b;
			memcpy(pool + b + nlen, at, alen);
			info.applied_at = pool + b + nlen;
			out[n] = info;
		}
		n++;
		b += nlen + alen; /* each string is in memory already: the sum cannot overflow */
	}
	*count = n;
	*bytes = b;
}

/* A report and its entries and strings in one allocation: freeing the report frees it all. */
typedef struct report_block {
	pgv_migrate_report report;
	pgv_migrate_info entries[];
} report_block;

/* Merges the set with the tracking table into a new report. */
int pgv_migrate_status(pgv_migrate_report **out, pgv_conn *c, const pgv_migrate_set *set)
{
	const char *op = "pgv_migrate_status";
	applied_list done = { NULL, 0, 0 };
	report_block *block;
	size_t n, bytes;
	int status;

	if (out)
		*out = NULL;
	if (!c)
		return pgv__error_null("pgv_migrate_status", "conn");
	if ((status = check_call(c, set, op)) != 0)
		return status;
	set = pgv__migrate_set_for(set, c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "out is NULL");
	if ((status = applied_load(c, op, &done)) != 0)
		return status;
	report_merge(set, &done, NULL, NULL, &n, &bytes);
	if (bytes > SIZE_MAX - sizeof(*block)
			|| n > (SIZE_MAX - sizeof(*block) - bytes) / sizeof(pgv_migrate_info)
			|| !(block = malloc(sizeof(*block) + n * sizeof(pgv_migrate_info) + bytes))) {
		applied_free(&done);
		return pgv__conn_fail(c, PGV_ENOMEM, op, "out of memory for a report of %zu entries", n);
	}
	report_merge(set, &done, block->entries, (char *)(block->entries + n), &n, &bytes);
	block->report.count = n;
	block->report.entries = block->entries;
	applied_free(&done);
	*out = &block->report;
	return 0;
}

/* Frees a report: the block that begins with it. */
void pgv_migrate_report_free(pgv_migrate_report *report)
{
	free(report);
}

/* The name of a state. */
const char *pgv_migrate_state_name(pgv_migrate_state state)
{
	switch (state) {
	case PGV_MIGRATE_PENDING: return "pending";
	case PGV_MIGRATE_APPLIED: return "applied";
	case PGV_MIGRATE_CHANGED: return "changed";
	case PGV_MIGRATE_MISSING: return "missing";
	default: return "unknown";
	}
}
