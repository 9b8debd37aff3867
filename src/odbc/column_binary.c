/*
 * Reading a column whole as bytes (SQL_C_BINARY), and pgvector's binary form of a vector as
 * vector_send returns it: int16 dim, int16 unused (0), then dim float4, all big-endian.  The
 * column may be the bytea itself, or its hex text (encode(vector_send(v), 'hex'), as the store
 * reads it): psqlODBC decodes a bytea's hex one character at a time, which made it most of the
 * client's work per row, so a character column is read as it is and its hex decoded here.
 */
#include "odbc/stmt_internal.h"

#include <stdlib.h>
#include <string.h>

#include "pgvodbc/vector.h"

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

/* Hex digit values; 0x10 marks every byte that is not a hex digit. */
static const unsigned char hex_table[256] = {
#define X16 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, \
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10
	X16, X16, X16,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 10, 11, 12, 13, 14, 15, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, X16,
	0x10, 10, 11, 12, 13, 14, 15, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, X16,
	X16, X16, X16, X16, X16, X16, X16, X16
#undef X16
};

/*
 * Decodes hex text (optionally starting "\\x", bytea's text form) in place into bytes; returns
 * the byte count, or records PGV_EPARSE naming the column and returns -1.  Table-driven: a
 * branch on the kind of each digit would be mispredicted half the time on random bytes.
 */
static long hex_decode(pgv_stmt *st, int ncol, unsigned char *p, size_t len, const char *op)
{
	size_t at = 0, n = 0;

	if (len >= 2 && p[0] == '\\' && p[1] == 'x')
		at = 2;
	if ((len - at) % 2 != 0) {
		pgv__conn_fail(st->conn, PGV_EPARSE, op, "column %d: binary vector as hex text of %zu "
			"characters: an odd number", ncol, len - at);
		return -1;
	}
	for (size_t i = at; i < len; i += 2) {
		unsigned hi = hex_table[p[i]], lo = hex_table[p[i + 1]];

		if ((hi | lo) & 0x10) {
			/* bytes are written behind the reading position: p[i], p[i + 1] are intact */
			size_t bad = hi & 0x10 ? i : i + 1;
			pgv__conn_fail(st->conn, PGV_EPARSE, op, "column %d: binary vector as hex text: "
				"character %zu (0x%02x) is not a hex digit", ncol, bad, p[bad]);
			st->conn->err.offset = (int64_t)bad;
			return -1;
		}
		p[n++] = (unsigned char)(hi << 4 | lo);
	}
	return (long)n;
}

/* A big-endian 16-bit value. */
static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | (unsigned)p[1];
}

/* A big-endian 32-bit value. */
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * Decodes pgvector's binary form into `out` (newly allocated), checking it the way the server's
 * vector_recv does: the length is exactly 4 + 4 * dim, dim is 1..16000, the unused field is 0,
 * every value finite.  Errors are recorded on the connection as `op`, naming column `ncol`.
 */
static int decode_vector(pgv_stmt *st, int ncol, const unsigned char *p, size_t len,
	pgv_vector *out, const char *op)
{
	pgv_conn *c = st->conn;
	unsigned dim, unused;
	float *data;

	if (len < 4)
		return pgv__conn_fail(c, PGV_EPARSE, op, "column %d: binary vector of %zu bytes is "
			"shorter than its 4-byte header", ncol, len);
	dim = be16(p);
	unused = be16(p + 2);
	if (dim < 1 || dim > PGV_VECTOR_MAX_DIM)
		return pgv__conn_fail(c, PGV_EDIM, op, "column %d: binary vector has %u dimensions: "
			"a vector must have 1 to %d", ncol, dim, PGV_VECTOR_MAX_DIM);
	if (unused != 0)
		return pgv__conn_fail(c, PGV_EPARSE, op, "column %d: binary vector has %u in its "
			"unused header field, not 0", ncol, unused);
	if (len != 4 + 4 * (size_t)dim)
		return pgv__conn_fail(c, PGV_EPARSE, op, "column %d: binary vector of %zu bytes: its "
			"header's %u dimensions need %zu bytes", ncol, len, dim, 4 + 4 * (size_t)dim);
	if (!(data = malloc((size_t)dim * sizeof(*data))))
		return pgv__conn_fail(c, PGV_ENOMEM, op, "out of memory");
	for (unsigned i = 0; i < dim; i++) {
		uint32_t bits = be32(p + 4 + 4 * (size_t)i);

		if ((bits & 0x7f800000u) == 0x7f800000u) {
			free(data);
			return pgv__conn_fail(c, PGV_EVALUE, op, "column %d: binary vector: element %u "
				"is %s not allowed in vector", ncol, i, (bits & 0x007fffffu)
				? "NaN: NaN" : "infinite: infinite value");
		}
		memcpy(&data[i], &bits, sizeof(bits));
	}
	out->dim = dim;
	out->data = data;
	return 0;
}

/* Reads a column as pgvector's binary form (bytes, or their hex text) into a new vector. */
int pgv_stmt_column_vector_binary(pgv_vector *out, pgv_stmt *st, int col)
{
	const char *op = "pgv_stmt_column_vector_binary";
	stmt_column *c;
	int status;

	if (!st)
		return pgv__error_null("pgv_stmt_column_vector_binary", "stmt");
	if (out) {
		out->dim = 0;
		out->data = NULL;
	}
	if (!(c = pgv__stmt_column_at(st, col, op, &status)))
		return status;
	if (!out)
		return pgv__conn_fail(st->conn, PGV_EINVAL, op, "out is NULL");
	if (c->fetched && !c->binary && !c->is_null)
		return pgv__conn_fail(st->conn, PGV_EINVAL, op, "column %d was read as text and "
			"cannot be read again as binary", col);
	if (!c->fetched) {
		switch (column_sqltype(st, (SQLUSMALLINT)col)) {
		case SQL_BINARY: case SQL_VARBINARY: case SQL_LONGVARBINARY: case 0:
			status = pgv__stmt_column_read(st, (SQLUSMALLINT)col, SQL_C_BINARY, op);
			c->binary = 1;
			break;
		default: {
			/* hex text: read as text, decoded in place */
			long n;
			if ((status = pgv__stmt_column_read(st, (SQLUSMALLINT)col, SQL_C_CHAR, op)) != 0
					|| c->is_null)
				break;
			n = hex_decode(st, col, (unsigned char *)c->buf, c->len, op);
			c->len = n < 0 ? 0 : (size_t)n; /* after a failure: no bytes, refused again */
			c->binary = 1;
			if (n < 0)
				return PGV_EPARSE;
		}
		}
		if (status != 0)
			return status;
	}
	if (c->is_null)
		return PGV_NULL;
	return decode_vector(st, col, (const unsigned char *)c->buf, c->len, out, op);
}
