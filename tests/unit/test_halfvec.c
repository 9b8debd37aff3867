/*
 * Unit tests of half precision and the halfvec string codec (src/codec/halfvec.c).  Expected
 * messages are the server's wording, checked by hand on the embedded server (pgvector 0.8.7,
 * PostgreSQL 18); half-precision results are compared with a reference built here from the
 * definition of binary16, not with the library's own conversion.  sparsevec and bit: test_types.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgvodbc/types.h"

#include "codec_check.h"
#include "floatbits.h"

/* ---- half precision reference --------------------------------------------------------------- */

/* The value of positive finite half bits 0..0x7bff, from the definition of binary16. */
static double half_ref(unsigned bits)
{
	unsigned exp = bits >> 10, mant = bits & 0x3ffu;
	double v = exp == 0 ? mant : 1024.0 + mant;
	int shift = exp == 0 ? -24 : (int)exp - 25;

	for (; shift < 0; shift++)
		v /= 2;
	for (; shift > 0; shift--)
		v *= 2;
	return v;
}

static double half_table[0x7c00];

/* Fills half_table once. */
static void half_table_init(void)
{
	for (unsigned k = 0; k < 0x7c00u; k++)
		half_table[k] = half_ref(k);
}

/* Rounds a non-NaN float to half bits by searching the table: nearest, ties to the even one. */
static uint16_t round_ref(float f)
{
	uint16_t sign = (bits_of(f) >> 31) ? 0x8000u : 0;
	double a = f < 0 ? -(double)f : (double)f, mid;
	unsigned lo = 0, hi = 0x7bffu;

	if (a >= 65520.0) /* 65504 plus half its spacing of 32: IEEE overflow threshold */
		return (uint16_t)(sign | 0x7c00u);
	if (a >= 65504.0)
		return (uint16_t)(sign | 0x7bffu);
	while (lo < hi) { /* largest k with half_table[k] <= a */
		unsigned m = (lo + hi + 1) / 2;

		if (half_table[m] <= a)
			lo = m;
		else
			hi = m - 1;
	}
	mid = (half_table[lo] + half_table[lo + 1]) / 2; /* exact: 12 significant bits */
	if (a < mid || (a == mid && lo % 2 == 0))
		return (uint16_t)(sign | lo);
	return (uint16_t)(sign | (lo + 1));
}

/* Decoding: every half's float is the value binary16 defines, NaN stays NaN with its sign. */
static void test_halfvec__half_to_float_matches_definition(void **state)
{
	(void)state;
	for (unsigned h = 0; h < 0x10000u; h++) {
		float f = pgv_half_to_float((uint16_t)h);
		unsigned mag = h & 0x7fffu;
		int neg = (h & 0x8000u) != 0;

		assert_int_equal(bits_of(f) >> 31, neg);
		if (mag < 0x7c00u)
			assert_true((double)(neg ? -f : f) == half_table[mag]);
		else if (mag == 0x7c00u)
			assert_true(isinf(f));
		else
			assert_true(isnan(f));
	}
}

