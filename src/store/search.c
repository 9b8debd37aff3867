/*
 * k nearest neighbours with per-query index settings (pgv_store_knn_ext).  pgvector's search
 * settings (hnsw.ef_search, ivfflat.probes, iterative scans) are session settings; here they are
 * made with SET LOCAL (set_config(..., true)) in the query's transaction and never outlive the
 * query: in a transaction of our own that ends before the call returns, or, inside the caller's,
 * put back to their previous values once the rows are read.  The rows are therefore read into
 * memory (at most k) before the call returns.
 */
#include "store/store.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pgvector's ranges (hnsw.c, ivfflat.c) and the version of iterative scans. */
#define EF_SEARCH_MIN 1
#define EF_SEARCH_MAX 1000
#define PROBES_MIN 1
#define PROBES_MAX 32768
#define ITERATIVE_SINCE 800
#define SCAN_MEM_MULTIPLIER_MIN 1.0
#define SCAN_MEM_MULTIPLIER_MAX 1000.0

/* A setting out of range, in the server's wording. */
static int out_of_range(const char *name, int value, int lo, int hi)
{
	return pgv__error_set(PGV_EINVAL, -1, "%d is outside the valid range for parameter \"%s\" "
		"(%d .. %d)", value, name, lo, hi);
}

/* Adds an integer setting (0: leave as is) after checking its range. */
static int add_int(pgv__search_settings *s, pgv__search_guc guc, int value, int lo, int hi,
	int since)
{
	const char *name = pgv__store_dialect(PGV_BACKEND_POSTGRESQL)->gucs[guc];

	if (value == 0)
		return 0;
	if (value < lo || value > hi)
		return out_of_range(name, value, lo, hi);
	snprintf(s->numbers[s->n], sizeof(s->numbers[s->n]), "%d", value);
	s->names[s->n] = name;
	s->values[s->n] = s->numbers[s->n];
	s->n++;
	if (since && !s->needs_version) {
		s->needs_version = since;
		s->needs_what = name;
	}
	return 0;
}

/* Adds a text setting that needs pgvector `since` (0: any). */
static void add_text(pgv__search_settings *s, pgv__search_guc guc, const char *value, int since)
{
	s->names[s->n] = pgv__store_dialect(PGV_BACKEND_POSTGRESQL)->gucs[guc];
	s->values[s->n] = value;
	s->n++;
	if (since && !s->needs_version) {
		s->needs_version = since;
		s->needs_what = s->names[s->n - 1];
	}
}

/* Adds hnsw.scan_mem_multiplier (a real setting; 0: leave as is) after checking its range. */
static int add_multiplier(pgv__search_settings *s, double value)
{
	const char *name = pgv__store_dialect(PGV_BACKEND_POSTGRESQL)->gucs[PGV__GUC_SCAN_MEM_MULTIPLIER];

	if (value == 0)
		return 0;
	if (!(value >= SCAN_MEM_MULTIPLIER_MIN && value <= SCAN_MEM_MULTIPLIER_MAX))
		return pgv__error_set(PGV_EINVAL, -1, "%g is outside the valid range for parameter "
			"\"%s\" (1 .. 1000)", value, name);
	snprintf(s->numbers[s->n], sizeof(s->numbers[s->n]), "%.17g", value);
	add_text(s, PGV__GUC_SCAN_MEM_MULTIPLIER, s->numbers[s->n], ITERATIVE_SINCE);
	return 0;
}

/* An exact search (pgv_recall_measure's reference): no index scan of any kind. */
void pgv__search_settings_exact(pgv__search_settings *s)
{
	add_text(s, PGV__GUC_INDEXSCAN, "off", 0);
	add_text(s, PGV__GUC_BITMAPSCAN, "off", 0);
}

