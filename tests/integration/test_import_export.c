/*
 * Integration: `pgvodbc import` and `pgvodbc export`, run as child processes on the embedded
 * server (DSN from PGVODBC_TEST_DSN).  Pins down: export then import gives the same rows bit for
 * bit in every format, with the text and the binary fetch, for awkward floats; the files are
 * what each format says (.fvecs bytes assembled here, JSON lines those of `list --json`, CSV
 * those of `list`); malformed input of each format fails with exit 1 naming its place, keeps the
 * earlier batches and says what --skip resumes; standard input and output work; progress is
 * drawn on a terminal only; an interrupt stops between batches with the same resume advice.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The directory of this run's files (made by main, removed at the end). */
static char dir[64];

/* dir/name into `buf` (256 bytes). */
static const char *path_of(char *buf, const char *name)
{
	snprintf(buf, 256, "%s/%s", dir, name);
	return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, NUL-terminated; its length in *len. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);

	assert_non_null(f);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			buf = realloc(buf, cap *= 2);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

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

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* The .fvecs bytes of n vectors of `dim` floats, assembled here byte by byte. */
static unsigned char *fvecs_bytes(const float *data, size_t n, size_t dim, size_t *len)
{
	unsigned char *buf = malloc(n * (4 + 4 * dim) + 1), *p = buf;

	assert_non_null(buf);
	for (size_t i = 0; i < n; i++) {
		put_le32(p, (uint32_t)dim);
		p += 4;
		for (size_t j = 0; j < dim; j++) {
			uint32_t bits;

			memcpy(&bits, &data[i * dim + j], 4);
			put_le32(p, bits);
			p += 4;
		}
	}
	*len = (size_t)(p - buf);
	return buf;
}

/* Writes n rows (ids[i], data[i*dim..]) into `table` through the library. */
static void store_rows(testdb *db, const char *table, const int64_t *ids, const float *data,
	size_t n, size_t dim)
{
	pgv_table t = testdb_table(table, PGV_TYPE_VECTOR);
	pgv_vector *v = calloc(n, sizeof(*v));

	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		v[i].dim = dim;
		v[i].data = (float *)&data[i * dim];
	}
	assert_pgv(db->conn, pgv_store_upsert(NULL, db->conn, &t, ids, v, n), PGV_OK);
	free(v);
}

/* Asserts that `table` holds exactly the rows ids[i] -> data[i*dim..], bit for bit (ids
 * ascending). */
static void assert_rows(testdb *db, const char *table, const int64_t *ids, const float *data,
	size_t n, size_t dim)
{
	pgv_table t = testdb_table(table, PGV_TYPE_VECTOR);
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	size_t i = 0;
	int rc;

	assert_pgv(db->conn, pgv_store_list(&rows, db->conn, &t), PGV_OK);
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		if (i >= n)
			fail_msg("%s: more than %zu rows (id %lld)", table, n, (long long)row->id);
		assert_int_equal(row->id, ids[i]);
		assert_int_equal(row->vector.dim, dim);
		for (size_t j = 0; j < dim; j++)
			if (memcmp(&row->vector.data[j], &data[i * dim + j], 4) != 0)
				fail_msg("%s: id %lld element %zu: %.9g, want %.9g", table,
					(long long)row->id, j, (double)row->vector.data[j],
					(double)data[i * dim + j]);
		i++;
	}
	assert_pgv(db->conn, rc, PGV_DONE);
	pgv_rows_free(rows);
	assert_int_equal(i, n);
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
	testdb_create_table(db, "ie_src", "id bigint PRIMARY KEY, embedding vector(6)", src);
	testdb_create_table(db, "ie_dst", "id bigint PRIMARY KEY, embedding vector(6)", dst1);
	testdb_create_table(db, "ie_dst", "id bigint PRIMARY KEY, embedding vector(6)", dst2);
	store_rows(db, src, ids, data, N, DIM);

	snprintf(name, sizeof(name), "rt_text.%s", format);
	CLI(&r, NULL, 0, "export", "--table", src, path_of(text_path, name));
	assert_status(&r, 0);
	snprintf(want_err, sizeof(want_err), "exported %d rows to \"%s\"\n", N, text_path);
	assert_string_equal(r.err, want_err); /* no progress: stderr is not a terminal */
	assert_string_equal(r.out, "");
	clirun_free(&r);
	snprintf(name, sizeof(name), "rt_bin.%s", format);
	CLI(&r, NULL, 0, "export", "--table", src, "--binary", path_of(bin_path, name));
	assert_status(&r, 0);
	clirun_free(&r);

	/* the binary fetch writes the same bytes, and the bytes are what the format says */
	text = read_file(text_path, &text_len);
	bin = read_file(bin_path, &bin_len);
	assert_int_equal(text_len, bin_len);
	assert_memory_equal(text, bin, text_len);
	if (strcmp(format, "fvecs") == 0) {
		want = (char *)fvecs_bytes(data, N, DIM, &want_len);
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
	assert_rows(db, dst1, ids, data, N, DIM);

	CLI(&r, NULL, 0, "import", "--table", dst2, "--json", bin_path);
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"imported\":2000,\"skipped\":0}\n");
	clirun_free(&r);
	assert_rows(db, dst2, ids, data, N, DIM);

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

