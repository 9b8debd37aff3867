/* Turning ODBC diagnostics and library-detected failures into the connection's last error. */
#include "odbc/odbc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ensures *buf holds at least `need` bytes, growing it by doubling; 0, or -1 out of memory. */
static int reserve(char **buf, size_t *cap, size_t need)
{
	char *p;
	size_t n;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap : 256;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -1;
		n *= 2;
	}
	p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

/* Ensures the message buffer holds at least `need` bytes; 0 or -1 when memory ran out. */
static int msg_reserve(pgv_conn *c, size_t need)
{
	return reserve(&c->msg, &c->msg_cap, need);
}

/* Points the error's strings at the connection's buffers (or at constants when none). */
static void err_link(pgv_conn *c)
{
	c->err.message = c->msg ? c->msg : "";
	c->err.operation = c->op ? c->op : "";
}

/* Copies `op` into the operation buffer, whole; "" when memory ran out. */
static void set_op(pgv_conn *c, const char *op)
{
	size_t n = op ? strlen(op) : 0;

	if (reserve(&c->op, &c->op_cap, n + 1) != 0) {
		if (c->op)
			c->op[0] = '\0';
		return;
	}
	memcpy(c->op, op ? op : "", n);
	c->op[n] = '\0';
}

void pgv__conn_clear(pgv_conn *c)
{
	c->err.status = PGV_OK;
	c->err.sqlstate[0] = '\0';
	c->err.native = 0;
	c->err.row = -1;
	c->err.offset = -1;
	if (c->op)
		c->op[0] = '\0';
	if (c->msg)
		c->msg[0] = '\0';
	err_link(c);
}

/* Stores formatted text as the message; on allocation failure keeps a fixed text. */
static void set_message(pgv_conn *c, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || msg_reserve(c, (size_t)n + 1) != 0) {
		if (c->msg && c->msg_cap > 0)
			snprintf(c->msg, c->msg_cap, "out of memory while recording an error");
		return;
	}
	vsnprintf(c->msg, c->msg_cap, fmt, ap);
}

/* Records a failure with its SQLSTATE (maybe "") and native code; what both fail helpers share. */
static int fail_v(pgv_conn *c, int status, const char *sqlstate, long native, const char *op,
	const char *fmt, va_list ap)
{
	c->err.status = status;
	snprintf(c->err.sqlstate, sizeof(c->err.sqlstate), "%.5s", sqlstate ? sqlstate : "");
	c->err.native = native;
	c->err.row = -1;
	c->err.offset = -1;
	set_op(c, op);
	set_message(c, fmt, ap);
	err_link(c);
	return status;
}

int pgv__conn_fail(pgv_conn *c, int status, const char *op, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(c, status, "", 0, op, fmt, ap);
	va_end(ap);
	return status;
}

int pgv__conn_fail_sqlstate(pgv_conn *c, int status, const char *sqlstate, long native,
	const char *op, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(c, status, sqlstate, native, op, fmt, ap);
	va_end(ap);
	return status;
}

/* SQLite's result code SQLITE_CONSTRAINT (sqlite3.h), the SQLite driver's native error code. */
#define SQLITE_CONSTRAINT_CODE 19

/* Maps an SQLSTATE to the status a caller branches on. */
static int status_of(const char *state)
{
	if (strncmp(state, "08", 2) == 0)
		return PGV_ECONN;
	if (strncmp(state, "23", 2) == 0)
		return PGV_ECONSTRAINT;
	if (strcmp(state, "HY001") == 0)
		return PGV_ENOMEM;
	if (strcmp(state, "HYT00") == 0)
		return PGV_ETIMEOUT;
	return PGV_ERROR;
}

/* Appends one diagnostic record's message to the message buffer, one record a line; 0 or -1. */
static int append_record(pgv_conn *c, size_t *len, const char *text, size_t n)
{
	size_t sep = *len ? 1 : 0;

	if (msg_reserve(c, *len + sep + n + 1) != 0)
		return -1;
	if (sep)
		c->msg[(*len)++] = '\n';
	memcpy(c->msg + *len, text, n);
	*len += n;
	c->msg[*len] = '\0';
	return 0;
}

/* Appends text to the last record of the message buffer (no new line). */
static void append_text(pgv_conn *c, size_t *len, const char *text)
{
	size_t n = strlen(text);

	if (msg_reserve(c, *len + n + 1) != 0)
		return;
	memcpy(c->msg + *len, text, n + 1);
	*len += n;
}

