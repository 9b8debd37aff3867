/* Unit tests of the store's SQL text (src/store/table.c): quoting, metrics, statements. */
#include "store/store.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Quotes `name`, asserting success, and compares with `want`. */
static void quote_ok(const char *name, const char *want)
{
	char *q = NULL;
	int rc = pgv_ident_quote(&q, name);

	if (rc != 0)
		fail_msg("quoting \"%s\": %s: %s", name, pgv_status_name(rc), pgv_error_last()->message);
	assert_string_equal(q, want);
	pgv_text_free(q);
}

/* Asserts that quoting `name` is refused with PGV_EINVAL and a message holding `part`. */
static void quote_refused(const char *name, const char *part)
{
	char *q = (char *)"unchanged";

	assert_int_equal(pgv_ident_quote(&q, name), PGV_EINVAL);
	assert_null(q);
	assert_int_equal(pgv_error_last()->status, PGV_EINVAL);
	if (!strstr(pgv_error_last()->message, part))
		fail_msg("message \"%s\" lacks \"%s\"", pgv_error_last()->message, part);
}

/* Counts the ? placeholders outside quoted identifiers and string literals. */
static int count_params(const char *sql)
{
	char quote = 0;
	int n = 0;

	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0; /* a doubled quote closes and reopens: same count */
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '?') {
			n++;
		}
	}
	return n;
}

/* Plain names are always double-quoted, so case and keywords survive. */
static void test_store_sql__quote_plain(void **state)
{
	(void)state;
	quote_ok("embeddings", "\"embeddings\"");
	quote_ok("Embeddings", "\"Embeddings\"");
	quote_ok("select", "\"select\"");
	quote_ok("x", "\"x\"");
}

/* Quotes are doubled; semicolons, spaces, comment marks and ? stay inside one identifier. */
static void test_store_sql__quote_hostile(void **state)
{
	(void)state;
	quote_ok("emb\"; DROP TABLE x; --", "\"emb\"\"; DROP TABLE x; --\"");
	quote_ok("\"", "\"\"\"\"");
	quote_ok("a \"b\" c", "\"a \"\"b\"\" c\"");
	quote_ok("what?{vec}'", "\"what?{vec}'\"");
	quote_ok("/* x */", "\"/* x */\"");
}

/* Non-ASCII bytes pass through unchanged. */
static void test_store_sql__quote_non_ascii(void **state)
{
	(void)state;
	quote_ok("\xc3\xa9mb\xe2\x82\xac", "\"\xc3\xa9mb\xe2\x82\xac\"");
}

/* 63 bytes is PostgreSQL's limit: accepted; 64 would be truncated: refused, naming the name. */
static void test_store_sql__quote_length_limit(void **state)
{
	char name[80], want[90];
	char quotes[64], qwant[130];
	char *q = NULL;

	(void)state;
	memset(name, 'a', 63);
	name[63] = '\0';
	snprintf(want, sizeof(want), "\"%s\"", name);
	quote_ok(name, want);
	name[63] = 'b';
	name[64] = '\0';
	quote_refused(name, "is 64 bytes long");
	quote_refused(name, "\"aaaaaaaaaa");
	quote_refused(name, "truncate it to 63");

	/* 63 quote characters: the limit counts the name, not its quoted form */
	memset(quotes, '"', 63);
	quotes[63] = '\0';
	qwant[0] = '"';
	memset(qwant + 1, '"', 126);
	qwant[127] = '"';
	qwant[128] = '\0';
	quote_ok(quotes, qwant);

	/* 62 ASCII bytes and a two-byte character: 64 bytes, refused */
	memset(name, 'c', 62);
	memcpy(name + 62, "\xc3\xa9", 3);
	assert_int_equal(strlen(name), 64);
	quote_refused(name, "64 bytes");
	assert_int_equal(pgv_ident_quote(&q, name), PGV_EINVAL);
}

/* Empty and NULL names, and a NULL out, are refused. */
static void test_store_sql__quote_refuses_empty(void **state)
{
	char *q = NULL;

	(void)state;
	quote_refused("", "empty");
	quote_refused(NULL, "NULL");
	assert_int_equal(pgv_ident_quote(NULL, "x"), PGV_EINVAL);
	assert_null(q);
}

