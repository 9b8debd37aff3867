/*
 * Native: authentication on a real PostgreSQL 15 with scram-sha-256 over TCP, which the embedded
 * server cannot test (it accepts any user and password).  The right password logs in; a wrong
 * one, an unknown user and an empty password are refused with PGV_ECONN, the server's reason in
 * the message, and no password echoed.
 *
 * psqlODBC reports every failed login as SQLSTATE 08001 (libpq's connection failure): the
 * server's 28P01 (invalid_password) does not reach ODBC, only its message does.  The tests accept
 * 28P01 too, in case a driver passes it on, and nothing else.
 */
#include "native_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fails unless `text` contains `part`, showing both. */
static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("expected the message to contain\n  %s\nbut it is\n  %s", part, text);
}

/*
 * Opens a connection as user/password, expects PGV_ECONN and checks the error: SQLSTATE of a
 * refused login, the server's reason quoted, the DSN named, the password not shown, and the
 * failed connection refusing further work.
 */
static void expect_refused(const char *user, const char *password, const char *reason)
{
	char connstr[512], dsn_part[128];
	pgv_conn *c = NULL;
	const pgv_error *e;
	int rc;

	native_connstr(connstr, sizeof(connstr), user, password);
	rc = pgv_conn_open(&c, connstr);
	assert_non_null(c);
	e = pgv_conn_error(c);
	if (rc != PGV_ECONN)
		fail_msg("logging in as \"%s\" gave %s, want PGV_ECONN: [%s] %s", user,
			pgv_status_name(rc), e->sqlstate, e->message);
	assert_int_equal(e->status, PGV_ECONN);
	if (strcmp(e->sqlstate, "08001") != 0 && strcmp(e->sqlstate, "28P01") != 0)
		fail_msg("SQLSTATE %s for a refused login, want 08001 (psqlODBC) or 28P01: %s",
			e->sqlstate, e->message);
	assert_contains(e->message, reason);
	snprintf(dsn_part, sizeof(dsn_part), "cannot connect to DSN \"%s\"", testdb_dsn());
	assert_contains(e->message, dsn_part);
	if (password[0] && strstr(e->message, password))
		fail_msg("the message shows the password: %s", e->message);
	assert_string_equal(e->operation, "pgv_conn_open: SQLDriverConnect");

	/* A connection that never opened refuses work instead of crashing. */
	assert_int_equal(pgv_conn_exec(c, "SELECT 1"), PGV_ECONN);
	assert_int_equal(pgv_conn_begin(c), PGV_ECONN);
	pgv_conn_close(c);
}

/* The right user and password, given in the connection string, log in as that user. */
static void test_native_auth__right_password_connects(void **state)
{
	char user[64], password[128], connstr[512];
	const char *who;
	pgv_conn *c = NULL;
	pgv_stmt *st = NULL;
	int rc;

	(void)state;
	native_credentials(user, password);
	native_connstr(connstr, sizeof(connstr), user, password);
	rc = pgv_conn_open(&c, connstr);
	assert_pgv(c, rc, PGV_OK);
	assert_pgv(c, pgv_stmt_prepare(&st, c, "SELECT session_user::text"), PGV_OK);
	assert_pgv(c, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(c, pgv_stmt_column_text(&who, NULL, st, 1), PGV_OK);
	assert_string_equal(who, user);
	pgv_stmt_free(st);
	pgv_conn_close(c);
}

/* A wrong password for an existing user: refused, "password authentication failed". */
static void test_native_auth__wrong_password_fails(void **state)
{
	char user[64], password[128], wrong[140], reason[128];

	(void)state;
	native_credentials(user, password);
	snprintf(wrong, sizeof(wrong), "%s-wrong", password);
	snprintf(reason, sizeof(reason), "password authentication failed for user \"%s\"", user);
	expect_refused(user, wrong, reason);
}

/*
 * A user the server does not have (checked in pg_roles first): refused with the same message as
 * a wrong password, so the server does not reveal which users exist.
 */
static void test_native_auth__unknown_user_fails(void **state)
{
	testdb *db = *state;
	char user[64], password[128], nobody[64], reason[128], sql[160];

	native_credentials(user, password);
	snprintf(nobody, sizeof(nobody), "pgvt_nobody_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_roles WHERE rolname = '%s'", nobody);
	assert_int_equal(testdb_query_int(db, sql), 0);
	snprintf(reason, sizeof(reason), "password authentication failed for user \"%s\"", nobody);
	expect_refused(nobody, password, reason);
}

/* An empty password, overriding the DSN's: libpq does not even try ("no password supplied"). */
static void test_native_auth__empty_password_fails(void **state)
{
	char user[64], password[128];

	(void)state;
	native_credentials(user, password);
	expect_refused(user, "", "no password supplied");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_auth__right_password_connects),
		cmocka_unit_test(test_native_auth__wrong_password_fails),
		cmocka_unit_test(test_native_auth__unknown_user_fails),
		cmocka_unit_test(test_native_auth__empty_password_fails),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, native_setup, testdb_teardown));
}
