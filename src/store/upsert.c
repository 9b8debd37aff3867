/*
 * Writing rows: pgv_store_upsert and pgv_store_insert.  Every row is checked before anything is
 * sent; the rows then go in batches, all in one transaction (the caller's, or one of our own).
 */
#include "store/store.h"
#include "store/upsert_ahead.h"
#include "codec/numtext.h"
#include "odbc/stmt_store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Batching.  On the embedded server (PGlite, single-threaded WASM) every strategy is bound by
 * the server at 1536 dimensions; on a native PostgreSQL 15 with pgvector 0.8.6 the balance
 * differs (tests/bench/bench_upsert.c and docs/performance.md have the figures):
 *   - the server's CPU per row of 1536 dimensions (backend schedstat, least of 7 runs of 480
 *     rows): unnest(?::bigint[], ?::vector[]) 205 us, libpq's one INSERT per row 211 us, a
 *     prepared VALUES list of 60 bound (id, ?::vector) rows 172 us, and taking the unnest
 *     lists apart without inserting anything 182 us: array_in's scan of 17 KB of list text
 *     per row costs more than a statement per row;
 *   - psqlODBC copies a parameter three times (its query buffer, a value copy, libpq's output
 *     buffer); its client time per byte was 0.36 ns at 256 KB, 0.64 ns at 1 MB and 2.1 ns at
 *     8 MB (fresh pages every time), and at 128 dimensions unnest of 250 rows beat 1000;
 *   - since values go to PostgreSQL with exact hexadecimal elements (value.c), which cost the
 *     client a fifth of the decimal text, the VALUES list beat the list parameters from 16
 *     dimensions up (128 dimensions, 20,000 rows: 52,000 to 54,000 rows/s against 41,000 to
 *     42,000), and lost only at 4 and 8.
 * So rows whose value text reaches PGV__ROWS_MIN_TEXT go as a VALUES list of about
 * PGV__ROWS_BATCH_BYTES of bound rows (one statement for the full batches, one for the last),
 * and shorter rows as two list parameters of at most PGV__BATCH_ROWS rows or PGV__BATCH_BYTES,
 * where one statement per few hundred rows keeps the per-statement cost small.  For the wide
 * rows a worker thread formats the next batch while the server runs the current one
 * (upsert_ahead.c), so the client's formatting is hidden behind the server's work.
 */

/* A row position and its id, for finding the last row of each id. */
typedef struct keyed {
	int64_t id;
	size_t pos;
} keyed;

/* Orders by id, then by position. */
static int cmp_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Orders ids ascending. */
static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The positions of the rows to write, ordered by id: for an id given more than once only its
 * last row (it wins, as if the rows were applied in order).  Sending rows in one global order
 * (ascending ids) makes two writers that share ids lock them in the same order, so they wait for
 * each other instead of deadlocking.  `*out` is newly allocated (free()).
 */
static int last_of_each(const int64_t *ids, size_t n, size_t **out, size_t *m)
{
	size_t *order, k = 0;
	keyed *key;
	int increasing = 1;

	*out = NULL;
	if (n > SIZE_MAX / sizeof(keyed))
		return PGV_ENOMEM;
	if (!(order = malloc(n * sizeof(*order))))
		return PGV_ENOMEM;
	for (size_t i = 1; i < n && increasing; i++)
		increasing = ids[i - 1] < ids[i];
	if (increasing) {
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		*out = order;
		*m = n;
		return 0;
	}
	if (!(key = malloc(n * sizeof(*key)))) {
		free(order);
		return PGV_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		key[i].id = ids[i];
		key[i].pos = i;
	}
	qsort(key, n, sizeof(*key), cmp_keyed);
	for (size_t i = 0; i < n; i++)
		if (i + 1 == n || key[i].id != key[i + 1].id)
			order[k++] = key[i].pos;
	free(key);
	*out = order;
	*m = k;
	return 0;
}

/* Checks every row as the server checks the column type, and its dimension against the column's. */
static int check_rows(pgv_conn *c, const pgv__store_table *t, const char *op,
	const int64_t *ids, const pgv_vector *vecs, size_t n, size_t dim)
{
	char where[64];

	for (size_t i = 0; i < n; i++) {
		const pgv_vector *v = &vecs[i];
		int status = pgv__store_value_check(t, v->data, v->dim), mismatch;

		mismatch = status == 0 && dim && v->dim != dim;
		if (status == 0 && !mismatch)
			continue;
		if (ids)
			snprintf(where, sizeof(where), "row %zu (id %" PRId64 ")", i, ids[i]);
		else
			snprintf(where, sizeof(where), "row %zu", i);
		if (mismatch)
			status = pgv__conn_fail(c, PGV_EDIM, op, "%s: %s: expected %zu dimensions, not %zu",
				t->what, where, dim, v->dim);
		else
			pgv__conn_fail(c, status, op, "%s: %s: %s", t->what, where,
				pgv_error_last()->message);
		pgv__conn_set_row(c, (int64_t)i);
		return status;
	}
	return 0;
}

