/* Unit tests of the vector value and its text parser (src/codec/vector.c, vector_text.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vector_check.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgvodbc/vector.h"

/* Brackets, braces and pgvector's six whitespace characters are accepted where pgvector allows. */
static void test_vector__parse_accepts_pgvector_forms(void **state)
{
	static const char *const inputs[] = {
		"[1,2,3]", " [ 1 , 2 , 3 ] ", "{1,2,3}", " { 1 ,2, 3 } ",
		"\t[\n1\r,\v2\f,3 ]\n", "\v\f[1,2,3]\t\r", "[+1,2.0,3e0]", "[1., .2e1, 0x1.8p1]"
	};
	static const float want[] = { 1, 2, 3 };
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		parse_ok(inputs[i], &v);
		assert_floats(&v, want, 3);
		assert_int_equal(pgv_error_last()->status, PGV_OK);
		pgv_vector_free(&v);
	}
}

/* Elements read as strtof does: hex floats, underflow to zero or denormal, long digit strings. */
static void test_vector__parse_reads_as_strtof(void **state)
{
	char long_one[400];
	pgv_vector v = PGV_VECTOR_INIT;
	const float want[] = { 0.5f, 0.0f, -0.0f, 0.1f, 1e-45f, 3.4028235e38f, -0.5f };

	(void)state;
	parse_ok("[0x1p-1, 1e-46, -1e-46, 0.1000000000000000055511151231257827, 1.4e-45,"
		" 3.4028235677973366e38, -0X.8p0]", &v);
	assert_floats(&v, want, 7);
	pgv_vector_free(&v);

	/* a number longer than any stack buffer must be read whole, not cut */
	memset(long_one, '0', sizeof(long_one));
	memcpy(long_one, "[1.", 3);
	memcpy(long_one + sizeof(long_one) - 3, "9]", 3);
	parse_ok(long_one, &v);
	assert_int_equal(v.dim, 1);
	assert_true(v.data[0] == 1.0f);
	pgv_vector_free(&v);
	memcpy(long_one, "[0.", 3);
	long_one[300] = '5'; /* 5e-298 underflows to 0 */
	parse_ok(long_one, &v);
	assert_true(v.data[0] == 0.0f);
	pgv_vector_free(&v);
}

/* One rejected input: its bytes, the status, a part of the message and the byte offset. */
typedef struct rejected {
	const char *text;
	size_t len; /* 0: strlen(text) */
	int status;
	const char *message_part;
	int64_t offset;
} rejected;

