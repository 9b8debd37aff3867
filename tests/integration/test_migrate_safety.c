/*
 * Integration: what migrations refuse or protect on the embedded server: files are sent whole,
 * a failing migration leaves nothing behind, a changed checksum runs nothing, empty files, and
 * misuse of the calls.  Same fixture as test_migrate.c (tests/support/migfixture.c).
 * On SQLite, whose driver takes one statement a call, a file is split into its statements by
 * the library: test_migrate_safety__sqlite_files_split checks where it splits and where not.
 */
#include "migfixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Files go to the server whole: several statements, ';' inside string literals, quoted
 * identifiers and comments, a dollar-quoted plpgsql body full of ';', nested dollar quotes, a
 * backslash at the end of a standard string, '?' in a string and a comment, and UTF-8 text.
 */
static void test_migrate_safety__files_are_sent_whole(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;
	char buf[128], sql[256];

	mig_write_sql(fx, "0001_whole.up.sql",
		"-- it's a comment; with a quote and a question?\n"
		"CREATE TABLE @_w (id int PRIMARY KEY, s text, \"semi;colon\" int DEFAULT 7);\n"
		"INSERT INTO @_w (id, s) VALUES (1, 'a;b'), (2, 'it''s; \"quoted\"'), (3, E'tab\\t;'),\n"
		"  (4, 'C:\\'), (5, 'what?; why?');\n"
		"/* a block comment; it's /* nested; */ here */\n"
		"CREATE FUNCTION @_f() RETURNS int LANGUAGE plpgsql AS $$\n"
		"DECLARE n int;\n"
		"BEGIN\n"
		"  SELECT count(*) INTO n FROM @_w; -- a comment in the body; it's fine\n"
		"  IF n > 0 THEN n := n + 0; END IF;\n"
		"  RETURN n;\n"
		"END $$;\n"
		"CREATE FUNCTION @_g() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;y' || $$;'$$ $body$;\n"
		"INSERT INTO @_w (id, s) VALUES (6, @_g()), (7, 'h\xc3\xa9llo w\xc3\xb6rld;')\n");
	mig_write_sql(fx, "0001_whole.down.sql", "DROP FUNCTION @_g(); DROP FUNCTION @_f();\n"
		"DROP TABLE @_w; -- the end; really\n");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_OK, 1);

	assert_int_equal(mig_int_at(fx, "SELECT count(*) FROM @_w"), 7);
	assert_int_equal(mig_int_at(fx, "SELECT @_f()"), 7);
	assert_int_equal(mig_int_at(fx, "SELECT \"semi;colon\" FROM @_w WHERE id = 1"), 7);
	{
		static const char *const want[] = {
			"a;b", "it's; \"quoted\"", "tab\t;", "C:\\", "what?; why?", "x;y;'",
			"h\xc3\xa9llo w\xc3\xb6rld;"
		};
		for (int id = 1; id <= 7; id++) {
			snprintf(sql, sizeof(sql), "SELECT s FROM %s_w WHERE id = %d", fx->prefix, id);
			mig_text_of(fx, sql, NULL, buf, sizeof(buf));
			assert_string_equal(buf, want[id - 1]);
		}
	}
	/* The server received characters, not mangled bytes: 12 characters, 14 bytes. */
	assert_int_equal(mig_int_at(fx, "SELECT length(s) * 100 + octet_length(s) FROM @_w WHERE id = 7"),
		1214);

	mig_down_expect(fx, set, 0, PGV_OK, 1);
	assert_false(mig_table_exists(fx, "w"));
	assert_int_equal(mig_int_at(fx,
		"SELECT count(*) FROM pg_proc WHERE proname IN ('@_f')"), 0);
	pgv_migrate_set_free(set);
}

/*
 * SQLite: a file of several statements is run one statement at a time, split only at the ';'
 * that ends one: not inside string literals, quoted identifiers ("", ``, []), comments, or a
 * trigger's body (BEGIN ... END, with CASE ... END in it); '?' in a string and UTF-8 text pass.
 */
