/*
 * Unit tests of the float reader (src/codec/float_parse.c) behind pgv__read_float, one float at a
 * time: every input must give what strtof_l gives in the C locale, bit for bit, with the same
 * length read and the same ERANGE.  Hard cases by hand, then tens of millions of generated ones.
 * The vector element runs are tested in test_float_parse_runs.c.  PGV_TEST_SEED changes the
 * random inputs; PGV_TEST_ROUNDS (default 1) multiplies their number.
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

/* Inputs strtof reads in surprising ways, or where rounding is hardest. */
static const char *const hard_cases[] = {
	/* long digit strings, and 19/20 significant digits */
	"0.1000000000000000055511151231257827", "1.00000005960464477539062500000000001",
	"9999999999999999999", "99999999999999999999", "18446744073709551615",
	"18446744073709551616", "1000000000000000000000000000000000000000e-40",
	"0.10000000000000000000000000000000", "1.0000000000000000000000000000000000000001",
	"000000000000000000000000000000000000000000000000001", "0.0000000000000000000000000000001",
	/* halfway: 2^24 + 1, 2^23 + 0.5 and 1 + 2^-24 (exact ties), and 1 digit either side */
	"16777217", "16777217.0", "16777216.999999999", "16777217.000000001", "33554435",
	"8388608.5", "8388609.5", "8388608.4999999999", "8388608.5000000001",
	"1.000000059604644775390625", "1.000000059604644775390624", "1.000000059604644775390626",
	"0.5000000298023223876953125", "4.00000023841857910156250",
	/* subnormals, the least subnormal's half (a tie to 0) and underflow */
	"1e-45", "1.4e-45", "7e-46", "7.1e-46", "1e-46", "-1e-46", "1.401298464324817e-45",
	"7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743"
	"319094181060791015625e-46",
	"7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743"
	"319094181060791015626e-46",
	"1.1754942e-38", "1.17549421e-38", "1.1754943e-38", "1.17549435e-38", "1.175494350822e-38",
	"1.1754943157898259e-38", "1.17549431578982589e-38", "1.1754943508222875e-38",
	"1e-38", "1e-39", "1e-40", "1e-400", "-1e-400", "1e-99999999999999999999",
	/* the top of the range: FLT_MAX, the tie with 2^128 (rounds up: overflow), beyond */
	"1e38", "3.4028235e38", "3.40282347e38", "3.4028235677973366e38", "3.4028236e38",
	"340282356779733661637539395458142568448", "340282356779733661637539395458142568447",
	"3.40282356779733661637539395458142568449e38", "1e39", "1e400", "-1e400",
	"1e0000000000000000000000005", "1e-0000000000000000000000005", "1e+38", "1E38", "9e38",
	/* zeros, signs and the forms of the decimal grammar */
	"0", "-0", "+0", "0.0", "-0.0e5", "0e999999999999999", "-0e-999999999", "00000", "+1",
	"-1", ".5", "5.", "-.5e1", "+.5E-1", "0.", "1.e5", "007", "-00.00100",
	/* text strtof stops early in or does not read at all */
	"", ".", "-", "+", "e5", ".e5", "-.", "1e", "1e+", "1e-", "1E+x", "1.5x", "1..5", "1.5.5",
	"--1", "+-1", "1,5", " 1", "\t1", "\n-1", "1 ", "\xa0" "1", "x1",
	/* hex floats, inf and nan: strtof_l's */
	"0x1p-149", "0X1.FFFFFEp127", "-0x1.8p1", "0x", "0xg", "00x1", "0x.8", "0x1p", "-0X",
	"inf", "-INF", "infinity", "-Infinity", "infinit", "nan", "-nan", "NaN(123)", "nan(",
};

/* The hard cases and every prefix of them, read from buffers of exactly their length. */
static void test_float_parse__hard_cases_read_as_strtof(void **state)
{
	run *r = test_start(state, 1);

	for (size_t i = 0; i < sizeof(hard_cases) / sizeof(hard_cases[0]); i++) {
		for (size_t k = 0; k <= strlen(hard_cases[i]); k++) {
			char prefix[TEXT_MAX];
			char *exact = malloc(k + 1); /* +1: malloc(0) may return NULL */
			float f;
			reading got;

			assert_non_null(exact);
			memcpy(prefix, hard_cases[i], k);
			prefix[k] = '\0';
			check_len(r, prefix, k);
			/* no byte past k exists: a sanitizer build catches any read of one */
			memcpy(exact, prefix, k);
			assert_int_equal(pgv__read_float(exact, k, &f, &got.used, &got.erange), PGV_OK);
			got.bits = bits_of(f);
			expect_same(r, "exact-length", prefix, got, reference(r, prefix));
			free(exact);
		}
	}
	report(r, "hard cases and their prefixes");
}

/*
 * printf's %.{0..11}e (1..12 significant digits, sometimes with "+") and %.{1..40}g (fixed and
 * exponent forms, up to 40 digits) of random bit patterns.
 */
