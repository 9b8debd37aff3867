/*
 * Integration: HNSW and IVFFlat indexes - created with their options, dropped, used by the
 * store's k-NN query (EXPLAIN and ef_search) - and every client-side check of index creation and
 * search settings agreeing with the server's own refusal.  Search results through indexes and
 * settings that never leak: test_search.c; indexes on typed tables: test_typed_store.c.
 */
#include "rowset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text of EXPLAIN for the store's k-NN query (as pgv_store_knn words it) of table `name`. */
static void explain_knn(testdb *db, const char *name, const char *op, const float *q,
	char *out, size_t cap)
{
	char sql[1024], vec[512];
	pgv_stmt *st = NULL;
	const char *line = NULL;
	size_t len = 0;
	int rc;

	pgv_vector_format(q, ROWSET_VDIM, vec, sizeof(vec));
	snprintf(sql, sizeof(sql), "EXPLAIN SELECT \"id\", \"embedding\"::float4[], \"embedding\" %s "
		"'%s'::vector FROM \"%s\" WHERE \"embedding\" IS NOT NULL ORDER BY 3 LIMIT 10", op, vec,
		name);
	out[0] = '\0';
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	while ((rc = pgv_stmt_step(st)) == PGV_ROW) {
		assert_pgv(db->conn, pgv_stmt_column_text(&line, NULL, st, 1), PGV_OK);
		len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s\n", line);
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	pgv_stmt_free(st);
}

/* The number of indexes named `index` on table `name`, and whether its definition has `part`. */
static int64_t index_count(testdb *db, const char *name, const char *index, const char *part)
{
	char sql[512], pattern[160];
	size_t k = 0;

	for (const char *p = part; *p && k + 2 < sizeof(pattern); p++) {
		if (*p == '\'')
			pattern[k++] = '\'';
		pattern[k++] = *p;
	}
	pattern[k] = '\0';
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_indexes WHERE tablename = '%s' AND "
		"indexname = '%s' AND indexdef LIKE '%%%s%%'", name, index, pattern);
	return testdb_query_int(db, sql);
}

/*
 * HNSW and IVFFlat indexes: created with their options (the catalog shows them), EXPLAIN of the
 * store's k-NN query uses them (with seq scans off in a transaction, restored after), the store's
 * own query is served by them (ef_search 1 gives one row; an iterative scan gives all k), and
 * dropping works once and then finds nothing, leaving another table's index of the same name.
 */
