/* Integration: pgv_store_upsert and pgv_store_insert - batches, atomicity, row naming, dedupe. */
#include "testdb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A table's whole contents, in id order, for before/after comparisons. */
typedef struct snapshot {
	size_t n;
	int64_t *ids;
	pgv_vector *vecs;
} snapshot;

/* Reads every row of `t` through pgv_store_list. */
static snapshot take(testdb *db, const pgv_table *t)
{
	snapshot s = { 0, NULL, NULL };
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	size_t cap = 0;
	int rc;

	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, t), PGV_OK);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		if (s.n == cap) {
			cap = cap ? cap * 2 : 64;
			s.ids = realloc(s.ids, cap * sizeof(*s.ids));
			s.vecs = realloc(s.vecs, cap * sizeof(*s.vecs));
			assert_non_null(s.ids);
			assert_non_null(s.vecs);
		}
		s.ids[s.n] = row->id;
		s.vecs[s.n].dim = 0;
		s.vecs[s.n].data = NULL;
		if (!row->vector_is_null)
			assert_int_equal(pgv_vector_copy(&s.vecs[s.n], &row->vector), 0);
		s.n++;
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	pgv_rows_free(rows);
	return s;
}

/* Frees a snapshot. */
static void release(snapshot *s)
{
	for (size_t i = 0; i < s->n; i++)
		pgv_vector_free(&s->vecs[i]);
	free(s->ids);
	free(s->vecs);
}

/* Asserts two snapshots hold the same ids with bit-identical vectors. */
static void assert_same(const snapshot *a, const snapshot *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->ids[i], b->ids[i]);
		assert_true(pgv_vector_identical(&a->vecs[i], &b->vecs[i]));
	}
}

/* Rows to write: ids and vectors of one dimension with exact float values, owned together. */
typedef struct rowset {
	size_t n;
	int64_t *ids;
	pgv_vector *vecs;
	float *data;
} rowset;

/* n rows of `dim` dimensions with ids first, first+1, ...; values depend on id and `salt`. */
static rowset make_rows(size_t n, size_t dim, int64_t first, float salt)
{
	rowset r;

	r.n = n;
	r.ids = malloc(n * sizeof(*r.ids));
	r.vecs = malloc(n * sizeof(*r.vecs));
	r.data = malloc(n * dim * sizeof(*r.data));
	assert_non_null(r.ids);
	assert_non_null(r.vecs);
	assert_non_null(r.data);
	for (size_t i = 0; i < n; i++) {
		r.ids[i] = first + (int64_t)i;
		r.vecs[i].dim = dim;
		r.vecs[i].data = r.data + i * dim;
		for (size_t j = 0; j < dim; j++)
			r.data[i * dim + j] = salt + (float)r.ids[i] / (float)(j + 3);
	}
	return r;
}

/* Frees a rowset. */
static void drop_rows(rowset *r)
{
	free(r->ids);
	free(r->vecs);
	free(r->data);
}

/* A pgv_table naming `table` with the default columns. */
static pgv_table table_of(const char *table)
{
	pgv_table t = PGV_TABLE_INIT;

	t.table = table;
	return t;
}

/*
 * A CHECK that a vector's norm is below 100000, which only the database knows: pgvector's
 * vector_norm, or on SQLite the l2 distance to the zero vector (vec_sub of itself).
 */
static const char *norm_check(const testdb *db)
{
	return testdb_sql(db, "CHECK (vector_norm(embedding) < 100000)",
		"CHECK (vec_distance_l2(embedding, vec_sub(embedding, embedding)) < 100000)");
}

/* Asserts that row `id` of `t` holds exactly `want`. */
static void assert_row(testdb *db, const pgv_table *t, int64_t id, const pgv_vector *want)
{
	pgv_vector v = PGV_VECTOR_INIT;

	assert_pgv(db->conn, pgv_store_get(&v, db->conn, t, id), PGV_OK);
	assert_true(pgv_vector_identical(&v, want));
	pgv_vector_free(&v);
}

/* 5,000 rows in one call (several batches) are all written, bit-exact. */
static void test_upsert__many_rows_one_call(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset r = make_rows(5000, 16, 1, 0.5f);
	snapshot s;
	int64_t written = 0;

	testdb_create_table(db, "many", "id bigint PRIMARY KEY, embedding vector(16)", name);
	t = table_of(name);
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, r.ids, r.vecs, r.n), PGV_OK);
	assert_int_equal(written, 5000);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	s = take(db, &t);
	assert_int_equal(s.n, 5000);
	for (size_t i = 0; i < s.n; i++) {
		assert_int_equal(s.ids[i], r.ids[i]);
		assert_true(pgv_vector_identical(&s.vecs[i], &r.vecs[i]));
	}
	release(&s);
	drop_rows(&r);
}

