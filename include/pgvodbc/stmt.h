/*
 * pgvodbc/stmt.h - statements with ? parameters: prepare, bind, step, read columns, reset, free.
 *
 * The lifecycle reads like a sentence: prepare, bind, step (PGV_ROW per row, then PGV_DONE), read
 * the current row's columns, then reset (to run again with new bindings) or free.  Parameters and
 * columns are numbered from 1.  Vectors travel as text: bind a vector where the SQL says
 * `?::vector`, and select `col::float4[]` (or the vector itself) to read one back, or, opt in,
 * `vector_send(col)` for pgvector's binary form (pgv_stmt_column_vector_binary).  Errors are
 * reported in the connection's pgv_conn_error (a NULL stmt in pgv_error_last).  A statement is
 * used by one thread at a time, the thread that uses its connection.
 */
#ifndef PGVODBC_STMT_H
#define PGVODBC_STMT_H

#include "common.h"
#include "vector.h"
#include "types.h"
#include "conn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A prepared statement.  Opaque; created by pgv_stmt_prepare, destroyed by pgv_stmt_free. */
typedef struct pgv_stmt pgv_stmt;

/*
 * Creates a statement on `conn` from SQL text with ? placeholders into `*out` (NULL on failure).
 * The caller owns it and frees it with pgv_stmt_free, before or after the connection is closed
 * (after pgv_conn_close every other call on it fails with PGV_ECONN: see pgv_conn_close).  Returns 0
 * or a negative pgv_status.
 */
PGV_API int pgv_stmt_prepare(pgv_stmt **out, pgv_conn *conn, const char *sql);

/*
 * Works on a statement: binds a parameter.  Values are copied: the caller's memory may be reused at
 * once.  Binding after a step requires pgv_stmt_reset first.  pgv_stmt_bind_vector checks the
 * vector the way the server would (1..16000 finite values) and binds its pgvector text as character
 * data; write `?::vector` in the SQL.  Text is bound as character data (`len` bytes, or up to the
 * NUL when len is PGV_NTS).  Returns 0 or a negative pgv_status (PGV_EDIM, PGV_EVALUE for a bad
 * vector).
 */
#define PGV_NTS ((size_t)-1)
PGV_API int pgv_stmt_bind_vector(pgv_stmt *stmt, int idx, const float *data, size_t dim);
PGV_API int pgv_stmt_bind_int64(pgv_stmt *stmt, int idx, int64_t value);
PGV_API int pgv_stmt_bind_double(pgv_stmt *stmt, int idx, double value);
PGV_API int pgv_stmt_bind_text(pgv_stmt *stmt, int idx, const char *text, size_t len);
PGV_API int pgv_stmt_bind_null(pgv_stmt *stmt, int idx);

/*
 * Works on a statement: runs it (on the first call after prepare or reset) and moves to the next
 * row.
 * Returns PGV_ROW when a row is ready, PGV_DONE when there are no more rows (or the statement
 * returns none), or a negative pgv_status.
 */
PGV_API int pgv_stmt_step(pgv_stmt *stmt);

/*
 * Works on a statement: the number of columns of the result, 0 for a statement without one (valid
 * after a step) or a NULL stmt.
 */
PGV_API int pgv_stmt_column_count(pgv_stmt *stmt);

/*
 * Works on a statement: the number of rows the current result's statement inserted, updated or
 * deleted (psqlODBC reports 0 for statements that change no rows, such as DDL), or -1 when not
 * known (and for a NULL stmt).
 */
PGV_API int64_t pgv_stmt_changes(pgv_stmt *stmt);

