/*
 * pgvodbc/conn.h - connections, their errors, transactions.
 *
 * A connection is opened from a DSN name, a "DSN=...;" string or a full ODBC connection string,
 * through the unixODBC driver manager and the driver it names: psqlODBC for PostgreSQL with
 * pgvector, libsqliteodbc for SQLite with sqlite-vec (pgv_backend).  One connection is used by one thread at a
 * time; different connections may be used by different threads at once.
 */
#ifndef PGVODBC_CONN_H
#define PGVODBC_CONN_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A connection.  Opaque: created by pgv_conn_open, destroyed by pgv_conn_close. */
typedef struct pgv_conn pgv_conn;

/*
 * Creates a connection and connects it.  `target` is a DSN name ("mydsn"), or an ODBC connection
 * string, recognised by containing '=' ("DSN=mydsn;UID=app" or "Driver={PostgreSQL Unicode};
 * Server=...").  On connect the backend is recognised (pgv_conn_backend) and, on PostgreSQL, the
 * session's extra_float_digits is raised so that float4[] text is exact, whatever the DSN's
 * ConnSettings say.  Connects are made one at a time in the process
 * (a process-wide lock around the driver's connect: psqlODBC 13's connect is not thread-safe);
 * everything after the connect runs in parallel on different connections.
 *
 * Returns 0, PGV_ECONN (could not connect: the reason is in pgv_conn_error(*out)), PGV_ERROR
 * (connected, but the session could not be set up: the status of that failure), PGV_EINVAL or
 * PGV_ENOMEM.  `*out` is set even on failure whenever the handle itself could be allocated, so
 * the error can be read; it is NULL only for PGV_EINVAL (NULL out or target: the thread error
 * says which) and when that first allocation fails.  The caller owns `*out` and always releases
 * it with pgv_conn_close (NULL is a no-op).  Any thread.
 */
PGV_API int pgv_conn_open(pgv_conn **out, const char *target);

/*
 * Destroys a connection: disconnects (rolling back an open transaction) and frees everything it
 * owns, including the strings pgv_conn_vector_version and pgv_conn_driver_name handed out.
 * Handles made from it that are still open (statements, row iterators, collections, cursors)
 * are closed first: their driver resources are released and every later call on one of them
 * fails with PGV_ECONN, SQLSTATE 08003 and "<call>: the connection was closed: free the ..." in
 * pgv_error_last() (the connection's record is gone with it), touching nothing of the
 * connection.  Their free calls then only release memory, and must still be made.  NULL is a
 * no-op.
 */
PGV_API void pgv_conn_close(pgv_conn *conn);

/*
 * Works on a connection: its last error (SQLSTATE, native code, the whole diagnostic chain and
 * the library call that failed).  Never NULL (for a NULL conn, a static "no connection" record).
 * Owned by the connection; valid until the next call on the connection or one of its statements.
 */
PGV_API const pgv_error *pgv_conn_error(const pgv_conn *conn);

/*
 * Works on a connection: 1 when it has been lost (a call failed with SQLSTATE class 08, or the
 * driver reports the connection dead), else 0.  A lost connection refuses every further call with
 * PGV_ECONN and SQLSTATE 08003 without reaching the driver; close it and open a new one.  Work
 * inside a transaction (pgv_conn_begin, or a store call without one, which opens its own) that
 * failed with a class 08 SQLSTATE other than 08007 wrote nothing: the server discards an unfinished
 * transaction (see pgv_conn_commit for 08007).  A single statement run in autocommit mode that
 * fails with class 08 may have been committed by the server before the loss was seen.  0 for a NULL
 * conn (nothing recorded: a predicate).
 */
PGV_API int pgv_conn_is_lost(pgv_conn *conn);

/*
 * Works on an open connection: runs SQL text with no parameters, and consumes and discards every
 * result it produces (the text may hold several statements; each is checked).  Returns 0 or a
 * negative pgv_status.
 */
PGV_API int pgv_conn_exec(pgv_conn *conn, const char *sql);

/*
 * Works on an open connection: starts a transaction, so work until pgv_conn_commit or
 * pgv_conn_rollback is one unit.  Returns 0, PGV_EINVAL when one is already open, or a status.
 */
PGV_API int pgv_conn_begin(pgv_conn *conn);