/* Existing ids are updated in place; new ids are added. */
static void test_upsert__updates_existing(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset a = make_rows(100, 4, 1, 0.0f), b = make_rows(100, 4, 51, 1000.0f);
	int64_t n = 0;
	int64_t written = 0;

	testdb_create_table(db, "upd", "id int PRIMARY KEY, embedding vector(4)", name);
	t = table_of(name);
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, a.ids, a.vecs, a.n), PGV_OK);
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, b.ids, b.vecs, b.n), PGV_OK);
	assert_int_equal(written, 100);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 150);
	assert_row(db, &t, 1, &a.vecs[0]);
	assert_row(db, &t, 50, &a.vecs[49]);
	assert_row(db, &t, 51, &b.vecs[0]);
	assert_row(db, &t, 100, &b.vecs[49]);
	assert_row(db, &t, 150, &b.vecs[99]);
	drop_rows(&a);
	drop_rows(&b);
}

/* An id given more than once: the last row wins, and it is counted once. */
static void test_upsert__last_duplicate_wins(void **state)
{
	static const int64_t ids[] = { 5, 6, 5, 7, 5, 6 };
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset r = make_rows(6, 2, 0, 0.0f);
	int64_t n = 0;
	int64_t written = 0;

	testdb_create_table(db, "dup", "id bigint PRIMARY KEY, embedding vector(2)", name);
	t = table_of(name);
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, ids, r.vecs, 6), PGV_OK);
	assert_int_equal(written, 3);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 3);
	assert_row(db, &t, 5, &r.vecs[4]);
	assert_row(db, &t, 6, &r.vecs[5]);
	assert_row(db, &t, 7, &r.vecs[3]);
	/* again, over existing rows */
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, ids, r.vecs, 5), PGV_OK);
	assert_int_equal(written, 3);
	assert_row(db, &t, 6, &r.vecs[1]);
	drop_rows(&r);
}

/* A bad row anywhere is named (position, id, pgv_error.row) and nothing at all is written. */
static void test_upsert__bad_row_changes_nothing(void **state)
{
	testdb *db = *state;
	char name[64], want[160];
	pgv_table t;
	rowset base = make_rows(100, 4, 1, 0.0f), r = make_rows(3000, 4, 50, 7.0f);
	snapshot before, after;
	float short_vec[3] = { 1, 2, 3 };
	pgv_vector saved;

	testdb_create_table(db, "bad", "id bigint PRIMARY KEY, embedding vector(4)", name);
	t = table_of(name);
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, base.ids, base.vecs, base.n),
		PGV_OK);
	before = take(db, &t);

	saved = r.vecs[1234];
	r.vecs[1234].dim = 3;
	r.vecs[1234].data = short_vec;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_EDIM);
	assert_int_equal(pgv_conn_error(db->conn)->row, 1234);
	snprintf(want, sizeof(want), "upserting into \"%s\": row 1234 (id 1284): expected 4 "
		"dimensions, not 3", name);
	assert_string_equal(pgv_conn_error(db->conn)->message, want);
	r.vecs[1234] = saved;

	r.data[2999 * 4 + 2] = NAN;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_EVALUE);
	assert_int_equal(pgv_conn_error(db->conn)->row, 2999);
	assert_message_has(db->conn, "row 2999 (id 3049): element 2 is NaN");
	r.data[2999 * 4 + 2] = INFINITY;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_EVALUE);
	r.data[2999 * 4 + 2] = 1;

	r.vecs[0].dim = 0;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_EDIM);
	assert_int_equal(pgv_conn_error(db->conn)->row, 0);
	assert_message_has(db->conn, "row 0 (id 50): vector must have at least 1 dimension");
	r.vecs[0].dim = 4;
	r.vecs[7].data = NULL;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_EINVAL);
	assert_int_equal(pgv_conn_error(db->conn)->row, 7);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);

	after = take(db, &t);
	assert_same(&before, &after);
	release(&before);
	release(&after);
	drop_rows(&base);
	drop_rows(&r);
}

