/*
 * pgvodbc/types.h - pgvector's halfvec and sparsevec values and PostgreSQL's bit strings, with
 * their text codecs (no connection needed).
 *
 *   halfvec    "[1,0.5,-2]": up to 16000 half-precision (IEEE binary16) elements.  Held here as
 *              floats that are exactly representable in half precision.
 *   sparsevec  "{1:1.5,3:2}/5": up to 1,000,000,000 dimensions, at most 16000 of them non-zero;
 *              text indices are 1-based, the struct's are 0-based.
 *   bit        "0101": PostgreSQL's bit(n) / bit varying, compared by pgvector's hamming (<~>) and
 *              jaccard (<%>) operators.
 *
 * Parsers follow the server's input functions (pgvector 0.8's halfvec_in and sparsevec_in,
 * PostgreSQL's varbit_in): same grammar, same limits, same messages, each with the byte offset
 * of the problem.  Formatters write exactly the text the server prints.  All functions are
 * thread-safe and locale-independent; errors are recorded in the calling thread's
 * pgv_error_last().  A parse that fails leaves `out` empty.
 */
#ifndef PGVODBC_TYPES_H
#define PGVODBC_TYPES_H

#include "common.h"
#include "vector.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- halfvec -------------------------------------------------------------------------------- */

/* pgvector's limit on the dimensions of a halfvec, and the largest finite half. */
#define PGV_HALFVEC_MAX_DIM 16000
#define PGV_HALF_MAX 65504.0f

/*
 * Converts a float to IEEE binary16 bits, rounding to nearest with ties to even, as pgvector
 * converts (its software path, _Float16 and F16C all agree): a finite float of magnitude 65520
 * or more becomes infinity, one below 2^-25 (or exactly 2^-25) becomes a zero of the same sign,
 * NaN stays a quiet NaN of the same sign.  Pure; never fails.
 */
PGV_API uint16_t pgv_float_to_half(float f);

/* The float holding exactly the value of half-precision bits `h` (NaN stays NaN).  Pure. */
PGV_API float pgv_half_to_float(uint16_t h);

/*
 * Checks data[0..dim) the way the server checks a halfvec made from these floats, without
 * copying.  Returns 0 when it would accept them, else (message in pgv_error_last(), naming the
 * 0-based element):
 *   PGV_EDIM    0 or more than PGV_HALFVEC_MAX_DIM dimensions
 *   PGV_EVALUE  NaN, infinity, or a finite float that rounds to infinity in half precision
 *               (magnitude >= 65520): "element 2: \"70000\" is out of range for type halfvec"
 *   PGV_EINVAL  data is NULL
 */
PGV_API int pgv_halfvec_check(const float *data, size_t dim);

/*
 * Creates a value by parsing `len` bytes of halfvec text "[...]" (or float4[] text "{...}", which
 * `halfvec::float4[]` gives) into `out`, each element rounded to half precision exactly as the
 * server stores it, so out->data holds floats that are exact halves.  Grammar, whitespace and
 * errors as pgv_vector_parse, with pgvector's halfvec wording ("invalid input syntax for type
 * halfvec"), plus PGV_EVALUE for an element that overflows half precision ("\"65520\" is out of
 * range for type halfvec"); tiny values become zeros of their sign ("-1e-8" reads as -0).  Returns
 * 0, PGV_EPARSE, PGV_EVALUE, PGV_EDIM (no elements or more than 16000), PGV_ENOMEM or PGV_EINVAL
 * (text or out NULL), leaving `out` empty on failure.  `out`'s previous contents are not freed; on
 * success free it with pgv_vector_free.
 */
PGV_API int pgv_halfvec_parse(const char *text, size_t len, pgv_vector *out);

/*
 * Writes the text the server prints for a halfvec of data[0..dim): "[a,b,...]", each element
 * first rounded to half precision, then printed as the shortest float text of that half
 * (0.1 prints as "0.099975586"; -0 as "-0").  NaN, infinities and floats that overflow half
 * precision print as NaN / Infinity / -Infinity (the server rejects those).  snprintf-like
 * contract of pgv_vector_format: returns the length without the NUL; when it does not fit
 * nothing but "" is written; buf may be NULL when cap is 0; data NULL with dim > 0 returns 0.
 * Allocates nothing.
 */
PGV_API size_t pgv_halfvec_format(const float *data, size_t dim, char *buf, size_t cap);

/* ---- sparsevec ------------------------------------------------------------------------------ */

/* pgvector's limits: dimensions, and stored (non-zero) elements. */
#define PGV_SPARSEVEC_MAX_DIM 1000000000
#define PGV_SPARSEVEC_MAX_NNZ 16000

