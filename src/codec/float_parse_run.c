/*
 * Runs of vector elements of the usual shape, [-]d.ddd or [-]dd.ddd with up to 13 fraction
 * digits, as the server prints the floats of embeddings, are read without a branch per digit:
 * with AVX2 where the processor has it (float_parse_avx2.c, chosen at run time), else sixteen
 * bytes at a time with SSE2 where the compiler offers it, else eight at a time in 64-bit words
 * (SWAR; also in a build with PGV_FLOAT_PARSE_PORTABLE, which the tests use to check it).  Such an element is w / 10^14 with w < 10^16 and a multiple of 10.  When
 * w <= 2^53, w is an exact double and w * 1e-14 (one rounding, from a constant within 2^-59 of
 * 10^-14) rounds to the right float: Clinger's fast path, made safe for the second rounding by
 * the argument in pgv__fixed14_to_float (float_parse_core.h).  Eisel-Lemire decides the rest.  The one dependency from
 * element to element, where the next one starts, is kept short: the commas of 64 bytes are
 * found at once.
 * All of this assumes the default rounding mode, as the rest of the library does.
 */
#include "codec/float_parse_core.h"

#include <float.h>
#include <string.h>

#if defined(__SSE2__) && !defined(PGV_FLOAT_PARSE_PORTABLE)
#include <emmintrin.h>
#define RUN_SSE2 1
#else
#define RUN_SSE2 0
#endif

/* pgv__float_parse_run looks for commas this many bytes at a time, and reads 32 from an element. */
#define WINDOW 64
#define ELEMENT_READ 32

#if RUN_SSE2
/* Bit i set when w[i] (i < 64) is a comma. */
static inline uint64_t comma_bits(const char *w)
{
	const __m128i comma = _mm_set1_epi8(',');
	uint64_t bits = 0;

	for (int k = 3; k >= 0; k--)
		bits = bits << 16 | (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(comma,
			_mm_loadu_si128((const __m128i *)(const void *)(w + 16 * k))));
	return bits;
}

/* Bit i set when e[i] (i < 16) is not a decimal digit. */
static inline unsigned non_digit_bits(const char *e, uint64_t a, uint64_t b)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)e);

	(void)a;
	(void)b;
	/* signed compares: bytes from 0x80 up are negative, below '0' */
	v = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8('0')), _mm_cmpgt_epi8(v, _mm_set1_epi8('9')));
	return (unsigned)_mm_movemask_epi8(v);
}

/* The f (0..13) digits at p as a 14-digit number (with 14 - f trailing zeros); p[-2..14) exist. */
static inline uint64_t fraction14(const char *p, unsigned f)
{
	/* lanes 2..2+f of the 16 bytes at p - 2, as digit values (lanes 0 and 1 read as zeros) */
	static _Alignas(16) const unsigned char keep[14][16] = {
		{ 0 }, { 0, 0, 15 }, { 0, 0, 15, 15 }, { 0, 0, 15, 15, 15 }, { 0, 0, 15, 15, 15, 15 },
		{ 0, 0, 15, 15, 15, 15, 15 }, { 0, 0, 15, 15, 15, 15, 15, 15 },
		{ 0, 0, 15, 15, 15, 15, 15, 15, 15 }, { 0, 0, 15, 15, 15, 15, 15, 15, 15, 15 },
		{ 0, 0, 15, 15, 15, 15, 15, 15, 15, 15, 15 },
		{ 0, 0, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15 },
		{ 0, 0, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15 },
		{ 0, 0, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15 },
		{ 0, 0, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15 },
	};
	const __m128i zero = _mm_setzero_si128();
	__m128i d = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)(p - 2)),
		_mm_load_si128((const __m128i *)(const void *)keep[f]));
	/* pairs of digits, then groups of four, then of eight, each a multiply-add of neighbours */
	__m128i x = _mm_packs_epi32(
		_mm_madd_epi16(_mm_unpacklo_epi8(d, zero), _mm_set_epi16(1, 10, 1, 10, 1, 10, 1, 10)),
		_mm_madd_epi16(_mm_unpackhi_epi8(d, zero), _mm_set_epi16(1, 10, 1, 10, 1, 10, 1, 10)));

	x = _mm_madd_epi16(x, _mm_set_epi16(1, 100, 1, 100, 1, 100, 1, 100));
	x = _mm_madd_epi16(_mm_packs_epi32(x, x),
		_mm_set_epi16(1, 10000, 1, 10000, 1, 10000, 1, 10000));
	return (uint64_t)(uint32_t)_mm_cvtsi128_si32(x) * 100000000u +
		(uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x, 4));
}
#else
/* The top bits of the bytes of x gathered into the low 8 bits, byte 0 into bit 0. */
static inline unsigned gather_top_bits(uint64_t x)
{
	return (unsigned)((((x >> 7) & BYTES(1)) * 0x0102040810204080u) >> 56);
}

