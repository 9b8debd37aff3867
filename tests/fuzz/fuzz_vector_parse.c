/*
 * libFuzzer harness: pgv_vector_parse on arbitrary bytes (exactly `size` of them, no NUL).
 *
 * On success: 1 <= dim <= PGV_VECTOR_MAX_DIM, every element finite, and formatting the vector
 * then parsing the text again gives bit-identical floats (-0 stays -0).  On failure: the status
 * is one of the documented codes, `out` is left empty, and the thread error says why.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgvodbc/vector.h"

/* Stops the run with a crash libFuzzer records, when an invariant does not hold. */
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* A value `out` holds before a parse, so a failure that leaves it untouched is noticed. */
static float sentinel[1];

/* Checks what a failed parse must leave behind. */
static void check_failure(int rc, const pgv_vector *out, size_t size)
{
	const pgv_error *err = pgv_error_last();

	CHECK(rc == PGV_EPARSE || rc == PGV_EVALUE || rc == PGV_EDIM || rc == PGV_ENOMEM);
	CHECK(out->dim == 0 && out->data == NULL);
	CHECK(err != NULL && err->status == rc);
	CHECK(err->message != NULL && err->message[0] != '\0');
	CHECK(err->offset >= -1 && err->offset <= (int64_t)size);
}

/* Formats a parsed vector, parses the text again and compares the bits. */
static void check_roundtrip(const pgv_vector *v)
{
	pgv_vector again = { 1, sentinel };
	size_t len = pgv_vector_format(v->data, v->dim, NULL, 0);
	char *text;

	CHECK(len >= 3 && len != SIZE_MAX);
	text = malloc(len + 1);
	CHECK(text != NULL);
	CHECK(pgv_vector_format(v->data, v->dim, text, len + 1) == len);
	CHECK(strlen(text) == len && text[0] == '[' && text[len - 1] == ']');
	/* Parse exactly `len` bytes of a buffer with no NUL after them. */
	CHECK(pgv_vector_parse(text, len, &again) == PGV_OK);
	CHECK(again.dim == v->dim);
	CHECK(memcmp(again.data, v->data, v->dim * sizeof(float)) == 0);
	pgv_vector_free(&again);
	free(text);
}

/* libFuzzer's entry point: one input, any bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgv_vector out = { 7, sentinel };
	int rc = pgv_vector_parse((const char *)data, size, &out);

	if (rc != PGV_OK) {
		check_failure(rc, &out, size);
		return 0;
	}
	CHECK(out.dim >= 1 && out.dim <= PGV_VECTOR_MAX_DIM);
	CHECK(out.data != NULL && out.data != sentinel);
	for (size_t i = 0; i < out.dim; i++)
		CHECK(isfinite(out.data[i]));
	check_roundtrip(&out);
	pgv_vector_free(&out);
	CHECK(out.dim == 0 && out.data == NULL);
	return 0;
}