/* Metric names parse both ways and map to pgvector's operators. */
static void test_store_sql__metric_names(void **state)
{
	static const char *const names[] = { "l2", "ip", "cosine", "l1", "hamming", "jaccard" };
	static const char *const ops[] = { "<->", "<#>", "<=>", "<+>", "<~>", "<%>" };
	static const pgv_metric metrics[] = { PGV_METRIC_L2, PGV_METRIC_IP, PGV_METRIC_COSINE,
		PGV_METRIC_L1, PGV_METRIC_HAMMING, PGV_METRIC_JACCARD };
	pgv_metric m = PGV_METRIC_L2;

	(void)state;
	for (int i = 0; i < 6; i++) {
		assert_int_equal(pgv_metric_from_name(&m, names[i]), 0);
		assert_int_equal(m, metrics[i]);
		assert_string_equal(pgv_metric_name(metrics[i]), names[i]);
		assert_string_equal(pgv_metric_operator(metrics[i]), ops[i]);
	}
	assert_string_equal(pgv_metric_name((pgv_metric)6), "");
	assert_string_equal(pgv_metric_operator((pgv_metric)-1), "");
}

/* Type names, and which metric applies to which type: l2..l1 to the dense types, hamming and
 * jaccard to bit alone. */
static void test_store_sql__metric_types(void **state)
{
	static const char *const types[] = { "vector", "halfvec", "sparsevec", "bit" };

	(void)state;
	for (int ty = 0; ty < 4; ty++) {
		assert_string_equal(pgv_type_name((pgv_type)ty), types[ty]);
		for (int m = 0; m < 6; m++)
			assert_int_equal(pgv__metric_for_type((pgv_metric)m, (pgv_type)ty),
				ty == PGV_TYPE_BIT ? m >= PGV_METRIC_HAMMING : m < PGV_METRIC_HAMMING);
		assert_int_equal(pgv__metric_for_type((pgv_metric)6, (pgv_type)ty), 0);
	}
	assert_string_equal(pgv_type_name((pgv_type)4), "");
	assert_int_equal(pgv__metric_for_type(PGV_METRIC_L2, (pgv_type)4), 0);
	assert_int_equal(pgv__type_since(PGV_TYPE_VECTOR), 0);
	assert_int_equal(pgv__type_since(PGV_TYPE_HALFVEC), 700);
	assert_int_equal(pgv__type_since(PGV_TYPE_SPARSEVEC), 700);
	assert_int_equal(pgv__type_since(PGV_TYPE_BIT), 0); /* PostgreSQL's own; its operators: */
	assert_int_equal(pgv__metric_since(PGV_METRIC_HAMMING), 700);
	assert_int_equal(pgv__metric_since(PGV_METRIC_JACCARD), 700);
}

/* Unknown metric names are refused with the name quoted; the output is untouched. */
static void test_store_sql__metric_unknown(void **state)
{
	static const char *const bad[] = { "L2", "", "l2 ", "euclid", "cosine;" };
	pgv_metric m = PGV_METRIC_IP;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pgv_metric_from_name(&m, bad[i]), PGV_EINVAL);
		assert_int_equal(m, PGV_METRIC_IP);
		assert_non_null(strstr(pgv_error_last()->message, "unknown metric"));
	}
	assert_non_null(strstr(pgv_error_last()->message, "\"cosine;\""));
	assert_int_equal(pgv_metric_from_name(&m, NULL), PGV_EINVAL);
	assert_int_equal(pgv_metric_from_name(NULL, "l2"), PGV_EINVAL);
}

