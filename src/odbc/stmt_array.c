/*
 * Parameter arrays: N rows of parameters bound column-wise and run in one SQLExecute
 * (SQL_ATTR_PARAMSET_SIZE, SQL_PARAM_BIND_BY_COLUMN, SQL_ATTR_PARAM_STATUS_PTR).
 *
 * Measured on psqlODBC 13 (embedded server, with and without server-side prepare, autocommit
 * on and off): an array runs as one unit; when any row fails, no row is kept, every row's
 * status is SQL_PARAM_ERROR and the diagnostic names no row.  So the failing row is found by
 * running the rows one at a time after the array has failed (the fast path costs nothing
 * extra), inside a transaction (or under a savepoint in the caller's) that is rolled back for
 * an atomic run, and one row at a time in autocommit otherwise, keeping the rows that succeed.
 * The SQLite driver takes the array too, but runs its rows one by one and stops at a failing
 * one, keeping those before it in autocommit (measured, libsqliteodbc 0.9998): there a
 * non-atomic array runs in a transaction of its own, so that a failed array keeps nothing
 * before the rows are run one at a time.
 */
#include "odbc/stmt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/vector.h"

static const char SQL_SAVEPOINT[] = "SAVEPOINT pgv_array";
static const char SQL_TO_SAVEPOINT[] = "ROLLBACK TO SAVEPOINT pgv_array";
static const char SQL_RELEASE[] = "RELEASE SAVEPOINT pgv_array";

/* Frees a parameter's array binding. */
void pgv__stmt_array_free(stmt_param *p)
{
	free(p->abuf);
	free(p->aind);
	p->abuf = NULL;
	p->aind = NULL;
	p->anrows = 0;
	p->astride = 0;
}

/* Checks an array bind call; returns the parameter or NULL (recorded). */
static stmt_param *array_target(pgv_stmt *st, int idx, size_t nrows, const void *values,
	const char *op, int *status)
{
	stmt_param *p = pgv__stmt_bind_target(st, idx, op, status);

	if (!p)
		return NULL;
	if (nrows == 0 || nrows > (size_t)INT32_MAX || !values) {
		*status = pgv__conn_fail(st->conn, PGV_EINVAL, op, "parameter %d: %s", idx,
			!values ? "the values are NULL" : "the row count must be 1..2147483647");
		return NULL;
	}
	return p;
}

/*
 * Sizes a parameter's array buffers for `nrows` elements of `stride` bytes (checked for
 * overflow) and fills them with `fill(ctx, row, dest)`, which returns the element's length or
 * SQL_NULL_DATA.  The old binding is replaced only when everything has succeeded.
 */
static int array_store(pgv_stmt *st, stmt_param *p, size_t nrows, size_t stride,
	SQLSMALLINT ctype, SQLSMALLINT sqltype, SQLLEN (*fill)(const void *ctx, size_t row,
	char *dest), const void *ctx, const char *op)
{
	char *buf;
	SQLLEN *ind;

	if (stride == 0 || stride > (size_t)INT32_MAX || nrows > SIZE_MAX / stride)
		return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "%zu rows of %zu bytes overflow",
			nrows, stride);
	buf = malloc(nrows * stride);
	ind = malloc(nrows * sizeof(*ind));
	if (!buf || !ind) {
		free(buf);
		free(ind);
		return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "out of memory for %zu rows", nrows);
	}
	for (size_t r = 0; r < nrows; r++)
		ind[r] = fill(ctx, r, buf + r * stride);
	pgv__stmt_array_free(p);
	p->abuf = buf;
	p->aind = ind;
	p->anrows = nrows;
	p->astride = (SQLLEN)stride;
	p->actype = ctype;
	p->asqltype = sqltype;
	p->bound = 2;
	return 0;
}

static SQLLEN fill_int64(const void *ctx, size_t row, char *dest)
{
	memcpy(dest, (const int64_t *)ctx + row, sizeof(int64_t));
	return 0;
}

