/*
 * Commands on application tables (collections): table create/drop, get, delete, count, and
 * the collection path of list, knn and distance (--where/--param, --select, --no-vector,
 * --max-distance).  Uses pgvodbc/collection.h only.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The column types `table create --column NAME:TYPE` takes, and their SQL. */
static const struct { const char *name, *sql; } COLUMN_TYPES[] = {
	{ "text", "text" }, { "integer", "integer" }, { "bigint", "bigint" },
	{ "double", "double precision" }, { "boolean", "boolean" }, { "jsonb", "jsonb" },
	{ "uuid", "uuid" }, { "timestamptz", "timestamptz" },
};

int cli_wants_collection(const cli *c)
{
	return c->opt.where || c->opt.select || c->opt.no_vector || c->opt.has_max_distance;
}

/* The integer-id store path keeps the walkthrough's output and its paging; a table whose id
 * is text or uuid can only be read as a collection.  A table that cannot be opened as one
 * counts as integer: the store path then reports what is wrong with it. */
int cli_integer_ids(cli *c)
{
	pgv_collection *coll = NULL;
	const char *id = c->table.id_column ? c->table.id_column : "id";
	int yes = pgv_collection_open(&coll, c->conn, &c->table) != 0
		|| pgv_collection_column_kind(coll, id) == PGV_VALUE_INT64;

	pgv_collection_free(coll);
	return yes;
}

/* Splits --select "a,b" into names (allocated array of pointers into `buf`, a copy). */
int cli_split_select(const char *s, char **buf, const char ***names, size_t *n)
{
	size_t k = 1;

	*n = 0;
	*names = NULL;
	*buf = NULL;
	if (!s)
		return 0;
	for (const char *p = s; *p; p++)
		k += *p == ',';
	if (!(*buf = strdup(s)) || !(*names = calloc(k, sizeof(**names)))) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	for (char *p = *buf, *tok; (tok = p) != NULL; ) {
		p = strchr(p, ',');
		if (p)
			*p++ = '\0';
		(*names)[(*n)++] = tok;
	}
	return 0;
}

/* Opens the collection of the table options; CLI_OK or reported. */
static int open_collection(cli *c, pgv_collection **coll)
{
	if (pgv_collection_open(coll, c->conn, &c->table) != 0)
		return cli_fail_db(c, NULL);
	return CLI_OK;
}

/* Makes the filter of --where and --param (NULL when none); CLI_OK or reported. */
static int make_filter(cli *c, pgv_filter **f)
{
	pgv_value *vals = NULL;
	int rc = CLI_OK;

	*f = NULL;
	if (!c->opt.where) {
		if (c->opt.nparams)
			return cli_usage(c, "--param needs --where");
		return CLI_OK;
	}
	if (c->opt.nparams && !(vals = calloc(c->opt.nparams, sizeof(*vals))))
		return cli_fail(c, "out of memory");
	for (size_t i = 0; i < c->opt.nparams; i++)
		vals[i] = pgv_value_text(c->opt.params[i]);
	if (pgv_filter_new(f) != 0
			|| pgv_filter_add_sql(*f, c->opt.where, vals, c->opt.nparams) != 0)
		rc = cli_fail_codec(c, "--where");
	free(vals);
	return rc;
}

/* Under --csv, writes the header row: the same names as the JSON keys, in the rows' order. */
static void print_csv_header(cli *c, const char *const *names, size_t nnames, int with_distance)
{
	if (!c->out.csv)
		return;
	out_begin(&c->out);
	out_string(&c->out, "id", "id", "");
	if (!c->opt.no_vector && c->cmd != CMD_DISTANCE)
		out_string(&c->out, "embedding", "embedding", "");
	if (with_distance)
		out_string(&c->out, "distance", "distance", "");
	for (size_t j = 0; j < nnames; j++)
		out_string(&c->out, names[j], names[j], "");
	out_end(&c->out);
}

