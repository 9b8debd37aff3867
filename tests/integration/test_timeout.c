/*
 * Integration: pgv_conn_set_timeout on the server named by PGVODBC_TEST_DSN.  Pins down: it
 * takes 0 to PGV_TIMEOUT_MAX seconds outside a transaction and refuses the rest, and the server's
 * statement_timeout then says so; a statement past the bound fails with PGV_ETIMEOUT and SQLSTATE
 * 57014 within about the bound, the connection goes on working, and the bound holds inside a
 * transaction and after its rollback.  The server must stop statements at its statement_timeout:
 * the embedded server (PGlite) does not, which is detected and reported as a skip.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeout_check.h"

/* The bound's range, and no change inside a transaction. */
static void test_timeout__range(void **state)
{
	testdb *db = *state;

	assert_int_equal(pgv_conn_set_timeout(db->conn, -1), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "out of range"));
	assert_int_equal(pgv_conn_set_timeout(db->conn, PGV_TIMEOUT_MAX + 1), PGV_EINVAL);
	assert_int_equal(pgv_conn_set_timeout(db->conn, PGV_TIMEOUT_MAX), 0);
	assert_int_equal(testdb_query_int(db, "SELECT setting::bigint FROM pg_settings "
		"WHERE name = 'statement_timeout'"), (int64_t)PGV_TIMEOUT_MAX * 1000);
	assert_int_equal(pgv_conn_begin(db->conn), 0);
	assert_int_equal(pgv_conn_set_timeout(db->conn, 5), PGV_EINVAL);
	assert_int_equal(pgv_conn_rollback(db->conn), 0);
	assert_int_equal(pgv_conn_set_timeout(db->conn, 0), 0);
	assert_int_equal(testdb_query_int(db, "SELECT setting::bigint FROM pg_settings "
		"WHERE name = 'statement_timeout'"), 0);
	assert_int_equal(pgv_conn_set_timeout(NULL, 1), PGV_EINVAL);
	assert_string_equal(pgv_status_name(PGV_ETIMEOUT), "PGV_ETIMEOUT");
}

/* A statement past the bound: PGV_ETIMEOUT, 57014, about a second; the connection still works,
 * and in a transaction the bound holds for every statement (the driver set it outside). */
static void test_timeout__stops_statement(void **state)
{
	testdb *db = *state;
	pgv_conn *c = NULL;
	struct timespec t0;

	timeout_need_enforced(db);
	testdb_open(db, &c);
	assert_int_equal(pgv_conn_set_timeout(c, 1), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pgv_conn_exec(c, "SELECT pg_sleep(5)"), PGV_ETIMEOUT);
	assert_true(timeout_since(&t0) < 4.0);
	assert_string_equal(pgv_conn_error(c)->sqlstate, "57014");
	assert_int_equal(pgv_conn_exec(c, "SELECT 1"), 0);
	assert_int_equal(pgv_conn_begin(c), 0);
	assert_int_equal(pgv_conn_exec(c, "SELECT pg_sleep(5)"), PGV_ETIMEOUT);
	assert_int_equal(pgv_conn_rollback(c), 0);
	assert_int_equal(pgv_conn_exec(c, "SELECT pg_sleep(5)"), PGV_ETIMEOUT);
	pgv_conn_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout__range),
		cmocka_unit_test(test_timeout__stops_statement),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