/* ---- malformed input, then resume ------------------------------------------------------------ */

/* Element j of row `id` in run `gen` (0: the first file, 1: the file of the resumed run). */
static float value(int64_t id, size_t j, int gen)
{
	return (float)id * 10.0f + (float)j + 0.25f * (float)gen + 0.1f;
}

/* A file of rows 1..9 (4 dimensions) in `format`, with record 8 replaced by `bad` (text for
 * csv and jsonl; for fvecs 1 truncates the file inside record 8, 2 puts a NaN in it, 3 gives it
 * 3 dimensions) unless `bad` is NULL. */
static char *rows_file(const char *format, int gen, const char *bad, int fvecs_bad, size_t *len)
{
	char *buf = malloc(8192), *o = buf;

	assert_non_null(buf);
	if (strcmp(format, "fvecs") == 0) {
		float f[4];
		unsigned char *p = (unsigned char *)buf;

		for (int64_t id = 1; id <= 9; id++) {
			size_t dim = id == 8 && fvecs_bad == 3 ? 3 : 4;

			for (size_t j = 0; j < 4; j++)
				f[j] = value(id, j, gen);
			if (id == 8 && fvecs_bad == 2)
				memcpy(&f[1], &(uint32_t){ 0x7fc00000u }, 4);
			put_le32(p, (uint32_t)dim);
			for (size_t j = 0; j < dim; j++) {
				uint32_t bits;
				memcpy(&bits, &f[j], 4);
				put_le32(p + 4 + 4 * j, bits);
			}
			p += 4 + 4 * dim;
			if (id == 8 && fvecs_bad == 1) {
				p -= 8; /* the last two floats are missing: the input ends there */
				break;
			}
		}
		*len = (size_t)(p - (unsigned char *)buf);
		return buf;
	}
	if (strcmp(format, "csv") == 0)
		o += sprintf(o, "id,embedding\r\n");
	for (int64_t id = 1; id <= 9; id++) {
		if (id == 8 && bad) {
			o += sprintf(o, "%s\n", bad);
			continue;
		}
		o += sprintf(o, strcmp(format, "csv") == 0 ? "%lld,\"[%.9g,%.9g,%.9g,%.9g]\"\r\n" :
			"{\"id\":%lld,\"embedding\":[%.9g,%.9g,%.9g,%.9g]}\n", (long long)id,
			(double)value(id, 0, gen), (double)value(id, 1, gen), (double)value(id, 2, gen),
			(double)value(id, 3, gen));
	}
	*len = (size_t)(o - buf);
	return buf;
}

/* A bad record 8 of each format: exit 1, the place and the problem named, rows 1-6 (two batches
 * of 3) written and nothing after; then --skip 6 with a good file completes the table, leaving
 * rows 1-6 as the first run wrote them. */
