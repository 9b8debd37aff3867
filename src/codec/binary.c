/*
 * pgvector's binary forms, as its send functions write them and its recv functions check them,
 * and the hex or base64 text a bytea is carried in.  Every number is big-endian:
 *   vector     int16 dim, int16 unused (0), dim float4
 *   halfvec    int16 dim, int16 unused (0), dim half-precision floats
 *   sparsevec  int32 dim, int32 nnz, int32 unused (0), nnz int32 0-based indices, nnz float4
 *   bit        int32 length in bits, then the bits packed most significant first (varbit_send)
 * The checks are the server's, in its order (dimensions, element count, unused field, then each
 * element), after which the length must be exactly what the header announces (the server's
 * "insufficient data left in message" and "incorrect binary data format").  No ODBC here: the
 * ODBC layer reads the bytes and hands them over.
 */
#include "common/error.h"
#include "codec/codec.h"
#include "pgvodbc/types.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Hex digit values; 0x10 marks every byte that is not a hex digit. */
static const unsigned char hex_table[256] = {
#define X16 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, \
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10
	X16, X16, X16,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 10, 11, 12, 13, 14, 15, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, X16,
	0x10, 10, 11, 12, 13, 14, 15, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, X16,
	X16, X16, X16, X16, X16, X16, X16, X16
#undef X16
};

/*
 * Decodes hex in place.  Table-driven: a branch on the kind of each digit would be mispredicted
 * half the time on random bytes (this was most of the client's work per row of a binary read).
 */
int pgv__hex_decode(size_t *out, unsigned char *p, size_t len)
{
	size_t at = 0, n = 0;

	pgv__error_clear();
	*out = 0;
	if (len >= 2 && p[0] == '\\' && p[1] == 'x')
		at = 2;
	if ((len - at) % 2 != 0)
		return pgv__error_set(PGV_EPARSE, -1, "binary value as hex text of %zu characters: "
			"an odd number", len - at);
	for (size_t i = at; i < len; i += 2) {
		unsigned hi = hex_table[p[i]], lo = hex_table[p[i + 1]];

		if ((hi | lo) & 0x10) {
			/* bytes are written behind the reading position: p[i], p[i + 1] are intact */
			size_t bad = hi & 0x10 ? i : i + 1;
			return pgv__error_set(PGV_EPARSE, (int64_t)bad, "binary value as hex text: "
				"character %zu (0x%02x) is not a hex digit", bad, p[bad]);
		}
		p[n++] = (unsigned char)(hi << 4 | lo);
	}
	*out = n;
	return PGV_OK;
}

/*
 * Base64 digit values (RFC 4648's alphabet, as PostgreSQL's encode(..., 'base64') writes it);
 * B64_SKIP marks the line feed (and carriage return) the server puts after every 76 characters,
 * B64_PAD '=', B64_BAD every other byte.  Any of the three has bit 0x40 or 0x80 set, so one OR
 * over four lookups tells whether four characters are four plain digits.
 */
#define B64_SKIP 0x40
#define B64_PAD 0x80
#define B64_BAD 0xC0
static const unsigned char b64_table[256] = {
#define B8 B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD
	B8, B64_BAD, B64_BAD, B64_SKIP, B64_BAD, B64_BAD, B64_SKIP, B64_BAD, B64_BAD,
	B8, B8,
	B8, B64_BAD, B64_BAD, B64_BAD, 62, B64_BAD, B64_BAD, B64_BAD, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, B64_BAD, B64_BAD, B64_BAD, B64_PAD, B64_BAD, B64_BAD,
	B64_BAD, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	B64_BAD, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	B8, B8, B8, B8, B8, B8, B8, B8, B8, B8, B8, B8, B8, B8, B8, B8
#undef B8
};

/*
 * Decodes base64 text in place (see codec.h).  Four plain digits at a time while they last (a
 * 76-character line is 19 such groups); line breaks, the padding and errors go one character at
 * a time.  Bytes are written behind the reading position: 3 for every 4 characters read.
 */
