/*
 * Collections (pgvodbc/collection.h) against a server: every supported column type written and
 * read back exactly, uuid and text ids, every filter operator against a brute force computed
 * here, a value that does not fit its column, hostile names and values.  On both backends; the
 * PostgreSQL types and jsonb are PostgreSQL's cases, SQLite's types and refusals SQLite's.
 */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS 40

static pgv_collection *open_coll(testdb *db, const char *table, const char *const *cols,
	size_t n)
{
	pgv_table t = PGV_TABLE_INIT;
	pgv_collection *c = NULL;

	t.table = table;
	t.columns = cols;
	t.ncolumns = n;
	assert_pgv(db->conn, pgv_collection_open(&c, db->conn, &t), PGV_OK);
	return c;
}

static void assert_text(const pgv_value *v, const char *want)
{
	if (!want) {
		assert_int_equal(v->type, PGV_VALUE_NULL);
		return;
	}
	assert_true(v->type == PGV_VALUE_TEXT || v->type == PGV_VALUE_JSON);
	assert_int_equal(v->len, strlen(want));
	assert_memory_equal(v->text, want, v->len);
}

/* Each supported type, NULL in each, non-ASCII text: written and read back exactly. */
static void test_collection__types_round_trip(void **state)
{
	testdb *db = *state;
	static const char *const cols[] = { "t", "vc", "i2", "i4", "i8", "r", "d", "n", "b", "j",
		"js", "u", "dt", "ts", "tz" };
	enum { NC = sizeof(cols) / sizeof(cols[0]) };
	char name[64];
	float v1[3] = { 1, 2, 3 }, v2[3] = { -1, 0.5f, 0 };
	pgv_value a[NC], nulls[NC];
	pgv_record recs[2];
	pgv_collection *c;
	pgv_cursor *cur = NULL;
	const pgv_row *row;
	pgv_value id;
	int64_t n = 0;

	testdb_exec(db, "SET TimeZone = 'UTC'");
	testdb_create_table(db, "ctypes", "id uuid PRIMARY KEY, embedding vector(3), t text, "
		"vc varchar(5), i2 smallint, i4 integer, i8 bigint, r real, d double precision, "
		"n numeric, b boolean, j jsonb, js json, u uuid, dt date, ts timestamp, "
		"tz timestamptz", name);
	c = open_coll(db, name, cols, NC);
	assert_int_equal(pgv_collection_column_count(c), NC);
	assert_string_equal(pgv_collection_column_type(c, 1), "character varying(5)");
	assert_string_equal(pgv_collection_id_type(c), "uuid");
	a[0] = pgv_value_text("h\xc3\xa9llo \xe2\x82\xac \"q\" \\ {x,y}");
	a[1] = pgv_value_text("\xc3\xa9t\xc3\xa9");
	a[2] = pgv_value_int64(-32768);
	a[3] = pgv_value_text("2015"); /* text for an integer column, as psql takes it */
	a[4] = pgv_value_int64(INT64_MAX);
	a[5] = pgv_value_double(0.1);
	a[6] = pgv_value_double(0.1);
	a[7] = pgv_value_text("123.4500");
	a[8] = pgv_value_bool(1);
	a[9] = pgv_value_text("{\"b\": [1, 2], \"a\": \"\xc3\xa9\"}");
	a[10] = pgv_value_text("{\"b\":1,  \"a\":2}");
	a[11] = pgv_value_text("6F1C2D3E-0000-4000-8000-00000000000A");
	a[12] = pgv_value_text("2020-01-02");
	a[13] = pgv_value_text("2020-01-02 03:04:05.5");
	a[14] = pgv_value_text("2020-01-02 03:04:05+02");
	for (int i = 0; i < NC; i++)
		nulls[i] = pgv_value_null();
	recs[0].id = pgv_value_text("6f1c2d3e-0000-4000-8000-000000000001");
	recs[0].vector.dim = 3;
	recs[0].vector.data = v1;
	recs[0].values = a;
	recs[1].id = pgv_value_text("6f1c2d3e-0000-4000-8000-000000000002");
	recs[1].vector.dim = 3;
	recs[1].vector.data = v2;
	recs[1].values = nulls;
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, recs, 2), PGV_OK);
	assert_int_equal(n, 2);

	id = pgv_value_text("6f1c2d3e-0000-4000-8000-000000000001");
	assert_pgv(db->conn, pgv_collection_get(&cur, c, &id, NULL), PGV_OK);
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
	assert_text(&row->key, "6f1c2d3e-0000-4000-8000-000000000001");
	assert_int_equal(row->vector.dim, 3);
	assert_memory_equal(row->vector.data, v1, sizeof(v1));
	assert_int_equal(row->nvalues, NC);
	assert_text(&row->values[0], a[0].text);
	assert_text(&row->values[1], a[1].text);
	assert_int_equal(row->values[2].type, PGV_VALUE_INT64);
	assert_true(row->values[2].i == -32768);
	assert_true(row->values[3].i == 2015);
	assert_true(row->values[4].i == INT64_MAX);
	assert_int_equal(row->values[5].type, PGV_VALUE_DOUBLE);
	assert_true(row->values[5].d == (double)0.1f); /* real holds the float nearest 0.1 */
	assert_true(row->values[6].d == 0.1);
	assert_text(&row->values[7], "123.4500");
	assert_int_equal(row->values[8].type, PGV_VALUE_BOOL);
	assert_int_equal(row->values[8].i, 1);
	assert_int_equal(row->values[9].type, PGV_VALUE_JSON);
	assert_text(&row->values[9], "{\"a\": \"\xc3\xa9\", \"b\": [1, 2]}"); /* jsonb's own form */
	assert_text(&row->values[10], "{\"b\":1,  \"a\":2}");                 /* json keeps text */
	assert_text(&row->values[11], "6f1c2d3e-0000-4000-8000-00000000000a");
	assert_text(&row->values[12], "2020-01-02");
	assert_text(&row->values[13], "2020-01-02T03:04:05.5");
	assert_text(&row->values[14], "2020-01-02T01:04:05+00:00");
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_DONE);
	pgv_cursor_free(cur);

	id = pgv_value_text("6f1c2d3e-0000-4000-8000-000000000002");
	assert_pgv(db->conn, pgv_collection_get(&cur, c, &id, NULL), PGV_OK);
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
	for (int i = 0; i < NC; i++)
		assert_int_equal(row->values[i].type, PGV_VALUE_NULL);
	pgv_cursor_free(cur);

	id = pgv_value_text("6f1c2d3e-0000-4000-8000-000000000009");
	assert_pgv(db->conn, pgv_collection_get(&cur, c, &id, NULL), PGV_ENOTFOUND);
	assert_null(cur);
	pgv_collection_free(c);
}

