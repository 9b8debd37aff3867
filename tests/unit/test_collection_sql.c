/*
 * Unit tests of the collections' SQL (src/store/collection_sql.c, filter.c): the statements
 * built from a catalog description made here, with quoted names, casts without type
 * modifiers, and parameters in the order they are bound.  No server.
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A collection described by hand: id uuid, embedding vector(2), "Year" integer, meta jsonb,
 * note varchar(3), and a hostile name. */
typedef struct fixture {
	struct pgv_collection c;
	pgv__col cols[6];
	size_t named[3];
} fixture;

static void col(pgv__col *c, const char *name, const char *type, const char *cast,
	const char *base)
{
	memset(c, 0, sizeof(*c));
	c->name = (char *)name;
	assert_int_equal(pgv_ident_quote(&c->quoted, name), 0);
	c->type = (char *)type;
	c->cast = (char *)cast;
	snprintf(c->base, sizeof(c->base), "%s", base);
	pgv__col_classify(c);
}

static fixture *make(void)
{
	fixture *f = calloc(1, sizeof(*f));
	pgv_table t = PGV_TABLE_INIT;

	assert_non_null(f);
	t.table = "docs";
	assert_int_equal(pgv__store_table_resolve(&f->c.t, &t, "searching"), 0);
	col(&f->cols[0], "id", "uuid", "uuid", "uuid");
	col(&f->cols[1], "embedding", "vector(2)", "vector", "vector");
	col(&f->cols[2], "Year", "integer", "integer", "int4");
	col(&f->cols[3], "meta", "jsonb", "jsonb", "jsonb");
	col(&f->cols[4], "note", "character varying(3)", "character varying", "varchar");
	col(&f->cols[5], "x\"; DROP TABLE t; --", "text", "text", "text");
	f->c.cols = f->cols;
	f->c.ncols = 6;
	f->c.id = 0;
	f->c.vec = 1;
	f->c.dim = 2;
	f->named[0] = 2;
	f->named[1] = 4;
	f->named[2] = 5;
	f->c.named = f->named;
	f->c.nnamed = 3;
	return f;
}

static void destroy(fixture *f)
{
	for (int i = 0; i < 6; i++)
		pgv_text_free(f->cols[i].quoted);
	pgv__store_table_free(&f->c.t);
	free(f);
}

/* The upsert: one list parameter per column, cast without modifiers, every column updated. */
static void test_collection_sql__upsert(void **state)
{
	fixture *f = make();
	char *sql = pgv__coll_upsert_sql(&f->c);

	(void)state;
	assert_string_equal(sql, "INSERT INTO \"docs\" (\"id\", \"embedding\", \"Year\", \"note\", "
		"\"x\"\"; DROP TABLE t; --\") SELECT * FROM unnest(?::uuid[], ?::vector[], "
		"?::integer[], ?::character varying[], ?::text[]) ON CONFLICT (\"id\") DO UPDATE SET "
		"\"embedding\" = EXCLUDED.\"embedding\", \"Year\" = EXCLUDED.\"Year\", \"note\" = "
		"EXCLUDED.\"note\", \"x\"\"; DROP TABLE t; --\" = EXCLUDED.\"x\"\"; DROP TABLE t; --\"");
	free(sql);
	destroy(f);
}