int pgv_stmt_bind_array_int64(pgv_stmt *st, int idx, const int64_t *values, size_t nrows)
{
	const char *op = "pgv_stmt_bind_array_int64";
	stmt_param *p;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, op);
	if (!(p = array_target(st, idx, nrows, values, op, &status)))
		return status;
	return array_store(st, p, nrows, sizeof(int64_t), SQL_C_SBIGINT, SQL_BIGINT, fill_int64,
		values, op);
}

/* Text elements: the strings (NULL for SQL NULL). */
static SQLLEN fill_text(const void *ctx, size_t row, char *dest)
{
	const char *s = ((const char *const *)ctx)[row];
	size_t n;

	if (!s)
		return SQL_NULL_DATA;
	n = strlen(s);
	memcpy(dest, s, n + 1);
	return (SQLLEN)n;
}

int pgv_stmt_bind_array_text(pgv_stmt *st, int idx, const char *const *values, size_t nrows)
{
	const char *op = "pgv_stmt_bind_array_text";
	stmt_param *p;
	size_t longest = 0;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, op);
	if (!(p = array_target(st, idx, nrows, values, op, &status)))
		return status;
	for (size_t r = 0; r < nrows; r++)
		if (values[r] && strlen(values[r]) > longest)
			longest = strlen(values[r]);
	return array_store(st, p, nrows, longest + 1, SQL_C_CHAR, SQL_LONGVARCHAR, fill_text,
		values, op);
}

/* Vector elements: row-major floats, formatted as pgvector text. */
typedef struct vector_rows {
	const float *data;
	size_t dim;
	size_t stride;
} vector_rows;

static SQLLEN fill_vector(const void *ctx, size_t row, char *dest)
{
	const vector_rows *v = ctx;

	return (SQLLEN)pgv_vector_format(v->data + row * v->dim, v->dim, dest, v->stride);
}

int pgv_stmt_bind_array_vector(pgv_stmt *st, int idx, const float *data, size_t dim,
	size_t nrows)
{
	const char *op = "pgv_stmt_bind_array_vector";
	vector_rows v = { data, dim, 0 };
	stmt_param *p;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, op);
	if (!(p = array_target(st, idx, nrows, data, op, &status)))
		return status;
	if (dim > 0 && nrows > SIZE_MAX / dim)
		return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "%zu rows of %zu dimensions overflow",
			nrows, dim);
	/* each row checked as the server would, the first bad one named */
	for (size_t r = 0; r < nrows; r++) {
		size_t need;

		if (pgv_vector_check(data + r * dim, dim) != 0) {
			char what[64];

			snprintf(what, sizeof(what), "parameter %d, row %zu", idx, r);
			status = pgv__conn_from_codec(st->conn, op, what);
			pgv__conn_set_row(st->conn, (int64_t)r);
			return status;
		}
		need = pgv_vector_format(data + r * dim, dim, NULL, 0);
		if (need == SIZE_MAX)
			return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "vector text size overflows");
		if (need + 1 > v.stride)
			v.stride = need + 1;
	}
	return array_store(st, p, nrows, v.stride, SQL_C_CHAR, SQL_LONGVARCHAR, fill_vector, &v,
		op);
}

/* Binds every parameter at row `row` of its array (nrows 1), or all rows (row -1). */
static int bind_rows(pgv_stmt *st, long row, size_t nrows, const char *op)
{
	SQLRETURN rc;

	rc = SQLSetStmtAttr(st->h, SQL_ATTR_PARAMSET_SIZE,
		(SQLPOINTER)(uintptr_t)(row < 0 ? nrows : 1), 0);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(st->conn, SQL_HANDLE_STMT, st->h, rc, op);
	for (SQLSMALLINT i = 0; i < st->nparams; i++) {
		stmt_param *p = &st->params[i];
		size_t at = row < 0 ? 0 : (size_t)row;

		rc = SQLBindParameter(st->h, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, p->actype,
			p->asqltype, p->actype == SQL_C_SBIGINT ? 19 : (SQLULEN)p->astride, 0,
			p->abuf + at * (size_t)p->astride, p->astride, p->aind + at);
		if (!SQL_SUCCEEDED(rc))
			return pgv__odbc_fail(st->conn, SQL_HANDLE_STMT, st->h, rc, op);
	}
	return 0;
}

