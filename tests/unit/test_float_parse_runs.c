/*
 * Unit tests of the vector element runs the float reader reads (pgv__float_parse_run behind
 * pgv_vector_parse): vectors of generated elements read element by element as strtof_l reads
 * them, decimals next to float midpoints, errors between runs and the dimension limit.
 * PGV_TEST_SEED changes the random inputs; PGV_TEST_ROUNDS (default 1) multiplies their number.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "float_parse_check.h"
#include "test_scale.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/vector.h"

/* Writes [-]I.F: the exact decimal of mid cut to k fraction digits, plus delta in the last one. */
static void cut_fixed(char *out, double mid, int k, int delta, int neg)
{
	char exact[TEXT_MAX], m[TEXT_MAX];
	int il, start;

	snprintf(exact, sizeof(exact), "%.60f", mid);
	il = (int)(strchr(exact, '.') - exact);
	memcpy(m + 1, exact, (size_t)il);
	memcpy(m + 1 + il, exact + il + 1, (size_t)k);
	m[il + k + 1] = '\0';
	start = bump(m, il + k, delta);
	snprintf(out, TEXT_MAX, "%s%.*s.%s", neg ? "-" : "", il + 1 - start, m + start, m + 1 + il);
}

/*
 * One element's text: mostly what pgv__float_parse_run reads (the server's text of floats of
 * several sizes, random [-]d.ddd digit strings, decimals next to float midpoints), else anything.
 */
static void random_element(run *r, char *token)
{
	static const char *const odd[] = {
		"0.0", "-0.0", "00.5", "0.", "-0.", "5.", "99.99999999999999", "0.0000000000001",
		"1.0000000000000", "0x1p-3", "+0.5", "-.5", "1e-45", "123.25", "9.9999999e-05", "1.",
	};
	static const double scales[] = { 0.05, 1.0, 100.0 };
	uint64_t a = next_random(r);
	float f = (float)((double)(int64_t)next_random(r) / 9223372036854775808.0 *
		scales[(a >> 8) % 3]);
	int n = 0;

	switch (a % 16) {
	case 7: case 8: case 9: /* [-] 0..3 digits . 0..15 digits */
		if ((a >> 12) % 2)
			token[n++] = '-';
		for (uint64_t i = 0, ni = (a >> 13) % 4; i < ni; i++)
			token[n++] = (char)('0' + next_random(r) % 10);
		token[n++] = '.';
		for (uint64_t i = 0, nf = (a >> 15) % 16; i < nf; i++)
			token[n++] = (char)((a >> 19) % 3 == 0 ? '9' : '0' + next_random(r) % 10);
		token[n] = '\0';
		break;
	case 10: case 11: case 12: /* next to the midpoint above |f|, cut to 1..15 fraction digits */
		f = f == 0.0f || f > 99.0f || f < -99.0f ? 0.5f : from_bits(bits_of(f) & 0x7fffffffu);
		cut_fixed(token, ((double)f + (double)from_bits(bits_of(f) + 1)) / 2,
			1 + (int)((a >> 12) % 15), (int)((a >> 16) % 3) - 1, (int)((a >> 18) % 2));
		break;
	case 13:
		random_decimal(r, token);
		break;
	case 14:
		snprintf(token, TEXT_MAX, "%.*e", (int)((a >> 12) % 9), (double)random_float(r));
		break;
	case 15:
		strcpy(token, odd[(a >> 12) % (sizeof(odd) / sizeof(odd[0]))]);
		break;
	default:
		pgv_float_format((a >> 12) % 8 == 0 ? random_float(r) : f, token, TEXT_MAX);
		break;
	}
}

/*
 * Parses text[0..n), which must succeed with dim floats bit-equal to want; at[j]: element j.
 * The parser reads a copy of exactly n bytes: a sanitizer build catches any read past them.
 */
