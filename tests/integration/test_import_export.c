/*
 * Integration: `pgvodbc import` and `pgvodbc export`, run as child processes on the embedded
 * server (DSN from PGVODBC_TEST_DSN).  Pins down: export then import gives the same rows bit for
 * bit in every format, with the text and the binary fetch, for awkward floats; the files are
 * what each format says (.fvecs bytes assembled here, JSON lines those of `list --json`, CSV
 * those of `list`); standard input and output work; progress is drawn on a terminal only.
 * Malformed input and interrupts, and resuming after them: test_import_export_resume.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"
#include "iefiles.h"

#include <float.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A float that needs care: the first calls give the awkward values, then random finite bits
 * (every exponent, subnormals included; most need 9 digits). */
static float awkward(uint64_t *seed, size_t k)
{
	static const float special[] = { FLT_TRUE_MIN, -FLT_TRUE_MIN, FLT_MIN * 0.5f, FLT_MIN,
		-0.0f, 0.0f, 1e-38f, 3.4e38f, FLT_MAX, -FLT_MAX, 0.1f, 1.00000012f, 16777217.0f,
		123456.789f, 1e-45f * 3, 0.3f };

	if (k < sizeof(special) / sizeof(special[0]))
		return special[k];
	return testdb_random_float(seed);
}

/* ---- export then import ------------------------------------------------------------------- */

/* The CSV a table's `list` text output says the export holds: "ID,\"VECTOR\"" lines after the
 * header. */