/* l1 (<+>) needs pgvector 0.7.0; the other operators exist in every version. */
static void test_store_sql__metric_versions(void **state)
{
	(void)state;
	assert_int_equal(pgv__metric_since(PGV_METRIC_L1), 700);
	assert_int_equal(pgv__metric_available(PGV_METRIC_L1, 602), 0);
	assert_int_equal(pgv__metric_available(PGV_METRIC_L1, 699), 0);
	assert_int_equal(pgv__metric_available(PGV_METRIC_L1, 700), 1);
	assert_int_equal(pgv__metric_available(PGV_METRIC_L1, 807), 1);
	assert_int_equal(pgv__metric_available(PGV_METRIC_L1, 10000), 1);
	for (int m = 0; m < 3; m++) {
		assert_int_equal(pgv__metric_since((pgv_metric)m), 0);
		assert_int_equal(pgv__metric_available((pgv_metric)m, 0), 1);
		assert_int_equal(pgv__metric_available((pgv_metric)m, 400), 1);
	}
	assert_int_equal(pgv__metric_available(PGV_METRIC_HAMMING, 699), 0);
	assert_int_equal(pgv__metric_available(PGV_METRIC_JACCARD, 700), 1);
	assert_int_equal(pgv__metric_available((pgv_metric)6, 10000), 0);
}

/* NULL or NULL fields take the defaults; a schema is quoted on its own. */
static void test_store_sql__table_defaults(void **state)
{
	pgv__store_table t;
	pgv_table spec = PGV_TABLE_INIT;

	(void)state;
	assert_int_equal(pgv__store_table_resolve(&t, NULL, "upserting into"), 0);
	assert_string_equal(t.table, "\"embeddings\"");
	assert_string_equal(t.id, "\"id\"");
	assert_string_equal(t.vec, "\"embedding\"");
	assert_string_equal(t.what, "upserting into \"embeddings\"");
	pgv__store_table_free(&t);

	assert_int_equal(pgv__store_table_resolve(&t, &spec, "listing"), 0);
	assert_string_equal(t.table, "\"embeddings\"");
	pgv__store_table_free(&t);

	spec.schema = "my schema";
	spec.table = "T";
	spec.vector_column = "v";
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "listing"), 0);
	assert_string_equal(t.table, "\"my schema\".\"T\"");
	assert_string_equal(t.id, "\"id\"");
	assert_string_equal(t.vec, "\"v\"");
	assert_string_equal(t.vec_name, "v");
	pgv__store_table_free(&t);
}

/* A wrong version or a bad name is refused, saying which name. */
static void test_store_sql__table_refused(void **state)
{
	pgv__store_table t;
	pgv_table spec = PGV_TABLE_INIT;
	char long_name[70];

	(void)state;
	spec.version = 0;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "listing"), PGV_EINVAL);
	assert_non_null(strstr(pgv_error_last()->message, "PGV_TABLE_INIT"));
	pgv__store_table_free(&t);
	spec.version = PGV_TABLE_VERSION + 1;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "listing"), PGV_EINVAL);
	assert_non_null(strstr(pgv_error_last()->message, "version 4"));
	pgv__store_table_free(&t);
	spec.version = PGV_TABLE_VERSION;
	spec.type = (pgv_type)4;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "listing"), PGV_EINVAL);
	assert_non_null(strstr(pgv_error_last()->message, "unknown column type 4"));
	pgv__store_table_free(&t);
	spec.type = PGV_TYPE_VECTOR;

	spec.version = PGV_TABLE_VERSION;
	memset(long_name, 'v', 64);
	long_name[64] = '\0';
	spec.vector_column = long_name;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "searching"), PGV_EINVAL);
	assert_non_null(strstr(pgv_error_last()->message,
		"searching a table: the vector column name"));
	assert_non_null(strstr(pgv_error_last()->message, "64 bytes"));
	pgv__store_table_free(&t);
	spec.vector_column = NULL;
	spec.schema = "";
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "listing"), PGV_EINVAL);
	assert_non_null(strstr(pgv_error_last()->message, "the schema name"));
	pgv__store_table_free(&t);
}

/* Builds statement `which` for `t` and compares it with `want`. */
static void sql_is(const pgv__store_table *t, pgv__store_stmt which, pgv_metric m,
	const char *want)
{
	char *sql = pgv__store_sql(t, which, m);

	assert_non_null(sql);
	assert_string_equal(sql, want);
	free(sql);
}

