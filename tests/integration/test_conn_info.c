/*
 * Integration: what a connection reports about itself (src/odbc/conn_info.c).
 * Pins down: the driver's and the server's names and versions come from the driver (psqlODBC's
 * file name, a PostgreSQL DBMS); the driver settings in effect are read from the connection
 * string the driver completed, so each test DSN's own settings show (read back from the DSN's
 * section of $ODBCINI, whatever the DSN is called), and a setting given in a
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

/* The DSN's own value of a psqlODBC setting, or the driver's default when it sets none. */
static const char *dsn_setting(const char *key, const char *dflt, char *buf, size_t cap)
{
	return testdb_dsn_key(testdb_dsn(), key, buf, cap) ? buf : dflt;
}

static void test_conn_info__settings_in_effect(void **state)
{
	testdb *db = *state;
	char ssp[16], declare[16], fetch[16], buf[4], want[3][64];

	assert_pgv(db->conn, pgv_conn_setting(ssp, sizeof(ssp), db->conn, "UseServerSidePrepare"),
		0);
	assert_pgv(db->conn, pgv_conn_setting(declare, sizeof(declare), db->conn,
		"usedeclarefetch"), 0);
	assert_pgv(db->conn, pgv_conn_setting(fetch, sizeof(fetch), db->conn, "Fetch"), 0);
	/* what the DSN says, whatever it is called */
	assert_string_equal(ssp, dsn_setting("UseServerSidePrepare", "1", want[0], sizeof(want[0])));
	assert_string_equal(declare, dsn_setting("UseDeclareFetch", "0", want[1], sizeof(want[1])));
	assert_string_equal(fetch, dsn_setting("Fetch", "100", want[2], sizeof(want[2])));
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
	char target[512], fetch[16], pwd[128], braced[260];
	pgv_conn *c = NULL;
	size_t k = 0;

	(void)state;
	/*
	 * A password in braces, '}' doubled: the DSN's own where it has one (a server that checks
	 * it), else one with ';' and '}' in it (the embedded server takes any)
	 */
	if (!testdb_dsn_key(testdb_dsn(), "Password", pwd, sizeof(pwd))
			&& !testdb_dsn_key(testdb_dsn(), "PWD", pwd, sizeof(pwd)))
		snprintf(pwd, sizeof(pwd), "se;cr}et");
	braced[k++] = '{';
	for (const char *p = pwd; *p && k < sizeof(braced) - 3; p++) {
		braced[k++] = *p;
		if (*p == '}')
			braced[k++] = '}';
	}
	braced[k++] = '}';
	braced[k] = '\0';
	snprintf(target, sizeof(target), "DSN=%s;UseDeclareFetch=1;Fetch=7;PWD=%s", testdb_dsn(),
		braced);
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
