/*
 * Internal: recording a failure as a connection's last error, for the layers above ODBC (the
 * store, migrations) that must not include <sql.h>.  Implemented in diag.c; odbc/odbc.h includes
 * this header, so the ODBC layer sees the same declarations.  Never installed.
 */
#ifndef PGV_INTERNAL_CONN_ERROR_H
#define PGV_INTERNAL_CONN_ERROR_H

#include "common/error.h"
#include "pgvodbc/conn.h"

/* Resets the connection's error to "no error" at the start of a public call. */
void pgv__conn_clear(pgv_conn *conn);

/*
 * Records a failure the library detected itself (no ODBC diagnostics) with a formatted message;
 * returns `status`.
 */
int pgv__conn_fail(pgv_conn *conn, int status, const char *op, const char *fmt, ...)
	PGV_PRINTF(4, 5);

/*
 * Records the thread's codec error (pgv_error_last) on the connection with a prefix naming the
 * call and what was being read; returns its status.
 */
int pgv__conn_from_codec(pgv_conn *conn, const char *op, const char *what);

/* Sets the batch row of the connection's current error (pgv_error.row). */
void pgv__conn_set_row(pgv_conn *conn, int64_t row);

/*
 * Records a failure that carries a diagnostic's SQLSTATE and native code, e.g. one saved before
 * a call that cleared it (a rollback after a failed statement), with a formatted message;
 * returns `status`.
 */
int pgv__conn_fail_sqlstate(pgv_conn *conn, int status, const char *sqlstate, long native,
	const char *op, const char *fmt, ...) PGV_PRINTF(6, 7);

#endif
