/*
 * Integration: parameter arrays (src/odbc/stmt_array.c).
 * Pins down: N rows bound column-wise (int64, text with NULLs, vectors) are written by one
 * pgv_stmt_execute_array, every value as bound, with pgv_stmt_changes N and every row_status 0;
 * a failing row is named (message "row N: ", pgv_error.row N, the server's SQLSTATE): an atomic
 * run keeps nothing and marks the rows before it PGV_ARRAY_NOT_KEPT and after it
 * PGV_ARRAY_NOT_RUN, a non-atomic run keeps every other row; inside a caller's transaction the
 * rows before the failure are undone and the transaction is failed; a bad vector is refused at
 * bind time naming its row; misuse (mixed lengths, a scalar binding, step on an array) is
 * PGV_EINVAL; after an array the statement runs single rows again.
 */
#include "testdb.h"

#include <stdio.h>
#include <string.h>

#define N 6

/* A table and an INSERT statement on it with three array-bound parameters; row 3's id is
 * `dup_at3` (a duplicate of row 1's when 1). */
static pgv_stmt *prepared(testdb *db, char name[64], int dup_at3)
{
	static const char *const tags[N] = { "a", NULL, "c,\"d\"", "", "e", "f" };
	int64_t ids[N];
	float vecs[N * 3];
	pgv_stmt *st = NULL;
	char sql[256];

	testdb_create_table(db, "starr", "id bigint PRIMARY KEY, tag text, v vector(3)", name);
	for (int i = 0; i < N; i++) {
		ids[i] = 10 + i;
		for (int j = 0; j < 3; j++)
			vecs[i * 3 + j] = (float)i + (float)j / 8;
	}
	if (dup_at3)
		ids[3] = ids[1];
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, tag, v) VALUES (?, ?, %s)", name,
		testdb_sql(db, "?::vector", "vec_f32(?)"));
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), 0);
	assert_pgv(db->conn, pgv_stmt_bind_array_int64(st, 1, ids, N), 0);
	assert_pgv(db->conn, pgv_stmt_bind_array_text(st, 2, tags, N), 0);
	assert_pgv(db->conn, pgv_stmt_bind_array_vector(st, 3, vecs, 3, N), 0);
	return st;
}

static int64_t count(testdb *db, const char *name)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
	return testdb_query_int(db, sql);
}

static void test_stmt_array__all_rows(void **state)
{
	testdb *db = *state;
	char name[64], sql[256];
	int status[N];
	pgv_stmt *st = prepared(db, name, 0);

	assert_pgv(db->conn, pgv_stmt_execute_array(status, st, 0), 0);
	assert_int_equal(pgv_stmt_changes(st), N);
	for (int i = 0; i < N; i++)
		assert_int_equal(status[i], 0);
	pgv_stmt_free(st);
	assert_int_equal(count(db, name), N);
	/* the values as bound: row 1's tag NULL, row 2's with a comma and quotes, row 4's vector */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE (id = 11 AND tag IS NULL) OR "
		"(id = 12 AND tag = 'c,\"d\"') OR (id = 13 AND tag = '') OR "
		"(id = 14 AND v = %s('[4,4.125,4.25]'))", name, testdb_vec_fn(db));
	assert_int_equal(testdb_query_int(db, sql), 4);
}

static void test_stmt_array__atomic_failure_names_row(void **state)
{
	testdb *db = *state;
	char name[64];
	int status[N];
	pgv_stmt *st = prepared(db, name, 1);
	const pgv_error *e;

	assert_int_equal(pgv_stmt_execute_array(status, st, PGV_ARRAY_ATOMIC), PGV_ECONSTRAINT);
	e = pgv_conn_error(db->conn);
	assert_string_equal(e->sqlstate, testdb_sql(db, "23505", "23000"));
	assert_int_equal(e->row, 3);
	assert_true(strncmp(e->message, "row 3: ", 7) == 0);
	assert_int_equal(status[0], PGV_ARRAY_NOT_KEPT);
	assert_int_equal(status[2], PGV_ARRAY_NOT_KEPT);
	assert_int_equal(status[3], PGV_ECONSTRAINT);
	assert_int_equal(status[4], PGV_ARRAY_NOT_RUN);
	assert_int_equal(status[5], PGV_ARRAY_NOT_RUN);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	pgv_stmt_free(st);
	assert_int_equal(count(db, name), 0);
}