static void expect_vector(const run *r, const char *text, size_t n, const float *want,
	const size_t *at, size_t dim)
{
	pgv_vector v = PGV_VECTOR_INIT;
	char *exact = malloc(n);
	int rc;

	assert_non_null(exact);
	memcpy(exact, text, n);
	rc = pgv_vector_parse(exact, n, &v);
	free(exact);
	if (rc != PGV_OK)
		fail_msg("%s: %.*s", pgv_error_last()->message, (int)n, text);
	assert_int_equal(v.dim, dim);
	for (size_t j = 0; j < dim; j++)
		if (bits_of(v.data[j]) != bits_of(want[j]))
			fail_msg("element %zu \"%.*s\": got %08x, strtof_l gives %08x (seed %llu)", j,
				(int)((j + 1 < dim ? at[j + 1] : n) - at[j]), text + at[j],
				(unsigned)bits_of(v.data[j]), (unsigned)bits_of(want[j]),
				(unsigned long long)r->seed);
	pgv_vector_free(&v);
}

/*
 * Vectors of random elements of every kind, of random lengths, brackets and separators, read
 * element by element as strtof_l reads them: the run reader, the general path and the hand-over
 * between them, at every offset in the 64-byte windows and near the end of the text.
 */
static void test_float_parse_runs__elements_read_as_strtof(void **state)
{
	enum { DIM_MAX = 700 };
	static const char *const seps[] = { ",", " ,", ", ", ",\n" };
	static float want[DIM_MAX];
	static size_t at[DIM_MAX];
	run *r = test_start(state, 7);
	char *text = malloc(DIM_MAX * (TEXT_MAX + 3) + 3), token[TEXT_MAX], *end;

	assert_non_null(text);
	for (unsigned long round = 0; round < test_scaled(4000ul * r->rounds); round++) {
		size_t n = 0, dim = 1 + next_random(r) % DIM_MAX;
		uint64_t style = next_random(r);

		text[n++] = style % 2 ? '{' : '[';
		for (size_t j = 0; j < dim; j++) {
			do { /* a whole number and finite, as the server would send */
				random_element(r, token);
				want[j] = strtof_l(token, &end, r->c);
			} while (!isfinite(want[j]) || *end != '\0');
			at[j] = n;
			n += (size_t)sprintf(text + n, "%s%s", token, j + 1 == dim ? (style % 2 ? "}" : "]")
				: seps[style % 4 == 0 ? next_random(r) % 4 : 0]);
		}
		expect_vector(r, text, n, want, at, dim);
	}
	free(text);
}

/*
 * Decimals of the run's shape with 12 or 13 fraction digits within a few double units of a float
 * midpoint, where w * 1e-14 in double cannot tell which side the text is on.  For the midpoint
 * m = (2j+1) 2^(E-24), m 10^k = (2j+1) 5^k / 2^s with s = 24 - E - k: the nearest k-digit
 * decimal is that close when (2j+1) 5^k is within 5^k / 2^26 of a multiple of 2^s.
 */
static void test_float_parse_runs__near_midpoints(void **state)
{
	enum { DIM = 256 };
	static float want[DIM];
	static size_t at[DIM];
	run *r = test_start(state, 8);
	char text[DIM * 20 + 2], token[TEXT_MAX];

	for (unsigned long round = 0; round < test_scaled(100ul * r->rounds); round++) {
		size_t n = 0;

		text[n++] = '[';
		for (size_t j = 0; j < DIM;) {
			uint64_t a = next_random(r), pow5 = 1, scale = 1, p, rem, wd;
			uint64_t odd = (1u << 24) | ((a & 0x7fffffu) << 1) | 1;
			int k = 12 + (int)((a >> 23) % 2), s = 24 - ((int)((a >> 24) % 12) - 6) - k;

			for (int i = 0; i < k; i++, pow5 *= 5)
				scale *= 10;
			p = odd * pow5;
			rem = p & (((uint64_t)1 << s) - 1);
			if (rem > pow5 >> 26 && ((uint64_t)1 << s) - rem > pow5 >> 26)
				continue;
			wd = (p >> s) + (rem >> (s - 1)); /* the nearer k-digit decimal */
			snprintf(token, sizeof(token), "%s%llu.%0*llu", (a >> 40) % 2 ? "-" : "",
				(unsigned long long)(wd / scale), k, (unsigned long long)(wd % scale));
			if (strlen(token) > 15 || wd / scale > 99)
				continue;
			check(r, token);
			want[j] = strtof_l(token, NULL, r->c);
			at[j++] = n;
			n += (size_t)sprintf(text + n, "%s,", token);
		}
		text[n - 1] = ']';
		expect_vector(r, text, n, want, at, DIM);
	}
	report(r, "decimals next to midpoints");
}

