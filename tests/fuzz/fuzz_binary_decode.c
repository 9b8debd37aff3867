/*
 * libFuzzer harness: the codec's binary decoders (src/codec/binary.c) on the same arbitrary
 * bytes: pgv__vector_recv, pgv__halfvec_recv, pgv__sparsevec_recv, pgv__bitvec_recv, and
 * pgv__hex_decode of a copy followed by pgv__vector_recv of what it gave, and pgv__base64_decode
 * of a copy against a plain decoder written here from RFC 4648 and PostgreSQL's
 * encode(..., 'base64') (line feeds and carriage returns skipped anywhere; '=' only as the last
 * one or two characters of the last group of four).
 *
 * On success each value satisfies its type's invariant (vector: 1..16000 finite floats; halfvec:
 * 1..16000 finite halves; sparsevec: passes pgv_sparsevec_check; bit: at most
 * PGV_BITVEC_MAX_DIM bits, unused trailing bits zero) and writing its binary form again gives
 * the input back byte for byte (bit: but for the cleared trailing bits); its text parses back
 * bit for bit.  Hex: the output is the value of each digit pair.  Base64: it succeeds exactly when
 * the plain decoder does, with the same bytes.  On failure the status is a
 * documented one, `out` is left empty, and the thread error carries that status, a message and
 * an offset within the input.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "pgvodbc/types.h"

/* Stops the run with a crash libFuzzer records, when an invariant does not hold. */
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* A value each output holds before a decode, so a failure that leaves it untouched is noticed. */
static float sentinel_f[1];
static int32_t sentinel_i[1];
static uint8_t sentinel_b[1];

/* Checks what a failed decode must leave in the thread error. */
static void check_error(int rc, size_t size)
{
	const pgv_error *err = pgv_error_last();

	CHECK(rc == PGV_EPARSE || rc == PGV_EVALUE || rc == PGV_EDIM || rc == PGV_ENOMEM);
	CHECK(err->status == rc);
	CHECK(err->message != NULL && err->message[0] != '\0');
	CHECK(err->offset >= -1 && err->offset <= (int64_t)size);
}

