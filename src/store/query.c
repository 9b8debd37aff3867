/*
 * Reading and deleting: get, delete, count, k nearest neighbours and distances (the row iterator
 * they return is in rows.c).
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		return pgv__conn_prefix(c, status, op, "%s", t->what);
	return 0;
}

/* Reads one vector by id. */
int pgv_store_get(pgv_vector *out, pgv_conn *c, const pgv_table *spec, int64_t id)
{
	const char *op = "pgv_store_get";
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status;

	if (!c)
		return pgv__error_null("pgv_store_get", "conn");
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
			status = pgv__value_read(c, st, 1, t.type, t.dialect->read_f32 ? PGV__READ_F32
				: PGV__READ_TEXT, out);
		else if (status == PGV_DONE)
			status = pgv__conn_fail(c, PGV_ENOTFOUND, op, "%s: no row with id %lld", t.what,
				(long long)id);
		if (status < 0 && status != PGV_ENOTFOUND)
			pgv__conn_prefix(c, status, op, "%s", t.what);
	}
	pgv_stmt_free(st);
	pgv__store_table_free(&t);
	return status;
}

/* Deletes rows by id, in batches of ids, atomically. */
int pgv_store_delete(int64_t *out, pgv_conn *c, const pgv_table *spec, const int64_t *ids,
	size_t n)
{
	const char *op = "pgv_store_delete";
	pgv__buf list = { NULL, 0, 0, 0 };
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int64_t total = 0;
	int status, own = 0;

	if (!c)
		return pgv__error_null("pgv_store_delete", "conn");
	pgv__conn_clear(c);
	if (out)
		*out = 0;
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
			pgv__conn_prefix(c, status, op, "%s", t.what);
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
			pgv__conn_prefix(c, status < 0 ? status : PGV_ERROR, op, "%s", t.what);
			status = status < 0 ? status : PGV_ERROR;
		}
	}
	pgv_stmt_free(st);
	pgv__buf_free(&list);
	if (own && status != 0)
		pgv__store_rollback(c, status);
	else if (own && (status = pgv_conn_commit(c)) != 0)
		pgv__conn_prefix(c, status, op, "%s", t.what);
	if (status == 0 && out)
		*out = total;
	pgv__store_table_free(&t);
	return status;
}

