/*
 * sparsevec: text read as pgvector's sparsevec_in reads it (src/sparsevec.c), text written as
 * sparsevec_out writes it, the server's checks, and conversion to and from dense floats.
 */
#include "common/error.h"
#include "codec/codec.h"
#include "pgvodbc/types.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One element as read, before sorting: 0-based index (maybe out of bounds), value, offset. */
typedef struct element {
	int64_t index;
	float value;
	size_t offset;
} element;

/* The state of one parse. */
typedef struct parser {
	pgv__cursor in;
	element *elems;
	size_t nnz;
	size_t dim_offset; /* where the dimension's text starts */
} parser;

/* Releases the arrays of a sparse vector and leaves it empty. */
void pgv_sparsevec_free(pgv_sparsevec *v)
{
	if (v == NULL)
		return;
	free(v->indices);
	free(v->values);
	v->indices = NULL;
	v->values = NULL;
	v->dim = 0;
	v->nnz = 0;
}

/*
 * Reads a base-10 integer at p->in.pos as strtol does after pgvector has skipped whitespace: an
 * optional sign, then one or more digits.  The value saturates far beyond int range (the caller
 * clamps it as pgvector does).  Returns 0 and advances, or a syntax error when there is no digit.
 */
static int read_integer(parser *p, int64_t *out)
{
	size_t i = p->in.pos;
	int neg = 0;
	int64_t v = 0;

	if (i < p->in.len && (p->in.text[i] == '+' || p->in.text[i] == '-')) {
		neg = p->in.text[i] == '-';
		i++;
	}
	if (i == p->in.len || p->in.text[i] < '0' || p->in.text[i] > '9')
		return pgv__syntax_error(&p->in, p->in.pos, NULL);
	for (; i < p->in.len && p->in.text[i] >= '0' && p->in.text[i] <= '9'; i++)
		if (v < (int64_t)1 << 40)
			v = v * 10 + (p->in.text[i] - '0');
	*out = neg ? -v : v;
	p->in.pos = i;
	return PGV_OK;
}

/* 1 when `c` ends a value token: pgvector's whitespace, a comma or the closing brace. */
static int ends_value(char c)
{
	return pgv__is_space(c) || c == ',' || c == '}';
}

/*
 * Reads "index : value" at p->in.pos (whitespace skipped) as sparsevec_in does and keeps it unless
 * the value is zero.  Values are checked as they are read, in pgvector's order: not a number,
 * out of range (overflow, or underflow to zero), NaN, infinite.
 */
static int read_element(parser *p)
{
	char quoted[PGV__QUOTE_BUF];
	size_t start = p->in.pos, n = 0, used;
	int64_t index;
	const char *s;
	float value;
	int erange, rc;

	if ((rc = read_integer(p, &index)) != PGV_OK)
		return rc;
	/* strtol's result kept in int range, as pgvector does for a correct message later */
	if (index > INT32_MAX)
		index = INT32_MAX;
	else if (index < (int64_t)INT32_MIN + 1)
		index = (int64_t)INT32_MIN + 1;
	pgv__skip_space(&p->in);
	if (p->in.pos == p->in.len || p->in.text[p->in.pos] != ':')
		return pgv__syntax_error(&p->in, p->in.pos, NULL);
	p->in.pos++;
	pgv__skip_space(&p->in);
	/* the number cannot extend past a delimiter, so reading the token is reading strtof's part */
	s = p->in.text + p->in.pos;
	while (n < p->in.len - p->in.pos && !ends_value(s[n]))
		n++;
	rc = pgv__read_float(s, n, &value, &used, &erange);
	if (rc != PGV_OK)
		return rc;
	if (used == 0)
		return pgv__syntax_error(&p->in, p->in.pos, NULL);
	if (erange && (value == 0 || isinf(value)))
		return pgv__error_set(PGV_EVALUE, (int64_t)p->in.pos,
			"\"%s\" is out of range for type sparsevec", pgv__quote(quoted, s, used));
	if (isnan(value))
		return pgv__error_set(PGV_EVALUE, (int64_t)p->in.pos, "NaN not allowed in sparsevec");
	if (isinf(value))
		return pgv__error_set(PGV_EVALUE, (int64_t)p->in.pos,
			"infinite value not allowed in sparsevec");
	if (value != 0) {
		p->elems[p->nnz].index = index - 1; /* 1-based text, 0-based struct */
		p->elems[p->nnz].value = value;
		p->elems[p->nnz].offset = start;
		p->nnz++;
	}
	p->in.pos += used;
	return PGV_OK;
}

