/*
 * Integration tests of the store and migrations on SQLite with sqlite-vec, through the public
 * calls.  The DSN comes from PGVODBC_TEST_DSN like every integration test; each test works in a
 * database file of its own (the DSN's Database key overridden in the connection string), so
 * nothing is shared or left behind.  Under a DSN that does not reach SQLite every test skips.
 */
#define _GNU_SOURCE /* mkdtemp, nftw (tmpdir.h) */
#include "testdb.h"
#include "tmpdir.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lite {
	char dir[64];
	char target[512];  /* the connection string of this test's database */
	pgv_conn *conn;
} lite;

#define OK(conn, call) testdb_assert_status((conn), (call), 0, __FILE__, __LINE__)

/* Opens a connection to the test's database file. */
static pgv_conn *lite_open(const lite *l)
{
	pgv_conn *c = NULL;
	int rc = pgv_conn_open(&c, l->target);

	if (rc != 0)
		fail_msg("connecting to \"%s\": %s", l->target, pgv_conn_error(c)->message);
	return c;
}

/* A database file of the test's own under the DSN being tested; skips on other backends. */
static int lite_setup(void **state)
{
	lite *l = calloc(1, sizeof(*l));

	assert_non_null(l);
	assert_non_null(tmpdir_make(l->dir, sizeof(l->dir), "pgv_sqlite_store"));
	/* the DSN as it is first: another backend keeps that connection, and the tests skip */
	snprintf(l->target, sizeof(l->target), "DSN=%s", testdb_dsn());
	l->conn = lite_open(l);
	if (pgv_conn_backend(l->conn) == PGV_BACKEND_SQLITE) {
		pgv_conn_close(l->conn);
		snprintf(l->target, sizeof(l->target), "DSN=%s;Database=%s/test.db", testdb_dsn(),
			l->dir);
		l->conn = lite_open(l);
	}
	*state = l;
	return 0;
}

static int lite_teardown(void **state)
{
	lite *l = *state;

	pgv_conn_close(l->conn);
	tmpdir_remove(l->dir);
	free(l);
	return 0;
}

/* Skips the test unless the DSN reaches SQLite with sqlite-vec loaded. */
static lite *need_sqlite(void **state)
{
	lite *l = *state;
	const char *text = NULL;
	int version = 0;

	if (pgv_conn_backend(l->conn) != PGV_BACKEND_SQLITE)
		TESTDB_SKIP("%s reaches %s, not sqlite", testdb_dsn(),
			pgv_backend_name(pgv_conn_backend(l->conn)));
	OK(l->conn, pgv_conn_vector_version(&version, &text, l->conn));
	assert_int_equal(version, 109); /* tests/sqlite pins sqlite-vec 0.1.9 */
	assert_string_equal(text, "0.1.9");
	return l;
}

/* The walkthrough: migrations, the seed's rows, its nearest neighbour and distances. */
static void test_sqlite_store__walkthrough(void **state)
{
	static const float seed[3][4] = {
		{ 0.1f, 0.8f, 0.5f, 0.3f }, { 0.4f, 0.2f, 0.7f, 0.9f }, { 0.9f, 0.5f, 0.1f, 0.6f },
	};
	static const float near[4] = { 0.3f, 0.1f, 0.6f, 0.5f }, far[4] = { 0.5f, 0.8f, 0.0f, -0.6f };
	lite *l = need_sqlite(state);
	pgv_migrate_set *set = NULL;
	pgv_vector vecs[3];
	int64_t ids[3] = { 1, 2, 3 }, n = 0;
	const pgv_row *row;
	pgv_rows *rows = NULL;
	size_t applied = 0;
	int i = 0;

	assert_int_equal(pgv_migrate_set_load(&set, NULL), 0);
	OK(l->conn, pgv_migrate_up(&applied, l->conn, set, 0));
	assert_int_equal(applied, 2);
	for (int k = 0; k < 3; k++) {
		vecs[k].dim = 4;
		vecs[k].data = (float *)seed[k];
	}
	OK(l->conn, pgv_store_upsert(&n, l->conn, NULL, ids, vecs, 3));
	assert_int_equal(n, 3);
	OK(l->conn, pgv_store_list(&rows, l->conn, NULL));
	while (pgv_rows_next(&row, rows) == PGV_ROW) {
		assert_int_equal(row->id, i + 1);
		assert_int_equal(row->vector.dim, 4);
		assert_memory_equal(row->vector.data, seed[i], sizeof(seed[i]));
		i++;
	}
	assert_int_equal(i, 3);
	pgv_rows_free(rows);
	OK(l->conn, pgv_store_knn(&rows, l->conn, NULL, PGV_METRIC_L2, near, 4, 1));
	assert_int_equal(pgv_rows_next(&row, rows), PGV_ROW);
	assert_int_equal(row->id, 2);
	assert_true(row->distance == (double)0.43588987f);
	assert_int_equal(pgv_rows_next(&row, rows), PGV_DONE);
	pgv_rows_free(rows);
	OK(l->conn, pgv_store_distances(&rows, l->conn, NULL, PGV_METRIC_L2, far, 4, NULL, 0));
	for (i = 0; pgv_rows_next(&row, rows) == PGV_ROW; i++) {
		/*
		 * sqlite-vec computes in float32: the float sum of the squared float differences,
		 * then sqrtf; the store reports that float's double value.  Within one float step of
		 * the exact distance (row 2 is one step above: 1.763519287109375, not the nearest
		 * float to 1.7635192119, which is 1.7635191679).
		 */
		float sum = 0, want;
		double exact = 0;

		for (int j = 0; j < 4; j++) {
			float d = seed[i][j] - far[j];
			sum += d * d;
			exact += (double)d * d;
		}
		want = sqrtf(sum);
		assert_int_equal(row->id, i + 1);
		if (row->distance != (double)want)
			fail_msg("row %d: distance %.17g, want %.17g", i + 1, row->distance,
				(double)want);
		assert_true(fabs(row->distance - sqrt(exact)) <= nextafterf(want, INFINITY) - want);
	}
	assert_int_equal(i, 3);
	pgv_rows_free(rows);
	pgv_migrate_set_free(set);
}