/* The exact statements for the default table: values only ever as ? placeholders. */
static void test_store_sql__statements(void **state)
{
	pgv__store_table t;

	(void)state;
	assert_int_equal(pgv__store_table_resolve(&t, NULL, "x"), 0);
	sql_is(&t, PGV__SQL_UPSERT, PGV_METRIC_L2,
		"INSERT INTO \"embeddings\" (\"id\", \"embedding\") SELECT * FROM "
		"unnest(?::bigint[], ?::vector[]) ON CONFLICT (\"id\") DO UPDATE SET "
		"\"embedding\" = EXCLUDED.\"embedding\"");
	sql_is(&t, PGV__SQL_INSERT, PGV_METRIC_L2,
		"INSERT INTO \"embeddings\" (\"id\", \"embedding\") OVERRIDING SYSTEM VALUE "
		"SELECT * FROM unnest(?::bigint[], ?::vector[])");
	sql_is(&t, PGV__SQL_GET, PGV_METRIC_L2,
		"SELECT \"embedding\"::float4[] FROM \"embeddings\" WHERE \"id\" = ?");
	sql_is(&t, PGV__SQL_DELETE, PGV_METRIC_L2,
		"DELETE FROM \"embeddings\" WHERE \"id\" = ANY (?::bigint[])");
	sql_is(&t, PGV__SQL_COUNT, PGV_METRIC_L2, "SELECT count(*) FROM \"embeddings\"");
	sql_is(&t, PGV__SQL_LIST, PGV_METRIC_L2,
		"SELECT \"id\", \"embedding\"::float4[] FROM \"embeddings\" ORDER BY \"id\"");
	sql_is(&t, PGV__SQL_KNN, PGV_METRIC_L2,
		"SELECT \"id\", \"embedding\"::float4[], \"embedding\" <-> ?::vector FROM "
		"\"embeddings\" WHERE \"embedding\" IS NOT NULL ORDER BY 3 LIMIT ?");
	sql_is(&t, PGV__SQL_KNN, PGV_METRIC_IP,
		"SELECT \"id\", \"embedding\"::float4[], \"embedding\" <#> ?::vector FROM "
		"\"embeddings\" WHERE \"embedding\" IS NOT NULL ORDER BY 3 LIMIT ?");
	sql_is(&t, PGV__SQL_DISTANCES, PGV_METRIC_COSINE,
		"SELECT \"id\", \"embedding\"::float4[], \"embedding\" <=> ?::vector FROM "
		"\"embeddings\" ORDER BY \"id\"");
	sql_is(&t, PGV__SQL_DISTANCES_IDS, PGV_METRIC_L1,
		"SELECT \"id\", \"embedding\"::float4[], \"embedding\" <+> ?::vector FROM "
		"\"embeddings\" WHERE \"id\" = ANY (?::bigint[]) ORDER BY \"id\"");
	pgv__store_table_free(&t);
}

