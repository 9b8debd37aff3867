/*
 * The row iterator behind list, k nearest neighbours and distances, in its three forms: a
 * streaming result (rows read from the driver as they are asked for), a paged listing (keyset
 * pages of bounded size, one query each, so memory stays bounded whatever the driver buffers),
 * and rows held in memory (pgv_store_knn_ext, whose transaction ends before it returns).  Also
 * pgv_store_list and pgv_store_list_ext.
 */
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pgv_rows {
	pgv__child link;   /* on the connection's list of live handles (first: see rows_close) */
	pgv_conn *conn;    /* NULL once the connection was closed: pgv_rows_next refuses */
	pgv_stmt *st;      /* the running statement; NULL once the result is exhausted */
	pgv_row row;       /* the current row; its vector is owned here */
	pgv_type type;     /* the vector column's type */
	int with_distance; /* the result has a third column, the distance */
	int binary;        /* how the vector column is read (PGV__READ_*) */
	int dist_float32;  /* the distance was computed in float32 (SQLite) */
	int pending;       /* the first step has been made: hand out its result next */
	int first;         /* that step's result, PGV_ROW or PGV_DONE */
	int failed;        /* a step failed: the iterator is finished */
	/* a paged listing: page_sql is the statement of the pages after the first */
	char *page_sql;
	char *page_vec;    /* the query vector's text bound first to every page (owned), or NULL */
	size_t page_vec_len;
	int page_vec_blob; /* page_vec is bytes, bound as a blob */
	int page_st_is_next; /* st is page_sql's statement (reset and rebound for each page) */
	size_t page_rows;
	size_t page_seen;  /* rows of the current page read so far */
	int64_t last_id;
	int have_last;
	/* rows held in memory (pgv__rows_load) */
	pgv_row *mem;
	size_t mem_n;
	size_t mem_at;
	int loaded;
	char *what;        /* what the listing is doing, for messages of later pages (owned) */
};

/* The connection is closing: the statement closes on its own; the iterator forgets it. */
static void rows_close(pgv__child *self)
{
	((pgv_rows *)self)->conn = NULL;
}

/* Makes an empty iterator for table t; NULL when out of memory. */
static pgv_rows *rows_new(pgv_conn *c, const pgv__store_table *t, int with_distance)
{
	pgv_rows *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->conn = c;
	r->type = t->type;
	r->binary = pgv__store_read_form(t);
	r->dist_float32 = t->dialect->dist_float32;
	r->with_distance = with_distance;
	if (!(r->what = strdup(t->what))) {
		free(r);
		return NULL;
	}
	pgv__conn_adopt(c, &r->link, rows_close);
	return r;
}

/* Destroys an iterator and everything it holds. */
void pgv_rows_free(pgv_rows *r)
{
	if (!r)
		return;
	if (r->conn)
		pgv__conn_release(r->conn, &r->link);
	pgv_stmt_free(r->st);
	pgv_vector_free(&r->row.vector);
	for (size_t i = r->mem_at; i < r->mem_n; i++)
		pgv_vector_free(&r->mem[i].vector);
	free(r->mem);
	free(r->page_sql);
	free(r->page_vec);
	free(r->what);
	free(r);
}

/* Runs a prepared statement's first step and makes the iterator hand out its result. */
static int rows_first_step(pgv_rows **out, pgv_rows *r, const pgv__store_table *t,
	const char *op, pgv_stmt *st)
{
	int status = pgv_stmt_step(st);

	if (status < 0) {
		pgv__conn_prefix(r->conn, status, op, "%s", t->what);
		pgv_stmt_free(st);
		pgv_rows_free(r);
		return status;
	}
	r->st = st;
	r->pending = 1;
	r->first = status;
	if (status == PGV_DONE) {
		/* release the statement (and a driver-side cursor) at once */
		pgv_stmt_free(st);
		r->st = NULL;
	}
	*out = r;
	return 0;
}

