/*
 * The shape of a k-NN query: which index form it is written for (in AUTO, the catalog's
 * answer) and the SQL of that shape.  The one place where k-NN's ORDER BY expression and its
 * re-ranking wrapper are decided (pgv_store_knn, pgv_store_knn_ext, pgv_recall_measure); the
 * templates themselves are in dialect.c.
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * What the catalog said about a table's vector column, kept on the connection so that k-NN
 * does not pay a catalog round trip on every call (measured: it nearly doubled the latency of a
 * k-NN on a 1,000-row table).  An entry is used for FORMS_TTL_MS; index creation and dropping
 * through this connection empty the cache at once, so only another session's index changes are
 * seen late, by at most that long.
 */
#define FORMS_TTL_MS 5000
#define FORMS_CACHED 8

typedef struct forms_entry {
	char key[2 * PGV__IDENT_MAX * 2 + 16]; /* the quoted table, a NUL, the column */
	size_t keylen;
	pgv__index_found found[16];
	size_t n;
	struct timespec at;
} forms_entry;

typedef struct forms_cache {
	forms_entry e[FORMS_CACHED];
	size_t next;               /* the entry replaced next */
} forms_cache;

/* Milliseconds from `a` to now. */
static long age_ms(const struct timespec *a)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - a->tv_sec) * 1000 + (now.tv_nsec - a->tv_nsec) / 1000000;
}

/* The cache key of a table's column into `e`; 0, or -1 when it does not fit (not cached). */
static int forms_key(forms_entry *e, const pgv__store_table *t)
{
	size_t a = strlen(t->table), b = strlen(t->vec_name);

	if (a + b + 2 > sizeof(e->key))
		return -1;
	memcpy(e->key, t->table, a + 1);
	memcpy(e->key + a + 1, t->vec_name, b + 1);
	e->keylen = a + b + 1;
	return 0;
}

/* The cached entry of the table's column that is young enough, or NULL. */
static const forms_entry *forms_cached(pgv_conn *c, const pgv__store_table *t)
{
	forms_cache *fc = pgv__conn_store_cache(c);
	forms_entry k;

	if (!fc || forms_key(&k, t) != 0)
		return NULL;
	for (size_t i = 0; i < FORMS_CACHED; i++)
		if (fc->e[i].keylen == k.keylen && memcmp(fc->e[i].key, k.key, k.keylen) == 0
				&& age_ms(&fc->e[i].at) < FORMS_TTL_MS)
			return &fc->e[i];
	return NULL;
}

/* Remembers what the catalog said (nothing when memory or the key does not allow). */
static void forms_remember(pgv_conn *c, const pgv__store_table *t,
	const pgv__index_found *found, size_t n)
{
	forms_cache *fc = pgv__conn_store_cache(c);
	forms_entry *e;

	if (!fc) {
		if (!(fc = calloc(1, sizeof(*fc))))
			return;
		pgv__conn_set_store_cache(c, fc, free);
	}
	e = &fc->e[fc->next];
	if (forms_key(e, t) != 0) {
		e->keylen = 0;
		return;
	}
	fc->next = (fc->next + 1) % FORMS_CACHED;
	memcpy(e->found, found, n * sizeof(*found));
	e->n = n;
	clock_gettime(CLOCK_MONOTONIC, &e->at);
}

/* Forgets every table's index forms (this connection created or dropped an index). */
void pgv__forms_forget(pgv_conn *c)
{
	pgv__conn_set_store_cache(c, NULL, NULL);
}

/* The type whose operator classes an index of `form` uses on a column of `type`. */
static pgv_type form_type(pgv_index_form form, pgv_type type)
{
	return form == PGV_INDEX_FORM_HALFVEC ? PGV_TYPE_HALFVEC
		: form == PGV_INDEX_FORM_BINARY ? PGV_TYPE_BIT : type;
}

