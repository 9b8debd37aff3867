/*
 * pgvodbc/store.h - an embedding table: upsert, insert, list, get, delete, count, k nearest
 * neighbours and distances, on a vector, halfvec, sparsevec or bit column.
 *
 * Whatever the column's type, rows travel in memory as pgv_vector (floats): bound as text cast
 * to the column's type (`?::vector`, `?::halfvec`, `?::sparsevec`, `?::varbit`; on PostgreSQL
 * vector and halfvec elements are written as exact hexadecimal floats, `0xcccccdp-27`, which
 * pgvector's strtof reads to the same bits as the shortest decimal text) and read back as
 * `col::float4[]` text (bit: its '0101' text), or, opt in, in pgvector's binary form
 * (pgv_store_list_ext).  Table and column names are quoted by one function (pgv_ident_quote), so
 * no name can change the SQL.  Every call works on an open connection, on its thread (one
 * thread at a time per connection); errors are in pgv_conn_error(conn), or, for a NULL conn or
 * a call without a connection, in pgv_error_last().
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

/*
 * The SQL name of a type ("vector", "halfvec", "sparsevec", "bit"); a static string, "" when
 * unknown.  Any thread.
 */
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
 * From version 3, `columns` names `ncolumns` other columns of the table, which a collection
 * (pgvodbc/collection.h) writes and reads; the pgv_store_* calls ignore them.
 */
typedef struct pgv_table {
	unsigned int version;
	const char *schema;
	const char *table;
	const char *id_column;
	const char *vector_column;
	pgv_type type;             /* version 2 */
	const char *const *columns;/* version 3: other columns (collections) */
	size_t ncolumns;           /* version 3 */
} pgv_table;

#define PGV_TABLE_VERSION 3
#define PGV_TABLE_INIT { PGV_TABLE_VERSION, NULL, NULL, NULL, NULL, PGV_TYPE_VECTOR, NULL, 0 }

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
 * Parses "l2", "ip", "cosine", "l1", "hamming" or "jaccard" into `*out`.  No connection: returns
 * 0 or PGV_EINVAL (an unknown name, or NULL out or name) with the thread error (pgv_error_last)
 * set.  Any thread.
 */
PGV_API int pgv_metric_from_name(pgv_metric *out, const char *name);

/*
 * The name ("l2") and operator ("<->") of a metric; static strings, "" for an unknown value.
 * Any thread.
 */
PGV_API const char *pgv_metric_name(pgv_metric metric);
PGV_API const char *pgv_metric_operator(pgv_metric metric);

/*
 * Quotes an SQL identifier: always surrounded by double quotes, each double quote doubled, so any
 * name (quotes, semicolons, non-ASCII) stays one identifier.  Writes newly allocated text to
 * `*out` (free with pgv_text_free).  Returns 0, PGV_EINVAL for a NULL or empty name or one longer
 * than 63 bytes (PostgreSQL would silently truncate it and so name another object), or
 * PGV_ENOMEM.  The thread error (pgv_error_last) says why.  No connection; any thread.
 */
PGV_API int pgv_ident_quote(char **out, const char *name);

/*
 * Works on an open connection: inserts or updates `n` rows of the table, ids[i] getting
 * vectors[i].  One call is atomic, whatever `n`: every
 * row is written or none.  Without an open transaction the call runs in its own; inside the
 * caller's (pgv_conn_begin) it is part of it, and a failure the server reports leaves that
 * transaction failed for the caller to roll back (pgv_conn_commit then reports the rollback).
 * Rows are checked before anything is sent, as the column's type allows (see pgv_type), and
 * against the dimension the column declares (read from the catalog: n of vector(n), halfvec(n),
 * sparsevec(n), bit(n)); the first bad row is named in the error by its 0-based position and id
 * (and the element, for a bad value), pgv_error.row is set, and a caller's transaction is left
 * untouched.
 * When an id appears more than once the last row wins, as if applied in order.  The rows travel
 * in batches of bounded size, each one statement; when there is more than one batch of wide
 * rows (vectors of about 400 dimensions and up), a thread of the call's own formats the next
 * batch while the server runs the current one (it only reads `ids` and `vectors`, and is joined
 * before the call returns; the connection is used from the calling thread alone).  `*out`, when
 * `out` is not NULL, receives the number of distinct ids written (0 on failure).  Returns 0, PGV_EDIM / PGV_EVALUE / PGV_EINVAL
 * for a bad row or argument, PGV_EINVAL when the column's declared type is another pgvector type
 * than pgv_table.type says, PGV_ENOTFOUND when the table or one of its two columns does not
 * exist, PGV_ECONSTRAINT or PGV_ERROR with the server's SQLSTATE when it refuses a batch.
 */