/* Prepares statement `which` of `t` (a VALUES list of `rows` rows for the _ROWS ones). */
static int prepare_write(pgv_stmt **st, pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, size_t rows)
{
	pgv__sql_vars vars;
	char *sql;
	int status;

	memset(&vars, 0, sizeof(vars));
	vars.rows = rows;
	if (!(sql = pgv__store_sql_vars(t, which, PGV_METRIC_L2, &vars)))
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv_stmt_prepare(st, c, sql);
	free(sql);
	return status;
}

/*
 * Sends one batch: as list parameters with statement `which`, or (ahead in rows mode) as a
 * VALUES list of bound rows with `rows_which`, one statement for the full batches and one for
 * the shorter last batch, each prepared on first use.  0 or the failure (recorded).
 */
static int send_one(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, pgv__store_stmt rows_which, const pgv__ahead *ahead,
	const pgv__batch *b, pgv_stmt **full, pgv_stmt **last)
{
	size_t n = b->end - b->at;
	pgv_stmt **st = !ahead->batch_rows || n == ahead->batch_rows ? full : last;
	int status = 0;

	if (!*st && (status = prepare_write(st, c, t, op, ahead->batch_rows ? rows_which : which,
			n)) != 0)
		return status;
	if ((status = pgv_stmt_reset(*st)) != 0)
		return status;
	/* the batch's texts stay put until the statement has run: bound as they are, no copy */
	if (!ahead->batch_rows) {
		if ((status = pgv__stmt_bind_text_ref(*st, 1, b->ids.s, b->ids.len)) == 0)
			status = pgv__stmt_bind_text_ref(*st, 2, b->values.s, b->values.len);
	}
	for (size_t k = 0; ahead->batch_rows && k < n && status == 0; k++) {
		size_t row = ahead->order ? ahead->order[b->at + k] : b->at + k;

		if ((status = pgv_stmt_bind_int64(*st, (int)(2 * k + 1), ahead->ids[row])) == 0)
			status = pgv__store_bind_value(*st, (int)(2 * k + 2), pgv__store_value_blob(t),
				b->values.s + b->offs[k], b->offs[k + 1] - b->offs[k], 1);
	}
	if (status == 0)
		status = pgv_stmt_step(*st);
	return status == PGV_DONE || status == PGV_ROW ? 0 : status;
}

/*
 * Sends rows (ids[k], vecs[k]) for k in order[0..m) (0..m when order is NULL) in batches with
 * statement `which` (or its VALUES form for rows of long value texts), in the transaction open
 * on the connection; while one batch of wide rows is sent, a worker thread formats the next
 * (upsert_ahead.c).  0 or the failure (recorded).
 */
static int send_batches(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, const int64_t *ids, const pgv_vector *vecs, const size_t *order,
	size_t m)
{
	pgv__store_stmt rows_which = which == PGV__SQL_UPSERT ? PGV__SQL_UPSERT_ROWS
		: PGV__SQL_INSERT_ROWS;
	pgv__ahead ahead;
	const pgv__batch *b;
	pgv_stmt *full = NULL, *last = NULL;
	char detail[96];
	int status = 0;

	pgv__ahead_start(&ahead, t, ids, vecs, order, m, t->dialect->stmt[rows_which] != NULL);
	while (status == 0 && (b = pgv__ahead_next(&ahead)) != NULL) {
		if (b->oom) {
			status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
		} else if ((status = send_one(c, t, op, which, rows_which, &ahead, b, &full,
				&last)) != 0) {
			/* rows go in id order: the batch is a range of ids */
			snprintf(detail, sizeof(detail), "the batch of ids %" PRId64 " to %" PRId64,
				ids[order ? order[b->at] : b->at], ids[order ? order[b->end - 1] : b->end - 1]);
			pgv__conn_prefix(c, status, op, "%s: %s", t->what, detail);
		}
		pgv__ahead_done(&ahead, b);
	}
	pgv__ahead_stop(&ahead);
	pgv_stmt_free(full);
	pgv_stmt_free(last);
	return status;
}

