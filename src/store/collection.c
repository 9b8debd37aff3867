/*
 * Collections: opening the handle (one catalog query for every column of the table), values,
 * and the pieces of SQL the other collection files share (parameter lists: binds.c).  The
 * statements themselves are built in collection_sql.c.
 */
#include "store/collection.h" /* first: common/error.h defines _GNU_SOURCE */
#include "codec/numtext.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every column of a table, with its SQL type twice (with the type modifier, for messages; and
 * without, for casts: a cast to varchar(3) would cut a longer value silently, an assignment
 * refuses it), and its base type's name (a domain's base type).  The table is resolved by
 * to_regclass exactly as the statements resolve it; no row means no table.
 */
static const char catalog_sql[] =
	"SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod),"
	" pg_catalog.format_type(a.atttypid, NULL), b.typname::text,"
	" (b.typcategory = 'A')::int, a.attnotnull::int, a.atttypmod"
	" FROM pg_catalog.pg_attribute a"
	" JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
	" JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype"
	" ELSE t.oid END"
	" WHERE a.attrelid = pg_catalog.to_regclass(?::text) AND a.attnum > 0"
	" AND NOT a.attisdropped ORDER BY a.attnum";

pgv_value pgv_value_null(void)
{
	pgv_value v = { PGV_VALUE_NULL, 0, 0.0, NULL, 0 };
	return v;
}

pgv_value pgv_value_int64(int64_t i)
{
	pgv_value v = { PGV_VALUE_INT64, i, 0.0, NULL, 0 };
	return v;
}

pgv_value pgv_value_double(double d)
{
	pgv_value v = { PGV_VALUE_DOUBLE, 0, d, NULL, 0 };
	return v;
}

pgv_value pgv_value_bool(int b)
{
	pgv_value v = { PGV_VALUE_BOOL, b != 0, 0.0, NULL, 0 };
	return v;
}

pgv_value pgv_value_text(const char *s)
{
	return s ? pgv_value_textn(s, strlen(s)) : pgv_value_null();
}

pgv_value pgv_value_textn(const char *s, size_t len)
{
	pgv_value v = { PGV_VALUE_TEXT, 0, 0.0, s, len };
	if (!s)
		v.type = PGV_VALUE_NULL;
	return v;
}

/* Sets what a column's values read as, from its base type. */
void pgv__col_classify(pgv__col *col)
{
	static const struct { const char *name; pgv_value_type kind; int64_t min, max; } kinds[] = {
		{ "int2", PGV_VALUE_INT64, INT16_MIN, INT16_MAX },
		{ "int4", PGV_VALUE_INT64, INT32_MIN, INT32_MAX },
		{ "int8", PGV_VALUE_INT64, INT64_MIN, INT64_MAX },
		{ "float4", PGV_VALUE_DOUBLE, 0, 0 },
		{ "float8", PGV_VALUE_DOUBLE, 0, 0 },
		{ "bool", PGV_VALUE_BOOL, 0, 0 },
		{ "json", PGV_VALUE_JSON, 0, 0 },
		{ "jsonb", PGV_VALUE_JSON, 0, 0 },
	};

	col->kind = PGV_VALUE_TEXT;
	col->min = col->max = 0;
	col->uuid = !col->is_array && strcmp(col->base, "uuid") == 0;
	col->opaque = 0;
	col->iso_time = !col->is_array && (strcmp(col->base, "date") == 0
		|| strcmp(col->base, "timestamp") == 0 || strcmp(col->base, "timestamptz") == 0);
	if (col->is_array)
		return;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(col->base, kinds[i].name) == 0) {
			col->kind = kinds[i].kind;
			col->min = kinds[i].min;
			col->max = kinds[i].max;
		}
	}
}

/* A NULL handle: recorded in the thread's error, as 0.2.0's rules ask. */
int pgv__coll_null(const char *func, const char *arg)
{
	return pgv__error_null(func, arg);
}

/* Puts what the call was doing (and `detail`) in front of the connection's error. */
int pgv__coll_wrap(pgv_conn *conn, const pgv__store_table *t, const char *op,
	const char *detail, int status)
{
	if (detail)
		return pgv__conn_prefix(conn, status, op, "%s: %s", t->what, detail);
	return pgv__conn_prefix(conn, status, op, "%s", t->what);
}

/* Sets the start of every message of the call. */
void pgv__coll_doing(pgv_collection *c, const char *verb)
{
	char *what = pgv__aprintf("%s %s", verb, c->t.table);

	if (what) { /* out of memory: the previous words stay */
		free(c->t.what);
		c->t.what = what;
	}
}

/* 1 when two names are equal with ASCII letters folded, as SQLite compares names. */
static int same_nocase(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		if (x != y)
			return 0;
		if (!x)
			return 1;
	}
}