/* Values come back bit for bit: random float32 values through JSON text and the blob. */
static void test_sqlite_store__exact_roundtrip(void **state)
{
	enum { ROWS = 500, DIM = 16 };
	lite *l = need_sqlite(state);
	pgv_vector *vecs = calloc(ROWS, sizeof(*vecs));
	int64_t *ids = calloc(ROWS, sizeof(*ids)), n = 0;
	float *data = calloc(ROWS * DIM, sizeof(*data));
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	const pgv_row *row;
	pgv_rows *rows = NULL;
	int64_t seen = 0;

	assert_non_null(vecs);
	assert_non_null(ids);
	assert_non_null(data);
	OK(l->conn, pgv_conn_exec(l->conn, "CREATE TABLE wide (id INTEGER PRIMARY KEY, "
		"embedding vector(16))"));
	for (size_t i = 0; i < ROWS * DIM; i++) {
		uint32_t bits;

		do { /* any finite float: every exponent, every mantissa */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			bits = (uint32_t)(x >> 16);
		} while ((bits & 0x7f800000u) == 0x7f800000u);
		memcpy(&data[i], &bits, sizeof(bits));
	}
	for (size_t i = 0; i < ROWS; i++) {
		ids[i] = (int64_t)(ROWS - i) * 7; /* out of order: the store sorts */
		vecs[i].dim = DIM;
		vecs[i].data = data + i * DIM;
	}
	pgv_table t = PGV_TABLE_INIT;
	t.table = "wide";
	OK(l->conn, pgv_store_upsert(&n, l->conn, &t, ids, vecs, ROWS));
	assert_int_equal(n, ROWS);
	OK(l->conn, pgv_store_list(&rows, l->conn, &t));
	while (pgv_rows_next(&row, rows) == PGV_ROW) {
		size_t i = ROWS - (size_t)(row->id / 7);

		assert_int_equal(row->vector.dim, DIM);
		if (memcmp(row->vector.data, vecs[i].data, DIM * sizeof(float)) != 0)
			fail_msg("row %lld came back changed", (long long)row->id);
		seen++;
	}
	assert_int_equal(seen, ROWS);
	pgv_rows_free(rows);
	free(vecs);
	free(ids);
	free(data);
}