/* The same uuid spelt twice is one id, and the last record wins; a text id too. */
static void test_collection__last_duplicate_wins(void **state)
{
	testdb *db = *state;
	static const char *const cols[] = { "tag" };
	char name[64];
	float v[2] = { 1, 1 };
	pgv_value tags[3] = { pgv_value_text("first"), pgv_value_text("second"),
		pgv_value_text("other") };
	pgv_record r[3];
	pgv_collection *c;
	pgv_cursor *cur = NULL;
	const pgv_row *row;
	int64_t n = 0;

	testdb_create_table(db, "cdup", "id uuid PRIMARY KEY, embedding vector(2), tag text", name);
	c = open_coll(db, name, cols, 1);
	for (int i = 0; i < 3; i++) {
		r[i].vector.dim = 2;
		r[i].vector.data = v;
		r[i].values = &tags[i];
	}
	r[0].id = pgv_value_text("6f1c2d3e-0000-4000-8000-0000000000AB");
	r[1].id = pgv_value_text("{6F1C2D3E000040008000" "0000000000AB}");
	r[2].id = pgv_value_text("00000000-0000-4000-8000-000000000001");
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, r, 3), PGV_OK);
	assert_int_equal(n, 2);
	assert_pgv(db->conn, pgv_collection_list(&cur, c, NULL), PGV_OK);
	assert_int_equal(pgv_cursor_count(cur), 2);
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
	assert_text(&row->values[0], "other");
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
	assert_text(&row->key, "6f1c2d3e-0000-4000-8000-0000000000ab");
	assert_text(&row->values[0], "second");
	pgv_cursor_free(cur);
	pgv_collection_free(c);
}

