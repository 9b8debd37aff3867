/*
 * The values of each column type the store handles (vector, halfvec, sparsevec, bit), all held
 * as floats: the check a row passes before it is sent, its text in a statement, and the reading
 * of a column back into floats.  The grammar of each type is the codec's (pgvodbc/vector.h,
 * pgvodbc/types.h); this file only picks, per type, which codec function applies.
 */
#include "codec/codec.h"
#include "store/store.h"
#include "odbc/stmt_store.h"
#include "pgvodbc/types.h"

#include <stdlib.h>
#include <string.h>

/*
 * A bit value as floats: 1..PGV_BITVEC_MAX_DIM of them, each 0 (or -0) or 1.  An empty bit
 * string is valid varbit, but no bit(n) column holds one and it has no distance to anything.
 */
static int check_bits(const float *data, size_t dim)
{
	char num[PGV_FLOAT_TEXT_MAX];

	if (!data)
		return pgv__error_set(PGV_EINVAL, -1, "the bit values are NULL");
	if (dim == 0)
		return pgv__error_set(PGV_EDIM, -1, "a bit string needs at least 1 bit");
	if (dim > PGV_BITVEC_MAX_DIM)
		return pgv__error_set(PGV_EDIM, -1, "bit string length %zu exceeds the maximum allowed "
			"(%d)", dim, PGV_BITVEC_MAX_DIM);
	for (size_t i = 0; i < dim; i++) {
		if (data[i] == 0.0f || data[i] == 1.0f)
			continue;
		pgv_float_format(data[i], num, sizeof(num));
		return pgv__error_set(PGV_EVALUE, -1, "element %zu is %s: a bit must be 0 or 1", i, num);
	}
	return 0;
}

/* Checks a value as the server checks the column type's input. */
int pgv__value_check(pgv_type type, const float *data, size_t dim)
{
	pgv__error_clear();
	switch (type) {
	case PGV_TYPE_VECTOR: return pgv_vector_check(data, dim);
	case PGV_TYPE_HALFVEC: return pgv_halfvec_check(data, dim);
	case PGV_TYPE_SPARSEVEC:
		/* rows come back through vector (sparsevec::float4[] does not exist) */
		if (data && dim > PGV_VECTOR_MAX_DIM)
			return pgv__error_set(PGV_EDIM, -1, "%zu dimensions: the store reads sparsevec "
				"rows back as vector, which allows at most %d", dim, PGV_VECTOR_MAX_DIM);
		return pgv_sparsevec_check_dense(data, dim);
	case PGV_TYPE_BIT: return check_bits(data, dim);
	}
	return pgv__error_set(PGV_EINVAL, -1, "unknown column type %d", (int)type);
}

/*
 * The most bytes a value's text can take (with its NUL): a float is at most
 * PGV_FLOAT_TEXT_MAX - 1 bytes and a comma; a sparse element adds a 1-based index of at most 10
 * digits and a colon, and the text "/dim" at most 11 more.
 */
static size_t text_max(pgv_type type, size_t dim)
{
	if (type == PGV_TYPE_BIT)
		return dim + 1;
	if (type == PGV_TYPE_SPARSEVEC)
		return dim * (PGV_FLOAT_TEXT_MAX + 11) + 16;
	return dim * PGV_FLOAT_TEXT_MAX + 3;
}

/*
 * Appends a value's text.  Vectors and halfvecs are written as vector text: the server rounds
 * each float to half precision itself, exactly as it would round the text of that half.  With
 * `hex` their elements are exact hexadecimal floats, which the server reads to the same bits as
 * the shortest decimal text and which cost a fifth as much to write (docs/performance.md).
 */
static void add_text(pgv__buf *b, pgv_type type, const float *data, size_t dim, int hex)
{
	size_t need = text_max(type, dim);

	if (pgv__buf_reserve(b, need) != 0)
		return;
	switch (type) {
	case PGV_TYPE_SPARSEVEC:
		b->len += pgv_sparsevec_format_dense(data, dim, b->s + b->len, b->cap - b->len);
		break;
	case PGV_TYPE_BIT:
		for (size_t i = 0; i < dim; i++)
			b->s[b->len++] = data[i] == 1.0f ? '1' : '0';
		b->s[b->len] = '\0';
		break;
	default:
		b->len += hex ? pgv__vector_format_hex(data, dim, b->s + b->len)
			: pgv_vector_format(data, dim, b->s + b->len, b->cap - b->len);
		break;
	}
}

/* Whether the table's values travel as bytes: bits on a backend that takes them as blobs. */
int pgv__store_value_blob(const pgv__store_table *t)
{
	return t->type == PGV_TYPE_BIT && t->dialect->bits_blob;
}

