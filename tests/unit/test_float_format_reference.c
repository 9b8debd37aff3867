/*
 * Unit tests of float output against a reference formatter built only on the C library: every
 * binade edge, integers and sixteen million random bit patterns print exactly as it does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "float_text.h"
#include "test_scale.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/vector.h"

/*
 * The previous float formatter, kept as the reference: for p = 1, 2, ... digits it takes printf's
 * correctly rounded p-digit decimal and its two p-digit neighbours, and accepts the first that
 * reads back (strtof) and is not exactly the midpoint to a neighbouring float; then PostgreSQL's
 * layout.  Slow (about 1.6 us) but built only on the C library.
 */
typedef struct ref_decimal {
	char digits[10];
	int n, exp10;
} ref_decimal;

/* m and e with m * 2^e exactly the float `step` floats from positive f (past FLT_MAX: 2^128). */
static void ref_split(float f, int step, uint64_t *m, int *e)
{
	uint32_t bits;

	memcpy(&bits, &f, sizeof(bits));
	bits = (uint32_t)(bits + (uint32_t)step);
	*m = (bits & 0x7fffffu) | (bits >> 23 != 0 ? 0x800000u : 0);
	*e = (bits >> 23 != 0 ? (int)(bits >> 23) : 1) - 150;
}

/* Removes the factors `f` from *v (nonzero) and returns how many there were. */
static int ref_strip(uint64_t *v, unsigned f)
{
	int k = 0;

	for (; *v % f == 0; k++)
		*v /= f;
	return k;
}

/* 1 when `d` is exactly the midpoint between positive f and its neighbour `step` (+-1) away. */
static int ref_is_midpoint(const ref_decimal *d, float f, int step)
{
	uint64_t mx, my, s, n = 0;
	int ex, ey, e0, n2, n5, s2, s5, k = d->exp10 - (d->n - 1); /* d = n * 10^k */

	ref_split(f, 0, &mx, &ex);
	ref_split(f, step, &my, &ey);
	e0 = my == 0 || ex < ey ? ex : ey;
	s = (mx << (ex - e0)) + (my << (my == 0 ? 0 : ey - e0)); /* midpoint: s * 2^(e0-1) */
	for (int i = 0; i < d->n; i++)
		n = n * 10 + (uint64_t)(d->digits[i] - '0');
	if (n == 0 || s == 0)
		return 0;
	n2 = ref_strip(&n, 2);
	n5 = ref_strip(&n, 5);
	s2 = ref_strip(&s, 2);
	s5 = ref_strip(&s, 5);
	return n == s && n2 + k == s2 + e0 - 1 && n5 + k == s5;
}

