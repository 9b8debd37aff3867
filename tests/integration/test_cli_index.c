/*
 * Integration: the pgvodbc tool's typed tables, bit metrics, paged listing, indexes and per-query
 * index settings, run as child processes on the embedded server (DSN from PGVODBC_TEST_DSN).
 * Pins down: halfvec, sparsevec and bit tables driven through --type (upsert, list, knn,
 * distance) agree with a brute-force computation here (halfvec values rounded here to half
 * precision); hamming and jaccard work on bit tables and are refused, in the library's words
 * with status 1, elsewhere; `index create` / `index drop` build and drop what pg_indexes then
 * shows, under the default name or --name; a bad index or search parameter is status 1 with the
 * library's message and builds nothing; knn with --ef-search equals knn without; and list and
 * export give the same output whatever --page-rows.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXDIM 16
#define MAXROWS 64

/* A row as the tool prints it (list, knn, distance), read back from its text. */
typedef struct outrow {
	int64_t id;
	float v[MAXDIM];
	size_t dim;
	int is_null;
	double dist;
	int has_dist;
} outrow;

/* Reads the tool's text lines "ID[<TAB>[v,...]|NULL][<TAB>DIST]"; returns the row count. */
static size_t parse_rows(const char *text, outrow *rows, int with_vector, int with_dist)
{
	size_t n = 0;
	const char *p = text;

	while (*p) {
		outrow *r = &rows[n];
		char *end;

		assert_true(n < MAXROWS);
		memset(r, 0, sizeof(*r));
		r->id = strtoll(p, &end, 10);
		assert_true(end != p && *end == '\t');
		p = end;
		if (with_vector && strncmp(p, "\tNULL", 5) == 0) {
			r->is_null = 1;
			p += 5;
		} else if (with_vector) {
			assert_true(strncmp(p, "\t[", 2) == 0);
			p += 2;
			while (*p != ']') {
				assert_true(r->dim < MAXDIM);
				r->v[r->dim++] = strtof(p, &end);
				assert_true(end != p);
				p = *end == ',' ? end + 1 : end;
			}
			p++;
		}
		if (with_dist) {
			assert_int_equal(*p, '\t');
			r->dist = strtod(p + 1, &end);
			r->has_dist = 1;
			p = end;
		}
		assert_int_equal(*p, '\n');
		p++;
		n++;
	}
	return n;
}

/* `f` rounded to half precision, ties to even (normal and subnormal halves; no overflow in the
 * values used here): adding and taking away 1.5 * 2^23 ulps leaves a multiple of the ulp. */
static float half_round(float f)
{
	uint32_t bits, ub;
	int e;
	float ulp, c, a = f < 0 ? -f : f;
	volatile float t;

	memcpy(&bits, &a, sizeof(bits));
	e = (int)((bits >> 23) & 0xff) - 127;
	if (e < -14)
		e = -14; /* half subnormals: the ulp stays 2^-24 */
	ub = (uint32_t)(e - 10 + 127) << 23;
	memcpy(&ulp, &ub, sizeof(ulp));
	c = ulp * 12582912.0f;
	t = a + c;
	t = t - c;
	return f < 0 ? -t : t;
}

/* pgvector's distances, in double precision here. */
static double distance(pgv_metric m, const float *a, const float *b, size_t dim)
{
	double s = 0, na = 0, nb = 0, and_ = 0, or_ = 0;

	for (size_t i = 0; i < dim; i++) {
		double x = a[i], y = b[i];

		if (m == PGV_METRIC_L2)
			s += (x - y) * (x - y);
		else if (m == PGV_METRIC_L1)
			s += x > y ? x - y : y - x;
		else if (m == PGV_METRIC_HAMMING)
			s += x != y;
		else
			s += x * y;
		na += x * x;
		nb += y * y;
		and_ += x == 1 && y == 1;
		or_ += x == 1 || y == 1;
	}
	switch (m) {
	case PGV_METRIC_L2: return testdb_sqrt(s);
	case PGV_METRIC_IP: return -s;
	case PGV_METRIC_COSINE: return 1 - s / testdb_sqrt(na * nb);
	case PGV_METRIC_JACCARD: return and_ == 0 ? 1 : 1 - and_ / or_;
	default: return s;
	}
}

