/*
 * pgvodbc/vector.h - the vector value and its text codec (no connection needed).
 *
 * Text forms: pgvector's "[1,2,3]" and PostgreSQL float4[] "{1,2,3}", with pgvector's grammar.
 * Output is pgvector text with each element in the shortest decimal form that reads back to the
 * same float, exactly as PostgreSQL prints float4 (which, like its Ryu code, never prints a text
 * lying exactly halfway between two floats, even when that would be shorter).  Nothing here
 * depends on the locale, process-wide or per thread.
 * All functions are thread-safe; errors are recorded in the calling thread's pgv_error_last().
 */
#ifndef PGVODBC_VECTOR_H
#define PGVODBC_VECTOR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* pgvector's limit on the number of dimensions of a vector. */
#define PGV_VECTOR_MAX_DIM 16000

/*
 * A vector of float32 values.  A pgv_vector filled by the library owns `data` (allocated by the
 * library) and is released with pgv_vector_free.  An empty vector has dim 0 and data NULL.
 */
typedef struct pgv_vector {
	size_t dim;
	float *data;
} pgv_vector;

#define PGV_VECTOR_INIT { 0, NULL }

/*
 * Creates a value by parsing `len` bytes of `text` (need not be NUL-terminated) as pgvector text
 * "[...]" or float4[] text "{...}" into `out`, whose previous contents are not freed.  Whitespace
 * (space, \t, \n, \r, \v, \f) may surround brackets, elements and commas; elements are read as
 * strtof reads them in the C locale (so hex floats are accepted; "NaN"/"inf" spellings are read,
 * then rejected).  A NUL byte within `len` is junk.  Returns 0, or a negative pgv_status leaving
 * `out` empty, with the message (pgvector's wording) and the byte offset of the problem in
 * pgv_error_last():
 *   PGV_EPARSE  malformed text (junk, missing or empty element, NULL element, unbalanced brackets)
 *   PGV_EVALUE  NaN, infinity, or a value past float range (underflow reads as 0, as on the server)
 *   PGV_EDIM    no elements, or more than PGV_VECTOR_MAX_DIM
 *   PGV_ENOMEM  out of memory
 *   PGV_EINVAL  text or out is NULL
 * On success `out->data` is newly allocated; free it with pgv_vector_free.
 */
PGV_API int pgv_vector_parse(const char *text, size_t len, pgv_vector *out);

/*
 * Writes `v[0..dim)` as pgvector text "[a,b,...]" with a terminating NUL into `buf` of `cap`
 * bytes, and returns the length of the text (without the NUL), like snprintf.  When the text does
 * not fit (return value >= cap) nothing is written but, if cap > 0, an empty string: output is
 * never truncated.  `buf` may be NULL when cap is 0 (to ask for the size).  Every element is
 * printed as pgv_float_format prints it; non-finite values print as NaN, Infinity and -Infinity
 * (the server rejects them).  `v` may be NULL when dim is 0 ("[]"); NULL with dim > 0 returns 0.
 * Returns SIZE_MAX if the length would not fit in size_t.  Thread-safe, allocates nothing.
 */
PGV_API size_t pgv_vector_format(const float *v, size_t dim, char *buf, size_t cap);

/*
 * Creates text: formats `v` into newly allocated text (pgvector form) stored in `*out`, its length
 * in `*len` when `len` is not NULL.  The caller frees `*out` with pgv_text_free.  Returns 0,
 * PGV_EINVAL or PGV_ENOMEM.
 */
PGV_API int pgv_vector_to_text(char **out, size_t *len, const float *v, size_t dim);

/* Destroys text returned by the library (pgv_vector_to_text).  NULL is a no-op. */
PGV_API void pgv_text_free(char *text);

/* Destroys the data of `v`, leaving it empty.  NULL or an empty vector is a no-op. */
PGV_API void pgv_vector_free(pgv_vector *v);

/*
 * Checks `data[0..dim)` the way the server checks vector input, without copying: PGV_EDIM for 0
 * or more than PGV_VECTOR_MAX_DIM dimensions, PGV_EVALUE for NaN or infinity (the message names
 * the 0-based element), PGV_EINVAL for NULL data.  Returns 0 when the server would accept it.
 */
PGV_API int pgv_vector_check(const float *data, size_t dim);

/*
 * Creates `out`, a new vector holding a copy of `data[0..dim)`.  Checks what the server would:
 * PGV_EDIM for 0 or more than PGV_VECTOR_MAX_DIM dimensions, PGV_EVALUE for NaN or infinity
 * (the message names the 0-based element: "element 2 is NaN: NaN not allowed in vector"),
 * PGV_EINVAL for a NULL argument, PGV_ENOMEM.  `out` is left empty on failure.
 * The caller frees `out` with pgv_vector_free.
 */
PGV_API int pgv_vector_from_floats(pgv_vector *out, const float *data, size_t dim);

/*
 * Creates `out`, a new copy of `src` (any dimension, including empty).  Free with pgv_vector_free.
 * PGV_EINVAL when either is NULL or they are the same object; PGV_ENOMEM.
 */
PGV_API int pgv_vector_copy(pgv_vector *out, const pgv_vector *src);

/*
 * Compares two vectors: first by dimension, then element by element as floats (-0 equals 0;
 * NaN, which only a hand-filled vector can hold, sorts after every number and equals NaN).
 * Returns <0, 0 or >0.  NULL sorts before any vector.
 */
PGV_API int pgv_vector_compare(const pgv_vector *a, const pgv_vector *b);

/* 1 when `a` and `b` have the same dimension and bit-identical elements, else 0 (two NULLs: 1). */
PGV_API int pgv_vector_identical(const pgv_vector *a, const pgv_vector *b);

/*
 * Writes one float in the shortest form that reads back to the same bits, exactly as PostgreSQL
 * 12+ prints float4 with extra_float_digits > 0: fixed notation for decimal exponents -4..5,
 * else d.ddde+XX ("0.1", "100", "1.234567e+06", "1e-05", "-0", "NaN", "Infinity").  Like the
 * server it skips a text lying exactly halfway between two floats (36646552 prints as
 * "3.6646552e+07", not "3.664655e+07").  Locale-independent and thread-safe.
 * Returns the length like snprintf; nothing but an empty string is written when it does not fit.
 * The longest output is PGV_FLOAT_TEXT_MAX - 1 bytes.  When cap >= PGV_FLOAT_TEXT_MAX the bytes
 * after the NUL, up to buf[PGV_FLOAT_TEXT_MAX - 1], may be overwritten (the digits are written
 * in one pass, before their length is known); nothing at or past buf[cap] is ever touched.
 */
#define PGV_FLOAT_TEXT_MAX 16
PGV_API size_t pgv_float_format(float f, char *buf, size_t cap);

/*
 * The same for a double, exactly as PostgreSQL prints float8 (fixed notation for decimal
 * exponents -4..14: "1.3038404993264", "123456789012345", "1e+15", "1e+100").  The longest
 * output is PGV_DOUBLE_TEXT_MAX - 1 bytes.
 */
#define PGV_DOUBLE_TEXT_MAX 26
PGV_API size_t pgv_double_format(double d, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
