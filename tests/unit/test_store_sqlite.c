/*
 * Unit tests of the SQLite dialect (src/store/dialect.c) and of what the store refuses on SQLite
 * before any round trip (no server: refusals are recorded on a connection that never connected),
 * and of sqlite-vec's float32 form (src/codec/binary.c).
 */
#include "store/store.h"
#include "codec/codec.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The default table in the SQLite dialect. */
static void lite_table(pgv__store_table *t, const pgv_table *spec)
{
	assert_int_equal(pgv__store_table_resolve(t, spec, "searching"), 0);
	t->dialect = pgv__store_dialect(PGV_BACKEND_SQLITE);
	assert_non_null(t->dialect);
}

/* Asserts that statement `which` expands to exactly `want`. */
static void sql_is(const pgv__store_table *t, pgv__store_stmt which, pgv_metric m,
	const char *want)
{
	char *sql = pgv__store_sql(t, which, m);

	assert_non_null(sql);
	assert_string_equal(sql, want);
	free(sql);
}

/* A connection that never connected: refusals are recorded on it without a round trip. */
static pgv_conn *offline(void)
{
	pgv_conn *c = NULL;

	assert_int_equal(pgv_conn_open(&c, "DSN=pgvodbc_no_such_dsn_for_unit_tests"), PGV_ECONN);
	assert_non_null(c);
	assert_int_equal(pgv_conn_backend(c), PGV_BACKEND_UNKNOWN);
	return c;
}

/* Asserts the connection's error is PGV_EUNSUPPORTED naming sqlite and holding `part`. */
static void refused(pgv_conn *c, int rc, const char *part)
{
	const pgv_error *e = pgv_conn_error(c);

	assert_int_equal(rc, PGV_EUNSUPPORTED);
	assert_int_equal(e->status, PGV_EUNSUPPORTED);
	if (!strstr(e->message, "not supported on sqlite") || !strstr(e->message, part))
		fail_msg("message \"%s\" lacks \"not supported on sqlite\" or \"%s\"", e->message, part);
}

/* Backends: each has its dialect and name; an unknown one has neither. */
static void test_store_sqlite__dialects(void **state)
{
	(void)state;
	assert_string_equal(pgv__store_dialect(PGV_BACKEND_POSTGRESQL)->name, "postgresql");
	assert_string_equal(pgv__store_dialect(PGV_BACKEND_SQLITE)->name, "sqlite");
	assert_null(pgv__store_dialect(PGV_BACKEND_UNKNOWN));
	assert_null(pgv__store_dialect((pgv_backend)7));
	assert_string_equal(pgv_backend_name(PGV_BACKEND_POSTGRESQL), "postgresql");
	assert_string_equal(pgv_backend_name(PGV_BACKEND_SQLITE), "sqlite");
	assert_string_equal(pgv_backend_name(PGV_BACKEND_UNKNOWN), "");
	assert_string_equal(pgv_backend_name((pgv_backend)-1), "");
	assert_int_equal(pgv_conn_backend(NULL), PGV_BACKEND_UNKNOWN);
}

