/*
 * Unit tests of k-NN query shapes and index forms without a server (src/store/shape.c,
 * index.c, dialect.c): the SQL of each shape, the form AUTO picks from the indexes found, the
 * forms each column type can have, the CREATE INDEX of each form, and the default re-ranking.
 */
#include "store/store.h" /* first: common/error.h defines _GNU_SOURCE */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* The SQL of a shape for the default table of `type`. */
static char *shape_sql(pgv_type type, pgv_metric metric, pgv_index_form form, size_t dim)
{
	pgv_table spec = PGV_TABLE_INIT;
	pgv__knn_shape shape = { form, dim, 40 };
	pgv__store_table t;
	char *sql;

	spec.type = type;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "x"), 0);
	sql = pgv__knn_sql(&t, metric, &shape);
	assert_non_null(sql);
	pgv__store_table_free(&t);
	return sql;
}

/* Each shape orders by exactly the expression its index indexes, and re-ranks exactly. */
static void test_knn_shape__sql(void **state)
{
	char *sql;

	(void)state;
	sql = shape_sql(PGV_TYPE_VECTOR, PGV_METRIC_L2, PGV_INDEX_FORM_PLAIN, 0);
	assert_string_equal(sql, "SELECT \"id\", \"embedding\"::float4[], \"embedding\" <-> "
		"?::vector FROM \"embeddings\" WHERE \"embedding\" IS NOT NULL ORDER BY 3 LIMIT ?");
	free(sql);
	sql = shape_sql(PGV_TYPE_VECTOR, PGV_METRIC_COSINE, PGV_INDEX_FORM_HALFVEC, 3072);
	assert_string_equal(sql, "SELECT \"id\", \"embedding\"::float4[], \"embedding\" <=> "
		"?::vector FROM (SELECT \"id\", \"embedding\" FROM \"embeddings\" WHERE \"embedding\" "
		"IS NOT NULL ORDER BY \"embedding\"::halfvec(3072) <=> ?::halfvec(3072) LIMIT ?) AS "
		"pgv_candidates ORDER BY 3 LIMIT ?");
	free(sql);
	sql = shape_sql(PGV_TYPE_VECTOR, PGV_METRIC_IP, PGV_INDEX_FORM_BINARY, 3072);
	assert_string_equal(sql, "SELECT \"id\", \"embedding\"::float4[], \"embedding\" <#> "
		"?::vector FROM (SELECT \"id\", \"embedding\" FROM \"embeddings\" WHERE \"embedding\" "
		"IS NOT NULL ORDER BY binary_quantize(\"embedding\")::bit(3072) <~> "
		"binary_quantize(?::vector) LIMIT ?) AS pgv_candidates ORDER BY 3 LIMIT ?");
	free(sql);
	sql = shape_sql(PGV_TYPE_HALFVEC, PGV_METRIC_L1, PGV_INDEX_FORM_BINARY, 8);
	assert_non_null(strstr(sql, "binary_quantize(?::halfvec)"));
	free(sql);
}

/* AUTO: plain with the metric's class, else halfvec with it, else binary, else plain. */
static void test_knn_shape__pick(void **state)
{
	pgv__index_found f[3] = {
		{ PGV_INDEX_FORM_BINARY, "bit_hamming_ops" },
		{ PGV_INDEX_FORM_HALFVEC, "halfvec_cosine_ops" },
		{ PGV_INDEX_FORM_PLAIN, "vector_l2_ops" },
	};

	(void)state;
	assert_int_equal(pgv__form_pick(f, 3, PGV_TYPE_VECTOR, PGV_METRIC_L2),
		PGV_INDEX_FORM_PLAIN);
	assert_int_equal(pgv__form_pick(f, 3, PGV_TYPE_VECTOR, PGV_METRIC_COSINE),
		PGV_INDEX_FORM_HALFVEC);
	assert_int_equal(pgv__form_pick(f, 3, PGV_TYPE_VECTOR, PGV_METRIC_IP),
		PGV_INDEX_FORM_BINARY);
	assert_int_equal(pgv__form_pick(f, 1, PGV_TYPE_VECTOR, PGV_METRIC_L1),
		PGV_INDEX_FORM_BINARY);
	assert_int_equal(pgv__form_pick(f + 1, 1, PGV_TYPE_VECTOR, PGV_METRIC_L2),
		PGV_INDEX_FORM_PLAIN);
	assert_int_equal(pgv__form_pick(NULL, 0, PGV_TYPE_VECTOR, PGV_METRIC_L2),
		PGV_INDEX_FORM_PLAIN);
	/* a halfvec column's own index is plain: halfvec_cosine_ops on the column itself */
	f[1].form = PGV_INDEX_FORM_PLAIN;
	assert_int_equal(pgv__form_pick(f + 1, 1, PGV_TYPE_HALFVEC, PGV_METRIC_COSINE),
		PGV_INDEX_FORM_PLAIN);
}