/* Checks that a column of `type` can have an index of `form`. */
int pgv__form_check(pgv_index_form form, pgv_type type)
{
	const pgv__dialect *d = pgv__store_dialect(PGV_BACKEND_POSTGRESQL);

	pgv__error_clear();
	if ((unsigned)form >= PGV__FORM_COUNT)
		return pgv__error_set(PGV_EINVAL, -1, "unknown index form %d (expected "
			"PGV_INDEX_FORM_AUTO, _PLAIN, _HALFVEC or _BINARY)", (int)form);
	if (form == PGV_INDEX_FORM_HALFVEC && type != PGV_TYPE_VECTOR && type != PGV_TYPE_HALFVEC)
		return pgv__error_set(PGV_EINVAL, -1, "the halfvec form is for vector columns, not %s",
			d->type_names[type]);
	if (form == PGV_INDEX_FORM_BINARY && type != PGV_TYPE_VECTOR && type != PGV_TYPE_HALFVEC)
		return pgv__error_set(PGV_EINVAL, -1, "the binary form (binary_quantize) is for vector "
			"and halfvec columns, not %s", d->type_names[type]);
	return 0;
}

/* Picks the form k-NN is shaped for from the indexes found (the rule in index.h). */
pgv_index_form pgv__form_pick(const pgv__index_found *found, size_t n, pgv_type type,
	pgv_metric metric)
{
	static const pgv_index_form order[] = { PGV_INDEX_FORM_PLAIN, PGV_INDEX_FORM_HALFVEC,
		PGV_INDEX_FORM_BINARY };
	const pgv__dialect *d = pgv__store_dialect(PGV_BACKEND_POSTGRESQL);

	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		pgv_index_form form = order[o];
		pgv_metric m = form == PGV_INDEX_FORM_BINARY ? PGV_METRIC_HAMMING : metric;
		char want[64];

		if (pgv__form_check(form, type) != 0)
			continue;
		snprintf(want, sizeof(want), "%s_%s_ops", d->type_names[form_type(form, type)],
			pgv_metric_name(m));
		for (size_t i = 0; i < n; i++)
			if (found[i].form == form && strcmp(found[i].opclass, want) == 0)
				return form;
	}
	return PGV_INDEX_FORM_PLAIN;
}

/* Reads the vector column's usable indexes from the catalog and picks the form. */
static int form_from_catalog(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric, pgv_index_form *form)
{
	const forms_entry *cached = forms_cached(c, t);
	char *sql;
	pgv__index_found found[16];
	pgv_stmt *st = NULL;
	size_t n = 0;
	int status;

	*form = PGV_INDEX_FORM_PLAIN;
	if (cached) {
		*form = pgv__form_pick(cached->found, cached->n, t->type, metric);
		return 0;
	}
	sql = pgv__store_sql(t, PGV__SQL_INDEX_FORMS, metric);
	if (!sql)
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	status = pgv_stmt_prepare(&st, c, sql);
	free(sql);
	if (status == 0 && (status = pgv_stmt_bind_text(st, 1, t->table, PGV_NTS)) == 0
			&& (status = pgv_stmt_bind_text(st, 2, t->vec_name, PGV_NTS)) == 0) {
		while ((status = pgv_stmt_step(st)) == PGV_ROW) {
			const char *name = NULL, *opclass = NULL;
			int rc = pgv_stmt_column_text(&name, NULL, st, 1);

			if (rc < 0 || (rc = pgv_stmt_column_text(&opclass, NULL, st, 2)) < 0) {
				status = rc;
				break;
			}
			if (!name || !opclass || n == sizeof(found) / sizeof(found[0]))
				continue; /* another expression (not a form of ours), or past the 16th */
			found[n].form = strcmp(name, "plain") == 0 ? PGV_INDEX_FORM_PLAIN
				: strcmp(name, "halfvec") == 0 ? PGV_INDEX_FORM_HALFVEC
				: PGV_INDEX_FORM_BINARY;
			snprintf(found[n].opclass, sizeof(found[n].opclass), "%s", opclass);
			n++;
		}
	}
	pgv_stmt_free(st);
	if (status != PGV_DONE && status != 0)
		return pgv__conn_prefix(c, status, op, "%s: reading the table's indexes", t->what);
	forms_remember(c, t, found, n);
	*form = pgv__form_pick(found, n, t->type, metric);
	return 0;
}