/* The statements: values wrapped in vec_f32(?), batches as JSON texts, the blob read as it is. */
static void test_store_sqlite__statements(void **state)
{
	pgv__sql_vars vars;
	pgv__store_table t;
	char *sql;

	(void)state;
	lite_table(&t, NULL);
	memset(&vars, 0, sizeof(vars));
	vars.rows = 2;
	/* no list parameters: every batch is rows of parameters */
	assert_null(pgv__store_sql(&t, PGV__SQL_UPSERT, PGV_METRIC_L2));
	sql = pgv__store_sql_vars(&t, PGV__SQL_UPSERT_ROWS, PGV_METRIC_L2, &vars);
	assert_string_equal(sql, "INSERT INTO \"embeddings\" (\"id\", \"embedding\") VALUES "
		"(?, vec_f32(?)), (?, vec_f32(?)) "
		"ON CONFLICT (\"id\") DO UPDATE SET \"embedding\" = excluded.\"embedding\"");
	free(sql);
	sql_is(&t, PGV__SQL_GET, PGV_METRIC_L2,
		"SELECT \"embedding\" FROM \"embeddings\" WHERE \"id\" = ?");
	sql_is(&t, PGV__SQL_DELETE, PGV_METRIC_L2,
		"DELETE FROM \"embeddings\" WHERE \"id\" IN (SELECT value FROM json_each(?))");
	sql_is(&t, PGV__SQL_KNN, PGV_METRIC_L2,
		"SELECT \"id\", \"embedding\", vec_distance_l2(\"embedding\", vec_f32(?)) FROM "
		"\"embeddings\" WHERE \"embedding\" IS NOT NULL ORDER BY 3 LIMIT ?");
	sql_is(&t, PGV__SQL_KNN, PGV_METRIC_COSINE,
		"SELECT \"id\", \"embedding\", vec_distance_cosine(\"embedding\", vec_f32(?)) FROM "
		"\"embeddings\" WHERE \"embedding\" IS NOT NULL ORDER BY 3 LIMIT ?");
	sql_is(&t, PGV__SQL_DISTANCES_IDS, PGV_METRIC_L1,
		"SELECT \"id\", \"embedding\", CASE WHEN \"embedding\" IS NOT NULL THEN "
		"vec_distance_l1(\"embedding\", vec_f32(?)) END FROM \"embeddings\" "
		"WHERE \"id\" IN (SELECT value FROM json_each(?)) ORDER BY \"id\"");
	sql_is(&t, PGV__SQL_LIST_PAGE_AFTER, PGV_METRIC_L2,
		"SELECT \"id\", \"embedding\" FROM \"embeddings\" WHERE \"id\" > ? ORDER BY \"id\" "
		"LIMIT ?");
	assert_int_equal(pgv__store_read_form(&t), PGV__READ_F32);
	t.binary = 1; /* asking for pgvector's binary form changes nothing: the blob is exact */
	assert_int_equal(pgv__store_read_form(&t), PGV__READ_F32);
	pgv__store_table_free(&t);
}

/* Every statement SQLite has is free of PostgreSQL's casts; those it lacks are absent. */
static void test_store_sqlite__no_postgresql_sql(void **state)
{
	static const pgv__store_stmt lacking[] = {
		PGV__SQL_SEQUENCE, PGV__SQL_NEW_IDS, PGV__SQL_UPSERT, PGV__SQL_INSERT,
		PGV__SQL_INSERT_ROWS, PGV__SQL_KNN_HALFVEC,
		PGV__SQL_KNN_BINARY, PGV__SQL_INDEX_CREATE, PGV__SQL_INDEX_FIND, PGV__SQL_INDEX_DROP,
		PGV__SQL_INDEX_PROGRESS, PGV__SQL_INDEX_FORMS, PGV__SQL_SEARCH_SET,
		PGV__SQL_SEARCH_RESTORE,
	};
	pgv__store_table t;
	size_t have = 0;

	(void)state;
	lite_table(&t, NULL);
	for (int w = 0; w < PGV__SQL_COUNT_OF; w++) {
		int lacks = 0;
		char *sql;

		for (size_t i = 0; i < sizeof(lacking) / sizeof(lacking[0]); i++)
			lacks |= lacking[i] == (pgv__store_stmt)w;
		assert_int_equal(pgv__store_has(&t, (pgv__store_stmt)w), !lacks);
		sql = pgv__store_sql(&t, (pgv__store_stmt)w, PGV_METRIC_L2);
		if (lacks) {
			assert_null(sql);
			continue;
		}
		assert_non_null(sql);
		if (strstr(sql, "::") || strstr(sql, "pg_catalog") || strstr(sql, "unnest"))
			fail_msg("statement %d is PostgreSQL's: %s", w, sql);
		have++;
		free(sql);
	}
	assert_int_equal(have, PGV__SQL_COUNT_OF - sizeof(lacking) / sizeof(lacking[0]));
	pgv__store_table_free(&t);
}

