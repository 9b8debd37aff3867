/*
 * The batches of a write, formatted ahead: while the caller's thread sends batch k and waits
 * for the server, a worker thread formats batch k + 1 into the other of two buffers.  Only the
 * caller's thread touches the connection; the worker reads the caller's rows and writes text.
 */
#include "store/upsert_ahead.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Fills the two list texts with the rows order[at..] (all rows when order is NULL) until the
 * batch is full (PGV__BATCH_ROWS rows, or its value text past PGV__BATCH_BYTES); returns the
 * position after its last row.
 */
static size_t build_batch(pgv__buf *idt, pgv__buf *vt, const pgv__store_table *t,
	const int64_t *ids, const pgv_vector *vecs, const size_t *order, size_t at, size_t m)
{
	const pgv__dialect *d = t->dialect;
	char num[24];
	size_t i;

	pgv__buf_reset(idt);
	pgv__buf_reset(vt);
	pgv__buf_addc(idt, d->list_open);
	pgv__buf_addc(vt, d->list_open);
	for (i = at; i < m && i - at < PGV__BATCH_ROWS && (i == at || vt->len < PGV__BATCH_BYTES);
			i++) {
		size_t row = order ? order[i] : i;
		const pgv_vector *v = &vecs[row];
		int len = snprintf(num, sizeof(num), "%s%" PRId64, i > at ? "," : "", ids[row]);

		pgv__buf_add(idt, num, (size_t)len);
		if (i > at)
			pgv__buf_addc(vt, ',');
		/*
		 * value text is digits, hex digits, signs, '.', 'e', 'x', 'p', ',', ':', '/' and
		 * brackets or braces: nothing to escape inside the quotes
		 */
		pgv__buf_addc(vt, d->list_quote);
		pgv__store_add_value(vt, t, v->data, v->dim);
		pgv__buf_addc(vt, d->list_quote);
		if (vt->oom)
			break;
	}
	pgv__buf_addc(idt, d->list_close);
	pgv__buf_addc(vt, d->list_close);
	return i;
}

/* Rows mode: the value texts of rows order[at..at + batch_rows) one after another. */
static size_t build_rows(pgv__ahead *a, pgv__batch *s, size_t at)
{
	size_t i, k = 0;

	pgv__buf_reset(&s->values);
	if (!s->offs && !(s->offs = malloc((a->batch_rows + 1) * sizeof(*s->offs)))) {
		s->values.oom = 1;
		return at;
	}
	for (i = at; i < a->m && k < a->batch_rows && !s->values.oom; i++, k++) {
		const pgv_vector *v = &a->vecs[a->order ? a->order[i] : i];

		s->offs[k] = s->values.len;
		pgv__store_add_value(&s->values, a->t, v->data, v->dim);
	}
	s->offs[k] = s->values.len;
	return i;
}

/* Formats the batch starting at `at` into slot `s`. */
static void fill_slot(pgv__ahead *a, pgv__batch *s, size_t at)
{
	s->at = at;
	if (a->batch_rows)
		s->end = build_rows(a, s, at);
	else
		s->end = build_batch(&s->ids, &s->values, a->t, a->ids, a->vecs, a->order, at, a->m);
	s->oom = s->ids.oom || s->values.oom;
}

/*
 * Rows per batch in rows mode, from the first row's value text: as many as fit in
 * PGV__ROWS_BATCH_BYTES (at least one, at most PGV__BATCH_ROWS); 0 (list mode) when that text is
 * shorter than PGV__ROWS_MIN_TEXT or cannot be measured and the dialect has list parameters.
 */
static size_t rows_per_batch(const pgv__ahead *a)
{
	const pgv_vector *v = &a->vecs[a->order ? a->order[0] : 0];
	/* a dialect without list parameters (SQLite) always sends rows, at most 200 a statement */
	int lists = a->t->dialect->vlist[a->t->type] != NULL;
	size_t most = lists ? PGV__BATCH_ROWS : PGV__BATCH_ROWS_PARAMS;
	pgv__buf b = { NULL, 0, 0, 0 };
	size_t len, n;

	pgv__store_add_value(&b, a->t, v->data, v->dim);
	len = b.oom ? 0 : b.len;
	pgv__buf_free(&b);
	if (lists && len < PGV__ROWS_MIN_TEXT)
		return 0;
	n = PGV__ROWS_BATCH_BYTES / (len ? len : 1);
	return n < 1 ? 1 : n > most ? most : n;
}

/*
 * The worker: formats the batches from a->next on, alternating between the two slots, each once
 * the caller has given it back; stops at the last row, at a batch that ran out of memory, or
 * when the caller stops it.
 */
