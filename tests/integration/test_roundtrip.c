/*
 * Integration: vectors and scalars bound as parameters come back bit-identical, on both
 * backends: a vector is bound as text and cast to the column's type (?::vector on PostgreSQL,
 * vec_f32(?) on SQLite), and read back in the form each backend offers exactly (float4[] text and
 * vector text on PostgreSQL, sqlite-vec's float32 blob on SQLite).
 */
#include "testdb.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A finite float from random bits, so every exponent (denormals included) is exercised. */
static float random_float(uint64_t *seed)
{
	for (;;) {
		uint32_t bits = (uint32_t)(testdb_rand(seed) >> 32);
		float f;
		memcpy(&f, &bits, sizeof(f));
		if (isfinite(f))
			return f;
	}
}

/* Fills v with random finite floats plus the awkward values every round trip must survive. */
static void fill(float *v, size_t dim, uint64_t seed)
{
	static const float special[] = { 0.0f, -0.0f, 0.1f, 1234567.0f, 1e-5f, FLT_MAX, -FLT_MAX,
		FLT_MIN, 1e-45f, FLT_TRUE_MIN * 3, 100.0f };
	size_t i;

	for (i = 0; i < dim; i++)
		v[i] = random_float(&seed);
	for (i = 0; i < dim && i < sizeof(special) / sizeof(special[0]); i++)
		v[dim - 1 - i] = special[i];
}

/* Stores one vector of `dim` dimensions and reads it back twice (two columns of one row). */
static void roundtrip(testdb *db, size_t dim)
{
	char table[64], cols[64], sql[256];
	float *v = malloc(dim * sizeof(float));
	pgv_vector back = PGV_VECTOR_INIT, back2 = PGV_VECTOR_INIT;
	pgv_stmt *st = NULL;
	int64_t id = 0;

	assert_non_null(v);
	fill(v, dim, 0x9E3779B97F4A7C15ULL + dim);
	snprintf(cols, sizeof(cols), "id bigint PRIMARY KEY, v vector(%zu)", dim);
	testdb_create_table(db, "rt", cols, table);

	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, v) VALUES (?, %s)", table,
		testdb_sql(db, "?::vector", "vec_f32(?)"));
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, (int64_t)dim), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_vector(st, 2, v, dim), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	assert_int_equal(pgv_stmt_changes(st), 1);
	pgv_stmt_free(st);

	snprintf(sql, sizeof(sql), testdb_sql(db, "SELECT id, v::float4[], v FROM %s WHERE id = ?",
		"SELECT id, v, v FROM %s WHERE id = ?"), table);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, (int64_t)dim), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_int64(&id, st, 1), PGV_OK);
	assert_int_equal(id, (int64_t)dim);
	/* Read the later column first: any order works. */
	assert_pgv(db->conn, testdb_column_vector(db, &back2, st, 3), PGV_OK);
	assert_pgv(db->conn, testdb_column_vector(db, &back, st, 2), PGV_OK);
	assert_int_equal(back.dim, dim);
	assert_memory_equal(back.data, v, dim * sizeof(float));
	assert_int_equal(back2.dim, dim);
	assert_memory_equal(back2.data, v, dim * sizeof(float));
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	pgv_stmt_free(st);
	pgv_vector_free(&back);
	pgv_vector_free(&back2);
	free(v);
}

/* One dimension: the smallest vector. */
static void test_roundtrip__dim_1(void **state) { roundtrip(*state, 1); }
/* Four dimensions: the seed's vectors. */
static void test_roundtrip__dim_4(void **state) { roundtrip(*state, 4); }
/* 1536 dimensions: text far longer than psqlODBC's described column size. */
static void test_roundtrip__dim_1536(void **state) { roundtrip(*state, 1536); }
/* 16000 dimensions: pgvector's limit, ~200 KB of text read piecewise. */
static void test_roundtrip__dim_16000(void **state) { roundtrip(*state, 16000); }

/* A NULL vector is stored as NULL and read back as PGV_NULL with an empty vector. */
static void test_roundtrip__null_vector(void **state)
{
	testdb *db = *state;
	char table[64], sql[256];
	pgv_stmt *st = NULL;
	pgv_vector back = { 7, NULL };
	const float one[1] = { 1.0f };

	testdb_create_table(db, "nul", "id int PRIMARY KEY, v vector(1)", table);
	/* vec_f32(NULL) is an error in sqlite-vec: a NULL goes around it */
	snprintf(sql, sizeof(sql), testdb_sql(db, "INSERT INTO %s VALUES (?, ?::vector)",
		"INSERT INTO %s SELECT ?, CASE WHEN v IS NULL THEN NULL ELSE vec_f32(v) END "
		"FROM (SELECT ? AS v)"), table);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, 1), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_null(st, 2), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	/* The same statement again with new bindings after a reset. */
	assert_pgv(db->conn, pgv_stmt_reset(st), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, 2), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_vector(st, 2, one, 1), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	pgv_stmt_free(st);

	snprintf(sql, sizeof(sql), testdb_sql(db, "SELECT v::float4[] FROM %s ORDER BY id",
		"SELECT v FROM %s ORDER BY id"), table);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_int_equal(pgv_stmt_column_is_null(st, 1), 1);
	assert_int_equal(testdb_column_vector(db, &back, st, 1), PGV_NULL);
	assert_int_equal(back.dim, 0);
	assert_null(back.data);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	/* is_null reads the column as text first: on SQLite the blob's literal X'...' */
	assert_int_equal(pgv_stmt_column_is_null(st, 1), 0);
	assert_pgv(db->conn, testdb_column_vector(db, &back, st, 1), PGV_OK);
	assert_int_equal(back.dim, 1);
	assert_true(back.data[0] == 1.0f);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	pgv_vector_free(&back);
	pgv_stmt_free(st);
}

