/*
 * Integration: the store's bit columns on both backends, by the same calls and the same data.
 * Bit values upserted come back exactly (get, listing, pages); the hamming distances of k-NN and
 * of the distances listing equal the popcounts counted here, which are what PostgreSQL's <~>
 * gives (this program runs on PostgreSQL too, with the same seeds and the same expectations).
 * The first bit of a value is the most significant bit of the first byte on SQLite, as in
 * pgvector's text.  On SQLite, values of a number of bits that is no multiple of 8 and the jaccard
 * metric are refused before any round trip, and so is a collection over a bit column (its
 * statements bind values as text).
 */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIM 64
#define ROWS 40

/* Random 0/1 floats. */
static void random_bits(float *v, size_t dim, uint64_t *seed)
{
	for (size_t i = 0; i < dim; i++)
		v[i] = (float)(testdb_rand(seed) >> 63);
}

/* Bits that differ between a and b, counted one by one. */
static double hamming(const float *a, const float *b, size_t dim)
{
	double n = 0;

	for (size_t i = 0; i < dim; i++)
		n += a[i] != b[i];
	return n;
}

/* A bit(DIM) table of the backend under test, filled with ROWS random rows (ids 1..ROWS). */
static pgv_table bits_table(testdb *db, char name[64], float rows[ROWS][DIM], uint64_t seed)
{
	pgv_table t;
	pgv_vector v[ROWS];
	int64_t ids[ROWS], n = 0;

	testdb_create_table(db, "bits", testdb_sql(db, "id BIGINT PRIMARY KEY, embedding bit(64)",
		"id INTEGER PRIMARY KEY, embedding bit(64)"), name);
	t = testdb_table(name, PGV_TYPE_BIT);
	for (int i = 0; i < ROWS; i++) {
		random_bits(rows[i], DIM, &seed);
		ids[i] = i + 1;
		v[i].dim = DIM;
		v[i].data = rows[i];
	}
	assert_pgv(db->conn, pgv_store_upsert(&n, db->conn, &t, ids, v, ROWS), PGV_OK);
	assert_int_equal(n, ROWS);
	return t;
}

/* Asserts that a value read back is row `want` bit for bit. */
static void assert_bits(const pgv_vector *got, const float *want)
{
	assert_int_equal(got->dim, DIM);
	assert_memory_equal(got->data, want, DIM * sizeof(float));
}

/* Upserted bits come back exactly by get, by the listing and by its pages; an upsert replaces. */
static void test_bits_store__round_trip(void **state)
{
	testdb *db = *state;
	static float rows[ROWS][DIM];
	char name[64];
	pgv_table t = bits_table(db, name, rows, 7);
	pgv_fetch_opts paged = PGV_FETCH_OPTS_INIT;
	pgv_vector got = { 0, NULL }, listed[ROWS + 1];
	int64_t ids[ROWS + 1], id = 5, n = 0;
	int nulls[ROWS + 1];
	float flipped[DIM];
	size_t m;

	for (int i = 0; i < ROWS; i++) {
		assert_pgv(db->conn, pgv_store_get(&got, db->conn, &t, i + 1), PGV_OK);
		assert_bits(&got, rows[i]);
		pgv_vector_free(&got);
	}
	m = testdb_list_all(db, &t, NULL, ids, listed, nulls, ROWS + 1);
	assert_int_equal(m, ROWS);
	for (size_t i = 0; i < m; i++) {
		assert_int_equal(ids[i], (int64_t)i + 1);
		assert_false(nulls[i]);
		assert_bits(&listed[i], rows[i]);
		pgv_vector_free(&listed[i]);
	}
	paged.page_rows = 7;
	m = testdb_list_all(db, &t, &paged, ids, listed, nulls, ROWS + 1);
	assert_int_equal(m, ROWS);
	for (size_t i = 0; i < m; i++) {
		assert_bits(&listed[i], rows[i]);
		pgv_vector_free(&listed[i]);
	}
	/* the conflict path: row 5 takes its complement */
	for (int i = 0; i < DIM; i++)
		flipped[i] = 1.0f - rows[4][i];
	got.dim = DIM;
	got.data = flipped;
	assert_pgv(db->conn, pgv_store_upsert(&n, db->conn, &t, &id, &got, 1), PGV_OK);
	got.data = NULL;
	assert_pgv(db->conn, pgv_store_get(&got, db->conn, &t, 5), PGV_OK);
	assert_bits(&got, flipped);
	pgv_vector_free(&got);
}