static int close_to(double got, double want)
{
	double d = got > want ? got - want : want - got;
	double w = want < 0 ? -want : want;

	return d <= 1e-5 + 1e-4 * w;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The table's rows as the test knows them: ids, values as stored (already rounded), NULLs. */
typedef struct table_rows {
	int64_t id[MAXROWS];
	float v[MAXROWS][MAXDIM];
	int is_null[MAXROWS];
	size_t n, dim;
} table_rows;

static const float *row_of(const table_rows *t, int64_t id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->id[i] == id && !t->is_null[i])
			return t->v[i];
	fail_msg("id %lld is not a row with a vector", (long long)id);
	return NULL;
}

/* `list` output read back equals the rows, in id order (the rows are kept in id order). */
static void list_matches(const char *out, const table_rows *t)
{
	outrow got[MAXROWS];
	size_t n = parse_rows(out, got, 1, 0);

	assert_int_equal(n, t->n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].id, t->id[i]);
		assert_int_equal(got[i].is_null, t->is_null[i]);
		if (t->is_null[i])
			continue;
		assert_int_equal(got[i].dim, t->dim);
		for (size_t j = 0; j < t->dim; j++)
			if (got[i].v[j] != t->v[i][j])
				fail_msg("id %lld element %zu: %.9g, want %.9g", (long long)t->id[i], j,
					(double)got[i].v[j], (double)t->v[i][j]);
	}
}

/*
 * `knn` output (k rows) against brute force: every row's vector and distance are its own, and
 * the i-th distance is the i-th smallest of all (so ties may come in any order).
 */
static void knn_matches(const char *out, const table_rows *t, pgv_metric m, const float *q,
	size_t k)
{
	outrow got[MAXROWS];
	double all[MAXROWS];
	size_t n = parse_rows(out, got, 1, 1), nall = 0;

	for (size_t i = 0; i < t->n; i++)
		if (!t->is_null[i])
			all[nall++] = distance(m, t->v[i], q, t->dim);
	qsort(all, nall, sizeof(all[0]), cmp_double);
	assert_int_equal(n, k < nall ? k : nall);
	for (size_t i = 0; i < n; i++) {
		const float *v = row_of(t, got[i].id);

		assert_int_equal(got[i].dim, t->dim);
		for (size_t j = 0; j < t->dim; j++)
			assert_true(got[i].v[j] == v[j]);
		if (!close_to(got[i].dist, distance(m, v, q, t->dim)) || !close_to(got[i].dist, all[i]))
			fail_msg("%s row %zu (id %lld): distance %.17g, want %.17g (own %.17g)",
				pgv_metric_name(m), i, (long long)got[i].id, got[i].dist, all[i],
				distance(m, v, q, t->dim));
	}
}

/*
 * Runs `pgvodbc --dsn $PGVODBC_TEST_DSN ARGS...` with `in` (may be NULL) on stdin and asserts
 * its exit status; when not NULL, `out` is the whole of stdout and `err` a part of stderr.
 * Returns stdout (the caller frees it).
 */
static char *run_cli(int status, const char *out, const char *err, const char *in,
	const char *const *args)
{
	const char *all[40] = { "--dsn", testdb_dsn() };
	clirun r;
	char *got;

	for (size_t i = 0; args[i]; i++)
		all[2 + i] = args[i];
	clirun_run(&r, in, in ? strlen(in) : 0, all);
	if (r.status != status || (out && strcmp(r.out, out) != 0) || (err && !strstr(r.err, err)))
		fail_msg("pgvodbc %s ...: exit status %d (want %d)\nstdout:\n%s\nstderr:\n%s\n"
			"wanted stdout:\n%s\nwanted in stderr: %s", args[0], r.status, status, r.out,
			r.err, out ? out : "(any)", err ? err : "(any)");
	got = r.out;
	r.out = NULL;
	clirun_free(&r);
	return got;
}
#define EXPECT(status, out, err, ...) \
	free(run_cli((status), (out), (err), NULL, (const char *const[]){ __VA_ARGS__, NULL }))
