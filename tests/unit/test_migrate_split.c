/* Unit tests of splitting a migration file into SQLite statements (src/migrate/split.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "migrate/migrate_internal.h"

/* Splits `sql` and asserts the statements are exactly `want` (NULL-terminated). */
static void splits_into(const char *sql, const char *const *want)
{
	size_t len = strlen(sql), pos = 0, start = 0, n = 0, k = 0;

	while (pgv__sql_next_statement(sql, len, &pos, &start, &n)) {
		char got[512];

		assert_non_null(want[k]);
		assert_true(n < sizeof(got));
		memcpy(got, sql + start, n);
		got[n] = '\0';
		assert_string_equal(got, want[k]);
		k++;
	}
	assert_null(want[k]);
	assert_int_equal(pos, len);
	/* stays at the end */
	assert_int_equal(pgv__sql_next_statement(sql, len, &pos, &start, &n), 0);
}

/* Statements end at their ';'; blanks and comments before one are not part of it. */
static void test_migrate_split__statements(void **state)
{
	static const char *const two[] = { "CREATE TABLE a (i int);", "INSERT INTO a VALUES (1);",
		NULL };
	static const char *const last_open[] = { "DROP TABLE a;", "SELECT 1\n", NULL };
	static const char *const none[] = { NULL };

	(void)state;
	splits_into("CREATE TABLE a (i int);\nINSERT INTO a VALUES (1);\n", two);
	splits_into("-- a; comment\n/* and; another */ CREATE TABLE a (i int);;\n"
		"  INSERT INTO a VALUES (1); -- the end; really\n", two);
	/* the last statement needs no ';' */
	splits_into("DROP TABLE a; SELECT 1\n", last_open);
	splits_into("", none);
	splits_into(" ;; -- only a comment; here\n/* ; */", none);
}

/* A ';' in a string literal, a quoted identifier or a comment inside a statement ends nothing. */
static void test_migrate_split__quoted(void **state)
{
	static const char *const want[] = {
		"INSERT INTO \"t;1\" VALUES ('a;b', 'it''s; ok', `c;d`, [e;f]);",
		"SELECT '--;' /* x; */, 1 -- y; z\n;",
		NULL };
	static const char *const unterminated[] = { "SELECT 'a;b", NULL };

	(void)state;
	splits_into("INSERT INTO \"t;1\" VALUES ('a;b', 'it''s; ok', `c;d`, [e;f]);\n"
		"SELECT '--;' /* x; */, 1 -- y; z\n;", want);
	splits_into("SELECT 'a;b", unterminated);
}

/* A trigger's body (BEGIN ... END, CASE ... END inside) is part of its CREATE TRIGGER. */
static void test_migrate_split__trigger(void **state)
{
	static const char *const want[] = {
		"CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN\n"
		"  INSERT INTO b VALUES (CASE WHEN new.i > 1 THEN 1 ELSE 0 END);\n"
		"  UPDATE b SET n = n + 1;\nEND;",
		"create trigger \"u\" before delete on a begin select 1; end;",
		"CREATE TABLE begin_end (i int);",
		"SELECT CASE WHEN 1 THEN 2 END;",
		NULL };

	(void)state;
	splits_into("CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN\n"
		"  INSERT INTO b VALUES (CASE WHEN new.i > 1 THEN 1 ELSE 0 END);\n"
		"  UPDATE b SET n = n + 1;\nEND;\n"
		"create trigger \"u\" before delete on a begin select 1; end;\n"
		"CREATE TABLE begin_end (i int);\nSELECT CASE WHEN 1 THEN 2 END;", want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_split__statements),
		cmocka_unit_test(test_migrate_split__quoted),
		cmocka_unit_test(test_migrate_split__trigger),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
