/* Integration: server errors and misuse come back as clear errors with SQLSTATE and context. */
#include "testdb.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * Inserting 3 dimensions into a 4-dimensional column fails and stores nothing: with 22000 and
 * pgvector's own message on PostgreSQL; on SQLite, whose columns have no dimension, by the CHECK
 * the built-in migration gives its table (sql/sqlite/0002_embeddings.up.sql), a constraint.
 */
static void test_errors__wrong_dimension_is_22000(void **state)
{
	testdb *db = *state;
	char table[64], sql[256];
	pgv_stmt *st = NULL;
	const float three[3] = { 1, 2, 3 };
	const pgv_error *e;

	testdb_create_table(db, "dim", testdb_sql(db, "id int PRIMARY KEY, v vector(4)",
		"id int PRIMARY KEY, v vector(4) CHECK (vec_length(v) = 4)"), table);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, %s)", table,
		testdb_sql(db, "?::vector", "vec_f32(?)"));
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_vector(st, 1, three, 3), PGV_OK);
	if (db->backend == PGV_BACKEND_SQLITE) {
		assert_int_equal(pgv_stmt_step(st), PGV_ECONSTRAINT);
		e = pgv_conn_error(db->conn);
		assert_int_equal(e->status, PGV_ECONSTRAINT);
		assert_string_equal(e->sqlstate, "23000");
		assert_non_null(strstr(e->message, "CHECK constraint failed"));
	} else {
		assert_int_equal(pgv_stmt_step(st), PGV_ERROR);
		e = pgv_conn_error(db->conn);
		assert_int_equal(e->status, PGV_ERROR);
		assert_string_equal(e->sqlstate, "22000");
		assert_non_null(strstr(e->message, "expected 4 dimensions, not 3"));
	}
	assert_non_null(strstr(e->operation, "pgv_stmt_step"));
	pgv_stmt_free(st);
	/* Nothing was stored, and the connection is still usable. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	assert_int_equal(testdb_query_int(db, sql), 0);
}

/*
 * A syntax error is reported with the server's message and SQLSTATE (42601; SQLite's driver
 * reports every failure as HY000), at prepare or at step (drivers differ).
 */
static void test_errors__syntax_error(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	int rc = pgv_stmt_prepare(&st, db->conn, "SELEKT 1");

	if (rc == PGV_OK)
		rc = pgv_stmt_step(st);
	assert_int_equal(rc, PGV_ERROR);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, testdb_sql(db, "42601", "HY000"));
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "syntax error"));
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "SELEKT"));
	pgv_stmt_free(st);
	assert_int_equal(pgv_conn_exec(db->conn, "SELEKT 1"), PGV_ERROR);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, testdb_sql(db, "42601", "HY000"));
}

/*
 * A duplicate key is PGV_ECONSTRAINT with a class 23 SQLSTATE: 23505 on PostgreSQL, 23000 on
 * SQLite (its driver's HY000 with SQLite's SQLITE_CONSTRAINT, mapped by the library).
 */
static void test_errors__unique_violation(void **state)
{
	testdb *db = *state;
	char table[64], sql[256];

	testdb_create_table(db, "uniq", "id int PRIMARY KEY", table);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1)", table);
	testdb_exec(db, sql);
	assert_int_equal(pgv_conn_exec(db->conn, sql), PGV_ECONSTRAINT);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, testdb_sql(db, "23505", "23000"));
	assert_non_null(strstr(pgv_conn_error(db->conn)->message,
		testdb_sql(db, "duplicate key", "UNIQUE constraint failed")));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	assert_int_equal(testdb_query_int(db, sql), 1);
}

/* Vectors the server would reject are refused at bind, before any round trip. */
static void test_errors__bad_vector_refused_at_bind(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	float v[2] = { 1, NAN };

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn,
		testdb_sql(db, "SELECT ?::vector", "SELECT vec_f32(?)")), PGV_OK);
	assert_int_equal(pgv_stmt_bind_vector(st, 1, v, 2), PGV_EVALUE);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "NaN not allowed in vector"));
	v[1] = INFINITY;
	assert_int_equal(pgv_stmt_bind_vector(st, 1, v, 2), PGV_EVALUE);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "infinite value"));
	assert_int_equal(pgv_stmt_bind_vector(st, 1, v, 0), PGV_EDIM);
	assert_int_equal(pgv_stmt_bind_vector(st, 1, v, PGV_VECTOR_MAX_DIM + 1), PGV_EDIM);
	/* The parameter is still unbound: running reports it rather than sending garbage. */
	assert_int_equal(pgv_stmt_step(st), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "parameter 1 is not bound"));
	pgv_stmt_free(st);
}

/* Parameter and column indexes out of range, and reading without a row, are PGV_EINVAL. */
static void test_errors__misuse(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	int64_t v;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, "SELECT CAST(? AS INTEGER)"), PGV_OK);
	assert_int_equal(pgv_stmt_bind_int64(st, 2, 1), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "parameter 2 is out of range"));
	assert_int_equal(pgv_stmt_bind_int64(st, 0, 1), PGV_EINVAL);
	assert_int_equal(pgv_stmt_column_int64(&v, st, 1), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "no current row"));
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, 7), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_int_equal(pgv_stmt_column_int64(&v, st, 2), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "column 2 is out of range"));
	/* Binding again without a reset is refused: the driver may still be reading. */
	assert_int_equal(pgv_stmt_bind_int64(st, 1, 8), PGV_EINVAL);
	pgv_stmt_free(st);
}

/* A column that is not vector text fails to read as a vector with the codec's reason. */
static void test_errors__column_not_a_vector(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	pgv_vector v = PGV_VECTOR_INIT;
	int64_t i;
	double d;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, testdb_sql(db,
		"SELECT 'hello'::text, '{}'::float4[], '{1,NULL}'::float4[], 'x'::text, "
		"'99999999999999999999'::text",
		"SELECT 'hello', '{}', '{1,NULL}', 'x', '99999999999999999999'")), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_int_equal(pgv_stmt_column_vector(&v, st, 1), PGV_EPARSE);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "column 1"));
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "invalid input syntax for type vector"));
	assert_int_equal(pgv_stmt_column_vector(&v, st, 2), PGV_EDIM);
	assert_int_equal(pgv_stmt_column_vector(&v, st, 3), PGV_EPARSE);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "must not contain nulls"));
	assert_int_equal(v.dim, 0);
	assert_null(v.data);
	assert_int_equal(pgv_stmt_column_double(&d, st, 4), PGV_EPARSE);
	assert_int_equal(pgv_stmt_column_int64(&i, st, 5), PGV_EVALUE);
	pgv_stmt_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors__wrong_dimension_is_22000),
		cmocka_unit_test(test_errors__syntax_error),
		cmocka_unit_test(test_errors__unique_violation),
		cmocka_unit_test(test_errors__bad_vector_refused_at_bind),
		cmocka_unit_test(test_errors__misuse),
		cmocka_unit_test(test_errors__column_not_a_vector),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
