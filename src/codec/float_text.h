/*
 * Internal: float32 -> PostgreSQL's float4 text (extra_float_digits >= 1), inline so that the
 * vector formatter's loop and pgv_float_format each get the whole path without a call.  Never
 * installed.
 *
 * Digits: the shortest decimal strictly inside the float's rounding interval, the one closest to
 * the value among equals (ties to even), as PostgreSQL's Ryu code (src/common/f2s.c) prints.
 * PostgreSQL keeps the interval open at both ends whatever the parity of the significand, so a
 * decimal exactly halfway to a neighbour, which reads back only by round-half-even, is never
 * chosen (float 36646552 prints "3.6646552e+07", not the shorter "3.664655e+07").
 *
 * The search is written after Junekey Jeon, "Dragonbox: A New Floating-Point Binary-to-Decimal
 * Conversion Algorithm" (2020), for binary32 (kappa = 1): one multiplication by a 64-bit power of
 * ten scales the upper end of the interval to an integer zi with two digits more than the
 * shortest candidate can have; zi / 100 is that candidate when the interval, delta units wide,
 * reaches it; otherwise the answer has one digit more and is the integer nearest the value, found
 * from the remainder with a second, cheap multiplication for the parity of the exact product.
 * Both answers are computed and one is selected, because which one applies is a coin toss for
 * random data and a mispredicted branch costs more than the arithmetic.
 *
 * Text: the significand is padded to nine digits; the first digit and the other eight (as ASCII
 * in one 64-bit word, converted in parallel lanes) are stored at their final places with whole
 * word stores, and the length is counted from the trailing zero bytes of that word, so no digit
 * is ever moved or stripped one at a time.  Every store lands inside the first 16 bytes.
 */
#ifndef PGV_INTERNAL_FLOAT_TEXT_H
#define PGV_INTERNAL_FLOAT_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The writer is meant to be inlined into each loop that formats floats, even where it is large. */
#if defined(__GNUC__)
#define PGV__FLOAT_INLINE static inline __attribute__((always_inline))
#else
#define PGV__FLOAT_INLINE static inline
#endif

/* 10^k for k = PGV__POW10_64_MIN..PGV__POW10_64_MAX, as 64-bit multipliers (float_shortest.c). */
#define PGV__POW10_64_MIN (-31)
#define PGV__POW10_64_MAX 46
extern const uint64_t pgv__pow10_64[PGV__POW10_64_MAX - PGV__POW10_64_MIN + 1];

/* What the core needs of a biased exponent field: see pgv__float_shortest_fc. */
typedef struct pgv__float_scale {
	uint64_t c;      /* 10^k as a 64-bit multiplier, k = -minus_k */
	uint32_t deltai; /* floor(2^e 10^k), the interval's width at that scale */
	int8_t beta;     /* e + floor(k log2(10)) */
	int8_t minus_k;  /* floor(e log10(2)) - 1 */
} pgv__float_scale;

/* pgv__float_scale of each biased exponent field (float_shortest.c, generated). */
extern const pgv__float_scale pgv__float_scales[256];

/* "00" to "99", for writing two digits with one store (float_shortest.c). */
extern const char pgv__digit_pairs[201];

/* A finite nonzero float's shortest decimal, digits * 10^exp10; digits < 10^9 may end in 0s. */
typedef struct pgv__float_decimal {
	uint32_t digits;
	int exp10;
} pgv__float_decimal;

/* floor(e * log10(2)) for |e| < 1700 (checked by scripts/gen_float_cache.py). */
static inline int pgv__floor_log10_pow2(int e)
{
	return (e * 315653) >> 20;
}

/* floor(k * log2(10)) for |k| < 1700. */
static inline int pgv__floor_log2_pow10(int k)
{
	return (k * 1741647) >> 19;
}

