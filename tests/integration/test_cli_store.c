/*
 * Integration: the pgvodbc tool's reading and writing commands, run as child processes on the
 * embedded server (DSN from PGVODBC_TEST_DSN).  Pins down the output of list, knn and distance
 * (text and JSON lines, exact figures for the walkthrough's data), batch atomicity of `upsert`
 * from arguments and from stdin, the cap on a stdin line, and quiet behaviour when the reader of
 * stdout leaves.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"
#include "clirun.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The seed's l2 distances to [0.5,0.8,0.0,-0.6] as `pgvodbc distance` prints them: pgvector's
 * (computed in double) and sqlite-vec's (in float32: the double value of the float32 result).
 */
static const char SEED_DISTANCES[] =
	"1\t1.1045361146699684\n"
	"2\t1.7635192467093759\n"
	"3\t1.3038404993264\n";
static const char SEED_DISTANCES_F32[] =
	"1\t1.1045360565185547\n"
	"2\t1.763519287109375\n"
	"3\t1.3038405179977417\n";

/* The number of rows in `table`. */
static int64_t count_rows(testdb *db, const char *table)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return testdb_query_int(db, sql);
}

/* 1 when `text` is a JSON number (RFC 8259 grammar) followed by `end`, else 0. */
static int is_json_number(const char *text, const char **end)
{
	const char *p = text;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	*end = p;
	return 1;
}

/* Checks that every element of a JSON array "[a,b,...]" is a JSON number. */
static void assert_json_number_array(const char *text)
{
	const char *p = text, *end = NULL;

	assert_int_equal(*p, '[');
	p++;
	for (;;) {
		if (!is_json_number(p, &end))
			fail_msg("not a JSON number at \"%s\" in %s", p, text);
		p = end;
		if (*p == ']')
			break;
		assert_int_equal(*p, ',');
		p++;
	}
	assert_int_equal(p[1], '\0');
}

/* ---- reading ---------------------------------------------------------------------------- */

/* list prints ID<TAB>[vector] in id order, each float in its shortest form; JSON lines too. */
static void test_cli_store__list_text_and_json(void **state)
{
	testdb *db = *state;
	char table[64], sql[256];
	clirun r = { 0 };

	clirun_seed_table(db, "cli_list", table);
	CLI(&r, NULL, 0, "list", "--table", table);
	assert_status(&r, 0);
	assert_string_equal(r.out, CLIRUN_SEED_LIST);
	assert_string_equal(r.err, "");
	clirun_free(&r);

	CLI(&r, NULL, 0, "--json", "list", "--table", table);
	assert_status(&r, 0);
	assert_string_equal(r.out,
		"{\"id\":1,\"embedding\":[0.1,0.8,0.5,0.3]}\n"
		"{\"id\":2,\"embedding\":[0.4,0.2,0.7,0.9]}\n"
		"{\"id\":3,\"embedding\":[0.9,0.5,0.1,0.6]}\n");
	clirun_free(&r);

	/* Exponent forms, -0 and a NULL vector stay valid JSON (numbers, null). */
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (4, %s('[1e-05,1234567,-0,3e38]')), "
		"(5, NULL)", table, testdb_vec_fn(db));
	testdb_exec(db, sql);
	CLI(&r, NULL, 0, "list", "--table", table, "--json");
	assert_status(&r, 0);
	{
		const char *l4 = strstr(r.out, "{\"id\":4,");
		char buf[128];

		assert_non_null(l4);
		clirun_json_value(l4, "embedding", buf, sizeof(buf));
		assert_string_equal(buf, "[1e-05,1.234567e+06,-0,3e+38]");
		assert_json_number_array(buf);
		assert_contains(r.out, "{\"id\":5,\"embedding\":null}\n");
	}
	clirun_free(&r);
	CLI(&r, NULL, 0, "list", "--table", table);
	assert_contains(r.out, "4\t[1e-05,1.234567e+06,-0,3e+38]\n5\tNULL\n");
	{
		/* --binary reads pgvector's binary form: the same output, byte for byte */
		clirun rb = { 0 };
		CLI(&rb, NULL, 0, "list", "--binary", "--table", table);
		assert_status(&rb, 0);
		assert_string_equal(rb.out, r.out);
		clirun_free(&rb);
	}
	clirun_free(&r);
}

