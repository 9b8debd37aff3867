/*
 * The public API's rules that hold without a server (include/pgvodbc.h): a NULL handle or
 * required pointer is PGV_EINVAL recorded in the thread's error with the argument named, and
 * destructors take NULL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pgvodbc.h"

/* Asserts `status` is PGV_EINVAL and the thread's error says "<func>: <arg> is NULL". */
static void assert_null_recorded(int status, const char *func, const char *arg)
{
	const pgv_error *e = pgv_error_last();
	char want[128];

	snprintf(want, sizeof(want), "%s: %s is NULL", func, arg);
	assert_int_equal(status, PGV_EINVAL);
	assert_int_equal(e->status, PGV_EINVAL);
	assert_string_equal(e->message, want);
	assert_string_equal(e->operation, func);
}

/* Every call on a NULL connection fails with PGV_EINVAL and says which call and argument. */
static void test_api__null_conn_is_recorded(void **state)
{
	const float q[2] = { 1, 2 };
	const int64_t ids[1] = { 1 };
	pgv_vector v = PGV_VECTOR_INIT;
	pgv_rows *rows = NULL;
	pgv_stmt *st = NULL;
	pgv_migrate_report *report = NULL;
	const char *text = NULL;
	int64_t n = 0;
	size_t k = 0;
	int i = 0;

	(void)state;
	assert_null_recorded(pgv_conn_exec(NULL, "SELECT 1"), "pgv_conn_exec", "conn");
	assert_null_recorded(pgv_conn_begin(NULL), "pgv_conn_begin", "conn");
	assert_null_recorded(pgv_conn_commit(NULL), "pgv_conn_commit", "conn");
	assert_null_recorded(pgv_conn_rollback(NULL), "pgv_conn_rollback", "conn");
	assert_null_recorded(pgv_conn_vector_version(&i, &text, NULL), "pgv_conn_vector_version",
		"conn");
	assert_string_equal(text, "");
	assert_null_recorded(pgv_conn_driver_name(&text, NULL), "pgv_conn_driver_name", "conn");
	assert_null_recorded(pgv_stmt_prepare(&st, NULL, "SELECT 1"), "pgv_stmt_prepare", "conn");
	assert_null_recorded(pgv_store_upsert(&n, NULL, NULL, ids, &v, 1), "pgv_store_upsert",
		"conn");
	assert_null_recorded(pgv_store_insert(&n, NULL, NULL, &v, 1), "pgv_store_insert", "conn");
	assert_null_recorded(pgv_store_get(&v, NULL, NULL, 1), "pgv_store_get", "conn");
	assert_null_recorded(pgv_store_delete(&n, NULL, NULL, ids, 1), "pgv_store_delete", "conn");
	assert_null_recorded(pgv_store_count(&n, NULL, NULL), "pgv_store_count", "conn");
	assert_null_recorded(pgv_store_list(&rows, NULL, NULL), "pgv_store_list", "conn");
	assert_null_recorded(pgv_store_list_ext(&rows, NULL, NULL, NULL), "pgv_store_list_ext",
		"conn");
	assert_null_recorded(pgv_store_knn(&rows, NULL, NULL, PGV_METRIC_L2, q, 2, 1),
		"pgv_store_knn", "conn");
	assert_null_recorded(pgv_store_knn_ext(&rows, NULL, NULL, PGV_METRIC_L2, q, 2, 1, NULL),
		"pgv_store_knn_ext", "conn");
	assert_null_recorded(pgv_store_distances(&rows, NULL, NULL, PGV_METRIC_L2, q, 2, NULL, 0),
		"pgv_store_distances", "conn");
	assert_null_recorded(pgv_index_create(NULL, NULL, NULL), "pgv_index_create", "conn");
	assert_null_recorded(pgv_index_drop(&i, NULL, NULL, "x"), "pgv_index_drop", "conn");
	assert_null_recorded(pgv_migrate_up(&k, NULL, NULL, 0), "pgv_migrate_up", "conn");
	assert_null_recorded(pgv_migrate_down(&k, NULL, NULL, 1), "pgv_migrate_down", "conn");
	assert_null_recorded(pgv_migrate_status(&report, NULL, NULL), "pgv_migrate_status", "conn");
	assert_null(report);
}

