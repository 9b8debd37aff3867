/* Statements: prepare, bind parameters, run and step, reset, free. */
#include "odbc/stmt_internal.h"
#include "odbc/stmt_store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/vector.h"

/*
 * The connection is closing: frees the driver's statement while the connection exists and
 * marks the statement closed.  Its memory (bound texts, column buffers) waits for
 * pgv_stmt_free.
 */
static void stmt_close(pgv__child *self)
{
	pgv_stmt *st = (pgv_stmt *)self;

	if (st->h)
		SQLFreeHandle(SQL_HANDLE_STMT, st->h);
	st->h = SQL_NULL_HSTMT;
	st->conn->open_stmts--;
	st->conn = NULL;
	st->on_row = 0;
}

int pgv_stmt_prepare(pgv_stmt **out, pgv_conn *c, const char *sql)
{
	pgv_stmt *st;
	SQLRETURN rc;
	int status;

	if (!c)
		return pgv__error_null("pgv_stmt_prepare", "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, "pgv_stmt_prepare", "out is NULL");
	*out = NULL;
	if (!sql)
		return pgv__conn_fail(c, PGV_EINVAL, "pgv_stmt_prepare", "sql is NULL");
	if ((status = pgv__conn_usable(c, "pgv_stmt_prepare")) != 0)
		return status;
	st = calloc(1, sizeof(*st));
	if (!st)
		return pgv__conn_fail(c, PGV_ENOMEM, "pgv_stmt_prepare", "out of memory");
	st->conn = c;
	st->changes = -1;
	if ((status = pgv__conn_alloc_stmt(c, &st->h, "pgv_stmt_prepare: SQLAllocHandle")) != 0) {
		free(st);
		return status;
	}
	if (!(st->sql = pgv__sql_for_driver(sql))) {
		SQLFreeHandle(SQL_HANDLE_STMT, st->h);
		free(st);
		return pgv__conn_fail(c, PGV_ENOMEM, "pgv_stmt_prepare", "out of memory");
	}
	/* Client-side in psqlODBC: no round trip until the statement runs. */
	rc = SQLPrepare(st->h, (SQLCHAR *)st->sql, SQL_NTS);
	if (!SQL_SUCCEEDED(rc)) {
		status = pgv__odbc_fail(c, SQL_HANDLE_STMT, st->h, rc, "pgv_stmt_prepare: SQLPrepare");
		SQLFreeHandle(SQL_HANDLE_STMT, st->h);
		free(st->sql);
		free(st);
		return status;
	}
	rc = SQLNumParams(st->h, &st->nparams);
	if (!SQL_SUCCEEDED(rc)) {
		status = pgv__odbc_fail(c, SQL_HANDLE_STMT, st->h, rc, "pgv_stmt_prepare: SQLNumParams");
		SQLFreeHandle(SQL_HANDLE_STMT, st->h);
		free(st->sql);
		free(st);
		return status;
	}
	if (st->nparams > 0) {
		st->params = calloc((size_t)st->nparams, sizeof(*st->params));
		if (!st->params) {
			SQLFreeHandle(SQL_HANDLE_STMT, st->h);
			free(st->sql);
			free(st);
			return pgv__conn_fail(c, PGV_ENOMEM, "pgv_stmt_prepare", "out of memory");
		}
	}
	c->open_stmts++;
	pgv__conn_adopt(c, &st->link, stmt_close);
	*out = st;
	return 0;
}

void pgv_stmt_free(pgv_stmt *st)
{
	SQLSMALLINT i;

	if (!st)
		return;
	if (st->conn) {
		pgv__conn_release(st->conn, &st->link);
		st->conn->open_stmts--;
	}
	if (st->h)
		SQLFreeHandle(SQL_HANDLE_STMT, st->h);
	for (i = 0; i < st->nparams; i++) {
		free(st->params[i].text);
		pgv__stmt_array_free(&st->params[i]);
	}
	free(st->params);
	free(st->sql);
	pgv__stmt_columns_free(st);
	free(st);
}

/* Refuses a NULL or closed statement. */
int pgv__stmt_refuse(const pgv_stmt *st, const char *func)
{
	return st ? pgv__error_closed(func, "statement") : pgv__error_null(func, "stmt");
}

/* Checks a bind call: statement state and index; returns the parameter or NULL (recorded). */
stmt_param *pgv__stmt_bind_target(pgv_stmt *st, int idx, const char *op, int *status)
{
	pgv_conn *c = st->conn;

	*status = 0;
	pgv__conn_clear(c);
	if (st->executed) {
		*status = pgv__conn_fail(c, PGV_EINVAL, op,
			"the statement has run: call pgv_stmt_reset before binding again");
		return NULL;
	}
	if (idx < 1 || idx > st->nparams) {
		*status = pgv__conn_fail(c, PGV_EINVAL, op,
			"parameter %d is out of range: the statement has %d", idx, (int)st->nparams);
		return NULL;
	}
	return &st->params[idx - 1];
}

/* Makes room for `len` bytes of text and a NUL in the parameter's own buffer. */
int pgv__stmt_param_room(pgv_stmt *st, stmt_param *p, size_t len, const char *op)
{
	if (p->text_cap < len + 1) {
		char *t = realloc(p->text, len + 1);

		if (!t)
			return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "out of memory");
		p->text = t;
		p->text_cap = len + 1;
	}
	return 0;
}

