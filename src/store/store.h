/*
 * Internal: the store's shared pieces - the SQL dialect (every piece of SQL text the store sends,
 * in one table: dialect.c), a resolved table description, the catalog look-up of the vector
 * column, error helpers (table.c), the values of each column type (value.c) and the row iterator
 * (rows.c); used by upsert.c, query.c, index.c and search.c.  Never installed.
 */
#ifndef PGV_INTERNAL_STORE_H
#define PGV_INTERNAL_STORE_H

#include "odbc/conn_error.h"
#include "pgvodbc/stmt.h"
#include "pgvodbc/store.h"
#include "pgvodbc/index.h"

#define PGV__METRIC_COUNT 6

/* No metric: pgv__store_refused for a query that measures nothing (a listing). */
#define PGV__METRIC_NONE ((pgv_metric)-1)
#define PGV__TYPE_COUNT 4
#define PGV__METHOD_COUNT 2
#define PGV__FORM_COUNT 4

/* PostgreSQL's longest identifier in bytes (NAMEDATALEN - 1); longer names are truncated. */
#define PGV__IDENT_MAX 63

/*
 * Batching of writes, from tests/bench/bench_upsert.c (see the comment in upsert.c): list
 * parameters of at most PGV__BATCH_ROWS rows or PGV__BATCH_BYTES of value text; VALUES lists
 * of as many rows as fit in PGV__ROWS_BATCH_BYTES.
 */
#define PGV__BATCH_ROWS 1000
#define PGV__BATCH_BYTES (256 * 1024)
#define PGV__ROWS_BATCH_BYTES (1024 * 1024)

/*
 * Rows whose value text is at least this long go as a VALUES list of bound parameters rather
 * than as list parameters: the server then reads each value once, without first taking a list
 * text of them apart (upsert.c).  On a native server the VALUES list won from 16 dimensions
 * (about 210 bytes of text) up and the lists at 4 and 8 (52 and 105 bytes).
 */
#define PGV__ROWS_MIN_TEXT 160

/* Rows per VALUES statement where a dialect has no list parameters (SQLite: see dialect.c). */
#define PGV__BATCH_ROWS_PARAMS 200

/*
 * A write in a transaction of the store's own that fails with a deadlock or a serialization
 * failure runs again up to PGV__RETRIES times, after a jittered wait starting near
 * PGV__RETRY_BASE_MS milliseconds and doubling (upsert.c).
 */
#define PGV__RETRIES 3
#define PGV__RETRY_BASE_MS 10

/* Ids per statement of pgv_store_delete (about 20 bytes of list text each). */
#define PGV__DELETE_IDS 50000

/* The statements of the store; each dialect spells every one. */
typedef enum pgv__store_stmt {
	PGV__SQL_DESCRIBE,     /* (id name, qualified table, vector name) -> exists, has id, has
	                          vector, dim, type name */
	PGV__SQL_SEQUENCE,     /* (qualified table, id name) -> the id column's sequence or NULL */
	PGV__SQL_NEW_IDS,      /* (sequence, n) -> one list text of n new ids */
	PGV__SQL_UPSERT,       /* (id list, vector list) */
	PGV__SQL_INSERT,       /* (id list, vector list), ids that override a generated column */
	PGV__SQL_UPSERT_ROWS,  /* {rows} x (id, vector): PGV__SQL_UPSERT as a VALUES list */
	PGV__SQL_INSERT_ROWS,  /* {rows} x (id, vector): PGV__SQL_INSERT as a VALUES list */
	PGV__SQL_GET,          /* (id) -> vector */
	PGV__SQL_DELETE,       /* (id list) */
	PGV__SQL_COUNT,        /* () -> count */
	PGV__SQL_IDS,          /* () -> id of every row with a vector, in id order */
	PGV__SQL_LIST,         /* () -> id, vector */
	PGV__SQL_LIST_AFTER,   /* (after id) -> id, vector */
	PGV__SQL_LIST_PAGE,    /* (limit) -> id, vector */
	PGV__SQL_LIST_PAGE_AFTER, /* (after id, limit) -> id, vector */
	PGV__SQL_KNN,          /* (query vector, k) -> id, vector, distance */
	PGV__SQL_KNN_HALFVEC,  /* (query vector, query vector, candidates, k) with {dim}: the
	                          candidates by the halfvec expression, re-ranked exactly */
	PGV__SQL_KNN_BINARY,   /* (query vector, query vector, candidates, k) with {dim}: the
	                          candidates by hamming distance of the binary quantization,
	                          re-ranked exactly */
	PGV__SQL_DISTANCES,    /* (query vector) -> id, vector, distance */
	PGV__SQL_DISTANCES_IDS,/* (query vector, id list) -> id, vector, distance */
	PGV__SQL_DISTANCES_PAGE, /* (query vector, limit) -> id, vector, distance */
	PGV__SQL_DISTANCES_PAGE_AFTER, /* (query vector, after id, limit) -> id, vector, distance */
	PGV__SQL_ID_KEY,       /* (qualified table, id name; with catalog_names: table, id and
	                          schema names) -> the id is NOT NULL, the number of valid,
	                          non-partial unique indexes whose sole key it is; no row when
	                          the table or the column does not exist */
	PGV__SQL_INDEX_CREATE, /* () with {name}, {method}, {opclass}, {with}, {concurrently} */
	PGV__SQL_INDEX_FIND,   /* (index name, qualified table) -> table exists, the index's
	                          schema when it is an index of that table */
	PGV__SQL_INDEX_DROP,   /* () with {name}: the index's qualified, quoted name */
	PGV__SQL_INDEX_PROGRESS, /* (qualified table) -> phase, tuples done, total, blocks done,
	                          total of a running build */
	PGV__SQL_INDEX_FORMS,  /* (qualified table, vector name) -> form name (plain, halfvec,
	                          binary or NULL), operator class, method, dimension: one row per
	                          usable index on the vector column */
	PGV__SQL_SEARCH_SET,   /* (name list, value list) -> name, old value (SET LOCAL each) */
	PGV__SQL_SEARCH_RESTORE, /* (name list, value list) -> count (SET LOCAL each) */
	PGV__SQL_COUNT_OF
} pgv__store_stmt;