static void test_migrate_safety__sqlite_files_split(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;
	char buf[128], sql[256];

	mig_write_sql(fx, "0001_whole.up.sql",
		"-- it's a comment; with a quote and a question?\n"
		"CREATE TABLE @_w (id int PRIMARY KEY, s text, \"semi;colon\" int DEFAULT 7,\n"
		"  `back;tick` int DEFAULT 8, [square;bracket] int DEFAULT 9);\n"
		"INSERT INTO @_w (id, s) VALUES (1, 'a;b'), (2, 'it''s; \"quoted\"'),\n"
		"  (3, 'C:\\'), (4, 'what?; why?');\n"
		"/* a block comment; it's here */ ;;\n"
		"CREATE TABLE @_d (n int);\n"
		"CREATE TEMP TRIGGER @_t AFTER INSERT ON @_w BEGIN\n"
		"  INSERT INTO @_d VALUES (CASE WHEN new.id > 4 THEN 1 ELSE 0 END);\n"
		"  UPDATE @_d SET n = n + 1; -- a comment in the body; it's fine\n"
		"END;\n"
		"INSERT INTO @_w (id, s) VALUES (5, 'h\xc3\xa9llo w\xc3\xb6rld;')\n");
	mig_write_sql(fx, "0001_whole.down.sql", "DROP TABLE @_w; DROP TABLE @_d;\n"
		"-- the end; really\n");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_OK, 1);

	assert_int_equal(mig_int_at(fx, "SELECT count(*) FROM @_w"), 5);
	/*
	 * the three quoted columns, read by position: the SQLite driver itself takes the ';' of a
	 * `` or [] identifier in a statement's text for the end of the statement (measured)
	 */
	{
		pgv_stmt *st = NULL;
		int64_t v[3] = { 0, 0, 0 };

		snprintf(sql, sizeof(sql), "SELECT * FROM %s_w WHERE id = 1", fx->prefix);
		assert_pgv(fx->db->conn, pgv_stmt_prepare(&st, fx->db->conn, sql), PGV_OK);
		assert_pgv(fx->db->conn, pgv_stmt_step(st), PGV_ROW);
		for (int i = 0; i < 3; i++)
			assert_pgv(fx->db->conn, pgv_stmt_column_int64(&v[i], st, 3 + i), PGV_OK);
		pgv_stmt_free(st);
		assert_int_equal(v[0] * 100 + v[1] * 10 + v[2], 789);
	}
	/* the trigger's two statements ran once, for row 5 */
	assert_int_equal(mig_int_at(fx, "SELECT count(*) * 10 + sum(n) FROM @_d"), 12);
	{
		static const char *const want[] = {
			"a;b", "it's; \"quoted\"", "C:\\", "what?; why?", "h\xc3\xa9llo w\xc3\xb6rld;"
		};
		for (int id = 1; id <= 5; id++) {
			snprintf(sql, sizeof(sql), "SELECT s FROM %s_w WHERE id = %d", fx->prefix, id);
			mig_text_of(fx, sql, NULL, buf, sizeof(buf));
			assert_string_equal(buf, want[id - 1]);
		}
	}
	/* characters, not mangled bytes: 12 characters, 14 bytes */
	assert_int_equal(mig_int_at(fx,
		"SELECT length(s) * 100 + length(CAST(s AS BLOB)) FROM @_w WHERE id = 5"), 1214);

	mig_down_expect(fx, set, 0, PGV_OK, 1);
	assert_false(mig_table_exists(fx, "w"));
	assert_false(mig_table_exists(fx, "d"));
	pgv_migrate_set_free(set);
}

/*
 * A migration that fails after its first statements ran leaves nothing behind: its tables are
 * gone, it has no tracking row, the error keeps the server's SQLSTATE, and the migrations
 * before it stay applied.
 */
