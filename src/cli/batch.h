/*
 * Internal to the pgvodbc command-line tool: the rows `upsert` (stdin lines, pairs) and `import`
 * (file records) collect before sending them in one pgv_store_upsert call, with where each came
 * from so that a rejected row can be named in the input's own terms.
 */
#ifndef PGV_CLI_BATCH_H
#define PGV_CLI_BATCH_H

#include "pgvodbc.h"

#include <stddef.h>
#include <stdint.h>

/* A batch is also sent once it holds this many numbers, so memory stays bounded for wide
 * vectors (1000 rows of 16000 dimensions would otherwise be 64 MB of floats, and more as text). */
#define CLI_BATCH_MAX_FLOATS ((size_t)1 << 20)

/* Where a row came from: its line (or pair number), record number and byte offset. */
typedef struct cli_batch_pos {
	uint64_t line, record, offset;
} cli_batch_pos;

/* The rows waiting to be sent. */
typedef struct cli_batch {
	int64_t *ids;
	char **keys;           /* text or uuid ids instead of `ids` (owned), or NULL */
	pgv_collection *coll;  /* where rows with keys are written (not owned) */
	pgv_vector *vecs;      /* owned by the batch */
	cli_batch_pos *pos;
	size_t n, cap;
	size_t floats;         /* numbers held, for CLI_BATCH_MAX_FLOATS */
} cli_batch;

/* Allocates room for `cap` rows; 0 or -1 (cli_batch_free releases what was allocated). */
int cli_batch_init(cli_batch *b, size_t cap);

/* Gives the batch room for text ids (`keys`) as well; 0 or -1. */
int cli_batch_use_keys(cli_batch *b);

/* 1 when the batch should be sent before another row is added. */
int cli_batch_full(const cli_batch *b);

/* Frees the rows' vectors and empties the batch. */
void cli_batch_clear(cli_batch *b);

/* Frees the rows and the arrays. */
void cli_batch_free(cli_batch *b);

#endif