/* Writes the rows of a cursor (consumed): id, vector, distance, the selected columns.  With
 * `last`, the last row's key is kept there (its text copied into *last_text) and *got counts
 * the rows, for the next keyset page. */
static int print_cursor_page(cli *c, pgv_cursor *cur, const char *const *names,
	int with_distance, pgv_value *last, char **last_text, size_t *got)
{
	const pgv_row *row;
	int rc = CLI_OK;

	while (!c->out.failed && pgv_cursor_next(&row, cur) == PGV_ROW) {
		out_begin(&c->out);
		if (row->key.type == PGV_VALUE_INT64)
			out_int(&c->out, "id", row->key.i);
		else
			out_string(&c->out, "id", row->key.text, "NULL");
		if (!c->opt.no_vector && c->cmd != CMD_DISTANCE) /* distance prints no vectors */
			out_vector(&c->out, "embedding", row->vector_is_null ? NULL : &row->vector,
				"NULL");
		if (with_distance)
			out_double(&c->out, "distance", row->has_distance ? &row->distance : NULL,
				"NULL");
		for (size_t j = 0; j < row->nvalues; j++)
			out_value(&c->out, names[j], &row->values[j], "NULL");
		if (out_end(&c->out) != 0)
			break;
		if (!last)
			continue;
		(*got)++;
		free(*last_text);
		*last_text = NULL;
		*last = row->key;
		if (row->key.type == PGV_VALUE_TEXT) {
			if (!(*last_text = strdup(row->key.text))) {
				rc = cli_fail(c, "out of memory");
				break;
			}
			*last = pgv_value_text(*last_text);
		}
	}
	pgv_cursor_free(cur);
	return c->out.failed ? cli_fail_output(c) : rc;
}

static int print_cursor(cli *c, pgv_cursor *cur, const char *const *names, size_t nnames,
	int with_distance)
{
	print_csv_header(c, names, nnames, with_distance);
	return print_cursor_page(c, cur, names, with_distance, NULL, NULL, NULL);
}

/*
 * list and distance through a collection in keyset pages of --page-rows (the filter of --where
 * ANDed with "id > the last id printed", ordered by the id, which the library checks is unique
 * and non-null), so memory stays bounded by a page whatever the table's size; --page-rows 0
 * reads in one query.  `query` NULL: list; else the distances to it.
 */
static int query_pages(cli *c, pgv_collection *coll, pgv_query_opts *o,
	const char *const *names, size_t nnames, const pgv_vector *query)
{
	const char *idname = c->table.id_column ? c->table.id_column : "id";
	pgv_value last = pgv_value_null();
	char *last_text = NULL;
	size_t got;
	int rc;

	o->limit = c->opt.page_rows ? (int64_t)c->opt.page_rows : 0;
	print_csv_header(c, names, nnames, query != NULL);
	do {
		pgv_filter *f = NULL;
		pgv_cursor *cur = NULL;

		got = 0;
		if ((rc = make_filter(c, &f)) != CLI_OK)
			break;
		if (last.type != PGV_VALUE_NULL && ((!f && pgv_filter_new(&f) != 0)
				|| pgv_filter_add(f, idname, PGV_FILTER_GT, &last, 1) != 0)) {
			pgv_filter_free(f);
			rc = cli_fail(c, "out of memory");
			break;
		}
		o->filter = f;
		if ((query ? pgv_collection_distances(&cur, coll, query->data, query->dim, o)
				: pgv_collection_list(&cur, coll, o)) != 0)
			rc = cli_fail_db(c, NULL);
		else
			rc = print_cursor_page(c, cur, names, query != NULL, &last, &last_text, &got);
		pgv_filter_free(f);
	} while (rc == CLI_OK && o->limit > 0 && got == (size_t)o->limit);
	o->filter = NULL;
	free(last_text);
	return rc;
}