static const rejected rejected_inputs[] = {
	{ "", 0, PGV_EPARSE, "vector contents must start with \"[\"", 0 },
	{ "   ", 0, PGV_EPARSE, "invalid input syntax for type vector: \"   \"", 3 },
	{ "1,2", 0, PGV_EPARSE, "vector contents must start with \"[\"", 0 },
	{ "[", 0, PGV_EPARSE, "unexpected end of input", 1 },
	{ "[1,2", 0, PGV_EPARSE, "invalid input syntax for type vector: \"[1,2\"", 4 },
	{ "[]", 0, PGV_EDIM, "vector must have at least 1 dimension", 1 },
	{ "{}", 0, PGV_EDIM, "vector must have at least 1 dimension", 1 },
	{ "[ ]", 0, PGV_EDIM, "vector must have at least 1 dimension", 2 },
	{ "[1,,2]", 0, PGV_EPARSE, "invalid input syntax for type vector: \"[1,,2]\"", 3 },
	{ "[1,]", 0, PGV_EPARSE, "invalid input syntax for type vector: \"[1,]\"", 3 },
	{ "[,1]", 0, PGV_EPARSE, "invalid input syntax for type vector: \"[,1]\"", 1 },
	{ "[1 2]", 0, PGV_EPARSE, "invalid input syntax for type vector: \"[1 2]\"", 3 },
	{ "[1,a]", 0, PGV_EPARSE, "invalid input syntax for type vector: \"[1,a]\"", 3 },
	{ "[1.5x]", 0, PGV_EPARSE, "\"[1.5x]\"", 4 },
	{ "[1e]", 0, PGV_EPARSE, "\"[1e]\"", 2 },
	{ "[\xa0" "1]", 0, PGV_EPARSE, "\"[\\xa01]\"", 1 },
	{ "[1]x", 0, PGV_EPARSE, "junk after closing right brace", 3 },
	{ "[1]]", 0, PGV_EPARSE, "junk after closing right brace", 3 },
	{ "[1}", 0, PGV_EPARSE, "\"[1}\"", 2 },
	{ "{1]", 0, PGV_EPARSE, "\"{1]\"", 2 },
	{ "{{1}}", 0, PGV_EPARSE, "nested", 1 },
	{ "[[1]]", 0, PGV_EPARSE, "\"[[1]]\"", 1 },
	{ "[NaN]", 0, PGV_EVALUE, "NaN not allowed in vector", 1 },
	{ "[1, nan]", 0, PGV_EVALUE, "NaN not allowed in vector", 4 },
	{ "[inf]", 0, PGV_EVALUE, "infinite value not allowed in vector", 1 },
	{ "[-Infinity]", 0, PGV_EVALUE, "infinite value not allowed in vector", 1 },
	{ "[1,1e39]", 0, PGV_EVALUE, "\"1e39\" is out of range for type vector", 3 },
	{ "[-3.4028236e38]", 0, PGV_EVALUE, "\"-3.4028236e38\" is out of range for type vector", 1 },
	{ "[1e39x]", 0, PGV_EVALUE, "\"1e39\" is out of range for type vector", 1 },
	{ "{1,NULL}", 0, PGV_EPARSE, "array must not contain nulls", 3 },
	{ "[nUlL,1]", 0, PGV_EPARSE, "array must not contain nulls", 1 },
	{ "[1,\0 2]", 7, PGV_EPARSE, "\"[1,\\x00 2]\"", 3 },
	{ "[1\0]", 4, PGV_EPARSE, "invalid input syntax", 2 },
	{ "[1]\0", 4, PGV_EPARSE, "junk after closing right brace", 3 },
	{ "[1,2]", 3, PGV_EPARSE, "\"[1,\": unexpected end of input", 3 },
	{ "[1,2]", 4, PGV_EPARSE, "unexpected end of input", 4 },
};

/* Each class of malformed text gets its status, pgvector's message and the offset. */
static void test_vector__parse_rejects_malformed_text(void **state)
{
	size_t count = sizeof(rejected_inputs) / sizeof(rejected_inputs[0]);

	(void)state;
	for (size_t i = 0; i < count; i++) {
		const rejected *r = &rejected_inputs[i];
		float canary = 7.0f;
		pgv_vector v = { 99, &canary }; /* previous contents are neither read nor freed */
		size_t len = r->len != 0 ? r->len : strlen(r->text);
		int rc = pgv_vector_parse(r->text, len, &v);
		const pgv_error *err = pgv_error_last();

		if (rc != r->status || strstr(err->message, r->message_part) == NULL ||
		    err->offset != r->offset)
			fail_msg("input %zu \"%s\": got %s offset %lld \"%s\", want %s offset %lld \"%s\"",
				i, r->text, pgv_status_name(rc), (long long)err->offset, err->message,
				pgv_status_name(r->status), (long long)r->offset, r->message_part);
		assert_int_equal(err->status, r->status);
		assert_int_equal(v.dim, 0);
		assert_null(v.data);
	}
}

/* Messages quote at most the first 60 bytes of the input, then "...". */
static void test_vector__parse_error_quotes_a_prefix(void **state)
{
	char text[300];
	const char *msg;
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	text[0] = '[';
	for (size_t i = 1; i + 1 < sizeof(text); i += 2)
		memcpy(text + i, "1,", 2);
	text[sizeof(text) - 3] = 'Q';
	text[sizeof(text) - 1] = ']';
	assert_int_equal(pgv_vector_parse(text, sizeof(text), &v), PGV_EPARSE);
	msg = pgv_error_last()->message;
	assert_non_null(strstr(msg,
		"\"[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1...\""));
	assert_null(strstr(msg, "Q"));
	assert_true(strlen(msg) < 150);
}

