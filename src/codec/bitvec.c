/*
 * Bit strings: PostgreSQL's bit / bit varying text ('0' and '1' only, as varbit_out prints it)
 * read with varbit_in's checks and messages, and conversion to and from 0/1 floats.
 */
#include "common/error.h"
#include "codec/codec.h"
#include "pgvodbc/types.h"

#include <stdlib.h>
#include <string.h>

/* The bytes that hold `dim` bits. */
static size_t bit_bytes(size_t dim)
{
	return dim / 8 + (dim % 8 != 0);
}

/* Releases the data of a bit string and leaves it empty. */
void pgv_bitvec_free(pgv_bitvec *v)
{
	if (v == NULL)
		return;
	free(v->data);
	v->data = NULL;
	v->dim = 0;
}

/* Allocates zeroed room for `dim` bits in `out` (nothing for 0); returns 0 or PGV_ENOMEM. */
static int bits_alloc(pgv_bitvec *out, size_t dim)
{
	out->dim = 0;
	out->data = NULL;
	if (dim == 0)
		return PGV_OK;
	out->data = calloc(bit_bytes(dim), 1);
	if (out->data == NULL)
		return pgv__error_set(PGV_ENOMEM, -1, "out of memory for a bit string of %zu bits", dim);
	out->dim = dim;
	return PGV_OK;
}

/* The bytes of the UTF-8 character starting with `lead`, as PostgreSQL's pg_utf_mblen counts. */
static size_t utf8_length(unsigned char lead)
{
	if ((lead & 0x80) == 0)
		return 1;
	if ((lead & 0xe0) == 0xc0)
		return 2;
	if ((lead & 0xf0) == 0xe0)
		return 3;
	if ((lead & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/* Parses '0'/'1' text into a newly allocated bit string. */
int pgv_bitvec_parse(const char *text, size_t len, pgv_bitvec *out)
{
	char quoted[PGV__QUOTE_BUF];
	int rc;

	pgv__error_clear();
	if (out != NULL) {
		out->dim = 0;
		out->data = NULL;
	}
	if (text == NULL || out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "parsing a bit string: text and out must not be NULL");
	/* varbit_in checks the length before it looks at the digits */
	if (len > PGV_BITVEC_MAX_DIM)
		return pgv__error_set(PGV_EDIM, PGV_BITVEC_MAX_DIM,
			"bit string length %zu exceeds the maximum allowed (%d)", len, PGV_BITVEC_MAX_DIM);
	if ((rc = bits_alloc(out, len)) != PGV_OK)
		return rc;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '1') {
			out->data[i / 8] |= (uint8_t)(0x80u >> (i % 8));
		} else if (text[i] != '0') {
			size_t n = utf8_length((unsigned char)text[i]);

			if (n > len - i)
				n = len - i;
			pgv_bitvec_free(out);
			return pgv__error_set(PGV_EPARSE, (int64_t)i, "\"%s\" is not a valid binary digit",
				pgv__quote(quoted, text + i, n));
		}
	}
	return PGV_OK;
}

/* Writes the bits as '0'/'1' text when it fits whole; returns the needed length. */
size_t pgv_bitvec_format(const pgv_bitvec *v, char *buf, size_t cap)
{
	if (v == NULL || (v->dim > 0 && v->data == NULL))
		return pgv__not_written(buf, cap, 0);
	if (v->dim >= cap || buf == NULL)
		return pgv__not_written(buf, cap, v->dim);
	for (size_t i = 0; i < v->dim; i++)
		buf[i] = (char)('0' + ((v->data[i / 8] >> (7 - i % 8)) & 1));
	buf[v->dim] = '\0';
	return v->dim;
}

/* One bit, or PGV_EINVAL (recorded) when there is no such bit. */
int pgv_bitvec_get(const pgv_bitvec *v, size_t i)
{
	if (v == NULL || v->data == NULL || i >= v->dim)
		return pgv__error_set(PGV_EINVAL, -1, "bit %zu of a bit string of %zu bits does not exist",
			i, v != NULL && v->data != NULL ? v->dim : 0);
	return (v->data[i / 8] >> (7 - i % 8)) & 1;
}

/* Makes a bit string from floats that are each 0 or 1. */
int pgv_bitvec_from_floats(pgv_bitvec *out, const float *data, size_t dim)
{
	char text[PGV_FLOAT_TEXT_MAX];
	int rc;

	pgv__error_clear();
	if (out == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "making a bit string: out must not be NULL");
	out->dim = 0;
	out->data = NULL;
	if (dim > PGV_BITVEC_MAX_DIM)
		return pgv__error_set(PGV_EDIM, -1,
			"bit string length %zu exceeds the maximum allowed (%d)", dim, PGV_BITVEC_MAX_DIM);
	if (data == NULL && dim > 0)
		return pgv__error_set(PGV_EINVAL, -1, "making a bit string: data must not be NULL");
	/* check first, so nothing is allocated for a value that cannot be a bit */
	for (size_t i = 0; i < dim; i++) {
		if (data[i] != 0 && data[i] != 1) {
			pgv_float_format(data[i], text, sizeof(text));
			return pgv__error_set(PGV_EVALUE, -1, "element %zu is %s: a bit must be 0 or 1", i,
				text);
		}
	}
	if ((rc = bits_alloc(out, dim)) != PGV_OK)
		return rc;
	for (size_t i = 0; i < dim; i++)
		if (data[i] == 1)
			out->data[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	return PGV_OK;
}

/* Makes a vector of 0/1 floats from a bit string. */
int pgv_bitvec_to_floats(pgv_vector *out, const pgv_bitvec *v)
{
	float *data;

	pgv__error_clear();
	if (out != NULL) {
		out->dim = 0;
		out->data = NULL;
	}
	if (out == NULL || v == NULL || (v->dim > 0 && v->data == NULL))
		return pgv__error_set(PGV_EINVAL, -1,
			"converting a bit string: out and the bit string must not be NULL");
	if (v->dim == 0)
		return PGV_OK;
	if (v->dim > SIZE_MAX / sizeof(float) || (data = malloc(v->dim * sizeof(float))) == NULL)
		return pgv__error_set(PGV_ENOMEM, -1, "out of memory converting %zu bits", v->dim);
	for (size_t i = 0; i < v->dim; i++)
		data[i] = (float)((v->data[i / 8] >> (7 - i % 8)) & 1);
	out->dim = v->dim;
	out->data = data;
	return PGV_OK;
}
