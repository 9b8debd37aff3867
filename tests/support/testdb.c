/* Integration test support: connection, extension, per-test tables. */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *testdb_dsn(void)
{
	const char *dsn = getenv("PGVODBC_TEST_DSN");

	if (!dsn || !*dsn)
		fail_msg("PGVODBC_TEST_DSN is not set: run integration tests through ctest, "
			"which starts the embedded server");
	return dsn;
}

int testdb_port(void)
{
	const char *dir = getenv("ODBCSYSINI");
	char path[1024];
	FILE *f;
	int port = 0;

	if (!dir)
		fail_msg("ODBCSYSINI is not set");
	snprintf(path, sizeof(path), "%s/port", dir);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	if (fscanf(f, "%d", &port) != 1)
		port = 0;
	fclose(f);
	if (port <= 0)
		fail_msg("no port in %s", path);
	return port;
}

void testdb_assert_status(pgv_conn *conn, int rc, int want, const char *file, int line)
{
	if (rc == want)
		return;
	{
		const pgv_error *e = pgv_conn_error(conn);
		fail_msg("%s:%d: got %s, want %s; error: [%s] %s (in %s)", file, line,
			pgv_status_name(rc), pgv_status_name(want), e->sqlstate, e->message,
			e->operation);
	}
}

void testdb_exec(testdb *db, const char *sql)
{
	int rc = pgv_conn_exec(db->conn, sql);
	if (rc != 0) {
		const pgv_error *e = pgv_conn_error(db->conn);
		fail_msg("exec failed: %s\n  sql: %s\n  error: %s [%s] %s", pgv_status_name(rc), sql,
			e->operation, e->sqlstate, e->message);
	}
}

int64_t testdb_query_int(testdb *db, const char *sql)
{
	pgv_stmt *st = NULL;
	int64_t v = 0;

	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_ROW);
	assert_pgv(db->conn, pgv_stmt_column_int64(st, 1, &v), PGV_OK);
	assert_pgv(db->conn, pgv_stmt_step(st), PGV_DONE);
	pgv_stmt_free(st);
	return v;
}

int testdb_setup(void **state)
{
	testdb *db = calloc(1, sizeof(*db));
	int rc;

	assert_non_null(db);
	rc = pgv_conn_open(&db->conn, testdb_dsn());
	assert_pgv(db->conn, rc, PGV_OK);
	if (testdb_query_int(db, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") == 0) {
		testdb_exec(db, "CREATE EXTENSION vector");
		db->created_extension = 1;
	}
	*state = db;
	return 0;
}

int testdb_teardown(void **state)
{
	testdb *db = *state;
	char sql[128];

	if (!db)
		return 0;
	for (int i = db->ntables - 1; i >= 0; i--) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", db->tables[i]);
		testdb_exec(db, sql);
	}
	if (db->created_extension)
		testdb_exec(db, "DROP EXTENSION IF EXISTS vector");
	pgv_conn_close(db->conn);
	free(db);
	*state = NULL;
	return 0;
}

void testdb_create_table(testdb *db, const char *prefix, const char *columns, char name[64])
{
	char sql[512];

	assert_true(db->ntables < 16);
	snprintf(name, 64, "pgvt_%s_%ld_%d", prefix, (long)getpid(), db->ntables);
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", name);
	testdb_exec(db, sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s (%s)", name, columns);
	testdb_exec(db, sql);
	memcpy(db->tables[db->ntables++], name, 64);
}

uint64_t testdb_rand(uint64_t *seed)
{
	uint64_t x = *seed;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*seed = x;
	return x * 0x2545F4914F6CDD1DULL;
}