/* The per-query settings pgv_store_knn_ext may make (PGV__SQL_SEARCH_SET names them). */
typedef enum pgv__search_guc {
	PGV__GUC_EF_SEARCH,
	PGV__GUC_PROBES,
	PGV__GUC_HNSW_ITERATIVE,
	PGV__GUC_IVFFLAT_ITERATIVE,
	PGV__GUC_MAX_SCAN_TUPLES,
	PGV__GUC_MAX_PROBES,
	PGV__GUC_SCAN_MEM_MULTIPLIER,
	PGV__GUC_INDEXSCAN,        /* core settings an exact search turns off (pgv_recall) */
	PGV__GUC_BITMAPSCAN,
	PGV__GUC_COUNT
} pgv__search_guc;

/*
 * The SQL of one backend.  Statement templates name their parts in braces: {table}, {id} and
 * {vec} are the quoted names (inserted as they are, never expanded again), {op} the metric's
 * operator; {read}, {vparam}, {dist}, {ids} and {vlist} are the pieces below for the table's
 * type (and {read} the binary piece when the table is read in binary form), expanded in turn;
 * {name}, {method}, {opclass}, {with} and {concurrently} come from the caller (pgv__sql_vars).
 * A second backend is a second instance of this struct.
 */
typedef struct pgv__dialect {
	const char *name;
	const char *type_names[PGV__TYPE_COUNT];   /* the column type each pgv_type names */
	const char *type_alias[PGV__TYPE_COUNT];   /* another declared type it covers, or NULL */
	int type_since[PGV__TYPE_COUNT];           /* extension version that added it, 0: always */
	const char *vparam[PGV__TYPE_COUNT];       /* a value parameter, bound as the type's text */
	const char *read[PGV__TYPE_COUNT];         /* reads the column as text the store parses */
	const char *read_binary[PGV__TYPE_COUNT];  /* as pgvector's binary form; NULL: text only */
	const char *vlist[PGV__TYPE_COUNT];        /* a list of values as one text parameter */
	const char *dist;          /* the distance from the vector column to {vparam} under {op} */
	const char *ids;           /* a list of ids as one text parameter */
	const char *row;           /* {rows}: one row of a VALUES list, an id and a value */
	const char *operators[PGV__METRIC_COUNT];
	int operator_since[PGV__METRIC_COUNT];     /* extension version that added it, 0: always */
	unsigned metric_types[PGV__METRIC_COUNT];  /* bit (1 << pgv_type) per type it applies to */
	const char *methods[PGV__METHOD_COUNT];    /* index access methods */
	unsigned method_metrics[PGV__METHOD_COUNT][PGV__TYPE_COUNT]; /* bit (1 << metric) */
	const char *concurrently;  /* {concurrently} when asked for */
	const char *gucs[PGV__GUC_COUNT];          /* the settings behind pgv_search_opts */
	const char *form_key[PGV__FORM_COUNT];     /* {key}: what an index of each form indexes */
	const char *form_names[PGV__FORM_COUNT];   /* auto, plain, halfvec, binary */
	int form_since;            /* extension version of the halfvec and binary forms */
	char list_open;            /* list parameter text: open, close, element quote */
	char list_close;
	char list_quote;
	int read_f32;              /* {read} yields sqlite-vec's float32 blob, not text */
	const char *dist_of[PGV__TYPE_COUNT]; /* {dist} of a type, when not .dist (the store's;
	                              collections take .dist) */
	int bits_blob;             /* bit values travel and come back as blobs: their bytes, the
	                              first bit the most significant of the first byte */
	int dist_float32;          /* distances are computed in float32 (reported as such) */
	int hex_floats;            /* vector and halfvec values may be sent with exact hexadecimal
	                              elements (pgvector reads them with strtof) */
	int catalog_names;         /* PGV__SQL_DESCRIBE takes (id, vector, table, schema) names
	                              as given, not (id, quoted qualified table, vector) */
	const char *no_index;      /* why the backend has no index, for refusals */
	const char *metrics_had;   /* the metrics it has, for refusals */
	const char *stmt[PGV__SQL_COUNT_OF];
} pgv__dialect;

