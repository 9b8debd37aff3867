/*
 * Test support for integration tests: a connection to the DSN named by PGVODBC_TEST_DSN (the
 * embedded PostgreSQL server, a server of your own, or SQLite with sqlite-vec), isolated from
 * other test programs (a schema of its own on PostgreSQL, a database file of its own on SQLite),
 * the vector extension ensured, and tables that are dropped afterwards.
 */
#ifndef PGV_TESTDB_H
#define PGV_TESTDB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pgvodbc.h"

typedef struct testdb {
	pgv_conn *conn;
	int created_extension; /* this test created the vector extension and drops it */
	char tables[16][64];   /* tables to drop at the end */
	int ntables;
	char schema[64];       /* the program's own schema, first in the search_path */
	pgv_backend backend;   /* the backend under test (testdb_backend) */
} testdb;

/*
 * Skipping, reported to CTest: TESTDB_SKIP says why on stderr, records that a test was skipped
 * and skips it (cmocka's skip()); a program's main returns TESTDB_RUN(cmocka's result), which is
 * TESTDB_SKIP_CODE when nothing failed and something was skipped.  CTest's SKIP_RETURN_CODE is
 * set to it (tests/CMakeLists.txt), so the test shows "Skipped", never "Passed".
 */
#define TESTDB_SKIP_CODE 77
#define TESTDB_SKIP(...) \
	do { \
		testdb_note_skip(__VA_ARGS__); \
		skip(); \
	} while (0)
void testdb_note_skip(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
int testdb_run(int cmocka_result);
#define TESTDB_RUN(r) testdb_run(r)

/* The DSN under test (PGVODBC_TEST_DSN); fails the test when unset. */
const char *testdb_dsn(void);

/*
 * The backend the DSN under test reaches: PGVODBC_TEST_BACKEND ("postgresql" or "sqlite", set by
 * CTest), else SQLite when the DSN's Driver entry in $ODBCINI names SQLite, else PostgreSQL.
 * Known before connecting, so testdb_setup can isolate the program before its first connect;
 * testdb_setup then checks that the library recognises the same backend.
 */
pgv_backend testdb_backend(void);

/*
 * Runs a cmocka group as cmocka_run_group_tests does, but only the cases of the backend under
 * test: without those named in `postgresql_only` on SQLite, and without those in `sqlite_only`
 * on PostgreSQL (lists NULL-terminated, NULL for none).  A case left out is named on stderr as
 * not part of this backend's suite (it does not apply, so it is not a skip); a list naming a case
 * the group lacks fails the program.  Returns TESTDB_RUN of cmocka's result.
 */
int testdb_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
	CMFixtureFunction setup, CMFixtureFunction teardown, const char *const *postgresql_only,
	const char *const *sqlite_only);
#define TESTDB_RUN_GROUP(tests, setup, teardown, postgresql_only, sqlite_only) \
	testdb_run_group(#tests, (tests), sizeof(tests) / sizeof((tests)[0]), (setup), (teardown), \
		(postgresql_only), (sqlite_only))

/*
 * The value of `key` (case-insensitive) in the DSN's section of $ODBCINI, copied into buf;
 * 1 when found, 0 otherwise (no ODBCINI, no such section or key).
 */
int testdb_dsn_key(const char *dsn, const char *key, char *buf, size_t cap);

/* The embedded server's port, read from $ODBCSYSINI/port; fails the test when unknown. */
int testdb_port(void);

/*
 * CMocka setup/teardown: *state becomes a testdb with an open connection, isolated so that test
 * programs can run at the same time and leave nothing behind.
 * On PostgreSQL it works in a schema of its own ("pgvt_<program>_<pid>", created here and dropped
 * with everything in it by teardown).  The schema comes first in the connection's search_path,
 * then the vector extension's schema; PGOPTIONS is set to the same search_path, so every other
 * connection this process or its children (the CLI) open through libpq starts there too.
 * On SQLite it works in a database file of its own ("pgvt_<program>_<pid>.db", next to the DSN's
 * Database): ODBCINI is pointed at a copy of $ODBCINI whose section of the DSN names that file,
 * so every connection of this process and of its children (the CLI) opens it by the same DSN
 * name; teardown deletes the file (and its -wal, -shm and -journal files) and the copy.
 */
int testdb_setup(void **state);
int testdb_teardown(void **state);