/* Each column type has its casts: the value parameter, the list, and how it is read back. */
static void test_store_sql__typed_statements(void **state)
{
	pgv_table spec = PGV_TABLE_INIT;
	pgv__store_table t;

	(void)state;
	spec.table = "t";
	spec.vector_column = "v";
	spec.type = PGV_TYPE_HALFVEC;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "x"), 0);
	assert_int_equal(t.type, PGV_TYPE_HALFVEC);
	sql_is(&t, PGV__SQL_UPSERT, PGV_METRIC_L2,
		"INSERT INTO \"t\" (\"id\", \"v\") SELECT * FROM unnest(?::bigint[], ?::halfvec[]) "
		"ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"");
	sql_is(&t, PGV__SQL_KNN, PGV_METRIC_L1,
		"SELECT \"id\", \"v\"::float4[], \"v\" <+> ?::halfvec FROM \"t\" WHERE \"v\" IS NOT NULL "
		"ORDER BY 3 LIMIT ?");
	t.binary = 1;
	sql_is(&t, PGV__SQL_LIST, PGV_METRIC_L2,
		"SELECT \"id\", encode(vector_send(\"v\"::vector), 'base64') FROM \"t\" ORDER BY \"id\"");
	pgv__store_table_free(&t);

	spec.type = PGV_TYPE_SPARSEVEC;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "x"), 0);
	sql_is(&t, PGV__SQL_GET, PGV_METRIC_L2,
		"SELECT \"v\"::vector::float4[] FROM \"t\" WHERE \"id\" = ?");
	sql_is(&t, PGV__SQL_INSERT, PGV_METRIC_L2,
		"INSERT INTO \"t\" (\"id\", \"v\") OVERRIDING SYSTEM VALUE SELECT * FROM "
		"unnest(?::bigint[], ?::sparsevec[])");
	sql_is(&t, PGV__SQL_DISTANCES, PGV_METRIC_COSINE,
		"SELECT \"id\", \"v\"::vector::float4[], \"v\" <=> ?::sparsevec FROM \"t\" ORDER BY \"id\"");
	pgv__store_table_free(&t);

	/* bit: varbit casts (::bit would be bit(1)); text read back; no binary form */
	spec.type = PGV_TYPE_BIT;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "x"), 0);
	sql_is(&t, PGV__SQL_UPSERT, PGV_METRIC_L2,
		"INSERT INTO \"t\" (\"id\", \"v\") SELECT * FROM unnest(?::bigint[], ?::varbit[]) "
		"ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"");
	sql_is(&t, PGV__SQL_KNN, PGV_METRIC_HAMMING,
		"SELECT \"id\", \"v\"::text, \"v\" <~> ?::varbit FROM \"t\" WHERE \"v\" IS NOT NULL "
		"ORDER BY 3 LIMIT ?");
	sql_is(&t, PGV__SQL_DISTANCES_IDS, PGV_METRIC_JACCARD,
		"SELECT \"id\", \"v\"::text, \"v\" <%> ?::varbit FROM \"t\" WHERE \"id\" = ANY "
		"(?::bigint[]) ORDER BY \"id\"");
	t.binary = 1;
	sql_is(&t, PGV__SQL_LIST, PGV_METRIC_L2,
		"SELECT \"id\", \"v\"::text FROM \"t\" ORDER BY \"id\"");
	pgv__store_table_free(&t);

	/* version 1 has no type field: always vector */
	spec.version = 1;
	spec.type = PGV_TYPE_BIT;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "x"), 0);
	assert_int_equal(t.type, PGV_TYPE_VECTOR);
	pgv__store_table_free(&t);
}

/* Appends a value's text for `type` as `backend` takes it and compares it with `want`. */
static void value_text_on(pgv_backend backend, pgv_type type, const float *data, size_t dim,
	const char *want)
{
	pgv__buf b = { NULL, 0, 0, 0 };
	pgv__store_table t;

	memset(&t, 0, sizeof t);
	t.dialect = pgv__store_dialect(backend);
	t.type = type;
	pgv__store_add_value(&b, &t, data, dim);
	assert_false(b.oom);
	assert_string_equal(b.s, want);
	assert_int_equal(b.len, strlen(want));
	pgv__buf_free(&b);
}

/* The same on PostgreSQL. */
static void value_text_is(pgv_type type, const float *data, size_t dim, const char *want)
{
	value_text_on(PGV_BACKEND_POSTGRESQL, type, data, dim, want);
}