/* Checks search options and lists the settings they make. */
int pgv__search_settings_make(pgv__search_settings *s, const pgv_search_opts *o)
{
	int status;

	pgv__error_clear();
	memset(s, 0, sizeof(*s));
	if (!o)
		return 0;
	if (o->version != 1 && o->version != PGV_SEARCH_OPTS_VERSION)
		return pgv__error_set(PGV_EINVAL, -1, "pgv_search_opts version %u is not supported "
			"(this library knows versions 1 to %d): initialise it with PGV_SEARCH_OPTS_INIT",
			o->version, PGV_SEARCH_OPTS_VERSION);
	if ((unsigned)o->iterative_scan > PGV_ITERATIVE_RELAXED)
		return pgv__error_set(PGV_EINVAL, -1, "unknown iterative scan mode %d (expected "
			"PGV_ITERATIVE_DEFAULT, _OFF, _STRICT or _RELAXED)", (int)o->iterative_scan);
	if ((status = add_int(s, PGV__GUC_EF_SEARCH, o->ef_search, EF_SEARCH_MIN, EF_SEARCH_MAX,
			0)) != 0
			|| (status = add_int(s, PGV__GUC_PROBES, o->probes, PROBES_MIN, PROBES_MAX, 0)) != 0
			|| (status = add_int(s, PGV__GUC_MAX_SCAN_TUPLES, o->max_scan_tuples, 1, INT_MAX,
				ITERATIVE_SINCE)) != 0
			|| (status = add_int(s, PGV__GUC_MAX_PROBES, o->max_probes, PROBES_MIN, PROBES_MAX,
				ITERATIVE_SINCE)) != 0
			|| (o->version >= 2 && (status = add_multiplier(s, o->scan_mem_multiplier)) != 0))
		return status;
	/* IVFFlat has no strict order: relaxed is its only iterative scan (the rows are sorted) */
	switch (o->iterative_scan) {
	case PGV_ITERATIVE_OFF:
		add_text(s, PGV__GUC_HNSW_ITERATIVE, "off", ITERATIVE_SINCE);
		add_text(s, PGV__GUC_IVFFLAT_ITERATIVE, "off", ITERATIVE_SINCE);
		break;
	case PGV_ITERATIVE_STRICT:
		add_text(s, PGV__GUC_HNSW_ITERATIVE, "strict_order", ITERATIVE_SINCE);
		add_text(s, PGV__GUC_IVFFLAT_ITERATIVE, "relaxed_order", ITERATIVE_SINCE);
		break;
	case PGV_ITERATIVE_RELAXED:
		add_text(s, PGV__GUC_HNSW_ITERATIVE, "relaxed_order", ITERATIVE_SINCE);
		add_text(s, PGV__GUC_IVFFLAT_ITERATIVE, "relaxed_order", ITERATIVE_SINCE);
		break;
	default:
		break;
	}
	return 0;
}

/* Refuses options that need a newer pgvector than the server's (asked only when needed). */
static int check_version(pgv_conn *c, const pgv__store_table *t, const char *op,
	const pgv__search_settings *s)
{
	const char *have = "";
	int version = 0, status;

	if (!s->needs_version)
		return 0;
	if ((status = pgv_conn_vector_version(&version, &have, c)) != 0)
		return pgv__conn_prefix(c, status, op, "%s", t->what);
	if (version < s->needs_version)
		return pgv__conn_fail(c, PGV_EUNSUPPORTED, op, "%s: %s (iterative index scans) needs "
			"pgvector %d.%d.%d or later; this server has %s", t->what, s->needs_what,
			s->needs_version / 10000, s->needs_version / 100 % 100, s->needs_version % 100,
			have);
	return 0;
}

/*
 * Runs a settings statement (`which`: set, or restore) with names[i] = values[i]; for the set
 * statement, reads each setting's previous value into olds[i] (newly allocated, NULL when the
 * setting did not exist) when `olds` is not NULL.
 */
static int run_settings(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, const char *const *names, const char *const *values, size_t n,
	char **olds)
{
	pgv__buf nl = { NULL, 0, 0, 0 }, vl = { NULL, 0, 0, 0 };
	char *sql = pgv__store_sql(t, which, PGV_METRIC_L2);
	pgv_stmt *st = NULL;
	int status;

	pgv__buf_add_texts(&nl, t->dialect, names, n);
	pgv__buf_add_texts(&vl, t->dialect, values, n);
	if (!sql || nl.oom || vl.oom) {
		status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
		goto done;
	}
	if ((status = pgv_stmt_prepare(&st, c, sql)) != 0
			|| (status = pgv_stmt_bind_text(st, 1, nl.s, nl.len)) != 0
			|| (status = pgv_stmt_bind_text(st, 2, vl.s, vl.len)) != 0)
		goto failed;
	while ((status = pgv_stmt_step(st)) == PGV_ROW) {
		const char *name = NULL, *old = NULL;
		if (!olds)
			continue;
		if ((status = pgv_stmt_column_text(&name, NULL, st, 1)) < 0
				|| (status = pgv_stmt_column_text(&old, NULL, st, 2)) < 0)
			goto failed;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(names[i], name) != 0 || olds[i])
				continue;
			if (status == 0 && !(olds[i] = strdup(old))) {
				status = pgv__conn_fail(c, PGV_ENOMEM, op, "%s: out of memory", t->what);
				goto done;
			}
		}
	}
	if (status == PGV_DONE) {
		status = 0;
		goto done;
	}
failed:
	pgv__conn_prefix(c, status, op, "%s: %s", t->what, which == PGV__SQL_SEARCH_SET
		? "setting the search options" : "restoring the search options");
done:
	pgv_stmt_free(st);
	free(sql);
	pgv__buf_free(&nl);
	pgv__buf_free(&vl);
	return status;
}

/*
 * Runs the prepared k-NN statement `st` (taken) under the settings and reads its rows into
 * memory, in the caller's transaction (`own` 0: the settings are put back afterwards) or in one
 * of ours (`own` 1: the caller commits or rolls it back).
 */
