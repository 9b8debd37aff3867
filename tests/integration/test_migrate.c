/*
 * Integration: migrations up, down and status on the embedded server.  Each test writes its own
 * migration directory (mkdtemp) whose tables are named after this process ("@" in the SQL
 * below), and leaves the database as it found it: its tables dropped, its tracking rows deleted,
 * the tracking table dropped when these tests created it.
 */
#define _GNU_SOURCE 1 /* mkdtemp, nftw */
#include "testdb.h"
#include "tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fixture {
	testdb *db;
	int had_tracking; /* pgvodbc_migrations existed before these tests ran */
	char prefix[40];  /* "pgvt_mig_<pid>": replaces '@' in the SQL of the tests */
	char dir[64];     /* the current test's migration directory */
} fixture;

/* The suffixes of every table the tests create, dropped after each test. */
static const char *const table_suffixes[] = { "a", "b", "c", "d", "w" };

/* 1 when the relation exists. */
static int exists(fixture *fx, const char *relation)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		"SELECT CASE WHEN to_regclass('%s') IS NULL THEN 0 ELSE 1 END", relation);
	return (int)testdb_query_int(fx->db, sql);
}

/* 1 when this process's table `suffix` exists. */
static int table_exists(fixture *fx, const char *suffix)
{
	char name[96];

	snprintf(name, sizeof(name), "%s_%s", fx->prefix, suffix);
	return exists(fx, name);
}

/* The number of tracking rows (0 when the table does not exist). */
static int64_t tracked(fixture *fx)
{
	if (!exists(fx, "pgvodbc_migrations"))
		return 0;
	return testdb_query_int(fx->db, "SELECT count(*) FROM pgvodbc_migrations");
}

/* Runs SQL after replacing each '@' with the process's table prefix. */
static void exec_at(fixture *fx, const char *sql)
{
	char buf[2048], *p = buf;

	for (; *sql; sql++) {
		size_t n = *sql == '@' ? strlen(fx->prefix) : 1;
		assert_true((size_t)(p - buf) + n < sizeof(buf));
		memcpy(p, *sql == '@' ? fx->prefix : sql, n);
		p += n;
	}
	*p = '\0';
	testdb_exec(fx->db, buf);
}

/* Runs a query with '@' replaced and returns its one integer. */
static int64_t int_at(fixture *fx, const char *sql)
{
	char buf[1024];
	const char *at = strchr(sql, '@');

	assert_non_null(at);
	assert_null(strchr(at + 1, '@'));
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - sql), sql, fx->prefix, at + 1);
	return testdb_query_int(fx->db, buf);
}

/* Reads one text value (the first column of the first row) into buf. */
static void text_of(fixture *fx, const char *sql, const char *bind, char *buf, size_t cap)
{
	pgv_conn *c = fx->db->conn;
	pgv_stmt *st = NULL;
	const char *t;

	assert_pgv(c, pgv_stmt_prepare(&st, c, sql), PGV_OK);
	if (bind)
		assert_pgv(c, pgv_stmt_bind_text(st, 1, bind, PGV_NTS), PGV_OK);
	assert_pgv(c, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(c, pgv_stmt_column_text(&t, NULL, st, 1), PGV_OK);
	snprintf(buf, cap, "%s", t);
	pgv_stmt_free(st);
}

/* Writes a migration file into the test's directory, '@' replaced with the table prefix. */
static void write_sql(fixture *fx, const char *file, const char *sql)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx->dir, file);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (; *sql; sql++) {
		if (*sql == '@')
			fputs(fx->prefix, f);
		else
			fputc(*sql, f);
	}
	assert_int_equal(fclose(f), 0);
}

/* Removes a migration file from the test's directory. */
static void remove_sql(fixture *fx, const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", fx->dir, file);
	assert_int_equal(unlink(path), 0);
}

/* Loads the test's directory. */
static pgv_migrate_set *load(fixture *fx)
{
	pgv_migrate_set *set = NULL;
	int rc = pgv_migrate_set_load(&set, fx->dir);

	if (rc != PGV_OK)
		fail_msg("loading %s: %s: %s", fx->dir, pgv_status_name(rc), pgv_error_last()->message);
	return set;
}