/* get, count, delete, upsert as update, paged listing, and a wrong dimension written nowhere. */
static void test_sqlite_store__rows(void **state)
{
	lite *l = need_sqlite(state);
	float a[4] = { 1, 2, 3, 4 }, b[4] = { -1, 0.5f, 0, 1e-7f }, short3[3] = { 1, 2, 3 };
	pgv_vector v[3] = { { 4, a }, { 4, b }, { 3, short3 } }, got = { 0, NULL };
	int64_t ids[3] = { 10, 20, 30 }, n = 0;
	pgv_fetch_opts fo = PGV_FETCH_OPTS_INIT;
	const pgv_row *row;
	pgv_rows *rows = NULL;
	int64_t seen = 0;

	OK(l->conn, pgv_conn_exec(l->conn, "CREATE TABLE embeddings (id INTEGER PRIMARY KEY, "
		"embedding vector(4))"));
	OK(l->conn, pgv_store_upsert(&n, l->conn, NULL, ids, v, 2));
	OK(l->conn, pgv_store_count(&n, l->conn, NULL));
	assert_int_equal(n, 2);
	OK(l->conn, pgv_store_get(&got, l->conn, NULL, 20));
	assert_memory_equal(got.data, b, sizeof(b));
	pgv_vector_free(&got);
	assert_int_equal(pgv_store_get(&got, l->conn, NULL, 99), PGV_ENOTFOUND);
	/* an update keeps one row */
	v[0].data = b;
	OK(l->conn, pgv_store_upsert(&n, l->conn, NULL, ids, v, 1));
	OK(l->conn, pgv_store_get(&got, l->conn, NULL, 10));
	assert_memory_equal(got.data, b, sizeof(b));
	pgv_vector_free(&got);
	/* three dimensions into vector(4): refused before anything is sent */
	assert_int_equal(pgv_store_upsert(&n, l->conn, NULL, &ids[2], &v[2], 1), PGV_EDIM);
	OK(l->conn, pgv_store_count(&n, l->conn, NULL));
	assert_int_equal(n, 2);
	fo.page_rows = 1;
	OK(l->conn, pgv_store_list_ext(&rows, l->conn, NULL, &fo));
	while (pgv_rows_next(&row, rows) == PGV_ROW)
		assert_int_equal(row->id, ids[seen++]);
	assert_int_equal(seen, 2);
	pgv_rows_free(rows);
	OK(l->conn, pgv_store_delete(&n, l->conn, NULL, ids, 3));
	assert_int_equal(n, 2);
	OK(l->conn, pgv_store_count(&n, l->conn, NULL));
	assert_int_equal(n, 0);
}

/* What SQLite lacks is PGV_EUNSUPPORTED naming it, through the public calls. */
static void test_sqlite_store__refusals(void **state)
{
	lite *l = need_sqlite(state);
	static const float q[4] = { 1, 2, 3, 4 };
	pgv_vector v = { 4, (float *)q };
	pgv_index_opts io = PGV_INDEX_OPTS_INIT;
	pgv_search_opts so = PGV_SEARCH_OPTS_INIT;
	pgv_table half = PGV_TABLE_INIT;
	pgv_rows *rows = NULL;
	int64_t id = 0;

	OK(l->conn, pgv_conn_exec(l->conn, "CREATE TABLE embeddings (id INTEGER PRIMARY KEY, "
		"embedding vector(4))"));
#define REFUSED(call, part) \
	do { \
		assert_int_equal((call), PGV_EUNSUPPORTED); \
		if (!strstr(pgv_conn_error(l->conn)->message, "not supported on sqlite") \
				|| !strstr(pgv_conn_error(l->conn)->message, part)) \
			fail_msg("message: %s", pgv_conn_error(l->conn)->message); \
	} while (0)
	REFUSED(pgv_store_knn(&rows, l->conn, NULL, PGV_METRIC_IP, q, 4, 1), "the ip metric");
	REFUSED(pgv_store_distances(&rows, l->conn, NULL, PGV_METRIC_JACCARD, q, 4, NULL, 0),
		"the jaccard metric");
	REFUSED(pgv_store_insert(&id, l->conn, NULL, &v, 1), "sequence");
	REFUSED(pgv_index_create(l->conn, NULL, &io), "indexes");
	so.ef_search = 40;
	REFUSED(pgv_store_knn_ext(&rows, l->conn, NULL, PGV_METRIC_L2, q, 4, 1, &so),
		"hnsw.ef_search");
	half.type = PGV_TYPE_HALFVEC;
	REFUSED(pgv_store_upsert(&id, l->conn, &half, &id, &v, 1), "the halfvec type");
	assert_null(rows);
	/* cosine and l1 exist: exact search with the default options */
	so.ef_search = 0;
	OK(l->conn, pgv_store_knn_ext(&rows, l->conn, NULL, PGV_METRIC_COSINE, q, 4, 1, &so));
	pgv_rows_free(rows);
#undef REFUSED
}