/* knn: the walkthrough's nearest neighbour is id 2; --k and --metric; JSON adds the distance. */
static void test_cli_store__knn_text_and_json(void **state)
{
	testdb *db = *state;
	char table[64], buf[64];
	const char *line2;
	clirun r = { 0 };
	double text_distance;

	clirun_seed_table(db, "cli_knn", table);
	/* k defaults to 1, the metric to l2: one line, pgvector's float distance as a double */
	CLI(&r, NULL, 0, "knn", "--table", table, "[0.3,0.1,0.6,0.5]");
	assert_status(&r, 0);
	assert_string_equal(r.out, db->backend == PGV_BACKEND_SQLITE
		? "2\t[0.4,0.2,0.7,0.9]\t0.43588986992836\n"
		: "2\t[0.4,0.2,0.7,0.9]\t0.4358898574336088\n");
	text_distance = strtod(r.out + 20, NULL);
	clirun_free(&r);

	CLI(&r, NULL, 0, "knn", "--table", table, "--json", "[0.3,0.1,0.6,0.5]");
	assert_status(&r, 0);
	assert_prefix(r.out, "{\"id\":2,\"embedding\":[0.4,0.2,0.7,0.9],\"distance\":");
	clirun_json_value(r.out, "distance", buf, sizeof(buf));
	assert_true(strtod(buf, NULL) == text_distance); /* full double precision in both */
	clirun_free(&r);

	/* cosine, three rows: nearest first, each line with its distance */
	CLI(&r, NULL, 0, "knn", "--table", table, "--metric", "cosine", "--k", "3",
		"[0.3,0.1,0.6,0.5]");
	assert_status(&r, 0);
	assert_prefix(r.out, "2\t[0.4,0.2,0.7,0.9]\t0.0");
	line2 = strchr(r.out, '\n') + 1;
	assert_prefix(line2, "3\t[0.9,0.5,0.1,0.6]\t0.3");
	line2 = strchr(line2, '\n') + 1;
	assert_prefix(line2, "1\t[0.1,0.8,0.5,0.3]\t0.");
	assert_string_equal(strchr(line2, '\n'), "\n");
	clirun_free(&r);
}

/* distance: the walkthrough's exact figures, --id filters, NaN and NULL distances. */
static void test_cli_store__distance_exact_figures(void **state)
{
	testdb *db = *state;
	char table[64], sql[128];
	clirun r = { 0 };

	int f32 = db->backend == PGV_BACKEND_SQLITE;

	clirun_seed_table(db, "cli_dist", table);
	CLI_OUT(f32 ? SEED_DISTANCES_F32 : SEED_DISTANCES, "distance", "--table", table,
		"[0.5,0.8,0.0,-0.6]");

	CLI(&r, NULL, 0, "distance", "--table", table, "--json", "[0.5,0.8,0.0,-0.6]");
	assert_status(&r, 0);
	assert_string_equal(r.out, f32
		? "{\"id\":1,\"distance\":1.1045360565185547}\n"
		  "{\"id\":2,\"distance\":1.763519287109375}\n"
		  "{\"id\":3,\"distance\":1.3038405179977417}\n"
		: "{\"id\":1,\"distance\":1.1045361146699684}\n"
		  "{\"id\":2,\"distance\":1.7635192467093759}\n"
		  "{\"id\":3,\"distance\":1.3038404993264}\n");
	clirun_free(&r);

	CLI_OUT(f32 ? "1\t1.1045360565185547\n3\t1.3038405179977417\n"
		: "1\t1.1045361146699684\n3\t1.3038404993264\n", "distance", "--table", table,
		"--id", "3", "--id", "1", "[0.5,0.8,0.0,-0.6]");

	/*
	 * the cosine distance to a zero vector is NaN on pgvector (text NaN, JSON null: JSON has no
	 * NaN) and NULL on sqlite-vec (text NULL, JSON null)
	 */
	CLI_OUT(f32 ? "1\tNULL\n" : "1\tNaN\n", "distance", "--table", table, "--metric", "cosine", "--id", "1",
		"[0,0,0,0]");
	CLI(&r, NULL, 0, "knn", "--json", "--table", table, "--metric", "cosine", "[0,0,0,0]");
	assert_status(&r, 0);
	assert_contains(r.out, "\"distance\":null}\n");
	clirun_free(&r);

	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (4, NULL)", table);
	testdb_exec(db, sql);
	CLI_OUT("4\tNULL\n", "distance", "--table", table, "--id", "4", "[0.5,0.8,0.0,-0.6]");
	CLI_OUT("{\"id\":4,\"distance\":null}\n", "distance", "--table", table, "--id", "4",
		"--json", "[0.5,0.8,0.0,-0.6]");
}