/* How the store reads a vector column (pgv__value_read's `form`). */
#define PGV__READ_TEXT 0   /* text the codec parses */
#define PGV__READ_SEND 1   /* pgvector's binary form (as base64 text) */
#define PGV__READ_F32 2    /* sqlite-vec's float32 blob */

/*
 * The dialect of `backend` (pgv_conn_backend), NULL when the store does not speak it.  Index
 * methods, their options and search settings are pgvector's alone: their checks read the
 * PostgreSQL dialect, after the SQLite dialect has refused them.
 */
const pgv__dialect *pgv__store_dialect(pgv_backend backend);

/* A pgv_table with defaults filled in and every name quoted.  The quoted names are owned. */
typedef struct pgv__store_table {
	const pgv__dialect *dialect;
	char *table;               /* "schema"."table" or "table" */
	char *id;                  /* "id" */
	char *vec;                 /* "embedding" */
	const char *schema_name;   /* the names as given (the caller's strings or the defaults) */
	const char *table_name;
	const char *id_name;
	const char *vec_name;
	pgv_type type;             /* the vector column's type */
	int binary;                /* {read} is the binary piece (when the type has one) */
	char *what;                /* what the call is doing, for messages: upserting into "t" */
} pgv__store_table;

/*
 * Fills `t` from `spec` (NULL: all defaults): checks the version and the type, quotes every
 * name.  `verb` ("upserting into") starts every message about this table.  Returns 0, or a
 * negative status recorded on the connection as `op`.  Release with pgv__store_table_free (also
 * after failure).
 */
int pgv__store_table_open(pgv__store_table *t, pgv_conn *c, const pgv_table *spec,
	const char *op, const char *verb);

/* The read form of table `t`'s vector column (PGV__READ_*). */
int pgv__store_read_form(const pgv__store_table *t);

/* 1 when the table's dialect has statement `which`, else 0. */
int pgv__store_has(const pgv__store_table *t, pgv__store_stmt which);

/*
 * Refuses, before any round trip, what the table's backend lacks: PGV_EUNSUPPORTED recorded as
 * `op`, "<t->what>: <what> not supported on <backend>[ (<why>)]".  `what` names it with its
 * verb ("indexes are", "the halfvec type is").  Returns PGV_EUNSUPPORTED.
 */
int pgv__store_unsupported(pgv_conn *c, const pgv__store_table *t, const char *op,
	const char *what, const char *why);

/* Frees the quoted names of `t`. */
void pgv__store_table_free(pgv__store_table *t);

/*
 * The same resolution without a connection (for unit tests and open), in the PostgreSQL dialect
 * (pgv__store_table_open then sets the connection's): 0, or a negative status with the thread
 * error (pgv_error_last) set.
 */
int pgv__store_table_resolve(pgv__store_table *t, const pgv_table *spec, const char *verb);