/* Every half survives half -> float -> half; NaN halves come back as NaN of the same sign. */
static void test_halfvec__half_round_trip_is_identity(void **state)
{
	(void)state;
	for (unsigned h = 0; h < 0x10000u; h++) {
		uint16_t back = pgv_float_to_half(pgv_half_to_float((uint16_t)h));

		if ((h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0) {
			assert_int_equal(back & 0x7c00u, 0x7c00u);
			assert_true((back & 0x3ffu) != 0);
			assert_int_equal(back & 0x8000u, h & 0x8000u);
		} else {
			assert_int_equal(back, h);
		}
	}
}

/* Checks one float against the reference rounding. */
static void check_rounding(float f)
{
	uint16_t got = pgv_float_to_half(f), want = round_ref(f);

	if (got != want)
		fail_msg("%a (bits %08x): got half %04x, want %04x", (double)f, bits_of(f), got, want);
}

/*
 * Rounding to nearest, ties to even: every half, every midpoint between neighbours and the
 * floats one step either side of both, in both signs; then random floats of every exponent.
 */
static void test_halfvec__float_to_half_rounds_to_nearest_even(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;

	(void)state;
	for (unsigned k = 0; k < 0x7c00u; k++) {
		double next = k + 1 < 0x7c00u ? half_table[k + 1] : 65536.0;
		float points[2];

		points[0] = (float)half_table[k];
		points[1] = (float)((half_table[k] + next) / 2);
		for (int p = 0; p < 2; p++) {
			uint32_t u = bits_of(points[p]);

			for (int d = -1; d <= 1; d++) {
				if (u == 0 && d < 0)
					continue;
				check_rounding(from_bits(u + (uint32_t)d));
				check_rounding(-from_bits(u + (uint32_t)d));
			}
		}
	}
	for (int i = 0; i < 2000000; i++) {
		uint32_t u = (uint32_t)next_rand(&seed);

		if ((u & 0x7f800000u) == 0x7f800000u)
			continue;
		/* half of them with exponents near half's range, where rounding is interesting */
		if (i % 2 == 0)
			u = (u & 0x807fffffu) | (uint32_t)(97 + (u >> 23) % 48) << 23;
		check_rounding(from_bits(u));
	}
	/* the figures measured on the server: 65519.99 stores 65504, 65520 is refused */
	assert_int_equal(pgv_float_to_half(65504.0f), 0x7bff);
	assert_int_equal(pgv_float_to_half(65519.99f), 0x7bff);
	assert_int_equal(pgv_float_to_half(65520.0f), 0x7c00);
	assert_int_equal(pgv_float_to_half(-65520.0f), 0xfc00);
	assert_int_equal(pgv_float_to_half(2.9802322e-8f), 0x0000); /* 2^-25: a tie, to even 0 */
	assert_int_equal(pgv_float_to_half(2.9802326e-8f), 0x0001);
	assert_int_equal(pgv_float_to_half(-1e-8f), 0x8000);
	assert_int_equal(pgv_float_to_half(INFINITY), 0x7c00);
	assert_int_equal(pgv_float_to_half(NAN) & 0x7e00, 0x7e00);
}

/* ---- halfvec -------------------------------------------------------------------------------- */

/* The server's checks: dimensions, NaN, infinity, half overflow, each message naming the element. */
static void test_halfvec__halfvec_check_is_the_servers(void **state)
{
	static float big[PGV_HALFVEC_MAX_DIM + 1];
	const float ok[] = { 65504.0f, -65519.99f, 1e-30f, -0.0f, FLT_MIN };
	const float nan_at_1[] = { 1, NAN }, inf_at_0[] = { -INFINITY };
	const float over[] = { 0, 0, 65520.0f }, huge[] = { FLT_MAX };

	(void)state;
	assert_int_equal(pgv_halfvec_check(ok, 5), PGV_OK);
	assert_int_equal(pgv_halfvec_check(big, PGV_HALFVEC_MAX_DIM), PGV_OK);
	assert_failure(pgv_halfvec_check(big, PGV_HALFVEC_MAX_DIM + 1), PGV_EDIM,
		"halfvec cannot have more than 16000 dimensions", -1);
	assert_failure(pgv_halfvec_check(ok, 0), PGV_EDIM, "halfvec must have at least 1 dimension", -1);
	assert_failure(pgv_halfvec_check(NULL, 3), PGV_EINVAL, "NULL", -1);
	assert_failure(pgv_halfvec_check(nan_at_1, 2), PGV_EVALUE,
		"element 1 is NaN: NaN not allowed in halfvec", -1);
	assert_failure(pgv_halfvec_check(inf_at_0, 1), PGV_EVALUE,
		"element 0 is infinite: infinite value not allowed in halfvec", -1);
	assert_failure(pgv_halfvec_check(over, 3), PGV_EVALUE,
		"element 2: \"65520\" is out of range for type halfvec", -1);
	assert_failure(pgv_halfvec_check(huge, 1), PGV_EVALUE,
		"\"3.4028235e+38\" is out of range for type halfvec", -1);
}

/* Parsing stores what the server stores: each element rounded to half, -0 kept, tiny to zero. */
static void test_halfvec__halfvec_parse_rounds_as_the_server(void **state)
{
	static const struct {
		const char *text;
		float want[4];
		size_t dim;
	} cases[] = {
		{ "[1,2,3]", { 1, 2, 3 }, 3 },
		{ " [ 1 , 2 ] ", { 1, 2 }, 2 },
		{ "{1,2}", { 1, 2 }, 2 },
		{ "\t[\n0x1p3\r]\f", { 8 }, 1 },
		{ "[0.1]", { 0.0999755859375f }, 1 },
		{ "[65519.99,-65504]", { 65504, -65504 }, 2 },
		{ "[-1e-8,1e-50,-0]", { -0.0f, 0, -0.0f }, 3 },
		{ "[2.9802326e-8]", { 5.9604644775390625e-8f }, 1 },
	};
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = pgv_halfvec_parse(cases[i].text, strlen(cases[i].text), &v);

		if (rc != PGV_OK)
			fail_msg("\"%s\": %s", cases[i].text, pgv_error_last()->message);
		assert_int_equal(v.dim, cases[i].dim);
		assert_memory_equal(v.data, cases[i].want, v.dim * sizeof(float));
		pgv_vector_free(&v);
	}
}

