/*
 * What keyset paging ("id > the last id seen ORDER BY id LIMIT n") needs of a table: an id that
 * is unique and never NULL.  A repeated id at a page's end loses its other rows on the next
 * page, and NULL ids are never reached, so paging on anything less is refused, never
 * attempted.
 */
#include "store/store.h"

#include <stdlib.h>

/* Checks the catalog for a unique, non-null id before paging. */
int pgv__store_check_pageable(pgv_conn *c, const pgv__store_table *t, const char *op)
{
	char *sql = pgv__store_sql(t, PGV__SQL_ID_KEY, PGV_METRIC_L2);
	int64_t notnull = 0, unique = 0;
	pgv_stmt *st = NULL;
	int status;

	if (!sql)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv_stmt_prepare(&st, c, sql);
	free(sql);
	/* the names as given where the dialect's catalog takes them so (with the schema, or NULL) */
	if (status == 0 && (status = pgv_stmt_bind_text(st, 1, t->dialect->catalog_names
				? t->table_name : t->table, PGV_NTS)) == 0
			&& (status = pgv_stmt_bind_text(st, 2, t->id_name, PGV_NTS)) == 0
			&& (!t->dialect->catalog_names || (status = t->schema_name
				? pgv_stmt_bind_text(st, 3, t->schema_name, PGV_NTS)
				: pgv_stmt_bind_null(st, 3)) == 0)
			&& (status = pgv_stmt_step(st)) == PGV_ROW
			&& (status = pgv_stmt_column_int64(&notnull, st, 1)) == 0)
		status = pgv_stmt_column_int64(&unique, st, 2);
	pgv_stmt_free(st);
	if (status == PGV_DONE)
		return 0; /* no such table or column: the query itself says so */
	if (status < 0)
		return pgv__conn_prefix(c, status, op, "%s: reading the id's keys from the catalog",
			t->what);
	if (unique == 0)
		return pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "%s: paging needs a unique, non-null "
			"id: column %s of %s has no unique index",
			t->what, t->id, t->table);
	if (!notnull)
		return pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "%s: paging needs a unique, non-null "
			"id: column %s of %s allows NULL", t->what,
			t->id, t->table);
	return 0;
}
