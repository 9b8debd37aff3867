/*
 * pgvodbc/store.h - an embedding table: upsert, insert, list, get, delete, count, k nearest
 * neighbours and distances, on a vector, halfvec, sparsevec or bit column.
 *
 * Whatever the column's type, rows travel in memory as pgv_vector (floats): bound as text cast
 * to the column's type (`?::vector`, `?::halfvec`, `?::sparsevec`, `?::varbit`) and read back as
 * `col::float4[]` text (bit: its '0101' text), or, opt in, in pgvector's binary form
 * (pgv_store_list_ext).  Table and column names are quoted by one function (pgv_ident_quote), so
 * no name can change the SQL.  Every call works on the connection's thread; errors are in
 * pgv_conn_error(conn).
 */
#ifndef PGVODBC_STORE_H
#define PGVODBC_STORE_H

#include "common.h"
#include "vector.h"
#include "conn.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The type of the vector column.  The store keeps every row as floats (pgv_vector) whatever the
 * type; what a type allows is checked before anything is sent:
 *   PGV_TYPE_VECTOR     vector(n): 1..16000 finite floats
 *   PGV_TYPE_HALFVEC    halfvec(n): 1..16000 values that fit half precision (pgv_halfvec_check);
 *                       the server stores each rounded to half precision and the store reads
 *                       back exactly what it stored
 *   PGV_TYPE_SPARSEVEC  sparsevec(n): dense floats, zeros (and -0) dropped when sent; at most
 *                       16000 non-zero elements, and at most 16000 dimensions through the store
 *                       (PGV_EDIM past that, on writes and queries alike): rows are read back
 *                       densely, as `col::vector::float4[]`, since sparsevec::float4[] does not
 *                       exist, and vector stops at 16000; a wider sparsevec column needs SQL of
 *                       its own (pgv_stmt_bind_sparsevec)
 *   PGV_TYPE_BIT        bit(n) (or varbit): floats that are exactly 0 or 1 (-0 counts as 0), one
 *                       per bit, sent as '0101' text cast to varbit (a bit(n) column checks the
 *                       length); at least 1 bit
 * halfvec and sparsevec need pgvector 0.7.0 or later, and so do the hamming and jaccard metrics.
 */
typedef enum pgv_type {
	PGV_TYPE_VECTOR = 0,
	PGV_TYPE_HALFVEC = 1,
	PGV_TYPE_SPARSEVEC = 2,
	PGV_TYPE_BIT = 3
} pgv_type;

/* The SQL name of a type ("vector", "halfvec", "sparsevec", "bit"); a static string, "" when
 * unknown. */
PGV_API const char *pgv_type_name(pgv_type type);

/*
 * Which table holds the embeddings.  NULL fields take the defaults: no schema (the search_path),
 * table "embeddings", id column "id" (an integer key), vector column "embedding" (a vector(n)).
 * Pass NULL for a pgv_table argument to use all the defaults.  Initialise with PGV_TABLE_INIT;
 * fields are only ever appended.  The strings are the caller's; the library copies what it needs.
 * Version 1 (the fields up to vector_column) is still accepted and means a vector column; from
 * version 2, `type` names the column's type.  The store checks the column's declared type
 * against `type` where it reads the catalog (upsert, insert, index creation, and after a
 * refusal), so a halfvec column named as PGV_TYPE_VECTOR is an error rather than silent rounding.
 */
typedef struct pgv_table {
	unsigned int version;
	const char *schema;
	const char *table;
	const char *id_column;
	const char *vector_column;
	pgv_type type;             /* version 2 */
} pgv_table;

#define PGV_TABLE_VERSION 2
#define PGV_TABLE_INIT { PGV_TABLE_VERSION, NULL, NULL, NULL, NULL, PGV_TYPE_VECTOR }

/*
 * Distance metrics and the pgvector operator each uses.  The distance a call reports is exactly
 * what the operator returns:
 *   PGV_METRIC_L2       <->  Euclidean distance
 *   PGV_METRIC_IP       <#>  the NEGATIVE inner product (so that smaller is nearer)
 *   PGV_METRIC_COSINE   <=>  cosine distance, 1 - cosine similarity
 *   PGV_METRIC_L1       <+>  taxicab distance (needs pgvector 0.7.0 or later)
 *   PGV_METRIC_HAMMING  <~>  the number of differing bits (bit columns; pgvector 0.7.0)
 *   PGV_METRIC_JACCARD  <%>  1 - |a AND b| / |a OR b|, and 1 when no bit is set in both
 *                            (bit columns; pgvector 0.7.0)
 * l2, ip, cosine and l1 apply to vector, halfvec and sparsevec columns; hamming and jaccard to
 * bit columns only.  A metric the column's type lacks is PGV_EINVAL before any round trip.
 */
typedef enum pgv_metric {
	PGV_METRIC_L2 = 0,
	PGV_METRIC_IP = 1,
	PGV_METRIC_COSINE = 2,
	PGV_METRIC_L1 = 3,
	PGV_METRIC_HAMMING = 4,
	PGV_METRIC_JACCARD = 5
} pgv_metric;