static void test_float_parse__printf_forms(void **state)
{
	run *r = test_start(state, 2);
	char text[TEXT_MAX];

	for (unsigned long i = 0; i < test_scaled(6000000ul * r->rounds); i++) {
		int k = (int)(i % 3);

		if (k < 2)
			snprintf(text, sizeof(text), i % 7 == 0 ? "%+.*e" : "%.*e", (int)(i / 3 % 12),
				(double)random_float(r));
		else
			snprintf(text, sizeof(text), i % 5 == 0 ? "%#.*G" : "%.*g", 1 + (int)(i / 3 % 40),
				(double)random_float(r));
		check(r, text);
	}
	report(r, "%.{0..11}e and %.{1..40}g");
}

/* Random digit strings of 1..40 digits with random points, signs and exponents. */
static void test_float_parse__random_digit_strings(void **state)
{
	run *r = test_start(state, 4);
	char text[TEXT_MAX];

	for (unsigned long i = 0; i < test_scaled(12000000ul * r->rounds); i++) {
		random_decimal(r, text);
		check(r, text);
	}
	report(r, "random digit strings");
}

/*
 * Checks the exact decimal of positive `mid` (a float midpoint, exact in a double) and, for each
 * digit count k, the decimals just below and above it: cut to k digits, that plus and minus one
 * unit in the last digit, and the exact digits padded to k digits plus and minus one.
 */
static void check_midpoint(run *r, double mid)
{
	char exact[TEXT_MAX], text[TEXT_MAX], m[TEXT_MAX];
	int nd, e10;

	/* 110 digits after the point hold any float midpoint's decimal exactly (2^-150: 105) */
	snprintf(exact, sizeof(exact), "%.110e", mid);
	e10 = atoi(exact + 113);
	exact[1] = exact[0]; /* the digits, without the point, from exact + 1 */
	for (nd = 111; exact[nd] == '0'; nd--)
		;
	snprintf(text, sizeof(text), "%c.%.*se%d", exact[1], nd - 1, exact + 2, e10);
	check(r, text);
	for (int k = 1; k <= 24 && k <= nd + 3; k++)
		for (int delta = k < nd ? -1 : k > 20 ? 2 : -1; delta <= 1; delta += k < nd ? 1 : 2) {
			int start;

			memset(m, '0', sizeof(m));
			memcpy(m + 1, exact + 1, (size_t)(k < nd ? k : nd));
			m[k + 1] = '\0';
			start = bump(m, k, delta);
			snprintf(text, sizeof(text), "%se%d", m + start, e10 - (k - 1));
			check(r, text);
		}
}

/* Checks the midpoints on both sides of the positive finite float with these bits. */
static void check_midpoints_of(run *r, uint32_t bits)
{
	double f = (double)from_bits(bits);
	double up = bits == 0x7f7fffffu ? 340282366920938463463374607431768211456.0 /* 2^128 */
		: (double)from_bits(bits + 1);

	check_midpoint(r, (f + up) / 2);
	if (bits > 0)
		check_midpoint(r, (f + (double)from_bits(bits - 1)) / 2);
}

/*
 * Halfway cases: the midpoints between neighbouring floats, exactly and one decimal unit either
 * side, for random floats (most have long midpoints), floats with short midpoints (exact ties
 * of few digits), powers of two, subnormals, FLT_MIN's and FLT_MAX's neighbourhoods.
 */
static void test_float_parse__halfway_cases(void **state)
{
	run *r = test_start(state, 5);

	for (unsigned long i = 0; i < test_scaled(40000ul * r->rounds); i++) {
		uint64_t a = next_random(r);
		/* few significant bits, exponent -40..19: the midpoint has few decimal digits */
		float s = (float)(a % (1u << 24) + 1) / 1099511627776.0f; /* / 2^40 */

		for (uint64_t k = (a >> 32) % 60; k > 0; k--)
			s *= 2.0f;
		if (((uint32_t)a & 0x7fffffffu) < 0x7f800000u)
			check_midpoints_of(r, (uint32_t)a & 0x7fffffffu);
		check_midpoints_of(r, bits_of(s));
	}
	for (uint32_t e = 0; e < 277; e++) /* the powers of two 2^-149 .. 2^127 */
		check_midpoints_of(r, e < 23 ? (uint32_t)1 << e : (e - 22) << 23);
	for (uint32_t k = 0; k < 64; k++) {
		check_midpoints_of(r, k);
		check_midpoints_of(r, 0x00800000u - 32 + k);
		check_midpoints_of(r, 0x7f7fffffu - k);
	}
	report(r, "halfway cases");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_parse__hard_cases_read_as_strtof),
		cmocka_unit_test(test_float_parse__printf_forms),
		cmocka_unit_test(test_float_parse__random_digit_strings),
		cmocka_unit_test(test_float_parse__halfway_cases),
	};

	return cmocka_run_group_tests(tests, run_setup, run_teardown);
}
