/*
 * Integration: `pgvodbc demo` and `pgvodbc migrate`, run as child processes on the embedded
 * server (DSN from PGVODBC_TEST_DSN).  Pins down the demo's output (the walkthrough's exact
 * figures, text and JSON lines, a second run finding its migrations applied) and migrate
 * status / up / down on a directory of migrations.  Both need a database without the demo's
 * tables and skip otherwise.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether this run owns the demo/migration state: no `embeddings`, no tracking table before. */
static int fresh_database(testdb *db)
{
	return testdb_count_tables(db, "embeddings") + testdb_count_tables(db, "pgvodbc_migrations")
		== 0;
}

/* Group teardown for the demo tests: whatever a failed test left of its objects goes too. */
static int fresh_teardown(void **state)
{
	testdb *db = *state;

	if (db && db->ntables >= 1 && strcmp(db->tables[0], "pgvodbc_migrations") == 0)
		testdb_exec(db, "DROP TABLE IF EXISTS embeddings");
	return testdb_teardown(state);
}

/* Registers the demo's objects for dropping in teardown (pgvodbc_migrations first in the list,
 * so it is dropped last). */
static void own_migration_state(testdb *db)
{
	assert_int_equal(db->ntables, 0);
	snprintf(db->tables[db->ntables++], 64, "pgvodbc_migrations");
}

static const char DEMO_TEXT_TAIL[] =
	"== upsert 3 rows\n"
	"upserted 3 rows\n"
	"== all embeddings\n"
	"1\t[0.1,0.8,0.5,0.3]\n"
	"2\t[0.4,0.2,0.7,0.9]\n"
	"3\t[0.9,0.5,0.1,0.6]\n"
	"== nearest neighbour of [0.3,0.1,0.6,0.5] (l2)\n"
	"2\t[0.4,0.2,0.7,0.9]\t";

/* The demo reproduces the walkthrough (exact distances), twice (migrations are no-ops the
 * second time), and in JSON; then `migrate down` removes what it made. */
static void test_cli_migrate__demo(void **state)
{
	testdb *db = *state;
	const char *p;
	clirun r = { 0 };
	char steps[4];
	int f32 = db->backend == PGV_BACKEND_SQLITE;

	if (!fresh_database(db)) {
		TESTDB_SKIP("the database already has an embeddings or a pgvodbc_migrations "
			"table, which the demo would change");
	}
	own_migration_state(db);
	for (int round = 0; round < 2; round++) {
		CLI(&r, NULL, 0, "demo");
		assert_status(&r, 0);
		assert_string_equal(r.err, "");
		assert_prefix(r.out, round == 0
			? "== migrate up\napplied 2 migrations: now at version 2\n"
			: "== migrate up\nnothing to do: at version 2\n");
		p = strstr(r.out, DEMO_TEXT_TAIL);
		assert_non_null(p);
		p = strchr(p + strlen(DEMO_TEXT_TAIL), '\n');
		assert_non_null(p);
		/* pgvector's figures in double, sqlite-vec's in float32 (issue 16) */
		assert_string_equal(p + 1, f32 ? "== l2 distance to [0.5,0.8,0,-0.6]\n"
			"1\t1.1045360565185547\n"
			"2\t1.763519287109375\n"
			"3\t1.3038405179977417\n"
			: "== l2 distance to [0.5,0.8,0,-0.6]\n"
			"1\t1.1045361146699684\n"
			"2\t1.7635192467093759\n"
			"3\t1.3038404993264\n");
		clirun_free(&r);
	}

	CLI(&r, NULL, 0, "demo", "--json");
	assert_status(&r, 0);
	assert_prefix(r.out, "{\"step\":\"migrate\",\"applied\":0,\"version\":2}\n"
		"{\"step\":\"upsert\",\"upserted\":3}\n"
		"{\"step\":\"list\",\"id\":1,\"embedding\":[0.1,0.8,0.5,0.3]}\n");
	assert_contains(r.out, "{\"step\":\"knn\",\"id\":2,\"embedding\":[0.4,0.2,0.7,0.9],"
		"\"distance\":");
	assert_contains(r.out, f32
		? "{\"step\":\"distance\",\"id\":1,\"distance\":1.1045360565185547}\n"
		  "{\"step\":\"distance\",\"id\":2,\"distance\":1.763519287109375}\n"
		  "{\"step\":\"distance\",\"id\":3,\"distance\":1.3038405179977417}\n"
		: "{\"step\":\"distance\",\"id\":1,\"distance\":1.1045361146699684}\n"
		  "{\"step\":\"distance\",\"id\":2,\"distance\":1.7635192467093759}\n"
		  "{\"step\":\"distance\",\"id\":3,\"distance\":1.3038404993264}\n");
	assert_null(strstr(r.out, "=="));
	clirun_free(&r);

	CLI(&r, NULL, 0, "migrate", "status");
	assert_status(&r, 0);
	assert_prefix(r.out, "1\tvector_extension\tapplied\t");
	assert_contains(r.out, "\n2\tembeddings\tapplied\t");
	clirun_free(&r);

	/* Down: the table, and the extension too when this test's setup created it (otherwise it
	 * belongs to someone else). */
	snprintf(steps, sizeof(steps), "%d", db->created_extension ? 2 : 1);
	CLI(&r, NULL, 0, "migrate", "down", "--steps", steps);
	assert_status(&r, 0);
	assert_contains(r.out, db->created_extension ? "reverted 2 migrations: now at version 0"
		: "reverted 1 migration: now at version 1");
	clirun_free(&r);
	assert_int_equal(testdb_count_tables(db, "embeddings"), 0);
}