/* A filtered k-NN keeps WHERE ... ORDER BY 3 LIMIT ?; values are parameters in order. */
static void test_collection_sql__knn_filter_shape(void **state)
{
	fixture *f = make();
	pgv_filter *flt = NULL;
	pgv_value y = pgv_value_text("2015"), n = pgv_value_int64(7), d = pgv_value_double(2.5);
	pgv_value in[2] = { pgv_value_text("a"), pgv_value_text("b\"c") };
	pgv_value meta = pgv_value_text("{\"k\":1}"), p = pgv_value_text("x");
	float q[2] = { 1, 2 };
	size_t sel[2] = { 3, 2 };
	pgv__buf sql = { NULL, 0, 0, 0 };
	pgv__binds b = { NULL, 0, 0, 0 };
	pgv__query query;

	(void)state;
	assert_int_equal(pgv_filter_new(&flt), 0);
	assert_int_equal(pgv_filter_add(flt, "Year", PGV_FILTER_GE, &y, 1), 0);
	assert_int_equal(pgv_filter_add(flt, "Year", PGV_FILTER_NE, &n, 1), 0);
	assert_int_equal(pgv_filter_add(flt, "Year", PGV_FILTER_LT, &d, 1), 0);
	assert_int_equal(pgv_filter_add(flt, "note", PGV_FILTER_IN, in, 2), 0);
	assert_int_equal(pgv_filter_add(flt, "meta", PGV_FILTER_CONTAINS, &meta, 1), 0);
	assert_int_equal(pgv_filter_add(flt, "note", PGV_FILTER_IS_NULL, NULL, 0), 0);
	assert_int_equal(pgv_filter_add_sql(flt, "lower(note) = ? -- c", &p, 1), 0);
	memset(&query, 0, sizeof(query));
	query.kind = PGV__Q_KNN;
	query.metric = PGV_METRIC_COSINE;
	query.query = q;
	query.dim = 2;
	query.limit = 5;
	query.filter = flt;
	query.has_max = 1;
	query.max_distance = 0.5;
	query.select = sel;
	query.nselect = 2;
	assert_int_equal(pgv__coll_query_sql(&f->c, &query, &sql, &b, "test"), 0);
	assert_string_equal(sql.s, "SELECT \"id\"::text, \"embedding\"::float4[], "
		"(\"embedding\" <=> ?::vector)::float8, \"meta\"::text, \"Year\"::int8 FROM \"docs\" "
		"WHERE \"embedding\" IS NOT NULL AND \"Year\" >= ?::integer AND \"Year\" <> ?::int8 "
		"AND \"Year\" < ?::float8 AND \"note\" = ANY (?::character varying[]) AND \"meta\" @> "
		"?::jsonb AND \"note\" IS NULL AND (lower(note) = ? -- c\n) AND (\"embedding\" <=> "
		"?::vector) <= ? ORDER BY 3 LIMIT ?");
	assert_int_equal(b.n, 10);
	assert_true(b.v[0].is_vec);
	assert_string_equal(b.v[1].text, "2015");
	assert_int_equal(b.v[2].type, PGV_VALUE_INT64);
	assert_int_equal(b.v[3].type, PGV_VALUE_DOUBLE);
	assert_string_equal(b.v[4].text, "{\"a\",\"b\\\"c\"}");
	assert_string_equal(b.v[5].text, "{\"k\":1}");
	assert_string_equal(b.v[6].text, "x");
	assert_true(b.v[7].is_vec);
	assert_true(b.v[8].d == 0.5);
	assert_true(b.v[9].i == 5);
	pgv__buf_free(&sql);
	pgv__binds_free(&b);
	pgv_filter_free(flt);
	destroy(f);
}

/* Timestamps read as to_json's ISO text; a list orders by id, with its limit bound last. */
static void test_collection_sql__list_reads(void **state)
{
	fixture *f = make();
	pgv__buf sql = { NULL, 0, 0, 0 };
	pgv__binds b = { NULL, 0, 0, 0 };
	pgv__query query;
	pgv__col ts;
	size_t sel[1] = { 2 };

	(void)state;
	col(&ts, "at", "timestamp with time zone", "timestamp with time zone", "timestamptz");
	assert_int_equal(ts.iso_time, 1);
	pgv__coll_add_read(&sql, &f->c, &ts);
	assert_string_equal(sql.s, "(pg_catalog.to_json(\"at\") #>> '{}')");
	pgv__buf_reset(&sql);
	pgv_text_free(ts.quoted);
	memset(&query, 0, sizeof(query));
	query.kind = PGV__Q_LIST;
	query.no_vector = 1;
	query.limit = 10;
	query.select = sel;
	query.nselect = 1;
	assert_int_equal(pgv__coll_query_sql(&f->c, &query, &sql, &b, "test"), 0);
	assert_string_equal(sql.s, "SELECT \"id\"::text, NULL::text, NULL::float8, \"Year\"::int8 "
		"FROM \"docs\" WHERE TRUE ORDER BY \"id\" LIMIT ?");
	assert_int_equal(b.n, 1);
	pgv__buf_free(&sql);
	pgv__binds_free(&b);
	destroy(f);
}

