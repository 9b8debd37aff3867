/*
 * Integration: the pgvodbc command-line tool, run as a child process on the embedded server
 * (DSN from PGVODBC_TEST_DSN).  Pins down its output (text and JSON lines, exact figures for the
 * walkthrough's data), its exit statuses (0, 1 database/input error, 2 usage error), its messages,
 * batch atomicity of `upsert` from stdin, and quiet behaviour when the reader of stdout leaves.
 */
#define _POSIX_C_SOURCE 200809L
#include "testdb.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PGVODBC_CLI_PATH
#error "PGVODBC_CLI_PATH must name the pgvodbc binary (tests/CMakeLists.txt defines it)"
#endif

extern char **environ;

/* ---- running the tool ---------------------------------------------------------------------- */

typedef struct run {
	int status;  /* exit status, or 128 + signal number */
	char *out;   /* stdout, NUL-terminated */
	char *err;   /* stderr, NUL-terminated */
} run;

static void run_free(run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Keeps `fd` out of the tool's process: a pipe's read end left open there would stop the tool
 * from ever seeing its reader go away. */
static void cloexec(int fd)
{
	assert_int_equal(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
}

/* A temporary file opened for reading and writing, already unlinked. */
static int temp_fd(void)
{
	char path[] = "/tmp/pgvodbc_cli_XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	cloexec(fd);
	return fd;
}

/* Reads the whole of `fd` (from offset 0) into a new NUL-terminated string. */
static char *slurp(int fd)
{
	struct stat st;
	char *buf;
	size_t got = 0;

	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		assert_true(n > 0);
		got += (size_t)n;
	}
	buf[got] = '\0';
	return buf;
}

/*
 * The child's environment: ours without PGVODBC_DSN (set to `env_dsn` when not NULL), and with
 * LeakSanitizer's list of used suppressions turned off (a sanitizer build would print it on
 * stderr, which the tests compare).  Returns an allocated array of allocated strings.
 */
static char **child_env(const char *env_dsn)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 3, sizeof(*env));
	assert_non_null(env);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "PGVODBC_DSN=", 12) == 0)
			continue;
		if (strncmp(environ[i], "LSAN_OPTIONS=", 13) == 0) {
			size_t len = strlen(environ[i]) + 32;
			env[k] = malloc(len);
			assert_non_null(env[k]);
			snprintf(env[k++], len, "%s:print_suppressions=0", environ[i]);
			continue;
		}
		env[k] = strdup(environ[i]);
		assert_non_null(env[k++]);
	}
	if (env_dsn) {
		size_t len = strlen(env_dsn) + 16;
		env[k] = malloc(len);
		assert_non_null(env[k]);
		snprintf(env[k++], len, "PGVODBC_DSN=%s", env_dsn);
	}
	return env;
}

static void env_free(char **env)
{
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

/* Starts the tool with `args` (NULL-terminated) on the given descriptors; returns its pid. */
static pid_t spawn(const char *const *args, const char *env_dsn, int in, int out, int err)
{
	const char *argv[64];
	char **env = child_env(env_dsn);
	size_t n = 0;
	pid_t pid;

	argv[n++] = PGVODBC_CLI_PATH;
	while (args[n - 1] && n < 63) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(127);
		execve(PGVODBC_CLI_PATH, (char *const *)argv, env);
		_exit(127);
	}
	env_free(env);
	return pid;
}

/* Waits for `pid`; returns the exit status or 128 + signal. */
static int wait_status(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs the tool with `args`, stdin from `input` (NULL: empty), capturing stdout and stderr. */
static void run_args(run *r, const char *input, const char *env_dsn, const char *const *args)
{
	int in = temp_fd(), out = temp_fd(), err = temp_fd();

	if (input) {
		size_t len = strlen(input), done = 0;
		while (done < len) {
			ssize_t n = write(in, input + done, len - done);
			assert_true(n > 0);
			done += (size_t)n;
		}
		assert_int_equal(lseek(in, 0, SEEK_SET), 0);
	}
	r->status = wait_status(spawn(args, env_dsn, in, out, err));
	r->out = slurp(out);
	r->err = slurp(err);
	close(in);
	close(out);
	close(err);
}

/* Runs `pgvodbc --dsn $PGVODBC_TEST_DSN ARGS...`. */
#define CLI(r, input, ...) do { \
		const char *args_[] = { "--dsn", testdb_dsn(), __VA_ARGS__, NULL }; \
		run_args((r), (input), NULL, args_); \
	} while (0)