/* Bit i set when w[i] (i < 64) is a comma. */
static inline uint64_t comma_bits(const char *w)
{
	uint64_t bits = 0;

	for (int k = 7; k >= 0; k--) {
		uint64_t x = load_word(w + 8 * k) ^ BYTES(',');

		/* the zero bytes of x, exactly: no carry crosses bytes */
		bits = bits << 8 | gather_top_bits(~(((x & BYTES(0x7f)) + BYTES(0x7f)) | x));
	}
	return bits;
}

/* Bit i set when e[i] (i < 16) is not a decimal digit; a and b are e[0..8) and e[8..16). */
static inline unsigned non_digit_bits(const char *e, uint64_t a, uint64_t b)
{
	(void)e;
	return gather_top_bits(non_digits(a)) | gather_top_bits(non_digits(b)) << 8;
}

/* The f (0..13) digits at p as a 14-digit number (with 14 - f trailing zeros); p[0..16) exist. */
static inline uint64_t fraction14(const char *p, unsigned f)
{
	/* for f digits: the low nibbles of the first 8 bytes and of the next 6 to keep */
	static const uint64_t keep[14][2] = {
		{ 0, 0 }, { 0x0f, 0 }, { 0x0f0f, 0 }, { 0x0f0f0f, 0 }, { 0x0f0f0f0f, 0 },
		{ 0x0f0f0f0f0f, 0 }, { 0x0f0f0f0f0f0f, 0 }, { 0x0f0f0f0f0f0f0f, 0 },
		{ BYTES(0x0f), 0 }, { BYTES(0x0f), 0x0f }, { BYTES(0x0f), 0x0f0f },
		{ BYTES(0x0f), 0x0f0f0f }, { BYTES(0x0f), 0x0f0f0f0f }, { BYTES(0x0f), 0x0f0f0f0f0f },
	};

	return digits8(load_word(p) & keep[f][0]) * 1000000 +
		digits8((load_word(p + 8) & keep[f][1]) << 16);
}
#endif

/*
 * Reads the element e[0..n) (n < 16, e[n] a comma) into *out if it has the usual shape;
 * returns -1 if not.  e[0..32) exist.
 */
static inline int read_plain(const char *e, unsigned n, float *out)
{
	uint64_t a = load_word(e), whole;
	unsigned neg = (a & 0xff) == '-';
	/* the bytes that are not digits but for a sign: the first is the point, the next the comma */
	unsigned other = (non_digit_bits(e, a, load_word(e + 8)) | 1u << n | 1u << 16) & ~neg;
	unsigned dot = (unsigned)ctz64(other), ki = dot - neg;

	/* [-], one or two digits, a point and digits up to the comma: nothing else */
	if (ki - 1 > 1 || (unsigned)ctz64(other & (other - 1)) != n || e[dot] != '.')
		return -1;
	whole = ((a >> (8 * dot - 8)) & 0x0f) + (ki == 2 ? ((a >> (8 * neg)) & 0x0f) * 10 : 0);
	return pgv__fixed14_to_float(whole * 100000000000000u + fraction14(e + dot + 1, n - dot - 1), neg,
		out);
}

/* Reads runs of plain vector elements, each followed by a comma, in place, one at a time. */
static size_t run_each(const char *s, size_t len, float *out, size_t room, size_t *count)
{
	const char *e = s, *end = s + len;
	float *o = out, *o_end = out + room;

	/*
	 * Where the next element starts is all that one element waits for, so it is found for
	 * several at once: the commas of 64 bytes, then one bit operation per element.
	 */
	while (end - e >= WINDOW && o < o_end) {
		const char *w = e;
		uint64_t commas = comma_bits(w);

		/* an element read must start ELEMENT_READ bytes before the end: after a comma below */
		if (end - w < WINDOW + ELEMENT_READ)
			commas &= ((uint64_t)1 << (end - w - ELEMENT_READ)) - 1;
		for (; commas != 0 && o < o_end; commas &= commas - 1) {
			const char *c = w + ctz64(commas);

			if (c - e > 15 || read_plain(e, (unsigned)(c - e), o) != 0)
				goto done;
			o++;
			e = c + 1;
		}
		if (e == w)
			break; /* no comma in 64 bytes */
	}
done:
	*count = (size_t)(o - out);
	return (size_t)(e - s);
}

/* Reads runs of plain vector elements, each followed by a comma, in place. */
size_t pgv__float_parse_run(const char *s, size_t len, float *out, size_t room, size_t *count)
{
#if PGV__FLOAT_PARSE_AVX2
	if (pgv__float_parse_avx2_usable())
		return pgv__float_parse_run_avx2(s, len, out, room, count);
#endif
	return run_each(s, len, out, room, count);
}

/* Names the run reader pgv__float_parse_run uses in this build on this processor. */
const char *pgv__float_parse_path(void)
{
#if PGV__FLOAT_PARSE_AVX2
	if (pgv__float_parse_avx2_usable())
		return "avx2";
#endif
	return RUN_SSE2 ? "sse2" : "portable";
}
