/*
 * Queries of a collection (k-NN, distances, list, get, count) and the cursor holding their rows.
 * Every query is read whole before the call returns: k-NN with search settings must end its
 * transaction (or put the settings back) before returning, and the others then behave alike,
 * leaving the connection free.
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */
#include "codec/numtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row held by a cursor: the handed-out row and the memory it points at. */
typedef struct crow {
	pgv_row row;
	pgv_value *values;
	char *idtext;
} crow;

struct pgv_cursor {
	pgv__child link;    /* on the connection's list of live handles (first: see cursor_close) */
	pgv_conn *conn;     /* NULL once the connection was closed: pgv_cursor_next refuses */
	crow *rows;
	size_t n, cap;
	size_t at;          /* the next row to hand out */
	crow current;       /* the row handed out last (owned until the next call) */
};

/* Frees the memory of one row. */
static void crow_free(crow *r)
{
	pgv_vector_free(&r->row.vector);
	for (size_t j = 0; r->values && j < r->row.nvalues; j++)
		free((char *)r->values[j].text);
	free(r->values);
	free(r->idtext);
	memset(r, 0, sizeof(*r));
}

/* The connection is closing: the cursor holds no driver handle, it only forgets it. */
static void cursor_close(pgv__child *self)
{
	((pgv_cursor *)self)->conn = NULL;
}

void pgv_cursor_free(pgv_cursor *cur)
{
	if (!cur)
		return;
	if (cur->conn)
		pgv__conn_release(cur->conn, &cur->link);
	crow_free(&cur->current);
	for (size_t i = cur->at; i < cur->n; i++)
		crow_free(&cur->rows[i]);
	free(cur->rows);
	free(cur);
}

size_t pgv_cursor_count(const pgv_cursor *cur)
{
	return cur ? cur->n : 0;
}

int pgv_cursor_next(const pgv_row **out, pgv_cursor *cur)
{
	const pgv_row **row = out;

	if (row)
		*row = NULL;
	if (!cur || !row)
		return pgv__coll_null("pgv_cursor_next", cur ? "out" : "cur");
	if (!cur->conn)
		return pgv__error_closed("pgv_cursor_next", "cursor");
	crow_free(&cur->current);
	if (cur->at == cur->n)
		return PGV_DONE;
	cur->current = cur->rows[cur->at];
	memset(&cur->rows[cur->at++], 0, sizeof(crow));
	*row = &cur->current.row;
	return PGV_ROW;
}

/* Copies a text column (NULL: a NULL value) into *v; 0 or a negative status. */
static int read_text(pgv_stmt *st, int col, pgv_value *v, pgv_value_type kind)
{
	const char *s = NULL;
	size_t len = 0;
	char *copy;
	int status = pgv_stmt_column_text(&s, &len, st, col);

	if (status == PGV_NULL) {
		*v = pgv_value_null();
		return 0;
	}
	if (status < 0)
		return status;
	if (!(copy = malloc(len + 1)))
		return PGV_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	*v = pgv_value_textn(copy, len);
	v->type = kind;
	return 0;
}

/* Reads one column as a value of its kind. */
static int read_value(pgv_stmt *st, int col, const pgv__col *c, pgv_value *v)
{
	int status;

	*v = pgv_value_null();
	switch (c->kind) {
	case PGV_VALUE_INT64:
	case PGV_VALUE_BOOL: {
		int64_t i = 0;
		if ((status = pgv_stmt_column_int64(&i, st, col)) == 0)
			*v = c->kind == PGV_VALUE_BOOL ? pgv_value_bool(i != 0) : pgv_value_int64(i);
		return status == PGV_NULL ? 0 : status;
	}
	case PGV_VALUE_DOUBLE: {
		double d = 0;
		if ((status = pgv_stmt_column_double(&d, st, col)) == 0)
			*v = pgv_value_double(d);
		return status == PGV_NULL ? 0 : status;
	}
	default:
		return read_text(st, col, v, c->kind);
	}
}

