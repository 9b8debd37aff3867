/*
 * Integration: `pgvodbc recall` and the wide-vector side of `index create`, run as child
 * processes on the embedded server (DSN from PGVODBC_TEST_DSN).  Pins down: recall's JSON lines
 * (one object per setting, the setting's key first, as on the command line) with recall 1 for
 * IVFFlat probes = lists and below 1 for one probe on spread data, the same for a query file;
 * its bad inputs (a bad list value, k past the table, an empty table, no table) with status 2
 * or 1 and a message; index create on a 3000-dim column choosing the halfvec form and saying so
 * on stderr, refusing a plain index with status 1, and drawing its progress line on a terminal.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIM 32
#define ROWS 300

/* `ROWS` lines "ID<TAB>[...]" of spread pseudo-random vectors of `dim` dimensions. */
static char *rows_text(size_t rows, size_t dim)
{
	size_t cap = rows * (dim * 14 + 32) + 1, len = 0;
	char *s = malloc(cap);
	uint64_t seed = 5;

	assert_non_null(s);
	for (size_t i = 0; i < rows; i++) {
		len += (size_t)snprintf(s + len, cap - len, "%zu\t[", i + 1);
		for (size_t j = 0; j < dim; j++) {
			double v = (double)(testdb_rand(&seed) >> 11) / 4503599627370496.0 * 2 - 1;
			len += (size_t)snprintf(s + len, cap - len, "%s%.5f", j ? "," : "", v);
		}
		len += (size_t)snprintf(s + len, cap - len, "]\n");
	}
	return s;
}

/* A table of `rows` rows of `dim` dimensions, filled through the tool; its name in `name`. */
static void make_table(testdb *db, const char *prefix, size_t dim, size_t rows, char name[64])
{
	char columns[96];
	clirun r;
	char *text;

	snprintf(columns, sizeof(columns), "id bigint PRIMARY KEY, embedding vector(%zu)", dim);
	testdb_create_table(db, prefix, columns, name);
	if (!rows)
		return;
	text = rows_text(rows, dim);
	CLI(&r, text, strlen(text), "upsert", "--table", name);
	assert_status(&r, 0);
	clirun_free(&r);
	free(text);
}

/* The recall value of a JSON line "...,"recall":R,..." */
static double recall_of(const char *line)
{
	const char *p = strstr(line, "\"recall\":");

	assert_non_null(p);
	return strtod(p + 9, NULL);
}

/* probes = lists finds everything, one probe of six misses some; the JSON form. */
static void test_cli_recall__json_and_known_answers(void **state)
{
	testdb *db = *state;
	char name[64], *second, path[64];
	clirun r;

	make_table(db, "clirec", DIM, ROWS, name);
	CLI(&r, NULL, 0, "index", "create", "--table", name, "--method", "ivfflat", "--lists", "6");
	assert_status(&r, 0);
	clirun_free(&r);

	CLI(&r, NULL, 0, "recall", "--table", name, "--k", "10", "--queries", "25", "--seed", "3",
		"--probes", "6,1", "--json");
	assert_status(&r, 0);
	assert_prefix(r.out, "{\"probes\":6,\"k\":10,\"queries\":25,\"recall\":1,\"median_ms\":");
	second = strchr(r.out, '\n');
	assert_non_null(second);
	second++;
	assert_prefix(second, "{\"probes\":1,\"k\":10,\"queries\":25,\"recall\":");
	if (!(recall_of(second) < 1 && recall_of(second) > 0))
		fail_msg("one probe of 6: %s", second);
	assert_contains(second, "\"p95_ms\":");
	assert_true(strchr(second, '\n') && strchr(second, '\n')[1] == '\0');
	clirun_free(&r);

	/* a query file of one vector a line: the same known answer */
	snprintf(path, sizeof(path), "/tmp/pgvodbc-recall-%ld.txt", (long)getpid());
	{
		FILE *fp = fopen(path, "w");
		char *text = rows_text(5, DIM), *line = text;
		assert_non_null(fp);
		while (*line) {
			char *tab = strchr(line, '\t'), *end = strchr(line, '\n');
			fprintf(fp, "%.*s\n", (int)(end - tab - 1), tab + 1);
			line = end + 1;
		}
		fclose(fp);
		free(text);
	}
	CLI(&r, NULL, 0, "recall", "--table", name, "--k", "10", "--query-file", path, "--probes",
		"6");
	unlink(path);
	assert_status(&r, 0);
	assert_prefix(r.out, "probes\tk\tqueries\trecall\tmedian_ms\tp95_ms\tquantize\n6\t10\t5\t1\t");
	clirun_free(&r);
}