/* Lists travel as JSON: ids as an array of numbers, texts as an array of JSON strings. */
static void test_store_sqlite__json_lists(void **state)
{
	const pgv__dialect *d = pgv__store_dialect(PGV_BACKEND_SQLITE);
	static const int64_t ids[] = { 1, -2, INT64_MAX };
	static const char *const texts[] = { "a", "b\"c", NULL };
	pgv__buf b = { NULL, 0, 0, 0 };

	(void)state;
	pgv__buf_add_ids(&b, d, ids, 3);
	assert_string_equal(b.s, "[1,-2,9223372036854775807]");
	pgv__buf_reset(&b);
	pgv__buf_add_texts(&b, d, texts, 3);
	assert_string_equal(b.s, "[\"a\",\"b\\\"c\",NULL]");
	assert_null(d->vlist[PGV_TYPE_VECTOR]);
	pgv__buf_free(&b);
}

/* Metrics sqlite-vec lacks are refused naming the backend and what it has. */
static void test_store_sqlite__metric_refusals(void **state)
{
	static const pgv_metric lacking[] = { PGV_METRIC_IP, PGV_METRIC_JACCARD };
	pgv_conn *c = offline();
	pgv__store_table t;

	(void)state;
	lite_table(&t, NULL);
	for (size_t i = 0; i < sizeof(lacking) / sizeof(lacking[0]); i++) {
		refused(c, pgv__store_check_metric_type(c, &t, "op", lacking[i]),
			pgv_metric_name(lacking[i]));
		refused(c, pgv__store_check_metric(c, &t, "op", lacking[i]), "it has l2, cosine and l1");
	}
	/* l2, cosine and l1 apply to vector columns, with no version to ask */
	assert_int_equal(pgv__store_check_metric_type(c, &t, "op", PGV_METRIC_L2), 0);
	assert_int_equal(pgv__store_check_metric(c, &t, "op", PGV_METRIC_COSINE), 0);
	assert_int_equal(pgv__store_check_metric(c, &t, "op", PGV_METRIC_L1), 0);
	/* hamming exists, for bits: a vector column is the caller's mistake, not the backend's */
	assert_int_equal(pgv__store_check_metric_type(c, &t, "op", PGV_METRIC_HAMMING), PGV_EINVAL);
	pgv__store_table_free(&t);
	pgv_conn_close(c);
}

/* Index forms are refused; the automatic shape is the plain search with no catalog query. */
static void test_store_sqlite__knn_shape_refusals(void **state)
{
	pgv_conn *c = offline();
	pgv__store_table t;
	pgv__knn_shape shape;

	(void)state;
	lite_table(&t, NULL);
	refused(c, pgv__knn_shape_make(&shape, c, &t, "op", PGV_METRIC_L2, PGV_INDEX_FORM_HALFVEC,
		0, 5, 4), "halfvec form");
	refused(c, pgv__knn_shape_make(&shape, c, &t, "op", PGV_METRIC_L2, PGV_INDEX_FORM_BINARY,
		0, 5, 4), "no approximate index");
	/* the offline connection would fail any query: AUTO asks none */
	assert_int_equal(pgv__knn_shape_make(&shape, c, &t, "op", PGV_METRIC_L2,
		PGV_INDEX_FORM_AUTO, 0, 5, 4), 0);
	assert_int_equal(shape.form, PGV_INDEX_FORM_PLAIN);
	assert_int_equal(pgv__knn_shape_make(&shape, c, &t, "op", PGV_METRIC_L2,
		PGV_INDEX_FORM_PLAIN, 0, 5, 4), 0);
	pgv__store_table_free(&t);
	pgv_conn_close(c);
}