static void test_index__create_use_drop(void **state)
{
	testdb *db = *state;
	char name[64], other[64], plan[4096], *hnsw = NULL, *ivf = NULL, sql[256];
	float q[ROWSET_VDIM];
	pgv_table t, missing = testdb_table("pgvt_no_such_table", PGV_TYPE_VECTOR);
	rowset r = rowset_vector_table(db, name, &t, q);
	pgv_index_opts ho = PGV_INDEX_OPTS_INIT, io = rowset_ivfflat(PGV_METRIC_COSINE, 10);
	pgv_search_opts so = PGV_SEARCH_OPTS_INIT;
	int dropped = -1;

	ho.m = 8;
	ho.ef_construction = 32;
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &ho), PGV_OK);
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_OK);
	assert_int_equal(pgv_index_name(&hnsw, &t, &ho), 0);
	assert_int_equal(pgv_index_name(&ivf, &t, &io), 0);
	assert_int_equal(index_count(db, name, hnsw, "USING hnsw (embedding vector_l2_ops) WITH "
		"(m='8', ef_construction='32')"), 1);
	assert_int_equal(index_count(db, name, ivf, "USING ivfflat (embedding vector_cosine_ops) "
		"WITH (lists='10')"), 1);

	/* the same name again: the server's refusal */
	assert_int_equal(pgv_index_create(db->conn, &t, &ho), PGV_ERROR);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, "42P07");

	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	testdb_exec(db, "SET LOCAL enable_seqscan = off");
	explain_knn(db, name, "<->", q, plan, sizeof(plan));
	if (!strstr(plan, "Index Scan using") || !strstr(plan, hnsw))
		fail_msg("the l2 k-NN does not use %s:\n%s", hnsw, plan);
	explain_knn(db, name, "<=>", q, plan, sizeof(plan));
	if (!strstr(plan, "Index Scan using") || !strstr(plan, ivf))
		fail_msg("the cosine k-NN does not use %s:\n%s", ivf, plan);
	/* the store's query itself: an HNSW scan stops at ef_search rows unless iterative */
	so.ef_search = 1;
	so.iterative_scan = PGV_ITERATIVE_OFF;
	assert_int_equal(rowset_knn_count(db, &t, PGV_METRIC_L2, q, &so), 1);
	so.iterative_scan = PGV_ITERATIVE_STRICT;
	assert_int_equal(rowset_knn_count(db, &t, PGV_METRIC_L2, q, &so), 10);
	testdb_show_is(db, "enable_seqscan", "off");
	assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
	testdb_show_is(db, "enable_seqscan", "on");

	/* drop: once, then nothing to drop; a missing table is an error */
	assert_pgv(db->conn, pgv_index_drop(&dropped, db->conn, &t, hnsw), PGV_OK);
	assert_int_equal(dropped, 1);
	assert_int_equal(index_count(db, name, hnsw, ""), 0);
	assert_pgv(db->conn, pgv_index_drop(&dropped, db->conn, &t, hnsw), PGV_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(pgv_index_drop(&dropped, db->conn, &missing, hnsw), PGV_ENOTFOUND);
	assert_int_equal(pgv_index_drop(NULL, db->conn, &t, NULL), PGV_EINVAL);

	/* an index of another table with the name asked for stays */
	testdb_create_table(db, "idxo", "id int, v vector(2)", other);
	snprintf(sql, sizeof(sql), "CREATE INDEX %s_x ON %s (id)", other, other);
	testdb_exec(db, sql);
	snprintf(sql, sizeof(sql), "%s_x", other);
	assert_pgv(db->conn, pgv_index_drop(&dropped, db->conn, &t, sql), PGV_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(index_count(db, other, sql, ""), 1);

	assert_pgv(db->conn, pgv_index_drop(NULL, db->conn, &t, ivf), PGV_OK);
	assert_int_equal(index_count(db, name, ivf, ""), 0);
	pgv_text_free(hnsw);
	pgv_text_free(ivf);
	rowset_free(&r);
}

/*
 * pgv_store_knn_ext (l2, k 1, the 3 dimensions of q) refuses the search settings `so` before any
 * round trip, PGV_EINVAL with `client` in the message (NULL: not compared), and the server
 * refuses the statement `set` with `server` in its message.
 */
static void setting_refused(testdb *db, const pgv_table *t, const pgv_search_opts *so,
	const float *q, pgv_rows **rows, const char *client, const char *set, const char *server)
{
	assert_int_equal(pgv_store_knn_ext(rows, db->conn, t, PGV_METRIC_L2, q, 3, 1, so),
		PGV_EINVAL);
	if (client)
		assert_message_has(db->conn, client);
	assert_int_equal(pgv_conn_exec(db->conn, set), PGV_ERROR);
	assert_message_has(db->conn, server);
}

/* A client-side refusal and the server's refusal of the same thing share the message `part`. */
typedef struct check_case {
	const char *column;       /* the vector column */
	pgv_type type;
	pgv_index_opts opts;
	const char *raw;          /* the CREATE INDEX the server refuses (%s: the table) */
	int status;
	const char *part;
} check_case;

/*
 * Every client-side check of index creation and search settings refuses with pgvector's wording
 * and no SQLSTATE (the library's own), and the server refuses the same thing with the same words.
 */
static void test_index__checks_agree_with_server(void **state)
{
#define O(method, metric, m, ef, lists) { PGV_INDEX_OPTS_VERSION, method, metric, NULL, m, ef, lists, 0, \
	PGV_INDEX_FORM_PLAIN }
	static const check_case cases[] = {
		{ "v", PGV_TYPE_VECTOR, O(PGV_INDEX_HNSW, PGV_METRIC_L2, 1, 0, 0),
			"USING hnsw (v vector_l2_ops) WITH (m = 1)", PGV_EINVAL,
			"value 1 out of bounds for option \"m\"" },
		{ "v", PGV_TYPE_VECTOR, O(PGV_INDEX_HNSW, PGV_METRIC_L2, 0, 1001, 0),
			"USING hnsw (v vector_l2_ops) WITH (ef_construction = 1001)", PGV_EINVAL,
			"value 1001 out of bounds for option \"ef_construction\"" },
		{ "v", PGV_TYPE_VECTOR, O(PGV_INDEX_HNSW, PGV_METRIC_L2, 16, 31, 0),
			"USING hnsw (v vector_l2_ops) WITH (m = 16, ef_construction = 31)", PGV_EINVAL,
			"ef_construction must be greater than or equal to 2 * m" },
		{ "v", PGV_TYPE_VECTOR, O(PGV_INDEX_IVFFLAT, PGV_METRIC_L2, 0, 0, 32769),
			"USING ivfflat (v vector_l2_ops) WITH (lists = 32769)", PGV_EINVAL,
			"value 32769 out of bounds for option \"lists\"" },
		{ "v", PGV_TYPE_VECTOR, O(PGV_INDEX_IVFFLAT, PGV_METRIC_L2, 16, 0, 0),
			"USING ivfflat (v vector_l2_ops) WITH (m = 16)", PGV_EINVAL,
			"unrecognized parameter \"m\"" },
		{ "v", PGV_TYPE_VECTOR, O(PGV_INDEX_IVFFLAT, PGV_METRIC_L1, 0, 0, 0),
			"USING ivfflat (v vector_l1_ops)", PGV_EINVAL,
			"operator class \"vector_l1_ops\" does not exist for access method \"ivfflat\"" },
		{ "s", PGV_TYPE_SPARSEVEC, O(PGV_INDEX_IVFFLAT, PGV_METRIC_L2, 0, 0, 0),
			"USING ivfflat (s sparsevec_l2_ops)", PGV_EINVAL,
			"operator class \"sparsevec_l2_ops\" does not exist for access method \"ivfflat\"" },
		{ "b", PGV_TYPE_BIT, O(PGV_INDEX_IVFFLAT, PGV_METRIC_JACCARD, 0, 0, 0),
			"USING ivfflat (b bit_jaccard_ops)", PGV_EINVAL,
			"operator class \"bit_jaccard_ops\" does not exist for access method \"ivfflat\"" },
		{ "v2001", PGV_TYPE_VECTOR, O(PGV_INDEX_HNSW, PGV_METRIC_L2, 0, 0, 0),
			"USING hnsw (v2001 vector_l2_ops)", PGV_EDIM,
			"column cannot have more than 2000 dimensions for hnsw index" },
		{ "h4001", PGV_TYPE_HALFVEC, O(PGV_INDEX_IVFFLAT, PGV_METRIC_IP, 0, 0, 0),
			"USING ivfflat (h4001 halfvec_ip_ops)", PGV_EDIM,
			"column cannot have more than 4000 dimensions for ivfflat index" },
		{ "b64001", PGV_TYPE_BIT, O(PGV_INDEX_HNSW, PGV_METRIC_JACCARD, 0, 0, 0),
			"USING hnsw (b64001 bit_jaccard_ops)", PGV_EDIM,
			"column cannot have more than 64000 dimensions for hnsw index" },
		{ "vn", PGV_TYPE_VECTOR, O(PGV_INDEX_HNSW, PGV_METRIC_COSINE, 0, 0, 0),
			"USING hnsw (vn vector_cosine_ops)", PGV_EDIM, "column does not have dimensions" },
		{ "vb", PGV_TYPE_BIT, O(PGV_INDEX_HNSW, PGV_METRIC_HAMMING, 0, 0, 0),
			"USING hnsw (vb bit_hamming_ops)", PGV_EINVAL, "type not supported for hnsw index" },
	};
#undef O
	static const float q[3] = { 1, 2, 3 };
	static const char ef_range[] =
		"1001 is outside the valid range for parameter \"hnsw.ef_search\" (1 .. 1000)";
	static const char probes_range[] =
		"32769 is outside the valid range for parameter \"ivfflat.probes\" (1 .. 32768)";
	testdb *db = *state;
	char name[64], sql[512];
	pgv_search_opts so = PGV_SEARCH_OPTS_INIT;
	pgv_rows *rows = NULL;
	pgv_table t;

	testdb_create_table(db, "chk", "id int PRIMARY KEY, v vector(3), s sparsevec(5), b bit(8), "
		"v2001 vector(2001), h4001 halfvec(4001), b64001 bit(64001), vn vector, vb varbit, "
		"h halfvec(3)", name);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = testdb_table(name, cases[i].type);
		t.vector_column = cases[i].column;
		if (pgv_index_create(db->conn, &t, &cases[i].opts) != cases[i].status)
			fail_msg("case %zu: %s: %s", i, pgv_status_name(pgv_conn_error(db->conn)->status),
				pgv_conn_error(db->conn)->message);
		assert_message_has(db->conn, cases[i].part);
		assert_string_equal(pgv_conn_error(db->conn)->sqlstate, "");
		snprintf(sql, sizeof(sql), "CREATE INDEX ON %s %s", name, cases[i].raw);
		assert_int_equal(pgv_conn_exec(db->conn, sql), PGV_ERROR);
		assert_message_has(db->conn, cases[i].part);
	}

	/* search settings, and what the server says of the same value */
	t = testdb_table(name, PGV_TYPE_VECTOR);
	t.vector_column = "v";
	so.ef_search = 1001;
	setting_refused(db, &t, &so, q, &rows, ef_range, "SET LOCAL hnsw.ef_search = 1001",
		ef_range);
	so.ef_search = 0;
	so.probes = 32769;
	setting_refused(db, &t, &so, q, &rows, probes_range, "SET LOCAL ivfflat.probes = 32769",
		probes_range);
	so.probes = 1;
	so.max_probes = 32769;
	setting_refused(db, &t, &so, q, &rows, NULL, "SET LOCAL ivfflat.max_probes = 32769",
		"(1 .. 32768)");
	so.max_probes = 0;
	/* metric and type, k, before any round trip */
	assert_int_equal(pgv_store_knn_ext(&rows, db->conn, &t, PGV_METRIC_HAMMING, q, 3, 1, &so),
		PGV_EINVAL);
	assert_message_has(db->conn, "the hamming metric (<~>) is not for vector columns");
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, "");
	assert_int_equal(pgv_store_knn_ext(&rows, db->conn, &t, PGV_METRIC_L2, q, 3, 0, &so),
		PGV_EINVAL);
	so.version = 7;
	assert_int_equal(pgv_store_knn_ext(&rows, db->conn, &t, PGV_METRIC_L2, q, 3, 1, &so),
		PGV_EINVAL);
	assert_message_has(db->conn, "PGV_SEARCH_OPTS_INIT");
	assert_null(rows);

	/* CONCURRENTLY inside a transaction: refused here, the transaction unharmed */
	{
		pgv_index_opts o = PGV_INDEX_OPTS_INIT;
		o.concurrently = 1;
		assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
		assert_int_equal(pgv_index_create(db->conn, &t, &o), PGV_EINVAL);
		assert_message_has(db->conn, "CREATE INDEX CONCURRENTLY cannot run inside a "
			"transaction block");
		assert_int_equal(testdb_query_int(db, "SELECT 1"), 1);
		assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
		/* a missing column, a column of another type than the table says */
		t.vector_column = "nothing";
		assert_int_equal(pgv_index_create(db->conn, &t, &o), PGV_ENOTFOUND);
		t.vector_column = "h";
		assert_int_equal(pgv_index_create(db->conn, &t, &o), PGV_EINVAL);
		assert_message_has(db->conn, "is of type halfvec, not vector");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index__create_use_drop),
		cmocka_unit_test(test_index__checks_agree_with_server),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
