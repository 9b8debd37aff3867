/* Integration: opening connections by DSN, DSN string and connection string; connect errors. */
#define _GNU_SOURCE 1 /* strcasestr */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A DSN name alone connects, the session answers a query, and the backend is recognised. */
static void test_connect__by_dsn_name(void **state)
{
	pgv_conn *c = NULL;
	const char *driver = NULL, *again = NULL;
	char want[256];

	(void)state;
	assert_pgv(c, pgv_conn_open(&c, testdb_dsn()), PGV_OK);
	assert_pgv(c, pgv_conn_exec(c, "SELECT 1"), PGV_OK);
	assert_pgv(c, pgv_conn_driver_name(&driver, c), PGV_OK);
	/* The name is the connection's: asking again hands out the same string. */
	assert_pgv(c, pgv_conn_driver_name(&again, c), PGV_OK);
	assert_ptr_equal(again, driver);
	assert_int_equal(pgv_conn_backend(c), testdb_backend());
	/*
	 * A DSN whose driver is psqlODBC's ANSI one ("PostgreSQL ANSI", or its library psqlodbca)
	 * loads psqlodbca, any other the Unicode psqlodbcw: what odbc.ini says, whatever the name;
	 * a SQLite DSN loads the SQLite3 driver, libsqlite3odbc.
	 */
	if (!testdb_dsn_key(testdb_dsn(), "Driver", want, sizeof(want)))
		fail_msg("no Driver for the DSN %s in $ODBCINI", testdb_dsn());
	if (testdb_backend() == PGV_BACKEND_SQLITE) {
		if (!strstr(driver, "sqlite3odbc"))
			fail_msg("driver \"%s\", want libsqlite3odbc", driver);
	}
	else if (strcasestr(want, "ansi") || strstr(want, "psqlodbca"))
		assert_non_null(strstr(driver, "psqlodbca"));
	else
		assert_non_null(strstr(driver, "psqlodbcw"));
	assert_int_equal(pgv_conn_is_lost(c), 0);
	pgv_conn_close(c);
}

/* "DSN=name;" with extra keywords is taken as a connection string. */
static void test_connect__by_dsn_string(void **state)
{
	pgv_conn *c = NULL;
	char target[128];

	(void)state;
	snprintf(target, sizeof(target), "DSN=%s;ReadOnly=0", testdb_dsn());
	assert_pgv(c, pgv_conn_open(&c, target), PGV_OK);
	assert_pgv(c, pgv_conn_exec(c, "SELECT 1"), PGV_OK);
	pgv_conn_close(c);
}

/*
 * A full connection string naming the driver needs no DSN at all.  Its server, database, user
 * and password are the DSN's under test (from $ODBCINI); on SQLite its database file and
 * extensions, and sqlite-vec answers.
 */
static void test_connect__by_connection_string(void **state)
{
	static const char *const keys[] = { "Servername", "Port", "Database", "Username",
		"Password" };
	pgv_conn *c = NULL;
	char target[1200], v[5][200];

	(void)state;
	if (testdb_backend() == PGV_BACKEND_SQLITE) {
		char db[512], ext[512];
		int version = 0;

		if (!testdb_dsn_key(testdb_dsn(), "Database", db, sizeof(db)) ||
			!testdb_dsn_key(testdb_dsn(), "LoadExt", ext, sizeof(ext)))
			fail_msg("the SQLite DSN %s names no Database and LoadExt", testdb_dsn());
		snprintf(target, sizeof(target), "Driver=SQLite3;Database=%s;LoadExt=%s", db, ext);
		assert_pgv(c, pgv_conn_open(&c, target), PGV_OK);
		assert_int_equal(pgv_conn_backend(c), PGV_BACKEND_SQLITE);
		assert_pgv(c, pgv_conn_vector_version(&version, NULL, c), PGV_OK);
		assert_true(version >= 100);
		pgv_conn_close(c);
		return;
	}
	for (size_t i = 0; i < 5; i++) {
		if (!testdb_dsn_key(testdb_dsn(), keys[i], v[i], sizeof(v[i])))
			v[i][0] = '\0';
	}
	if (!v[0][0] || !v[2][0])
		TESTDB_SKIP("the DSN %s names no Servername and Database in $ODBCINI", testdb_dsn());
	snprintf(target, sizeof(target), "Driver={PostgreSQL Unicode};Server=%s;Port=%s;"
		"Database=%s;Uid=%s;Pwd=%s;SSLmode=disable", v[0], v[1][0] ? v[1] : "5432", v[2],
		v[3], v[4]);
	assert_pgv(c, pgv_conn_open(&c, target), PGV_OK);
	assert_pgv(c, pgv_conn_exec(c, "SELECT 1"), PGV_OK);
	pgv_conn_close(c);
}

