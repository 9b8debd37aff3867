/*
 * Integration: keyset paging refuses an id that could lose rows (src/store/paging.c).
 * Pins down: paging by "id > last" needs an id that is NOT NULL and the sole key of a valid,
 * non-partial unique index.  A repeated id, a NULL id, a partial unique index, a unique index
 * of two columns: pgv_store_list_ext with page_rows or after, and pgv_collection_list with a
 * limit, are refused with PGV_EUNSUPPORTED naming the table, the column and why, before any row
 * is handed out; one query still reads every row.  Through the CLI, `list` and `export` on such
 * a table exit 1 with that message and write nothing (no rows, no file).  A primary key pages
 * (on SQLite only when NOT NULL or the rowid, since its other keys may hold NULLs).
 */
#define _GNU_SOURCE 1 /* mkdtemp, nftw (tmpdir.h) */
#include "clirun.h"
#include "tmpdir.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * A table of `columns` holding 1003 rows with ids 1..1002 and one id repeated (500 twice), or
 * with `null_id` one row's id NULL instead; plus `extra` DDL (an index) when not NULL.
 */
static void make_table(testdb *db, const char *prefix, const char *columns, int null_id,
	const char *extra, char name[64])
{
	char sql[512], vec[96], series[128];

	testdb_create_table(db, prefix, columns, name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, embedding) SELECT g, %s FROM %s", name,
		clirun_vec_sql(db, "'[' || g || ',1]'", vec, sizeof(vec)),
		clirun_series(1002, series, sizeof(series)));
	testdb_exec(db, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, embedding) VALUES (%s, %s)", name,
		null_id ? "NULL" : "500", clirun_vec_sql(db, "'[7,7]'", vec, sizeof(vec)));
	testdb_exec(db, sql);
	if (extra) {
		snprintf(sql, sizeof(sql), extra, name, name);
		testdb_exec(db, sql);
	}
}

/* The number of rows a listing of `t` with `o` hands out (asserting it ends cleanly). */
static size_t count_rows(testdb *db, const pgv_table *t, const pgv_fetch_opts *o)
{
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	size_t n = 0;
	int rc;

	assert_pgv(db->conn, pgv_store_list_ext(&rows, db->conn, t, o), 0);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW)
		n++;
	assert_pgv(db->conn, rc, PGV_DONE);
	pgv_rows_free(rows);
	return n;
}

/* What the refusal says of `name`'s id, into want (192 bytes). */
static const char *refusal(char want[192], const char *name, const char *why)
{
	snprintf(want, 192, "paging needs a unique, non-null id: column \"id\" of \"%s\" %s",
		name, why);
	return want;
}

/* Asserts that paging `name` is refused through the store, saying `why`. */
static void library_refuses(testdb *db, const char *name, const char *why, int has_null)
{
	pgv_table t = testdb_table(name, PGV_TYPE_VECTOR);
	pgv_fetch_opts o = PGV_FETCH_OPTS_INIT;
	pgv_rows *rows = NULL;
	char want[192];

	refusal(want, name, why);
	o.page_rows = 100;
	assert_int_equal(pgv_store_list_ext(&rows, db->conn, &t, &o), PGV_EUNSUPPORTED);
	assert_null(rows);
	assert_message_has(db->conn, want);
	assert_message_has(db->conn, "listing \"");
	o.page_rows = 0;
	o.has_after = 1;
	o.after_id = 10;
	assert_int_equal(pgv_store_list_ext(&rows, db->conn, &t, &o), PGV_EUNSUPPORTED);
	assert_message_has(db->conn, want);
	/* one query reads every row (a NULL id then stops the store's integer rows loudly) */
	o.has_after = 0;
	if (!has_null)
		assert_int_equal(count_rows(db, &t, &o), 1003);
}

/* Asserts that a collection's list of `name` with a limit is refused, saying `why`. */
static void collection_refuses(testdb *db, const char *name, const char *why, int has_null)
{
	pgv_table t = testdb_table(name, PGV_TYPE_VECTOR);
	pgv_query_opts qo = PGV_QUERY_OPTS_INIT;
	pgv_collection *coll = NULL;
	pgv_cursor *cur = NULL;
	char want[192];

	refusal(want, name, why);
	assert_pgv(db->conn, pgv_collection_open(&coll, db->conn, &t), 0);
	qo.limit = 100;
	assert_int_equal(pgv_collection_list(&cur, coll, &qo), PGV_EUNSUPPORTED);
	assert_null(cur);
	assert_message_has(db->conn, want);
	if (!has_null) {
		qo.limit = 0;
		assert_pgv(db->conn, pgv_collection_list(&cur, coll, &qo), 0);
		assert_int_equal(pgv_cursor_count(cur), 1003);
		pgv_cursor_free(cur);
	}
	pgv_collection_free(coll);
}

/* Asserts that `list` and `export` of `name` exit 1 saying `why`, and write nothing. */
static void cli_refuses(const char *name, const char *why, int has_null)
{
	char dir[64], path[96], want[192];
	clirun r = { 0 };

	refusal(want, name, why);
	CLI(&r, NULL, 0, "list", "--table", name);
	assert_status(&r, 1);
	assert_contains(r.err, want);
	assert_int_equal(r.out_len, 0);
	clirun_free(&r);

	assert_non_null(tmpdir_make(dir, sizeof(dir), "pgvt_pagekeys"));
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	CLI(&r, NULL, 0, "export", "--table", name, path);
	assert_status(&r, 1);
	assert_contains(r.err, want);
	assert_int_equal(access(path, F_OK), -1); /* not even an empty file */
	clirun_free(&r);
	CLI(&r, NULL, 0, "export", "--table", name, "--after", "10", path);
	assert_status(&r, 1);
	assert_contains(r.err, want);
	assert_int_equal(access(path, F_OK), -1);
	clirun_free(&r);
	/* --page-rows 0 reads in one query: every row, the repeated one twice */
	if (!has_null) {
		CLI(&r, NULL, 0, "export", "--table", name, "--page-rows", "0", path);
		assert_status(&r, 0);
		assert_contains(r.err, "exported 1003 rows");
		clirun_free(&r);
		unlink(path);
	}
	tmpdir_remove(dir);
}