/*
 * A row the server refuses (a CHECK constraint the client cannot know) in a later batch rolls
 * back the earlier batches: the table is exactly as before, with the server's SQLSTATE.
 */
static void test_upsert__server_rejection_rolls_back(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset base = make_rows(100, 4, 1, 0.0f), r = make_rows(3000, 4, 1, 0.25f);
	snapshot before, after;
	const pgv_error *e;

	char cols[160];

	snprintf(cols, sizeof(cols), "id bigint PRIMARY KEY, embedding vector(4) %s",
		norm_check(db));
	testdb_create_table(db, "chk", cols, name);
	t = table_of(name);
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, base.ids, base.vecs, base.n),
		PGV_OK);
	before = take(db, &t);
	r.data[2500 * 4] = 1e6f;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_ECONSTRAINT);
	e = pgv_conn_error(db->conn);
	assert_string_equal(e->sqlstate, testdb_sql(db, "23514", "23000"));
	assert_int_equal(e->row, -1);
	/* SQLite's batches are VALUES lists of fewer rows (store.h) */
	assert_message_has(db->conn, testdb_sql(db, "the batch of ids 2001 to 3000",
		"the batch of ids "));
	assert_message_has(db->conn, testdb_sql(db, "check constraint", "CHECK constraint failed"));
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	after = take(db, &t);
	assert_same(&before, &after);
	release(&after);

	/* the connection is fine afterwards */
	r.data[2500 * 4] = 1;
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_OK);
	release(&before);
	drop_rows(&base);
	drop_rows(&r);
}

/*
 * Wide rows (their text past 4 KB) go as VALUES lists, several per call with the next one
 * formatted meanwhile: a refusal in the last, shorter batch rolls back the earlier ones, and
 * rows given in descending id order are written in full, bit-exact.
 */
static void test_upsert__wide_batches_atomic(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset r = make_rows(250, 1000, 1, 0.125f);
	snapshot s;
	int64_t written = 0;

	char cols[160];

	snprintf(cols, sizeof(cols), "id bigint PRIMARY KEY, embedding vector(1000) %s",
		norm_check(db));
	testdb_create_table(db, "wchk", cols, name);
	t = table_of(name);
	/* the last row: in the last batch whatever the rows per batch (they follow the text's length) */
	r.data[249 * 1000] = 1e6f;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_ECONSTRAINT);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, testdb_sql(db, "23514", "23000"));
	assert_message_has(db->conn, "the batch of ids ");
	assert_message_has(db->conn, " to 250");
	/* ... and not the first: earlier batches had run and were rolled back */
	assert_null(strstr(pgv_conn_error(db->conn)->message, "the batch of ids 1 to"));
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	s = take(db, &t);
	assert_int_equal(s.n, 0);
	release(&s);

	r.data[249 * 1000] = 1;
	for (size_t i = 0; i < r.n; i++)
		r.ids[i] = (int64_t)(r.n - i);
	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, r.ids, r.vecs, r.n), PGV_OK);
	assert_int_equal(written, 250);
	s = take(db, &t);
	assert_int_equal(s.n, 250);
	for (size_t i = 0; i < s.n; i++) {
		assert_int_equal(s.ids[i], (int64_t)i + 1);
		assert_true(pgv_vector_identical(&s.vecs[i], &r.vecs[r.n - 1 - i]));
	}
	release(&s);
	drop_rows(&r);
}

/* An id that does not fit an integer column is refused by the server; nothing is written. */
static void test_upsert__id_out_of_range(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset r = make_rows(2000, 4, 1, 0.0f);
	int64_t n = -1;

	testdb_create_table(db, "int", "id SERIAL PRIMARY KEY, embedding vector(4)", name);
	t = table_of(name);
	r.ids[1500] = (int64_t)1 << 40;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_ERROR);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, "22003");
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 0);
	drop_rows(&r);
}

