/*
 * Deleting records of a collection by id (pgv_collection_delete), atomically: on PostgreSQL the
 * ids travel as list parameters (id = ANY (?::type[])), on SQLite as id IN (?, ...), each id
 * bound as the id column stores it (collection_sqlite.c).
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */
#include "codec/numtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQLite: ids per statement (SQLite allows 32766 parameters; a few hundred keep it short). */
#define DELETE_IN_IDS 500

/* PostgreSQL: deletes ids[at..end) as one list parameter; *changed the rows deleted. */
static int delete_list(pgv_collection *c, pgv_stmt *st, pgv__buf *list, const pgv_value *ids,
	size_t at, size_t end, const char *op)
{
	int status;

	pgv__buf_reset(list);
	pgv__buf_addc(list, c->t.dialect->list_open);
	for (size_t i = at; i < end; i++) {
		if (i > at)
			pgv__buf_addc(list, ',');
		pgv__buf_add_element(list, c->t.dialect, &ids[i]);
	}
	pgv__buf_addc(list, c->t.dialect->list_close);
	if (list->oom)
		return pgv__conn_fail(c->conn, PGV_ENOMEM, op, "%s: out of memory", c->t.what);
	if ((status = pgv_stmt_reset(st)) == 0
			&& (status = pgv_stmt_bind_text(st, 1, list->s, list->len)) == 0
			&& (status = pgv_stmt_step(st)) == PGV_DONE)
		status = 0;
	return status;
}

/*
 * SQLite: deletes ids[at..end) as id IN (?, ...), preparing the statement again when the number
 * of ids changes (*st holds one of *st_n ids).  An id the id column cannot hold is PGV_EVALUE.
 */
static int delete_in(pgv_collection *c, pgv_stmt **st, size_t *st_n, const pgv_value *ids,
	size_t at, size_t end, const char *op)
{
	const pgv__col *idc = &c->cols[c->id];
	int status = 0;

	if (*st_n != end - at) {
		char *sql = pgv__coll_delete_in_sql(c, end - at);

		pgv_stmt_free(*st);
		*st = NULL;
		*st_n = 0;
		if (!sql)
			return pgv__conn_fail(c->conn, PGV_ENOMEM, op, "%s: out of memory", c->t.what);
		status = pgv_stmt_prepare(st, c->conn, sql);
		free(sql);
		if (status != 0)
			return status;
		*st_n = end - at;
	} else if ((status = pgv_stmt_reset(*st)) != 0) {
		return status;
	}
	for (size_t i = at; i < end && status == 0; i++) {
		char buf[48], why[PGV__QUOTE_BUF + 64];
		pgv_value v;
		int idx = (int)(i - at) + 1;

		if ((status = pgv__coll_convert(idc, &ids[i], 0, &v, buf, why, sizeof(why))) != 0)
			return pgv__conn_fail(c->conn, status, op, "%s: id %zu: %s", c->t.what, i, why);
		if (v.type == PGV_VALUE_NULL)
			status = pgv_stmt_bind_null(*st, idx);
		else if (v.type == PGV_VALUE_INT64)
			status = pgv_stmt_bind_int64(*st, idx, v.i);
		else if (v.type == PGV_VALUE_DOUBLE)
			status = pgv_stmt_bind_double(*st, idx, v.d);
		else
			status = pgv_stmt_bind_text(*st, idx, v.text, v.len);
	}
	if (status == 0 && (status = pgv_stmt_step(*st)) == PGV_DONE)
		status = 0;
	return status;
}

/* Deletes rows by id, atomically. */
int pgv_collection_delete(int64_t *out, pgv_collection *c, const pgv_value *ids, size_t n)
{
	const char *op = "pgv_collection_delete";
	pgv__buf list = { NULL, 0, 0, 0 };
	pgv_stmt *st = NULL;
	size_t st_n = 0, per;
	char *sql = NULL;
	int status = 0, own = 0;
	int64_t total = 0;

	if (out)
		*out = 0;
	if (!c)
		return pgv__coll_null(op, "coll");
	if (!c->conn)
		return pgv__error_closed(op, "collection");
	pgv__conn_clear(c->conn);
	pgv__coll_doing(c, "deleting from");
	if (n > 0 && !ids)
		return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: ids is NULL", c->t.what);
	if (n == 0)
		return 0;
	per = c->sqlite ? DELETE_IN_IDS : PGV__DELETE_IDS;
	if (!c->sqlite) {
		if (!(sql = pgv__coll_delete_sql(c)))
			return pgv__conn_fail(c->conn, PGV_ENOMEM, op, "%s: out of memory", c->t.what);
		status = pgv_stmt_prepare(&st, c->conn, sql);
		free(sql);
	}
	if (status == 0 && !pgv_conn_in_transaction(c->conn)) {
		if ((status = pgv_conn_begin(c->conn)) == 0)
			own = 1;
	}
	for (size_t at = 0; at < n && status == 0; at += per) {
		size_t end = n - at > per ? at + per : n;
		int64_t changed;

		status = c->sqlite ? delete_in(c, &st, &st_n, ids, at, end, op)
			: delete_list(c, st, &list, ids, at, end, op);
		changed = status == 0 ? pgv_stmt_changes(st) : 0;
		total += changed > 0 ? changed : 0;
	}
	pgv_stmt_free(st);
	pgv__buf_free(&list);
	if (status != 0) {
		if (!strstr(pgv_conn_error(c->conn)->message, c->t.what))
			pgv__coll_wrap(c->conn, &c->t, op, NULL, status);
		return own ? pgv__store_rollback(c->conn, status) : status;
	}
	if (own && (status = pgv_conn_commit(c->conn)) != 0)
		return pgv__coll_wrap(c->conn, &c->t, op, NULL, status);
	if (out)
		*out = total;
	return 0;
}
