/*
 * Reading a column whole as bytes (SQL_C_BINARY) and handing them to the codec, which decodes
 * pgvector's binary form of a vector (vector_send) with the server's checks, or sqlite-vec's
 * float32 form.  The column may be
 * the bytea itself, or its text: hex (encode(vector_send(v), 'hex')) through the public reader,
 * base64 (encode(vector_send(v), 'base64'), as the store reads it) through the store's.
 * psqlODBC decodes a bytea's hex one character at a time, which made it most of the client's
 * work per row, so a character column is read as it is and the codec decodes it in place; base64
 * is a third shorter than hex, and the driver's work per row grows with the bytes.
 */
#include "odbc/stmt_internal.h"
#include "odbc/stmt_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "pgvodbc/vector.h"

/* Records the codec's refusal of column `col` on the connection as `op`; returns its status. */
static int column_refused(pgv_stmt *st, int col, const char *op)
{
	char what[32]; /* "column " and an int: cannot be cut */

	snprintf(what, sizeof(what), "column %d", col);
	return pgv__conn_from_codec(st->conn, op, what);
}

/* The SQL type of column `n`, asked of the driver once per execute; 0 when unknown. */
static SQLSMALLINT column_sqltype(pgv_stmt *st, SQLUSMALLINT n)
{
	stmt_column *col = &st->cols[n - 1];
	SQLLEN type = 0;

	if (!col->described) {
		if (SQL_SUCCEEDED(SQLColAttribute(st->h, n, SQL_DESC_CONCISE_TYPE, NULL, 0, NULL,
				&type)))
			col->sqltype = (SQLSMALLINT)type;
		col->described = 1;
	}
	return col->sqltype;
}

/*
 * What both byte readers check first: a live statement, `out` (emptied), column `col` of the
 * current row, and that it was not read as text already.  The column, or NULL with *status set
 * (recorded).
 */
static stmt_column *bytes_column(pgv_vector *out, pgv_stmt *st, int col, const char *op,
	int *status)
{
	stmt_column *c;

	if (!st || !st->conn) {
		*status = pgv__stmt_refuse(st, op);
		return NULL;
	}
	if (out) {
		out->dim = 0;
		out->data = NULL;
	}
	if (!(c = pgv__stmt_column_at(st, col, op, status)))
		return NULL;
	if (!out) {
		*status = pgv__conn_fail(st->conn, PGV_EINVAL, op, "out is NULL");
		return NULL;
	}
	if (c->fetched && !c->binary && !c->is_null) {
		*status = pgv__conn_fail(st->conn, PGV_EINVAL, op, "column %d was read as text and "
			"cannot be read again as bytes", col);
		return NULL;
	}
	return c;
}

/* Decodes text in place into bytes (pgv__hex_decode, pgv__base64_decode). */
typedef int (*text_decode_fn)(size_t *out, unsigned char *p, size_t len);

/*
 * Reads a column as pgvector's binary form into a new vector: a binary column as it is, a
 * character column as text that `decode` turns into the bytes in place.
 */
static int column_send(pgv_vector *out, pgv_stmt *st, int col, const char *op,
	text_decode_fn decode)
{
	stmt_column *c;
	int status;

	if (!(c = bytes_column(out, st, col, op, &status)))
		return status;
	if (!c->fetched) {
		switch (column_sqltype(st, (SQLUSMALLINT)col)) {
		case SQL_BINARY: case SQL_VARBINARY: case SQL_LONGVARBINARY: case 0:
			status = pgv__stmt_column_read(st, (SQLUSMALLINT)col, SQL_C_BINARY, op);
			c->binary = 1;
			break;
		default: {
			/* the bytes as text, decoded in place */
			size_t n;
			if ((status = pgv__stmt_column_read(st, (SQLUSMALLINT)col, SQL_C_CHAR, op)) != 0
					|| c->is_null)
				break;
			status = decode(&n, (unsigned char *)c->buf, c->len);
			c->len = n; /* after a failure: no bytes, refused again */
			c->binary = 1;
			if (status != 0)
				return column_refused(st, col, op);
		}
		}
		if (status != 0)
			return status;
	}
	if (c->is_null)
		return PGV_NULL;
	if (pgv__vector_recv(out, (const unsigned char *)c->buf, c->len) != 0)
		return column_refused(st, col, op);
	return 0;
}

/* Reads a column as pgvector's binary form (bytes, or their hex text) into a new vector. */
int pgv_stmt_column_vector_binary(pgv_vector *out, pgv_stmt *st, int col)
{
	return column_send(out, st, col, "pgv_stmt_column_vector_binary", pgv__hex_decode);
}

