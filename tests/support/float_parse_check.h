/*
 * Test support for the float reader tests (test_float_parse, test_float_parse_runs): the shared
 * run state (C locale, seeded splitmix64, counts), the comparison of pgv__read_float and
 * pgv__float_parse with strtof_l, and the random decimals both feed it.  Header-only because the
 * unit tests link no support library; include it after <cmocka.h>.  PGV_TEST_SEED changes the
 * random inputs; PGV_TEST_ROUNDS (default 1) multiplies their number.
 */
#ifndef PGV_FLOAT_PARSE_CHECK_H
#define PGV_FLOAT_PARSE_CHECK_H

#include "floatbits.h"

#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/common.h"

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
static inline uint64_t next_random(run *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Sets up the C locale and the random state from the environment. */
static inline int run_setup(void **state)
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
static inline int run_teardown(void **state)
{
	freelocale(((run *)*state)->c);
	return 0;
}

/* Starts a test's own random sequence, so each test repeats alone. */
static inline run *test_start(void **state, uint64_t salt)
{
	run *r = *state;

	r->rng = r->seed * 0x100000001b3u + salt;
	r->inputs = 0;
	r->fast = 0;
	return r;
}

/* Prints how many inputs a test checked and how many the fast path decided. */
static inline void report(const run *r, const char *what)
{
	print_message("%s: %lu inputs, %lu decided without strtof_l\n", what, r->inputs, r->fast);
}

/* A random float: any bit pattern, NaNs and infinities included. */
static inline float random_float(run *r)
{
	return from_bits((uint32_t)next_random(r));
}

/* strtof_l's reading of NUL-terminated text. */
static inline reading reference(const run *r, const char *text)
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
static inline void expect_same(const run *r, const char *what, const char *text, reading got,
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
static inline void check_len(run *r, const char *text, size_t len)
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
static inline void check(run *r, const char *text)
{
	check_len(r, text, strlen(text));
}

/*
 * Writes a random decimal: sign, 1..40 digits (some runs of leading zeros, some digit strings
 * mostly 9s or 0s to make carries and long trailing zeros), the point anywhere or nowhere, and
 * usually an exponent that puts the value between 1e-50 and 1e42, sometimes a huge one.
 */
static inline void random_decimal(run *r, char *text)
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

/*
 * Adds delta (-1, 0 or 1) to the decimal digits m[1..n], m[0] being '0' as room for a carry;
 * a decrement of zero is left out.  Returns where the digits now start (0 after a carry, else 1).
 */
static inline int bump(char *m, int n, int delta)
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

#endif
