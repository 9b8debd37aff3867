/*
 * Internal: collections (pgvodbc/collection.h) - the handle's catalog description, the SQL of
 * collections (collection_sql.c), SQLite's types (collection_sqlite.c), parameter lists
 * (binds.c), filters compiled to SQL (filter.c) and the cursor (cursor.c).  Never installed.
 */
#ifndef PGV_INTERNAL_COLLECTION_H
#define PGV_INTERNAL_COLLECTION_H

#include "store/store.h"
#include "pgvodbc/collection.h"

/* One column of the table as the catalog describes it. */
typedef struct pgv__col {
	char *name;        /* as the catalog spells it */
	char *quoted;      /* pgv_ident_quote(name) */
	char *type;        /* format_type(type, typmod): "character varying(20)" */
	char *cast;        /* format_type(type, NULL): what values are cast to ("character varying") */
	char base[64];     /* the base type's name (a domain's base): "int4", "jsonb" */
	pgv_value_type kind; /* what its values read as */
	int is_array;
	int notnull;
	int64_t min, max;  /* the range of an integer column */
	int iso_time;      /* date, timestamp, timestamptz: read as to_json's ISO text */
	int uuid;          /* a uuid column (on SQLite: text the library keeps canonical) */
	int opaque;        /* a type a collection neither reads nor writes (SQLite: BLOB) */
} pgv__col;

struct pgv_collection {
	pgv__child link;     /* on the connection's list of live handles (first: see coll_close) */
	pgv_conn *conn;      /* NULL once the connection was closed: every query call refuses */
	pgv__store_table t;  /* the quoted table, id and vector names, the vector type */
	pgv__col *cols;      /* every column of the table, in attnum order */
	size_t ncols;
	size_t *named;       /* table->columns as indexes into cols */
	size_t nnamed;
	size_t id;           /* the id column's index */
	size_t vec;          /* the vector column's index */
	int id_int;          /* the id is an integer column */
	int id_uuid;         /* the id is a uuid column */
	size_t dim;          /* the vector column's declared dimension, 0 when none */
	int pageable;        /* the id was found unique and non-null (asked once, by a limited
	                        listing: see pgv__store_check_pageable) */
	int sqlite;          /* SQLite: values bound as their columns store them, no casts, no
	                        list parameters (collection_sqlite.c) */
};

/* Sets what the call is doing, for messages: "upserting into" -> upserting into "t". */
void pgv__coll_doing(pgv_collection *c, const char *verb);

/* Records a NULL handle or argument in the thread's error: "<func>: <arg> is NULL"; returns
 * PGV_EINVAL. */
int pgv__coll_null(const char *func, const char *arg);

/* Puts t->what (and `detail`) in front of the connection's error (pgv__conn_prefix). */
int pgv__coll_wrap(pgv_conn *conn, const pgv__store_table *t, const char *op,
	const char *detail, int status);

/* A column by name (exact, as the catalog spells it); NULL when none. */
const pgv__col *pgv__coll_find(const pgv_collection *c, const char *name);

/* Fills the column's kind, range and time flag from its base type name. */
void pgv__col_classify(pgv__col *col);

/* ---- SQLite (collection_sqlite.c) ---- */

/* The catalog query of a SQLite table: (table name, schema name or NULL) -> name, type, notnull. */
extern const char pgv__coll_catalog_sqlite[];

/* Reads one row of pgv__coll_catalog_sqlite into a column (its kind from the declared type). */
int pgv__col_read_sqlite(pgv_stmt *st, pgv__col *col);

/* Classifies a SQLite column by its declared type (col->base, lowercase). */
void pgv__col_classify_sqlite(pgv__col *col);

/* A uuid's canonical text (lowercase 8-4-4-4-12) into out (37 bytes): 0, or -1 when not a uuid. */
int pgv__uuid_canonical(const char *s, size_t n, char *out);

/*
 * The value to bind for column `col` on SQLite, converted as the column stores it (see
 * collection_sqlite.c); its text may live in `buf` (>= 48 bytes).  `filter` 1: a comparison
 * (a double stays a double for an integer column).  0, or PGV_EVALUE with the reason in `why`.
 */
int pgv__coll_convert(const pgv__col *col, const pgv_value *v, int filter, pgv_value *out,
	char *buf, char *why, size_t cap);

/* One bound parameter of a statement being built. */
typedef struct pgv__bind {
	pgv_value_type type; /* NULL, INT64, DOUBLE, TEXT (BOOL and JSON are bound as TEXT) */
	int64_t i;
	double d;
	char *text;          /* owned */
	size_t len;
	const float *vec;    /* a query vector bound as the table's type text (type NULL) */
	size_t dim;
	int is_vec;
} pgv__bind;

/* The parameters of a statement, in order. */
typedef struct pgv__binds {
	pgv__bind *v;
	size_t n, cap;
	int oom;
} pgv__binds;

