/*
 * What a statement's results look like: the results of SQL text with several statements, one
 * after the other, each result's column names and type names, and the number of parameters.
 *
 * psqlODBC describes types it does not know (pgvector's vector, halfvec and sparsevec, but also
 * bit, json and arrays) as VARCHAR named "unknown", and gives no type OID.  For such a column
 * that comes from a table column, the type is read from the catalog by the table and column
 * name the driver reports (measured: psqlODBC 13 fills SQL_DESC_TABLE_NAME and
 * SQL_DESC_SCHEMA_NAME from the row description's table OID; an expression has neither).
 */
#include "odbc/stmt_internal.h"

#include <stdlib.h>
#include <string.h>

/* The catalog lookup of a table column's type; the schema is optional (then search_path). */
static const char CATALOG_COLUMN_TYPE[] =
	"SELECT t.typname FROM pg_catalog.pg_attribute a "
	"JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
	"WHERE c.relname = ? AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped "
	"AND (n.nspname = ? OR (? = '' AND pg_catalog.pg_table_is_visible(c.oid)))";

/* The type name psqlODBC gives a type it does not know. */
static const char UNKNOWN_TYPE[] = "unknown";

/* A string attribute of column `col` (newly allocated, "" when the driver has none) into *out;
 * 0 or an error recorded as `op`. */
static int column_attr(pgv_stmt *st, int col, SQLUSMALLINT field, char **out, const char *op)
{
	SQLSMALLINT len = 0;
	size_t cap = 128;
	char *buf = NULL;

	*out = NULL;
	for (;;) {
		char *p = realloc(buf, cap);
		SQLRETURN rc;

		if (!p) {
			free(buf);
			return pgv__conn_fail(st->conn, PGV_ENOMEM, op, "out of memory");
		}
		buf = p;
		buf[0] = '\0';
		rc = SQLColAttribute(st->h, (SQLUSMALLINT)col, field, buf, (SQLSMALLINT)cap, &len,
			NULL);
		if (!SQL_SUCCEEDED(rc)) {
			free(buf);
			return pgv__odbc_fail(st->conn, SQL_HANDLE_STMT, st->h, rc, op);
		}
		if (len < 0)
			len = 0;
		if ((size_t)len < cap)
			break;
		cap = (size_t)len + 1; /* cut: ask again with room for all of it */
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Checks the statement has a result and `col` is one of its columns; the column or NULL. */
static stmt_column *described_column(pgv_stmt *st, int col, const char *op, int *status)
{
	*status = 0;
	pgv__conn_clear(st->conn);
	if (!st->executed) {
		*status = pgv__conn_fail(st->conn, PGV_EINVAL, op,
			"the statement has not run: pgv_stmt_step first");
		return NULL;
	}
	if (col < 1 || col > st->ncols) {
		*status = pgv__conn_fail(st->conn, PGV_EINVAL, op,
			"column %d is out of range: the result has %d", col, (int)st->ncols);
		return NULL;
	}
	return &st->cols[col - 1];
}

int pgv_stmt_column_name(const char **out, pgv_stmt *st, int col)
{
	const char *op = "pgv_stmt_column_name";
	stmt_column *c;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, op);
	if (out)
		*out = "";
	if (!(c = described_column(st, col, op, &status)))
		return status;
	if (!out)
		return pgv__conn_fail(st->conn, PGV_EINVAL, op, "out is NULL");
	if (!c->name && (status = column_attr(st, col, SQL_DESC_LABEL, &c->name, op)) != 0)
		return status;
	*out = c->name;
	return 0;
}

/* Binds text parameter `n` of a catalog statement; SQL_SUCCEEDED-style return. */
static SQLRETURN bind_name(SQLHSTMT h, SQLUSMALLINT n, const char *s, SQLLEN *ind)
{
	*ind = (SQLLEN)strlen(s);
	return SQLBindParameter(h, n, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR,
		*ind ? (SQLULEN)*ind : 1, 0, (SQLPOINTER)s, *ind, ind);
}

/*
 * The catalog's type name of column `column` of table `schema`.`table` into *out (newly
 * allocated), or NULL when there is no such column; 0 or an error recorded as `op`.
 */
static int catalog_type(pgv_stmt *st, const char *schema, const char *table, const char *column,
	char **out, const char *op)
{
	pgv_conn *c = st->conn;
	SQLHSTMT h = SQL_NULL_HSTMT;
	SQLLEN ind[4], got = 0;
	char name[130];
	SQLRETURN rc;
	int status = 0;

	*out = NULL;
	if ((status = pgv__conn_alloc_stmt(c, &h, op)) != 0)
		return status;
	if (!SQL_SUCCEEDED(rc = bind_name(h, 1, table, &ind[0]))
			|| !SQL_SUCCEEDED(rc = bind_name(h, 2, column, &ind[1]))
			|| !SQL_SUCCEEDED(rc = bind_name(h, 3, schema, &ind[2]))
			|| !SQL_SUCCEEDED(rc = bind_name(h, 4, schema, &ind[3]))
			|| !SQL_SUCCEEDED(rc = SQLExecDirect(h, (SQLCHAR *)CATALOG_COLUMN_TYPE, SQL_NTS))) {
		status = pgv__odbc_fail(c, SQL_HANDLE_STMT, h, rc, op);
		goto done;
	}
	rc = SQLFetch(h);
	if (rc == SQL_NO_DATA)
		goto done;
	if (!SQL_SUCCEEDED(rc)
			|| !SQL_SUCCEEDED(rc = SQLGetData(h, 1, SQL_C_CHAR, name, sizeof(name), &got))) {
		status = pgv__odbc_fail(c, SQL_HANDLE_STMT, h, rc, op);
		goto done;
	}
	/* a type name is at most 63 bytes: anything else is not a name to trust */
	if (got > 0 && (size_t)got < sizeof(name) && !(*out = strdup(name)))
		status = pgv__conn_fail(c, PGV_ENOMEM, op, "out of memory");
done:
	SQLFreeHandle(SQL_HANDLE_STMT, h);
	return status;
}

int pgv_stmt_column_type_name(const char **out, pgv_stmt *st, int col)
{
	const char *op = "pgv_stmt_column_type_name";
	char *schema = NULL, *table = NULL, *column = NULL, *found = NULL;
	stmt_column *c;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, op);
	if (out)
		*out = "";
	if (!(c = described_column(st, col, op, &status)))
		return status;
	if (!out)
		return pgv__conn_fail(st->conn, PGV_EINVAL, op, "out is NULL");
	if (c->type_name) {
		*out = c->type_name;
		return 0;
	}
	if ((status = column_attr(st, col, SQL_DESC_TYPE_NAME, &c->type_name, op)) != 0)
		return status;
	if (strcmp(c->type_name, UNKNOWN_TYPE) == 0) {
		/* the base column's name when the driver knows it, else the label */
		if ((status = column_attr(st, col, SQL_DESC_TABLE_NAME, &table, op)) == 0
				&& table[0]
				&& (status = column_attr(st, col, SQL_DESC_SCHEMA_NAME, &schema, op)) == 0
				&& (status = column_attr(st, col, SQL_DESC_BASE_COLUMN_NAME, &column, op))
					== 0) {
			if (!column[0]) {
				free(column);
				column = NULL;
				status = column_attr(st, col, SQL_DESC_LABEL, &column, op);
			}
			if (status == 0)
				status = catalog_type(st, schema, table, column, &found, op);
		}
		if (found) {
			free(c->type_name);
			c->type_name = found;
		}
	}
	free(schema);
	free(table);
	free(column);
	if (status != 0) {
		free(c->type_name);
		c->type_name = NULL;
		return status;
	}
	*out = c->type_name;
	return 0;
}

