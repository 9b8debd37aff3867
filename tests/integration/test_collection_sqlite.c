/*
 * Collections on SQLite (pgvodbc/collection.h; src/store/collection_sqlite.c): SQLite's column
 * types written and read back as SQLite stores them, the checks the library makes where SQLite
 * would store anything (integers, booleans, uuids), uuid spellings as one id, and what is refused
 * before any round trip.  The cases common to both backends are in test_collection.c.
 */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Each SQLite type, NULL in each, non-ASCII text: written and read back as SQLite keeps them. */
static void test_collection_sqlite__types_round_trip(void **state)
{
	testdb *db = *state;
	static const char *const cols[] = { "t", "vc", "i", "i8", "r", "d", "b", "j", "u", "dt",
		"bt" };
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

	testdb_create_table(db, "cltypes", "id uuid PRIMARY KEY, embedding vector(3), t TEXT, "
		"vc varchar(5), i INTEGER, i8 bigint, r REAL, d double precision, b boolean, "
		"j jsonb, u uuid, dt date, bt boolean", name);
	c = open_coll(db, name, cols, NC);
	assert_int_equal(pgv_collection_column_count(c), NC);
	assert_int_equal(pgv_collection_column_kind(c, "I"), PGV_VALUE_INT64); /* names fold case */
	assert_int_equal(pgv_collection_column_kind(c, "d"), PGV_VALUE_DOUBLE);
	assert_int_equal(pgv_collection_column_kind(c, "b"), PGV_VALUE_BOOL);
	assert_int_equal(pgv_collection_column_kind(c, "j"), PGV_VALUE_JSON);
	a[0] = pgv_value_text("h\xc3\xa9llo \xe2\x82\xac \"q\" \\ {x,y}");
	a[1] = pgv_value_text("\xc3\xa9t\xc3\xa9 is longer than five"); /* SQLite keeps any length */
	a[2] = pgv_value_text("2015");  /* text for an integer column, as psql takes it */
	a[3] = pgv_value_int64(INT64_MIN);
	a[4] = pgv_value_double(0.1);
	a[5] = pgv_value_double(1.0 / 3.0); /* needs 17 digits */
	a[6] = pgv_value_bool(1);
	a[7] = pgv_value_text("{\"b\": [1, 2], \"a\": \"\xc3\xa9\"}");
	a[8] = pgv_value_text("{6F1C2D3E00004000" "8000-00000000000A}");
	a[9] = pgv_value_text("2020-01-02");
	a[10] = pgv_value_text("off");  /* PostgreSQL's boolean words */
	for (int i = 0; i < NC; i++)
		nulls[i] = pgv_value_null();
	recs[0].id = pgv_value_text("6F1C2D3E-0000-4000-8000-000000000001");
	recs[0].vector.dim = 3;
	recs[0].vector.data = v1;
	recs[0].values = a;
	recs[1].id = pgv_value_text("6f1c2d3e-0000-4000-8000-000000000002");
	recs[1].vector.dim = 3;
	recs[1].vector.data = v2;
	recs[1].values = nulls;
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, recs, 2), PGV_OK);
	assert_int_equal(n, 2);

	/* the uuid is kept in PostgreSQL's canonical form: any spelling finds it */
	id = pgv_value_text("{6f1c2d3e00004000" "8000000000000001}");
	assert_pgv(db->conn, pgv_collection_get(&cur, c, &id, NULL), PGV_OK);
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
	assert_text(&row->key, "6f1c2d3e-0000-4000-8000-000000000001");
	assert_int_equal(row->vector.dim, 3);
	assert_memory_equal(row->vector.data, v1, sizeof(v1));
	assert_int_equal(row->nvalues, NC);
	assert_text(&row->values[0], a[0].text);
	assert_text(&row->values[1], a[1].text);
	assert_int_equal(row->values[2].type, PGV_VALUE_INT64);
	assert_true(row->values[2].i == 2015);
	assert_true(row->values[3].i == INT64_MIN);
	assert_int_equal(row->values[4].type, PGV_VALUE_DOUBLE);
	assert_true(row->values[4].d == 0.1); /* SQLite's REAL is a double */
	assert_true(row->values[5].d == 1.0 / 3.0);
	assert_int_equal(row->values[6].type, PGV_VALUE_BOOL);
	assert_int_equal(row->values[6].i, 1);
	assert_int_equal(row->values[7].type, PGV_VALUE_JSON);
	assert_text(&row->values[7], "{\"b\":[1,2],\"a\":\"\xc3\xa9\"}"); /* json()'s minified form */
	assert_text(&row->values[8], "6f1c2d3e-0000-4000-8000-00000000000a");
	assert_text(&row->values[9], "2020-01-02");
	assert_int_equal(row->values[10].type, PGV_VALUE_BOOL);
	assert_int_equal(row->values[10].i, 0);
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_DONE);
	pgv_cursor_free(cur);
	{
		/* booleans are stored as SQLite's 1 and 0 */
		char sql[160];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE b = 1 AND bt = 0 "
			"AND typeof(i) = 'integer'", name);
		assert_int_equal(testdb_query_int(db, sql), 1);
	}

	id = pgv_value_text("6f1c2d3e-0000-4000-8000-000000000002");
	assert_pgv(db->conn, pgv_collection_get(&cur, c, &id, NULL), PGV_OK);
	assert_int_equal(pgv_cursor_next(&row, cur), PGV_ROW);
	for (int i = 0; i < NC; i++)
		assert_int_equal(row->values[i].type, PGV_VALUE_NULL);
	pgv_cursor_free(cur);

	/* a boolean filter, a filter on the uuid column in another spelling, an id that is none */
	{
		pgv_filter *f = NULL;
		pgv_value t = pgv_value_bool(1), u = pgv_value_text("6F1C2D3E-0000-4000-8000-00000000000A");
		assert_int_equal(pgv_filter_new(&f), PGV_OK);
		assert_int_equal(pgv_filter_add(f, "b", PGV_FILTER_EQ, &t, 1), PGV_OK);
		assert_int_equal(pgv_filter_add(f, "u", PGV_FILTER_IN, &u, 1), PGV_OK);
		assert_pgv(db->conn, pgv_collection_count(&n, c, f), PGV_OK);
		assert_int_equal(n, 1);
		pgv_filter_free(f);
	}
	id = pgv_value_text("not-a-uuid");
	assert_pgv(db->conn, pgv_collection_get(&cur, c, &id, NULL), PGV_EVALUE);
	assert_message_has(db->conn, "invalid input syntax for type uuid: \"not-a-uuid\"");
	assert_null(cur);
	pgv_collection_free(c);
}