/* The same description on SQLite, on a connection that never connected (refusals need none). */
static fixture *make_sqlite(pgv_conn **conn)
{
	fixture *f = make();

	*conn = NULL;
	assert_int_equal(pgv_conn_open(conn, "DSN=pgvodbc_no_such_dsn_for_unit_tests"), PGV_ECONN);
	assert_non_null(*conn);
	f->c.conn = *conn;
	f->c.sqlite = 1;
	f->c.t.dialect = pgv__store_dialect(PGV_BACKEND_SQLITE);
	for (int i = 0; i < 6; i++)
		pgv__col_classify_sqlite(&f->cols[i]);
	return f;
}

/* SQLite: a VALUES row per record with vec_f32 and json(), ON CONFLICT with excluded values. */
static void test_collection_sql__sqlite_upsert_delete(void **state)
{
	pgv_conn *conn;
	fixture *f = make_sqlite(&conn);
	char *sql;

	(void)state;
	f->named[1] = 3; /* meta, a json column */
	sql = pgv__coll_upsert_rows_sql(&f->c, 2);
	assert_string_equal(sql, "INSERT INTO \"docs\" (\"id\", \"embedding\", \"Year\", \"meta\", "
		"\"x\"\"; DROP TABLE t; --\") VALUES (?, vec_f32(?), ?, json(?), ?), (?, vec_f32(?), ?, "
		"json(?), ?) ON CONFLICT (\"id\") DO UPDATE SET \"embedding\" = EXCLUDED.\"embedding\", "
		"\"Year\" = EXCLUDED.\"Year\", \"meta\" = EXCLUDED.\"meta\", \"x\"\"; DROP TABLE t; --\" "
		"= EXCLUDED.\"x\"\"; DROP TABLE t; --\"");
	free(sql);
	sql = pgv__coll_delete_in_sql(&f->c, 3);
	assert_string_equal(sql, "DELETE FROM \"docs\" WHERE \"id\" IN (?, ?, ?)");
	free(sql);
	destroy(f);
	pgv_conn_close(conn);
}