/* Runs `pgvodbc ARGS...` with PGVODBC_DSN set to env_dsn (or unset when NULL). */
#define CLI_RAW(r, input, env_dsn, ...) do { \
		const char *args_[] = { __VA_ARGS__, NULL }; \
		run_args((r), (input), (env_dsn), args_); \
	} while (0)

/* Fails with the child's output when its status is not `want`. */
#define assert_status(r, want) do { \
		if ((r)->status != (want)) \
			fail_msg("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", (r)->status, \
				(want), (r)->out, (r)->err); \
	} while (0)

#define assert_prefix(s, prefix) do { \
		if (strncmp((s), (prefix), strlen(prefix)) != 0) \
			fail_msg("%s:%d: expected to start with [%s]:\n%s", __FILE__, __LINE__, \
				(prefix), (s)); \
	} while (0)

#define assert_contains(hay, needle) do { \
		if (!strstr((hay), (needle))) \
			fail_msg("%s:%d: expected to find [%s] in:\n%s", __FILE__, __LINE__, \
				(needle), (hay)); \
	} while (0)

/* ---- fixtures -------------------------------------------------------------------------------- */

static const char SEED_LIST[] =
	"1\t[0.1,0.8,0.5,0.3]\n"
	"2\t[0.4,0.2,0.7,0.9]\n"
	"3\t[0.9,0.5,0.1,0.6]\n";

static const char SEED_DISTANCES[] =
	"1\t1.1045361146699684\n"
	"2\t1.7635192467093759\n"
	"3\t1.3038404993264\n";

/* A fresh table `id bigint PRIMARY KEY, embedding vector(4)` holding the seed's rows. */
static void seed_table(testdb *db, const char *prefix, char name[64])
{
	char sql[256];

	testdb_create_table(db, prefix, "id bigint PRIMARY KEY, embedding vector(4)", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, '[0.1,0.8,0.5,0.3]'), "
		"(2, '[0.4,0.2,0.7,0.9]'), (3, '[0.9,0.5,0.1,0.6]')", name);
	testdb_exec(db, sql);
}

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

/* The raw text of "key"'s value in a one-line JSON object (up to the next top-level , or }),
 * copied into buf; fails the test when the key is missing. */
static const char *json_value(const char *line, const char *key, char *buf, size_t cap)
{
	char pat[64];
	const char *p;
	size_t n = 0;
	int depth = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		fail_msg("no key %s in %s", key, line);
	p += strlen(pat);
	while (p[n] && (depth > 0 || (p[n] != ',' && p[n] != '}' && p[n] != '\n'))) {
		if (p[n] == '[')
			depth++;
		if (p[n] == ']')
			depth--;
		n++;
	}
	assert_true(n < cap);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
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

/* ---- help, version, usage ------------------------------------------------------------------ */

/* --help (three spellings) prints the help on stdout with status 0; --version prints both. */
static void test_cli__help_and_version(void **state)
{
	run r = { 0 };
	char want[64];
	(void)state;

	CLI_RAW(&r, NULL, NULL, "--help");
	assert_status(&r, 0);
	assert_contains(r.out, "usage: pgvodbc COMMAND");
	assert_contains(r.out, "PGVODBC_DSN");
	assert_string_equal(r.err, "");
	run_free(&r);

	CLI_RAW(&r, NULL, NULL, "help", "knn");
	assert_status(&r, 0);
	assert_contains(r.out, "usage: pgvodbc knn");
	assert_contains(r.out, "--metric");
	run_free(&r);

	CLI_RAW(&r, NULL, NULL, "upsert", "--help");
	assert_status(&r, 0);
	assert_contains(r.out, "usage: pgvodbc upsert");
	run_free(&r);

	CLI_RAW(&r, NULL, NULL, "--version");
	assert_status(&r, 0);
	snprintf(want, sizeof(want), "pgvodbc 0.1.0\nlibpgvodbc %s\n", pgv_version());
	assert_string_equal(r.out, want);
	run_free(&r);
}

/* Usage errors exit 2 with nothing on stdout and a message naming the problem plus a hint. */
static void test_cli__usage_errors_exit_2(void **state)
{
	static const struct {
		const char *args[6];
		const char *says;
	} cases[] = {
		{ { NULL }, "no command given" },
		{ { "frobnicate", NULL }, "unknown command \"frobnicate\"" },
		{ { "list", "--frob", NULL }, "unknown option --frob" },
		{ { "list", "--k", "3", NULL }, "option --k does not apply to list" },
		{ { "knn", "--k", NULL }, "option --k needs a value" },
		{ { "knn", "--k", "0", "[1,2,3,4]", NULL }, "--k needs a whole number" },
		{ { "knn", "--k", "two", "[1,2,3,4]", NULL }, "not \"two\"" },
		{ { "knn", "--metric", "manhattan", "[1,2,3,4]", NULL }, "--metric must be" },
		{ { "knn", NULL }, "missing VECTOR" },
		{ { "upsert", "1", "[1,2,3,4]", "2", NULL }, "the id \"2\" has no VECTOR" },
		{ { "migrate", "sideways", NULL }, "expected up, down or status" },
		{ { "migrate", "up", "--steps", "2", NULL }, "--steps applies to migrate down" },
		{ { "distance", "--id", "x", "[1,2,3,4]", NULL }, "--id needs a 64-bit" },
		{ { "help", "nothing", NULL }, "no command \"nothing\"" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[10] = { "--dsn", testdb_dsn() };
		run r = { 0 };

		for (size_t j = 0; cases[i].args[j]; j++)
			args[2 + j] = cases[i].args[j];
		run_args(&r, NULL, NULL, args);
		assert_status(&r, 2);
		assert_string_equal(r.out, "");
		assert_contains(r.err, cases[i].says);
		assert_contains(r.err, "Try 'pgvodbc");
		run_free(&r);
	}
}

/* No --dsn, no --connect and no PGVODBC_DSN is a usage error that says how to give one. */
static void test_cli__missing_connection_exit_2(void **state)
{
	run r = { 0 };
	(void)state;

	CLI_RAW(&r, NULL, NULL, "list");
	assert_status(&r, 2);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "no connection given");
	assert_contains(r.err, "--dsn");
	assert_contains(r.err, "PGVODBC_DSN");
	run_free(&r);
}

/* ---- connection -------------------------------------------------------------------------- */

/* An unknown DSN exits 1 with a message naming it; nothing on stdout. */
static void test_cli__unknown_dsn_exit_1(void **state)
{
	run r = { 0 };
	(void)state;

	CLI_RAW(&r, NULL, NULL, "list", "--dsn", "pgvodbc_no_such_dsn");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "pgvodbc: list: ");
	assert_contains(r.err, "pgvodbc_no_such_dsn");
	assert_contains(r.err, "(SQLSTATE ");
	run_free(&r);
}