/* Names a statement template takes from its caller (NULL fields expand to nothing). */
typedef struct pgv__sql_vars {
	const char *name;          /* a quoted (and perhaps qualified) object name */
	const char *method;        /* an index access method */
	const char *with;          /* a storage-parameter clause, " WITH (m = 16)" */
	int concurrently;          /* {concurrently} expands to the dialect's word */
	pgv_index_form form;       /* {key} and {opclass} of an index: AUTO and PLAIN the column */
	size_t dim;                /* {dim}: the dimension in a form's expression */
	size_t rows;               /* {rows}: how many rows a VALUES list has */
} pgv__sql_vars;

/*
 * Builds statement `which` for table `t` (`metric` matters only to k-NN, distances and index
 * creation; `vars` may be NULL).  Returns newly allocated SQL (free with free()), or NULL when
 * out of memory.
 */
char *pgv__store_sql(const pgv__store_table *t, pgv__store_stmt which, pgv_metric metric);
char *pgv__store_sql_vars(const pgv__store_table *t, pgv__store_stmt which, pgv_metric metric,
	const pgv__sql_vars *vars);

/*
 * Looks the table up in the catalog: PGV_ENOTFOUND when the table, its id column or its vector
 * column does not exist, PGV_EINVAL when the vector column is declared as another pgvector type
 * (or bit) than t->type, else 0 with `*dim` the column's declared dimension (bit(n): n bits; 0
 * when it declares none, so the server decides) and, when `type` is not NULL, the column's type
 * name ("vector", "varbit", ...) in `type` (`cap` bytes).  Errors are recorded on the connection
 * as `op`.
 */
int pgv__store_describe(pgv_conn *c, const pgv__store_table *t, const char *op, size_t *dim,
	char *type, size_t cap);

/* 1 when pgvector version `version` (major*10000+minor*100+patch) has `metric`, else 0. */
int pgv__metric_available(pgv_metric metric, int version);

/* The pgvector version that added `metric` (0 when every version has it). */
int pgv__metric_since(pgv_metric metric);

/* The pgvector version that added the column type `type` (0 when every version has it). */
int pgv__type_since(pgv_type type);

/* 1 when `metric` applies to columns of `type` (l2 to vectors, hamming to bits), else 0. */
int pgv__metric_for_type(pgv_metric metric, pgv_type type);

/*
 * Checks, without a round trip, that `metric` is known and applies to the table's type: 0 or
 * PGV_EINVAL ("the hamming metric (<~>) is for bit columns, not vector: use l2, ip, cosine or
 * l1"), recorded on the connection as `op`.
 */
int pgv__store_check_metric_type(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric);

/*
 * Checks that `metric` is known and that the server's pgvector has the table's type and the
 * metric's operator: 0, PGV_EINVAL or PGV_EUNSUPPORTED ("the l1 metric (<+>) needs pgvector
 * 0.7.0 or later; this server has 0.6.2"), recorded on the connection as `op`.
 */
int pgv__store_check_metric(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric);

/*
 * Rolls back the transaction the store opened, keeping the connection's current error (the
 * failure that made it roll back) rather than the rollback's result.  Returns `status`.
 */
int pgv__store_rollback(pgv_conn *c, int status);

/*
 * A refused listing, k-NN or distances query (or index creation; metric PGV__METRIC_NONE for a
 * listing): maps the server's SQLSTATE to the status
 * a caller branches on and, outside a caller's transaction, asks the catalog and the extension
 * version to explain it (missing table or column, dimension, type or operator too new).
 * Returns the status to report.
 */
int pgv__store_refused(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric, size_t dim, int status);

/*
 * Keyset paging's precondition (paging.c): 0 when the id column is NOT NULL and the sole key of
 * a valid, non-partial unique index (or when the table or column does not exist, which the
 * paged query then reports), else PGV_EUNSUPPORTED naming the table, the column and why; a
 * failed catalog query is recorded as `op`.
 */
int pgv__store_check_pageable(pgv_conn *c, const pgv__store_table *t, const char *op);

/*
 * Checks the metric for the table's type and the query vector as a value of that type (no
 * round trip), prepares `sql` and binds the query vector's text to parameters 1..nvalues.
 * 0, or a negative status recorded as `op` (*st then NULL).
 */
int pgv__store_query_prepare(pgv_conn *c, const pgv__store_table *t, const char *op,
	const char *sql, pgv_metric metric, const float *query, size_t dim, int nvalues,
	pgv_stmt **st);

