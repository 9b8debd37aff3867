/* Turning ODBC diagnostics and library-detected failures into the connection's last error. */
#include "odbc/odbc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ensures the message buffer holds at least `need` bytes; 0 or -1 when memory ran out. */
static int msg_reserve(pgv_conn *c, size_t need)
{
	char *p;
	size_t cap;

	if (need <= c->msg_cap)
		return 0;
	cap = c->msg_cap ? c->msg_cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	p = realloc(c->msg, cap);
	if (!p)
		return -1;
	c->msg = p;
	c->msg_cap = cap;
	return 0;
}

/* Points the error's strings at the connection's buffers (or at constants when none). */
static void err_link(pgv_conn *c)
{
	c->err.message = c->msg ? c->msg : "";
	c->err.operation = c->op;
}

/* Copies `op` into the operation field, bounded. */
static void set_op(pgv_conn *c, const char *op)
{
	snprintf(c->op, sizeof(c->op), "%s", op ? op : "");
}

void pgv__conn_clear(pgv_conn *c)
{
	c->err.status = PGV_OK;
	c->err.sqlstate[0] = '\0';
	c->err.native = 0;
	c->err.row = -1;
	c->err.offset = -1;
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

/* Maps an SQLSTATE to the status a caller branches on. */
static int status_of(const char *state)
{
	if (strncmp(state, "08", 2) == 0)
		return PGV_ECONN;
	if (strncmp(state, "23", 2) == 0)
		return PGV_ECONSTRAINT;
	if (strcmp(state, "HY001") == 0)
		return PGV_ENOMEM;
	return PGV_ERROR;
}

/* Appends one diagnostic record's message to the message buffer, one record a line. */
static void append_record(pgv_conn *c, size_t *len, const char *text, size_t n)
{
	size_t sep = *len ? 1 : 0;

	if (msg_reserve(c, *len + sep + n + 1) != 0)
		return;
	if (sep)
		c->msg[(*len)++] = '\n';
	memcpy(c->msg + *len, text, n);
	*len += n;
	c->msg[*len] = '\0';
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
		char fallback[96];
		snprintf(fallback, sizeof(fallback), "%s failed (%s) without a diagnostic record",
			op ? op : "ODBC call",
			rc == SQL_INVALID_HANDLE ? "invalid handle" : "error");
		append_record(c, &len, fallback, strlen(fallback));
	}
	if (rc == SQL_INVALID_HANDLE)
		status = PGV_EINVAL;
	else if (c->err.sqlstate[0])
		status = status_of(c->err.sqlstate);
	if (status == PGV_ERROR && c->connected && c->dbc) {
		/* Some drivers report a dropped connection without class 08: ask. */
		SQLUINTEGER dead = SQL_CD_FALSE;
		if (SQL_SUCCEEDED(SQLGetConnectAttr(c->dbc, SQL_ATTR_CONNECTION_DEAD, &dead, 0, NULL))
				&& dead == SQL_CD_TRUE) {
			/*
			 * E.g. psqlODBC's "internal SAVEPOINT failed" (HY000) when the server dies as a
			 * statement starts: say what happened, with a class 08 SQLSTATE callers check.
			 */
			char why[96];
			snprintf(why, sizeof(why), "the connection to the server was lost (the driver "
				"reported SQLSTATE %s)", c->err.sqlstate[0] ? c->err.sqlstate : "none");
			append_record(c, &len, why, strlen(why));
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