/*
 * Elements that look almost like the usual shape (no point, a point first, a second minus, 13
 * and 14 fraction digits, two integer digits, values near 2^53 / 10^14, an integer before an
 * element that starts with a point) between usual ones, at every
 * offset in the readers' 64-byte windows: each is read as strtof_l reads it, whichever reader
 * takes it, and the usual ones around it too.
 */
static void test_float_parse_runs__shapes_beside_the_usual(void **state)
{
	static const char *const shapes[] = {
		"5", "55", "555.5", "5.", ".5", "-.5", "-5", "0.5", "-0.5", "00.5", "0.0", "-0.0",
		"0.1234567890123", "0.12345678901234", "-0.1234567890123", "-0.12345678901234",
		"12.1234567890123", "-12.1234567890123", "12.12345678901234", "1.12345678901234",
		"90.0719925474099", "90.0719925474100", "-90.0719925474101", "99.9999999999999",
		"89.9999999999999", "10.0000000000001", "5e-05", "-5.5e+10", "1.5E3", "0.000123456789",
		"123.5", "-99.5", "9.9999999e-05", "5,.5", "5,-.5", "55,.5", "-5,.5", "0.5,.5",
		"5,5.5", "0.5,-5", "12,3.5",
	};
	enum { DIM = 40 };
	static float want[DIM];
	static size_t at[DIM];
	run *r = test_start(state, 9);
	char text[DIM * 24 + 2], token[TEXT_MAX], *end;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		for (size_t offset = 0; offset < 64; offset++) {
			size_t n = 0;
			int placed = 0;

			/* usual elements (embedding-sized values) up to `offset`, the shape, usual ones */
			text[n++] = offset % 2 ? '{' : '[';
			for (size_t j = 0; j < DIM; j++) {
				if (placed == 1) {
					/* the element after the shape's comma, when it has one */
					strcpy(token, strchr(shapes[i], ',') + 1);
					placed = 2;
				} else if (!placed && n >= 1 + offset) {
					strcpy(token, shapes[i]);
					*(strchr(token, ',') != NULL ? strchr(token, ',') : token + strlen(token)) = '\0';
					placed = strchr(shapes[i], ',') != NULL ? 1 : 2;
				} else {
					pgv_float_format((float)((double)(int64_t)next_random(r) /
						9223372036854775808.0 * 0.1), token, TEXT_MAX);
				}
				want[j] = strtof_l(token, &end, r->c);
				at[j] = n;
				n += (size_t)sprintf(text + n, "%s,", token);
			}
			assert_int_equal(placed, 2);
			text[n - 1] = offset % 2 ? '}' : ']';
			expect_vector(r, text, n, want, at, DIM);
		}
	}
}

/*
 * pgv__float_parse_run uses the reader this build and processor call for: PGV_TEST_PARSE_PATH
 * when CTest names it (the portable build, AVX2 turned off), else AVX2 wherever the processor
 * has it, so that each variant of these tests checks the reader it says it checks.
 */
static void test_float_parse_runs__the_expected_reader(void **state)
{
	const char *want = getenv("PGV_TEST_PARSE_PATH"), *off = getenv("PGVODBC_NO_AVX2");
	int avx2_off = off != NULL && off[0] != '\0' && strcmp(off, "0") != 0;

	(void)state;
	if (want == NULL) {
#if defined(__x86_64__) && defined(__GNUC__)
		__builtin_cpu_init();
		want = !avx2_off && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
			__builtin_cpu_supports("bmi2") ? "avx2" : "sse2";
#elif defined(__SSE2__)
		want = "sse2";
#else
		want = "portable";
#endif
	}
	assert_string_equal(pgv__float_parse_path(), want);
}

