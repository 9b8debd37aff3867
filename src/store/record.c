/*
 * Writing records to a collection (pgv_collection_upsert).  Records are checked before anything
 * is sent, reduced to the last record of each id, sorted by id (one lock order for every writer)
 * and sent in batches, all in one transaction: list parameters on PostgreSQL, multi-row VALUES on
 * SQLite (values converted as their columns store them, collection_sqlite.c).  When the server
 * refuses a batch outside a caller's transaction, the refused record is found by halving the
 * batch in transactions that are rolled back.
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */
#include "codec/numtext.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A record's position and its id as a sort key. */
typedef struct keyed {
	int64_t i;          /* integer ids */
	const char *s;      /* text ids: the key text (normalised for uuid) */
	size_t n;
	size_t pos;
} keyed;

/* The state of one upsert call. */
typedef struct upsert {
	pgv_collection *c;
	const char *op;
	const pgv_record *rows;
	keyed *keys;        /* by id, then position */
	char *keytext;      /* normalised uuid keys, 33 bytes per row */
	size_t *order;      /* the positions to write, sorted by id */
	size_t m;
	char *sql;
	pgv_stmt *rst;      /* SQLite: the VALUES statement of rst_rows rows */
	size_t rst_rows;
	size_t per;         /* SQLite: rows per VALUES statement */
} upsert;

/*
 * SQLite's limit on parameters in one statement (SQLITE_MAX_VARIABLE_NUMBER, 32766 since SQLite
 * 3.32): a VALUES statement has fewer rows than PGV__BATCH_ROWS_PARAMS when rows have many
 * columns.
 */
#define SQLITE_PARAMS_MAX 32766

/* Orders keys by integer id, then position. */
static int cmp_int(const void *a, const void *b)
{
	const keyed *x = a, *y = b;

	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Orders keys by id bytes, then position. */
static int cmp_text(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int r = n ? memcmp(x->s, y->s, n) : 0;

	if (r == 0 && x->n != y->n)
		r = x->n < y->n ? -1 : 1;
	if (r != 0)
		return r;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Writes "row 12 (id 7)" or "row 12 (id \"a1\")" into buf. */
static const char *row_name(char *buf, size_t cap, size_t i, const pgv_value *id)
{
	char q[PGV__QUOTE_BUF];

	if (id->type == PGV_VALUE_INT64)
		snprintf(buf, cap, "row %zu (id %" PRId64 ")", i, id->i);
	else if (id->type == PGV_VALUE_TEXT && id->text)
		snprintf(buf, cap, "row %zu (id \"%s\")", i, pgv__quote(q, id->text, id->len));
	else
		snprintf(buf, cap, "row %zu", i);
	return buf;
}

/* Records a bad record: "<what>: row 12 (id "a1"): <msg>", pgv_error.row set. */
static int bad_row(upsert *u, size_t i, int status, const char *fmt, ...) PGV_PRINTF(4, 5);
static int bad_row(upsert *u, size_t i, int status, const char *fmt, ...)
{
	char where[PGV__QUOTE_BUF + 64], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pgv__conn_fail(u->c->conn, status, u->op, "%s: %s: %s", u->c->t.what,
		row_name(where, sizeof(where), i, &u->rows[i].id), msg);
	pgv__conn_set_row(u->c->conn, (int64_t)i);
	return status;
}

/* Reads a uuid's 32 hex digits, lowercased, into key (33 bytes); 0, or -1 when it is none. */
static int uuid_key(const char *s, size_t n, char *key)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '-' || ch == '{' || ch == '}')
			continue;
		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) || k == 32)
			return -1;
		key[k++] = ch;
	}
	key[k] = '\0';
	return k == 32 ? 0 : -1;
}

