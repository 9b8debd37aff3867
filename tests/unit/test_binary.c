/*
 * Unit tests of pgvector's binary forms in the codec (src/codec/binary.c): hex and base64
 * decoding, and decoding vector_send, halfvec_send, sparsevec_send and varbit_send bytes with
 * the checks of the matching recv function.  Bytes are written here from the format's definition (big-endian
 * header and elements), independently of the decoder; the round trips compare with the text
 * codec (pgv_*_parse / pgv_*_format).  Every refusal is pinned: status, message part, offset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "pgvodbc/types.h"

#include "codec_check.h"

/* ---- writing the binary forms, from their definition ---------------------------------------- */

typedef struct bytes {
	unsigned char b[1 << 17];
	size_t n;
} bytes;

static bytes buf; /* one test at a time: static keeps the stack small */

static void put16(bytes *o, unsigned v)
{
	o->b[o->n++] = (unsigned char)(v >> 8);
	o->b[o->n++] = (unsigned char)v;
}

static void put32(bytes *o, uint32_t v)
{
	for (int s = 24; s >= 0; s -= 8)
		o->b[o->n++] = (unsigned char)(v >> s);
}

static void putf(bytes *o, float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	put32(o, u);
}

/* vector_send of floats: int16 dim, int16 unused, dim float4. */
static bytes *vector_bytes(const float *v, unsigned dim, unsigned unused)
{
	buf.n = 0;
	put16(&buf, dim);
	put16(&buf, unused);
	for (unsigned i = 0; i < dim; i++)
		putf(&buf, v[i]);
	return &buf;
}

/* sparsevec_send: int32 dim, nnz, unused, then nnz indices and nnz values. */
static bytes *sparse_bytes(int32_t dim, int32_t nnz, const int32_t *idx, const float *val)
{
	buf.n = 0;
	put32(&buf, (uint32_t)dim);
	put32(&buf, (uint32_t)nnz);
	put32(&buf, 0);
	for (int32_t i = 0; i < nnz; i++)
		put32(&buf, (uint32_t)idx[i]);
	for (int32_t i = 0; i < nnz; i++)
		putf(&buf, val[i]);
	return &buf;
}

/* The bytes a hex string spells, into buf (test data only: well-formed). */
static bytes *hex(const char *text)
{
	size_t n = strlen(text);

	buf.n = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned v;
		sscanf(text + i, "%2x", &v);
		buf.b[buf.n++] = (unsigned char)v;
	}
	return &buf;
}

/* ---- hex ------------------------------------------------------------------------------------- */

/* Hex with or without bytea's "\x", either case, decoded in place. */
static void test_binary__hex_decodes_in_place(void **state)
{
	char a[] = "\\x0001Ab3F", b[] = "ff00";
	size_t n = 99;

	(void)state;
	assert_int_equal(pgv__hex_decode(&n, (unsigned char *)a, strlen(a)), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(a, "\x00\x01\xab\x3f", 4);
	assert_int_equal(pgv__hex_decode(&n, (unsigned char *)b, 4), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(b, "\xff\x00", 2);
	assert_int_equal(pgv__hex_decode(&n, (unsigned char *)b, 0), 0);
	assert_int_equal(n, 0);
}

/* An odd count and a non-digit are refused, the bad character's offset named. */
static void test_binary__hex_rejects(void **state)
{
	char odd[] = "\\x123", bad[] = "00g0", hi[] = "\\x0\xff";
	size_t n = 99;

	(void)state;
	assert_failure(pgv__hex_decode(&n, (unsigned char *)odd, strlen(odd)), PGV_EPARSE,
		"hex text of 3 characters: an odd number", -1);
	assert_int_equal(n, 0);
	assert_failure(pgv__hex_decode(&n, (unsigned char *)bad, 4), PGV_EPARSE,
		"character 2 (0x67) is not a hex digit", 2);
	assert_failure(pgv__hex_decode(&n, (unsigned char *)hi, 4), PGV_EPARSE,
		"character 3 (0xff) is not a hex digit", 3);
}

/* ---- base64 ---------------------------------------------------------------------------------- */

/* RFC 4648's test vectors (section 10), decoded in place. */
static void test_binary__base64_rfc_vectors(void **state)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
		"Zm9vYmFy" };
	char text[16];
	size_t n = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		snprintf(text, sizeof(text), "%s", coded[i]);
		assert_int_equal(pgv__base64_decode(&n, (unsigned char *)text, strlen(text)), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(text, plain[i], n);
	}
}

