/*
 * Internal: the batches of a write (pgv_store_upsert, pgv_store_insert), each two list texts
 * (ids and values), formatted ahead by a worker thread while the caller's thread sends the
 * previous one (upsert_ahead.c).  Never installed.
 */
#ifndef PGV_INTERNAL_UPSERT_AHEAD_H
#define PGV_INTERNAL_UPSERT_AHEAD_H

#include <pthread.h>

#include "store/store.h"

/*
 * One batch: rows order[at..end), as two list texts (ids and values) or, in rows mode, as the
 * value texts one after another, row k's at values.s + offs[k] up to offs[k + 1]; `oom` when
 * formatting ran out of memory.
 */
typedef struct pgv__batch {
	pgv__buf ids;
	pgv__buf values;
	size_t *offs;       /* rows mode: batch_rows + 1 offsets */
	size_t at;
	size_t end;
	int oom;
	int ready;          /* formatted and not yet given back */
} pgv__batch;

/* The batches of one write: two slots, the one being sent and the one being formatted. */
typedef struct pgv__ahead {
	const pgv__store_table *t;
	const int64_t *ids;
	const pgv_vector *vecs;
	const size_t *order;
	size_t m;
	size_t batch_rows;  /* rows mode: rows per batch (all but the last); 0: list mode */
	pgv__batch slot[2];
	size_t next;        /* the first row not yet formatted (set before the worker starts) */
	unsigned taken;     /* batches handed to the caller */
	int finished;       /* the last batch (or one out of memory) has been handed out */
	int threaded;       /* a worker runs; else batches are formatted as they are taken */
	int stop;           /* the caller asks the worker to stop (under lock) */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled;
	pthread_cond_t freed;
} pgv__ahead;

/*
 * Formats the first batch of rows order[0..m) (0..m when order is NULL) and, in rows mode
 * when there are more, starts a worker thread formatting the next (without one, in list mode
 * or when none can be had, each batch is formatted when taken).  With `rows_mode`, when the first row's value text is at
 * least PGV__ROWS_MIN_TEXT bytes, batches are value texts of batch_rows rows each (the last
 * fewer), batch_rows chosen from that text's length; else two list texts.  The rows must stay
 * unchanged until pgv__ahead_stop.
 */
void pgv__ahead_start(pgv__ahead *a, const pgv__store_table *t, const int64_t *ids,
	const pgv_vector *vecs, const size_t *order, size_t m, int rows_mode);

/*
 * The next batch, waiting for it if need be; NULL after the last one or after one that ran out
 * of memory (check `oom`).  Valid until given back with pgv__ahead_done.
 */
const pgv__batch *pgv__ahead_next(pgv__ahead *a);

/* Gives a batch back, so that its buffers take the batch after the next. */
void pgv__ahead_done(pgv__ahead *a, const pgv__batch *b);

/* Stops the worker and frees everything (also after a failure midway). */
void pgv__ahead_stop(pgv__ahead *a);

#endif
