/*
 * Integration: `pgvodbc import` stopped part way, then resumed, run as child processes on the
 * embedded server (DSN from PGVODBC_TEST_DSN).  Pins down: malformed input of each format fails
 * with exit 1 naming its place, keeps the earlier batches and says what --skip resumes, and
 * --skip then completes the table; an interrupt stops between batches with the same advice; an
 * export that runs out of room (a file size limit: EFBIG, as a full disk gives ENOSPC) leaves a
 * file of exactly the whole rows it reports, in each format, and the --after it advises writes
 * the rest, so that the two parts are byte for byte the export that had room; a malformed record
 * inside the region --skip passes over gets no --skip advice (which would loop).  A collection's
 * JSON lines export (text ids, --select) out of room holds exactly the whole rows it reports,
 * naming the last by its id, and is not created when its first page cannot be read.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"
#include "iefiles.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
			ie_put_le32(p, (uint32_t)dim);
			for (size_t j = 0; j < dim; j++) {
				uint32_t bits;
				memcpy(&bits, &f[j], 4);
				ie_put_le32(p + 4 + 4 * j, bits);
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
static void test_import_export_resume__after_malformed_input(void **state)
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

		testdb_create_table(db, "ie_bad", "id bigint NOT NULL PRIMARY KEY, embedding vector(4)", table);
		snprintf(name, sizeof(name), "bad.%s", cases[k].format);
		bytes = rows_file(cases[k].format, 0, cases[k].bad, cases[k].fvecs_bad, &len);
		ie_write_file(ie_path(path, name), bytes, len);
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
		ie_assert_rows(db, table, ids, want, 6, 4);

		bytes = rows_file(cases[k].format, 1, NULL, 0, &len);
		ie_write_file(path, bytes, len);
		free(bytes);
		if (strcmp(cases[k].format, "fvecs") == 0)
			CLI(&r, NULL, 0, "import", "--table", table, "--batch", "3", "--skip", "6",
				"--id-base", "1", path);
		else
			CLI(&r, NULL, 0, "import", "--table", table, "--batch", "3", "--skip", "6", path);
		assert_status(&r, 0);
		assert_string_equal(r.err, "imported 3 rows (after skipping 6 records)\n");
		clirun_free(&r);
		ie_assert_rows(db, table, ids, want, 9, 4);
		unlink(path);
		snprintf(sql, sizeof(sql), "DROP TABLE %s", table);
		testdb_exec(db, sql);
		db->ntables--;
	}
}

/* A malformed record inside the records --skip passes over: the advice is to mend the input,
 * never the same --skip again (which would meet the same record). */
static void test_import_export_resume__bad_record_inside_skip(void **state)
{
	static const char csv[] = "1,\"[1,1]\"\n2,\"[2,2]\n3,\"[3,3]\"\n";
	testdb *db = *state;
	char t[64], path[512];
	clirun r = { 0 };

	testdb_create_table(db, "ie_skip", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)", t);
	ie_path(path, "inside_skip.csv");
	ie_write_file(path, csv, sizeof(csv) - 1);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "import", "--table", t, "--skip", "2",
			path, NULL };

		clirun_run(&r, NULL, 0, args);
	}
	assert_status(&r, 1);
	assert_contains(r.err, "line 2: a quoted field is not closed by the end of the input; "
		"nothing was committed: the record lies within the 2 that --skip passes over");
	if (strstr(r.err, "rerun with --skip"))
		fail_msg("advice to rerun with --skip: %s", r.err);
	clirun_free(&r);
	unlink(path);
}

