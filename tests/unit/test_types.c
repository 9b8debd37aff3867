/*
 * Unit tests of the sparsevec and bit string codecs (src/codec/sparsevec.c, bitvec.c) and of the
 * thread error they report into.  Expected messages are the server's wording, checked by hand on
 * the embedded server (pgvector 0.8.7, PostgreSQL 18).  Half precision and halfvec:
 * test_halfvec.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgvodbc/types.h"

#include "codec_check.h"
#include "floatbits.h"

/* ---- sparsevec ------------------------------------------------------------------------------ */

/* Accepted texts, each with what the server stored for it (its output, checked by hand). */
static void test_types__sparsevec_parse_accepts_as_the_server(void **state)
{
	static const struct {
		const char *text;
		const char *stored;
	} cases[] = {
		{ "{1:1.5,3:2}/5", "{1:1.5,3:2}/5" },
		{ " { 3 : 2 , 1:1.5 } / 5 ", "{1:1.5,3:2}/5" },
		{ "{1:0,1:2}/5", "{1:2}/5" },
		{ "{0:0}/5", "{}/5" },
		{ "{5:0,9:0}/5", "{}/5" },
		{ "{}/5", "{}/5" },
		{ "{}/1000000000", "{}/1000000000" },
		{ "{1:1e-40}/5", "{1:1e-40}/5" },
		{ "{+1:+2}/+5", "{1:2}/5" },
		{ "{1:-0}/5", "{}/5" },
		{ "{1:0x10}/50", "{1:16}/50" },
		{ "\t{\n2\r:\v-0.1\f}/\t3\n", "{2:-0.1}/3" },
	};
	pgv_sparsevec v = PGV_SPARSEVEC_INIT;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = pgv_sparsevec_parse(cases[i].text, strlen(cases[i].text), &v);

		if (rc != PGV_OK)
			fail_msg("\"%s\": %s", cases[i].text, pgv_error_last()->message);
		assert_int_equal(pgv_sparsevec_check(&v), PGV_OK);
		assert_true(pgv_sparsevec_format(&v, buf, sizeof(buf)) < sizeof(buf));
		assert_string_equal(buf, cases[i].stored);
		pgv_sparsevec_free(&v);
	}
	assert_int_equal(pgv_sparsevec_parse("{3:2,1:1.5}/5", 13, &v), PGV_OK);
	assert_int_equal(v.dim, 5);
	assert_int_equal(v.nnz, 2);
	assert_int_equal(v.indices[0], 0);
	assert_int_equal(v.indices[1], 2);
	assert_true(v.values[0] == 1.5f && v.values[1] == 2.0f);
	pgv_sparsevec_free(&v);
}