static int search(pgv_rows **out, pgv_conn *c, const pgv__store_table *t, const char *op,
	const pgv__search_settings *s, pgv_stmt *st, size_t k, int own)
{
	char *olds[PGV__SEARCH_MAX] = { NULL };
	int status;

	status = run_settings(c, t, op, PGV__SQL_SEARCH_SET, s->names, s->values, s->n,
		own ? NULL : olds);
	if (status != 0) {
		pgv_stmt_free(st);
		goto done;
	}
	if ((status = pgv__rows_start(out, c, t, op, st, 1)) != 0)
		goto done;
	if ((status = pgv__rows_load(*out, k)) == 0 && !own)
		status = run_settings(c, t, op, PGV__SQL_SEARCH_RESTORE, s->names,
			(const char *const *)olds, s->n, NULL);
	if (status != 0) {
		pgv_rows_free(*out);
		*out = NULL;
	}
done:
	for (size_t i = 0; i < s->n; i++)
		free(olds[i]);
	return status;
}

/* The k rows nearest to a query vector, with index settings for this query alone. */
int pgv_store_knn_ext(pgv_rows **out, pgv_conn *c, const pgv_table *spec, pgv_metric metric,
	const float *query, size_t dim, size_t k, const pgv_search_opts *opts)
{
	return pgv__knn_run(out, c, spec, "pgv_store_knn_ext", metric, query, dim, k, opts, 0);
}

/* pgv_store_knn_ext, or (exact) an exact search with index scans turned off. */
int pgv__knn_run(pgv_rows **out, pgv_conn *c, const pgv_table *spec, const char *op,
	pgv_metric metric, const float *query, size_t dim, size_t k, const pgv_search_opts *opts,
	int exact)
{
	pgv__search_settings s;
	pgv__knn_shape shape;
	pgv__store_table t;
	pgv_stmt *st = NULL;
	int status, own = 0;

	if (!c)
		return pgv__error_null(op, "conn");
	pgv__conn_clear(c);
	if (!out)
		return pgv__conn_fail(c, PGV_EINVAL, op, "searching: out is NULL");
	*out = NULL;
	if ((status = pgv__store_table_open(&t, c, spec, op, "searching")) != 0)
		goto done;
	if ((status = pgv__search_settings_make(&s, opts)) != 0) {
		status = pgv__conn_fail(c, status, op, "%s: %s", t.what, pgv_error_last()->message);
		goto done;
	}
	/* without an index every search is exact: nothing to turn off, nothing to set */
	if (s.n > 0 && !pgv__store_has(&t, PGV__SQL_SEARCH_SET)) {
		char what[96];

		snprintf(what, sizeof(what), "the search setting %s is", s.names[0]);
		status = pgv__store_unsupported(c, &t, op, what, t.dialect->no_index);
		goto done;
	}
	if (exact && pgv__store_has(&t, PGV__SQL_SEARCH_SET))
		pgv__search_settings_exact(&s);
	if ((status = pgv__knn_shape_make(&shape, c, &t, op, metric, exact ? PGV_INDEX_FORM_PLAIN
			: opts && opts->version >= 2 ? opts->form : PGV_INDEX_FORM_AUTO,
			opts && opts->version >= 2 ? opts->rerank : 0, k, dim)) != 0
			|| (status = pgv__store_knn_stmt(c, &t, op, metric, query, dim, k, &shape,
				&st)) != 0)
		goto done;
	if (s.n == 0) {
		/* nothing to set: pgv_store_knn, streaming */
		if ((status = pgv__rows_start(out, c, &t, op, st, 1)) != 0)
			status = pgv__store_refused(c, &t, op, metric, dim, status);
		goto done;
	}
	if ((status = check_version(c, &t, op, &s)) != 0) {
		pgv_stmt_free(st);
		goto done;
	}
	if (!pgv_conn_in_transaction(c)) {
		if ((status = pgv_conn_begin(c)) != 0) {
			pgv__conn_prefix(c, status, op, "%s", t.what);
			pgv_stmt_free(st);
			goto done;
		}
		own = 1;
	}
	status = search(out, c, &t, op, &s, st, k, own);
	if (own && status != 0)
		pgv__store_rollback(c, status);
	else if (own && (status = pgv_conn_commit(c)) != 0) {
		pgv__conn_prefix(c, status, op, "%s", t.what);
		pgv_rows_free(*out);
		*out = NULL;
	}
	if (status == 0)
		pgv__rows_sort_by_distance(*out); /* relaxed order comes out of an index unsorted */
	else
		status = pgv__store_refused(c, &t, op, metric, dim, status); /* ours rolled back */
done:
	pgv__store_table_free(&t);
	return status;
}

/* The settings statements and the version check, for collections (store/collection.h). */
int pgv__search_run(pgv_conn *c, const pgv__store_table *t, const char *op,
	pgv__store_stmt which, const char *const *names, const char *const *values, size_t n,
	char **olds)
{
	return run_settings(c, t, op, which, names, values, n, olds);
}

int pgv__search_check_version(pgv_conn *c, const pgv__store_table *t, const char *op,
	const pgv__search_settings *s)
{
	return check_version(c, t, op, s);
}
