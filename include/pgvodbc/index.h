/*
 * pgvodbc/index.h - approximate nearest-neighbour indexes (HNSW, IVFFlat) on an embedding table.
 *
 * An index serves a k-NN query only when the query orders by exactly the expression it indexes
 * with its operator class's operator.  Besides the column itself, an index can be built on the
 * column cast to half precision, `(col::halfvec(n))`, or on its binary quantization,
 * `(binary_quantize(col)::bit(n))` with hamming distance (pgv_index_form, pgvodbc/store.h): the
 * way to index more dimensions than a vector index takes (2000) and to make the index smaller.
 * pgv_store_knn and pgv_store_knn_ext find out from the catalog which of these the table has and
 * shape the query so that it is used; the answer is then the index's approximate one, always
 * with the exact distances of the stored vectors.  How hard the
 * index searches (hnsw.ef_search, ivfflat.probes, iterative scans) is a session setting in
 * pgvector; pgv_store_knn_ext and pgv_search_opts (pgvodbc/store.h) scope such settings to one
 * query.  Every call works on an open connection, on its thread; errors are in
 * pgv_conn_error(conn) (a NULL conn: pgv_error_last).
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

/* No connection: the name of a form ("auto", "plain", "halfvec", "binary"); a static string,
 * "" when unknown. */
PGV_API const char *pgv_index_form_name(pgv_index_form form);

/*
 * How to build an index.  Initialise with PGV_INDEX_OPTS_INIT; fields are only ever appended.
 * Version 1 (up to concurrently) is still accepted and means PGV_INDEX_FORM_AUTO.
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
 *   form             (version 2) what the index indexes (pgv_index_form).  HALFVEC: the
 *                    metric's halfvec operator class; BINARY: bit_hamming_ops whatever the
 *                    metric (the metric is what the re-ranking uses, and names the index).
 *                    The default name has the form in it ("<table>_<column>_hnsw_halfvec_l2_idx",
 *                    "..._hnsw_binary_idx") except for AUTO, which keeps the plain name: a
 *                    column gets one form from AUTO, whichever its dimension makes it
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
	pgv_index_form form;   /* version 2 */
} pgv_index_opts;

#define PGV_INDEX_OPTS_VERSION 2
#define PGV_INDEX_OPTS_INIT { PGV_INDEX_OPTS_VERSION, PGV_INDEX_HNSW, PGV_METRIC_L2, NULL, 0, 0, 0, 0, \
	PGV_INDEX_FORM_AUTO }

/*
 * Works on an open connection: builds an index on the table's vector column (`table` NULL: the
 * defaults; `opts` NULL: the defaults, an HNSW index for l2).  Checked before the index is built,
 * in pgvector's wording: the options' ranges, the method/type/metric combination, and the column's
 * declared dimension (read from the catalog) against the limit of what is indexed: vector 2000,
 * halfvec 4000, bit 64000 dimensions ("column cannot have more than 2000 dimensions for hnsw
 * index (it has 3000: index the halfvec form, up to 4000)"), and a column that declares none
 * ("column does not have dimensions").  A sparsevec index allows at most
 * 1000 non-zero elements per row, which only the server can check while it builds.  The options are
 * written into the statement as integer literals (DDL takes no parameters), after those checks.
 * Inside a caller's transaction the index is part of it; otherwise it is committed at once.
 * Returns 0, PGV_EINVAL (a bad option or combination, CONCURRENTLY inside a transaction, a column
 * declared as another type than pgv_table.type, or a varbit column, which pgvector's indexes do not
 * take), PGV_EDIM (dimensions), PGV_ENOTFOUND (no such table or column), PGV_EUNSUPPORTED (the
 * server's pgvector lacks the method, type or operator class: HNSW needs 0.5.0, halfvec, sparsevec
 * and bit classes 0.7.0), or PGV_ERROR with the server's SQLSTATE (an index of that name exists:
 * 42P07; too many non-zero elements: 54000; out of memory).
 */
PGV_API int pgv_index_create(pgv_conn *conn, const pgv_table *table, const pgv_index_opts *opts);

/*
 * Works on an open connection: pgv_index_create that also says which form it built: `*out` (may
 * be NULL) receives PGV_INDEX_FORM_PLAIN, _HALFVEC or _BINARY (AUTO resolved against the
 * column's dimension), so a caller can tell the user that a 3072-dim column got a halfvec index.
 */
PGV_API int pgv_index_create_ext(pgv_index_form *out, pgv_conn *conn, const pgv_table *table,
	const pgv_index_opts *opts);

/*
 * How far an index build on a table has come, as the server reports it in
 * pg_stat_progress_create_index (PostgreSQL 12+).  `phase` is the server's text ("building
 * index: loading tuples", ...); tuples_* and blocks_* are its counters (0 when the phase does
 * not count them).
 */
typedef struct pgv_index_progress {
	int active;            /* 1: a build on the table is running; 0: none (the rest is 0) */
	char phase[64];
	int64_t tuples_done;
	int64_t tuples_total;
	int64_t blocks_done;
	int64_t blocks_total;
} pgv_index_progress;

/*
 * Reads the progress of an index build on the table into `*out`.  Meant for a second
 * connection while the first builds (pgv_index_create): on a server that serves both from one
 * session (the embedded one; pgv_conn_backend_pid tells) this call would wait for the build to
 * end.  Returns 0 (out->active 0 when nothing is being built), or a negative status.
 */
PGV_API int pgv_index_progress_read(pgv_index_progress *out, pgv_conn *conn,
	const pgv_table *table);

/*
 * Works on an open connection: drops the index `name` of the table's vector column's table, if it
 * exists: the catalog is asked first, so only an index of that table is dropped (an index of
 * another table with the same name, even one earlier in the search_path, is left alone), in the
 * schema it lives in.  IF EXISTS semantics: no such index on the table is not an error, and `*out`
 * (`out` may be NULL) tells which happened (1 dropped, 0 nothing to drop).  Returns 0, PGV_EINVAL
 * (name NULL, empty or longer than 63 bytes), PGV_ENOTFOUND (the table does not exist), or another
 * negative status from the server.
 */
PGV_API int pgv_index_drop(int *out, pgv_conn *conn, const pgv_table *table,
	const char *name);

/*
 * Works on an open connection: asks the catalog whether the table has an index named `name` (in
 * whatever schema the index lives; an index of that name on another table does not count):
 * `*out` 1 or 0.  With pgv_index_name it makes "create if not exists": ask, then create only
 * when the answer is 0 (another session may create it in between: pgv_index_create then fails
 * with 42P07).  Returns 0, PGV_EINVAL (out NULL, name NULL or empty), PGV_ENOTFOUND (the table
 * does not exist) or another negative status from the server.
 */
PGV_API int pgv_index_exists(int *out, pgv_conn *conn, const pgv_table *table, const char *name);

/*
 * No connection: the name pgv_index_create gives an index with these options (opts->name, or the
 * default derived from table, column, method and metric), as newly allocated text in `*out` (free
 * with pgv_text_free).  Any thread.  Returns 0, PGV_EINVAL (bad table or options; thread error in
 * pgv_error_last) or PGV_ENOMEM.
 */
PGV_API int pgv_index_name(char **out, const pgv_table *table, const pgv_index_opts *opts);

#ifdef __cplusplus
}
#endif

#endif
