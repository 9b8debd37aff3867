/*
 * Recall and latency of k-NN searches under index settings (pgv_recall_measure): exact answers
 * first (index scans off), then every query under each setting, timed.
 */
#include "store/store.h"
#include "pgvodbc/recall.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_K 10
#define DEFAULT_QUERIES 100

/* One query's exact answer: the k ids and the k-th distance. */
typedef struct exact_answer {
	int64_t *ids;     /* k of them, nearest first */
	double kth;       /* the k-th exact distance */
} exact_answer;

/* The queries and their exact answers. */
typedef struct recall_run {
	pgv_conn *c;
	const pgv_table *spec;
	const char *op;
	pgv__store_table t;
	pgv_metric metric;
	size_t k;
	pgv_vector *sampled;      /* sampled rows' vectors (owned), or NULL */
	const pgv_vector *q;      /* the queries */
	size_t nq;
	int64_t *exact_ids;       /* nq * k */
	double *kth;              /* nq */
	double *ms;               /* nq latencies of the setting being measured */
} recall_run;

/* splitmix64: a small, well-mixed generator; the sample depends on nothing but the seed. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15u);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* Reads the ids of the rows with a vector, in id order, into a new array. */
static int read_ids(recall_run *r, int64_t **ids, size_t *n)
{
	char *sql = pgv__store_sql(&r->t, PGV__SQL_IDS, r->metric);
	pgv_stmt *st = NULL;
	size_t cap = 0;
	int status;

	*ids = NULL;
	*n = 0;
	if (!sql)
		return pgv__conn_fail(r->c, PGV_ENOMEM, r->op, "%s: out of memory", r->t.what);
	status = pgv_stmt_prepare(&st, r->c, sql);
	free(sql);
	while (status == 0 && (status = pgv_stmt_step(st)) == PGV_ROW) {
		int64_t id;
		if ((status = pgv_stmt_column_int64(&id, st, 1)) != 0)
			break;
		if (*n == cap) {
			int64_t *grown = realloc(*ids, (cap ? 2 * cap : 1024) * sizeof(**ids));
			if (!grown) {
				status = pgv__conn_fail(r->c, PGV_ENOMEM, r->op, "%s: out of memory",
					r->t.what);
				break;
			}
			*ids = grown;
			cap = cap ? 2 * cap : 1024;
		}
		(*ids)[(*n)++] = id;
	}
	pgv_stmt_free(st);
	if (status == PGV_DONE)
		return 0;
	if (status != PGV_ENOMEM)
		status = pgv__store_refused(r->c, &r->t, r->op, PGV__METRIC_NONE, 0,
			pgv__conn_prefix(r->c, status, r->op, "%s: sampling the queries", r->t.what));
	return status;
}

/* Samples `want` rows of the table (all when it has fewer) as the queries. */
static int sample_queries(recall_run *r, size_t want, uint64_t seed)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int status;

	if ((status = read_ids(r, &ids, &n)) != 0)
		return status;
	if (n == 0) {
		free(ids);
		return pgv__conn_fail(r->c, PGV_EINVAL, r->op, "%s: the table has no rows with a "
			"vector to measure with", r->t.what);
	}
	if (want > n)
		want = n;
	/* the first `want` places of a seeded Fisher-Yates shuffle */
	for (size_t i = 0; i < want; i++) {
		size_t j = i + (size_t)(next_random(&seed) % (n - i));
		int64_t tmp = ids[i];
		ids[i] = ids[j];
		ids[j] = tmp;
	}
	if (!(r->sampled = calloc(want, sizeof(*r->sampled)))) {
		free(ids);
		return pgv__conn_fail(r->c, PGV_ENOMEM, r->op, "%s: out of memory", r->t.what);
	}
	r->q = r->sampled;
	for (size_t i = 0; i < want && status == 0; i++) {
		status = pgv_store_get(&r->sampled[i], r->c, r->spec, ids[i]);
		r->nq = i + 1;
		if (status == PGV_NULL || status == PGV_ENOTFOUND) /* changed since the ids were read */
			status = pgv__conn_fail(r->c, PGV_ERROR, r->op, "%s: row %lld changed while the "
				"queries were sampled: measure on a quiet table", r->t.what,
				(long long)ids[i]);
	}
	free(ids);
	return status;
}

/* The seconds of a monotonic clock. */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Finds the exact k nearest of every query. */
static int exact_answers(recall_run *r)
{
	int status = 0;

	for (size_t i = 0; i < r->nq && status == 0; i++) {
		pgv_rows *rows = NULL;
		const pgv_row *row;
		size_t got = 0;

		status = pgv__knn_run(&rows, r->c, r->spec, r->op, r->metric, r->q[i].data,
			r->q[i].dim, r->k, NULL, 1);
		if (status == 0)
			while ((status = pgv_rows_next(&row, rows)) == PGV_ROW && got < r->k) {
				r->exact_ids[i * r->k + got] = row->id;
				r->kth[i] = row->distance;
				got++;
			}
		pgv_rows_free(rows);
		if (status == PGV_DONE || status == PGV_ROW)
			status = got == r->k ? 0 : pgv__conn_fail(r->c, PGV_EINVAL, r->op, "%s: k (%zu) "
				"is larger than the table (%zu rows with a vector)", r->t.what, r->k, got);
	}
	return status;
}

