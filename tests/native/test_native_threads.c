/*
 * Native: many threads at once, each with its own connection (its own session on the real
 * server, unlike the embedded server's single shared one).  Each thread writes float4[] rows in
 * a transaction and in autocommit, undoes a third batch (a rollback, or a commit that a failed
 * statement turns into a rollback), and reads its rows back; afterwards the main thread checks
 * every row, bit for bit, and the counts.  Errors are per thread (pgv_error_last) and per
 * connection (pgv_conn_error): one thread's failure never shows in another's.  Run under
 * ThreadSanitizer by scripts/test.sh (PGVODBC_TSAN).
 *
 * No pgvector here: vectors travel as float4[] text, "{...}" made by pgv_vector_format with the
 * brackets swapped and bound to `?::float4[]`, and are read with pgv_stmt_column_vector.
 * cmocka is not thread-safe, so worker threads record their first failure as text and the main
 * thread asserts after joining them.
 */
#define _GNU_SOURCE 1 /* pthread_barrier_t */
#include "native_support.h"

#include <float.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 8
#define ROWS 40       /* rows per batch: committed, autocommitted, undone */
#define MAX_DIM 160
#define CHURN_CONNECTIONS 6

#if defined(__GNUC__)
#define TEST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TEST_PRINTF(f, a)
#endif

typedef struct worker {
	int id;
	const char *dsn;
	const char *table;
	pthread_barrier_t *barrier;
	int ok;              /* 0 once something failed: later phases are skipped */
	char failure[1024];  /* the first failure, "" when none */
} worker;

/* Records the worker's first failure; returns 0 so callers can `return worker_fail(...)`. */
static int worker_fail(worker *w, const char *fmt, ...) TEST_PRINTF(2, 3);
static int worker_fail(worker *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!w->ok)
		return 0;
	w->ok = 0;
	n = snprintf(w->failure, sizeof(w->failure), "thread %d: ", w->id);
	va_start(ap, fmt);
	vsnprintf(w->failure + n, sizeof(w->failure) - (size_t)n, fmt, ap);
	va_end(ap);
	return 0;
}

/* 1 when rc is `want`; else records the connection's error and returns 0. */
static int expect(worker *w, pgv_conn *c, int rc, int want, const char *what)
{
	const pgv_error *e = pgv_conn_error(c);

	if (rc == want)
		return 1;
	return worker_fail(w, "%s: got %s, want %s: [%s] %s (in %s)", what, pgv_status_name(rc),
		pgv_status_name(want), e->sqlstate, e->message, e->operation);
}

/* Waits for every thread; each thread calls this the same number of times, failed or not. */
static void rendezvous(worker *w)
{
	pthread_barrier_wait(w->barrier);
}

/*
 * The vector of row (thread, seq), computed again whenever it is needed: 1..MAX_DIM floats from
 * random bits (any finite value: subnormals, extremes, -0) with some special values mixed in.
 */
static size_t row_vector(int thread, int seq, float out[MAX_DIM])
{
	static const float special[] = { 0.0f, -0.0f, 1.0f, -1.0f, FLT_MIN, -FLT_MIN, FLT_MAX,
		-FLT_MAX, FLT_TRUE_MIN, 0.1f, 1e-40f, 3.4028e38f };
	uint64_t seed = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)(thread + 1) << 32) ^ (uint64_t)(seq + 1);
	size_t dim = 1 + (size_t)(testdb_rand(&seed) % MAX_DIM);

	for (size_t i = 0; i < dim; i++) {
		uint64_t r = testdb_rand(&seed);
		uint32_t bits = (uint32_t)(r >> 32);
		if (r % 8 == 0) {
			out[i] = special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
			continue;
		}
		if ((bits & 0x7F800000u) == 0x7F800000u)
			bits &= ~0x00800000u; /* an infinity or NaN exponent: make it finite */
		memcpy(&out[i], &bits, sizeof(bits));
	}
	return dim;
}

/* float4[] text "{...}" of a vector: pgvector text with its brackets swapped.  free() it. */
static char *array_text(const float *v, size_t dim)
{
	size_t len = pgv_vector_format(v, dim, NULL, 0);
	char *text = len < SIZE_MAX ? malloc(len + 1) : NULL;

	if (!text || pgv_vector_format(v, dim, text, len + 1) != len) {
		free(text);
		return NULL;
	}
	text[0] = '{';
	text[len - 1] = '}';
	return text;
}

