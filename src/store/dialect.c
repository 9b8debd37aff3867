/*
 * The store's SQL: the dialect table (every statement the store sends, for PostgreSQL with
 * pgvector), metric names and operators, and the expansion of a statement template for a table.
 */
#include "store/store.h" /* first: common/error.h defines _GNU_SOURCE */
#include "codec/numtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * PostgreSQL + pgvector.  Vectors travel as text cast to vector and come back as float4[] text;
 * a batch of rows travels as two list parameters (bigint[] and vector[] text) expanded by unnest,
 * which tests/bench/bench_upsert.c measured fastest.  The catalog query takes the names as bound
 * values: the qualified, quoted table name is resolved by to_regclass exactly as the statements
 * resolve it (search_path included).
 */
static const pgv__dialect postgresql = {
	.name = "postgresql",
	.vparam = "?::vector",
	.read = "{vec}::float4[]",
	/*
	 * pgvector's binary form, as hex text: psqlODBC would decode a bytea's hex itself, slowly
	 * (see src/odbc/column_binary.c).  ::vector lets halfvec and sparsevec columns be read this
	 * way too (a no-op for vector).
	 */
	.read_binary = "encode(vector_send({vec}::vector), 'hex')",
	.dist = "{vec} {op} {vparam}",
	.ids = "?::bigint[]",
	.vlist = "?::vector[]",
	.operators = { "<->", "<#>", "<=>", "<+>" },
	.operator_since = { 0, 0, 0, 700 },
	.list_open = '{',
	.list_close = '}',
	.list_quote = '"',
	.stmt = {
		[PGV__SQL_DESCRIBE] =
			"SELECT (c.oid IS NOT NULL)::int,"
			" (SELECT count(*) FROM pg_catalog.pg_attribute i WHERE i.attrelid = c.oid"
			" AND i.attname = ?::name AND i.attnum > 0 AND NOT i.attisdropped),"
			" (a.attnum IS NOT NULL)::int,"
			" CASE WHEN t.typname IN ('vector', 'halfvec', 'sparsevec') THEN a.atttypmod"
			" ELSE -1 END"
			" FROM (SELECT pg_catalog.to_regclass(?::text) AS oid) c"
			" LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
			" AND a.attname = ?::name AND a.attnum > 0 AND NOT a.attisdropped"
			" LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid",
		[PGV__SQL_SEQUENCE] = "SELECT pg_catalog.pg_get_serial_sequence(?::text, ?::text)",
		[PGV__SQL_NEW_IDS] =
			"SELECT pg_catalog.array_agg(pg_catalog.nextval(?::regclass))"
			" FROM pg_catalog.generate_series(1::bigint, ?::bigint)",
		[PGV__SQL_UPSERT] =
			"INSERT INTO {table} ({id}, {vec}) SELECT * FROM unnest({ids}, {vlist})"
			" ON CONFLICT ({id}) DO UPDATE SET {vec} = EXCLUDED.{vec}",
		[PGV__SQL_INSERT] =
			"INSERT INTO {table} ({id}, {vec}) OVERRIDING SYSTEM VALUE"
			" SELECT * FROM unnest({ids}, {vlist})",
		[PGV__SQL_GET] = "SELECT {read} FROM {table} WHERE {id} = ?",
		[PGV__SQL_DELETE] = "DELETE FROM {table} WHERE {id} = ANY ({ids})",
		[PGV__SQL_COUNT] = "SELECT count(*) FROM {table}",
		[PGV__SQL_LIST] = "SELECT {id}, {read} FROM {table} ORDER BY {id}",
		[PGV__SQL_LIST_BINARY] = "SELECT {id}, {read_binary} FROM {table} ORDER BY {id}",
		/* ORDER BY the distance alone, so that an index on the column can serve it */
		[PGV__SQL_KNN] =
			"SELECT {id}, {read}, {dist} FROM {table} WHERE {vec} IS NOT NULL"
			" ORDER BY 3 LIMIT ?",
		[PGV__SQL_DISTANCES] = "SELECT {id}, {read}, {dist} FROM {table} ORDER BY {id}",
		[PGV__SQL_DISTANCES_IDS] =
			"SELECT {id}, {read}, {dist} FROM {table} WHERE {id} = ANY ({ids}) ORDER BY {id}",
	},
};

