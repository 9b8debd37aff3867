/*
 * Parameter arrays against row-at-a-time statements: N rows of (id, 128-dim vector) inserted
 * through the statement API, first one pgv_stmt_step a row (in one transaction, so the
 * difference is the round trips, not the commits), then one pgv_stmt_execute_array for all rows
 * (atomic).  Prints rows/s both ways and their ratio, one run each.
 *   ./tests/bench/bench_array DSN [ROWS [DIM]]
 */
#define _POSIX_C_SOURCE 200809L
#include "bench_util.h"

int main(int argc, char **argv)
{
	const char *dsn = argc > 1 ? argv[1] : "pgvodbc_unicode";
	size_t n = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 5000;
	size_t dim = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 128;
	float *vecs = bench_xmalloc(n * dim * sizeof(float));
	int64_t *ids = bench_xmalloc(n * sizeof(int64_t));
	const char *sql = "INSERT INTO pgv_bench_array (id, embedding) VALUES (?, ?::vector)";
	pgv_conn *c = NULL;
	pgv_stmt *st = NULL;
	char ddl[160];
	double t0, single, array;

	if (n == 0 || dim == 0)
		return 2;
	bench_fill(vecs, n * dim, 42);
	for (size_t i = 0; i < n; i++)
		ids[i] = (int64_t)i;
	if (pgv_conn_open(&c, dsn) != 0)
		bench_die_conn(c, "connect");
	bench_exec(c, "DROP TABLE IF EXISTS pgv_bench_array");
	snprintf(ddl, sizeof(ddl), "CREATE TABLE pgv_bench_array (id bigint PRIMARY KEY, "
		"embedding vector(%zu))", dim);
	bench_exec(c, ddl);

	/* row at a time */
	if (pgv_stmt_prepare(&st, c, sql) != 0 || pgv_conn_begin(c) != 0)
		bench_die_conn(c, "prepare");
	t0 = bench_now();
	for (size_t i = 0; i < n; i++) {
		if (pgv_stmt_reset(st) != 0 || pgv_stmt_bind_int64(st, 1, ids[i]) != 0
				|| pgv_stmt_bind_vector(st, 2, vecs + i * dim, dim) != 0
				|| pgv_stmt_step(st) != PGV_DONE)
			bench_die_conn(c, "row at a time");
	}
	if (pgv_conn_commit(c) != 0)
		bench_die_conn(c, "commit");
	single = bench_now() - t0;
	pgv_stmt_free(st);
	bench_exec(c, "TRUNCATE pgv_bench_array");

	/* one array */
	if (pgv_stmt_prepare(&st, c, sql) != 0)
		bench_die_conn(c, "prepare");
	t0 = bench_now();
	if (pgv_stmt_bind_array_int64(st, 1, ids, n) != 0
			|| pgv_stmt_bind_array_vector(st, 2, vecs, dim, n) != 0
			|| pgv_stmt_execute_array(NULL, st, PGV_ARRAY_ATOMIC) != 0)
		bench_die_conn(c, "array");
	array = bench_now() - t0;
	if (pgv_stmt_changes(st) != (int64_t)n) {
		fprintf(stderr, "array wrote %lld rows, not %zu\n", (long long)pgv_stmt_changes(st), n);
		return 1;
	}
	pgv_stmt_free(st);
	bench_exec(c, "DROP TABLE pgv_bench_array");
	pgv_conn_close(c);
	printf("rows %zu, dim %zu, DSN %s\n", n, dim, dsn);
	printf("row at a time (pgv_stmt_step, one transaction): %.0f rows/s (%.3f s)\n",
		(double)n / single, single);
	printf("one parameter array (pgv_stmt_execute_array):   %.0f rows/s (%.3f s)\n",
		(double)n / array, array);
	printf("ratio array / row at a time: %.2fx\n", single / array);
	free(vecs);
	free(ids);
	return 0;
}
