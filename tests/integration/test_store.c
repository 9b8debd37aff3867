/*
 * Integration: the store's reads - get, count, list, k-NN, distances, delete - checked against
 * the seed walkthrough's exact figures and a brute-force computation here, its refusals of bad
 * input, and hostile names.  Long and paged listings: test_store_paging.c.
 */
#include "rowset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The seed walkthrough's three vectors, ids 1..3. */
static const float seed_vectors[3][4] = {
	{ 0.1f, 0.8f, 0.5f, 0.3f }, { 0.4f, 0.2f, 0.7f, 0.9f }, { 0.9f, 0.5f, 0.1f, 0.6f }
};

/* Creates the seed's table (id SERIAL, embedding VECTOR(4)) and upserts its three rows. */
static pgv_table seed_table(testdb *db, char name[64])
{
	static const int64_t ids[3] = { 1, 2, 3 };
	pgv_vector v[3];
	pgv_table t;
	int64_t written = 0;

	testdb_create_table(db, "seed", "id SERIAL PRIMARY KEY, embedding VECTOR(4)", name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	for (int i = 0; i < 3; i++) {
		v[i].dim = 4;
		v[i].data = (float *)seed_vectors[i];
	}
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, ids, v, 3), PGV_OK);
	assert_int_equal(written, 3);
	return t;
}

/* The seed's rows come back from list in id order, bit-exact, and from get one by one. */
static void test_store__seed_list_and_get(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t = seed_table(db, name);
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	pgv_vector v = PGV_VECTOR_INIT;
	int64_t n = 0;

	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, &t), PGV_OK);
	for (int i = 0; i < 3; i++) {
		assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
		assert_int_equal(row->id, i + 1);
		assert_int_equal(row->vector.dim, 4);
		assert_memory_equal(row->vector.data, seed_vectors[i], sizeof(seed_vectors[i]));
		assert_int_equal(row->vector_is_null, 0);
		assert_int_equal(row->has_distance, 0);
	}
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	assert_null(row);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE); /* stays done */
	pgv_rows_free(rows);
	pgv_rows_free(NULL);

	for (int i = 0; i < 3; i++) {
		assert_pgv(db->conn, pgv_store_get(&v, db->conn, &t, i + 1), PGV_OK);
		assert_int_equal(v.dim, 4);
		assert_memory_equal(v.data, seed_vectors[i], sizeof(seed_vectors[i]));
		pgv_vector_free(&v);
	}
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 3);
}

/*
 * The seed's figures: l2 distances to [0.5,0.8,0.0,-0.6] exactly as pgvector computes them (in
 * double), or as sqlite-vec does (in float32: the double value of the float32 result).
 */
static void test_store__seed_distances_exact(void **state)
{
	static const double want[3] = { 1.1045361146699684, 1.7635192467093759, 1.3038404993264 };
	static const float q[4] = { 0.5f, 0.8f, 0.0f, -0.6f };
	testdb *db = *state;
	char name[64];
	pgv_table t = seed_table(db, name);
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;

	assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, &t, PGV_METRIC_L2, q, 4, NULL, 0),
		PGV_OK);
	for (int i = 0; i < 3; i++) {
		assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
		assert_int_equal(row->id, i + 1);
		assert_int_equal(row->has_distance, 1);
		if (row->distance != testdb_distance(db, want[i]))
			fail_msg("row %d: distance %.17g, want %.17g", i + 1, row->distance,
				testdb_distance(db, want[i]));
		assert_memory_equal(row->vector.data, seed_vectors[i], sizeof(seed_vectors[i]));
	}
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);
}

/* The seed's nearest neighbour of [0.3,0.1,0.6,0.5] is id 2. */
static void test_store__seed_nearest_neighbour(void **state)
{
	static const float q[4] = { 0.3f, 0.1f, 0.6f, 0.5f };
	testdb *db = *state;
	char name[64];
	pgv_table t = seed_table(db, name);
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;

	assert_pgv(db->conn, pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, q, 4, 1), PGV_OK);
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_int_equal(row->id, 2);
	assert_memory_equal(row->vector.data, seed_vectors[1], sizeof(seed_vectors[1]));
	assert_int_equal(row->has_distance, 1);
	assert_true(fabs(row->distance - testdb_sqrt(0.19)) < 1e-6);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);
}

