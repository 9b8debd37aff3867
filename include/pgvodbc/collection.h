/*
 * pgvodbc/collection.h - an application table: an id (bigint, integer, text or uuid), a vector
 * column and any number of other columns (metadata), written as records and searched with filters.
 *
 * A collection is a handle opened on a table (pgv_table): opening reads the catalog once (the
 * types of every column, the id's and the vector's), so callers name columns and never types.
 * Values travel as typed C values (pgv_value) bound as parameters and cast in the SQL to the
 * column's type as the catalog spells it (format_type, without the type modifier, so that the
 * column's own length and precision checks apply on assignment); column names are quoted by
 * pgv_ident_quote.  On SQLite (pgv_conn_backend) the columns come from pragma_table_info and values
 * are bound as their declared types hold them, checked by the library where SQLite would store
 * anything (docs/guide.md, "On SQLite").  Nothing a caller passes as a value or a column name can
 * change the SQL.  Every call works on the connection's thread (a collection, a filter and a
 * cursor are used by one thread at a time); errors are in pgv_conn_error(conn), a NULL handle in
 * pgv_error_last().
 */
#ifndef PGVODBC_COLLECTION_H
#define PGVODBC_COLLECTION_H

#include "common.h"
#include "vector.h"
#include "conn.h"
#include "store.h"
#include "index.h"