/* Makes a streaming iterator over a prepared, bound statement and runs it. */
int pgv__rows_start(pgv_rows **out, pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_stmt *st, int with_distance)
{
	pgv_rows *r = rows_new(c, t, with_distance);

	if (!r) {
		pgv_stmt_free(st);
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	}
	return rows_first_step(out, r, t, op, st);
}

/* Prepares and runs the first page of a paged listing or of paged distances. */
int pgv__rows_start_paged(pgv_rows **out, pgv_conn *c, const pgv__store_table *t,
	const char *op, size_t page_rows, const int64_t *after, const pgv__pages *pages)
{
	pgv_rows *r = rows_new(c, t, pages->with_distance);
	int64_t limit = page_rows > (size_t)INT64_MAX ? INT64_MAX : (int64_t)page_rows;
	pgv_stmt *st = NULL;
	char *sql;
	int status, p = 1;

	if (!r)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	r->page_rows = page_rows;
	r->page_sql = pgv__store_sql(t, pages->next, pages->metric);
	sql = after ? NULL : pgv__store_sql(t, pages->first, pages->metric);
	if (pages->vtext && (r->page_vec = malloc(pages->vlen + 1)) != NULL) {
		memcpy(r->page_vec, pages->vtext, pages->vlen);
		r->page_vec[pages->vlen] = '\0';
		r->page_vec_len = pages->vlen;
		r->page_vec_blob = pages->vblob;
	}
	if (!r->page_sql || (!after && !sql) || (pages->vtext && !r->page_vec)) {
		free(sql);
		pgv_rows_free(r);
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	}
	status = pgv_stmt_prepare(&st, c, after ? r->page_sql : sql);
	free(sql);
	if (status == 0 && r->page_vec)
		status = pgv__store_bind_value(st, p++, r->page_vec_blob, r->page_vec, r->page_vec_len,
			0);
	if (status == 0 && after)
		status = pgv_stmt_bind_int64(st, p++, *after);
	if (status == 0)
		status = pgv_stmt_bind_int64(st, p, limit);
	if (status != 0) {
		pgv__conn_prefix(c, status, op, "%s", t->what);
		pgv_stmt_free(st);
		pgv_rows_free(r);
		return status;
	}
	r->page_st_is_next = after != NULL;
	return rows_first_step(out, r, t, op, st);
}

/*
 * The next page of a paged listing, after the last id read: runs it and returns its first
 * step's result.  The pages' statement is prepared once and rebound for each page.
 */
static int next_page(pgv_rows *r)
{
	const char *op = "pgv_rows_next";
	int64_t limit = r->page_rows > (size_t)INT64_MAX ? INT64_MAX : (int64_t)r->page_rows;
	int status = 0, p = 1;

	if (!r->page_st_is_next) {
		pgv_stmt_free(r->st);
		r->st = NULL;
		if ((status = pgv_stmt_prepare(&r->st, r->conn, r->page_sql)) != 0)
			goto failed;
		r->page_st_is_next = 1;
	} else if ((status = pgv_stmt_reset(r->st)) != 0) {
		goto failed;
	}
	if ((r->page_vec && (status = pgv__store_bind_value(r->st, p++, r->page_vec_blob,
			r->page_vec, r->page_vec_len, 0)) != 0)
			|| (status = pgv_stmt_bind_int64(r->st, p++, r->last_id)) != 0
			|| (status = pgv_stmt_bind_int64(r->st, p, limit)) != 0)
		goto failed;
	r->page_seen = 0;
	if ((status = pgv_stmt_step(r->st)) >= 0)
		return status;
failed:
	return pgv__conn_prefix(r->conn, status, op, "%s: the page after id %" PRId64, r->what,
		r->last_id);
}

