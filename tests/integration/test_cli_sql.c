/*
 * Integration: `pgvodbc sql`, run as a child process on the server named by PGVODBC_TEST_DSN.
 * Pins down: every result set is printed (text with a header, CSV, JSON lines) with vector,
 * halfvec, sparsevec and bit columns in vector form and NULL as documented; statements without
 * a result report their row count; several -c run in order; a file and stdin are sent whole, so
 * a ';' inside quotes, dollar quotes and comments splits nothing; the first error stops the run
 * with status 1 and the SQLSTATE, and nothing of the failing text is kept; --param binds to the
 * ? markers of one -c, and the usage errors around it are status 2.  On SQLite: sqlite-vec's
 * float32 blobs in a vector column, and vector text, print in vector form, other values by their
 * declared type's affinity (numbers as JSON numbers); the driver takes one statement per text,
 * and refuses more before running any.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A table with one column of each pgvector type and two rows, the second mostly NULL; on
 * SQLite a vector (a float32 blob, and vector text) and a text column. */
static void typed_table(testdb *db, char name[64])
{
	char sql[512];

	if (db->backend == PGV_BACKEND_SQLITE) {
		testdb_create_table(db, "clisql", "id int PRIMARY KEY, v vector(3), t text", name);
		snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, vec_f32('[1,2.5,-3]'), "
			"'a	b,\"c\"'), (2, '[4,5,6]', NULL)", name);
		testdb_exec(db, sql);
		return;
	}
	testdb_create_table(db, "clisql", "id int PRIMARY KEY, v vector(3), h halfvec(2), "
		"s sparsevec(5), b bit(3), t text", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, '[1,2.5,-3]', '[0.1,2]', "
		"'{2:1.5,5:-2}/5', '101', 'a\tb,\"c\"'), (2, '[4,5,6]', NULL, NULL, '011', NULL)", name);
	testdb_exec(db, sql);
}

static void test_cli_sql__text_output(void **state)
{
	testdb *db = *state;
	char name[64], sql[256], want[512];

	typed_table(db, name);
	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY id", name);
	if (db->backend == PGV_BACKEND_SQLITE) {
		CLI_OUT("id\tv\tt\n1\t[1,2.5,-3]\ta\\tb,\"c\"\n2\t[4,5,6]\t\n", "sql", "-c", sql);
		return;
	}
	snprintf(want, sizeof(want), "id\tv\th\ts\tb\tt\n"
		"1\t[1,2.5,-3]\t[0.099975586,2]\t[0,1.5,0,0,-2]\t[1,0,1]\ta\\tb,\"c\"\n"
		"2\t[4,5,6]\t\t\t[0,1,1]\t\n");
	CLI_OUT(want, "sql", "-c", sql);
}

static void test_cli_sql__json_lines(void **state)
{
	testdb *db = *state;
	char name[64], sql[256], want[512];

	typed_table(db, name);
	if (db->backend == PGV_BACKEND_SQLITE) {
		/* an expression's blob has no declared type: it stays the driver's text */
		snprintf(sql, sizeof(sql), "SELECT id, v, t, id > 1 AS later, 0.5 AS f, "
			"X'0000803F' AS raw FROM %s ORDER BY id", name);
		CLI_OUT("{\"id\":1,\"v\":[1,2.5,-3],\"t\":\"a\\tb,\\\"c\\\"\",\"later\":0,"
			"\"f\":0.5,\"raw\":\"X'0000803F'\"}\n"
			"{\"id\":2,\"v\":[4,5,6],\"t\":null,\"later\":1,\"f\":0.5,"
			"\"raw\":\"X'0000803F'\"}\n", "sql", "--json", "-c", sql);
		return;
	}
	snprintf(sql, sizeof(sql), "SELECT id, v, h, s, b, t, id > 1 AS later, 0.5::float8 AS f "
		"FROM %s ORDER BY id", name);
	snprintf(want, sizeof(want),
		"{\"id\":1,\"v\":[1,2.5,-3],\"h\":[0.099975586,2],\"s\":[0,1.5,0,0,-2],"
		"\"b\":[1,0,1],\"t\":\"a\\tb,\\\"c\\\"\",\"later\":false,\"f\":0.5}\n"
		"{\"id\":2,\"v\":[4,5,6],\"h\":null,\"s\":null,\"b\":[0,1,1],\"t\":null,"
		"\"later\":true,\"f\":0.5}\n");
	CLI_OUT(want, "sql", "--json", "-c", sql);
}