/* Every call on a NULL statement or row iterator fails the same way. */
static void test_api__null_stmt_and_rows_are_recorded(void **state)
{
	const float f[2] = { 1, 2 };
	pgv_vector v = PGV_VECTOR_INIT;
	pgv_sparsevec sv = PGV_SPARSEVEC_INIT;
	pgv_bitvec bv = PGV_BITVEC_INIT;
	const pgv_row *row = NULL;
	const char *text = NULL;
	int64_t i64 = 0;
	double d = 0;

	(void)state;
	assert_null_recorded(pgv_stmt_bind_vector(NULL, 1, f, 2), "pgv_stmt_bind_vector", "stmt");
	assert_null_recorded(pgv_stmt_bind_int64(NULL, 1, 1), "pgv_stmt_bind_int64", "stmt");
	assert_null_recorded(pgv_stmt_bind_double(NULL, 1, 1), "pgv_stmt_bind_double", "stmt");
	assert_null_recorded(pgv_stmt_bind_text(NULL, 1, "a", 1), "pgv_stmt_bind_text", "stmt");
	assert_null_recorded(pgv_stmt_bind_null(NULL, 1), "pgv_stmt_bind_null", "stmt");
	assert_null_recorded(pgv_stmt_bind_halfvec(NULL, 1, f, 2), "pgv_stmt_bind_halfvec", "stmt");
	assert_null_recorded(pgv_stmt_bind_sparsevec(NULL, 1, &sv), "pgv_stmt_bind_sparsevec",
		"stmt");
	assert_null_recorded(pgv_stmt_bind_bits(NULL, 1, &bv), "pgv_stmt_bind_bits", "stmt");
	assert_null_recorded(pgv_stmt_step(NULL), "pgv_stmt_step", "stmt");
	assert_null_recorded(pgv_stmt_reset(NULL), "pgv_stmt_reset", "stmt");
	assert_null_recorded(pgv_stmt_clear_bindings(NULL), "pgv_stmt_clear_bindings", "stmt");
	assert_null_recorded(pgv_stmt_column_is_null(NULL, 1), "pgv_stmt_column_is_null", "stmt");
	assert_null_recorded(pgv_stmt_column_vector(&v, NULL, 1), "pgv_stmt_column_vector", "stmt");
	assert_null_recorded(pgv_stmt_column_int64(&i64, NULL, 1), "pgv_stmt_column_int64", "stmt");
	assert_null_recorded(pgv_stmt_column_double(&d, NULL, 1), "pgv_stmt_column_double", "stmt");
	assert_null_recorded(pgv_stmt_column_text(&text, NULL, NULL, 1), "pgv_stmt_column_text",
		"stmt");
	assert_null_recorded(pgv_stmt_column_vector_binary(&v, NULL, 1),
		"pgv_stmt_column_vector_binary", "stmt");
	assert_null_recorded(pgv_stmt_column_halfvec(&v, NULL, 1), "pgv_stmt_column_halfvec", "stmt");
	assert_null_recorded(pgv_stmt_column_sparsevec(&sv, NULL, 1), "pgv_stmt_column_sparsevec",
		"stmt");
	assert_null_recorded(pgv_stmt_column_bits(&bv, NULL, 1), "pgv_stmt_column_bits", "stmt");
	assert_null_recorded(pgv_rows_next(&row, NULL), "pgv_rows_next", "rows");
	assert_null(row);
	/* Accessors that cannot fail answer a neutral value for NULL. */
	assert_int_equal(pgv_stmt_column_count(NULL), 0);
	assert_int_equal(pgv_stmt_changes(NULL), -1);
	assert_int_equal(pgv_conn_in_transaction(NULL), 0);
	assert_int_equal(pgv_conn_is_lost(NULL), 0);
	assert_int_equal(pgv_migrate_set_count(NULL), 0);
}

/* pgv_conn_open without an output or a target records which, and creates nothing. */
static void test_api__conn_open_null_arguments(void **state)
{
	pgv_conn *c = (pgv_conn *)&c;

	(void)state;
	assert_null_recorded(pgv_conn_open(NULL, "dsn"), "pgv_conn_open", "out");
	assert_null_recorded(pgv_conn_open(&c, NULL), "pgv_conn_open", "target");
	assert_null(c);
}

/* Destructors take NULL; the thread error is untouched by them. */
static void test_api__free_null_is_a_no_op(void **state)
{
	(void)state;
	pgv_conn_close(NULL);
	pgv_stmt_free(NULL);
	pgv_rows_free(NULL);
	pgv_migrate_set_free(NULL);
	pgv_migrate_report_free(NULL);
	pgv_vector_free(NULL);
	pgv_sparsevec_free(NULL);
	pgv_bitvec_free(NULL);
	pgv_text_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api__null_conn_is_recorded),
		cmocka_unit_test(test_api__null_stmt_and_rows_are_recorded),
		cmocka_unit_test(test_api__conn_open_null_arguments),
		cmocka_unit_test(test_api__free_null_is_a_no_op),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
