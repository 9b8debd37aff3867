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
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
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
 * past `len` (the bytes are copied to a NUL-terminated buffer first, on the heap when long).
 * Sets `*consumed` to the bytes read (0: no number), `*out` to the value and `*erange` to 1 when
 * strtof reported ERANGE.  Returns 0, or PGV_ENOMEM (with the thread error set).
 */
int pgv__read_float(const char *s, size_t len, float *out, size_t *consumed, int *erange);

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