/* Each type's check and text: bits are 0 or 1, sparse text drops zeros, halves go as floats. */
static void test_store_sql__values(void **state)
{
	static const float bits[4] = { 0, 1, -0.0f, 1 }, bad_bits[3] = { 0, 0.5f, 1 };
	static const float sparse[5] = { 0, 1.5f, 0, -0.0f, 2 }, plain[2] = { 1, 2.5f };
	static float wide[16001];

	(void)state;
	assert_int_equal(pgv__value_check(PGV_TYPE_BIT, bits, 4), 0);
	value_text_is(PGV_TYPE_BIT, bits, 4, "0101");
	assert_int_equal(pgv__value_check(PGV_TYPE_BIT, bad_bits, 3), PGV_EVALUE);
	assert_string_equal(pgv_error_last()->message, "element 1 is 0.5: a bit must be 0 or 1");
	assert_int_equal(pgv__value_check(PGV_TYPE_BIT, bits, 0), PGV_EDIM);
	assert_int_equal(pgv__value_check(PGV_TYPE_BIT, NULL, 3), PGV_EINVAL);

	assert_int_equal(pgv__value_check(PGV_TYPE_SPARSEVEC, sparse, 5), 0);
	value_text_is(PGV_TYPE_SPARSEVEC, sparse, 5, "{2:1.5,5:2}/5");
	assert_int_equal(pgv__value_check(PGV_TYPE_SPARSEVEC, wide, 16000), 0);
	assert_int_equal(pgv__value_check(PGV_TYPE_SPARSEVEC, wide, 16001), PGV_EDIM);
	assert_non_null(strstr(pgv_error_last()->message, "at most 16000"));

	/* PostgreSQL takes exact hexadecimal floats; SQLite the shortest decimal text */
	value_text_is(PGV_TYPE_VECTOR, plain, 2, "[0x1p0,0x5p-1]");
	value_text_on(PGV_BACKEND_SQLITE, PGV_TYPE_VECTOR, plain, 2, "[1,2.5]");
	/* halfvec travels as the floats' text: the server rounds as it stores */
	{
		static const float tenth[1] = { 0.1f }, big[1] = { 65520.0f };
		assert_int_equal(pgv__value_check(PGV_TYPE_HALFVEC, tenth, 1), 0);
		value_text_is(PGV_TYPE_HALFVEC, tenth, 1, "[0xcccccdp-27]");
		value_text_on(PGV_BACKEND_SQLITE, PGV_TYPE_HALFVEC, tenth, 1, "[0.1]");
		assert_int_equal(pgv__value_check(PGV_TYPE_HALFVEC, big, 1), PGV_EVALUE);
		assert_int_equal(pgv__value_check(PGV_TYPE_VECTOR, big, 1), 0);
	}
	assert_int_equal(pgv__value_check((pgv_type)9, plain, 2), PGV_EINVAL);
}

/* Listing statements: keyset pages, resumption, binary reads. */
static void test_store_sql__list_statements(void **state)
{
	pgv__store_table t;

	(void)state;
	assert_int_equal(pgv__store_table_resolve(&t, NULL, "x"), 0);
	sql_is(&t, PGV__SQL_LIST_AFTER, PGV_METRIC_L2,
		"SELECT \"id\", \"embedding\"::float4[] FROM \"embeddings\" WHERE \"id\" > ? "
		"ORDER BY \"id\"");
	sql_is(&t, PGV__SQL_LIST_PAGE, PGV_METRIC_L2,
		"SELECT \"id\", \"embedding\"::float4[] FROM \"embeddings\" ORDER BY \"id\" LIMIT ?");
	t.binary = 1;
	sql_is(&t, PGV__SQL_LIST_PAGE_AFTER, PGV_METRIC_L2,
		"SELECT \"id\", encode(vector_send(\"embedding\"::vector), 'base64') FROM \"embeddings\" "
		"WHERE \"id\" > ? ORDER BY \"id\" LIMIT ?");
	/* distances in pages: the query vector comes first, then the last id and the page size */
	t.binary = 0;
	sql_is(&t, PGV__SQL_DISTANCES_PAGE_AFTER, PGV_METRIC_COSINE,
		"SELECT \"id\", \"embedding\"::float4[], \"embedding\" <=> ?::vector FROM "
		"\"embeddings\" WHERE \"id\" > ? ORDER BY \"id\" LIMIT ?");
	pgv__store_table_free(&t);
}

