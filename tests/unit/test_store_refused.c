/*
 * Unit tests of how the store turns a server's refusal into a status (pgv__store_refused in
 * src/store/table.c), with errors fabricated on a connection that never connected.
 * Pins down: the status is decided by the SQLSTATE and by what the call knows (a query vector
 * was sent), never by the server's wording, which follows its lc_messages: a German message
 * gives the same status as the English one, and the English words alone decide nothing.
 */
#include "store/store.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

/* A connection that never connected (no such driver), on which errors can be recorded. */
static pgv_conn *unconnected(void)
{
	pgv_conn *c = NULL;

	assert_int_equal(pgv_conn_open(&c, "Driver={pgvt_no_such_driver};Server=127.0.0.1"),
		PGV_ECONN);
	assert_non_null(c);
	return c;
}

/* The status pgv__store_refused gives a refusal with `sqlstate` and `message`. */
static int refused(const char *sqlstate, const char *message, size_t dim)
{
	pgv_conn *c = unconnected();
	pgv__store_table t;
	int status;

	assert_int_equal(pgv__store_table_resolve(&t, NULL, "searching"), 0);
	pgv__conn_fail_sqlstate(c, PGV_ERROR, sqlstate, 7, "pgvt_op", "%s", message);
	status = pgv__store_refused(c, &t, "pgvt_op", PGV_METRIC_L2, dim, PGV_ERROR);
	/* the server's account stays, whatever the status */
	assert_string_equal(pgv_conn_error(c)->sqlstate, sqlstate);
	assert_non_null(strstr(pgv_conn_error(c)->message, message));
	assert_int_equal(pgv_conn_error(c)->status, status);
	pgv__store_table_free(&t);
	pgv_conn_close(c);
	return status;
}

/* pgvector's dimension check in another language is still PGV_EDIM for a query vector. */
static void test_store_refused__dimension_in_any_language(void **state)
{
	(void)state;
	assert_int_equal(refused("22000", "verschiedene Vektordimensionen 4 und 3", 3), PGV_EDIM);
	assert_int_equal(refused("22000", "\xe7\x95\xb0\xe3\x81\xaa\xe3\x82\x8b 4 3", 3), PGV_EDIM);
	assert_int_equal(refused("22000", "different vector dimensions 4 and 3", 3), PGV_EDIM);
}

/* Without a query vector, 22000 is some other data exception, whatever its words say. */
static void test_store_refused__wording_decides_nothing(void **state)
{
	(void)state;
	assert_int_equal(refused("22000", "different vector dimensions 4 and 3", 0), PGV_ERROR);
	assert_int_equal(refused("22000", "different bit lengths 4 and 3", 0), PGV_ERROR);
	assert_int_equal(refused("22P02", "different vector dimensions 4 and 3", 3), PGV_ERROR);
}

/* A missing table or column is known by its SQLSTATE in any language. */
static void test_store_refused__missing_object_by_sqlstate(void **state)
{
	(void)state;
	assert_int_equal(refused("42P01", "Relation \xc2\xbbt\xc2\xab existiert nicht", 3),
		PGV_ENOTFOUND);
	assert_int_equal(refused("42703", "Spalte \xc2\xbb" "e\xc2\xab existiert nicht", 0),
		PGV_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_refused__dimension_in_any_language),
		cmocka_unit_test(test_store_refused__wording_decides_nothing),
		cmocka_unit_test(test_store_refused__missing_object_by_sqlstate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
