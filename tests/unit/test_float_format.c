/* Unit tests of number output: shortest float/double text in PostgreSQL's layout. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "float_text.h"
#include "test_scale.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/vector.h"


/* A value and the text PostgreSQL 18 prints for it (taken from the server, not from this code). */
typedef struct float_case {
	float value;
	const char *text;
} float_case;

typedef struct double_case {
	double value;
	const char *text;
} double_case;

/* float4 output as PostgreSQL prints it, including its layout thresholds. */
static void test_float_format__matches_postgres_float4(void **state)
{
	static const float_case cases[] = {
		{ 0.1f, "0.1" }, { 100.0f, "100" }, { 1234567.0f, "1.234567e+06" },
		{ 1e-5f, "1e-05" }, { FLT_MAX, "3.4028235e+38" }, { 0.0001f, "0.0001" },
		{ 100000.0f, "100000" }, { 1000000.0f, "1e+06" }, { -0.0f, "-0" }, { 0.0f, "0" },
		{ 1.5e-45f, "1e-45" }, { FLT_MIN, "1.1754944e-38" }, { 1.17549421e-38f, "1.1754942e-38" },
		{ 16777216.0f, "1.6777216e+07" }, { 123.456f, "123.456" }, { 0.3f, "0.3" },
		{ 1.0f / 3.0f, "0.33333334" }, { 0.0009765625f, "0.0009765625" }, { -2.5f, "-2.5" },
		{ 8388608.0f, "8.388608e+06" }, { 1e10f, "1e+10" }, { 7e-45f, "7e-45" },
		/* shorter texts exist that lie exactly halfway to a neighbour; PostgreSQL avoids them */
		{ 36646552.0f, "3.6646552e+07" }, { 33554436.0f, "3.3554436e+07" },
		{ 1.7864e8f, "1.7864e+08" }, { -1.20636806e-29f, "-1.20636806e-29" },
		/* powers of two where printf's correctly rounded text misses and its neighbour fits */
		{ 0x1p-96f, "1.2621775e-29" }, { 0x1p87f, "1.5474251e+26" }, { -0x1p90f, "-1.2379401e+27" },
	};
	char buf[PGV_FLOAT_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = pgv_float_format(cases[i].value, buf, sizeof(buf));

		if (strcmp(buf, cases[i].text) != 0 || n != strlen(cases[i].text))
			fail_msg("%.9g: got \"%s\" (%zu), want \"%s\"", cases[i].value, buf, n, cases[i].text);
	}
}

/* float8 output as PostgreSQL prints it, including its layout thresholds. */
static void test_float_format__matches_postgres_float8(void **state)
{
	static const double_case cases[] = {
		{ 1.3038404993264, "1.3038404993264" }, { 1.1045361146699684, "1.1045361146699684" },
		{ 1.7635192467093759, "1.7635192467093759" }, { 1e15, "1e+15" },
		{ 123456789012345.0, "123456789012345" }, { 0.1, "0.1" }, { 1e-5, "1e-05" },
		{ DBL_MAX, "1.7976931348623157e+308" }, { 4.9406564584124654e-324, "5e-324" },
		{ 1e100, "1e+100" }, { DBL_MIN, "2.2250738585072014e-308" },
		{ 9007199254740993.0, "9.007199254740992e+15" }, { 0.1 + 0.2, "0.30000000000000004" },
		{ -1e-100, "-1e-100" }, { 999999999999999.0, "999999999999999" },
		{ 1e14, "100000000000000" }, { -0.0, "-0" },
		/* exact midpoints avoided, as PostgreSQL's Ryu does */
		{ 1e23, "9.999999999999999e+22" }, { 3.0892612233637952e16, "3.0892612233637952e+16" },
		/* powers of two where the correctly rounded neighbour is needed */
		{ 0x1p-1017, "7.120236347223045e-307" }, { 0x1p-383, "5.075883674631299e-116" },
	};
	char buf[PGV_DOUBLE_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = pgv_double_format(cases[i].value, buf, sizeof(buf));

		if (strcmp(buf, cases[i].text) != 0 || n != strlen(cases[i].text))
			fail_msg("%.17g: got \"%s\" (%zu), want \"%s\"", cases[i].value, buf, n, cases[i].text);
	}
}