/* Marks the parameter bound to the `len` bytes of text now in its buffer. */
void pgv__stmt_param_bound(stmt_param *p, size_t len, SQLSMALLINT sqltype)
{
	p->ctype = SQL_C_CHAR;
	p->sqltype = sqltype;
	p->ref = NULL;
	p->ind = (SQLLEN)len;
	p->size = len ? len : 1; /* empty text: a column size of 0 is refused */
	p->bound = 1;
}

/* Stores `len` bytes of text in the parameter's own buffer. */
static int param_set_text(pgv_stmt *st, stmt_param *p, const char *text, size_t len,
	SQLSMALLINT sqltype, const char *op)
{
	int status;

	if (len > (size_t)INT32_MAX)
		return pgv__conn_fail(st->conn, PGV_EINVAL, op, "text of %zu bytes is too long", len);
	if ((status = pgv__stmt_param_room(st, p, len, op)) != 0)
		return status;
	if (len)
		memcpy(p->text, text, len);
	p->text[len] = '\0';
	pgv__stmt_param_bound(p, len, sqltype);
	return 0;
}

int pgv_stmt_bind_vector(pgv_stmt *st, int idx, const float *data, size_t dim)
{
	const char *op = "pgv_stmt_bind_vector";
	stmt_param *p;
	size_t need;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_bind_vector");
	if (!(p = pgv__stmt_bind_target(st, idx, op, &status)))
		return status;
	/* The codec's checks are the server's: dimensions 1..16000, finite values. */
	if (pgv_vector_check(data, dim) != 0) {
		char what[32];
		snprintf(what, sizeof(what), "parameter %d", idx);
		return pgv__conn_from_codec(st->conn, op, what);
	}
	need = pgv_vector_format(data, dim, NULL, 0);
	if (need == SIZE_MAX)
		return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "vector text size overflows");
	if ((status = pgv__stmt_param_room(st, p, need, op)) != 0)
		return status;
	pgv_vector_format(data, dim, p->text, p->text_cap);
	pgv__stmt_param_bound(p, need, SQL_LONGVARCHAR);
	return 0;
}

int pgv_stmt_bind_int64(pgv_stmt *st, int idx, int64_t value)
{
	stmt_param *p;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_bind_int64");
	if (!(p = pgv__stmt_bind_target(st, idx, "pgv_stmt_bind_int64", &status)))
		return status;
	p->i64 = value;
	p->ref = NULL;
	p->ctype = SQL_C_SBIGINT;
	p->sqltype = SQL_BIGINT;
	p->ind = 0;
	p->size = 19;
	p->bound = 1;
	return 0;
}

int pgv_stmt_bind_double(pgv_stmt *st, int idx, double value)
{
	char text[PGV_DOUBLE_TEXT_MAX];
	stmt_param *p;
	int status;
	size_t n;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_bind_double");
	if (!(p = pgv__stmt_bind_target(st, idx, "pgv_stmt_bind_double", &status)))
		return status;
	/*
	 * Sent as exact text typed as float8: the driver's own double-to-text conversion may round
	 * or follow the process locale.
	 */
	n = pgv_double_format(value, text, sizeof(text));
	return param_set_text(st, p, text, n, SQL_DOUBLE, "pgv_stmt_bind_double");
}

int pgv_stmt_bind_text(pgv_stmt *st, int idx, const char *text, size_t len)
{
	stmt_param *p;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_bind_text");
	if (!(p = pgv__stmt_bind_target(st, idx, "pgv_stmt_bind_text", &status)))
		return status;
	if (!text)
		return pgv__conn_fail(st->conn, PGV_EINVAL, "pgv_stmt_bind_text",
			"text is NULL (use pgv_stmt_bind_null)");
	if (len == PGV_NTS)
		len = strlen(text);
	return param_set_text(st, p, text, len, SQL_LONGVARCHAR, "pgv_stmt_bind_text");
}

