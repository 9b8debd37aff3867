/*
 * Integration: wide vectors (3000 dimensions, more than a plain vector index takes) indexed in
 * the halfvec and binary forms, and recall measured on a table whose answer is known.  Pins
 * down: index creation picks the halfvec form by itself for 2000 < n <= 4000 and refuses a plain
 * one in pgvector's words; the catalog then shows the expression index with the form's operator
 * class; k-NN through the library is served by that index (the index's scan counter moves, and
 * EXPLAIN of the documented query shape shows the index scan); at generous settings the answers
 * equal an exact search's, ids and distances bit for bit (the re-ranking reports the stored
 * vectors' exact distances); with only the binary index left, AUTO finds it; recall with IVFFlat
 * probes = lists is 1 and with one probe on spread data below 1; bad recall inputs are refused.
 */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDE 3000
#define ROWS 150
#define K 5

/* Fills `v` (dim floats) with centred pseudo-random values in [-1, 1). */
static void random_vector(uint64_t *seed, float *v, size_t dim)
{
	for (size_t i = 0; i < dim; i++)
		v[i] = (float)((double)(testdb_rand(seed) >> 11) / 4503599627370496.0) - 1.0f;
}

/* Creates a table of `rows` rows of `dim` random dimensions; its name goes into `name`. */
static pgv_table fill_table(testdb *db, const char *prefix, size_t dim, size_t rows,
	char name[64])
{
	char columns[96];
	float *data = malloc(rows * dim * sizeof(float));
	pgv_vector *vecs = calloc(rows, sizeof(*vecs));
	int64_t *ids = calloc(rows, sizeof(*ids));
	uint64_t seed = 42;
	pgv_table t;

	assert_non_null(data);
	assert_non_null(vecs);
	assert_non_null(ids);
	snprintf(columns, sizeof(columns), "id bigint PRIMARY KEY, embedding vector(%zu)", dim);
	testdb_create_table(db, prefix, columns, name);
	for (size_t i = 0; i < rows; i++) {
		random_vector(&seed, data + i * dim, dim);
		vecs[i].dim = dim;
		vecs[i].data = data + i * dim;
		ids[i] = (int64_t)i + 1;
	}
	t = testdb_table(name, PGV_TYPE_VECTOR);
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, ids, vecs, rows), 0);
	free(data);
	free(vecs);
	free(ids);
	return t;
}

/* The k nearest rows (ids and distances) under `opts`. */
static size_t knn(testdb *db, const pgv_table *t, const float *q, size_t dim,
	const pgv_search_opts *opts, int64_t *ids, double *dist)
{
	pgv_rows *rows = NULL;
	const pgv_row *row;
	size_t n = 0;
	int rc;

	assert_pgv(db->conn, pgv_store_knn_ext(&rows, db->conn, t, PGV_METRIC_L2, q, dim, K, opts),
		0);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		assert_true(n < K);
		assert_int_equal(row->vector.dim, dim);
		ids[n] = row->id;
		dist[n] = row->distance;
		n++;
	}
	assert_int_equal(rc, PGV_DONE);
	pgv_rows_free(rows);
	return n;
}

/* How many scans the statistics have counted on index `index` so far. */
static int64_t index_scans(testdb *db, const char *index)
{
	char sql[256];

	/* flush this session's pending counts before reading them */
	testdb_exec(db, "SELECT pg_catalog.pg_stat_force_next_flush()");
	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(idx_scan), 0)::bigint FROM "
		"pg_catalog.pg_stat_user_indexes WHERE indexrelname = '%s'", index);
	return testdb_query_int(db, sql);
}

/* The plan of `sql` (an EXPLAIN), its lines joined, into `out`. */
static void explain(testdb *db, const char *sql, char *out, size_t cap)
{
	pgv_stmt *st = NULL;
	const char *line;
	int rc;

	out[0] = '\0';
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), 0);
	while ((rc = pgv_stmt_step(st)) == PGV_ROW) {
		assert_pgv(db->conn, pgv_stmt_column_text(&line, NULL, st, 1), 0);
		strncat(out, line, cap - strlen(out) - 2);
		strcat(out, "\n");
	}
	assert_int_equal(rc, PGV_DONE);
	pgv_stmt_free(st);
}