int pgv__base64_decode(size_t *out, unsigned char *p, size_t len)
{
	size_t i = 0, n = 0, pad = 0;
	uint32_t acc = 0;
	unsigned q = 0; /* digits in acc: 0..3 */

	pgv__error_clear();
	*out = 0;
	while (i < len) {
		unsigned v;

		if (q == 0 && pad == 0 && len - i >= 4) {
			unsigned a = b64_table[p[i]], b = b64_table[p[i + 1]], c = b64_table[p[i + 2]],
				d = b64_table[p[i + 3]];

			if (((a | b | c | d) & 0xC0) == 0) {
				uint32_t w = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | d;

				p[n] = (unsigned char)(w >> 16);
				p[n + 1] = (unsigned char)(w >> 8);
				p[n + 2] = (unsigned char)w;
				n += 3;
				i += 4;
				continue;
			}
		}
		v = b64_table[p[i]];
		if (v == B64_SKIP) {
			i++;
			continue;
		}
		if (v == B64_PAD) {
			/* "xx==" or "xxx=": a group of two or three digits ends the text */
			if (q < 2 || q + pad >= 4)
				return pgv__error_set(PGV_EPARSE, (int64_t)i, "binary value as base64 text: "
					"padding at character %zu ends no group", i);
			pad++;
			i++;
			continue;
		}
		if (v == B64_BAD || pad > 0)
			return pgv__error_set(PGV_EPARSE, (int64_t)i, "binary value as base64 text: "
				"character %zu (0x%02x) %s", i, p[i], pad > 0 ? "follows the padding"
				: "is not a base64 digit");
		acc = acc << 6 | v;
		i++;
		if (++q == 4) {
			p[n] = (unsigned char)(acc >> 16);
			p[n + 1] = (unsigned char)(acc >> 8);
			p[n + 2] = (unsigned char)acc;
			n += 3;
			q = 0;
			acc = 0;
		}
	}
	if (q != 0 && q + pad != 4)
		return pgv__error_set(PGV_EPARSE, -1, "binary value as base64 text: it ends inside a "
			"group of 4 characters");
	if (q == 3) {
		p[n++] = (unsigned char)(acc >> 10);
		p[n++] = (unsigned char)(acc >> 2);
	} else if (q == 2) {
		p[n++] = (unsigned char)(acc >> 4);
	}
	*out = n;
	return PGV_OK;
}

/* A big-endian 16-bit value. */
static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | (unsigned)p[1];
}

