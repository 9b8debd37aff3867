/*
 * Integration: the pgvodbc tool's collection forms (issue 12's contract) as child processes:
 * table create/drop, get, delete, count, --where/--param, --select, --no-vector,
 * --max-distance, with their output (text and JSON lines) and exit codes.  On both backends:
 * where they differ (SQLite keeps json minified, has no jsonb operators, no SQLSTATEs of its
 * own), the test says so.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs the tool on the test's DSN; returns the exit status, output in r. */
static int run(clirun *r, const char *const *args)
{
	clirun_run(r, NULL, 0, args);
	return r->status;
}

/* A table name of this process. */
static void table_name(char name[64], const char *prefix)
{
	snprintf(name, 64, "pgvt_%s_%ld", prefix, (long)getpid());
}

/* 1 on SQLite. */
static int on_sqlite(const testdb *db)
{
	return db->backend == PGV_BACKEND_SQLITE;
}

/* Creates the documents table through the CLI and fills it with SQL (written for both). */
static void make_docs(testdb *db, const char *name)
{
	const char *v = testdb_vec_fn(db);
	const char *dsn = testdb_dsn();
	const char *args[] = { "table", "create", "--dsn", dsn, "--table", name, "--dim", "3",
		"--id-type", "uuid", "--column", "title:text", "--column", "year:integer",
		"--column", "meta:jsonb", "--column", "at:timestamptz", "--column", "ok:boolean",
		"--column", "score:double", NULL };
	char sql[1024];
	clirun r;

	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", name);
	testdb_exec(db, sql);
	assert_int_equal(run(&r, args), 0);
	clirun_free(&r);
	if (!on_sqlite(db))
		testdb_exec(db, "SET TimeZone = 'UTC'");
	/* the timestamp in ISO form, which SQLite keeps as it is and PostgreSQL reads */
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES "
		"('00000000-0000-4000-8000-000000000001', %s('[0,0,0]'), 'caf\xc3\xa9 \"one\"', 2015, "
		"'{\"a\": 1}', '2020-01-02T03:04:05+00:00', true, 0.5),"
		"('00000000-0000-4000-8000-000000000002', %s('[3,4,0]'), 'two', 2010, NULL, NULL, false, "
		"NULL),"
		"('00000000-0000-4000-8000-000000000003', %s('[0,0,1]'), NULL, 2020, '[1, 2]', NULL, "
		"NULL, -2)", name, v, v, v);
	testdb_exec(db, sql);
}

static void drop(const char *name)
{
	const char *args[] = { "table", "drop", "--dsn", testdb_dsn(), "--table", name, NULL };
	clirun r;

	assert_int_equal(run(&r, args), 0);
	clirun_free(&r);
}

/* table create: exit 0; again exit 1 (the server's 42P07); --if-not-exists 0; bad type 2. */
static void test_cli_collection__table_create(void **state)
{
	testdb *db = *state;
	char name[64];
	const char *dsn = testdb_dsn();
	const char *again[] = { "table", "create", "--dsn", dsn, "--table", name, "--dim", "3",
		NULL };
	const char *ine[] = { "table", "create", "--dsn", dsn, "--table", name, "--dim", "3",
		"--if-not-exists", NULL };
	const char *bad[] = { "table", "create", "--dsn", dsn, "--table", name, "--dim", "3",
		"--column", "x:money", NULL };
	const char *nodim[] = { "table", "create", "--dsn", dsn, "--table", name, NULL };
	clirun r;

	table_name(name, "clit");
	make_docs(db, name);
	assert_int_equal(run(&r, again), 1);
	assert_non_null(strstr(r.err, on_sqlite(db) ? "already exists" : "42P07"));
	clirun_free(&r);
	assert_int_equal(run(&r, ine), 0);
	clirun_free(&r);
	assert_int_equal(run(&r, bad), 2);
	assert_non_null(strstr(r.err, "x:money"));
	clirun_free(&r);
	assert_int_equal(run(&r, nodim), 2);
	clirun_free(&r);
	drop(name);
}