/* The refusal's wording: what, the backend, and why when there is a reason. */
static void test_store_sqlite__refusal_message(void **state)
{
	pgv_conn *c = offline();
	pgv__store_table t;

	(void)state;
	lite_table(&t, NULL);
	assert_int_equal(pgv__store_unsupported(c, &t, "pgv_index_create", "indexes are",
		t.dialect->no_index), PGV_EUNSUPPORTED);
	assert_string_equal(pgv_conn_error(c)->message, "searching \"embeddings\": indexes are not "
		"supported on sqlite (sqlite-vec 0.1 has no approximate index: every search is exact)");
	assert_string_equal(pgv_conn_error(c)->operation, "pgv_index_create");
	pgv__store_unsupported(c, &t, "op", "the halfvec type is", NULL);
	assert_string_equal(pgv_conn_error(c)->message,
		"searching \"embeddings\": the halfvec type is not supported on sqlite");
	pgv__store_table_free(&t);
	pgv_conn_close(c);
}

/* Types: SQLite has vector and bit columns; halfvec and sparsevec have no SQL there. */
static void test_store_sqlite__types(void **state)
{
	const pgv__dialect *d = pgv__store_dialect(PGV_BACKEND_SQLITE);

	(void)state;
	assert_string_equal(d->type_names[PGV_TYPE_VECTOR], "vector");
	assert_null(d->type_names[PGV_TYPE_HALFVEC]);
	assert_null(d->type_names[PGV_TYPE_SPARSEVEC]);
	assert_string_equal(d->type_names[PGV_TYPE_BIT], "bit");
	assert_string_equal(d->vparam[PGV_TYPE_BIT], "vec_bit(?)");
	assert_null(d->vparam[PGV_TYPE_HALFVEC]);
	assert_int_equal(d->bits_blob, 1);
	assert_int_equal(pgv__store_dialect(PGV_BACKEND_POSTGRESQL)->bits_blob, 0);
	assert_int_equal(d->dist_float32, 1);
	assert_int_equal(pgv__store_dialect(PGV_BACKEND_POSTGRESQL)->dist_float32, 0);
}

/*
 * Bit columns: values in vec_bit(?), the column wrapped in vec_bit too (a blob read from a table
 * has lost its subtype), hamming by vec_distance_hamming; jaccard refused.
 */
static void test_store_sqlite__bit_statements(void **state)
{
	pgv_table spec = PGV_TABLE_INIT;
	pgv__sql_vars vars;
	pgv__store_table t;
	pgv_conn *c = offline();
	char *sql;

	(void)state;
	spec.type = PGV_TYPE_BIT;
	lite_table(&t, &spec);
	memset(&vars, 0, sizeof(vars));
	vars.rows = 2;
	sql = pgv__store_sql_vars(&t, PGV__SQL_UPSERT_ROWS, PGV_METRIC_L2, &vars);
	assert_string_equal(sql, "INSERT INTO \"embeddings\" (\"id\", \"embedding\") VALUES "
		"(?, vec_bit(?)), (?, vec_bit(?)) "
		"ON CONFLICT (\"id\") DO UPDATE SET \"embedding\" = excluded.\"embedding\"");
	free(sql);
	sql_is(&t, PGV__SQL_KNN, PGV_METRIC_HAMMING,
		"SELECT \"id\", \"embedding\", vec_distance_hamming(vec_bit(\"embedding\"), vec_bit(?)) "
		"FROM \"embeddings\" WHERE \"embedding\" IS NOT NULL ORDER BY 3 LIMIT ?");
	sql_is(&t, PGV__SQL_GET, PGV_METRIC_L2,
		"SELECT \"embedding\" FROM \"embeddings\" WHERE \"id\" = ?");
	assert_int_equal(pgv__store_read_form(&t), PGV__READ_F32);
	assert_int_equal(pgv__store_value_blob(&t), 1);
	assert_int_equal(pgv__store_check_metric_type(c, &t, "op", PGV_METRIC_HAMMING), 0);
	refused(c, pgv__store_check_metric_type(c, &t, "op", PGV_METRIC_JACCARD), "jaccard");
	pgv__store_table_free(&t);
	pgv_conn_close(c);
}