/* A big-endian 32-bit value. */
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* A big-endian 32-bit value as the server's int32 reads it (two's complement). */
static int32_t be32s(const unsigned char *p)
{
	uint32_t u = be32(p);

	return u <= INT32_MAX ? (int32_t)u : (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

/* A big-endian float4. */
static float befloat(const unsigned char *p)
{
	uint32_t bits = be32(p);
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

/* Refuses fewer bytes than a header: "binary T of N bytes is shorter than its H-byte header". */
static int short_header(const char *type, size_t len, size_t header)
{
	return pgv__error_set(PGV_EPARSE, (int64_t)len, "binary %s of %zu bytes is shorter than its "
		"%zu-byte header", type, len, header);
}

/* Refuses a length other than the header announces. */
static int wrong_length(const char *type, size_t len, long count, const char *unit, size_t need)
{
	return pgv__error_set(PGV_EPARSE, (int64_t)(len < need ? len : need), "binary %s of %zu "
		"bytes: its header's %ld %s need %zu bytes", type, len, count, unit, need);
}

/* Refuses a non-zero unused header field (the server: "expected unused to be 0, not N"). */
static int unused_not_zero(const char *type, long unused, size_t at)
{
	return pgv__error_set(PGV_EPARSE, (int64_t)at, "binary %s has %ld in its unused header "
		"field, not 0", type, unused);
}

/* Refuses a NaN or infinite element `i` at byte `at`, in the server's words. */
static int element_not_finite(const char *type, float value, size_t i, size_t at)
{
	if (isnan(value))
		return pgv__error_set(PGV_EVALUE, (int64_t)at, "binary %s: element %zu is NaN: NaN "
			"not allowed in %s", type, i, type);
	return pgv__error_set(PGV_EVALUE, (int64_t)at, "binary %s: element %zu is infinite: "
		"infinite value not allowed in %s", type, i, type);
}

/*
 * The two dense forms: a 4-byte header, then `width` bytes an element, read by `get` (NULL for
 * float4).  What vector_recv and halfvec_recv check.
 */
static int dense_recv(pgv_vector *out, const unsigned char *p, size_t len, const char *type,
	int max_dim, size_t width)
{
	unsigned dim, unused;
	size_t need;
	float *data;

	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "decoding a binary %s: out is NULL", type);
	out->dim = 0;
	out->data = NULL;
	if (!p && len > 0)
		return pgv__error_set(PGV_EINVAL, -1, "decoding a binary %s: bytes are NULL", type);
	if (len < 4)
		return short_header(type, len, 4);
	dim = be16(p);
	unused = be16(p + 2);
	if (dim < 1 || dim > (unsigned)max_dim)
		return pgv__error_set(PGV_EDIM, 0, "binary %s has %u dimensions: a %s must have 1 to %d",
			type, dim, type, max_dim);
	if (unused != 0)
		return unused_not_zero(type, (long)unused, 2);
	need = 4 + width * dim;
	if (len != need)
		return wrong_length(type, len, (long)dim, "dimensions", need);
	if (!(data = malloc((size_t)dim * sizeof(*data))))
		return pgv__error_set(PGV_ENOMEM, -1, "decoding a binary %s: out of memory", type);
	for (size_t i = 0; i < dim; i++) {
		const unsigned char *e = p + 4 + width * i;
		float v = width == 4 ? befloat(e) : pgv_half_to_float((uint16_t)be16(e));

		if (!isfinite(v)) {
			free(data);
			return element_not_finite(type, v, i, 4 + width * i);
		}
		data[i] = v;
	}
	out->dim = dim;
	out->data = data;
	return PGV_OK;
}

int pgv__vector_recv(pgv_vector *out, const unsigned char *p, size_t len)
{
	return dense_recv(out, p, len, "vector", PGV_VECTOR_MAX_DIM, 4);
}

/*
 * sqlite-vec's float32 form: the elements alone, little-endian, 4 bytes each (what vec_f32
 * stores), with the checks vector_recv makes of its elements and dimensions.
 */
int pgv__vector_f32_decode(pgv_vector *out, const unsigned char *p, size_t len)
{
	size_t dim = len / 4;
	float *data;

	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "decoding a float32 vector: out is NULL");
	out->dim = 0;
	out->data = NULL;
	if (!p && len > 0)
		return pgv__error_set(PGV_EINVAL, -1, "decoding a float32 vector: bytes are NULL");
	if (len % 4 != 0)
		return pgv__error_set(PGV_EPARSE, (int64_t)(len - len % 4), "float32 vector of %zu "
			"bytes: not a whole number of 4-byte elements", len);
	if (dim < 1 || dim > PGV_VECTOR_MAX_DIM)
		return pgv__error_set(PGV_EDIM, 0, "float32 vector has %zu dimensions: a vector must "
			"have 1 to %d", dim, PGV_VECTOR_MAX_DIM);
	if (!(data = malloc(dim * sizeof(*data))))
		return pgv__error_set(PGV_ENOMEM, -1, "decoding a float32 vector: out of memory");
	for (size_t i = 0; i < dim; i++) {
		const unsigned char *e = p + 4 * i;
		uint32_t bits = (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16
			| (uint32_t)e[3] << 24;
		float v;

		memcpy(&v, &bits, sizeof(v));
		if (!isfinite(v)) {
			free(data);
			return element_not_finite("float32 vector", v, i, 4 * i);
		}
		data[i] = v;
	}
	out->dim = dim;
	out->data = data;
	return PGV_OK;
}

int pgv__halfvec_recv(pgv_vector *out, const unsigned char *p, size_t len)
{
	return dense_recv(out, p, len, "halfvec", PGV_HALFVEC_MAX_DIM, 2);
}

/* sparsevec_recv's header checks: dimensions, then the element count, then the unused field. */
static int sparse_header(const unsigned char *p, int32_t *dim, int32_t *nnz)
{
	int32_t unused;

	*dim = be32s(p);
	*nnz = be32s(p + 4);
	unused = be32s(p + 8);
	if (*dim < 1 || *dim > PGV_SPARSEVEC_MAX_DIM)
		return pgv__error_set(PGV_EDIM, 0, "binary sparsevec has %ld dimensions: a sparsevec "
			"must have 1 to %d", (long)*dim, PGV_SPARSEVEC_MAX_DIM);
	if (*nnz < 0)
		return pgv__error_set(PGV_EDIM, 4, "binary sparsevec has %ld elements: sparsevec "
			"cannot have negative number of elements", (long)*nnz);
	if (*nnz > PGV_SPARSEVEC_MAX_NNZ)
		return pgv__error_set(PGV_EDIM, 4, "binary sparsevec has %ld elements: sparsevec "
			"cannot have more than %d non-zero elements", (long)*nnz, PGV_SPARSEVEC_MAX_NNZ);
	if (*nnz > *dim)
		return pgv__error_set(PGV_EDIM, 4, "binary sparsevec has %ld elements in %ld "
			"dimensions: sparsevec cannot have more elements than dimensions", (long)*nnz,
			(long)*dim);
	if (unused != 0)
		return unused_not_zero("sparsevec", (long)unused, 8);
	return PGV_OK;
}

/* sparsevec_recv's index check of element i (CheckIndex): bounds, then order, then repeats. */
static int sparse_index(const int32_t *idx, size_t i, int32_t dim)
{
	const char *why = NULL;
	size_t at = 12 + 4 * i;

	if (idx[i] < 0 || idx[i] >= dim)
		why = "sparsevec index out of bounds";
	else if (i > 0 && idx[i] < idx[i - 1])
		why = "sparsevec indices must be in ascending order";
	else if (i > 0 && idx[i] == idx[i - 1])
		why = "sparsevec indices must not contain duplicates";
	if (why)
		return pgv__error_set(PGV_EVALUE, (int64_t)at, "binary sparsevec: element %zu has "
			"index %ld: %s", i, (long)idx[i], why);
	return PGV_OK;
}

int pgv__sparsevec_recv(pgv_sparsevec *out, const unsigned char *p, size_t len)
{
	int32_t dim, nnz;
	size_t need;
	int status;

	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "decoding a binary sparsevec: out is NULL");
	memset(out, 0, sizeof(*out));
	if (!p && len > 0)
		return pgv__error_set(PGV_EINVAL, -1, "decoding a binary sparsevec: bytes are NULL");
	if (len < 12)
		return short_header("sparsevec", len, 12);
	if ((status = sparse_header(p, &dim, &nnz)) != PGV_OK)
		return status;
	need = 12 + 8 * (size_t)nnz;
	if (len != need)
		return wrong_length("sparsevec", len, (long)nnz, "elements", need);
	if (nnz > 0) {
		out->indices = malloc((size_t)nnz * sizeof(*out->indices));
		out->values = malloc((size_t)nnz * sizeof(*out->values));
		if (!out->indices || !out->values) {
			pgv_sparsevec_free(out);
			return pgv__error_set(PGV_ENOMEM, -1, "decoding a binary sparsevec: out of memory");
		}
	}
	for (size_t i = 0; i < (size_t)nnz; i++) {
		out->indices[i] = be32s(p + 12 + 4 * i);
		if ((status = sparse_index(out->indices, i, dim)) != PGV_OK)
			goto failed;
	}
	for (size_t i = 0; i < (size_t)nnz; i++) {
		size_t at = 12 + 4 * (size_t)nnz + 4 * i;
		float v = befloat(p + at);

		if (!isfinite(v)) {
			status = element_not_finite("sparsevec", v, i, at);
			goto failed;
		}
		if (v == 0) {
			status = pgv__error_set(PGV_EVALUE, (int64_t)at, "binary sparsevec: element %zu "
				"is 0: binary representation of sparsevec cannot contain zero values", i);
			goto failed;
		}
		out->values[i] = v;
	}
	out->dim = (size_t)dim;
	out->nnz = (size_t)nnz;
	return PGV_OK;
failed:
	pgv_sparsevec_free(out);
	return status;
}

/*
 * varbit_recv: the length in bits (0 allowed), then the bytes that hold them.  Bits after the
 * last are cleared, as the server pads them ("make sure the last byte is zero-padded") rather
 * than refusing them; this library's limit, PGV_BITVEC_MAX_DIM, is the longest typed column.
 */
int pgv__bitvec_recv(pgv_bitvec *out, const unsigned char *p, size_t len)
{
	int32_t bits;
	size_t bytes;

	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "decoding a binary bit: out is NULL");
	out->dim = 0;
	out->data = NULL;
	if (!p && len > 0)
		return pgv__error_set(PGV_EINVAL, -1, "decoding a binary bit: bytes are NULL");
	if (len < 4)
		return short_header("bit", len, 4);
	bits = be32s(p);
	if (bits < 0)
		return pgv__error_set(PGV_EDIM, 0, "binary bit has %ld bits: invalid length in "
			"external bit string", (long)bits);
	if (bits > PGV_BITVEC_MAX_DIM)
		return pgv__error_set(PGV_EDIM, 0, "binary bit has %ld bits: bit string length "
			"exceeds the maximum allowed (%d)", (long)bits, PGV_BITVEC_MAX_DIM);
	bytes = (size_t)bits / 8 + ((size_t)bits % 8 != 0);
	if (len != 4 + bytes)
		return wrong_length("bit", len, (long)bits, "bits", 4 + bytes);
	if (bytes == 0)
		return PGV_OK;
	if (!(out->data = malloc(bytes)))
		return pgv__error_set(PGV_ENOMEM, -1, "decoding a binary bit: out of memory");
	memcpy(out->data, p + 4, bytes);
	if (bits % 8)
		out->data[bytes - 1] &= (uint8_t)(0xffu << (8 - bits % 8));
	out->dim = (size_t)bits;
	return PGV_OK;
}