#define OUTPUT(...) run_cli(0, NULL, NULL, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* "[a,b,...]" of floats that read back exactly. */
static const char *vec_text(char *buf, size_t cap, const float *v, size_t dim)
{
	size_t o = 0;

	o += (size_t)snprintf(buf + o, cap - o, "[");
	for (size_t j = 0; j < dim; j++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%.9g", j ? "," : "", (double)v[j]);
	snprintf(buf + o, cap - o, "]");
	return buf;
}

/* Upserts the table's non-NULL rows through `pgvodbc upsert --type TYPE` on stdin. */
static void upsert_rows(const char *table, const char *type, const float *given, table_rows *t)
{
	char *in = malloc(MAXROWS * (MAXDIM * 20 + 32)), vec[MAXDIM * 20 + 4];
	size_t len = 0;

	assert_non_null(in);
	in[0] = '\0';
	for (size_t i = 0; i < t->n; i++)
		if (!t->is_null[i])
			len += (size_t)sprintf(in + len, "%lld\t%s\n", (long long)t->id[i],
				vec_text(vec, sizeof(vec), given + i * t->dim, t->dim));
	free(run_cli(0, "", NULL, in, (const char *const[]){ "upsert", "--table", table, "--type",
		type, NULL }));
	free(in);
}

/* list (pages of 1000 by default) equals the rows, and prints the same with --page-rows 1 and
 * 0; export to jsonl prints list --json's lines whatever --page-rows. */
static void paging_agrees(const char *table, const char *type, const table_rows *t)
{
	static const char *const pages[] = { "1", "0", "1000" };
	char *def = OUTPUT("list", "--table", table, "--type", type);
	char *json = OUTPUT("list", "--json", "--table", table, "--type", type);

	list_matches(def, t);
	for (size_t i = 0; i < 3; i++) {
		char *l = OUTPUT("list", "--table", table, "--type", type, "--page-rows", pages[i]);
		char *e = OUTPUT("export", "--format", "jsonl", "--table", table, "--type", type,
			"--page-rows", pages[i], "-");

		assert_string_equal(l, def);
		assert_string_equal(e, json);
		free(l);
		free(e);
	}
	free(def);
	free(json);
}

/* Runs knn --type TYPE --metric M --k K VECTOR and checks it against brute force. */
static void knn_checked(const char *table, const char *type, const table_rows *t, pgv_metric m,
	const float *q, size_t k)
{
	char vec[MAXDIM * 20 + 4], kbuf[16], *out;

	snprintf(kbuf, sizeof(kbuf), "%zu", k);
	out = OUTPUT("knn", "--table", table, "--type", type, "--metric", pgv_metric_name(m),
		"--k", kbuf, vec_text(vec, sizeof(vec), q, t->dim));
	knn_matches(out, t, m, q, k);
	free(out);
}

/* knn with a metric the column's type lacks: status 1 with the library's own message. */
static void metric_refused(testdb *db, const char *table, pgv_type type, pgv_metric m,
	const float *q, size_t dim)
{
	pgv_table spec = PGV_TABLE_INIT;
	pgv_rows *rows = NULL;
	char vec[MAXDIM * 20 + 4];

	spec.table = table;
	spec.type = type;
	assert_pgv(db->conn, pgv_store_knn(&rows, db->conn, &spec, m, q, dim, 1), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "is not for"));
	EXPECT(1, "", pgv_conn_error(db->conn)->message, "knn", "--table", table, "--type",
		pgv_type_name(type), "--metric", pgv_metric_name(m), vec_text(vec, sizeof(vec), q, dim));
}

/* A halfvec table: values rounded as the server stores them, every dense metric, paging, and
 * hamming refused. */
