/*
 * Shortest round-trip decimal text for float and double, laid out as PostgreSQL 12+ prints
 * float4 and float8 (src/common/f2s.c and d2s.c).
 *
 * Floats, which vectors are made of, are written by src/codec/float_text.h, straight into the
 * caller's buffer.
 *
 * Doubles (only a few distances are printed) keep a version built for correctness, not speed:
 * for each digit count p it takes the correctly rounded p-digit decimal from the C library's
 * printf and its two p-digit neighbours, and accepts the first p where one of them is a valid
 * output, preferring the correctly rounded one.  That is Ryu's answer: the shortest decimal
 * inside the rounding interval, and of those the closest to the exact value.  The neighbours
 * matter at a power of two, where the interval is narrower below the value than above, so the
 * correctly rounded decimal can fall outside it while its neighbour is inside.
 *
 * A valid output reads back (strtof/strtod) to the same bits and is not exactly the midpoint
 * between the value and a neighbouring float: PostgreSQL builds Ryu with STRICTLY_SHORTEST 0
 * (src/common/ryu_common.h), so the interval is open and a midpoint, which reads back only by
 * the round-half-even rule, is never printed.  E.g. float 36646552 prints "3.6646552e+07", not
 * the shorter "3.664655e+07", which lies exactly halfway to 36646548.
 */
#include "common/error.h"
#include "codec/float_text.h"
#include "codec/numtext.h"
#include "pgvodbc/vector.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most significant digits any double needs to read back exactly. */
#define MAX_DIGITS 17

/* A positive decimal d.ddd x 10^exp10, its digits without leading zeros. */
typedef struct decimal {
	char digits[MAX_DIGITS + 1];
	int n;
	int exp10;
} decimal;

/* What the search needs of the number type: precision, layout threshold, bits and read-back. */
typedef struct number_kind {
	int max_digits; /* digits that always suffice */
	int fixed_max;  /* fixed notation when -4 <= exp10 < fixed_max */
	/* m and e with m * 2^e exactly the value `step` (-1, 0, +1) floats away from positive x */
	void (*split)(double x, int step, uint64_t *m, int *e);
	/* 1 when text read back gives exactly the bits of x */
	int (*reads_back)(const char *text, double x, locale_t c);
} number_kind;

/* Splits the double `step` representable doubles from positive x into m * 2^e. */
static void double_split(double x, int step, uint64_t *m, int *e)
{
	uint64_t bits, biased;

	memcpy(&bits, &x, sizeof(bits));
	bits = bits + (uint64_t)(int64_t)step; /* one past DBL_MAX is 2^1024 */
	biased = bits >> 52;
	*m = bits & 0xfffffffffffffu;
	if (biased != 0)
		*m |= (uint64_t)1 << 52;
	*e = (biased != 0 ? (int)biased : 1) - 1075;
}

/* 1 when `text` read as a double gives exactly the bits of `x`. */
static int double_reads_back(const char *text, double x, locale_t c)
{
	double got = c ? strtod_l(text, NULL, c) : strtod(text, NULL);

	return memcmp(&got, &x, sizeof(got)) == 0;
}

static const number_kind double_kind = { 17, 15, double_split, double_reads_back };

/* A binary midpoint s * 2^e between positive x and one of its neighbours. */
typedef struct midpoint {
	uint64_t s;
	int e;
} midpoint;

/* The midpoint between positive x and its neighbour `step` (-1 or +1) floats away. */
static midpoint midpoint_of(double x, int step, const number_kind *kind)
{
	uint64_t mx, my;
	int ex, ey, e0;
	midpoint mid;

	kind->split(x, 0, &mx, &ex);
	kind->split(x, step, &my, &ey);
	/* the exponents differ by at most one (at a power of two); my is 0 below the least denormal */
	e0 = my == 0 || ex < ey ? ex : ey;
	mid.s = (mx << (ex - e0)) + (my << (my == 0 ? 0 : ey - e0));
	mid.e = e0 - 1;
	return mid;
}