/* 1 when got is within 1e-6 relative of want (or both are zero): stricter near zero than
 * rowset_close, as the exact sums of this file's data allow. */
static int close_enough(double got, double want)
{
	return got == want || fabs(got - want) <= 1e-6 * fabs(want);
}

#define MROWS 60
#define MDIM 8

/*
 * Every metric of the backend: k-NN returns the k smallest distances, nearest first, each
 * matching the reference; distances returns every row in id order.  SQLite (sqlite-vec) has no
 * inner product: it is refused, naming the backend, before any round trip.
 */
static void test_store__metrics_match_reference(void **state)
{
	testdb *db = *state;
	static float data[MROWS][MDIM];
	float q[MDIM];
	int64_t ids[MROWS];
	pgv_vector vecs[MROWS];
	double ref[MROWS], sorted[MROWS];
	uint64_t seed = 12345;
	char name[64];
	pgv_table t;
	size_t k = 7;

	testdb_create_table(db, "metric", "id bigint PRIMARY KEY, embedding vector(8)", name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	/*
	 * Multiples of 1/4 and 1/8: pgvector's float sums of these are exact, so each distance is
	 * the reference to rounding in the final double steps, even when it lies near zero.
	 */
	for (int i = 0; i < MROWS; i++) {
		for (int j = 0; j < MDIM; j++)
			data[i][j] = (float)((int)(testdb_rand(&seed) % 17) - 6) / 4.0f;
		ids[i] = 100 + i;
		vecs[i].dim = MDIM;
		vecs[i].data = data[i];
	}
	for (int j = 0; j < MDIM; j++)
		q[j] = (float)(j + 1) / 8.0f;
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, ids, vecs, MROWS), PGV_OK);

	for (int m = 0; m < 4; m++) {
		pgv_rows *rows = NULL;
		const pgv_row *row = NULL;
		double last = -INFINITY;

		if (m == PGV_METRIC_IP && db->backend == PGV_BACKEND_SQLITE) {
			assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_IP, q, MDIM, k),
				PGV_EUNSUPPORTED);
			assert_null(rows);
			assert_message_has(db->conn, "sqlite");
			assert_int_equal(pgv_store_distances(&rows, db->conn, &t, PGV_METRIC_IP, q, MDIM,
				NULL, 0), PGV_EUNSUPPORTED);
			continue;
		}

		for (int i = 0; i < MROWS; i++)
			sorted[i] = ref[i] = rowset_distance((pgv_metric)m, data[i], q, MDIM);
		qsort(sorted, MROWS, sizeof(sorted[0]), testdb_cmp_double);

		assert_pgv(db->conn, pgv_store_knn(&rows, db->conn, &t, (pgv_metric)m, q, MDIM, k),
			PGV_OK);
		for (size_t r = 0; r < k; r++) {
			assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
			assert_true(row->id >= 100 && row->id < 100 + MROWS);
			assert_int_equal(row->has_distance, 1);
			if (!close_enough(row->distance, ref[row->id - 100]))
				fail_msg("%s: id %lld: distance %.17g, reference %.17g",
					pgv_metric_name((pgv_metric)m), (long long)row->id, row->distance,
					ref[row->id - 100]);
			assert_true(close_enough(row->distance, sorted[r]));
			assert_true(row->distance >= last);
			last = row->distance;
			assert_memory_equal(row->vector.data, data[row->id - 100], sizeof(data[0]));
		}
		assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
		pgv_rows_free(rows);

		assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, &t, (pgv_metric)m, q, MDIM,
			NULL, 0), PGV_OK);
		for (int i = 0; i < MROWS; i++) {
			assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
			assert_int_equal(row->id, 100 + i);
			if (!close_enough(row->distance, ref[i]))
				fail_msg("%s: id %d: distance %.17g, reference %.17g",
					pgv_metric_name((pgv_metric)m), 100 + i, row->distance, ref[i]);
		}
		assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
		pgv_rows_free(rows);
	}
}