/* ---- writing ---------------------------------------------------------------------------- */

/* upsert pairs: stdout stays empty, the summary goes to stderr, an existing id is updated. */
static void test_cli_store__upsert_pairs(void **state)
{
	testdb *db = *state;
	char table[64];
	clirun r = { 0 };

	testdb_create_table(db, "cli_up", "id bigint NOT NULL PRIMARY KEY, embedding vector(4)", table);
	CLI(&r, NULL, 0, "upsert", "--table", table, "1", "[0.1,0.8,0.5,0.3]", "2",
		"{0.4,0.2,0.7,0.9}", "3", "[ 0.9, 0.5, 0.1, 0.6 ]");
	assert_status(&r, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "upserted 3 rows\n");
	clirun_free(&r);

	CLI(&r, NULL, 0, "upsert", "3", "[1,2,3,4]", "-7", "[0,0,0,0]", "--table", table);
	assert_status(&r, 0);
	assert_string_equal(r.err, "upserted 2 rows\n");
	clirun_free(&r);

	CLI(&r, NULL, 0, "list", "--table", table);
	assert_string_equal(r.out, "-7\t[0,0,0,0]\n"
		"1\t[0.1,0.8,0.5,0.3]\n2\t[0.4,0.2,0.7,0.9]\n3\t[1,2,3,4]\n");
	clirun_free(&r);
}

/* One bad pair (vector text, NaN, dimension, id) writes nothing at all: the table is unchanged. */
static void test_cli_store__upsert_bad_pair_writes_nothing(void **state)
{
	static const struct {
		const char *id, *vec, *says;
	} cases[] = {
		{ "9", "[1,2,3,x]", "invalid input syntax for type vector" },
		{ "9", "[1,NaN,3,4]", "NaN not allowed in vector" },
		{ "9", "[1,2,3]", "expected 4 dimensions, not 3" },
		{ "9x", "[1,2,3,4]", "invalid id \"9x\"" },
		{ "99999999999999999999", "[1,2,3,4]", "out of range" },
	};
	testdb *db = *state;
	char table[64];

	clirun_seed_table(db, "cli_badpair", table);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		clirun r = { 0 };

		CLI(&r, NULL, 0, "upsert", "--table", table, "1", "[9,9,9,9]", "7", "[7,7,7,7]",
			cases[i].id, cases[i].vec);
		assert_status(&r, 1);
		assert_string_equal(r.out, "");
		assert_prefix(r.err, "pgvodbc: upsert: ");
		assert_contains(r.err, cases[i].says);
		assert_contains(r.err, "nothing was written");
		clirun_free(&r);
		assert_int_equal(count_rows(db, table), 3);
		CLI(&r, NULL, 0, "list", "--table", table);
		assert_string_equal(r.out, CLIRUN_SEED_LIST); /* row 1 not updated either */
		clirun_free(&r);
	}
}

/* Lines "i<TAB>[...]" for i in [from, to], with `bad_line` (1-based, 0 for none) replaced. */
static char *make_lines(int from, int to, int bad_line, const char *bad_text)
{
	size_t cap = (size_t)(to - from + 1) * 64 + 256, len = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	for (int i = from; i <= to; i++) {
		int line = i - from + 1;
		if (line == bad_line)
			len += (size_t)snprintf(buf + len, cap - len, "%s\n", bad_text);
		else
			len += (size_t)snprintf(buf + len, cap - len, "%d\t[%d.5,0.25,-%d,1e-05]\n",
				i, i, i);
	}
	return buf;
}