/* Opens another connection to the DSN under test, in the test's schema. */
void testdb_open(testdb *db, pgv_conn **out);

/*
 * Creates a table for this test with a unique name (prefix + process id) from a column list,
 * remembers it for teardown, and writes its name into `name` (64 bytes).
 */
void testdb_create_table(testdb *db, const char *prefix, const char *columns, char name[64]);

/* Runs SQL and fails the test, printing the connection's error, when it does not succeed. */
void testdb_exec(testdb *db, const char *sql);

/* Runs a query returning one integer and returns it (fails the test otherwise). */
int64_t testdb_query_int(testdb *db, const char *sql);

/* Fails the test with the connection's error when rc is not the expected one. */
#define assert_pgv(conn, rc, want) \
	testdb_assert_status((conn), (rc), (want), __FILE__, __LINE__)
void testdb_assert_status(pgv_conn *conn, int rc, int want, const char *file, int line);

/* Deterministic pseudo-random numbers (xorshift64*). */
uint64_t testdb_rand(uint64_t *seed);

/* A finite float from random bits (testdb_rand), so every exponent, subnormals included, comes. */
float testdb_random_float(uint64_t *seed);

/* A pgv_table naming `table` with the default columns and the column type `type`. */
pgv_table testdb_table(const char *table, pgv_type type);

/* Fails the test unless the connection's last error message holds `part`. */
#define assert_message_has(conn, part) \
	testdb_assert_message((conn), (part), __FILE__, __LINE__)
void testdb_assert_message(pgv_conn *conn, const char *part, const char *file, int line);

/* Runs a query of one text value and copies it into `out` (`cap` bytes, truncated to fit). */
void testdb_query_text(testdb *db, const char *sql, char *out, size_t cap);

/* Asserts that `SHOW name` gives `want`. */
void testdb_show_is(testdb *db, const char *name, const char *want);

/*
 * Lists `t` with `opts` (NULL: the defaults) and copies at most `cap` rows out: ids, vectors
 * (the caller frees each with pgv_vector_free) and NULL flags; asserts that the listing ends
 * cleanly and stays ended.  Returns the number of rows.
 */
size_t testdb_list_all(testdb *db, const pgv_table *t, const pgv_fetch_opts *opts,
	int64_t *ids, pgv_vector *vecs, int *nulls, size_t cap);

/*
 * The square root by Newton's method, from above (monotone, stops within an ulp): the test
 * programs are not linked with libm.
 */
double testdb_sqrt(double x);

/*
 * The distance the backend under test reports where the exact distance is `d`: d on PostgreSQL
 * (pgvector computes in double), the double value of d rounded to float32 on SQLite (sqlite-vec
 * computes in float32), for inputs whose float32 computation is exact up to that rounding.
 */
double testdb_distance(const testdb *db, double d);

/*
 * The SQL function that makes a vector of the backend under test from its text literal, for
 * tests that write SQL by hand: "" on PostgreSQL (the literal is cast to the column's type) and
 * "vec_f32" on SQLite, so that `%s('[1,2]')` is a vector on both.
 */
const char *testdb_vec_fn(const testdb *db);

/*
 * One case's SQL (or expected text: a SQLSTATE, a type name) in the spelling of the backend
 * under test: `postgresql` on PostgreSQL, `sqlite` on SQLite.  For what both backends do but
 * spell differently (casts, functions, catalogs); a case about one backend alone is left out of
 * the other's run by TESTDB_RUN_GROUP instead.
 */
const char *testdb_sql(const testdb *db, const char *postgresql, const char *sqlite);

/*
 * Reads column `col` of a vector column as the backend under test stores it: vector text
 * (pgv_stmt_column_vector) on PostgreSQL, sqlite-vec's float32 blob (pgv_stmt_column_vector_f32)
 * on SQLite.  Returns what the call returns.
 */
int testdb_column_vector(const testdb *db, pgv_vector *out, pgv_stmt *st, int col);

/*
 * The number of tables visible to the test whose name matches the SQL LIKE pattern `like` (the
 * catalog of the backend under test: pg_class in the search_path, or sqlite_master).
 */
int64_t testdb_count_tables(testdb *db, const char *like);

/* qsort comparison of doubles, ascending. */
int testdb_cmp_double(const void *a, const void *b);

#endif