/* Bad inputs: status 2 with a message for what the user gave, 1 for the database's errors. */
static void test_cli_recall__bad_inputs(void **state)
{
	testdb *db = *state;
	char name[64], empty[64];
	clirun r;

	make_table(db, "clirecbad", DIM, 20, name);
	make_table(db, "clirecempty", DIM, 0, empty);
	CLI(&r, NULL, 0, "recall", "--table", name, "--ef-search", "10,x,20");
	assert_status(&r, 2);
	assert_contains(r.err, "--ef-search needs a comma-separated list of whole numbers from 1 "
		"to 2147483647: bad value \"x\"");
	clirun_free(&r);
	CLI(&r, NULL, 0, "recall", "--table", name, "--probes", "1,,2");
	assert_status(&r, 2);
	clirun_free(&r);
	CLI(&r, NULL, 0, "recall", "--table", name, "--k", "21");
	assert_status(&r, 2);
	assert_contains(r.err, "k (21) is larger than the table (20 rows with a vector)");
	clirun_free(&r);
	CLI(&r, NULL, 0, "recall", "--table", empty);
	assert_status(&r, 2);
	assert_contains(r.err, "the table has no rows with a vector");
	clirun_free(&r);
	CLI(&r, NULL, 0, "recall", "--table", name, "--ef-search", "1001");
	assert_status(&r, 2);
	assert_contains(r.err, "setting 1: 1001 is outside the valid range for parameter "
		"\"hnsw.ef_search\" (1 .. 1000)");
	clirun_free(&r);
	CLI(&r, NULL, 0, "recall", "--table", "pgvodbc_no_such_table");
	assert_status(&r, 1);
	clirun_free(&r);
}

/* 3000 dimensions: the halfvec form by itself (said on stderr), plain refused, progress drawn
 * on a terminal. */
static void test_cli_recall__wide_index_create(void **state)
{
	testdb *db = *state;
	char name[64], want[320];
	const char *tty_args[12];
	clirun r;

	make_table(db, "cliwide", 3000, 20, name);
	CLI(&r, NULL, 0, "index", "create", "--table", name, "--quantize", "none");
	assert_status(&r, 1);
	assert_contains(r.err, "column cannot have more than 2000 dimensions for hnsw index (it "
		"has 3000: index the halfvec form, up to 4000)");
	clirun_free(&r);
	CLI(&r, NULL, 0, "index", "create", "--table", name, "--json");
	assert_status(&r, 0);
	snprintf(want, sizeof(want), "{\"index\":\"%s_embedding_hnsw_l2_idx\",\"schema\":null,"
		"\"table\":\"%s\",\"method\":\"hnsw\",\"metric\":\"l2\",\"quantize\":\"halfvec\","
		"\"created\":true}\n", name, name);
	assert_string_equal(r.out, want);
	assert_contains(r.err, "note: the column has more than 2000 dimensions");
	clirun_free(&r);

	tty_args[0] = "--dsn";
	tty_args[1] = testdb_dsn();
	tty_args[2] = "index";
	tty_args[3] = "create";
	tty_args[4] = "--table";
	tty_args[5] = name;
	tty_args[6] = "--quantize";
	tty_args[7] = "binary";
	tty_args[8] = NULL;
	if (clirun_run_tty(&r, tty_args) != 0) {
		TESTDB_SKIP("no pseudo-terminal to run the CLI on");
		return;
	}
	assert_status(&r, 0);
	snprintf(want, sizeof(want), "\rbuilding index %s_embedding_hnsw_binary_idx: ", name);
	assert_contains(r.err, want);
	assert_contains(r.out, "(hnsw, l2, binary quantization, hamming)");
	clirun_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_recall__json_and_known_answers),
		cmocka_unit_test(test_cli_recall__bad_inputs),
		cmocka_unit_test(test_cli_recall__wide_index_create),
	};

	return TESTDB_RUN(cmocka_run_group_tests(tests, testdb_setup, testdb_teardown));
}