/* upsert from stdin: 5,000 lines (several batches) with comments, blanks and CRLF; the
 * summary goes to stderr and stdout stays empty. */
static void test_cli_store__upsert_stdin_batches(void **state)
{
	testdb *db = *state;
	char table[64], sql[256], *lines, *input;
	size_t len;
	clirun r = { 0 };

	testdb_create_table(db, "cli_stdin", "id bigint NOT NULL PRIMARY KEY, embedding vector(4)", table);
	lines = make_lines(1, 5000, 0, NULL);
	len = strlen(lines);
	input = malloc(len + 128);
	assert_non_null(input);
	snprintf(input, len + 128, "# a comment line\n\n   \n%s9999 [1,2,3,4]\r\n", lines);
	free(lines);
	CLI(&r, input, strlen(input), "upsert", "--table", table);
	free(input);
	assert_status(&r, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "upserted 5001 rows\n");
	clirun_free(&r);
	assert_int_equal(count_rows(db, table), 5001);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE (id = 4321 AND embedding = "
		"%s('[4321.5,0.25,-4321,1e-05]')) OR (id = 9999 AND embedding = %s('[1,2,3,4]'))", table,
		testdb_vec_fn(db), testdb_vec_fn(db));
	assert_int_equal(testdb_query_int(db, sql), 2);
}

/* A bad line in the middle: exit 1, the message names the line, earlier batches stay written
 * and the batch holding the bad line writes nothing. */
static void test_cli_store__upsert_stdin_bad_line(void **state)
{
	static const struct {
		const char *bad, *says;
	} cases[] = {
		{ "1700\t[1,2,3]", "expected 4 dimensions, not 3" },
		{ "1700\t[1,2,3,oops]", "invalid input syntax for type vector" },
		{ "17x00\t[1,2,3,4]", "invalid id \"17x00\"" },
		{ "1700 no vector here", "invalid input syntax for type vector" },
		{ "1700", "expected ID<TAB>VECTOR" },
	};
	testdb *db = *state;
	char table[64];

	testdb_create_table(db, "cli_badline", "id bigint NOT NULL PRIMARY KEY, embedding vector(4)", table);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *input = make_lines(1, 2500, 1700, cases[i].bad);
		char sql[128];
		clirun r = { 0 };

		CLI(&r, input, strlen(input), "upsert", "--table", table);
		free(input);
		assert_status(&r, 1);
		assert_string_equal(r.out, "");
		assert_contains(r.err, "stdin line 1700");
		assert_contains(r.err, cases[i].says);
		assert_contains(r.err, "the 1000 rows before line 1001 were written");
		clirun_free(&r);
		assert_int_equal(count_rows(db, table), 1000);
		snprintf(sql, sizeof(sql), "DELETE FROM %s", table);
		testdb_exec(db, sql);
	}
	{
		/* --batch 10: the bad line 25 loses lines 21-25 only */
		char *input = make_lines(1, 40, 25, "25\t[NaN,1,1,1]");
		clirun r = { 0 };

		CLI(&r, input, strlen(input), "upsert", "--batch", "10", "--table", table);
		free(input);
		assert_status(&r, 1);
		assert_contains(r.err, "stdin line 25");
		assert_contains(r.err, "NaN not allowed in vector");
		assert_contains(r.err, "the 20 rows before line 21 were written");
		clirun_free(&r);
		assert_int_equal(count_rows(db, table), 20);
	}
}

/* One way of counting in a message: the tool names a rejected row by its pair or line, counted
 * from 1, and leaves out the library's 0-based position in the batch ("row 0"). */
