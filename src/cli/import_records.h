/*
 * Internal to the pgvodbc command-line tool: the metadata of an import batch's rows (JSON lines
 * keys, string ids) and its upsert through a collection (import_records.c).
 */
#ifndef PGV_CLI_IMPORT_RECORDS_H
#define PGV_CLI_IMPORT_RECORDS_H

#include "batch.h"
#include "formats.h"

typedef struct cli_rec_batch {
	fmt_fields *fields;   /* one per batch row */
	size_t cap;
	pgv_collection *coll; /* open on the columns of the last batch sent */
	char **cols;
	size_t ncols;
} cli_rec_batch;

/* Room for `cap` rows; 0 or -1. */
int cli_rec_batch_init(cli_rec_batch *rb, size_t cap);

/* Frees the fields of rows 0..n. */
void cli_rec_batch_clear(cli_rec_batch *rb, size_t n);

/* Frees everything. */
void cli_rec_batch_free(cli_rec_batch *rb);

/* 1 when a row of 0..n has other fields or a string id (the batch needs a collection). */
int cli_rec_batch_any(const cli_rec_batch *rb, size_t n);

/*
 * Upserts the batch `b` with the fields of `rb` through a collection named by the batch's keys
 * (rows lacking a key get NULL).  0, or a pgv status with the error on c->conn (PGV_ENOMEM may
 * come without one).
 */
int cli_rec_batch_send(cli *c, cli_rec_batch *rb, const cli_batch *b);

#endif