PGV_API int pgv_store_upsert(int64_t *out, pgv_conn *conn, const pgv_table *table,
	const int64_t *ids, const pgv_vector *vectors, size_t n);

/*
 * Works on an open connection: inserts `n` rows with new ids, atomically (as pgv_store_upsert),
 * and writes the new ids in row order to the caller's array `out` (n entries, may be NULL;
 * written only on success).  The ids are taken first
 * from the id column's sequence (SERIAL, BIGSERIAL or IDENTITY), so the row each belongs to is
 * certain; they ascend in row order.  PGV_EUNSUPPORTED when the id column has no sequence.  Ids
 * taken by a call that then fails are not reused (sequences never go back).
 */
PGV_API int pgv_store_insert(int64_t *out, pgv_conn *conn, const pgv_table *table,
	const pgv_vector *vectors, size_t n);

/*
 * Works on an open connection: reads the vector of row `id` into `out`, newly allocated (the
 * caller frees it with pgv_vector_free).  Returns 0, PGV_ENOTFOUND
 * when there is no such row (the message names the id), or PGV_NULL when the row's vector is
 * SQL NULL (`out` is then empty).
 */
PGV_API int pgv_store_get(pgv_vector *out, pgv_conn *conn, const pgv_table *table, int64_t id);

/*
 * Works on an open connection: deletes the rows with the given ids (bound as one list parameter
 * per 50,000 ids, atomically); `*out` (`out` may be NULL) receives how many existed.  n = 0
 * sends nothing.  Returns 0 or a negative pgv_status.
 */
PGV_API int pgv_store_delete(int64_t *out, pgv_conn *conn, const pgv_table *table,
	const int64_t *ids, size_t n);

/*
 * Works on an open connection: counts the rows of the table into `*out`.  Returns 0 or a
 * negative pgv_status.
 */
PGV_API int pgv_store_count(int64_t *out, pgv_conn *conn, const pgv_table *table);

/* ---- values --------------------------------------------------------------------------------- */

/*
 * The kind of a value.  Written values may be of any kind; the server converts their text to
 * the column's type as psql converts a quoted literal (so the text "2015" fits an integer
 * column, "6f1c..." a uuid one, "{\"a\":1}" a jsonb one).  Values read back are of the kind the
 * column's type reads as:
 *   PGV_VALUE_INT64   smallint, integer, bigint
 *   PGV_VALUE_DOUBLE  real, double precision
 *   PGV_VALUE_BOOL    boolean
 *   PGV_VALUE_JSON    json, jsonb: the JSON text
 *   PGV_VALUE_TEXT    everything else as the server's text: text, varchar, char, uuid, numeric
 *                     (exact), and date, timestamp, timestamptz as ISO 8601 text
 *                     ("2020-01-02T03:04:05+00:00", what to_json gives)
 */
typedef enum pgv_value_type {
	PGV_VALUE_NULL = 0,
	PGV_VALUE_INT64 = 1,
	PGV_VALUE_DOUBLE = 2,
	PGV_VALUE_BOOL = 3,
	PGV_VALUE_TEXT = 4,
	PGV_VALUE_JSON = 5
} pgv_value_type;

