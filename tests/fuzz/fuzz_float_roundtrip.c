/*
 * libFuzzer harness: the input's bytes read as floats (4 bytes each, native order, at most
 * PGV_VECTOR_MAX_DIM of them).
 *
 * Each finite float printed by pgv_float_format reads back to the same bits with strtof in the
 * C locale; pgv_vector_format prints the elements as pgv_float_format does, returns strlen of
 * its text, and writes only "" into a buffer one byte too short; parsing the vector text of the
 * finite floats gives them back bit for bit, and a vector with a non-finite element is refused.
 */
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgvodbc/vector.h"

/* Stops the run with a crash libFuzzer records, when an invariant does not hold. */
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* The C locale, made once per process (a harness may keep process-lifetime state). */
static locale_t c_locale(void)
{
	static locale_t loc = (locale_t)0;

	if (loc == (locale_t)0) {
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		CHECK(loc != (locale_t)0);
	}
	return loc;
}

/* Checks one float's text: strtof round trip and the capacity contract. */
static size_t check_float(float f, char *text)
{
	size_t len = pgv_float_format(f, text, PGV_FLOAT_TEXT_MAX);
	char *exact, *end = NULL;
	float back;

	CHECK(len > 0 && len < PGV_FLOAT_TEXT_MAX && strlen(text) == len);
	/* A buffer of exactly len + 1 bytes: ASan catches a write past it. */
	exact = malloc(len + 1);
	CHECK(exact != NULL);
	CHECK(pgv_float_format(f, exact, len + 1) == len && memcmp(exact, text, len + 1) == 0);
	/* One byte short: the same length returned, "" written. */
	memset(exact, 'x', len);
	CHECK(pgv_float_format(f, exact, len) == len && exact[0] == '\0');
	free(exact);
	if (isfinite(f)) {
		back = strtof_l(text, &end, c_locale());
		CHECK(end == text + len);
		CHECK(memcmp(&back, &f, sizeof f) == 0);
	}
	return len;
}

/* Formats v[0..dim) and checks the length, the capacity contract and the element texts. */
static char *format_vector(const float *v, size_t dim, size_t *len_out)
{
	size_t len = pgv_vector_format(v, dim, NULL, 0), pos = 1;
	char *text, *shorter;

	CHECK(len >= 2 && len != SIZE_MAX);
	text = malloc(len + 1);
	CHECK(text != NULL);
	CHECK(pgv_vector_format(v, dim, text, len + 1) == len && strlen(text) == len);
	shorter = malloc(len);
	CHECK(shorter != NULL);
	memset(shorter, 'x', len);
	CHECK(pgv_vector_format(v, dim, shorter, len) == len && shorter[0] == '\0');
	free(shorter);
	/* "[" element ("," element)* "]", each element as pgv_float_format prints it. */
	CHECK(text[0] == '[' && text[len - 1] == ']');
	for (size_t i = 0; i < dim; i++) {
		char one[PGV_FLOAT_TEXT_MAX];
		size_t n = check_float(v[i], one);

		CHECK(pos + n < len && memcmp(text + pos, one, n) == 0);
		pos += n;
		CHECK(text[pos] == (i + 1 < dim ? ',' : ']'));
		pos++;
	}
	CHECK(pos == len || (dim == 0 && len == 2 && text[1] == ']'));
	*len_out = len;
	return text;
}

/* libFuzzer's entry point: the input as an array of floats. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size / sizeof(float), finite = 0, len;
	float *all, *fin;
	int has_nonfinite = 0;
	pgv_vector parsed = PGV_VECTOR_INIT;
	char *text;

	if (n > PGV_VECTOR_MAX_DIM)
		n = PGV_VECTOR_MAX_DIM;
	all = malloc((n ? n : 1) * sizeof(float));
	fin = malloc((n ? n : 1) * sizeof(float));
	CHECK(all != NULL && fin != NULL);
	if (n)
		memcpy(all, data, n * sizeof(float));
	for (size_t i = 0; i < n; i++) {
		if (isfinite(all[i]))
			fin[finite++] = all[i];
		else
			has_nonfinite = 1;
	}

	/* Every element, finite or not: its text, and the server's refusal of NaN and infinity. */
	text = format_vector(all, n, &len);
	if (n > 0) {
		int rc = pgv_vector_parse(text, len, &parsed);

		CHECK(rc == (has_nonfinite ? PGV_EVALUE : PGV_OK));
		if (rc == PGV_OK) {
			CHECK(parsed.dim == n && memcmp(parsed.data, all, n * sizeof(float)) == 0);
			pgv_vector_free(&parsed);
		}
		CHECK(parsed.dim == 0 && parsed.data == NULL);
	}
	free(text);

	/* Only the finite ones: parse(format(v)) == v, bit for bit. */
	if (finite > 0) {
		text = format_vector(fin, finite, &len);
		CHECK(pgv_vector_parse(text, len, &parsed) == PGV_OK);
		CHECK(parsed.dim == finite);
		CHECK(memcmp(parsed.data, fin, finite * sizeof(float)) == 0);
		pgv_vector_free(&parsed);
		free(text);
	}
	free(fin);
	free(all);
	return 0;
}