/* Checks one record's id and fills its key. */
static int check_id(upsert *u, size_t i, keyed *key)
{
	const pgv_collection *c = u->c;
	const pgv__col *idc = &c->cols[c->id];
	const pgv_value *id = &u->rows[i].id;
	char q[PGV__QUOTE_BUF];

	key->pos = i;
	if (id->type == PGV_VALUE_NULL || (id->type == PGV_VALUE_TEXT && !id->text))
		return bad_row(u, i, PGV_EINVAL, "the id is NULL");
	if (c->id_int) {
		if (id->type == PGV_VALUE_INT64)
			key->i = id->i;
		else if (id->type != PGV_VALUE_TEXT)
			return bad_row(u, i, PGV_EINVAL, "the id column %s is of type %s: give the id "
				"as an integer or its text", c->t.id, idc->type);
		else if (pgv__parse_int64(id->text, id->len, &key->i) != 0)
			return bad_row(u, i, PGV_EVALUE, "invalid input syntax for type %s: \"%s\"",
				idc->type, pgv__quote(q, id->text, id->len));
		if (key->i < idc->min || key->i > idc->max)
			return bad_row(u, i, PGV_EVALUE, "the id %" PRId64 " is out of range for type "
				"%s", key->i, idc->type);
		return 0;
	}
	if (id->type != PGV_VALUE_TEXT)
		return bad_row(u, i, PGV_EINVAL, "the id column %s is of type %s: give the id as text",
			c->t.id, idc->type);
	key->s = id->text;
	key->n = id->len;
	if (c->id_uuid) {
		char *k = u->keytext + i * 33;
		if (uuid_key(id->text, id->len, k) != 0)
			return bad_row(u, i, PGV_EVALUE, "invalid input syntax for type uuid: \"%s\"",
				pgv__quote(q, id->text, id->len));
		key->s = k;
		key->n = 32;
	}
	return 0;
}

/* Checks one record's vector and values as far as the client can. */
static int check_record(upsert *u, size_t i)
{
	const pgv_collection *c = u->c;
	const pgv_record *r = &u->rows[i];
	int status = pgv__value_check(c->t.type, r->vector.data, r->vector.dim);

	if (status != 0)
		return bad_row(u, i, status, "%s", pgv_error_last()->message);
	if (c->dim && r->vector.dim != c->dim)
		return bad_row(u, i, PGV_EDIM, "expected %zu dimensions, not %zu", c->dim,
			r->vector.dim);
	if (c->nnamed && !r->values)
		return bad_row(u, i, PGV_EINVAL, "values is NULL but the collection names %zu "
			"columns", c->nnamed);
	for (size_t j = 0; j < c->nnamed; j++) {
		const pgv__col *col = &c->cols[c->named[j]];
		const pgv_value *v = &r->values[j];
		int is_null = v->type == PGV_VALUE_NULL
			|| ((v->type == PGV_VALUE_TEXT || v->type == PGV_VALUE_JSON) && !v->text);

		if ((unsigned)v->type > PGV_VALUE_JSON)
			return bad_row(u, i, PGV_EINVAL, "column %s: a value of unknown type %d",
				col->quoted, (int)v->type);
		if (is_null && col->notnull)
			return bad_row(u, i, PGV_ECONSTRAINT, "column %s: null value in a column that is "
				"NOT NULL", col->quoted);
		if (v->type == PGV_VALUE_INT64 && col->kind == PGV_VALUE_INT64
				&& (v->i < col->min || v->i > col->max))
			return bad_row(u, i, PGV_EVALUE, "column %s: %" PRId64 " is out of range for "
				"type %s", col->quoted, v->i, col->type);
		if (c->sqlite) {
			/* SQLite would store what does not convert as it is: refused here instead */
			char buf[48], why[PGV__QUOTE_BUF + 64];
			pgv_value out;
			if ((status = pgv__coll_convert(col, v, 0, &out, buf, why, sizeof(why))) != 0)
				return bad_row(u, i, status, "column %s: %s", col->quoted, why);
		}
	}
	return 0;
}

/* SQLite: binds a value as its column stores it (checked by check_record). */
static int bind_converted(upsert *u, int idx, const pgv__col *col, const pgv_value *v)
{
	char buf[48], why[PGV__QUOTE_BUF + 64];
	pgv_stmt *st = u->rst;
	pgv_value out;
	int status = pgv__coll_convert(col, v, 0, &out, buf, why, sizeof(why));

	if (status != 0)
		return pgv__conn_fail(u->c->conn, status, u->op, "%s: column %s: %s", u->c->t.what,
			col->quoted, why);
	switch (out.type) {
	case PGV_VALUE_NULL: return pgv_stmt_bind_null(st, idx);
	case PGV_VALUE_INT64: return pgv_stmt_bind_int64(st, idx, out.i);
	case PGV_VALUE_DOUBLE: return pgv_stmt_bind_double(st, idx, out.d);
	default: return pgv_stmt_bind_text(st, idx, out.text, out.len);
	}
}