/* NaN (of either sign) and the infinities print as PostgreSQL spells them. */
static void test_float_format__special_values(void **state)
{
	char buf[PGV_DOUBLE_TEXT_MAX];

	(void)state;
	assert_int_equal(pgv_float_format(NAN, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "NaN");
	assert_int_equal(pgv_float_format(-NAN, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "NaN");
	assert_int_equal(pgv_float_format(INFINITY, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "Infinity");
	assert_int_equal(pgv_float_format(-INFINITY, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "-Infinity");
	pgv_double_format(-INFINITY, buf, sizeof(buf));
	assert_string_equal(buf, "-Infinity");
	pgv_double_format(NAN, buf, sizeof(buf));
	assert_string_equal(buf, "NaN");
}

/* Capacity: an exact fit is written, one byte short leaves "", cap 0 accepts a NULL buffer. */
static void test_float_format__never_truncates(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(pgv_float_format(123.456f, buf, 8), 7);
	assert_string_equal(buf, "123.456");
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(pgv_float_format(123.456f, buf, 7), 7);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');
	assert_int_equal(pgv_float_format(123.456f, NULL, 0), 7);
	assert_int_equal(pgv_double_format(0.25, NULL, 0), 4);
	assert_int_equal(pgv_double_format(0.25, buf, 4), 4);
	assert_int_equal(buf[0], '\0');
}

/* Edge floats read back to the same bits. */
static void test_float_format__edge_values_round_trip(void **state)
{
	const float edges[] = { 0.0f, -0.0f, 1e-45f, 1.17549421e-38f, FLT_MIN, FLT_MAX, -FLT_MAX,
		0.1f, 1234567.0f, 1e-5f, 16777215.0f, 16777216.0f, 16777218.0f, -1.0f, 2.0f };
	char buf[PGV_FLOAT_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		float back;

		pgv_float_format(edges[i], buf, sizeof(buf));
		back = strtof(buf, NULL);
		assert_memory_equal(&back, &edges[i], sizeof(float));
	}
}

/* Checks PostgreSQL's layout: fixed for exponents in [-4, fixed_max), else d.ddde+XX. */
static void check_layout(const char *s, int fixed_max)
{
	const char *e = strchr(s, 'e');
	const char *p = s[0] == '-' ? s + 1 : s;

	if (e != NULL) {
		int exp10 = atoi(e + 1);

		if ((exp10 >= -4 && exp10 < fixed_max) || (e[1] != '+' && e[1] != '-') ||
		    strlen(e + 2) < 2 || p[0] < '1' || p[0] > '9' ||
		    (p + 1 != e && (p[1] != '.' || e[-1] == '0' || e - p < 3)))
			fail_msg("bad scientific layout \"%s\"", s);
	} else {
		const char *point = strchr(p, '.');
		int exp10 = 0;

		if (point == NULL) {
			exp10 = (int)strlen(p) - 1;
		} else if (p[0] == '0') {
			for (exp10 = -1; point[-exp10] == '0'; exp10--)
				;
		} else {
			exp10 = (int)(point - p) - 1;
		}
		if (exp10 < -4 || exp10 >= fixed_max || (point != NULL && s[strlen(s) - 1] == '0') ||
		    (p[0] == '0' && p[1] != '\0' && p[1] != '.'))
			fail_msg("bad fixed layout \"%s\" (exponent %d)", s, exp10);
	}
}

/* Smallest p whose correctly rounded p-digit text reads back to f, and that text. */
static int printf_shortest_float(float f, char *text, size_t cap)
{
	for (int p = 1; p < 9; p++) {
		snprintf(text, cap, "%.*e", p - 1, f);
		if (strtof(text, NULL) == f)
			return p;
	}
	snprintf(text, cap, "%.8e", f);
	return 9;
}

/* Digits of "%e" text without trailing zeros (into digits) and its exponent. */
static int sci_digits(const char *text, char *digits, size_t cap)
{
	size_t n = 0;
	const char *e = strchr(text, 'e');

	for (const char *s = text; s < e; s++)
		if (*s >= '0' && *s <= '9' && n + 1 < cap)
			digits[n++] = *s;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	return atoi(e + 1);
}

/* 1 when decimal text `ref` (from "%e") is exactly the long double `mid`, printed in full. */
static int text_is_exactly(const char *ref, long double mid)
{
	static char exact[1200], exact_digits[1200];
	char ref_digits[64];
	int ref_exp = sci_digits(ref, ref_digits, sizeof(ref_digits));

	snprintf(exact, sizeof(exact), "%.1100Le", mid); /* glibc prints the exact value */
	return sci_digits(exact, exact_digits, sizeof(exact_digits)) == ref_exp &&
		strcmp(exact_digits, ref_digits) == 0;
}

/* The midpoint between f and its neighbour towards `toward` (in long double, where it is exact). */
static long double float_midpoint(float f, long double toward)
{
	uint32_t bits;
	float other;
	int away = f < 0 ? toward < f : toward > f;

	memcpy(&bits, &f, sizeof(bits));
	bits = away ? bits + 1 : bits - 1;
	memcpy(&other, &bits, sizeof(other));
	if (isinf(other)) { /* one past FLT_MAX: half the ulp below it further up */
		bits -= 2;
		memcpy(&other, &bits, sizeof(other));
		return (long double)f + ((long double)f - other) / 2;
	}
	return ((long double)f + (long double)other) / 2;
}

/* The same for doubles. */
static long double double_midpoint(double d, long double toward)
{
	uint64_t bits;
	double other;
	int away = d < 0 ? toward < d : toward > d;

	memcpy(&bits, &d, sizeof(bits));
	bits = away ? bits + 1 : bits - 1;
	memcpy(&other, &bits, sizeof(other));
	if (isinf(other)) {
		bits -= 2;
		memcpy(&other, &bits, sizeof(other));
		return (long double)d + ((long double)d - other) / 2;
	}
	return ((long double)d + (long double)other) / 2;
}

/*
 * Random float bit patterns read back exactly, use PostgreSQL's layout, and are as short as the
 * printf search finds; longer only where printf's text is exactly halfway between two floats,
 * which PostgreSQL never prints (246867008 is "2.4686701e+08", not the midpoint "2.46867e+08").
 */
static void test_float_format__random_floats_shortest_round_trip(void **state)
{
	uint32_t seed = 2463534242u;
	char buf[PGV_FLOAT_TEXT_MAX], ref[32];
	int longer = 0;

	(void)state;
	for (unsigned long i = 0; i < test_scaled(300000); i++) {
		uint32_t bits = next_random(&seed);
		float f, back;
		int ours, theirs;

		memcpy(&f, &bits, sizeof(f));
		if (!isfinite(f))
			continue;
		assert_true(pgv_float_format(f, buf, sizeof(buf)) < PGV_FLOAT_TEXT_MAX);
		back = strtof(buf, NULL);
		if (memcmp(&back, &f, sizeof(f)) != 0)
			fail_msg("%08x: \"%s\" reads back as %a, not %a", bits, buf, back, f);
		check_layout(buf, 6);
		ours = significant_digits(buf);
		theirs = printf_shortest_float(f, ref, sizeof(ref));
		if (ours > theirs) {
			if (!text_is_exactly(ref, float_midpoint(f, strtold(ref, NULL))))
				fail_msg("%08x: \"%s\" is longer than \"%s\"", bits, buf, ref);
			longer++;
		}
	}
	assert_true(longer > 0 && longer < 3000); /* the midpoint exception is met, and rare */
}

/* Smallest p whose correctly rounded p-digit text reads back to d. */
static int printf_shortest_double(double d, char *text, size_t cap)
{
	for (int p = 1; p < 17; p++) {
		snprintf(text, cap, "%.*e", p - 1, d);
		if (strtod(text, NULL) == d)
			return p;
	}
	snprintf(text, cap, "%.16e", d);
	return 17;
}

/* Random doubles read back exactly, use the float8 layout, and are as short as printf finds. */
static void test_float_format__random_doubles_shortest_round_trip(void **state)
{
	uint32_t seed = 88675123u;
	char buf[PGV_DOUBLE_TEXT_MAX], ref[40];
	volatile long double one = 1.0L, eps = LDBL_EPSILON;

	(void)state;
	/*
	 * The midpoint check below needs a long double wider than double, in the type and in the
	 * arithmetic actually done: valgrind emulates x87 arithmetic with doubles.
	 */
	if (LDBL_MANT_DIG < 54 || one + eps == one)
		skip();
	for (unsigned long i = 0; i < test_scaled(100000); i++) {
		uint64_t bits = (uint64_t)next_random(&seed) << 32 | next_random(&seed);
		double d, back;
		int ours, theirs;

		memcpy(&d, &bits, sizeof(d));
		if (!isfinite(d))
			continue;
		assert_true(pgv_double_format(d, buf, sizeof(buf)) < PGV_DOUBLE_TEXT_MAX);
		back = strtod(buf, NULL);
		if (memcmp(&back, &d, sizeof(d)) != 0)
			fail_msg("%016llx: \"%s\" does not read back", (unsigned long long)bits, buf);
		check_layout(buf, 15);
		ours = significant_digits(buf);
		theirs = printf_shortest_double(d, ref, sizeof(ref));
		if (ours > theirs) {
			if (!text_is_exactly(ref, double_midpoint(d, strtold(ref, NULL))))
				fail_msg("%016llx: \"%s\" is longer than \"%s\"", (unsigned long long)bits,
					buf, ref);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_format__matches_postgres_float4),
		cmocka_unit_test(test_float_format__matches_postgres_float8),
		cmocka_unit_test(test_float_format__special_values),
		cmocka_unit_test(test_float_format__never_truncates),
		cmocka_unit_test(test_float_format__edge_values_round_trip),
		cmocka_unit_test(test_float_format__random_floats_shortest_round_trip),
		cmocka_unit_test(test_float_format__random_doubles_shortest_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
