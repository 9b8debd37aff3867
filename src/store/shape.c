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

/* The type whose operator classes an index of `form` uses on a column of `type`. */
static pgv_type form_type(pgv_index_form form, pgv_type type)
{
	return form == PGV_INDEX_FORM_HALFVEC ? PGV_TYPE_HALFVEC
		: form == PGV_INDEX_FORM_BINARY ? PGV_TYPE_BIT : type;
}

/* Checks that a column of `type` can have an index of `form`. */
int pgv__form_check(pgv_index_form form, pgv_type type)
{
	const pgv__dialect *d = pgv__store_dialect();

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
	const pgv__dialect *d = pgv__store_dialect();

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
	char *sql = pgv__store_sql(t, PGV__SQL_INDEX_FORMS, metric);
	pgv__index_found found[16];
	pgv_stmt *st = NULL;
	size_t n = 0;
	int status;

	*form = PGV_INDEX_FORM_PLAIN;
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
	if (form == PGV_INDEX_FORM_AUTO) {
		/* nothing to learn where no form but the column applies */
		if (pgv__form_check(PGV_INDEX_FORM_BINARY, t->type) != 0)
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