/* int64 extremes, exact doubles, long text, and NULL told apart from empty text. */
static void test_roundtrip__scalars(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	static const double doubles[] = { 0.1, -0.0, 1e300, 5e-324, 1.3038404993264,
		1.1045361146699684, -123456789.125 };
	size_t big_len = 100000, len = 0;
	char *big = malloc(big_len + 1);
	const char *text = NULL;
	int64_t i64 = 0;
	double d = 0;

	assert_non_null(big);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (char)('a' + i % 26);
	big[big_len] = '\0';

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, testdb_sql(db,
		"SELECT ?::bigint, ?::bigint, ?::float8, ?::text, ?::text, ?::text",
		/*
		 * The SQLite driver hands a REAL out as text of 15 significant digits, even as
		 * SQL_C_DOUBLE (measured: 1.1045361146699684 came back 1.1045361146699699): the
		 * double is printed with 17 by SQLite itself, so that what is checked is the bound
		 * value as the database holds it
		 */
		"SELECT CAST(? AS INTEGER), CAST(? AS INTEGER), printf('%!.17g', CAST(? AS REAL)), "
		"?, ?, ?")), PGV_OK);
	for (size_t k = 0; k < sizeof(doubles) / sizeof(doubles[0]); k++) {
		/* SQLite turns -0.0 into 0 (measured: the sign bit comes back clear) */
		if (db->backend == PGV_BACKEND_SQLITE && doubles[k] == 0 && signbit(doubles[k]))
			continue;
		assert_pgv(db->conn, pgv_stmt_reset(st), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, INT64_MIN), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_int64(st, 2, INT64_MAX), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_double(st, 3, doubles[k]), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_text(st, 4, big, PGV_NTS), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_text(st, 5, "", 0), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_bind_null(st, 6), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
		assert_pgv(db->conn, pgv_stmt_column_int64(&i64, st, 1), PGV_OK);
		assert_true(i64 == INT64_MIN);
		assert_pgv(db->conn, pgv_stmt_column_int64(&i64, st, 2), PGV_OK);
		assert_true(i64 == INT64_MAX);
		assert_pgv(db->conn, pgv_stmt_column_double(&d, st, 3), PGV_OK);
		assert_memory_equal(&d, &doubles[k], sizeof(d));
		assert_pgv(db->conn, pgv_stmt_column_text(&text, &len, st, 4), PGV_OK);
		assert_int_equal(len, big_len);
		assert_string_equal(text, big);
		assert_pgv(db->conn, pgv_stmt_column_text(&text, &len, st, 5), PGV_OK);
		assert_int_equal(len, 0);
		assert_string_equal(text, "");
		assert_int_equal(pgv_stmt_column_text(&text, &len, st, 6), PGV_NULL);
		assert_int_equal(len, 0);
		assert_int_equal(pgv_stmt_column_is_null(st, 5), 0);
		assert_int_equal(pgv_stmt_column_is_null(st, 6), 1);
		assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	}
	pgv_stmt_free(st);
	free(big);
}

/* Many rows stream through step; columns of one row can be re-read until the next step. */
static void test_roundtrip__many_rows(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	int64_t n = 0, a = 0, b = 0;
	int rc;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, testdb_sql(db,
		"SELECT g, ARRAY[g, g + 1]::float4[] FROM generate_series(1, 5000) g",
		"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 5000) "
		"SELECT g, '[' || g || ',' || (g + 1) || ']' FROM s")), PGV_OK);
	while ((rc = pgv_stmt_step(st)) == PGV_ROW) {
		pgv_vector v = PGV_VECTOR_INIT;
		n++;
		assert_pgv(db->conn, pgv_stmt_column_int64(&a, st, 1), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_int64(&b, st, 1), PGV_OK);
		assert_int_equal(a, n);
		assert_int_equal(b, n);
		assert_pgv(db->conn, pgv_stmt_column_vector(&v, st, 2), PGV_OK);
		assert_int_equal(v.dim, 2);
		assert_true(v.data[0] == (float)n && v.data[1] == (float)(n + 1));
		pgv_vector_free(&v);
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	assert_int_equal(n, 5000);
	/* Stepping past the end stays done. */
	assert_int_equal(pgv_stmt_step(st), PGV_DONE);
	pgv_stmt_free(st);
}

/*
 * SQL ending in a line comment works under every driver setting (with UseDeclareFetch psqlODBC
 * appends a fetch to the text, which the comment would swallow without a final newline).
 */
static void test_roundtrip__sql_ending_in_comment(void **state)
{
	testdb *db = *state;
	pgv_stmt *st = NULL;
	int64_t v = 0;

	assert_pgv(db->conn, pgv_conn_exec(db->conn, "SELECT 41 -- trailing comment"), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, "SELECT CAST(? AS INTEGER) + 1 -- x"),
		PGV_OK);
	assert_pgv(db->conn, pgv_stmt_bind_int64(st, 1, 41), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_int64(&v, st, 1), PGV_OK);
	assert_int_equal(v, 42);
	pgv_stmt_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip__dim_1),
		cmocka_unit_test(test_roundtrip__dim_4),
		cmocka_unit_test(test_roundtrip__dim_1536),
		cmocka_unit_test(test_roundtrip__dim_16000),
		cmocka_unit_test(test_roundtrip__null_vector),
		cmocka_unit_test(test_roundtrip__scalars),
		cmocka_unit_test(test_roundtrip__many_rows),
		cmocka_unit_test(test_roundtrip__sql_ending_in_comment),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