/* Runs up and asserts the status and the number applied. */
static void up_expect(fixture *fx, const pgv_migrate_set *set, int64_t target, int want,
	size_t want_applied)
{
	size_t applied = 99;

	assert_pgv(fx->db->conn, pgv_migrate_up(&applied, fx->db->conn, set, target), want);
	assert_int_equal(applied, want_applied);
	assert_int_equal(pgv_conn_in_transaction(fx->db->conn), 0);
}

/* Runs down and asserts the status and the number reverted. */
static void down_expect(fixture *fx, const pgv_migrate_set *set, size_t steps, int want,
	size_t want_reverted)
{
	size_t reverted = 99;

	assert_pgv(fx->db->conn, pgv_migrate_down(&reverted, fx->db->conn, set, steps), want);
	assert_int_equal(reverted, want_reverted);
	assert_int_equal(pgv_conn_in_transaction(fx->db->conn), 0);
}

/* Asserts the report's states, one letter per entry: p(ending) a(pplied) c(hanged) m(issing). */
static void status_expect(fixture *fx, const pgv_migrate_set *set, const char *states)
{
	pgv_migrate_report *r = NULL;
	char have[32] = "";

	assert_pgv(fx->db->conn, pgv_migrate_status(&r, fx->db->conn, set), PGV_OK);
	assert_true(r->count < sizeof(have));
	for (size_t i = 0; i < r->count; i++) {
		const pgv_migrate_info *e = &r->entries[i];
		have[i] = pgv_migrate_state_name(e->state)[0];
		/* Versions ascend; applied_at is set exactly for rows of the tracking table. */
		if (i > 0)
			assert_true(r->entries[i - 1].version < e->version);
		assert_int_equal(e->applied_at[0] != '\0', e->state != PGV_MIGRATE_PENDING);
	}
	have[r->count] = '\0';
	assert_string_equal(have, states);
	pgv_migrate_report_free(r);
}

/* Asserts that the connection's error message contains `part`. */
static void assert_error_has(fixture *fx, const char *part)
{
	const char *msg = pgv_conn_error(fx->db->conn)->message;

	if (!strstr(msg, part))
		fail_msg("message \"%s\" does not contain \"%s\"", msg, part);
}

static int group_setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));
	void *db = NULL;

	assert_non_null(fx);
	testdb_setup(&db);
	fx->db = db;
	snprintf(fx->prefix, sizeof(fx->prefix), "pgvt_mig_%ld", (long)getpid());
	fx->had_tracking = exists(fx, "pgvodbc_migrations");
	/* The tests count tracking rows: rows left by someone else would be reverted by them. */
	if (tracked(fx) != 0)
		fail_msg("pgvodbc_migrations already holds rows: another test left them behind");
	*state = fx;
	return 0;
}

static int group_teardown(void **state)
{
	fixture *fx = *state;
	void *db = fx->db;

	if (!fx->had_tracking)
		testdb_exec(fx->db, "DROP TABLE IF EXISTS pgvodbc_migrations");
	testdb_teardown(&db);
	free(fx);
	return 0;
}

static int test_setup(void **state)
{
	fixture *fx = *state;

	assert_non_null(tmpdir_make(fx->dir, sizeof(fx->dir), "pgv_migrate"));
	return 0;
}

/* Drops what a test may have created, even when it failed half-way. */
static int test_teardown(void **state)
{
	fixture *fx = *state;
	char sql[128];

	if (pgv_conn_in_transaction(fx->db->conn))
		pgv_conn_rollback(fx->db->conn);
	exec_at(fx, "DROP FUNCTION IF EXISTS @_f(), @_g()");
	for (size_t i = 0; i < sizeof(table_suffixes) / sizeof(table_suffixes[0]); i++) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS @_%s", table_suffixes[i]);
		exec_at(fx, sql);
	}
	if (exists(fx, "pgvodbc_migrations"))
		testdb_exec(fx->db, "DELETE FROM pgvodbc_migrations");
	tmpdir_remove(fx->dir);
	return 0;
}

