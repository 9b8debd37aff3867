/*
 * Integration: the pgvodbc command-line tool, run as a child process on the embedded server
 * (DSN from PGVODBC_TEST_DSN): help and version, its exit statuses (0; 1 database, input or
 * connection error; 2 usage error) with the messages that go with them, and how it finds its
 * connection (--dsn, PGVODBC_DSN).  Reading and writing: test_cli_store.c; migrations and the
 * demo: test_cli_migrate.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Runs `pgvodbc ARGS...` (no --dsn added) with PGVODBC_DSN set to env_dsn (unset when NULL). */
#define CLI_ENV(r, env_dsn, ...) do { \
		const char *args_[] = { __VA_ARGS__, NULL }; \
		clirun_run_env((r), (env_dsn), NULL, 0, args_); \
	} while (0)

/* ---- help, version, usage ------------------------------------------------------------------ */

/* --help (three spellings) prints the help on stdout with status 0; --version prints both. */
static void test_cli__help_and_version(void **state)
{
	clirun r = { 0 };
	char want[64];
	(void)state;

	CLI_ENV(&r, NULL, "--help");
	assert_status(&r, 0);
	assert_contains(r.out, "usage: pgvodbc COMMAND");
	assert_contains(r.out, "PGVODBC_DSN");
	assert_string_equal(r.err, "");
	clirun_free(&r);

	CLI_ENV(&r, NULL, "help", "knn");
	assert_status(&r, 0);
	assert_contains(r.out, "usage: pgvodbc knn");
	assert_contains(r.out, "--metric");
	clirun_free(&r);

	CLI_ENV(&r, NULL, "upsert", "--help");
	assert_status(&r, 0);
	assert_contains(r.out, "usage: pgvodbc upsert");
	clirun_free(&r);

	CLI_ENV(&r, NULL, "--version");
	assert_status(&r, 0);
	snprintf(want, sizeof(want), "pgvodbc %s\nlibpgvodbc %s\n", PGV_VERSION_STRING,
		pgv_version());
	assert_string_equal(r.out, want);
	clirun_free(&r);
}

/* Usage errors exit 2 with nothing on stdout and a message naming the problem plus a hint. */
static void test_cli__usage_errors_exit_2(void **state)
{
	static const struct {
		const char *args[6];
		const char *says;
	} cases[] = {
		{ { NULL }, "no command given" },
		{ { "frobnicate", NULL }, "unknown command \"frobnicate\"" },
		{ { "list", "--frob", NULL }, "unknown option --frob" },
		{ { "list", "--k", "3", NULL }, "option --k does not apply to list" },
		{ { "knn", "--k", NULL }, "option --k needs a value" },
		{ { "knn", "--k", "0", "[1,2,3,4]", NULL }, "--k needs a whole number" },
		{ { "knn", "--k", "two", "[1,2,3,4]", NULL }, "not \"two\"" },
		{ { "knn", "--metric", "manhattan", "[1,2,3,4]", NULL }, "--metric must be" },
		{ { "knn", NULL }, "missing VECTOR" },
		{ { "upsert", "1", "[1,2,3,4]", "2", NULL }, "the id \"2\" has no VECTOR" },
		{ { "migrate", "sideways", NULL }, "expected up, down or status" },
		{ { "migrate", "up", "--steps", "2", NULL }, "--steps applies to migrate down" },
		{ { "distance", "--id", "x", "[1,2,3,4]", NULL }, "--id needs a 64-bit" },
		{ { "help", "nothing", NULL }, "no command \"nothing\"" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[10] = { "--dsn", testdb_dsn() };
		clirun r = { 0 };

		for (size_t j = 0; cases[i].args[j]; j++)
			args[2 + j] = cases[i].args[j];
		clirun_run(&r, NULL, 0, args);
		assert_status(&r, 2);
		assert_string_equal(r.out, "");
		assert_contains(r.err, cases[i].says);
		assert_contains(r.err, "Try 'pgvodbc");
		clirun_free(&r);
	}
}

/* No --dsn, no --connect and no PGVODBC_DSN is a usage error that says how to give one. */
static void test_cli__missing_connection_exit_2(void **state)
{
	clirun r = { 0 };
	(void)state;

	CLI_ENV(&r, NULL, "list");
	assert_status(&r, 2);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "no connection given");
	assert_contains(r.err, "--dsn");
	assert_contains(r.err, "PGVODBC_DSN");
	clirun_free(&r);
}