/* Whether the connection's last error is one that running the transaction again may cure. */
static int retryable(pgv_conn *c)
{
	const char *state = pgv_conn_error(c)->sqlstate;

	return strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0;
}

/*
 * Sleeps before attempt `attempt` (1, 2, ...): 10 ms, 20 ms, 40 ms ... times a random factor in
 * [0.5, 1.5), so that two writers that failed together do not start again together.
 */
static void backoff(unsigned attempt)
{
	struct timespec now, wait;
	uint64_t x, ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	x = (uint64_t)now.tv_nsec * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid() << 20 ^ attempt;
	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 32;
	ns = (PGV__RETRY_BASE_MS * 1000000ULL << (attempt - 1)) / 2
		+ x % (PGV__RETRY_BASE_MS * 1000000ULL << (attempt - 1));
	wait.tv_sec = (time_t)(ns / 1000000000ULL);
	wait.tv_nsec = (long)(ns % 1000000000ULL);
	while (nanosleep(&wait, &wait) != 0 && errno == EINTR)
		;
}

/*
 * Writes the rows (see send_batches) in the caller's transaction, or in one of its own.  In its
 * own, a deadlock (40P01) or serialization failure (40001) rolls back and runs the whole
 * transaction again, up to PGV__RETRIES times; in the caller's it is reported at once (the
 * caller's earlier work is lost with it, and only the caller can redo that).  Nothing is written
 * on failure (a caller's transaction is then left failed, for the caller to roll back).
 */
static int write_rows(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, const int64_t *ids, const pgv_vector *vecs, const size_t *order,
	size_t m)
{
	int status;

	if (pgv_conn_in_transaction(c))
		return send_batches(c, t, op, which, ids, vecs, order, m);
	for (unsigned attempt = 0;; attempt++) {
		if (attempt > 0)
			backoff(attempt);
		if ((status = pgv_conn_begin(c)) != 0)
			return pgv__conn_prefix(c, status, op, "%s", t->what);
		status = send_batches(c, t, op, which, ids, vecs, order, m);
		if (status == 0 && (status = pgv_conn_commit(c)) != 0)
			pgv__conn_prefix(c, status, op, "%s", t->what);
		if (status == 0)
			return 0;
		if (pgv_conn_in_transaction(c))
			status = pgv__store_rollback(c, status);
		if (attempt >= PGV__RETRIES || !retryable(c))
			return status;
	}
}

/* Inserts or updates rows by id, atomically. */
int pgv_store_upsert(int64_t *out, pgv_conn *c, const pgv_table *spec,
	const int64_t *ids, const pgv_vector *vectors, size_t n)
{
	const char *op = "pgv_store_upsert";
	pgv__store_table t;
	size_t dim = 0, m = 0, *order = NULL;
	int status;

	if (!c)
		return pgv__error_null("pgv_store_upsert", "conn");
	pgv__conn_clear(c);
	if (out)
		*out = 0;
	if (n > 0 && (!ids || !vectors))
		return pgv__conn_fail(c, PGV_EINVAL, op, "upserting: ids and vectors must not be NULL");
	/*
	 * bits sent as bytes (SQLite) are checked before the catalog is asked, so that a number of
	 * bits the backend cannot hold is refused without a round trip
	 */
	if ((status = pgv__store_table_open(&t, c, spec, op, "upserting into")) == 0 && n > 0
			&& (status = pgv__store_value_blob(&t) ? check_rows(c, &t, op, ids, vectors, n, 0)
				: 0) == 0
			&& (status = pgv__store_describe(c, &t, op, &dim, NULL, 0)) == 0
			&& (status = check_rows(c, &t, op, ids, vectors, n, dim)) == 0) {
		if (last_of_each(ids, n, &order, &m) != 0)
			status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t.what);
		else
			status = write_rows(c, &t, op, PGV__SQL_UPSERT, ids, vectors, order, m);
	}
	if (status == 0 && out)
		*out = (int64_t)m;
	free(order);
	pgv__store_table_free(&t);
	return status;
}

/* Reads a list parameter's text of exactly n ids ({1,2,3}); 0 or -1. */
static int parse_ids(const pgv__dialect *d, const char *s, size_t len, int64_t *out, size_t n)
{
	size_t k = 0, p = 1;

	if (len < 2 || s[0] != d->list_open || s[len - 1] != d->list_close)
		return -1;
	while (p < len - 1) {
		size_t q = p;
		while (q < len - 1 && s[q] != ',')
			q++;
		if (k == n || pgv__parse_int64(s + p, q - p, &out[k]) != 0)
			return -1;
		k++;
		p = q + 1;
	}
	return k == n ? 0 : -1;
}