/* Each malformed or refused text fails with pgvector's halfvec message at the right offset. */
static void test_halfvec__halfvec_parse_rejects_as_the_server(void **state)
{
	static const reject_case cases[] = {
		{ "[]", PGV_EDIM, "halfvec must have at least 1 dimension", 1 },
		{ "[1,2", PGV_EPARSE, "invalid input syntax for type halfvec: \"[1,2\"", 4 },
		{ "[65520]", PGV_EVALUE, "\"65520\" is out of range for type halfvec", 1 },
		{ "[1, -65520]", PGV_EVALUE, "\"-65520\" is out of range for type halfvec", 4 },
		{ "[1e39]", PGV_EVALUE, "\"1e39\" is out of range for type halfvec", 1 },
		{ "[nan]", PGV_EVALUE, "NaN not allowed in halfvec", 1 },
		{ "[inf]", PGV_EVALUE, "infinite value not allowed in halfvec", 1 },
		{ "[1,2]x", PGV_EPARSE, "junk after closing right brace", 5 },
		{ "", PGV_EPARSE, "vector contents must start with", 0 },
		{ "(1)", PGV_EPARSE, "invalid input syntax for type halfvec: \"(1)\"", 0 },
		{ "[1x]", PGV_EPARSE, "invalid input syntax for type halfvec", 2 },
		{ "[1,,2]", PGV_EPARSE, "invalid input syntax for type halfvec", 3 },
		{ "[1}", PGV_EPARSE, "\"}\" does not close \"[\"", 2 },
		{ "{1,NULL}", PGV_EPARSE, "array must not contain nulls", 3 },
		{ "{{1}}", PGV_EPARSE, "nested arrays are not supported", 1 },
		{ "[1 2]", PGV_EPARSE, "invalid input syntax for type halfvec", 3 },
	};
	pgv_vector v = { 3, (float *)&v };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_rejected(pgv_halfvec_parse(cases[i].text, strlen(cases[i].text), &v), &cases[i]);
		assert_int_equal(v.dim, 0);
		assert_null(v.data);
	}
	assert_int_equal(pgv_halfvec_parse(NULL, 0, &v), PGV_EINVAL);
	assert_int_equal(pgv_halfvec_parse("[1]", 3, NULL), PGV_EINVAL);
}

/* 16000 elements are accepted, 16001 refused; the text need not end in a NUL. */
static void test_halfvec__halfvec_parse_limits_dimensions(void **state)
{
	size_t cap = 2 * (PGV_HALFVEC_MAX_DIM + 1) + 2, n = 0;
	char *text = malloc(cap);
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	assert_non_null(text);
	text[n++] = '[';
	for (int i = 0; i < PGV_HALFVEC_MAX_DIM; i++) {
		text[n++] = '1';
		text[n++] = ',';
	}
	text[n - 1] = ']';
	assert_int_equal(pgv_halfvec_parse(text, n, &v), PGV_OK);
	assert_int_equal(v.dim, PGV_HALFVEC_MAX_DIM);
	pgv_vector_free(&v);
	text[n - 1] = ',';
	text[n++] = '1';
	text[n++] = ']';
	assert_failure(pgv_halfvec_parse(text, n, &v), PGV_EDIM,
		"halfvec cannot have more than 16000 dimensions", (int64_t)n - 2);
	free(text);
}