/* Refused texts fail with pgvector's message (and the status and offset of the problem). */
static void test_types__sparsevec_parse_rejects_as_the_server(void **state)
{
	static const reject_case cases[] = {
		{ "{1:1,1:2}/5", PGV_EVALUE, "sparsevec indices must not contain duplicates", 5 },
		{ "{0:1}/5", PGV_EVALUE, "sparsevec index out of bounds", 1 },
		{ "{6:1}/5", PGV_EVALUE, "sparsevec index out of bounds", 1 },
		{ "{2:1,9:1,2:1}/3", PGV_EVALUE, "sparsevec indices must not contain duplicates", 9 },
		{ "{99999999999999999999:2}/5", PGV_EVALUE, "sparsevec index out of bounds", 1 },
		{ "{-99999999999999999999:2}/5", PGV_EVALUE, "sparsevec index out of bounds", 1 },
		{ "{}/0", PGV_EDIM, "sparsevec must have at least 1 dimension", 3 },
		{ "{}/-3", PGV_EDIM, "sparsevec must have at least 1 dimension", 3 },
		{ "{}/1000000001", PGV_EDIM, "sparsevec cannot have more than 1000000000 dimensions", 3 },
		{ "{1:2}/99999999999999999999", PGV_EDIM, "cannot have more than 1000000000 dimensions", 6 },
		{ "{1:1e-50}/5", PGV_EVALUE, "\"1e-50\" is out of range for type sparsevec", 3 },
		{ "{1:1e39}/5", PGV_EVALUE, "\"1e39\" is out of range for type sparsevec", 3 },
		{ "{1:nan}/5", PGV_EVALUE, "NaN not allowed in sparsevec", 3 },
		{ "{1:-inf}/5", PGV_EVALUE, "infinite value not allowed in sparsevec", 3 },
		{ "{1:2}/5x", PGV_EPARSE, "invalid input syntax for type sparsevec: \"{1:2}/5x\": junk", 7 },
		{ "{1:2}", PGV_EPARSE, "unexpected end of input", 5 },
		{ "[1:2]/3", PGV_EPARSE, "vector contents must start with \"{\"", 0 },
		{ "", PGV_EPARSE, "vector contents must start with \"{\"", 0 },
		{ "{1:2,}/3", PGV_EPARSE, "invalid input syntax for type sparsevec", 5 },
		{ "{1 2}/3", PGV_EPARSE, "invalid input syntax for type sparsevec", 3 },
		{ "{1:2}/", PGV_EPARSE, "invalid input syntax for type sparsevec", 6 },
		{ "{0x10:2}/50", PGV_EPARSE, "invalid input syntax for type sparsevec", 2 },
		{ "{1:2}/5.0", PGV_EPARSE, "junk after closing", 7 },
		{ "{1.0:2}/5", PGV_EPARSE, "invalid input syntax for type sparsevec", 2 },
		{ "{1:}/3", PGV_EPARSE, "invalid input syntax for type sparsevec", 3 },
		{ "{:1}/3", PGV_EPARSE, "invalid input syntax for type sparsevec", 1 },
		{ "{+ 1:1}/3", PGV_EPARSE, "invalid input syntax for type sparsevec", 1 },
		{ "{1:2x}/3", PGV_EPARSE, "invalid input syntax for type sparsevec", 4 },
		{ "{1:2", PGV_EPARSE, "invalid input syntax for type sparsevec", 4 },
	};
	pgv_sparsevec v = { 9, 9, (int32_t *)&v, (float *)&v };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_rejected(pgv_sparsevec_parse(cases[i].text, strlen(cases[i].text), &v), &cases[i]);
		assert_true(v.dim == 0 && v.nnz == 0 && v.indices == NULL && v.values == NULL);
	}
	assert_int_equal(pgv_sparsevec_parse(NULL, 0, &v), PGV_EINVAL);
	assert_int_equal(pgv_sparsevec_parse("{}/1", 4, NULL), PGV_EINVAL);
}

/* More than 16000 elements are refused first, counting every comma in the text, as pgvector does. */
static void test_types__sparsevec_parse_limits_elements(void **state)
{
	size_t cap = 16 * 16002 + 64, n = 0;
	char *text = malloc(cap);
	pgv_sparsevec v = PGV_SPARSEVEC_INIT;

	(void)state;
	assert_non_null(text);
	n += (size_t)sprintf(text, "{");
	for (int i = 1; i <= PGV_SPARSEVEC_MAX_NNZ; i++)
		n += (size_t)sprintf(text + n, "%d:%d,", i, i % 3);
	text[n - 1] = '}';
	n += (size_t)sprintf(text + n, "/20000");
	assert_int_equal(pgv_sparsevec_parse(text, n, &v), PGV_OK);
	assert_int_equal(v.nnz, PGV_SPARSEVEC_MAX_NNZ - PGV_SPARSEVEC_MAX_NNZ / 3);
	pgv_sparsevec_free(&v);
	/* one more element, even a zero, is one too many */
	memmove(text + 6, text + 1, n - 1);
	memcpy(text + 1, "9:0, ", 5);
	assert_failure(pgv_sparsevec_parse(text, n + 5, &v), PGV_EDIM,
		"sparsevec cannot have more than 16000 non-zero elements", -2);
	/* commas after the dimension count too: "{}/5,,,...": the limit is hit before the junk */
	memcpy(text, "{}/5", 4);
	memset(text + 4, ',', 16000);
	assert_failure(pgv_sparsevec_parse(text, 4 + 16000, &v), PGV_EDIM,
		"sparsevec cannot have more than 16000 non-zero elements", 4 + 15999);
	assert_failure(pgv_sparsevec_parse(text, 4 + 15999, &v), PGV_EPARSE, "junk after closing", 4);
	free(text);
}

