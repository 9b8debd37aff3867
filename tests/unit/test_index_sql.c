/*
 * Unit tests of indexes and search settings without a server (src/store/index.c, search.c,
 * dialect.c): every client-side check and its message, the SQL built for each method, metric
 * and type, index names, and the settings a pgv_search_opts makes.
 */
#include "store/store.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Asserts the thread error's status and that its message holds `part`. */
static void error_is(int rc, int status, const char *part)
{
	if (rc != status)
		fail_msg("got %s, want %s (%s)", pgv_status_name(rc), pgv_status_name(status),
			pgv_error_last()->message);
	if (!strstr(pgv_error_last()->message, part))
		fail_msg("message \"%s\" lacks \"%s\"", pgv_error_last()->message, part);
}

/* Index options for a method and metric, the rest defaults. */
static pgv_index_opts opts_of(pgv_index_method method, pgv_metric metric)
{
	pgv_index_opts o = PGV_INDEX_OPTS_INIT;

	o.method = method;
	o.metric = metric;
	return o;
}

/*
 * Exactly the method/type/metric combinations pgvector 0.8.7 has operator classes for pass
 * (the list below is the server's pg_opclass for hnsw and ivfflat); the others are refused in
 * the server's wording, or as a metric the type lacks.
 */
static void test_index_sql__combinations(void **state)
{
	static const char *const opclasses[] = {
		"hnsw bit_hamming_ops", "hnsw bit_jaccard_ops", "hnsw halfvec_cosine_ops",
		"hnsw halfvec_ip_ops", "hnsw halfvec_l1_ops", "hnsw halfvec_l2_ops",
		"hnsw sparsevec_cosine_ops", "hnsw sparsevec_ip_ops", "hnsw sparsevec_l1_ops",
		"hnsw sparsevec_l2_ops", "hnsw vector_cosine_ops", "hnsw vector_ip_ops",
		"hnsw vector_l1_ops", "hnsw vector_l2_ops", "ivfflat bit_hamming_ops",
		"ivfflat halfvec_cosine_ops", "ivfflat halfvec_ip_ops", "ivfflat halfvec_l2_ops",
		"ivfflat vector_cosine_ops", "ivfflat vector_ip_ops", "ivfflat vector_l2_ops",
	};
	static const char *const methods[] = { "hnsw", "ivfflat" };
	int accepted = 0;

	(void)state;
	for (int me = 0; me < 2; me++) {
		for (int ty = 0; ty < PGV__TYPE_COUNT; ty++) {
			for (int mt = 0; mt < PGV__METRIC_COUNT; mt++) {
				pgv_index_opts o = opts_of((pgv_index_method)me, (pgv_metric)mt);
				char name[64];
				int listed = 0, rc = pgv__index_check(&o, (pgv_type)ty);

				snprintf(name, sizeof(name), "%s %s_%s_ops", methods[me],
					pgv_type_name((pgv_type)ty), pgv_metric_name((pgv_metric)mt));
				for (size_t i = 0; i < sizeof(opclasses) / sizeof(opclasses[0]); i++)
					listed |= strcmp(opclasses[i], name) == 0;
				if (listed != (rc == 0))
					fail_msg("%s: check gives %s (%s)", name, pgv_status_name(rc),
						pgv_error_last()->message);
				accepted += rc == 0;
				if (rc != 0 && pgv__metric_for_type((pgv_metric)mt, (pgv_type)ty))
					error_is(rc, PGV_EINVAL, "does not exist for access method");
				else if (rc != 0)
					error_is(rc, PGV_EINVAL, "columns: use");
			}
		}
	}
	assert_int_equal(accepted, sizeof(opclasses) / sizeof(opclasses[0]));
	{
		pgv_index_opts o = opts_of(PGV_INDEX_IVFFLAT, PGV_METRIC_L1);
		error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL,
			"operator class \"vector_l1_ops\" does not exist for access method \"ivfflat\"");
		o = opts_of(PGV_INDEX_HNSW, PGV_METRIC_HAMMING);
		error_is(pgv__index_check(&o, PGV_TYPE_HALFVEC), PGV_EINVAL,
			"the hamming metric (<~>) is not for halfvec columns: use l2, ip, cosine or l1");
		o = opts_of(PGV_INDEX_HNSW, PGV_METRIC_COSINE);
		error_is(pgv__index_check(&o, PGV_TYPE_BIT), PGV_EINVAL,
			"is not for bit columns: use hamming or jaccard");
		o = opts_of((pgv_index_method)2, PGV_METRIC_L2);
		error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL, "unknown index method 2");
		o = opts_of(PGV_INDEX_HNSW, (pgv_metric)6);
		error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL, "unknown metric 6");
	}
}