/* Checks a value of the table's type, with the limits of its backend. */
int pgv__store_value_check(const pgv__store_table *t, const float *data, size_t dim)
{
	int status = pgv__value_check(t->type, data, dim);

	if (status == 0 && pgv__store_value_blob(t) && dim % 8 != 0)
		return pgv__error_set(PGV_EUNSUPPORTED, -1, "a bit vector of %zu bits is not supported "
			"on %s (sqlite-vec stores whole bytes: use a multiple of 8 bits)", dim,
			t->dialect->name);
	return status;
}

/* Appends a value as its backend takes it: whole bytes (bits on SQLite), else its text. */
void pgv__store_add_value(pgv__buf *b, const pgv__store_table *t, const float *data, size_t dim)
{
	if (!pgv__store_value_blob(t)) {
		add_text(b, t->type, data, dim, t->dialect->hex_floats
			&& (t->type == PGV_TYPE_VECTOR || t->type == PGV_TYPE_HALFVEC));
		return;
	}
	if (pgv__buf_reserve(b, dim / 8 + 1) != 0)
		return;
	for (size_t i = 0; i + 8 <= dim; i += 8) {
		unsigned char byte = 0;

		for (size_t k = 0; k < 8; k++)
			byte = (unsigned char)(byte << 1 | (data[i + k] == 1.0f));
		b->s[b->len++] = (char)byte;
	}
	b->s[b->len] = '\0';
}

/* Binds a value pgv__store_add_value wrote. */
int pgv__store_bind_value(pgv_stmt *st, int idx, int blob, const char *s, size_t len, int ref)
{
	if (blob)
		return ref ? pgv__stmt_bind_blob_ref(st, idx, s, len) : pgv__stmt_bind_blob(st, idx, s,
			len);
	return ref ? pgv__stmt_bind_text_ref(st, idx, s, len) : pgv_stmt_bind_text(st, idx, s, len);
}

/* Reads a bit column's text ('0101') into 0/1 floats. */
static int read_bits(pgv_conn *c, pgv_stmt *st, int col, pgv_vector *out)
{
	pgv_bitvec bits = PGV_BITVEC_INIT;
	const char *text = NULL;
	size_t len = 0;
	int status = pgv_stmt_column_text(&text, &len, st, col);

	if (status != 0)
		return status; /* PGV_NULL, or recorded by the statement */
	if (pgv_bitvec_parse(text, len, &bits) != 0)
		return pgv__conn_from_codec(c, "pgv_stmt_column_text", "reading a bit column");
	status = pgv_bitvec_to_floats(out, &bits);
	pgv_bitvec_free(&bits);
	if (status != 0)
		return pgv__conn_from_codec(c, "pgv_stmt_column_text", "reading a bit column");
	return 0;
}

/* Reads a bit column's blob (SQLite's vec_bit: whole bytes, most significant bit first). */
static int read_bit_blob(pgv_conn *c, pgv_stmt *st, int col, pgv_vector *out)
{
	const unsigned char *bytes = NULL;
	size_t len = 0;
	int status = pgv__stmt_column_bytes(&bytes, &len, st, col);

	if (status != 0)
		return status; /* PGV_NULL, or recorded by the statement */
	if (len == 0 || len > PGV_BITVEC_MAX_DIM / 8)
		return pgv__conn_fail(c, PGV_EPARSE, "pgv_stmt_column_bytes", "reading a bit column: "
			"a blob of %zu bytes is no bit vector (1 to %d bytes)", len, PGV_BITVEC_MAX_DIM / 8);
	if (!(out->data = malloc(len * 8 * sizeof(float))))
		return pgv__conn_fail(c, PGV_ENOMEM, "pgv_stmt_column_bytes", "out of memory");
	for (size_t i = 0; i < len * 8; i++)
		out->data[i] = (float)(bytes[i / 8] >> (7 - i % 8) & 1u);
	out->dim = len * 8;
	return 0;
}

/* Reads a column as a value of the table's type. */
int pgv__value_read(pgv_conn *c, pgv_stmt *st, int col, pgv_type type, int binary,
	pgv_vector *out)
{
	out->dim = 0;
	out->data = NULL;
	if (type == PGV_TYPE_BIT)
		return binary == PGV__READ_F32 ? read_bit_blob(c, st, col, out)
			: read_bits(c, st, col, out);
	if (binary == PGV__READ_F32)
		return pgv_stmt_column_vector_f32(out, st, col);
	return binary ? pgv__stmt_column_vector_base64(out, st, col)
		: pgv_stmt_column_vector(out, st, col);
}