/*
 * Bit values on SQLite are whole bytes, the first bit the most significant of the first byte;
 * a number of bits that is no multiple of 8 is refused naming sqlite and the number.  The
 * PostgreSQL dialect keeps the bit text.
 */
static void test_store_sqlite__bit_bytes(void **state)
{
	static const float bits[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1 };
	pgv_table spec = PGV_TABLE_INIT;
	pgv__store_table t;
	pgv__buf b = { NULL, 0, 0, 0 };

	(void)state;
	spec.type = PGV_TYPE_BIT;
	lite_table(&t, &spec);
	assert_int_equal(pgv__store_value_check(&t, bits, 16), 0);
	pgv__store_add_value(&b, &t, bits, 16);
	assert_int_equal(b.len, 2);
	assert_int_equal((unsigned char)b.s[0], 0x80);
	assert_int_equal((unsigned char)b.s[1], 0x43);
	assert_int_equal(pgv__store_value_check(&t, bits, 12), PGV_EUNSUPPORTED);
	assert_string_equal(pgv_error_last()->message, "a bit vector of 12 bits is not supported on "
		"sqlite (sqlite-vec stores whole bytes: use a multiple of 8 bits)");
	/* the type's own checks first: a value that is not bits */
	assert_int_equal(pgv__store_value_check(&t, (const float[8]){ 2 }, 8), PGV_EVALUE);
	pgv__buf_free(&b);
	t.dialect = pgv__store_dialect(PGV_BACKEND_POSTGRESQL);
	assert_int_equal(pgv__store_value_blob(&t), 0);
	assert_int_equal(pgv__store_value_check(&t, bits, 12), 0);
	pgv__store_add_value(&b, &t, bits, 12);
	assert_string_equal(b.s, "100000000100");
	pgv__buf_free(&b);
	pgv__store_table_free(&t);
}

/* sqlite-vec's float32 form: little-endian elements, exact, with vector_recv's checks. */
static void test_store_sqlite__f32_decode(void **state)
{
	static const unsigned char two[] = { 0xcd, 0xcc, 0xcc, 0x3d, 0xcd, 0xcc, 0x4c, 0x3e };
	static const unsigned char nan[] = { 0, 0, 0x80, 0x3f, 0, 0, 0xc0, 0x7f };
	pgv_vector v = { 0, NULL };

	(void)state;
	assert_int_equal(pgv__vector_f32_decode(&v, two, sizeof(two)), 0);
	assert_int_equal(v.dim, 2);
	assert_true(v.data[0] == 0.1f && v.data[1] == 0.2f);
	pgv_vector_free(&v);
	assert_int_equal(pgv__vector_f32_decode(&v, two, 7), PGV_EPARSE);
	assert_int_equal(v.dim, 0);
	assert_null(v.data);
	assert_int_equal(pgv__vector_f32_decode(&v, two, 0), PGV_EDIM);
	assert_int_equal(pgv__vector_f32_decode(&v, nan, sizeof(nan)), PGV_EVALUE);
	assert_int_equal(pgv_error_last()->offset, 4);
	assert_null(v.data);
	assert_int_equal(pgv__vector_f32_decode(NULL, two, 8), PGV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_sqlite__dialects),
		cmocka_unit_test(test_store_sqlite__statements),
		cmocka_unit_test(test_store_sqlite__no_postgresql_sql),
		cmocka_unit_test(test_store_sqlite__json_lists),
		cmocka_unit_test(test_store_sqlite__metric_refusals),
		cmocka_unit_test(test_store_sqlite__knn_shape_refusals),
		cmocka_unit_test(test_store_sqlite__refusal_message),
		cmocka_unit_test(test_store_sqlite__types),
		cmocka_unit_test(test_store_sqlite__bit_statements),
		cmocka_unit_test(test_store_sqlite__bit_bytes),
		cmocka_unit_test(test_store_sqlite__f32_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