/*
 * Works on a statement: reads column `col` of the current row.  pgv_stmt_column_is_null returns 1
 * when the value is SQL NULL, 0 when it is not, or a negative pgv_status.  The readers each return
 * 0, PGV_NULL when the value is SQL NULL (outputs are then zero, empty text, or an empty vector),
 * or a negative pgv_status (a value that does not convert: PGV_EPARSE / PGV_EVALUE).  Any column
 * may be read any number of times, in any order, until the next step.  Text of any length is read
 * whole.
 *
 * pgv_stmt_column_vector accepts pgvector text "[...]" and float4[] text "{...}" and fills `out`
 * with newly allocated data that the caller frees with pgv_vector_free.
 * pgv_stmt_column_text points `*out` at the statement's copy of the text (NUL-terminated, `*len`
 * bytes when len is not NULL), valid until the next step, reset or free.
 */
PGV_API int pgv_stmt_column_is_null(pgv_stmt *stmt, int col);
PGV_API int pgv_stmt_column_vector(pgv_vector *out, pgv_stmt *stmt, int col);
PGV_API int pgv_stmt_column_int64(int64_t *out, pgv_stmt *stmt, int col);
PGV_API int pgv_stmt_column_double(double *out, pgv_stmt *stmt, int col);
PGV_API int pgv_stmt_column_text(const char **out, size_t *len, pgv_stmt *stmt, int col);

/*
 * Works on a statement: reads column `col` of the current row as pgvector's binary form of a
 * vector, the bytea that `vector_send(col)` returns (int16 dim, int16 unused, then dim float4, all
 * big-endian), read whole as bytes (SQL_C_BINARY), or that bytea as hex text (a character column
 * such as `encode(vector_send(col), 'hex')`, optionally starting "\x": psqlODBC's own decoding of a
 * bytea costs more than the rest of the read; the store itself selects base64 text, a third
 * shorter, and decodes it internally).  Fills `out` with
 * newly allocated data (free with pgv_vector_free), bit for bit as stored.  The bytes are checked
 * as the server checks them: PGV_EPARSE when the length is not 4 + 4 * dim, the unused field is not
 * 0 or the hex text is malformed, PGV_EDIM when dim is not 1..16000, PGV_EVALUE for NaN or
 * infinity; PGV_NULL for SQL NULL (`out` empty).  A column is read once: after this call it cannot
 * be read as text (PGV_EINVAL), nor this way after a text accessor.
 */
PGV_API int pgv_stmt_column_vector_binary(pgv_vector *out, pgv_stmt *stmt, int col);

/*
 * Works on a statement: reads column `col` of the current row as sqlite-vec's float32 form of a
 * vector, the blob vec_f32() returns and a SQLite vector column holds (dim float32 elements,
 * little-endian, nothing else), read whole as bytes (SQL_C_BINARY).  Fills `out` with newly
 * allocated data (free with pgv_vector_free), bit for bit as stored: this is the exact read on
 * SQLite, where vec_to_json() prints 6 decimals.  PGV_EPARSE when the length is not a multiple
 * of 4, PGV_EDIM when dim is not 1..16000, PGV_EVALUE for NaN or infinity; PGV_NULL for SQL NULL
 * (`out` empty).  A column is read once: after this call it cannot be read as text (PGV_EINVAL).
 */
PGV_API int pgv_stmt_column_vector_f32(pgv_vector *out, pgv_stmt *stmt, int col);

/*
 * Works on a statement: the number of ? parameters in the statement's SQL (from the driver, after
 * prepare); 0 for a NULL statement.
 */
PGV_API int pgv_stmt_param_count(pgv_stmt *stmt);

/*
 * Works on a statement: moves to the next result of SQL text that holds several statements ("INSERT
 * ...; SELECT ...").  The driver sends such text as one unit (psqlODBC splits it as the server's
 * lexer does, never on a ';' inside quotes, dollar quotes or comments), which the server runs as
 * one implicit transaction: when any statement fails, pgv_stmt_step fails and nothing of the text
 * is kept.  After the statement has run (a first pgv_stmt_step), this drops what is left of the
 * current result and makes the next one current: step through its rows as before;
 * pgv_stmt_column_count, pgv_stmt_changes and the column accessors then describe it.  Returns
 * PGV_OK when there is a next result, PGV_DONE when there is none, or a negative pgv_status.
 * pgv_stmt_reset goes back to running the text again from its first statement.
 */