static char *csv_from_list(const char *list)
{
	char *out = malloc(strlen(list) * 2 + 32), *o = out;

	assert_non_null(out);
	o += sprintf(o, "id,embedding\n");
	for (const char *p = list; *p; p++) {
		if (*p == '\t') {
			*o++ = ',';
			*o++ = '"';
		} else if (*p == '\n') {
			*o++ = '"';
			*o++ = '\n';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* Export (text and binary fetch) then import of random awkward vectors in one format; 2000 rows
 * are two full pages of the export's paged read, and then an empty one. */
static void roundtrip(testdb *db, const char *format)
{
	enum { N = 2000, DIM = 6 };
	char src[64], dst1[64], dst2[64], text_path[256], bin_path[256], name[32], want_err[400];
	float *data = malloc(N * DIM * sizeof(float));
	int64_t ids[N];
	uint64_t seed = 0x5eed0000u + (uint64_t)format[0];
	size_t text_len, bin_len, want_len;
	char *text, *bin, *want;
	clirun r;

	assert_non_null(data);
	for (size_t i = 0; i < N; i++) {
		ids[i] = (int64_t)i; /* from 0: the ids an .fvecs import gives by default */
		for (size_t j = 0; j < DIM; j++)
			data[i * DIM + j] = awkward(&seed, i * DIM + j);
	}
	testdb_create_table(db, "ie_src", "id bigint NOT NULL PRIMARY KEY, embedding vector(6)", src);
	testdb_create_table(db, "ie_dst", "id bigint NOT NULL PRIMARY KEY, embedding vector(6)", dst1);
	testdb_create_table(db, "ie_dst", "id bigint NOT NULL PRIMARY KEY, embedding vector(6)", dst2);
	ie_store_rows(db, src, ids, data, N, DIM);

	snprintf(name, sizeof(name), "rt_text.%s", format);
	CLI(&r, NULL, 0, "export", "--table", src, ie_path(text_path, name));
	assert_status(&r, 0);
	snprintf(want_err, sizeof(want_err), "exported %d rows to \"%s\"\n", N, text_path);
	assert_string_equal(r.err, want_err); /* no progress: stderr is not a terminal */
	assert_string_equal(r.out, "");
	clirun_free(&r);
	snprintf(name, sizeof(name), "rt_bin.%s", format);
	CLI(&r, NULL, 0, "export", "--table", src, "--binary", ie_path(bin_path, name));
	assert_status(&r, 0);
	clirun_free(&r);

	/* the binary fetch writes the same bytes, and the bytes are what the format says */
	text = ie_read_file(text_path, &text_len);
	bin = ie_read_file(bin_path, &bin_len);
	assert_int_equal(text_len, bin_len);
	assert_memory_equal(text, bin, text_len);
	if (strcmp(format, "fvecs") == 0) {
		want = (char *)ie_fvecs_bytes(data, N, DIM, &want_len);
	} else if (strcmp(format, "jsonl") == 0) {
		CLI(&r, NULL, 0, "list", "--table", src, "--json");
		assert_status(&r, 0);
		want = strdup(r.out);
		want_len = strlen(want);
		clirun_free(&r);
	} else {
		CLI(&r, NULL, 0, "list", "--table", src);
		assert_status(&r, 0);
		want = csv_from_list(r.out);
		want_len = strlen(want);
		clirun_free(&r);
	}
	assert_int_equal(text_len, want_len);
	assert_memory_equal(text, want, want_len);

	CLI(&r, NULL, 0, "import", "--table", dst1, "--batch", "300", text_path);
	assert_status(&r, 0);
	assert_string_equal(r.err, "imported 2000 rows\n");
	clirun_free(&r);
	ie_assert_rows(db, dst1, ids, data, N, DIM);

	CLI(&r, NULL, 0, "import", "--table", dst2, "--json", bin_path);
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"imported\":2000,\"skipped\":0}\n");
	clirun_free(&r);
	ie_assert_rows(db, dst2, ids, data, N, DIM);

	unlink(text_path);
	unlink(bin_path);
	free(text);
	free(bin);
	free(want);
	free(data);
}

static void test_import_export__roundtrip_csv(void **state)
{
	roundtrip(*state, "csv");
}

static void test_import_export__roundtrip_jsonl(void **state)
{
	roundtrip(*state, "jsonl");
}

static void test_import_export__roundtrip_fvecs(void **state)
{
	roundtrip(*state, "fvecs");
}

/* ---- the formats' details ---------------------------------------------------------------------- */

/* .fvecs bytes assembled here import as vector i -> id --id-base + i (default 0). */
static void test_import_export__fvecs_from_bytes(void **state)
{
	testdb *db = *state;
	const float data[] = { 1.5f, -0.0f, FLT_TRUE_MIN, 3.4e38f, 0.1f, -2.0f, 1e-38f, 7.0f, 8.0f };
	const int64_t from0[] = { 0, 1, 2 }, from100[] = { 100, 101, 102 };
	char t0[64], t100[64], path[256];
	size_t len;
	unsigned char *bytes = ie_fvecs_bytes(data, 3, 3, &len);
	clirun r;

	assert_int_equal(len, 3 * 16);
	testdb_create_table(db, "ie_fv", "id bigint NOT NULL PRIMARY KEY, embedding vector(3)", t0);
	testdb_create_table(db, "ie_fv", "id bigint NOT NULL PRIMARY KEY, embedding vector(3)", t100);
	ie_write_file(ie_path(path, "mine.fvecs"), bytes, len);
	CLI(&r, NULL, 0, "import", "--table", t0, path);
	assert_status(&r, 0);
	assert_string_equal(r.err, "imported 3 rows\n");
	clirun_free(&r);
	ie_assert_rows(db, t0, from0, data, 3, 3);
	/* from standard input, with the format named */
	CLI(&r, bytes, len, "import", "--table", t100, "--format", "fvecs", "--id-base", "100", "-");
	assert_status(&r, 0);
	clirun_free(&r);
	ie_assert_rows(db, t100, from100, data, 3, 3);

	/* exporting ids that do not run 0, 1, 2... warns that an import gives other ids */
	CLI(&r, NULL, 0, "export", "--table", t100, "--format", "fvecs", "-");
	assert_status(&r, 0);
	assert_int_equal(r.out_len, len);
	assert_memory_equal(r.out, bytes, len);
	assert_contains(r.err, "warning: an .fvecs file has no ids, and these are not consecutive "
		"from 0 (vector 0 has id 100, not 0)");
	clirun_free(&r);
	CLI(&r, NULL, 0, "export", "--table", t100, "--id-base", "100", "--format", "fvecs", "-");
	assert_status(&r, 0);
	assert_string_equal(r.err, "exported 3 rows\n");
	clirun_free(&r);
	unlink(path);
	free(bytes);
}

/* CSV: a BOM, header lines, CRLF, quoted ids, a vector quoted across lines, blanks around
 * fields, {} arrays, blank lines.  JSON lines: keys in any order, whitespace, escaped keys,
 * "distance" and "step" (what `knn --json` and `demo --json` print) ignored; any other key
 * names a column (test_cli_collection). */
static void test_import_export__accepted_forms(void **state)
{
	static const char csv[] =
		"\xEF\xBB\xBF" "id,embedding\r\n"
		"1,\"[1,2]\"\r\n"
		"\r\n"
		" \"2\" , \"[3,\n 4]\"\n"
		"id,embedding\n"
		"3,\"{5,6}\"\n"
		"4,\"[ 7 , 8 ]\"";
	static const char jsonl[] =
		"{\"embedding\":[1,2],\"id\":1}\n"
		"  { \"id\" : 2 , \"distance\" : 0.5, \"embedding\" : [ 3 , 4 ] }  \r\n"
		"\n"
		"{\"\\u0069d\":3,\"embedding\":[5,6]}\n"
		"{\"id\":4,\"embedding\":[7,8],\"step\":\"list\"}\n";
	const float data[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const int64_t ids[] = { 1, 2, 3, 4 };
	testdb *db = *state;
	char t1[64], t2[64];
	clirun r;

	testdb_create_table(db, "ie_forms", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)", t1);
	testdb_create_table(db, "ie_forms", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)", t2);
	CLI(&r, csv, sizeof(csv) - 1, "import", "--table", t1, "--format", "csv", "-");
	assert_status(&r, 0);
	assert_string_equal(r.err, "imported 4 rows\n");
	clirun_free(&r);
	ie_assert_rows(db, t1, ids, data, 4, 2);
	CLI(&r, jsonl, sizeof(jsonl) - 1, "import", "--table", t2, "--format", "jsonl", "-");
	assert_status(&r, 0);
	clirun_free(&r);
	ie_assert_rows(db, t2, ids, data, 4, 2);
}

/* NULL vectors: csv and jsonl write them (as `list` does) and import refuses them by line;
 * .fvecs cannot hold one.  --after resumes: the rest, and no second csv header. */
static void test_import_export__nulls_and_after(void **state)
{
	testdb *db = *state;
	const char *v = testdb_vec_fn(db);
	char t[64], sql[256], path[256];
	clirun r;

	testdb_create_table(db, "ie_null", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)", t);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, %s('[1,2]')), (2, NULL), "
		"(3, %s('[5,6]'))", t, v, v);
	testdb_exec(db, sql);
	CLI(&r, NULL, 0, "export", "--table", t, "--format", "csv", "-");
	assert_status(&r, 0);
	assert_string_equal(r.out, "id,embedding\n1,\"[1,2]\"\n2,\n3,\"[5,6]\"\n");
	clirun_free(&r);
	CLI(&r, NULL, 0, "export", "--table", t, "--format", "jsonl", "--after", "1", "-");
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"id\":2,\"embedding\":null}\n{\"id\":3,\"embedding\":[5,6]}\n");
	clirun_free(&r);
	CLI(&r, NULL, 0, "export", "--table", t, "--format", "csv", "--after", "2", "-");
	assert_status(&r, 0);
	assert_string_equal(r.out, "3,\"[5,6]\"\n");
	clirun_free(&r);
	CLI(&r, NULL, 0, "export", "--table", t, "--json", "--after", "2", ie_path(path, "a.csv"));
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"exported\":1,\"last_id\":3}\n");
	clirun_free(&r);
	unlink(path);

	CLI(&r, NULL, 0, "export", "--table", t, ie_path(path, "n.fvecs"));
	assert_status(&r, 1);
	assert_contains(r.err, "id 2: the vector is NULL, which an .fvecs file cannot hold");
	assert_contains(r.err, "1 row was written to \"");
	assert_contains(r.err, "ids up to 1; export --after 1 writes the rest");
	clirun_free(&r);
	unlink(path);

	CLI(&r, "5,\n", 3, "import", "--table", t, "--format", "csv", "-");
	assert_status(&r, 1);
	assert_contains(r.err, "stdin line 1: id 5: the vector is NULL");
	clirun_free(&r);
	CLI(&r, "{\"id\":5,\"embedding\":null}", 25, "import", "--table", t, "--format", "jsonl",
		"-");
	assert_status(&r, 1);
	assert_contains(r.err, "stdin line 1: id 5: the embedding is null");
	assert_contains(r.err, "nothing was committed");
	clirun_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t);
	assert_int_equal(testdb_query_int(db, sql), 3);
}