/* 16000 dimensions are accepted and the 16001st element is refused at its offset. */
static void test_vector__parse_limits_dimensions(void **state)
{
	size_t len = 1 + 2 * 16001;
	char *text = malloc(len);
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	assert_non_null(text);
	text[0] = '[';
	for (size_t i = 0; i < 16001; i++) {
		text[1 + 2 * i] = (char)('0' + i % 10);
		text[2 + 2 * i] = ',';
	}
	text[len - 1] = ']';
	assert_int_equal(pgv_vector_parse(text, len, &v), PGV_EDIM);
	assert_non_null(strstr(pgv_error_last()->message, "vector cannot have more than 16000 dimensions"));
	assert_int_equal(pgv_error_last()->offset, 1 + 2 * 16000);
	assert_null(v.data);

	text[len - 3] = ']'; /* the same text cut after 16000 elements */
	assert_int_equal(pgv_vector_parse(text, len - 2, &v), PGV_OK);
	assert_int_equal(v.dim, 16000);
	assert_true(v.data[15999] == 9.0f && v.data[10] == 0.0f);
	pgv_vector_free(&v);
	free(text);
}

/* NULL text or out is PGV_EINVAL; out is left empty. */
static void test_vector__parse_rejects_null_arguments(void **state)
{
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	assert_int_equal(pgv_vector_parse(NULL, 3, &v), PGV_EINVAL);
	assert_null(v.data);
	assert_int_equal(pgv_vector_parse("[1]", 3, NULL), PGV_EINVAL);
	assert_int_equal(pgv_error_last()->status, PGV_EINVAL);
}

/* A success after a failure leaves the thread's record saying PGV_OK. */
static void test_vector__parse_success_clears_error(void **state)
{
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	assert_int_equal(pgv_vector_parse("[x]", 3, &v), PGV_EPARSE);
	parse_ok("[1]", &v);
	assert_int_equal(pgv_error_last()->status, PGV_OK);
	assert_int_equal(pgv_error_last()->offset, -1);
	pgv_vector_free(&v);
}

/* Thread body: reports the status this new thread sees before any call of its own. */
static void *read_status(void *arg)
{
	*(int *)arg = pgv_error_last()->status;
	return NULL;
}

