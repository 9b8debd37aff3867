/*
 * Unit tests of the connection error record (src/odbc/diag.c) without a server: the one helper
 * that gives an error its context on the way up (pgv__conn_prefix), keeping an error aside
 * across a call (pgv__conn_save/restore), and pgv__aprintf.  malloc and realloc are wrapped at
 * link time (-Wl,--wrap, see tests/CMakeLists.txt) so a test can make them fail.
 */
#include "odbc/odbc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);

static int fail_allocations; /* while set, the library's malloc and realloc fail */

void *__wrap_malloc(size_t n)
{
	return fail_allocations ? NULL : __real_malloc(n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_allocations ? NULL : __real_realloc(p, n);
}

/* A connection record with no handles: enough for the error functions, which make no call. */
static int conn_setup(void **state)
{
	pgv_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	pgv__conn_clear(c);
	*state = c;
	return 0;
}

static int conn_teardown(void **state)
{
	pgv_conn *c = *state;

	fail_allocations = 0;
	free(c->msg);
	free(c->op);
	free(c);
	return 0;
}

/* A server-like failure: SQLSTATE, native code, batch row and text offset all set. */
static void server_failure(pgv_conn *c)
{
	pgv__conn_fail_sqlstate(c, PGV_ERROR, "42P01", 7, "pgv_stmt_step: SQLExecute",
		"relation \"t\" does not exist");
	pgv__conn_set_row(c, 12);
	c->err.offset = 5;
}

/* The context goes in front of the message and the operation; everything else stays. */
static void test_diag__prefix_keeps_the_cause_and_its_fields(void **state)
{
	pgv_conn *c = *state;
	const pgv_error *e = pgv_conn_error(c);

	server_failure(c);
	assert_int_equal(pgv__conn_prefix(c, PGV_ENOTFOUND, "pgv_store_get", "getting from %s",
		"\"t\""), PGV_ENOTFOUND);
	assert_string_equal(e->message, "getting from \"t\": relation \"t\" does not exist");
	assert_string_equal(e->operation, "pgv_store_get: pgv_stmt_step: SQLExecute");
	assert_int_equal(e->status, PGV_ENOTFOUND);
	assert_string_equal(e->sqlstate, "42P01");
	assert_int_equal(e->native, 7);
	assert_int_equal(e->row, 12);
	assert_int_equal(e->offset, 5);
}

/* The operation gains `op` once: not when NULL, not twice, and an empty one becomes `op`. */
static void test_diag__prefix_operation_rules(void **state)
{
	pgv_conn *c = *state;
	const pgv_error *e = pgv_conn_error(c);

	server_failure(c);
	pgv__conn_prefix(c, PGV_ERROR, NULL, "a");
	assert_string_equal(e->operation, "pgv_stmt_step: SQLExecute");
	pgv__conn_prefix(c, PGV_ERROR, "pgv_stmt_step", "b");
	assert_string_equal(e->operation, "pgv_stmt_step: SQLExecute");
	pgv__conn_prefix(c, PGV_ERROR, "pgv_stmt", "c"); /* a prefix of the name, not the call */
	assert_string_equal(e->operation, "pgv_stmt: pgv_stmt_step: SQLExecute");
	assert_string_equal(e->message, "c: b: a: relation \"t\" does not exist");

	pgv__conn_fail(c, PGV_EINVAL, NULL, "bad");
	assert_string_equal(e->operation, "");
	pgv__conn_prefix(c, PGV_EINVAL, "pgv_store_count", "counting");
	assert_string_equal(e->operation, "pgv_store_count");
	pgv__conn_prefix(c, PGV_EINVAL, "pgv_store_count", "again");
	assert_string_equal(e->operation, "pgv_store_count");
}

/* With no message yet, the context is the whole message (no dangling ": "). */
static void test_diag__prefix_of_an_empty_message_is_the_context(void **state)
{
	pgv_conn *c = *state;

	pgv__conn_prefix(c, PGV_ERROR, "pgv_conn_open", "cannot connect to DSN \"%s\"", "x");
	assert_string_equal(pgv_conn_error(c)->message, "cannot connect to DSN \"x\"");
	assert_string_equal(pgv_conn_error(c)->operation, "pgv_conn_open");
}

/* A chain far deeper than the old 96- and 320-byte buffers is kept whole, in order. */
static void test_diag__deep_chain_is_never_cut(void **state)
{
	enum { LEVELS = 300 };
	pgv_conn *c = *state;
	const pgv_error *e = pgv_conn_error(c);
	size_t cap = 64 * LEVELS + 64, len;
	char *want_msg = malloc(cap), *want_op = malloc(cap), *tmp = malloc(cap);

	assert_non_null(want_msg);
	assert_non_null(want_op);
	assert_non_null(tmp);
	pgv__conn_fail(c, PGV_ERROR, "inner", "the cause");
	strcpy(want_msg, "the cause");
	strcpy(want_op, "inner");
	for (int i = 0; i < LEVELS; i++) {
		char op[32];

		snprintf(op, sizeof(op), "op%d", i);
		pgv__conn_prefix(c, PGV_ERROR, op, "level %d of a long chain of contexts", i);
		snprintf(tmp, cap, "level %d of a long chain of contexts: %s", i, want_msg);
		strcpy(want_msg, tmp);
		snprintf(tmp, cap, "%s: %s", op, want_op);
		strcpy(want_op, tmp);
	}
	len = strlen(e->message);
	assert_true(len > 10000);
	assert_string_equal(e->message, want_msg);
	assert_string_equal(e->operation, want_op);
	assert_true(strlen(e->operation) > 1000);
	free(want_msg);
	free(want_op);
	free(tmp);
}

/* The context may quote the current message itself: it is read before it is replaced. */
static void test_diag__prefix_arguments_may_point_into_the_message(void **state)
{
	pgv_conn *c = *state;

	pgv__conn_fail(c, PGV_ERROR, "op", "cause");
	pgv__conn_prefix(c, PGV_ERROR, NULL, "[%s]", pgv_conn_error(c)->message);
	assert_string_equal(pgv_conn_error(c)->message, "[cause]: cause");
}

/* Out of memory the cause stays exactly as it was (only the context is lost). */
static void test_diag__prefix_out_of_memory_keeps_the_cause(void **state)
{
	pgv_conn *c = *state;
	const pgv_error *e = pgv_conn_error(c);

	server_failure(c);
	fail_allocations = 1;
	assert_int_equal(pgv__conn_prefix(c, PGV_ENOTFOUND, "pgv_store_get", "getting"),
		PGV_ENOTFOUND);
	fail_allocations = 0;
	assert_int_equal(e->status, PGV_ENOTFOUND);
	assert_string_equal(e->message, "relation \"t\" does not exist");
	assert_string_equal(e->operation, "pgv_stmt_step: SQLExecute");
	assert_string_equal(e->sqlstate, "42P01");
	assert_int_equal(e->row, 12);
	assert_int_equal(e->offset, 5);
}

/* Calls pgv__conn_vprefix, which takes a va_list. */
static int prefix_with(pgv_conn *c, const char *sep, const char *fmt, ...)
{
	va_list ap;
	int status;

	va_start(ap, fmt);
	status = pgv__conn_vprefix(c, PGV_ECONN, "pgv_conn_commit", sep, fmt, ap);
	va_end(ap);
	return status;
}

/* Another separator puts the context on a line of its own (the commit-unknown report). */
static void test_diag__vprefix_other_separator(void **state)
{
	pgv_conn *c = *state;

	pgv__conn_fail(c, PGV_ERROR, "pgv_conn_commit: SQLEndTran", "server closed the connection");
	assert_int_equal(prefix_with(c, "\n", "lost during the %s", "commit"), PGV_ECONN);
	assert_string_equal(pgv_conn_error(c)->message,
		"lost during the commit\nserver closed the connection");
	assert_string_equal(pgv_conn_error(c)->operation, "pgv_conn_commit: SQLEndTran");
	assert_int_equal(pgv_conn_error(c)->status, PGV_ECONN);
}

/* An error kept aside survives a call that replaces it, fields and all, and comes back. */
static void test_diag__save_and_restore_keep_the_whole_error(void **state)
{
	pgv_conn *c = *state;
	const pgv_error *e = pgv_conn_error(c);
	pgv__conn_saved saved;

	server_failure(c);
	pgv__conn_save(c, &saved);
	assert_int_equal(e->status, PGV_OK);
	assert_string_equal(e->message, "");
	pgv__conn_fail_sqlstate(c, PGV_ECONN, "08003", 0, "pgv_conn_rollback", "rollback failed");
	assert_int_equal(pgv__conn_restore(c, &saved, PGV_ENOTFOUND), PGV_ENOTFOUND);
	assert_int_equal(e->status, PGV_ENOTFOUND);
	assert_string_equal(e->message, "relation \"t\" does not exist");
	assert_string_equal(e->operation, "pgv_stmt_step: SQLExecute");
	assert_string_equal(e->sqlstate, "42P01");
	assert_int_equal(e->native, 7);
	assert_int_equal(e->row, 12);
	assert_int_equal(e->offset, 5);
}

/* Keeping an error aside allocates nothing, so it works out of memory too. */
static void test_diag__save_needs_no_memory(void **state)
{
	pgv_conn *c = *state;
	pgv__conn_saved saved;

	server_failure(c);
	fail_allocations = 1;
	pgv__conn_save(c, &saved);
	pgv__conn_restore(c, &saved, PGV_ERROR);
	fail_allocations = 0;
	assert_string_equal(pgv_conn_error(c)->message, "relation \"t\" does not exist");
	pgv__conn_save(c, &saved);
	pgv__conn_saved_free(&saved);
	assert_string_equal(pgv_conn_error(c)->message, "");
}

/* A failed call's name is recorded whole, however long (the old buffer held 95 bytes). */
static void test_diag__long_operation_is_kept_whole(void **state)
{
	pgv_conn *c = *state;
	char op[400];

	memset(op, 'o', sizeof(op) - 1);
	op[sizeof(op) - 1] = '\0';
	pgv__conn_fail(c, PGV_EINVAL, op, "x");
	assert_string_equal(pgv_conn_error(c)->operation, op);
}

/* pgv__aprintf measures first: a long result is whole; out of memory it is NULL. */
static void test_diag__aprintf_whole_or_null(void **state)
{
	char big[5000], *s;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = pgv__aprintf("<%s>", big);
	assert_non_null(s);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	assert_true(s[0] == '<' && s[sizeof(big)] == '>');
	free(s);
	fail_allocations = 1;
	s = pgv__aprintf("%s", "x");
	fail_allocations = 0;
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_diag__prefix_keeps_the_cause_and_its_fields,
			conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__prefix_operation_rules, conn_setup,
			conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__prefix_of_an_empty_message_is_the_context,
			conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__deep_chain_is_never_cut, conn_setup,
			conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__prefix_arguments_may_point_into_the_message,
			conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__prefix_out_of_memory_keeps_the_cause,
			conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__vprefix_other_separator, conn_setup,
			conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__save_and_restore_keep_the_whole_error,
			conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__save_needs_no_memory, conn_setup,
			conn_teardown),
		cmocka_unit_test_setup_teardown(test_diag__long_operation_is_kept_whole, conn_setup,
			conn_teardown),
		cmocka_unit_test(test_diag__aprintf_whole_or_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