/* Every statement has exactly the parameters its caller binds, for hostile names too. */
static void test_store_sql__parameter_counts(void **state)
{
	static const int want[PGV__SQL_COUNT_OF] = {
		[PGV__SQL_DESCRIBE] = 3, [PGV__SQL_SEQUENCE] = 2, [PGV__SQL_NEW_IDS] = 2,
		[PGV__SQL_UPSERT] = 2, [PGV__SQL_INSERT] = 2, [PGV__SQL_GET] = 1,
		[PGV__SQL_DELETE] = 1, [PGV__SQL_COUNT] = 0, [PGV__SQL_IDS] = 0, [PGV__SQL_LIST] = 0,
		[PGV__SQL_LIST_AFTER] = 1, [PGV__SQL_LIST_PAGE] = 1, [PGV__SQL_LIST_PAGE_AFTER] = 2,
		[PGV__SQL_KNN] = 2, [PGV__SQL_KNN_HALFVEC] = 4, [PGV__SQL_KNN_BINARY] = 4,
		[PGV__SQL_INDEX_FORMS] = 2, [PGV__SQL_INDEX_PROGRESS] = 1, [PGV__SQL_DISTANCES] = 1, [PGV__SQL_DISTANCES_IDS] = 2,
		[PGV__SQL_DISTANCES_PAGE] = 2, [PGV__SQL_DISTANCES_PAGE_AFTER] = 3, [PGV__SQL_ID_KEY] = 2,
		[PGV__SQL_INDEX_CREATE] = 0, [PGV__SQL_INDEX_FIND] = 2, [PGV__SQL_INDEX_DROP] = 0,
		[PGV__SQL_SEARCH_SET] = 2, [PGV__SQL_SEARCH_RESTORE] = 2,
	};
	pgv_table spec = PGV_TABLE_INIT;
	pgv__store_table t;

	(void)state;
	spec.schema = "s?\"";
	spec.table = "emb\"; DROP TABLE x; --";
	spec.id_column = "i'd?";
	spec.vector_column = "{vec} \xc3\xa9?";
	for (int pass = 0; pass < 2 * PGV__TYPE_COUNT; pass++) {
		spec.type = (pgv_type)(pass / 2);
		assert_int_equal(pgv__store_table_resolve(&t, pass % 2 ? &spec : NULL, "x"), 0);
		t.type = spec.type;
		t.binary = pass / 2 % 2;
		for (int s = 0; s < PGV__SQL_COUNT_OF; s++) {
			for (int m = 0; m < PGV__METRIC_COUNT; m++) {
				char *sql = pgv__store_sql(&t, (pgv__store_stmt)s, (pgv_metric)m);
				assert_non_null(sql);
				if (count_params(sql) != want[s])
					fail_msg("statement %d has %d parameters, not %d: %s", s,
						count_params(sql), want[s], sql);
				free(sql);
			}
		}
		pgv__store_table_free(&t);
	}
}

/*
 * The VALUES form of a write has one id and one typed value parameter per row, as many rows as
 * asked for, and the same conflict clause as the list form.
 */
static void test_store_sql__values_rows(void **state)
{
	pgv_table spec = PGV_TABLE_INIT;
	pgv__store_table t;
	pgv__sql_vars vars;
	char *sql;

	(void)state;
	memset(&vars, 0, sizeof(vars));
	spec.type = PGV_TYPE_HALFVEC;
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "x"), 0);
	vars.rows = 3;
	sql = pgv__store_sql_vars(&t, PGV__SQL_UPSERT_ROWS, PGV_METRIC_L2, &vars);
	assert_non_null(sql);
	assert_string_equal(sql, "INSERT INTO \"embeddings\" (\"id\", \"embedding\") VALUES "
		"(?::bigint, ?::halfvec), (?::bigint, ?::halfvec), (?::bigint, ?::halfvec) "
		"ON CONFLICT (\"id\") DO UPDATE SET \"embedding\" = EXCLUDED.\"embedding\"");
	free(sql);
	vars.rows = 1;
	sql = pgv__store_sql_vars(&t, PGV__SQL_INSERT_ROWS, PGV_METRIC_L2, &vars);
	assert_non_null(sql);
	assert_string_equal(sql, "INSERT INTO \"embeddings\" (\"id\", \"embedding\") "
		"OVERRIDING SYSTEM VALUE VALUES (?::bigint, ?::halfvec)");
	free(sql);
	vars.rows = 250;
	sql = pgv__store_sql_vars(&t, PGV__SQL_UPSERT_ROWS, PGV_METRIC_L2, &vars);
	assert_non_null(sql);
	assert_int_equal(count_params(sql), 500);
	free(sql);
	pgv__store_table_free(&t);
}

