/* Test support: rows held by the test; the store's listings and searches checked against them. */
#include "rowset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float rowset_gen_float(size_t row, size_t col, uint64_t *seed)
{
	(void)row;
	(void)col;
	return (float)(int64_t)(testdb_rand(seed) >> 40) / (float)(1 << 21) - 4.0f;
}

float rowset_gen_quarters(size_t row, size_t col, uint64_t *seed)
{
	(void)row;
	(void)col;
	return (float)((int)(testdb_rand(seed) % 17) - 8) / 4.0f;
}

float rowset_gen_sparse(size_t row, size_t col, uint64_t *seed)
{
	uint64_t x = testdb_rand(seed) % 10;

	(void)row;
	(void)col;
	return x < 6 ? (x == 0 ? -0.0f : 0.0f) : (float)((int)x - 7) / 4.0f + 0.25f;
}

float rowset_gen_bits(size_t row, size_t col, uint64_t *seed)
{
	(void)row;
	(void)col;
	return (float)(testdb_rand(seed) >> 63);
}

rowset rowset_make(testdb *db, const pgv_table *t, size_t n, size_t dim, rowset_gen gen,
	uint64_t seed)
{
	rowset r = { n, dim, calloc(n * dim, sizeof(float)), calloc(n, sizeof(int64_t)),
		calloc(n, sizeof(pgv_vector)) };
	int64_t written = 0;

	assert_non_null(r.data);
	assert_non_null(r.ids);
	assert_non_null(r.vecs);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < dim; j++)
			r.data[i * dim + j] = gen(i, j, &seed);
		r.ids[i] = (int64_t)i + 1;
		r.vecs[i].dim = dim;
		r.vecs[i].data = r.data + i * dim;
	}
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, t, r.ids, r.vecs, n), PGV_OK);
	assert_int_equal(written, n);
	return r;
}

void rowset_free(rowset *r)
{
	free(r->data);
	free(r->ids);
	free(r->vecs);
}

double rowset_distance(pgv_metric metric, const float *a, const float *b, size_t dim)
{
	double s = 0, na = 0, nb = 0;
	long ab = 0, aa = 0, bb = 0;

	for (size_t i = 0; i < dim; i++) {
		double x = a[i], y = b[i];
		s += metric == PGV_METRIC_L2 ? (x - y) * (x - y) : metric == PGV_METRIC_L1
			? fabs(x - y) : metric == PGV_METRIC_HAMMING ? (x != y) : x * y;
		na += x * x;
		nb += y * y;
		ab += x == 1 && y == 1;
		aa += x == 1;
		bb += y == 1;
	}
	switch (metric) {
	case PGV_METRIC_L2: return testdb_sqrt(s);
	case PGV_METRIC_IP: return -s;
	case PGV_METRIC_COSINE: return 1.0 - s / testdb_sqrt(na * nb);
	case PGV_METRIC_JACCARD: return ab == 0 ? 1.0 : 1.0 - (double)ab / (double)(aa + bb - ab);
	default: return s; /* l1, hamming */
	}
}

int rowset_close(double got, double want)
{
	return fabs(got - want) <= 1e-6 * (fabs(want) > 1 ? fabs(want) : 1);
}

int rowset_same_floats(const pgv_vector *v, const float *want, size_t dim)
{
	if (v->dim != dim)
		return 0;
	for (size_t i = 0; i < dim; i++)
		if (v->data[i] != want[i])
			return 0;
	return 1;
}

void rowset_list_equals(testdb *db, const pgv_table *t, const pgv_fetch_opts *opts,
	const rowset *want, const float *want_data)
{
	int64_t *ids = calloc(want->n + 1, sizeof(*ids));
	pgv_vector *vecs = calloc(want->n + 1, sizeof(*vecs));
	int *nulls = calloc(want->n + 1, sizeof(*nulls));
	size_t n;

	assert_non_null(ids);
	assert_non_null(vecs);
	assert_non_null(nulls);
	/* at most want->n rows: one more fails the test */
	n = testdb_list_all(db, t, opts, ids, vecs, nulls, want->n);
	assert_int_equal(n, want->n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ids[i], want->ids[i]);
		if (!rowset_same_floats(&vecs[i], want_data + i * want->dim, want->dim))
			fail_msg("id %lld reads back other values", (long long)ids[i]);
		pgv_vector_free(&vecs[i]);
	}
	free(ids);
	free(vecs);
	free(nulls);
}