/*
 * The bit order as stored: the first bit is the most significant of the first byte on SQLite
 * (hex 80...), the first character of the text on PostgreSQL; its distance to zeros is 1.
 */
static void test_bits_store__bit_order(void **state)
{
	testdb *db = *state;
	char name[64], sql[160], text[80];
	pgv_table t;
	float v[DIM] = { 1 }, zeros[DIM] = { 0 };
	pgv_vector vec = { DIM, v };
	int64_t id = 1, n = 0;
	pgv_rows *rows = NULL;
	const pgv_row *r = NULL;

	testdb_create_table(db, "bitorder", testdb_sql(db, "id BIGINT PRIMARY KEY, embedding bit(64)",
		"id INTEGER PRIMARY KEY, embedding bit(64)"), name);
	t = testdb_table(name, PGV_TYPE_BIT);
	v[9] = 1; /* the second byte's 0x40 */
	assert_pgv(db->conn, pgv_store_upsert(&n, db->conn, &t, &id, &vec, 1), PGV_OK);
	snprintf(sql, sizeof(sql), testdb_sql(db, "SELECT embedding::text FROM %s",
		"SELECT hex(embedding) FROM %s"), name);
	testdb_query_text(db, sql, text, sizeof(text));
	assert_string_equal(text, testdb_sql(db,
		"1000000001000000000000000000000000000000000000000000000000000000",
		"8040000000000000"));
	assert_pgv(db->conn, pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_HAMMING, zeros, DIM, 1),
		PGV_OK);
	assert_pgv(db->conn, pgv_rows_next(&r, rows), PGV_ROW);
	assert_true(r->has_distance);
	assert_true(r->distance == 2.0);
	pgv_rows_free(rows);
}

/* k-NN by hamming: the k nearest by the popcounts counted here, in order, with those distances. */
static void test_bits_store__knn_hamming(void **state)
{
	testdb *db = *state;
	static float rows[ROWS][DIM];
	char name[64];
	pgv_table t = bits_table(db, name, rows, 21);
	double all[ROWS];
	uint64_t seed = 99;
	float q[DIM];

	for (int round = 0; round < 5; round++) {
		pgv_rows *it = NULL;
		const pgv_row *r = NULL;
		size_t k = 0, want = round == 4 ? ROWS + 5 : (size_t)round * 4 + 1;
		double last = -1;

		random_bits(q, DIM, &seed);
		for (int i = 0; i < ROWS; i++)
			all[i] = hamming(q, rows[i], DIM);
		qsort(all, ROWS, sizeof(all[0]), testdb_cmp_double);
		assert_pgv(db->conn, pgv_store_knn(&it, db->conn, &t, PGV_METRIC_HAMMING, q, DIM, want),
			PGV_OK);
		while (pgv_rows_next(&r, it) == PGV_ROW) {
			assert_true(r->id >= 1 && r->id <= ROWS);
			assert_true(r->has_distance);
			assert_true(r->distance == hamming(q, rows[r->id - 1], DIM));
			assert_true(r->distance == all[k]); /* the k-th smallest: nothing nearer left out */
			assert_true(r->distance >= last);
			assert_bits(&r->vector, rows[r->id - 1]);
			last = r->distance;
			k++;
		}
		assert_int_equal(k, want < ROWS ? want : ROWS);
		pgv_rows_free(it);
	}
}