int cli_collection_query(cli *c, const pgv_vector *query, int knn)
{
	pgv_query_opts o = PGV_QUERY_OPTS_INIT;
	pgv_collection *coll = NULL;
	pgv_filter *f = NULL;
	pgv_cursor *cur = NULL;
	const char **names = NULL;
	char *buf = NULL;
	size_t n = 0;
	int rc, st;

	if (c->opt.nids)
		return cli_usage(c, "--id does not combine with --where, --select, --no-vector or "
			"--max-distance");
	if (cli_split_select(c->opt.select, &buf, &names, &n) != 0)
		return cli_fail(c, "out of memory");
	if ((rc = open_collection(c, &coll)) != CLI_OK)
		goto done;
	if (knn && (rc = make_filter(c, &f)) != CLI_OK)
		goto done;
	o.metric = c->opt.metric;
	o.filter = f;
	o.has_max_distance = c->opt.has_max_distance;
	o.max_distance = c->opt.max_distance;
	o.select = names;
	o.nselect = n;
	o.no_vector = c->opt.no_vector || (query && !knn);
	o.binary = c->opt.binary;
	o.search = &c->opt.search;
	if (!knn) {
		/* list, and distance: pages, each with its own filter */
		rc = query_pages(c, coll, &o, names, n, query);
		goto done;
	}
	st = pgv_collection_knn(&cur, coll, query->data, query->dim, c->opt.k, &o);
	rc = st != 0 ? cli_fail_db(c, NULL) : print_cursor(c, cur, names, n, 1);
done:
	pgv_collection_free(coll);
	pgv_filter_free(f);
	free(names);
	free(buf);
	return rc;
}

/* An ID argument as a value of the id column's kind; CLI_OK or reported. */
static int id_value(cli *c, pgv_collection *coll, const char *arg, pgv_value *out)
{
	const char *idcol = c->table.id_column ? c->table.id_column : "id";
	char q[96];

	if (pgv_collection_column_kind(coll, idcol) == PGV_VALUE_INT64) {
		int64_t v;
		if (cli_parse_int64(arg, strlen(arg), &v) != 0)
			return cli_usage(c, "ID must be a 64-bit decimal integer, not %s",
				cli_quote(q, sizeof(q), arg, strlen(arg)));
		*out = pgv_value_int64(v);
	} else {
		*out = pgv_value_text(arg);
	}
	return CLI_OK;
}

int cmd_get(cli *c)
{
	pgv_query_opts o = PGV_QUERY_OPTS_INIT;
	pgv_collection *coll = NULL;
	pgv_cursor *cur = NULL;
	const char **names = NULL;
	char *buf = NULL;
	size_t n = 0;
	pgv_value id;
	int rc;

	if (c->opt.nargs != 1)
		return cli_usage(c, c->opt.nargs ? "get takes one ID" : "missing ID argument");
	if ((rc = cli_connect(c)) != CLI_OK)
		return rc;
	if ((rc = open_collection(c, &coll)) != CLI_OK)
		return rc;
	if (cli_split_select(c->opt.select, &buf, &names, &n) != 0) {
		pgv_collection_free(coll);
		return cli_fail(c, "out of memory");
	}
	o.select = names;
	o.nselect = n;
	o.no_vector = c->opt.no_vector;
	if ((rc = id_value(c, coll, c->opt.args[0], &id)) == CLI_OK) {
		if (pgv_collection_get(&cur, coll, &id, &o) != 0)
			rc = cli_fail_db(c, NULL);
		else
			rc = print_cursor(c, cur, names, n, 0);
	}
	pgv_collection_free(coll);
	free(names);
	free(buf);
	return rc;
}