/*
 * A value.  `text` (UTF-8, `len` bytes, no NUL inside) holds TEXT and JSON values; `i` INT64
 * and BOOL (0 or 1); `d` DOUBLE.  A value the caller makes points at the caller's memory, which
 * must stay valid during the call it is passed to (the library copies what it keeps).  A value
 * the library hands out points at memory of the result it came from (see pgv_cursor_next).
 */
typedef struct pgv_value {
	pgv_value_type type;
	int64_t i;
	double d;
	const char *text;
	size_t len;
} pgv_value;

/* Values made in place; they allocate nothing.  pgv_value_text takes a NUL-terminated string
 * (NULL gives a NULL value); pgv_value_textn takes `len` bytes. */
PGV_API pgv_value pgv_value_null(void);
PGV_API pgv_value pgv_value_int64(int64_t v);
PGV_API pgv_value pgv_value_double(double v);
PGV_API pgv_value pgv_value_bool(int v);
PGV_API pgv_value pgv_value_text(const char *s);
PGV_API pgv_value pgv_value_textn(const char *s, size_t len);

/* One row of a result: id, vector (empty when SQL NULL), and distance when the call computes one. */
typedef struct pgv_row {
	int64_t id;
	pgv_vector vector;
	double distance;  /* the metric operator's value; 0 when has_distance is 0 */
	int has_distance;
	int vector_is_null;
	/* Filled by collection queries (pgvodbc/collection.h); empty (NULL value, no values) in
	 * rows of the pgv_store_* calls. */
	pgv_value key;            /* the id: INT64 for integer ids, TEXT for text and uuid */
	const pgv_value *values;  /* the selected columns, in the order selected */
	size_t nvalues;
} pgv_row;

/*
 * A streaming result (row iterator): created by pgv_store_list, _list_ext, _knn, _knn_ext and
 * _distances, destroyed by pgv_rows_free.  Rows are read from the driver as they are asked for; the
 * library holds one row at a time.  psqlODBC itself holds a whole result in memory unless the DSN
 * sets UseDeclareFetch=1 (it then reads Fetch rows per round trip); paged listing
 * (pgv_fetch_opts.page_rows) bounds memory with any driver settings.  The row handed out by
 * pgv_rows_next, and its vector, belong to the iterator and stay valid until the next pgv_rows_next
 * or pgv_rows_free.  While an iterator is open, its connection may be used for other statements
 * only by drivers that allow it; the simple rule is: finish or free the iterator first.
 */
typedef struct pgv_rows pgv_rows;

/*
 * Works on a row iterator: moves to the next row.  PGV_ROW with `*out` pointing at it (owned by
 * the iterator, valid until the next pgv_rows_next or pgv_rows_free), PGV_DONE at the end (and
 * every call after), or a negative status with the error on the connection; after a failure the
 * iterator is finished (further calls return PGV_EINVAL).  The result is released as soon as
 * PGV_DONE is returned.
 */
PGV_API int pgv_rows_next(const pgv_row **out, pgv_rows *rows);

/*
 * Destroys a row iterator and the row it holds, before or after its connection is closed (after
 * pgv_conn_close, pgv_rows_next fails with PGV_ECONN and this only releases memory).  NULL is a
 * no-op.
 */
PGV_API void pgv_rows_free(pgv_rows *rows);

/*
 * Creates a row iterator over every row, in id order, on an open connection.  The query runs here,
 * so a failing one fails this call; `*out` is then NULL.  A refusal is explained from the catalog
 * as pgv_store_knn's is: PGV_ENOTFOUND when the table or a column does not exist, PGV_EINVAL when
 * the column is of another type than pgv_table.type says; other failures keep the server's
 * SQLSTATE.  Free the iterator with pgv_rows_free.
 */
PGV_API int pgv_store_list(pgv_rows **out, pgv_conn *conn, const pgv_table *table);