/*
 * Works on an open connection: commits the open transaction and returns to autocommit.  Returns 0
 * only when the server committed: on a lost connection it returns PGV_ECONN even where the driver
 * answers success.  When the connection was lost while the commit itself was under way, the status
 * is PGV_ECONN with SQLSTATE 08007 (transaction resolution unknown): the transaction was committed
 * entirely or not at all, and only reading the data on a new connection tells which.
 */
PGV_API int pgv_conn_commit(pgv_conn *conn);

/*
 * Works on an open connection: rolls back the open transaction and returns to autocommit.
 * Returns 0, PGV_EINVAL when none is open, or a status.
 */
PGV_API int pgv_conn_rollback(pgv_conn *conn);

/* Works on a connection: 1 inside pgv_conn_begin ... commit/rollback, else 0 (and for NULL). */
PGV_API int pgv_conn_in_transaction(const pgv_conn *conn);

/*
 * Works on an open connection: reads the version of the vector extension of the connected
 * database, asked on every call, into `*out` as major * 10000 + minor * 100 + patch (0.8.0 ->
 * 800), and points `*text` (when `text` is not NULL) at its text ("0.8.0").  On PostgreSQL that
 * is pgvector's version (from pg_extension); on SQLite sqlite-vec's, from vec_version() ("0.1.9",
 * without the "v" vec_version() puts in front).  The text is owned by the connection and stays
 * valid until pgv_conn_close.  Returns 0, PGV_ENOTFOUND when the extension is not installed in
 * this database (on SQLite: not loaded, e.g. no LoadExt in the DSN), or another negative
 * pgv_status; on failure `*out` is 0 and `*text` is "".
 */
PGV_API int pgv_conn_vector_version(int *out, const char **text, pgv_conn *conn);

/*
 * Asks the server to stop the statement that a call on `conn` is executing now (SQLCancel; the
 * driver sends PostgreSQL a cancel request on a connection of its own).  The one function that
 * may be called on a connection from another thread while a call on it is running, e.g. to stop
 * an index build: the running call then fails with PGV_ERROR and SQLSTATE 57014 ("canceling
 * statement due to user request"), and its statement's work is rolled back.  Nothing executing:
 * nothing happens.  Does not change the connection's last error.  Returns 0, PGV_EINVAL for
 * NULL, or PGV_ERROR when the driver could not send the request.  Not async-signal-safe: call it
 * from a thread, not from a signal handler.
 */
PGV_API int pgv_conn_cancel(pgv_conn *conn);

/* The longest timeout pgv_conn_set_timeout takes: PostgreSQL's statement_timeout is an int of
 * milliseconds. */
#define PGV_TIMEOUT_MAX 2147483

/*
 * Works on an open connection: bounds the time of every statement run on it from now on to
 * `seconds` (1 to PGV_TIMEOUT_MAX; 0 removes the bound).  Set through ODBC's query timeout
 * (SQL_ATTR_QUERY_TIMEOUT on each statement the connection allocates), which psqlODBC carries out
 * as the server's statement_timeout: a statement that runs longer is stopped by the server and the
 * call fails with PGV_ETIMEOUT (SQLSTATE 57014, or HYT00 from a driver that times out itself);
 * its work is rolled back, as is the transaction it ran in.  The bound applies to each statement,
 * not to a call made of several.  Runs one statement to apply and read back the setting, so it
 * must be called outside a transaction.  Returns 0, PGV_EINVAL (out of range, or inside a
 * transaction), PGV_EUNSUPPORTED (the driver accepts the timeout but does not apply it, e.g.
 * psqlODBC with IgnoreTimeout=1), or another status; on failure the previous bound stays.  A
 * server that ignores cancel requests (the embedded PGlite server) applies the setting but never
 * stops a statement.
 */
PGV_API int pgv_conn_set_timeout(pgv_conn *conn, int seconds);

/*
 * Works on an open connection: the process id of the server session serving `conn`
 * (pg_backend_pid()) into `*out`.  Two connections with the same id share one session: the embedded
 * server (PGlite) serves every connection from one, so work on one connection waits for the
 * other's.  0 or a negative status (PGV_EUNSUPPORTED on SQLite, which has no server session).
 */
PGV_API int pgv_conn_backend_pid(int64_t *out, pgv_conn *conn);