/* ---- usage, terminal ------------------------------------------------------------------ */

static void test_import_export__usage_errors(void **state)
{
	static const char *const cases[][8] = {
		{ "import", "data.txt", NULL },
		{ "import", "-", NULL },
		{ "import", "--id-base", "1", "x.csv", NULL },
		{ "import", "--skip", "-1", "x.csv", NULL },
		{ "import", "--after", "1", "x.csv", NULL },
		{ "import", NULL },
		{ "import", "a.csv", "b.csv", NULL },
		{ "export", "--json", "--format", "csv", "-", NULL },
		{ "export", "--format", "xml", "a.csv", NULL },
		{ "export", "--skip", "1", "a.csv", NULL },
	};
	clirun r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[12] = { "--dsn", testdb_dsn() };

		for (size_t k = 0; cases[i][k]; k++)
			args[2 + k] = cases[i][k];
		clirun_run(&r, NULL, 0, args);
		/* under --json a usage error is one JSON object, without the hint line */
		if (r.status != 2 || !strstr(r.err, cases[i][1] && strcmp(cases[i][1], "--json") == 0
				? "{\"error\":{\"message\":" : "Try 'pgvodbc "))
			fail_msg("case %zu: status %d, stderr:\n%s", i, r.status, r.err);
		clirun_free(&r);
	}
	for (int k = 0; k < 2; k++) {
		const char *args[] = { k ? "export" : "import", "--help", NULL };

		clirun_run(&r, NULL, 0, args);
		assert_status(&r, 0);
		assert_contains(r.out, k ? "usage: pgvodbc export" : "usage: pgvodbc import");
		clirun_free(&r);
	}
}

