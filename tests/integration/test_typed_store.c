/*
 * Integration: tables of halfvec, sparsevec and bit through the store - upsert, get, list (text,
 * binary, paged), k-NN and distances equal to a brute-force computation here, bad rows rejected
 * with the table unchanged - and the HNSW and IVFFlat indexes each type supports.
 */
#include "rowset.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The metrics of columns of float values (vector, halfvec, sparsevec): all but the bit ones. */
static const pgv_metric float_metrics[] = { PGV_METRIC_L2, PGV_METRIC_IP, PGV_METRIC_COSINE,
	PGV_METRIC_L1 };

/* The table typed_rows makes: a name prefix, the embedding column's SQL type, its pgv_type. */
typedef struct typed_table {
	const char *prefix, *column;
	pgv_type type;
} typed_table;

/*
 * Creates the table `tt` describes (`id bigint PRIMARY KEY, embedding <column>`) and upserts n
 * rows of dim values from gen (seeded with seed); asserts that they list back exactly as stored,
 * as text and in binary form (pages of `page_rows`; 0: one query).  Returns the rows.
 */
static rowset typed_rows(testdb *db, const typed_table *tt, char name[64], pgv_table *t,
	size_t n, size_t dim, rowset_gen gen, uint64_t seed, size_t page_rows)
{
	char columns[96];
	pgv_fetch_opts fo = PGV_FETCH_OPTS_INIT;
	rowset r;

	snprintf(columns, sizeof(columns), "id bigint PRIMARY KEY, embedding %s", tt->column);
	testdb_create_table(db, tt->prefix, columns, name);
	*t = testdb_table(name, tt->type);
	r = rowset_make(db, t, n, dim, gen, seed);
	rowset_list_equals(db, t, NULL, &r, r.data);
	fo.binary = 1;
	fo.page_rows = page_rows;
	rowset_list_equals(db, t, &fo, &r, r.data);
	return r;
}

/* get of `id` reads back exactly r's row of that id. */
static void get_equals(testdb *db, const pgv_table *t, const rowset *r, int64_t id)
{
	pgv_vector got = PGV_VECTOR_INIT;

	assert_pgv(db->conn, pgv_store_get(&got, db->conn, t, id), PGV_OK);
	assert_true(rowset_same_floats(&got, r->data + (size_t)(id - 1) * r->dim, r->dim));
	pgv_vector_free(&got);
}

/*
 * With seq scans off in a transaction (so that t's index serves the query), k-NN under `so`
 * equals brute force (rowset_search_equals).
 */
static void search_with_index(testdb *db, const pgv_table *t, const rowset *r, const float *data,
	const pgv_metric *metrics, size_t nm, const float *q, size_t k, const pgv_search_opts *so)
{
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	testdb_exec(db, "SET LOCAL enable_seqscan = off");
	rowset_search_equals(db, t, r, data, metrics, nm, q, k, so);
	assert_pgv(db->conn, pgv_conn_commit(db->conn), PGV_OK);
}

/* Drops the index that `io` names on t: it exists, so exactly one is dropped. */
static void drop_index_of(testdb *db, const pgv_table *t, const pgv_index_opts *io)
{
	char *n = NULL;
	int dropped = 0;

	assert_int_equal(pgv_index_name(&n, t, io), 0);
	assert_pgv(db->conn, pgv_index_drop(&dropped, db->conn, t, n), PGV_OK);
	assert_int_equal(dropped, 1);
	pgv_text_free(n);
}

/*
 * halfvec(8): values that are halves come back exactly, others as the server rounds them (the
 * codec's rounding); k-NN and distances of l2, ip, cosine and l1 equal brute force; binary and
 * paged listings agree; a value past half range, a short row and a bit metric are refused
 * without touching the table; HNSW and IVFFlat indexes build on it.
 */