static void test_cli_index__halfvec_table(void **state)
{
	testdb *db = *state;
	table_rows t = { .n = 24, .dim = 6 };
	float given[24 * 6], q[6];
	uint64_t seed = 0x4a1f;
	char name[64], sql[160];

	testdb_create_table(db, "clihalf", "id bigint PRIMARY KEY, embedding halfvec(6)", name);
	for (size_t i = 0; i < t.n; i++) {
		t.id[i] = (int64_t)i * 3 - 20;
		t.is_null[i] = i == 7;
		for (size_t j = 0; j < t.dim; j++) {
			/* 1e-4 steps in [-2, 2]: nearly all need rounding to half precision */
			given[i * t.dim + j] = (float)((int)(testdb_rand(&seed) % 40001) - 20000) / 1e4f;
			t.v[i][j] = half_round(given[i * t.dim + j]);
		}
	}
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (%lld, NULL)", name, (long long)t.id[7]);
	testdb_exec(db, sql);
	upsert_rows(name, "halfvec", given, &t);
	paging_agrees(name, "halfvec", &t);
	/* the query is cast to halfvec too */
	for (size_t j = 0; j < t.dim; j++)
		q[j] = half_round((float)((int)(testdb_rand(&seed) % 40001) - 20000) / 1e4f);
	knn_checked(name, "halfvec", &t, PGV_METRIC_L2, q, 5);
	knn_checked(name, "halfvec", &t, PGV_METRIC_IP, q, 5);
	knn_checked(name, "halfvec", &t, PGV_METRIC_COSINE, q, 5);
	knn_checked(name, "halfvec", &t, PGV_METRIC_L1, q, t.n);
	metric_refused(db, name, PGV_TYPE_HALFVEC, PGV_METRIC_HAMMING, q, t.dim);
	metric_refused(db, name, PGV_TYPE_HALFVEC, PGV_METRIC_JACCARD, q, t.dim);
}

/* A bit table: upsert, list, knn with hamming (also the default) and jaccard, distance, bad
 * bits refused, l2 refused. */
static void test_cli_index__bit_table(void **state)
{
	testdb *db = *state;
	table_rows t = { .n = 30, .dim = 12 };
	float given[30 * 12], q[12] = { 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0 };
	uint64_t seed = 0xb175;
	char name[64], vec[MAXDIM * 20 + 4], *out;
	outrow got[MAXROWS];

	testdb_create_table(db, "clibit", "id bigint PRIMARY KEY, embedding bit(12)", name);
	for (size_t i = 0; i < t.n; i++) {
		t.id[i] = (int64_t)i + 1;
		for (size_t j = 0; j < t.dim; j++)
			t.v[i][j] = given[i * t.dim + j] = (float)(testdb_rand(&seed) >> 63);
	}
	upsert_rows(name, "bit", given, &t);
	paging_agrees(name, "bit", &t);
	knn_checked(name, "bit", &t, PGV_METRIC_HAMMING, q, 5);
	knn_checked(name, "bit", &t, PGV_METRIC_HAMMING, q, t.n);
	knn_checked(name, "bit", &t, PGV_METRIC_JACCARD, q, 5);
	knn_checked(name, "bit", &t, PGV_METRIC_JACCARD, q, t.n);
	vec_text(vec, sizeof(vec), q, t.dim);

	/* without --metric a bit table is searched by hamming */
	out = OUTPUT("knn", "--table", name, "--type", "bit", "--k", "7", vec);
	knn_matches(out, &t, PGV_METRIC_HAMMING, q, 7);
	free(out);

	/* distance: every row, in id order */
	out = OUTPUT("distance", "--table", name, "--type", "bit", "--metric", "jaccard", vec);
	assert_int_equal(parse_rows(out, got, 0, 1), t.n);
	for (size_t i = 0; i < t.n; i++) {
		assert_int_equal(got[i].id, t.id[i]);
		assert_true(close_to(got[i].dist, distance(PGV_METRIC_JACCARD, t.v[i], q, t.dim)));
	}
	free(out);

	/* a 2 is not a bit: nothing written (the listing is unchanged) */
	EXPECT(1, "", "a bit must be 0 or 1", "upsert", "--table", name, "--type", "bit", "1",
		"[0,0,0,0,0,0,0,0,0,0,0,0]", "99", "[1,0,1,1,0,0,1,0,0,1,1,2]");
	metric_refused(db, name, PGV_TYPE_BIT, PGV_METRIC_L2, q, t.dim);
	paging_agrees(name, "bit", &t);
}