static void *worker(void *arg)
{
	pgv__ahead *a = arg;
	size_t at = a->next;
	unsigned k = 1;

	for (;;) {
		pgv__batch *s = &a->slot[k % 2];

		int stop;

		pthread_mutex_lock(&a->lock);
		while (s->ready && !a->stop)
			pthread_cond_wait(&a->freed, &a->lock);
		stop = a->stop;
		pthread_mutex_unlock(&a->lock);
		if (stop)
			break;
		fill_slot(a, s, at);
		at = s->end;
		pthread_mutex_lock(&a->lock);
		s->ready = 1;
		k++;
		pthread_cond_signal(&a->filled);
		pthread_mutex_unlock(&a->lock);
		if (s->oom || at >= a->m)
			break;
	}
	return NULL;
}

/* Starts formatting the batches of rows order[0..m) (0..m when order is NULL). */
void pgv__ahead_start(pgv__ahead *a, const pgv__store_table *t, const int64_t *ids,
	const pgv_vector *vecs, const size_t *order, size_t m, int rows_mode)
{
	memset(a, 0, sizeof(*a));
	a->t = t;
	a->ids = ids;
	a->vecs = vecs;
	a->order = order;
	a->m = m;
	/*
	 * The first batch in this thread: nothing else could run meanwhile, and a call of one batch
	 * (most small calls) needs no thread.
	 */
	if (m == 0)
		return;
	if (rows_mode)
		a->batch_rows = rows_per_batch(a);
	fill_slot(a, &a->slot[0], 0);
	a->slot[0].ready = 1;
	a->next = a->slot[0].end;
	if (a->slot[0].oom || a->next >= m)
		return;
	/*
	 * Only rows sent as VALUES lists are formatted ahead: formatting the shortest ones is a few
	 * percent of the server's time (4 dimensions: 0.1 us a row), and on a loaded machine the
	 * thread measurably took CPU from a server on the same CPUs (bench_upsert on the embedded
	 * server, 4 dimensions: 12,452 rows/s against 15,540 for the same batches without it).
	 */
	if (!a->batch_rows)
		return;
	if (pthread_mutex_init(&a->lock, NULL) != 0)
		return;
	if (pthread_cond_init(&a->filled, NULL) != 0) {
		pthread_mutex_destroy(&a->lock);
		return;
	}
	if (pthread_cond_init(&a->freed, NULL) != 0) {
		pthread_cond_destroy(&a->filled);
		pthread_mutex_destroy(&a->lock);
		return;
	}
	/* without a thread (none to be had), the batches are formatted as they are taken */
	if (pthread_create(&a->thread, NULL, worker, a) != 0) {
		pthread_cond_destroy(&a->freed);
		pthread_cond_destroy(&a->filled);
		pthread_mutex_destroy(&a->lock);
		return;
	}
	a->threaded = 1;
}

/* The next batch, once formatted; NULL after the last. */
const pgv__batch *pgv__ahead_next(pgv__ahead *a)
{
	pgv__batch *s = &a->slot[a->taken % 2];

	if (a->finished || a->m == 0)
		return NULL;
	if (!a->threaded) {
		if (!s->ready) {
			fill_slot(a, s, a->next);
			a->next = s->end;
			s->ready = 1;
		}
	} else {
		pthread_mutex_lock(&a->lock);
		while (!s->ready)
			pthread_cond_wait(&a->filled, &a->lock);
		pthread_mutex_unlock(&a->lock);
	}
	a->taken++;
	/* read now: once given back, the slot is the worker's again */
	a->finished = s->oom || s->end >= a->m;
	return s;
}

/* Gives the batch pgv__ahead_next returned back, for the batch after the next. */
void pgv__ahead_done(pgv__ahead *a, const pgv__batch *b)
{
	pgv__batch *s = &a->slot[b == &a->slot[0] ? 0 : 1];

	if (!a->threaded) {
		s->ready = 0;
		return;
	}
	pthread_mutex_lock(&a->lock);
	s->ready = 0;
	pthread_cond_signal(&a->freed);
	pthread_mutex_unlock(&a->lock);
}

/* Stops the worker (it finishes the batch it is formatting) and frees the buffers. */
void pgv__ahead_stop(pgv__ahead *a)
{
	if (a->threaded) {
		pthread_mutex_lock(&a->lock);
		a->stop = 1;
		pthread_cond_signal(&a->freed);
		pthread_mutex_unlock(&a->lock);
		pthread_join(a->thread, NULL);
		pthread_cond_destroy(&a->freed);
		pthread_cond_destroy(&a->filled);
		pthread_mutex_destroy(&a->lock);
		a->threaded = 0;
	}
	for (int i = 0; i < 2; i++) {
		pgv__buf_free(&a->slot[i].ids);
		pgv__buf_free(&a->slot[i].values);
		free(a->slot[i].offs);
	}
}