/*
 * A sparse vector.  Filled by the library it owns `indices` and `values` (both NULL when nnz is
 * 0) and is released with pgv_sparsevec_free.  A valid one (pgv_sparsevec_check) has
 * 1 <= dim <= PGV_SPARSEVEC_MAX_DIM, nnz <= min(dim, PGV_SPARSEVEC_MAX_NNZ), indices strictly
 * ascending in [0, dim), values finite and non-zero.
 */
typedef struct pgv_sparsevec {
	size_t dim;      /* number of dimensions */
	size_t nnz;      /* number of stored (non-zero) elements */
	int32_t *indices;/* nnz 0-based indices, strictly ascending (text uses 1-based) */
	float *values;   /* nnz non-zero finite values */
} pgv_sparsevec;

#define PGV_SPARSEVEC_INIT { 0, 0, NULL, NULL }

/*
 * Creates a value by parsing `len` bytes of sparsevec text "{i:v,...}/dim" into `out` (previous
 * contents not freed), as pgvector's sparsevec_in reads it: whitespace around every token, 1-based
 * indices and the dimension read as strtol reads base-10 integers (sign allowed), values as strtof
 * in the C locale; elements in any order (they are sorted), zero values dropped (also at an index
 * that is out of bounds or repeated), more than 16000 elements refused before anything else
 * (counting one per comma in the whole text, as the server does).  Returns 0, or, with pgvector's
 * message and the byte offset in pgv_error_last(), leaving `out` empty:
 *   PGV_EPARSE  malformed text (no "{", missing ":" or "/", empty element, junk after the dimension)
 *   PGV_EVALUE  NaN, infinity, a value out of float range (overflow, or underflow to zero: the
 *               server refuses "1e-50" here), an index out of bounds, a repeated index
 *   PGV_EDIM    dimension below 1 or above PGV_SPARSEVEC_MAX_DIM, more than 16000 elements
 *   PGV_ENOMEM, PGV_EINVAL (text or out NULL)
 * On success free `out` with pgv_sparsevec_free.
 */
PGV_API int pgv_sparsevec_parse(const char *text, size_t len, pgv_sparsevec *out);

/*
 * Writes the server's text of `v`, "{1:1.5,3:2}/5" (indices 1-based, values as pgv_float_format
 * prints them; "{}/5" when nnz is 0), snprintf-like as pgv_vector_format.  `v` is printed as it
 * is, valid or not; NULL v, or NULL arrays with nnz > 0, return 0.  Returns SIZE_MAX if the
 * length overflows size_t.  Allocates nothing.
 */
PGV_API size_t pgv_sparsevec_format(const pgv_sparsevec *v, char *buf, size_t cap);

/*
 * Writes dense floats data[0..dim) as sparsevec text directly, zeros (and -0) dropped, without
 * allocating: what the server stores for `'[...]'::vector::sparsevec`.  snprintf-like as
 * pgv_sparsevec_format; data NULL with dim > 0 returns 0.
 */
PGV_API size_t pgv_sparsevec_format_dense(const float *data, size_t dim, char *buf, size_t cap);

/*
 * Checks `v` as the server checks a sparsevec it receives in binary form (sparsevec_recv),
 * which is the struct's own invariant, in the server's order: dimensions, element count,
 * indices, values.  Returns 0, or (message naming the 0-based element):
 *   PGV_EDIM    dim 0 or > PGV_SPARSEVEC_MAX_DIM, nnz > PGV_SPARSEVEC_MAX_NNZ or nnz > dim
 *   PGV_EVALUE  an index out of [0, dim), indices not strictly ascending (out of order or
 *               repeated), a NaN, infinite or zero value
 *   PGV_EINVAL  v NULL, or NULL arrays with nnz > 0
 */
PGV_API int pgv_sparsevec_check(const pgv_sparsevec *v);

/*
 * Checks dense floats as the server checks `'[...]'::vector::sparsevec` would, without
 * copying: PGV_EDIM for 0 or more than PGV_SPARSEVEC_MAX_DIM dimensions or more than
 * PGV_SPARSEVEC_MAX_NNZ non-zero values, PGV_EVALUE for NaN or infinity (naming the 0-based
 * element), PGV_EINVAL for NULL data.  Returns 0 when acceptable.
 */
PGV_API int pgv_sparsevec_check_dense(const float *data, size_t dim);

/*
 * Creates `out`, a new sparse vector from dense floats: the non-zero ones (-0 counts as zero),
 * after pgv_sparsevec_check_dense.  Returns 0 or its status, PGV_EINVAL (out NULL) or
 * PGV_ENOMEM, leaving `out` empty on failure.  Free with pgv_sparsevec_free.
 */