/* Inside the caller's transaction the upsert is part of it: the caller commits or rolls back. */
static void test_upsert__inside_caller_transaction(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset r = make_rows(10, 4, 1, 0.0f), more = make_rows(5, 4, 100, 0.0f);
	float short_vec[3] = { 1, 2, 3 };
	pgv_vector saved;
	int64_t n = -1;

	char cols[160];

	snprintf(cols, sizeof(cols), "id bigint PRIMARY KEY, embedding vector(4) %s",
		norm_check(db));
	testdb_create_table(db, "txn", cols, name);
	t = table_of(name);
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_OK);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 1);
	assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 0);

	/* a row refused before sending leaves the caller's transaction usable */
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_OK);
	saved = more.vecs[2];
	more.vecs[2].dim = 3;
	more.vecs[2].data = short_vec;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, more.ids, more.vecs, more.n),
		PGV_EDIM);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 1);
	more.vecs[2] = saved;
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, more.ids, more.vecs, more.n),
		PGV_OK);
	assert_pgv(db->conn, pgv_conn_commit(db->conn), PGV_OK);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 15);

	/* a server rejection fails the caller's transaction: its commit reports the rollback */
	assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
	assert_pgv(db->conn, pgv_store_delete(NULL, db->conn, &t, r.ids, 5), PGV_OK);
	more.data[0] = 1e6f;
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, more.ids, more.vecs, more.n),
		PGV_ECONSTRAINT);
	assert_int_not_equal(pgv_conn_commit(db->conn), PGV_OK);
	assert_int_equal(pgv_conn_in_transaction(db->conn), 0);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 15);
	drop_rows(&r);
	drop_rows(&more);
}

/* Rows of 16,000 dimensions (pgvector's limit) go in byte-bounded batches and read back exact. */
static void test_upsert__max_dimensions(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset r = make_rows(12, 16000, 1, 0.0f);
	snapshot s;

	testdb_create_table(db, "wide", "id bigint PRIMARY KEY, embedding vector(16000)", name);
	t = table_of(name);
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, r.ids, r.vecs, r.n), PGV_OK);
	s = take(db, &t);
	assert_int_equal(s.n, 12);
	for (size_t i = 0; i < s.n; i++)
		assert_true(pgv_vector_identical(&s.vecs[i], &r.vecs[i]));
	release(&s);
	drop_rows(&r);
}

/* Zero rows is a no-op; NULL arguments and a missing table are refused. */
static void test_upsert__arguments(void **state)
{
	testdb *db = *state;
	pgv_table t = table_of("pgvt_no_such_table");
	rowset r = make_rows(2, 4, 1, 0.0f);
	int64_t written = 99;
	int64_t ids[2];

	assert_pgv(db->conn, pgv_store_upsert(&written, db->conn, &t, NULL, NULL, 0), PGV_OK);
	assert_int_equal(written, 0);
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, NULL, r.vecs, 2), PGV_EINVAL);
	assert_int_equal(pgv_store_upsert(NULL, db->conn, &t, r.ids, NULL, 2), PGV_EINVAL);
	assert_int_equal(pgv_store_upsert(NULL, NULL, &t, r.ids, r.vecs, 2), PGV_EINVAL);
	assert_int_equal(pgv_store_insert(ids, db->conn, &t, NULL, 2), PGV_EINVAL);
	assert_int_equal(pgv_store_upsert(&written, db->conn, &t, r.ids, r.vecs, 2), PGV_ENOTFOUND);
	assert_message_has(db->conn,
		"upserting into \"pgvt_no_such_table\": the table does not exist");
	if (db->backend == PGV_BACKEND_SQLITE) {
		/* ids from a sequence: the SQLite dialect has none, refused before any round trip */
		assert_int_equal(pgv_store_insert(ids, db->conn, &t, r.vecs, 2), PGV_EUNSUPPORTED);
		assert_message_has(db->conn, "not supported on sqlite");
	} else {
		assert_int_equal(pgv_store_insert(ids, db->conn, &t, r.vecs, 2), PGV_ENOTFOUND);
	}
	drop_rows(&r);
}