/* A repeated id with no unique index (the 1003 rows that exported as 1001). */
static void test_paging_keys__repeated_id_refused(void **state)
{
	testdb *db = *state;
	char name[64];

	make_table(db, "pkdup", "id bigint NOT NULL, embedding vector(2)", 0, NULL, name);
	library_refuses(db, name, "has no unique index", 0);
	cli_refuses(name, "has no unique index", 0);
}

/* A NULL id under a unique index: never reached by id > last. */
static void test_paging_keys__nullable_id_refused(void **state)
{
	testdb *db = *state;
	char name[64];

	make_table(db, "pknull", "id bigint UNIQUE, embedding vector(2)", 1, NULL, name);
	library_refuses(db, name, "allows NULL", 1);
	cli_refuses(name, "allows NULL", 1);
}

/* Unique indexes that do not make the id unique: partial, or of two columns. */
static void test_paging_keys__weak_indexes_refused(void **state)
{
	testdb *db = *state;
	char name[64];

	make_table(db, "pkpart", "id bigint NOT NULL, embedding vector(2)", 0,
		"CREATE UNIQUE INDEX %s_u ON %s (id) WHERE id <> 500", name);
	library_refuses(db, name, "has no unique index", 0);
	make_table(db, "pkpair", "id bigint NOT NULL, k int, embedding vector(2)", 0,
		"CREATE UNIQUE INDEX %s_u ON %s (id, k)", name);
	library_refuses(db, name, "has no unique index", 0);
}

/* A collection's list with a limit (keyset pages) is refused as the store's listing is. */
static void test_paging_keys__collection_limit_refused(void **state)
{
	testdb *db = *state;
	char name[64];

	make_table(db, "pkcdup", "id bigint NOT NULL, embedding vector(2)", 0, NULL, name);
	collection_refuses(db, name, "has no unique index", 0);
	make_table(db, "pkcnull", "id bigint UNIQUE, embedding vector(2)", 1, NULL, name);
	collection_refuses(db, name, "allows NULL", 1);
	make_table(db, "pkcpart", "id bigint NOT NULL, embedding vector(2)", 0,
		"CREATE UNIQUE INDEX %s_u ON %s (id) WHERE id <> 500", name);
	collection_refuses(db, name, "has no unique index", 0);
}

/* Fills `name` with ids 1..1003 (no repeat, no NULL). */
static void fill_1003(testdb *db, const char *name)
{
	char sql[320], vec[96], series[128];

	snprintf(sql, sizeof(sql), "INSERT INTO %s SELECT g, %s FROM %s", name,
		clirun_vec_sql(db, "'[' || g || ',1]'", vec, sizeof(vec)),
		clirun_series(1003, series, sizeof(series)));
	testdb_exec(db, sql);
}

/* Asserts that `name` (ids 1..1003) pages, through the library and the CLI, every row once. */
static void pages_every_row(testdb *db, const char *name)
{
	pgv_fetch_opts o = PGV_FETCH_OPTS_INIT;
	pgv_table t = testdb_table(name, PGV_TYPE_VECTOR);
	clirun r = { 0 };
	size_t lines = 0;

	o.page_rows = 100;
	assert_int_equal(count_rows(db, &t, &o), 1003);
	CLI(&r, NULL, 0, "list", "--table", name, "--page-rows", "7");
	assert_status(&r, 0);
	for (const char *p = r.out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1003);
	clirun_free(&r);
}

/* A primary key pages, through the library and the CLI, every row once. */
static void test_paging_keys__primary_key_pages(void **state)
{
	testdb *db = *state;
	char name[64];

	testdb_create_table(db, "pkok", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)",
		name);
	fill_1003(db, name);
	pages_every_row(db, name);
}

/*
 * SQLite: a PRIMARY KEY other than the rowid (INTEGER PRIMARY KEY) may hold NULLs unless declared
 * NOT NULL (SQLite's documented quirk), so it is refused as a nullable id; the rowid pages.
 */
static void test_paging_keys__sqlite_primary_keys(void **state)
{
	testdb *db = *state;
	char name[64], sql[128];

	testdb_create_table(db, "pkrowid", "id integer PRIMARY KEY, embedding vector(2)", name);
	fill_1003(db, name);
	pages_every_row(db, name);
	testdb_create_table(db, "pkbig", "id bigint PRIMARY KEY, embedding vector(2)", name);
	fill_1003(db, name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, embedding) VALUES (NULL, NULL)", name);
	testdb_exec(db, sql); /* the quirk itself: the key takes a NULL */
	library_refuses(db, name, "allows NULL", 1);
	cli_refuses(name, "allows NULL", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging_keys__repeated_id_refused),
		cmocka_unit_test(test_paging_keys__nullable_id_refused),
		cmocka_unit_test(test_paging_keys__weak_indexes_refused),
		cmocka_unit_test(test_paging_keys__primary_key_pages),
		cmocka_unit_test(test_paging_keys__sqlite_primary_keys),
		cmocka_unit_test(test_paging_keys__collection_limit_refused),
	};
	static const char *const sqlite_only[] = { "test_paging_keys__sqlite_primary_keys", NULL };

	return TESTDB_RUN_GROUP(tests, testdb_setup, testdb_teardown, NULL, sqlite_only);
}