/* Orders elements by index, then by position, so a repeated index is named where it repeats. */
static int compare_elements(const void *a, const void *b)
{
	const element *x = a, *y = b;

	if (x->index != y->index)
		return (x->index > y->index) - (x->index < y->index);
	return (x->offset > y->offset) - (x->offset < y->offset);
}

/* Reads the braces, the elements, the slash and the dimension; sets *dim (clamped as pgvector). */
static int parse_text(parser *p, int64_t *dim)
{
	int rc;

	pgv__skip_space(&p->in);
	if (p->in.pos == p->in.len || p->in.text[p->in.pos] != '{')
		return pgv__syntax_error(&p->in, p->in.pos, "vector contents must start with \"{\"");
	p->in.pos++;
	pgv__skip_space(&p->in);
	if (p->in.pos < p->in.len && p->in.text[p->in.pos] == '}') {
		p->in.pos++;
	} else {
		for (;;) {
			pgv__skip_space(&p->in);
			if (p->in.pos == p->in.len)
				return pgv__syntax_error(&p->in, p->in.pos, NULL);
			if ((rc = read_element(p)) != PGV_OK)
				return rc;
			pgv__skip_space(&p->in);
			if (p->in.pos < p->in.len && p->in.text[p->in.pos] == ',') {
				p->in.pos++;
			} else if (p->in.pos < p->in.len && p->in.text[p->in.pos] == '}') {
				p->in.pos++;
				break;
			} else {
				return pgv__syntax_error(&p->in, p->in.pos, NULL);
			}
		}
	}
	pgv__skip_space(&p->in);
	if (p->in.pos == p->in.len || p->in.text[p->in.pos] != '/')
		return pgv__syntax_error(&p->in, p->in.pos, "unexpected end of input");
	p->in.pos++;
	pgv__skip_space(&p->in);
	p->dim_offset = p->in.pos;
	if ((rc = read_integer(p, dim)) != PGV_OK)
		return rc;
	if (*dim > INT32_MAX)
		*dim = INT32_MAX;
	else if (*dim < INT32_MIN)
		*dim = INT32_MIN;
	pgv__skip_space(&p->in);
	if (p->in.pos != p->in.len)
		return pgv__syntax_error(&p->in, p->in.pos, "junk after closing");
	return PGV_OK;
}

/* Checks the dimension, then the sorted indices, as sparsevec_in does after reading. */
static int check_parsed(parser *p, int64_t dim)
{
	if (dim < 1)
		return pgv__error_set(PGV_EDIM, (int64_t)p->dim_offset,
			"sparsevec must have at least 1 dimension");
	if (dim > PGV_SPARSEVEC_MAX_DIM)
		return pgv__error_set(PGV_EDIM, (int64_t)p->dim_offset,
			"sparsevec cannot have more than %d dimensions", PGV_SPARSEVEC_MAX_DIM);
	qsort(p->elems, p->nnz, sizeof(element), compare_elements);
	for (size_t i = 0; i < p->nnz; i++) {
		const element *e = &p->elems[i];

		if (e->index < 0 || e->index >= dim)
			return pgv__error_set(PGV_EVALUE, (int64_t)e->offset,
				"sparsevec index out of bounds: %lld is not in 1..%lld",
				(long long)e->index + 1, (long long)dim);
		if (i > 0 && e->index == p->elems[i - 1].index)
			return pgv__error_set(PGV_EVALUE, (int64_t)e->offset,
				"sparsevec indices must not contain duplicates: %lld appears twice",
				(long long)e->index + 1);
	}
	return PGV_OK;
}