/* 1 when `got` holds exactly the floats of row (thread, seq), bit for bit. */
static int row_matches(int thread, int seq, const pgv_vector *got, char *why, size_t cap)
{
	float want[MAX_DIM];
	size_t dim = row_vector(thread, seq, want);

	if (got->dim != dim) {
		snprintf(why, cap, "row (%d, %d): %zu dimensions, want %zu", thread, seq, got->dim, dim);
		return 0;
	}
	for (size_t i = 0; i < dim; i++) {
		if (memcmp(&got->data[i], &want[i], sizeof(float)) != 0) {
			snprintf(why, cap, "row (%d, %d) element %zu: %.9g, want %.9g (bits differ)",
				thread, seq, i, (double)got->data[i], (double)want[i]);
			return 0;
		}
	}
	return 1;
}

/* Inserts rows seq first..first+count-1 of this thread with one reused statement. */
static int insert_rows(worker *w, pgv_conn *c, int first, int count)
{
	char sql[160];
	pgv_stmt *st = NULL;
	float v[MAX_DIM];
	int ok;

	snprintf(sql, sizeof(sql), "INSERT INTO %s (thread, seq, v) VALUES (?, ?, ?::float4[])",
		w->table);
	if (!expect(w, c, pgv_stmt_prepare(&st, c, sql), PGV_OK, "prepare insert"))
		return 0;
	ok = 1;
	for (int seq = first; ok && seq < first + count; seq++) {
		size_t dim = row_vector(w->id, seq, v);
		char *text = array_text(v, dim);
		if (!text) {
			ok = worker_fail(w, "formatting row %d: out of memory", seq);
			break;
		}
		ok = expect(w, c, pgv_stmt_bind_int64(st, 1, w->id), PGV_OK, "bind thread")
			&& expect(w, c, pgv_stmt_bind_int64(st, 2, seq), PGV_OK, "bind seq")
			&& expect(w, c, pgv_stmt_bind_text(st, 3, text, PGV_NTS), PGV_OK, "bind v")
			&& expect(w, c, pgv_stmt_step(st), PGV_DONE, "insert")
			&& expect(w, c, pgv_stmt_reset(st), PGV_OK, "reset");
		free(text);
	}
	pgv_stmt_free(st);
	return ok;
}

/*
 * Undoes a batch: even threads roll it back; odd threads make a statement in it fail (a
 * duplicate key, PGV_ECONSTRAINT), after which commit must report the rollback (PGV_ERROR).
 */
static int undone_batch(worker *w, pgv_conn *c)
{
	if (!expect(w, c, pgv_conn_begin(c), PGV_OK, "begin (undone batch)")
			|| !insert_rows(w, c, 2 * ROWS, ROWS))
		return 0;
	if (w->id % 2 == 0)
		return expect(w, c, pgv_conn_rollback(c), PGV_OK, "rollback");
	if (!expect(w, c, pgv_conn_exec(c, "SELECT 1"), PGV_OK, "statement before the duplicate"))
		return 0;
	{
		/* Row 0 was committed by this thread already: inserting it again violates the key. */
		float v[MAX_DIM];
		size_t dim = row_vector(w->id, 0, v);
		char *text = array_text(v, dim), sql[160];
		pgv_stmt *st = NULL;
		int ok;

		if (!text)
			return worker_fail(w, "formatting row 0: out of memory");
		snprintf(sql, sizeof(sql), "INSERT INTO %s (thread, seq, v) VALUES (?, 0, ?::float4[])",
			w->table);
		ok = expect(w, c, pgv_stmt_prepare(&st, c, sql), PGV_OK, "prepare duplicate")
			&& expect(w, c, pgv_stmt_bind_int64(st, 1, w->id), PGV_OK, "bind thread")
			&& expect(w, c, pgv_stmt_bind_text(st, 2, text, PGV_NTS), PGV_OK, "bind v")
			&& expect(w, c, pgv_stmt_step(st), PGV_ECONSTRAINT, "duplicate insert");
		pgv_stmt_free(st);
		free(text);
		if (!ok)
			return 0;
		if (strcmp(pgv_conn_error(c)->sqlstate, "23505") != 0)
			return worker_fail(w, "duplicate insert: SQLSTATE %s, want 23505",
				pgv_conn_error(c)->sqlstate);
	}
	return expect(w, c, pgv_conn_commit(c), PGV_ERROR, "commit after a failed statement");
}

