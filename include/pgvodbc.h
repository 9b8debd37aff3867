/*
 * pgvodbc.h - pgvector embeddings through ODBC.  The one header an application includes.
 *
 *   pgvodbc/common.h   status codes, the error record, version
 *   pgvodbc/vector.h   the vector value and its text codec (no connection needed)
 *   pgvodbc/conn.h     connections by DSN or connection string, errors, transactions
 *   pgvodbc/stmt.h     statements with ? parameters: bind, step, read columns
 *   pgvodbc/types.h    halfvec, sparsevec and bit values and their text codecs
 *   pgvodbc/store.h    an embedding table: upsert, list, get, delete, k-NN, distances
 *   pgvodbc/index.h    HNSW and IVFFlat indexes, per-query search settings
 *   pgvodbc/migrate.h  schema migrations: up, down, status
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
#include "pgvodbc/migrate.h"

#endif
