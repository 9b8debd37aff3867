/*
 * Reading and deleting: get, delete, count, and the streaming row iterator behind list, k nearest
 * neighbours and distances.
 */
#include "store/store.h" /* first: common/error.h defines _GNU_SOURCE */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pgv_rows {
	pgv_conn *conn;
	pgv_stmt *st;      /* NULL once the result is exhausted */
	pgv_row row;       /* the current row; its vector is owned here */
	int with_distance; /* the result has a third column, the distance */
	int binary;        /* the vector column is pgvector's binary form */
	int pending;       /* the first step has been made: hand out its result next */
	int first;         /* that step's result, PGV_ROW or PGV_DONE */
	int failed;        /* a step failed: the iterator is finished */
};

/* Prepares statement `which` for table t; *st is NULL on failure (recorded). */
static int prepare(pgv_conn *c, const pgv__store_table *t, const char *op, pgv__store_stmt which,
	pgv_metric metric, pgv_stmt **st)
{
	char *sql = pgv__store_sql(t, which, metric);
	int status;

	*st = NULL;
	if (!sql)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv_stmt_prepare(st, c, sql);
	free(sql);
	if (status != 0)
		return pgv__store_wrap(c, t, op, NULL, status);
	return 0;
}

/* Reads one vector by id. */
int pgv_store_get(pgv_conn *c, const pgv_table *spec, int64_t id, pgv_vector *out)
{
	const char *op = "pgv_store_get";
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status;

	if (!c)
		return PGV_EINVAL;
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "reading a vector: out is NULL");
	out->dim = 0;
	out->data = NULL;
	if ((status = pgv__store_table_open(&t, c, spec, op, "reading from")) == 0
			&& (status = prepare(c, &t, op, PGV__SQL_GET, PGV_METRIC_L2, &st)) == 0
			&& (status = pgv_stmt_bind_int64(st, 1, id)) == 0) {
		status = pgv_stmt_step(st);
		if (status == PGV_ROW)
			status = pgv_stmt_column_vector(st, 1, out);
		else if (status == PGV_DONE)
			status = pgv__conn_fail(c, PGV_ENOTFOUND, op, "%s: no row with id %lld", t.what,
				(long long)id);
		if (status < 0 && status != PGV_ENOTFOUND)
			pgv__store_wrap(c, &t, op, NULL, status);
	}
	pgv_stmt_free(st);
	pgv__store_table_free(&t);
	return status;
}

/* Deletes rows by id, in batches of ids, atomically. */
int pgv_store_delete(pgv_conn *c, const pgv_table *spec, const int64_t *ids, size_t n,
	int64_t *deleted)
{
	const char *op = "pgv_store_delete";
	pgv__buf list = { NULL, 0, 0, 0 };
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int64_t total = 0;
	int status, own = 0;

	if (!c)
		return PGV_EINVAL;
	pgv__conn_clear(c);
	if (deleted)
		*deleted = 0;
	if (n > 0 && !ids)
		return pgv__conn_fail(c, PGV_EINVAL, op, "deleting: ids is NULL");
	if ((status = pgv__store_table_open(&t, c, spec, op, "deleting from")) != 0 || n == 0
			|| (status = prepare(c, &t, op, PGV__SQL_DELETE, PGV_METRIC_L2, &st)) != 0) {
		pgv__store_table_free(&t);
		return status;
	}
	/* Several statements are one unit only inside a transaction. */
	if (n > PGV__DELETE_IDS && !pgv_conn_in_transaction(c)) {
		if ((status = pgv_conn_begin(c)) != 0)
			pgv__store_wrap(c, &t, op, NULL, status);
		own = status == 0;
	}
	for (size_t at = 0; at < n && status == 0; at += PGV__DELETE_IDS) {
		size_t k = n - at < PGV__DELETE_IDS ? n - at : PGV__DELETE_IDS;

		pgv__buf_reset(&list);
		pgv__buf_add_ids(&list, t.dialect, ids + at, k);
		if (list.oom) {
			status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t.what);
			break;
		}
		if ((status = pgv_stmt_reset(st)) == 0
				&& (status = pgv_stmt_bind_text(st, 1, list.s, list.len)) == 0
				&& (status = pgv_stmt_step(st)) == PGV_DONE) {
			status = 0;
			total += pgv_stmt_changes(st) > 0 ? pgv_stmt_changes(st) : 0;
		} else {
			pgv__store_wrap(c, &t, op, NULL, status < 0 ? status : PGV_ERROR);
			status = status < 0 ? status : PGV_ERROR;
		}
	}
	pgv_stmt_free(st);
	pgv__buf_free(&list);
	if (own && status != 0)
		pgv__store_rollback(c, status);
	else if (own && (status = pgv_conn_commit(c)) != 0)
		pgv__store_wrap(c, &t, op, NULL, status);
	if (status == 0 && deleted)
		*deleted = total;
	pgv__store_table_free(&t);
	return status;
}