/* The data of the filter tests, and the brute force each operator is checked against. */
typedef struct drow {
	char id[8];
	float v[2];
	const char *cat;    /* NULL for SQL NULL */
	int year;
	int has_year;
	double score;
	int tagged;         /* meta @> {"tag":"x"} */
} drow;

static drow data[NROWS];
static const char *const cats[] = { "books", "music", "films", NULL };

static void make_data(void)
{
	uint64_t seed = 7;

	for (int i = 0; i < NROWS; i++) {
		drow *d = &data[i];
		snprintf(d->id, sizeof(d->id), "a%02d", i);
		d->v[0] = (float)(testdb_rand(&seed) % 1000) / 100.0f;
		d->v[1] = (float)(testdb_rand(&seed) % 1000) / 100.0f;
		d->cat = cats[i % 4];
		d->has_year = i % 7 != 3;
		d->year = 2005 + i % 15;
		d->score = (double)(i * 37 % 100) / 8.0;
		d->tagged = i % 3 == 0;
	}
}

/* Loads data[] into a new collection with a text id. */
static pgv_collection *load_data(testdb *db, char name[64])
{
	static const char *const cols[] = { "cat", "year", "score", "meta" };
	pgv_value vals[NROWS][4];
	pgv_record r[NROWS];
	pgv_collection *c;
	int64_t n = 0;

	make_data();
	testdb_create_table(db, "cfilt", "id text PRIMARY KEY, embedding vector(2), cat text, "
		"year integer, score double precision, meta jsonb", name);
	c = open_coll(db, name, cols, 4);
	for (int i = 0; i < NROWS; i++) {
		vals[i][0] = pgv_value_text(data[i].cat);
		vals[i][1] = data[i].has_year ? pgv_value_int64(data[i].year) : pgv_value_null();
		vals[i][2] = pgv_value_double(data[i].score);
		vals[i][3] = pgv_value_text(data[i].tagged ? "{\"tag\":\"x\",\"n\":1}"
			: "{\"tag\":\"y\"}");
		r[i].id = pgv_value_text(data[i].id);
		r[i].vector.dim = 2;
		r[i].vector.data = data[i].v;
		r[i].values = vals[i];
	}
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, r, NROWS), PGV_OK);
	assert_int_equal(n, NROWS);
	return c;
}

/* Which rows a condition keeps, computed here. */
typedef int (*keep_fn)(const drow *d);
static int k_eq(const drow *d) { return d->cat && strcmp(d->cat, "books") == 0; }
static int k_ne(const drow *d) { return d->cat && strcmp(d->cat, "books") != 0; }
static int k_lt(const drow *d) { return d->has_year && d->year < 2010; }
static int k_le(const drow *d) { return d->has_year && d->year <= 2010; }
static int k_gt(const drow *d) { return d->has_year && d->year > 2015; }
static int k_ge(const drow *d) { return d->has_year && d->year >= 2015; }
static int k_in(const drow *d) { return d->cat && (strcmp(d->cat, "music") == 0
	|| strcmp(d->cat, "films") == 0); }
static int k_null(const drow *d) { return !d->cat; }
static int k_notnull(const drow *d) { return d->has_year; }
static int k_contains(const drow *d) { return d->tagged; }
static int k_score(const drow *d) { return d->score > 5.5; }

