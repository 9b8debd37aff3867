/*
 * Integration: the column readers of the other vector types (pgv_stmt_column_halfvec,
 * _sparsevec, _bits) read SQL NULL as PGV_NULL with an empty output, and refuse text that is not
 * of their type with the codec's words.  Each type's round trips and its agreement with the
 * server are in test_halfvec_server.c, test_sparsevec_server.c and test_bits_server.c.
 */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * SQL NULL reads as PGV_NULL with an empty output; text that is not of the type fails with the
 * codec's words.
 */
static void test_types_server__readers_handle_null_and_bad_text(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	pgv_vector h = { 1, (float *)&h };
	pgv_sparsevec s = { 1, 1, (int32_t *)&s, (float *)&s };
	pgv_bitvec b = { 1, (uint8_t *)&b };

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn,
		"SELECT NULL::halfvec, NULL::sparsevec, NULL::varbit, 'abc', '{1:1}/0'"), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_int_equal(pgv_stmt_column_halfvec(&h, st, 1), PGV_NULL);
	assert_true(h.dim == 0 && h.data == NULL);
	assert_int_equal(pgv_stmt_column_sparsevec(&s, st, 2), PGV_NULL);
	assert_true(s.dim == 0 && s.nnz == 0 && s.indices == NULL && s.values == NULL);
	assert_int_equal(pgv_stmt_column_bits(&b, st, 3), PGV_NULL);
	assert_true(b.dim == 0 && b.data == NULL);
	assert_int_equal(pgv_stmt_column_bits(&b, st, 4), PGV_EPARSE);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message,
		"column 4: \"a\" is not a valid binary digit"));
	assert_int_equal(pgv_conn_error(db->conn)->offset, 0);
	assert_int_equal(pgv_stmt_column_halfvec(&h, st, 4), PGV_EPARSE);
	assert_int_equal(pgv_stmt_column_sparsevec(&s, st, 5), PGV_EDIM);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message,
		"column 5: sparsevec must have at least 1 dimension"));
	assert_int_equal(pgv_stmt_column_sparsevec(&s, st, 6), PGV_EINVAL);
	assert_int_equal(pgv_stmt_column_bits(NULL, st, 1), PGV_EINVAL);
	pgv_stmt_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_server__readers_handle_null_and_bad_text),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
