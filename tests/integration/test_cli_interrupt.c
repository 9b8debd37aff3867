/*
 * Integration: SIGINT and SIGTERM sent to the pgvodbc child while it writes, on the server named
 * by PGVODBC_TEST_DSN.  The child is made to wait on the server (a row or table lock another
 * connection of this test holds), the signal is sent, and the test checks that the statement was
 * cancelled on the server (the child ends within seconds, while the lock is still held), that
 * the message says so and what was committed, and that the table holds exactly that.  Needs a
 * server where each connection is its own session (the embedded server serves every connection
 * from one and ignores cancels): detected, and reported as a skip.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timeout_check.h"

/* Skips unless a second connection is a session of its own. */
static void need_sessions(testdb *db, pgv_conn *other)
{
	int64_t a = 0, b = 0;

	assert_int_equal(pgv_conn_backend_pid(&a, db->conn), 0);
	assert_int_equal(pgv_conn_backend_pid(&b, other), 0);
	if (a == b) {
		pgv_conn_close(other); /* the skip leaves the test: nothing else will */
		TESTDB_SKIP("every connection shares one server session here (the embedded server): "
			"a lock cannot make another connection wait");
	}
}

/*
 * Waits (up to 20 s) until a session waits for a lock `holder` holds: the child's, not that of
 * another test program running on the same server at the same time.
 */
static void wait_for_lock_wait(testdb *db, pgv_conn *holder)
{
	const struct timespec tick = { 0, 100000000L };
	int64_t pid = 0;
	char sql[160];

	assert_int_equal(pgv_conn_backend_pid(&pid, holder), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE "
		"pg_blocking_pids(pid) @> ARRAY[%lld]", (long long)pid);
	for (int i = 0; i < 200; i++) {
		if (testdb_query_int(db, sql) > 0)
			return;
		nanosleep(&tick, NULL);
	}
	fail_msg("the child never waited for the lock");
}

/* Runs the child on `input` (written to a pipe that is then closed), waits until it waits for
 * the lock `holder` holds, sends `sig`, and collects it; the child must end within 10 s. */
static void run_and_signal(testdb *db, pgv_conn *holder, clirun *r, const char *input, int sig,
	const char *const *args)
{
	int fds[2], out_fd, err_fd;
	struct timespec t0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], input, strlen(input)), (ssize_t)strlen(input));
	close(fds[1]);
	pid = clirun_start(args, fds[0], &out_fd, &err_fd);
	close(fds[0]);
	wait_for_lock_wait(db, holder);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(kill(pid, sig), 0);
	clirun_wait(r, pid, out_fd, err_fd);
	assert_true(timeout_since(&t0) < 10.0);
}

/* stdin upsert in batches of 2: the first batch commits, the second waits on a row another
 * transaction inserted; SIGINT cancels it and the message names the rows written. */
static void test_cli_interrupt__upsert_says_what_was_written(void **state)
{
	testdb *db = *state;
	pgv_conn *holder = NULL;
	char name[64], sql[200];
	clirun r = { 0 };

	testdb_create_table(db, "intr", "id bigint PRIMARY KEY, embedding vector(2)", name);
	testdb_open(db, &holder);
	need_sessions(db, holder);
	assert_int_equal(pgv_conn_begin(holder), 0);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (3, '[0,0]')", name);
	assert_int_equal(pgv_conn_exec(holder, sql), 0);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "upsert", "--table", name, "--batch",
			"2", NULL };

		run_and_signal(db, holder, &r, "1\t[1,1]\n2\t[2,2]\n3\t[3,3]\n4\t[4,4]\n", SIGINT, args);
	}
	assert_status(&r, 1);
	assert_contains(r.err, "pgvodbc: upsert: stdin line");
	assert_contains(r.err, "interrupted by SIGINT: ");
	assert_contains(r.err, "(SQLSTATE 57014); the 2 rows before line 3 were written, nothing "
		"from that line on");
	clirun_free(&r);
	assert_int_equal(pgv_conn_rollback(holder), 0);
	pgv_conn_close(holder);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, sql), 2);
}

/* upsert of pairs waiting on a table lock: SIGTERM cancels it, nothing was written. */
static void test_cli_interrupt__upsert_pairs_nothing_written(void **state)
{
	testdb *db = *state;
	pgv_conn *holder = NULL;
	char name[64], sql[200];
	clirun r = { 0 };

	testdb_create_table(db, "intp", "id bigint PRIMARY KEY, embedding vector(2)", name);
	testdb_open(db, &holder);
	need_sessions(db, holder);
	assert_int_equal(pgv_conn_begin(holder), 0);
	snprintf(sql, sizeof(sql), "LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", name);
	assert_int_equal(pgv_conn_exec(holder, sql), 0);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "upsert", "--table", name, "1",
			"[1,1]", "2", "[2,2]", NULL };

		run_and_signal(db, holder, &r, "", SIGTERM, args);
	}
	assert_status(&r, 1);
	assert_contains(r.err, "interrupted by SIGTERM: ");
	assert_contains(r.err, "; nothing was written");
	clirun_free(&r);
	assert_int_equal(pgv_conn_rollback(holder), 0);
	pgv_conn_close(holder);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, sql), 0);
}

/* sql with two texts, the second waiting on a lock: the first is committed, the second not. */
static void test_cli_interrupt__sql_says_what_was_committed(void **state)
{
	testdb *db = *state;
	pgv_conn *holder = NULL;
	char a[64], b[64], sql[200], first[200], second[200];
	clirun r = { 0 };

	testdb_create_table(db, "intsa", "id bigint PRIMARY KEY", a);
	testdb_create_table(db, "intsb", "id bigint PRIMARY KEY", b);
	testdb_open(db, &holder);
	need_sessions(db, holder);
	assert_int_equal(pgv_conn_begin(holder), 0);
	snprintf(sql, sizeof(sql), "LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", b);
	assert_int_equal(pgv_conn_exec(holder, sql), 0);
	snprintf(first, sizeof(first), "INSERT INTO %s VALUES (1)", a);
	snprintf(second, sizeof(second), "INSERT INTO %s VALUES (1)", b);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "sql", "-c", first, "-c", second, NULL };

		run_and_signal(db, holder, &r, "", SIGINT, args);
	}
	assert_status(&r, 1);
	assert_contains(r.err, "pgvodbc: sql: -c #2: interrupted by SIGINT: ");
	assert_contains(r.err, "; the 1 text before it was committed, nothing of this one");
	clirun_free(&r);
	assert_int_equal(pgv_conn_rollback(holder), 0);
	pgv_conn_close(holder);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", a);
	assert_int_equal(testdb_query_int(db, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", b);
	assert_int_equal(testdb_query_int(db, sql), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_interrupt__upsert_says_what_was_written),
		cmocka_unit_test(test_cli_interrupt__upsert_pairs_nothing_written),
		cmocka_unit_test(test_cli_interrupt__sql_says_what_was_committed),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
