/*
 * Integration: a statement's time bounded by --timeout (pgv_conn_set_timeout), on the server
 * named by PGVODBC_TEST_DSN (the library's side: test_timeout.c).  Pins down: `sql --timeout 1`
 * on a long statement is status 1 with "timed out (--timeout 1)", the server's message and
 * SQLSTATE, and says which of the texts were committed (the one before it is in the table).  The server must stop statements
 * at its statement_timeout: the embedded server (PGlite) does not, which is detected here and
 * reported as a skip.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeout_check.h"

/* `sql --timeout 1`: the statement stops, the message says why and what was committed. */
static void test_cli_timeout__sql_says_what_was_committed(void **state)
{
	testdb *db = *state;
	char name[64], insert[160];
	clirun r = { 0 };
	struct timespec t0;

	timeout_need_enforced(db);
	testdb_create_table(db, "tmo", "id bigint PRIMARY KEY", name);
	snprintf(insert, sizeof(insert), "INSERT INTO %s VALUES (1)", name);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CLI(&r, NULL, 0, "--timeout", "1", "sql", "-c", insert, "-c", "SELECT pg_sleep(10)");
	assert_true(timeout_since(&t0) < 8.0);
	assert_status(&r, 1);
	assert_contains(r.err, "pgvodbc: sql: -c #2: timed out (--timeout 1): ");
	assert_contains(r.err, "statement timeout (SQLSTATE 57014)");
	assert_contains(r.err, "; the 1 text before it was committed, nothing of this one");
	clirun_free(&r);

	/* the first alone: nothing of it */
	CLI(&r, NULL, 0, "sql", "--timeout=1", "-c", "SELECT pg_sleep(10)");
	assert_status(&r, 1);
	assert_contains(r.err, "pgvodbc: sql: -c: timed out (--timeout 1): ");
	assert_contains(r.err, "; nothing of it was committed");
	clirun_free(&r);
	{
		char count[160];

		snprintf(count, sizeof(count), "SELECT count(*) FROM %s", name);
		assert_int_equal(testdb_query_int(db, count), 1);
	}
}

/* A statement within the bound runs as without it, on any server. */
static void test_cli_timeout__fast_statement_runs(void **state)
{
	(void)state;
	CLI_OUT("?column?\n1\n", "--timeout", "5", "sql", "-c", "SELECT 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_timeout__sql_says_what_was_committed),
		cmocka_unit_test(test_cli_timeout__fast_statement_runs),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
