/* Connections: open by DSN or connection string, session set-up, transactions, plain SQL. */
#include "odbc/odbc.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * float4[] text is only exact when extra_float_digits > 0 (PostgreSQL 12+ then prints the shortest
 * exact form).  psqlODBC sets 2, but a DSN's ConnSettings may lower it, so set it after connect.
 */
static const char SQL_SESSION_SETUP[] = "SET extra_float_digits = 3";

static const char SQL_BACKEND_PID[] = "SELECT pg_catalog.pg_backend_pid()";

/*
 * Connects happen one at a time in the process.  psqlODBC 13 (Debian 12's) determines the client
 * encoding on every connect by calling setlocale(LC_CTYPE, "") and then reading the name it
 * returned; a connect in another thread at that moment frees that name under it (a
 * use-after-free read that ThreadSanitizer shows in tests/native/test_native_threads.c, 13 runs
 * of 50 without this lock, none with it).  Only connects are serialised: statements on
 * different connections still run in parallel.
 */
static pthread_mutex_t connect_lock = PTHREAD_MUTEX_INITIALIZER;

static const pgv_error no_conn_error = {
	PGV_EINVAL, "", 0, "no connection (NULL handle)", "", -1, -1
};

/* Builds the ODBC connection string for `target`: connection strings pass through. */
static char *connection_string(const char *target)
{
	size_t n = strlen(target);
	char *s;

	if (strchr(target, '=') != NULL) {
		s = malloc(n + 1);
		if (s)
			memcpy(s, target, n + 1);
		return s;
	}
	if (n > SIZE_MAX - 6)
		return NULL;
	s = malloc(n + 6);
	if (s)
		snprintf(s, n + 6, "DSN=%s;", target);
	return s;
}

/*
 * The DSN a target names, for messages that must not echo a connection string's password:
 * the DSN (length in *len), or NULL when a connection string names none.  A DSN in a connection
 * string is quoted up to 200 bytes, the rest of the string is not shown.
 */
static const char *target_dsn(const char *target, int *len)
{
	const char *dsn;
	size_t n;

	if (strchr(target, '=') == NULL) {
		n = strlen(target);
		*len = n > INT_MAX ? INT_MAX : (int)n;
		return target;
	}
	dsn = strstr(target, "DSN=");
	if (dsn && (dsn == target || dsn[-1] == ';' || dsn[-1] == ' ')) {
		n = strcspn(dsn + 4, ";");
		*len = (int)(n > 200 ? 200 : n);
		return dsn + 4;
	}
	return NULL;
}

/* A context line of its own above the connection's error (see pgv__conn_prefix). */
static int prefix_line(pgv_conn *c, int status, const char *op, const char *fmt, ...)
	PGV_PRINTF(4, 5);
static int prefix_line(pgv_conn *c, int status, const char *op, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pgv__conn_vprefix(c, status, op, "\n", fmt, ap);
	va_end(ap);
	return status;
}

char *pgv__sql_for_driver(const char *sql)
{
	size_t n = strlen(sql);
	char *copy;

	if (n > SIZE_MAX - 2)
		return NULL;
	copy = malloc(n + 2);
	if (!copy)
		return NULL;
	memcpy(copy, sql, n);
	if (n == 0 || sql[n - 1] != '\n')
		copy[n++] = '\n';
	copy[n] = '\0';
	return copy;
}

/* Runs one statement with no parameters, draining every result; records failure under `op`. */
static int exec_direct(pgv_conn *c, const char *sql, const char *op)
{
	SQLHSTMT h = SQL_NULL_HSTMT;
	SQLRETURN rc;
	int status = 0;
	char *text = pgv__sql_for_driver(sql);

	if (!text)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "out of memory");
	if ((status = pgv__conn_alloc_stmt(c, &h, op)) != 0) {
		free(text);
		return status;
	}
	pgv__conn_running(c, h);
	rc = SQLExecDirect(h, (SQLCHAR *)text, SQL_NTS);
	pgv__conn_running(c, SQL_NULL_HSTMT);
	free(text);
	for (;;) {
		if (rc == SQL_NO_DATA)
			break;
		if (!SQL_SUCCEEDED(rc)) {
			status = pgv__odbc_fail(c, SQL_HANDLE_STMT, h, rc, op);
			break;
		}
		/* Discard this result's rows, then move to the next result. */
		rc = SQLMoreResults(h);
	}
	SQLFreeHandle(SQL_HANDLE_STMT, h);
	return status;
}

