/*
 * bench_fetch: reading every row of a table, the library against raw ODBC.
 *
 *   bench_fetch [DSN]        (default: $PGVODBC_DSN)
 *
 * Ways to read `SELECT id, <vector> FROM t ORDER BY id`, each into floats:
 *   raw      raw ODBC: embedding::float4[], SQLGetData of the id (SQL_C_SBIGINT) and of the
 *            text piecewise (SQL_C_CHAR, 01004 until done) into a growing buffer, then strtof per
 *            element into a reused float buffer (the baseline)
 *   floor    the same without strtof: what the driver alone costs, under any text path
 *   text     pgv_store_list (float4[] text, parsed by the library's codec)
 *   binary   pgv_store_list_ext with binary = 1 (vector_send, decoded from pgvector's binary form)
 * For each: rows/s (wall) and client CPU per row (getrusage user+sys of this process: the
 * driver's and the library's work, not the server's), medians of RUNS runs, the ways
 * interleaved run by run.  A checksum of every
 * float read proves the three read the same values.  Targets (issue: performance): text CPU/row
 * <= 0.4x raw; binary rows/s >= 4x text at 1536 dimensions.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench_util.h"

#include <unistd.h>

#define RUNS 7

/* What one way of reading measured. */
typedef struct result {
	double rows_per_s;
	double cpu_per_row;
	double checksum; /* the sum of every float read, in row order */
} result;

/* A growing buffer for the raw loop. */
typedef struct rawbuf {
	char *text;
	size_t cap;
	float *vec;
	size_t vcap;
} rawbuf;

/* Reads column 2 whole as text with piecewise SQLGetData; returns its length. */
static size_t raw_get_text(SQLHSTMT h, rawbuf *b)
{
	size_t len = 0;

	for (;;) {
		SQLLEN ind = 0;
		SQLRETURN rc = SQLGetData(h, 2, SQL_C_CHAR, b->text + len, (SQLLEN)(b->cap - len), &ind);

		if (rc == SQL_NO_DATA)
			return len;
		if (!SQL_SUCCEEDED(rc))
			bench_die_odbc(SQL_HANDLE_STMT, h, "SQLGetData");
		if (ind == SQL_NULL_DATA)
			return 0;
		if (rc == SQL_SUCCESS_WITH_INFO && (ind == SQL_NO_TOTAL || (size_t)ind >= b->cap - len)) {
			len = b->cap - 1; /* the piece filled the buffer but for its NUL */
			b->cap *= 2;
			if (!(b->text = realloc(b->text, b->cap)))
				exit(1);
			continue;
		}
		return len + (size_t)ind;
	}
}

/* Parses float4[] text "{a,b,...}" with strtof into b->vec; returns the element count. */
static size_t raw_parse(rawbuf *b, size_t len)
{
	char *p = b->text + 1, *end;
	size_t n = 0;

	if (len < 2 || b->text[0] != '{')
		return 0;
	while (*p && *p != '}') {
		if (n == b->vcap) {
			b->vcap = b->vcap ? b->vcap * 2 : 256;
			if (!(b->vec = realloc(b->vec, b->vcap * sizeof(float))))
				exit(1);
		}
		b->vec[n++] = strtof(p, &end);
		if (end == p) {
			fprintf(stderr, "bench_fetch: raw: bad float4[] text\n");
			exit(1);
		}
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* One raw pass over the table (no parsing when `floor`); returns the rows read and adds the
 * floats to *sum. */
static size_t run_raw(bench_raw *raw, const char *table, int floor, double *sum)
{
	char sql[256];
	rawbuf b = { NULL, 4096, NULL, 0 };
	size_t rows = 0;
	SQLHSTMT h;

	b.text = bench_xmalloc(b.cap);
	snprintf(sql, sizeof(sql), "SELECT id, embedding::float4[] FROM %s ORDER BY id", table);
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, raw->dbc, &h)))
		bench_die_odbc(SQL_HANDLE_DBC, raw->dbc, "SQLAllocHandle");
	if (!SQL_SUCCEEDED(SQLExecDirect(h, (SQLCHAR *)sql, SQL_NTS)))
		bench_die_odbc(SQL_HANDLE_STMT, h, "SQLExecDirect");
	for (;;) {
		SQLBIGINT id = 0;
		SQLLEN ind = 0;
		SQLRETURN rc = SQLFetch(h);
		size_t n;

		if (rc == SQL_NO_DATA)
			break;
		if (!SQL_SUCCEEDED(rc))
			bench_die_odbc(SQL_HANDLE_STMT, h, "SQLFetch");
		if (!SQL_SUCCEEDED(SQLGetData(h, 1, SQL_C_SBIGINT, &id, 0, &ind)))
			bench_die_odbc(SQL_HANDLE_STMT, h, "SQLGetData id");
		n = raw_get_text(h, &b);
		if (floor) {
			*sum += (double)n;
			rows++;
			continue;
		}
		n = raw_parse(&b, n);
		for (size_t i = 0; i < n; i++)
			*sum += b.vec[i];
		rows++;
	}
	SQLFreeHandle(SQL_HANDLE_STMT, h);
	free(b.text);
	free(b.vec);
	return rows;
}

