/*
 * libFuzzer harness: pgv_halfvec_parse, pgv_sparsevec_parse and pgv_bitvec_parse on the same
 * arbitrary bytes (exactly `size` of them, no NUL).
 *
 * On success each value satisfies its type's invariant (halfvec: 1..16000 finite elements, each
 * exactly a half; sparsevec: passes pgv_sparsevec_check; bits: one bit per input byte, unused
 * trailing bits zero) and formatting it then parsing the text again gives it back bit for bit.
 * On failure the status is one of the documented codes, `out` is left empty, and the thread
 * error carries that status, a message and an offset within the input.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgvodbc/types.h"

/* Stops the run with a crash libFuzzer records, when an invariant does not hold. */
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* A value each output holds before a parse, so a failure that leaves it untouched is noticed. */
static float sentinel_f[1];
static int32_t sentinel_i[1];
static uint8_t sentinel_b[1];

/* Checks what a failed parse must leave in the thread error. */
static void check_error(int rc, size_t size)
{
	const pgv_error *err = pgv_error_last();

	CHECK(rc == PGV_EPARSE || rc == PGV_EVALUE || rc == PGV_EDIM || rc == PGV_ENOMEM);
	CHECK(err->status == rc);
	CHECK(err->message != NULL && err->message[0] != '\0');
	CHECK(err->offset >= -1 && err->offset <= (int64_t)size);
}

/* Formats with `len` bytes measured first; returns malloc'd text of exactly len bytes + NUL. */
static char *measured(size_t len)
{
	char *text;

	CHECK(len != SIZE_MAX);
	text = malloc(len + 1);
	CHECK(text != NULL);
	return text;
}

/* halfvec: exact halves in range, and format -> parse gives the same bits. */
static void check_halfvec(const char *data, size_t size)
{
	pgv_vector v = { 3, sentinel_f }, again = { 1, sentinel_f };
	int rc = pgv_halfvec_parse(data, size, &v);
	size_t len;
	char *text;

	if (rc != PGV_OK) {
		check_error(rc, size);
		CHECK(v.dim == 0 && v.data == NULL);
		return;
	}
	CHECK(v.dim >= 1 && v.dim <= PGV_HALFVEC_MAX_DIM && v.data != NULL && v.data != sentinel_f);
	for (size_t i = 0; i < v.dim; i++) {
		float back = pgv_half_to_float(pgv_float_to_half(v.data[i]));

		CHECK(isfinite(v.data[i]) && fabsf(v.data[i]) <= PGV_HALF_MAX);
		CHECK(memcmp(&back, &v.data[i], sizeof(float)) == 0);
	}
	CHECK(pgv_halfvec_check(v.data, v.dim) == PGV_OK);
	len = pgv_halfvec_format(v.data, v.dim, NULL, 0);
	text = measured(len);
	CHECK(pgv_halfvec_format(v.data, v.dim, text, len + 1) == len && strlen(text) == len);
	CHECK(pgv_halfvec_parse(text, len, &again) == PGV_OK);
	CHECK(pgv_vector_identical(&v, &again));
	pgv_vector_free(&again);
	pgv_vector_free(&v);
	free(text);
}

/* sparsevec: the struct's invariant, and format -> parse gives the same elements. */
static void check_sparsevec(const char *data, size_t size)
{
	pgv_sparsevec v = { 5, 1, sentinel_i, sentinel_f }, again = PGV_SPARSEVEC_INIT;
	int rc = pgv_sparsevec_parse(data, size, &v);
	size_t len;
	char *text;

	if (rc != PGV_OK) {
		check_error(rc, size);
		CHECK(v.dim == 0 && v.nnz == 0 && v.indices == NULL && v.values == NULL);
		return;
	}
	CHECK(pgv_sparsevec_check(&v) == PGV_OK);
	CHECK(v.nnz == 0 ? v.indices == NULL && v.values == NULL :
		v.indices != sentinel_i && v.values != sentinel_f);
	len = pgv_sparsevec_format(&v, NULL, 0);
	text = measured(len);
	CHECK(pgv_sparsevec_format(&v, text, len + 1) == len && strlen(text) == len);
	CHECK(pgv_sparsevec_parse(text, len, &again) == PGV_OK);
	CHECK(again.dim == v.dim && again.nnz == v.nnz);
	if (v.nnz > 0) {
		CHECK(memcmp(again.indices, v.indices, v.nnz * sizeof(int32_t)) == 0);
		CHECK(memcmp(again.values, v.values, v.nnz * sizeof(float)) == 0);
	}
	pgv_sparsevec_free(&again);
	pgv_sparsevec_free(&v);
	free(text);
}

/* bits: only '0'/'1' input parses, one bit per byte, and formats back to the input. */
static void check_bits(const char *data, size_t size)
{
	pgv_bitvec v = { 2, sentinel_b };
	int rc = pgv_bitvec_parse(data, size, &v);
	char *text;

	if (rc != PGV_OK) {
		check_error(rc, size);
		CHECK(v.dim == 0 && v.data == NULL);
		return;
	}
	CHECK(v.dim == size && (size == 0) == (v.data == NULL));
	if (size % 8 != 0)
		CHECK((v.data[size / 8] & (0xffu >> (size % 8))) == 0);
	text = measured(size);
	CHECK(pgv_bitvec_format(&v, text, size + 1) == size);
	CHECK(memcmp(text, data, size) == 0);
	pgv_bitvec_free(&v);
	free(text);
}

/* libFuzzer's entry point: one input, any bytes, given to every parser. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_halfvec((const char *)data, size);
	check_sparsevec((const char *)data, size);
	check_bits((const char *)data, size);
	return 0;
}
