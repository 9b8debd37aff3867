/*
 * Unit tests of the float reader (src/codec/float_parse.c) behind pgv__read_float and of the
 * vector element runs it reads: every input must give what strtof_l gives in the C locale, bit
 * for bit, with the same length read and the same ERANGE.  Hard cases by hand, then tens of
 * millions of generated ones.  PGV_TEST_SEED changes the random inputs; PGV_TEST_ROUNDS
 * (default 1) multiplies their number.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "floatbits.h"
#include "test_scale.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/vector.h"

/* Longest generated input, with room for junk written after it. */
#define TEXT_MAX 200

/* The state every test shares: the reference locale, the random state and counts. */
typedef struct run {
	locale_t c;
	uint64_t seed;
	uint64_t rng;
	unsigned long rounds;
	unsigned long inputs;
	unsigned long fast; /* inputs pgv__float_parse decided without strtof_l */
} run;

/* What reading one text gave. */
typedef struct reading {
	uint32_t bits;
	size_t used;
	int erange;
} reading;

/* The next value of a splitmix64 sequence. */
static uint64_t next_random(run *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Sets up the C locale and the random state from the environment. */
static int run_setup(void **state)
{
	static run r;
	const char *seed = getenv("PGV_TEST_SEED"), *rounds = getenv("PGV_TEST_ROUNDS");

	r.c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	r.seed = seed != NULL ? strtoull(seed, NULL, 0) : 20240611u;
	r.rounds = rounds != NULL && strtoul(rounds, NULL, 10) > 0 ? strtoul(rounds, NULL, 10) : 1;
	*state = &r;
	return r.c == (locale_t)0 ? -1 : 0;
}

/* Releases the locale. */
static int run_teardown(void **state)
{
	freelocale(((run *)*state)->c);
	return 0;
}

/* Starts a test's own random sequence, so each test repeats alone. */
static run *test_start(void **state, uint64_t salt)
{
	run *r = *state;

	r->rng = r->seed * 0x100000001b3u + salt;
	r->inputs = 0;
	r->fast = 0;
	return r;
}

/* Prints how many inputs a test checked and how many the fast path decided. */
static void report(const run *r, const char *what)
{
	print_message("%s: %lu inputs, %lu decided without strtof_l\n", what, r->inputs, r->fast);
}

/* A random float: any bit pattern, NaNs and infinities included. */
static float random_float(run *r)
{
	return from_bits((uint32_t)next_random(r));
}

/* strtof_l's reading of NUL-terminated text. */
static reading reference(const run *r, const char *text)
{
	reading want;
	char *end;

	errno = 0;
	want.bits = bits_of(strtof_l(text, &end, r->c));
	want.erange = errno == ERANGE;
	want.used = (size_t)(end - text);
	return want;
}

/* Fails the test unless `got` equals `want` for `text`. */
static void expect_same(const run *r, const char *what, const char *text, reading got,
	reading want)
{
	if (got.bits != want.bits || got.used != want.used || got.erange != want.erange)
		fail_msg("%s \"%s\" (seed %llu): got %08x used %zu erange %d, strtof_l gives %08x"
			" used %zu erange %d", what, text, (unsigned long long)r->seed, (unsigned)got.bits,
			got.used, got.erange, (unsigned)want.bits, want.used, want.erange);
}

/*
 * Checks the first `len` bytes of `text` (NUL-terminated there): pgv__read_float must agree
 * with strtof_l, and so must pgv__float_parse when it decides.  Both read a copy followed by
 * digits, so reading past `len` would change the result.
 */
static void check_len(run *r, const char *text, size_t len)
{
	char padded[TEXT_MAX + 8];
	reading want = reference(r, text), got;
	float f;

	assert_true(len <= TEXT_MAX);
	memcpy(padded, text, len);
	memcpy(padded + len, "5e5", 4);
	if (pgv__float_parse(padded, len, &f, &got.used, &got.erange) == 0) {
		got.bits = bits_of(f);
		expect_same(r, "pgv__float_parse", text, got, want);
		r->fast++;
	}
	assert_int_equal(pgv__read_float(padded, len, &f, &got.used, &got.erange), PGV_OK);
	got.bits = bits_of(f);
	expect_same(r, "pgv__read_float", text, got, want);
	r->inputs++;
}

/* Checks one NUL-terminated text. */
static void check(run *r, const char *text)
{
	check_len(r, text, strlen(text));
}

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

/*
 * Writes a random decimal: sign, 1..40 digits (some runs of leading zeros, some digit strings
 * mostly 9s or 0s to make carries and long trailing zeros), the point anywhere or nowhere, and
 * usually an exponent that puts the value between 1e-50 and 1e42, sometimes a huge one.
 */
static void random_decimal(run *r, char *text)
{
	uint64_t a = next_random(r), b = next_random(r);
	int digits = 1 + (int)(a % 40), zeros = (a >> 8) % 4 == 0 ? (int)((a >> 10) % 12) : 0;
	int total = zeros + digits, point = (int)((a >> 14) % (uint64_t)(total + 2)) - 1;
	int style = (int)((a >> 22) % 4), n = 0, before;

	if ((a >> 24) % 4 == 0)
		text[n++] = (a >> 26) % 2 ? '-' : '+';
	for (int i = 0; i < total; i++) {
		uint64_t d = next_random(r);
		int c = (int)(d % 10);

		if (i == point)
			text[n++] = '.';
		if (i < zeros)
			c = 0;
		else if (style == 1 && d % 8 != 0)
			c = 9;
		else if (style == 2 && i > zeros && d % 8 != 0)
			c = 0;
		text[n++] = (char)('0' + c);
	}
	if (point == total)
		text[n++] = '.';
	before = point < 0 ? total : point;
	if (b % 5 != 0) {
		long e = (long)((b >> 8) % 93) - 50 - before + zeros;

		if (b % 64 == 1)
			e = (long)((b >> 8) % 2000000000u) - 1000000000;
		n += snprintf(text + n, (size_t)(TEXT_MAX - n), (b >> 4) % 2 ? "e%s%0*ld" : "E%s%0*ld",
			e >= 0 && (b >> 5) % 2 ? "+" : "", (int)((b >> 6) % 4), e);
	}
	text[n] = '\0';
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
 * Adds delta (-1, 0 or 1) to the decimal digits m[1..n], m[0] being '0' as room for a carry;
 * a decrement of zero is left out.  Returns where the digits now start (0 after a carry, else 1).
 */
static int bump(char *m, int n, int delta)
{
	int i = n;

	m[0] = '0';
	if (delta < 0 && (int)strspn(m + 1, "0") >= n)
		delta = 0;
	for (; delta > 0 && m[i] == '9'; i--)
		m[i] = '0';
	for (; delta < 0 && m[i] == '0'; i--)
		m[i] = '9';
	m[i] = (char)(m[i] + delta);
	return m[0] == '0';
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
static void test_float_parse__vector_elements_read_as_strtof(void **state)
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
static void test_float_parse__vector_near_midpoints(void **state)
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
 * A bad element after and before runs of good ones gets pgvector's error at its own offset, with
 * good elements of the usual shape (the SIMD run) and of spread magnitudes (the any-shape run).
 */
static void test_float_parse__vector_errors_between_runs(void **state)
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
static void test_float_parse__vector_runs_stop_at_the_dimension_limit(void **state)
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
		cmocka_unit_test(test_float_parse__hard_cases_read_as_strtof),
		cmocka_unit_test(test_float_parse__printf_forms),
		cmocka_unit_test(test_float_parse__random_digit_strings),
		cmocka_unit_test(test_float_parse__halfway_cases),
		cmocka_unit_test(test_float_parse__vector_elements_read_as_strtof),
		cmocka_unit_test(test_float_parse__vector_near_midpoints),
		cmocka_unit_test(test_float_parse__vector_errors_between_runs),
		cmocka_unit_test(test_float_parse__vector_runs_stop_at_the_dimension_limit),
	};

	return cmocka_run_group_tests(tests, run_setup, run_teardown);
}