/* An unknown DSN fails with PGV_ECONN, IM002, and a message naming the DSN and the reason. */
static void test_connect__unknown_dsn_is_a_clear_error(void **state)
{
	pgv_conn *c = NULL;
	const pgv_error *e;

	(void)state;
	assert_int_equal(pgv_conn_open(&c, "pgvodbc_no_such_dsn"), PGV_ECONN);
	assert_non_null(c);
	e = pgv_conn_error(c);
	assert_int_equal(e->status, PGV_ECONN);
	assert_string_equal(e->sqlstate, "IM002");
	assert_non_null(strstr(e->message, "\"pgvodbc_no_such_dsn\""));
	assert_non_null(strstr(e->message, "not found"));
	assert_non_null(strstr(e->operation, "SQLDriverConnect"));
	/* A handle that never connected refuses work with a clear error. */
	assert_int_equal(pgv_conn_exec(c, "SELECT 1"), PGV_ECONN);
	assert_non_null(strstr(pgv_conn_error(c)->message, "not open"));
	pgv_conn_close(c);
}

/* A refused TCP connection is PGV_ECONN with a class 08 SQLSTATE, and no password is echoed. */
static void test_connect__refused_server(void **state)
{
	pgv_conn *c = NULL;
	const pgv_error *e;

	(void)state;
	/* Port 1 on loopback: nothing listens there. */
	assert_int_equal(pgv_conn_open(&c, "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;"
		"Database=postgres;Uid=postgres;Pwd=s3cret"), PGV_ECONN);
	e = pgv_conn_error(c);
	assert_int_equal(strncmp(e->sqlstate, "08", 2), 0);
	assert_null(strstr(e->message, "s3cret"));
	assert_non_null(strstr(e->message, "cannot connect"));
	pgv_conn_close(c);
}

/* Bad arguments are refused without a crash; NULL handles are safe everywhere. */
static void test_connect__null_arguments(void **state)
{
	pgv_conn *c = NULL;

	(void)state;
	assert_int_equal(pgv_conn_open(NULL, "x"), PGV_EINVAL);
	assert_int_equal(pgv_conn_open(&c, NULL), PGV_EINVAL);
	assert_null(c);
	assert_int_equal(pgv_conn_error(NULL)->status, PGV_EINVAL);
	assert_int_equal(pgv_conn_exec(NULL, "SELECT 1"), PGV_EINVAL);
	pgv_conn_close(NULL);
}

/*
 * A DSN whose ConnSettings lowers extra_float_digits cannot make float4[] text lossy: the
 * library raises it again on connect.
 */
static void test_connect__float_text_stays_exact(void **state)
{
	testdb db = { 0 };
	pgv_stmt *st = NULL;
	char target[256];
	double d;

	(void)state;
	snprintf(target, sizeof(target), "DSN=%s;ConnSettings=SET extra_float_digits%%3D0",
		testdb_dsn());
	/* psqlODBC decodes %3D in ConnSettings; a plain = would end the keyword value. */
	assert_pgv(db.conn, pgv_conn_open(&db.conn, target), PGV_OK);
	assert_true(testdb_query_int(&db, "SELECT current_setting('extra_float_digits')::int") >= 1);
	assert_pgv(db.conn, pgv_stmt_prepare(&st, db.conn,
		"SELECT (ARRAY[0.1::float4])[1]::float8"), PGV_OK);
	assert_pgv(db.conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db.conn, pgv_stmt_column_double(&d, st, 1), PGV_OK);
	assert_true(d == (double)0.1f);
	pgv_stmt_free(st);
	pgv_conn_close(db.conn);
}

/*
 * A database file SQLite cannot create (its directory does not exist) is refused at connect with
 * PGV_ECONN, the DSN named (the driver's own message, "connect failed", names no file).
 */
static void test_connect__unopenable_database_file(void **state)
{
	pgv_conn *c = NULL;
	char target[256];

	(void)state;
	snprintf(target, sizeof(target), "DSN=%s;Database=/nonexistent-pgvodbc-dir/x.db",
		testdb_dsn());
	assert_int_equal(pgv_conn_open(&c, target), PGV_ECONN);
	assert_message_has(c, "cannot connect");
	assert_message_has(c, testdb_dsn());
	pgv_conn_close(c);
}

/*
 * The vector extension's version: pgvector's from pg_extension, sqlite-vec's from vec_version();
 * without the extension it is PGV_ENOTFOUND.
 */
