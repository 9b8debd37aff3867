/*
 * Internal: statement calls the store makes beyond the public API (stmt.c, column_binary.c).
 * Never installed.
 */
#ifndef PGV_INTERNAL_STMT_STORE_H
#define PGV_INTERNAL_STMT_STORE_H

#include "pgvodbc/stmt.h"

/*
 * As pgv_stmt_bind_text, but the statement keeps the caller's pointer instead of a copy: the
 * `len` bytes at `text` (no NUL needed after them) must stay unchanged until the statement has
 * run or the parameter is bound again.  For the batches of a write, already formatted into a
 * buffer of their own, which were copied once more for nothing.
 */
int pgv__stmt_bind_text_ref(pgv_stmt *st, int idx, const char *text, size_t len);

/*
 * As pgv_stmt_column_vector_binary, but a character column holds pgvector's binary form as
 * base64 text (encode(vector_send(v), 'base64'), line feeds included) rather than hex; a binary
 * column is read as its bytes all the same.  Errors are recorded as that function's.
 */
int pgv__stmt_column_vector_base64(pgv_vector *out, pgv_stmt *st, int col);

#endif
