/*
 * Integration: distances read in keyset pages (pgv_store_distances_ext, and `pgvodbc distance`
 * without --id, which pages by default).
 * Pins down: a table of several pages (2,503 rows, ids inserted out of order, some vectors
 * NULL) gives through pages of 7, 100, 2,502, 2,503 and 5,000 rows exactly the rows one query
 * gives: the same ids in increasing order, the same distances bit for bit, the same NULLs; the
 * rows after an id are the tail of them; with ids, paging is ignored; a repeated id is refused
 * before any row.  The CLI prints every row in id order with the distances the library gives.
 * A collection's distances read in pages (a limit and id > the last id) are those of one call.
 */
#include "clirun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS 2503

static const float query[3] = { 0.25f, -1.5f, 2.0f };

/* One row as an iterator handed it out. */
typedef struct drow {
	int64_t id;
	double distance;
	int has_distance;
	int vector_is_null;
} drow;

/* Reads every row of `rows` (freed here) into `out` (cap rows); returns how many. */
static size_t drain(testdb *db, pgv_rows *rows, drow *out, size_t cap)
{
	const pgv_row *row = NULL;
	size_t n = 0;
	int rc;

	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		assert_true(n < cap);
		out[n].id = row->id;
		out[n].distance = row->distance;
		out[n].has_distance = row->has_distance;
		out[n].vector_is_null = row->vector_is_null;
		n++;
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	pgv_rows_free(rows);
	return n;
}

/* The table: ids 1..NROWS inserted in a scrambled order (g * 7919 mod NROWS, a permutation:
 * NROWS is prime), every 97th vector NULL. */
static void make_table(testdb *db, char name[64])
{
	char sql[640], vec[160], series[128];

	testdb_create_table(db, "distpg", "id bigint NOT NULL PRIMARY KEY, embedding vector(3)",
		name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s SELECT g, CASE WHEN g %% 97 = 0 THEN NULL ELSE "
		"%s END FROM %s ORDER BY (g * 7919) %% %d", name,
		clirun_vec_sql(db, "'[' || sin(g) || ',' || cos(g * 3) || ',' || ((g % 13) - 6.5) || ']'",
			vec, sizeof(vec)), clirun_series(NROWS, series, sizeof(series)), NROWS);
	testdb_exec(db, sql);
}

/* Asserts two results are the same rows, bit for bit. */
static void assert_same(const drow *a, size_t na, const drow *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].id, b[i].id);
		assert_int_equal(a[i].has_distance, b[i].has_distance);
		assert_int_equal(a[i].vector_is_null, b[i].vector_is_null);
		assert_memory_equal(&a[i].distance, &b[i].distance, sizeof(double));
	}
}

static void test_distances_paged__same_rows_as_one_query(void **state)
{
	testdb *db = *state;
	static const size_t sizes[] = { 7, 100, NROWS - 1, NROWS, 5000 };
	static const pgv_metric metrics[] = { PGV_METRIC_L2, PGV_METRIC_COSINE };
	drow *one = calloc(NROWS, sizeof(*one)), *paged = calloc(NROWS, sizeof(*paged));
	pgv_fetch_opts o = PGV_FETCH_OPTS_INIT;
	pgv_rows *rows = NULL;
	char name[64];
	pgv_table t;
	size_t n1, n2;

	assert_non_null(one);
	assert_non_null(paged);
	make_table(db, name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
		assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, &t, metrics[m], query, 3,
			NULL, 0), 0);
		n1 = drain(db, rows, one, NROWS);
		assert_int_equal(n1, NROWS);
		for (size_t i = 0; i < n1; i++) {
			assert_int_equal(one[i].id, (int64_t)i + 1);
			assert_int_equal(one[i].vector_is_null, one[i].id % 97 == 0);
		}
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			o.page_rows = sizes[s];
			o.has_after = 0;
			assert_pgv(db->conn, pgv_store_distances_ext(&rows, db->conn, &t, metrics[m],
				query, 3, NULL, 0, &o), 0);
			n2 = drain(db, rows, paged, NROWS);
			assert_same(one, n1, paged, n2);
		}
		/* the rows after an id: the tail, paged or not */
		o.has_after = 1;
		o.after_id = 1234;
		for (size_t s = 0; s < 2; s++) {
			o.page_rows = s ? 100 : 0;
			assert_pgv(db->conn, pgv_store_distances_ext(&rows, db->conn, &t, metrics[m],
				query, 3, NULL, 0, &o), 0);
			n2 = drain(db, rows, paged, NROWS);
			assert_same(one + 1234, n1 - 1234, paged, n2);
		}
	}
	/* with ids, the ids decide: paging does not apply */
	{
		const int64_t ids[] = { 5, 2000, 97 };

		o.page_rows = 1;
		o.has_after = 1;
		o.after_id = 3000;
		assert_pgv(db->conn, pgv_store_distances_ext(&rows, db->conn, &t, PGV_METRIC_L2,
			query, 3, ids, 3, &o), 0);
		n2 = drain(db, rows, paged, NROWS);
		assert_int_equal(n2, 3);
		assert_int_equal(paged[0].id, 5);
		assert_int_equal(paged[1].id, 97);
		assert_false(paged[1].has_distance);
		assert_int_equal(paged[2].id, 2000);
	}
	free(one);
	free(paged);
}

