/*
 * Internal: the store's shared pieces - the SQL dialect (every piece of SQL text the store sends,
 * in one table: dialect.c), a resolved table description, the catalog look-up of the vector
 * column, and error helpers (table.c); used by upsert.c and query.c.  Never installed.
 */
#ifndef PGV_INTERNAL_STORE_H
#define PGV_INTERNAL_STORE_H

#include "odbc/conn_error.h"
#include "pgvodbc/stmt.h"
#include "pgvodbc/store.h"

#define PGV__METRIC_COUNT 4

/* PostgreSQL's longest identifier in bytes (NAMEDATALEN - 1); longer names are truncated. */
#define PGV__IDENT_MAX 63

/* Batching of writes, from tests/bench/bench_upsert.c (see the comment in upsert.c). */
#define PGV__BATCH_ROWS 1000
#define PGV__BATCH_BYTES (1024 * 1024)

/* Ids per statement of pgv_store_delete (about 20 bytes of list text each). */
#define PGV__DELETE_IDS 50000

/* The statements of the store; each dialect spells every one. */
typedef enum pgv__store_stmt {
	PGV__SQL_DESCRIBE,     /* (id name, qualified table, vector name) -> exists, has id, dim */
	PGV__SQL_SEQUENCE,     /* (qualified table, id name) -> the id column's sequence or NULL */
	PGV__SQL_NEW_IDS,      /* (sequence, n) -> one list text of n new ids */
	PGV__SQL_UPSERT,       /* (id list, vector list) */
	PGV__SQL_INSERT,       /* (id list, vector list), ids that override a generated column */
	PGV__SQL_GET,          /* (id) -> vector */
	PGV__SQL_DELETE,       /* (id list) */
	PGV__SQL_COUNT,        /* () -> count */
	PGV__SQL_LIST,         /* () -> id, vector */
	PGV__SQL_LIST_BINARY,  /* () -> id, vector in pgvector's binary form */
	PGV__SQL_KNN,          /* (query vector, k) -> id, vector, distance */
	PGV__SQL_DISTANCES,    /* (query vector) -> id, vector, distance */
	PGV__SQL_DISTANCES_IDS,/* (query vector, id list) -> id, vector, distance */
	PGV__SQL_COUNT_OF
} pgv__store_stmt;

/*
 * The SQL of one backend.  Statement templates name their parts in braces: {table}, {id} and
 * {vec} are the quoted names (inserted as they are, never expanded again), {op} the metric's
 * operator; {read}, {read_binary}, {vparam}, {dist}, {ids} and {vlist} are the pieces below,
 * expanded in turn.
 * A second backend is a second instance of this struct.
 */
typedef struct pgv__dialect {
	const char *name;
	const char *vparam;        /* a vector parameter, bound as vector text */
	const char *read;          /* reads the vector column as text the codec parses */
	const char *read_binary;   /* reads it as pgvector's binary form (bytes) */
	const char *dist;          /* the distance from the vector column to {vparam} under {op} */
	const char *ids;           /* a list of ids as one text parameter */
	const char *vlist;         /* a list of vectors as one text parameter */
	const char *operators[PGV__METRIC_COUNT];
	int operator_since[PGV__METRIC_COUNT]; /* extension version that added it, 0: always */
	char list_open;            /* list parameter text: open, close, element quote */
	char list_close;
	char list_quote;
	const char *stmt[PGV__SQL_COUNT_OF];
} pgv__dialect;

/* The dialect in use (PostgreSQL with pgvector). */
const pgv__dialect *pgv__store_dialect(void);

/* A pgv_table with defaults filled in and every name quoted.  The quoted names are owned. */
typedef struct pgv__store_table {
	const pgv__dialect *dialect;
	char *table;               /* "schema"."table" or "table" */
	char *id;                  /* "id" */
	char *vec;                 /* "embedding" */
	const char *id_name;       /* the names as given (the caller's strings or the defaults) */
	const char *vec_name;
	char what[320];            /* what the call is doing, for messages: upserting into "t" */
} pgv__store_table;