static void test_typed_store__halfvec_table(void **state)
{
	static const float rounding[8] = { 0.1f, 1.0f / 3, 1000.7f, -2.71828f, 1e-8f, -1e-8f,
		65504.0f, 3.14159f };
	static const float q[8] = { 0.5f, -1, 0.25f, 2, 0, -0.75f, 1.5f, 1 };
	testdb *db = *state;
	char name[64], sql[320];
	pgv_table t;
	pgv_index_opts io = PGV_INDEX_OPTS_INIT;
	pgv_vector got = PGV_VECTOR_INIT, bad[2];
	float *stored, over[8], shortrow[7] = { 0 };
	rowset r;
	int64_t id = 41;

	r = typed_rows(db, &(typed_table){ "half", "halfvec(8)", PGV_TYPE_HALFVEC }, name, &t, 40, 8,
		rowset_gen_quarters, 5, 3);
	stored = r.data;
	rowset_search_equals(db, &t, &r, stored, float_metrics, 4, q, 7, NULL);

	/* values that are not halves read back as the server stored them */
	{
		pgv_vector v = { 8, (float *)rounding };
		assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, &id, &v, 1), PGV_OK);
		assert_pgv(db->conn, pgv_store_get(&got, db->conn, &t, id), PGV_OK);
		for (int j = 0; j < 8; j++)
			assert_true(got.data[j] == pgv_half_to_float(pgv_float_to_half(rounding[j])));
		assert_true(got.data[0] != rounding[0] && got.data[6] == 65504.0f);
		pgv_vector_free(&got);
		assert_pgv(db->conn, pgv_store_delete(NULL, db->conn, &t, &id, 1), PGV_OK);
	}

	memcpy(over, q, sizeof(over));
	over[5] = 65520.0f; /* rounds to infinity in half precision */
	bad[0].dim = 8;
	bad[0].data = (float *)q;
	bad[1].dim = 8;
	bad[1].data = over;
	rowset_refuses(db, &t, &r, stored, bad, 2, PGV_EVALUE, "row 1 (id 41): element 5");
	bad[1].dim = 7;
	bad[1].data = shortrow;
	rowset_refuses(db, &t, &r, stored, bad, 2, PGV_EDIM, "expected 8 dimensions, not 7");
	{
		pgv_rows *rows = NULL;
		assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_JACCARD, q, 8, 3),
			PGV_EINVAL);
		assert_message_has(db->conn, "not for halfvec columns");
		assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, over, 8, 3),
			PGV_EVALUE);
		assert_message_has(db->conn, "the query vector");
	}
	/* the table read as vector: refused, naming the column's type */
	t.type = PGV_TYPE_VECTOR;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, &id, bad, 1), PGV_EINVAL);
	assert_message_has(db->conn, "is of type halfvec, not vector: set pgv_table.type to "
		"PGV_TYPE_HALFVEC");
	t.type = PGV_TYPE_HALFVEC;

	io.metric = PGV_METRIC_L1;
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_OK);
	io = rowset_ivfflat(PGV_METRIC_COSINE, 4);
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_OK);
	/* this table's indexes only: other programs may be creating theirs at the same time */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_indexes WHERE schemaname = "
		"current_schema() AND tablename = '%s' AND (indexdef LIKE '%%halfvec_l1_ops%%' "
		"OR indexdef LIKE '%%halfvec_cosine_ops%%')", name);
	assert_int_equal(testdb_query_int(db, sql), 2);
	{
		pgv_search_opts so = PGV_SEARCH_OPTS_INIT;
		so.ef_search = 100;
		so.probes = 4;
		search_with_index(db, &t, &r, stored, float_metrics + 2, 2, q, 5, &so);
	}
	drop_index_of(db, &t, &io);
	rowset_free(&r);
}

/*
 * sparsevec(10): dense rows with zeros (and -0) go in as sparse text and come back as the same
 * floats, as text and in binary form; k-NN and distances equal brute force; NaN and a wrong
 * dimension are refused with the table unchanged; an HNSW index builds.
 */
static void test_typed_store__sparsevec_table(void **state)
{
	static const float q[10] = { 0, 0.5f, 0, 0, -1, 0, 0, 0.25f, 0, 1 };
	testdb *db = *state;
	char name[64];
	pgv_table t;
	pgv_index_opts io = PGV_INDEX_OPTS_INIT;
	pgv_vector bad[2];
	float nan_row[10] = { 0 }, wide[11] = { 1 };
	rowset r;

	r = typed_rows(db, &(typed_table){ "sparse", "sparsevec(10)", PGV_TYPE_SPARSEVEC }, name,
		&t, 30, 10, rowset_gen_sparse, 11, 0);
	get_equals(db, &t, &r, 3);
	rowset_search_equals(db, &t, &r, r.data, float_metrics, 4, q, 6, NULL);

	nan_row[4] = NAN;
	bad[0].dim = 10;
	bad[0].data = (float *)q;
	bad[1].dim = 10;
	bad[1].data = nan_row;
	rowset_refuses(db, &t, &r, r.data, bad, 2, PGV_EVALUE, "row 1 (id 31)");
	bad[1].dim = 11;
	bad[1].data = wide;
	rowset_refuses(db, &t, &r, r.data, bad, 2, PGV_EDIM, "expected 10 dimensions, not 11");
	/* past 16000 dimensions a row could not be read back (through vector) */
	{
		static float huge[16001];
		huge[16000] = 1;
		bad[1].dim = 16001;
		bad[1].data = huge;
		rowset_refuses(db, &t, &r, r.data, bad, 2, PGV_EDIM,
			"16001 dimensions: the store reads sparsevec rows back as vector");
	}

	io.metric = PGV_METRIC_IP;
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_OK);
	{
		pgv_search_opts so = PGV_SEARCH_OPTS_INIT;
		so.ef_search = 500;
		rowset_search_equals(db, &t, &r, r.data, float_metrics + 1, 1, q, 6, &so);
	}
	rowset_free(&r);
}