/*
 * A bad element after and before runs of good ones gets pgvector's error at its own offset, with
 * good elements of the usual shape (the SIMD run) and of spread magnitudes (the any-shape run).
 */
static void test_float_parse_runs__errors_between_runs(void **state)
{
	static const struct {
		const char *bad;
		int status;
		const char *message_part;
		size_t offset; /* within the bad element */
	} cases[] = {
		{ "1.2.3", PGV_EPARSE, "invalid input syntax for type vector", 3 },
		{ "1..2", PGV_EPARSE, "invalid input syntax for type vector", 2 },
		{ "0.5x", PGV_EPARSE, "invalid input syntax for type vector", 3 },
		{ "-", PGV_EPARSE, "invalid input syntax for type vector", 0 },
		{ "", PGV_EPARSE, "invalid input syntax for type vector", 0 },
		{ "0.5 0.5", PGV_EPARSE, "invalid input syntax for type vector", 4 },
		{ "nan", PGV_EVALUE, "NaN not allowed in vector", 0 },
		{ "-1e39", PGV_EVALUE, "\"-1e39\" is out of range for type vector", 0 },
		{ "NULL", PGV_EPARSE, "array must not contain nulls", 0 },
	};
	static const char *const goods[] = { "0.12345678,", "-1.2345678e+22,", "3.4e-12," };
	char text[1024];
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	for (size_t i = 0; i < 3 * sizeof(cases) / sizeof(cases[0]); i++) {
		const char *good = goods[i % 3];
		size_t n = 1, start;

		text[0] = '[';
		for (int k = 0; k < 12; k++)
			n += (size_t)sprintf(text + n, "%s", good);
		start = n;
		n += (size_t)sprintf(text + n, "%s,", cases[i / 3].bad);
		for (int k = 0; k < 12; k++)
			n += (size_t)sprintf(text + n, "%s", good);
		text[n - 1] = ']';
		assert_int_equal(pgv_vector_parse(text, n, &v), cases[i / 3].status);
		assert_non_null(strstr(pgv_error_last()->message, cases[i / 3].message_part));
		assert_int_equal(pgv_error_last()->offset, (int64_t)(start + cases[i / 3].offset));
		assert_null(v.data);
	}
}

/*
 * 16000 elements read by runs are accepted; the 16001st is refused at its offset: elements of
 * the usual shape ("0.5,") and of another plain shape ("5e+22,", the any-shape run).
 */
static void test_float_parse_runs__stop_at_the_dimension_limit(void **state)
{
	static const char *const elements[] = { "0.5,", "5e+22," };
	static const float values[] = { 0.5f, 5e22f };

	(void)state;
	for (size_t e = 0; e < 2; e++) {
		size_t k = strlen(elements[e]), len = 1 + k * 16001;
		char *text = malloc(len);
		pgv_vector v = PGV_VECTOR_INIT;

		assert_non_null(text);
		text[0] = '[';
		for (size_t i = 0; i < 16001; i++)
			memcpy(text + 1 + k * i, elements[e], k);
		text[len - 1] = ']';
		assert_int_equal(pgv_vector_parse(text, len, &v), PGV_EDIM);
		assert_int_equal(pgv_error_last()->offset, (int64_t)(1 + k * 16000));
		text[len - 1 - k] = ']';
		assert_int_equal(pgv_vector_parse(text, len - k, &v), PGV_OK);
		assert_int_equal(v.dim, 16000);
		assert_true(v.data[0] == values[e] && v.data[15999] == values[e]);
		pgv_vector_free(&v);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_parse_runs__elements_read_as_strtof),
		cmocka_unit_test(test_float_parse_runs__near_midpoints),
		cmocka_unit_test(test_float_parse_runs__shapes_beside_the_usual),
		cmocka_unit_test(test_float_parse_runs__the_expected_reader),
		cmocka_unit_test(test_float_parse_runs__errors_between_runs),
		cmocka_unit_test(test_float_parse_runs__stop_at_the_dimension_limit),
	};

	return cmocka_run_group_tests(tests, run_setup, run_teardown);
}
