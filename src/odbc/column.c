/* Reading the current row: each column read whole as text on first access, then converted. */
#include "odbc/stmt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/vector.h"

/* First buffer for a column; most scalar values fit, vectors grow it. */
#define COLUMN_INITIAL_CAP 256

int pgv__stmt_columns_prepare(pgv_stmt *st)
{
	stmt_column *cols;

	pgv__stmt_columns_free(st);
	if (st->ncols <= 0)
		return 0;
	cols = calloc((size_t)st->ncols, sizeof(*cols));
	if (!cols)
		return pgv__conn_fail(st->conn, PGV_ENOMEM, "pgv_stmt_step", "out of memory");
	st->cols = cols;
	return 0;
}

void pgv__stmt_columns_reset(pgv_stmt *st)
{
	SQLSMALLINT i;

	if (!st->cols)
		return;
	for (i = 0; i < st->ncols; i++) {
		st->cols[i].fetched = 0;
		st->cols[i].is_null = 0;
		st->cols[i].binary = 0;
		st->cols[i].len = 0;
	}
}

void pgv__stmt_columns_free(pgv_stmt *st)
{
	SQLSMALLINT i;

	if (!st->cols)
		return;
	for (i = 0; i < st->ncols; i++) {
		free(st->cols[i].buf);
		free(st->cols[i].name);
		free(st->cols[i].type_name);
	}
	free(st->cols);
	st->cols = NULL;
}

/* Grows a column buffer to at least `need` bytes; 0 or -1. */
int pgv__stmt_column_reserve(stmt_column *col, size_t need)
{
	size_t cap = col->cap ? col->cap : COLUMN_INITIAL_CAP;
	char *p;

	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	if (cap == col->cap)
		return 0;
	p = realloc(col->buf, cap);
	if (!p)
		return -1;
	col->buf = p;
	col->cap = cap;
	return 0;
}

/*
 * Reads column `n` (1-based) of the current row whole with piecewise SQLGetData as `ctype`
 * (SQL_C_CHAR or SQL_C_BINARY): while the indicator says more remained than fitted (or
 * SQL_NO_TOTAL) the buffer grows and reading continues where it stopped.  The described column size is never trusted (psqlODBC
 * describes vector(1536) as 1532 characters).  Character pieces end in a NUL the driver writes;
 * binary pieces fill their room, so one byte is kept free to NUL-terminate the buffer all the same.
 */
int pgv__stmt_column_read(pgv_stmt *st, SQLUSMALLINT n, SQLSMALLINT ctype, const char *op)
{
	stmt_column *col = &st->cols[n - 1];
	size_t nul = ctype == SQL_C_CHAR ? 1 : 0, len = 0;

	if (pgv__stmt_column_reserve(col, COLUMN_INITIAL_CAP) != 0)
		return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "out of memory");
	for (;;) {
		SQLLEN ind = 0;
		size_t room = col->cap - len - (1 - nul), got;
		SQLLEN room_arg = room > (size_t)INT32_MAX ? (SQLLEN)INT32_MAX : (SQLLEN)room;
		SQLRETURN rc = SQLGetData(st->h, n, ctype, col->buf + len, room_arg, &ind);

		if (rc == SQL_NO_DATA) {
			/* Every piece has been read (the previous call ended exactly at the end). */
			break;
		}
		if (!SQL_SUCCEEDED(rc))
			return pgv__odbc_fail(st->conn, SQL_HANDLE_STMT, st->h, rc, op);
		if (ind == SQL_NULL_DATA) {
			col->is_null = 1;
			len = 0;
			break;
		}
		/*
		 * Truncated when more remained than fitted, or the driver cannot tell how much
		 * remained: decided by the indicator, not by the diagnostics (a driver may post
		 * another warning before its 01004).
		 */
		if (ind == SQL_NO_TOTAL || (ind > 0 && (size_t)ind > (size_t)room_arg - nul)) {
			size_t need;
			/* This piece filled the room (but for the NUL of a character piece). */
			got = (size_t)room_arg - nul;
			len += got;
			/* ind, when known, is what remained before this piece. */
			need = ind != SQL_NO_TOTAL ? len + ((size_t)ind - got) + 1 : col->cap * 2;
			if (need <= col->cap)
				need = col->cap + 1;
			if (pgv__stmt_column_reserve(col, need) != 0)
				return pgv__conn_fail(st->conn, PGV_ENOMEM, op,
					"out of memory reading column %u", (unsigned)n);
			continue;
		}
		if (ind < 0)
			return pgv__conn_fail(st->conn, PGV_ERROR, op,
				"the driver gave no length for column %u", (unsigned)n);
		got = (size_t)room_arg - nul;
		len += (size_t)ind < got ? (size_t)ind : got;
		break;
	}
	col->buf[len] = '\0';
	col->len = len;
	col->fetched = 1;
	return 0;
}