/*
 * Random bytes of every length up to 300, written as the server's encode(..., 'base64') writes
 * them (a line feed after every 76 characters, none at the end), and once more with "\r\n",
 * decode to the same bytes; the encoder works bit by bit from the RFC's definition.
 */
static void test_binary__base64_round_trip_with_line_breaks(void **state)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static unsigned char raw[300];
	static char text[600];
	uint32_t x = 12345;

	(void)state;
	for (size_t len = 0; len <= sizeof(raw); len++) {
		for (int crlf = 0; crlf < 2; crlf++) {
			size_t t = 0, digits = 0, n = 0;

			for (size_t i = 0; i < len; i++) {
				x = x * 1103515245u + 12345u;
				raw[i] = (unsigned char)(x >> 16);
			}
			for (size_t bit = 0; bit < len * 8; bit += 6) {
				unsigned v = 0;
				for (size_t k = bit; k < bit + 6; k++)
					v = v << 1 | (k < len * 8 ? (raw[k / 8] >> (7 - k % 8)) & 1u : 0u);
				if (digits > 0 && digits % 76 == 0) {
					if (crlf)
						text[t++] = '\r';
					text[t++] = '\n';
				}
				text[t++] = alphabet[v];
				digits++;
			}
			while (digits % 4 != 0) {
				text[t++] = '=';
				digits++;
			}
			assert_int_equal(pgv__base64_decode(&n, (unsigned char *)text, t), 0);
			assert_int_equal(n, len);
			assert_memory_equal(text, raw, len);
		}
	}
}

/* Characters outside the alphabet, misplaced padding and unfinished groups are refused. */
static void test_binary__base64_rejects(void **state)
{
	static const struct {
		const char *text;
		const char *message;
		int64_t offset;
	} cases[] = {
		{ "Zm9v!A==", "character 4 (0x21) is not a base64 digit", 4 },
		{ "Zm9vYm\xff=", "character 6 (0xff) is not a base64 digit", 6 },
		{ "Zg==Zg==", "character 4 (0x5a) follows the padding", 4 },
		{ "=AAA", "padding at character 0 ends no group", 0 },
		{ "Z===", "padding at character 1 ends no group", 1 },
		{ "Zm8==", "padding at character 4 ends no group", 4 },
		{ "Zm9vY", "it ends inside a group of 4 characters", -1 },
		{ "Zm9vYg=", "it ends inside a group of 4 characters", -1 },
	};
	char text[16];
	size_t n = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "%s", cases[i].text);
		assert_failure(pgv__base64_decode(&n, (unsigned char *)text, strlen(text)), PGV_EPARSE,
			cases[i].message, cases[i].offset);
		assert_int_equal(n, 0);
	}
}

/* ---- vector ---------------------------------------------------------------------------------- */

/* What the server sends for '[1,2,3]' decodes to those floats. */
static void test_binary__vector_known_bytes(void **state)
{
	pgv_vector v = PGV_VECTOR_INIT;
	bytes *b = hex("00030000" "3f800000" "40000000" "40400000");

	(void)state;
	assert_int_equal(pgv__vector_recv(&v, b->b, b->n), 0);
	assert_int_equal(v.dim, 3);
	assert_true(v.data[0] == 1.0f && v.data[1] == 2.0f && v.data[2] == 3.0f);
	pgv_vector_free(&v);
}