#ifdef __cplusplus
extern "C" {
#endif

/* pgv_value and its makers are in store.h (pgv_row carries values). */

/* ---- the collection handle ------------------------------------------------------------------ */

/* An open collection.  Opaque. */
typedef struct pgv_collection pgv_collection;

/*
 * Creates a collection handle on `table` (NULL: the defaults of pgv_table).  Reads the catalog
 * once: the table must exist with its id and vector columns, and every column it names in
 * table->columns (pgv_table version 3).  The handle keeps the types it read: a column added or
 * altered afterwards is seen by a handle opened afterwards.  The id column may be smallint,
 * integer, bigint, text, varchar or uuid.  Returns 0 with `*out` set (free with
 * pgv_collection_free, before or after the connection is closed: after pgv_conn_close every
 * call that would reach the server fails with PGV_ECONN, while the column accessors still read
 * what the handle holds), PGV_ENOTFOUND naming the missing table or
 * column, PGV_EUNSUPPORTED for an id of another type or a named column whose type is an array,
 * PGV_EINVAL when the vector column's type is not what table->type says; `*out` is then NULL.
 */
PGV_API int pgv_collection_open(pgv_collection **out, pgv_conn *conn, const pgv_table *table);

/* Destroys the handle.  NULL is a no-op. */
PGV_API void pgv_collection_free(pgv_collection *coll);

/*
 * Work on a collection (no round trip): its columns, as the catalog gave them: the number of
 * columns table->columns named, and each one's name and SQL type (format_type: "integer",
 * "character varying(20)", "timestamp with time zone").  Strings are the handle's, valid until
 * pgv_collection_free; NULL for an index out of range.  pgv_collection_id_type is the id column's
 * type.
 */
PGV_API size_t pgv_collection_column_count(const pgv_collection *coll);
PGV_API const char *pgv_collection_column_name(const pgv_collection *coll, size_t i);
PGV_API const char *pgv_collection_column_type(const pgv_collection *coll, size_t i);
PGV_API const char *pgv_collection_id_type(const pgv_collection *coll);

/*
 * Works on a collection (no round trip): the kind a column's values are read as (pgv_value_type),
 * by name: any column of the table, named or not, the id included. PGV_VALUE_NULL when there is no
 * such column.
 */
PGV_API pgv_value_type pgv_collection_column_kind(const pgv_collection *coll, const char *name);

/* ---- writing -------------------------------------------------------------------------------- */

/*
 * One row to write: its id (INT64 or TEXT; TEXT is converted by the server for an integer id
 * column), its vector, and one value per column of table->columns, in that order (`values` may be
 * NULL when the table names no columns).
 */
typedef struct pgv_record {
	pgv_value id;
	pgv_vector vector;
	const pgv_value *values;
} pgv_record;

/*
 * Works on a collection: inserts or updates `n` records by id (the records are the caller's, read
 * during the call only), atomically, as pgv_store_upsert does: every record is written or none, in
 * the caller's transaction or in one of its own; when an id appears more than once the last record
 * wins; records travel in batches, sorted by id (so concurrent writers lock rows in one order and
 * cannot deadlock).  An update sets the vector and every named column.  Checked before anything is
 * sent: NULL ids, ids of the wrong kind, vectors (as pgv_store_upsert checks them), NULL values
 * for NOT NULL columns and integers out of their column's range; the first bad record is named by
 * its 0-based position and id (`row 12 (id "a1"): column "year": ...`) and pgv_error.row set.  A
 * value the server refuses (text that does not convert to the column's type, too long for
 * varchar(n)) is named the same way, with the server's message and SQLSTATE: outside a caller's
 * transaction the failed batch is rolled back and halved, each half tried in a transaction that is
 * rolled back, until the one record is found (about log2(batch) extra round trips, only on
 * failure); inside a caller's transaction (which the refusal has failed) the message names the
 * batch's rows. `*out` (may be NULL) receives the number of distinct ids written, 0 on failure.
 */
PGV_API int pgv_collection_upsert(int64_t *out, pgv_collection *coll, const pgv_record *rows,
	size_t n);

/*
 * Works on a collection: deletes the rows with the given ids (INT64 or TEXT values), atomically;
 * `*out` (may be NULL) receives how many existed.  n = 0 sends nothing.
 */
PGV_API int pgv_collection_delete(int64_t *out, pgv_collection *coll, const pgv_value *ids,
	size_t n);

/* ---- filters -------------------------------------------------------------------------------- */

/* The operators of a structured condition. */
typedef enum pgv_filter_op {
	PGV_FILTER_EQ = 0,       /* column = value */
	PGV_FILTER_NE = 1,       /* column <> value */
	PGV_FILTER_LT = 2,
	PGV_FILTER_LE = 3,
	PGV_FILTER_GT = 4,
	PGV_FILTER_GE = 5,
	PGV_FILTER_IN = 6,       /* column = ANY (the values) */
	PGV_FILTER_IS_NULL = 7,  /* no value */
	PGV_FILTER_IS_NOT_NULL = 8,
	PGV_FILTER_CONTAINS = 9  /* column @> value (jsonb containment; arrays, ranges); refused on
	                            SQLite (PGV_EUNSUPPORTED), which has no jsonb */
} pgv_filter_op;

/* A filter: conditions ANDed.  Opaque. */
typedef struct pgv_filter pgv_filter;

/*
 * Creates an empty filter (matches every row) in `*out`; free it with pgv_filter_free.  A filter
 * needs no connection: it is checked against a table when a query uses it.  0, PGV_EINVAL (out
 * NULL) or PGV_ENOMEM, with pgv_error_last() set.
 */
PGV_API int pgv_filter_new(pgv_filter **out);

/* Destroys a filter.  NULL is a no-op. */
PGV_API void pgv_filter_free(pgv_filter *filter);

/*
 * Works on a filter: adds the condition `column op value(s)`: one value for the comparisons and
 * CONTAINS, `n` (>= 1) for IN, none for IS NULL / IS NOT NULL.  The column may be any column of
 * the table, the id included; it is quoted when the filter is used (an unknown column is then
 * PGV_ENOTFOUND).  A value is bound, cast to the column's type when it is text (as psql reads a
 * quoted literal), compared as a number when it is a number and the column is numeric.  A NULL
 * value in a comparison matches nothing, as in SQL.  Values and the name are copied.  Returns 0,
 * or PGV_EINVAL (wrong number of values, unknown op) / PGV_ENOMEM with pgv_error_last() set.
 */
PGV_API int pgv_filter_add(pgv_filter *filter, const char *column, pgv_filter_op op,
	const pgv_value *values, size_t n);

/*
 * Works on a filter: adds the caller's own SQL boolean expression (copied), with `?` markers bound
 * to `params` in order (TEXT parameters are bound as untyped text, so `year >= ?` with the text
 * "2015" works as in psql).  The SQL is the caller's, as in any statement: never build it from
 * untrusted input (structured conditions are for that).  It is put in parentheses and ANDed with
 * the rest. Returns 0, or PGV_EINVAL / PGV_ENOMEM with pgv_error_last() set.
 */
PGV_API int pgv_filter_add_sql(pgv_filter *filter, const char *sql, const pgv_value *params,
	size_t n);

/* ---- reading -------------------------------------------------------------------------------- */

/*
 * How rows are searched and read.  Initialise with PGV_QUERY_OPTS_INIT (NULL: the defaults);
 * fields are only ever appended.
 *   metric        k-NN and distances: the metric (default l2)
 *   filter        only rows it matches (NULL: every row); the caller's, not copied, read during
 *                 the call
 *   max_distance, has_max_distance
 *                 k-NN and distances: only rows within this distance (distance <= max)
 *   select, nselect
 *                 the columns to return, by name (any column of the table); select NULL and
 *                 nselect 0: table->columns
 *   no_vector     1: rows come back without their vector (pgv_row.vector empty,
 *                 vector_is_null 0)
 *   binary        read vectors in pgvector's binary form (as pgv_fetch_opts.binary)
 *   search        k-NN: index settings for this query (ef_search, iterative scans); NULL: none
 *   limit         list and distances: at most this many rows, the first in id order (0: all);
 *                 with a filter on id > the last id read, the next keyset page
 */
typedef struct pgv_query_opts {
	unsigned int version;
	pgv_metric metric;
	const pgv_filter *filter;
	double max_distance;
	int has_max_distance;
	const char *const *select;
	size_t nselect;
	int no_vector;
	int binary;
	const pgv_search_opts *search;
	int64_t limit;
} pgv_query_opts;

#define PGV_QUERY_OPTS_VERSION 1
#define PGV_QUERY_OPTS_INIT { PGV_QUERY_OPTS_VERSION, PGV_METRIC_L2, NULL, 0.0, 0, NULL, 0, 0, \
	0, NULL, 0 }

