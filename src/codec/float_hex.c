/*
 * Vector text with exact hexadecimal floats, for the store's writes to PostgreSQL: "[0x86a155p-28,
 * -0x1p-149,0]".  pgvector's vector_in, halfvec_in and sparsevec_in read every element with the
 * C library's strtof, which takes C99 hexadecimal floats, and a float32 written as an odd
 * integer significand (at most 24 bits, so at most six hex digits) times a power of two is read
 * back exactly, bit for bit, with no rounding at all.  So the server stores what the shortest
 * decimal text would have given it, while the client does no digit search (a few instructions
 * an element against the decimal writer's search) and the server's strtof takes its short
 * hexadecimal path.  Only the store sends this text; everything a user sees stays PostgreSQL's
 * decimal text (pgv_vector_format).
 */
#include "codec/codec.h"
#include "codec/float_text.h"

#include <stdint.h>
#include <string.h>

/* Trailing zero bits of a nonzero 32-bit x. */
static inline int ctz32(uint32_t x)
{
#if defined(__GNUC__)
	return __builtin_ctz(x);
#else
	int n = 0;

	while ((x & 1u) == 0) {
		x >>= 1;
		n++;
	}
	return n;
#endif
}

/* "00" to "ff": two hex digits of a byte with one store. */
static const char hex_pairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/*
 * Writes one finite float at p, at most PGV__HEX_FLOAT_MAX bytes and no NUL: "0" or "-0", else
 * [-]0x<odd significand in lowercase hex>p<binary exponent>.  Branch-free but for zero and the
 * exponent's digit count (the same for almost every element of one vector): the sign is stored
 * and kept or overwritten, and the significand, shifted so its first digit leads, is written as
 * six digits of which only the significant ones are kept.  Every store lands within 16 bytes.
 */
static inline char *hex_float(char *p, float f)
{
	uint32_t bits, field, sig, neg;
	int exp2, shift, ndig;

	memcpy(&bits, &f, sizeof bits);
	neg = bits >> 31;
	field = (bits >> 23) & 0xffu;
	sig = bits & 0x7fffffu;
	p[0] = '-';
	p += neg;
	if ((bits & 0x7fffffffu) == 0) {
		*p = '0';
		return p + 1;
	}
	exp2 = field != 0 ? (int)field - 150 : -149;
	sig |= field != 0 ? 0x800000u : 0;
	shift = ctz32(sig);
	sig >>= shift;
	exp2 += shift;
	ndig = (32 - pgv__clz32(sig) + 3) >> 2;
	sig <<= 4 * (6 - ndig);
	memcpy(p, "0x", 2);
	memcpy(p + 2, hex_pairs + 2 * (sig >> 16), 2);
	memcpy(p + 4, hex_pairs + 2 * ((sig >> 8) & 0xffu), 2);
	memcpy(p + 6, hex_pairs + 2 * (sig & 0xffu), 2);
	p += 2 + ndig;
	p[0] = 'p';
	p[1] = '-';
	p += 1 + (exp2 < 0);
	exp2 = exp2 < 0 ? -exp2 : exp2;
	if (exp2 >= 10) {
		if (exp2 >= 100) {
			*p++ = (char)('0' + exp2 / 100);
			exp2 %= 100;
		}
		memcpy(p, pgv__digit_pairs + 2 * exp2, 2);
		return p + 2;
	}
	*p = (char)('0' + exp2);
	return p + 1;
}

size_t pgv__vector_format_hex(const float *v, size_t dim, char *buf)
{
	char *p = buf;

	*p++ = '[';
	for (size_t i = 0; i < dim; i++) {
		if (i > 0)
			*p++ = ',';
		p = hex_float(p, v[i]);
	}
	*p++ = ']';
	*p = '\0';
	return (size_t)(p - buf);
}