/* k larger than the table returns every row with a vector; NULL vectors are never neighbours. */
static void test_store__knn_skips_null_vectors(void **state)
{
	static const float q[4] = { 0, 0, 0, 0 };
	testdb *db = *state;
	char name[64], sql[256];
	pgv_table t = seed_table(db, name);
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	int n = 0;

	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (10, NULL)", name);
	testdb_exec(db, sql);
	assert_pgv(db->conn, pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, q, 4, SIZE_MAX),
		PGV_OK);
	while (pgv_rows_next(&row, rows) == PGV_ROW) {
		assert_true(row->id != 10);
		n++;
	}
	assert_int_equal(n, 3);
	pgv_rows_free(rows);
}

/* distances for given ids: only those that exist, in id order; a NULL vector has no distance. */
static void test_store__distances_by_id_and_null(void **state)
{
	static const float q[4] = { 0.5f, 0.8f, 0.0f, -0.6f };
	static const int64_t want_ids[] = { 3, 10, 999, 1 };
	testdb *db = *state;
	char name[64], sql[256];
	pgv_table t = seed_table(db, name);
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	pgv_vector v = { 9, NULL };

	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (10, NULL)", name);
	testdb_exec(db, sql);
	assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, &t, PGV_METRIC_L2, q, 4, want_ids,
		4), PGV_OK);
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_int_equal(row->id, 1);
	assert_true(row->distance == testdb_distance(db, 1.1045361146699684));
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_int_equal(row->id, 3);
	assert_true(row->distance == testdb_distance(db, 1.3038404993264));
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_int_equal(row->id, 10);
	assert_int_equal(row->vector_is_null, 1);
	assert_int_equal(row->has_distance, 0);
	assert_int_equal(row->vector.dim, 0);
	assert_null(row->vector.data);
	assert_true(row->distance == 0);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);

	/* an empty id list gives no rows */
	assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, &t, PGV_METRIC_L2, q, 4, want_ids,
		0), PGV_OK);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);

	/* list reports the NULL vector; get reports it as PGV_NULL */
	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, &t), PGV_OK);
	for (int i = 0; i < 4; i++)
		assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_int_equal(row->id, 10);
	assert_int_equal(row->vector_is_null, 1);
	pgv_rows_free(rows);
	assert_int_equal(pgv_store_get(&v, db->conn, &t, 10), PGV_NULL);
	assert_int_equal(v.dim, 0);
	assert_null(v.data);
}

/* get of a missing id is PGV_ENOTFOUND naming the id; delete counts only existing rows. */
static void test_store__get_missing_and_delete(void **state)
{
	static const int64_t del[] = { 2, 57, 2, 3 };
	testdb *db = *state;
	char name[64];
	pgv_table t = seed_table(db, name);
	pgv_vector v = PGV_VECTOR_INIT;
	int64_t n = -1, deleted = -1;

	assert_int_equal(pgv_store_get(&v, db->conn, &t, 57), PGV_ENOTFOUND);
	assert_int_equal(pgv_conn_error(db->conn)->status, PGV_ENOTFOUND);
	assert_message_has(db->conn, "no row with id 57");
	assert_message_has(db->conn, name);
	assert_null(v.data);

	assert_pgv(db->conn, pgv_store_delete(&deleted, db->conn, &t, del, 4), PGV_OK);
	assert_int_equal(deleted, 2);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 1);
	assert_pgv(db->conn, pgv_store_get(&v, db->conn, &t, 1), PGV_OK);
	pgv_vector_free(&v);
	assert_int_equal(pgv_store_get(&v, db->conn, &t, 2), PGV_ENOTFOUND);
	assert_pgv(db->conn, pgv_store_delete(&deleted, db->conn, &t, del, 0), PGV_OK);
	assert_int_equal(deleted, 0);
	assert_pgv(db->conn, pgv_store_delete(NULL, db->conn, &t, del, 4), PGV_OK);
}

