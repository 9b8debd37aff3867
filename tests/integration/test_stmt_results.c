/*
 * Integration: what a statement's results look like (src/odbc/stmt_results.c).
 * Pins down: the results of a multi-statement text come one after the other through
 * pgv_stmt_next_result, each with its own columns and row count, then PGV_DONE; a failing
 * statement fails the whole text and keeps nothing of it; column names are the labels; type
 * names are the server's, with pgvector's types (which psqlODBC calls "unknown") read from the
 * catalog for table columns, and expressions left "unknown"; the parameter count is the SQL's;
 * misuse is PGV_EINVAL with the error recorded.
 * On SQLite: the type names are the columns' declared types as the SQLite driver reports them,
 * and expressions "varchar"; a text of several statements is PostgreSQL's alone (the SQLite
 * driver refuses it: "only one SQL statement allowed").
 */
#include "testdb.h"

#include <stdio.h>
#include <string.h>

static void test_stmt_results__several_results(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	char name[64], sql[512];
	const char *text;
	int64_t v;

	testdb_create_table(db, "stres", "id int PRIMARY KEY", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1), (2); SELECT 'a;b' AS x, 7 AS y; "
		"UPDATE %s SET id = id + 10 WHERE id = 2", name, name);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), 0);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	assert_int_equal(pgv_stmt_column_count(st), 0);
	assert_int_equal(pgv_stmt_changes(st), 2);
	assert_pgv(db->conn, pgv_stmt_next_result(st), PGV_OK);
	assert_int_equal(pgv_stmt_column_count(st), 2);
	assert_pgv(db->conn, pgv_stmt_column_name(&text, st, 2), 0);
	assert_string_equal(text, "y");
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_text(&text, NULL, st, 1), 0);
	assert_string_equal(text, "a;b");
	assert_pgv(db->conn, pgv_stmt_column_int64(&v, st, 2), 0);
	assert_int_equal(v, 7);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	assert_pgv(db->conn, pgv_stmt_next_result(st), PGV_OK);
	assert_int_equal(pgv_stmt_column_count(st), 0);
	assert_int_equal(pgv_stmt_changes(st), 1);
	assert_pgv(db->conn, pgv_stmt_next_result(st), PGV_DONE);
	/* reset runs the text again from its first statement: the key now collides */
	assert_pgv(db->conn, pgv_stmt_reset(st), 0);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ECONSTRAINT);
	pgv_stmt_free(st);
}

static void test_stmt_results__failing_text_keeps_nothing(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	char name[64], sql[256];

	testdb_create_table(db, "stresf", "id int PRIMARY KEY", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1); SELECT 1/0", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), 0);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ERROR);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, "22012");
	pgv_stmt_free(st);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, sql), 0);
}

/* On SQLite: the declared types as the driver reports them (measured, libsqliteodbc 0.9998). */
static void type_names_sqlite(testdb *db)
{
	static const char *const want[] = { "INT", "vector", "TEXT", "bigint", "varchar",
		"varchar" };
	static const char *const labels[] = { "id", "v", "t", "b", "e", "n" };
	pgv_stmt *st = NULL;
	char name[64], sql[512];

	testdb_create_table(db, "sttype", "id int, v vector(2), t text, b bigint", name);
	snprintf(sql, sizeof(sql), "SELECT id, v, t, b, vec_f32('[1,2]') AS e, "
		"count(*) OVER () AS n FROM %s", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), 0);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE); /* no rows: described all the same */
	assert_int_equal(pgv_stmt_column_count(st), 6);
	for (int i = 0; i < 6; i++) {
		const char *type = NULL, *label = NULL;

		assert_pgv(db->conn, pgv_stmt_column_type_name(&type, st, i + 1), 0);
		assert_string_equal(type, want[i]);
		assert_pgv(db->conn, pgv_stmt_column_name(&label, st, i + 1), 0);
		assert_string_equal(label, labels[i]);
	}
	pgv_stmt_free(st);
}

static void test_stmt_results__type_names(void **state)
{
	static const char *const want[] = { "int4", "vector", "halfvec", "sparsevec", "bit",
		"text", "unknown", "int8" };
	testdb *db = *state;
	pgv_stmt *st = NULL;
	char name[64], sql[512];

	if (db->backend == PGV_BACKEND_SQLITE) {
		type_names_sqlite(db);
		return;
	}
	testdb_create_table(db, "sttype", "id int, v vector(2), h halfvec(2), s sparsevec(3), "
		"b bit(2), t text", name);
	snprintf(sql, sizeof(sql), "SELECT id, v, h, s, b, t, '[1,2]'::vector AS e, "
		"count(*) OVER () AS n FROM %s", name);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), 0);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE); /* no rows: described all the same */
	assert_int_equal(pgv_stmt_column_count(st), 8);
	for (int i = 0; i < 8; i++) {
		const char *type = NULL, *label = NULL;

		assert_pgv(db->conn, pgv_stmt_column_type_name(&type, st, i + 1), 0);
		assert_string_equal(type, want[i]);
		assert_pgv(db->conn, pgv_stmt_column_name(&label, st, i + 1), 0);
		assert_true(label[0] != '\0');
	}
	pgv_stmt_free(st);
}

static void test_stmt_results__params_and_misuse(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	const char *text = "x";

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn,
		"SELECT CAST(? AS INTEGER) + CAST(? AS INTEGER) AS s"), 0);
	assert_int_equal(pgv_stmt_param_count(st), 2);
	assert_int_equal(pgv_stmt_param_count(NULL), 0);
	/* not run yet */
	assert_int_equal(pgv_stmt_column_name(&text, st, 1), PGV_EINVAL);
	assert_string_equal(text, "");
	assert_message_has(db->conn, "has not run");
	assert_int_equal(pgv_stmt_next_result(st), PGV_EINVAL);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, 2), 0);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 2, 3), 0);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_int_equal(pgv_stmt_column_type_name(&text, st, 2), PGV_EINVAL);
	assert_message_has(db->conn, "out of range");
	assert_int_equal(pgv_stmt_column_name(NULL, st, 1), PGV_EINVAL);
	assert_int_equal(pgv_stmt_column_name(&text, NULL, 1), PGV_EINVAL);
	assert_int_equal(pgv_stmt_next_result(NULL), PGV_EINVAL);
	pgv_stmt_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stmt_results__several_results),
		cmocka_unit_test(test_stmt_results__failing_text_keeps_nothing),
		cmocka_unit_test(test_stmt_results__type_names),
		cmocka_unit_test(test_stmt_results__params_and_misuse),
	};

	/* several statements in one text: the SQLite driver takes one */
	static const char *const postgresql_only[] = { "test_stmt_results__several_results",
		"test_stmt_results__failing_text_keeps_nothing", NULL };

	return TESTDB_RUN_GROUP(tests, testdb_setup, testdb_teardown, postgresql_only, NULL);
}