void rowset_search_equals(testdb *db, const pgv_table *t, const rowset *r, const float *data,
	const pgv_metric *metrics, size_t nm, const float *q, size_t k,
	const pgv_search_opts *opts)
{
	double *ref = calloc(r->n, sizeof(double)), *sorted = calloc(r->n, sizeof(double));

	assert_non_null(ref);
	assert_non_null(sorted);
	for (size_t m = 0; m < nm; m++) {
		pgv_rows *rows = NULL;
		const pgv_row *row = NULL;
		const char *mn = pgv_metric_name(metrics[m]);
		size_t got = 0;

		for (size_t i = 0; i < r->n; i++)
			sorted[i] = ref[i] = rowset_distance(metrics[m], data + i * r->dim, q, r->dim);
		qsort(sorted, r->n, sizeof(double), testdb_cmp_double);
		assert_pgv(db->conn, opts ? pgv_store_knn_ext(&rows, db->conn, t, metrics[m], q,
			r->dim, k, opts) : pgv_store_knn(&rows, db->conn, t, metrics[m], q, r->dim, k),
			PGV_OK);
		/* ties may come in any order: each distance is its row's, and the k smallest */
		while (pgv_rows_next(&row, rows) == PGV_ROW) {
			size_t i = (size_t)(row->id - 1);
			assert_true(got < k && i < r->n);
			if (!rowset_close(row->distance, ref[i]) || !rowset_close(row->distance,
					sorted[got]))
				fail_msg("%s k-NN #%zu: id %lld at %.17g, its reference %.17g, the #%zu "
					"smallest %.17g", mn, got, (long long)row->id, row->distance, ref[i], got,
					sorted[got]);
			assert_true(rowset_same_floats(&row->vector, data + i * r->dim, r->dim));
			got++;
		}
		assert_int_equal(got, k < r->n ? k : r->n);
		pgv_rows_free(rows);
		if (opts)
			continue;
		assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, t, metrics[m], q, r->dim,
			NULL, 0), PGV_OK);
		for (size_t i = 0; i < r->n; i++) {
			assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
			assert_int_equal(row->id, r->ids[i]);
			if (!rowset_close(row->distance, ref[i]))
				fail_msg("%s distance of id %zu: %.17g, reference %.17g", mn, i + 1,
					row->distance, ref[i]);
		}
		assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
		pgv_rows_free(rows);
	}
	free(ref);
	free(sorted);
}

void rowset_refuses(testdb *db, const pgv_table *t, const rowset *r, const float *data,
	const pgv_vector *bad, size_t nbad, int status, const char *part)
{
	int64_t ids[4] = { 1, (int64_t)r->n + 1, 2, 3 }, count = 0;

	assert_true(nbad <= 4);
	assert_int_equal(pgv_store_upsert(NULL, db->conn, t, ids, bad, nbad), status);
	assert_message_has(db->conn, part);
	assert_int_equal(pgv_conn_error(db->conn)->row, (int64_t)nbad - 1); /* the last is bad */
	assert_pgv(db->conn, pgv_store_count(&count, db->conn, t), PGV_OK);
	assert_int_equal(count, (int64_t)r->n);
	rowset_list_equals(db, t, NULL, r, data);
}

rowset rowset_vector_table(testdb *db, char name[64], pgv_table *t, float q[ROWSET_VDIM])
{
	uint64_t seed = 4242;

	testdb_create_table(db, "idx", "id bigint PRIMARY KEY, embedding vector(16)", name);
	*t = testdb_table(name, PGV_TYPE_VECTOR);
	for (int j = 0; j < ROWSET_VDIM; j++)
		q[j] = rowset_gen_float(0, (size_t)j, &seed);
	return rowset_make(db, t, ROWSET_VROWS, ROWSET_VDIM, rowset_gen_float, 99);
}

size_t rowset_knn_count(testdb *db, const pgv_table *t, pgv_metric m, const float *q,
	const pgv_search_opts *opts)
{
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	size_t n = 0;

	assert_pgv(db->conn, pgv_store_knn_ext(&rows, db->conn, t, m, q, ROWSET_VDIM, 10, opts),
		PGV_OK);
	while (pgv_rows_next(&row, rows) == PGV_ROW)
		n++;
	pgv_rows_free(rows);
	return n;
}

pgv_index_opts rowset_ivfflat(pgv_metric metric, int lists)
{
	pgv_index_opts o = PGV_INDEX_OPTS_INIT;

	o.method = PGV_INDEX_IVFFLAT;
	o.metric = metric;
	o.lists = lists;
	return o;
}
