/*
 * Runs of vector elements of the usual shape, [-]d.ddd or [-]dd.ddd with 1 to 13 fraction
 * digits, read with AVX2 on processors that have it (pgv__float_parse_run asks
 * pgv__float_parse_avx2_usable once and calls pgv__float_parse_run_avx2; this file is compiled
 * for every x86-64 machine, only these functions use the newer instructions).
 *
 * float_parse_run.c checks each element's shape by itself.  Here the shapes of all elements of
 * 64 bytes are checked at once, with bit masks of where the commas, points, minus signs and
 * digits are: an element is a comma's successor (or the first byte), an optional minus, its
 * first digit F, a point at F + 1 or, after a second digit, at F + 2, digits, and a comma; no
 * other byte, no second point, at most 13 digits in a row.  Every broken rule sets a bit at a
 * byte of the element that breaks it, so the elements ending before the lowest such bit are
 * good, and for each of them only arithmetic is left: where its comma, point and first digit
 * are (one bit each from the masks), one shuffle that drops the point and zeroes every byte that
 * is not a digit of the element (from a table, by the number of integer digits and of fraction
 * digits), three multiply-adds for its value w / 10^14, and one double multiplication, exact
 * as pgv__fixed14_to_float argues.  A window starts at the first element not read yet, so the
 * bytes of the last, unfinished element of one window are classified again in the next.
 */
#include "codec/float_parse_core.h"

#if PGV__FLOAT_PARSE_AVX2

#include <immintrin.h>
#include <pthread.h>
#include <stdlib.h>

#define AVX2 __attribute__((target("avx2,bmi,bmi2")))

/* The window whose shapes are checked at once, and the bytes an element's read needs. */
#define WINDOW 64
#define ELEMENT_READ 16

/*
 * For an element whose first digit is loaded into lane 0: the shuffle that puts its integer
 * digits in lanes 0 and 1 (ones in 1) and its fraction digits from lane 2 on, dropping the
 * point, and zeroes every other lane (Z).  Index: [integer digits - 1][fraction digits]; the
 * rows for 14 and 15 fraction digits only make the index a shift (such elements never get here).
 */
#define Z 0x80
static _Alignas(16) const unsigned char shuffles[2][16][16] = {
	{
		{ Z, 0, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, Z, Z, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, Z, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, 9, Z, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, Z, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, Z, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, Z, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, Z, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, Z },
		{ Z, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, Z },
	},
	{
		{ 0, 1, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, Z, Z, Z, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, Z, Z, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, Z, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, Z, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, Z, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, Z, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, Z, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, Z, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, Z },
		{ 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, Z },
	},
};
#undef Z

static pthread_once_t avx2_once = PTHREAD_ONCE_INIT;
static int avx2_usable; /* written once under avx2_once, then only read */

/*
 * Decides once whether the AVX2 run is used: when the processor has AVX2, BMI1 and BMI2, unless
 * the environment variable PGVODBC_NO_AVX2 is set to anything but "" or "0" (for tests of the
 * other paths on such a machine, and to compare them).
 */
static void avx2_init(void)
{
	const char *off = getenv("PGVODBC_NO_AVX2");

	__builtin_cpu_init();
	avx2_usable = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
		__builtin_cpu_supports("bmi2") && (off == NULL || off[0] == '\0' || strcmp(off, "0") == 0);
}

/* 1 when this processor runs the AVX2 reader and PGVODBC_NO_AVX2 does not turn it off. */
int pgv__float_parse_avx2_usable(void)
{
	pthread_once(&avx2_once, avx2_init);
	return avx2_usable;
}

/* The constants of the window's classification, set once per call. */
typedef struct classes {
	__m256i comma, point, minus, digit_shift, digit_top;
} classes;