/* Counts the rows of the table. */
int pgv_store_count(int64_t *out, pgv_conn *c, const pgv_table *spec)
{
	const char *op = "pgv_store_count";
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status;

	if (!c)
		return pgv__error_null("pgv_store_count", "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "counting rows: out is NULL");
	*out = 0;
	if ((status = pgv__store_table_open(&t, c, spec, op, "counting rows of")) == 0
			&& (status = prepare(c, &t, op, PGV__SQL_COUNT, PGV_METRIC_L2, &st)) == 0) {
		if ((status = pgv_stmt_step(st)) == PGV_ROW)
			status = pgv_stmt_column_int64(out, st, 1);
		else if (status == PGV_DONE)
			status = pgv__conn_fail(c, PGV_ERROR, op, "%s: count returned no row", t.what);
		if (status < 0)
			pgv__conn_prefix(c, status, op, "%s", t.what);
	}
	pgv_stmt_free(st);
	pgv__store_table_free(&t);
	return status;
}

/*
 * Checks the metric against the column's type and the query vector as the server would check a
 * value of that type, then formats the vector into `text`; 0 or the failure (recorded, `text`
 * left empty).
 */
static int query_text(pgv__buf *text, pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric, const float *query, size_t dim)
{
	int status;

	if ((status = pgv__store_check_metric_type(c, t, op, metric)) != 0)
		return status;
	if (pgv__store_value_check(t, query, dim) != 0)
		return pgv__conn_fail(c, pgv_error_last()->status, op, "%s: the query vector: %s",
			t->what, pgv_error_last()->message);
	pgv__store_add_value(text, t, query, dim);
	if (text->oom) {
		pgv__buf_free(text);
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	}
	return 0;
}

/*
 * What k-NN and distances share: the metric (known, and one the column's type has), the query
 * vector (checked as the server would check a value of that type), the table; then prepares
 * `sql` with the query vector's text bound to the first `nvalues` parameters.
 */
int pgv__store_query_prepare(pgv_conn *c, const pgv__store_table *t, const char *op,
	const char *sql, pgv_metric metric, const float *query, size_t dim, int nvalues,
	pgv_stmt **st)
{
	pgv__buf text = { NULL, 0, 0, 0 };
	int status;

	*st = NULL;
	if ((status = query_text(&text, c, t, op, metric, query, dim)) != 0)
		return status;
	if ((status = pgv_stmt_prepare(st, c, sql)) != 0) {
		pgv__conn_prefix(c, status, op, "%s", t->what);
		status = pgv__store_refused(c, t, op, metric, dim, status);
	}
	for (int i = 1; status == 0 && i <= nvalues; i++) {
		if ((status = pgv__store_bind_value(*st, i, pgv__store_value_blob(t), text.s, text.len,
				0)) != 0) {
			pgv__conn_prefix(c, status, op, "%s", t->what);
			pgv_stmt_free(*st);
			*st = NULL;
		}
	}
	pgv__buf_free(&text);
	return status;
}

/* distances' statement `which`, prepared with the query vector bound. */
static int distance_query(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, pgv_metric metric, const float *query, size_t dim, pgv_stmt **st)
{
	char *sql = pgv__store_sql(t, which, metric);
	int status;

	*st = NULL;
	if (!sql)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv__store_query_prepare(c, t, op, sql, metric, query, dim, 1, st);
	free(sql);
	return status;
}

/* The k rows nearest to a query vector. */
int pgv_store_knn(pgv_rows **out, pgv_conn *c, const pgv_table *spec, pgv_metric metric,
	const float *query, size_t dim, size_t k)
{
	const char *op = "pgv_store_knn";
	pgv__knn_shape shape;
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status;

	if (!c)
		return pgv__error_null("pgv_store_knn", "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "searching: out is NULL");
	*out = NULL;
	if ((status = pgv__store_table_open(&t, c, spec, op, "searching")) == 0
			&& (status = pgv__knn_shape_make(&shape, c, &t, op, metric, PGV_INDEX_FORM_AUTO, 0,
				k, dim)) == 0
			&& (status = pgv__store_knn_stmt(c, &t, op, metric, query, dim, k, &shape,
				&st)) == 0
			&& (status = pgv__rows_start(out, c, &t, op, st, 1)) != 0)
		status = pgv__store_refused(c, &t, op, metric, dim, status);
	pgv__store_table_free(&t);
	return status;
}

/* The distance from a query vector to every row or to the given ids, in id order. */
int pgv_store_distances(pgv_rows **out, pgv_conn *c, const pgv_table *spec, pgv_metric metric,
	const float *query, size_t dim, const int64_t *ids, size_t n)
{
	if (!c)
		return pgv__error_null("pgv_store_distances", "conn");
	return pgv_store_distances_ext(out, c, spec, metric, query, dim, ids, n, NULL);
}

/* Paged distances: the query vector checked and kept as text, bound to every page. */
static int distances_paged(pgv_rows **out, pgv_conn *c, const pgv__store_table *t,
	const char *op, pgv_metric metric, const float *query, size_t dim, size_t page_rows,
	const int64_t *after)
{
	pgv__pages pages = { PGV__SQL_DISTANCES_PAGE, PGV__SQL_DISTANCES_PAGE_AFTER, metric, NULL,
		0, 1, 0 };
	pgv__buf text = { NULL, 0, 0, 0 };
	int status;

	if ((status = query_text(&text, c, t, op, metric, query, dim)) != 0)
		return status;
	if ((status = pgv__store_check_pageable(c, t, op)) != 0) {
		pgv__buf_free(&text);
		return status;
	}
	pages.vtext = text.s;
	pages.vlen = text.len;
	pages.vblob = pgv__store_value_blob(t);
	status = pgv__rows_start_paged(out, c, t, op, page_rows, after, &pages);
	pgv__buf_free(&text);
	return status;
}

/* The distances, in one query or in keyset pages, vectors as text or in binary form. */
int pgv_store_distances_ext(pgv_rows **out, pgv_conn *c, const pgv_table *spec,
	pgv_metric metric, const float *query, size_t dim, const int64_t *ids, size_t n,
	const pgv_fetch_opts *opts)
{
	const char *op = "pgv_store_distances";
	pgv__buf list = { NULL, 0, 0, 0 };
	pgv__store_table t;
	pgv_stmt *st = NULL;
	size_t page_rows = 0;
	int64_t after = 0;
	int status, has_after = 0;

	if (!c)
		return pgv__error_null("pgv_store_distances_ext", "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "measuring distances: out is NULL");
	*out = NULL;
	if (opts && opts->version != 1 && opts->version != PGV_FETCH_OPTS_VERSION)
		return pgv__conn_fail(c, PGV_EINVAL, op, "measuring distances: pgv_fetch_opts version "
			"%u is not supported (this library knows versions 1 to %d): initialise it with "
			"PGV_FETCH_OPTS_INIT", opts->version, PGV_FETCH_OPTS_VERSION);
	if (opts && opts->version >= 2 && !ids) {
		page_rows = opts->page_rows;
		has_after = opts->has_after != 0;
		after = opts->after_id;
	}
	if ((status = pgv__store_table_open(&t, c, spec, op, "measuring distances in")) != 0)
		goto done;
	t.binary = opts && opts->binary;
	if (page_rows > 0 || has_after) {
		/* without a page size, the rows after an id are one page of them all */
		status = distances_paged(out, c, &t, op, metric, query, dim,
			page_rows > 0 ? page_rows : (size_t)INT64_MAX, has_after ? &after : NULL);
		if (status != 0)
			status = pgv__store_refused(c, &t, op, metric, dim, status);
		goto done;
	}
	if ((status = distance_query(c, &t, op, ids ? PGV__SQL_DISTANCES_IDS : PGV__SQL_DISTANCES,
			metric, query, dim, &st)) != 0)
		goto done;
	if (ids) {
		pgv__buf_add_ids(&list, t.dialect, ids, n);
		if (list.oom)
			status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t.what);
		else if ((status = pgv_stmt_bind_text(st, 2, list.s, list.len)) != 0)
			pgv__conn_prefix(c, status, op, "%s", t.what);
		if (status != 0) {
			pgv_stmt_free(st);
			goto done;
		}
	}
	if ((status = pgv__rows_start(out, c, &t, op, st, 1)) != 0)
		status = pgv__store_refused(c, &t, op, metric, dim, status);
done:
	pgv__buf_free(&list);
	pgv__store_table_free(&t);
	return status;
}