/* get: uuid ids as JSON strings, columns with JSON types, --no-vector; text output. */
static void test_cli_collection__get(void **state)
{
	testdb *db = *state;
	char name[64];
	const char *dsn = testdb_dsn();
	const char *json[] = { "get", "--dsn", dsn, "--table", name, "--json", "--select",
		"title,year,meta,at,ok,score", "00000000-0000-4000-8000-000000000001", NULL };
	const char *text[] = { "get", "--dsn", dsn, "--table", name, "--no-vector", "--select",
		"title,year,meta", "00000000-0000-4000-8000-000000000002", NULL };
	const char *missing[] = { "get", "--dsn", dsn, "--table", name,
		"00000000-0000-4000-8000-000000000009", NULL };
	const char *badcol[] = { "get", "--dsn", dsn, "--table", name, "--select", "nope",
		"00000000-0000-4000-8000-000000000001", NULL };
	clirun r;

	table_name(name, "clig");
	make_docs(db, name);
	assert_int_equal(run(&r, json), 0);
	assert_string_equal(r.out, "{\"id\":\"00000000-0000-4000-8000-000000000001\","
		"\"embedding\":[0,0,0],\"title\":\"caf\xc3\xa9 \\\"one\\\"\",\"year\":2015,"
		"\"meta\":{\"a\": 1},\"at\":\"2020-01-02T03:04:05+00:00\",\"ok\":true,"
		"\"score\":0.5}\n");
	clirun_free(&r);
	assert_int_equal(run(&r, text), 0);
	assert_string_equal(r.out, "00000000-0000-4000-8000-000000000002\ttwo\t2010\tNULL\n");
	clirun_free(&r);
	assert_int_equal(run(&r, missing), 1);
	assert_non_null(strstr(r.err, "no row has id"));
	clirun_free(&r);
	assert_int_equal(run(&r, badcol), 1);
	assert_non_null(strstr(r.err, "\"nope\""));
	clirun_free(&r);
	drop(name);
}

/* knn and distance with --where/--param, --max-distance, --select, --no-vector; count. */
static void test_cli_collection__filtered_search(void **state)
{
	testdb *db = *state;
	char name[64];
	const char *dsn = testdb_dsn();
	const char *knn[] = { "knn", "--dsn", dsn, "--table", name, "--k", "5", "--json",
		"--where", "year >= ?", "--param", "2012", "--select", "year", "--no-vector",
		"[0,0,0]", NULL };
	const char *dist[] = { "distance", "--dsn", dsn, "--table", name, "--max-distance", "1",
		"--no-vector", "[0,0,0]", NULL };
	const char *count[] = { "count", "--dsn", dsn, "--table", name, "--where",
		"title IS NOT NULL AND year < ?", "--param", "2015", NULL };
	const char *list[] = { "list", "--dsn", dsn, "--table", name, "--json", "--where",
		"meta @> ?", "--param", "{\"a\":1}", "--select", "meta", NULL };
	const char *param_alone[] = { "count", "--dsn", dsn, "--table", name, "--param", "1",
		NULL };
	const char *bad_sql[] = { "count", "--dsn", dsn, "--table", name, "--where", "year = ?",
		"--param", "20x0", NULL };
	clirun r;

	table_name(name, "clik");
	make_docs(db, name);
	assert_int_equal(run(&r, knn), 0);
	assert_string_equal(r.out,
		"{\"id\":\"00000000-0000-4000-8000-000000000001\",\"distance\":0,\"year\":2015}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000003\",\"distance\":1,\"year\":2020}\n");
	clirun_free(&r);
	assert_int_equal(run(&r, dist), 0);
	assert_string_equal(r.out, "00000000-0000-4000-8000-000000000001\t0\n"
		"00000000-0000-4000-8000-000000000003\t1\n");
	clirun_free(&r);
	assert_int_equal(run(&r, count), 0);
	assert_string_equal(r.out, "1\n");
	clirun_free(&r);
	/* SQLite has no jsonb: its own JSON functions in the caller's SQL */
	if (on_sqlite(db)) {
		list[7] = "json_extract(meta, '$.a') = CAST(? AS INTEGER)";
		list[9] = "1";
	}
	assert_int_equal(run(&r, list), 0);
	assert_string_equal(r.out, "{\"id\":\"00000000-0000-4000-8000-000000000001\","
		"\"embedding\":[0,0,0],\"meta\":{\"a\": 1}}\n");
	clirun_free(&r);
	assert_int_equal(run(&r, param_alone), 2);
	clirun_free(&r);
	/* the caller's SQL as each backend runs it: SQLite compares the text and finds nothing */
	assert_int_equal(run(&r, bad_sql), on_sqlite(db) ? 0 : 1);
	if (on_sqlite(db))
		assert_string_equal(r.out, "0\n");
	else
		assert_non_null(strstr(r.err, "22P02"));
	clirun_free(&r);
	drop(name);
}