/* Runs the bound rows (row -1: all of them as one array); the driver's rows affected are
 * added to *changes.  0 or the failure (recorded). */
static int run_rows(pgv_stmt *st, long row, size_t nrows, int64_t *changes, const char *op)
{
	SQLRETURN rc;
	SQLLEN n = -1;
	int status;

	if ((status = bind_rows(st, row, nrows, op)) != 0)
		return status;
	rc = SQLExecute(st->h);
	if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) {
		status = pgv__odbc_fail(st->conn, SQL_HANDLE_STMT, st->h, rc,
			"pgv_stmt_execute_array: SQLExecute");
		SQLFreeStmt(st->h, SQL_CLOSE);
		return status;
	}
	/* one count per row of parameters, the first here, the others as further results */
	do {
		n = -1;
		if (SQL_SUCCEEDED(SQLRowCount(st->h, &n)) && n >= 0)
			*changes += n;
	} while (SQL_SUCCEEDED(SQLMoreResults(st->h)));
	SQLFreeStmt(st->h, SQL_CLOSE);
	return 0;
}

/* Puts the statement back for single runs: one row a run, the scalar bindings rebound at the
 * next step. */
static void back_to_single(pgv_stmt *st)
{
	SQLFreeStmt(st->h, SQL_RESET_PARAMS);
	SQLSetStmtAttr(st->h, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
}

/* A row's failure, kept while other calls run. */
typedef struct row_error {
	int status;   /* 0 while no row has failed */
	size_t row;
	char state[6];
	long native;
	char *chain;
} row_error;

/* Keeps the connection's current error as row `row`'s (the first one only). */
static void keep_error(pgv_conn *c, row_error *e, size_t row, int status)
{
	if (e->status)
		return;
	e->status = status;
	e->row = row;
	memcpy(e->state, c->err.sqlstate, sizeof(e->state));
	e->native = c->err.native;
	e->chain = c->msg ? strdup(c->msg) : NULL;
}

/* Records the kept error as the connection's: "row N: ..." with its SQLSTATE and
 * pgv_error.row; returns its status. */
static int report_error(pgv_conn *c, row_error *e, const char *op)
{
	int status = pgv__conn_fail_sqlstate(c, e->status, e->state, e->native, op, "row %zu: %s",
		e->row, e->chain ? e->chain : "out of memory copying the message");

	pgv__conn_set_row(c, (int64_t)e->row);
	free(e->chain);
	e->chain = NULL;
	return status;
}

int pgv_stmt_execute_array(int *out, pgv_stmt *st, unsigned int flags)
{
	const char *op = "pgv_stmt_execute_array";
	int *row_status = out; /* one entry per row, or NULL */
	pgv_conn *c;
	size_t nrows = 0;
	int64_t changes = 0;
	row_error err = { 0, 0, "", 0, NULL };
	int status, own_txn = 0, guard_txn = 0, caller_txn;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, op);
	c = st->conn;
	pgv__conn_clear(c);
	if ((status = pgv__conn_usable(c, op)) != 0)
		return status;
	if (flags & ~(unsigned)PGV_ARRAY_ATOMIC)
		return pgv__conn_fail(c, PGV_EINVAL, op, "unknown flags 0x%x", flags);
	if (st->executed)
		return pgv__conn_fail(c, PGV_EINVAL, op,
			"the statement has run: call pgv_stmt_reset first");
	for (SQLSMALLINT i = 0; i < st->nparams; i++) {
		const stmt_param *p = &st->params[i];

		if (p->bound != 2)
			return pgv__conn_fail(c, PGV_EINVAL, op, "parameter %d is not bound to an array "
				"(pgv_stmt_bind_array_*)", i + 1);
		if (i > 0 && p->anrows != nrows)
			return pgv__conn_fail(c, PGV_EINVAL, op, "parameter %d has %zu rows, parameter "
				"1 has %zu", i + 1, p->anrows, nrows);
		nrows = p->anrows;
	}
	if (st->nparams == 0)
		return pgv__conn_fail(c, PGV_EINVAL, op, "the statement has no parameters");
	if (row_status)
		for (size_t r = 0; r < nrows; r++)
			row_status[r] = PGV_ARRAY_NOT_RUN;
	caller_txn = c->in_txn;
	/* the array itself: psqlODBC runs it as one unit */
	if (caller_txn)
		status = pgv_conn_exec(c, SQL_SAVEPOINT);
	else if (flags & PGV_ARRAY_ATOMIC)
		status = (own_txn = pgv_conn_begin(c) == 0) ? 0 : PGV_ERROR;
	else if (c->backend == PGV_BACKEND_SQLITE)
		/* the SQLite driver runs the rows one by one and keeps those before a failing one
		 * (measured): a transaction of its own makes the array one unit there too */
		status = (guard_txn = pgv_conn_begin(c) == 0) ? 0 : PGV_ERROR;
	else
		status = 0;
	if (status == 0 && (status = run_rows(st, -1, nrows, &changes, op)) == 0) {
		if (caller_txn)
			status = pgv_conn_exec(c, SQL_RELEASE);
		else if (own_txn || guard_txn)
			status = pgv_conn_commit(c);
		if (status == 0 && row_status)
			for (size_t r = 0; r < nrows; r++)
				row_status[r] = 0;
		st->changes = status == 0 ? changes : -1;
		back_to_single(st);
		return status;
	}
	if (pgv_conn_is_lost(c)) {
		back_to_single(st);
		return status;
	}
	/* it failed: nothing of it was kept; find the failing row, one row at a time */
	if (caller_txn) {
		row_error whole = { 0, 0, "", 0, NULL };

		keep_error(c, &whole, nrows, status);
		c->txn_failed = 0;
		if (pgv_conn_exec(c, SQL_TO_SAVEPOINT) != 0) {
			/* measured with psqlODBC's UseDeclareFetch=1: the failed statement took the
			 * savepoint with it, so no row can be run again in this transaction */
			back_to_single(st);
			c->txn_failed = 1;
			status = pgv__conn_fail_sqlstate(c, whole.status, whole.state, whole.native, op,
				"%s (the failing row cannot be named inside this transaction: the driver "
				"discarded the savepoint)", whole.chain ? whole.chain : "the array failed");
			free(whole.chain);
			st->changes = -1;
			return status;
		}
		free(whole.chain);
	} else if (own_txn) {
		pgv_conn_rollback(c);
		own_txn = pgv_conn_begin(c) == 0;
	} else if (guard_txn) {
		pgv_conn_rollback(c); /* then one row at a time in autocommit, as on PostgreSQL */
	}
	changes = 0;
	for (size_t r = 0; r < nrows && !pgv_conn_is_lost(c); r++) {
		int rs = run_rows(st, (long)r, nrows, &changes, op);

		if (row_status)
			row_status[r] = rs;
		if (rs == 0)
			continue;
		keep_error(c, &err, r, rs);
		if (caller_txn || own_txn)
			break; /* atomic: nothing is kept, so the first failing row is all there is */
	}
	back_to_single(st);
	if (!err.status) {
		/* every row passed alone though the array failed (a failure that needs the rows
		 * together, such as a deferred constraint) */
		keep_error(c, &err, 0, PGV_ERROR);
		err.row = nrows;
		free(err.chain);
		err.chain = strdup("the array failed but every row passed on its own");
	}
	if (caller_txn || own_txn) {
		if (caller_txn) {
			pgv_conn_exec(c, SQL_TO_SAVEPOINT);
			c->txn_failed = 1; /* as for any statement that fails in the caller's */
		} else {
			pgv_conn_rollback(c);
		}
		if (row_status)
			for (size_t k = 0; k < err.row && k < nrows; k++)
				row_status[k] = PGV_ARRAY_NOT_KEPT;
		changes = 0;
	}
	st->changes = changes;
	return report_error(c, &err, op);
}