/* Migrations: tracked, reverted and checked as on PostgreSQL. */
static void test_sqlite_store__migrations(void **state)
{
	lite *l = need_sqlite(state);
	pgv_migrate_set *set = NULL;
	pgv_migrate_report *rep = NULL;
	size_t k = 0;
	int64_t n = -1;

	assert_int_equal(pgv_migrate_set_load(&set, NULL), 0);
	OK(l->conn, pgv_migrate_status(&rep, l->conn, set));
	assert_int_equal(rep->count, 2);
	assert_int_equal(rep->entries[0].state, PGV_MIGRATE_PENDING);
	pgv_migrate_report_free(rep);
	OK(l->conn, pgv_migrate_up(&k, l->conn, set, 1));
	assert_int_equal(k, 1);
	OK(l->conn, pgv_migrate_up(&k, l->conn, set, 0));
	assert_int_equal(k, 1);
	OK(l->conn, pgv_migrate_up(&k, l->conn, set, 0));
	assert_int_equal(k, 0);
	OK(l->conn, pgv_migrate_status(&rep, l->conn, set));
	assert_int_equal(rep->entries[1].state, PGV_MIGRATE_APPLIED);
	assert_true(rep->entries[1].applied_at[0] != '\0');
	pgv_migrate_report_free(rep);
	/* the CHECK refuses a value that is not a float32 vector of 4 */
	assert_int_not_equal(pgv_conn_exec(l->conn,
		"INSERT INTO embeddings VALUES (1, vec_f32('[1,2,3]'))"), 0);
	OK(l->conn, pgv_store_count(&n, l->conn, NULL));
	assert_int_equal(n, 0);
	OK(l->conn, pgv_migrate_down(&k, l->conn, set, 2));
	assert_int_equal(k, 2);
	assert_int_equal(pgv_store_count(&n, l->conn, NULL), PGV_ERROR); /* the table is gone */
	OK(l->conn, pgv_migrate_status(&rep, l->conn, set));
	assert_int_equal(rep->entries[0].state, PGV_MIGRATE_PENDING);
	assert_int_equal(rep->entries[1].state, PGV_MIGRATE_PENDING);
	pgv_migrate_report_free(rep);
	pgv_migrate_set_free(set);
}

typedef struct racer {
	const lite *l;
	pthread_barrier_t *start;
	const pgv_migrate_set *set;
	size_t applied;
	int rc;
	char msg[256];
} racer;

/* One concurrent migrate up on a connection of its own. */
static void *race(void *arg)
{
	racer *r = arg;
	pgv_conn *c = NULL;

	int opened = pgv_conn_open(&c, r->l->target);

	/* connected, all start together (connects are serialised by the library) */
	pthread_barrier_wait(r->start);
	if (opened != 0) {
		r->rc = -100;
	} else {
		r->rc = pgv_migrate_up(&r->applied, c, r->set, 0);
		snprintf(r->msg, sizeof(r->msg), "%s", pgv_conn_error(c)->message);
	}
	pgv_conn_close(c);
	return NULL;
}

/*
 * Concurrent runs take turns (BEGIN IMMEDIATE): each migration is applied once, none fails.
 * With a deferred BEGIN one round in about six failed with "database is locked" (measured), so
 * the race runs several rounds, reverted in between.
 */
static void test_sqlite_store__concurrent_migrate(void **state)
{
	enum { RACERS = 4, ROUNDS = 8 };
	lite *l = need_sqlite(state);
	pgv_migrate_set *set = NULL;
	pthread_barrier_t start;
	racer r[RACERS];
	pthread_t th[RACERS];

	assert_int_equal(pgv_migrate_set_load(&set, NULL), 0);
	assert_int_equal(pthread_barrier_init(&start, NULL, RACERS), 0);
	for (int round = 0; round < ROUNDS; round++) {
		size_t total = 0, k = 0;

		for (int i = 0; i < RACERS; i++) {
			memset(&r[i], 0, sizeof(r[i]));
			r[i].l = l;
			r[i].start = &start;
			r[i].set = set;
			assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
		}
		for (int i = 0; i < RACERS; i++) {
			pthread_join(th[i], NULL);
			if (r[i].rc != 0)
				fail_msg("round %d, run %d: %d: %s", round, i, r[i].rc, r[i].msg);
			total += r[i].applied;
		}
		assert_int_equal(total, 2);
		OK(l->conn, pgv_migrate_down(&k, l->conn, set, 2));
		assert_int_equal(k, 2);
	}
	pthread_barrier_destroy(&start);
	pgv_migrate_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sqlite_store__walkthrough, lite_setup,
			lite_teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_store__exact_roundtrip, lite_setup,
			lite_teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_store__rows, lite_setup, lite_teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_store__refusals, lite_setup,
			lite_teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_store__migrations, lite_setup,
			lite_teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_store__concurrent_migrate, lite_setup,
			lite_teardown),
	};
	return TESTDB_RUN(cmocka_run_group_tests(tests, NULL, NULL));
}