/* delete: how many existed; integer ids print as numbers in a bigint table. */
static void test_cli_collection__delete_and_integer_ids(void **state)
{
	testdb *db = *state;
	char name[64], sql[256];
	const char *dsn = testdb_dsn();
	const char *create[] = { "table", "create", "--dsn", dsn, "--table", name, "--dim", "2",
		"--column", "tag:text", NULL };
	const char *del[] = { "delete", "--dsn", dsn, "--table", name, "--json", "1", "7", NULL };
	const char *badid[] = { "delete", "--dsn", dsn, "--table", name, "x", NULL };
	const char *list[] = { "list", "--dsn", dsn, "--table", name, "--json", "--select", "tag",
		NULL };
	clirun r;

	table_name(name, "clid");
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", name);
	testdb_exec(db, sql);
	assert_int_equal(run(&r, create), 0);
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (embedding, tag) VALUES (%s('[1,2]'), 'a'), "
		"(%s('[3,4]'), NULL)", name, testdb_vec_fn(db), testdb_vec_fn(db));
	testdb_exec(db, sql);
	assert_int_equal(run(&r, del), 0);
	assert_string_equal(r.out, "{\"deleted\":1}\n");
	clirun_free(&r);
	assert_int_equal(run(&r, badid), 2);
	clirun_free(&r);
	assert_int_equal(run(&r, list), 0);
	assert_string_equal(r.out, "{\"id\":2,\"embedding\":[3,4],\"tag\":null}\n");
	clirun_free(&r);
	drop(name);
}

/* Runs the tool with `input` on stdin. */
static int run_in(clirun *r, const char *input, const char *const *args)
{
	clirun_run(r, input, strlen(input), args);
	return r->status;
}

/* JSON lines with metadata: import, export --select, import into a copy, export equal; an
 * unknown key and a bad value are exit 1 with nothing written. */
