/*
 * bench_memory: peak memory of reading a whole table, 20,000 rows against 200,000 rows.
 *
 *   bench_memory [DSN [DIM]]          (default: $PGVODBC_DSN, 128 dimensions)
 *
 * DSN may be a connection string, e.g. "DSN=pgvodbc_unicode;UseDeclareFetch=1;Fetch=1000".
 *
 * Loads tables of 20,000 and 200,000 rows of DIM random dimensions (kept between runs:
 * bench_mem_<rows>_<dim>, reloaded only when their row count is wrong), then reads every row in
 * a fresh process and reports that process's peak resident set (getrusage ru_maxrss of the
 * child, from wait4):
 *   connect    connect and disconnect only (the floor: driver manager, driver, library)
 *   lib        pgv_store_list, every row read and its floats summed
 *   lib-paged  pgv_store_list_ext with page_rows = 1000 (keyset pages, any driver settings)
 *   cli        `pgvodbc list --table T` with stdout to /dev/null
 * Memory stays flat when the growth from 20,000 to 200,000 rows is a few MB: with a DSN that
 * streams through the driver's cursor (UseDeclareFetch=1), or with paged reads on any DSN.
 * Without either, psqlODBC holds the whole result in memory, which this program also shows.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include "bench_util.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#ifndef PGVODBC_CLI_PATH
#define PGVODBC_CLI_PATH "pgvodbc"
#endif

static const size_t sizes[2] = { 20000, 200000 };

/* The child side: read every row of `table` with the library, pages of `page` rows (0: one query). */
static int child_read(const char *dsn, const char *table, size_t page, int connect_only)
{
	pgv_conn *c = NULL;
	pgv_rows *rows = NULL;
	pgv_table t = PGV_TABLE_INIT;
	pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;
	const pgv_row *row;
	double sum = 0;
	size_t n = 0;
	int rc;

	if (pgv_conn_open(&c, dsn) != 0)
		bench_die_conn(c, "connecting");
	if (connect_only) {
		pgv_conn_close(c);
		return 0;
	}
	t.table = table;
#if PGV_FETCH_OPTS_VERSION >= 2
	opts.page_rows = page;
#else
	if (page) {
		fprintf(stderr, "this library has no paged listing\n");
		return 2;
	}
#endif
	if (pgv_store_list_ext(&rows, c, &t, &opts) != 0)
		bench_die_conn(c, "listing");
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		for (size_t i = 0; i < row->vector.dim; i++)
			sum += row->vector.data[i];
		n++;
	}
	if (rc != PGV_DONE)
		bench_die_conn(c, "reading rows");
	pgv_rows_free(rows);
	pgv_conn_close(c);
	printf("%zu %.17g\n", n, sum);
	return 0;
}

/* Runs argv in a child (stdout to /dev/null when `quiet`) and returns its peak RSS in KiB. */
static long peak_kib(char *const argv[], int quiet)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0)
				dup2(fd, 1);
		}
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "%s %s failed\n", argv[0], argv[1]);
		exit(1);
	}
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	const char *dsn, *self = "/proc/self/exe";
	size_t dim = 128;
	char exe[4096], tables[2][64], dimtext[16];
	long kib[4][2];
	const char *names[4] = { "connect", "lib", "lib-paged", "cli" };
	ssize_t len;
	pgv_conn *c = NULL;

	if (argc >= 5 && strcmp(argv[1], "--child") == 0)
		return child_read(argv[2], argv[3], (size_t)strtoul(argv[4], NULL, 10),
			argc >= 6 && strcmp(argv[5], "connect") == 0);
	dsn = argc > 1 ? argv[1] : getenv("PGVODBC_DSN");
	if (argc > 2)
		dim = (size_t)strtoul(argv[2], NULL, 10);
	if (!dsn || dim == 0 || dim > PGV_VECTOR_MAX_DIM) {
		fprintf(stderr, "usage: bench_memory [DSN [DIM]]  (or set PGVODBC_DSN)\n");
		return 2;
	}
	if ((len = readlink(self, exe, sizeof(exe) - 1)) < 0) {
		perror(self);
		return 1;
	}
	exe[len] = '\0';
	snprintf(dimtext, sizeof(dimtext), "%zu", dim);

	if (pgv_conn_open(&c, dsn) != 0)
		bench_die_conn(c, "connecting");
	bench_exec(c, "CREATE EXTENSION IF NOT EXISTS vector");
	for (int s = 0; s < 2; s++) {
		char sql[256];
		pgv_stmt *st = NULL;
		int64_t have = -1;

		snprintf(tables[s], sizeof(tables[s]), "bench_mem_%zu_%zu", sizes[s], dim);
		snprintf(sql, sizeof(sql),
			"CREATE TABLE IF NOT EXISTS %s (id bigint PRIMARY KEY, embedding vector(%zu))",
			tables[s], dim);
		bench_exec(c, sql);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[s]);
		if (pgv_stmt_prepare(&st, c, sql) != 0 || pgv_stmt_step(st) != PGV_ROW
				|| pgv_stmt_column_int64(&have, st, 1) != 0)
			bench_die_conn(c, "counting");
		pgv_stmt_free(st);
		if (have != (int64_t)sizes[s]) {
			double t0 = bench_now();

			snprintf(sql, sizeof(sql), "TRUNCATE %s", tables[s]);
			bench_exec(c, sql);
			bench_load(c, tables[s], dim, sizes[s], 42);
			fprintf(stderr, "loaded %zu rows into %s in %.1f s\n", sizes[s], tables[s],
				bench_now() - t0);
		}
	}
	pgv_conn_close(c);

	for (int s = 0; s < 2; s++) {
		char *conn_argv[] = { exe, "--child", (char *)dsn, tables[s], "0", "connect", NULL };
		char *lib_argv[] = { exe, "--child", (char *)dsn, tables[s], "0", NULL };
		char *paged_argv[] = { exe, "--child", (char *)dsn, tables[s], "1000", NULL };
		char *cli_argv[] = { PGVODBC_CLI_PATH, "list", strchr(dsn, '=') ? "--connect" : "--dsn",
			(char *)dsn, "--table", tables[s], NULL };

		kib[0][s] = peak_kib(conn_argv, 1);
		kib[1][s] = peak_kib(lib_argv, 1);
#if PGV_FETCH_OPTS_VERSION >= 2
		kib[2][s] = peak_kib(paged_argv, 1);
#else
		(void)paged_argv;
		kib[2][s] = -1;
#endif
		kib[3][s] = peak_kib(cli_argv, 1);
	}
	printf("peak RSS reading every row (%s, %zu dims)\n", dsn, dim);
	printf("%-10s %12s %12s %10s\n", "way", "20k rows", "200k rows", "growth");
	for (int w = 0; w < 4; w++) {
		if (kib[w][0] < 0)
			continue;
		printf("%-10s %9.1f MB %9.1f MB %7.1f MB\n", names[w], kib[w][0] / 1024.0,
			kib[w][1] / 1024.0, (kib[w][1] - kib[w][0]) / 1024.0);
	}
	return 0;
}