/*
 * The checks a bind of `len` bytes at `data` passes first: a live statement, a parameter
 * `idx`, data that is not NULL and at most INT32_MAX bytes.  Returns the parameter, or NULL
 * with *status set; `null_msg` and `what` ("text of", "a blob of") word the last two refusals.
 */
static stmt_param *bind_checked(pgv_stmt *st, int idx, const char *op, const void *data,
	size_t len, const char *null_msg, const char *what, int *status)
{
	stmt_param *p;

	if (!st || !st->conn) {
		*status = pgv__stmt_refuse(st, op);
		return NULL;
	}
	if (!(p = pgv__stmt_bind_target(st, idx, op, status)))
		return NULL;
	if (!data)
		*status = pgv__conn_fail(st->conn, PGV_EINVAL, op, "%s", null_msg);
	else if (len > (size_t)INT32_MAX)
		*status = pgv__conn_fail(st->conn, PGV_EINVAL, op, "%s %zu bytes is too long", what, len);
	else
		return p;
	return NULL;
}

int pgv__stmt_bind_text_ref(pgv_stmt *st, int idx, const char *text, size_t len)
{
	int status;
	stmt_param *p = bind_checked(st, idx, "pgv_stmt_bind_text", text, len,
		"text is NULL (use pgv_stmt_bind_null)", "text of", &status);

	if (!p)
		return status;
	pgv__stmt_param_bound(p, len, SQL_LONGVARCHAR);
	/* an empty text still needs a readable buffer: "" */
	p->ref = len ? text : "";
	return 0;
}

/*
 * Bytes as a binary parameter: SQL_C_BINARY as SQL_LONGVARBINARY, so that a driver passes them
 * on as a blob (SQLite: sqlite3_bind_blob), which a text parameter cannot carry (NUL bytes; and
 * SQLite 3.40 has no unhex()).  Copied, or kept by reference as pgv__stmt_bind_text_ref.
 */
static int bind_blob(pgv_stmt *st, int idx, const void *bytes, size_t len, int ref)
{
	const char *op = "pgv_stmt_bind_blob";
	int status;
	stmt_param *p = bind_checked(st, idx, op, bytes, len,
		"the bytes are NULL (use pgv_stmt_bind_null)", "a blob of", &status);

	if (!p)
		return status;
	if (!ref) {
		if ((status = pgv__stmt_param_room(st, p, len, op)) != 0)
			return status;
		if (len)
			memcpy(p->text, bytes, len);
		p->text[len] = '\0';
	}
	pgv__stmt_param_bound(p, len, SQL_LONGVARBINARY);
	p->ctype = SQL_C_BINARY;
	/* an empty blob still needs a readable buffer */
	p->ref = !ref ? NULL : len ? bytes : "";
	return 0;
}

/* Binds a copy of the bytes as a blob. */
int pgv__stmt_bind_blob(pgv_stmt *st, int idx, const void *bytes, size_t len)
{
	return bind_blob(st, idx, bytes, len, 0);
}

/* Binds the caller's bytes as a blob, kept by reference until the statement has run. */
int pgv__stmt_bind_blob_ref(pgv_stmt *st, int idx, const void *bytes, size_t len)
{
	return bind_blob(st, idx, bytes, len, 1);
}

int pgv_stmt_bind_null(pgv_stmt *st, int idx)
{
	stmt_param *p;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_bind_null");
	if (!(p = pgv__stmt_bind_target(st, idx, "pgv_stmt_bind_null", &status)))
		return status;
	p->ctype = SQL_C_CHAR;
	p->sqltype = SQL_VARCHAR;
	p->ref = NULL;
	p->ind = SQL_NULL_DATA;
	p->size = 1;
	p->bound = 1;
	return 0;
}

int pgv_stmt_clear_bindings(pgv_stmt *st)
{
	SQLSMALLINT i;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_clear_bindings");
	pgv__conn_clear(st->conn);
	if (st->executed)
		return pgv__conn_fail(st->conn, PGV_EINVAL, "pgv_stmt_clear_bindings",
			"the statement has run: call pgv_stmt_reset first");
	for (i = 0; i < st->nparams; i++)
		st->params[i].bound = 0;
	return 0;
}

