/*
 * Integration: the store's listings of many rows and paged listings - many fetch blocks, pages of
 * every size, text and binary, resumed after any id - give exactly the table's rows in id order;
 * each page is a query of its own, and a page that fails is reported with the server's SQLSTATE.
 */
#include "testdb.h"

#include <stdio.h>
#include <stdint.h>

/* A list of many rows streams across many fetch blocks (Fetch=2 under pgvodbc_declfetch). */
static void test_store_paging__list_streams_many_rows(void **state)
{
	enum { N = 5000 };
	testdb *db = *state;
	static int64_t ids[N];
	static float data[N][3];
	static pgv_vector vecs[N];
	char name[64];
	pgv_table t;
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	int64_t n = 0;
	int rc;

	testdb_create_table(db, "stream", "id bigint NOT NULL PRIMARY KEY, embedding vector(3)", name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	for (int i = 0; i < N; i++) {
		/* inserted in descending order, so id order is the server's doing */
		ids[i] = N - i;
		data[i][0] = (float)(N - i);
		data[i][1] = 0.1f * (float)i;
		data[i][2] = -1.0f / (float)(i + 1);
		vecs[i].dim = 3;
		vecs[i].data = data[i];
	}
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, ids, vecs, N), PGV_OK);
	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, &t), PGV_OK);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		int i = N - (int)row->id;
		n++;
		assert_int_equal(row->id, n);
		assert_int_equal(row->vector.dim, 3);
		assert_memory_equal(row->vector.data, data[i], sizeof(data[i]));
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	assert_int_equal(n, N);
	pgv_rows_free(rows);

	/* an iterator freed half-way leaves the connection usable */
	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, &t), PGV_OK);
	for (int i = 0; i < 10; i++)
		assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	pgv_rows_free(rows);
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, N);
}

#define PROWS 23

/*
 * Paged listings (pages of 1, 7, the table's size, more) give exactly the rows of the table in
 * id order, as text and in binary form, from the start or after any id; a version 1 options
 * struct (no paging fields) is still read as one.
 */
static void test_store_paging__paged_listing(void **state)
{
	static const size_t pages[] = { 0, 1, 7, PROWS + 1, PROWS + 2, 1000 };
	testdb *db = *state;
	static float data[PROWS][5];
	int64_t ids[PROWS], want_ids[PROWS + 1], got_ids[PROWS + 1];
	pgv_vector vecs[PROWS], got[PROWS + 1];
	int nulls[PROWS + 1];
	int64_t afters[6];
	uint64_t seed = 777;
	char name[64], sql[200];
	pgv_table t;

	testdb_create_table(db, "paged", "id bigint NOT NULL PRIMARY KEY, embedding vector(5)", name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	/* ids -50, -43, ..., 104, upserted out of order; id 200 has a NULL vector */
	for (int i = 0; i < PROWS; i++) {
		int at = (i * 5) % PROWS;
		ids[at] = -50 + 7 * i;
		for (int j = 0; j < 5; j++)
			data[at][j] = (float)(int64_t)(testdb_rand(&seed) % 20001) / 64.0f - 150.0f;
		vecs[at].dim = 5;
		vecs[at].data = data[at];
	}
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, ids, vecs, PROWS), PGV_OK);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (200, NULL)", name);
	testdb_exec(db, sql);
	for (int i = 0; i < PROWS; i++)
		want_ids[i] = -50 + 7 * i;
	want_ids[PROWS] = 200;

	/* resume points: none, before every id, a present id, an absent one, the last, past all */
	afters[0] = 0;
	afters[1] = INT64_MIN;
	afters[2] = want_ids[9];
	afters[3] = want_ids[9] + 3;
	afters[4] = 200;
	afters[5] = INT64_MAX;
	for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
		for (int binary = 0; binary < 2; binary++) {
			for (int a = 0; a < 6; a++) {
				pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;
				size_t n, first = 0;

				opts.binary = binary;
				opts.page_rows = pages[p];
				opts.has_after = a > 0;
				opts.after_id = afters[a];
				while (a > 0 && first <= PROWS && want_ids[first] <= afters[a])
					first++;
				n = testdb_list_all(db, &t, &opts, got_ids, got, nulls, PROWS + 1);
				if (n != PROWS + 1 - first)
					fail_msg("pages of %zu, binary %d, after %lld: %zu rows, want %zu",
						pages[p], binary, (long long)afters[a], n, PROWS + 1 - first);
				for (size_t r = 0; r < n; r++) {
					size_t w = first + r;
					assert_int_equal(got_ids[r], want_ids[w]);
					assert_int_equal(nulls[r], w == PROWS);
					if (w < PROWS) {
						int at = (int)((size_t)(want_ids[w] + 50) / 7 * 5 % PROWS);
						assert_int_equal(got[r].dim, 5);
						assert_memory_equal(got[r].data, data[at], sizeof(data[at]));
					} else {
						assert_int_equal(got[r].dim, 0);
					}
					pgv_vector_free(&got[r]);
				}
			}
		}
	}

	/* version 1 ends after binary: what follows it in memory is not read */
	{
		pgv_fetch_opts v1 = { 1, 1, 3, 1, 100 };
		size_t n = testdb_list_all(db, &t, &v1, got_ids, got, nulls, PROWS + 1);
		assert_int_equal(n, PROWS + 1);
		assert_int_equal(got_ids[0], -50);
		for (size_t r = 0; r < n; r++)
			pgv_vector_free(&got[r]);
	}
}