/* m, ef_construction and lists: pgvector's ranges and messages, at and past each limit. */
static void test_index_sql__option_ranges(void **state)
{
	pgv_index_opts o = opts_of(PGV_INDEX_HNSW, PGV_METRIC_L2);

	(void)state;
	o.m = 2;
	o.ef_construction = 4;
	assert_int_equal(pgv__index_check(&o, PGV_TYPE_VECTOR), 0);
	o.m = 100;
	o.ef_construction = 1000;
	assert_int_equal(pgv__index_check(&o, PGV_TYPE_VECTOR), 0);
	o.m = 1;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL,
		"value 1 out of bounds for option \"m\": valid values are between \"2\" and \"100\"");
	o.m = 101;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL, "value 101 out of bounds");
	o.m = -5;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL, "value -5 out of bounds");
	o.m = 0;
	o.ef_construction = 3;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL,
		"value 3 out of bounds for option \"ef_construction\": valid values are between "
		"\"4\" and \"1000\"");
	o.ef_construction = 1001;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL, "value 1001 out of bounds");
	/* 2 * m, with the server's default m of 16 when m is 0 */
	o.ef_construction = 31;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL,
		"ef_construction must be greater than or equal to 2 * m");
	o.ef_construction = 32;
	assert_int_equal(pgv__index_check(&o, PGV_TYPE_VECTOR), 0);
	o.m = 40;
	o.ef_construction = 79;
	error_is(pgv__index_check(&o, PGV_TYPE_HALFVEC), PGV_EINVAL, "(ef_construction 79, m 40)");
	o.ef_construction = 80;
	assert_int_equal(pgv__index_check(&o, PGV_TYPE_HALFVEC), 0);
	o.lists = 10;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL,
		"unrecognized parameter \"lists\"");

	o = opts_of(PGV_INDEX_IVFFLAT, PGV_METRIC_IP);
	o.lists = 1;
	assert_int_equal(pgv__index_check(&o, PGV_TYPE_VECTOR), 0);
	o.lists = 32768;
	assert_int_equal(pgv__index_check(&o, PGV_TYPE_VECTOR), 0);
	o.lists = 32769;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL,
		"value 32769 out of bounds for option \"lists\": valid values are between \"1\" and "
		"\"32768\"");
	o.lists = -1;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL, "value -1 out of bounds");
	o.lists = 0;
	o.m = 16;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL, "unrecognized parameter \"m\"");
	o.m = 0;
	o.ef_construction = 64;
	error_is(pgv__index_check(&o, PGV_TYPE_VECTOR), PGV_EINVAL,
		"unrecognized parameter \"ef_construction\"");
}

/* The column's declared dimension against each type's index limit; none declared; varbit. */
static void test_index_sql__column_limits(void **state)
{
	static const struct { pgv_type type; const char *typname; size_t max; } limits[] = {
		{ PGV_TYPE_VECTOR, "vector", 2000 }, { PGV_TYPE_HALFVEC, "halfvec", 4000 },
		{ PGV_TYPE_BIT, "bit", 64000 },
	};
	pgv_index_form form;
	char want[96];

	(void)state;
	for (int me = 0; me < 2; me++) {
		for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
			pgv_index_opts o = opts_of((pgv_index_method)me,
				limits[i].type == PGV_TYPE_BIT ? PGV_METRIC_HAMMING : PGV_METRIC_L2);
			o.form = PGV_INDEX_FORM_PLAIN; /* AUTO would index a wide vector as halfvec */
			assert_int_equal(pgv__index_check_column(&o, limits[i].type, limits[i].typname,
				limits[i].max, &form), 0);
			assert_int_equal(form, PGV_INDEX_FORM_PLAIN);
			assert_int_equal(pgv__index_check_column(&o, limits[i].type, limits[i].typname,
				1, &form), 0);
			snprintf(want, sizeof(want), "column cannot have more than %zu dimensions for %s "
				"index", limits[i].max, me ? "ivfflat" : "hnsw");
			error_is(pgv__index_check_column(&o, limits[i].type, limits[i].typname,
				limits[i].max + 1, &form), PGV_EDIM, want);
			error_is(pgv__index_check_column(&o, limits[i].type, limits[i].typname, 0, &form),
				PGV_EDIM, "column does not have dimensions");
		}
	}
	{
		pgv_index_opts o = opts_of(PGV_INDEX_HNSW, PGV_METRIC_L2);
		/* sparsevec: any dimension (the build counts non-zero elements) */
		assert_int_equal(pgv__index_check_column(&o, PGV_TYPE_SPARSEVEC, "sparsevec",
			1000000000, &form), 0);
		error_is(pgv__index_check_column(&o, PGV_TYPE_SPARSEVEC, "sparsevec", 0, &form),
			PGV_EDIM, "column does not have dimensions");
		o.metric = PGV_METRIC_HAMMING;
		error_is(pgv__index_check_column(&o, PGV_TYPE_BIT, "varbit", 8, &form), PGV_EINVAL,
			"type not supported for hnsw index");
	}
}