/* Runs a one-row, one-column query with the given text/int64 parameters; *text owned by st. */
static int query_text(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, const char *p1, const char *p2, int64_t i2, pgv_stmt **st,
	const char **text, size_t *len)
{
	char *sql = pgv__store_sql(t, which, PGV_METRIC_L2);
	int status;

	*st = NULL;
	if (!sql)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv_stmt_prepare(st, c, sql);
	free(sql);
	if (status == 0 && (status = pgv_stmt_bind_text(*st, 1, p1, PGV_NTS)) == 0)
		status = p2 ? pgv_stmt_bind_text(*st, 2, p2, PGV_NTS) : pgv_stmt_bind_int64(*st, 2, i2);
	if (status == 0 && (status = pgv_stmt_step(*st)) == PGV_ROW)
		status = pgv_stmt_column_text(text, len, *st, 1);
	else if (status == PGV_DONE)
		status = pgv__conn_fail(c, PGV_ERROR, op, "the query returned no row");
	if (status < 0)
		return pgv__conn_prefix(c, status, op, "%s", t->what);
	return status; /* 0 or PGV_NULL */
}

/*
 * Takes n new ids from the id column's sequence (SERIAL, BIGSERIAL or IDENTITY), ascending, into
 * *out (newly allocated, free()).  Ids taken ahead make the mapping from rows to ids certain
 * without relying on the order RETURNING reports rows in.
 */
static int new_ids(pgv_conn *c, const pgv__store_table *t, const char *op, size_t n,
	int64_t **out)
{
	pgv_stmt *st = NULL;
	const char *text = NULL;
	char *seq = NULL;
	size_t len = 0;
	int status;

	*out = NULL;
	status = query_text(c, t, op, PGV__SQL_SEQUENCE, t->table, t->id_name, 0, &st, &text, &len);
	if (status == PGV_NULL)
		status = pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "%s: the id column %s takes its values "
			"from no sequence (SERIAL or IDENTITY); give ids with pgv_store_upsert",
			t->what, t->id);
	else if (status == 0 && !(seq = strdup(text)))
		status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	pgv_stmt_free(st);
	if (status != 0)
		return status;
	if (n > (size_t)INT64_MAX || n > SIZE_MAX / sizeof(int64_t)) {
		free(seq);
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: too many rows", t->what);
	}
	status = query_text(c, t, op, PGV__SQL_NEW_IDS, seq, NULL, (int64_t)n, &st, &text, &len);
	free(seq);
	if (status == 0 && !(*out = malloc(n * sizeof(**out))))
		status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	if (status == 0 && parse_ids(t->dialect, text, len, *out, n) != 0)
		status = pgv__conn_fail(c, PGV_ERROR, op, "%s: the server's new ids are unreadable",
			t->what);
	pgv_stmt_free(st);
	if (status != 0) {
		free(*out);
		*out = NULL;
		return status < 0 ? status : PGV_ERROR;
	}
	qsort(*out, n, sizeof(**out), cmp_id);
	return 0;
}

/* Inserts rows with new ids from the id column's sequence, atomically. */
int pgv_store_insert(int64_t *out, pgv_conn *c, const pgv_table *spec, const pgv_vector *vectors,
	size_t n)
{
	const char *op = "pgv_store_insert";
	pgv__store_table t;
	int64_t *ids = NULL;
	size_t dim = 0;
	int status;

	if (!c)
		return pgv__error_null("pgv_store_insert", "conn");
	pgv__conn_clear(c);
	if (n > 0 && !vectors)
		return pgv__conn_fail(c, PGV_EINVAL, op, "inserting: vectors must not be NULL");
	if ((status = pgv__store_table_open(&t, c, spec, op, "inserting into")) == 0
			&& !pgv__store_has(&t, PGV__SQL_NEW_IDS))
		status = pgv__store_unsupported(c, &t, op, "new ids from a sequence are",
			"give ids with pgv_store_upsert");
	if (status == 0 && n > 0
			&& (status = pgv__store_describe(c, &t, op, &dim, NULL, 0)) == 0
			&& (status = check_rows(c, &t, op, NULL, vectors, n, dim)) == 0
			&& (status = new_ids(c, &t, op, n, &ids)) == 0
			&& (status = write_rows(c, &t, op, PGV__SQL_INSERT, ids, vectors, NULL, n)) == 0
			&& out)
		memcpy(out, ids, n * sizeof(*ids));
	free(ids);
	pgv__store_table_free(&t);
	return status;
}
