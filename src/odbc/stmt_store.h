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
 * Binds `len` bytes as a binary parameter (SQL_C_BINARY, SQL_LONGVARBINARY): a blob to SQLite.
 * pgv__stmt_bind_blob copies them; pgv__stmt_bind_blob_ref keeps the caller's pointer, under
 * the same terms as pgv__stmt_bind_text_ref.  Errors are recorded as "pgv_stmt_bind_blob":
 * PGV_EINVAL (bytes NULL, more than INT32_MAX bytes, a bad index), PGV_ENOMEM.
 */
int pgv__stmt_bind_blob(pgv_stmt *st, int idx, const void *bytes, size_t len);
int pgv__stmt_bind_blob_ref(pgv_stmt *st, int idx, const void *bytes, size_t len);

/*
 * Reads column `col` of the current row whole as bytes (SQL_C_BINARY): `*out` points at them
 * (valid until the next row or reset), `*len` is their count.  A column the driver already
 * handed over as SQLite's blob literal (X'..') is decoded in place.  Returns 0, PGV_NULL, or an
 * error recorded as "pgv_stmt_column_bytes".
 */
int pgv__stmt_column_bytes(const unsigned char **out, size_t *len, pgv_stmt *st, int col);

/*
 * As pgv_stmt_column_vector_binary, but a character column holds pgvector's binary form as
 * base64 text (encode(vector_send(v), 'base64'), line feeds included) rather than hex; a binary
 * column is read as its bytes all the same.  Errors are recorded as that function's.
 */
int pgv__stmt_column_vector_base64(pgv_vector *out, pgv_stmt *st, int col);

#endif