static void test_stmt_array__non_atomic_keeps_the_others(void **state)
{
	testdb *db = *state;
	char name[64];
	int status[N];
	pgv_stmt *st = prepared(db, name, 1);

	assert_int_equal(pgv_stmt_execute_array(status, st, 0), PGV_ECONSTRAINT);
	assert_int_equal(pgv_conn_error(db->conn)->row, 3);
	assert_message_has(db->conn, "row 3: ");
	for (int i = 0; i < N; i++)
		assert_int_equal(status[i], i == 3 ? PGV_ECONSTRAINT : 0);
	assert_int_equal(pgv_stmt_changes(st), N - 1);
	pgv_stmt_free(st);
	assert_int_equal(count(db, name), N - 1);
}

static void test_stmt_array__in_callers_transaction(void **state)
{
	testdb *db = *state;
	char name[64], flag[8];
	pgv_stmt *st = prepared(db, name, 1);

	assert_pgv(db->conn, pgv_conn_begin(db->conn), 0);
	assert_pgv(db->conn, pgv_stmt_execute_array(NULL, st, 0), PGV_ECONSTRAINT);
	/* psqlODBC with UseDeclareFetch=1 discards the savepoint with the failed array (measured):
	 * the row cannot be named there, and the message says so */
	if (testdb_dsn_key(testdb_dsn(), "UseDeclareFetch", flag, sizeof(flag))
			&& strcmp(flag, "1") == 0 && pgv_conn_error(db->conn)->row < 0)
		assert_message_has(db->conn, "cannot be named");
	else
		assert_int_equal(pgv_conn_error(db->conn)->row, 3);
	/* the caller's transaction is failed: commit refuses, rollback ends it */
	assert_true(pgv_conn_commit(db->conn) < 0);
	if (pgv_conn_in_transaction(db->conn))
		pgv_conn_rollback(db->conn);
	pgv_stmt_free(st);
	assert_int_equal(count(db, name), 0);
}

static void test_stmt_array__misuse(void **state)
{
	testdb *db = *state;
	static const float bad[6] = { 1, 2, 3, 4, 5, 1.0f / 0.0f };
	static const int64_t ids[2] = { 1, 2 };
	char name[64], sql[256];
	pgv_stmt *st = prepared(db, name, 0);

	/* a NaN/infinity in row 1 is refused at bind time, naming the row */
	assert_int_equal(pgv_stmt_bind_array_vector(st, 3, bad, 3, 2), PGV_EVALUE);
	assert_int_equal(pgv_conn_error(db->conn)->row, 1);
	assert_message_has(db->conn, "row 1");
	/* arrays of different lengths */
	assert_pgv(db->conn, pgv_stmt_bind_array_int64(st, 1, ids, 2), 0);
	assert_int_equal(pgv_stmt_execute_array(NULL, st, 0), PGV_EINVAL);
	assert_message_has(db->conn, "rows");
	/* step refuses an array-bound statement; a scalar binding is not an array */
	assert_int_equal(pgv_stmt_step(st), PGV_EINVAL);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, 99), 0);
	assert_int_equal(pgv_stmt_execute_array(NULL, st, 0), PGV_EINVAL);
	assert_int_equal(pgv_stmt_execute_array(NULL, st, 0x80), PGV_EINVAL);
	assert_int_equal(pgv_stmt_bind_array_int64(st, 1, NULL, 2), PGV_EINVAL);
	assert_int_equal(pgv_stmt_bind_array_int64(st, 1, ids, 0), PGV_EINVAL);
	assert_int_equal(pgv_stmt_execute_array(NULL, NULL, 0), PGV_EINVAL);
	pgv_stmt_free(st);

	/* after an array, the same statement runs single rows */
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, tag, v) VALUES (?, ?, %s)", name,
		testdb_sql(db, "?::vector", "vec_f32(?)"));
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), 0);
	{
		const char *tags[2] = { "x", "y" };
		float v[6] = { 0, 0, 0, 1, 1, 1 };

		assert_pgv(db->conn, pgv_stmt_bind_array_int64(st, 1, ids, 2), 0);
		assert_pgv(db->conn, pgv_stmt_bind_array_text(st, 2, tags, 2), 0);
		assert_pgv(db->conn, pgv_stmt_bind_array_vector(st, 3, v, 3, 2), 0);
		assert_pgv(db->conn, pgv_stmt_execute_array(NULL, st, PGV_ARRAY_ATOMIC), 0);
		assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, 3), 0);
		assert_pgv(db->conn, pgv_stmt_bind_text(st, 2, "z", PGV_NTS), 0);
		assert_pgv(db->conn, pgv_stmt_bind_vector(st, 3, v, 3), 0);
		assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
		assert_int_equal(pgv_stmt_changes(st), 1);
	}
	pgv_stmt_free(st);
	assert_int_equal(count(db, name), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stmt_array__all_rows, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_stmt_array__atomic_failure_names_row,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_stmt_array__non_atomic_keeps_the_others,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_stmt_array__in_callers_transaction, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_stmt_array__misuse, testdb_setup,
			testdb_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