/* The shape of a k-NN query (shape.c). */
typedef struct pgv__knn_shape {
	pgv_index_form form;   /* PLAIN, HALFVEC or BINARY */
	size_t dim;            /* {dim} of the form's expression (0 for PLAIN) */
	size_t candidates;     /* HALFVEC, BINARY: the rows taken from the index for re-ranking */
} pgv__knn_shape;

/* One index the catalog reported on the vector column: its form and operator class. */
typedef struct pgv__index_found {
	pgv_index_form form;
	char opclass[64];
} pgv__index_found;

/* 0 when a column of `type` can have an index of `form`, else PGV_EINVAL (thread error set). */
int pgv__form_check(pgv_index_form form, pgv_type type);

/*
 * The form a k-NN query under `metric` on a column of `type` is shaped for, given the indexes
 * found: plain with the metric's operator class, else halfvec with it, else binary with
 * bit_hamming_ops, else PLAIN.
 */
pgv_index_form pgv__form_pick(const pgv__index_found *found, size_t n, pgv_type type,
	pgv_metric metric);

/*
 * Decides the shape of a k-NN query for `form` (AUTO: one catalog query, pgv__form_pick),
 * `rerank` candidates (0: PGV_RERANK_DEFAULT(k)) and query dimension `dim`.  0, or PGV_EINVAL
 * (a form the type cannot have, rerank below k) / a catalog failure, recorded as `op`.
 */
int pgv__knn_shape_make(pgv__knn_shape *out, pgv_conn *c, const pgv__store_table *t,
	const char *op, pgv_metric metric, pgv_index_form form, size_t rerank, size_t k, size_t dim);

/* Forgets the index forms cached on the connection (after creating or dropping an index). */
void pgv__forms_forget(pgv_conn *c);

/* The SQL of a shaped k-NN query, newly allocated (free()); NULL when out of memory. */
char *pgv__knn_sql(const pgv__store_table *t, pgv_metric metric, const pgv__knn_shape *shape);

/*
 * Prepares the k-NN statement of table `t` in `shape` with everything bound, after the checks
 * made without a round trip: k, the metric for the table's type, the query vector as a value
 * of that type.  0, or a negative status recorded as `op` (*st then NULL).
 */
int pgv__store_knn_stmt(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric, const float *query, size_t dim, size_t k, const pgv__knn_shape *shape,
	pgv_stmt **st);

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

/*
 * Appends `n` texts as a list parameter's text, each quoted (backslash and quote escaped), NULL
 * entries as SQL NULL: {"a","b\"c",NULL}.
 */
void pgv__buf_add_texts(pgv__buf *b, const pgv__dialect *d, const char *const *texts, size_t n);

/* Values of each column type (value.c). */

/*
 * Checks `data[0..dim)` as the server checks a value of `type`: 0, or PGV_EDIM / PGV_EVALUE /
 * PGV_EINVAL with the thread error (pgv_error_last) naming the 0-based element.
 */
int pgv__value_check(pgv_type type, const float *data, size_t dim);

/*
 * Values as the table's dialect sends them: pgv__store_value_blob is 1 when they are bytes
 * (bit values on SQLite: sqlite-vec's vec_bit takes the blob, whole bytes only), else text.
 * pgv__store_value_check adds the dialect's own limits to pgv__value_check's (a bit value of a
 * number of bits that is no multiple of 8 on SQLite: PGV_EUNSUPPORTED naming the backend);
 * pgv__store_add_value appends the bytes or the text (checked beforehand; vector and halfvec
 * elements in exact hexadecimal where the dialect reads them so, else the shortest decimal text
 * the codec writes); pgv__store_bind_value binds what
 * pgv__store_add_value wrote (a copy, or by reference as pgv__stmt_bind_text_ref).
 */
int pgv__store_value_blob(const pgv__store_table *t);
int pgv__store_value_check(const pgv__store_table *t, const float *data, size_t dim);
void pgv__store_add_value(pgv__buf *b, const pgv__store_table *t, const float *data, size_t dim);
int pgv__store_bind_value(pgv_stmt *st, int idx, int blob, const char *s, size_t len, int ref);

/*
 * Reads column `col` of the current row as a value of `type` into `out` (newly allocated; free
 * with pgv_vector_free): float4[] text, pgvector's binary form (`binary` PGV__READ_SEND, not for
 * bit), sqlite-vec's float32 blob (PGV__READ_F32; for bit, vec_bit's blob of whole bytes), or bit
 * text.  Returns 0, PGV_NULL (empty `out`) or a negative status recorded on the connection.
 */
