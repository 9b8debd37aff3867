/*
 * Fast, exact reading of plain decimal text as a float, bit for bit what strtof gives in the C
 * locale: the Eisel-Lemire method (Lemire, "Number Parsing at a Gigabyte per Second", 2021;
 * Mushtak and Lemire, "Fast number parsing without fallback", 2023), written for float32 alone,
 * and readers for runs of vector elements built on the same arithmetic.
 *
 * The text w * 10^q (w: up to 19 significant digits) is v = w * 5^q * 2^q.  With w shifted left
 * until its top bit is set (wn = w * 2^lz) and 5^q ~= T * 2^b from the table (T of 128 bits),
 * the 192-bit product Y = wn * T gives v ~= Y * 2^(b + q - lz).  A float keeps 24 bits, so the
 * 24 bits under Y's top bit are the significand, the next bit decides rounding, and the rest say
 * whether the value is exactly halfway.
 *   - q >= 0: T is exact (5^38 < 2^89), so Y is exact and rounding is exact, ties to even.
 *   - q < 0: T is below the true 2^-b / 5^-q by less than one unit, so the true product lies in
 *     (Y, Y + wn), an interval less than 2^64 wide.  Unless a rounding midpoint falls in it, the
 *     rounding is the same for every point of it.  Only when the bits under the rounding bit are
 *     all ones through the middle word can it straddle one; that is left to strtof_l (it happens
 *     for text that is exactly a midpoint, such as "8388608.5", and practically never otherwise).
 * The product is always taken in full, not only its first half as in the paper's fast case:
 * two multiplications cost little and keep the argument above short.
 *
 * Results that are zero or subnormal from a nonzero significand are left to strtof_l: there the
 * C library's ERANGE depends on exactness and on how the machine detects tininess.
 *
 * Runs of vector elements of the usual shape, as the server prints the floats of embeddings, are
 * read sixteen bytes at a time by float_parse_run.c; pgv__float_parse_any_run below reads runs of
 * any plain shape one element at a time with this reader.  The arithmetic both share is in
 * float_parse_core.h.
 * All of this assumes the default rounding mode, as the rest of the library does.
 */
#include "codec/float_parse_core.h"

#include <float.h>
#include <string.h>

/* Significant digits kept; 10^19 - 1 < 2^64. */
#define MAX_DIGITS 19

/* Exponent digits stop adding past this; any larger exponent already means 0 or infinity. */
#define EXP_SATURATE 100000000

/* A decimal read from text: (-1)^negative * w * 10^q, and the bytes it took. */
typedef struct decimal {
	uint64_t w;
	int64_t q;
	int negative;
	int truncated; /* a nonzero digit past the 19th significant one was dropped */
	size_t used;
} decimal;

/* The value of a decimal digit character, or something above 9 for any other byte. */
static inline unsigned digit_of(char c)
{
	return (unsigned)(unsigned char)c - (unsigned)'0';
}

/*
 * Reads an exponent at s[i] if there is one, adding it to *q; returns where the number ends.
 * It counts only with a digit: "1e" and "1e+" are "1" followed by other text.
 */
static inline size_t scan_exponent(const char *s, size_t i, size_t len, int64_t *q)
{
	size_t j = i + 1;
	int64_t e = 0;
	int negative = 0;
	unsigned c;

	if (i >= len || (s[i] != 'e' && s[i] != 'E'))
		return i;
	if (j < len && (s[j] == '-' || s[j] == '+')) {
		negative = s[j] == '-';
		j++;
	}
	if (j == len || digit_of(s[j]) > 9)
		return i;
	for (; j < len && (c = digit_of(s[j])) <= 9; j++)
		if (e < EXP_SATURATE)
			e = e * 10 + c;
	*q += negative ? -e : e;
	return j;
}

/*
 * Reads strtof's decimal grammar at the start of s[0..len) into *d, a byte at a time; returns
 * -1, leaving the text to strtof_l, when it is anything else: no digit before the exponent, a
 * hex prefix, inf/nan, leading whitespace.  Never reads s[len].
 */