/* The exact answer (the plain shape: no index on the table takes 3000 dimensions) equals the
 * indexed one for each of a few queries, ids and distances bit for bit. */
static void same_as_exact(testdb *db, const pgv_table *t, pgv_index_form form, int ef_search)
{
	pgv_search_opts exact = PGV_SEARCH_OPTS_INIT, indexed = PGV_SEARCH_OPTS_INIT;
	uint64_t seed = 7;
	float q[WIDE];

	exact.form = PGV_INDEX_FORM_PLAIN;
	indexed.form = form;
	indexed.ef_search = ef_search;
	indexed.rerank = ROWS;
	for (int i = 0; i < 3; i++) {
		int64_t ei[K], ii[K];
		double ed[K], id[K];
		random_vector(&seed, q, WIDE);
		assert_int_equal(knn(db, t, q, WIDE, &exact, ei, ed), K);
		assert_int_equal(knn(db, t, q, WIDE, &indexed, ii, id), K);
		for (int j = 0; j < K; j++) {
			assert_int_equal(ii[j], ei[j]);
			assert_memory_equal(&id[j], &ed[j], sizeof(double));
		}
	}
}

/* 3000 dimensions: AUTO indexes at half precision, PLAIN is refused, BINARY is built; k-NN uses
 * the indexes and answers as an exact search does. */
static void test_wide__halfvec_and_binary(void **state)
{
	testdb *db = *state;
	pgv_index_opts io = PGV_INDEX_OPTS_INIT;
	pgv_search_opts auto_opts = PGV_SEARCH_OPTS_INIT;
	pgv_index_form form = PGV_INDEX_FORM_AUTO;
	char name[64], sql[512], half[128], bin[128], plan[4096];
	pgv_table t = fill_table(db, "wide", WIDE, ROWS, name);
	int64_t ids[K], before;
	double dist[K];
	float q[WIDE];
	uint64_t seed = 9;

	io.form = PGV_INDEX_FORM_PLAIN;
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_EDIM);
	assert_message_has(db->conn, "column cannot have more than 2000 dimensions for hnsw index "
		"(it has 3000: index the halfvec form, up to 4000)");

	io.form = PGV_INDEX_FORM_AUTO;
	io.ef_construction = 100;
	assert_pgv(db->conn, pgv_index_create_ext(&form, db->conn, &t, &io), 0);
	assert_int_equal(form, PGV_INDEX_FORM_HALFVEC);
	snprintf(half, sizeof(half), "%s_embedding_hnsw_l2_idx", name);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_catalog.pg_indexes WHERE indexname = "
		"'%s' AND indexdef LIKE '%%(embedding)::halfvec(3000)) halfvec_l2_ops)%%'", half);
	assert_int_equal(testdb_query_int(db, sql), 1);

	io.form = PGV_INDEX_FORM_BINARY;
	assert_pgv(db->conn, pgv_index_create_ext(&form, db->conn, &t, &io), 0);
	assert_int_equal(form, PGV_INDEX_FORM_BINARY);
	snprintf(bin, sizeof(bin), "%s_embedding_hnsw_binary_idx", name);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_catalog.pg_indexes WHERE indexname = "
		"'%s' AND indexdef LIKE '%%binary_quantize(embedding))::bit(3000)) bit_hamming_ops)%%'",
		bin);
	assert_int_equal(testdb_query_int(db, sql), 1);

	/* EXPLAIN of the documented shape: the halfvec index serves it */
	snprintf(sql, sizeof(sql), "EXPLAIN (COSTS OFF) SELECT id FROM (SELECT id, embedding FROM "
		"%s WHERE embedding IS NOT NULL ORDER BY embedding::halfvec(3000) <-> (SELECT "
		"embedding FROM %s WHERE id = 1)::halfvec(3000) LIMIT 40) AS c ORDER BY 1 LIMIT 5",
		name, name);
	/* 150 rows: the planner may find a sort cheaper than any index; what is pinned down here
	 * is that the index can serve the shape, so the session forbids sequential scans */
	testdb_exec(db, "SET enable_seqscan = off");
	explain(db, sql, plan, sizeof(plan));
	if (!strstr(plan, half))
		fail_msg("the halfvec shape does not use %s: %s", half, plan);

	/* through the library: AUTO prefers the halfvec index (plain is impossible here) */
	random_vector(&seed, q, WIDE);
	before = index_scans(db, half);
	assert_int_equal(knn(db, &t, q, WIDE, &auto_opts, ids, dist), K);
	if (index_scans(db, half) <= before)
		fail_msg("k-NN in AUTO did not scan %s", half);
	same_as_exact(db, &t, PGV_INDEX_FORM_HALFVEC, 200);
	before = index_scans(db, bin);
	same_as_exact(db, &t, PGV_INDEX_FORM_BINARY, 200);
	if (index_scans(db, bin) <= before)
		fail_msg("k-NN in the binary form did not scan %s", bin);

	/* with the halfvec index gone (dropped through this connection, which forgets the forms it
	 * had read), AUTO finds the binary one at once */
	{
		int dropped = 0;
		assert_pgv(db->conn, pgv_index_drop(&dropped, db->conn, &t, half), 0);
		assert_int_equal(dropped, 1);
	}
	before = index_scans(db, bin);
	assert_int_equal(knn(db, &t, q, WIDE, &auto_opts, ids, dist), K);
	if (index_scans(db, bin) <= before)
		fail_msg("k-NN in AUTO did not scan %s", bin);

	/* a re-ranking depth below k is refused before any round trip */
	auto_opts.rerank = K - 1;
	{
		pgv_rows *rows = NULL;
		assert_pgv(db->conn, pgv_store_knn_ext(&rows, db->conn, &t, PGV_METRIC_L2, q, WIDE, K,
			&auto_opts), PGV_EINVAL);
		assert_message_has(db->conn, "rerank (4 candidates) must be at least k (5)");
		assert_null(rows);
	}
	testdb_exec(db, "RESET enable_seqscan");
}