/* Text -> floats -> vector_send bytes -> decoded floats -> text: the same text, bit for bit. */
static void test_binary__vector_round_trip_with_text(void **state)
{
	static const char *texts[] = { "[1,-0,3.4028235e+38,1e-45,-1.1754944e-38,0.1]", "[0]",
		"[-2.5,7,1e+10]" };
	uint64_t seed = 42;
	float *many = malloc(PGV_VECTOR_MAX_DIM * sizeof(float));

	(void)state;
	assert_non_null(many);
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		pgv_vector in = PGV_VECTOR_INIT, out = PGV_VECTOR_INIT;
		char a[512], b[512];
		bytes *bb;

		assert_int_equal(pgv_vector_parse(texts[t], strlen(texts[t]), &in), 0);
		bb = vector_bytes(in.data, (unsigned)in.dim, 0);
		assert_int_equal(pgv__vector_recv(&out, bb->b, bb->n), 0);
		assert_int_equal(out.dim, in.dim);
		assert_memory_equal(out.data, in.data, in.dim * sizeof(float));
		pgv_vector_format(in.data, in.dim, a, sizeof(a));
		pgv_vector_format(out.data, out.dim, b, sizeof(b));
		assert_string_equal(a, b);
		pgv_vector_free(&in);
		pgv_vector_free(&out);
	}
	/* the largest vector, random finite bits */
	for (size_t i = 0; i < PGV_VECTOR_MAX_DIM; i++) {
		uint32_t u;
		do
			u = (uint32_t)next_rand(&seed);
		while ((u & 0x7f800000u) == 0x7f800000u);
		memcpy(&many[i], &u, sizeof(u));
	}
	{
		pgv_vector out = PGV_VECTOR_INIT;
		bytes *bb = vector_bytes(many, PGV_VECTOR_MAX_DIM, 0);

		assert_int_equal(pgv__vector_recv(&out, bb->b, bb->n), 0);
		assert_int_equal(out.dim, PGV_VECTOR_MAX_DIM);
		assert_memory_equal(out.data, many, PGV_VECTOR_MAX_DIM * sizeof(float));
		pgv_vector_free(&out);
	}
	free(many);
}

