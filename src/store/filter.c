/*
 * Filters of collection queries: structured conditions (column, operator, values) and the
 * caller's own SQL fragments, kept as copies and compiled, when a query is built, into
 * " AND ..." clauses with quoted column names and bound values.
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */
#include "codec/numtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One condition: structured (column set) or a fragment (sql set). */
typedef struct cond {
	char *column;
	pgv_filter_op op;
	char *sql;
	pgv_value *values;   /* copies; their texts are owned */
	size_t n;
} cond;

struct pgv_filter {
	cond *conds;
	size_t n, cap;
};

/* The SQL of each comparison operator. */
static const char *const op_sql[] = {
	[PGV_FILTER_EQ] = " = ", [PGV_FILTER_NE] = " <> ", [PGV_FILTER_LT] = " < ",
	[PGV_FILTER_LE] = " <= ", [PGV_FILTER_GT] = " > ", [PGV_FILTER_GE] = " >= ",
};

int pgv_filter_new(pgv_filter **out)
{
	pgv__error_clear();
	if (!out)
		return pgv__error_set(PGV_EINVAL, -1, "making a filter: out is NULL");
	if (!(*out = calloc(1, sizeof(**out))))
		return pgv__error_set(PGV_ENOMEM, -1, "making a filter: out of memory");
	return 0;
}

/* Frees one condition's copies. */
static void cond_free(cond *k)
{
	for (size_t i = 0; i < k->n; i++)
		free((char *)k->values[i].text);
	free(k->values);
	free(k->column);
	free(k->sql);
}

void pgv_filter_free(pgv_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		cond_free(&f->conds[i]);
	free(f->conds);
	free(f);
}

/* Copies values (and their texts) into k. */
static int copy_values(cond *k, const pgv_value *v, size_t n)
{
	if (n == 0)
		return 0;
	if (!(k->values = calloc(n, sizeof(*k->values))))
		return -1;
	k->n = n;
	for (size_t i = 0; i < n; i++) {
		k->values[i] = v[i];
		k->values[i].text = NULL;
		if ((unsigned)v[i].type > PGV_VALUE_JSON)
			return -2;
		if ((v[i].type == PGV_VALUE_TEXT || v[i].type == PGV_VALUE_JSON)) {
			char *s = malloc(v[i].len + 1);
			if (!s)
				return -1;
			if (v[i].len)
				memcpy(s, v[i].text, v[i].len);
			s[v[i].len] = '\0';
			k->values[i].text = s;
		}
	}
	return 0;
}

/* Appends a condition, taking k's copies (freed on failure). */
static int push(pgv_filter *f, cond *k, const char *what)
{
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 4;
		cond *p = realloc(f->conds, ncap * sizeof(*p));
		if (!p) {
			cond_free(k);
			return pgv__error_set(PGV_ENOMEM, -1, "%s: out of memory", what);
		}
		f->conds = p;
		f->cap = ncap;
	}
	f->conds[f->n++] = *k;
	return 0;
}

int pgv_filter_add(pgv_filter *f, const char *column, pgv_filter_op op,
	const pgv_value *values, size_t n)
{
	const char *what = "adding a filter condition";
	size_t want;
	cond k;
	int rc;

	pgv__error_clear();
	memset(&k, 0, sizeof(k));
	if (!f || !column)
		return pgv__error_set(PGV_EINVAL, -1, "%s: filter and column must not be NULL", what);
	if ((unsigned)op > PGV_FILTER_CONTAINS)
		return pgv__error_set(PGV_EINVAL, -1, "%s: unknown operator %d", what, (int)op);
	want = op == PGV_FILTER_IS_NULL || op == PGV_FILTER_IS_NOT_NULL ? 0 : 1;
	if (op == PGV_FILTER_IN ? n == 0 : n != want)
		return pgv__error_set(PGV_EINVAL, -1, "%s on \"%s\": %s, not %zu", what, column,
			op == PGV_FILTER_IN ? "IN takes one value or more" : want
			? "the operator takes one value" : "the operator takes no value", n);
	if (n > 0 && !values)
		return pgv__error_set(PGV_EINVAL, -1, "%s: values is NULL", what);
	k.op = op;
	if (!(k.column = strdup(column)) || (rc = copy_values(&k, values, n)) == -1) {
		cond_free(&k);
		return pgv__error_set(PGV_ENOMEM, -1, "%s: out of memory", what);
	}
	if (rc == -2) {
		cond_free(&k);
		return pgv__error_set(PGV_EINVAL, -1, "%s: a value of unknown type", what);
	}
	return push(f, &k, what);
}