/* The integer part of u * c / 2^64 (u < 2^32) and 1 when its next 32 fraction bits are 0. */
static inline uint32_t pgv__mul_upper(uint32_t u, uint64_t c, int *is_integer)
{
#if defined(__SIZEOF_INT128__)
	__extension__ unsigned __int128 full = (unsigned __int128)u * c; /* one multiplication */
	uint64_t r = (uint64_t)(full >> 32);
#else
	/* u * c / 2^32 fits 64 bits: u * (c >> 32) < 2^64 - 2^32 leaves room for the carry */
	uint64_t r = (uint64_t)u * (c >> 32) + (((uint64_t)u * (uint32_t)c) >> 32);
#endif

	*is_integer = (uint32_t)r == 0;
	return (uint32_t)(r >> 32);
}

/*
 * For u * c / 2^(64 - beta) (1 <= beta <= 31): the parity of its integer part, and in
 * *is_integer whether its next 32 fraction bits are 0.
 */
static inline int pgv__mul_parity(uint32_t u, uint64_t c, int beta, int *is_integer)
{
	uint64_t r = (uint64_t)u * c; /* the low 64 bits are all that is needed */

	*is_integer = (uint32_t)(r >> (32 - beta)) == 0;
	return (int)((r >> (64 - beta)) & 1);
}

/*
 * A power of two, 2^23 * 2^e with a float below it half as far away as the one above: the
 * interval is (value - 2^(e-2), value + 2^(e-1)).  One float in 2^23; kept apart and simple.
 */
static inline pgv__float_decimal pgv__float_shortest_pow2(int e)
{
	/* floor(e * log10(2) - log10(4/3)): the level where the interval holds a candidate */
	int minus_k = (e * 631305 - 261663) >> 21;
	int k = -minus_k, beta = e + pgv__floor_log2_pow10(k);
	uint64_t c = pgv__pow10_64[k - PGV__POW10_64_MIN];
	/* the ends, scaled by 10^k: (2^25 - 1) 2^(e-2) 10^k and (2^24 + 1) 2^(e-1) 10^k */
	uint32_t xi = (uint32_t)((c - (c >> 25)) >> (40 - beta));
	uint32_t zi = (uint32_t)((c + (c >> 24)) >> (40 - beta));
	uint32_t s, y;
	pgv__float_decimal d;

	/*
	 * The interval is open: the least candidate is floor(x) + 1 always, the greatest z - 1
	 * when z is an integer.  2^25 - 1 and 2^24 + 1 have no factor 5, so an end is an integer
	 * exactly when 10^k supplies no 5 in the denominator (k >= 0) and the powers of two do.
	 */
	xi++;
	zi -= (uint32_t)(k >= 0 && e - 1 + k >= 0);
	s = zi / 10;
	if (s * 10 >= xi) {
		d.digits = s;
		d.exp10 = minus_k + 1;
		return d;
	}
	/* the value 2^(e+23) 10^k rounded to an integer, half up, then ties to even */
	y = (uint32_t)(((c >> (39 - beta)) + 1) / 2);
	if (k >= 0 && e + 24 + k == 0 && (y & 1))
		y--; /* exactly halfway */
	else if (y < xi)
		y++;
	d.digits = y;
	d.exp10 = minus_k;
	return d;
}

/*
 * The shortest decimal of fc * 2^e, a finite nonzero float's magnitude (fc with its implicit
 * bit), whose interval is symmetric: any float but the powers of two above the least normal.
 * `sc` holds what depends on e alone, from a table (pgv__float_scales) to save the arithmetic.
 */