/* Builds the CREATE INDEX statement index.c builds, for table spec and options. */
static char *create_sql(const pgv_table *spec, const pgv_index_opts *o, const char *with)
{
	pgv__store_table t;
	pgv__sql_vars vars;
	char *name = NULL, *quoted = NULL, *sql;

	assert_int_equal(pgv__store_table_resolve(&t, spec, "x"), 0);
	assert_int_equal(pgv_index_name(&name, spec, o), 0);
	assert_int_equal(pgv_ident_quote(&quoted, name), 0);
	memset(&vars, 0, sizeof(vars));
	vars.name = quoted;
	vars.method = t.dialect->methods[o->method];
	vars.with = with;
	vars.concurrently = o->concurrently;
	sql = pgv__store_sql_vars(&t, PGV__SQL_INDEX_CREATE, o->metric, &vars);
	assert_non_null(sql);
	pgv_text_free(name);
	pgv_text_free(quoted);
	pgv__store_table_free(&t);
	return sql;
}

/* The CREATE INDEX text for each type: operator class, default name, options, CONCURRENTLY. */
static void test_index_sql__create_statements(void **state)
{
	pgv_table spec = PGV_TABLE_INIT;
	pgv_index_opts o = opts_of(PGV_INDEX_HNSW, PGV_METRIC_COSINE);
	char *sql;

	(void)state;
	spec.schema = "s";
	spec.table = "items";
	spec.vector_column = "emb";
	sql = create_sql(&spec, &o, NULL);
	assert_string_equal(sql, "CREATE INDEX \"items_emb_hnsw_cosine_idx\" ON \"s\".\"items\" "
		"USING hnsw (\"emb\" vector_cosine_ops)");
	free(sql);
	spec.type = PGV_TYPE_HALFVEC;
	o.metric = PGV_METRIC_L1;
	o.concurrently = 1;
	sql = create_sql(&spec, &o, " WITH (m = 8, ef_construction = 40)");
	assert_string_equal(sql, "CREATE INDEX CONCURRENTLY \"items_emb_hnsw_l1_idx\" ON "
		"\"s\".\"items\" USING hnsw (\"emb\" halfvec_l1_ops) WITH (m = 8, ef_construction = 40)");
	free(sql);
	spec.type = PGV_TYPE_BIT;
	o = opts_of(PGV_INDEX_IVFFLAT, PGV_METRIC_HAMMING);
	o.name = "my \"idx\"";
	sql = create_sql(&spec, &o, " WITH (lists = 7)");
	assert_string_equal(sql, "CREATE INDEX \"my \"\"idx\"\"\" ON \"s\".\"items\" USING ivfflat "
		"(\"emb\" bit_hamming_ops) WITH (lists = 7)");
	free(sql);
	spec.type = PGV_TYPE_SPARSEVEC;
	o = opts_of(PGV_INDEX_HNSW, PGV_METRIC_IP);
	sql = create_sql(&spec, &o, NULL);
	assert_string_equal(sql, "CREATE INDEX \"items_emb_hnsw_ip_idx\" ON \"s\".\"items\" "
		"USING hnsw (\"emb\" sparsevec_ip_ops)");
	free(sql);
}

