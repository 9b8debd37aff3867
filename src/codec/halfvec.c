/*
 * halfvec: IEEE binary16 conversion, the server's checks on half-precision values, and halfvec
 * text read with pgvector's grammar (halfvec_in in pgvector's src/halfvec.c) and written as
 * halfvec_out writes it (each half printed as the shortest float text of its value), both by
 * vector_text.c's dense parser and formatter with halfvec's rounding and range check.
 */
#include "common/error.h"
#include "codec/codec.h"
#include "pgvodbc/types.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The bits of a float, and a float from bits, without aliasing through pointers. */
static uint32_t float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static float bits_float(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/*
 * Rounds the significand `m` (an integer) right by `shift` bits to nearest, ties to even.  The
 * carry out of the top, when rounding up overflows, is left in the result for the caller.
 */
static uint32_t round_shift(uint32_t m, unsigned shift)
{
	uint32_t q = m >> shift, rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);

	if (rem > half || (rem == half && (q & 1u)))
		q++;
	return q;
}

/* Float to binary16, rounding to nearest with ties to even; overflow gives infinity. */
uint16_t pgv_float_to_half(float f)
{
	uint32_t u = float_bits(f);
	uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
	int exp = (int)((u >> 23) & 0xffu);
	uint32_t mant = u & 0x7fffffu;
	int e;
	uint32_t m;

	if (exp == 0xff) {
		/* NaN keeps its top payload bits and is made quiet; infinity stays infinity */
		if (mant != 0)
			return (uint16_t)(sign | 0x7e00u | (mant >> 13));
		return (uint16_t)(sign | 0x7c00u);
	}
	if (exp == 0)
		return sign; /* float subnormals are far below half's smallest subnormal (2^-24) */
	e = exp - 127;
	m = mant | 0x800000u; /* 24-bit significand: value = m * 2^(e - 23) */
	if (e > 15)
		return (uint16_t)(sign | 0x7c00u);
	if (e >= -14) {
		/* normal range: keep 11 bits; a carry to 12 bits moves to the next binade */
		uint32_t q = round_shift(m, 13);

		if (q == 0x800u) {
			q = 0x400u;
			e++;
		}
		if (e > 15)
			return (uint16_t)(sign | 0x7c00u);
		return (uint16_t)(sign | (uint32_t)(e + 15) << 10 | (q & 0x3ffu));
	}
	/*
	 * Subnormal range, in units of 2^-24: value = m * 2^(e + 1).  Below half a unit (shift 25
	 * or more, as m < 2^24) it rounds to zero; a carry into bit 10 is exactly the smallest
	 * normal's encoding.
	 */
	if (-(e + 1) >= 25)
		return sign;
	return (uint16_t)(sign | round_shift(m, (unsigned)(-(e + 1))));
}

/* Binary16 to the float of the same value. */
float pgv_half_to_float(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
	uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
	int e;

	if (exp == 0x1f)
		return bits_float(sign | 0x7f800000u | mant << 13);
	if (exp != 0)
		return bits_float(sign | (exp - 15u + 127u) << 23 | mant << 13);
	if (mant == 0)
		return bits_float(sign);
	/* a subnormal half is a normal float: move the leading one to the implicit bit */
	e = -14;
	while (!(mant & 0x400u)) {
		mant <<= 1;
		e--;
	}
	return bits_float(sign | (uint32_t)(e + 127) << 23 | (mant & 0x3ffu) << 13);
}

/*
 * pgv__dense_type's fit for halfvec: rounds to half precision and returns 1 when a finite float
 * became infinite (|f| >= 65520), the server's Float4ToHalf overflow.
 */
static int half_fit(float *value)
{
	float rounded = pgv_half_to_float(pgv_float_to_half(*value));
	int overflow = isfinite(*value) && isinf(rounded);

	*value = rounded;
	return overflow;
}

/* pgvector's halfvec: vector's grammar, each element rounded to half precision. */
static const pgv__dense_type halfvec_type = { "halfvec", PGV_HALFVEC_MAX_DIM, half_fit };

/* Checks floats the way the server checks halfvec input. */
int pgv_halfvec_check(const float *data, size_t dim)
{
	char text[PGV_FLOAT_TEXT_MAX];
	int rc;

	pgv__error_clear();
	if ((rc = pgv__check_dim(dim, PGV_HALFVEC_MAX_DIM, "halfvec")) != PGV_OK)
		return rc;
	if (data == NULL)
		return pgv__error_set(PGV_EINVAL, -1, "checking a halfvec: data must not be NULL");
	for (size_t i = 0; i < dim; i++) {
		float rounded = data[i];

		if (!isfinite(data[i]))
			return pgv__not_finite(data[i], i, "halfvec");
		if (half_fit(&rounded)) {
			/* the server's Float4ToHalf names the float by its shortest text */
			pgv_float_format(data[i], text, sizeof(text));
			return pgv__error_set(PGV_EVALUE, -1,
				"element %zu: \"%s\" is out of range for type halfvec", i, text);
		}
	}
	return PGV_OK;
}

/* Parses halfvec or float4[] text into floats rounded to half precision. */
int pgv_halfvec_parse(const char *text, size_t len, pgv_vector *out)
{
	return pgv__dense_parse(text, len, out, &halfvec_type);
}

/* Writes halfvec text when it fits whole; returns the needed length. */
size_t pgv_halfvec_format(const float *data, size_t dim, char *buf, size_t cap)
{
	/* too many to measure: the text's length would overflow size_t */
	if (data != NULL && dim > SIZE_MAX / PGV_FLOAT_TEXT_MAX - 1)
		return pgv__not_written(buf, cap, SIZE_MAX);
	return pgv__dense_format(data, dim, buf, cap, &halfvec_type);
}