PGV_API int pgv_sparsevec_from_dense(pgv_sparsevec *out, const float *data, size_t dim);

/*
 * Creates `out`, a new dense vector of v->dim floats, zero but at v's indices: what
 * `sparsevec::vector` gives.  `v` must pass pgv_sparsevec_check (its status is returned
 * otherwise) and have at most PGV_VECTOR_MAX_DIM dimensions (else PGV_EDIM, the server's
 * "vector cannot have more than 16000 dimensions").  PGV_EINVAL for NULL, PGV_ENOMEM; `out` is
 * left empty on failure.  Free with pgv_vector_free.
 */
PGV_API int pgv_sparsevec_to_dense(pgv_vector *out, const pgv_sparsevec *v);

/* Destroys the arrays of `v`, leaving it empty.  NULL is a no-op. */
PGV_API void pgv_sparsevec_free(pgv_sparsevec *v);

/* ---- bit ------------------------------------------------------------------------------------ */

/*
 * The longest bit string accepted: 83886080 bits, PostgreSQL's limit on n in bit(n) and
 * bit varying(n) ("length for type bit cannot exceed 83886080"), so the longest value any
 * typed column can hold.  The server builds longer unconstrained varbit values in queries;
 * this library refuses them (their text would pass 80 MB).
 */
#define PGV_BITVEC_MAX_DIM 83886080

/*
 * A bit string: dim bits packed most significant bit first, (dim + 7) / 8 bytes, the unused
 * trailing bits zero.  The empty string (dim 0, data NULL) is valid: `''::bit varying` is a
 * zero-length value.  pgvector's <~> and <%> refuse operands of different lengths ("different
 * bit lengths 4 and 3"); two empty strings have hamming distance 0 and jaccard distance 1.
 * Filled by the library it owns `data`; free with pgv_bitvec_free.
 */
typedef struct pgv_bitvec {
	size_t dim;      /* number of bits */
	uint8_t *data;
} pgv_bitvec;

#define PGV_BITVEC_INIT { 0, NULL }

/*
 * Creates a value by parsing `len` bytes of bit text: '0' and '1' only, nothing around them (what
 * the server prints for bit and bit varying; its "B..." and "X..." input forms are not accepted).
 * "" is the empty bit string.  Returns 0, or, with PostgreSQL's message and offset, leaving `out`
 * empty: PGV_EPARSE for any other character ("\"2\" is not a valid binary digit", a multi-byte
 * UTF-8 character quoted whole), PGV_EDIM for more than PGV_BITVEC_MAX_DIM bits ("bit string length
 * 83886081 exceeds the maximum allowed (83886080)"), PGV_ENOMEM, PGV_EINVAL (text or out NULL).
 * `out`'s previous contents are not freed; on success free it with pgv_bitvec_free.
 */
PGV_API int pgv_bitvec_parse(const char *text, size_t len, pgv_bitvec *out);

/*
 * Writes the bits of `v` as '0'/'1' text (dim characters), snprintf-like as pgv_vector_format.
 * NULL v, or NULL data with dim > 0, return 0.  Allocates nothing.
 */
PGV_API size_t pgv_bitvec_format(const pgv_bitvec *v, char *buf, size_t cap);

/* Bit `i` (0-based, from the left) of `v`: 0 or 1; PGV_EINVAL when v is NULL or i >= v->dim. */
PGV_API int pgv_bitvec_get(const pgv_bitvec *v, size_t i);

/*
 * Creates `out`, a new bit string of `dim` bits from floats that are each 0 (or -0) or 1.
 * Returns 0, PGV_EVALUE naming the first 0-based element that is neither ("element 3 is 0.5:
 * a bit must be 0 or 1"), PGV_EDIM for more than PGV_BITVEC_MAX_DIM, PGV_EINVAL (out NULL, or
 * data NULL with dim > 0), PGV_ENOMEM; `out` is left empty on failure.  dim 0 gives the empty
 * string.  Free with pgv_bitvec_free.
 */
PGV_API int pgv_bitvec_from_floats(pgv_bitvec *out, const float *data, size_t dim);

/*
 * Creates `out`, a new vector of v->dim floats, 0 or 1 each (empty for an empty string).
 * Returns 0, PGV_EINVAL (NULL, or data NULL with dim > 0) or PGV_ENOMEM, leaving `out` empty on
 * failure.  Free with pgv_vector_free.
 */
PGV_API int pgv_bitvec_to_floats(pgv_vector *out, const pgv_bitvec *v);

/* Destroys the data of `v`, leaving it empty.  NULL is a no-op. */
PGV_API void pgv_bitvec_free(pgv_bitvec *v);

#ifdef __cplusplus
}
#endif

#endif