/* Output is the server's: shortest float text of each half; never truncated. */
static void test_halfvec__halfvec_format_prints_as_the_server(void **state)
{
	/* as the server printed '[0.1,1e-8,-1e-8,-0,65519.99,65504,2.9802326e-8]'::halfvec */
	const float v[] = { 0.1f, 1e-8f, -1e-8f, -0.0f, 65519.99f, 65504, 2.9802326e-8f };
	const char *want = "[0.099975586,0,-0,-0,65504,65504,5.9604645e-08]";
	const float odd[] = { NAN, 65520.0f, -INFINITY };
	size_t n = strlen(want);
	char buf[128];

	(void)state;
	assert_int_equal(pgv_halfvec_format(v, 7, NULL, 0), n);
	assert_int_equal(pgv_halfvec_format(v, 7, buf, n), n);
	assert_string_equal(buf, "");
	assert_int_equal(pgv_halfvec_format(v, 7, buf, n + 1), n);
	assert_string_equal(buf, want);
	assert_int_equal(pgv_halfvec_format(odd, 3, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "[NaN,Infinity,-Infinity]");
	assert_int_equal(pgv_halfvec_format(NULL, 2, buf, sizeof(buf)), 0);
}

/* Random floats: parse(format(x)) is x rounded to half, bit for bit; halves come back as they are. */
static void test_halfvec__halfvec_format_parse_round_trips(void **state)
{
	uint64_t seed = 42;
	float v[64], want[64];
	char buf[64 * PGV_FLOAT_TEXT_MAX + 3];
	pgv_vector back = PGV_VECTOR_INIT;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		size_t dim = 1 + next_rand(&seed) % 64;

		for (size_t i = 0; i < dim; i++) {
			uint16_t h = (uint16_t)next_rand(&seed);

			if ((h & 0x7c00u) == 0x7c00u)
				h &= 0xbfffu; /* keep it finite */
			/* either an exact half or any float of half range */
			v[i] = round % 2 ? pgv_half_to_float(h) : (float)((double)(int64_t)
				next_rand(&seed) / 9.223372036854775807e18 * 65519.0);
			want[i] = (float)(round_ref(v[i]) & 0x8000u ? -half_table[round_ref(v[i]) & 0x7fffu]
				: half_table[round_ref(v[i])]);
		}
		assert_int_equal(pgv_halfvec_check(v, dim), PGV_OK);
		assert_true(pgv_halfvec_format(v, dim, buf, sizeof(buf)) < sizeof(buf));
		assert_int_equal(pgv_halfvec_parse(buf, strlen(buf), &back), PGV_OK);
		assert_int_equal(back.dim, dim);
		assert_memory_equal(back.data, want, dim * sizeof(float));
		pgv_vector_free(&back);
	}
}

/* Group setup: the half-precision reference table. */
static int setup(void **state)
{
	(void)state;
	half_table_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_halfvec__half_to_float_matches_definition),
		cmocka_unit_test(test_halfvec__half_round_trip_is_identity),
		cmocka_unit_test(test_halfvec__float_to_half_rounds_to_nearest_even),
		cmocka_unit_test(test_halfvec__halfvec_check_is_the_servers),
		cmocka_unit_test(test_halfvec__halfvec_parse_rounds_as_the_server),
		cmocka_unit_test(test_halfvec__halfvec_parse_rejects_as_the_server),
		cmocka_unit_test(test_halfvec__halfvec_parse_limits_dimensions),
		cmocka_unit_test(test_halfvec__halfvec_format_prints_as_the_server),
		cmocka_unit_test(test_halfvec__halfvec_format_parse_round_trips),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