/* Removes factors of `f` from *v (nonzero), returning how many were removed. */
static int strip_factor(uint64_t *v, unsigned f)
{
	int k = 0;

	while (*v % f == 0) {
		*v /= f;
		k++;
	}
	return k;
}

/*
 * The correctly rounded p-digit decimal of positive finite `x`, from printf's "%.*e".  Any byte
 * between the digits is skipped, so a locale's radix character cannot confuse the reading.
 */
static void decimal_round(double x, int p, decimal *d)
{
	char text[64];
	const char *s = text;
	int neg_exp = 0, e = 0;

	snprintf(text, sizeof(text), "%.*e", p - 1, x);
	d->n = 0;
	for (; *s != '\0' && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && d->n < MAX_DIGITS)
			d->digits[d->n++] = *s;
	if (*s == 'e')
		s++;
	if (*s == '-' || *s == '+')
		neg_exp = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++)
		e = e * 10 + (*s - '0');
	d->exp10 = neg_exp ? -e : e;
}

/* Moves `d` one unit of its last digit up (step +1) or down (step -1), keeping n digits. */
static void decimal_step(decimal *d, int step)
{
	int i = d->n - 1;

	if (step > 0) {
		while (i >= 0 && d->digits[i] == '9')
			d->digits[i--] = '0';
		if (i >= 0) {
			d->digits[i]++;
		} else {
			/* 99..9 + 1 = 100..0 one decade up */
			d->digits[0] = '1';
			d->exp10++;
		}
	} else {
		while (i >= 0 && d->digits[i] == '0')
			d->digits[i--] = '9';
		d->digits[i]--; /* digits[0] is never 0, so i >= 0 here */
		if (d->digits[0] == '0') {
			/* 10..0 - 1 unit: the p-digit neighbour below is 99..9 one decade down */
			memset(d->digits, '9', (size_t)d->n);
			d->exp10--;
		}
	}
}

/* Writes `d` as C-locale scientific text "d.ddde-X" into `out` (at least 32 bytes). */
static void decimal_sci(const decimal *d, char *out)
{
	char exp_digits[8];
	int e = d->exp10 < 0 ? -d->exp10 : d->exp10;
	int k = 0;
	size_t o = 0;

	out[o++] = d->digits[0];
	if (d->n > 1) {
		out[o++] = '.';
		memcpy(out + o, d->digits + 1, (size_t)d->n - 1);
		o += (size_t)d->n - 1;
	}
	out[o++] = 'e';
	out[o++] = d->exp10 < 0 ? '-' : '+';
	do {
		exp_digits[k++] = (char)('0' + e % 10);
		e /= 10;
	} while (e > 0);
	while (k < 2)
		exp_digits[k++] = '0';
	while (k > 0)
		out[o++] = exp_digits[--k];
	out[o] = '\0';
}

/* 1 when decimal `d` is exactly the binary midpoint `mid`, compared in integers. */
static int decimal_is(const decimal *d, midpoint mid)
{
	uint64_t n = 0, s = mid.s;
	int k = d->exp10 - (d->n - 1); /* d = n * 10^k */
	int n2, n5, s2, s5;

	for (int i = 0; i < d->n; i++)
		n = n * 10 + (uint64_t)(d->digits[i] - '0');
	if (n == 0 || s == 0)
		return 0;
	n2 = strip_factor(&n, 2);
	n5 = strip_factor(&n, 5);
	s2 = strip_factor(&s, 2);
	s5 = strip_factor(&s, 5);
	return n == s && n2 + k == s2 + mid.e && n5 + k == s5;
}

/* 1 when `d` is a valid output for x: it reads back to x and is not a midpoint. */
static int decimal_valid(const decimal *d, double x, const number_kind *kind,
	const midpoint mids[2], locale_t c)
{
	char text[32];

	decimal_sci(d, text);
	return kind->reads_back(text, x, c) && !decimal_is(d, mids[0]) && !decimal_is(d, mids[1]);
}