/* SQLite: no casts, no arrays: IN (?, ...), values converted as the column stores them. */
static void test_collection_sql__sqlite_knn_shape(void **state)
{
	pgv_conn *conn;
	fixture *f = make_sqlite(&conn);
	pgv_filter *flt = NULL;
	pgv_value y = pgv_value_text("2015"), d = pgv_value_double(2.5);
	pgv_value in[2] = { pgv_value_text("a"), pgv_value_int64(7) };
	pgv_value p = pgv_value_bool(1);
	float q[2] = { 1, 2 };
	size_t sel[2] = { 3, 2 };
	pgv__buf sql = { NULL, 0, 0, 0 };
	pgv__binds b = { NULL, 0, 0, 0 };
	pgv__query query;

	(void)state;
	assert_int_equal(pgv_filter_new(&flt), 0);
	assert_int_equal(pgv_filter_add(flt, "year", PGV_FILTER_GE, &y, 1), 0); /* names fold */
	assert_int_equal(pgv_filter_add(flt, "Year", PGV_FILTER_LT, &d, 1), 0);
	assert_int_equal(pgv_filter_add(flt, "note", PGV_FILTER_IN, in, 2), 0);
	assert_int_equal(pgv_filter_add(flt, "note", PGV_FILTER_IS_NULL, NULL, 0), 0);
	assert_int_equal(pgv_filter_add_sql(flt, "flag = ?", &p, 1), 0);
	memset(&query, 0, sizeof(query));
	query.kind = PGV__Q_KNN;
	query.metric = PGV_METRIC_COSINE;
	query.query = q;
	query.dim = 2;
	query.limit = 5;
	query.filter = flt;
	query.has_max = 1;
	query.max_distance = 0.5;
	query.select = sel;
	query.nselect = 2;
	assert_int_equal(pgv__coll_query_sql(&f->c, &query, &sql, &b, "test"), 0);
	assert_string_equal(sql.s, "SELECT \"id\", \"embedding\", CASE WHEN \"embedding\" IS NOT "
		"NULL THEN vec_distance_cosine(\"embedding\", vec_f32(?)) END, \"meta\", \"Year\" FROM "
		"\"docs\" WHERE \"embedding\" IS NOT NULL AND \"Year\" >= CAST(? AS INTEGER) AND "
		"\"Year\" < CAST(? AS REAL) AND \"note\" IN (?, ?) AND \"note\" IS NULL AND (flag = ?\n) "
		"AND CASE WHEN \"embedding\" IS NOT NULL THEN vec_distance_cosine(\"embedding\", "
		"vec_f32(?)) END <= CAST(? AS REAL) ORDER BY 3 LIMIT ?");
	assert_int_equal(b.n, 9);
	assert_true(b.v[0].is_vec);
	assert_int_equal(b.v[1].type, PGV_VALUE_INT64);  /* "2015" for an integer column */
	assert_true(b.v[1].i == 2015);
	assert_int_equal(b.v[2].type, PGV_VALUE_DOUBLE); /* a double stays one in a comparison */
	assert_string_equal(b.v[3].text, "a");
	assert_string_equal(b.v[4].text, "7");           /* a number for a text column: its text */
	assert_int_equal(b.v[5].type, PGV_VALUE_INT64);  /* SQLite's true */
	assert_true(b.v[5].i == 1);
	assert_true(b.v[6].is_vec);
	assert_true(b.v[7].d == 0.5);
	assert_true(b.v[8].i == 5);
	pgv__buf_free(&sql);
	pgv__binds_free(&b);
	pgv_filter_free(flt);
	destroy(f);
	pgv_conn_close(conn);
}

/* SQLite: containment and values its columns cannot hold are refused before any round trip. */
static void test_collection_sql__sqlite_refusals(void **state)
{
	pgv_conn *conn;
	fixture *f = make_sqlite(&conn);
	pgv_filter *flt = NULL;
	pgv_value meta = pgv_value_text("{\"k\":1}"), bad = pgv_value_text("20x0");
	pgv__buf sql = { NULL, 0, 0, 0 };
	pgv__binds b = { NULL, 0, 0, 0 };
	pgv__query query;

	(void)state;
	memset(&query, 0, sizeof(query));
	query.kind = PGV__Q_COUNT;
	assert_int_equal(pgv_filter_new(&flt), 0);
	assert_int_equal(pgv_filter_add(flt, "meta", PGV_FILTER_CONTAINS, &meta, 1), 0);
	query.filter = flt;
	assert_int_equal(pgv__coll_query_sql(&f->c, &query, &sql, &b, "test"), PGV_EUNSUPPORTED);
	assert_non_null(strstr(pgv_conn_error(conn)->message, "containment filter (@>) is not "
		"supported on sqlite"));
	pgv_filter_free(flt);
	pgv__buf_free(&sql);
	pgv__binds_free(&b);
	assert_int_equal(pgv_filter_new(&flt), 0);
	assert_int_equal(pgv_filter_add(flt, "Year", PGV_FILTER_IN, &bad, 1), 0);
	query.filter = flt;
	assert_int_equal(pgv__coll_query_sql(&f->c, &query, &sql, &b, "test"), PGV_EVALUE);
	assert_non_null(strstr(pgv_conn_error(conn)->message, "column \"Year\": invalid input "
		"syntax for type integer: \"20x0\""));
	pgv_filter_free(flt);
	pgv__buf_free(&sql);
	pgv__binds_free(&b);
	destroy(f);
	pgv_conn_close(conn);
}