/* Copies the sorted elements into `out`'s own arrays; returns 0 or PGV_ENOMEM. */
static int fill(pgv_sparsevec *out, const parser *p, int64_t dim)
{
	out->dim = (size_t)dim;
	if (p->nnz == 0)
		return PGV_OK;
	out->indices = malloc(p->nnz * sizeof(int32_t));
	out->values = malloc(p->nnz * sizeof(float));
	if (out->indices == NULL || out->values == NULL) {
		pgv_sparsevec_free(out);
		return pgv__error_set(PGV_ENOMEM, -1, "out of memory reading a sparsevec of %zu elements",
			p->nnz);
	}
	for (size_t i = 0; i < p->nnz; i++) {
		out->indices[i] = (int32_t)p->elems[i].index;
		out->values[i] = p->elems[i].value;
	}
	out->nnz = p->nnz;
	return PGV_OK;
}

/* Parses sparsevec text into a newly allocated sparse vector. */
int pgv_sparsevec_parse(const char *text, size_t len, pgv_sparsevec *out)
{
	parser p = { { text, len, 0, "sparsevec" }, NULL, 0, 0 };
	size_t max_nnz = 1;
	int64_t dim = 0;
	int rc;

	pgv__error_clear();
	if (out != NULL) {
		out->dim = out->nnz = 0;
		out->indices = NULL;
		out->values = NULL;
	}
	if (text == NULL || out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "parsing a sparsevec: text and out must not be NULL");
	/* pgvector sizes its buffer by the commas of the whole text, and refuses too many first */
	for (size_t i = 0; i < len; i++) {
		if (text[i] == ',' && ++max_nnz > PGV_SPARSEVEC_MAX_NNZ)
			return pgv__error_set(PGV_EDIM, (int64_t)i,
				"sparsevec cannot have more than %d non-zero elements",
				PGV_SPARSEVEC_MAX_NNZ);
	}
	p.elems = malloc(max_nnz * sizeof(element));
	if (p.elems == NULL)
		return pgv__error_set(PGV_ENOMEM, -1, "out of memory reading a sparsevec");
	rc = parse_text(&p, &dim);
	if (rc == PGV_OK)
		rc = check_parsed(&p, dim);
	if (rc == PGV_OK)
		rc = fill(out, &p, dim);
	free(p.elems);
	return rc;
}

/* Longest text of one element with its comma: "-2147483647" or a size_t index, ':', a float. */
#define ELEMENT_TEXT_MAX (20 + 1 + (PGV_FLOAT_TEXT_MAX - 1) + 1)
/* "{", "}/", the dimension (a size_t) and the NUL. */
#define FRAME_TEXT_MAX (3 + 20 + 1)

/* Writes the decimal digits of `v` at buf (when not NULL); returns their number. */
static size_t put_uint(char *buf, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (buf != NULL)
		for (size_t i = 0; i < n; i++)
			buf[i] = digits[n - 1 - i];
	return n;
}

/* Appends ",index:value" (no comma for the first) at buf + n; returns the new length. */
static size_t put_element(char *buf, size_t n, int first, int64_t index1, float value)
{
	char elem[PGV_FLOAT_TEXT_MAX];
	size_t k = pgv_float_format(value, elem, sizeof(elem));

	if (!first) {
		if (buf != NULL)
			buf[n] = ',';
		n++;
	}
	if (index1 < 0) {
		if (buf != NULL)
			buf[n] = '-';
		n++;
		index1 = -index1;
	}
	n += put_uint(buf != NULL ? buf + n : NULL, (uint64_t)index1);
	if (buf != NULL) {
		buf[n] = ':';
		memcpy(buf + n + 1, elem, k);
	}
	return n + 1 + k;
}

/* Appends "}/dim" and the NUL at buf + n; returns the length without the NUL. */
static size_t put_tail(char *buf, size_t n, size_t dim)
{
	if (buf != NULL) {
		buf[n] = '}';
		buf[n + 1] = '/';
	}
	n += 2;
	n += put_uint(buf != NULL ? buf + n : NULL, dim);
	if (buf != NULL)
		buf[n] = '\0';
	return n;
}