/*
 * Fills `t` from `spec` (NULL: all defaults): checks the version, quotes every name.  `verb`
 * ("upserting into") starts every message about this table.  Returns 0, or a negative status
 * recorded on the connection as `op`.  Release with pgv__store_table_free (also after failure).
 */
int pgv__store_table_open(pgv__store_table *t, pgv_conn *c, const pgv_table *spec,
	const char *op, const char *verb);

/* Frees the quoted names of `t`. */
void pgv__store_table_free(pgv__store_table *t);

/*
 * The same resolution without a connection (for unit tests and open): 0, or a negative status
 * with the thread error (pgv_error_last) set.
 */
int pgv__store_table_resolve(pgv__store_table *t, const pgv_table *spec, const char *verb);

/*
 * Builds statement `which` for table `t` (`metric` matters only to k-NN and distances).
 * Returns newly allocated SQL (free with free()), or NULL when out of memory.
 */
char *pgv__store_sql(const pgv__store_table *t, pgv__store_stmt which, pgv_metric metric);

/*
 * Looks the table up in the catalog: PGV_ENOTFOUND when the table, its id column or its vector
 * column does not exist, else 0 with `*dim` the vector column's declared dimension (0 when it
 * has none, so the server decides).  Errors are recorded on the connection as `op`.
 */
int pgv__store_describe(pgv_conn *c, const pgv__store_table *t, const char *op, size_t *dim);

/* 1 when pgvector version `version` (major*10000+minor*100+patch) has `metric`, else 0. */
int pgv__metric_available(pgv_metric metric, int version);

/* The pgvector version that added `metric` (0 when every version has it). */
int pgv__metric_since(pgv_metric metric);

/*
 * Checks that `metric` is known and that the server's pgvector has its operator: 0, PGV_EINVAL
 * or PGV_EUNSUPPORTED ("the l1 metric (<+>) needs pgvector 0.7.0 or later; this server has
 * 0.6.2"), recorded on the connection as `op`.
 */
int pgv__store_check_metric(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric);

/*
 * Puts `t->what` and `detail` (when not NULL) in front of the connection's current error message,
 * and `op` in front of the failed call's name, keeping its SQLSTATE, native code and row.
 * Returns `status`.
 */
int pgv__store_wrap(pgv_conn *c, const pgv__store_table *t, const char *op, const char *detail,
	int status);

/* A copy of a connection's error, kept across calls that clear it. */
typedef struct pgv__saved_error {
	int status;
	char sqlstate[6];
	long native;
	int64_t row;
	char op[96];
	char *message; /* owned; NULL when memory ran out (restoring then keeps the current error) */
} pgv__saved_error;

/* Copies the connection's current error into `s` (release it with pgv__store_error_restore). */
void pgv__store_error_save(pgv_conn *c, pgv__saved_error *s);

/* Makes `s` the connection's error again with status `status`, frees it; returns `status`. */
int pgv__store_error_restore(pgv_conn *c, pgv__saved_error *s, int status);

/*
 * Rolls back the transaction the store opened, keeping the connection's current error (the
 * failure that made it roll back) rather than the rollback's result.  Returns `status`.
 */
int pgv__store_rollback(pgv_conn *c, int status);

/* A growable text buffer; `oom` is set once an append failed (the text is then incomplete). */
typedef struct pgv__buf {
	char *s;
	size_t len;
	size_t cap;
	int oom;
} pgv__buf;

/* Makes room for `n` more bytes (plus a NUL); 0 or -1 (and oom set). */
int pgv__buf_reserve(pgv__buf *b, size_t n);

/* Appends `n` bytes / a C string / one character. */
void pgv__buf_add(pgv__buf *b, const char *s, size_t n);
void pgv__buf_adds(pgv__buf *b, const char *s);
void pgv__buf_addc(pgv__buf *b, char ch);

/* Empties the buffer, keeping its memory. */
void pgv__buf_reset(pgv__buf *b);

/* Frees the buffer's memory. */
void pgv__buf_free(pgv__buf *b);

/* Appends `n` ids as a list parameter's text ({1,2,3} for PostgreSQL). */
void pgv__buf_add_ids(pgv__buf *b, const pgv__dialect *d, const int64_t *ids, size_t n);

#endif