int pgv_conn_open(pgv_conn **out, const char *target)
{
	pgv_conn *c;
	char *connstr, *completed;
	SQLSMALLINT completed_len = 0;
	SQLRETURN rc;
	int status;

	if (!out)
		return pgv__error_null("pgv_conn_open", "out");
	*out = NULL;
	if (!target)
		return pgv__error_null("pgv_conn_open", "target");
	c = calloc(1, sizeof(*c));
	if (!c)
		return PGV_ENOMEM;
	if (pthread_mutex_init(&c->run_lock, NULL) != 0) {
		free(c);
		return PGV_ENOMEM;
	}
	c->running = SQL_NULL_HSTMT;
	pgv__conn_children_init(c);
	pgv__conn_clear(c);
	*out = c;

	rc = SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &c->env);
	if (!SQL_SUCCEEDED(rc))
		return pgv__conn_fail(c, PGV_ECONN, "pgv_conn_open: SQLAllocHandle",
			"cannot create an ODBC environment (is the unixODBC driver manager installed?)");
	rc = SQLSetEnvAttr(c->env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_ENV, c->env, rc, "pgv_conn_open: SQLSetEnvAttr");
	rc = SQLAllocHandle(SQL_HANDLE_DBC, c->env, &c->dbc);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_ENV, c->env, rc, "pgv_conn_open: SQLAllocHandle");

	connstr = connection_string(target);
	if (!connstr)
		return pgv__conn_fail(c, PGV_ENOMEM, "pgv_conn_open", "out of memory");
	/* the completed string is what pgv_conn_setting reads (conn_info.c); without memory for it
	 * the connect goes on and the settings are unknown */
	completed = malloc(PGV__COMPLETED_CAP);
	pthread_mutex_lock(&connect_lock);
	rc = SQLDriverConnect(c->dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, (SQLCHAR *)completed,
		completed ? PGV__COMPLETED_CAP : 0, &completed_len, SQL_DRIVER_NOPROMPT);
	pthread_mutex_unlock(&connect_lock);
	free(connstr);
	if (SQL_SUCCEEDED(rc) && completed)
		pgv__conn_keep_settings(c, completed, completed_len);
	free(completed);
	if (!SQL_SUCCEEDED(rc)) {
		pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, "pgv_conn_open: SQLDriverConnect");
		/* Keep the driver's chain and SQLSTATE but say what was being attempted, first. */
		int len = 0;
		const char *dsn = target_dsn(target, &len);

		if (dsn)
			return pgv__conn_prefix(c, PGV_ECONN, NULL, "cannot connect to DSN \"%.*s\"",
				len, dsn);
		return pgv__conn_prefix(c, PGV_ECONN, NULL, "cannot connect to the connection string");
	}
	c->connected = 1;

	if ((status = pgv__conn_detect_backend(c)) != 0
			|| (status = pgv__conn_detect_sqlite_vec(c)) != 0)
		return status;
	/* SQLite reads vectors as float32 blobs: nothing to set up */
	if (c->backend == PGV_BACKEND_POSTGRESQL
			&& (status = exec_direct(c, SQL_SESSION_SETUP, "pgv_conn_open: session set-up")) != 0)
		return status;
	pgv__conn_clear(c);
	return 0;
}

