/*
 * Integration: reading vectors in pgvector's binary form (vector_send) gives exactly what the
 * text path gives, and malformed binary is refused with the right status and a clear message.
 */
#include "testdb.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fills v with random finite floats, then the awkward values at the end. */
static void fill(float *v, size_t dim, uint64_t seed)
{
	static const float special[] = { -0.0f, FLT_MAX, -FLT_MAX, FLT_TRUE_MIN, FLT_MIN,
		-FLT_TRUE_MIN * 7, 0.0f, 0.1f, 1e-5f };
	size_t i;

	for (i = 0; i < dim; i++)
		v[i] = testdb_random_float(&seed);
	for (i = 0; i < dim && i < sizeof(special) / sizeof(special[0]); i++)
		v[dim - 1 - i] = special[i];
}

/* Reads every row of `table` with list (text or binary) into ids/vectors/null flags. */
static size_t read_all(testdb *db, const pgv_table *t, int binary, int64_t *ids,
	pgv_vector *vecs, int *nulls, size_t cap)
{
	pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;

	opts.binary = binary;
	return testdb_list_all(db, t, &opts, ids, vecs, nulls, cap);
}

/* Text and binary lists of `rows` random vectors of `dim` dimensions (and a NULL) agree bit for
 * bit with each other and with what was stored. */
static void both_paths(testdb *db, size_t dim, size_t rows)
{
	char name[64], cols[96], sql[160];
	pgv_table t = PGV_TABLE_INIT;
	size_t cap = rows + 1, n_text, n_bin;
	float *data = malloc(rows * dim * sizeof(float));
	pgv_vector *in = calloc(rows, sizeof(*in));
	int64_t *ids = calloc(rows, sizeof(*ids)), *tid = calloc(cap, sizeof(*tid)),
		*bid = calloc(cap, sizeof(*bid));
	pgv_vector *tv = calloc(cap, sizeof(*tv)), *bv = calloc(cap, sizeof(*bv));
	int *tn = calloc(cap, sizeof(*tn)), *bn = calloc(cap, sizeof(*bn));

	assert_true(data && in && ids && tid && bid && tv && bv && tn && bn);
	snprintf(cols, sizeof(cols), "id bigint PRIMARY KEY, embedding vector(%zu)", dim);
	testdb_create_table(db, "binf", cols, name);
	t.table = name;
	for (size_t i = 0; i < rows; i++) {
		ids[i] = (int64_t)(i + 1) * 10;
		in[i].dim = dim;
		in[i].data = data + i * dim;
		fill(in[i].data, dim, 0xB1A4ULL * (i + 1) + dim);
	}
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, ids, in, rows), PGV_OK);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, embedding) VALUES (5, NULL)", name);
	testdb_exec(db, sql);

	n_text = read_all(db, &t, 0, tid, tv, tn, cap);
	n_bin = read_all(db, &t, 1, bid, bv, bn, cap);
	assert_int_equal(n_text, rows + 1);
	assert_int_equal(n_bin, rows + 1);
	/* id 5 (the NULL vector) sorts first */
	assert_int_equal(bid[0], 5);
	assert_true(bn[0] && tn[0]);
	assert_int_equal(bv[0].dim, 0);
	assert_null(bv[0].data);
	for (size_t i = 0; i < n_bin; i++) {
		assert_int_equal(tid[i], bid[i]);
		assert_int_equal(tn[i], bn[i]);
		if (!pgv_vector_identical(&tv[i], &bv[i]))
			fail_msg("dim %zu, id %lld: the text and binary paths differ", dim,
				(long long)bid[i]);
		if (i > 0 && !pgv_vector_identical(&bv[i], &in[i - 1]))
			fail_msg("dim %zu, id %lld: binary differs from what was stored", dim,
				(long long)bid[i]);
	}
	for (size_t i = 0; i < cap; i++) {
		pgv_vector_free(&tv[i]);
		pgv_vector_free(&bv[i]);
	}
	free(data); free(in); free(ids); free(tid); free(bid); free(tv); free(bv); free(tn); free(bn);
}

