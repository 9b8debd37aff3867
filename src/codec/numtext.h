/*
 * Internal: locale-independent, strict reading of number text, shared by the codec and the ODBC
 * layer, and the quoting of bad input in messages.  Never installed.
 */
#ifndef PGV_INTERNAL_NUMTEXT_H
#define PGV_INTERNAL_NUMTEXT_H

#include <stddef.h>
#include <stdint.h>

/* pgvector's whitespace: exactly space, \t, \n, \r, \v and \f, whatever the locale says. */
static inline int pgv__is_space(char c)
{
	/* one bit test instead of six comparisons: bits 9-13 (\t \n \v \f \r) and 32 */
	unsigned u = (unsigned char)c;

	return u <= 32 && ((UINT64_C(0x100003e00) >> u) & 1) != 0;
}

/* Bytes of bad input quoted in a message; longer input is cut there and "..." is added. */
#define PGV__QUOTE_MAX 60

/* Room for a quoted prefix: every byte may become a four-byte escape, plus "..." and a NUL. */
#define PGV__QUOTE_BUF (PGV__QUOTE_MAX * 4 + 4)

/*
 * Writes the first PGV__QUOTE_MAX bytes of `s[0..len)` into `dst` (PGV__QUOTE_BUF bytes) for
 * quoting in a message: printable ASCII is kept, a backslash becomes "\\", any other byte "\xHH";
 * "..." is appended when the input was longer.  Returns `dst`.
 */
const char *pgv__quote(char *dst, const char *s, size_t len);

/*
 * Reads the number at the start of `s[0..len)` as strtof reads it in the C locale, never reading
 * past `len`.  Plain decimals are read in place by pgv__float_parse; anything it cannot decide is
 * copied to a NUL-terminated buffer (on the heap when long) for strtof_l.  Sets `*consumed` to
 * the bytes read (0: no number), `*out` to the value and `*erange` to 1 when strtof reported
 * ERANGE.  Returns 0, or PGV_ENOMEM (with the thread error set).
 */
int pgv__read_float(const char *s, size_t len, float *out, size_t *consumed, int *erange);

/* pgv__float_parse could not decide the input: read it with strtof_l instead. */
#define PGV__FLOAT_UNDECIDED 1

/*
 * The fast, exact part of pgv__read_float (src/codec/float_parse.c): reads a plain decimal
 * ([+-] digits [. digits] [e [+-] digits], no leading whitespace) at the start of `s[0..len)`
 * without reading past `len`, with the same outputs as pgv__read_float, bit for bit and ERANGE
 * included.  Returns 0, or PGV__FLOAT_UNDECIDED (outputs unspecified) for any other text (hex,
 * inf, nan, whitespace, no digits), more than 19 significant digits, a subnormal or zero result
 * from a nonzero significand, or a value too close to a rounding midpoint to decide.
 */
int pgv__float_parse(const char *s, size_t len, float *out, size_t *consumed, int *erange);

/*
 * Reads a run of vector elements of the commonest shape, each followed by a comma, from the start
 * of `s[0..len)`: [-]d.ddd or [-]dd.ddd with at most 13 fraction digits (and at most 15 bytes,
 * but for the AVX2 reader), as the server prints floats between 1e-4 and 100
 * (src/codec/float_parse_run.c, float_parse_avx2.c).  Stores up to `room` floats (exactly as
 * strtof reads them) in `out` and their number in `*count`, and returns the bytes consumed, each
 * element with its comma.  Stops before the first element of any other shape or not followed by
 * a comma (such as the last), and somewhere in the last 96 bytes of the text, which it needs to
 * look ahead: it never reads past `len`.
 */
size_t pgv__float_parse_run(const char *s, size_t len, float *out, size_t room, size_t *count);

/*
 * The reader pgv__float_parse_run uses in this build on this processor: "avx2", "sse2" or
 * "portable" (PGV_FLOAT_PARSE_PORTABLE, or neither instruction set); for tests and benchmarks.
 */
const char *pgv__float_parse_path(void);

/*
 * Like pgv__float_parse_run for elements of any plain decimal shape pgv__float_parse reads
 * (1.5e+22, 123456.7, -0.0001): stops before the first element it cannot read exactly by
 * itself (out of range, subnormal, undecided, not directly followed by a comma) and in the last
 * 18 or so bytes of the text; never reads past `len`.
 */
size_t pgv__float_parse_any_run(const char *s, size_t len, float *out, size_t room,
	size_t *count);

/* 5^q ~= mant * 2^exp2 with mant = hi:lo in [2^127, 2^128): exact when q >= 0, else truncated. */
typedef struct pgv__pow5 {
	uint64_t hi;
	uint64_t lo;
	int exp2;
} pgv__pow5;

/* The decimal exponents the table covers: all that a normal float needs from 19 digits. */
#define PGV__POW5_MIN (-56)
#define PGV__POW5_MAX 38

/* 5^q at index q - PGV__POW5_MIN: src/codec/float_parse_table.c, by scripts/gen_pow5_table.py. */
extern const pgv__pow5 pgv__pow5_table[PGV__POW5_MAX - PGV__POW5_MIN + 1];

/*
 * Reads all of `s[0..len)` as a double, as strtod reads it in the C locale, accepting PostgreSQL's
 * "NaN", "Infinity" and "-Infinity".  No surrounding whitespace is allowed.  Underflow reads as
 * strtod gives it (0 or a denormal).  Returns 0, or sets the thread error and returns
 * PGV_EPARSE (not a number, or text after it), PGV_EVALUE (past the range of double),
 * PGV_ENOMEM or PGV_EINVAL (s or out NULL).
 */
int pgv__parse_double(const char *s, size_t len, double *out);

/*
 * Reads all of `s[0..len)` as a decimal int64: an optional sign and one or more digits, nothing
 * else.  Returns 0, or sets the thread error and returns PGV_EPARSE (junk or empty), PGV_EVALUE
 * (out of range) or PGV_EINVAL (s or out NULL).
 */
int pgv__parse_int64(const char *s, size_t len, int64_t *out);

#endif