int pgv_filter_add_sql(pgv_filter *f, const char *sql, const pgv_value *params, size_t n)
{
	const char *what = "adding a filter expression";
	cond k;
	int rc;

	pgv__error_clear();
	memset(&k, 0, sizeof(k));
	if (!f || !sql || !*sql)
		return pgv__error_set(PGV_EINVAL, -1, "%s: filter and sql must not be NULL or empty",
			what);
	if (n > 0 && !params)
		return pgv__error_set(PGV_EINVAL, -1, "%s: params is NULL", what);
	if (!(k.sql = strdup(sql)) || (rc = copy_values(&k, params, n)) == -1) {
		cond_free(&k);
		return pgv__error_set(PGV_ENOMEM, -1, "%s: out of memory", what);
	}
	if (rc == -2) {
		cond_free(&k);
		return pgv__error_set(PGV_EINVAL, -1, "%s: a parameter of unknown type", what);
	}
	return push(f, &k, what);
}

/* 1 when the column compares with numbers as numbers (integers, floats, numeric). */
static int numeric_column(const pgv__col *col)
{
	return col->kind == PGV_VALUE_INT64 || col->kind == PGV_VALUE_DOUBLE
		|| strcmp(col->base, "numeric") == 0;
}

/*
 * Appends one value's parameter for a comparison with `col`: a number with a numeric column
 * as a number (so 2015.5 compares as psql compares it), anything else as text cast to the
 * column's type (as psql reads a quoted literal).
 */
static void add_value(pgv__buf *sql, pgv__binds *b, const pgv__col *col, const pgv_value *v)
{
	if (v->type == PGV_VALUE_INT64 && numeric_column(col)) {
		pgv__buf_adds(sql, "?::int8");
		pgv__binds_int64(b, v->i);
		return;
	}
	if (v->type == PGV_VALUE_DOUBLE && numeric_column(col)) {
		pgv__buf_adds(sql, "?::float8");
		pgv__binds_double(b, v->d);
		return;
	}
	pgv__buf_adds(sql, "?::");
	pgv__buf_adds(sql, col->cast);
	if (v->type == PGV_VALUE_INT64 || v->type == PGV_VALUE_DOUBLE) {
		/* a number for a text column: its text */
		pgv_value t = *v;
		char num[48];
		const char *s;
		size_t n;
		char *copy;

		pgv__value_text(&t, num, &s, &n);
		copy = malloc(n + 1);
		if (copy) {
			memcpy(copy, s, n);
			copy[n] = '\0';
		}
		pgv__binds_text(b, copy, n);
		return;
	}
	pgv__binds_value(b, v);
}

/*
 * SQLite: appends "?" and the value as `col` stores it (collection_sqlite.c), so that text
 * compares with a number column as a number, as the cast does on PostgreSQL.  PGV_EVALUE (before
 * any round trip, where PostgreSQL's server refuses the cast) for a value the column cannot hold.
 */
static int add_value_sqlite(const pgv_collection *c, pgv__buf *sql, pgv__binds *b,
	const pgv__col *col, const pgv_value *v, const char *op)
{
	char buf[48], why[PGV__QUOTE_BUF + 64];
	pgv_value out;
	int status = pgv__coll_convert(col, v, 1, &out, buf, why, sizeof(why));

	if (status != 0)
		return pgv__conn_fail(c->conn, status, op, "%s: the filter on column %s: %s",
			c->t.what, col->quoted, why);
	/* the driver binds numbers as text, which SQLite compares as text with a column of no
	 * numeric affinity: CAST */
	pgv__buf_adds(sql, out.type == PGV_VALUE_DOUBLE ? "CAST(? AS REAL)"
		: out.type == PGV_VALUE_INT64 ? "CAST(? AS INTEGER)" : "?");
	pgv__binds_value(b, &out);
	return 0;
}