/* Default names fit 63 bytes: long ones are cut on a character boundary and keep a hash. */
static void test_index_sql__names(void **state)
{
	pgv_table spec = PGV_TABLE_INIT;
	pgv_index_opts o = opts_of(PGV_INDEX_IVFFLAT, PGV_METRIC_L2);
	char table[64], table2[64], *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(pgv_index_name(&a, NULL, NULL), 0);
	assert_string_equal(a, "embeddings_embedding_hnsw_l2_idx");
	pgv_text_free(a);
	/* 38 bytes, then 2-byte characters: the 39 bytes before the hash end inside one */
	memset(table, 'x', 38);
	for (int i = 0; i < 12; i++)
		memcpy(table + 38 + 2 * i, "\xc3\xa9", 3);
	assert_int_equal(strlen(table), 62);
	spec.table = table;
	assert_int_equal(pgv_index_name(&a, &spec, &o), 0);
	assert_int_equal(strlen(a), 62); /* 38 + the tail: the broken character is dropped */
	assert_int_equal(strncmp(a, table, 38), 0);
	assert_int_equal(a[38], '_');
	assert_string_equal(a + 47, "_ivfflat_l2_idx");
	pgv_text_free(a);
	table[37] = '\xc3'; /* now the cut falls after a whole character */
	table[38] = '\xa9';
	memset(table + 39, 'x', 23);
	assert_int_equal(pgv_index_name(&a, &spec, &o), 0);
	assert_int_equal(strlen(a), 63);
	assert_int_equal(strncmp(a, table, 39), 0);
	memcpy(table2, table, sizeof(table));
	table2[0] = 'y';
	spec.table = table2;
	assert_int_equal(pgv_index_name(&b, &spec, &o), 0);
	assert_true(strcmp(a, b) != 0); /* different tables, different hashes */
	assert_int_equal(strlen(a), strlen(b));
	assert_memory_equal(a + 1, b + 1, strlen(a) - 1 - 24); /* same cut, other hash */
	pgv_text_free(a);
	pgv_text_free(b);

	/* a caller's name is taken as it is, and refused past 63 bytes */
	o.name = "Idx";
	assert_int_equal(pgv_index_name(&a, NULL, &o), 0);
	assert_string_equal(a, "Idx");
	pgv_text_free(a);
	o.name = table2;
	memset(table2, 'z', 63);
	table2[63] = '\0';
	assert_int_equal(pgv_index_name(&a, NULL, &o), 0);
	pgv_text_free(a);
	{
		char longer[80];
		memset(longer, 'z', 64);
		longer[64] = '\0';
		o.name = longer;
		error_is(pgv_index_name(&a, NULL, &o), PGV_EINVAL, "64 bytes long");
		assert_null(a);
	}
	o.version = 99;
	error_is(pgv_index_name(&a, NULL, &o), PGV_EINVAL, "PGV_INDEX_OPTS_INIT");
	assert_int_equal(pgv_index_name(NULL, NULL, NULL), PGV_EINVAL);
}

/* The catalog look-up binds both names; the drop statement is the qualified name given. */
static void test_index_sql__drop_statements(void **state)
{
	pgv__store_table t;
	pgv__sql_vars vars;
	char *sql;

	(void)state;
	memset(&vars, 0, sizeof(vars));
	vars.name = "\"s\".\"i\"";
	assert_int_equal(pgv__store_table_resolve(&t, NULL, "x"), 0);
	sql = pgv__store_sql_vars(&t, PGV__SQL_INDEX_DROP, PGV_METRIC_L2, &vars);
	assert_string_equal(sql, "DROP INDEX IF EXISTS \"s\".\"i\"");
	free(sql);
	sql = pgv__store_sql(&t, PGV__SQL_INDEX_FIND, PGV_METRIC_L2);
	assert_non_null(strstr(sql, "x.relname = ?::name"));
	assert_non_null(strstr(sql, "to_regclass(?::text)"));
	free(sql);
	pgv__store_table_free(&t);
}