static void test_migrate_safety__failure_leaves_nothing(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;
	const pgv_error *e;

	mig_write_sql(fx, "0001_a.up.sql", "CREATE TABLE @_a (i int PRIMARY KEY);");
	mig_write_sql(fx, "0001_a.down.sql", "DROP TABLE @_a;");
	int sqlite = fx->db->backend == PGV_BACKEND_SQLITE;
	char bad[256];

	/* a failure when the statement runs: division by zero, on SQLite (where 1 / 0 is NULL) an
	 * integer overflow */
	snprintf(bad, sizeof(bad), "CREATE TABLE @_b (i int);\nINSERT INTO @_b VALUES (1);\n"
		"%s;\nCREATE TABLE @_c (i int);\n",
		sqlite ? "SELECT abs(-9223372036854775807 - 1)" : "SELECT 1 / 0");
	mig_write_sql(fx, "0002_bad.up.sql", bad);
	mig_write_sql(fx, "0003_c.up.sql", "CREATE TABLE @_d (i int);");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_ERROR, 1);
	e = pgv_conn_error(fx->db->conn);
	assert_int_equal(e->status, PGV_ERROR);
	assert_string_equal(e->sqlstate, sqlite ? "HY000" : "22012");
	assert_true(strncmp(e->message, "applying migration 0002_bad: ", 29) == 0);
	mig_assert_error_has(fx, sqlite ? "integer overflow" : "division by zero");
	assert_non_null(strstr(e->operation, "pgv_migrate_up"));
	assert_true(mig_table_exists(fx, "a"));
	assert_false(mig_table_exists(fx, "b"));
	assert_false(mig_table_exists(fx, "c"));
	assert_false(mig_table_exists(fx, "d"));
	assert_int_equal(mig_tracked(fx), 1);
	mig_status_expect(fx, set, "app");
	pgv_migrate_set_free(set);

	/* A syntax error: 42601, same guarantees. */
	mig_write_sql(fx, "0002_bad.up.sql", "CREATE TABLE @_b (i int);\nSELEKT 1;\n");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_ERROR, 0);
	assert_string_equal(pgv_conn_error(fx->db->conn)->sqlstate, sqlite ? "HY000" : "42601");
	mig_assert_error_has(fx, "applying migration 0002_bad: ");
	mig_assert_error_has(fx, "SELEKT");
	assert_false(mig_table_exists(fx, "b"));
	pgv_migrate_set_free(set);

	/* A constraint violation keeps its own status and SQLSTATE. */
	mig_write_sql(fx, "0002_bad.up.sql", "CREATE TABLE @_b (i int);\n"
		"INSERT INTO @_a VALUES (1);\nINSERT INTO @_a VALUES (1);\n");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_ECONSTRAINT, 0);
	assert_string_equal(pgv_conn_error(fx->db->conn)->sqlstate, sqlite ? "23000" : "23505");
	mig_assert_error_has(fx, "applying migration 0002_bad: ");
	assert_false(mig_table_exists(fx, "b"));
	assert_int_equal(mig_int_at(fx, "SELECT count(*) FROM @_a"), 0);
	pgv_migrate_set_free(set);

	/* Fixed, it applies, and so does the one after it. */
	mig_write_sql(fx, "0002_bad.up.sql", "CREATE TABLE @_b (i int);\n");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_OK, 2);
	assert_true(mig_table_exists(fx, "b"));
	assert_true(mig_table_exists(fx, "d"));
	mig_status_expect(fx, set, "aaa");
	pgv_migrate_set_free(set);
}

/* An applied up file that changed stops up before anything runs; status says "changed". */
static void test_migrate_safety__checksum_mismatch_runs_nothing(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;

	mig_write_ab(fx);
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_OK, 2);
	pgv_migrate_set_free(set);

	mig_write_sql(fx, "0002_b.up.sql", "INSERT INTO @_a VALUES (1);\nCREATE TABLE @_b (j int);\n"
		"-- edited after it was applied\n");
	mig_write_sql(fx, "0003_c.up.sql", "CREATE TABLE @_c (i int);");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_ERROR, 0);
	assert_string_equal(pgv_conn_error(fx->db->conn)->message,
		"migration 0002_b: checksum mismatch: the up file changed after it was applied");
	assert_false(mig_table_exists(fx, "c"));
	assert_int_equal(mig_tracked(fx), 2);
	mig_status_expect(fx, set, "acp");
	/* down refuses it too: its down file belongs to another version of the migration */
	mig_down_expect(fx, set, 1, PGV_ERROR, 0);
	mig_assert_error_has(fx, "migration 0002_b: checksum mismatch: the up file changed after it "
		"was applied");
	assert_true(mig_table_exists(fx, "b"));
	assert_int_equal(mig_tracked(fx), 2);
	mig_status_expect(fx, set, "acp");
	pgv_migrate_set_free(set);

	/* Restored, up goes on. */
	mig_write_sql(fx, "0002_b.up.sql", "INSERT INTO @_a VALUES (1);\nCREATE TABLE @_b (j int);\n");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_OK, 1);
	assert_true(mig_table_exists(fx, "c"));
	mig_status_expect(fx, set, "aaa");
	pgv_migrate_set_free(set);
}