static void test_connect__vector_version(void **state)
{
	testdb *db = *state;
	const char *text = NULL, *again = NULL;
	int v = 0, v2 = 0;
	int sqlite = db->backend == PGV_BACKEND_SQLITE;

	assert_pgv(db->conn, pgv_conn_vector_version(&v, &text, db->conn), PGV_OK);
	assert_true(v >= (sqlite ? 100 : 500)); /* sqlite-vec 0.1.0, pgvector 0.5.0 */
	assert_true(strlen(text) >= 5);
	assert_int_equal(v / 10000, strtol(text, NULL, 10));
	/* The text is the connection's and stays valid: the same version gives the same string. */
	assert_pgv(db->conn, pgv_conn_vector_version(&v2, &again, db->conn), PGV_OK);
	assert_int_equal(v2, v);
	assert_ptr_equal(again, text);
	assert_pgv(db->conn, pgv_conn_vector_version(&v2, NULL, db->conn), PGV_OK);

	if (sqlite) {
		/* A connection whose DSN loads no extension has no sqlite-vec: not found. */
		pgv_conn *bare = NULL;
		char target[512], file[400];

		if (!testdb_dsn_key(testdb_dsn(), "Database", file, sizeof(file)))
			fail_msg("the SQLite DSN %s names no Database", testdb_dsn());
		snprintf(target, sizeof(target), "Driver=SQLite3;Database=%s", file);
		assert_pgv(bare, pgv_conn_open(&bare, target), PGV_OK);
		assert_int_equal(pgv_conn_vector_version(&v, &again, bare), PGV_ENOTFOUND);
		assert_int_equal(v, 0);
		assert_string_equal(again, "");
		pgv_conn_close(bare);
		return;
	}
	/*
	 * Without the extension in this database the version is not found, not zero.  Checked when
	 * this test created the extension itself (the database started empty), so dropping it cannot
	 * break anyone else's tables.
	 */
	if (!db->created_extension)
		return;
	testdb_exec(db, "DROP EXTENSION vector");
	assert_int_equal(pgv_conn_vector_version(&v, &again, db->conn), PGV_ENOTFOUND);
	assert_int_equal(v, 0);
	assert_string_equal(again, "");
	assert_true(strlen(text) >= 5); /* the earlier text is still valid */
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "not installed"));
	testdb_exec(db, "CREATE EXTENSION vector");
}

/*
 * A SQLite connection without sqlite-vec (its connection string, like a DSN, names no LoadExt)
 * still opens and runs plain SQL, but a store call says at once that the extension is not
 * loaded and which DSN key loads it, instead of SQLite's "no such function" from deep inside.
 */
static void test_connect__sqlite_vec_not_loaded(void **state)
{
	testdb *db = *state;
	pgv_conn *bare = NULL;
	char target[512], file[400], table[64];
	const float q[2] = { 1, 0 };
	pgv_table t;
	pgv_rows *rows = NULL;
	int64_t n = -1;

	testdb_create_table(db, "novec", "id INTEGER PRIMARY KEY, embedding vector(2)", table);
	if (!testdb_dsn_key(testdb_dsn(), "Database", file, sizeof(file)))
		fail_msg("the SQLite DSN %s names no Database", testdb_dsn());
	snprintf(target, sizeof(target), "Driver=SQLite3;Database=%s", file);
	assert_pgv(bare, pgv_conn_open(&bare, target), PGV_OK);
	assert_int_equal(pgv_conn_backend(bare), PGV_BACKEND_SQLITE);
	assert_pgv(bare, pgv_conn_exec(bare, "SELECT 1"), PGV_OK);
	t = testdb_table(table, PGV_TYPE_VECTOR);
	assert_int_equal(pgv_store_count(&n, bare, &t), PGV_EUNSUPPORTED);
	assert_message_has(bare, "the sqlite-vec extension is not loaded");
	assert_message_has(bare, "LoadExt");
	assert_non_null(strstr(pgv_conn_error(bare)->operation, "pgv_store_count"));
	assert_int_equal(pgv_store_distances(&rows, bare, &t, PGV_METRIC_L2, q, 2, NULL, 0),
		PGV_EUNSUPPORTED);
	assert_null(rows);
	assert_message_has(bare, "LoadExt");
	pgv_conn_close(bare);
	/* the same table through the DSN, which loads it */
	assert_pgv(db->conn, pgv_store_count(&n, db->conn, &t), PGV_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect__by_dsn_name),
		cmocka_unit_test(test_connect__by_dsn_string),
		cmocka_unit_test(test_connect__by_connection_string),
		cmocka_unit_test(test_connect__unknown_dsn_is_a_clear_error),
		cmocka_unit_test(test_connect__refused_server),
		cmocka_unit_test(test_connect__null_arguments),
		cmocka_unit_test(test_connect__unopenable_database_file),
		cmocka_unit_test(test_connect__float_text_stays_exact),
		cmocka_unit_test(test_connect__vector_version),
		cmocka_unit_test(test_connect__sqlite_vec_not_loaded),
	};
	/* TCP, and psqlODBC's ConnSettings; SQLite has its own case of an unopenable database */
	static const char *const postgresql_only[] = { "test_connect__refused_server",
		"test_connect__float_text_stays_exact", NULL };
	static const char *const sqlite_only[] = { "test_connect__unopenable_database_file",
		"test_connect__sqlite_vec_not_loaded", NULL };

	return TESTDB_RUN_GROUP(tests, testdb_setup, testdb_teardown, postgresql_only, sqlite_only);
}