/* Hands every parameter's buffers to the driver; all must be bound. */
static int bind_all(pgv_stmt *st)
{
	SQLSMALLINT i;

	for (i = 0; i < st->nparams; i++) {
		stmt_param *p = &st->params[i];
		SQLPOINTER value = p->ctype == SQL_C_SBIGINT ? (SQLPOINTER)&p->i64
			: p->ref ? (SQLPOINTER)(uintptr_t)p->ref : (SQLPOINTER)p->text;
		SQLLEN buflen = p->ctype == SQL_C_SBIGINT ? (SQLLEN)sizeof(p->i64) : p->ind;
		SQLRETURN rc;

		if (!p->bound)
			return pgv__conn_fail(st->conn, PGV_EINVAL, "pgv_stmt_step",
				"parameter %d is not bound", i + 1);
		if (p->bound == 2)
			return pgv__conn_fail(st->conn, PGV_EINVAL, "pgv_stmt_step", "parameter %d is "
				"bound to an array: run it with pgv_stmt_execute_array", i + 1);
		if (p->ind == SQL_NULL_DATA)
			buflen = 0;
		rc = SQLBindParameter(st->h, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, p->ctype,
			p->sqltype, p->size, 0, value, buflen, &p->ind);
		if (!SQL_SUCCEEDED(rc))
			return pgv__odbc_fail(st->conn, SQL_HANDLE_STMT, st->h, rc,
				"pgv_stmt_step: SQLBindParameter");
	}
	return 0;
}

/*
 * Runs the statement and learns the shape of its result.  The first run is SQLExecDirect: with
 * server-side prepare, psqlODBC's first SQLExecute of a statement costs a round trip of its own
 * (parse and describe, then bind and execute), which is most of a small query's overhead, and
 * most statements run once.  A statement run again is prepared for real on its second run, so
 * the server parses it once for all the later ones.
 */
static int execute(pgv_stmt *st)
{
	pgv_conn *c = st->conn;
	SQLRETURN rc;
	SQLLEN rows = -1;
	int status;

	if (st->runs == 1 && !SQL_SUCCEEDED(rc = SQLPrepare(st->h, (SQLCHAR *)st->sql, SQL_NTS)))
		return pgv__odbc_fail(c, SQL_HANDLE_STMT, st->h, rc, "pgv_stmt_step: SQLPrepare");
	if ((status = bind_all(st)) != 0)
		return status;
	st->runs++;
	pgv__conn_running(c, st->h);
	if (st->runs == 1)
		rc = SQLExecDirect(st->h, (SQLCHAR *)st->sql, SQL_NTS);
	else
		rc = SQLExecute(st->h);
	pgv__conn_running(c, SQL_NULL_HSTMT);
	if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA)
		return pgv__odbc_fail(c, SQL_HANDLE_STMT, st->h, rc, st->runs == 1
			? "pgv_stmt_step: SQLExecDirect" : "pgv_stmt_step: SQLExecute");
	st->executed = 1;
	/* freed with the count they were made for: a multi-statement text's last result may have
	 * had another count than this run's first (pgv_stmt_next_result) */
	pgv__stmt_columns_free(st);
	rc = SQLNumResultCols(st->h, &st->ncols);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_STMT, st->h, rc, "pgv_stmt_step: SQLNumResultCols");
	if (SQL_SUCCEEDED(SQLRowCount(st->h, &rows)))
		st->changes = rows;
	return pgv__stmt_columns_prepare(st);
}

int pgv_stmt_step(pgv_stmt *st)
{
	pgv_conn *c;
	SQLRETURN rc;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_step");
	c = st->conn;
	pgv__conn_clear(c);
	if ((status = pgv__conn_usable(c, "pgv_stmt_step")) != 0)
		return status;
	if (st->done)
		return PGV_DONE;
	if (!st->executed && (status = execute(st)) != 0)
		return status;
	pgv__stmt_columns_reset(st);
	st->on_row = 0;
	if (st->ncols == 0) {
		st->done = 1;
		return PGV_DONE;
	}
	rc = SQLFetch(st->h);
	if (rc == SQL_NO_DATA) {
		st->done = 1;
		return PGV_DONE;
	}
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_STMT, st->h, rc, "pgv_stmt_step: SQLFetch");
	st->on_row = 1;
	return PGV_ROW;
}

int pgv_stmt_column_count(pgv_stmt *st)
{
	return st ? st->ncols : 0;
}

int64_t pgv_stmt_changes(pgv_stmt *st)
{
	return st ? st->changes : -1;
}

int pgv_stmt_reset(pgv_stmt *st)
{
	SQLRETURN rc;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_reset");
	pgv__conn_clear(st->conn);
	st->executed = 0;
	st->done = 0;
	st->on_row = 0;
	st->changes = -1;
	pgv__stmt_columns_reset(st);
	rc = SQLFreeStmt(st->h, SQL_CLOSE);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(st->conn, SQL_HANDLE_STMT, st->h, rc,
			"pgv_stmt_reset: SQLFreeStmt");
	return 0;
}