void pgv_conn_close(pgv_conn *c)
{
	if (!c)
		return;
	pgv__conn_close_children(c);
	if (c->connected) {
		if (c->in_txn && !c->lost)
			SQLEndTran(SQL_HANDLE_DBC, c->dbc, SQL_ROLLBACK);
		SQLDisconnect(c->dbc);
	}
	if (c->dbc)
		SQLFreeHandle(SQL_HANDLE_DBC, c->dbc);
	if (c->env)
		SQLFreeHandle(SQL_HANDLE_ENV, c->env);
	while (c->texts) {
		struct pgv__conn_text *next = c->texts->next;
		free(c->texts);
		c->texts = next;
	}
	free(c->driver_name);
	free(c->msg);
	free(c->settings);
	free(c->op);
	pgv__conn_set_store_cache(c, NULL, NULL);
	pthread_mutex_destroy(&c->run_lock);
	free(c);
}

/* The store's cache on this connection. */
void *pgv__conn_store_cache(pgv_conn *c)
{
	return c->store_cache;
}

/* Replaces the store's cache, freeing the previous one. */
void pgv__conn_set_store_cache(pgv_conn *c, void *cache, void (*free_fn)(void *))
{
	if (c->store_cache && c->store_cache_free)
		c->store_cache_free(c->store_cache);
	c->store_cache = cache;
	c->store_cache_free = free_fn;
}

/* Marks the statement executing on the connection (or none). */
void pgv__conn_running(pgv_conn *c, SQLHSTMT h)
{
	pthread_mutex_lock(&c->run_lock);
	c->running = h;
	if (h != SQL_NULL_HSTMT)
		c->cancel_sent = 0;
	pthread_mutex_unlock(&c->run_lock);
}

/* Whether a cancel reached the statement that ran last. */
int pgv__conn_cancel_sent(pgv_conn *c)
{
	int sent;

	pthread_mutex_lock(&c->run_lock);
	sent = c->cancel_sent;
	pthread_mutex_unlock(&c->run_lock);
	return sent;
}

/*
 * Cancels the statement executing on the connection, from another thread.  SQLCancel is the one
 * ODBC call meant to be made on a statement another thread is executing; the lock keeps the
 * handle from being freed meanwhile (the executing thread clears it under the lock first).
 */
int pgv_conn_cancel(pgv_conn *c)
{
	SQLRETURN rc = SQL_SUCCESS;

	if (!c)
		return pgv__error_null("pgv_conn_cancel", "conn");
	pthread_mutex_lock(&c->run_lock);
	if (c->running != SQL_NULL_HSTMT) {
		rc = SQLCancel(c->running);
		c->cancel_sent = 1;
	}
	pthread_mutex_unlock(&c->run_lock);
	return SQL_SUCCEEDED(rc) ? 0 : PGV_ERROR;
}

/* The server process serving the connection. */
int pgv_conn_backend_pid(int64_t *out, pgv_conn *c)
{
	pgv_stmt *st = NULL;
	int status;

	if (!c)
		return pgv__error_null("pgv_conn_backend_pid", "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, "pgv_conn_backend_pid", "out is NULL");
	*out = 0;
	if (c->backend == PGV_BACKEND_SQLITE)
		return pgv__conn_fail(c, PGV_EUNSUPPORTED, "pgv_conn_backend_pid",
			"sqlite has no server session: the database is a file opened in this process");
	if ((status = pgv_stmt_prepare(&st, c, SQL_BACKEND_PID)) == 0
			&& (status = pgv_stmt_step(st)) == PGV_ROW)
		status = pgv_stmt_column_int64(out, st, 1);
	else if (status == PGV_DONE)
		status = pgv__conn_fail(c, PGV_ERROR, "pgv_conn_backend_pid", "no row");
	pgv_stmt_free(st);
	return status < 0 ? status : 0;
}

const pgv_error *pgv_conn_error(const pgv_conn *c)
{
	if (!c)
		return &no_conn_error;
	return &c->err;
}

int pgv_conn_is_lost(pgv_conn *c)
{
	SQLUINTEGER dead = SQL_CD_FALSE;

	if (!c)
		return 0;
	if (c->lost)
		return 1;
	if (c->connected && SQL_SUCCEEDED(SQLGetConnectAttr(c->dbc, SQL_ATTR_CONNECTION_DEAD,
			&dead, 0, NULL)) && dead == SQL_CD_TRUE)
		c->lost = 1;
	return c->lost;
}

int pgv_conn_exec(pgv_conn *c, const char *sql)
{
	int status;

	if (!c)
		return pgv__error_null("pgv_conn_exec", "conn");
	pgv__conn_clear(c);
	if (!sql)
		return pgv__conn_fail(c, PGV_EINVAL, "pgv_conn_exec", "sql is NULL");
	if ((status = pgv__conn_usable(c, "pgv_conn_exec")) != 0)
		return status;
	return exec_direct(c, sql, "pgv_conn_exec: SQLExecDirect");
}

/* Switches autocommit; records failure under `op`. */
static int set_autocommit(pgv_conn *c, int on, const char *op)
{
	SQLRETURN rc = SQLSetConnectAttr(c->dbc, SQL_ATTR_AUTOCOMMIT,
		(SQLPOINTER)(uintptr_t)(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF), SQL_IS_UINTEGER);

	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, op);
	return 0;
}

