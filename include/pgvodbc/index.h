/*
 * pgvodbc/index.h - approximate nearest-neighbour indexes (HNSW, IVFFlat) on an embedding table,
 * and k nearest neighbours with per-query index settings.
 *
 * pgv_store_knn orders by the metric's operator alone, so an index built for the same metric
 * (operator class) serves it, and the answer is then the index's approximate one.  How hard the
 * index searches (hnsw.ef_search, ivfflat.probes, iterative scans) is a session setting in
 * pgvector; pgv_store_knn_ext scopes such settings to one query.  Every call works on the
 * connection's thread; errors are in pgv_conn_error(conn).
 */
#ifndef PGVODBC_INDEX_H
#define PGVODBC_INDEX_H

#include "common.h"
#include "conn.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* pgvector's index access methods. */
typedef enum pgv_index_method {
	PGV_INDEX_HNSW = 0,    /* graph index: better speed/recall, slower to build (pgvector 0.5.0) */
	PGV_INDEX_IVFFLAT = 1  /* inverted lists: quick to build; build it after loading the data */
} pgv_index_method;

/*
 * How to build an index.  Initialise with PGV_INDEX_OPTS_INIT; fields are only ever appended.
 *   method           PGV_INDEX_HNSW or PGV_INDEX_IVFFLAT
 *   metric           the metric the index serves; with the table's type it picks the operator
 *                    class (vector_l2_ops, halfvec_cosine_ops, bit_hamming_ops, ...).  What
 *                    exists: HNSW: l2, ip, cosine, l1 on vector, halfvec and sparsevec; hamming
 *                    and jaccard on bit.  IVFFlat: l2, ip, cosine on vector and halfvec; hamming
 *                    on bit (no sparsevec, no l1, no jaccard).
 *   name             the index's name (quoted as given, at most 63 bytes); NULL: a default,
 *                    "<table>_<column>_<method>_<metric>_idx" (pgv_index_name; shortened, with
 *                    a hash of the full name, when longer than 63 bytes)
 *   m                HNSW: links per node, 2..100; 0: the server's default (16)
 *   ef_construction  HNSW: candidate list size while building, 4..1000 and at least 2 * m (the
 *                    server's default m when m is 0); 0: the server's default (64)
 *   lists            IVFFlat: number of inverted lists, 1..32768; 0: the server's default (100)
 *   concurrently     1: CREATE INDEX CONCURRENTLY, which does not block writes while it builds;
 *                    it cannot run inside a transaction (PGV_EINVAL inside pgv_conn_begin)
 */
typedef struct pgv_index_opts {
	unsigned int version;
	pgv_index_method method;
	pgv_metric metric;
	const char *name;
	int m;
	int ef_construction;
	int lists;
	int concurrently;
} pgv_index_opts;

#define PGV_INDEX_OPTS_VERSION 1
#define PGV_INDEX_OPTS_INIT { PGV_INDEX_OPTS_VERSION, PGV_INDEX_HNSW, PGV_METRIC_L2, NULL, 0, 0, 0, 0 }

/*
 * Builds an index on the table's vector column (`table` NULL: the defaults; `opts` NULL: the
 * defaults, an HNSW index for l2).  Checked before the index is built, in pgvector's wording:
 * the options' ranges, the method/type/metric combination, and the column's declared dimension
 * (read from the catalog) against the method's limit: vector 2000, halfvec 4000, bit 64000
 * dimensions ("column cannot have more than 2000 dimensions for hnsw index"), and a column that
 * declares none ("column does not have dimensions").  A sparsevec index allows at most 1000
 * non-zero elements per row, which only the server can check while it builds.  The options are
 * written into the statement as integer literals (DDL takes no parameters), after those checks.
 * Inside a caller's transaction the index is part of it; otherwise it is committed at once.
 * Returns 0, PGV_EINVAL (a bad option or combination, CONCURRENTLY inside a transaction, a
 * column declared as another type than pgv_table.type, or a varbit column, which pgvector's
 * indexes do not take), PGV_EDIM (dimensions), PGV_ENOTFOUND (no such table or column),
 * PGV_EUNSUPPORTED (the server's pgvector lacks the method, type or operator class: HNSW needs
 * 0.5.0, halfvec, sparsevec and bit classes 0.7.0), or PGV_ERROR with the server's SQLSTATE
 * (an index of that name exists: 42P07; too many non-zero elements: 54000; out of memory).
 */
PGV_API int pgv_index_create(pgv_conn *conn, const pgv_table *table, const pgv_index_opts *opts);

/*
 * Drops the index `name` of the table's vector column's table, if it exists: the catalog is
 * asked first, so only an index of that table is dropped (an index of another table with the
 * same name, even one earlier in the search_path, is left alone), in the schema it lives in.
 * IF EXISTS semantics: no such index on the table is not an error, and `*dropped` (may be NULL)
 * tells which happened (1 dropped, 0 nothing to drop).  Returns 0, PGV_EINVAL (name NULL, empty
 * or longer than 63 bytes), PGV_ENOTFOUND (the table does not exist), or another negative status
 * from the server.
 */
PGV_API int pgv_index_drop(pgv_conn *conn, const pgv_table *table, const char *name,
	int *dropped);

/*
 * Asks the catalog whether the table has an index named `name` (in whatever schema the index
 * lives; an index of that name on another table does not count): `*out` 1 or 0.  With
 * pgv_index_name it makes "create if not exists": ask, then create only when the answer is 0
 * (another session may create it in between: pgv_index_create then fails with 42P07).
 * Returns 0, PGV_EINVAL (out NULL, name NULL or empty), PGV_ENOTFOUND (the table does not exist)
 * or another negative status from the server.
 */
PGV_API int pgv_index_exists(int *out, pgv_conn *conn, const pgv_table *table, const char *name);

/*
 * The name pgv_index_create gives an index with these options (opts->name, or the default
 * derived from table, column, method and metric), as newly allocated text in `*out` (free with
 * pgv_text_free).  No connection needed.  Returns 0, PGV_EINVAL (bad table or options; thread
 * error in pgv_error_last) or PGV_ENOMEM.
 */
PGV_API int pgv_index_name(char **out, const pgv_table *table, const pgv_index_opts *opts);

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
 */
typedef struct pgv_search_opts {
	unsigned int version;
	int ef_search;
	int probes;
	pgv_iterative_scan iterative_scan;
	int max_scan_tuples;
	int max_probes;
} pgv_search_opts;

#define PGV_SEARCH_OPTS_VERSION 1
#define PGV_SEARCH_OPTS_INIT { PGV_SEARCH_OPTS_VERSION, 0, 0, PGV_ITERATIVE_DEFAULT, 0, 0 }

/*
 * pgv_store_knn with per-query index settings (`opts` NULL, or PGV_SEARCH_OPTS_INIT
 * with no setting changed: exactly pgv_store_knn,
 * streaming).  The settings are made with SET LOCAL (set_config(..., true)) in the query's own
 * transaction and never outlive it:
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
 * not know or a value out of range, PGV_EUNSUPPORTED for iterative_scan, max_scan_tuples or
 * max_probes on a pgvector older than 0.8.0 (the message gives the server's version).
 */
PGV_API int pgv_store_knn_ext(pgv_rows **out, pgv_conn *conn, const pgv_table *table,
	pgv_metric metric, const float *query, size_t dim, size_t k, const pgv_search_opts *opts);

#ifdef __cplusplus
}
#endif

#endif