/* Counts the rows of the table. */
int pgv_store_count(pgv_conn *c, const pgv_table *spec, int64_t *out)
{
	const char *op = "pgv_store_count";
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status;

	if (!c)
		return PGV_EINVAL;
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "counting rows: out is NULL");
	*out = 0;
	if ((status = pgv__store_table_open(&t, c, spec, op, "counting rows of")) == 0
			&& (status = prepare(c, &t, op, PGV__SQL_COUNT, PGV_METRIC_L2, &st)) == 0) {
		if ((status = pgv_stmt_step(st)) == PGV_ROW)
			status = pgv_stmt_column_int64(st, 1, out);
		else if (status == PGV_DONE)
			status = pgv__conn_fail(c, PGV_ERROR, op, "%s: count returned no row", t.what);
		if (status < 0)
			pgv__store_wrap(c, &t, op, NULL, status);
	}
	pgv_stmt_free(st);
	pgv__store_table_free(&t);
	return status;
}

/*
 * Makes an iterator over a prepared, bound statement and runs it, so that a failing query fails
 * here rather than at the first pgv_rows_next.  Takes `st` in every case.
 */
static int rows_start(pgv_rows **out, pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_stmt *st, int with_distance, int binary)
{
	pgv_rows *r = calloc(1, sizeof(*r));
	int status;

	if (!r) {
		pgv_stmt_free(st);
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	}
	status = pgv_stmt_step(st);
	if (status < 0) {
		pgv__store_wrap(c, t, op, NULL, status);
		pgv_stmt_free(st);
		free(r);
		return status;
	}
	r->conn = c;
	r->st = st;
	r->with_distance = with_distance;
	r->binary = binary;
	r->pending = 1;
	r->first = status;
	if (status == PGV_DONE) {
		/* Release the statement (and a driver-side cursor) at once. */
		pgv_stmt_free(st);
		r->st = NULL;
	}
	*out = r;
	return 0;
}

/* Moves to the next row and reads it into the iterator's row. */
int pgv_rows_next(pgv_rows *r, const pgv_row **row)
{
	const char *op = "pgv_rows_next";
	int status, vs;

	if (!r)
		return PGV_EINVAL;
	pgv__conn_clear(r->conn);
	if (row)
		*row = NULL;
	pgv_vector_free(&r->row.vector);
	memset(&r->row, 0, sizeof(r->row));
	if (!row)
		return pgv__conn_fail(r->conn, PGV_EINVAL, op, "row is NULL");
	if (r->failed)
		return pgv__conn_fail(r->conn, PGV_EINVAL, op,
			"reading rows: an earlier step failed; free the iterator");
	if (r->pending) {
		r->pending = 0;
		status = r->first;
	} else {
		status = r->st ? pgv_stmt_step(r->st) : PGV_DONE;
	}
	if (status == PGV_DONE) {
		pgv_stmt_free(r->st);
		r->st = NULL;
		return PGV_DONE;
	}
	if (status == PGV_ROW) {
		status = pgv_stmt_column_int64(r->st, 1, &r->row.id);
		if (status == PGV_NULL)
			status = pgv__conn_fail(r->conn, PGV_ERROR, op, "reading rows: a row has a NULL id");
	}
	if (status == 0) {
		vs = r->binary ? pgv_stmt_column_vector_binary(r->st, 2, &r->row.vector)
			: pgv_stmt_column_vector(r->st, 2, &r->row.vector);
		r->row.vector_is_null = vs == PGV_NULL;
		status = vs < 0 ? vs : 0;
	}
	if (status == 0 && r->with_distance) {
		int ds = pgv_stmt_column_double(r->st, 3, &r->row.distance);
		r->row.has_distance = ds == 0;
		status = ds < 0 ? ds : 0;
	}
	if (status != 0) {
		r->failed = 1;
		pgv_vector_free(&r->row.vector);
		memset(&r->row, 0, sizeof(r->row));
		return status;
	}
	*row = &r->row;
	return PGV_ROW;
}