/* Which column types take which forms; the default re-ranking depth. */
static void test_knn_shape__forms_and_rerank(void **state)
{
	(void)state;
	assert_int_equal(pgv__form_check(PGV_INDEX_FORM_HALFVEC, PGV_TYPE_VECTOR), 0);
	assert_int_equal(pgv__form_check(PGV_INDEX_FORM_BINARY, PGV_TYPE_HALFVEC), 0);
	assert_int_equal(pgv__form_check(PGV_INDEX_FORM_HALFVEC, PGV_TYPE_SPARSEVEC), PGV_EINVAL);
	assert_non_null(strstr(pgv_error_last()->message, "the halfvec form is for vector"));
	assert_int_equal(pgv__form_check(PGV_INDEX_FORM_BINARY, PGV_TYPE_BIT), PGV_EINVAL);
	assert_int_equal(pgv__form_check((pgv_index_form)4, PGV_TYPE_VECTOR), PGV_EINVAL);
	assert_int_equal(PGV_RERANK_DEFAULT(1), 40);
	assert_int_equal(PGV_RERANK_DEFAULT(10), 40);
	assert_int_equal(PGV_RERANK_DEFAULT(25), 100);
	assert_string_equal(pgv_index_form_name(PGV_INDEX_FORM_BINARY), "binary");
	assert_string_equal(pgv_index_form_name((pgv_index_form)9), "");
}

/* AUTO resolves by dimension; each form's CREATE INDEX; limits name the way out. */
static void test_knn_shape__index_forms(void **state)
{
	pgv_index_opts o = PGV_INDEX_OPTS_INIT;
	pgv_index_form form;
	pgv__store_table t;
	pgv__sql_vars vars;
	char *sql;

	(void)state;
	assert_int_equal(pgv__index_check_column(&o, PGV_TYPE_VECTOR, "vector", 2000, &form), 0);
	assert_int_equal(form, PGV_INDEX_FORM_PLAIN);
	assert_int_equal(pgv__index_check_column(&o, PGV_TYPE_VECTOR, "vector", 3072, &form), 0);
	assert_int_equal(form, PGV_INDEX_FORM_HALFVEC);
	assert_int_equal(pgv__index_check_column(&o, PGV_TYPE_VECTOR, "vector", 4001, &form),
		PGV_EDIM);
	assert_non_null(strstr(pgv_error_last()->message, "index the binary form"));
	o.form = PGV_INDEX_FORM_BINARY;
	assert_int_equal(pgv__index_check_column(&o, PGV_TYPE_VECTOR, "vector", 16000, &form), 0);
	assert_int_equal(form, PGV_INDEX_FORM_BINARY);
	o.form = PGV_INDEX_FORM_HALFVEC;
	assert_int_equal(pgv__index_check_column(&o, PGV_TYPE_VECTOR, "vector", 4001, &form),
		PGV_EDIM);
	assert_non_null(strstr(pgv_error_last()->message, "a halfvec index cannot have more than "
		"4000 dimensions (the column has 4001)"));
	o.form = PGV_INDEX_FORM_BINARY;
	o.metric = PGV_METRIC_COSINE;
	assert_int_equal(pgv__index_check(&o, PGV_TYPE_VECTOR), 0);
	o.method = PGV_INDEX_IVFFLAT;
	assert_int_equal(pgv__index_check(&o, PGV_TYPE_VECTOR), 0);

	assert_int_equal(pgv__store_table_resolve(&t, NULL, "x"), 0);
	memset(&vars, 0, sizeof(vars));
	vars.name = "\"i\"";
	vars.method = "hnsw";
	vars.form = PGV_INDEX_FORM_HALFVEC;
	vars.dim = 3072;
	sql = pgv__store_sql_vars(&t, PGV__SQL_INDEX_CREATE, PGV_METRIC_COSINE, &vars);
	assert_string_equal(sql, "CREATE INDEX \"i\" ON \"embeddings\" USING hnsw "
		"((\"embedding\"::halfvec(3072)) halfvec_cosine_ops)");
	free(sql);
	vars.form = PGV_INDEX_FORM_BINARY;
	sql = pgv__store_sql_vars(&t, PGV__SQL_INDEX_CREATE, PGV_METRIC_COSINE, &vars);
	assert_string_equal(sql, "CREATE INDEX \"i\" ON \"embeddings\" USING hnsw "
		"((binary_quantize(\"embedding\")::bit(3072)) bit_hamming_ops)");
	free(sql);
	pgv__store_table_free(&t);
}

/* hnsw.scan_mem_multiplier: pgvector's range, a real value, gated at 0.8.0. */
static void test_knn_shape__scan_mem_multiplier(void **state)
{
	pgv_search_opts o = PGV_SEARCH_OPTS_INIT;
	pgv__search_settings s;

	(void)state;
	o.scan_mem_multiplier = 2.5;
	assert_int_equal(pgv__search_settings_make(&s, &o), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.names[0], "hnsw.scan_mem_multiplier");
	assert_string_equal(s.values[0], "2.5");
	assert_int_equal(s.needs_version, 800);
	o.scan_mem_multiplier = 1001;
	assert_int_equal(pgv__search_settings_make(&s, &o), PGV_EINVAL);
	assert_non_null(strstr(pgv_error_last()->message, "1001 is outside the valid range for "
		"parameter \"hnsw.scan_mem_multiplier\" (1 .. 1000)"));
	o.scan_mem_multiplier = 0.5;
	assert_int_equal(pgv__search_settings_make(&s, &o), PGV_EINVAL);
	/* version 1 options have no such field: it is not read */
	o.version = 1;
	assert_int_equal(pgv__search_settings_make(&s, &o), 0);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_knn_shape__sql),
		cmocka_unit_test(test_knn_shape__pick),
		cmocka_unit_test(test_knn_shape__forms_and_rerank),
		cmocka_unit_test(test_knn_shape__index_forms),
		cmocka_unit_test(test_knn_shape__scan_mem_multiplier),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