/* A column by name (on SQLite, as SQLite matches names: ASCII case folded). */
const pgv__col *pgv__coll_find(const pgv_collection *c, const char *name)
{
	for (size_t i = 0; name && i < c->ncols; i++)
		if (c->sqlite ? same_nocase(c->cols[i].name, name)
				: strcmp(c->cols[i].name, name) == 0)
			return &c->cols[i];
	return NULL;
}

/* Reads one catalog row into a column. */
static int read_col(pgv_stmt *st, pgv__col *col)
{
	const char *s[4] = { NULL, NULL, NULL, NULL };
	int64_t arr = 0, nn = 0;
	int status = 0;

	for (int i = 0; i < 4 && status >= 0; i++)
		status = pgv_stmt_column_text(&s[i], NULL, st, i + 1);
	if (status >= 0)
		status = pgv_stmt_column_int64(&arr, st, 5);
	if (status >= 0)
		status = pgv_stmt_column_int64(&nn, st, 6);
	if (status < 0)
		return status;
	col->name = strdup(s[0] ? s[0] : "");
	col->type = strdup(s[1] ? s[1] : "");
	col->cast = strdup(s[2] ? s[2] : "");
	snprintf(col->base, sizeof(col->base), "%s", s[3] ? s[3] : "");
	col->is_array = arr != 0;
	col->notnull = nn != 0;
	if (!col->name || !col->type || !col->cast)
		return PGV_ENOMEM;
	/* a name of more than 63 bytes cannot come from the catalog; quoting cannot fail otherwise */
	if (pgv_ident_quote(&col->quoted, col->name) != 0)
		return PGV_ENOMEM;
	pgv__col_classify(col);
	return 0;
}

/* Reads every column of the table from the catalog. */
static int read_catalog(pgv_collection *c, const char *op)
{
	pgv_stmt *st = NULL;
	size_t cap = 0;
	int status = pgv_stmt_prepare(&st, c->conn, c->sqlite ? pgv__coll_catalog_sqlite
		: catalog_sql);

	/* SQLite's pragma takes the names as given (a NULL schema: main, then attached ones) */
	if (status == 0 && c->sqlite && (status = pgv_stmt_bind_text(st, 1, c->t.table_name,
			PGV_NTS)) == 0)
		status = c->t.schema_name ? pgv_stmt_bind_text(st, 2, c->t.schema_name, PGV_NTS)
			: pgv_stmt_bind_null(st, 2);
	else if (status == 0)
		status = pgv_stmt_bind_text(st, 1, c->t.table, PGV_NTS);
	while (status == 0 && (status = pgv_stmt_step(st)) == PGV_ROW) {
		if (c->ncols == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			pgv__col *p = realloc(c->cols, ncap * sizeof(*p));
			if (!p) {
				status = PGV_ENOMEM;
				break;
			}
			c->cols = p;
			cap = ncap;
		}
		memset(&c->cols[c->ncols], 0, sizeof(*c->cols));
		status = c->sqlite ? pgv__col_read_sqlite(st, &c->cols[c->ncols++])
			: read_col(st, &c->cols[c->ncols++]);
	}
	pgv_stmt_free(st);
	if (status == PGV_EINVAL) /* a SQLite name pgv_ident_quote refuses (too long) */
		return pgv__conn_fail(c->conn, status, op, "%s: reading the catalog: %s", c->t.what,
			pgv_error_last()->message);
	if (status == PGV_ENOMEM)
		return pgv__conn_fail(c->conn, status, op, "%s: out of memory", c->t.what);
	if (status != PGV_DONE)
		return pgv__coll_wrap(c->conn, &c->t, op, "reading the catalog", status);
	return 0;
}