/* PGVODBC_DSN is used when no option names a connection; --dsn wins over it. */
static void test_cli__env_dsn_and_precedence(void **state)
{
	testdb *db = *state;
	char table[64];
	run r = { 0 };

	seed_table(db, "cli_env", table);
	CLI_RAW(&r, NULL, testdb_dsn(), "list", "--table", table);
	assert_status(&r, 0);
	assert_string_equal(r.out, SEED_LIST);
	run_free(&r);

	CLI_RAW(&r, NULL, "pgvodbc_no_such_dsn", "list", "--table", table, "--dsn", testdb_dsn());
	assert_status(&r, 0);
	assert_string_equal(r.out, SEED_LIST);
	run_free(&r);

	CLI_RAW(&r, NULL, "pgvodbc_no_such_dsn", "list", "--table", table);
	assert_status(&r, 1);
	assert_contains(r.err, "PGVODBC_DSN");
	assert_contains(r.err, "pgvodbc_no_such_dsn");
	run_free(&r);
}

/* ---- reading ---------------------------------------------------------------------------- */

/* list prints ID<TAB>[vector] in id order, each float in its shortest form; JSON lines too. */
static void test_cli__list_text_and_json(void **state)
{
	testdb *db = *state;
	char table[64], sql[256];
	run r = { 0 };

	seed_table(db, "cli_list", table);
	CLI(&r, NULL, "list", "--table", table);
	assert_status(&r, 0);
	assert_string_equal(r.out, SEED_LIST);
	assert_string_equal(r.err, "");
	run_free(&r);

	CLI(&r, NULL, "--json", "list", "--table", table);
	assert_status(&r, 0);
	assert_string_equal(r.out,
		"{\"id\":1,\"embedding\":[0.1,0.8,0.5,0.3]}\n"
		"{\"id\":2,\"embedding\":[0.4,0.2,0.7,0.9]}\n"
		"{\"id\":3,\"embedding\":[0.9,0.5,0.1,0.6]}\n");
	run_free(&r);

	/* Exponent forms, -0 and a NULL vector stay valid JSON (numbers, null). */
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (4, '[1e-05,1234567,-0,3e38]'), "
		"(5, NULL)", table);
	testdb_exec(db, sql);
	CLI(&r, NULL, "list", "--table", table, "--json");
	assert_status(&r, 0);
	{
		const char *l4 = strstr(r.out, "{\"id\":4,");
		char buf[128];

		assert_non_null(l4);
		json_value(l4, "embedding", buf, sizeof(buf));
		assert_string_equal(buf, "[1e-05,1.234567e+06,-0,3e+38]");
		assert_json_number_array(buf);
		assert_contains(r.out, "{\"id\":5,\"embedding\":null}\n");
	}
	run_free(&r);
	CLI(&r, NULL, "list", "--table", table);
	assert_contains(r.out, "4\t[1e-05,1.234567e+06,-0,3e+38]\n5\tNULL\n");
	{
		/* --binary reads pgvector's binary form: the same output, byte for byte */
		run rb = { 0 };
		CLI(&rb, NULL, "list", "--binary", "--table", table);
		assert_status(&rb, 0);
		assert_string_equal(rb.out, r.out);
		run_free(&rb);
	}
	run_free(&r);
}

