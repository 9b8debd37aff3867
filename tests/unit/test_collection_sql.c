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
		cmocka_unit_test(test_collection_sql__null_handles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