int pgv__value_read(pgv_conn *c, pgv_stmt *st, int col, pgv_type type, int binary,
	pgv_vector *out);

/* Indexes (index.c). */

/*
 * Checks index options for a column of `type` without a round trip (method, metric, the
 * method/type/metric combination, option ranges): 0, or PGV_EINVAL with the thread error set in
 * pgvector's wording.
 */
int pgv__index_check(const pgv_index_opts *o, pgv_type type);

/*
 * Checks the column as the catalog declares it (type name, dimension or 0) against the index
 * method's limits for the form, and resolves the form (AUTO: halfvec for a vector column of
 * 2001..4000 dimensions, else plain) into `*form`: 0, or PGV_EDIM / PGV_EINVAL with the thread
 * error set.
 */
int pgv__index_check_column(const pgv_index_opts *o, pgv_type type, const char *typname,
	size_t dim, pgv_index_form *form);

/* Search settings (search.c). */

/* The most settings one pgv_search_opts makes. */
#define PGV__SEARCH_MAX PGV__GUC_COUNT

/* The settings a pgv_search_opts asks for, as names and values for PGV__SQL_SEARCH_SET. */
typedef struct pgv__search_settings {
	const char *names[PGV__SEARCH_MAX];
	const char *values[PGV__SEARCH_MAX];
	char numbers[PGV__SEARCH_MAX][32];  /* the integer values' text */
	size_t n;
	int needs_version;         /* an option needs pgvector 0.8.0 */
	const char *needs_what;    /* the first such setting's name */
} pgv__search_settings;

/*
 * Checks search options (version, ranges in pgvector's wording) and lists the settings they
 * make: 0, or PGV_EINVAL with the thread error set.
 */
int pgv__search_settings_make(pgv__search_settings *s, const pgv_search_opts *o);

/* Adds the settings of an exact search (enable_indexscan and enable_bitmapscan off) to `s`. */
void pgv__search_settings_exact(pgv__search_settings *s);

/*
 * pgv_store_knn_ext as `op`; with `exact`, the plain query with index scans turned off for it
 * (the reference an index's answers are measured against).
 */
int pgv__knn_run(pgv_rows **out, pgv_conn *c, const pgv_table *spec, const char *op,
	pgv_metric metric, const float *query, size_t dim, size_t k, const pgv_search_opts *opts,
	int exact);

/* The row iterator (rows.c). */

/*
 * Makes an iterator over a prepared, bound statement of table `t` and runs it, so that a failing
 * query fails here rather than at the first pgv_rows_next.  Takes `st` in every case.  Columns:
 * id, vector (read as t's type, in binary form when t->binary), and the distance when
 * `with_distance`.  Errors are wrapped with t->what and recorded as `op`.
 */
int pgv__rows_start(pgv_rows **out, pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_stmt *st, int with_distance);

/* What a paged iterator's statements are (pgv__rows_start_paged). */
typedef struct pgv__pages {
	pgv__store_stmt first;  /* the first page: ([vector,] limit) */
	pgv__store_stmt next;   /* the pages after an id: ([vector,] after id, limit) */
	pgv_metric metric;      /* for {dist} */
	const char *vtext;      /* the query vector's text, bound first to every page; NULL: none */
	size_t vlen;
	int with_distance;      /* the rows have a third column, the distance */
	int vblob;              /* vtext is bytes, bound as a blob (pgv__store_value_blob) */
} pgv__pages;

/*
 * A paged iterator over table `t` in keyset pages of `page_rows` rows (only ids after `*after`
 * when `after` is not NULL): prepares and runs the first page; later pages run as the rows are
 * read.  `pages` says which statements (the listing: PGV__SQL_LIST_PAGE, _PAGE_AFTER, no
 * vector); its text is copied.  The caller has checked pgv__store_check_pageable.  0 or a
 * negative status (recorded as `op`).
 */
int pgv__rows_start_paged(pgv_rows **out, pgv_conn *c, const pgv__store_table *t,
	const char *op, size_t page_rows, const int64_t *after, const pgv__pages *pages);

/*
 * Reads every remaining row of `r` into memory (at most `max`; the statement is then freed), so
 * that the connection is free for other statements while the rows are handed out.  0 or a
 * negative status (the iterator is then finished).
 */
int pgv__rows_load(pgv_rows *r, size_t max);

/* Orders the rows `r` holds in memory by distance (then id); for a loaded iterator. */
void pgv__rows_sort_by_distance(pgv_rows *r);

#endif