/* One pass with the library (text or binary); returns the rows read. */
static size_t run_lib(pgv_conn *c, const char *table, int binary, double *sum)
{
	pgv_fetch_opts opts = PGV_FETCH_OPTS_INIT;
	pgv_table t = PGV_TABLE_INIT;
	pgv_rows *rows = NULL;
	const pgv_row *row = NULL;
	size_t n = 0;
	int rc;

	t.table = table;
	opts.binary = binary;
	if (pgv_store_list_ext(&rows, c, &t, &opts) != 0)
		bench_die_conn(c, "pgv_store_list_ext");
	while ((rc = pgv_rows_next(&row, rows)) == PGV_ROW) {
		for (size_t i = 0; i < row->vector.dim; i++)
			*sum += row->vector.data[i];
		n++;
	}
	if (rc != PGV_DONE)
		bench_die_conn(c, "pgv_rows_next");
	pgv_rows_free(rows);
	return n;
}

/* Reads the table once the given way (0 raw, 1 floor, 2 text, 3 binary); adds to t, cpu. */
static double read_once(int way, pgv_conn *c, bench_raw *raw, const char *table, size_t nrows,
	double *t, double *cpu)
{
	double t0 = bench_now(), c0 = bench_cpu(), sum = 0;
	size_t n = way < 2 ? run_raw(raw, table, way == 1, &sum) : run_lib(c, table, way == 3, &sum);

	*t = bench_now() - t0;
	*cpu = bench_cpu() - c0;
	if (n != nrows) {
		fprintf(stderr, "bench_fetch: read %zu rows, not %zu\n", n, nrows);
		exit(1);
	}
	return sum;
}

/* Loads a table of `rows` vectors of `dim` dimensions and measures the three ways. */
static void bench_dim(const char *dsn, pgv_conn *c, bench_raw *raw, size_t dim, size_t rows)
{
	static const char *const names[4] = { "raw SQLGetData+strtof", "floor: SQLGetData only",
		"library text", "library binary" };
	char table[64], sql[256];
	double t[4][RUNS], cpu[4][RUNS];
	result r[4];

	snprintf(table, sizeof(table), "pgv_bench_fetch_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", table);
	bench_exec(c, sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s (id bigint PRIMARY KEY, embedding vector(%zu))",
		table, dim);
	bench_exec(c, sql);
	bench_load_apart(dsn, table, dim, rows, dim);
	/* interleaved, so that a noisy machine slows every way alike */
	for (int k = 0; k < RUNS; k++)
		for (int way = 0; way < 4; way++)
			r[way].checksum = read_once(way, c, raw, table, rows, &t[way][k], &cpu[way][k]);
	for (int way = 0; way < 4; way++) {
		r[way].rows_per_s = (double)rows / bench_median(t[way], RUNS);
		r[way].cpu_per_row = bench_median(cpu[way], RUNS) / (double)rows;
		printf("%-22s %6zu %7zu %12.0f %12.1f\n", names[way], dim, rows, r[way].rows_per_s,
			r[way].cpu_per_row * 1e6);
	}
	fflush(stdout);
	if (r[0].checksum != r[2].checksum || r[2].checksum != r[3].checksum) {
		fprintf(stderr, "bench_fetch: raw, text and binary read different values\n");
		exit(1);
	}
	printf("  text vs raw:     CPU/row %8.1f vs %8.1f us = %5.2fx (target <= 0.40; floor %.2fx)"
		"   rows/s %5.2fx\n", r[2].cpu_per_row * 1e6, r[0].cpu_per_row * 1e6,
		r[2].cpu_per_row / r[0].cpu_per_row, r[1].cpu_per_row / r[0].cpu_per_row,
		r[2].rows_per_s / r[0].rows_per_s);
	printf("  binary vs text:  rows/s %10.0f vs %10.0f = %5.2fx (target >= 4 at 1536)   "
		"CPU/row %5.2fx\n", r[3].rows_per_s, r[2].rows_per_s, r[3].rows_per_s / r[2].rows_per_s,
		r[3].cpu_per_row / r[2].cpu_per_row);
	snprintf(sql, sizeof(sql), "DROP TABLE %s", table);
	bench_exec(c, sql);
}

int main(int argc, char **argv)
{
	pgv_conn *c = NULL;
	bench_raw raw;
	const char *dsn = bench_connect_both("bench_fetch", argc, argv, &c, &raw);

	printf("bench_fetch on %s: medians of %d full reads of the table\n", dsn, RUNS);
	printf("%-22s %6s %7s %12s %12s\n", "way", "dim", "rows", "rows/s", "cpu us/row");
	bench_dim(dsn, c, &raw, 128, 10000);
	bench_dim(dsn, c, &raw, 1536, 2000);
	bench_raw_close(&raw);
	pgv_conn_close(c);
	return 0;
}