/* The server's text: 1-based indices, shortest floats, "{}/dim" when empty; never truncated. */
static void test_types__sparsevec_format_prints_as_the_server(void **state)
{
	int32_t idx[] = { 0, 2 };
	float val[] = { 1.5f, 2.0f };
	pgv_sparsevec v = { 5, 2, idx, val }, empty = { 7, 0, NULL, NULL };
	const float dense[] = { 0, 1.5f, 0, -0.0f, 0.1f, 0 };
	const char *want = "{1:1.5,3:2}/5";
	size_t n = strlen(want);
	char buf[64];

	(void)state;
	assert_int_equal(pgv_sparsevec_format(&v, NULL, 0), n);
	assert_int_equal(pgv_sparsevec_format(&v, buf, n), n);
	assert_string_equal(buf, "");
	assert_int_equal(pgv_sparsevec_format(&v, buf, n + 1), n);
	assert_string_equal(buf, want);
	assert_int_equal(pgv_sparsevec_format(&empty, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "{}/7");
	assert_int_equal(pgv_sparsevec_format(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* '[0,1.5,0,-0,0.1,0]'::vector::sparsevec on the server is {2:1.5,5:0.1}/6 */
	assert_int_equal(pgv_sparsevec_format_dense(dense, 6, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "{2:1.5,5:0.1}/6");
	assert_int_equal(pgv_sparsevec_format_dense(dense, 6, buf, 15), 15);
	assert_string_equal(buf, "");
	assert_int_equal(pgv_sparsevec_format_dense(NULL, 3, buf, sizeof(buf)), 0);
}

/* The struct's invariant is checked in the server's order, each problem with its status. */
static void test_types__sparsevec_check_is_the_servers(void **state)
{
	int32_t idx[] = { 0, 4, 2, 2 };
	float val[] = { 1, 2, 3, 4 }, bad[] = { 1, NAN, 0, INFINITY };
	pgv_sparsevec v = { 5, 2, idx, val };

	(void)state;
	assert_int_equal(pgv_sparsevec_check(&v), PGV_OK);
	v.dim = 0;
	assert_failure(pgv_sparsevec_check(&v), PGV_EDIM, "sparsevec must have at least 1 dimension", -1);
	v.dim = (size_t)PGV_SPARSEVEC_MAX_DIM + 1;
	assert_failure(pgv_sparsevec_check(&v), PGV_EDIM, "cannot have more than 1000000000 dim", -1);
	v.dim = 5;
	v.nnz = PGV_SPARSEVEC_MAX_NNZ + 1;
	assert_failure(pgv_sparsevec_check(&v), PGV_EDIM, "more than 16000 non-zero elements", -1);
	v.dim = 1;
	v.nnz = 2;
	assert_failure(pgv_sparsevec_check(&v), PGV_EDIM, "more elements than dimensions", -1);
	v.dim = 4;
	assert_failure(pgv_sparsevec_check(&v), PGV_EVALUE,
		"element 1: sparsevec index out of bounds", -1);
	v.dim = 5;
	v.nnz = 3;
	assert_failure(pgv_sparsevec_check(&v), PGV_EVALUE,
		"element 2: sparsevec indices must be in ascending order", -1);
	v.indices = idx + 2;
	v.nnz = 2;
	assert_failure(pgv_sparsevec_check(&v), PGV_EVALUE,
		"element 1: sparsevec indices must not contain duplicates", -1);
	idx[3] = 3;
	v.values = bad;
	assert_failure(pgv_sparsevec_check(&v), PGV_EVALUE, "element 1 is NaN", -1);
	v.values = bad + 2;
	assert_failure(pgv_sparsevec_check(&v), PGV_EVALUE, "element 0 is zero", -1);
	v.values = bad + 3;
	v.nnz = 1;
	assert_failure(pgv_sparsevec_check(&v), PGV_EVALUE, "infinite value not allowed in sparsevec", -1);
	v.values = NULL;
	assert_failure(pgv_sparsevec_check(&v), PGV_EINVAL, "no indices or values", -1);
	assert_int_equal(pgv_sparsevec_check(NULL), PGV_EINVAL);
}

/* Dense floats: checks, then dense -> sparse -> text -> sparse -> dense gives them back. */
static void test_types__sparsevec_dense_round_trips(void **state)
{
	static float big[20000];
	uint64_t seed = 7;
	float dense[300];
	pgv_sparsevec s = PGV_SPARSEVEC_INIT, again = PGV_SPARSEVEC_INIT;
	pgv_vector back = PGV_VECTOR_INIT;
	char *text = malloc(300 * 40 + 32);

	(void)state;
	assert_non_null(text);
	for (int round = 0; round < 500; round++) {
		size_t dim = 1 + next_rand(&seed) % 300, nnz = 0;

		for (size_t i = 0; i < dim; i++) {
			uint64_t r = next_rand(&seed);

			dense[i] = r % 4 == 0 ? from_bits((uint32_t)(r >> 32) & 0xbf7fffffu) : 0.0f;
			nnz += dense[i] != 0;
		}
		assert_int_equal(pgv_sparsevec_from_dense(&s, dense, dim), PGV_OK);
		assert_int_equal(s.dim, dim);
		assert_int_equal(s.nnz, nnz);
		assert_int_equal(pgv_sparsevec_check(&s), PGV_OK);
		/* the direct dense text equals the text of the sparse vector */
		assert_true(pgv_sparsevec_format(&s, text, 300 * 40 + 32) < 300 * 40 + 32);
		assert_int_equal(pgv_sparsevec_format_dense(dense, dim, NULL, 0), strlen(text));
		assert_int_equal(pgv_sparsevec_parse(text, strlen(text), &again), PGV_OK);
		assert_int_equal(pgv_sparsevec_to_dense(&back, &again), PGV_OK);
		assert_int_equal(back.dim, dim);
		for (size_t i = 0; i < dim; i++)
			assert_true(back.data[i] == dense[i] && (dense[i] == 0 ||
				bits_of(back.data[i]) == bits_of(dense[i])));
		pgv_vector_free(&back);
		pgv_sparsevec_free(&again);
		pgv_sparsevec_free(&s);
	}
	free(text);
	dense[0] = NAN;
	assert_failure(pgv_sparsevec_check_dense(dense, 2), PGV_EVALUE, "element 0 is NaN", -1);
	assert_failure(pgv_sparsevec_from_dense(&s, dense, 0), PGV_EDIM, "at least 1 dimension", -1);
	assert_true(s.indices == NULL && s.nnz == 0);
	for (int i = 0; i <= PGV_SPARSEVEC_MAX_NNZ; i++)
		big[i] = 1;
	assert_failure(pgv_sparsevec_check_dense(big, 20000), PGV_EDIM,
		"sparsevec cannot have more than 16000 non-zero elements", -1);
	big[0] = 0;
	assert_int_equal(pgv_sparsevec_from_dense(&s, big, 20000), PGV_OK);
	/* '{...}/20000'::sparsevec::vector is refused: vectors stop at 16000 dimensions */
	assert_failure(pgv_sparsevec_to_dense(&back, &s), PGV_EDIM,
		"vector cannot have more than 16000 dimensions", -1);
	assert_null(back.data);
	pgv_sparsevec_free(&s);
	pgv_sparsevec_free(&s);
	pgv_sparsevec_free(NULL);
}

/* ---- bit ------------------------------------------------------------------------------------ */

/* '0'/'1' text packs most significant bit first; "" is the empty string; round trips. */
static void test_types__bits_parse_and_format(void **state)
{
	uint64_t seed = 99;
	pgv_bitvec b = PGV_BITVEC_INIT, again = PGV_BITVEC_INIT;
	char text[200], out[200];

	(void)state;
	assert_int_equal(pgv_bitvec_parse("101010101", 9, &b), PGV_OK);
	assert_int_equal(b.dim, 9);
	assert_int_equal(b.data[0], 0xaa);
	assert_int_equal(b.data[1], 0x80);
	assert_int_equal(pgv_bitvec_get(&b, 0), 1);
	assert_int_equal(pgv_bitvec_get(&b, 7), 0);
	assert_int_equal(pgv_bitvec_get(&b, 8), 1);
	assert_failure(pgv_bitvec_get(&b, 9), PGV_EINVAL, "bit 9", -1);
	pgv_bitvec_free(&b);
	assert_int_equal(pgv_bitvec_parse("", 0, &b), PGV_OK);
	assert_true(b.dim == 0 && b.data == NULL);
	assert_int_equal(pgv_bitvec_format(&b, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	for (int round = 0; round < 300; round++) {
		size_t n = next_rand(&seed) % 199;

		for (size_t i = 0; i < n; i++)
			text[i] = (char)('0' + (next_rand(&seed) & 1));
		text[n] = '\0';
		assert_int_equal(pgv_bitvec_parse(text, n, &b), PGV_OK);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(pgv_bitvec_get(&b, i), text[i] - '0');
		if (n % 8)
			assert_int_equal(b.data[n / 8] & (0xffu >> (n % 8)), 0); /* trailing bits zero */
		assert_int_equal(pgv_bitvec_format(&b, out, n), n); /* one byte short: nothing */
		assert_string_equal(out, "");
		assert_int_equal(pgv_bitvec_format(&b, out, n + 1), n);
		assert_string_equal(out, text);
		assert_int_equal(pgv_bitvec_parse(out, n, &again), PGV_OK);
		assert_true(n == 0 || memcmp(again.data, b.data, (n + 7) / 8) == 0);
		pgv_bitvec_free(&again);
		pgv_bitvec_free(&b);
	}
}

/* PostgreSQL's varbit_in messages: the bad character quoted whole; the length limit. */
static void test_types__bits_parse_rejects_as_the_server(void **state)
{
	pgv_bitvec b = { 5, (uint8_t *)&b };
	size_t max = PGV_BITVEC_MAX_DIM;
	char *big = malloc(max + 1);

	(void)state;
	assert_failure(pgv_bitvec_parse("012", 3, &b), PGV_EPARSE, "\"2\" is not a valid binary digit", 2);
	assert_true(b.dim == 0 && b.data == NULL);
	assert_failure(pgv_bitvec_parse(" 01", 3, &b), PGV_EPARSE, "\" \" is not a valid binary digit", 0);
	assert_failure(pgv_bitvec_parse("1\xc3\xa9", 3, &b), PGV_EPARSE,
		"\"\\xc3\\xa9\" is not a valid binary digit", 1);
	assert_failure(pgv_bitvec_parse("x1F", 3, &b), PGV_EPARSE, "\"x\" is not a valid binary digit", 0);
	assert_failure(pgv_bitvec_parse("1\xe2", 2, &b), PGV_EPARSE, "\"\\xe2\" is not", 1);
	assert_non_null(big);
	memset(big, '1', max + 1);
	assert_int_equal(pgv_bitvec_parse(big, max, &b), PGV_OK);
	assert_int_equal(b.dim, max);
	pgv_bitvec_free(&b);
	assert_failure(pgv_bitvec_parse(big, max + 1, &b), PGV_EDIM,
		"bit string length 83886081 exceeds the maximum allowed (83886080)", (int64_t)max);
	free(big);
	assert_int_equal(pgv_bitvec_parse(NULL, 0, &b), PGV_EINVAL);
	assert_int_equal(pgv_bitvec_parse("1", 1, NULL), PGV_EINVAL);
}

/* Floats 0/-0/1 make bits and come back as 0/1; anything else is named. */
static void test_types__bits_from_and_to_floats(void **state)
{
	const float f[] = { 1, 0, -0.0f, 1, 1, 0, 0, 0, 1 }, bad[] = { 1, 0, 0.5f }, nan[] = { NAN };
	pgv_bitvec b = PGV_BITVEC_INIT;
	pgv_vector v = PGV_VECTOR_INIT;
	char out[16];

	(void)state;
	assert_int_equal(pgv_bitvec_from_floats(&b, f, 9), PGV_OK);
	assert_int_equal(pgv_bitvec_format(&b, out, sizeof(out)), 9);
	assert_string_equal(out, "100110001");
	assert_int_equal(pgv_bitvec_to_floats(&v, &b), PGV_OK);
	assert_int_equal(v.dim, 9);
	for (size_t i = 0; i < 9; i++)
		assert_true(v.data[i] == (f[i] != 0 ? 1.0f : 0.0f) && bits_of(v.data[i]) >> 31 == 0);
	pgv_vector_free(&v);
	pgv_bitvec_free(&b);
	assert_failure(pgv_bitvec_from_floats(&b, bad, 3), PGV_EVALUE,
		"element 2 is 0.5: a bit must be 0 or 1", -1);
	assert_null(b.data);
	assert_failure(pgv_bitvec_from_floats(&b, nan, 1), PGV_EVALUE, "element 0 is NaN", -1);
	assert_failure(pgv_bitvec_from_floats(&b, NULL, 2), PGV_EINVAL, "data", -1);
	assert_failure(pgv_bitvec_from_floats(&b, f, (size_t)PGV_BITVEC_MAX_DIM + 1), PGV_EDIM,
		"exceeds the maximum allowed", -1);
	assert_int_equal(pgv_bitvec_from_floats(&b, NULL, 0), PGV_OK);
	assert_true(b.dim == 0 && b.data == NULL);
	assert_int_equal(pgv_bitvec_to_floats(&v, &b), PGV_OK);
	assert_true(v.dim == 0 && v.data == NULL);
	assert_int_equal(pgv_bitvec_to_floats(&v, NULL), PGV_EINVAL);
	pgv_bitvec_free(NULL);
}

/* Each thread has its own error: a failure here is not seen by another thread. */
static void *parse_in_thread(void *arg)
{
	pgv_sparsevec v = PGV_SPARSEVEC_INIT;

	*(int *)arg = pgv_sparsevec_parse("{1:2}/3", 7, &v);
	pgv_sparsevec_free(&v);
	*((int *)arg + 1) = pgv_error_last()->status;
	return NULL;
}

static void test_types__errors_are_per_thread(void **state)
{
	pthread_t t;
	int seen[2] = { -100, -100 };
	pgv_bitvec b = PGV_BITVEC_INIT;

	(void)state;
	assert_int_equal(pgv_bitvec_parse("2", 1, &b), PGV_EPARSE);
	assert_int_equal(pthread_create(&t, NULL, parse_in_thread, seen), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(seen[0], PGV_OK);
	assert_int_equal(seen[1], PGV_OK);
	assert_int_equal(pgv_error_last()->status, PGV_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types__sparsevec_parse_accepts_as_the_server),
		cmocka_unit_test(test_types__sparsevec_parse_rejects_as_the_server),
		cmocka_unit_test(test_types__sparsevec_parse_limits_elements),
		cmocka_unit_test(test_types__sparsevec_format_prints_as_the_server),
		cmocka_unit_test(test_types__sparsevec_check_is_the_servers),
		cmocka_unit_test(test_types__sparsevec_dense_round_trips),
		cmocka_unit_test(test_types__bits_parse_and_format),
		cmocka_unit_test(test_types__bits_parse_rejects_as_the_server),
		cmocka_unit_test(test_types__bits_from_and_to_floats),
		cmocka_unit_test(test_types__errors_are_per_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