/* Reads the current row of the statement into r. */
static int read_row(const pgv_collection *c, pgv_stmt *st, const pgv__query *q, crow *r)
{
	int status;

	memset(r, 0, sizeof(*r));
	if (c->id_int) {
		if ((status = pgv_stmt_column_int64(&r->row.id, st, 1)) == 0)
			r->row.key = pgv_value_int64(r->row.id);
	} else {
		status = read_text(st, 1, &r->row.key, PGV_VALUE_TEXT);
		r->idtext = (char *)r->row.key.text;
	}
	if (status != 0)
		return status < 0 ? status : PGV_ERROR;
	if (!q->no_vector) {
		int form = c->t.dialect->read_f32 ? PGV__READ_F32 : q->binary
			&& c->t.dialect->read_binary[c->t.type] ? PGV__READ_SEND : PGV__READ_TEXT;
		status = pgv__value_read(c->conn, st, 2, c->t.type, form, &r->row.vector);
		r->row.vector_is_null = status == PGV_NULL;
		if (status < 0)
			return status;
	}
	if (q->kind == PGV__Q_KNN || q->kind == PGV__Q_DISTANCES) {
		status = pgv_stmt_column_double(&r->row.distance, st, 3);
		r->row.has_distance = status == 0;
		/* a float32 distance (sqlite-vec) comes as text of 15 digits: report that float */
		if (status == 0 && c->t.dialect->dist_float32)
			r->row.distance = (double)(float)r->row.distance;
		if (status < 0)
			return status;
	}
	if (q->nselect && !(r->values = calloc(q->nselect, sizeof(*r->values))))
		return PGV_ENOMEM;
	r->row.values = r->values;
	for (size_t j = 0; j < q->nselect; j++) {
		if ((status = read_value(st, (int)(4 + j), &c->cols[q->select[j]],
				&r->values[j])) != 0)
			return status;
		r->row.nvalues = j + 1;
	}
	return 0;
}

/* Reads every row of a run statement into a new cursor. */
static int read_all(const pgv_collection *c, pgv_stmt *st, const pgv__query *q,
	pgv_cursor **out, const char *op)
{
	pgv_cursor *cur = calloc(1, sizeof(*cur));
	int status;

	if (!cur)
		return pgv__conn_fail(c->conn, PGV_ENOMEM, op, "%s: out of memory", c->t.what);
	while ((status = pgv_stmt_step(st)) == PGV_ROW) {
		if (cur->n == cur->cap) {
			size_t ncap = cur->cap ? cur->cap * 2 : 16;
			crow *p = ncap <= SIZE_MAX / sizeof(*p) ? realloc(cur->rows, ncap * sizeof(*p))
				: NULL;
			if (!p) {
				status = PGV_ENOMEM;
				break;
			}
			cur->rows = p;
			cur->cap = ncap;
		}
		status = read_row(c, st, q, &cur->rows[cur->n]);
		cur->n++;
		if (status != 0)
			break;
	}
	if (status == PGV_DONE) {
		cur->conn = c->conn;
		pgv__conn_adopt(cur->conn, &cur->link, cursor_close);
		*out = cur;
		return 0;
	}
	pgv_cursor_free(cur);
	if (status == PGV_ENOMEM)
		return pgv__conn_fail(c->conn, status, op, "%s: out of memory", c->t.what);
	return status < 0 ? status : PGV_ERROR;
}