int pgv_conn_begin(pgv_conn *c)
{
	int status;

	if (!c)
		return pgv__error_null("pgv_conn_begin", "conn");
	pgv__conn_clear(c);
	if ((status = pgv__conn_usable(c, "pgv_conn_begin")) != 0)
		return status;
	if (c->in_txn)
		return pgv__conn_fail(c, PGV_EINVAL, "pgv_conn_begin",
			"a transaction is already open on this connection");
	if ((status = set_autocommit(c, 0, "pgv_conn_begin: SQLSetConnectAttr")) != 0)
		return status;
	c->in_txn = 1;
	c->txn_failed = 0;
	return 0;
}

/*
 * Records that the connection was lost while COMMIT was in flight, keeping the driver's account:
 * the server may have committed before it went, or not, and nothing here can tell which.
 * SQLSTATE 08007 is "transaction resolution unknown".
 */
static void commit_unknown(pgv_conn *c, const char *op)
{
	prefix_line(c, PGV_ECONN, op, "the connection to the server was lost during the commit: "
		"whether the transaction was committed is unknown");
	pgv__conn_set_sqlstate(c, "08007", c->err.native);
}

/* Ends the open transaction with SQLEndTran and returns to autocommit. */
static int end_transaction(pgv_conn *c, SQLSMALLINT how, const char *op)
{
	SQLRETURN rc;
	SQLUINTEGER dead = SQL_CD_FALSE;
	int status = 0;

	rc = SQLEndTran(SQL_HANDLE_DBC, c->dbc, how);
	if (!SQL_SUCCEEDED(rc)) {
		status = pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, op);
	} else if (SQL_SUCCEEDED(SQLGetConnectAttr(c->dbc, SQL_ATTR_CONNECTION_DEAD, &dead, 0,
			NULL)) && dead == SQL_CD_TRUE) {
		/*
		 * psqlODBC answers success when the server goes away during COMMIT (measured by
		 * tests/integration/test_faults.c): never pass that on.
		 */
		c->lost = 1;
		status = pgv__conn_fail_sqlstate(c, PGV_ECONN, "08S01", 0, op,
			"the driver reported success, but the connection to the server is dead");
	}
	if (status == PGV_ECONN && how == SQL_COMMIT)
		commit_unknown(c, op);
	c->in_txn = 0;
	c->txn_failed = 0;
	if (!c->lost) {
		int st2 = set_autocommit(c, 1, op);
		if (status == 0)
			status = st2;
	}
	return status;
}