int cmd_delete(cli *c)
{
	pgv_collection *coll = NULL;
	pgv_value *ids = NULL;
	int64_t deleted = 0;
	int rc;

	if (c->opt.nargs == 0)
		return cli_usage(c, "missing ID argument");
	if ((rc = cli_connect(c)) != CLI_OK)
		return rc;
	if ((rc = open_collection(c, &coll)) != CLI_OK)
		return rc;
	if (!(ids = calloc(c->opt.nargs, sizeof(*ids)))) {
		pgv_collection_free(coll);
		return cli_fail(c, "out of memory");
	}
	for (size_t i = 0; i < c->opt.nargs && rc == CLI_OK; i++)
		rc = id_value(c, coll, c->opt.args[i], &ids[i]);
	if (rc == CLI_OK && pgv_collection_delete(&deleted, coll, ids, c->opt.nargs) != 0)
		rc = cli_fail_error(c, NULL, pgv_conn_error(c->conn), "nothing was deleted");
	if (rc == CLI_OK) {
		out_begin(&c->out);
		out_int(&c->out, "deleted", deleted);
		if (out_end(&c->out) != 0)
			rc = cli_fail_output(c);
	}
	free(ids);
	pgv_collection_free(coll);
	return rc;
}

int cmd_count(cli *c)
{
	pgv_collection *coll = NULL;
	pgv_filter *f = NULL;
	int64_t n = 0;
	int rc;

	if (c->opt.nargs)
		return cli_usage(c, "count takes no argument");
	if ((rc = make_filter(c, &f)) != CLI_OK)
		return rc;
	if ((rc = cli_connect(c)) == CLI_OK && (rc = open_collection(c, &coll)) == CLI_OK) {
		if (pgv_collection_count(&n, coll, f) != 0) {
			rc = cli_fail_db(c, NULL);
		} else {
			out_begin(&c->out);
			out_int(&c->out, "count", n);
			if (out_end(&c->out) != 0)
				rc = cli_fail_output(c);
		}
	}
	pgv_filter_free(f);
	pgv_collection_free(coll);
	return rc;
}

/* Appends a quoted identifier to `sql`; CLI_OK or reported. */
static int add_ident(cli *c, char **sql, size_t *len, const char *name)
{
	char *q = NULL, *p;
	size_t n;

	if (pgv_ident_quote(&q, name) != 0)
		return cli_fail_codec(c, "a name");
	n = strlen(q);
	if (!(p = realloc(*sql, *len + n + 1))) {
		free(q);
		return cli_fail(c, "out of memory");
	}
	memcpy(p + *len, q, n + 1);
	*len += n;
	*sql = p;
	free(q);
	return CLI_OK;
}

/* Appends plain SQL text. */
static int add_text(cli *c, char **sql, size_t *len, const char *s)
{
	size_t n = strlen(s);
	char *p = realloc(*sql, *len + n + 1);

	if (!p)
		return cli_fail(c, "out of memory");
	memcpy(p + *len, s, n + 1);
	*len += n;
	*sql = p;
	return CLI_OK;
}

/* The SQL of a --column type name; NULL when it is none of them. */
static const char *column_type(const char *name)
{
	for (size_t k = 0; k < sizeof(COLUMN_TYPES) / sizeof(COLUMN_TYPES[0]); k++)
		if (strcmp(name, COLUMN_TYPES[k].name) == 0)
			return COLUMN_TYPES[k].sql;
	return NULL;
}

/*
 * The id column's declaration.  SQLite: an INTEGER PRIMARY KEY is the rowid, generated when not
 * given as bigserial is; any other key may hold NULL unless declared NOT NULL, which paging needs.
 */
static const char *id_declaration(cli *c)
{
	int sqlite = pgv_conn_backend(c->conn) == PGV_BACKEND_SQLITE;

	if (!c->opt.id_type || strcmp(c->opt.id_type, "bigint") == 0)
		return sqlite ? " INTEGER PRIMARY KEY, " : " bigserial PRIMARY KEY, ";
	if (strcmp(c->opt.id_type, "text") == 0)
		return sqlite ? " text NOT NULL PRIMARY KEY, " : " text PRIMARY KEY, ";
	return sqlite ? " uuid NOT NULL PRIMARY KEY, " : " uuid PRIMARY KEY, ";
}