/* knn: the walkthrough's nearest neighbour is id 2; --k and --metric; JSON adds the distance. */
static void test_cli__knn_text_and_json(void **state)
{
	testdb *db = *state;
	char table[64], buf[64];
	const char *line2;
	run r = { 0 };
	double text_distance;

	seed_table(db, "cli_knn", table);
	/* k defaults to 1, the metric to l2: one line, pgvector's float distance as a double */
	CLI(&r, NULL, "knn", "--table", table, "[0.3,0.1,0.6,0.5]");
	assert_status(&r, 0);
	assert_string_equal(r.out, "2\t[0.4,0.2,0.7,0.9]\t0.4358898574336088\n");
	text_distance = strtod(r.out + 20, NULL);
	run_free(&r);

	CLI(&r, NULL, "knn", "--table", table, "--json", "[0.3,0.1,0.6,0.5]");
	assert_status(&r, 0);
	assert_prefix(r.out, "{\"id\":2,\"embedding\":[0.4,0.2,0.7,0.9],\"distance\":");
	json_value(r.out, "distance", buf, sizeof(buf));
	assert_true(strtod(buf, NULL) == text_distance); /* full double precision in both */
	run_free(&r);

	/* cosine, three rows: nearest first, each line with its distance */
	CLI(&r, NULL, "knn", "--table", table, "--metric", "cosine", "--k", "3",
		"[0.3,0.1,0.6,0.5]");
	assert_status(&r, 0);
	assert_prefix(r.out, "2\t[0.4,0.2,0.7,0.9]\t0.0");
	line2 = strchr(r.out, '\n') + 1;
	assert_prefix(line2, "3\t[0.9,0.5,0.1,0.6]\t0.3");
	line2 = strchr(line2, '\n') + 1;
	assert_prefix(line2, "1\t[0.1,0.8,0.5,0.3]\t0.");
	assert_string_equal(strchr(line2, '\n'), "\n");
	run_free(&r);
}

/* distance: the walkthrough's exact figures, --id filters, NaN and NULL distances. */
static void test_cli__distance_exact_figures(void **state)
{
	testdb *db = *state;
	char table[64], sql[128];
	run r = { 0 };

	seed_table(db, "cli_dist", table);
	CLI(&r, NULL, "distance", "--table", table, "[0.5,0.8,0.0,-0.6]");
	assert_status(&r, 0);
	assert_string_equal(r.out, SEED_DISTANCES);
	run_free(&r);

	CLI(&r, NULL, "distance", "--table", table, "--json", "[0.5,0.8,0.0,-0.6]");
	assert_status(&r, 0);
	assert_string_equal(r.out,
		"{\"id\":1,\"distance\":1.1045361146699684}\n"
		"{\"id\":2,\"distance\":1.7635192467093759}\n"
		"{\"id\":3,\"distance\":1.3038404993264}\n");
	run_free(&r);

	CLI(&r, NULL, "distance", "--table", table, "--id", "3", "--id", "1",
		"[0.5,0.8,0.0,-0.6]");
	assert_status(&r, 0);
	assert_string_equal(r.out, "1\t1.1045361146699684\n3\t1.3038404993264\n");
	run_free(&r);

	/* the cosine distance to a zero vector is NaN: text NaN, JSON null (JSON has no NaN) */
	CLI(&r, NULL, "distance", "--table", table, "--metric", "cosine", "--id", "1",
		"[0,0,0,0]");
	assert_status(&r, 0);
	assert_string_equal(r.out, "1\tNaN\n");
	run_free(&r);
	CLI(&r, NULL, "knn", "--json", "--table", table, "--metric", "cosine", "[0,0,0,0]");
	assert_status(&r, 0);
	assert_contains(r.out, "\"distance\":null}\n");
	run_free(&r);

	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (4, NULL)", table);
	testdb_exec(db, sql);
	CLI(&r, NULL, "distance", "--table", table, "--id", "4", "[0.5,0.8,0.0,-0.6]");
	assert_status(&r, 0);
	assert_string_equal(r.out, "4\tNULL\n");
	run_free(&r);
	CLI(&r, NULL, "distance", "--table", table, "--id", "4", "--json", "[0.5,0.8,0.0,-0.6]");
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"id\":4,\"distance\":null}\n");
	run_free(&r);
}