/* Orders doubles ascending (qsort). */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Runs every query under one setting: the mean recall and the latencies into `out`. */
static int measure_one(recall_run *r, const pgv_search_opts *setting, pgv_recall_result *out)
{
	double total = 0;
	int status = 0;

	for (size_t i = 0; i < r->nq && status == 0; i++) {
		const int64_t *want = r->exact_ids + i * r->k;
		pgv_rows *rows = NULL;
		const pgv_row *row;
		size_t hits = 0;
		double start = now_ms();

		status = pgv_store_knn_ext(&rows, r->c, r->spec, r->metric, r->q[i].data, r->q[i].dim,
			r->k, setting);
		while (status == 0 && (status = pgv_rows_next(&row, rows)) == PGV_ROW) {
			status = 0;
			int found = row->has_distance && row->distance <= r->kth[i];
			for (size_t j = 0; j < r->k && !found; j++)
				found = want[j] == row->id;
			hits += found && hits < r->k;
		}
		r->ms[i] = now_ms() - start;
		pgv_rows_free(rows);
		if (status == PGV_DONE)
			status = 0;
		total += (double)hits / (double)r->k;
	}
	if (status != 0)
		return status;
	qsort(r->ms, r->nq, sizeof(*r->ms), cmp_double);
	out->recall = total / (double)r->nq;
	out->median_ms = r->nq % 2 ? r->ms[r->nq / 2]
		: (r->ms[r->nq / 2 - 1] + r->ms[r->nq / 2]) / 2;
	out->p95_ms = r->ms[(r->nq * 95 + 99) / 100 - 1];
	out->queries = r->nq;
	out->k = r->k;
	return 0;
}

/* Checks every setting before any search, naming a bad one by its position. */
static int check_settings(recall_run *r, const pgv_search_opts *settings, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pgv__search_settings s;
		const pgv_search_opts *o = &settings[i];

		if (pgv__search_settings_make(&s, o) != 0 || (o->version >= 2
				&& pgv__form_check(o->form, r->t.type) != 0))
			return pgv__conn_fail(r->c, PGV_EINVAL, r->op, "%s: setting %zu: %s", r->t.what,
				i + 1, pgv_error_last()->message);
		if (o->version >= 2 && o->rerank != 0 && o->rerank < r->k)
			return pgv__conn_fail(r->c, PGV_EINVAL, r->op, "%s: setting %zu: rerank (%zu "
				"candidates) must be at least k (%zu)", r->t.what, i + 1, o->rerank, r->k);
	}
	return 0;
}

/* Measures recall and latency for each setting. */
int pgv_recall_measure(pgv_recall_result *out, pgv_conn *c, const pgv_table *spec,
	const pgv_recall_opts *opts, const pgv_search_opts *settings, size_t nsettings)
{
	static const pgv_recall_opts defaults = PGV_RECALL_OPTS_INIT;
	pgv_search_opts one;
	recall_run r;
	int status;

	if (!c)
		return pgv__error_null("pgv_recall_measure", "conn");
	pgv__conn_clear(c);
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.spec = spec;
	r.op = "pgv_recall_measure";
	if (!opts)
		opts = &defaults;
	if (!out || !settings || nsettings == 0)
		return pgv__conn_fail(c, PGV_EINVAL, r.op, "measuring recall: out and at least one "
			"setting are needed");
	if (opts->version != PGV_RECALL_OPTS_VERSION)
		return pgv__conn_fail(c, PGV_EINVAL, r.op, "pgv_recall_opts version %u is not "
			"supported (this library knows version %d): initialise it with "
			"PGV_RECALL_OPTS_INIT", opts->version, PGV_RECALL_OPTS_VERSION);
	r.metric = opts->metric;
	r.k = opts->k ? opts->k : DEFAULT_K;
	if ((status = pgv__store_table_open(&r.t, c, spec, r.op, "measuring recall on")) != 0)
		goto done;
	if ((status = pgv__store_check_metric_type(c, &r.t, r.op, r.metric)) != 0
			|| (status = check_settings(&r, settings, nsettings)) != 0)
		goto done;
	if (opts->query_vectors) {
		r.q = opts->query_vectors;
		r.nq = opts->nquery_vectors;
		if (r.nq == 0) {
			status = pgv__conn_fail(c, PGV_EINVAL, r.op, "%s: no query vectors", r.t.what);
			goto done;
		}
	} else if ((status = sample_queries(&r, opts->queries ? opts->queries : DEFAULT_QUERIES,
			opts->seed)) != 0) {
		goto done;
	}
	if (r.k > SIZE_MAX / sizeof(int64_t) / r.nq
			|| !(r.exact_ids = malloc(r.nq * r.k * sizeof(*r.exact_ids)))
			|| !(r.kth = calloc(r.nq, sizeof(*r.kth)))
			|| !(r.ms = calloc(r.nq, sizeof(*r.ms)))) {
		status = pgv__conn_fail(c, PGV_ENOMEM, r.op, "%s: out of memory", r.t.what);
		goto done;
	}
	if ((status = exact_answers(&r)) != 0)
		goto done;
	for (size_t i = 0; i < nsettings && status == 0; i++) {
		pgv__knn_shape shape;

		/* the catalog is asked once per setting, not once per query */
		one = settings[i];
		if (one.version < 2) {
			pgv_search_opts v2 = PGV_SEARCH_OPTS_INIT;
			memcpy(&v2, &one, offsetof(pgv_search_opts, form));
			v2.version = PGV_SEARCH_OPTS_VERSION;
			one = v2;
		}
		if ((status = pgv__knn_shape_make(&shape, c, &r.t, r.op, r.metric, one.form,
				one.rerank, r.k, r.q[0].dim)) != 0)
			break;
		one.form = shape.form;
		if ((status = measure_one(&r, &one, &out[i])) == 0)
			out[i].form = shape.form;
	}
done:
	if (r.sampled)
		for (size_t i = 0; i < r.nq; i++)
			pgv_vector_free(&r.sampled[i]);
	free(r.sampled);
	free(r.exact_ids);
	free(r.kth);
	free(r.ms);
	pgv__store_table_free(&r.t);
	return status;
}
