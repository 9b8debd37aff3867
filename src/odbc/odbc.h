/*
 * Internal: the ODBC layer's handles and its single point of error capture.  Never installed;
 * nothing outside src/odbc/ includes <sql.h>.
 */
#ifndef PGV_INTERNAL_ODBC_H
#define PGV_INTERNAL_ODBC_H

#include <pthread.h>
#include <sql.h>
#include <sqlext.h>

#include "common/error.h"
#include "odbc/conn_error.h" /* the SQL-free half: pgv__conn_clear, _fail, _from_codec, ... */
#include "pgvodbc/conn.h"
#include "pgvodbc/stmt.h"

struct pgv_conn {
	SQLHENV env;        /* this connection's own environment: no process-wide handle */
	SQLHDBC dbc;
	int connected;      /* SQLDriverConnect succeeded */
	pgv_backend backend; /* recognised at connect (pgv__conn_detect_backend) */
	int sqlite_vec;     /* on SQLite: sqlite-vec answers on this connection (asked at connect) */
	int any_order;      /* SQLGetData reads columns in any order (SQL_GD_ANY_ORDER, on SQLite) */
	int lost;           /* a failure said the connection is gone: refuse further work */
	int in_txn;         /* between begin and commit/rollback */
	int txn_failed;     /* a statement failed inside the open transaction */
	int open_stmts;     /* statements not yet freed */
	pgv__child children; /* the list head of the live handles on this connection (circular) */
	pgv_error err;      /* the last error; its strings point into msg and op */
	char *msg;          /* heap buffer for err.message (any length) */
	size_t msg_cap;
	char *op;           /* heap buffer for err.operation (any length) */
	size_t op_cap;
	char *driver_name;  /* pgv_conn_driver_name's text, asked once; NULL until then */
	struct pgv__conn_text *texts; /* every vector version text handed out, newest first */
	pthread_mutex_t run_lock; /* guards `running` against pgv_conn_cancel from another thread */
	SQLHSTMT running;   /* the statement executing now (SQL_NULL_HSTMT: none) */
	int cancel_sent;    /* pgv_conn_cancel reached the running statement (under run_lock) */
	SQLULEN timeout;    /* pgv_conn_set_timeout's seconds, set on every statement; 0: none */
	void *store_cache;  /* pgv__conn_store_cache */
	void (*store_cache_free)(void *);
	char *settings;     /* the driver's completed connection string without its password
	                     * (conn_info.c), NULL when unknown */
};

/*
 * Recognises the backend from what the driver reports (SQLGetInfo) into conn->backend, once, at
 * connect; 0 or the failure (recorded).
 */
int pgv__conn_detect_backend(pgv_conn *conn);

/*
 * On SQLite, asks once at connect whether sqlite-vec is loaded (conn->sqlite_vec); 0 or the
 * failure of the question (recorded).  Nothing on other backends.
 */
int pgv__conn_detect_sqlite_vec(pgv_conn *conn);

/* Room for the driver's completed connection string (psqlODBC 13 writes about 560 bytes). */
#define PGV__COMPLETED_CAP 8192

/*
 * Keeps the `len` bytes of the completed connection string `s` in conn->settings, without the
 * password keys; nothing when memory runs out (the settings are then unknown).
 */
void pgv__conn_keep_settings(pgv_conn *conn, const char *s, SQLSMALLINT len);

/*
 * A string the connection handed out, kept until pgv_conn_close so that the pointer stays valid
 * however many times the call is made.
 */
struct pgv__conn_text {
	struct pgv__conn_text *next;
	char text[];
};

/* Makes the connection's list of live handles empty (conn_children.c). */
void pgv__conn_children_init(pgv_conn *c);

/*
 * Closes every live handle of the connection (each frees its driver handles and forgets the
 * connection); pgv_conn_close calls it before disconnecting.
 */
void pgv__conn_close_children(pgv_conn *c);

/* Marks `h` as the statement executing on `c` (SQL_NULL_HSTMT: none), for pgv_conn_cancel. */
void pgv__conn_running(pgv_conn *c, SQLHSTMT h);

/* 1 when pgv_conn_cancel reached the statement that ran last (its 57014 is not a timeout). */
int pgv__conn_cancel_sent(pgv_conn *c);

/*
 * Allocates a statement handle on `c` into `*out` with the connection's query timeout
 * (SQL_ATTR_QUERY_TIMEOUT) set, so that every statement carries the same value: psqlODBC sends
 * "SET statement_timeout" whenever a statement's value differs from the session's.  0, or the
 * failure recorded under `op` (`*out` is then SQL_NULL_HSTMT).  conn_timeout.c.
 */
int pgv__conn_alloc_stmt(pgv_conn *c, SQLHSTMT *out, const char *op);

/*
 * SQL text as handed to the driver: a copy ending in a newline (newly allocated; free()), because
 * with UseDeclareFetch=1 psqlODBC appends ";fetch ..." to a SELECT, which a trailing "--"
 * comment would otherwise swallow.  NULL when memory ran out.
 */
char *pgv__sql_for_driver(const char *sql);

/*
 * Records the failure of an ODBC call at once, from the handle that failed: the SQLSTATE and
 * native code of the first record and the messages of all records.  Maps the SQLSTATE to a
 * pgv_status (class 08 -> PGV_ECONN and marks the connection lost, class 23 -> PGV_ECONSTRAINT,
 * HY001 -> PGV_ENOMEM, else PGV_ERROR), marks an open transaction failed, and returns the status.
 */
int pgv__odbc_fail(pgv_conn *conn, SQLSMALLINT type, SQLHANDLE handle, SQLRETURN rc,
	const char *op);

/* Refuses work on a lost connection: returns 0, or PGV_ECONN with the error recorded. */
int pgv__conn_usable(pgv_conn *conn, const char *op);

/*
 * The SQLSTATE of the first diagnostic record of `handle` into state[6] ("" when none).  Used to
 * tell data truncation (01004) from other warnings.
 */
void pgv__odbc_first_state(SQLSMALLINT type, SQLHANDLE handle, char state[6]);

#endif
