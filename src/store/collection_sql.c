/*
 * The SQL of collections, in one place: the upsert of records, deletion by id, the cast that
 * names a value's column, and the queries (k-NN, distances, list, get, count) with their
 * filters.  Names come quoted from the catalog description; values are always parameters.
 * PostgreSQL's statements send lists as array parameters and cast every value to its column's
 * type; SQLite's have neither arrays nor casts: a batch is a multi-row VALUES, a list of ids is
 * id IN (?, ...), and values are bound as their columns store them (collection_sqlite.c).
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */
#include "codec/numtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pgv__coll_sql postgresql = {
	.no_vector = "NULL::text",
	.no_distance = "NULL::float8",
	.distance = "({dist})::float8",
	.within = "({dist})",
	.max_param = "?",
	.contains = " @> ",
};

/*
 * sqlite-vec fails on a NULL vector ("found NULL"): such a row has no distance.  The driver
 * binds a double as its text (17 digits, exact), which SQLite would compare as text: CAST.
 */
static const pgv__coll_sql sqlite = {
	.no_vector = "NULL",
	.no_distance = "NULL",
	.distance = "CASE WHEN {vec} IS NOT NULL THEN {dist} END",
	.within = "CASE WHEN {vec} IS NOT NULL THEN {dist} END",
	.max_param = "CAST(? AS REAL)",
	.contains = NULL,
	.contains_why = "SQLite has no jsonb and no containment operator",
};

/* The spellings of the collection's backend. */
const pgv__coll_sql *pgv__coll_sql_of(const pgv_collection *c)
{
	return c->sqlite ? &sqlite : &postgresql;
}

/* Appends ", col1, col2, ...": the named columns. */
static void add_named(pgv__buf *b, const pgv_collection *c)
{
	for (size_t j = 0; j < c->nnamed; j++) {
		pgv__buf_adds(b, ", ");
		pgv__buf_adds(b, c->cols[c->named[j]].quoted);
	}
}

/* Appends " ON CONFLICT (id) DO UPDATE SET vec = EXCLUDED.vec, c1 = EXCLUDED.c1, ...". */
static void add_on_conflict(pgv__buf *b, const pgv_collection *c)
{
	pgv__buf_adds(b, " ON CONFLICT (");
	pgv__buf_adds(b, c->t.id);
	pgv__buf_adds(b, ") DO UPDATE SET ");
	pgv__buf_adds(b, c->t.vec);
	pgv__buf_adds(b, " = EXCLUDED.");
	pgv__buf_adds(b, c->t.vec);
	for (size_t j = 0; j < c->nnamed; j++) {
		const char *q = c->cols[c->named[j]].quoted;
		pgv__buf_adds(b, ", ");
		pgv__buf_adds(b, q);
		pgv__buf_adds(b, " = EXCLUDED.");
		pgv__buf_adds(b, q);
	}
}

/* Returns the built text, or NULL (freeing it) when out of memory. */
static char *built(pgv__buf *b)
{
	if (b->oom) {
		pgv__buf_free(b);
		return NULL;
	}
	return b->s;
}

/* Appends "INSERT INTO t (id, vec, c1, ...": the head of both upserts. */
static void add_insert_into(pgv__buf *b, const pgv_collection *c)
{
	pgv__buf_adds(b, "INSERT INTO ");
	pgv__buf_adds(b, c->t.table);
	pgv__buf_adds(b, " (");
	pgv__buf_adds(b, c->t.id);
	pgv__buf_adds(b, ", ");
	pgv__buf_adds(b, c->t.vec);
	add_named(b, c);
}

/*
 * SQLite: INSERT INTO t (id, vec, c1, ...) VALUES (?, vec_f32(?), ?, ...), ... ON CONFLICT (id)
 * DO UPDATE SET ...: the store's VALUES rows (see PGV__SQL_UPSERT_ROWS in dialect.c).  A json
 * column's value goes through json(), which refuses malformed JSON as PostgreSQL's json types do
 * (and stores it minified).
 */