/* Prepares, binds and runs a built query; rows into *out, or a count into *count. */
static int run(pgv_collection *c, const pgv__query *q, const char *op, pgv_cursor **out,
	int64_t *count)
{
	pgv__buf sql = { NULL, 0, 0, 0 };
	pgv__binds binds = { NULL, 0, 0, 0 };
	pgv_stmt *st = NULL;
	int status;

	if ((status = pgv__coll_query_sql(c, q, &sql, &binds, op)) != 0)
		goto done;
	if ((status = pgv_stmt_prepare(&st, c->conn, sql.s)) != 0
			|| (status = pgv__binds_apply(c, st, &binds)) != 0)
		goto failed;
	if (count) {
		if ((status = pgv_stmt_step(st)) == PGV_ROW)
			status = pgv_stmt_column_int64(count, st, 1);
		else if (status == PGV_DONE)
			status = PGV_ERROR;
		if (status != 0)
			goto failed;
	} else if ((status = read_all(c, st, q, out, op)) != 0) {
		goto failed;
	}
	goto done;
failed:
	if (!strstr(pgv_conn_error(c->conn)->message, c->t.what))
		pgv__coll_wrap(c->conn, &c->t, op, NULL, status);
	status = pgv__store_refused(c->conn, &c->t, op, q->kind == PGV__Q_KNN
		|| q->kind == PGV__Q_DISTANCES ? q->metric : PGV__METRIC_NONE, q->dim, status);
done:
	pgv_stmt_free(st);
	pgv__buf_free(&sql);
	pgv__binds_free(&binds);
	return status;
}

/* Runs a k-NN query under search settings, in the caller's transaction or one of its own. */
static int run_with_settings(pgv_collection *c, const pgv__query *q, const char *op,
	const pgv__search_settings *s, pgv_cursor **out)
{
	char *olds[PGV__SEARCH_MAX] = { NULL };
	int status, own = 0;

	if ((status = pgv__search_check_version(c->conn, &c->t, op, s)) != 0)
		return status;
	if (!pgv_conn_in_transaction(c->conn)) {
		if ((status = pgv_conn_begin(c->conn)) != 0)
			return pgv__coll_wrap(c->conn, &c->t, op, NULL, status);
		own = 1;
	}
	status = pgv__search_run(c->conn, &c->t, op, PGV__SQL_SEARCH_SET, s->names, s->values, s->n,
		own ? NULL : olds);
	if (status == 0)
		status = run(c, q, op, out, NULL);
	if (status == 0 && !own)
		status = pgv__search_run(c->conn, &c->t, op, PGV__SQL_SEARCH_RESTORE, s->names,
			(const char *const *)olds, s->n, NULL);
	for (size_t i = 0; i < s->n; i++)
		free(olds[i]);
	if (own && status != 0)
		pgv__store_rollback(c->conn, status);
	else if (own && (status = pgv_conn_commit(c->conn)) != 0)
		pgv__coll_wrap(c->conn, &c->t, op, NULL, status);
	if (status != 0) {
		pgv_cursor_free(*out);
		*out = NULL;
	}
	return status;
}

/* Fills q from the options: metric, filter, threshold, selection, vector form. */
static int take_opts(pgv_collection *c, const pgv_query_opts *o, pgv__query *q, size_t **sel,
	const char *op)
{
	const char *const *names = NULL;
	size_t n = c->nnamed;

	*sel = NULL;
	if (o && o->version != PGV_QUERY_OPTS_VERSION)
		return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: pgv_query_opts version %u is not "
			"supported (this library knows version %d): initialise it with "
			"PGV_QUERY_OPTS_INIT", c->t.what, o->version, PGV_QUERY_OPTS_VERSION);
	q->metric = o ? o->metric : PGV_METRIC_L2;
	if (o) {
		q->filter = o->filter;
		q->has_max = o->has_max_distance != 0;
		q->max_distance = o->max_distance;
		q->no_vector = o->no_vector != 0;
		q->binary = o->binary != 0;
		if (o->select || o->nselect) {
			names = o->select;
			n = o->nselect;
			if (n && !names)
				return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: select is NULL but "
					"nselect is %zu", c->t.what, n);
		}
	}
	if (n && !(*sel = malloc(n * sizeof(**sel))))
		return pgv__conn_fail(c->conn, PGV_ENOMEM, op, "%s: out of memory", c->t.what);
	for (size_t j = 0; j < n; j++) {
		const pgv__col *col;
		char qn[PGV__QUOTE_BUF];

		if (!names) {
			(*sel)[j] = c->named[j];
			continue;
		}
		if (!(col = pgv__coll_find(c, names[j])))
			return pgv__conn_fail(c->conn, PGV_ENOTFOUND, op, "%s: select names column "
				"\"%s\", which the table lacks", c->t.what, names[j]
				? pgv__quote(qn, names[j], strlen(names[j])) : "(null)");
		(*sel)[j] = (size_t)(col - c->cols);
	}
	q->select = *sel;
	q->nselect = n;
	return 0;
}