/*
 * Parses "l2", "ip", "cosine", "l1", "hamming" or "jaccard" into `*out`; 0 or PGV_EINVAL (thread
 * error set).
 */
PGV_API int pgv_metric_from_name(const char *name, pgv_metric *out);

/*
 * The name ("l2") and operator ("<->") of a metric; static strings, "" for an unknown value.
 */
PGV_API const char *pgv_metric_name(pgv_metric metric);
PGV_API const char *pgv_metric_operator(pgv_metric metric);

/*
 * Quotes an SQL identifier: always surrounded by double quotes, each double quote doubled, so any
 * name (quotes, semicolons, non-ASCII) stays one identifier.  Writes newly allocated text to
 * `*out` (free with pgv_text_free).  Returns 0, PGV_EINVAL for a NULL or empty name or one longer
 * than 63 bytes (PostgreSQL would silently truncate it and so name another object), or
 * PGV_ENOMEM.  The thread error (pgv_error_last) says why.
 */
PGV_API int pgv_ident_quote(char **out, const char *name);

/*
 * Inserts or updates `n` rows: ids[i] gets vectors[i].  One call is atomic, whatever `n`: every
 * row is written or none.  Without an open transaction the call runs in its own; inside the
 * caller's (pgv_conn_begin) it is part of it, and a failure the server reports leaves that
 * transaction failed for the caller to roll back (pgv_conn_commit then reports the rollback).
 * Rows are checked before anything is sent, as the column's type allows (see pgv_type), and
 * against the dimension the column declares (read from the catalog: n of vector(n), halfvec(n),
 * sparsevec(n), bit(n)); the first bad row is named in the error by its 0-based position and id
 * (and the element, for a bad value), pgv_error.row is set, and a caller's transaction is left
 * untouched.
 * When an id appears more than once the last row wins, as if applied in order.  The rows travel
 * in batches of bounded size, each one statement.  `*written`, when not NULL, receives the
 * number of distinct ids written (0 on failure).  Returns 0, PGV_EDIM / PGV_EVALUE / PGV_EINVAL
 * for a bad row or argument, PGV_EINVAL when the column's declared type is another pgvector type
 * than pgv_table.type says, PGV_ENOTFOUND when the table or one of its two columns does not
 * exist, PGV_ECONSTRAINT or PGV_ERROR with the server's SQLSTATE when it refuses a batch.
 */
PGV_API int pgv_store_upsert(pgv_conn *conn, const pgv_table *table, const int64_t *ids,
	const pgv_vector *vectors, size_t n, size_t *written);

/*
 * Inserts `n` rows with new ids, atomically (as pgv_store_upsert), and writes the new ids in row
 * order to `ids_out` (n entries, may be NULL; written only on success).  The ids are taken first
 * from the id column's sequence (SERIAL, BIGSERIAL or IDENTITY), so the row each belongs to is
 * certain; they ascend in row order.  PGV_EUNSUPPORTED when the id column has no sequence.  Ids
 * taken by a call that then fails are not reused (sequences never go back).
 */
PGV_API int pgv_store_insert(pgv_conn *conn, const pgv_table *table, const pgv_vector *vectors,
	size_t n, int64_t *ids_out);

/*
 * Reads the vector of row `id` into `out` (free with pgv_vector_free).  Returns 0, PGV_ENOTFOUND
 * when there is no such row (the message names the id), or PGV_NULL when the row's vector is
 * SQL NULL (`out` is then empty).
 */
PGV_API int pgv_store_get(pgv_conn *conn, const pgv_table *table, int64_t id, pgv_vector *out);

/*
 * Deletes the rows with the given ids (bound as one list parameter per 50,000 ids, atomically);
 * `*deleted` (may be NULL) receives how many existed.  n = 0 sends nothing.
 */
PGV_API int pgv_store_delete(pgv_conn *conn, const pgv_table *table, const int64_t *ids,
	size_t n, int64_t *deleted);

/* Counts the rows of the table. */
PGV_API int pgv_store_count(pgv_conn *conn, const pgv_table *table, int64_t *out);

/* One row of a result: id, vector (empty when SQL NULL), and distance when the call computes one. */
typedef struct pgv_row {
	int64_t id;
	pgv_vector vector;
	double distance;  /* the metric operator's value; 0 when has_distance is 0 */
	int has_distance;
	int vector_is_null;
} pgv_row;

/*
 * A streaming result: rows are read from the driver as they are asked for; the library holds one
 * row at a time.  psqlODBC itself holds a whole result in memory unless the DSN sets
 * UseDeclareFetch=1 (it then reads Fetch rows per round trip); paged listing
 * (pgv_fetch_opts.page_rows) bounds memory with any driver settings.  The row handed out by pgv_rows_next, and its vector, belong to the
 * iterator and stay valid until the next pgv_rows_next or pgv_rows_free.  While an iterator is
 * open, its connection may be used for other statements only by drivers that allow it; the
 * simple rule is: finish or free the iterator first.
 */
typedef struct pgv_rows pgv_rows;