/* Hostile names appear only in their quoted form, and braces in names are not expanded. */
static void test_store_sql__hostile_names(void **state)
{
	pgv_table spec = PGV_TABLE_INIT;
	pgv__store_table t;

	(void)state;
	spec.table = "emb\"; DROP TABLE x; --";
	spec.id_column = "i\"d";
	spec.vector_column = "{vec} {read} \xc3\xa9";
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "upserting into"), 0);
	assert_string_equal(t.what, "upserting into \"emb\"\"; DROP TABLE x; --\"");
	sql_is(&t, PGV__SQL_UPSERT, PGV_METRIC_L2,
		"INSERT INTO \"emb\"\"; DROP TABLE x; --\" (\"i\"\"d\", \"{vec} {read} \xc3\xa9\") "
		"SELECT * FROM unnest(?::bigint[], ?::vector[]) ON CONFLICT (\"i\"\"d\") DO UPDATE "
		"SET \"{vec} {read} \xc3\xa9\" = EXCLUDED.\"{vec} {read} \xc3\xa9\"");
	sql_is(&t, PGV__SQL_KNN, PGV_METRIC_COSINE,
		"SELECT \"i\"\"d\", \"{vec} {read} \xc3\xa9\"::float4[], \"{vec} {read} \xc3\xa9\" "
		"<=> ?::vector FROM \"emb\"\"; DROP TABLE x; --\" WHERE \"{vec} {read} \xc3\xa9\" IS "
		"NOT NULL ORDER BY 3 LIMIT ?");
	pgv__store_table_free(&t);
}

/* Catalog statements take the names as bound values: no name appears in their text. */
static void test_store_sql__catalog_binds_names(void **state)
{
	static const pgv__store_stmt catalog[] = { PGV__SQL_DESCRIBE, PGV__SQL_SEQUENCE,
		PGV__SQL_NEW_IDS, PGV__SQL_INDEX_FIND };
	pgv_table spec = PGV_TABLE_INIT;
	pgv__store_table t;

	(void)state;
	spec.table = "zz_table";
	spec.id_column = "zz_id";
	spec.vector_column = "zz_vec";
	assert_int_equal(pgv__store_table_resolve(&t, &spec, "x"), 0);
	for (size_t i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++) {
		char *sql = pgv__store_sql(&t, catalog[i], PGV_METRIC_L2);
		assert_non_null(sql);
		assert_null(strstr(sql, "zz_"));
		free(sql);
	}
	pgv__store_table_free(&t);
}

/* Id lists are PostgreSQL array text; the full int64 range is written exactly. */
static void test_store_sql__id_list(void **state)
{
	static const int64_t ids[] = { 1, -2, INT64_MAX, INT64_MIN };
	pgv__buf b = { NULL, 0, 0, 0 };

	(void)state;
	pgv__buf_add_ids(&b, pgv__store_dialect(PGV_BACKEND_POSTGRESQL), ids, 4);
	assert_false(b.oom);
	assert_string_equal(b.s, "{1,-2,9223372036854775807,-9223372036854775808}");
	pgv__buf_reset(&b);
	pgv__buf_add_ids(&b, pgv__store_dialect(PGV_BACKEND_POSTGRESQL), ids, 0);
	assert_string_equal(b.s, "{}");
	pgv__buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_sql__quote_plain),
		cmocka_unit_test(test_store_sql__quote_hostile),
		cmocka_unit_test(test_store_sql__quote_non_ascii),
		cmocka_unit_test(test_store_sql__quote_length_limit),
		cmocka_unit_test(test_store_sql__quote_refuses_empty),
		cmocka_unit_test(test_store_sql__metric_names),
		cmocka_unit_test(test_store_sql__metric_types),
		cmocka_unit_test(test_store_sql__metric_unknown),
		cmocka_unit_test(test_store_sql__metric_versions),
		cmocka_unit_test(test_store_sql__table_defaults),
		cmocka_unit_test(test_store_sql__table_refused),
		cmocka_unit_test(test_store_sql__statements),
		cmocka_unit_test(test_store_sql__typed_statements),
		cmocka_unit_test(test_store_sql__list_statements),
		cmocka_unit_test(test_store_sql__values),
		cmocka_unit_test(test_store_sql__parameter_counts),
		cmocka_unit_test(test_store_sql__values_rows),
		cmocka_unit_test(test_store_sql__hostile_names),
		cmocka_unit_test(test_store_sql__catalog_binds_names),
		cmocka_unit_test(test_store_sql__id_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