/* Writes `text` to DIR/NAME. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* migrate --dir: status (text, JSON), up --to, up, up again, down --steps, a missing dir. */
static void test_cli_migrate__migrate_dir(void **state)
{
	testdb *db = *state;
	char dir[] = "/tmp/pgvodbc_cli_mig_XXXXXX", sql[256], buf[128];
	const char *line2;
	clirun r = { 0 };

	if (!fresh_database(db)) {
		TESTDB_SKIP("a pgvodbc_migrations table already exists");
	}
	own_migration_state(db);
	snprintf(db->tables[db->ntables++], 64, "pgvt_cli_mig_%ld_a", (long)getpid());
	snprintf(db->tables[db->ntables++], 64, "pgvt_cli_mig_%ld_b", (long)getpid());
	assert_non_null(mkdtemp(dir));
	snprintf(sql, sizeof(sql), "CREATE TABLE pgvt_cli_mig_%ld_a (id int);\n", (long)getpid());
	write_file(dir, "0001_first.up.sql", sql);
	snprintf(sql, sizeof(sql), "DROP TABLE pgvt_cli_mig_%ld_a;\n", (long)getpid());
	write_file(dir, "0001_first.down.sql", sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE pgvt_cli_mig_%ld_b (id int);\n", (long)getpid());
	write_file(dir, "0002_second.up.sql", sql);
	snprintf(sql, sizeof(sql), "DROP TABLE pgvt_cli_mig_%ld_b;\n", (long)getpid());
	write_file(dir, "0002_second.down.sql", sql);

	CLI_OUT("1\tfirst\tpending\t-\n2\tsecond\tpending\t-\n", "migrate", "status", "--dir", dir);

	CLI_OUT("applied 1 migration: now at version 1\n", "migrate", "up", "--dir", dir, "--to", "1");

	CLI(&r, NULL, 0, "migrate", "status", "--dir", dir, "--json");
	assert_status(&r, 0);
	assert_prefix(r.out, "{\"version\":1,\"name\":\"first\",\"state\":\"applied\","
		"\"applied_at\":\"");
	line2 = strchr(r.out, '\n') + 1;
	assert_string_equal(line2, "{\"version\":2,\"name\":\"second\",\"state\":\"pending\","
		"\"applied_at\":null,\"reversible\":true}\n");
	assert_string_equal(clirun_json_value(r.out, "reversible", buf, sizeof(buf)), "true");
	clirun_free(&r);

	CLI_OUT("{\"applied\":1,\"version\":2}\n", "migrate", "up", "--dir", dir, "--json");
	CLI(&r, NULL, 0, "migrate", "up", "--dir", dir);
	assert_string_equal(r.out, "nothing to do: at version 2\n");
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "pgvt_cli_mig_%ld_%%", (long)getpid());
	assert_int_equal(testdb_count_tables(db, sql), 2);

	CLI_OUT("reverted 2 migrations: now at version 0\n", "migrate", "down", "--dir", dir,
		"--steps", "2");
	assert_int_equal(testdb_count_tables(db, sql), 0);

	CLI(&r, NULL, 0, "migrate", "status", "--dir", "/nonexistent/pgvodbc-migrations");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "pgvodbc: migrate status: loading migrations from "
		"\"/nonexistent/pgvodbc-migrations\": ");
	clirun_free(&r);

	for (const char *const *f = (const char *const[]){ "0001_first.up.sql",
			"0001_first.down.sql", "0002_second.up.sql", "0002_second.down.sql", NULL };
			*f; f++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cli_migrate__demo, testdb_setup, fresh_teardown),
		cmocka_unit_test_setup_teardown(test_cli_migrate__migrate_dir, testdb_setup, fresh_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return TESTDB_RUN(cmocka_run_group_tests_name("cli_migrate", tests, NULL, NULL));
}