/* Recall of an IVFFlat index: probes = lists finds every true neighbour, one probe on spread
 * data misses some; a setting out of range, k past the table, an empty table are refused. */
static void test_wide__recall_known_answers(void **state)
{
	testdb *db = *state;
	pgv_index_opts io = PGV_INDEX_OPTS_INIT;
	pgv_recall_opts ro = PGV_RECALL_OPTS_INIT;
	pgv_search_opts s[2] = { PGV_SEARCH_OPTS_INIT, PGV_SEARCH_OPTS_INIT };
	pgv_recall_result r[2];
	char name[64], empty[64];
	pgv_table t = fill_table(db, "rec", 32, 400, name), e;

	io.method = PGV_INDEX_IVFFLAT;
	io.lists = 8;
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), 0);
	s[0].probes = 8;
	s[1].probes = 1;
	ro.k = 10;
	ro.queries = 30;
	assert_pgv(db->conn, pgv_recall_measure(r, db->conn, &t, &ro, s, 2), 0);
	assert_true(r[0].recall == 1.0);
	if (!(r[1].recall < 1.0 && r[1].recall > 0.0))
		fail_msg("one probe of 8 gave recall %g", r[1].recall);
	assert_int_equal(r[0].queries, 30);
	assert_int_equal(r[0].k, 10);
	assert_true(r[0].median_ms > 0 && r[0].p95_ms >= r[0].median_ms);
	assert_int_equal(r[0].form, PGV_INDEX_FORM_PLAIN);

	s[1].probes = 40000;
	assert_pgv(db->conn, pgv_recall_measure(r, db->conn, &t, &ro, s, 2), PGV_EINVAL);
	assert_message_has(db->conn, "setting 2: 40000 is outside the valid range");
	ro.k = 401;
	assert_pgv(db->conn, pgv_recall_measure(r, db->conn, &t, &ro, s, 1), PGV_EINVAL);
	assert_message_has(db->conn, "k (401) is larger than the table (400 rows with a vector)");
	testdb_create_table(db, "recempty", "id bigint PRIMARY KEY, embedding vector(32)", empty);
	e = testdb_table(empty, PGV_TYPE_VECTOR);
	ro.k = 10;
	assert_pgv(db->conn, pgv_recall_measure(r, db->conn, &e, &ro, s, 1), PGV_EINVAL);
	assert_message_has(db->conn, "the table has no rows with a vector");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide__halfvec_and_binary),
		cmocka_unit_test(test_wide__recall_known_answers),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