int pgv__odbc_fail(pgv_conn *c, SQLSMALLINT type, SQLHANDLE h, SQLRETURN rc, const char *op)
{
	SQLCHAR state[6], small[512];
	SQLCHAR *text = small;
	SQLINTEGER native;
	SQLSMALLINT n, textlen;
	size_t len = 0;
	int status = PGV_ERROR;

	c->err.sqlstate[0] = '\0';
	c->err.native = 0;
	c->err.row = -1;
	c->err.offset = -1;
	set_op(c, op);
	if (msg_reserve(c, 1) == 0)
		c->msg[0] = '\0';

	/* Read every record now, before any other ODBC call can replace them. */
	for (n = 1;; n++) {
		SQLRETURN dr = SQLGetDiagRec(type, h, n, state, &native, text, sizeof(small), &textlen);
		if (dr == SQL_SUCCESS_WITH_INFO && textlen >= (SQLSMALLINT)sizeof(small)) {
			/* The message is longer than the small buffer: read it again whole. */
			SQLCHAR *big = malloc((size_t)textlen + 1);
			if (big && SQL_SUCCEEDED(SQLGetDiagRec(type, h, n, state, &native, big,
					(SQLSMALLINT)(textlen + 1), &textlen))) {
				append_record(c, &len, (const char *)big, strlen((const char *)big));
			} else {
				append_record(c, &len, (const char *)small, strlen((const char *)small));
			}
			free(big);
		} else if (SQL_SUCCEEDED(dr)) {
			append_record(c, &len, (const char *)small, strlen((const char *)small));
		} else {
			break;
		}
		if (n == 1) {
			memcpy(c->err.sqlstate, state, 5);
			c->err.sqlstate[5] = '\0';
			c->err.native = (long)native;
		}
	}
	if (len == 0) {
		const char *name = op ? op : "ODBC call";
		const char *why = rc == SQL_INVALID_HANDLE ? " failed (invalid handle) without a "
			"diagnostic record" : " failed (error) without a diagnostic record";

		if (append_record(c, &len, name, strlen(name)) == 0)
			append_text(c, &len, why);
	}
	if (rc == SQL_INVALID_HANDLE)
		status = PGV_EINVAL;
	else if (c->err.sqlstate[0])
		status = status_of(c->err.sqlstate);
	if (status == PGV_ERROR && c->backend == PGV_BACKEND_SQLITE
			&& c->err.native == SQLITE_CONSTRAINT_CODE) {
		/*
		 * The SQLite driver reports every failure as HY000 (S1000), with SQLite's result code
		 * as the native code: a constraint (unique, primary key, NOT NULL, CHECK) gets the
		 * class 23 SQLSTATE callers branch on, as PostgreSQL's do.
		 */
		memcpy(c->err.sqlstate, "23000", 6);
		status = PGV_ECONSTRAINT;
	}
	if (status == PGV_ERROR && c->timeout > 0 && strcmp(c->err.sqlstate, "57014") == 0
			&& !pgv__conn_cancel_sent(c))
		/* psqlODBC runs the query timeout as the server's statement_timeout, which cancels
		 * with 57014 like pgv_conn_cancel does: a cancel nobody sent here is the timeout */
		status = PGV_ETIMEOUT;
	if (status == PGV_ERROR && c->connected && c->dbc) {
		/* Some drivers report a dropped connection without class 08: ask. */
		SQLUINTEGER dead = SQL_CD_FALSE;
		if (SQL_SUCCEEDED(SQLGetConnectAttr(c->dbc, SQL_ATTR_CONNECTION_DEAD, &dead, 0, NULL))
				&& dead == SQL_CD_TRUE) {
			/*
			 * E.g. psqlODBC's "internal SAVEPOINT failed" (HY000) when the server dies as a
			 * statement starts: say what happened, with a class 08 SQLSTATE callers check.
			 */
			const char *why = "the connection to the server was lost (the driver reported "
				"SQLSTATE ";

			if (append_record(c, &len, why, strlen(why)) == 0) {
				append_text(c, &len, c->err.sqlstate[0] ? c->err.sqlstate : "none");
				append_text(c, &len, ")");
			}
			memcpy(c->err.sqlstate, "08S01", 6);
			status = PGV_ECONN;
		}
	}
	if (status == PGV_ECONN && c->connected)
		c->lost = 1;
	if (c->in_txn)
		c->txn_failed = 1;
	c->err.status = status;
	err_link(c);
	return status;
}

int pgv__conn_from_codec(pgv_conn *c, const char *op, const char *what)
{
	const pgv_error *e = pgv_error_last();
	int status = e->status < 0 ? e->status : PGV_ERROR;
	int64_t offset = e->offset;

	pgv__conn_fail(c, status, op, "%s: %s", what, e->message);
	c->err.offset = offset;
	return status;
}

