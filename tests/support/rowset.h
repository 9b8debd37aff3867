/*
 * Test support for the store, index and typed-table integration tests: a table's rows held by
 * the test (made here, upserted through the store) and checks of what the store reads back -
 * listings, k-NN and distances - against them, the distances computed here in double precision
 * by pgvector's definitions (brute force, independent of the server).
 */
#ifndef PGV_ROWSET_H
#define PGV_ROWSET_H

#include "testdb.h"

/* A table of rows held here: ids 1..n, each row `dim` floats. */
typedef struct rowset {
	size_t n, dim;
	float *data;        /* n * dim */
	int64_t *ids;
	pgv_vector *vecs;
} rowset;

/* Makes the value of a row's column (row, column, seed). */
typedef float (*rowset_gen)(size_t row, size_t col, uint64_t *seed);

/* Random floats with 24 significant bits, in [-4, 4). */
float rowset_gen_float(size_t row, size_t col, uint64_t *seed);

/* Multiples of 1/4 in [-2, 2]: exact in half precision, their products and sums exact. */
float rowset_gen_quarters(size_t row, size_t col, uint64_t *seed);

/* Mostly zeros, else multiples of 1/4 (and -0, which a sparsevec drops). */
float rowset_gen_sparse(size_t row, size_t col, uint64_t *seed);

/* Bits (0 or 1). */
float rowset_gen_bits(size_t row, size_t col, uint64_t *seed);

/* Makes n rows of dim floats from `gen` (seeded with `seed`) and upserts them into t. */
rowset rowset_make(testdb *db, const pgv_table *t, size_t n, size_t dim, rowset_gen gen,
	uint64_t seed);

/* Releases what rowset_make allocated. */
void rowset_free(rowset *r);

/* The distance under `metric` computed here in double precision (pgvector's definitions). */
double rowset_distance(pgv_metric metric, const float *a, const float *b, size_t dim);

/* 1 when got is within 1e-6 of want, relative above 1. */
int rowset_close(double got, double want);

/* 1 when v holds exactly the floats want[0..dim) (-0 equals 0). */
int rowset_same_floats(const pgv_vector *v, const float *want, size_t dim);

/* Lists t (with opts) and asserts it holds exactly r's rows, whose floats are `want_data`. */
void rowset_list_equals(testdb *db, const pgv_table *t, const pgv_fetch_opts *opts,
	const rowset *want, const float *want_data);

/*
 * k-NN (k rows) and distances of every metric in `metrics` from query q equal the brute-force
 * distances over `data` (r's values as stored); `opts` non-NULL uses pgv_store_knn_ext (and
 * checks no distances).
 */
void rowset_search_equals(testdb *db, const pgv_table *t, const rowset *r, const float *data,
	const pgv_metric *metrics, size_t nm, const float *q, size_t k,
	const pgv_search_opts *opts);

/*
 * Upserting `bad` (nbad <= 4 rows, of which the last is bad) fails with `status`, naming that
 * row, with a message holding `part`; the table still holds r's rows (`data`) and no more.
 */
void rowset_refuses(testdb *db, const pgv_table *t, const rowset *r, const float *data,
	const pgv_vector *bad, size_t nbad, int status, const char *part);

/* IVFFlat index options: `metric`, `lists` inverted lists, the rest the defaults. */
pgv_index_opts rowset_ivfflat(pgv_metric metric, int lists);

/* The table the index and search tests share: ROWSET_VROWS rows of ROWSET_VDIM random floats. */
#define ROWSET_VROWS 300
#define ROWSET_VDIM 16

/*
 * Creates that table (`vector(16)`, name into `name`), fills `t` to name it and `q` with a
 * query vector, and returns its rows.
 */
rowset rowset_vector_table(testdb *db, char name[64], pgv_table *t, float q[ROWSET_VDIM]);

/* The number of rows pgv_store_knn_ext (k 10, ROWSET_VDIM dimensions) gives under opts. */
size_t rowset_knn_count(testdb *db, const pgv_table *t, pgv_metric m, const float *q,
	const pgv_search_opts *opts);

#endif
