/*
 * Native: migrations on a server without pgvector (Debian's postgresql-15 has no package for
 * it).  The built-in migrations fail at 0001_vector_extension with a message that says the
 * vector extension is not available on this server and to install pgvector, keeping the
 * server's SQLSTATE and message; nothing is applied, and a second attempt fails the same way.
 * Which extension is missing is known from the SQLSTATE (0A000, or 58P01 from older servers),
 * the file's CREATE EXTENSION statements and pg_available_extensions: the server raises those
 * SQLSTATEs itself with RAISE and messages in other languages, and other failures are left as
 * the server put them.
 *
 * Everything happens in a schema of this process (first in search_path), so the tracking table
 * is this test's own and runs under both DSNs may overlap.
 */
#define _GNU_SOURCE 1 /* mkdtemp */
#include "native_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fixture {
	testdb db;
	char schema[64];
	int has_vector; /* pgvector is installed on this machine: the first test cannot run */
} fixture;

/* The server's own answer to a statement that fails: its SQLSTATE and first message line. */
typedef struct server_answer {
	char sqlstate[6];
	char first_line[512];
} server_answer;

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("expected the message to contain\n  %s\nbut it is\n  %s", part, text);
}

static void assert_lacks(const char *text, const char *part)
{
	if (strstr(text, part))
		fail_msg("expected the message not to contain\n  %s\nbut it is\n  %s", part, text);
}

/* Connects, checks the server has no pgvector, and moves into a schema of this process. */
static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));
	char sql[160];

	assert_non_null(fx);
	*state = fx;
	native_open(&fx->db);
	/* pgvector built by hand on this machine: the missing-extension test skips, the rest run */
	fx->has_vector = testdb_query_int(&fx->db,
		"SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'") != 0;
	snprintf(fx->schema, sizeof(fx->schema), "pgvt_novec_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", fx->schema);
	testdb_exec(&fx->db, sql);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", fx->schema);
	testdb_exec(&fx->db, sql);
	snprintf(sql, sizeof(sql), "SET search_path TO %s", fx->schema);
	testdb_exec(&fx->db, sql);
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	char sql[160];

	if (!fx)
		return 0;
	if (fx->db.conn && fx->schema[0]) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", fx->schema);
		testdb_exec(&fx->db, sql);
	}
	pgv_conn_close(fx->db.conn);
	free(fx);
	*state = NULL;
	return 0;
}

/* Runs SQL that must fail and returns the server's answer, as the library reports it. */
static server_answer server_refusal(fixture *fx, const char *sql)
{
	server_answer a;
	const pgv_error *e;
	int rc = pgv_conn_exec(fx->db.conn, sql);

	e = pgv_conn_error(fx->db.conn);
	if (rc >= 0)
		fail_msg("expected the server to refuse: %s", sql);
	assert_int_equal(strlen(e->sqlstate), 5);
	memcpy(a.sqlstate, e->sqlstate, sizeof(a.sqlstate));
	snprintf(a.first_line, sizeof(a.first_line), "%.*s", (int)strcspn(e->message, "\n"),
		e->message);
	return a;
}

/* The number of rows in this schema's tracking table (which up has created). */
static int64_t tracked(fixture *fx)
{
	assert_int_equal(testdb_query_int(&fx->db, "SELECT CASE WHEN "
		"to_regclass('pgvodbc_migrations') IS NULL THEN 0 ELSE 1 END"), 1);
	return testdb_query_int(&fx->db, "SELECT count(*) FROM pgvodbc_migrations");
}

/* Checks that status reports every migration of the set as pending. */
static void assert_all_pending(fixture *fx, const pgv_migrate_set *set)
{
	pgv_migrate_report *report = NULL;

	assert_pgv(fx->db.conn, pgv_migrate_status(&report, fx->db.conn, set), PGV_OK);
	assert_int_equal(report->count, pgv_migrate_set_count(set));
	for (size_t i = 0; i < report->count; i++) {
		if (report->entries[i].state != PGV_MIGRATE_PENDING)
			fail_msg("migration %lld_%s is %s, want pending",
				(long long)report->entries[i].version, report->entries[i].name,
				pgv_migrate_state_name(report->entries[i].state));
	}
	pgv_migrate_report_free(report);
}

