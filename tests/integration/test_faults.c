/*
 * Integration, fault injection: the test starts an embedded server of its own on a data
 * directory of its own, SIGKILLs it while the library is at work (inside an upsert, inside a
 * fetch, between a statement and its commit, idle), restarts it on the same data and checks that
 * no call reported success for work the server did not keep, that a failed call left nothing
 * half-written, and that a lost connection refuses further work.  What the server must hold is
 * tracked by a model in the test (the generation of every id's vector), never read back from it.
 *
 * Environment: PGVODBC_TEST_DSN (the driver flavour), PGVODBC_FAULT_DIR (the server's directory,
 * this test's alone), ODBCSYSINI/ODBCINI pointing into it; PGVODBC_SERVER_SCRIPT is compiled in.
 */
#include "faults_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIM 128
#define BASE_ROWS 1000     /* committed before any fault; ids 1..BASE_ROWS */
#define BIG_NEW 22000      /* new rows of the upsert that is killed (about 30 batches of 1 MiB) */
#define SMALL_NEW 3000     /* new rows of the upserts killed at chosen points (5 batches) */
#define UPDATE_EVERY 500   /* ...with one update of a base row every so many rows */
#define MAX_ID 250000
#define TEST_SECONDS 150   /* the watchdog: a test still running then has hung (on a loaded CI) */

typedef struct fault_env {
	fault_server fs;
	const char *dsn;
	int paged;                 /* the DSN fetches in pages (UseDeclareFetch) */
	testdb db;                 /* db.conn: a connection to the running server */
	char table[64];
	pgv_table t;
	unsigned char gen[MAX_ID + 1]; /* the vector generation the server must hold; 0 = no row */
	int64_t next_id;           /* first id of the next range of new rows */
} fault_env;

/* The vector of `id` at generation `g`: deterministic values in [-1, 1). */
static void vector_of(int64_t id, unsigned g, float *out)
{
	uint64_t seed = (uint64_t)id * 0x9E3779B97F4A7C15ULL + g * 0xD1B54A32D192ED03ULL + 1;

	for (int i = 0; i < DIM; i++)
		out[i] = (float)((double)(testdb_rand(&seed) >> 40) / 8388608.0 - 1.0);
}

/* Opens a connection of the flavour under test to the server's current port. */
static pgv_conn *connect_now(fault_env *e)
{
	char target[256];
	pgv_conn *c = NULL;
	int rc;

	/* unixODBC reads odbc.ini once per process: the port after a restart is given here. */
	snprintf(target, sizeof(target), "DSN=%s;Port=%d", e->dsn, e->fs.port);
	rc = pgv_conn_open(&c, target);
	assert_pgv(c, rc, PGV_OK);
	return c;
}

/* Asserts the connection's error says the connection was lost, with a class 08 SQLSTATE. */
static void assert_lost_error(pgv_conn *c, int rc, const char *what)
{
	const pgv_error *err = pgv_conn_error(c);

	if (rc != PGV_ECONN || strncmp(err->sqlstate, "08", 2) != 0)
		fail_msg("%s: got %s [%s] %s (in %s), want PGV_ECONN with SQLSTATE class 08", what,
			pgv_status_name(rc), err->sqlstate, err->message, err->operation);
	assert_int_equal(err->status, PGV_ECONN);
	assert_true(err->message[0] != '\0');
}

/* Asserts a message on a refused call names the loss. */
static void assert_says_lost(pgv_conn *c, int rc, const char *what)
{
	assert_lost_error(c, rc, what);
	if (!strstr(pgv_conn_error(c)->message, "lost"))
		fail_msg("%s: the message does not say the connection was lost: %s", what,
			pgv_conn_error(c)->message);
}

/* A planned upsert: rows, and the generation each row's id gets if it is applied. */
typedef struct plan {
	size_t n;
	int64_t *ids;
	pgv_vector *v;
	float *data;
	unsigned char *g;
	int64_t lo, hi;   /* the range of new ids, [lo, hi) */
} plan;