char *pgv__coll_upsert_rows_sql(const pgv_collection *c, size_t rows)
{
	pgv__buf b = { NULL, 0, 0, 0 };

	add_insert_into(&b, c);
	pgv__buf_adds(&b, ") VALUES ");
	for (size_t r = 0; r < rows; r++) {
		pgv__buf_adds(&b, r ? ", (?, " : "(?, ");
		pgv__buf_adds(&b, c->t.dialect->vparam[c->t.type]);
		for (size_t j = 0; j < c->nnamed; j++)
			pgv__buf_adds(&b, c->cols[c->named[j]].kind == PGV_VALUE_JSON ? ", json(?)"
				: ", ?");
		pgv__buf_addc(&b, ')');
	}
	add_on_conflict(&b, c);
	return built(&b);
}

/* SQLite: DELETE FROM t WHERE id IN (?, ...) with n markers. */
char *pgv__coll_delete_in_sql(const pgv_collection *c, size_t n)
{
	pgv__buf b = { NULL, 0, 0, 0 };

	pgv__buf_adds(&b, "DELETE FROM ");
	pgv__buf_adds(&b, c->t.table);
	pgv__buf_adds(&b, " WHERE ");
	pgv__buf_adds(&b, c->t.id);
	pgv__buf_adds(&b, " IN (");
	for (size_t i = 0; i < n; i++)
		pgv__buf_adds(&b, i ? ", ?" : "?");
	pgv__buf_addc(&b, ')');
	return built(&b);
}

/* Appends "?::TYPE[]": a list parameter of a column's (unmodified) type. */
static void add_list_param(pgv__buf *b, const pgv__col *col)
{
	pgv__buf_adds(b, "?::");
	pgv__buf_adds(b, col->cast);
	pgv__buf_adds(b, "[]");
}

/*
 * INSERT INTO t (id, vec, c1, ...) SELECT * FROM unnest(?::idtype[], ?::vector[], ?::t1[], ...)
 * ON CONFLICT (id) DO UPDATE SET vec = EXCLUDED.vec, c1 = EXCLUDED.c1, ...: one list parameter
 * per column, as pgv_store_upsert sends its batches (the fastest form measured there).  Values
 * are cast to the type without its modifier so that the assignment applies the column's own
 * checks (a varchar(3) refuses "abcd" rather than cutting it).
 */
char *pgv__coll_upsert_sql(const pgv_collection *c)
{
	pgv__buf b = { NULL, 0, 0, 0 };

	add_insert_into(&b, c);
	pgv__buf_adds(&b, ") SELECT * FROM unnest(");
	add_list_param(&b, &c->cols[c->id]);
	pgv__buf_adds(&b, ", ");
	pgv__buf_adds(&b, c->t.dialect->vlist[c->t.type]);
	for (size_t j = 0; j < c->nnamed; j++) {
		pgv__buf_adds(&b, ", ");
		add_list_param(&b, &c->cols[c->named[j]]);
	}
	pgv__buf_addc(&b, ')');
	add_on_conflict(&b, c);
	return built(&b);
}

/* DELETE FROM t WHERE id = ANY (?::idtype[]) */
char *pgv__coll_delete_sql(const pgv_collection *c)
{
	pgv__buf b = { NULL, 0, 0, 0 };

	pgv__buf_adds(&b, "DELETE FROM ");
	pgv__buf_adds(&b, c->t.table);
	pgv__buf_adds(&b, " WHERE ");
	pgv__buf_adds(&b, c->t.id);
	pgv__buf_adds(&b, " = ANY (");
	add_list_param(&b, &c->cols[c->id]);
	pgv__buf_adds(&b, ")");
	return built(&b);
}

/*
 * SELECT ?::TYPE IS NULL: converts one value as an assignment to the column would.  SQLite
 * converts nothing the library has not checked, except JSON (json(?), as the upsert writes it).
 */
char *pgv__coll_cast_sql(const pgv_collection *c, const pgv__col *col)
{
	pgv__buf b = { NULL, 0, 0, 0 };

	if (c->sqlite)
		return col->kind == PGV_VALUE_JSON ? strdup("SELECT json(?) IS NULL") : NULL;
	pgv__buf_adds(&b, "SELECT (?::");
	pgv__buf_adds(&b, col->cast);
	pgv__buf_adds(&b, ") IS NULL");
	return built(&b);
}

