/* Unit tests of strict number input: whole C-locale doubles and 64-bit integers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "codec/numtext.h"
#include "pgvodbc/vector.h"

/* pgv__parse_double reads whole C-locale numbers and PostgreSQL's special spellings. */
static void test_number_parse__double_accepts_numbers(void **state)
{
	char digits[200];
	double d = -1;

	(void)state;
	assert_int_equal(pgv__parse_double("1.1045361146699684", 18, &d), PGV_OK);
	assert_true(d == 1.1045361146699684);
	assert_int_equal(pgv__parse_double("-1e-05", 6, &d), PGV_OK);
	assert_true(d == -1e-5);
	assert_int_equal(pgv__parse_double("NaN", 3, &d), PGV_OK);
	assert_true(isnan(d));
	assert_int_equal(pgv__parse_double("Infinity", 8, &d), PGV_OK);
	assert_true(isinf(d) && d > 0);
	assert_int_equal(pgv__parse_double("-Infinity", 9, &d), PGV_OK);
	assert_true(isinf(d) && d < 0);
	assert_int_equal(pgv__parse_double("2.5xyz", 3, &d), PGV_OK); /* only len bytes are read */
	assert_true(d == 2.5);
	assert_int_equal(pgv__parse_double("1e-400", 6, &d), PGV_OK); /* underflow reads as 0 */
	assert_true(d == 0.0);
	memset(digits, '0', sizeof(digits));
	memcpy(digits, "0.", 2);
	digits[sizeof(digits) - 1] = '3'; /* longer than any stack copy: 3e-198 */
	assert_int_equal(pgv__parse_double(digits, sizeof(digits), &d), PGV_OK);
	assert_true(d == 3e-198);
	assert_int_equal(pgv_error_last()->status, PGV_OK);
}

/* pgv__parse_double rejects junk, emptiness, whitespace and overflow, with the thread error. */
static void test_number_parse__double_rejects(void **state)
{
	double d = 7;

	(void)state;
	assert_int_equal(pgv__parse_double("", 0, &d), PGV_EPARSE);
	assert_int_equal(pgv_error_last()->status, PGV_EPARSE);
	assert_int_equal(pgv__parse_double("abc", 3, &d), PGV_EPARSE);
	assert_non_null(strstr(pgv_error_last()->message, "invalid input syntax for type double precision: \"abc\""));
	assert_int_equal(pgv__parse_double(" 1", 2, &d), PGV_EPARSE);
	assert_int_equal(pgv__parse_double("1 ", 2, &d), PGV_EPARSE);
	assert_int_equal(pgv_error_last()->offset, 1);
	assert_int_equal(pgv__parse_double("1\0" "5", 3, &d), PGV_EPARSE);
	assert_int_equal(pgv__parse_double("1,5", 3, &d), PGV_EPARSE);
	assert_int_equal(pgv__parse_double("1e309", 5, &d), PGV_EVALUE);
	assert_non_null(strstr(pgv_error_last()->message, "\"1e309\" is out of range"));
	assert_int_equal(pgv__parse_double("-1e309", 6, &d), PGV_EVALUE);
	assert_int_equal(pgv__parse_double(NULL, 1, &d), PGV_EINVAL);
	assert_int_equal(pgv__parse_double("1", 1, NULL), PGV_EINVAL);
}

/* pgv__parse_int64 reads the full range, and nothing past it or beside the digits. */
static void test_number_parse__int64(void **state)
{
	int64_t v = 5;

	(void)state;
	assert_int_equal(pgv__parse_int64("9223372036854775807", 19, &v), PGV_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(pgv__parse_int64("-9223372036854775808", 20, &v), PGV_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(pgv__parse_int64("+42", 3, &v), PGV_OK);
	assert_true(v == 42);
	assert_int_equal(pgv__parse_int64("-0", 2, &v), PGV_OK);
	assert_true(v == 0);
	assert_int_equal(pgv__parse_int64("123456", 3, &v), PGV_OK);
	assert_true(v == 123);
	assert_int_equal(pgv_error_last()->status, PGV_OK);

	assert_int_equal(pgv__parse_int64("9223372036854775808", 19, &v), PGV_EVALUE);
	assert_non_null(strstr(pgv_error_last()->message, "out of range for type bigint"));
	assert_int_equal(pgv__parse_int64("-9223372036854775809", 20, &v), PGV_EVALUE);
	assert_int_equal(pgv__parse_int64("99999999999999999999999", 23, &v), PGV_EVALUE);
	assert_int_equal(pgv__parse_int64("99999999999999999999x", 21, &v), PGV_EPARSE);
	assert_int_equal(pgv__parse_int64("", 0, &v), PGV_EPARSE);
	assert_int_equal(pgv__parse_int64("-", 1, &v), PGV_EPARSE);
	assert_int_equal(pgv__parse_int64("12a", 3, &v), PGV_EPARSE);
	assert_non_null(strstr(pgv_error_last()->message, "invalid input syntax for type bigint: \"12a\""));
	assert_int_equal(pgv_error_last()->offset, 2);
	assert_int_equal(pgv__parse_int64(" 1", 2, &v), PGV_EPARSE);
	assert_int_equal(pgv__parse_int64("1.0", 3, &v), PGV_EPARSE);
	assert_int_equal(pgv__parse_int64("1\0", 2, &v), PGV_EPARSE);
	assert_int_equal(pgv__parse_int64(NULL, 1, &v), PGV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number_parse__double_accepts_numbers),
		cmocka_unit_test(test_number_parse__double_rejects),
		cmocka_unit_test(test_number_parse__int64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