/* Plans `n_new` new rows (the next id range) with, every `every` rows, an update of a base row. */
static plan plan_make(fault_env *e, size_t n_new, size_t every)
{
	plan p = { 0 };
	size_t cap = n_new + (every ? n_new / every : 0) + 1, base = 0;

	p.ids = calloc(cap, sizeof(*p.ids));
	p.v = calloc(cap, sizeof(*p.v));
	p.data = calloc(cap * DIM, sizeof(*p.data));
	p.g = calloc(cap, 1);
	assert_true(p.ids && p.v && p.data && p.g);
	p.lo = e->next_id;
	p.hi = e->next_id + (int64_t)n_new;
	assert_true(p.hi <= MAX_ID + 1);
	e->next_id = p.hi;
	for (size_t k = 0; k < n_new; k++) {
		if (every && k % every == every / 2) {
			int64_t id = 1 + (int64_t)((base++ * 37 + (size_t)p.lo) % BASE_ROWS);
			p.ids[p.n] = id;
			p.g[p.n] = (unsigned char)(e->gen[id] + 1);
			p.n++;
		}
		p.ids[p.n] = p.lo + (int64_t)k;
		p.g[p.n] = 1;
		p.n++;
	}
	for (size_t i = 0; i < p.n; i++) {
		p.v[i].dim = DIM;
		p.v[i].data = p.data + i * DIM;
		vector_of(p.ids[i], p.g[i], p.v[i].data);
	}
	return p;
}

/* Frees the plan's arrays. */
static void plan_free(plan *p)
{
	free(p->ids);
	free(p->v);
	free(p->data);
	free(p->g);
}

/* 1 when the server holds vector generation `g` for `id` (0: no such row). */
static int row_has(fault_env *e, int64_t id, unsigned g)
{
	pgv_vector v = PGV_VECTOR_INIT;
	float want[DIM];
	int rc = pgv_store_get(&v, e->db.conn, &e->t, id), same;

	if (rc == PGV_ENOTFOUND)
		return g == 0;
	assert_pgv(e->db.conn, rc, PGV_OK);
	assert_int_equal(v.dim, DIM);
	vector_of(id, g, want);
	same = g != 0 && memcmp(v.data, want, sizeof(want)) == 0;
	pgv_vector_free(&v);
	return same;
}

/*
 * Checks that the plan's rows are on the server all as planned or all as they were before, and
 * brings the model up to date.  Returns 1 when the plan was applied.
 */
static int check_all_or_nothing(fault_env *e, const plan *p)
{
	char sql[256];
	int64_t count;
	int applied;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE id >= %lld AND id < %lld",
		e->table, (long long)p->lo, (long long)p->hi);
	count = testdb_query_int(&e->db, sql);
	if (count != 0 && count != p->hi - p->lo)
		fail_msg("half-written: %lld of the %lld new rows are on the server", (long long)count,
			(long long)(p->hi - p->lo));
	applied = count != 0;
	for (size_t i = 0; i < p->n; i++) {
		int64_t id = p->ids[i];
		if (id >= p->lo)
			continue;
		if (!row_has(e, id, applied ? p->g[i] : e->gen[id]))
			fail_msg("half-written: base row %lld does not hold its %s vector", (long long)id,
				applied ? "new" : "old");
	}
	if (applied) {
		for (size_t i = 0; i < p->n; i++)
			e->gen[p->ids[i]] = p->g[i];
		/* a sample of the new rows, bit for bit; the final check reads them all */
		for (int64_t id = p->lo; id < p->hi; id += 997)
			assert_true(row_has(e, id, 1));
	}
	return applied;
}

/* Kills (if still alive), restarts on the same data and reconnects; closes the old connection. */
static void restart(fault_env *e)
{
	if (fs_alive(&e->fs))
		fs_kill(&e->fs);
	pgv_conn_close(e->db.conn);
	e->db.conn = NULL;
	fs_start(&e->fs);
	e->db.conn = connect_now(e);
}

/*
 * Starts each test on a running server with a working connection, whatever an earlier test that
 * failed half-way left behind, and arms the watchdog.
 */
static void test_begin(fault_env *e)
{
	fs_watchdog(TEST_SECONDS);
	if (!e->db.conn || !fs_alive(&e->fs) || pgv_conn_is_lost(e->db.conn)
			|| pgv_conn_in_transaction(e->db.conn))
		restart(e);
}

