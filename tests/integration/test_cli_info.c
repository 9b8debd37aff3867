/*
 * Integration: `pgvodbc info`, run as a child process on the server named by PGVODBC_TEST_DSN.
 * Pins down: the text report is "key: value" lines and --json one object with the same facts;
 * the driver settings shown are the DSN's own (pgvodbc_declfetch shows use_declare_fetch 1 and
 * fetch 2); the pgvector version is the one the server reports; vector types, metrics and
 * index methods of pgvector 0.7 and later are all listed; pgvector's search settings are read
 * from the server (a value SET in the session shows); an argument is a usage error.  On SQLite:
 * the SQLite driver, sqlite-vec's version as vec_version() gives it, its types and metrics, no
 * index methods, and no psqlODBC settings (unknown).
 */
#include "testdb.h"
#include "clirun.h"

#include <stdio.h>
#include <string.h>

static void test_cli_info__text_report(void **state)
{
	testdb *db = *state;
	char want[96];
	const char *version = NULL;
	int num = 0;
	clirun r = { 0 };
	char flag[8];
	int declfetch = testdb_dsn_key(testdb_dsn(), "UseDeclareFetch", flag, sizeof(flag))
		&& strcmp(flag, "1") == 0;

	CLI(&r, NULL, 0, "info");
	assert_status(&r, 0);
	assert_true(strstr(r.out, "PWD") == NULL && strstr(r.out, "assword") == NULL);
	if (db->backend == PGV_BACKEND_SQLITE) {
		/* sqlite-vec's version as the extension itself reports it */
		testdb_query_text(db, "SELECT vec_version()", flag, sizeof(flag));
		snprintf(want, sizeof(want), "\nsqlite_vec: %s\n", flag[0] == 'v' ? flag + 1 : flag);
		assert_prefix(r.out, "driver: sqlite3odbc");
		assert_contains(r.out, "\ndbms: SQLite\n");
		assert_contains(r.out, "\nbackend: sqlite\n");
		assert_contains(r.out, want);
		assert_contains(r.out, "\nuse_declare_fetch: unknown\nfetch: unknown\n");
		assert_contains(r.out, "\ntypes: vector, bit\n");
		assert_contains(r.out, "\nmetrics: l2, cosine, l1, hamming\n");
		assert_contains(r.out, "\nindex_methods: none\n");
		assert_true(strstr(r.out, "pgvector") == NULL && strstr(r.out, "hnsw.") == NULL);
		clirun_free(&r);
		return;
	}
	assert_pgv(db->conn, pgv_conn_vector_version(&num, &version, db->conn), 0);
	assert_prefix(r.out, "driver: psqlodbc");
	assert_contains(r.out, "\ndbms: PostgreSQL\n");
	snprintf(want, sizeof(want), "\npgvector: %s\n", version);
	assert_contains(r.out, want);
	assert_contains(r.out, declfetch ? "\nuse_declare_fetch: 1\nfetch: 2\n"
		: "\nuse_declare_fetch: 0\nfetch: 100\n");
	assert_contains(r.out, "\ntypes: vector, halfvec, sparsevec, bit\n");
	assert_contains(r.out, "\nmetrics: l2, ip, cosine, l1, hamming, jaccard\n");
	assert_contains(r.out, "\nindex_methods: hnsw, ivfflat\n");
	assert_contains(r.out, "\nhnsw.ef_search: ");
	assert_contains(r.out, "\nivfflat.probes: ");
	clirun_free(&r);
}

static void test_cli_info__json_object(void **state)
{
	testdb *db = *state;
	int sqlite = db->backend == PGV_BACKEND_SQLITE;
	clirun r = { 0 };
	char buf[128];

	CLI(&r, NULL, 0, "info", "--json");
	assert_status(&r, 0);
	assert_prefix(r.out, sqlite ? "{\"driver\":\"sqlite3odbc" : "{\"driver\":\"psqlodbc");
	/* one object, one line */
	assert_true(strchr(r.out, '\n') == r.out + strlen(r.out) - 1);
	assert_string_equal(clirun_json_value(r.out, "dbms", buf, sizeof(buf)),
		sqlite ? "\"SQLite\"" : "\"PostgreSQL\"");
	assert_string_equal(clirun_json_value(r.out, "index_methods", buf, sizeof(buf)),
		sqlite ? "[]" : "[\"hnsw\",\"ivfflat\"]");
	assert_string_equal(clirun_json_value(r.out, "types", buf, sizeof(buf)),
		sqlite ? "[\"vector\",\"bit\"]" : "[\"vector\",\"halfvec\",\"sparsevec\",\"bit\"]");
	if (sqlite) {
		char version[32], want[40];

		testdb_query_text(db, "SELECT vec_version()", version, sizeof(version));
		snprintf(want, sizeof(want), "\"%s\"", version[0] == 'v' ? version + 1 : version);
		assert_string_equal(clirun_json_value(r.out, "sqlite_vec", buf, sizeof(buf)), want);
		assert_string_equal(clirun_json_value(r.out, "use_declare_fetch", buf, sizeof(buf)),
			"null");
	} else {
		clirun_json_value(r.out, "server_version_num", buf, sizeof(buf));
		assert_true(buf[0] >= '1' && buf[0] <= '9');
	}
	clirun_free(&r);
}

/* The search settings are the server's, as a session of the tool sees them: on the embedded
 * server every connection shares one session, so a SET made here shows (77); on a real server a
 * new session has the default.  Either way `info` agrees with what `sql` reads in its session. */
static void test_cli_info__search_settings_from_server(void **state)
{
	testdb *db = *state;
	clirun r = { 0 };
	char want[64];
	const char *v;

	testdb_exec(db, "SELECT '[1]'::vector IS NULL"); /* pgvector's settings exist once loaded */
	testdb_exec(db, "SET hnsw.ef_search = 77");
	CLI(&r, NULL, 0, "sql", "-c", "SELECT '[1]'::vector IS NULL AS loaded", "-c",
		"SELECT current_setting('hnsw.ef_search') AS v");
	assert_status(&r, 0);
	v = strstr(r.out, "\nv\n");
	assert_non_null(v);
	snprintf(want, sizeof(want), "\nhnsw.ef_search: %.*s\n", (int)strcspn(v + 3, "\n"), v + 3);
	clirun_free(&r);
	CLI(&r, NULL, 0, "info");
	assert_status(&r, 0);
	assert_contains(r.out, want);
	clirun_free(&r);
	testdb_exec(db, "RESET hnsw.ef_search");
}

static void test_cli_info__usage_error(void **state)
{
	clirun r = { 0 };

	(void)state;
	CLI(&r, NULL, 0, "info", "extra");
	assert_status(&r, 2);
	assert_contains(r.err, "info takes no arguments");
	clirun_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_info__text_report),
		cmocka_unit_test(test_cli_info__json_object),
		cmocka_unit_test(test_cli_info__search_settings_from_server),
		cmocka_unit_test(test_cli_info__usage_error),
	};

	/* pgvector's search settings: sqlite-vec has none */
	static const char *const postgresql_only[] = {
		"test_cli_info__search_settings_from_server", NULL
	};

	return TESTDB_RUN_GROUP(tests, testdb_setup, testdb_teardown, postgresql_only, NULL);
}