/* The error record is per thread: another thread still sees PGV_OK after this one failed. */
static void test_vector__error_is_per_thread(void **state)
{
	pthread_t t;
	int seen = -100;
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	assert_int_equal(pgv_vector_parse("[]", 2, &v), PGV_EDIM);
	assert_int_equal(pthread_create(&t, NULL, read_status, &seen), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(seen, PGV_OK);
	assert_int_equal(pgv_error_last()->status, PGV_EDIM);
}

/* from_floats checks what the server checks and names the bad element. */
static void test_vector__from_floats_validates(void **state)
{
	const float good[] = { 1.0f, -2.0f };
	const float bad_nan[] = { 1.0f, 2.0f, NAN };
	const float bad_inf[] = { -INFINITY };
	static float big[16001];
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	assert_int_equal(pgv_vector_from_floats(&v, good, 2), PGV_OK);
	assert_floats(&v, good, 2);
	assert_ptr_not_equal(v.data, good);
	pgv_vector_free(&v);
	assert_int_equal(pgv_vector_from_floats(&v, bad_nan, 3), PGV_EVALUE);
	assert_string_equal(pgv_error_last()->message, "element 2 is NaN: NaN not allowed in vector");
	assert_null(v.data);
	assert_int_equal(pgv_vector_from_floats(&v, bad_inf, 1), PGV_EVALUE);
	assert_non_null(strstr(pgv_error_last()->message, "infinite value not allowed in vector"));
	assert_int_equal(pgv_vector_from_floats(&v, good, 0), PGV_EDIM);
	assert_non_null(strstr(pgv_error_last()->message, "at least 1 dimension"));
	assert_int_equal(pgv_vector_from_floats(&v, big, 16001), PGV_EDIM);
	assert_non_null(strstr(pgv_error_last()->message, "more than 16000 dimensions"));
	assert_int_equal(pgv_vector_from_floats(&v, big, 16000), PGV_OK);
	pgv_vector_free(&v);
	assert_int_equal(pgv_vector_from_floats(NULL, good, 2), PGV_EINVAL);
	assert_int_equal(pgv_vector_from_floats(&v, NULL, 2), PGV_EINVAL);
}

/*
 * pgv_vector_check finds a NaN or an infinity wherever it is (the check goes by blocks of 16
 * floats, then one at a time), names the first one, and passes the largest finite values and
 * the subnormals around them.
 */
static void test_vector__check_finds_every_position(void **state)
{
	static float v[70];
	const float bad[] = { NAN, -NAN, INFINITY, -INFINITY };
	char msg[64];

	(void)state;
	for (size_t i = 0; i < 70; i++)
		v[i] = i % 3 == 0 ? FLT_MAX : i % 3 == 1 ? -FLT_TRUE_MIN : 0.5f;
	for (size_t dim = 1; dim <= 70; dim++)
		assert_int_equal(pgv_vector_check(v, dim), PGV_OK);
	for (size_t b = 0; b < 4; b++) {
		for (size_t at = 0; at < 70; at++) {
			float keep = v[at];

			v[at] = bad[b];
			if (at > 0)
				assert_int_equal(pgv_vector_check(v, at), PGV_OK);
			assert_int_equal(pgv_vector_check(v, 70), PGV_EVALUE);
			snprintf(msg, sizeof(msg), "element %zu is %s", at, b < 2 ? "NaN" : "infinite");
			assert_non_null(strstr(pgv_error_last()->message, msg));
			v[at] = keep;
		}
	}
}

/* copy makes independent storage and handles the empty vector. */
static void test_vector__copy_is_independent(void **state)
{
	float data[] = { 1.0f, 2.0f, 3.0f };
	pgv_vector src = { 3, data }, empty = PGV_VECTOR_INIT, out = PGV_VECTOR_INIT;

	(void)state;
	assert_int_equal(pgv_vector_copy(&out, &src), PGV_OK);
	assert_ptr_not_equal(out.data, data);
	data[0] = 9.0f;
	assert_true(out.data[0] == 1.0f && out.dim == 3);
	pgv_vector_free(&out);
	assert_int_equal(pgv_vector_copy(&out, &empty), PGV_OK);
	assert_int_equal(out.dim, 0);
	assert_null(out.data);
	assert_int_equal(pgv_vector_copy(&out, NULL), PGV_EINVAL);
	assert_int_equal(pgv_vector_copy(NULL, &src), PGV_EINVAL);
}

/* compare orders by dimension then elements (-0 equals 0, NULL first); identical is bitwise. */
static void test_vector__compare_and_identical(void **state)
{
	float a[] = { 1.0f, 0.0f }, b[] = { 1.0f, -0.0f }, c[] = { 1.0f, 0.5f }, d[] = { 5.0f };
	pgv_vector va = { 2, a }, vb = { 2, b }, vc = { 2, c }, vd = { 1, d };

	(void)state;
	assert_int_equal(pgv_vector_compare(&va, &vb), 0);
	assert_false(pgv_vector_identical(&va, &vb));
	assert_true(pgv_vector_identical(&va, &va));
	assert_true(pgv_vector_compare(&va, &vc) < 0);
	assert_true(pgv_vector_compare(&vc, &va) > 0);
	assert_true(pgv_vector_compare(&vd, &va) < 0); /* fewer dimensions first, whatever values */
	assert_true(pgv_vector_compare(NULL, &vd) < 0);
	assert_true(pgv_vector_compare(&vd, NULL) > 0);
	assert_int_equal(pgv_vector_compare(NULL, NULL), 0);
	assert_false(pgv_vector_identical(&vd, &va));
	assert_false(pgv_vector_identical(&vd, NULL));
}

/* free takes NULL and empty vectors, and leaves a freed vector empty. */
static void test_vector__free_is_safe(void **state)
{
	pgv_vector v = PGV_VECTOR_INIT;

	(void)state;
	pgv_vector_free(NULL);
	pgv_vector_free(&v);
	parse_ok("[1,2]", &v);
	pgv_vector_free(&v);
	assert_int_equal(v.dim, 0);
	assert_null(v.data);
	pgv_vector_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector__parse_accepts_pgvector_forms),
		cmocka_unit_test(test_vector__parse_reads_as_strtof),
		cmocka_unit_test(test_vector__parse_rejects_malformed_text),
		cmocka_unit_test(test_vector__parse_error_quotes_a_prefix),
		cmocka_unit_test(test_vector__parse_limits_dimensions),
		cmocka_unit_test(test_vector__parse_rejects_null_arguments),
		cmocka_unit_test(test_vector__parse_success_clears_error),
		cmocka_unit_test(test_vector__error_is_per_thread),
		cmocka_unit_test(test_vector__from_floats_validates),
		cmocka_unit_test(test_vector__check_finds_every_position),
		cmocka_unit_test(test_vector__copy_is_independent),
		cmocka_unit_test(test_vector__compare_and_identical),
		cmocka_unit_test(test_vector__free_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