int pgv_stmt_next_result(pgv_stmt *st)
{
	const char *op = "pgv_stmt_next_result";
	pgv_conn *c;
	SQLRETURN rc;
	SQLLEN rows = -1;
	int status;

	if (!st || !st->conn)
		return pgv__stmt_refuse(st, op);
	c = st->conn;
	pgv__conn_clear(c);
	if ((status = pgv__conn_usable(c, op)) != 0)
		return status;
	if (!st->executed)
		return pgv__conn_fail(c, PGV_EINVAL, op,
			"the statement has not run: pgv_stmt_step first");
	rc = SQLMoreResults(st->h);
	if (rc == SQL_NO_DATA) {
		st->done = 1;
		st->on_row = 0;
		return PGV_DONE;
	}
	if (!SQL_SUCCEEDED(rc))
		return pgv__odbc_fail(c, SQL_HANDLE_STMT, st->h, rc, "pgv_stmt_next_result: "
			"SQLMoreResults");
	/* the old result's columns go before the new count replaces theirs */
	pgv__stmt_columns_free(st);
	st->ncols = 0;
	st->done = 0;
	st->on_row = 0;
	st->changes = -1;
	rc = SQLNumResultCols(st->h, &st->ncols);
	if (!SQL_SUCCEEDED(rc)) {
		st->ncols = 0;
		return pgv__odbc_fail(c, SQL_HANDLE_STMT, st->h, rc,
			"pgv_stmt_next_result: SQLNumResultCols");
	}
	if (SQL_SUCCEEDED(SQLRowCount(st->h, &rows)))
		st->changes = rows;
	if ((status = pgv__stmt_columns_prepare(st)) != 0)
		return status;
	return PGV_OK;
}

int pgv_stmt_param_count(pgv_stmt *st)
{
	return st ? st->nparams : 0;
}