/*
 * bit(12): 0/1 floats go in as bit text and come back exactly (binary listing falls back to
 * text); hamming and jaccard k-NN and distances equal brute force, also through HNSW and IVFFlat
 * indexes; a value that is not 0 or 1, a short row and a vector metric are refused.
 */
static void test_typed_store__bit_table(void **state)
{
	static const pgv_metric metrics[] = { PGV_METRIC_HAMMING, PGV_METRIC_JACCARD };
	static const float q[12] = { 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0 };
	testdb *db = *state;
	char name[64], plan[160];
	pgv_table t;
	pgv_index_opts io = PGV_INDEX_OPTS_INIT;
	pgv_search_opts so = PGV_SEARCH_OPTS_INIT;
	pgv_vector bad[2];
	float half[12] = { 0 }, shortrow[11] = { 1 };
	rowset r;
	int64_t ids[2] = { 5, 6 };
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;

	r = typed_rows(db, &(typed_table){ "bits", "bit(12)", PGV_TYPE_BIT }, name, &t, 50, 12,
		rowset_gen_bits, 23, 8);
	get_equals(db, &t, &r, 7);
	rowset_search_equals(db, &t, &r, r.data, metrics, 2, q, 9, NULL);
	/* the server's own text of a row is the bits sent */
	snprintf(plan, sizeof(plan), "SELECT embedding::text FROM %s WHERE id = 1", name);
	{
		char text[16];
		testdb_query_text(db, plan, text, sizeof(text));
		for (int j = 0; j < 12; j++)
			assert_int_equal(text[j], r.data[j] == 1 ? '1' : '0');
	}
	assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, &t, PGV_METRIC_JACCARD, q, 12,
		ids, 2), PGV_OK);
	for (int i = 0; i < 2; i++) {
		assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
		assert_int_equal(row->id, ids[i]);
		assert_true(rowset_close(row->distance, rowset_distance(PGV_METRIC_JACCARD,
			r.data + (ids[i] - 1) * 12, q, 12)));
	}
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);

	half[3] = 0.5f;
	bad[0].dim = 12;
	bad[0].data = (float *)q;
	bad[1].dim = 12;
	bad[1].data = half;
	rowset_refuses(db, &t, &r, r.data, bad, 2, PGV_EVALUE,
		"row 1 (id 51): element 3 is 0.5: a bit must be 0 or 1");
	bad[1].dim = 11;
	bad[1].data = shortrow;
	rowset_refuses(db, &t, &r, r.data, bad, 2, PGV_EDIM, "expected 12 dimensions, not 11");
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, q, 12, 3), PGV_EINVAL);
	assert_message_has(db->conn, "the l2 metric (<->) is not for bit columns: use hamming or "
		"jaccard");
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_HAMMING, half, 12, 3),
		PGV_EVALUE);
	/* a query of another length: the server refuses, the store names both lengths */
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_HAMMING, shortrow, 11, 3),
		PGV_EDIM);
	assert_message_has(db->conn, "the query vector has 11 dimensions but the column");
	/* the table read as vector: the server cannot cast bit to real[]; the store says why */
	t.type = PGV_TYPE_VECTOR;
	assert_int_equal(pgv_store_list(&rows, db->conn, &t), PGV_EINVAL);
	assert_null(rows);
	assert_message_has(db->conn, "is of type bit, not vector: set pgv_table.type to "
		"PGV_TYPE_BIT");
	assert_int_equal(pgv_store_knn(&rows, db->conn, &t, PGV_METRIC_L2, q, 12, 3), PGV_EINVAL);
	assert_message_has(db->conn, "is of type bit, not vector");
	t.type = PGV_TYPE_BIT;

	/* indexes: HNSW for both metrics, IVFFlat for hamming; exact with generous settings */
	io.metric = PGV_METRIC_HAMMING;
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_OK);
	io.metric = PGV_METRIC_JACCARD;
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_OK);
	io = rowset_ivfflat(PGV_METRIC_HAMMING, 3);
	assert_pgv(db->conn, pgv_index_create(db->conn, &t, &io), PGV_OK);
	so.ef_search = 1000;
	so.probes = 3;
	search_with_index(db, &t, &r, r.data, metrics, 2, q, 9, &so);
	drop_index_of(db, &t, &io);
	rowset_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typed_store__halfvec_table),
		cmocka_unit_test(test_typed_store__sparsevec_table),
		cmocka_unit_test(test_typed_store__bit_table),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