/* A missing table is a database error: exit 1, "pgvodbc: CMD: WHAT: MESSAGE (SQLSTATE 42P01)". */
static void test_cli__database_error_names_sqlstate(void **state)
{
	run r = { 0 };
	(void)state;

	CLI(&r, NULL, "list", "--table", "pgvt_cli_no_such_table");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_prefix(r.err, "pgvodbc: list: ");
	assert_contains(r.err, "pgvt_cli_no_such_table");
	assert_contains(r.err, "(SQLSTATE 42P01)");
	run_free(&r);
}

/* Bad query vectors are input errors found before anything is sent: exit 1, named. */
static void test_cli__bad_query_vector_exit_1(void **state)
{
	run r = { 0 };
	(void)state;

	CLI(&r, NULL, "knn", "[0.1,zero,0.3]");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "pgvodbc: knn: ");
	assert_contains(r.err, "invalid input syntax for type vector");
	assert_contains(r.err, "[0.1,zero,0.3]");
	run_free(&r);

	CLI(&r, NULL, "distance", "[1,NaN,3,4]");
	assert_status(&r, 1);
	assert_contains(r.err, "NaN not allowed in vector");
	run_free(&r);
}

/* ---- writing ---------------------------------------------------------------------------- */

/* upsert pairs: stdout stays empty, the summary goes to stderr, an existing id is updated. */
static void test_cli__upsert_pairs(void **state)
{
	testdb *db = *state;
	char table[64];
	run r = { 0 };

	testdb_create_table(db, "cli_up", "id bigint PRIMARY KEY, embedding vector(4)", table);
	CLI(&r, NULL, "upsert", "--table", table, "1", "[0.1,0.8,0.5,0.3]", "2",
		"{0.4,0.2,0.7,0.9}", "3", "[ 0.9, 0.5, 0.1, 0.6 ]");
	assert_status(&r, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "upserted 3 rows\n");
	run_free(&r);

	CLI(&r, NULL, "upsert", "3", "[1,2,3,4]", "-7", "[0,0,0,0]", "--table", table);
	assert_status(&r, 0);
	assert_string_equal(r.err, "upserted 2 rows\n");
	run_free(&r);

	CLI(&r, NULL, "list", "--table", table);
	assert_string_equal(r.out, "-7\t[0,0,0,0]\n"
		"1\t[0.1,0.8,0.5,0.3]\n2\t[0.4,0.2,0.7,0.9]\n3\t[1,2,3,4]\n");
	run_free(&r);
}

/* One bad pair (vector text, NaN, dimension, id) writes nothing at all: the table is unchanged. */
static void test_cli__upsert_bad_pair_writes_nothing(void **state)
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

	seed_table(db, "cli_badpair", table);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run r = { 0 };

		CLI(&r, NULL, "upsert", "--table", table, "1", "[9,9,9,9]", "7", "[7,7,7,7]",
			cases[i].id, cases[i].vec);
		assert_status(&r, 1);
		assert_string_equal(r.out, "");
		assert_prefix(r.err, "pgvodbc: upsert: ");
		assert_contains(r.err, cases[i].says);
		assert_contains(r.err, "nothing was written");
		run_free(&r);
		assert_int_equal(count_rows(db, table), 3);
		CLI(&r, NULL, "list", "--table", table);
		assert_string_equal(r.out, SEED_LIST); /* row 1 not updated either */
		run_free(&r);
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
static void test_cli__upsert_stdin_batches(void **state)
{
	testdb *db = *state;
	char table[64], sql[256], *lines, *input;
	size_t len;
	run r = { 0 };

	testdb_create_table(db, "cli_stdin", "id bigint PRIMARY KEY, embedding vector(4)", table);
	lines = make_lines(1, 5000, 0, NULL);
	len = strlen(lines);
	input = malloc(len + 128);
	assert_non_null(input);
	snprintf(input, len + 128, "# a comment line\n\n   \n%s9999 [1,2,3,4]\r\n", lines);
	free(lines);
	CLI(&r, input, "upsert", "--table", table);
	free(input);
	assert_status(&r, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "upserted 5001 rows\n");
	run_free(&r);
	assert_int_equal(count_rows(db, table), 5001);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE (id = 4321 AND embedding = "
		"'[4321.5,0.25,-4321,1e-05]') OR (id = 9999 AND embedding = '[1,2,3,4]')", table);
	assert_int_equal(testdb_query_int(db, sql), 2);
}