/* Lists the rows a filter keeps and compares with the brute force, ids in order. */
static void check_filter(testdb *db, pgv_collection *c, pgv_filter *f, keep_fn keep)
{
	pgv_query_opts o = PGV_QUERY_OPTS_INIT;
	pgv_cursor *cur = NULL;
	const pgv_row *row;
	int64_t count = -1;
	size_t want = 0;

	o.filter = f;
	o.no_vector = 1;
	assert_pgv(db->conn, pgv_collection_list(&cur, c, &o), PGV_OK);
	for (int i = 0; i < NROWS; i++) {
		if (!keep(&data[i]))
			continue;
		want++;
		assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
		assert_text(&row->key, data[i].id);
		assert_int_equal(row->vector.dim, 0);
	}
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_DONE);
	pgv_cursor_free(cur);
	assert_pgv(db->conn, pgv_collection_count(&count, c, f), PGV_OK);
	assert_int_equal(count, want);
	assert_true(want > 0 && want < NROWS);
}

/* Every operator against the brute force; text values compared with typed columns. */
static void test_collection__filter_operators(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_collection *c = load_data(db, name);
	struct { const char *col; pgv_filter_op op; pgv_value v[2]; size_t n; keep_fn keep; } t[] = {
		{ "cat", PGV_FILTER_EQ, { pgv_value_text("books") }, 1, k_eq },
		{ "cat", PGV_FILTER_NE, { pgv_value_text("books") }, 1, k_ne },
		{ "year", PGV_FILTER_LT, { pgv_value_int64(2010) }, 1, k_lt },
		{ "year", PGV_FILTER_LE, { pgv_value_text("2010") }, 1, k_le },
		{ "year", PGV_FILTER_GT, { pgv_value_double(2015.0) }, 1, k_gt },
		{ "year", PGV_FILTER_GE, { pgv_value_text("2015") }, 1, k_ge },
		{ "cat", PGV_FILTER_IN, { pgv_value_text("music"), pgv_value_text("films") }, 2, k_in },
		{ "cat", PGV_FILTER_IS_NULL, { pgv_value_null() }, 0, k_null },
		{ "year", PGV_FILTER_IS_NOT_NULL, { pgv_value_null() }, 0, k_notnull },
		{ "meta", PGV_FILTER_CONTAINS, { pgv_value_text("{\"tag\":\"x\"}") }, 1, k_contains },
		{ "score", PGV_FILTER_GT, { pgv_value_double(5.5) }, 1, k_score },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pgv_filter *f = NULL;
		int64_t count = -1;
		assert_int_equal(pgv_filter_new(&f), PGV_OK);
		assert_int_equal(pgv_filter_add(f, t[i].col, t[i].op, t[i].v, t[i].n), PGV_OK);
		if (t[i].op == PGV_FILTER_CONTAINS && db->backend == PGV_BACKEND_SQLITE) {
			/* SQLite has no jsonb: refused before any round trip */
			assert_pgv(db->conn, pgv_collection_count(&count, c, f), PGV_EUNSUPPORTED);
			assert_message_has(db->conn, "not supported on sqlite");
			assert_int_equal(count, 0);
		} else {
			check_filter(db, c, f, t[i].keep);
		}
		pgv_filter_free(f);
	}
	{
		/* the caller's SQL with a text parameter compared with an integer column */
		pgv_filter *f = NULL;
		pgv_value p = pgv_value_text("2015");
		assert_int_equal(pgv_filter_new(&f), PGV_OK);
		assert_int_equal(pgv_filter_add_sql(f, "year >= ? -- a comment", &p, 1), PGV_OK);
		check_filter(db, c, f, k_ge);
		pgv_filter_free(f);
	}
	pgv_collection_free(c);
}

/* Distance under l2, as the server computes it for these small values (double sums). */
static double l2(const float *a, const float *b)
{
	double s = 0;
	for (int i = 0; i < 2; i++)
		s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
	return s;
}