/* Checks the row and the index, and reads the columns before `col`. */
stmt_column *pgv__stmt_column_at(pgv_stmt *st, int col, const char *op, int *status)
{
	pgv_conn *c = st->conn;

	pgv__conn_clear(c);
	*status = 0;
	if (!st->on_row) {
		*status = pgv__conn_fail(c, PGV_EINVAL, op, "no current row: pgv_stmt_step first");
		return NULL;
	}
	if (col < 1 || col > st->ncols) {
		*status = pgv__conn_fail(c, PGV_EINVAL, op, "column %d is out of range: the result has %d",
			col, (int)st->ncols);
		return NULL;
	}
	/*
	 * Where the driver reads in column order only, the columns before are read now, as text;
	 * where it reads in any order (SQLite's) they are left to be read in the form asked for.
	 */
	for (int k = 1; !c->any_order && k < col; k++) {
		if (st->cols[k - 1].fetched)
			continue;
		if ((*status = pgv__stmt_column_read(st, (SQLUSMALLINT)k, SQL_C_CHAR, op)) != 0)
			return NULL;
	}
	return &st->cols[col - 1];
}

/* Makes column `col` of the current row available as text; returns it or NULL (recorded). */
static stmt_column *column_get(pgv_stmt *st, int col, const char *op, int *status)
{
	stmt_column *c = pgv__stmt_column_at(st, col, op, status);

	if (c && !c->fetched && (*status = pgv__stmt_column_read(st, (SQLUSMALLINT)col, SQL_C_CHAR, op)) != 0)
		return NULL;
	return c;
}

/* Refuses text access to a column already read as bytes (a column is read only once). */
static int column_not_binary(pgv_stmt *st, const stmt_column *c, int col, const char *op)
{
	if (c->binary && !c->is_null)
		return pgv__conn_fail(st->conn, PGV_EINVAL, op, "column %d was read as binary "
			"(pgv_stmt_column_vector_binary) and cannot be read again as text", col);
	return 0;
}

int pgv_stmt_column_is_null(pgv_stmt *st, int col)
{
	stmt_column *c;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_column_is_null");
	if (!(c = column_get(st, col, "pgv_stmt_column_is_null", &status)))
		return status;
	return c->is_null;
}

int pgv_stmt_column_text(const char **out, size_t *len, pgv_stmt *st, int col)
{
	stmt_column *c;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_column_text");
	if (out)
		*out = "";
	if (len)
		*len = 0;
	if (!(c = column_get(st, col, "pgv_stmt_column_text", &status)))
		return status;
	if ((status = column_not_binary(st, c, col, "pgv_stmt_column_text")) != 0)
		return status;
	if (!out)
		return pgv__conn_fail(st->conn, PGV_EINVAL, "pgv_stmt_column_text", "out is NULL");
	if (c->is_null)
		return PGV_NULL;
	*out = c->buf;
	if (len)
		*len = c->len;
	return 0;
}

/* Reads column `col` and converts it with `fn` into `out` (already zeroed by the caller). */
int pgv__stmt_column_convert(pgv_stmt *st, int col, const char *op, void *out,
	stmt_convert_fn fn)
{
	stmt_column *c;
	int status;
	char what[32];

	if (!(c = column_get(st, col, op, &status)))
		return status;
	if ((status = column_not_binary(st, c, col, op)) != 0)
		return status;
	if (!out)
		return pgv__conn_fail(st->conn, PGV_EINVAL, op, "out is NULL");
	if (c->is_null)
		return PGV_NULL;
	if (fn(c->buf, c->len, out) != 0) {
		snprintf(what, sizeof(what), "column %d", col);
		return pgv__conn_from_codec(st->conn, op, what);
	}
	return 0;
}

/* stmt_convert_fn adapters over the codec. */
static int convert_vector(const char *s, size_t len, void *out)
{
	return pgv_vector_parse(s, len, out);
}

static int convert_int64(const char *s, size_t len, void *out)
{
	return pgv__parse_int64(s, len, out);
}

static int convert_double(const char *s, size_t len, void *out)
{
	return pgv__parse_double(s, len, out);
}

int pgv_stmt_column_vector(pgv_vector *out, pgv_stmt *st, int col)
{
	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_column_vector");
	if (out) {
		out->dim = 0;
		out->data = NULL;
	}
	return pgv__stmt_column_convert(st, col, "pgv_stmt_column_vector", out, convert_vector);
}

int pgv_stmt_column_int64(int64_t *out, pgv_stmt *st, int col)
{
	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_column_int64");
	if (out)
		*out = 0;
	return pgv__stmt_column_convert(st, col, "pgv_stmt_column_int64", out, convert_int64);
}

int pgv_stmt_column_double(double *out, pgv_stmt *st, int col)
{
	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_column_double");
	if (out)
		*out = 0;
	return pgv__stmt_column_convert(st, col, "pgv_stmt_column_double", out, convert_double);
}