/* Group setup: a fresh data directory, the server, the table and the base rows, committed. */
static int faults_setup(void **state)
{
	static fault_env env;
	fault_env *e = &env;
	const char *dir = getenv("PGVODBC_FAULT_DIR");
	plan p;

	memset(e, 0, sizeof(*e));
	if (!dir || !*dir)
		fail_msg("PGVODBC_FAULT_DIR is not set: run the fault test through ctest");
	fs_init(&e->fs, dir);
	e->dsn = testdb_dsn();
	e->paged = strcmp(e->dsn, "pgvodbc_declfetch") == 0;
	fs_watchdog(TEST_SECONDS);
	fs_wipe_data(&e->fs);
	fs_start(&e->fs);
	e->db.conn = connect_now(e);
	if (testdb_query_int(&e->db, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") == 0)
		testdb_exec(&e->db, "CREATE EXTENSION vector");
	testdb_create_table(&e->db, "faults", "id bigint PRIMARY KEY, embedding vector(128)", e->table);
	e->t = (pgv_table)PGV_TABLE_INIT;
	e->t.table = e->table;
	e->next_id = 1;
	p = plan_make(e, BASE_ROWS, 0);
	assert_pgv(e->db.conn, pgv_store_upsert(NULL, e->db.conn, &e->t, p.ids, p.v, p.n), PGV_OK);
	for (size_t i = 0; i < p.n; i++)
		e->gen[p.ids[i]] = p.g[i];
	plan_free(&p);
	e->next_id = 100001;
	fs_watchdog(0);
	*state = e;
	return 0;
}

/* Group teardown: stops the server and removes its data. */
static int faults_teardown(void **state)
{
	fault_env *e = *state;

	if (!e)
		return 0;
	pgv_conn_close(e->db.conn);
	e->db.conn = NULL;
	fs_stop(&e->fs);
	fs_wipe_data(&e->fs);
	return 0;
}

/* The bytes of list text the plan's rows travel as: what the server must receive at least. */
static uint64_t plan_bytes(const plan *p)
{
	uint64_t n = 0;
	char id[24];

	for (size_t i = 0; i < p->n; i++)
		n += pgv_vector_format(p->v[i].data, DIM, NULL, 0) + 3
			+ (uint64_t)snprintf(id, sizeof(id), "%lld,", (long long)p->ids[i]);
	return n;
}

/* The moments test 1 kills the server at. */
typedef enum moment { AFTER_DELAY, HALF_SENT, ALL_SENT, AT_COMMIT } moment;

/*
 * Runs the planned upsert while a killer thread SIGKILLs the server at moment `m` (`delay`
 * seconds after the call began, half or all of the rows received by the server, or the client's
 * first send after the last batch, which is the commit).  Returns the call's status.
 */
static int upsert_with_kill(fault_env *e, const plan *p, moment m, double delay, killer *k)
{
	static const char *names[] = { "after a delay", "half sent", "all sent", "at commit" };
	uint64_t total = plan_bytes(p);
	double returned;
	int rc;

	memset(k, 0, sizeof(*k));
	k->fs = &e->fs;
	k->when = m == AFTER_DELAY ? KILL_AFTER_DELAY : m == AT_COMMIT ? KILL_AT_NEXT_SEND
		: KILL_AT_BYTES;
	k->delay = delay;
	k->bytes = m == HALF_SENT ? total / 2 : total;
	killer_start(k);
	rc = pgv_store_upsert(NULL, e->db.conn, &e->t, p->ids, p->v, p->n);
	returned = fs_now();
	killer_finish(k);
	printf("# %zu rows, kill %s%s: after %.3f s (%llu of %llu bytes received), the call "
		"returned after %.3f s: %s [%s] %.*s\n", p->n, names[m], k->late ? " (late)" : "",
		k->killed_at - k->t0, (unsigned long long)k->received, (unsigned long long)total,
		returned - k->t0, pgv_status_name(rc), pgv_conn_error(e->db.conn)->sqlstate,
		(int)strcspn(pgv_conn_error(e->db.conn)->message, "\n"),
		pgv_conn_error(e->db.conn)->message);
	return rc;
}

/*
 * 1. A large upsert (22,000 rows of 128 dimensions, about 30 batches, plus updates of committed
 * rows) killed 0.8 s in, in flight, returns PGV_ECONN with a class 08 SQLSTATE, never 0; after a
 * restart on the same data every row committed before is there, unchanged, and none of the
 * call's rows.  The kill then lands at other points of a call: at once, half-way through the
 * batches, in the last batch, at the commit.  The outcome is always all or nothing, a call that
 * reported success has all its rows, and one that failed has none unless its SQLSTATE is 08007
 * (lost during the commit: either outcome is possible, and the caller is told so).
 */
static void test_faults__kill_during_upsert(void **state)
{
	fault_env *e = *state;
	static const struct { size_t rows; moment m; double delay; } runs[] = {
		{ BIG_NEW, AFTER_DELAY, 0.8 }, { BIG_NEW, AFTER_DELAY, 0.0 },
		{ SMALL_NEW, HALF_SENT, 0 }, { SMALL_NEW, ALL_SENT, 0 }, { SMALL_NEW, AT_COMMIT, 0 }
	};

	test_begin(e);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		plan p = plan_make(e, runs[i].rows, UPDATE_EVERY);
		killer k;
		int rc = upsert_with_kill(e, &p, runs[i].m, runs[i].delay, &k), applied;
		char state[6];

		if (i == 0 && k.late)
			fail_msg("the upsert finished before the kill: it must be larger to test anything");
		memcpy(state, pgv_conn_error(e->db.conn)->sqlstate, sizeof(state));
		if (rc != 0) {
			assert_lost_error(e->db.conn, rc, "pgv_store_upsert killed in flight");
			assert_int_equal(pgv_conn_is_lost(e->db.conn), 1);
		}
		assert_int_equal(pgv_conn_in_transaction(e->db.conn), 0);
		restart(e);
		applied = check_all_or_nothing(e, &p);
		printf("#   -> %s on the server\n", applied ? "all rows" : "none of the rows");
		if (rc == 0)
			assert_true(applied);
		/* only 08007 (lost during the commit) leaves the outcome open */
		if (rc != 0 && strcmp(state, "08007") != 0)
			assert_false(applied);
		if (i == 0)
			assert_false(applied); /* killed with batches still to send */
		plan_free(&p);
	}
	fs_watchdog(0);
}

/* Checks one row handed out by an iterator against the model: the next present id, bit-exact. */
static void assert_next_row(fault_env *e, const pgv_row *row, int64_t *expect_id)
{
	float want[DIM];

	while (*expect_id <= MAX_ID && e->gen[*expect_id] == 0)
		++*expect_id;
	assert_int_equal(row->id, *expect_id);
	assert_int_equal(row->vector.dim, DIM);
	vector_of(row->id, e->gen[row->id], want);
	assert_memory_equal(row->vector.data, want, sizeof(want));
	++*expect_id;
}

/*
 * 2. An open list iterator when the server dies: the rows handed out before are correct, and the
 * iteration ends in PGV_ECONN with a class 08 SQLSTATE.  With declare/fetch the driver reads in
 * pages of 2 rows, so the error must come; other flavours may already hold the whole result and
 * then complete with every row correct (the next call on the connection then reports the loss).
 */
static void test_faults__kill_during_fetch(void **state)
{
	fault_env *e = *state;
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	int64_t expect = 1, total = 0, seen = 0;
	int rc, end;

	test_begin(e);
	for (int64_t id = 1; id <= MAX_ID; id++)
		total += e->gen[id] != 0;
	assert_pgv(e->db.conn, pgv_store_list(&rows, e->db.conn, &e->t), PGV_OK);
	for (int i = 0; i < 50; i++) {
		assert_pgv(e->db.conn, pgv_rows_next(&row, rows), PGV_ROW);
		assert_next_row(e, row, &expect);
		seen++;
	}
	fs_kill(&e->fs);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		assert_next_row(e, row, &expect);
		seen++;
	}
	printf("# %s: %lld of %lld rows read, then %s\n", e->dsn, (long long)seen,
		(long long)total, pgv_status_name(rc));
	end = rc;
	if (rc == PGV_DONE) {
		if (e->paged)
			fail_msg("declare/fetch read all %lld rows after the server died", (long long)seen);
		assert_int_equal(seen, total);
		rc = pgv_conn_exec(e->db.conn, "SELECT 1");
	}
	assert_lost_error(e->db.conn, rc, "reading rows after the server died");
	assert_int_equal(pgv_conn_is_lost(e->db.conn), 1);
	/* a failed iterator is finished; a completed one stays done */
	assert_int_equal(pgv_rows_next(&row, rows), end == PGV_DONE ? PGV_DONE : PGV_EINVAL);
	pgv_rows_free(rows);
	restart(e);
	fs_watchdog(0);
}

