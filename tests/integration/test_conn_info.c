/*
 * Integration: what a connection reports about itself (src/odbc/conn_info.c).
 * Pins down: the driver's and the server's names and versions come from the driver (psqlODBC's
 * file name and a PostgreSQL DBMS, or the SQLite driver's and SQLite); the driver settings in
 * effect (psqlODBC's, or the SQLite driver's) are read from the connection
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
	assert_non_null(strstr(buf, testdb_sql(db, "psqlodbc", "sqlite3odbc")));
	assert_pgv(db->conn, pgv_conn_info(buf, sizeof(buf), db->conn, PGV_INFO_DBMS_NAME), 0);
	assert_string_equal(buf, testdb_sql(db, "PostgreSQL", "SQLite"));
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

/* The DSN's own value of a driver setting, or the driver's default when it sets none. */
static const char *dsn_setting(const char *key, const char *dflt, char *buf, size_t cap)
{
	return testdb_dsn_key(testdb_dsn(), key, buf, cap) ? buf : dflt;
}

/*
 * Three settings of each driver, asked in any case, with the driver's defaults: psqlODBC's, and
 * the SQLite driver's (its DSN written by scripts/sqlite-dsn.sh sets all three).
 */
static const char *const postgresql_keys[3][3] = { { "UseServerSidePrepare", "1", "" },
	{ "usedeclarefetch", "0", "UseDeclareFetch" }, { "Fetch", "100", "" } };
static const char *const sqlite_keys[3][3] = { { "Timeout", "100000", "" },
	{ "journalmode", "", "JournalMode" }, { "SyncPragma", "NORMAL", "" } };

static void test_conn_info__settings_in_effect(void **state)
{
	testdb *db = *state;
	const char *const (*keys)[3] = db->backend == PGV_BACKEND_SQLITE ? sqlite_keys
		: postgresql_keys;
	char got[3][1024], buf[4], want[3][1024];

	for (int i = 0; i < 3; i++) {
		assert_pgv(db->conn, pgv_conn_setting(got[i], sizeof(got[i]), db->conn, keys[i][0]), 0);
		/* what the DSN says, whatever it is called */
		assert_string_equal(got[i], dsn_setting(keys[i][2][0] ? keys[i][2] : keys[i][0],
			keys[i][1], want[i], sizeof(want[i])));
	}
	if (db->backend == PGV_BACKEND_SQLITE) {
		/* the database file the program works in (testdb_setup's), as the DSN names it */
		assert_pgv(db->conn, pgv_conn_setting(got[0], sizeof(got[0]), db->conn, "Database"), 0);
		assert_string_equal(got[0], dsn_setting("Database", "", want[0], sizeof(want[0])));
		assert_non_null(strstr(got[0], "pgvt_"));
	}
	assert_int_equal(pgv_conn_setting(buf, sizeof(buf), db->conn, "PWD"), PGV_ENOTFOUND);
	assert_int_equal(pgv_conn_setting(buf, sizeof(buf), db->conn, "Password"), PGV_ENOTFOUND);
	assert_int_equal(pgv_conn_setting(buf, sizeof(buf), db->conn, "NoSuchKey"), PGV_ENOTFOUND);
	assert_message_has(db->conn, "\"NoSuchKey\"");
	assert_int_equal(pgv_conn_setting(buf, 1, db->conn, keys[2][0]), PGV_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(pgv_conn_setting(buf, sizeof(buf), db->conn, ""), PGV_EINVAL);
}

/* A connection string's own setting is what the driver completes with. */
static void test_conn_info__connection_string_wins(void **state)
{
	testdb *db = *state;
	char target[512], fetch[16], pwd[128], braced[260];
	pgv_conn *c = NULL;
	size_t k = 0;

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
	snprintf(target, sizeof(target), testdb_sql(db, "DSN=%s;UseDeclareFetch=1;Fetch=7;PWD=%s",
		"DSN=%s;SyncPragma=OFF;Timeout=7;PWD=%s"), testdb_dsn(), braced);
	assert_int_equal(pgv_conn_open(&c, target), 0);
	assert_pgv(c, pgv_conn_setting(fetch, sizeof(fetch), c, testdb_sql(db, "Fetch", "Timeout")),
		0);
	assert_string_equal(fetch, "7");
	assert_pgv(c, pgv_conn_setting(fetch, sizeof(fetch), c,
		testdb_sql(db, "UseDeclareFetch", "SyncPragma")), 0);
	assert_string_equal(fetch, testdb_sql(db, "1", "OFF"));
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

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