/* More ids than one statement takes: every statement's rows are counted, atomically. */
static void test_store__delete_many_ids(void **state)
{
	enum { N = 120001 };
	testdb *db = *state;
	char name[64];
	pgv_table t = seed_table(db, name);
	int64_t *ids = malloc(N * sizeof(*ids)), deleted = 0, n = -1;

	assert_non_null(ids);
	for (int i = 0; i < N; i++)
		ids[i] = N - i; /* 1 and 3 fall in different statements */
	ids[5] = 1;
	assert_pgv(db->conn, pgv_store_delete(&deleted, db->conn, &t, ids, N), PGV_OK);
	assert_int_equal(deleted, 3);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 0);
	free(ids);
}

/* An empty table lists nothing and counts 0. */
static void test_store__empty_table(void **state)
{
	static const float q[2] = { 1, 2 };
	testdb *db = *state;
	char name[64];
	pgv_table t;
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	int64_t n = -1;

	testdb_create_table(db, "empty", "id int PRIMARY KEY, embedding vector(2)", name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 0);
	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, &t), PGV_OK);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);
	assert_pgv(db->conn, pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_COSINE, q, 2, 5), PGV_OK);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);
}

/* k-NN and distances refuse bad input before the query runs, with clear messages. */
static void test_store__search_refuses_bad_input(void **state)
{
	static const float q3[3] = { 1, 2, 3 };
	float q4[4] = { 1, 2, 3, 4 };
	testdb *db = *state;
	char name[64];
	pgv_table t = seed_table(db, name), bad = PGV_TABLE_INIT;
	pgv_rows *rows = (pgv_rows *)&rows;
	int sqlite = db->backend == PGV_BACKEND_SQLITE;

	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, q4, 4, 0), PGV_EINVAL);
	assert_null(rows);
	assert_message_has(db->conn, "k must be at least 1");
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, q3, 3, 1), PGV_EDIM);
	assert_message_has(db->conn, "3 dimensions");
	assert_message_has(db->conn, "has 4");
	/* a metric the backend has (SQLite has no ip) */
	assert_int_equal(pgv_store_distances(&rows, db->conn, &t,
		db->backend == PGV_BACKEND_SQLITE ? PGV_METRIC_L1 : PGV_METRIC_IP, q3, 3, NULL, 0),
		PGV_EDIM);
	q4[2] = NAN;
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, q4, 4, 1), PGV_EVALUE);
	assert_message_has(db->conn, "element 2 is NaN");
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, NULL, 4, 1), PGV_EINVAL);
	q4[2] = 3;
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, (pgv_metric)9, q4, 4, 1), PGV_EINVAL);
	assert_message_has(db->conn, "unknown metric");
	assert_int_equal(pgv_store_knn(NULL, db->conn, &t, PGV_METRIC_L2, q4, 4, 1), PGV_EINVAL);
	assert_int_equal(pgv_store_knn(&rows, NULL, &t, PGV_METRIC_L2, q4, 4, 1), PGV_EINVAL);
	/* the l1 operator exists on this server (0.8.x): the version check lets it through */
	assert_pgv(db->conn, pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L1, q4, 4, 1), PGV_OK);
	pgv_rows_free(rows);

	bad.version = 0;
	assert_int_equal(pgv_store_list(&rows, db->conn, &bad), PGV_EINVAL);
	assert_message_has(db->conn, "PGV_TABLE_INIT");
	bad = testdb_table("pgvt_no_such_table", PGV_TYPE_VECTOR);
	assert_int_equal(pgv_store_knn(&rows, db->conn, &bad, PGV_METRIC_L2, q4, 4, 1),
		PGV_ENOTFOUND);
	assert_message_has(db->conn, "\"pgvt_no_such_table\": the table does not exist");
	/* the listing's refusal (42P01; SQLite's HY000) is explained from the catalog, as k-NN's is */
	assert_int_equal(pgv_store_list(&rows, db->conn, &bad), PGV_ENOTFOUND);
	assert_message_has(db->conn, "listing \"pgvt_no_such_table\": the table does not exist");
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, sqlite ? "HY000" : "42P01");
	bad = t;
	bad.vector_column = "nope";
	assert_int_equal(pgv_store_knn(&rows, db->conn, &bad, PGV_METRIC_L2, q4, 4, 1),
		PGV_ENOTFOUND);
	assert_message_has(db->conn, "has no column \"nope\"");

	/*
	 * No catalog query runs before a search: the server refuses a wrong dimension.  Inside a
	 * transaction (which the refusal aborts) the message is pgvector's, still with both numbers
	 * ("different vector dimensions 4 and 3") and the status PGV_EDIM.  A SQLite transaction
	 * survives the refusal (SQLSTATE HY000, as all of SQLite's): the catalog explains it.
	 */
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, q3, 3, 1), PGV_EDIM);
	assert_null(rows);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, sqlite ? "HY000" : "22000");
	assert_message_has(db->conn, "dimensions");
	assert_message_has(db->conn, "4");
	assert_message_has(db->conn, "3");
	assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
	bad = testdb_table("pgvt_no_such_table", PGV_TYPE_VECTOR);
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_int_equal(pgv_store_distances(&rows, db->conn, &bad, PGV_METRIC_L2, q4, 4, NULL, 0),
		PGV_ENOTFOUND);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, sqlite ? "HY000" : "42P01");
	assert_message_has(db->conn, "pgvt_no_such_table");
	assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
}

