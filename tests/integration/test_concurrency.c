/*
 * Concurrent writers on a server that gives every connection a session of its own: upserts that
 * share ids, in any order, do not deadlock each other (the store locks the rows of one call in
 * ascending id order), and a deadlock that does happen inside a transaction the store opened
 * itself is run again, while one inside the caller's transaction is reported.
 *
 * The embedded server runs every connection on one session, where nothing can wait for anything:
 * there the tests skip (reported as skipped to CTest).
 */
#define _GNU_SOURCE 1 /* nanosleep, mkdtemp */
#include "testdb.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DIM 4
#define ROWS 20000
#define ROUNDS 3

/* A connection's server process id. */
static int64_t backend_pid(pgv_conn *c)
{
	testdb tmp = { .conn = c, .backend = PGV_BACKEND_POSTGRESQL };

	return testdb_query_int(&tmp, "SELECT pg_backend_pid()");
}

/* Opens a second connection; skips the test when it shares the first one's session. */
static pgv_conn *second_session(testdb *db)
{
	pgv_conn *c = NULL;

	assert_pgv(c, pgv_conn_open(&c, testdb_dsn()), PGV_OK);
	if (backend_pid(c) == backend_pid(db->conn)) {
		pgv_conn_close(c);
		TESTDB_SKIP("the server runs every connection on one session (the embedded server): "
			"no two transactions can wait for each other");
	}
	return c;
}

typedef struct writer {
	pgv_conn *conn;
	pgv_table table;
	int64_t *ids;
	pgv_vector *vecs;
	float *data;
	size_t n;
	int in_txn; /* upsert inside a transaction of the writer's own (pgv_conn_begin) */
	int status;
	char sqlstate[6];
} writer;

/* Fills w with n rows of ids first..first+n-1 in a random order; each value is `tag`. */
static void make_writer(writer *w, pgv_conn *c, const char *table, int64_t first, size_t n,
	float tag, uint64_t seed)
{
	memset(w, 0, sizeof(*w));
	w->conn = c;
	w->table = testdb_table(table, PGV_TYPE_VECTOR);
	w->n = n;
	w->ids = malloc(n * sizeof(*w->ids));
	w->vecs = malloc(n * sizeof(*w->vecs));
	w->data = malloc(n * DIM * sizeof(*w->data));
	assert_non_null(w->ids);
	assert_non_null(w->vecs);
	assert_non_null(w->data);
	for (size_t i = 0; i < n; i++)
		w->ids[i] = first + (int64_t)i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(testdb_rand(&seed) % i);
		int64_t x = w->ids[i - 1];

		w->ids[i - 1] = w->ids[j];
		w->ids[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		w->vecs[i].dim = DIM;
		w->vecs[i].data = w->data + i * DIM;
		for (size_t j = 0; j < DIM; j++)
			w->data[i * DIM + j] = tag;
	}
}

static void free_writer(writer *w)
{
	free(w->ids);
	free(w->vecs);
	free(w->data);
}

static void *run_writer(void *arg)
{
	writer *w = arg;

	if (w->in_txn && (w->status = pgv_conn_begin(w->conn)) != 0)
		return NULL;
	w->status = pgv_store_upsert(NULL, w->conn, &w->table, w->ids, w->vecs, w->n);
	snprintf(w->sqlstate, sizeof(w->sqlstate), "%s", pgv_conn_error(w->conn)->sqlstate);
	if (w->in_txn) {
		if (w->status == 0)
			w->status = pgv_conn_commit(w->conn);
		else
			pgv_conn_rollback(w->conn);
	}
	return NULL;
}

/*
 * Two writers, 20000 rows each, 10000 ids in common, each in its own random order, at the same
 * time: both succeed, in every round, and every row holds one writer's value.
 */
static void test_concurrency__overlapping_upserts_do_not_deadlock(void **state)
{
	testdb *db = *state;
	pgv_conn *c2 = second_session(db);
	char name[64], sql[256];
	writer a, b;
	pthread_t ta, tb;

	testdb_create_table(db, "conc", "id bigint PRIMARY KEY, embedding vector(4)", name);
	for (int round = 0; round < ROUNDS; round++) {
		make_writer(&a, db->conn, name, 1, ROWS, (float)(2 * round + 1), 11 + (uint64_t)round);
		make_writer(&b, c2, name, ROWS / 2 + 1, ROWS, (float)(2 * round + 2),
			101 + (uint64_t)round);
		assert_int_equal(pthread_create(&ta, NULL, run_writer, &a), 0);
		assert_int_equal(pthread_create(&tb, NULL, run_writer, &b), 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		if (a.status != 0 || b.status != 0)
			fail_msg("round %d: writer a %s [%s], writer b %s [%s]", round,
				pgv_status_name(a.status), a.sqlstate, pgv_status_name(b.status), b.sqlstate);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE (embedding::float4[])[1] IN (%d, %d)",
			name, 2 * round + 1, 2 * round + 2);
		assert_int_equal(testdb_query_int(db, sql), ROWS + ROWS / 2);
		free_writer(&a);
		free_writer(&b);
	}
	pgv_conn_close(c2);
}