void pgv__binds_free(pgv__binds *b);
/* Appends a value (text copied); on failure oom is set. */
void pgv__binds_value(pgv__binds *b, const pgv_value *v);
/* Appends owned text (taken, freed on failure). */
void pgv__binds_text(pgv__binds *b, char *text, size_t len);
void pgv__binds_int64(pgv__binds *b, int64_t i);
void pgv__binds_double(pgv__binds *b, double d);
void pgv__binds_vector(pgv__binds *b, const float *data, size_t dim);

/* Binds every parameter of `b` to `st` (vectors as the collection's vector type). */
int pgv__binds_apply(const pgv_collection *c, pgv_stmt *st, const pgv__binds *b);

/*
 * The text a value is sent as: INT64 as decimal, DOUBLE as its shortest exact text, BOOL as
 * "true"/"false", TEXT and JSON as they are.  Writes into `num` (>= 40 bytes) for numbers;
 * *s points at the text (num or the value's own), *n its length.  NULL values: *s NULL.
 */
void pgv__value_text(const pgv_value *v, char *num, const char **s, size_t *n);

/* Appends a value as one element of a list parameter's text (quoted, escaped; NULL bare). */
void pgv__buf_add_element(pgv__buf *b, const pgv__dialect *d, const pgv_value *v);

/* Appends the expression reading column `col` (kind-specific casts) / the id. */
void pgv__coll_add_read(pgv__buf *b, const pgv_collection *c, const pgv__col *col);

/* Appends a dialect piece with {vec}, {op}, {dist} and {vparam} expanded for the collection. */
void pgv__coll_add_piece(pgv__buf *b, const pgv_collection *c, const char *piece,
	pgv_metric metric);

/*
 * The spellings of a collection's SQL that differ per backend (collection_sql.c; the store's own
 * statements are in dialect.c).
 */
typedef struct pgv__coll_sql {
	const char *no_vector;   /* the vector's place in a row when it is not read */
	const char *no_distance; /* the distance's place in a row without one */
	const char *distance;    /* the distance as a double ({dist} expanded by add_piece) */
	const char *within;      /* the distance compared with max_distance */
	const char *max_param;   /* max_distance's parameter */
	const char *contains;    /* jsonb containment, NULL when the backend has none */
	const char *contains_why;/* why not, for the refusal */
} pgv__coll_sql;

/* The spellings of the collection's backend. */
const pgv__coll_sql *pgv__coll_sql_of(const pgv_collection *c);

/*
 * Appends " AND (...)" for each condition of `f` (NULL: nothing) to `sql`, its values to
 * `binds`.  0, or PGV_ENOTFOUND (an unknown column) / PGV_ENOMEM, recorded on the connection
 * as `op`.
 */
int pgv__filter_compile(const pgv_collection *c, const pgv_filter *f, pgv__buf *sql,
	pgv__binds *binds, const char *op);

/* The statement of an upsert of records with the named columns (NULL when out of memory). */
char *pgv__coll_upsert_sql(const pgv_collection *c);

/* The deletion of a list of ids; NULL when out of memory. */
char *pgv__coll_delete_sql(const pgv_collection *c);

/*
 * A statement that converts one value to a column's type (to name a refused value's column);
 * NULL when the backend has none for the column (or out of memory).
 */
char *pgv__coll_cast_sql(const pgv_collection *c, const pgv__col *col);

/* SQLite: the upsert of `rows` records as one multi-row VALUES (NULL when out of memory). */
char *pgv__coll_upsert_rows_sql(const pgv_collection *c, size_t rows);

/* SQLite: the deletion of `n` ids as id IN (?, ...) (NULL when out of memory). */
char *pgv__coll_delete_in_sql(const pgv_collection *c, size_t n);

/* The queries of a collection. */
typedef enum pgv__query_kind {
	PGV__Q_KNN,
	PGV__Q_DISTANCES,
	PGV__Q_LIST,
	PGV__Q_GET,
	PGV__Q_COUNT
} pgv__query_kind;

typedef struct pgv__query {
	pgv__query_kind kind;
	pgv_metric metric;
	const float *query;       /* k-NN, distances */
	size_t dim;
	int64_t limit;            /* k-NN: k; list: 0 or a limit */
	const pgv_filter *filter;
	int has_max;
	double max_distance;
	const size_t *select;     /* column indexes */
	size_t nselect;
	int no_vector;
	int binary;
	const pgv_value *id;      /* get */
} pgv__query;

/*
 * Builds the SQL of query `q` into `sql` and its parameters into `binds`.  Result columns: id,
 * vector (or NULL), distance (or NULL), then the selected columns; a count has one column.
 * 0, or a negative status recorded on the connection as `op`.
 */
int pgv__coll_query_sql(const pgv_collection *c, const pgv__query *q, pgv__buf *sql,
	pgv__binds *binds, const char *op);

/* Runs search settings (store/search.c): SET LOCAL each, old values into olds when not NULL. */
int pgv__search_run(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, const char *const *names, const char *const *values, size_t n,
	char **olds);

/* Refuses search settings the server's pgvector lacks (store/search.c). */
int pgv__search_check_version(pgv_conn *c, const pgv__store_table *t, const char *op,
	const pgv__search_settings *s);

#endif