/* Binary and text reads agree for 1, 4, 1536 and 16000 dimensions, denormals, -0 and FLT_MAX. */
static void test_binary_fetch__paths_identical(void **state)
{
	testdb *db = *state;

	both_paths(db, 1, 50);
	both_paths(db, 4, 50);
	both_paths(db, 1536, 20);
	both_paths(db, 16000, 3);
}

/* Runs `sql` (one column) and reads its value with pgv_stmt_column_vector_binary. */
static int read_binary(testdb *db, const char *sql, pgv_vector *out)
{
	pgv_stmt *st = NULL;
	int rc;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	rc = pgv_stmt_column_vector_binary(out, st, 1);
	pgv_stmt_free(st); /* the error stays readable after the statement is freed */
	return rc;
}

/* The statement accessor decodes vector_send bit for bit, gives PGV_NULL for NULL, and a column
 * read as binary cannot be read again as text. */
static void test_binary_fetch__stmt_accessor(void **state)
{
	static const float want[3] = { 1.5f, -0.0f, FLT_MAX };
	testdb *db = *state;
	pgv_vector v = PGV_VECTOR_INIT;
	pgv_stmt *st = NULL;
	const char *text = NULL;

	assert_pgv(db->conn, read_binary(db, "SELECT vector_send('[1.5,-0,3.4028235e+38]'::vector)",
		&v), PGV_OK);
	assert_int_equal(v.dim, 3);
	assert_memory_equal(v.data, want, sizeof(want));
	pgv_vector_free(&v);
	assert_int_equal(read_binary(db, "SELECT vector_send(NULL::vector)", &v), PGV_NULL);
	assert_int_equal(v.dim, 0);
	assert_null(v.data);
	/* the same bytes as hex text, as the store selects them, with or without "\\x" */
	assert_pgv(db->conn, read_binary(db, "SELECT encode(vector_send("
		"'[1.5,-0,3.4028235e+38]'::vector), 'hex')", &v), PGV_OK);
	assert_int_equal(v.dim, 3);
	assert_memory_equal(v.data, want, sizeof(want));
	pgv_vector_free(&v);
	assert_pgv(db->conn, read_binary(db, "SELECT '\\x000300003FC0000080000000'"
		" || '7F7FFFFF'", &v), PGV_OK);
	assert_int_equal(v.dim, 3);
	assert_memory_equal(v.data, want, sizeof(want));
	pgv_vector_free(&v);
	assert_int_equal(read_binary(db, "SELECT encode(NULL::bytea, 'hex')", &v), PGV_NULL);
	/* a bytea far larger than the first buffer arrives in many SQL_C_BINARY pieces */
	assert_pgv(db->conn, read_binary(db, "SELECT vector_send(array_fill(0.25::real, "
		"ARRAY[16000])::vector)", &v), PGV_OK);
	assert_int_equal(v.dim, 16000);
	for (size_t i = 0; i < v.dim; i++)
		assert_true(v.data[i] == 0.25f);
	pgv_vector_free(&v);

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn,
		"SELECT 7, vector_send('[2]'::vector), 'x'"), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_vector_binary(&v, st, 2), PGV_OK);
	assert_int_equal(v.dim, 1);
	assert_true(v.data[0] == 2.0f);
	pgv_vector_free(&v);
	assert_int_equal(pgv_stmt_column_text(&text, NULL, st, 2), PGV_EINVAL);
	assert_message_has(db->conn, "read as binary");
	assert_pgv(db->conn, pgv_stmt_column_text(&text, NULL, st, 3), PGV_OK);
	assert_string_equal(text, "x");
	assert_int_equal(pgv_stmt_column_vector_binary(&v, st, 3), PGV_EINVAL);
	assert_message_has(db->conn, "read as text");
	pgv_stmt_free(st);
}