/* Waits until the session `pid` waits for a lock; fails after 30 s. */
static void wait_for_lock_wait(testdb *db, int64_t pid)
{
	char sql[160];
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = %"
		PRId64, pid);
	for (int i = 0; i < 3000; i++) {
		if (testdb_query_int(db, sql) > 0)
			return;
		nanosleep(&pause, NULL);
	}
	fail_msg("session %" PRId64 " never waited for a lock", pid);
}

/*
 * Makes a deadlock between the writer (rows 1 and 2, locked in that order) and a second session
 * that holds row 2 and then asks for row 1.  The writer starts waiting first, so its deadlock
 * check (deadlock_timeout after it began to wait) fires first and it is the one aborted.
 * Returns 1 when it was (the other session's update went through), 0 when the server chose the
 * other session instead.
 */
static int deadlock_once(testdb *db, pgv_conn *other, writer *w)
{
	pthread_t t;
	int64_t pid = backend_pid(w->conn); /* before the writer's thread uses the connection */
	int rc;

	assert_pgv(other, pgv_conn_begin(other), PGV_OK);
	assert_pgv(other, pgv_conn_exec(other, "UPDATE pgvt_dl SET embedding = '[9,9,9,9]' "
		"WHERE id = 2"), PGV_OK);
	assert_int_equal(pthread_create(&t, NULL, run_writer, w), 0);
	wait_for_lock_wait(db, pid);
	rc = pgv_conn_exec(other, "UPDATE pgvt_dl SET embedding = '[9,9,9,9]' WHERE id = 1");
	if (rc == 0)
		assert_pgv(other, pgv_conn_commit(other), PGV_OK);
	else
		pgv_conn_rollback(other);
	pthread_join(t, NULL);
	return rc == 0;
}

/* Creates pgvt_dl (rows 1 and 2) in the test's schema; the caller drops it. */
static void make_deadlock_table(testdb *db)
{
	testdb_exec(db, "DROP TABLE IF EXISTS pgvt_dl");
	testdb_exec(db, "CREATE TABLE pgvt_dl (id bigint PRIMARY KEY, embedding vector(4))");
	testdb_exec(db, "INSERT INTO pgvt_dl VALUES (1, '[0,0,0,0]'), (2, '[0,0,0,0]')");
}

/* A deadlock in the store's own transaction is rolled back and run again: the call succeeds. */
static void test_concurrency__deadlock_in_own_transaction_is_retried(void **state)
{
	testdb *db = *state;
	pgv_conn *other = second_session(db), *wc = NULL;
	writer w;
	int victim = 0;

	assert_pgv(wc, pgv_conn_open(&wc, testdb_dsn()), PGV_OK);
	make_deadlock_table(db);
	for (int attempt = 0; attempt < 3 && !victim; attempt++) {
		make_writer(&w, wc, "pgvt_dl", 1, 2, 5.0f, 1);
		w.ids[0] = 2; /* given in the "wrong" order: the store still locks 1 first */
		w.ids[1] = 1;
		victim = deadlock_once(db, other, &w);
		if (victim && w.status != 0)
			fail_msg("the writer's deadlock was not retried: %s [%s] %s",
				pgv_status_name(w.status), w.sqlstate, pgv_conn_error(wc)->message);
		free_writer(&w);
	}
	if (!victim)
		fail_msg("the server never chose the writer as the deadlock's victim in 3 attempts");
	/* the writer's retry ran after the other session committed: its values are the last */
	assert_int_equal(testdb_query_int(db, "SELECT count(*) FROM pgvt_dl WHERE embedding = "
		"'[5,5,5,5]'"), 2);
	testdb_exec(db, "DROP TABLE pgvt_dl");
	pgv_conn_close(wc);
	pgv_conn_close(other);
}

/* In the caller's transaction the deadlock is reported, with its SQLSTATE, never retried. */
static void test_concurrency__deadlock_in_callers_transaction_is_reported(void **state)
{
	testdb *db = *state;
	pgv_conn *other = second_session(db), *wc = NULL;
	writer w;
	int victim = 0;

	assert_pgv(wc, pgv_conn_open(&wc, testdb_dsn()), PGV_OK);
	make_deadlock_table(db);
	for (int attempt = 0; attempt < 3 && !victim; attempt++) {
		make_writer(&w, wc, "pgvt_dl", 1, 2, 5.0f, 1);
		w.in_txn = 1;
		victim = deadlock_once(db, other, &w);
		if (victim) {
			assert_int_not_equal(w.status, 0);
			assert_string_equal(w.sqlstate, "40P01");
		}
		free_writer(&w);
	}
	if (!victim)
		fail_msg("the server never chose the writer as the deadlock's victim in 3 attempts");
	assert_int_equal(pgv_conn_in_transaction(wc), 0);
	assert_int_equal(testdb_query_int(db, "SELECT count(*) FROM pgvt_dl WHERE embedding = "
		"'[9,9,9,9]'"), 2);
	testdb_exec(db, "DROP TABLE pgvt_dl");
	pgv_conn_close(wc);
	pgv_conn_close(other);
}