static void test_cli_collection__import_export_round_trip(void **state)
{
	testdb *db = *state;
	char name[64], copy[80], sql[160], want[1024];
	const char *dsn = testdb_dsn();
	static const char lines[] =
		"{\"id\":\"00000000-0000-4000-8000-0000000000b2\",\"embedding\":[0.5,-1,3e-8],"
		"\"title\":\"na\\u00efve \\ud83d\\ude00 \\\"q\\\"\",\"year\":2019,"
		"\"meta\":{\"k\":[1,2,{\"x\":null}]},\"at\":\"2021-06-01T12:00:00+00:00\","
		"\"ok\":false,\"score\":0.1}\n"
		"{\"id\":\"00000000-0000-4000-8000-0000000000a1\",\"embedding\":[1,2,3],"
		"\"distance\":7}\n";
	const char *imp[] = { "import", "--dsn", dsn, "--table", name, "--format", "jsonl", "-",
		NULL };
	const char *exp[] = { "export", "--dsn", dsn, "--table", name, "--format", "jsonl",
		"--select", "title,year,meta,at,ok,score", "--page-rows", "1", "-", NULL };
	const char *imp2[] = { "import", "--dsn", dsn, "--table", copy, "--format", "jsonl", "-",
		NULL };
	const char *exp2[] = { "export", "--dsn", dsn, "--table", copy, "--format", "jsonl",
		"--select", "title,year,meta,at,ok,score", "-", NULL };
	const char *csv[] = { "export", "--dsn", dsn, "--table", name, "--select", "title",
		"x.csv", NULL };
	clirun r, r2;

	table_name(name, "clie");
	snprintf(copy, sizeof(copy), "%s_c", name);
	make_docs(db, name);
	snprintf(sql, sizeof(sql), "DELETE FROM %s", name);
	testdb_exec(db, sql);
	make_docs(db, copy);
	snprintf(sql, sizeof(sql), "DELETE FROM %s", copy);
	testdb_exec(db, sql);

	assert_int_equal(run_in(&r, lines, imp), 0);
	clirun_free(&r);
	assert_int_equal(run(&r, exp), 0);
	snprintf(want, sizeof(want),
		"{\"id\":\"00000000-0000-4000-8000-0000000000a1\",\"embedding\":[1,2,3],"
		"\"title\":null,\"year\":null,\"meta\":null,\"at\":null,\"ok\":null,"
		"\"score\":null}\n"
		"{\"id\":\"00000000-0000-4000-8000-0000000000b2\",\"embedding\":[0.5,-1,3e-08],"
		"\"title\":\"na\xc3\xafve \xf0\x9f\x98\x80 \\\"q\\\"\",\"year\":2019,"
		"\"meta\":%s,\"at\":\"2021-06-01T12:00:00+00:00\","
		"\"ok\":false,\"score\":0.1}\n", on_sqlite(db) ? "{\"k\":[1,2,{\"x\":null}]}"
		: "{\"k\": [1, 2, {\"x\": null}]}"); /* SQLite's json() minifies; jsonb has its form */
	assert_string_equal(r.out, want);
	assert_int_equal(run_in(&r2, r.out, imp2), 0);
	clirun_free(&r2);
	assert_int_equal(run(&r2, exp2), 0);
	assert_string_equal(r2.out, r.out);
	clirun_free(&r2);
	clirun_free(&r);
	assert_int_equal(run(&r, csv), 2);
	clirun_free(&r);

	/* a key the table lacks, a value its column refuses: exit 1, nothing written */
	snprintf(sql, sizeof(sql), "DELETE FROM %s", copy);
	testdb_exec(db, sql);
	assert_int_equal(run_in(&r, "{\"id\":\"00000000-0000-4000-8000-000000000001\","
		"\"embedding\":[1,2,3],\"colour\":\"red\"}\n", imp2), 1);
	assert_non_null(strstr(r.err, "no column \"colour\""));
	clirun_free(&r);
	assert_int_equal(run_in(&r, "{\"id\":\"00000000-0000-4000-8000-000000000001\","
		"\"embedding\":[1,2,3],\"year\":2000}\n{\"id\":\"00000000-0000-4000-8000-000000000002\","
		"\"embedding\":[1,2,3],\"year\":\"20x0\"}\n", imp2), 1);
	assert_non_null(strstr(r.err, "column \"year\": invalid input syntax for type integer"));
	if (!on_sqlite(db)) /* SQLite: refused by the library before anything is sent */
		assert_non_null(strstr(r.err, "22P02"));
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", copy);
	assert_int_equal(testdb_query_int(db, sql), 0);
	drop(name);
	drop(copy);
}