/* A big-endian 16- or 32-bit value at p. */
static uint32_t be(const uint8_t *p, int bytes)
{
	uint32_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* Room for a measured text of `len` bytes and its NUL. */
static char *text_of(size_t len)
{
	char *text;

	CHECK(len != SIZE_MAX);
	text = malloc(len + 1);
	CHECK(text != NULL);
	return text;
}

/* vector: the floats are the input's bits, and their text reads back to them. */
static void check_vector(const uint8_t *data, size_t size)
{
	pgv_vector v = { 3, sentinel_f }, again = PGV_VECTOR_INIT;
	int rc = pgv__vector_recv(&v, data, size);
	size_t len;
	char *text;

	if (rc != PGV_OK) {
		check_error(rc, size);
		CHECK(v.dim == 0 && v.data == NULL);
		return;
	}
	CHECK(v.dim >= 1 && v.dim <= PGV_VECTOR_MAX_DIM && size == 4 + 4 * v.dim);
	CHECK(be(data, 2) == v.dim && be(data + 2, 2) == 0);
	for (size_t i = 0; i < v.dim; i++) {
		uint32_t bits;

		memcpy(&bits, &v.data[i], sizeof(bits));
		CHECK(isfinite(v.data[i]) && bits == be(data + 4 + 4 * i, 4));
	}
	len = pgv_vector_format(v.data, v.dim, NULL, 0);
	text = text_of(len);
	CHECK(pgv_vector_format(v.data, v.dim, text, len + 1) == len);
	CHECK(pgv_vector_parse(text, len, &again) == PGV_OK);
	CHECK(again.dim == v.dim && memcmp(again.data, v.data, v.dim * sizeof(float)) == 0);
	free(text);
	pgv_vector_free(&again);
	pgv_vector_free(&v);
}

/* halfvec: each float is exactly the input's half, and the text reads back to them. */
static void check_halfvec(const uint8_t *data, size_t size)
{
	pgv_vector v = { 3, sentinel_f }, again = PGV_VECTOR_INIT;
	int rc = pgv__halfvec_recv(&v, data, size);
	size_t len;
	char *text;

	if (rc != PGV_OK) {
		check_error(rc, size);
		CHECK(v.dim == 0 && v.data == NULL);
		return;
	}
	CHECK(v.dim >= 1 && v.dim <= PGV_HALFVEC_MAX_DIM && size == 4 + 2 * v.dim);
	for (size_t i = 0; i < v.dim; i++)
		CHECK(isfinite(v.data[i]) && pgv_float_to_half(v.data[i]) == be(data + 4 + 2 * i, 2));
	CHECK(pgv_halfvec_check(v.data, v.dim) == PGV_OK);
	len = pgv_halfvec_format(v.data, v.dim, NULL, 0);
	text = text_of(len);
	CHECK(pgv_halfvec_format(v.data, v.dim, text, len + 1) == len);
	CHECK(pgv_halfvec_parse(text, len, &again) == PGV_OK);
	CHECK(again.dim == v.dim && memcmp(again.data, v.data, v.dim * sizeof(float)) == 0);
	free(text);
	pgv_vector_free(&again);
	pgv_vector_free(&v);
}

/* sparsevec: a valid value whose send bytes are the input, and whose text reads back to it. */
static void check_sparsevec(const uint8_t *data, size_t size)
{
	pgv_sparsevec v = { 2, 1, sentinel_i, sentinel_f }, again = PGV_SPARSEVEC_INIT;
	int rc = pgv__sparsevec_recv(&v, data, size);
	size_t len;
	char *text;

	if (rc != PGV_OK) {
		check_error(rc, size);
		CHECK(v.dim == 0 && v.nnz == 0 && v.indices == NULL && v.values == NULL);
		return;
	}
	CHECK(pgv_sparsevec_check(&v) == PGV_OK);
	CHECK(size == 12 + 8 * v.nnz && be(data, 4) == v.dim && be(data + 4, 4) == v.nnz);
	CHECK(be(data + 8, 4) == 0);
	CHECK(v.nnz > 0 || (v.indices == NULL && v.values == NULL));
	for (size_t i = 0; i < v.nnz; i++) {
		uint32_t bits;

		memcpy(&bits, &v.values[i], sizeof(bits));
		CHECK((uint32_t)v.indices[i] == be(data + 12 + 4 * i, 4));
		CHECK(bits == be(data + 12 + 4 * v.nnz + 4 * i, 4));
	}
	len = pgv_sparsevec_format(&v, NULL, 0);
	text = text_of(len);
	CHECK(pgv_sparsevec_format(&v, text, len + 1) == len);
	CHECK(pgv_sparsevec_parse(text, len, &again) == PGV_OK);
	CHECK(again.dim == v.dim && again.nnz == v.nnz);
	CHECK(v.nnz == 0 || (memcmp(again.indices, v.indices, v.nnz * sizeof(int32_t)) == 0
		&& memcmp(again.values, v.values, v.nnz * sizeof(float)) == 0));
	free(text);
	pgv_sparsevec_free(&again);
	pgv_sparsevec_free(&v);
}

/* bit: the input's bits, trailing bits cleared, and the text reads back to them. */
static void check_bitvec(const uint8_t *data, size_t size)
{
	pgv_bitvec v = { 8, sentinel_b }, again = PGV_BITVEC_INIT;
	int rc = pgv__bitvec_recv(&v, data, size);
	size_t bytes, len;
	char *text;

	if (rc != PGV_OK) {
		check_error(rc, size);
		CHECK(v.dim == 0 && v.data == NULL);
		return;
	}
	bytes = (v.dim + 7) / 8;
	CHECK(v.dim <= PGV_BITVEC_MAX_DIM && size == 4 + bytes && be(data, 4) == v.dim);
	CHECK(v.dim > 0 || v.data == NULL);
	for (size_t i = 0; i < bytes; i++) {
		unsigned mask = i + 1 < bytes || v.dim % 8 == 0 ? 0xffu : 0xffu << (8 - v.dim % 8);
		CHECK(v.data[i] == (data[4 + i] & mask));
	}
	len = pgv_bitvec_format(&v, NULL, 0);
	text = text_of(len);
	CHECK(pgv_bitvec_format(&v, text, len + 1) == len && len == v.dim);
	CHECK(pgv_bitvec_parse(text, len, &again) == PGV_OK);
	CHECK(again.dim == v.dim && (bytes == 0 || memcmp(again.data, v.data, bytes) == 0));
	free(text);
	pgv_bitvec_free(&again);
	pgv_bitvec_free(&v);
}

/* The value of a hex digit, or -1. */
static int digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* hex: each output byte is its digit pair's value; then the bytes as a vector. */
static void check_hex(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	size_t n = 7, at;
	int rc;

	CHECK(copy != NULL);
	if (size)
		memcpy(copy, data, size);
	rc = pgv__hex_decode(&n, copy, size);
	if (rc != PGV_OK) {
		CHECK(rc == PGV_EPARSE && n == 0);
		check_error(rc, size);
		free(copy);
		return;
	}
	at = size >= 2 && data[0] == '\\' && data[1] == 'x' ? 2 : 0;
	CHECK(n * 2 == size - at);
	for (size_t i = 0; i < n; i++) {
		int hi = digit(data[at + 2 * i]), lo = digit(data[at + 2 * i + 1]);
		CHECK(hi >= 0 && lo >= 0 && copy[i] == (uint8_t)(hi << 4 | lo));
	}
	check_vector(copy, n);
	free(copy);
}

/* The value of a base64 digit, or -1. */
static int digit64(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/*
 * The plain decoder: the text without line breaks must be groups of four digits, the last of
 * which may end in "=" or "=="; writes the bytes to out and returns their count, or -1.
 */
static long plain_base64(const uint8_t *data, size_t size, uint8_t *out)
{
	size_t len = 0, pad = 0, n = 0;
	uint8_t *s = malloc(size ? size : 1);
	uint32_t acc = 0;

	CHECK(s != NULL);
	for (size_t i = 0; i < size; i++)
		if (data[i] != '\n' && data[i] != '\r')
			s[len++] = data[i];
	while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
		pad++;
	if (len % 4 != 0 || (pad > 0 && len == 0)) {
		free(s);
		return -1;
	}
	for (size_t i = 0; i < len - pad; i++) {
		int d = digit64(s[i]);

		if (d < 0) {
			free(s);
			return -1;
		}
		acc = acc << 6 | (uint32_t)d;
		if (i % 4 == 3) {
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			acc = 0;
		}
	}
	if (pad == 1) {
		out[n++] = (uint8_t)(acc >> 10);
		out[n++] = (uint8_t)(acc >> 2);
	} else if (pad == 2) {
		out[n++] = (uint8_t)(acc >> 4);
	}
	free(s);
	return (long)n;
}

/* base64: the library's decoder agrees with the plain one, success and bytes alike. */
static void check_base64(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1), *want = malloc(size ? size : 1);
	size_t n = 7;
	long expect;
	int rc;

	CHECK(copy != NULL && want != NULL);
	if (size)
		memcpy(copy, data, size);
	expect = plain_base64(data, size, want);
	rc = pgv__base64_decode(&n, copy, size);
	if (rc != PGV_OK) {
		CHECK(expect < 0);
		CHECK(rc == PGV_EPARSE && n == 0);
		check_error(rc, size);
	} else {
		CHECK(expect >= 0 && n == (size_t)expect);
		CHECK(n == 0 || memcmp(copy, want, n) == 0);
	}
	free(copy);
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_vector(data, size);
	check_halfvec(data, size);
	check_sparsevec(data, size);
	check_bitvec(data, size);
	check_hex(data, size);
	check_base64(data, size);
	return 0;
}
