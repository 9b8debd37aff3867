/*
 * Integration: the tool's output choices and its help with mistakes, run as child processes on
 * the server named by PGVODBC_TEST_DSN.  Pins down: --csv on list, knn and distance is RFC 4180
 * with a header (a vector quoted, NULL empty); --json and --csv together are a usage error;
 * under --json every error is one JSON object on stderr with the message, the SQLSTATE (null
 * when none) and the exit status, for database, input and usage errors alike; upsert --json
 * prints {"upserted":N} on stdout (pairs and stdin); -k is --k; a mistyped command or option is
 * answered with the closest one, and a word after an unknown option is taken as its value, not
 * as a command; index create --if-not-exists builds once and then says it exists (status 0).
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Asserts that CSV `got` is `want` line by line, where a line of `want` whose last field is a
 * number holds the exact distance there, and `got` must hold the one the backend reports for
 * it (testdb_distance), read back as a double: bit for bit.
 */
static void assert_csv_distances(const testdb *db, const char *got, const char *want)
{
	while (*want) {
		size_t wl = strcspn(want, "\n"), gl = strcspn(got, "\n");
		const char *wc = memchr(want, ',', wl) ? want + wl : NULL;

		/* the header, and lines without a number at the end, are compared as they are */
		while (wc && wc > want && wc[-1] != ',')
			wc--;
		if (wc && wc > want && (*wc >= '0' && *wc <= '9')) {
			size_t head = (size_t)(wc - want);
			double d = testdb_distance(db, strtod(wc, NULL)), g;

			if (gl < head || memcmp(got, want, head) != 0)
				fail_msg("expected a line starting [%.*s], got [%.*s]", (int)head, want,
					(int)gl, got);
			g = strtod(got + head, NULL);
			if (memcmp(&g, &d, sizeof(d)) != 0)
				fail_msg("distance [%.*s]: got %.17g, want %.17g", (int)gl, got, g, d);
		} else if (gl != wl || memcmp(got, want, wl) != 0) {
			fail_msg("expected the line [%.*s], got [%.*s]", (int)wl, want, (int)gl, got);
		}
		want += wl + (want[wl] == '\n');
		got += gl + (got[gl] == '\n');
	}
	assert_string_equal(got, "");
}

static void test_cli_output__csv(void **state)
{
	testdb *db = *state;
	char name[64], sql[128];
	clirun r = { 0 };

	clirun_seed_table(db, "clicsv", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (4, NULL)", name);
	testdb_exec(db, sql);
	CLI_OUT("id,embedding\n1,\"[0.1,0.8,0.5,0.3]\"\n2,\"[0.4,0.2,0.7,0.9]\"\n"
		"3,\"[0.9,0.5,0.1,0.6]\"\n4,\n", "list", "--table", name, "--csv");
	CLI(&r, NULL, 0, "knn", "--table", name, "--csv", "-k", "2", "[0.3,0.1,0.6,0.5]");
	assert_status(&r, 0);
	assert_csv_distances(db, r.out, "id,embedding,distance\n"
		"2,\"[0.4,0.2,0.7,0.9]\",0.4358898574336088\n"
		"1,\"[0.1,0.8,0.5,0.3]\",0.7615772996293282\n");
	clirun_free(&r);
	CLI(&r, NULL, 0, "distance", "--table", name, "--csv", "--id", "1", "--id", "3",
		"[0.5,0.8,0.0,-0.6]");
	assert_status(&r, 0);
	assert_csv_distances(db, r.out, "id,distance\n1,1.1045361146699684\n3,1.3038404993264\n");
	clirun_free(&r);
}

static void test_cli_output__json_errors(void **state)
{
	testdb *db = *state;
	clirun r = { 0 };

	/* a database error: PostgreSQL's SQLSTATE, or the SQLite driver's HY000 */
	CLI(&r, NULL, 0, "list", "--table", "pgvodbc_no_such_table", "--json");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_prefix(r.err, "{\"error\":{\"message\":\"list: listing \\\"pgvodbc_no_such_table\\\": ");
	assert_contains(r.err, db->backend == PGV_BACKEND_SQLITE
		? "\"sqlstate\":\"HY000\",\"status\":1}}\n" : "\"sqlstate\":\"42P01\",\"status\":1}}\n");
	assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1);
	clirun_free(&r);
	/* an input error: no SQLSTATE */
	CLI(&r, NULL, 0, "knn", "--json", "[1,x]");
	assert_status(&r, 1);
	assert_prefix(r.err, "{\"error\":{\"message\":\"knn: query vector: ");
	assert_contains(r.err, "\"sqlstate\":null,\"status\":1}}\n");
	clirun_free(&r);
	/* a usage error, even when --json comes after the problem */
	CLI(&r, NULL, 0, "list", "--k", "3", "--json");
	assert_status(&r, 2);
	assert_string_equal(r.err, "{\"error\":{\"message\":\"list: option --k does not apply to "
		"list\",\"sqlstate\":null,\"status\":2}}\n");
	clirun_free(&r);
	CLI(&r, NULL, 0, "list", "--json", "--csv");
	assert_status(&r, 2);
	assert_contains(r.err, "--json and --csv cannot be combined");
	clirun_free(&r);
	/* without --json the message stays plain */
	CLI(&r, NULL, 0, "list", "--table", "pgvodbc_no_such_table");
	assert_status(&r, 1);
	assert_prefix(r.err, "pgvodbc: list: listing \"pgvodbc_no_such_table\": ");
	clirun_free(&r);
}

