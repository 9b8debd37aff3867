/*
 * Internal: what the codec's value types share, so that each piece of pgvector's grammar and of
 * the server's checks is written once.  The dense text grammar (vector, halfvec) and the scanner
 * pieces sparsevec reuses live in vector_text.c; the value checks in vector.c.  Never installed.
 */
#ifndef PGV_INTERNAL_CODEC_H
#define PGV_INTERNAL_CODEC_H

#include "codec/numtext.h"
#include "pgvodbc/types.h"
#include "pgvodbc/vector.h"

#include <stddef.h>

/* Where a parse is in its text; `type` names the type in syntax errors ("vector", "sparsevec"). */
typedef struct pgv__cursor {
	const char *text;
	size_t len;
	size_t pos;
	const char *type;
} pgv__cursor;

/* Advances past pgvector's whitespace. */
static inline void pgv__skip_space(pgv__cursor *c)
{
	while (c->pos < c->len && pgv__is_space(c->text[c->pos]))
		c->pos++;
}

/*
 * Records malformed text at `offset` with pgvector's message, "invalid input syntax for type T:
 * "<the whole text, quoted>"", and ": <detail>" when `detail` is not NULL.  Returns PGV_EPARSE.
 */
int pgv__syntax_error(const pgv__cursor *c, size_t offset, const char *detail);

/* What sets one dense type apart in the text grammar both share (pgvector's vector_in). */
typedef struct pgv__dense_type {
	const char *name; /* the type in every message: "vector", "halfvec" */
	int max_dim;
	/*
	 * NULL when floats are kept as read.  Otherwise it rounds *value to the type in place and
	 * returns 1 when a finite value does not fit (became infinite), else 0; it is called where
	 * the server checks the range, so NaN and infinity pass through to their own checks.
	 */
	int (*fit)(float *value);
} pgv__dense_type;

/*
 * Parses `text[0..len)` ("[...]" or float4[] "{...}") as a `type` into a newly allocated vector
 * (free with pgv_vector_free), with pgvector's grammar, checks, messages and byte offsets.  Clears
 * the thread error first; on failure `out` is left empty.  Returns 0, PGV_EPARSE, PGV_EDIM,
 * PGV_EVALUE, PGV_ENOMEM or PGV_EINVAL (text or out NULL).
 */
int pgv__dense_parse(const char *text, size_t len, pgv_vector *out, const pgv__dense_type *type);

/*
 * Writes the text of v[0..dim) ("[...]", each element passed through type->fit, then written as
 * the shortest float text) into buf when it fits whole with its NUL, else writes "" when cap > 0.
 * Returns the length without the NUL (SIZE_MAX when that overflows size_t); 0 when v is NULL
 * and dim > 0.
 */
size_t pgv__dense_format(const float *v, size_t dim, char *buf, size_t cap,
	const pgv__dense_type *type);

/* The longest element pgv__vector_format_hex writes: "-0x" 6 hex digits "p-149". */
#define PGV__HEX_FLOAT_MAX 14

/*
 * Writes v[0..dim), all finite, as vector text with exact hexadecimal elements ("[0x86a155p-28,
 * 0]", float_hex.c) into buf, which has room for dim * (PGV__HEX_FLOAT_MAX + 1) + 2 bytes and
 * its NUL.  Returns the length without the NUL.  For the server's strtof only: not
 * PostgreSQL's text.
 */
size_t pgv__vector_format_hex(const float *v, size_t dim, char *buf);

/* For a formatter's buffer that cannot take the whole text: writes "" when it can, returns need. */
static inline size_t pgv__not_written(char *buf, size_t cap, size_t need)
{
	if (cap > 0 && buf != NULL)
		buf[0] = '\0';
	return need;
}

/*
 * The server's dimension check on binary or float input: records "T must have at least 1
 * dimension" or "T cannot have more than MAX dimensions: N given" and returns PGV_EDIM, else 0.
 */
int pgv__check_dim(size_t dim, int max_dim, const char *type);

/*
 * Records that element `i` of a T, `value`, is NaN or infinite ("element I is NaN: NaN not
 * allowed in T", "element I is infinite: infinite value not allowed in T"); returns PGV_EVALUE.
 * Callers test isfinite first, so their loops stay tight.
 */
int pgv__not_finite(float value, size_t i, const char *type);

/*
 * pgvector's binary forms (binary.c): what vector_send, halfvec_send, sparsevec_send and
 * PostgreSQL's varbit_send write, decoded with the checks of the matching recv function.  Each
 * fills `out` with newly allocated data (free with pgv_vector_free, pgv_sparsevec_free or
 * pgv_bitvec_free) from p[0..len), or leaves it empty and returns, with the message and the byte
 * offset of the problem in the thread error (pgv_error_last):
 *   PGV_EPARSE  fewer bytes than the header, another length than the header announces, a
 *               non-zero unused field
 *   PGV_EDIM    a dimension (bit: length) or element count out of the type's limits
 *   PGV_EVALUE  a NaN or infinite element; sparsevec: an index out of bounds, out of order or
 *               repeated, a zero value
 *   PGV_ENOMEM, PGV_EINVAL (out NULL, or p NULL with len > 0)
 * halfvec elements are widened to float exactly.  Bits after a bit string's last are cleared, as
 * the server does.  Thread-safe; the thread error is cleared first.
 */
int pgv__vector_recv(pgv_vector *out, const unsigned char *p, size_t len);
/*
 * sqlite-vec's float32 vector (vec_f32): dim little-endian float32 elements and nothing else;
 * PGV_EPARSE when len is not a multiple of 4, else the same checks and results as above.
 */
int pgv__vector_f32_decode(pgv_vector *out, const unsigned char *p, size_t len);
int pgv__halfvec_recv(pgv_vector *out, const unsigned char *p, size_t len);
int pgv__sparsevec_recv(pgv_sparsevec *out, const unsigned char *p, size_t len);
int pgv__bitvec_recv(pgv_bitvec *out, const unsigned char *p, size_t len);

/*
 * Decodes hex text p[0..len), optionally starting "\\x" (bytea's text form), in place into bytes
 * and sets *out to their count.  Returns 0, or PGV_EPARSE for an odd number of digits or a
 * character that is not one (its offset in the text in the thread error), *out then 0.
 */
int pgv__hex_decode(size_t *out, unsigned char *p, size_t len);

/*
 * Decodes base64 text p[0..len) as PostgreSQL's encode(..., 'base64') writes it (RFC 4648's
 * alphabet, '=' padding, a line feed after every 76 characters; line feeds and carriage returns
 * anywhere are skipped) in place into bytes and sets *out to their count.  Returns 0, or
 * PGV_EPARSE for a character outside the alphabet, padding that ends no group of 2 or 3 digits,
 * a digit after the padding, or text that ends inside a group (the offset, when there is one, in
 * the thread error); *out then 0.
 */
int pgv__base64_decode(size_t *out, unsigned char *p, size_t len);

#endif