/* Search options: ranges and messages (pgvector's), and the settings each makes. */
static void test_index_sql__search_settings(void **state)
{
	pgv_search_opts o = PGV_SEARCH_OPTS_INIT;
	pgv__search_settings s;

	(void)state;
	assert_int_equal(pgv__search_settings_make(&s, NULL), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(pgv__search_settings_make(&s, &o), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.needs_version, 0);

	o.ef_search = 1000;
	o.probes = 32768;
	assert_int_equal(pgv__search_settings_make(&s, &o), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "hnsw.ef_search");
	assert_string_equal(s.values[0], "1000");
	assert_string_equal(s.names[1], "ivfflat.probes");
	assert_string_equal(s.values[1], "32768");
	assert_int_equal(s.needs_version, 0); /* no version asked for these */

	o.ef_search = 1001;
	error_is(pgv__search_settings_make(&s, &o), PGV_EINVAL,
		"1001 is outside the valid range for parameter \"hnsw.ef_search\" (1 .. 1000)");
	o.ef_search = -1;
	error_is(pgv__search_settings_make(&s, &o), PGV_EINVAL, "-1 is outside the valid range");
	o.ef_search = 1;
	o.probes = 32769;
	error_is(pgv__search_settings_make(&s, &o), PGV_EINVAL,
		"32769 is outside the valid range for parameter \"ivfflat.probes\" (1 .. 32768)");
	o.probes = 0;
	o.max_probes = 40000;
	error_is(pgv__search_settings_make(&s, &o), PGV_EINVAL, "\"ivfflat.max_probes\" (1 .. 32768)");
	o.max_probes = 0;
	o.max_scan_tuples = -3;
	error_is(pgv__search_settings_make(&s, &o), PGV_EINVAL,
		"\"hnsw.max_scan_tuples\" (1 .. 2147483647)");
	o.max_scan_tuples = INT_MAX;
	assert_int_equal(pgv__search_settings_make(&s, &o), 0);
	assert_int_equal(s.needs_version, 800);
	assert_string_equal(s.needs_what, "hnsw.max_scan_tuples");
	o.max_scan_tuples = 0;

	/* iterative scans: IVFFlat has only relaxed order */
	{
		static const char *const hnsw[] = { NULL, "off", "strict_order", "relaxed_order" };
		static const char *const ivf[] = { NULL, "off", "relaxed_order", "relaxed_order" };
		for (int mode = 1; mode <= 3; mode++) {
			o.iterative_scan = (pgv_iterative_scan)mode;
			assert_int_equal(pgv__search_settings_make(&s, &o), 0);
			assert_int_equal(s.n, 3);
			assert_string_equal(s.names[1], "hnsw.iterative_scan");
			assert_string_equal(s.values[1], hnsw[mode]);
			assert_string_equal(s.names[2], "ivfflat.iterative_scan");
			assert_string_equal(s.values[2], ivf[mode]);
			assert_int_equal(s.needs_version, 800);
		}
	}
	o.iterative_scan = (pgv_iterative_scan)4;
	error_is(pgv__search_settings_make(&s, &o), PGV_EINVAL, "unknown iterative scan mode 4");
	o.iterative_scan = PGV_ITERATIVE_DEFAULT;
	o.version = 0;
	error_is(pgv__search_settings_make(&s, &o), PGV_EINVAL, "PGV_SEARCH_OPTS_INIT");
}

/* Settings travel as text lists: quotes and backslashes escaped, a missing value as NULL. */
static void test_index_sql__text_lists(void **state)
{
	static const char *const texts[] = { "hnsw.ef_search", "a\"b\\c", NULL, "" };
	pgv__buf b = { NULL, 0, 0, 0 };
	pgv__store_table t;
	char *sql;

	(void)state;
	pgv__buf_add_texts(&b, pgv__store_dialect(PGV_BACKEND_POSTGRESQL), texts, 4);
	assert_false(b.oom);
	assert_string_equal(b.s, "{\"hnsw.ef_search\",\"a\\\"b\\\\c\",NULL,\"\"}");
	pgv__buf_reset(&b);
	pgv__buf_add_texts(&b, pgv__store_dialect(PGV_BACKEND_POSTGRESQL), texts, 0);
	assert_string_equal(b.s, "{}");
	pgv__buf_free(&b);

	/* SET LOCAL semantics: set_config(..., true), the old value read first */
	assert_int_equal(pgv__store_table_resolve(&t, NULL, "x"), 0);
	sql = pgv__store_sql(&t, PGV__SQL_SEARCH_SET, PGV_METRIC_L2);
	assert_non_null(strstr(sql, "AS MATERIALIZED"));
	assert_non_null(strstr(sql, "current_setting(s.n, true)"));
	assert_non_null(strstr(sql, "set_config(o.n, o.v, true)"));
	free(sql);
	sql = pgv__store_sql(&t, PGV__SQL_SEARCH_RESTORE, PGV_METRIC_L2);
	assert_non_null(strstr(sql, "set_config(s.n, s.v, true)"));
	free(sql);
	pgv__store_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_sql__combinations),
		cmocka_unit_test(test_index_sql__option_ranges),
		cmocka_unit_test(test_index_sql__column_limits),
		cmocka_unit_test(test_index_sql__create_statements),
		cmocka_unit_test(test_index_sql__names),
		cmocka_unit_test(test_index_sql__drop_statements),
		cmocka_unit_test(test_index_sql__search_settings),
		cmocka_unit_test(test_index_sql__text_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