/*
 * Moves to the next row: PGV_ROW with `*row` set, PGV_DONE at the end (and every call after), or
 * a negative status with the error on the connection; after a failure the iterator is finished
 * (further calls return PGV_EINVAL).  The result is released as soon as PGV_DONE is returned.
 */
PGV_API int pgv_rows_next(pgv_rows *rows, const pgv_row **row);

/* Destroys the iterator.  NULL is a no-op. */
PGV_API void pgv_rows_free(pgv_rows *rows);

/*
 * Every row, in id order.  The query runs here, so a failing one fails this call; `*out` is then
 * NULL.  A refusal is explained from the catalog as pgv_store_knn's is: PGV_ENOTFOUND when the
 * table or a column does not exist, PGV_EINVAL when the column is of another type than
 * pgv_table.type says; other failures keep the server's SQLSTATE.  Free the iterator with
 * pgv_rows_free.
 */
PGV_API int pgv_store_list(pgv_rows **out, pgv_conn *conn, const pgv_table *table);

/*
 * How rows are read.  Initialise with PGV_FETCH_OPTS_INIT; fields are only ever appended.
 * Version 1 (binary alone) is still accepted.
 *   binary     0 (default): vectors come back as float4[] text and are parsed.
 *              1: vectors come back in pgvector's binary form (`vector_send`, sent as its hex
 *              text) and are decoded without parsing any number: several times faster for wide
 *              vectors, bit for bit the same values.  Needs the server's vector_send (every
 *              pgvector version has it).  halfvec and sparsevec columns are read this way as
 *              vectors (exact: every half value is a float).  A bit column has no binary form
 *              worth having (its text is one character a bit): binary is ignored there and the
 *              text is read.
 *   page_rows  0 (default): one query reads the whole listing.  Memory then depends on the
 *              driver: psqlODBC without UseDeclareFetch holds the whole result in memory.
 *              n > 0: the listing is read in keyset pages of n rows, one query per page
 *              (`WHERE id > last ORDER BY id LIMIT n`, run when the previous page is used up),
 *              so at most one page is held, whatever the driver's settings.  What it costs: a
 *              round trip per page, and each page is an index range scan on the id column (its
 *              primary key; without an index on the id every page sorts the table).  A paged
 *              listing is not one snapshot: each page sees the rows committed when it runs, so
 *              rows written, moved or deleted between pages may be seen or missed (inside a
 *              caller's transaction at REPEATABLE READ every page sees the same snapshot).
 *              Between pages nothing is held open on the connection, but the simple rule of
 *              pgv_rows stands: finish or free the iterator before other work on it.
 *   has_after, after_id
 *              1 and an id: only rows with id > after_id (resuming a listing that stopped after
 *              that id); 0 (default): every row.
 */
typedef struct pgv_fetch_opts {
	unsigned int version;
	int binary;
	size_t page_rows;   /* version 2 */
	int has_after;      /* version 2 */
	int64_t after_id;   /* version 2 */
} pgv_fetch_opts;

#define PGV_FETCH_OPTS_VERSION 2
#define PGV_FETCH_OPTS_INIT { PGV_FETCH_OPTS_VERSION, 0, 0, 0, 0 }

/*
 * pgv_store_list with options (NULL: the defaults, which is pgv_store_list).  The first page (or
 * the single query) runs here, so a failing query fails this call; later pages run inside
 * pgv_rows_next, which then returns their error.  PGV_EINVAL for an options version this library
 * does not know.
 */
PGV_API int pgv_store_list_ext(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	const pgv_fetch_opts *opts);

/*
 * The `k` rows nearest to `query` under `metric`, nearest first (ties in any order), each with
 * its distance; rows whose vector is NULL are never among them.  The ordering is the operator's
 * alone, so an index on the vector column can serve it (and then gives an index's approximate
 * answer).  Returns PGV_EINVAL for k = 0, an unknown metric or one the column's type lacks
 * (hamming on a vector, l2 on bits), PGV_EDIM / PGV_EVALUE for a bad query vector (checked as
 * the column's type allows) or one whose dimension is not the column's (the message gives both),
 * PGV_ENOTFOUND when the table or a column does not exist, PGV_EUNSUPPORTED when the server's
 * pgvector lacks the type or the metric's operator (halfvec, sparsevec, l1, hamming and jaccard
 * before 0.7.0).  Per-query index settings: pgv_store_knn_ext (pgvodbc/index.h).  The call sends
 * the query alone: the
 * table, its columns, the dimension and the operator are checked by the server, and only when it
 * refuses is the catalog asked to explain why (so inside a caller's transaction, which the
 * refusal has aborted, the message is the server's).
 */
PGV_API int pgv_store_knn(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	pgv_metric metric, const float *query, size_t dim, size_t k);

/*
 * The distance under `metric` from `query` to every row (ids NULL) or to the rows with the given
 * ids (ids that do not exist are skipped; n = 0 gives no rows), in id order.  Rows whose vector
 * is NULL have vector_is_null set and has_distance 0.  Errors as pgv_store_knn.
 */
PGV_API int pgv_store_distances(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	pgv_metric metric, const float *query, size_t dim, const int64_t *ids, size_t n);

#ifdef __cplusplus
}
#endif

#endif