/* Writes (or, with buf NULL, measures) the text of a sparse vector. */
static size_t format_sparse(const pgv_sparsevec *v, char *buf)
{
	size_t n = 1;

	if (buf != NULL)
		buf[0] = '{';
	for (size_t i = 0; i < v->nnz; i++)
		n = put_element(buf, n, i == 0, (int64_t)v->indices[i] + 1, v->values[i]);
	return put_tail(buf, n, v->dim);
}

/* Writes sparsevec text when it fits whole; returns the needed length. */
size_t pgv_sparsevec_format(const pgv_sparsevec *v, char *buf, size_t cap)
{
	size_t need;

	if (v == NULL || (v->nnz > 0 && (v->indices == NULL || v->values == NULL)))
		return pgv__not_written(buf, cap, 0);
	if (v->nnz > (SIZE_MAX - FRAME_TEXT_MAX) / ELEMENT_TEXT_MAX)
		return pgv__not_written(buf, cap, SIZE_MAX);
	if (buf != NULL && cap >= v->nnz * ELEMENT_TEXT_MAX + FRAME_TEXT_MAX)
		return format_sparse(v, buf);
	need = format_sparse(v, NULL);
	if (need < cap && buf != NULL)
		return format_sparse(v, buf);
	return pgv__not_written(buf, cap, need);
}

/* Writes (or measures) dense floats as sparsevec text, zeros dropped. */
static size_t format_dense(const float *data, size_t dim, char *buf)
{
	size_t n = 1, written = 0;

	if (buf != NULL)
		buf[0] = '{';
	for (size_t i = 0; i < dim; i++) {
		if (data[i] == 0)
			continue;
		n = put_element(buf, n, written == 0, (int64_t)i + 1, data[i]);
		written++;
	}
	return put_tail(buf, n, dim);
}

/* Writes dense floats as sparsevec text when it fits whole; returns the needed length. */
size_t pgv_sparsevec_format_dense(const float *data, size_t dim, char *buf, size_t cap)
{
	size_t nnz = 0, need;

	if (data == NULL && dim > 0)
		return pgv__not_written(buf, cap, 0);
	if (dim > (size_t)INT64_MAX)
		return pgv__not_written(buf, cap, SIZE_MAX);
	for (size_t i = 0; i < dim; i++)
		nnz += data[i] != 0;
	if (nnz > (SIZE_MAX - FRAME_TEXT_MAX) / ELEMENT_TEXT_MAX)
		return pgv__not_written(buf, cap, SIZE_MAX);
	if (buf != NULL && cap >= nnz * ELEMENT_TEXT_MAX + FRAME_TEXT_MAX)
		return format_dense(data, dim, buf);
	need = format_dense(data, dim, NULL);
	if (need < cap && buf != NULL)
		return format_dense(data, dim, buf);
	return pgv__not_written(buf, cap, need);
}

/* Checks a sparse vector as sparsevec_recv checks its binary form. */
int pgv_sparsevec_check(const pgv_sparsevec *v)
{
	int rc;

	pgv__error_clear();
	if (v == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "checking a sparsevec: it must not be NULL");
	if ((rc = pgv__check_dim(v->dim, PGV_SPARSEVEC_MAX_DIM, "sparsevec")) != PGV_OK)
		return rc;
	if (v->nnz > PGV_SPARSEVEC_MAX_NNZ)
		return pgv__error_set(PGV_EDIM, -1,
			"sparsevec cannot have more than %d non-zero elements: %zu given",
			PGV_SPARSEVEC_MAX_NNZ, v->nnz);
	if (v->nnz > v->dim)
		return pgv__error_set(PGV_EDIM, -1,
			"sparsevec cannot have more elements than dimensions: %zu elements, %zu dimensions",
			v->nnz, v->dim);
	if (v->nnz > 0 && (v->indices == NULL || v->values == NULL))
		return pgv__error_set(PGV_EINVAL, -1,
			"checking a sparsevec: %zu elements but no indices or values", v->nnz);
	for (size_t i = 0; i < v->nnz; i++) {
		int32_t index = v->indices[i];

		if (index < 0 || (size_t)index >= v->dim)
			return pgv__error_set(PGV_EVALUE, -1, "element %zu: sparsevec index out of bounds: "
				"0-based index %ld is not in 0..%zu", i, (long)index, v->dim - 1);
		if (i > 0 && index < v->indices[i - 1])
			return pgv__error_set(PGV_EVALUE, -1,
				"element %zu: sparsevec indices must be in ascending order", i);
		if (i > 0 && index == v->indices[i - 1])
			return pgv__error_set(PGV_EVALUE, -1,
				"element %zu: sparsevec indices must not contain duplicates", i);
	}
	for (size_t i = 0; i < v->nnz; i++) {
		if (!isfinite(v->values[i]))
			return pgv__not_finite(v->values[i], i, "sparsevec");
		if (v->values[i] == 0)
			return pgv__error_set(PGV_EVALUE, -1,
				"element %zu is zero: a sparsevec cannot contain zero values", i);
	}
	return PGV_OK;
}