/* Destroys an iterator and its statement. */
void pgv_rows_free(pgv_rows *r)
{
	if (!r)
		return;
	pgv_stmt_free(r->st);
	pgv_vector_free(&r->row.vector);
	free(r);
}

/* Every row in id order, vectors as text or in binary form. */
int pgv_store_list_ext(pgv_rows **out, pgv_conn *c, const pgv_table *spec,
	const pgv_fetch_opts *opts)
{
	const char *op = "pgv_store_list";
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status, binary = opts && opts->binary;

	if (!c)
		return PGV_EINVAL;
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "listing rows: out is NULL");
	*out = NULL;
	if (opts && opts->version != PGV_FETCH_OPTS_VERSION)
		return pgv__conn_fail(c, PGV_EINVAL, op, "listing rows: pgv_fetch_opts version %u is "
			"not supported (this library knows version %d): initialise it with "
			"PGV_FETCH_OPTS_INIT", opts->version, PGV_FETCH_OPTS_VERSION);
	if ((status = pgv__store_table_open(&t, c, spec, op, "listing")) == 0
			&& (status = prepare(c, &t, op, binary ? PGV__SQL_LIST_BINARY : PGV__SQL_LIST,
				PGV_METRIC_L2, &st)) == 0)
		status = rows_start(out, c, &t, op, st, 0, binary);
	pgv__store_table_free(&t);
	return status;
}

/* Every row in id order, vectors as text. */
int pgv_store_list(pgv_rows **out, pgv_conn *c, const pgv_table *spec)
{
	return pgv_store_list_ext(out, c, spec, NULL);
}

/*
 * A k-NN or distances query that the server refused.  No catalog query runs before these calls
 * (one per call would cost more than the search itself on small tables), so the server checks the
 * table, the columns, the dimension and the operator; here its refusal gets the status a caller
 * branches on and, when the catalog can still be asked (not inside a caller's transaction, which
 * the refusal has aborted), the message a check made beforehand would have given.
 */
static int search_failed(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric, size_t dim, int status)
{
	const pgv_error *e = pgv_conn_error(c);
	pgv__saved_error saved;
	size_t coldim = 0;
	int mapped = status, why;

	if (status != PGV_ERROR)
		return status;
	if (strcmp(e->sqlstate, "42P01") == 0 || strcmp(e->sqlstate, "42703") == 0)
		mapped = PGV_ENOTFOUND; /* undefined table or column */
	else if (strcmp(e->sqlstate, "22000") == 0 && strstr(e->message, "dimensions"))
		mapped = PGV_EDIM;      /* pgvector: "different vector dimensions 4 and 3" */
	else if (strcmp(e->sqlstate, "42883") != 0)
		return status;          /* 42883: no such operator, perhaps an old pgvector */
	pgv__store_error_save(c, &saved);
	if (!pgv_conn_in_transaction(c)) {
		why = pgv__store_describe(c, t, op, &coldim);
		if (why == 0 && coldim && coldim != dim)
			why = pgv__conn_fail(c, PGV_EDIM, op, "%s: the query vector has %zu dimensions "
				"but the column %s has %zu", t->what, dim, t->vec, coldim);
		else if (why == 0)
			why = pgv__store_check_metric(c, t, op, metric);
		if (why == PGV_ENOTFOUND || why == PGV_EDIM || why == PGV_EUNSUPPORTED) {
			free(saved.message);
			return why;
		}
	}
	return pgv__store_error_restore(c, &saved, mapped);
}