/* upsert: text ids as pairs (atomic), JSON lines records with --format jsonl. */
static void test_cli_collection__upsert_forms(void **state)
{
	testdb *db = *state;
	char name[64], sql[160];
	const char *dsn = testdb_dsn();
	const char *pairs[] = { "upsert", "--dsn", dsn, "--table", name,
		"00000000-0000-4000-8000-0000000000c1", "[1,1,1]",
		"00000000-0000-4000-8000-0000000000c2", "[2,2,2]", NULL };
	const char *badpair[] = { "upsert", "--dsn", dsn, "--table", name,
		"00000000-0000-4000-8000-0000000000c3", "[1,1,1]", "not-a-uuid", "[2,2,2]", NULL };
	const char *recs[] = { "upsert", "--dsn", dsn, "--table", name, "--format", "jsonl", NULL };
	const char *get[] = { "get", "--dsn", dsn, "--table", name, "--select", "title,year",
		"--no-vector", "00000000-0000-4000-8000-0000000000c2", NULL };
	clirun r;

	table_name(name, "cliu");
	make_docs(db, name);
	assert_int_equal(run(&r, pairs), 0);
	assert_string_equal(r.err, "upserted 2 rows\n");
	clirun_free(&r);
	assert_int_equal(run(&r, badpair), 1);
	assert_non_null(strstr(r.err, "pair 2"));
	assert_non_null(strstr(r.err, "not-a-uuid"));
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, sql), 5);
	assert_int_equal(run_in(&r, "{\"id\":\"00000000-0000-4000-8000-0000000000c2\","
		"\"embedding\":[3,3,3],\"title\":\"t\",\"year\":1999}\n", recs), 0);
	clirun_free(&r);
	assert_int_equal(run(&r, get), 0);
	assert_string_equal(r.out, "00000000-0000-4000-8000-0000000000c2\tt\t1999\n");
	clirun_free(&r);
	drop(name);
}

/* CSV: a header names the columns after ID and VECTOR; an empty field is NULL, "" is empty
 * text; a header column the table lacks is exit 1 naming it. */
static void test_cli_collection__csv_header_columns(void **state)
{
	testdb *db = *state;
	char name[64], sql[200];
	const char *dsn = testdb_dsn();
	const char *imp[] = { "import", "--dsn", dsn, "--table", name, "--format", "csv", "-",
		NULL };
	const char *list[] = { "list", "--dsn", dsn, "--table", name, "--json", "--no-vector",
		"--select", "title,year,meta", "--where", "year > ?", "--param", "3000", NULL };
	clirun r;

	table_name(name, "clic");
	make_docs(db, name);
	assert_int_equal(run_in(&r, "id,embedding,title,year,meta\n"
		"00000000-0000-4000-8000-0000000000d1,\"[1,2,3]\",\"a, \"\"b\"\"\",3001,"
		"\"{\"\"k\"\": 1}\"\n"
		"00000000-0000-4000-8000-0000000000d2,\"[1,2,3]\",,3002,\n"
		"00000000-0000-4000-8000-0000000000d3,\"[1,2,3]\",\"\",3003,\n", imp), 0);
	clirun_free(&r);
	assert_int_equal(run(&r, list), 0);
	assert_string_equal(r.out, on_sqlite(db)
		? "{\"id\":\"00000000-0000-4000-8000-0000000000d1\",\"title\":\"a, \\\"b\\\"\","
		"\"year\":3001,\"meta\":{\"k\":1}}\n"
		"{\"id\":\"00000000-0000-4000-8000-0000000000d2\",\"title\":null,\"year\":3002,"
		"\"meta\":null}\n"
		"{\"id\":\"00000000-0000-4000-8000-0000000000d3\",\"title\":\"\",\"year\":3003,"
		"\"meta\":null}\n"
		: "{\"id\":\"00000000-0000-4000-8000-0000000000d1\",\"title\":\"a, \\\"b\\\"\","
		"\"year\":3001,\"meta\":{\"k\": 1}}\n"
		"{\"id\":\"00000000-0000-4000-8000-0000000000d2\",\"title\":null,\"year\":3002,"
		"\"meta\":null}\n"
		"{\"id\":\"00000000-0000-4000-8000-0000000000d3\",\"title\":\"\",\"year\":3003,"
		"\"meta\":null}\n");
	clirun_free(&r);
	assert_int_equal(run_in(&r, "id,embedding,colour\n"
		"00000000-0000-4000-8000-0000000000d4,\"[1,2,3]\",red\n", imp), 1);
	assert_non_null(strstr(r.err, "no column \"colour\""));
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE id = "
		"'00000000-0000-4000-8000-0000000000d4'", name);
	assert_int_equal(testdb_query_int(db, sql), 0);
	drop(name);
}

