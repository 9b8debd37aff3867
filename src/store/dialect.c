/*
 * The store's SQL: the dialect tables (every statement the store sends, for PostgreSQL with
 * pgvector and for SQLite with sqlite-vec, and what each column type, metric and index method
 * allows), metric and type names, and the expansion of a statement template for a table.
 */
#include "store/store.h"
#include "codec/numtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * PostgreSQL + pgvector.  Values travel as text cast to the column's type and come back as
 * float4[] text; a batch of rows travels as two list parameters (bigint[] and vector[] text)
 * expanded by unnest, which tests/bench/bench_upsert.c measured fastest.  The catalog queries
 * take the names as bound values: the qualified, quoted table name is resolved by to_regclass
 * exactly as the statements resolve it (search_path included).
 * Per type (measured on pgvector 0.8.7):
 *   - halfvec::float4[] exists and is exact (every half value is a float);
 *   - sparsevec::float4[] does not exist: sparsevec::vector::float4[] does (at most 16000
 *     dimensions, the vector type's limit);
 *   - bit: '0111'::bit is bit(1) ('0'), so values are cast to varbit, which a bit(n) column
 *     takes (checking the length: "bit string length 3 does not match type bit(4)") and whose
 *     <~> and <%> an index on the column serves;
 *   - IVFFlat has no sparsevec, l1 or jaccard operator classes.
 */
static const pgv__dialect postgresql = {
	.name = "postgresql",
	.hex_floats = 1,
	.type_names = { "vector", "halfvec", "sparsevec", "bit" },
	.type_alias = { NULL, NULL, NULL, "varbit" },
	.type_since = { 0, 700, 700, 0 },
	.vparam = { "?::vector", "?::halfvec", "?::sparsevec", "?::varbit" },
	.read = { "{vec}::float4[]", "{vec}::float4[]", "{vec}::vector::float4[]", "{vec}::text" },
	/*
	 * pgvector's binary form, as base64 text: psqlODBC would decode a bytea's hex itself,
	 * slowly (see src/odbc/column_binary.c), and base64 is a third shorter than hex, which the
	 * driver's copies per row follow (docs/performance.md).  ::vector lets halfvec and sparsevec
	 * columns be read this way too (a no-op for vector).  A bit's text is already one byte a
	 * bit: no binary form.
	 */
	.read_binary = {
		"encode(vector_send({vec}::vector), 'base64')",
		"encode(vector_send({vec}::vector), 'base64')",
		"encode(vector_send({vec}::vector), 'base64')",
		NULL,
	},
	.vlist = { "?::vector[]", "?::halfvec[]", "?::sparsevec[]", "?::varbit[]" },
	.dist = "{vec} {op} {vparam}",
	.ids = "?::bigint[]",
	.row = "(?::bigint, {vparam})",
	.operators = { "<->", "<#>", "<=>", "<+>", "<~>", "<%>" },
	.operator_since = { 0, 0, 0, 700, 700, 700 },
#define DENSE ((1u << PGV_TYPE_VECTOR) | (1u << PGV_TYPE_HALFVEC) | (1u << PGV_TYPE_SPARSEVEC))
#define BITS (1u << PGV_TYPE_BIT)
	.metric_types = { DENSE, DENSE, DENSE, DENSE, BITS, BITS },
#undef DENSE
#undef BITS
	.methods = { "hnsw", "ivfflat" },
#define M(m) (1u << PGV_METRIC_##m)
	.method_metrics = {
		[PGV_INDEX_HNSW] = {
			[PGV_TYPE_VECTOR] = M(L2) | M(IP) | M(COSINE) | M(L1),
			[PGV_TYPE_HALFVEC] = M(L2) | M(IP) | M(COSINE) | M(L1),
			[PGV_TYPE_SPARSEVEC] = M(L2) | M(IP) | M(COSINE) | M(L1),
			[PGV_TYPE_BIT] = M(HAMMING) | M(JACCARD),
		},
		[PGV_INDEX_IVFFLAT] = {
			[PGV_TYPE_VECTOR] = M(L2) | M(IP) | M(COSINE),
			[PGV_TYPE_HALFVEC] = M(L2) | M(IP) | M(COSINE),
			[PGV_TYPE_SPARSEVEC] = 0,
			[PGV_TYPE_BIT] = M(HAMMING),
		},
	},
#undef M
	.concurrently = "CONCURRENTLY ",
	.gucs = {
		[PGV__GUC_EF_SEARCH] = "hnsw.ef_search",
		[PGV__GUC_PROBES] = "ivfflat.probes",
		[PGV__GUC_HNSW_ITERATIVE] = "hnsw.iterative_scan",
		[PGV__GUC_IVFFLAT_ITERATIVE] = "ivfflat.iterative_scan",
		[PGV__GUC_MAX_SCAN_TUPLES] = "hnsw.max_scan_tuples",
		[PGV__GUC_MAX_PROBES] = "ivfflat.max_probes",
		[PGV__GUC_SCAN_MEM_MULTIPLIER] = "hnsw.scan_mem_multiplier",
		[PGV__GUC_INDEXSCAN] = "enable_indexscan",
		[PGV__GUC_BITMAPSCAN] = "enable_bitmapscan",
	},
	/*
	 * pgvector's expression indexes (README, "Half-Precision Indexing", "Binary Quantization"):
	 * a query uses one only when it orders by the same expression, so k-NN writes these same
	 * pieces ({dim} is the column's dimension, the typmod the index was built with).
	 */
	.form_key = {
		[PGV_INDEX_FORM_AUTO] = "{vec}",
		[PGV_INDEX_FORM_PLAIN] = "{vec}",
		[PGV_INDEX_FORM_HALFVEC] = "({vec}::halfvec({dim}))",
		[PGV_INDEX_FORM_BINARY] = "(binary_quantize({vec})::bit({dim}))",
	},
	.form_names = { "auto", "plain", "halfvec", "binary" },
	.form_since = 700,
	.list_open = '{',
	.list_close = '}',
	.list_quote = '"',
	.metrics_had = "l2, ip, cosine, l1, hamming and jaccard",
	.stmt = {
		[PGV__SQL_DESCRIBE] =
			"SELECT (c.oid IS NOT NULL)::int,"
			" (SELECT count(*) FROM pg_catalog.pg_attribute i WHERE i.attrelid = c.oid"
			" AND i.attname = ?::name AND i.attnum > 0 AND NOT i.attisdropped),"
			" (a.attnum IS NOT NULL)::int,"
			" CASE WHEN t.typname IN ('vector', 'halfvec', 'sparsevec', 'bit') THEN a.atttypmod"
			" ELSE -1 END,"
			" t.typname::text"
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
		[PGV__SQL_UPSERT_ROWS] =
			"INSERT INTO {table} ({id}, {vec}) VALUES {rows}"
			" ON CONFLICT ({id}) DO UPDATE SET {vec} = EXCLUDED.{vec}",
		[PGV__SQL_INSERT_ROWS] =
			"INSERT INTO {table} ({id}, {vec}) OVERRIDING SYSTEM VALUE VALUES {rows}",
		[PGV__SQL_GET] = "SELECT {read} FROM {table} WHERE {id} = ?",
		[PGV__SQL_DELETE] = "DELETE FROM {table} WHERE {id} = ANY ({ids})",
		[PGV__SQL_COUNT] = "SELECT count(*) FROM {table}",
		[PGV__SQL_IDS] = "SELECT {id} FROM {table} WHERE {vec} IS NOT NULL ORDER BY {id}",
		[PGV__SQL_LIST] = "SELECT {id}, {read} FROM {table} ORDER BY {id}",
		/* keyset pages: an index range scan on the id, whatever page the listing is at */
		[PGV__SQL_LIST_AFTER] = "SELECT {id}, {read} FROM {table} WHERE {id} > ? ORDER BY {id}",
		[PGV__SQL_LIST_PAGE] = "SELECT {id}, {read} FROM {table} ORDER BY {id} LIMIT ?",
		[PGV__SQL_LIST_PAGE_AFTER] =
			"SELECT {id}, {read} FROM {table} WHERE {id} > ? ORDER BY {id} LIMIT ?",
		/* ORDER BY the distance alone, so that an index on the column can serve it */
		[PGV__SQL_KNN] =
			"SELECT {id}, {read}, {dist} FROM {table} WHERE {vec} IS NOT NULL"
			" ORDER BY 3 LIMIT ?",
		/*
		 * The index's candidates in the inner query, ordered by the indexed expression; the
		 * outer one orders them by the exact distance, which it reports.  The query vector is
		 * bound twice: as the column's type (the exact distance) and for the index.
		 */
		[PGV__SQL_KNN_HALFVEC] =
			"SELECT {id}, {read}, {dist} FROM (SELECT {id}, {vec} FROM {table}"
			" WHERE {vec} IS NOT NULL ORDER BY {vec}::halfvec({dim}) {op} ?::halfvec({dim})"
			" LIMIT ?) AS pgv_candidates ORDER BY 3 LIMIT ?",
		[PGV__SQL_KNN_BINARY] =
			"SELECT {id}, {read}, {dist} FROM (SELECT {id}, {vec} FROM {table}"
			" WHERE {vec} IS NOT NULL ORDER BY binary_quantize({vec})::bit({dim})"
			" <~> binary_quantize({vparam}) LIMIT ?) AS pgv_candidates ORDER BY 3 LIMIT ?",
		[PGV__SQL_DISTANCES] = "SELECT {id}, {read}, {dist} FROM {table} ORDER BY {id}",
		[PGV__SQL_DISTANCES_IDS] =
			"SELECT {id}, {read}, {dist} FROM {table} WHERE {id} = ANY ({ids}) ORDER BY {id}",
		/* keyset pages of distances, as the listing's: memory bounded by a page */
		[PGV__SQL_DISTANCES_PAGE] =
			"SELECT {id}, {read}, {dist} FROM {table} ORDER BY {id} LIMIT ?",
		[PGV__SQL_DISTANCES_PAGE_AFTER] =
			"SELECT {id}, {read}, {dist} FROM {table} WHERE {id} > ? ORDER BY {id} LIMIT ?",
		/*
		 * Keyset paging (id > the last id seen) loses rows unless the id is unique and never
		 * NULL: the sole key of a unique index the planner trusts (valid, not partial).
		 */
		[PGV__SQL_ID_KEY] =
			"SELECT a.attnotnull::int,"
			" (SELECT count(*) FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid"
			" AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indnkeyatts = 1"
			" AND i.indkey[0] = a.attnum)"
			" FROM pg_catalog.pg_attribute a"
			" WHERE a.attrelid = pg_catalog.to_regclass(?::text) AND a.attname = ?::name"
			" AND a.attnum > 0 AND NOT a.attisdropped",
		/* DDL takes no parameters: {with} holds checked integers */
		[PGV__SQL_INDEX_CREATE] =
			"CREATE INDEX {concurrently}{name} ON {table} USING {method} ({key} {opclass}){with}",
		[PGV__SQL_INDEX_FIND] =
			"SELECT (c.oid IS NOT NULL)::int,"
			" (SELECT n.nspname::text FROM pg_catalog.pg_index i"
			" JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid"
			" JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace"
			" WHERE i.indrelid = c.oid AND x.relname = ?::name)"
			" FROM (SELECT pg_catalog.to_regclass(?::text) AS oid) c",
		[PGV__SQL_INDEX_DROP] = "DROP INDEX IF EXISTS {name}",
		[PGV__SQL_INDEX_PROGRESS] =
			"SELECT p.phase::text, p.tuples_done, p.tuples_total, p.blocks_done, p.blocks_total"
			" FROM pg_catalog.pg_stat_progress_create_index p"
			" WHERE p.relid = pg_catalog.to_regclass(?::text)",
		/*
		 * The vector column's single-key, valid, non-partial indexes and the form of each: the
		 * column itself, or an expression that deparses exactly as the form's own (the server
		 * deparses `(col::halfvec(3000))` as `(col)::halfvec(3000)`, quoting the name as
		 * quote_ident does), with the column's dimension.
		 */
		[PGV__SQL_INDEX_FORMS] =
			"SELECT CASE WHEN i.indkey[0] = a.attnum THEN 'plain'"
			" WHEN e.x = pg_catalog.format('(%s)::halfvec(%s)', pg_catalog.quote_ident(a.attname),"
			" a.atttypmod) THEN 'halfvec'"
			" WHEN e.x = pg_catalog.format('(binary_quantize(%s))::bit(%s)',"
			" pg_catalog.quote_ident(a.attname), a.atttypmod) THEN 'binary' END,"
			" oc.opcname::text, am.amname::text, a.atttypmod"
			" FROM pg_catalog.pg_attribute a"
			" JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid"
			" JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid"
			" JOIN pg_catalog.pg_am am ON am.oid = x.relam"
			" JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[0]"
			" CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_expr(i.indexprs, i.indrelid) AS x) e"
			" WHERE a.attrelid = pg_catalog.to_regclass(?::text) AND a.attname = ?::name"
			" AND a.attnum > 0 AND NOT a.attisdropped AND i.indnkeyatts = 1 AND i.indisvalid"
			" AND i.indpred IS NULL AND am.amname IN ('hnsw', 'ivfflat')"
			" ORDER BY x.relname",
		/*
		 * SET LOCAL each setting, reading its value first: the materialized CTE yields a row
		 * (current_setting) before the outer query sets it; missing_ok, since pgvector's
		 * settings exist only once the library is loaded in the session.
		 */
		[PGV__SQL_SEARCH_SET] =
			"WITH o AS MATERIALIZED (SELECT s.n, s.v, pg_catalog.current_setting(s.n, true) AS old"
			" FROM unnest(?::text[], ?::text[]) AS s(n, v))"
			" SELECT o.n, o.old, pg_catalog.set_config(o.n, o.v, true) FROM o",
		/* a NULL value (a setting that did not exist) resets it */
		[PGV__SQL_SEARCH_RESTORE] =
			"SELECT count(pg_catalog.set_config(s.n, s.v, true))"
			" FROM unnest(?::text[], ?::text[]) AS s(n, v)",
	},
};

/*
 * SQLite + sqlite-vec 0.1.9 (through Debian's libsqliteodbc).  A vector column is declared
 * `vector(N)` (SQLite keeps any declared type; its affinity, NUMERIC, stores a blob as it is)
 * and holds vec_f32's blob: N float32, little-endian.  The declared type is the dimension the
 * store checks rows against (PGV__SQL_DESCRIBE reads it from pragma_table_info); the
 * migration's CHECK (vec_length(...) = N) makes the database refuse others too.  Values travel
 * as the same text as on PostgreSQL, JSON arrays to sqlite-vec, wrapped in vec_f32(?), and come
 * back as the blob (read whole as SQL_C_BINARY, exact: vec_to_json prints 6 decimals).  A batch
 * of rows is a multi-row VALUES with two parameters a row (measured below).  Search is
 * exact (ORDER BY the distance function, LIMIT k): sqlite-vec 0.1 has no approximate index, so
 * index creation and the search settings are refused, as are the types and metrics it lacks:
 * halfvec, sparsevec, inner product and jaccard (it has vec_distance_l2, _cosine, _l1 and
 * _hamming, the last for bit vectors).
 * A bit column is declared `bit(N)` and holds vec_bit's blob: the bits' bytes, the first bit
 * the most significant of the first byte, as pgvector's bit text reads ('1000 0000' is 0x80;
 * hamming counts differing bits, so the order only has to be the same both ways).  SQLite
 * 3.40 has no unhex(), so the bits travel as a bound blob (SQL_C_BINARY), wrapped in vec_bit(?),
 * and come back as that blob; sqlite-vec counts dimensions in whole bytes, so a value of a
 * number of bits that is no multiple of 8 is refused before it is sent.  A blob read from a
 * table has lost vec_bit's subtype (sqlite-vec then takes it for float32: "Vector type
 * mistmatch"), so the distance wraps the column in vec_bit too.
 * Distances are float32 (reported as that float's double value).  Errors all come back as
 * SQLSTATE S1000.
 */
static const pgv__dialect sqlite = {
	.name = "sqlite",
	.type_names = { "vector", NULL, NULL, "bit" },
	.type_alias = { NULL, NULL, NULL, NULL },
	.type_since = { 0, 0, 0, 0 },
	.vparam = { "vec_f32(?)", NULL, NULL, "vec_bit(?)" },
	.read = { "{vec}", NULL, NULL, "{vec}" },
	.read_binary = { NULL, NULL, NULL, NULL },
	.vlist = { NULL, NULL, NULL, NULL },
	.dist = "{op}({vec}, {vparam})",
	.dist_of = { NULL, NULL, NULL, "{op}(vec_bit({vec}), {vparam})" },
	.ids = "?",
	.row = "(?, {vparam})",
	.operators = { "vec_distance_l2", NULL, "vec_distance_cosine", "vec_distance_l1",
		"vec_distance_hamming", NULL },
	.operator_since = { 0, 0, 0, 0, 0, 0 },
	.metric_types = {
		1u << PGV_TYPE_VECTOR, 0, 1u << PGV_TYPE_VECTOR, 1u << PGV_TYPE_VECTOR,
		1u << PGV_TYPE_BIT, 0,
	},
	.form_names = { "auto", "plain", "halfvec", "binary" },
	.list_open = '[',
	.list_close = ']',
	.list_quote = '"',
	.read_f32 = 1,
	.bits_blob = 1,
	.dist_float32 = 1,
	.catalog_names = 1,
	.no_index = "sqlite-vec 0.1 has no approximate index: every search is exact",
	.metrics_had = "it has l2, cosine and l1, and hamming for bit vectors",
	.stmt = {
		/*
		 * The columns by name as SQLite compares them (ASCII case folded); the dimension is
		 * N of a declared `vector(N)`, -1 for another declared type.  NULL as the schema
		 * searches main, then the attached databases.  A declared `bit(N)` gives N the same
		 * way.
		 */
		[PGV__SQL_DESCRIBE] =
			"WITH n(id, vec, tbl, sch) AS (SELECT ?, ?, ?, ?),"
			" c AS (SELECT p.name, p.type FROM n, pragma_table_info(n.tbl, n.sch) AS p),"
			" v AS (SELECT lower(c.type) AS type FROM c, n WHERE c.name = n.vec COLLATE NOCASE)"
			" SELECT (SELECT count(*) > 0 FROM c),"
			" (SELECT count(*) FROM c, n WHERE c.name = n.id COLLATE NOCASE),"
			" (SELECT count(*) FROM v),"
			" coalesce((SELECT CASE WHEN v.type LIKE 'vector(%)'"
			" THEN CAST(substr(v.type, 8) AS INTEGER) WHEN v.type LIKE 'bit(%)'"
			" THEN CAST(substr(v.type, 5) AS INTEGER) ELSE -1 END FROM v), -1),"
			" coalesce((SELECT CASE WHEN instr(v.type, '(') > 0"
			" THEN trim(substr(v.type, 1, instr(v.type, '(') - 1)) ELSE v.type END FROM v), '')",
		/*
		 * A batch is multi-row VALUES, two parameters a row ({rows}: .row).  Measured
		 * against one JSON text of ids and one of vectors (20,000 rows, one transaction,
		 * rows/s): joined by two json_each on the position, 1,980 at 4 dimensions and 93 at
		 * 128 (quadratic); each vector taken from the list by json_extract, 57,000 and
		 * 2,500; VALUES of 200 rows, 105,000 and 10,500.
		 */
		[PGV__SQL_UPSERT_ROWS] =
			"INSERT INTO {table} ({id}, {vec}) VALUES {rows}"
			" ON CONFLICT ({id}) DO UPDATE SET {vec} = excluded.{vec}",
		[PGV__SQL_GET] = "SELECT {read} FROM {table} WHERE {id} = ?",
		[PGV__SQL_DELETE] =
			"DELETE FROM {table} WHERE {id} IN (SELECT value FROM json_each({ids}))",
		[PGV__SQL_COUNT] = "SELECT count(*) FROM {table}",
		[PGV__SQL_IDS] = "SELECT {id} FROM {table} WHERE {vec} IS NOT NULL ORDER BY {id}",
		[PGV__SQL_LIST] = "SELECT {id}, {read} FROM {table} ORDER BY {id}",
		[PGV__SQL_LIST_AFTER] = "SELECT {id}, {read} FROM {table} WHERE {id} > ? ORDER BY {id}",
		[PGV__SQL_LIST_PAGE] = "SELECT {id}, {read} FROM {table} ORDER BY {id} LIMIT ?",
		[PGV__SQL_LIST_PAGE_AFTER] =
			"SELECT {id}, {read} FROM {table} WHERE {id} > ? ORDER BY {id} LIMIT ?",
		/* keyset pages of distances, as the listing's: memory bounded by a page */
		[PGV__SQL_DISTANCES_PAGE] =
			"SELECT {id}, {read}, CASE WHEN {vec} IS NOT NULL THEN {dist} END FROM {table}"
			" ORDER BY {id} LIMIT ?",
		[PGV__SQL_DISTANCES_PAGE_AFTER] =
			"SELECT {id}, {read}, CASE WHEN {vec} IS NOT NULL THEN {dist} END FROM {table}"
			" WHERE {id} > ? ORDER BY {id} LIMIT ?",
		/*
		 * (table, id, schema) names as given.  An INTEGER PRIMARY KEY alone is the rowid:
		 * unique and never NULL, with no index of its own.  Any other key may hold NULLs
		 * unless declared NOT NULL (SQLite's documented quirk); a unique index counts when
		 * it is not partial and the id is its only column.
		 */
		[PGV__SQL_ID_KEY] =
			"WITH n(tbl, col, sch) AS (SELECT ?, ?, ?),"
			" c AS (SELECT p.name, p.\"notnull\" AS nn, p.pk, lower(p.type) AS type"
			" FROM n, pragma_table_info(n.tbl, n.sch) AS p WHERE p.name = n.col COLLATE NOCASE),"
			" k AS (SELECT count(*) AS pks FROM n, pragma_table_info(n.tbl, n.sch) AS q"
			" WHERE q.pk > 0),"
			" r AS (SELECT (c.pk = 1 AND k.pks = 1 AND c.type = 'integer') AS rowid FROM c, k)"
			" SELECT (c.nn OR r.rowid), r.rowid + (SELECT count(*)"
			" FROM n, pragma_index_list(n.tbl, n.sch) AS l WHERE l.\"unique\" AND NOT l.partial"
			" AND (SELECT count(*) FROM pragma_index_info(l.name, n.sch)) = 1"
			" AND (SELECT i.name FROM pragma_index_info(l.name, n.sch) AS i)"
			" = c.name COLLATE NOCASE) FROM c, r",
		[PGV__SQL_KNN] =
			"SELECT {id}, {read}, {dist} FROM {table} WHERE {vec} IS NOT NULL"
			" ORDER BY 3 LIMIT ?",
		/* sqlite-vec fails on a NULL vector ("found NULL"): its row has no distance */
		[PGV__SQL_DISTANCES] =
			"SELECT {id}, {read}, CASE WHEN {vec} IS NOT NULL THEN {dist} END FROM {table}"
			" ORDER BY {id}",
		[PGV__SQL_DISTANCES_IDS] =
			"SELECT {id}, {read}, CASE WHEN {vec} IS NOT NULL THEN {dist} END FROM {table}"
			" WHERE {id} IN (SELECT value FROM json_each({ids})) ORDER BY {id}",
	},
};

static const char *const metric_names[PGV__METRIC_COUNT] = {
	"l2", "ip", "cosine", "l1", "hamming", "jaccard"
};

/* The dialect of a backend; NULL for one the store does not speak. */
const pgv__dialect *pgv__store_dialect(pgv_backend backend)
{
	switch (backend) {
	case PGV_BACKEND_POSTGRESQL: return &postgresql;
	case PGV_BACKEND_SQLITE: return &sqlite;
	default: return NULL;
	}
}

/* Parses a metric name. */
int pgv_metric_from_name(pgv_metric *out, const char *name)
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
	return pgv__error_set(PGV_EINVAL, -1, "unknown metric \"%s\": expected l2, ip, cosine, l1, "
		"hamming or jaccard", pgv__quote(quoted, name, strlen(name)));
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

/* The name of an index form, "" when unknown. */
const char *pgv_index_form_name(pgv_index_form form)
{
	return (unsigned)form < PGV__FORM_COUNT ? postgresql.form_names[form] : "";
}

/* The SQL name of a column type, "" when unknown. */
const char *pgv_type_name(pgv_type type)
{
	return (unsigned)type < PGV__TYPE_COUNT ? postgresql.type_names[type] : "";
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

/* The pgvector version that added a column type. */
int pgv__type_since(pgv_type type)
{
	return (unsigned)type < PGV__TYPE_COUNT ? postgresql.type_since[type] : 0;
}

/* 1 when a metric applies to a column type. */
int pgv__metric_for_type(pgv_metric metric, pgv_type type)
{
	return (unsigned)metric < PGV__METRIC_COUNT && (unsigned)type < PGV__TYPE_COUNT
		&& (postgresql.metric_types[metric] >> type & 1u);
}

/* Appends the text of one of the caller's names (NULL: nothing). */
static void add_var(pgv__buf *b, const char *s)
{
	if (s)
		pgv__buf_adds(b, s);
}

/* Expands a template into b: names literally, dialect pieces recursively (depth-limited). */
static void expand(pgv__buf *b, const pgv__store_table *t, const char *tpl, pgv_metric metric,
	const pgv__sql_vars *vars, int depth)
{
	const pgv__dialect *d = t->dialect;
	/* the type's pieces; a type without a binary form is read as text */
	const char *read = t->binary && d->read_binary[t->type] ? d->read_binary[t->type]
		: d->read[t->type];

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
			add_var(b, (unsigned)metric < PGV__METRIC_COUNT ? d->operators[metric] : NULL);
		else if (IS("opclass")) {
			/* the type of what the form indexes: halfvec, or bits compared by hamming */
			pgv_index_form form = vars ? vars->form : PGV_INDEX_FORM_PLAIN;
			pgv_type type = form == PGV_INDEX_FORM_HALFVEC ? PGV_TYPE_HALFVEC
				: form == PGV_INDEX_FORM_BINARY ? PGV_TYPE_BIT : t->type;
			pgv__buf_adds(b, d->type_names[type]);
			pgv__buf_addc(b, '_');
			pgv__buf_adds(b, pgv_metric_name(form == PGV_INDEX_FORM_BINARY
				? PGV_METRIC_HAMMING : metric));
			pgv__buf_adds(b, "_ops");
		} else if (IS("dim")) {
			char num[24];
			snprintf(num, sizeof(num), "%zu", vars ? vars->dim : 0);
			pgv__buf_adds(b, num);
		} else if (depth < 4 && IS("key")) {
			unsigned form = vars ? (unsigned)vars->form : 0;
			expand(b, t, d->form_key[form < PGV__FORM_COUNT ? form : 0], metric, vars,
				depth + 1);
		} else if (IS("name"))
			add_var(b, vars ? vars->name : NULL);
		else if (IS("method"))
			add_var(b, vars ? vars->method : NULL);
		else if (IS("with"))
			add_var(b, vars ? vars->with : NULL);
		else if (IS("concurrently"))
			add_var(b, vars && vars->concurrently ? d->concurrently : NULL);
		else if (depth < 4 && IS("read") && read)
			expand(b, t, read, metric, vars, depth + 1);
		else if (depth < 4 && IS("dist"))
			expand(b, t, d->dist_of[t->type] ? d->dist_of[t->type] : d->dist, metric, vars,
				depth + 1);
		else if (depth < 4 && IS("vparam") && d->vparam[t->type])
			expand(b, t, d->vparam[t->type], metric, vars, depth + 1);
		else if (depth < 4 && IS("ids"))
			expand(b, t, d->ids, metric, vars, depth + 1);
		else if (depth < 4 && IS("vlist") && d->vlist[t->type])
			expand(b, t, d->vlist[t->type], metric, vars, depth + 1);
		else if (depth < 4 && IS("rows") && d->row) {
			for (size_t r = 0; r < (vars ? vars->rows : 0); r++) {
				if (r > 0)
					pgv__buf_adds(b, ", ");
				expand(b, t, d->row, metric, vars, depth + 1);
			}
		}
		else
			pgv__buf_add(b, open, n + 2); /* not a placeholder: SQL text with braces */
#undef IS
		tpl = close + 1;
	}
}

/* Builds one statement's SQL for a table, with the caller's names. */
char *pgv__store_sql_vars(const pgv__store_table *t, pgv__store_stmt which, pgv_metric metric,
	const pgv__sql_vars *vars)
{
	pgv__buf b = { NULL, 0, 0, 0 };

	if ((unsigned)which >= PGV__SQL_COUNT_OF || !t->dialect->stmt[which]
			|| (unsigned)t->type >= PGV__TYPE_COUNT)
		return NULL;
	expand(&b, t, t->dialect->stmt[which], metric, vars, 0);
	if (b.oom) {
		pgv__buf_free(&b);
		return NULL;
	}
	return b.s;
}

/* Builds one statement's SQL for a table. */
char *pgv__store_sql(const pgv__store_table *t, pgv__store_stmt which, pgv_metric metric)
{
	return pgv__store_sql_vars(t, which, metric, NULL);
}