/* ---- connection -------------------------------------------------------------------------- */

/* An unknown DSN exits 1 with a message naming it; nothing on stdout. */
static void test_cli__unknown_dsn_exit_1(void **state)
{
	clirun r = { 0 };
	(void)state;

	CLI_ENV(&r, NULL, "list", "--dsn", "pgvodbc_no_such_dsn");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "pgvodbc: list: ");
	assert_contains(r.err, "pgvodbc_no_such_dsn");
	assert_contains(r.err, "(SQLSTATE ");
	clirun_free(&r);
}

/* PGVODBC_DSN is used when no option names a connection; --dsn wins over it. */
static void test_cli__env_dsn_and_precedence(void **state)
{
	testdb *db = *state;
	char table[64];
	clirun r = { 0 };

	clirun_seed_table(db, "cli_env", table);
	CLI_ENV(&r, testdb_dsn(), "list", "--table", table);
	assert_status(&r, 0);
	assert_string_equal(r.out, CLIRUN_SEED_LIST);
	clirun_free(&r);

	CLI_ENV(&r, "pgvodbc_no_such_dsn", "list", "--table", table, "--dsn", testdb_dsn());
	assert_status(&r, 0);
	assert_string_equal(r.out, CLIRUN_SEED_LIST);
	clirun_free(&r);

	CLI_ENV(&r, "pgvodbc_no_such_dsn", "list", "--table", table);
	assert_status(&r, 1);
	assert_contains(r.err, "PGVODBC_DSN");
	assert_contains(r.err, "pgvodbc_no_such_dsn");
	clirun_free(&r);
}

/* ---- database and input errors ------------------------------------------------------------ */

/* A missing table is a database error: exit 1, "pgvodbc: CMD: WHAT: MESSAGE (SQLSTATE 42P01)". */
static void test_cli__database_error_names_sqlstate(void **state)
{
	clirun r = { 0 };
	(void)state;

	CLI(&r, NULL, 0, "list", "--table", "pgvt_cli_no_such_table");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_prefix(r.err, "pgvodbc: list: ");
	assert_contains(r.err, "pgvt_cli_no_such_table");
	assert_contains(r.err, testdb_backend() == PGV_BACKEND_SQLITE ? "(SQLSTATE HY000)"
		: "(SQLSTATE 42P01)");
	clirun_free(&r);
}

/* Bad query vectors are input errors found before anything is sent: exit 1, named. */
static void test_cli__bad_query_vector_exit_1(void **state)
{
	clirun r = { 0 };
	(void)state;

	CLI(&r, NULL, 0, "knn", "[0.1,zero,0.3]");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "pgvodbc: knn: ");
	assert_contains(r.err, "invalid input syntax for type vector");
	assert_contains(r.err, "[0.1,zero,0.3]");
	clirun_free(&r);

	CLI(&r, NULL, 0, "distance", "[1,NaN,3,4]");
	assert_status(&r, 1);
	assert_contains(r.err, "NaN not allowed in vector");
	clirun_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli__help_and_version),
		cmocka_unit_test(test_cli__usage_errors_exit_2),
		cmocka_unit_test(test_cli__missing_connection_exit_2),
		cmocka_unit_test(test_cli__unknown_dsn_exit_1),
		cmocka_unit_test_setup_teardown(test_cli__env_dsn_and_precedence, testdb_setup,
			testdb_teardown),
		cmocka_unit_test(test_cli__database_error_names_sqlstate),
		cmocka_unit_test(test_cli__bad_query_vector_exit_1),
	};

	signal(SIGPIPE, SIG_IGN);
	return TESTDB_RUN(cmocka_run_group_tests_name("cli", tests, NULL, NULL));
}