/* Steps the running statement (or pages on): PGV_ROW, PGV_DONE or a negative status. */
static int step(pgv_rows *r)
{
	int status;

	if (r->pending) {
		r->pending = 0;
		status = r->first;
	} else {
		status = r->st ? pgv_stmt_step(r->st) : PGV_DONE;
	}
	/* a full page may have more after it; a short one is the last */
	if (status == PGV_DONE && r->page_sql && r->st && r->page_seen == r->page_rows
			&& r->have_last)
		status = next_page(r);
	return status;
}

/* Reads the next row from the statement into r->row: PGV_ROW, PGV_DONE or a negative status. */
static int fetch(pgv_rows *r)
{
	const char *op = "pgv_rows_next";
	int status = step(r), vs;

	if (status == PGV_DONE) {
		/* release the statement (and a driver-side cursor) at once */
		pgv_stmt_free(r->st);
		r->st = NULL;
		return PGV_DONE;
	}
	if (status == PGV_ROW) {
		status = pgv_stmt_column_int64(&r->row.id, r->st, 1);
		if (status == PGV_NULL)
			status = pgv__conn_fail(r->conn, PGV_ERROR, op, "reading rows: a row has a NULL id");
	}
	if (status == 0) {
		vs = pgv__value_read(r->conn, r->st, 2, r->type, r->binary, &r->row.vector);
		r->row.vector_is_null = vs == PGV_NULL;
		status = vs < 0 ? vs : 0;
	}
	if (status == 0 && r->with_distance) {
		int ds = pgv_stmt_column_double(&r->row.distance, r->st, 3);
		/*
		 * a float32 distance comes through the driver's text with 15 digits: its float is
		 * exact, so report that float's double value
		 */
		if (ds == 0 && r->dist_float32)
			r->row.distance = (double)(float)r->row.distance;
		r->row.has_distance = ds == 0;
		status = ds < 0 ? ds : 0;
	}
	if (status != 0) {
		r->failed = 1;
		pgv_vector_free(&r->row.vector);
		memset(&r->row, 0, sizeof(r->row));
		return status;
	}
	if (r->page_sql) {
		r->last_id = r->row.id;
		r->have_last = 1;
		r->page_seen++;
	}
	return PGV_ROW;
}

/* Moves to the next row and reads it into the iterator's row. */
int pgv_rows_next(const pgv_row **out, pgv_rows *r)
{
	const char *op = "pgv_rows_next";
	int status;

	if (!r)
		return pgv__error_null("pgv_rows_next", "rows");
	if (out)
		*out = NULL;
	if (!r->conn)
		return pgv__error_closed("pgv_rows_next", "row iterator");
	pgv__conn_clear(r->conn);
	if (out)
		*out = NULL;
	pgv_vector_free(&r->row.vector);
	memset(&r->row, 0, sizeof(r->row));
	if (!out)
		return pgv__conn_fail(r->conn, PGV_EINVAL, op, "out is NULL");
	if (r->failed)
		return pgv__conn_fail(r->conn, PGV_EINVAL, op,
			"reading rows: an earlier step failed; free the iterator");
	if (r->loaded) {
		if (r->mem_at == r->mem_n)
			return PGV_DONE;
		r->row = r->mem[r->mem_at];
		memset(&r->mem[r->mem_at++], 0, sizeof(r->row));
		*out = &r->row;
		return PGV_ROW;
	}
	if ((status = fetch(r)) == PGV_ROW)
		*out = &r->row;
	return status;
}

/* Reads every remaining row into memory and frees the statement. */
int pgv__rows_load(pgv_rows *r, size_t max)
{
	size_t cap = 0;
	int status = PGV_DONE;

	while (r->mem_n < max && (status = fetch(r)) == PGV_ROW) {
		if (r->mem_n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			pgv_row *p = ncap <= SIZE_MAX / sizeof(*p) ? realloc(r->mem, ncap * sizeof(*p))
				: NULL;
			if (!p) {
				status = pgv__conn_fail(r->conn, PGV_ENOMEM, "pgv_rows_next",
					"%s: out of memory", r->what);
				break;
			}
			r->mem = p;
			cap = ncap;
		}
		r->mem[r->mem_n++] = r->row;
		memset(&r->row, 0, sizeof(r->row));
	}
	pgv_stmt_free(r->st);
	r->st = NULL;
	r->loaded = 1;
	if (status < 0) {
		r->failed = 1;
		return status;
	}
	return 0;
}