/* SQLite: uuids in PostgreSQL's spellings are one canonical text; anything else is none. */
static void test_collection_sql__sqlite_uuid_forms(void **state)
{
	static const char *const good[] = { "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
		"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
		"a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}" };
	static const char *const bad[] = { "", "a0eebc99", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
		"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11", "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" };
	char out[37];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(pgv__uuid_canonical(good[i], strlen(good[i]), out), 0);
		assert_string_equal(out, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pgv__uuid_canonical(bad[i], strlen(bad[i]), out) == 0)
			fail_msg("\"%s\" read as a uuid", bad[i]);
}

/* Filter arguments are checked when added. */
static void test_collection_sql__filter_arguments(void **state)
{
	pgv_filter *f = NULL;
	pgv_value v = pgv_value_int64(1);

	(void)state;
	assert_int_equal(pgv_filter_new(&f), 0);
	assert_int_equal(pgv_filter_add(f, "a", PGV_FILTER_IN, &v, 0), PGV_EINVAL);
	assert_int_equal(pgv_filter_add(f, "a", PGV_FILTER_IS_NULL, &v, 1), PGV_EINVAL);
	assert_int_equal(pgv_filter_add(f, "a", PGV_FILTER_EQ, NULL, 1), PGV_EINVAL);
	assert_int_equal(pgv_filter_add(f, "a", (pgv_filter_op)42, &v, 1), PGV_EINVAL);
	assert_int_equal(pgv_filter_add(f, NULL, PGV_FILTER_EQ, &v, 1), PGV_EINVAL);
	assert_int_equal(pgv_filter_add_sql(f, "", NULL, 0), PGV_EINVAL);
	assert_int_equal(pgv_filter_add(f, "a", PGV_FILTER_EQ, &v, 1), 0);
	pgv_filter_free(f);
	pgv_filter_free(NULL);
}

/* A NULL handle is PGV_EINVAL recorded in the thread's error, naming the call and argument. */
static void test_collection_sql__null_handles(void **state)
{
	const pgv_row *row = NULL;
	pgv_cursor *cur = NULL;
	int64_t n = 0;
	float q[1] = { 0 };

	(void)state;
	assert_int_equal(pgv_collection_upsert(&n, NULL, NULL, 0), PGV_EINVAL);
	assert_string_equal(pgv_error_last()->message, "pgv_collection_upsert: coll is NULL");
	assert_int_equal(pgv_collection_knn(&cur, NULL, q, 1, 1, NULL), PGV_EINVAL);
	assert_string_equal(pgv_error_last()->message, "pgv_collection_knn: coll is NULL");
	assert_int_equal(pgv_collection_count(&n, NULL, NULL), PGV_EINVAL);
	assert_string_equal(pgv_error_last()->message, "pgv_collection_count: coll is NULL");
	assert_int_equal(pgv_collection_delete(&n, NULL, NULL, 0), PGV_EINVAL);
	assert_string_equal(pgv_error_last()->message, "pgv_collection_delete: coll is NULL");
	assert_int_equal(pgv_collection_open(NULL, NULL, NULL), PGV_EINVAL);
	assert_string_equal(pgv_error_last()->message, "pgv_collection_open: conn is NULL");
	assert_int_equal(pgv_cursor_next(&row, NULL), PGV_EINVAL);
	assert_string_equal(pgv_error_last()->message, "pgv_cursor_next: cur is NULL");
	assert_int_equal(pgv_cursor_count(NULL), 0);
	pgv_cursor_free(NULL);
	pgv_collection_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collection_sql__upsert),
		cmocka_unit_test(test_collection_sql__knn_filter_shape),
		cmocka_unit_test(test_collection_sql__list_reads),
		cmocka_unit_test(test_collection_sql__filter_arguments),
		cmocka_unit_test(test_collection_sql__sqlite_upsert_delete),
		cmocka_unit_test(test_collection_sql__sqlite_knn_shape),
		cmocka_unit_test(test_collection_sql__sqlite_refusals),
		cmocka_unit_test(test_collection_sql__sqlite_uuid_forms),
		cmocka_unit_test(test_collection_sql__null_handles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