/* SQLite: col IN (?, ...), each value as the column stores it. */
static int add_in_sqlite(const pgv_collection *c, const cond *k, pgv__buf *sql, pgv__binds *b,
	const pgv__col *col, const char *op)
{
	int status;

	pgv__buf_adds(sql, " IN (");
	for (size_t i = 0; i < k->n; i++) {
		if (i)
			pgv__buf_adds(sql, ", ");
		if ((status = add_value_sqlite(c, sql, b, col, &k->values[i], op)) != 0)
			return status;
	}
	pgv__buf_addc(sql, ')');
	return 0;
}

/* Compiles one structured condition. */
static int compile_cond(const pgv_collection *c, const cond *k, pgv__buf *sql, pgv__binds *b,
	const char *op)
{
	const pgv__col *col = pgv__coll_find(c, k->column);
	const pgv__coll_sql *sp = pgv__coll_sql_of(c);
	char q[PGV__QUOTE_BUF];

	if (!col)
		return pgv__conn_fail(c->conn, PGV_ENOTFOUND, op, "%s: the filter names column \"%s\", "
			"which the table lacks", c->t.what, pgv__quote(q, k->column, strlen(k->column)));
	if (k->op == PGV_FILTER_CONTAINS && !sp->contains)
		return pgv__store_unsupported(c->conn, &c->t, op, "the containment filter (@>) is",
			sp->contains_why);
	pgv__buf_adds(sql, " AND ");
	pgv__buf_adds(sql, col->quoted);
	switch (k->op) {
	case PGV_FILTER_IS_NULL:
		pgv__buf_adds(sql, " IS NULL");
		break;
	case PGV_FILTER_IS_NOT_NULL:
		pgv__buf_adds(sql, " IS NOT NULL");
		break;
	case PGV_FILTER_IN: {
		pgv__buf list = { NULL, 0, 0, 0 };

		if (c->sqlite)
			return add_in_sqlite(c, k, sql, b, col, op);
		pgv__buf_addc(&list, c->t.dialect->list_open);
		for (size_t i = 0; i < k->n; i++) {
			if (i)
				pgv__buf_addc(&list, ',');
			pgv__buf_add_element(&list, c->t.dialect, &k->values[i]);
		}
		pgv__buf_addc(&list, c->t.dialect->list_close);
		pgv__buf_adds(sql, " = ANY (?::");
		pgv__buf_adds(sql, col->cast);
		pgv__buf_adds(sql, "[])");
		if (list.oom) {
			pgv__buf_free(&list);
			b->oom = 1;
		} else {
			pgv__binds_text(b, list.s, list.len);
		}
		break;
	}
	case PGV_FILTER_CONTAINS:
		pgv__buf_adds(sql, sp->contains);
		add_value(sql, b, col, &k->values[0]);
		break;
	default:
		pgv__buf_adds(sql, op_sql[k->op]);
		if (c->sqlite)
			return add_value_sqlite(c, sql, b, col, &k->values[0], op);
		add_value(sql, b, col, &k->values[0]);
		break;
	}
	return 0;
}

/* Compiles a filter into " AND ..." clauses and their parameters. */
int pgv__filter_compile(const pgv_collection *c, const pgv_filter *f, pgv__buf *sql,
	pgv__binds *b, const char *op)
{
	int status;

	for (size_t i = 0; f && i < f->n; i++) {
		const cond *k = &f->conds[i];

		if (k->sql) {
			/* the caller's SQL; its text parameters go untyped (see pgv_filter_add_sql) */
			pgv__buf_adds(sql, " AND (");
			pgv__buf_adds(sql, k->sql);
			pgv__buf_adds(sql, "\n)"); /* a -- comment in it ends here */
			for (size_t j = 0; j < k->n; j++) {
				pgv_value v = k->values[j];
				/* SQLite has no boolean: its true and false are 1 and 0 */
				if (c->sqlite && v.type == PGV_VALUE_BOOL)
					v = pgv_value_int64(v.i != 0);
				pgv__binds_value(b, &v);
			}
			continue;
		}
		if ((status = compile_cond(c, k, sql, b, op)) != 0)
			return status;
	}
	return 0;
}