static void test_cli_output__upsert_json(void **state)
{
	testdb *db = *state;
	char name[64];
	static const char lines[] = "5\t[1,1,1,1]\n6\t[2,2,2,2]\n";
	clirun r = { 0 };

	clirun_seed_table(db, "cliupj", name);
	CLI(&r, NULL, 0, "upsert", "--table", name, "--json", "1", "[0,0,0,0]");
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"upserted\":1}\n");
	assert_string_equal(r.err, "");
	clirun_free(&r);
	CLI(&r, lines, sizeof(lines) - 1, "upsert", "--table", name, "--json");
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"upserted\":2}\n");
	clirun_free(&r);
}

static void test_cli_output__suggestions(void **state)
{
	clirun r = { 0 };

	(void)state;
	CLI(&r, NULL, 0, "lst");
	assert_status(&r, 2);
	assert_prefix(r.err, "pgvodbc: unknown command \"lst\"; did you mean \"list\"?\n");
	clirun_free(&r);
	{
		const char *args[] = { "--dns", "vectors", "list", NULL };
		clirun_run(&r, NULL, 0, args);
	}
	assert_status(&r, 2);
	assert_prefix(r.err, "pgvodbc: unknown option --dns; did you mean --dsn?\n");
	clirun_free(&r);
	CLI(&r, NULL, 0, "knn", "--metirc", "l2", "[1]");
	assert_status(&r, 2);
	assert_prefix(r.err, "pgvodbc: knn: unknown option --metirc; did you mean --metric?\n");
	clirun_free(&r);
	CLI(&r, NULL, 0, "frobnicate");
	assert_status(&r, 2);
	assert_prefix(r.err, "pgvodbc: unknown command \"frobnicate\"\n");
	clirun_free(&r);
}

static void test_cli_output__index_if_not_exists(void **state)
{
	testdb *db = *state;
	char name[64], want[256];

	clirun_seed_table(db, "cliine", name);
	snprintf(want, sizeof(want), "created index %s_embedding_hnsw_l2_idx on %s (hnsw, l2)\n",
		name, name);
	CLI_OUT(want, "index", "create", "--table", name, "--if-not-exists");
	snprintf(want, sizeof(want), "index %s_embedding_hnsw_l2_idx on %s exists: nothing to "
		"do\n", name, name);
	CLI_OUT(want, "index", "create", "--table", name, "--if-not-exists");
	snprintf(want, sizeof(want), "{\"index\":\"%s_embedding_hnsw_l2_idx\",\"schema\":null,"
		"\"table\":\"%s\",\"method\":\"hnsw\",\"metric\":\"l2\",\"created\":false}\n", name,
		name);
	CLI_OUT(want, "index", "create", "--table", name, "--if-not-exists", "--json");
	{
		clirun r = { 0 };

		/* without it, the second build is the server's error */
		CLI(&r, NULL, 0, "index", "create", "--table", name);
		assert_status(&r, 1);
		assert_contains(r.err, "42P07");
		clirun_free(&r);
		CLI(&r, NULL, 0, "index", "drop", "--table", name, "--if-not-exists");
		assert_status(&r, 2);
		clirun_free(&r);
	}
}

/* sqlite-vec has no index: index create is refused naming the backend, nothing created. */
static void test_cli_output__index_refused_on_sqlite(void **state)
{
	testdb *db = *state;
	char name[64];
	clirun r = { 0 };

	clirun_seed_table(db, "cliinr", name);
	CLI(&r, NULL, 0, "index", "create", "--table", name, "--if-not-exists");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "indexes are not supported on sqlite");
	clirun_free(&r);
	assert_int_equal(testdb_query_int(db, "SELECT count(*) FROM sqlite_master "
		"WHERE type = 'index' AND name LIKE 'pgvt_cliinr%embedding%'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cli_output__csv, testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_output__json_errors, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_output__upsert_json, testdb_setup,
			testdb_teardown),
		cmocka_unit_test(test_cli_output__suggestions),
		cmocka_unit_test_setup_teardown(test_cli_output__index_if_not_exists, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_output__index_refused_on_sqlite,
			testdb_setup, testdb_teardown),
	};
	/* indexes: pgvector's (sqlite-vec 0.1 has none) */
	static const char *const postgresql_only[] = {
		"test_cli_output__index_if_not_exists", NULL
	};
	static const char *const sqlite_only[] = { "test_cli_output__index_refused_on_sqlite", NULL };

	return TESTDB_RUN_GROUP(tests, NULL, NULL, postgresql_only, sqlite_only);
}