/*
 * The rows of a collection query, held in memory (the query's rows are read whole before the call
 * returns, so the connection is free at once).  Opaque.
 */
typedef struct pgv_cursor pgv_cursor;

/*
 * Works on a cursor: moves to the next row.  PGV_ROW with `*out` set, PGV_DONE at the end (and
 * every call after), PGV_EINVAL for a NULL argument, PGV_ECONN once the collection's connection
 * is closed (see pgv_conn_close; free the cursor then).  The row (its vector, its key and its values,
 * texts included) belongs to the cursor and stays valid until the next pgv_cursor_next or
 * pgv_cursor_free.  pgv_row.key holds the id (INT64 for integer ids, with pgv_row.id the same;
 * TEXT for text and uuid ids, pgv_row.id then 0); pgv_row.values holds the selected columns,
 * pgv_row.nvalues of them.
 */
PGV_API int pgv_cursor_next(const pgv_row **out, pgv_cursor *cur);

/* Works on a cursor: the number of rows it holds in all (read or not); 0 for NULL. */
PGV_API size_t pgv_cursor_count(const pgv_cursor *cur);

/* Destroys the cursor.  NULL is a no-op. */
PGV_API void pgv_cursor_free(pgv_cursor *cur);

/*
 * Works on a collection and creates a cursor in `*out` (NULL on failure): the `k` rows nearest to
 * `query` (the caller's, read during the call) that match the filter (and are within
 * max_distance), nearest first, with their distances.  The statement keeps the shape an index
 * serves (WHERE filter ORDER BY distance LIMIT k), so an HNSW or IVFFlat index on the vector
 * column answers it (approximately; with a selective filter set search->iterative_scan so the
 * index scans on until k rows pass the filter).  Errors as pgv_store_knn, and PGV_ENOTFOUND for a
 * filter or select column the table lacks, PGV_ERROR with the server's SQLSTATE for a filter value
 * that does not convert to its column's type (22P02 invalid input syntax).  `*out`: free with
 * pgv_cursor_free.
 */
PGV_API int pgv_collection_knn(pgv_cursor **out, pgv_collection *coll, const float *query,
	size_t dim, size_t k, const pgv_query_opts *opts);

/*
 * Works on a collection and creates a cursor (as pgv_collection_knn): the distance from `query` to
 * every row matching the filter (and within max_distance), in id order.  Rows whose vector is NULL
 * have has_distance 0 (and never pass max_distance).  The cursor holds every row: to bound
 * memory, read in keyset pages with opts->limit and a filter on id > the last id read (the id
 * must then be unique and non-null, as pgv_collection_list says).
 */
PGV_API int pgv_collection_distances(pgv_cursor **out, pgv_collection *coll,
	const float *query, size_t dim, const pgv_query_opts *opts);

/*
 * Works on a collection and creates a cursor (as pgv_collection_knn): the rows matching the
 * filter, in id order, at most opts->limit when it is not 0 (PGV_EINVAL when negative).  A
 * limited listing is a keyset page (the next one filters on id > the last id read), which would
 * lose rows unless the id is unique and never NULL: with a limit, the id column must be NOT NULL
 * and the sole key of a valid, non-partial unique index (asked once per handle), else the call
 * fails with PGV_EUNSUPPORTED ("paging needs a unique, non-null id: ...").
 */
PGV_API int pgv_collection_list(pgv_cursor **out, pgv_collection *coll,
	const pgv_query_opts *opts);

/*
 * Works on a collection and creates a cursor (as pgv_collection_knn): the row of `id` (INT64 or
 * TEXT value) with the selected columns: 0 with `*out` holding one row, or PGV_ENOTFOUND naming
 * the id (`*out` NULL).
 */
PGV_API int pgv_collection_get(pgv_cursor **out, pgv_collection *coll, const pgv_value *id,
	const pgv_query_opts *opts);

/* Works on a collection: the number of rows matching `filter` (NULL: every row) into `*out`. */
PGV_API int pgv_collection_count(int64_t *out, pgv_collection *coll, const pgv_filter *filter);

#ifdef __cplusplus
}
#endif

#endif
