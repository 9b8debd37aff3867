/*
 * Integration: transactions keep all or nothing, on both backends: SQLite keeps the statements
 * before a failed one in its transaction, so a commit after a failure is turned into a rollback
 * by the library there as PostgreSQL does by itself.
 */
#include "testdb.h"

#include <stdio.h>
#include <string.h>

/* Inserts (id, [id]) with a bound vector. */
static int insert(testdb *db, const char *table, int64_t id)
{
	char sql[256];
	pgv_stmt *st = NULL;
	float v = (float)id;
	int rc;

	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (?, %s)", table,
		testdb_sql(db, "?::vector", "vec_f32(?)"));
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, id), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_vector(st, 2, &v, 1), PGV_OK);
	rc = pgv_stmt_step(st);
	pgv_stmt_free(st);
	return rc;
}

/* Counts the rows of a table. */
static int64_t count(testdb *db, const char *table)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return testdb_query_int(db, sql);
}

/* Rollback keeps nothing of what the transaction wrote. */
static void test_transaction__rollback_keeps_nothing(void **state)
{
	testdb *db = *state;
	char table[64];

	testdb_create_table(db, "rb", "id int PRIMARY KEY, v vector(1)", table);
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 1);
	for (int i = 1; i <= 10; i++)
		assert_pgv(db->conn, insert(db, table, i), PGV_DONE);
	assert_int_equal(count(db, table), 10); /* visible inside the transaction */
	assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	assert_int_equal(count(db, table), 0);
}

/* Commit keeps everything, and autocommit is back afterwards. */
static void test_transaction__commit_keeps_all(void **state)
{
	testdb *db = *state;
	char table[64];

	testdb_create_table(db, "cm", "id int PRIMARY KEY, v vector(1)", table);
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	for (int i = 1; i <= 10; i++)
		assert_pgv(db->conn, insert(db, table, i), PGV_DONE);
	assert_pgv(db->conn, pgv_conn_commit(db->conn), PGV_OK);
	assert_int_equal(count(db, table), 10);
	/* Autocommit again: a later failing insert does not take earlier rows with it. */
	assert_pgv(db->conn, insert(db, table, 11), PGV_DONE);
	assert_int_equal(insert(db, table, 11), PGV_ECONSTRAINT);
	assert_int_equal(count(db, table), 11);
}

/* A failed statement poisons the transaction: commit reports failure and nothing is kept. */
static void test_transaction__failed_statement_fails_commit(void **state)
{
	testdb *db = *state;
	char table[64];

	testdb_create_table(db, "fail", "id int PRIMARY KEY, v vector(1)", table);
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_pgv(db->conn, insert(db, table, 1), PGV_DONE);
	assert_int_equal(insert(db, table, 1), PGV_ECONSTRAINT);
	assert_int_equal(pgv_conn_commit(db->conn), PGV_ERROR);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "rolled back"));
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	assert_int_equal(count(db, table), 0);
}

/* Transaction calls out of order are refused. */
static void test_transaction__misuse(void **state)
{
	testdb *db = *state;

	assert_int_equal(pgv_conn_commit(db->conn), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "no transaction"));
	assert_int_equal(pgv_conn_rollback(db->conn), PGV_EINVAL);
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_int_equal(pgv_conn_begin(db->conn), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "already open"));
	assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transaction__rollback_keeps_nothing),
		cmocka_unit_test(test_transaction__commit_keeps_all),
		cmocka_unit_test(test_transaction__failed_statement_fails_commit),
		cmocka_unit_test(test_transaction__misuse),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