/*
 * 3. pgv_conn_begin, an upsert that succeeds, the server killed, then pgv_conn_commit: PGV_ECONN,
 * never 0; after a restart the rows are absent.
 */
static void test_faults__kill_before_commit(void **state)
{
	fault_env *e = *state;
	plan p;

	test_begin(e);
	p = plan_make(e, 500, 100);
	assert_pgv(e->db.conn, pgv_conn_begin(e->db.conn), PGV_OK);
	assert_pgv(e->db.conn, pgv_store_upsert(NULL, e->db.conn, &e->t, p.ids, p.v, p.n), PGV_OK);
	fs_kill(&e->fs);
	assert_lost_error(e->db.conn, pgv_conn_commit(e->db.conn), "pgv_conn_commit after the kill");
	assert_int_equal(pgv_conn_in_transaction(e->db.conn), 0);
	assert_int_equal(pgv_conn_is_lost(e->db.conn), 1);
	restart(e);
	assert_false(check_all_or_nothing(e, &p));
	plan_free(&p);
	fs_watchdog(0);
}

/*
 * 4. The lost handle: a transaction with an upsert, the server killed, the next call reports the
 * loss; from then on every call on the connection returns PGV_ECONN saying the connection was
 * lost, with a class 08 SQLSTATE, at once (the watchdog fails a hang); commit in particular never
 * reports success (psqlODBC's SQLEndTran may, once the loss is known).  Closing works; after a
 * restart the transaction's rows are absent.
 */