/* Orders rows by distance, rows without one last, then by id. */
static int cmp_distance(const void *a, const void *b)
{
	const pgv_row *x = a, *y = b;

	if (x->has_distance != y->has_distance)
		return x->has_distance ? -1 : 1;
	if (x->has_distance && x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Orders the rows held in memory by distance, then id. */
void pgv__rows_sort_by_distance(pgv_rows *r)
{
	if (r->mem_n > 1)
		qsort(r->mem + r->mem_at, r->mem_n - r->mem_at, sizeof(*r->mem), cmp_distance);
}

/* Every row in id order, in one query or in pages, vectors as text or in binary form. */
int pgv_store_list_ext(pgv_rows **out, pgv_conn *c, const pgv_table *spec,
	const pgv_fetch_opts *opts)
{
	const char *op = "pgv_store_list";
	pgv__store_table t;
	pgv_stmt *st = NULL;
	size_t page_rows = 0;
	int64_t after = 0;
	int status, has_after = 0;
	char *sql;

	if (!c)
		return pgv__error_null("pgv_store_list_ext", "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "listing rows: out is NULL");
	*out = NULL;
	/* version 1 ends after `binary`: a caller built against it has no further fields */
	if (opts && opts->version != 1 && opts->version != PGV_FETCH_OPTS_VERSION)
		return pgv__conn_fail(c, PGV_EINVAL, op, "listing rows: pgv_fetch_opts version %u is "
			"not supported (this library knows versions 1 to %d): initialise it with "
			"PGV_FETCH_OPTS_INIT", opts->version, PGV_FETCH_OPTS_VERSION);
	if (opts && opts->version >= 2) {
		page_rows = opts->page_rows;
		has_after = opts->has_after != 0;
		after = opts->after_id;
	}
	if ((status = pgv__store_table_open(&t, c, spec, op, "listing")) != 0)
		goto done;
	t.binary = opts && opts->binary;
	if ((page_rows > 0 || has_after) && (status = pgv__store_check_pageable(c, &t, op)) != 0)
		goto done;
	if (page_rows > 0) {
		const pgv__pages pages = { PGV__SQL_LIST_PAGE, PGV__SQL_LIST_PAGE_AFTER, PGV_METRIC_L2,
			NULL, 0, 0, 0 };

		status = pgv__rows_start_paged(out, c, &t, op, page_rows, has_after ? &after : NULL,
			&pages);
		goto done;
	}
	sql = pgv__store_sql(&t, has_after ? PGV__SQL_LIST_AFTER : PGV__SQL_LIST, PGV_METRIC_L2);
	if (!sql) {
		status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t.what);
		goto done;
	}
	status = pgv_stmt_prepare(&st, c, sql);
	free(sql);
	if (status == 0 && has_after)
		status = pgv_stmt_bind_int64(st, 1, after);
	if (status != 0) {
		pgv__conn_prefix(c, status, op, "%s", t.what);
		pgv_stmt_free(st);
		goto done;
	}
	status = pgv__rows_start(out, c, &t, op, st, 0);
done:
	if (status != 0)
		status = pgv__store_refused(c, &t, op, PGV__METRIC_NONE, 0, status);
	pgv__store_table_free(&t);
	return status;
}

/* Every row in id order, vectors as text. */
int pgv_store_list(pgv_rows **out, pgv_conn *c, const pgv_table *spec)
{
	if (!c)
		return pgv__error_null("pgv_store_list", "conn");
	return pgv_store_list_ext(out, c, spec, NULL);
}