/*
 * The built-in set: up fails at its first migration, naming the missing extension and pgvector,
 * with the SQLSTATE and message the server gives for CREATE EXTENSION vector; nothing applied,
 * twice.
 */
static void test_native_no_vector__builtin_up_says_vector_is_missing(void **state)
{
	fixture *fx = *state;
	pgv_conn *c = fx->db.conn;
	pgv_migrate_set *set = NULL;
	pgv_migrate_report *report = NULL;
	server_answer server;
	char first[96], expect[256];

	if (fx->has_vector)
		TESTDB_SKIP("pgvector is installed on this server: the vector extension is not "
			"missing");
	server = server_refusal(fx, "CREATE EXTENSION vector");

	assert_pgv(c, pgv_migrate_set_load(&set, NULL), PGV_OK);
	assert_true(pgv_migrate_set_count(set) >= 2);
	/* The first migration's id, from the set itself: its version and name. */
	assert_pgv(c, pgv_migrate_status(&report, c, set), PGV_OK);
	snprintf(first, sizeof(first), "%04lld_%s", (long long)report->entries[0].version,
		report->entries[0].name);
	pgv_migrate_report_free(report);
	snprintf(expect, sizeof(expect), "applying migration %s: the vector extension is not "
		"available on this server (install pgvector", first);

	for (int attempt = 1; attempt <= 2; attempt++) {
		size_t applied = 99;
		int rc = pgv_migrate_up(&applied, c, set, 0);
		const pgv_error *e = pgv_conn_error(c);

		if (rc != PGV_ERROR)
			fail_msg("attempt %d: pgv_migrate_up gave %s, want PGV_ERROR: [%s] %s", attempt,
				pgv_status_name(rc), e->sqlstate, e->message);
		assert_int_equal(applied, 0);
		assert_int_equal(e->status, PGV_ERROR);
		assert_string_equal(e->sqlstate, server.sqlstate);
		assert_contains(e->message, expect);
		assert_contains(e->message, server.first_line);
		assert_true(strncmp(e->operation, "pgv_migrate_up", 14) == 0);
		assert_false(pgv_conn_in_transaction(c));

		assert_int_equal(tracked(fx), 0);
		assert_int_equal(testdb_query_int(&fx->db,
			"SELECT count(*) FROM pg_extension WHERE extname = 'vector'"), 0);
		assert_int_equal(testdb_query_int(&fx->db, "SELECT CASE WHEN "
			"to_regclass('embeddings') IS NULL THEN 0 ELSE 1 END"), 0);
		assert_all_pending(fx, set);
	}
	pgv_migrate_set_free(set);
}

/*
 * Runs a one-migration set (0001_probe, whose up file is `sql`) that must fail, checks that
 * nothing was recorded, and returns a copy of the error message in msg and its SQLSTATE.
 */