/* Reads this thread's rows back: exactly seq 0..2*ROWS-1, each bit for bit as written. */
static int read_back(worker *w, pgv_conn *c)
{
	char sql[160], why[256];
	pgv_stmt *st = NULL;
	int64_t seq;
	int n = 0, rc = PGV_DONE, ok;

	snprintf(sql, sizeof(sql), "SELECT seq, v FROM %s WHERE thread = ? ORDER BY seq", w->table);
	ok = expect(w, c, pgv_stmt_prepare(&st, c, sql), PGV_OK, "prepare select")
		&& expect(w, c, pgv_stmt_bind_int64(st, 1, w->id), PGV_OK, "bind thread");
	while (ok && (rc = pgv_stmt_step(st)) == PGV_ROW) {
		pgv_vector v = PGV_VECTOR_INIT;
		ok = expect(w, c, pgv_stmt_column_int64(&seq, st, 1), PGV_OK, "read seq")
			&& expect(w, c, pgv_stmt_column_vector(&v, st, 2), PGV_OK, "read v");
		if (ok && seq != n)
			ok = worker_fail(w, "read back seq %lld, want %d", (long long)seq, n);
		if (ok && !row_matches(w->id, n, &v, why, sizeof(why)))
			ok = worker_fail(w, "read back: %s", why);
		pgv_vector_free(&v);
		n++;
	}
	if (ok)
		ok = expect(w, c, rc, PGV_DONE, "select");
	if (ok && n != 2 * ROWS)
		ok = worker_fail(w, "read back %d rows, want %d", n, 2 * ROWS);
	pgv_stmt_free(st);
	return ok;
}

/*
 * Two rounds in which half the threads fail (bad vector text: the thread error; division by
 * zero: the connection error) while the other half succeed, all at once; after each round every
 * thread finds only its own outcome in pgv_error_last() and pgv_conn_error().
 */
static void errors_stay_apart(worker *w, pgv_conn *c)
{
	for (int round = 0; round < 2; round++) {
		int failing = (w->id + round) % 2 == 1;
		char bad[32], token[16];
		pgv_vector v = PGV_VECTOR_INIT;

		snprintf(token, sizeof(token), "bad%dx%d", w->id, round);
		snprintf(bad, sizeof(bad), "[1,%s]", token);
		if (w->ok && failing) {
			if (pgv_vector_parse(bad, strlen(bad), &v) != PGV_EPARSE)
				worker_fail(w, "parsing \"%s\" did not fail with PGV_EPARSE", bad);
			expect(w, c, pgv_conn_exec(c, "SELECT 1 / 0"), PGV_ERROR, "division by zero");
		} else if (w->ok) {
			if (pgv_vector_parse("[1,2]", 5, &v) != 0)
				worker_fail(w, "parsing \"[1,2]\" failed: %s", pgv_error_last()->message);
			expect(w, c, pgv_conn_exec(c, "SELECT 1"), PGV_OK, "SELECT 1");
		}
		pgv_vector_free(&v);
		rendezvous(w); /* every thread has made its calls */
		if (w->ok) {
			const pgv_error *te = pgv_error_last(), *ce = pgv_conn_error(c);
			if (failing && (te->status != PGV_EPARSE || !strstr(te->message, token)))
				worker_fail(w, "round %d: thread error is %s \"%s\", want PGV_EPARSE quoting %s",
					round, pgv_status_name(te->status), te->message, token);
			else if (!failing && (te->status != PGV_OK || te->message[0]))
				worker_fail(w, "round %d: thread error is %s \"%s\", want none", round,
					pgv_status_name(te->status), te->message);
			else if (failing && strcmp(ce->sqlstate, "22012") != 0)
				worker_fail(w, "round %d: connection error [%s] %s, want 22012", round,
					ce->sqlstate, ce->message);
			else if (!failing && (ce->status != PGV_OK || ce->sqlstate[0] || ce->message[0]))
				worker_fail(w, "round %d: connection error [%s] %s, want none", round,
					ce->sqlstate, ce->message);
		}
		rendezvous(w); /* every thread has checked before the next round changes them */
	}
}

/* One worker: connect, errors apart, then its rows in a transaction, in autocommit, undone. */
static void *work(void *arg)
{
	worker *w = arg;
	pgv_conn *c = NULL;
	int rc = pgv_conn_open(&c, w->dsn);

	expect(w, c, rc, PGV_OK, "connect");
	rendezvous(w); /* all connected: the rest overlaps as much as possible */
	errors_stay_apart(w, c);
	if (w->ok && expect(w, c, pgv_conn_begin(c), PGV_OK, "begin")
			&& insert_rows(w, c, 0, ROWS)
			&& expect(w, c, pgv_conn_commit(c), PGV_OK, "commit")
			&& insert_rows(w, c, ROWS, ROWS)
			&& undone_batch(w, c))
		read_back(w, c);
	pgv_conn_close(c);
	return NULL;
}