/*
 * How rows are read.  Initialise with PGV_FETCH_OPTS_INIT; fields are only ever appended.
 * Version 1 (binary alone) is still accepted.
 *   binary     0 (default): vectors come back as float4[] text and are parsed.
 *              1: vectors come back in pgvector's binary form (`vector_send`, sent as its
 *              base64 text) and are decoded without parsing any number: several times faster for wide
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
 * Paging (page_rows > 0) and resuming (has_after) need an id that is unique and never NULL,
 * or rows would be lost between pages: the id column must be NOT NULL and the sole key of a
 * valid, non-partial unique index (a primary key is).  Otherwise pgv_store_list_ext refuses with
 * PGV_EUNSUPPORTED ("paging needs a unique, non-null id: column "id" of "t" has no unique
 * index"), before anything is read; one query (page_rows 0, no after) still reads every row.
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
 * Creates a row iterator: pgv_store_list with options (NULL: the defaults, which is
 * pgv_store_list).  The first page (or
 * the single query) runs here, so a failing query fails this call; later pages run inside
 * pgv_rows_next, which then returns their error.  PGV_EINVAL for an options version this library
 * does not know.
 */
PGV_API int pgv_store_list_ext(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	const pgv_fetch_opts *opts);

/*
 * Creates a row iterator over the `k` rows nearest to `query` under `metric`, nearest first (ties
 * in any order), each with its distance; rows whose vector is NULL are never among them.  The
 * ordering is the operator's alone, so an index on the vector column can serve it (and then gives
 * an index's approximate answer).  Returns PGV_EINVAL for k = 0, an unknown metric or one the
 * column's type lacks (hamming on a vector, l2 on bits), PGV_EDIM / PGV_EVALUE for a bad query
 * vector (checked as the column's type allows) or one whose dimension is not the column's (the
 * message gives both), PGV_ENOTFOUND when the table or a column does not exist, PGV_EUNSUPPORTED
 * when the server's pgvector lacks the type or the metric's operator (halfvec, sparsevec, l1,
 * hamming and jaccard before 0.7.0).  Per-query index settings: pgv_store_knn_ext.  The query
 * is shaped for the table's index (pgv_index_form, below: a catalog query, kept 5 seconds on the
 * connection, finds it, for vector and halfvec columns): ordered by the metric's operator alone for an index on the
 * column, or by the indexed expression (halfvec, binary quantization) with the candidates
 * re-ranked by the exact distance; either way the index serves it, gives its approximate answer,
 * and the distances are exact.  Besides that catalog query the call sends the query alone: the
 * table, its columns, the dimension and the operator are checked by the server, and only when it refuses is the catalog asked to explain why (so inside a caller's
 * transaction, which the refusal has aborted, the message is the server's).
 */
PGV_API int pgv_store_knn(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	pgv_metric metric, const float *query, size_t dim, size_t k);

/*
 * Creates a row iterator over the distance under `metric` from `query` to every row (ids NULL) or
 * to the rows with the given ids (ids that do not exist are skipped; n = 0 gives no rows), in id
 * order.  Rows whose vector is NULL have vector_is_null set and has_distance 0.  Errors as
 * pgv_store_knn.
 */
PGV_API int pgv_store_distances(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	pgv_metric metric, const float *query, size_t dim, const int64_t *ids, size_t n);

/*
 * Creates a row iterator as pgv_store_distances does, read as `opts` says (NULL: as
 * pgv_store_distances): opts->binary reads the vectors in binary form; with opts->page_rows > 0
 * and no ids, the rows are read in keyset pages of that many rows (`WHERE id > last ORDER BY id
 * LIMIT n`, the query vector bound to each), so memory stays bounded by one page whatever the
 * driver buffers, and the rows are the same, in the same id order, as one query gives;
 * opts->has_after keeps only ids after opts->after_id.  Paging and has_after need a unique,
 * non-null id, as pgv_store_list_ext says (else PGV_EUNSUPPORTED, before any row).  Pages are
 * not one snapshot (see pgv_fetch_opts).  With ids, page_rows and has_after are ignored: the
 * ids bound the result already.  Errors as pgv_store_knn.
 */