PGV__FLOAT_INLINE pgv__float_decimal pgv__float_shortest_fc(uint32_t fc, const pgv__float_scale *sc)
{
	int minus_k = sc->minus_k, beta = sc->beta, z_int, x_int, y_int, big, y_parity;
	uint32_t two_fc, deltai = sc->deltai, zi, s, r, dist, q, ret, approx;
	uint64_t c = sc->c;
	pgv__float_decimal d;

	/*
	 * kappa = 1: k = -minus_k scales the interval so that it holds two more digits than the
	 * shortest needs; deltai is its width there, floored
	 */
	two_fc = fc << 1;
	zi = pgv__mul_upper((two_fc | 1) << beta, c, &z_int); /* its upper end, floored */
	s = zi / 100;
	r = zi - 100 * s;
	if (r == 0 && z_int) {
		/* s * 100 is the upper end itself, which the open interval excludes */
		s--;
		r = 100;
	}
	big = r < deltai;
	if (r == deltai) {
		/*
		 * s * 100 is inside only if the lower end lies below it: when floor(lower end) is
		 * odd it is s * 100 - 1, when even it is s * 100 and the open interval excludes it
		 */
		big = pgv__mul_parity(two_fc - 1, c, beta, &x_int);
	}
	/*
	 * One digit more: the integer nearest the value y, found from the remainder.  dist is
	 * y's distance above (s * 10 - 1/2) * 10 in tenths, approximated; when it is a whole
	 * number of units the approximation may be off by one, and the exact product's parity
	 * decides; an exact tie goes to the even neighbour.
	 */
	dist = r - (deltai / 2) + 5;
	approx = (dist ^ 5) & 1;
	q = dist / 10;
	ret = s * 10 + q;
	y_parity = pgv__mul_parity(two_fc, c, beta, &y_int);
	ret -= (uint32_t)(dist == q * 10) &
		((uint32_t)(y_parity != (int)approx) | ((uint32_t)y_int & ret & 1));
	/* a mask, not `big ? s : ret`, which compilers turn back into the branch avoided here */
	d.digits = ret ^ ((ret ^ s) & (0u - (uint32_t)big));
	d.exp10 = minus_k + 1 + big;
	return d;
}

/* The shortest decimal of a denormal or power of two's magnitude (bits without the sign). */
pgv__float_decimal pgv__float_shortest_rare(uint32_t bits);

/*
 * The shortest decimal of a finite nonzero float's magnitude, from its bits: the significand
 * fc (implicit bit included) and e, the value being fc * 2^e.
 */
PGV__FLOAT_INLINE pgv__float_decimal pgv__float_shortest(uint32_t bits)
{
	uint32_t field = (bits >> 23) & 0xffu, fraction = bits & 0x7fffffu;

	if (fraction == 0 || field == 0)
		return pgv__float_shortest_rare(bits); /* one float in 2^23 of random bits */
	return pgv__float_shortest_fc(fraction | 0x800000u, &pgv__float_scales[field]);
}

/* Leading zero bits of a nonzero 32-bit x. */
static inline int pgv__clz32(uint32_t x)
{
#if defined(__GNUC__)
	return __builtin_clz(x);
#else
	int n = 0;

	while ((x >> 31) == 0) {
		x <<= 1;
		n++;
	}
	return n;
#endif
}

/* 10^0 .. 10^9 (float_shortest.c). */
extern const uint32_t pgv__pow10_32[10];

/*
 * The number of decimal digits of v, 1 <= v < 10^9: from its bit length b (31 - clz),
 * floor(b * log10(2)) + 1 digits or one more (77 / 256 is close enough to log10(2) for b < 32).
 */
static inline int pgv__digit_count(uint32_t v)
{
	int t = ((31 - pgv__clz32(v)) * 77) >> 8;

	return t + 1 + (v >= pgv__pow10_32[t + 1]);
}

/* v < 10^8 as eight digit values, the most significant in the low byte (not yet ASCII). */
static inline uint64_t pgv__eight_digits(uint32_t v)
{
	/* lanes of 32 bits: v / 10^4 and v % 10^4; then of 16: /100 and %100; then of 8: /10, %10 */
	uint64_t x = (uint64_t)(v / 10000u) | (uint64_t)(v % 10000u) << 32;
	uint64_t y = ((x * 10486u) >> 20) & 0x0000007f0000007fu; /* x / 100 for x < 10^4 */
	uint64_t z = y | (x - y * 100u) << 16;
	uint64_t t = ((z * 103u) >> 10) & 0x000f000f000f000fu; /* z / 10 for z < 100 */

	return t | (z - t * 10u) << 8;
}