/* Filtered k-NN and max_distance equal a brute force over the rows the filter keeps. */
static void test_collection__filtered_knn(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_collection *c = load_data(db, name);
	float q[2] = { 5, 5 };
	pgv_value v = pgv_value_text("2010");
	pgv_query_opts o = PGV_QUERY_OPTS_INIT;
	pgv_filter *f = NULL;
	pgv_cursor *cur = NULL;
	const pgv_row *row;
	int used[NROWS] = { 0 };
	size_t k = 5;

	assert_int_equal(pgv_filter_new(&f), PGV_OK);
	assert_int_equal(pgv_filter_add(f, "year", PGV_FILTER_GE, &v, 1), PGV_OK);
	o.filter = f;
	assert_pgv(db->conn, pgv_collection_knn(&cur, c, q, 2, k, &o), PGV_OK);
	for (size_t j = 0; j < k; j++) {
		int best = -1;
		for (int i = 0; i < NROWS; i++)
			if (!used[i] && data[i].has_year && data[i].year >= 2010
					&& (best < 0 || l2(data[i].v, q) < l2(data[best].v, q)))
				best = i;
		used[best] = 1;
		assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
		assert_true(row->has_distance);
		/* ties are possible in principle: compare the distance, then the id when unique */
		assert_true(row->distance * row->distance - l2(data[best].v, q) < 1e-4
			&& row->distance * row->distance - l2(data[best].v, q) > -1e-4);
	}
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_DONE);
	pgv_cursor_free(cur);

	/* with search settings (SET LOCAL in a transaction of the call's own, then inside the
	 * caller's, put back afterwards): the same rows, and the caller's setting survives; SQLite
	 * has no index and no setting: refused before any round trip */
	if (db->backend == PGV_BACKEND_SQLITE) {
		pgv_search_opts so = PGV_SEARCH_OPTS_INIT;

		so.ef_search = 7;
		o.search = &so;
		assert_pgv(db->conn, pgv_collection_knn(&cur, c, q, 2, k, &o), PGV_EUNSUPPORTED);
		assert_message_has(db->conn, "not supported on sqlite");
		assert_null(cur);
		o.search = NULL;
	} else {
		pgv_search_opts so = PGV_SEARCH_OPTS_INIT;
		size_t n1 = 0, n2 = 0;

		so.ef_search = 7;
		so.iterative_scan = PGV_ITERATIVE_RELAXED;
		o.search = &so;
		assert_pgv(db->conn, pgv_collection_knn(&cur, c, q, 2, k, &o), PGV_OK);
		n1 = pgv_cursor_count(cur);
		pgv_cursor_free(cur);
		assert_pgv(db->conn, pgv_conn_begin(db->conn), PGV_OK);
		testdb_exec(db, "SET LOCAL hnsw.ef_search = 33");
		assert_pgv(db->conn, pgv_collection_knn(&cur, c, q, 2, k, &o), PGV_OK);
		n2 = pgv_cursor_count(cur);
		pgv_cursor_free(cur);
		testdb_show_is(db, "hnsw.ef_search", "33");
		assert_pgv(db->conn, pgv_conn_rollback(db->conn), PGV_OK);
		assert_int_equal(n1, k);
		assert_int_equal(n2, k);
		o.search = NULL;
	}

	/* max_distance: exactly the rows within it */
	o.has_max_distance = 1;
	o.max_distance = 2.5;
	assert_pgv(db->conn, pgv_collection_distances(&cur, c, q, 2, &o), PGV_OK);
	for (int i = 0; i < NROWS; i++) {
		if (!(data[i].has_year && data[i].year >= 2010 && l2(data[i].v, q) <= 6.25))
			continue;
		assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
		assert_text(&row->key, data[i].id);
		assert_true(row->distance <= 2.5);
	}
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_DONE);
	pgv_cursor_free(cur);
	pgv_filter_free(f);
	pgv_collection_free(c);
}

