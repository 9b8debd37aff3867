/* Unit tests of vector text output (src/codec/vector_text.c): pgvector's text, never truncated. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "float_text.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgvodbc/vector.h"
#include "codec/codec.h"

/* Formatting writes "[a,b,...]" with PostgreSQL's float4 text and no spaces. */
static void test_vector_format__writes_pgvector_text(void **state)
{
	const float v[] = { 1.0f, -0.0f, 0.1f, 1e-5f, 1234567.0f, FLT_MAX, 1e-45f };
	const float odd[] = { NAN, INFINITY, -INFINITY };
	const char *want = "[1,-0,0.1,1e-05,1.234567e+06,3.4028235e+38,1e-45]";
	char buf[128];

	(void)state;
	assert_int_equal(pgv_vector_format(v, 7, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(pgv_vector_format(odd, 3, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "[NaN,Infinity,-Infinity]");
	assert_int_equal(pgv_vector_format(NULL, 0, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "[]");
}

/* Capacity: an exact fit is written whole, one byte short writes only "", cap 0 takes NULL. */
static void test_vector_format__never_truncates(void **state)
{
	const float v[] = { 0.25f, 100.0f, -3.5f };
	const char *want = "[0.25,100,-3.5]";
	size_t n = strlen(want);
	char buf[64];

	(void)state;
	assert_int_equal(pgv_vector_format(v, 3, NULL, 0), n);
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(pgv_vector_format(v, 3, buf, n + 1), n);
	assert_string_equal(buf, want);
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(pgv_vector_format(v, 3, buf, n), n);
	assert_int_equal(buf[0], '\0');
	for (size_t i = 1; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'Z'); /* nothing but the empty string was written */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(pgv_vector_format(v, 3, buf, 1), n);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');
}

/*
 * The vector text is the element texts joined, whichever way it is written: with room for any
 * vector of its length (elements written in place, each store up to 16 bytes from its start),
 * with an exact fit (elements through a scratch) or one byte short ("" only, nothing past it).
 * Random bit patterns of every kind (denormals, NaN, infinities) and vectors of 1 to 300.
 */
static void test_vector_format__joins_element_texts(void **state)
{
	enum { DIM_MAX = 300 };
	static float v[DIM_MAX];
	static char want[DIM_MAX * PGV_FLOAT_TEXT_MAX + 3], got[DIM_MAX * PGV_FLOAT_TEXT_MAX + 8];
	uint64_t x = 0x9e3779b97f4a7c15u;

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t dim = 1 + (size_t)round % DIM_MAX, n = 1, bound = dim * PGV_FLOAT_TEXT_MAX + 3;

		for (size_t i = 0; i < dim; i++) {
			uint32_t bits;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			bits = (uint32_t)x;
			if (round % 3 == 1)
				bits &= 0xbfffffffu; /* small magnitudes, where 0.000ddd and e-XX meet */
			memcpy(&v[i], &bits, sizeof(bits));
		}
		want[0] = '[';
		for (size_t i = 0; i < dim; i++) {
			char elem[PGV_FLOAT_TEXT_MAX];
			size_t k = pgv_float_format(v[i], elem, sizeof(elem));

			if (i > 0)
				want[n++] = ',';
			memcpy(want + n, elem, k);
			n += k;
		}
		want[n++] = ']';
		want[n] = '\0';
		memset(got, 'Z', sizeof(got));
		assert_int_equal(pgv_vector_format(v, dim, got, bound), n);
		assert_string_equal(got, want);
		assert_int_equal(got[bound], 'Z');
		memset(got, 'Z', sizeof(got));
		assert_int_equal(pgv_vector_format(v, dim, got, n + 1), n);
		assert_string_equal(got, want);
		assert_int_equal(got[n + 1], 'Z');
		memset(got, 'Z', sizeof(got));
		assert_int_equal(pgv_vector_format(v, dim, got, n), n);
		assert_int_equal(got[0], '\0');
		assert_int_equal(got[1], 'Z');
	}
}

/* Allocated text equals the buffer form and is freed with pgv_text_free. */
static void test_vector_format__to_text_allocates_whole_text(void **state)
{
	static float v[16000];
	char *text = NULL;
	size_t len = 0;

	(void)state;
	for (size_t i = 0; i < 16000; i++)
		v[i] = -1.20636806e-29f; /* one of the longest float texts: 15 bytes */
	assert_int_equal(pgv_vector_to_text(&text, &len, v, 16000), PGV_OK);
	assert_int_equal(len, 16000 * 16 + 1);
	assert_int_equal(strlen(text), len);
	assert_int_equal(strncmp(text, "[-1.20636806e-29,", 17), 0);
	assert_int_equal(pgv_vector_format(v, 16000, NULL, 0), len);
	pgv_text_free(text);
	pgv_text_free(NULL);
	assert_int_equal(pgv_vector_to_text(NULL, &len, v, 1), PGV_EINVAL);
	assert_int_equal(pgv_vector_to_text(&text, &len, NULL, 1), PGV_EINVAL);
	assert_null(text);
}

/* Fills v[0..n) with finite floats of random bit patterns. */
static void random_finite(float *v, size_t n, uint32_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t bits;

		do {
			bits = next_random(seed);
			memcpy(&v[i], &bits, sizeof(float));
		} while (!isfinite(v[i]));
	}
}

/* Formatting then parsing gives back the same bits, for edge values and random vectors. */
static void test_vector_format__parse_round_trips(void **state)
{
	static float v[1536];
	const float edges[] = { 0.0f, -0.0f, 1e-45f, 1.17549421e-38f, FLT_MIN, FLT_MAX, -FLT_MAX,
		0.1f, 1234567.0f, 1e-5f, 16777216.0f, 36646552.0f, 0.333333343f };
	uint32_t seed = 12345;
	pgv_vector back = PGV_VECTOR_INIT, orig;
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(pgv_vector_to_text(&text, &len, edges, 13), PGV_OK);
	assert_int_equal(pgv_vector_parse(text, len, &back), PGV_OK);
	assert_memory_equal(back.data, edges, sizeof(edges));
	pgv_text_free(text);
	pgv_vector_free(&back);
	for (int round = 0; round < 20; round++) {
		random_finite(v, 1536, &seed);
		assert_int_equal(pgv_vector_to_text(&text, &len, v, 1536), PGV_OK);
		assert_int_equal(pgv_vector_parse(text, len, &back), PGV_OK);
		orig.dim = 1536;
		orig.data = v;
		assert_true(pgv_vector_identical(&orig, &back));
		pgv_text_free(text);
		pgv_vector_free(&back);
	}
}

/*
 * The store's text for PostgreSQL: exact hexadecimal elements, the odd significand and its
 * binary exponent, which strtof (what pgvector's input functions call) reads to the same bits.
 */
static void test_vector_format__hex_for_the_server(void **state)
{
	static const float edges[] = { 0.0f, -0.0f, 1.0f, 2.5f, 0.1f, -0.75f, 1e-45f,
		1.17549421e-38f, FLT_MIN, FLT_MAX, -FLT_MAX, 16777215.0f, 36646552.0f };
	static const char want[] = "[0,-0,0x1p0,0x5p-1,0xcccccdp-27,-0x3p-2,0x1p-149,0x7fffffp-149,"
		"0x1p-126,0xffffffp104,-0xffffffp104,0xffffffp0,0x45e5d3p3]";
	static float v[1536];
	static char text[1536 * (PGV__HEX_FLOAT_MAX + 1) + 3];
	uint32_t seed = 777;
	size_t n;

	(void)state;
	n = pgv__vector_format_hex(edges, 13, text);
	assert_string_equal(text, want);
	assert_int_equal(n, strlen(want));
	n = pgv__vector_format_hex(edges, 0, text);
	assert_string_equal(text, "[]");
	assert_int_equal(n, 2);
	for (int round = 0; round < 20; round++) {
		const char *p = text + 1;

		random_finite(v, 1536, &seed);
		n = pgv__vector_format_hex(v, 1536, text);
		assert_int_equal(n, strlen(text));
		for (size_t i = 0; i < 1536; i++) {
			char *end;
			float back = strtof(p, &end);

			assert_true(end > p && end - p <= PGV__HEX_FLOAT_MAX);
			assert_int_equal(*end, i + 1 < 1536 ? ',' : ']');
			assert_memory_equal(&back, &v[i], sizeof(float));
			p = end + 1;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_format__writes_pgvector_text),
		cmocka_unit_test(test_vector_format__never_truncates),
		cmocka_unit_test(test_vector_format__joins_element_texts),
		cmocka_unit_test(test_vector_format__to_text_allocates_whole_text),
		cmocka_unit_test(test_vector_format__parse_round_trips),
		cmocka_unit_test(test_vector_format__hex_for_the_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