/* Appends the vector read (text or binary form) or NULL when the vector is not wanted. */
static void add_vector_read(pgv__buf *b, const pgv_collection *c, const pgv__query *q)
{
	const pgv__dialect *d = c->t.dialect;
	const char *read = q->binary && d->read_binary[c->t.type] ? d->read_binary[c->t.type]
		: d->read[c->t.type];

	if (q->no_vector)
		pgv__buf_adds(b, pgv__coll_sql_of(c)->no_vector);
	else
		pgv__coll_add_piece(b, c, read, q->metric);
}

/*
 * Builds a query of a collection.  Result columns: 1 the id, 2 the vector (NULL when not
 * wanted), 3 the distance (NULL when none), 4.. the selected columns.  k-NN keeps the shape an
 * index serves: WHERE conditions ORDER BY the distance alone LIMIT k.
 */
int pgv__coll_query_sql(const pgv_collection *c, const pgv__query *q, pgv__buf *sql,
	pgv__binds *binds, const char *op)
{
	const pgv__coll_sql *sp = pgv__coll_sql_of(c);
	const pgv__col *id = &c->cols[c->id];
	int status;

	pgv__buf_adds(sql, "SELECT ");
	if (q->kind == PGV__Q_COUNT) {
		pgv__buf_adds(sql, "count(*)");
	} else {
		pgv__coll_add_read(sql, c, id);
		pgv__buf_adds(sql, ", ");
		add_vector_read(sql, c, q);
		pgv__buf_adds(sql, ", ");
		if (q->kind == PGV__Q_KNN || q->kind == PGV__Q_DISTANCES) {
			pgv__coll_add_piece(sql, c, sp->distance, q->metric);
			pgv__binds_vector(binds, q->query, q->dim);
		} else {
			pgv__buf_adds(sql, sp->no_distance);
		}
		for (size_t j = 0; j < q->nselect; j++) {
			pgv__buf_adds(sql, ", ");
			pgv__coll_add_read(sql, c, &c->cols[q->select[j]]);
		}
	}
	pgv__buf_adds(sql, " FROM ");
	pgv__buf_adds(sql, c->t.table);
	pgv__buf_adds(sql, " WHERE ");
	if (q->kind == PGV__Q_KNN) {
		pgv__buf_adds(sql, c->t.vec);
		pgv__buf_adds(sql, " IS NOT NULL");
	} else if (q->kind == PGV__Q_GET && c->sqlite) {
		char buf[48], why[PGV__QUOTE_BUF + 64];
		pgv_value v;

		if ((status = pgv__coll_convert(id, q->id, 0, &v, buf, why, sizeof(why))) != 0)
			return pgv__conn_fail(c->conn, status, op, "%s: the id: %s", c->t.what, why);
		pgv__buf_adds(sql, id->quoted);
		pgv__buf_adds(sql, " = ?");
		pgv__binds_value(binds, &v);
	} else if (q->kind == PGV__Q_GET) {
		pgv__buf_adds(sql, id->quoted);
		pgv__buf_adds(sql, " = ?::");
		pgv__buf_adds(sql, id->cast);
		pgv__binds_value(binds, q->id);
	} else {
		pgv__buf_adds(sql, "TRUE");
	}
	if ((status = pgv__filter_compile(c, q->filter, sql, binds, op)) != 0)
		return status;
	if (q->has_max && (q->kind == PGV__Q_KNN || q->kind == PGV__Q_DISTANCES)) {
		pgv__buf_adds(sql, " AND ");
		pgv__coll_add_piece(sql, c, sp->within, q->metric);
		pgv__buf_adds(sql, " <= ");
		pgv__buf_adds(sql, sp->max_param);
		pgv__binds_vector(binds, q->query, q->dim);
		pgv__binds_double(binds, q->max_distance);
	}
	if (q->kind == PGV__Q_KNN) {
		pgv__buf_adds(sql, " ORDER BY 3 LIMIT ?");
		pgv__binds_int64(binds, q->limit);
	} else if (q->kind != PGV__Q_COUNT) {
		pgv__buf_adds(sql, " ORDER BY ");
		pgv__buf_adds(sql, id->quoted);
		if (q->limit > 0) {
			pgv__buf_adds(sql, " LIMIT ?");
			pgv__binds_int64(binds, q->limit);
		}
	}
	if (sql->oom || binds->oom)
		return pgv__conn_fail(c->conn, PGV_ENOMEM, op, "%s: out of memory", c->t.what);
	return 0;
}