static int scan_decimal(const char *s, size_t len, decimal *d)
{
	size_t i = 0;
	uint64_t w = 0;
	int64_t q = 0;
	int kept = 0, any = 0, dropped = 0;
	unsigned c;

	d->negative = 0;
	if (i < len && (s[i] == '-' || s[i] == '+')) {
		d->negative = s[i] == '-';
		i++;
	}
	if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		return -1;
	/* integer digits: leading zeros are not significant; past 19 digits only the scale counts */
	for (; i < len && (c = digit_of(s[i])) <= 9; i++) {
		any = 1;
		if (kept < MAX_DIGITS) {
			w = w * 10 + c;
			kept += w != 0;
		} else {
			q++;
			dropped |= c != 0;
		}
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && (c = digit_of(s[i])) <= 9; i++) {
			any = 1;
			if (kept < MAX_DIGITS) {
				w = w * 10 + c;
				kept += w != 0;
				q--;
			} else {
				dropped |= c != 0;
			}
		}
	}
	if (!any)
		return -1;
	d->w = w;
	d->q = q;
	d->truncated = dropped;
	d->used = scan_exponent(s, i, len, &d->q);
	return 0;
}

/*
 * Rounds w * 10^q (w > 0, q in the table's range) to the nearest float, ties to even, into
 * *bits (no sign) and *erange; returns -1 when the result would be subnormal or the rounding
 * cannot be decided from the product.
 */
int pgv__eisel_lemire(uint64_t w, int q, uint32_t *bits, int *erange)
{
	const pgv__pow5 *p = &pgv__pow5_table[q - PGV__POW5_MIN];
	int lz = clz64(w);
	uint64_t wn = w << lz;
	uint64_t y0, y1, y2, hi_lo, lo_hi, mant, low, round, up;
	int top, sh, e2;

	/* Y = wn * (hi:lo) = y2:y1:y0 */
	y2 = mul64(wn, p->hi, &hi_lo);
	lo_hi = mul64(wn, p->lo, &y0);
	y1 = hi_lo + lo_hi;
	y2 += y1 < lo_hi;
	/* Y is in [2^190, 2^192): the significand and the rounding bit all lie in y2 */
	top = (int)(y2 >> 63) + 190;
	sh = top - 24 - 128; /* the rounding bit's place in y2: 38 or 39 */
	mant = y2 >> (sh + 1);
	round = (y2 >> sh) & 1;
	low = y2 & (((uint64_t)1 << sh) - 1);
	e2 = top + p->exp2 + q - lz; /* floor(log2(v)), unless the true product crossed 2^(top+1) */
	if (e2 < -126)
		return -1;
	if (q >= 0) {
		/* exact: above halfway, or halfway with an odd significand */
		up = round && ((low | y1 | y0) != 0 || (mant & 1) != 0);
	} else {
		/* the true product is in (Y, Y + wn): strictly above Y, less than 2^64 beyond it */
		if (round == 0 && low == ((uint64_t)1 << sh) - 1 && y1 == UINT64_MAX)
			return -1;
		up = round;
	}
	mant += up;
	if (mant >> 24) {
		mant >>= 1;
		e2++;
	}
	if (e2 > 127) {
		*bits = 0x7f800000u;
		*erange = 1;
		return 0;
	}
	*bits = (uint32_t)(e2 + 127) << 23 | (uint32_t)(mant & 0x7fffffu);
	*erange = 0;
	return 0;
}

/*
 * Reads the run of digits at s (s[0..8) readable) into *value in one go, up to 8 of them:
 * returns how many (0..8; 8 also when more digits follow).
 */
static inline unsigned digit_run(const char *s, uint64_t *value)
{
	uint64_t x = load_word(s), nd = non_digits(x);
	unsigned n = nd != 0 ? (unsigned)ctz64(nd) >> 3 : 8;

	/*
	 * the n digits, moved to the top bytes: zeros below them read as leading zeros; the bytes
	 * after them (and any borrow their subtraction causes) are shifted out
	 */
	if (n != 0)
		*value = digits8((x - BYTES('0')) << (64 - 8 * n));
	return n;
}

/*
 * scan_decimal for the commonest text, up to 8 integer and up to 8 fraction digits, with whole
 * words instead of a byte at a time: returns -1 (leaving it to scan_decimal) for anything else
 * or when fewer than 18 bytes follow the sign.
 */