/* A bad line in the middle: exit 1, the message names the line, earlier batches stay written
 * and the batch holding the bad line writes nothing. */
static void test_cli__upsert_stdin_bad_line(void **state)
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

	testdb_create_table(db, "cli_badline", "id bigint PRIMARY KEY, embedding vector(4)", table);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *input = make_lines(1, 2500, 1700, cases[i].bad);
		char sql[128];
		run r = { 0 };

		CLI(&r, input, "upsert", "--table", table);
		free(input);
		assert_status(&r, 1);
		assert_string_equal(r.out, "");
		assert_contains(r.err, "stdin line 1700");
		assert_contains(r.err, cases[i].says);
		assert_contains(r.err, "the 1000 rows before line 1001 were written");
		run_free(&r);
		assert_int_equal(count_rows(db, table), 1000);
		snprintf(sql, sizeof(sql), "DELETE FROM %s", table);
		testdb_exec(db, sql);
	}
	{
		/* --batch 10: the bad line 25 loses lines 21-25 only */
		char *input = make_lines(1, 40, 25, "25\t[NaN,1,1,1]");
		run r = { 0 };

		CLI(&r, input, "upsert", "--batch", "10", "--table", table);
		free(input);
		assert_status(&r, 1);
		assert_contains(r.err, "stdin line 25");
		assert_contains(r.err, "NaN not allowed in vector");
		assert_contains(r.err, "the 20 rows before line 21 were written");
		run_free(&r);
		assert_int_equal(count_rows(db, table), 20);
	}
}

/* `pgvodbc list | head -1`: the reader leaving is not an error: status 0, nothing on stderr. */
static void test_cli__list_reader_closes_early(void **state)
{
	testdb *db = *state;
	char table[64], *input, line[128];
	int pipefd[2], err = temp_fd(), in = open("/dev/null", O_RDONLY);
	size_t got = 0;
	run r = { 0 };
	pid_t pid;

	testdb_create_table(db, "cli_pipe", "id bigint PRIMARY KEY, embedding vector(4)", table);
	input = make_lines(1, 6000, 0, NULL);
	CLI(&r, input, "upsert", "--table", table);
	free(input);
	assert_status(&r, 0);
	run_free(&r);

	/* 6000 rows are far more than a pipe holds, so the tool is still writing when we leave */
	assert_int_equal(pipe(pipefd), 0);
	cloexec(pipefd[0]);
	cloexec(pipefd[1]);
	cloexec(in);
	{
		const char *args[] = { "--dsn", testdb_dsn(), "list", "--table", table, NULL };
		pid = spawn(args, NULL, in, pipefd[1], err);
	}
	close(pipefd[1]);
	while (got < sizeof(line) - 1) {
		ssize_t n = read(pipefd[0], line + got, 1);
		assert_true(n == 1);
		if (line[got++] == '\n')
			break;
	}
	line[got] = '\0';
	assert_string_equal(line, "1\t[1.5,0.25,-1,1e-05]\n");
	close(pipefd[0]);
	r.status = wait_status(pid);
	r.out = strdup("");
	r.err = slurp(err);
	close(err);
	close(in);
	assert_status(&r, 0);
	assert_string_equal(r.err, "");
	run_free(&r);
}

/* ---- migrations and the demo (need a database without the demo's tables) ------------------ */

/* Whether this run owns the demo/migration state: no `embeddings`, no tracking table before. */
static int fresh_database(testdb *db)
{
	return testdb_query_int(db, "SELECT count(*) FROM pg_class WHERE relname IN "
		"('embeddings', 'pgvodbc_migrations') AND relkind = 'r' "
		"AND pg_table_is_visible(oid)") == 0;
}

/* Group teardown for the demo tests: whatever a failed test left of its objects goes too. */
static int fresh_teardown(void **state)
{
	testdb *db = *state;

	if (db && db->ntables >= 1 && strcmp(db->tables[0], "pgvodbc_migrations") == 0)
		testdb_exec(db, "DROP TABLE IF EXISTS embeddings");
	return testdb_teardown(state);
}

