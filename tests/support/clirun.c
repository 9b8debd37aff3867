/* Test support: the pgvodbc binary run as a child process, its output captured; CLI checks. */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */
#include "clirun.h"
#include "testdb.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PGVODBC_CLI_PATH
#error "PGVODBC_CLI_PATH must name the pgvodbc binary (tests/CMakeLists.txt defines it)"
#endif

extern char **environ;

void clirun_free(clirun *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* A temporary file for reading and writing, already unlinked, closed on exec. */
static int temp_fd(void)
{
	char path[] = "/tmp/pgvodbc_clirun_XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	return fd;
}

/* The whole of `fd` from offset 0, NUL-terminated; its length in *len. */
static char *slurp(int fd, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *buf;

	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		assert_true(n > 0);
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
}

/* The child's environment (see clirun_run), with PGVODBC_DSN=env_dsn when not NULL: allocated
 * strings in an allocated array. */
static char **child_env(const char *env_dsn)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	assert_non_null(env);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "PGVODBC_DSN=", 12) == 0 || strncmp(environ[i], "CI=", 3) == 0)
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

/* The file size limit (RLIMIT_FSIZE, bytes) the next child starts with; 0: none. */
static long long child_fsize;

/* Starts the binary with `args` on the given descriptors (PGVODBC_DSN: see child_env). */
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
		if (child_fsize > 0) {
			/* a write past the limit then fails with EFBIG, as on a full disk, instead of
			 * ending the process with SIGXFSZ (an ignored signal stays ignored over exec) */
			struct rlimit rl = { (rlim_t)child_fsize, (rlim_t)child_fsize };

			if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &rl) != 0)
				_exit(127);
		}
		execve(PGVODBC_CLI_PATH, (char *const *)argv, env);
		_exit(127);
	}
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
	return pid;
}

/* The exit status of `pid`, or 128 + signal; NOHANG: -1 while it runs. */
static int wait_status(pid_t pid, int nohang)
{
	int st = 0;
	pid_t got;

	while ((got = waitpid(pid, &st, nohang ? WNOHANG : 0)) < 0)
		assert_int_equal(errno, EINTR);
	if (got == 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* clirun_start with PGVODBC_DSN=env_dsn (see child_env). */
static pid_t start_env(const char *const *args, const char *env_dsn, int in, int *out_fd,
	int *err_fd)
{
	*out_fd = temp_fd();
	*err_fd = temp_fd();
	return spawn(args, env_dsn, in, *out_fd, *err_fd);
}

pid_t clirun_start(const char *const *args, int in, int *out_fd, int *err_fd)
{
	return start_env(args, NULL, in, out_fd, err_fd);
}

pid_t clirun_start_pipe(const char *const *args, int in, int *out_pipe, int *err_fd)
{
	int fds[2];
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFD, FD_CLOEXEC), 0);
	assert_int_equal(fcntl(fds[1], F_SETFD, FD_CLOEXEC), 0);
	*err_fd = temp_fd();
	pid = spawn(args, NULL, in, fds[1], *err_fd);
	close(fds[1]); /* the child's copy is its only writer */
	*out_pipe = fds[0];
	return pid;
}

/*
 * Removes from `err` the SQLite driver's warning about libm, which the SQLite DSN lists first in
 * LoadExt so that sqlite-vec's vec0.so finds sqrtf: libsqliteodbc prints
 * "extension '.../libm.so.6' did not load: ...: undefined symbol: sqlite3_m_init" on standard
 * error at every connect.  It is the driver's line, not pgvodbc's output; only that exact line
 * goes.
 */
static void drop_libm_warning(char *err)
{
	static const char head[] = "extension '", tail[] = "undefined symbol: sqlite3_m_init\n";
	char *line = err;

	while (*line) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
		int libm = 0;

		for (size_t i = 0; i + 7 <= len && !libm; i++)
			libm = memcmp(line + i, "libm.so", 7) == 0;
		if (libm && strncmp(line, head, sizeof(head) - 1) == 0 && len >= sizeof(tail) - 1 &&
			memcmp(line + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1) == 0)
			memmove(line, line + len, strlen(line + len) + 1);
		else
			line += len;
	}
}