/* Every refusal of vector_recv (and of the message length), with its status and offset. */
static void test_binary__vector_rejects(void **state)
{
	static const struct {
		const char *hex;
		int status;
		const char *message;
		int64_t offset;
	} cases[] = {
		{ "", PGV_EPARSE, "binary vector of 0 bytes is shorter than its 4-byte header", 0 },
		{ "0001", PGV_EPARSE, "binary vector of 2 bytes is shorter than its 4-byte header", 2 },
		{ "00000000", PGV_EDIM, "binary vector has 0 dimensions: a vector must have 1 to 16000",
			0 },
		{ "3e810000", PGV_EDIM, "has 16001 dimensions: a vector must have 1 to 16000", 0 },
		{ "ffff0000", PGV_EDIM, "has 65535 dimensions", 0 },
		{ "000100013f800000", PGV_EPARSE, "binary vector has 1 in its unused header field, "
			"not 0", 2 },
		{ "0002000000000000", PGV_EPARSE, "binary vector of 8 bytes: its header's 2 dimensions "
			"need 12 bytes", 8 },
		{ "00010000000000000000", PGV_EPARSE, "of 10 bytes: its header's 1 dimensions need 8 "
			"bytes", 8 },
		{ "000200003f8000007fc00000", PGV_EVALUE, "binary vector: element 1 is NaN: NaN not "
			"allowed in vector", 8 },
		{ "00010000ff800000", PGV_EVALUE, "element 0 is infinite: infinite value not allowed "
			"in vector", 4 },
		{ "000100007f800001", PGV_EVALUE, "element 0 is NaN", 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgv_vector v = { 7, NULL }; /* emptied on failure */
		bytes *b = hex(cases[i].hex);

		assert_failure(pgv__vector_recv(&v, b->b, b->n), cases[i].status, cases[i].message,
			cases[i].offset);
		assert_int_equal(v.dim, 0);
		assert_null(v.data);
	}
	assert_failure(pgv__vector_recv(NULL, buf.b, 4), PGV_EINVAL, "out is NULL", -1);
	{
		pgv_vector v = PGV_VECTOR_INIT;
		assert_failure(pgv__vector_recv(&v, NULL, 4), PGV_EINVAL, "bytes are NULL", -1);
	}
}

/* ---- halfvec --------------------------------------------------------------------------------- */

/* halfvec_send bytes widen exactly to the floats halfvec's text gives, and back to its text. */
static void test_binary__halfvec_round_trip_with_text(void **state)
{
	static const char *text = "[1,-0,65504,5.9604645e-08,0.099975586,-2.5]";
	pgv_vector in = PGV_VECTOR_INIT, out = PGV_VECTOR_INIT;
	char a[256], b[256];

	(void)state;
	assert_int_equal(pgv_halfvec_parse(text, strlen(text), &in), 0);
	buf.n = 0;
	put16(&buf, (unsigned)in.dim);
	put16(&buf, 0);
	for (size_t i = 0; i < in.dim; i++)
		put16(&buf, pgv_float_to_half(in.data[i]));
	assert_int_equal(pgv__halfvec_recv(&out, buf.b, buf.n), 0);
	assert_int_equal(out.dim, in.dim);
	assert_memory_equal(out.data, in.data, in.dim * sizeof(float));
	pgv_halfvec_format(in.data, in.dim, a, sizeof(a));
	pgv_halfvec_format(out.data, out.dim, b, sizeof(b));
	assert_string_equal(a, b);
	assert_string_equal(b, text);
	pgv_vector_free(&in);
	pgv_vector_free(&out);
}

/* Every refusal of halfvec_recv: two bytes an element, half NaN and infinity. */
static void test_binary__halfvec_rejects(void **state)
{
	static const struct {
		const char *hex;
		int status;
		const char *message;
		int64_t offset;
	} cases[] = {
		{ "000100", PGV_EPARSE, "binary halfvec of 3 bytes is shorter than its 4-byte header",
			3 },
		{ "00000000", PGV_EDIM, "binary halfvec has 0 dimensions: a halfvec must have 1 to "
			"16000", 0 },
		{ "3e810000", PGV_EDIM, "has 16001 dimensions", 0 },
		{ "00010002" "3c00", PGV_EPARSE, "binary halfvec has 2 in its unused header field", 2 },
		{ "00020000" "3c00", PGV_EPARSE, "binary halfvec of 6 bytes: its header's 2 dimensions "
			"need 8 bytes", 6 },
		{ "00010000" "3c0000", PGV_EPARSE, "of 7 bytes: its header's 1 dimensions need 6", 6 },
		{ "00020000" "3c00" "7e00", PGV_EVALUE, "binary halfvec: element 1 is NaN: NaN not "
			"allowed in halfvec", 6 },
		{ "00010000" "fc00", PGV_EVALUE, "element 0 is infinite: infinite value not allowed "
			"in halfvec", 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgv_vector v = PGV_VECTOR_INIT;
		bytes *b = hex(cases[i].hex);

		assert_failure(pgv__halfvec_recv(&v, b->b, b->n), cases[i].status, cases[i].message,
			cases[i].offset);
		assert_int_equal(v.dim, 0);
		assert_null(v.data);
	}
}

/* ---- sparsevec ------------------------------------------------------------------------------- */

/* sparsevec text -> its send bytes -> decoded -> the same text; no elements is "{}/dim". */
static void test_binary__sparsevec_round_trip_with_text(void **state)
{
	static const char *texts[] = { "{1:1.5,3:-2,1000000000:1e-45}/1000000000", "{}/5",
		"{1:0.1}/1" };

	(void)state;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		pgv_sparsevec in = PGV_SPARSEVEC_INIT, out = PGV_SPARSEVEC_INIT;
		char a[256], b[256];
		bytes *bb;

		assert_int_equal(pgv_sparsevec_parse(texts[t], strlen(texts[t]), &in), 0);
		bb = sparse_bytes((int32_t)in.dim, (int32_t)in.nnz, in.indices, in.values);
		assert_int_equal(pgv__sparsevec_recv(&out, bb->b, bb->n), 0);
		assert_int_equal(out.dim, in.dim);
		assert_int_equal(out.nnz, in.nnz);
		assert_int_equal(pgv_sparsevec_check(&out), 0);
		pgv_sparsevec_format(&in, a, sizeof(a));
		pgv_sparsevec_format(&out, b, sizeof(b));
		assert_string_equal(a, b);
		assert_string_equal(b, texts[t]);
		pgv_sparsevec_free(&in);
		pgv_sparsevec_free(&out);
	}
}

/* Every refusal of sparsevec_recv, in the server's order of checks. */
static void test_binary__sparsevec_rejects(void **state)
{
	static const int32_t ok_idx[] = { 0, 2 }, oob[] = { 0, 5 }, neg[] = { -1 },
		desc[] = { 2, 1 }, dup[] = { 1, 1 };
	static const float ok_val[] = { 1, 2 }, nan_val[] = { 1, NAN }, inf_val[] = { -INFINITY },
		zero_val[] = { 1, -0.0f };
	pgv_sparsevec v = PGV_SPARSEVEC_INIT;
	bytes *b;

	(void)state;
#define REJECT(expr, st, msg, off) do { \
		b = (expr); \
		assert_failure(pgv__sparsevec_recv(&v, b->b, b->n), st, msg, off); \
		assert_int_equal(v.dim, 0); \
		assert_int_equal(v.nnz, 0); \
		assert_null(v.indices); \
		assert_null(v.values); \
	} while (0)
	REJECT(hex("0000000500000000"), PGV_EPARSE, "binary sparsevec of 8 bytes is shorter than "
		"its 12-byte header", 8);
	REJECT(sparse_bytes(0, 0, NULL, NULL), PGV_EDIM, "binary sparsevec has 0 dimensions: a "
		"sparsevec must have 1 to 1000000000", 0);
	REJECT(sparse_bytes(-3, 0, NULL, NULL), PGV_EDIM, "has -3 dimensions", 0);
	REJECT(sparse_bytes(1000000001, 0, NULL, NULL), PGV_EDIM, "has 1000000001 dimensions", 0);
	REJECT(hex("00000005" "ffffffff" "00000000"), PGV_EDIM, "binary sparsevec has -1 "
		"elements: sparsevec cannot have negative number of elements", 4);
	REJECT(hex("3b9aca00" "00003e81" "00000000"), PGV_EDIM, "has 16001 elements: sparsevec "
		"cannot have more than 16000 non-zero elements", 4);
	REJECT(sparse_bytes(1, 2, ok_idx, ok_val), PGV_EDIM, "has 2 elements in 1 dimensions: "
		"sparsevec cannot have more elements than dimensions", 4);
	REJECT(hex("00000005" "00000000" "00000007"), PGV_EPARSE, "binary sparsevec has 7 in its "
		"unused header field, not 0", 8);
	REJECT(hex("00000005" "00000001" "00000000" "00000000"), PGV_EPARSE, "binary sparsevec "
		"of 16 bytes: its header's 1 elements need 20 bytes", 16);
	REJECT(hex("00000005" "00000000" "00000000" "00"), PGV_EPARSE, "of 13 bytes: its header's "
		"0 elements need 12 bytes", 12);
	REJECT(sparse_bytes(5, 2, oob, ok_val), PGV_EVALUE, "binary sparsevec: element 1 has index "
		"5: sparsevec index out of bounds", 16);
	REJECT(sparse_bytes(5, 1, neg, ok_val), PGV_EVALUE, "element 0 has index -1: sparsevec "
		"index out of bounds", 12);
	REJECT(sparse_bytes(5, 2, desc, ok_val), PGV_EVALUE, "element 1 has index 1: sparsevec "
		"indices must be in ascending order", 16);
	REJECT(sparse_bytes(5, 2, dup, ok_val), PGV_EVALUE, "element 1 has index 1: sparsevec "
		"indices must not contain duplicates", 16);
	REJECT(sparse_bytes(5, 2, ok_idx, nan_val), PGV_EVALUE, "binary sparsevec: element 1 is "
		"NaN: NaN not allowed in sparsevec", 24);
	REJECT(sparse_bytes(5, 1, ok_idx, inf_val), PGV_EVALUE, "element 0 is infinite: infinite "
		"value not allowed in sparsevec", 16);
	REJECT(sparse_bytes(5, 2, ok_idx, zero_val), PGV_EVALUE, "element 1 is 0: binary "
		"representation of sparsevec cannot contain zero values", 24);
#undef REJECT
	assert_failure(pgv__sparsevec_recv(NULL, buf.b, 12), PGV_EINVAL, "out is NULL", -1);
}