/* Starts NTHREADS workers on `fn` and joins them; fails the test with the first failure. */
static void run_workers(void *(*fn)(void *), const char *table)
{
	pthread_t threads[NTHREADS];
	worker workers[NTHREADS];
	pthread_barrier_t barrier;

	assert_int_equal(pthread_barrier_init(&barrier, NULL, NTHREADS), 0);
	for (int i = 0; i < NTHREADS; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].id = i;
		workers[i].dsn = testdb_dsn();
		workers[i].table = table;
		workers[i].barrier = &barrier;
		workers[i].ok = 1;
		assert_int_equal(pthread_create(&threads[i], NULL, fn, &workers[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(threads[i], NULL), 0);
	pthread_barrier_destroy(&barrier);
	for (int i = 0; i < NTHREADS; i++) {
		if (!workers[i].ok)
			fail_msg("%s", workers[i].failure);
	}
}

/*
 * Every thread's committed and autocommitted rows are there, once, bit for bit, and none of
 * the undone ones: checked from the main thread's own connection.
 */
static void test_native_threads__rows_written_at_once_read_back_exactly(void **state)
{
	testdb *db = *state;
	char table[64], sql[192], why[256];
	pgv_stmt *st = NULL;
	int64_t thread, seq;
	int rc, n = 0;

	testdb_create_table(db, "thr", "thread int NOT NULL, seq int NOT NULL, "
		"v float4[] NOT NULL, PRIMARY KEY (thread, seq)", table);
	run_workers(work, table);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	assert_int_equal(testdb_query_int(db, sql), NTHREADS * 2 * ROWS);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE seq >= %d", table, 2 * ROWS);
	assert_int_equal(testdb_query_int(db, sql), 0);
	for (int i = 0; i < NTHREADS; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE thread = %d", table, i);
		assert_int_equal(testdb_query_int(db, sql), 2 * ROWS);
	}
	snprintf(sql, sizeof(sql), "SELECT thread, seq, v FROM %s ORDER BY thread, seq", table);
	assert_pgv(db->conn, pgv_stmt_prepare(&st, db->conn, sql), PGV_OK);
	while ((rc = pgv_stmt_step(st)) == PGV_ROW) {
		pgv_vector v = PGV_VECTOR_INIT;
		assert_pgv(db->conn, pgv_stmt_column_int64(&thread, st, 1), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_int64(&seq, st, 2), PGV_OK);
		assert_pgv(db->conn, pgv_stmt_column_vector(&v, st, 3), PGV_OK);
		assert_int_equal(thread, n / (2 * ROWS));
		assert_int_equal(seq, n % (2 * ROWS));
		if (!row_matches((int)thread, (int)seq, &v, why, sizeof(why)))
			fail_msg("%s", why);
		pgv_vector_free(&v);
		n++;
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	assert_int_equal(n, NTHREADS * 2 * ROWS);
	pgv_stmt_free(st);
}

/* Opens, uses and closes connections over and over: the driver manager's handle lists. */
static void *churn(void *arg)
{
	worker *w = arg;
	char sql[64];

	rendezvous(w);
	snprintf(sql, sizeof(sql), "SELECT %d", w->id);
	for (int i = 0; w->ok && i < CHURN_CONNECTIONS; i++) {
		pgv_conn *c = NULL;
		int rc = pgv_conn_open(&c, w->dsn);
		pgv_stmt *st = NULL;
		int64_t got = -1;

		if (expect(w, c, rc, PGV_OK, "connect")
				&& expect(w, c, pgv_stmt_prepare(&st, c, sql), PGV_OK, "prepare")
				&& expect(w, c, pgv_stmt_step(st), PGV_ROW, "step")
				&& expect(w, c, pgv_stmt_column_int64(&got, st, 1), PGV_OK, "read")
				&& got != w->id)
			worker_fail(w, "SELECT %d returned %lld", w->id, (long long)got);
		pgv_stmt_free(st);
		pgv_conn_close(c);
	}
	return NULL;
}

/* Connections opened and closed by all threads at once each answer their own thread. */
static void test_native_threads__connections_open_and_close_at_once(void **state)
{
	(void)state;
	run_workers(churn, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_threads__rows_written_at_once_read_back_exactly),
		cmocka_unit_test(test_native_threads__connections_open_and_close_at_once),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, native_setup, testdb_teardown));
}
