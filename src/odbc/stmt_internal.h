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
	const char *ref;     /* the caller's text instead, when bound by reference (or NULL) */
	/* bound == 2: an array of anrows values (stmt_array.c), column-wise, astride bytes each */
	char *abuf;
	SQLLEN *aind;
	size_t anrows;
	SQLLEN astride;
	SQLSMALLINT actype, asqltype;
} stmt_param;

/* One column of the current row, read whole (as text, or as bytes) on first access. */
typedef struct stmt_column {
	int fetched;  /* read for the current row */
	int is_null;
	int binary;   /* buf holds bytes (read as SQL_C_BINARY, or hex text decoded), not text */
	int described;       /* sqltype is known (asked once per execute) */
	SQLSMALLINT sqltype; /* the column's SQL type, for binary reads */
	char *buf;    /* NUL-terminated text (or bytes); kept across rows to reuse the allocation */
	size_t len;
	size_t cap;
	char *name;      /* the column's label, asked once per result (stmt_results.c) */
	char *type_name; /* its type's name, asked once per result (stmt_results.c) */
} stmt_column;

struct pgv_stmt {
	pgv__child link;      /* on the connection's list of live handles (first: see stmt_close) */
	pgv_conn *conn;       /* NULL once the connection was closed: every call refuses */
	SQLHSTMT h;
	char *sql;            /* the text as handed to the driver (owned) */
	unsigned long runs;   /* executions so far: the first is direct, later ones prepared */
	SQLSMALLINT nparams;  /* placeholders in the SQL, from SQLNumParams */
	stmt_param *params;   /* nparams entries */
	int executed;         /* executed since prepare or reset */
	int done;             /* PGV_DONE has been returned */
	int on_row;           /* a fetched row is current */
	SQLSMALLINT ncols;
	stmt_column *cols;    /* ncols entries, allocated on first execute */
	int64_t changes;
};

/*
 * Checks a bind call (the statement has not run; 1 <= idx <= its parameter count) and returns
 * the parameter to fill, or NULL with `*status` set and the failure recorded under `op`.
 */
stmt_param *pgv__stmt_bind_target(pgv_stmt *st, int idx, const char *op, int *status);

/* Makes room for `len` bytes of text and a NUL in `p`'s buffer: 0 or PGV_ENOMEM (recorded). */
int pgv__stmt_param_room(pgv_stmt *st, stmt_param *p, size_t len, const char *op);

/* Marks `p` bound to the `len` bytes of text in its buffer, sent as SQL type `sqltype`. */
void pgv__stmt_param_bound(stmt_param *p, size_t len, SQLSMALLINT sqltype);

/*
 * Refuses a call on a NULL statement or one whose connection was closed, in the thread's
 * record (there is no connection to record on); returns PGV_EINVAL or PGV_ECONN.
 */
int pgv__stmt_refuse(const pgv_stmt *st, const char *func);

/* Frees a parameter's array binding (stmt_array.c). */
void pgv__stmt_array_free(stmt_param *p);

/* Forgets the current row's column cache (keeps the buffers). */
void pgv__stmt_columns_reset(pgv_stmt *st);

/* Frees the column cache. */
void pgv__stmt_columns_free(pgv_stmt *st);

/* Sizes the column cache after execute; 0 or PGV_ENOMEM (recorded). */
int pgv__stmt_columns_prepare(pgv_stmt *st);

/*
 * Checks that a row is current and `col` is in range, and reads the columns before `col` (as
 * text: columns are read in ascending order, which every driver supports).  Returns the column,
 * whether read yet or not, or NULL with *status set (recorded as `op`).  Clears the error first.
 */
stmt_column *pgv__stmt_column_at(pgv_stmt *st, int col, const char *op, int *status);

/*
 * Reads column `n` of the current row whole as SQL_C_CHAR or SQL_C_BINARY into its cache
 * (NUL-terminated either way); 0 or an error recorded on the connection.
 */
int pgv__stmt_column_read(pgv_stmt *st, SQLUSMALLINT n, SQLSMALLINT ctype, const char *op);

/* Grows a column buffer to at least `need` bytes; 0 or -1. */
int pgv__stmt_column_reserve(stmt_column *col, size_t need);

/* Converts a column's text into a value: a codec function that sets the thread error. */
typedef int (*stmt_convert_fn)(const char *text, size_t len, void *out);

/*
 * Reads column `col` of the current row whole as text (the columns before it first) and converts
 * it with `fn` into `out`, which the caller has emptied.  Returns 0, PGV_NULL (out untouched), or
 * an error recorded as `op`: a column already read as binary, out NULL, or the codec's complaint
 * prefixed with "column N".
 */
int pgv__stmt_column_convert(pgv_stmt *st, int col, const char *op, void *out,
	stmt_convert_fn fn);

#endif
