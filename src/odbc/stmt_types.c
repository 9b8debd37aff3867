/*
 * Binding and reading halfvec, sparsevec and bit string values: each travels as the text the
 * server reads and prints (the codec in src/codec/halfvec.c, sparsevec.c, bitvec.c), bound as
 * character data like a vector (stmt.c) and read whole like any column (column.c).
 */
#include "odbc/stmt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgvodbc/types.h"

/* Writes a value's text into `buf` of `cap` bytes; returns its length as the codec formatters do. */
typedef size_t (*format_fn)(const void *value, char *buf, size_t cap);

/* Records the codec's complaint about parameter `idx` on the connection. */
static int bad_value(pgv_stmt *st, int idx, const char *op)
{
	char what[32];

	snprintf(what, sizeof(what), "parameter %d", idx);
	return pgv__conn_from_codec(st->conn, op, what);
}

/*
 * Binds an already checked value as character data: sizes the parameter's own buffer, then
 * formats into it.  The old binding is replaced only when everything has succeeded.
 */
static int bind_formatted(pgv_stmt *st, stmt_param *p, const void *value, format_fn fn,
	const char *op)
{
	size_t need = fn(value, NULL, 0);
	int status;

	if (need == SIZE_MAX || need > (size_t)INT32_MAX)
		return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "value text of %zu bytes is too long",
			need);
	if ((status = pgv__stmt_param_room(st, p, need, op)) != 0)
		return status;
	fn(value, p->text, p->text_cap);
	pgv__stmt_param_bound(p, need, SQL_LONGVARCHAR); /* the empty bit string is "" */
	return 0;
}

/* A halfvec to format: the caller's floats and their count. */
typedef struct dense_floats {
	const float *data;
	size_t dim;
} dense_floats;

/* format_fn adapters over the codec. */
static size_t format_halfvec(const void *value, char *buf, size_t cap)
{
	const dense_floats *d = value;

	return pgv_halfvec_format(d->data, d->dim, buf, cap);
}

static size_t format_sparsevec(const void *value, char *buf, size_t cap)
{
	return pgv_sparsevec_format(value, buf, cap);
}

static size_t format_bits(const void *value, char *buf, size_t cap)
{
	return pgv_bitvec_format(value, buf, cap);
}

int pgv_stmt_bind_halfvec(pgv_stmt *st, int idx, const float *data, size_t dim)
{
	const char *op = "pgv_stmt_bind_halfvec";
	dense_floats d = { data, dim };
	stmt_param *p;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_bind_halfvec");
	if (!(p = pgv__stmt_bind_target(st, idx, op, &status)))
		return status;
	/* The codec's checks are the server's: 1..16000 finite values within half range. */
	if (pgv_halfvec_check(data, dim) != 0)
		return bad_value(st, idx, op);
	return bind_formatted(st, p, &d, format_halfvec, op);
}

int pgv_stmt_bind_sparsevec(pgv_stmt *st, int idx, const pgv_sparsevec *v)
{
	const char *op = "pgv_stmt_bind_sparsevec";
	stmt_param *p;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_bind_sparsevec");
	if (!(p = pgv__stmt_bind_target(st, idx, op, &status)))
		return status;
	if (pgv_sparsevec_check(v) != 0)
		return bad_value(st, idx, op);
	return bind_formatted(st, p, v, format_sparsevec, op);
}

int pgv_stmt_bind_bits(pgv_stmt *st, int idx, const pgv_bitvec *v)
{
	const char *op = "pgv_stmt_bind_bits";
	stmt_param *p;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_bind_bits");
	if (!(p = pgv__stmt_bind_target(st, idx, op, &status)))
		return status;
	if (!v || (v->dim > 0 && !v->data))
		return pgv__conn_fail(st->conn, PGV_EINVAL, op,
			"parameter %d: the bit string is NULL or has no data", idx);
	if (v->dim > PGV_BITVEC_MAX_DIM)
		return pgv__conn_fail(st->conn, PGV_EDIM, op,
			"parameter %d: bit string length %zu exceeds the maximum allowed (%d)", idx, v->dim,
			PGV_BITVEC_MAX_DIM);
	return bind_formatted(st, p, v, format_bits, op);
}

/* stmt_convert_fn adapters over the codec. */
static int parse_halfvec(const char *s, size_t len, void *out)
{
	return pgv_halfvec_parse(s, len, out);
}

static int parse_sparsevec(const char *s, size_t len, void *out)
{
	return pgv_sparsevec_parse(s, len, out);
}

static int parse_bits(const char *s, size_t len, void *out)
{
	return pgv_bitvec_parse(s, len, out);
}

int pgv_stmt_column_halfvec(pgv_vector *out, pgv_stmt *st, int col)
{
	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_column_halfvec");
	if (out) {
		out->dim = 0;
		out->data = NULL;
	}
	return pgv__stmt_column_convert(st, col, "pgv_stmt_column_halfvec", out, parse_halfvec);
}

int pgv_stmt_column_sparsevec(pgv_sparsevec *out, pgv_stmt *st, int col)
{
	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_column_sparsevec");
	if (out) {
		out->dim = out->nnz = 0;
		out->indices = NULL;
		out->values = NULL;
	}
	return pgv__stmt_column_convert(st, col, "pgv_stmt_column_sparsevec", out, parse_sparsevec);
}

int pgv_stmt_column_bits(pgv_bitvec *out, pgv_stmt *st, int col)
{
	if (!st || !st->conn)
		return pgv__stmt_refuse(st, "pgv_stmt_column_bits");
	if (out) {
		out->dim = 0;
		out->data = NULL;
	}
	return pgv__stmt_column_convert(st, col, "pgv_stmt_column_bits", out, parse_bits);
}