/* Decides the shape of a k-NN query. */
int pgv__knn_shape_make(pgv__knn_shape *out, pgv_conn *c, const pgv__store_table *t,
	const char *op, pgv_metric metric, pgv_index_form form, size_t rerank, size_t k, size_t dim)
{
	int status;

	memset(out, 0, sizeof(*out));
	out->form = PGV_INDEX_FORM_PLAIN;
	if (pgv__form_check(form, t->type) != 0)
		return pgv__conn_fail(c, PGV_EINVAL, op, "%s: %s", t->what, pgv_error_last()->message);
	if (rerank != 0 && rerank < k)
		return pgv__conn_fail(c, PGV_EINVAL, op, "%s: rerank (%zu candidates) must be at least "
			"k (%zu)", t->what, rerank, k);
	if ((form == PGV_INDEX_FORM_HALFVEC && !pgv__store_has(t, PGV__SQL_KNN_HALFVEC))
			|| (form == PGV_INDEX_FORM_BINARY && !pgv__store_has(t, PGV__SQL_KNN_BINARY))) {
		char what[64];

		snprintf(what, sizeof(what), "searching by the %s form of an index is",
			pgv_index_form_name(form));
		return pgv__store_unsupported(c, t, op, what, t->dialect->no_index);
	}
	if (form == PGV_INDEX_FORM_AUTO) {
		/* nothing to learn where no form but the column applies, or no index exists */
		if (pgv__form_check(PGV_INDEX_FORM_BINARY, t->type) != 0
				|| !pgv__store_has(t, PGV__SQL_INDEX_FORMS))
			return 0;
		if ((status = form_from_catalog(c, t, op, metric, &form)) != 0)
			return status;
	}
	/* a halfvec column cast to halfvec is the column itself */
	if (form == PGV_INDEX_FORM_HALFVEC && t->type == PGV_TYPE_HALFVEC)
		form = PGV_INDEX_FORM_PLAIN;
	out->form = form;
	if (form != PGV_INDEX_FORM_PLAIN) {
		out->dim = dim;
		out->candidates = rerank ? rerank : PGV_RERANK_DEFAULT(k);
		if (out->candidates < k) /* PGV_RERANK_DEFAULT overflowed */
			out->candidates = k;
	}
	return 0;
}

/* The SQL of a shaped k-NN query (free with free()); NULL when out of memory. */
char *pgv__knn_sql(const pgv__store_table *t, pgv_metric metric, const pgv__knn_shape *shape)
{
	pgv__sql_vars vars;

	memset(&vars, 0, sizeof(vars));
	vars.form = shape->form;
	vars.dim = shape->dim;
	return pgv__store_sql_vars(t, shape->form == PGV_INDEX_FORM_HALFVEC ? PGV__SQL_KNN_HALFVEC
		: shape->form == PGV_INDEX_FORM_BINARY ? PGV__SQL_KNN_BINARY : PGV__SQL_KNN, metric,
		&vars);
}

/* A count as a bigint parameter: LIMIT past the number of rows is harmless, so clamp. */
static int64_t limit_of(size_t n)
{
	return n > (size_t)INT64_MAX ? INT64_MAX : (int64_t)n;
}

/* Prepares the k-NN statement of table t in the given shape, with everything bound. */
int pgv__store_knn_stmt(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv_metric metric, const float *query, size_t dim, size_t k, const pgv__knn_shape *shape,
	pgv_stmt **st)
{
	int rerank = shape->form != PGV_INDEX_FORM_PLAIN, status;
	char *sql;

	*st = NULL;
	if (k < 1)
		return pgv__conn_fail(c, PGV_EINVAL, op, "%s: k must be at least 1, not 0", t->what);
	if (!(sql = pgv__knn_sql(t, metric, shape)))
		return pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
	/* the query vector is parameter 1 (the exact distance) and, re-ranking, 2 (the index's) */
	status = pgv__store_query_prepare(c, t, op, sql, metric, query, dim, rerank ? 2 : 1, st);
	free(sql);
	if (status != 0)
		return status;
	if (rerank)
		status = pgv_stmt_bind_int64(*st, 3, limit_of(shape->candidates));
	if (status == 0)
		status = pgv_stmt_bind_int64(*st, rerank ? 4 : 2, limit_of(k));
	if (status != 0) {
		pgv__conn_prefix(c, status, op, "%s", t->what);
		pgv_stmt_free(*st);
		*st = NULL;
	}
	return status;
}
