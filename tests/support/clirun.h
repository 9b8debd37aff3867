/*
 * Test support: runs the pgvodbc binary (PGVODBC_CLI_PATH, set for this library by
 * tests/CMakeLists.txt) as a child process with given input and captures what it writes, or
 * runs it with standard error on a pseudo-terminal, as a user's shell would; and the checks and
 * fixtures the CLI tests share.
 */
#ifndef PGV_CLIRUN_H
#define PGV_CLIRUN_H

#include <stddef.h>
#include <string.h>
#include <sys/types.h>

#include "testdb.h"

typedef struct clirun {
	int status;     /* exit status, or 128 + signal number */
	char *out;      /* stdout, NUL-terminated (out_len bytes before the NUL) */
	size_t out_len;
	char *err;      /* stderr, NUL-terminated */
} clirun;

/* Releases what a run captured. */
void clirun_free(clirun *r);

/*
 * Runs `pgvodbc ARGS...` (`args` NULL-terminated) with `input_len` bytes of `input` on stdin
 * (NULL: empty), waits for it and captures stdout and stderr.  The child's environment is the
 * test's without PGVODBC_DSN and CI (so that no runner setting changes what is shown), and with
 * LeakSanitizer's list of used suppressions turned off (a sanitizer build would print it).
 */
void clirun_run(clirun *r, const void *input, size_t input_len, const char *const *args);

/* As clirun_run, with PGVODBC_DSN=env_dsn in the child's environment (NULL: as clirun_run). */
void clirun_run_env(clirun *r, const char *env_dsn, const void *input, size_t input_len,
	const char *const *args);

/*
 * As clirun_run (stdin empty), with the child's file size limit (RLIMIT_FSIZE) at `fsize` bytes
 * and SIGXFSZ ignored: a write past the limit fails with EFBIG, as on a full disk, without root
 * or a small file system.
 */
void clirun_run_fsize(clirun *r, long long fsize, const char *const *args);

/*
 * Starts `pgvodbc ARGS...` with stdin reading the pipe end `in`, stdout and stderr into
 * temporary files; returns its pid (finish with clirun_wait).
 */
pid_t clirun_start(const char *const *args, int in, int *out_fd, int *err_fd);

/*
 * Starts `pgvodbc ARGS...` with stdin reading `in`, stdout writing into a pipe and stderr into a
 * temporary file; returns its pid.  *out_pipe is the pipe's read end (close-on-exec, so the
 * child holds none): the caller reads it and closes it, which the child then sees as its reader
 * going away.  Finish with clirun_wait(r, pid, -1, *err_fd).
 */
pid_t clirun_start_pipe(const char *const *args, int in, int *out_pipe, int *err_fd);

/*
 * Waits for `pid` and fills `r` from the files clirun_start made (and closes them); `out_fd` -1
 * (stdout went to a pipe) leaves r->out empty.
 */
void clirun_wait(clirun *r, pid_t pid, int out_fd, int err_fd);

/*
 * Runs `pgvodbc ARGS...` with standard error on a pseudo-terminal (stdin empty, stdout captured)
 * and captures what the terminal received as r->err.  Returns 0, or -1 when this system offers
 * no pseudo-terminal (the caller then skips).
 */
int clirun_run_tty(clirun *r, const char *const *args);

/* Runs `pgvodbc --dsn $PGVODBC_TEST_DSN ARGS...` with `len` bytes of `in` on stdin. */
#define CLI(r, in, len, ...) do { \
		const char *args_[] = { "--dsn", testdb_dsn(), __VA_ARGS__, NULL }; \
		clirun_run((r), (in), (len), args_); \
	} while (0)

/*
 * Runs `pgvodbc --dsn $PGVODBC_TEST_DSN ARGS...` with stdin empty and asserts exit status 0 and
 * that stdout is exactly `want`.
 */
#define CLI_OUT(want, ...) do { \
		clirun r_ = { 0 }; \
		CLI(&r_, NULL, 0, __VA_ARGS__); \
		assert_status(&r_, 0); \
		assert_string_equal(r_.out, (want)); \
		clirun_free(&r_); \
	} while (0)

/* Fails with the child's output when its exit status is not `want`. */
#define assert_status(r, want) do { \
		if ((r)->status != (want)) \
			fail_msg("%s:%d: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", __FILE__, \
				__LINE__, (r)->status, (want), (r)->out, (r)->err); \
	} while (0)

#define assert_contains(hay, needle) do { \
		if (!strstr((hay), (needle))) \
			fail_msg("%s:%d: expected to find [%s] in:\n%s", __FILE__, __LINE__, \
				(needle), (hay)); \
	} while (0)

#define assert_prefix(s, prefix) do { \
		if (strncmp((s), (prefix), strlen(prefix)) != 0) \
			fail_msg("%s:%d: expected to start with [%s]:\n%s", __FILE__, __LINE__, \
				(prefix), (s)); \
	} while (0)

/*
 * The raw text of "key"'s value in a one-line JSON object (up to the next top-level , or }),
 * copied into buf (`cap` bytes) and returned; fails the test when the key is missing.
 */
const char *clirun_json_value(const char *line, const char *key, char *buf, size_t cap);

/* The seed walkthrough's rows as `pgvodbc list` prints them (ids 1..3). */
extern const char CLIRUN_SEED_LIST[];

/* A fresh table `id bigint PRIMARY KEY, embedding vector(4)` holding the seed's rows. */
void clirun_seed_table(testdb *db, const char *prefix, char name[64]);

/*
 * Setup SQL spelled for the backend under test (the SQL a test writes by hand).  The integers
 * 1..n as a table of one column g, into `buf` (`cap` bytes), returned: a subquery with a
 * recursive CTE, which PostgreSQL and SQLite both take (SQLite has no generate_series), to be
 * used as `INSERT ... SELECT ... FROM <it>` (a statement that starts with WITH would be taken
 * for a query by psqlODBC's declare/fetch mode).
 */
const char *clirun_series(int64_t n, char *buf, size_t cap);

/*
 * The SQL of a vector made from the SQL text expression `text` (such as '[' || g || ',1]'), into
 * `buf` (`cap` bytes), returned: a cast to vector on PostgreSQL, vec_f32() on SQLite.
 */
const char *clirun_vec_sql(const testdb *db, const char *text, char *buf, size_t cap);

#endif