/* The top bits of the bytes of lo:hi (64 of them), as bits. */
AVX2 static inline uint64_t top_bits(__m256i lo, __m256i hi)
{
	return (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32 |
		(uint32_t)_mm256_movemask_epi8(lo);
}

/* The bytes of lo:hi (64 of them) equal to k's byte, as bits. */
AVX2 static inline uint64_t equal_bits(__m256i lo, __m256i hi, __m256i k)
{
	return top_bits(_mm256_cmpeq_epi8(lo, k), _mm256_cmpeq_epi8(hi, k));
}

/*
 * Checks the shapes of the elements in w[0..64) (w[0] starts one): returns the commas of the
 * elements of the usual shape before the first that is not, and stores the points and the
 * first digits of all.
 */
AVX2 static inline uint64_t window_shapes(const char *w, const classes *k, uint64_t *points,
	uint64_t *firsts)
{
	__m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)w);
	__m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(w + 32));
	uint64_t c = equal_bits(lo, hi, k->comma), p = equal_bits(lo, hi, k->point);
	uint64_t m = equal_bits(lo, hi, k->minus);
	/* '0'..'9' moved to -128..-119, the least signed bytes */
	uint64_t d = top_bits(_mm256_cmpgt_epi8(k->digit_top, _mm256_add_epi8(lo, k->digit_shift)),
		_mm256_cmpgt_epi8(k->digit_top, _mm256_add_epi8(hi, k->digit_shift)));
	uint64_t starts = c << 1 | 1, f = (starts & ~m) | m << 1, runs, bad;

	/* 14 digits in a row: runs has bit i when w[i..i+14) are all digits */
	runs = d & d >> 1;
	runs &= runs >> 2;
	runs &= runs >> 4;
	runs &= runs >> 6;
	/*
	 * Each rule sets its bits inside the element that breaks it: only digits, commas, points
	 * and minus signs; a minus only first; then a digit; a point one or two bytes after that
	 * digit (two: after another digit, as a point there is followed by a digit), and one in
	 * each element; a digit after the point; at most 13 digits in a row
	 */
	bad = ~(d | c | p | m) | (m & ~starts) | (f & ~d) | (p & ~(f << 1 | f << 2)) |
		(f & ~(p >> 1 | (p >> 2 & d >> 1))) | (p << 1 & ~d) | runs;
	*points = p;
	*firsts = f;
	return c & (bad - 1) & ~bad;
}

/*
 * The element of the usual shape whose first digit is at p, with ki integer and f fraction
 * digits, as w / 10^14: w = integer digits * 10^14 + fraction digits * 10^(14 - f).  p[0..16)
 * exist.
 */
AVX2 static inline uint64_t element_w(const char *p, unsigned ki, unsigned f)
{
	__m128i x = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)p),
		_mm_set1_epi8('0'));
	uint64_t halves;

	/* 16 digit values, the most significant first: pairs, fours, then two eights */
	x = _mm_shuffle_epi8(x, _mm_load_si128((const __m128i *)(const void *)shuffles[ki - 1][f]));
	x = _mm_maddubs_epi16(x, _mm_set1_epi16(0x010a));
	x = _mm_madd_epi16(x, _mm_set1_epi32(0x00010064));
	x = _mm_packus_epi32(x, x);
	x = _mm_madd_epi16(x, _mm_set1_epi32(0x00012710));
	halves = (uint64_t)_mm_cvtsi128_si64(x);
	return (uint64_t)(uint32_t)halves * 100000000u + (halves >> 32);
}

/* Reads runs of elements of the usual shape, each followed by a comma, in place, with AVX2. */
AVX2 size_t pgv__float_parse_run_avx2(const char *s, size_t len, float *out, size_t room,
	size_t *count)
{
	const classes k = { _mm256_set1_epi8(','), _mm256_set1_epi8('.'), _mm256_set1_epi8('-'),
		_mm256_set1_epi8(0x50), _mm256_set1_epi8(-118) };
	static const double scale[2] = { 1e-14, -1e-14 };
	const char *w = s, *end = s + len;
	float *o = out, *o_end = out + room;

	while (end - w >= WINDOW) {
		uint64_t points, firsts, good = window_shapes(w, &k, &points, &firsts);
		unsigned start = 0;

		/* each element read needs ELEMENT_READ bytes from before its comma; and room */
		if (end - w < WINDOW + ELEMENT_READ)
			good &= ((uint64_t)1 << (end - w - ELEMENT_READ)) - 1;
		for (ptrdiff_t left = o_end - o; left < 64 && __builtin_popcountll(good) > left;)
			good &= ~((uint64_t)1 << (63 - __builtin_clzll(good)));
		if (good == 0)
			break;
		do {
			unsigned c = (unsigned)ctz64(good), dot = (unsigned)ctz64(points);
			unsigned first = (unsigned)ctz64(firsts);

			uint64_t v = element_w(w + first, dot - first, c - dot - 1);

			/*
			 * w * 1e-14 in double, as pgv__fixed14_to_float argues (w = 0 is +-0 there too);
			 * the rare w above 2^53 (from 90.07) is left to the element's own path, so that
			 * no call in the loop makes the compiler reload the constants
			 */
			if (v > (uint64_t)1 << 53) {
				w += start;
				goto done;
			}
			*o++ = (float)((double)(int64_t)v * scale[first - start]);
			points &= points - 1;
			firsts &= firsts - 1;
			start = c + 1;
			good &= good - 1;
		} while (good != 0);
		w += start;
	}
done:
	*count = (size_t)(o - out);
	return (size_t)(w - s);
}

#else
typedef int pgv__float_parse_no_avx2; /* ISO C wants a declaration in every file */
#endif