PGV_API int pgv_store_distances_ext(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	pgv_metric metric, const float *query, size_t dim, const int64_t *ids, size_t n,
	const pgv_fetch_opts *opts);

/*
 * What an index indexes (pgv_index_opts.form, pgvodbc/index.h), and which index a k-NN query is
 * shaped for (pgv_search_opts.form).
 *   PGV_INDEX_FORM_AUTO     index create: the column itself, except a vector(n) column with
 *                           2000 < n <= 4000, which gets the halfvec form (a plain vector index
 *                           is impossible there; pgv_index_create_ext says which it built);
 *                           k-NN: the form of an index the table has for the metric, read from
 *                           the catalog (below)
 *   PGV_INDEX_FORM_PLAIN    the column as it is: `USING hnsw (col vector_l2_ops)`; k-NN orders
 *                           by `col <-> ?` (the query of an exact search, too)
 *   PGV_INDEX_FORM_HALFVEC  a vector column cast to half precision: `((col::halfvec(n))
 *                           halfvec_l2_ops)`, half the size, up to 4000 dimensions; k-NN orders
 *                           the candidates by `col::halfvec(n) <-> ?::halfvec(n)` and re-ranks
 *                           them by the exact distance (on a halfvec column: PLAIN)
 *   PGV_INDEX_FORM_BINARY   binary quantization (one bit per dimension, set when the element is
 *                           positive): `((binary_quantize(col)::bit(n)) bit_hamming_ops)`,
 *                           about 1/32 of the size, up to 64000 dimensions, whatever the metric
 *                           the searches use; k-NN takes the nearest candidates by hamming
 *                           distance and returns the k nearest of them by the real metric
 * Halfvec and binary forms need pgvector 0.7.0 and a vector (binary: or halfvec) column.
 * How k-NN chooses in AUTO (a catalog query, pg_index with pg_am, pg_opclass and the index's
 * expression, whose answer the connection keeps for 5 seconds per table; pgv_index_create and
 * pgv_index_drop on the connection forget it at once, so only another session's index changes
 * are seen up to 5 seconds late): among the table's valid, non-partial HNSW and IVFFlat indexes on the
 * vector column, a plain one whose operator class is the metric's, else a halfvec one whose
 * operator class is the metric's, else a binary one (bit_hamming_ops), else PLAIN (no index
 * serves the query: an exact scan).  An explicit form is used as it is, without the catalog.
 */
typedef enum pgv_index_form {
	PGV_INDEX_FORM_AUTO = 0,
	PGV_INDEX_FORM_PLAIN,
	PGV_INDEX_FORM_HALFVEC,
	PGV_INDEX_FORM_BINARY
} pgv_index_form;

/*
 * Iterative index scans (pgvector 0.8.0): when a filter or LIMIT leaves too few rows, the index
 * scan goes on instead of stopping at ef_search / probes.
 *   PGV_ITERATIVE_DEFAULT  leave the session's setting as it is
 *   PGV_ITERATIVE_OFF      no iterative scan
 *   PGV_ITERATIVE_STRICT   HNSW: strict_order (results in exact distance order); IVFFlat has
 *                          only relaxed_order, which is then used for it
 *   PGV_ITERATIVE_RELAXED  relaxed_order for both (the index may return rows slightly out of
 *                          order; pgv_store_knn_ext sorts the k rows it returns by distance)
 */
typedef enum pgv_iterative_scan {
	PGV_ITERATIVE_DEFAULT = 0,
	PGV_ITERATIVE_OFF,
	PGV_ITERATIVE_STRICT,
	PGV_ITERATIVE_RELAXED
} pgv_iterative_scan;

