/*
 * Writing rows: pgv_store_upsert and pgv_store_insert.  Every row is checked before anything is
 * sent; the rows then go in batches, all in one transaction (the caller's, or one of our own).
 */
#include "store/store.h"
#include "codec/numtext.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Batching, measured by tests/bench/bench_upsert.c on the embedded server through psqlODBC
 * (pgvodbc_unicode; rows/s, median of 7 interleaved runs, vector text formatted inside the timed
 * region; docs/performance.md has the whole table and the client CPU per row):
 *                               dim 4    dim 128   dim 1536
 *   unnest, 100 rows/stmt       92900      7830       659
 *   unnest, 1000 rows/stmt     116800      7560       579 (500 rows)
 *   ODBC parameter arrays       50200      6850       629
 *   libpq pipeline, per row      9600      4320       624
 *   pgv_store_upsert           127100      7400       629
 *   (formatting the text alone 8.8M      281000     23500)
 * A batch is one statement with two list parameters, unnest(?::bigint[], ?::vector[]): the
 * fastest at every dimension, and it needs nothing beyond the statement API.  It gains nothing
 * past a few hundred rows at 4 dimensions; at 1536 dimensions every way is bound by the server
 * (its parsing of the vector text) and batches of 30 to 250 rows measure the same, while one
 * statement of 500 rows (8.5 MB) is slower; so a batch ends at PGV__BATCH_ROWS rows or once its
 * vector text passes PGV__BATCH_BYTES, whichever comes first, and rows of 16000 dimensions never
 * build a statement much larger than that.
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
		int status = pgv__value_check(t->type, v->data, v->dim), mismatch;

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

/*
 * Fills the two list texts with the rows order[at..] (all rows when order is NULL) until the
 * batch is full; returns the position after its last row.
 */
static size_t build_batch(pgv__buf *idt, pgv__buf *vt, const pgv__store_table *t,
	const int64_t *ids, const pgv_vector *vecs, const size_t *order, size_t at, size_t m)
{
	const pgv__dialect *d = t->dialect;
	char num[24];
	size_t i;

	pgv__buf_reset(idt);
	pgv__buf_reset(vt);
	pgv__buf_addc(idt, d->list_open);
	pgv__buf_addc(vt, d->list_open);
	for (i = at; i < m && i - at < PGV__BATCH_ROWS && (i == at || vt->len < PGV__BATCH_BYTES);
			i++) {
		size_t row = order ? order[i] : i;
		const pgv_vector *v = &vecs[row];
		int len = snprintf(num, sizeof(num), "%s%" PRId64, i > at ? "," : "", ids[row]);

		pgv__buf_add(idt, num, (size_t)len);
		if (i > at)
			pgv__buf_addc(vt, ',');
		/*
		 * value text is digits, signs, '.', 'e', ',', ':', '/' and brackets or braces: nothing
		 * to escape inside the quotes (and on SQLite, a JSON array of JSON arrays, none needed)
		 */
		if (d->value_quote)
			pgv__buf_addc(vt, d->value_quote);
		pgv__buf_add_value(vt, t->type, v->data, v->dim);
		if (d->value_quote)
			pgv__buf_addc(vt, d->value_quote);
		if (vt->oom)
			break;
	}
	pgv__buf_addc(idt, d->list_close);
	pgv__buf_addc(vt, d->list_close);
	return i;
}

/*
 * send_batches for a dialect whose batch is rows of parameters (row_tuple): a statement of
 * PGV__BATCH_ROWS rows (or fewer, until the value text passes PGV__BATCH_BYTES), prepared again
 * only when a batch has another number of rows.
 */
