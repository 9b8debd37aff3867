/*
 * The arithmetic the float reader (float_parse.c) and the vector element runs (float_parse_run.c,
 * float_parse_avx2.c) share: 128-bit products, bit counts, words of eight bytes and their digits, and Eisel-Lemire
 * rounding of w * 10^q to a float (the method is described in float_parse.c).  The small
 * helpers are on the hot path of both, so they are static inline here rather than called across
 * files.  Internal: included only by those two files.
 */
#ifndef PGV_CODEC_FLOAT_PARSE_CORE_H
#define PGV_CODEC_FLOAT_PARSE_CORE_H

#include "codec/numtext.h"

#include <float.h>
#include <stdint.h>
#include <string.h>

/* A byte value in each byte of a word, and the top bit of each byte. */
#define BYTES(c) ((uint64_t)(c) * 0x0101010101010101u)
#define TOP_BITS 0x8080808080808080u

#if defined(__SIZEOF_INT128__) && !defined(PGV_FLOAT_PARSE_PORTABLE)
__extension__ typedef unsigned __int128 u128;

/* The 128-bit product a * b: returns the high half, stores the low half. */
static inline uint64_t mul64(uint64_t a, uint64_t b, uint64_t *lo)
{
	u128 p = (u128)a * b;

	*lo = (uint64_t)p;
	return (uint64_t)(p >> 64);
}
#else
/* The 128-bit product a * b from 32-bit halves: returns the high half, stores the low half. */
static inline uint64_t mul64(uint64_t a, uint64_t b, uint64_t *lo)
{
	uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10; /* < 3 * 2^32: no overflow */

	*lo = (mid << 32) | (uint32_t)p00;
	return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
#endif

/* Leading zero bits of a nonzero x. */
static inline int clz64(uint64_t x)
{
#if defined(__GNUC__)
	return __builtin_clzll(x);
#else
	int n = 0;

	while ((x & ((uint64_t)1 << 63)) == 0) {
		x <<= 1;
		n++;
	}
	return n;
#endif
}

/* Trailing zero bits of a nonzero x. */
static inline int ctz64(uint64_t x)
{
#if defined(__GNUC__)
	return __builtin_ctzll(x);
#else
	int n = 0;

	while ((x & 1) == 0) {
		x >>= 1;
		n++;
	}
	return n;
#endif
}

/* s[0..8) as a word with s[0] in the low byte; all eight bytes must exist. */
static inline uint64_t load_word(const char *s)
{
	uint64_t v = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&v, s, sizeof(v)); /* a fixed size: one load, no call */
#else
	for (int k = 7; k >= 0; k--)
		v = v << 8 | (unsigned char)s[k];
#endif
	return v;
}

/* The top bit of each byte of x that is not a decimal digit. */
static inline uint64_t non_digits(uint64_t x)
{
	uint64_t a = x ^ BYTES('0'); /* a digit becomes 0..9, anything else 0x80 up or above 9 */

	return (a | ((a & BYTES(0x7f)) + BYTES(0x76))) & TOP_BITS;
}

/* The number spelt by eight digit values 0..9, the most significant in the low byte. */
static inline uint64_t digits8(uint64_t v)
{
	v = ((v * (10 * 256 + 1)) >> 8) & 0x00ff00ff00ff00ffu;         /* pairs */
	v = ((v * (100 * 65536 + 1)) >> 16) & 0x0000ffff0000ffffu;     /* groups of four */
	return (v * (10000 * ((uint64_t)1 << 32) + 1)) >> 32;          /* all eight */
}

/*
 * Rounds w * 10^q (w > 0, q in the table's range) to the nearest float, ties to even, into
 * *bits (no sign) and *erange; returns -1 when the result would be subnormal or the rounding
 * cannot be decided from the product.  Defined in float_parse.c and called, not inlined: it is
 * the slow side of every reader, and a copy in each caller would only make the hot loops larger.
 */
int pgv__eisel_lemire(uint64_t w, int q, uint32_t *bits, int *erange);

/*
 * Rounds w / 10^14 (w < 10^16, a multiple of 10) to the nearest float, negated when `neg`;
 * returns -1 when it cannot decide.
 */
static inline int pgv__fixed14_to_float(uint64_t w, unsigned neg, float *out)
{
	uint32_t bits;
	int erange;

#if FLT_EVAL_METHOD == 0
	if (w - 1 < (uint64_t)1 << 53) {
		/*
		 * w is exact in a double and 1e-14 is 10^-14 (1 - 1.2e-18), so q is within 0.52 units
		 * in its last place of the value x = w / 10^14 < 2^7, and rounding q to float is
		 * rounding x: for a float midpoint m = M 2^(E-24) (M odd, E <= 6), x - m =
		 * 2^13 K / (10^13 2^(24-E)) with K = (w / 10) 2^(11-E) - M 5^13 odd, 0.22 |K| units.
		 * |K| >= 3 leaves q on x's side of m.  K = +-1 makes q = m, a tie, and then
		 * K = -M (mod 4), as 5^13 = 1 (mod 4), puts the even neighbour on x's side.
		 * Never a subnormal float either: x >= 1e-14.
		 */
		static const double scale[2] = { 1e-14, -1e-14 }; /* the sign without a branch */
		double q = (double)(int64_t)w * scale[neg];

		*out = (float)q;
		return 0;
	}
#endif
	if (w == 0)
		bits = 0;
	else if (pgv__eisel_lemire(w, -14, &bits, &erange) != 0)
		return -1;
	bits |= (uint32_t)neg << 31;
	memcpy(out, &bits, sizeof(*out));
	return 0;
}

/*
 * The AVX2 element runs (float_parse_avx2.c): x86-64 with gcc or clang, which compile functions
 * for a newer processor on request and say at run time whether the processor has it.
 */
#if defined(__x86_64__) && defined(__GNUC__) && FLT_EVAL_METHOD == 0 && \
	!defined(PGV_FLOAT_PARSE_PORTABLE)
#define PGV__FLOAT_PARSE_AVX2 1

/* 1 when pgv__float_parse_run_avx2 may run here: decided once, thread-safe. */
int pgv__float_parse_avx2_usable(void);

/* pgv__float_parse_run with AVX2; only when pgv__float_parse_avx2_usable says so. */
size_t pgv__float_parse_run_avx2(const char *s, size_t len, float *out, size_t room,
	size_t *count);
#else
#define PGV__FLOAT_PARSE_AVX2 0
#endif

#endif