/* A two-migration set: a table, then a row in it and a second table. */
static void write_ab(fixture *fx)
{
	write_sql(fx, "0001_a.up.sql", "CREATE TABLE @_a (i int);\n");
	write_sql(fx, "0001_a.down.sql", "DROP TABLE @_a;\n");
	write_sql(fx, "0002_b.up.sql", "INSERT INTO @_a VALUES (1);\nCREATE TABLE @_b (j int);\n");
	write_sql(fx, "0002_b.down.sql", "DROP TABLE @_b;\nDELETE FROM @_a WHERE i = 1;\n");
}

/* up applies pending migrations in order and records each; a second up is a no-op. */
static void test_migrate__up_applies_in_order_and_records(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;
	pgv_migrate_report *r = NULL;
	char up2[256], sum[64];

	write_ab(fx);
	set = load(fx);
	status_expect(fx, set, "pp");
	up_expect(fx, set, 0, PGV_OK, 2);
	assert_true(table_exists(fx, "a"));
	assert_true(table_exists(fx, "b"));
	assert_int_equal(int_at(fx, "SELECT count(*) FROM @_a"), 1);
	assert_int_equal(tracked(fx), 2);
	/* The stored checksum is the MD5 of the up file's bytes, as the server computes it. */
	snprintf(up2, sizeof(up2), "INSERT INTO %s_a VALUES (1);\nCREATE TABLE %s_b (j int);\n",
		fx->prefix, fx->prefix);
	text_of(fx, "SELECT CASE WHEN checksum = md5(?) THEN 'same' ELSE checksum END "
		"FROM pgvodbc_migrations WHERE version = 2", up2, sum, sizeof(sum));
	assert_string_equal(sum, "same");
	text_of(fx, "SELECT name FROM pgvodbc_migrations WHERE version = 2", NULL, sum, sizeof(sum));
	assert_string_equal(sum, "b");

	up_expect(fx, set, 0, PGV_OK, 0);
	assert_int_equal(int_at(fx, "SELECT count(*) FROM @_a"), 1);
	assert_int_equal(tracked(fx), 2);

	assert_pgv(fx->db->conn, pgv_migrate_status(&r, fx->db->conn, set), PGV_OK);
	assert_int_equal(r->count, 2);
	assert_int_equal(r->entries[0].version, 1);
	assert_string_equal(r->entries[0].name, "a");
	assert_int_equal(r->entries[1].state, PGV_MIGRATE_APPLIED);
	assert_string_equal(pgv_migrate_state_name(r->entries[1].state), "applied");
	assert_int_equal(r->entries[1].reversible, 1);
	assert_true(strlen(r->entries[1].applied_at) >= 19); /* "YYYY-MM-DD HH:MM:SS..." */
	pgv_migrate_report_free(r);

	/* down reverts the newest first, one per step by default, then nothing is left. */
	down_expect(fx, set, 0, PGV_OK, 1);
	assert_false(table_exists(fx, "b"));
	assert_int_equal(int_at(fx, "SELECT count(*) FROM @_a"), 0);
	status_expect(fx, set, "ap");
	down_expect(fx, set, 5, PGV_OK, 1);
	assert_false(table_exists(fx, "a"));
	assert_int_equal(tracked(fx), 0);
	down_expect(fx, set, 1, PGV_OK, 0);
	status_expect(fx, set, "pp");
	pgv_migrate_set_free(set);
}

/*
 * Files go to the server whole: several statements, ';' inside string literals, quoted
 * identifiers and comments, a dollar-quoted plpgsql body full of ';', nested dollar quotes, a
 * backslash at the end of a standard string, '?' in a string and a comment, and UTF-8 text.
 */
