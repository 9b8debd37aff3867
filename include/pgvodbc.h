/*
 * pgvodbc.h - pgvector embeddings through ODBC.  The one header an application includes.
 *
 *   pgvodbc/common.h   status codes, the error record, version
 *   pgvodbc/vector.h   the vector value and its text codec (no connection needed)
 *   pgvodbc/conn.h     connections by DSN or connection string, errors, transactions
 *   pgvodbc/stmt.h     statements with ? parameters: bind, step, read columns
 */
#ifndef PGVODBC_H
#define PGVODBC_H

#include "pgvodbc/common.h"
#include "pgvodbc/vector.h"
#include "pgvodbc/conn.h"
#include "pgvodbc/stmt.h"

#endif