static inline int scan_short(const char *s, size_t len, decimal *d)
{
	static const uint64_t pow10[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
		100000000 };
	size_t i = 0;
	uint64_t a = 0, b = 0;
	unsigned n1, n2 = 0;

	d->negative = 0;
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		d->negative = s[0] == '-';
		i = 1;
	}
	if (len - i < 18 || (s[i] == '0' && (s[i + 1] | 0x20) == 'x'))
		return -1;
	n1 = digit_run(s + i, &a);
	if (n1 == 8 && digit_of(s[i + 8]) <= 9)
		return -1;
	i += n1;
	d->q = 0;
	if (s[i] == '.') {
		n2 = digit_run(s + i + 1, &b);
		if (n2 == 8 && digit_of(s[i + 9]) <= 9)
			return -1;
		a = a * pow10[n2] + b;
		d->q = -(int64_t)n2;
		i += 1 + n2;
	}
	if (n1 + n2 == 0)
		return -1;
	d->w = a;
	d->truncated = 0;
	/* the server's exponent, "e+XX" or "e-XX", without a loop */
	if (i + 5 <= len && (s[i] | 0x20) == 'e' && (s[i + 1] == '+' || s[i + 1] == '-') && digit_of(s[i + 2]) <= 9 &&
	    digit_of(s[i + 3]) <= 9 && digit_of(s[i + 4]) > 9) {
		int64_t e = digit_of(s[i + 2]) * 10 + digit_of(s[i + 3]);

		d->q += s[i + 1] == '-' ? -e : e;
		d->used = i + 4;
		return 0;
	}
	d->used = scan_exponent(s, i, len, &d->q);
	return 0;
}

/*
 * Clinger's fast path through a double: w (< 2^53) and 10^|q| (|q| <= 22) are exact doubles, so
 * one multiplication or division rounds w * 10^q correctly to a double.  Rounding that to float
 * rounds the exact value the same way unless the double landed exactly on a float midpoint (no
 * midpoint can lie strictly between the value and its nearest double, being a double itself):
 * then, and outside the normal float range, it declines (-1).
 */
static inline int clinger(uint64_t w, int64_t q, uint32_t *bits)
{
#if FLT_EVAL_METHOD == 0
	static const double pow10[23] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	double v;
	uint64_t db;
	float f;

	if (w >> 53 != 0 || q < -22 || q > 22)
		return -1;
	v = q < 0 ? (double)(int64_t)w / pow10[-q] : (double)(int64_t)w * pow10[q];
	memcpy(&db, &v, sizeof(db));
	/* normal floats only, and not exactly halfway between two floats */
	if (v < 0x1p-126 || v >= 0x1p127 || (db & 0x1fffffffu) == 0x10000000u)
		return -1;
	f = (float)v;
	memcpy(bits, &f, sizeof(*bits));
	return 0;
#else
	(void)w;
	(void)q;
	(void)bits;
	return -1;
#endif
}

/* Reads a plain decimal at the start of a byte range exactly as strtof would, or declines. */
int pgv__float_parse(const char *s, size_t len, float *out, size_t *consumed, int *erange)
{
	decimal d;
	uint32_t bits;

	if (scan_short(s, len, &d) != 0 && (scan_decimal(s, len, &d) != 0 || d.truncated))
		return PGV__FLOAT_UNDECIDED;
	if (d.w == 0) {
		bits = 0;
		*erange = 0;
	} else if (clinger(d.w, d.q, &bits) == 0) {
		*erange = 0;
	} else if (d.q > PGV__POW5_MAX) {
		bits = 0x7f800000u; /* at least 1e39 */
		*erange = 1;
	} else if (d.q < PGV__POW5_MIN || pgv__eisel_lemire(d.w, (int)d.q, &bits, erange) != 0) {
		return PGV__FLOAT_UNDECIDED;
	}
	bits |= (uint32_t)d.negative << 31;
	memcpy(out, &bits, sizeof(*out));
	*consumed = d.used;
	return 0;
}

/* Reads runs of plain decimal elements of any shape, each followed by a comma, in place. */
size_t pgv__float_parse_any_run(const char *s, size_t len, float *out, size_t room, size_t *count)
{
	size_t pos = 0;
	float *o = out, *o_end = out + room;

	while (o < o_end) {
		decimal d;
		uint32_t bits;
		int erange = 0;

		if (scan_short(s + pos, len - pos, &d) != 0 || d.used >= len - pos ||
		    s[pos + d.used] != ',')
			break;
		if (d.w == 0) {
			bits = 0;
		} else if (clinger(d.w, d.q, &bits) != 0 &&
			   (d.q > PGV__POW5_MAX || d.q < PGV__POW5_MIN ||
			    pgv__eisel_lemire(d.w, (int)d.q, &bits, &erange) != 0 || erange)) {
			break; /* out of range, subnormal or undecided: the element's own path says */
		}
		bits |= (uint32_t)d.negative << 31;
		memcpy(o++, &bits, sizeof(*o));
		pos += d.used + 1;
	}
	*count = (size_t)(o - out);
	return pos;
}