static void test_faults__lost_handle_refuses_work(void **state)
{
	fault_env *e = *state;
	pgv_conn *c;
	plan p;
	pgv_stmt *st = NULL, *before = NULL;
	pgv_rows *rows = NULL;
	pgv_vector v = PGV_VECTOR_INIT;
	pgv_migrate_set *set = NULL;
	pgv_migrate_report *report = NULL;
	float q[DIM] = { 0 };
	int64_t n = 0, id = 1;
	int version = 0;
	double t0;

	test_begin(e);
	c = e->db.conn;
	p = plan_make(e, 300, 100);
	assert_int_equal(pgv_migrate_set_load(&set, NULL), 0);
	assert_pgv(c, pgv_stmt_prepare(&before, c, "SELECT 1"), PGV_OK);
	assert_pgv(c, pgv_conn_begin(c), PGV_OK);
	assert_pgv(c, pgv_store_upsert(NULL, c, &e->t, p.ids, p.v, p.n), PGV_OK);
	fs_kill(&e->fs);
	assert_lost_error(c, pgv_conn_exec(c, "SELECT 1"), "the first call after the kill");
	assert_int_equal(pgv_conn_is_lost(c), 1);

	t0 = fs_now();
	assert_says_lost(c, pgv_conn_commit(c), "pgv_conn_commit");
	assert_int_equal(pgv_conn_in_transaction(c), 0);
	assert_says_lost(c, pgv_conn_commit(c), "pgv_conn_commit again");
	assert_says_lost(c, pgv_conn_rollback(c), "pgv_conn_rollback");
	assert_says_lost(c, pgv_conn_exec(c, "SELECT 1"), "pgv_conn_exec");
	assert_says_lost(c, pgv_stmt_prepare(&st, c, "SELECT 1"), "pgv_stmt_prepare");
	assert_null(st);
	assert_says_lost(c, pgv_stmt_step(before), "pgv_stmt_step");
	assert_says_lost(c, pgv_conn_begin(c), "pgv_conn_begin");
	assert_int_equal(pgv_conn_in_transaction(c), 0);
	assert_says_lost(c, pgv_conn_vector_version(&version, NULL, c),
		"pgv_conn_vector_version");
	assert_says_lost(c, pgv_store_upsert(NULL, c, &e->t, p.ids, p.v, 1), "pgv_store_upsert");
	assert_says_lost(c, pgv_store_insert(NULL, c, &e->t, p.v, 1), "pgv_store_insert");
	assert_says_lost(c, pgv_store_get(&v, c, &e->t, 1), "pgv_store_get");
	assert_says_lost(c, pgv_store_count(&n, c, &e->t), "pgv_store_count");
	assert_says_lost(c, pgv_store_delete(&n, c, &e->t, &id, 1), "pgv_store_delete");
	assert_says_lost(c, pgv_store_list(&rows, c, &e->t), "pgv_store_list");
	assert_null(rows);
	assert_says_lost(c, pgv_store_knn(&rows, c, &e->t, PGV_METRIC_L2, q, DIM, 3),
		"pgv_store_knn");
	assert_says_lost(c, pgv_store_distances(&rows, c, &e->t, PGV_METRIC_COSINE, q, DIM, NULL, 0),
		"pgv_store_distances");
	assert_says_lost(c, pgv_migrate_status(&report, c, set), "pgv_migrate_status");
	assert_null(report);
	assert_says_lost(c, pgv_migrate_up(NULL, c, set, 0), "pgv_migrate_up");
	assert_int_equal(pgv_conn_is_lost(c), 1);
	assert_true(fs_now() - t0 < 2.0); /* refused locally, no waiting on the network */

	pgv_stmt_free(before);
	pgv_migrate_set_free(set);
	restart(e); /* pgv_conn_close of the lost handle, then a new server and connection */
	assert_false(check_all_or_nothing(e, &p));
	plan_free(&p);
	fs_watchdog(0);
}