/* On a terminal the progress line is drawn (and erased) before the summary. */
static void test_import_export__progress_on_terminal(void **state)
{
	testdb *db = *state;
	const float data[] = { 1, 2, 3, 4, 5, 6 };
	const int64_t ids[] = { 1, 2, 3 };
	char t[64], t2[64], path[256];
	clirun r;

	testdb_create_table(db, "ie_tty", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)", t);
	testdb_create_table(db, "ie_tty", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)", t2);
	ie_store_rows(db, t, ids, data, 3, 2);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "export", "--table", t,
			ie_path(path, "tty.csv"), NULL };
		if (clirun_run_tty(&r, args) != 0)
			TESTDB_SKIP("no pseudo-terminal to run the CLI on");
	}
	assert_status(&r, 0);
	/* the first row draws the line: known total (3 rows), a bar and a percentage */
	assert_contains(r.err, "\rexported 1 rows (");
	assert_contains(r.err, "[######--------------]  33%\033[K");
	assert_contains(r.err, "\r\033[Kexported 3 rows to \"");
	clirun_free(&r);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "import", "--table", t2, "--batch", "1",
			path, NULL };
		assert_int_equal(clirun_run_tty(&r, args), 0);
	}
	assert_status(&r, 0);
	assert_contains(r.err, "\rimported 1 rows (");
	assert_contains(r.err, "%\033[K");
	assert_contains(r.err, "\r\033[Kimported 3 rows\r\n");
	clirun_free(&r);
	ie_assert_rows(db, t2, ids, data, 3, 2);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_export__roundtrip_csv, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__roundtrip_jsonl, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__roundtrip_fvecs, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__fvecs_from_bytes, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__accepted_forms, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__nulls_and_after, testdb_setup,
			testdb_teardown),
		cmocka_unit_test(test_import_export__usage_errors),
		cmocka_unit_test_setup_teardown(test_import_export__progress_on_terminal,
			testdb_setup, testdb_teardown),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (ie_dir_make() != 0)
		return 1;
	rc = TESTDB_RUN(cmocka_run_group_tests_name("import_export", tests, NULL, NULL));
	ie_dir_remove();
	return rc;
}