/* A sparsevec table: dense vectors in, zeros dropped as stored, dense out, knn by brute force;
 * jaccard refused. */
static void test_cli_index__sparsevec_table(void **state)
{
	testdb *db = *state;
	table_rows t = { .n = 12, .dim = 8 };
	float given[12 * 8], q[8] = { 0, 1.5f, 0, 0, -2, 0, 0, 0.25f };
	uint64_t seed = 0x5a55;
	char name[64], sql[400];

	testdb_create_table(db, "clisparse", "id bigint PRIMARY KEY, embedding sparsevec(8)", name);
	for (size_t i = 0; i < t.n; i++) {
		t.id[i] = (int64_t)i + 100;
		for (size_t j = 0; j < t.dim; j++) {
			uint64_t x = testdb_rand(&seed);
			/* mostly zeros; the rest quarters, exact in every type */
			t.v[i][j] = given[i * t.dim + j] = x % 3 ? 0.0f : (float)((int)(x >> 40) % 17 - 8) / 4;
		}
	}
	upsert_rows(name, "sparsevec", given, &t);
	paging_agrees(name, "sparsevec", &t);
	/* row 100 holds what was given, compared by the server as sparsevec */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE id = 100 AND embedding = "
		"'[%g,%g,%g,%g,%g,%g,%g,%g]'::vector::sparsevec", name, given[0], given[1], given[2],
		given[3], given[4], given[5], given[6], given[7]);
	assert_int_equal(testdb_query_int(db, sql), 1);
	knn_checked(name, "sparsevec", &t, PGV_METRIC_L2, q, 4);
	knn_checked(name, "sparsevec", &t, PGV_METRIC_L1, q, t.n);
	metric_refused(db, name, PGV_TYPE_SPARSEVEC, PGV_METRIC_JACCARD, q, t.dim);
}

/* Indexes on the table `name` matching `def` (a LIKE pattern of pg_indexes.indexdef). */
static int64_t index_count(testdb *db, const char *name, const char *index, const char *def)
{
	char sql[600];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_indexes WHERE tablename = '%s' AND "
		"indexname = '%s' AND indexdef LIKE '%s'", name, index, def);
	return testdb_query_int(db, sql);
}

/* index create and drop, by default name and by --name, checked in pg_indexes; knn with
 * --ef-search equals knn without; a bad parameter is status 1 with the library's message. */