static void test_cli_sql__csv(void **state)
{
	testdb *db = *state;
	char name[64], sql[256], want[512];

	typed_table(db, name);
	if (db->backend == PGV_BACKEND_SQLITE) {
		snprintf(sql, sizeof(sql), "SELECT id, v, t FROM %s ORDER BY id", name);
		CLI_OUT("id,v,t\n1,\"[1,2.5,-3]\",\"a\tb,\"\"c\"\"\"\n2,\"[4,5,6]\",\n", "sql", "--csv",
			"-c", sql);
		return;
	}
	snprintf(sql, sizeof(sql), "SELECT id, v, b, t FROM %s ORDER BY id", name);
	snprintf(want, sizeof(want), "id,v,b,t\n"
		"1,\"[1,2.5,-3]\",\"[1,0,1]\",\"a\tb,\"\"c\"\"\"\n"
		"2,\"[4,5,6]\",\"[0,1,1]\",\n");
	CLI_OUT(want, "sql", "--csv", "-c", sql);
}

/* Several -c run in order; statements without a result say how many rows they changed. */
static void test_cli_sql__row_counts(void **state)
{
	testdb *db = *state;
	char name[64], ins[256], upd[256], sel[256];

	testdb_create_table(db, "clisqlrc", "id int PRIMARY KEY, v vector(2)", name);
	snprintf(ins, sizeof(ins), "INSERT INTO %s VALUES (1,'[1,1]'),(2,'[2,2]'),(3,'[3,3]')",
		name);
	snprintf(upd, sizeof(upd), "UPDATE %s SET v = '[0,0]' WHERE id = 2; "
		"DELETE FROM %s WHERE id = 3", name, name);
	snprintf(sel, sizeof(sel), "SELECT count(*) AS n FROM %s", name);
	if (db->backend == PGV_BACKEND_SQLITE) {
		/* the SQLite driver takes one statement a text */
		char del[128];

		snprintf(upd, sizeof(upd), "UPDATE %s SET v = '[0,0]' WHERE id = 2", name);
		snprintf(del, sizeof(del), "DELETE FROM %s WHERE id = 3", name);
		CLI_OUT("3 rows affected\n1 row affected\n1 row affected\nn\n2\n", "sql", "-c", ins,
			"-c", upd, "-c", del, "-c", sel);
	} else {
		CLI_OUT("3 rows affected\n1 row affected\n1 row affected\nn\n2\n", "sql", "-c", ins,
			"-c", upd, "-c", sel);
	}
	snprintf(ins, sizeof(ins), "INSERT INTO %s VALUES (7,'[7,7]')", name);
	CLI_OUT("{\"rows_affected\":1}\n", "sql", "--json", "-c", ins);
}

/* A file goes whole to the driver: ';' in quotes, dollar quotes and comments splits nothing,
 * and each statement's result is printed in turn. */
static void test_cli_sql__file_and_stdin(void **state)
{
	static const char text[] =
		"SELECT 'a;b' AS x; -- a comment; with a semicolon\n"
		"/* block; comment */ SELECT $$c;d$$ AS y;\n"
		"SELECT $tag$e;'f$tag$ AS z";
	const char *want = "x\na;b\n\ny\nc;d\n\nz\ne;'f\n";
	char path[] = "/tmp/pgvodbc-sql-XXXXXX";
	int fd = mkstemp(path);
	clirun r = { 0 };

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	CLI_OUT(want, "sql", "-f", path);
	unlink(path);
	CLI(&r, text, sizeof(text) - 1, "sql");
	assert_status(&r, 0);
	assert_string_equal(r.out, want);
	clirun_free(&r);
}

/* The first error stops the run: status 1, the SQLSTATE, nothing of the failing text kept,
 * what ran before it kept, what comes after not run. */
static void test_cli_sql__error_stops(void **state)
{
	testdb *db = *state;
	char name[64], first[256], failing[256], after[256], count[256];
	clirun r = { 0 };

	int sqlite = db->backend == PGV_BACKEND_SQLITE;

	testdb_create_table(db, "clisqlerr", "id int NOT NULL PRIMARY KEY", name);
	snprintf(first, sizeof(first), "INSERT INTO %s VALUES (1)", name);
	/* on SQLite one statement a text: the failing text is the repeated key alone */
	if (sqlite)
		snprintf(failing, sizeof(failing), "INSERT INTO %s VALUES (1)", name);
	else
		snprintf(failing, sizeof(failing), "INSERT INTO %s VALUES (2); INSERT INTO %s VALUES (1)",
			name, name);
	snprintf(after, sizeof(after), "INSERT INTO %s VALUES (3)", name);
	CLI(&r, NULL, 0, "sql", "-c", first, "-c", failing, "-c", after);
	assert_status(&r, 1);
	assert_string_equal(r.out, "1 row affected\n");
	assert_contains(r.err, "pgvodbc: sql: -c #2: ");
	assert_contains(r.err, sqlite ? "UNIQUE constraint failed" : "(SQLSTATE 23505)");
	clirun_free(&r);
	snprintf(count, sizeof(count), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, count), 1);

	/* SQLite's 1/0 is NULL, not an error */
	CLI(&r, NULL, 0, "sql", "--json", "-c", sqlite ? "SELECT * FROM pgvodbc_no_such_table"
		: "SELECT 1/0");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, sqlite ? "\"sqlstate\":\"HY000\"" : "22012");
	clirun_free(&r);

	CLI(&r, NULL, 0, "sql", "-f", "/nonexistent/pgvodbc.sql");
	assert_status(&r, 1);
	assert_contains(r.err, "\"/nonexistent/pgvodbc.sql\"");
	clirun_free(&r);
}

