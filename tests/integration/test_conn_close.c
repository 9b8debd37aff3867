/*
 * Integration: closing a connection that still has handles open (src/odbc/conn.c's list of
 * live handles).
 * Pins down: pgv_conn_close invalidates every statement, row iterator, collection and cursor
 * made from it, whether fresh, mid-result or finished; each later call on one of them fails
 * with PGV_ECONN, SQLSTATE 08003 and "the connection was closed" in pgv_error_last() without
 * touching the freed connection; their free calls then release only memory (the ASan build
 * of this program shows any access to the freed connection).  Handles freed before the close
 * leave nothing behind for it, and handles of another connection are not touched.
 */
#include "testdb.h"

#include <stdio.h>
#include <string.h>

/* Asserts that the thread's error says the call `func` met a closed connection. */
static void assert_closed(int rc, const char *func)
{
	const pgv_error *e = pgv_error_last();

	assert_int_equal(rc, PGV_ECONN);
	assert_int_equal(e->status, PGV_ECONN);
	assert_string_equal(e->sqlstate, "08003");
	assert_string_equal(e->operation, func);
	assert_non_null(strstr(e->message, "the connection was closed"));
}

/* A table of five rows in the test's schema; its name into `name`. */
static void make_table(testdb *db, char name[64])
{
	char sql[256];

	testdb_create_table(db, "closing", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)",
		name);
	snprintf(sql, sizeof(sql), testdb_sql(db, "INSERT INTO %s SELECT g, ARRAY[g, -g]::real[]::vector "
		"FROM generate_series(1, 5) g", "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 "
		"FROM s WHERE g < 5) INSERT INTO %s SELECT g, vec_f32('[' || g || ',' || -g || ']') "
		"FROM s"), name);
	testdb_exec(db, sql);
}

