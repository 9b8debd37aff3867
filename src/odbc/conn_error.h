/*
 * Internal: recording a failure as a connection's last error, for the layers above ODBC (the
 * store, migrations) that must not include <sql.h>.  Implemented in diag.c; odbc/odbc.h includes
 * this header, so the ODBC layer sees the same declarations.  Never installed.
 */
#ifndef PGV_INTERNAL_CONN_ERROR_H
#define PGV_INTERNAL_CONN_ERROR_H

#include "common/error.h"
#include "pgvodbc/conn.h"

/*
 * A handle that lives on a connection (a statement, a row iterator, a collection): the
 * connection keeps every live one in a list, so that pgv_conn_close can invalidate them before
 * it frees itself.  Embedded in the handle; `close` (set by pgv__conn_adopt) frees the handle's
 * driver resources and clears the handle's connection pointer, which every later call on the
 * handle checks first ("the connection was closed", in pgv_error_last()); the handle's free
 * then only releases memory.
 */
typedef struct pgv__child {
	struct pgv__child *prev, *next;
	void (*close)(struct pgv__child *self);
} pgv__child;

/* Puts `child` on the connection's list of live handles, to be closed by `close_fn`. */
void pgv__conn_adopt(pgv_conn *conn, pgv__child *child, void (*close_fn)(pgv__child *self));

/* Takes `child` off the connection's list (the handle is being freed while the connection
 * lives). */
void pgv__conn_release(pgv_conn *conn, pgv__child *child);

/* Resets the connection's error to "no error" at the start of a public call. */
void pgv__conn_clear(pgv_conn *conn);

/*
 * On a SQLite connection without sqlite-vec, records PGV_EUNSUPPORTED under `op`, saying that
 * the extension is not loaded and naming the DSN key LoadExt, and returns it; else 0.
 */
int pgv__conn_require_vec(pgv_conn *conn, const char *op);

/*
 * A slot on the connection for the store's per-connection cache (the index forms k-NN reads
 * from the catalog): the pointer, or NULL; setting it frees the previous one with its `free_fn`,
 * and pgv_conn_close frees the last.
 */
void *pgv__conn_store_cache(pgv_conn *conn);
void pgv__conn_set_store_cache(pgv_conn *conn, void *cache, void (*free_fn)(void *));

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

/* Replaces the SQLSTATE and native code of the connection's current error. */
void pgv__conn_set_sqlstate(pgv_conn *conn, const char *sqlstate, long native);

/*
 * The one way an error gains context on its way up: puts the formatted context and ": " in front
 * of the connection's current message ("upserting into \"t\": <cause>"; just the context when
 * there is no message) and `op` and ": " in front of its operation (unless `op` is NULL, the
 * operation is empty (it becomes `op`) or already starts with `op`).  SQLSTATE, native code, row
 * and offset stay; the status becomes `status`, which is returned.  Both strings are built in
 * allocations measured first, so a chain of any depth stays whole, and the arguments may point
 * into the current message.  When memory runs out, the cause stays as it was.
 */
int pgv__conn_prefix(pgv_conn *conn, int status, const char *op, const char *fmt, ...)
	PGV_PRINTF(4, 5);

/* pgv__conn_prefix with another separator than ": " (e.g. "\n", a record of its own). */
int pgv__conn_vprefix(pgv_conn *conn, int status, const char *op, const char *sep,
	const char *fmt, va_list ap);

/*
 * A connection's error kept aside across calls that replace it (a rollback after a failure).
 * Its strings are the connection's own buffers, moved, so keeping it cannot fail.
 */
typedef struct pgv__conn_saved {
	pgv_error err;
	char *msg;
	size_t msg_cap;
	char *op;
	size_t op_cap;
} pgv__conn_saved;

/* Moves the connection's current error into `s`; the connection's error becomes "no error". */
void pgv__conn_save(pgv_conn *conn, pgv__conn_saved *s);

/* Makes `s` the connection's error again with status `status` (consumes `s`); returns it. */
int pgv__conn_restore(pgv_conn *conn, pgv__conn_saved *s, int status);

/* Frees a saved error that is not restored. */
void pgv__conn_saved_free(pgv__conn_saved *s);

#endif