static void test_cli_sql__params(void **state)
{
	testdb *db = *state;
	char name[64], sql[256];
	clirun r = { 0 };

	typed_table(db, name);
	snprintf(sql, sizeof(sql), "SELECT id, v FROM %s WHERE id = ? AND t IS DISTINCT FROM ?",
		name);
	CLI_OUT("id\tv\n1\t[1,2.5,-3]\n", "sql", "-c", sql, "--param", "1", "--param", "zz");
	CLI(&r, NULL, 0, "sql", "-c", sql, "--param", "1");
	assert_status(&r, 2);
	assert_contains(r.err, "the statement has 2 ? parameters but 1 --param value was given");
	clirun_free(&r);
	CLI(&r, NULL, 0, "sql", "-c", "SELECT ?", "-c", "SELECT 1", "--param", "1");
	assert_status(&r, 2);
	assert_contains(r.err, "--param binds to the ? markers of a single statement");
	clirun_free(&r);
}

static void test_cli_sql__usage_errors(void **state)
{
	clirun r = { 0 };

	(void)state;
	CLI(&r, NULL, 0, "sql", "--json", "--csv", "-c", "SELECT 1");
	assert_status(&r, 2);
	assert_contains(r.err, "--json and --csv cannot be combined");
	clirun_free(&r);
	CLI(&r, NULL, 0, "sql", "SELECT 1");
	assert_status(&r, 2);
	assert_contains(r.err, "not as arguments");
	clirun_free(&r);
	CLI(&r, NULL, 0, "sql", "-c");
	assert_status(&r, 2);
	clirun_free(&r);
}

/* A name holding a newline or a byte order mark, repeated by the server's message: the message
 * stays one line with the SQLSTATE at its end, the characters shown as escapes. */
static void test_cli_sql__message_names_escaped(void **state)
{
	clirun r = { 0 };

	(void)state;
	CLI(&r, NULL, 0, "sql", "-c", "SELECT 1 FROM \"no\nsuch\xef\xbb\xbf\"");
	assert_status(&r, 1);
	assert_prefix(r.err, "pgvodbc: sql: -c: relation \"no\\nsuch\\uFEFF\" does not exist "
		"(SQLSTATE 42P01); nothing of it was committed\n");
	clirun_free(&r);
}

/* SQLite: the driver takes one statement a text (a ';' in quotes and a final ';' are no second
 * one; its own splitting does not know comments, so a ';' in one is), and a text of two is
 * refused before either runs. */
static void test_cli_sql__sqlite_one_statement(void **state)
{
	testdb *db = *state;
	char name[64], two[256], count[128];
	clirun r = { 0 };

	CLI(&r, "SELECT 'a;b' AS x;\n", 19, "sql");
	assert_status(&r, 0);
	assert_string_equal(r.out, "x\na;b\n");
	clirun_free(&r);
	testdb_create_table(db, "clisqlone", "id int NOT NULL PRIMARY KEY", name);
	snprintf(two, sizeof(two), "INSERT INTO %s VALUES (1); INSERT INTO %s VALUES (2)", name,
		name);
	CLI(&r, NULL, 0, "sql", "-c", two);
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "only one SQL statement allowed");
	assert_contains(r.err, "nothing of it was committed");
	clirun_free(&r);
	snprintf(count, sizeof(count), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, count), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cli_sql__text_output, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__message_names_escaped, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__json_lines, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__csv, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__row_counts, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__file_and_stdin, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__error_stops, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__params, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__usage_errors, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_sql__sqlite_one_statement, testdb_setup,
			testdb_teardown),
	};
	/* several statements in one text (and dollar quotes) are psqlODBC's; SQLite's messages do
	 * not quote names, so a newline in one cannot be told from the driver's next record */
	static const char *const postgresql_only[] = {
		"test_cli_sql__file_and_stdin", "test_cli_sql__message_names_escaped", NULL
	};
	static const char *const sqlite_only[] = { "test_cli_sql__sqlite_one_statement", NULL };

	return TESTDB_RUN_GROUP(tests, NULL, NULL, postgresql_only, sqlite_only);
}
