/*
 * The parameters of a collection statement being built (pgv__binds): values, owned texts,
 * numbers and query vectors in order, bound to the statement at once when it runs.
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */

#include <stdlib.h>
#include <string.h>

/* Makes room for one more parameter; NULL when out of memory. */
static pgv__bind *binds_push(pgv__binds *b)
{
	if (b->oom)
		return NULL;
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 8;
		pgv__bind *p = realloc(b->v, ncap * sizeof(*p));
		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->v = p;
		b->cap = ncap;
	}
	memset(&b->v[b->n], 0, sizeof(*b->v));
	return &b->v[b->n++];
}

void pgv__binds_free(pgv__binds *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].text);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

void pgv__binds_text(pgv__binds *b, char *text, size_t len)
{
	pgv__bind *p = binds_push(b);

	if (!p || !text) {
		b->oom = 1;
		free(text);
		return;
	}
	p->type = PGV_VALUE_TEXT;
	p->text = text;
	p->len = len;
}

void pgv__binds_int64(pgv__binds *b, int64_t i)
{
	pgv__bind *p = binds_push(b);

	if (p) {
		p->type = PGV_VALUE_INT64;
		p->i = i;
	}
}

void pgv__binds_double(pgv__binds *b, double d)
{
	pgv__bind *p = binds_push(b);

	if (p) {
		p->type = PGV_VALUE_DOUBLE;
		p->d = d;
	}
}

void pgv__binds_vector(pgv__binds *b, const float *data, size_t dim)
{
	pgv__bind *p = binds_push(b);

	if (p) {
		p->is_vec = 1;
		p->vec = data;
		p->dim = dim;
	}
}

void pgv__binds_value(pgv__binds *b, const pgv_value *v)
{
	char num[48], *copy;
	const char *s;
	size_t n;

	if (v->type == PGV_VALUE_INT64) {
		pgv__binds_int64(b, v->i);
		return;
	}
	if (v->type == PGV_VALUE_DOUBLE) {
		pgv__binds_double(b, v->d);
		return;
	}
	pgv__value_text(v, num, &s, &n);
	if (!s) {
		pgv__bind *p = binds_push(b);
		if (p)
			p->type = PGV_VALUE_NULL;
		return;
	}
	if (!(copy = malloc(n + 1))) {
		b->oom = 1;
		return;
	}
	memcpy(copy, s, n);
	copy[n] = '\0';
	pgv__binds_text(b, copy, n);
}

/* Binds a query vector as text of the collection's vector type. */
static int bind_query(const pgv_collection *c, pgv_stmt *st, int idx, const float *v,
	size_t dim)
{
	pgv__buf b = { NULL, 0, 0, 0 };
	int status;

	pgv__store_add_value(&b, &c->t, v, dim);
	if (b.oom) {
		pgv__buf_free(&b);
		return pgv__conn_fail(c->conn, PGV_ENOMEM, "pgv_stmt_bind_text", "out of memory");
	}
	status = pgv_stmt_bind_text(st, idx, b.s, b.len);
	pgv__buf_free(&b);
	return status;
}

/* Binds every parameter in order. */
int pgv__binds_apply(const pgv_collection *c, pgv_stmt *st, const pgv__binds *b)
{
	int status = 0;

	for (size_t i = 0; i < b->n && status == 0; i++) {
		const pgv__bind *p = &b->v[i];
		int idx = (int)i + 1;

		if (p->is_vec)
			status = bind_query(c, st, idx, p->vec, p->dim);
		else if (p->type == PGV_VALUE_INT64)
			status = pgv_stmt_bind_int64(st, idx, p->i);
		else if (p->type == PGV_VALUE_DOUBLE)
			status = pgv_stmt_bind_double(st, idx, p->d);
		else if (p->type == PGV_VALUE_NULL)
			status = pgv_stmt_bind_null(st, idx);
		else
			status = pgv_stmt_bind_text(st, idx, p->text, p->len);
	}
	return status;
}
