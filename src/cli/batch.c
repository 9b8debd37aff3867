/* The rows `upsert` and `import` collect before each pgv_store_upsert call (batch.h). */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

int cli_batch_init(cli_batch *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
	b->ids = calloc(cap, sizeof(*b->ids));
	b->vecs = calloc(cap, sizeof(*b->vecs));
	b->pos = calloc(cap, sizeof(*b->pos));
	return b->ids && b->vecs && b->pos ? 0 : -1;
}

int cli_batch_use_keys(cli_batch *b)
{
	b->keys = calloc(b->cap, sizeof(*b->keys));
	return b->keys ? 0 : -1;
}

int cli_batch_full(const cli_batch *b)
{
	return b->n == b->cap || b->floats >= CLI_BATCH_MAX_FLOATS;
}

void cli_batch_clear(cli_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		pgv_vector_free(&b->vecs[i]);
		if (b->keys) {
			free(b->keys[i]);
			b->keys[i] = NULL;
		}
	}
	b->n = 0;
	b->floats = 0;
}

void cli_batch_free(cli_batch *b)
{
	if (b->vecs)
		cli_batch_clear(b);
	free(b->ids);
	free(b->keys);
	free(b->vecs);
	free(b->pos);
	memset(b, 0, sizeof(*b));
}