/* The shortest valid decimal for positive finite `x`, closest to it among equals. */
static void shortest(double x, const number_kind *kind, decimal *out)
{
	locale_t c = pgv__c_locale();
	locale_t previous = c ? uselocale(c) : (locale_t)0;
	midpoint mids[2];
	decimal up, down;

	mids[0] = midpoint_of(x, -1, kind);
	mids[1] = midpoint_of(x, 1, kind);
	for (int p = 1; p <= kind->max_digits; p++) {
		decimal_round(x, p, out);
		if (p == kind->max_digits || decimal_valid(out, x, kind, mids, c))
			break;
		up = *out;
		decimal_step(&up, 1);
		if (decimal_valid(&up, x, kind, mids, c)) {
			*out = up;
			break;
		}
		down = *out;
		decimal_step(&down, -1);
		if (decimal_valid(&down, x, kind, mids, c)) {
			*out = down;
			break;
		}
	}
	if (c)
		uselocale(previous);
	/* a neighbour can end in zeros (1.000 after 0.999); they are not significant */
	while (out->n > 1 && out->digits[out->n - 1] == '0')
		out->n--;
}

/* Lays out `d` as PostgreSQL does; returns the length written to `out` (NUL-terminated). */
static size_t layout(const decimal *d, int negative, int fixed_max, char *out)
{
	size_t o = 0;
	int e = d->exp10;

	if (negative)
		out[o++] = '-';
	if (e < -4 || e >= fixed_max) {
		decimal_sci(d, out + o);
		return o + strlen(out + o);
	}
	if (e < 0) {
		/* 0.000ddd */
		out[o++] = '0';
		out[o++] = '.';
		for (int z = -1; z > e; z--)
			out[o++] = '0';
		memcpy(out + o, d->digits, (size_t)d->n);
		o += (size_t)d->n;
	} else if (d->n <= e + 1) {
		/* ddd000 */
		memcpy(out + o, d->digits, (size_t)d->n);
		o += (size_t)d->n;
		for (int z = d->n; z <= e; z++)
			out[o++] = '0';
	} else {
		/* dd.ddd */
		memcpy(out + o, d->digits, (size_t)e + 1);
		o += (size_t)e + 1;
		out[o++] = '.';
		memcpy(out + o, d->digits + e + 1, (size_t)(d->n - e - 1));
		o += (size_t)(d->n - e - 1);
	}
	out[o] = '\0';
	return o;
}

/* Formats double `x` into `out` of at least 32 bytes. */
static size_t number_text(double x, const number_kind *kind, char *out)
{
	decimal d;
	int negative = signbit(x) != 0;

	if (isnan(x)) {
		memcpy(out, "NaN", 4);
		return 3;
	}
	if (isinf(x)) {
		memcpy(out, negative ? "-Infinity" : "Infinity", negative ? 10 : 9);
		return negative ? 9 : 8;
	}
	if (x == 0) {
		memcpy(out, negative ? "-0" : "0", negative ? 3 : 2);
		return negative ? 2 : 1;
	}
	shortest(fabs(x), kind, &d);
	return layout(&d, negative, kind->fixed_max, out);
}

/* Copies text of length n into the caller's buffer when it fits, else leaves "" there. */
static size_t deliver(const char *text, size_t n, char *buf, size_t cap)
{
	if (n < cap)
		memcpy(buf, text, n + 1);
	else if (cap > 0)
		buf[0] = '\0';
	return n;
}

/* Writes the shortest round-trip text of a float in PostgreSQL's float4 layout. */
size_t pgv_float_format(float f, char *buf, size_t cap)
{
	char text[PGV_FLOAT_TEXT_MAX];
	size_t n;

	if (buf != NULL && cap >= PGV_FLOAT_TEXT_MAX) {
		n = pgv__float_write(buf, f); /* always fits: no copy */
		buf[n] = '\0';
		return n;
	}
	n = pgv__float_write(text, f);
	text[n] = '\0';
	return deliver(text, n, buf, cap);
}

/* Writes the shortest round-trip text of a double in PostgreSQL's float8 layout. */
size_t pgv_double_format(double d, char *buf, size_t cap)
{
	char text[32];

	return deliver(text, number_text(d, &double_kind, text), buf, cap);
}
