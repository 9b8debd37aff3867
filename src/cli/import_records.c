/*
 * Records with metadata for `import` (collections): the other fields of each row of a batch
 * (JSON lines keys, string ids), and the batch's upsert through a collection whose columns are
 * the keys the batch names.  A key the table lacks fails the collection's opening, so nothing
 * of that batch is written and the message names the column.
 */
#include "cli.h"
#include "import_records.h"

#include <stdlib.h>
#include <string.h>

int cli_rec_batch_init(cli_rec_batch *rb, size_t cap)
{
	memset(rb, 0, sizeof(*rb));
	rb->fields = calloc(cap ? cap : 1, sizeof(*rb->fields));
	rb->cap = cap;
	return rb->fields ? 0 : -1;
}

void cli_rec_batch_clear(cli_rec_batch *rb, size_t n)
{
	for (size_t i = 0; i < n && i < rb->cap; i++)
		fmt_fields_clear(&rb->fields[i]);
}

/* Forgets the open collection and its column names. */
static void drop_collection(cli_rec_batch *rb)
{
	pgv_collection_free(rb->coll);
	rb->coll = NULL;
	for (size_t j = 0; j < rb->ncols; j++)
		free(rb->cols[j]);
	free(rb->cols);
	rb->cols = NULL;
	rb->ncols = 0;
}

void cli_rec_batch_free(cli_rec_batch *rb)
{
	cli_rec_batch_clear(rb, rb->cap);
	free(rb->fields);
	drop_collection(rb);
	memset(rb, 0, sizeof(*rb));
}

int cli_rec_batch_any(const cli_rec_batch *rb, size_t n)
{
	for (size_t i = 0; i < n && i < rb->cap; i++)
		if (rb->fields[i].n || rb->fields[i].id_text)
			return 1;
	return 0;
}

/* The index of `name` in names[0..n), or n. */
static size_t find(char *const *names, size_t n, const char *name)
{
	size_t j = 0;

	while (j < n && strcmp(names[j], name) != 0)
		j++;
	return j;
}

/* The batch's keys in order of first appearance (names borrowed from the fields). */
static int batch_keys(const cli_rec_batch *rb, size_t n, char ***keys, size_t *nk)
{
	size_t cap = 0;

	*keys = NULL;
	*nk = 0;
	for (size_t i = 0; i < n; i++) {
		const fmt_fields *f = &rb->fields[i];
		for (size_t k = 0; k < f->n; k++) {
			if (find(*keys, *nk, f->names[k]) < *nk)
				continue;
			if (*nk == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				char **p = realloc(*keys, ncap * sizeof(*p));
				if (!p)
					return -1;
				*keys = p;
				cap = ncap;
			}
			(*keys)[(*nk)++] = f->names[k];
		}
	}
	return 0;
}

/* Opens (or keeps) the collection whose columns are `keys`; 0 or a pgv status. */
static int ensure_collection(cli *c, cli_rec_batch *rb, char **keys, size_t nk)
{
	pgv_table t = c->table;
	int same = rb->coll && nk == rb->ncols;

	for (size_t j = 0; same && j < nk; j++)
		same = strcmp(keys[j], rb->cols[j]) == 0;
	if (same)
		return 0;
	drop_collection(rb);
	if (nk && !(rb->cols = calloc(nk, sizeof(*rb->cols))))
		return PGV_ENOMEM;
	for (size_t j = 0; j < nk; j++) {
		if (!(rb->cols[j] = strdup(keys[j])))
			return PGV_ENOMEM;
		rb->ncols = j + 1;
	}
	t.version = PGV_TABLE_VERSION;
	t.columns = (const char *const *)rb->cols;
	t.ncolumns = rb->ncols;
	return pgv_collection_open(&rb->coll, c->conn, &t);
}

int cli_rec_batch_send(cli *c, cli_rec_batch *rb, const cli_batch *b)
{
	pgv_record *recs = NULL;
	pgv_value *vals = NULL;
	char **keys = NULL;
	size_t nk = 0;
	int status;

	if (batch_keys(rb, b->n, &keys, &nk) != 0)
		return PGV_ENOMEM;
	if ((status = ensure_collection(c, rb, keys, nk)) != 0)
		goto done;
	recs = calloc(b->n, sizeof(*recs));
	vals = nk ? calloc(b->n * nk, sizeof(*vals)) : NULL;
	if (!recs || (nk && !vals)) {
		status = PGV_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < b->n; i++) {
		const fmt_fields *f = &rb->fields[i];

		recs[i].id = f->id_text ? pgv_value_textn(f->id_text, f->id_len)
			: pgv_value_int64(b->ids[i]);
		recs[i].vector = b->vecs[i];
		recs[i].values = nk ? vals + i * nk : NULL;
		for (size_t j = 0; j < nk; j++)
			vals[i * nk + j] = pgv_value_null(); /* a key the record lacks: NULL */
		for (size_t k = 0; k < f->n; k++)
			vals[i * nk + find(keys, nk, f->names[k])] = f->values[k];
	}
	status = pgv_collection_upsert(NULL, rb->coll, recs, b->n);
done:
	free(keys);
	free(recs);
	free(vals);
	return status;
}