static void test_import_export__malformed_then_resume(void **state)
{
	static const struct {
		const char *format, *bad;
		int fvecs_bad;
		const char *where, *problem;
	} cases[] = {
		{ "csv", "8,\"[1,2,x,4]\"", 0, "bad.csv line 9: ", "invalid input syntax for type vector" },
		{ "csv", "8,\"[1,NaN,3,4]\"", 0, "bad.csv line 9: ", "NaN not allowed in vector" },
		{ "csv", "8,\"[1,2,3]\"", 0, "bad.csv line 9: ", "expected 4 dimensions, not 3" },
		{ "csv", "8,[1,2,3,4]", 0, "bad.csv line 9: ", "expected 2 fields, ID and VECTOR, not 5" },
		{ "csv", "8x,\"[1,2,3,4]\"", 0, "bad.csv line 9: ", "invalid id \"8x\"" },
		{ "jsonl", "{\"id\":8,\"embedding\":[1,2,3,4]", 0, "bad.jsonl line 8: ",
			"column 30: expected ',' or '}', not the end of the line" },
		{ "jsonl", "{\"id\":8,\"embedding\":[1,NaN,3,4]}", 0, "bad.jsonl line 8: ",
			"NaN not allowed in vector" },
		{ "jsonl", "{\"embedding\":[1,2],\"id\":8}", 0, "bad.jsonl line 8: ",
			"expected 4 dimensions, not 2" },
		{ "jsonl", "{\"id\":8.5,\"embedding\":[1,2,3,4]}", 0, "bad.jsonl line 8: ",
			"\"id\" must be an integer" },
		{ "fvecs", NULL, 1, "bad.fvecs record 8 (byte offset 140): ", "truncated" },
		{ "fvecs", NULL, 2, "bad.fvecs record 8 (byte offset 140): ",
			"element 1 is NaN: NaN not allowed in vector" },
		{ "fvecs", NULL, 3, "bad.fvecs record 8 (byte offset 140): ",
			"expected 4 dimensions, not 3" },
	};
	testdb *db = *state;
	const char *note = "6 rows committed (records 1-6), nothing from record 7 on; rerun with "
		"--skip 6 to resume";
	int64_t ids[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	float want[9 * 4];

	for (size_t j = 0; j < 9 * 4; j++)
		want[j] = value(ids[j / 4], j % 4, j / 4 >= 6);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char table[64], path[256], name[32], sql[128], *bytes;
		size_t len;
		clirun r;

		testdb_create_table(db, "ie_bad", "id bigint PRIMARY KEY, embedding vector(4)", table);
		snprintf(name, sizeof(name), "bad.%s", cases[k].format);
		bytes = rows_file(cases[k].format, 0, cases[k].bad, cases[k].fvecs_bad, &len);
		write_file(path_of(path, name), bytes, len);
		free(bytes);
		CLI(&r, NULL, 0, "import", "--table", table, "--batch", "3", "--id-base", "1", path);
		if (strcmp(cases[k].format, "fvecs") != 0) {
			/* --id-base is for fvecs only: run again without it */
			assert_status(&r, 2);
			clirun_free(&r);
			CLI(&r, NULL, 0, "import", "--table", table, "--batch", "3", path);
		}
		assert_status(&r, 1);
		assert_contains(r.err, cases[k].where);
		assert_contains(r.err, cases[k].problem);
		assert_contains(r.err, note);
		clirun_free(&r);
		assert_rows(db, table, ids, want, 6, 4);

		bytes = rows_file(cases[k].format, 1, NULL, 0, &len);
		write_file(path, bytes, len);
		free(bytes);
		if (strcmp(cases[k].format, "fvecs") == 0)
			CLI(&r, NULL, 0, "import", "--table", table, "--batch", "3", "--skip", "6",
				"--id-base", "1", path);
		else
			CLI(&r, NULL, 0, "import", "--table", table, "--batch", "3", "--skip", "6", path);
		assert_status(&r, 0);
		assert_string_equal(r.err, "imported 3 rows (after skipping 6 records)\n");
		clirun_free(&r);
		assert_rows(db, table, ids, want, 9, 4);
		unlink(path);
		snprintf(sql, sizeof(sql), "DROP TABLE %s", table);
		testdb_exec(db, sql);
		db->ntables--;
	}
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
	unsigned char *bytes = fvecs_bytes(data, 3, 3, &len);
	clirun r;

	assert_int_equal(len, 3 * 16);
	testdb_create_table(db, "ie_fv", "id bigint PRIMARY KEY, embedding vector(3)", t0);
	testdb_create_table(db, "ie_fv", "id bigint PRIMARY KEY, embedding vector(3)", t100);
	write_file(path_of(path, "mine.fvecs"), bytes, len);
	CLI(&r, NULL, 0, "import", "--table", t0, path);
	assert_status(&r, 0);
	assert_string_equal(r.err, "imported 3 rows\n");
	clirun_free(&r);
	assert_rows(db, t0, from0, data, 3, 3);
	/* from standard input, with the format named */
	CLI(&r, bytes, len, "import", "--table", t100, "--format", "fvecs", "--id-base", "100", "-");
	assert_status(&r, 0);
	clirun_free(&r);
	assert_rows(db, t100, from100, data, 3, 3);

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

	testdb_create_table(db, "ie_forms", "id bigint PRIMARY KEY, embedding vector(2)", t1);
	testdb_create_table(db, "ie_forms", "id bigint PRIMARY KEY, embedding vector(2)", t2);
	CLI(&r, csv, sizeof(csv) - 1, "import", "--table", t1, "--format", "csv", "-");
	assert_status(&r, 0);
	assert_string_equal(r.err, "imported 4 rows\n");
	clirun_free(&r);
	assert_rows(db, t1, ids, data, 4, 2);
	CLI(&r, jsonl, sizeof(jsonl) - 1, "import", "--table", t2, "--format", "jsonl", "-");
	assert_status(&r, 0);
	clirun_free(&r);
	assert_rows(db, t2, ids, data, 4, 2);
}