PGV_API int pgv_stmt_next_result(pgv_stmt *stmt);

/*
 * Works on a statement: the name (label) of column `col` of the current result, and the name of its
 * type as the server calls it ("int8", "text", "vector", "halfvec", "sparsevec", "bit").  Valid
 * after the statement has run (no current row needed).  `*out` points at the statement's copy,
 * valid until the next result, reset or free; it is "" when the call fails.  psqlODBC names types
 * it does not know (pgvector's, bit, json, arrays) "unknown" and gives no type OID: for a column
 * read straight from a table column, pgv_stmt_column_type_name then asks the catalog for that
 * column's type (one query, the first time it is asked for each column of a result); an expression,
 * or an alias that names no column of the table, stays "unknown".  Returns 0 or a negative
 * pgv_status (PGV_EINVAL: not run, column out of range, out NULL).
 */
PGV_API int pgv_stmt_column_name(const char **out, pgv_stmt *stmt, int col);
PGV_API int pgv_stmt_column_type_name(const char **out, pgv_stmt *stmt, int col);

/*
 * Works on a statement: parameter arrays, `nrows` rows of parameters bound column-wise, run in one
 * execute (SQL_ATTR_PARAMSET_SIZE) instead of one round trip a row.  Bind every parameter of the
 * statement with a pgv_stmt_bind_array_* call, all with the same `nrows`, then call
 * pgv_stmt_execute_array.  The values are copied at bind time (the caller's memory may be reused at
 * once): int64 values; text values, NULL entries meaning SQL NULL; vectors as `nrows` rows of `dim`
 * floats one after the other (`data[row * dim + i]`), each checked as the server would (the first
 * bad row fails the bind with PGV_EDIM / PGV_EVALUE and pgv_error.row set).  An array binding
 * replaces a single one and the other way round; pgv_stmt_step refuses a statement with an
 * array-bound parameter.  For statements without a result (INSERT, UPDATE, DELETE).  Returns 0 or a
 * negative pgv_status (PGV_EINVAL: nrows 0, values NULL, the statement has run and needs
 * pgv_stmt_reset; PGV_ENOMEM).
 */
PGV_API int pgv_stmt_bind_array_int64(pgv_stmt *stmt, int idx, const int64_t *values,
	size_t nrows);
PGV_API int pgv_stmt_bind_array_text(pgv_stmt *stmt, int idx, const char *const *values,
	size_t nrows);
PGV_API int pgv_stmt_bind_array_vector(pgv_stmt *stmt, int idx, const float *data, size_t dim,
	size_t nrows);

/* pgv_stmt_execute_array flag: all rows or none. */
#define PGV_ARRAY_ATOMIC 0x1u
/* row_status values besides 0 (the row was written) and a negative pgv_status (it failed). */
#define PGV_ARRAY_NOT_RUN 1  /* the row was not run (after the failing row of an atomic run) */
#define PGV_ARRAY_NOT_KEPT 2 /* the row ran, but an atomic run failed, so it was rolled back */

/*
 * Works on a statement: runs it once for every row of its array-bound parameters, in one execute.
 * The fast path is one round trip for all rows.  When a row fails (psqlODBC then keeps no row and
 * does not say which failed), the rows are run again one at a time to find it:
 *   - PGV_ARRAY_ATOMIC, or inside a caller's transaction (pgv_conn_begin): all or nothing.  The
 *     rows run in a transaction of their own (the caller's: under a savepoint, rolled back to,
 *     and the caller's transaction is then failed as by any failed statement) until the first
 *     failing row, and nothing is kept.
 *   - otherwise each row runs on its own in autocommit: every row that succeeds is written,
 *     every row that fails is not, and all rows are tried.
 * Either way the returned status and pgv_conn_error are those of the first failing row, the message
 * starting "row N: " (N 0-based) and pgv_error.row set to N.  `out` (the row statuses), when not
 * NULL, receives one entry per row: 0 written, a negative pgv_status for a row that failed,
 * PGV_ARRAY_NOT_RUN or PGV_ARRAY_NOT_KEPT.  pgv_stmt_changes then gives the rows written.  After it
 * the statement can be bound again at once (no reset needed).  Returns 0 or a negative pgv_status
 * (PGV_EINVAL: a parameter not bound to an array, arrays of different lengths, unknown flags, a
 * statement without parameters).
 */