int pgv__conn_usable(pgv_conn *c, const char *op)
{
	/* 08003, "connection does not exist": a caller that checks the class sees the loss. */
	if (!c->connected)
		return pgv__conn_fail_sqlstate(c, PGV_ECONN, "08003", 0, op,
			"the connection is not open");
	if (c->lost)
		return pgv__conn_fail_sqlstate(c, PGV_ECONN, "08003", 0, op,
			"the connection to the server was lost; open a new connection");
	return 0;
}

void pgv__odbc_first_state(SQLSMALLINT type, SQLHANDLE h, char state[6])
{
	SQLINTEGER native;
	SQLSMALLINT textlen;
	SQLCHAR text[8];

	state[0] = '\0';
	if (!SQL_SUCCEEDED(SQLGetDiagRec(type, h, 1, (SQLCHAR *)state, &native, text,
			sizeof(text), &textlen)))
		state[0] = '\0';
	state[5] = '\0';
}

void pgv__conn_set_row(pgv_conn *c, int64_t row)
{
	c->err.row = row;
}

void pgv__conn_set_sqlstate(pgv_conn *c, const char *sqlstate, long native)
{
	snprintf(c->err.sqlstate, sizeof(c->err.sqlstate), "%.5s", sqlstate ? sqlstate : "");
	c->err.native = native;
}

/*
 * Puts `op` in front of the operation ("op: <operation>"), unless the operation is empty (it
 * becomes `op`) or already starts with `op`.  Out of memory, the failed call's name stays.
 */
static void prefix_op(pgv_conn *c, const char *op)
{
	const char *old = c->op ? c->op : "";
	size_t n, o;
	char *p;

	if (!op || !op[0])
		return;
	n = strlen(op);
	o = strlen(old);
	if (o == 0) {
		set_op(c, op);
		return;
	}
	if (strncmp(old, op, n) == 0 && (old[n] == '\0' || (old[n] == ':' && old[n + 1] == ' ')))
		return;
	if (o > SIZE_MAX - n - 3 || !(p = malloc(n + 2 + o + 1)))
		return;
	memcpy(p, op, n);
	memcpy(p + n, ": ", 2);
	memcpy(p + n + 2, old, o + 1);
	free(c->op);
	c->op = p;
	c->op_cap = n + 2 + o + 1;
}

int pgv__conn_vprefix(pgv_conn *c, int status, const char *op, const char *sep,
	const char *fmt, va_list ap)
{
	const char *old = c->msg ? c->msg : "";
	size_t o = strlen(old), sl = strlen(sep), need;
	va_list ap2;
	char *m;
	int n;

	c->err.status = status;
	prefix_op(c, op);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	/*
	 * The new text goes into a new allocation, measured first, so arguments that point into the
	 * old message stay valid while it is written; when memory runs out the cause stays whole and
	 * only the context is lost.
	 */
	if (n < 0 || (size_t)n > SIZE_MAX - 1 - sl - o) {
		err_link(c);
		return status;
	}
	need = (size_t)n + (o ? sl + o : 0) + 1;
	if (!(m = malloc(need))) {
		err_link(c);
		return status;
	}
	vsnprintf(m, (size_t)n + 1, fmt, ap);
	if (o) {
		memcpy(m + n, sep, sl);
		memcpy(m + n + sl, old, o + 1);
	}
	free(c->msg);
	c->msg = m;
	c->msg_cap = need;
	err_link(c);
	return status;
}

int pgv__conn_prefix(pgv_conn *c, int status, const char *op, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pgv__conn_vprefix(c, status, op, ": ", fmt, ap);
	va_end(ap);
	return status;
}

void pgv__conn_save(pgv_conn *c, pgv__conn_saved *s)
{
	s->err = c->err;
	s->msg = c->msg;
	s->msg_cap = c->msg_cap;
	s->op = c->op;
	s->op_cap = c->op_cap;
	c->msg = c->op = NULL;
	c->msg_cap = c->op_cap = 0;
	pgv__conn_clear(c);
}

int pgv__conn_restore(pgv_conn *c, pgv__conn_saved *s, int status)
{
	free(c->msg);
	free(c->op);
	c->err = s->err;
	c->err.status = status;
	c->msg = s->msg;
	c->msg_cap = s->msg_cap;
	c->op = s->op;
	c->op_cap = s->op_cap;
	s->msg = s->op = NULL;
	err_link(c);
	return status;
}

void pgv__conn_saved_free(pgv__conn_saved *s)
{
	free(s->msg);
	free(s->op);
	s->msg = s->op = NULL;
}
