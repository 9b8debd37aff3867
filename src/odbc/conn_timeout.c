/*
 * The statement timeout of a connection: SQL_ATTR_QUERY_TIMEOUT on every statement the
 * connection allocates.  psqlODBC carries it out as the server's statement_timeout, sent
 * ("SET statement_timeout = ms") before a statement whose value differs from the session's, so
 * the value must be the same on every statement (else the driver would set and reset it around
 * each), and the first SET must happen outside a transaction (a rollback would undo it on the
 * server while the driver believes it in effect): pgv_conn_set_timeout runs a statement at once,
 * in autocommit, and reads the setting back to see that the driver applied it.
 */
#include "odbc/odbc.h"

#include <stdint.h>

/* The server's statement_timeout in milliseconds, as the session sees it now. */
static const char SQL_TIMEOUT_IN_EFFECT[] =
	"SELECT setting::bigint FROM pg_catalog.pg_settings WHERE name = 'statement_timeout'";

int pgv__conn_alloc_stmt(pgv_conn *c, SQLHSTMT *out, const char *op)
{
	SQLHSTMT h = SQL_NULL_HSTMT;
	SQLRETURN rc = SQLAllocHandle(SQL_HANDLE_STMT, c->dbc, &h);

	*out = SQL_NULL_HSTMT;
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, op);
	if (c->timeout > 0) {
		rc = SQLSetStmtAttr(h, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)(uintptr_t)c->timeout, 0);
		if (!SQL_SUCCEEDED(rc)) {
			int status = pgv__odbc_fail(c, SQL_HANDLE_STMT, h, rc, op);

			SQLFreeHandle(SQL_HANDLE_STMT, h);
			return status;
		}
	}
	*out = h;
	return 0;
}

int pgv_conn_set_timeout(pgv_conn *c, int seconds)
{
	const char *op = "pgv_conn_set_timeout";
	SQLULEN before;
	pgv_stmt *st = NULL;
	int64_t ms = -1;
	int status;

	if (!c)
		return pgv__error_null(op, "conn");
	pgv__conn_clear(c);
	if (seconds < 0 || seconds > PGV_TIMEOUT_MAX)
		return pgv__conn_fail(c, PGV_EINVAL, op, "a timeout of %d seconds is out of range "
			"(0 to %d)", seconds, PGV_TIMEOUT_MAX);
	if ((status = pgv__conn_usable(c, op)) != 0)
		return status;
	if (c->in_txn)
		return pgv__conn_fail(c, PGV_EINVAL, op, "a transaction is open on this connection: "
			"set the timeout outside one");
	/* only psqlODBC's is known to be carried out (as statement_timeout, read back below) */
	if (c->backend != PGV_BACKEND_POSTGRESQL)
		return pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "statement timeouts are not supported "
			"on %s", pgv_backend_name(c->backend));
	before = c->timeout;
	c->timeout = (SQLULEN)seconds;
	if ((status = pgv_stmt_prepare(&st, c, SQL_TIMEOUT_IN_EFFECT)) == 0
			&& (status = pgv_stmt_step(st)) == PGV_ROW)
		status = pgv_stmt_column_int64(&ms, st, 1);
	else if (status == PGV_DONE)
		status = pgv__conn_fail(c, PGV_ERROR, op, "the server has no statement_timeout setting");
	pgv_stmt_free(st);
	if (status >= 0 && ms != (int64_t)seconds * 1000)
		status = pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "the driver does not apply the query "
			"timeout: the server's statement_timeout is %lld ms, not %lld (psqlODBC's "
			"IgnoreTimeout setting?)", (long long)ms, (long long)seconds * 1000);
	if (status < 0) {
		c->timeout = before;
		return status;
	}
	return 0;
}