/*
 * Takes opts->limit for a listing or distances in id order (PGV_EINVAL when negative).  Rows
 * in id order with a limit are a keyset page (the next one filters on id > the last), so the id
 * must allow paging: asked of the catalog once per handle.
 */
static int take_limit(pgv_collection *c, const pgv_query_opts *opts, pgv__query *q,
	const char *op)
{
	int status;

	if (opts && opts->version == PGV_QUERY_OPTS_VERSION && opts->limit < 0)
		return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: limit must not be negative",
			c->t.what);
	q->limit = opts && opts->version == PGV_QUERY_OPTS_VERSION ? opts->limit : 0;
	if (q->limit > 0 && !c->pageable) {
		if ((status = pgv__store_check_pageable(c->conn, &c->t, op)) != 0)
			return status;
		c->pageable = 1;
	}
	return 0;
}

/* Checks the metric and the query vector of a k-NN or distances query. */
static int check_query(pgv_collection *c, const pgv__query *q, const char *op)
{
	int status;

	if ((status = pgv__store_check_metric_type(c->conn, &c->t, op, q->metric)) != 0)
		return status;
	if (pgv__value_check(c->t.type, q->query, q->dim) != 0)
		return pgv__conn_fail(c->conn, pgv_error_last()->status, op, "%s: the query vector: %s",
			c->t.what, pgv_error_last()->message);
	if (c->dim && q->dim != c->dim)
		return pgv__conn_fail(c->conn, PGV_EDIM, op, "%s: the query vector has %zu dimensions "
			"but the column %s has %zu", c->t.what, q->dim, c->t.vec, c->dim);
	return 0;
}

/* What every query call does first. */
static int start(pgv_collection *c, pgv_cursor **out, const char *op, const char *verb)
{
	if (!c)
		return pgv__coll_null(op, "coll");
	if (!c->conn)
		return pgv__error_closed(op, "collection");
	pgv__conn_clear(c->conn);
	pgv__coll_doing(c, verb);
	if (!out)
		return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: out is NULL", c->t.what);
	*out = NULL;
	return 0;
}

int pgv_collection_knn(pgv_cursor **out, pgv_collection *c, const float *query, size_t dim,
	size_t k, const pgv_query_opts *opts)
{
	const char *op = "pgv_collection_knn";
	pgv__search_settings s;
	pgv__query q;
	size_t *sel = NULL;
	int status;

	if ((status = start(c, out, op, "searching")) != 0)
		return status;
	memset(&q, 0, sizeof(q));
	q.kind = PGV__Q_KNN;
	q.query = query;
	q.dim = dim;
	/* LIMIT past the number of rows is harmless: clamp what does not fit a bigint */
	q.limit = k > (size_t)INT64_MAX ? INT64_MAX : (int64_t)k;
	if (k < 1)
		return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: k must be at least 1, not 0",
			c->t.what);
	if ((status = take_opts(c, opts, &q, &sel, op)) == 0
			&& (status = check_query(c, &q, op)) == 0) {
		if ((status = pgv__search_settings_make(&s, opts ? opts->search : NULL)) != 0)
			status = pgv__conn_fail(c->conn, status, op, "%s: %s", c->t.what,
				pgv_error_last()->message);
		else if (s.n == 0)
			status = run(c, &q, op, out, NULL);
		else if (!pgv__store_has(&c->t, PGV__SQL_SEARCH_SET)) {
			/* without an index every search is exact: nothing to set (as pgv_store_knn_ext) */
			char what[96];
			snprintf(what, sizeof(what), "the search setting %s is", s.names[0]);
			status = pgv__store_unsupported(c->conn, &c->t, op, what, c->t.dialect->no_index);
		} else
			status = run_with_settings(c, &q, op, &s, out);
	}
	free(sel);
	return status;
}