/* NULL vectors: csv and jsonl write them (as `list` does) and import refuses them by line;
 * .fvecs cannot hold one.  --after resumes: the rest, and no second csv header. */
static void test_import_export__nulls_and_after(void **state)
{
	testdb *db = *state;
	char t[64], sql[256], path[256];
	clirun r;

	testdb_create_table(db, "ie_null", "id bigint PRIMARY KEY, embedding vector(2)", t);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, '[1,2]'), (2, NULL), (3, '[5,6]')", t);
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
	CLI(&r, NULL, 0, "export", "--table", t, "--json", "--after", "2", path_of(path, "a.csv"));
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"exported\":1,\"last_id\":3}\n");
	clirun_free(&r);
	unlink(path);

	CLI(&r, NULL, 0, "export", "--table", t, path_of(path, "n.fvecs"));
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

/* ---- usage, terminal, interrupt ------------------------------------------------------------- */

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

	testdb_create_table(db, "ie_tty", "id bigint PRIMARY KEY, embedding vector(2)", t);
	testdb_create_table(db, "ie_tty", "id bigint PRIMARY KEY, embedding vector(2)", t2);
	store_rows(db, t, ids, data, 3, 2);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "export", "--table", t,
			path_of(path, "tty.csv"), NULL };
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
	assert_rows(db, t2, ids, data, 3, 2);
	unlink(path);
}

/* SIGINT while reading a pipe: the batch that was sent stays, the message says what to skip. */
static void test_import_export__interrupt_between_batches(void **state)
{
	testdb *db = *state;
	static const char lines[] = "1,\"[1,1]\"\n2,\"[2,2]\"\n3,\"[3,3]\"\n";
	char t[64], sql[128];
	int p[2], out, err;
	clirun r;
	pid_t pid;

	testdb_create_table(db, "ie_int", "id bigint PRIMARY KEY, embedding vector(2)", t);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t);
	assert_int_equal(pipe(p), 0);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "import", "--table", t, "--batch", "2",
			"--format", "csv", "-", NULL };
		pid = clirun_start(args, p[0], &out, &err);
	}
	close(p[0]);
	assert_int_equal(write(p[1], lines, sizeof(lines) - 1), (ssize_t)(sizeof(lines) - 1));
	/* the first batch (rows 1-2) is committed while row 3 waits for a fourth */
	for (int tries = 0; testdb_query_int(db, sql) < 2; tries++) {
		struct timespec ms = { 0, 50000000 };
		if (tries > 400)
			fail_msg("the first batch was not committed within 20 s");
		nanosleep(&ms, NULL);
	}
	assert_int_equal(kill(pid, SIGINT), 0);
	clirun_wait(&r, pid, out, err);
	close(p[1]);
	assert_status(&r, 1);
	assert_contains(r.err, "pgvodbc: import: stdin: interrupted by SIGINT; ");
	assert_contains(r.err, "2 rows committed (records 1-2), nothing from record 3 on; rerun "
		"with --skip 2 to resume");
	clirun_free(&r);
	assert_int_equal(testdb_query_int(db, sql), 2);
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
		cmocka_unit_test_setup_teardown(test_import_export__malformed_then_resume,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__fvecs_from_bytes, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__accepted_forms, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__nulls_and_after, testdb_setup,
			testdb_teardown),
		cmocka_unit_test(test_import_export__usage_errors),
		cmocka_unit_test_setup_teardown(test_import_export__progress_on_terminal, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export__interrupt_between_batches,
			testdb_setup, testdb_teardown),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/pgvodbc_ie_XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	rc = TESTDB_RUN(cmocka_run_group_tests_name("import_export", tests, NULL, NULL));
	{
		/* a failed test may have left its files behind */
		DIR *d = opendir(dir);
		struct dirent *e;
		char path[sizeof(dir) + sizeof(e->d_name) + 1];

		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
				snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
				unlink(path);
			}
		if (d)
			closedir(d);
	}
	rmdir(dir);
	return rc;
}
