/*
 * pgvodbc.h - pgvector embeddings through ODBC.  The one header an application includes.
 *
 *   pgvodbc/common.h   status codes, the error record, version
 *   pgvodbc/vector.h   the vector value and its text codec (no connection needed)
 *   pgvodbc/conn.h     connections by DSN or connection string, errors, transactions
 *   pgvodbc/stmt.h     statements with ? parameters: bind, step, read columns
 *   pgvodbc/types.h    halfvec, sparsevec and bit values and their text codecs
 *   pgvodbc/store.h    an embedding table: upsert, list, get, delete, k-NN, distances
 *   pgvodbc/collection.h  application tables: records with metadata, filters, text/uuid ids
 *   pgvodbc/index.h    HNSW and IVFFlat indexes, per-query search settings
 *   pgvodbc/migrate.h  schema migrations: up, down, status
 *
 * The rules every public call follows (0.2.0):
 *  1. A function that can fail returns int: PGV_OK (0), a positive progress code (PGV_ROW,
 *     PGV_DONE, PGV_NULL) or a negative pgv_status.  Predicates answer 1 or 0 (or a negative
 *     status).  Only destructors return void, and `_free(NULL)` / `_close(NULL)` is a no-op.
 *     Accessors that cannot fail return their value (pgv_status_name, pgv_stmt_column_count,
 *     pgv_migrate_set_count, ...).
 *  2. Outputs come first: a lone output is named `out`; several are `out` then named ones
 *     (`out, len`).  The one exception is the codec's text contract, fixed by the design:
 *     `pgv_<type>_parse(text, len, out)`, and `pgv_<type>_format(..., buf, cap)` /
 *     pgv_float_format, which return the length needed, as snprintf does.
 *  3. Counts of rows in the database (written, deleted, counted, changed, ids) are int64_t;
 *     sizes of things in memory (array lengths n, k, page_rows, dimensions, capacities, numbers
 *     of migrations) are size_t.
 *  4. One prefix per module, naming the object worked on: pgv_vector_, pgv_halfvec_,
 *     pgv_sparsevec_, pgv_bitvec_ (and pgv_text_, pgv_float_, pgv_double_, pgv_half_) in the
 *     codec; pgv_conn_; pgv_stmt_; pgv_store_, pgv_rows_, pgv_metric_, pgv_type_, pgv_ident_ in
 *     the store; pgv_collection_, pgv_value_, pgv_filter_, pgv_cursor_ in collections;
 *     pgv_index_; pgv_migrate_ for the whole migrations module.  Every declaration
 *     lives in its module's header.
 *  5. A NULL handle or required pointer is PGV_EINVAL, in release builds too, recorded with a
 *     message naming the argument ("pgv_store_count: conn is NULL"): on the connection when
 *     there is one, else in the calling thread's pgv_error_last().
 *  6. Each doc comment says whether the call creates, destroys or works on an object, what it
 *     returns, who owns returned memory and how long pointers stay valid, and the thread rule.
 *     Threads: a connection, and everything made from it (statements, row iterators), is used
 *     by one thread at a time; the codec and loaded migration sets may be used by any thread.
 */
#ifndef PGVODBC_H
#define PGVODBC_H

#include "pgvodbc/common.h"
#include "pgvodbc/vector.h"
#include "pgvodbc/types.h"
#include "pgvodbc/conn.h"
#include "pgvodbc/stmt.h"
#include "pgvodbc/store.h"
#include "pgvodbc/index.h"
#include "pgvodbc/recall.h"
#include "pgvodbc/collection.h"
#include "pgvodbc/migrate.h"

#endif