static void test_cli_index__create_drop(void **state)
{
	testdb *db = *state;
	pgv_table spec = PGV_TABLE_INIT;
	pgv_index_opts bad = PGV_INDEX_OPTS_INIT;
	table_rows t = { .n = 40, .dim = 4 };
	float given[40 * 4], q[4] = { 0.25f, -0.5f, 1, 0.125f };
	uint64_t seed = 0x1d8;
	char name[64], idx[128], want[400], ivf[64], *libname = NULL, vec[100], *plain, *out;

	testdb_create_table(db, "cliidx", "id bigint PRIMARY KEY, embedding halfvec(4)", name);
	for (size_t i = 0; i < t.n; i++) {
		t.id[i] = (int64_t)i;
		for (size_t j = 0; j < t.dim; j++)
			t.v[i][j] = given[i * t.dim + j] = half_round((float)((int)(testdb_rand(&seed)
				% 2001) - 1000) / 500);
	}
	upsert_rows(name, "halfvec", given, &t);
	vec_text(vec, sizeof(vec), q, t.dim);

	/* the default name: TABLE_COLUMN_METHOD_METRIC_idx, as the library names it too */
	snprintf(idx, sizeof(idx), "%s_embedding_hnsw_cosine_idx", name);
	spec.table = name;
	spec.type = PGV_TYPE_HALFVEC;
	bad.metric = PGV_METRIC_COSINE;
	assert_int_equal(pgv_index_name(&libname, &spec, &bad), 0);
	assert_string_equal(libname, idx);
	pgv_text_free(libname);
	plain = OUTPUT("knn", "--table", name, "--type", "halfvec", "--metric", "cosine", "--k", "6",
		vec);
	knn_matches(plain, &t, PGV_METRIC_COSINE, q, 6);
	snprintf(want, sizeof(want), "created index %s on %s (hnsw, cosine)\n", idx, name);
	EXPECT(0, want, NULL, "index", "create", "--table", name, "--type", "halfvec", "--metric",
		"cosine", "--m", "8", "--ef-construction", "40");
	assert_int_equal(index_count(db, name, idx, "%USING hnsw (embedding halfvec_cosine_ops) "
		"WITH (m=''8'', ef_construction=''40'')%"), 1);

	/* with the index: the same answer with and without per-query settings */
	EXPECT(0, plain, NULL, "knn", "--table", name, "--type", "halfvec", "--metric", "cosine",
		"--k", "6", vec);
	EXPECT(0, plain, NULL, "knn", "--table", name, "--type", "halfvec", "--metric", "cosine",
		"--k", "6", "--ef-search", "100", "--iterative-scan", "strict", vec);
	free(plain);
	/* an out-of-range setting: the library's message, status 1 */
	EXPECT(1, "", "1001 is outside the valid range for parameter \"hnsw.ef_search\" (1 .. 1000)",
		"knn", "--table", name, "--type", "halfvec", "--ef-search", "1001", vec);

	/* drop by the default name, derived from --metric; then again: nothing to drop */
	snprintf(want, sizeof(want), "dropped index %s on %s\n", idx, name);
	EXPECT(0, want, NULL, "index", "drop", "--table", name, "--metric", "cosine");
	assert_int_equal(index_count(db, name, idx, "%"), 0);
	snprintf(want, sizeof(want), "{\"index\":\"%s\",\"schema\":null,\"table\":\"%s\","
		"\"dropped\":false}\n", idx, name);
	EXPECT(0, want, NULL, "index", "drop", "--table", name, "--metric", "cosine", "--json");

	/* ivfflat under a name of its own, with JSON; probes = lists makes it exact */
	snprintf(ivf, sizeof(ivf), "cli_ivf_%ld", (long)getpid());
	snprintf(want, sizeof(want), "{\"index\":\"%s\",\"schema\":null,\"table\":\"%s\","
		"\"method\":\"ivfflat\",\"metric\":\"l2\",\"created\":true}\n", ivf, name);
	EXPECT(0, want, NULL, "index", "create", "--table", name, "--type", "halfvec", "--method",
		"ivfflat", "--lists", "2", "--name", ivf, "--json");
	assert_int_equal(index_count(db, name, ivf, "%USING ivfflat (embedding halfvec_l2_ops) "
		"WITH (lists=''2'')%"), 1);
	out = OUTPUT("knn", "--table", name, "--type", "halfvec", "--k", "5", "--probes", "2", vec);
	knn_matches(out, &t, PGV_METRIC_L2, q, 5);
	free(out);
	snprintf(want, sizeof(want), "dropped index %s on %s\n", ivf, name);
	EXPECT(0, want, NULL, "index", "drop", "--table", name, "--name", ivf);
	assert_int_equal(index_count(db, name, ivf, "%"), 0);

	/* a bad parameter: the library's own message, status 1, nothing built */
	bad.m = 1;
	assert_pgv(db->conn, pgv_index_create(db->conn, &spec, &bad), PGV_EINVAL);
	assert_non_null(strstr(pgv_conn_error(db->conn)->message, "\"m\""));
	EXPECT(1, "", pgv_conn_error(db->conn)->message, "index", "create", "--table", name,
		"--type", "halfvec", "--metric", "cosine", "--m", "1");
	EXPECT(1, "", "operator class \"halfvec_l1_ops\" does not exist", "index", "create",
		"--table", name, "--type", "halfvec", "--method", "ivfflat", "--metric", "l1");
	assert_int_equal(index_count(db, name, "%", "%USING hnsw%"), 0);
	assert_int_equal(index_count(db, name, "%", "%USING ivfflat%"), 0);
}