/*
 * Works on an open connection: points `*out` at the name of the ODBC driver in use (e.g.
 * "psqlodbcw.so"), asked of the driver once.  The text is owned by the connection and stays
 * valid until pgv_conn_close.  Returns 0 or a negative pgv_status (`*out` is then "").
 */
PGV_API int pgv_conn_driver_name(const char **out, pgv_conn *conn);

/*
 * The database a connection reaches, recognised once at connect from what the driver reports
 * (SQLGetInfo's SQL_DBMS_NAME and SQL_DRIVER_NAME): SQLite when either names SQLite (Debian's
 * libsqliteodbc, with the sqlite-vec extension loaded by the DSN's LoadExt), else PostgreSQL
 * (psqlODBC, with pgvector).  The store, collections, indexes and migrations speak the backend's
 * SQL; what a backend lacks is refused with PGV_EUNSUPPORTED before any round trip.
 */
typedef enum pgv_backend {
	PGV_BACKEND_UNKNOWN = 0,     /* no connection, or not connected */
	PGV_BACKEND_POSTGRESQL = 1,  /* PostgreSQL with pgvector */
	PGV_BACKEND_SQLITE = 2       /* SQLite with sqlite-vec */
} pgv_backend;

/*
 * Works on a connection: the backend recognised at connect (PGV_BACKEND_UNKNOWN for NULL or a
 * connection that never connected).  Makes no round trip and records nothing.
 */
PGV_API pgv_backend pgv_conn_backend(const pgv_conn *conn);

/*
 * The name of a backend: "postgresql", "sqlite", or "" for PGV_BACKEND_UNKNOWN and values outside
 * the enum.  A static string; any thread.
 */
PGV_API const char *pgv_backend_name(pgv_backend backend);

/* What pgv_conn_info reports (the ODBC SQLGetInfo item in parentheses). */
typedef enum pgv_info_item {
	PGV_INFO_DRIVER_NAME = 0,     /* the driver's file, "psqlodbcw.so" (SQL_DRIVER_NAME) */
	PGV_INFO_DRIVER_VERSION,      /* "13.02.0000" (SQL_DRIVER_VER) */
	PGV_INFO_DRIVER_ODBC_VERSION, /* the ODBC version the driver implements (SQL_DRIVER_ODBC_VER) */
	PGV_INFO_DM_VERSION,          /* the driver manager's version (SQL_DM_VER) */
	PGV_INFO_DBMS_NAME,           /* "PostgreSQL" (SQL_DBMS_NAME) */
	PGV_INFO_DBMS_VERSION,        /* the server's version as the driver reads it (SQL_DBMS_VER) */
	PGV_INFO_DATA_SOURCE,         /* the DSN, "" for a DSN-less connection (SQL_DATA_SOURCE_NAME) */
	PGV_INFO_DATABASE,            /* the current database (SQL_DATABASE_NAME) */
	PGV_INFO_SERVER,              /* the server's host name as configured (SQL_SERVER_NAME) */
	PGV_INFO_USER                 /* the user name (SQL_USER_NAME) */
} pgv_info_item;

/*
 * Works on an open connection: writes what the driver reports for `item` into `out` (`cap` bytes,
 * 1..32767, NUL-terminated).  Returns 0, PGV_EINVAL (a bad argument, or a value longer than
 * cap - 1: `out` is then ""), PGV_ECONN (not connected) or the driver's failure.
 */
PGV_API int pgv_conn_info(char *out, size_t cap, pgv_conn *conn, pgv_info_item item);

/*
 * Works on an open connection: writes the value of the driver setting `key` (matched without regard
 * to case: "Fetch", "UseDeclareFetch", "UseServerSidePrepare") as it is in effect on the open
 * connection into `out` (`cap` bytes, NUL-terminated): the value the driver wrote into the
 * connection string it completed at connect, which for psqlODBC holds every setting, whether it
 * came from the connection string, the DSN, odbcinst.ini or the driver's default.  The password is
 * never kept, so "PWD" and "Password" are never found.  Returns 0, PGV_ENOTFOUND (the driver did
 * not report that key), PGV_EINVAL (a bad argument or a value that does not fit: `out` is then ""),
 * or PGV_ECONN (not connected).
 */
PGV_API int pgv_conn_setting(char *out, size_t cap, pgv_conn *conn, const char *key);

#ifdef __cplusplus
}
#endif

#endif