/* ---- bit ------------------------------------------------------------------------------------- */

/* varbit_send bytes -> bits -> text, as bit text parses; trailing bits are cleared. */
static void test_binary__bitvec_round_trip_with_text(void **state)
{
	static const char *texts[] = { "1011001", "", "10000000", "111111111" };

	(void)state;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		pgv_bitvec in = PGV_BITVEC_INIT, out = PGV_BITVEC_INIT;
		char a[64], b[64];
		size_t bytes = 0;

		assert_int_equal(pgv_bitvec_parse(texts[t], strlen(texts[t]), &in), 0);
		buf.n = 0;
		put32(&buf, (uint32_t)in.dim);
		bytes = (in.dim + 7) / 8;
		if (bytes)
			memcpy(buf.b + buf.n, in.data, bytes);
		buf.n += bytes;
		if (in.dim % 8) /* garbage in the unused bits: the server pads them away */
			buf.b[buf.n - 1] |= (unsigned char)(0xffu >> (in.dim % 8));
		assert_int_equal(pgv__bitvec_recv(&out, buf.b, buf.n), 0);
		assert_int_equal(out.dim, in.dim);
		if (bytes)
			assert_memory_equal(out.data, in.data, bytes);
		pgv_bitvec_format(&in, a, sizeof(a));
		pgv_bitvec_format(&out, b, sizeof(b));
		assert_string_equal(a, b);
		assert_string_equal(b, texts[t]);
		pgv_bitvec_free(&in);
		pgv_bitvec_free(&out);
	}
}