/* Registers the demo's objects for dropping in teardown (pgvodbc_migrations first in the list,
 * so it is dropped last). */
static void own_migration_state(testdb *db)
{
	assert_int_equal(db->ntables, 0);
	snprintf(db->tables[db->ntables++], 64, "pgvodbc_migrations");
}

static const char DEMO_TEXT_TAIL[] =
	"== upsert 3 rows\n"
	"upserted 3 rows\n"
	"== all embeddings\n"
	"1\t[0.1,0.8,0.5,0.3]\n"
	"2\t[0.4,0.2,0.7,0.9]\n"
	"3\t[0.9,0.5,0.1,0.6]\n"
	"== nearest neighbour of [0.3,0.1,0.6,0.5] (l2)\n"
	"2\t[0.4,0.2,0.7,0.9]\t";

/* The demo reproduces the walkthrough (exact distances), twice (migrations are no-ops the
 * second time), and in JSON; then `migrate down` removes what it made. */
static void test_cli__demo(void **state)
{
	testdb *db = *state;
	const char *p;
	run r = { 0 };
	char steps[4];

	if (!fresh_database(db)) {
		print_message("skipping: the database already has an embeddings or a "
			"pgvodbc_migrations table, which the demo would change\n");
		skip();
	}
	own_migration_state(db);
	for (int round = 0; round < 2; round++) {
		CLI(&r, NULL, "demo");
		assert_status(&r, 0);
		assert_string_equal(r.err, "");
		assert_prefix(r.out, round == 0
			? "== migrate up\napplied 2 migrations: now at version 2\n"
			: "== migrate up\nnothing to do: at version 2\n");
		p = strstr(r.out, DEMO_TEXT_TAIL);
		assert_non_null(p);
		p = strchr(p + strlen(DEMO_TEXT_TAIL), '\n');
		assert_non_null(p);
		assert_string_equal(p + 1, "== l2 distance to [0.5,0.8,0,-0.6]\n"
			"1\t1.1045361146699684\n"
			"2\t1.7635192467093759\n"
			"3\t1.3038404993264\n");
		run_free(&r);
	}

	CLI(&r, NULL, "demo", "--json");
	assert_status(&r, 0);
	assert_prefix(r.out, "{\"step\":\"migrate\",\"applied\":0,\"version\":2}\n"
		"{\"step\":\"upsert\",\"upserted\":3}\n"
		"{\"step\":\"list\",\"id\":1,\"embedding\":[0.1,0.8,0.5,0.3]}\n");
	assert_contains(r.out, "{\"step\":\"knn\",\"id\":2,\"embedding\":[0.4,0.2,0.7,0.9],"
		"\"distance\":");
	assert_contains(r.out, "{\"step\":\"distance\",\"id\":1,\"distance\":1.1045361146699684}\n"
		"{\"step\":\"distance\",\"id\":2,\"distance\":1.7635192467093759}\n"
		"{\"step\":\"distance\",\"id\":3,\"distance\":1.3038404993264}\n");
	assert_null(strstr(r.out, "=="));
	run_free(&r);

	CLI(&r, NULL, "migrate", "status");
	assert_status(&r, 0);
	assert_prefix(r.out, "1\tvector_extension\tapplied\t");
	assert_contains(r.out, "\n2\tembeddings\tapplied\t");
	run_free(&r);

	/* Down: the table, and the extension too when this test's setup created it (otherwise it
	 * belongs to someone else). */
	snprintf(steps, sizeof(steps), "%d", db->created_extension ? 2 : 1);
	CLI(&r, NULL, "migrate", "down", "--steps", steps);
	assert_status(&r, 0);
	assert_contains(r.out, db->created_extension ? "reverted 2 migrations: now at version 0"
		: "reverted 1 migration: now at version 1");
	run_free(&r);
	assert_int_equal(testdb_query_int(db, "SELECT count(*) FROM pg_class WHERE relname = "
		"'embeddings' AND pg_table_is_visible(oid)"), 0);
}