/* Stores the 8 bytes of w at p, the low byte first. */
static inline void pgv__store8(char *p, uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, &w, 8);
#else
	for (int i = 0; i < 8; i++)
		p[i] = (char)(w >> (8 * i));
#endif
}

/* Leading zero bits of a nonzero 64-bit x. */
static inline int pgv__clz64(uint64_t x)
{
#if defined(__GNUC__)
	return __builtin_clzll(x);
#else
	int n = 0;

	while ((x >> 63) == 0) {
		x <<= 1;
		n++;
	}
	return n;
#endif
}

/*
 * Writes the float4 text of f at p, without a NUL, and returns its length (at most 15).  Bytes
 * after the text may be written too, never past p[15]: the caller provides 16.
 */
PGV__FLOAT_INLINE size_t pgv__float_write(char *p, float f)
{
	uint32_t bits, v, first;
	uint64_t w;
	pgv__float_decimal d;
	size_t sign, rest;
	int n, x;

	memcpy(&bits, &f, sizeof(bits));
	sign = bits >> 31;
	if ((bits & 0x7fffffffu) - 1u >= 0x7f7fffffu) {
		/* zero (wrapped to the top), infinity or NaN */
		const char *word = (bits & 0x7fffffffu) == 0 ? &"-0"[1 - sign] :
			(bits & 0x7fffffu) != 0 ? "NaN" : sign ? "-Infinity" : "Infinity";
		size_t len = strlen(word);

		memcpy(p, word, len);
		return len;
	}
	p[0] = '-';
	p += sign; /* the text starts after the sign, if any */
	d = pgv__float_shortest(bits & 0x7fffffffu);
	n = pgv__digit_count(d.digits);
	x = d.exp10 + n - 1; /* the exponent of the first digit */
	v = d.digits * pgv__pow10_32[9 - n]; /* nine digits, the first nonzero */
	first = v / 100000000u;
	w = pgv__eight_digits(v - first * 100000000u);
	/* how many of the eight are significant: up to the last nonzero one */
	rest = w == 0 ? 0 : 8 - (size_t)(pgv__clz64(w) >> 3);
	w |= 0x3030303030303030u;
	if (x < 0 && x >= -4) {
		/* 0.ddd to 0.000ddd: the zeros, then the digits over them */
		pgv__store8(p, 0x3030303030302e30u); /* "0.000000" */
		p[1 - x] = (char)('0' + first);
		pgv__store8(p + 2 - x, w);
		return sign + 2 - (size_t)x + rest;
	}
	if (x >= 0 && x < 6) {
		/*
		 * ddd.ddd or ddd: all digits in place, then those after digit x again one place on,
		 * and the point between; an integer's length stops before the point
		 */
		p[0] = (char)('0' + first);
		pgv__store8(p + 1, w);
		pgv__store8(p + 2 + x, w >> (8 * x));
		p[1 + x] = '.';
		return sign + (rest <= (size_t)x ? (size_t)x + 1 : rest + 2);
	}
	/* d.ddde+XX or de-XX: PostgreSQL's exponent has a sign and at least two digits (<= 45) */
	p[0] = (char)('0' + first);
	p[1] = '.';
	pgv__store8(p + 2, w);
	rest = rest == 0 ? 1 : rest + 2;
	p[rest] = 'e';
	p[rest + 1] = x < 0 ? '-' : '+';
	memcpy(p + rest + 2, pgv__digit_pairs + 2 * (x < 0 ? -x : x), 2);
	return sign + rest + 4;
}

#endif