/*
 * Per-query index settings.  Initialise with PGV_SEARCH_OPTS_INIT (every field 0: leave the
 * session's setting as it is); fields are only ever appended.  Ranges are checked before any
 * round trip, in pgvector's wording ("1001 is outside the valid range for parameter
 * \"hnsw.ef_search\" (1 .. 1000)").
 *   ef_search        hnsw.ef_search, 1..1000: the candidate list of an HNSW search (k above it
 *                    gives at most ef_search rows from the index)
 *   probes           ivfflat.probes, 1..32768: lists an IVFFlat search visits (lists = probes
 *                    makes it exact; more than lists acts as lists)
 *   iterative_scan   hnsw.iterative_scan and ivfflat.iterative_scan (pgvector 0.8.0)
 *   max_scan_tuples  hnsw.max_scan_tuples, 1..2147483647: where an iterative HNSW scan stops
 *                    (pgvector 0.8.0)
 *   max_probes       ivfflat.max_probes, 1..32768: where an iterative IVFFlat scan stops
 *                    (pgvector 0.8.0)
 *   form             (version 2) the index form the query is shaped for (pgv_index_form;
 *                    AUTO, the default: the catalog decides)
 *   rerank           (version 2) HALFVEC and BINARY forms: how many candidates the index
 *                    gives, in its own order, before the k nearest by the exact metric are
 *                    taken from them; 0: PGV_RERANK_DEFAULT(k) = max(4k, 40).  At least k.
 *                    An HNSW scan gives at most ef_search rows unless an iterative scan is
 *                    on, so raise ef_search with it
 *   scan_mem_multiplier  (version 2) hnsw.scan_mem_multiplier, 1..1000 (a multiple of
 *                    work_mem an iterative HNSW scan may use; pgvector 0.8.0); 0: leave it
 * Version 1 (up to max_probes) is still accepted: AUTO, the default depth, no multiplier.
 */
typedef struct pgv_search_opts {
	unsigned int version;
	int ef_search;
	int probes;
	pgv_iterative_scan iterative_scan;
	int max_scan_tuples;
	int max_probes;
	pgv_index_form form;          /* version 2 */
	size_t rerank;                /* version 2 */
	double scan_mem_multiplier;   /* version 2 */
} pgv_search_opts;

#define PGV_SEARCH_OPTS_VERSION 2
#define PGV_SEARCH_OPTS_INIT { PGV_SEARCH_OPTS_VERSION, 0, 0, PGV_ITERATIVE_DEFAULT, 0, 0, \
	PGV_INDEX_FORM_AUTO, 0, 0 }

/* The re-ranking depth used when pgv_search_opts.rerank is 0: max(4k, 40). */
#define PGV_RERANK_DEFAULT(k) ((k) > 10 ? 4 * (k) : 40)

/*
 * Creates a row iterator: pgv_store_knn with per-query index settings and a choice of query
 * shape (`opts` NULL, or PGV_SEARCH_OPTS_INIT with no setting changed: exactly pgv_store_knn,
 * streaming; the shape (form, rerank) needs no transaction, only the settings do).  The settings
 * are made with SET LOCAL (set_config(..., true)) in the query's own transaction and never outlive
 * it:
 *   - without a caller's transaction, one is opened around the settings and the query, the k
 *     rows are read into memory, and it is committed;
 *   - inside a caller's transaction (pgv_conn_begin), the settings' previous values are read
 *     (current_setting) as they are set, and put back (set_config(name, old, true)) once the
 *     rows are read, so the caller's later statements see the old values.
 * Either way the iterator holds at most k rows in memory, sorted nearest first (ties by id),
 * and the connection is free as soon as this returns.  If the query fails inside a caller's
 * transaction, that transaction is failed (as with pgv_store_knn) and its rollback undoes the
 * settings.  The pgvector version is asked only when an option that needs 0.8.0 is used.
 * Returns what pgv_store_knn returns, and PGV_EINVAL for an options version this library does
 * not know or a value out of range (rerank below k; a form the column's type cannot have),
 * PGV_EUNSUPPORTED for iterative_scan, max_scan_tuples, max_probes or scan_mem_multiplier on a
 * pgvector older than 0.8.0 (the message gives the server's version).
 */
PGV_API int pgv_store_knn_ext(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	pgv_metric metric, const float *query, size_t dim, size_t k, const pgv_search_opts *opts);

#ifdef __cplusplus
}
#endif

#endif