/* Checks dense floats meant for a sparsevec: dimensions, finiteness, non-zero count. */
int pgv_sparsevec_check_dense(const float *data, size_t dim)
{
	size_t nnz = 0;
	int rc;

	pgv__error_clear();
	if ((rc = pgv__check_dim(dim, PGV_SPARSEVEC_MAX_DIM, "sparsevec")) != PGV_OK)
		return rc;
	if (data == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "checking a sparsevec: data must not be NULL");
	for (size_t i = 0; i < dim; i++) {
		if (!isfinite(data[i]))
			return pgv__not_finite(data[i], i, "sparsevec");
		nnz += data[i] != 0;
	}
	if (nnz > PGV_SPARSEVEC_MAX_NNZ)
		return pgv__error_set(PGV_EDIM, -1,
			"sparsevec cannot have more than %d non-zero elements: %zu given",
			PGV_SPARSEVEC_MAX_NNZ, nnz);
	return PGV_OK;
}

/* Makes a sparse vector of the non-zero floats. */
int pgv_sparsevec_from_dense(pgv_sparsevec *out, const float *data, size_t dim)
{
	size_t nnz = 0, j = 0;
	int rc;

	pgv__error_clear();
	if (out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "making a sparsevec: out must not be NULL");
	out->dim = out->nnz = 0;
	out->indices = NULL;
	out->values = NULL;
	if ((rc = pgv_sparsevec_check_dense(data, dim)) != PGV_OK)
		return rc;
	for (size_t i = 0; i < dim; i++)
		nnz += data[i] != 0;
	if (nnz > 0) {
		out->indices = malloc(nnz * sizeof(int32_t));
		out->values = malloc(nnz * sizeof(float));
		if (out->indices == NULL || out->values == NULL) {
			pgv_sparsevec_free(out);
			return pgv__error_set(PGV_ENOMEM, -1,
				"out of memory making a sparsevec of %zu elements", nnz);
		}
		for (size_t i = 0; i < dim; i++) {
			if (data[i] == 0)
				continue;
			out->indices[j] = (int32_t)i;
			out->values[j++] = data[i];
		}
	}
	out->dim = dim;
	out->nnz = nnz;
	return PGV_OK;
}

/* Makes the dense vector of a sparse one. */
int pgv_sparsevec_to_dense(pgv_vector *out, const pgv_sparsevec *v)
{
	float *data;
	int rc;

	pgv__error_clear();
	if (out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "making a dense vector: out must not be NULL");
	out->dim = 0;
	out->data = NULL;
	if ((rc = pgv_sparsevec_check(v)) != PGV_OK)
		return rc;
	if (v->dim > PGV_VECTOR_MAX_DIM)
		return pgv__error_set(PGV_EDIM, -1,
			"vector cannot have more than %d dimensions: the sparsevec has %zu",
			PGV_VECTOR_MAX_DIM, v->dim);
	data = calloc(v->dim, sizeof(float));
	if (data == NULL)
		return pgv__error_set(PGV_ENOMEM, -1,
			"out of memory making a vector of %zu dimensions", v->dim);
	for (size_t i = 0; i < v->nnz; i++)
		data[v->indices[i]] = v->values[i];
	out->dim = v->dim;
	out->data = data;
	return PGV_OK;
}