/* Finds the id, vector and named columns and checks their types. */
static int resolve_columns(pgv_collection *c, const pgv_table *spec, const char *op)
{
	const pgv__col *id, *vec;
	size_t n = spec && spec->version >= 3 ? spec->ncolumns : 0;

	if (c->ncols == 0)
		return pgv__conn_fail(c->conn, PGV_ENOTFOUND, op, "%s: the table does not exist",
			c->t.what);
	if (!(id = pgv__coll_find(c, c->t.id_name)))
		return pgv__conn_fail(c->conn, PGV_ENOTFOUND, op, "%s: the table has no column %s",
			c->t.what, c->t.id);
	if (!(vec = pgv__coll_find(c, c->t.vec_name)))
		return pgv__conn_fail(c->conn, PGV_ENOTFOUND, op, "%s: the table has no column %s",
			c->t.what, c->t.vec);
	c->id = (size_t)(id - c->cols);
	c->vec = (size_t)(vec - c->cols);
	c->id_int = id->kind == PGV_VALUE_INT64;
	c->id_uuid = id->uuid;
	/* SQLite: any declared type of INTEGER or TEXT affinity, or uuid */
	if (!c->id_int && !c->id_uuid && (c->sqlite ? id->kind != PGV_VALUE_TEXT || id->opaque
			: strcmp(id->base, "text") != 0 && strcmp(id->base, "varchar") != 0))
		return pgv__conn_fail(c->conn, PGV_EUNSUPPORTED, op, "%s: the id column %s is of type "
			"%s: a collection's id is smallint, integer, bigint, text, varchar or uuid",
			c->t.what, c->t.id, id->type[0] ? id->type : "(none)");
	if (n > 0 && !spec->columns)
		return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: pgv_table.columns is NULL but "
			"ncolumns is %zu", c->t.what, n);
	if (n > 0 && !(c->named = malloc(n * sizeof(*c->named))))
		return pgv__conn_fail(c->conn, PGV_ENOMEM, op, "%s: out of memory", c->t.what);
	for (size_t i = 0; i < n; i++) {
		const char *name = spec->columns[i];
		const pgv__col *col = pgv__coll_find(c, name);
		char q[PGV__QUOTE_BUF];

		if (!col)
			return pgv__conn_fail(c->conn, PGV_ENOTFOUND, op, "%s: the table has no column "
				"\"%s\"", c->t.what, name ? pgv__quote(q, name, strlen(name)) : "(null)");
		if (col == id || col == vec)
			return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: column %s is the id or the "
				"vector column: pgv_table.columns names the others", c->t.what, col->quoted);
		if (col->is_array)
			return pgv__conn_fail(c->conn, PGV_EUNSUPPORTED, op, "%s: column %s is of type "
				"%s: array columns are not supported in a collection", c->t.what,
				col->quoted, col->type);
		if (col->opaque)
			return pgv__conn_fail(c->conn, PGV_EUNSUPPORTED, op, "%s: column %s is of type "
				"%s: BLOB columns (or columns of no declared type) are not supported in a "
				"collection on sqlite", c->t.what, col->quoted, col->type[0] ? col->type
				: "(none)");
		for (size_t j = 0; j < i; j++)
			if (c->named[j] == (size_t)(col - c->cols))
				return pgv__conn_fail(c->conn, PGV_EINVAL, op, "%s: column %s is named "
					"twice", c->t.what, col->quoted);
		c->named[i] = (size_t)(col - c->cols);
		c->nnamed = i + 1;
	}
	return 0;
}

/* The connection is closing: the collection holds no driver handle, it only forgets it. */
static void coll_close(pgv__child *self)
{
	((pgv_collection *)self)->conn = NULL;
}

/* Opens a collection: resolves the names, reads the catalog, checks the columns. */
int pgv_collection_open(pgv_collection **out, pgv_conn *conn, const pgv_table *spec)
{
	const char *op = "pgv_collection_open";
	pgv_collection *c;
	size_t dim = 0;
	int status;

	if (!conn)
		return pgv__coll_null(op, "conn");
	pgv__conn_clear(conn);
	if (!out)
		return pgv__conn_fail(conn, PGV_EINVAL, op, "opening a collection: out is NULL");
	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return pgv__conn_fail(conn, PGV_ENOMEM, op, "opening a collection: out of memory");
	c->conn = conn;
	c->sqlite = pgv_conn_backend(conn) == PGV_BACKEND_SQLITE;
	/* the store binds bits as blobs on SQLite; a collection's statements bind text */
	if ((status = pgv__store_table_open(&c->t, conn, spec, op, "opening")) == 0
			&& (status = pgv__store_value_blob(&c->t) ? pgv__store_unsupported(conn, &c->t, op,
				"a collection of bit vectors is", NULL) : 0) == 0
			&& (status = read_catalog(c, op)) == 0
			&& (status = resolve_columns(c, spec, op)) == 0)
		status = pgv__store_describe(conn, &c->t, op, &dim, NULL, 0);
	if (status != 0) {
		pgv_collection_free(c);
		return status;
	}
	c->dim = dim;
	pgv__conn_adopt(conn, &c->link, coll_close);
	*out = c;
	return 0;
}

/* Destroys a collection handle. */
void pgv_collection_free(pgv_collection *c)
{
	if (!c)
		return;
	if (c->conn && c->link.next)
		pgv__conn_release(c->conn, &c->link);
	for (size_t i = 0; i < c->ncols; i++) {
		free(c->cols[i].name);
		free(c->cols[i].quoted);
		free(c->cols[i].type);
		free(c->cols[i].cast);
	}
	free(c->cols);
	free(c->named);
	pgv__store_table_free(&c->t);
	free(c);
}

size_t pgv_collection_column_count(const pgv_collection *c)
{
	return c ? c->nnamed : 0;
}

const char *pgv_collection_column_name(const pgv_collection *c, size_t i)
{
	return c && i < c->nnamed ? c->cols[c->named[i]].name : NULL;
}