int pgv_collection_distances(pgv_cursor **out, pgv_collection *c, const float *query,
	size_t dim, const pgv_query_opts *opts)
{
	const char *op = "pgv_collection_distances";
	pgv__query q;
	size_t *sel = NULL;
	int status;

	if ((status = start(c, out, op, "measuring distances in")) != 0)
		return status;
	memset(&q, 0, sizeof(q));
	q.kind = PGV__Q_DISTANCES;
	q.query = query;
	q.dim = dim;
	if ((status = take_limit(c, opts, &q, op)) == 0
			&& (status = take_opts(c, opts, &q, &sel, op)) == 0
			&& (status = check_query(c, &q, op)) == 0)
		status = run(c, &q, op, out, NULL);
	free(sel);
	return status;
}

int pgv_collection_list(pgv_cursor **out, pgv_collection *c, const pgv_query_opts *opts)
{
	const char *op = "pgv_collection_list";
	pgv__query q;
	size_t *sel = NULL;
	int status;

	if ((status = start(c, out, op, "listing")) != 0)
		return status;
	memset(&q, 0, sizeof(q));
	q.kind = PGV__Q_LIST;
	if ((status = take_limit(c, opts, &q, op)) == 0
			&& (status = take_opts(c, opts, &q, &sel, op)) == 0)
		status = run(c, &q, op, out, NULL);
	free(sel);
	return status;
}

int pgv_collection_get(pgv_cursor **out, pgv_collection *c, const pgv_value *id,
	const pgv_query_opts *opts)
{
	const char *op = "pgv_collection_get";
	char q1[PGV__QUOTE_BUF], num[48];
	const char *s;
	size_t *sel = NULL, n;
	pgv__query q;
	int status;

	if ((status = start(c, out, op, "reading from")) != 0)
		return status;
	if (!id || id->type == PGV_VALUE_NULL || (id->type != PGV_VALUE_INT64
			&& id->type != PGV_VALUE_TEXT) || (id->type == PGV_VALUE_TEXT && !id->text))
		return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: the id must be an INT64 or TEXT "
			"value", c->t.what);
	memset(&q, 0, sizeof(q));
	q.kind = PGV__Q_GET;
	q.id = id;
	if ((status = take_opts(c, opts, &q, &sel, op)) == 0
			&& (status = run(c, &q, op, out, NULL)) == 0 && (*out)->n == 0) {
		pgv_cursor_free(*out);
		*out = NULL;
		pgv__value_text(id, num, &s, &n);
		status = pgv__conn_fail(c->conn, PGV_ENOTFOUND, op, "%s: no row has id %s%s%s", c->t.what,
			id->type == PGV_VALUE_TEXT ? "\"" : "",
			id->type == PGV_VALUE_TEXT ? pgv__quote(q1, s, n) : s,
			id->type == PGV_VALUE_TEXT ? "\"" : "");
	}
	free(sel);
	return status;
}

int pgv_collection_count(int64_t *out, pgv_collection *c, const pgv_filter *filter)
{
	const char *op = "pgv_collection_count";
	pgv__query q;
	int64_t n = 0;
	int status;

	if (!c)
		return pgv__coll_null(op, "coll");
	if (!c->conn)
		return pgv__error_closed(op, "collection");
	pgv__conn_clear(c->conn);
	pgv__coll_doing(c, "counting");
	if (!out)
		return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: out is NULL", c->t.what);
	*out = 0;
	memset(&q, 0, sizeof(q));
	q.kind = PGV__Q_COUNT;
	q.filter = filter;
	if ((status = run(c, &q, op, NULL, &n)) == 0)
		*out = n;
	return status;
}