typedef struct migrator {
	pgv_conn *conn;
	const pgv_migrate_set *set;
	int down;
	int status;
	size_t count;
} migrator;

static void *run_migrator(void *arg)
{
	migrator *m = arg;

	if (m->down)
		m->status = pgv_migrate_down(&m->count, m->conn, m->set, 3);
	else
		m->status = pgv_migrate_up(&m->count, m->conn, m->set, 0);
	return NULL;
}

/* Writes `text` into dir/file. */
static void write_file(const char *dir, const char *file, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Runs up (or down) on two sessions at once; returns the two counts' sum and checks both OK. */
static size_t migrate_both(pgv_conn *c1, pgv_conn *c2, const pgv_migrate_set *set, int down)
{
	migrator a = { c1, set, down, 0, 0 }, b = { c2, set, down, 0, 0 };
	pthread_t ta, tb;

	assert_int_equal(pthread_create(&ta, NULL, run_migrator, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, run_migrator, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	if (a.status != 0 || b.status != 0)
		fail_msg("migrate %s: %s (%s), %s (%s)", down ? "down" : "up",
			pgv_status_name(a.status), pgv_conn_error(c1)->message,
			pgv_status_name(b.status), pgv_conn_error(c2)->message);
	/* one run did everything, the other then found nothing to do */
	if (a.count != 0 && b.count != 0)
		fail_msg("migrate %s: both runs did part of the work (%zu and %zu)",
			down ? "down" : "up", a.count, b.count);
	return a.count + b.count;
}

/*
 * Two sessions migrating the same set at once, from no tracking table: together they apply each
 * migration once and both succeed (the advisory lock serialises them, the loser finds nothing
 * to do); then two downs revert each once, one of them all three.  Ten rounds.
 */
static void test_concurrency__concurrent_migrations_serialise(void **state)
{
	testdb *db = *state;
	pgv_conn *c2 = second_session(db), *c1 = NULL;
	pgv_migrate_set *set = NULL;
	char dir[64] = "/tmp/pgv_conc_XXXXXX", path[128];

	assert_pgv(c1, pgv_conn_open(&c1, testdb_dsn()), PGV_OK);
	assert_non_null(mkdtemp(dir));
	write_file(dir, "0001_a.up.sql", "CREATE TABLE pgvt_conc_a (i int);\n");
	write_file(dir, "0001_a.down.sql", "DROP TABLE pgvt_conc_a;\n");
	write_file(dir, "0002_b.up.sql", "CREATE TABLE pgvt_conc_b (v vector(3));\n");
	write_file(dir, "0002_b.down.sql", "DROP TABLE pgvt_conc_b;\n");
	write_file(dir, "0003_c.up.sql", "INSERT INTO pgvt_conc_a VALUES (1);\n");
	write_file(dir, "0003_c.down.sql", "DELETE FROM pgvt_conc_a;\n");
	assert_int_equal(pgv_migrate_set_load(&set, dir), PGV_OK);
	for (int round = 0; round < 10; round++) {
		testdb_exec(db, "DROP TABLE IF EXISTS pgvodbc_migrations");
		assert_int_equal(migrate_both(c1, c2, set, 0), 3);
		assert_int_equal(testdb_query_int(db, "SELECT count(*) FROM pgvodbc_migrations"), 3);
		assert_int_equal(testdb_query_int(db, "SELECT count(*) FROM pgvt_conc_a"), 1);
		assert_int_equal(migrate_both(c1, c2, set, 1), 3);
		assert_int_equal(testdb_query_int(db, "SELECT count(*) FROM pgvodbc_migrations"), 0);
		assert_int_equal(testdb_query_int(db, "SELECT (to_regclass('pgvt_conc_a') IS NULL "
			"AND to_regclass('pgvt_conc_b') IS NULL)::int"), 1);
	}
	testdb_exec(db, "DROP TABLE pgvodbc_migrations");
	pgv_migrate_set_free(set);
	for (const char *const *f = (const char *const[]){ "0001_a.up.sql", "0001_a.down.sql",
			"0002_b.up.sql", "0002_b.down.sql", "0003_c.up.sql", "0003_c.down.sql", NULL };
			*f; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
	pgv_conn_close(c1);
	pgv_conn_close(c2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrency__overlapping_upserts_do_not_deadlock),
		cmocka_unit_test(test_concurrency__deadlock_in_own_transaction_is_retried),
		cmocka_unit_test(test_concurrency__deadlock_in_callers_transaction_is_reported),
		cmocka_unit_test(test_concurrency__concurrent_migrations_serialise),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