/* The distances listing (whole, by ids, in pages): each row's popcount. */
static void test_bits_store__distances(void **state)
{
	testdb *db = *state;
	static float rows[ROWS][DIM];
	static const int64_t some[] = { 3, 17, 40 };
	char name[64];
	pgv_table t = bits_table(db, name, rows, 33);
	pgv_fetch_opts paged = PGV_FETCH_OPTS_INIT;
	uint64_t seed = 5;
	float q[DIM];

	random_bits(q, DIM, &seed);
	paged.page_rows = 6;
	for (int pass = 0; pass < 3; pass++) {
		pgv_rows *it = NULL;
		const pgv_row *r = NULL;
		size_t k = 0;
		int rc = pass == 0 ? pgv_store_distances(&it, db->conn, &t, PGV_METRIC_HAMMING, q, DIM,
				NULL, 0)
			: pass == 1 ? pgv_store_distances(&it, db->conn, &t, PGV_METRIC_HAMMING, q, DIM,
				some, 3)
			: pgv_store_distances_ext(&it, db->conn, &t, PGV_METRIC_HAMMING, q, DIM, NULL, 0,
				&paged);

		assert_pgv(db->conn, rc, PGV_OK);
		while (pgv_rows_next(&r, it) == PGV_ROW) {
			assert_int_equal(r->id, pass == 1 ? some[k] : (int64_t)k + 1);
			assert_true(r->distance == hamming(q, rows[r->id - 1], DIM));
			assert_bits(&r->vector, rows[r->id - 1]);
			k++;
		}
		assert_int_equal(k, pass == 1 ? 3 : ROWS);
		pgv_rows_free(it);
	}
}

/*
 * What each backend refuses: a value of another dimension than the column's (both); on SQLite a
 * number of bits that is no multiple of 8 and jaccard, before any round trip (no table needed).
 */
static void test_bits_store__refusals(void **state)
{
	testdb *db = *state;
	static float rows[ROWS][DIM];
	char name[64];
	pgv_table t = bits_table(db, name, rows, 3), none = testdb_table("pgvt_no_such_table",
		PGV_TYPE_BIT);
	pgv_vector short_row = { 56, rows[0] }, odd = { 12, rows[1] };
	pgv_rows *it = NULL;
	pgv_collection *coll = NULL;
	int64_t id = 1, n = 0;

	assert_pgv(db->conn, pgv_store_upsert(&n, db->conn, &t, &id, &short_row, 1), PGV_EDIM);
	assert_message_has(db->conn, "expected 64 dimensions, not 56");
	if (db->backend != PGV_BACKEND_SQLITE) {
		/* PostgreSQL has jaccard for bits */
		assert_pgv(db->conn, pgv_store_knn(&it, db->conn, &t, PGV_METRIC_JACCARD, rows[2], DIM,
			3), PGV_OK);
		pgv_rows_free(it);
		return;
	}
	assert_pgv(db->conn, pgv_store_upsert(&n, db->conn, &none, &id, &odd, 1), PGV_EUNSUPPORTED);
	assert_message_has(db->conn, "a bit vector of 12 bits is not supported on sqlite");
	assert_pgv(db->conn, pgv_store_knn(&it, db->conn, &none, PGV_METRIC_HAMMING, rows[1], 12, 3),
		PGV_EUNSUPPORTED);
	assert_message_has(db->conn, "12 bits");
	assert_pgv(db->conn, pgv_store_distances(&it, db->conn, &none, PGV_METRIC_HAMMING, rows[1],
		20, NULL, 0), PGV_EUNSUPPORTED);
	assert_message_has(db->conn, "20 bits");
	assert_pgv(db->conn, pgv_store_knn(&it, db->conn, &t, PGV_METRIC_JACCARD, rows[2], DIM, 3),
		PGV_EUNSUPPORTED);
	assert_message_has(db->conn, "the jaccard metric is not supported on sqlite");
	assert_null(it);
	assert_pgv(db->conn, pgv_collection_open(&coll, db->conn, &t), PGV_EUNSUPPORTED);
	assert_message_has(db->conn, "a collection of bit vectors is not supported on sqlite");
	assert_null(coll);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bits_store__round_trip),
		cmocka_unit_test(test_bits_store__bit_order),
		cmocka_unit_test(test_bits_store__knn_hamming),
		cmocka_unit_test(test_bits_store__distances),
		cmocka_unit_test(test_bits_store__refusals),
	};

	return TESTDB_RUN_GROUP(tests, testdb_setup, testdb_teardown, NULL, NULL);
}