/* SIGINT while reading a pipe: the batch that was sent stays, the message says what to skip. */
static void test_import_export_resume__interrupt_between_batches(void **state)
{
	testdb *db = *state;
	static const char lines[] = "1,\"[1,1]\"\n2,\"[2,2]\"\n3,\"[3,3]\"\n";
	char t[64], sql[128];
	int p[2], out, err;
	clirun r;
	pid_t pid;

	testdb_create_table(db, "ie_int", "id bigint NOT NULL PRIMARY KEY, embedding vector(2)", t);
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

/* The number after `key` in `text` (fails the test when absent). */
static long long number_after(const char *text, const char *key)
{
	const char *at = strstr(text, key);

	if (!at)
		fail_msg("expected [%s] in:\n%s", key, text);
	return strtoll(at + strlen(key), NULL, 10);
}

/* Export under a 16 KiB file size limit, then the advised --after, per format. */
static void test_import_export_resume__export_out_of_room(void **state)
{
	static const char *const formats[] = { "csv", "jsonl", "fvecs" };
	testdb *db = *state;
	char t[64], sql[1024], text[512] = "'['", vec[600], series[128];

	testdb_create_table(db, "ie_room", "id bigint NOT NULL PRIMARY KEY, embedding vector(16)", t);
	/* ids 1..600, each vector 16 times id / 7 */
	for (int i = 0; i < 16; i++)
		strcat(text, i ? " || ',' || (g / 7.0)" : " || (g / 7.0)");
	strcat(text, " || ']'");
	snprintf(sql, sizeof(sql), "INSERT INTO %s SELECT g, %s FROM %s", t,
		clirun_vec_sql(db, text, vec, sizeof(vec)), clirun_series(600, series, sizeof(series)));
	testdb_exec(db, sql);
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		char part[512], rest[512], full[512], name[64], after[32];
		char *a, *b, *whole;
		size_t alen, blen, wlen;
		long long n, last;
		clirun r = { 0 };

		snprintf(name, sizeof(name), "part.%s", formats[f]);
		ie_path(part, name);
		snprintf(name, sizeof(name), "rest.%s", formats[f]);
		ie_path(rest, name);
		snprintf(name, sizeof(name), "full.%s", formats[f]);
		ie_path(full, name);
		{
			const char *args[] = { "--dsn", testdb_dsn(), "export", "--table", t, part, NULL };

			clirun_run_fsize(&r, 16384, args);
		}
		assert_status(&r, 1);
		assert_contains(r.err, "File too large; ");
		n = number_after(r.err, "File too large; ");
		last = number_after(r.err, "export --after ");
		assert_true(n > 0 && n < 600);
		assert_int_equal(last, n); /* ids 1..600 in order */
		clirun_free(&r);
		a = ie_read_file(part, &alen);
		assert_true(alen <= 16384);
		if (strcmp(formats[f], "fvecs") == 0) {
			assert_int_equal(alen, (size_t)n * (4 + 16 * 4));
		} else {
			size_t lines = 0;

			for (size_t i = 0; i < alen; i++)
				lines += a[i] == '\n';
			assert_true(alen > 0 && a[alen - 1] == '\n');
			assert_int_equal(lines, (size_t)n + (strcmp(formats[f], "csv") == 0));
		}
		snprintf(after, sizeof(after), "%lld", last);
		{
			const char *args[] = { "--dsn", testdb_dsn(), "export", "--table", t, "--after",
				after, rest, NULL };

			clirun_run(&r, NULL, 0, args);
		}
		assert_status(&r, 0);
		clirun_free(&r);
		{
			const char *args[] = { "--dsn", testdb_dsn(), "export", "--table", t, full, NULL };

			clirun_run(&r, NULL, 0, args);
		}
		assert_status(&r, 0);
		clirun_free(&r);
		b = ie_read_file(rest, &blen);
		whole = ie_read_file(full, &wlen);
		assert_int_equal(alen + blen, wlen);
		assert_memory_equal(a, whole, alen);
		assert_memory_equal(b, whole + alen, blen);
		free(a);
		free(b);
		free(whole);
		unlink(part);
		unlink(rest);
		unlink(full);
	}
}

/* A collection's JSON lines (text ids, --select) under a 16 KiB file size limit. */
static void test_import_export_resume__collection_export_out_of_room(void **state)
{
	testdb *db = *state;
	char t[64], sql[1024], text[512] = "'['", vec[600], series[128];
	char part[512], full[512], want[64];
	char *a, *whole;
	size_t alen, wlen, lines = 0;
	long long n;
	clirun r = { 0 };

	testdb_create_table(db, "ie_croom", "id text NOT NULL PRIMARY KEY, embedding vector(16), "
		"label text", t);
	/* ids k1001..k1600: their text order is their number's */
	for (int i = 0; i < 16; i++)
		strcat(text, i ? " || ',' || (g / 7.0)" : " || (g / 7.0)");
	strcat(text, " || ']'");
	snprintf(sql, sizeof(sql), "INSERT INTO %s SELECT 'k' || (1000 + g), %s, 'label ' || g "
		"FROM %s", t, clirun_vec_sql(db, text, vec, sizeof(vec)),
		clirun_series(600, series, sizeof(series)));
	testdb_exec(db, sql);
	ie_path(part, "cpart.jsonl");
	ie_path(full, "cfull.jsonl");
	{
		const char *args[] = { "--dsn", testdb_dsn(), "export", "--table", t, "--select",
			"label", part, NULL };

		clirun_run_fsize(&r, 16384, args);
	}
	assert_status(&r, 1);
	assert_contains(r.err, "File too large; ");
	n = number_after(r.err, "File too large; ");
	assert_true(n > 0 && n < 600);
	snprintf(want, sizeof(want), "rows were written, the last with id \"k%lld\"", 1000 + n);
	assert_contains(r.err, want);
	clirun_free(&r);
	a = ie_read_file(part, &alen);
	assert_true(alen > 0 && alen <= 16384 && a[alen - 1] == '\n');
	for (size_t i = 0; i < alen; i++)
		lines += a[i] == '\n';
	assert_int_equal(lines, (size_t)n);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "export", "--table", t, "--select",
			"label", full, NULL };

		clirun_run(&r, NULL, 0, args);
	}
	assert_status(&r, 0);
	assert_string_equal(r.err, "exported 600 rows\n");
	clirun_free(&r);
	whole = ie_read_file(full, &wlen);
	assert_true(wlen > alen);
	assert_memory_equal(a, whole, alen); /* the whole rows, none torn */
	free(a);
	free(whole);
	unlink(part);
	unlink(full);
	/* the first page fails: no file at all */
	{
		const char *args[] = { "--dsn", testdb_dsn(), "export", "--table", t, "--select",
			"no_such_column", part, NULL };

		clirun_run(&r, NULL, 0, args);
	}
	assert_status(&r, 1);
	assert_int_equal(access(part, F_OK), -1);
	clirun_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_export_resume__after_malformed_input,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export_resume__interrupt_between_batches,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export_resume__export_out_of_room,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_import_export_resume__bad_record_inside_skip,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
			test_import_export_resume__collection_export_out_of_room, testdb_setup,
			testdb_teardown),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (ie_dir_make() != 0)
		return 1;
	rc = TESTDB_RUN(cmocka_run_group_tests_name("import_export_resume", tests, NULL, NULL));
	ie_dir_remove();
	return rc;
}
