/*
 * The SQL of collections, in one place: the upsert of records, deletion by id, the cast that
 * names a value's column, and the queries (k-NN, distances, list, get, count) with their
 * filters.  Names come quoted from the catalog description; values are always parameters.
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	pgv__buf_adds(&b, "INSERT INTO ");
	pgv__buf_adds(&b, c->t.table);
	pgv__buf_adds(&b, " (");
	pgv__buf_adds(&b, c->t.id);
	pgv__buf_adds(&b, ", ");
	pgv__buf_adds(&b, c->t.vec);
	for (size_t j = 0; j < c->nnamed; j++) {
		pgv__buf_adds(&b, ", ");
		pgv__buf_adds(&b, c->cols[c->named[j]].quoted);
	}
	pgv__buf_adds(&b, ") SELECT * FROM unnest(");
	add_list_param(&b, &c->cols[c->id]);
	pgv__buf_adds(&b, ", ");
	pgv__buf_adds(&b, c->t.dialect->vlist[c->t.type]);
	for (size_t j = 0; j < c->nnamed; j++) {
		pgv__buf_adds(&b, ", ");
		add_list_param(&b, &c->cols[c->named[j]]);
	}
	pgv__buf_adds(&b, ") ON CONFLICT (");
	pgv__buf_adds(&b, c->t.id);
	pgv__buf_adds(&b, ") DO UPDATE SET ");
	pgv__buf_adds(&b, c->t.vec);
	pgv__buf_adds(&b, " = EXCLUDED.");
	pgv__buf_adds(&b, c->t.vec);
	for (size_t j = 0; j < c->nnamed; j++) {
		const char *q = c->cols[c->named[j]].quoted;
		pgv__buf_adds(&b, ", ");
		pgv__buf_adds(&b, q);
		pgv__buf_adds(&b, " = EXCLUDED.");
		pgv__buf_adds(&b, q);
	}
	if (b.oom) {
		pgv__buf_free(&b);
		return NULL;
	}
	return b.s;
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
	if (b.oom) {
		pgv__buf_free(&b);
		return NULL;
	}
	return b.s;
}

/* SELECT ?::TYPE IS NULL: converts one value as an assignment to the column would. */
char *pgv__coll_cast_sql(const pgv__col *col)
{
	pgv__buf b = { NULL, 0, 0, 0 };

	pgv__buf_adds(&b, "SELECT (?::");
	pgv__buf_adds(&b, col->cast);
	pgv__buf_adds(&b, ") IS NULL");
	if (b.oom) {
		pgv__buf_free(&b);
		return NULL;
	}
	return b.s;
}

/* Appends the vector read (text or binary form) or NULL when the vector is not wanted. */
static void add_vector_read(pgv__buf *b, const pgv_collection *c, const pgv__query *q)
{
	const pgv__dialect *d = c->t.dialect;
	const char *read = q->binary && d->read_binary[c->t.type] ? d->read_binary[c->t.type]
		: d->read[c->t.type];

	if (q->no_vector)
		pgv__buf_adds(b, "NULL::text");
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
	const pgv__col *id = &c->cols[c->id];
	int status;

	pgv__buf_adds(sql, "SELECT ");
	if (q->kind == PGV__Q_COUNT) {
		pgv__buf_adds(sql, "count(*)");
	} else {
		pgv__coll_add_read(sql, id);
		pgv__buf_adds(sql, ", ");
		add_vector_read(sql, c, q);
		pgv__buf_adds(sql, ", ");
		if (q->kind == PGV__Q_KNN || q->kind == PGV__Q_DISTANCES) {
			pgv__buf_adds(sql, "(");
			pgv__coll_add_piece(sql, c, c->t.dialect->dist, q->metric);
			pgv__buf_adds(sql, ")::float8");
			pgv__binds_vector(binds, q->query, q->dim);
		} else {
			pgv__buf_adds(sql, "NULL::float8");
		}
		for (size_t j = 0; j < q->nselect; j++) {
			pgv__buf_adds(sql, ", ");
			pgv__coll_add_read(sql, &c->cols[q->select[j]]);
		}
	}
	pgv__buf_adds(sql, " FROM ");
	pgv__buf_adds(sql, c->t.table);
	pgv__buf_adds(sql, " WHERE ");
	if (q->kind == PGV__Q_KNN) {
		pgv__buf_adds(sql, c->t.vec);
		pgv__buf_adds(sql, " IS NOT NULL");
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
		pgv__buf_adds(sql, " AND (");
		pgv__coll_add_piece(sql, c, c->t.dialect->dist, q->metric);
		pgv__buf_adds(sql, ") <= ?");
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