/* SQLite: sends order[at..] as one VALUES statement of at most u->per rows. */
static int send_rows(upsert *u, size_t at, size_t end, size_t *stop)
{
	pgv_collection *c = u->c;
	size_t n = end - at < u->per ? end - at : u->per;
	pgv__buf vec = { NULL, 0, 0, 0 };
	int status = 0, idx = 1;

	*stop = at + n;
	if (n != u->rst_rows) {
		char *sql = pgv__coll_upsert_rows_sql(c, n);

		pgv_stmt_free(u->rst);
		u->rst = NULL;
		u->rst_rows = 0;
		if (!sql)
			return pgv__conn_fail(c->conn, PGV_ENOMEM, u->op, "%s: out of memory", c->t.what);
		status = pgv_stmt_prepare(&u->rst, c->conn, sql);
		free(sql);
		if (status != 0)
			return status;
		u->rst_rows = n;
	} else {
		status = pgv_stmt_reset(u->rst);
	}
	for (size_t i = at; i < at + n && status == 0; i++) {
		const pgv_record *r = &u->rows[u->order[i]];

		status = bind_converted(u, idx++, &c->cols[c->id], &r->id);
		pgv__buf_reset(&vec);
		pgv__store_add_value(&vec, &c->t, r->vector.data, r->vector.dim);
		if (status == 0 && vec.oom)
			status = pgv__conn_fail(c->conn, PGV_ENOMEM, u->op, "%s: out of memory",
				c->t.what);
		if (status == 0)
			status = pgv_stmt_bind_text(u->rst, idx++, vec.s, vec.len);
		for (size_t j = 0; j < c->nnamed && status == 0; j++)
			status = bind_converted(u, idx++, &c->cols[c->named[j]], &r->values[j]);
	}
	pgv__buf_free(&vec);
	if (status == 0)
		status = pgv_stmt_step(u->rst);
	return status == PGV_DONE || status == PGV_ROW ? 0 : status;
}

/*
 * SQLite: rows per VALUES statement: the store's (PGV__BATCH_ROWS_PARAMS), fewer when the rows'
 * parameters or their vectors' text (about PGV__ROWS_BATCH_BYTES a statement) would pass that.
 */
static size_t rows_per_stmt(const upsert *u)
{
	const pgv_collection *c = u->c;
	size_t per = PGV__BATCH_ROWS_PARAMS, dim = c->dim ? c->dim : u->rows[u->order[0]].vector.dim;
	size_t by_params = SQLITE_PARAMS_MAX / (2 + c->nnamed);
	size_t by_bytes = PGV__ROWS_BATCH_BYTES / (dim * 16 + 64);

	if (by_params < per)
		per = by_params;
	if (by_bytes < per)
		per = by_bytes;
	return per ? per : 1;
}

/* Checks every record, then orders the last record of each id by id into u->order. */
static int plan(upsert *u, size_t n)
{
	const pgv_collection *c = u->c;
	size_t k = 0;
	int status;

	if (n > SIZE_MAX / sizeof(keyed) || n > SIZE_MAX / 33)
		return pgv__conn_fail(c->conn, PGV_ENOMEM, u->op, "%s: too many rows", c->t.what);
	u->keys = malloc(n * sizeof(*u->keys));
	u->order = malloc(n * sizeof(*u->order));
	u->keytext = c->id_uuid ? malloc(n * 33) : NULL;
	if (!u->keys || !u->order || (c->id_uuid && !u->keytext))
		return pgv__conn_fail(c->conn, PGV_ENOMEM, u->op, "%s: out of memory", c->t.what);
	for (size_t i = 0; i < n; i++) {
		memset(&u->keys[i], 0, sizeof(keyed));
		if ((status = check_id(u, i, &u->keys[i])) != 0
				|| (status = check_record(u, i)) != 0)
			return status;
	}
	qsort(u->keys, n, sizeof(keyed), c->id_int ? cmp_int : cmp_text);
	for (size_t i = 0; i < n; i++) {
		const keyed *x = &u->keys[i], *y = i + 1 < n ? &u->keys[i + 1] : NULL;
		int same = y && (c->id_int ? x->i == y->i
			: x->n == y->n && (x->n == 0 || memcmp(x->s, y->s, x->n) == 0));
		if (!same)
			u->order[k++] = x->pos; /* the last of its id */
	}
	u->m = k;
	return 0;
}

/*
 * Fills the list texts of positions order[at..] until the batch is full; returns the position
 * after its last record.
 */