/* FNV-1a over bytes, continuing from `h`. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001B3ULL;
	return h;
}

/*
 * 5. Committed data survives SIGKILL: the server is killed idle right after the last commits and
 * restarted with the same data directory; every committed row is there, and the count, the sum
 * of ids and a hash of (id, vector bits) read back equal what the model says the test wrote.
 */
static void test_faults__restart_keeps_committed_data(void **state)
{
	fault_env *e = *state;
	plan p;
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	uint64_t h_model = 0xCBF29CE484222325ULL, h_read = h_model;
	int64_t n_model = 0, n_read = 0, s_model = 0, s_read = 0, expect = 1;
	float v[DIM];
	char sql[128];
	int rc;

	test_begin(e);
	p = plan_make(e, 2000, 50);
	assert_pgv(e->db.conn, pgv_store_upsert(NULL, e->db.conn, &e->t, p.ids, p.v, p.n), PGV_OK);
	for (size_t i = 0; i < p.n; i++)
		e->gen[p.ids[i]] = p.g[i];
	restart(e); /* kill -9 right after the commit, then start on the same data */

	for (int64_t id = 1; id <= MAX_ID; id++) {
		if (!e->gen[id])
			continue;
		vector_of(id, e->gen[id], v);
		h_model = fnv(fnv(h_model, &id, sizeof(id)), v, sizeof(v));
		n_model++;
		s_model += id;
	}
	assert_pgv(e->db.conn, pgv_store_list(&rows, e->db.conn, &e->t), PGV_OK);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		assert_next_row(e, row, &expect);
		h_read = fnv(fnv(h_read, &row->id, sizeof(row->id)), row->vector.data,
			row->vector.dim * sizeof(float));
		n_read++;
		s_read += row->id;
	}
	assert_pgv(e->db.conn, rc, PGV_DONE);
	pgv_rows_free(rows);
	printf("# %lld rows, sum of ids %lld, hash %016llx\n", (long long)n_read,
		(long long)s_read, (unsigned long long)h_read);
	assert_int_equal(n_read, n_model);
	assert_int_equal(s_read, s_model);
	assert_int_equal(h_read, h_model);
	/* the server's own count and sum agree */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", e->table);
	assert_int_equal(testdb_query_int(&e->db, sql), n_model);
	snprintf(sql, sizeof(sql), "SELECT sum(id) FROM %s", e->table);
	assert_int_equal(testdb_query_int(&e->db, sql), s_model);
	plan_free(&p);
	fs_watchdog(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_faults__kill_during_upsert),
		cmocka_unit_test(test_faults__kill_during_fetch),
		cmocka_unit_test(test_faults__kill_before_commit),
		cmocka_unit_test(test_faults__lost_handle_refuses_work),
		cmocka_unit_test(test_faults__restart_keeps_committed_data),
	};
	return cmocka_run_group_tests(tests, faults_setup, faults_teardown);
}