void clirun_wait(clirun *r, pid_t pid, int out_fd, int err_fd)
{
	r->status = wait_status(pid, 0);
	if (out_fd >= 0) {
		r->out = slurp(out_fd, &r->out_len);
		close(out_fd);
	} else {
		r->out = calloc(1, 1);
		assert_non_null(r->out);
		r->out_len = 0;
	}
	r->err = slurp(err_fd, NULL);
	close(err_fd);
	drop_libm_warning(r->err);
}

void clirun_run(clirun *r, const void *input, size_t input_len, const char *const *args)
{
	clirun_run_env(r, NULL, input, input_len, args);
}

void clirun_run_env(clirun *r, const char *env_dsn, const void *input, size_t input_len,
	const char *const *args)
{
	int in = temp_fd(), out, err;
	size_t done = 0;
	pid_t pid;

	while (input && done < input_len) {
		ssize_t n = write(in, (const char *)input + done, input_len - done);
		assert_true(n > 0);
		done += (size_t)n;
	}
	assert_int_equal(lseek(in, 0, SEEK_SET), 0);
	pid = start_env(args, env_dsn, in, &out, &err);
	clirun_wait(r, pid, out, err);
	close(in);
}

void clirun_run_fsize(clirun *r, long long fsize, const char *const *args)
{
	child_fsize = fsize;
	clirun_run(r, NULL, 0, args);
	child_fsize = 0;
}

/* Appends what the terminal's master side has for us to *buf: 1 when something was read, 0 when
 * nothing came within the timeout or the terminal has closed. */
static int drain(int master, char **buf, size_t *len, size_t *cap, int timeout_ms)
{
	struct pollfd pfd = { master, POLLIN, 0 };
	char chunk[4096];
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	n = read(master, chunk, sizeof(chunk));
	if (n <= 0)
		return 0; /* EIO: every slave descriptor is closed */
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*len + (size_t)n + 1) * 2;
		*buf = realloc(*buf, *cap);
		assert_non_null(*buf);
	}
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return 1;
}

int clirun_run_tty(clirun *r, const char *const *args)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave, in = temp_fd(), out = temp_fd();
	size_t len = 0, cap = 1;
	const char *name;
	pid_t pid;

	if (master < 0)
		return -1;
	if (grantpt(master) != 0 || unlockpt(master) != 0 || !(name = ptsname(master))
			|| (slave = open(name, O_RDWR | O_NOCTTY)) < 0) {
		close(master);
		close(in);
		close(out);
		return -1;
	}
	assert_int_equal(fcntl(master, F_SETFD, FD_CLOEXEC), 0);
	r->err = calloc(1, 1);
	assert_non_null(r->err);
	pid = spawn(args, NULL, in, out, slave);
	close(slave);
	/* read while it runs: a full terminal buffer would otherwise stop the child */
	while ((r->status = wait_status(pid, 1)) < 0)
		drain(master, &r->err, &len, &cap, 50);
	while (drain(master, &r->err, &len, &cap, 200))
		;
	close(master);
	r->out = slurp(out, &r->out_len);
	close(out);
	close(in);
	return 0;
}

const char *clirun_json_value(const char *line, const char *key, char *buf, size_t cap)
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

const char CLIRUN_SEED_LIST[] =
	"1\t[0.1,0.8,0.5,0.3]\n"
	"2\t[0.4,0.2,0.7,0.9]\n"
	"3\t[0.9,0.5,0.1,0.6]\n";

void clirun_seed_table(testdb *db, const char *prefix, char name[64])
{
	const char *v = testdb_vec_fn(db);
	char sql[256];

	testdb_create_table(db, prefix, "id bigint NOT NULL PRIMARY KEY, embedding vector(4)", name);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, %s('[0.1,0.8,0.5,0.3]')), "
		"(2, %s('[0.4,0.2,0.7,0.9]')), (3, %s('[0.9,0.5,0.1,0.6]'))", name, v, v, v);
	testdb_exec(db, sql);
}

const char *clirun_series(int64_t n, char *buf, size_t cap)
{
	snprintf(buf, cap, "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
		"WHERE g < %lld) SELECT g FROM s) AS series", (long long)n);
	return buf;
}

const char *clirun_vec_sql(const testdb *db, const char *text, char *buf, size_t cap)
{
	if (db->backend == PGV_BACKEND_SQLITE)
		snprintf(buf, cap, "vec_f32(%s)", text);
	else
		snprintf(buf, cap, "CAST(%s AS vector)", text);
	return buf;
}