/* insert: new ids, ascending in row order, each row stored under the id reported for it. */
static void test_upsert__insert_reports_ids_in_order(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset r = make_rows(2500, 4, 0, 3.0f);
	int64_t *ids = malloc(2500 * sizeof(*ids)), more[3] = { 0, 0, 0 };
	snapshot s;

	assert_non_null(ids);
	testdb_create_table(db, "ins", "id SERIAL PRIMARY KEY, embedding vector(4)", name);
	t = table_of(name);
	/* rows in an order unrelated to their values */
	for (size_t i = 0; i < r.n; i++) {
		r.vecs[i].data = r.data + ((i * 7919) % r.n) * 4;
	}
	assert_pgv(db->conn, pgv_store_insert(ids, db->conn, &t, r.vecs, r.n), PGV_OK);
	for (size_t i = 1; i < r.n; i++)
		assert_true(ids[i] > ids[i - 1]);
	s = take(db, &t);
	assert_int_equal(s.n, r.n);
	for (size_t i = 0; i < r.n; i++) {
		assert_int_equal(s.ids[i], ids[i]);
		assert_true(pgv_vector_identical(&s.vecs[i], &r.vecs[i]));
	}
	release(&s);
	assert_pgv(db->conn, pgv_store_insert(more, db->conn, &t, r.vecs, 3), PGV_OK);
	assert_true(more[0] > ids[r.n - 1] && more[1] > more[0] && more[2] > more[1]);
	assert_row(db, &t, more[2], &r.vecs[2]);
	assert_pgv(db->conn, pgv_store_insert(NULL, db->conn, &t, r.vecs, 2), PGV_OK);
	free(ids);
	drop_rows(&r);
}

/* An IDENTITY column (GENERATED ALWAYS) gives ids too. */
static void test_upsert__insert_identity(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_table t;
	rowset r = make_rows(3, 2, 0, 0.0f);
	int64_t ids[3];

	testdb_create_table(db, "ident", "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
		"embedding vector(2)", name);
	t = table_of(name);
	assert_pgv(db->conn, pgv_store_insert(ids, db->conn, &t, r.vecs, 3), PGV_OK);
	assert_true(ids[0] >= 1 && ids[1] == ids[0] + 1 && ids[2] == ids[1] + 1);
	assert_row(db, &t, ids[1], &r.vecs[1]);
	drop_rows(&r);
}

/* insert refuses an id column without a sequence, a bad row, and rolls back a rejected batch. */
static void test_upsert__insert_refusals(void **state)
{
	testdb *db = *state;
	char plain[64], chk[64];
	pgv_table t;
	rowset r = make_rows(1500, 4, 0, 0.0f);
	int64_t n = -1;

	testdb_create_table(db, "noseq", "id bigint PRIMARY KEY, embedding vector(4)", plain);
	t = table_of(plain);
	assert_int_equal(pgv_store_insert(NULL, db->conn, &t, r.vecs, 2), PGV_EUNSUPPORTED);
	assert_message_has(db->conn, "no sequence");
	r.vecs[1].dim = 5;
	assert_int_equal(pgv_store_insert(NULL, db->conn, &t, r.vecs, 2), PGV_EDIM);
	assert_int_equal(pgv_conn_error(db->conn)->row, 1);
	assert_message_has(db->conn, "row 1: expected 4 dimensions, not 5");
	r.vecs[1].dim = 4;

	testdb_create_table(db, "inschk", "id SERIAL PRIMARY KEY, embedding vector(4) "
		"CHECK (vector_norm(embedding) < 100000)", chk);
	t = table_of(chk);
	r.data[1400 * 4] = 1e6f;
	assert_int_equal(pgv_store_insert(NULL, db->conn, &t, r.vecs, r.n), PGV_ECONSTRAINT);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 0);
	drop_rows(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upsert__many_rows_one_call),
		cmocka_unit_test(test_upsert__updates_existing),
		cmocka_unit_test(test_upsert__last_duplicate_wins),
		cmocka_unit_test(test_upsert__bad_row_changes_nothing),
		cmocka_unit_test(test_upsert__server_rejection_rolls_back),
		cmocka_unit_test(test_upsert__id_out_of_range),
		cmocka_unit_test(test_upsert__inside_caller_transaction),
		cmocka_unit_test(test_upsert__max_dimensions),
		cmocka_unit_test(test_upsert__wide_batches_atomic),
		cmocka_unit_test(test_upsert__arguments),
		cmocka_unit_test(test_upsert__insert_reports_ids_in_order),
		cmocka_unit_test(test_upsert__insert_identity),
		cmocka_unit_test(test_upsert__insert_refusals),
	};
	/*
	 * SQLite's integer columns hold any int64 (no out-of-range id), and the SQLite dialect has
	 * no ids from a sequence for pgv_store_insert (test_upsert__arguments checks its refusal)
	 */
	static const char *const postgresql_only[] = { "test_upsert__id_out_of_range",
		"test_upsert__insert_reports_ids_in_order", "test_upsert__insert_identity",
		"test_upsert__insert_refusals", NULL };

	return TESTDB_RUN_GROUP(tests, testdb_setup, testdb_teardown, postgresql_only, NULL);
}