static size_t build_batch(upsert *u, pgv__buf *lists, size_t at, size_t end_max)
{
	const pgv_collection *c = u->c;
	const pgv__dialect *d = c->t.dialect;
	size_t nl = 2 + c->nnamed, i;

	for (size_t j = 0; j < nl; j++) {
		pgv__buf_reset(&lists[j]);
		pgv__buf_addc(&lists[j], d->list_open);
	}
	for (i = at; i < end_max && i - at < PGV__BATCH_ROWS
			&& (i == at || lists[1].len < PGV__BATCH_BYTES); i++) {
		const pgv_record *r = &u->rows[u->order[i]];
		const char *sep = i > at ? "," : "";

		pgv__buf_adds(&lists[0], sep);
		pgv__buf_add_element(&lists[0], d, &r->id);
		pgv__buf_adds(&lists[1], sep);
		pgv__buf_addc(&lists[1], d->list_quote);
		pgv__store_add_value(&lists[1], &c->t, r->vector.data, r->vector.dim);
		pgv__buf_addc(&lists[1], d->list_quote);
		for (size_t j = 0; j < c->nnamed; j++) {
			pgv__buf_adds(&lists[2 + j], sep);
			pgv__buf_add_element(&lists[2 + j], d, &r->values[j]);
		}
	}
	for (size_t j = 0; j < nl; j++)
		pgv__buf_addc(&lists[j], d->list_close);
	return i;
}

/* Sends order[at..end) as one statement; 0 or a negative status (error on the connection). */
static int send_batch(upsert *u, pgv_stmt *st, pgv__buf *lists, size_t at, size_t end,
	size_t *stop)
{
	size_t nl = 2 + u->c->nnamed;
	int status;

	if (u->c->sqlite)
		return send_rows(u, at, end, stop);
	*stop = build_batch(u, lists, at, end);
	for (size_t j = 0; j < nl; j++)
		if (lists[j].oom)
			return pgv__conn_fail(u->c->conn, PGV_ENOMEM, u->op, "%s: out of memory",
				u->c->t.what);
	status = pgv_stmt_reset(st);
	for (size_t j = 0; j < nl && status == 0; j++)
		status = pgv_stmt_bind_text(st, (int)j + 1, lists[j].s, lists[j].len);
	if (status == 0)
		status = pgv_stmt_step(st);
	return status == PGV_DONE || status == PGV_ROW ? 0 : status;
}

/* Tries order[lo..hi) alone in a transaction that is rolled back: 0 when the server takes it. */
static int probe(upsert *u, pgv_stmt *st, pgv__buf *lists, size_t lo, size_t hi)
{
	size_t stop = lo;
	int status = pgv_conn_begin(u->c->conn);

	while (status == 0 && stop < hi)
		status = send_batch(u, st, lists, stop, hi, &stop);
	if (pgv_conn_in_transaction(u->c->conn)) {
		pgv__conn_saved s;
		pgv__conn_save(u->c->conn, &s);
		pgv_conn_rollback(u->c->conn);
		pgv__conn_restore(u->c->conn, &s, status);
	}
	return status;
}

/*
 * After a refused batch order[at..end) (outside a caller's transaction, already rolled back):
 * finds the one record the server refuses by halving, then the column whose value does not
 * convert, and records the error naming both with the server's SQLSTATE.  Returns `status`
 * (the batch's), whether or not the record was found.
 */
static int locate(upsert *u, pgv_stmt *st, pgv__buf *lists, size_t at, size_t end, int status)
{
	pgv_collection *c = u->c;
	pgv__conn_saved batch;
	size_t lo = at, hi = end, row;
	const pgv_record *r;
	char where[PGV__QUOTE_BUF + 64];

	pgv__conn_save(c->conn, &batch);
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (probe(u, st, lists, lo, mid) != 0)
			hi = mid;
		else
			lo = mid;
	}
	if (probe(u, st, lists, lo, lo + 1) == 0)
		return pgv__conn_restore(c->conn, &batch, status); /* rows refused together */
	pgv__conn_saved_free(&batch);
	row = u->order[lo];
	r = &u->rows[row];
	row_name(where, sizeof(where), row, &r->id);
	/* the column: the first value its type does not take */
	for (size_t j = 0; j < c->nnamed; j++) {
		const pgv__col *col = &c->cols[c->named[j]];
		char num[48], *sql = pgv__coll_cast_sql(c, col);
		const char *s;
		size_t n;
		pgv_stmt *cs = NULL;
		int cst;
		pgv__conn_saved found;

		pgv__value_text(&r->values[j], num, &s, &n);
		if (!sql || !s) {
			free(sql);
			continue;
		}
		pgv__conn_save(c->conn, &found);
		cst = pgv_stmt_prepare(&cs, c->conn, sql);
		free(sql);
		if (cst == 0 && (cst = pgv_stmt_bind_text(cs, 1, s, n)) == 0)
			cst = pgv_stmt_step(cs);
		pgv_stmt_free(cs);
		if (cst < 0) {
			pgv__conn_saved_free(&found);
			pgv__conn_prefix(c->conn, status, u->op, "%s: %s: column %s", c->t.what, where,
				col->quoted);
			pgv__conn_set_row(c->conn, (int64_t)row);
			return status;
		}
		pgv__conn_restore(c->conn, &found, status);
	}
	pgv__conn_prefix(c->conn, status, u->op, "%s: %s", c->t.what, where);
	pgv__conn_set_row(c->conn, (int64_t)row);
	return status;
}