static int send_row_batches(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, const int64_t *ids, const pgv_vector *vecs, const size_t *order,
	size_t m)
{
	pgv__buf vt = { NULL, 0, 0, 0 };
	pgv__sql_vars vars;
	pgv_stmt *st = NULL;
	size_t prepared = 0, rows = PGV__BATCH_ROWS_PARAMS;
	char detail[96];
	int status = 0;

	memset(&vars, 0, sizeof(vars));
	for (size_t at = 0, end; at < m && status == 0; at = end) {
		size_t bytes = 0;

		/* the rows of this batch: at most `rows`, and about PGV__BATCH_BYTES of text */
		for (end = at; end < m && end - at < rows && (end == at || bytes < PGV__BATCH_BYTES);
				end++)
			bytes += vecs[order ? order[end] : end].dim * 12;
		if (end - at != prepared) {
			char *sql;

			pgv_stmt_free(st);
			st = NULL;
			vars.rows = end - at;
			if (!(sql = pgv__store_sql_vars(t, which, PGV_METRIC_L2, &vars))) {
				status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
				break;
			}
			status = pgv_stmt_prepare(&st, c, sql);
			free(sql);
			if (status != 0) {
				pgv__conn_prefix(c, status, op, "%s", t->what);
				break;
			}
			prepared = end - at;
		} else if ((status = pgv_stmt_reset(st)) != 0) {
			pgv__conn_prefix(c, status, op, "%s", t->what);
			break;
		}
		for (size_t i = at; i < end && status == 0; i++) {
			size_t row = order ? order[i] : i;
			int p = (int)(2 * (i - at));

			pgv__buf_reset(&vt);
			pgv__buf_add_value(&vt, t->type, vecs[row].data, vecs[row].dim);
			if (vt.oom)
				status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
			else if ((status = pgv_stmt_bind_int64(st, p + 1, ids[row])) == 0)
				status = pgv_stmt_bind_text(st, p + 2, vt.s, vt.len); /* copied */
		}
		if (status == 0)
			status = pgv_stmt_step(st);
		if (status == PGV_DONE || status == PGV_ROW) {
			status = 0;
		} else if (status != PGV_ENOMEM) {
			snprintf(detail, sizeof(detail), "the batch of ids %" PRId64 " to %" PRId64,
				ids[order ? order[at] : at], ids[order ? order[end - 1] : end - 1]);
			pgv__conn_prefix(c, status, op, "%s: %s", t->what, detail);
		}
	}
	pgv_stmt_free(st);
	pgv__buf_free(&vt);
	return status;
}

/*
 * Sends rows (ids[k], vecs[k]) for k in order[0..m) (0..m when order is NULL) in batches with
 * statement `which`, in the transaction open on the connection; 0 or the failure (recorded).
 */
static int send_batches(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, const int64_t *ids, const pgv_vector *vecs, const size_t *order,
	size_t m)
{
	pgv__buf idt = { NULL, 0, 0, 0 }, vt = { NULL, 0, 0, 0 };
	pgv_stmt *st = NULL;
	char *sql, detail[96];
	int status;

	if (t->dialect->row_tuple)
		return send_row_batches(c, t, op, which, ids, vecs, order, m);
	if (!(sql = pgv__store_sql(t, which, PGV_METRIC_L2)))
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv_stmt_prepare(&st, c, sql);
	free(sql);
	if (status != 0)
		return pgv__conn_prefix(c, status, op, "%s", t->what);
	for (size_t at = 0, end; at < m && status == 0; at = end) {
		end = build_batch(&idt, &vt, t, ids, vecs, order, at, m);
		if (idt.oom || vt.oom) {
			status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
			break;
		}
		if ((status = pgv_stmt_reset(st)) == 0
				&& (status = pgv_stmt_bind_text(st, 1, idt.s, idt.len)) == 0
				&& (status = pgv_stmt_bind_text(st, 2, vt.s, vt.len)) == 0)
			status = pgv_stmt_step(st);
		if (status == PGV_DONE || status == PGV_ROW) {
			status = 0;
		} else {
			/* rows go in id order: the batch is a range of ids */
			snprintf(detail, sizeof(detail), "the batch of ids %" PRId64 " to %" PRId64,
				ids[order ? order[at] : at], ids[order ? order[end - 1] : end - 1]);
			pgv__conn_prefix(c, status, op, "%s: %s", t->what, detail);
		}
	}
	pgv_stmt_free(st);
	pgv__buf_free(&idt);
	pgv__buf_free(&vt);
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
	if ((status = pgv__store_table_open(&t, c, spec, op, "upserting into")) == 0 && n > 0
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