static void up_fails(fixture *fx, const char *sql, char *msg, size_t cap, char sqlstate[6])
{
	char dir[64], path[128];
	pgv_migrate_set *set = NULL;
	size_t applied = 99;
	const pgv_error *e;
	FILE *f;
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/pgvt_novec_XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/0001_probe.up.sql", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(sql, f);
	assert_int_equal(fclose(f), 0);
	rc = pgv_migrate_set_load(&set, dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(rc, PGV_OK);

	rc = pgv_migrate_up(&applied, fx->db.conn, set, 0);
	e = pgv_conn_error(fx->db.conn);
	assert_int_equal(rc, PGV_ERROR);
	assert_int_equal(applied, 0);
	snprintf(msg, cap, "%s", e->message);
	memcpy(sqlstate, e->sqlstate, 6);
	assert_int_equal(tracked(fx), 0);
	pgv_migrate_set_free(set);
}

/*
 * Which extension is missing comes from the SQLSTATE (0A000 now, 58P01 from older servers), the
 * file's CREATE EXTENSION statements and the catalog, never from the server's wording: the
 * server raises those SQLSTATEs here with German and Japanese messages (as under another
 * lc_messages), and the extension the catalog lacks is named; one it has is not.
 */
static void test_native_no_vector__missing_extension_in_any_language(void **state)
{
	fixture *fx = *state;
	static const char *const answers[][2] = {
		{ "58P01", "U&'konnte Kontrolldatei nicht \\00f6ffnen'" },
		{ "0A000", "U&'\\62e1\\5f35\\6a5f\\80fd\\304c\\3042\\308a\\307e\\305b\\3093'" },
	};
	char ext[64], sql[512], expect[192], msg[2048], state5[6];

	snprintf(ext, sizeof(ext), "pgvt_missing_%ld", (long)getpid());
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		snprintf(sql, sizeof(sql), "-- create extension pgvt_in_a_comment;\n"
			"CREATE EXTENSION IF NOT EXISTS plpgsql;\n"
			"DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '%s', MESSAGE = "
			"%s; END $$;\n"
			"create  extension\n\"%s\";\n", answers[i][0], answers[i][1], ext);
		up_fails(fx, sql, msg, sizeof(msg), state5);
		assert_string_equal(state5, answers[i][0]);
		snprintf(expect, sizeof(expect), "applying migration 0001_probe: the %s extension is "
			"not available on this server (install it on the server): ", ext);
		assert_contains(msg, expect);
		assert_lacks(msg, "pgvt_in_a_comment");
	}
	/* the same refusal from a file whose extensions the server has: the plain form */
	up_fails(fx, "CREATE EXTENSION IF NOT EXISTS plpgsql;\n"
		"DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = "
		"'extension \"plpgsql\" is not available'; END $$;\n", msg, sizeof(msg), state5);
	assert_string_equal(state5, "0A000");
	assert_contains(msg, "applying migration 0001_probe: ");
	assert_lacks(msg, "not available on this server");
}

/* Another missing extension is named as itself, without the pgvector hint. */
static void test_native_no_vector__other_extension_named(void **state)
{
	fixture *fx = *state;
	char sql[128], ext[64], expect[192], msg[2048], state5[6];
	server_answer server;

	snprintf(ext, sizeof(ext), "pgvt_missing_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "CREATE EXTENSION %s;\n", ext);
	server = server_refusal(fx, sql);
	up_fails(fx, sql, msg, sizeof(msg), state5);
	assert_string_equal(state5, server.sqlstate);
	snprintf(expect, sizeof(expect), "applying migration 0001_probe: the %s extension is not "
		"available on this server (install it on the server): ", ext);
	assert_contains(msg, expect);
	assert_contains(msg, server.first_line);
	assert_lacks(msg, "pgvector");
}

/*
 * Failures that are not a missing extension keep the plain "applying migration <id>: <server's
 * message>" form: another error, and the same SQLSTATE 0A000 with other words.
 */
static void test_native_no_vector__other_failures_unchanged(void **state)
{
	fixture *fx = *state;
	char msg[2048], state5[6];
	server_answer server = server_refusal(fx, "SELECT 1 / 0");

	up_fails(fx, "SELECT 1 / 0;\n", msg, sizeof(msg), state5);
	assert_string_equal(state5, server.sqlstate);
	assert_true(strncmp(msg, "applying migration 0001_probe: ", 31) == 0);
	assert_contains(msg + 31, server.first_line);
	assert_lacks(msg, "not available on this server");

	up_fails(fx, "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = "
		"'extension \"vector\" is not supported here'; END $$;\n", msg, sizeof(msg), state5);
	assert_string_equal(state5, "0A000");
	assert_contains(msg, "applying migration 0001_probe: ");
	assert_lacks(msg, "not available on this server");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_no_vector__builtin_up_says_vector_is_missing),
		cmocka_unit_test(test_native_no_vector__missing_extension_in_any_language),
		cmocka_unit_test(test_native_no_vector__other_extension_named),
		cmocka_unit_test(test_native_no_vector__other_failures_unchanged),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, setup, teardown));
}
