/*
 * Integration: k-NN through HNSW and IVFFlat indexes with per-query search settings
 * (pgv_store_knn_ext) equals the exact answer computed here, and those settings never outlive
 * the query - without a transaction, inside a caller's, and when the query fails.
 */
#include "rowset.h"

#include <stdio.h>
#include <string.h>

/*
 * With an index serving the query (seq scans off), a high ef_search (HNSW) or probes = lists
 * (IVFFlat) makes pgv_store_knn_ext equal the exact answer computed here, inside a caller's
 * transaction and (whatever the plan) in its own; CREATE INDEX CONCURRENTLY builds one too.
 */
static void test_search__knn_ext_exact_with_index(void **state)
{
	static const pgv_metric l2[] = { PGV_METRIC_L2 }, ip[] = { PGV_METRIC_IP };
	testdb *db = *state;
	char name[64];
	float q[ROWSET_VDIM];
	pgv_table t;
	rowset r = rowset_vector_table(db, name, &t, q);
	pgv_index_opts ho = PGV_INDEX_OPTS_INIT, io = rowset_ivfflat(PGV_METRIC_IP, 8);
	pgv_search_opts hs = PGV_SEARCH_OPTS_INIT, is = PGV_SEARCH_OPTS_INIT;

	ho.concurrently = 1;
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &ho), PGV_OK);
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_OK);
	hs.ef_search = 1000;
	is.probes = 8;
	rowset_search_equals(db, &t, &r, r.data, l2, 1, q, 10, &hs);
	rowset_search_equals(db, &t, &r, r.data, ip, 1, q, 10, &is);
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	testdb_exec(db, "SET LOCAL enable_seqscan = off");
	rowset_search_equals(db, &t, &r, r.data, l2, 1, q, 10, &hs);
	rowset_search_equals(db, &t, &r, r.data, ip, 1, q, 10, &is);
	is.iterative_scan = PGV_ITERATIVE_RELAXED; /* sorted by the store */
	rowset_search_equals(db, &t, &r, r.data, ip, 1, q, 10, &is);
	assert_pgv(db->conn, pgv_conn_commit(db->conn), PGV_OK);
	rowset_free(&r);
}

/*
 * The settings of pgv_store_knn_ext never outlive its query: without a transaction, inside a
 * caller's (whose own SET LOCAL value comes back), and when the query fails in the caller's.
 */
static void test_search__settings_do_not_leak(void **state)
{
	testdb *db = *state;
	char name[64], ef[64], probes[64], iter[64], before[64];
	float q[ROWSET_VDIM];
	pgv_table t, missing = testdb_table("pgvt_no_such_table", PGV_TYPE_VECTOR);
	rowset r = rowset_vector_table(db, name, &t, q);
	pgv_search_opts so = PGV_SEARCH_OPTS_INIT;
	pgv_rows *rows = NULL;

	/* the session's values: pgvector is loaded by now (vector_table searched nothing yet) */
	assert_int_equal(rowset_knn_count(db, &t, PGV_METRIC_L2, q, NULL), 10);
	testdb_query_text(db, "SHOW hnsw.ef_search", before, sizeof(before));
	testdb_exec(db, "SET hnsw.ef_search = 55");
	testdb_query_text(db, "SHOW ivfflat.probes", probes, sizeof(probes));
	testdb_query_text(db, "SHOW hnsw.iterative_scan", iter, sizeof(iter));
	so.ef_search = 200;
	so.probes = 7;
	so.iterative_scan = PGV_ITERATIVE_RELAXED;
	so.max_scan_tuples = 1000;
	so.max_probes = 5;
	assert_int_equal(rowset_knn_count(db, &t, PGV_METRIC_L2, q, &so), 10);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	testdb_show_is(db, "hnsw.ef_search", "55");
	testdb_show_is(db, "ivfflat.probes", probes);
	testdb_show_is(db, "hnsw.iterative_scan", iter);

	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	testdb_exec(db, "SET LOCAL hnsw.ef_search = 77");
	assert_int_equal(rowset_knn_count(db, &t, PGV_METRIC_L2, q, &so), 10);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 1);
	testdb_show_is(db, "hnsw.ef_search", "77");
	testdb_show_is(db, "ivfflat.probes", probes);
	testdb_show_is(db, "hnsw.iterative_scan", iter);
	testdb_query_text(db, "SHOW hnsw.max_scan_tuples", ef, sizeof(ef));
	assert_string_not_equal(ef, "1000");
	assert_pgv(db->conn, pgv_conn_commit(db->conn), PGV_OK);
	testdb_show_is(db, "hnsw.ef_search", "55");

	/* a failing query in the caller's transaction: its rollback undoes the settings */
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_int_equal(pgv_store_knn_ext(&rows, db->conn, &missing, PGV_METRIC_L2, q, ROWSET_VDIM, 3,
		&so), PGV_ENOTFOUND);
	assert_null(rows);
	assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
	testdb_show_is(db, "hnsw.ef_search", "55");
	/* and without one: nothing stays open */
	assert_int_equal(pgv_store_knn_ext(&rows, db->conn, &missing, PGV_METRIC_L2, q, ROWSET_VDIM, 3,
		&so), PGV_ENOTFOUND);
	assert_message_has(db->conn, "does not exist");
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	testdb_show_is(db, "hnsw.ef_search", "55");
	testdb_exec(db, "RESET hnsw.ef_search");
	testdb_show_is(db, "hnsw.ef_search", before);
	rowset_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search__knn_ext_exact_with_index),
		cmocka_unit_test(test_search__settings_do_not_leak),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