const char *pgv_collection_column_type(const pgv_collection *c, size_t i)
{
	return c && i < c->nnamed ? c->cols[c->named[i]].type : NULL;
}

const char *pgv_collection_id_type(const pgv_collection *c)
{
	return c ? c->cols[c->id].type : NULL;
}

pgv_value_type pgv_collection_column_kind(const pgv_collection *c, const char *name)
{
	const pgv__col *col = c ? pgv__coll_find(c, name) : NULL;

	return col ? col->kind : PGV_VALUE_NULL;
}

/* The text a value travels as. */
void pgv__value_text(const pgv_value *v, char *num, const char **s, size_t *n)
{
	*s = num;
	switch (v->type) {
	case PGV_VALUE_INT64:
		*n = (size_t)snprintf(num, 40, "%" PRId64, v->i);
		break;
	case PGV_VALUE_DOUBLE:
		*n = pgv_double_format(v->d, num, 40);
		break;
	case PGV_VALUE_BOOL:
		*n = (size_t)snprintf(num, 40, "%s", v->i ? "true" : "false");
		break;
	case PGV_VALUE_TEXT:
	case PGV_VALUE_JSON:
		*s = v->text ? v->text : "";
		*n = v->text ? v->len : 0;
		break;
	default:
		*s = NULL;
		*n = 0;
		break;
	}
}

/* Appends one list element: quoted with backslash escapes, or NULL bare. */
void pgv__buf_add_element(pgv__buf *b, const pgv__dialect *d, const pgv_value *v)
{
	char num[48];
	const char *s;
	size_t n;

	pgv__value_text(v, num, &s, &n);
	if (!s) {
		pgv__buf_adds(b, "NULL");
		return;
	}
	if (pgv__buf_reserve(b, 2 * n + 2) != 0)
		return;
	b->s[b->len++] = d->list_quote;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == d->list_quote || s[i] == '\\')
			b->s[b->len++] = '\\';
		b->s[b->len++] = s[i];
	}
	b->s[b->len++] = d->list_quote;
	b->s[b->len] = '\0';
}

/* Appends the expression that reads a column as its kind. */
void pgv__coll_add_read(pgv__buf *b, const pgv_collection *c, const pgv__col *col)
{
	if (c->sqlite && col->kind == PGV_VALUE_DOUBLE) {
		/* the driver gives a REAL's text 15 digits: 17 read back exactly ('!': SQLite's own
		 * printf then keeps them all) */
		pgv__buf_adds(b, "CASE WHEN ");
		pgv__buf_adds(b, col->quoted);
		pgv__buf_adds(b, " IS NOT NULL THEN printf('%!.17g', ");
		pgv__buf_adds(b, col->quoted);
		pgv__buf_adds(b, ") END");
		return;
	}
	if (c->sqlite) {
		/* the driver converts what SQLite holds to the C type asked for */
		pgv__buf_adds(b, col->quoted);
		return;
	}
	if (col->iso_time) {
		/* ISO 8601 as JSON writes it, whatever the session's DateStyle */
		pgv__buf_adds(b, "(pg_catalog.to_json(");
		pgv__buf_adds(b, col->quoted);
		pgv__buf_adds(b, ") #>> '{}')");
		return;
	}
	pgv__buf_adds(b, col->quoted);
	switch (col->kind) {
	case PGV_VALUE_INT64:
		pgv__buf_adds(b, "::int8");
		break;
	case PGV_VALUE_DOUBLE:
		pgv__buf_adds(b, "::float8");
		break;
	case PGV_VALUE_BOOL:
		pgv__buf_adds(b, "::int");
		break;
	default:
		pgv__buf_adds(b, "::text");
		break;
	}
}

/* Appends a dialect piece, expanding {vec}, {op} and {vparam}. */
void pgv__coll_add_piece(pgv__buf *b, const pgv_collection *c, const char *piece,
	pgv_metric metric)
{
	const pgv__dialect *d = c->t.dialect;

	while (*piece) {
		if (strncmp(piece, "{vec}", 5) == 0) {
			pgv__buf_adds(b, c->t.vec);
			piece += 5;
		} else if (strncmp(piece, "{op}", 4) == 0) {
			if ((unsigned)metric < PGV__METRIC_COUNT && d->operators[metric])
				pgv__buf_adds(b, d->operators[metric]);
			piece += 4;
		} else if (strncmp(piece, "{dist}", 6) == 0) {
			pgv__coll_add_piece(b, c, d->dist, metric);
			piece += 6;
		} else if (strncmp(piece, "{vparam}", 8) == 0) {
			pgv__buf_adds(b, d->vparam[c->t.type]);
			piece += 8;
		} else {
			pgv__buf_addc(b, *piece++);
		}
	}
}