/* Every kind of handle, open in every state, then the close; each refuses, each frees. */
static void test_conn_close__invalidates_every_handle(void **state)
{
	testdb *db = *state;
	const float q[2] = { 1.0f, 0.0f };
	pgv_fetch_opts paged = PGV_FETCH_OPTS_INIT;
	pgv_stmt *fresh = NULL, *mid = NULL, *bound = NULL;
	pgv_rows *streaming = NULL, *pages = NULL, *distances = NULL;
	pgv_collection *coll = NULL;
	pgv_cursor *cur = NULL;
	const pgv_row *row = NULL;
	pgv_vector v = PGV_VECTOR_INIT;
	pgv_conn *c = NULL;
	char name[64];
	pgv_table t;
	int64_t n = 0, id = 0;
	const char *text = NULL;

	make_table(db, name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	testdb_open(db, &c);
	assert_pgv(c, pgv_stmt_prepare(&fresh, c, "SELECT 1"), 0);
	{
		char sql[128];

		snprintf(sql, sizeof(sql), testdb_sql(db,
			"SELECT id, embedding::float4[] FROM %s ORDER BY id",
			"SELECT id, embedding FROM %s ORDER BY id"), name);
		assert_pgv(c, pgv_stmt_prepare(&mid, c, sql), 0);
	}
	assert_pgv(c, pgv_stmt_step(mid), PGV_ROW);
	assert_pgv(c, pgv_stmt_prepare(&bound, c, "SELECT CAST(? AS BIGINT)"), 0);
	assert_pgv(c, pgv_stmt_bind_int64(bound, 1, 7), 0);
	assert_pgv(c, pgv_store_list(&streaming, c, &t), 0);
	assert_pgv(c, pgv_rows_next(&row, streaming), PGV_ROW);
	paged.page_rows = 2;
	assert_pgv(c, pgv_store_list_ext(&pages, c, &t, &paged), 0);
	for (int i = 0; i < 3; i++) /* into the second page: its own statement */
		assert_pgv(c, pgv_rows_next(&row, pages), PGV_ROW);
	assert_pgv(c, pgv_store_distances(&distances, c, &t, PGV_METRIC_L2, q, 2, NULL, 0), 0);
	assert_pgv(c, pgv_collection_open(&coll, c, &t), 0);
	assert_pgv(c, pgv_collection_list(&cur, coll, NULL), 0);
	assert_int_equal(pgv_cursor_count(cur), 5);
	assert_pgv(c, pgv_conn_begin(c), 0); /* an open transaction too: rolled back */

	pgv_conn_close(c);

	assert_closed(pgv_stmt_step(fresh), "pgv_stmt_step");
	assert_closed(pgv_stmt_column_int64(&id, mid, 1), "pgv_stmt_column_int64");
	assert_closed(pgv_stmt_column_text(&text, NULL, mid, 2), "pgv_stmt_column_text");
	assert_closed(pgv_stmt_column_vector(&v, mid, 2), "pgv_stmt_column_vector");
	assert_closed(pgv_stmt_step(mid), "pgv_stmt_step");
	assert_closed(pgv_stmt_reset(mid), "pgv_stmt_reset");
	assert_closed(pgv_stmt_next_result(mid), "pgv_stmt_next_result");
	assert_closed(pgv_stmt_bind_int64(bound, 1, 8), "pgv_stmt_bind_int64");
	assert_closed(pgv_stmt_clear_bindings(bound), "pgv_stmt_clear_bindings");
	assert_closed(pgv_stmt_step(bound), "pgv_stmt_step");
	row = (const pgv_row *)&n; /* set to NULL by the refusal */
	assert_closed(pgv_rows_next(&row, streaming), "pgv_rows_next");
	assert_null(row);
	assert_closed(pgv_rows_next(&row, pages), "pgv_rows_next");
	assert_closed(pgv_rows_next(&row, distances), "pgv_rows_next");
	assert_closed(pgv_cursor_next(&row, cur), "pgv_cursor_next");
	assert_closed(pgv_collection_count(&n, coll, NULL), "pgv_collection_count");
	assert_closed(pgv_collection_list(&cur, coll, NULL), "pgv_collection_list");
	assert_closed(pgv_collection_distances(&cur, coll, q, 2, NULL),
		"pgv_collection_distances");
	assert_closed(pgv_collection_knn(&cur, coll, q, 2, 1, NULL), "pgv_collection_knn");
	assert_closed(pgv_collection_delete(&n, coll, NULL, 0), "pgv_collection_delete");
	assert_closed(pgv_collection_upsert(&n, coll, NULL, 0), "pgv_collection_upsert");
	/* what it learned from the catalog stays readable */
	assert_string_equal(pgv_collection_id_type(coll), "bigint");

	pgv_stmt_free(fresh);
	pgv_stmt_free(mid);
	pgv_stmt_free(bound);
	pgv_rows_free(streaming);
	pgv_rows_free(pages);
	pgv_rows_free(distances);
	pgv_cursor_free(cur);
	pgv_collection_free(coll);

	/* the test's own connection goes on */
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
		assert_int_equal(testdb_query_int(db, sql), 5);
	}
}

/* Handles freed first, and handles of another connection, are not the close's business. */
static void test_conn_close__other_handles_untouched(void **state)
{
	testdb *db = *state;
	pgv_stmt *mine = NULL, *theirs = NULL, *gone = NULL;
	pgv_conn *c = NULL;
	int64_t v = 0;

	testdb_open(db, &c);
	assert_pgv(c, pgv_stmt_prepare(&gone, c, "SELECT 2"), 0);
	assert_pgv(c, pgv_stmt_step(gone), PGV_ROW);
	pgv_stmt_free(gone);
	assert_pgv(c, pgv_stmt_prepare(&mine, c, "SELECT 3"), 0);
	assert_pgv(db->conn, pgv_stmt_prepare(&theirs, db->conn, "SELECT 4"), 0);
	pgv_conn_close(c);
	assert_closed(pgv_stmt_step(mine), "pgv_stmt_step");
	pgv_stmt_free(mine);
	assert_pgv(db->conn, pgv_stmt_step(theirs), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_int64(&v, theirs, 1), 0);
	assert_int_equal(v, 4);
	pgv_stmt_free(theirs);
	/* NULL handles still say NULL, not closed */
	assert_int_equal(pgv_stmt_step(NULL), PGV_EINVAL);
	assert_non_null(strstr(pgv_error_last()->message, "stmt is NULL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn_close__invalidates_every_handle),
		cmocka_unit_test(test_conn_close__other_handles_untouched),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