/* A value that does not fit its column names the row, the id and the column; nothing written. */
static void test_collection__bad_value_named(void **state)
{
	testdb *db = *state;
	static const char *const cols[] = { "year", "tag" };
	char name[64];
	float v[2] = { 1, 2 };
	pgv_value vals[20][2];
	pgv_record r[20];
	char ids[20][8];
	pgv_collection *c;
	int64_t n = -1;
	const pgv_error *e;
	int sqlite = db->backend == PGV_BACKEND_SQLITE;

	testdb_create_table(db, "cbad", "id text PRIMARY KEY, embedding vector(2), year integer, "
		"tag varchar(3)", name);
	c = open_coll(db, name, cols, 2);
	for (int i = 0; i < 20; i++) {
		snprintf(ids[i], sizeof(ids[i]), "a%d", i);
		vals[i][0] = pgv_value_text(i == 12 ? "20x0" : "2020");
		vals[i][1] = pgv_value_text("abc");
		r[i].id = pgv_value_text(ids[i]);
		r[i].vector.dim = 2;
		r[i].vector.data = v;
		r[i].values = vals[i];
	}
	/* PostgreSQL refuses it (found by halving the batch); SQLite would keep the text in an
	 * integer column, so the library refuses it before anything is sent */
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, r, 20), sqlite ? PGV_EVALUE : PGV_ERROR);
	e = pgv_conn_error(db->conn);
	assert_string_equal(e->sqlstate, sqlite ? "" : "22P02");
	assert_int_equal(e->row, 12);
	assert_message_has(db->conn, "row 12 (id \"a12\"): column \"year\": ");
	assert_message_has(db->conn, "invalid input syntax for type integer: \"20x0\"");
	assert_int_equal(n, 0);
	vals[12][0] = pgv_value_text("2020");

	if (!sqlite) {
		/* too long for varchar(3): refused on assignment, never cut (SQLite keeps any length) */
		vals[5][1] = pgv_value_text("abcd");
		assert_pgv(db->conn, pgv_collection_upsert(&n, c, r, 20), PGV_ERROR);
		e = pgv_conn_error(db->conn);
		assert_string_equal(e->sqlstate, "22001");
		assert_int_equal(e->row, 5);
		assert_message_has(db->conn, "row 5 (id \"a5\")");
		vals[5][1] = pgv_value_text("abc");

		/* an integer out of its column's range is refused before anything is sent (SQLite's
		 * integers are all 64-bit) */
		vals[7][0] = pgv_value_int64(INT64_C(3000000000));
		assert_pgv(db->conn, pgv_collection_upsert(&n, c, r, 20), PGV_EVALUE);
		assert_message_has(db->conn, "row 7 (id \"a7\"): column \"year\": 3000000000 is out "
			"of range");
	} else {
		/* a boolean word for an integer column is no integer either */
		vals[7][0] = pgv_value_text("true");
		assert_pgv(db->conn, pgv_collection_upsert(&n, c, r, 20), PGV_EVALUE);
		assert_message_has(db->conn, "row 7 (id \"a7\"): column \"year\": invalid input "
			"syntax for type integer: \"true\"");
	}
	assert_int_equal(testdb_query_int(db, "SELECT 0"), 0);
	{
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
		assert_int_equal(testdb_query_int(db, sql), 0);
	}

	/* a filter value that does not convert: the server's error */
	{
		pgv_filter *f = NULL;
		pgv_value bad = pgv_value_text("20x0");
		int64_t cnt;
		assert_int_equal(pgv_filter_new(&f), PGV_OK);
		assert_int_equal(pgv_filter_add(f, "year", PGV_FILTER_EQ, &bad, 1), PGV_OK);
		assert_pgv(db->conn, pgv_collection_count(&cnt, c, f), sqlite ? PGV_EVALUE : PGV_ERROR);
		assert_string_equal(pgv_conn_error(db->conn)->sqlstate, sqlite ? "" : "22P02");
		assert_message_has(db->conn, "invalid input syntax for type integer: \"20x0\"");
		pgv_filter_free(f);
	}
	pgv_collection_free(c);
}