/* Writes `text` to DIR/NAME. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* migrate --dir: status (text, JSON), up --to, up, up again, down --steps, a missing dir. */
static void test_cli__migrate_dir(void **state)
{
	testdb *db = *state;
	char dir[] = "/tmp/pgvodbc_cli_mig_XXXXXX", sql[256], buf[128];
	const char *line2;
	run r = { 0 };

	if (!fresh_database(db)) {
		print_message("skipping: a pgvodbc_migrations table already exists\n");
		skip();
	}
	own_migration_state(db);
	snprintf(db->tables[db->ntables++], 64, "pgvt_cli_mig_%ld_a", (long)getpid());
	snprintf(db->tables[db->ntables++], 64, "pgvt_cli_mig_%ld_b", (long)getpid());
	assert_non_null(mkdtemp(dir));
	snprintf(sql, sizeof(sql), "CREATE TABLE pgvt_cli_mig_%ld_a (id int);\n", (long)getpid());
	write_file(dir, "0001_first.up.sql", sql);
	snprintf(sql, sizeof(sql), "DROP TABLE pgvt_cli_mig_%ld_a;\n", (long)getpid());
	write_file(dir, "0001_first.down.sql", sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE pgvt_cli_mig_%ld_b (id int);\n", (long)getpid());
	write_file(dir, "0002_second.up.sql", sql);
	snprintf(sql, sizeof(sql), "DROP TABLE pgvt_cli_mig_%ld_b;\n", (long)getpid());
	write_file(dir, "0002_second.down.sql", sql);

	CLI(&r, NULL, "migrate", "status", "--dir", dir);
	assert_status(&r, 0);
	assert_string_equal(r.out, "1\tfirst\tpending\t-\n2\tsecond\tpending\t-\n");
	run_free(&r);

	CLI(&r, NULL, "migrate", "up", "--dir", dir, "--to", "1");
	assert_status(&r, 0);
	assert_string_equal(r.out, "applied 1 migration: now at version 1\n");
	run_free(&r);

	CLI(&r, NULL, "migrate", "status", "--dir", dir, "--json");
	assert_status(&r, 0);
	assert_prefix(r.out, "{\"version\":1,\"name\":\"first\",\"state\":\"applied\","
		"\"applied_at\":\"");
	line2 = strchr(r.out, '\n') + 1;
	assert_string_equal(line2, "{\"version\":2,\"name\":\"second\",\"state\":\"pending\","
		"\"applied_at\":null,\"reversible\":true}\n");
	assert_string_equal(json_value(r.out, "reversible", buf, sizeof(buf)), "true");
	run_free(&r);

	CLI(&r, NULL, "migrate", "up", "--dir", dir, "--json");
	assert_status(&r, 0);
	assert_string_equal(r.out, "{\"applied\":1,\"version\":2}\n");
	run_free(&r);
	CLI(&r, NULL, "migrate", "up", "--dir", dir);
	assert_string_equal(r.out, "nothing to do: at version 2\n");
	run_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_class WHERE relname LIKE "
		"'pgvt_cli_mig_%ld_%%'", (long)getpid());
	assert_int_equal(testdb_query_int(db, sql), 2);

	CLI(&r, NULL, "migrate", "down", "--dir", dir, "--steps", "2");
	assert_status(&r, 0);
	assert_string_equal(r.out, "reverted 2 migrations: now at version 0\n");
	run_free(&r);
	assert_int_equal(testdb_query_int(db, sql), 0);

	CLI(&r, NULL, "migrate", "status", "--dir", "/nonexistent/pgvodbc-migrations");
	assert_status(&r, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "pgvodbc: migrate status: loading migrations from "
		"\"/nonexistent/pgvodbc-migrations\": ");
	run_free(&r);

	for (const char *const *f = (const char *const[]){ "0001_first.up.sql",
			"0001_first.down.sql", "0002_second.up.sql", "0002_second.down.sql", NULL };
			*f; f++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli__help_and_version),
		cmocka_unit_test(test_cli__usage_errors_exit_2),
		cmocka_unit_test(test_cli__missing_connection_exit_2),
		cmocka_unit_test(test_cli__unknown_dsn_exit_1),
		cmocka_unit_test_setup_teardown(test_cli__env_dsn_and_precedence, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli__list_text_and_json, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli__knn_text_and_json, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli__distance_exact_figures, testdb_setup,
			testdb_teardown),
		cmocka_unit_test(test_cli__database_error_names_sqlstate),
		cmocka_unit_test(test_cli__bad_query_vector_exit_1),
		cmocka_unit_test_setup_teardown(test_cli__upsert_pairs, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli__upsert_bad_pair_writes_nothing,
			testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli__upsert_stdin_batches, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli__upsert_stdin_bad_line, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli__list_reader_closes_early, testdb_setup,
			testdb_teardown),
		cmocka_unit_test_setup_teardown(test_cli__demo, testdb_setup, fresh_teardown),
		cmocka_unit_test_setup_teardown(test_cli__migrate_dir, testdb_setup, fresh_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
