/* Internal: the statement object shared by stmt.c (binding, running) and column.c (reading). */
#ifndef PGV_INTERNAL_STMT_H
#define PGV_INTERNAL_STMT_H

#include "odbc/odbc.h"

/* One bound parameter; its buffers stay put from bind until the next bind of that index. */
typedef struct stmt_param {
	int bound;
	SQLSMALLINT ctype;   /* SQL_C_CHAR or SQL_C_SBIGINT */
	SQLSMALLINT sqltype; /* what the driver declares to the server */
	SQLLEN ind;          /* byte length, or SQL_NULL_DATA */
	SQLULEN size;        /* column size passed to SQLBindParameter */
	int64_t i64;
	char *text;          /* owned text for character data */
	size_t text_cap;
} stmt_param;

/* One column of the current row, read whole as text on first access. */
typedef struct stmt_column {
	int fetched;  /* read for the current row */
	int is_null;
	char *buf;    /* NUL-terminated text; kept across rows to reuse the allocation */
	size_t len;
	size_t cap;
} stmt_column;

struct pgv_stmt {
	pgv_conn *conn;
	SQLHSTMT h;
	SQLSMALLINT nparams;  /* placeholders in the SQL, from SQLNumParams */
	stmt_param *params;   /* nparams entries */
	int executed;         /* executed since prepare or reset */
	int done;             /* PGV_DONE has been returned */
	int on_row;           /* a fetched row is current */
	SQLSMALLINT ncols;
	stmt_column *cols;    /* ncols entries, allocated on first execute */
	int64_t changes;
};

/* Forgets the current row's column cache (keeps the buffers). */
void pgv__stmt_columns_reset(pgv_stmt *st);

/* Frees the column cache. */
void pgv__stmt_columns_free(pgv_stmt *st);

/* Sizes the column cache after execute; 0 or PGV_ENOMEM (recorded). */
int pgv__stmt_columns_prepare(pgv_stmt *st);

#endif