/* Values SQLite would store as they are are refused, by row and column, before anything is sent. */
static void test_collection_sqlite__values_checked(void **state)
{
	testdb *db = *state;
	static const char *const cols[] = { "b", "u", "j" };
	char name[64], sql[128];
	float v[2] = { 1, 2 };
	pgv_value vals[3];
	pgv_record r;
	pgv_collection *c;
	int64_t n = -1;

	testdb_create_table(db, "clchk", "id INTEGER PRIMARY KEY, embedding vector(2), b boolean, "
		"u uuid, j json", name);
	c = open_coll(db, name, cols, 3);
	r.vector.dim = 2;
	r.vector.data = v;
	r.values = vals;
	r.id = pgv_value_text("7");
	vals[0] = pgv_value_text("maybe");
	vals[1] = pgv_value_null();
	vals[2] = pgv_value_null();
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, &r, 1), PGV_EVALUE);
	assert_message_has(db->conn, "row 0 (id \"7\"): column \"b\": invalid input syntax for type "
		"boolean: \"maybe\"");
	vals[0] = pgv_value_int64(1);
	vals[1] = pgv_value_text("6f1c2d3e-0000-4000-8000-00000000000");
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, &r, 1), PGV_EVALUE);
	assert_message_has(db->conn, "column \"u\": invalid input syntax for type uuid");
	/* malformed JSON: SQLite's json() refuses it, the batch is halved down to the row */
	vals[1] = pgv_value_null();
	vals[2] = pgv_value_text("{\"a\":");
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, &r, 1), PGV_ERROR);
	assert_message_has(db->conn, "row 0 (id \"7\"): column \"j\"");
	assert_int_equal(n, 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, sql), 0);
	vals[2] = pgv_value_text("[1, 2]");
	assert_pgv(db->conn, pgv_collection_upsert(&n, c, &r, 1), PGV_OK);
	assert_int_equal(n, 1);
	pgv_collection_free(c);
}

/* What SQLite cannot hold or express is refused, naming sqlite, before any round trip. */
static void test_collection_sqlite__refusals(void **state)
{
	testdb *db = *state;
	static const char *const blob[] = { "data" };
	char name[64];
	pgv_table t = PGV_TABLE_INIT;
	pgv_collection *c = NULL;

	testdb_create_table(db, "clref", "id text PRIMARY KEY, embedding vector(2), data BLOB",
		name);
	t.table = name;
	t.columns = blob;
	t.ncolumns = 1;
	assert_pgv(db->conn, pgv_collection_open(&c, db->conn, &t), PGV_EUNSUPPORTED);
	assert_message_has(db->conn, "on sqlite");
	assert_null(c);
	testdb_create_table(db, "clrefid", "id REAL PRIMARY KEY, embedding vector(2)", name);
	t.table = name;
	t.columns = NULL;
	t.ncolumns = 0;
	assert_pgv(db->conn, pgv_collection_open(&c, db->conn, &t), PGV_EUNSUPPORTED);
	assert_message_has(db->conn, "the id column \"id\" is of type REAL");
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collection_sqlite__types_round_trip),
		cmocka_unit_test(test_collection_sqlite__values_checked),
		cmocka_unit_test(test_collection_sqlite__refusals),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
