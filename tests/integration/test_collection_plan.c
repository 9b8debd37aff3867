/*
 * The plan of a filtered k-NN of a collection: the statement the library builds (taken from its
 * SQL builder, so it is the very text sent) is served by the HNSW index under a filter and a
 * distance threshold, with and without iterative scans.  Links the static library for the
 * builder.
 */
#define _GNU_SOURCE /* locale_t in common/error.h */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EXPLAIN of the collection's k-NN with a filter; the plan's text into out. */
static void explain(testdb *db, pgv_collection *c, const pgv_filter *f, int has_max,
	char *out, size_t cap)
{
	float q[2] = { 0.5f, 0.5f };
	pgv__query query;
	pgv__buf sql = { NULL, 0, 0, 0 };
	pgv__binds binds = { NULL, 0, 0, 0 };
	pgv_stmt *st = NULL;
	const char *line;
	size_t used = 0;
	int rc;

	memset(&query, 0, sizeof(query));
	query.kind = PGV__Q_KNN;
	query.metric = PGV_METRIC_L2;
	query.query = q;
	query.dim = 2;
	query.limit = 3;
	query.filter = f;
	query.has_max = has_max;
	query.max_distance = 10;
	pgv__buf_adds(&sql, "EXPLAIN ");
	assert_int_equal(pgv__coll_query_sql(c, &query, &sql, &binds, "test"), 0);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql.s), PGV_OK);
	assert_pgv(db->conn, pgv__binds_apply(c, st, &binds), PGV_OK);
	out[0] = '\0';
	while ((rc = pgv_stmt_step(st)) == PGV_ROW) {
		assert_pgv(db->conn, pgv_stmt_column_text(&line, NULL, st, 1), PGV_OK);
		used += (size_t)snprintf(out + used, used < cap ? cap - used : 0, "%s\n", line);
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	pgv_stmt_free(st);
	pgv__buf_free(&sql);
	pgv__binds_free(&binds);
}

/* The HNSW index serves a filtered, thresholded k-NN (enable_seqscan off on a tiny table). */
static void test_collection_plan__hnsw_serves_filtered_knn(void **state)
{
	testdb *db = *state;
	static const char *const cols[] = { "cat", "year" };
	char name[64], sql[256], plan[8192], idx[80];
	pgv_table t = PGV_TABLE_INIT;
	pgv_collection *c = NULL;
	pgv_filter *f = NULL;
	pgv_value v = pgv_value_text("books"), y = pgv_value_text("2015");
	pgv_value p = pgv_value_text("2000");

	testdb_create_table(db, "cplan", "id uuid PRIMARY KEY, embedding vector(2), cat text, "
		"year integer", name);
	snprintf(idx, sizeof(idx), "%s_hnsw", name);
	snprintf(sql, sizeof(sql), "CREATE INDEX %s ON %s USING hnsw (embedding vector_l2_ops)",
		idx, name);
	testdb_exec(db, sql);
	t.table = name;
	t.columns = cols;
	t.ncolumns = 2;
	assert_pgv(db->conn, pgv_collection_open(&c, db->conn, &t), PGV_OK);
	assert_int_equal(pgv_filter_new(&f), 0);
	assert_int_equal(pgv_filter_add(f, "cat", PGV_FILTER_EQ, &v, 1), 0);
	assert_int_equal(pgv_filter_add(f, "year", PGV_FILTER_GE, &y, 1), 0);
	assert_int_equal(pgv_filter_add_sql(f, "year > ?", &p, 1), 0);

	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	testdb_exec(db, "SET LOCAL enable_seqscan = off");
	explain(db, c, f, 1, plan, sizeof(plan));
	print_message("%s", plan);
	snprintf(sql, sizeof(sql), "Index Scan using %s", idx);
	assert_non_null(strstr(plan, sql));
	assert_null(strstr(plan, "Sort"));   /* the index gives the order: no sort above it */
	testdb_exec(db, "SET LOCAL hnsw.iterative_scan = relaxed_order");
	explain(db, c, f, 0, plan, sizeof(plan));
	assert_non_null(strstr(plan, sql));
	assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
	pgv_filter_free(f);
	pgv_collection_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collection_plan__hnsw_serves_filtered_knn),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