/* Malformed binary vectors are refused: wrong length, bad header, non-finite values. */
static void test_binary_fetch__malformed_rejected(void **state)
{
	static const struct {
		const char *sql;
		int status;
		const char *part1, *part2;
	} cases[] = {
		/* dim 2 but only one value: 8 bytes where 12 are needed */
		{ "SELECT '\\x0002000000000000'::bytea", PGV_EPARSE, "8 bytes", "2 dimensions need 12 bytes" },
		{ "SELECT '\\x00010000000000000000'::bytea", PGV_EPARSE, "10 bytes", "need 8 bytes" },
		{ "SELECT '\\x0001'::bytea", PGV_EPARSE, "2 bytes", "4-byte header" },
		{ "SELECT ''::bytea", PGV_EPARSE, "0 bytes", "header" },
		{ "SELECT '\\x00000000'::bytea", PGV_EDIM, "0 dimensions", "1 to 16000" },
		{ "SELECT '\\x3e810000'::bytea", PGV_EDIM, "16001 dimensions", "1 to 16000" },
		{ "SELECT '\\x000100013f800000'::bytea", PGV_EPARSE, "unused", "not 0" },
		{ "SELECT '\\x000200003f8000007fc00000'::bytea", PGV_EVALUE, "element 1", "NaN" },
		{ "SELECT '\\x00010000ff800000'::bytea", PGV_EVALUE, "element 0", "infinite" },
		/* hex text */
		{ "SELECT '000100003f80000'::text", PGV_EPARSE, "hex text of 15", "odd" },
		{ "SELECT '00010000z3f80000'::text", PGV_EPARSE, "character 8 (0x7a)", "not a hex" },
		{ "SELECT encode('\\x0002000000000000'::bytea, 'hex')", PGV_EPARSE, "8 bytes",
			"need 12 bytes" },
	};
	testdb *db = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgv_vector v = PGV_VECTOR_INIT;
		int rc = read_binary(db, cases[i].sql, &v);

		if (rc != cases[i].status)
			fail_msg("%s: status %s, not %s (%s)", cases[i].sql, pgv_status_name(rc),
				pgv_status_name(cases[i].status), pgv_conn_error(db->conn)->message);
		assert_int_equal(v.dim, 0);
		assert_null(v.data);
		assert_message_has(db->conn, "column 1");
		assert_message_has(db->conn, cases[i].part1);
		assert_message_has(db->conn, cases[i].part2);
	}
}

/* Options: NULL is the text path, an unknown version is refused, a missing table is named. */
static void test_binary_fetch__options(void **state)
{
	testdb *db = *state;
	pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;
	pgv_table t = PGV_TABLE_INIT;
	pgv_rows *rows = (pgv_rows *)&rows;

	t.table = "pgvt_no_such_table";
	opts.binary = 1;
	assert_int_equal(pgv_store_list_ext(&rows, db->conn, &t, &opts), PGV_ENOTFOUND);
	assert_null(rows);
	assert_string_equal(pgv_conn_error(db->conn)->sqlstate, "42P01");
	assert_message_has(db->conn, "\"pgvt_no_such_table\": the table does not exist");
	opts.version = 99;
	assert_int_equal(pgv_store_list_ext(&rows, db->conn, &t, &opts), PGV_EINVAL);
	assert_message_has(db->conn, "PGV_FETCH_OPTS_INIT");
	assert_int_equal(pgv_store_list_ext(NULL, db->conn, &t, NULL), PGV_EINVAL);
	assert_int_equal(pgv_store_list_ext(&rows, NULL, &t, NULL), PGV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary_fetch__paths_identical),
		cmocka_unit_test(test_binary_fetch__stmt_accessor),
		cmocka_unit_test(test_binary_fetch__malformed_rejected),
		cmocka_unit_test(test_binary_fetch__options),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