/* Every refusal of a bit string's binary form. */
static void test_binary__bitvec_rejects(void **state)
{
	static const struct {
		const char *hex;
		int status;
		const char *message;
		int64_t offset;
	} cases[] = {
		{ "000000", PGV_EPARSE, "binary bit of 3 bytes is shorter than its 4-byte header", 3 },
		{ "ffffffff", PGV_EDIM, "binary bit has -1 bits: invalid length in external bit "
			"string", 0 },
		{ "05000001", PGV_EDIM, "binary bit has 83886081 bits: bit string length exceeds the "
			"maximum allowed (83886080)", 0 },
		{ "00000009" "ff", PGV_EPARSE, "binary bit of 5 bytes: its header's 9 bits need 6 "
			"bytes", 5 },
		{ "00000008" "ff00", PGV_EPARSE, "of 6 bytes: its header's 8 bits need 5 bytes", 5 },
		{ "00000000" "00", PGV_EPARSE, "its header's 0 bits need 4 bytes", 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgv_bitvec v = PGV_BITVEC_INIT;
		bytes *b = hex(cases[i].hex);

		assert_failure(pgv__bitvec_recv(&v, b->b, b->n), cases[i].status, cases[i].message,
			cases[i].offset);
		assert_int_equal(v.dim, 0);
		assert_null(v.data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary__hex_decodes_in_place),
		cmocka_unit_test(test_binary__hex_rejects),
		cmocka_unit_test(test_binary__base64_rfc_vectors),
		cmocka_unit_test(test_binary__base64_round_trip_with_line_breaks),
		cmocka_unit_test(test_binary__base64_rejects),
		cmocka_unit_test(test_binary__vector_known_bytes),
		cmocka_unit_test(test_binary__vector_round_trip_with_text),
		cmocka_unit_test(test_binary__vector_rejects),
		cmocka_unit_test(test_binary__halfvec_round_trip_with_text),
		cmocka_unit_test(test_binary__halfvec_rejects),
		cmocka_unit_test(test_binary__sparsevec_round_trip_with_text),
		cmocka_unit_test(test_binary__sparsevec_rejects),
		cmocka_unit_test(test_binary__bitvec_round_trip_with_text),
		cmocka_unit_test(test_binary__bitvec_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