/* The lines of a CLI's output. */
static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* A repeated id: paged distances are refused before any row; one query still reads them. */
static void test_distances_paged__repeated_id_refused(void **state)
{
	testdb *db = *state;
	pgv_fetch_opts o = PGV_FETCH_OPTS_INIT;
	pgv_rows *rows = NULL;
	const char *v = testdb_vec_fn(db);
	char name[64], sql[256];
	drow got[8];
	pgv_table t;
	clirun r = { 0 };

	testdb_create_table(db, "distdup", "id bigint, embedding vector(3)", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, %s('[1,1,1]')), (2, %s('[2,2,2]')), "
		"(2, %s('[3,3,3]'))", name, v, v, v);
	testdb_exec(db, sql);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	o.page_rows = 2;
	assert_int_equal(pgv_store_distances_ext(&rows, db->conn, &t, PGV_METRIC_L2, query, 3, NULL,
		0, &o), PGV_EUNSUPPORTED);
	assert_null(rows);
	assert_message_has(db->conn, "paging needs a unique, non-null id");
	assert_message_has(db->conn, "measuring distances in");
	o.page_rows = 0;
	assert_pgv(db->conn, pgv_store_distances_ext(&rows, db->conn, &t, PGV_METRIC_L2, query, 3,
		NULL, 0, &o), 0);
	assert_int_equal(drain(db, rows, got, 8), 3);
	CLI(&r, NULL, 0, "distance", "--table", name, "[0.25,-1.5,2]");
	assert_status(&r, 1);
	assert_contains(r.err, "paging needs a unique, non-null id");
	assert_int_equal(r.out_len, 0);
	clirun_free(&r);
	/* the way out the message's user has: one query, every row */
	CLI(&r, NULL, 0, "distance", "--table", name, "--page-rows", "0", "[0.25,-1.5,2]");
	assert_status(&r, 0);
	assert_int_equal(count_lines(r.out), 3);
	clirun_free(&r);
}

/* The CLI pages by default: every row, in id order, with the library's distances. */
static void test_distances_paged__cli_streams_every_row(void **state)
{
	testdb *db = *state;
	drow *one = calloc(NROWS, sizeof(*one));
	pgv_rows *rows = NULL;
	char name[64], buf[64];
	const char *line;
	pgv_table t;
	clirun r = { 0 };
	size_t n, i = 0;

	assert_non_null(one);
	make_table(db, name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	assert_pgv(db->conn, pgv_store_distances(&rows, db->conn, &t, PGV_METRIC_L2, query, 3,
		NULL, 0), 0);
	n = drain(db, rows, one, NROWS);
	CLI(&r, NULL, 0, "distance", "--table", name, "--json", "[0.25,-1.5,2]");
	assert_status(&r, 0);
	for (line = r.out; *line; line = strchr(line, '\n') + 1, i++) {
		assert_true(i < n);
		assert_int_equal(strtoll(clirun_json_value(line, "id", buf, sizeof(buf)), NULL, 10),
			one[i].id);
		clirun_json_value(line, "distance", buf, sizeof(buf));
		if (one[i].has_distance) {
			double d = strtod(buf, NULL);

			assert_memory_equal(&d, &one[i].distance, sizeof(d));
		} else {
			assert_string_equal(buf, "null");
		}
	}
	assert_int_equal(i, NROWS);
	clirun_free(&r);
	free(one);
}

/* A collection's distances in keyset pages (limit and id > last) are the rows of one call. */
static void test_distances_paged__collection_pages(void **state)
{
	testdb *db = *state;
	pgv_query_opts qo = PGV_QUERY_OPTS_INIT;
	pgv_collection *coll = NULL;
	pgv_cursor *all = NULL, *page = NULL;
	const pgv_row *a = NULL, *b = NULL;
	pgv_value last = pgv_value_null();
	char name[64];
	pgv_table t;
	size_t seen = 0, got;

	make_table(db, name);
	t = testdb_table(name, PGV_TYPE_VECTOR);
	assert_pgv(db->conn, pgv_collection_open(&coll, db->conn, &t), 0);
	qo.no_vector = 1;
	assert_pgv(db->conn, pgv_collection_distances(&all, coll, query, 3, &qo), 0);
	assert_int_equal(pgv_cursor_count(all), NROWS);
	qo.limit = 250;
	do {
		pgv_filter *f = NULL;

		if (last.type != PGV_VALUE_NULL) {
			assert_int_equal(pgv_filter_new(&f), 0);
			assert_int_equal(pgv_filter_add(f, "id", PGV_FILTER_GT, &last, 1), 0);
		}
		qo.filter = f;
		assert_pgv(db->conn, pgv_collection_distances(&page, coll, query, 3, &qo), 0);
		got = pgv_cursor_count(page);
		assert_true(got <= 250);
		while (pgv_cursor_next(&b, page) == PGV_ROW) {
			assert_int_equal(pgv_cursor_next(&a, all), PGV_ROW);
			assert_int_equal(a->id, b->id);
			assert_int_equal(a->has_distance, b->has_distance);
			assert_memory_equal(&a->distance, &b->distance, sizeof(double));
			last = pgv_value_int64(b->id);
			seen++;
		}
		pgv_cursor_free(page);
		pgv_filter_free(f);
	} while (got == 250);
	assert_int_equal(seen, NROWS);
	assert_int_equal(pgv_cursor_next(&a, all), PGV_DONE);
	qo.limit = -1;
	qo.filter = NULL;
	assert_int_equal(pgv_collection_distances(&page, coll, query, 3, &qo), PGV_EINVAL);
	pgv_cursor_free(all);
	pgv_collection_free(coll);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distances_paged__same_rows_as_one_query),
		cmocka_unit_test(test_distances_paged__repeated_id_refused),
		cmocka_unit_test(test_distances_paged__cli_streams_every_row),
		cmocka_unit_test(test_distances_paged__collection_pages),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