/* A bit table's index: hamming by default, under its default name, dropped the same way. */
static void test_cli_index__bit_index(void **state)
{
	testdb *db = *state;
	char name[64], idx[128], want[300];

	testdb_create_table(db, "clibitidx", "id bigint PRIMARY KEY, embedding bit(8)", name);
	EXPECT(0, "", NULL, "upsert", "--table", name, "--type", "bit", "1", "[1,0,1,0,1,0,1,0]",
		"2", "[1,1,1,1,0,0,0,0]");
	snprintf(idx, sizeof(idx), "%s_embedding_hnsw_hamming_idx", name);
	snprintf(want, sizeof(want), "created index %s on %s (hnsw, hamming)\n", idx, name);
	EXPECT(0, want, NULL, "index", "create", "--table", name, "--type", "bit");
	assert_int_equal(index_count(db, name, idx, "%USING hnsw (embedding bit_hamming_ops)%"), 1);
	/* [1,1,1,0,0,0,0,0] differs from row 2 in one bit, from row 1 in three */
	EXPECT(0, "2\t[1,1,1,1,0,0,0,0]\t1\n", NULL, "knn", "--table", name, "--type", "bit",
		"--ef-search", "10", "[1,1,1,0,0,0,0,0]");
	snprintf(want, sizeof(want), "dropped index %s on %s\n", idx, name);
	EXPECT(0, want, NULL, "index", "drop", "--table", name, "--type", "bit");
	assert_int_equal(index_count(db, name, idx, "%"), 0);
}

/* What no index could mean, and names that are not a type, method or mode: status 2. */
static void test_cli_index__usage_errors(void **state)
{
	(void)state;
	EXPECT(2, "", "missing create or drop", "index");
	EXPECT(2, "", "expected create or drop", "index", "rebuild");
	EXPECT(2, "", "--lists applies to --method ivfflat", "index", "create", "--lists", "3");
	EXPECT(2, "", "--m applies to", "index", "create", "--method", "ivfflat", "--m", "8");
	EXPECT(2, "", "--method must be hnsw or ivfflat", "index", "create", "--method", "btree");
	EXPECT(2, "", "--m needs a whole number", "index", "create", "--m", "0");
	EXPECT(2, "", "--name names", "index", "drop", "--name", "x", "--metric", "l2");
	EXPECT(2, "", "applies to index create only", "index", "drop", "--concurrently");
	EXPECT(2, "", "--type must be vector, halfvec", "list", "--type", "float");
	EXPECT(2, "", "--page-rows needs a whole number", "list", "--page-rows", "x");
	EXPECT(2, "", "--iterative-scan must be", "knn", "--iterative-scan", "on", "[1]");
	EXPECT(2, "", "hamming or jaccard", "knn", "--metric", "dice", "[1]");
	EXPECT(2, "", "does not apply to distance", "distance", "--ef-search", "4", "[1]");
	EXPECT(2, "", "does not apply to upsert", "upsert", "--page-rows", "4");
	EXPECT(2, "", "Try 'pgvodbc index --help'", "index", "create", "--probes", "2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cli_index__halfvec_table, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_index__bit_table, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_index__sparsevec_table, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_index__create_drop, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_index__bit_index, testdb_setup,
			testdb_teardown),
		cmocka_unit_test(test_cli_index__usage_errors),
	};

	signal(SIGPIPE, SIG_IGN);
	return TESTDB_RUN(cmocka_run_group_tests(tests, NULL, NULL));
}