/* printf's correctly rounded p-digit decimal of positive f. */
static void ref_round(float f, int p, ref_decimal *d)
{
	char text[40];
	const char *s = text;

	snprintf(text, sizeof(text), "%.*e", p - 1, f);
	for (d->n = 0; *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			d->digits[d->n++] = *s;
	d->exp10 = atoi(s + 1);
}

/* Moves `d` one unit of its last digit up (+1) or down (-1), keeping its digit count. */
static void ref_step(ref_decimal *d, int step)
{
	int i = d->n - 1;
	char from = step > 0 ? '9' : '0', to = step > 0 ? '0' : '9';

	while (i >= 0 && d->digits[i] == from)
		d->digits[i--] = to;
	if (i >= 0)
		d->digits[i] = (char)(d->digits[i] + step);
	if (i < 0 || d->digits[0] == '0') { /* 99..9 + 1 is 10..0, 10..0 - 1 is 99..9: next decade */
		memset(d->digits, step > 0 ? '0' : '9', (size_t)d->n);
		d->digits[0] = step > 0 ? '1' : '9';
		d->exp10 += step;
	}
}

/* 1 when `d` reads back to positive f and is not a midpoint. */
static int ref_valid(const ref_decimal *d, float f)
{
	char text[24] = { d->digits[0], '.' };
	int o = 2, e = d->exp10 < 0 ? -d->exp10 : d->exp10;

	memcpy(text + o, d->digits + 1, (size_t)d->n - 1); /* by hand: snprintf would double the cost */
	o += d->n - 1;
	text[o++] = 'e';
	text[o++] = d->exp10 < 0 ? '-' : '+';
	text[o++] = (char)('0' + e / 10);
	text[o++] = (char)('0' + e % 10);
	text[o] = '\0';
	return strtof(text, NULL) == f && !ref_is_midpoint(d, f, -1) && !ref_is_midpoint(d, f, 1);
}

/* The shortest valid decimal for positive f, searched from `first_p` digits. */
static void ref_shortest(float f, int first_p, ref_decimal *out)
{
	for (int p = first_p; p <= 9; p++) {
		ref_decimal up, down;

		ref_round(f, p, out);
		if (p == 9 || ref_valid(out, f))
			break;
		up = down = *out;
		ref_step(&up, 1);
		ref_step(&down, -1);
		if (ref_valid(&up, f) || ref_valid(&down, f)) {
			*out = ref_valid(&up, f) ? up : down;
			break;
		}
	}
	while (out->n > 1 && out->digits[out->n - 1] == '0')
		out->n--;
}

/* The reference text of f (finite), its digit search started at `first_p` digits. */
static void ref_format(float f, int first_p, char *out)
{
	ref_decimal d;
	int e, neg = signbit(f) != 0;

	if (f == 0) {
		strcpy(out, neg ? "-0" : "0");
		return;
	}
	ref_shortest(fabsf(f), first_p, &d);
	e = d.exp10;
	if (e < -4 || e >= 6)
		sprintf(out, "%s%c%s%.*se%c%02d", neg ? "-" : "", d.digits[0], d.n > 1 ? "." : "",
			d.n - 1, d.digits + 1, e < 0 ? '-' : '+', abs(e));
	else if (e < 0)
		sprintf(out, "%s0.%.*s%.*s", neg ? "-" : "", -e - 1, "000", d.n, d.digits);
	else if (d.n <= e + 1)
		sprintf(out, "%s%.*s%.*s", neg ? "-" : "", d.n, d.digits, e + 1 - d.n, "00000");
	else
		sprintf(out, "%s%.*s.%.*s", neg ? "-" : "", e + 1, d.digits, d.n - e - 1, d.digits + e + 1);
}

/*
 * Compares pgv_float_format with the reference for the float with these bits; fails on any
 * difference.  With `anchored`, the reference starts at one digit fewer than ours: no valid
 * decimal there means none with fewer digits either (a p-digit decimal is also a (p+1)-digit
 * one), so the answer is the full search's, for the cost of two digit counts.
 */
static int differs_from_reference(uint32_t bits, int anchored, char *ours, char *want)
{
	size_t n;
	int digits;
	float f;

	memcpy(&f, &bits, sizeof(f));
	if (!isfinite(f))
		return 0;
	n = pgv_float_format(f, ours, PGV_FLOAT_TEXT_MAX);
	digits = significant_digits(ours);
	ref_format(f, anchored && digits > 1 ? digits - 1 : 1, want);
	return n != strlen(ours) || strcmp(ours, want) != 0;
}

/* Fails the test when the float with these bits prints differently from the reference. */
static void check_against_reference(uint32_t bits, int anchored)
{
	char ours[PGV_FLOAT_TEXT_MAX], want[40];
	float f;

	memcpy(&f, &bits, sizeof(f));
	if (differs_from_reference(bits, anchored, ours, want))
		fail_msg("%08x (%.9g): \"%s\", the reference prints \"%s\"", bits, f, ours, want);
}

/* Random patterns each of two threads compares: fewer under the (slow) sanitizers. */
#if defined(__SANITIZE_ADDRESS__)
#define SWEEP 2000000u
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SWEEP 2000000u
#endif
#endif
#ifndef SWEEP
#define SWEEP 8000000u
#endif

/* One thread's share of the random comparison: its seed, count, and the first mismatch. */
typedef struct sweep {
	uint32_t seed, count, bad_bits;
	int bad;
} sweep;

/* Compares `count` random patterns (every 64th with the full search); no cmocka calls here. */
static void *sweep_random(void *arg)
{
	sweep *w = arg;
	char ours[PGV_FLOAT_TEXT_MAX], want[40];

	for (uint32_t i = 0; i < w->count && !w->bad; i++) {
		uint32_t bits = next_random(&w->seed);

		if (differs_from_reference(bits, i % 64 != 0, ours, want)) {
			w->bad = 1;
			w->bad_bits = bits;
		}
	}
	return NULL;
}

/* Every binade edge (all powers of two and their neighbours), denormals and limits, both signs. */
static void test_float_format_reference__matches_at_edges(void **state)
{
	static const float limits[] = { FLT_MAX, FLT_MIN, FLT_TRUE_MIN, 1.0f, 0.1f, 1e-5f, 1e6f };
	uint32_t bits;

	(void)state;
	for (uint32_t sign = 0; sign < 2; sign++) {
		for (uint32_t field = 0; field < 255; field++)
			for (uint32_t low = 0; low < 4; low++) {
				check_against_reference(sign << 31 | field << 23 | low, 0);
				check_against_reference(sign << 31 | (((field + 1) << 23) - 1 - low), 0);
			}
		for (int k = 0; k < 23; k++) /* denormal powers of two and their neighbours */
			for (int d = -1; d <= 1; d++)
				check_against_reference(sign << 31 | (uint32_t)((1 << k) + d), 0);
		for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
			memcpy(&bits, &limits[i], sizeof(bits));
			check_against_reference(sign << 31 | bits, 0);
		}
	}
}

/* Sixteen million random bit patterns print exactly as the reference (on two threads). */
static void test_float_format_reference__matches_on_random_bits(void **state)
{
	sweep work[2] = { { 0x2545F491u, (uint32_t)test_scaled(SWEEP), 0, 0 },
		{ 0x9E3779B9u, (uint32_t)test_scaled(SWEEP), 0, 0 } };
	pthread_t other;

	(void)state;
	assert_int_equal(pthread_create(&other, NULL, sweep_random, &work[1]), 0);
	sweep_random(&work[0]);
	assert_int_equal(pthread_join(other, NULL), 0);
	for (int t = 0; t < 2; t++)
		if (work[t].bad) {
			check_against_reference(work[t].bad_bits, 1); /* fails with the texts */
			fail_msg("%08x differs from the reference", work[t].bad_bits);
		}
}

/* Integers 1..2^24 (every 7th, plus all below 100000) print exactly as the reference. */
static void test_float_format_reference__matches_on_integers(void **state)
{
	const uint32_t stride = (uint32_t)(7 * (test_scale() < 1000 ? test_scale() : 1000));
	float f;
	uint32_t bits;

	(void)state;
	for (uint32_t i = 1; i <= 1u << 24; i += i < 100000 ? 1 : stride) {
		f = (float)i;
		memcpy(&bits, &f, sizeof(bits));
		check_against_reference(bits, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_format_reference__matches_at_edges),
		cmocka_unit_test(test_float_format_reference__matches_on_random_bits),
		cmocka_unit_test(test_float_format_reference__matches_on_integers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