/* Maps a refusal's SQLSTATE to the status a caller branches on. */
static int refusal_status(pgv_conn *conn, int status)
{
	const char *state = pgv_conn_error(conn)->sqlstate;

	if (status == PGV_ERROR && state[0] == '2' && state[1] == '3')
		return PGV_ECONSTRAINT;
	return status;
}

/* Sends every planned record in batches, in the caller's transaction or one of its own. */
static int write_all(upsert *u)
{
	pgv_collection *c = u->c;
	size_t nl = 2 + c->nnamed;
	pgv__buf *lists = calloc(nl, sizeof(*lists));
	pgv_stmt *st = NULL;
	int own = 0, status;
	size_t at = 0, end = 0;

	if (!lists || (!c->sqlite && !(u->sql = pgv__coll_upsert_sql(c)))) {
		free(lists);
		return pgv__conn_fail(c->conn, PGV_ENOMEM, u->op, "%s: out of memory", c->t.what);
	}
	if (c->sqlite)
		u->per = rows_per_stmt(u);
	else if ((status = pgv_stmt_prepare(&st, c->conn, u->sql)) != 0)
		goto done;
	if (!pgv_conn_in_transaction(c->conn)) {
		if ((status = pgv_conn_begin(c->conn)) != 0)
			goto done;
		own = 1;
	}
	while (status == 0 && at < u->m) {
		if ((status = send_batch(u, st, lists, at, u->m, &end)) == 0)
			at = end;
	}
	if (status != 0 && status != PGV_ENOMEM) {
		status = refusal_status(c->conn, status);
		if (own) {
			pgv__store_rollback(c->conn, status);
			own = 0;
			locate(u, st, lists, at, end, status);
		} else {
			char detail[96];
			snprintf(detail, sizeof(detail), "the batch of rows %zu to %zu", at, end - 1);
			pgv__coll_wrap(c->conn, &c->t, u->op, detail, status);
		}
		goto done;
	}
	if (own && status == 0 && (status = pgv_conn_commit(c->conn)) == 0)
		own = 0;
done:
	if (status != 0 && own)
		pgv__store_rollback(c->conn, status);
	if (status != 0 && !strstr(pgv_conn_error(c->conn)->message, c->t.what))
		pgv__coll_wrap(c->conn, &c->t, u->op, NULL, status);
	pgv_stmt_free(st);
	pgv_stmt_free(u->rst);
	u->rst = NULL;
	for (size_t j = 0; j < nl; j++)
		pgv__buf_free(&lists[j]);
	free(lists);
	return status;
}

/* Inserts or updates records by id, atomically. */
int pgv_collection_upsert(int64_t *out, pgv_collection *c, const pgv_record *rows, size_t n)
{
	upsert u;
	int status;

	if (out)
		*out = 0;
	if (!c)
		return pgv__coll_null("pgv_collection_upsert", "coll");
	if (!c->conn)
		return pgv__error_closed("pgv_collection_upsert", "collection");
	pgv__conn_clear(c->conn);
	memset(&u, 0, sizeof(u));
	u.c = c;
	u.op = "pgv_collection_upsert";
	u.rows = rows;
	pgv__coll_doing(c, "upserting into");
	if (n > 0 && !rows)
		return pgv__conn_fail(c->conn, PGV_EINVAL, u.op, "%s: rows is NULL", c->t.what);
	if (n == 0)
		return 0;
	if ((status = plan(&u, n)) == 0)
		status = write_all(&u);
	if (status == 0 && out)
		*out = (int64_t)u.m;
	free(u.keys);
	free(u.keytext);
	free(u.order);
	free(u.sql);
	return status;
}