static void test_migrate__files_are_sent_whole(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;
	char buf[128], sql[256];

	write_sql(fx, "0001_whole.up.sql",
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
	write_sql(fx, "0001_whole.down.sql", "DROP FUNCTION @_g(); DROP FUNCTION @_f();\n"
		"DROP TABLE @_w; -- the end; really\n");
	set = load(fx);
	up_expect(fx, set, 0, PGV_OK, 1);

	assert_int_equal(int_at(fx, "SELECT count(*) FROM @_w"), 7);
	assert_int_equal(int_at(fx, "SELECT @_f()"), 7);
	assert_int_equal(int_at(fx, "SELECT \"semi;colon\" FROM @_w WHERE id = 1"), 7);
	{
		static const char *const want[] = {
			"a;b", "it's; \"quoted\"", "tab\t;", "C:\\", "what?; why?", "x;y;'",
			"h\xc3\xa9llo w\xc3\xb6rld;"
		};
		for (int id = 1; id <= 7; id++) {
			snprintf(sql, sizeof(sql), "SELECT s FROM %s_w WHERE id = %d", fx->prefix, id);
			text_of(fx, sql, NULL, buf, sizeof(buf));
			assert_string_equal(buf, want[id - 1]);
		}
	}
	/* The server received characters, not mangled bytes: 12 characters, 14 bytes. */
	assert_int_equal(int_at(fx, "SELECT length(s) * 100 + octet_length(s) FROM @_w WHERE id = 7"),
		1214);

	down_expect(fx, set, 0, PGV_OK, 1);
	assert_false(table_exists(fx, "w"));
	assert_int_equal(int_at(fx,
		"SELECT count(*) FROM pg_proc WHERE proname IN ('@_f')"), 0);
	pgv_migrate_set_free(set);
}

/*
 * A migration that fails after its first statements ran leaves nothing behind: its tables are
 * gone, it has no tracking row, the error keeps the server's SQLSTATE, and the migrations
 * before it stay applied.
 */
static void test_migrate__failure_leaves_nothing(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;
	const pgv_error *e;

	write_sql(fx, "0001_a.up.sql", "CREATE TABLE @_a (i int PRIMARY KEY);");
	write_sql(fx, "0001_a.down.sql", "DROP TABLE @_a;");
	write_sql(fx, "0002_bad.up.sql", "CREATE TABLE @_b (i int);\nINSERT INTO @_b VALUES (1);\n"
		"SELECT 1 / 0;\nCREATE TABLE @_c (i int);\n");
	write_sql(fx, "0003_c.up.sql", "CREATE TABLE @_d (i int);");
	set = load(fx);
	up_expect(fx, set, 0, PGV_ERROR, 1);
	e = pgv_conn_error(fx->db->conn);
	assert_int_equal(e->status, PGV_ERROR);
	assert_string_equal(e->sqlstate, "22012");
	assert_true(strncmp(e->message, "applying migration 0002_bad: ", 29) == 0);
	assert_error_has(fx, "division by zero");
	assert_non_null(strstr(e->operation, "pgv_migrate_up"));
	assert_true(table_exists(fx, "a"));
	assert_false(table_exists(fx, "b"));
	assert_false(table_exists(fx, "c"));
	assert_false(table_exists(fx, "d"));
	assert_int_equal(tracked(fx), 1);
	status_expect(fx, set, "app");
	pgv_migrate_set_free(set);

	/* A syntax error: 42601, same guarantees. */
	write_sql(fx, "0002_bad.up.sql", "CREATE TABLE @_b (i int);\nSELEKT 1;\n");
	set = load(fx);
	up_expect(fx, set, 0, PGV_ERROR, 0);
	assert_string_equal(pgv_conn_error(fx->db->conn)->sqlstate, "42601");
	assert_error_has(fx, "applying migration 0002_bad: ");
	assert_error_has(fx, "SELEKT");
	assert_false(table_exists(fx, "b"));
	pgv_migrate_set_free(set);

	/* A constraint violation keeps its own status and SQLSTATE. */
	write_sql(fx, "0002_bad.up.sql", "CREATE TABLE @_b (i int);\n"
		"INSERT INTO @_a VALUES (1);\nINSERT INTO @_a VALUES (1);\n");
	set = load(fx);
	up_expect(fx, set, 0, PGV_ECONSTRAINT, 0);
	assert_string_equal(pgv_conn_error(fx->db->conn)->sqlstate, "23505");
	assert_error_has(fx, "applying migration 0002_bad: ");
	assert_false(table_exists(fx, "b"));
	assert_int_equal(int_at(fx, "SELECT count(*) FROM @_a"), 0);
	pgv_migrate_set_free(set);

	/* Fixed, it applies, and so does the one after it. */
	write_sql(fx, "0002_bad.up.sql", "CREATE TABLE @_b (i int);\n");
	set = load(fx);
	up_expect(fx, set, 0, PGV_OK, 2);
	assert_true(table_exists(fx, "b"));
	assert_true(table_exists(fx, "d"));
	status_expect(fx, set, "aaa");
	pgv_migrate_set_free(set);
}

/* An applied up file that changed stops up before anything runs; status says "changed". */
static void test_migrate__checksum_mismatch_runs_nothing(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;

	write_ab(fx);
	set = load(fx);
	up_expect(fx, set, 0, PGV_OK, 2);
	pgv_migrate_set_free(set);

	write_sql(fx, "0002_b.up.sql", "INSERT INTO @_a VALUES (1);\nCREATE TABLE @_b (j int);\n"
		"-- edited after it was applied\n");
	write_sql(fx, "0003_c.up.sql", "CREATE TABLE @_c (i int);");
	set = load(fx);
	up_expect(fx, set, 0, PGV_ERROR, 0);
	assert_string_equal(pgv_conn_error(fx->db->conn)->message,
		"migration 0002_b: checksum mismatch: the up file changed after it was applied");
	assert_false(table_exists(fx, "c"));
	assert_int_equal(tracked(fx), 2);
	status_expect(fx, set, "acp");
	pgv_migrate_set_free(set);

	/* Restored, up goes on. */
	write_sql(fx, "0002_b.up.sql", "INSERT INTO @_a VALUES (1);\nCREATE TABLE @_b (j int);\n");
	set = load(fx);
	up_expect(fx, set, 0, PGV_OK, 1);
	assert_true(table_exists(fx, "c"));
	status_expect(fx, set, "aaa");
	pgv_migrate_set_free(set);
}

/* A target stops up after that version; a negative target is refused. */
static void test_migrate__up_to_target(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;

	write_ab(fx);
	write_sql(fx, "0005_c.up.sql", "CREATE TABLE @_c (i int);");
	set = load(fx);
	up_expect(fx, set, -1, PGV_EINVAL, 0);
	assert_error_has(fx, "target version -1 is negative");
	up_expect(fx, set, 1, PGV_OK, 1);
	status_expect(fx, set, "app");
	up_expect(fx, set, 4, PGV_OK, 1);
	status_expect(fx, set, "aap");
	up_expect(fx, set, 0, PGV_OK, 1);
	status_expect(fx, set, "aaa");
	pgv_migrate_set_free(set);
}

/* down stops at a migration without a down file; what it reverted before stays reverted. */
static void test_migrate__down_stops_at_irreversible(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;
	pgv_migrate_report *r = NULL;

	write_ab(fx);
	remove_sql(fx, "0002_b.down.sql");
	write_sql(fx, "0003_c.up.sql", "CREATE TABLE @_c (i int);");
	write_sql(fx, "0003_c.down.sql", "DROP TABLE @_c;");
	set = load(fx);
	up_expect(fx, set, 0, PGV_OK, 3);
	down_expect(fx, set, 3, PGV_ERROR, 1);
	assert_error_has(fx, "migration 0002_b: no down file (0002_b.down.sql)");
	assert_false(table_exists(fx, "c"));
	assert_true(table_exists(fx, "b"));
	status_expect(fx, set, "aap");
	assert_pgv(fx->db->conn, pgv_migrate_status(&r, fx->db->conn, set), PGV_OK);
	assert_int_equal(r->entries[1].reversible, 0);
	assert_int_equal(r->entries[2].reversible, 1);
	pgv_migrate_report_free(r);
	pgv_migrate_set_free(set);
}

/* An applied migration gone from the set is "missing": up goes on, down stops at it. */
static void test_migrate__missing_from_set(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;
	pgv_migrate_report *r = NULL;

	write_ab(fx);
	write_sql(fx, "0003_c.up.sql", "CREATE TABLE @_c (i int);");
	write_sql(fx, "0003_c.down.sql", "DROP TABLE @_c;");
	set = load(fx);
	up_expect(fx, set, 0, PGV_OK, 3);
	pgv_migrate_set_free(set);

	remove_sql(fx, "0003_c.up.sql");
	remove_sql(fx, "0003_c.down.sql");
	write_sql(fx, "0004_d.up.sql", "CREATE TABLE @_d (i int);");
	write_sql(fx, "0004_d.down.sql", "DROP TABLE @_d;");
	set = load(fx);
	status_expect(fx, set, "aamp");
	assert_pgv(fx->db->conn, pgv_migrate_status(&r, fx->db->conn, set), PGV_OK);
	assert_int_equal(r->entries[2].version, 3);
	assert_string_equal(r->entries[2].name, "c");
	assert_string_equal(pgv_migrate_state_name(r->entries[2].state), "missing");
	assert_int_equal(r->entries[2].reversible, 0);
	pgv_migrate_report_free(r);

	up_expect(fx, set, 0, PGV_OK, 1);
	assert_true(table_exists(fx, "d"));
	down_expect(fx, set, 2, PGV_ERROR, 1);
	assert_error_has(fx, "migration 0003_c: applied but not in the migration set");
	assert_false(table_exists(fx, "d"));
	status_expect(fx, set, "aamp");
	pgv_migrate_set_free(set);
}

/* Empty and comment-only files are valid migrations (psqlODBC refuses an empty statement). */
static void test_migrate__empty_files(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;

	write_sql(fx, "0001_empty.up.sql", "");
	write_sql(fx, "0001_empty.down.sql", "");
	write_sql(fx, "0002_comment.up.sql", "-- nothing to do yet\n");
	write_sql(fx, "0002_comment.down.sql", "/* nothing to undo */");
	set = load(fx);
	up_expect(fx, set, 0, PGV_OK, 2);
	status_expect(fx, set, "aa");
	down_expect(fx, set, 2, PGV_OK, 2);
	assert_int_equal(tracked(fx), 0);
	pgv_migrate_set_free(set);
}

/* Without the tracking table, status reports all pending and down has nothing to do. */
static void test_migrate__no_tracking_table(void **state)
{
	fixture *fx = *state;
	pgv_migrate_set *set;

	if (fx->had_tracking)
		skip(); /* the table belongs to someone else: do not drop it */
	testdb_exec(fx->db, "DROP TABLE IF EXISTS pgvodbc_migrations");
	write_ab(fx);
	set = load(fx);
	status_expect(fx, set, "pp");
	down_expect(fx, set, 1, PGV_OK, 0);
	assert_false(exists(fx, "pgvodbc_migrations")); /* neither creates it */
	up_expect(fx, set, 0, PGV_OK, 2);
	assert_true(exists(fx, "pgvodbc_migrations"));
	pgv_migrate_set_free(set);
}

/* Misuse is refused with PGV_EINVAL and a message, touching nothing. */
static void test_migrate__misuse(void **state)
{
	fixture *fx = *state;
	pgv_conn *c = fx->db->conn;
	pgv_migrate_set *set;
	pgv_migrate_report *r = (pgv_migrate_report *)&r;
	size_t n = 99;

	write_ab(fx);
	set = load(fx);
	assert_int_equal(pgv_migrate_up(&n, NULL, set, 0), PGV_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(pgv_migrate_up(NULL, c, NULL, 0), PGV_EINVAL);
	assert_error_has(fx, "the migration set is NULL");
	assert_int_equal(pgv_migrate_down(NULL, c, NULL, 1), PGV_EINVAL);
	assert_int_equal(pgv_migrate_status(NULL, c, set), PGV_EINVAL);
	assert_int_equal(pgv_migrate_status(&r, c, NULL), PGV_EINVAL);
	assert_null(r);
	/* Each migration needs its own transaction: refuse to run inside the caller's. */
	assert_pgv(c, pgv_conn_begin(c), PGV_OK);
	assert_int_equal(pgv_migrate_up(NULL, c, set, 0), PGV_EINVAL);
	assert_error_has(fx, "a transaction is open on this connection");
	assert_int_equal(pgv_migrate_down(NULL, c, set, 1), PGV_EINVAL);
	assert_pgv(c, pgv_conn_rollback(c), PGV_OK);
	assert_false(table_exists(fx, "a"));
	assert_string_equal(pgv_migrate_state_name((pgv_migrate_state)42), "unknown");
	pgv_migrate_report_free(NULL);
	pgv_migrate_set_free(set);
}

/*
 * The built-in set (sql/) creates the seed's table, which then stores 4-dimensional vectors,
 * and migrating all the way down removes it and the extension.  The extension is restored
 * afterwards when it was there before these tests.
 */
static void test_migrate__builtin_set_up_and_down(void **state)
{
	fixture *fx = *state;
	pgv_conn *c = fx->db->conn;
	pgv_migrate_set *set = NULL;
	pgv_stmt *st = NULL;
	const float v[4] = { 0.1f, 0.2f, 0.3f, 0.4f }, three[3] = { 1, 2, 3 };
	int ver = 0;
	char sum[64];

	if (exists(fx, "embeddings"))
		skip(); /* someone's table: migrating down would drop it */
	assert_int_equal(pgv_migrate_set_load(&set, NULL), PGV_OK);
	assert_int_equal(pgv_migrate_set_count(set), 2);
	status_expect(fx, set, "pp");
	up_expect(fx, set, 0, PGV_OK, 2);
	status_expect(fx, set, "aa");
	up_expect(fx, set, 0, PGV_OK, 0);
	assert_pgv(c, pgv_conn_vector_version(&ver, NULL, c), PGV_OK);
	assert_true(ver > 0);
	text_of(fx, "SELECT name FROM pgvodbc_migrations WHERE version = 2", NULL, sum, sizeof(sum));
	assert_string_equal(sum, "embeddings");

	assert_pgv(c, pgv_stmt_prepare(&st, c, "INSERT INTO embeddings (embedding) VALUES (?::vector)"),
		PGV_OK);
	assert_pgv(c, pgv_stmt_bind_vector(st, 1, v, 4), PGV_OK);
	assert_pgv(c, pgv_stmt_step(st), PGV_DONE);
	assert_pgv(c, pgv_stmt_reset(st), PGV_OK);
	assert_pgv(c, pgv_stmt_bind_vector(st, 1, three, 3), PGV_OK);
	assert_int_equal(pgv_stmt_step(st), PGV_ERROR);
	assert_string_equal(pgv_conn_error(c)->sqlstate, "22000");
	pgv_stmt_free(st);
	assert_int_equal(testdb_query_int(fx->db, "SELECT count(*) FROM embeddings"), 1);

	down_expect(fx, set, 2, PGV_OK, 2);
	assert_false(exists(fx, "embeddings"));
	assert_int_equal(pgv_conn_vector_version(&ver, NULL, c), PGV_ENOTFOUND);
	assert_int_equal(tracked(fx), 0);
	status_expect(fx, set, "pp");
	if (!fx->db->created_extension)
		testdb_exec(fx->db, "CREATE EXTENSION IF NOT EXISTS vector");
	pgv_migrate_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate__up_applies_in_order_and_records,
			test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__files_are_sent_whole, test_setup,
			test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__failure_leaves_nothing, test_setup,
			test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__checksum_mismatch_runs_nothing,
			test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__up_to_target, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__down_stops_at_irreversible, test_setup,
			test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__missing_from_set, test_setup,
			test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__empty_files, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__no_tracking_table, test_setup,
			test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__misuse, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_migrate__builtin_set_up_and_down, test_setup,
			test_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