/* CREATE TABLE from the options: names quoted, types from a fixed list. */
static int table_create(cli *c)
{
	const pgv_table *t = &c->table;
	char *sql = NULL, num[32], q[96];
	size_t len = 0;
	int rc;
	const char *idsql;

	if (!c->opt.dim)
		return cli_usage(c, "table create needs --dim N");
	for (size_t i = 0; i < c->opt.ncolumns; i++) {
		const char *spec = c->opt.columns[i], *colon = strrchr(spec, ':');
		if (!colon || colon == spec || !column_type(colon + 1))
			return cli_usage(c, "--column takes NAME:TYPE with TYPE text, integer, bigint, "
				"double, boolean, jsonb, uuid or timestamptz, not %s",
				cli_quote(q, sizeof(q), spec, strlen(spec)));
	}
	/* the id's declaration depends on the backend */
	if ((rc = cli_connect(c)) != CLI_OK)
		return rc;
	idsql = id_declaration(c);
	rc = add_text(c, &sql, &len, c->opt.if_not_exists ? "CREATE TABLE IF NOT EXISTS "
		: "CREATE TABLE ");
	if (rc == CLI_OK && t->schema && (rc = add_ident(c, &sql, &len, t->schema)) == CLI_OK)
		rc = add_text(c, &sql, &len, ".");
	if (rc == CLI_OK)
		rc = add_ident(c, &sql, &len, t->table ? t->table : "embeddings");
	if (rc == CLI_OK)
		rc = add_text(c, &sql, &len, " (");
	if (rc == CLI_OK)
		rc = add_ident(c, &sql, &len, t->id_column ? t->id_column : "id");
	if (rc == CLI_OK)
		rc = add_text(c, &sql, &len, idsql);
	if (rc == CLI_OK)
		rc = add_ident(c, &sql, &len, t->vector_column ? t->vector_column : "embedding");
	snprintf(num, sizeof(num), " %s(%zu)", pgv_type_name(t->type), c->opt.dim);
	if (rc == CLI_OK)
		rc = add_text(c, &sql, &len, num);
	for (size_t i = 0; i < c->opt.ncolumns && rc == CLI_OK; i++) {
		const char *spec = c->opt.columns[i], *colon = strrchr(spec, ':');
		const char *type = column_type(colon + 1); /* checked above */
		char *name;

		if (!(name = strndup(spec, (size_t)(colon - spec)))) {
			rc = cli_fail(c, "out of memory");
			break;
		}
		if ((rc = add_text(c, &sql, &len, ", ")) == CLI_OK
				&& (rc = add_ident(c, &sql, &len, name)) == CLI_OK
				&& (rc = add_text(c, &sql, &len, " ")) == CLI_OK)
			rc = add_text(c, &sql, &len, type);
		free(name);
	}
	if (rc == CLI_OK)
		rc = add_text(c, &sql, &len, ")");
	if (rc == CLI_OK && pgv_conn_exec(c->conn, sql) != 0)
		rc = cli_fail_error(c, "creating the table", pgv_conn_error(c->conn),
			"it was not created");
	free(sql);
	return rc;
}

/* DROP TABLE of the table options. */
static int table_drop(cli *c)
{
	const pgv_table *t = &c->table;
	char *sql = NULL;
	size_t len = 0;
	int rc = add_text(c, &sql, &len, "DROP TABLE ");

	if (rc == CLI_OK && t->schema && (rc = add_ident(c, &sql, &len, t->schema)) == CLI_OK)
		rc = add_text(c, &sql, &len, ".");
	if (rc == CLI_OK)
		rc = add_ident(c, &sql, &len, t->table ? t->table : "embeddings");
	if (rc == CLI_OK && (rc = cli_connect(c)) == CLI_OK && pgv_conn_exec(c->conn, sql) != 0)
		rc = cli_fail_error(c, "dropping the table", pgv_conn_error(c->conn),
			"it was not dropped");
	free(sql);
	return rc;
}

int cmd_table(cli *c)
{
	if (c->opt.nargs != 1 || (strcmp(c->opt.args[0], "create") != 0
			&& strcmp(c->opt.args[0], "drop") != 0))
		return cli_usage(c, "table takes create or drop");
	return strcmp(c->opt.args[0], "create") == 0 ? table_create(c) : table_drop(c);
}
