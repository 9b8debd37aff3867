/*
 * What the benchmark programs share: clocks (wall and this process's CPU), medians, fatal
 * errors, deterministic data, and a raw ODBC connection for the baselines.  Header-only (static
 * inline), so each bench stays one program built from one .c file.
 */
#ifndef PGV_BENCH_UTIL_H
#define PGV_BENCH_UTIL_H

#include <sql.h>
#include <sqlext.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "pgvodbc.h"

/* Seconds on the monotonic clock. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * CPU seconds this thread has used: what a computation costs when the machine is shared and the
 * thread is preempted for other work in the middle of a timed run (wall time would count that).
 */
static inline double bench_thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) this process has used: the client's side of the work. */
static inline double bench_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
		+ (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Orders doubles ascending for qsort. */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n) (sorts v). */
static inline double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Allocates or stops. */
static inline void *bench_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	return p;
}

/* Stops the program with the library connection's error. */
static inline void bench_die_conn(pgv_conn *c, const char *what)
{
	const pgv_error *e = pgv_conn_error(c);

	fprintf(stderr, "bench: %s: %s [%s] %s\n", what, pgv_status_name(e->status), e->sqlstate,
		e->message);
	exit(1);
}

/* Stops the program with the first ODBC diagnostic record of a handle. */
static inline void bench_die_odbc(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	SQLCHAR state[6] = "", msg[1024] = "";
	SQLINTEGER native = 0;
	SQLSMALLINT len = 0;

	SQLGetDiagRec(type, h, 1, state, &native, msg, sizeof(msg), &len);
	fprintf(stderr, "bench: %s: [%s] %s\n", what, (char *)state, (char *)msg);
	exit(1);
}

/* Runs SQL on the library connection or stops. */
static inline void bench_exec(pgv_conn *c, const char *sql)
{
	if (pgv_conn_exec(c, sql) != 0)
		bench_die_conn(c, sql);
}

/* The next value of a splitmix64 sequence: deterministic data for the codec benchmarks. */
static inline uint64_t bench_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Fills v[0..n) with deterministic pseudo-random floats in [-1, 1) (xorshift64*). */
static inline void bench_fill(float *v, size_t n, uint64_t seed)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL ^ seed;

	for (size_t i = 0; i < n; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		v[i] = (float)((double)((x * 0x2545F4914F6CDD1DULL) >> 40) / (double)(1 << 23)) - 1.0f;
	}
}

/* A raw ODBC connection (the baselines' own), from a DSN name or a connection string. */
typedef struct bench_raw {
	SQLHENV env;
	SQLHDBC dbc;
} bench_raw;

/* Connects a raw ODBC connection or stops. */
static inline void bench_raw_connect(bench_raw *r, const char *dsn)
{
	char connstr[512];

	snprintf(connstr, sizeof(connstr), strchr(dsn, '=') ? "%s" : "DSN=%s;", dsn);
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &r->env))) {
		fprintf(stderr, "bench: SQLAllocHandle(ENV) failed\n");
		exit(1);
	}
	SQLSetEnvAttr(r->env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, r->env, &r->dbc)))
		bench_die_odbc(SQL_HANDLE_ENV, r->env, "SQLAllocHandle(DBC)");
	if (!SQL_SUCCEEDED(SQLDriverConnect(r->dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, NULL, 0,
			NULL, SQL_DRIVER_NOPROMPT)))
		bench_die_odbc(SQL_HANDLE_DBC, r->dbc, "raw connect");
	/* as the library does: float4[] text exact whatever the DSN says */
	{
		SQLHSTMT h;
		if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, r->dbc, &h))
				|| !SQL_SUCCEEDED(SQLExecDirect(h, (SQLCHAR *)"SET extra_float_digits = 3",
					SQL_NTS)))
			bench_die_odbc(SQL_HANDLE_DBC, r->dbc, "SET extra_float_digits");
		SQLFreeHandle(SQL_HANDLE_STMT, h);
	}
}

/* Closes a raw connection. */
static inline void bench_raw_close(bench_raw *r)
{
	SQLDisconnect(r->dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, r->dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, r->env);
}

/*
 * The start of a server benchmark: the DSN from argv[1] or $PGVODBC_DSN (usage and exit 2 when
 * neither), a library connection into *c and a raw one into *raw (or stops), and the vector
 * extension.  Returns the DSN.
 */
static inline const char *bench_connect_both(const char *prog, int argc, char **argv, pgv_conn **c,
	bench_raw *raw)
{
	const char *dsn = argc > 1 ? argv[1] : getenv("PGVODBC_DSN");

	if (!dsn || !*dsn) {
		fprintf(stderr, "usage: %s DSN (or set PGVODBC_DSN)\n", prog);
		exit(2);
	}
	if (pgv_conn_open(c, dsn) != 0)
		bench_die_conn(*c, "connect");
	bench_raw_connect(raw, dsn);
	bench_exec(*c, "CREATE EXTENSION IF NOT EXISTS vector");
	return dsn;
}

/* Upserts rows 1..n of `dim` dimensions (data from bench_fill) into `table` with the library. */
static inline void bench_load(pgv_conn *c, const char *table, size_t dim, size_t n, uint64_t seed)
{
	size_t chunk = 500;
	float *data = bench_xmalloc(chunk * dim * sizeof(float));
	int64_t *ids = bench_xmalloc(chunk * sizeof(*ids));
	pgv_vector *vecs = bench_xmalloc(chunk * sizeof(*vecs));
	pgv_table t = PGV_TABLE_INIT;

	t.table = table;
	for (size_t at = 0; at < n; at += chunk) {
		size_t k = n - at < chunk ? n - at : chunk;

		bench_fill(data, k * dim, seed + at);
		for (size_t i = 0; i < k; i++) {
			ids[i] = (int64_t)(at + i + 1);
			vecs[i].dim = dim;
			vecs[i].data = data + i * dim;
		}
		if (pgv_store_upsert(NULL, c, &t, ids, vecs, k) != 0)
			bench_die_conn(c, "loading rows");
	}
	free(data);
	free(ids);
	free(vecs);
}

/*
 * bench_load in a child process on a connection of its own, so that the measuring process's
 * heap is not shaped by the writes: after a large upsert, glibc's heap was left so that
 * psqlODBC's result buffers page-faulted twice as often in every later read (270,553 against
 * 120,932 minor faults for one bench_fetch), raw ODBC reads as much as the library's.
 */
static inline void bench_load_apart(const char *dsn, const char *table, size_t dim, size_t n,
	uint64_t seed)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("bench: fork");
		exit(1);
	}
	if (pid == 0) {
		pgv_conn *c = NULL;

		if (pgv_conn_open(&c, dsn) != 0)
			bench_die_conn(c, "connect");
		bench_load(c, table, dim, n, seed);
		pgv_conn_close(c);
		fflush(NULL);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: loading %s failed\n", table);
		exit(1);
	}
}

#endif