PGV_API int pgv_stmt_execute_array(int *out, pgv_stmt *stmt, unsigned int flags);

/*
 * Works on a statement: closes the current result so it can run again; bindings are kept.
 * Returns 0 or a negative pgv_status.
 */
PGV_API int pgv_stmt_reset(pgv_stmt *stmt);

/*
 * Works on a statement: clears all parameter bindings (they become unbound).  PGV_EINVAL after a
 * step without pgv_stmt_reset.
 */
PGV_API int pgv_stmt_clear_bindings(pgv_stmt *stmt);

/*
 * Destroys the statement and what it owns; after pgv_conn_close of its connection it only
 * releases memory.  NULL is a no-op.
 */
PGV_API void pgv_stmt_free(pgv_stmt *stmt);

/*
 * Works on a statement: binds a halfvec, sparsevec or bit string parameter as its text
 * (src/odbc/stmt_types.c).  The value is checked first as the server would check it
 * (pgv_halfvec_check, pgv_sparsevec_check; a bit string must have data for its dim bits and at most
 * PGV_BITVEC_MAX_DIM of them), so a bad value fails here with PGV_EDIM / PGV_EVALUE / PGV_EINVAL
 * and the parameter keeps its previous binding.  The values are copied.  Write the cast in the SQL:
 * `?::halfvec`, `?::sparsevec`, and `?::varbit` for bits (never `?::bit`, which means bit(1) and
 * would cut the string to one bit; a varbit is stored in a bit(n) column only when its length is n,
 * and pgvector's <~> and <%> take it as it is).  A halfvec is sent with each element rounded to
 * half precision, the text the server prints back.
 */
PGV_API int pgv_stmt_bind_halfvec(pgv_stmt *stmt, int idx, const float *data, size_t dim);
PGV_API int pgv_stmt_bind_sparsevec(pgv_stmt *stmt, int idx, const pgv_sparsevec *v);
PGV_API int pgv_stmt_bind_bits(pgv_stmt *stmt, int idx, const pgv_bitvec *v);

/*
 * Works on a statement: reads column `col` of the current row as halfvec text "[...]" or float4[]
 * text "{...}" (select the halfvec itself, or `col::float4[]`), as a sparsevec's text (select it as
 * it is: `sparsevec::float4[]` does not exist), or as bit text ("0101"; the empty string is an
 * empty bit string).  Fills `out` with newly allocated data: free it with pgv_vector_free,
 * pgv_sparsevec_free or pgv_bitvec_free.  Returns 0, PGV_NULL for SQL NULL (`out` empty), or a
 * negative pgv_status with `out` empty: the codec's PGV_EPARSE / PGV_EVALUE / PGV_EDIM with its
 * message and offset (pgv_halfvec_parse, pgv_sparsevec_parse, pgv_bitvec_parse), PGV_EINVAL for no
 * current row, a column out of range, NULL out, or a column already read as binary.
 */
PGV_API int pgv_stmt_column_halfvec(pgv_vector *out, pgv_stmt *stmt, int col);
PGV_API int pgv_stmt_column_sparsevec(pgv_sparsevec *out, pgv_stmt *stmt, int col);
PGV_API int pgv_stmt_column_bits(pgv_bitvec *out, pgv_stmt *stmt, int col);

#ifdef __cplusplus
}
#endif

#endif