/* Plain list, knn, distance, get and export (no collection option) on uuid and text ids: they
 * take the collection path, and the ids print as JSON strings. */
static void test_cli_collection__plain_commands_on_text_ids(void **state)
{
	testdb *db = *state;
	char name[64], tname[64], sql[256];
	const char *dsn = testdb_dsn();
	const char *list[] = { "list", "--dsn", dsn, "--table", name, "--json", NULL };
	const char *knn[] = { "knn", "--dsn", dsn, "--table", name, "--k", "2", "[0,0,0]", NULL };
	const char *dist[] = { "distance", "--dsn", dsn, "--table", name, "--json", "[0,0,0]",
		NULL };
	const char *dist_paged[] = { "distance", "--dsn", dsn, "--table", name, "--json",
		"--page-rows", "1", "[0,0,0]", NULL };
	const char *dist_where[] = { "distance", "--dsn", dsn, "--table", name, "--page-rows", "1",
		"--where", "year >= ?", "--param", "2015", "--select", "year", "[0,0,0]", NULL };
	const char *get[] = { "get", "--dsn", dsn, "--table", name,
		"00000000-0000-4000-8000-000000000002", NULL };
	const char *exp[] = { "export", "--dsn", dsn, "--table", name, "--format", "jsonl", "-",
		NULL };
	const char *tcreate[] = { "table", "create", "--dsn", dsn, "--table", tname, "--dim", "2",
		"--id-type", "text", NULL };
	const char *tlist[] = { "list", "--dsn", dsn, "--table", tname, NULL };
	const char *paged[] = { "list", "--dsn", dsn, "--table", name, "--page-rows", "1",
		"--where", "year > ?", "--param", "2000", "--no-vector", NULL };
	const char *tknn[] = { "knn", "--dsn", dsn, "--table", tname, "--k", "1", "--json",
		"[1,1]", NULL };
	clirun r;

	table_name(name, "clip");
	make_docs(db, name);
	assert_int_equal(run(&r, list), 0);
	assert_string_equal(r.out,
		"{\"id\":\"00000000-0000-4000-8000-000000000001\",\"embedding\":[0,0,0]}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000002\",\"embedding\":[3,4,0]}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000003\",\"embedding\":[0,0,1]}\n");
	clirun_free(&r);
	assert_int_equal(run(&r, knn), 0);
	assert_string_equal(r.out, "00000000-0000-4000-8000-000000000001\t[0,0,0]\t0\n"
		"00000000-0000-4000-8000-000000000003\t[0,0,1]\t1\n");
	clirun_free(&r);
	assert_int_equal(run(&r, dist), 0);
	assert_string_equal(r.out,
		"{\"id\":\"00000000-0000-4000-8000-000000000001\",\"distance\":0}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000002\",\"distance\":5}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000003\",\"distance\":1}\n");
	clirun_free(&r);
	/* distances in keyset pages of one row: the same rows, each once, in id order */
	assert_int_equal(run(&r, dist_paged), 0);
	assert_string_equal(r.out,
		"{\"id\":\"00000000-0000-4000-8000-000000000001\",\"distance\":0}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000002\",\"distance\":5}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000003\",\"distance\":1}\n");
	clirun_free(&r);
	assert_int_equal(run(&r, dist_where), 0);
	assert_string_equal(r.out, "00000000-0000-4000-8000-000000000001\t0\t2015\n"
		"00000000-0000-4000-8000-000000000003\t1\t2020\n");
	clirun_free(&r);
	assert_int_equal(run(&r, get), 0);
	assert_string_equal(r.out, "00000000-0000-4000-8000-000000000002\t[3,4,0]\n");
	clirun_free(&r);
	assert_int_equal(run(&r, exp), 0);
	assert_string_equal(r.out,
		"{\"id\":\"00000000-0000-4000-8000-000000000001\",\"embedding\":[0,0,0]}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000002\",\"embedding\":[3,4,0]}\n"
		"{\"id\":\"00000000-0000-4000-8000-000000000003\",\"embedding\":[0,0,1]}\n");
	clirun_free(&r);
	/* keyset pages of one row, the filter and "id > the last" ANDed: each row once, in order */
	assert_int_equal(run(&r, paged), 0);
	assert_string_equal(r.out, "00000000-0000-4000-8000-000000000001\n"
		"00000000-0000-4000-8000-000000000002\n00000000-0000-4000-8000-000000000003\n");
	clirun_free(&r);
	drop(name);

	table_name(tname, "clipt");
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", tname);
	testdb_exec(db, sql);
	assert_int_equal(run(&r, tcreate), 0);
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES ('b', %s('[1,1]')), "
		"('a \"q\"', %s('[0,1]'))", tname, testdb_vec_fn(db), testdb_vec_fn(db));
	testdb_exec(db, sql);
	assert_int_equal(run(&r, tlist), 0);
	assert_string_equal(r.out, "a \"q\"\t[0,1]\nb\t[1,1]\n");
	clirun_free(&r);
	assert_int_equal(run(&r, tknn), 0);
	assert_string_equal(r.out, "{\"id\":\"b\",\"embedding\":[1,1],\"distance\":0}\n");
	clirun_free(&r);
	drop(tname);
}