int pgv_conn_commit(pgv_conn *c)
{
	int status;

	if (!c)
		return pgv__error_null("pgv_conn_commit", "conn");
	pgv__conn_clear(c);
	/*
	 * Once the loss is known psqlODBC's SQLEndTran answers success without sending anything:
	 * never ask it.  The loss comes first, before "no transaction is open", since that is what
	 * the caller must act on.
	 */
	if (c->lost && c->in_txn) {
		c->in_txn = 0;
		c->txn_failed = 0;
		return pgv__conn_fail_sqlstate(c, PGV_ECONN, "08003", 0, "pgv_conn_commit",
			"the connection to the server was lost; the transaction was not committed");
	}
	if ((status = pgv__conn_usable(c, "pgv_conn_commit")) != 0)
		return status;
	if (!c->in_txn)
		return pgv__conn_fail(c, PGV_EINVAL, "pgv_conn_commit", "no transaction is open");
	if (c->txn_failed) {
		/* PostgreSQL would answer COMMIT with ROLLBACK: say so rather than report success. */
		status = end_transaction(c, SQL_ROLLBACK, "pgv_conn_commit: SQLEndTran");
		if (status != 0)
			return status;
		return pgv__conn_fail(c, PGV_ERROR, "pgv_conn_commit",
			"the transaction was rolled back because a statement in it failed");
	}
	return end_transaction(c, SQL_COMMIT, "pgv_conn_commit: SQLEndTran");
}

int pgv_conn_rollback(pgv_conn *c)
{
	int status;

	if (!c)
		return pgv__error_null("pgv_conn_rollback", "conn");
	pgv__conn_clear(c);
	if (c->lost && c->in_txn) {
		c->in_txn = 0;
		c->txn_failed = 0;
		return pgv__conn_fail_sqlstate(c, PGV_ECONN, "08003", 0, "pgv_conn_rollback",
			"the connection to the server was lost; the server discards the transaction");
	}
	if ((status = pgv__conn_usable(c, "pgv_conn_rollback")) != 0)
		return status;
	if (!c->in_txn)
		return pgv__conn_fail(c, PGV_EINVAL, "pgv_conn_rollback", "no transaction is open");
	return end_transaction(c, SQL_ROLLBACK, "pgv_conn_rollback: SQLEndTran");
}

int pgv_conn_in_transaction(const pgv_conn *c)
{
	return c ? c->in_txn : 0;
}

int pgv_conn_driver_name(const char **out, pgv_conn *c)
{
	const char *op = "pgv_conn_driver_name: SQLGetInfo";
	SQLSMALLINT len = 0;
	SQLRETURN rc;
	char first[256] = "";

	if (out)
		*out = "";
	if (!c)
		return pgv__error_null("pgv_conn_driver_name", "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, "pgv_conn_driver_name", "out is NULL");
	if (c->driver_name) {
		*out = c->driver_name;
		return 0;
	}
	if (!c->connected)
		return pgv__conn_fail(c, PGV_ECONN, "pgv_conn_driver_name", "the connection is not open");
	/*
	 * Asked into a buffer that holds any usual name, and again at the length reported when that
	 * was too short, so it is never cut.  A one-byte probe for the length does not work with
	 * every driver: the SQLite driver then reports length 0 and writes nothing.
	 */
	rc = SQLGetInfo(c->dbc, SQL_DRIVER_NAME, first, (SQLSMALLINT)sizeof(first), &len);
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, op);
	if (len < 0 || len > 32766)
		return pgv__conn_fail(c, PGV_ERROR, op, "the driver reported a name of %d bytes",
			(int)len);
	first[sizeof(first) - 1] = '\0';
	if ((size_t)len < sizeof(first)) {
		size_t n = strlen(first);

		if (!(c->driver_name = malloc(n + 1)))
			return pgv__conn_fail(c, PGV_ENOMEM, "pgv_conn_driver_name", "out of memory");
		memcpy(c->driver_name, first, n + 1);
		*out = c->driver_name;
		return 0;
	}
	if (!(c->driver_name = malloc((size_t)len + 1)))
		return pgv__conn_fail(c, PGV_ENOMEM, "pgv_conn_driver_name", "out of memory");
	rc = SQLGetInfo(c->dbc, SQL_DRIVER_NAME, c->driver_name, (SQLSMALLINT)(len + 1), &len);
	if (!SQL_SUCCEEDED(rc)) {
		free(c->driver_name);
		c->driver_name = NULL;
		return pgv__odbc_fail(c, SQL_HANDLE_DBC, c->dbc, rc, op);
	}
	*out = c->driver_name;
	return 0;
}