/* The same, a character column being base64 text (stmt_store.h). */
int pgv__stmt_column_vector_base64(pgv_vector *out, pgv_stmt *st, int col)
{
	return column_send(out, st, col, "pgv_stmt_column_vector_binary", pgv__base64_decode);
}

/*
 * 1 when a column the SQLite driver already handed over as text (pgv_stmt_column_is_null, or an
 * earlier column of a driver that reads in order) holds a blob's SQL literal, X'0000803F...'
 * (measured): its hex digits are then c->buf[2 .. c->len - 1).
 */
static int blob_literal(const stmt_column *c)
{
	return c->len >= 3 && (c->buf[0] == 'X' || c->buf[0] == 'x') && c->buf[1] == '\''
		&& c->buf[c->len - 1] == '\'';
}

/* Refuses to read as bytes a column already read as text that holds no blob literal. */
static int not_bytes(pgv_stmt *st, int col, const char *op)
{
	return pgv__conn_fail(st->conn, PGV_EINVAL, op, "column %d was read as text and cannot be "
		"read again as bytes", col);
}

/* A blob literal (blob_literal) as sqlite-vec's float32 form, from a copy: the text stays. */
static int f32_from_literal(pgv_vector *out, pgv_stmt *st, const stmt_column *c, int col,
	const char *op)
{
	unsigned char *bytes;
	size_t n = 0;
	int status;

	if (!blob_literal(c))
		return not_bytes(st, col, op);
	if (!(bytes = malloc(c->len - 3 + 1)))
		return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "out of memory");
	memcpy(bytes, c->buf + 2, c->len - 3);
	status = pgv__hex_decode(&n, bytes, c->len - 3) != 0
		|| pgv__vector_f32_decode(out, bytes, n) != 0 ? column_refused(st, col, op) : 0;
	free(bytes);
	return status;
}

/*
 * Reads a column as sqlite-vec's float32 form into a new vector.  Always as bytes: the SQLite
 * driver describes every column of an undeclared or unknown type as SQL_CHAR, yet hands a blob
 * over whole as SQL_C_BINARY.
 */
int pgv_stmt_column_vector_f32(pgv_vector *out, pgv_stmt *st, int col)
{
	const char *op = "pgv_stmt_column_vector_f32";
	stmt_column *c;
	int status;

	if (st && st->conn && out && col >= 1 && col <= st->ncols && st->on_row
			&& st->cols[col - 1].fetched && !st->cols[col - 1].binary
			&& !st->cols[col - 1].is_null) {
		out->dim = 0;
		out->data = NULL;
		pgv__conn_clear(st->conn);
		return f32_from_literal(out, st, &st->cols[col - 1], col, op);
	}
	if (!(c = bytes_column(out, st, col, op, &status)))
		return status;
	if (!c->fetched) {
		if ((status = pgv__stmt_column_read(st, (SQLUSMALLINT)col, SQL_C_BINARY, op)) != 0)
			return status;
		c->binary = 1;
	}
	if (c->is_null)
		return PGV_NULL;
	if (pgv__vector_f32_decode(out, (const unsigned char *)c->buf, c->len) != 0)
		return column_refused(st, col, op);
	return 0;
}

/*
 * Reads a column as bytes (a bit vector's blob on SQLite).  A column the driver already handed
 * over as text holds the blob's literal X'..': its hex is decoded in place and the column is
 * bytes from then on.
 */
int pgv__stmt_column_bytes(const unsigned char **out, size_t *len, pgv_stmt *st, int col)
{
	const char *op = "pgv_stmt_column_bytes";
	stmt_column *c;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, op);
	if (!out || !len)
		return pgv__conn_fail(st->conn, PGV_EINVAL, op, "out and len must not be NULL");
	*out = NULL;
	*len = 0;
	if (!(c = pgv__stmt_column_at(st, col, op, &status)))
		return status;
	if (!c->fetched) {
		if ((status = pgv__stmt_column_read(st, (SQLUSMALLINT)col, SQL_C_BINARY, op)) != 0)
			return status;
		c->binary = 1;
	} else if (!c->binary && !c->is_null) {
		size_t n = 0;

		if (!blob_literal(c) || pgv__hex_decode(&n, (unsigned char *)c->buf + 2, c->len - 3) != 0)
			return not_bytes(st, col, op);
		memmove(c->buf, c->buf + 2, n);
		c->buf[n] = '\0';
		c->len = n;
		c->binary = 1;
	}
	if (c->is_null)
		return PGV_NULL;
	*out = (const unsigned char *)c->buf;
	*len = c->len;
	return 0;
}