/* A schema-qualified table works; the schema is quoted on its own. */
static void test_store__schema_qualified(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t = seed_table(db, name);
	int64_t n = 0;

	t.schema = db->schema;
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 3);
	t.schema = "pgvt_no_such_schema";
	assert_int_equal(pgv_store_count(&n, db->conn, &t), PGV_ERROR);
	assert_message_has(db->conn, "\"pgvt_no_such_schema\".");
}

/*
 * A table named `emb"; DROP TABLE <sentinel>; --` with columns named with quotes, spaces, '?',
 * a semicolon and non-ASCII works end to end, and the sentinel table survives.
 */
static void test_store__hostile_names_end_to_end(void **state)
{
	static const float q[2] = { 1, 0 };
	static const float data[3][2] = { { 1, 0 }, { 0, 1 }, { 3, 4 } };
	static const int64_t ids[3] = { 7, 8, 9 };
	testdb *db = *state;
	char sentinel[64], table[128], sql[512], long_name[80];
	char *qt = NULL, *qi = NULL, *qv = NULL;
	const char *id_col = "i\"d ?", *vec_col = "vec \"tor\"; \xc3\xa9\xe2\x82\xac ?";
	pgv_table t = PGV_TABLE_INIT;
	pgv_vector vecs[3], v = PGV_VECTOR_INIT;
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	int64_t n = 0, new_ids[2] = { 0, 0 };
	int64_t written = 0;

	testdb_create_table(db, "sentinel", "id int", sentinel);
	snprintf(table, sizeof(table), "emb\"; DROP TABLE %s; --", sentinel);
	assert_true(strlen(table) <= 63);
	assert_int_equal(pgv_ident_quote(&qt, table), 0);
	assert_int_equal(pgv_ident_quote(&qi, id_col), 0);
	assert_int_equal(pgv_ident_quote(&qv, vec_col), 0);
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", qt);
	testdb_exec(db, sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s (%s bigserial PRIMARY KEY, %s vector(2))", qt,
		qi, qv);
	testdb_exec(db, sql);

	t.table = table;
	t.id_column = id_col;
	t.vector_column = vec_col;
	for (int i = 0; i < 3; i++) {
		vecs[i].dim = 2;
		vecs[i].data = (float *)data[i];
	}
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, ids, vecs, 3), PGV_OK);
	assert_int_equal(written, 3);
	if (db->backend == PGV_BACKEND_SQLITE) {
		/* no sequences: refused before any round trip, ids are given instead */
		assert_int_equal(pgv_store_insert(new_ids, db->conn, &t, vecs, 2), PGV_EUNSUPPORTED);
		assert_message_has(db->conn, "sqlite");
		new_ids[0] = 10;
		new_ids[1] = 11;
		assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, new_ids, vecs, 2), PGV_OK);
	} else {
		assert_pgv(db->conn, pgv_store_insert(new_ids, db->conn, &t, vecs, 2), PGV_OK);
		assert_true(new_ids[0] < new_ids[1]);
	}
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 5);
	assert_pgv(db->conn, pgv_store_get(&v, db->conn, &t, 9), PGV_OK);
	assert_memory_equal(v.data, data[2], sizeof(data[2]));
	pgv_vector_free(&v);
	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, &t), PGV_OK);
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	pgv_rows_free(rows);
	assert_pgv(db->conn, pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_COSINE, q, 2, 1), PGV_OK);
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_true(row->id == 7 || row->id == new_ids[0]);
	assert_true(row->distance == 0);
	pgv_rows_free(rows);
	assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, &t, PGV_METRIC_L2, q, 2, ids, 3),
		PGV_OK);
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	assert_int_equal(row->id, 9);
	assert_true(fabs(row->distance - testdb_distance(db, testdb_sqrt(20.0))) < 1e-12);
	pgv_rows_free(rows);
	assert_pgv(db->conn, pgv_store_delete(&n, db->conn, &t, ids, 3), PGV_OK);
	assert_int_equal(n, 3);

	/* the sentinel is still there */
	snprintf(sql, sizeof(sql), db->backend == PGV_BACKEND_SQLITE
		? "SELECT count(*) FROM sqlite_master WHERE name = '%s'"
		: "SELECT count(*) FROM pg_class WHERE relname = '%s'", sentinel);
	assert_int_equal(testdb_query_int(db, sql), 1);

	/* a 64-byte name is refused before anything is sent, naming it */
	memset(long_name, 'L', 64);
	long_name[64] = '\0';
	t.table = long_name;
	assert_int_equal(pgv_store_count(&n, db->conn, &t), PGV_EINVAL);
	assert_message_has(db->conn, "the table name");
	assert_message_has(db->conn, "\"LLLLLLLLLL");
	assert_message_has(db->conn, "64 bytes");
	t.table = table;
	t.vector_column = long_name;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, ids, vecs, 3), PGV_EINVAL);
	assert_message_has(db->conn, "the vector column name");

	snprintf(sql, sizeof(sql), "DROP TABLE %s", qt);
	testdb_exec(db, sql);
	pgv_text_free(qt);
	pgv_text_free(qi);
	pgv_text_free(qv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store__seed_list_and_get),
		cmocka_unit_test(test_store__seed_distances_exact),
		cmocka_unit_test(test_store__seed_nearest_neighbour),
		cmocka_unit_test(test_store__metrics_match_reference),
		cmocka_unit_test(test_store__knn_skips_null_vectors),
		cmocka_unit_test(test_store__distances_by_id_and_null),
		cmocka_unit_test(test_store__get_missing_and_delete),
		cmocka_unit_test(test_store__delete_many_ids),
		cmocka_unit_test(test_store__empty_table),
		cmocka_unit_test(test_store__search_refuses_bad_input),
		cmocka_unit_test(test_store__schema_qualified),
		cmocka_unit_test(test_store__hostile_names_end_to_end),
	};
	/* schemas are PostgreSQL's (SQLite's attached databases are not tested here) */
	static const char *const postgresql_only[] = { "test_store__schema_qualified", NULL };

	return TESTDB_RUN_GROUP(tests, testdb_setup, testdb_teardown, postgresql_only, NULL);
}