/*
 * What k-NN and distances share: the metric (known), the query vector (checked as the server
 * would), the table; then prepares `which` with the query vector bound first.
 */
static int distance_query(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, pgv_metric metric, const float *query, size_t dim, pgv_stmt **st)
{
	int status;

	*st = NULL;
	if (pgv_vector_check(query, dim) != 0)
		return pgv__conn_fail(c, pgv_error_last()->status, op, "%s: the query vector: %s",
			t->what, pgv_error_last()->message);
	if ((unsigned)metric >= PGV__METRIC_COUNT)
		return pgv__conn_fail(c, PGV_EINVAL, op, "%s: unknown metric %d", t->what,
			(int)metric);
	if ((status = prepare(c, t, op, which, metric, st)) != 0)
		return search_failed(c, t, op, metric, dim, status);
	if ((status = pgv_stmt_bind_vector(*st, 1, query, dim)) != 0) {
		pgv__store_wrap(c, t, op, NULL, status);
		pgv_stmt_free(*st);
		*st = NULL;
	}
	return status;
}

/* The k rows nearest to a query vector. */
int pgv_store_knn(pgv_rows **out, pgv_conn *c, const pgv_table *spec, pgv_metric metric,
	const float *query, size_t dim, size_t k)
{
	const char *op = "pgv_store_knn";
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status;

	if (!c)
		return PGV_EINVAL;
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "searching: out is NULL");
	*out = NULL;
	if ((status = pgv__store_table_open(&t, c, spec, op, "searching")) != 0)
		goto done;
	if (k < 1) {
		status = pgv__conn_fail(c, PGV_EINVAL, op, "%s: k must be at least 1, not 0", t.what);
		goto done;
	}
	if ((status = distance_query(c, &t, op, PGV__SQL_KNN, metric, query, dim, &st)) != 0)
		goto done;
	/* LIMIT past the number of rows is harmless: clamp what does not fit a bigint */
	if ((status = pgv_stmt_bind_int64(st, 2, k > (size_t)INT64_MAX ? INT64_MAX : (int64_t)k))
			!= 0) {
		pgv__store_wrap(c, &t, op, NULL, status);
		pgv_stmt_free(st);
		goto done;
	}
	if ((status = rows_start(out, c, &t, op, st, 1, 0)) != 0)
		status = search_failed(c, &t, op, metric, dim, status);
done:
	pgv__store_table_free(&t);
	return status;
}

/* The distance from a query vector to every row or to the given ids, in id order. */
int pgv_store_distances(pgv_rows **out, pgv_conn *c, const pgv_table *spec, pgv_metric metric,
	const float *query, size_t dim, const int64_t *ids, size_t n)
{
	const char *op = "pgv_store_distances";
	pgv__buf list = { NULL, 0, 0, 0 };
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status;

	if (!c)
		return PGV_EINVAL;
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "measuring distances: out is NULL");
	*out = NULL;
	if ((status = pgv__store_table_open(&t, c, spec, op, "measuring distances in")) != 0
			|| (status = distance_query(c, &t, op,
				ids ? PGV__SQL_DISTANCES_IDS : PGV__SQL_DISTANCES, metric, query, dim,
				&st)) != 0)
		goto done;
	if (ids) {
		pgv__buf_add_ids(&list, t.dialect, ids, n);
		if (list.oom)
			status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t.what);
		else if ((status = pgv_stmt_bind_text(st, 2, list.s, list.len)) != 0)
			pgv__store_wrap(c, &t, op, NULL, status);
		if (status != 0) {
			pgv_stmt_free(st);
			goto done;
		}
	}
	if ((status = rows_start(out, c, &t, op, st, 1, 0)) != 0)
		status = search_failed(c, &t, op, metric, dim, status);
done:
	pgv__buf_free(&list);
	pgv__store_table_free(&t);
	return status;
}