/* Empty and comment-only files are valid migrations (psqlODBC refuses an empty statement). */
static void test_migrate_safety__empty_files(void **state)
{
	mig_fixture *fx = *state;
	pgv_migrate_set *set;

	mig_write_sql(fx, "0001_empty.up.sql", "");
	mig_write_sql(fx, "0001_empty.down.sql", "");
	mig_write_sql(fx, "0002_comment.up.sql", "-- nothing to do yet\n");
	mig_write_sql(fx, "0002_comment.down.sql", "/* nothing to undo */");
	set = mig_load(fx);
	mig_up_expect(fx, set, 0, PGV_OK, 2);
	mig_status_expect(fx, set, "aa");
	mig_down_expect(fx, set, 2, PGV_OK, 2);
	assert_int_equal(mig_tracked(fx), 0);
	pgv_migrate_set_free(set);
}

/* Misuse is refused with PGV_EINVAL and a message, touching nothing. */
static void test_migrate_safety__misuse(void **state)
{
	mig_fixture *fx = *state;
	pgv_conn *c = fx->db->conn;
	pgv_migrate_set *set;
	pgv_migrate_report *r = (pgv_migrate_report *)&r;
	size_t n = 99;

	mig_write_ab(fx);
	set = mig_load(fx);
	assert_int_equal(pgv_migrate_up(&n, NULL, set, 0), PGV_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(pgv_migrate_up(NULL, c, NULL, 0), PGV_EINVAL);
	mig_assert_error_has(fx, "the migration set is NULL");
	assert_int_equal(pgv_migrate_down(NULL, c, NULL, 1), PGV_EINVAL);
	assert_int_equal(pgv_migrate_status(NULL, c, set), PGV_EINVAL);
	assert_int_equal(pgv_migrate_status(&r, c, NULL), PGV_EINVAL);
	assert_null(r);
	/* Each migration needs its own transaction: refuse to run inside the caller's. */
	assert_pgv(c, pgv_conn_begin(c), PGV_OK);
	assert_int_equal(pgv_migrate_up(NULL, c, set, 0), PGV_EINVAL);
	mig_assert_error_has(fx, "a transaction is open on this connection");
	assert_int_equal(pgv_migrate_down(NULL, c, set, 1), PGV_EINVAL);
	assert_pgv(c, pgv_conn_rollback(c), PGV_OK);
	assert_false(mig_table_exists(fx, "a"));
	assert_string_equal(pgv_migrate_state_name((pgv_migrate_state)42), "unknown");
	pgv_migrate_report_free(NULL);
	pgv_migrate_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_safety__files_are_sent_whole,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_safety__sqlite_files_split,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_safety__failure_leaves_nothing,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_safety__checksum_mismatch_runs_nothing,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_safety__empty_files,
			mig_test_setup, mig_test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_safety__misuse,
			mig_test_setup, mig_test_teardown),
	};
	/* plpgsql, dollar quotes and E'' strings are PostgreSQL's; SQLite's own splitting */
	static const char *const postgresql_only[] = { "test_migrate_safety__files_are_sent_whole",
		NULL };
	static const char *const sqlite_only[] = { "test_migrate_safety__sqlite_files_split", NULL };

	return TESTDB_RUN_GROUP(tests, mig_group_setup, mig_group_teardown, postgresql_only,
		sqlite_only);
}