/*
 * Lists `t` with `opts`, reads two rows, runs `change` (SQL) and reads on to the end: the ids
 * read are `want`, in order.
 */
static void list_across_change(testdb *db, const pgv_table *t, const pgv_fetch_opts *opts,
	const char *del, const char *ins, const int64_t want[6])
{
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;

	assert_pgv(db->conn, pgv_store_list_ext(&rows, db->conn, t, opts), PGV_OK);
	for (int i = 0; i < 6; i++) {
		if (i == 2) { /* two statements: SQLite's driver runs one at a time */
			testdb_exec(db, del);
			testdb_exec(db, ins);
		}
		assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
		assert_int_equal(row->id, want[i]);
	}
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);
}

/*
 * Each page is its own query: rows written or deleted ahead of the listing between pages are
 * seen (not one snapshot), while a one-query listing sees the table as it was; a later page
 * that fails is reported by pgv_rows_next with the server's SQLSTATE.
 */
static void test_store_paging__paged_listing_pages_are_queries(void **state)
{
	testdb *db = *state;
	static const float v[2] = { 1, 2 };
	char name[64], sql[256], sql2[256];
	pgv_table t;
	pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	static const int64_t want[6] = { 1, 2, 3, 5, 6, 100 };

	testdb_create_table(db, "pagedq", "id int NOT NULL PRIMARY KEY, embedding vector(2)", name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	for (int64_t id = 1; id <= 6; id++) {
		pgv_vector one = { 2, (float *)v };
		assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, &id, &one, 1), PGV_OK);
	}
	/* pages of 2: the first page is read whole, the change lies ahead and is seen */
	opts.page_rows = 2;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = 4", name);
	snprintf(sql2, sizeof(sql2), "INSERT INTO %s VALUES (100, %s('[3,4]'))", name,
		testdb_vec_fn(db));
	list_across_change(db, &t, &opts, sql, sql2, want);
	/* one query: the same kind of change after two rows is not seen */
	opts.page_rows = 0;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = 5", name);
	snprintf(sql2, sizeof(sql2), "INSERT INTO %s VALUES (101, %s('[3,4]'))", name,
		testdb_vec_fn(db));
	list_across_change(db, &t, &opts, sql, sql2, want);
	opts.page_rows = 2;

	/* a later page that fails: the table is gone when the second page runs */
	assert_pgv(db->conn, pgv_store_list_ext(&rows, db->conn, &t, &opts), PGV_OK);
	for (int i = 0; i < 2; i++)
		assert_pgv(db->conn, pgv_rows_next(&row, rows), PGV_ROW);
	snprintf(sql, sizeof(sql), "ALTER TABLE %s RENAME TO %s_gone", name, name);
	testdb_exec(db, sql);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_ERROR);
	assert_null(row);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate,
		db->backend == PGV_BACKEND_SQLITE ? "HY000" : "42P01");
	assert_message_has(db->conn, "the page after id 2");
	assert_int_equal(pgv_rows_next(&row, rows), PGV_EINVAL); /* finished */
	pgv_rows_free(rows);
	snprintf(sql, sizeof(sql), "ALTER TABLE %s_gone RENAME TO %s", name, name);
	testdb_exec(db, sql);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_paging__list_streams_many_rows),
		cmocka_unit_test(test_store_paging__paged_listing),
		cmocka_unit_test(test_store_paging__paged_listing_pages_are_queries),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
