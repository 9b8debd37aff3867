/*
 * Integration: what a connection reports about itself (src/odbc/conn_info.c).
 * Pins down: the driver's and the server's names and versions come from the driver (psqlODBC's
 * file name, a PostgreSQL DBMS); the driver settings in effect are read from the connection
 * string the driver completed, so each test DSN's own settings show (pgvodbc_declfetch:
 * UseDeclareFetch=1, Fetch=2; pgvodbc_nossp: UseServerSidePrepare=0), and a setting given in a
 * connection string wins over the DSN's; the password is never handed out; bad arguments and
 * values that do not fit are PGV_EINVAL with "" written.
 */
#include "testdb.h"

#include <stdio.h>
#include <string.h>

static void test_conn_info__driver_and_dbms(void **state)
{
	testdb *db = *state;
	char buf[128];

	assert_pgv(db->conn, pgv_conn_info(buf, sizeof(buf), db->conn, PGV_INFO_DRIVER_NAME), 0);
	assert_non_null(strstr(buf, "psqlodbc"));
	assert_pgv(db->conn, pgv_conn_info(buf, sizeof(buf), db->conn, PGV_INFO_DBMS_NAME), 0);
	assert_string_equal(buf, "PostgreSQL");
	assert_pgv(db->conn, pgv_conn_info(buf, sizeof(buf), db->conn, PGV_INFO_DATA_SOURCE), 0);
	assert_string_equal(buf, testdb_dsn());
	assert_pgv(db->conn, pgv_conn_info(buf, sizeof(buf), db->conn, PGV_INFO_DRIVER_VERSION), 0);
	assert_true(buf[0] >= '0' && buf[0] <= '9');
	/* too small for the value: refused, nothing half-written */
	assert_int_equal(pgv_conn_info(buf, 3, db->conn, PGV_INFO_DRIVER_NAME), PGV_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(pgv_conn_info(buf, sizeof(buf), db->conn, (pgv_info_item)99), PGV_EINVAL);
	assert_int_equal(pgv_conn_info(NULL, 10, db->conn, PGV_INFO_DBMS_NAME), PGV_EINVAL);
	assert_int_equal(pgv_conn_info(buf, sizeof(buf), NULL, PGV_INFO_DBMS_NAME), PGV_EINVAL);
}

static void test_conn_info__settings_in_effect(void **state)
{
	testdb *db = *state;
	const char *dsn = testdb_dsn();
	char ssp[16], declare[16], fetch[16], buf[4];

	assert_pgv(db->conn, pgv_conn_setting(ssp, sizeof(ssp), db->conn, "UseServerSidePrepare"),
		0);
	assert_pgv(db->conn, pgv_conn_setting(declare, sizeof(declare), db->conn,
		"usedeclarefetch"), 0);
	assert_pgv(db->conn, pgv_conn_setting(fetch, sizeof(fetch), db->conn, "Fetch"), 0);
	assert_string_equal(ssp, strcmp(dsn, "pgvodbc_nossp") == 0 ? "0" : "1");
	assert_string_equal(declare, strcmp(dsn, "pgvodbc_declfetch") == 0 ? "1" : "0");
	assert_string_equal(fetch, strcmp(dsn, "pgvodbc_declfetch") == 0 ? "2" : "100");
	assert_int_equal(pgv_conn_setting(buf, sizeof(buf), db->conn, "PWD"), PGV_ENOTFOUND);
	assert_int_equal(pgv_conn_setting(buf, sizeof(buf), db->conn, "Password"), PGV_ENOTFOUND);
	assert_int_equal(pgv_conn_setting(buf, sizeof(buf), db->conn, "NoSuchKey"), PGV_ENOTFOUND);
	assert_message_has(db->conn, "\"NoSuchKey\"");
	assert_int_equal(pgv_conn_setting(buf, 1, db->conn, "Fetch"), PGV_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(pgv_conn_setting(buf, sizeof(buf), db->conn, ""), PGV_EINVAL);
}

/* A connection string's own setting is what the driver completes with. */
static void test_conn_info__connection_string_wins(void **state)
{
	char target[256], fetch[16], pwd[64];
	pgv_conn *c = NULL;

	(void)state;
	snprintf(target, sizeof(target), "DSN=%s;UseDeclareFetch=1;Fetch=7;PWD={se;cr}}et}",
		testdb_dsn());
	assert_int_equal(pgv_conn_open(&c, target), 0);
	assert_pgv(c, pgv_conn_setting(fetch, sizeof(fetch), c, "Fetch"), 0);
	assert_string_equal(fetch, "7");
	assert_pgv(c, pgv_conn_setting(fetch, sizeof(fetch), c, "UseDeclareFetch"), 0);
	assert_string_equal(fetch, "1");
	assert_int_equal(pgv_conn_setting(pwd, sizeof(pwd), c, "PWD"), PGV_ENOTFOUND);
	pgv_conn_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn_info__driver_and_dbms),
		cmocka_unit_test(test_conn_info__settings_in_effect),
		cmocka_unit_test(test_conn_info__connection_string_wins),
	};

	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