static void test_cli_store__rows_counted_from_one(void **state)
{
	static const char lines[] = "6\t[1,2,3,4]\n7\t[1,2,3]\n";
	testdb *db = *state;
	char table[64], want[256];
	clirun r = { 0 };

	testdb_create_table(db, "cli_count", "id bigint NOT NULL PRIMARY KEY, embedding vector(4)", table);
	CLI(&r, NULL, 0, "upsert", "--table", table, "7", "[1,2,3]", "6", "[1,2,3,4]");
	assert_status(&r, 1);
	snprintf(want, sizeof(want), "pgvodbc: upsert: pair 1: upserting into \"%s\": id 7: "
		"expected 4 dimensions, not 3; nothing was written\n", table);
	assert_string_equal(r.err, want);
	clirun_free(&r);
	CLI(&r, lines, sizeof(lines) - 1, "upsert", "--table", table);
	assert_status(&r, 1);
	snprintf(want, sizeof(want), "pgvodbc: upsert: stdin line 2: upserting into \"%s\": id 7: "
		"expected 4 dimensions, not 3; nothing was written\n", table);
	assert_string_equal(r.err, want);
	clirun_free(&r);
	assert_int_equal(count_rows(db, table), 0);
}

/* A stdin line past 64 MiB (import's cap on a record) is refused by number before it is
 * read whole; the batch before it stays written, nothing from it on. */
static void test_cli_store__upsert_stdin_line_cap(void **state)
{
	const size_t big = ((size_t)64 << 20) + 10;
	testdb *db = *state;
	char table[64], *input;
	size_t len;
	clirun r = { 0 };

	testdb_create_table(db, "cli_cap", "id bigint NOT NULL PRIMARY KEY, embedding vector(4)", table);
	input = malloc(big + 64);
	assert_non_null(input);
	len = (size_t)snprintf(input, 64, "1\t[1,2,3,4]\n2\t[1,2,3,4]\n3\t[");
	memset(input + len, '1', big);
	len += big;
	memcpy(input + len, "]\n4\t[1,2,3,4]\n", 14);
	len += 14;
	CLI(&r, input, len, "upsert", "--batch", "2", "--table", table);
	free(input);
	assert_status(&r, 1);
	assert_string_equal(r.err, "pgvodbc: upsert: stdin line 3: the line is longer than 64 MiB; "
		"the 2 rows before line 3 were written, nothing from that line on\n");
	clirun_free(&r);
	assert_int_equal(count_rows(db, table), 2);
}

/* `pgvodbc list | head -1`: the reader leaving is not an error: status 0, nothing on stderr. */
static void test_cli_store__list_reader_closes_early(void **state)
{
	testdb *db = *state;
	char table[64], *input, line[128];
	int out, err, in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	clirun r = { 0 };
	pid_t pid;

	assert_true(in >= 0);
	testdb_create_table(db, "cli_pipe", "id bigint NOT NULL PRIMARY KEY, embedding vector(4)", table);
	input = make_lines(1, 6000, 0, NULL);
	CLI(&r, input, strlen(input), "upsert", "--table", table);
	free(input);
	assert_status(&r, 0);
	clirun_free(&r);

	/* 6000 rows are far more than a pipe holds, so the tool is still writing when we leave */
	{
		const char *args[] = { "--dsn", testdb_dsn(), "list", "--table", table, NULL };
		pid = clirun_start_pipe(args, in, &out, &err);
	}
	while (got < sizeof(line) - 1) {
		ssize_t n = read(out, line + got, 1);
		assert_true(n == 1);
		if (line[got++] == '\n')
			break;
	}
	line[got] = '\0';
	assert_string_equal(line, "1\t[1.5,0.25,-1,1e-05]\n");
	close(out);
	clirun_wait(&r, pid, -1, err);
	close(in);
	assert_status(&r, 0);
	assert_string_equal(r.err, "");
	clirun_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cli_store__list_text_and_json, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__knn_text_and_json, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__distance_exact_figures, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__upsert_pairs, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__upsert_bad_pair_writes_nothing,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__upsert_stdin_batches, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__upsert_stdin_bad_line, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__upsert_stdin_line_cap, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__rows_counted_from_one, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli_store__list_reader_closes_early, testdb_setup,
			testdb_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return TESTDB_RUN(cmocka_run_group_tests_name("cli_store", tests, NULL, NULL));
}