static const char *const metric_names[PGV__METRIC_COUNT] = { "l2", "ip", "cosine", "l1" };

/* The dialect in use. */
const pgv__dialect *pgv__store_dialect(void)
{
	return &postgresql;
}

/* Parses a metric name. */
int pgv_metric_from_name(const char *name, pgv_metric *out)
{
	char quoted[PGV__QUOTE_BUF];

	pgv__error_clear();
	if (!name || !out)
		return pgv__error_set(PGV_EINVAL, -1,
			"reading a metric name: name and out must not be NULL");
	for (int m = 0; m < PGV__METRIC_COUNT; m++) {
		if (strcmp(name, metric_names[m]) == 0) {
			*out = (pgv_metric)m;
			return 0;
		}
	}
	return pgv__error_set(PGV_EINVAL, -1, "unknown metric \"%s\": expected l2, ip, cosine or l1",
		pgv__quote(quoted, name, strlen(name)));
}

/* The name of a metric, "" when unknown. */
const char *pgv_metric_name(pgv_metric metric)
{
	return (unsigned)metric < PGV__METRIC_COUNT ? metric_names[metric] : "";
}

/* The operator of a metric in the dialect in use, "" when unknown. */
const char *pgv_metric_operator(pgv_metric metric)
{
	return (unsigned)metric < PGV__METRIC_COUNT ? postgresql.operators[metric] : "";
}

/* The pgvector version that added a metric's operator. */
int pgv__metric_since(pgv_metric metric)
{
	return (unsigned)metric < PGV__METRIC_COUNT ? postgresql.operator_since[metric] : 0;
}

/* 1 when a pgvector version has the metric's operator. */
int pgv__metric_available(pgv_metric metric, int version)
{
	return (unsigned)metric < PGV__METRIC_COUNT && version >= pgv__metric_since(metric);
}

/* Expands a template into b: names literally, dialect pieces recursively (depth-limited). */
static void expand(pgv__buf *b, const pgv__store_table *t, const char *tpl, pgv_metric metric,
	int depth)
{
	const pgv__dialect *d = t->dialect;

	while (*tpl) {
		const char *open = strchr(tpl, '{'), *close;
		size_t n;

		if (!open) {
			pgv__buf_adds(b, tpl);
			return;
		}
		pgv__buf_add(b, tpl, (size_t)(open - tpl));
		close = strchr(open, '}');
		if (!close) {
			pgv__buf_adds(b, open);
			return;
		}
		n = (size_t)(close - open - 1);
#define IS(word) (n == sizeof(word) - 1 && memcmp(open + 1, word, n) == 0)
		if (IS("table"))
			pgv__buf_adds(b, t->table);
		else if (IS("id"))
			pgv__buf_adds(b, t->id);
		else if (IS("vec"))
			pgv__buf_adds(b, t->vec);
		else if (IS("op"))
			pgv__buf_adds(b, pgv_metric_operator(metric));
		else if (depth < 4 && IS("read"))
			expand(b, t, d->read, metric, depth + 1);
		else if (depth < 4 && IS("read_binary"))
			expand(b, t, d->read_binary, metric, depth + 1);
		else if (depth < 4 && IS("dist"))
			expand(b, t, d->dist, metric, depth + 1);
		else if (depth < 4 && IS("vparam"))
			expand(b, t, d->vparam, metric, depth + 1);
		else if (depth < 4 && IS("ids"))
			expand(b, t, d->ids, metric, depth + 1);
		else if (depth < 4 && IS("vlist"))
			expand(b, t, d->vlist, metric, depth + 1);
		else
			pgv__buf_add(b, open, n + 2); /* not a placeholder: SQL text with braces */
#undef IS
		tpl = close + 1;
	}
}

/* Builds one statement's SQL for a table. */
char *pgv__store_sql(const pgv__store_table *t, pgv__store_stmt which, pgv_metric metric)
{
	pgv__buf b = { NULL, 0, 0, 0 };

	if ((unsigned)which >= PGV__SQL_COUNT_OF || !t->dialect->stmt[which])
		return NULL;
	expand(&b, t, t->dialect->stmt[which], metric, 0);
	if (b.oom) {
		pgv__buf_free(&b);
		return NULL;
	}
	return b.s;
}