/* Hostile column names and values are names and values: a canary table survives. */
static void test_collection__hostile_names_and_values(void **state)
{
	testdb *db = *state;
	char name[64], canary[64], cols_sql[256], sql[160], col[128], evil[128], quoted[128];
	const char *cols[1];
	float v[2] = { 1, 2 };
	pgv_value val;
	pgv_record r;
	pgv_collection *c;
	pgv_filter *f = NULL;
	int64_t n = 0;

	testdb_create_table(db, "ccanary", "id integer", canary);
	snprintf(col, sizeof(col), "x\"; DROP TABLE %s; --", canary);
	snprintf(quoted, sizeof(quoted), "\"x\"\"; DROP TABLE %s; --\"", canary);
	snprintf(evil, sizeof(evil), "'; DROP TABLE %s; --", canary);
	cols[0] = col;
	val = pgv_value_text(evil);
	snprintf(cols_sql, sizeof(cols_sql), "id bigint PRIMARY KEY, embedding vector(2), %s text",
		quoted);
	testdb_create_table(db, "chostile", cols_sql, name);
	c = open_coll(db, name, cols, 1);
	r.id = pgv_value_int64(1);
	r.vector.dim = 2;
	r.vector.data = v;
	r.values = &val;
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, &r, 1), PGV_OK);
	assert_int_equal(pgv_filter_new(&f), PGV_OK);
	assert_int_equal(pgv_filter_add(f, col, PGV_FILTER_EQ, &val, 1), PGV_OK);
	assert_pgv(db->conn, pgv_collection_count(&n, c, f), PGV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(pgv_filter_add(f, col, PGV_FILTER_IN, &val, 1), PGV_OK);
	assert_pgv(db->conn, pgv_collection_count(&n, c, f), PGV_OK);
	assert_int_equal(n, 1);
	pgv_filter_free(f);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", canary);
	assert_int_equal(testdb_query_int(db, sql), 0);
	pgv_collection_free(c);
}

/* Delete by text id counts what existed; get of an integer id. */
static void test_collection__delete_and_count(void **state)
{
	testdb *db = *state;
	char name[64];
	pgv_collection *c = load_data(db, name);
	pgv_value ids[3] = { pgv_value_text("a01"), pgv_value_text("a02"), pgv_value_text("zz") };
	int64_t n = 0;

	assert_pgv(db->conn, pgv_collection_delete(&n, c, ids, 3), PGV_OK);
	assert_int_equal(n, 2);
	assert_pgv(db->conn, pgv_collection_count(&n, c, NULL), PGV_OK);
	assert_int_equal(n, NROWS - 2);
	pgv_collection_free(c);
}

/* Opening names what is missing. */
static void test_collection__open_errors(void **state)
{
	testdb *db = *state;
	static const char *const cols[] = { "nope" };
	char name[64];
	pgv_table t = PGV_TABLE_INIT;
	pgv_collection *c = NULL;

	t.table = "pgvt_no_such_table";
	assert_pgv(db->conn, pgv_collection_open(&c, db->conn, &t), PGV_ENOTFOUND);
	assert_null(c);
	testdb_create_table(db, "copen", "id bigint PRIMARY KEY, embedding vector(2)", name);
	t.table = name;
	t.columns = cols;
	t.ncolumns = 1;
	assert_pgv(db->conn, pgv_collection_open(&c, db->conn, &t), PGV_ENOTFOUND);
	assert_message_has(db->conn, "no column \"nope\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collection__types_round_trip),
		cmocka_unit_test(test_collection__last_duplicate_wins),
		cmocka_unit_test(test_collection__filter_operators),
		cmocka_unit_test(test_collection__filtered_knn),
		cmocka_unit_test(test_collection__bad_value_named),
		cmocka_unit_test(test_collection__hostile_names_and_values),
		cmocka_unit_test(test_collection__delete_and_count),
		cmocka_unit_test(test_collection__open_errors),
	};
	/* PostgreSQL's column types (SQLite's are in test_collection_sqlite.c) */
	static const char *const postgresql_only[] = { "test_collection__types_round_trip", NULL };

	return TESTDB_RUN_GROUP(tests, testdb_setup, testdb_teardown, postgresql_only, NULL);
}