/* upsert from stdin as ID<TAB>VECTOR lines with uuid ids: written in batches through the
 * collection (--batch 2 makes two); a bad id is exit 1 naming its line, and its batch is not
 * written. */
static void test_cli_collection__upsert_stdin_text_ids(void **state)
{
	testdb *db = *state;
	char name[64], sql[160];
	const char *dsn = testdb_dsn();
	const char *up[] = { "upsert", "--dsn", dsn, "--table", name, "--batch", "2", NULL };
	const char *get[] = { "get", "--dsn", dsn, "--table", name,
		"00000000-0000-4000-8000-0000000000e3", NULL };
	clirun r;

	table_name(name, "clis");
	make_docs(db, name);
	assert_int_equal(run_in(&r, "00000000-0000-4000-8000-0000000000e1\t[1,0,0]\n"
		"# a comment\n"
		"00000000-0000-4000-8000-0000000000e2 [0,1,0]\n"
		"00000000-0000-4000-8000-0000000000e3\t[0,0,2]\n"
		"00000000-0000-4000-8000-000000000001\t[9,9,9]\n", up), 0);
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, sql), 6);
	assert_int_equal(run(&r, get), 0);
	assert_string_equal(r.out, "00000000-0000-4000-8000-0000000000e3\t[0,0,2]\n");
	clirun_free(&r);
	/* an update through the lines keeps the row's other columns */
	snprintf(sql, sizeof(sql), "SELECT year FROM %s WHERE id = "
		"'00000000-0000-4000-8000-000000000001' AND embedding = %s('[9,9,9]')", name,
		testdb_vec_fn(db));
	assert_int_equal(testdb_query_int(db, sql), 2015);
	assert_int_equal(run_in(&r, "00000000-0000-4000-8000-0000000000f1\t[1,1,1]\n"
		"oops\t[1,1,1]\n", up), 1);
	assert_non_null(strstr(r.err, "stdin line"));
	assert_non_null(strstr(r.err, "oops"));
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
	assert_int_equal(testdb_query_int(db, sql), 6);
	drop(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_collection__table_create),
		cmocka_unit_test(test_cli_collection__get),
		cmocka_unit_test(test_cli_collection__filtered_search),
		cmocka_unit_test(test_cli_collection__delete_and_integer_ids),
		cmocka_unit_test(test_cli_collection__import_export_round_trip),
		cmocka_unit_test(test_cli_collection__upsert_forms),
		cmocka_unit_test(test_cli_collection__csv_header_columns),
		cmocka_unit_test(test_cli_collection__plain_commands_on_text_ids),
		cmocka_unit_test(test_cli_collection__upsert_stdin_text_ids),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
