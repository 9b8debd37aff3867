/*
 * Unit tests of the CLI's one JSON writer (src/cli/json.c), which both result lines
 * (src/cli/output.c) and `export --format jsonl` (src/cli/formats.c) use: escaping, numbers in
 * their shortest round-trip form, arrays, growth, and the sticky allocation failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Quotes, backslashes, control characters and bytes that are not UTF-8 are escaped. */
static void test_json__string_escapes(void **state)
{
	json_buf b = { 0 };

	(void)state;
	json_string(&b, "a\"b\\c\nd\te\rf\x01g\x7f" "\xc3\xa9" "\xff" "\xed\xa0\x80");
	assert_string_equal(b.s, "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001g\\u007f\xc3\xa9\\ufffd"
		"\\ufffd\\ufffd\\ufffd\"");
	json_free(&b);
}

/* Numbers: integers in decimal, doubles and floats in their shortest form, null when not finite. */
static void test_json__numbers_and_arrays(void **state)
{
	static const float v[] = { 0.4f, 0.2f, -0.0f, 1e-45f, NAN };
	json_buf b = { 0 };

	(void)state;
	json_raw(&b, "{", 1);
	json_key(&b, "id");
	json_int(&b, INT64_MIN);
	json_raw(&b, ",", 1);
	json_key(&b, "distance");
	json_double(&b, 1.1045361146699684);
	json_raw(&b, ",", 1);
	json_key(&b, "x");
	json_double(&b, INFINITY);
	json_raw(&b, ",", 1);
	json_key(&b, "embedding");
	json_floats(&b, v, 5);
	json_raw(&b, ",", 1);
	json_key(&b, "empty");
	json_floats(&b, NULL, 0);
	json_raw(&b, "}", 1);
	assert_string_equal(b.s, "{\"id\":-9223372036854775808,\"distance\":1.1045361146699684,"
		"\"x\":null,\"embedding\":[0.4,0.2,-0,1e-45,null],\"empty\":[]}");
	assert_int_equal(b.len, strlen(b.s));
	json_clear(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.s, "");
	json_free(&b);
}

/* A long text grows the buffer and is kept whole. */
static void test_json__long_text_is_whole(void **state)
{
	enum { N = 100000 };
	char *s = malloc(N + 1);
	json_buf b = { 0 };

	(void)state;
	assert_non_null(s);
	memset(s, 'x', N);
	s[N] = '\0';
	json_string(&b, s);
	assert_int_equal(b.len, N + 2);
	assert_false(b.failed);
	assert_true(b.s[0] == '"' && b.s[N + 1] == '"' && b.s[N + 2] == '\0');
	free(s);
	json_free(&b);
}

/* A size that cannot be allocated fails, and the failure sticks: nothing more is appended. */
static void test_json__failure_sticks(void **state)
{
	json_buf b = { 0 };

	(void)state;
	json_raw(&b, "ab", 2);
	assert_int_equal(json_reserve(&b, SIZE_MAX - 1), -1);
	assert_true(b.failed);
	json_raw(&b, "c", 1);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.s, "ab");
	json_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json__string_escapes),
		cmocka_unit_test(test_json__numbers_and_arrays),
		cmocka_unit_test(test_json__long_text_is_whole),
		cmocka_unit_test(test_json__failure_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
